/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wcfb 2D blitter engine: the guest <-> engine protocol.
 *
 * This one header is shared by the host device model (hw/engine/) and the
 * Linux driver (drm/), so it compiles both in the kernel (__KERNEL__) and in
 * user space, includes nothing but the fixed-width type header of each
 * world, and describes every structure with fixed-width little-endian
 * fields, explicit padding and compile-time size/offset checks.  The prose
 * specification is Documentation/engine-protocol.md; keep the two in step.
 *
 * Transport: QEMU "ivshmem-doorbell" PCI function (1af4:1110).
 *   BAR0  ivshmem registers (QEMU's): DOORBELL at +0x0C.
 *   BAR2  this register block (WCFB_ENG_BAR_SIZE bytes of shared memory).
 *   MSI-X vector WCFB_ENG_REG_IRQ_VECTOR: engine -> driver interrupt.
 * The driver kicks the engine by writing
 *   (DOORBELL_PEER << 16) | DOORBELL_VECTOR   to BAR0 + 0x0C.
 *
 * Register table (BAR2 offsets; all registers little-endian; RO registers
 * are plain shared memory, so a driver write to them is undefined and is
 * overwritten by the engine at the next doorbell):
 *
 *  off    name             acc  meaning
 *  0x000  MAGIC            RO   WCFB_ENG_MAGIC ('W','C','B','L' in memory)
 *  0x004  VERSION          RO   (major << 16) | minor
 *  0x008  CAPS             RO   bit (1 << opcode) per supported opcode
 *  0x00C  FORMATS          RO   WCFB_ENG_FMTCAP_* bits
 *  0x010  DMA_BITS         RO   width of the engine's DMA addresses
 *  0x014  MAX_RING         RO   largest RING_SIZE accepted (power of two)
 *  0x018  MAX_SG           RO   largest sg_count accepted per surface
 *  0x01C  MAX_DIM          RO   largest width/height accepted
 *  0x020  DESC_SIZE        RO   sizeof(struct wcfb_eng_desc) = 128
 *  0x024  DOORBELL_PEER    RO   ivshmem peer id of the engine
 *  0x028  DOORBELL_VECTOR  RO   ivshmem vector to ring on that peer
 *  0x02C  IRQ_VECTOR       RO   MSI-X vector the engine raises
 *  0x040  RING_BASE        RW   u64 DMA address of the descriptor ring
 *  0x048  RING_SIZE        RW   ring entries (power of two, <= MAX_RING)
 *  0x04C  CTRL             RW   WCFB_ENG_CTRL_* bits
 *  0x050  HEAD             RW   producer index (driver, free-running u32)
 *  0x054  TAIL             RO   consumer index (engine, free-running u32)
 *  0x058  COMPLETION_ADDR  RW   u64 DMA address of the completion page
 *  0x060  STATUS           RO   WCFB_ENG_STATUS_*
 *  0x064  ERROR            RO   last configuration error (WCFB_ENG_ERR_*)
 *  0x070  STAT_DESCS       RO   u64 descriptors completed (incl. faulted)
 *  0x078  STAT_FAULTS      RO   u64 descriptors faulted
 *  0x080  STAT_BYTES       RO   u64 bytes written to guest memory by ops
 *  0x088  STAT_IRQS        RO   u64 interrupts raised
 *  0x090  STAT_DOORBELLS   RO   u64 doorbell wake-ups handled
 *
 * RING_BASE, RING_SIZE and COMPLETION_ADDR are sampled once, when the
 * engine first sees CTRL.ENABLE set (at a doorbell); later writes are
 * ignored until a RESET.  64-bit registers may be written as two 32-bit
 * halves (low at the lower address).  Indices are free-running: slot =
 * index & (RING_SIZE - 1); HEAD - TAIL (mod 2^32) <= RING_SIZE.
 */
#ifndef WCFB_ENGINE_PROTO_H
#define WCFB_ENGINE_PROTO_H

#ifdef __KERNEL__
#include <linux/types.h>
typedef __le16 wcfb_le16;
typedef __le32 wcfb_le32;
typedef __le64 wcfb_le64;
#else
#include <stdint.h>
/* Values are little-endian in memory; user space converts with le32toh(). */
typedef uint16_t wcfb_le16;
typedef uint32_t wcfb_le32;
typedef uint64_t wcfb_le64;
#endif

/* offsetof without <stddef.h> (the header may include nothing else). */
#define WCFB_ENG_OFFSETOF(t, m) __builtin_offsetof(t, m)
#define WCFB_ENG_ASSERT(cond, msg) _Static_assert(cond, msg)

/* ------------------------------------------------------------------ */
/* Identification                                                      */
/* ------------------------------------------------------------------ */

#define WCFB_ENG_MAGIC          0x4C424357u     /* "WCBL" little-endian */
#define WCFB_ENG_VERSION_MAJOR  1u
#define WCFB_ENG_VERSION_MINOR  4u
#define WCFB_ENG_VERSION \
	((WCFB_ENG_VERSION_MAJOR << 16) | WCFB_ENG_VERSION_MINOR)

/* BAR2 size: QEMU requires a power of two for a PCI BAR. */
#define WCFB_ENG_BAR_SIZE       4096u

/* Limits advertised by the reference engine. */
#define WCFB_ENG_MAX_RING       4096u
#define WCFB_ENG_MAX_SG         4096u
#define WCFB_ENG_MAX_DIM        16384u

/* ------------------------------------------------------------------ */
/* Register offsets (BAR2)                                             */
/* ------------------------------------------------------------------ */

#define WCFB_ENG_REG_MAGIC              0x000
#define WCFB_ENG_REG_VERSION            0x004
#define WCFB_ENG_REG_CAPS               0x008
#define WCFB_ENG_REG_FORMATS            0x00C
#define WCFB_ENG_REG_DMA_BITS           0x010
#define WCFB_ENG_REG_MAX_RING           0x014
#define WCFB_ENG_REG_MAX_SG             0x018
#define WCFB_ENG_REG_MAX_DIM            0x01C
#define WCFB_ENG_REG_DESC_SIZE          0x020
#define WCFB_ENG_REG_DOORBELL_PEER      0x024
#define WCFB_ENG_REG_DOORBELL_VECTOR    0x028
#define WCFB_ENG_REG_IRQ_VECTOR         0x02C
#define WCFB_ENG_REG_RING_BASE          0x040   /* u64 */
#define WCFB_ENG_REG_RING_SIZE          0x048
#define WCFB_ENG_REG_CTRL               0x04C
#define WCFB_ENG_REG_HEAD               0x050
#define WCFB_ENG_REG_TAIL               0x054
#define WCFB_ENG_REG_COMPLETION_ADDR    0x058   /* u64 */
#define WCFB_ENG_REG_STATUS             0x060
#define WCFB_ENG_REG_ERROR              0x064
#define WCFB_ENG_REG_STAT_DESCS         0x070   /* u64 */
#define WCFB_ENG_REG_STAT_FAULTS        0x078   /* u64 */
#define WCFB_ENG_REG_STAT_BYTES         0x080   /* u64 */
#define WCFB_ENG_REG_STAT_IRQS          0x088   /* u64 */
#define WCFB_ENG_REG_STAT_DOORBELLS     0x090   /* u64 */

/* ivshmem BAR0 doorbell register (QEMU's, not ours). */
#define WCFB_ENG_IVSHMEM_DOORBELL       0x0C

/* CTRL bits */
#define WCFB_ENG_CTRL_ENABLE    (1u << 0)       /* process the ring */
#define WCFB_ENG_CTRL_RESET     (1u << 1)       /* self-clearing */

/* STATUS values */
#define WCFB_ENG_STATUS_DISABLED   0u   /* power-on / ENABLE clear */
#define WCFB_ENG_STATUS_IDLE       1u   /* enabled, ring drained */
#define WCFB_ENG_STATUS_BUSY       2u   /* enabled, work outstanding */
#define WCFB_ENG_STATUS_HALTED     3u   /* config error, see ERROR; RESET */
#define WCFB_ENG_STATUS_RESET_DONE 4u   /* reset completed, ENABLE clear */

/* Register block as a struct (the model's view; the driver may use the
 * WCFB_ENG_REG_* offsets with readl/writel instead). */
struct wcfb_eng_regs {
	wcfb_le32 magic;
	wcfb_le32 version;
	wcfb_le32 caps;
	wcfb_le32 formats;
	wcfb_le32 dma_bits;
	wcfb_le32 max_ring;
	wcfb_le32 max_sg;
	wcfb_le32 max_dim;
	wcfb_le32 desc_size;
	wcfb_le32 doorbell_peer;
	wcfb_le32 doorbell_vector;
	wcfb_le32 irq_vector;
	wcfb_le32 _rsvd0[4];
	wcfb_le64 ring_base;
	wcfb_le32 ring_size;
	wcfb_le32 ctrl;
	wcfb_le32 head;
	wcfb_le32 tail;
	wcfb_le64 completion_addr;
	wcfb_le32 status;
	wcfb_le32 error;
	wcfb_le32 _rsvd1[2];
	wcfb_le64 stat_descs;
	wcfb_le64 stat_faults;
	wcfb_le64 stat_bytes;
	wcfb_le64 stat_irqs;
	wcfb_le64 stat_doorbells;
};

#define WCFB_ENG_REG_CHECK(m, off) \
	WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_regs, m) == (off), \
			"wcfb_eng_regs." #m " offset")
