/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wcfb engine operations: NOP, FILL, COPY, BLEND, CONVERT, CRC, COLOR,
 * and the YUV sources of BLEND and CONVERT (1.2).
 *
 * Every operation works row by row on host buffers: a row is fetched from
 * guest memory through guest_ram.c, computed on, and stored back.  That
 * keeps this file free of guest pointers and makes SG buffers (a row may
 * straddle segments) a non-issue.  The pixel formulas are normative: a CPU
 * reference implementing Documentation/engine-protocol.md must match them
 * bit for bit.
 */
#include "ops.h"

#include <endian.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define ROW_MAX_BYTES ((size_t)WCFB_ENG_MAX_DIM * 4)
#define LUT_N WCFB_ENG_COLOR_LUT_SIZE

/*
 * COLOR's table, copied out of guest memory once and decoded, plus what
 * the pixel loop derives from it.  Every input channel is 8 bits, so each
 * stage before the matrix is a 256-entry table and the matrix products
 * m[i][j] * d_j can be tabulated per input value.
 */
typedef struct ColorLut {
	uint32_t flags;
	int64_t ctm[9];
	uint16_t degamma[LUT_N][3], gamma[LUT_N][3];
	uint32_t deg[3][LUT_N];         /* d_c of each 8-bit input value */
	uint8_t map[3][LUT_N];          /* no CTM: input -> output, whole */
	uint8_t ext[3][LUT_N];          /* GAMMA: 8-bit out of gamma[k] */
	__int128 prod[3][3][LUT_N];     /* CTM: ctm[i*3+j] * deg[j][v] */
} ColorLut;

/*
 * A YUV format (1.2).  Packed: byte offsets of Y0, Cb, Cr in a 4-byte
 * pixel pair.  NV: Y offset 0, byte of Cb / Cr in a 2-byte sample.
 * Planar: which planes-table entry (0 or 1) holds Cb / Cr.
 */
typedef struct YuvFmt {
	uint32_t fourcc;
	uint8_t nplanes;                /* 1 packed, 2 NV, 3 planar */
	uint8_t hsub, vsub;
	uint8_t y, cb, cr;
} YuvFmt;

static const YuvFmt yuv_fmts[] = {
	{ WCFB_ENG_FMT_NV12, 2, 2, 2, 0, 0, 1 },
	{ WCFB_ENG_FMT_NV21, 2, 2, 2, 0, 1, 0 },
	{ WCFB_ENG_FMT_NV16, 2, 2, 1, 0, 0, 1 },
	{ WCFB_ENG_FMT_NV61, 2, 2, 1, 0, 1, 0 },
	{ WCFB_ENG_FMT_NV24, 2, 1, 1, 0, 0, 1 },
	{ WCFB_ENG_FMT_NV42, 2, 1, 1, 0, 1, 0 },
	{ WCFB_ENG_FMT_YUV420, 3, 2, 2, 0, 0, 1 },
	{ WCFB_ENG_FMT_YVU420, 3, 2, 2, 0, 1, 0 },
	{ WCFB_ENG_FMT_YUV422, 3, 2, 1, 0, 0, 1 },
	{ WCFB_ENG_FMT_YVU422, 3, 2, 1, 0, 1, 0 },
	{ WCFB_ENG_FMT_YUV444, 3, 1, 1, 0, 0, 1 },
	{ WCFB_ENG_FMT_YVU444, 3, 1, 1, 0, 1, 0 },
	{ WCFB_ENG_FMT_YUYV, 1, 2, 1, 0, 1, 3 },
	{ WCFB_ENG_FMT_YVYU, 1, 2, 1, 0, 3, 1 },
	{ WCFB_ENG_FMT_UYVY, 1, 2, 1, 1, 0, 2 },
	{ WCFB_ENG_FMT_VYUY, 1, 2, 1, 1, 2, 0 },
};

/* One chroma plane of the source, from the planes table. */
typedef struct YuvPlane {
	Surface s;                      /* s.format is 0 */
	uint32_t px, py;                /* phase */
	uint32_t cols, rows;            /* samples the source rect covers */
	uint32_t cached;                /* sample row now in row[], or ~0 */
	uint8_t *row;
} YuvPlane;

/* A validated YUV source and what its pixel loop needs. */
typedef struct YuvSrc {
	const YuvFmt *fmt;
	YuvPlane p[2];
	int32_t cy, yoff, crv, cgu, cgv, cbu;   /* of desc.flags */
	uint8_t *yrow;                  /* one row of plane 0 */
	uint8_t *ey, *ecb, *ecr;        /* Y, Cb, Cr per pixel of a row */
} YuvSrc;

int ops_scratch_init(OpScratch *s)
{
	memset(s, 0, sizeof(*s));
	s->row_s = malloc(ROW_MAX_BYTES);
	s->row_d = malloc(ROW_MAX_BYTES);
	s->argb_s = malloc(WCFB_ENG_MAX_DIM * sizeof(uint32_t));
	s->argb_d = malloc(WCFB_ENG_MAX_DIM * sizeof(uint32_t));
	s->color = malloc(sizeof(*s->color));
	s->yuv = calloc(1, sizeof(*s->yuv));
	if (!s->row_s || !s->row_d || !s->argb_s || !s->argb_d ||
	    !s->color || !s->yuv) {
		ops_scratch_free(s);
		return -1;
	}
	s->yuv->yrow = malloc(ROW_MAX_BYTES);
	s->yuv->p[0].row = malloc(ROW_MAX_BYTES);
	s->yuv->p[1].row = malloc(ROW_MAX_BYTES);
	s->yuv->ey = malloc(WCFB_ENG_MAX_DIM);
	s->yuv->ecb = malloc(WCFB_ENG_MAX_DIM);
	s->yuv->ecr = malloc(WCFB_ENG_MAX_DIM);
	if (!s->yuv->yrow || !s->yuv->p[0].row || !s->yuv->p[1].row ||
	    !s->yuv->ey || !s->yuv->ecb || !s->yuv->ecr) {
		ops_scratch_free(s);
		return -1;
	}
	return 0;
}

void ops_scratch_free(OpScratch *s)
{
	guest_buf_free(&s->dst);
	guest_buf_free(&s->src);
	guest_buf_free(&s->chroma[0]);
	guest_buf_free(&s->chroma[1]);
	if (s->yuv) {
		free(s->yuv->yrow);
		free(s->yuv->p[0].row);
		free(s->yuv->p[1].row);
		free(s->yuv->ey);
		free(s->yuv->ecb);
		free(s->yuv->ecr);
		free(s->yuv);
	}
	free(s->row_s);
	free(s->row_d);
	free(s->argb_s);
	free(s->argb_d);
	free(s->bounce);
	free(s->color);
	memset(s, 0, sizeof(*s));
}

static void surface_decode(const struct wcfb_eng_surface *r, Surface *s)
{
	s->sg_addr = le64toh(r->sg_addr);
	s->sg_count = le32toh(r->sg_count);
	s->pitch = le32toh(r->pitch);
	s->format = le32toh(r->format);
	s->x = le32toh(r->x);
	s->y = le32toh(r->y);
	s->rsvd = le32toh(r->_rsvd);
}

void desc_decode(const struct wcfb_eng_desc *raw, Desc *d)
{
	unsigned i;

	d->opcode = le32toh(raw->opcode);
	d->flags = le32toh(raw->flags);
	d->seqno = le64toh(raw->seqno);
	d->fill = le32toh(raw->fill);
	d->width = le32toh(raw->width);
	d->height = le32toh(raw->height);
	surface_decode(&raw->dst, &d->dst);
	surface_decode(&raw->src, &d->src);
	d->table = (uint64_t)le32toh(raw->_rsvd[1]) << 32 |
		   le32toh(raw->_rsvd[0]);
	d->rsvd_any = 0;
	for (i = 2; i < 8; i++) {
		d->scale[i - 2] = le32toh(raw->_rsvd[i]);
		/* with XFORM_SCALE they are its map, with CRC_ROWS (words 2
		 * and 3) its rows: not reserved */
		if (d->flags & WCFB_ENG_XFORM_SCALE)
			continue;
		if (d->opcode == WCFB_ENG_OP_CRC &&
		    (d->flags & WCFB_ENG_CRC_ROWS) &&
		    (i == WCFB_ENG_CRC_FIRST || i == WCFB_ENG_CRC_COUNT))
			continue;
		d->rsvd_any |= raw->_rsvd[i];
	}
}

uint32_t fmt_cpp(uint32_t fourcc)
{
	switch (fourcc) {
	case WCFB_ENG_FMT_XRGB8888:
	case WCFB_ENG_FMT_ARGB8888:
	case WCFB_ENG_FMT_XBGR8888:
	case WCFB_ENG_FMT_ABGR8888:
	case WCFB_ENG_FMT_RGBX8888:
	case WCFB_ENG_FMT_RGBA8888:
	case WCFB_ENG_FMT_BGRX8888:
	case WCFB_ENG_FMT_BGRA8888:
	case WCFB_ENG_FMT_XRGB2101010:
	case WCFB_ENG_FMT_ARGB2101010:
	case WCFB_ENG_FMT_XBGR2101010:
	case WCFB_ENG_FMT_ABGR2101010:
		return 4;
	case WCFB_ENG_FMT_RGB888:
	case WCFB_ENG_FMT_BGR888:
		return 3;
	case WCFB_ENG_FMT_RGB565:
	case WCFB_ENG_FMT_BGR565:
		return 2;
	default:
		return 0;
	}
}

