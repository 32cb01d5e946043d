// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb blitter engine: the PCI driver for the streaming-DMA 2D engine.
 *
 * The only file that knows the engine's registers (Documentation/
 * engine-protocol.md, hw/proto/wcfb_engine_proto.h).  The engine sits
 * behind QEMU's generic ivshmem-doorbell function (1af4:1110): BAR0 holds
 * the doorbell, BAR2 the engine's register block, MSI-X vector 0 the
 * completion interrupt.  The PCI ID says nothing, so the driver binds only
 * when BAR2 identifies itself as our engine.
 *
 * Work is a ring of 128-byte descriptors in coherent memory; a job is a
 * run of consecutive descriptors with one dma_fence.  The engine writes the
 * seqno of every completed descriptor (faulted ones included) to a
 * completion page; the interrupt handler retires every job whose last seqno
 * has been reached, so coalesced interrupts complete everything up to the
 * seqno.  A job whose descriptors did not all finish with status OK fails
 * its fence with -EIO.  Jobs come from the DRM GPU scheduler (wcfb_job.c),
 * whose timeout is the device tree's wcfb,timeout-ms: when a job runs
 * longer, the scheduler's timedout_job calls wcfb_blitter_recover(), which
 * resets the engine, fails every pending fence with -ETIMEDOUT and enables
 * the engine again.  An engine that halts on a configuration error is
 * reset the same way at once, from the interrupt's work item.  An engine
 * that does not come back from a reset, whose identification reads back
 * wrong, or that times out three times in a row without completing
 * anything is declared dead: later submissions fail with -ENODEV and the
 * display is not affected.
 *
 * The display holds a reference on &struct wcfb_blitter (wcfb_blitter_lookup()
 * to wcfb_blitter_put()): its scheduler may still hand jobs over after the
 * PCI function was unbound, and they must find a dead engine, not freed
 * memory.
 */

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-fence.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/kref.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <kunit/visibility.h>

#include "wcfb_blitter.h"

#define WCFB_BLITTER_NAME		"wcfb-blitter"
#define WCFB_BLITTER_RING_ENTRIES	1024u
#define WCFB_BLITTER_DEFAULT_TIMEOUT_MS	2000u
#define WCFB_BLITTER_MAX_TIMEOUTS	3u
#define WCFB_BLITTER_BAR_DOORBELL	0
#define WCFB_BLITTER_BAR_REGS		2

/**
 * struct wcfb_blitter - one bound engine
 * @pdev: the PCI function
 * @dev: &pdev->dev, the device every engine DMA mapping is made on
 * @bar0: ivshmem registers (doorbell)
 * @regs: the engine's register block (BAR2)
 * @irq: Linux IRQ of MSI-X vector 0
 * @doorbell: value written to the doorbell register to kick the engine
 * @timeout_ms: outstanding work older than this resets the engine
 * @info: what the engine declares
 * @ring: descriptor ring, coherent memory
 * @ring_dma: its DMA address
 * @ring_size: entries, a power of two
 * @cmpl: completion page, coherent memory
 * @cmpl_dma: its DMA address
 * @fence_context: the dma_fence context of this engine
 * @ref: the PCI driver's and the display's references
 * @submit_lock: serialises the producer side (ring writes, HEAD) and resets
 * @head: driver's producer index (free-running); under @submit_lock, and
 *        only reset under @lock too
 * @next_seqno: last seqno handed out; under @submit_lock
 * @lock: protects @pending, @retired, @timeouts
 * @pending: jobs handed to the engine, in ring order
 * @retired: ring index up to which descriptors were retired
 * @timeouts: consecutive resets without a completion in between
 * @dead: the engine is gone, submissions fail with -ENODEV
 * @removed: the PCI function was unbound: its registers, ring and
 *           completion page are gone; under @submit_lock
 * @space_wq: submitters waiting for ring space
 * @halt_work: resets an engine that halted, from its interrupt
 */
struct wcfb_blitter {
	struct kref ref;
	struct pci_dev *pdev;
	struct device *dev;
	void __iomem *bar0;
	void __iomem *regs;
	int irq;
	u32 doorbell;
	u32 timeout_ms;
	struct wcfb_blitter_info info;

	struct wcfb_eng_desc *ring;
	dma_addr_t ring_dma;
	u32 ring_size;
	struct wcfb_eng_completion *cmpl;
	dma_addr_t cmpl_dma;
	u64 fence_context;

	struct mutex submit_lock; /* producer side and resets */
	u32 head;
	u64 next_seqno;

	spinlock_t lock; /* pending list, retired index */
	struct list_head pending;
	u32 retired;
	unsigned int timeouts;
	bool dead;
	bool removed;

	wait_queue_head_t space_wq;
	struct work_struct halt_work;
};

/*
 * Every fence has its own lock: a signalled fence may outlive the engine
 * (in a dma_resv or a syncobj), and must not point into freed memory.
 */
struct wcfb_fence {
	struct dma_fence base;
	spinlock_t lock; /* the fence's lock */
};

static const char *wcfb_fence_driver_name(struct dma_fence *fence)
{
	return "wcfb";
}

static const char *wcfb_fence_timeline_name(struct dma_fence *fence)
{
	return "wcfb-blitter";
}

static const struct dma_fence_ops wcfb_fence_ops = {
	.get_driver_name = wcfb_fence_driver_name,
	.get_timeline_name = wcfb_fence_timeline_name,
};

