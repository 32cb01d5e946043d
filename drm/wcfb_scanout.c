// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb scanout engine: QEMU's ramfb, programmed through fw_cfg DMA.
 *
 * This is the only file that knows what the engine is.  ramfb scans a
 * linear buffer of guest RAM described by a 28-byte big-endian record that
 * the guest writes into the fw_cfg item "etc/ramfb".  The write has to be a
 * single fw_cfg DMA transfer: QEMU re-reads the record after every DMA
 * write to the item, and a partial record would be applied as is.
 *
 * Engine properties the rest of the driver must respect:
 *  - it cannot be switched off, and it keeps scanning the last address it
 *    was given forever, so it is "parked" on harmless memory instead;
 *  - it drops configurations it dislikes without any error: wrong fourcc,
 *    less than 16x16, a range not entirely inside guest RAM (see
 *    wcfb_ramfb_cfg_check()); wcfb_scanout_check() predicts that so that
 *    nothing it would drop is ever committed;
 *  - it takes guest-physical addresses.
 *
 * fw_cfg on arm "virt" is a small MMIO block: data port at +0, 16-bit
 * big-endian selector at +8, 64-bit big-endian DMA address at +16 (writing
 * its low half starts the transfer, reading it returns "QEMU CFG").
 */

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <asm/unaligned.h>
#include <drm/drm_fourcc.h>
#include <kunit/visibility.h>

#include "wcfb_scanout.h"
#include "wcfb_scanout_wire.h"

#define WCFB_MAX_RAM_WINDOWS	16
/*
 * QEMU completes an MMIO-triggered fw_cfg DMA transfer synchronously,
 * inside the trapped register write, so the first poll already sees it
 * done.  The bound only keeps a broken device from hanging the CPU.
 */
#define WCFB_FWCFG_POLL_LOOPS	1000
#define WCFB_FWCFG_POLL_US	1

/* The parking buffer: the engine's minimum size, XRGB8888. */
#define WCFB_PARK_DIM		WCFB_SCANOUT_MIN_DIM
#define WCFB_PARK_STRIDE	(WCFB_PARK_DIM * 4)
#define WCFB_PARK_BYTES		(WCFB_PARK_STRIDE * WCFB_PARK_DIM)

/* fw_cfg DMA access block, as the device reads it. */
struct wcfb_fwcfg_dma_access {
	__be32 control;
	__be32 length;
	__be64 address;
};

/*
 * Everything fw_cfg DMA touches lives in one coherent DMA allocation: the
 * access block and the data it points at.  The device is non-coherent, so
 * this memory is mapped non-cacheable and needs no cache maintenance, only
 * ordering (see wcfb_fwcfg_dma_locked()).
 */
struct wcfb_fwcfg_dma_area {
	struct wcfb_fwcfg_dma_access access;
	u8 ramfb_cfg[WCFB_RAMFB_CFG_SIZE];
	u8 pad[4];
	u8 data[WCFB_FWCFG_FILE_SIZE];
};

static_assert(sizeof(struct wcfb_fwcfg_dma_access) == WCFB_FWCFG_DMA_ACCESS_SIZE);

/**
 * struct wcfb_scanout - the engine
 * @dev: the display device (owner of all DMA allocations)
 * @regs: fw_cfg registers
 * @ramfb_select: fw_cfg selector key of "etc/ramfb"
 * @ram: guest RAM windows the engine can scan
 * @nr_ram: number of entries in @ram
 * @lock: serializes fw_cfg accesses and protects everything below
 * @area: fw_cfg DMA area (coherent)
 * @area_dma: its DMA address
 * @park_vaddr: black parking buffer (write-combined)
 * @park_dma: its DMA address
 * @cur: configuration last written to the engine
 * @programmed: the engine was given a configuration by this driver
 * @parked: @cur is the parking buffer
 * @retired: the engine was handed the zero page; no more programming
 * @writes: configurations written
 * @errors: configurations refused or failed
 * @blank_lock: protects @blank_spare, held over every reference drop
 * @blank_spare: the newest live blank buffer (no reference: cleared when
 *               it is freed), shared by states it fits
 * @blank_bytes: bytes of all live blank buffers
 */
struct wcfb_scanout {
	struct device *dev;
	void __iomem *regs;
	u16 ramfb_select;
	struct wcfb_window ram[WCFB_MAX_RAM_WINDOWS];
	unsigned int nr_ram;

	spinlock_t lock; /* fw_cfg accesses and the state below */
	struct wcfb_fwcfg_dma_area *area;
	dma_addr_t area_dma;
	void *park_vaddr;
	dma_addr_t park_dma;
	struct wcfb_scanout_config cur;
	bool programmed;
	bool parked;
	bool retired;
	u64 writes;
	u64 errors;

	struct mutex blank_lock; /* @blank_spare */
	struct wcfb_scanout_blank *blank_spare;
	atomic64_t blank_bytes;
};