const char *ops_name(uint32_t opcode)
{
	static const char *const n[] = {
		[WCFB_ENG_OP_NOP] = "nop", [WCFB_ENG_OP_FILL] = "fill",
		[WCFB_ENG_OP_COPY] = "copy", [WCFB_ENG_OP_BLEND] = "blend",
		[WCFB_ENG_OP_CONVERT] = "convert", [WCFB_ENG_OP_CRC] = "crc",
		[WCFB_ENG_OP_COLOR] = "color",
	};

	return opcode && opcode <= WCFB_ENG_OP_MAX ? n[opcode] : "invalid";
}

const char *ops_err_name(uint32_t code)
{
	switch (code) {
	case WCFB_ENG_ST_OK: return "ok";
	case WCFB_ENG_ERR_OPCODE: return "bad-opcode";
	case WCFB_ENG_ERR_DESC: return "bad-desc";
	case WCFB_ENG_ERR_FORMAT: return "bad-format";
	case WCFB_ENG_ERR_RECT: return "bad-rect";
	case WCFB_ENG_ERR_SG: return "bad-sg";
	case WCFB_ENG_ERR_EXTENT: return "extent";
	case WCFB_ENG_ERR_NOT_RAM: return "not-ram";
	case WCFB_ENG_ERR_DMA_RANGE: return "dma-range";
	case WCFB_ENG_ERR_INJECTED: return "injected";
	case WCFB_ENG_ERR_NOMEM: return "nomem";
	case WCFB_ENG_ERR_RING_CONFIG: return "ring-config";
	case WCFB_ENG_ERR_CMPL_CONFIG: return "completion-config";
	case WCFB_ENG_ERR_HEAD: return "bad-head";
	default: return "unknown";
	}
}

/* ---------------------------------------------------------------- */
/* Pixel conversion to and from canonical 0xAARRGGBB                 */
/* ---------------------------------------------------------------- */

/* 565 -> 888 replicates the high bits into the low ones, so 0 -> 0 and
 * full scale -> 0xFF; 888 -> 565 truncates. */
static inline uint32_t exp5(uint32_t v) { return (v << 3) | (v >> 2); }
static inline uint32_t exp6(uint32_t v) { return (v << 2) | (v >> 4); }

static inline uint32_t argb(uint32_t a, uint32_t r, uint32_t g, uint32_t b)
{
	return a << 24 | r << 16 | g << 8 | b;
}

static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static inline void st32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

/* 10-bit channels: truncated to 8 bits, 8 -> 10 replicates the high bits;
 * 2-bit alpha: a * 0x55 and back a >> 6. */
#define C10(v, sh) ((((v) >> (sh)) & 0x3FFu) >> 2)
static inline uint32_t e10(uint32_t c) { return (c << 2) | (c >> 6); }

/* Always inlined with a constant @fmt (FMT_ROWS below): the switch folds
 * away and each format gets its own straight loop. */
#define ALWAYS_INLINE inline __attribute__((always_inline))

