// SPDX-License-Identifier: MIT
/*
 * wcfb-permtest: permissions and address leaks (issue #7, "Permissions").
 *
 *   wcfb-permtest selfcheck   negative controls: the scanners flag planted
 *                             kernel pointers and pool addresses, real ones
 *                             read as root (the module's .text address, the
 *                             debugfs pool), and a planted leaking and a
 *                             world-writable file walked as uid 65534
 *   wcfb-permtest handles     other open files (the render node; an
 *                             unprivileged primary-node client) cannot use
 *                             client A's GEM or syncobj handles, FLINK
 *                             names or framebuffers, and cannot modeset while
 *                             A is master; A's buffers are untouched and
 *                             still work
 *   wcfb-permtest ioctls      every wcfb ioctl and the generic DRM ones the
 *                             driver implements (not the timeline syncobj
 *                             ones: no DRIVER_SYNCOBJ_TIMELINE), with valid
 *                             arguments, on card0 and renderD128, plus
 *                             events, sync_file info, fbdev and fdinfo: no
 *                             output holds a kernel pointer or a physical /
 *                             DMA address; new buffers are zeroed
 *   wcfb-permtest files       as uid 65534: wcfb's sysfs, /dev/dri, debugfs
 *                             and the kernel log: nothing readable leaks an
 *                             address, nothing is writable, debugfs is closed
 *
 * Runs as root: it reads the real addresses (System RAM from /proc/iomem,
 * the pool and every buffer's DMA address from debugfs) first, and drops
 * to uid/gid 65534 where a check is about an unprivileged user.
 *
 * The word scanner reads a buffer as little-endian 64-bit words at every
 * 4-byte offset (so a u64 split over two u32 fields is seen too) and flags
 * a kernel virtual address (see KPTR_LO/KPTR_HI) or a value inside System
 * RAM, the display pool or a buffer.  Fields that legitimately hold such
 * numbers are checked for what they must be and zeroed first: DRM fake
 * mmap offsets (must lie in DRM_FILE_PAGE_OFFSET_START's range), user
 * pointers we passed in (must come back unchanged), our own event
 * user_data, monotonic timestamps (must lie between two clock readings),
 * a range property's limits (INT_MAX ...) and strings (scanned as text).
 * The text scanner flags hex numbers (0x..., 16 digits, or 8+ digits with
 * a letter) that are kernel pointers or in those ranges, and decimal
 * numbers that are pool or buffer addresses.
 *
 * Prints "ok - ..." / "not ok - ..." lines; exits non-zero on failure.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <linux/fb.h>
#include <linux/sync_file.h>

#include "drm/wcfb_drm.h"
#include "wcfb_client.h"
#include "wcfb_pattern.h"

#define NOBODY		65534
#define DEBUGFS		"/sys/kernel/debug/dri/0/"
#define FILE_MAX	(1 << 20)

/*
 * Kernel virtual addresses on arm64 (6.1, 4 KiB pages) start at the linear
 * map, PAGE_OFFSET = -(1 << VA_BITS): 0xffff000000000000 with Debian's
 * 48-bit VA, 0xffffff8000000000 with the debug kernel's 39 bits.  The
 * highest region, the vmemmap, ends at 0xfffffe0000000000 (48 bits) or
 * 0xffffffff00000000 (39 bits): the top 4 GiB is never a kernel address.
 * It is where sign-extended negative 32-bit numbers live (-1, INT_MIN as a
 * signed range property's minimum, ERR_PTR codes), so it is left out.
 */
#define KPTR_LO		0xffff000000000000ull
#define KPTR_HI		0xffffffff00000000ull

static const char *err(int ret)
{
	return ret ? strerror(-ret) : "success";
}

/* Read up to LEN - 1 bytes of PATH into BUF (NUL-terminated); bytes or -errno. */
static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	while (n < len - 1) {
		r = read(fd, buf + n, len - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			close(fd);
			return r;
		}
		if (!r)
			break;
		n += r;
	}
	buf[n] = 0;
	close(fd);
	return n;
}

static uint64_t mono_ns(void)
{
	return wcfb_now_ns();	/* CLOCK_MONOTONIC, what DRM and dma_fence use */
}

/* --- addresses the scanner looks for ------------------------------------ */
struct range {
	uint64_t lo, hi;	/* [lo, hi) */
	int ram;		/* System RAM (see classify()'s NORAM) */
	char what[40];
};

#define MAX_RANGES	256
#define MAX_ADDRS	512
static struct range ranges[MAX_RANGES];
static int nranges;
static uint64_t addrs[MAX_ADDRS];	/* exact DMA/physical addresses */
static int naddrs;
static uint64_t pool_base, pool_size, ram_lo;

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
static int collect_addrs(void)
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
static struct {
	unsigned long outputs, words, text_bytes;
} st;

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

static unsigned long kptr_hits;

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
static int scan_words(const char *what, const void *buf, size_t len, int tail)
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
		st.words++;
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
static int scan_text(const char *what, const char *s, size_t len)
{
	size_t i = 0, j;
	int hits = 0;

	st.text_bytes += len;
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

static int is_binary(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c >= 0x7f)
			return 1;
	}
	return 0;
}

/* --- ioctl outputs, scanned at the end against every address seen ------- */
struct rec {
	char what[96];
	uint8_t *data;
	size_t len;
	int text;
};
static struct rec *recs;
static size_t nrecs, caprecs;
static int recording;
static const char *ioc_names[96];
static int nioc;

static void record(const char *ioc, const char *detail, const void *data,
		   size_t len, int text)
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
	r->text = text;
}

#define RECORD(ioc, detail, s)	record(ioc, detail, &(s), sizeof(s), 0)
#define ZERO(s, f)		memset(&(s).f, 0, sizeof((s).f))

static void record_text(const char *ioc, const char *detail, const char *s,
			size_t max)
{
	record(ioc, detail, s, strnlen(s, max), 1);
}

static int scan_records(int report)
{
	int hits = 0, h;
	size_t i;

	for (i = 0; i < nrecs; i++) {
		struct rec *r = &recs[i];

		h = r->text ? scan_text(r->what, (char *)r->data, r->len) :
			      scan_words(r->what, r->data, r->len, 1);
		st.outputs++;
		if (h && report)
			wcfb_ok(0, "ioctls: %s: %d address-like value(s) in its output",
				r->what, h);
		hits += h;
	}
	return hits;
}

/* A user pointer we passed must come back unchanged; then it is zeroed. */
static void same_ptr(const char *what, uint64_t got, const void *want)
{
	if (got != (uint64_t)(uintptr_t)want)
		wcfb_ok(0, "%s: user pointer 0x%" PRIx64 " came back as 0x%" PRIx64,
			what, (uint64_t)(uintptr_t)want, got);
}

/* A DRM fake mmap offset: DRM_FILE_PAGE_OFFSET_START .. + _SIZE pages
 * (drm_vma_manager.h, 64-bit: from 4 GiB, 256 times 4 GiB of pages). */
static void check_offset(const char *what, uint64_t off)
{
	uint64_t ps = sysconf(_SC_PAGESIZE);
	uint64_t lo = ((0xffffffffull / ps) + 1) * ps;
	uint64_t hi = lo + (0xffffffffull / ps) * 256 * ps;

	if (off < lo || off >= hi || off % ps)
		wcfb_ok(0, "%s: mmap offset 0x%" PRIx64 " outside DRM's fake-offset range [0x%" PRIx64 ", 0x%" PRIx64 ")",
			what, off, lo, hi);
}

/* A CLOCK_MONOTONIC timestamp taken between T0 and now. */
static void check_stamp(const char *what, int64_t ns, uint64_t t0)
{
	uint64_t now = mono_ns();

	if (ns < 0 || (uint64_t)ns + 1000000000ull < t0 || (uint64_t)ns > now + 1000000000ull)
		wcfb_ok(0, "%s: timestamp %" PRId64 " ns not between %" PRIu64 " and %" PRIu64,
			what, ns, t0, now);
}

/* --- buffers -------------------------------------------------------------- */
struct bo {
	int fd;
	uint32_t handle, pitch, w, h, fb_id;
	uint64_t size, offset;
	uint8_t *map;
	int cached;
};

static int bo_mmap(struct bo *b)
{
	struct drm_wcfb_gem_mmap_offset mo = { .handle = b->handle };
	int ret = wcfb_ioctl(b->fd, DRM_IOCTL_WCFB_GEM_MMAP_OFFSET, &mo);
	struct drm_wcfb_gem_mmap_offset c = mo;

	if (ret)
		return ret;
	check_offset("WCFB_GEM_MMAP_OFFSET", mo.offset);
	b->offset = mo.offset;
	ZERO(c, offset);
	RECORD("WCFB_GEM_MMAP_OFFSET", b->cached ? "cached" : "dumb", c);
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd,
		      mo.offset);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return -errno;
	}
	return 0;
}

static int bo_cached(int fd, struct bo *b, uint32_t w, uint32_t h)
{
	struct drm_wcfb_gem_create_cached c = { .width = w, .height = h, .bpp = 32 };
	int ret;

	memset(b, 0, sizeof(*b));
	ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CREATE_CACHED, &c);
	if (ret)
		return ret;
	RECORD("WCFB_GEM_CREATE_CACHED", "w/h/bpp", c);
	*b = (struct bo){ .fd = fd, .handle = c.handle, .pitch = c.pitch, .w = w,
			  .h = h, .size = c.size, .cached = 1 };
	return bo_mmap(b);
}

static int bo_dumb(int fd, struct bo *b, uint32_t w, uint32_t h)
{
	struct drm_mode_create_dumb c = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	int ret;

	memset(b, 0, sizeof(*b));
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c);
	if (ret)
		return ret;
	RECORD("MODE_CREATE_DUMB", "", c);
	*b = (struct bo){ .fd = fd, .handle = c.handle, .pitch = c.pitch, .w = w,
			  .h = h, .size = c.size };
	m.handle = c.handle;
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
	if (ret)
		return ret;
	check_offset("MODE_MAP_DUMB", m.offset);
	b->offset = m.offset;
	{
		struct drm_mode_map_dumb mc = m;

		ZERO(mc, offset);
		RECORD("MODE_MAP_DUMB", "", mc);
	}
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return -errno;
	}
	return 0;
}

static int bo_addfb(struct bo *b)
{
	struct drm_mode_fb_cmd2 f = { .width = b->w, .height = b->h,
				      .pixel_format = DRM_FORMAT_XRGB8888,
				      .handles = { b->handle },
				      .pitches = { b->pitch } };
	int ret = wcfb_ioctl(b->fd, DRM_IOCTL_MODE_ADDFB2, &f);

	if (!ret) {
		b->fb_id = f.fb_id;
		RECORD("MODE_ADDFB2", "", f);
	}
	return ret;
}

static void bo_free(struct bo *b)
{
	struct drm_gem_close gc = { .handle = b->handle };

	if (b->fb_id)
		wcfb_ioctl(b->fd, DRM_IOCTL_MODE_RMFB, &b->fb_id);
	if (b->map)
		munmap(b->map, b->size);
	if (b->handle)
		wcfb_ioctl(b->fd, DRM_IOCTL_GEM_CLOSE, &gc);
	memset(b, 0, sizeof(*b));
}

static int cpu_prep(int fd, uint32_t handle, uint32_t op)
{
	struct drm_wcfb_gem_cpu_prep p = { .handle = handle, .op = op,
					   .timeout_ns = 5000000000ll };

	return wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CPU_PREP, &p);
}

static int cpu_fini(int fd, uint32_t handle)
{
	struct drm_wcfb_gem_cpu_fini f = { .handle = handle };

	return wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CPU_FINI, &f);
}

static int blit_fill(int fd, uint32_t handle, uint32_t pitch, uint32_t w,
		     uint32_t h, uint32_t fill, uint32_t in_sync, uint32_t out_sync)
{
	struct drm_wcfb_blit_op op = { .op = WCFB_BLIT_OP_FILL, .width = w,
		.height = h, .fill = fill,
		.dst = { .handle = handle, .format = DRM_FORMAT_XRGB8888,
			 .pitch = pitch } };
	struct drm_wcfb_blit b = { .ops = (uintptr_t)&op, .op_count = 1,
				   .in_syncobj = in_sync, .out_syncobj = out_sync };

	return wcfb_ioctl(fd, DRM_IOCTL_WCFB_BLIT, &b);
}