/**
 * struct wcfb_scanout_blank - a black buffer the size of a mode
 * @ref: one per CRTC state holding it
 * @so: the engine
 * @vaddr: write-combined, zero-filled (black in XRGB8888)
 * @dma: its DMA address
 * @width: pixels
 * @height: lines
 * @size: bytes
 */
struct wcfb_scanout_blank {
	struct kref ref;
	struct wcfb_scanout *so;
	void *vaddr;
	dma_addr_t dma;
	u32 width;
	u32 height;
	size_t size;
};

/* ---- what ramfb shows: formats, limits, pitch, range ---- */

/*
 * The formats QEMU 7.2's ramfb converts without loss: its
 * qemu_drm_format_to_pixman() knows exactly these three.
 */
const struct wcfb_format wcfb_formats[WCFB_NUM_FORMATS] = {
	{ .fourcc = DRM_FORMAT_XRGB8888, .cpp = 4 },
	{ .fourcc = DRM_FORMAT_ARGB8888, .cpp = 4 },
	{ .fourcc = DRM_FORMAT_RGB888,   .cpp = 3 },
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
		return "pixel format not supported by the scanout engine";
	case WCFB_ERR_WIDTH:
		return "width outside the scanout engine's 16..4096";
	case WCFB_ERR_HEIGHT:
		return "height outside the scanout engine's 16..4096";
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
EXPORT_SYMBOL_IF_KUNIT(wcfb_verdict_str);

/**
 * wcfb_check_dims - check a visible size against the scanout limits
 * @width: pixels
 * @height: lines
 *
 * Return: WCFB_OK, WCFB_ERR_WIDTH or WCFB_ERR_HEIGHT.
 */
enum wcfb_verdict wcfb_check_dims(u32 width, u32 height)
{
	if (width < WCFB_SCANOUT_MIN_DIM || width > WCFB_SCANOUT_MAX_DIM)
		return WCFB_ERR_WIDTH;
	if (height < WCFB_SCANOUT_MIN_DIM || height > WCFB_SCANOUT_MAX_DIM)
		return WCFB_ERR_HEIGHT;
	return WCFB_OK;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_check_dims);

/**
 * wcfb_check_pitch - check a line pitch for a format and width
 * @fourcc: DRM fourcc
 * @width: pixels per line
 * @pitch: bytes from one line to the next
 *
 * ramfb wraps guest memory in a pixman image, and pixman only accepts row
 * strides that are a multiple of 4 bytes: with an "odd pitch" (easy to get
 * with RGB888, e.g. 1366 * 3 = 4098) QEMU 7.2 cannot create the surface
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
	if (pitch % WCFB_SCANOUT_PITCH_ALIGN)
		return WCFB_ERR_PITCH_ALIGN;
	if ((u64)pitch < (u64)width * fmt->cpp)
		return WCFB_ERR_PITCH_SHORT;
	return WCFB_OK;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_check_pitch);

/**
 * wcfb_scan_span - bytes the scanout engine reads for one frame
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
EXPORT_SYMBOL_IF_KUNIT(wcfb_scan_span);

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
EXPORT_SYMBOL_IF_KUNIT(wcfb_window_contains);

/* ---- the ramfb and fw_cfg wire formats ---- */

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
VISIBLE_IF_KUNIT enum wcfb_verdict
wcfb_ramfb_cfg_check(const struct wcfb_ramfb_cfg *cfg,
		     const struct wcfb_window *ram, unsigned int nr_ram)
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
EXPORT_SYMBOL_IF_KUNIT(wcfb_ramfb_cfg_check);

/**
 * wcfb_ramfb_cfg_encode - serialize a ramfb configuration
 * @out: 28 bytes: be64 addr, be32 fourcc, be32 flags, be32 width,
 *       be32 height, be32 stride (QEMU's packed struct RAMFBCfg)
 * @cfg: the configuration
 */
VISIBLE_IF_KUNIT void wcfb_ramfb_cfg_encode(u8 out[WCFB_RAMFB_CFG_SIZE],
					    const struct wcfb_ramfb_cfg *cfg)
{
	put_unaligned_be64(cfg->addr, out + 0);
	put_unaligned_be32(cfg->fourcc, out + 8);
	put_unaligned_be32(cfg->flags, out + 12);
	put_unaligned_be32(cfg->width, out + 16);
	put_unaligned_be32(cfg->height, out + 20);
	put_unaligned_be32(cfg->stride, out + 24);
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_ramfb_cfg_encode);

/**
 * wcfb_fwcfg_dma_control - control word of a fw_cfg DMA access
 * @select: selector key, used if @flags has WCFB_FWCFG_DMA_SELECT
 * @flags: WCFB_FWCFG_DMA_* operation bits
 *
 * Return: the control word (key in bits 31:16, operation in the low bits).
 */
VISIBLE_IF_KUNIT u32 wcfb_fwcfg_dma_control(u16 select, u32 flags)
{
	return ((u32)select << 16) | (flags & 0xffff);
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_fwcfg_dma_control);

/**
 * wcfb_fwcfg_dma_access_encode - serialize a fw_cfg DMA access block
 * @out: 16 bytes: be32 control, be32 length, be64 address
 * @control: control word, see wcfb_fwcfg_dma_control()
 * @length: bytes to transfer
 * @address: guest-physical address of the data
 */
VISIBLE_IF_KUNIT void
wcfb_fwcfg_dma_access_encode(u8 out[WCFB_FWCFG_DMA_ACCESS_SIZE],
			     u32 control, u32 length, u64 address)
{
	put_unaligned_be32(control, out + 0);
	put_unaligned_be32(length, out + 4);
	put_unaligned_be64(address, out + 8);
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_fwcfg_dma_access_encode);

/* The device clears the control word when done, leaving at most ERROR. */
VISIBLE_IF_KUNIT bool wcfb_fwcfg_dma_done(u32 control)
{
	return (control & ~(u32)WCFB_FWCFG_DMA_ERROR) == 0;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_fwcfg_dma_done);

VISIBLE_IF_KUNIT bool wcfb_fwcfg_dma_failed(u32 control)
{
	return control & WCFB_FWCFG_DMA_ERROR;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_fwcfg_dma_failed);

/**
 * wcfb_fwcfg_file_parse - decode one fw_cfg file directory entry
 * @in: 64 bytes: be32 size, be16 select, be16 reserved, char name[56]
 * @out: result
 *
 * Return: 0, or -EINVAL if the name is not NUL-terminated.
 */
VISIBLE_IF_KUNIT int wcfb_fwcfg_file_parse(const u8 in[WCFB_FWCFG_FILE_SIZE],
					   struct wcfb_fwcfg_file *out)
{
	const u8 *name = in + 8;

	if (!memchr(name, '\0', WCFB_FWCFG_FILE_NAME_LEN))
		return -EINVAL;
	out->size = get_unaligned_be32(in + 0);
	out->select = get_unaligned_be16(in + 4);
	memcpy(out->name, name, WCFB_FWCFG_FILE_NAME_LEN);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(wcfb_fwcfg_file_parse);

/* ---- fw_cfg transport ---- */

static void wcfb_fwcfg_pio_read(struct wcfb_scanout *so, u16 key, u8 *buf,
				size_t len)
{
	lockdep_assert_held(&so->lock);
	iowrite16be(key, so->regs + WCFB_FWCFG_REG_SELECT);
	ioread8_rep(so->regs + WCFB_FWCFG_REG_DATA, buf, len);
}

static u32 wcfb_fwcfg_read_control(struct wcfb_scanout *so)
{
	return be32_to_cpu(READ_ONCE(so->area->access.control));
}

/*
 * One fw_cfg DMA transfer of @length bytes between the item selected by
 * @control and the DMA address @data.  Called with the lock held: the
 * selector and the item offset are device state shared by every transfer.
 */
static int wcfb_fwcfg_dma_locked(struct wcfb_scanout *so, u32 control,
				 u32 length, dma_addr_t data)
{
	unsigned int i;
	u32 ctrl = 0;

	lockdep_assert_held(&so->lock);

	wcfb_fwcfg_dma_access_encode((u8 *)&so->area->access, control, length,
				     data);

	/*
	 * The access block and the data behind it were just written through
	 * a non-cacheable mapping; such writes can still sit in the CPU's
	 * write buffer.  The device reads them as soon as it sees the
	 * register write below, so they must be visible to it first.
	 * iowrite32be() on arm64 happens to start with the same barrier, but
	 * the protocol needs the ordering whatever the accessor does.
	 */
	dma_wmb();
	/*
	 * High half first: the low half is the doorbell.  Our addresses
	 * come from a device limited by its DMA mask, the high half is
	 * written anyway so that no stale value left by another fw_cfg user
	 * (qemu_fw_cfg) can be combined with ours.
	 */
	iowrite32be(upper_32_bits(so->area_dma),
		    so->regs + WCFB_FWCFG_REG_DMA);
	iowrite32be(lower_32_bits(so->area_dma),
		    so->regs + WCFB_FWCFG_REG_DMA + 4);

	for (i = 0; i < WCFB_FWCFG_POLL_LOOPS; i++) {
		ctrl = wcfb_fwcfg_read_control(so);
		if (wcfb_fwcfg_dma_done(ctrl))
			break;
		udelay(WCFB_FWCFG_POLL_US);
	}
	if (!wcfb_fwcfg_dma_done(ctrl))
		return -ETIMEDOUT;

	/*
	 * The device writes the data before it clears the control word: do
	 * not let the CPU read the data ahead of the control word.
	 */
	dma_rmb();

	return wcfb_fwcfg_dma_failed(ctrl) ? -EIO : 0;
}

static int wcfb_fwcfg_identify(struct wcfb_scanout *so)
{
	unsigned long flags;
	u8 sig[4], id[4];
	u64 dma_sig;
	u32 features;

	spin_lock_irqsave(&so->lock, flags);
	wcfb_fwcfg_pio_read(so, WCFB_FWCFG_KEY_SIGNATURE, sig, sizeof(sig));
	wcfb_fwcfg_pio_read(so, WCFB_FWCFG_KEY_ID, id, sizeof(id));
	dma_sig = (u64)ioread32be(so->regs + WCFB_FWCFG_REG_DMA) << 32;
	dma_sig |= ioread32be(so->regs + WCFB_FWCFG_REG_DMA + 4);
	spin_unlock_irqrestore(&so->lock, flags);

	if (memcmp(sig, "QEMU", sizeof(sig))) {
		dev_err(so->dev, "fw_cfg signature mismatch: not a QEMU fw_cfg device\n");
		return -ENODEV;
	}
	/* FW_CFG_ID is stored little-endian. */
	features = id[0] | id[1] << 8 | id[2] << 16 | (u32)id[3] << 24;
	if (!(features & WCFB_FWCFG_ID_DMA) ||
	    dma_sig != WCFB_FWCFG_DMA_SIGNATURE) {
		dev_err(so->dev, "fw_cfg has no DMA interface (features %#x, signature %#llx)\n",
			features, dma_sig);
		return -ENODEV;
	}
	return 0;
}

/* Walk the fw_cfg file directory for @name. */
static int wcfb_fwcfg_find_file(struct wcfb_scanout *so, const char *name,
				struct wcfb_fwcfg_file *found)
{
	dma_addr_t data = so->area_dma +
			  offsetof(struct wcfb_fwcfg_dma_area, data);
	struct wcfb_fwcfg_file file;
	unsigned long flags;
	u32 count, i;
	int ret;

	spin_lock_irqsave(&so->lock, flags);
	ret = wcfb_fwcfg_dma_locked(so,
				    wcfb_fwcfg_dma_control(WCFB_FWCFG_KEY_FILE_DIR,
							   WCFB_FWCFG_DMA_SELECT |
							   WCFB_FWCFG_DMA_READ),
				    sizeof(__be32), data);
	if (ret)
		goto out;
	count = get_unaligned_be32(so->area->data);
	if (count > WCFB_FWCFG_MAX_FILES) {
		ret = -EIO;
		goto out;
	}
	/* Each further READ continues where the previous one stopped. */
	ret = -ENOENT;
	for (i = 0; i < count; i++) {
		int err = wcfb_fwcfg_dma_locked(so,
						wcfb_fwcfg_dma_control(0, WCFB_FWCFG_DMA_READ),
						WCFB_FWCFG_FILE_SIZE, data);

		if (err) {
			ret = err;
			break;
		}
		if (wcfb_fwcfg_file_parse(so->area->data, &file))
			continue;
		if (!strcmp(file.name, name)) {
			*found = file;
			ret = 0;
			break;
		}
	}
out:
	spin_unlock_irqrestore(&so->lock, flags);
	return ret;
}

/* ---- engine ---- */

static bool wcfb_scanout_config_equal(const struct wcfb_scanout_config *a,
				      const struct wcfb_scanout_config *b)
{
	return a->addr == b->addr && a->fourcc == b->fourcc &&
	       a->width == b->width && a->height == b->height &&
	       a->stride == b->stride;
}

static void wcfb_scanout_to_ramfb(const struct wcfb_scanout_config *cfg,
				  struct wcfb_ramfb_cfg *r)
{
	/*
	 * ramfb wants a guest-physical address; the DMA address is one,
	 * because wcfb_scanout_init() refused IOMMUs and DMA offsets.
	 */
	r->addr = cfg->addr;
	r->fourcc = cfg->fourcc;
	r->flags = 0;
	r->width = cfg->width;
	r->height = cfg->height;
	r->stride = cfg->stride;
}

/**
 * wcfb_scanout_check - would the engine accept and show @cfg?
 * @so: the engine
 * @cfg: the configuration
 * @why: on refusal, set to a human-readable reason
 *
 * Return: 0 or -EINVAL.
 */
int wcfb_scanout_check(const struct wcfb_scanout *so,
		       const struct wcfb_scanout_config *cfg,
		       const char **why)
{
	struct wcfb_ramfb_cfg r;
	enum wcfb_verdict v;

	wcfb_scanout_to_ramfb(cfg, &r);
	v = wcfb_ramfb_cfg_check(&r, so->ram, so->nr_ram);
	if (v == WCFB_OK)
		return 0;
	*why = wcfb_verdict_str(v);
	return -EINVAL;
}

static int wcfb_scanout_write_locked(struct wcfb_scanout *so,
				     const struct wcfb_scanout_config *cfg,
				     bool parked, bool *addr_changed)
{
	struct wcfb_ramfb_cfg r;
	int ret;

	lockdep_assert_held(&so->lock);

	if (addr_changed)
		*addr_changed = false;
	if (so->retired)
		return -ENODEV;
	if (so->programmed && wcfb_scanout_config_equal(&so->cur, cfg))
		return 0;

	wcfb_scanout_to_ramfb(cfg, &r);
	wcfb_ramfb_cfg_encode(so->area->ramfb_cfg, &r);
	/* The whole record in one transfer, see the top of this file. */
	ret = wcfb_fwcfg_dma_locked(so,
				    wcfb_fwcfg_dma_control(so->ramfb_select,
							   WCFB_FWCFG_DMA_SELECT |
							   WCFB_FWCFG_DMA_WRITE),
				    WCFB_RAMFB_CFG_SIZE,
				    so->area_dma +
				    offsetof(struct wcfb_fwcfg_dma_area, ramfb_cfg));
	if (ret) {
		so->errors++;
		return ret;
	}

	if (addr_changed)
		*addr_changed = !so->programmed || so->cur.addr != cfg->addr;
	so->cur = *cfg;
	so->programmed = true;
	so->parked = parked;
	so->writes++;
	return 0;
}

static int wcfb_scanout_write(struct wcfb_scanout *so,
			      const struct wcfb_scanout_config *cfg,
			      bool parked, bool *addr_changed)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&so->lock, flags);
	ret = wcfb_scanout_write_locked(so, cfg, parked, addr_changed);
	spin_unlock_irqrestore(&so->lock, flags);
	if (ret && ret != -ENODEV)
		dev_err_ratelimited(so->dev, "programming the engine failed: %d\n",
				    ret);
	return ret;
}

