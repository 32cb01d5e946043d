/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wcfb: hardware-independent logic, shared by the kernel module and the
 * host unit tests (tests/unit/).
 *
 * Nothing here touches hardware, allocates or locks: it is arithmetic,
 * tables and byte encoding only, so it builds unchanged in the kernel and
 * in userspace.  It contains the scanout engine's rules (which formats and
 * sizes QEMU's ramfb shows, the layout of its 28-byte configuration and of
 * the 16-byte fw_cfg DMA access block), the driver's own buffer layout rules
 * (dumb pitch, pool consumption) and the "WxH" mode string parser.
 *
 * Only wcfb_scanout.c puts the wire formats on the wire.
 */
#ifndef WCFB_LOGIC_H
#define WCFB_LOGIC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
/* Host build: u8..u64 and bool come from tests/unit/wcfb_host_types.h. */
#include "wcfb_host_types.h"
#endif

/*
 * DRM fourcc codes, restated so the host build needs no DRM headers.
 * wcfb_kms.c checks at compile time that they equal drm_fourcc.h's.
 */
#define WCFB_FOURCC(a, b, c, d) \
	((u32)(a) | ((u32)(b) << 8) | ((u32)(c) << 16) | ((u32)(d) << 24))
#define WCFB_FMT_XRGB8888	WCFB_FOURCC('X', 'R', '2', '4')
#define WCFB_FMT_ARGB8888	WCFB_FOURCC('A', 'R', '2', '4')
#define WCFB_FMT_RGB888		WCFB_FOURCC('R', 'G', '2', '4')

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

/*
 * Engine limits.  QEMU's ramfb refuses (silently) anything below 16x16; its
 * own upper bound is far larger (16000x12000), 4096 is this driver's cap.
 */
#define WCFB_ENGINE_MIN_DIM	16
#define WCFB_ENGINE_MAX_DIM	4096
/* Row strides must be a multiple of this (pixman; see wcfb_check_pitch()). */
#define WCFB_ENGINE_PITCH_ALIGN	4
/* Dumb buffers get their pitch rounded up to this. */
#define WCFB_DUMB_PITCH_ALIGN	64

/**
 * enum wcfb_verdict - result of a layout or configuration check
 * @WCFB_OK: acceptable
 * @WCFB_ERR_FORMAT: fourcc (or bpp) not supported
 * @WCFB_ERR_WIDTH: width outside the allowed range
 * @WCFB_ERR_HEIGHT: height outside the allowed range
 * @WCFB_ERR_PITCH_ALIGN: pitch not a multiple of WCFB_ENGINE_PITCH_ALIGN
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

enum wcfb_verdict wcfb_ramfb_cfg_check(const struct wcfb_ramfb_cfg *cfg,
				       const struct wcfb_window *ram,
				       unsigned int nr_ram);
void wcfb_ramfb_cfg_encode(u8 out[WCFB_RAMFB_CFG_SIZE],
			   const struct wcfb_ramfb_cfg *cfg);
void wcfb_ramfb_cfg_decode(const u8 in[WCFB_RAMFB_CFG_SIZE],
			   struct wcfb_ramfb_cfg *cfg);

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
#define WCFB_FWCFG_DMA_SKIP	0x04
#define WCFB_FWCFG_DMA_SELECT	0x08
#define WCFB_FWCFG_DMA_WRITE	0x10

#define WCFB_FWCFG_DMA_ACCESS_SIZE	16

u32 wcfb_fwcfg_dma_control(u16 select, u32 flags);
void wcfb_fwcfg_dma_access_encode(u8 out[WCFB_FWCFG_DMA_ACCESS_SIZE],
				  u32 control, u32 length, u64 address);
bool wcfb_fwcfg_dma_done(u32 control);
bool wcfb_fwcfg_dma_failed(u32 control);

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

int wcfb_fwcfg_file_parse(const u8 in[WCFB_FWCFG_FILE_SIZE],
			  struct wcfb_fwcfg_file *out);

/* ---- buffers and the reserved pool ---- */

int wcfb_dumb_layout(u32 width, u32 height, u32 bpp, u32 max_dim,
		     u32 *pitch, u64 *size);
u64 wcfb_pool_consumed(u64 size, bool nomap, unsigned int page_shift);
bool wcfb_mode_fits_pool(u32 width, u32 height, u64 pool_avail, bool nomap,
			 unsigned int page_shift);

int wcfb_parse_mode(const char *s, u32 *width, u32 *height);

/* ---- the blitter's ring and rectangles ---- */

/*
 * Ring indices run free (u32, wrapping); a slot is index & (size - 1) with
 * size a power of two.  Free slots: size minus what was published (@head)
 * and not yet retired (@retired).
 */
u32 wcfb_ring_space(u32 head, u32 retired, u32 size);
u32 wcfb_ring_slot(u32 index, u32 size);

struct wcfb_eng_desc;
u64 wcfb_ring_write(struct wcfb_eng_desc *ring, u32 size, u32 head,
		    const struct wcfb_eng_desc *descs, u32 count, u64 *seqno);

int wcfb_blit_surface_origin(u64 offset, u32 pitch, u32 x, u32 y, u32 w,
			     u32 h, u32 cpp, u64 size, u32 *ox, u32 *oy);

/* Byte order helpers for the wire formats (alignment-free). */
void wcfb_put_be16(u8 *p, u16 v);
void wcfb_put_be32(u8 *p, u32 v);
void wcfb_put_be64(u8 *p, u64 v);
u16 wcfb_get_be16(const u8 *p);
u32 wcfb_get_be32(const u8 *p);
u64 wcfb_get_be64(const u8 *p);

#endif /* WCFB_LOGIC_H */
