// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb KUnit tests: driver internals in kernel context.
 *
 * Built as wcfb_test.ko against the debug kernel only; it calls into
 * wcfb.ko through the EXPORTED_FOR_KUNIT_TESTING namespace.  The guest
 * test t_kunit.sh loads it and reports every KTAP result.
 *
 * One suite per file under test, each function tested in one of them:
 *  - wcfb_scanout: what ramfb shows (format table, limits, pitch, scanned
 *    span, RAM windows) and the ramfb and fw_cfg wire formats,
 *  - wcfb_gem: dumb buffer layout and pool consumption,
 *  - wcfb_drv: the "WxH" mode parameter parser,
 *  - wcfb_blitter: the ring accounting of wcfb_blitter.c (free-running u32
 *    indices) and the blit rectangle placement of wcfb_blit.c,
 *  - wcfb_sg: the blitter SG tables as the blit path builds them: pages
 *    into an sg_table (sg_alloc_table_from_pages), mapped with
 *    dma_map_sgtable() on a device, turned into engine entries by
 *    wcfb_blitter_table_from_sgt().
 */
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <asm/unaligned.h>
#include <drm/drm_fourcc.h>

#include "../wcfb_drv.h"
#include "../wcfb_blitter.h"
#include "../wcfb_composer.h"
#include "../wcfb_scanout.h"
#include "../wcfb_scanout_wire.h"
#include "../../hw/proto/wcfb_engine_proto.h"

#define MiB (1024ULL * 1024ULL)

/* ========================================================= wcfb_scanout */

/* QEMU virt: 1 GiB of RAM at 0x40000000; the pool at 0x70000000. */
static const struct wcfb_window virt_ram[] = {
	{ .base = 0x40000000ULL, .size = 0x40000000ULL },
};

static void wcfb_test_formats(struct kunit *test)
{
	const struct wcfb_format *f;
	unsigned int i;

	/* The fourcc codes themselves, as drm_fourcc.h spells them. */
	KUNIT_EXPECT_EQ(test, DRM_FORMAT_XRGB8888, 0x34325258);
	KUNIT_EXPECT_EQ(test, DRM_FORMAT_ARGB8888, 0x34325241);
	KUNIT_EXPECT_EQ(test, DRM_FORMAT_RGB888, 0x34324752);

	f = wcfb_format_lookup(DRM_FORMAT_XRGB8888);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->cpp, 4);
	f = wcfb_format_lookup(0x34325241);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->cpp, 4);
	f = wcfb_format_lookup(DRM_FORMAT_RGB888);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->cpp, 3);
	/* YUYV, XBGR8888, RGB565, 0: not shown pixel-exactly by ramfb. */
	KUNIT_EXPECT_NULL(test, wcfb_format_lookup(DRM_FORMAT_YUYV));
	KUNIT_EXPECT_NULL(test, wcfb_format_lookup(DRM_FORMAT_XBGR8888));
	KUNIT_EXPECT_NULL(test, wcfb_format_lookup(DRM_FORMAT_RGB565));
	KUNIT_EXPECT_NULL(test, wcfb_format_lookup(0));
	KUNIT_EXPECT_EQ(test, WCFB_NUM_FORMATS, 3);
	for (i = 0; i < WCFB_NUM_FORMATS; i++)
		KUNIT_EXPECT_PTR_EQ(test, wcfb_format_lookup(wcfb_formats[i].fourcc),
				    &wcfb_formats[i]);
}

static void wcfb_test_check_dims(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wcfb_check_dims(16, 16), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_dims(4096, 4096), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_dims(1920, 1080), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_dims(15, 16), WCFB_ERR_WIDTH);
	KUNIT_EXPECT_EQ(test, wcfb_check_dims(4097, 16), WCFB_ERR_WIDTH);
	KUNIT_EXPECT_EQ(test, wcfb_check_dims(0, 0), WCFB_ERR_WIDTH);
	KUNIT_EXPECT_EQ(test, wcfb_check_dims(16, 15), WCFB_ERR_HEIGHT);
	KUNIT_EXPECT_EQ(test, wcfb_check_dims(16, 4097), WCFB_ERR_HEIGHT);
}

