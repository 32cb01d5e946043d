// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb composer: the planes the scanout engine cannot show, composed by
 * the blitter.
 *
 * The scanout engine (ramfb) shows one linear buffer in one of three
 * formats, at the size of the mode.  That is enough for a single
 * full-screen primary plane, which is then scanned out directly with no
 * copy at all (WCFB_SHOW_DIRECT, decided in wcfb_kms.c).  Anything else --
 * a cursor, overlays, a plane that is moved, partly off screen, rotated,
 * translucent, or in a format ramfb does not convert -- is composed, as an
 * SoC with fewer hardware layers than planes composes with its 2D engine:
 *
 *   one blitter job per frame (the same struct wcfb_job as a BLIT ioctl):
 *     FILL black (skipped when the bottom plane is opaque and covers the
 *     screen: then it is a COPY or CONVERT instead of a BLEND)
 *     BLEND every visible plane, in normalized zpos order, with its blend
 *     mode, plane alpha and rotation, clipped to the screen
 *   into the back buffer of a double-buffered XRGB8888 output in the pool
 *   (struct wcfb_compose_target), which the commit then latches.
 *
 * The job runs in the commit tail, after the helpers have waited for the
 * framebuffers' fences, and the commit waits for it: the flip's event is
 * armed only after the latch of the finished frame, so it arrives at the
 * first vblank after the composition completed, with that vblank's time.
 * A nonblocking commit waits in its worker, not in the ioctl.  A frame
 * whose job failed (engine fault, hang, reset, death) is not shown: the
 * previous one stays and the log says why.
 *
 * YUV framebuffers are converted by the engine as it reads them: plane 0
 * in the descriptor, the chroma planes in a planes table per plane slot
 * (@wcfb_compose_target.planes), with the plane's COLOR_ENCODING and
 * COLOR_RANGE as flags.
 *
 * Not yet: scaling.
 */

#include <linux/dma-fence.h>
#include <linux/jiffies.h>
#include <kunit/visibility.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include <asm/unaligned.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_blend.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_crtc.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_plane.h>
#include <drm/drm_print.h>
#include <drm/drm_rect.h>

#include "wcfb_blitter.h"
#include "wcfb_composer.h"
#include "wcfb_drv.h"
#include "wcfb_gem.h"
#include "wcfb_job.h"
#include "wcfb_scanout.h"

/*
 * What composition needs of the engine besides formats: FILL, COPY,
 * CONVERT and a BLEND that knows blend modes, plane alpha and transforms
 * (protocol 1.1).
 */
static bool wcfb_engine_composes(const struct wcfb_blitter_info *info)
{
	u32 ops = BIT(WCFB_ENG_OP_FILL) | BIT(WCFB_ENG_OP_COPY) |
		  BIT(WCFB_ENG_OP_CONVERT) | BIT(WCFB_ENG_OP_BLEND);

	return (info->caps & ops) == ops &&
	       info->version >= ((1u << 16) | 1u) &&
	       info->formats & WCFB_ENG_FMTCAP_XRGB8888;
}

/* The blitter's declaration, if there is a blitter and it composes. */
static bool wcfb_composer_info(struct wcfb_device *wcfb,
			       struct wcfb_blitter_info *info)
{
	if (!wcfb->engine)
		return false;
	wcfb_blitter_get_info(wcfb->engine, info);
	return wcfb_engine_composes(info);
}

/**
 * wcfb_composer_available - can frames be composed now
 * @wcfb: the device
 *
 * Return: true with a live blitter that composes.
 */
bool wcfb_composer_available(struct wcfb_device *wcfb)
{
	struct wcfb_blitter_info info;

	if (!wcfb->engine || !wcfb_blitter_alive(wcfb->engine))
		return false;
	wcfb_blitter_get_info(wcfb->engine, &info);
	return wcfb_engine_composes(&info);
}

/**
 * wcfb_composer_scales - does the blitter scale as it composes
 * @wcfb: the device
 *
 * Return: true with a composing blitter of protocol 1.3 or later.
 */
bool wcfb_composer_scales(struct wcfb_device *wcfb)
{
	struct wcfb_blitter_info info;

	return wcfb_composer_info(wcfb, &info) &&
	       info.version >= ((1u << 16) | 3u);
}

/**
 * wcfb_plane_scaled - is the plane's source another size than its place
 * @st: the plane's state (sizes as userspace set them, before clipping)
 *
 * Return: true if the source, rotated, is not the CRTC rectangle's size.
 */
bool wcfb_plane_scaled(const struct drm_plane_state *st)
{
	bool turned = st->rotation & (DRM_MODE_ROTATE_90 | DRM_MODE_ROTATE_270);

	return st->src_w != (u64)(turned ? st->crtc_h : st->crtc_w) << 16 ||
	       st->src_h != (u64)(turned ? st->crtc_w : st->crtc_h) << 16;
}

/**
 * wcfb_composer_format_cpp - bytes per pixel of a format the blitter reads
 * @wcfb: the device
 * @fourcc: DRM fourcc
 *
 * Return: the cpp, or 0 without a composing blitter or for a format it
 * does not declare.
 */
