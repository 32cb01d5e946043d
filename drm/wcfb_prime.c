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
#include "wcfb_blitter.h"
#include "wcfb_gem.h"

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
	addr = dma_map_resource(attach->dev, bo->dma.dma_addr, obj->size, dir,
				DMA_ATTR_SKIP_CPU_SYNC);
	if (dma_mapping_error(attach->dev, addr)) {
		drm_dbg_prime(obj->dev, "dma_map_resource() of %pad for %s failed\n",
			      &bo->dma.dma_addr, dev_name(attach->dev));
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
 * wcfb_scanout_prime_export - &drm_gem_object_funcs.export of scanout
 *                             buffers
 * @obj: a pool-backed buffer
 * @flags: the dma-buf file's flags
 *
 * Return: the dma-buf or an ERR_PTR().
 */
struct dma_buf *wcfb_scanout_prime_export(struct drm_gem_object *obj,
					  int flags)
{
	return wcfb_prime_export(obj, flags, &wcfb_wc_dmabuf_ops,
				 &to_wcfb_device(obj->dev)->live_exports);
}

/* ------------------------------------------------------- cached buffers */

/**
 * struct wcfb_cached_attachment - an importer of an exported cached buffer
 * @node: on &wcfb_bo.cached.attachments
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
	struct wcfb_bo *bo = to_wcfb_bo(dma_buf->priv);
	struct wcfb_cached_attachment *a;
	struct sg_table *sgt;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	/* Pinned for as long as the importer is attached. */
	ret = drm_gem_shmem_pin(&bo->shmem);
	if (ret)
		goto err_free;
	/* An sg_table of its own: each importer maps it on its device. */
	sgt = drm_gem_shmem_get_sg_table(&bo->shmem);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto err_unpin;
	}
	a->dev = attach->dev;
	a->sgt = sgt;
	attach->priv = a;

	mutex_lock(&bo->lock);
	list_add(&a->node, &bo->cached.attachments);
	mutex_unlock(&bo->lock);
	return 0;

err_unpin:
	drm_gem_shmem_unpin(&bo->shmem);
err_free:
	kfree(a);
	return ret;
}

static void wcfb_cached_detach(struct dma_buf *dma_buf,
			       struct dma_buf_attachment *attach)
{
	struct wcfb_bo *bo = to_wcfb_bo(dma_buf->priv);
	struct wcfb_cached_attachment *a = attach->priv;

	mutex_lock(&bo->lock);
	list_del(&a->node);
	mutex_unlock(&bo->lock);
	sg_free_table(a->sgt);
	kfree(a->sgt);
	drm_gem_shmem_unpin(&bo->shmem);
	kfree(a);
}

static struct sg_table *
wcfb_cached_map_dma_buf(struct dma_buf_attachment *attach,
			enum dma_data_direction dir)
{
	struct wcfb_bo *bo = to_wcfb_bo(attach->dmabuf->priv);
	struct wcfb_cached_attachment *a = attach->priv;
	int ret;

	/* Cleans the CPU caches (or fills the bounce buffers) for @dir. */
	ret = dma_map_sgtable(attach->dev, a->sgt, dir, 0);
	if (ret) {
		drm_dbg_prime(wcfb_bo_obj(bo)->dev, "mapping for %s failed: %d\n",
			      dev_name(attach->dev), ret);
		return ERR_PTR(ret);
	}
	mutex_lock(&bo->lock);
	a->dir = dir;
	a->mapped = true;
	mutex_unlock(&bo->lock);
	return a->sgt;
}

static void wcfb_cached_unmap_dma_buf(struct dma_buf_attachment *attach,
				      struct sg_table *sgt,
				      enum dma_data_direction dir)
{
	struct wcfb_bo *bo = to_wcfb_bo(attach->dmabuf->priv);
	struct wcfb_cached_attachment *a = attach->priv;

	mutex_lock(&bo->lock);
	a->mapped = false;
	mutex_unlock(&bo->lock);
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
	struct wcfb_bo *bo = to_wcfb_bo(dma_buf->priv);
	bool write = dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE;
	struct wcfb_cached_attachment *a;
	long lret;

	lret = dma_resv_wait_timeout(dma_buf->resv, dma_resv_usage_rw(write),
				     true, MAX_SCHEDULE_TIMEOUT);
	if (lret < 0)
		return lret;

	mutex_lock(&bo->lock);
	list_for_each_entry(a, &bo->cached.attachments, node)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, a->sgt, dir);
	mutex_unlock(&bo->lock);
	wcfb_bo_to_cpu(bo);
	return 0;
}

/* DMA_BUF_IOCTL_SYNC END: hand the CPU's writes to every device. */
static int wcfb_cached_end_cpu_access(struct dma_buf *dma_buf,
				      enum dma_data_direction dir)
{
	struct wcfb_bo *bo = to_wcfb_bo(dma_buf->priv);
	struct wcfb_cached_attachment *a;

	mutex_lock(&bo->lock);
	list_for_each_entry(a, &bo->cached.attachments, node)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, a->sgt, dir);
	mutex_unlock(&bo->lock);
	wcfb_bo_from_cpu(bo);
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

static int wcfb_import_engine_map(struct wcfb_bo *bo, struct wcfb_blitter *eng)
{
	struct device *dev = wcfb_blitter_device(eng);
	struct drm_device *drm = wcfb_bo_obj(bo)->dev;
	struct sg_table *sgt = bo->dma.sgt;
	struct wcfb_blitter_info info;

	if (bo->imported.dev != dev) {
		drm_dbg_prime(drm, "blit: buffer was imported for %s, not the blitter\n",
			      dev_name(bo->imported.dev));
		return -EINVAL;
	}
	wcfb_blitter_get_info(eng, &info);
	if (sgt->nents > info.max_sg) {
		drm_dbg_prime(drm, "blit: import has %u DMA segments, engine takes %u\n",
			      sgt->nents, info.max_sg);
		return -E2BIG;
	}
	bo->eng_tab = wcfb_blitter_table_from_sgt(dev, sgt);
	return bo->eng_tab ? 0 : -ENOMEM;
}