/**
 * wcfb_scanout_program - point the engine at a new buffer
 * @so: the engine
 * @cfg: the configuration, already accepted by wcfb_scanout_check()
 * @addr_changed: set to whether the scanout address changed (may be NULL)
 *
 * This is the "latch": once it returns, the engine scans the new buffer.
 * May be called from atomic context.  An identical configuration is not
 * written again.
 *
 * Return: 0, -EINVAL if @cfg would be dropped by the engine (a driver bug:
 * atomic_check must have refused it), -ENODEV after retirement, or a
 * transport error.
 */
int wcfb_scanout_program(struct wcfb_scanout *so,
			 const struct wcfb_scanout_config *cfg,
			 bool *addr_changed)
{
	unsigned long flags;
	const char *why = NULL;

	if (WARN_ON_ONCE(wcfb_scanout_check(so, cfg, &why))) {
		dev_err_ratelimited(so->dev, "refusing to program %ux%u %p4cc at %pad: %s\n",
				    cfg->width, cfg->height, &cfg->fourcc,
				    &cfg->addr, why);
		spin_lock_irqsave(&so->lock, flags);
		so->errors++;
		spin_unlock_irqrestore(&so->lock, flags);
		return -EINVAL;
	}
	return wcfb_scanout_write(so, cfg, false, addr_changed);
}

