/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wcfb 2D blitter engine: device model core.
 *
 * The register block (table in hw/proto/wcfb_engine_proto.h) is shared
 * memory, not trapped MMIO: the engine only learns about register writes
 * when the guest rings its doorbell.  So every doorbell is handled as
 * "look at CTRL, then do everything that is due":
 *
 *   CTRL.RESET          abandon the ring, TAIL = HEAD = 0, CTRL = 0,
 *                       STATUS = RESET_DONE, clear an injected hang, IRQ
 *   (injected hang)     nothing else happens
 *   !CTRL.ENABLE        stop (STATUS = DISABLED), keep TAIL
 *   HALTED              nothing until RESET
 *   ENABLE, first seen  latch + validate RING_BASE/RING_SIZE/
 *                       COMPLETION_ADDR, STATUS = IDLE, IRQ (or HALTED)
 *   ENABLE              drain TAIL..HEAD (one snapshot of HEAD: doorbell
 *                       wakes coalesce, and a ring arriving during the
 *                       drain re-arms the eventfd), one IRQ per drain
 *
 * Per descriptor: copy it out of the ring once, validate and execute (or
 * fault), write desc.status, the completion page's fault fields and tail,
 * then (release) the completion seqno, then TAIL.
 */
#include "engine.h"

#include <endian.h>
#include <string.h>

/* ---------------------------------------------------------------- */
/* Register access: atomic, little-endian                            */
/* ---------------------------------------------------------------- */

static uint32_t reg_rd32(WcfbEngine *e, uint32_t off)
{
	return le32toh(__atomic_load_n((uint32_t *)(void *)(e->bar + off),
				       __ATOMIC_ACQUIRE));
}

/* The driver may write a 64-bit register as two 32-bit halves, so read
 * it the same way; it is only sampled while the driver waits for ENABLE. */
static uint64_t reg_rd64(WcfbEngine *e, uint32_t off)
{
	return (uint64_t)reg_rd32(e, off) | (uint64_t)reg_rd32(e, off + 4) << 32;
}

static void reg_wr32(WcfbEngine *e, uint32_t off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)(e->bar + off), htole32(v),
			 __ATOMIC_RELEASE);
}

static void reg_wr64(WcfbEngine *e, uint32_t off, uint64_t v)
{
	__atomic_store_n((uint64_t *)(void *)(e->bar + off), htole64(v),
			 __ATOMIC_RELEASE);
}

static void set_status(WcfbEngine *e, uint32_t st)
{
	reg_wr32(e, WCFB_ENG_REG_STATUS, st);
}

/* RO identification registers; rewritten at every doorbell because the
 * guest can scribble on shared memory. */
static void publish_ident(WcfbEngine *e)
{
	uint32_t caps = 0, op;

	for (op = 1; op <= WCFB_ENG_OP_MAX; op++)
		caps |= 1u << op;
	reg_wr32(e, WCFB_ENG_REG_MAGIC, WCFB_ENG_MAGIC);
	reg_wr32(e, WCFB_ENG_REG_VERSION, WCFB_ENG_VERSION);
	reg_wr32(e, WCFB_ENG_REG_CAPS, caps);
	/* every format: 1.1's RGB ones (bits 0..15), 1.2's YUV sources */
	reg_wr32(e, WCFB_ENG_REG_FORMATS,
		 WCFB_ENG_FMTCAP_RGB_MASK | WCFB_ENG_FMTCAP_YUV_MASK);
	reg_wr32(e, WCFB_ENG_REG_DMA_BITS, e->ram.dma_bits);
	reg_wr32(e, WCFB_ENG_REG_MAX_RING, WCFB_ENG_MAX_RING);
	reg_wr32(e, WCFB_ENG_REG_MAX_SG, WCFB_ENG_MAX_SG);
	reg_wr32(e, WCFB_ENG_REG_MAX_DIM, WCFB_ENG_MAX_DIM);
	reg_wr32(e, WCFB_ENG_REG_DESC_SIZE, WCFB_ENG_DESC_SIZE);
	reg_wr32(e, WCFB_ENG_REG_DOORBELL_PEER, e->peer_id);
	reg_wr32(e, WCFB_ENG_REG_DOORBELL_VECTOR, e->doorbell_vector);
	reg_wr32(e, WCFB_ENG_REG_IRQ_VECTOR, e->irq_vector);
	reg_wr32(e, WCFB_ENG_REG_TAIL, e->tail);
}

static void publish_stats(WcfbEngine *e)
{
	reg_wr64(e, WCFB_ENG_REG_STAT_DESCS, e->stats.descs);
	reg_wr64(e, WCFB_ENG_REG_STAT_FAULTS, e->stats.faults);
	reg_wr64(e, WCFB_ENG_REG_STAT_BYTES, e->stats.bytes_written);
	reg_wr64(e, WCFB_ENG_REG_STAT_IRQS, e->stats.irqs);
	reg_wr64(e, WCFB_ENG_REG_STAT_DOORBELLS, e->stats.doorbells);
}

