// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb fbdev emulation: the console draws into a cached shadow, and the
 * blitter copies what changed to the write-combined scanout buffer.
 *
 * Why not drm_fbdev_generic_setup(): with no .dirty on the framebuffer it
 * lets fbcon draw straight into the scanout buffer, which the CPU maps
 * write-combined, i.e. uncached -- and scrolling reads the screen back,
 * one uncached load at a time.  Here, as in the generic emulation's
 * shadow mode, fbcon and /dev/fbN (read, write, deferred-I/O mmap) work on
 * a vzalloc()ed shadow in ordinary cached memory, and the framebuffer has
 * a .dirty callback, so drm_fb_helper's damage worker (process context)
 * hands us the damaged rectangle.  The helper's own CPU blit of the damage
 * needs &drm_fb_helper.buffer, which stays NULL: the flush is ours alone.
 *
 * The flush (wcfb_fbdev_flush()), serialised by a mutex:
 *
 *   engine  the shadow's pages (vmalloc_to_page()) are in an sg_table
 *           mapped once on the engine's device with dma_map_sgtable(
 *           DMA_TO_DEVICE), described by an engine SG table; per flush only
 *           the damaged rows' byte range is synced for the device
 *           (dma_sync_single_range_for_device() per DMA segment: under
 *           swiotlb=force every synced byte is bounced, a whole 1080p
 *           shadow is 8 MB), then one COPY goes through
 *           wcfb_blit_kernel_copy() and its fence is waited for, bounded.
 *   CPU     without a blitter, with a dead one, or when the copy failed or
 *           timed out: the rows are copied by the CPU into the buffer's
 *           write-combined kernel mapping, so the console keeps drawing.
 *
 * Which path a flush takes (console_flush=auto, the default): the one that
 * has been faster for flushes of that size.  The flush is synchronous
 * either way -- the damage worker waits for the engine's fence -- so what
 * counts is the time the flush takes, which each flush measures: the
 * engine's fixed cost (an interrupt round trip, a job) loses to the CPU for
 * a few text rows, and wins or loses for a whole screen depending on how
 * fast this machine's CPU writes write-combined memory.  Per power-of-two
 * size class the mean time of each path is kept (a moving average); the
 * faster one is taken, and now and then (WCFB_FBDEV_PROBE_EVERY) the other,
 * so that a change (a loaded host) is seen.
 *
 * Lifetimes.  The shadow and its mapping are reference counted; every
 * engine job holds the mapping (which holds the shadow) until its fence
 * has signalled, so nothing the engine can still read is unmapped or
 * freed, even when a wait timed out.  The mapping is dropped when the
 * client is unregistered (.remove of the display, before the engine can
 * be unbound), even if an open /dev/fbN keeps the fb_info alive; later
 * flushes take the CPU path.  The scanout buffer and framebuffer go when
 * the fb_info is destroyed, as in the generic emulation.
 */

#include <linux/dma-fence.h>
#include <linux/dma-mapping.h>
#include <linux/fb.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <drm/drm_client.h>
#include <drm/drm_device.h>
#include <drm/drm_fb_helper.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_print.h>
#include <drm/drm_rect.h>

#include "wcfb_drv.h"
#include "wcfb_blitter.h"
#include "wcfb_fbdev.h"
#include "wcfb_gem.h"
#include "wcfb_scanout.h"

/*
 * How long a flush waits for its copy.  Longer than the engine can take
 * to give up on a job (the scheduler's timeout at wcfb,timeout-ms, 2 s,
 * then a reset polled for as long again), so in practice the fence has
 * signalled -- with an error if the engine hung or died -- before this
 * expires.
 */
#define WCFB_FBDEV_WAIT_MS	10000

/* Size classes of flushes: 2^10 bytes and less, ..., 2^25 and more. */
#define WCFB_FBDEV_CLASSES	16
#define WCFB_FBDEV_CLASS_MIN	10
/*
 * A class re-measures its slower path once per this many flushes times
 * how many times slower it was: what probing costs stays under 1/32 of
 * the faster path's time.
 */
#define WCFB_FBDEV_PROBE_EVERY	32
#define WCFB_FBDEV_PROBE_MAX	4096

enum wcfb_console_flush {
	WCFB_FLUSH_AUTO,
	WCFB_FLUSH_ENGINE,
	WCFB_FLUSH_CPU,
};

static const char *const wcfb_console_flush_names[] = {
	[WCFB_FLUSH_AUTO] = "auto",
	[WCFB_FLUSH_ENGINE] = "engine",
	[WCFB_FLUSH_CPU] = "cpu",
};

static int wcfb_console_flush = WCFB_FLUSH_AUTO;

static int wcfb_console_flush_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(wcfb_console_flush_names, val);

	if (i < 0) {
		pr_warn("wcfb: console_flush must be auto, engine or cpu\n");
		return i;
	}
	WRITE_ONCE(wcfb_console_flush, i);
	return 0;
}

