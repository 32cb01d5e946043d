/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb buffer objects: one GEM object type, three kinds.
 *
 *   kind      memory                         made by                file
 *   scanout   dma_alloc_wc() from the pool   DUMB_CREATE            wcfb_gem.c
 *   cached    shmem pages, CPU-cached        GEM_CREATE_CACHED      wcfb_gem_cached.c
 *   imported  a foreign dma-buf's pages      PRIME fd-to-handle     wcfb_prime.c
 *
 * Every object is a &struct wcfb_bo, made by wcfb_bo_alloc() and freed by
 * wcfb_bo_free(); everything that differs between the kinds is in the
 * kind's &struct wcfb_bo_ops, and the rest of the driver calls the ops
 * through the wcfb_bo_*() wrappers below without asking which kind it
 * holds.  The shape is etnaviv's (etnaviv_gem.h: etnaviv_gem_ops, one
 * constructor, one free path).
 *
 * The memory itself is managed by the kernel's helpers: the GEM DMA
 * helper's object for scanout and imported buffers (its vaddr/dma_addr
 * are what KMS scans out), the shmem helper's for cached ones.  Both begin
 * with their &drm_gem_object, so the two share the start of the object.
 */
#ifndef WCFB_GEM_H
#define WCFB_GEM_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/drm_gem.h>
#include <drm/drm_gem_dma_helper.h>
#include <drm/drm_gem_shmem_helper.h>

struct device;
struct sg_table;
struct wcfb_bo;
struct wcfb_device;
struct wcfb_blitter;
struct wcfb_blitter_table;

/**
 * struct wcfb_bo_ops - what makes a buffer kind
 * @kind: "scanout", "cached" or "imported", for logs and debugfs
 * @funcs: the GEM object functions; .free is wcfb_bo_free() for every kind
 * @engine_map: make @bo's blitter mapping and &wcfb_bo.eng_tab (first use;
 *              &wcfb_bo.lock held); may fail, nothing is left behind then
 * @engine_unmap: undo @engine_map (the object is being freed, no job holds
 *                it)
 * @to_engine: optional; the engine is about to use @bo (a job runs): hand
 *             the CPU's writes over (sync for the device); process context
 * @from_engine: optional; the engine is done with @bo (its job completed or
 *               failed, @written if the job wrote it), right before the
 *               job's fence signals: interrupts off, must not sleep
 * @to_cpu: optional; the CPU takes @bo back (CPU_PREP, DMA_BUF_IOCTL_SYNC
 *          START) after waiting for the engine: sync for the CPU
 * @from_cpu: optional; the CPU is done writing (CPU_FINI, SYNC END)
 * @can_scanout: may @bo back a framebuffer; sets @why when not
 * @release: free the memory and the object (wcfb_bo_free() has unmapped it
 *           for the engine)
 */
struct wcfb_bo_ops {
	const char *kind;
	const struct drm_gem_object_funcs *funcs;
	int (*engine_map)(struct wcfb_bo *bo, struct wcfb_blitter *eng);
	void (*engine_unmap)(struct wcfb_bo *bo);
	void (*to_engine)(struct wcfb_bo *bo);
	void (*from_engine)(struct wcfb_bo *bo, bool written);
	void (*to_cpu)(struct wcfb_bo *bo);
	void (*from_cpu)(struct wcfb_bo *bo);
	bool (*can_scanout)(struct wcfb_bo *bo, const char **why);
	void (*release)(struct wcfb_bo *bo);
};

/**
 * struct wcfb_bo - a wcfb buffer object, of any kind
 * @dma: scanout and imported buffers: the GEM DMA helper's object
 * @shmem: cached buffers: the shmem helper's object (map_wc false)
 * @ops: the kind
 * @lock: protects @eng_tab and the kind's mutable state below
 * @eng_tab: the blitter's SG table of the buffer, made on first use by
 *           &wcfb_bo_ops.engine_map, kept until the buffer is freed
 * @scanout: scanout buffers
 * @scanout.pool_node: entry on &wcfb_pool.objects once accounted
 * @scanout.consumed: pool bytes the buffer takes
 * @scanout.eng_addr: the buffer mapped for the blitter (dma_map_resource())
 * @cached: cached buffers
 * @cached.sgt: the pages, mapped on the blitter's device
 * @cached.cpu_owned: the CPU may have written the pages since the last
 *                    sync for the device: the next job syncs first
 * @cached.attachments: dma-buf attachments of the exported buffer
 * @imported: imported buffers
 * @imported.dev: the device the dma-buf is attached to and mapped on for
 *                the buffer's lifetime (dma.sgt): the blitter's, or the
 *                display's without a blitter
 * @imported.engine_users: jobs between &wcfb_bo_ops.to_engine and
 *                         &wcfb_bo_ops.from_engine: the mapping is synced
 *                         for the device only when this goes from 0 to 1,
 *                         never under a job that may be writing it
 * @imported.scanout: physically contiguous and inside the pool
 *                    (dma.dma_addr is its address): may be a framebuffer
 * @imported.why: why it may not be a framebuffer
 */