WCFB_ENG_REG_CHECK(magic, WCFB_ENG_REG_MAGIC);
WCFB_ENG_REG_CHECK(dma_bits, WCFB_ENG_REG_DMA_BITS);
WCFB_ENG_REG_CHECK(irq_vector, WCFB_ENG_REG_IRQ_VECTOR);
WCFB_ENG_REG_CHECK(ring_base, WCFB_ENG_REG_RING_BASE);
WCFB_ENG_REG_CHECK(ring_size, WCFB_ENG_REG_RING_SIZE);
WCFB_ENG_REG_CHECK(ctrl, WCFB_ENG_REG_CTRL);
WCFB_ENG_REG_CHECK(head, WCFB_ENG_REG_HEAD);
WCFB_ENG_REG_CHECK(tail, WCFB_ENG_REG_TAIL);
WCFB_ENG_REG_CHECK(completion_addr, WCFB_ENG_REG_COMPLETION_ADDR);
WCFB_ENG_REG_CHECK(status, WCFB_ENG_REG_STATUS);
WCFB_ENG_REG_CHECK(error, WCFB_ENG_REG_ERROR);
WCFB_ENG_REG_CHECK(stat_descs, WCFB_ENG_REG_STAT_DESCS);
WCFB_ENG_REG_CHECK(stat_doorbells, WCFB_ENG_REG_STAT_DOORBELLS);
WCFB_ENG_ASSERT(sizeof(struct wcfb_eng_regs) == 0x98, "regs size");
WCFB_ENG_ASSERT(sizeof(struct wcfb_eng_regs) <= WCFB_ENG_BAR_SIZE,
		"regs fit in BAR2");
