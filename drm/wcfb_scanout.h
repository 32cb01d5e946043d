/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb scanout engine interface.
 *
 * The engine scans one linear buffer of guest memory, forever, at whatever
 * address it was last given.  It has no "off": it can only be pointed
 * somewhere harmless (parked).  What the engine actually is (QEMU's ramfb,
 * programmed through fw_cfg DMA) is known to wcfb_scanout.c alone.
 */
#ifndef WCFB_SCANOUT_H
#define WCFB_SCANOUT_H

#include <linux/types.h>

struct device;
struct device_node;
struct wcfb_scanout;
struct wcfb_scanout_blank;
struct wcfb_window;

/**
 * struct wcfb_scanout_config - what the engine scans
 * @addr: DMA address of the first visible pixel
 * @fourcc: DRM fourcc
 * @width: visible width in pixels
 * @height: visible height in lines
 * @stride: bytes from one line to the next
 */
struct wcfb_scanout_config {
	dma_addr_t addr;
	u32 fourcc;
	u32 width;
	u32 height;
	u32 stride;
};

/**
 * struct wcfb_scanout_state - snapshot of the engine for debugfs
 * @cfg: configuration currently programmed
 * @parked: @cfg is the driver's black parking buffer
 * @retired: the engine was handed the zero page and takes no more orders
 * @writes: configurations written to the engine
 * @errors: configurations refused or failed
 * @pool_bytes: bytes the engine's own allocations (parking buffer and DMA
 *              control block) hold in the display device's DMA pool
 */
struct wcfb_scanout_state {
	struct wcfb_scanout_config cfg;
	bool parked;
	bool retired;
	u64 writes;
	u64 errors;
	u64 pool_bytes;
};

int wcfb_scanout_init(struct device *dev, struct device_node *engine_np,
		      const struct wcfb_window *known_ram,
		      struct wcfb_scanout **out);
void wcfb_scanout_retire(struct wcfb_scanout *so);
void wcfb_scanout_destroy(struct wcfb_scanout *so);

int wcfb_scanout_check(const struct wcfb_scanout *so,
		       const struct wcfb_scanout_config *cfg,
		       const char **why);
int wcfb_scanout_program(struct wcfb_scanout *so,
			 const struct wcfb_scanout_config *cfg,
			 bool *addr_changed);
int wcfb_scanout_park(struct wcfb_scanout *so);

struct wcfb_scanout_blank *wcfb_scanout_blank_get(struct wcfb_scanout *so,
						  u32 width, u32 height);
struct wcfb_scanout_blank *wcfb_scanout_blank_ref(struct wcfb_scanout_blank *b);
void wcfb_scanout_blank_put(struct wcfb_scanout_blank *b);
void wcfb_scanout_blank_config(const struct wcfb_scanout_blank *b, u32 width,
			       u32 height, struct wcfb_scanout_config *cfg);
dma_addr_t wcfb_scanout_blank_addr(const struct wcfb_scanout_blank *b,
				   size_t *size);

void wcfb_scanout_get_state(struct wcfb_scanout *so,
			    struct wcfb_scanout_state *state);
u64 wcfb_scanout_pool_bytes(const struct wcfb_scanout *so);

#endif /* WCFB_SCANOUT_H */
