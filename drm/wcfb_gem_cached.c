// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb cached buffers: GEM shmem objects of ordinary, CPU-cached pages,
 * for the blitter.
 *
 * The engine is a non-coherent DMA master, so cached pages need cache
 * maintenance whenever ownership moves between the CPU and the engine:
 *
 *   first blit      dma_map_sgtable(engine, DMA_BIDIRECTIONAL)  (syncs)
 *   CPU -> engine   dma_sync_sgtable_for_device()  in CPU_FINI, or in the
 *                   blit ioctl if the CPU may have written since
 *   engine -> CPU   dma_sync_sgtable_for_cpu()     in CPU_PREP, after
 *                   waiting for the engine's fences on the object
 *   free            dma_unmap_sgtable()
 *
 * Ownership is tracked per object (&wcfb_cached_bo.cpu_owned) so that a
 * sync for the device is never made while the engine's results are not
 * yet synced for the CPU: with a bounce buffer (swiotlb) that would copy
 * the stale CPU pages over what the engine wrote.
 *
 * The shmem helper allocates through &drm_driver.gem_create_object, which
 * makes GEM DMA objects for the display; wcfb_gem_create_object() hands
 * the task creating a cached object a &struct wcfb_cached_bo instead.
 */

#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
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
#include "wcfb_engine.h"

/* drm_gem_shmem_free() kfree()s the shmem object: it must come first. */
static_assert(offsetof(struct wcfb_cached_bo, base) == 0);

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

static void wcfb_cached_free(struct drm_gem_object *obj)
{
	struct wcfb_cached_bo *cbo = to_wcfb_cached_bo(obj);

	/* No job holds the object any more: the engine is done with it. */
	if (cbo->sgt) {
		dma_unmap_sgtable(cbo->eng_tab->dev, cbo->sgt,
				  DMA_BIDIRECTIONAL, 0);
		sg_free_table(cbo->sgt);
		kfree(cbo->sgt);
		wcfb_engine_table_free(cbo->eng_tab);
		drm_gem_shmem_put_pages(&cbo->base);
	}
	/* Attachments hold a reference on the object: there are none left. */
	WARN_ON(!list_empty(&cbo->attachments));
	mutex_destroy(&cbo->lock);
	atomic_dec(&to_wcfb_device(obj->dev)->live_cached);
	drm_gem_shmem_free(&cbo->base);
}

static const struct drm_gem_object_funcs wcfb_cached_funcs = {
	.free = wcfb_cached_free,
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

/**
 * wcfb_gem_is_cached - is @obj a cached (shmem) buffer?
 * @obj: a GEM object of this device
 *
 * Return: true for a &struct wcfb_cached_bo.
 */
bool wcfb_gem_is_cached(const struct drm_gem_object *obj)
{
	return obj->funcs == &wcfb_cached_funcs;
}

/**
 * wcfb_cached_create_object - allocate a cached object for the shmem helper
 * @drm: the device
 * @size: object size
 *
 * Return: the object, not yet initialised by the helper, or an ERR_PTR().
 */
struct drm_gem_object *wcfb_cached_create_object(struct drm_device *drm,
						 size_t size)
{
	struct wcfb_cached_bo *cbo;

	cbo = kzalloc(sizeof(*cbo), GFP_KERNEL);
	if (!cbo)
		return ERR_PTR(-ENOMEM);
	mutex_init(&cbo->lock);
	INIT_LIST_HEAD(&cbo->attachments);
	cbo->cpu_owned = true;
	cbo->base.map_wc = false;	/* cacheable CPU mappings */
	cbo->base.base.funcs = &wcfb_cached_funcs;
	return &cbo->base.base;
}

/* Map the pages for the engine.  Caller holds cbo->lock. */
static int wcfb_cached_map(struct wcfb_cached_bo *cbo, struct wcfb_engine *eng)
{
	struct device *dev = wcfb_engine_device(eng);
	struct wcfb_engine_info info;
	struct wcfb_engine_table *tab;
	struct sg_table *sgt;
	int ret;

	ret = drm_gem_shmem_get_pages(&cbo->base);
	if (ret)
		return ret;
	sgt = drm_gem_shmem_get_sg_table(&cbo->base);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto err_put_pages;
	}
	/* Also makes the CPU's writes so far visible to the engine. */
	ret = dma_map_sgtable(dev, sgt, DMA_BIDIRECTIONAL, 0);
	if (ret)
		goto err_free_sgt;

	wcfb_engine_get_info(eng, &info);
	if (sgt->nents > info.max_sg) {
		ret = -E2BIG;
		goto err_unmap;
	}
	tab = wcfb_engine_table_from_sgt(dev, sgt);
	if (!tab) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	cbo->sgt = sgt;
	cbo->eng_tab = tab;
	return 0;

err_unmap:
	dma_unmap_sgtable(dev, sgt, DMA_BIDIRECTIONAL, 0);
err_free_sgt:
	sg_free_table(sgt);
	kfree(sgt);
err_put_pages:
	drm_gem_shmem_put_pages(&cbo->base);
	return ret;
}

