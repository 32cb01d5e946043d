// SPDX-License-Identifier: MIT
/*
 * wcfb-planetest: scenes of planes (primary, overlays, cursor; formats,
 * positions, blend modes, plane alpha, zpos, rotation) set up with one
 * atomic commit each, and what the screen must then show, computed by a
 * CPU reference of the composition written here from the spec (the
 * blend formulas and formats of Documentation/engine-protocol.md, the
 * planes of Documentation/design.rst "Planes and composition", DRM's
 * rotation and zpos rules), not from the engine model or the driver.
 *
 *   wcfb-planetest info                 planes, formats, properties, caps
 *   wcfb-planetest selftest             the reference on hand-computed pixels
 *   wcfb-planetest [--crc] [--mode WxH] [SCENE...]
 *
 * Scenes (given on the command line, then one per line on stdin):
 *   plain                  the primary alone, full screen XRGB8888
 *   formats PLANE FMT      PLANE (primary|overlay|cursor) showing a pattern
 *                          in FMT (a fourcc, e.g. AR30) over a known
 *                          primary (for the primary itself: over black)
 *   cursor X Y [WxH]       the cursor (ARGB8888, default 64x64 or the cap)
 *                          at X, Y (anywhere, partly or wholly off screen)
 *   alpha MODE PA          an ARGB8888 overlay with an alpha ramp, blend
 *                          MODE (none|premulti|coverage), plane alpha PA
 *   zpos P,A,B,C [PA]      primary and three overlays with these zpos
 *                          values (the primary with plane alpha PA, coverage)
 *   rotate ROT [X Y]       a non-square overlay rotated: ROT is
 *                          0|90|180|270 with +reflect-x / +reflect-y
 *   sparse                 no primary, one overlay in a corner whose centre
 *                          is transparent (the engine fault control's scene)
 * Any scene line may carry the word "poke": one byte of the primary's
 * pixel (1,1) is XORed with 1 (blue's low bit in XRGB8888); and the
 * CRTC's color management: degamma=LUT, ctm=CTM, gamma=LUT (LUT one of
 * identity|invert|curve|random, CTM one of identity|swaprb|wild, see
 * ref_lut_by_name()), applied by the reference to the composed frame as
 * the COLOR op of Documentation/engine-protocol.md says.  A scene sets
 * each of DEGAMMA_LUT, CTM, GAMMA_LUT the CRTC has: to its table's blob,
 * or to 0, which resets what an earlier scene set; the client resets
 * them at exit.  Without GAMMA_LUT, a scene with color words is skipped.
 * "info" prints the blob ids the CRTC has set at the moment.
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
#include "wcfb_client.h"
#endif
#include "wcfb_rgbhash.h"

/* ===================================================== the CPU reference */

/*
 * A format as DRM defines it: the little-endian value of cpp bytes, and
 * each channel's lowest bit and width in it (width 0: absent; no A means
 * opaque, and bits of no channel are X, ignored).
 */
struct fmt {
	const char *name;
	uint32_t fourcc, cpp;
	uint8_t sh[4], w[4];	/* A, R, G, B */
};

#define F(n, cpp, as, aw, rs, rw, gs, gw, bs, bw) \
	{ n, fourcc_code(n[0], n[1], n[2], n[3]), cpp, \
	  { as, rs, gs, bs }, { aw, rw, gw, bw } }
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
};
#undef F
#define NFMTS (sizeof(fmts) / sizeof(fmts[0]))

static const struct fmt *fmt_by_name(const char *s)
{
	size_t i;

	for (i = 0; i < NFMTS; i++)
		if (!strcmp(fmts[i].name, s))
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
				 * for 90 and 270 (no scaling) */
	uint32_t alpha16;
	int mode;
	uint32_t rot;		/* DRM_MODE_ROTATE_* | DRM_MODE_REFLECT_* */
};