static ALWAYS_INLINE uint32_t unpack_px(uint32_t fmt, const uint8_t *p)
{
	uint32_t v;

	switch (fmt) {
	case WCFB_ENG_FMT_ARGB8888:
		return ld32(p);
	case WCFB_ENG_FMT_XRGB8888:
		return ld32(p) | 0xFF000000u;           /* X is not alpha */
	case WCFB_ENG_FMT_ABGR8888:
	case WCFB_ENG_FMT_XBGR8888:
		v = ld32(p);
		return argb(fmt == WCFB_ENG_FMT_ABGR8888 ? v >> 24 : 0xFF,
			    v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF);
	case WCFB_ENG_FMT_RGBA8888:
	case WCFB_ENG_FMT_RGBX8888:
		v = ld32(p);
		return argb(fmt == WCFB_ENG_FMT_RGBA8888 ? v & 0xFF : 0xFF,
			    v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF);
	case WCFB_ENG_FMT_BGRA8888:
	case WCFB_ENG_FMT_BGRX8888:
		v = ld32(p);
		return argb(fmt == WCFB_ENG_FMT_BGRA8888 ? v & 0xFF : 0xFF,
			    (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24);
	case WCFB_ENG_FMT_RGB888:
		return argb(0xFF, p[2], p[1], p[0]);
	case WCFB_ENG_FMT_BGR888:
		return argb(0xFF, p[0], p[1], p[2]);
	case WCFB_ENG_FMT_RGB565:
		v = (uint32_t)p[0] | (uint32_t)p[1] << 8;
		return argb(0xFF, exp5(v >> 11), exp6((v >> 5) & 0x3F),
			    exp5(v & 0x1F));
	case WCFB_ENG_FMT_BGR565:
		v = (uint32_t)p[0] | (uint32_t)p[1] << 8;
		return argb(0xFF, exp5(v & 0x1F), exp6((v >> 5) & 0x3F),
			    exp5(v >> 11));
	case WCFB_ENG_FMT_ARGB2101010:
	case WCFB_ENG_FMT_XRGB2101010:
		v = ld32(p);
		return argb(fmt == WCFB_ENG_FMT_ARGB2101010 ?
			    (v >> 30) * 0x55 : 0xFF,
			    C10(v, 20), C10(v, 10), C10(v, 0));
	default: /* ABGR2101010, XBGR2101010: the only others validated */
		v = ld32(p);
		return argb(fmt == WCFB_ENG_FMT_ABGR2101010 ?
			    (v >> 30) * 0x55 : 0xFF,
			    C10(v, 0), C10(v, 10), C10(v, 20));
	}
}

static ALWAYS_INLINE void pack_px(uint32_t fmt, uint32_t c, uint8_t *p)
{
	uint32_t a = c >> 24, r = (c >> 16) & 0xFF, g = (c >> 8) & 0xFF;
	uint32_t b = c & 0xFF, v;

	switch (fmt) {
	case WCFB_ENG_FMT_ARGB8888:
		st32(p, c);
		break;
	case WCFB_ENG_FMT_XRGB8888:
		st32(p, c | 0xFF000000u);               /* defined X = 0xFF */
		break;
	case WCFB_ENG_FMT_ABGR8888:
	case WCFB_ENG_FMT_XBGR8888:
		st32(p, (fmt == WCFB_ENG_FMT_ABGR8888 ? a : 0xFF) << 24 |
			b << 16 | g << 8 | r);
		break;
	case WCFB_ENG_FMT_RGBA8888:
	case WCFB_ENG_FMT_RGBX8888:
		st32(p, r << 24 | g << 16 | b << 8 |
			(fmt == WCFB_ENG_FMT_RGBA8888 ? a : 0xFF));
		break;
	case WCFB_ENG_FMT_BGRA8888:
	case WCFB_ENG_FMT_BGRX8888:
		st32(p, b << 24 | g << 16 | r << 8 |
			(fmt == WCFB_ENG_FMT_BGRA8888 ? a : 0xFF));
		break;
	case WCFB_ENG_FMT_RGB888:
		p[0] = b;
		p[1] = g;
		p[2] = r;
		break;
	case WCFB_ENG_FMT_BGR888:
		p[0] = r;
		p[1] = g;
		p[2] = b;
		break;
	case WCFB_ENG_FMT_RGB565:
	case WCFB_ENG_FMT_BGR565:
		if (fmt == WCFB_ENG_FMT_BGR565) {
			v = r;
			r = b;
			b = v;
		}
		v = (r >> 3) << 11 | (g >> 2) << 5 | (b >> 3);
		p[0] = v & 0xFF;
		p[1] = v >> 8;
		break;
	case WCFB_ENG_FMT_ARGB2101010:
	case WCFB_ENG_FMT_XRGB2101010:
		st32(p, (fmt == WCFB_ENG_FMT_ARGB2101010 ? a >> 6 : 3u) << 30 |
			e10(r) << 20 | e10(g) << 10 | e10(b));
		break;
	default: /* ABGR2101010, XBGR2101010 */
		st32(p, (fmt == WCFB_ENG_FMT_ABGR2101010 ? a >> 6 : 3u) << 30 |
			e10(b) << 20 | e10(g) << 10 | e10(r));
		break;
	}
}

/* One case per format: @body(F, C) with F the format and C its bytes per
 * pixel, both constants. */
#define FMT_CASE(F, C, body) case F: body(F, C); break
#define FMT_ROWS(fmt, body)						\
	switch (fmt) {							\
	FMT_CASE(WCFB_ENG_FMT_XRGB8888, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_ARGB8888, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_RGB565, 2, body);				\
	FMT_CASE(WCFB_ENG_FMT_RGB888, 3, body);				\
	FMT_CASE(WCFB_ENG_FMT_XBGR8888, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_ABGR8888, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_RGBX8888, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_RGBA8888, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_BGRX8888, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_BGRA8888, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_BGR888, 3, body);				\
	FMT_CASE(WCFB_ENG_FMT_BGR565, 2, body);				\
	FMT_CASE(WCFB_ENG_FMT_XRGB2101010, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_ARGB2101010, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_XBGR2101010, 4, body);			\
	FMT_CASE(WCFB_ENG_FMT_ABGR2101010, 4, body);			\
	default: break; /* not reached: formats are validated */	\
	}

#define UNPACK_LOOP(F, C)						\
	for (i = 0; i < n; i++)						\
		out[i] = unpack_px(F, p + (size_t)i * (C))
#define PACK_LOOP(F, C)							\
	for (i = 0; i < n; i++)						\
		pack_px(F, in[i], p + (size_t)i * (C))

static void unpack_row(uint32_t fmt, const uint8_t *p, uint32_t n,
		       uint32_t *out)
{
	uint32_t i;

	FMT_ROWS(fmt, UNPACK_LOOP)
}

static void pack_row(uint32_t fmt, const uint32_t *in, uint32_t n,
		     uint8_t *p)
{
	uint32_t i;

	FMT_ROWS(fmt, PACK_LOOP)
}

/*
 * The three blend modes, with plane alpha pa (Documentation/
 * engine-protocol.md, BLEND).  Integer, rounded, per colour channel, with
 * div255(x) = (x + 127) / 255:
 *   COVERAGE       a = div255(As * pa)   C = div255(Cs * a + Cd * (255 - a))
 *   PREMULTIPLIED  a = div255(As * pa)   C = min(255, div255(Cs * pa) +
 *                                                    div255(Cd * (255 - a)))
 *   NONE           a = pa                C = div255(Cs * a + Cd * (255 - a))
 *   all            A = a + div255(Ad * (255 - a))
 * COVERAGE with pa = 255 is 1.0's straight-alpha source-over exactly.
 *
 * The code below computes exactly that, without branches so that the
 * compiler vectorizes it, two channels at a time: R and B sit in the
 * 16-bit lanes of 0x00RR00BB, every product is <= 255 * 255 so the lanes
 * never carry into each other, and
 *   div255(x) = (x + 128 + ((x + 128) >> 8)) >> 8     for 0 <= x <= 65535
 * (checked exhaustively; both are x / 255 rounded to nearest, 255 being
 * odd there are no ties).  The tests compare every mode against the
 * scalar formulas.
 */
#define LANES 0x00FF00FFu

/* div255 of both lanes of @x (each lane <= 255 * 255) */
static inline uint32_t div255x2(uint32_t x)
{
	x += 0x00800080u;
	return ((x + ((x >> 8) & LANES)) >> 8) & LANES;
}

/* per lane min(255, x + y) for lanes <= 255 each: the sum is < 512, so
 * bit 8 of a lane says it overflowed */
static inline uint32_t addsat2(uint32_t x, uint32_t y)
{
	uint32_t sum = x + y, over = (sum >> 8) & 0x00010001u;

	return (sum | over * 0xFF) & LANES;
}

/*
 * One pixel: source @c over destination @dc, both canonical.  @mode and
 * @full (pa == 255) are constants in every instantiation below, so each
 * loop is straight-line code.
 */
static ALWAYS_INLINE uint32_t blend_px(uint32_t c, uint32_t dc,
				       uint32_t mode, bool full, uint32_t pa)
{
	uint32_t a, ia, rb, g;

	if (mode == WCFB_ENG_BLEND_NONE)
		a = full ? 255 : pa;
	else
		a = full ? c >> 24 : div255x2((c >> 24) * pa);
	ia = 255 - a;
	if (mode == WCFB_ENG_BLEND_PREMULTIPLIED) {
		rb = full ? c & LANES : div255x2((c & LANES) * pa);
		g = full ? (c >> 8) & 0xFF : div255x2(((c >> 8) & 0xFF) * pa);
		rb = addsat2(rb, div255x2((dc & LANES) * ia));
		g = addsat2(g, div255x2(((dc >> 8) & 0xFF) * ia));
	} else {
		rb = div255x2((c & LANES) * a + (dc & LANES) * ia);
		g = div255x2(((c >> 8) & 0xFF) * a + ((dc >> 8) & 0xFF) * ia);
	}
	return (a + div255x2((dc >> 24) * ia)) << 24 | rb | g << 8;
}

/* AVX2 where the host has it (the loops are twice as fast); the
 * baseline build everywhere else. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SIMD_CLONES
#endif

#define BLEND_LOOP(mode, full)						\
	for (i = 0; i < n; i++)						\
		d[i] = blend_px(s[i] | s_or, d[i] | d_or, mode, full, pa)

/*
 * Blend row @s onto row @d in place, both canonical 0xAARRGGBB after
 * OR-ing in @s_or / @d_or (0xFF000000 for an X format read raw: X is not
 * alpha).
 */
SIMD_CLONES
static void blend_row(const uint32_t *restrict s, uint32_t s_or,
		      uint32_t *restrict d, uint32_t d_or, uint32_t n,
		      uint32_t mode, uint32_t pa)
{
	uint32_t i;

	switch (mode | (pa == 255 ? 4 : 0)) {
	case WCFB_ENG_BLEND_COVERAGE:
		BLEND_LOOP(WCFB_ENG_BLEND_COVERAGE, false);
		break;
	case WCFB_ENG_BLEND_COVERAGE | 4:
		BLEND_LOOP(WCFB_ENG_BLEND_COVERAGE, true);
		break;
	case WCFB_ENG_BLEND_PREMULTIPLIED:
		BLEND_LOOP(WCFB_ENG_BLEND_PREMULTIPLIED, false);
		break;
	case WCFB_ENG_BLEND_PREMULTIPLIED | 4:
		BLEND_LOOP(WCFB_ENG_BLEND_PREMULTIPLIED, true);
		break;
	case WCFB_ENG_BLEND_NONE:
		BLEND_LOOP(WCFB_ENG_BLEND_NONE, false);
		break;
	default: /* NONE, pa 255: the source, opaque */
		for (i = 0; i < n; i++)
			d[i] = s[i] | 0xFF000000u;
		break;
	}
}

/* ARGB8888 or XRGB8888 on a little-endian host: the raw row already is
 * the canonical array (bar X), so BLEND can work on it in place.  The
 * row buffers are malloc()ed and rows are 4-byte multiples, so the
 * casts are aligned. */
static bool raw_argb(uint32_t fmt)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return fmt == WCFB_ENG_FMT_ARGB8888 || fmt == WCFB_ENG_FMT_XRGB8888;
#else
	(void)fmt;
	return false;
#endif
}

static uint32_t x_or(uint32_t fmt)
{
	return fmt == WCFB_ENG_FMT_XRGB8888 ? 0xFF000000u : 0;
}

/* CRC-32 as zlib's crc32() (reflected 0xEDB88320), slicing by 8: eight
 * table lookups per 8 input bytes instead of one per byte. */
static uint32_t crc_table[8][256];

static void crc_init_table(void)
{
	uint32_t i, j, c;

	if (crc_table[0][1])
		return;
	for (i = 0; i < 256; i++) {
		for (c = i, j = 0; j < 8; j++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc_table[j][i] = (crc_table[j - 1][i] >> 8) ^
					  crc_table[0][crc_table[j - 1][i] &
						       0xFF];
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * The same CRC by folding with carry-less multiplication (PCLMULQDQ),
 * 64 bytes per step: Intel's "Fast CRC Computation for Generic
 * Polynomials Using PCLMULQDQ" for the reflected polynomial, the method
 * and constants of Linux's arch/x86/crypto/crc32-pclmul_asm.S (x^n mod P
 * for the fold distances, then a Barrett reduction to 32 bits).  @n is a
 * multiple of 16, at least 64; the state is the running (pre-inverted)
 * one, as crc_update()'s.  With CRC capture on, a composed frame's CRC
 * is on the ring ahead of the next frame's composition: it must be quick.
 */
__attribute__((target("pclmul,sse4.1")))
static uint32_t crc_fold(uint32_t c, const uint8_t *p, size_t n)
{
	const __m128i r2r1 = _mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL);
	const __m128i r4r3 = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL);
	const __m128i r5 = _mm_set_epi64x(0, 0x163cd6124LL);
	const __m128i ru_poly = _mm_set_epi64x(0x1F7011641LL, 0x1DB710641LL);
	const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
	__m128i x[4], t;
	int i;

	for (i = 0; i < 4; i++)
		x[i] = _mm_loadu_si128((const __m128i *)(p + 16 * i));
	x[0] = _mm_xor_si128(x[0], _mm_cvtsi32_si128((int)c));
	p += 64;
	n -= 64;
	while (n >= 64) {
		for (i = 0; i < 4; i++) {
			t = _mm_clmulepi64_si128(x[i], r2r1, 0x11);
			x[i] = _mm_clmulepi64_si128(x[i], r2r1, 0x00);
			x[i] = _mm_xor_si128(_mm_xor_si128(x[i], t),
					     _mm_loadu_si128((const __m128i *)(p + 16 * i)));
		}
		p += 64;
		n -= 64;
	}
	/* the four lanes into one, then the rest 16 bytes at a time */
	for (i = 1; i < 4; i++) {
		t = _mm_clmulepi64_si128(x[0], r4r3, 0x11);
		x[0] = _mm_clmulepi64_si128(x[0], r4r3, 0x00);
		x[0] = _mm_xor_si128(_mm_xor_si128(x[0], t), x[i]);
	}
	for (; n >= 16; p += 16, n -= 16) {
		t = _mm_clmulepi64_si128(x[0], r4r3, 0x11);
		x[0] = _mm_clmulepi64_si128(x[0], r4r3, 0x00);
		x[0] = _mm_xor_si128(_mm_xor_si128(x[0], t),
				     _mm_loadu_si128((const __m128i *)p));
	}
	/* 128 to 64 bits (with 32 zero bits appended), then to 32 + 32 */
	t = _mm_clmulepi64_si128(r4r3, x[0], 0x01);
	x[0] = _mm_xor_si128(_mm_srli_si128(x[0], 8), t);
	t = _mm_srli_si128(x[0], 4);
	x[0] = _mm_clmulepi64_si128(_mm_and_si128(x[0], mask32), r5, 0x00);
	x[0] = _mm_xor_si128(x[0], t);
	/* Barrett reduction, bit-reflected: 64 to 32 bits */
	t = x[0];
	x[0] = _mm_clmulepi64_si128(_mm_and_si128(x[0], mask32), ru_poly, 0x10);
	x[0] = _mm_clmulepi64_si128(_mm_and_si128(x[0], mask32), ru_poly, 0x00);
	x[0] = _mm_xor_si128(x[0], t);
	return (uint32_t)_mm_extract_epi32(x[0], 1);
}

