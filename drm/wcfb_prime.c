// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb PRIME: sharing buffers with userspace and other devices through
 * dma-buf, both ways.
 *
 * Export.  Each buffer kind has its own dma_buf_ops, exported from this
 * module (DEFINE_DMA_BUF_EXPORT_INFO sets .owner to THIS_MODULE), so a
 * live dma-buf pins wcfb.ko: the generic drm_gem_prime_export() would make
 * drm.ko the owner, and rmmod wcfb could then free the code of the ops
 * under a dma-buf held by another process.  drm_gem_dmabuf_export() holds
 * the drm_device and the object; the pool stays attached until the
 * drm_device goes (wcfb_drv.c).
 *
 *   scanout (WC)  map_dma_buf: dma_map_resource() of the pool range on the
 *                 importer's device, a one-entry sg_table carrying only the
 *                 DMA address and length.  Not dma_get_sgtable() +
 *                 dma_map_sgtable(): pages of a no-map carveout have no
 *                 linear mapping, and swiotlb bouncing or arm64 cache
 *                 maintenance would reach them through phys_to_virt().
 *                 The memory is write-combined for every CPU mapping, so
 *                 no cache maintenance is needed: no begin/end_cpu_access.
 *                 mmap: dma_mmap_wc(), as for the DRM fd.
 *   cached        map_dma_buf: the shmem pages, dma_map_sgtable() on the
 *                 importer's device, one sg_table per attachment
 *                 (drivers/dma-buf/heaps/system_heap.c).  begin/end_cpu_
 *                 access sync every mapped attachment and the blitter's
 *                 own mapping, so DMA_BUF_IOCTL_SYNC works.  mmap
 *                 cacheable.
 *
 * Import.  A dma-buf exported by this device is the object itself.  A
 * foreign one (vgem, ...) is attached to the blitter's device (the
 * display's when there is no blitter) and mapped DMA_BIDIRECTIONAL for
 * the object's lifetime.  It can be a blit source and destination: the
 * blit syncs it for the device, and the job syncs what it wrote for the
 * CPU before its fence signals, so an importer-agnostic exporter (vgem
 * has no begin_cpu_access) still shows the engine's results after
 * DMA_BUF_IOCTL_SYNC.  It can be a framebuffer only if its pages are
 * physically contiguous and inside the scanout pool, decided once at
 * import and enforced at AddFB2 (compare pl111_gem_import_sg_table()):
 * the scanout engine reads one physical range with no IOMMU, and memory
 * outside the pool is neither guaranteed contiguous nor mapped
 * write-combined by its owner.
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_dma_helper.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>

#include "wcfb_drv.h"
#include "wcfb_engine.h"

/* How long preparing an imported buffer waits for its writers. */
#define WCFB_IMPORT_WAIT_MS	10000

MODULE_IMPORT_NS(DMA_BUF);

static struct dma_buf *wcfb_prime_export(struct drm_gem_object *obj,
					 int flags,
					 const struct dma_buf_ops *ops,
					 atomic_t *count)
{
	/* .owner = THIS_MODULE: the dma-buf pins wcfb.ko, see the top. */
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dma_buf;

	exp_info.ops = ops;
	exp_info.size = obj->size;
	exp_info.flags = flags;
	exp_info.priv = obj;
	exp_info.resv = obj->resv;

	dma_buf = drm_gem_dmabuf_export(obj->dev, &exp_info);
	if (IS_ERR(dma_buf)) {
		drm_dbg_prime(obj->dev, "export of a %zu-byte buffer failed: %ld\n",
			      obj->size, PTR_ERR(dma_buf));
		return dma_buf;
	}
	atomic_inc(count);
	return dma_buf;
}

/* ------------------------------------------------------ scanout buffers */