u32 wcfb_composer_format_cpp(struct wcfb_device *wcfb, u32 fourcc)
{
	struct wcfb_blitter_info info;

	return wcfb_composer_info(wcfb, &info) ?
	       wcfb_blitter_format_cpp(&info, fourcc) : 0;
}

/**
 * wcfb_composer_formats - the formats planes offer with composition
 * @wcfb: the device
 * @formats: filled with fourccs
 * @max: room in @formats
 *
 * Return: the number of formats, 0 without a composing blitter.
 */
int wcfb_composer_formats(struct wcfb_device *wcfb, u32 *formats,
			  unsigned int max)
{
	struct wcfb_blitter_info info;

	return wcfb_composer_info(wcfb, &info) ?
	       wcfb_blitter_formats(&info, formats, max) : 0;
}

/* ---- the output buffers ---- */

/**
 * wcfb_compose_target_get - a new double-buffered output of a mode's size
 * @wcfb: the device
 * @width: pixels per line
 * @height: lines
 *
 * Return: the target (one reference), or an ERR_PTR(): -ENOMEM when the
 * pool cannot hold two frames.
 */
struct wcfb_compose_target *
wcfb_compose_target_get(struct wcfb_device *wcfb, u32 width, u32 height)
{
	struct wcfb_compose_target *t;
	unsigned int i;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	kref_init(&t->ref);
	t->front = -1;
	t->width = width;
	t->height = height;
	t->pitch = width * 4;
	for (i = 0; i < ARRAY_SIZE(t->buf); i++) {
		t->buf[i] = wcfb_gem_create_scanout(wcfb,
						    (size_t)t->pitch * height);
		if (IS_ERR(t->buf[i])) {
			int ret = PTR_ERR(t->buf[i]);

			t->buf[i] = NULL;
			wcfb_compose_target_put(t);
			return ERR_PTR(ret);
		}
	}
	t->color = wcfb_gem_create_scanout(wcfb, WCFB_ENG_COLOR_TABLE_SIZE);
	if (IS_ERR(t->color)) {
		int ret = PTR_ERR(t->color);

		t->color = NULL;
		wcfb_compose_target_put(t);
		return ERR_PTR(ret);
	}
	t->planes = wcfb_gem_create_scanout(wcfb, WCFB_MAX_PLANES *
					    sizeof(struct wcfb_eng_planes));
	if (IS_ERR(t->planes)) {
		int ret = PTR_ERR(t->planes);

		t->planes = NULL;
		wcfb_compose_target_put(t);
		return ERR_PTR(ret);
	}
	return t;
}

struct wcfb_compose_target *
wcfb_compose_target_ref(struct wcfb_compose_target *t)
{
	kref_get(&t->ref);
	return t;
}

static void wcfb_compose_target_release(struct kref *ref)
{
	struct wcfb_compose_target *t =
		container_of(ref, struct wcfb_compose_target, ref);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t->buf); i++)
		if (t->buf[i])
			drm_gem_object_put(wcfb_bo_obj(t->buf[i]));
	if (t->color)
		drm_gem_object_put(wcfb_bo_obj(t->color));
	if (t->planes)
		drm_gem_object_put(wcfb_bo_obj(t->planes));
	if (t->crc)
		drm_gem_object_put(wcfb_bo_obj(t->crc));
	kfree(t);
}

/* NULL is fine. */
void wcfb_compose_target_put(struct wcfb_compose_target *t)
{
	if (t)
		kref_put(&t->ref, wcfb_compose_target_release);
}

/**
 * wcfb_compose_target_config - what the scanout engine scans for a buffer
 * @t: the target
 * @index: 0 or 1
 * @cfg: filled in
 */
void wcfb_compose_target_config(const struct wcfb_compose_target *t,
				int index, struct wcfb_scanout_config *cfg)
{
	cfg->addr = t->buf[index]->dma.dma_addr;
	cfg->fourcc = WCFB_COMPOSE_FORMAT;
	cfg->width = t->width;
	cfg->height = t->height;
	cfg->stride = t->pitch;
}

/* ---- CRTC color: degamma, CTM, gamma ---- */

/**
 * wcfb_composer_has_color - does a CRTC state ask for color management
 * @crtc_state: the state
 *
 * Return: true with a degamma LUT, a CTM or a gamma LUT.
 */
bool wcfb_composer_has_color(const struct drm_crtc_state *crtc_state)
{
	return crtc_state->degamma_lut || crtc_state->ctm ||
	       crtc_state->gamma_lut;
}

/**
 * wcfb_composer_check_color - LUTs of the size the CRTC declares
 * @crtc_state: the new state
 *
 * Return: 0, or -EINVAL with a debug line.
 */
int wcfb_composer_check_color(struct drm_crtc_state *crtc_state)
{
	struct drm_crtc *crtc = crtc_state->crtc;

	if ((crtc_state->degamma_lut &&
	     drm_color_lut_size(crtc_state->degamma_lut) != WCFB_ENG_COLOR_LUT_SIZE) ||
	    (crtc_state->gamma_lut &&
	     drm_color_lut_size(crtc_state->gamma_lut) != WCFB_ENG_COLOR_LUT_SIZE)) {
		drm_dbg_kms(crtc->dev, "[CRTC:%d] LUTs must have %u entries\n",
			    crtc->base.id, WCFB_ENG_COLOR_LUT_SIZE);
		return -EINVAL;
	}
	return 0;
}