static_assert(offsetof(struct wcfb_fence, base) == 0);

/*
 * ---- the ring ----
 *
 * Ring indices run free (u32, wrapping); a slot is index & (size - 1) with
 * size a power of two.  Free slots: size minus what was published (head)
 * and not yet retired.
 */

VISIBLE_IF_KUNIT u32 wcfb_ring_space(u32 head, u32 retired, u32 size)
{
	/* Unsigned subtraction is exact across the u32 wrap. */
	return size - (head - retired);
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_ring_space);

VISIBLE_IF_KUNIT u32 wcfb_ring_slot(u32 index, u32 size)
{
	return index & (size - 1);
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_ring_slot);

/*
 * Publish @count descriptors: copy them into @ring (@size slots, a power
 * of two) from free-running index @head on, wrapping at the end of the
 * ring, numbered *@seqno + 1, *@seqno + 2, ... (the engine writes each
 * number to the completion page when it is done) and marked pending.
 * Leaves the last number in *@seqno and returns it.  The caller has
 * checked the space (wcfb_ring_space()) and writes HEAD afterwards.
 */
VISIBLE_IF_KUNIT u64 wcfb_ring_write(struct wcfb_eng_desc *ring, u32 size,
				     u32 head, const struct wcfb_eng_desc *descs,
				     u32 count, u64 *seqno)
{
	u32 i;

	for (i = 0; i < count; i++) {
		struct wcfb_eng_desc *slot = &ring[wcfb_ring_slot(head + i, size)];

		memcpy(slot, &descs[i], sizeof(*slot));
		slot->seqno = cpu_to_le64(++*seqno);
		slot->status = cpu_to_le32(WCFB_ENG_ST_PENDING);
	}
	return *seqno;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_ring_write);

/* ------------------------------------------------------------ registers */

static u32 eng_read(struct wcfb_blitter *eng, u32 reg)
{
	return readl(eng->regs + reg);
}

static void eng_write(struct wcfb_blitter *eng, u32 reg, u32 val)
{
	writel(val, eng->regs + reg);
}

static void eng_write64(struct wcfb_blitter *eng, u32 reg, u64 val)
{
	/* Two 32-bit halves, low first (protocol section 2). */
	writel(lower_32_bits(val), eng->regs + reg);
	writel(upper_32_bits(val), eng->regs + reg + 4);
}

static void eng_kick(struct wcfb_blitter *eng)
{
	/*
	 * writel() orders every earlier register write (HEAD, CTRL) before
	 * the doorbell; the engine samples BAR2 when it is kicked.
	 */
	writel(eng->doorbell, eng->bar0 + WCFB_ENG_IVSHMEM_DOORBELL);
}

/* Does BAR2 still identify our engine with a sane STATUS? */
static bool eng_present(struct wcfb_blitter *eng)
{
	return eng_read(eng, WCFB_ENG_REG_MAGIC) == WCFB_ENG_MAGIC &&
	       eng_read(eng, WCFB_ENG_REG_STATUS) <= WCFB_ENG_STATUS_RESET_DONE;
}

static u32 eng_poll_ms(struct wcfb_blitter *eng)
{
	return max(eng->timeout_ms, 1000u);
}

/* RESET and wait for RESET_DONE; the engine abandons the ring. */
static int eng_hw_reset(struct wcfb_blitter *eng)
{
	u32 status;
	int ret;

	eng_write(eng, WCFB_ENG_REG_CTRL, WCFB_ENG_CTRL_RESET);
	eng_kick(eng);
	ret = readl_poll_timeout(eng->regs + WCFB_ENG_REG_STATUS, status,
				 status == WCFB_ENG_STATUS_RESET_DONE,
				 1000, eng_poll_ms(eng) * 1000);
	if (ret)
		dev_err(eng->dev, "engine did not reset (status %u)\n", status);
	return ret;
}

/* Configure the ring and completion page and ENABLE; after a reset. */
static int eng_hw_enable(struct wcfb_blitter *eng)
{
	u32 status;
	int ret;

	memset(eng->cmpl, 0, sizeof(*eng->cmpl));
	memset(eng->ring, 0, eng->ring_size * sizeof(*eng->ring));
	eng_write64(eng, WCFB_ENG_REG_RING_BASE, eng->ring_dma);
	eng_write(eng, WCFB_ENG_REG_RING_SIZE, eng->ring_size);
	eng_write64(eng, WCFB_ENG_REG_COMPLETION_ADDR, eng->cmpl_dma);
	eng_write(eng, WCFB_ENG_REG_HEAD, 0);
	/*
	 * The zeroed completion page and ring (coherent, uncached memory)
	 * must be in memory before the engine latches the configuration:
	 * writel() below starts with a write barrier.
	 */
	eng_write(eng, WCFB_ENG_REG_CTRL, WCFB_ENG_CTRL_ENABLE);
	eng_kick(eng);
	ret = readl_poll_timeout(eng->regs + WCFB_ENG_REG_STATUS, status,
				 status == WCFB_ENG_STATUS_IDLE ||
				 status == WCFB_ENG_STATUS_BUSY ||
				 status == WCFB_ENG_STATUS_HALTED,
				 1000, eng_poll_ms(eng) * 1000);
	if (!ret && status == WCFB_ENG_STATUS_HALTED) {
		dev_err(eng->dev, "engine refused its configuration: error %u\n",
			eng_read(eng, WCFB_ENG_REG_ERROR));
		ret = -EIO;
	} else if (ret) {
		dev_err(eng->dev, "engine did not come up (status %u)\n", status);
	}
	return ret;
}

