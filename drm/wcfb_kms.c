// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb modesetting: a primary plane, and with a blitter a cursor and
 * overlays -> one CRTC -> one virtual encoder -> one virtual connector, on
 * the plain atomic helpers.
 *
 * What the screen shows is decided per CRTC state (enum wcfb_show): a
 * single full-screen primary plane in a format ramfb shows is scanned out
 * directly; no visible plane shows black; anything else is composed by the
 * blitter (wcfb_composer.c).  The CRTC's atomic_flush, after every plane
 * of the commit is updated, makes the screen show it: that is the latch.
 *
 * Timing model.  The engine has no vblank of its own, so an hrtimer running
 * at the mode's refresh rate stands in for it (as in vkms), from CRTC enable
 * to CRTC disable.  A commit programs the new scanout address into the
 * engine in the plane's atomic_update -- that is the latch -- and only then,
 * in the CRTC's atomic_flush, arms the page-flip event, which the vblank
 * core delivers at the first simulated vblank after the latch.  Events are
 * therefore never early.
 *
 * The vblanks themselves are a function of time, not of the timer: the
 * k-th vblank after CRTC enable is at epoch + k * period, as a hardware
 * frame counter would have it.  get_vblank_timestamp() answers from the
 * clock, so when the timer runs late (a busy host delays the guest's timer
 * interrupt by milliseconds) the vblank core still counts every vblank
 * that has passed: a flip armed after a vblank that the timer has not yet
 * reported completes at the next one, with that one's time, never with a
 * time before it was armed.  The timer only delivers what is due.
 *
 * Commits wait for their flip's event (flip_done), not for a vblank count
 * to change within 100 ms as drm_atomic_helper_wait_for_vblanks() does: a
 * late timer is no reason for a commit to time out.
 *
 * A CRTC may be active with its plane off: the engine then shows a black
 * buffer of the mode's size (wcfb_scanout_blank_get()), which the CRTC
 * state holds.
 */

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_blend.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_fb_dma_helper.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_mode_config.h>
#include <drm/drm_modes.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>

#include "wcfb_composer.h"
#include "wcfb_drv.h"
#include "wcfb_gem.h"
#include "wcfb_scanout.h"
#include "wcfb_writeback.h"

#define WCFB_REFRESH		60
/* Refresh rates the simulated vblank accepts for user-supplied modes. */
#define WCFB_MIN_REFRESH	10
#define WCFB_MAX_REFRESH	240

/* The modes offered to userspace (all at 60 Hz, none above 1920x1080). */
static const struct {
	u16 width;
	u16 height;
} wcfb_mode_list[] = {
	{  640,  480 }, {  800,  600 }, { 1024,  768 }, { 1280,  720 },
	{ 1280,  800 }, { 1280, 1024 }, { 1440,  900 }, { 1600,  900 },
	{ 1680, 1050 }, { 1920, 1080 },
};

/* Linear only: the engine reads plain rows of pixels. */
static const u64 wcfb_modifiers[] = {
	DRM_FORMAT_MOD_LINEAR,
	DRM_FORMAT_MOD_INVALID,
};

struct wcfb_plane {
	struct drm_plane base;
};

static unsigned int wcfb_overlays = 3;
module_param_named(overlays, wcfb_overlays, uint, 0444);
MODULE_PARM_DESC(overlays,
		 "Overlay planes besides the primary and the cursor, 0-8 (default 3); only with a blitter, which composes them");

/**
 * struct wcfb_crtc_state - CRTC state with what the screen shows
 * @base: the core's state
 * @show: what the screen shows (set by atomic_check)
 * @blank: with WCFB_SHOW_BLANK: black buffer of the mode's size (a
 *         reference, see wcfb_scanout_blank_get())
 * @target: with WCFB_SHOW_COMPOSED: the composition's output buffers (a
 *          reference; shared by the states that compose at one size)
 * @seq: which state this is (wcfb_output.state_seq when it was made): the
 *       output's shown_seq says whether its flush has made its frame
 */
struct wcfb_crtc_state {
	struct drm_crtc_state base;
	enum wcfb_show show;
	u64 seq;
	struct wcfb_scanout_blank *blank;
	struct wcfb_compose_target *target;
};

static inline struct wcfb_crtc_state *
to_wcfb_crtc_state(struct drm_crtc_state *state)
{
	return container_of(state, struct wcfb_crtc_state, base);
}

/* ---- modes ---- */

static enum drm_mode_status wcfb_mode_valid(struct wcfb_device *wcfb,
					    const struct drm_display_mode *mode)
{
	int refresh;

	if (mode->flags & DRM_MODE_FLAG_INTERLACE)
		return MODE_NO_INTERLACE;
	if (mode->flags & DRM_MODE_FLAG_DBLSCAN)
		return MODE_NO_DBLESCAN;

	switch (wcfb_check_dims(mode->hdisplay, mode->vdisplay)) {
	case WCFB_OK:
		break;
	case WCFB_ERR_WIDTH:
		return MODE_BAD_HVALUE;
	default:
		return MODE_BAD_VVALUE;
	}

	refresh = drm_mode_vrefresh(mode);
	if (refresh < WCFB_MIN_REFRESH)
		return MODE_CLOCK_LOW;
	if (refresh > WCFB_MAX_REFRESH)
		return MODE_CLOCK_HIGH;

	if (!wcfb_pool_fits_mode(wcfb, mode->hdisplay, mode->vdisplay))
		return MODE_MEM;

	return MODE_OK;
}

static struct drm_display_mode *wcfb_create_mode(struct drm_device *drm,
						 u32 width, u32 height)
{
	struct drm_display_mode *mode;
	int delta;

	mode = drm_mode_find_dmt(drm, width, height, WCFB_REFRESH, false);
	if (!mode)
		mode = drm_mode_find_dmt(drm, width, height, WCFB_REFRESH, true);
	if (mode)
		return mode;

	mode = drm_cvt_mode(drm, width, height, WCFB_REFRESH, false, false,
			    false);
	if (!mode)
		return NULL;
	/*
	 * CVT rounds the width down to a multiple of 8 (1366 -> 1360): give
	 * the active area its pixels back and shift the blanking after it.
	 */
	delta = (int)width - mode->hdisplay;
	if (delta > 0) {
		mode->hdisplay += delta;
		mode->hsync_start += delta;
		mode->hsync_end += delta;
		mode->htotal += delta;
		drm_mode_set_name(mode);
	}
	mode->type |= DRM_MODE_TYPE_DRIVER;
	return mode;
}

static int wcfb_connector_get_modes(struct drm_connector *connector)
{
	struct drm_device *drm = connector->dev;
	struct wcfb_device *wcfb = to_wcfb_device(drm);
	u32 pw = wcfb->preferred_width, ph = wcfb->preferred_height;
	struct drm_display_mode *mode;
	bool listed = false;
	unsigned int i;
	int count = 0;

	for (i = 0; i < ARRAY_SIZE(wcfb_mode_list); i++) {
		mode = wcfb_create_mode(drm, wcfb_mode_list[i].width,
					wcfb_mode_list[i].height);
		if (!mode)
			continue;
		drm_mode_probed_add(connector, mode);
		count++;
		if (wcfb_mode_list[i].width == pw &&
		    wcfb_mode_list[i].height == ph)
			listed = true;
	}

	if (!listed) {
		mode = wcfb_create_mode(drm, pw, ph);
		if (mode) {
			drm_mode_probed_add(connector, mode);
			count++;
		}
	}

	/* A preferred mode the pool cannot hold would be pruned: fall back. */
	if (!wcfb_pool_fits_mode(wcfb, pw, ph)) {
		drm_warn_once(drm, "preferred mode %ux%u does not fit the pool twice, preferring 1024x768\n",
			      pw, ph);
		pw = 1024;
		ph = 768;
	}
	drm_set_preferred_mode(connector, pw, ph);

	return count;
}

static enum drm_mode_status
wcfb_connector_mode_valid(struct drm_connector *connector,
			  struct drm_display_mode *mode)
{
	return wcfb_mode_valid(to_wcfb_device(connector->dev), mode);
}

