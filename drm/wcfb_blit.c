// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb blit ioctls: validation, and the job they become.
 *
 * DRM_IOCTL_WCFB_BLIT turns a batch of operations on GEM handles into one
 * blitter job (wcfb_job.c):
 *
 *  1. copy and validate every operation (64-bit arithmetic, every reserved
 *     field zero, formats and op combinations the engine accepts) and look
 *     up its handles into the job: nothing is touched before the whole
 *     batch is valid;
 *  2. map every buffer of the job for the engine on first use (its kind's
 *     &wcfb_bo_ops.engine_map); the in-fence becomes a dependency;
 *  3. push the job: the buffers' fences become its dependencies, its fence
 *     goes into their dma_resv (WRITE for destinations, READ for sources)
 *     and to the out-syncobj.  The ioctl never waits for a fence.
 *
 * The job holds a reference on every buffer until it is freed after its
 * fence signalled, so closing a handle or killing the client mid-blit
 * never frees memory under the engine.
 *
 * wcfb_blit_kernel_copy() is the same job for the driver itself (the
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
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include <kunit/visibility.h>

#include "../include/uapi/drm/wcfb_drm.h"
#include "wcfb_drv.h"
#include "wcfb_blitter.h"
#include "wcfb_gem.h"
#include "wcfb_job.h"

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
	struct wcfb_blitter_info info = { };
	bool has = wcfb->engine && wcfb_blitter_alive(wcfb->engine);
	u32 op, ops = 0;

	if (args->pad)
		return -EINVAL;
	if (wcfb->engine)
		wcfb_blitter_get_info(wcfb->engine, &info);
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
		args->value = has ? min_t(u32, wcfb_job_max_descs(wcfb),
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
int wcfb_blit_surface_origin(u64 offset, u32 pitch, u32 x, u32 y, u32 w,
			     u32 h, u32 cpp, u64 size, u32 *ox, u32 *oy)
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

/*
 * Check a surface's fields and its rect against a buffer of @size bytes;
 * fold @offset into the origin.  All arithmetic in 64 bits, checked.
 */
static int wcfb_blit_check_surface(const struct wcfb_blitter_info *info,
				   const struct drm_wcfb_blit_surface *s,
				   u32 w, u32 h, u64 size,
				   struct wcfb_eng_surface *out)
{
	u32 cpp, x, y;

	cpp = wcfb_blitter_format_cpp(info, s->format);
	if (!cpp || s->pad)
		return -EINVAL;
	/* YUV is what planes show; the ioctl's surfaces are single RGB ones. */
	if (drm_format_info(s->format)->is_yuv)
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
 * Check @op into @job's descriptor @d, its handles looked up into the job
 * (destination, then source unless FILL).
 */
static int wcfb_blit_check_op(struct drm_file *file,
			      const struct wcfb_blitter_info *info,
			      const struct drm_wcfb_blit_op *op,
			      struct wcfb_job *job, struct wcfb_eng_desc *d)
{
	u32 opcode = wcfb_blit_op_to_engine(op->op);
	struct drm_gem_object *obj;
	u32 dcpp;
	int ret;

	if (!opcode || !(info->caps & BIT(opcode)))
		return -EINVAL;
	if (op->flags || op->pad)
		return -EINVAL;
	if (op->width > info->max_dim || op->height > info->max_dim)
		return -EINVAL;
	dcpp = wcfb_blitter_format_cpp(info, op->dst.format);

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

	obj = wcfb_job_lookup_buf(job, file, op->dst.handle, true);
	if (!obj)
		return -ENOENT;
	ret = wcfb_blit_check_surface(info, &op->dst, op->width, op->height,
				      obj->size, &d->dst);
	if (ret)
		return ret;
	if (op->op != WCFB_BLIT_OP_FILL) {
		obj = wcfb_job_lookup_buf(job, file, op->src.handle, false);
		if (!obj)
			return -ENOENT;
		ret = wcfb_blit_check_surface(info, &op->src, op->width,
					      op->height, obj->size, &d->src);
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

/*
 * The in-fence as a dependency: the job runs once it has signalled, and
 * the ioctl returns at once.
 */
static int wcfb_blit_in_fence(struct drm_file *file, struct wcfb_job *job,
			      u32 handle)
{
	struct dma_fence *fence;
	int ret;

	if (!handle)
		return 0;
	ret = drm_syncobj_find_fence(file, handle, 0, 0, &fence);
	if (ret)
		return ret;
	return wcfb_job_add_fence(job, fence);
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
	struct wcfb_blitter *eng = wcfb->engine;
	struct drm_syncobj *out_sync = NULL;
	struct drm_wcfb_blit_op *ops = NULL;
	struct wcfb_job *job = NULL;
	struct wcfb_blitter_info info;
	u64 t0 = ktime_get_ns();
	struct dma_fence *fence;
	unsigned int i, r;
	u32 max_ops;
	int ret;

	if (!eng || !wcfb_blitter_alive(eng))
		return -ENODEV;
	wcfb_blitter_get_info(eng, &info);
	max_ops = min_t(u32, wcfb_job_max_descs(wcfb), WCFB_BLIT_MAX_OPS_LIMIT);
	if (args->flags || args->reserved || !args->op_count)
		return -EINVAL;
	if (args->op_count > max_ops)
		return -E2BIG;

	ops = kvmalloc_array(args->op_count, sizeof(*ops), GFP_KERNEL);
	if (!ops) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(ops, u64_to_user_ptr(args->ops),
			   array_size(args->op_count, sizeof(*ops)))) {
		ret = -EFAULT;
		goto out;
	}
	job = wcfb_job_alloc(wcfb, file, args->op_count, 2 * args->op_count);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		job = NULL;
		goto out;
	}

	/* 1. Validate everything before anything happens. */
	for (i = 0; i < args->op_count; i++) {
		ret = wcfb_blit_check_op(file, &info, &ops[i], job,
					 &job->descs[i]);
		if (ret) {
			drm_dbg(drm, "blit op %u of %u refused: %d\n", i,
				args->op_count, ret);
			goto out;
		}
	}
	if (args->out_syncobj) {
		out_sync = drm_syncobj_find(file, args->out_syncobj);
		if (!out_sync) {
			ret = -ENOENT;
			goto out;
		}
	}

	/*
	 * 2. The buffers' engine mappings and the in-fence.  The job's
	 * buffers are each op's dst, then its src unless FILL, in order.
	 */
	for (i = 0, r = 0; i < args->op_count; i++) {
		struct wcfb_blitter_table *tab;

		ret = wcfb_job_buf_table(job, r++, &tab);
		if (ret)
			goto out;
		wcfb_eng_surface_set_table(&job->descs[i].dst, tab);
		if (ops[i].op == WCFB_BLIT_OP_FILL)
			continue;
		ret = wcfb_job_buf_table(job, r++, &tab);
		if (ret)
			goto out;
		wcfb_eng_surface_set_table(&job->descs[i].src, tab);
	}
	ret = wcfb_blit_in_fence(file, job, args->in_syncobj);
	if (ret)
		goto out;

	/* 3. */
	ret = wcfb_job_push(job, &fence);
	if (ret)
		goto out;
	/* The scheduler owns the job now, which may already be gone. */
	job = NULL;
	if (out_sync)
		drm_syncobj_replace_fence(out_sync, fence);
	dma_fence_put(fence);

out:
	if (job)
		wcfb_job_free(job);
	if (out_sync)
		drm_syncobj_put(out_sync);
	kvfree(ops);
	if (!ret) {
		atomic64_add(ktime_get_ns() - t0,
			     &wcfb->job_stats.blit_ioctl_ns);
		atomic64_inc(&wcfb->job_stats.blit_ioctls);
	}
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
 * The driver's own blitter job (the console's damage flushes), on the
 * driver's entity: the destination is a buffer of the job like a BLIT
 * ioctl's, its fences are the job's dependencies and the job's fence goes
 * into its dma_resv as a WRITE (a flip of the buffer waits for it).  The
 * job holds the destination and @copy->src_ref until it is freed: nothing
 * the engine may still touch can be freed, even if the caller stops
 * waiting.
 *
 * Return: 0 once the job is queued; -ENODEV without a (live) engine,
 * -EINVAL for a copy the engine cannot do, or another negative error code;
 * nothing is queued then.
 */
int wcfb_blit_kernel_copy(struct wcfb_device *wcfb,
			  const struct wcfb_kernel_copy *copy,
			  struct dma_fence **fence)
{
	struct drm_gem_object *obj = wcfb_bo_obj(copy->dst);
	struct wcfb_blitter *eng = wcfb->engine;
	struct wcfb_blitter_table *dtab;
	struct wcfb_blitter_info info;
	struct wcfb_eng_desc *desc;
	struct wcfb_job *job;
	u32 cpp, x, y;
	int ret;

	if (!eng || !wcfb_blitter_alive(eng))
		return -ENODEV;
	wcfb_blitter_get_info(eng, &info);
	/* DRM and engine fourccs agree for the formats the display has. */
	cpp = wcfb_blitter_format_cpp(&info, copy->format);
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

	job = wcfb_job_alloc(wcfb, NULL, 1, 1);
	if (IS_ERR(job))
		return PTR_ERR(job);
	ret = wcfb_job_add_buf(job, copy->dst, true, &dtab);
	if (ret)
		goto err_free;
	kref_get(copy->src_ref);
	job->hold = copy->src_ref;
	job->hold_release = copy->src_release;

	desc = &job->descs[0];
	desc->opcode = cpu_to_le32(WCFB_ENG_OP_COPY);
	desc->width = cpu_to_le32(copy->width);
	desc->height = cpu_to_le32(copy->height);
	wcfb_eng_surface_set_table(&desc->dst, dtab);
	desc->dst.pitch = cpu_to_le32(copy->pitch);
	desc->dst.format = cpu_to_le32(copy->format);
	desc->dst.x = cpu_to_le32(x);
	desc->dst.y = cpu_to_le32(y);
	/* Same layout and place in the source, its own SG table. */
	desc->src = desc->dst;
	wcfb_eng_surface_set_table(&desc->src, copy->src_tab);

	ret = wcfb_job_push(job, fence);
	if (ret)
		goto err_free;
	/* Queued: the job is the scheduler's and may already be gone. */
	return 0;

err_free:
	wcfb_job_free(job);
	return ret;
}
