/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Guest RAM: mapping of QEMU's memory-backend-file and every bounds check.
 *
 * The guest owns this memory and may change it at any time, including
 * while the engine works on it, so: descriptors and SG tables are copied
 * out once and only the copies are validated and used (no double fetch);
 * pixel data races are harmless (the result is just different pixels).
 */
#include "guest_ram.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../proto/wcfb_engine_proto.h"

int guest_ram_map(GuestRam *ram)
{
	struct stat st;
	void *p;
	int fd;

	if (ram->host)
		return 0;
	fd = open(ram->path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		/* QEMU creates/sizes the file when it realizes the backend,
		 * which is after it connected to us: try again later. */
		close(fd);
		return -EAGAIN;
	}
	if (ram->want_size && (uint64_t)st.st_size != ram->want_size) {
		fprintf(stderr, "wcfb-engine: %s is %lld bytes, expected %llu\n",
			ram->path, (long long)st.st_size,
			(unsigned long long)ram->want_size);
		close(fd);
		return -EINVAL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	close(fd);      /* the mapping keeps the file alive */
	if (p == MAP_FAILED)
		return -errno;
	ram->host = p;
	ram->size = (uint64_t)st.st_size;
	return 0;
}

void guest_ram_unmap(GuestRam *ram)
{
	if (ram->host)
		munmap(ram->host, ram->size);
	ram->host = NULL;
	ram->size = 0;
}

static uint32_t fault(GuestFault *f, uint32_t code, uint64_t addr)
{
	if (f) {
		f->code = code;
		f->addr = addr;
	}
	return code;
}

uint32_t guest_ram_check(const GuestRam *ram, uint64_t gpa, uint64_t len,
			 GuestFault *f)
{
	uint64_t last;

	if (len == 0)
		len = 1;        /* a zero-length access still names an address */
	if (__builtin_add_overflow(gpa, len - 1, &last))
		return fault(f, WCFB_ENG_ERR_DMA_RANGE, gpa);
	if (ram->dma_bits < 64 && (last >> ram->dma_bits) != 0)
		return fault(f, WCFB_ENG_ERR_DMA_RANGE,
			     (gpa >> ram->dma_bits) ? gpa : last);
	if (!ram->host || gpa < ram->base || gpa - ram->base >= ram->size ||
	    last - ram->base >= ram->size)
		return fault(f, WCFB_ENG_ERR_NOT_RAM,
			     (gpa < ram->base || gpa - ram->base >= ram->size) ?
			     gpa : last);
	return WCFB_ENG_ST_OK;
}

uint32_t guest_ram_read(const GuestRam *ram, uint64_t gpa, void *dst,
			size_t len, GuestFault *f)
{
	uint32_t err = guest_ram_check(ram, gpa, len, f);

	if (err)
		return err;
	memcpy(dst, ram->host + (gpa - ram->base), len);
	return WCFB_ENG_ST_OK;
}

uint32_t guest_ram_write(const GuestRam *ram, uint64_t gpa, const void *src,
			 size_t len, GuestFault *f)
{
	uint32_t err = guest_ram_check(ram, gpa, len, f);

	if (err)
		return err;
	memcpy(ram->host + (gpa - ram->base), src, len);
	return WCFB_ENG_ST_OK;
}

uint32_t guest_ram_store64_release(const GuestRam *ram, uint64_t gpa,
				   uint64_t val, GuestFault *f)
{
	uint32_t err = guest_ram_check(ram, gpa, 8, f);

	if (err)
		return err;
	if (gpa & 7)
		return fault(f, WCFB_ENG_ERR_CMPL_CONFIG, gpa);
	__atomic_store_n((uint64_t *)(void *)(ram->host + (gpa - ram->base)),
			 val, __ATOMIC_RELEASE);
	return WCFB_ENG_ST_OK;
}

/* ---------------------------------------------------------------- */
/* Scatter-gather buffers                                            */
/* ---------------------------------------------------------------- */

uint32_t guest_buf_load(const GuestRam *ram, uint64_t sg_gpa, uint32_t count,
			uint32_t max_count, GuestBuf *buf, GuestFault *f)
{
	struct wcfb_eng_sg ent[64];
	uint64_t extent = 0;
	uint32_t err, i, j;

	buf->nseg = 0;
	buf->extent = 0;
	if (count == 0 || count > max_count)
		return fault(f, WCFB_ENG_ERR_SG, sg_gpa);
	if (sg_gpa & 7)
		return fault(f, WCFB_ENG_ERR_SG, sg_gpa);
	/* whole table first, so a bad table faults before any entry does */
	err = guest_ram_check(ram, sg_gpa,
			      (uint64_t)count * sizeof(struct wcfb_eng_sg), f);
	if (err)
		return err;
	if (buf->cap < count) {
		GuestSeg *n = realloc(buf->seg, count * sizeof(*n));

		if (!n)
			return fault(f, WCFB_ENG_ERR_NOMEM, sg_gpa);
		buf->seg = n;
		buf->cap = count;
	}
	for (i = 0; i < count; i += 64) {
		uint32_t chunk = count - i < 64 ? count - i : 64;

		/* copy out once; only the copy is validated and used */
		err = guest_ram_read(ram, sg_gpa + (uint64_t)i * sizeof(ent[0]),
				     ent, chunk * sizeof(ent[0]), f);
		if (err)
			return err;
		for (j = 0; j < chunk; j++) {
			GuestSeg *s = &buf->seg[i + j];

			s->gpa = le64toh(ent[j].addr);
			s->len = le64toh(ent[j].len);
			if (s->len == 0)
				return fault(f, WCFB_ENG_ERR_SG,
					     sg_gpa + (uint64_t)(i + j) * 16);
			err = guest_ram_check(ram, s->gpa, s->len, f);
			if (err)
				return err;
			s->off = extent;
			/* segments may repeat, so the sum is only bounded by
			 * MAX_SG * RAM size: still check */
			if (__builtin_add_overflow(extent, s->len, &extent))
				return fault(f, WCFB_ENG_ERR_SG, s->gpa);
		}
	}
	buf->nseg = count;
	buf->extent = extent;
	return WCFB_ENG_ST_OK;
}

void guest_buf_free(GuestBuf *buf)
{
	free(buf->seg);
	buf->seg = NULL;
	buf->nseg = buf->cap = 0;
	buf->extent = 0;
}

uint32_t guest_buf_check(const GuestBuf *buf, uint64_t off, uint64_t len,
			 GuestFault *f)
{
	uint64_t end;

	if (__builtin_add_overflow(off, len, &end) || end > buf->extent)
		return fault(f, WCFB_ENG_ERR_EXTENT, off);
	return WCFB_ENG_ST_OK;
}

/* Index of the segment holding byte @off (off < extent). */
static uint32_t seg_find(const GuestBuf *buf, uint64_t off)
{
	uint32_t lo = 0, hi = buf->nseg - 1;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;

		if (buf->seg[mid].off <= off)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Walk [off, off+len) across segments; copy in or out.  Every segment was
 * checked against RAM when loaded, and the range against the extent here,
 * so each memcpy stays inside the mapping; the per-piece re-check is
 * belt and braces against a logic error, not against the guest. */
static uint32_t buf_xfer(const GuestRam *ram, const GuestBuf *buf,
			 uint64_t off, uint8_t *host, size_t len, bool write,
			 GuestFault *f)
{
	uint32_t err, i;

	if (len == 0)
		return WCFB_ENG_ST_OK;
	err = guest_buf_check(buf, off, len, f);
	if (err)
		return err;
	for (i = seg_find(buf, off); len; i++) {
		const GuestSeg *s = &buf->seg[i];
		uint64_t in = off - s->off;
		size_t n = s->len - in < len ? (size_t)(s->len - in) : len;

		err = write ? guest_ram_write(ram, s->gpa + in, host, n, f)
			    : guest_ram_read(ram, s->gpa + in, host, n, f);
		if (err)
			return err;
		host += n;
		off += n;
		len -= n;
	}
	return WCFB_ENG_ST_OK;
}

uint32_t guest_buf_read(const GuestRam *ram, const GuestBuf *buf,
			uint64_t off, void *dst, size_t len, GuestFault *f)
{
	return buf_xfer(ram, buf, off, dst, len, false, f);
}

uint32_t guest_buf_write(const GuestRam *ram, const GuestBuf *buf,
			 uint64_t off, const void *src, size_t len,
			 GuestFault *f)
{
	return buf_xfer(ram, buf, off, (uint8_t *)(uintptr_t)src, len, true,
			f);
}

typedef struct Range {
	uint64_t start, end;    /* [start, end) */
} Range;

static int range_cmp(const void *a, const void *b)
{
	const Range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static Range *sorted_ranges(const GuestBuf *b)
{
	Range *r = malloc((b->nseg ? b->nseg : 1) * sizeof(*r));
	uint32_t i;

	if (!r)
		return NULL;
	for (i = 0; i < b->nseg; i++) {
		r[i].start = b->seg[i].gpa;
		r[i].end = b->seg[i].gpa + b->seg[i].len; /* checked in RAM */
	}
	qsort(r, b->nseg, sizeof(*r), range_cmp);
	return r;
}

bool guest_buf_overlap(const GuestBuf *a, const GuestBuf *b)
{
	Range *ra = sorted_ranges(a), *rb = sorted_ranges(b);
	uint32_t i = 0, j = 0;
	bool hit = false;

	if (!ra || !rb) {
		hit = true;     /* unknown: the caller takes the safe path */
		goto out;
	}
	/* merge sweep: O((n + m) log) instead of comparing every pair */
	while (i < a->nseg && j < b->nseg) {
		if (ra[i].start < rb[j].end && rb[j].start < ra[i].end) {
			hit = true;
			break;
		}
		if (ra[i].end <= rb[j].end)
			i++;
		else
			j++;
	}
out:
	free(ra);
	free(rb);
	return hit;
}
