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

/* YUV sources (1.2): the planes follow each other in the source area,
 * each chroma plane its own SG entry */
typedef struct YCase {
	const char *name;
	uint32_t opcode, flags, sfmt, nplanes, cw, ch, bps;
} YCase;

static const YCase g_ycases[] = {
	{ "convert nv12->xrgb bt709", WCFB_ENG_OP_CONVERT,
	  WCFB_ENG_YUV_ENC(WCFB_ENG_YUV_BT709), WCFB_ENG_FMT_NV12, 2,
	  W / 2, H / 2, 2 },
	{ "blend nv12 premul pa255", WCFB_ENG_OP_BLEND,
	  WCFB_ENG_BLEND_PREMULTIPLIED, WCFB_ENG_FMT_NV12, 2, W / 2, H / 2,
	  2 },
	{ "blend nv12 coverage pa128", WCFB_ENG_OP_BLEND,
	  WCFB_ENG_BLEND_PLANE_ALPHA, WCFB_ENG_FMT_NV12, 2, W / 2, H / 2, 2 },
	{ "blend nv12 transpose+rx", WCFB_ENG_OP_BLEND,
	  WCFB_ENG_XFORM_TRANSPOSE | WCFB_ENG_XFORM_REFLECT_X,
	  WCFB_ENG_FMT_NV12, 2, H / 2, W / 2, 2 },
	{ "convert yuv420->xrgb full", WCFB_ENG_OP_CONVERT,
	  WCFB_ENG_YUV_FULL_RANGE, WCFB_ENG_FMT_YUV420, 3, W / 2, H / 2, 1 },
	{ "convert yuyv->xrgb", WCFB_ENG_OP_CONVERT, 0, WCFB_ENG_FMT_YUYV, 1,
	  0, 0, 0 },
};

/* Runs D ITERS times; prints the best time.  1 if an op failed. */
static int bench_one(const GuestRam *ram, OpScratch *sc, const Desc *d,
		     const char *name, int iters)
{
	double t0, best = 1e9;
	GuestFault f;
	OpResult res;
	int n;

	for (n = 0; n < iters; n++) {
		uint32_t err;

		t0 = now();
		err = ops_execute(ram, sc, d, &f, &res);
		t0 = now() - t0;
		if (err) {
			fprintf(stderr, "bench: %s: error %u\n", name, err);
			return 1;
		}
		if (t0 < best)
			best = t0;
	}
	printf("bench: %-32s %dx%d best %6.2f ms (%d runs)\n",
	       name, W, H, best * 1e3, iters);
	return 0;
}

static int bench_yuv(const GuestRam *ram, OpScratch *sc, uint64_t sg_gpa,
		     uint64_t src_gpa, uint64_t table_gpa, int iters)
{
	struct wcfb_eng_sg *sg = (struct wcfb_eng_sg *)ram->host;
	struct wcfb_eng_planes *t;
	unsigned c, i;

	t = (struct wcfb_eng_planes *)(ram->host + (table_gpa - RAM_BASE));
	for (c = 0; c < sizeof(g_ycases) / sizeof(g_ycases[0]); c++) {
		const YCase *k = &g_ycases[c];
		bool tr = k->flags & WCFB_ENG_XFORM_TRANSPOSE;
		uint32_t sw = tr ? H : W, sh = tr ? W : H;
		uint64_t at = src_gpa + (uint64_t)sw * sh;
		Desc d = { .opcode = k->opcode, .flags = k->flags,
			   .fill = k->flags & WCFB_ENG_BLEND_PLANE_ALPHA ? 128 : 0,
			   .width = W, .height = H };

		d.dst = (Surface){ .sg_addr = sg_gpa, .sg_count = 1,
				   .pitch = 4 * W,
				   .format = WCFB_ENG_FMT_XRGB8888 };
		d.src = (Surface){ .sg_addr = sg_gpa + 16, .sg_count = 1,
				   .pitch = k->nplanes == 1 ? 2 * sw : sw,
				   .format = k->sfmt };
		memset(t, 0, sizeof(*t));
		for (i = 0; i + 1 < k->nplanes; i++) {
			uint64_t len = (uint64_t)k->cw * k->ch * k->bps;

			sg[2 + i].addr = htole64(at);
			sg[2 + i].len = htole64(len);
			at += len;
			t->plane[i].sg_addr = htole64(sg_gpa + 16 * (2 + i));
			t->plane[i].sg_count = htole32(1);
			t->plane[i].pitch = htole32(k->cw * k->bps);
		}
		d.table = k->nplanes > 1 ? table_gpa : 0;
		if (bench_one(ram, sc, &d, k->name, iters))
			return 1;
	}
	return 0;
}

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
		if (bench_one(&ram, &sc, &d, k->name, iters))
			return 1;
	}
	/* the planes table after the color table */
	if (bench_yuv(&ram, &sc, sg_gpa, src_gpa, table_gpa + 8192, iters))
		return 1;
	/* 1.4: the CRC kept by rows, its table after the planes table: the
	 * rows a 256x256 cursor's move changes (old and new place and what
	 * the back buffer missed, 270 rows), and none */
	for (c = 0; c < 2; c++) {
		Desc d = { .opcode = WCFB_ENG_OP_CRC, .flags = WCFB_ENG_CRC_ROWS,
			   .width = W, .height = H, .table = table_gpa + 16384 };

		d.dst = (Surface){ .sg_addr = sg_gpa, .sg_count = 1,
				   .pitch = 4 * W,
				   .format = WCFB_ENG_FMT_XRGB8888 };
		d.src = (Surface){ .sg_addr = sg_gpa + 16, .sg_count = 1,
				   .pitch = 4 * W,
				   .format = WCFB_ENG_FMT_XRGB8888 };
		d.scale[WCFB_ENG_CRC_FIRST - 2] = 400;
		d.scale[WCFB_ENG_CRC_COUNT - 2] = c ? 0 : 270;
		if (bench_one(&ram, &sc, &d, c ? "crc by rows, none read" :
			      "crc by rows, 270 read", iters))
			return 1;
	}
	ops_scratch_free(&sc);
	free(ram.host);
	return 0;
}
