// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb: hardware-independent logic, see wcfb_logic.h.
 *
 * Builds in the kernel and on the host (tests/unit/), so it uses nothing
 * but the fixed-width types, errno values and plain C.
 */
#ifdef __KERNEL__
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <kunit/visibility.h>
/*
 * What the KUnit module (drm/tests/wcfb_kunit.c, debug kernel only) calls:
 * exported into the EXPORTED_FOR_KUNIT_TESTING namespace, and only when
 * the kernel has KUnit at all.
 */
#else
#include <errno.h>
#include <string.h>
/* No KUnit on the host. */
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#endif

#include "wcfb_logic.h"
#include "../hw/proto/wcfb_engine_proto.h"

#ifndef __KERNEL__
/* The host (x86-64), like the guest (arm64), is little-endian. */
#define cpu_to_le32(x) ((u32)(x))
#define cpu_to_le64(x) ((u64)(x))
#endif

/*
 * The formats QEMU 7.2's ramfb converts without loss: its
 * qemu_drm_format_to_pixman() knows exactly these three.
 */
const struct wcfb_format wcfb_formats[WCFB_NUM_FORMATS] = {
	{ .fourcc = WCFB_FMT_XRGB8888, .cpp = 4 },
	{ .fourcc = WCFB_FMT_ARGB8888, .cpp = 4 },
	{ .fourcc = WCFB_FMT_RGB888,   .cpp = 3 },
};
EXPORT_SYMBOL_IF_KUNIT(wcfb_formats);

const struct wcfb_format *wcfb_format_lookup(u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < WCFB_NUM_FORMATS; i++)
		if (wcfb_formats[i].fourcc == fourcc)
			return &wcfb_formats[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_format_lookup);

const char *wcfb_verdict_str(enum wcfb_verdict v)
{
	switch (v) {
	case WCFB_OK:
		return "ok";
	case WCFB_ERR_FORMAT:
		return "pixel format not supported by the engine";
	case WCFB_ERR_WIDTH:
		return "width outside the engine's 16..4096";
	case WCFB_ERR_HEIGHT:
		return "height outside the engine's 16..4096";
	case WCFB_ERR_PITCH_ALIGN:
		return "pitch not a multiple of 4 bytes";
	case WCFB_ERR_PITCH_SHORT:
		return "pitch shorter than one line";
	case WCFB_ERR_FLAGS:
		return "reserved flags set";
	case WCFB_ERR_RANGE:
		return "scanned range not inside guest RAM";
	case WCFB_ERR_OVERFLOW:
		return "layout overflows";
	}
	return "unknown";
}

/**
 * wcfb_check_dims - check a visible size against the engine limits
 * @width: pixels
 * @height: lines
 *
 * Return: WCFB_OK, WCFB_ERR_WIDTH or WCFB_ERR_HEIGHT.
 */
enum wcfb_verdict wcfb_check_dims(u32 width, u32 height)
{
	if (width < WCFB_ENGINE_MIN_DIM || width > WCFB_ENGINE_MAX_DIM)
		return WCFB_ERR_WIDTH;
	if (height < WCFB_ENGINE_MIN_DIM || height > WCFB_ENGINE_MAX_DIM)
		return WCFB_ERR_HEIGHT;
	return WCFB_OK;
}

/**
 * wcfb_check_pitch - check a line pitch for a format and width
 * @fourcc: DRM fourcc
 * @width: pixels per line
 * @pitch: bytes from one line to the next
 *
 * The engine wraps guest memory in a pixman image, and pixman only accepts
 * row strides that are a multiple of 4 bytes: with an "odd pitch" (easy to
 * get with RGB888, e.g. 1366 * 3 = 4098) QEMU 7.2 cannot create the surface
 * and aborts on an assertion.  A pitch shorter than a line would make lines
 * overlap.  Both are refused up front.
 *
 * Return: WCFB_OK or the reason for refusal.
 */
enum wcfb_verdict wcfb_check_pitch(u32 fourcc, u32 width, u32 pitch)
{
	const struct wcfb_format *fmt = wcfb_format_lookup(fourcc);

	if (!fmt)
		return WCFB_ERR_FORMAT;
	if (pitch % WCFB_ENGINE_PITCH_ALIGN)
		return WCFB_ERR_PITCH_ALIGN;
	if ((u64)pitch < (u64)width * fmt->cpp)
		return WCFB_ERR_PITCH_SHORT;
	return WCFB_OK;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_check_pitch);

/**
 * wcfb_scan_span - bytes the engine reads for one frame
 * @width: pixels per line
 * @height: lines
 * @stride: bytes from one line to the next
 * @cpp: bytes per pixel
 *
 * ramfb maps stride * (height - 1) + width * cpp bytes from the start
 * address: every line but the last in full, and the visible part of the
 * last one.  This is also exactly what DRM's framebuffer helpers require of
 * a GEM object.
 *
 * Return: the span in bytes, 0 for an empty frame.
 */