static int wcfb_console_flush_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  wcfb_console_flush_names[READ_ONCE(wcfb_console_flush)]);
}

static const struct kernel_param_ops wcfb_console_flush_ops = {
	.set = wcfb_console_flush_set,
	.get = wcfb_console_flush_get,
};
module_param_cb(console_flush, &wcfb_console_flush_ops, NULL, 0644);
MODULE_PARM_DESC(console_flush,
		 "How the console's damage reaches the screen: auto (the faster of blitter and CPU for each flush size, measured; default), engine (the blitter whenever it works), cpu");

/**
 * struct wcfb_fbdev_cost - what flushes of one size class took
 * @engine_ns: moving average of engine flushes (0: none measured yet)
 * @cpu_ns: moving average of CPU flushes (0: none measured yet)
 * @count: flushes of the class since the slower path was last measured
 */
struct wcfb_fbdev_cost {
	u64 engine_ns;
	u64 cpu_ns;
	u32 count;
};

/**
 * struct wcfb_fbdev_shadow - the console's pixels, in cached memory
 * @ref: the fbdev (until its fb_info is destroyed) and the engine mapping
 * @vaddr: vzalloc()ed, what fbcon and /dev/fbN draw into
 * @size: bytes, page-aligned
 */
struct wcfb_fbdev_shadow {
	struct kref ref;
	void *vaddr;
	size_t size;
};

/**
 * struct wcfb_fbdev_map - the shadow mapped for the blitter
 * @ref: the fbdev (until unregistration) and every engine job using it
 * @shadow: a reference: the pages stay while they are mapped
 * @sgt: the shadow's pages, mapped DMA_TO_DEVICE on the engine's device
 * @tab: the engine's SG table of @sgt (holds a reference on the device)
 */
struct wcfb_fbdev_map {
	struct kref ref;
	struct wcfb_fbdev_shadow *shadow;
	struct sg_table sgt;
	struct wcfb_blitter_table *tab;
};

/**
 * struct wcfb_fbdev - the fbdev emulation
 * @helper: the fb helper and its drm_client
 * @wcfb: the device
 * @defio: deferred I/O of /dev/fbN mmap (per instance: it holds the
 *         page list)
 * @defio_ready: fb_deferred_io_init() succeeded
 * @handle: the scanout buffer's handle in the client's file, 0 if none
 * @bo: the scanout buffer (a reference)
 * @fb: its framebuffer (a reference)
 * @shadow: the shadow (a reference)
 * @flush_lock: serialises flushes; protects @map and @stale
 * @map: the shadow mapped for the blitter (a reference), NULL for CPU
 *       flushes only
 * @stale: an engine copy whose wait timed out: until it has signalled the
 *         engine may still write the buffer, so flushes use the CPU
 * @cost: per size class, what each path took (console_flush=auto); under
 *        @flush_lock
 */
struct wcfb_fbdev {
	struct drm_fb_helper helper;
	struct wcfb_device *wcfb;
	struct fb_deferred_io defio;
	bool defio_ready;

	u32 handle;
	struct wcfb_bo *bo;
	struct wcfb_fbdev_fb *fb;
	struct wcfb_fbdev_shadow *shadow;

	struct mutex flush_lock; /* flushes, @map, @stale */
	struct wcfb_fbdev_map *map;
	struct dma_fence *stale;
	struct wcfb_fbdev_cost cost[WCFB_FBDEV_CLASSES];
};

/*
 * The console's framebuffer: a GEM framebuffer that knows its fbdev, for
 * .dirty.  drm_gem_fb_destroy() kfree()s the drm_framebuffer: first.
 */
struct wcfb_fbdev_fb {
	struct drm_framebuffer base;
	struct wcfb_fbdev *fbdev;
};

static_assert(offsetof(struct wcfb_fbdev_fb, base) == 0);

static struct wcfb_fbdev *to_wcfb_fbdev(struct drm_fb_helper *helper)
{
	return container_of(helper, struct wcfb_fbdev, helper);
}

/* ------------------------------------------------------------ shadow */

static struct wcfb_fbdev_shadow *wcfb_fbdev_shadow_alloc(size_t size)
{
	struct wcfb_fbdev_shadow *shadow;

	shadow = kzalloc(sizeof(*shadow), GFP_KERNEL);
	if (!shadow)
		return NULL;
	shadow->size = PAGE_ALIGN(size);
	shadow->vaddr = vzalloc(shadow->size);
	if (!shadow->vaddr) {
		kfree(shadow);
		return NULL;
	}
	kref_init(&shadow->ref);
	return shadow;
}

static void wcfb_fbdev_shadow_release(struct kref *ref)
{
	struct wcfb_fbdev_shadow *shadow =
		container_of(ref, struct wcfb_fbdev_shadow, ref);

	vfree(shadow->vaddr);
	kfree(shadow);
}

/*
 * The last reference: the fbdev dropped it and no engine job holds it, so
 * the engine is done with the pages.  Also from the engine's cleanup
 * worker, which runs before the engine can be unbound.
 */