int engine_init(WcfbEngine *e, void *bar, size_t bar_size)
{
	e->bar = bar;
	e->bar_size = bar_size;
	stats_init(&e->stats);
	if (ops_scratch_init(&e->scratch) < 0)
		return -1;
	memset(bar, 0, bar_size);       /* power-on: STATUS = DISABLED */
	publish_ident(e);
	publish_stats(e);
	return 0;
}

void engine_fini(WcfbEngine *e)
{
	ops_scratch_free(&e->scratch);
	guest_ram_unmap(&e->ram);
}

/* ---------------------------------------------------------------- */
/* One function per control action                                   */
/* ---------------------------------------------------------------- */

static void engine_halt(WcfbEngine *e, uint32_t code, uint64_t addr)
{
	e->halted = true;
	e->stats.config_errors++;
	stats_fault(&e->stats, 0, 0, code, addr);
	reg_wr32(e, WCFB_ENG_REG_ERROR, code);
	set_status(e, WCFB_ENG_STATUS_HALTED);
	if (e->verbose)
		fprintf(stderr, "wcfb-engine: halted: %s at 0x%llx\n",
			ops_err_name(code), (unsigned long long)addr);
}

static void engine_reset(WcfbEngine *e)
{
	e->enabled = false;
	e->halted = false;
	e->ring_base = e->cmpl_addr = 0;
	e->ring_size = 0;
	e->tail = 0;
	e->faults_since_reset = 0;
	/* a wedged engine is what a reset is for: recover from the hang */
	e->fi.hang = false;
	e->stats.resets++;
	reg_wr32(e, WCFB_ENG_REG_TAIL, 0);
	reg_wr32(e, WCFB_ENG_REG_HEAD, 0);
	reg_wr32(e, WCFB_ENG_REG_ERROR, 0);
	/* STATUS before CTRL: a driver polling CTRL.RESET sees RESET_DONE */
	set_status(e, WCFB_ENG_STATUS_RESET_DONE);
	reg_wr32(e, WCFB_ENG_REG_CTRL, 0);
}

/* Latch and validate the ring configuration; false if halted. */
static bool engine_enable(WcfbEngine *e)
{
	uint64_t base = reg_rd64(e, WCFB_ENG_REG_RING_BASE);
	uint64_t cmpl = reg_rd64(e, WCFB_ENG_REG_COMPLETION_ADDR);
	uint32_t size = reg_rd32(e, WCFB_ENG_REG_RING_SIZE), err;
	GuestFault f;

	if (!guest_ram_mapped(&e->ram)) {
		engine_halt(e, WCFB_ENG_ERR_NOT_RAM, base);
		return false;
	}
	if (size == 0 || size > WCFB_ENG_MAX_RING || (size & (size - 1)) ||
	    (base % WCFB_ENG_DESC_SIZE)) {
		engine_halt(e, WCFB_ENG_ERR_RING_CONFIG, base);
		return false;
	}
	err = guest_ram_check(&e->ram, base,
			      (uint64_t)size * WCFB_ENG_DESC_SIZE, &f);
	if (err) {
		engine_halt(e, err, f.addr);
		return false;
	}
	if (cmpl % WCFB_ENG_COMPLETION_ALIGN) {
		engine_halt(e, WCFB_ENG_ERR_CMPL_CONFIG, cmpl);
		return false;
	}
	err = guest_ram_check(&e->ram, cmpl, WCFB_ENG_COMPLETION_SIZE, &f);
	if (err) {
		engine_halt(e, err, f.addr);
		return false;
	}
	e->ring_base = base;
	e->ring_size = size;
	e->cmpl_addr = cmpl;
	e->enabled = true;
	set_status(e, WCFB_ENG_STATUS_IDLE);
	return true;
}

/* Write back one descriptor's result.  The ring and completion page were
 * validated at ENABLE, so these writes cannot fault. */
static void engine_complete(WcfbEngine *e, uint64_t slot, const Desc *d,
			    uint32_t err, const GuestFault *f)
{
#define CMPL(field) (e->cmpl_addr + \
		     WCFB_ENG_OFFSETOF(struct wcfb_eng_completion, field))
	uint32_t le32;
	uint64_t le64;

	le32 = htole32(err);
	guest_ram_write(&e->ram, slot + WCFB_ENG_DESC_STATUS_OFF, &le32, 4,
			NULL);
	if (err) {
		e->faults_since_reset++;
		e->stats.faults++;
		stats_fault(&e->stats, d->seqno, d->opcode, err, f->addr);
		le64 = htole64(e->faults_since_reset);
		guest_ram_write(&e->ram, CMPL(faults), &le64, 8, NULL);
		guest_ram_write(&e->ram, CMPL(last_error), &le32, 4, NULL);
		le64 = htole64(d->seqno);
		guest_ram_write(&e->ram, CMPL(fault_seqno), &le64, 8, NULL);
		le64 = htole64(f->addr);
		guest_ram_write(&e->ram, CMPL(fault_addr), &le64, 8, NULL);
		if (e->verbose)
			fprintf(stderr,
				"wcfb-engine: seqno %llu %s: fault %s addr 0x%llx\n",
				(unsigned long long)d->seqno,
				ops_name(d->opcode), ops_err_name(err),
				(unsigned long long)f->addr);
	}
	le32 = htole32(e->tail + 1);
	guest_ram_write(&e->ram, CMPL(tail), &le32, 4, NULL);
	/* last, with release: a driver that sees the seqno sees the rest */
	guest_ram_store64_release(&e->ram, CMPL(seqno), htole64(d->seqno),
				  NULL);
