// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb CRC capture, for IGT and for CI that compares frames without
 * screenshots: the DRM core's debugfs interface (drm_debugfs_crc.c), one
 * source, "auto".
 *
 * While capture is on, every vblank queues a CRC of the frame on screen,
 * whatever shows it: the primary plane's framebuffer scanned out directly,
 * the composer's output, or black.  The blitter computes it (OP_CRC, a
 * kernel job like the console's flushes) over what the scanout engine
 * scans, so it is the CRC of the screen: CRC-32 (zlib's) of the frame's
 * R, G, B bytes, line by line, the same bytes a host capture's RGB rows
 * hold.  Black is computed once per size by the CPU.  A composed frame's
 * CRC comes from the job that composed it (only the composer writes the
 * frame, and a new frame is a new screen): with protocol 1.4 that job
 * reads only the rows it changed (wcfb_composer.c), and no job of its own
 * waits at the vblank.  Only a directly scanned framebuffer, which its
 * client may draw into at any time, is read again for every run of the
 * work.
 *
 * Every vblank gets its own entry, numbered with its vblank count: the
 * vblank queues its count and the screen's generation, and a work that
 * runs late (behind the composer's jobs on the engine) catches up on all
 * of them, in order.  See wcfb_crc_work().
 */

#include <linux/crc32.h>
#include <linux/dma-fence.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include <drm/drm_crtc.h>
#include <drm/drm_debugfs_crc.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>

#include "wcfb_blitter.h"
#include "wcfb_composer.h"
#include "wcfb_crc.h"
#include "wcfb_drv.h"
#include "wcfb_gem.h"
#include "wcfb_job.h"

static const char *const wcfb_crc_sources[] = { "auto" };

static struct wcfb_output *wcfb_crc_output(struct wcfb_crc *crc)
{
	return container_of(crc, struct wcfb_output, crc);
}

/* zlib's crc32() of @len zero bytes, without a buffer that large. */
static u32 wcfb_crc_zeros(u64 len)
{
	static const u8 zero[256];
	u32 c = ~0u;

	while (len) {
		u32 n = min_t(u64, len, sizeof(zero));

		c = crc32_le(c, zero, n);
		len -= n;
	}
	return ~c;
}

/* The blitter's CRC of @crc's screen; called with @crc->lock held. */
static int wcfb_crc_engine(struct wcfb_device *wcfb, struct wcfb_crc *crc,
			   u32 *value)
{
	struct wcfb_blitter_table *stab, *dtab;
	struct wcfb_eng_desc *d;
	struct dma_fence *fence;
	struct wcfb_job *job;
	int ret;

	if (!crc->result) {
		crc->result = wcfb_gem_create_scanout(wcfb, PAGE_SIZE);
		if (IS_ERR(crc->result)) {
			ret = PTR_ERR(crc->result);
			crc->result = NULL;
			return ret;
		}
	}
	job = wcfb_job_alloc(wcfb, NULL, 1, 2);
	if (IS_ERR(job))
		return PTR_ERR(job);
	ret = wcfb_job_add_buf(job, crc->screen, false, &stab);
	if (!ret)
		ret = wcfb_job_add_buf(job, crc->result, true, &dtab);
	if (ret) {
		wcfb_job_free(job);
		return ret;
	}
	d = &job->descs[0];
	d->opcode = cpu_to_le32(WCFB_ENG_OP_CRC);
	d->width = cpu_to_le32(crc->width);
	d->height = cpu_to_le32(crc->height);
	wcfb_eng_surface_set_table(&d->src, stab);
	d->src.pitch = cpu_to_le32(crc->pitch);
	d->src.format = cpu_to_le32(crc->fourcc);
	d->src.x = cpu_to_le32(crc->x);
	d->src.y = cpu_to_le32(crc->y);
	wcfb_eng_surface_set_table(&d->dst, dtab);
	d->dst.pitch = cpu_to_le32(PAGE_SIZE);
	d->dst.format = cpu_to_le32(WCFB_ENG_FMT_XRGB8888);

	ret = wcfb_job_push(job, &fence);
	if (ret) {
		wcfb_job_free(job);
		return ret;
	}
	ret = wcfb_job_wait(wcfb, fence);
	if (ret)
		return ret;
	/* Write-combined, uncached: the engine's write is what is read. */
	*value = le32_to_cpu(READ_ONCE(*(__le32 *)crc->result->dma.vaddr));
	return 0;
}

/*
 * The CRC of screen @gen if it is known without a job (computed before,
 * or given with the screen); called with @crc->lock held, which every
 * writer of these fields holds too.
 */
static bool wcfb_crc_lookup(struct wcfb_crc *crc, u32 gen, u32 *value)
{
	if (crc->now_known && crc->now_gen == gen) {
		*value = crc->now_crc;
		return true;
	}
	if (crc->known && crc->known_gen == gen) {
		*value = crc->known_crc;
		return true;
	}
	return false;
}

/*
 * The CRC of what is on screen now, screen @crc->gen; called with
 * @crc->lock held.  A stable screen's CRC is computed once.
 */
static int wcfb_crc_current(struct wcfb_device *wcfb, struct wcfb_crc *crc,
			    u32 *value)
{
	int ret;

	if (crc->stable && wcfb_crc_lookup(crc, crc->gen, value))
		return 0;
	if (crc->screen) {
		ret = wcfb_crc_engine(wcfb, crc, value);
		if (ret)
			return ret;
	} else {
		if (crc->black_width != crc->width ||
		    crc->black_height != crc->height) {
			crc->black_crc = wcfb_crc_zeros((u64)crc->width *
							crc->height * 3);
			crc->black_width = crc->width;
			crc->black_height = crc->height;
		}
		*value = crc->black_crc;
	}
	spin_lock_irq(&crc->pending_lock);
	crc->known = true;
	crc->known_gen = crc->gen;
	crc->known_crc = *value;
	spin_unlock_irq(&crc->pending_lock);
	return 0;
}

/*
 * Reports every vblank queued since the last run, oldest first, each
 * with the CRC of the screen it showed: IGT asks for the CRC of one
 * frame, and a frame with no entry fails it.  The screen on now is read
 * once per run, however many of its frames the run catches up on.  A
 * frame whose screen went before its CRC was computed (the composer may
 * already be drawing the next frame into that buffer) gets no entry.
 */
static void wcfb_crc_work(struct work_struct *work)
{
	struct wcfb_crc *crc = container_of(work, struct wcfb_crc, work);
	struct wcfb_output *out = wcfb_crc_output(crc);
	struct wcfb_device *wcfb = to_wcfb_device(out->crtc.dev);
	struct wcfb_crc_frame f[WCFB_CRC_PENDING];
	unsigned int i, n;
	bool have_now = false;
	u32 now = 0, value;
	int ret = 0;

	mutex_lock(&crc->lock);
	spin_lock_irq(&crc->pending_lock);
	n = crc->pending_count;
	for (i = 0; i < n; i++)
		f[i] = crc->pending[(crc->pending_head + i) % WCFB_CRC_PENDING];
	crc->pending_head = 0;
	crc->pending_count = 0;
	/* Until these are reported, later vblanks queue behind them. */
	crc->working = n > 0;
	spin_unlock_irq(&crc->pending_lock);

	for (i = 0; crc->on && i < n; i++) {
		if (f[i].frame <= crc->last_frame)
			continue;
		if (!crc->width) {
			/* The CRTC went off: nothing is shown to report. */
			atomic64_inc(&crc->missed);
			continue;
		}
		if (f[i].gen == crc->gen) {
			if (!have_now) {
				ret = wcfb_crc_current(wcfb, crc, &now);
				if (ret)
					drm_dbg_kms(&wcfb->drm,
						    "no CRC for frame %lld: %d\n",
						    f[i].frame, ret);
				have_now = true;
			}
			if (ret) {
				atomic64_inc(&crc->missed);
				continue;
			}
			value = now;
		} else if (!wcfb_crc_lookup(crc, f[i].gen, &value)) {
			drm_dbg_kms(&wcfb->drm,
				    "no CRC for frame %lld: its screen is gone\n",
				    f[i].frame);
			atomic64_inc(&crc->missed);
			continue;
		}
		crc->last_frame = f[i].frame;
		drm_crtc_add_crc_entry(&out->crtc, true, (u32)f[i].frame,
				       &value);
	}
	spin_lock_irq(&crc->pending_lock);
	crc->working = false;
	/* A stable screen's CRC, computed now: its next vblanks need no work. */
	if (crc->known && crc->known_gen == crc->gen && crc->stable &&
	    crc->screen) {
		crc->now_known = true;
		crc->now_gen = crc->known_gen;
		crc->now_crc = crc->known_crc;
	}
	spin_unlock_irq(&crc->pending_lock);
	mutex_unlock(&crc->lock);
}

void wcfb_crc_init(struct wcfb_crc *crc)
{
	mutex_init(&crc->lock);
	spin_lock_init(&crc->pending_lock);
	INIT_WORK(&crc->work, wcfb_crc_work);
	crc->last_frame = -1;
}

/*
 * Capture's vblank reference, called with @crc->lock held.  Every vblank
 * gets an entry while capture is on, so the vblank count must go on
 * while nobody else waits for one (VKMS holds a reference for the same
 * reason).  An off CRTC refuses it: it is taken when the CRTC comes on
 * (wcfb_crc_crtc_on()).
 */
static void wcfb_crc_hold_vblank(struct drm_crtc *crtc, struct wcfb_crc *crc)
{
	if (!crc->vblank_ref)
		crc->vblank_ref = !drm_crtc_vblank_get(crtc);
}

static void wcfb_crc_drop_vblank(struct drm_crtc *crtc, struct wcfb_crc *crc)
{
	if (crc->vblank_ref)
		drm_crtc_vblank_put(crtc);
	crc->vblank_ref = false;
}

/* The device is going: no vblank queues more work. */
void wcfb_crc_fini(struct wcfb_crc *crc)
{
	mutex_lock(&crc->lock);
	WRITE_ONCE(crc->on, false);
	wcfb_crc_drop_vblank(&wcfb_crc_output(crc)->crtc, crc);
	mutex_unlock(&crc->lock);
	cancel_work_sync(&crc->work);
	wcfb_crc_set_screen(crc, NULL, 0, 0, 0, 0, 0, 0, false, NULL);
	if (crc->result)
		drm_gem_object_put(wcfb_bo_obj(crc->result));
	crc->result = NULL;
	mutex_destroy(&crc->lock);
}

/**
 * wcfb_crc_set_screen - what the scanout engine shows from now on
 * @crc: the CRTC's capture
 * @bo: the buffer (the callee takes a reference), NULL for black, or for
 *      nothing with @width 0
 * @x: column of the first pixel shown
 * @y: line of the first pixel shown
 * @pitch: bytes per line
 * @fourcc: format
 * @width: pixels per line shown
 * @height: lines shown
 * @stable: @bo changes only before a new call (the composer's output):
 *          its CRC is computed once, not every vblank.  A framebuffer
 *          scanned out directly is not: its client may draw into it.
 * @known: with @stable, the screen's CRC when the caller has it (the
 *         composer computes it in the job that makes the frame), else NULL
 */
void wcfb_crc_set_screen(struct wcfb_crc *crc, struct wcfb_bo *bo, u32 x,
			 u32 y, u32 pitch, u32 fourcc, u32 width, u32 height,
			 bool stable, const u32 *known)
{
	struct wcfb_bo *old;

	if (bo)
		drm_gem_object_get(wcfb_bo_obj(bo));
	mutex_lock(&crc->lock);
	old = crc->screen;
	crc->screen = bo;
	crc->x = x;
	crc->y = y;
	crc->pitch = pitch;
	crc->fourcc = fourcc;
	crc->width = width;
	crc->height = height;
	crc->stable = stable;
	spin_lock_irq(&crc->pending_lock);
	/*
	 * The screen going keeps its CRC, given with it, for its vblanks
	 * the work has still to report; a CRC the work computed of it is
	 * in @known already.
	 */
	if (crc->now_known && crc->now_gen == crc->gen) {
		crc->known = true;
		crc->known_gen = crc->now_gen;
		crc->known_crc = crc->now_crc;
	}
	WRITE_ONCE(crc->gen, crc->gen + 1);
	if (bo && stable && known) {
		crc->now_known = true;
		crc->now_gen = crc->gen;
		crc->now_crc = *known;
	}
	spin_unlock_irq(&crc->pending_lock);
	mutex_unlock(&crc->lock);
	if (old)
		drm_gem_object_put(wcfb_bo_obj(old));
}

/**
 * wcfb_crc_vblank - a vblank passed: queue its CRC if capture is on
 * @crtc: the CRTC
 * @crc: its capture
 *
 * From the vblank timer's handler (hard interrupt): reads @crc->on and
 * @crc->gen without @crc->lock.  A vblank between the latch of a new
 * frame and its wcfb_crc_set_screen() (which may wait for a CRC job on
 * @crc->lock) is reported with the previous screen's CRC; no client sees
 * that frame as the new one, whose event is armed after the call.
 *
 * A screen whose CRC is known (@crc->now_known) is reported here, at
 * once, when no earlier vblank is still to be reported: no work runs for
 * the vblanks of a composed frame.  Otherwise the vblank joins the
 * pending ones; a full ring loses its oldest.  A count that has not moved
 * (no vblank reference: see wcfb_crc_set_source()) gets no second entry.
 */
void wcfb_crc_vblank(struct drm_crtc *crtc, struct wcfb_crc *crc)
{
	struct wcfb_crc_frame *f;
	s64 frame;
	u32 value;

	if (!READ_ONCE(crc->on))
		return;
	frame = drm_crtc_vblank_count(crtc);
	spin_lock(&crc->pending_lock);
	if (!crc->pending_count && !crc->working) {
		if (frame <= crc->last_frame) {
			spin_unlock(&crc->pending_lock);
			return;
		}
		if (crc->now_known && crc->now_gen == crc->gen) {
			value = crc->now_crc;
			crc->last_frame = frame;
			/* Under the lock: a later vblank's entry cannot pass it. */
			drm_crtc_add_crc_entry(crtc, true, (u32)frame, &value);
			spin_unlock(&crc->pending_lock);
			atomic64_inc(&crc->direct);
			return;
		}
	}
	if (crc->pending_count == WCFB_CRC_PENDING) {
		crc->pending_head = (crc->pending_head + 1) % WCFB_CRC_PENDING;
		crc->pending_count--;
		atomic64_inc(&crc->missed);
	}
	f = &crc->pending[(crc->pending_head + crc->pending_count) %
			  WCFB_CRC_PENDING];
	f->frame = frame;
	f->gen = crc->gen;
	crc->pending_count++;
	spin_unlock(&crc->pending_lock);
	queue_work(system_highpri_wq, &crc->work);
}

const char *const *wcfb_crc_get_sources(struct drm_crtc *crtc, size_t *count)
{
	*count = ARRAY_SIZE(wcfb_crc_sources);
	return wcfb_crc_sources;
}

int wcfb_crc_verify_source(struct drm_crtc *crtc, const char *source,
			   size_t *values_cnt)
{
	if (source && strcmp(source, "auto")) {
		drm_dbg_kms(crtc->dev, "CRC source \"%s\" unknown: only \"auto\"\n",
			    source);
		return -EINVAL;
	}
	*values_cnt = 1;
	return 0;
}

int wcfb_crc_set_source(struct drm_crtc *crtc, const char *source)
{
	struct wcfb_crc *crc = &to_wcfb_output(crtc)->crc;
	struct wcfb_device *wcfb = to_wcfb_device(crtc->dev);
	bool on = source && !strcmp(source, "auto");

	if (source && !on)
		return -EINVAL;
	/* Frames that are not black need the blitter. */
	if (on && !wcfb_composer_available(wcfb)) {
		drm_dbg_kms(crtc->dev, "CRC capture needs a working blitter\n");
		return -ENODEV;
	}
	mutex_lock(&crc->lock);
	if (on)
		wcfb_crc_hold_vblank(crtc, crc);
	else
		wcfb_crc_drop_vblank(crtc, crc);
	WRITE_ONCE(crc->on, on);
	spin_lock_irq(&crc->pending_lock);
	crc->last_frame = -1;
	crc->pending_count = 0;
	spin_unlock_irq(&crc->pending_lock);
	mutex_unlock(&crc->lock);
	if (!on)
		cancel_work_sync(&crc->work);
	return 0;
}

/**
 * wcfb_crc_crtc_on - the CRTC is on: capture takes the vblank reference
 *                    the CRTC refused while it was off
 * @crtc: the CRTC, after drm_crtc_vblank_on()
 * @crc: its capture
 */
void wcfb_crc_crtc_on(struct drm_crtc *crtc, struct wcfb_crc *crc)
{
	mutex_lock(&crc->lock);
	if (crc->on)
		wcfb_crc_hold_vblank(crtc, crc);
	mutex_unlock(&crc->lock);
}
