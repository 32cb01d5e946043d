/* SPDX-License-Identifier: MIT */
/*
 * wcfb-permtest's own header: what its files share (main.c says what the
 * program checks and how).
 */
#ifndef WCFB_PERMTEST_H
#define WCFB_PERMTEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "drm/wcfb_drm.h"
#include "../wcfb_client.h"

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

/* --- common.c ------------------------------------------------------------ */
static inline const char *err(int ret)
{
	return ret ? strerror(-ret) : "success";
}

static inline uint64_t mono_ns(void)
{
	return wcfb_now_ns();	/* CLOCK_MONOTONIC, what DRM and dma_fence use */
}

/* Read up to LEN - 1 bytes of PATH into BUF (NUL-terminated); bytes or -errno. */
ssize_t read_file(const char *path, char *buf, size_t len);
/* Pattern SEED (wcfb_pattern.h) in every pixel of mapped 32-bit B. */
void fill_pattern(const struct wcfb_buf *b, uint32_t seed);
/* To uid/gid NOBODY, no groups, no capabilities: 0 or -errno. */
int drop_privileges(void);

/* --- scan.c: the addresses and the scanners ------------------------------ */
extern uint64_t addrs[];		/* exact DMA/physical addresses */
extern int naddrs, nranges;
extern uint64_t pool_base, ram_lo;	/* the pool; the lowest System RAM */
extern unsigned long kptr_hits;		/* kernel pointers found so far */
extern struct scan_stats {
	unsigned long outputs, words, text_bytes;
} scanned;

/* As root: System RAM, the pool, the live buffers' and scanout's DMA
 * addresses (again at every call).  0 if the RAM and the pool were found. */
int collect_addrs(void);
/* Address-like values in BUF as u64 words at every 4-byte offset (TAIL:
 * the last u32 too); each hit printed under WHAT.  Returns the hits. */
int scan_words(const char *what, const void *buf, size_t len, int tail);
/* Address-like numbers in text S; returns the hits. */
int scan_text(const char *what, const char *s, size_t len);
int is_binary(const char *s, size_t len);

/* --- record.c: ioctl outputs, scanned at the end ------------------------- */
extern int recording;			/* record() keeps nothing while 0 */
extern const char *ioc_names[];		/* the ioctls recorded, once each */
extern int nioc;

/* How a recorded output is scanned. */
enum rec_kind {
	REC_STRUCT,	/* an ioctl structure: u64 words at every 4 bytes, and
			 * its last u32 zero-extended */
	REC_TEXT,	/* text */
	REC_ARRAY32,	/* an array of u32 values (ids, fourccs): a pointer
			 * would take two of them, so no zero-extended tail */
};
/* Keep a copy of LEN bytes of DATA, ioctl IOC's output (DETAIL: which
 * one), for scan_records(), scanned as KIND says. */
void record(const char *ioc, const char *detail, const void *data,
	    size_t len, enum rec_kind kind);
void record_text(const char *ioc, const char *detail, const char *s,
		 size_t max);
#define RECORD(ioc, detail, s)	record(ioc, detail, &(s), sizeof(s), REC_STRUCT)
#define ZERO(s, f)		memset(&(s).f, 0, sizeof((s).f))
/* Scan every recorded output; REPORT: a "not ok" line for each with hits. */
int scan_records(int report);
/* Checks of fields that hold address-like numbers legitimately: each is
 * what it must be, then the caller zeroes it before RECORD(). */
void same_ptr(const char *what, uint64_t got, const void *want);
void check_offset(const char *what, uint64_t off);
void check_stamp(const char *what, int64_t ns, uint64_t t0);
/* wcfb_buf_trace: the wcfb_buf_* calls' outputs, recorded. */
void record_buf(const char *ioc, const struct wcfb_buf *b, const void *out,
		size_t len);

/* --- walk.c: the file walker --------------------------------------------- */
struct walk_stats {
	unsigned long dirs, files, readable, unreadable, read_errors, bytes,
		      hits, writable, world_writable, dirs_closed;
};

/* One regular file; UNPRIV: we are uid NOBODY, write access fails. */
void check_file(const char *path, const struct stat *sb, int unpriv,
		struct walk_stats *w);
/* PATH and DEPTH directory levels below it (FOLLOW: the links in PATH). */
void walk(const char *path, int depth, int follow, int unpriv,
	  struct walk_stats *w);

/* --- atomic.c: hand-built atomic requests -------------------------------- */
struct atom {
	uint32_t objs[8], counts[8], props[32];
	uint64_t vals[32];
	int nobj, nprop;
};

void atom_add(struct atom *a, uint32_t obj, uint32_t prop, uint64_t val);
/* The plane showing FB (W x H) on the pipe's CRTC with MODE_BLOB. */
void atom_show(struct atom *a, const struct wcfb_pipe *p, uint32_t blob,
	       uint32_t fb, uint32_t w, uint32_t h);
/* MODE_ATOMIC of A; OUT: the request as the kernel left it. */
int atom_commit(int fd, struct atom *a, uint32_t flags, uint64_t user_data,
		struct drm_mode_atomic *out);
/* A property blob of MODE (recorded); its id in ID. */
int mode_blob(int fd, const drmModeModeInfo *mode, uint32_t *id);
void destroy_blob(int fd, uint32_t id);

/* --- the subcommands ------------------------------------------------------ */
int cmd_selfcheck(void);	/* selfcheck.c */
int cmd_handles(void);		/* handles.c */
int cmd_ioctls(void);		/* ioctls.c */
int cmd_files(void);		/* files.c */

/* ioctls.c and ioctls_kms.c */
extern int calls_ok, calls_failed;
/* The ioctl, which must succeed ("not ok" and counted if not). */
int call(int fd, unsigned long req, void *arg, const char *name);
void fdinfo(const char *what, int fd);
void sync_file_info(const char *what, int sfd, uint64_t t0);
void record_mode(const char *ioc, const char *detail,
		 const struct drm_mode_modeinfo *m);
/* Read and record the events queued on FD; returns how many. */
int read_events(int fd, const char *ioc, uint64_t user_data, uint64_t t0);
/* Every KMS object and property, read and recorded. */
void kms_reads(int fd);
/* Modeset, flips, vblank and lease queries with D1 and D2 (framebuffers). */
void display(struct wcfb_pipe *p, struct wcfb_buf *d1, struct wcfb_buf *d2);

#endif