static int blit_copy(int fd, uint32_t dst, uint32_t src, uint32_t pitch,
		     uint32_t w, uint32_t h)
{
	struct drm_wcfb_blit_op op = { .op = WCFB_BLIT_OP_COPY, .width = w, .height = h,
		.dst = { .handle = dst, .format = DRM_FORMAT_XRGB8888, .pitch = pitch },
		.src = { .handle = src, .format = DRM_FORMAT_XRGB8888, .pitch = pitch } };
	struct drm_wcfb_blit b = { .ops = (uintptr_t)&op, .op_count = 1 };

	return wcfb_ioctl(fd, DRM_IOCTL_WCFB_BLIT, &b);
}

static int all_pixels(const struct bo *b, uint32_t v)
{
	uint32_t x, y;

	for (y = 0; y < b->h; y++)
		for (x = 0; x < b->w; x++)
			if (((uint32_t *)(b->map + (size_t)y * b->pitch))[x] != v)
				return 0;
	return 1;
}

static void fill_pattern(const struct bo *b, uint32_t seed)
{
	uint32_t x, y;

	for (y = 0; y < b->h; y++)
		for (x = 0; x < b->w; x++)
			((uint32_t *)(b->map + (size_t)y * b->pitch))[x] =
				wcfb_pattern_rgb(seed, x, y);
}

static uint32_t get_param(int fd, uint32_t param)
{
	struct drm_wcfb_get_param gp = { .param = param };

	return wcfb_ioctl(fd, DRM_IOCTL_WCFB_GET_PARAM, &gp) ? 0 : (uint32_t)gp.value;
}

/* --- privileges ----------------------------------------------------------- */
static int drop_privileges(void)
{
	char buf[4096], *cap;
	ssize_t n;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY)) {
		printf("# drop privileges: %s\n", strerror(errno));
		return -errno;
	}
	if (getuid() != NOBODY || geteuid() != NOBODY || getgid() != NOBODY ||
	    getegid() != NOBODY) {
		printf("# drop privileges: still uid %d/%d gid %d/%d\n", (int)getuid(),
		       (int)geteuid(), (int)getgid(), (int)getegid());
		return -EPERM;
	}
	/* No capability survives setresuid() away from root (no KEEP_CAPS). */
	n = read_file("/proc/self/status", buf, sizeof(buf));
	cap = n > 0 ? strstr(buf, "CapEff:") : NULL;
	if (!cap || strtoull(cap + 7, NULL, 16)) {
		printf("# drop privileges: /proc/self/status: %s\n",
		       n < 0 ? strerror(-n) : cap ? cap : "no CapEff");
		return -EPERM;
	}
	return 0;
}

/* A private copy of a /dev/dri node that uid 65534 may open, as a seat
 * manager's ACL would grant it: the node's permissions are not what is
 * tested, the driver's and DRM's checks behind them are. */
static int private_node(const char *dir, const char *node, char *out, size_t len)
{
	char src[64];
	struct stat sb;

	snprintf(src, sizeof(src), "/dev/dri/%s", node);
	snprintf(out, len, "%s/%s", dir, node);
	if (stat(src, &sb) || mknod(out, S_IFCHR | 0600, sb.st_rdev) ||
	    chown(out, NOBODY, NOBODY))
		return -errno;
	return 0;
}

/* --- file walker ---------------------------------------------------------- */
struct walk_stats {
	unsigned long dirs, files, readable, unreadable, read_errors, bytes,
		      hits, writable, world_writable, dirs_closed;
};

static struct {
	dev_t dev;
	ino_t ino;
} seen[4096];
static int nseen;

static int visited(const struct stat *sb)
{
	int i;

	for (i = 0; i < nseen; i++)
		if (seen[i].dev == sb->st_dev && seen[i].ino == sb->st_ino)
			return 1;
	if (nseen < (int)(sizeof(seen) / sizeof(seen[0]))) {
		seen[nseen].dev = sb->st_dev;
		seen[nseen].ino = sb->st_ino;
		nseen++;
	}
	return 0;
}

/*
 * One regular file: who may write it, and if it can be read, its contents
 * (text scanner; binary contents also through the word scanner).  UNPRIV:
 * we are uid 65534 and write access is a failure.
 */
static void check_file(const char *path, const struct stat *sb, int unpriv,
		       struct walk_stats *w)
{
	static char buf[FILE_MAX];
	ssize_t n;
	int h;

	w->files++;
	if (sb->st_mode & S_IWOTH) {
		w->world_writable++;
		printf("# %s: world-writable (mode %04o)\n", path, sb->st_mode & 07777);
	}
	if (unpriv && access(path, W_OK) == 0) {
		w->writable++;
		printf("# %s: writable by uid %d\n", path, (int)geteuid());
	}
	n = read_file(path, buf, sizeof(buf));
	if (n == -EACCES || n == -EPERM) {
		w->unreadable++;
		return;
	}
	if (n < 0) {	/* sysfs: attributes that cannot be read now */
		w->read_errors++;
		return;
	}
	w->readable++;
	w->bytes += n;
	h = scan_text(path, buf, n);
	if (is_binary(buf, n))
		h += scan_words(path, buf, n, 0);
	w->hits += h;
}

/*
 * Walk PATH DEPTH directory levels down.  Symbolic links are followed only
 * for a directory's entries when FOLLOW is set (/sys/class/drm, a driver's
 * device links) and for a "device" link; each directory is read once.
 */
static void walk(const char *path, int depth, int follow, int unpriv,
		 struct walk_stats *w)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if (stat(path, &sb))
		return;
	if (S_ISREG(sb.st_mode)) {
		check_file(path, &sb, unpriv, w);
		return;
	}
	if (!S_ISDIR(sb.st_mode) || visited(&sb))
		return;
	w->dirs++;
	d = opendir(path);
	if (!d) {
		w->dirs_closed++;
		return;
	}
	while ((de = readdir(d))) {
		char child[PATH_MAX];
		struct stat lsb;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		if (lstat(child, &lsb))
			continue;
		if (S_ISLNK(lsb.st_mode) && !follow && strcmp(de->d_name, "device"))
			continue;
		if (stat(child, &lsb))
			continue;
		if (S_ISREG(lsb.st_mode))
			check_file(child, &lsb, unpriv, w);
		else if (S_ISDIR(lsb.st_mode) && depth > 0)
			walk(child, depth - 1, 0, unpriv, w);
	}
	closedir(d);
}

/* ========================================================================= */
/* selfcheck                                                                 */
/* ========================================================================= */
static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t read_hex_file(const char *path)
{
	char buf[64];

	return read_file(path, buf, sizeof(buf)) > 0 ? strtoull(buf, NULL, 16) : 0;
}

static int cmd_selfcheck(void)
{
	uint8_t clean[96], buf[96];
	uint64_t text_addr, obj = 0, ram;
	struct walk_stats w = { 0 }, wr = { 0 };
	struct wcfb_pipe p;
	struct bo d;
	char dir[] = "/tmp/wcfb-permtest-plant.XXXXXX", path[PATH_MAX], txt[256];
	int pfd[2], status, i, h;
	pid_t pid;

	wcfb_ok(!wcfb_open_pipe(&p), "selfcheck: open card0");
	wcfb_ok(!bo_dumb(p.fd, &d, 64, 64), "selfcheck: a pool buffer exists");
	wcfb_ok(!collect_addrs(), "selfcheck: System RAM from /proc/iomem, pool from debugfs (%d ranges, %d addresses)",
		nranges, naddrs);
	for (i = 0; i < naddrs; i++)
		if (addrs[i] != pool_base)
			obj = addrs[i];
	ram = ram_lo + 0x123000;
	text_addr = read_hex_file("/sys/module/wcfb/sections/.text");
	wcfb_ok(text_addr >= KPTR_LO && text_addr < KPTR_HI,
		"selfcheck: wcfb's real .text address 0x%" PRIx64 " (root) lies in the kernel-pointer range", text_addr);

	/* Word scanner: legitimate values pass, each planted value is found,
	 * also at an offset that is not 8-byte aligned. */
	memset(clean, 0, sizeof(clean));
	put64(clean + 0, 1024 | (uint64_t)768 << 32);
	put64(clean + 8, 0xffffffff80000000ull);	/* INT_MIN, sign-extended */
	put64(clean + 16, ~0ull);			/* -1 */
	put64(clean + 24, 0x100000000ull);		/* a fake mmap offset */
	put64(clean + 32, DRM_FORMAT_XRGB8888 | (uint64_t)DRM_FORMAT_ARGB8888 << 32);
	put64(clean + 40, 0xfbfbfbfbull);		/* DRM_MODE_OBJECT_FB */
	put64(clean + 48, ram_lo - 1);
	wcfb_ok(!scan_words("clean", clean, sizeof(clean), 1), "selfcheck: legitimate values are not flagged");
	{
		static const char *const names[] = {
			"0xffff8000deadbeef at byte 60", "a pool buffer's DMA address at byte 68",
			"the pool base at byte 76", "a System RAM address at byte 84",
			"wcfb's .text address at byte 88 (last word)" };
		uint64_t vals[] = { 0xffff8000deadbeefull, obj, pool_base, ram, text_addr };
		size_t offs[] = { 60, 68, 76, 84, 88 };

		for (i = 0; i < 5; i++) {
			memcpy(buf, clean, sizeof(buf));
			put64(buf + offs[i], vals[i]);
			h = scan_words("planted", buf, sizeof(buf), 1);
			wcfb_ok(h >= 1 && vals[i], "selfcheck: word scanner finds %s (%d hit(s))",
				names[i], h);
		}
	}
	/* The ioctl path: a recorded output is scanned at the end. */
	recording = 1;
	memcpy(buf, clean, sizeof(buf));
	put64(buf + 20, obj);
	record("PLANTED", "", buf, sizeof(buf), 0);
	h = scan_records(0);
	wcfb_ok(h >= 1, "selfcheck: a recorded ioctl output with a DMA address is flagged");
	recording = 0;

	/* Text scanner. */
	snprintf(txt, sizeof(txt), "1024x768 60 XR24 card0-Virtual-1 0x34325258 "
		 "0000000012345678 00000000ffffffff size 67108864 c0ffee00 "
		 "vaddr=0000000048e4cbdc");
	wcfb_ok(!scan_text("clean", txt, strlen(txt)), "selfcheck: legitimate text is not flagged");
	{
		char t[6][64];

		snprintf(t[0], 64, "addr ffff8000deadbeef");
		snprintf(t[1], 64, "obj 0x%" PRIx64 " 4096", obj);
		snprintf(t[2], 64, "base %016" PRIx64, pool_base);
		snprintf(t[3], 64, "start=%" PRIu64, pool_base);
		snprintf(t[4], 64, "ram 0x%" PRIx64, ram);
		snprintf(t[5], 64, "%" PRIx64, pool_base + 0x1000);
		for (i = 0; i < 6; i++)
			wcfb_ok(scan_text("planted", t[i], strlen(t[i])) == 1,
				"selfcheck: text scanner finds \"%s\"", t[i]);
	}

	/* Real root-only files through the file checker: their addresses
	 * are found (these are what must stay closed to uid 65534). */
	{
		static const char *const real[] = {
			DEBUGFS "pool", DEBUGFS "scanout", DEBUGFS "framebuffer",
			"/sys/module/wcfb/sections/.text" };

		for (i = 0; i < 4; i++) {
			struct walk_stats one = { 0 };
			struct stat sb;

			if (stat(real[i], &sb)) {
				wcfb_ok(0, "selfcheck: %s: %s", real[i], strerror(errno));
				continue;
			}
			check_file(real[i], &sb, 0, &one);
			wcfb_ok(one.readable == 1 && one.hits >= 1,
				"selfcheck: as root, %s shows %lu address(es)", real[i], one.hits);
		}
	}

	/* A planted tree walked as uid 65534: the leaking files are found,
	 * the root-only one is unreadable, the world-writable one is flagged. */
	wcfb_ok(mkdtemp(dir) && !chmod(dir, 0755), "selfcheck: %s", dir);
	{
		static const struct { const char *name; mode_t mode; } f[] = {
			{ "leak-kptr", 0644 }, { "leak-pool", 0644 }, { "secret", 0600 },
			{ "writable", 0666 }, { "clean", 0444 }, { "leak-binary", 0444 } };

		for (i = 0; i < 6; i++) {
			FILE *fp;

			snprintf(path, sizeof(path), "%s/%s", dir, f[i].name);
			fp = fopen(path, "w");
			if (!fp)
				continue;
			if (i == 5) {	/* binary: a u64 at byte 4, then zeros */
				uint8_t bin[16] = { 0x7f, 'E', 'L', 'F' };

				put64(bin + 4, text_addr);
				fwrite(bin, 1, sizeof(bin), fp);
			} else if (i == 0 || i == 2)
				fprintf(fp, "ptr 0x%016" PRIx64 "\n", text_addr);
			else if (i == 1)
				fprintf(fp, "obj 0x%" PRIx64 "\n", obj);
			else
				fprintf(fp, "1024x768\n");
			fclose(fp);
			chmod(path, f[i].mode);
		}
	}
	fflush(stdout);
	if (pipe(pfd) == 0 && (pid = fork()) == 0) {
		close(pfd[0]);
		if (drop_privileges()) {
			printf("# cannot drop privileges\n");
			_exit(1);
		}
		walk(dir, 1, 0, 1, &w);
		if (write(pfd[1], &w, sizeof(w)) != sizeof(w))
			_exit(1);
		fflush(stdout);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &wr, sizeof(wr)) != sizeof(wr))
		memset(&wr, 0, sizeof(wr));
	close(pfd[0]);
	waitpid(-1, &status, 0);
	wcfb_ok(wr.files == 6 && wr.hits == 3 && wr.unreadable == 1 && wr.writable == 1 &&
		wr.world_writable == 1,
		"selfcheck: walked as uid 65534, the planted tree gives %lu files, %lu hits, %lu unreadable, %lu writable (want 6, 3, 1, 1)",
		wr.files, wr.hits, wr.unreadable, wr.writable);
	for (i = 0; i < 6; i++) {
		static const char *const n[] = { "leak-kptr", "leak-pool", "secret",
						 "writable", "clean", "leak-binary" };

		snprintf(path, sizeof(path), "%s/%s", dir, n[i]);
		unlink(path);
	}
	rmdir(dir);
	bo_free(&d);
	wcfb_close_pipe(&p);
	return 0;
}