static void wcfb_import_engine_unmap(struct wcfb_bo *bo)
{
	/* The attachment's mapping is the exporter's, undone at release. */
	wcfb_blitter_table_free(bo->eng_tab);
}

/*
 * The CPU may have written through the exporter's mapping, which the
 * exporter does not tell us: sync for the device before every use --
 * except while another job uses the buffer.  With bounce buffers that
 * sync copies the pages over the bounce buffer, and a job still writing
 * it would lose its writes.  The job's dependencies made everybody else's
 * writers finish first (implicit fences); the engine's own earlier jobs
 * run in ring order and are counted in engine_users.
 */
static void wcfb_import_to_engine(struct wcfb_bo *bo)
{
	if (atomic_inc_return(&bo->imported.engine_users) == 1)
		dma_sync_sgtable_for_device(bo->imported.dev, bo->dma.sgt,
					    DMA_BIDIRECTIONAL);
}

/*
 * Before the job's fence signals, interrupts off (dma_sync_*_for_cpu is
 * allowed there): whoever waits for the fence (DMA_BUF_IOCTL_SYNC on the
 * exporter's dma-buf) must find the engine's writes in the pages, and an
 * importer-agnostic exporter (vgem has no begin_cpu_access) syncs nothing
 * itself.
 */
static void wcfb_import_from_engine(struct wcfb_bo *bo, bool written)
{
	if (written)
		dma_sync_sgtable_for_cpu(bo->imported.dev, bo->dma.sgt,
					 DMA_BIDIRECTIONAL);
	atomic_dec(&bo->imported.engine_users);
}

static bool wcfb_import_can_scanout(struct wcfb_bo *bo, const char **why)
{
	if (!bo->imported.scanout)
		*why = bo->imported.why;
	return bo->imported.scanout;
}

static void wcfb_import_release(struct wcfb_bo *bo)
{
	struct drm_gem_object *obj = wcfb_bo_obj(bo);
	struct device *dev = bo->imported.dev;

	atomic_dec(&to_wcfb_device(obj->dev)->live_imports);
	/* Unmaps and detaches (drm_prime_gem_destroy()), puts the dma-buf. */
	drm_gem_dma_free(&bo->dma);
	put_device(dev);
}

static const struct drm_gem_object_funcs wcfb_import_funcs = {
	.free = wcfb_bo_free,
	.print_info = drm_gem_dma_object_print_info,
};

static const struct wcfb_bo_ops wcfb_import_ops = {
	.kind = "imported",
	.funcs = &wcfb_import_funcs,
	.engine_map = wcfb_import_engine_map,
	.engine_unmap = wcfb_import_engine_unmap,
	.to_engine = wcfb_import_to_engine,
	.from_engine = wcfb_import_from_engine,
	.can_scanout = wcfb_import_can_scanout,
	.release = wcfb_import_release,
};

/*
 * May the import be scanned out?  Only a physically contiguous range
 * inside the pool: look at the pages of the sg_table (the CPU side; the
 * DMA side is the attached device's view, possibly bounce buffers).
 */
static void wcfb_import_classify(struct wcfb_device *wcfb, struct wcfb_bo *bo,
				 struct sg_table *sgt)
{
	u64 size = wcfb_bo_obj(bo)->size, len = 0;
	phys_addr_t start = 0, next = 0;
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		if (!sg_page(sg)) {
			bo->imported.why = "the exporter gives DMA addresses only, no pages";
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
		bo->imported.why = "not physically contiguous";
		return;
	}
	if (!wcfb_pool_contains(wcfb, start, size)) {
		bo->imported.why = "not inside the scanout pool";
		return;
	}
	bo->dma.dma_addr = start;
	bo->imported.scanout = true;
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
		 * dma_buf);
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
	dev = get_device(wcfb->engine ? wcfb_blitter_device(wcfb->engine) :
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

	bo = wcfb_bo_alloc(&wcfb_import_ops);
	if (!bo) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	drm_gem_private_object_init(drm, wcfb_bo_obj(bo), dma_buf->size);
	bo->dma.sgt = sgt;
	bo->imported.dev = dev;
	atomic_set(&bo->imported.engine_users, 0);
	wcfb_import_classify(wcfb, bo, sgt);
	/* From here on wcfb_bo_free() (drm_prime_gem_destroy()) unwinds. */
	wcfb_bo_obj(bo)->import_attach = attach;
	wcfb_bo_obj(bo)->resv = dma_buf->resv;
	atomic_inc(&wcfb->live_imports);
	drm_dbg_prime(drm, "imported %zu bytes, %u DMA segments on %s; %s%s\n",
		      dma_buf->size, sgt->nents, dev_name(dev),
		      bo->imported.scanout ? "may be scanned out" : "no scanout: ",
		      bo->imported.scanout ? "" : bo->imported.why);
	return wcfb_bo_obj(bo);

err_unmap:
	dma_buf_unmap_attachment(attach, sgt, DMA_BIDIRECTIONAL);
err_detach:
	dma_buf_detach(dma_buf, attach);
	dma_buf_put(dma_buf);
err_put_dev:
	put_device(dev);
	return ERR_PTR(ret);
}
