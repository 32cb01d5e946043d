// SPDX-License-Identifier: MIT
/*
 * wcfb-planetest: scenes of planes (primary, overlays, cursor; formats,
 * positions, blend modes, plane alpha, zpos, rotation) set up with one
 * atomic commit each, and what the screen must then show, computed by a
 * CPU reference of the composition written here from the spec (the
 * blend formulas and formats of Documentation/engine-protocol.md, the
 * planes of Documentation/design.rst "Planes and composition", DRM's
 * rotation and zpos rules, the YUV conversion of protocol 1.2 with its
 * coefficients derived from Kr and Kb), not from the engine model or the
 * driver.
 *
 *   wcfb-planetest info                 planes, formats, properties, caps
 *   wcfb-planetest screen [-TYPE]       what the screen must show now, from
 *                                       another client's planes (cmd_screen())
 *   wcfb-planetest selftest             the reference on hand-computed pixels
 *   wcfb-planetest [--crc] [--mode WxH] [SCENE...]
 *
 * Scenes (given on the command line, then one per line on stdin):
 *   plain                  the primary alone, full screen XRGB8888
 *   formats PLANE FMT      PLANE (primary|overlay|cursor) showing a pattern
 *                          in FMT (a fourcc, e.g. AR30, NV12, YU12, or
 *                          DRM's name, e.g. YUV420) over a known primary
 *                          (for the primary itself: over black); the
 *                          overlay's source rect is 201x151 from (7,5)
 *   cursor X Y [WxH]       the cursor (ARGB8888, default 64x64 or the cap)
 *                          at X, Y (anywhere, partly or wholly off screen)
 *   alpha MODE PA          an ARGB8888 overlay with an alpha ramp, blend
 *                          MODE (none|premulti|coverage), plane alpha PA
 *   zpos P,A,B,C [PA]      primary and three overlays with these zpos
 *                          values (the primary with plane alpha PA, coverage)
 *   rotate ROT [X Y]       a non-square overlay rotated: ROT is
 *                          0|90|180|270 with +reflect-x / +reflect-y
 *   scale [primary] SW SH DW DH [ROT [X Y]]
 *                          an overlay (or the primary, alone) whose SW x SH
 *                          source is shown at DW x DH, rotated by ROT, at
 *                          X, Y (default 40, 30; the primary 0, 0)
 *   sparse                 no primary, one overlay in a corner whose centre
 *                          is transparent (the engine fault control's scene)
 * Words for the plane a scene is about (cursor, alpha, rotate, sparse:
 * fmt=; those and formats: src=):
 *   fmt=FMT                its format instead of AR24
 *   src=X,Y                its source rect from (X, Y), the framebuffer
 *                          grown by as much (odd: YUV chroma phase 1)
 * YUV planes (every format of Documentation/engine-protocol.md 1.2; the
 * pattern: Y per pixel, Cb and Cr per chroma sample, random, in the
 * nominal ranges but for the top quarter, a picture of its own for each
 * format and layout; opaque; packed formats' framebuffers of whole pixel
 * pairs, one column wider where the scene's width is odd):
 *   enc=601|709|2020       COLOR_ENCODING (default 601), by enum name
 *   range=limited|full     COLOR_RANGE (default limited); a scene sets both
 *                          on every plane that has them (RGB planes: the
 *                          defaults); without them only the defaults
 *   split                  the chroma planes in a second dumb buffer
 *   offsets                no plane at offset 0 or right after the one
 *                          before (see yuv_layout())
 *   refenc=E, refrange=R   the reference converts with E / R instead: a
 *                          negative control's deliberate mistake
 * Any scene line may carry the word "poke": one byte of the primary's
 * pixel (1,1) is XORed with 1 (blue's low bit in XRGB8888); and the
 * CRTC's color management: degamma=LUT, ctm=CTM, gamma=LUT (LUT one of
 * identity|invert|curve|random, CTM one of identity|swaprb|wild, see
 * ref_lut_by_name()), applied by the reference to the composed frame as
 * the COLOR op of Documentation/engine-protocol.md says.  A scene sets
 * each of DEGAMMA_LUT, CTM, GAMMA_LUT the CRTC has: to its table's blob,
 * or to 0, which resets what an earlier scene set; the client resets
 * them at exit.  Without GAMMA_LUT, a scene with color words is skipped.
 * "info" prints the blob ids the CRTC has set at the moment, and each
 * plane's formats and properties (COLOR_ENCODING, COLOR_RANGE with the
 * values offered).
 *
 * Each scene is one nonblocking commit with a page-flip event, waited for
 * (the first one also sets the mode, 640x480 unless --mode).  Then, on
 * stdout, line-buffered:
 *   REF <16 hex>           FNV-1a 64 of the reference screen's RGB rows
 *                          (the harness's `rgbhash` check)
 *   CRC <8 hex>            with --crc: zlib's CRC-32 of the same bytes
 *   SCANOUT <addr> primary <addr> zerocopy 0|1   debugfs scanout's address
 *                          and the primary framebuffer's (pool), equal or not
 *   READY                  the scene is on screen and stays there
 * or "SKIP why" (the device lacks what the scene needs) or "FAIL why".
 * The scene stays until the next line on stdin, stdin's end or a signal.
 * Exit: 0, 1 if a scene failed, 77 if the command-line scene was skipped.
 *
 * Built with -DPLANETEST_REFONLY (natively, no libdrm): only the
 * reference and its self-test, to check it on the host.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <drm_mode.h>

#ifndef PLANETEST_REFONLY
#include <fcntl.h>
#include <sys/mman.h>
#include <linux/dma-buf.h>

#include "wcfb_client.h"
#endif
#include "wcfb_crc32.h"
#include "wcfb_rgbhash.h"

/* ===================================================== the CPU reference */

/*
 * A format as DRM defines it: the little-endian value of cpp bytes, and
 * each channel's lowest bit and width in it (width 0: absent; no A means
 * opaque, and bits of no channel are X, ignored).
 *
 * YUV (Documentation/engine-protocol.md 1.2, "YUV sources"): yuv is the
 * number of DRM planes (1 packed, 2 Y + interleaved chroma, 3 Y, Cb, Cr
 * planes in DRM's order), hsub x vsub the block one chroma sample covers,
 * crcb: Cr comes first (NV21's pairs, YVU420's plane order); pk: packed,
 * the bytes of Y0, Y1, Cb, Cr in a pixel pair's 4.  cpp is then plane 0's
 * (1; packed 2, as the spec counts it for pitches and origins).  YUV has
 * no alpha: opaque.
 */
struct fmt {
	const char *name, *alias;	/* fourcc text; DRM's name for YUV */
	uint32_t fourcc, cpp;
	uint8_t sh[4], w[4];	/* A, R, G, B */
	uint8_t yuv, hsub, vsub, crcb;
	uint8_t pk[4];		/* Y0, Y1, Cb, Cr */
};

#define F(n, cpp, as, aw, rs, rw, gs, gw, bs, bw) \
	{ n, NULL, fourcc_code(n[0], n[1], n[2], n[3]), cpp, \
	  { as, rs, gs, bs }, { aw, rw, gw, bw }, 0, 1, 1, 0, { 0 } }
#define YUV(n, alias, planes, hs, vs, crcb) \
	{ n, alias, fourcc_code(n[0], n[1], n[2], n[3]), 1, { 0 }, { 0 }, \
	  planes, hs, vs, crcb, { 0 } }
#define PACKED(n, y0, y1, cb, cr) \
	{ n, NULL, fourcc_code(n[0], n[1], n[2], n[3]), 2, { 0 }, { 0 }, \
	  1, 2, 1, cr < cb, { y0, y1, cb, cr } }
static const struct fmt fmts[] = {
	F("XR24", 4,  0, 0, 16,  8,  8, 8,  0,  8),
	F("AR24", 4, 24, 8, 16,  8,  8, 8,  0,  8),
	F("XB24", 4,  0, 0,  0,  8,  8, 8, 16,  8),
	F("AB24", 4, 24, 8,  0,  8,  8, 8, 16,  8),
	F("RX24", 4,  0, 0, 24,  8, 16, 8,  8,  8),
	F("RA24", 4,  0, 8, 24,  8, 16, 8,  8,  8),
	F("BX24", 4,  0, 0,  8,  8, 16, 8, 24,  8),
	F("BA24", 4,  0, 8,  8,  8, 16, 8, 24,  8),
	F("RG24", 3,  0, 0, 16,  8,  8, 8,  0,  8),
	F("BG24", 3,  0, 0,  0,  8,  8, 8, 16,  8),
	F("RG16", 2,  0, 0, 11,  5,  5, 6,  0,  5),
	F("BG16", 2,  0, 0,  0,  5,  5, 6, 11,  5),
	F("XR30", 4,  0, 0, 20, 10, 10, 10, 0, 10),
	F("AR30", 4, 30, 2, 20, 10, 10, 10, 0, 10),
	F("XB30", 4,  0, 0,  0, 10, 10, 10, 20, 10),
	F("AB30", 4, 30, 2,  0, 10, 10, 10, 20, 10),
	YUV("NV12", NULL, 2, 2, 2, 0),
	YUV("NV21", NULL, 2, 2, 2, 1),
	YUV("NV16", NULL, 2, 2, 1, 0),
	YUV("NV61", NULL, 2, 2, 1, 1),
	YUV("NV24", NULL, 2, 1, 1, 0),
	YUV("NV42", NULL, 2, 1, 1, 1),
	YUV("YU12", "YUV420", 3, 2, 2, 0),
	YUV("YV12", "YVU420", 3, 2, 2, 1),
	YUV("YU16", "YUV422", 3, 2, 1, 0),
	YUV("YV16", "YVU422", 3, 2, 1, 1),
	YUV("YU24", "YUV444", 3, 1, 1, 0),
	YUV("YV24", "YVU444", 3, 1, 1, 1),
	PACKED("YUYV", 0, 2, 1, 3),
	PACKED("YVYU", 0, 2, 3, 1),
	PACKED("UYVY", 1, 3, 0, 2),
	PACKED("VYUY", 1, 3, 2, 0),
};
#undef F
#undef YUV
#undef PACKED
#define NFMTS (sizeof(fmts) / sizeof(fmts[0]))

static const struct fmt *fmt_by_name(const char *s)
{
	size_t i;

	for (i = 0; i < NFMTS; i++)
		if (!strcmp(fmts[i].name, s) ||
		    (fmts[i].alias && !strcmp(fmts[i].alias, s)))
			return &fmts[i];
	return NULL;
}

/* A channel of width w to 8 bits, as the spec says. */
static uint32_t to8(uint32_t v, uint32_t w)
{
	switch (w) {
	case 2:
		return v * 0x55;
	case 5:
		return (v << 3) | (v >> 2);
	case 6:
		return (v << 2) | (v >> 4);
	case 10:
		return v >> 2;
	default:
		return v;
	}
}

