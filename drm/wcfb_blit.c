// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb blit ioctls: validation, buffers for the engine, jobs and fences.
 *
 * DRM_IOCTL_WCFB_BLIT turns a batch of operations on GEM handles into one
 * engine job:
 *
 *  1. copy and validate every operation (64-bit arithmetic, every reserved
 *     field zero, formats and op combinations the engine accepts) and look
 *     up its handles: nothing is touched before the whole batch is valid;
 *  2. give every buffer to the engine: scanout buffers through
 *     dma_map_resource(), cached ones through dma_map_sgtable() plus
 *     dma_sync_sgtable_for_device() when the CPU owned them, imported
 *     ones through their dma-buf attachment plus a sync for the device
 *     (wcfb_gem.c, wcfb_gem_cached.c, wcfb_prime.c); the mappings and SG
 *     tables stay with the buffers until they are freed;
 *  3. wait for the in-fence, lock the buffers' reservations, wait for
 *     foreign fences on them (our own engine executes in ring order);
 *  4. submit the descriptors; add the job's fence to the destinations'
 *     dma_resv as WRITE and to the sources' as READ, and to the
 *     out-syncobj.
 *
 * The job holds a reference on every buffer until its fence signalled;
 * the engine's cleanup worker drops them, so closing a handle or killing
 * the client mid-blit never frees memory under the engine.  Imported
 * buffers the job wrote are synced for the CPU right before the fence
 * signals (wcfb_blit_job_complete()).
 *
 * wcfb_blit_kernel_copy() is the same machinery for the driver itself (the
 * console's flushes, fbdev/wcfb_fbdev.c): no file, no handles, one COPY
 * from driver memory the caller mapped into a scanout buffer.
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include <kunit/visibility.h>

#include "../include/uapi/drm/wcfb_drm.h"
#include "wcfb_drv.h"
#include "wcfb_engine.h"

/* How long a blit waits for its in-fence or a foreign fence. */
#define WCFB_BLIT_FENCE_WAIT_MS	10000

/**
 * struct wcfb_blit_job - an engine job and what it keeps alive
 * @base: the engine's part
 * @objs: a reference per buffer use (duplicates allowed)
 * @nobjs: entries of @objs
 * @imp_written: imported buffers the job writes (once each; the references
 *               are in @objs), synced for the CPU when the job completes
 * @nimp_written: entries of @imp_written
 * @src_ref: kernel copies only: holds the driver-owned source (and its
 *           engine mapping) until the fence has signalled
 * @src_release: release function of @src_ref
 */
struct wcfb_blit_job {
	struct wcfb_engine_job base;
	struct drm_gem_object **objs;
	unsigned int nobjs;
	struct wcfb_bo **imp_written;
	unsigned int nimp_written;
	struct kref *src_ref;
	void (*src_release)(struct kref *ref);
};

static void wcfb_blit_put_objs(struct drm_gem_object **objs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		drm_gem_object_put(objs[i]);
}

/* From the engine's cleanup worker, once the fence has signalled. */
static void wcfb_blit_job_cleanup(struct wcfb_engine_job *ej)
{
	struct wcfb_blit_job *job = container_of(ej, struct wcfb_blit_job, base);

	wcfb_blit_put_objs(job->objs, job->nobjs);
	kvfree(job->objs);
	kfree(job->imp_written);
	if (job->src_ref)
		kref_put(job->src_ref, job->src_release);
	dma_fence_put(ej->fence);
	kfree(job);
}

/*
 * Before the fence signals (engine lock held, interrupts off): the engine's
 * writes to imported buffers must be in their pages for whoever waits.
 */
static void wcfb_blit_job_complete(struct wcfb_engine_job *ej)
{
	struct wcfb_blit_job *job = container_of(ej, struct wcfb_blit_job, base);
	unsigned int i;

	for (i = 0; i < job->nimp_written; i++)
		wcfb_import_sync_for_cpu(job->imp_written[i]);
}

/* ------------------------------------------------------------ GET_PARAM */

static u32 wcfb_blit_op_to_engine(u32 op)
{
	switch (op) {
	case WCFB_BLIT_OP_FILL:
		return WCFB_ENG_OP_FILL;
	case WCFB_BLIT_OP_COPY:
		return WCFB_ENG_OP_COPY;
	case WCFB_BLIT_OP_BLEND:
		return WCFB_ENG_OP_BLEND;
	case WCFB_BLIT_OP_CONVERT:
		return WCFB_ENG_OP_CONVERT;
	default:
		return 0;
	}
}

/**
 * wcfb_ioctl_get_param - DRM_IOCTL_WCFB_GET_PARAM
 * @drm: the device
 * @data: &struct drm_wcfb_get_param
 * @file: the client
 *
 * Return: 0 or -EINVAL for an unknown parameter.
 */
int wcfb_ioctl_get_param(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct wcfb_device *wcfb = to_wcfb_device(drm);
	struct drm_wcfb_get_param *args = data;
	struct wcfb_engine_info info = { };
	bool has = wcfb->engine && wcfb_engine_alive(wcfb->engine);
	u32 op, ops = 0;

	if (args->pad)
		return -EINVAL;
	if (wcfb->engine)
		wcfb_engine_get_info(wcfb->engine, &info);
	for (op = WCFB_BLIT_OP_FILL; op <= WCFB_BLIT_OP_CONVERT; op++)
		if (info.caps & BIT(wcfb_blit_op_to_engine(op)))
			ops |= BIT(op);

	switch (args->param) {
	case DRM_WCFB_PARAM_UAPI_VERSION:
		args->value = WCFB_UAPI_VERSION;
		break;
	case DRM_WCFB_PARAM_HAS_BLITTER:
		args->value = has;
		break;
	case DRM_WCFB_PARAM_BLIT_OPS:
		args->value = has ? ops : 0;
		break;
	case DRM_WCFB_PARAM_BLIT_FORMATS:
		args->value = has ? info.formats & 0xf : 0;
		break;
	case DRM_WCFB_PARAM_MAX_BLIT_OPS:
		args->value = has ? min_t(u32, info.max_batch,
					  WCFB_BLIT_MAX_OPS_LIMIT) : 0;
		break;
	case DRM_WCFB_PARAM_MAX_BLIT_DIM:
		args->value = has ? info.max_dim : 0;
		break;
	case DRM_WCFB_PARAM_ENGINE_VERSION:
		args->value = has ? info.version : 0;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------ validation */

/**
 * wcfb_blit_surface_origin - place a blit rectangle inside a buffer
 * @offset: byte offset of the surface's origin in the buffer (userspace's)
 * @pitch: bytes per line, not 0
 * @x: first column, relative to the origin
 * @y: first line, relative to the origin
 * @w: width in pixels (0: nothing is touched)
 * @h: height in lines (0: nothing is touched)
 * @cpp: bytes per pixel, not 0
 * @size: bytes in the buffer
 * @ox: the rectangle's first column from the buffer start
 * @oy: the rectangle's first line from the buffer start
 *
 * The offset is folded into (x, y) (it must land on a pixel boundary), and
 * every byte the blitter would touch, (oy + h - 1) * pitch + (ox + w) * cpp,
 * must lie inside @size and no line may run past @pitch.  All in 64-bit
 * arithmetic with explicit overflow checks: userspace controls every input.
 *
 * Return: 0 or -EINVAL.
 */
VISIBLE_IF_KUNIT int wcfb_blit_surface_origin(u64 offset, u32 pitch, u32 x,
					      u32 y, u32 w, u32 h, u32 cpp,
					      u64 size, u32 *ox, u32 *oy)
{
	u64 line, in_line, cx, cy, row_end, end;

	if (!pitch || !cpp)
		return -EINVAL;
	line = div64_u64_rem(offset, pitch, &in_line);
	if (in_line % cpp)
		return -EINVAL;
	cx = (u64)x + in_line / cpp;
	cy = (u64)y + line;
	if (cx > U32_MAX || cy > U32_MAX)
		return -EINVAL;
	if (w && h) {
		/* cx < 2^32, w < 2^32, cpp <= 2^32: at most 2^65 -- check. */
		if (cx + w > U64_MAX / cpp)
			return -EINVAL;
		row_end = (cx + w) * cpp;
		if (row_end > pitch)
			return -EINVAL;
		/* cy + h - 1 < 2^33 and pitch < 2^32: fits in 65 bits -- check. */
		if (cy + h - 1 > U64_MAX / pitch)
			return -EINVAL;
		end = (cy + h - 1) * pitch;
		if (end > U64_MAX - row_end)
			return -EINVAL;
		end += row_end;
		if (end > size)
			return -EINVAL;
	}
	*ox = (u32)cx;
	*oy = (u32)cy;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_blit_surface_origin);

/* cpp of a format the engine declares, 0 if unknown or not supported. */
static u32 wcfb_blit_cpp(const struct wcfb_engine_info *info, u32 format)
{
	switch (format) {
	case WCFB_ENG_FMT_XRGB8888:
		return info->formats & WCFB_ENG_FMTCAP_XRGB8888 ? 4 : 0;
	case WCFB_ENG_FMT_ARGB8888:
		return info->formats & WCFB_ENG_FMTCAP_ARGB8888 ? 4 : 0;
	case WCFB_ENG_FMT_RGB565:
		return info->formats & WCFB_ENG_FMTCAP_RGB565 ? 2 : 0;
	case WCFB_ENG_FMT_RGB888:
		return info->formats & WCFB_ENG_FMTCAP_RGB888 ? 3 : 0;
	default:
		return 0;
	}
}

/*
 * Check a surface's fields and its rect against a buffer of @size bytes;
 * fold @offset into the origin.  All arithmetic in 64 bits, checked.
 */
static int wcfb_blit_check_surface(const struct wcfb_engine_info *info,
				   const struct drm_wcfb_blit_surface *s,
				   u32 w, u32 h, u64 size,
				   struct wcfb_eng_surface *out)
{
	u32 cpp, x, y;

	cpp = wcfb_blit_cpp(info, s->format);
	if (!cpp || s->pad)
		return -EINVAL;
	/* The rectangle inside the buffer, offset folded in. */
	if (wcfb_blit_surface_origin(s->offset, s->pitch, s->x, s->y, w, h, cpp,
				     size, &x, &y))
		return -EINVAL;

	out->sg_addr = 0;	/* set once the buffer is mapped */
	out->sg_count = 0;
	out->pitch = cpu_to_le32(s->pitch);
	out->format = cpu_to_le32(s->format);
	out->x = cpu_to_le32(x);
	out->y = cpu_to_le32(y);
	out->_rsvd = 0;
	return 0;
}

/*
 * Can the engine use @obj at all?  Scanout buffers from the pool, cached
 * buffers, and foreign dma-bufs imported while the blitter was there
 * (checked when they are prepared).
 */
static bool wcfb_blit_usable(struct drm_gem_object *obj)
{
	if (wcfb_gem_is_cached(obj) || wcfb_gem_is_import(obj))
		return true;
	return to_wcfb_bo(obj)->accounted;
}

/* Look a handle up; the reference goes to @refs. */
static int wcfb_blit_lookup(struct drm_file *file, u32 handle,
			    struct drm_gem_object **refs, unsigned int *nrefs,
			    struct drm_gem_object **obj)
{
	*obj = drm_gem_object_lookup(file, handle);
	if (!*obj)
		return -ENOENT;
	refs[(*nrefs)++] = *obj;
	return wcfb_blit_usable(*obj) ? 0 : -EINVAL;
}

static int wcfb_blit_check_op(struct drm_file *file,
			      const struct wcfb_engine_info *info,
			      const struct drm_wcfb_blit_op *op,
			      struct wcfb_eng_desc *d,
			      struct drm_gem_object **refs,
			      unsigned int *nrefs,
			      struct drm_gem_object **dst,
			      struct drm_gem_object **src)
{
	u32 opcode = wcfb_blit_op_to_engine(op->op);
	u32 dcpp;
	int ret;

	*dst = NULL;
	*src = NULL;
	if (!opcode || !(info->caps & BIT(opcode)))
		return -EINVAL;
	if (op->flags || op->pad)
		return -EINVAL;
	if (op->width > info->max_dim || op->height > info->max_dim)
		return -EINVAL;
	dcpp = wcfb_blit_cpp(info, op->dst.format);

	switch (op->op) {
	case WCFB_BLIT_OP_FILL:
		if (memchr_inv(&op->src, 0, sizeof(op->src)))
			return -EINVAL;
		if (dcpp < 4 && op->fill >> (dcpp * 8))
			return -EINVAL;
		break;
	case WCFB_BLIT_OP_COPY:
		if (op->src.format != op->dst.format || op->fill)
			return -EINVAL;
		break;
	case WCFB_BLIT_OP_BLEND:
		if (op->src.format != WCFB_ENG_FMT_ARGB8888 || op->fill)
			return -EINVAL;
		break;
	case WCFB_BLIT_OP_CONVERT:
		if (op->fill)
			return -EINVAL;
		break;
	}

	ret = wcfb_blit_lookup(file, op->dst.handle, refs, nrefs, dst);
	if (ret)
		return ret;
	ret = wcfb_blit_check_surface(info, &op->dst, op->width, op->height,
				      (*dst)->size, &d->dst);
	if (ret)
		return ret;
	if (op->op != WCFB_BLIT_OP_FILL) {
		ret = wcfb_blit_lookup(file, op->src.handle, refs, nrefs, src);
		if (ret)
			return ret;
		ret = wcfb_blit_check_surface(info, &op->src, op->width,
					      op->height, (*src)->size, &d->src);
		if (ret)
			return ret;
	}

	d->opcode = cpu_to_le32(opcode);
	d->flags = 0;
	d->fill = cpu_to_le32(op->fill);
	d->width = cpu_to_le32(op->width);
	d->height = cpu_to_le32(op->height);
	return 0;
}

/* --------------------------------------------------------------- buffers */

/* The engine's SG table of @obj; syncs a cached buffer for the device. */
static int wcfb_blit_prepare(struct wcfb_engine *eng,
			     struct drm_gem_object *obj,
			     struct wcfb_engine_table **tab)
{
	if (wcfb_gem_is_cached(obj))
		return wcfb_cached_engine_prepare(to_wcfb_cached_bo(obj), eng,
						  tab);
	if (wcfb_gem_is_import(obj))
		return wcfb_import_engine_prepare(to_wcfb_bo(obj), eng, tab);
	return wcfb_bo_engine_map(to_wcfb_bo(obj), eng, tab);
}

static void wcfb_blit_set_table(struct wcfb_eng_surface *s,
				const struct wcfb_engine_table *tab)
{
	s->sg_addr = cpu_to_le64(tab->dma);
	s->sg_count = cpu_to_le32(tab->count);
}

/* One entry per buffer: the pointer sorted, "written by the job" or not. */
struct wcfb_blit_buf {
	struct drm_gem_object *obj;
	bool write;
};

static int wcfb_blit_buf_cmp(const void *a, const void *b)
{
	const struct wcfb_blit_buf *x = a, *y = b;

	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	return 0;
}

/* Sort and merge; returns the number of distinct buffers. */
static unsigned int wcfb_blit_unique(struct wcfb_blit_buf *bufs,
				     unsigned int n)
{
	unsigned int i, u = 0;

	sort(bufs, n, sizeof(*bufs), wcfb_blit_buf_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (u && bufs[u - 1].obj == bufs[i].obj) {
			bufs[u - 1].write |= bufs[i].write;
			continue;
		}
		bufs[u++] = bufs[i];
	}
	return u;
}

/* Wait for fences on @resv that our engine does not order by itself. */
static int wcfb_blit_wait_foreign(struct dma_resv *resv,
				  enum dma_resv_usage usage, u64 context)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	long ret;

	dma_resv_for_each_fence(&cursor, resv, usage, fence) {
		if (fence->context == context)
			continue;
		ret = dma_fence_wait_timeout(fence, true,
					     msecs_to_jiffies(WCFB_BLIT_FENCE_WAIT_MS));
		if (ret < 0)
			return ret;
		if (!ret)
			return -ETIMEDOUT;
	}
	return 0;
}

/*
 * The in-fence is waited for here, before the job is queued: the engine
 * has no way to wait for a foreign fence, and a job in the ring blocks
 * everything behind it.  Interruptible and bounded.
 */
static int wcfb_blit_wait_in_fence(struct drm_file *file, u32 handle)
{
	struct dma_fence *fence;
	long ret;

	if (!handle)
		return 0;
	ret = drm_syncobj_find_fence(file, handle, 0, 0, &fence);
	if (ret)
		return ret;
	ret = dma_fence_wait_timeout(fence, true,
				     msecs_to_jiffies(WCFB_BLIT_FENCE_WAIT_MS));
	dma_fence_put(fence);
	if (ret < 0)
		return ret;
	return ret ? 0 : -ETIMEDOUT;
}

static int wcfb_blit_submit(struct wcfb_engine *eng, struct wcfb_blit_job *job,
			    struct wcfb_blit_buf *bufs, unsigned int nbufs,
			    const struct wcfb_eng_desc *descs, u32 count,
			    struct dma_fence **fence)
{
	u64 context = wcfb_engine_fence_context(eng);
	struct drm_gem_object **locks;
	struct ww_acquire_ctx ctx;
	unsigned int i;
	int ret;

	locks = kvmalloc_array(nbufs, sizeof(*locks), GFP_KERNEL);
	if (!locks)
		return -ENOMEM;
	for (i = 0; i < nbufs; i++)
		locks[i] = bufs[i].obj;

	ret = drm_gem_lock_reservations(locks, nbufs, &ctx);
	if (ret)
		goto out_free;
	for (i = 0; i < nbufs; i++) {
		struct dma_resv *resv = bufs[i].obj->resv;

		ret = dma_resv_reserve_fences(resv, 1);
		if (ret)
			goto out_unlock;
		/* A writer waits for everybody, a reader for writers. */
		ret = wcfb_blit_wait_foreign(resv, bufs[i].write ?
					     DMA_RESV_USAGE_READ :
					     DMA_RESV_USAGE_WRITE, context);
		if (ret)
			goto out_unlock;
	}

	ret = wcfb_engine_submit(eng, &job->base, descs, count, fence);
	if (ret)
		goto out_unlock;
	for (i = 0; i < nbufs; i++)
		dma_resv_add_fence(bufs[i].obj->resv, *fence,
				   bufs[i].write ? DMA_RESV_USAGE_WRITE :
						   DMA_RESV_USAGE_READ);
out_unlock:
	drm_gem_unlock_reservations(locks, nbufs, &ctx);
out_free:
	kvfree(locks);
	return ret;
}

/* The distinct imported buffers the job writes, for its completion. */
static int wcfb_blit_collect_imports(struct wcfb_blit_job *job,
				     const struct wcfb_blit_buf *bufs,
				     unsigned int nbufs)
{
	unsigned int i, n = 0;

	for (i = 0; i < nbufs; i++)
		n += bufs[i].write && wcfb_gem_is_import(bufs[i].obj);
	if (!n)
		return 0;
	job->imp_written = kcalloc(n, sizeof(*job->imp_written), GFP_KERNEL);
	if (!job->imp_written)
		return -ENOMEM;
	for (i = 0; i < nbufs; i++)
		if (bufs[i].write && wcfb_gem_is_import(bufs[i].obj))
			job->imp_written[job->nimp_written++] =
				to_wcfb_bo(bufs[i].obj);
	return 0;
}

/**
 * wcfb_ioctl_blit - DRM_IOCTL_WCFB_BLIT
 * @drm: the device
 * @data: &struct drm_wcfb_blit
 * @file: the client
 *
 * Return: 0 once the job is queued, or a negative error code and nothing
 * queued.
 */
int wcfb_ioctl_blit(struct drm_device *drm, void *data,
		    struct drm_file *file)
{
	struct wcfb_device *wcfb = to_wcfb_device(drm);
	struct drm_wcfb_blit *args = data;
	struct wcfb_engine *eng = wcfb->engine;
	struct drm_syncobj *out_sync = NULL;
	struct drm_wcfb_blit_op *ops = NULL;
	struct wcfb_eng_desc *descs = NULL;
	struct drm_gem_object **refs = NULL;
	struct wcfb_blit_buf *bufs = NULL;
	struct wcfb_blit_job *job = NULL;
	struct wcfb_engine_info info;
	struct dma_fence *fence;
	unsigned int nrefs = 0, nbufs = 0, i, r;
	u32 max_ops;
	int ret;

	if (!eng || !wcfb_engine_alive(eng))
		return -ENODEV;
	wcfb_engine_get_info(eng, &info);
	max_ops = min_t(u32, info.max_batch, WCFB_BLIT_MAX_OPS_LIMIT);
	if (args->flags || args->reserved || !args->op_count)
		return -EINVAL;
	if (args->op_count > max_ops)
		return -E2BIG;

	ops = kvmalloc_array(args->op_count, sizeof(*ops), GFP_KERNEL);
	descs = kvcalloc(args->op_count, sizeof(*descs), GFP_KERNEL);
	refs = kvmalloc_array(2 * args->op_count, sizeof(*refs), GFP_KERNEL);
	bufs = kvmalloc_array(2 * args->op_count, sizeof(*bufs), GFP_KERNEL);
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!ops || !descs || !refs || !bufs || !job) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(ops, u64_to_user_ptr(args->ops),
			   array_size(args->op_count, sizeof(*ops)))) {
		ret = -EFAULT;
		goto out;
	}

	/* 1. Validate everything before anything happens. */
	for (i = 0; i < args->op_count; i++) {
		struct drm_gem_object *dst, *src;

		ret = wcfb_blit_check_op(file, &info, &ops[i], &descs[i],
					 refs, &nrefs, &dst, &src);
		if (ret) {
			drm_dbg(drm, "blit op %u of %u refused: %d\n", i,
				args->op_count, ret);
			goto out;
		}
		bufs[nbufs].obj = dst;
		bufs[nbufs++].write = true;
		if (src) {
			bufs[nbufs].obj = src;
			bufs[nbufs++].write = false;
		}
	}
	if (args->out_syncobj) {
		out_sync = drm_syncobj_find(file, args->out_syncobj);
		if (!out_sync) {
			ret = -ENOENT;
			goto out;
		}
	}

	/* 2. Map each buffer for the engine (made once per buffer). */
	/*
	 * refs[] holds each op's dst, then its src unless FILL, in order.
	 * Walk it with its own index: nrefs must stay the count of
	 * references held, which the error path puts (resetting it here
	 * leaked every reference past a failed prepare: failslab in the
	 * debug lane, t_slab_inject).
	 */
	for (i = 0, r = 0; i < args->op_count; i++) {
		struct wcfb_engine_table *tab;

		ret = wcfb_blit_prepare(eng, refs[r++], &tab);
		if (ret)
			goto out;
		wcfb_blit_set_table(&descs[i].dst, tab);
		if (ops[i].op == WCFB_BLIT_OP_FILL)
			continue;
		ret = wcfb_blit_prepare(eng, refs[r++], &tab);
		if (ret)
			goto out;
		wcfb_blit_set_table(&descs[i].src, tab);
	}

	/* 3. + 4. */
	ret = wcfb_blit_wait_in_fence(file, args->in_syncobj);
	if (ret)
		goto out;
	nbufs = wcfb_blit_unique(bufs, nbufs);
	ret = wcfb_blit_collect_imports(job, bufs, nbufs);
	if (ret)
		goto out;
	job->base.cleanup = wcfb_blit_job_cleanup;
	job->base.complete = wcfb_blit_job_complete;
	job->objs = refs;
	job->nobjs = nrefs;
	ret = wcfb_blit_submit(eng, job, bufs, nbufs, descs, args->op_count,
			       &fence);
	if (ret)
		goto out;
	/* The job owns the references now and may already be gone. */
	refs = NULL;
	nrefs = 0;
	job = NULL;
	if (out_sync)
		drm_syncobj_replace_fence(out_sync, fence);
	dma_fence_put(fence);

out:
	if (out_sync)
		drm_syncobj_put(out_sync);
	if (refs)
		wcfb_blit_put_objs(refs, nrefs);
	kvfree(refs);
	if (job)
		kfree(job->imp_written);
	kfree(job);
	kvfree(bufs);
	kvfree(descs);
	kvfree(ops);
	return ret;
}