static struct sg_table *wcfb_wc_map_dma_buf(struct dma_buf_attachment *attach,
					    enum dma_data_direction dir)
{
	struct drm_gem_object *obj = attach->dmabuf->priv;
	struct wcfb_bo *bo = to_wcfb_bo(obj);
	struct sg_table *sgt;
	dma_addr_t addr;
	int ret;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table(sgt, 1, GFP_KERNEL);
	if (ret)
		goto err_free;

	/*
	 * The display's DMA address is the physical address (probe refuses
	 * offsets).  No CPU sync: the memory is write-combined everywhere.
	 */
	addr = dma_map_resource(attach->dev, bo->base.dma_addr, obj->size, dir,
				DMA_ATTR_SKIP_CPU_SYNC);
	if (dma_mapping_error(attach->dev, addr)) {
		drm_dbg_prime(obj->dev, "dma_map_resource() of %pad for %s failed\n",
			      &bo->base.dma_addr, dev_name(attach->dev));
		ret = -EIO;
		goto err_table;
	}
	/* No page: importers must use the DMA address, see the top. */
	sg_dma_address(sgt->sgl) = addr;
	sg_dma_len(sgt->sgl) = obj->size;
	sgt->nents = 1;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void wcfb_wc_unmap_dma_buf(struct dma_buf_attachment *attach,
				  struct sg_table *sgt,
				  enum dma_data_direction dir)
{
	dma_unmap_resource(attach->dev, sg_dma_address(sgt->sgl),
			   sg_dma_len(sgt->sgl), dir, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
}

static void wcfb_wc_release(struct dma_buf *dma_buf)
{
	struct drm_gem_object *obj = dma_buf->priv;

	/* Before the release drops the drm_device reference. */
	atomic_dec(&to_wcfb_device(obj->dev)->live_exports);
	drm_gem_dmabuf_release(dma_buf);
}

static const struct dma_buf_ops wcfb_wc_dmabuf_ops = {
	.map_dma_buf = wcfb_wc_map_dma_buf,
	.unmap_dma_buf = wcfb_wc_unmap_dma_buf,
	.release = wcfb_wc_release,
	.mmap = drm_gem_dmabuf_mmap,
	.vmap = drm_gem_dmabuf_vmap,
	.vunmap = drm_gem_dmabuf_vunmap,
};

/**
 * wcfb_bo_prime_export - &drm_gem_object_funcs.export of scanout buffers
 * @obj: a pool-backed buffer
 * @flags: the dma-buf file's flags
 *
 * Return: the dma-buf or an ERR_PTR().
 */
struct dma_buf *wcfb_bo_prime_export(struct drm_gem_object *obj, int flags)
{
	/* Only pool memory has the layout the ops above rely on. */
	if (!to_wcfb_bo(obj)->accounted)
		return ERR_PTR(-EINVAL);
	return wcfb_prime_export(obj, flags, &wcfb_wc_dmabuf_ops,
				 &to_wcfb_device(obj->dev)->live_exports);
}

/* ------------------------------------------------------- cached buffers */

/**
 * struct wcfb_cached_attachment - an importer of an exported cached buffer
 * @node: on &wcfb_cached_bo.attachments
 * @dev: the importer's device
 * @sgt: the pages, mapped on @dev while @mapped
 * @dir: the direction of the mapping
 * @mapped: between map_dma_buf and unmap_dma_buf
 */
struct wcfb_cached_attachment {
	struct list_head node;
	struct device *dev;
	struct sg_table *sgt;
	enum dma_data_direction dir;
	bool mapped;
};

static int wcfb_cached_attach(struct dma_buf *dma_buf,
			      struct dma_buf_attachment *attach)
{
	struct wcfb_cached_bo *cbo = to_wcfb_cached_bo(dma_buf->priv);
	struct wcfb_cached_attachment *a;
	struct sg_table *sgt;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	/* Pinned for as long as the importer is attached. */
	ret = drm_gem_shmem_pin(&cbo->base);
	if (ret)
		goto err_free;
	/* An sg_table of its own: each importer maps it on its device. */
	sgt = drm_gem_shmem_get_sg_table(&cbo->base);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto err_unpin;
	}
	a->dev = attach->dev;
	a->sgt = sgt;
	attach->priv = a;

