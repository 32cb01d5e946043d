/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Guest RAM access for the wcfb engine model.
 *
 * guest_ram.c is the only code that dereferences guest memory.  Every
 * access takes a guest DMA address (== guest physical address on virt:
 * there is no IOMMU) and is checked against the engine's DMA width and the
 * extent of the mapped RAM file before a host pointer is formed.
 */
#ifndef WCFB_GUEST_RAM_H
#define WCFB_GUEST_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct GuestRam {
	const char *path;       /* memory-backend-file mem-path */
	uint8_t *host;          /* mapping, NULL until mapped */
	uint64_t base;          /* GPA of file offset 0 */
	uint64_t size;          /* bytes mapped (file size) */
	uint64_t want_size;     /* --ram-size, 0 = accept the file's size */
	unsigned dma_bits;      /* engine address width, 1..64 */
} GuestRam;

/* Where and why an access was refused. */
typedef struct GuestFault {
	uint32_t code;          /* WCFB_ENG_ERR_* */
	uint64_t addr;          /* offending guest address */
} GuestFault;

/* One segment of a surface, with its offset in the concatenation. */
typedef struct GuestSeg {
	uint64_t gpa;
	uint64_t len;
	uint64_t off;           /* sum of the lengths before it */
} GuestSeg;

/* A surface's buffer: validated SG list, owned by the caller. */
typedef struct GuestBuf {
	GuestSeg *seg;
	uint32_t nseg;
	uint32_t cap;           /* allocated entries of seg */
	uint64_t extent;        /* sum of all lengths */
} GuestBuf;

int guest_ram_map(GuestRam *ram);
void guest_ram_unmap(GuestRam *ram);
static inline bool guest_ram_mapped(const GuestRam *ram)
{
	return ram->host != NULL;
}

/* 0 if [gpa, gpa+len) is DMA-reachable guest RAM, else an error code
 * (DMA_RANGE is checked before NOT_RAM: the engine cannot even emit an
 * address wider than DMA_BITS). */
uint32_t guest_ram_check(const GuestRam *ram, uint64_t gpa, uint64_t len,
			 GuestFault *f);

uint32_t guest_ram_read(const GuestRam *ram, uint64_t gpa, void *dst,
			size_t len, GuestFault *f);
uint32_t guest_ram_write(const GuestRam *ram, uint64_t gpa, const void *src,
			 size_t len, GuestFault *f);
/* 64-bit little-endian store with release ordering: everything written
 * before it is visible to the guest once it sees the new value. */
uint32_t guest_ram_store64_release(const GuestRam *ram, uint64_t gpa,
				   uint64_t val, GuestFault *f);

/* Read and validate an SG table of @count entries at @sg_gpa into @buf. */
uint32_t guest_buf_load(const GuestRam *ram, uint64_t sg_gpa, uint32_t count,
			uint32_t max_count, GuestBuf *buf, GuestFault *f);
void guest_buf_free(GuestBuf *buf);
/* Byte range [off, off+len) within the buffer's extent? */
uint32_t guest_buf_check(const GuestBuf *buf, uint64_t off, uint64_t len,
			 GuestFault *f);
uint32_t guest_buf_read(const GuestRam *ram, const GuestBuf *buf,
			uint64_t off, void *dst, size_t len, GuestFault *f);
uint32_t guest_buf_write(const GuestRam *ram, const GuestBuf *buf,
			 uint64_t off, const void *src, size_t len,
			 GuestFault *f);
/* Could any byte of @a alias any byte of @b in guest memory? */
bool guest_buf_overlap(const GuestBuf *a, const GuestBuf *b);

#endif
