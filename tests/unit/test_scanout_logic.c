// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for drm/wcfb_logic.c: format table, engine limits, pitch
 * rules, the byte layout of the ramfb configuration and of the fw_cfg DMA
 * access block, fw_cfg directory parsing, dumb buffer layout, pool
 * consumption and the "WxH" parser.
 *
 * Expected values are written out by hand (byte arrays, sizes), not
 * recomputed with the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "wcfb_logic.h"
#include "../../hw/proto/wcfb_engine_proto.h"

#define MiB (1024ULL * 1024ULL)

/* QEMU virt: 1 GiB of RAM at 0x40000000; the pool at 0x70000000. */
static const struct wcfb_window virt_ram[] = {
	{ .base = 0x40000000ULL, .size = 0x40000000ULL },
};

static void test_format_table(void **state)
{
	const struct wcfb_format *f;

	(void)state;
	/* The fourcc codes themselves, as drm_fourcc.h spells them. */
	assert_int_equal(WCFB_FMT_XRGB8888, 0x34325258);
	assert_int_equal(WCFB_FMT_ARGB8888, 0x34325241);
	assert_int_equal(WCFB_FMT_RGB888, 0x34324752);

	f = wcfb_format_lookup(0x34325258);
	assert_non_null(f);
	assert_int_equal(f->cpp, 4);
	f = wcfb_format_lookup(0x34325241);
	assert_non_null(f);
	assert_int_equal(f->cpp, 4);
	f = wcfb_format_lookup(0x34324752);
	assert_non_null(f);
	assert_int_equal(f->cpp, 3);

	/* XBGR8888, RGB565, 0: not shown pixel-exactly by ramfb. */
	assert_null(wcfb_format_lookup(WCFB_FOURCC('X', 'B', '2', '4')));
	assert_null(wcfb_format_lookup(WCFB_FOURCC('R', 'G', '1', '6')));
	assert_null(wcfb_format_lookup(0));
	assert_int_equal(WCFB_NUM_FORMATS, 3);
}

static void test_check_dims(void **state)
{
	(void)state;
	assert_int_equal(wcfb_check_dims(16, 16), WCFB_OK);
	assert_int_equal(wcfb_check_dims(4096, 4096), WCFB_OK);
	assert_int_equal(wcfb_check_dims(1920, 1080), WCFB_OK);
	assert_int_equal(wcfb_check_dims(15, 16), WCFB_ERR_WIDTH);
	assert_int_equal(wcfb_check_dims(4097, 16), WCFB_ERR_WIDTH);
	assert_int_equal(wcfb_check_dims(0, 0), WCFB_ERR_WIDTH);
	assert_int_equal(wcfb_check_dims(16, 15), WCFB_ERR_HEIGHT);
	assert_int_equal(wcfb_check_dims(16, 4097), WCFB_ERR_HEIGHT);
}

static void test_check_pitch(void **state)
{
	(void)state;
	/* The classic odd pitch: 1366 * 3 = 4098, not a multiple of 4. */
	assert_int_equal(wcfb_check_pitch(WCFB_FMT_RGB888, 1366, 4098),
			 WCFB_ERR_PITCH_ALIGN);
	assert_int_equal(wcfb_check_pitch(WCFB_FMT_RGB888, 1366, 4100),
			 WCFB_OK);
	assert_int_equal(wcfb_check_pitch(WCFB_FMT_RGB888, 1024, 3072),
			 WCFB_OK);
	assert_int_equal(wcfb_check_pitch(WCFB_FMT_XRGB8888, 1024, 4096),
			 WCFB_OK);
	assert_int_equal(wcfb_check_pitch(WCFB_FMT_XRGB8888, 1024, 8192),
			 WCFB_OK);
	assert_int_equal(wcfb_check_pitch(WCFB_FMT_XRGB8888, 1024, 4092),
			 WCFB_ERR_PITCH_SHORT);
	assert_int_equal(wcfb_check_pitch(WCFB_FMT_XRGB8888, 1024, 4098),
			 WCFB_ERR_PITCH_ALIGN);
	assert_int_equal(wcfb_check_pitch(WCFB_FOURCC('R', 'G', '1', '6'),
					  1024, 2048), WCFB_ERR_FORMAT);
	/* No 32-bit overflow in width * cpp. */
	assert_int_equal(wcfb_check_pitch(WCFB_FMT_XRGB8888, 0x40000000u, 0),
			 WCFB_ERR_PITCH_SHORT);
}