	mutex_lock(&cbo->lock);
	list_add(&a->node, &cbo->attachments);
	mutex_unlock(&cbo->lock);
	return 0;

err_unpin:
	drm_gem_shmem_unpin(&cbo->base);
err_free:
	kfree(a);
	return ret;
}

static void wcfb_cached_detach(struct dma_buf *dma_buf,
			       struct dma_buf_attachment *attach)
{
	struct wcfb_cached_bo *cbo = to_wcfb_cached_bo(dma_buf->priv);
	struct wcfb_cached_attachment *a = attach->priv;

	mutex_lock(&cbo->lock);
	list_del(&a->node);
	mutex_unlock(&cbo->lock);
	sg_free_table(a->sgt);
	kfree(a->sgt);
	drm_gem_shmem_unpin(&cbo->base);
	kfree(a);
}

static struct sg_table *
wcfb_cached_map_dma_buf(struct dma_buf_attachment *attach,
			enum dma_data_direction dir)
{
	struct wcfb_cached_bo *cbo = to_wcfb_cached_bo(attach->dmabuf->priv);
	struct wcfb_cached_attachment *a = attach->priv;
	int ret;

	/* Cleans the CPU caches (or fills the bounce buffers) for @dir. */
	ret = dma_map_sgtable(attach->dev, a->sgt, dir, 0);
	if (ret) {
		drm_dbg_prime(cbo->base.base.dev, "mapping for %s failed: %d\n",
			      dev_name(attach->dev), ret);
		return ERR_PTR(ret);
	}
	mutex_lock(&cbo->lock);
	a->dir = dir;
	a->mapped = true;
	mutex_unlock(&cbo->lock);
	return a->sgt;
}

static void wcfb_cached_unmap_dma_buf(struct dma_buf_attachment *attach,
				      struct sg_table *sgt,
				      enum dma_data_direction dir)
{
	struct wcfb_cached_bo *cbo = to_wcfb_cached_bo(attach->dmabuf->priv);
	struct wcfb_cached_attachment *a = attach->priv;

	mutex_lock(&cbo->lock);
	a->mapped = false;
	mutex_unlock(&cbo->lock);
	dma_unmap_sgtable(attach->dev, sgt, dir, 0);
}

/*
 * DMA_BUF_IOCTL_SYNC START.  The devices must be done with the buffer
 * before the CPU's view is synced: under bouncing the sync copies the
 * bounce buffer back, and a blit still queued would write it afterwards,
 * where the CPU never looks.  dma_buf_begin_cpu_access() does wait for
 * the reservation's fences, but only after calling this op, so wait here
 * first: for the writers before reading, for everybody before writing.
 */
static int wcfb_cached_begin_cpu_access(struct dma_buf *dma_buf,
					enum dma_data_direction dir)
{
	struct wcfb_cached_bo *cbo = to_wcfb_cached_bo(dma_buf->priv);
	bool write = dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE;
	struct wcfb_cached_attachment *a;
	long lret;

	lret = dma_resv_wait_timeout(dma_buf->resv, dma_resv_usage_rw(write),
				     true, MAX_SCHEDULE_TIMEOUT);
	if (lret < 0)
		return lret;

	mutex_lock(&cbo->lock);
	list_for_each_entry(a, &cbo->attachments, node)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, a->sgt, dir);
	wcfb_cached_to_cpu(cbo);
	mutex_unlock(&cbo->lock);
	return 0;
}

/* DMA_BUF_IOCTL_SYNC END: hand the CPU's writes to every device. */
static int wcfb_cached_end_cpu_access(struct dma_buf *dma_buf,
				      enum dma_data_direction dir)
{
	struct wcfb_cached_bo *cbo = to_wcfb_cached_bo(dma_buf->priv);
	struct wcfb_cached_attachment *a;

