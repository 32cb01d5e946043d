// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb blitter jobs on the DRM GPU scheduler.
 *
 * A job's life:
 *
 *   ioctl / console    wcfb_job_alloc() (one allocation: the job, its
 *                      descriptors and buffer lists), wcfb_job_add_buf()
 *                      per buffer, or wcfb_job_lookup_buf() per handle
 *                      and wcfb_job_buf_table() (a reference; the buffer's
 *                      engine mapping is made on first use),
 *                      wcfb_job_add_fence() for an in-fence
 *   wcfb_job_push()    locks the buffers' reservations, makes their fences
 *                      the job's dependencies (readers wait for writers,
 *                      writers for everybody), arms the job, puts its
 *                      finished fence into the reservations and queues it
 *                      on the client's entity: nothing waits
 *   run_job            once the dependencies have signalled, in the
 *                      scheduler's thread: each buffer is handed to the
 *                      engine (&wcfb_bo_ops.to_engine: sync for the
 *                      device), the descriptors go on the ring and the
 *                      doorbell rings (wcfb_blitter_submit())
 *   interrupt          the engine retires the descriptors; each buffer is
 *                      handed back (&wcfb_bo_ops.from_engine: an import it
 *                      wrote is synced for the CPU), the error goes to the
 *                      finished fence, the hardware fence signals, then
 *                      the finished fence
 *   free_job           the scheduler's reference on the job is put; the
 *                      buffers' references go with the job's last one
 *                      (free_job's, or wcfb_job_push()'s if the job was
 *                      done before the push returned)
 *
 * The engine executes in ring order, so the scheduler's own rules are
 * right for dependencies between our jobs: a job waits only for an
 * earlier job of another entity to be on the ring, and not at all for one
 * of its own entity.  Only the buffers' kinds need more: a sync for the
 * device must not run under a job still writing the buffer, which the
 * imported kind counts itself (wcfb_prime.c) and the cached kind's
 * ownership rules exclude (wcfb_gem_cached.c).
 *
 * A job that runs longer than the engine's timeout is the scheduler's
 * timedout_job: the engine is reset (wcfb_blitter_recover()), every job it
 * had fails with -ETIMEDOUT, and the next jobs run on the reset engine.
 * A dead engine fails run_job with -ENODEV; the ioctls say -ENODEV first.
 *
 * One entity per open file, at normal priority, and one for the driver's
 * own jobs (the console) at kernel priority.  The scheduler lives as long
 * as the drm_device: an entity of a file closed after the display was
 * unbound still needs it, and its jobs find a dead engine.
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/sched.h>
#include <linux/sched/rt.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/gpu_scheduler.h>

#include "wcfb_drv.h"
#include "wcfb_blitter.h"
#include "wcfb_gem.h"
#include "wcfb_job.h"

/**
 * struct wcfb_file - per-file state
 * @entity: the file's scheduler entity
 */
struct wcfb_file {
	struct drm_sched_entity entity;
};

static struct wcfb_job *to_wcfb_job(struct drm_sched_job *sj)
{
	return container_of(sj, struct wcfb_job, base);
}

/* Before the hardware fence signals, engine lock held, interrupts off. */
static void wcfb_job_hw_complete(struct wcfb_blitter_job *hw)
{
	struct wcfb_job *job = container_of(hw, struct wcfb_job, hw);
	unsigned int i;

	for (i = 0; i < job->nbufs; i++)
		wcfb_bo_from_engine(job->bufs[i].bo, job->bufs[i].write);
	/* The scheduler does not pass the hardware fence's error on. */
	if (hw->error)
		dma_fence_set_error(&job->base.s_fence->finished, hw->error);
}

static struct dma_fence *wcfb_job_run(struct drm_sched_job *sj)
{
	struct wcfb_job *job = to_wcfb_job(sj);
	struct dma_fence *fence;
	unsigned int i;
	int ret;

	/*
	 * The scheduler's thread makes itself SCHED_FIFO.  Every job pushed
	 * wakes it, and at that priority it preempts the submitter on its
	 * CPU: the BLIT ioctl would then run the thread's dependency checks
	 * and the freeing of finished jobs before it returns (2 ms with an
	 * unsignalled in-fence on a 2-CPU guest, against a 100 us target).
	 * The engine needs no real-time submission: at normal priority the
	 * thread runs when the submitter sleeps or on the other CPU.
	 */
	if (unlikely(rt_task(current)))
		sched_set_normal(current, 0);

