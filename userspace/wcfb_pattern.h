/* SPDX-License-Identifier: MIT */
/*
 * The test pattern, shared by the guest clients that draw it and the host
 * tool that checks QEMU's screendump of it.  One definition, so "expected"
 * can never drift from "drawn".
 *
 * Consecutive seeds differ in every pixel (the red channel moves by 101
 * modulo 256), so a flip that did not happen cannot pass for one that did.
 */
#ifndef WCFB_PATTERN_H
#define WCFB_PATTERN_H

#include <stdint.h>

/* 0x00RRGGBB of pattern SEED at (x, y). */
static inline uint32_t wcfb_pattern_rgb(uint32_t seed, uint32_t x, uint32_t y)
{
	uint32_t r = (x * 3 + seed * 101) & 0xff;
	uint32_t g = (y * 5 + seed * 37) & 0xff;
	uint32_t b = ((x ^ y) + seed * 59 + (x / 16 + y / 16) * 17) & 0xff;

	return r << 16 | g << 8 | b;
}

/* Alpha written into ARGB8888 pixels: varied, so a display that blended
 * or premultiplied instead of ignoring it would show. */
static inline uint32_t wcfb_pattern_alpha(uint32_t x, uint32_t y)
{
	return (x + 7 * y) & 0xff;
}

#endif