/* ---------------------------------------------------------- kernel copy */

/**
 * wcfb_blit_kernel_copy - one blitter COPY from driver memory to a scanout
 *                         buffer
 * @wcfb: the device
 * @copy: what to copy; the source is already mapped on the engine's device
 *        and synced for it
 * @fence: the job's fence, a reference for the caller
 *
 * The driver's own entry into the blit machinery (the console's damage
 * flushes): the destination is mapped for the engine as for a BLIT ioctl
 * (wcfb_bo_engine_map(), once per buffer), foreign fences on it are waited
 * for, the job's fence goes into its dma_resv as a WRITE (a flip of the
 * buffer waits for it).  The job holds a reference on the destination and
 * on @copy->src_ref until its fence has signalled: nothing the engine may
 * still touch can be freed, even if the caller stops waiting.
 *
 * Return: 0 once the job is queued; -ENODEV without a (live) engine,
 * -EINVAL for a copy the engine cannot do, or another negative error code;
 * nothing is queued then.
 */
int wcfb_blit_kernel_copy(struct wcfb_device *wcfb,
			  const struct wcfb_kernel_copy *copy,
			  struct dma_fence **fence)
{
	struct drm_gem_object *obj = &copy->dst->base.base;
	struct wcfb_blit_buf buf = { .obj = obj, .write = true };
	struct wcfb_engine *eng = wcfb->engine;
	struct wcfb_eng_desc desc = { };
	struct wcfb_engine_table *dtab;
	struct wcfb_engine_info info;
	struct wcfb_blit_job *job;
	u32 cpp, x, y;
	int ret;

