// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb buffers: the object every kind shares (constructor, free path,
 * engine mapping, the buffer ioctls of every kind), and the scanout kind:
 * write-combined buffers carved from the display's reserved pool.
 *
 * Scanout buffers are allocated with dma_alloc_wc() on the display device,
 * which is a non-coherent DMA master: the CPU gets a write-combined mapping,
 * userspace mmap goes through dma_mmap_wc(), PRIME export through
 * wcfb_prime.c (importers get dma_map_resource() mappings, never the
 * generic dma_get_sgtable() + dma_map_sgtable() path).  The device's
 * memory-region makes the DMA core serve those allocations from the
 * pool: from its CMA area (reusable pool) or from its declared coherent
 * memory (no-map pool).
 *
 * The trap: with a CMA area, dma-direct falls back to the ordinary page
 * allocator when the area cannot satisfy a request
 * (__dma_direct_alloc_pages() in kernel/dma/direct.c), so an exhausted
 * pool does not fail, it quietly returns memory from anywhere.  Every
 * allocation is therefore checked to lie inside the pool, and freed with
 * -ENOMEM if it does not.  A no-map pool cannot fall back
 * (dma_alloc_from_dev_coherent() claims every request), the check is made
 * anyway.
 *
 * Exhaustion is quiet in the core: the DMA helper allocates with
 * __GFP_NOWARN, so neither cma_alloc() ("alloc failed") nor the page
 * allocator behind the CMA fallback (a 1080p buffer is order 11, above
 * MAX_ORDER - 1: refused without a word) prints anything, and the no-map
 * pool's __dma_alloc_from_coherent() never does.  The one line is the
 * driver's: wcfb_pool_refused(), whichever way the pool said no.
 */

#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <linux/stddef.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_dma_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>

#include <kunit/visibility.h>

#include "../include/uapi/drm/wcfb_drm.h"
#include "wcfb_drv.h"
#include "wcfb_blitter.h"
#include "wcfb_gem.h"
#include "wcfb_scanout.h"

/* Dumb buffers get their pitch rounded up to this. */
#define WCFB_DUMB_PITCH_ALIGN	64

/**
 * wcfb_dumb_layout - pitch and size of a dumb buffer
 * @width: pixels, 1..@max_dim
 * @height: lines, 1..@max_dim
 * @bpp: 8, 12, 16, 24 or 32
 * @max_dim: largest accepted width and height
 * @pitch: result, width * bpp / 8 rounded up to WCFB_DUMB_PITCH_ALIGN
 * @size: result, pitch * height
 *
 * The 64-byte pitch alignment keeps every line cache-line aligned and, for
 * RGB888, makes the pitch a multiple of 4 as the scanout engine needs
 * (WCFB_SCANOUT_PITCH_ALIGN).
 *
 * Return: 0 or -EINVAL.
 */
VISIBLE_IF_KUNIT int wcfb_dumb_layout(u32 width, u32 height, u32 bpp,
				      u32 max_dim, u32 *pitch, u64 *size)
{
	u64 p;

	/*
	 * 8 and 12: YUV framebuffers (IGT asks for a 4:2:0 one as one
	 * buffer of 8 + 16 / 4 bits per pixel).
	 */
	if (bpp != 8 && bpp != 12 && bpp != 16 && bpp != 24 && bpp != 32)
		return -EINVAL;
	if (!width || width > max_dim || !height || height > max_dim)
		return -EINVAL;

	p = DIV_ROUND_UP((u64)width * bpp, 8);
	p = ALIGN(p, WCFB_DUMB_PITCH_ALIGN);
	if (p > U32_MAX)
		return -EINVAL;
	*pitch = (u32)p;
	*size = p * height;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_dumb_layout);

