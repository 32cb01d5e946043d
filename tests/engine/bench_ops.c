/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * In-process timing of the engine's operations on full-HD surfaces
 * (hw/engine/ops.c linked in, guest RAM a plain host buffer): how long a
 * composer's per-frame work takes in the model.  Thread CPU time, best
 * of n runs.  Not part of `check`: timings on a shared host are noise,
 * this is for looking at.
 *
 *   make -C tests/engine bench        [BENCH_ITERS=n]
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops.h"

#define W 1920
#define H 1080
#define RAM_BASE 0x40000000ull
/* two 1920x1080x4 surfaces, their SG tables, a color table, rounded up */
#define RAM_BYTES (20ull << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct Case {
	const char *name;
	uint32_t opcode, flags, fill, dfmt, sfmt;     /* COLOR: flags are
						       * the table's, in place */
} Case;

static const Case g_cases[] = {
	{ "fill xrgb8888", WCFB_ENG_OP_FILL, 0, 0x00123456,
	  WCFB_ENG_FMT_XRGB8888, 0 },
	{ "copy xrgb8888", WCFB_ENG_OP_COPY, 0, 0, WCFB_ENG_FMT_XRGB8888,
	  WCFB_ENG_FMT_XRGB8888 },
	{ "convert xrgb->xrgb", WCFB_ENG_OP_CONVERT, 0, 0,
	  WCFB_ENG_FMT_XRGB8888, WCFB_ENG_FMT_XRGB8888 },
	{ "blend argb premul pa255", WCFB_ENG_OP_BLEND,
	  WCFB_ENG_BLEND_PREMULTIPLIED, 0, WCFB_ENG_FMT_XRGB8888,
	  WCFB_ENG_FMT_ARGB8888 },
	{ "blend argb coverage pa255", WCFB_ENG_OP_BLEND,
	  WCFB_ENG_BLEND_COVERAGE, 0, WCFB_ENG_FMT_XRGB8888,
	  WCFB_ENG_FMT_ARGB8888 },
	{ "blend argb premul pa128", WCFB_ENG_OP_BLEND,
	  WCFB_ENG_BLEND_PREMULTIPLIED | WCFB_ENG_BLEND_PLANE_ALPHA, 0x80,
	  WCFB_ENG_FMT_XRGB8888, WCFB_ENG_FMT_ARGB8888 },
	{ "blend xrgb premul pa255", WCFB_ENG_OP_BLEND,
	  WCFB_ENG_BLEND_PREMULTIPLIED, 0, WCFB_ENG_FMT_XRGB8888,
	  WCFB_ENG_FMT_XRGB8888 },
	{ "blend abgr2101010 premul", WCFB_ENG_OP_BLEND,
	  WCFB_ENG_BLEND_PREMULTIPLIED, 0, WCFB_ENG_FMT_XRGB8888,
	  WCFB_ENG_FMT_ABGR2101010 },
	{ "blend argb premul transpose+rx", WCFB_ENG_OP_BLEND,
	  WCFB_ENG_BLEND_PREMULTIPLIED | WCFB_ENG_XFORM_TRANSPOSE |
	  WCFB_ENG_XFORM_REFLECT_X, 0, WCFB_ENG_FMT_XRGB8888,
	  WCFB_ENG_FMT_ARGB8888 },
	{ "convert rgb565->xrgb", WCFB_ENG_OP_CONVERT, 0, 0,
	  WCFB_ENG_FMT_XRGB8888, WCFB_ENG_FMT_RGB565 },
	{ "crc xrgb8888", WCFB_ENG_OP_CRC, 0, 0, WCFB_ENG_FMT_XRGB8888,
	  WCFB_ENG_FMT_XRGB8888 },
	{ "color in place degamma+gamma", WCFB_ENG_OP_COLOR,
	  WCFB_ENG_COLOR_DEGAMMA | WCFB_ENG_COLOR_GAMMA, 0,
	  WCFB_ENG_FMT_XRGB8888, WCFB_ENG_FMT_XRGB8888 },
	{ "color in place all stages", WCFB_ENG_OP_COLOR,
	  WCFB_ENG_COLOR_FLAGS_MASK, 0, WCFB_ENG_FMT_XRGB8888,
	  WCFB_ENG_FMT_XRGB8888 },
};