/**
 * wcfb_cached_to_device - CPU -> engine hand-over of the engine's mapping
 * @cbo: the buffer; caller holds cbo->lock
 */
void wcfb_cached_to_device(struct wcfb_cached_bo *cbo)
{
	if (!cbo->sgt || !cbo->cpu_owned)
		return;
	if (!wcfb_test_skip_sync_for_device)
		dma_sync_sgtable_for_device(cbo->eng_tab->dev, cbo->sgt,
					    DMA_BIDIRECTIONAL);
	cbo->cpu_owned = false;
}

/**
 * wcfb_cached_to_cpu - engine -> CPU hand-over of the engine's mapping
 * @cbo: the buffer; caller holds cbo->lock and waited for the engine
 */
void wcfb_cached_to_cpu(struct wcfb_cached_bo *cbo)
{
	if (!cbo->sgt || cbo->cpu_owned)
		return;
	if (!wcfb_test_skip_sync_for_cpu)
		dma_sync_sgtable_for_cpu(cbo->eng_tab->dev, cbo->sgt,
					 DMA_BIDIRECTIONAL);
	cbo->cpu_owned = true;
}

/**
 * wcfb_cached_engine_prepare - make a cached buffer ready for a blit
 * @cbo: the buffer
 * @eng: the blitter
 * @tab: the engine's SG table of the buffer, valid until it is freed
 *
 * Maps the pages on first use; hands the buffer to the engine (sync for
 * device) if the CPU may have written it since it last had it.
 *
 * Return: 0 or a negative error code.
 */
int wcfb_cached_engine_prepare(struct wcfb_cached_bo *cbo,
			       struct wcfb_engine *eng,
			       struct wcfb_engine_table **tab)
{
	int ret = 0;

	mutex_lock(&cbo->lock);
	if (!cbo->sgt) {
		ret = wcfb_cached_map(cbo, eng);
		if (!ret)
			cbo->cpu_owned = false;
	} else {
		wcfb_cached_to_device(cbo);
	}
	if (!ret)
		*tab = cbo->eng_tab;
	mutex_unlock(&cbo->lock);
	return ret;
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
	struct wcfb_engine_info info;
	u32 pitch;
	u64 size;
	int ret;

	if (wcfb->engine) {
		wcfb_engine_get_info(wcfb->engine, &info);
		max = min_t(u64, max, (u64)info.max_sg << PAGE_SHIFT);
	}
	ret = wcfb_cached_layout(args, max, &pitch, &size);
	if (ret)
		return ret;

	mutex_lock(&wcfb->cached_create_lock);
	WRITE_ONCE(wcfb->cached_creator, current);
	shmem = drm_gem_shmem_create(drm, size);
	WRITE_ONCE(wcfb->cached_creator, NULL);
	mutex_unlock(&wcfb->cached_create_lock);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	if (WARN_ON(!wcfb_gem_is_cached(&shmem->base))) {
		drm_gem_object_put(&shmem->base);
		return -EINVAL;
	}
	/*
	 * Counted here, not in wcfb_cached_create_object(): the shmem
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
 * syncs a cached buffer for the CPU.
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

	if (wcfb_gem_is_cached(obj)) {
		struct wcfb_cached_bo *cbo = to_wcfb_cached_bo(obj);

		mutex_lock(&cbo->lock);
		wcfb_cached_to_cpu(cbo);
		mutex_unlock(&cbo->lock);
	}
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
	if (wcfb_gem_is_cached(obj)) {
		struct wcfb_cached_bo *cbo = to_wcfb_cached_bo(obj);

		mutex_lock(&cbo->lock);
		wcfb_cached_to_device(cbo);
		mutex_unlock(&cbo->lock);
	}
	drm_gem_object_put(obj);
	return 0;
}
