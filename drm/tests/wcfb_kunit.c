// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb KUnit tests: driver internals in kernel context.
 *
 * Built as wcfb_test.ko against the debug kernel only; it calls into
 * wcfb.ko through the EXPORTED_FOR_KUNIT_TESTING namespace.  The guest
 * test t_kunit.sh loads it and reports every KTAP result.
 *
 *  - the ring accounting of wcfb_logic.c (free-running u32 indices),
 *  - the format table, pitch checks, dumb layout and the blit rectangle
 *    placement the descriptors are built from,
 *  - the engine SG tables as the blit path builds them: pages into an
 *    sg_table (sg_alloc_table_from_pages), mapped with dma_map_sgtable()
 *    on a device, turned into engine entries by
 *    wcfb_engine_table_from_sgt().
 */
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "../wcfb_engine.h"
#include "../wcfb_logic.h"
#include "../../hw/proto/wcfb_engine_proto.h"

/* ------------------------------------------------------------- ring */

static void wcfb_test_ring_space(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(0, 0, 64), 64u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(64, 0, 64), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(10, 4, 64), 58u);
	/* Across the u32 wrap: head wrapped, retired did not yet. */
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(2, 0xfffffff4u, 64), 50u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(0x30u, 0xfffffff0u, 64), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(0xffffffffu, 0xffffffffu, 64), 64u);
}

static void wcfb_test_ring_slot(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(0, 64), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(63, 64), 63u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(64, 64), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(0xffffffffu, 64), 63u);
	/* Consecutive indices across the wrap stay consecutive slots. */
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(0xffffffffu + 1u, 64), 0u);
}

/* Publishing and retiring a full ring's worth, wrapping the indices. */
static void wcfb_test_ring_cycle(struct kunit *test)
{
	u32 head = 0xffffff00u, retired = head, size = 256, n;

	for (n = 0; n < 4 * size; n += 3) {
		KUNIT_ASSERT_GE(test, wcfb_ring_space(head, retired, size), 3u);
		head += 3;
		KUNIT_EXPECT_EQ(test, wcfb_ring_space(head, retired, size),
				size - 3);
		KUNIT_EXPECT_EQ(test, wcfb_ring_slot(head, size),
				(wcfb_ring_slot(head - 3, size) + 3) % size);
		retired += 3;
	}
}

/*
 * Descriptors into the ring: the slots from head on, wrapping at the end,
 * the caller's fields kept, numbered from the last seqno on, pending; no
 * other slot touched.  The byte layout is the protocol's (little-endian,
 * fields at the offsets of Documentation/engine-protocol.md).
 */
static void wcfb_test_ring_write(struct kunit *test)
{
	const u32 size = 8, head = 0xfffffffeu;	/* slots 6, 7, 0, 1, 2 */
	struct wcfb_eng_desc *ring, descs[5];
	u64 seqno = 41;
	u32 i, slot;
	u8 *b;

	ring = kunit_kcalloc(test, size, sizeof(*ring), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ring);
	memset(ring, 0xa5, size * sizeof(*ring));
	memset(descs, 0, sizeof(descs));
	for (i = 0; i < 5; i++) {
		descs[i].opcode = cpu_to_le32(WCFB_ENG_OP_FILL);
		descs[i].fill = cpu_to_le32(0x11111111u * i);
		descs[i].width = cpu_to_le32(100 + i);
		descs[i].height = cpu_to_le32(1);
		descs[i].seqno = cpu_to_le64(7);	/* overwritten */
	}

	KUNIT_EXPECT_EQ(test, wcfb_ring_write(ring, size, head, descs, 5, &seqno), 46ull);
	KUNIT_EXPECT_EQ(test, seqno, 46ull);
	for (i = 0; i < 5; i++) {
		slot = wcfb_ring_slot(head + i, size);
		KUNIT_EXPECT_EQ(test, slot, (6 + i) % size);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(ring[slot].seqno), 42ull + i);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(ring[slot].status), WCFB_ENG_ST_PENDING);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(ring[slot].width), 100 + i);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(ring[slot].fill), 0x11111111u * i);
	}
	/* Slots 3, 4, 5 were not the batch's. */
	for (slot = 3; slot < 6; slot++)
		KUNIT_EXPECT_TRUE(test, !memchr_inv(&ring[slot], 0xa5, sizeof(*ring)));
	/* The wire layout: seqno at 0x08, status at 0x10, width at 0x18. */
	b = (u8 *)&ring[6];
	KUNIT_EXPECT_EQ(test, b[0x08], 42);
	KUNIT_EXPECT_EQ(test, b[0x10], 0xff);
	KUNIT_EXPECT_EQ(test, b[0x18], 100);
	KUNIT_EXPECT_EQ(test, b[0x19], 0);
}