	for (i = 0; i < job->nbufs; i++)
		wcfb_bo_to_engine(job->bufs[i].bo);
	job->hw.complete = wcfb_job_hw_complete;
	ret = wcfb_blitter_submit(job->wcfb->engine, &job->hw, job->descs,
				  job->ndescs, &fence);
	if (ret) {
		for (i = 0; i < job->nbufs; i++)
			wcfb_bo_from_engine(job->bufs[i].bo, false);
		return ERR_PTR(ret);
	}
	job->hw_fence = dma_fence_get(fence);
	return fence;
}

static enum drm_gpu_sched_stat wcfb_job_timedout(struct drm_sched_job *sj)
{
	struct wcfb_job *job = to_wcfb_job(sj);
	struct drm_gpu_scheduler *sched = sj->sched;
	struct wcfb_blitter *eng = job->wcfb->engine;

	/*
	 * A late or lost interrupt is no hang.  Then the job goes back to
	 * the pending list, which the scheduler took it off (as etnaviv's
	 * timedout_job does in 6.1).
	 */
	wcfb_blitter_poll(eng);
	if (!job->hw_fence || dma_fence_is_signaled(job->hw_fence)) {
		spin_lock(&sched->job_list_lock);
		list_add(&sj->list, &sched->pending_list);
		spin_unlock(&sched->job_list_lock);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}

