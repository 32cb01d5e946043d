// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb writeback: a writeback connector (drm_writeback.c) on the CRTC, so
 * that a client (Weston's screenshooter, IGT, a CI harness) gets the frame
 * the screen shows in a buffer of its own.
 *
 * The blitter writes it: after the commit's frame is on screen (the CRTC's
 * atomic_flush), one kernel job converts what the scanout engine scans --
 * the primary's framebuffer, the composer's output, or black -- into the
 * client's framebuffer, and the writeback job completes when that job's
 * fence has signalled.  The commit waits for it, so the out-fence signals
 * within the commit, never a frame later and never by timeout (a failed
 * engine job completes it with its error).  The frame is the same bytes
 * the CRC is computed over (wcfb_crc.c keeps what is on screen).
 */

#include <linux/dma-fence.h>
#include <linux/jiffies.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_writeback.h>

#include "wcfb_blitter.h"
#include "wcfb_composer.h"
#include "wcfb_drv.h"
#include "wcfb_gem.h"
#include "wcfb_job.h"
#include "wcfb_writeback.h"

static const u32 wcfb_wb_formats[] = {
	DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888, DRM_FORMAT_RGB565, DRM_FORMAT_XRGB2101010,
};

static struct wcfb_output *to_output(struct drm_writeback_connector *wb)
{
	return container_of(wb, struct wcfb_output, writeback);
}

static int wcfb_wb_encoder_atomic_check(struct drm_encoder *encoder,
					struct drm_crtc_state *crtc_state,
					struct drm_connector_state *conn_state)
{
	const struct drm_display_mode *mode = &crtc_state->mode;
	struct drm_framebuffer *fb;

	if (!conn_state->writeback_job || !conn_state->writeback_job->fb)
		return 0;
	fb = conn_state->writeback_job->fb;
	if (fb->width != mode->hdisplay || fb->height != mode->vdisplay) {
		drm_dbg_kms(encoder->dev, "writeback: %ux%u framebuffer for a %ux%u mode\n",
			    fb->width, fb->height, mode->hdisplay,
			    mode->vdisplay);
		return -EINVAL;
	}
	if (!crtc_state->active) {
		drm_dbg_kms(encoder->dev, "writeback: the CRTC is off\n");
		return -EINVAL;
	}
	return drm_atomic_helper_check_wb_encoder_state(encoder, conn_state);
}

static const struct drm_encoder_helper_funcs wcfb_wb_encoder_helpers = {
	.atomic_check = wcfb_wb_encoder_atomic_check,
};

static int wcfb_wb_get_modes(struct drm_connector *connector)
{
	struct drm_device *drm = connector->dev;

	return drm_add_modes_noedid(connector, drm->mode_config.max_width,
				    drm->mode_config.max_height);
}

/*
 * The writeback job moves to the connector's queue; the frame is written
 * once the CRTC's flush has put this commit's frame on screen.
 */
static void wcfb_wb_atomic_commit(struct drm_connector *connector,
				  struct drm_atomic_state *state)
{
	struct drm_connector_state *conn_state =
		drm_atomic_get_new_connector_state(state, connector);
	struct drm_writeback_connector *wb =
		drm_connector_to_writeback(connector);
	struct wcfb_output *out = to_output(wb);

	if (!conn_state->writeback_job || !conn_state->writeback_job->fb)
		return;
	out->wb_fb = conn_state->writeback_job->fb;
	drm_framebuffer_get(out->wb_fb);
	drm_writeback_queue_job(wb, conn_state);
}

static const struct drm_connector_helper_funcs wcfb_wb_connector_helpers = {
	.get_modes = wcfb_wb_get_modes,
	.atomic_commit = wcfb_wb_atomic_commit,
};

