// SPDX-License-Identifier: MIT
/* wcfb-permtest: ioctl outputs, recorded and scanned at the end
 * against every address seen, and the checks of the fields zeroed before. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "permtest.h"

/* --- ioctl outputs, scanned at the end against every address seen ------- */
struct rec {
	char what[96];
	uint8_t *data;
	size_t len;
	enum rec_kind kind;
};
static struct rec *recs;
static size_t nrecs, caprecs;
int recording;
const char *ioc_names[96];
int nioc;

void record(const char *ioc, const char *detail, const void *data,
	    size_t len, enum rec_kind kind)
{
	struct rec *r;
	int i;

	if (!recording)
		return;
	for (i = 0; i < nioc && strcmp(ioc_names[i], ioc); i++)
		;
	if (i == nioc && nioc < (int)(sizeof(ioc_names) / sizeof(ioc_names[0])))
		ioc_names[nioc++] = ioc;
	if (nrecs == caprecs) {
		caprecs = caprecs ? caprecs * 2 : 256;
		recs = realloc(recs, caprecs * sizeof(*recs));
	}
	r = &recs[nrecs++];
	snprintf(r->what, sizeof(r->what), "%s%s%s", ioc, *detail ? " " : "", detail);
	r->data = malloc(len + 1);
	memcpy(r->data, data, len);
	r->len = len;
	r->kind = kind;
}

void record_text(const char *ioc, const char *detail, const char *s,
		 size_t max)
{
	record(ioc, detail, s, strnlen(s, max), REC_TEXT);
}

int scan_records(int report)
{
	int hits = 0, h;
	size_t i;

	for (i = 0; i < nrecs; i++) {
		struct rec *r = &recs[i];

		h = r->kind == REC_TEXT ?
		    scan_text(r->what, (char *)r->data, r->len) :
		    scan_words(r->what, r->data, r->len, r->kind == REC_STRUCT);
		scanned.outputs++;
		if (h && report)
			wcfb_ok(0, "ioctls: %s: %d address-like value(s) in its output",
				r->what, h);
		hits += h;
	}
	return hits;
}

/* A user pointer we passed must come back unchanged; then it is zeroed. */
void same_ptr(const char *what, uint64_t got, const void *want)
{
	if (got != (uint64_t)(uintptr_t)want)
		wcfb_ok(0, "%s: user pointer 0x%" PRIx64 " came back as 0x%" PRIx64,
			what, (uint64_t)(uintptr_t)want, got);
}

/* A DRM fake mmap offset: DRM_FILE_PAGE_OFFSET_START .. + _SIZE pages
 * (drm_vma_manager.h, 64-bit: from 4 GiB, 256 times 4 GiB of pages). */
void check_offset(const char *what, uint64_t off)
{
	uint64_t ps = sysconf(_SC_PAGESIZE);
	uint64_t lo = ((0xffffffffull / ps) + 1) * ps;
	uint64_t hi = lo + (0xffffffffull / ps) * 256 * ps;

	if (off < lo || off >= hi || off % ps)
		wcfb_ok(0, "%s: mmap offset 0x%" PRIx64 " outside DRM's fake-offset range [0x%" PRIx64 ", 0x%" PRIx64 ")",
			what, off, lo, hi);
}

/* A CLOCK_MONOTONIC timestamp taken between T0 and now. */
void check_stamp(const char *what, int64_t ns, uint64_t t0)
{
	uint64_t now = mono_ns();

	if (ns < 0 || (uint64_t)ns + 1000000000ull < t0 || (uint64_t)ns > now + 1000000000ull)
		wcfb_ok(0, "%s: timestamp %" PRId64 " ns not between %" PRIu64 " and %" PRIu64,
			what, ns, t0, now);
}

/*
 * What the wcfb_buf_* calls got back (wcfb_buf_trace): recorded like any
 * ioctl output; a fake mmap offset is checked and zeroed first.
 */
void record_buf(const char *ioc, const struct wcfb_buf *b, const void *out,
		size_t len)
{
	if (!strcmp(ioc, "WCFB_GEM_MMAP_OFFSET")) {
		struct drm_wcfb_gem_mmap_offset c;

		memcpy(&c, out, sizeof(c));
		check_offset(ioc, c.offset);
		ZERO(c, offset);
		RECORD(ioc, b->cached ? "cached" : "dumb", c);
	} else if (!strcmp(ioc, "MODE_MAP_DUMB")) {
		struct drm_mode_map_dumb c;

		memcpy(&c, out, sizeof(c));
		check_offset(ioc, c.offset);
		ZERO(c, offset);
		RECORD(ioc, "", c);
	} else {
		record(ioc, strcmp(ioc, "WCFB_GEM_CREATE_CACHED") ? "" : "w/h/bpp",
		       out, len, REC_STRUCT);
	}
}