/* ------------------------------------------------------------ completion */

/*
 * Signal @job's fence with @error (0: success) and let go of it: the
 * scheduler's job that embeds it may be freed as soon as the fence has
 * signalled.  Engine lock held.
 */
static void wcfb_blitter_job_signal(struct wcfb_blitter_job *job, int error)
{
	struct dma_fence *fence = job->fence;

	list_del(&job->node);
	job->error = error;
	if (error)
		dma_fence_set_error(fence, error);
	if (job->complete)
		job->complete(job);
	dma_fence_signal(fence);
	dma_fence_put(fence);
}

/*
 * Retire every pending job whose last seqno the engine has reached.
 * Called from the interrupt, the scheduler's timeout and the reset path.
 */
static void wcfb_blitter_retire(struct wcfb_blitter *eng)
{
	struct wcfb_blitter_job *job, *tmp;
	bool progress = false;
	unsigned long flags;
	u64 done;

	spin_lock_irqsave(&eng->lock, flags);
	done = le64_to_cpu(READ_ONCE(eng->cmpl->seqno));
	/*
	 * The engine writes the completion seqno last, with release
	 * ordering: read it before the descriptors' status words.
	 */
	dma_rmb();
	list_for_each_entry_safe(job, tmp, &eng->pending, node) {
		u32 i;

		if (job->last_seqno > done)
			break;
		for (i = 0; i < job->count; i++) {
			const struct wcfb_eng_desc *d =
				&eng->ring[wcfb_ring_slot(job->first + i, eng->ring_size)];

			if (le32_to_cpu(READ_ONCE(d->status)) != WCFB_ENG_ST_OK)
				job->error = -EIO;
		}
		eng->retired = job->first + job->count;
		wcfb_blitter_job_signal(job, job->error);
		progress = true;
	}
	if (progress)
		eng->timeouts = 0;
	spin_unlock_irqrestore(&eng->lock, flags);

	if (progress)
		wake_up_all(&eng->space_wq);
}

static irqreturn_t wcfb_blitter_irq(int irq, void *arg)
{
	struct wcfb_blitter *eng = arg;

	wcfb_blitter_retire(eng);
	/* A configuration error halts the engine: only a reset helps. */
	if (eng_read(eng, WCFB_ENG_REG_STATUS) == WCFB_ENG_STATUS_HALTED)
		schedule_work(&eng->halt_work);
	return IRQ_HANDLED;
}

/* Fail every pending job with @error; the engine no longer owns them. */
static void wcfb_blitter_fail_pending(struct wcfb_blitter *eng, int error)
{
	struct wcfb_blitter_job *job, *tmp;

	spin_lock_irq(&eng->lock);
	list_for_each_entry_safe(job, tmp, &eng->pending, node)
		wcfb_blitter_job_signal(job, error);
	eng->retired = 0;
	eng->head = 0;
	spin_unlock_irq(&eng->lock);
	wake_up_all(&eng->space_wq);
}

/*
 * Reset the engine and fail what it had not completed with @error.  The
 * reset comes first: until RESET_DONE the engine may still be writing into
 * the jobs' buffers, which the fences' signalling lets go of.  With
 * @reenable, enable the engine again; declare it dead if that fails.
 * Caller holds submit_lock.
 */
static void wcfb_blitter_mark_dead(struct wcfb_blitter *eng)
{
	spin_lock_irq(&eng->lock);
	eng->dead = true;
	spin_unlock_irq(&eng->lock);
}

static void wcfb_blitter_reset_locked(struct wcfb_blitter *eng, int error,
				      bool reenable)
{
	int ret;

	lockdep_assert_held(&eng->submit_lock);

	ret = eng_hw_reset(eng);
	/*
	 * An engine that did not come back is declared dead before the
	 * fences signal: a client woken by its failed fence must already
	 * see the blitter gone (HAS_BLITTER 0, -ENODEV), not a moment in
	 * which it still looks usable.
	 */
	if (ret || !eng_present(eng)) {
		dev_err(eng->dev, "engine does not respond: disabling the blitter\n");
		wcfb_blitter_mark_dead(eng);
		reenable = false;
	}
	/* Whatever completed before the reset completed successfully. */
	wcfb_blitter_retire(eng);
	wcfb_blitter_fail_pending(eng, error);

	if (reenable && eng_hw_enable(eng))
		wcfb_blitter_mark_dead(eng);
	wake_up_all(&eng->space_wq);
}

/*
 * The engine hung (@why "timeout": the scheduler's job ran longer than
 * timeout_ms) or halted: reset it and fail what it had not completed with
 * -ETIMEDOUT.  When this returns, nothing is pending: every job the engine
 * had was completed or failed, which the scheduler's recovery relies on.
 */