	mutex_lock(&cbo->lock);
	list_for_each_entry(a, &cbo->attachments, node)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, a->sgt, dir);
	wcfb_cached_to_device(cbo);
	mutex_unlock(&cbo->lock);
	return 0;
}

static void wcfb_cached_release(struct dma_buf *dma_buf)
{
	struct drm_gem_object *obj = dma_buf->priv;

	atomic_dec(&to_wcfb_device(obj->dev)->live_exports_cached);
	drm_gem_dmabuf_release(dma_buf);
}

static const struct dma_buf_ops wcfb_cached_dmabuf_ops = {
	.attach = wcfb_cached_attach,
	.detach = wcfb_cached_detach,
	.map_dma_buf = wcfb_cached_map_dma_buf,
	.unmap_dma_buf = wcfb_cached_unmap_dma_buf,
	.begin_cpu_access = wcfb_cached_begin_cpu_access,
	.end_cpu_access = wcfb_cached_end_cpu_access,
	.release = wcfb_cached_release,
	.mmap = drm_gem_dmabuf_mmap,
	.vmap = drm_gem_dmabuf_vmap,
	.vunmap = drm_gem_dmabuf_vunmap,
};

/**
 * wcfb_cached_prime_export - &drm_gem_object_funcs.export of cached buffers
 * @obj: a cached buffer
 * @flags: the dma-buf file's flags
 *
 * Return: the dma-buf or an ERR_PTR().
 */
struct dma_buf *wcfb_cached_prime_export(struct drm_gem_object *obj,
					 int flags)
{
	return wcfb_prime_export(obj, flags, &wcfb_cached_dmabuf_ops,
				 &to_wcfb_device(obj->dev)->live_exports_cached);
}

/* --------------------------------------------------------------- import */

static void wcfb_import_free(struct drm_gem_object *obj)
{
	struct wcfb_device *wcfb = to_wcfb_device(obj->dev);
	struct wcfb_bo *bo = to_wcfb_bo(obj);
	struct device *dev = bo->imp_dev;

	/* No job holds the object any more: the engine is done with it. */
	wcfb_engine_table_free(bo->eng_tab);
	mutex_destroy(&bo->eng_lock);
	atomic_dec(&wcfb->live_imports);
	/* Unmaps and detaches (drm_prime_gem_destroy()), puts the dma-buf. */
	drm_gem_dma_free(&bo->base);
	put_device(dev);
}

static const struct drm_gem_object_funcs wcfb_import_funcs = {
	.free = wcfb_import_free,
	.print_info = drm_gem_dma_object_print_info,
};

/**
 * wcfb_gem_is_import - is @obj imported from a foreign dma-buf?
 * @obj: a GEM object of this device
 *
 * Return: true for an imported &struct wcfb_bo.
 */
bool wcfb_gem_is_import(const struct drm_gem_object *obj)
{
	return obj->funcs == &wcfb_import_funcs;
}

/*
 * May the import be scanned out?  Only a physically contiguous range
 * inside the pool: look at the pages of the sg_table (the CPU side; the
 * DMA side is the attached device's view, possibly bounce buffers).
 */
static void wcfb_import_classify(struct wcfb_device *wcfb, struct wcfb_bo *bo,
				 struct sg_table *sgt)
{
	u64 size = bo->base.base.size, len = 0;
	phys_addr_t start = 0, next = 0;
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		if (!sg_page(sg)) {
			bo->imp_why = "the exporter gives DMA addresses only, no pages";
			return;
		}
		if (!i)
			start = sg_phys(sg);
		else if (sg_phys(sg) != next)
			break;
		next = sg_phys(sg) + sg->length;
		len += sg->length;
	}
	if (len < size) {
		bo->imp_why = "not physically contiguous";
		return;
	}
	if (!wcfb_pool_contains(wcfb, start, size)) {
		bo->imp_why = "not inside the scanout pool";
		return;
	}
	bo->base.dma_addr = start;
	bo->imp_scanout = true;
}