/* The host CPU has PCLMULQDQ (and SSE4.1), and WCFB_ENGINE_CRC=table
 * does not ask for the tables: for a comparison in one run, and to run
 * the engine suite on them (`WCFB_ENGINE_CRC=table make -C tests/engine
 * check`) on a host that has the instruction. */
static bool crc_fold_usable(void)
{
	static int usable = -1;

	if (usable < 0) {
		const char *e = getenv("WCFB_ENGINE_CRC");

		__builtin_cpu_init();
		usable = __builtin_cpu_supports("pclmul") &&
			 __builtin_cpu_supports("sse4.1") &&
			 !(e && !strcmp(e, "table"));
	}
	return usable;
}
#else
static uint32_t crc_fold(uint32_t c, const uint8_t *p, size_t n)
{
	(void)p;
	(void)n;
	return c;
}

static bool crc_fold_usable(void)
{
	return false;
}
#endif

/* Running CRC (pre-inverted state) over @n bytes. */
static uint32_t crc_update(uint32_t c, const uint8_t *p, size_t n)
{
	if (n >= 64 && crc_fold_usable()) {
		size_t m = n & ~(size_t)15;

		c = crc_fold(c, p, m);
		p += m;
		n -= m;
	}
	while (n >= 8) {
		uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				   (uint32_t)p[2] << 16 |
				   (uint32_t)p[3] << 24);
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
			      (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;

		c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
		    crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^
		    crc_table[3][hi & 0xFF] ^ crc_table[2][(hi >> 8) & 0xFF] ^
		    crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
		p += 8;
		n -= 8;
	}
	while (n--)
		c = crc_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
	return c;
}

/* ---------------------------------------------------------------- */
/* COLOR: degamma, CTM, gamma                                        */
/* ---------------------------------------------------------------- */

/*
 * Per channel c of R, G, B with 8-bit input C (Documentation/
 * engine-protocol.md, COLOR):
 *   d_c = DEGAMMA ? degamma[C][c] : C * 257
 *   o_i = CTM ? clamp(floor((sum_j ctm[i*3+j] * d_j + 2^31) / 2^32),
 *                     0, 65535) : d_i
 *   g_c = GAMMA ? gamma[o_c >> 8][c] : o_c
 *   C_out = (g_c + 128) / 257         (nearest to g / 257: C * 257 -> C)
 * The sum is exact: |ctm| < 2^63 and d < 2^16, so three products fit in
 * 82 bits of an __int128.
 */
static inline uint32_t color_extract(uint32_t g)
{
	return (g + 128) / 257;
}

static inline uint32_t color_ctm(const ColorLut *c, unsigned ch,
				 uint32_t r, uint32_t g, uint32_t b)
{
	__int128 sum = c->prod[ch][0][r] + c->prod[ch][1][g] +
		       c->prod[ch][2][b] + ((__int128)1 << 31);
	/* GCC's >> of a negative signed value is arithmetic: floor */
	int64_t o = (int64_t)(sum >> 32);

	return o < 0 ? 0 : o > 65535 ? 65535 : (uint32_t)o;
}

static inline uint32_t color_final(const ColorLut *c, unsigned ch,
				   uint32_t o)
{
	return c->flags & WCFB_ENG_COLOR_GAMMA ? c->ext[ch][o >> 8] :
						 color_extract(o);
}

/* Copy the table out of guest memory once and validate the copy. */
static uint32_t color_load(const GuestRam *ram, uint64_t gpa, ColorLut *c,
			   GuestFault *f)
{
	struct wcfb_eng_color_table t;
	uint32_t err, i, k;

	if (gpa & (WCFB_ENG_COLOR_TABLE_ALIGN - 1)) {
		f->code = WCFB_ENG_ERR_SG;
		f->addr = gpa;
		return f->code;
	}
	err = guest_ram_read(ram, gpa, &t, sizeof(t), f);
	if (err)
		return err;
	c->flags = le32toh(t.flags);
	if ((c->flags & ~WCFB_ENG_COLOR_FLAGS_MASK) || t._rsvd) {
		f->code = WCFB_ENG_ERR_DESC;
		f->addr = 0;
		return f->code;
	}
	for (i = 0; i < 9; i++)
		c->ctm[i] = (int64_t)le64toh(t.ctm[i]);
	for (i = 0; i < LUT_N; i++)
		for (k = 0; k < 3; k++) {
			c->degamma[i][k] = le16toh(t.degamma[i][k]);
			c->gamma[i][k] = le16toh(t.gamma[i][k]);
		}
	return WCFB_ENG_ST_OK;
}

/* The per-value tables of the loaded table's stages. */
static void color_prepare(ColorLut *c)
{
	uint32_t ch, j, v;

	for (ch = 0; ch < 3; ch++)
		for (v = 0; v < LUT_N; v++) {
			c->deg[ch][v] = c->flags & WCFB_ENG_COLOR_DEGAMMA ?
					c->degamma[v][ch] : v * 257;
			c->ext[ch][v] = color_extract(c->gamma[v][ch]);
		}
	if (!(c->flags & WCFB_ENG_COLOR_CTM)) {
		for (ch = 0; ch < 3; ch++)
			for (v = 0; v < LUT_N; v++)
				c->map[ch][v] = color_final(c, ch,
							    c->deg[ch][v]);
		return;
	}
	for (ch = 0; ch < 3; ch++)
		for (j = 0; j < 3; j++) {
			__int128 m = c->ctm[ch * 3 + j];

			for (v = 0; v < LUT_N; v++)
				c->prod[ch][j][v] = m * c->deg[j][v];
		}
}

/* One row of canonical pixels in place; alpha passes through. */
static void color_row(const ColorLut *c, uint32_t *px, uint32_t n)
{
	uint32_t i;

	if (!(c->flags & WCFB_ENG_COLOR_CTM)) {
		for (i = 0; i < n; i++) {
			uint32_t v = px[i];

			px[i] = (v & 0xFF000000u) |
				(uint32_t)c->map[0][(v >> 16) & 0xFF] << 16 |
				(uint32_t)c->map[1][(v >> 8) & 0xFF] << 8 |
				c->map[2][v & 0xFF];
		}
		return;
	}
	for (i = 0; i < n; i++) {
		uint32_t v = px[i], r = (v >> 16) & 0xFF, g = (v >> 8) & 0xFF;
		uint32_t b = v & 0xFF;

		px[i] = (v & 0xFF000000u) |
			color_final(c, 0, color_ctm(c, 0, r, g, b)) << 16 |
			color_final(c, 1, color_ctm(c, 1, r, g, b)) << 8 |
			color_final(c, 2, color_ctm(c, 2, r, g, b));
	}
}

/* ---------------------------------------------------------------- */
/* YUV sources (1.2)                                                 */
/* ---------------------------------------------------------------- */

/* The YUV format of @d's source if @d is an op that takes one (BLEND,
 * CONVERT), else NULL: YUV anywhere else is as unknown as any fourcc. */
static const YuvFmt *yuv_src_fmt(const Desc *d)
{
	size_t i;

	if (d->opcode != WCFB_ENG_OP_BLEND && d->opcode != WCFB_ENG_OP_CONVERT)
		return NULL;
	for (i = 0; i < sizeof(yuv_fmts) / sizeof(yuv_fmts[0]); i++)
		if (yuv_fmts[i].fourcc == d->src.format)
			return &yuv_fmts[i];
	return NULL;
}