/* ========================================================================= */
/* handles                                                                   */
/* ========================================================================= */
struct atom {
	uint32_t objs[8], counts[8], props[32];
	uint64_t vals[32];
	int nobj, nprop;
};

static void atom_add(struct atom *a, uint32_t obj, uint32_t prop, uint64_t val)
{
	if (!a->nobj || a->objs[a->nobj - 1] != obj) {
		a->objs[a->nobj] = obj;
		a->counts[a->nobj++] = 0;
	}
	a->counts[a->nobj - 1]++;
	a->props[a->nprop] = prop;
	a->vals[a->nprop++] = val;
}

/* The plane showing FB (W x H) on the pipe's CRTC with MODE_BLOB. */
static void atom_show(struct atom *a, const struct wcfb_pipe *p, uint32_t blob,
		      uint32_t fb, uint32_t w, uint32_t h)
{
	memset(a, 0, sizeof(*a));
	atom_add(a, p->conn_id, p->conn_crtc_id, p->crtc_id);
	atom_add(a, p->crtc_id, p->crtc_mode_id, blob);
	atom_add(a, p->crtc_id, p->crtc_active, 1);
	atom_add(a, p->plane_id, p->plane_fb_id, fb);
	atom_add(a, p->plane_id, p->plane_crtc_id, p->crtc_id);
	atom_add(a, p->plane_id, p->plane_src_x, 0);
	atom_add(a, p->plane_id, p->plane_src_y, 0);
	atom_add(a, p->plane_id, p->plane_src_w, (uint64_t)w << 16);
	atom_add(a, p->plane_id, p->plane_src_h, (uint64_t)h << 16);
	atom_add(a, p->plane_id, p->plane_crtc_x, 0);
	atom_add(a, p->plane_id, p->plane_crtc_y, 0);
	atom_add(a, p->plane_id, p->plane_crtc_w, w);
	atom_add(a, p->plane_id, p->plane_crtc_h, h);
}

static int atom_commit(int fd, struct atom *a, uint32_t flags, uint64_t user_data,
		       struct drm_mode_atomic *out)
{
	struct drm_mode_atomic r = {
		.flags = flags, .count_objs = a->nobj,
		.objs_ptr = (uintptr_t)a->objs, .count_props_ptr = (uintptr_t)a->counts,
		.props_ptr = (uintptr_t)a->props, .prop_values_ptr = (uintptr_t)a->vals,
		.user_data = user_data };
	int ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_ATOMIC, &r);

	if (out)
		*out = r;
	return ret;
}

static int mode_blob(int fd, const drmModeModeInfo *mode, uint32_t *id)
{
	struct drm_mode_create_blob c = { .data = (uintptr_t)mode, .length = sizeof(*mode) };
	int ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CREATEPROPBLOB, &c);

	if (!ret) {
		same_ptr("MODE_CREATEPROPBLOB", c.data, mode);
		ZERO(c, data);
		RECORD("MODE_CREATEPROPBLOB", "", c);
		*id = c.blob_id;
	}
	return ret;
}

static void destroy_blob(int fd, uint32_t id)
{
	struct drm_mode_destroy_blob d = { .blob_id = id };

	wcfb_ioctl(fd, DRM_IOCTL_MODE_DESTROYPROPBLOB, &d);
}

static int scanout_state(uint64_t *addr, uint64_t *flips)
{
	char buf[1024], *p;

	if (read_file(DEBUGFS "scanout", buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "addr 0x");
	*addr = p ? strtoull(p + 7, NULL, 16) : 0;
	p = strstr(buf, "flips ");
	*flips = p ? strtoull(p + 6, NULL, 10) : 0;
	return 0;
}

/* What a file without A's handles gets for each of them (the same
 * numbers may name nothing, or its own objects: here, nothing). */
static void foreign_handles(const char *who, int fd, const uint32_t *h,
			    const uint64_t *off, int n, uint32_t a_syncobj,
			    int has_blit, int render)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		void *m;

		struct drm_gem_close gc = { .handle = h[i] };
		struct drm_prime_handle ph = { .handle = h[i], .flags = DRM_CLOEXEC };
		struct drm_wcfb_gem_mmap_offset mo = { .handle = h[i] };
		struct drm_wcfb_gem_cpu_fini cf = { .handle = h[i] };
		struct drm_mode_map_dumb md = { .handle = h[i] };
		struct drm_gem_flink fl = { .handle = h[i] };

		ret = has_blit ? blit_fill(fd, h[i], 256, 16, 16, 0xdead, 0, 0) : -ENOENT;
		wcfb_ok(ret == -ENOENT, "%s: BLIT into A's handle %u -> %s", who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_MMAP_OFFSET, &mo);
		wcfb_ok(ret == -ENOENT, "%s: WCFB_GEM_MMAP_OFFSET of A's handle %u -> %s", who, h[i], err(ret));
		ret = cpu_prep(fd, h[i], WCFB_PREP_READ);
		wcfb_ok(ret == -ENOENT, "%s: WCFB_GEM_CPU_PREP of A's handle %u -> %s", who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CPU_FINI, &cf);
		wcfb_ok(ret == -ENOENT, "%s: WCFB_GEM_CPU_FINI of A's handle %u -> %s", who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
		wcfb_ok(ret == -ENOENT, "%s: PRIME_HANDLE_TO_FD of A's handle %u -> %s", who, h[i], err(ret));
		if (!ret)
			close(ph.fd);
		/* Render nodes refuse MAP_DUMB and FLINK outright (no
		 * DRM_RENDER_ALLOW); an unauthenticated primary client is
		 * refused FLINK (DRM_AUTH) and finds no object to map. */
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &md);
		wcfb_ok(ret == (render ? -EACCES : -ENOENT), "%s: MODE_MAP_DUMB of A's handle %u -> %s",
			who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_GEM_FLINK, &fl);
		wcfb_ok(ret == -EACCES, "%s: GEM_FLINK of A's handle %u -> %s", who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
		wcfb_ok(ret == -EINVAL, "%s: GEM_CLOSE of A's handle %u -> %s", who, h[i], err(ret));
		/* Fake offsets are device-wide; only files with a handle to
		 * the object are on its vma node's allow list. */
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off[i]);
		ret = m == MAP_FAILED ? -errno : 0;
		wcfb_ok(ret == -EACCES, "%s: mmap of A's buffer %u at its offset 0x%" PRIx64 " -> %s",
			who, h[i], off[i], err(ret));
		if (m != MAP_FAILED)
			munmap(m, 4096);
	}
	{
		struct drm_syncobj_handle sh = { .handle = a_syncobj };
		struct drm_syncobj_destroy sd = { .handle = a_syncobj };
		uint32_t hs = a_syncobj;
		struct drm_syncobj_wait sw = { .handles = (uintptr_t)&hs, .count_handles = 1 };

		ret = wcfb_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh);
		wcfb_ok(ret == -EINVAL, "%s: SYNCOBJ_HANDLE_TO_FD of A's syncobj %u -> %s", who, a_syncobj, err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &sw);
		wcfb_ok(ret == -ENOENT, "%s: SYNCOBJ_WAIT on A's syncobj -> %s", who, err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
		wcfb_ok(ret == -EINVAL, "%s: SYNCOBJ_DESTROY of A's syncobj -> %s", who, err(ret));
	}
}

/* The unprivileged client (uid 65534, in a child), on private nodes. */
/* Render nodes: no modesetting, whoever opened them. */
static void render_no_kms(const char *who, int fd, const struct wcfb_pipe *p,
			  const drmModeModeInfo *mode, uint32_t a_fb)
{
	struct drm_mode_create_dumb cd = { .width = 64, .height = 64, .bpp = 32 };
	struct drm_mode_card_res res = { 0 };
	uint32_t conn = p->conn_id;
	struct drm_mode_crtc sc = { .set_connectors_ptr = (uintptr_t)&conn,
		.count_connectors = 1, .crtc_id = p->crtc_id, .fb_id = a_fb,
		.mode_valid = 1 };
	struct atom a;
	int ret;

	memcpy(&sc.mode, mode, sizeof(sc.mode));
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd);
	wcfb_ok(ret == -EACCES, "%s: CREATE_DUMB -> %s", who, err(ret));
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res);
	wcfb_ok(ret == -EACCES, "%s: GETRESOURCES -> %s", who, err(ret));
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &sc);
	wcfb_ok(ret == -EACCES, "%s: SETCRTC -> %s", who, err(ret));
	atom_show(&a, p, 0, a_fb, mode->hdisplay, mode->vdisplay);
	ret = atom_commit(fd, &a, DRM_MODE_ATOMIC_TEST_ONLY, 0, NULL);
	wcfb_ok(ret == -EACCES, "%s: atomic commit -> %s", who, err(ret));
}

