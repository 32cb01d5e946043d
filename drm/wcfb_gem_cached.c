// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb cached buffers: GEM shmem objects of ordinary, CPU-cached pages,
 * for the blitter.
 *
 * The engine is a non-coherent DMA master, so cached pages need cache
 * maintenance whenever ownership moves between the CPU and the engine:
 *
 *   first blit      dma_map_sgtable(engine, DMA_BIDIRECTIONAL)  (syncs),
 *                   in the blit ioctl
 *   CPU -> engine   dma_sync_sgtable_for_device()  in CPU_FINI, or when a
 *                   job runs if the CPU may have written since
 *   engine -> CPU   dma_sync_sgtable_for_cpu()     in CPU_PREP, after
 *                   waiting for the engine's fences on the object
 *   free            dma_unmap_sgtable()
 *
 * Ownership is tracked per object (&wcfb_bo.cached.cpu_owned) so that a
 * sync for the device is never made while the engine's results are not
 * yet synced for the CPU: with a bounce buffer (swiotlb) that would copy
 * the stale CPU pages over what the engine wrote.
 *
 * The shmem helper allocates through &drm_driver.gem_create_object; the
 * driver's other kinds do not use that hook (wcfb_gem.c, wcfb_prime.c),
 * so wcfb_gem_create_object() always makes a cached buffer.
 */

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>

#include "../include/uapi/drm/wcfb_drm.h"
#include "wcfb_drv.h"
#include "wcfb_blitter.h"
#include "wcfb_gem.h"

bool wcfb_test_skip_sync_for_device;
module_param_named(test_skip_sync_for_device, wcfb_test_skip_sync_for_device,
		   bool, 0444);
MODULE_PARM_DESC(test_skip_sync_for_device,
		 "TEST ONLY: skip dma_sync_sgtable_for_device() before the blitter uses cached buffers (breaks blits under swiotlb)");

static bool wcfb_test_skip_sync_for_cpu;
module_param_named(test_skip_sync_for_cpu, wcfb_test_skip_sync_for_cpu,
		   bool, 0444);
MODULE_PARM_DESC(test_skip_sync_for_cpu,
		 "TEST ONLY: skip dma_sync_sgtable_for_cpu() when the CPU takes cached buffers back from the blitter (CPU_PREP, dma-buf begin_cpu_access: under swiotlb the CPU reads what the buffer held before the blit)");

/* Largest cached buffer: one SG entry per page must fit the engine. */
#define WCFB_CACHED_MAX_PAGES	4096u

/* Map the pages for the engine.  Caller holds bo->lock. */
static int wcfb_cached_engine_map(struct wcfb_bo *bo, struct wcfb_blitter *eng)
{
	struct device *dev = wcfb_blitter_device(eng);
	struct wcfb_blitter_info info;
	struct wcfb_blitter_table *tab;
	struct sg_table *sgt;
	int ret;

	ret = drm_gem_shmem_get_pages(&bo->shmem);
	if (ret)
		return ret;
	sgt = drm_gem_shmem_get_sg_table(&bo->shmem);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto err_put_pages;
	}
	/* Also makes the CPU's writes so far visible to the engine. */
	ret = dma_map_sgtable(dev, sgt, DMA_BIDIRECTIONAL, 0);
	if (ret)
		goto err_free_sgt;

	wcfb_blitter_get_info(eng, &info);
	if (sgt->nents > info.max_sg) {
		ret = -E2BIG;
		goto err_unmap;
	}
	tab = wcfb_blitter_table_from_sgt(dev, sgt);
	if (!tab) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	bo->cached.sgt = sgt;
	bo->cached.cpu_owned = false;
	bo->eng_tab = tab;
	return 0;

err_unmap:
	dma_unmap_sgtable(dev, sgt, DMA_BIDIRECTIONAL, 0);
err_free_sgt:
	sg_free_table(sgt);
	kfree(sgt);
err_put_pages:
	drm_gem_shmem_put_pages(&bo->shmem);
	return ret;
}

static void wcfb_cached_engine_unmap(struct wcfb_bo *bo)
{
	dma_unmap_sgtable(bo->eng_tab->dev, bo->cached.sgt, DMA_BIDIRECTIONAL,
			  0);
	sg_free_table(bo->cached.sgt);
	kfree(bo->cached.sgt);
	wcfb_blitter_table_free(bo->eng_tab);
	drm_gem_shmem_put_pages(&bo->shmem);
}

/*
 * CPU -> engine: before a job uses the buffer (its run, in the scheduler's
 * thread), and at CPU_FINI / DMA_BUF_IOCTL_SYNC END.
 */
static void wcfb_cached_to_engine(struct wcfb_bo *bo)
{
	mutex_lock(&bo->lock);
	if (bo->eng_tab && bo->cached.cpu_owned) {
		if (!wcfb_test_skip_sync_for_device)
			dma_sync_sgtable_for_device(bo->eng_tab->dev,
						    bo->cached.sgt,
						    DMA_BIDIRECTIONAL);
		bo->cached.cpu_owned = false;
	}
	mutex_unlock(&bo->lock);
}

