/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wcfb engine operations: NOP, FILL, COPY, BLEND, CONVERT.
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
#include <stdlib.h>
#include <string.h>

#define ROW_MAX_BYTES ((size_t)WCFB_ENG_MAX_DIM * 4)

int ops_scratch_init(OpScratch *s)
{
	memset(s, 0, sizeof(*s));
	s->row_s = malloc(ROW_MAX_BYTES);
	s->row_d = malloc(ROW_MAX_BYTES);
	s->argb_s = malloc(WCFB_ENG_MAX_DIM * sizeof(uint32_t));
	s->argb_d = malloc(WCFB_ENG_MAX_DIM * sizeof(uint32_t));
	if (!s->row_s || !s->row_d || !s->argb_s || !s->argb_d) {
		ops_scratch_free(s);
		return -1;
	}
	return 0;
}

void ops_scratch_free(OpScratch *s)
{
	guest_buf_free(&s->dst);
	guest_buf_free(&s->src);
	free(s->row_s);
	free(s->row_d);
	free(s->argb_s);
	free(s->argb_d);
	free(s->bounce);
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
	d->rsvd_any = 0;
	for (i = 0; i < 8; i++)
		d->rsvd_any |= raw->_rsvd[i];
}

uint32_t fmt_cpp(uint32_t fourcc)
{
	switch (fourcc) {
	case WCFB_ENG_FMT_XRGB8888:
	case WCFB_ENG_FMT_ARGB8888:
		return 4;
	case WCFB_ENG_FMT_RGB888:
		return 3;
	case WCFB_ENG_FMT_RGB565:
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
		[WCFB_ENG_OP_CONVERT] = "convert",
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

static void unpack_row(uint32_t fmt, const uint8_t *p, uint32_t n,
		       uint32_t *out)
{
	uint32_t i, v;

	for (i = 0; i < n; i++) {
		switch (fmt) {
		case WCFB_ENG_FMT_ARGB8888:
			memcpy(&v, p + 4 * i, 4);
			out[i] = le32toh(v);
			break;
		case WCFB_ENG_FMT_XRGB8888:
			memcpy(&v, p + 4 * i, 4);
			out[i] = le32toh(v) | 0xFF000000u;   /* X is not alpha */
			break;
		case WCFB_ENG_FMT_RGB888:
			out[i] = 0xFF000000u | (uint32_t)p[3 * i] |
				 (uint32_t)p[3 * i + 1] << 8 |
				 (uint32_t)p[3 * i + 2] << 16;
			break;
		default: /* RGB565, the only other format validated */
			v = (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
			out[i] = 0xFF000000u | exp5(v >> 11) << 16 |
				 exp6((v >> 5) & 0x3F) << 8 | exp5(v & 0x1F);
			break;
		}
	}
}

static void pack_row(uint32_t fmt, const uint32_t *in, uint32_t n,
		     uint8_t *p)
{
	uint32_t i, v;

	for (i = 0; i < n; i++) {
		uint32_t c = in[i];

		switch (fmt) {
		case WCFB_ENG_FMT_ARGB8888:
			v = htole32(c);
			memcpy(p + 4 * i, &v, 4);
			break;
		case WCFB_ENG_FMT_XRGB8888:
			v = htole32(c | 0xFF000000u);  /* defined X = 0xFF */
			memcpy(p + 4 * i, &v, 4);
			break;
		case WCFB_ENG_FMT_RGB888:
			p[3 * i] = c & 0xFF;
			p[3 * i + 1] = (c >> 8) & 0xFF;
			p[3 * i + 2] = (c >> 16) & 0xFF;
			break;
		default: /* RGB565 */
			v = ((c >> 19) & 0x1F) << 11 | ((c >> 10) & 0x3F) << 5 |
			    ((c >> 3) & 0x1F);
			p[2 * i] = v & 0xFF;
			p[2 * i + 1] = v >> 8;
			break;
		}
	}
}

/* Source-over, straight (non-premultiplied) alpha, rounded:
 *   C = (Cs*As + Cd*(255-As) + 127) / 255          per colour channel
 *   A = As + (Ad*(255-As) + 127) / 255             result alpha
 * (A only survives in an ARGB8888 destination.) */
static void blend_row(const uint32_t *s, uint32_t *d, uint32_t n)
{
	uint32_t i, sh;

	for (i = 0; i < n; i++) {
		uint32_t a = s[i] >> 24, ia = 255 - a, o;

		o = (a + ((d[i] >> 24) * ia + 127) / 255) << 24;
		for (sh = 0; sh < 24; sh += 8) {
			uint32_t cs = (s[i] >> sh) & 0xFF;
			uint32_t cd = (d[i] >> sh) & 0xFF;

			o |= ((cs * a + cd * ia + 127) / 255) << sh;
		}
		d[i] = o;
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

static uint32_t validate(const GuestRam *ram, OpScratch *sc, const Desc *d,
			 bool *uses_src, GuestFault *f)
{
	uint32_t dcpp, scpp = 0, err;

	*uses_src = false;
	switch (d->opcode) {
	case WCFB_ENG_OP_NOP:
	case WCFB_ENG_OP_FILL:
		break;
	case WCFB_ENG_OP_COPY:
	case WCFB_ENG_OP_BLEND:
	case WCFB_ENG_OP_CONVERT:
		*uses_src = true;
		break;
	default:
		return efault(f, WCFB_ENG_ERR_OPCODE, 0);
	}
	/* reserved bits must be zero so v2 can give them meaning */
	if (d->flags || d->rsvd_any ||
	    (d->opcode != WCFB_ENG_OP_NOP && d->dst.rsvd) ||
	    (*uses_src && d->src.rsvd))
		return efault(f, WCFB_ENG_ERR_DESC, 0);
	if (d->opcode == WCFB_ENG_OP_NOP)
		return WCFB_ENG_ST_OK;

	dcpp = fmt_cpp(d->dst.format);
	if (!dcpp)
		return efault(f, WCFB_ENG_ERR_FORMAT, 0);
	if (*uses_src) {
		scpp = fmt_cpp(d->src.format);
		if (!scpp ||
		    (d->opcode == WCFB_ENG_OP_COPY &&
		     d->src.format != d->dst.format) ||
		    (d->opcode == WCFB_ENG_OP_BLEND &&
		     d->src.format != WCFB_ENG_FMT_ARGB8888))
			return efault(f, WCFB_ENG_ERR_FORMAT, 0);
	}
	if (d->width > WCFB_ENG_MAX_DIM || d->height > WCFB_ENG_MAX_DIM)
		return efault(f, WCFB_ENG_ERR_RECT, 0);

	err = load_surface(ram, &d->dst, dcpp, d->width, d->height, &sc->dst,
			   f);
	if (err)
		return err;
	if (*uses_src)
		err = load_surface(ram, &d->src, scpp, d->width, d->height,
				   &sc->src, f);
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

uint32_t ops_execute(const GuestRam *ram, OpScratch *sc, const Desc *d,
		     GuestFault *f, OpResult *res)
{
	uint32_t dcpp, scpp, w = d->width, h = d->height, r, err;
	size_t drow, srow;
	const uint8_t *src_row;
	bool uses_src, bounce = false;

	res->bytes_read = res->bytes_written = 0;
	f->code = WCFB_ENG_ST_OK;
	f->addr = 0;
	err = validate(ram, sc, d, &uses_src, f);
	if (err || d->opcode == WCFB_ENG_OP_NOP || w == 0 || h == 0)
		return err;

	dcpp = fmt_cpp(d->dst.format);
	scpp = uses_src ? fmt_cpp(d->src.format) : 0;
	drow = (size_t)w * dcpp;
	srow = (size_t)w * scpp;

	/*
	 * Defined result when src and dst share guest memory (overlapping
	 * blits, scrolling): as if the whole source rect were read before any
	 * destination byte is written.  Only pay for the bounce copy when the
	 * two SG lists actually intersect.
	 */
	if (uses_src && guest_buf_overlap(&sc->src, &sc->dst)) {
		size_t need = srow * h;

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
		for (r = 0; r < h; r++) {
			err = guest_buf_read(ram, &sc->src,
					     row_off(&d->src, scpp, r),
					     sc->bounce + r * srow, srow, f);
			if (err)
				return err;
		}
		res->bytes_read += srow * h;
		bounce = true;
	}

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
			if (bounce) {
				src_row = sc->bounce + r * srow;
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
			unpack_row(d->src.format, src_row, w, sc->argb_s);
			pack_row(d->dst.format, sc->argb_s, w, sc->row_d);
			break;
		case WCFB_ENG_OP_BLEND:
			err = guest_buf_read(ram, &sc->dst, doff, sc->row_d,
					     drow, f);
			if (err)
				return err;
			res->bytes_read += drow;
			unpack_row(WCFB_ENG_FMT_ARGB8888, src_row, w,
				   sc->argb_s);
			unpack_row(d->dst.format, sc->row_d, w, sc->argb_d);
			blend_row(sc->argb_s, sc->argb_d, w);
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