/* The op's coefficients, once per descriptor (encoding 3 was refused). */
static void yuv_setup(YuvSrc *y, const YuvFmt *m, uint32_t flags)
{
	static const int32_t coefs[3][2][WCFB_ENG_YUV_K_N] = WCFB_ENG_YUV_COEFS;
	uint32_t enc = (flags & WCFB_ENG_YUV_ENC_MASK) >> WCFB_ENG_YUV_ENC_SHIFT;
	bool full = flags & WCFB_ENG_YUV_FULL_RANGE;
	const int32_t *k = coefs[enc][full];

	y->fmt = m;
	y->cy = k[WCFB_ENG_YUV_K_CY];
	y->crv = k[WCFB_ENG_YUV_K_CRV];
	y->cgu = k[WCFB_ENG_YUV_K_CGU];
	y->cgv = k[WCFB_ENG_YUV_K_CGV];
	y->cbu = k[WCFB_ENG_YUV_K_CBU];
	y->yoff = full ? 0 : WCFB_ENG_YUV_Y_OFFSET;
	y->p[0].cached = y->p[1].cached = ~0u;
}

/* dst[u] = src[((phase + u) >> shift) * stride + off]: one component of
 * each pixel of a row, whatever the layout (the shift is the
 * subsampling, 0 or 1). */
static void yuv_expand(uint8_t *restrict dst, const uint8_t *restrict src,
		       uint32_t n, uint32_t phase, uint32_t shift,
		       uint32_t stride, uint32_t off)
{
	uint32_t u;

	src += off;
	if (shift) {
		for (u = 0; u < n; u++)
			dst[u] = src[((phase + u) >> 1) * stride];
		return;
	}
	src += (size_t)phase * stride;
	for (u = 0; u < n; u++)
		dst[u] = src[(size_t)u * stride];
}

static inline uint32_t clamp8(int32_t v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint32_t)v;
}

/*
 * Y, Cb, Cr of @n pixels -> @n little-endian ARGB8888 pixels, alpha 255
 * (Documentation/engine-protocol.md, YUV; the header's coefficient
 * table).  |V| < 2^26, so 32 bits are exact; GCC's >> of a negative
 * value is arithmetic, the floor the protocol asks for.
 */
SIMD_CLONES
static void yuv_convert(const YuvSrc *k, const uint8_t *restrict py,
			const uint8_t *restrict pcb,
			const uint8_t *restrict pcr, uint32_t n,
			uint8_t *restrict out)
{
	const int32_t cy = k->cy, yoff = k->yoff, crv = k->crv;
	const int32_t cgu = k->cgu, cgv = k->cgv, cbu = k->cbu;
	uint32_t u;

	for (u = 0; u < n; u++) {
		int32_t y = cy * ((int32_t)py[u] - yoff) + WCFB_ENG_YUV_ROUND;
		int32_t cb = (int32_t)pcb[u] - WCFB_ENG_YUV_C_OFFSET;
		int32_t cr = (int32_t)pcr[u] - WCFB_ENG_YUV_C_OFFSET;

		st32(out + 4 * (size_t)u, 0xFF000000u |
		     clamp8((y + crv * cr) >> 16) << 16 |
		     clamp8((y - cgu * cb - cgv * cr) >> 16) << 8 |
		     clamp8((y + cbu * cb) >> 16));
	}
}

/* ---------------------------------------------------------------- */
/* Validation                                                        */
/* ---------------------------------------------------------------- */

static uint32_t efault(GuestFault *f, uint32_t code, uint64_t addr)
{
	f->code = code;
	f->addr = addr;
	return code;
}

/* Byte offset of the rect's first pixel, after proving that every row
 * [off(y+r), off(y+r) + w*cpp) lies inside the extent.  64-bit math with
 * explicit overflow checks: all inputs are guest-controlled u32s. */
static uint32_t check_rect(const Surface *s, const GuestBuf *b, uint32_t cpp,
			   uint32_t w, uint32_t h, GuestFault *f)
{
	uint64_t row_end = ((uint64_t)s->x + w) * cpp;  /* < 2^35 */
	uint64_t last_row, end;

	if (w == 0 || h == 0)
		return WCFB_ENG_ST_OK;
	if (row_end > s->pitch)
		return efault(f, WCFB_ENG_ERR_RECT, s->sg_addr);
	if (__builtin_mul_overflow((uint64_t)s->y + h - 1, (uint64_t)s->pitch,
				   &last_row) ||
	    __builtin_add_overflow(last_row, row_end, &end))
		return efault(f, WCFB_ENG_ERR_RECT, s->sg_addr);
	if (end > b->extent)
		return efault(f, WCFB_ENG_ERR_EXTENT, end);
	return WCFB_ENG_ST_OK;
}

static uint32_t load_surface(const GuestRam *ram, const Surface *s,
			     uint32_t cpp, uint32_t w, uint32_t h,
			     GuestBuf *b, GuestFault *f)
{
	uint32_t err;

	err = guest_buf_load(ram, s->sg_addr, s->sg_count, WCFB_ENG_MAX_SG, b,
			     f);
	if (err)
		return err;
	return check_rect(s, b, cpp, w, h, f);
}

/*
 * A packed YUV source is read in whole pixel pairs, so its rect is
 * checked as the pairs it touches: from column x & ~1 to the end of the
 * pair of its last column, at 2 bytes per column.
 */
static uint32_t load_packed(const GuestRam *ram, const Surface *s,
			    uint32_t w, uint32_t h, GuestBuf *b,
			    GuestFault *f)
{
	Surface p = *s;
	uint32_t err;

	p.x = s->x & ~1u;
	w = w ? (uint32_t)((((uint64_t)s->x + w + 1) & ~1ull) - p.x) : 0;
	err = guest_buf_load(ram, s->sg_addr, s->sg_count, WCFB_ENG_MAX_SG, b,
			     f);
	if (err)
		return err;
	return check_rect(&p, b, 2, w, h, f);
}

/*
 * The planes table of a 2- or 3-plane source (@sw x @sh its rect): fetch
 * it once, check every field of the copy, then each chroma plane like a
 * surface of the samples the rect covers.
 */
static uint32_t yuv_load_planes(const GuestRam *ram, OpScratch *sc,
				const Desc *d, const YuvFmt *m, uint32_t sw,
				uint32_t sh, GuestFault *f)
{
	static const struct wcfb_eng_plane zero;
	struct wcfb_eng_planes t;
	uint32_t nch = m->nplanes - 1u, bps = m->nplanes == 2 ? 2 : 1;
	uint32_t err, i;

	if (d->table & (WCFB_ENG_PLANES_ALIGN - 1))
		return efault(f, WCFB_ENG_ERR_DESC, 0);
	err = guest_ram_read(ram, d->table, &t, sizeof(t), f);
	if (err)
		return err;
	for (i = 0; i < 2; i++) {
		const struct wcfb_eng_plane *r = &t.plane[i];
		YuvPlane *p = &sc->yuv->p[i];
		uint32_t phase = le32toh(r->phase);

		if (i >= nch) {
			if (memcmp(r, &zero, sizeof(zero)))
				return efault(f, WCFB_ENG_ERR_DESC, 0);
			continue;
		}
		p->s.sg_addr = le64toh(r->sg_addr);
		p->s.sg_count = le32toh(r->sg_count);
		p->s.pitch = le32toh(r->pitch);
		p->s.format = le32toh(r->format);
		p->s.x = le32toh(r->x);
		p->s.y = le32toh(r->y);
		p->s.rsvd = 0;
		p->px = phase & WCFB_ENG_PLANE_PHASE_X_MASK;
		p->py = (phase & WCFB_ENG_PLANE_PHASE_Y_MASK) >>
			WCFB_ENG_PLANE_PHASE_Y_SHIFT;
		if (p->s.format ||
		    (phase & ~(WCFB_ENG_PLANE_PHASE_X_MASK |
			       WCFB_ENG_PLANE_PHASE_Y_MASK)) ||
		    p->px >= m->hsub || p->py >= m->vsub)
			return efault(f, WCFB_ENG_ERR_DESC, 0);
		p->cols = sw ? (p->px + sw - 1) / m->hsub + 1 : 0;
		p->rows = sh ? (p->py + sh - 1) / m->vsub + 1 : 0;
	}
	for (i = 0; i < nch; i++) {
		YuvPlane *p = &sc->yuv->p[i];

		err = load_surface(ram, &p->s, bps, p->cols, p->rows,
				   &sc->chroma[i], f);
		if (err)
			return err;
	}
	return WCFB_ENG_ST_OK;
}

/* The flag bits each opcode takes (1.1); all others must be zero. */
static uint32_t allowed_flags(uint32_t opcode)
{
	switch (opcode) {
	case WCFB_ENG_OP_BLEND:
		return WCFB_ENG_BLEND_MODE_MASK | WCFB_ENG_BLEND_PLANE_ALPHA |
		       WCFB_ENG_XFORM_MASK | WCFB_ENG_XFORM_SCALE;
	case WCFB_ENG_OP_CONVERT:
		return WCFB_ENG_XFORM_MASK | WCFB_ENG_XFORM_SCALE;
	case WCFB_ENG_OP_CRC:
		return WCFB_ENG_CRC_ROWS;
	default:
		return 0;
	}
}

/* The source rectangle's size: the destination's, transposed by
 * XFORM_TRANSPOSE; XFORM_SCALE's own (1.3). */