static uint32_t px_load(const uint8_t *p, uint32_t cpp)
{
	uint32_t v = 0, i;

	for (i = 0; i < cpp; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void px_store(uint8_t *p, uint32_t cpp, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < cpp; i++)
		p[i] = v >> (8 * i);
}

/* The pixel at P to canonical 0xAARRGGBB. */
static uint32_t unpack(const struct fmt *f, const uint8_t *p)
{
	uint32_t v = px_load(p, f->cpp), out = 0, c;

	for (c = 0; c < 4; c++) {
		uint32_t ch = 255;

		if (f->w[c])
			ch = to8(v >> f->sh[c] & ((1u << f->w[c]) - 1), f->w[c]);
		out |= ch << (24 - 8 * c);
	}
	return out;
}

enum { MODE_NONE, MODE_PREMULTI, MODE_COVERAGE };
static const char *const mode_drm_name[] = { "None", "Pre-multiplied", "Coverage" };

static uint32_t div255(uint32_t x)
{
	return (x + 127) / 255;
}

/* One channel: source s (alpha as), destination d, plane alpha pa. */
static uint32_t blend_ch(uint32_t s, uint32_t as, uint32_t d, uint32_t pa, int mode)
{
	uint32_t a, c;

	switch (mode) {
	case MODE_PREMULTI:
		a = div255(as * pa);
		c = div255(s * pa) + div255(d * (255 - a));
		return c > 255 ? 255 : c;
	case MODE_NONE:
		a = pa;
		return div255(s * a + d * (255 - a));
	default:
		a = div255(as * pa);
		return div255(s * a + d * (255 - a));
	}
}

/* SRC (0xAARRGGBB) over the screen's D (0x00RRGGBB, opaque). */
static uint32_t blend(uint32_t src, uint32_t d, uint32_t pa, int mode)
{
	uint32_t as = src >> 24, out = 0;
	int s;

	for (s = 16; s >= 0; s -= 8)
		out |= blend_ch(src >> s & 0xff, as, d >> s & 0xff, pa, mode) << s;
	return out;
}

/* A 32-bit mix (the patterns' randomness). */
static uint32_t hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

/* --- YUV ------------------------------------------------------------------ */
/*
 * YCbCr to RGB as the spec's "exact integer arithmetic" says, with its
 * coefficients derived here from Kr and Kb (not taken from a table).
 */
enum { ENC_601, ENC_709, ENC_2020, NENC };
static const char *const enc_word[NENC] = { "601", "709", "2020" };
static const char *const range_word[2] = { "limited", "full" };
static const double enc_k[NENC][2] = {	/* Kr, Kb */
	{ 0.299, 0.114 }, { 0.2126, 0.0722 }, { 0.2627, 0.0593 },
};

/* Round half away from zero (no libm: the clients link libdrm alone). */
static int64_t round_away(double x)
{
	return x < 0 ? -(int64_t)(-x + 0.5) : (int64_t)(x + 0.5);
}

/* Y's factor: round(65536 * 255 / 219) limited, 65536 full. */
static int64_t yuv_cy(int full)
{
	return full ? 65536 : round_away(65536.0 * 255 / 219);
}

/* crv, cgu, cgv, cbu of ENC in the range (FULL or limited). */
static void yuv_coefs(int enc, int full, int64_t c[4])
{
	double kr = enc_k[enc][0], kb = enc_k[enc][1], kg = 1 - kr - kb;
	double s = full ? 1.0 : 255.0 / 224;

	c[0] = round_away(65536 * s * 2 * (1 - kr));
	c[1] = round_away(65536 * s * 2 * (1 - kb) * kb / kg);
	c[2] = round_away(65536 * s * 2 * (1 - kr) * kr / kg);
	c[3] = round_away(65536 * s * 2 * (1 - kb));
}

/* (V + 32768) >> 16 as floor division, clamped to 0..255. */
static uint32_t yuv_ch(int64_t v)
{
	int64_t t = v + 32768;

	if (t < 0)
		return 0;
	t >>= 16;
	return t > 255 ? 255 : (uint32_t)t;
}

/* One YCbCr sample to 0xAARRGGBB, opaque. */
static uint32_t yuv_rgb(int enc, int full, uint32_t Y, uint32_t Cb, uint32_t Cr)
{
	static int64_t coef[NENC][2][4];
	static int done;
	int64_t y = full ? (int64_t)Y : (int64_t)Y - 16, cb = (int64_t)Cb - 128;
	int64_t cr = (int64_t)Cr - 128, cy = yuv_cy(full) * y;
	const int64_t *c;
	int e, f;

	if (!done) {
		for (e = 0; e < NENC; e++)
			for (f = 0; f < 2; f++)
				yuv_coefs(e, f, coef[e][f]);
		done = 1;
	}
	c = coef[enc][full];
	return 0xff000000 | yuv_ch(cy + c[0] * cr) << 16 |
	       yuv_ch(cy - c[1] * cb - c[2] * cr) << 8 | yuv_ch(cy + c[3] * cb);
}

/*
 * Where pixel (X, Y) of F (PITCH[]: its planes' pitches) has its Y, Cb and
 * Cr bytes: in plane K[i] at byte O[i].  Chroma is the sample whose block
 * holds the pixel (nearest, no interpolation); packed, the pair of columns
 * X & ~1 and X | 1.
 */
static void yuv_where(const struct fmt *f, const uint32_t pitch[3], uint32_t X,
		      uint32_t Y, int k[3], size_t o[3])
{
	size_t cx = X / f->hsub, cy = Y / f->vsub;

	if (f->yuv == 1) {
		size_t pair = (size_t)Y * pitch[0] + (size_t)(X & ~1u) * 2;

		k[0] = k[1] = k[2] = 0;
		o[0] = pair + f->pk[X & 1];
		o[1] = pair + f->pk[2];
		o[2] = pair + f->pk[3];
		return;
	}
	k[0] = 0;
	o[0] = (size_t)Y * pitch[0] + X;
	if (f->yuv == 2) {
		k[1] = k[2] = 1;
		o[1] = cy * pitch[1] + cx * 2 + f->crcb;
		o[2] = cy * pitch[1] + cx * 2 + !f->crcb;
	} else {
		k[1] = f->crcb ? 2 : 1;
		k[2] = f->crcb ? 1 : 2;
		o[1] = cy * pitch[k[1]] + cx;
		o[2] = cy * pitch[k[2]] + cx;
	}
}

/* A plane as the reference sees it. */
struct ref_plane {
	int on;
	uint32_t id;		/* plane object id: breaks zpos ties */
	uint32_t zpos;
	const struct fmt *fmt;
	const uint8_t *pix;	/* the framebuffer's bytes (a CPU copy) */
	uint32_t pitch;
	uint32_t sx, sy, sw, sh; /* source rect, whole pixels */
	int32_t cx, cy;		/* CRTC position; the size is sw x sh, swapped
				 * for 90 and 270, unless dw is set */
	uint32_t dw, dh;	/* scaled: the CRTC size (0: not scaled) */
	uint32_t alpha16;
	int mode;
	uint32_t rot;		/* DRM_MODE_ROTATE_* | DRM_MODE_REFLECT_* */
	/* YUV: pix and pitch are plane 0's, these DRM planes 1 and 2's */
	const uint8_t *cpix[2];
	uint32_t cpitch[2];
	int enc, full;		/* ENC_*, full range (else limited) */
};

/* Pixel (X, Y) of P's framebuffer (YUV: converted) as 0xAARRGGBB. */
static uint32_t ref_fetch(const struct ref_plane *p, uint32_t X, uint32_t Y)
{
	const uint8_t *pl[3] = { p->pix, p->cpix[0], p->cpix[1] };
	uint32_t pitch[3] = { p->pitch, p->cpitch[0], p->cpitch[1] };
	size_t o[3];
	int k[3];

	if (!p->fmt->yuv)
		return unpack(p->fmt, p->pix + (size_t)Y * p->pitch +
				      (size_t)X * p->fmt->cpp);
	yuv_where(p->fmt, pitch, X, Y, k, o);
	return yuv_rgb(p->enc, p->full, pl[k[0]][o[0]], pl[k[1]][o[1]], pl[k[2]][o[2]]);
}

static void ref_dst_size(const struct ref_plane *p, uint32_t *w, uint32_t *h)
{
	int turned = !!(p->rot & (DRM_MODE_ROTATE_90 | DRM_MODE_ROTATE_270));

	if (p->dw) {
		*w = p->dw;
		*h = p->dh;
		return;
	}
	*w = turned ? p->sh : p->sw;
	*h = turned ? p->sw : p->sh;
}

/*
 * A scaled plane's ref_src_of(), by the rule of Documentation/uapi.rst
 * ("Scaling"): the centre of CRTC pixel (x, y) lands on the source as DRM
 * rotates it, in 1/65536 pixels, at steps k = floor(extent * 65536 /
 * pixels) per CRTC pixel; from there back through the rotation and the
 * reflection as for whole pixels, a mirror taking t to S - 1 - t in
 * 1/65536 pixels.  The sample is the source pixel holding the position.
 */
static void ref_src_of_scaled(const struct ref_plane *p, uint32_t x,
			      uint32_t y, uint32_t *u, uint32_t *v)
{
	int turned = !!(p->rot & (DRM_MODE_ROTATE_90 | DRM_MODE_ROTATE_270));
	int64_t W = (int64_t)p->sw << 16, H = (int64_t)p->sh << 16;
	int64_t kx = (turned ? H : W) / p->dw, ky = (turned ? W : H) / p->dh;
	int64_t X = kx / 2 + (int64_t)x * kx, Y = ky / 2 + (int64_t)y * ky;
	int64_t U, V;

	switch (p->rot & DRM_MODE_ROTATE_MASK) {
	case DRM_MODE_ROTATE_90:
		U = W - 1 - Y;
		V = X;
		break;
	case DRM_MODE_ROTATE_180:
		U = W - 1 - X;
		V = H - 1 - Y;
		break;
	case DRM_MODE_ROTATE_270:
		U = Y;
		V = H - 1 - X;
		break;
	default:
		U = X;
		V = Y;
	}
	if (p->rot & DRM_MODE_REFLECT_X)
		U = W - 1 - U;
	if (p->rot & DRM_MODE_REFLECT_Y)
		V = H - 1 - V;
	*u = (uint32_t)(U >> 16);
	*v = (uint32_t)(V >> 16);
}

/*
 * Where the plane's pixel (x, y) of its CRTC rect comes from in its source
 * rect: DRM reflects the source first, then rotates it counter-clockwise
 * (drm_rect_rotate()), so go back through the rotation, then the reflection.
 */
static void ref_src_of(const struct ref_plane *p, uint32_t x, uint32_t y,
		       uint32_t *u, uint32_t *v)
{
	uint32_t W = p->sw, H = p->sh;

	switch (p->rot & DRM_MODE_ROTATE_MASK) {
	case DRM_MODE_ROTATE_90:
		*u = W - 1 - y;
		*v = x;
		break;
	case DRM_MODE_ROTATE_180:
		*u = W - 1 - x;
		*v = H - 1 - y;
		break;
	case DRM_MODE_ROTATE_270:
		*u = y;
		*v = H - 1 - x;
		break;
	default:
		*u = x;
		*v = y;
	}
	if (p->rot & DRM_MODE_REFLECT_X)
		*u = W - 1 - *u;
	if (p->rot & DRM_MODE_REFLECT_Y)
		*v = H - 1 - *v;
}

/* The core's normalization: zpos, then plane object id. */
static int ref_below(const struct ref_plane *a, const struct ref_plane *b)
{
	return a->zpos != b->zpos ? a->zpos < b->zpos : a->id < b->id;
}

/* The screen (W x H, 0x00RRGGBB) the N planes make. */
static void ref_compose(uint32_t *scr, uint32_t W, uint32_t H,
			const struct ref_plane *pl, int n)
{
	const struct ref_plane *order[16];
	int i, j, k = 0;

	for (i = 0; i < (int)(W * H); i++)
		scr[i] = 0;
	for (i = 0; i < n && k < 16; i++) {
		if (!pl[i].on)
			continue;
		for (j = k; j > 0 && ref_below(&pl[i], order[j - 1]); j--)
			order[j] = order[j - 1];
		order[j] = &pl[i];
		k++;
	}
	for (i = 0; i < k; i++) {
		const struct ref_plane *p = order[i];
		uint32_t dw, dh, pa = p->alpha16 >> 8;
		int64_t x0, y0, x1, y1, x, y;

		ref_dst_size(p, &dw, &dh);
		x0 = p->cx < 0 ? 0 : p->cx;
		y0 = p->cy < 0 ? 0 : p->cy;
		x1 = (int64_t)p->cx + dw < W ? (int64_t)p->cx + dw : W;
		y1 = (int64_t)p->cy + dh < H ? (int64_t)p->cy + dh : H;
		for (y = y0; y < y1; y++)
			for (x = x0; x < x1; x++) {
				uint32_t u, v, *d = &scr[y * W + x];

				if (p->dw)
					ref_src_of_scaled(p, x - p->cx, y - p->cy,
							  &u, &v);
				else
					ref_src_of(p, x - p->cx, y - p->cy, &u, &v);
				*d = blend(ref_fetch(p, p->sx + u, p->sy + v), *d, pa,
					   p->mode);
			}
	}
}

static uint64_t ref_rgbhash(const uint32_t *scr, size_t n)
{
	uint64_t h = WCFB_RGBHASH_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		h = wcfb_rgbhash_byte(h, scr[i] >> 16 & 0xff);
		h = wcfb_rgbhash_byte(h, scr[i] >> 8 & 0xff);
		h = wcfb_rgbhash_byte(h, scr[i] & 0xff);
	}
	return h;
}

static uint32_t ref_crc(const uint32_t *scr, size_t n)
{
	uint32_t crc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t rgb[3] = { scr[i] >> 16, scr[i] >> 8, scr[i] };

		crc = wcfb_crc32(crc, rgb, 3);
	}
	return crc;
}

/* --- test patterns -------------------------------------------------------- */
enum pat { PAT_RAMP, PAT_SPARSE };

/*
 * W x H pixels of F at PIX (PITCH bytes a row): every bit random (X bits
 * too: they must be ignored), per pixel; alpha, if F has it, random in
 * the top quarter and below it a ramp from 0 at the left edge to the
 * maximum at the right.  PAT_SPARSE: alpha 0 in the 9 x 9 block around
 * the centre.
 */
static void fill_pattern(uint8_t *pix, uint32_t pitch, const struct fmt *f,
			 uint32_t w, uint32_t h, uint32_t seed, enum pat pat)
{
	uint32_t x, y, amax = (1u << f->w[0]) - 1;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			uint32_t v = hash32(seed * 0x9e3779b9 ^ hash32(y << 16 | x));

			if (f->w[0] && y >= h / 4) {
				uint32_t a = w > 1 ? x * amax / (w - 1) : amax;

				if (pat == PAT_SPARSE && x + 4 >= w / 2 &&
				    x <= w / 2 + 4 && y + 4 >= h / 2 && y <= h / 2 + 4)
					a = 0;
				v = (v & ~(amax << f->sh[0])) | a << f->sh[0];
			}
			px_store(pix + (size_t)y * pitch + (size_t)x * f->cpp, f->cpp, v);
		}
}

/*
 * Where a W x H framebuffer of YUV format F keeps its planes: plane k in
 * buffer buf[k] at byte off[k], pitch[k] bytes a row, rows[k] rows of
 * cols[k] samples of bps[k] bytes (packed: pixels of 2 bytes, W rounded
 * up to whole pairs).  Pitches are padded to 64 bytes, and the chroma
 * planes' by 64 bytes more per plane, so that a pitch taken from the wrong
 * plane shows.  A plane starts at a multiple of its pitch, right after
 * the one before it in its buffer.  SPLIT: the chroma planes in a second
 * buffer.  OFFSETS: no plane at the start of its buffer or right after the
 * one before: 3 rows + 20 bytes further, then 1 row + 12 bytes (multiples
 * of 4 and of the sample size, as packed formats and NV pairs need), with
 * pitches 64 bytes longer still, so that a row stays inside its pitch
 * from the offset on, as it does in the usual layouts (where the engine
 * reads a plane as rows of its pitch from a folded origin, a row that ran
 * on into the next pitch could not be read).
 */
struct yuv_layout {
	uint32_t n;
	uint32_t buf[3], off[3], pitch[3], rows[3], cols[3], bps[3];
	uint32_t size[2];	/* bytes each buffer needs (0: unused) */
};

static void yuv_layout(const struct fmt *f, uint32_t w, uint32_t h, int split,
		       int offsets, struct yuv_layout *l)
{
	uint32_t pos[2] = { 0, 0 }, k;

	memset(l, 0, sizeof(*l));
	l->n = f->yuv;
	for (k = 0; k < l->n; k++) {
		uint32_t b = split && k ? 1 : 0, gap = 0;

		if (!k) {
			l->cols[k] = f->yuv == 1 ? (w + 1) & ~1u : w;
			l->bps[k] = f->cpp;
			l->rows[k] = h;
		} else {
			l->cols[k] = (w + f->hsub - 1) / f->hsub;
			l->bps[k] = f->yuv == 2 ? 2 : 1;
			l->rows[k] = (h + f->vsub - 1) / f->vsub;
		}
		l->pitch[k] = ((l->cols[k] * l->bps[k] + 63) & ~63u) + 64 * k +
			      (offsets ? 64 : 0);
		l->buf[k] = b;
		if (offsets)
			gap = pos[b] ? l->pitch[k] + 12 : 3 * l->pitch[k] + 20;
		/* a multiple of the pitch, + a multiple of 4 */
		l->off[k] = (pos[b] + l->pitch[k] - 1) / l->pitch[k] * l->pitch[k] + gap;
		pos[b] = l->off[k] + l->pitch[k] * l->rows[k];
		l->size[b] = pos[b];
	}
}

/* The YCbCr pattern's values, from the sample's place, not the layout's:
 * every layout of one subsampling shows the same picture.  The top
 * quarter of the rows anything (clamping), below the nominal ranges. */
static uint32_t yuv_pat_y(uint32_t seed, uint32_t x, uint32_t y, uint32_t h)
{
	uint32_t v = hash32(seed * 0x9e3779b9 ^ hash32(y << 16 | x)) & 0xff;

	return y < h / 4 ? v : 16 + v * 220 / 256;
}

static uint32_t yuv_pat_c(uint32_t seed, uint32_t cx, uint32_t cy, int cr,
			  int top)
{
	uint32_t v = hash32((seed * 0x9e3779b9 + 0x1234567 * (cr + 1)) ^
			    hash32((cy << 16 | cx) ^ 0x8000)) & 0xff;

	return top ? v : 16 + v * 225 / 256;
}

/* W x H pixels of F's pattern SEED into planes P[]; the bytes around them
 * (padding, gaps) are the caller's noise. */
static void fill_yuv(const struct fmt *f, uint8_t *const p[3],
		     const uint32_t pitch[3], uint32_t w, uint32_t h, uint32_t seed)
{
	uint32_t x, y, wp = f->yuv == 1 ? (w + 1) & ~1u : w;
	size_t o[3];
	int k[3];

	for (y = 0; y < h; y++)
		for (x = 0; x < wp; x++) {
			uint32_t cx = x / f->hsub, cy = y / f->vsub;
			int top = cy * f->vsub < h / 4;

			yuv_where(f, pitch, x, y, k, o);
			p[k[0]][o[0]] = yuv_pat_y(seed, x, y, h);
			p[k[1]][o[1]] = yuv_pat_c(seed, cx, cy, 0, top);
			p[k[2]][o[2]] = yuv_pat_c(seed, cx, cy, 1, top);
		}
}


static void fill_noise(uint8_t *b, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = hash32(seed ^ 0x5bd1e995 ^ hash32(i)) >> 8;
}

/* R's planes: L's in the buffers BUF[] (CPU copies). */
static void yuv_ref_planes(struct ref_plane *r, const struct yuv_layout *l,
			   const uint8_t *const buf[2])
{
	uint32_t k;

	r->pix = buf[l->buf[0]] + l->off[0];
	r->pitch = l->pitch[0];
	for (k = 1; k < l->n; k++) {
		r->cpix[k - 1] = buf[l->buf[k]] + l->off[k];
		r->cpitch[k - 1] = l->pitch[k];
	}
}

/* F's pattern SEED, W x H, into BUF[] laid out as L, noise around it. */
static void fill_yuv_layout(const struct fmt *f, const struct yuv_layout *l,
			    uint8_t *const buf[2], const uint32_t bufsize[2],
			    uint32_t w, uint32_t h, uint32_t seed)
{
	uint8_t *p[3] = { NULL, NULL, NULL };
	uint32_t pitch[3] = { 0, 0, 0 }, k;

	for (k = 0; k < 2; k++)
		if (buf[k])
			fill_noise(buf[k], bufsize[k], seed + k);
	for (k = 0; k < l->n; k++) {
		p[k] = buf[l->buf[k]] + l->off[k];
		pitch[k] = l->pitch[k];
	}
	fill_yuv(f, p, pitch, w, h, seed);
}

/* --- color management ---------------------------------------------------- */
/*
 * CRTC color management as Documentation/engine-protocol.md (COLOR)
 * defines it, on the composed frame: 8-bit C to 16 bits through the
 * degamma LUT (index C) or C * 257, the CTM (S31.32 sign-magnitude as
 * DRM's blob holds it, exact, rounded to nearest, clamped to 0..65535),
 * the gamma LUT (index o >> 8), and back to 8 bits as (g + 128) / 257.
 */
#define REF_DEGAMMA 1u
#define REF_CTM 2u
#define REF_GAMMA 4u
struct ref_color {
	uint32_t flags;
	struct drm_color_lut degamma[256], gamma[256];
	struct drm_color_ctm ctm;
};

/* DRM's S31.32 sign-magnitude to a signed Q32.32 (1.0 = 1 << 32). */
static int64_t sm_to_q32(uint64_t x)
{
	uint64_t mag = x & ~(1ULL << 63);

	return x >> 63 ? -(int64_t)mag : (int64_t)mag;
}

/* Row I of the CTM over D (16-bit R, G, B): exact, then clamped. */
static uint32_t ref_ctm_row(const struct drm_color_ctm *m, int i, const uint32_t d[3])
{
	__int128 sum = 0;
	int j;

	for (j = 0; j < 3; j++)
		sum += (__int128)sm_to_q32(m->matrix[i * 3 + j]) * d[j];
	/* the nearest integer, halves up: below 0 it clamps anyway */
	sum += (__int128)1 << 31;
	if (sum < 0)
		return 0;
	sum /= (__int128)1 << 32;
	return sum > 65535 ? 65535 : (uint32_t)sum;
}