static void wcfb_color_lut_write(u8 *table, u32 off,
				 const struct drm_property_blob *blob)
{
	const struct drm_color_lut *lut = blob->data;
	u8 *e = table + off;
	unsigned int i;

	for (i = 0; i < WCFB_ENG_COLOR_LUT_SIZE; i++, e += 8) {
		put_unaligned_le16(lut[i].red, e);
		put_unaligned_le16(lut[i].green, e + 2);
		put_unaligned_le16(lut[i].blue, e + 4);
		put_unaligned_le16(0, e + 6);
	}
}

/*
 * The state's color management as the engine's table (struct
 * wcfb_eng_color_table, hw/proto), in @t->color
 * (write-combined: the doorbell's write barrier orders these stores
 * before the engine reads them).
 */
static void wcfb_color_table_write(const struct drm_crtc_state *crtc_state,
				   struct wcfb_compose_target *t)
{
	u8 *table = t->color->dma.vaddr;
	u32 flags = 0;
	unsigned int i;

	if (crtc_state->degamma_lut) {
		flags |= WCFB_ENG_COLOR_DEGAMMA;
		wcfb_color_lut_write(table, WCFB_ENG_COLOR_OFF_DEGAMMA,
				     crtc_state->degamma_lut);
	}
	if (crtc_state->ctm) {
		const struct drm_color_ctm *ctm = crtc_state->ctm->data;

		flags |= WCFB_ENG_COLOR_CTM;
		for (i = 0; i < ARRAY_SIZE(ctm->matrix); i++) {
			/* S31.32 sign-magnitude -> two's complement Q32.32 */
			u64 v = ctm->matrix[i];
			s64 q = v & BIT_ULL(63) ? -(s64)(v & ~BIT_ULL(63)) :
				(s64)v;

			put_unaligned_le64((u64)q, table + WCFB_ENG_COLOR_OFF_CTM +
					   i * 8);
		}
	}
	if (crtc_state->gamma_lut) {
		flags |= WCFB_ENG_COLOR_GAMMA;
		wcfb_color_lut_write(table, WCFB_ENG_COLOR_OFF_GAMMA,
				     crtc_state->gamma_lut);
	}
	put_unaligned_le32(flags, table + WCFB_ENG_COLOR_OFF_FLAGS);
	put_unaligned_le32(0, table + WCFB_ENG_COLOR_OFF_FLAGS + 4);
}

/* ---- planes ---- */

/**
 * wcfb_composer_check_plane - a plane state the composer can compose
 * @st: the plane's new state, after drm_atomic_helper_check_plane_state()
 *
 * Return: 0, or -EINVAL with a debug line.
 */
int wcfb_composer_check_plane(struct drm_plane_state *st)
{
	struct drm_plane *plane = st->plane;

	if ((st->src_x | st->src_y | st->src_w | st->src_h) & 0xffff) {
		drm_dbg_kms(plane->dev, "[PLANE:%d] fractional source rectangle\n",
			    plane->base.id);
		return -EINVAL;
	}
	if (st->visible && wcfb_plane_scaled(st) &&
	    (u64)(st->src_w >> 16) * (st->src_h >> 16) > WCFB_SCALE_MAX_SRC_PX) {
		drm_dbg_kms(plane->dev, "[PLANE:%d] scaled source %ux%u above %u pixels\n",
			    plane->base.id, st->src_w >> 16, st->src_h >> 16,
			    WCFB_SCALE_MAX_SRC_PX);
		return -ERANGE;
	}
	if (plane->type == DRM_PLANE_TYPE_CURSOR &&
	    (st->crtc_w > WCFB_CURSOR_MAX_DIM ||
	     st->crtc_h > WCFB_CURSOR_MAX_DIM)) {
		drm_dbg_kms(plane->dev, "[PLANE:%d] cursor %ux%u above %ux%u\n",
			    plane->base.id, st->crtc_w, st->crtc_h,
			    WCFB_CURSOR_MAX_DIM, WCFB_CURSOR_MAX_DIM);
		return -EINVAL;
	}
	return 0;
}

static int wcfb_plane_zpos_cmp(const void *a, const void *b)
{
	const struct drm_plane_state *x = *(const struct drm_plane_state **)a;
	const struct drm_plane_state *y = *(const struct drm_plane_state **)b;

	return (int)x->normalized_zpos - (int)y->normalized_zpos;
}

/*
 * DRM rotation as the engine's transform.  The engine maps destination
 * pixel (i, j) to source (u, v) = TRANSPOSE ? (j, i) : (i, j), then
 * mirrors u and v inside the source rectangle.  DRM rotates counter-
 * clockwise after reflecting the framebuffer, so: rotate-90 reads (W-1-Y,
 * X), transpose and mirror u; rotate-180 mirrors both; rotate-270 reads
 * (Y, H-1-X), transpose and mirror v; a reflection in framebuffer
 * coordinates mirrors u or v once more.
 */