u64 wcfb_scan_span(u32 width, u32 height, u32 stride, u32 cpp)
{
	if (!width || !height)
		return 0;
	return (u64)stride * (height - 1) + (u64)width * cpp;
}

/**
 * wcfb_window_contains - is [@addr, @addr + @len) inside @win?
 * @win: the window
 * @addr: first byte
 * @len: length in bytes, must be non-zero
 *
 * Written so that no sum can wrap around.
 *
 * Return: true if the whole range is inside.
 */
bool wcfb_window_contains(const struct wcfb_window *win, u64 addr, u64 len)
{
	u64 off;

	if (!len || addr < win->base)
		return false;
	off = addr - win->base;
	if (off >= win->size)
		return false;
	return len <= win->size - off;
}

/**
 * wcfb_ramfb_cfg_check - would ramfb accept and show this configuration?
 * @cfg: the configuration
 * @ram: guest RAM windows (ramfb only scans memory it can map as RAM)
 * @nr_ram: number of entries in @ram
 *
 * QEMU's ramfb drops a configuration it dislikes without telling anybody,
 * leaving the previous one on screen; this predicts that.  The scanned range
 * must lie inside a single window, as QEMU maps it in one piece.
 *
 * Return: WCFB_OK or the reason for refusal.
 */
enum wcfb_verdict wcfb_ramfb_cfg_check(const struct wcfb_ramfb_cfg *cfg,
				       const struct wcfb_window *ram,
				       unsigned int nr_ram)
{
	const struct wcfb_format *fmt = wcfb_format_lookup(cfg->fourcc);
	enum wcfb_verdict v;
	unsigned int i;
	u64 span;

	if (!fmt)
		return WCFB_ERR_FORMAT;
	if (cfg->flags)
		return WCFB_ERR_FLAGS;
	v = wcfb_check_dims(cfg->width, cfg->height);
	if (v != WCFB_OK)
		return v;
	v = wcfb_check_pitch(cfg->fourcc, cfg->width, cfg->stride);
	if (v != WCFB_OK)
		return v;

	span = wcfb_scan_span(cfg->width, cfg->height, cfg->stride, fmt->cpp);
	if (cfg->addr + span < cfg->addr)
		return WCFB_ERR_OVERFLOW;
	for (i = 0; i < nr_ram; i++)
		if (wcfb_window_contains(&ram[i], cfg->addr, span))
			return WCFB_OK;
	return WCFB_ERR_RANGE;
}

void wcfb_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

void wcfb_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void wcfb_put_be64(u8 *p, u64 v)
{
	wcfb_put_be32(p, (u32)(v >> 32));
	wcfb_put_be32(p + 4, (u32)v);
}

u16 wcfb_get_be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

u32 wcfb_get_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

u64 wcfb_get_be64(const u8 *p)
{
	return ((u64)wcfb_get_be32(p) << 32) | wcfb_get_be32(p + 4);
}

/**
 * wcfb_ramfb_cfg_encode - serialize a ramfb configuration
 * @out: 28 bytes: be64 addr, be32 fourcc, be32 flags, be32 width,
 *       be32 height, be32 stride (QEMU's packed struct RAMFBCfg)
 * @cfg: the configuration
 */
void wcfb_ramfb_cfg_encode(u8 out[WCFB_RAMFB_CFG_SIZE],
			   const struct wcfb_ramfb_cfg *cfg)
{
	wcfb_put_be64(out + 0, cfg->addr);
	wcfb_put_be32(out + 8, cfg->fourcc);
	wcfb_put_be32(out + 12, cfg->flags);
	wcfb_put_be32(out + 16, cfg->width);
	wcfb_put_be32(out + 20, cfg->height);
	wcfb_put_be32(out + 24, cfg->stride);
}

/**
 * wcfb_ramfb_cfg_decode - inverse of wcfb_ramfb_cfg_encode()
 * @in: 28 bytes
 * @cfg: result
 */
void wcfb_ramfb_cfg_decode(const u8 in[WCFB_RAMFB_CFG_SIZE],
			   struct wcfb_ramfb_cfg *cfg)
{
	cfg->addr = wcfb_get_be64(in + 0);
	cfg->fourcc = wcfb_get_be32(in + 8);
	cfg->flags = wcfb_get_be32(in + 12);
	cfg->width = wcfb_get_be32(in + 16);
	cfg->height = wcfb_get_be32(in + 20);
	cfg->stride = wcfb_get_be32(in + 24);
}