static uint16_t lut_ch(const struct drm_color_lut *e, int c)
{
	return c == 0 ? e->red : c == 1 ? e->green : e->blue;
}

/* One screen pixel, 0x00RRGGBB, through the pipeline C describes. */
static uint32_t ref_color_px(const struct ref_color *c, uint32_t rgb)
{
	uint32_t d[3], out = 0;
	int i;

	for (i = 0; i < 3; i++) {
		uint32_t v = rgb >> (16 - 8 * i) & 0xff;

		d[i] = c->flags & REF_DEGAMMA ? lut_ch(&c->degamma[v], i) : v * 257;
	}
	for (i = 0; i < 3; i++) {
		uint32_t o = c->flags & REF_CTM ? ref_ctm_row(&c->ctm, i, d) : d[i];
		uint32_t g = c->flags & REF_GAMMA ? lut_ch(&c->gamma[o >> 8], i) : o;

		out |= (g + 128) / 257 << (16 - 8 * i);
	}
	return out;
}

static void ref_color_frame(const struct ref_color *c, uint32_t *scr, size_t n)
{
	size_t i;

	if (!c->flags)
		return;
	for (i = 0; i < n; i++)
		scr[i] = ref_color_px(c, scr[i]);
}

/*
 * The named tables scenes use.  LUTs: "identity" (C * 257), "invert",
 * "curve" (a different non-linear curve per channel: R squared, G a
 * square root, B inverted in steps of 16), "random" (every entry, the
 * reserved field too, random).  CTMs: "identity", "swaprb" (R and B
 * exchanged), "wild" (negative coefficients, -0.0, values that clamp at
 * both ends, and 262144.0, whose products need more than 64 bits).
 */
static uint32_t isqrt(uint64_t v)
{
	uint64_t r = 0, bit;

	for (bit = 1u << 15; bit; bit >>= 1)
		if ((r | bit) * (r | bit) <= v)
			r |= bit;
	return r;
}

static int ref_lut_by_name(struct drm_color_lut *lut, const char *name)
{
	uint32_t i;

	for (i = 0; i < 256; i++) {
		struct drm_color_lut *e = &lut[i];

		if (!strcmp(name, "identity")) {
			e->red = e->green = e->blue = i * 257;
		} else if (!strcmp(name, "invert")) {
			e->red = e->green = e->blue = 65535 - i * 257;
		} else if (!strcmp(name, "curve")) {
			e->red = i * i * 65535 / (255 * 255);
			e->green = isqrt((uint64_t)i * 257 * 65535);
			e->blue = 65535 - (i & 0xf0) * 257;
		} else if (!strcmp(name, "random")) {
			uint32_t a = hash32(0xc0102 ^ i), b = hash32(0xc0103 ^ i);

			e->red = a;
			e->green = a >> 16;
			e->blue = b;
		} else {
			return -1;
		}
		e->reserved = !strcmp(name, "random") ? hash32(i) >> 16 : 0;
	}
	return 0;
}

#define Q(x) ((uint64_t)(x))		/* a positive S31.32 value */
#define NEG(x) (1ULL << 63 | (x))	/* its negative */
static int ref_ctm_by_name(struct drm_color_ctm *m, const char *name)
{
	static const struct {
		const char *name;
		uint64_t v[9];
	} ctms[] = {
		{ "identity", { Q(1) << 32, 0, 0, 0, Q(1) << 32, 0, 0, 0, Q(1) << 32 } },
		{ "swaprb", { 0, 0, Q(1) << 32, 0, Q(1) << 32, 0, Q(1) << 32, 0, 0 } },
		/* R' = 1.5 R - 0.75 G + (1/3 - 2^-32 / 3) B
		 * G' = -0.0 R + 0.5 G + 0.6 B  (0.6 rounded up to 0x9999999a)
		 * B' = 262144.0 R + G - 262144.0 B */
		{ "wild", { Q(3) << 31, NEG(Q(3) << 30), 0x55555555,
			    NEG(0), Q(1) << 31, 0x9999999a,
			    Q(1) << 50, Q(1) << 32, NEG(Q(1) << 50) } },
	};
	size_t i;

	for (i = 0; i < sizeof(ctms) / sizeof(ctms[0]); i++)
		if (!strcmp(name, ctms[i].name)) {
			memcpy(m->matrix, ctms[i].v, sizeof(m->matrix));
			return 0;
		}
	return -1;
}
#undef Q
#undef NEG

/* "degamma=NAME", "ctm=NAME" or "gamma=NAME" into C; 1 if WORD is one,
 * 0 if not, -1 if it names no table. */
static int ref_color_word(struct ref_color *c, const char *word)
{
	if (!strncmp(word, "degamma=", 8)) {
		c->flags |= REF_DEGAMMA;
		return ref_lut_by_name(c->degamma, word + 8) ? -1 : 1;
	}
	if (!strncmp(word, "gamma=", 6)) {
		c->flags |= REF_GAMMA;
		return ref_lut_by_name(c->gamma, word + 6) ? -1 : 1;
	}
	if (!strncmp(word, "ctm=", 4)) {
		c->flags |= REF_CTM;
		return ref_ctm_by_name(&c->ctm, word + 4) ? -1 : 1;
	}
	return 0;
}

/* --- the reference's self-test ------------------------------------------- */
static int st_fail;

