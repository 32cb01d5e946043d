/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb blitter engine: the interface the rest of the driver sees.
 *
 * Only wcfb_blitter.c knows the engine's registers, ring, doorbell and
 * interrupt.  Its users build descriptors (the wire format of
 * hw/proto/wcfb_engine_proto.h) that point at SG tables allocated here, and
 * hand them over as a job (from the scheduler's run_job, wcfb_job.c); the
 * job's fence signals from the interrupt when the engine has completed
 * every descriptor of the job, with -EIO if one of them faulted,
 * -ETIMEDOUT if the engine had to be reset, -ENODEV if the engine is gone.
 */
#ifndef WCFB_BLITTER_H
#define WCFB_BLITTER_H

#include <linux/list.h>
#include <asm/byteorder.h>
#include <linux/types.h>

#include "../hw/proto/wcfb_engine_proto.h"

struct device;
struct device_node;
struct dma_fence;
struct pci_driver;
struct wcfb_blitter;

/**
 * struct wcfb_blitter_table - an SG table the engine can read
 * @dev: the engine's device (a reference is held)
 * @entries: CPU view, coherent memory
 * @dma: the table's DMA address
 * @count: entries
 */
struct wcfb_blitter_table {
	struct device *dev;
	struct wcfb_eng_sg *entries;
	dma_addr_t dma;
	u32 count;
};

/**
 * struct wcfb_blitter_job - a run of descriptors on the ring with one fence
 * @fence: the hardware fence: signalled when every descriptor completed
 *         (or failed, or the engine was reset); set by wcfb_blitter_submit()
 * @complete: called when the engine is done with the job (also when it
 *            failed), right before @fence signals, with the engine's
 *            spinlock held and interrupts off: for the cache maintenance a
 *            waiter on the fence relies on
 * @node: on the engine's pending list
 * @first: ring index of the first descriptor
 * @count: descriptors
 * @last_seqno: seqno of the last descriptor
 * @error: 0, or the error the fence gets
 *
 * Embedded in the scheduler's job (wcfb_job.c), which outlives the fence's
 * signalling: the engine lets go of the job when the fence signals.
 */
struct wcfb_blitter_job {
	struct dma_fence *fence;
	void (*complete)(struct wcfb_blitter_job *job);

	/* private to wcfb_blitter.c */
	struct list_head node;
	u32 first;
	u32 count;
	u64 last_seqno;
	int error;
};

/**
 * struct wcfb_blitter_info - what the engine declares
 * @version: (major << 16) | minor
 * @caps: bit (1 << opcode) per supported opcode
 * @formats: WCFB_ENG_FMTCAP_* bits
 * @max_sg: largest SG table per surface
 * @max_dim: largest width/height
 * @max_batch: largest number of descriptors on the ring at once
 * @timeout_ms: a job running longer than this hung (wcfb,timeout-ms)
 */
struct wcfb_blitter_info {
	u32 version;
	u32 caps;
	u32 formats;
	u32 max_sg;
	u32 max_dim;
	u32 max_batch;
	u32 timeout_ms;
};

/* Point a descriptor's surface at an SG table. */
static inline void wcfb_eng_surface_set_table(struct wcfb_eng_surface *s,
					      const struct wcfb_blitter_table *tab)
{
	s->sg_addr = cpu_to_le64(tab->dma);
	s->sg_count = cpu_to_le32(tab->count);
}

extern struct pci_driver wcfb_blitter_pci_driver;

int wcfb_blitter_lookup(struct device *consumer, struct device_node *np,
			struct wcfb_blitter **out);
void wcfb_blitter_put(struct wcfb_blitter *eng);
struct device *wcfb_blitter_device(struct wcfb_blitter *eng);
void wcfb_blitter_get_info(struct wcfb_blitter *eng,
			   struct wcfb_blitter_info *info);
u32 wcfb_blitter_format_cpp(const struct wcfb_blitter_info *info, u32 fourcc);
int wcfb_blitter_formats(const struct wcfb_blitter_info *info, u32 *formats,
			 unsigned int max);
bool wcfb_blitter_alive(struct wcfb_blitter *eng);
u64 wcfb_blitter_fence_context(struct wcfb_blitter *eng);

struct wcfb_blitter_table *wcfb_blitter_table_alloc(struct device *dev,
						    u32 count);
void wcfb_blitter_table_free(struct wcfb_blitter_table *tab);
struct sg_table;
struct wcfb_blitter_table *wcfb_blitter_table_from_sgt(struct device *dev,
						       struct sg_table *sgt);

int wcfb_blitter_submit(struct wcfb_blitter *eng, struct wcfb_blitter_job *job,
			const struct wcfb_eng_desc *descs, u32 count,
			struct dma_fence **fence);
void wcfb_blitter_poll(struct wcfb_blitter *eng);
void wcfb_blitter_recover(struct wcfb_blitter *eng);

/* Static in wcfb_blitter.c unless the kernel has KUnit (VISIBLE_IF_KUNIT). */
#if IS_ENABLED(CONFIG_KUNIT)
u32 wcfb_ring_space(u32 head, u32 retired, u32 size);
u32 wcfb_ring_slot(u32 index, u32 size);
u64 wcfb_ring_write(struct wcfb_eng_desc *ring, u32 size, u32 head,
		    const struct wcfb_eng_desc *descs, u32 count, u64 *seqno);
#endif

#endif /* WCFB_BLITTER_H */