/**
 * wcfb_fwcfg_dma_control - control word of a fw_cfg DMA access
 * @select: selector key, used if @flags has WCFB_FWCFG_DMA_SELECT
 * @flags: WCFB_FWCFG_DMA_* operation bits
 *
 * Return: the control word (key in bits 31:16, operation in the low bits).
 */
u32 wcfb_fwcfg_dma_control(u16 select, u32 flags)
{
	return ((u32)select << 16) | (flags & 0xffff);
}

/**
 * wcfb_fwcfg_dma_access_encode - serialize a fw_cfg DMA access block
 * @out: 16 bytes: be32 control, be32 length, be64 address
 * @control: control word, see wcfb_fwcfg_dma_control()
 * @length: bytes to transfer
 * @address: guest-physical address of the data
 */
void wcfb_fwcfg_dma_access_encode(u8 out[WCFB_FWCFG_DMA_ACCESS_SIZE],
				  u32 control, u32 length, u64 address)
{
	wcfb_put_be32(out + 0, control);
	wcfb_put_be32(out + 4, length);
	wcfb_put_be64(out + 8, address);
}

/* The device clears the control word when done, leaving at most ERROR. */
bool wcfb_fwcfg_dma_done(u32 control)
{
	return (control & ~(u32)WCFB_FWCFG_DMA_ERROR) == 0;
}

bool wcfb_fwcfg_dma_failed(u32 control)
{
	return control & WCFB_FWCFG_DMA_ERROR;
}

/**
 * wcfb_fwcfg_file_parse - decode one fw_cfg file directory entry
 * @in: 64 bytes: be32 size, be16 select, be16 reserved, char name[56]
 * @out: result
 *
 * Return: 0, or -EINVAL if the name is not NUL-terminated.
 */
int wcfb_fwcfg_file_parse(const u8 in[WCFB_FWCFG_FILE_SIZE],
			  struct wcfb_fwcfg_file *out)
{
	const u8 *name = in + 8;

	if (!memchr(name, '\0', WCFB_FWCFG_FILE_NAME_LEN))
		return -EINVAL;
	out->size = wcfb_get_be32(in + 0);
	out->select = wcfb_get_be16(in + 4);
	memcpy(out->name, name, WCFB_FWCFG_FILE_NAME_LEN);
	return 0;
}

/**
 * wcfb_dumb_layout - pitch and size of a dumb buffer
 * @width: pixels, 1..@max_dim
 * @height: lines, 1..@max_dim
 * @bpp: 24 or 32
 * @max_dim: largest accepted width and height
 * @pitch: result, width * cpp rounded up to WCFB_DUMB_PITCH_ALIGN
 * @size: result, pitch * height
 *
 * The 64-byte pitch alignment keeps every line cache-line aligned and, for
 * RGB888, makes the pitch a multiple of 4 as the engine needs.
 *
 * Return: 0 or -EINVAL.
 */
int wcfb_dumb_layout(u32 width, u32 height, u32 bpp, u32 max_dim,
		     u32 *pitch, u64 *size)
{
	u64 p;

	if (bpp != 24 && bpp != 32)
		return -EINVAL;
	if (!width || width > max_dim || !height || height > max_dim)
		return -EINVAL;

	p = (u64)width * (bpp / 8);
	p = (p + WCFB_DUMB_PITCH_ALIGN - 1) & ~(u64)(WCFB_DUMB_PITCH_ALIGN - 1);
	if (p > 0xffffffffULL)
		return -EINVAL;
	*pitch = (u32)p;
	*size = p * height;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_dumb_layout);

/**
 * wcfb_pool_consumed - pool bytes an allocation of @size really takes
 * @size: bytes asked of dma_alloc_wc()
 * @nomap: true for a no-map carveout, false for a CMA area
 * @page_shift: PAGE_SHIFT
 *
 * A CMA area hands out exactly PAGE_ALIGN(size) (cma_alloc() of
 * size >> PAGE_SHIFT pages; the alignment it asks for only fragments).
 * The per-device coherent allocator behind a no-map carveout uses
 * bitmap_find_free_region(..., get_order(size)), i.e. it grabs
 * PAGE_SIZE << get_order(size): a 3 MiB buffer costs 4 MiB.
 *
 * Return: bytes taken from the pool.
 */
u64 wcfb_pool_consumed(u64 size, bool nomap, unsigned int page_shift)
{
	u64 pages, order_pages = 1;

	if (!size)
		return 0;
	pages = (size + (1ULL << page_shift) - 1) >> page_shift;
	if (!nomap)
		return pages << page_shift;
	while (order_pages < pages)
		order_pages <<= 1;
	return order_pages << page_shift;
}

/**
 * wcfb_mode_fits_pool - can the pool hold two XRGB8888 buffers of a mode?
 * @width: pixels
 * @height: lines
 * @pool_avail: pool bytes available for scanout buffers
 * @nomap: pool layout, see wcfb_pool_consumed()
 * @page_shift: PAGE_SHIFT
 *
 * Two buffers: one on screen and one being drawn, the least a page-flipping
 * client needs.
 *
 * Return: true if they fit.
 */