static void st(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void st(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	st_fail += !ok;
}

static uint32_t st_unpack(const char *name, uint32_t v)
{
	const struct fmt *f = fmt_by_name(name);
	uint8_t b[4];

	px_store(b, f->cpp, v);
	return unpack(f, b);
}

/* Values worked out by hand from the spec's formulas (see each line). */
static int selftest(void)
{
	static const uint8_t nine[] = "123456789";
	struct ref_plane pl[3];
	uint32_t scr[6 * 4], src[6], i;
	uint8_t b3[3] = { 0x11, 0x22, 0x33 };

	/* Formats: DRM's little-endian fields. */
	st(st_unpack("XR24", 0x5a112233) == 0xff112233, "XR24 ignores X");
	st(st_unpack("AR24", 0x80112233) == 0x80112233, "AR24");
	st(st_unpack("XB24", 0x00112233) == 0xff332211, "XB24: B in [23:16]");
	st(st_unpack("AB24", 0x44112233) == 0x44332211, "AB24");
	st(st_unpack("RX24", 0x11223344) == 0xff112233, "RX24: X in [7:0]");
	st(st_unpack("RA24", 0x11223344) == 0x44112233, "RA24: A in [7:0]");
	st(st_unpack("BX24", 0x11223344) == 0xff332211, "BX24");
	st(st_unpack("BA24", 0x11223344) == 0x44332211, "BA24");
	st(unpack(fmt_by_name("RG24"), b3) == 0xff332211, "RG24: bytes B, G, R");
	st(unpack(fmt_by_name("BG24"), b3) == 0xff112233, "BG24: bytes R, G, B");
	st(st_unpack("RG16", 0xf800) == 0xffff0000, "RG16: R in [15:11]");
	st(st_unpack("RG16", 0x0410) == 0xff008284, "RG16: G6 0x20 -> 0x82, B5 0x10 -> 0x84");
	st(st_unpack("BG16", 0xf800) == 0xff0000ff, "BG16: B in [15:11]");
	st(st_unpack("BG16", 0x0001) == 0xff080000, "BG16: R5 1 -> 8");
	/* A=3 -> 255, R=1023 -> 255, G=512 -> 128, B=3 -> 0 */
	st(st_unpack("AR30", 3u << 30 | 1023u << 20 | 512u << 10 | 3) == 0xffff8000,
	   "AR30: 10 bits >> 2, 2-bit A * 0x55");
	st(st_unpack("AR30", 1u << 30) == 0x55000000, "AR30: A 1 -> 0x55");
	st(st_unpack("XR30", 0u << 30 | 4u << 20) == 0xff010000, "XR30 ignores X");
	st(st_unpack("AB30", 2u << 30 | 1023u) == 0xaaff0000, "AB30: R in [9:0]");
	st(st_unpack("XB30", 3u << 30 | 8u << 20) == 0xff000002, "XB30: B in [29:20]");

	/* Blending: a = div255(128*255) = 128; div255(200*128 + 50*127) = 125 */
	st(blend_ch(200, 128, 50, 255, MODE_COVERAGE) == 125, "%s", mode_drm_name[MODE_COVERAGE]);
	/* a = div255(128*128) = 64; div255(200*128) = 100, div255(50*191) = 37 */
	st(blend_ch(200, 128, 50, 128, MODE_PREMULTI) == 137, "%s", mode_drm_name[MODE_PREMULTI]);
	/* a = pa = 100: div255(10*100 + 250*155) = 156 */
	st(blend_ch(10, 0, 250, 100, MODE_NONE) == 156, "%s ignores the pixel's alpha",
	   mode_drm_name[MODE_NONE]);
	st(blend_ch(255, 0, 200, 255, MODE_PREMULTI) == 255, "pre-multiplied clamps at 255");
	st(blend_ch(77, 255, 13, 255, MODE_COVERAGE) == 77 &&
	   blend_ch(77, 0, 13, 255, MODE_COVERAGE) == 13 &&
	   blend_ch(77, 255, 13, 255, MODE_PREMULTI) == 77,
	   "opaque gives the source, transparent the destination");
	st(blend(0x80c86432, 0x323232, 255, MODE_COVERAGE) == 0x7d4b32,
	   "blend per channel");

	/* A 3 x 2 source, values 1..6 in B, shown at (1,1) of a 6 x 4 screen. */
	for (i = 0; i < 6; i++)
		src[i] = 0xff000000 | (i + 1);
	memset(pl, 0, sizeof(pl));
	pl[0] = (struct ref_plane){ .on = 1, .id = 10, .fmt = fmt_by_name("AR24"),
		.pix = (const uint8_t *)src, .pitch = 12, .sw = 3, .sh = 2,
		.cx = 1, .cy = 1, .alpha16 = 0xffff, .mode = MODE_COVERAGE,
		.rot = DRM_MODE_ROTATE_0 };
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[0] == 0 && scr[7] == 1 && scr[8] == 2 && scr[9] == 3 &&
	   scr[13] == 4 && scr[15] == 6 && scr[10] == 0 && scr[16] == 0,
	   "rotate-0 at (1,1)");
	/* rotate-90 (CCW): 2 wide, 3 high; (0,0) <- (W-1-0, 0): 3 */
	pl[0].rot = DRM_MODE_ROTATE_90;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[7] == 3 && scr[8] == 6 && scr[13] == 2 && scr[14] == 5 &&
	   scr[19] == 1 && scr[20] == 4 && scr[9] == 0, "rotate-90");
	pl[0].rot = DRM_MODE_ROTATE_180;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[7] == 6 && scr[9] == 4 && scr[13] == 3 && scr[15] == 1, "rotate-180");
	/* rotate-270: (0,0) <- (0, H-1-0): 4 */
	pl[0].rot = DRM_MODE_ROTATE_270;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[7] == 4 && scr[8] == 1 && scr[13] == 5 && scr[19] == 6 &&
	   scr[20] == 3, "rotate-270");
	/*
	 * Reflect first, then rotate: rows 3 2 1 / 6 5 4 turned CCW put the
	 * first row up the left column, 1 on top.
	 */
	pl[0].rot = DRM_MODE_ROTATE_90 | DRM_MODE_REFLECT_X;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[7] == 1 && scr[8] == 4 && scr[19] == 3 && scr[20] == 6,
	   "rotate-90 + reflect-x");
	pl[0].rot = DRM_MODE_ROTATE_0 | DRM_MODE_REFLECT_Y;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[7] == 4 && scr[9] == 6 && scr[13] == 1, "reflect-y");

	/*
	 * Scaling, by hand: the 3 x 2 source at 6 x 4 from (0,0) doubles each
	 * pixel (centres 0.25, 0.75, ... of a source pixel); at 2 x 1 from
	 * (4,3), steps of 1.5 and 2 sample (0.75, 1) and (2.25, 1): 4 and 6.
	 * Rotated 90 at 4 x 3 (the turned source 2 x 3 at steps 0.5, 1):
	 * (0,0) samples x 0.25 -> v 0, y 0.5 -> u = 3 - 0.5 -> 2: 3.
	 */
	pl[0].cx = 0;
	pl[0].cy = 0;
	pl[0].rot = DRM_MODE_ROTATE_0;
	pl[0].dw = 6;
	pl[0].dh = 4;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[0] == 1 && scr[1] == 1 && scr[2] == 2 && scr[5] == 3 &&
	   scr[6] == 1 && scr[12] == 4 && scr[23] == 6, "scaled 2x up");
	pl[0].cx = 4;
	pl[0].cy = 3;
	pl[0].dw = 2;
	pl[0].dh = 1;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[22] == 4 && scr[23] == 6 && scr[21] == 0, "scaled down at (4,3)");
	pl[0].cx = 0;
	pl[0].cy = 0;
	pl[0].dw = 4;
	pl[0].dh = 3;
	pl[0].rot = DRM_MODE_ROTATE_90;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[0] == 3 && scr[3] == 6 && scr[12] == 1 && scr[15] == 4,
	   "scaled and rotated 90");
	pl[0].dw = pl[0].dh = 0;

	/* Clipping: at (-2,-1) only src (2,1) = 6 lands on screen, at (0,0). */
	pl[0].rot = DRM_MODE_ROTATE_0;
	pl[0].cx = -2;
	pl[0].cy = -1;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[0] == 6 && scr[1] == 0 && scr[6] == 0, "clipped at the top-left");
	pl[0].cx = 5;
	pl[0].cy = 3;
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[23] == 1 && scr[22] == 0 && scr[17] == 0,
	   "clipped at the bottom-right: src (0,0) at (5,3)");
	pl[0].cx = -3;
	ref_compose(scr, 6, 4, pl, 1);
	for (i = 0; i < 24 && !scr[i]; i++)
		;
	st(i == 24, "wholly off screen: nothing");

	/* zpos: equal values stack in plane id order. */
	{
		uint32_t red = 0xffff0000, green = 0xff00ff00;

		pl[0] = (struct ref_plane){ .on = 1, .id = 20, .zpos = 1,
			.fmt = fmt_by_name("AR24"), .pix = (const uint8_t *)&red,
			.pitch = 4, .sw = 1, .sh = 1, .alpha16 = 0xffff,
			.mode = MODE_COVERAGE };
		pl[1] = pl[0];
		pl[1].id = 11;
		pl[1].pix = (const uint8_t *)&green;
		ref_compose(scr, 6, 4, pl, 2);
		st(scr[0] == 0xff0000, "equal zpos: the higher id on top");
		pl[1].zpos = 2;
		ref_compose(scr, 6, 4, pl, 2);
		st(scr[0] == 0x00ff00, "higher zpos on top");
		/* pa = 0x8000 >> 8 = 128: a = div255(255 * 128) = 128 */
		pl[1].alpha16 = 0x8000;
		ref_compose(scr, 6, 4, pl, 2);
		st(scr[0] == 0x7f8000, "plane alpha 0x8000: 0x7f8000 (%06x)", scr[0]);
	}
	/* A source offset: (1,1) of the 3 x 2 source is 5. */
	pl[0] = (struct ref_plane){ .on = 1, .id = 1, .fmt = fmt_by_name("AR24"),
		.pix = (const uint8_t *)src, .pitch = 12, .sx = 1, .sy = 1, .sw = 2,
		.sh = 1, .alpha16 = 0xffff, .mode = MODE_COVERAGE };
	ref_compose(scr, 6, 4, pl, 1);
	st(scr[0] == 5 && scr[1] == 6 && scr[2] == 0, "source offset (1,1)");

	/* The patterns: X bits set at random, alpha ramps to the maximum. */
	{
		static uint8_t pix[4 * 16 * 8];
		const struct fmt *f = fmt_by_name("AR30");
		uint32_t x, xbits = 0, xr = 0;

		fill_pattern(pix, 64, f, 16, 8, 1, PAT_SPARSE);
		st(unpack(f, pix + 7 * 64) >> 24 == 0 && unpack(f, pix + 7 * 64 + 60) >> 24 == 255,
		   "AR30 alpha ramp 0..255 along a row");
		st(unpack(f, pix + 4 * 64 + 8 * 4) >> 24 == 0, "sparse: alpha 0 at the centre");
		fill_pattern(pix, 64, fmt_by_name("XR24"), 16, 8, 1, PAT_RAMP);
		for (x = 0; x < 16 * 8; x++) {
			xbits |= pix[4 * x + 3];
			xr |= unpack(fmt_by_name("XR24"), pix + 4 * x) ^ 0xff000000;
		}
		st(xbits == 0xff && xr == 0xffffff, "XR24 pattern: X and colour bits all used");
	}
	/* Color management (hand-computed from the COLOR op's formulas). */
	{
		static struct ref_color c;
		uint32_t v, bad = 0;

		st(sm_to_q32(1ULL << 63) == 0 && sm_to_q32(1ULL << 32) == 1LL << 32 &&
		   sm_to_q32(1ULL << 63 | 3ULL << 31) == -(3LL << 31),
		   "S31.32 sign-magnitude: -0.0 is 0, -1.5 is -(3 << 31)");
		memset(&c, 0, sizeof(c));
		ref_color_word(&c, "degamma=identity");
		ref_color_word(&c, "ctm=identity");
		ref_color_word(&c, "gamma=identity");
		for (v = 0; v < 256; v++)
			bad += ref_color_px(&c, v << 16 | (255 - v) << 8 | (v ^ 0x5a)) !=
			       (v << 16 | (255 - v) << 8 | (v ^ 0x5a));
		st(!bad, "identity LUTs and CTM change no value (%u did)", bad);
		/* o = C * 257, o >> 8 = C: 65535 - 257 C gives 255 - C */
		memset(&c, 0, sizeof(c));
		ref_color_word(&c, "gamma=invert");
		st(ref_color_px(&c, 0xc86400) == 0x379bff, "gamma invert alone");
		/* d = (258, 65535, 61423): 16 * 16 * 65535 / 65025, isqrt(65535^2),
		 * 65535 - 0x10 * 257; (258 + 128) / 257 = 1, 61551 / 257 = 239 */
		memset(&c, 0, sizeof(c));
		ref_color_word(&c, "degamma=curve");
		st(ref_color_px(&c, 0x10ff1f) == 0x01ffef, "degamma curve alone");
		memset(&c, 0, sizeof(c));
		ref_color_word(&c, "ctm=swaprb");
		st(ref_color_px(&c, 0x0a141e) == 0x1e140a, "CTM swapping R and B");
		/*
		 * wild on (100, 40, 200), d = (25700, 10280, 51400):
		 * R 38550 - 7710 + 17133.33 = 47973 -> 48101 / 257 = 187;
		 * G 0 + 5140 + 30840.000005 = 35980 = 140 * 257;
		 * B 262144 * (25700 - 51400) + 10280 < 0 -> 0
		 */
		ref_color_word(&c, "ctm=wild");
		st(ref_color_px(&c, 0x6428c8) == 0xbb8c00, "CTM with negative coefficients, -0.0");
		/* B: 2^50 * 65535 needs 67 bits (two's complement 64-bit: < 0) */
		st(ref_color_px(&c, 0xff0000) == 0xff00ff,
		   "CTM clamps at 65535, at 0, and is exact beyond 64 bits");
		/* G: 0.5 * 65535 = 32767.5 rounds to 32768 = 128 * 257 (not 127) */
		st(ref_color_px(&c, 0x00ff00) == 0x0080ff, "CTM rounds halves up");
		/* o = (47973, 35980, 0), o >> 8 = (187, 140, 0): R 34969 * 65535 /
		 * 65025 = 35243 -> 137, G isqrt(35980 * 65535) = 48558 -> 189 */
		ref_color_word(&c, "gamma=curve");
		st(ref_color_px(&c, 0x6428c8) == 0x89bdff, "CTM then gamma indexed by o >> 8");
		/*
		 * All three on (100, 40, 200): d = (10078, 25955, 16191);
		 * R 15117 - 19466.25 + 5397 = 1047.75 -> 1048, >> 8 = 4;
		 * G 12977.5 + 9714.6 = 22692, >> 8 = 88; B < 0 -> 0;
		 * gamma: R 16 -> 0, G isqrt(22616 * 65535) = 38498 -> 150, B 255
		 */
		ref_color_word(&c, "degamma=curve");
		st(ref_color_px(&c, 0x6428c8) == 0x0096ff, "degamma, CTM and gamma");
		/* The last step is nearest to g / 257: 385 -> 1, 386 -> 2. */
		memset(&c, 0, sizeof(c));
		c.flags = REF_GAMMA;
		c.gamma[0].red = 385;
		c.gamma[0].green = 386;
		c.gamma[0].blue = 65535;
		st(ref_color_px(&c, 0) == 0x0102ff, "(g + 128) / 257, not (g + 128) >> 8");
		st(ref_color_word(&c, "gamma=nosuch") < 0 && ref_color_word(&c, "poke") == 0,
		   "color words");
		memset(&c, 0, sizeof(c));
		src[0] = 0x0a141e;
		src[1] = 0xff0000;
		ref_color_frame(&c, src, 2);
		st(src[0] == 0x0a141e && src[1] == 0xff0000, "no color: the frame as composed");
		ref_color_word(&c, "ctm=swaprb");
		ref_color_frame(&c, src, 2);
		st(src[0] == 0x1e140a && src[1] == 0x0000ff, "the frame through the pipeline");
	}
	/*
	 * YUV: the coefficients.  The exact rational values of the spec's
	 * formulas (Kr, Kb as decimals, s = 255/224 limited), worked out by
	 * hand and rounded, e.g. BT.601 limited crv = 65536 * 255/224 * 2 *
	 * 0.701 = 104597.21, cgu = 65536 * 255/224 * 2 * 0.886 * 0.114 / 0.587
	 * = 25675.53; BT.709 full cgu = 131072 * 0.9278 * 0.0722 / 0.7152 =
	 * 12276.48, the nearest any lies to a half (0.016): double arithmetic
	 * cannot tip one.
	 */
	{
		static const int64_t want[NENC][2][4] = {
			{ { 104597, 25675, 53279, 132201 }, { 91881, 22553, 46802, 116130 } },
			{ { 117489, 13975, 34925, 138438 }, { 103206, 12276, 30679, 121609 } },
			{ { 110014, 12277, 42626, 140363 }, { 96639, 10784, 37444, 123299 } },
		};
		int64_t c[4];
		int e, f, bad;

		for (e = 0; e < NENC; e++)
			for (f = 0; f < 2; f++) {
				yuv_coefs(e, f, c);
				bad = memcmp(c, want[e][f], sizeof(c));
				st(!bad, "BT.%s %s: crv %lld cgu %lld cgv %lld cbu %lld", enc_word[e],
				   range_word[f], (long long)c[0], (long long)c[1],
				   (long long)c[2], (long long)c[3]);
			}
		/* 65536 * 255 / 219 = 76309.04 */
		st(yuv_cy(0) == 76309 && yuv_cy(1) == 65536, "Y's factor 76309 limited, 65536 full");
		st(round_away(2.5) == 3 && round_away(-2.5) == -3 && round_away(2.49) == 2,
		   "round half away from zero");
	}
	/*
	 * YUV: conversions worked out by hand (R, G, B before >> 16 shown
	 * where it matters).
	 */
	st(yuv_rgb(ENC_601, 0, 16, 128, 128) == 0xff000000, "limited Y 16, Cb = Cr = 128: black");
	/* 76309 * 219 = 16711671, + 32768 >> 16 = 255 */
	st(yuv_rgb(ENC_601, 0, 235, 128, 128) == 0xffffffff, "limited Y 235: white");
	st(yuv_rgb(ENC_709, 0, 235, 128, 128) == 0xffffffff &&
	   yuv_rgb(ENC_2020, 0, 16, 128, 128) == 0xff000000, "grey needs no encoding");
	st(yuv_rgb(ENC_601, 1, 255, 128, 128) == 0xffffffff &&
	   yuv_rgb(ENC_601, 1, 0, 128, 128) == 0xff000000 &&
	   yuv_rgb(ENC_601, 1, 128, 128, 128) == 0xff808080, "full Y 255, 0, 128");
	/* limited Y 128 = 112 * 76309 = 8546608 */
	st(yuv_rgb(ENC_601, 0, 128, 128, 128) == 0xff828282, "limited Y 128: 130.5 -> 0x82");
	/*
	 * BT.709 limited red (63, 102, 240): 76309 * 47 = 3586523;
	 * R + 117489 * 112 = 16745291 -> 256 -> 255; G + 13975 * 26 -
	 * 34925 * 112 = 38273 -> 1; B - 138438 * 26 = -12865 -> 0.
	 */
	st(yuv_rgb(ENC_709, 0, 63, 102, 240) == 0xffff0100, "BT.709 limited red: ff0100");
	/* BT.601 limited red (81, 90, 240): R 16674949 -> 254, G -31513 -> 0,
	 * B -63553 -> 0 */
	st(yuv_rgb(ENC_601, 0, 81, 90, 240) == 0xfffe0000, "BT.601 limited red: fe0000");
	/*
	 * (128, 64, 200) in all six: BT.601 limited R 8546608 + 104597 * 72 =
	 * 16077592 -> 245, G 8546608 + 25675 * 64 - 53279 * 72 = 6353720 ->
	 * 97, B 8546608 - 132201 * 64 = 85744 -> 1.
	 */
	st(yuv_rgb(ENC_601, 0, 128, 64, 200) == 0xfff56101 &&
	   yuv_rgb(ENC_601, 1, 128, 64, 200) == 0xffe5630f &&
	   yuv_rgb(ENC_709, 0, 128, 64, 200) == 0xffff6a00 &&
	   yuv_rgb(ENC_709, 1, 128, 64, 200) == 0xfff16a09 &&
	   yuv_rgb(ENC_2020, 0, 128, 64, 200) == 0xfffb6000 &&
	   yuv_rgb(ENC_2020, 1, 128, 64, 200) == 0xffea6108,
	   "(128, 64, 200) in each encoding and range");
	/* BT.2020 full (100, 50, 200): R 6553600 + 96639 * 72 = 13511608 ->
	 * 206, G 6553600 + 10784 * 78 - 37444 * 72 = 4698784 -> 72, B < 0 */
	st(yuv_rgb(ENC_2020, 1, 100, 50, 200) == 0xffce4800, "BT.2020 full (100, 50, 200)");
	/* BT.709 full (128, 200, 60): B 8388608 + 121609 * 72 = 17144456 -> 262 */
	st(yuv_rgb(ENC_709, 1, 128, 200, 60) == 0xff1592ff, "clamps at 255");
	/* limited (0, 255, 0): R -1222384 - 104597 * 128 < 0 */
	st(yuv_rgb(ENC_601, 0, 0, 255, 0) == 0xff0024ee, "clamps at 0, below Y 16");

	/* YUV layouts: which bytes a pixel reads (by hand for each order). */
	{
		static const struct {
			const char *f;
			uint32_t x, y, want;	/* Y << 16 | Cb << 8 | Cr */
		} rd[] = {
			/* 4 x 2 Y 10..17; chroma 100.. (plane 1), 200.. (plane 2) */
			{ "NV12", 3, 1, 17 << 16 | 101 << 8 | 201 },
			{ "NV12", 0, 1, 14 << 16 | 100 << 8 | 200 },
			{ "NV21", 3, 1, 17 << 16 | 201 << 8 | 101 },
			{ "NV16", 2, 1, 16 << 16 | 111 << 8 | 211 },
			{ "NV61", 2, 1, 16 << 16 | 211 << 8 | 111 },
			{ "NV24", 3, 1, 17 << 16 | 113 << 8 | 213 },
			{ "NV42", 1, 0, 11 << 16 | 201 << 8 | 101 },
			{ "YU12", 3, 1, 17 << 16 | 101 << 8 | 201 },
			{ "YV12", 3, 1, 17 << 16 | 201 << 8 | 101 },
			{ "YU16", 2, 1, 16 << 16 | 111 << 8 | 211 },
			{ "YV16", 1, 1, 15 << 16 | 210 << 8 | 110 },
			{ "YU24", 3, 1, 17 << 16 | 113 << 8 | 213 },
			{ "YV24", 2, 0, 12 << 16 | 202 << 8 | 102 },
			/* packed, row 0: bytes 10 100 11 200 12 101 13 201 */
			{ "YUYV", 1, 0, 11 << 16 | 100 << 8 | 200 },
			{ "YUYV", 2, 0, 12 << 16 | 101 << 8 | 201 },
			{ "YVYU", 1, 0, 11 << 16 | 200 << 8 | 100 },
			{ "UYVY", 1, 0, 200 << 16 | 10 << 8 | 11 },
			{ "UYVY", 0, 0, 100 << 16 | 10 << 8 | 11 },
			{ "VYUY", 1, 0, 200 << 16 | 11 << 8 | 10 },
			{ "VYUY", 2, 1, 111 << 16 | 17 << 8 | 16 },
		};
		static const uint8_t ys[8] = { 10, 11, 12, 13, 14, 15, 16, 17 };
		static const uint8_t pk[16] = { 10, 100, 11, 200, 12, 101, 13, 201,
						 14, 110, 15, 210, 16, 111, 17, 211 };
		uint8_t nv[16];
		uint32_t k;

		for (k = 0; k < sizeof(rd) / sizeof(rd[0]); k++) {
			const struct fmt *f = fmt_by_name(rd[k].f);
			const uint8_t *pl[3];
			uint32_t pitch[3], got, i;
			uint8_t p1[8], p2[8];
			size_t o[3];
			int kk[3];

			/*
			 * Chroma sample (c, r) is 100 + c + 10 r in plane 1 and
			 * 200 + c + 10 r in plane 2, as many a row as there are;
			 * NV: the two as a pair in plane 1.
			 */
			pitch[0] = f->yuv == 1 ? 8 : 4;
			pitch[1] = pitch[2] = 4 / f->hsub * (f->yuv == 2 ? 2 : 1);
			for (i = 0; i < 8; i++) {
				p1[i] = 100 + i % (4 / f->hsub) + 10 * (i / (4 / f->hsub));
				p2[i] = p1[i] + 100;
				nv[2 * i] = p1[i];
				nv[2 * i + 1] = p2[i];
			}
			pl[0] = f->yuv == 1 ? pk : ys;
			pl[1] = f->yuv == 2 ? nv : p1;
			pl[2] = p2;
			yuv_where(f, pitch, rd[k].x, rd[k].y, kk, o);
			got = (uint32_t)pl[kk[0]][o[0]] << 16 | pl[kk[1]][o[1]] << 8 |
			      pl[kk[2]][o[2]];
			st(got == rd[k].want, "%s pixel (%u,%u): Y %u Cb %u Cr %u",
			   f->name, rd[k].x, rd[k].y, got >> 16, got >> 8 & 0xff, got & 0xff);
		}
		st(fmt_by_name("YUV420") == fmt_by_name("YU12") &&
		   fmt_by_name("YVU444")->fourcc == 0x34325659 &&
		   fmt_by_name("VYUY")->fourcc == 0x59555956 &&
		   fmt_by_name("NV42")->fourcc == 0x3234564e, "YUV names and fourccs");
	}
	/* YUV layouts: hand-computed for a 217 x 163 framebuffer. */
	{
		struct yuv_layout l;
		uint32_t n, k, bad = 0;

		/* Y 256 a row; chroma 109 pairs = 218 -> 256, + 64, from the
		 * first multiple of 320 after 256 * 163 = 41728: 131 * 320 */
		yuv_layout(fmt_by_name("NV12"), 217, 163, 0, 0, &l);
		st(l.n == 2 && l.pitch[0] == 256 && l.off[0] == 0 && l.off[1] == 41920 &&
		   l.pitch[1] == 320 && l.rows[1] == 82 && l.cols[1] == 109 &&
		   l.size[0] == 41920 + 320 * 82 && !l.size[1], "NV12 217x163 layout");
		/* pitches 320, 384: 3 * 320 + 20 = 980; 980 + 320 * 163 = 53140
		 * -> 139 * 384 = 53376, + 384 + 12 */
		yuv_layout(fmt_by_name("NV12"), 217, 163, 0, 1, &l);
		st(l.pitch[0] == 320 && l.off[0] == 980 && l.pitch[1] == 384 &&
		   l.off[1] == 53772, "NV12 with offsets");
		/* chroma 109 -> 128, + 64 + 64 = 256, + 128 + 64 = 320:
		 * 3 * 256 + 20 = 788, + 256 * 82 = 21780 -> 69 * 320 = 22080,
		 * + 320 + 12 = 22412 */
		yuv_layout(fmt_by_name("YU12"), 217, 163, 1, 1, &l);
		st(l.buf[0] == 0 && l.buf[1] == 1 && l.buf[2] == 1 && l.off[0] == 980 &&
		   l.pitch[1] == 256 && l.off[1] == 788 && l.pitch[2] == 320 &&
		   l.off[2] == 22412 && l.size[1] == 22412 + 320 * 82,
		   "YUV420 split, with offsets");
		/* packed: 218 pixels of 2 bytes -> 448, + 64 */
		yuv_layout(fmt_by_name("UYVY"), 217, 163, 0, 1, &l);
		st(l.n == 1 && l.pitch[0] == 512 && l.off[0] == 3 * 512 + 20 &&
		   l.size[0] == 1556 + 512 * 163, "UYVY with offsets");
		/* every format, every variant: planes apart, inside, aligned,
		 * rows inside their pitch from the offset on; without
		 * offsets at multiples of their pitch */
		for (n = 0; n < NFMTS; n++) {
			const struct fmt *f = &fmts[n];
			int v;

			if (!f->yuv)
				continue;
			for (v = 0; v < 4; v++) {
				yuv_layout(f, 217, 163, v & 1, v >> 1, &l);
				for (k = 0; k < l.n; k++) {
					bad += l.off[k] % 4 || (l.off[k] % l.pitch[k]) % l.bps[k] ||
					       l.off[k] % l.pitch[k] + l.cols[k] * l.bps[k] > l.pitch[k] ||
					       (!(v >> 1) && l.off[k] % l.pitch[k]) ||
					       l.off[k] + l.pitch[k] * l.rows[k] > l.size[l.buf[k]];
					bad += k && l.buf[k] == l.buf[k - 1] &&
					       l.off[k] < l.off[k - 1] + l.pitch[k - 1] * l.rows[k - 1];
				}
			}
		}
		st(!bad, "YUV layouts: planes apart, aligned, inside (%u wrong)", bad);
	}
	/*
	 * YUV composition: the chroma sample of a pixel is the one whose
	 * block holds it, counted from the framebuffer's origin, not the
	 * source rectangle's (phase).  NV12 4 x 4, Y 16 + i, chroma samples
	 * Cb = 60 + 40 * i, Cr = 240 - 40 * i (i = cy * 2 + cx); its 2 x 2
	 * source rect from (1,1) at (0,0), BT.709 full.
	 */
	{
		static uint8_t y4[16], uv[8];
		uint32_t w[4];

		for (i = 0; i < 16; i++)
			y4[i] = 16 + i;
		for (i = 0; i < 4; i++) {
			uv[2 * i] = 60 + 40 * i;
			uv[2 * i + 1] = 240 - 40 * i;
		}
		memset(pl, 0, sizeof(pl));
		pl[0] = (struct ref_plane){ .on = 1, .id = 1, .fmt = fmt_by_name("NV12"),
			.pix = y4, .pitch = 4, .cpix = { uv }, .cpitch = { 4 },
			.sx = 1, .sy = 1, .sw = 2, .sh = 2, .alpha16 = 0xffff,
			.mode = MODE_PREMULTI, .enc = ENC_709, .full = 1 };
		/* (1,1) chroma 0; (2,1) chroma 1; (1,2) chroma 2; (2,2) 3 */
		for (i = 0; i < 4; i++)
			w[i] = yuv_rgb(ENC_709, 1, y4[(1 + i / 2) * 4 + 1 + i % 2],
				       uv[2 * i], uv[2 * i + 1]) & 0xffffff;
		ref_compose(scr, 6, 4, pl, 1);
		st(scr[0] == w[0] && scr[1] == w[1] && scr[6] == w[2] && scr[7] == w[3] &&
		   w[0] != w[1] && w[0] != w[2], "NV12 from (1,1): chroma phase 1");
		/* rotate-90: (0,0) <- (1,0) of the rect = (2,1): chroma 1 */
		pl[0].rot = DRM_MODE_ROTATE_90;
		ref_compose(scr, 6, 4, pl, 1);
		st(scr[0] == w[1] && scr[1] == w[3] && scr[6] == w[0], "NV12 rotate-90");
		/* plane alpha on YUV: opaque pixels, a = 128 */
		pl[0].rot = DRM_MODE_ROTATE_0;
		pl[0].alpha16 = 0x8000;
		ref_compose(scr, 6, 4, pl, 1);
		st(scr[0] == blend(w[0] | 0xff000000, 0, 128, MODE_PREMULTI),
		   "YUV is opaque, plane alpha applies");
		pl[0].alpha16 = 0xffff;
		pl[0].enc = ENC_601;
		ref_compose(scr, 6, 4, pl, 1);
		st(scr[0] != w[0], "the plane's encoding is the one used");
	}
	/*
	 * YUV patterns: chroma varies sample by sample; every layout of one
	 * subsampling makes the same picture (the noise around the planes
	 * differs), different subsamplings do not.
	 */
	{
		static const char *const group[3][8] = {
			{ "NV12", "NV21", "YU12", "YV12" },
			{ "NV16", "NV61", "YU16", "YV16", "YUYV", "YVYU", "UYVY", "VYUY" },
			{ "NV24", "NV42", "YU24", "YV24" },
		};
		static uint32_t big[320 * 240];
		uint64_t h[3] = { 0, 0, 0 };
		uint32_t bad = 0, same = 0, range = 0, g, j, v;

		for (g = 0; g < 3; g++)
			for (j = 0; j < 8 && group[g][j]; j++)
				for (v = 0; v < 4; v++) {
					const struct fmt *f = fmt_by_name(group[g][j]);
					struct ref_plane r;
					struct yuv_layout l;
					uint8_t *buf[2] = { NULL, NULL };
					uint64_t hh;

					yuv_layout(f, 217, 163, v & 1 && f->yuv > 1, v >> 1, &l);
					buf[0] = malloc(l.size[0]);
					buf[1] = l.size[1] ? malloc(l.size[1]) : NULL;
					if (!buf[0] || (l.size[1] && !buf[1])) {
						bad++;
						free(buf[0]);
						free(buf[1]);
						continue;
					}
					fill_yuv_layout(f, &l, buf, l.size, 217, 163, 3 + v + 8 * j);
					/* the seed's noise differs, the pattern not */
					memset(&r, 0, sizeof(r));
					r = (struct ref_plane){ .on = 1, .id = 1, .fmt = f,
						.sx = 7, .sy = 5, .sw = 201, .sh = 151,
						.cx = 10, .cy = 20, .alpha16 = 0xffff,
						.mode = MODE_PREMULTI, .enc = ENC_709 };
					yuv_ref_planes(&r, &l, (const uint8_t *const *)buf);
					/* one seed for the pattern itself */
					fill_yuv_layout(f, &l, buf, l.size, 217, 163, 3);
					ref_compose(big, 320, 240, &r, 1);
					hh = ref_rgbhash(big, 320 * 240);
					if (!j && !v)
						h[g] = hh;
					else
						bad += hh != h[g];
					free(buf[0]);
					free(buf[1]);
				}
		st(!bad, "every layout of a subsampling: the same picture (%u differ)", bad);
		st(h[0] != h[1] && h[1] != h[2] && h[0] != h[2],
		   "the subsamplings make different pictures");
		/* NV12 64 x 64: neighbouring samples, and the pattern's ranges */
		{
			static uint8_t y64[64 * 64], c64[64 * 32];
			uint8_t *p[3] = { y64, c64, NULL };
			uint32_t pitch[3] = { 64, 64, 0 }, x, y, lo = 255, hi = 0;

			fill_yuv(fmt_by_name("NV12"), p, pitch, 64, 64, 5);
			for (y = 0; y < 32; y++)
				for (x = 0; x + 1 < 32; x++) {
					same += c64[y * 64 + 2 * x] == c64[y * 64 + 2 * x + 2];
					same += c64[y * 64 + 2 * x + 1] == c64[y * 64 + 2 * x + 3];
					same += c64[y * 64 + 2 * x] == c64[y * 64 + 2 * x + 1];
				}
			st(same < 32 * 31 * 3 / 20, "NV12 pattern: chroma changes per sample (%u same)",
			   same);
			for (y = 16; y < 64; y++)
				for (x = 0; x < 64; x++) {
					range += y64[y * 64 + x] < 16 || y64[y * 64 + x] > 235;
					if (y < 32 && x < 64)
						range += c64[y * 64 + x] < 16 || c64[y * 64 + x] > 240;
				}
			for (x = 0; x < 16 * 64; x++) {
				lo = y64[x] < lo ? y64[x] : lo;
				hi = y64[x] > hi ? y64[x] : hi;
			}
			st(!range && lo < 16 && hi > 235,
			   "NV12 pattern: nominal ranges below the top quarter, not in it");
		}
	}
	st(wcfb_crc32(0, nine, 9) == 0xcbf43926, "CRC-32 check value of \"123456789\"");
	{
		uint32_t two[2] = { 0x313233, 0x343536 };	/* "123456" */
		uint64_t h = WCFB_RGBHASH_INIT;

		st(ref_crc(two, 2) == wcfb_crc32(0, nine, 6), "CRC over R, G, B per pixel");
		for (i = 0; i < 6; i++)
			h = wcfb_rgbhash_byte(h, nine[i]);
		st(ref_rgbhash(two, 2) == h, "rgbhash over R, G, B per pixel");
	}
	printf("%s: %d failed\n", st_fail ? "selftest FAILED" : "selftest passed", st_fail);
	return st_fail ? 1 : 0;
}