static const struct drm_connector_helper_funcs wcfb_connector_helper_funcs = {
	.get_modes = wcfb_connector_get_modes,
	.mode_valid = wcfb_connector_mode_valid,
};

/*
 * No .detect: the probe helper then treats the connector as connected.
 * Hotplug is the core's: writing "off", "on" or "detect" to the
 * connector's sysfs "status" forces it and reprobes, and with the probe
 * helper's poll machinery initialised (wcfb_kms_init()) a status change
 * sends the hotplug uevent and tells the console.  The mode list comes
 * back the same: get_modes() depends on nothing that changes.
 */
static const struct drm_connector_funcs wcfb_connector_funcs = {
	.reset = drm_atomic_helper_connector_reset,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/* ---- framebuffers ---- */

/*
 * DIRTYFB becomes a commit of the planes showing the framebuffer, with the
 * clips as damage: a composed plane drawn into is composed again.
 */
static const struct drm_framebuffer_funcs wcfb_fb_funcs = {
	.destroy = drm_gem_fb_destroy,
	.create_handle = drm_gem_fb_create_handle,
	.dirty = drm_atomic_helper_dirtyfb,
};

/*
 * May @obj back a framebuffer: shown by the scanout engine, or read by
 * the composer.  Return: 0, or -EINVAL with @why.
 */
static int wcfb_fb_memory_ok(struct drm_device *drm, struct drm_gem_object *obj,
			     const char **why)
{
	struct wcfb_device *wcfb = to_wcfb_device(drm);
	struct wcfb_blitter_table *tab;
	const char *scan_why;

	if (wcfb_bo_can_scanout(obj, &scan_why))
		return 0;
	if (!wcfb_composer_available(wcfb)) {
		*why = scan_why;
		return -EINVAL;
	}
	if (wcfb_bo_engine_table(to_wcfb_bo(obj), wcfb->engine, &tab)) {
		*why = "nor can the blitter map it for composition";
		return -EINVAL;
	}
	return 0;
}

static struct drm_framebuffer *
wcfb_fb_create(struct drm_device *drm, struct drm_file *file,
	       const struct drm_mode_fb_cmd2 *cmd)
{
	const struct drm_format_info *info;
	struct drm_framebuffer *fb;
	struct drm_gem_object *obj;
	enum wcfb_verdict v;
	const char *why;
	unsigned int i;
	u32 cpp;

	/*
	 * Modifiers.  drm_internal_framebuffer_create() checks only that a
	 * modifier comes with DRM_MODE_FB_MODIFIERS and is the same for all
	 * planes, not that the driver supports it; the plane would refuse
	 * it only when the framebuffer is put on screen.  Refuse it here.
	 * Without the flag, the core has made sure the modifier is 0, i.e.
	 * linear.
	 */
	if (cmd->flags & DRM_MODE_FB_MODIFIERS) {
		if (cmd->modifier[0] == DRM_FORMAT_MOD_INVALID) {
			drm_dbg_kms(drm, "AddFB2: DRM_FORMAT_MOD_INVALID is not a modifier\n");
			return ERR_PTR(-EINVAL);
		}
		if (cmd->modifier[0] != DRM_FORMAT_MOD_LINEAR) {
			drm_dbg_kms(drm, "AddFB2: modifier 0x%llx not supported, only LINEAR\n",
				    cmd->modifier[0]);
			return ERR_PTR(-EINVAL);
		}
	}
	if (cmd->flags & DRM_MODE_FB_INTERLACED) {
		drm_dbg_kms(drm, "AddFB2: interlaced framebuffers not supported\n");
		return ERR_PTR(-EINVAL);
	}
	/*
	 * With a blitter, every format it reads (it composes what ramfb
	 * cannot show), any pitch that holds a line; without one, what
	 * ramfb shows.
	 */
	cpp = wcfb_composer_format_cpp(to_wcfb_device(drm), cmd->pixel_format);
	if (!cpp && !wcfb_format_lookup(cmd->pixel_format)) {
		drm_dbg_kms(drm, "AddFB2: format %p4cc not supported\n",
			    &cmd->pixel_format);
		return ERR_PTR(-EINVAL);
	}
	info = drm_get_format_info(drm, cmd);
	if (!info || (info->num_planes != 1 && !cpp)) {
		drm_dbg_kms(drm, "AddFB2: only single-plane formats\n");
		return ERR_PTR(-EINVAL);
	}
	/*
	 * Packed YUV: the engine reads whole Y/Cb/Y/Cr pairs, counted from the
	 * buffer's start, so the pairs must start on 4 bytes and the last
	 * one must be inside the line.
	 */
	if (info->is_yuv && info->num_planes == 1 &&
	    (cmd->width % 2 || cmd->pitches[0] % 4 || cmd->offsets[0] % 4)) {
		drm_dbg_kms(drm, "AddFB2: %p4cc: odd width, or pitch/offset not in 4 bytes\n",
			    &cmd->pixel_format);
		return ERR_PTR(-EINVAL);
	}
	for (i = 0; i < info->num_planes; i++) {
		/* The plane's width: the core's fb_plane_width(). */
		u32 pw = i ? DIV_ROUND_UP(cmd->width, info->hsub) : cmd->width;

		if (cpp)
			v = (u64)cmd->pitches[i] <
			    drm_format_info_min_pitch(info, i, pw) ?
			    WCFB_ERR_PITCH_SHORT : WCFB_OK;
		else
			v = wcfb_check_pitch(cmd->pixel_format, cmd->width,
					     cmd->pitches[i]);
		if (v != WCFB_OK) {
			drm_dbg_kms(drm, "AddFB2: plane %u pitch %u for %u px of %p4cc: %s\n",
				    i, cmd->pitches[i], cmd->width,
				    &cmd->pixel_format, wcfb_verdict_str(v));
			return ERR_PTR(-EINVAL);
		}
		/*
		 * The blitter addresses whole pixels of whole lines: an
		 * offset starts a pixel, and the plane's lines, from there,
		 * stay inside their pitch.
		 */
		if (cmd->offsets[i] % cmd->pitches[i] +
		    drm_format_info_min_pitch(info, i, pw) > cmd->pitches[i]) {
			drm_dbg_kms(drm, "AddFB2: plane %u lines from offset %u cross pitch %u\n",
				    i, cmd->offsets[i], cmd->pitches[i]);
			return ERR_PTR(-EINVAL);
		}
		if (cmd->offsets[i] % info->char_per_block[i]) {
			drm_dbg_kms(drm, "AddFB2: plane %u offset %u not in %u-byte units\n",
				    i, cmd->offsets[i], info->char_per_block[i]);
			return ERR_PTR(-EINVAL);
		}

		/*
		 * Which memory may back a framebuffer is decided here, at
		 * AddFB2, not at commit.  The scanout engine shows pool
		 * buffers, and imports that are contiguous and inside the
		 * pool (wcfb_prime.c); with a composing blitter, whatever the
		 * blitter can map may be composed as well (cached buffers,
		 * any import), and its mapping is made now, so that a buffer
		 * it cannot take is refused here.
		 */
		obj = drm_gem_object_lookup(file, cmd->handles[i]);
		if (obj) {
			int ret = wcfb_fb_memory_ok(drm, obj, &why);

			drm_gem_object_put(obj);
			if (ret) {
				drm_dbg_kms(drm,
					    "AddFB2: handle %u cannot back a framebuffer: %s\n",
					    cmd->handles[i], why);
				return ERR_PTR(ret);
			}
		}
	}

	/*
	 * Handle lookup and size: drm_gem_fb_init_with_funcs() requires, of
	 * every plane, offsets[i] + (height - 1) * pitch + width * cpp <=
	 * object size (subsampled for chroma), which is exactly the span the
	 * engines read (wcfb_scan_span()), so the offset is inside the object
	 * and so is every byte read.
	 */
	fb = drm_gem_fb_create_with_funcs(drm, file, cmd, &wcfb_fb_funcs);
	if (IS_ERR(fb))
		drm_dbg_kms(drm, "AddFB2: %ld (bad handle or object too small)\n",
			    PTR_ERR(fb));
	return fb;
}

/*
 * drm_atomic_helper_commit_tail() with two changes.  The CRTC is enabled
 * before the planes are updated (as vkms's commit_tail_rpm does): so the
 * vblank is on when atomic_flush arms a modeset's event, which then comes
 * at the new mode's first vblank with its sequence and time, instead of
 * at once with the old ones.  And the wait at the end: every
 * active CRTC of a commit sends an event (the helpers give a commit that
 * asked for none an internal one), and it is sent at the vblank that
 * latched the commit, so flip_done is exactly "the old buffers are no
 * longer scanned".  drm_atomic_helper_wait_for_vblanks() instead gives a
 * vblank 100 ms and WARNs after that, which a host busy enough to delay
 * the guest's timer can exceed with nothing wrong in the driver.
 */
static void wcfb_atomic_commit_tail(struct drm_atomic_state *state)
{
	struct drm_device *drm = state->dev;

	drm_atomic_helper_commit_modeset_disables(drm, state);
	drm_atomic_helper_commit_modeset_enables(drm, state);
	/* Not ACTIVE_ONLY: atomic_flush sends a disabling commit's event. */
	drm_atomic_helper_commit_planes(drm, state, 0);
	drm_atomic_helper_fake_vblank(state);
	drm_atomic_helper_commit_hw_done(state);
	drm_atomic_helper_wait_for_flip_done(drm, state);
	drm_atomic_helper_cleanup_planes(drm, state);
}

static const struct drm_mode_config_helper_funcs wcfb_mode_config_helpers = {
	.atomic_commit_tail = wcfb_atomic_commit_tail,
};

static const struct drm_mode_config_funcs wcfb_mode_config_funcs = {
	.fb_create = wcfb_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

/* ---- plane ---- */

static void wcfb_plane_scanout_config(const struct drm_plane_state *st,
				      struct wcfb_scanout_config *cfg)
{
	struct drm_framebuffer *fb = st->fb;

	/* Object address + offsets[0] + src_y * pitch + src_x * cpp. */
	/* The helper only reads the state; its prototype predates const. */
	cfg->addr = drm_fb_dma_get_gem_addr(fb, (struct drm_plane_state *)st, 0);
	cfg->fourcc = fb->format->format;
	cfg->width = drm_rect_width(&st->dst);
	cfg->height = drm_rect_height(&st->dst);
	cfg->stride = fb->pitches[0];
}

static int wcfb_plane_atomic_check(struct drm_plane *plane,
				   struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state,
								     plane);
	struct drm_crtc_state *crtc_state = NULL;
	bool scales;
	int ret;

	if (new->crtc)
		crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);

	/*
	 * The scanout engine does not scale; the blitter scales as it
	 * composes (protocol 1.3), within WCFB_SCALE_MIN..MAX.  Beyond, or
	 * without it, the helper refuses with -ERANGE, as for any driver.
	 */
	scales = wcfb_composer_scales(to_wcfb_device(plane->dev));
	if (!scales && new->fb && crtc_state && crtc_state->enable &&
	    wcfb_plane_scaled(new))
		drm_dbg_kms(plane->dev,
			    "[PLANE:%d] src %ux%u to crtc %ux%u: no blitter of protocol 1.3 to scale\n",
			    plane->base.id, new->src_w >> 16,
			    new->src_h >> 16, new->crtc_w, new->crtc_h);

	/*
	 * Planes may be positioned, and partly or wholly off screen; the
	 * CRTC's check decides how the result is shown (scanned out
	 * directly, composed, or refused without a blitter).  A framebuffer
	 * may be attached while the CRTC is off (the plane then is not
	 * visible): it is checked against the mode when the CRTC is
	 * enabled, which adds the plane to that commit.
	 */
	ret = drm_atomic_helper_check_plane_state(new, crtc_state,
						  scales ? WCFB_SCALE_MIN :
						  DRM_PLANE_NO_SCALING,
						  scales ? WCFB_SCALE_MAX :
						  DRM_PLANE_NO_SCALING,
						  true, true);
	if (ret)
		return ret;
	if (!new->fb)
		return 0;
	return wcfb_composer_check_plane(new);
}

