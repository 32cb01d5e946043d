// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb debugfs: /sys/kernel/debug/dri/<minor>/{pool,prime,scanout,vblank,fbdev,
 * jobs}.
 *
 * One "key value" pair per line, values in decimal except addresses
 * (0x-prefixed hex), so that a shell test can grep them.
 *
 * pool:
 *	layout cma|nomap
 *	base 0x70000000
 *	size 268435456
 *	objects 2		live pool-backed GEM objects
 *	requested 6291456	sum of their sizes
 *	consumed 6291456	pool bytes they take (see wcfb_pool_consumed())
 *	peak 9437184		highest "consumed" so far
 *	internal 8192		pool bytes held by the engine itself
 *	free 262135808		size - internal - consumed (a buffer that
 *				large may still not fit: alignment, holes)
 *	obj 0x70100000 3145728	one line per live object: DMA address and
 *				size in bytes, oldest first
 *
 * prime:
 *	cached_objects 1	live cached (shmem) objects
 *	exports_wc 0		live dma-bufs exported from scanout buffers
 *	exports_cached 0	live dma-bufs exported from cached buffers
 *	imports 0		live objects imported from foreign dma-bufs
 *
 * scanout:
 *	addr 0x70100000
 *	format XR24
 *	width 1024
 *	height 768
 *	stride 4096
 *	parked 0|1
 *	flips 12
 *	writes 15
 *	errors 0
 *	show direct		what the screen shows: off, blank (no plane
 *				visible), direct (the primary's framebuffer,
 *				zero copies) or composed (wcfb_composer.c)
 *	composed 40		frames composed by the blitter
 *	compose_failed 0	compositions that failed (the frame before
 *				stayed on screen)
 *	compose_mean_us 2100	mean time per composed frame, job built to
 *				fence signalled
 *	compose_slow 0		composed frames that took half a frame or
 *				more (they may miss their vblank)
 *	cursor_async 7		cursor moves made without a commit (legacy
 *				cursor ioctls; composed and latched at once)
 *	cursor_unchanged 2	of those, moves that changed nothing (to the
 *				cursor's own place): nothing composed
 *
 * vblank (the simulated vblank; timer_* since the driver was bound):
 *	period_ns 16666666	frame duration of the current mode
 *	count 1234		drm_crtc_vblank_count()
 *	timer_fires 1200	vblank timer interrupts handled
 *	timer_late_mean_ns 80000  their mean lateness behind the vblank each
 *				reports (the host's, not the driver's: the
 *				vblank times themselves come from the clock)
 *	timer_late_max_ns 900000  the worst
 *	timer_late_1ms 3	interrupts 1 ms or more late
 *	timer_overruns 0	vblanks the timer skipped (over a frame late;
 *				still counted, see wcfb_kms.c)
 *	crc_missed 0		vblanks with capture on that got no CRC entry
 *	crc_direct 500		of the entries, those reported from the
 *				vblank's interrupt (the screen's CRC known:
 *				a composed frame's, from its own job)
 *
 * jobs (blitter job submission, wcfb_job.c; totals since the driver was
 * bound, for a client's own means from differences):
 *	pushed 300		jobs queued on the scheduler, every entity
 *	push_wake_ns 24000000	their time in drm_sched_entity_push_job(): the
 *				scheduler thread's wakeup
 *	blit_ioctls 120		BLIT ioctls that queued a job
 *	blit_ioctl_ns 30000000	their time in the driver, entry to return
 *
 * fbdev (the console's damage flushes, fbdev/wcfb_fbdev.c; counted since
 * the driver was bound):
 *	mode auto		console_flush: auto, engine or cpu
 *	engine_flushes 120	rectangles copied by the blitter
 *	cpu_flushes 0		rectangles copied by the CPU
 *	cpu_chosen 0		the part of cpu_flushes taken because the CPU
 *				was faster for flushes of that size (auto)
 *	engine_failures 0	engine copies that failed, redone by the CPU
 *	bytes 377487360		bytes of the flushed rectangles
 *	engine_mean_us 812.345	mean time per engine flush (sync, submit,
 *				fence), microseconds
 *	cpu_mean_us 0.000	mean time per CPU copy
 *	engine_ns 97481400	total time of the engine flushes
 *	sync_ns 1234567		the part of it spent syncing the shadow for
 *				the engine (cache clean; bouncing under
 *				swiotlb)
 *	submit_ns 2345678	the part spent queueing the copy (the rest
 *				is the wait for its fence)
 *	cpu_ns 0		total time of the CPU copies
 */

#include <linux/math64.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_vblank.h>

#include "wcfb_composer.h"
#include "wcfb_drv.h"
#include "wcfb_fbdev.h"
#include "wcfb_gem.h"
#include "wcfb_job.h"
#include "wcfb_scanout.h"

static const char *const wcfb_show_names[] = {
	[WCFB_SHOW_NOTHING] = "off",
	[WCFB_SHOW_BLANK] = "blank",
	[WCFB_SHOW_DIRECT] = "direct",
	[WCFB_SHOW_COMPOSED] = "composed",
};

static int wcfb_debugfs_pool_show(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;
	struct wcfb_device *wcfb = to_wcfb_device(node->minor->dev);
	struct wcfb_pool *pool = &wcfb->pool;
	u64 avail = wcfb_pool_available(wcfb);
	struct wcfb_bo *bo;

	seq_printf(m, "layout %s\n", pool->nomap ? "nomap" : "cma");
	seq_printf(m, "base 0x%llx\n", (u64)pool->base);
	seq_printf(m, "size %llu\n", pool->size);

	mutex_lock(&pool->lock);
	seq_printf(m, "objects %u\n", pool->live_objects);
	seq_printf(m, "requested %llu\n", pool->bytes_requested);
	seq_printf(m, "consumed %llu\n", pool->bytes_consumed);
	seq_printf(m, "peak %llu\n", pool->peak_consumed);
	seq_printf(m, "internal %llu\n",
		   wcfb_scanout_pool_bytes(wcfb->scanout));
	seq_printf(m, "free %llu\n", avail > pool->bytes_consumed ?
		   avail - pool->bytes_consumed : 0);
	list_for_each_entry(bo, &pool->objects, scanout.pool_node)
		seq_printf(m, "obj 0x%llx %zu\n", (u64)bo->dma.dma_addr,
			   wcfb_bo_obj(bo)->size);
	mutex_unlock(&pool->lock);

	return 0;
}

static int wcfb_debugfs_scanout_show(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;
	struct wcfb_device *wcfb = to_wcfb_device(node->minor->dev);
	struct wcfb_scanout_state st;
	s64 n;
	u32 f;

	wcfb_scanout_get_state(wcfb->scanout, &st);
	f = st.cfg.fourcc;

	seq_printf(m, "addr 0x%llx\n", (u64)st.cfg.addr);
	seq_printf(m, "format %c%c%c%c\n", f & 0xff, (f >> 8) & 0xff,
		   (f >> 16) & 0xff, (f >> 24) & 0xff);
	seq_printf(m, "width %u\n", st.cfg.width);
	seq_printf(m, "height %u\n", st.cfg.height);
	seq_printf(m, "stride %u\n", st.cfg.stride);
	seq_printf(m, "parked %d\n", st.parked);
	seq_printf(m, "flips %lld\n",
		   (long long)atomic64_read(&wcfb->output.flips));
	seq_printf(m, "writes %llu\n", st.writes);
	seq_printf(m, "errors %llu\n", st.errors);
	seq_printf(m, "show %s\n", wcfb_show_names[READ_ONCE(wcfb->output.show)]);
	seq_printf(m, "composed %lld\n",
		   (long long)atomic64_read(&wcfb->output.composed));
	seq_printf(m, "compose_failed %lld\n",
		   (long long)atomic64_read(&wcfb->output.compose_failed));
	n = atomic64_read(&wcfb->output.composed);
	seq_printf(m, "compose_mean_us %lld\n",
		   n ? div64_s64(atomic64_read(&wcfb->output.compose_ns),
				 n * NSEC_PER_USEC) : 0);
	seq_printf(m, "compose_slow %lld\n",
		   (long long)atomic64_read(&wcfb->output.compose_slow));
	seq_printf(m, "cursor_async %lld\n",
		   (long long)atomic64_read(&wcfb->output.cursor_async));
	seq_printf(m, "cursor_unchanged %lld\n",
		   (long long)atomic64_read(&wcfb->output.cursor_unchanged));

	return 0;
}

static int wcfb_debugfs_vblank_show(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;
	struct wcfb_output *out = &to_wcfb_device(node->minor->dev)->output;
	u64 fires = atomic64_read(&out->timer_fires);

	seq_printf(m, "period_ns %lld\n", ktime_to_ns(out->vblank_period));
	seq_printf(m, "count %llu\n", drm_crtc_vblank_count(&out->crtc));
	seq_printf(m, "timer_fires %llu\n", fires);
	seq_printf(m, "timer_late_mean_ns %llu\n",
		   fires ? div64_u64(atomic64_read(&out->timer_late_ns), fires) : 0);
	seq_printf(m, "timer_late_max_ns %lld\n",
		   (long long)atomic64_read(&out->timer_late_max_ns));
	seq_printf(m, "timer_late_1ms %lld\n",
		   (long long)atomic64_read(&out->timer_late_1ms));
	seq_printf(m, "timer_overruns %lld\n",
		   (long long)atomic64_read(&out->timer_overruns));
	seq_printf(m, "crc_missed %lld\n",
		   (long long)atomic64_read(&out->crc.missed));
	seq_printf(m, "crc_direct %lld\n",
		   (long long)atomic64_read(&out->crc.direct));
	return 0;
}

static int wcfb_debugfs_prime_show(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;
	struct wcfb_device *wcfb = to_wcfb_device(node->minor->dev);

	seq_printf(m, "cached_objects %d\n", atomic_read(&wcfb->live_cached));
	seq_printf(m, "exports_wc %d\n", atomic_read(&wcfb->live_exports));
	seq_printf(m, "exports_cached %d\n",
		   atomic_read(&wcfb->live_exports_cached));
	seq_printf(m, "imports %d\n", atomic_read(&wcfb->live_imports));
	return 0;
}

static int wcfb_debugfs_fbdev_show(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;

	wcfb_fbdev_stats_show(to_wcfb_device(node->minor->dev), m);
	return 0;
}

static int wcfb_debugfs_jobs_show(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;

	wcfb_job_stats_show(to_wcfb_device(node->minor->dev), m);
	return 0;
}

static const struct drm_info_list wcfb_debugfs_list[] = {
	{ "jobs", wcfb_debugfs_jobs_show, 0, NULL },
	{ "fbdev", wcfb_debugfs_fbdev_show, 0, NULL },
	{ "pool", wcfb_debugfs_pool_show, 0, NULL },
	{ "prime", wcfb_debugfs_prime_show, 0, NULL },
	{ "vblank", wcfb_debugfs_vblank_show, 0, NULL },
	{ "scanout", wcfb_debugfs_scanout_show, 0, NULL },
};

/**
 * wcfb_debugfs_init - &drm_driver.debugfs_init
 * @minor: the DRM minor whose debugfs directory gets the files
 */
void wcfb_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(wcfb_debugfs_list,
				 ARRAY_SIZE(wcfb_debugfs_list),
				 minor->debugfs_root, minor);
}