/**
 * wcfb_pool_consumed - pool bytes an allocation of @size really takes
 * @size: bytes asked of dma_alloc_wc()
 * @nomap: true for a no-map carveout, false for a CMA area
 * @page_shift: PAGE_SHIFT
 *
 * A CMA area hands out exactly PAGE_ALIGN(size) (cma_alloc() of
 * size >> PAGE_SHIFT pages; the alignment it asks for only fragments).
 * The per-device coherent allocator behind a no-map carveout uses
 * bitmap_find_free_region(..., get_order(size)), i.e. it grabs
 * PAGE_SIZE << get_order(size): a 3 MiB buffer costs 4 MiB.
 *
 * Return: bytes taken from the pool.
 */
VISIBLE_IF_KUNIT u64 wcfb_pool_consumed(u64 size, bool nomap,
					unsigned int page_shift)
{
	u64 pages, order_pages = 1;

	if (!size)
		return 0;
	pages = (size + (1ULL << page_shift) - 1) >> page_shift;
	if (!nomap)
		return pages << page_shift;
	while (order_pages < pages)
		order_pages <<= 1;
	return order_pages << page_shift;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_pool_consumed);

/**
 * wcfb_mode_fits_pool - can the pool hold two XRGB8888 buffers of a mode?
 * @width: pixels
 * @height: lines
 * @pool_avail: pool bytes available for scanout buffers
 * @nomap: pool layout, see wcfb_pool_consumed()
 * @page_shift: PAGE_SHIFT
 *
 * Two buffers: one on screen and one being drawn, the least a page-flipping
 * client needs.
 *
 * Return: true if they fit.
 */
VISIBLE_IF_KUNIT bool wcfb_mode_fits_pool(u32 width, u32 height,
					  u64 pool_avail, bool nomap,
					  unsigned int page_shift)
{
	u32 pitch;
	u64 size;

	if (wcfb_dumb_layout(width, height, 32, U32_MAX, &pitch, &size))
		return false;
	return 2 * wcfb_pool_consumed(size, nomap, page_shift) <= pool_avail;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_mode_fits_pool);

/**
 * wcfb_pool_init - set up the (empty) pool accounting
 * @wcfb: the device, with @wcfb->pool base, size and layout already set
 *
 * Return: 0 or a negative error code.
 */
int wcfb_pool_init(struct wcfb_device *wcfb)
{
	INIT_LIST_HEAD(&wcfb->pool.objects);
	/*
	 * One line per burst of refusals: the first after 5 s without a line
	 * is logged, the rest only counted (the count is in the next line).
	 * RATELIMIT_MSG_ON_RELEASE: the state is never released, so
	 * ___ratelimit() never adds its own "callbacks suppressed" line.
	 */
	ratelimit_state_init(&wcfb->pool.refused_rs, 5 * HZ, 1);
	ratelimit_set_flags(&wcfb->pool.refused_rs, RATELIMIT_MSG_ON_RELEASE);
	atomic_set(&wcfb->pool.refusals, 0);
	return drmm_mutex_init(&wcfb->drm, &wcfb->pool.lock);
}

/**
 * wcfb_pool_contains - is [@addr, @addr + @len) inside the pool?
 * @wcfb: the device
 * @addr: DMA address
 * @len: bytes
 *
 * Return: true if the whole range is inside.
 */
bool wcfb_pool_contains(const struct wcfb_device *wcfb, dma_addr_t addr,
			u64 len)
{
	const struct wcfb_window pool = {
		.base = wcfb->pool.base,
		.size = wcfb->pool.size,
	};

	return wcfb_window_contains(&pool, addr, len);
}

/**
 * wcfb_pool_available - pool bytes usable for scanout buffers
 * @wcfb: the device
 *
 * Return: the pool size minus what the scanout engine holds itself.
 */
u64 wcfb_pool_available(const struct wcfb_device *wcfb)
{
	u64 internal = wcfb->scanout ? wcfb_scanout_pool_bytes(wcfb->scanout) : 0;

	return wcfb->pool.size > internal ? wcfb->pool.size - internal : 0;
}