#ifdef PLANETEST_REFONLY
int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return selftest();
}
#else
/* ====================================================================== KMS */

enum { P_FB_ID, P_CRTC_ID, P_SRC_X, P_SRC_Y, P_SRC_W, P_SRC_H, P_CRTC_X,
       P_CRTC_Y, P_CRTC_W, P_CRTC_H, P_ZPOS, P_ALPHA, P_BLEND, P_ROTATION,
       P_DAMAGE, P_TYPE, P_COLOR_ENCODING, P_COLOR_RANGE, NPROPS };
static const char *const prop_names[NPROPS] = {
	"FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_X",
	"CRTC_Y", "CRTC_W", "CRTC_H", "zpos", "alpha", "pixel blend mode",
	"rotation", "FB_DAMAGE_CLIPS", "type", "COLOR_ENCODING", "COLOR_RANGE",
};
static const char *const enc_drm_name[NENC] = {
	"ITU-R BT.601 YCbCr", "ITU-R BT.709 YCbCr", "ITU-R BT.2020 YCbCr",
};
static const char *const range_drm_name[2] = {
	"YCbCr limited range", "YCbCr full range",
};

struct kplane {
	uint32_t id, type;	/* DRM_PLANE_TYPE_* */
	uint32_t nformats, formats[64];
	uint32_t prop[NPROPS];
	uint64_t zmin, zmax;
	int zpos_immutable;
	int64_t blend_val[3];	/* MODE_*: the enum's value, -1: not offered */
	uint32_t rot_mask;	/* DRM_MODE_ROTATE_* | REFLECT_* offered */
	uint32_t zdefault;	/* the spec's default zpos */
	int64_t enc_val[NENC];	/* ENC_*: COLOR_ENCODING's value, -1: not offered */
	int64_t range_val[2];	/* limited, full: COLOR_RANGE's */
};

#define MAXPLANES 16
static struct wcfb_pipe pipe_;
static struct kplane planes[MAXPLANES];
static int nplanes;
static struct kplane *primary, *cursor, *overlays[MAXPLANES];
static int noverlays;
static uint32_t W = 640, H = 480, cur_w = 64, cur_h = 64, cap_w, cap_h;
static int want_crc, mode_set, slow = 1;
/* The CRTC's DEGAMMA_LUT, CTM, GAMMA_LUT (0: absent) and the LUT sizes. */
enum { C_DEGAMMA, C_CTM, C_GAMMA, NCOLOR };
static const char *const color_prop_names[NCOLOR] = { "DEGAMMA_LUT", "CTM", "GAMMA_LUT" };
static uint32_t color_prop[NCOLOR];
static uint64_t color_val[NCOLOR], degamma_size, gamma_size;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *type_name(uint32_t t)
{
	return t == DRM_PLANE_TYPE_PRIMARY ? "primary" :
	       t == DRM_PLANE_TYPE_CURSOR ? "cursor" : "overlay";
}

static void read_plane(struct kplane *kp, drmModePlane *pl)
{
	drmModeObjectProperties *props;
	uint32_t i, n = pl->count_formats < 64 ? pl->count_formats : 64;
	int k;

	memset(kp, 0, sizeof(*kp));
	kp->id = pl->plane_id;
	kp->nformats = n;
	memcpy(kp->formats, pl->formats, n * sizeof(uint32_t));
	kp->blend_val[0] = kp->blend_val[1] = kp->blend_val[2] = -1;
	for (k = 0; k < NENC; k++)
		kp->enc_val[k] = -1;
	kp->range_val[0] = kp->range_val[1] = -1;
	props = drmModeObjectGetProperties(pipe_.fd, kp->id, DRM_MODE_OBJECT_PLANE);
	for (i = 0; props && i < props->count_props; i++) {
		drmModePropertyRes *pr = drmModeGetProperty(pipe_.fd, props->props[i]);

		if (!pr)
			continue;
		for (k = 0; k < NPROPS; k++)
			if (!strcmp(pr->name, prop_names[k]))
				kp->prop[k] = pr->prop_id;
		if (!strcmp(pr->name, "type"))
			kp->type = props->prop_values[i];
		if (!strcmp(pr->name, "zpos") && pr->count_values >= 2) {
			kp->zmin = pr->values[0];
			kp->zmax = pr->values[1];
			kp->zpos_immutable = !!(pr->flags & DRM_MODE_PROP_IMMUTABLE);
		}
		if (!strcmp(pr->name, "pixel blend mode"))
			for (k = 0; k < pr->count_enums; k++) {
				int m;

				for (m = 0; m < 3; m++)
					if (!strcmp(pr->enums[k].name, mode_drm_name[m]))
						kp->blend_val[m] = pr->enums[k].value;
			}
		/* by the enums' names, whatever their values */
		if (!strcmp(pr->name, "COLOR_ENCODING"))
			for (k = 0; k < pr->count_enums; k++) {
				int e;

				for (e = 0; e < NENC; e++)
					if (!strcmp(pr->enums[k].name, enc_drm_name[e]))
						kp->enc_val[e] = pr->enums[k].value;
			}
		if (!strcmp(pr->name, "COLOR_RANGE"))
			for (k = 0; k < pr->count_enums; k++) {
				int r;

				for (r = 0; r < 2; r++)
					if (!strcmp(pr->enums[k].name, range_drm_name[r]))
						kp->range_val[r] = pr->enums[k].value;
			}
		if (!strcmp(pr->name, "rotation"))
			/* a bitmask property: each enum's value is a bit number */
			for (k = 0; k < pr->count_enums; k++)
				if (pr->enums[k].value < 32)
					kp->rot_mask |= 1u << pr->enums[k].value;
		drmModeFreeProperty(pr);
	}
	drmModeFreeObjectProperties(props);
}

static void read_crtc_color(void)
{
	drmModeObjectProperties *props;
	uint32_t i;
	int k;

	props = drmModeObjectGetProperties(pipe_.fd, pipe_.crtc_id, DRM_MODE_OBJECT_CRTC);
	for (i = 0; props && i < props->count_props; i++) {
		drmModePropertyRes *pr = drmModeGetProperty(pipe_.fd, props->props[i]);

		if (!pr)
			continue;
		for (k = 0; k < NCOLOR; k++)
			if (!strcmp(pr->name, color_prop_names[k])) {
				color_prop[k] = pr->prop_id;
				color_val[k] = props->prop_values[i];
			}
		if (!strcmp(pr->name, "DEGAMMA_LUT_SIZE"))
			degamma_size = props->prop_values[i];
		if (!strcmp(pr->name, "GAMMA_LUT_SIZE"))
			gamma_size = props->prop_values[i];
		drmModeFreeProperty(pr);
	}
	drmModeFreeObjectProperties(props);
}

static int open_planes(void)
{
	drmModePlaneRes *res;
	uint64_t v;
	uint32_t i;
	int k;

	res = drmModeGetPlaneResources(pipe_.fd);
	for (i = 0; res && i < res->count_planes && nplanes < MAXPLANES; i++) {
		drmModePlane *pl = drmModeGetPlane(pipe_.fd, res->planes[i]);

		if (pl && (pl->possible_crtcs & 1))
			read_plane(&planes[nplanes++], pl);
		drmModeFreePlane(pl);
	}
	drmModeFreePlaneResources(res);
	/* Overlays in plane id order: "overlay k" of the spec. */
	for (k = 0; k < nplanes; k++) {
		struct kplane *kp = &planes[k];

		if (kp->type == DRM_PLANE_TYPE_PRIMARY && !primary)
			primary = kp;
		else if (kp->type == DRM_PLANE_TYPE_CURSOR && !cursor)
			cursor = kp;
		else if (kp->type == DRM_PLANE_TYPE_OVERLAY) {
			int j;

			for (j = noverlays; j > 0 && overlays[j - 1]->id > kp->id; j--)
				overlays[j] = overlays[j - 1];
			overlays[j] = kp;
			noverlays++;
		}
	}
	if (primary)
		primary->zdefault = 0;
	for (k = 0; k < noverlays; k++)
		overlays[k]->zdefault = k + 1;
	if (cursor)
		cursor->zdefault = noverlays + 1;
	if (!drmGetCap(pipe_.fd, DRM_CAP_CURSOR_WIDTH, &v))
		cap_w = v;
	if (!drmGetCap(pipe_.fd, DRM_CAP_CURSOR_HEIGHT, &v))
		cap_h = v;
	if (cap_w && cap_w < cur_w)
		cur_w = cap_w;
	if (cap_h && cap_h < cur_h)
		cur_h = cap_h;
	read_crtc_color();
	return primary ? 0 : -ENODEV;
}