/* The CRTC's atomic_flush latches what the planes' states make. */
static void wcfb_plane_atomic_update(struct drm_plane *plane,
				     struct drm_atomic_state *state)
{
}

static bool wcfb_plane_format_mod_supported(struct drm_plane *plane,
					    u32 format, u64 modifier)
{
	return modifier == DRM_FORMAT_MOD_LINEAR &&
	       (wcfb_format_lookup(format) ||
		wcfb_composer_format_cpp(to_wcfb_device(plane->dev), format));
}

static bool wcfb_test_skip_implicit_sync;
module_param_named(test_skip_implicit_sync, wcfb_test_skip_implicit_sync,
		   bool, 0444);
MODULE_PARM_DESC(test_skip_implicit_sync,
		 "TEST ONLY: commits do not wait for the blits writing their framebuffers (no implicit fence from prepare_fb): unfinished blits reach the screen");

/*
 * A flip waits for the blits writing its buffer: the helper takes the
 * fences in the buffer's dma_resv as the plane's fence, which the commit
 * waits for before the latch.
 */
static int wcfb_plane_prepare_fb(struct drm_plane *plane,
				 struct drm_plane_state *state)
{
	if (wcfb_test_skip_implicit_sync)
		return 0;
	return drm_gem_plane_helper_prepare_fb(plane, state);
}

static const struct drm_plane_helper_funcs wcfb_plane_helper_funcs = {
	.prepare_fb = wcfb_plane_prepare_fb,
	.atomic_check = wcfb_plane_atomic_check,
	.atomic_update = wcfb_plane_atomic_update,
};

static const struct drm_plane_funcs wcfb_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.reset = drm_atomic_helper_plane_reset,
	.atomic_duplicate_state = drm_atomic_helper_plane_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_plane_destroy_state,
	.format_mod_supported = wcfb_plane_format_mod_supported,
};

/* ---- CRTC and simulated vblank ---- */

/*
 * The time of the last vblank at or before @now: epoch + k * period.
 * Zero before the CRTC was first enabled.
 */
static ktime_t wcfb_last_vblank(const struct wcfb_output *out, ktime_t now)
{
	s64 period = ktime_to_ns(out->vblank_period);
	s64 since = ktime_to_ns(ktime_sub(now, out->vblank_epoch));

	if (since < 0 || period <= 0)
		return out->vblank_epoch;
	return ktime_add_ns(out->vblank_epoch,
			    div64_s64(since, period) * period);
}

static void wcfb_vblank_account_lateness(struct wcfb_output *out, s64 late)
{
	atomic64_inc(&out->timer_fires);
	atomic64_add(late, &out->timer_late_ns);
	if (late > atomic64_read(&out->timer_late_max_ns))
		atomic64_set(&out->timer_late_max_ns, late);
	if (late >= NSEC_PER_MSEC)
		atomic64_inc(&out->timer_late_1ms);
}

static unsigned int wcfb_test_vblank_irq_delay_us;
module_param_named(test_vblank_irq_delay_us, wcfb_test_vblank_irq_delay_us,
		   uint, 0644);
MODULE_PARM_DESC(test_vblank_irq_delay_us,
		 "TEST ONLY: every other vblank interrupt is handled this many microseconds late (below one frame), as a busy host delays it");

static bool wcfb_test_vblank_time_from_timer;
module_param_named(test_vblank_time_from_timer,
		   wcfb_test_vblank_time_from_timer, bool, 0644);
MODULE_PARM_DESC(test_vblank_time_from_timer,
		 "TEST ONLY: vblank times come from the last vblank the timer reported, not from the clock: a flip armed after a vblank the timer reports late completes at that vblank");

static enum hrtimer_restart wcfb_vblank_timer_fn(struct hrtimer *timer)
{
	struct wcfb_output *out = container_of(timer, struct wcfb_output,
					       vblank_timer);
	ktime_t now = ktime_get();
	ktime_t vblank = wcfb_last_vblank(out, now);
	u32 delay_us = READ_ONCE(wcfb_test_vblank_irq_delay_us);
	s64 late, period = ktime_to_ns(out->vblank_period);
	u64 overruns;

