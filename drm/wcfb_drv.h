/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb: KMS on write-combined reserved memory, scanned out by QEMU's ramfb.
 *
 * Shared driver state.  The scanout engine is opaque here: only
 * wcfb_scanout.c knows what it is (see wcfb_scanout.h).
 */
#ifndef WCFB_DRV_H
#define WCFB_DRV_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/types.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_plane.h>
#include <drm/drm_rect.h>
#include <drm/drm_writeback.h>
#include <drm/gpu_scheduler.h>

#include "wcfb_crc.h"

#define DRIVER_NAME	"wcfb"
#define DRIVER_DESC	"KMS on write-combined reserved memory, scanned out by ramfb"
#define DRIVER_DATE	"20261121"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

struct dma_fence;
struct drm_minor;
struct wcfb_blitter;
struct wcfb_bo;
struct wcfb_blitter_table;
struct wcfb_scanout;

/**
 * struct wcfb_pool - the reserved-memory pool scanout buffers come from
 * @base: physical (= DMA) address of the pool
 * @size: size of the pool in bytes
 * @nomap: true for a no-map carveout, false for a reusable CMA area
 * @lock: protects everything below
 * @objects: live scanout buffers (&wcfb_bo.scanout.pool_node)
 * @live_objects: number of entries on @objects
 * @bytes_requested: sum of the objects' sizes
 * @bytes_consumed: pool bytes the objects really take
 * @peak_consumed: highest @bytes_consumed seen
 * @refused_rs: one log line per burst of refused allocations
 * @refusals: allocations refused with -ENOMEM since probe
 */
struct wcfb_pool {
	phys_addr_t base;
	u64 size;
	bool nomap;

	struct mutex lock; /* protects the accounting below */
	struct list_head objects;
	unsigned int live_objects;
	u64 bytes_requested;
	u64 bytes_consumed;
	u64 peak_consumed;

	struct ratelimit_state refused_rs;
	atomic_t refusals;
};

/**
 * struct wcfb_output - the display pipeline
 * @primary: the primary plane
 * @crtc: the CRTC
 * @encoder: a virtual encoder
 * @connector: a virtual, always connected connector
 * @vblank_timer: simulated vblank, fires once per frame while the CRTC is on
 * @vblank_period: frame duration of the current mode
 * @vblank_epoch: when the CRTC was enabled; vblank k is at epoch + k * period
 * @vblank_running: the CRTC is on and @vblank_epoch/@vblank_period hold
 * @vblank_reported: the last vblank the timer reported (test control only)
 * @vblank_delayed: the timer is re-armed late (test_vblank_irq_delay_us)
 * @flips: engine programmings that changed the scanout address
 * @timer_fires: vblank timer interrupts handled
 * @timer_late_ns: their total lateness against the vblank each reports
 * @timer_late_max_ns: the worst lateness
 * @timer_late_1ms: interrupts 1 ms or more late
 * @timer_overruns: vblanks the timer skipped (more than a frame late)
 * @crc: CRC capture, and what is on screen (wcfb_crc.c)
 * @writeback: the writeback connector (with a blitter; wcfb_writeback.c)
 * @wb_fb: the framebuffer of the writeback job the commit in progress
 *         queued (a reference), written after its frame is on screen
 * @show: what the screen shows (enum wcfb_show), for debugfs
 * @show_lock: serializes making and latching a frame: the commit tail's
 *             atomic_flush and the cursor's async updates, which compose
 *             into the same back buffer
 * @composed: frames the blitter composed
 * @compose_failed: compositions that failed
 * @compose_ns: time the composed frames took, job built to fence signalled
 * @compose_slow: of those, frames that took half a frame or more
 * @state_seq: CRTC states made so far (numbers them)
 * @shown_seq: the number of the CRTC state whose frame is on screen (its
 *             flush ran), under @show_lock
 * @async_damage: where the cursor's async updates changed the screen while
 *                the current CRTC state had not made its frame yet: its
 *                flush composes it too (under @show_lock)
 * @cursor_async: cursor updates made without a commit (legacy cursor
 *                ioctls)
 * @cursor_unchanged: of those, updates that changed nothing on screen
 *
 * The timer_* figures (debugfs "vblank") tell a late host from a late
 * driver: they are written by the timer's handler alone.
 */