static void wcfb_fbdev_map_release(struct kref *ref)
{
	struct wcfb_fbdev_map *map = container_of(ref, struct wcfb_fbdev_map,
						  ref);

	dma_unmap_sgtable(map->tab->dev, &map->sgt, DMA_TO_DEVICE, 0);
	sg_free_table(&map->sgt);
	wcfb_blitter_table_free(map->tab);
	kref_put(&map->shadow->ref, wcfb_fbdev_shadow_release);
	kfree(map);
}

static struct wcfb_fbdev_map *
wcfb_fbdev_map_create(struct wcfb_fbdev_shadow *shadow, struct wcfb_blitter *eng)
{
	struct device *dev = wcfb_blitter_device(eng);
	unsigned int i, npages = shadow->size >> PAGE_SHIFT;
	struct wcfb_blitter_info info;
	struct wcfb_fbdev_map *map;
	struct page **pages;
	size_t max_seg;
	int ret;

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!map || !pages) {
		ret = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < npages; i++)
		pages[i] = vmalloc_to_page(shadow->vaddr + i * PAGE_SIZE);

	/*
	 * Segments no longer than one mapping may be: swiotlb bounces at most
	 * dma_max_mapping_size() (256 KiB) at a time, and vmalloc pages can
	 * be physically contiguous over longer runs.
	 */
	max_seg = min_t(size_t, dma_max_mapping_size(dev),
			dma_get_max_seg_size(dev));
	max_seg = min_t(size_t, max_seg, UINT_MAX) & PAGE_MASK;
	if (!max_seg)
		max_seg = PAGE_SIZE;
	ret = sg_alloc_table_from_pages_segment(&map->sgt, pages, npages, 0,
						shadow->size, max_seg,
						GFP_KERNEL);
	kvfree(pages);
	pages = NULL;
	if (ret)
		goto err_free;

	/* The device only reads the shadow: no sync for the CPU is needed. */
	ret = dma_map_sgtable(dev, &map->sgt, DMA_TO_DEVICE, 0);
	if (ret)
		goto err_free_sgt;
	wcfb_blitter_get_info(eng, &info);
	if (map->sgt.nents > info.max_sg) {
		ret = -E2BIG;
		goto err_unmap;
	}
	map->tab = wcfb_blitter_table_from_sgt(dev, &map->sgt);
	if (!map->tab) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	kref_init(&map->ref);
	kref_get(&shadow->ref);
	map->shadow = shadow;
	return map;

err_unmap:
	dma_unmap_sgtable(dev, &map->sgt, DMA_TO_DEVICE, 0);
err_free_sgt:
	sg_free_table(&map->sgt);
err_free:
	kvfree(pages);
	kfree(map);
	return ERR_PTR(ret);
}

/*
 * Sync [@off, @off + @len) of the shadow for the engine.  The engine reads
 * the DMA segments end to end as one buffer, so the offset is counted
 * along them.  Per segment, not per page: dma-debug accepts a sync of a
 * range inside one mapped segment, not a partial sg list.
 */
static void wcfb_fbdev_sync_for_device(struct wcfb_fbdev_map *map,
				       size_t off, size_t len)
{
	struct device *dev = map->tab->dev;
	size_t end = off + len, pos = 0;
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(&map->sgt, sg, i) {
		size_t seg = sg_dma_len(sg);

		if (end > pos && off < pos + seg) {
			size_t from = max(off, pos) - pos;
			size_t to = min(end, pos + seg) - pos;

			dma_sync_single_range_for_device(dev, sg_dma_address(sg),
							 from, to - from,
							 DMA_TO_DEVICE);
		}
		pos += seg;
		if (pos >= end)
			break;
	}
}

/* ------------------------------------------------------------ flushes */

static int wcfb_fbdev_flush_engine(struct wcfb_fbdev *fbdev,
				   const struct drm_rect *r, size_t off,
				   size_t len)
{
	struct drm_framebuffer *fb = &fbdev->fb->base;
	struct wcfb_fbdev_map *map = fbdev->map;
	struct wcfb_kernel_copy copy = {
		.dst = fbdev->bo,
		.src_tab = map->tab,
		.src_size = map->shadow->size,
		.src_ref = &map->ref,
		.src_release = wcfb_fbdev_map_release,
		.format = fb->format->format,
		.pitch = fb->pitches[0],
		.x = r->x1,
		.y = r->y1,
		.width = drm_rect_width(r),
		.height = drm_rect_height(r),
	};
	struct dma_fence *fence;
	long left;
	u64 t0;
	int ret;

	/* A dead engine stays dead: do not even sync. */
	if (!wcfb_blitter_alive(fbdev->wcfb->engine))
		return -ENODEV;
	/* The test-only negative control of the swiotlb lane, as for blits. */
	if (!wcfb_test_skip_sync_for_device) {
		t0 = ktime_get_ns();
		wcfb_fbdev_sync_for_device(map, off, len);
		atomic64_add(ktime_get_ns() - t0,
			     &fbdev->wcfb->fbdev_stats.sync_ns);
	}

	t0 = ktime_get_ns();
	ret = wcfb_blit_kernel_copy(fbdev->wcfb, &copy, &fence);
	atomic64_add(ktime_get_ns() - t0, &fbdev->wcfb->fbdev_stats.submit_ns);
	if (ret)
		return ret;
	/* Uninterruptible: this is the damage worker, not a user's task. */
	left = dma_fence_wait_timeout(fence, false,
				      msecs_to_jiffies(WCFB_FBDEV_WAIT_MS));
	if (left <= 0) {
		/*
		 * The job (and its references) lives on; the engine may still
		 * write the rectangle.  Remember it, so no later flush races
		 * with it on the engine or waits behind it again.
		 */
		fbdev->stale = fence;
		return left ? left : -ETIMEDOUT;
	}
	ret = dma_fence_get_status(fence);
	dma_fence_put(fence);
	return ret < 0 ? ret : 0;
}

