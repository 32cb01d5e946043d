/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* wcfb engine: descriptor decoding, validation and the 2D operations. */
#ifndef WCFB_OPS_H
#define WCFB_OPS_H

#include <stdint.h>

#include "guest_ram.h"
#include "../proto/wcfb_engine_proto.h"

/* A descriptor surface, host byte order. */
typedef struct Surface {
	uint64_t sg_addr;
	uint32_t sg_count, pitch, format, x, y, rsvd;
} Surface;

/* A descriptor after the one copy out of guest memory, host byte order. */
typedef struct Desc {
	uint32_t opcode, flags;
	uint64_t seqno;
	uint32_t fill, width, height;
	Surface dst, src;
	uint64_t table;         /* desc words 0x60..0x67: COLOR's table, or
				 * a planar YUV source's planes table */
	uint32_t rsvd_any;      /* OR of the reserved words after them */
	uint32_t scale[6];      /* words 0x68..0x7f: XFORM_SCALE's sw, sh,
				 * u0, v0, du, dv (1.3) */
} Desc;

struct ColorLut;
struct YuvSrc;

/* Per-engine scratch, reused across descriptors (no per-op malloc). */
typedef struct OpScratch {
	GuestBuf dst, src;
	GuestBuf chroma[2];             /* YUV: the planes table's buffers */
	uint8_t *row_s, *row_d;         /* one row of raw pixels each */
	uint32_t *argb_s, *argb_d;      /* one row unpacked to 0xAARRGGBB */
	uint8_t *bounce;                /* whole src rect when src/dst alias */
	size_t bounce_cap;
	struct ColorLut *color;         /* COLOR: the table, decoded */
	struct YuvSrc *yuv;             /* YUV source: planes, coefficients */
} OpScratch;

typedef struct OpResult {
	uint64_t bytes_read, bytes_written;
} OpResult;

/* Largest bounce buffer the engine will allocate for aliasing src/dst
 * (beyond it the descriptor faults with NOMEM rather than risk the host). */
#define OPS_BOUNCE_MAX (256u << 20)

int ops_scratch_init(OpScratch *s);
void ops_scratch_free(OpScratch *s);
void desc_decode(const struct wcfb_eng_desc *raw, Desc *d);
uint32_t fmt_cpp(uint32_t fourcc);

/* Validate the whole descriptor, then execute it.  A descriptor that fails
 * validation touches no guest memory.  Returns WCFB_ENG_ST_OK or an error
 * with @f filled in. */
uint32_t ops_execute(const GuestRam *ram, OpScratch *s, const Desc *d,
		     GuestFault *f, OpResult *res);

/* Fault injection: flip one bit of the centre pixel a valid, executed
 * pixel-writing descriptor wrote. */
void ops_corrupt_centre(const GuestRam *ram, OpScratch *s, const Desc *d);

const char *ops_name(uint32_t opcode);
const char *ops_err_name(uint32_t code);

#endif
