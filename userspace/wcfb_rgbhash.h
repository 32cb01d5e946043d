/* SPDX-License-Identifier: MIT */
/*
 * The screenshot hash, shared by the in-guest screenshot tool (over the
 * PNG it wrote) and the host check `wcfb-imgcheck rgbhash` (over QEMU's
 * capture): FNV-1a 64 over the RGB bytes, row by row, R then G then B.
 * One definition, so the two sides can only agree by seeing equal pixels.
 */
#ifndef WCFB_RGBHASH_H
#define WCFB_RGBHASH_H

#include <stdint.h>

#define WCFB_RGBHASH_INIT	0xcbf29ce484222325ull

static inline uint64_t wcfb_rgbhash_byte(uint64_t hash, uint8_t byte)
{
	return (hash ^ byte) * 0x100000001b3ull;
}

#endif