static void wcfb_fbdev_flush_cpu(struct wcfb_fbdev *fbdev,
				 const struct drm_rect *r, size_t off)
{
	struct drm_framebuffer *fb = &fbdev->fb->base;
	size_t pitch = fb->pitches[0];
	size_t row = (size_t)drm_rect_width(r) * fb->format->cpp[0];
	const u8 *src = fbdev->shadow->vaddr + off;
	u8 *dst = (u8 *)fbdev->bo->dma.vaddr + off;
	int y;

	/* Write-combined: plain stores, merged by the CPU, no reads. */
	for (y = r->y1; y < r->y2; y++) {
		memcpy(dst, src, row);
		src += pitch;
		dst += pitch;
	}
}

static struct wcfb_fbdev_cost *wcfb_fbdev_cost(struct wcfb_fbdev *fbdev,
					       size_t bytes)
{
	int c = bytes ? ilog2(bytes) - WCFB_FBDEV_CLASS_MIN : 0;

	return &fbdev->cost[clamp(c, 0, WCFB_FBDEV_CLASSES - 1)];
}

/* A moving average over the last eight or so flushes. */
static void wcfb_fbdev_cost_add(u64 *avg, u64 ns)
{
	*avg = *avg ? *avg - (*avg >> 3) + (ns >> 3) : max_t(u64, ns, 1);
}

/*
 * The engine's time has a fixed part (a job, an interrupt round trip) and
 * the CPU's grows with the size: if the engine lost in a larger class it
 * loses in this one too.
 */
static bool wcfb_fbdev_engine_lost_above(struct wcfb_fbdev *fbdev,
					 struct wcfb_fbdev_cost *c)
{
	struct wcfb_fbdev_cost *end = fbdev->cost + WCFB_FBDEV_CLASSES;

	for (c++; c < end; c++)
		if (c->engine_ns && c->cpu_ns && c->engine_ns > c->cpu_ns)
			return true;
	return false;
}

/* Should a flush of this class go to the engine (which works)? */
static bool wcfb_fbdev_pick_engine(struct wcfb_fbdev *fbdev,
				   struct wcfb_fbdev_cost *c)
{
	u64 slow, fast, period;
	bool faster;

	switch (READ_ONCE(wcfb_console_flush)) {
	case WCFB_FLUSH_ENGINE:
		return true;
	case WCFB_FLUSH_CPU:
		return false;
	}
	/* The CPU is measured first: its flush is the cheap one to try. */
	if (!c->cpu_ns)
		return false;
	if (!c->engine_ns)
		return !wcfb_fbdev_engine_lost_above(fbdev, c);
	faster = c->engine_ns <= c->cpu_ns;
	slow = max(c->engine_ns, c->cpu_ns);
	fast = min(c->engine_ns, c->cpu_ns);
	period = min_t(u64, WCFB_FBDEV_PROBE_MAX,
		       WCFB_FBDEV_PROBE_EVERY * div64_u64(slow, fast));
	if (++c->count >= period) {
		c->count = 0;
		return !faster;
	}
	return faster;
}