WCFB_ENG_ASSERT((WCFB_ENG_BAR_SIZE & (WCFB_ENG_BAR_SIZE - 1)) == 0,
		"BAR2 size is a power of two");

/* ------------------------------------------------------------------ */
/* Opcodes, formats                                                    */
/* ------------------------------------------------------------------ */

#define WCFB_ENG_OP_NOP         1u   /* completes its seqno, touches nothing */
#define WCFB_ENG_OP_FILL        2u   /* dst rect = fill (dst format)       */
#define WCFB_ENG_OP_COPY        3u   /* dst rect = src rect, same format   */
#define WCFB_ENG_OP_BLEND       4u   /* dst = src over dst (flags: mode...) */
#define WCFB_ENG_OP_CONVERT     5u   /* dst rect = src rect, format change */
#define WCFB_ENG_OP_CRC         6u   /* dst u32 = CRC-32 of src rect (1.1) */
#define WCFB_ENG_OP_COLOR       7u   /* dst = color(src), table: see below */
#define WCFB_ENG_OP_MAX         7u   /* opcode 0 is invalid on purpose     */

/*
 * desc.flags (1.1): BLEND takes a blend mode, a plane alpha and a
 * transform; CONVERT a transform; every other opcode 0.  Unknown bits are
 * ERR_DESC.
 */
#define WCFB_ENG_BLEND_MODE_MASK      0x3u
#define WCFB_ENG_BLEND_COVERAGE       0x0u  /* straight alpha (1.0's BLEND) */
#define WCFB_ENG_BLEND_PREMULTIPLIED  0x1u  /* source colour premultiplied  */
#define WCFB_ENG_BLEND_NONE           0x2u  /* source alpha ignored         */
#define WCFB_ENG_BLEND_PLANE_ALPHA    (1u << 2)  /* desc.fill[7:0] = alpha */
#define WCFB_ENG_XFORM_REFLECT_X      (1u << 8)  /* u = sw - 1 - u         */
#define WCFB_ENG_XFORM_REFLECT_Y      (1u << 9)  /* v = sh - 1 - v         */
#define WCFB_ENG_XFORM_TRANSPOSE      (1u << 10) /* (u, v) = (j, i)        */
#define WCFB_ENG_XFORM_MASK \
	(WCFB_ENG_XFORM_REFLECT_X | WCFB_ENG_XFORM_REFLECT_Y | \
	 WCFB_ENG_XFORM_TRANSPOSE)

/*
 * 1.3: scaling, nearest sample (BLEND and CONVERT).  With XFORM_SCALE the
 * source rect is no longer the destination's size: it is desc._rsvd[2] x
 * desc._rsvd[3] pixels from (src.x, src.y), and destination pixel (i, j)
 * of the rect takes source pixel (U >> 16, V >> 16) of it, where
 *
 *   (a, b) = TRANSPOSE ? (j, i) : (i, j)
 *   U = u0 + a * du,   V = v0 + b * dv     (16.16, 64-bit, signed)
 *
 * with u0, v0, du, dv the s32 words _rsvd[4..7].  REFLECT_X and REFLECT_Y
 * must be 0 with SCALE (a negative step mirrors).  Every U must lie in
 * [0, sw << 16) and every V in [0, sh << 16), else ERR_RECT; so must sw
 * and sh in [1, MAX_DIM].  The source rect is read whole before the
 * first row is written (as for any transform), at most 256 MiB of it
 * converted to the source format's bytes, else NOMEM.
 */
#define WCFB_ENG_XFORM_SCALE          (1u << 11)
#define WCFB_ENG_SCALE_SW             2    /* desc._rsvd[] words */
#define WCFB_ENG_SCALE_SH             3
#define WCFB_ENG_SCALE_U0             4
#define WCFB_ENG_SCALE_V0             5
#define WCFB_ENG_SCALE_DU             6
#define WCFB_ENG_SCALE_DV             7

/*
 * 1.4: a CRC kept up to date row by row (CRC only).  With CRC_ROWS the
 * rows table at desc._rsvd[0..1] (a guest address, 4-byte aligned, one
 * little-endian u32 per row of the rect: desc.height words) holds, for
 * each row, the CRC register over that row's R, G, B bytes started from
 * 0 and not inverted.  The engine reads rows _rsvd[2] .. _rsvd[2] +
 * _rsvd[3] - 1 of the source rect, writes their words into the table, and
 * takes every other row's word from the table as it is; the result at dst
 * is then the CRC-32 of the whole rect, the same as without the flag when
 * the table held those rows' words.  A client that changed only some rows
 * of a frame (a composer's damage) pays for those rows alone.  First row
 * plus count above desc.height is ERR_RECT, an unaligned table ERR_SG,
 * and a table outside guest RAM ERR_NOT_RAM (ERR_DMA_RANGE beyond
 * DMA_BITS).
 */
#define WCFB_ENG_CRC_ROWS             (1u << 15)
#define WCFB_ENG_CRC_FIRST            2    /* desc._rsvd[] words */
#define WCFB_ENG_CRC_COUNT            3

/*
 * 1.2: the YCbCr -> RGB conversion of a YUV source (BLEND and CONVERT
 * only, and only when src.format is one of the YUV formats below; with
 * any other source these bits are ERR_DESC).  Encoding 3 is ERR_DESC.
 */
