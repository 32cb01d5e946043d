// SPDX-License-Identifier: MIT
/* wcfb-permtest: the addresses that must not leak and the scanners
 * that look for them in ioctl outputs and file contents (see main.c). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "permtest.h"

/* --- addresses the scanner looks for ------------------------------------ */
struct range {
	uint64_t lo, hi;	/* [lo, hi) */
	int ram;		/* System RAM (see classify()'s NORAM) */
	char what[40];
};

#define MAX_RANGES	256
#define MAX_ADDRS	512
static struct range ranges[MAX_RANGES];
int nranges;
uint64_t addrs[MAX_ADDRS];	/* exact DMA/physical addresses */
int naddrs;
uint64_t pool_base, ram_lo;
static uint64_t pool_size;

static void add_range(uint64_t lo, uint64_t hi, int ram, const char *what)
{
	int i;

	if (hi <= lo)
		return;
	for (i = 0; i < nranges; i++)
		if (ranges[i].lo == lo && ranges[i].hi == hi)
			return;
	if (nranges == MAX_RANGES)
		return;
	ranges[nranges] = (struct range){ .lo = lo, .hi = hi, .ram = ram };
	snprintf(ranges[nranges].what, sizeof(ranges[0].what), "%s", what);
	nranges++;
}

static void add_addr(uint64_t a)
{
	int i;

	if (!a)
		return;
	for (i = 0; i < naddrs; i++)
		if (addrs[i] == a)
			return;
	if (naddrs < MAX_ADDRS)
		addrs[naddrs++] = a;
}

/*
 * As root: System RAM from /proc/iomem (once), the pool, every live
 * pool object, the scanout address and every framebuffer's dma_addr from
 * debugfs (every call: objects come and go).  Returns 0 if the RAM and
 * the pool were found.
 */
int collect_addrs(void)
{
	static char buf[FILE_MAX];
	unsigned long long a, b;
	char *line, *save, *p;
	static int have_ram;

	if (!have_ram && read_file("/proc/iomem", buf, sizeof(buf)) > 0) {
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			int n = 0;

			if (sscanf(line, " %llx-%llx : System RAM%n", &a, &b, &n) == 2 &&
			    n && !line[n] && b > a) {
				add_range(a, b + 1, 1, "System RAM address");
				if (!ram_lo || a < ram_lo)
					ram_lo = a;
				have_ram = 1;
			}
		}
	}
	if (read_file(DEBUGFS "pool", buf, sizeof(buf)) > 0) {
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (sscanf(line, "base 0x%llx", &a) == 1)
				pool_base = a;
			else if (sscanf(line, "size %llu", &a) == 1)
				pool_size = a;
			else if (sscanf(line, "obj 0x%llx %llu", &a, &b) == 2) {
				add_addr(a);
				add_range(a, a + b, 0, "pool buffer address");
			}
		}
		add_addr(pool_base);
		add_range(pool_base, pool_base + pool_size, 0, "display pool address");
	}
	if (read_file(DEBUGFS "scanout", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "addr 0x%llx", &a) == 1)
		add_addr(a);
	if (read_file(DEBUGFS "framebuffer", buf, sizeof(buf)) > 0)
		for (p = buf; (p = strstr(p, "dma_addr=0x")); p++)
			if (sscanf(p, "dma_addr=0x%llx", &a) == 1)
				add_addr(a);
	return have_ram && pool_size ? 0 : -1;
}

/* --- the scanners -------------------------------------------------------- */
struct scan_stats scanned;

/*
 * What V looks like, or NULL.  NORAM: not checked against System RAM, for
 * numbers from text that are just numbers there (decimal) or may be a
 * hashed %p pointer (a 32-bit hash printed as 16 hex digits, 8 of them
 * leading zeros: on 1 GiB of RAM a quarter of them would be "in RAM").
 */