static void wcfb_fbdev_flush(struct wcfb_fbdev *fbdev, const struct drm_rect *r)
{
	struct wcfb_fbdev_stats *st = &fbdev->wcfb->fbdev_stats;
	struct drm_framebuffer *fb = &fbdev->fb->base;
	u32 cpp = fb->format->cpp[0];
	size_t pitch = fb->pitches[0];
	struct wcfb_fbdev_cost *cost;
	struct drm_rect full;
	int ret = -ENODEV;
	size_t off, len;
	u64 t0, ns;

	mutex_lock(&fbdev->flush_lock);
	if (fbdev->stale && dma_fence_is_signaled(fbdev->stale)) {
		dma_fence_put(fbdev->stale);
		fbdev->stale = NULL;
		/*
		 * The late copy may have landed over newer CPU copies of its
		 * rectangle: flush the whole screen once.
		 */
		drm_rect_init(&full, 0, 0, fb->width, fb->height);
		r = &full;
	}
	off = r->y1 * pitch + r->x1 * cpp;
	/* From the rectangle's first byte to its last: the damaged rows. */
	len = (drm_rect_height(r) - 1) * pitch + drm_rect_width(r) * cpp;
	cost = wcfb_fbdev_cost(fbdev, (size_t)drm_rect_width(r) *
				      drm_rect_height(r) * cpp);
	if (fbdev->map && !fbdev->stale && !wcfb_fbdev_pick_engine(fbdev, cost)) {
		atomic64_inc(&st->cpu_chosen);
	} else if (fbdev->map && !fbdev->stale) {
		t0 = ktime_get_ns();
		ret = wcfb_fbdev_flush_engine(fbdev, r, off, len);
		if (!ret) {
			ns = ktime_get_ns() - t0;
			atomic64_inc(&st->engine_flushes);
			atomic64_add(ns, &st->engine_ns);
			wcfb_fbdev_cost_add(&cost->engine_ns, ns);
		} else if (ret != -ENODEV) {
			atomic64_inc(&st->engine_failures);
			drm_dbg(&fbdev->wcfb->drm,
				"console flush by the blitter failed (%d): CPU copy\n",
				ret);
		}
	}
	if (ret) {
		t0 = ktime_get_ns();
		wcfb_fbdev_flush_cpu(fbdev, r, off);
		ns = ktime_get_ns() - t0;
		atomic64_inc(&st->cpu_flushes);
		atomic64_add(ns, &st->cpu_ns);
		wcfb_fbdev_cost_add(&cost->cpu_ns, ns);
	}
	atomic64_add((u64)drm_rect_width(r) * drm_rect_height(r) * cpp,
		     &st->bytes);
	mutex_unlock(&fbdev->flush_lock);
}

/*
 * &drm_framebuffer_funcs.dirty.  drm_fb_helper's damage worker calls it
 * with no file and the damage clip; it must not fail (the worker WARNs and
 * retries), so every failure ends in a CPU copy.  DIRTYFB from userspace
 * (a file) on the console's framebuffer has nothing to flush: the shadow
 * is only written through fbcon and /dev/fbN, whose damage comes here by
 * the worker.
 */
static int wcfb_fbdev_fb_dirty(struct drm_framebuffer *fb,
			       struct drm_file *file, unsigned int flags,
			       unsigned int color, struct drm_clip_rect *clips,
			       unsigned int num_clips)
{
	struct wcfb_fbdev *fbdev = container_of(fb, struct wcfb_fbdev_fb,
						base)->fbdev;
	u32 x1 = 0, y1 = 0, x2 = fb->width, y2 = fb->height;
	struct drm_rect r;
	unsigned int i;

	if (file)
		return 0;
	if (num_clips) {
		x1 = U32_MAX;
		y1 = U32_MAX;
		x2 = 0;
		y2 = 0;
		for (i = 0; i < num_clips; i++) {
			x1 = min_t(u32, x1, clips[i].x1);
			y1 = min_t(u32, y1, clips[i].y1);
			x2 = max_t(u32, x2, clips[i].x2);
			y2 = max_t(u32, y2, clips[i].y2);
		}
		x2 = min(x2, fb->width);
		y2 = min(y2, fb->height);
	}
	if (x1 >= x2 || y1 >= y2)
		return 0;
	drm_rect_init(&r, x1, y1, x2 - x1, y2 - y1);
	wcfb_fbdev_flush(fbdev, &r);
	return 0;
}

static const struct drm_framebuffer_funcs wcfb_fbdev_fb_funcs = {
	.destroy = drm_gem_fb_destroy,
	.create_handle = drm_gem_fb_create_handle,
	.dirty = wcfb_fbdev_fb_dirty,
};

/*
 * No engine flush from now on: wait for a copy still outstanding and drop
 * our reference on the mapping.  It is unmapped with its last reference:
 * here, or when the scheduler frees a job that still holds it, after the
 * job's fence has signalled.  That may come after the engine's driver was
 * unbound: the mapping's SG table holds a reference on the engine's
 * device, which the unmapping uses.
 */
static void wcfb_fbdev_engine_off(struct wcfb_fbdev *fbdev)
{
	mutex_lock(&fbdev->flush_lock);
	if (fbdev->stale) {
		/* The scheduler's timeout or the engine's removal signals it. */
		dma_fence_wait(fbdev->stale, false);
		dma_fence_put(fbdev->stale);
		fbdev->stale = NULL;
	}
	if (fbdev->map) {
		kref_put(&fbdev->map->ref, wcfb_fbdev_map_release);
		fbdev->map = NULL;
	}
	mutex_unlock(&fbdev->flush_lock);
}

/* ------------------------------------------------------------ fb_info */

