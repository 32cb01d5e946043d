/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wcfb engine statistics.  The exit report is line oriented ("stats: key
 * value") so the test harness and humans can both read it.
 */
#include "stats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops.h"

double stats_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A doorbell's handling is the engine's own share of a job's time: what a
 * late job spent here is the host's copying, not a wakeup of QEMU's or the
 * guest's.  Slow ones are logged with the host's clock, to set beside the
 * guest's trace of the same job.
 */
void stats_doorbell_time(Stats *s, double start, FILE *log)
{
	double end = stats_now();
	uint64_t us = (uint64_t)((end - start) * 1e6);

	if (us > s->doorbell_max_us)
		s->doorbell_max_us = us;
	if (us < 4000)
		return;
	s->doorbells_slow++;
	if (log)
		fprintf(log, "wcfb-engine: a doorbell took %.2f ms (host monotonic %.6f s at its end)\n",
			(end - start) * 1e3, end);
}

void stats_init(Stats *s)
{
	memset(s, 0, sizeof(*s));
	s->start = stats_now();
}

void stats_fault(Stats *s, uint64_t seqno, uint32_t opcode, uint32_t reason,
		 uint64_t addr)
{
	FaultRecord *r = &s->log[s->log_total % STATS_FAULT_LOG];

	r->seqno = seqno;
	r->opcode = opcode;
	r->reason = reason;
	r->addr = addr;
	s->log_total++;
	s->by_code[reason < STATS_NCODES ? reason : 0]++;
}

void stats_print(const Stats *s, FILE *out)
{
	double el = stats_now() - s->start;
	uint64_t first, i;
	unsigned op, c;

	fprintf(out, "stats: uptime_s %.3f\n", el);
	fprintf(out, "stats: descriptors %llu\n", (unsigned long long)s->descs);
	for (op = 1; op <= WCFB_ENG_OP_MAX; op++)
		fprintf(out, "stats: op_%s %llu\n", ops_name(op),
			(unsigned long long)s->ops[op]);
	fprintf(out, "stats: op_invalid %llu\n", (unsigned long long)s->ops[0]);
	fprintf(out, "stats: bytes_moved %llu\n",
		(unsigned long long)s->bytes_written);
	fprintf(out, "stats: bytes_read %llu\n",
		(unsigned long long)s->bytes_read);
	fprintf(out, "stats: faults %llu\n", (unsigned long long)s->faults);
	for (c = 1; c < STATS_NCODES; c++)
		if (s->by_code[c])
			fprintf(out, "stats: fault_%s %llu\n", ops_err_name(c),
				(unsigned long long)s->by_code[c]);
	fprintf(out, "stats: corrupted %llu\n",
		(unsigned long long)s->corrupted);
	fprintf(out, "stats: config_errors %llu\n",
		(unsigned long long)s->config_errors);
	fprintf(out, "stats: doorbells %llu\n",
		(unsigned long long)s->doorbells);
	fprintf(out, "stats: drains %llu\n", (unsigned long long)s->drains);
	fprintf(out, "stats: doorbells_slow %llu\n",
		(unsigned long long)s->doorbells_slow);
	fprintf(out, "stats: doorbell_max_us %llu\n",
		(unsigned long long)s->doorbell_max_us);
	fprintf(out, "stats: interrupts %llu\n", (unsigned long long)s->irqs);
	fprintf(out, "stats: resets %llu\n", (unsigned long long)s->resets);
	if (el > 0)
		fprintf(out, "stats: engine_mib_per_s %.1f\n",
			(double)s->bytes_written / el / (1 << 20));

	first = s->log_total > STATS_FAULT_LOG ?
		s->log_total - STATS_FAULT_LOG : 0;
	if (s->log_total)
		fprintf(out, "faultlog: %llu recorded, last %llu shown\n",
			(unsigned long long)s->log_total,
			(unsigned long long)(s->log_total - first));
	for (i = first; i < s->log_total; i++) {
		const FaultRecord *r = &s->log[i % STATS_FAULT_LOG];

		fprintf(out, "faultlog: seqno %llu op %s reason %s addr 0x%llx\n",
			(unsigned long long)r->seqno, ops_name(r->opcode),
			ops_err_name(r->reason), (unsigned long long)r->addr);
	}
}

double stats_memcpy_bandwidth(void)
{
	/* Big enough to defeat the caches, small enough to stay quick even
	 * under valgrind. */
	const size_t sz = 32u << 20;
	const int iters = 4;
	char *a = malloc(sz), *b = malloc(sz);
	double t0, t1;
	int i;

	if (!a || !b) {
		free(a);
		free(b);
		return 0;
	}
	memset(a, 0x5a, sz);
	memset(b, 0, sz);               /* fault the pages in before timing */
	t0 = stats_now();
	for (i = 0; i < iters; i++) {
		memcpy(i & 1 ? a : b, i & 1 ? b : a, sz);
		/* keep the compiler from eliding the copies */
		__asm__ volatile("" : : "r"(a), "r"(b) : "memory");
	}
	t1 = stats_now();
	free(a);
	free(b);
	return t1 > t0 ? (double)sz * iters / (t1 - t0) / (1 << 20) : 0;
}
