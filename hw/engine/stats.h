/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* wcfb engine: counters, fault log, exit report. */
#ifndef WCFB_STATS_H
#define WCFB_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "../proto/wcfb_engine_proto.h"

#define STATS_FAULT_LOG 64      /* most recent faults kept for the report */
#define STATS_NCODES    32

typedef struct FaultRecord {
	uint64_t seqno;
	uint64_t addr;
	uint32_t reason;        /* WCFB_ENG_ERR_* */
	uint32_t opcode;
} FaultRecord;

typedef struct Stats {
	uint64_t descs;                         /* completed, incl. faulted */
	uint64_t ops[WCFB_ENG_OP_MAX + 1];      /* [0] = invalid opcodes */
	uint64_t faults;                        /* descriptor faults */
	uint64_t by_code[STATS_NCODES];
	uint64_t config_errors;                 /* HALTED transitions */
	uint64_t corrupted;                     /* corrupt-next victims */
	uint64_t bytes_read, bytes_written;
	uint64_t doorbells, drains, irqs, resets;
	uint64_t doorbells_slow;                /* handled in >= 4000 us */
	uint64_t doorbell_max_us;               /* longest handling */
	FaultRecord log[STATS_FAULT_LOG];
	uint64_t log_total;                     /* records ever logged */
	double start;                           /* monotonic seconds */
} Stats;

void stats_init(Stats *s);
void stats_fault(Stats *s, uint64_t seqno, uint32_t opcode, uint32_t reason,
		 uint64_t addr);
void stats_print(const Stats *s, FILE *out);
/* Time a large host memcpy; MiB/s, or 0 if the buffers can't be had. */
double stats_memcpy_bandwidth(void);
double stats_now(void);
/* One doorbell handled, from its wakeup at @start (stats_now()) to now. */
void stats_doorbell_time(Stats *s, double start, FILE *log);

#endif