static const char *classify(uint64_t v, int noram)
{
	int i, ram;

	if (v >= KPTR_LO && v < KPTR_HI)
		return "kernel pointer";
	if (!v)
		return NULL;
	for (i = 0; i < naddrs; i++)
		if (v == addrs[i])
			return "DMA address (debugfs)";
	for (ram = 0; ram <= !noram; ram++)
		for (i = 0; i < nranges; i++)
			if (ranges[i].ram == ram && v >= ranges[i].lo && v < ranges[i].hi)
				return ranges[i].what;
	return NULL;
}

unsigned long kptr_hits;

static int hit(const char *what, const char *where, uint64_t v, const char *kind,
	       int nth)
{
	if (!strcmp(kind, "kernel pointer"))
		kptr_hits++;
	if (nth <= 8)
		printf("# %s: %s: 0x%016" PRIx64 " is a %s\n", what, where, v, kind);
	return 1;
}

/*
 * Every 4-byte offset of BUF as a little-endian u64.  TAIL: the last u32
 * too, zero-extended (an ioctl structure may end with a 32-bit field; a
 * file's binary contents are not structures, and random bytes there, a
 * build ID, would be "in RAM" a quarter of the time).
 */
int scan_words(const char *what, const void *buf, size_t len, int tail)
{
	const uint8_t *p = buf;
	char where[32];
	int hits = 0;
	size_t o;

	for (o = 0; o < len && (tail || o + 8 <= len); o += 4) {
		uint32_t lo = 0, hi = 0;
		const char *k;
		uint64_t v;

		memcpy(&lo, p + o, len - o < 4 ? len - o : 4);
		if (o + 4 < len)
			memcpy(&hi, p + o + 4, len - o - 4 < 4 ? len - o - 4 : 4);
		v = (uint64_t)hi << 32 | lo;
		scanned.words++;
		k = classify(v, 0);
		if (k) {
			snprintf(where, sizeof(where), "byte %zu", o);
			hits += hit(what, where, v, k, hits + 1);
		}
	}
	return hits;
}

static int token_hits(const char *what, const char *t, size_t n, int nth)
{
	int prefix = 0, hex = 1, dec = 1, letter = 0;
	char tok[24], where[48];
	const char *d = t, *k = NULL;
	uint64_t v = 0;
	size_t i, nd = n;

	if (n > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
		prefix = 1;
		d = t + 2;
		nd = n - 2;
	}
	if (!nd || nd > 20)
		return 0;
	for (i = 0; i < nd; i++) {
		if (!isxdigit((unsigned char)d[i]))
			hex = 0;
		if (!isdigit((unsigned char)d[i]))
			dec = 0;
		if (isalpha((unsigned char)d[i]))
			letter = 1;
	}
	memcpy(tok, d, nd);
	tok[nd] = 0;
	if (hex && nd <= 16 && (prefix || nd == 16 || (nd >= 8 && letter))) {
		v = strtoull(tok, NULL, 16);
		k = classify(v, !prefix && nd == 16 && !strncmp(tok, "00000000", 8));
	} else if (dec && !prefix) {
		errno = 0;
		v = strtoull(tok, NULL, 10);
		if (!errno)
			k = classify(v, 1);
		/* "70100000" may be a hex address printed without 0x:
		 * checked against the pool and the buffers, not RAM. */
		if (!k && nd >= 8 && nd <= 16) {
			v = strtoull(tok, NULL, 16);
			k = classify(v, 1);
		}
	}
	if (!k)
		return 0;
	snprintf(where, sizeof(where), "text \"%.*s\"", (int)(n > 24 ? 24 : n), t);
	return hit(what, where, v, k, nth);
}

/* Numbers in text: identifier-like tokens [0-9A-Za-z_]. */
int scan_text(const char *what, const char *s, size_t len)
{
	size_t i = 0, j;
	int hits = 0;

	scanned.text_bytes += len;
	while (i < len) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_') {
			i++;
			continue;
		}
		for (j = i; j < len && (isalnum((unsigned char)s[j]) || s[j] == '_'); j++)
			;
		hits += token_hits(what, s + i, j - i, hits + 1);
		i = j;
	}
	return hits;
}

int is_binary(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c >= 0x7f)
			return 1;
	}
	return 0;
}