static void test_scan_span(void **state)
{
	(void)state;
	assert_int_equal(wcfb_scan_span(1024, 768, 4096, 4), 3145728);
	/* Last line only up to the visible width: 8192 * 767 + 4096. */
	assert_int_equal(wcfb_scan_span(1024, 768, 8192, 4), 6287360);
	assert_int_equal(wcfb_scan_span(16, 16, 64, 4), 1024);
	assert_int_equal(wcfb_scan_span(16, 1, 64, 3), 48);
	assert_int_equal(wcfb_scan_span(0, 768, 4096, 4), 0);
	assert_int_equal(wcfb_scan_span(1024, 0, 4096, 4), 0);
	/* 64-bit result for 32-bit inputs. */
	assert_true(wcfb_scan_span(4096, 0xffffffffu, 0xffffffffu, 4) >
		    0xffffffffULL);
}

static void test_window_contains(void **state)
{
	const struct wcfb_window pool = { 0x70000000ULL, 0x4000000ULL };
	const struct wcfb_window top = { 0xfffffffffffff000ULL, 0x1000 };

	(void)state;
	assert_true(wcfb_window_contains(&pool, 0x70000000ULL, 0x4000000ULL));
	assert_true(wcfb_window_contains(&pool, 0x73fff000ULL, 0x1000));
	assert_false(wcfb_window_contains(&pool, 0x73fff000ULL, 0x1001));
	assert_false(wcfb_window_contains(&pool, 0x6ffff000ULL, 0x1000));
	assert_false(wcfb_window_contains(&pool, 0x74000000ULL, 1));
	assert_false(wcfb_window_contains(&pool, 0x70000000ULL, 0));
	/* Sums that would wrap around must not fool it. */
	assert_false(wcfb_window_contains(&pool, 0x70000000ULL, ~0ULL));
	assert_true(wcfb_window_contains(&top, 0xffffffffffffffffULL, 1));
	assert_false(wcfb_window_contains(&top, 0xffffffffffffffffULL, 2));
}

static void test_ramfb_encode_big_endian(void **state)
{
	const struct wcfb_ramfb_cfg cfg = {
		.addr = 0x70100000ULL,
		.fourcc = WCFB_FMT_XRGB8888,
		.flags = 0,
		.width = 1024,
		.height = 768,
		.stride = 4096,
	};
	const uint8_t expected[WCFB_RAMFB_CFG_SIZE] = {
		0x00, 0x00, 0x00, 0x00, 0x70, 0x10, 0x00, 0x00,	/* addr */
		0x34, 0x32, 0x52, 0x58,				/* "XR24" */
		0x00, 0x00, 0x00, 0x00,				/* flags */
		0x00, 0x00, 0x04, 0x00,				/* 1024 */
		0x00, 0x00, 0x03, 0x00,				/* 768 */
		0x00, 0x00, 0x10, 0x00,				/* 4096 */
	};
	uint8_t out[WCFB_RAMFB_CFG_SIZE];

	(void)state;
	assert_int_equal(WCFB_RAMFB_CFG_SIZE, 28);
	memset(out, 0xa5, sizeof(out));
	wcfb_ramfb_cfg_encode(out, &cfg);
	assert_memory_equal(out, expected, sizeof(expected));
}

static void test_ramfb_encode_high_address(void **state)
{
	const struct wcfb_ramfb_cfg cfg = {
		.addr = 0x0123456789abcdefULL,
		.fourcc = WCFB_FMT_RGB888,
		.flags = 0x11223344,
		.width = 0x0a0b0c0d,
		.height = 16,
		.stride = 0xfedcba98,
	};
	const uint8_t expected[WCFB_RAMFB_CFG_SIZE] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0x34, 0x32, 0x47, 0x52,				/* "RG24" */
		0x11, 0x22, 0x33, 0x44,
		0x0a, 0x0b, 0x0c, 0x0d,
		0x00, 0x00, 0x00, 0x10,
		0xfe, 0xdc, 0xba, 0x98,
	};
	struct wcfb_ramfb_cfg back;
	uint8_t out[WCFB_RAMFB_CFG_SIZE];

	(void)state;
	wcfb_ramfb_cfg_encode(out, &cfg);
	assert_memory_equal(out, expected, sizeof(expected));

	memset(&back, 0, sizeof(back));
	wcfb_ramfb_cfg_decode(out, &back);
	assert_true(back.addr == cfg.addr);
	assert_int_equal(back.fourcc, cfg.fourcc);
	assert_int_equal(back.flags, cfg.flags);
	assert_int_equal(back.width, cfg.width);
	assert_int_equal(back.height, cfg.height);
	assert_int_equal(back.stride, cfg.stride);
}