/**
 * wcfb_pool_fits_mode - can the pool hold two XRGB8888 buffers of a mode?
 * @wcfb: the device
 * @width: pixels
 * @height: lines
 *
 * Return: true if so.
 */
bool wcfb_pool_fits_mode(const struct wcfb_device *wcfb, u32 width,
			 u32 height)
{
	return wcfb_mode_fits_pool(width, height, wcfb_pool_available(wcfb),
				   wcfb->pool.nomap, PAGE_SHIFT);
}

static void wcfb_pool_account(struct wcfb_pool *pool, struct wcfb_bo *bo)
{
	size_t size = wcfb_bo_obj(bo)->size;

	bo->scanout.consumed = wcfb_pool_consumed(size, pool->nomap, PAGE_SHIFT);

	mutex_lock(&pool->lock);
	list_add_tail(&bo->scanout.pool_node, &pool->objects);
	pool->live_objects++;
	pool->bytes_requested += size;
	pool->bytes_consumed += bo->scanout.consumed;
	pool->peak_consumed = max(pool->peak_consumed, pool->bytes_consumed);
	mutex_unlock(&pool->lock);
}

static void wcfb_pool_unaccount(struct wcfb_pool *pool, struct wcfb_bo *bo)
{
	mutex_lock(&pool->lock);
	list_del_init(&bo->scanout.pool_node);
	pool->live_objects--;
	pool->bytes_requested -= wcfb_bo_obj(bo)->size;
	pool->bytes_consumed -= bo->scanout.consumed;
	mutex_unlock(&pool->lock);
}

/* ------------------------------------------------- the common object */

/**
 * wcfb_bo_alloc - the one constructor of every buffer kind
 * @ops: the kind
 *
 * Allocates and initialises what all kinds share; the caller attaches the
 * memory (the GEM helpers for scanout and cached buffers, the dma-buf for
 * imports).
 *
 * Return: the object, or NULL.
 */
struct wcfb_bo *wcfb_bo_alloc(const struct wcfb_bo_ops *ops)
{
	struct wcfb_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return NULL;
	bo->ops = ops;
	mutex_init(&bo->lock);
	wcfb_bo_obj(bo)->funcs = ops->funcs;
	return bo;
}

/**
 * wcfb_bo_free - &drm_gem_object_funcs.free of every buffer kind
 * @obj: the object, its last reference gone
 *
 * No job holds the object any more (a job holds a reference until its
 * fence has signalled): the engine is done with it.
 */
void wcfb_bo_free(struct drm_gem_object *obj)
{
	struct wcfb_bo *bo = to_wcfb_bo(obj);

	if (bo->eng_tab)
		bo->ops->engine_unmap(bo);
	mutex_destroy(&bo->lock);
	bo->ops->release(bo);
}

/**
 * wcfb_bo_engine_table - the blitter's SG table of a buffer
 * @bo: any buffer of this device
 * @eng: the blitter
 * @tab: the table, valid until @bo is freed
 *
 * Made by the kind's &wcfb_bo_ops.engine_map on first use, kept until the
 * buffer is freed.
 *
 * Return: 0 or the kind's negative error code.
 */
int wcfb_bo_engine_table(struct wcfb_bo *bo, struct wcfb_blitter *eng,
			 struct wcfb_blitter_table **tab)
{
	int ret = 0;

	mutex_lock(&bo->lock);
	if (!bo->eng_tab)
		ret = bo->ops->engine_map(bo, eng);
	if (!ret)
		*tab = bo->eng_tab;
	mutex_unlock(&bo->lock);
	return ret;
}

/**
 * wcfb_bo_can_scanout - may @obj back a framebuffer?
 * @obj: a GEM object of this device
 * @why: set to the reason when not
 *
 * Return: true if the scanout engine can show it.
 */
bool wcfb_bo_can_scanout(struct drm_gem_object *obj, const char **why)
{
	struct wcfb_bo *bo = to_wcfb_bo(obj);

	return bo->ops->can_scanout(bo, why);
}