VISIBLE_IF_KUNIT u32 wcfb_rotation_xform(unsigned int rotation)
{
	u32 x = 0;

	switch (rotation & DRM_MODE_ROTATE_MASK) {
	case DRM_MODE_ROTATE_90:
		x = WCFB_ENG_XFORM_TRANSPOSE | WCFB_ENG_XFORM_REFLECT_X;
		break;
	case DRM_MODE_ROTATE_180:
		x = WCFB_ENG_XFORM_REFLECT_X | WCFB_ENG_XFORM_REFLECT_Y;
		break;
	case DRM_MODE_ROTATE_270:
		x = WCFB_ENG_XFORM_TRANSPOSE | WCFB_ENG_XFORM_REFLECT_Y;
		break;
	}
	if (rotation & DRM_MODE_REFLECT_X)
		x ^= WCFB_ENG_XFORM_REFLECT_X;
	if (rotation & DRM_MODE_REFLECT_Y)
		x ^= WCFB_ENG_XFORM_REFLECT_Y;
	return x;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_rotation_xform);

static u32 wcfb_blend_mode(u16 mode)
{
	switch (mode) {
	case DRM_MODE_BLEND_PIXEL_NONE:
		return WCFB_ENG_BLEND_NONE;
	case DRM_MODE_BLEND_COVERAGE:
		return WCFB_ENG_BLEND_COVERAGE;
	default:
		return WCFB_ENG_BLEND_PREMULTIPLIED;
	}
}

/* The plane's COLOR_ENCODING and COLOR_RANGE as the engine's flags. */
static u32 wcfb_yuv_flags(const struct drm_plane_state *st)
{
	u32 enc;

	if (!st->fb->format->is_yuv)
		return 0;
	switch (st->color_encoding) {
	case DRM_COLOR_YCBCR_BT709:
		enc = WCFB_ENG_YUV_BT709;
		break;
	case DRM_COLOR_YCBCR_BT2020:
		enc = WCFB_ENG_YUV_BT2020;
		break;
	default:
		enc = WCFB_ENG_YUV_BT601;
		break;
	}
	return WCFB_ENG_YUV_ENC(enc) |
	       (st->color_range == DRM_COLOR_YCBCR_FULL_RANGE ?
		WCFB_ENG_YUV_FULL_RANGE : 0);
}

/*
 * A multi-planar YUV source's chroma planes, into the planes table @pt
 * for the engine: for the source rectangle whose first pixel is (sx, sy)
 * of the framebuffer and which is sw x sh, each chroma plane's sample of
 * that pixel (its offset folded in, as for plane 0), the pixel's phase in
 * its subsampling block, and the samples the rectangle spans.
 */
static int wcfb_compose_chroma(struct wcfb_job *job,
			       struct wcfb_eng_planes *pt,
			       struct drm_framebuffer *fb,
			       u32 sx, u32 sy, u32 sw, u32 sh)
{
	const struct drm_format_info *f = fb->format;
	u32 px = sx % f->hsub, py = sy % f->vsub;
	u32 cw = (px + sw - 1) / f->hsub + 1, ch = (py + sh - 1) / f->vsub + 1;
	struct wcfb_blitter_table *tab;
	struct drm_gem_object *obj;
	unsigned int k;
	u32 ox, oy;
	int ret;

	memset(pt, 0, sizeof(*pt));
	for (k = 1; k < f->num_planes; k++) {
		struct wcfb_eng_plane p = {};

		obj = drm_gem_fb_get_obj(fb, k);
		if (!obj)
			return -EINVAL;
		ret = wcfb_blit_surface_origin(fb->offsets[k], fb->pitches[k],
					       sx / f->hsub, sy / f->vsub, cw,
					       ch, f->cpp[k], obj->size, &ox,
					       &oy);
		if (ret)
			return ret;
		ret = wcfb_job_add_buf(job, to_wcfb_bo(obj), false, &tab);
		if (ret)
			return ret;
		p.sg_addr = cpu_to_le64(tab->dma);
		p.sg_count = cpu_to_le32(tab->count);
		p.pitch = cpu_to_le32(fb->pitches[k]);
		p.x = cpu_to_le32(ox);
		p.y = cpu_to_le32(oy);
		p.phase = cpu_to_le32(WCFB_ENG_PLANE_PHASE(px, py));
		pt->plane[k - 1] = p;
	}
	return 0;
}

/*
 * The bottom plane replaces the black background outright when it covers
 * the screen, is fully opaque and is neither rotated nor translucent:
 * then every blend mode gives the source itself.
 */
static bool wcfb_plane_replaces(const struct drm_plane_state *st,
				const struct wcfb_compose_target *t)
{
	const struct drm_format_info *f = st->fb->format;

	return st->dst.x1 == 0 && st->dst.y1 == 0 &&
	       drm_rect_width(&st->dst) == t->width &&
	       drm_rect_height(&st->dst) == t->height &&
	       st->alpha == DRM_BLEND_ALPHA_OPAQUE &&
	       (!f->has_alpha ||
		st->pixel_blend_mode == DRM_MODE_BLEND_PIXEL_NONE) &&
	       (st->rotation & (DRM_MODE_ROTATE_MASK | DRM_MODE_REFLECT_MASK)) ==
	       DRM_MODE_ROTATE_0;
}