struct wcfb_output {
	struct drm_plane *primary;
	struct drm_crtc crtc;
	struct drm_encoder encoder;
	struct drm_connector connector;

	struct hrtimer vblank_timer;
	ktime_t vblank_period;
	ktime_t vblank_epoch;
	bool vblank_running;
	ktime_t vblank_reported;
	bool vblank_delayed;
	atomic64_t flips;

	atomic64_t timer_fires;
	atomic64_t timer_late_ns;
	atomic64_t timer_late_max_ns;
	atomic64_t timer_late_1ms;
	atomic64_t timer_overruns;

	struct wcfb_crc crc;
	struct drm_writeback_connector writeback;
	struct drm_framebuffer *wb_fb;
	int show;
	struct mutex show_lock; /* see @show_lock above */
	atomic64_t state_seq;
	u64 shown_seq;
	struct drm_rect async_damage;
	atomic64_t composed;
	atomic64_t compose_failed;
	atomic64_t compose_ns;
	atomic64_t compose_slow;
	atomic64_t cursor_async;
	atomic64_t cursor_unchanged;
};

static inline struct wcfb_output *to_wcfb_output(struct drm_crtc *crtc)
{
	return container_of(crtc, struct wcfb_output, crtc);
}

/**
 * struct wcfb_fbdev_stats - what the console's flushes did (debugfs fbdev)
 * @engine_flushes: damage rectangles copied by the blitter
 * @cpu_flushes: damage rectangles copied by the CPU (no blitter, a dead
 *               one, after a failed engine copy, or chosen as faster)
 * @cpu_chosen: the part of @cpu_flushes the CPU did because it has been
 *              faster than the blitter for flushes of that size
 * @engine_failures: engine copies that failed and were redone by the CPU
 * @bytes: bytes of the damaged rectangles flushed, both paths
 * @engine_ns: time spent in engine flushes (sync, submit, fence)
 * @sync_ns: the part of @engine_ns spent syncing the shadow for the device
 * @submit_ns: the part of @engine_ns spent queueing the copy (the rest is
 *             the wait for its fence)
 * @cpu_ns: time spent in CPU copies
 *
 * In the device rather than in the fbdev emulation: debugfs may read it
 * while the emulation is torn down, and the device outlives both.
 */
struct wcfb_fbdev_stats {
	atomic64_t engine_flushes;
	atomic64_t cpu_flushes;
	atomic64_t cpu_chosen;
	atomic64_t engine_failures;
	atomic64_t bytes;
	atomic64_t engine_ns;
	atomic64_t sync_ns;
	atomic64_t submit_ns;
	atomic64_t cpu_ns;
};

/**
 * struct wcfb_job_stats - where job submission's time goes (debugfs jobs)
 * @pushed: jobs queued on the scheduler, every entity
 * @push_wake_ns: time in drm_sched_entity_push_job() of those: the
 *                scheduler thread's wakeup, an IPI when it sleeps on
 *                another CPU
 * @blit_ioctls: BLIT ioctls that queued a job
 * @blit_ioctl_ns: their time in the driver, entry to return (their
 *                 wakeups included)
 *
 * So that a figure of the BLIT ioctl as its client sees it can be split
 * into the driver's work, the wakeup and what is outside the driver.
 */
struct wcfb_job_stats {
	atomic64_t pushed;
	atomic64_t push_wake_ns;
	atomic64_t blit_ioctls;
	atomic64_t blit_ioctl_ns;
};

/**
 * struct wcfb_device - driver instance
 * @drm: the DRM device
 * @pool: the reserved-memory pool and its accounting
 * @scanout: the scanout engine
 * @output: the display pipeline
 * @preferred_width: width of the preferred mode
 * @preferred_height: height of the preferred mode
 * @engine: the blitter (a reference), NULL if the device tree names none
 * @sched: the blitter's job scheduler (wcfb_job.c), with @engine only
 * @kernel_entity: the driver's own jobs (the console's flushes)
 * @sched_park_lock: serialises parking @sched's thread (timeouts, file
 *                   close; wcfb_job.c)
 * @sched_push_lock: arm and push of every entity's jobs, so that each
 *                   entity's queue is in its fences' order (wcfb_job.c)
 * @job_stats: submission's time (debugfs jobs)
 * @live_cached: live cached objects
 * @live_exports: live dma-bufs exported from scanout (WC) buffers
 * @live_exports_cached: live dma-bufs exported from cached buffers
 * @live_imports: live GEM objects imported from foreign dma-bufs
 * @fbdev_stats: the console's flushes (fbdev/wcfb_fbdev.c)
 */
