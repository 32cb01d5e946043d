/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ivshmem server side, as QEMU 7.2's ivshmem-doorbell device expects it
 * (docs/specs/ivshmem-spec.rst, contrib/ivshmem-server):
 *
 *   every message is one little-endian int64, optionally carrying one fd
 *   (SCM_RIGHTS).  To a new client the server sends, in this order:
 *     1. protocol version (0), no fd
 *     2. the client's own peer id, no fd
 *     3. -1 with the shared memory fd (becomes BAR2; size must be 2^n)
 *     4. for every other peer, its id once per vector, each with that
 *        peer's eventfd for the vector (QEMU signals it on a DOORBELL write
 *        of (id << 16) | vector)
 *     5. the client's own id once per vector, each with an eventfd QEMU
 *        polls and turns into MSI-X vector n
 *
 * The engine is peer 0 and never a real VM: it only owns the eventfds of
 * step 4 (its doorbells) and keeps the write side of step 5 (the guest's
 * interrupts).
 */

#include "ivshmem.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int send_msg(int sock, int64_t val, int fd)
{
	uint64_t le = htole64((uint64_t)val);
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	/* 8 bytes into an empty socket buffer: never short */
	return n == (ssize_t)sizeof(le) ? 0 : -EIO;
}

int ivshmem_server_init(IvshmemServer *s, const char *path, size_t shm_size,
			unsigned vectors)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	unsigned v;

	memset(s, 0, sizeof(*s));
	s->listen_fd = s->client_fd = s->shm_fd = -1;
	for (v = 0; v < IVSHMEM_MAX_VECTORS; v++)
		s->doorbell_fd[v] = s->irq_fd[v] = -1;
	if (vectors == 0 || vectors > IVSHMEM_MAX_VECTORS ||
	    (shm_size & (shm_size - 1)) || strlen(path) >= sizeof(sa.sun_path))
		return -EINVAL;
	s->vectors = vectors;
	s->shm_size = shm_size;

	/* memfd: nothing to clean up in /dev/shm, whatever way we exit */
	s->shm_fd = memfd_create("wcfb-engine-bar2", MFD_CLOEXEC);
	if (s->shm_fd < 0 || ftruncate(s->shm_fd, (off_t)shm_size) < 0)
		goto fail;
	s->shm = mmap(NULL, shm_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s->shm_fd, 0);
	if (s->shm == MAP_FAILED) {
		s->shm = NULL;
		goto fail;
	}
	for (v = 0; v < vectors; v++) {
		/* non-blocking: a spurious wake must not stall the loop */
		s->doorbell_fd[v] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		s->irq_fd[v] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (s->doorbell_fd[v] < 0 || s->irq_fd[v] < 0)
			goto fail;
	}

	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			errno = EEXIST;
			goto fail;
		}
		unlink(path);   /* stale socket of a previous run */
	}
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		goto fail;
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	s->path = path;
	if (listen(s->listen_fd, 4) < 0)
		goto fail;
	return 0;
fail:
	v = (unsigned)errno;
	ivshmem_server_cleanup(s);
	return -(int)v;
}

void ivshmem_server_cleanup(IvshmemServer *s)
{
	unsigned v;

	if (s->client_fd >= 0)
		close(s->client_fd);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->path)
		unlink(s->path);
	for (v = 0; v < IVSHMEM_MAX_VECTORS; v++) {
		if (s->doorbell_fd[v] >= 0)
			close(s->doorbell_fd[v]);
		if (s->irq_fd[v] >= 0)
			close(s->irq_fd[v]);
		s->doorbell_fd[v] = s->irq_fd[v] = -1;
	}
	if (s->shm)
		munmap(s->shm, s->shm_size);
	if (s->shm_fd >= 0)
		close(s->shm_fd);
	s->shm = NULL;
	s->path = NULL;
	s->listen_fd = s->client_fd = s->shm_fd = -1;
}

int ivshmem_server_accept(IvshmemServer *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	unsigned v;
	int err = 0;

	if (fd < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (s->client_fd >= 0) {
		fprintf(stderr, "wcfb-engine: refusing a second ivshmem peer\n");
		close(fd);
		return 0;
	}
	err |= send_msg(fd, IVSHMEM_PROTOCOL_VERSION, -1);
	err |= send_msg(fd, IVSHMEM_CLIENT_ID, -1);
	err |= send_msg(fd, -1, s->shm_fd);
	for (v = 0; v < s->vectors; v++)
		err |= send_msg(fd, IVSHMEM_SELF_ID, s->doorbell_fd[v]);
	for (v = 0; v < s->vectors; v++)
		err |= send_msg(fd, IVSHMEM_CLIENT_ID, s->irq_fd[v]);
	if (err) {
		close(fd);
		return -EIO;
	}
	s->client_fd = fd;
	return 1;
}

uint64_t ivshmem_doorbell_read(IvshmemServer *s, unsigned vector)
{
	uint64_t cnt = 0;

	if (read(s->doorbell_fd[vector], &cnt, sizeof(cnt)) != sizeof(cnt))
		return 0;
	return cnt;
}

void ivshmem_raise_irq(IvshmemServer *s, unsigned vector)
{
	uint64_t one = 1;

	/* EAGAIN only if the counter is about to overflow, i.e. QEMU has
	 * not consumed 2^64 interrupts: the interrupt is pending anyway */
	if (write(s->irq_fd[vector], &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		perror("wcfb-engine: raise irq");
}

int ivshmem_client_readable(IvshmemServer *s)
{
	char buf[64];
	ssize_t n;

	do {
		n = recv(s->client_fd, buf, sizeof(buf), MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 1;
	return n > 0 ? 1 : 0;   /* QEMU never talks: data is just dropped */
}