struct wcfb_bo {
	union {
		struct drm_gem_dma_object dma;
		struct drm_gem_shmem_object shmem;
	};
	const struct wcfb_bo_ops *ops;
	struct mutex lock; /* engine mapping and kind state */
	struct wcfb_blitter_table *eng_tab;

	union {
		struct {
			struct list_head pool_node;
			u64 consumed;
			dma_addr_t eng_addr;
		} scanout;
		struct {
			struct sg_table *sgt;
			bool cpu_owned;
			struct list_head attachments;
		} cached;
		struct {
			struct device *dev;
			atomic_t engine_users;
			bool scanout;
			const char *why;
		} imported;
	};
};

/* The helpers kfree() their object: it is the start of ours. */
static_assert(offsetof(struct wcfb_bo, dma.base) == 0);
static_assert(offsetof(struct wcfb_bo, shmem.base) == 0);

static inline struct wcfb_bo *to_wcfb_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct wcfb_bo, dma.base);
}

static inline struct drm_gem_object *wcfb_bo_obj(struct wcfb_bo *bo)
{
	return &bo->dma.base;
}

struct wcfb_bo *wcfb_bo_alloc(const struct wcfb_bo_ops *ops);
void wcfb_bo_free(struct drm_gem_object *obj);
int wcfb_bo_engine_table(struct wcfb_bo *bo, struct wcfb_blitter *eng,
			 struct wcfb_blitter_table **tab);
bool wcfb_bo_can_scanout(struct drm_gem_object *obj, const char **why);

static inline void wcfb_bo_to_engine(struct wcfb_bo *bo)
{
	if (bo->ops->to_engine)
		bo->ops->to_engine(bo);
}

static inline void wcfb_bo_from_engine(struct wcfb_bo *bo, bool written)
{
	if (bo->ops->from_engine)
		bo->ops->from_engine(bo, written);
}

static inline void wcfb_bo_to_cpu(struct wcfb_bo *bo)
{
	if (bo->ops->to_cpu)
		bo->ops->to_cpu(bo);
}

static inline void wcfb_bo_from_cpu(struct wcfb_bo *bo)
{
	if (bo->ops->from_cpu)
		bo->ops->from_cpu(bo);
}

/* wcfb_gem.c: scanout buffers and the pool */
struct wcfb_bo *wcfb_gem_create_scanout(struct wcfb_device *wcfb, size_t size);
int wcfb_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			 struct drm_mode_create_dumb *args);
int wcfb_ioctl_gem_mmap_offset(struct drm_device *drm, void *data,
			       struct drm_file *file);
int wcfb_ioctl_gem_cpu_prep(struct drm_device *drm, void *data,
			    struct drm_file *file);
int wcfb_ioctl_gem_cpu_fini(struct drm_device *drm, void *data,
			    struct drm_file *file);

/* wcfb_gem_cached.c: cached buffers */
extern bool wcfb_test_skip_sync_for_device;
struct drm_gem_object *wcfb_gem_create_object(struct drm_device *drm,
					      size_t size);
int wcfb_ioctl_gem_create_cached(struct drm_device *drm, void *data,
				 struct drm_file *file);

/* wcfb_prime.c: dma-buf export of both kinds, imported buffers */
struct dma_buf *wcfb_scanout_prime_export(struct drm_gem_object *obj,
					  int flags);
struct dma_buf *wcfb_cached_prime_export(struct drm_gem_object *obj,
					 int flags);
struct drm_gem_object *wcfb_gem_prime_import(struct drm_device *drm,
					     struct dma_buf *dma_buf);

#endif /* WCFB_GEM_H */