/* One axis of a scale map (see wcfb_compose_scale()). */
struct wcfb_scale_axis {
	u32 origin;	/* first source pixel read, in the framebuffer */
	u32 size;	/* source pixels from there */
	s32 p0;		/* 16.16 position of the first sample, from origin */
	s32 step;	/* 16.16, per destination pixel along its axis */
};

/*
 * One source axis of a scaled plane for @n destination pixels starting
 * @a0 into the plane: DRM's source extent @s (16.16) from @s0 (16.16),
 * along which the destination axis of @len pixels runs, mirrored or not.
 * Destination pixel a's centre maps linearly onto the extent, in steps
 * of k = floor(@s / @len): P = k / 2 + a k, or @s - 1 - P mirrored (the
 * mirror of a position in 1/65536 pixels, as the unscaled transform
 * mirrors whole pixels).  Computed from the plane, not from @sub, so that
 * any part of it gets exactly the samples of the whole.
 */
static void wcfb_scale_axis(u32 s0, u32 s, u32 len, u32 a0, u32 n,
			    bool mirror, struct wcfb_scale_axis *ax)
{
	s64 k = s / len, first, last, lo, hi;

	first = k / 2 + (s64)a0 * k;
	last = first + (s64)(n - 1) * k;
	if (mirror) {
		first = (s64)s - 1 - first;
		last = (s64)s - 1 - last;
		k = -k;
	}
	first += s0;
	last += s0;
	lo = min(first, last) >> 16;
	hi = max(first, last) >> 16;
	ax->origin = lo;
	ax->size = hi - lo + 1;
	ax->p0 = first - (lo << 16);
	ax->step = k;
}

/*
 * The engine's scale map (protocol 1.3) for the part @sub of a scaled
 * plane: the transform's TRANSPOSE picks which destination axis each
 * source axis follows, and its mirrors become negative steps.  Source
 * u (columns) runs along the destination's x, or y when transposed.
 */
static void wcfb_compose_scale(const struct drm_plane_state *st,
			       const struct drm_rect *sub, u32 xform,
			       struct wcfb_scale_axis *u,
			       struct wcfb_scale_axis *v)
{
	bool tr = xform & WCFB_ENG_XFORM_TRANSPOSE;
	u32 ax = sub->x1 - st->crtc_x, ay = sub->y1 - st->crtc_y;
	u32 w = drm_rect_width(sub), h = drm_rect_height(sub);

	wcfb_scale_axis(st->src_x, st->src_w,
			tr ? st->crtc_h : st->crtc_w, tr ? ay : ax,
			tr ? h : w, xform & WCFB_ENG_XFORM_REFLECT_X, u);
	wcfb_scale_axis(st->src_y, st->src_h,
			tr ? st->crtc_w : st->crtc_h, tr ? ax : ay,
			tr ? w : h, xform & WCFB_ENG_XFORM_REFLECT_Y, v);
}

/*
 * One plane's descriptor for the part @sub of its place on screen (inside
 * st->dst); @replace: no background to blend with.  The source of @sub is
 * the part of the plane's source rectangle the engine's transform maps to
 * it: with the destination offset (di, dj) and size (w, h) of @sub in the
 * plane, (u0, v0) = TRANSPOSE ? (dj, di) : (di, dj) over (su, sv) = the
 * size, transposed or not, each mirrored inside the source by a
 * reflection.  The engine then maps @sub exactly as it maps the whole.
 */