static void wcfb_blitter_reset_hung(struct wcfb_blitter *eng, bool timeout)
{
	bool halted, idle, dead;
	u32 status;

	mutex_lock(&eng->submit_lock);
	if (eng->removed)
		goto out;
	/* An interrupt may have been lost: look before resetting. */
	wcfb_blitter_retire(eng);
	status = eng_read(eng, WCFB_ENG_REG_STATUS);
	halted = status == WCFB_ENG_STATUS_HALTED;
	spin_lock_irq(&eng->lock);
	idle = list_empty(&eng->pending);
	dead = eng->dead;
	spin_unlock_irq(&eng->lock);
	if (dead) {
		/* Was reset when it died; nothing can be pending, make sure. */
		wcfb_blitter_fail_pending(eng, -ENODEV);
		goto out;
	}
	if (idle && !halted)
		goto out;

	if (halted)
		dev_err(eng->dev, "engine halted with error %u: resetting\n",
			eng_read(eng, WCFB_ENG_REG_ERROR));
	else
		dev_warn(eng->dev, "engine made no progress in %u ms (status %u): resetting\n",
			 eng->timeout_ms, status);

	spin_lock_irq(&eng->lock);
	/* A halt is the engine refusing a descriptor, not a hang. */
	dead = timeout && ++eng->timeouts >= WCFB_BLITTER_MAX_TIMEOUTS;
	spin_unlock_irq(&eng->lock);
	if (dead) {
		dev_err(eng->dev, "%u resets in a row without progress\n",
			WCFB_BLITTER_MAX_TIMEOUTS);
		/* Dead before the reset fails its fences (see there). */
		wcfb_blitter_mark_dead(eng);
	}
	wcfb_blitter_reset_locked(eng, -ETIMEDOUT, !dead);
out:
	mutex_unlock(&eng->submit_lock);
}

static void wcfb_blitter_halt_work(struct work_struct *work)
{
	wcfb_blitter_reset_hung(container_of(work, struct wcfb_blitter, halt_work),
				false);
}

/**
 * wcfb_blitter_recover - reset a hung engine
 * @eng: the engine
 *
 * The scheduler's timedout_job, with the scheduler stopped.  On return no
 * job is pending on the engine: each one completed, or its fence failed
 * with -ETIMEDOUT (-ENODEV if the engine is dead).
 */
void wcfb_blitter_recover(struct wcfb_blitter *eng)
{
	wcfb_blitter_reset_hung(eng, true);
}

/**
 * wcfb_blitter_poll - retire what the engine completed, without waiting for
 *                    its interrupt
 * @eng: the engine
 *
 * For the scheduler's timeout: a lost or late interrupt is no hang.
 */
void wcfb_blitter_poll(struct wcfb_blitter *eng)
{
	mutex_lock(&eng->submit_lock);
	if (!eng->removed)
		wcfb_blitter_retire(eng);
	mutex_unlock(&eng->submit_lock);
}

/* ------------------------------------------------------------ submission */

static u32 wcfb_blitter_space(struct wcfb_blitter *eng)
{
	return wcfb_ring_space(eng->head, eng->retired, eng->ring_size);
}

/* Ring space for @count descriptors, or the engine died. */
static bool wcfb_blitter_can_submit(struct wcfb_blitter *eng, u32 count)
{
	bool ok;

	spin_lock_irq(&eng->lock);
	ok = eng->dead || wcfb_blitter_space(eng) >= count;
	spin_unlock_irq(&eng->lock);
	return ok;
}

/**
 * wcfb_blitter_submit - hand a job's descriptors to the engine
 * @eng: the engine
 * @job: the job
 * @descs: @count descriptors; opcode, surfaces, sizes filled in, seqno and
 *         status are set here
 * @count: 1 .. &wcfb_blitter_info.max_batch
 * @fence: the job's fence, a reference for the caller
 *
 * On success @job->fence is set and the engine holds @job until the fence
 * has signalled, possibly before this returns; @fence gets a reference of
 * its own.  On failure nothing was submitted.  The scheduler's credit
 * limit keeps at most max_batch descriptors on the ring, so the wait for
 * space below is for a reset in progress only.
 *
 * Return: 0, -EINVAL, -ENOMEM, -ENODEV (engine gone), -ETIMEDOUT (no ring
 * space in time) or -ERESTARTSYS.
 */
int wcfb_blitter_submit(struct wcfb_blitter *eng, struct wcfb_blitter_job *job,
			const struct wcfb_eng_desc *descs, u32 count,
			struct dma_fence **fence)
{
	struct wcfb_fence *wf;
	long left;
	int ret;

	if (!count || count > eng->info.max_batch)
		return -EINVAL;
	wf = kzalloc(sizeof(*wf), GFP_KERNEL);
	if (!wf)
		return -ENOMEM;
	spin_lock_init(&wf->lock);

	for (;;) {
		ret = mutex_lock_interruptible(&eng->submit_lock);
		if (ret)
			goto err_free;
		if (READ_ONCE(eng->dead)) {
			ret = -ENODEV;
			goto err_unlock;
		}
		if (wcfb_blitter_can_submit(eng, count))
			break;
		mutex_unlock(&eng->submit_lock);
		/* The watchdog frees the ring of a hung engine. */
		left = wait_event_interruptible_timeout(eng->space_wq,
							wcfb_blitter_can_submit(eng, count),
							msecs_to_jiffies(4 * eng->timeout_ms));
		if (left < 0) {
			ret = left;
			goto err_free;
		}
		if (!left) {
			ret = -ETIMEDOUT;
			goto err_free;
		}
	}

	job->last_seqno = wcfb_ring_write(eng->ring, eng->ring_size, eng->head,
					  descs, count, &eng->next_seqno);
	job->first = eng->head;
	job->count = count;
	job->error = 0;
	dma_fence_init(&wf->base, &wcfb_fence_ops, &wf->lock,
		       eng->fence_context, job->last_seqno);
	/* The engine's reference, put when the fence has signalled. */
	job->fence = &wf->base;
	*fence = dma_fence_get(job->fence);