static void wcfb_test_pitch(struct kunit *test)
{
	const u32 xr24 = DRM_FORMAT_XRGB8888, rg24 = DRM_FORMAT_RGB888;

	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(xr24, 800, 3200), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(xr24, 800, 3199), WCFB_ERR_PITCH_ALIGN);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(xr24, 800, 3196), WCFB_ERR_PITCH_SHORT);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(rg24, 801, 2404), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(rg24, 801, 2403), WCFB_ERR_PITCH_ALIGN);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(0x12345678, 16, 64), WCFB_ERR_FORMAT);
	/* The classic odd pitch: 1366 * 3 = 4098, not a multiple of 4. */
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(rg24, 1366, 4098), WCFB_ERR_PITCH_ALIGN);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(rg24, 1366, 4100), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(rg24, 1024, 3072), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(xr24, 1024, 4096), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(xr24, 1024, 8192), WCFB_OK);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(xr24, 1024, 4092), WCFB_ERR_PITCH_SHORT);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(xr24, 1024, 4098), WCFB_ERR_PITCH_ALIGN);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(DRM_FORMAT_RGB565, 1024, 2048),
			WCFB_ERR_FORMAT);
	/* width * cpp does not fit in 32 bits: still "short", no wrap. */
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(xr24, 0x40000001u, 4), WCFB_ERR_PITCH_SHORT);
	KUNIT_EXPECT_EQ(test, wcfb_check_pitch(xr24, 0x40000000u, 0), WCFB_ERR_PITCH_SHORT);
}

static void wcfb_test_scan_span(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wcfb_scan_span(1024, 768, 4096, 4), 3145728ull);
	/* Last line only up to the visible width: 8192 * 767 + 4096. */
	KUNIT_EXPECT_EQ(test, wcfb_scan_span(1024, 768, 8192, 4), 6287360ull);
	KUNIT_EXPECT_EQ(test, wcfb_scan_span(16, 16, 64, 4), 1024ull);
	KUNIT_EXPECT_EQ(test, wcfb_scan_span(16, 1, 64, 3), 48ull);
	KUNIT_EXPECT_EQ(test, wcfb_scan_span(0, 768, 4096, 4), 0ull);
	KUNIT_EXPECT_EQ(test, wcfb_scan_span(1024, 0, 4096, 4), 0ull);
	/* 64-bit result for 32-bit inputs. */
	KUNIT_EXPECT_GT(test, wcfb_scan_span(4096, 0xffffffffu, 0xffffffffu, 4),
			0xffffffffULL);
}

static void wcfb_test_window_contains(struct kunit *test)
{
	const struct wcfb_window pool = { 0x70000000ULL, 0x4000000ULL };
	const struct wcfb_window top = { 0xfffffffffffff000ULL, 0x1000 };

	KUNIT_EXPECT_TRUE(test, wcfb_window_contains(&pool, 0x70000000ULL, 0x4000000ULL));
	KUNIT_EXPECT_TRUE(test, wcfb_window_contains(&pool, 0x73fff000ULL, 0x1000));
	KUNIT_EXPECT_FALSE(test, wcfb_window_contains(&pool, 0x73fff000ULL, 0x1001));
	KUNIT_EXPECT_FALSE(test, wcfb_window_contains(&pool, 0x6ffff000ULL, 0x1000));
	KUNIT_EXPECT_FALSE(test, wcfb_window_contains(&pool, 0x74000000ULL, 1));
	KUNIT_EXPECT_FALSE(test, wcfb_window_contains(&pool, 0x70000000ULL, 0));
	/* Sums that would wrap around must not fool it. */
	KUNIT_EXPECT_FALSE(test, wcfb_window_contains(&pool, 0x70000000ULL, ~0ULL));
	KUNIT_EXPECT_TRUE(test, wcfb_window_contains(&top, 0xffffffffffffffffULL, 1));
	KUNIT_EXPECT_FALSE(test, wcfb_window_contains(&top, 0xffffffffffffffffULL, 2));
}

static void wcfb_test_ramfb_encode_big_endian(struct kunit *test)
{
	const struct wcfb_ramfb_cfg cfg = {
		.addr = 0x70100000ULL,
		.fourcc = DRM_FORMAT_XRGB8888,
		.flags = 0,
		.width = 1024,
		.height = 768,
		.stride = 4096,
	};
	static const u8 expected[WCFB_RAMFB_CFG_SIZE] = {
		0x00, 0x00, 0x00, 0x00, 0x70, 0x10, 0x00, 0x00,	/* addr */
		0x34, 0x32, 0x52, 0x58,				/* "XR24" */
		0x00, 0x00, 0x00, 0x00,				/* flags */
		0x00, 0x00, 0x04, 0x00,				/* 1024 */
		0x00, 0x00, 0x03, 0x00,				/* 768 */
		0x00, 0x00, 0x10, 0x00,				/* 4096 */
	};
	u8 out[WCFB_RAMFB_CFG_SIZE];

	KUNIT_EXPECT_EQ(test, WCFB_RAMFB_CFG_SIZE, 28);
	memset(out, 0xa5, sizeof(out));
	wcfb_ramfb_cfg_encode(out, &cfg);
	KUNIT_EXPECT_EQ(test, memcmp(out, expected, sizeof(expected)), 0);
}

