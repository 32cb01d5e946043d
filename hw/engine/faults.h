/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* wcfb engine: fault injection and its text control socket. */
#ifndef WCFB_FAULTS_H
#define WCFB_FAULTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct FaultInject {
	uint64_t fail_next;     /* fail this many descriptors (INJECTED) */
	uint32_t delay_ms;      /* hold each doorbell's work this long */
	bool hang;              /* ignore doorbells except CTRL.RESET */
	uint64_t corrupt_next;  /* corrupt one pixel of this many ops */
} FaultInject;

/* Consume one "fail next" credit; true if this descriptor must fail. */
bool faults_take_fail(FaultInject *fi);
/* Consume one "corrupt next" credit; true if this op's output must get
 * one wrong pixel. */
bool faults_take_corrupt(FaultInject *fi);

#define CONTROL_MAX_CLIENTS 4
#define CONTROL_LINE_MAX    256

typedef struct ControlServer {
	int listen_fd;                  /* -1 without --control */
	const char *path;
	int client[CONTROL_MAX_CLIENTS];
	char line[CONTROL_MAX_CLIENTS][CONTROL_LINE_MAX];
	size_t len[CONTROL_MAX_CLIENTS];
} ControlServer;

/* Bits returned by control_client_ready() */
#define CONTROL_KICK  (1u << 0)         /* run the engine now (resume) */

typedef void (*ControlStatsFn)(void *opaque, FILE *out);

int control_init(ControlServer *cs, const char *path);
void control_cleanup(ControlServer *cs);
void control_accept(ControlServer *cs);
unsigned control_client_ready(ControlServer *cs, int idx, FaultInject *fi,
			      ControlStatsFn stats, void *opaque);

#endif