	spin_lock_irq(&eng->lock);
	list_add_tail(&job->node, &eng->pending);
	eng->head += count;
	spin_unlock_irq(&eng->lock);

	/*
	 * Descriptor writes (coherent memory) -> dma_wmb -> HEAD: the engine
	 * must not see the new HEAD before the descriptors it covers.
	 */
	dma_wmb();
	eng_write(eng, WCFB_ENG_REG_HEAD, eng->head);
	/* HEAD -> doorbell: eng_kick()'s writel() orders the two. */
	eng_kick(eng);
	mutex_unlock(&eng->submit_lock);
	return 0;

err_unlock:
	mutex_unlock(&eng->submit_lock);
err_free:
	kfree(wf);
	return ret;
}

/* ------------------------------------------------------------ SG tables */

/**
 * wcfb_blitter_table_alloc - an SG table in memory the engine reads
 * @dev: the engine's device (wcfb_blitter_device())
 * @count: entries, 1 .. max_sg
 *
 * The table holds a reference on @dev, so it may be freed after the engine
 * driver has gone (a buffer that outlives the driver).
 *
 * Return: the table or NULL.
 */
struct wcfb_blitter_table *wcfb_blitter_table_alloc(struct device *dev,
						    u32 count)
{
	struct wcfb_blitter_table *tab;

	tab = kzalloc(sizeof(*tab), GFP_KERNEL);
	if (!tab)
		return NULL;
	tab->entries = dma_alloc_coherent(dev, count * sizeof(*tab->entries),
					  &tab->dma, GFP_KERNEL);
	if (!tab->entries) {
		kfree(tab);
		return NULL;
	}
	tab->dev = get_device(dev);
	tab->count = count;
	return tab;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_blitter_table_alloc);

/**
 * wcfb_blitter_table_from_sgt - the engine's SG table for a mapped sg_table
 * @dev: the device @sgt is mapped on (wcfb_blitter_device())
 * @sgt: a table mapped with dma_map_sgtable() on @dev, at most max_sg
 *       DMA segments (the caller checks sgt->nents)
 *
 * One engine entry per DMA segment: sgt->nents of them, which may be fewer
 * than the CPU entries (sgt->orig_nents) when the mapping merged some.
 * Used by the cached (shmem) buffers and by imports alike; the KUnit tests
 * (drm/tests/) check it against sg_alloc_table_from_pages().
 *
 * Return: the table or NULL.
 */
struct wcfb_blitter_table *wcfb_blitter_table_from_sgt(struct device *dev,
						       struct sg_table *sgt)
{
	struct wcfb_blitter_table *tab;
	struct scatterlist *sg;
	unsigned int i;

	tab = wcfb_blitter_table_alloc(dev, sgt->nents);
	if (!tab)
		return NULL;
	for_each_sgtable_dma_sg(sgt, sg, i) {
		tab->entries[i].addr = cpu_to_le64(sg_dma_address(sg));
		tab->entries[i].len = cpu_to_le64(sg_dma_len(sg));
	}
	return tab;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_blitter_table_from_sgt);

/**
 * wcfb_blitter_table_free - free a table from wcfb_blitter_table_alloc()
 * @tab: the table, or NULL
 */
void wcfb_blitter_table_free(struct wcfb_blitter_table *tab)
{
	if (!tab)
		return;
	dma_free_coherent(tab->dev, tab->count * sizeof(*tab->entries),
			  tab->entries, tab->dma);
	put_device(tab->dev);
	kfree(tab);
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_blitter_table_free);

/* ------------------------------------------------------------ queries */

/**
 * wcfb_blitter_device - the device engine DMA mappings are made on
 * @eng: the engine
 *
 * Return: the PCI function's device.
 */
struct device *wcfb_blitter_device(struct wcfb_blitter *eng)
{
	return eng->dev;
}

/*
 * The formats of the protocol, with their FORMATS bit.  DRM and engine
 * fourccs are the same numbers (hw/proto/wcfb_engine_proto.h).
 */
