/* SPDX-License-Identifier: MIT */
/*
 * Shared by wcfb's libdrm test clients: the guest side of the harness
 * protocol (screenshot requests, benchmark figures) and small KMS helpers
 * (finding the pipe, dumb buffers, atomic commits).
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

struct wcfb_buf {
	uint32_t handle, pitch, width, height, fourcc, fb_id;
	uint64_t size;
	uint8_t *map;
};

int wcfb_open_pipe(struct wcfb_pipe *p);
void wcfb_close_pipe(struct wcfb_pipe *p);
const drmModeModeInfo *wcfb_find_mode(struct wcfb_pipe *p, uint32_t w, uint32_t h);
uint32_t wcfb_format_cpp(uint32_t fourcc);
uint32_t wcfb_parse_format(const char *s);
/* Dumb buffer + mmap + AddFB2; returns -errno. */
int wcfb_buf_create(struct wcfb_pipe *p, struct wcfb_buf *b, uint32_t w,
		    uint32_t h, uint32_t fourcc);
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
int wcfb_disable(struct wcfb_pipe *p);
/* Wait for one page-flip event; returns 0 and its timestamp (ns). */
int wcfb_wait_flip(struct wcfb_pipe *p, int timeout_ms, uint64_t *ts_ns,
		   uint32_t *seq);
uint64_t wcfb_now_ns(void);
/* The decimal value of "KEY value" in the driver's debugfs FILE (pool,
 * scanout, vblank, ...): 0, or -errno (-ENOENT: no such key). */
int wcfb_debugfs_value(const char *file, const char *key, long long *val);
/* ioctl(2), retried on EINTR/EAGAIN as libdrm's drmIoctl(); returns -errno. */
int wcfb_ioctl(int fd, unsigned long req, void *arg);

#endif