static const struct drm_connector_funcs wcfb_wb_connector_funcs = {
	.destroy = drm_connector_cleanup,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/* The job that writes the screen (@crc's description) into @fb. */
static int wcfb_wb_copy(struct wcfb_device *wcfb, struct wcfb_crc *crc,
			struct drm_framebuffer *fb)
{
	struct drm_gem_object *obj = drm_gem_fb_get_obj(fb, 0);
	u32 cpp = fb->format->cpp[0], ox, oy, w, h;
	struct wcfb_blitter_table *dtab, *stab;
	struct wcfb_eng_desc *d;
	struct dma_fence *fence;
	struct wcfb_job *job;
	int ret;

	mutex_lock(&crc->lock);
	w = crc->width;
	h = crc->height;
	ret = -EINVAL;
	if (!obj || w != fb->width || h != fb->height ||
	    wcfb_blit_surface_origin(fb->offsets[0], fb->pitches[0], 0, 0, w,
				     h, cpp, obj->size, &ox, &oy))
		goto out_unlock;
	job = wcfb_job_alloc(wcfb, NULL, 1, 2);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		goto out_unlock;
	}
	ret = wcfb_job_add_buf(job, to_wcfb_bo(obj), true, &dtab);
	if (!ret && crc->screen)
		ret = wcfb_job_add_buf(job, crc->screen, false, &stab);
	if (ret)
		goto err_free;
	d = &job->descs[0];
	d->width = cpu_to_le32(w);
	d->height = cpu_to_le32(h);
	wcfb_eng_surface_set_table(&d->dst, dtab);
	d->dst.pitch = cpu_to_le32(fb->pitches[0]);
	d->dst.format = cpu_to_le32(fb->format->format);
	d->dst.x = cpu_to_le32(ox);
	d->dst.y = cpu_to_le32(oy);
	if (crc->screen) {
		d->opcode = cpu_to_le32(crc->fourcc == fb->format->format ?
					WCFB_ENG_OP_COPY : WCFB_ENG_OP_CONVERT);
		wcfb_eng_surface_set_table(&d->src, stab);
		d->src.pitch = cpu_to_le32(crc->pitch);
		d->src.format = cpu_to_le32(crc->fourcc);
		d->src.x = cpu_to_le32(crc->x);
		d->src.y = cpu_to_le32(crc->y);
	} else {
		/*
		 * Black, opaque, in every one of the formats above: zero
		 * colour bits, alpha and X bits all ones.
		 */
		d->opcode = cpu_to_le32(WCFB_ENG_OP_FILL);
		d->fill = cpu_to_le32(cpp == 2 ? 0 :
				      fb->format->format == DRM_FORMAT_XRGB2101010 ?
				      0xc0000000 : 0xff000000);
	}
	ret = wcfb_job_push(job, &fence);
	if (ret)
		goto err_free;
	mutex_unlock(&crc->lock);

	ret = wcfb_job_wait(wcfb, fence);
	return ret;

err_free:
	wcfb_job_free(job);
out_unlock:
	mutex_unlock(&crc->lock);
	return ret;
}

/**
 * wcfb_writeback_run - write the frame on screen into the queued job's
 *                      buffer, and complete the job
 * @wcfb: the device
 *
 * From the CRTC's atomic_flush, after this commit's frame is on screen.
 * Nothing to do without a writeback job in the commit.
 */
void wcfb_writeback_run(struct wcfb_device *wcfb)
{
	struct wcfb_output *out = &wcfb->output;
	struct drm_framebuffer *fb = out->wb_fb;
	int ret;

	if (!fb)
		return;
	out->wb_fb = NULL;
	ret = wcfb_composer_available(wcfb) ?
	      wcfb_wb_copy(wcfb, &out->crc, fb) : -ENODEV;
	if (ret)
		drm_err_ratelimited(&wcfb->drm, "writeback failed: %d\n", ret);
	drm_framebuffer_put(fb);
	drm_writeback_signal_completion(&out->writeback, ret);
}

/**
 * wcfb_writeback_init - the writeback connector, with a blitter only
 * @wcfb: the device, with its CRTC
 *
 * Return: 0 or a negative error code.
 */
int wcfb_writeback_init(struct wcfb_device *wcfb)
{
	struct drm_writeback_connector *wb = &wcfb->output.writeback;

	struct drm_encoder *main = &wcfb->output.encoder;
	int ret;

	drm_connector_helper_add(&wb->base, &wcfb_wb_connector_helpers);
	ret = drm_writeback_connector_init(&wcfb->drm, wb,
					   &wcfb_wb_connector_funcs,
					   &wcfb_wb_encoder_helpers,
					   wcfb_wb_formats,
					   ARRAY_SIZE(wcfb_wb_formats),
					   drm_crtc_mask(&wcfb->output.crtc));
	if (ret)
		return ret;
	/*
	 * Both encoders drive the one CRTC at once: each must list the other
	 * as a clone, or drm_atomic_check_valid_clones() refuses the pair.
	 */
	main->possible_clones = drm_encoder_mask(main) |
				drm_encoder_mask(&wb->encoder);
	wb->encoder.possible_clones = main->possible_clones;
	return 0;
}