	/* Parks the thread: not while wcfb_job_postclose() parks it. */
	mutex_lock(&job->wcfb->sched_park_lock);
	drm_sched_stop(sched, sj);
	/* Every job on the engine completes or fails with -ETIMEDOUT. */
	wcfb_blitter_recover(eng);
	/* Their hardware fences have signalled: the jobs finish. */
	drm_sched_start(sched, true);
	mutex_unlock(&job->wcfb->sched_park_lock);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void wcfb_job_release(struct kref *ref)
{
	struct wcfb_job *job = container_of(ref, struct wcfb_job, refcount);
	unsigned int i;

	for (i = 0; i < job->nbufs; i++)
		drm_gem_object_put(wcfb_bo_obj(job->bufs[i].bo));
	if (job->hold)
		kref_put(job->hold, job->hold_release);
	dma_fence_put(job->hw_fence);
	kvfree(job);
}

static void wcfb_job_free_job(struct drm_sched_job *sj)
{
	struct wcfb_job *job = to_wcfb_job(sj);

	drm_sched_job_cleanup(sj);
	kref_put(&job->refcount, wcfb_job_release);
}

static const struct drm_sched_backend_ops wcfb_sched_ops = {
	.run_job = wcfb_job_run,
	.timedout_job = wcfb_job_timedout,
	.free_job = wcfb_job_free_job,
};

static void wcfb_job_fini(struct drm_device *drm, void *arg)
{
	struct wcfb_device *wcfb = to_wcfb_device(drm);

	drm_sched_entity_destroy(&wcfb->kernel_entity);
	drm_sched_fini(&wcfb->sched);
}

/**
 * wcfb_job_init - the scheduler and the driver's own entity
 * @wcfb: the device, with its blitter
 *
 * Return: 0 or a negative error code.
 */
int wcfb_job_init(struct wcfb_device *wcfb)
{
	struct drm_gpu_scheduler *sched = &wcfb->sched;
	struct wcfb_blitter_info info;
	struct drm_sched_init_args args = {
		.ops = &wcfb_sched_ops,
		.credit_limit = WCFB_JOB_IN_FLIGHT,
		.name = "wcfb-blitter",
		.dev = wcfb->drm.dev,
	};
	int ret;

	wcfb_blitter_get_info(wcfb->engine, &info);
	args.timeout = msecs_to_jiffies(info.timeout_ms);
	ret = drmm_mutex_init(&wcfb->drm, &wcfb->sched_park_lock);
	if (ret)
		return ret;
	ret = drmm_mutex_init(&wcfb->drm, &wcfb->sched_push_lock);
	if (ret)
		return ret;
	ret = drm_sched_init(sched, &args);
	if (ret)
		return ret;
	ret = drm_sched_entity_init(&wcfb->kernel_entity,
				    DRM_SCHED_PRIORITY_KERNEL, &sched, 1, NULL);
	if (ret) {
		drm_sched_fini(sched);
		return ret;
	}
	return drmm_add_action_or_reset(&wcfb->drm, wcfb_job_fini, NULL);
}

/**
 * wcfb_job_max_descs - descriptors a job may have
 * @wcfb: the device, with its blitter
 *
 * The ring holds WCFB_JOB_IN_FLIGHT jobs of this size at once.
 *
 * Return: the largest job.
 */
u32 wcfb_job_max_descs(struct wcfb_device *wcfb)
{
	struct wcfb_blitter_info info;

	wcfb_blitter_get_info(wcfb->engine, &info);
	return info.max_batch / WCFB_JOB_IN_FLIGHT;
}

/**
 * wcfb_job_open - &drm_driver.open: the file's entity
 * @wcfb: the device
 * @file: the new file
 *
 * Return: 0 or -ENOMEM.
 */
int wcfb_job_open(struct wcfb_device *wcfb, struct drm_file *file)
{
	struct drm_gpu_scheduler *sched = &wcfb->sched;
	struct wcfb_file *wf;
	int ret;

	if (!wcfb->engine)
		return 0;
	wf = kzalloc(sizeof(*wf), GFP_KERNEL);
	if (!wf)
		return -ENOMEM;
	ret = drm_sched_entity_init(&wf->entity, DRM_SCHED_PRIORITY_NORMAL,
				    &sched, 1, NULL);
	if (ret) {
		kfree(wf);
		return ret;
	}
	file->driver_priv = wf;
	return 0;
}

/**
 * wcfb_job_postclose - &drm_driver.postclose: the file's entity goes
 * @file: the file
 *
 * Its queued jobs still run first: the close waits for them (killably;
 * an exiting process waits up to a second, then they are dropped with
 * -ESRCH); jobs on the engine complete.
 */
void wcfb_job_postclose(struct drm_file *file)
{
	struct wcfb_device *wcfb = to_wcfb_device(file->minor->dev);
	struct wcfb_file *wf = file->driver_priv;

	if (!wf)
		return;
	drm_sched_entity_destroy(&wf->entity);
	/*
	 * 6.1's drm_sched_entity_fini() waits for the scheduler's thread to
	 * be done with the entity only while jobs are still queued on it.
	 * When the thread has just taken the last one, it completes the
	 * entity's entity_idle after run_job -- after the kfree() below,
	 * without this (KASAN: use-after-free in drm_sched_main()).  The
	 * entity is off the run queue now; parking the thread waits for the
	 * round it is in to end.
	 */
	mutex_lock(&wcfb->sched_park_lock);
	kthread_park(wcfb->sched.thread);
	kthread_unpark(wcfb->sched.thread);
	mutex_unlock(&wcfb->sched_park_lock);
	kfree(wf);
}

/* Bytes of a job with room for @ndescs descriptors and @max_bufs buffers. */
static size_t wcfb_job_size(u32 ndescs, unsigned int max_bufs)
{
	size_t per_buf = sizeof(struct wcfb_job_buf) +
			 sizeof(struct drm_gem_object *);

	return size_add(size_add(sizeof(struct wcfb_job),
				 array_size(ndescs,
					    sizeof(struct wcfb_eng_desc))),
			array_size(max_bufs, per_buf));
}

/**
 * wcfb_job_alloc - a new job
 * @wcfb: the device, with its blitter
 * @file: the client whose entity queues it, NULL for the driver's own
 * @ndescs: descriptors, 1..wcfb_job_max_descs(); zeroed for the caller
 * @max_bufs: buffers the caller will add at most
 *
 * The job, its descriptors and its buffer lists are one allocation, freed
 * with the job's last reference: wcfb_job_push() needs no list of its own
 * and may unlock from the job's after the job ran.
 *
 * Return: the job, or an ERR_PTR().  Until wcfb_job_push() succeeds the
 * job is the caller's, to free with wcfb_job_free().
 */
struct wcfb_job *wcfb_job_alloc(struct wcfb_device *wcfb,
				struct drm_file *file, u32 ndescs,
				unsigned int max_bufs)
{
	struct drm_sched_entity *entity = &wcfb->kernel_entity;
	struct wcfb_job *job;
	int ret;

	if (file) {
		struct wcfb_file *wf = file->driver_priv;

		if (!wf)
			return ERR_PTR(-ENODEV);
		entity = &wf->entity;
	}
	/* Each part needs pointer alignment, which every size keeps. */
	BUILD_BUG_ON(sizeof(struct wcfb_job) % sizeof(void *) ||
		     sizeof(struct wcfb_eng_desc) % sizeof(void *) ||
		     sizeof(struct wcfb_job_buf) % sizeof(void *));
	job = kvzalloc(wcfb_job_size(ndescs, max_bufs), GFP_KERNEL);
	if (!job)
		return ERR_PTR(-ENOMEM);
	kref_init(&job->refcount);
	job->wcfb = wcfb;
	job->descs = (struct wcfb_eng_desc *)(job + 1);
	job->ndescs = ndescs;
	job->bufs = (struct wcfb_job_buf *)(job->descs + ndescs);
	job->objs = (struct drm_gem_object **)(job->bufs + max_bufs);
	job->max_bufs = max_bufs;
	ret = drm_sched_job_init(&job->base, entity, wcfb);
	if (ret) {
		kvfree(job);
		return ERR_PTR(ret);
	}
	return job;
}

/**
 * wcfb_job_free - free a job that was not pushed
 * @job: the job
 */
void wcfb_job_free(struct wcfb_job *job)
{
	drm_sched_job_cleanup(&job->base);
	kref_put(&job->refcount, wcfb_job_release);
}

/**
 * wcfb_job_add_buf - a buffer the job's descriptors use
 * @job: the job, not pushed yet
 * @bo: the buffer; the job takes a reference of its own
 * @write: the job writes it
 * @tab: the buffer's engine SG table, for the descriptors
 *
 * The same buffer may be added more than once (as a source and as a
 * destination, or by several descriptors).
 *
 * Return: 0, or the kind's error from mapping it for the engine.
 */
int wcfb_job_add_buf(struct wcfb_job *job, struct wcfb_bo *bo, bool write,
		     struct wcfb_blitter_table **tab)
{
	int ret;