static void src_size(const Desc *d, uint32_t *sw, uint32_t *sh)
{
	bool t = d->flags & WCFB_ENG_XFORM_TRANSPOSE;

	if (d->flags & WCFB_ENG_XFORM_SCALE) {
		*sw = d->scale[0];
		*sh = d->scale[1];
		return;
	}
	*sw = t ? d->height : d->width;
	*sh = t ? d->width : d->height;
}

/* XFORM_SCALE's map (1.3): u0, v0, du, dv as signed 16.16. */
static inline int64_t scale_word(const Desc *d, unsigned int k)
{
	return (int32_t)d->scale[k];
}

/* Does @p0 + a * @step stay in [0, @n << 16) for a in [0, @count)? */
static bool scale_axis_ok(int64_t p0, int64_t step, uint32_t count,
			  uint32_t n)
{
	int64_t last = p0 + (int64_t)(count ? count - 1 : 0) * step;
	int64_t lim = (int64_t)n << 16;

	return p0 >= 0 && p0 < lim && last >= 0 && last < lim;
}

/* XFORM_SCALE: the flags it excludes, the source size, every sample in
 * the source rect (the map is linear: its ends are its extremes). */
static bool scale_ok(const Desc *d)
{
	bool t = d->flags & WCFB_ENG_XFORM_TRANSPOSE;
	uint32_t sw = d->scale[0], sh = d->scale[1];

	if (d->flags & (WCFB_ENG_XFORM_REFLECT_X | WCFB_ENG_XFORM_REFLECT_Y))
		return false;
	if (!sw || !sh || sw > WCFB_ENG_MAX_DIM || sh > WCFB_ENG_MAX_DIM)
		return false;
	if (!d->width || !d->height)
		return true;
	return scale_axis_ok(scale_word(d, 2), scale_word(d, 4),
			     t ? d->height : d->width, sw) &&
	       scale_axis_ok(scale_word(d, 3), scale_word(d, 5),
			     t ? d->width : d->height, sh);
}

static uint32_t validate(const GuestRam *ram, OpScratch *sc, const Desc *d,
			 bool *uses_src, GuestFault *f)
{
	const YuvFmt *ym = yuv_src_fmt(d);
	uint32_t dcpp, scpp = 0, err, sw, sh, allowed;
	bool crc = d->opcode == WCFB_ENG_OP_CRC;
	/* words 0x60..0x67: COLOR's table, a planar source's planes, a CRC's
	 * rows */
	bool table = d->opcode == WCFB_ENG_OP_COLOR || (ym && ym->nplanes > 1) ||
		     (crc && (d->flags & WCFB_ENG_CRC_ROWS));

	*uses_src = false;
	switch (d->opcode) {
	case WCFB_ENG_OP_NOP:
	case WCFB_ENG_OP_FILL:
		break;
	case WCFB_ENG_OP_COPY:
	case WCFB_ENG_OP_BLEND:
	case WCFB_ENG_OP_CONVERT:
	case WCFB_ENG_OP_CRC:
	case WCFB_ENG_OP_COLOR:
		*uses_src = true;
		break;
	default:
		return efault(f, WCFB_ENG_ERR_OPCODE, 0);
	}
	/* reserved bits must be zero so later versions can give them meaning;
	 * the YUV bits only mean something with a YUV source */
	allowed = allowed_flags(d->opcode) | (ym ? WCFB_ENG_YUV_FLAGS_MASK : 0);
	if ((d->flags & ~allowed) || d->rsvd_any || (!table && d->table) ||
	    (ym && (d->flags & WCFB_ENG_YUV_ENC_MASK) ==
		   WCFB_ENG_YUV_ENC(3u)) ||
	    (d->opcode != WCFB_ENG_OP_NOP && d->dst.rsvd) ||
	    (*uses_src && d->src.rsvd))
		return efault(f, WCFB_ENG_ERR_DESC, 0);
	/* BLEND: mode 3 is reserved; fill carries the plane alpha in
	 * [7:0] with PLANE_ALPHA and is otherwise reserved */
	if (d->opcode == WCFB_ENG_OP_BLEND &&
	    ((d->flags & WCFB_ENG_BLEND_MODE_MASK) > WCFB_ENG_BLEND_NONE ||
	     d->fill > (d->flags & WCFB_ENG_BLEND_PLANE_ALPHA ? 0xFFu : 0)))
		return efault(f, WCFB_ENG_ERR_DESC, 0);
	if ((crc || d->opcode == WCFB_ENG_OP_COLOR) && d->fill)
		return efault(f, WCFB_ENG_ERR_DESC, 0);
	if (d->opcode == WCFB_ENG_OP_NOP)
		return WCFB_ENG_ST_OK;

	dcpp = fmt_cpp(d->dst.format);
	if (!dcpp || (crc && d->dst.format != WCFB_ENG_FMT_ARGB8888 &&
		      d->dst.format != WCFB_ENG_FMT_XRGB8888))
		return efault(f, WCFB_ENG_ERR_FORMAT, 0);
	if (*uses_src) {
		/* a YUV source's desc.src is plane 0: Y, or the packed pairs */
		scpp = ym ? (ym->nplanes == 1 ? 2 : 1) : fmt_cpp(d->src.format);
		if (!scpp ||
		    (d->opcode == WCFB_ENG_OP_COPY &&
		     d->src.format != d->dst.format))
			return efault(f, WCFB_ENG_ERR_FORMAT, 0);
	}
	if (d->width > WCFB_ENG_MAX_DIM || d->height > WCFB_ENG_MAX_DIM)
		return efault(f, WCFB_ENG_ERR_RECT, 0);
	if ((d->flags & WCFB_ENG_XFORM_SCALE) && !scale_ok(d))
		return efault(f, WCFB_ENG_ERR_RECT, 0);
	if (crc && (d->flags & WCFB_ENG_CRC_ROWS)) {
		if ((uint64_t)d->scale[WCFB_ENG_CRC_FIRST - 2] +
		    d->scale[WCFB_ENG_CRC_COUNT - 2] > d->height)
			return efault(f, WCFB_ENG_ERR_RECT, 0);
		if (d->table & 3)
			return efault(f, WCFB_ENG_ERR_SG, d->table);
		err = guest_ram_check(ram, d->table, 4ull * d->height, f);
		if (err)
			return err;
	}

	/* CRC writes one 32-bit word at the destination's origin. */
	err = load_surface(ram, &d->dst, dcpp, crc ? 1 : d->width,
			   crc ? 1 : d->height, &sc->dst, f);
	if (err)
		return err;
	src_size(d, &sw, &sh);
	if (ym && ym->nplanes == 1)
		err = load_packed(ram, &d->src, sw, sh, &sc->src, f);
	else if (*uses_src)
		err = load_surface(ram, &d->src, scpp, sw, sh, &sc->src, f);
	if (!err && ym && ym->nplanes > 1)
		err = yuv_load_planes(ram, sc, d, ym, sw, sh, f);
	if (!err && ym)
		yuv_setup(sc->yuv, ym, d->flags);
	if (!err && d->opcode == WCFB_ENG_OP_COLOR)
		err = color_load(ram, d->table, sc->color, f);
	return err;
}

/* ---------------------------------------------------------------- */
/* Execution                                                         */
/* ---------------------------------------------------------------- */

static uint64_t row_off(const Surface *s, uint32_t cpp, uint32_t r)
{
	/* proven not to overflow by check_rect() */
	return ((uint64_t)s->y + r) * s->pitch + (uint64_t)s->x * cpp;
}

/*
 * Row @v of a YUV source rect (@sw pixels) as little-endian ARGB8888 at
 * @out: plane 0's row, the chroma rows it samples (each read once per
 * run of rows sharing it), split into Y, Cb, Cr per pixel, converted.
 */
static uint32_t yuv_src_row(const GuestRam *ram, OpScratch *sc,
			    const Desc *d, uint32_t sw, uint32_t v,
			    uint8_t *out, GuestFault *f, OpResult *res)
{
	YuvSrc *y = sc->yuv;
	const YuvFmt *m = y->fmt;
	uint32_t hs = m->hsub >> 1, vs = m->vsub >> 1, i, err;
	uint32_t ph = d->src.x & 1;
	const uint8_t *ey = y->yrow;
	size_t n;

	if (m->nplanes == 1) {
		/* the pairs from the one holding column src.x on */
		n = (size_t)(ph + sw + 1) / 2 * 4;
		err = guest_buf_read(ram, &sc->src,
				     ((uint64_t)d->src.y + v) * d->src.pitch +
				     (uint64_t)(d->src.x & ~1u) * 2, y->yrow,
				     n, f);
		if (err)
			return err;
		res->bytes_read += n;
		yuv_expand(y->ey, y->yrow, sw, ph, 0, 2, m->y);
		yuv_expand(y->ecb, y->yrow, sw, ph, 1, 4, m->cb);
		yuv_expand(y->ecr, y->yrow, sw, ph, 1, 4, m->cr);
		yuv_convert(y, y->ey, y->ecb, y->ecr, sw, out);
		return WCFB_ENG_ST_OK;
	}
	err = guest_buf_read(ram, &sc->src, row_off(&d->src, 1, v), y->yrow,
			     sw, f);
	if (err)
		return err;
	res->bytes_read += sw;
	for (i = 0; i + 1 < m->nplanes; i++) {
		YuvPlane *p = &y->p[i];
		uint32_t bps = m->nplanes == 2 ? 2 : 1;
		uint32_t row = (p->py + v) >> vs;

		if (row == p->cached)
			continue;
		n = (size_t)p->cols * bps;
		err = guest_buf_read(ram, &sc->chroma[i],
				     row_off(&p->s, bps, row), p->row, n, f);
		if (err)
			return err;
		res->bytes_read += n;
		p->cached = row;
	}
	if (m->nplanes == 2) {
		yuv_expand(y->ecb, y->p[0].row, sw, y->p[0].px, hs, 2, m->cb);
		yuv_expand(y->ecr, y->p[0].row, sw, y->p[0].px, hs, 2, m->cr);
	} else {
		const YuvPlane *pb = &y->p[m->cb], *pr = &y->p[m->cr];

		yuv_expand(y->ecb, pb->row, sw, pb->px, hs, 1, 0);
		yuv_expand(y->ecr, pr->row, sw, pr->px, hs, 1, 0);
	}
	yuv_convert(y, ey, y->ecb, y->ecr, sw, out);
	return WCFB_ENG_ST_OK;
}