static const struct {
	u32 fourcc;
	u32 cap;
	u8 cpp;
} wcfb_engine_formats[] = {
	{ WCFB_ENG_FMT_XRGB8888, WCFB_ENG_FMTCAP_XRGB8888, 4 },
	{ WCFB_ENG_FMT_ARGB8888, WCFB_ENG_FMTCAP_ARGB8888, 4 },
	{ WCFB_ENG_FMT_XBGR8888, WCFB_ENG_FMTCAP_XBGR8888, 4 },
	{ WCFB_ENG_FMT_ABGR8888, WCFB_ENG_FMTCAP_ABGR8888, 4 },
	{ WCFB_ENG_FMT_RGBX8888, WCFB_ENG_FMTCAP_RGBX8888, 4 },
	{ WCFB_ENG_FMT_RGBA8888, WCFB_ENG_FMTCAP_RGBA8888, 4 },
	{ WCFB_ENG_FMT_BGRX8888, WCFB_ENG_FMTCAP_BGRX8888, 4 },
	{ WCFB_ENG_FMT_BGRA8888, WCFB_ENG_FMTCAP_BGRA8888, 4 },
	{ WCFB_ENG_FMT_RGB888, WCFB_ENG_FMTCAP_RGB888, 3 },
	{ WCFB_ENG_FMT_BGR888, WCFB_ENG_FMTCAP_BGR888, 3 },
	{ WCFB_ENG_FMT_RGB565, WCFB_ENG_FMTCAP_RGB565, 2 },
	{ WCFB_ENG_FMT_BGR565, WCFB_ENG_FMTCAP_BGR565, 2 },
	{ WCFB_ENG_FMT_XRGB2101010, WCFB_ENG_FMTCAP_XRGB2101010, 4 },
	{ WCFB_ENG_FMT_ARGB2101010, WCFB_ENG_FMTCAP_ARGB2101010, 4 },
	{ WCFB_ENG_FMT_XBGR2101010, WCFB_ENG_FMTCAP_XBGR2101010, 4 },
	{ WCFB_ENG_FMT_ABGR2101010, WCFB_ENG_FMTCAP_ABGR2101010, 4 },
	/* YUV (1.2): the cpp of plane 0, Y (a Y/Cb or Y/Cr pair if packed) */
	{ WCFB_ENG_FMT_NV12, WCFB_ENG_FMTCAP_NV12, 1 },
	{ WCFB_ENG_FMT_NV21, WCFB_ENG_FMTCAP_NV21, 1 },
	{ WCFB_ENG_FMT_NV16, WCFB_ENG_FMTCAP_NV16, 1 },
	{ WCFB_ENG_FMT_NV61, WCFB_ENG_FMTCAP_NV61, 1 },
	{ WCFB_ENG_FMT_NV24, WCFB_ENG_FMTCAP_NV24, 1 },
	{ WCFB_ENG_FMT_NV42, WCFB_ENG_FMTCAP_NV42, 1 },
	{ WCFB_ENG_FMT_YUV420, WCFB_ENG_FMTCAP_YUV420, 1 },
	{ WCFB_ENG_FMT_YVU420, WCFB_ENG_FMTCAP_YVU420, 1 },
	{ WCFB_ENG_FMT_YUV422, WCFB_ENG_FMTCAP_YUV422, 1 },
	{ WCFB_ENG_FMT_YVU422, WCFB_ENG_FMTCAP_YVU422, 1 },
	{ WCFB_ENG_FMT_YUV444, WCFB_ENG_FMTCAP_YUV444, 1 },
	{ WCFB_ENG_FMT_YVU444, WCFB_ENG_FMTCAP_YVU444, 1 },
	{ WCFB_ENG_FMT_YUYV, WCFB_ENG_FMTCAP_YUYV, 2 },
	{ WCFB_ENG_FMT_YVYU, WCFB_ENG_FMTCAP_YVYU, 2 },
	{ WCFB_ENG_FMT_UYVY, WCFB_ENG_FMTCAP_UYVY, 2 },
	{ WCFB_ENG_FMT_VYUY, WCFB_ENG_FMTCAP_VYUY, 2 },
};

/**
 * wcfb_blitter_format_cpp - bytes per pixel of a format the engine declares
 * @info: the engine's declaration
 * @fourcc: DRM (= engine) fourcc
 *
 * Return: the cpp, 0 for a format the engine does not declare.
 */
u32 wcfb_blitter_format_cpp(const struct wcfb_blitter_info *info, u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wcfb_engine_formats); i++)
		if (wcfb_engine_formats[i].fourcc == fourcc)
			return info->formats & wcfb_engine_formats[i].cap ?
			       wcfb_engine_formats[i].cpp : 0;
	return 0;
}

/**
 * wcfb_blitter_formats - the formats the engine declares
 * @info: the engine's declaration
 * @formats: filled with fourccs
 * @max: room in @formats
 *
 * Return: the number of formats.
 */
int wcfb_blitter_formats(const struct wcfb_blitter_info *info, u32 *formats,
			 unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(wcfb_engine_formats) && n < max; i++)
		if (info->formats & wcfb_engine_formats[i].cap)
			formats[n++] = wcfb_engine_formats[i].fourcc;
	return n;
}

/**
 * wcfb_blitter_get_info - what the engine declared at probe
 * @eng: the engine
 * @info: filled in
 */
void wcfb_blitter_get_info(struct wcfb_blitter *eng,
			   struct wcfb_blitter_info *info)
{
	*info = eng->info;
}

/**
 * wcfb_blitter_alive - is the engine usable?
 * @eng: the engine
 *
 * Return: false once the engine was declared dead.
 */
bool wcfb_blitter_alive(struct wcfb_blitter *eng)
{
	return !READ_ONCE(eng->dead);
}

/**
 * wcfb_blitter_fence_context - the dma_fence context of the engine's fences
 * @eng: the engine
 *
 * Return: the context.  Fences of one context signal in order.
 */
u64 wcfb_blitter_fence_context(struct wcfb_blitter *eng)
{
	return eng->fence_context;
}

static void wcfb_blitter_release(struct kref *ref)
{
	struct wcfb_blitter *eng = container_of(ref, struct wcfb_blitter, ref);

	put_device(eng->dev);
	kfree(eng);
}

/**
 * wcfb_blitter_put - drop a reference from wcfb_blitter_lookup()
 * @eng: the engine, or NULL
 */
void wcfb_blitter_put(struct wcfb_blitter *eng)
{
	if (eng)
		kref_put(&eng->ref, wcfb_blitter_release);
}

static void wcfb_blitter_put_action(void *eng)
{
	wcfb_blitter_put(eng);
}