/**
 * wcfb_scanout_park - point the engine at the black parking buffer
 * @so: the engine
 *
 * Used when the CRTC is disabled: the engine cannot be switched off, and
 * whatever buffer it scanned may be freed once the disabling commit is
 * done.
 *
 * Return: 0 or a negative error code.
 */
int wcfb_scanout_park(struct wcfb_scanout *so)
{
	const struct wcfb_scanout_config park = {
		.addr = so->park_dma,
		.fourcc = DRM_FORMAT_XRGB8888,
		.width = WCFB_PARK_DIM,
		.height = WCFB_PARK_DIM,
		.stride = WCFB_PARK_STRIDE,
	};
	const char *why;

	if (wcfb_scanout_check(so, &park, &why)) {
		dev_err(so->dev, "parking buffer at %pad unusable: %s\n",
			&park.addr, why);
		return -EINVAL;
	}
	return wcfb_scanout_write(so, &park, true, NULL);
}

/*
 * ---- blank: an active CRTC whose plane is off ----
 *
 * The engine has no background colour and no "no plane" state: it always
 * scans a buffer, and what it scans sets the monitor's size.  Black at the
 * mode's size therefore takes a black buffer of that size, from the pool
 * like any scanout buffer.  The CRTC state that shows one holds a
 * reference, so a buffer is freed only once no state, committed or being
 * committed, can point the engine at it: then at once, so the pool holds
 * none while no CRTC is blank.  While one lives, a state that fits in it
 * shares it.
 */