	/*
	 * test_vblank_irq_delay_us: the even vblanks' interrupts come late.
	 * The timer is re-armed for the late moment, then back on the grid.
	 */
	if (delay_us && (u64)delay_us * NSEC_PER_USEC < period &&
	    !out->vblank_delayed &&
	    !(div64_s64(ktime_to_ns(ktime_sub(vblank, out->vblank_epoch)),
			period) & 1)) {
		out->vblank_delayed = true;
		hrtimer_set_expires(timer, ktime_add_us(vblank, delay_us));
		return HRTIMER_RESTART;
	}
	if (out->vblank_delayed) {
		out->vblank_delayed = false;
		hrtimer_set_expires(timer, vblank);
	}

	/* How late the interrupt is, against the vblank it reports. */
	late = ktime_to_ns(ktime_sub(now, vblank));
	wcfb_vblank_account_lateness(out, late);
	WRITE_ONCE(out->vblank_reported, vblank);

	/* The next expiry stays on the epoch's grid (hrtimer_forward()). */
	overruns = hrtimer_forward(timer, now, out->vblank_period);
	if (overruns > 1) {
		atomic64_add(overruns - 1, &out->timer_overruns);
		drm_dbg_vbl(out->crtc.dev, "vblank timer missed %llu frames\n",
			    overruns - 1);
	}

	/*
	 * Returns false, harmlessly, while vblank reporting is off: the count
	 * stands still then (CRC capture keeps it on).
	 */
	drm_crtc_handle_vblank(&out->crtc);
	wcfb_crc_vblank(&out->crtc, &out->crc);
	return HRTIMER_RESTART;
}

/*
 * From the clock, not from the timer (see the top of this file): the
 * vblank core uses it both in the timer's handler and to bring the count
 * up to date when an event is armed, so a late timer cannot make a flip
 * armed after a vblank complete at that vblank.
 */
static bool wcfb_crtc_get_vblank_timestamp(struct drm_crtc *crtc,
					   int *max_error, ktime_t *vblank_time,
					   bool in_vblank_irq)
{
	struct wcfb_output *out = to_wcfb_output(crtc);

	/* Off: no vblanks, and the core falls back to the clock. */
	if (!READ_ONCE(out->vblank_running))
		return false;
	if (wcfb_test_vblank_time_from_timer)
		*vblank_time = READ_ONCE(out->vblank_reported);
	else
		*vblank_time = wcfb_last_vblank(out, ktime_get());
	*max_error = 0;
	return true;
}

/*
 * The timer runs from CRTC enable to CRTC disable, whatever the vblank
 * reference count: starting and stopping it here, under the vblank core's
 * spinlocks that the timer callback takes too, could only be done with
 * hrtimer_try_to_cancel() and would race with a running callback.
 */
static int wcfb_crtc_enable_vblank(struct drm_crtc *crtc)
{
	return 0;
}

static void wcfb_crtc_disable_vblank(struct drm_crtc *crtc)
{
}

static enum drm_mode_status
wcfb_crtc_mode_valid(struct drm_crtc *crtc, const struct drm_display_mode *mode)
{
	return wcfb_mode_valid(to_wcfb_device(crtc->dev), mode);
}

/*
 * Can the primary plane's state be scanned out as it is, zero copies:
 * the whole screen, unrotated, opaque, in a format ramfb shows, a layout
 * it takes.  @why says why not.
 */
static bool wcfb_direct_ok(struct wcfb_device *wcfb,
			   const struct drm_crtc_state *crtc_state,
			   const struct drm_plane_state *st, const char **why)
{
	u32 w = crtc_state->mode.hdisplay, h = crtc_state->mode.vdisplay;
	struct wcfb_scanout_config cfg;
	const struct wcfb_format *fmt;
	u64 span;

	if (st->dst.x1 || st->dst.y1 || drm_rect_width(&st->dst) != w ||
	    drm_rect_height(&st->dst) != h) {
		*why = "does not cover the CRTC";
		return false;
	}
	if ((st->rotation & (DRM_MODE_ROTATE_MASK | DRM_MODE_REFLECT_MASK)) !=
	    DRM_MODE_ROTATE_0) {
		*why = "rotated or reflected";
		return false;
	}
	/* Over black, premultiplied and "None" give the pixels themselves. */
	if (st->alpha != DRM_BLEND_ALPHA_OPAQUE ||
	    (st->fb->format->has_alpha &&
	     st->pixel_blend_mode == DRM_MODE_BLEND_COVERAGE)) {
		*why = "translucent";
		return false;
	}
	if (wcfb_plane_scaled(st)) {
		*why = "scaled";
		return false;
	}
	/* A framebuffer the composer alone may read (wcfb_fb_memory_ok()). */
	if (!wcfb_bo_can_scanout(st->fb->obj[0], why))
		return false;
	wcfb_plane_scanout_config(st, &cfg);
	fmt = wcfb_format_lookup(cfg.fourcc);
	if (!fmt) {
		*why = "format not shown by the scanout engine";
		return false;
	}
	span = wcfb_scan_span(cfg.width, cfg.height, cfg.stride, fmt->cpp);
	if (!wcfb_pool_contains(wcfb, cfg.addr, span)) {
		*why = "not in the display pool";
		return false;
	}
	return !wcfb_scanout_check(wcfb->scanout, &cfg, why);
}

/* Black from a buffer of the mode's size, held by the state. */
static int wcfb_crtc_check_blank(struct drm_crtc *crtc,
				 struct drm_crtc_state *crtc_state)
{
	struct wcfb_crtc_state *st = to_wcfb_crtc_state(crtc_state);
	struct wcfb_device *wcfb = to_wcfb_device(crtc->dev);
	u32 w = crtc_state->mode.hdisplay, h = crtc_state->mode.vdisplay;
	struct wcfb_scanout_blank *blank;
	struct wcfb_scanout_config cfg;
	const char *why;
	dma_addr_t addr;
	size_t size;

	/*
	 * No room for black is -EINVAL, not -ENOMEM: it is what the core's
	 * drm_framebuffer_remove() must see to retry with the CRTC off (it
	 * first tries to keep the CRTC on), and what a compositor's
	 * TEST_ONLY probe takes for "not this configuration".
	 */
	blank = wcfb_scanout_blank_get(wcfb->scanout, w, h);
	if (IS_ERR(blank)) {
		drm_dbg_kms(crtc->dev, "[CRTC:%d] no pool room for %ux%u black: needs its plane\n",
			    crtc->base.id, w, h);
		return -EINVAL;
	}
	wcfb_scanout_blank_put(st->blank);
	st->blank = blank;

	addr = wcfb_scanout_blank_addr(blank, &size);
	wcfb_scanout_blank_config(blank, w, h, &cfg);
	if (!wcfb_pool_contains(wcfb, addr, size)) {
		drm_dbg_kms(crtc->dev, "[CRTC:%d] black buffer outside the pool (pool full)\n",
			    crtc->base.id);
		return -EINVAL;
	}
	if (wcfb_scanout_check(wcfb->scanout, &cfg, &why)) {
		drm_dbg_kms(crtc->dev, "[CRTC:%d] %ux%u black: engine would drop it: %s\n",
			    crtc->base.id, w, h, why);
		return -EINVAL;
	}
	return 0;
}

/* The composition's output, kept from the old state at the same size. */
static int wcfb_crtc_check_composed(struct drm_crtc *crtc,
				    struct drm_crtc_state *crtc_state,
				    const char *why)
{
	struct wcfb_crtc_state *st = to_wcfb_crtc_state(crtc_state);
	struct wcfb_device *wcfb = to_wcfb_device(crtc->dev);
	u32 w = crtc_state->mode.hdisplay, h = crtc_state->mode.vdisplay;
	struct wcfb_compose_target *t;

	if (!wcfb_composer_available(wcfb)) {
		drm_dbg_kms(crtc->dev, "[CRTC:%d] needs composing (primary %s), no blitter\n",
			    crtc->base.id, why);
		return -EINVAL;
	}
	if (st->target && st->target->width == w && st->target->height == h)
		return 0;
	t = wcfb_compose_target_get(wcfb, w, h);
	if (IS_ERR(t)) {
		drm_dbg_kms(crtc->dev, "[CRTC:%d] no pool room for two %ux%u frames\n",
			    crtc->base.id, w, h);
		return -EINVAL;
	}
	wcfb_compose_target_put(st->target);
	st->target = t;
	return 0;
}