/* ---------------------------------------------------- formats, pitch */

static void wcfb_test_formats(struct kunit *test)
{
	const struct wcfb_format *f;
	unsigned int i;

	f = wcfb_format_lookup(WCFB_FMT_XRGB8888);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->cpp, 4);
	f = wcfb_format_lookup(WCFB_FMT_RGB888);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->cpp, 3);
	KUNIT_EXPECT_NULL(test, wcfb_format_lookup(WCFB_FOURCC('Y', 'U', 'Y', 'V')));
	KUNIT_EXPECT_NULL(test, wcfb_format_lookup(0));
	for (i = 0; i < WCFB_NUM_FORMATS; i++)
		KUNIT_EXPECT_PTR_EQ(test, wcfb_format_lookup(wcfb_formats[i].fourcc),
				    &wcfb_formats[i]);
}

static void wcfb_test_pitch(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(WCFB_FMT_XRGB8888, 800, 3200), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(WCFB_FMT_XRGB8888, 800, 3199),
			WCFB_ERR_PITCH_ALIGN);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(WCFB_FMT_XRGB8888, 800, 3196),
			WCFB_ERR_PITCH_SHORT);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(WCFB_FMT_RGB888, 801, 2404), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(WCFB_FMT_RGB888, 801, 2403),
			WCFB_ERR_PITCH_ALIGN);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(0x12345678, 16, 64), WCFB_ERR_FORMAT);
	/* width * cpp does not fit in 32 bits: still "short", no wrap. */
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(WCFB_FMT_XRGB8888, 0x40000001u, 4),
			WCFB_ERR_PITCH_SHORT);
}

