/* SPDX-License-Identifier: MIT */
/*
 * zlib's crc32() (reflected polynomial 0xEDB88320, initial value and final
 * XOR ~0): the CRC the driver's debugfs CRC (crtc-0/crc/data) reports for
 * a frame, over its R, G, B bytes row by row.  One definition for the
 * clients that compute it on the CPU to compare with the driver's.
 */
#ifndef WCFB_CRC32_H
#define WCFB_CRC32_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t wcfb_crc32(uint32_t crc, const uint8_t *b, size_t n)
{
	static uint32_t table[256];
	size_t i;

	if (!table[1]) {
		uint32_t k, c;
		int j;

		for (k = 0; k < 256; k++) {
			for (c = k, j = 0; j < 8; j++)
				c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
			table[k] = c;
		}
	}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = table[(crc ^ b[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

#endif