/* ------------------------------------------------------ scanout kind */

/*
 * What drm_gem_dma_object_mmap() does for a write-combined object, minus
 * its bug: in 6.1, drm_gem_dma_mmap() answers a failed dma_mmap_wc() (no
 * page for a page table) with drm_gem_vm_close(), i.e. drops the reference
 * drm_gem_mmap_obj() took, which then drops it again itself: the object is
 * freed under its live handle.  The fix, "drm/dma: Drop unbalanced obj
 * unref" (2023), is not in 6.1.  On error the caller drops its reference,
 * nothing else is to undo: the VMA is discarded.
 */
static int wcfb_scanout_mmap(struct drm_gem_object *obj,
			     struct vm_area_struct *vma)
{
	struct drm_gem_dma_object *dma_obj = to_drm_gem_dma_obj(obj);

	/* The fake offset of the DRM fd off, the whole buffer mapped. */
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	vma->vm_flags &= ~VM_PFNMAP;
	vma->vm_flags |= VM_DONTEXPAND;

	return dma_mmap_wc(obj->dev->dev, vma, dma_obj->vaddr,
			   dma_obj->dma_addr, vma->vm_end - vma->vm_start);
}

/*
 * Pool memory is given to the engine with dma_map_resource(): no bounce
 * buffer and no cache maintenance, which write-combined memory needs none
 * of; and a no-map carveout has no linear mapping that dma_map_sgtable()
 * (swiotlb, cache maintenance through phys_to_virt()) could use.  The
 * display device's DMA address is the physical address (probe refuses
 * offsets).
 *
 * DMA_ATTR_SKIP_CPU_SYNC, as in the PRIME export of these buffers: the
 * same memory is the display device's coherent (write-combined)
 * allocation, and DMA-API debug rejects a second, overlapping
 * device-writable mapping of it unless it is declared to need no CPU
 * cache maintenance ("cacheline tracking EEXIST, overlapping mappings
 * aren't supported").
 */
static int wcfb_scanout_engine_map(struct wcfb_bo *bo, struct wcfb_blitter *eng)
{
	struct device *dev = wcfb_blitter_device(eng);
	size_t size = wcfb_bo_obj(bo)->size;
	struct wcfb_blitter_table *t;
	dma_addr_t addr;

	addr = dma_map_resource(dev, bo->dma.dma_addr, size, DMA_BIDIRECTIONAL,
				DMA_ATTR_SKIP_CPU_SYNC);
	if (dma_mapping_error(dev, addr))
		return -EIO;
	t = wcfb_blitter_table_alloc(dev, 1);
	if (!t) {
		dma_unmap_resource(dev, addr, size, DMA_BIDIRECTIONAL,
				   DMA_ATTR_SKIP_CPU_SYNC);
		return -ENOMEM;
	}
	t->entries[0].addr = cpu_to_le64(addr);
	t->entries[0].len = cpu_to_le64(size);
	bo->scanout.eng_addr = addr;
	bo->eng_tab = t;
	return 0;
}

static void wcfb_scanout_engine_unmap(struct wcfb_bo *bo)
{
	dma_unmap_resource(bo->eng_tab->dev, bo->scanout.eng_addr,
			   wcfb_bo_obj(bo)->size, DMA_BIDIRECTIONAL,
			   DMA_ATTR_SKIP_CPU_SYNC);
	wcfb_blitter_table_free(bo->eng_tab);
}

static bool wcfb_scanout_can_scanout(struct wcfb_bo *bo, const char **why)
{
	return true;
}

static void wcfb_scanout_release(struct wcfb_bo *bo)
{
	struct drm_gem_object *obj = wcfb_bo_obj(bo);

	if (!list_empty(&bo->scanout.pool_node))
		wcfb_pool_unaccount(&to_wcfb_device(obj->dev)->pool, bo);
	/* dma_free_wc() if allocated, drm_gem_object_release(), kfree(). */
	drm_gem_dma_free(&bo->dma);
}