/* Called with blank_lock held (wcfb_scanout_blank_put()). */
static void wcfb_scanout_blank_release(struct kref *ref)
{
	struct wcfb_scanout_blank *b = container_of(ref, struct wcfb_scanout_blank,
						    ref);
	struct wcfb_scanout *so = b->so;

	lockdep_assert_held(&so->blank_lock);
	if (so->blank_spare == b)
		so->blank_spare = NULL;
	atomic64_sub(PAGE_ALIGN(b->size), &so->blank_bytes);
	dma_free_wc(so->dev, b->size, b->vaddr, b->dma);
	kfree(b);
}

/**
 * wcfb_scanout_blank_get - a black XRGB8888 buffer of at least @width x @height
 * @so: the engine
 * @width: pixels
 * @height: lines
 *
 * Process context.  Reuses the largest buffer made so far when it is big
 * enough.
 *
 * Return: a reference, to be dropped with wcfb_scanout_blank_put(), or an
 * ERR_PTR (-ENOMEM when the pool has no room).
 */
struct wcfb_scanout_blank *wcfb_scanout_blank_get(struct wcfb_scanout *so,
						  u32 width, u32 height)
{
	struct wcfb_scanout_blank *b;

	mutex_lock(&so->blank_lock);
	b = so->blank_spare;
	if (b && b->width >= width && b->height >= height &&
	    kref_get_unless_zero(&b->ref)) {
		mutex_unlock(&so->blank_lock);
		return b;
	}

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		mutex_unlock(&so->blank_lock);
		return ERR_PTR(-ENOMEM);
	}
	/* Never smaller than the spare: one buffer serves both sizes. */
	if (so->blank_spare) {
		width = max(width, so->blank_spare->width);
		height = max(height, so->blank_spare->height);
	}
	b->so = so;
	b->width = width;
	b->height = height;
	b->size = (size_t)width * 4 * height;
	/* dma_alloc_wc() zero-fills, and all-zero XRGB8888 is black. */
	b->vaddr = dma_alloc_wc(so->dev, b->size, &b->dma,
				GFP_KERNEL | __GFP_NOWARN);
	if (!b->vaddr) {
		mutex_unlock(&so->blank_lock);
		kfree(b);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&b->ref);		/* the caller's */
	atomic64_add(PAGE_ALIGN(b->size), &so->blank_bytes);
	so->blank_spare = b;
	mutex_unlock(&so->blank_lock);
	return b;
}

