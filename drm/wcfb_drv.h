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
#include <drm/drm_gem_dma_helper.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_plane.h>

#define DRIVER_NAME	"wcfb"
#define DRIVER_DESC	"KMS on write-combined reserved memory, scanned out by ramfb"
#define DRIVER_DATE	"20261121"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

struct dma_fence;
struct drm_minor;
struct sg_table;
struct task_struct;
struct wcfb_engine;
struct wcfb_engine_table;
struct wcfb_scanout;

/**
 * struct wcfb_pool - the reserved-memory pool scanout buffers come from
 * @base: physical (= DMA) address of the pool
 * @size: size of the pool in bytes
 * @nomap: true for a no-map carveout, false for a reusable CMA area
 * @lock: protects everything below
 * @objects: live pool-backed GEM objects (struct wcfb_bo.pool_node)
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
 * struct wcfb_bo - a GEM DMA object with pool accounting
 * @base: the DMA helper object
 * @pool_node: entry on &wcfb_pool.objects while accounted
 * @consumed: pool bytes this object takes (0 if not accounted)
 * @accounted: true once the object was checked to be in the pool and
 *             added to the accounting; imported objects never are
 * @eng_lock: protects @eng_tab and @eng_addr
 * @eng_tab: the blitter's SG table, made on first blit (one entry for a
 *           pool buffer, one per DMA segment for an imported one)
 * @eng_addr: the buffer mapped for the blitter with dma_map_resource()
 * @imp_dev: imported buffers only: the device the dma-buf is attached to
 *           and mapped on (base.sgt, DMA_BIDIRECTIONAL, for the buffer's
 *           lifetime): the blitter's, or the display's without a blitter
 * @imp_scanout: imported buffers only: physically contiguous and inside the
 *               pool, base.dma_addr is its address: may be a framebuffer
 * @imp_why: imported buffers only: why it may not be a framebuffer
 */
struct wcfb_bo {
	struct drm_gem_dma_object base;
	struct list_head pool_node;
	u64 consumed;
	bool accounted;

	struct mutex eng_lock; /* the engine mapping */
	struct wcfb_engine_table *eng_tab;
	dma_addr_t eng_addr;

	struct device *imp_dev;
	bool imp_scanout;
	const char *imp_why;
};

static inline struct wcfb_bo *to_wcfb_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_dma_obj(obj), struct wcfb_bo, base);
}

/**
 * struct wcfb_cached_bo - a GEM shmem object of CPU-cached pages
 * @base: the shmem helper object (map_wc false: cacheable CPU mappings)
 * @lock: protects everything below
 * @sgt: the pages, mapped on the engine's device with dma_map_sgtable();
 *       made on first blit, unmapped on free
 * @eng_tab: the engine's SG table of @sgt
 * @cpu_owned: the CPU may have written the pages since the last
 *             dma_sync_sgtable_for_device() (or the mapping): the next
 *             blit must sync for the device first; cleared by that sync,
 *             set by CPU_PREP's dma_sync_sgtable_for_cpu()
 * @attachments: dma-buf attachments of the exported buffer
 *               (struct wcfb_cached_attachment, wcfb_prime.c)
 */
struct wcfb_cached_bo {
	struct drm_gem_shmem_object base;
	struct mutex lock; /* mapping, ownership, attachments */
	struct sg_table *sgt;
	struct wcfb_engine_table *eng_tab;
	bool cpu_owned;
	struct list_head attachments;
};

static inline struct wcfb_cached_bo *to_wcfb_cached_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct wcfb_cached_bo,
			    base);
}