static const struct drm_gem_object_funcs wcfb_scanout_funcs = {
	.free = wcfb_bo_free,
	.print_info = drm_gem_dma_object_print_info,
	.get_sg_table = drm_gem_dma_object_get_sg_table,
	.vmap = drm_gem_dma_object_vmap,
	.mmap = wcfb_scanout_mmap,
	.vm_ops = &drm_gem_dma_vm_ops,
	.export = wcfb_scanout_prime_export,	/* wcfb_prime.c */
};

/* Write-combined for every CPU: no sync in either direction. */
static const struct wcfb_bo_ops wcfb_scanout_ops = {
	.kind = "scanout",
	.funcs = &wcfb_scanout_funcs,
	.engine_map = wcfb_scanout_engine_map,
	.engine_unmap = wcfb_scanout_engine_unmap,
	.can_scanout = wcfb_scanout_can_scanout,
	.release = wcfb_scanout_release,
};

/*
 * An allocation of @size bytes was refused with -ENOMEM: say so, once per
 * burst, with the pool's figures.  @outside: the DMA core's buffer lay
 * outside the pool (the CMA fallback).  No address in the line, and no
 * word a log check takes for a complaint: running out of pool is what a
 * client is told with ENOMEM, not a driver fault.
 */
static void wcfb_pool_refused(struct wcfb_device *wcfb, size_t size,
			      bool outside)
{
	struct wcfb_pool *pool = &wcfb->pool;
	u64 avail = wcfb_pool_available(wcfb);
	u64 need = wcfb_pool_consumed(size, pool->nomap, PAGE_SHIFT);
	u64 consumed, peak;
	unsigned int objects, total;
	const char *why;

	total = atomic_inc_return(&pool->refusals);
	if (!__ratelimit(&pool->refused_rs))
		return;

	mutex_lock(&pool->lock);
	consumed = pool->bytes_consumed;
	peak = pool->peak_consumed;
	objects = pool->live_objects;
	mutex_unlock(&pool->lock);

	if (outside)
		why = "CMA gave memory outside the pool";
	else if (consumed + need > avail)
		why = "exhausted";
	else
		why = "no free range that large, or no kernel memory for the object";
	dev_warn(wcfb->drm.dev,
		 "pool: %zu KiB buffer refused with ENOMEM (%s): %llu of %llu KiB taken by %u buffers, peak %llu KiB; %u refused since probe, one line per 5 s\n",
		 size >> 10, why, (pool->size - avail + consumed) >> 10,
		 pool->size >> 10, objects, (pool->size - avail + peak) >> 10,
		 total);
}

/**
 * wcfb_gem_create_scanout - a scanout buffer from the pool
 * @wcfb: the device
 * @size: bytes, rounded up to whole pages
 *
 * What drm_gem_dma_create() does, through wcfb_bo_alloc() rather than the
 * &drm_driver.gem_create_object hook, which belongs to the shmem helper
 * (wcfb_gem_cached.c): a shmem-file-backed GEM object, a mmap offset, and
 * dma_alloc_wc() on the display device, which its memory-region serves
 * from the pool.
 *
 * Return: the buffer, accounted in the pool, or an ERR_PTR(): -ENOMEM
 * when the pool cannot hold it.
 */
struct wcfb_bo *wcfb_gem_create_scanout(struct wcfb_device *wcfb, size_t size)
{
	struct drm_device *drm = &wcfb->drm;
	struct drm_gem_object *obj;
	struct wcfb_bo *bo;
	int ret;