/**
 * wcfb_scanout_blank_ref - take another reference
 * @b: the buffer
 *
 * Return: @b.
 */
struct wcfb_scanout_blank *wcfb_scanout_blank_ref(struct wcfb_scanout_blank *b)
{
	kref_get(&b->ref);
	return b;
}

/**
 * wcfb_scanout_blank_put - drop a reference from wcfb_scanout_blank_get()
 * @b: the buffer, may be NULL
 */
void wcfb_scanout_blank_put(struct wcfb_scanout_blank *b)
{
	struct wcfb_scanout *so;

	if (!b)
		return;
	/* The lock keeps blank_get() from sharing a buffer being freed. */
	so = b->so;
	mutex_lock(&so->blank_lock);
	kref_put(&b->ref, wcfb_scanout_blank_release);
	mutex_unlock(&so->blank_lock);
}

/**
 * wcfb_scanout_blank_config - the configuration that shows @b as @width x @height
 * @b: a buffer of at least that size
 * @width: pixels
 * @height: lines
 * @cfg: result, for wcfb_scanout_check() and wcfb_scanout_program()
 */
void wcfb_scanout_blank_config(const struct wcfb_scanout_blank *b, u32 width,
			       u32 height, struct wcfb_scanout_config *cfg)
{
	cfg->addr = b->dma;
	cfg->fourcc = DRM_FORMAT_XRGB8888;
	cfg->width = width;
	cfg->height = height;
	cfg->stride = b->width * 4;
}

/**
 * wcfb_scanout_blank_addr - where @b is, for the pool check
 * @b: the buffer
 * @size: set to its size in bytes
 *
 * Return: its DMA address.
 */
dma_addr_t wcfb_scanout_blank_addr(const struct wcfb_scanout_blank *b,
				   size_t *size)
{
	*size = b->size;
	return b->dma;
}

/**
 * wcfb_scanout_retire - hand the engine the zero page and let go of it
 * @so: the engine
 *
 * The engine outlives the driver: it keeps scanning the last address it
 * was given after the module is gone, and nothing can switch it off.  So
 * before our memory goes back to the allocator it is pointed at the
 * kernel's zero page: 16x16 XRGB8888, stride 64 (1 KiB, inside the page),
 * always black and never freed, owned by nobody who could write it.
 * Only then is the parking buffer freed.  If that last write fails the
 * parking buffer is leaked rather than left on screen after being freed.
 *
 * Idempotent; after it, programming fails with -ENODEV.
 */
void wcfb_scanout_retire(struct wcfb_scanout *so)
{
	const struct wcfb_scanout_config zero = {
		.addr = (dma_addr_t)page_to_phys(ZERO_PAGE(0)),
		.fourcc = DRM_FORMAT_XRGB8888,
		.width = WCFB_PARK_DIM,
		.height = WCFB_PARK_DIM,
		.stride = WCFB_PARK_STRIDE,
	};
	bool leak_park = false;
	unsigned long flags;
	const char *why;
	int ret = 0;

	spin_lock_irqsave(&so->lock, flags);
	if (so->retired) {
		spin_unlock_irqrestore(&so->lock, flags);
		return;
	}
	if (so->programmed) {
		if (wcfb_scanout_check(so, &zero, &why))
			ret = -EINVAL;
		else
			ret = wcfb_scanout_write_locked(so, &zero, true, NULL);
		leak_park = ret != 0;
	}
	so->retired = true;
	spin_unlock_irqrestore(&so->lock, flags);

	if (ret)
		dev_err(so->dev, "could not park the engine on the zero page (%d): leaking the parking buffer\n",
			ret);

	/* Every CRTC state showing a blank buffer is gone (CRTC shut down). */
	if (atomic64_read(&so->blank_bytes))
		dev_err(so->dev, "%lld bytes of blank buffers still referenced\n",
			(long long)atomic64_read(&so->blank_bytes));

	if (so->park_vaddr && !leak_park)
		dma_free_wc(so->dev, WCFB_PARK_BYTES, so->park_vaddr,
			    so->park_dma);
	so->park_vaddr = NULL;
	if (so->area)
		dma_free_coherent(so->dev, sizeof(*so->area), so->area,
				  so->area_dma);
	so->area = NULL;
	if (so->regs)
		iounmap(so->regs);
	so->regs = NULL;
}

