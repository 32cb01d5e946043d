/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb composer: what the scanout engine cannot show by itself (more than
 * one plane, a plane that does not cover the screen, a format ramfb does
 * not know, alpha, rotation) is composed by the blitter into a
 * driver-owned output buffer, which the scanout engine then shows.  See
 * wcfb_composer.c.
 */
#ifndef WCFB_COMPOSER_H
#define WCFB_COMPOSER_H

#include <linux/kref.h>
#include <linux/types.h>

#include <drm/drm_rect.h>

struct drm_crtc_state;
struct drm_plane_state;
struct wcfb_bo;
struct wcfb_device;
struct wcfb_scanout_config;

/* Planes besides the primary exist only with a blitter to compose them. */
#define WCFB_MAX_OVERLAYS	8
/* Every plane of a CRTC: primary, overlays, cursor. */
#define WCFB_MAX_PLANES		(WCFB_MAX_OVERLAYS + 2)
#define WCFB_CURSOR_MAX_DIM	512
/* Composed output: the format every scanout engine shows. */
#define WCFB_COMPOSE_FORMAT	DRM_FORMAT_XRGB8888

/*
 * Scaling (protocol 1.3), as drm_atomic_helper_check_plane_state() takes
 * it (source / destination, 16.16): up to 8 times up, 4 times down.  The
 * engine reads a scaled source whole: at most 16 Mpixels of it.
 */
#define WCFB_SCALE_MIN		(DRM_PLANE_NO_SCALING / 8)
#define WCFB_SCALE_MAX		(DRM_PLANE_NO_SCALING * 4)
#define WCFB_SCALE_MAX_SRC_PX	(16u << 20)

/**
 * enum wcfb_show - what a CRTC state puts on the screen
 * @WCFB_SHOW_NOTHING: the CRTC is off
 * @WCFB_SHOW_BLANK: black, from the scanout engine's own buffer (no plane
 *                   is visible)
 * @WCFB_SHOW_DIRECT: the primary plane's framebuffer itself, zero copies
 * @WCFB_SHOW_COMPOSED: the blitter's composition of the visible planes
 */
enum wcfb_show {
	WCFB_SHOW_NOTHING,
	WCFB_SHOW_BLANK,
	WCFB_SHOW_DIRECT,
	WCFB_SHOW_COMPOSED,
};

/**
 * struct wcfb_compose_target - the double-buffered output of composition
 * @ref: held by every CRTC state that composes at this size
 * @buf: two mode-sized XRGB8888 scanout buffers from the pool
 * @front: index of the buffer on screen, -1 before the first frame;
 *         changed only under the output's show_lock, by the commit tail
 *         and the cursor's async updates
 * @width: pixels per line
 * @height: lines
 * @pitch: bytes per line
 * @last_damage: what the frame on screen changed against the one before:
 *               the back buffer lacks it
 * @valid: the buffer holds a whole frame (it was composed, and its last
 *         composition did not fail)
 * @color: the blitter's color table (degamma, CTM, gamma), written by the
 *         CPU before each frame that has color management
 * @planes: the blitter's planes tables (struct wcfb_eng_planes), one per
 *          plane slot of a frame: where a multi-planar YUV framebuffer's
 *          chroma planes are, written by the CPU before each frame
 * @crc: where the blitter writes the CRC of each buffer's frame (4 bytes
 *       at pixel @buf's index) and, with protocol 1.4, each buffer's rows
 *       table (wcfb_compose_crc()); made when CRC capture is first on
 * @crc_known: @crc_value holds the CRC of the buffer's frame
 * @crc_value: see @crc_known
 * @crc_rows: the buffer's rows table holds the CRC of each of its rows
 */
struct wcfb_compose_target {
	struct kref ref;
	struct wcfb_bo *buf[2];
	struct wcfb_bo *color;
	struct wcfb_bo *planes;
	struct wcfb_bo *crc;
	int front;
	struct drm_rect last_damage;
	bool valid[2];
	bool crc_known[2];
	u32 crc_value[2];
	bool crc_rows[2];
	u32 width;
	u32 height;
	u32 pitch;
};

u32 wcfb_composer_format_cpp(struct wcfb_device *wcfb, u32 fourcc);
int wcfb_composer_formats(struct wcfb_device *wcfb, u32 *formats,
			  unsigned int max);
bool wcfb_composer_available(struct wcfb_device *wcfb);
bool wcfb_composer_scales(struct wcfb_device *wcfb);
bool wcfb_plane_scaled(const struct drm_plane_state *st);

struct wcfb_compose_target *
wcfb_compose_target_get(struct wcfb_device *wcfb, u32 width, u32 height);
struct wcfb_compose_target *
wcfb_compose_target_ref(struct wcfb_compose_target *t);
void wcfb_compose_target_put(struct wcfb_compose_target *t);

int wcfb_composer_check_plane(struct drm_plane_state *st);
bool wcfb_composer_has_color(const struct drm_crtc_state *crtc_state);
int wcfb_composer_check_color(struct drm_crtc_state *crtc_state);
int wcfb_composer_run(struct wcfb_device *wcfb,
		      struct drm_crtc_state *crtc_state,
		      struct wcfb_compose_target *t,
		      const struct drm_rect *damage, bool with_crc,
		      struct wcfb_scanout_config *cfg);
void wcfb_compose_target_config(const struct wcfb_compose_target *t,
				int index, struct wcfb_scanout_config *cfg);

/* Static unless the kernel has KUnit (drm/tests/wcfb_kunit.c). */
#if IS_ENABLED(CONFIG_KUNIT)
u32 wcfb_rotation_xform(unsigned int rotation);
#endif

#endif /* WCFB_COMPOSER_H */