static int wcfb_crtc_atomic_check(struct drm_crtc *crtc,
				  struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = drm_atomic_get_new_crtc_state(state,
									  crtc);
	struct wcfb_crtc_state *st = to_wcfb_crtc_state(crtc_state);
	struct wcfb_device *wcfb = to_wcfb_device(crtc->dev);
	struct wcfb_output *out = to_wcfb_output(crtc);
	const struct drm_plane_state *pst, *only = NULL;
	const char *why = "is not alone";
	struct drm_plane *plane;
	unsigned int visible = 0;
	int ret;

	ret = drm_atomic_helper_check_crtc_state(crtc_state, true);
	if (ret)
		return ret;

	/* LUTs of the wrong size are refused on an inactive CRTC too. */
	if (wcfb_composer_has_color(crtc_state)) {
		ret = wcfb_composer_check_color(crtc_state);
		if (ret)
			return ret;
	}
	st->show = WCFB_SHOW_NOTHING;
	if (crtc_state->active) {
		drm_atomic_crtc_state_for_each_plane_state(plane, pst,
							   crtc_state) {
			if (pst->visible && pst->fb) {
				visible++;
				only = pst;
			}
		}
		/* Color management is the blitter's, on a composed frame. */
		if (wcfb_composer_has_color(crtc_state)) {
			st->show = WCFB_SHOW_COMPOSED;
			why = "with color management";
		} else if (!visible) {
			st->show = WCFB_SHOW_BLANK;
		} else if (visible == 1 && only->plane == out->primary &&
			   wcfb_direct_ok(wcfb, crtc_state, only, &why)) {
			st->show = WCFB_SHOW_DIRECT;
		} else {
			st->show = WCFB_SHOW_COMPOSED;
		}
	}

	if (st->show != WCFB_SHOW_BLANK) {
		wcfb_scanout_blank_put(st->blank);
		st->blank = NULL;
	}
	if (st->show != WCFB_SHOW_COMPOSED) {
		wcfb_compose_target_put(st->target);
		st->target = NULL;
	}
	switch (st->show) {
	case WCFB_SHOW_BLANK:
		return wcfb_crtc_check_blank(crtc, crtc_state);
	case WCFB_SHOW_COMPOSED:
		return wcfb_crtc_check_composed(crtc, crtc_state, why);
	default:
		return 0;
	}
}

/* The engine shows black at the mode's size (atomic_check made the buffer). */
static void wcfb_crtc_show_blank(struct drm_crtc_state *crtc_state)
{
	struct wcfb_crtc_state *st = to_wcfb_crtc_state(crtc_state);
	struct drm_crtc *crtc = crtc_state->crtc;
	struct wcfb_device *wcfb = to_wcfb_device(crtc->dev);
	struct wcfb_scanout_config cfg;
	bool changed = false;

	if (WARN_ON_ONCE(!st->blank))
		return;
	wcfb_scanout_blank_config(st->blank, crtc_state->mode.hdisplay,
				  crtc_state->mode.vdisplay, &cfg);
	if (!wcfb_scanout_program(wcfb->scanout, &cfg, &changed) && changed)
		atomic64_inc(&wcfb->output.flips);
}

static void wcfb_crtc_atomic_enable(struct drm_crtc *crtc,
				    struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = drm_atomic_get_new_crtc_state(state,
									  crtc);
	struct drm_vblank_crtc *vblank = &crtc->dev->vblank[drm_crtc_index(crtc)];
	struct wcfb_output *out = to_wcfb_output(crtc);
	u64 period_ns;

	drm_calc_timestamping_constants(crtc, &crtc_state->adjusted_mode);
	period_ns = vblank->framedur_ns;
	if (!period_ns)		/* mode_valid() makes this impossible */
		period_ns = NSEC_PER_SEC / WCFB_REFRESH;
	out->vblank_period = ns_to_ktime(period_ns);
	out->vblank_epoch = ktime_get();
	out->vblank_reported = out->vblank_epoch;
	out->vblank_delayed = false;
	/* Seen by the timestamp hook only with the epoch and period above. */
	smp_store_release(&out->vblank_running, true);
	hrtimer_start(&out->vblank_timer,
		      ktime_add(out->vblank_epoch, out->vblank_period),
		      HRTIMER_MODE_ABS);

	/* atomic_flush, which follows, shows what the state makes. */
	drm_crtc_vblank_on(crtc);
	wcfb_crc_crtc_on(crtc, &out->crc);
}

/*
 * Sleep until the end of the frame being scanned: the next vblank of the
 * grid the timestamps come from.
 */
static void wcfb_crtc_wait_frame_end(struct wcfb_output *out)
{
	ktime_t end;

	if (!READ_ONCE(out->vblank_running))
		return;
	end = ktime_add(wcfb_last_vblank(out, ktime_get()), out->vblank_period);
	set_current_state(TASK_UNINTERRUPTIBLE);
	schedule_hrtimeout(&end, HRTIMER_MODE_ABS);
}

static void wcfb_crtc_atomic_disable(struct drm_crtc *crtc,
				     struct drm_atomic_state *state)
{
	struct wcfb_device *wcfb = to_wcfb_device(crtc->dev);
	struct wcfb_output *out = to_wcfb_output(crtc);

	/*
	 * A display controller stops at the end of the frame it is scanning,
	 * and so does this one: the disable, and the event atomic_flush sends
	 * for it, come at the next vblank.  A client may count on a
	 * nonblocking disable's event not being there when the commit
	 * returns (IGT's kms_cursor_legacy polls for it).
	 */
	wcfb_crtc_wait_frame_end(out);

	/*
	 * Park first: the framebuffer on screen may be freed as soon as this
	 * commit is done, and the engine would go on scanning it.
	 */
	wcfb_scanout_park(wcfb->scanout);

	/* Sends out any event still waiting for a vblank. */
	drm_crtc_vblank_off(crtc);
	hrtimer_cancel(&out->vblank_timer);
	WRITE_ONCE(out->vblank_running, false);
	WRITE_ONCE(out->show, WCFB_SHOW_NOTHING);
	wcfb_crc_set_screen(&out->crc, NULL, 0, 0, 0, 0, 0, 0, false, NULL);
}

static void wcfb_rect_add(struct drm_rect *r, const struct drm_rect *a)
{
	if (!drm_rect_visible(a))
		return;
	if (!drm_rect_visible(r)) {
		*r = *a;
		return;
	}
	r->x1 = min(r->x1, a->x1);
	r->y1 = min(r->y1, a->y1);
	r->x2 = max(r->x2, a->x2);
	r->y2 = max(r->y2, a->y2);
}

static bool wcfb_test_compose_full;
module_param_named(test_compose_full, wcfb_test_compose_full, bool, 0644);
MODULE_PARM_DESC(test_compose_full,
		 "TEST ONLY: every composed frame is composed whole (no damage tracking), for the benchmark that compares the two");

/*
 * What the commit changes on screen, into @damage: everything with a
 * modeset, new color management or no frame yet; else where every plane
 * of the CRTC the commit touches was and is.  False when that is nothing
 * (a commit that only takes a writeback): the frame on screen stays.
 */
static bool wcfb_crtc_damage(struct drm_atomic_state *state,
			     struct drm_crtc_state *crtc_state,
			     struct drm_rect *damage)
{
	struct wcfb_crtc_state *st = to_wcfb_crtc_state(crtc_state);
	struct drm_plane_state *old, *new;
	struct drm_crtc *crtc = crtc_state->crtc;
	struct drm_plane *plane;
	int i;