static int wcfb_compose_plane(struct wcfb_device *wcfb, struct wcfb_job *job,
			      struct wcfb_eng_desc *d,
			      const struct drm_plane_state *st,
			      const struct drm_rect *sub,
			      const struct wcfb_compose_target *t,
			      struct wcfb_blitter_table *dtab,
			      struct wcfb_eng_planes *pt, u64 pt_addr,
			      bool replace)
{
	struct drm_framebuffer *fb = st->fb;
	struct drm_gem_object *obj = drm_gem_fb_get_obj(fb, 0);
	u32 cpp = wcfb_composer_format_cpp(wcfb, fb->format->format);
	u32 xform = replace ? 0 : wcfb_rotation_xform(st->rotation);
	bool tr = xform & WCFB_ENG_XFORM_TRANSPOSE;
	u32 sw = drm_rect_width(&st->src) >> 16;
	u32 sh = drm_rect_height(&st->src) >> 16;
	u32 w = drm_rect_width(sub), h = drm_rect_height(sub);
	u32 di = sub->x1 - st->dst.x1, dj = sub->y1 - st->dst.y1;
	u32 u0 = tr ? dj : di, v0 = tr ? di : dj;
	u32 su = tr ? h : w, sv = tr ? w : h;
	bool scaled = wcfb_plane_scaled(st);
	struct wcfb_scale_axis mu, mv;
	struct wcfb_blitter_table *stab;
	u32 flags, pa, ox, oy, fx, fy, eng_xform;
	int ret;

	if (!obj || !cpp)
		return -EINVAL;
	/* Scaled, the map replaces the reflections; TRANSPOSE stays. */
	eng_xform = scaled ? (xform & WCFB_ENG_XFORM_TRANSPOSE) |
			     WCFB_ENG_XFORM_SCALE : xform;
	if (scaled) {
		/* @replace planes are unrotated: their xform is 0 either way. */
		wcfb_compose_scale(st, sub, xform, &mu, &mv);
		fx = mu.origin;
		fy = mv.origin;
		sw = mu.size;
		sh = mv.size;
	} else {
		if (xform & WCFB_ENG_XFORM_REFLECT_X)
			u0 = sw - u0 - su;
		if (xform & WCFB_ENG_XFORM_REFLECT_Y)
			v0 = sh - v0 - sv;
		sw = su;
		sh = sv;
		fx = (st->src.x1 >> 16) + u0;
		fy = (st->src.y1 >> 16) + v0;
	}
	/* The source rectangle, the framebuffer's offset folded in. */
	ret = wcfb_blit_surface_origin(fb->offsets[0], fb->pitches[0], fx, fy,
				       sw, sh, cpp, obj->size, &ox, &oy);
	if (ret)
		return ret;
	ret = wcfb_job_add_buf(job, to_wcfb_bo(obj), false, &stab);
	if (ret)
		return ret;
	if (fb->format->num_planes > 1) {
		ret = wcfb_compose_chroma(job, pt, fb, fx, fy, sw, sh);
		if (ret)
			return ret;
		d->_rsvd[0] = cpu_to_le32(lower_32_bits(pt_addr));
		d->_rsvd[1] = cpu_to_le32(upper_32_bits(pt_addr));
	}

	if (replace) {
		d->opcode = cpu_to_le32(fb->format->format == WCFB_COMPOSE_FORMAT &&
					!scaled ? WCFB_ENG_OP_COPY :
					WCFB_ENG_OP_CONVERT);
		d->flags = cpu_to_le32(wcfb_yuv_flags(st) | eng_xform);
	} else {
		/* DRM's 16-bit plane alpha, as the engine's 8 bits. */
		pa = st->alpha >> 8;
		flags = wcfb_blend_mode(st->pixel_blend_mode) | eng_xform |
			wcfb_yuv_flags(st);
		if (pa != 0xff) {
			flags |= WCFB_ENG_BLEND_PLANE_ALPHA;
			d->fill = cpu_to_le32(pa);
		}
		d->opcode = cpu_to_le32(WCFB_ENG_OP_BLEND);
		d->flags = cpu_to_le32(flags);
	}
	d->width = cpu_to_le32(w);
	d->height = cpu_to_le32(h);
	wcfb_eng_surface_set_table(&d->dst, dtab);
	d->dst.pitch = cpu_to_le32(t->pitch);
	d->dst.format = cpu_to_le32(WCFB_COMPOSE_FORMAT);
	d->dst.x = cpu_to_le32(sub->x1);
	d->dst.y = cpu_to_le32(sub->y1);
	wcfb_eng_surface_set_table(&d->src, stab);
	d->src.pitch = cpu_to_le32(fb->pitches[0]);
	d->src.format = cpu_to_le32(fb->format->format);
	d->src.x = cpu_to_le32(ox);
	d->src.y = cpu_to_le32(oy);
	if (scaled) {
		d->_rsvd[WCFB_ENG_SCALE_SW] = cpu_to_le32(sw);
		d->_rsvd[WCFB_ENG_SCALE_SH] = cpu_to_le32(sh);
		d->_rsvd[WCFB_ENG_SCALE_U0] = cpu_to_le32((u32)mu.p0);
		d->_rsvd[WCFB_ENG_SCALE_V0] = cpu_to_le32((u32)mv.p0);
		d->_rsvd[WCFB_ENG_SCALE_DU] = cpu_to_le32((u32)mu.step);
		d->_rsvd[WCFB_ENG_SCALE_DV] = cpu_to_le32((u32)mv.step);
	}
	return 0;
}

/* A descriptor's rect and destination: @area of the target buffer. */
static void wcfb_desc_target_area(struct wcfb_eng_desc *d,
				  const struct wcfb_compose_target *t,
				  const struct wcfb_blitter_table *dtab,
				  const struct drm_rect *area)
{
	d->width = cpu_to_le32(drm_rect_width(area));
	d->height = cpu_to_le32(drm_rect_height(area));
	wcfb_eng_surface_set_table(&d->dst, dtab);
	d->dst.pitch = cpu_to_le32(t->pitch);
	d->dst.format = cpu_to_le32(WCFB_COMPOSE_FORMAT);
	d->dst.x = cpu_to_le32(area->x1);
	d->dst.y = cpu_to_le32(area->y1);
}

/* @t->crc: the two CRCs, then each buffer's rows table (1.4). */
#define WCFB_COMPOSE_CRC_ROWS	64

static size_t wcfb_compose_crc_rows_off(const struct wcfb_compose_target *t,
					int index)
{
	return WCFB_COMPOSE_CRC_ROWS + index * ALIGN(t->height * 4, 64);
}