static int plane_has_format(const struct kplane *kp, uint32_t fourcc)
{
	uint32_t i;

	for (i = 0; i < kp->nformats; i++)
		if (kp->formats[i] == fourcc)
			return 1;
	return 0;
}

static int cmd_info(void)
{
	int k;

	printf("mode %ux%u\n", W, H);
	printf("overlays %d\n", noverlays);
	printf("cursor_cap %ux%u\n", cap_w, cap_h);
	/* the blob ids set now: 0 once a client reset them */
	if (color_prop[C_GAMMA])
		printf("crtc %u degamma_lut %llu ctm %llu gamma_lut %llu sizes %llu,%llu\n",
		       pipe_.crtc_id, (unsigned long long)color_val[C_DEGAMMA],
		       (unsigned long long)color_val[C_CTM],
		       (unsigned long long)color_val[C_GAMMA],
		       (unsigned long long)degamma_size, (unsigned long long)gamma_size);
	else
		printf("crtc %u no color management\n", pipe_.crtc_id);
	for (k = 0; k < nplanes; k++) {
		const struct kplane *kp = &planes[k];
		uint32_t i;

		printf("plane %u %s", kp->id, type_name(kp->type));
		if (kp->prop[P_ZPOS])
			printf(" zpos %llu..%llu%s", (unsigned long long)kp->zmin,
			       (unsigned long long)kp->zmax,
			       kp->zpos_immutable ? " immutable" : "");
		printf(" formats ");
		for (i = 0; i < kp->nformats; i++)
			printf("%s%.4s", i ? "," : "", (const char *)&kp->formats[i]);
		printf(" props");
		for (i = P_ZPOS; i <= P_DAMAGE; i++) {
			int m;

			if (!kp->prop[i])
				continue;
			if (i == P_BLEND) {
				printf(" blend");
				for (m = 0; m < 3; m++)
					if (kp->blend_val[m] >= 0)
						printf("%c%s", m ? ',' : '=', mode_drm_name[m]);
			} else if (i == P_ROTATION) {
				printf(" rotation=0x%x", kp->rot_mask);
			} else {
				printf(" %s", i == P_DAMAGE ? "damage" : prop_names[i]);
			}
		}
		if (kp->prop[P_COLOR_ENCODING]) {
			int e, m = 0;

			printf(" color_encoding");
			for (e = 0; e < NENC; e++)
				if (kp->enc_val[e] >= 0)
					printf("%c%s", m++ ? ',' : '=', enc_word[e]);
		}
		if (kp->prop[P_COLOR_RANGE]) {
			int r, m = 0;

			printf(" color_range");
			for (r = 0; r < 2; r++)
				if (kp->range_val[r] >= 0)
					printf("%c%s", m++ ? ',' : '=', range_word[r]);
		}
		printf("\n");
	}
	return 0;
}

/* --- the pool's objects (debugfs), to find the primary's address -------- */
#define MAXOBJ 512
static int pool_objs(uint64_t *addr, int max)
{
	FILE *f = fopen("/sys/kernel/debug/dri/0/pool", "r");
	char line[128];
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned long long a, s;

		if (sscanf(line, "obj 0x%llx %llu", &a, &s) == 2)
			addr[n++] = a;
	}
	fclose(f);
	return n;
}

static uint64_t scanout_addr(void)
{
	FILE *f = fopen("/sys/kernel/debug/dri/0/scanout", "r");
	unsigned long long a = 0;
	char line[128];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "addr 0x%llx", &a) == 1)
			break;
	fclose(f);
	return a;
}

/* --- scenes ---------------------------------------------------------------- */
struct splane {
	struct kplane *kp;
	struct wcfb_buf buf;
	uint8_t *shadow;	/* what was written to the framebuffer */
	struct wcfb_buf buf2;	/* YUV "split": the chroma planes' buffer */
	uint8_t *shadow2;
	struct ref_plane r;
};

struct scene {
	struct splane pl[MAXPLANES];
	int n;
	uint64_t primary_addr;
	struct ref_color color;	/* the CRTC's, on the composed frame */
};

static struct scene scenes[2];
static struct scene *cur;
static char why[256];

static int skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return 77;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return 1;
}

static void scene_free(struct scene *sc)
{
	int i;

	for (i = 0; i < sc->n; i++) {
		wcfb_buf_destroy(&pipe_, &sc->pl[i].buf);
		free(sc->pl[i].shadow);
		wcfb_buf_destroy(&pipe_, &sc->pl[i].buf2);
		free(sc->pl[i].shadow2);
	}
	memset(sc, 0, sizeof(*sc));
}

static struct splane *find_splane(struct scene *sc, const struct kplane *kp)
{
	int i;

	for (i = 0; i < sc->n; i++)
		if (sc->pl[i].kp == kp)
			return &sc->pl[i];
	return NULL;
}

/*
 * fill_pattern(), the last large one kept: most scenes have the same
 * background, which takes longer to make than to copy.
 */
static void pattern_cached(uint8_t *pix, uint32_t pitch, const struct fmt *f,
			   uint32_t w, uint32_t h, uint32_t seed, enum pat pat)
{
	static struct {
		uint8_t *pix;
		uint32_t pitch, w, h, seed;
		const struct fmt *f;
		enum pat pat;
	} c;
	size_t bytes = (size_t)pitch * h;

	if (c.pix && c.pitch == pitch && c.f == f && c.w == w && c.h == h &&
	    c.seed == seed && c.pat == pat) {
		memcpy(pix, c.pix, bytes);
		return;
	}
	fill_pattern(pix, pitch, f, w, h, seed, pat);
	if (bytes < 256 * 1024)
		return;
	free(c.pix);
	c.pix = malloc(bytes);
	if (c.pix)
		memcpy(c.pix, pix, bytes);
	c.pitch = pitch;
	c.f = f;
	c.w = w;
	c.h = h;
	c.seed = seed;
	c.pat = pat;
}

/*
 * What a scene line says besides its scene (scene_word()): the YUV
 * planes' COLOR_ENCODING and COLOR_RANGE, what the reference takes
 * instead (a negative control's deliberate mistake), the layout of YUV
 * framebuffers (yuv_layout()), and the scene's subject plane's format and
 * source origin (subject()).
 */
static struct {
	int enc, full;
	int refenc, reffull;	/* -1: as the planes */
	int split, offsets;
	int yuv_words;		/* any of the above given */
	const struct fmt *fmt;	/* NULL: the scene's own */
	int src;
	uint32_t srcx, srcy;
} opt;

/*
 * SP's YUV framebuffer W x H of F, laid out as L: one dumb buffer per
 * buffer of L (32 bpp rows of the widest plane's pitch, a multiple of 64,
 * as many as the bytes need: dumb buffers have no 8 bpp), and an ADDFB2
 * with L's handles, pitches and offsets.  -errno.
 */