/* Engine -> CPU: CPU_PREP / SYNC START, after waiting for the engine. */
static void wcfb_cached_to_cpu(struct wcfb_bo *bo)
{
	mutex_lock(&bo->lock);
	if (bo->eng_tab && !bo->cached.cpu_owned) {
		if (!wcfb_test_skip_sync_for_cpu)
			dma_sync_sgtable_for_cpu(bo->eng_tab->dev,
						 bo->cached.sgt,
						 DMA_BIDIRECTIONAL);
		bo->cached.cpu_owned = true;
	}
	mutex_unlock(&bo->lock);
}

static bool wcfb_cached_can_scanout(struct wcfb_bo *bo, const char **why)
{
	*why = "cached (shmem) buffers are not scanout memory";
	return false;
}

static void wcfb_cached_release(struct wcfb_bo *bo)
{
	struct drm_gem_object *obj = wcfb_bo_obj(bo);

	/* Attachments hold a reference on the object: there are none left. */
	WARN_ON(!list_empty(&bo->cached.attachments));
	atomic_dec(&to_wcfb_device(obj->dev)->live_cached);
	drm_gem_shmem_free(&bo->shmem);
}

static const struct drm_gem_object_funcs wcfb_cached_funcs = {
	.free = wcfb_bo_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
	.export = wcfb_cached_prime_export,	/* wcfb_prime.c */
};

/*
 * The CPU's side is synced lazily, when the CPU asks (to_cpu), not when a
 * job completes: most results are read by the next blit, not the CPU.
 */
static const struct wcfb_bo_ops wcfb_cached_ops = {
	.kind = "cached",
	.funcs = &wcfb_cached_funcs,
	.engine_map = wcfb_cached_engine_map,
	.engine_unmap = wcfb_cached_engine_unmap,
	.to_engine = wcfb_cached_to_engine,
	.to_cpu = wcfb_cached_to_cpu,
	.from_cpu = wcfb_cached_to_engine,
	.can_scanout = wcfb_cached_can_scanout,
	.release = wcfb_cached_release,
};

/**
 * wcfb_gem_create_object - &drm_driver.gem_create_object: a cached buffer
 * @drm: the device
 * @size: object size (the shmem helper attaches the pages)
 *
 * Only the shmem helper calls this hook: scanout and imported buffers are
 * made without it.
 *
 * Return: the object, not yet initialised by the helper, or an ERR_PTR().
 */
struct drm_gem_object *wcfb_gem_create_object(struct drm_device *drm,
					      size_t size)
{
	struct wcfb_bo *bo;

	bo = wcfb_bo_alloc(&wcfb_cached_ops);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&bo->cached.attachments);
	bo->cached.cpu_owned = true;
	bo->shmem.map_wc = false;	/* cacheable CPU mappings */
	return wcfb_bo_obj(bo);
}

/* --------------------------------------------------------------- ioctls */

static int wcfb_cached_layout(struct drm_wcfb_gem_create_cached *args,
			      u64 max, u32 *pitch, u64 *size)
{
	u64 p, s;

	if (args->flags)
		return -EINVAL;
	if (args->size) {
		if (args->width || args->height || args->bpp)
			return -EINVAL;
		*pitch = 0;
		s = args->size;
	} else {
		if (args->bpp != 16 && args->bpp != 24 && args->bpp != 32)
			return -EINVAL;
		if (!args->width || !args->height ||
		    args->width > WCFB_ENG_MAX_DIM ||
		    args->height > WCFB_ENG_MAX_DIM)
			return -EINVAL;
		p = ALIGN((u64)args->width * (args->bpp / 8), 64);
		s = p * args->height;
		*pitch = p;
	}
	if (s > max)
		return -E2BIG;
	*size = PAGE_ALIGN(s);
	return 0;
}

/**
 * wcfb_ioctl_gem_create_cached - DRM_IOCTL_WCFB_GEM_CREATE_CACHED
 * @drm: the device
 * @data: &struct drm_wcfb_gem_create_cached
 * @file: the client
 *
 * Return: 0 or a negative error code.
 */
int wcfb_ioctl_gem_create_cached(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_wcfb_gem_create_cached *args = data;
	struct wcfb_device *wcfb = to_wcfb_device(drm);
	struct drm_gem_shmem_object *shmem;
	u64 max = (u64)WCFB_CACHED_MAX_PAGES << PAGE_SHIFT;
	struct wcfb_blitter_info info;
	u32 pitch;
	u64 size;
	int ret;

	if (wcfb->engine) {
		wcfb_blitter_get_info(wcfb->engine, &info);
		max = min_t(u64, max, (u64)info.max_sg << PAGE_SHIFT);
	}
	ret = wcfb_cached_layout(args, max, &pitch, &size);
	if (ret)
		return ret;

	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	/*
	 * Counted here, not in wcfb_gem_create_object(): the shmem
	 * helper's error paths kfree() the object without the free hook.
	 */
	atomic_inc(&wcfb->live_cached);

	size = shmem->base.size;
	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	/* The handle holds the reference now, or the object goes away. */
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;
	args->pitch = pitch;
	args->size = size;
	return 0;
}