	drm_rect_init(damage, 0, 0, 0, 0);
	if (st->target->front < 0 || drm_atomic_crtc_needs_modeset(crtc_state) ||
	    crtc_state->color_mgmt_changed ||
	    READ_ONCE(wcfb_test_compose_full)) {
		drm_rect_init(damage, 0, 0, st->target->width,
			      st->target->height);
		return true;
	}
	for_each_oldnew_plane_in_state(state, plane, old, new, i) {
		if (old->crtc == crtc && old->visible)
			wcfb_rect_add(damage, &old->dst);
		if (new->crtc == crtc && new->visible)
			wcfb_rect_add(damage, &new->dst);
	}
	return drm_rect_visible(damage);
}

/*
 * Compose @damage of the frame @crtc_state makes and latch it, under
 * show_lock.  A composition that failed leaves the previous frame.
 * Return: the scanout address changed.
 */
static bool wcfb_crtc_compose(struct drm_crtc_state *crtc_state,
			      const struct drm_rect *damage)
{
	struct wcfb_crtc_state *st = to_wcfb_crtc_state(crtc_state);
	struct wcfb_device *wcfb = to_wcfb_device(crtc_state->crtc->dev);
	struct wcfb_output *out = &wcfb->output;
	struct wcfb_compose_target *t = st->target;
	struct wcfb_scanout_config cfg;
	bool changed = false;
	ktime_t t0;
	s64 took;

	lockdep_assert_held(&out->show_lock);
	t0 = ktime_get();
	if (wcfb_composer_run(wcfb, crtc_state, t, damage,
			      READ_ONCE(out->crc.on), &cfg) ||
	    wcfb_scanout_program(wcfb->scanout, &cfg, &changed)) {
		atomic64_inc(&out->compose_failed);
		return false;
	}
	atomic64_inc(&out->composed);
	took = ktime_to_ns(ktime_sub(ktime_get(), t0));
	atomic64_add(took, &out->compose_ns);
	if (took >= ktime_to_ns(out->vblank_period) / 2)
		atomic64_inc(&out->compose_slow);
	wcfb_crc_set_screen(&out->crc, t->buf[t->front], 0, 0, t->pitch,
			    WCFB_COMPOSE_FORMAT, t->width, t->height, true,
			    t->crc_known[t->front] ? &t->crc_value[t->front] :
			    NULL);
	return changed;
}

/* The latch: from here on the engine scans what @crtc_state makes. */
static void wcfb_crtc_show(struct drm_atomic_state *state,
			   struct drm_crtc_state *crtc_state)
{
	struct wcfb_crtc_state *st = to_wcfb_crtc_state(crtc_state);
	struct wcfb_device *wcfb = to_wcfb_device(crtc_state->crtc->dev);
	struct wcfb_output *out = &wcfb->output;
	const struct drm_plane_state *pst;
	struct drm_rect damage, async_damage;
	struct wcfb_scanout_config cfg;
	struct drm_framebuffer *fb;
	bool changed = false;
	u32 x, y;

	lockdep_assert_held(&out->show_lock);
	WRITE_ONCE(out->show, st->show);
	out->shown_seq = st->seq;
	/* What the cursor's async updates left to this frame. */
	async_damage = out->async_damage;
	drm_rect_init(&out->async_damage, 0, 0, 0, 0);
	switch (st->show) {
	case WCFB_SHOW_BLANK:
		wcfb_crtc_show_blank(crtc_state);
		wcfb_crc_set_screen(&out->crc, NULL, 0, 0, 0, 0,
				    crtc_state->mode.hdisplay,
				    crtc_state->mode.vdisplay, false, NULL);
		return;
	case WCFB_SHOW_DIRECT:
		/* After the swap the plane's state is the new one. */
		pst = out->primary->state;
		wcfb_plane_scanout_config(pst, &cfg);
		if (wcfb_scanout_program(wcfb->scanout, &cfg, &changed))
			return;
		fb = pst->fb;
		/* atomic_check's layout checks make this succeed. */
		if (!wcfb_blit_surface_origin(fb->offsets[0], fb->pitches[0],
					      pst->src.x1 >> 16,
					      pst->src.y1 >> 16, cfg.width,
					      cfg.height, fb->format->cpp[0],
					      fb->obj[0]->size, &x, &y))
			wcfb_crc_set_screen(&out->crc, to_wcfb_bo(fb->obj[0]),
					    x, y, fb->pitches[0],
					    fb->format->format, cfg.width,
					    cfg.height, false, NULL);
		break;
	case WCFB_SHOW_COMPOSED:
		wcfb_crtc_damage(state, crtc_state, &damage);
		wcfb_rect_add(&damage, &async_damage);
		if (!drm_rect_visible(&damage))
			return;
		changed = wcfb_crtc_compose(crtc_state, &damage);
		break;
	default:
		return;
	}
	if (changed)
		atomic64_inc(&out->flips);
}

static void wcfb_crtc_atomic_flush(struct drm_crtc *crtc,
				   struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = drm_atomic_get_new_crtc_state(state,
									  crtc);
	struct drm_pending_vblank_event *event = crtc_state->event;
	struct wcfb_output *out = to_wcfb_output(crtc);
	unsigned long flags;

	if (crtc_state->active) {
		mutex_lock(&out->show_lock);
		wcfb_crtc_show(state, crtc_state);
		mutex_unlock(&out->show_lock);
		wcfb_writeback_run(to_wcfb_device(crtc->dev));
	}
	if (!event)
		return;
	crtc_state->event = NULL;

	/*
	 * The planes' states are on screen now (above).  Arming now
	 * makes the event complete at the first vblank after the latch.  On
	 * an inactive CRTC there is no vblank to wait for: send it now.
	 */
	spin_lock_irqsave(&crtc->dev->event_lock, flags);
	if (crtc_state->active && drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irqrestore(&crtc->dev->event_lock, flags);
}

/*
 * Legacy cursor ioctls (and atomic commits with legacy_cursor_update) move
 * the cursor without a commit, as cursor hardware does: X servers and
 * IGT's kms_cursor_legacy expect a move not to wait for the vblank that
 * completes a flip.  Only on a composed CRTC that stays composed at the
 * same size: anything else (the cursor appearing over a directly scanned
 * primary, a modeset) needs atomic_check's decisions and a real commit.
 */
static int wcfb_cursor_atomic_async_check(struct drm_plane *plane,
					  struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state,
								     plane);
	struct drm_crtc_state *new_cs, *cur_cs;

	if (!new->crtc)
		return -EINVAL;
	new_cs = drm_atomic_get_new_crtc_state(state, new->crtc);
	cur_cs = new->crtc->state;
	if (!new_cs || drm_atomic_crtc_needs_modeset(new_cs) ||
	    new_cs->color_mgmt_changed ||
	    to_wcfb_crtc_state(new_cs)->show != WCFB_SHOW_COMPOSED ||
	    to_wcfb_crtc_state(cur_cs)->show != WCFB_SHOW_COMPOSED ||
	    to_wcfb_crtc_state(new_cs)->target !=
	    to_wcfb_crtc_state(cur_cs)->target)
		return -EINVAL;
	return 0;
}

/*
 * The cursor's state changes in place.  If the CRTC's current state has
 * made its frame, the two rectangles where the cursor was and is are
 * composed and latched now.  If not (a nonblocking commit is swapped in
 * but its flush has not run: its planes' states may wait for fences),
 * they are left to that flush, which composes the cursor where it is
 * then, as cursor hardware latches its position with the next frame.
 * An update that changes nothing (a move to where the cursor is, with its
 * framebuffer: X servers send them, and IGT's kms_cursor_legacy times
 * them) composes nothing.  The CRTC's lock, held here, keeps crtc->state
 * from changing.
 */
/* Every field an async update copies (below) is the same in @a and @b. */
static bool wcfb_plane_state_same(const struct drm_plane_state *a,
				  const struct drm_plane_state *b)
{
	return a->fb == b->fb && a->crtc_x == b->crtc_x &&
	       a->crtc_y == b->crtc_y && a->crtc_w == b->crtc_w &&
	       a->crtc_h == b->crtc_h && a->src_x == b->src_x &&
	       a->src_y == b->src_y && a->src_w == b->src_w &&
	       a->src_h == b->src_h && a->visible == b->visible &&
	       drm_rect_equals(&a->dst, &b->dst) &&
	       drm_rect_equals(&a->src, &b->src);
}