static void wcfb_test_ramfb_encode_high_address(struct kunit *test)
{
	const struct wcfb_ramfb_cfg cfg = {
		.addr = 0x0123456789abcdefULL,
		.fourcc = DRM_FORMAT_RGB888,
		.flags = 0x11223344,
		.width = 0x0a0b0c0d,
		.height = 16,
		.stride = 0xfedcba98,
	};
	static const u8 expected[WCFB_RAMFB_CFG_SIZE] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0x34, 0x32, 0x47, 0x52,				/* "RG24" */
		0x11, 0x22, 0x33, 0x44,
		0x0a, 0x0b, 0x0c, 0x0d,
		0x00, 0x00, 0x00, 0x10,
		0xfe, 0xdc, 0xba, 0x98,
	};
	u8 out[WCFB_RAMFB_CFG_SIZE];

	wcfb_ramfb_cfg_encode(out, &cfg);
	KUNIT_EXPECT_EQ(test, memcmp(out, expected, sizeof(expected)), 0);

	/* Read back field by field, as QEMU's ramfb_fw_cfg_write() does. */
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(out + 0), cfg.addr);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(out + 8), cfg.fourcc);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(out + 12), cfg.flags);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(out + 16), cfg.width);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(out + 20), cfg.height);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(out + 24), cfg.stride);
}

static struct wcfb_ramfb_cfg good_cfg(void)
{
	struct wcfb_ramfb_cfg cfg = {
		.addr = 0x70100000ULL,
		.fourcc = DRM_FORMAT_XRGB8888,
		.flags = 0,
		.width = 1024,
		.height = 768,
		.stride = 4096,
	};
	return cfg;
}

static void wcfb_test_ramfb_check(struct kunit *test)
{
	const struct wcfb_window two[] = {
		{ 0x40000000ULL, 0x10000000ULL },
		{ 0x80000000ULL, 0x10000000ULL },
	};
	struct wcfb_ramfb_cfg cfg;

	cfg = good_cfg();
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_OK);

	cfg = good_cfg();
	cfg.fourcc = DRM_FORMAT_XBGR8888;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_ERR_FORMAT);

	cfg = good_cfg();
	cfg.flags = 1;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_ERR_FLAGS);

	cfg = good_cfg();
	cfg.width = 15;
	cfg.stride = 64;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_ERR_WIDTH);

	cfg = good_cfg();
	cfg.height = 15;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_ERR_HEIGHT);

	cfg = good_cfg();
	cfg.stride = 4094;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			WCFB_ERR_PITCH_ALIGN);

	cfg = good_cfg();
	cfg.stride = 4092;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			WCFB_ERR_PITCH_SHORT);

	/* Ending exactly at the end of RAM is fine, one byte more is not. */
	cfg = good_cfg();
	cfg.addr = 0x80000000ULL - 3145728;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_OK);
	cfg.addr += 4;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_ERR_RANGE);

	/* Below RAM (e.g. a device's MMIO) is not scanned. */
	cfg = good_cfg();
	cfg.addr = 0x09020000ULL;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_ERR_RANGE);

	/* No RAM at all. */
	cfg = good_cfg();
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 0), WCFB_ERR_RANGE);

	/* Second window, and a range straddling the gap between two. */
	cfg = good_cfg();
	cfg.addr = 0x80000000ULL;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, two, 2), WCFB_OK);
	cfg.addr = 0x4ff00000ULL;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, two, 2), WCFB_ERR_RANGE);

	/* Wrap-around at the top of the address space. */
	cfg = good_cfg();
	cfg.addr = 0xfffffffffff00000ULL;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_ERR_OVERFLOW);

	/* The zero-page parking configuration of the driver. */
	cfg = good_cfg();
	cfg.addr = 0x41234000ULL;
	cfg.width = 16;
	cfg.height = 16;
	cfg.stride = 64;
	KUNIT_EXPECT_EQ(test, wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_OK);
}

