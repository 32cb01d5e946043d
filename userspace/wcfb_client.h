/* SPDX-License-Identifier: MIT */
/*
 * Shared by wcfb's libdrm test clients: the guest side of the harness
 * protocol (screenshot requests, benchmark figures), small KMS helpers
 * (finding the pipe, atomic commits) and the wrappers of wcfb's buffer
 * and blitter ioctls (struct wcfb_buf, wcfb_buf_*, wcfb_cpu_*, wcfb_blit*).
 */
#ifndef WCFB_CLIENT_H
#define WCFB_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

/* --- harness protocol --------------------------------------------------- */
/* Ask the host to capture the screen as NAME and run CHECK (printf-style,
 * e.g. "pattern 3 640 480").  Returns 0 when the host's check passed. */
int wcfb_shot(const char *name, const char *check_fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Send COMMAND to the blitter model's fault-injection socket through the
 * host; the model's answer is copied to ANSWER.  Returns 0 on success. */
int wcfb_engine_ctl(const char *command, char *answer, size_t len);
/* Report a benchmark: JSON object text, one line. */
void wcfb_bench(const char *json);

/* --- test bookkeeping --------------------------------------------------- */
extern int wcfb_failures;
void wcfb_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- buffers and the blitter (include/uapi/drm/wcfb_drm.h) -------------- */
/*
 * A GEM buffer on one DRM file: a dumb buffer (wcfb: write-combined
 * scanout memory; vgem: shmem) or a wcfb cached buffer, maybe mapped, maybe
 * with a framebuffer.  Every call returns 0 or -errno; a buffer a call
 * failed on keeps what was made (its handle, ...) for wcfb_buf_free().
 */
struct wcfb_buf {
	int fd;			/* the DRM file the handle is in */
	uint32_t handle, pitch, width, height;
	uint32_t fourcc;	/* its framebuffer's format (wcfb_buf_addfb) */
	uint32_t fb_id;		/* 0: no framebuffer */
	uint64_t size;
	uint64_t offset;	/* its fake mmap offset, once mapped */
	uint8_t *map;		/* NULL: not mapped */
	int cached;		/* WCFB_GEM_CREATE_CACHED: CPU access between
				 * wcfb_cpu_prep() and wcfb_cpu_fini() */
};

/* How wcfb_buf_dumb() and wcfb_buf_cached() map the new buffer. */
enum wcfb_map {
	WCFB_MAP_NONE,		/* not at all */
	WCFB_MAP_WCFB,		/* the offset from WCFB_GEM_MMAP_OFFSET (wcfb only) */
	WCFB_MAP_DUMB,		/* the offset from MODE_MAP_DUMB (dumb buffers, any driver) */
};

/* MODE_CREATE_DUMB of W x H at BPP on FD, then mapped as MAP says. */
int wcfb_buf_dumb(int fd, struct wcfb_buf *b, uint32_t w, uint32_t h,
		  uint32_t bpp, enum wcfb_map map);
/* WCFB_GEM_CREATE_CACHED of W x H at BPP on FD, then mapped as MAP says. */
int wcfb_buf_cached(int fd, struct wcfb_buf *b, uint32_t w, uint32_t h,
		    uint32_t bpp, enum wcfb_map map);
/* MODE_ADDFB2: B's handle and pitch, W x H, FOURCC; sets fb_id and fourcc. */
int wcfb_buf_addfb(struct wcfb_buf *b, uint32_t fourcc);
/* Undo whatever of B exists (RMFB, munmap, GEM_CLOSE); B is zeroed. */
void wcfb_buf_free(struct wcfb_buf *b);
/* 1 if every pixel of mapped B (W x H, 32 bits each) is V, else 0. */
int wcfb_buf_all(const struct wcfb_buf *b, uint32_t v);
/*
 * If set, called with every structure a wcfb_buf_* call got back from the
 * kernel, as the kernel left it, right after the ioctl: IOC is its name
 * without DRM_IOCTL_ ("MODE_CREATE_DUMB", "MODE_MAP_DUMB",
 * "WCFB_GEM_CREATE_CACHED", "WCFB_GEM_MMAP_OFFSET", "MODE_ADDFB2"), B the
 * buffer as filled in so far.  wcfb-permtest scans them for addresses.
 */
extern void (*wcfb_buf_trace)(const char *ioc, const struct wcfb_buf *b,
			      const void *out, size_t len);

/* WCFB_GEM_CPU_PREP of HANDLE for OP (WCFB_PREP_*): waits up to 5 s. */
int wcfb_cpu_prep(int fd, uint32_t handle, uint32_t op);
int wcfb_cpu_prep_timeout(int fd, uint32_t handle, uint32_t op,
			  int64_t timeout_ns);
/* WCFB_GEM_CPU_FINI of HANDLE. */
int wcfb_cpu_fini(int fd, uint32_t handle);

struct drm_wcfb_blit_op;
/* WCFB_BLIT of N OPS; IN_SYNCOBJ / OUT_SYNCOBJ: 0 for none. */
int wcfb_blit(int fd, const struct drm_wcfb_blit_op *ops, uint32_t n,
	      uint32_t in_syncobj, uint32_t out_syncobj);
/* One FILL of W x H from (0,0) of HANDLE (XRGB8888, PITCH) with FILL. */
int wcfb_blit_fill(int fd, uint32_t handle, uint32_t pitch, uint32_t w,
		   uint32_t h, uint32_t fill, uint32_t in_syncobj,
		   uint32_t out_syncobj);
/* One COPY of W x H from (0,0) of SRC to (0,0) of DST, both XRGB8888. */
int wcfb_blit_copy(int fd, uint32_t dst, uint32_t dst_pitch, uint32_t src,
		   uint32_t src_pitch, uint32_t w, uint32_t h);
/* WCFB_GET_PARAM's value of PARAM (DRM_WCFB_PARAM_*); ~0 if it failed. */
uint64_t wcfb_get_param(int fd, uint32_t param);

/* --- KMS ---------------------------------------------------------------- */
struct wcfb_pipe {
	int fd;
	uint32_t conn_id, crtc_id, plane_id, enc_id;
	drmModeConnector *conn;
	/* property ids */
	uint32_t conn_crtc_id;
	uint32_t crtc_mode_id, crtc_active;
	uint32_t plane_fb_id, plane_crtc_id, plane_src_x, plane_src_y,
		 plane_src_w, plane_src_h, plane_crtc_x, plane_crtc_y,
		 plane_crtc_w, plane_crtc_h;
};

/* The card the tests use: $WCFB_TEST_CARD, else /dev/dri/card0 (a
 * second instance, bound while an unbound one lives on, is card1). */
const char *wcfb_card_path(void);
/* That card (O_RDWR | O_CLOEXEC): the fd, or -1 after a "# cannot open"
 * line. */
int wcfb_open_card(void);
/* The first /dev/dri/cardN whose driver is NAME ("vgem"), or -1 after a
 * "# no NAME device" line. */
int wcfb_open_driver(const char *name);
int wcfb_open_pipe(struct wcfb_pipe *p);
void wcfb_close_pipe(struct wcfb_pipe *p);
const drmModeModeInfo *wcfb_find_mode(struct wcfb_pipe *p, uint32_t w, uint32_t h);
uint32_t wcfb_format_cpp(uint32_t fourcc);
uint32_t wcfb_parse_format(const char *s);
/* A scanout buffer: wcfb_buf_dumb(WCFB_MAP_DUMB) + wcfb_buf_addfb(FOURCC);
 * returns -errno, with nothing left over. */
int wcfb_buf_create(struct wcfb_pipe *p, struct wcfb_buf *b, uint32_t w,
		    uint32_t h, uint32_t fourcc);
/* wcfb_buf_free(), closing the handle with MODE_DESTROY_DUMB. */
void wcfb_buf_destroy(struct wcfb_pipe *p, struct wcfb_buf *b);
void wcfb_buf_fill_pattern(struct wcfb_buf *b, uint32_t seed);
/* Add to REQ: MODE (a new blob, returned in BLOB for the caller to destroy)
 * on the connector and the CRTC, ACTIVE 1.  Returns -errno. */
int wcfb_req_mode(struct wcfb_pipe *p, drmModeAtomicReq *req,
		  const drmModeModeInfo *mode, uint32_t *blob);
/* Add to REQ: the plane showing FB_ID as W x H from (0,0) on the CRTC. */
void wcfb_req_plane(struct wcfb_pipe *p, drmModeAtomicReq *req,
		    uint32_t fb_id, uint32_t w, uint32_t h);
/* Atomic commit showing FB on the whole MODE (mode NULL: keep the mode;
 * fb_id 0: the plane off, the CRTC as MODE says).
 * flags: DRM_MODE_ATOMIC_* / DRM_MODE_PAGE_FLIP_EVENT.  Returns -errno. */
int wcfb_commit(struct wcfb_pipe *p, const drmModeModeInfo *mode,
		uint32_t fb_id, uint32_t w, uint32_t h, uint32_t flags);
/* Commit REQ as built by the caller; its event, if asked for, is what
 * wcfb_wait_flip() waits for.  Returns -errno. */
int wcfb_atomic_commit(struct wcfb_pipe *p, drmModeAtomicReq *req,
		       uint32_t flags);
/* Turn the CRTC and the plane off (a blocking commit). */
int wcfb_disable(struct wcfb_pipe *p);
/* The same with FLAGS (NONBLOCK, PAGE_FLIP_EVENT: for wcfb_wait_flip()). */
int wcfb_disable_flags(struct wcfb_pipe *p, uint32_t flags);
/* Wait for one page-flip event; returns 0 and its timestamp (ns). */
int wcfb_wait_flip(struct wcfb_pipe *p, int timeout_ms, uint64_t *ts_ns,
		   uint32_t *seq);
uint64_t wcfb_now_ns(void);
/* The decimal value of "KEY value" in the driver's debugfs FILE (pool,
 * scanout, vblank, ...): 0, or -errno (-ENOENT: no such key). */
/* The id of the property NAME of object OBJ (DRM_MODE_OBJECT_*), 0 if none. */
uint32_t wcfb_prop_id(int fd, uint32_t obj, uint32_t type, const char *name);
int wcfb_debugfs_value(const char *file, const char *key, long long *val);
/* ioctl(2), retried on EINTR/EAGAIN as libdrm's drmIoctl(); returns -errno. */
int wcfb_ioctl(int fd, unsigned long req, void *arg);

#endif