#define WCFB_ENG_YUV_ENC_SHIFT        12
#define WCFB_ENG_YUV_ENC_MASK         (3u << WCFB_ENG_YUV_ENC_SHIFT)
#define WCFB_ENG_YUV_BT601            0u   /* values of the ENC field */
#define WCFB_ENG_YUV_BT709            1u
#define WCFB_ENG_YUV_BT2020           2u
#define WCFB_ENG_YUV_ENC(enc)         ((enc) << WCFB_ENG_YUV_ENC_SHIFT)
#define WCFB_ENG_YUV_FULL_RANGE       (1u << 14) /* clear: limited range */
#define WCFB_ENG_YUV_FLAGS_MASK \
	(WCFB_ENG_YUV_ENC_MASK | WCFB_ENG_YUV_FULL_RANGE)

/* DRM fourcc codes (identical to drm_fourcc.h, repeated to avoid the
 * include). */
#define WCFB_ENG_FMT_XRGB8888   0x34325258u  /* 'XR24' [31:0] x:R:G:B */
#define WCFB_ENG_FMT_ARGB8888   0x34325241u  /* 'AR24' [31:0] A:R:G:B */
#define WCFB_ENG_FMT_RGB565     0x36314752u  /* 'RG16' [15:0] R5:G6:B5 */
#define WCFB_ENG_FMT_RGB888     0x34324752u  /* 'RG24' [23:0] R:G:B   */
/* 1.1 */
#define WCFB_ENG_FMT_XBGR8888   0x34324258u  /* 'XB24' [31:0] x:B:G:R */
#define WCFB_ENG_FMT_ABGR8888   0x34324241u  /* 'AB24' [31:0] A:B:G:R */
#define WCFB_ENG_FMT_RGBX8888   0x34325852u  /* 'RX24' [31:0] R:G:B:x */
#define WCFB_ENG_FMT_RGBA8888   0x34324152u  /* 'RA24' [31:0] R:G:B:A */
#define WCFB_ENG_FMT_BGRX8888   0x34325842u  /* 'BX24' [31:0] B:G:R:x */
#define WCFB_ENG_FMT_BGRA8888   0x34324142u  /* 'BA24' [31:0] B:G:R:A */
#define WCFB_ENG_FMT_BGR888     0x34324742u  /* 'BG24' [23:0] B:G:R   */
#define WCFB_ENG_FMT_BGR565     0x36314742u  /* 'BG16' [15:0] B5:G6:R5 */
#define WCFB_ENG_FMT_XRGB2101010 0x30335258u /* 'XR30' [31:0] x2:R10:G10:B10 */
#define WCFB_ENG_FMT_ARGB2101010 0x30335241u /* 'AR30' [31:0] A2:R10:G10:B10 */
#define WCFB_ENG_FMT_XBGR2101010 0x30334258u /* 'XB30' [31:0] x2:B10:G10:R10 */
#define WCFB_ENG_FMT_ABGR2101010 0x30334241u /* 'AB30' [31:0] A2:B10:G10:R10 */
/*
 * 1.2: YUV, source of BLEND and CONVERT only.  desc.src is plane 0: Y at
 * 1 byte per pixel (2- and 3-plane formats, chroma in the planes table
 * below), or the pixel pairs of a packed format at 2 bytes per pixel,
 * read and checked in whole pairs.
 */
#define WCFB_ENG_FMT_NV12       0x3231564eu  /* 'NV12' Y, CbCr     2x2 */
#define WCFB_ENG_FMT_NV21       0x3132564eu  /* 'NV21' Y, CrCb     2x2 */
#define WCFB_ENG_FMT_NV16       0x3631564eu  /* 'NV16' Y, CbCr     2x1 */
#define WCFB_ENG_FMT_NV61       0x3136564eu  /* 'NV61' Y, CrCb     2x1 */
#define WCFB_ENG_FMT_NV24       0x3432564eu  /* 'NV24' Y, CbCr     1x1 */
#define WCFB_ENG_FMT_NV42       0x3234564eu  /* 'NV42' Y, CrCb     1x1 */
#define WCFB_ENG_FMT_YUV420     0x32315559u  /* 'YU12' Y, Cb, Cr   2x2 */
#define WCFB_ENG_FMT_YVU420     0x32315659u  /* 'YV12' Y, Cr, Cb   2x2 */
#define WCFB_ENG_FMT_YUV422     0x36315559u  /* 'YU16' Y, Cb, Cr   2x1 */
#define WCFB_ENG_FMT_YVU422     0x36315659u  /* 'YV16' Y, Cr, Cb   2x1 */
#define WCFB_ENG_FMT_YUV444     0x34325559u  /* 'YU24' Y, Cb, Cr   1x1 */
#define WCFB_ENG_FMT_YVU444     0x34325659u  /* 'YV24' Y, Cr, Cb   1x1 */
#define WCFB_ENG_FMT_YUYV       0x56595559u  /* 'YUYV' Y0 Cb Y1 Cr 2x1 */
#define WCFB_ENG_FMT_YVYU       0x55595659u  /* 'YVYU' Y0 Cr Y1 Cb 2x1 */
#define WCFB_ENG_FMT_UYVY       0x59565955u  /* 'UYVY' Cb Y0 Cr Y1 2x1 */
#define WCFB_ENG_FMT_VYUY       0x59555956u  /* 'VYUY' Cr Y0 Cb Y1 2x1 */