static int yuv_fb(struct splane *sp, const struct fmt *f, uint32_t w, uint32_t h,
		  const struct yuv_layout *l)
{
	struct wcfb_buf *b[2] = { &sp->buf, &sp->buf2 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	uint32_t fb_id = 0, k, j;
	int ret;

	for (k = 0; k < 2; k++) {
		uint32_t pitch = 64;

		if (!l->size[k])
			continue;
		for (j = 0; j < l->n; j++)
			if (l->buf[j] == k && l->pitch[j] > pitch)
				pitch = l->pitch[j];
		ret = wcfb_buf_dumb(pipe_.fd, b[k], pitch / 4,
				    (l->size[k] + pitch - 1) / pitch, 32, WCFB_MAP_DUMB);
		if (ret)
			return ret;
	}
	for (k = 0; k < l->n; k++) {
		handles[k] = b[l->buf[k]]->handle;
		pitches[k] = l->pitch[k];
		offsets[k] = l->off[k];
	}
	if (drmModeAddFB2(pipe_.fd, w, h, f->fourcc, handles, pitches, offsets, &fb_id, 0))
		return -errno;
	sp->buf.fb_id = fb_id;
	sp->buf.fourcc = f->fourcc;
	return 0;
}

/*
 * KP in the scene: a FBW x FBH framebuffer of F holding pattern SEED, its
 * source rect (SX, SY, SW, SH) at (CX, CY); zpos the spec's default,
 * alpha opaque, pre-multiplied, rotate-0 until the caller changes them;
 * YUV: laid out and with the encoding and range the scene's words say.
 * NULL (and why) if the buffer could not be made.
 */
static struct splane *scene_add(struct scene *sc, struct kplane *kp,
				const struct fmt *f, uint32_t fbw, uint32_t fbh,
				uint32_t sx, uint32_t sy, uint32_t sw, uint32_t sh,
				int32_t cx, int32_t cy, uint32_t seed, enum pat pat)
{
	static uint64_t before[MAXOBJ], after[MAXOBJ];
	struct splane *sp = &sc->pl[sc->n];
	struct yuv_layout l;
	int nb = 0, na, i, j, ret;
	size_t bytes;

	if (kp == primary)
		nb = pool_objs(before, MAXOBJ);
	/* packed YUV comes in whole pixel pairs: an even width (the source
	 * rect, inside it, may still be odd) */
	if (f->yuv == 1)
		fbw += fbw & 1;
	if (f->yuv) {
		yuv_layout(f, fbw, fbh, opt.split, opt.offsets, &l);
		ret = yuv_fb(sp, f, fbw, fbh, &l);
	} else {
		ret = wcfb_buf_dumb(pipe_.fd, &sp->buf, fbw, fbh, f->cpp * 8, WCFB_MAP_DUMB);
		ret = ret ? ret : wcfb_buf_addfb(&sp->buf, f->fourcc);
	}
	if (ret) {
		wcfb_buf_destroy(&pipe_, &sp->buf);
		wcfb_buf_destroy(&pipe_, &sp->buf2);
		fail("%s framebuffer %ux%u %s%s%s: %s", type_name(kp->type), fbw, fbh,
		     f->name, opt.split && f->yuv > 1 ? " split" : "",
		     opt.offsets && f->yuv ? " offsets" : "", strerror(-ret));
		return NULL;
	}
	sc->n++;
	sp->kp = kp;
	bytes = f->yuv ? sp->buf.size : (size_t)sp->buf.pitch * fbh;
	sp->shadow = calloc(1, bytes);
	if (sp->buf2.handle)
		sp->shadow2 = calloc(1, sp->buf2.size);
	if (!sp->shadow || (sp->buf2.handle && !sp->shadow2)) {
		fail("out of memory");
		return NULL;
	}
	if (f->yuv) {
		uint8_t *bufs[2] = { sp->shadow, sp->shadow2 };
		uint32_t sizes[2] = { sp->buf.size, sp->buf2.size };

		/*
		 * A picture of its own for each format and layout (all of one
		 * subsampling would show the same from one seed): a frame the
		 * driver failed to show, the last one left on screen, cannot
		 * pass for the next.
		 */
		seed ^= f->fourcc ^ (opt.split ? 0x5100 : 0) ^ (opt.offsets ? 0x0ff5 : 0);
		fill_yuv_layout(f, &l, bufs, sizes, fbw, fbh, seed);
		if (sp->shadow2)
			memcpy(sp->buf2.map, sp->shadow2, sp->buf2.size);
	} else {
		pattern_cached(sp->shadow, sp->buf.pitch, f, fbw, fbh, seed, pat);
	}
	memcpy(sp->buf.map, sp->shadow, bytes);
	if (kp == primary) {
		na = pool_objs(after, MAXOBJ);
		for (i = 0; i < na; i++) {
			for (j = 0; j < nb && before[j] != after[i]; j++)
				;
			if (j == nb)
				sc->primary_addr = after[i];
		}
	}
	sp->r = (struct ref_plane){ .on = 1, .id = kp->id, .zpos = kp->zdefault,
		.fmt = f, .pix = sp->shadow, .pitch = sp->buf.pitch, .sx = sx,
		.sy = sy, .sw = sw, .sh = sh, .cx = cx, .cy = cy,
		.alpha16 = 0xffff, .mode = MODE_PREMULTI, .rot = DRM_MODE_ROTATE_0 };
	if (f->yuv) {
		const uint8_t *bufs[2] = { sp->shadow, sp->shadow2 };

		yuv_ref_planes(&sp->r, &l, bufs);
		sp->r.enc = opt.enc;
		sp->r.full = opt.full;
	}
	return sp;
}

/*
 * The scene's subject: scene_add() with the source origin src= says, the
 * framebuffer grown to keep the margins it had right of and below the
 * rect.
 */
static struct splane *subject(struct scene *sc, struct kplane *kp,
			      const struct fmt *f, uint32_t fbw, uint32_t fbh,
			      uint32_t sx, uint32_t sy, uint32_t sw, uint32_t sh,
			      int32_t cx, int32_t cy, uint32_t seed, enum pat pat)
{
	if (opt.src) {
		fbw = opt.srcx + fbw - sx;
		fbh = opt.srcy + fbh - sy;
		sx = opt.srcx;
		sy = opt.srcy;
	}
	return scene_add(sc, kp, f, fbw, fbh, sx, sy, sw, sh, cx, cy, seed, pat);
}

/* The primary, full screen, XRGB8888: the background of most scenes. */
static struct splane *add_background(struct scene *sc)
{
	return scene_add(sc, primary, fmt_by_name("XR24"), W, H, 0, 0, W, H, 0, 0, 1,
			 PAT_RAMP);
}

static void add_prop(drmModeAtomicReq *req, uint32_t obj, uint32_t prop, uint64_t v)
{
	drmModeAtomicAddProperty(req, obj, prop, v);
}

/*
 * COLOR_ENCODING and COLOR_RANGE of KP showing R: a YUV plane's own, an
 * RGB plane's the defaults (BT.601, limited), so that no scene inherits
 * what an earlier one set.  Without the properties a YUV plane can only
 * have the defaults; 77 if it needs more.
 */
static int yuv_req(drmModeAtomicReq *req, const struct kplane *kp,
		   const struct ref_plane *r)
{
	int yuv = !!r->fmt->yuv, enc = yuv ? r->enc : ENC_601, full = yuv ? r->full : 0;

	if (kp->prop[P_COLOR_ENCODING] && kp->enc_val[enc] >= 0)
		add_prop(req, kp->id, kp->prop[P_COLOR_ENCODING], kp->enc_val[enc]);
	else if (yuv && (kp->prop[P_COLOR_ENCODING] || enc != ENC_601))
		return skip("%s plane %u: no COLOR_ENCODING \"%s\"", type_name(kp->type),
			    kp->id, enc_drm_name[enc]);
	if (kp->prop[P_COLOR_RANGE] && kp->range_val[full] >= 0)
		add_prop(req, kp->id, kp->prop[P_COLOR_RANGE], kp->range_val[full]);
	else if (yuv && (kp->prop[P_COLOR_RANGE] || full))
		return skip("%s plane %u: no COLOR_RANGE \"%s\"", type_name(kp->type),
			    kp->id, range_drm_name[full]);
	return 0;
}

/* Every plane of the CRTC as SC says (planes not in it off); 77 if the
 * device lacks a property value SC needs. */
static int scene_req(struct scene *sc, drmModeAtomicReq *req)
{
	int k, ret;

	for (k = 0; k < nplanes; k++) {
		struct kplane *kp = &planes[k];
		struct splane *sp = find_splane(sc, kp);
		const struct ref_plane *r;
		uint32_t dw, dh;

		if (!sp) {
			add_prop(req, kp->id, kp->prop[P_FB_ID], 0);
			add_prop(req, kp->id, kp->prop[P_CRTC_ID], 0);
			continue;
		}
		r = &sp->r;
		ref_dst_size(r, &dw, &dh);
		add_prop(req, kp->id, kp->prop[P_FB_ID], sp->buf.fb_id);
		add_prop(req, kp->id, kp->prop[P_CRTC_ID], pipe_.crtc_id);
		add_prop(req, kp->id, kp->prop[P_SRC_X], (uint64_t)r->sx << 16);
		add_prop(req, kp->id, kp->prop[P_SRC_Y], (uint64_t)r->sy << 16);
		add_prop(req, kp->id, kp->prop[P_SRC_W], (uint64_t)r->sw << 16);
		add_prop(req, kp->id, kp->prop[P_SRC_H], (uint64_t)r->sh << 16);
		add_prop(req, kp->id, kp->prop[P_CRTC_X], (uint64_t)(int64_t)r->cx);
		add_prop(req, kp->id, kp->prop[P_CRTC_Y], (uint64_t)(int64_t)r->cy);
		add_prop(req, kp->id, kp->prop[P_CRTC_W], dw);
		add_prop(req, kp->id, kp->prop[P_CRTC_H], dh);
		if (kp->prop[P_ZPOS] && !kp->zpos_immutable)
			add_prop(req, kp->id, kp->prop[P_ZPOS], r->zpos);
		else if (r->zpos != kp->zdefault)
			return skip("%s plane %u: no mutable zpos", type_name(kp->type), kp->id);
		if (kp->prop[P_ALPHA])
			add_prop(req, kp->id, kp->prop[P_ALPHA], r->alpha16);
		else if (r->alpha16 != 0xffff)
			return skip("%s plane %u: no alpha property", type_name(kp->type), kp->id);
		if (kp->prop[P_BLEND] && kp->blend_val[r->mode] >= 0)
			add_prop(req, kp->id, kp->prop[P_BLEND], kp->blend_val[r->mode]);
		else if (kp->prop[P_BLEND] || r->mode != MODE_PREMULTI)
			return skip("%s plane %u: no blend mode %s", type_name(kp->type),
				    kp->id, mode_drm_name[r->mode]);
		if (kp->prop[P_ROTATION] && !(r->rot & ~kp->rot_mask))
			add_prop(req, kp->id, kp->prop[P_ROTATION], r->rot);
		else if (kp->prop[P_ROTATION] || r->rot != DRM_MODE_ROTATE_0)
			return skip("%s plane %u: no rotation 0x%x (offered: 0x%x)",
				    type_name(kp->type), kp->id, r->rot, kp->rot_mask);
		ret = yuv_req(req, kp, r);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The CRTC's color properties as C says, every one: a blob (made here,
 * into BLOBS) or 0, which resets what an earlier scene set.  77 if C
 * needs what the CRTC lacks.
 */
static int color_req(const struct ref_color *c, drmModeAtomicReq *req,
		     uint32_t blobs[NCOLOR])
{
	static const uint32_t flag[NCOLOR] = { REF_DEGAMMA, REF_CTM, REF_GAMMA };
	int k, ret;

	if (c->flags && !color_prop[C_GAMMA])
		return skip("the CRTC has no GAMMA_LUT property");
	if (c->flags && (!color_prop[C_DEGAMMA] || !color_prop[C_CTM]))
		return skip("the CRTC has GAMMA_LUT but no DEGAMMA_LUT or CTM");
	if (c->flags && (degamma_size != 256 || gamma_size != 256))
		return skip("LUT sizes %llu (degamma), %llu (gamma), the scenes need 256",
			    (unsigned long long)degamma_size, (unsigned long long)gamma_size);
	for (k = 0; k < NCOLOR; k++) {
		const void *data = k == C_DEGAMMA ? (const void *)c->degamma :
				   k == C_CTM ? (const void *)&c->ctm : (const void *)c->gamma;
		size_t size = k == C_CTM ? sizeof(c->ctm) : sizeof(c->gamma);

		if (!color_prop[k])
			continue;
		if (c->flags & flag[k]) {
			ret = drmModeCreatePropertyBlob(pipe_.fd, data, size, &blobs[k]);
			if (ret)
				return fail("%s blob: %s", color_prop_names[k], strerror(errno));
		}
		add_prop(req, pipe_.crtc_id, color_prop[k], blobs[k]);
	}
	return 0;
}

/* One nonblocking commit of SC with its event (scene_wait() waits). */
static int scene_commit(struct scene *sc)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t flags = DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK, blob = 0;
	uint32_t cblob[NCOLOR] = { 0 };
	int ret, i;

	if (!req)
		return fail("out of memory");
	if (!mode_set) {
		ret = wcfb_req_mode(&pipe_, req, wcfb_find_mode(&pipe_, W, H), &blob);
		if (ret) {
			drmModeAtomicFree(req);
			return fail("mode blob: %s", strerror(-ret));
		}
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	}
	ret = scene_req(sc, req);
	ret = ret ? ret : color_req(&sc->color, req, cblob);
	if (!ret) {
		ret = wcfb_atomic_commit(&pipe_, req, flags);
		if (ret)
			ret = fail("atomic commit: %s", strerror(-ret));
		else
			mode_set = 1;
	}
	drmModeAtomicFree(req);
	if (blob)
		drmModeDestroyPropertyBlob(pipe_.fd, blob);
	/* The CRTC's state holds its own references to them. */
	for (i = 0; i < NCOLOR; i++)
		if (cblob[i])
			drmModeDestroyPropertyBlob(pipe_.fd, cblob[i]);
	return ret;
}

/*
 * Resets the CRTC's color management (the console and the next client
 * would inherit it): one blocking commit of the three properties at 0.
 */
static void color_reset(void)
{
	drmModeAtomicReq *req;
	int k, ret;

	if (!color_prop[C_GAMMA] || pipe_.fd < 0)
		return;
	req = drmModeAtomicAlloc();
	if (!req)
		return;
	for (k = 0; k < NCOLOR; k++)
		if (color_prop[k])
			add_prop(req, pipe_.crtc_id, color_prop[k], 0);
	ret = wcfb_atomic_commit(&pipe_, req, 0);
	if (ret)
		fprintf(stderr, "wcfb-planetest: resetting color management: %s\n",
			strerror(-ret));
	drmModeAtomicFree(req);
}

static int scene_wait(void)
{
	int ret = wcfb_wait_flip(&pipe_, 5000 * slow, NULL, NULL);

	return ret ? fail("no page-flip event in %d s: %s", 5 * slow, strerror(-ret)) : 0;
}

static int parse_mode(const char *s, int *mode)
{
	static const char *const ours[] = { "none", "premulti", "coverage" };
	int m;

	for (m = 0; m < 3; m++)
		if (!strcmp(s, ours[m]) || !strcmp(s, mode_drm_name[m])) {
			*mode = m;
			return 0;
		}
	return -1;
}

static int parse_rot(const char *s, uint32_t *rot)
{
	char buf[64], *save = NULL, *t;

	snprintf(buf, sizeof(buf), "%s", s);
	t = strtok_r(buf, "+", &save);
	if (!t)
		return -1;
	if (!strcmp(t, "0"))
		*rot = DRM_MODE_ROTATE_0;
	else if (!strcmp(t, "90"))
		*rot = DRM_MODE_ROTATE_90;
	else if (!strcmp(t, "180"))
		*rot = DRM_MODE_ROTATE_180;
	else if (!strcmp(t, "270"))
		*rot = DRM_MODE_ROTATE_270;
	else
		return -1;
	while ((t = strtok_r(NULL, "+", &save))) {
		if (!strcmp(t, "reflect-x"))
			*rot |= DRM_MODE_REFLECT_X;
		else if (!strcmp(t, "reflect-y"))
			*rot |= DRM_MODE_REFLECT_Y;
		else
			return -1;
	}
	return 0;
}

static int parse_int(const char *s, long lo, long hi, long *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtol(s, &end, 0);
	return errno || *end || *v < lo || *v > hi ? -1 : 0;
}

#define NEED(cond, ...) do { if (!(cond)) return skip(__VA_ARGS__); } while (0)
#define ADD(...) do { if (!(sp = scene_add(__VA_ARGS__))) return 1; } while (0)
#define SUBJ(...) do { if (!(sp = subject(__VA_ARGS__))) return 1; } while (0)
#define USAGE(what) return fail("usage: %s", what)

/* Builds scene ARGV[0] into SC: its buffers, filled; 0, 1 (why) or 77. */
static int scene_build(struct scene *sc, int argc, char **argv)
{
	const struct fmt *ar24 = fmt_by_name("AR24");
	const struct fmt *subj = opt.fmt ? opt.fmt : ar24;
	const char *name = argv[0];
	struct splane *sp;
	long a, b;
	int k;

	/* fmt= and src= are for the scenes with one plane of interest */
	if ((opt.fmt || opt.src) &&
	    (!strcmp(name, "plain") || !strcmp(name, "zpos") ||
	     (opt.fmt && !strcmp(name, "formats"))))
		return fail("%s: not for scene %s", opt.fmt ? "fmt=" : "src=", name);
	if (!strcmp(name, "plain")) {
		if (argc != 1)
			USAGE("plain");
		ADD(sc, primary, fmt_by_name("XR24"), W, H, 0, 0, W, H, 0, 0, 1, PAT_RAMP);
		return 0;
	}
	if (!strcmp(name, "formats")) {
		const struct fmt *f;
		struct kplane *kp;

		if (argc != 3)
			USAGE("formats primary|overlay|cursor FOURCC");
		f = fmt_by_name(argv[2]);
		kp = !strcmp(argv[1], "primary") ? primary :
		     !strcmp(argv[1], "cursor") ? cursor :
		     !strcmp(argv[1], "overlay") ? (noverlays ? overlays[0] : NULL) :
		     (struct kplane *)-1;
		if (kp == (struct kplane *)-1)
			USAGE("formats primary|overlay|cursor FOURCC");
		NEED(kp, "no %s plane", argv[1]);
		if (!f)
			return fail("format %s: not one the reference knows", argv[2]);
		NEED(plane_has_format(kp, f->fourcc), "the %s plane does not offer %s",
		     argv[1], f->name);
		if (kp == primary) {
			/* over black; coverage so that alpha matters there too */
			SUBJ(sc, primary, f, W, H, 0, 0, W, H, 0, 0, 2, PAT_RAMP);
			sp->r.mode = f->w[0] ? MODE_COVERAGE : MODE_PREMULTI;
			return 0;
		}
		if (!add_background(sc))
			return 1;
		if (kp == cursor) {
			SUBJ(sc, kp, f, cur_w, cur_h, 0, 0, cur_w, cur_h, 300, 200, 4, PAT_RAMP);
			sp->r.mode = MODE_PREMULTI;
		} else {
			/* a source rect inside a larger framebuffer, odd sizes */
			SUBJ(sc, kp, f, 217, 163, 7, 5, 201, 151, 101, 83, 3, PAT_RAMP);
			sp->r.mode = MODE_COVERAGE;
		}
		return 0;
	}
	if (!strcmp(name, "cursor")) {
		unsigned int w = cur_w, h = cur_h;

		if ((argc != 3 && argc != 4) || parse_int(argv[1], -100000, 100000, &a) ||
		    parse_int(argv[2], -100000, 100000, &b) ||
		    (argc == 4 && (sscanf(argv[3], "%ux%u", &w, &h) != 2 || !w || !h)))
			USAGE("cursor X Y [WxH]");
		NEED(cursor, "no cursor plane");
		NEED(plane_has_format(cursor, subj->fourcc), "the cursor does not offer %s",
		     subj->name);
		NEED((!cap_w || w <= cap_w) && (!cap_h || h <= cap_h),
		     "cursor %ux%u above the cap %ux%u", w, h, cap_w, cap_h);
		if (!add_background(sc))
			return 1;
		SUBJ(sc, cursor, subj, w, h, 0, 0, w, h, a, b, 5, PAT_RAMP);
		return 0;
	}
	if (!strcmp(name, "alpha")) {
		int mode;

		if (argc != 3 || parse_mode(argv[1], &mode) ||
		    parse_int(argv[2], 0, 0xffff, &a))
			USAGE("alpha none|premulti|coverage PA");
		NEED(noverlays, "no overlay plane");
		NEED(plane_has_format(overlays[0], subj->fourcc), "the overlay does not offer %s",
		     subj->name);
		if (!add_background(sc))
			return 1;
		SUBJ(sc, overlays[0], subj, 300, 200, 0, 0, 300, 200, 170, 140, 6, PAT_RAMP);
		sp->r.mode = mode;
		sp->r.alpha16 = a;
		return 0;
	}
	if (!strcmp(name, "zpos")) {
		long z[4];
		char *save = NULL, *t, buf[64];

		snprintf(buf, sizeof(buf), "%s", argc > 1 ? argv[1] : "");
		for (k = 0, t = strtok_r(buf, ",", &save); t && k < 4;
		     t = strtok_r(NULL, ",", &save), k++)
			if (parse_int(t, 0, 64, &z[k]))
				break;
		a = 0xffff;
		if (k != 4 || t || argc < 2 || argc > 3 ||
		    (argc == 3 && parse_int(argv[2], 0, 0xffff, &a)))
			USAGE("zpos P,A,B,C [PRIMARY_ALPHA]");
		NEED(noverlays >= 3, "%d overlays, the scene needs 3", noverlays);
		if (!(sp = add_background(sc)))
			return 1;
		sp->r.zpos = z[0];
		sp->r.alpha16 = a;
		sp->r.mode = MODE_COVERAGE;
		for (k = 0; k < 3; k++) {
			ADD(sc, overlays[k], ar24, 240, 180, 0, 0, 240, 180, 100 + 100 * k,
			    100 + 50 * k, 7 + k, PAT_RAMP);
			sp->r.zpos = z[k + 1];
			sp->r.mode = MODE_COVERAGE;
		}
		for (k = 0; k < sc->n; k++)
			NEED(sc->pl[k].r.zpos >= sc->pl[k].kp->zmin &&
			     sc->pl[k].r.zpos <= sc->pl[k].kp->zmax,
			     "zpos %u of plane %u outside %llu..%llu", sc->pl[k].r.zpos,
			     sc->pl[k].kp->id, (unsigned long long)sc->pl[k].kp->zmin,
			     (unsigned long long)sc->pl[k].kp->zmax);
		return 0;
	}
	if (!strcmp(name, "rotate")) {
		uint32_t rot;

		a = 200;
		b = 150;
		if ((argc != 2 && argc != 4) || parse_rot(argv[1], &rot) ||
		    (argc == 4 && (parse_int(argv[2], -100000, 100000, &a) ||
				   parse_int(argv[3], -100000, 100000, &b))))
			USAGE("rotate 0|90|180|270[+reflect-x][+reflect-y] [X Y]");
		NEED(noverlays, "no overlay plane");
		NEED(overlays[0]->prop[P_ROTATION], "no rotation property");
		NEED(!(rot & ~overlays[0]->rot_mask), "rotation 0x%x not offered (0x%x)",
		     rot, overlays[0]->rot_mask);
		NEED(plane_has_format(overlays[0], subj->fourcc), "the overlay does not offer %s",
		     subj->name);
		if (!add_background(sc))
			return 1;
		/* 96 x 64 from (5,3) of a 120 x 80 framebuffer */
		SUBJ(sc, overlays[0], subj, 120, 80, 5, 3, 96, 64, a, b, 9, PAT_RAMP);
		sp->r.mode = MODE_COVERAGE;
		sp->r.rot = rot;
		return 0;
	}
	if (!strcmp(name, "scale")) {
		/* [primary] SW SH DW DH [ROT [X Y]] */
		int prim = argc > 1 && !strcmp(argv[1], "primary"), i0 = 1 + prim;
		uint32_t rot = DRM_MODE_ROTATE_0;
		long v[4];

		a = prim ? 0 : 40;
		b = prim ? 0 : 30;
		for (k = 0; k < 4 && i0 + k < argc; k++)
			if (parse_int(argv[i0 + k], 1, 8192, &v[k]))
				break;
		if (k != 4 || (argc != i0 + 4 && argc != i0 + 5 && argc != i0 + 7) ||
		    (argc > i0 + 4 && parse_rot(argv[i0 + 4], &rot)) ||
		    (argc == i0 + 7 && (parse_int(argv[i0 + 5], -100000, 100000, &a) ||
					parse_int(argv[i0 + 6], -100000, 100000, &b))))
			USAGE("scale [primary] SW SH DW DH [ROT [X Y]]");
		if (!prim) {
			NEED(noverlays, "no overlay plane");
			if (!add_background(sc))
				return 1;
		}
		NEED(plane_has_format(prim ? primary : overlays[0], subj->fourcc),
		     "the plane does not offer %s", subj->name);
		NEED(rot == DRM_MODE_ROTATE_0 || (prim ? primary : overlays[0])->prop[P_ROTATION],
		     "no rotation property");
		/* SW x SH from (5,3) of a framebuffer 10 x 6 larger */
		SUBJ(sc, prim ? primary : overlays[0], subj, v[0] + 10, v[1] + 6, 5, 3,
		     v[0], v[1], a, b, 12, PAT_RAMP);
		sp->r.mode = MODE_COVERAGE;
		sp->r.rot = rot;
		sp->r.dw = v[2];
		sp->r.dh = v[3];
		return 0;
	}
	if (!strcmp(name, "sparse")) {
		if (argc != 1)
			USAGE("sparse");
		NEED(noverlays, "no overlay plane");
		NEED(plane_has_format(overlays[0], subj->fourcc), "the overlay does not offer %s",
		     subj->name);
		/* YUV is opaque: the FILL's centre is outside the plane anyway */
		SUBJ(sc, overlays[0], subj, 160, 120, 0, 0, 160, 120, 40, 40, 10, PAT_SPARSE);
		sp->r.mode = MODE_COVERAGE;
		return 0;
	}
	return fail("unknown scene '%s'", name);
}

/* One of opt's words into opt: 1 if WORD is one, 0 if not, -1 if its value
 * is not one the word takes. */
static int scene_word(const char *word)
{
	const char *v = strchr(word, '=');
	unsigned int x, y;
	char c;
	int k;

	if (!strcmp(word, "split") || !strcmp(word, "offsets")) {
		*(word[0] == 's' ? &opt.split : &opt.offsets) = 1;
		opt.yuv_words = 1;
		return 1;
	}
	if (!v)
		return 0;
	v++;
	if (!strncmp(word, "enc=", 4) || !strncmp(word, "refenc=", 7) ||
	    !strncmp(word, "range=", 6) || !strncmp(word, "refrange=", 9))
		opt.yuv_words = 1;
	if (!strncmp(word, "enc=", 4) || !strncmp(word, "refenc=", 7)) {
		for (k = 0; k < NENC && strcmp(v, enc_word[k]); k++)
			;
		if (k == NENC)
			return -1;
		*(word[0] == 'r' ? &opt.refenc : &opt.enc) = k;
		return 1;
	}
	if (!strncmp(word, "range=", 6) || !strncmp(word, "refrange=", 9)) {
		for (k = 0; k < 2 && strcmp(v, range_word[k]); k++)
			;
		if (k == 2)
			return -1;
		*(word[0] == 'r' && word[1] == 'e' ? &opt.reffull : &opt.full) = k;
		return 1;
	}
	if (!strncmp(word, "fmt=", 4)) {
		opt.fmt = fmt_by_name(v);
		return opt.fmt ? 1 : -1;
	}
	if (!strncmp(word, "src=", 4)) {
		if (sscanf(v, "%u,%u%c", &x, &y, &c) != 2 || x > 4096 || y > 4096)
			return -1;
		opt.src = 1;
		opt.srcx = x;
		opt.srcy = y;
		return 1;
	}
	return 0;
}

static uint32_t *screen;

/* Sets up the scene of LINE and prints what it must look like; 0, 1, 77. */
static int run_scene(char *line)
{
	char *argv[16], *save = NULL, *t;
	struct scene *sc = cur == &scenes[0] ? &scenes[1] : &scenes[0];
	struct ref_plane refs[MAXPLANES];
	static struct ref_color color;
	int argc = 0, poke = 0, ret, i, c;
	const char *bad = NULL;
	uint64_t addr;

	memset(&color, 0, sizeof(color));
	memset(&opt, 0, sizeof(opt));
	opt.refenc = opt.reffull = -1;
	for (t = strtok_r(line, " \t\n", &save); t && argc < 16;
	     t = strtok_r(NULL, " \t\n", &save))
		if (!strcmp(t, "poke"))
			poke = 1;
		else if ((c = ref_color_word(&color, t)) || (c = scene_word(t)))
			bad = c < 0 ? t : bad;
		else
			argv[argc++] = t;
	if (!argc)
		return 0;
	memset(sc, 0, sizeof(*sc));
	sc->color = color;
	why[0] = 0;
	ret = bad ? fail("%s: no such table, format or value", bad) :
	      scene_build(sc, argc, argv);
	if (!ret) {
		/* the YUV words without a YUV plane would test nothing */
		int yuv = 0, planar = 0;

		for (i = 0; i < sc->n; i++) {
			yuv |= !!sc->pl[i].r.fmt->yuv;
			planar |= sc->pl[i].r.fmt->yuv > 1;
		}
		if (opt.split && !planar)
			ret = fail("split: the scene has no YUV plane with chroma planes");
		else if (!yuv && opt.yuv_words)
			ret = fail("offsets, enc=, range=, refenc=, refrange=: the scene has no YUV plane");
	}
	if (!ret && poke) {
		struct splane *sp = find_splane(sc, primary);
		size_t off;

		if (!sp) {
			ret = fail("poke: the scene has no primary plane");
		} else {
			/* pixel (1,1); YUV: its Y */
			off = (size_t)(sp->r.pix - sp->shadow) + sp->r.pitch + sp->r.fmt->cpp;
			sp->shadow[off] ^= 1;
			sp->buf.map[off] ^= 1;
		}
	}
	ret = ret ? ret : scene_commit(sc);
	if (ret) {
		/* the previous scene, if any, is still on screen */
		scene_free(sc);
		printf("%s %s\n", ret == 77 ? "SKIP" : "FAIL", why);
		return ret;
	}
	/* The reference while the commit runs. */
	for (i = 0; i < sc->n; i++) {
		refs[i] = sc->pl[i].r;
		if (refs[i].fmt->yuv && opt.refenc >= 0)
			refs[i].enc = opt.refenc;
		if (refs[i].fmt->yuv && opt.reffull >= 0)
			refs[i].full = opt.reffull;
	}
	ref_compose(screen, W, H, refs, sc->n);
	ref_color_frame(&sc->color, screen, (size_t)W * H);
	if (scene_wait()) {
		/* which scene's buffers are on screen is unknown: both kept */
		printf("FAIL %s\n", why);
		return 1;
	}
	/* No plane shows the old buffers any more: the event came. */
	if (cur)
		scene_free(cur);
	cur = sc;
	printf("REF %016llx\n", (unsigned long long)ref_rgbhash(screen, (size_t)W * H));
	if (want_crc)
		printf("CRC %08x\n", ref_crc(screen, (size_t)W * H));
	addr = scanout_addr();
	printf("SCANOUT 0x%llx primary 0x%llx zerocopy %d\n", (unsigned long long)addr,
	       (unsigned long long)sc->primary_addr,
	       sc->primary_addr && addr == sc->primary_addr);
	printf("READY\n");
	return 0;
}

/*
 * "screen [-TYPE]": what the screen must show now, from the planes
 * another client (Weston, sway) has committed: each plane on the CRTC
 * with a framebuffer, read through its properties and GETFB2 (root: the
 * handles), its pixels copied through a dma-buf between
 * DMA_BUF_IOCTL_SYNC START and END, composed by the reference at the
 * CRTC's mode.  "-cursor" (or -primary, -overlay) leaves planes of that
 * type out: a negative control's reference.  Prints
 *   REF <16 hex> <W>x<H> planes N [cursor X,Y WxH]
 * or "FAIL why": RGB framebuffers of one buffer, whole-pixel source
 * rects and no CRTC color management are what it reads.
 */
static int screen_plane(const struct kplane *kp, uint32_t crtc,
			struct ref_plane *r, uint8_t **copy, char *why,
			size_t wlen)
{
	drmModeObjectProperties *props;
	uint64_t v[NPROPS] = { 0 };
	int have[NPROPS] = { 0 };
	struct dma_buf_sync sync = { 0 };
	drmModeFB2 *fb = NULL;
	const struct fmt *f = NULL;
	size_t len, i;
	uint8_t *map;
	int k, dfd = -1, ret = -1;
	uint32_t dw, dh;

	props = drmModeObjectGetProperties(pipe_.fd, kp->id, DRM_MODE_OBJECT_PLANE);
	for (i = 0; props && i < props->count_props; i++)
		for (k = 0; k < NPROPS; k++)
			if (kp->prop[k] && props->props[i] == kp->prop[k]) {
				v[k] = props->prop_values[i];
				have[k] = 1;
			}
	drmModeFreeObjectProperties(props);
	if (!v[P_FB_ID] || v[P_CRTC_ID] != crtc)
		return 0;
	fb = drmModeGetFB2(pipe_.fd, v[P_FB_ID]);
	if (!fb) {
		/* ENOENT: removed since the properties were read */
		snprintf(why, wlen, "plane %u: GETFB2 of fb %llu: %s", kp->id,
			 (unsigned long long)v[P_FB_ID], strerror(errno));
		goto out;
	}
	if (!fb->handles[0]) {
		snprintf(why, wlen, "plane %u: GETFB2 gave no handle (not root?)", kp->id);
		goto out;
	}
	for (i = 0; i < NFMTS; i++)
		if (fmts[i].fourcc == fb->pixel_format && !fmts[i].yuv)
			f = &fmts[i];
	if (!f || fb->modifier || (fb->handles[1] && fb->handles[1] != fb->handles[0])) {
		snprintf(why, wlen, "plane %u: framebuffer %.4s not read here", kp->id,
			 (const char *)&fb->pixel_format);
		goto out;
	}
	if ((v[P_SRC_X] | v[P_SRC_Y] | v[P_SRC_W] | v[P_SRC_H]) & 0xffff) {
		snprintf(why, wlen, "plane %u: fractional source rect", kp->id);
		goto out;
	}
	len = (size_t)fb->offsets[0] + (size_t)fb->pitches[0] * fb->height;
	if (drmPrimeHandleToFD(pipe_.fd, fb->handles[0], DRM_CLOEXEC, &dfd)) {
		snprintf(why, wlen, "plane %u: PRIME export: %s", kp->id, strerror(errno));
		goto out;
	}
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, dfd, 0);
	*copy = malloc(len);
	if (map == MAP_FAILED || !*copy) {
		snprintf(why, wlen, "plane %u: mmap: %s", kp->id, strerror(errno));
		if (map != MAP_FAILED)
			munmap(map, len);
		goto out;
	}
	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ;
	k = wcfb_ioctl(dfd, DMA_BUF_IOCTL_SYNC, &sync);
	if (!k)
		memcpy(*copy, map, len);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	k = k ? k : wcfb_ioctl(dfd, DMA_BUF_IOCTL_SYNC, &sync);
	munmap(map, len);
	if (k) {
		snprintf(why, wlen, "plane %u: DMA_BUF_IOCTL_SYNC: %s", kp->id,
			 strerror(-k));
		goto out;
	}

	*r = (struct ref_plane){ .on = 1, .id = kp->id, .fmt = f,
				 .pix = *copy + fb->offsets[0],
				 .pitch = fb->pitches[0], .alpha16 = 0xffff,
				 .mode = MODE_PREMULTI, .rot = DRM_MODE_ROTATE_0 };
	r->zpos = have[P_ZPOS] ? v[P_ZPOS] : kp->zdefault;
	r->sx = v[P_SRC_X] >> 16;
	r->sy = v[P_SRC_Y] >> 16;
	r->sw = v[P_SRC_W] >> 16;
	r->sh = v[P_SRC_H] >> 16;
	r->cx = (int32_t)v[P_CRTC_X];
	r->cy = (int32_t)v[P_CRTC_Y];
	if (have[P_ALPHA])
		r->alpha16 = v[P_ALPHA];
	if (have[P_ROTATION])
		r->rot = v[P_ROTATION];
	for (k = 0; have[P_BLEND] && k < 3; k++)
		if (kp->blend_val[k] == (int64_t)v[P_BLEND])
			r->mode = k;
	ref_dst_size(r, &dw, &dh);
	if (dw != v[P_CRTC_W] || dh != v[P_CRTC_H]) {
		r->dw = v[P_CRTC_W];
		r->dh = v[P_CRTC_H];
	}
	ret = 1;
out:
	if (dfd >= 0)
		close(dfd);
	if (fb) {
		/* GETFB2 gives one handle per object, repeated per plane. */
		for (k = 0; k < 4; k++) {
			int j = 0;

			while (j < k && fb->handles[j] != fb->handles[k])
				j++;
			if (fb->handles[k] && j == k)
				drmCloseBufferHandle(pipe_.fd, fb->handles[k]);
		}
		drmModeFreeFB2(fb);
	}
	return ret;
}