static size_t wcfb_compose_crc_size(const struct wcfb_compose_target *t)
{
	return wcfb_compose_crc_rows_off(t, 2);
}

/* The blitter keeps a CRC by rows (protocol 1.4). */
static bool wcfb_composer_crc_rows(struct wcfb_device *wcfb)
{
	struct wcfb_blitter_info info;

	return wcfb_composer_info(wcfb, &info) &&
	       info.version >= ((1u << 16) | 4u);
}

/*
 * @d: the CRC of the whole of @t's buffer @index, once the descriptors
 * before it have made the frame, into @t->crc at pixel @index.  With
 * protocol 1.4 only the rows of @area are read, and the buffer's rows
 * table gives the others: nothing else changed in the buffer since its
 * last CRC (every composition into it computed one: @t->crc_rows).
 * *@by_rows says whether the job keeps the rows table up to date.
 */
static int wcfb_compose_crc(struct wcfb_device *wcfb, struct wcfb_job *job,
			    struct wcfb_eng_desc *d,
			    const struct wcfb_compose_target *t,
			    const struct wcfb_blitter_table *stab, int index,
			    const struct drm_rect *area, bool *by_rows)
{
	struct wcfb_blitter_table *rtab;
	u32 first = 0, count = t->height;
	u64 rows;
	int ret;

	ret = wcfb_job_add_buf(job, t->crc, true, &rtab);
	if (ret)
		return ret;
	*by_rows = wcfb_composer_crc_rows(wcfb);
	if (*by_rows) {
		if (t->crc_rows[index]) {
			first = area->y1;
			count = drm_rect_height(area);
		}
		/* A pool buffer is one contiguous segment. */
		rows = le64_to_cpu(rtab->entries[0].addr) +
		       wcfb_compose_crc_rows_off(t, index);
		d->flags = cpu_to_le32(WCFB_ENG_CRC_ROWS);
		d->_rsvd[0] = cpu_to_le32(lower_32_bits(rows));
		d->_rsvd[1] = cpu_to_le32(upper_32_bits(rows));
		d->_rsvd[WCFB_ENG_CRC_FIRST] = cpu_to_le32(first);
		d->_rsvd[WCFB_ENG_CRC_COUNT] = cpu_to_le32(count);
	}
	d->opcode = cpu_to_le32(WCFB_ENG_OP_CRC);
	d->width = cpu_to_le32(t->width);
	d->height = cpu_to_le32(t->height);
	wcfb_eng_surface_set_table(&d->src, stab);
	d->src.pitch = cpu_to_le32(t->pitch);
	d->src.format = cpu_to_le32(WCFB_COMPOSE_FORMAT);
	wcfb_eng_surface_set_table(&d->dst, rtab);
	d->dst.pitch = cpu_to_le32(PAGE_SIZE);
	d->dst.format = cpu_to_le32(WCFB_ENG_FMT_XRGB8888);
	d->dst.x = cpu_to_le32(index);
	return 0;
}

/**
 * wcfb_composer_run - compose a CRTC state's visible planes
 * @wcfb: the device
 * @crtc_state: the CRTC's new state, in the commit tail, after the swap
 *              (its planes' states are the planes' current ones)
 * @t: the output
 * @damage: what changed on screen since the frame before (the whole
 *          screen after a modeset); only that and what the back buffer
 *          missed of the frame before is composed again
 * @with_crc: CRC capture is on: the same job computes the frame's CRC
 *            (&wcfb_compose_target.crc_value), so no job of its own has to
 *            read the frame at the next vblank
 * @cfg: set to the finished frame, for the scanout engine to latch
 *
 * Waits for the job (bounded by the scheduler's timeout, after which the
 * job has failed).  @t's front buffer becomes the new frame.
 *
 * Return: 0, or a negative error code: the frame was not made, and the
 * screen should keep what it shows.
 */
int wcfb_composer_run(struct wcfb_device *wcfb,
		      struct drm_crtc_state *crtc_state,
		      struct wcfb_compose_target *t,
		      const struct drm_rect *damage, bool with_crc,
		      struct wcfb_scanout_config *cfg)
{
	struct drm_rect area, sub;
	const struct drm_plane_state *planes[WCFB_MAX_PLANES];
	const struct drm_plane_state *pst;
	struct wcfb_blitter_table *dtab, *ptab = NULL;
	struct dma_fence *fence;
	unsigned int n = 0, i, d;
	struct drm_plane *plane;
	struct wcfb_job *job;
	bool replace, color, by_rows = false;
	int back, ret;

	if (!wcfb_composer_available(wcfb))
		return -ENODEV;
	/* In the commit tail, after the swap: the planes' states are new. */
	drm_for_each_plane_mask(plane, crtc_state->crtc->dev,
				crtc_state->plane_mask) {
		pst = plane->state;
		if (pst->visible && pst->fb && n < ARRAY_SIZE(planes))
			planes[n++] = pst;
	}
	sort(planes, n, sizeof(planes[0]), wcfb_plane_zpos_cmp, NULL);
	replace = n && wcfb_plane_replaces(planes[0], t);
	color = wcfb_composer_has_color(crtc_state);