/**
 * wcfb_blitter_lookup - find the bound engine of a device-tree node
 * @consumer: the device that will use it
 * @np: the engine's node (a PCI function's of_node)
 * @out: the engine
 *
 * Adds a device link so that the engine cannot be unbound while
 * @consumer is bound, and takes a reference on the engine for the
 * consumer, dropped with wcfb_blitter_put().
 *
 * Return: 0, -EPROBE_DEFER while the engine is not bound (yet), or
 * -EINVAL if the link cannot be made.
 */
int wcfb_blitter_lookup(struct device *consumer, struct device_node *np,
			struct wcfb_blitter **out)
{
	struct wcfb_blitter *eng = NULL;
	struct device_link *link;
	struct device *dev;
	int ret = 0;

	dev = bus_find_device_by_of_node(&pci_bus_type, np);
	if (!dev)
		return -EPROBE_DEFER;

	device_lock(dev);
	if (dev->driver == &wcfb_blitter_pci_driver.driver)
		eng = pci_get_drvdata(to_pci_dev(dev));
	if (!eng) {
		ret = -EPROBE_DEFER;
		goto out;
	}
	link = device_link_add(consumer, dev, DL_FLAG_AUTOREMOVE_CONSUMER);
	if (!link) {
		dev_err(consumer, "cannot link to the blitter %s\n",
			dev_name(dev));
		ret = -EINVAL;
		goto out;
	}
	kref_get(&eng->ref);
	*out = eng;
out:
	device_unlock(dev);
	put_device(dev);
	return ret;
}

/* ------------------------------------------------------------ PCI driver */

static int wcfb_blitter_read_info(struct wcfb_blitter *eng)
{
	struct device *dev = eng->dev;
	u32 max_ring, desc_size, irq_vector, dma_bits;

	eng->info.version = eng_read(eng, WCFB_ENG_REG_VERSION);
	eng->info.caps = eng_read(eng, WCFB_ENG_REG_CAPS);
	eng->info.formats = eng_read(eng, WCFB_ENG_REG_FORMATS);
	eng->info.max_sg = eng_read(eng, WCFB_ENG_REG_MAX_SG);
	eng->info.max_dim = eng_read(eng, WCFB_ENG_REG_MAX_DIM);
	dma_bits = eng_read(eng, WCFB_ENG_REG_DMA_BITS);
	max_ring = eng_read(eng, WCFB_ENG_REG_MAX_RING);
	desc_size = eng_read(eng, WCFB_ENG_REG_DESC_SIZE);
	irq_vector = eng_read(eng, WCFB_ENG_REG_IRQ_VECTOR);
	eng->doorbell = eng_read(eng, WCFB_ENG_REG_DOORBELL_PEER) << 16 |
			(eng_read(eng, WCFB_ENG_REG_DOORBELL_VECTOR) & 0xffff);

	if (desc_size != WCFB_ENG_DESC_SIZE || irq_vector != 0 ||
	    !max_ring || !eng->info.max_sg || !eng->info.max_dim ||
	    dma_bits < 32 || dma_bits > 64) {
		dev_err(dev, "engine declares unusable limits: desc %u irq %u ring %u sg %u dim %u dma %u bits\n",
			desc_size, irq_vector, max_ring, eng->info.max_sg,
			eng->info.max_dim, dma_bits);
		return -ENODEV;
	}
	eng->ring_size = rounddown_pow_of_two(min(max_ring,
						  WCFB_BLITTER_RING_ENTRIES));
	eng->info.max_batch = eng->ring_size;

	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(dma_bits))) {
		dev_err(dev, "cannot use %u-bit DMA addressing\n", dma_bits);
		return -EIO;
	}
	/*
	 * An SG entry's length is 64-bit (struct wcfb_eng_sg): the engine
	 * takes segments of any size.  Say so, or the PCI default of 64 KiB
	 * stands, and shmem and vgem buffers (merged runs of pages) map in
	 * longer segments than the device claims to support, which DMA-API
	 * debug reports.
	 */
	if (dma_set_max_seg_size(dev, UINT_MAX)) {
		dev_err(dev, "cannot set the DMA segment size\n");
		return -EIO;
	}
	return 0;
}

static void wcfb_blitter_read_timeout(struct wcfb_blitter *eng)
{
	u32 ms = WCFB_BLITTER_DEFAULT_TIMEOUT_MS;
	int ret;

	ret = of_property_read_u32(eng->dev->of_node, "wcfb,timeout-ms", &ms);
	if (ret && ret != -EINVAL)
		dev_warn(eng->dev, "wcfb,timeout-ms is malformed; using %u ms\n",
			 WCFB_BLITTER_DEFAULT_TIMEOUT_MS);
	if (ret || ms < 10 || ms > 60000) {
		if (!ret)
			dev_warn(eng->dev, "wcfb,timeout-ms = %u out of 10..60000; using %u ms\n",
				 ms, WCFB_BLITTER_DEFAULT_TIMEOUT_MS);
		ms = WCFB_BLITTER_DEFAULT_TIMEOUT_MS;
	}
	eng->timeout_ms = ms;
	eng->info.timeout_ms = ms;
}