	if (WARN_ON(job->nbufs >= job->max_bufs))
		return -EINVAL;
	ret = wcfb_bo_engine_table(bo, job->wcfb->engine, tab);
	if (ret)
		return ret;
	drm_gem_object_get(wcfb_bo_obj(bo));
	job->bufs[job->nbufs].bo = bo;
	job->bufs[job->nbufs++].write = write;
	return 0;
}

/**
 * wcfb_job_lookup_buf - a client's buffer, by handle, for the job
 * @job: the job, not pushed yet
 * @file: the client
 * @handle: its GEM handle
 * @write: the job writes it
 *
 * The lookup's reference is the job's: it is dropped when the job is
 * freed.  The buffer is not mapped for the engine yet; wcfb_job_buf_table()
 * does that, once the whole batch has been checked.
 *
 * Return: the object, or NULL for a handle that names none.
 */
struct drm_gem_object *wcfb_job_lookup_buf(struct wcfb_job *job,
					   struct drm_file *file, u32 handle,
					   bool write)
{
	struct drm_gem_object *obj;

	if (WARN_ON(job->nbufs >= job->max_bufs))
		return NULL;
	obj = drm_gem_object_lookup(file, handle);
	if (!obj)
		return NULL;
	job->bufs[job->nbufs].bo = to_wcfb_bo(obj);
	job->bufs[job->nbufs++].write = write;
	return obj;
}

/**
 * wcfb_job_buf_table - the engine SG table of the job's @i-th buffer
 * @job: the job, not pushed yet
 * @i: index in the order the buffers were added or looked up
 * @tab: the table, for the descriptors
 *
 * Return: 0, or the kind's error from mapping it for the engine.
 */
int wcfb_job_buf_table(struct wcfb_job *job, unsigned int i,
		       struct wcfb_blitter_table **tab)
{
	return wcfb_bo_engine_table(job->bufs[i].bo, job->wcfb->engine, tab);
}

/**
 * wcfb_job_add_fence - an explicit dependency (an in-fence)
 * @job: the job, not pushed yet
 * @fence: the fence; the reference is the job's, also on failure
 *
 * Return: 0 or -ENOMEM.
 */
int wcfb_job_add_fence(struct wcfb_job *job, struct dma_fence *fence)
{
	return drm_sched_job_add_dependency(&job->base, fence);
}

static int wcfb_job_buf_cmp(const void *a, const void *b)
{
	const struct wcfb_job_buf *x = a, *y = b;

	if (x->bo != y->bo)
		return x->bo < y->bo ? -1 : 1;
	return 0;
}

/* Each buffer once, written if any use writes it; drops the extra refs. */
static void wcfb_job_merge_bufs(struct wcfb_job *job)
{
	unsigned int i, u = 0;

	sort(job->bufs, job->nbufs, sizeof(*job->bufs), wcfb_job_buf_cmp,
	     NULL);
	for (i = 0; i < job->nbufs; i++) {
		if (u && job->bufs[u - 1].bo == job->bufs[i].bo) {
			job->bufs[u - 1].write |= job->bufs[i].write;
			drm_gem_object_put(wcfb_bo_obj(job->bufs[i].bo));
			continue;
		}
		job->bufs[u++] = job->bufs[i];
	}
	job->nbufs = u;
}

/**
 * wcfb_job_push - queue a job
 * @job: the job, with its descriptors and buffers
 * @done: the job's finished fence, a reference for the caller
 *
 * The buffers' fences become the job's dependencies and the job's fence
 * goes into their reservations, under their locks; nothing waits.  A job
 * already done when the push returns is freed here, its buffers' references
 * with it: a caller keeps its own reference on what it still uses after.
 *
 * Return: 0 once queued (the job is the scheduler's now, and may already
 * be freed), or a negative error code (-EDEADLK never: the locks are
 * taken with a ww context); the job is still the caller's then.
 */
int wcfb_job_push(struct wcfb_job *job, struct dma_fence **done)
{
	struct wcfb_device *wcfb = job->wcfb;
	struct drm_gem_object **objs = job->objs;
	struct ww_acquire_ctx ctx;
	unsigned int i, n;
	u64 t0;
	int ret;

	wcfb_job_merge_bufs(job);
	n = job->nbufs;
	for (i = 0; i < n; i++)
		objs[i] = wcfb_bo_obj(job->bufs[i].bo);

	ret = drm_gem_lock_reservations(objs, n, &ctx);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		ret = dma_resv_reserve_fences(objs[i]->resv, 1);
		if (ret)
			goto out_unlock;
		ret = drm_sched_job_add_implicit_dependencies(&job->base,
							      objs[i],
							      job->bufs[i].write);
		if (ret)
			goto out_unlock;
	}