/**
 * wcfb_gem_prime_import - &drm_driver.gem_prime_import
 * @drm: the device
 * @dma_buf: the dma-buf to import
 *
 * Return: the GEM object (the exported one itself for our own dma-bufs) or
 * an ERR_PTR().
 */
struct drm_gem_object *wcfb_gem_prime_import(struct drm_device *drm,
					     struct dma_buf *dma_buf)
{
	struct wcfb_device *wcfb = to_wcfb_device(drm);
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	struct device *dev;
	struct wcfb_bo *bo;
	int ret;

	if (dma_buf->ops == &wcfb_wc_dmabuf_ops ||
	    dma_buf->ops == &wcfb_cached_dmabuf_ops) {
		struct drm_gem_object *obj = dma_buf->priv;

		/*
		 * Our own buffer: no attachment, the object itself -- unless
		 * DRM caches another dma-buf for it.  That happens when all
		 * its handles were closed (DRM drops obj->dma_buf, this
		 * dma-buf lives on), GETFB2 made a new handle and that was
		 * exported again.  Returning the object then trips
		 * drm_gem_prime_fd_to_handle()'s WARN_ON(obj->dma_buf !=
		 * dma_buf) (found by the fuzzer in the debug-kernel lane);
		 * import this dma-buf like any other instead.  The caller
		 * holds object_name_lock, which guards obj->dma_buf.
		 */
		if (obj->dev == drm &&
		    (!obj->dma_buf || obj->dma_buf == dma_buf)) {
			drm_gem_object_get(obj);
			return obj;
		}
	}

	/* drm_gem_private_object_init() insists on whole pages. */
	if (!dma_buf->size || !PAGE_ALIGNED(dma_buf->size)) {
		drm_dbg_prime(drm, "import refused: size %zu is not whole pages\n",
			      dma_buf->size);
		return ERR_PTR(-EINVAL);
	}

	/* The blitter is the one device that reads and writes imports. */
	dev = get_device(wcfb->engine ? wcfb_engine_device(wcfb->engine) :
			 drm->dev);
	attach = dma_buf_attach(dma_buf, dev);
	if (IS_ERR(attach)) {
		ret = PTR_ERR(attach);
		drm_dbg_prime(drm, "import: attach to %s failed: %d\n",
			      dev_name(dev), ret);
		goto err_put_dev;
	}
	get_dma_buf(dma_buf);

	sgt = dma_buf_map_attachment(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		drm_dbg_prime(drm, "import: mapping on %s failed: %d\n",
			      dev_name(dev), ret);
		goto err_detach;
	}

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	INIT_LIST_HEAD(&bo->pool_node);
	mutex_init(&bo->eng_lock);
	bo->base.base.funcs = &wcfb_import_funcs;
	drm_gem_private_object_init(drm, &bo->base.base, dma_buf->size);
	bo->base.sgt = sgt;
	bo->imp_dev = dev;
	wcfb_import_classify(wcfb, bo, sgt);
	/* From here on wcfb_import_free() (drm_prime_gem_destroy()) unwinds. */
	bo->base.base.import_attach = attach;
	bo->base.base.resv = dma_buf->resv;
	atomic_inc(&wcfb->live_imports);
	drm_dbg_prime(drm, "imported %zu bytes, %u DMA segments on %s; %s%s\n",
		      dma_buf->size, sgt->nents, dev_name(dev),
		      bo->imp_scanout ? "may be scanned out" : "no scanout: ",
		      bo->imp_scanout ? "" : bo->imp_why);
	return &bo->base.base;

err_unmap:
	dma_buf_unmap_attachment(attach, sgt, DMA_BIDIRECTIONAL);
err_detach:
	dma_buf_detach(dma_buf, attach);
	dma_buf_put(dma_buf);
err_put_dev:
	put_device(dev);
	return ERR_PTR(ret);
}