static struct wcfb_ramfb_cfg good_cfg(void)
{
	struct wcfb_ramfb_cfg cfg = {
		.addr = 0x70100000ULL,
		.fourcc = WCFB_FMT_XRGB8888,
		.flags = 0,
		.width = 1024,
		.height = 768,
		.stride = 4096,
	};
	return cfg;
}

static void test_ramfb_check(void **state)
{
	const struct wcfb_window two[] = {
		{ 0x40000000ULL, 0x10000000ULL },
		{ 0x80000000ULL, 0x10000000ULL },
	};
	struct wcfb_ramfb_cfg cfg;

	(void)state;
	cfg = good_cfg();
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_OK);

	cfg = good_cfg();
	cfg.fourcc = WCFB_FOURCC('X', 'B', '2', '4');
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			 WCFB_ERR_FORMAT);

	cfg = good_cfg();
	cfg.flags = 1;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			 WCFB_ERR_FLAGS);

	cfg = good_cfg();
	cfg.width = 15;
	cfg.stride = 64;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			 WCFB_ERR_WIDTH);

	cfg = good_cfg();
	cfg.height = 15;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			 WCFB_ERR_HEIGHT);

	cfg = good_cfg();
	cfg.stride = 4094;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			 WCFB_ERR_PITCH_ALIGN);

	cfg = good_cfg();
	cfg.stride = 4092;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			 WCFB_ERR_PITCH_SHORT);

	/* Ending exactly at the end of RAM is fine, one byte more is not. */
	cfg = good_cfg();
	cfg.addr = 0x80000000ULL - 3145728;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_OK);
	cfg.addr += 4;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			 WCFB_ERR_RANGE);

	/* Below RAM (e.g. a device's MMIO) is not scanned. */
	cfg = good_cfg();
	cfg.addr = 0x09020000ULL;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			 WCFB_ERR_RANGE);

	/* No RAM at all. */
	cfg = good_cfg();
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 0),
			 WCFB_ERR_RANGE);

	/* Second window, and a range straddling the gap between two. */
	cfg = good_cfg();
	cfg.addr = 0x80000000ULL;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, two, 2), WCFB_OK);
	cfg.addr = 0x4ff00000ULL;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, two, 2), WCFB_ERR_RANGE);

	/* Wrap-around at the top of the address space. */
	cfg = good_cfg();
	cfg.addr = 0xfffffffffff00000ULL;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1),
			 WCFB_ERR_OVERFLOW);

	/* The zero-page parking configuration of the driver. */
	cfg = good_cfg();
	cfg.addr = 0x41234000ULL;
	cfg.width = 16;
	cfg.height = 16;
	cfg.stride = 64;
	assert_int_equal(wcfb_ramfb_cfg_check(&cfg, virt_ram, 1), WCFB_OK);
}