/* Does any plane of the source share memory with the destination? */
static bool src_overlaps_dst(OpScratch *sc, const YuvFmt *ym)
{
	uint32_t i;

	if (guest_buf_overlap(&sc->src, &sc->dst))
		return true;
	for (i = 0; ym && i + 1 < ym->nplanes; i++)
		if (guest_buf_overlap(&sc->chroma[i], &sc->dst))
			return true;
	return false;
}

/*
 * @n pixels of B, G, R, A bytes as R, G, B bytes.  @d has room for 4 * @n
 * bytes: the vector loop stores 16 bytes for every 12 it keeps.
 */
static void rgb_from_bgra_scalar(const uint8_t *s, uint8_t *d, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		d[3 * i] = s[4 * i + 2];
		d[3 * i + 1] = s[4 * i + 1];
		d[3 * i + 2] = s[4 * i];
	}
}

#if defined(__x86_64__)
__attribute__((target("ssse3")))
static void rgb_from_bgra_ssse3(const uint8_t *s, uint8_t *d, uint32_t n)
{
	const __m128i pick = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8,
					   14, 13, 12, -1, -1, -1, -1);
	uint32_t i;

	for (i = 0; i + 4 <= n; i += 4)
		_mm_storeu_si128((__m128i *)(d + 3 * i),
				 _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 4 * i)),
						  pick));
	rgb_from_bgra_scalar(s + 4 * i, d + 3 * i, n - i);
}

static void rgb_from_bgra(const uint8_t *s, uint8_t *d, uint32_t n)
{
	static int ssse3 = -1;

	if (ssse3 < 0) {
		__builtin_cpu_init();
		ssse3 = __builtin_cpu_supports("ssse3");
	}
	if (ssse3)
		rgb_from_bgra_ssse3(s, d, n);
	else
		rgb_from_bgra_scalar(s, d, n);
}
#else
static void rgb_from_bgra(const uint8_t *s, uint8_t *d, uint32_t n)
{
	rgb_from_bgra_scalar(s, d, n);
}
#endif

/*
 * CRC_ROWS (1.4) joins rows' CRCs: the CRC register is linear over GF(2),
 * so the register over rows A then B, started from r, is
 * r * x^(8|AB|) + reg0(A) * x^(8|B|) + reg0(B) mod P, where reg0 is the
 * register started from 0.  multmodp() and x2nmodp() are zlib's (1.2.12,
 * crc32.c): products modulo P in the reflected bit order of the register.
 */
static uint32_t x2n_table[32];

static uint32_t multmodp(uint32_t a, uint32_t b)
{
	uint32_t m = 1u << 31, p = 0;

	for (;;) {
		if (a & m) {
			p ^= b;
			if ((a & (m - 1)) == 0)
				break;
		}
		m >>= 1;
		b = b & 1 ? (b >> 1) ^ 0xEDB88320u : b >> 1;
	}
	return p;
}

/* x^(n * 2^k) mod P */
static uint32_t x2nmodp(uint64_t n, unsigned k)
{
	uint32_t p = 1u << 31;  /* x^0 */

	if (!x2n_table[0]) {
		unsigned i;

		x2n_table[0] = 1u << 30;  /* x^1 */
		for (i = 1; i < 32; i++)
			x2n_table[i] = multmodp(x2n_table[i - 1],
						x2n_table[i - 1]);
	}
	while (n) {
		if (n & 1)
			p = multmodp(x2n_table[k & 31], p);
		n >>= 1;
		k++;
	}
	return p;
}

/* The rows table of a CRC_ROWS op, little-endian words, as host u32. */
static uint32_t crc_rows_load(const GuestRam *ram, const Desc *d,
			      uint32_t *rows, GuestFault *f)
{
	uint32_t err, i;

	err = guest_ram_read(ram, d->table, rows, 4ull * d->height, f);
	for (i = 0; !err && i < d->height; i++)
		rows[i] = le32toh(rows[i]);
	return err;
}

/* CRC of the source rect's R, G, B bytes, written at dst's origin. */
static uint32_t exec_crc(const GuestRam *ram, OpScratch *sc, const Desc *d,
			 GuestFault *f, OpResult *res)
{
	uint32_t scpp = fmt_cpp(d->src.format), w = d->width, r, i, err;
	bool by_rows = d->flags & WCFB_ENG_CRC_ROWS;
	uint32_t first = d->scale[WCFB_ENG_CRC_FIRST - 2];
	uint32_t end = first + d->scale[WCFB_ENG_CRC_COUNT - 2];
	uint32_t c = 0xFFFFFFFFu, *rows = NULL, xrow = 0;
	uint8_t out[4];

	crc_init_table();
	if (by_rows && w && d->height) {
		rows = malloc(4ull * d->height);
		if (!rows)
			return efault(f, WCFB_ENG_ERR_NOMEM, 0);
		err = crc_rows_load(ram, d, rows, f);
		if (err)
			goto out;
		res->bytes_read += 4ull * d->height;
		/* x^(8 * bytes per row): the shift over one row */
		xrow = x2nmodp((uint64_t)w * 3, 3);
		/* from here c is reg0 of the rows so far (Horner's rule) */
		c = 0;
	}
	for (r = 0; w && r < d->height; r++) {
		if (by_rows && (r < first || r >= end)) {
			c = multmodp(xrow, c) ^ rows[r];
			continue;
		}
		err = guest_buf_read(ram, &sc->src, row_off(&d->src, scpp, r),
				     sc->row_s, (size_t)w * scpp, f);
		if (err)
			goto out;
		res->bytes_read += (size_t)w * scpp;
		/* canonical R, G, B bytes: what a capture's RGB row holds */
		if (d->src.format == WCFB_ENG_FMT_XRGB8888 ||
		    d->src.format == WCFB_ENG_FMT_ARGB8888) {
			/* B, G, R, A in memory: the composer's own format,
			 * every composed frame's, straight to R, G, B */
			rgb_from_bgra(sc->row_s, sc->row_d, w);
		} else {
			unpack_row(d->src.format, sc->row_s, w, sc->argb_s);
			for (i = 0; i < w; i++) {
				uint32_t px = sc->argb_s[i];

				sc->row_d[3 * i] = (px >> 16) & 0xFF;
				sc->row_d[3 * i + 1] = (px >> 8) & 0xFF;
				sc->row_d[3 * i + 2] = px & 0xFF;
			}
		}
		if (by_rows) {
			rows[r] = crc_update(0, sc->row_d, (size_t)w * 3);
			c = multmodp(xrow, c) ^ rows[r];
			continue;
		}
		c = crc_update(c, sc->row_d, (size_t)w * 3);
	}
	/* the register from ~0 over the whole rect: ~0's shift, plus reg0 */
	if (rows)
		c ^= multmodp(x2nmodp((uint64_t)w * 3 * d->height, 3),
			      0xFFFFFFFFu);
	if (rows && end > first) {
		for (i = first; i < end; i++)
			rows[i] = htole32(rows[i]);
		err = guest_ram_write(ram, d->table + 4ull * first, rows + first,
				      4ull * (end - first), f);
		if (err)
			goto out;
		res->bytes_written += 4ull * (end - first);
	}
	c = ~c;
	out[0] = c & 0xFF;
	out[1] = (c >> 8) & 0xFF;
	out[2] = (c >> 16) & 0xFF;
	out[3] = c >> 24;
	err = guest_buf_write(ram, &sc->dst, row_off(&d->dst, 4, 0), out, 4, f);
	if (!err)
		res->bytes_written += 4;
out:
	free(rows);
	return err;
}

/* Gather destination row @r of a transformed op from the bounced source
 * rect (sw pixels per line): (u, v) = TRANSPOSE ? (j, i) : (i, j), then
 * mirrored by REFLECT_X / REFLECT_Y.  Walks the source with a constant
 * byte step, so a rotated full-screen plane costs one load per pixel. */