/* FORMATS register bits */
#define WCFB_ENG_FMTCAP_XRGB8888 (1u << 0)
#define WCFB_ENG_FMTCAP_ARGB8888 (1u << 1)
#define WCFB_ENG_FMTCAP_RGB565   (1u << 2)
#define WCFB_ENG_FMTCAP_RGB888   (1u << 3)
#define WCFB_ENG_FMTCAP_XBGR8888 (1u << 4)
#define WCFB_ENG_FMTCAP_ABGR8888 (1u << 5)
#define WCFB_ENG_FMTCAP_RGBX8888 (1u << 6)
#define WCFB_ENG_FMTCAP_RGBA8888 (1u << 7)
#define WCFB_ENG_FMTCAP_BGRX8888 (1u << 8)
#define WCFB_ENG_FMTCAP_BGRA8888 (1u << 9)
#define WCFB_ENG_FMTCAP_BGR888   (1u << 10)
#define WCFB_ENG_FMTCAP_BGR565   (1u << 11)
#define WCFB_ENG_FMTCAP_XRGB2101010 (1u << 12)
#define WCFB_ENG_FMTCAP_ARGB2101010 (1u << 13)
#define WCFB_ENG_FMTCAP_XBGR2101010 (1u << 14)
#define WCFB_ENG_FMTCAP_ABGR2101010 (1u << 15)
/* 1.2 */
#define WCFB_ENG_FMTCAP_NV12     (1u << 16)
#define WCFB_ENG_FMTCAP_NV21     (1u << 17)
#define WCFB_ENG_FMTCAP_NV16     (1u << 18)
#define WCFB_ENG_FMTCAP_NV61     (1u << 19)
#define WCFB_ENG_FMTCAP_NV24     (1u << 20)
#define WCFB_ENG_FMTCAP_NV42     (1u << 21)
#define WCFB_ENG_FMTCAP_YUV420   (1u << 22)
#define WCFB_ENG_FMTCAP_YVU420   (1u << 23)
#define WCFB_ENG_FMTCAP_YUV422   (1u << 24)
#define WCFB_ENG_FMTCAP_YVU422   (1u << 25)
#define WCFB_ENG_FMTCAP_YUV444   (1u << 26)
#define WCFB_ENG_FMTCAP_YVU444   (1u << 27)
#define WCFB_ENG_FMTCAP_YUYV     (1u << 28)
#define WCFB_ENG_FMTCAP_YVYU     (1u << 29)
#define WCFB_ENG_FMTCAP_UYVY     (1u << 30)
#define WCFB_ENG_FMTCAP_VYUY     (1u << 31)
#define WCFB_ENG_FMTCAP_RGB_MASK 0x0000FFFFu    /* formats of 1.1 */
#define WCFB_ENG_FMTCAP_YUV_MASK 0xFFFF0000u    /* formats of 1.2 */

/* ------------------------------------------------------------------ */
/* Status / error codes (descriptor status, completion page, ERROR)    */
/* ------------------------------------------------------------------ */

#define WCFB_ENG_ST_OK           0u
#define WCFB_ENG_ERR_OPCODE      1u  /* unknown opcode                       */
#define WCFB_ENG_ERR_DESC        2u  /* non-zero flags / reserved field      */
#define WCFB_ENG_ERR_FORMAT      3u  /* unknown fourcc / not valid for op    */
#define WCFB_ENG_ERR_RECT        4u  /* w/h > MAX_DIM, row > pitch, overflow */
#define WCFB_ENG_ERR_SG          5u  /* bad sg count/alignment/entry length  */
#define WCFB_ENG_ERR_EXTENT      6u  /* rect beyond the surface's extent     */
#define WCFB_ENG_ERR_NOT_RAM     7u  /* address outside guest RAM            */
#define WCFB_ENG_ERR_DMA_RANGE   8u  /* address beyond DMA_BITS              */
#define WCFB_ENG_ERR_INJECTED    9u  /* fault injection (test)               */
#define WCFB_ENG_ERR_NOMEM      10u  /* engine-internal resource exhausted   */
/* configuration errors (ERROR register, STATUS = HALTED) */
#define WCFB_ENG_ERR_RING_CONFIG 16u /* RING_SIZE / RING_BASE alignment      */
#define WCFB_ENG_ERR_CMPL_CONFIG 17u /* COMPLETION_ADDR alignment            */
#define WCFB_ENG_ERR_HEAD        18u /* HEAD - TAIL > RING_SIZE              */
/* value the driver puts in desc.status before submitting (never written
 * by the engine, so "still PENDING" means "not executed") */
#define WCFB_ENG_ST_PENDING      0xFFFFFFFFu

/* ------------------------------------------------------------------ */
/* Scatter-gather table entry (guest memory, 8-byte aligned array)     */
/* ------------------------------------------------------------------ */

struct wcfb_eng_sg {
	wcfb_le64 addr;         /* DMA address of the segment */
	wcfb_le64 len;          /* bytes, > 0 */
};
WCFB_ENG_ASSERT(sizeof(struct wcfb_eng_sg) == 16, "sg entry size");

/* ------------------------------------------------------------------ */
/* Surface: a buffer (SG table) + format + pitch + rect origin         */
/* ------------------------------------------------------------------ */

/*
 * The surface's extent is the sum of its segment lengths; pixel (x, y) is
 * at byte offset y * pitch + x * cpp of the segments laid end to end.
 */