	/*
	 * What the back buffer lacks: this commit's damage, and the last
	 * one's, which went into the other buffer.  All of it when the back
	 * buffer holds no frame (new, or its composition failed).
	 */
	back = t->front == 0 ? 1 : 0;
	area = *damage;
	if (!t->valid[back]) {
		drm_rect_init(&area, 0, 0, t->width, t->height);
	} else if (drm_rect_visible(&t->last_damage)) {
		area.x1 = min(area.x1, t->last_damage.x1);
		area.y1 = min(area.y1, t->last_damage.y1);
		area.x2 = max(area.x2, t->last_damage.x2);
		area.y2 = max(area.y2, t->last_damage.y2);
	}
	if (with_crc && !t->crc) {
		t->crc = wcfb_gem_create_scanout(wcfb, wcfb_compose_crc_size(t));
		if (IS_ERR(t->crc)) {
			/* The CRC work computes it then, in a job of its own. */
			t->crc = NULL;
			with_crc = false;
		}
	}
	/* Buffers: the target, the tables, each plane's (up to three). */
	job = wcfb_job_alloc(wcfb, NULL, n + !replace + color + with_crc,
			     3 * n + 4);
	if (IS_ERR(job))
		return PTR_ERR(job);
	ret = wcfb_job_add_buf(job, t->buf[back], true, &dtab);
	if (ret)
		goto err_free;
	for (i = 0; i < n && !ptab; i++)
		if (planes[i]->fb->format->num_planes > 1) {
			ret = wcfb_job_add_buf(job, t->planes, false, &ptab);
			if (ret)
				goto err_free;
		}

	d = 0;
	if (!replace) {
		struct wcfb_eng_desc *fill = &job->descs[d++];

		fill->opcode = cpu_to_le32(WCFB_ENG_OP_FILL);
		fill->fill = cpu_to_le32(0xff000000);
		wcfb_desc_target_area(fill, t, dtab, &area);
	}
	for (i = 0; i < n; i++) {
		sub = planes[i]->dst;
		if (!drm_rect_intersect(&sub, &area))
			continue;
		/* A pool buffer is one contiguous segment. */
		ret = wcfb_compose_plane(wcfb, job, &job->descs[d++], planes[i],
					 &sub, t, dtab,
					 (struct wcfb_eng_planes *)t->planes->dma.vaddr + i,
					 ptab ? le64_to_cpu(ptab->entries[0].addr) +
					 i * sizeof(struct wcfb_eng_planes) : 0,
					 replace && i == 0);
		if (ret)
			goto err_free;
	}
	if (color) {
		struct wcfb_eng_desc *c = &job->descs[d++];
		struct wcfb_blitter_table *ctab;
		u64 addr;

		/* The frame in place, through degamma, CTM and gamma. */
		ret = wcfb_job_add_buf(job, t->color, false, &ctab);
		if (ret)
			goto err_free;
		wcfb_color_table_write(crtc_state, t);
		/* A pool buffer is one contiguous segment. */
		addr = le64_to_cpu(ctab->entries[0].addr);
		c->opcode = cpu_to_le32(WCFB_ENG_OP_COLOR);
		wcfb_desc_target_area(c, t, dtab, &area);
		c->src = c->dst;
		c->_rsvd[0] = cpu_to_le32(lower_32_bits(addr));
		c->_rsvd[1] = cpu_to_le32(upper_32_bits(addr));
	}

	/* Planes outside the area took no descriptor. */
	if (!d) {
		/* Nothing to redo: the back buffer already is the frame. */
		wcfb_job_free(job);
		t->front = back;
		t->last_damage = *damage;
		wcfb_compose_target_config(t, back, cfg);
		return 0;
	}
	if (with_crc) {
		ret = wcfb_compose_crc(wcfb, job, &job->descs[d++], t, dtab,
				       back, &area, &by_rows);
		if (ret)
			goto err_free;
	}
	job->ndescs = d;
	t->valid[back] = false;
	t->crc_known[back] = false;
	t->crc_rows[back] = false;
	ret = wcfb_job_push(job, &fence);
	if (ret)
		goto err_free;
	/* Queued: the job is the scheduler's. */
	ret = wcfb_job_wait(wcfb, fence);
	if (ret) {
		drm_err_ratelimited(&wcfb->drm, "composition failed (%d): the previous frame stays\n",
				    ret);
		/* Neither buffer is a base for the next frame's damage now. */
		t->valid[0] = false;
		t->valid[1] = false;
		return ret;
	}
	t->front = back;
	t->valid[back] = true;
	if (with_crc) {
		/* Write-combined, uncached: the engine's write is what is read. */
		t->crc_value[back] =
			le32_to_cpu(READ_ONCE(((__le32 *)t->crc->dma.vaddr)[back]));
		t->crc_known[back] = true;
		t->crc_rows[back] = by_rows;
	}
	t->last_damage = *damage;
	wcfb_compose_target_config(t, back, cfg);
	return 0;

err_free:
	drm_err_ratelimited(&wcfb->drm, "composition not made (%d): the previous frame stays\n",
			    ret);
	wcfb_job_free(job);
	return ret;
}