static void wcfb_test_fwcfg_dma_access(struct kunit *test)
{
	static const u8 expected[WCFB_FWCFG_DMA_ACCESS_SIZE] = {
		0x00, 0x19, 0x00, 0x0a,		/* key 0x19, SELECT | READ */
		0x00, 0x00, 0x00, 0x04,		/* length */
		0x00, 0x00, 0x00, 0x00, 0x7f, 0xff, 0x10, 0x40,
	};
	u8 out[WCFB_FWCFG_DMA_ACCESS_SIZE];
	u32 control;

	KUNIT_EXPECT_EQ(test, WCFB_FWCFG_DMA_ACCESS_SIZE, 16);

	control = wcfb_fwcfg_dma_control(WCFB_FWCFG_KEY_FILE_DIR,
					 WCFB_FWCFG_DMA_SELECT | WCFB_FWCFG_DMA_READ);
	KUNIT_EXPECT_EQ(test, control, 0x0019000au);
	memset(out, 0xa5, sizeof(out));
	wcfb_fwcfg_dma_access_encode(out, control, 4, 0x7fff1040ULL);
	KUNIT_EXPECT_EQ(test, memcmp(out, expected, sizeof(expected)), 0);

	/* The ramfb write: key in the top half, SELECT | WRITE = 0x18. */
	KUNIT_EXPECT_EQ(test, wcfb_fwcfg_dma_control(0x0025, WCFB_FWCFG_DMA_SELECT |
						     WCFB_FWCFG_DMA_WRITE),
			0x00250018u);
	/* A continued read carries no key. */
	KUNIT_EXPECT_EQ(test, wcfb_fwcfg_dma_control(0, WCFB_FWCFG_DMA_READ), 2u);

	/* 64-bit address, all bytes distinct. */
	wcfb_fwcfg_dma_access_encode(out, 0x80000010, 0x1c, 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, out[0], 0x80);
	KUNIT_EXPECT_EQ(test, out[3], 0x10);
	KUNIT_EXPECT_EQ(test, out[7], 0x1c);
	KUNIT_EXPECT_EQ(test, out[8], 0x11);
	KUNIT_EXPECT_EQ(test, out[15], 0x88);
}

static void wcfb_test_fwcfg_completion(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, wcfb_fwcfg_dma_done(0));
	KUNIT_EXPECT_FALSE(test, wcfb_fwcfg_dma_failed(0));
	KUNIT_EXPECT_TRUE(test, wcfb_fwcfg_dma_done(WCFB_FWCFG_DMA_ERROR));
	KUNIT_EXPECT_TRUE(test, wcfb_fwcfg_dma_failed(WCFB_FWCFG_DMA_ERROR));
	KUNIT_EXPECT_FALSE(test, wcfb_fwcfg_dma_done(WCFB_FWCFG_DMA_READ));
	KUNIT_EXPECT_FALSE(test, wcfb_fwcfg_dma_done(0x0019000a));
	KUNIT_EXPECT_FALSE(test, wcfb_fwcfg_dma_done(WCFB_FWCFG_DMA_WRITE |
						     WCFB_FWCFG_DMA_ERROR));
}

static void wcfb_test_fwcfg_file_parse(struct kunit *test)
{
	u8 entry[WCFB_FWCFG_FILE_SIZE];
	struct wcfb_fwcfg_file f;

	memset(entry, 0, sizeof(entry));
	entry[3] = 0x1c;			/* size 28 */
	entry[4] = 0x00;
	entry[5] = 0x25;			/* select 0x0025 */
	entry[6] = 0xde;			/* reserved: ignored */
	entry[7] = 0xad;
	memcpy(entry + 8, "etc/ramfb", 9);

	memset(&f, 0xff, sizeof(f));
	KUNIT_EXPECT_EQ(test, wcfb_fwcfg_file_parse(entry, &f), 0);
	KUNIT_EXPECT_EQ(test, f.size, 28u);
	KUNIT_EXPECT_EQ(test, f.select, 0x25);
	KUNIT_EXPECT_STREQ(test, f.name, "etc/ramfb");

	entry[0] = 0x12;
	entry[1] = 0x34;
	entry[2] = 0x56;
	entry[3] = 0x78;
	entry[4] = 0x80;
	entry[5] = 0x01;
	KUNIT_EXPECT_EQ(test, wcfb_fwcfg_file_parse(entry, &f), 0);
	KUNIT_EXPECT_EQ(test, f.size, 0x12345678u);
	KUNIT_EXPECT_EQ(test, f.select, 0x8001);

	/* A name using all 56 bytes has no terminator: refused. */
	memset(entry + 8, 'a', WCFB_FWCFG_FILE_NAME_LEN);
	KUNIT_EXPECT_EQ(test, wcfb_fwcfg_file_parse(entry, &f), -EINVAL);
	/* 55 characters and a NUL: fine. */
	entry[8 + WCFB_FWCFG_FILE_NAME_LEN - 1] = '\0';
	KUNIT_EXPECT_EQ(test, wcfb_fwcfg_file_parse(entry, &f), 0);
	KUNIT_EXPECT_EQ(test, strlen(f.name), (size_t)55);
}

