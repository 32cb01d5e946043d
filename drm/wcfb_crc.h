/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb CRC capture: the DRM debugfs CRC interface (crtc-0/crc/), source
 * "auto", one CRC of the frame on screen per vblank, computed by the
 * blitter.  See wcfb_crc.c.
 */
#ifndef WCFB_CRC_H
#define WCFB_CRC_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct drm_crtc;
struct wcfb_bo;

/* Vblanks a late work can catch up on: over a quarter second at 60 Hz. */
#define WCFB_CRC_PENDING 16

/**
 * struct wcfb_crc_frame - a vblank whose CRC is still to be reported
 * @frame: its vblank count
 * @gen: the screen it showed (&wcfb_crc.gen when it passed)
 */
struct wcfb_crc_frame {
	s64 frame;
	u32 gen;
};

/**
 * struct wcfb_crc - what is on screen, and its CRCs
 * @lock: protects everything but @pending_lock's fields
 * @screen: the buffer on screen (a reference), NULL for black or off
 * @x: first pixel's column in @screen
 * @y: first pixel's line in @screen
 * @pitch: bytes per line of @screen
 * @fourcc: format of @screen
 * @width: pixels per line on screen (also for black)
 * @height: lines on screen (also for black)
 * @stable: @screen changes only with a new wcfb_crc_set_screen()
 * @gen: the screen's generation: one more at each wcfb_crc_set_screen()
 * @known: @known_crc is the CRC of screen @known_gen: the one the work
 *         computed last, or that of the screen before the current one
 *         (kept for its vblanks still to be reported)
 * @known_gen: see @known
 * @known_crc: see @known
 * @on: capture is on (source "auto")
 * @vblank_ref: capture holds a vblank reference, so that the vblank count
 *              goes on while nothing else waits for a vblank (the frame
 *              numbers of the entries are vblank counts)
 * @result: a pool buffer the blitter writes each CRC into
 * @black_crc: the CRC of black at @black_width x @black_height
 * @black_width: see @black_crc (0: none computed yet)
 * @black_height: see @black_crc
 * @last_frame: frame of the last entry given to the core; written by the
 *              work while @working, else under @pending_lock
 * @pending_lock: protects @pending, @pending_head, @pending_count,
 *                @working and the @now_* fields (taken by the vblank
 *                timer's hard interrupt); @known's fields and @gen are
 *                written under it too
 * @pending: the vblanks not reported yet, oldest first from @pending_head
 * @pending_head: see @pending
 * @pending_count: see @pending
 * @working: the work has taken vblanks off @pending and not yet reported
 *           them all
 * @now_known: @now_crc is the CRC of screen @now_gen, known without a job
 *             (a composed frame's, from the job that made it): while
 *             @now_gen is on screen, its vblanks are reported from the
 *             vblank's interrupt
 * @now_gen: see @now_known
 * @now_crc: see @now_known
 * @missed: vblanks that got no entry (see wcfb_crc_work()), for debugfs
 * @direct: vblanks reported from the vblank's interrupt, for debugfs
 * @work: computes CRCs and adds the entries (queued by the vblank)
 */
struct wcfb_crc {
	struct mutex lock; /* the screen's description and capture state */
	struct wcfb_bo *screen;
	u32 x;
	u32 y;
	u32 pitch;
	u32 fourcc;
	u32 width;
	u32 height;
	bool stable;
	u32 gen;
	bool known;
	u32 known_gen;
	u32 known_crc;
	bool on;
	bool vblank_ref;
	struct wcfb_bo *result;
	u32 black_crc;
	u32 black_width;
	u32 black_height;
	s64 last_frame;
	spinlock_t pending_lock; /* the vblanks to report */
	struct wcfb_crc_frame pending[WCFB_CRC_PENDING];
	unsigned int pending_head;
	unsigned int pending_count;
	bool working;
	bool now_known;
	u32 now_gen;
	u32 now_crc;
	atomic64_t missed;
	atomic64_t direct;
	struct work_struct work;
};

void wcfb_crc_init(struct wcfb_crc *crc);
void wcfb_crc_fini(struct wcfb_crc *crc);
void wcfb_crc_set_screen(struct wcfb_crc *crc, struct wcfb_bo *bo, u32 x,
			 u32 y, u32 pitch, u32 fourcc, u32 width, u32 height,
			 bool stable, const u32 *known);
void wcfb_crc_vblank(struct drm_crtc *crtc, struct wcfb_crc *crc);
void wcfb_crc_crtc_on(struct drm_crtc *crtc, struct wcfb_crc *crc);

const char *const *wcfb_crc_get_sources(struct drm_crtc *crtc, size_t *count);
int wcfb_crc_verify_source(struct drm_crtc *crtc, const char *source,
			   size_t *values_cnt);
int wcfb_crc_set_source(struct drm_crtc *crtc, const char *source);

#endif /* WCFB_CRC_H */
