/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb scanout engine: the wire formats of QEMU's ramfb and fw_cfg.
 *
 * Private to wcfb_scanout.c; its KUnit tests (drm/tests/wcfb_kunit.c)
 * include it too.  Nothing else in the driver may: the rest of the driver
 * knows the scanout engine only through wcfb_scanout.h.
 */
#ifndef WCFB_SCANOUT_WIRE_H
#define WCFB_SCANOUT_WIRE_H

#include <linux/types.h>

#include "wcfb_scanout.h"

/* ---- QEMU ramfb configuration ("etc/ramfb", 28 bytes, big-endian) ---- */

#define WCFB_RAMFB_CFG_SIZE	28

/**
 * struct wcfb_ramfb_cfg - decoded ramfb configuration
 * @addr: guest-physical address of the first scanned byte
 * @fourcc: DRM fourcc of the pixels
 * @flags: must be 0
 * @width: visible width in pixels
 * @height: visible height in lines
 * @stride: bytes from one line to the next
 */
struct wcfb_ramfb_cfg {
	u64 addr;
	u32 fourcc;
	u32 flags;
	u32 width;
	u32 height;
	u32 stride;
};

/* ---- QEMU fw_cfg DMA interface ---- */

/* MMIO register offsets of the fw_cfg device on arm "virt". */
#define WCFB_FWCFG_REG_DATA	0x00	/* 8-bit data port */
#define WCFB_FWCFG_REG_SELECT	0x08	/* 16-bit big-endian selector */
#define WCFB_FWCFG_REG_DMA	0x10	/* 64-bit big-endian DMA address */
#define WCFB_FWCFG_REG_SPAN	0x18

/* Well-known selector keys. */
#define WCFB_FWCFG_KEY_SIGNATURE	0x0000	/* "QEMU" */
#define WCFB_FWCFG_KEY_ID		0x0001	/* le32 feature bits */
#define WCFB_FWCFG_KEY_FILE_DIR		0x0019
#define WCFB_FWCFG_KEY_FILE_FIRST	0x0020
#define WCFB_FWCFG_ID_DMA		0x02	/* FW_CFG_ID: DMA interface */

/* Read back from the DMA address register: "QEMU CFG". */
#define WCFB_FWCFG_DMA_SIGNATURE	0x51454d5520434647ULL

/* Control word bits of a DMA access. */
#define WCFB_FWCFG_DMA_ERROR	0x01
#define WCFB_FWCFG_DMA_READ	0x02
#define WCFB_FWCFG_DMA_SELECT	0x08
#define WCFB_FWCFG_DMA_WRITE	0x10

#define WCFB_FWCFG_DMA_ACCESS_SIZE	16

/* One entry of the fw_cfg file directory. */
#define WCFB_FWCFG_FILE_SIZE		64
#define WCFB_FWCFG_FILE_NAME_LEN	56
/* Sanity bound on the directory's entry count (selector keys are 14 bit). */
#define WCFB_FWCFG_MAX_FILES		0x4000

/**
 * struct wcfb_fwcfg_file - decoded fw_cfg directory entry
 * @size: size of the item in bytes
 * @select: selector key of the item
 * @name: NUL-terminated name
 */
struct wcfb_fwcfg_file {
	u32 size;
	u16 select;
	char name[WCFB_FWCFG_FILE_NAME_LEN];
};

/*
 * Static in wcfb_scanout.c unless the kernel has KUnit, see
 * VISIBLE_IF_KUNIT.
 */
#if IS_ENABLED(CONFIG_KUNIT)
enum wcfb_verdict wcfb_ramfb_cfg_check(const struct wcfb_ramfb_cfg *cfg,
				       const struct wcfb_window *ram,
				       unsigned int nr_ram);
void wcfb_ramfb_cfg_encode(u8 out[WCFB_RAMFB_CFG_SIZE],
			   const struct wcfb_ramfb_cfg *cfg);
u32 wcfb_fwcfg_dma_control(u16 select, u32 flags);
void wcfb_fwcfg_dma_access_encode(u8 out[WCFB_FWCFG_DMA_ACCESS_SIZE],
				  u32 control, u32 length, u64 address);
bool wcfb_fwcfg_dma_done(u32 control);
bool wcfb_fwcfg_dma_failed(u32 control);
int wcfb_fwcfg_file_parse(const u8 in[WCFB_FWCFG_FILE_SIZE],
			  struct wcfb_fwcfg_file *out);
#endif

#endif /* WCFB_SCANOUT_WIRE_H */
