/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb blitter jobs: the one object every use of the blitter goes through
 * (BLIT ioctls, the console's flushes), scheduled by the DRM GPU
 * scheduler.  See wcfb_job.c.
 */
#ifndef WCFB_JOB_H
#define WCFB_JOB_H

#include <linux/kref.h>
#include <linux/types.h>

#include <drm/gpu_scheduler.h>

#include "wcfb_blitter.h"

struct dma_fence;
struct drm_file;
struct seq_file;
struct wcfb_bo;
struct wcfb_device;

/* Jobs on the engine at once: the scheduler's credit limit. */
#define WCFB_JOB_IN_FLIGHT	4u

/**
 * struct wcfb_job_buf - a buffer a job uses
 * @bo: the buffer (a reference held by the job)
 * @write: the job writes it (its fence goes into the buffer's dma_resv as
 *         WRITE, and it waits for every earlier user; a reader waits for
 *         earlier writers only)
 */
struct wcfb_job_buf {
	struct wcfb_bo *bo;
	bool write;
};

/**
 * struct wcfb_job - a batch of blitter descriptors and what it holds
 * @base: the scheduler's job; its finished fence is the job's out-fence
 * @hw: the engine's part, on the ring from run_job on
 * @wcfb: the device
 * @refcount: the caller's until wcfb_job_push() returns, the scheduler's
 *            until free_job
 * @bufs: the buffers, each once (after wcfb_job_push())
 * @nbufs: entries of @bufs
 * @max_bufs: room in @bufs and @objs
 * @objs: wcfb_job_push()'s list of @bufs' objects, for their locks
 * @descs: the descriptors, with the buffers' engine SG tables filled in
 * @ndescs: entries of @descs
 * @hold: optional: driver memory the descriptors point at outside any
 *        buffer (the console's shadow), held until the job is freed
 * @hold_release: release function of @hold
 * @hw_fence: the engine's fence once the job ran (a reference)
 */
struct wcfb_job {
	struct drm_sched_job base;
	struct wcfb_blitter_job hw;
	struct wcfb_device *wcfb;
	struct kref refcount;
	struct wcfb_job_buf *bufs;
	unsigned int nbufs;
	unsigned int max_bufs;
	struct drm_gem_object **objs;
	struct wcfb_eng_desc *descs;
	u32 ndescs;
	struct kref *hold;
	void (*hold_release)(struct kref *ref);
	struct dma_fence *hw_fence;
};

int wcfb_job_init(struct wcfb_device *wcfb);
int wcfb_job_open(struct wcfb_device *wcfb, struct drm_file *file);
void wcfb_job_postclose(struct drm_file *file);
u32 wcfb_job_max_descs(struct wcfb_device *wcfb);

struct wcfb_job *wcfb_job_alloc(struct wcfb_device *wcfb,
				struct drm_file *file, u32 ndescs,
				unsigned int max_bufs);
int wcfb_job_add_buf(struct wcfb_job *job, struct wcfb_bo *bo, bool write,
		     struct wcfb_blitter_table **tab);
struct drm_gem_object *wcfb_job_lookup_buf(struct wcfb_job *job,
					   struct drm_file *file, u32 handle,
					   bool write);
int wcfb_job_buf_table(struct wcfb_job *job, unsigned int i,
		       struct wcfb_blitter_table **tab);
int wcfb_job_add_fence(struct wcfb_job *job, struct dma_fence *fence);
int wcfb_job_push(struct wcfb_job *job, struct dma_fence **done);
void wcfb_job_free(struct wcfb_job *job);
int wcfb_job_wait(struct wcfb_device *wcfb, struct dma_fence *fence);
void wcfb_job_stats_show(struct wcfb_device *wcfb, struct seq_file *m);

#endif /* WCFB_JOB_H */