/* Undo wcfb_fbdev_probe() and the helper's setup, whatever got done. */
static void wcfb_fbdev_cleanup(struct wcfb_fbdev *fbdev)
{
	struct drm_fb_helper *helper = &fbdev->helper;
	struct fb_info *fbi = helper->fbdev;

	if (!helper->dev)
		return;
	if (fbi && fbdev->defio_ready)
		fb_deferred_io_cleanup(fbi);
	fbdev->defio_ready = false;
	/* Cancels the damage worker, frees the fb_info. */
	drm_fb_helper_fini(helper);

	wcfb_fbdev_engine_off(fbdev);
	if (fbdev->fb)
		drm_framebuffer_remove(&fbdev->fb->base);
	fbdev->fb = NULL;
	if (fbdev->bo)
		drm_gem_object_put(wcfb_bo_obj(fbdev->bo));
	fbdev->bo = NULL;
	if (fbdev->handle)
		drm_gem_handle_delete(helper->client.file, fbdev->handle);
	fbdev->handle = 0;
	if (fbdev->shadow)
		kref_put(&fbdev->shadow->ref, wcfb_fbdev_shadow_release);
	fbdev->shadow = NULL;
}

static void wcfb_fbdev_release(struct wcfb_fbdev *fbdev)
{
	wcfb_fbdev_cleanup(fbdev);
	drm_client_release(&fbdev->helper.client);
	mutex_destroy(&fbdev->flush_lock);
	kfree(fbdev);
}

/* The last put_fb_info(): at unregistration, or the last close after it. */
static void wcfb_fbdev_fb_destroy(struct fb_info *info)
{
	wcfb_fbdev_release(to_wcfb_fbdev(info->par));
}

/*
 * A user's open of /dev/fbN pins the module (the fb_info and these ops may
 * outlive the device's binding, until the last close); fbcon's does not:
 * it lets go of the fb_info when the client unregisters it, at unbind.
 * That is why &fb_ops.owner is not set: fbcon's open would take the module
 * through it, and rmmod would be refused for as long as the console is
 * bound -- the generic emulation does the same.
 */
static int wcfb_fbdev_fb_open(struct fb_info *info, int user)
{
	if (user && !try_module_get(THIS_MODULE))
		return -ENODEV;
	return 0;
}

static int wcfb_fbdev_fb_release(struct fb_info *info, int user)
{
	if (user)
		module_put(THIS_MODULE);
	return 0;
}

/*
 * write(2) on /dev/fbN.  6.1's fb_sys_write() copies the bytes before the
 * end of the framebuffer of a write that crosses it and then returns
 * -ENOSPC, so the caller is told nothing was written although something
 * was.  A write that starts inside is clamped to the end here and gets its
 * short count, as write(2) promises and later kernels do; one at or past
 * the end still fails with -ENOSPC/-EFBIG from the helper.
 */
static ssize_t wcfb_fbdev_fb_write(struct fb_info *info,
				   const char __user *buf, size_t count,
				   loff_t *ppos)
{
	loff_t size = info->screen_size ?: info->fix.smem_len;

	if (*ppos >= 0 && *ppos < size && count > size - *ppos)
		count = size - *ppos;
	return drm_fb_helper_sys_write(info, buf, count, ppos);
}

/*
 * Everything draws into the shadow (system memory: the fb_sys_* helpers),
 * and the drm_fb_helper_sys_* wrappers report the damage.
 */
static const struct fb_ops wcfb_fbdev_fb_ops = {
	DRM_FB_HELPER_DEFAULT_OPS,
	.fb_open	= wcfb_fbdev_fb_open,
	.fb_release	= wcfb_fbdev_fb_release,
	.fb_destroy	= wcfb_fbdev_fb_destroy,
	.fb_mmap	= fb_deferred_io_mmap,
	.fb_read	= drm_fb_helper_sys_read,
	.fb_write	= wcfb_fbdev_fb_write,
	.fb_fillrect	= drm_fb_helper_sys_fillrect,
	.fb_copyarea	= drm_fb_helper_sys_copyarea,
	.fb_imageblit	= drm_fb_helper_sys_imageblit,
};

/*
 * &drm_fb_helper_funcs.fb_probe: the scanout buffer, its framebuffer, the
 * fb_info on the shadow, and the shadow's engine mapping.  On error what
 * was made is left in @fbdev for wcfb_fbdev_cleanup().
 */
static int wcfb_fbdev_probe(struct drm_fb_helper *helper,
			    struct drm_fb_helper_surface_size *sizes)
{
	struct wcfb_fbdev *fbdev = to_wcfb_fbdev(helper);
	struct drm_file *file = helper->client.file;
	struct wcfb_device *wcfb = fbdev->wcfb;
	struct drm_device *drm = helper->dev;
	struct drm_mode_create_dumb dumb = { };
	struct drm_mode_fb_cmd2 cmd = { };
	struct drm_gem_object *obj;
	struct wcfb_fbdev_map *map;
	struct wcfb_fbdev_fb *wfb;
	struct fb_info *fbi;
	u32 format;
	int ret;

