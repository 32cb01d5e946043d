/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* wcfb engine: ivshmem server (QEMU ivshmem-doorbell chardev protocol). */
#ifndef WCFB_IVSHMEM_H
#define WCFB_IVSHMEM_H

#include <stddef.h>
#include <stdint.h>

#define IVSHMEM_PROTOCOL_VERSION 0
#define IVSHMEM_MAX_VECTORS      16
#define IVSHMEM_SELF_ID          0      /* the engine's peer id */
#define IVSHMEM_CLIENT_ID        1      /* the id QEMU is given */

typedef struct IvshmemServer {
	const char *path;       /* unix socket QEMU's chardev connects to */
	int listen_fd;
	int client_fd;          /* -1 until QEMU connects */
	int shm_fd;             /* memfd backing BAR2 */
	void *shm;
	size_t shm_size;
	unsigned vectors;
	/* peer 0 (us): the guest's doorbell writes land here */
	int doorbell_fd[IVSHMEM_MAX_VECTORS];
	/* peer 1 (QEMU): writing one raises the guest's MSI-X vector */
	int irq_fd[IVSHMEM_MAX_VECTORS];
} IvshmemServer;

int ivshmem_server_init(IvshmemServer *s, const char *path, size_t shm_size,
			unsigned vectors);
void ivshmem_server_cleanup(IvshmemServer *s);
/* Accept QEMU and send it the setup messages.  A second client is refused
 * (this device model serves exactly one guest). */
int ivshmem_server_accept(IvshmemServer *s);
/* Drain a doorbell eventfd; returns how many rings coalesced into it. */
uint64_t ivshmem_doorbell_read(IvshmemServer *s, unsigned vector);
void ivshmem_raise_irq(IvshmemServer *s, unsigned vector);
/* Returns <= 0 once QEMU has gone (EOF or error); data is discarded. */
int ivshmem_client_readable(IvshmemServer *s);

#endif