static void test_fwcfg_dma_access(void **state)
{
	const uint8_t expected[WCFB_FWCFG_DMA_ACCESS_SIZE] = {
		0x00, 0x19, 0x00, 0x0a,		/* key 0x19, SELECT | READ */
		0x00, 0x00, 0x00, 0x04,		/* length */
		0x00, 0x00, 0x00, 0x00, 0x7f, 0xff, 0x10, 0x40,
	};
	uint8_t out[WCFB_FWCFG_DMA_ACCESS_SIZE];
	uint32_t control;

	(void)state;
	assert_int_equal(WCFB_FWCFG_DMA_ACCESS_SIZE, 16);

	control = wcfb_fwcfg_dma_control(WCFB_FWCFG_KEY_FILE_DIR,
					 WCFB_FWCFG_DMA_SELECT |
					 WCFB_FWCFG_DMA_READ);
	assert_int_equal(control, 0x0019000a);
	memset(out, 0xa5, sizeof(out));
	wcfb_fwcfg_dma_access_encode(out, control, 4, 0x7fff1040ULL);
	assert_memory_equal(out, expected, sizeof(expected));

	/* The ramfb write: key in the top half, SELECT | WRITE = 0x18. */
	assert_int_equal(wcfb_fwcfg_dma_control(0x0025, WCFB_FWCFG_DMA_SELECT |
						WCFB_FWCFG_DMA_WRITE),
			 0x00250018);
	/* A continued read carries no key. */
	assert_int_equal(wcfb_fwcfg_dma_control(0, WCFB_FWCFG_DMA_READ), 2);

	/* 64-bit address, all bytes distinct. */
	wcfb_fwcfg_dma_access_encode(out, 0x80000010, 0x1c,
				     0x1122334455667788ULL);
	assert_int_equal(out[0], 0x80);
	assert_int_equal(out[3], 0x10);
	assert_int_equal(out[7], 0x1c);
	assert_int_equal(out[8], 0x11);
	assert_int_equal(out[15], 0x88);
}

static void test_fwcfg_completion(void **state)
{
	(void)state;
	assert_true(wcfb_fwcfg_dma_done(0));
	assert_false(wcfb_fwcfg_dma_failed(0));
	assert_true(wcfb_fwcfg_dma_done(WCFB_FWCFG_DMA_ERROR));
	assert_true(wcfb_fwcfg_dma_failed(WCFB_FWCFG_DMA_ERROR));
	assert_false(wcfb_fwcfg_dma_done(WCFB_FWCFG_DMA_READ));
	assert_false(wcfb_fwcfg_dma_done(0x0019000a));
	assert_false(wcfb_fwcfg_dma_done(WCFB_FWCFG_DMA_WRITE |
					 WCFB_FWCFG_DMA_ERROR));
}

static void test_fwcfg_file_parse(void **state)
{
	uint8_t entry[WCFB_FWCFG_FILE_SIZE];
	struct wcfb_fwcfg_file f;

	(void)state;
	memset(entry, 0, sizeof(entry));
	entry[3] = 0x1c;			/* size 28 */
	entry[4] = 0x00;
	entry[5] = 0x25;			/* select 0x0025 */
	entry[6] = 0xde;			/* reserved: ignored */
	entry[7] = 0xad;
	memcpy(entry + 8, "etc/ramfb", 9);

	memset(&f, 0xff, sizeof(f));
	assert_int_equal(wcfb_fwcfg_file_parse(entry, &f), 0);
	assert_int_equal(f.size, 28);
	assert_int_equal(f.select, 0x25);
	assert_string_equal(f.name, "etc/ramfb");

	entry[0] = 0x12;
	entry[1] = 0x34;
	entry[2] = 0x56;
	entry[3] = 0x78;
	entry[4] = 0x80;
	entry[5] = 0x01;
	assert_int_equal(wcfb_fwcfg_file_parse(entry, &f), 0);
	assert_int_equal(f.size, 0x12345678);
	assert_int_equal(f.select, 0x8001);

	/* A name using all 56 bytes has no terminator: refused. */
	memset(entry + 8, 'a', WCFB_FWCFG_FILE_NAME_LEN);
	assert_int_equal(wcfb_fwcfg_file_parse(entry, &f), -EINVAL);
	/* 55 characters and a NUL: fine. */
	entry[8 + WCFB_FWCFG_FILE_NAME_LEN - 1] = '\0';
	assert_int_equal(wcfb_fwcfg_file_parse(entry, &f), 0);
	assert_int_equal(strlen(f.name), 55);
}