struct wcfb_eng_surface {
	wcfb_le64 sg_addr;      /* DMA address of wcfb_eng_sg[sg_count] */
	wcfb_le32 sg_count;     /* 1 .. MAX_SG */
	wcfb_le32 pitch;        /* bytes per row */
	wcfb_le32 format;       /* WCFB_ENG_FMT_* */
	wcfb_le32 x;            /* rect origin in pixels */
	wcfb_le32 y;
	wcfb_le32 _rsvd;        /* must be 0 */
};
WCFB_ENG_ASSERT(sizeof(struct wcfb_eng_surface) == 32, "surface size");

/* ------------------------------------------------------------------ */
/* Descriptor (ring entry), 128 bytes, ring slot i at RING_BASE+i*128  */
/* ------------------------------------------------------------------ */

struct wcfb_eng_desc {
	wcfb_le32 opcode;       /* 0x00 WCFB_ENG_OP_* */
	wcfb_le32 flags;        /* 0x04 WCFB_ENG_BLEND_* / _XFORM_* / _YUV_* */
	wcfb_le64 seqno;        /* 0x08 written to completion page when done */
	wcfb_le32 status;       /* 0x10 engine writes WCFB_ENG_ST_OK/ERR_* */
	wcfb_le32 fill;         /* 0x14 FILL: pixel value in dst format;
				 *      BLEND with PLANE_ALPHA: [7:0] alpha */
	wcfb_le32 width;        /* 0x18 rect size in pixels (shared by */
	wcfb_le32 height;       /* 0x1C  src and dst); 0 = no pixels */
	struct wcfb_eng_surface dst;    /* 0x20 */
	struct wcfb_eng_surface src;    /* 0x40 ignored by NOP/FILL */
	wcfb_le32 _rsvd[8];     /* 0x60 0 but [0..1]: COLOR/YUV/CRC_ROWS
				 *      table, [2..7]: XFORM_SCALE's map,
				 *      [2..3]: CRC_ROWS's rows */
};
#define WCFB_ENG_DESC_SIZE 128u
WCFB_ENG_ASSERT(sizeof(struct wcfb_eng_desc) == WCFB_ENG_DESC_SIZE,
		"descriptor size");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_desc, seqno) == 0x08,
		"desc.seqno");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_desc, status) == 0x10,
		"desc.status");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_desc, dst) == 0x20,
		"desc.dst");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_desc, src) == 0x40,
		"desc.src");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_desc, _rsvd) == 0x60,
		"desc._rsvd");
#define WCFB_ENG_DESC_STATUS_OFF 0x10u
/*
 * COLOR takes a u64 little-endian DMA address of its color table in
 * desc._rsvd[0] (low half) and desc._rsvd[1] (high half); _rsvd[2..7]
 * stay 0.  So do BLEND and CONVERT of a 2- or 3-plane YUV source, for
 * the address of its planes table (1.2).  Otherwise all of _rsvd must
 * be 0.
 */
#define WCFB_ENG_DESC_TABLE_OFF  0x60u
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_desc, _rsvd) ==
		WCFB_ENG_DESC_TABLE_OFF, "desc table address");

/* ------------------------------------------------------------------ */
/* COLOR table (guest memory, 8-byte aligned, 4176 bytes)              */
/* ------------------------------------------------------------------ */

/* table.flags: the stages applied; other bits must be 0 (ERR_DESC) */
#define WCFB_ENG_COLOR_DEGAMMA  (1u << 0)
#define WCFB_ENG_COLOR_CTM      (1u << 1)
#define WCFB_ENG_COLOR_GAMMA    (1u << 2)
#define WCFB_ENG_COLOR_FLAGS_MASK \
	(WCFB_ENG_COLOR_DEGAMMA | WCFB_ENG_COLOR_CTM | WCFB_ENG_COLOR_GAMMA)

#define WCFB_ENG_COLOR_LUT_SIZE     256u
#define WCFB_ENG_COLOR_TABLE_ALIGN  8u

/*
 * Per pixel (Documentation/engine-protocol.md, COLOR), on canonical
 * 8-bit R, G, B: degamma LUT indexed by the 8-bit value (else C * 257),
 * 3x3 matrix in two's complement Q32.32 rounded and clamped to 16 bits,
 * gamma LUT indexed by the 16-bit value >> 8, then rounded to 8 bits.
 * LUT entries are laid out as struct drm_color_lut.
 */
struct wcfb_eng_color_table {
	wcfb_le32 flags;        /* 0x000 WCFB_ENG_COLOR_* */
	wcfb_le32 _rsvd;        /* 0x004 must be 0 */
	wcfb_le64 ctm[9];       /* 0x008 s64 Q32.32, row-major (out x in) */
	wcfb_le16 degamma[WCFB_ENG_COLOR_LUT_SIZE][4];  /* 0x050 R, G, B, - */
	wcfb_le16 gamma[WCFB_ENG_COLOR_LUT_SIZE][4];    /* 0x850 R, G, B, - */
};
#define WCFB_ENG_COLOR_OFF_FLAGS    0x000u
#define WCFB_ENG_COLOR_OFF_CTM      0x008u
#define WCFB_ENG_COLOR_OFF_DEGAMMA  0x050u
#define WCFB_ENG_COLOR_OFF_GAMMA    0x850u
#define WCFB_ENG_COLOR_TABLE_SIZE   0x1050u     /* 4176 */
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_color_table, ctm) ==
		WCFB_ENG_COLOR_OFF_CTM, "color table ctm");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_color_table, degamma) ==
		WCFB_ENG_COLOR_OFF_DEGAMMA, "color table degamma");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_color_table, gamma) ==
		WCFB_ENG_COLOR_OFF_GAMMA, "color table gamma");