static int unprivileged(const char *dir, const struct wcfb_pipe *p,
			const drmModeModeInfo *mode, uint32_t a_fb,
			const uint32_t *h, const uint64_t *off, int n,
			uint32_t a_syncobj, uint32_t flink, int has_blit)
{
	char card[PATH_MAX], render[PATH_MAX];
	uint32_t conn = p->conn_id, blob = 0;
	struct atom a;
	int fd, rfd, ret;

	snprintf(card, sizeof(card), "%s/card0", dir);
	snprintf(render, sizeof(render), "%s/renderD128", dir);
	ret = drop_privileges();
	wcfb_ok(!ret, "unpriv: now uid/gid %d, no capabilities", NOBODY);
	if (ret)
		return 1;
	fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	wcfb_ok(fd < 0 && errno == EACCES, "unpriv: /dev/dri/card0 itself -> %s",
		fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);
	fd = open(card, O_RDWR | O_CLOEXEC);
	wcfb_ok(fd >= 0, "unpriv: a primary-node file granted to uid %d (%s)", NOBODY,
		fd < 0 ? strerror(errno) : "ok");
	if (fd < 0)
		return 1;
	wcfb_ok(!drmIsMaster(fd), "unpriv: not master while A is");
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	ret = drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) ? -errno : 0;
	wcfb_ok(!ret, "unpriv: SET_CLIENT_CAP ATOMIC allowed (%s)", err(ret));

	/* Modesetting: every path is DRM_MASTER. */
	{
		struct drm_mode_crtc sc = { .set_connectors_ptr = (uintptr_t)&conn,
			.count_connectors = 1, .crtc_id = p->crtc_id, .fb_id = a_fb,
			.mode_valid = 1 };
		struct drm_mode_crtc_page_flip pf = { .crtc_id = p->crtc_id, .fb_id = a_fb,
			.flags = DRM_MODE_PAGE_FLIP_EVENT };
		struct drm_mode_set_plane sp = { .plane_id = p->plane_id, .crtc_id = p->crtc_id,
			.fb_id = a_fb, .crtc_w = 64, .crtc_h = 64, .src_w = 64 << 16,
			.src_h = 64 << 16 };
		struct drm_mode_obj_set_property op = { .value = 0, .prop_id = p->crtc_active,
			.obj_id = p->crtc_id, .obj_type = DRM_MODE_OBJECT_CRTC };
		struct drm_mode_fb_dirty_cmd dc = { .fb_id = a_fb };
		struct drm_mode_cursor cu = { .flags = DRM_MODE_CURSOR_MOVE, .crtc_id = p->crtc_id };
		uint32_t objs[3] = { p->crtc_id, p->conn_id, p->plane_id };
		struct drm_mode_create_lease cl = { .object_ids = (uintptr_t)objs,
			.object_count = 3, .flags = O_CLOEXEC };
		struct drm_auth au = { .magic = 1 };

		memcpy(&sc.mode, mode, sizeof(sc.mode));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &sc);
		wcfb_ok(ret == -EACCES, "unpriv: SETCRTC with A's framebuffer -> %s", err(ret));
		ret = mode_blob(fd, mode, &blob);
		wcfb_ok(!ret, "unpriv: CREATEPROPBLOB allowed (%s)", err(ret));
		atom_show(&a, p, blob, a_fb, mode->hdisplay, mode->vdisplay);
		ret = atom_commit(fd, &a, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET, 0, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: atomic TEST_ONLY modeset -> %s", err(ret));
		ret = atom_commit(fd, &a, DRM_MODE_ATOMIC_ALLOW_MODESET, 0, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: atomic modeset -> %s", err(ret));
		ret = atom_commit(fd, &a, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, 0, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: atomic page flip -> %s", err(ret));
		destroy_blob(fd, blob);
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_PAGE_FLIP, &pf);
		wcfb_ok(ret == -EACCES, "unpriv: PAGE_FLIP -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_SETPLANE, &sp);
		wcfb_ok(ret == -EACCES, "unpriv: SETPLANE -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_OBJ_SETPROPERTY, &op);
		wcfb_ok(ret == -EACCES, "unpriv: OBJ_SETPROPERTY ACTIVE=0 -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_DIRTYFB, &dc);
		wcfb_ok(ret == -EACCES, "unpriv: DIRTYFB on A's framebuffer -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CURSOR, &cu);
		wcfb_ok(ret == -EACCES, "unpriv: CURSOR -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CREATE_LEASE, &cl);
		wcfb_ok(ret == -EACCES, "unpriv: CREATE_LEASE -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_SET_MASTER, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: SET_MASTER -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_DROP_MASTER, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: DROP_MASTER -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_AUTH_MAGIC, &au);
		wcfb_ok(ret == -EACCES, "unpriv: AUTH_MAGIC -> %s", err(ret));
	}
	/* A's framebuffer: visible by id, but no handle to it, not removable. */
	{
		struct drm_mode_fb_cmd gf = { .fb_id = a_fb };
		struct drm_mode_fb_cmd2 gf2 = { .fb_id = a_fb };
		struct drm_gem_open go = { .name = flink };
		uint32_t id = a_fb;

		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_GETFB, &gf);
		wcfb_ok(!ret && !gf.handle, "unpriv: GETFB of A's framebuffer gives no handle (%s, handle %u)",
			err(ret), gf.handle);
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_GETFB2, &gf2);
		wcfb_ok(!ret && !gf2.handles[0], "unpriv: GETFB2 of A's framebuffer gives no handle (%s, handle %u)",
			err(ret), gf2.handles[0]);
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_RMFB, &id);
		wcfb_ok(ret == -ENOENT, "unpriv: RMFB of A's framebuffer -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_GEM_OPEN, &go);
		wcfb_ok(ret == -EACCES, "unpriv: GEM_OPEN of A's FLINK name -> %s", err(ret));
	}
	foreign_handles("unpriv", fd, h, off, n, a_syncobj, has_blit, 0);
	/* Its own buffers and framebuffers are fine; showing them is not. */
	{
		struct drm_mode_crtc sc = { .set_connectors_ptr = (uintptr_t)&conn,
			.count_connectors = 1, .crtc_id = p->crtc_id, .mode_valid = 1 };
		struct bo own;

		ret = bo_dumb(fd, &own, mode->hdisplay, mode->vdisplay);
		ret = ret ? ret : bo_addfb(&own);
		wcfb_ok(!ret, "unpriv: own dumb buffer + ADDFB2 allowed (%s)", err(ret));
		memcpy(&sc.mode, mode, sizeof(sc.mode));
		sc.fb_id = own.fb_id;
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &sc);
		wcfb_ok(ret == -EACCES, "unpriv: SETCRTC with its own framebuffer -> %s", err(ret));
		bo_free(&own);
	}
	close(fd);

	/* The render node, as uid 65534: buffers and blits, nothing else. */
	rfd = open(render, O_RDWR | O_CLOEXEC);
	wcfb_ok(rfd >= 0, "unpriv: a render-node file granted to uid %d (%s)", NOBODY,
		rfd < 0 ? strerror(errno) : "ok");
	if (rfd < 0)
		return 1;
	foreign_handles("unpriv render", rfd, h, off, n, a_syncobj, has_blit, 1);
	render_no_kms("unpriv render", rfd, p, mode, a_fb);
	{
		struct bo own;

		ret = bo_cached(rfd, &own, 64, 64);
		wcfb_ok(!ret, "unpriv render: cached buffer + mmap (%s)", err(ret));
		if (!ret && has_blit) {
			ret = blit_fill(rfd, own.handle, own.pitch, 64, 64, 0x00123456, 0, 0);
			ret = ret ? ret : cpu_prep(rfd, own.handle, WCFB_PREP_READ);
			wcfb_ok(!ret && all_pixels(&own, 0x00123456),
				"unpriv render: blit into its own buffer (%s)", err(ret));
		}
		bo_free(&own);
	}
	close(rfd);
	return 0;
}

static int cmd_handles(void)
{
	char dir[] = "/tmp/wcfb-permtest.XXXXXX", node[PATH_MAX];
	uint64_t addr0, flips0, addr1, flips1;
	uint8_t *dsave, *csave;
	const drmModeModeInfo *mode;
	struct wcfb_pipe p;
	struct bo d, c, r;
	uint32_t h[2], sync = 0, flink = 0, fill;
	uint64_t off[2];
	int rfd, ret, has_blit, status, i;
	pid_t pid;

	ret = wcfb_open_pipe(&p);
	wcfb_ok(!ret, "handles: A opens card0 (%s)", err(ret));
	if (ret)
		return 1;
	wcfb_ok(drmIsMaster(p.fd), "handles: A is master");
	has_blit = get_param(p.fd, DRM_WCFB_PARAM_HAS_BLITTER);
	if (!has_blit)
		printf("# no blitter: blits are not exercised\n");
	mode = wcfb_find_mode(&p, 640, 480);
	ret = bo_dumb(p.fd, &d, 640, 480);
	ret = ret ? ret : bo_addfb(&d);
	ret = ret ? ret : bo_cached(p.fd, &c, 256, 256);
	wcfb_ok(!ret && mode, "handles: A's dumb buffer + framebuffer and cached buffer (%s)", err(ret));
	if (ret || !mode)
		return 1;
	fill_pattern(&d, 7);
	cpu_prep(p.fd, c.handle, WCFB_PREP_WRITE);
	fill_pattern(&c, 8);
	cpu_fini(p.fd, c.handle);
	{
		struct drm_syncobj_create sc = { 0 };
		struct drm_gem_flink fl = { .handle = d.handle };

		ret = wcfb_ioctl(p.fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
		ret = ret ? ret : wcfb_ioctl(p.fd, DRM_IOCTL_GEM_FLINK, &fl);
		wcfb_ok(!ret, "handles: A's syncobj and FLINK name (%s)", err(ret));
		sync = sc.handle;
		flink = fl.name;
	}
	h[0] = d.handle;
	h[1] = c.handle;
	off[0] = d.offset;
	off[1] = c.offset;
	printf("# A: dumb handle %u (fb %u), cached handle %u, syncobj %u, flink %u\n",
	       d.handle, d.fb_id, c.handle, sync, flink);
	dsave = malloc(d.size);
	csave = malloc(c.size);
	memcpy(dsave, d.map, d.size);
	memcpy(csave, c.map, c.size);

	/* Root on the render node: a file of its own, without A's handles. */
	rfd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	wcfb_ok(rfd >= 0, "handles: R opens renderD128");
	if (rfd < 0)
		return 1;
	foreign_handles("render", rfd, h, off, 2, sync, has_blit, 1);
	render_no_kms("render", rfd, &p, mode, d.fb_id);
	{
		struct drm_gem_open go = { .name = flink };

		ret = wcfb_ioctl(rfd, DRM_IOCTL_GEM_OPEN, &go);
		wcfb_ok(ret == -EACCES, "render: GEM_OPEN of A's FLINK name -> %s", err(ret));
	}
	/* R's own buffer probably gets one of A's handle numbers: that number
	 * names R's buffer on R, and A's buffer stays A's. */
	ret = bo_cached(rfd, &r, 256, 256);
	wcfb_ok(!ret, "render: R's own cached buffer, handle %u (%s)", r.handle, err(ret));
	if (!ret) {
		struct drm_prime_handle ph = { .handle = r.handle, .flags = DRM_CLOEXEC };
		uint32_t other = r.handle == h[0] ? h[1] : h[0];

		ret = wcfb_ioctl(rfd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
		wcfb_ok(!ret, "render: PRIME export of its own handle works (%s)", err(ret));
		if (!ret)
			close(ph.fd);
		wcfb_ok(!cpu_prep(rfd, r.handle, WCFB_PREP_WRITE) && !cpu_fini(rfd, r.handle),
			"render: CPU_PREP/FINI of its own handle work");
		if (has_blit) {
			ret = blit_fill(rfd, r.handle, r.pitch, 256, 256, 0x00abcdef, 0, 0);
			ret = ret ? ret : cpu_prep(rfd, r.handle, WCFB_PREP_READ);
			wcfb_ok(!ret && all_pixels(&r, 0x00abcdef),
				"render: blit into its own handle %u works (%s)", r.handle, err(ret));
			ret = blit_copy(rfd, r.handle, other, r.pitch, 64, 64);
			wcfb_ok(ret == -ENOENT, "render: COPY from A's handle %u -> %s", other, err(ret));
			ret = blit_fill(rfd, r.handle, r.pitch, 256, 256, 0, sync, 0);
			wcfb_ok(ret == -ENOENT, "render: BLIT waiting on A's syncobj -> %s", err(ret));
			ret = blit_fill(rfd, r.handle, r.pitch, 256, 256, 0, 0, sync);
			wcfb_ok(ret == -ENOENT, "render: BLIT signalling A's syncobj -> %s", err(ret));
		}
		bo_free(&r);
	}
	close(rfd);

	/* A shows its buffer; an unprivileged client tries to take over. */
	ret = wcfb_commit(&p, mode, d.fb_id, 640, 480, DRM_MODE_PAGE_FLIP_EVENT);
	ret = ret ? ret : wcfb_wait_flip(&p, 2000, NULL, NULL);
	wcfb_ok(!ret, "handles: A's modeset (%s)", err(ret));
	scanout_state(&addr0, &flips0);
	if (!mkdtemp(dir) || chmod(dir, 0755) ||
	    private_node(dir, "card0", node, sizeof(node)) ||
	    private_node(dir, "renderD128", node, sizeof(node))) {
		wcfb_ok(0, "handles: private device nodes in %s: %s", dir, strerror(errno));
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		ret = unprivileged(dir, &p, mode, d.fb_id, h, off, 2, sync, flink, has_blit);
		fflush(stdout);
		_exit(ret || wcfb_failures ? 1 : 0);
	}
	status = -1;
	waitpid(pid, &status, 0);
	wcfb_ok(WIFEXITED(status) && !WEXITSTATUS(status), "handles: the unprivileged client's checks");
	snprintf(node, sizeof(node), "%s/card0", dir);
	unlink(node);
	snprintf(node, sizeof(node), "%s/renderD128", dir);
	unlink(node);
	rmdir(dir);

	/* Nothing happened to A's display, buffers or rights. */
	scanout_state(&addr1, &flips1);
	wcfb_ok(addr1 == addr0 && flips1 == flips0,
		"handles: scanout unchanged (0x%" PRIx64 ", %" PRIu64 " flips)", addr1, flips1);
	wcfb_ok(drmIsMaster(p.fd), "handles: A is still master");
	wcfb_ok(!memcmp(d.map, dsave, d.size), "handles: A's dumb buffer unchanged");
	ret = cpu_prep(p.fd, c.handle, WCFB_PREP_READ);
	wcfb_ok(!ret && !memcmp(c.map, csave, c.size), "handles: A's cached buffer unchanged (%s)", err(ret));
	{
		struct drm_mode_fb_cmd gf = { .fb_id = d.fb_id };
		struct drm_gem_close gc;

		ret = wcfb_ioctl(p.fd, DRM_IOCTL_MODE_GETFB, &gf);
		wcfb_ok(!ret && gf.handle, "handles: A's framebuffer still there, GETFB gives A a handle (%s)",
			err(ret));
		gc.handle = gf.handle;
		if (gf.handle && gf.handle != d.handle)
			wcfb_ioctl(p.fd, DRM_IOCTL_GEM_CLOSE, &gc);
	}
	for (i = 0; has_blit && i < 2; i++) {
		fill = 0x00100000 * (i + 1) + 0x55;
		ret = blit_fill(p.fd, h[i], i ? c.pitch : d.pitch, 64, 64, fill, 0, sync);
		ret = ret ? ret : cpu_prep(p.fd, h[i], WCFB_PREP_READ);
		wcfb_ok(!ret && ((uint32_t *)(i ? c.map : d.map))[0] == fill,
			"handles: A still blits into its handle %u with its syncobj (%s)", h[i], err(ret));
	}
	ret = wcfb_commit(&p, NULL, d.fb_id, 640, 480, DRM_MODE_PAGE_FLIP_EVENT);
	ret = ret ? ret : wcfb_wait_flip(&p, 2000, NULL, NULL);
	wcfb_ok(!ret, "handles: A still page-flips (%s)", err(ret));
	free(dsave);
	free(csave);
	bo_free(&c);
	bo_free(&d);
	wcfb_close_pipe(&p);
	return 0;
}

/* ========================================================================= */
/* ioctls                                                                    */
/* ========================================================================= */
static int calls_ok, calls_failed;

static int call(int fd, unsigned long req, void *arg, const char *name)
{
	int ret = wcfb_ioctl(fd, req, arg);

	if (ret) {
		calls_failed++;
		wcfb_ok(0, "ioctls: %s with valid arguments: %s", name, err(ret));
	} else {
		calls_ok++;
	}
	return ret;
}

/* Property metadata, fetched once per id (and scanned). */
struct prop {
	uint32_t id, flags;
	char name[DRM_PROP_NAME_LEN];
};
static struct prop props[256];
static int nprops;

static int limit_value(uint64_t v)
{
	static const uint64_t lim[] = {
		0, 1, INT32_MAX, UINT32_MAX, (uint64_t)(int64_t)INT32_MIN, INT64_MAX,
		(uint64_t)INT64_MIN, UINT64_MAX, DRM_MODE_OBJECT_CRTC,
		DRM_MODE_OBJECT_CONNECTOR, DRM_MODE_OBJECT_ENCODER, DRM_MODE_OBJECT_MODE,
		DRM_MODE_OBJECT_PROPERTY, DRM_MODE_OBJECT_FB, DRM_MODE_OBJECT_BLOB,
		DRM_MODE_OBJECT_PLANE };
	size_t i;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++)
		if (v == lim[i])
			return 1;
	return 0;
}

static struct prop *get_prop(int fd, uint32_t id)
{
	struct drm_mode_get_property gp = { .prop_id = id }, c;
	struct drm_mode_property_enum *en = NULL;
	uint64_t *vals = NULL;
	char detail[64];
	struct prop *pr;
	uint32_t i, t;
	int k;

	for (k = 0; k < nprops; k++)
		if (props[k].id == id)
			return &props[k];
	if (nprops == 256 || call(fd, DRM_IOCTL_MODE_GETPROPERTY, &gp, "MODE_GETPROPERTY"))
		return NULL;
	vals = calloc(gp.count_values + 1, sizeof(*vals));
	en = calloc(gp.count_enum_blobs + 1, sizeof(*en));
	gp.values_ptr = (uintptr_t)vals;
	gp.enum_blob_ptr = (uintptr_t)en;
	if (call(fd, DRM_IOCTL_MODE_GETPROPERTY, &gp, "MODE_GETPROPERTY")) {
		free(vals);
		free(en);
		return NULL;
	}
	pr = &props[nprops++];
	pr->id = id;
	pr->flags = gp.flags;
	memcpy(pr->name, gp.name, sizeof(pr->name));
	pr->name[sizeof(pr->name) - 1] = 0;
	snprintf(detail, sizeof(detail), "%s", pr->name);
	c = gp;
	same_ptr("MODE_GETPROPERTY values", c.values_ptr, vals);
	same_ptr("MODE_GETPROPERTY enums", c.enum_blob_ptr, en);
	ZERO(c, values_ptr);
	ZERO(c, enum_blob_ptr);
	ZERO(c, name);
	RECORD("MODE_GETPROPERTY", detail, c);
	record_text("MODE_GETPROPERTY", detail, gp.name, sizeof(gp.name));
	/* A range's, signed range's or object's limits (INT_MAX, the object
	 * type...) are constants; anything else in the list is scanned. */
	t = gp.flags & DRM_MODE_PROP_EXTENDED_TYPE;
	if (gp.flags & DRM_MODE_PROP_RANGE || t == DRM_MODE_PROP_SIGNED_RANGE ||
	    t == DRM_MODE_PROP_OBJECT)
		for (i = 0; i < gp.count_values; i++)
			if (limit_value(vals[i]))
				vals[i] = 0;
	record("MODE_GETPROPERTY", detail, vals, gp.count_values * sizeof(*vals), 0);
	for (i = 0; i < gp.count_enum_blobs; i++) {
		record_text("MODE_GETPROPERTY", detail, en[i].name, sizeof(en[i].name));
		memset(en[i].name, 0, sizeof(en[i].name));
	}
	record("MODE_GETPROPERTY", detail, en, gp.count_enum_blobs * sizeof(*en), 0);
	free(vals);
	free(en);
	return pr;
}

static void record_mode(const char *ioc, const char *detail, const struct drm_mode_modeinfo *m)
{
	struct drm_mode_modeinfo c = *m;

	record_text(ioc, detail, m->name, sizeof(m->name));
	ZERO(c, name);
	RECORD(ioc, detail, c);
}

static void get_blob(int fd, uint32_t id, const char *prop)
{
	struct drm_mode_get_blob gb = { .blob_id = id }, c;
	uint8_t *data;

	if (call(fd, DRM_IOCTL_MODE_GETPROPBLOB, &gb, "MODE_GETPROPBLOB"))
		return;
	data = calloc(1, gb.length + 1);
	gb.data = (uintptr_t)data;
	if (!call(fd, DRM_IOCTL_MODE_GETPROPBLOB, &gb, "MODE_GETPROPBLOB")) {
		c = gb;
		same_ptr("MODE_GETPROPBLOB", c.data, data);
		ZERO(c, data);
		RECORD("MODE_GETPROPBLOB", prop, c);
		if (gb.length == sizeof(struct drm_mode_modeinfo) &&
		    (!strcmp(prop, "MODE_ID") || !strcmp(prop, "created")))
			record_mode("MODE_GETPROPBLOB", prop, (void *)data);
		else
			record("MODE_GETPROPBLOB", prop, data, gb.length, 0);
	}
	free(data);
}

static void obj_props(int fd, uint32_t obj, uint32_t type, const char *what)
{
	struct drm_mode_obj_get_properties op = { .obj_id = obj, .obj_type = type }, c;
	uint32_t *ids, i;
	uint64_t *vals;

	if (call(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op, "MODE_OBJ_GETPROPERTIES"))
		return;
	ids = calloc(op.count_props + 1, sizeof(*ids));
	vals = calloc(op.count_props + 1, sizeof(*vals));
	op.props_ptr = (uintptr_t)ids;
	op.prop_values_ptr = (uintptr_t)vals;
	if (!call(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op, "MODE_OBJ_GETPROPERTIES")) {
		c = op;
		same_ptr("MODE_OBJ_GETPROPERTIES", c.props_ptr, ids);
		same_ptr("MODE_OBJ_GETPROPERTIES", c.prop_values_ptr, vals);
		ZERO(c, props_ptr);
		ZERO(c, prop_values_ptr);
		RECORD("MODE_OBJ_GETPROPERTIES", what, c);
		record("MODE_OBJ_GETPROPERTIES", what, ids, op.count_props * 4, 0);
		record("MODE_OBJ_GETPROPERTIES", what, vals, op.count_props * 8, 0);
		for (i = 0; i < op.count_props; i++) {
			struct prop *pr = get_prop(fd, ids[i]);

			if (pr && pr->flags & DRM_MODE_PROP_BLOB && vals[i])
				get_blob(fd, vals[i], pr->name);
		}
	}
	free(ids);
	free(vals);
}

/* Read the events queued on FD (one read), scan them. */
static int read_events(int fd, const char *ioc, uint64_t user_data, uint64_t t0)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t buf[1024];
	ssize_t n, o;
	int nev = 0;

	if (poll(&pfd, 1, 3000) <= 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	for (o = 0; n > 0 && o + (ssize_t)sizeof(struct drm_event) <= n;) {
		struct drm_event *e = (void *)(buf + o);

		if (e->length < sizeof(*e) || (size_t)o + e->length > (size_t)n)
			break;
		if (e->type == DRM_EVENT_FLIP_COMPLETE || e->type == DRM_EVENT_VBLANK) {
			struct drm_event_vblank v;

			memcpy(&v, e, sizeof(v));
			if (v.user_data != user_data)
				wcfb_ok(0, "%s event: user_data 0x%llx, not ours", ioc,
					(unsigned long long)v.user_data);
			ZERO(v, user_data);
			RECORD(ioc, "event", v);
		} else if (e->type == DRM_EVENT_CRTC_SEQUENCE) {
			struct drm_event_crtc_sequence s;

			memcpy(&s, e, sizeof(s));
			if (s.user_data != user_data)
				wcfb_ok(0, "%s event: user_data not ours", ioc);
			check_stamp("CRTC_SEQUENCE event", s.time_ns, t0);
			ZERO(s, user_data);
			ZERO(s, time_ns);
			RECORD(ioc, "event", s);
		} else {
			record(ioc, "event", e, e->length, 0);
		}
		nev++;
		o += e->length;
	}
	return nev;
}

static void fdinfo(const char *what, int fd)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	n = read_file(path, buf, sizeof(buf));
	if (n > 0)
		record("fdinfo", what, buf, n, 1);
}

static void sync_file_info(const char *what, int sfd, uint64_t t0)
{
	struct sync_file_info si = { 0 }, c;
	struct sync_fence_info *fi;
	uint32_t i;

	if (call(sfd, SYNC_IOC_FILE_INFO, &si, "SYNC_IOC_FILE_INFO"))
		return;
	fi = calloc(si.num_fences + 1, sizeof(*fi));
	si.sync_fence_info = (uintptr_t)fi;
	if (!call(sfd, SYNC_IOC_FILE_INFO, &si, "SYNC_IOC_FILE_INFO")) {
		c = si;
		same_ptr("SYNC_IOC_FILE_INFO", c.sync_fence_info, fi);
		ZERO(c, sync_fence_info);
		record_text("SYNC_IOC_FILE_INFO", what, si.name, sizeof(si.name));
		ZERO(c, name);
		RECORD("SYNC_IOC_FILE_INFO", what, c);
		for (i = 0; i < si.num_fences; i++) {
			struct sync_fence_info f = fi[i];

			record_text("SYNC_IOC_FILE_INFO", what, f.obj_name, sizeof(f.obj_name));
			record_text("SYNC_IOC_FILE_INFO", what, f.driver_name, sizeof(f.driver_name));
			printf("# %s: fence \"%.32s\" of \"%.32s\", status %d\n", what,
			       f.obj_name, f.driver_name, f.status);
			if (f.timestamp_ns)
				check_stamp("SYNC_IOC_FILE_INFO", f.timestamp_ns, t0);
			ZERO(f, obj_name);
			ZERO(f, driver_name);
			ZERO(f, timestamp_ns);
			RECORD("SYNC_IOC_FILE_INFO", what, f);
		}
	}
	free(fi);
}

static void identity(int fd, const char *node)
{
	char name[64] = "", date[64] = "", desc[256] = "";
	struct drm_version v = { .name_len = sizeof(name) - 1, .name = name,
				 .date_len = sizeof(date) - 1, .date = date,
				 .desc_len = sizeof(desc) - 1, .desc = desc }, c;
	int i, ncaps = 0;

	if (!call(fd, DRM_IOCTL_VERSION, &v, "VERSION")) {
		c = v;
		same_ptr("VERSION name", (uintptr_t)c.name, name);
		same_ptr("VERSION date", (uintptr_t)c.date, date);
		same_ptr("VERSION desc", (uintptr_t)c.desc, desc);
		ZERO(c, name);
		ZERO(c, date);
		ZERO(c, desc);
		RECORD("VERSION", node, c);
		record_text("VERSION", node, name, sizeof(name));
		record_text("VERSION", node, date, sizeof(date));
		record_text("VERSION", node, desc, sizeof(desc));
	}
	for (i = 1; i <= 0x15; i++) {
		struct drm_get_cap gc = { .capability = i };
		char d[32];

		if (wcfb_ioctl(fd, DRM_IOCTL_GET_CAP, &gc))
			continue;	/* not every cap exists on every node */
		snprintf(d, sizeof(d), "%s cap %#x", node, i);
		RECORD("GET_CAP", d, gc);
		ncaps++;
	}
	wcfb_ok(ncaps >= 2, "ioctls: GET_CAP on %s: %d capabilities answered", node, ncaps);
	calls_ok += ncaps;
	for (i = DRM_WCFB_PARAM_UAPI_VERSION; i <= DRM_WCFB_PARAM_ENGINE_VERSION; i++) {
		struct drm_wcfb_get_param gp = { .param = i };
		char d[32];

		snprintf(d, sizeof(d), "%s param %d", node, i);
		if (!call(fd, DRM_IOCTL_WCFB_GET_PARAM, &gp, "WCFB_GET_PARAM"))
			RECORD("WCFB_GET_PARAM", d, gp);
	}
}

/* A fresh buffer shows nothing of the memory's previous user. */
/* The DMA address of the newest pool object (debugfs lists oldest first). */
static uint64_t newest_obj(void)
{
	static char buf[FILE_MAX];
	char *p, *last = NULL;

	if (read_file(DEBUGFS "pool", buf, sizeof(buf)) <= 0)
		return 0;
	for (p = buf; (p = strstr(p, "\nobj 0x")); p++)
		last = p;
	return last ? strtoull(last + 7, NULL, 16) : 0;
}

static void fresh_buffers(int fd, int rfd)
{
	uint64_t a0 = 0, a1 = 0;
	struct bo b;
	int ret;

	ret = bo_dumb(fd, &b, 640, 480);
	if (!ret) {
		a0 = newest_obj();
		memset(b.map, 0xa5, b.size);
		bo_free(&b);
		ret = bo_dumb(fd, &b, 640, 480);
		a1 = newest_obj();
	}
	wcfb_ok(!ret && all_pixels(&b, 0), "ioctls: a new dumb buffer is zeroed (%s; at 0x%" PRIx64 ", %s)",
		err(ret), a1, a0 == a1 ? "the memory just freed with 0xa5 in it" : "not the memory just freed");
	bo_free(&b);
	ret = bo_cached(rfd, &b, 256, 256);
	if (!ret) {
		cpu_prep(rfd, b.handle, WCFB_PREP_WRITE);
		memset(b.map, 0xa5, b.size);
		cpu_fini(rfd, b.handle);
		bo_free(&b);
		ret = bo_cached(rfd, &b, 256, 256);
	}
	ret = ret ? ret : cpu_prep(rfd, b.handle, WCFB_PREP_READ);
	wcfb_ok(!ret && all_pixels(&b, 0), "ioctls: a fresh cached buffer is zeroed (%s)", err(ret));
	bo_free(&b);
}

static void kms_reads(int fd)
{
	struct drm_mode_card_res res = { 0 }, c;
	uint32_t *fbs, *crtcs, *conns, *encs, i, j;

	if (call(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "MODE_GETRESOURCES"))
		return;
	fbs = calloc(res.count_fbs + 1, 4);
	crtcs = calloc(res.count_crtcs + 1, 4);
	conns = calloc(res.count_connectors + 1, 4);
	encs = calloc(res.count_encoders + 1, 4);
	res.fb_id_ptr = (uintptr_t)fbs;
	res.crtc_id_ptr = (uintptr_t)crtcs;
	res.connector_id_ptr = (uintptr_t)conns;
	res.encoder_id_ptr = (uintptr_t)encs;
	if (call(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "MODE_GETRESOURCES"))
		return;
	c = res;
	same_ptr("MODE_GETRESOURCES", c.fb_id_ptr, fbs);
	same_ptr("MODE_GETRESOURCES", c.crtc_id_ptr, crtcs);
	same_ptr("MODE_GETRESOURCES", c.connector_id_ptr, conns);
	same_ptr("MODE_GETRESOURCES", c.encoder_id_ptr, encs);
	ZERO(c, fb_id_ptr);
	ZERO(c, crtc_id_ptr);
	ZERO(c, connector_id_ptr);
	ZERO(c, encoder_id_ptr);
	RECORD("MODE_GETRESOURCES", "", c);
	record("MODE_GETRESOURCES", "fbs", fbs, res.count_fbs * 4, 0);
	record("MODE_GETRESOURCES", "crtcs", crtcs, res.count_crtcs * 4, 0);
	record("MODE_GETRESOURCES", "connectors", conns, res.count_connectors * 4, 0);
	record("MODE_GETRESOURCES", "encoders", encs, res.count_encoders * 4, 0);

	for (i = 0; i < res.count_connectors; i++) {
		struct drm_mode_get_connector gc = { .connector_id = conns[i] }, cc;
		struct drm_mode_modeinfo *modes;
		uint32_t *ce, *cp;
		uint64_t *cv;

		if (call(fd, DRM_IOCTL_MODE_GETCONNECTOR, &gc, "MODE_GETCONNECTOR"))
			continue;
		modes = calloc(gc.count_modes + 1, sizeof(*modes));
		ce = calloc(gc.count_encoders + 1, 4);
		cp = calloc(gc.count_props + 1, 4);
		cv = calloc(gc.count_props + 1, 8);
		gc.modes_ptr = (uintptr_t)modes;
		gc.encoders_ptr = (uintptr_t)ce;
		gc.props_ptr = (uintptr_t)cp;
		gc.prop_values_ptr = (uintptr_t)cv;
		if (!call(fd, DRM_IOCTL_MODE_GETCONNECTOR, &gc, "MODE_GETCONNECTOR")) {
			cc = gc;
			same_ptr("MODE_GETCONNECTOR", cc.modes_ptr, modes);
			same_ptr("MODE_GETCONNECTOR", cc.encoders_ptr, ce);
			same_ptr("MODE_GETCONNECTOR", cc.props_ptr, cp);
			same_ptr("MODE_GETCONNECTOR", cc.prop_values_ptr, cv);
			ZERO(cc, modes_ptr);
			ZERO(cc, encoders_ptr);
			ZERO(cc, props_ptr);
			ZERO(cc, prop_values_ptr);
			RECORD("MODE_GETCONNECTOR", "", cc);
			for (j = 0; j < gc.count_modes; j++)
				record_mode("MODE_GETCONNECTOR", "mode", &modes[j]);
			record("MODE_GETCONNECTOR", "encoders", ce, gc.count_encoders * 4, 0);
			record("MODE_GETCONNECTOR", "props", cp, gc.count_props * 4, 0);
			record("MODE_GETCONNECTOR", "prop values", cv, gc.count_props * 8, 0);
		}
		free(modes);
		free(ce);
		free(cp);
		free(cv);
		obj_props(fd, conns[i], DRM_MODE_OBJECT_CONNECTOR, "connector");
	}
	for (i = 0; i < res.count_encoders; i++) {
		struct drm_mode_get_encoder ge = { .encoder_id = encs[i] };

		if (!call(fd, DRM_IOCTL_MODE_GETENCODER, &ge, "MODE_GETENCODER"))
			RECORD("MODE_GETENCODER", "", ge);
	}
	for (i = 0; i < res.count_crtcs; i++) {
		struct drm_mode_crtc gc = { .crtc_id = crtcs[i] };

		if (!call(fd, DRM_IOCTL_MODE_GETCRTC, &gc, "MODE_GETCRTC")) {
			record_mode("MODE_GETCRTC", "mode", &gc.mode);
			ZERO(gc, mode);
			RECORD("MODE_GETCRTC", "", gc);
		}
		obj_props(fd, crtcs[i], DRM_MODE_OBJECT_CRTC, "crtc");
	}
	{
		struct drm_mode_get_plane_res pr = { 0 };
		uint32_t *planes;

		if (!call(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pr, "MODE_GETPLANERESOURCES")) {
			planes = calloc(pr.count_planes + 1, 4);
			pr.plane_id_ptr = (uintptr_t)planes;
			if (!call(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pr, "MODE_GETPLANERESOURCES")) {
				same_ptr("MODE_GETPLANERESOURCES", pr.plane_id_ptr, planes);
				record("MODE_GETPLANERESOURCES", "planes", planes, pr.count_planes * 4, 0);
				ZERO(pr, plane_id_ptr);
				RECORD("MODE_GETPLANERESOURCES", "", pr);
				for (j = 0; j < pr.count_planes; j++) {
					struct drm_mode_get_plane gp = { .plane_id = planes[j] };
					uint32_t *fmts;

					if (call(fd, DRM_IOCTL_MODE_GETPLANE, &gp, "MODE_GETPLANE"))
						continue;
					fmts = calloc(gp.count_format_types + 1, 4);
					gp.format_type_ptr = (uintptr_t)fmts;
					if (!call(fd, DRM_IOCTL_MODE_GETPLANE, &gp, "MODE_GETPLANE")) {
						same_ptr("MODE_GETPLANE", gp.format_type_ptr, fmts);
						record("MODE_GETPLANE", "formats", fmts,
						       gp.count_format_types * 4, 0);
						ZERO(gp, format_type_ptr);
						RECORD("MODE_GETPLANE", "", gp);
					}
					free(fmts);
					obj_props(fd, planes[j], DRM_MODE_OBJECT_PLANE, "plane");
				}
			}
			free(planes);
		}
	}
	free(fbs);
	free(crtcs);
	free(conns);
	free(encs);
}

static void legacy_and_misc(int fd)
{
	struct drm_client cl = { .idx = 0 };
	struct drm_stats stt;
	struct drm_auth au = { 0 };
	struct drm_unique u = { 0 };
	char unique[128] = "";

	if (!call(fd, DRM_IOCTL_GET_UNIQUE, &u, "GET_UNIQUE")) {
		u.unique = unique;
		u.unique_len = u.unique_len < sizeof(unique) - 1 ? u.unique_len : sizeof(unique) - 1;
		if (!call(fd, DRM_IOCTL_GET_UNIQUE, &u, "GET_UNIQUE")) {
			same_ptr("GET_UNIQUE", (uintptr_t)u.unique, unique);
			ZERO(u, unique);
			RECORD("GET_UNIQUE", "", u);
			record_text("GET_UNIQUE", "", unique, sizeof(unique));
		}
	}
	if (!call(fd, DRM_IOCTL_GET_MAGIC, &au, "GET_MAGIC"))
		RECORD("GET_MAGIC", "", au);
	if (!call(fd, DRM_IOCTL_GET_CLIENT, &cl, "GET_CLIENT"))
		RECORD("GET_CLIENT", "", cl);
	memset(&stt, 0, sizeof(stt));
	if (!call(fd, DRM_IOCTL_GET_STATS, &stt, "GET_STATS"))
		RECORD("GET_STATS", "", stt);
}

static void gem_and_prime(int fd, int rfd, struct bo *d)
{
	struct drm_gem_flink fl = { .handle = d->handle };
	struct drm_prime_handle ph = { .handle = d->handle, .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_gem_close gc;

	{
		struct drm_wcfb_gem_mmap_offset mo = { .handle = d->handle };

		if (!call(fd, DRM_IOCTL_WCFB_GEM_MMAP_OFFSET, &mo, "WCFB_GEM_MMAP_OFFSET")) {
			wcfb_ok(mo.offset == d->offset,
				"ioctls: WCFB_GEM_MMAP_OFFSET of a dumb buffer is MAP_DUMB's offset");
			check_offset("WCFB_GEM_MMAP_OFFSET", mo.offset);
			ZERO(mo, offset);
			RECORD("WCFB_GEM_MMAP_OFFSET", "dumb", mo);
		}
	}
	if (!call(fd, DRM_IOCTL_GEM_FLINK, &fl, "GEM_FLINK")) {
		struct drm_gem_open go = { .name = fl.name };

		RECORD("GEM_FLINK", "", fl);
		if (!call(fd, DRM_IOCTL_GEM_OPEN, &go, "GEM_OPEN")) {
			RECORD("GEM_OPEN", "", go);
			gc.handle = go.handle;
			if (go.handle != d->handle)
				wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
		}
	}
	if (!call(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph, "PRIME_HANDLE_TO_FD")) {
		struct drm_prime_handle self = { .fd = ph.fd }, other = { .fd = ph.fd };

		RECORD("PRIME_HANDLE_TO_FD", "dumb", ph);
		fdinfo("dma-buf", ph.fd);
		if (!call(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &self, "PRIME_FD_TO_HANDLE")) {
			RECORD("PRIME_FD_TO_HANDLE", "self", self);
			wcfb_ok(self.handle == d->handle, "ioctls: self-import gives the same handle");
		}
		if (!call(rfd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &other, "PRIME_FD_TO_HANDLE")) {
			RECORD("PRIME_FD_TO_HANDLE", "render node", other);
			gc.handle = other.handle;
			wcfb_ioctl(rfd, DRM_IOCTL_GEM_CLOSE, &gc);
		}
		close(ph.fd);
	}
	{
		struct drm_mode_fb_cmd af = { .width = d->w, .height = d->h, .pitch = d->pitch,
					      .bpp = 32, .depth = 24, .handle = d->handle };
		struct drm_mode_fb_cmd gf = { 0 };
		struct drm_mode_fb_cmd2 gf2 = { 0 };

		if (!call(fd, DRM_IOCTL_MODE_ADDFB, &af, "MODE_ADDFB")) {
			RECORD("MODE_ADDFB", "", af);
			gf.fb_id = af.fb_id;
			if (!call(fd, DRM_IOCTL_MODE_GETFB, &gf, "MODE_GETFB")) {
				RECORD("MODE_GETFB", "", gf);
				gc.handle = gf.handle;
				if (gf.handle != d->handle)
					wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
			}
			gf2.fb_id = af.fb_id;
			if (!call(fd, DRM_IOCTL_MODE_GETFB2, &gf2, "MODE_GETFB2")) {
				RECORD("MODE_GETFB2", "", gf2);
				gc.handle = gf2.handles[0];
				if (gf2.handles[0] != d->handle)
					wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
			}
			call(fd, DRM_IOCTL_MODE_RMFB, &af.fb_id, "MODE_RMFB");
		}
	}
}

static void blits_and_syncobjs(int rfd, int has_blit)
{
	struct drm_syncobj_create sc = { 0 };
	uint64_t t0 = mono_ns();
	struct bo b, s;
	int ret;

	if (bo_cached(rfd, &b, 256, 256) || bo_cached(rfd, &s, 256, 256)) {
		wcfb_ok(0, "ioctls: cached buffers on the render node");
		return;
	}
	{
		struct drm_wcfb_gem_create_cached cs = { .size = 10000 };
		struct drm_gem_close gc;

		if (!call(rfd, DRM_IOCTL_WCFB_GEM_CREATE_CACHED, &cs, "WCFB_GEM_CREATE_CACHED")) {
			RECORD("WCFB_GEM_CREATE_CACHED", "size", cs);
			gc.handle = cs.handle;
			wcfb_ioctl(rfd, DRM_IOCTL_GEM_CLOSE, &gc);
		}
	}
	{
		struct drm_wcfb_gem_cpu_prep cp = { .handle = s.handle, .op = WCFB_PREP_WRITE,
						    .timeout_ns = 1000000000 };
		struct drm_wcfb_gem_cpu_fini cf = { .handle = s.handle };

		if (!call(rfd, DRM_IOCTL_WCFB_GEM_CPU_PREP, &cp, "WCFB_GEM_CPU_PREP"))
			RECORD("WCFB_GEM_CPU_PREP", "", cp);
		fill_pattern(&s, 3);
		if (!call(rfd, DRM_IOCTL_WCFB_GEM_CPU_FINI, &cf, "WCFB_GEM_CPU_FINI"))
			RECORD("WCFB_GEM_CPU_FINI", "", cf);
	}
	if (call(rfd, DRM_IOCTL_SYNCOBJ_CREATE, &sc, "SYNCOBJ_CREATE"))
		return;
	RECORD("SYNCOBJ_CREATE", "", sc);
	if (has_blit) {
		struct drm_wcfb_blit_op op = { .op = WCFB_BLIT_OP_COPY, .width = 256, .height = 256,
			.dst = { .handle = b.handle, .format = DRM_FORMAT_XRGB8888, .pitch = b.pitch },
			.src = { .handle = s.handle, .format = DRM_FORMAT_XRGB8888, .pitch = s.pitch } };
		struct drm_wcfb_blit bl = { .ops = (uintptr_t)&op, .op_count = 1,
					    .out_syncobj = sc.handle };
		uint32_t hs = sc.handle;
		struct drm_syncobj_wait sw = { .handles = (uintptr_t)&hs, .count_handles = 1,
			.timeout_nsec = (int64_t)(mono_ns() + 5000000000ull) };
		struct drm_syncobj_handle sh = { .handle = sc.handle }, fh = { 0 },
			sf = { .handle = sc.handle, .flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };

		if (!call(rfd, DRM_IOCTL_WCFB_BLIT, &bl, "WCFB_BLIT"))
			RECORD("WCFB_BLIT", "out-syncobj", bl);
		if (!call(rfd, DRM_IOCTL_SYNCOBJ_WAIT, &sw, "SYNCOBJ_WAIT")) {
			same_ptr("SYNCOBJ_WAIT", sw.handles, &hs);
			ZERO(sw, handles);
			ZERO(sw, timeout_nsec);	/* our own input */
			RECORD("SYNCOBJ_WAIT", "", sw);
		}
		ret = cpu_prep(rfd, b.handle, WCFB_PREP_READ);
		wcfb_ok(!ret && !memcmp(b.map, s.map, b.size), "ioctls: the blit copied (%s)", err(ret));
		if (!call(rfd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sf, "SYNCOBJ_HANDLE_TO_FD")) {
			RECORD("SYNCOBJ_HANDLE_TO_FD", "sync_file", sf);
			sync_file_info("blit fence", sf.fd, t0);
			fdinfo("sync_file", sf.fd);
			close(sf.fd);
		}
		if (!call(rfd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh, "SYNCOBJ_HANDLE_TO_FD")) {
			RECORD("SYNCOBJ_HANDLE_TO_FD", "", sh);
			fdinfo("syncobj", sh.fd);
			fh.fd = sh.fd;
			if (!call(rfd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &fh, "SYNCOBJ_FD_TO_HANDLE")) {
				struct drm_syncobj_destroy sd = { .handle = fh.handle };

				RECORD("SYNCOBJ_FD_TO_HANDLE", "", fh);
				wcfb_ioctl(rfd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
			}
			close(sh.fd);
		}
	}
	{
		struct drm_syncobj_destroy sd = { .handle = sc.handle };

		call(rfd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd, "SYNCOBJ_DESTROY");
	}
	{
		struct drm_prime_handle ph = { .handle = b.handle, .flags = DRM_CLOEXEC };

		if (!call(rfd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph, "PRIME_HANDLE_TO_FD")) {
			RECORD("PRIME_HANDLE_TO_FD", "cached", ph);
			fdinfo("dma-buf (cached)", ph.fd);
			close(ph.fd);
		}
	}
	bo_free(&b);
	bo_free(&s);
}

static void display(struct wcfb_pipe *p, struct bo *d1, struct bo *d2)
{
	const drmModeModeInfo *mode = wcfb_find_mode(p, d1->w, d1->h);
	uint32_t conn = p->conn_id, blob = 0, fence_prop = 0;
	struct drm_mode_atomic ar;
	int32_t out_fence = -1;
	uint64_t t0 = mono_ns();
	struct atom a;
	int k, ret;

	if (!mode) {
		wcfb_ok(0, "ioctls: no %ux%u mode", d1->w, d1->h);
		return;
	}
	{
		struct drm_mode_crtc sc = { .set_connectors_ptr = (uintptr_t)&conn,
			.count_connectors = 1, .crtc_id = p->crtc_id, .fb_id = d2->fb_id,
			.mode_valid = 1 };

		memcpy(&sc.mode, mode, sizeof(sc.mode));
		if (!call(p->fd, DRM_IOCTL_MODE_SETCRTC, &sc, "MODE_SETCRTC")) {
			same_ptr("MODE_SETCRTC", sc.set_connectors_ptr, &conn);
			ZERO(sc, set_connectors_ptr);
			record_mode("MODE_SETCRTC", "mode", &sc.mode);
			ZERO(sc, mode);
			RECORD("MODE_SETCRTC", "", sc);
		}
	}
	for (k = 0; k < nprops; k++)
		if (!strcmp(props[k].name, "OUT_FENCE_PTR"))
			fence_prop = props[k].id;
	if (mode_blob(p->fd, mode, &blob))
		return;
	get_blob(p->fd, blob, "created");
	atom_show(&a, p, blob, d1->fb_id, d1->w, d1->h);
	if (fence_prop)
		atom_add(&a, p->crtc_id, fence_prop, (uintptr_t)&out_fence);
	ret = atom_commit(p->fd, &a, DRM_MODE_ATOMIC_ALLOW_MODESET | DRM_MODE_PAGE_FLIP_EVENT,
			  0x1234abcd5678ull, &ar);
	if (!ret) {
		calls_ok++;
		same_ptr("MODE_ATOMIC", ar.objs_ptr, a.objs);
		same_ptr("MODE_ATOMIC", ar.count_props_ptr, a.counts);
		same_ptr("MODE_ATOMIC", ar.props_ptr, a.props);
		same_ptr("MODE_ATOMIC", ar.prop_values_ptr, a.vals);
		ZERO(ar, objs_ptr);
		ZERO(ar, count_props_ptr);
		ZERO(ar, props_ptr);
		ZERO(ar, prop_values_ptr);
		if (ar.user_data != 0x1234abcd5678ull)
			wcfb_ok(0, "MODE_ATOMIC: user_data changed");
		ZERO(ar, user_data);
		RECORD("MODE_ATOMIC", "", ar);
		if (fence_prop) {
			RECORD("MODE_ATOMIC", "OUT_FENCE_PTR", out_fence);
			wcfb_ok(out_fence >= 0, "ioctls: atomic commit gave an out-fence (%d)", out_fence);
		}
		wcfb_ok(read_events(p->fd, "MODE_ATOMIC", 0x1234abcd5678ull, t0) == 1,
			"ioctls: atomic commit's flip event");
		if (out_fence >= 0) {
			sync_file_info("out-fence", out_fence, t0);
			close(out_fence);
		}
	} else {
		calls_failed++;
		wcfb_ok(0, "ioctls: MODE_ATOMIC with valid arguments: %s", err(ret));
	}
	destroy_blob(p->fd, blob);
	{
		struct drm_mode_crtc_page_flip pf = { .crtc_id = p->crtc_id, .fb_id = d2->fb_id,
			.flags = DRM_MODE_PAGE_FLIP_EVENT, .user_data = 0x77 };

		if (!call(p->fd, DRM_IOCTL_MODE_PAGE_FLIP, &pf, "MODE_PAGE_FLIP")) {
			ZERO(pf, user_data);
			RECORD("MODE_PAGE_FLIP", "", pf);
			wcfb_ok(read_events(p->fd, "MODE_PAGE_FLIP", 0x77, t0) == 1,
				"ioctls: legacy page flip's event");
		}
	}
	{
		union drm_wait_vblank wv = { .request = { .type = (enum drm_vblank_seq_type)DRM_VBLANK_RELATIVE } };
		struct drm_crtc_get_sequence gs = { .crtc_id = p->crtc_id };
		struct drm_crtc_queue_sequence qs = { .crtc_id = p->crtc_id,
			.flags = DRM_CRTC_SEQUENCE_RELATIVE, .sequence = 1, .user_data = 0x99 };

		if (!call(p->fd, DRM_IOCTL_WAIT_VBLANK, &wv, "WAIT_VBLANK"))
			RECORD("WAIT_VBLANK", "", wv.reply);
		if (!call(p->fd, DRM_IOCTL_CRTC_GET_SEQUENCE, &gs, "CRTC_GET_SEQUENCE")) {
			check_stamp("CRTC_GET_SEQUENCE", gs.sequence_ns, t0);
			ZERO(gs, sequence_ns);
			RECORD("CRTC_GET_SEQUENCE", "", gs);
		}
		if (!call(p->fd, DRM_IOCTL_CRTC_QUEUE_SEQUENCE, &qs, "CRTC_QUEUE_SEQUENCE")) {
			ZERO(qs, user_data);
			RECORD("CRTC_QUEUE_SEQUENCE", "", qs);
			wcfb_ok(read_events(p->fd, "CRTC_QUEUE_SEQUENCE", 0x99, t0) == 1,
				"ioctls: queued sequence event");
		}
	}
	{
		struct drm_mode_list_lessees ll = { 0 };
		struct drm_mode_get_lease gl = { 0 };
		uint32_t objs[64];

		if (!call(p->fd, DRM_IOCTL_MODE_LIST_LESSEES, &ll, "MODE_LIST_LESSEES"))
			RECORD("MODE_LIST_LESSEES", "", ll);
		if (!call(p->fd, DRM_IOCTL_MODE_GET_LEASE, &gl, "MODE_GET_LEASE") &&
		    gl.count_objects <= 64) {
			gl.objects_ptr = (uintptr_t)objs;
			if (!call(p->fd, DRM_IOCTL_MODE_GET_LEASE, &gl, "MODE_GET_LEASE")) {
				same_ptr("MODE_GET_LEASE", gl.objects_ptr, objs);
				record("MODE_GET_LEASE", "objects", objs, gl.count_objects * 4, 0);
				ZERO(gl, objects_ptr);
				RECORD("MODE_GET_LEASE", "", gl);
			}
		}
	}
}

static void fbdev(void)
{
	struct fb_fix_screeninfo fix;
	struct fb_var_screeninfo var;
	int fd = open("/dev/fb0", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("# no /dev/fb0: %s\n", strerror(errno));
		return;
	}
	memset(&fix, 0, sizeof(fix));
	if (!call(fd, FBIOGET_FSCREENINFO, &fix, "FBIOGET_FSCREENINFO")) {
		printf("# fb0: smem_start 0x%lx, mmio_start 0x%lx\n", fix.smem_start, fix.mmio_start);
		record_text("FBIOGET_FSCREENINFO", "id", fix.id, sizeof(fix.id));
		ZERO(fix, id);
		RECORD("FBIOGET_FSCREENINFO", "", fix);
	}
	memset(&var, 0, sizeof(var));
	if (!call(fd, FBIOGET_VSCREENINFO, &var, "FBIOGET_VSCREENINFO"))
		RECORD("FBIOGET_VSCREENINFO", "", var);
	close(fd);
}

static int cmd_ioctls(void)
{
	struct wcfb_pipe p;
	struct bo d1, d2;
	int rfd, ret, has_blit, hits, i;

	ret = wcfb_open_pipe(&p);
	wcfb_ok(!ret && drmIsMaster(p.fd), "ioctls: card0, master (%s)", err(ret));
	rfd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	wcfb_ok(rfd >= 0, "ioctls: renderD128");
	if (ret || rfd < 0)
		return 1;
	recording = 1;
	has_blit = get_param(p.fd, DRM_WCFB_PARAM_HAS_BLITTER);
	identity(p.fd, "card0");
	identity(rfd, "renderD128");
	legacy_and_misc(p.fd);
	fresh_buffers(p.fd, rfd);
	ret = bo_dumb(p.fd, &d1, 640, 480);
	ret = ret ? ret : bo_addfb(&d1);
	ret = ret ? ret : bo_dumb(p.fd, &d2, 640, 480);
	ret = ret ? ret : bo_addfb(&d2);
	wcfb_ok(!ret, "ioctls: two dumb buffers with framebuffers (%s)", err(ret));
	if (ret)
		return 1;
	fill_pattern(&d1, 1);
	fill_pattern(&d2, 2);
	kms_reads(p.fd);
	collect_addrs();
	gem_and_prime(p.fd, rfd, &d1);
	blits_and_syncobjs(rfd, has_blit);
	display(&p, &d1, &d2);
	collect_addrs();
	kms_reads(p.fd);	/* again, with our framebuffer on screen */
	fbdev();
	fdinfo("card0", p.fd);
	fdinfo("renderD128", rfd);
	collect_addrs();
	wcfb_ok(!collect_addrs() && naddrs >= 3,
		"ioctls: %d DMA addresses from debugfs, %d ranges (System RAM, pool, buffers)",
		naddrs, nranges);
	hits = scan_records(1);
	printf("# ioctls checked:");
	for (i = 0; i < nioc; i++)
		printf(" %s", ioc_names[i]);
	printf("\n");
	wcfb_ok(!hits && !calls_failed,
		"ioctls: %d ioctl kinds, %d successful calls, %lu outputs, %lu 64-bit words, %lu text bytes: %d address-like values",
		nioc, calls_ok, st.outputs, st.words, st.text_bytes, hits);
	bo_free(&d1);
	bo_free(&d2);
	close(rfd);
	wcfb_close_pipe(&p);
	return 0;
}

/* ========================================================================= */
/* files                                                                     */
/* ========================================================================= */
static void check_dev_dri(void)
{
	struct dirent *de;
	DIR *d = opendir("/dev/dri");
	int n = 0;

	wcfb_ok(d != NULL, "files: /dev/dri");
	while (d && (de = readdir(d))) {
		char path[300];
		struct stat sb;
		mode_t m;

		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		if (lstat(path, &sb) || !S_ISCHR(sb.st_mode))
			continue;
		m = sb.st_mode & 07777;
		n++;
		printf("# %s: mode %04o, uid %u, gid %u\n", path, m, sb.st_uid, sb.st_gid);
		wcfb_ok(sb.st_uid == 0, "files: %s owned by root", path);
		if (!strncmp(de->d_name, "renderD", 7))
			/* Render nodes may be rw for everybody (systemd's rule,
			 * 0666): they are designed for it.  Never more. */
			wcfb_ok(!(m & (S_ISUID | S_ISGID | S_ISVTX | S_IXUSR | S_IXGRP | S_IXOTH)),
				"files: %s: at most rw (%04o)", path, m);
		else
			wcfb_ok(!(m & S_IRWXO), "files: %s: no access for others (%04o)", path, m);
	}
	if (d)
		closedir(d);
	wcfb_ok(n >= 2, "files: %d device nodes in /dev/dri", n);
}

static void check_params(void)
{
	glob_t g;
	size_t i;

	if (glob("/sys/module/wcfb*/parameters/*", 0, NULL, &g)) {
		wcfb_ok(0, "files: wcfb has module parameters");
		return;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		struct stat sb;

		if (stat(g.gl_pathv[i], &sb))
			continue;
		wcfb_ok(!(sb.st_mode & S_IWOTH), "files: %s not world-writable (%04o)",
			g.gl_pathv[i], sb.st_mode & 07777);
	}
	globfree(&g);
}

/* The kernel log, if uid 65534 may read it (dmesg_restrict=0). */
static void check_kmsg(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC), kptr = 0, phys = 0;
	char rec[2048], restrict_[16] = "?";
	unsigned long lines = 0;
	ssize_t n;

	read_file("/proc/sys/kernel/dmesg_restrict", restrict_, sizeof(restrict_));
	restrict_[strcspn(restrict_, "\n")] = 0;
	if (fd < 0) {
		wcfb_ok(errno == EPERM || errno == EACCES,
			"files: kernel log closed to uid %d (dmesg_restrict=%s: %s)", NOBODY,
			restrict_, strerror(errno));
		return;
	}
	/* Readable: wcfb's own lines must hold no kernel pointer.  Physical
	 * addresses there are the kernel's convention (the reserved-memory
	 * core prints the same pool at boot); reported, not failed. */
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		unsigned long k0 = kptr_hits;
		int h;

		if (n <= 0)
			continue;
		rec[n] = 0;
		if (!strstr(rec, "wcfb"))
			continue;
		lines++;
		h = scan_text("kernel log", rec, n);
		kptr += kptr_hits - k0;
		if (h > (int)(kptr_hits - k0))
			phys++;
	}
	close(fd);
	printf("# kernel log readable by uid %d (dmesg_restrict=%s): %lu wcfb lines, %d with a physical/DMA address (the kernel's convention for the log)\n",
	       NOBODY, restrict_, lines, phys);
	wcfb_ok(!kptr, "files: no kernel pointer in wcfb's kernel log lines (%d)", kptr);
}

static int cmd_files(void)
{
	static const struct { const char *pattern; int depth, follow; } roots[] = {
		/* Device directories first: a directory is read once. */
		{ "/sys/devices/platform/*wcfb*", 5, 0 },
		{ "/sys/devices/platform/*display*", 5, 0 },
		{ "/sys/class/drm", 3, 1 },
		{ "/sys/class/graphics", 2, 1 },
		{ "/sys/module/wcfb*", 3, 0 },
		{ "/sys/bus/platform/drivers/wcfb*", 2, 1 },
		{ "/sys/bus/pci/drivers/wcfb*", 2, 1 },
		{ "/dev/dri", 1, 0 },
	};
	struct walk_stats w = { 0 };
	struct wcfb_pipe p;
	struct bo d, c;
	DIR *dd;
	size_t i, j;
	int fd, ret;

	/* As root: live buffers, their addresses, the static modes. */
	ret = wcfb_open_pipe(&p);
	ret = ret ? ret : bo_dumb(p.fd, &d, 640, 480);
	ret = ret ? ret : bo_addfb(&d);
	ret = ret ? ret : bo_cached(p.fd, &c, 256, 256);
	wcfb_ok(!ret, "files: live dumb, framebuffer and cached buffers (%s)", err(ret));
	ret = collect_addrs();
	wcfb_ok(!ret, "files: %d DMA addresses and %d ranges gathered as root", naddrs, nranges);
	check_dev_dri();
	check_params();

	ret = drop_privileges();
	wcfb_ok(!ret, "files: now uid/gid %d, no capabilities (%s)", NOBODY, err(ret));
	if (ret)
		return 1;
	dd = opendir("/sys/kernel/debug");
	wcfb_ok(!dd && errno == EACCES, "files: /sys/kernel/debug closed (%s)",
		dd ? "opened" : strerror(errno));
	if (dd)
		closedir(dd);
	fd = open(DEBUGFS "pool", O_RDONLY);
	wcfb_ok(fd < 0 && errno == EACCES, "files: debugfs pool closed (%s)",
		fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);
	fd = open("/sys/module/wcfb/sections/.text", O_RDONLY);
	wcfb_ok(fd < 0 && errno == EACCES, "files: module section addresses closed (%s)",
		fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);
	fd = open("/dev/dri/card0", O_RDWR);
	wcfb_ok(fd < 0 && errno == EACCES, "files: /dev/dri/card0 cannot be opened (%s)",
		fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);
	fd = open("/dev/dri/renderD128", O_RDWR);
	printf("# /dev/dri/renderD128 for uid %d: %s\n", NOBODY, fd < 0 ? strerror(errno) : "opens");
	if (fd >= 0)
		close(fd);

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		struct walk_stats before = w;
		glob_t g;

		if (glob(roots[i].pattern, 0, NULL, &g)) {
			printf("# %s: nothing\n", roots[i].pattern);
			continue;
		}
		for (j = 0; j < g.gl_pathc; j++)
			walk(g.gl_pathv[j], roots[i].depth, roots[i].follow, 1, &w);
		globfree(&g);
		printf("# %s: %lu dirs, %lu files, %lu read\n", roots[i].pattern,
		       w.dirs - before.dirs, w.files - before.files,
		       w.readable - before.readable);
	}
	check_kmsg();
	wcfb_ok(w.readable >= 20, "files: %lu directories, %lu files: %lu read (%lu bytes), %lu closed to uid %d, %lu unreadable attributes",
		w.dirs, w.files, w.readable, w.bytes, w.unreadable, NOBODY, w.read_errors);
	wcfb_ok(!w.hits, "files: no kernel pointer or physical/DMA address in what uid %d can read (%lu words, %lu text bytes scanned; %lu found)",
		NOBODY, st.words, st.text_bytes, w.hits);
	wcfb_ok(!w.writable && !w.world_writable, "files: nothing writable by uid %d (%lu), nothing world-writable (%lu)",
		NOBODY, w.writable, w.world_writable);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int ret = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		fprintf(stderr, "wcfb-permtest: must run as root\n");
		return 1;
	}
	if (!strcmp(cmd, "selfcheck"))
		ret = cmd_selfcheck();
	else if (!strcmp(cmd, "handles"))
		ret = cmd_handles();
	else if (!strcmp(cmd, "ioctls"))
		ret = cmd_ioctls();
	else if (!strcmp(cmd, "files"))
		ret = cmd_files();
	else
		fprintf(stderr, "usage: wcfb-permtest selfcheck|handles|ioctls|files\n");
	return ret ? ret : wcfb_failures ? 1 : 0;
}