static int cmd_screen(const char *without)
{
	struct ref_plane refs[MAXPLANES];
	uint8_t *copies[MAXPLANES] = { 0 };
	char why[160] = "", cur_txt[64] = "";
	drmModeCrtc *crtc;
	uint32_t *scr;
	int i, n = 0, ret = 1;

	crtc = drmModeGetCrtc(pipe_.fd, pipe_.crtc_id);
	if (!crtc || !crtc->mode_valid) {
		printf("FAIL the CRTC is off\n");
		drmModeFreeCrtc(crtc);
		return 1;
	}
	W = crtc->mode.hdisplay;
	H = crtc->mode.vdisplay;
	drmModeFreeCrtc(crtc);
	read_crtc_color();
	for (i = 0; i < NCOLOR; i++)
		if (color_val[i]) {
			printf("FAIL the CRTC's %s is set: not read here\n", color_prop_names[i]);
			return 1;
		}
	for (i = 0; i < nplanes; i++) {
		int r;

		if (without && !strcmp(without, type_name(planes[i].type)))
			continue;
		r = screen_plane(&planes[i], pipe_.crtc_id, &refs[n], &copies[n],
				 why, sizeof(why));
		if (r < 0)
			goto out;
		if (!r)
			continue;
		if (planes[i].type == DRM_PLANE_TYPE_CURSOR) {
			uint32_t dw, dh;

			ref_dst_size(&refs[n], &dw, &dh);
			snprintf(cur_txt, sizeof(cur_txt), " cursor %d,%d %ux%u",
				 refs[n].cx, refs[n].cy, dw, dh);
		}
		n++;
	}
	scr = calloc((size_t)W * H, sizeof(*scr));
	if (!scr) {
		snprintf(why, sizeof(why), "out of memory");
		goto out;
	}
	ref_compose(scr, W, H, refs, n);
	printf("REF %016llx %ux%u planes %d%s\n",
	       (unsigned long long)ref_rgbhash(scr, (size_t)W * H), W, H, n, cur_txt);
	free(scr);
	ret = 0;
out:
	if (ret)
		printf("FAIL %s\n", why);
	for (i = 0; i < MAXPLANES; i++)
		free(copies[i]);
	return ret;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char line[512];
	const char *s;
	int i, ret, status = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--crc"))
			want_crc = 1;
		else if (!strcmp(argv[i], "--mode") && i + 1 < argc &&
			 sscanf(argv[i + 1], "%ux%u", &W, &H) == 2)
			i++;
		else {
			fprintf(stderr, "usage: see the top of %s\n", __FILE__);
			return 2;
		}
	}
	if (i < argc && !strcmp(argv[i], "selftest"))
		return selftest();
	s = getenv("wcfb_slow");
	if (s && atoi(s) > 0)
		slow = atoi(s);
	ret = wcfb_open_pipe(&pipe_);
	if (ret || open_planes()) {
		printf("FAIL cannot open the display: %s\n", strerror(ret ? -ret : ENODEV));
		return 1;
	}
	if (!wcfb_find_mode(&pipe_, W, H)) {
		printf("FAIL no mode %ux%u\n", W, H);
		return 1;
	}
	if (i < argc && !strcmp(argv[i], "info"))
		return cmd_info();
	if (i < argc && !strcmp(argv[i], "screen")) {
		const char *without = i + 1 < argc ? argv[i + 1] : NULL;

		if (without && strcmp(without, "-primary") &&
		    strcmp(without, "-overlay") && strcmp(without, "-cursor")) {
			fprintf(stderr, "usage: %s screen [-primary|-overlay|-cursor]\n",
				argv[0]);
			return 2;
		}
		return cmd_screen(without ? without + 1 : NULL);
	}
	screen = calloc((size_t)W * H, sizeof(*screen));
	if (!screen)
		return 1;
	/* No SA_RESTART: a signal ends the wait for stdin. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (i < argc) {
		size_t n = 0;

		line[0] = 0;
		for (; i < argc; i++)
			n += snprintf(line + n, n < sizeof(line) ? sizeof(line) - n : 0,
				      "%s ", argv[i]);
		ret = run_scene(line);
		if (ret) {
			color_reset();
			return ret;
		}
	}
	while (!stop && fgets(line, sizeof(line), stdin))
		if (run_scene(line) == 1)
			status = 1;
	/*
	 * Closing the device gives the display back (fbdev restores it), but
	 * not the color management: that is reset here.
	 */
	color_reset();
	wcfb_close_pipe(&pipe_);
	return status;
}
#endif