static void test_dumb_layout(void **state)
{
	uint32_t pitch = 0;
	uint64_t size = 0;

	(void)state;
	assert_int_equal(wcfb_dumb_layout(1024, 768, 32, 4096, &pitch, &size), 0);
	assert_int_equal(pitch, 4096);
	assert_int_equal(size, 3145728);

	/* RGB888 1366 wide: 4098 rounded up to 64 -> 4160. */
	assert_int_equal(wcfb_dumb_layout(1366, 768, 24, 4096, &pitch, &size), 0);
	assert_int_equal(pitch, 4160);
	assert_int_equal(size, 4160ULL * 768);

	assert_int_equal(wcfb_dumb_layout(1, 1, 32, 4096, &pitch, &size), 0);
	assert_int_equal(pitch, 64);
	assert_int_equal(size, 64);

	assert_int_equal(wcfb_dumb_layout(4096, 4096, 32, 4096, &pitch, &size), 0);
	assert_int_equal(pitch, 16384);
	assert_true(size == 64 * MiB);

	pitch = 7;
	assert_int_equal(wcfb_dumb_layout(1024, 768, 16, 4096, &pitch, &size),
			 -EINVAL);
	assert_int_equal(pitch, 7);	/* untouched on error */
	assert_int_equal(wcfb_dumb_layout(1024, 768, 8, 4096, &pitch, &size),
			 -EINVAL);
	assert_int_equal(wcfb_dumb_layout(1024, 768, 0, 4096, &pitch, &size),
			 -EINVAL);
	assert_int_equal(wcfb_dumb_layout(0, 768, 32, 4096, &pitch, &size),
			 -EINVAL);
	assert_int_equal(wcfb_dumb_layout(1024, 0, 32, 4096, &pitch, &size),
			 -EINVAL);
	assert_int_equal(wcfb_dumb_layout(4097, 768, 32, 4096, &pitch, &size),
			 -EINVAL);
	assert_int_equal(wcfb_dumb_layout(1024, 4097, 32, 4096, &pitch, &size),
			 -EINVAL);
}

static void test_pool_consumed(void **state)
{
	(void)state;
	/* CMA: exactly the pages. */
	assert_int_equal(wcfb_pool_consumed(3145728, false, 12), 3145728);
	assert_int_equal(wcfb_pool_consumed(1, false, 12), 4096);
	assert_int_equal(wcfb_pool_consumed(4097, false, 12), 8192);
	assert_int_equal(wcfb_pool_consumed(12289, false, 12), 16384);
	assert_int_equal(wcfb_pool_consumed(8294400, false, 12), 8294400);
	/* no-map carveout: PAGE_SIZE << get_order(size). */
	assert_int_equal(wcfb_pool_consumed(3145728, true, 12), 4194304);
	assert_int_equal(wcfb_pool_consumed(1, true, 12), 4096);
	assert_int_equal(wcfb_pool_consumed(4096, true, 12), 4096);
	assert_int_equal(wcfb_pool_consumed(4097, true, 12), 8192);
	assert_int_equal(wcfb_pool_consumed(12289, true, 12), 16384);
	assert_int_equal(wcfb_pool_consumed(8294400, true, 12), 8388608);
	assert_int_equal(wcfb_pool_consumed(4194304, true, 12), 4194304);
	/* 64 KiB pages. */
	assert_int_equal(wcfb_pool_consumed(65537, true, 16), 131072);
	assert_int_equal(wcfb_pool_consumed(0, true, 12), 0);
	assert_int_equal(wcfb_pool_consumed(0, false, 12), 0);
}

static void test_mode_fits_pool(void **state)
{
	(void)state;
	assert_true(wcfb_mode_fits_pool(1920, 1080, 64 * MiB, false, 12));
	assert_true(wcfb_mode_fits_pool(1920, 1080, 64 * MiB, true, 12));
	/* 4096x4096x4 = 64 MiB per buffer: two do not fit in 64 MiB. */
	assert_false(wcfb_mode_fits_pool(4096, 4096, 64 * MiB, false, 12));
	/* 1280x1024: 5 MiB per buffer; CMA 10 MiB, no-map 2 x 8 MiB. */
	assert_true(wcfb_mode_fits_pool(1280, 1024, 12 * MiB, false, 12));
	assert_false(wcfb_mode_fits_pool(1280, 1024, 12 * MiB, true, 12));
	assert_true(wcfb_mode_fits_pool(1280, 1024, 16 * MiB, true, 12));
	/* Exactly two 1024x768 buffers (3 MiB each, CMA). */
	assert_true(wcfb_mode_fits_pool(1024, 768, 6 * MiB, false, 12));
	assert_false(wcfb_mode_fits_pool(1024, 768, 6 * MiB - 1, false, 12));
}