static void wcfb_cursor_atomic_async_update(struct drm_plane *plane,
					    struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state,
								     plane);
	struct drm_plane_state *cur = plane->state;
	struct drm_crtc_state *crtc_state = new->crtc->state;
	struct wcfb_output *out = to_wcfb_output(new->crtc);
	struct drm_rect damage;

	/*
	 * Nothing changes: no frame to make, and no composition in flight
	 * to wait for (show_lock).  The new state holds the same values and
	 * its own framebuffer reference, and goes.
	 */
	if (wcfb_plane_state_same(cur, new)) {
		atomic64_inc(&out->cursor_async);
		atomic64_inc(&out->cursor_unchanged);
		return;
	}

	drm_rect_init(&damage, 0, 0, 0, 0);
	if (cur->visible)
		wcfb_rect_add(&damage, &cur->dst);
	if (new->visible)
		wcfb_rect_add(&damage, &new->dst);
	if (READ_ONCE(wcfb_test_compose_full))
		drm_rect_init(&damage, 0, 0, crtc_state->mode.hdisplay,
			      crtc_state->mode.vdisplay);
	mutex_lock(&out->show_lock);
	/* The old framebuffer goes with the new state, which is freed. */
	swap(cur->fb, new->fb);
	cur->crtc_x = new->crtc_x;
	cur->crtc_y = new->crtc_y;
	cur->crtc_w = new->crtc_w;
	cur->crtc_h = new->crtc_h;
	cur->src_x = new->src_x;
	cur->src_y = new->src_y;
	cur->src_w = new->src_w;
	cur->src_h = new->src_h;
	cur->src = new->src;
	cur->dst = new->dst;
	cur->visible = new->visible;
	atomic64_inc(&out->cursor_async);
	if (to_wcfb_crtc_state(crtc_state)->seq != out->shown_seq)
		wcfb_rect_add(&out->async_damage, &damage);
	else if (drm_rect_visible(&damage) &&
		 wcfb_crtc_compose(crtc_state, &damage))
		atomic64_inc(&out->flips);
	mutex_unlock(&out->show_lock);
}

static const struct drm_plane_helper_funcs wcfb_cursor_helper_funcs = {
	.prepare_fb = wcfb_plane_prepare_fb,
	.atomic_check = wcfb_plane_atomic_check,
	.atomic_update = wcfb_plane_atomic_update,
	.atomic_async_check = wcfb_cursor_atomic_async_check,
	.atomic_async_update = wcfb_cursor_atomic_async_update,
};

static const struct drm_crtc_helper_funcs wcfb_crtc_helper_funcs = {
	.mode_valid = wcfb_crtc_mode_valid,
	.atomic_check = wcfb_crtc_atomic_check,
	.atomic_flush = wcfb_crtc_atomic_flush,
	.atomic_enable = wcfb_crtc_atomic_enable,
	.atomic_disable = wcfb_crtc_atomic_disable,
};

static void wcfb_crtc_destroy_state(struct drm_crtc *crtc,
				    struct drm_crtc_state *state)
{
	struct wcfb_crtc_state *st = to_wcfb_crtc_state(state);

	__drm_atomic_helper_crtc_destroy_state(state);
	wcfb_scanout_blank_put(st->blank);
	wcfb_compose_target_put(st->target);
	kfree(st);
}

static void wcfb_crtc_reset(struct drm_crtc *crtc)
{
	struct wcfb_crtc_state *st = kzalloc(sizeof(*st), GFP_KERNEL);

	if (crtc->state)
		wcfb_crtc_destroy_state(crtc, crtc->state);
	crtc->state = NULL;
	if (st)
		__drm_atomic_helper_crtc_reset(crtc, &st->base);
}

static struct drm_crtc_state *wcfb_crtc_duplicate_state(struct drm_crtc *crtc)
{
	struct wcfb_crtc_state *old = to_wcfb_crtc_state(crtc->state);
	struct wcfb_crtc_state *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return NULL;
	__drm_atomic_helper_crtc_duplicate_state(crtc, &st->base);
	st->seq = atomic64_inc_return(&to_wcfb_output(crtc)->state_seq);
	/* atomic_check drops it or replaces it as the new state needs. */
	st->show = old->show;
	st->blank = old->blank;
	if (st->blank)
		st->blank = wcfb_scanout_blank_ref(st->blank);
	st->target = old->target;
	if (st->target)
		st->target = wcfb_compose_target_ref(st->target);
	return &st->base;
}

static const struct drm_crtc_funcs wcfb_crtc_funcs = {
	.reset = wcfb_crtc_reset,
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.atomic_duplicate_state = wcfb_crtc_duplicate_state,
	.atomic_destroy_state = wcfb_crtc_destroy_state,
	.enable_vblank = wcfb_crtc_enable_vblank,
	.disable_vblank = wcfb_crtc_disable_vblank,
	.get_vblank_timestamp = wcfb_crtc_get_vblank_timestamp,
	.get_crc_sources = wcfb_crc_get_sources,
	.verify_crc_source = wcfb_crc_verify_source,
	.set_crc_source = wcfb_crc_set_source,
};

static struct drm_plane *wcfb_plane_create(struct wcfb_device *wcfb,
					   enum drm_plane_type type,
					   const u32 *formats,
					   unsigned int nformats)
{
	struct wcfb_plane *plane;

	plane = drmm_universal_plane_alloc(&wcfb->drm, struct wcfb_plane, base,
					   1, &wcfb_plane_funcs, formats,
					   nformats, wcfb_modifiers, type,
					   NULL);
	if (IS_ERR(plane))
		return ERR_CAST(plane);
	drm_plane_helper_add(&plane->base, type == DRM_PLANE_TYPE_CURSOR ?
			     &wcfb_cursor_helper_funcs :
			     &wcfb_plane_helper_funcs);
	/*
	 * Compositors pass FB_DAMAGE_CLIPS, and the property says the plane
	 * accepts them (the composer recomposes whole frames for now).
	 */
	drm_plane_enable_fb_damage_clips(&plane->base);
	return &plane->base;
}

/*
 * What the composer applies: stacking, translucency, rotation, scaling.  The
 * cursor has no plane alpha or blend mode, as cursor hardware has none:
 * its pixels' own alpha, premultiplied (the core's default), is what
 * compositors give it, and a plane with an alpha property is one IGT's
 * kms_plane_alpha_blend fills with a full-screen framebuffer.
 */
static int wcfb_plane_add_properties(struct drm_plane *plane,
				     unsigned int zpos, unsigned int zmax,
				     bool yuv)
{
	int ret;

	/* How the blitter converts YUV framebuffers to RGB. */
	if (yuv) {
		ret = drm_plane_create_color_properties(plane,
							BIT(DRM_COLOR_YCBCR_BT601) |
							BIT(DRM_COLOR_YCBCR_BT709) |
							BIT(DRM_COLOR_YCBCR_BT2020),
							BIT(DRM_COLOR_YCBCR_LIMITED_RANGE) |
							BIT(DRM_COLOR_YCBCR_FULL_RANGE),
							DRM_COLOR_YCBCR_BT601,
							DRM_COLOR_YCBCR_LIMITED_RANGE);
		if (ret)
			return ret;
	}

	ret = drm_plane_create_zpos_property(plane, zpos, 0, zmax);
	if (ret)
		return ret;
	if (plane->type != DRM_PLANE_TYPE_CURSOR) {
		ret = drm_plane_create_alpha_property(plane);
		if (ret)
			return ret;
		ret = drm_plane_create_blend_mode_property(plane,
							   BIT(DRM_MODE_BLEND_PIXEL_NONE) |
							   BIT(DRM_MODE_BLEND_PREMULTI) |
							   BIT(DRM_MODE_BLEND_COVERAGE));
		if (ret)
			return ret;
	}
	/* The blitter's one filter is the nearest sample: both names say so. */
	if (wcfb_composer_scales(to_wcfb_device(plane->dev))) {
		u32 filters = BIT(DRM_SCALING_FILTER_DEFAULT) |
			      BIT(DRM_SCALING_FILTER_NEAREST_NEIGHBOR);

		ret = drm_plane_create_scaling_filter_property(plane, filters);
		if (ret)
			return ret;
	}
	return drm_plane_create_rotation_property(plane, DRM_MODE_ROTATE_0,
						  DRM_MODE_ROTATE_MASK |
						  DRM_MODE_REFLECT_X |
						  DRM_MODE_REFLECT_Y);
}