static void wcfb_test_dumb_layout(struct kunit *test)
{
	u32 pitch = 0;
	u64 size = 0;

	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(800, 600, 32, 4096, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 3200u);
	KUNIT_EXPECT_EQ(test, size, 3200ull * 600);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(801, 2, 24, 4096, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 2432u);	/* 2403 rounded up to 64 */
	KUNIT_EXPECT_EQ(test, size, 2432ull * 2);
	KUNIT_EXPECT_EQ(test, pitch % WCFB_ENGINE_PITCH_ALIGN, 0u);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(800, 600, 16, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(0, 600, 32, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(4097, 1, 32, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1, 4097, 32, 4096, &pitch, &size), -EINVAL);
}

/* ------------------------------------------------ blit rectangles */

/* wcfb_blit_surface_origin() on an 800x600 XRGB8888 buffer, pitch 3200. */
static int origin(u64 offset, u32 pitch, u32 x, u32 y, u32 w, u32 h,
		  u64 size, u32 *ox, u32 *oy)
{
	return wcfb_blit_surface_origin(offset, pitch, x, y, w, h, 4, size, ox, oy);
}

static void wcfb_test_surface_origin(struct kunit *test)
{
	const u64 size = 3200ull * 600;
	const u32 max = 0xffffffffu;
	u32 ox = 0, oy = 0;

	KUNIT_EXPECT_EQ(test, origin(0, 3200, 10, 20, 100, 50, size, &ox, &oy), 0);
	KUNIT_EXPECT_EQ(test, ox, 10u);
	KUNIT_EXPECT_EQ(test, oy, 20u);
	/* The offset folds into (x, y): one line and 8 pixels. */
	KUNIT_EXPECT_EQ(test, origin(3200 + 32, 3200, 1, 1, 1, 1, size, &ox, &oy), 0);
	KUNIT_EXPECT_EQ(test, ox, 9u);
	KUNIT_EXPECT_EQ(test, oy, 2u);
	/* Offset not on a pixel boundary. */
	KUNIT_EXPECT_EQ(test, origin(2, 3200, 0, 0, 1, 1, size, &ox, &oy), -EINVAL);
	/* The whole buffer fits; one more line or column does not. */
	KUNIT_EXPECT_EQ(test, origin(0, 3200, 0, 0, 800, 600, size, &ox, &oy), 0);
	KUNIT_EXPECT_EQ(test, origin(0, 3200, 0, 1, 800, 600, size, &ox, &oy), -EINVAL);
	KUNIT_EXPECT_EQ(test, origin(0, 3200, 1, 0, 800, 600, size, &ox, &oy), -EINVAL);
	/* Hostile values: no overflow lets them through. */
	KUNIT_EXPECT_EQ(test, origin(~0ull, 3200, 0, 0, 1, 1, size, &ox, &oy), -EINVAL);
	KUNIT_EXPECT_EQ(test, origin(0, 0xfffffffcu, max, max, max, max, ~0ull, &ox, &oy),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, origin(0, 0, 0, 0, 1, 1, size, &ox, &oy), -EINVAL);
}

/* --------------------------------------------------- SG tables */

/* A device to map on: DMA-direct, 64-bit, like the engine's PCI function. */
struct wcfb_test_sg_ctx {
	struct device *dev;
};

static int wcfb_test_sg_init(struct kunit *test)
{
	struct wcfb_test_sg_ctx *ctx;
	int ret;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	/*
	 * No owner: the suites run while this module is still "coming", too
	 * early for root_device_register()'s sysfs link to the module.
	 */
	ctx->dev = __root_device_register("wcfb-kunit", NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->dev));
	ctx->dev->dma_mask = &ctx->dev->coherent_dma_mask;
	ret = dma_set_mask_and_coherent(ctx->dev, DMA_BIT_MASK(64));
	if (ret) {
		root_device_unregister(ctx->dev);
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	test->priv = ctx;
	return 0;
}

static void wcfb_test_sg_exit(struct kunit *test)
{
	struct wcfb_test_sg_ctx *ctx = test->priv;

	if (ctx)
		root_device_unregister(ctx->dev);
}

/*
 * Maps @n pages as the blit path maps a buffer and checks the engine
 * table: one entry per DMA segment, addresses and lengths as mapped,
 * covering every byte exactly once.  Returns the segment count.
 */
static unsigned int wcfb_test_sg_pages(struct kunit *test, struct page **pages,
				       unsigned int n)
{
	struct wcfb_test_sg_ctx *ctx = test->priv;
	struct wcfb_engine_table *tab;
	struct scatterlist *sg;
	struct sg_table sgt;
	unsigned int i, nents;
	u64 total = 0;
	int ret;

	ret = sg_alloc_table_from_pages(&sgt, pages, n, 0,
					(unsigned long)n << PAGE_SHIFT, GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = dma_map_sgtable(ctx->dev, &sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		sg_free_table(&sgt);
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	KUNIT_EXPECT_LE(test, sgt.nents, sgt.orig_nents);

	tab = wcfb_engine_table_from_sgt(ctx->dev, &sgt);
	KUNIT_EXPECT_NOT_NULL(test, tab);
	if (tab) {
		KUNIT_EXPECT_EQ(test, tab->count, sgt.nents);
		KUNIT_EXPECT_EQ(test, tab->dma & 7, 0ull);	/* 8-byte aligned array */
		for_each_sgtable_dma_sg(&sgt, sg, i) {
			KUNIT_EXPECT_EQ(test, le64_to_cpu(tab->entries[i].addr),
					(u64)sg_dma_address(sg));
			KUNIT_EXPECT_EQ(test, le64_to_cpu(tab->entries[i].len),
					(u64)sg_dma_len(sg));
			KUNIT_EXPECT_GT(test, le64_to_cpu(tab->entries[i].len), 0ull);
			total += le64_to_cpu(tab->entries[i].len);
		}
		KUNIT_EXPECT_EQ(test, total, (u64)n << PAGE_SHIFT);
		wcfb_engine_table_free(tab);
	}
	nents = sgt.nents;
	dma_unmap_sgtable(ctx->dev, &sgt, DMA_BIDIRECTIONAL, 0);
	sg_free_table(&sgt);
	return nents;
}

/* Physically contiguous pages: sg_alloc_table_from_pages merges them. */
static void wcfb_test_sg_contiguous(struct kunit *test)
{
	struct page *block, *pages[8];
	unsigned int i;

	block = alloc_pages(GFP_KERNEL, 3);
	KUNIT_ASSERT_NOT_NULL(test, block);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = block + i;
	KUNIT_EXPECT_EQ(test, wcfb_test_sg_pages(test, pages, ARRAY_SIZE(pages)), 1u);
	__free_pages(block, 3);
}

/*
 * Pages in reverse physical order, like a fragmented shmem object: no two
 * neighbours merge, one engine entry per page.
 */
static void wcfb_test_sg_scattered(struct kunit *test)
{
	struct page *block, *pages[8];
	unsigned int i;

	block = alloc_pages(GFP_KERNEL, 3);
	KUNIT_ASSERT_NOT_NULL(test, block);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = block + (ARRAY_SIZE(pages) - 1 - i);
	KUNIT_EXPECT_EQ(test, wcfb_test_sg_pages(test, pages, ARRAY_SIZE(pages)),
			(unsigned int)ARRAY_SIZE(pages));
	__free_pages(block, 3);
}

/* Runs of two: 0 1 | 4 5 | 2 3 | 6 7 -> four segments of two pages. */
static void wcfb_test_sg_runs(struct kunit *test)
{
	static const unsigned int order[8] = { 0, 1, 4, 5, 2, 3, 6, 7 };
	struct page *block, *pages[8];
	unsigned int i;

	block = alloc_pages(GFP_KERNEL, 3);
	KUNIT_ASSERT_NOT_NULL(test, block);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = block + order[i];
	KUNIT_EXPECT_EQ(test, wcfb_test_sg_pages(test, pages, ARRAY_SIZE(pages)), 4u);
	__free_pages(block, 3);
}

static struct kunit_case wcfb_logic_cases[] = {
	KUNIT_CASE(wcfb_test_ring_space),
	KUNIT_CASE(wcfb_test_ring_slot),
	KUNIT_CASE(wcfb_test_ring_cycle),
	KUNIT_CASE(wcfb_test_ring_write),
	KUNIT_CASE(wcfb_test_formats),
	KUNIT_CASE(wcfb_test_pitch),
	KUNIT_CASE(wcfb_test_dumb_layout),
	KUNIT_CASE(wcfb_test_surface_origin),
	{}
};

static struct kunit_suite wcfb_logic_suite = {
	.name = "wcfb_logic",
	.test_cases = wcfb_logic_cases,
};

static struct kunit_case wcfb_sg_cases[] = {
	KUNIT_CASE(wcfb_test_sg_contiguous),
	KUNIT_CASE(wcfb_test_sg_scattered),
	KUNIT_CASE(wcfb_test_sg_runs),
	{}
};

static struct kunit_suite wcfb_sg_suite = {
	.name = "wcfb_sg",
	.init = wcfb_test_sg_init,
	.exit = wcfb_test_sg_exit,
	.test_cases = wcfb_sg_cases,
};

kunit_test_suites(&wcfb_logic_suite, &wcfb_sg_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests of wcfb internals");
MODULE_LICENSE("GPL");