static void wcfb_test_verdict_strings(struct kunit *test)
{
	int v;

	KUNIT_EXPECT_STREQ(test, wcfb_verdict_str(WCFB_OK), "ok");
	for (v = WCFB_ERR_FORMAT; v <= WCFB_ERR_OVERFLOW; v++) {
		const char *s = wcfb_verdict_str((enum wcfb_verdict)v);

		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_STRNEQ(test, s, "unknown");
		KUNIT_EXPECT_STRNEQ(test, s, "ok");
	}
	KUNIT_EXPECT_STREQ(test, wcfb_verdict_str((enum wcfb_verdict)1000), "unknown");
}

/* ============================================================= wcfb_gem */

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
	KUNIT_EXPECT_EQ(test, pitch % WCFB_SCANOUT_PITCH_ALIGN, 0u);

	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1024, 768, 32, 4096, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 4096u);
	KUNIT_EXPECT_EQ(test, size, 3145728ull);
	/* RGB888 1366 wide: 4098 rounded up to 64 -> 4160. */
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1366, 768, 24, 4096, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 4160u);
	KUNIT_EXPECT_EQ(test, size, 4160ull * 768);
	/* 8 bpp, a YUV framebuffer's planes: 721 rounded up to 64 -> 768. */
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(721, 10, 8, 4096, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 768u);
	KUNIT_EXPECT_EQ(test, size, 7680ull);
	/* 12 bpp, IGT's NV12 in one buffer: 1281 * 12 / 8 = 1921.5 -> 1984. */
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1281, 2, 12, 4096, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 1984u);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1, 1, 32, 4096, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 64u);
	KUNIT_EXPECT_EQ(test, size, 64ull);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(4096, 4096, 32, 4096, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 16384u);
	KUNIT_EXPECT_EQ(test, size, 64 * MiB);

	pitch = 7;
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(800, 600, 10, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, pitch, 7u);	/* untouched on error */
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1024, 768, 16, 4096, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 2048u);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1024, 768, 4, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1024, 768, 0, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(0, 600, 32, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(0, 768, 32, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1024, 0, 32, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(4097, 1, 32, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(4097, 768, 32, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1, 4097, 32, 4096, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_dumb_layout(1024, 4097, 32, 4096, &pitch, &size), -EINVAL);
}

static void wcfb_test_pool_consumed(struct kunit *test)
{
	/* CMA: exactly the pages. */
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(3145728, false, 12), 3145728ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(1, false, 12), 4096ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(4097, false, 12), 8192ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(12289, false, 12), 16384ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(8294400, false, 12), 8294400ull);
	/* no-map carveout: PAGE_SIZE << get_order(size). */
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(3145728, true, 12), 4194304ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(1, true, 12), 4096ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(4096, true, 12), 4096ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(4097, true, 12), 8192ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(12289, true, 12), 16384ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(8294400, true, 12), 8388608ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(4194304, true, 12), 4194304ull);
	/* 64 KiB pages. */
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(65537, true, 16), 131072ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(0, true, 12), 0ull);
	KUNIT_EXPECT_EQ(test, wcfb_pool_consumed(0, false, 12), 0ull);
}