	/*
	 * Arm and push under one lock: an entity's queue order must be its
	 * fences' sequence order (drm_sched_entity_push_job()), and one
	 * entity has several submitters (a client's threads on one file;
	 * the commit tail, the console and the CRC worker on the driver's).
	 */
	mutex_lock(&wcfb->sched_push_lock);
	drm_sched_job_arm(&job->base);
	*done = dma_fence_get(&job->base.s_fence->finished);
	for (i = 0; i < n; i++)
		dma_resv_add_fence(objs[i]->resv, *done,
				   job->bufs[i].write ? DMA_RESV_USAGE_WRITE :
							DMA_RESV_USAGE_READ);
	/* The scheduler's, put by free_job: it may run before the unlock. */
	kref_get(&job->refcount);
	t0 = ktime_get_ns();
	drm_sched_entity_push_job(&job->base);
	atomic64_add(ktime_get_ns() - t0, &wcfb->job_stats.push_wake_ns);
	atomic64_inc(&wcfb->job_stats.pushed);
	mutex_unlock(&wcfb->sched_push_lock);
out_unlock:
	drm_gem_unlock_reservations(objs, n, &ctx);
	/* The caller's, once queued: @objs and the objects live until here. */
	if (!ret)
		kref_put(&job->refcount, wcfb_job_release);
	return ret;
}

/**
 * wcfb_job_wait - wait for a driver job the caller needs done
 * @wcfb: the device
 * @fence: the job's fence (from wcfb_job_push()); the reference is put
 *
 * For the commit tail and the CRC worker, which need the engine's result
 * before they go on.  Bounded: a job that hangs is failed by the
 * scheduler's timeout (reset, -ETIMEDOUT) well before the bound.
 *
 * Return: 0, or the job's error.
 */
int wcfb_job_wait(struct wcfb_device *wcfb, struct dma_fence *fence)
{
	struct wcfb_blitter_info info;
	long left;
	int ret;

	wcfb_blitter_get_info(wcfb->engine, &info);
	left = dma_fence_wait_timeout(fence, false,
				      msecs_to_jiffies(2 * info.timeout_ms +
						       1000));
	ret = left > 0 ? fence->error : left ? (int)left : -ETIMEDOUT;
	dma_fence_put(fence);
	return ret;
}

/**
 * wcfb_job_stats_show - the debugfs jobs file
 * @wcfb: the device
 * @m: the file
 *
 * Totals, so that a client takes the means of its own jobs from the
 * differences before and after.
 */
void wcfb_job_stats_show(struct wcfb_device *wcfb, struct seq_file *m)
{
	struct wcfb_job_stats *st = &wcfb->job_stats;

	seq_printf(m, "pushed %lld\n", (long long)atomic64_read(&st->pushed));
	seq_printf(m, "push_wake_ns %lld\n",
		   (long long)atomic64_read(&st->push_wake_ns));
	seq_printf(m, "blit_ioctls %lld\n",
		   (long long)atomic64_read(&st->blit_ioctls));
	seq_printf(m, "blit_ioctl_ns %lld\n",
		   (long long)atomic64_read(&st->blit_ioctl_ns));
}