WCFB_ENG_ASSERT(sizeof(struct wcfb_eng_color_table) ==
		WCFB_ENG_COLOR_TABLE_SIZE, "color table size");

/* ------------------------------------------------------------------ */
/* YUV source: chroma planes table (guest memory, 8-byte aligned, 64 B) */
/* ------------------------------------------------------------------ */

/*
 * For a 2- or 3-plane YUV source, desc.src is plane 0 (Y, cpp 1) and
 * desc._rsvd[0] (low) / _rsvd[1] (high) hold the u64 address of this
 * table; _rsvd[2..7] stay 0.  plane[0] is DRM plane 1, plane[1] DRM
 * plane 2 (3-plane formats; all zero for 2-plane ones).  Source pixel
 * (u, v) of the rect takes its chroma from sample
 *   (x + (phase_x + u) / hsub, y + (phase_y + v) / vsub)
 * of each chroma plane: nearest, replicated, no interpolation.  A sample
 * is 2 bytes (Cb,Cr or Cr,Cb) in an NV plane, 1 byte in a planar one.
 * Packed (YUYV ...) and RGB sources take no table: _rsvd[0..7] stay 0.
 */
struct wcfb_eng_plane {
	wcfb_le64 sg_addr;      /* 0x00 SG table of this plane's buffer */
	wcfb_le32 sg_count;     /* 0x08 1 .. MAX_SG */
	wcfb_le32 pitch;        /* 0x0C bytes per row of this plane */
	wcfb_le32 format;       /* 0x10 must be 0 */
	wcfb_le32 x;            /* 0x14 sample column of the rect's pixel 0 */
	wcfb_le32 y;            /* 0x18 sample row of the rect's pixel 0 */
	wcfb_le32 phase;        /* 0x1C WCFB_ENG_PLANE_PHASE(x, y) */
};
struct wcfb_eng_planes {
	struct wcfb_eng_plane plane[2];
};
/* phase: [7:0] x phase < hsub, [15:8] y phase < vsub, [31:16] 0 */
#define WCFB_ENG_PLANE_PHASE_X_MASK   0x000000FFu
#define WCFB_ENG_PLANE_PHASE_Y_SHIFT  8
#define WCFB_ENG_PLANE_PHASE_Y_MASK   0x0000FF00u
#define WCFB_ENG_PLANE_PHASE(px, py) \
	((px) | ((py) << WCFB_ENG_PLANE_PHASE_Y_SHIFT))
#define WCFB_ENG_PLANE_SIZE     32u
#define WCFB_ENG_PLANES_SIZE    64u
#define WCFB_ENG_PLANES_ALIGN   8u
WCFB_ENG_ASSERT(sizeof(struct wcfb_eng_plane) == WCFB_ENG_PLANE_SIZE,
		"plane size");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, sg_count) == 0x08,
		"plane.sg_count");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, pitch) == 0x0C,
		"plane.pitch");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, format) == 0x10,
		"plane.format");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, x) == 0x14,
		"plane.x");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, y) == 0x18,
		"plane.y");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, phase) == 0x1C,
		"plane.phase");
WCFB_ENG_ASSERT(sizeof(struct wcfb_eng_planes) == WCFB_ENG_PLANES_SIZE,
		"planes table size");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_planes, plane[1]) == 0x20,
		"planes.plane[1]");

/* ------------------------------------------------------------------ */
/* YCbCr -> RGB coefficients (1.2), 16.16 fixed point                  */
/* ------------------------------------------------------------------ */

/*
 * Per pixel, all signed integer arithmetic (Documentation/
 * engine-protocol.md, YUV):
 *   y  = Y - Y_OFFSET (limited range) or Y (full range)
 *   cb = Cb - 128, cr = Cr - 128
 *   R  = CY * y + CRV * cr
 *   G  = CY * y - CGU * cb - CGV * cr
 *   B  = CY * y + CBU * cb
 *   out = clamp((V + 32768) >> 16, 0, 255)   (>> = floor division)
 * With Kg = 1 - Kr - Kb, s = 255/224 (limited) or 1 (full), and round()
 * half away from zero:
 *   CY  = round(65536 * 255/219) (limited) or 65536 (full)
 *   CRV = round(65536 * s * 2 * (1 - Kr))
 *   CGU = round(65536 * s * 2 * (1 - Kb) * Kb / Kg)
 *   CGV = round(65536 * s * 2 * (1 - Kr) * Kr / Kg)
 *   CBU = round(65536 * s * 2 * (1 - Kb))
 * BT.601 Kr 0.299 Kb 0.114, BT.709 Kr 0.2126 Kb 0.0722, BT.2020 Kr 0.2627
 * Kb 0.0593.  Every |V| stays below 2^26, so 32-bit arithmetic suffices.
 */
#define WCFB_ENG_YUV_Y_OFFSET           16
#define WCFB_ENG_YUV_C_OFFSET           128
#define WCFB_ENG_YUV_ROUND              32768
#define WCFB_ENG_YUV_CY_LIMITED         76309
#define WCFB_ENG_YUV_CY_FULL            65536