static void wcfb_test_mode_fits_pool(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, wcfb_mode_fits_pool(1920, 1080, 64 * MiB, false, 12));
	KUNIT_EXPECT_TRUE(test, wcfb_mode_fits_pool(1920, 1080, 64 * MiB, true, 12));
	/* 4096x4096x4 = 64 MiB per buffer: two do not fit in 64 MiB. */
	KUNIT_EXPECT_FALSE(test, wcfb_mode_fits_pool(4096, 4096, 64 * MiB, false, 12));
	/* 1280x1024: 5 MiB per buffer; CMA 10 MiB, no-map 2 x 8 MiB. */
	KUNIT_EXPECT_TRUE(test, wcfb_mode_fits_pool(1280, 1024, 12 * MiB, false, 12));
	KUNIT_EXPECT_FALSE(test, wcfb_mode_fits_pool(1280, 1024, 12 * MiB, true, 12));
	KUNIT_EXPECT_TRUE(test, wcfb_mode_fits_pool(1280, 1024, 16 * MiB, true, 12));
	/* Exactly two 1024x768 buffers (3 MiB each, CMA). */
	KUNIT_EXPECT_TRUE(test, wcfb_mode_fits_pool(1024, 768, 6 * MiB, false, 12));
	KUNIT_EXPECT_FALSE(test, wcfb_mode_fits_pool(1024, 768, 6 * MiB - 1, false, 12));
}

/* ============================================================= wcfb_drv */

static void wcfb_test_parse_mode(struct kunit *test)
{
	u32 w = 0, h = 0;

	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("1280x720", &w, &h), 0);
	KUNIT_EXPECT_EQ(test, w, 1280u);
	KUNIT_EXPECT_EQ(test, h, 720u);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("16X16\n", &w, &h), 0);
	KUNIT_EXPECT_EQ(test, w, 16u);
	KUNIT_EXPECT_EQ(test, h, 16u);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("99999x1", &w, &h), 0);
	KUNIT_EXPECT_EQ(test, w, 99999u);

	w = 1;
	h = 2;
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode(NULL, &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("1280", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("x720", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("1280x", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("1280x720x", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("1280*720", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode(" 1280x720", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("1280x720 ", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("-1280x720", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("0x720", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("1280x0", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("123456x10", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("4294967297x1", &w, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, wcfb_parse_mode("1280x720\n\n", &w, &h), -EINVAL);
	/* Outputs untouched on error. */
	KUNIT_EXPECT_EQ(test, w, 1u);
	KUNIT_EXPECT_EQ(test, h, 2u);
}

/* ========================================================= wcfb_blitter */

static void wcfb_test_ring_space(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(0, 0, 64), 64u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(64, 0, 64), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(10, 4, 64), 58u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(0, 0, 1024), 1024u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(1024, 0, 1024), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(1000, 990, 1024), 1014u);
	/* Across the u32 wrap: head wrapped, retired did not yet. */
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(2, 0xfffffff4u, 64), 50u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(0x30u, 0xfffffff0u, 64), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(0xffffffffu, 0xffffffffu, 64), 64u);
	/* Head 2, retired 0xfffffffe: 4 in use. */
	KUNIT_EXPECT_EQ(test, wcfb_ring_space(2, 0xfffffffeu, 8), 4u);
}

static void wcfb_test_ring_slot(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(0, 64), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(63, 64), 63u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(64, 64), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(0xffffffffu, 64), 63u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(0xffffffffu, 8), 7u);
	/* Consecutive indices across the wrap stay consecutive slots. */
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(0xffffffffu + 1u, 64), 0u);
	KUNIT_EXPECT_EQ(test, wcfb_ring_slot(0xfffffff8u + 9u, 8), 1u);
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

/* Descriptors published across the ring's end keep order and numbering. */
static void wcfb_test_ring_write_wraps(struct kunit *test)
{
	struct wcfb_eng_desc ring[8], d[3];
	u64 seqno = 9;
	u32 i;

	memset(ring, 0xa5, sizeof(ring));
	memset(d, 0, sizeof(d));
	for (i = 0; i < 3; i++)
		d[i].width = cpu_to_le32(10 + i);
	KUNIT_EXPECT_EQ(test, wcfb_ring_write(ring, 8, 0xffffffffu, d, 3, &seqno), 12ull);
	KUNIT_EXPECT_EQ(test, seqno, 12ull);
	/* Index 0xffffffff is slot 7, then 0 and 1. */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ring[7].width), 10u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ring[0].width), 11u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ring[1].width), 12u);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ring[7].seqno), 10ull);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ring[0].seqno), 11ull);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ring[1].seqno), 12ull);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ring[1].status), WCFB_ENG_ST_PENDING);
	/* Slot 2 is untouched. */
	KUNIT_EXPECT_EQ(test, ((u8 *)&ring[2])[0], 0xa5);
}

/* wcfb_blit_surface_origin() with 4 bytes per pixel. */
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

	/* An 800x600 XRGB8888 buffer, pitch 3200. */
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