/*
 * The primary plane always; the cursor and the overlays only with a
 * blitter that composes, in every format it reads.  Without one, the
 * primary offers what ramfb shows, and nothing it cannot show alone.
 */
static int wcfb_planes_init(struct wcfb_device *wcfb,
			    struct drm_plane **cursor)
{
	struct drm_device *drm = &wcfb->drm;
	unsigned int i, n, zmax;
	struct drm_plane *plane;
	bool yuv = false;
	u32 formats[48];
	int ret;

	n = wcfb_composer_formats(wcfb, formats, ARRAY_SIZE(formats));
	for (i = 0; i < n; i++)
		yuv |= drm_format_info(formats[i])->is_yuv;
	if (!n) {
		for (i = 0; i < WCFB_NUM_FORMATS; i++)
			formats[i] = wcfb_formats[i].fourcc;
		plane = wcfb_plane_create(wcfb, DRM_PLANE_TYPE_PRIMARY,
					  formats, WCFB_NUM_FORMATS);
		if (IS_ERR(plane))
			return PTR_ERR(plane);
		wcfb->output.primary = plane;
		drm_info(drm, "no blitter to compose with: primary plane only, %u formats\n",
			 WCFB_NUM_FORMATS);
		return 0;
	}

	if (wcfb_overlays > WCFB_MAX_OVERLAYS) {
		drm_warn(drm, "overlays=%u is above %u: using %u\n",
			 wcfb_overlays, WCFB_MAX_OVERLAYS, WCFB_MAX_OVERLAYS);
		wcfb_overlays = WCFB_MAX_OVERLAYS;
	}
	zmax = wcfb_overlays + 1;

	plane = wcfb_plane_create(wcfb, DRM_PLANE_TYPE_PRIMARY, formats, n);
	if (IS_ERR(plane))
		return PTR_ERR(plane);
	ret = wcfb_plane_add_properties(plane, 0, zmax, yuv);
	if (ret)
		return ret;
	wcfb->output.primary = plane;

	for (i = 0; i < wcfb_overlays; i++) {
		plane = wcfb_plane_create(wcfb, DRM_PLANE_TYPE_OVERLAY,
					  formats, n);
		if (IS_ERR(plane))
			return PTR_ERR(plane);
		ret = wcfb_plane_add_properties(plane, i + 1, zmax, yuv);
		if (ret)
			return ret;
	}

	plane = wcfb_plane_create(wcfb, DRM_PLANE_TYPE_CURSOR, formats, n);
	if (IS_ERR(plane))
		return PTR_ERR(plane);
	ret = wcfb_plane_add_properties(plane, zmax, zmax, yuv);
	if (ret)
		return ret;
	*cursor = plane;
	drm->mode_config.cursor_width = WCFB_CURSOR_MAX_DIM;
	drm->mode_config.cursor_height = WCFB_CURSOR_MAX_DIM;

	drm_info(drm, "planes: primary, %u overlays, cursor (up to %ux%u), %u formats, composed by the blitter\n",
		 wcfb_overlays, WCFB_CURSOR_MAX_DIM, WCFB_CURSOR_MAX_DIM, n);
	return 0;
}

/**
 * wcfb_kms_init - create the display pipeline
 * @wcfb: the device, with pool and scanout set up
 *
 * Everything is drm-managed.
 *
 * Return: 0 or a negative error code.
 */
int wcfb_kms_init(struct wcfb_device *wcfb)
{
	struct drm_device *drm = &wcfb->drm;
	struct wcfb_output *out = &wcfb->output;
	struct drm_plane *cursor = NULL;
	int ret;

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;
	drm->mode_config.min_width = WCFB_SCANOUT_MIN_DIM;
	drm->mode_config.min_height = WCFB_SCANOUT_MIN_DIM;
	drm->mode_config.max_width = WCFB_SCANOUT_MAX_DIM;
	drm->mode_config.max_height = WCFB_SCANOUT_MAX_DIM;
	drm->mode_config.preferred_depth = 24;
	drm->mode_config.funcs = &wcfb_mode_config_funcs;
	drm->mode_config.helper_private = &wcfb_mode_config_helpers;
	drm->mode_config.normalize_zpos = true;

	ret = wcfb_planes_init(wcfb, &cursor);
	if (ret)
		return ret;
	/*
	 * The core applies these to every framebuffer.  With a blitter a
	 * cursor or overlay smaller than ramfb's 16x16 is composed, never
	 * scanned: only modes (wcfb_mode_valid()) and what is scanned out
	 * directly (wcfb_scanout_check()) keep ramfb's minimum.
	 */
	if (cursor) {
		drm->mode_config.min_width = 1;
		drm->mode_config.min_height = 1;
	}

	ret = drmm_crtc_init_with_planes(drm, &out->crtc, out->primary, cursor,
					 &wcfb_crtc_funcs, NULL);
	if (ret)
		return ret;
	/* DEGAMMA_LUT, CTM, GAMMA_LUT: applied by the blitter as it composes. */
	if (cursor) {
		drm_crtc_enable_color_mgmt(&out->crtc, 256, true, 256);
		/* Legacy SetGamma too: the core turns it into a GAMMA_LUT. */
		ret = drm_mode_crtc_set_gamma_size(&out->crtc, 256);
		if (ret)
			return ret;
	}
	drm_crtc_helper_add(&out->crtc, &wcfb_crtc_helper_funcs);

	ret = drmm_encoder_init(drm, &out->encoder, NULL,
				DRM_MODE_ENCODER_VIRTUAL, NULL);
	if (ret)
		return ret;
	out->encoder.possible_crtcs = drm_crtc_mask(&out->crtc);

	ret = drmm_connector_init(drm, &out->connector, &wcfb_connector_funcs,
				  DRM_MODE_CONNECTOR_VIRTUAL, NULL);
	if (ret)
		return ret;
	drm_connector_helper_add(&out->connector, &wcfb_connector_helper_funcs);
	ret = drm_connector_attach_encoder(&out->connector, &out->encoder);
	if (ret)
		return ret;
	if (cursor) {
		/* The blitter writes it, as it composes: with one only. */
		ret = wcfb_writeback_init(wcfb);
		if (ret)
			return ret;
	}

	ret = drm_vblank_init(drm, 1);
	if (ret)
		return ret;
	wcfb_crc_init(&out->crc);
	ret = drmm_mutex_init(drm, &out->show_lock);
	if (ret)
		return ret;
	hrtimer_init(&out->vblank_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	out->vblank_timer.function = wcfb_vblank_timer_fn;
	out->vblank_period = ns_to_ktime(NSEC_PER_SEC / WCFB_REFRESH);
	atomic64_set(&out->flips, 0);
	atomic64_set(&out->timer_fires, 0);
	atomic64_set(&out->timer_late_ns, 0);
	atomic64_set(&out->timer_late_max_ns, 0);
	atomic64_set(&out->timer_late_1ms, 0);
	atomic64_set(&out->timer_overruns, 0);

	drm_mode_config_reset(drm);
	/*
	 * No periodic polling (the connector's .polled is 0): this only lets
	 * a status change found by a probe send its uevent.
	 */
	drm_kms_helper_poll_init(drm);
	return 0;
}

/**
 * wcfb_kms_fini - stop hotplug processing and the vblank timer
 * @wcfb: the device, unplugged (no more sysfs probes)
 *
 * Disabling the CRTC stops the timer; this covers the module going away
 * anyway.
 */
void wcfb_kms_fini(struct wcfb_device *wcfb)
{
	drm_kms_helper_poll_fini(&wcfb->drm);
	hrtimer_cancel(&wcfb->output.vblank_timer);
	wcfb_crc_fini(&wcfb->output.crc);
}