static void gather_row(const Desc *d, const uint8_t *bounce, uint32_t cpp,
		       uint32_t r, uint8_t *row)
{
	uint32_t sw, sh, u, v, i, w = d->width;
	bool t = d->flags & WCFB_ENG_XFORM_TRANSPOSE;
	ptrdiff_t step, su, sv, off;
	size_t srow;

	src_size(d, &sw, &sh);
	srow = (size_t)sw * cpp;
	if (d->flags & WCFB_ENG_XFORM_SCALE) {
		/* 1.3: (a, b) = TRANSPOSE ? (j, i) : (i, j), U = u0 + a du,
		 * V = v0 + b dv; validate() proved every sample inside. */
		int64_t du = scale_word(d, 4), dv = scale_word(d, 5);
		int64_t pu = scale_word(d, 2), pv = scale_word(d, 3);
		const uint8_t *line;

		if (t) {
			pu += (int64_t)r * du;
			line = bounce;
		} else {
			pv += (int64_t)r * dv;
			line = bounce + (size_t)(pv >> 16) * srow;
		}
		for (i = 0; i < w; i++) {
			const uint8_t *px;

			if (t)
				px = line + (size_t)((pv + (int64_t)i * dv) >> 16) *
					    srow + (size_t)(pu >> 16) * cpp;
			else
				px = line + (size_t)((pu + (int64_t)i * du) >> 16) *
					    cpp;
			memcpy(row + (size_t)i * cpp, px, cpp);
		}
		return;
	}
	/* source of pixel 0 of this row, and the step along the row */
	u = t ? r : 0;
	v = t ? 0 : r;
	su = (ptrdiff_t)cpp;
	sv = (ptrdiff_t)srow;
	if (d->flags & WCFB_ENG_XFORM_REFLECT_X) {
		u = sw - 1 - u;
		su = -su;
	}
	if (d->flags & WCFB_ENG_XFORM_REFLECT_Y) {
		v = sh - 1 - v;
		sv = -sv;
	}
	step = t ? sv : su;
	off = (ptrdiff_t)((size_t)v * srow + (size_t)u * cpp);
	if (cpp == 4) {
		for (i = 0; i < w; i++, off += step)
			memcpy(row + 4 * (size_t)i, bounce + off, 4);
		return;
	}
	for (i = 0; i < w; i++, off += step)
		memcpy(row + (size_t)i * cpp, bounce + off, cpp);
}

uint32_t ops_execute(const GuestRam *ram, OpScratch *sc, const Desc *d,
		     GuestFault *f, OpResult *res)
{
	uint32_t dcpp, scpp, w = d->width, h = d->height, r, err, sw, sh;
	uint32_t mode, pa, sfmt;
	size_t drow, srow;
	const uint8_t *src_row;
	bool uses_src, bounce = false, gather;
	const YuvFmt *ym;

	res->bytes_read = res->bytes_written = 0;
	f->code = WCFB_ENG_ST_OK;
	f->addr = 0;
	err = validate(ram, sc, d, &uses_src, f);
	/* CRC always writes its result: of no pixels, crc32("") = 0 */
	if (!err && d->opcode == WCFB_ENG_OP_CRC)
		return exec_crc(ram, sc, d, f, res);
	if (err || d->opcode == WCFB_ENG_OP_NOP || w == 0 || h == 0)
		return err;

	/* a YUV source becomes rows of opaque ARGB8888 as it is read; from
	 * there on the op is the one of an ARGB8888 source */
	ym = yuv_src_fmt(d);
	sfmt = ym ? WCFB_ENG_FMT_ARGB8888 : d->src.format;
	dcpp = fmt_cpp(d->dst.format);
	scpp = uses_src ? fmt_cpp(sfmt) : 0;
	src_size(d, &sw, &sh);
	drow = (size_t)w * dcpp;
	srow = (size_t)sw * scpp;
	gather = d->flags & (WCFB_ENG_XFORM_MASK | WCFB_ENG_XFORM_SCALE);
	mode = d->flags & WCFB_ENG_BLEND_MODE_MASK;
	pa = d->flags & WCFB_ENG_BLEND_PLANE_ALPHA ? d->fill & 0xFF : 255;

	/*
	 * Defined result when src and dst share guest memory (overlapping
	 * blits, scrolling): as if the whole source rect were read before any
	 * destination byte is written.  Only pay for the bounce copy when the
	 * two SG lists actually intersect, or when a transform reads the
	 * source out of line order.
	 */
	if (uses_src && (gather || src_overlaps_dst(sc, ym))) {
		size_t need = srow * sh;

		if (need > OPS_BOUNCE_MAX)
			return efault(f, WCFB_ENG_ERR_NOMEM, d->src.sg_addr);
		if (need > sc->bounce_cap) {
			uint8_t *nb = realloc(sc->bounce, need);

			if (!nb)
				return efault(f, WCFB_ENG_ERR_NOMEM,
					      d->src.sg_addr);
			sc->bounce = nb;
			sc->bounce_cap = need;
		}
		for (r = 0; r < sh; r++) {
			err = ym ? yuv_src_row(ram, sc, d, sw, r,
					       sc->bounce + r * srow, f, res) :
				   guest_buf_read(ram, &sc->src,
						  row_off(&d->src, scpp, r),
						  sc->bounce + r * srow, srow,
						  f);
			if (err)
				return err;
		}
		if (!ym)
			res->bytes_read += srow * sh;
		bounce = true;
	}

	if (d->opcode == WCFB_ENG_OP_COLOR)
		color_prepare(sc->color);
	if (d->opcode == WCFB_ENG_OP_FILL) {
		uint32_t v = htole32(d->fill);

		for (r = 0; r < w; r++)
			memcpy(sc->row_d + (size_t)r * dcpp, &v, dcpp);
	}

	for (r = 0; r < h; r++) {
		uint64_t doff = row_off(&d->dst, dcpp, r);
		const uint8_t *out = sc->row_d;

		src_row = NULL;
		if (uses_src) {
			if (gather) {
				gather_row(d, sc->bounce, scpp, r, sc->row_s);
				src_row = sc->row_s;
			} else if (bounce) {
				src_row = sc->bounce + r * srow;
			} else if (ym) {
				err = yuv_src_row(ram, sc, d, sw, r, sc->row_s,
						  f, res);
				if (err)
					return err;
				src_row = sc->row_s;
			} else {
				err = guest_buf_read(ram, &sc->src,
						     row_off(&d->src, scpp, r),
						     sc->row_s, srow, f);
				if (err)
					return err;
				res->bytes_read += srow;
				src_row = sc->row_s;
			}
		}

		switch (d->opcode) {
		case WCFB_ENG_OP_FILL:
			break;
		case WCFB_ENG_OP_COPY:
			out = src_row;  /* byte-exact: no staging copy */
			break;
		case WCFB_ENG_OP_CONVERT:
			/* converted YUV rows are ARGB8888 with A = 0xFF,
			 * already the bytes of an ARGB8888 or XRGB8888 row */
			if (ym && raw_argb(d->dst.format)) {
				out = src_row;
				break;
			}
			unpack_row(sfmt, src_row, w, sc->argb_s);
			pack_row(d->dst.format, sc->argb_s, w, sc->row_d);
			break;
		case WCFB_ENG_OP_COLOR:
			unpack_row(d->src.format, src_row, w, sc->argb_s);
			color_row(sc->color, sc->argb_s, w);
			pack_row(d->dst.format, sc->argb_s, w, sc->row_d);
			break;
		case WCFB_ENG_OP_BLEND:
			err = guest_buf_read(ram, &sc->dst, doff, sc->row_d,
					     drow, f);
			if (err)
				return err;
			res->bytes_read += drow;
			if (raw_argb(sfmt) && raw_argb(d->dst.format)) {
				blend_row((const uint32_t *)(const void *)src_row,
					  x_or(sfmt),
					  (uint32_t *)(void *)sc->row_d,
					  x_or(d->dst.format), w, mode, pa);
				break;
			}
			unpack_row(sfmt, src_row, w, sc->argb_s);
			unpack_row(d->dst.format, sc->row_d, w, sc->argb_d);
			blend_row(sc->argb_s, 0, sc->argb_d, 0, w, mode, pa);
			pack_row(d->dst.format, sc->argb_d, w, sc->row_d);
			break;
		}
		err = guest_buf_write(ram, &sc->dst, doff, out, drow, f);
		if (err)
			return err;
		res->bytes_written += drow;
	}
	return WCFB_ENG_ST_OK;
}

/*
 * Fault injection (corrupt-next): the centre pixel of a descriptor that
 * wrote pixels gets its lowest byte flipped in its lowest bit, after the
 * op, and the descriptor still completes OK: the silent corruption a
 * screenshot test must catch.
 */
void ops_corrupt_centre(const GuestRam *ram, OpScratch *sc, const Desc *d)
{
	uint32_t cpp = fmt_cpp(d->dst.format);
	GuestFault f = { 0, 0 };
	uint64_t off;
	uint8_t b;

	if (!cpp || !d->width || !d->height)
		return;
	off = ((uint64_t)d->dst.y + d->height / 2) * d->dst.pitch +
	      ((uint64_t)d->dst.x + d->width / 2) * cpp;
	if (guest_buf_read(ram, &sc->dst, off, &b, 1, &f))
		return;
	b ^= 1;
	guest_buf_write(ram, &sc->dst, off, &b, 1, &f);
}