bool wcfb_mode_fits_pool(u32 width, u32 height, u64 pool_avail, bool nomap,
			 unsigned int page_shift)
{
	u32 pitch;
	u64 size;

	if (wcfb_dumb_layout(width, height, 32, 0xffffffffU, &pitch, &size))
		return false;
	return 2 * wcfb_pool_consumed(size, nomap, page_shift) <= pool_avail;
}

static int wcfb_parse_u32(const char **s, u32 *out)
{
	const char *p = *s;
	u32 v = 0;
	int digits = 0;

	while (*p >= '0' && *p <= '9') {
		if (++digits > 5)	/* nothing sensible has 6 digits */
			return -EINVAL;
		v = v * 10 + (u32)(*p - '0');
		p++;
	}
	if (!digits)
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

/**
 * wcfb_parse_mode - parse "WIDTHxHEIGHT"
 * @s: the string, e.g. "1280x720" (an 'X' is accepted too, as is one
 *     trailing newline)
 * @width: result
 * @height: result
 *
 * Only the syntax is checked here (and that neither number is 0); whether
 * the size is usable is the caller's business.
 *
 * Return: 0 or -EINVAL.
 */
int wcfb_parse_mode(const char *s, u32 *width, u32 *height)
{
	u32 w, h;

	if (!s || wcfb_parse_u32(&s, &w))
		return -EINVAL;
	if (*s != 'x' && *s != 'X')
		return -EINVAL;
	s++;
	if (wcfb_parse_u32(&s, &h))
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s != '\0' || !w || !h)
		return -EINVAL;
	*width = w;
	*height = h;
	return 0;
}

/* ---- the blitter's ring and rectangles ---- */

u32 wcfb_ring_space(u32 head, u32 retired, u32 size)
{
	/* Unsigned subtraction is exact across the u32 wrap. */
	return size - (head - retired);
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_ring_space);

u32 wcfb_ring_slot(u32 index, u32 size)
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
u64 wcfb_ring_write(struct wcfb_eng_desc *ring, u32 size, u32 head,
		    const struct wcfb_eng_desc *descs, u32 count, u64 *seqno)
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

/**
 * wcfb_blit_surface_origin - place a blit rectangle inside a buffer
 * @offset: byte offset of the surface's origin in the buffer (userspace's)
 * @pitch: bytes per line, not 0
 * @x: first column, relative to the origin
 * @y: first line, relative to the origin
 * @w: width in pixels (0: nothing is touched)
 * @h: height in lines (0: nothing is touched)
 * @cpp: bytes per pixel, not 0
 * @size: bytes in the buffer
 * @ox: the rectangle's first column from the buffer start
 * @oy: the rectangle's first line from the buffer start
 *
 * The offset is folded into (x, y) (it must land on a pixel boundary), and
 * every byte the engine would touch, (oy + h - 1) * pitch + (ox + w) * cpp,
 * must lie inside @size and no line may run past @pitch.  All in 64-bit
 * arithmetic with explicit overflow checks: userspace controls every input.
 *
 * Return: 0 or -EINVAL.
 */
int wcfb_blit_surface_origin(u64 offset, u32 pitch, u32 x, u32 y, u32 w,
			     u32 h, u32 cpp, u64 size, u32 *ox, u32 *oy)
{
	u64 line, in_line, cx, cy, row_end, end;

	if (!pitch || !cpp)
		return -EINVAL;
#ifdef __KERNEL__
	line = div64_u64_rem(offset, pitch, &in_line);
#else
	line = offset / pitch;
	in_line = offset % pitch;
#endif
	if (in_line % cpp)
		return -EINVAL;
	cx = (u64)x + in_line / cpp;
	cy = (u64)y + line;
	if (cx > 0xffffffffULL || cy > 0xffffffffULL)
		return -EINVAL;
	if (w && h) {
		/* cx < 2^32, w < 2^32, cpp <= 2^32: at most 2^65 -- check. */
		if (cx + w > ~0ULL / cpp)
			return -EINVAL;
		row_end = (cx + w) * cpp;
		if (row_end > pitch)
			return -EINVAL;
		/* cy + h - 1 < 2^33 and pitch < 2^32: fits in 65 bits -- check. */
		if (cy + h - 1 > ~0ULL / pitch)
			return -EINVAL;
		end = (cy + h - 1) * pitch;
		if (end > ~0ULL - row_end)
			return -EINVAL;
		end += row_end;
		if (end > size)
			return -EINVAL;
	}
	*ox = (u32)cx;
	*oy = (u32)cy;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_blit_surface_origin);
