/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* wcfb engine: device state and register/ring handling. */
#ifndef WCFB_ENGINE_H
#define WCFB_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "faults.h"
#include "guest_ram.h"
#include "ops.h"
#include "stats.h"

/* All of the device's state, in the style of a QEMU device model. */
typedef struct WcfbEngine {
	/* BAR2: the register block, shared with the guest */
	uint8_t *bar;
	size_t bar_size;
	uint32_t peer_id;               /* DOORBELL_PEER */
	uint32_t doorbell_vector;       /* DOORBELL_VECTOR */
	uint32_t irq_vector;            /* IRQ_VECTOR */

	GuestRam ram;                   /* DMA target, bounds checked */

	/* ring state latched at ENABLE */
	bool enabled;
	bool halted;                    /* config error, until RESET */
	uint64_t ring_base;
	uint32_t ring_size;
	uint64_t cmpl_addr;
	uint32_t tail;                  /* authoritative consumer index */
	uint64_t faults_since_reset;

	OpScratch scratch;
	FaultInject fi;
	Stats stats;
	bool verbose;

	void (*raise_irq)(void *opaque, unsigned vector);
	void *irq_opaque;
} WcfbEngine;

int engine_init(WcfbEngine *e, void *bar, size_t bar_size);
void engine_fini(WcfbEngine *e);
/* The guest rang our doorbell (possibly several times, coalesced). */
void engine_doorbell(WcfbEngine *e);
void engine_print_stats(void *opaque, FILE *out);

#endif