static void test_parse_mode(void **state)
{
	uint32_t w = 0, h = 0;

	(void)state;
	assert_int_equal(wcfb_parse_mode("1280x720", &w, &h), 0);
	assert_int_equal(w, 1280);
	assert_int_equal(h, 720);
	assert_int_equal(wcfb_parse_mode("16X16\n", &w, &h), 0);
	assert_int_equal(w, 16);
	assert_int_equal(h, 16);
	assert_int_equal(wcfb_parse_mode("99999x1", &w, &h), 0);
	assert_int_equal(w, 99999);

	w = 1;
	h = 2;
	assert_int_equal(wcfb_parse_mode(NULL, &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("1280", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("x720", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("1280x", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("1280x720x", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("1280*720", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode(" 1280x720", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("1280x720 ", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("-1280x720", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("0x720", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("1280x0", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("123456x10", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("4294967297x1", &w, &h), -EINVAL);
	assert_int_equal(wcfb_parse_mode("1280x720\n\n", &w, &h), -EINVAL);
	/* Outputs untouched on error. */
	assert_int_equal(w, 1);
	assert_int_equal(h, 2);
}

static void test_verdict_strings(void **state)
{
	int v;

	(void)state;
	assert_string_equal(wcfb_verdict_str(WCFB_OK), "ok");
	for (v = WCFB_ERR_FORMAT; v <= WCFB_ERR_OVERFLOW; v++) {
		const char *s = wcfb_verdict_str((enum wcfb_verdict)v);

		assert_non_null(s);
		assert_string_not_equal(s, "unknown");
		assert_string_not_equal(s, "ok");
	}
	assert_string_equal(wcfb_verdict_str((enum wcfb_verdict)1000),
			    "unknown");
}

static void test_byte_helpers(void **state)
{
	uint8_t b[8];

	(void)state;
	wcfb_put_be16(b, 0xbeef);
	assert_int_equal(b[0], 0xbe);
	assert_int_equal(b[1], 0xef);
	assert_int_equal(wcfb_get_be16(b), 0xbeef);
	wcfb_put_be32(b, 0xdeadbeef);
	assert_int_equal(b[0], 0xde);
	assert_int_equal(b[3], 0xef);
	assert_int_equal(wcfb_get_be32(b), 0xdeadbeef);
	wcfb_put_be64(b, 0x0102030405060708ULL);
	assert_int_equal(b[0], 0x01);
	assert_int_equal(b[7], 0x08);
	assert_true(wcfb_get_be64(b) == 0x0102030405060708ULL);
}

static void test_ring_space_wraps(void **state)
{
	(void)state;
	assert_int_equal(wcfb_ring_space(0, 0, 1024), 1024);
	assert_int_equal(wcfb_ring_space(1024, 0, 1024), 0);
	assert_int_equal(wcfb_ring_space(1000, 990, 1024), 1014);
	/* Across the u32 wrap: head 2, retired 0xfffffffe -> 4 in use. */
	assert_int_equal(wcfb_ring_space(2, 0xfffffffeU, 8), 4);
	assert_int_equal(wcfb_ring_slot(0xffffffffU, 8), 7);
	assert_int_equal(wcfb_ring_slot(0xfffffff8U + 9U, 8), 1);	/* wraps to 1 */
}

/* Descriptors published across the ring's end keep order and numbering. */
static void test_ring_write_wraps(void **state)
{
	struct wcfb_eng_desc ring[8], d[3];
	u64 seqno = 9;
	u32 i;

	(void)state;
	memset(ring, 0xa5, sizeof(ring));
	memset(d, 0, sizeof(d));
	for (i = 0; i < 3; i++)
		d[i].width = 10 + i;
	assert_true(wcfb_ring_write(ring, 8, 0xffffffffU, d, 3, &seqno) == 12);
	assert_true(seqno == 12);
	/* Index 0xffffffff is slot 7, then 0 and 1. */
	assert_int_equal(ring[7].width, 10);
	assert_int_equal(ring[0].width, 11);
	assert_int_equal(ring[1].width, 12);
	assert_true(ring[7].seqno == 10 && ring[0].seqno == 11 && ring[1].seqno == 12);
	assert_int_equal(ring[1].status, WCFB_ENG_ST_PENDING);
	/* Slot 2 is untouched. */
	assert_int_equal(((unsigned char *)&ring[2])[0], 0xa5);
}

static void test_blit_rect(void **state)
{
	u32 ox = 77, oy = 77;

	(void)state;
	/* 64x64 XRGB8888, pitch 256, 16 KiB: the whole buffer fits exactly. */
	assert_int_equal(wcfb_blit_surface_origin(0, 256, 0, 0, 64, 64, 4, 16384,
						  &ox, &oy), 0);
	assert_int_equal(ox, 0);
	assert_int_equal(oy, 0);
	/* One pixel more in either direction does not. */
	assert_int_equal(wcfb_blit_surface_origin(0, 256, 1, 0, 64, 64, 4, 16384,
						  &ox, &oy), -EINVAL);
	assert_int_equal(wcfb_blit_surface_origin(0, 256, 0, 1, 64, 64, 4, 16384,
						  &ox, &oy), -EINVAL);
	assert_int_equal(wcfb_blit_surface_origin(0, 256, 0, 0, 64, 64, 4, 16383,
						  &ox, &oy), -EINVAL);
	/* The bottom-right pixel alone. */
	assert_int_equal(wcfb_blit_surface_origin(0, 256, 63, 63, 1, 1, 4, 16384,
						  &ox, &oy), 0);
	assert_int_equal(ox, 63);
	assert_int_equal(oy, 63);
	/* An offset of 1 line + 2 pixels moves the origin. */
	assert_int_equal(wcfb_blit_surface_origin(256 + 8, 256, 1, 1, 2, 2, 4, 16384,
						  &ox, &oy), 0);
	assert_int_equal(ox, 3);
	assert_int_equal(oy, 2);
	/* An offset inside a pixel is refused. */
	assert_int_equal(wcfb_blit_surface_origin(2, 256, 0, 0, 1, 1, 4, 16384,
						  &ox, &oy), -EINVAL);
	/* Overflow attempts: huge y with a huge pitch, huge x, huge offset. */
	assert_int_equal(wcfb_blit_surface_origin(0, 0xffffffffU, 0, 0xffffffffU, 1,
						  0xffffffffU, 4, ~0ULL, &ox, &oy),
			 -EINVAL);
	assert_int_equal(wcfb_blit_surface_origin(0, 256, 0xffffffffU, 0, 0xffffffffU,
						  1, 4, ~0ULL, &ox, &oy), -EINVAL);
	assert_int_equal(wcfb_blit_surface_origin(~0ULL, 256, 0, 0, 1, 1, 4, ~0ULL,
						  &ox, &oy), -EINVAL);
	/* Zero-sized rectangles touch nothing but still need a valid origin. */
	assert_int_equal(wcfb_blit_surface_origin(0, 256, 5, 5, 0, 10, 4, 0,
						  &ox, &oy), 0);
	assert_int_equal(wcfb_blit_surface_origin(0, 0, 0, 0, 1, 1, 4, 16384,
						  &ox, &oy), -EINVAL);
	/* RGB565, odd width: 3 pixels of 2 bytes at x=1 in a 8-byte pitch. */
	assert_int_equal(wcfb_blit_surface_origin(0, 8, 1, 0, 3, 1, 2, 8,
						  &ox, &oy), 0);
	assert_int_equal(wcfb_blit_surface_origin(0, 8, 2, 0, 3, 1, 2, 8,
						  &ox, &oy), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_table),
		cmocka_unit_test(test_check_dims),
		cmocka_unit_test(test_check_pitch),
		cmocka_unit_test(test_scan_span),
		cmocka_unit_test(test_window_contains),
		cmocka_unit_test(test_ramfb_encode_big_endian),
		cmocka_unit_test(test_ramfb_encode_high_address),
		cmocka_unit_test(test_ramfb_check),
		cmocka_unit_test(test_fwcfg_dma_access),
		cmocka_unit_test(test_fwcfg_completion),
		cmocka_unit_test(test_fwcfg_file_parse),
		cmocka_unit_test(test_dumb_layout),
		cmocka_unit_test(test_pool_consumed),
		cmocka_unit_test(test_mode_fits_pool),
		cmocka_unit_test(test_parse_mode),
		cmocka_unit_test(test_verdict_strings),
		cmocka_unit_test(test_byte_helpers),
		cmocka_unit_test(test_ring_space_wraps),
		cmocka_unit_test(test_ring_write_wraps),
		cmocka_unit_test(test_blit_rect),
	};

	return cmocka_run_group_tests_name("wcfb scanout logic", tests,
					   NULL, NULL);
}