static void ref_dst_size(const struct ref_plane *p, uint32_t *w, uint32_t *h)
{
	int turned = !!(p->rot & (DRM_MODE_ROTATE_90 | DRM_MODE_ROTATE_270));

	*w = turned ? p->sh : p->sw;
	*h = turned ? p->sw : p->sh;
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

				ref_src_of(p, x - p->cx, y - p->cy, &u, &v);
				*d = blend(unpack(p->fmt, p->pix +
						  (size_t)(p->sy + v) * p->pitch +
						  (size_t)(p->sx + u) * p->fmt->cpp),
					   *d, pa, p->mode);
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

/* zlib's crc32(): reflected 0xEDB88320, init and final xor ~0. */
static uint32_t crc_table[256];

static uint32_t crc32_bytes(uint32_t crc, const uint8_t *b, size_t n)
{
	size_t i;

	if (!crc_table[1]) {
		uint32_t k, c;
		int j;

		for (k = 0; k < 256; k++) {
			for (c = k, j = 0; j < 8; j++)
				c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
			crc_table[k] = c;
		}
	}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = crc_table[(crc ^ b[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t ref_crc(const uint32_t *scr, size_t n)
{
	uint32_t crc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t rgb[3] = { scr[i] >> 16, scr[i] >> 8, scr[i] };

		crc = crc32_bytes(crc, rgb, 3);
	}
	return crc;
}

/* --- test patterns -------------------------------------------------------- */
static uint32_t hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

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
	st(crc32_bytes(0, nine, 9) == 0xcbf43926, "CRC-32 check value of \"123456789\"");
	{
		uint32_t two[2] = { 0x313233, 0x343536 };	/* "123456" */
		uint64_t h = WCFB_RGBHASH_INIT;

		st(ref_crc(two, 2) == crc32_bytes(0, nine, 6), "CRC over R, G, B per pixel");
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
       P_DAMAGE, P_TYPE, NPROPS };
static const char *const prop_names[NPROPS] = {
	"FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_X",
	"CRTC_Y", "CRTC_W", "CRTC_H", "zpos", "alpha", "pixel blend mode",
	"rotation", "FB_DAMAGE_CLIPS", "type",
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
 * KP in the scene: a FBW x FBH framebuffer of F holding pattern SEED, its
 * source rect (SX, SY, SW, SH) at (CX, CY); zpos the spec's default,
 * alpha opaque, pre-multiplied, rotate-0 until the caller changes them.
 * NULL (and why) if the buffer could not be made.
 */
static struct splane *scene_add(struct scene *sc, struct kplane *kp,
				const struct fmt *f, uint32_t fbw, uint32_t fbh,
				uint32_t sx, uint32_t sy, uint32_t sw, uint32_t sh,
				int32_t cx, int32_t cy, uint32_t seed, enum pat pat)
{
	static uint64_t before[MAXOBJ], after[MAXOBJ];
	struct splane *sp = &sc->pl[sc->n];
	int nb = 0, na, i, j, ret;
	size_t bytes;

	if (kp == primary)
		nb = pool_objs(before, MAXOBJ);
	ret = wcfb_buf_dumb(pipe_.fd, &sp->buf, fbw, fbh, f->cpp * 8, WCFB_MAP_DUMB);
	ret = ret ? ret : wcfb_buf_addfb(&sp->buf, f->fourcc);
	if (ret) {
		wcfb_buf_destroy(&pipe_, &sp->buf);
		fail("%s framebuffer %ux%u %s: %s", type_name(kp->type), fbw, fbh,
		     f->name, strerror(-ret));
		return NULL;
	}
	sc->n++;
	sp->kp = kp;
	bytes = (size_t)sp->buf.pitch * fbh;
	sp->shadow = calloc(1, bytes);
	if (!sp->shadow) {
		fail("out of memory");
		return NULL;
	}
	pattern_cached(sp->shadow, sp->buf.pitch, f, fbw, fbh, seed, pat);
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
	return sp;
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

/* Every plane of the CRTC as SC says (planes not in it off); 77 if the
 * device lacks a property value SC needs. */
static int scene_req(struct scene *sc, drmModeAtomicReq *req)
{
	int k;

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
#define USAGE(what) return fail("usage: %s", what)

/* Builds scene ARGV[0] into SC: its buffers, filled; 0, 1 (why) or 77. */
static int scene_build(struct scene *sc, int argc, char **argv)
{
	const struct fmt *ar24 = fmt_by_name("AR24");
	const char *name = argv[0];
	struct splane *sp;
	long a, b;
	int k;

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
			ADD(sc, primary, f, W, H, 0, 0, W, H, 0, 0, 2, PAT_RAMP);
			sp->r.mode = f->w[0] ? MODE_COVERAGE : MODE_PREMULTI;
			return 0;
		}
		if (!add_background(sc))
			return 1;
		if (kp == cursor) {
			ADD(sc, kp, f, cur_w, cur_h, 0, 0, cur_w, cur_h, 300, 200, 4, PAT_RAMP);
			sp->r.mode = MODE_PREMULTI;
		} else {
			/* a source rect inside a larger framebuffer, odd sizes */
			ADD(sc, kp, f, 217, 163, 7, 5, 201, 151, 101, 83, 3, PAT_RAMP);
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
		NEED(plane_has_format(cursor, ar24->fourcc), "the cursor does not offer AR24");
		NEED((!cap_w || w <= cap_w) && (!cap_h || h <= cap_h),
		     "cursor %ux%u above the cap %ux%u", w, h, cap_w, cap_h);
		if (!add_background(sc))
			return 1;
		ADD(sc, cursor, ar24, w, h, 0, 0, w, h, a, b, 5, PAT_RAMP);
		return 0;
	}
	if (!strcmp(name, "alpha")) {
		int mode;

		if (argc != 3 || parse_mode(argv[1], &mode) ||
		    parse_int(argv[2], 0, 0xffff, &a))
			USAGE("alpha none|premulti|coverage PA");
		NEED(noverlays, "no overlay plane");
		if (!add_background(sc))
			return 1;
		ADD(sc, overlays[0], ar24, 300, 200, 0, 0, 300, 200, 170, 140, 6, PAT_RAMP);
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
		if (!add_background(sc))
			return 1;
		/* 96 x 64 from (5,3) of a 120 x 80 framebuffer */
		ADD(sc, overlays[0], ar24, 120, 80, 5, 3, 96, 64, a, b, 9, PAT_RAMP);
		sp->r.mode = MODE_COVERAGE;
		sp->r.rot = rot;
		return 0;
	}
	if (!strcmp(name, "sparse")) {
		if (argc != 1)
			USAGE("sparse");
		NEED(noverlays, "no overlay plane");
		ADD(sc, overlays[0], ar24, 160, 120, 0, 0, 160, 120, 40, 40, 10, PAT_SPARSE);
		sp->r.mode = MODE_COVERAGE;
		return 0;
	}
	return fail("unknown scene '%s'", name);
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
	for (t = strtok_r(line, " \t\n", &save); t && argc < 16;
	     t = strtok_r(NULL, " \t\n", &save))
		if (!strcmp(t, "poke"))
			poke = 1;
		else if ((c = ref_color_word(&color, t)))
			bad = c < 0 ? t : bad;
		else
			argv[argc++] = t;
	if (!argc)
		return 0;
	memset(sc, 0, sizeof(*sc));
	sc->color = color;
	why[0] = 0;
	ret = bad ? fail("%s: no such table", bad) : scene_build(sc, argc, argv);
	if (!ret && poke) {
		struct splane *sp = find_splane(sc, primary);
		size_t off;

		if (!sp) {
			ret = fail("poke: the scene has no primary plane");
		} else {
			off = sp->buf.pitch + sp->r.fmt->cpp;
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
	for (i = 0; i < sc->n; i++)
		refs[i] = sc->pl[i].r;
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