#define WCFB_ENG_YUV_COEF_BT601_LIMITED_CY      76309
#define WCFB_ENG_YUV_COEF_BT601_LIMITED_CRV     104597
#define WCFB_ENG_YUV_COEF_BT601_LIMITED_CGU     25675
#define WCFB_ENG_YUV_COEF_BT601_LIMITED_CGV     53279
#define WCFB_ENG_YUV_COEF_BT601_LIMITED_CBU     132201
#define WCFB_ENG_YUV_COEF_BT601_FULL_CY         65536
#define WCFB_ENG_YUV_COEF_BT601_FULL_CRV        91881
#define WCFB_ENG_YUV_COEF_BT601_FULL_CGU        22553
#define WCFB_ENG_YUV_COEF_BT601_FULL_CGV        46802
#define WCFB_ENG_YUV_COEF_BT601_FULL_CBU        116130
#define WCFB_ENG_YUV_COEF_BT709_LIMITED_CY      76309
#define WCFB_ENG_YUV_COEF_BT709_LIMITED_CRV     117489
#define WCFB_ENG_YUV_COEF_BT709_LIMITED_CGU     13975
#define WCFB_ENG_YUV_COEF_BT709_LIMITED_CGV     34925
#define WCFB_ENG_YUV_COEF_BT709_LIMITED_CBU     138438
#define WCFB_ENG_YUV_COEF_BT709_FULL_CY         65536
#define WCFB_ENG_YUV_COEF_BT709_FULL_CRV        103206
#define WCFB_ENG_YUV_COEF_BT709_FULL_CGU        12276
#define WCFB_ENG_YUV_COEF_BT709_FULL_CGV        30679
#define WCFB_ENG_YUV_COEF_BT709_FULL_CBU        121609
#define WCFB_ENG_YUV_COEF_BT2020_LIMITED_CY     76309
#define WCFB_ENG_YUV_COEF_BT2020_LIMITED_CRV    110014
#define WCFB_ENG_YUV_COEF_BT2020_LIMITED_CGU    12277
#define WCFB_ENG_YUV_COEF_BT2020_LIMITED_CGV    42626
#define WCFB_ENG_YUV_COEF_BT2020_LIMITED_CBU    140363
#define WCFB_ENG_YUV_COEF_BT2020_FULL_CY        65536
#define WCFB_ENG_YUV_COEF_BT2020_FULL_CRV       96639
#define WCFB_ENG_YUV_COEF_BT2020_FULL_CGU       10784
#define WCFB_ENG_YUV_COEF_BT2020_FULL_CGV       37444
#define WCFB_ENG_YUV_COEF_BT2020_FULL_CBU       123299

/*
 * The same table as an initializer, indexed [encoding][full range][k]
 * with k one of WCFB_ENG_YUV_K_*, for an array where it is used (a
 * static const array here would be unused in most includers):
 *   static const s32 coef[3][2][WCFB_ENG_YUV_K_N] = WCFB_ENG_YUV_COEFS;
 */
#define WCFB_ENG_YUV_K_CY       0
#define WCFB_ENG_YUV_K_CRV      1
#define WCFB_ENG_YUV_K_CGU      2
#define WCFB_ENG_YUV_K_CGV      3
#define WCFB_ENG_YUV_K_CBU      4
#define WCFB_ENG_YUV_K_N        5
#define WCFB_ENG_YUV_COEF_ROW_(e, r)					\
	{ WCFB_ENG_YUV_COEF_##e##_##r##_CY,				\
	  WCFB_ENG_YUV_COEF_##e##_##r##_CRV,				\
	  WCFB_ENG_YUV_COEF_##e##_##r##_CGU,				\
	  WCFB_ENG_YUV_COEF_##e##_##r##_CGV,				\
	  WCFB_ENG_YUV_COEF_##e##_##r##_CBU }
#define WCFB_ENG_YUV_COEFS						\
	{ { WCFB_ENG_YUV_COEF_ROW_(BT601, LIMITED),			\
	    WCFB_ENG_YUV_COEF_ROW_(BT601, FULL) },			\
	  { WCFB_ENG_YUV_COEF_ROW_(BT709, LIMITED),			\
	    WCFB_ENG_YUV_COEF_ROW_(BT709, FULL) },			\
	  { WCFB_ENG_YUV_COEF_ROW_(BT2020, LIMITED),			\
	    WCFB_ENG_YUV_COEF_ROW_(BT2020, FULL) } }

/* ------------------------------------------------------------------ */
/* Completion page (guest memory, 64-byte aligned, 64 bytes)           */
/* ------------------------------------------------------------------ */

struct wcfb_eng_completion {
	wcfb_le64 seqno;        /* 0x00 seqno of the last completed desc;
				 *      written last, after everything else */
	wcfb_le64 faults;       /* 0x08 faulted descriptors since reset */
	wcfb_le32 last_error;   /* 0x10 status code of the last fault */
	wcfb_le32 tail;         /* 0x14 mirror of TAIL after this desc */
	wcfb_le64 fault_seqno;  /* 0x18 seqno of the last faulted desc */
	wcfb_le64 fault_addr;   /* 0x20 offending DMA address (0 if none) */
	wcfb_le32 _rsvd[6];     /* 0x28 engine leaves these alone */
};
#define WCFB_ENG_COMPLETION_SIZE  64u
#define WCFB_ENG_COMPLETION_ALIGN 64u
WCFB_ENG_ASSERT(sizeof(struct wcfb_eng_completion) ==
		WCFB_ENG_COMPLETION_SIZE, "completion page size");
WCFB_ENG_ASSERT(WCFB_ENG_OFFSETOF(struct wcfb_eng_completion, fault_addr) ==
		0x20, "completion.fault_addr");

#endif /* WCFB_ENGINE_PROTO_H */