	size = round_up(size, PAGE_SIZE);
	bo = wcfb_bo_alloc(&wcfb_scanout_ops);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&bo->scanout.pool_node);
	obj = wcfb_bo_obj(bo);
	ret = drm_gem_object_init(drm, obj, size);
	if (ret) {
		mutex_destroy(&bo->lock);
		kfree(bo);
		return ERR_PTR(ret);
	}
	/* From here on wcfb_bo_free() unwinds. */
	ret = drm_gem_create_mmap_offset(obj);
	if (ret)
		goto err_put;

	/* Quiet: the one line is wcfb_pool_refused()'s, see the top. */
	bo->dma.vaddr = dma_alloc_wc(drm->dev, size, &bo->dma.dma_addr,
				     GFP_KERNEL | __GFP_NOWARN);
	if (!bo->dma.vaddr) {
		drm_dbg(drm, "no pool memory for %zu bytes\n", size);
		wcfb_pool_refused(wcfb, size, false);
		ret = -ENOMEM;
		goto err_put;
	}

	/*
	 * The CMA fallback trap, see the top of this file.  Not only a full
	 * pool springs it: a CMA allocation also fails when a page in the
	 * way cannot be migrated out (no page to move it to).
	 */
	if (!wcfb_pool_contains(wcfb, bo->dma.dma_addr, size)) {
		drm_dbg(drm, "%zu-byte buffer came from outside the pool (%pad), refusing it\n",
			size, &bo->dma.dma_addr);
		wcfb_pool_refused(wcfb, size, true);
		ret = -ENOMEM;
		goto err_put;
	}

	wcfb_pool_account(&wcfb->pool, bo);
	return bo;

err_put:
	drm_gem_object_put(obj);
	return ERR_PTR(ret);
}

/**
 * wcfb_gem_dumb_create - &drm_driver.dumb_create
 * @file: DRM file
 * @drm: the device
 * @args: the ioctl arguments
 *
 * Only 8, 12, 16, 24 and 32 bpp (the formats' sizes; IGT makes an NV12
 * framebuffer of one 12 bpp dumb buffer), any size the pool can hold;
 * the pitch is rounded up to 64 bytes (see wcfb_dumb_layout()).  Larger
 * than the pool could ever hold is -ENOMEM at once.
 *
 * Return: 0 or a negative error code.
 */
int wcfb_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			 struct drm_mode_create_dumb *args)
{
	struct wcfb_device *wcfb = to_wcfb_device(drm);
	struct wcfb_bo *bo;
	size_t obj_size;
	u32 pitch;
	u64 size;
	int ret;

	/*
	 * A dumb buffer's width and height are bounded by memory alone (and
	 * by the core's 32-bit size checks before this): what can be shown
	 * (AddFB2, mode_config max_width/height) or blitted (the engine's
	 * max_dim) is checked where it is used.  IGT's dumb_buffer probes
	 * the largest buffer with a 262144-pixel-wide one.
	 */
	ret = wcfb_dumb_layout(args->width, args->height, args->bpp, U32_MAX,
			       &pitch, &size);
	if (ret) {
		drm_dbg(drm, "dumb buffer %ux%u at %u bpp refused: bpp must be 8, 12, 16, 24 or 32, pitch below 4 GiB\n",
			args->width, args->height, args->bpp);
		return ret;
	}
	if (wcfb_pool_consumed(size, wcfb->pool.nomap, PAGE_SHIFT) >
	    wcfb_pool_available(wcfb)) {
		drm_dbg(drm, "dumb buffer of %llu bytes can never fit in the pool\n",
			size);
		return -ENOMEM;
	}

	bo = wcfb_gem_create_scanout(wcfb, size);
	if (IS_ERR(bo))
		return PTR_ERR(bo);

	/* Once the handle exists, userspace may close it at any time. */
	obj_size = wcfb_bo_obj(bo)->size;
	ret = drm_gem_handle_create(file, wcfb_bo_obj(bo), &args->handle);
	/* The handle holds the reference now, or the object goes away. */
	drm_gem_object_put(wcfb_bo_obj(bo));
	if (ret) {
		drm_dbg(drm, "no handle for the dumb buffer: %d\n", ret);
		return ret;
	}

	args->pitch = pitch;
	args->size = obj_size;
	return 0;
}