#undef CMPL
	e->stats.descs++;
	e->stats.ops[d->opcode <= WCFB_ENG_OP_MAX ? d->opcode : 0]++;
}

/* Drain TAIL..HEAD.  Returns true if the guest must be interrupted. */
static bool engine_process_ring(WcfbEngine *e)
{
	uint32_t head = reg_rd32(e, WCFB_ENG_REG_HEAD);  /* acquire */
	uint32_t pending = head - e->tail;

	if (pending == 0)
		return false;
	if (pending > e->ring_size) {
		engine_halt(e, WCFB_ENG_ERR_HEAD, head);
		return true;
	}
	set_status(e, WCFB_ENG_STATUS_BUSY);
	e->stats.drains++;
	while (e->tail != head) {
		uint64_t slot = e->ring_base +
			(uint64_t)(e->tail & (e->ring_size - 1)) *
			WCFB_ENG_DESC_SIZE;
		struct wcfb_eng_desc raw;
		GuestFault f = { 0, 0 };
		OpResult res = { 0, 0 };
		uint32_t err;
		Desc d;

		/* one copy out of the ring; the guest may rewrite the slot
		 * meanwhile, only the copy is validated and used */
		if (guest_ram_read(&e->ram, slot, &raw, sizeof(raw), &f)) {
			engine_halt(e, f.code, f.addr);  /* not reached */
			return true;
		}
		desc_decode(&raw, &d);
		if (faults_take_fail(&e->fi)) {
			err = WCFB_ENG_ERR_INJECTED;
			f.code = err;
			f.addr = 0;
		} else {
			err = ops_execute(&e->ram, &e->scratch, &d, &f, &res);
			if (!err && res.bytes_written &&
			    d.opcode != WCFB_ENG_OP_CRC &&
			    faults_take_corrupt(&e->fi)) {
				ops_corrupt_centre(&e->ram, &e->scratch, &d);
				e->stats.corrupted++;
			}
		}
		e->stats.bytes_read += res.bytes_read;
		e->stats.bytes_written += res.bytes_written;
		engine_complete(e, slot, &d, err, &f);
		e->tail++;
		reg_wr32(e, WCFB_ENG_REG_TAIL, e->tail);
	}
	set_status(e, WCFB_ENG_STATUS_IDLE);
	return true;
}

void engine_doorbell(WcfbEngine *e)
{
	double t0 = stats_now();
	uint32_t ctrl;
	bool irq = false;

	e->stats.doorbells++;
	publish_ident(e);
	if (!guest_ram_mapped(&e->ram))
		guest_ram_map(&e->ram);         /* QEMU sized it by now */

	ctrl = reg_rd32(e, WCFB_ENG_REG_CTRL);
	if (ctrl & WCFB_ENG_CTRL_RESET) {
		engine_reset(e);
		irq = true;
		goto out;
	}
	if (e->fi.hang)
		goto out;
	if (!(ctrl & WCFB_ENG_CTRL_ENABLE)) {
		if (e->enabled) {
			e->enabled = false;
			set_status(e, WCFB_ENG_STATUS_DISABLED);
		}
		goto out;
	}
	if (e->halted)
		goto out;
	if (!e->enabled) {
		irq = true;     /* acknowledge ENABLE (or report HALTED) */
		if (!engine_enable(e))
			goto out;
	}
	if (engine_process_ring(e))
		irq = true;
out:
	if (irq)
		e->stats.irqs++;
	stats_doorbell_time(&e->stats, t0, stderr);
	publish_stats(e);
	if (irq && e->raise_irq)
		e->raise_irq(e->irq_opaque, e->irq_vector);
}

void engine_print_stats(void *opaque, FILE *out)
{
	WcfbEngine *e = opaque;

	stats_print(&e->stats, out);
	fprintf(out, "stats: state %s tail %u fail_next %llu corrupt_next %llu"
		" delay_ms %u%s\n",
		e->halted ? "halted" : e->enabled ? "enabled" : "disabled",
		e->tail, (unsigned long long)e->fi.fail_next,
		(unsigned long long)e->fi.corrupt_next, e->fi.delay_ms,
		e->fi.hang ? " hung" : "");
}