	format = drm_mode_legacy_fb_format(sizes->surface_bpp,
					   sizes->surface_depth);
	if (!wcfb_format_lookup(format)) {
		drm_err(drm, "fbdev: %u bpp depth %u (%p4cc) cannot be shown\n",
			sizes->surface_bpp, sizes->surface_depth, &format);
		return -EINVAL;
	}

	/*
	 * The buffer comes from the driver's own dumb path (pool, accounting,
	 * containment check) with a handle in the client's file, as the
	 * generic emulation's does.
	 */
	dumb.width = sizes->surface_width;
	dumb.height = sizes->surface_height;
	dumb.bpp = sizes->surface_bpp;
	ret = wcfb_gem_dumb_create(file, drm, &dumb);
	if (ret)
		return ret;
	fbdev->handle = dumb.handle;
	obj = drm_gem_object_lookup(file, dumb.handle);
	if (!obj)
		return -ENOENT;
	fbdev->bo = to_wcfb_bo(obj);

	wfb = kzalloc(sizeof(*wfb), GFP_KERNEL);
	if (!wfb)
		return -ENOMEM;
	wfb->fbdev = fbdev;
	cmd.width = dumb.width;
	cmd.height = dumb.height;
	cmd.pixel_format = format;
	cmd.pitches[0] = dumb.pitch;
	cmd.handles[0] = dumb.handle;
	ret = drm_gem_fb_init_with_funcs(drm, &wfb->base, file, &cmd,
					 &wcfb_fbdev_fb_funcs);
	if (ret) {
		kfree(wfb);
		return ret;
	}
	fbdev->fb = wfb;
	helper->fb = &wfb->base;

	fbi = drm_fb_helper_alloc_fbi(helper);
	if (IS_ERR(fbi))
		return PTR_ERR(fbi);
	fbi->fbops = &wcfb_fbdev_fb_ops;
	fbi->screen_size = sizes->surface_height * wfb->base.pitches[0];
	fbi->fix.smem_len = fbi->screen_size;
	/* Reads are cheap now: fbcon may scroll by copying. */
	fbi->flags = FBINFO_DEFAULT | FBINFO_VIRTFB | FBINFO_READS_FAST;
	drm_fb_helper_fill_info(fbi, helper, sizes);

	fbdev->shadow = wcfb_fbdev_shadow_alloc(fbi->screen_size);
	if (!fbdev->shadow)
		return -ENOMEM;
	fbi->screen_buffer = fbdev->shadow->vaddr;

	fbdev->defio.delay = HZ / 20;
	fbdev->defio.deferred_io = drm_fb_helper_deferred_io;
	fbi->fbdefio = &fbdev->defio;
	ret = fb_deferred_io_init(fbi);
	if (ret) {
		fbi->fbdefio = NULL;
		return ret;
	}
	fbdev->defio_ready = true;

	/* The blitter is optional: without its mapping the CPU flushes. */
	if (wcfb->engine && wcfb_blitter_alive(wcfb->engine)) {
		map = wcfb_fbdev_map_create(fbdev->shadow, wcfb->engine);
		if (IS_ERR(map))
			drm_warn(drm, "fbdev: no blitter mapping for the console (%ld): CPU flushes\n",
				 PTR_ERR(map));
		else
			fbdev->map = map;
	}
	drm_dbg_kms(drm, "fbdev: %ux%u %p4cc, flushed by the %s\n",
		    dumb.width, dumb.height, &format,
		    fbdev->map ? "blitter" : "CPU");
	return 0;
}

static const struct drm_fb_helper_funcs wcfb_fbdev_helper_funcs = {
	.fb_probe = wcfb_fbdev_probe,
};

/* ------------------------------------------------------------ client */

static void wcfb_fbdev_client_unregister(struct drm_client_dev *client)
{
	struct wcfb_fbdev *fbdev = to_wcfb_fbdev(drm_fb_helper_from_client(client));

	if (fbdev->helper.fbdev) {
		/*
		 * The fb_info may outlive this (an open /dev/fbN), the engine
		 * binding may not: no more engine flushes from here on.
		 */
		wcfb_fbdev_engine_off(fbdev);
		/* wcfb_fbdev_fb_destroy() releases the rest. */
		drm_fb_helper_unregister_fbi(&fbdev->helper);
	} else {
		wcfb_fbdev_release(fbdev);
	}
}

static int wcfb_fbdev_client_restore(struct drm_client_dev *client)
{
	drm_fb_helper_lastclose(client->dev);
	return 0;
}