/**
 * struct wcfb_output - the display pipeline
 * @primary: the primary (and only) plane
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
};

static inline struct wcfb_output *to_wcfb_output(struct drm_crtc *crtc)
{
	return container_of(crtc, struct wcfb_output, crtc);
}

/**
 * struct wcfb_fbdev_stats - what the console's flushes did (debugfs fbdev)
 * @engine_flushes: damage rectangles copied by the blitter
 * @cpu_flushes: damage rectangles copied by the CPU (no blitter, a dead
 *               one, or after a failed engine copy)
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
	atomic64_t engine_failures;
	atomic64_t bytes;
	atomic64_t engine_ns;
	atomic64_t sync_ns;
	atomic64_t submit_ns;
	atomic64_t cpu_ns;
};

/**
 * struct wcfb_device - driver instance
 * @drm: the DRM device
 * @pool: the reserved-memory pool and its accounting
 * @scanout: the scanout engine
 * @output: the display pipeline
 * @preferred_width: width of the preferred mode
 * @preferred_height: height of the preferred mode
 * @engine: the blitter, NULL if the device tree names none
 * @cached_create_lock: serialises cached-object creation
 * @cached_creator: the task creating a cached object, for
 *                  wcfb_gem_create_object(); under @cached_create_lock
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

	struct wcfb_engine *engine;
	struct mutex cached_create_lock; /* cached object creation */
	struct task_struct *cached_creator;

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
struct drm_gem_object *wcfb_gem_create_object(struct drm_device *drm,
					      size_t size);
int wcfb_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			 struct drm_mode_create_dumb *args);

int wcfb_bo_engine_map(struct wcfb_bo *bo, struct wcfb_engine *eng,
		       struct wcfb_engine_table **tab);
struct dma_buf *wcfb_bo_prime_export(struct drm_gem_object *obj, int flags);

/*
 * Static unless the kernel has KUnit (VISIBLE_IF_KUNIT), for
 * drm/tests/wcfb_kunit.c.
 */
#if IS_ENABLED(CONFIG_KUNIT)
/* wcfb_drv.c */
int wcfb_parse_mode(const char *s, u32 *width, u32 *height);
/* wcfb_blit.c */
int wcfb_blit_surface_origin(u64 offset, u32 pitch, u32 x, u32 y, u32 w,
			     u32 h, u32 cpp, u64 size, u32 *ox, u32 *oy);
/* wcfb_gem.c */
int wcfb_dumb_layout(u32 width, u32 height, u32 bpp, u32 max_dim,
		     u32 *pitch, u64 *size);
u64 wcfb_pool_consumed(u64 size, bool nomap, unsigned int page_shift);
bool wcfb_mode_fits_pool(u32 width, u32 height, u64 pool_avail, bool nomap,
			 unsigned int page_shift);
#endif

/* wcfb_gem_cached.c */
extern bool wcfb_test_skip_sync_for_device;
bool wcfb_gem_is_cached(const struct drm_gem_object *obj);
struct drm_gem_object *wcfb_cached_create_object(struct drm_device *drm,
						 size_t size);
int wcfb_cached_engine_prepare(struct wcfb_cached_bo *cbo,
			       struct wcfb_engine *eng,
			       struct wcfb_engine_table **tab);
void wcfb_cached_to_device(struct wcfb_cached_bo *cbo);
void wcfb_cached_to_cpu(struct wcfb_cached_bo *cbo);
int wcfb_ioctl_gem_create_cached(struct drm_device *drm, void *data,
				 struct drm_file *file);
int wcfb_ioctl_gem_mmap_offset(struct drm_device *drm, void *data,
			       struct drm_file *file);
int wcfb_ioctl_gem_cpu_prep(struct drm_device *drm, void *data,
			    struct drm_file *file);
int wcfb_ioctl_gem_cpu_fini(struct drm_device *drm, void *data,
			    struct drm_file *file);

/* wcfb_prime.c */
struct dma_buf *wcfb_cached_prime_export(struct drm_gem_object *obj,
					 int flags);
struct drm_gem_object *wcfb_gem_prime_import(struct drm_device *drm,
					     struct dma_buf *dma_buf);
bool wcfb_gem_is_import(const struct drm_gem_object *obj);
int wcfb_import_engine_prepare(struct wcfb_bo *bo, struct wcfb_engine *eng,
			       struct wcfb_engine_table **tab);
void wcfb_import_sync_for_cpu(struct wcfb_bo *bo);
bool wcfb_gem_can_scanout(struct drm_gem_object *obj, const char **why);

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
	struct wcfb_engine_table *src_tab;
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