/* A 64x64 XRGB8888 buffer, pitch 256, 16 KiB. */
static void wcfb_test_surface_origin_small(struct kunit *test)
{
	u32 ox = 77, oy = 77;

	/* The whole buffer fits exactly. */
	KUNIT_EXPECT_EQ(test, origin(0, 256, 0, 0, 64, 64, 16384, &ox, &oy), 0);
	KUNIT_EXPECT_EQ(test, ox, 0u);
	KUNIT_EXPECT_EQ(test, oy, 0u);
	/* One pixel more in either direction does not. */
	KUNIT_EXPECT_EQ(test, origin(0, 256, 1, 0, 64, 64, 16384, &ox, &oy), -EINVAL);
	KUNIT_EXPECT_EQ(test, origin(0, 256, 0, 1, 64, 64, 16384, &ox, &oy), -EINVAL);
	KUNIT_EXPECT_EQ(test, origin(0, 256, 0, 0, 64, 64, 16383, &ox, &oy), -EINVAL);
	/* The bottom-right pixel alone. */
	KUNIT_EXPECT_EQ(test, origin(0, 256, 63, 63, 1, 1, 16384, &ox, &oy), 0);
	KUNIT_EXPECT_EQ(test, ox, 63u);
	KUNIT_EXPECT_EQ(test, oy, 63u);
	/* An offset of 1 line + 2 pixels moves the origin. */
	KUNIT_EXPECT_EQ(test, origin(256 + 8, 256, 1, 1, 2, 2, 16384, &ox, &oy), 0);
	KUNIT_EXPECT_EQ(test, ox, 3u);
	KUNIT_EXPECT_EQ(test, oy, 2u);
	/* An offset inside a pixel is refused. */
	KUNIT_EXPECT_EQ(test, origin(2, 256, 0, 0, 1, 1, 16384, &ox, &oy), -EINVAL);
	/* Overflow attempts: huge y with a huge pitch, huge x, huge offset. */
	KUNIT_EXPECT_EQ(test, origin(0, 0xffffffffu, 0, 0xffffffffu, 1, 0xffffffffu,
				     ~0ull, &ox, &oy), -EINVAL);
	KUNIT_EXPECT_EQ(test, origin(0, 256, 0xffffffffu, 0, 0xffffffffu, 1, ~0ull,
				     &ox, &oy), -EINVAL);
	KUNIT_EXPECT_EQ(test, origin(~0ull, 256, 0, 0, 1, 1, ~0ull, &ox, &oy), -EINVAL);
	/* Zero-sized rectangles touch nothing but still need a valid origin. */
	KUNIT_EXPECT_EQ(test, origin(0, 256, 5, 5, 0, 10, 0, &ox, &oy), 0);
	KUNIT_EXPECT_EQ(test, origin(0, 0, 0, 0, 1, 1, 16384, &ox, &oy), -EINVAL);
	/* RGB565, odd width: 3 pixels of 2 bytes at x=1 in a 8-byte pitch. */
	KUNIT_EXPECT_EQ(test, wcfb_blit_surface_origin(0, 8, 1, 0, 3, 1, 2, 8, &ox, &oy), 0);
	KUNIT_EXPECT_EQ(test, wcfb_blit_surface_origin(0, 8, 2, 0, 3, 1, 2, 8, &ox, &oy),
			-EINVAL);
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
	struct wcfb_blitter_table *tab;
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

	tab = wcfb_blitter_table_from_sgt(ctx->dev, &sgt);
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
		wcfb_blitter_table_free(tab);
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

static struct kunit_case wcfb_scanout_cases[] = {
	KUNIT_CASE(wcfb_test_formats),
	KUNIT_CASE(wcfb_test_check_dims),
	KUNIT_CASE(wcfb_test_pitch),
	KUNIT_CASE(wcfb_test_scan_span),
	KUNIT_CASE(wcfb_test_window_contains),
	KUNIT_CASE(wcfb_test_ramfb_encode_big_endian),
	KUNIT_CASE(wcfb_test_ramfb_encode_high_address),
	KUNIT_CASE(wcfb_test_ramfb_check),
	KUNIT_CASE(wcfb_test_fwcfg_dma_access),
	KUNIT_CASE(wcfb_test_fwcfg_completion),
	KUNIT_CASE(wcfb_test_fwcfg_file_parse),
	KUNIT_CASE(wcfb_test_verdict_strings),
	{}
};

static struct kunit_suite wcfb_scanout_suite = {
	.name = "wcfb_scanout",
	.test_cases = wcfb_scanout_cases,
};

static struct kunit_case wcfb_gem_cases[] = {
	KUNIT_CASE(wcfb_test_dumb_layout),
	KUNIT_CASE(wcfb_test_pool_consumed),
	KUNIT_CASE(wcfb_test_mode_fits_pool),
	{}
};

static struct kunit_suite wcfb_gem_suite = {
	.name = "wcfb_gem",
	.test_cases = wcfb_gem_cases,
};

static struct kunit_case wcfb_drv_cases[] = {
	KUNIT_CASE(wcfb_test_parse_mode),
	{}
};

static struct kunit_suite wcfb_drv_suite = {
	.name = "wcfb_drv",
	.test_cases = wcfb_drv_cases,
};

static struct kunit_case wcfb_blitter_cases[] = {
	KUNIT_CASE(wcfb_test_ring_space),
	KUNIT_CASE(wcfb_test_ring_slot),
	KUNIT_CASE(wcfb_test_ring_cycle),
	KUNIT_CASE(wcfb_test_ring_write),
	KUNIT_CASE(wcfb_test_ring_write_wraps),
	KUNIT_CASE(wcfb_test_surface_origin),
	KUNIT_CASE(wcfb_test_surface_origin_small),
	{}
};

static struct kunit_suite wcfb_blitter_suite = {
	.name = "wcfb_blitter",
	.test_cases = wcfb_blitter_cases,
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

/*
 * Every DRM rotation and reflection, as the engine's transform, against
 * the DRM definition written out: the framebuffer is reflected first,
 * then rotated counter-clockwise; screen pixel (X, Y) of the plane shows
 * framebuffer pixel rotate-0 (X, Y), rotate-90 (W-1-Y, X), rotate-180
 * (W-1-X, H-1-Y), rotate-270 (Y, H-1-X), in the reflected framebuffer.
 */
static void wcfb_test_rotation_xform(struct kunit *test)
{
	static const unsigned int rots[] = {
		DRM_MODE_ROTATE_0, DRM_MODE_ROTATE_90, DRM_MODE_ROTATE_180,
		DRM_MODE_ROTATE_270,
	};
	const u32 W = 3, H = 2;
	unsigned int r, refl;

	for (r = 0; r < ARRAY_SIZE(rots); r++) {
		for (refl = 0; refl < 4; refl++) {
			unsigned int rot = rots[r] |
				(refl & 1 ? DRM_MODE_REFLECT_X : 0) |
				(refl & 2 ? DRM_MODE_REFLECT_Y : 0);
			u32 f = wcfb_rotation_xform(rot);
			bool turned = r & 1, t = f & WCFB_ENG_XFORM_TRANSPOSE;
			u32 w = turned ? H : W, h = turned ? W : H, i, j;

			KUNIT_EXPECT_EQ(test, t, turned);
			for (j = 0; j < h; j++) {
				for (i = 0; i < w; i++) {
					u32 x, y, u = t ? j : i, v = t ? i : j;

					/* (x, y) by rotation r * 90 */
					x = r == 0 ? i : r == 1 ? W - 1 - j :
					    r == 2 ? W - 1 - i : j;
					y = r == 0 ? j : r == 1 ? i :
					    r == 2 ? H - 1 - j : H - 1 - i;
					if (refl & 1)
						x = W - 1 - x;
					if (refl & 2)
						y = H - 1 - y;
					if (f & WCFB_ENG_XFORM_REFLECT_X)
						u = W - 1 - u;
					if (f & WCFB_ENG_XFORM_REFLECT_Y)
						v = H - 1 - v;
					KUNIT_EXPECT_EQ_MSG(test, u * 16 + v, x * 16 + y,
							    "rotation %#x at (%u, %u)",
							    rot, i, j);
				}
			}
		}
	}
}

static struct kunit_case wcfb_composer_cases[] = {
	KUNIT_CASE(wcfb_test_rotation_xform),
	{}
};

static struct kunit_suite wcfb_composer_suite = {
	.name = "wcfb_composer",
	.test_cases = wcfb_composer_cases,
};

kunit_test_suites(&wcfb_scanout_suite, &wcfb_gem_suite, &wcfb_drv_suite,
		  &wcfb_blitter_suite, &wcfb_sg_suite, &wcfb_composer_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests of wcfb internals");
MODULE_LICENSE("GPL");