/**
 * wcfb_scanout_destroy - retire the engine if needed and free @so
 * @so: the engine, may be NULL
 */
void wcfb_scanout_destroy(struct wcfb_scanout *so)
{
	if (!so)
		return;
	wcfb_scanout_retire(so);
	kfree(so);
}

/**
 * wcfb_scanout_get_state - snapshot of the engine state
 * @so: the engine
 * @state: result
 */
void wcfb_scanout_get_state(struct wcfb_scanout *so,
			    struct wcfb_scanout_state *state)
{
	unsigned long flags;

	spin_lock_irqsave(&so->lock, flags);
	state->cfg = so->cur;
	state->parked = so->parked;
	state->retired = so->retired;
	state->writes = so->writes;
	state->errors = so->errors;
	spin_unlock_irqrestore(&so->lock, flags);
	state->pool_bytes = wcfb_scanout_pool_bytes(so);
}

/**
 * wcfb_scanout_pool_bytes - DMA memory held by the engine itself
 * @so: the engine
 *
 * The control block and the parking buffer are a single page each, which
 * both a CMA area and a no-map carveout hand out as exactly one page;
 * blank buffers count page-rounded.
 *
 * Return: bytes.
 */
u64 wcfb_scanout_pool_bytes(const struct wcfb_scanout *so)
{
	u64 bytes = 0;

	if (so->area)
		bytes += PAGE_ALIGN(sizeof(*so->area));
	if (so->park_vaddr)
		bytes += PAGE_ALIGN(WCFB_PARK_BYTES);
	return bytes + atomic64_read(&so->blank_bytes);
}

/* ---- setup ---- */

static void wcfb_scanout_add_ram(struct wcfb_scanout *so, u64 base, u64 size)
{
	unsigned int i;

	if (!size)
		return;
	for (i = 0; i < so->nr_ram; i++)
		if (wcfb_window_contains(&so->ram[i], base, size))
			return;
	if (so->nr_ram == WCFB_MAX_RAM_WINDOWS) {
		dev_warn(so->dev, "too many memory banks, ignoring %#llx+%#llx\n",
			 base, size);
		return;
	}
	so->ram[so->nr_ram].base = base;
	so->ram[so->nr_ram].size = size;
	so->nr_ram++;
}

static int wcfb_scanout_add_ram_res(struct resource *res, void *arg)
{
	wcfb_scanout_add_ram(arg, res->start, resource_size(res));
	return 0;
}

/*
 * ramfb only shows memory QEMU can map as one piece of guest RAM.  The
 * device tree's memory nodes say where guest RAM is; each bank is one
 * window (on "virt" there is a single bank).  After an EFI boot the stub
 * has deleted those nodes: then System RAM as the kernel registered it is
 * used instead.  @known_ram is a window the caller knows to be RAM (the
 * reserved pool: reserved-memory is carved out of RAM, and a no-map
 * carveout is not registered as System RAM).
 */
static int wcfb_scanout_find_ram(struct wcfb_scanout *so,
				 const struct wcfb_window *known_ram)
{
	struct device_node *np;
	struct resource res;
	int i;

	for_each_node_by_type(np, "memory") {
		if (!of_device_is_available(np))
			continue;
		for (i = 0; !of_address_to_resource(np, i, &res); i++)
			wcfb_scanout_add_ram(so, res.start, resource_size(&res));
	}
	if (!so->nr_ram)
		walk_iomem_res_desc(IORES_DESC_NONE,
				    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
				    0, U64_MAX, so, wcfb_scanout_add_ram_res);
	if (known_ram)
		wcfb_scanout_add_ram(so, known_ram->base, known_ram->size);
	if (!so->nr_ram) {
		dev_err(so->dev, "cannot tell where guest RAM is, so which addresses the engine can scan\n");
		return -ENODEV;
	}
	return 0;
}

static int wcfb_scanout_map_fwcfg(struct wcfb_scanout *so,
				  struct device_node *engine_np)
{
	struct resource res;
	int ret;