/**
 * wcfb_import_engine_prepare - make an imported buffer ready for a blit
 * @bo: the imported buffer
 * @eng: the blitter
 * @tab: the engine's SG table of the buffer, valid until it is freed
 *
 * Waits for the buffer's writers (ours included: with bounce buffers, the
 * sync for the device would copy the stale pages over what a blit still
 * writes), then syncs the mapping for the device: the CPU may have written
 * through the exporter's mapping, which the exporter does not tell us.
 *
 * Return: 0, -EINVAL if the buffer was imported without a blitter, -E2BIG
 * if it has more DMA segments than the engine takes, -ETIMEDOUT, -ENOMEM
 * or -ERESTARTSYS.
 */
int wcfb_import_engine_prepare(struct wcfb_bo *bo, struct wcfb_engine *eng,
			       struct wcfb_engine_table **tab)
{
	struct device *dev = wcfb_engine_device(eng);
	struct drm_device *drm = bo->base.base.dev;
	struct sg_table *sgt = bo->base.sgt;
	struct wcfb_engine_info info;
	struct wcfb_engine_table *t;
	long lret;
	int ret = 0;

	if (bo->imp_dev != dev) {
		drm_dbg_prime(drm, "blit: buffer was imported for %s, not the blitter\n",
			      dev_name(bo->imp_dev));
		return -EINVAL;
	}
	lret = dma_resv_wait_timeout(bo->base.base.resv, DMA_RESV_USAGE_WRITE,
				     true, msecs_to_jiffies(WCFB_IMPORT_WAIT_MS));
	if (lret < 0)
		return lret;
	if (!lret)
		return -ETIMEDOUT;

	mutex_lock(&bo->eng_lock);
	if (!bo->eng_tab) {
		wcfb_engine_get_info(eng, &info);
		if (sgt->nents > info.max_sg) {
			drm_dbg_prime(drm, "blit: import has %u DMA segments, engine takes %u\n",
				      sgt->nents, info.max_sg);
			ret = -E2BIG;
			goto out;
		}
		t = wcfb_engine_table_from_sgt(dev, sgt);
		if (!t) {
			ret = -ENOMEM;
			goto out;
		}
		bo->eng_tab = t;
	}
	dma_sync_sgtable_for_device(dev, sgt, DMA_BIDIRECTIONAL);
	*tab = bo->eng_tab;
out:
	mutex_unlock(&bo->eng_lock);
	return ret;
}

/**
 * wcfb_import_sync_for_cpu - make the engine's writes to an import visible
 * @bo: the imported buffer, written by a job that has completed
 *
 * Called before the job's fence signals, with the engine's lock held and
 * interrupts off: whoever waits for the fence (DMA_BUF_IOCTL_SYNC on the
 * exporter's dma-buf) must find the data in the pages.  dma_sync_*_for_cpu
 * is allowed in atomic context.
 */
void wcfb_import_sync_for_cpu(struct wcfb_bo *bo)
{
	dma_sync_sgtable_for_cpu(bo->imp_dev, bo->base.sgt, DMA_BIDIRECTIONAL);
}

/**
 * wcfb_gem_can_scanout - may @obj back a framebuffer?
 * @obj: a GEM object of this device
 * @why: set to the reason when not
 *
 * Return: true for pool buffers and for imports found contiguous and
 * inside the pool.
 */
bool wcfb_gem_can_scanout(struct drm_gem_object *obj, const char **why)
{
	if (wcfb_gem_is_cached(obj)) {
		*why = "cached (shmem) buffers are not scanout memory";
		return false;
	}
	if (wcfb_gem_is_import(obj) && !to_wcfb_bo(obj)->imp_scanout) {
		*why = to_wcfb_bo(obj)->imp_why;
		return false;
	}
	return true;
}