/* ------------------------------------------------ buffer ioctls */

/**
 * wcfb_ioctl_gem_mmap_offset - DRM_IOCTL_WCFB_GEM_MMAP_OFFSET
 * @drm: the device
 * @data: &struct drm_wcfb_gem_mmap_offset
 * @file: the client
 *
 * Return: 0 or a negative error code.
 */
int wcfb_ioctl_gem_mmap_offset(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_wcfb_gem_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return ret;
}

/*
 * Did a write fence on @obj fail?  After the waits, so all are signalled;
 * the locked iterator, since the unlocked one skips signalled fences.
 */
static int wcfb_gem_write_error(struct drm_gem_object *obj)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	int err;

	err = dma_resv_lock_interruptible(obj->resv, NULL);
	if (err)
		return err;
	dma_resv_for_each_fence(&cursor, obj->resv, DMA_RESV_USAGE_WRITE,
				fence) {
		if (dma_fence_get_status(fence) < 0)
			err = -EIO;
	}
	dma_resv_unlock(obj->resv);
	return err;
}

/**
 * wcfb_ioctl_gem_cpu_prep - DRM_IOCTL_WCFB_GEM_CPU_PREP
 * @drm: the device
 * @data: &struct drm_wcfb_gem_cpu_prep
 * @file: the client
 *
 * Waits for the engine as the etnaviv/msm ioctls of the same name do, then
 * hands the buffer to the CPU (its kind's &wcfb_bo_ops.to_cpu: a cached
 * buffer is synced for the CPU).
 *
 * Return: 0, -EBUSY / -ETIMEDOUT if still busy, -EIO if the last blit into
 * the buffer failed, or another negative error code.
 */
int wcfb_ioctl_gem_cpu_prep(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct drm_wcfb_gem_cpu_prep *args = data;
	const u32 ops = WCFB_PREP_READ | WCFB_PREP_WRITE;
	enum dma_resv_usage usage;
	struct drm_gem_object *obj;
	unsigned long timeout;
	long lret;
	int ret;

	if (args->op & ~(ops | WCFB_PREP_NOSYNC) || !(args->op & ops) ||
	    args->timeout_ns < 0)
		return -EINVAL;
	/* Reading waits for writers; writing waits for everybody. */
	usage = args->op & WCFB_PREP_WRITE ? DMA_RESV_USAGE_READ :
					     DMA_RESV_USAGE_WRITE;
	timeout = args->op & WCFB_PREP_NOSYNC ? 0 :
		  nsecs_to_jiffies64(args->timeout_ns);
	timeout = min_t(u64, timeout, MAX_SCHEDULE_TIMEOUT - 1);

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	lret = dma_resv_wait_timeout(obj->resv, usage, true, timeout);
	if (lret == 0) {
		ret = args->op & WCFB_PREP_NOSYNC || !args->timeout_ns ?
		      -EBUSY : -ETIMEDOUT;
		goto out;
	} else if (lret < 0) {
		ret = lret;
		goto out;
	}

	wcfb_bo_to_cpu(to_wcfb_bo(obj));
	ret = wcfb_gem_write_error(obj);
out:
	drm_gem_object_put(obj);
	return ret;
}

/**
 * wcfb_ioctl_gem_cpu_fini - DRM_IOCTL_WCFB_GEM_CPU_FINI
 * @drm: the device
 * @data: &struct drm_wcfb_gem_cpu_fini
 * @file: the client
 *
 * Return: 0 or a negative error code.
 */
int wcfb_ioctl_gem_cpu_fini(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct drm_wcfb_gem_cpu_fini *args = data;
	struct drm_gem_object *obj;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	wcfb_bo_from_cpu(to_wcfb_bo(obj));
	drm_gem_object_put(obj);
	return 0;
}