	if (!of_device_is_compatible(engine_np, "qemu,fw-cfg-mmio")) {
		dev_err(so->dev, "%pOF is not a qemu,fw-cfg-mmio node\n",
			engine_np);
		return -ENODEV;
	}
	ret = of_address_to_resource(engine_np, 0, &res);
	if (ret) {
		dev_err(so->dev, "%pOF has no registers: %d\n", engine_np, ret);
		return ret;
	}
	if (resource_size(&res) < WCFB_FWCFG_REG_SPAN) {
		dev_err(so->dev, "fw_cfg registers %pR too small for the DMA interface\n",
			&res);
		return -ENODEV;
	}
	/*
	 * Map without request_mem_region(): the fw_cfg node belongs to no
	 * driver in our guest, but qemu_fw_cfg (CONFIG_FW_CFG_SYSFS) may bind
	 * it and does request the region, so claiming it here would make
	 * whichever of the two comes second fail.  Sharing is safe for our
	 * part: apart from two 4-byte identification reads at probe, every
	 * access we make is a DMA transfer that selects its item itself and
	 * completes within one register write.  (A directory walk continues
	 * from one transfer to the next; it too only runs at probe.)
	 */
	so->regs = ioremap(res.start, resource_size(&res));
	if (!so->regs)
		return -ENOMEM;
	return 0;
}

/**
 * wcfb_scanout_init - find, check and park the engine
 * @dev: the display device; all DMA memory is allocated on it
 * @engine_np: the fw_cfg node (the display node's "wcfb,fw-cfg")
 * @known_ram: a window the caller knows to be guest RAM, or NULL
 * @out: the engine, to be freed with wcfb_scanout_destroy()
 *
 * Return: 0 or a negative error code.
 */
int wcfb_scanout_init(struct device *dev, struct device_node *engine_np,
		      const struct wcfb_window *known_ram,
		      struct wcfb_scanout **out)
{
	struct wcfb_fwcfg_file ramfb;
	struct wcfb_scanout *so;
	int ret;

	so = kzalloc(sizeof(*so), GFP_KERNEL);
	if (!so)
		return -ENOMEM;
	so->dev = dev;
	spin_lock_init(&so->lock);
	mutex_init(&so->blank_lock);
	atomic64_set(&so->blank_bytes, 0);

	/*
	 * ramfb is handed guest-physical addresses while DMA allocations
	 * return DMA addresses.  They are the same only without an IOMMU
	 * and without a dma-ranges offset.
	 */
	if (device_iommu_mapped(dev) || dev->dma_range_map) {
		dev_err(dev, "DMA addresses are not guest-physical (IOMMU or dma-ranges): ramfb cannot use them\n");
		ret = -EINVAL;
		goto err;
	}

	ret = wcfb_scanout_find_ram(so, known_ram);
	if (ret)
		goto err;
	ret = wcfb_scanout_map_fwcfg(so, engine_np);
	if (ret)
		goto err;
	ret = wcfb_fwcfg_identify(so);
	if (ret)
		goto err;

	/*
	 * Coherent memory: on this non-coherent device it is mapped
	 * non-cacheable, so what the CPU writes is what fw_cfg DMA reads,
	 * and the reverse, without cache maintenance.
	 */
	so->area = dma_alloc_coherent(dev, sizeof(*so->area), &so->area_dma,
				      GFP_KERNEL);
	if (!so->area) {
		ret = -ENOMEM;
		goto err;
	}

	ret = wcfb_fwcfg_find_file(so, "etc/ramfb", &ramfb);
	if (ret == -ENOENT) {
		dev_err(dev, "ramfb device missing: no etc/ramfb in fw_cfg (start QEMU with -device ramfb)\n");
		ret = -ENODEV;
		goto err;
	} else if (ret) {
		dev_err(dev, "reading the fw_cfg directory failed: %d\n", ret);
		goto err;
	}
	if (ramfb.size != WCFB_RAMFB_CFG_SIZE ||
	    ramfb.select < WCFB_FWCFG_KEY_FILE_FIRST) {
		dev_err(dev, "etc/ramfb is not a ramfb (size %u, key %#x)\n",
			ramfb.size, ramfb.select);
		ret = -ENODEV;
		goto err;
	}
	so->ramfb_select = ramfb.select;

	/*
	 * The parking buffer, from the device's pool like any scanout
	 * buffer.  dma_alloc_wc() returns zeroed memory whichever allocator
	 * serves it, and all-zero XRGB8888 is black.  Parking right away
	 * replaces whatever firmware left on screen.
	 */
	so->park_vaddr = dma_alloc_wc(dev, WCFB_PARK_BYTES, &so->park_dma,
				      GFP_KERNEL);
	if (!so->park_vaddr) {
		ret = -ENOMEM;
		goto err;
	}
	ret = wcfb_scanout_park(so);
	if (ret) {
		dev_err(dev, "parking the engine failed: %d\n", ret);
		goto err;
	}

	dev_info(dev, "ramfb at fw_cfg key %#x, parked at %pad\n",
		 so->ramfb_select, &so->park_dma);
	*out = so;
	return 0;

err:
	wcfb_scanout_destroy(so);
	return ret;
}