static int wcfb_fbdev_client_hotplug(struct drm_client_dev *client)
{
	struct drm_fb_helper *helper = drm_fb_helper_from_client(client);
	struct drm_device *drm = client->dev;
	int ret;

	/* A failed setup is not retried (helper->dev cleared below). */
	if (!helper->dev && helper->funcs)
		return 0;
	if (drm->fb_helper)
		return drm_fb_helper_hotplug_event(drm->fb_helper);
	if (!drm->mode_config.num_connector)
		return 0;

	drm_fb_helper_prepare(drm, helper, &wcfb_fbdev_helper_funcs);
	ret = drm_fb_helper_init(drm, helper);
	if (ret)
		goto err;
	ret = drm_fb_helper_initial_config(helper, helper->preferred_bpp);
	if (ret)
		goto err_cleanup;
	return 0;

err_cleanup:
	wcfb_fbdev_cleanup(to_wcfb_fbdev(helper));
err:
	helper->dev = NULL;
	helper->fbdev = NULL;
	drm_err(drm, "fbdev: setup failed: %d\n", ret);
	return ret;
}

/*
 * No .owner: drm_client_init() would take a reference on wcfb.ko itself,
 * and rmmod would be refused for as long as the device is bound.  The
 * client never outlives the binding but through an open /dev/fbN, which
 * pins the module (wcfb_fbdev_fb_open()).
 */
static const struct drm_client_funcs wcfb_fbdev_client_funcs = {
	.unregister	= wcfb_fbdev_client_unregister,
	.restore	= wcfb_fbdev_client_restore,
	.hotplug	= wcfb_fbdev_client_hotplug,
};

/**
 * wcfb_fbdev_setup - register the fbdev emulation's client
 * @wcfb: the device, registered
 * @preferred_bpp: bits per pixel of the console
 *
 * As drm_fbdev_generic_setup(): the console appears at the client's first
 * hotplug (right away), and goes with drm_dev_unregister().  A failure
 * leaves the device without a console, with a log line.
 */
void wcfb_fbdev_setup(struct wcfb_device *wcfb, unsigned int preferred_bpp)
{
	struct drm_device *drm = &wcfb->drm;
	struct wcfb_fbdev *fbdev;
	int ret;

	drm_WARN(drm, !drm->registered, "fbdev set up before registration\n");
	fbdev = kzalloc(sizeof(*fbdev), GFP_KERNEL);
	if (!fbdev) {
		drm_err(drm, "fbdev: out of memory\n");
		return;
	}
	fbdev->wcfb = wcfb;
	mutex_init(&fbdev->flush_lock);
	ret = drm_client_init(drm, &fbdev->helper.client, "wcfb-fbdev",
			      &wcfb_fbdev_client_funcs);
	if (ret) {
		mutex_destroy(&fbdev->flush_lock);
		kfree(fbdev);
		drm_err(drm, "fbdev: cannot register the client: %d\n", ret);
		return;
	}
	fbdev->helper.preferred_bpp = preferred_bpp;
	drm_client_register(&fbdev->helper.client);
}

static void wcfb_fbdev_show_mean(struct seq_file *m, const char *name,
				 u64 total_ns, u64 count)
{
	u64 ns = count ? div64_u64(total_ns, count) : 0;
	u32 frac;
	u64 us = div_u64_rem(ns, 1000, &frac);

	seq_printf(m, "%s %llu.%03u\n", name, us, frac);
}

/**
 * wcfb_fbdev_stats_show - the debugfs fbdev file
 * @wcfb: the device
 * @m: the file
 */
void wcfb_fbdev_stats_show(struct wcfb_device *wcfb, struct seq_file *m)
{
	struct wcfb_fbdev_stats *st = &wcfb->fbdev_stats;
	u64 engine = atomic64_read(&st->engine_flushes);
	u64 cpu = atomic64_read(&st->cpu_flushes);
	u64 engine_ns = atomic64_read(&st->engine_ns);
	u64 cpu_ns = atomic64_read(&st->cpu_ns);

	seq_printf(m, "mode %s\n",
		   wcfb_console_flush_names[READ_ONCE(wcfb_console_flush)]);
	seq_printf(m, "engine_flushes %llu\n", engine);
	seq_printf(m, "cpu_flushes %llu\n", cpu);
	seq_printf(m, "cpu_chosen %lld\n",
		   (long long)atomic64_read(&st->cpu_chosen));
	seq_printf(m, "engine_failures %lld\n",
		   (long long)atomic64_read(&st->engine_failures));
	seq_printf(m, "bytes %lld\n", (long long)atomic64_read(&st->bytes));
	wcfb_fbdev_show_mean(m, "engine_mean_us", engine_ns, engine);
	wcfb_fbdev_show_mean(m, "cpu_mean_us", cpu_ns, cpu);
	/* Totals too: a test takes the mean of its own flushes from deltas. */
	seq_printf(m, "engine_ns %llu\n", engine_ns);
	seq_printf(m, "sync_ns %lld\n", (long long)atomic64_read(&st->sync_ns));
	seq_printf(m, "submit_ns %lld\n",
		   (long long)atomic64_read(&st->submit_ns));
	seq_printf(m, "cpu_ns %llu\n", cpu_ns);
}