int main(void)
{
	const uint64_t surf = (uint64_t)W * H * 4;
	const uint64_t dst_gpa = RAM_BASE + 4096, src_gpa = dst_gpa + surf;
	const uint64_t sg_gpa = RAM_BASE, table_gpa = src_gpa + surf;
	struct wcfb_eng_color_table *table;
	struct wcfb_eng_sg *sg;
	GuestRam ram = { .base = RAM_BASE, .size = RAM_BYTES,
			 .dma_bits = 64 };
	const char *it = getenv("BENCH_ITERS");
	int iters = it ? atoi(it) : 20;
	OpScratch sc;
	unsigned c;
	uint64_t i;

	if (iters < 1)
		iters = 1;
	ram.host = malloc(RAM_BYTES);
	if (!ram.host || ops_scratch_init(&sc)) {
		fprintf(stderr, "bench: out of memory\n");
		return 1;
	}
	/* half-transparent, varied pixels: no all-opaque shortcut */
	for (i = 0; i < RAM_BYTES; i++)
		ram.host[i] = (uint8_t)(i * 2654435761u >> 13);
	sg = (struct wcfb_eng_sg *)ram.host;
	sg[0].addr = htole64(dst_gpa);
	sg[0].len = htole64(surf);
	sg[1].addr = htole64(src_gpa);
	sg[1].len = htole64(surf);
	/* LUTs as the fill left them; a CTM of small coefficients */
	table = (struct wcfb_eng_color_table *)(ram.host + (table_gpa -
							     RAM_BASE));
	table->_rsvd = 0;
	for (i = 0; i < 9; i++)
		table->ctm[i] = htole64((uint64_t)((int64_t)(i * 0x3C000000ull) -
						   (int64_t)(1ull << 31)));
	for (c = 0; c < sizeof(g_cases) / sizeof(g_cases[0]); c++) {
		const Case *k = &g_cases[c];
		Desc d = { .opcode = k->opcode, .flags = k->flags,
			   .fill = k->fill, .width = W, .height = H };
		GuestFault f;
		OpResult res;
		double t0, best = 1e9;
		int n;

		d.dst = (Surface){ .sg_addr = sg_gpa, .sg_count = 1,
				   .pitch = fmt_cpp(k->dfmt) * W,
				   .format = k->dfmt };
		d.src = (Surface){ .sg_addr = sg_gpa + 16, .sg_count = 1,
				   .pitch = k->sfmt ? fmt_cpp(k->sfmt) * W : 0,
				   .format = k->sfmt };
		if (k->flags & WCFB_ENG_XFORM_TRANSPOSE)     /* H x W */
			d.src.pitch = fmt_cpp(k->sfmt) * H;
		if (k->opcode == WCFB_ENG_OP_COLOR) {
			table->flags = htole32(k->flags);
			d.flags = 0;
			d.table = table_gpa;
			d.src = d.dst;
		}
		for (n = 0; n < iters; n++) {
			uint32_t err;

			t0 = now();
			err = ops_execute(&ram, &sc, &d, &f, &res);
			t0 = now() - t0;
			if (err) {
				fprintf(stderr, "bench: %s: error %u\n",
					k->name, err);
				return 1;
			}
			if (t0 < best)
				best = t0;
		}
		printf("bench: %-32s %dx%d best %6.2f ms (%d runs)\n",
		       k->name, W, H, best * 1e3, iters);
	}
	ops_scratch_free(&sc);
	free(ram.host);
	return 0;
}
