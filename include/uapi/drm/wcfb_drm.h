/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * wcfb driver-private ioctls: cached buffers and the 2D blitter.
 *
 * Documentation/uapi.rst describes every ioctl.  All structures have
 * fixed-size fields, explicit padding (which must be zero) and 64-bit user
 * pointers, so they are the same for 32- and 64-bit userspace.  Every
 * reserved field and flag must be zero; the kernel checks.
 *
 * Versioning: DRM_WCFB_PARAM_UAPI_VERSION returns WCFB_UAPI_VERSION; new
 * features come with a new version and new params/flags, existing
 * structures never change size.
 */
#ifndef _UAPI_WCFB_DRM_H_
#define _UAPI_WCFB_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define WCFB_UAPI_VERSION		1

/* ------------------------------------------------------------ GET_PARAM */
#define DRM_WCFB_PARAM_UAPI_VERSION	0	/* WCFB_UAPI_VERSION */
#define DRM_WCFB_PARAM_HAS_BLITTER	1	/* 1 if blits can be submitted */
#define DRM_WCFB_PARAM_BLIT_OPS		2	/* bit (1 << WCFB_BLIT_OP_*) */
/* bit0 XRGB8888, bit1 ARGB8888, bit2 RGB565, bit3 RGB888 */
#define DRM_WCFB_PARAM_BLIT_FORMATS	3
#define DRM_WCFB_PARAM_MAX_BLIT_OPS	4	/* ops per DRM_WCFB_BLIT */
#define DRM_WCFB_PARAM_MAX_BLIT_DIM	5	/* largest width/height */
#define DRM_WCFB_PARAM_ENGINE_VERSION	6	/* (major << 16) | minor */

struct drm_wcfb_get_param {
	__u32 param;		/* in: DRM_WCFB_PARAM_* */
	__u32 pad;		/* must be zero */
	__u64 value;		/* out */
};

/* ------------------------------------------------------ GEM_CREATE_CACHED */
/*
 * A buffer of ordinary, CPU-cached pages.  Either give @size (and zero
 * width/height/bpp) or width, height and bpp (16, 24 or 32; pitch is
 * width * bpp / 8 rounded up to 64 bytes).  Returns the handle, the pitch
 * (0 for a plain @size request) and the real size (page-aligned).
 * Cached buffers cannot be scanned out; they are blit sources and
 * destinations, mmap'ed (DRM_IOCTL_WCFB_GEM_MMAP_OFFSET) cacheable, and
 * CPU access must be bracketed by CPU_PREP / CPU_FINI.
 */
struct drm_wcfb_gem_create_cached {
	__u32 width;		/* in */
	__u32 height;		/* in */
	__u32 bpp;		/* in */
	__u32 flags;		/* in: must be zero */
	__u64 size;		/* in/out */
	__u32 handle;		/* out */
	__u32 pitch;		/* out */
};

/* ------------------------------------------------------- GEM_MMAP_OFFSET */
/*
 * The fake offset to mmap() a buffer (cached or scanout) with, also on the
 * render node (DRM_IOCTL_MODE_MAP_DUMB is primary-node only).
 */
struct drm_wcfb_gem_mmap_offset {
	__u32 handle;		/* in */
	__u32 flags;		/* in: must be zero */
	__u64 offset;		/* out */
};

/* ------------------------------------------------- GEM_CPU_PREP / _FINI */
#define WCFB_PREP_READ		(1 << 0)	/* the CPU will read */
#define WCFB_PREP_WRITE		(1 << 1)	/* the CPU will write */
#define WCFB_PREP_NOSYNC	(1 << 2)	/* do not wait: -EBUSY if busy */

/*
 * CPU_PREP waits (at most @timeout_ns, relative; interruptible) for the
 * blits that write the buffer (WCFB_PREP_READ) or for all blits using it
 * (WCFB_PREP_WRITE), then makes the engine's writes visible to the CPU
 * (cache maintenance for cached buffers).  Returns -ETIMEDOUT / -EBUSY
 * when still busy, and -EIO if the last blit that wrote the buffer
 * failed (engine fault or reset): the buffer's contents are then
 * undefined in the target rectangles of that blit.
 * CPU_FINI hands the buffer back to the engine (cache clean for cached
 * buffers).  Both accept scanout buffers too (no cache maintenance).
 */
struct drm_wcfb_gem_cpu_prep {
	__u32 handle;		/* in */
	__u32 op;		/* in: WCFB_PREP_* */
	__s64 timeout_ns;	/* in: relative */
};