	if (!eng || !wcfb_engine_alive(eng))
		return -ENODEV;
	wcfb_engine_get_info(eng, &info);
	/* DRM and engine fourccs agree for the formats the display has. */
	cpp = wcfb_blit_cpp(&info, copy->format);
	if (!cpp || !(info.caps & BIT(WCFB_ENG_OP_COPY)) ||
	    !copy->width || !copy->height ||
	    copy->width > info.max_dim || copy->height > info.max_dim ||
	    !copy->src_tab->count || copy->src_tab->count > info.max_sg)
		return -EINVAL;
	if (wcfb_blit_surface_origin(0, copy->pitch, copy->x, copy->y,
				     copy->width, copy->height, cpp,
				     copy->src_size, &x, &y) ||
	    wcfb_blit_surface_origin(0, copy->pitch, copy->x, copy->y,
				     copy->width, copy->height, cpp,
				     obj->size, &x, &y))
		return -EINVAL;

	ret = wcfb_bo_engine_map(copy->dst, eng, &dtab);
	if (ret)
		return ret;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	job->objs = kvmalloc_array(1, sizeof(*job->objs), GFP_KERNEL);
	if (!job->objs) {
		kfree(job);
		return -ENOMEM;
	}
	drm_gem_object_get(obj);
	job->objs[0] = obj;
	job->nobjs = 1;
	kref_get(copy->src_ref);
	job->src_ref = copy->src_ref;
	job->src_release = copy->src_release;
	job->base.cleanup = wcfb_blit_job_cleanup;

	desc.opcode = cpu_to_le32(WCFB_ENG_OP_COPY);
	desc.width = cpu_to_le32(copy->width);
	desc.height = cpu_to_le32(copy->height);
	wcfb_blit_set_table(&desc.dst, dtab);
	desc.dst.pitch = cpu_to_le32(copy->pitch);
	desc.dst.format = cpu_to_le32(copy->format);
	desc.dst.x = cpu_to_le32(x);
	desc.dst.y = cpu_to_le32(y);
	/* Same layout and place in the source, its own SG table. */
	desc.src = desc.dst;
	wcfb_blit_set_table(&desc.src, copy->src_tab);

	ret = wcfb_blit_submit(eng, job, &buf, 1, &desc, 1, fence);
	if (ret) {
		/* Not queued: the job and its references are still ours. */
		kref_put(job->src_ref, job->src_release);
		wcfb_blit_put_objs(job->objs, job->nobjs);
		kvfree(job->objs);
		kfree(job);
	}
	/* Queued: the job belongs to the engine and may already be gone. */
	return ret;
}