static int wcfb_blitter_probe(struct pci_dev *pdev,
			      const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct wcfb_blitter *eng;
	void __iomem *const *map;
	u32 magic, version;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (pci_resource_len(pdev, WCFB_BLITTER_BAR_REGS) < WCFB_ENG_BAR_SIZE ||
	    !(pci_resource_flags(pdev, WCFB_BLITTER_BAR_REGS) & IORESOURCE_MEM))
		return -ENODEV;
	ret = pcim_iomap_regions(pdev, BIT(WCFB_BLITTER_BAR_DOORBELL) |
				 BIT(WCFB_BLITTER_BAR_REGS), WCFB_BLITTER_NAME);
	if (ret)
		return ret;
	map = pcim_iomap_table(pdev);

	eng = kzalloc(sizeof(*eng), GFP_KERNEL);
	if (!eng)
		return -ENOMEM;
	kref_init(&eng->ref);
	eng->dev = get_device(dev);
	ret = devm_add_action_or_reset(dev, wcfb_blitter_put_action, eng);
	if (ret)
		return ret;
	eng->pdev = pdev;
	eng->bar0 = map[WCFB_BLITTER_BAR_DOORBELL];
	eng->regs = map[WCFB_BLITTER_BAR_REGS];

	/* ivshmem's ID is generic: only our engine's block is ours. */
	magic = eng_read(eng, WCFB_ENG_REG_MAGIC);
	version = eng_read(eng, WCFB_ENG_REG_VERSION);
	if (magic != WCFB_ENG_MAGIC ||
	    version >> 16 != WCFB_ENG_VERSION_MAJOR) {
		dev_info(dev, "BAR2 is not a wcfb engine v%u (magic %#x version %#x)\n",
			 WCFB_ENG_VERSION_MAJOR, magic, version);
		return -ENODEV;
	}

	ret = wcfb_blitter_read_info(eng);
	if (ret)
		return ret;
	wcfb_blitter_read_timeout(eng);

	mutex_init(&eng->submit_lock);
	spin_lock_init(&eng->lock);
	INIT_LIST_HEAD(&eng->pending);
	init_waitqueue_head(&eng->space_wq);
	INIT_WORK(&eng->halt_work, wcfb_blitter_halt_work);
	eng->fence_context = dma_fence_context_alloc(1);

	/* Page-aligned, so 128- and 64-byte aligned as required. */
	eng->ring = dmam_alloc_coherent(dev, eng->ring_size * sizeof(*eng->ring),
					&eng->ring_dma, GFP_KERNEL);
	eng->cmpl = dmam_alloc_coherent(dev, sizeof(*eng->cmpl),
					&eng->cmpl_dma, GFP_KERNEL);
	if (!eng->ring || !eng->cmpl)
		return -ENOMEM;

	/* Without bus mastering every MSI-X message is silently dropped. */
	pci_set_master(pdev);
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(dev, "no MSI-X vector: %d\n", ret);
		return ret;
	}
	eng->irq = pci_irq_vector(pdev, 0);
	ret = devm_request_irq(dev, eng->irq, wcfb_blitter_irq, 0,
			       WCFB_BLITTER_NAME, eng);
	if (ret)
		return ret;

	mutex_lock(&eng->submit_lock);
	ret = eng_hw_reset(eng);
	if (!ret)
		ret = eng_hw_enable(eng);
	mutex_unlock(&eng->submit_lock);
	pci_set_drvdata(pdev, eng);
	if (ret) {
		/*
		 * The engine is there but does not answer (its model died, or
		 * it is wedged).  Bind anyway, dead: the display looks for a
		 * bound engine and would otherwise defer for ever; this way it
		 * comes up without blits (HAS_BLITTER reads 0).
		 */
		eng_write(eng, WCFB_ENG_REG_CTRL, 0);
		eng_kick(eng);
		eng->dead = true;
		dev_err(dev, "wcfb blitter does not respond: bound without blits\n");
		return 0;
	}

	dev_info(dev, "wcfb blitter v%u.%u: ops %#x formats %#x, %u-entry ring, %u-bit DMA, timeout %u ms\n",
		 eng->info.version >> 16, eng->info.version & 0xffff,
		 eng->info.caps, eng->info.formats, eng->ring_size,
		 eng_read(eng, WCFB_ENG_REG_DMA_BITS), eng->timeout_ms);
	return 0;
}

static void wcfb_blitter_remove(struct pci_dev *pdev)
{
	struct wcfb_blitter *eng = pci_get_drvdata(pdev);
	bool was_dead;

	/* The display (the only user) is unbound first, by the device link. */
	mutex_lock(&eng->submit_lock);
	spin_lock_irq(&eng->lock);
	was_dead = eng->dead;
	eng->dead = true;
	spin_unlock_irq(&eng->lock);
	/*
	 * A dead engine was reset (or never enabled) when it was declared
	 * dead and has had nothing submitted since: waiting for yet another
	 * RESET_DONE would only add a timeout to every unbind.
	 */
	if (was_dead)
		wcfb_blitter_fail_pending(eng, -ENODEV);
	else
		wcfb_blitter_reset_locked(eng, -ENODEV, false);
	eng->removed = true;
	mutex_unlock(&eng->submit_lock);

	disable_irq(eng->irq);
	cancel_work_sync(&eng->halt_work);
	pci_set_drvdata(pdev, NULL);
	/*
	 * Ring memory, IRQ, vectors and BARs are released by devres, and the
	 * PCI driver's reference on the engine; the display's may last a
	 * little longer, on a dead engine.
	 */
}

static const struct pci_device_id wcfb_blitter_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1110) },
	{ }
};
MODULE_DEVICE_TABLE(pci, wcfb_blitter_ids);

struct pci_driver wcfb_blitter_pci_driver = {
	.name = WCFB_BLITTER_NAME,
	.id_table = wcfb_blitter_ids,
	.probe = wcfb_blitter_probe,
	.remove = wcfb_blitter_remove,
};