struct wcfb_device {
	struct drm_device drm;
	struct wcfb_pool pool;
	struct wcfb_scanout *scanout;
	struct wcfb_output output;
	u32 preferred_width;
	u32 preferred_height;

	struct wcfb_blitter *engine;
	struct drm_gpu_scheduler sched;
	struct drm_sched_entity kernel_entity;
	struct mutex sched_park_lock; /* parking the scheduler's thread */
	struct mutex sched_push_lock; /* arm + push, in fence order */
	struct wcfb_job_stats job_stats;

	atomic_t live_cached;
	atomic_t live_exports;
	atomic_t live_exports_cached;
	atomic_t live_imports;

	struct wcfb_fbdev_stats fbdev_stats;
};

static inline struct wcfb_device *to_wcfb_device(struct drm_device *drm)
{
	return container_of(drm, struct wcfb_device, drm);
}

/* wcfb_gem.c */
int wcfb_pool_init(struct wcfb_device *wcfb);
bool wcfb_pool_contains(const struct wcfb_device *wcfb, dma_addr_t addr,
			u64 len);
u64 wcfb_pool_available(const struct wcfb_device *wcfb);
bool wcfb_pool_fits_mode(const struct wcfb_device *wcfb, u32 width,
			 u32 height);

/*
 * Static unless the kernel has KUnit (VISIBLE_IF_KUNIT), for
 * drm/tests/wcfb_kunit.c.
 */
#if IS_ENABLED(CONFIG_KUNIT)
/* wcfb_drv.c */
int wcfb_parse_mode(const char *s, u32 *width, u32 *height);
/* wcfb_gem.c */
int wcfb_dumb_layout(u32 width, u32 height, u32 bpp, u32 max_dim,
		     u32 *pitch, u64 *size);
u64 wcfb_pool_consumed(u64 size, bool nomap, unsigned int page_shift);
bool wcfb_mode_fits_pool(u32 width, u32 height, u64 pool_avail, bool nomap,
			 unsigned int page_shift);
#endif

/* The buffer objects and their ioctls: wcfb_gem.h. */

/**
 * struct wcfb_kernel_copy - a blitter COPY from driver memory to a scanout
 *                           buffer (wcfb_blit_kernel_copy())
 * @dst: the destination, a pool-backed scanout buffer
 * @src_tab: the engine's SG table of the source (mapped on the engine's
 *           device, synced for it by the caller)
 * @src_size: bytes the source spans
 * @src_ref: taken by the job and put once its fence has signalled, so that
 *           the source memory and its mapping outlive the engine's use
 * @src_release: release function of @src_ref
 * @format: DRM fourcc of both (one the engine declares)
 * @pitch: bytes per line, the same in both
 * @x: first column of the rectangle, the same in both
 * @y: first line of the rectangle, the same in both
 * @width: pixels per line of the rectangle
 * @height: lines of the rectangle
 */
struct wcfb_kernel_copy {
	struct wcfb_bo *dst;
	struct wcfb_blitter_table *src_tab;
	u64 src_size;
	struct kref *src_ref;
	void (*src_release)(struct kref *ref);
	u32 format;
	u32 pitch;
	u32 x;
	u32 y;
	u32 width;
	u32 height;
};

/* wcfb_blit.c */
int wcfb_blit_surface_origin(u64 offset, u32 pitch, u32 x, u32 y, u32 w,
			     u32 h, u32 cpp, u64 size, u32 *ox, u32 *oy);
int wcfb_blit_kernel_copy(struct wcfb_device *wcfb,
			  const struct wcfb_kernel_copy *copy,
			  struct dma_fence **fence);
int wcfb_ioctl_get_param(struct drm_device *drm, void *data,
			 struct drm_file *file);
int wcfb_ioctl_blit(struct drm_device *drm, void *data,
		    struct drm_file *file);

/* wcfb_kms.c */
int wcfb_kms_init(struct wcfb_device *wcfb);
void wcfb_kms_fini(struct wcfb_device *wcfb);

/* wcfb_debugfs.c */
void wcfb_debugfs_init(struct drm_minor *minor);

#endif /* WCFB_DRV_H */
