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

/*
 * Scanout limits.  QEMU's ramfb refuses (silently) anything below 16x16;
 * its own upper bound is far larger (16000x12000), 4096 is this driver's
 * cap.
 */
#define WCFB_SCANOUT_MIN_DIM		16
#define WCFB_SCANOUT_MAX_DIM		4096
/* Row strides must be a multiple of this (pixman; see wcfb_check_pitch()). */
#define WCFB_SCANOUT_PITCH_ALIGN	4

/**
 * struct wcfb_format - a pixel format the scanout engine shows pixel-exactly
 * @fourcc: DRM fourcc code
 * @cpp: bytes per pixel
 */
struct wcfb_format {
	u32 fourcc;
	u8 cpp;
};

#define WCFB_NUM_FORMATS	3
extern const struct wcfb_format wcfb_formats[WCFB_NUM_FORMATS];

const struct wcfb_format *wcfb_format_lookup(u32 fourcc);

/**
 * enum wcfb_verdict - result of a layout or configuration check
 * @WCFB_OK: acceptable
 * @WCFB_ERR_FORMAT: fourcc (or bpp) not supported
 * @WCFB_ERR_WIDTH: width outside the allowed range
 * @WCFB_ERR_HEIGHT: height outside the allowed range
 * @WCFB_ERR_PITCH_ALIGN: pitch not a multiple of WCFB_SCANOUT_PITCH_ALIGN
 * @WCFB_ERR_PITCH_SHORT: pitch shorter than one line of pixels
 * @WCFB_ERR_FLAGS: reserved configuration flags set
 * @WCFB_ERR_RANGE: scanned bytes not entirely inside an allowed window
 * @WCFB_ERR_OVERFLOW: arithmetic overflow in the layout
 */
enum wcfb_verdict {
	WCFB_OK = 0,
	WCFB_ERR_FORMAT,
	WCFB_ERR_WIDTH,
	WCFB_ERR_HEIGHT,
	WCFB_ERR_PITCH_ALIGN,
	WCFB_ERR_PITCH_SHORT,
	WCFB_ERR_FLAGS,
	WCFB_ERR_RANGE,
	WCFB_ERR_OVERFLOW,
};

const char *wcfb_verdict_str(enum wcfb_verdict v);

enum wcfb_verdict wcfb_check_dims(u32 width, u32 height);
enum wcfb_verdict wcfb_check_pitch(u32 fourcc, u32 width, u32 pitch);

u64 wcfb_scan_span(u32 width, u32 height, u32 stride, u32 cpp);

/**
 * struct wcfb_window - a physical address window [@base, @base + @size)
 * @base: first byte
 * @size: length in bytes
 */
struct wcfb_window {
	u64 base;
	u64 size;
};

bool wcfb_window_contains(const struct wcfb_window *win, u64 addr, u64 len);

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