struct drm_wcfb_gem_cpu_fini {
	__u32 handle;		/* in */
	__u32 flags;		/* in: must be zero */
};

/* ----------------------------------------------------------------- BLIT */
#define WCFB_BLIT_OP_FILL	1	/* dst = fill (raw, dst format) */
#define WCFB_BLIT_OP_COPY	2	/* dst = src, same format, overlap OK */
#define WCFB_BLIT_OP_BLEND	3	/* dst = src (ARGB8888) over dst */
#define WCFB_BLIT_OP_CONVERT	4	/* dst = src, format conversion */

#define WCFB_BLIT_MAX_OPS_LIMIT	1024	/* upper bound of PARAM_MAX_BLIT_OPS */

/*
 * A surface: pixel (x, y) is at byte @offset + y * @pitch + x * cpp of
 * the buffer.  @offset must be of the form oy * pitch + ox * cpp (a pixel
 * inside the pitch), i.e. it is a shorthand for moving the origin.
 */
struct drm_wcfb_blit_surface {
	__u32 handle;		/* GEM handle */
	__u32 format;		/* DRM_FORMAT_{XRGB8888,ARGB8888,RGB565,RGB888} */
	__u64 offset;		/* bytes */
	__u32 pitch;		/* bytes per row, >= (x + width) * cpp */
	__u32 x;		/* rect origin, pixels */
	__u32 y;
	__u32 pad;		/* must be zero */
};

struct drm_wcfb_blit_op {
	__u32 op;		/* WCFB_BLIT_OP_* */
	__u32 flags;		/* must be zero */
	__u32 width;		/* rect size shared by src and dst; 0 = no-op */
	__u32 height;
	__u32 fill;		/* FILL: pixel value in dst format, else 0 */
	__u32 pad;		/* must be zero */
	struct drm_wcfb_blit_surface dst;
	struct drm_wcfb_blit_surface src;	/* all zero for FILL */
};

/*
 * Run @op_count operations, in order, as one engine job.  Implicit sync:
 * the job waits for earlier writers of every buffer it uses (and, for its
 * destinations, earlier readers), and its fence is added to the
 * destinations' reservation objects as a write and to the sources' as a
 * read, so a page flip of a destination waits for it.  @in_syncobj (0:
 * none) holds a fence the job waits for.  The ioctl itself never waits:
 * the job is queued at once and runs when its fences have signalled (the
 * DRM GPU scheduler's dependencies); @out_syncobj (0: none)
 * gets the job's fence, which signals with an error if the job failed.
 * Returns -ENODEV without a blitter, -E2BIG for too many ops, -EINVAL for
 * anything malformed, -ENOENT for unknown handles; nothing is written then.
 */
struct drm_wcfb_blit {
	__u64 ops;		/* user pointer to struct drm_wcfb_blit_op[] */
	__u32 op_count;		/* 1 .. PARAM_MAX_BLIT_OPS */
	__u32 flags;		/* must be zero */
	__u32 in_syncobj;	/* syncobj handle or 0 */
	__u32 out_syncobj;	/* syncobj handle or 0 */
	__u64 reserved;		/* must be zero */
};

#define DRM_WCFB_GET_PARAM		0x00
#define DRM_WCFB_GEM_CREATE_CACHED	0x01
#define DRM_WCFB_GEM_MMAP_OFFSET	0x02
#define DRM_WCFB_GEM_CPU_PREP		0x03
#define DRM_WCFB_GEM_CPU_FINI		0x04
#define DRM_WCFB_BLIT			0x05

#define DRM_IOCTL_WCFB_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_WCFB_GET_PARAM, struct drm_wcfb_get_param)
#define DRM_IOCTL_WCFB_GEM_CREATE_CACHED \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_WCFB_GEM_CREATE_CACHED, \
		 struct drm_wcfb_gem_create_cached)
#define DRM_IOCTL_WCFB_GEM_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_WCFB_GEM_MMAP_OFFSET, \
		 struct drm_wcfb_gem_mmap_offset)
#define DRM_IOCTL_WCFB_GEM_CPU_PREP \
	DRM_IOW(DRM_COMMAND_BASE + DRM_WCFB_GEM_CPU_PREP, \
		struct drm_wcfb_gem_cpu_prep)
#define DRM_IOCTL_WCFB_GEM_CPU_FINI \
	DRM_IOW(DRM_COMMAND_BASE + DRM_WCFB_GEM_CPU_FINI, \
		struct drm_wcfb_gem_cpu_fini)
#define DRM_IOCTL_WCFB_BLIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_WCFB_BLIT, struct drm_wcfb_blit)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_WCFB_DRM_H_ */
