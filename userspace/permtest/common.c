// SPDX-License-Identifier: MIT
/* wcfb-permtest: small helpers of every subcommand (see main.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../wcfb_pattern.h"
#include "permtest.h"

/* Read up to LEN - 1 bytes of PATH into BUF (NUL-terminated); bytes or -errno. */
ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	while (n < len - 1) {
		r = read(fd, buf + n, len - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			close(fd);
			return r;
		}
		if (!r)
			break;
		n += r;
	}
	buf[n] = 0;
	close(fd);
	return n;
}

void fill_pattern(const struct wcfb_buf *b, uint32_t seed)
{
	uint32_t x, y;

	for (y = 0; y < b->height; y++)
		for (x = 0; x < b->width; x++)
			((uint32_t *)(b->map + (size_t)y * b->pitch))[x] =
				wcfb_pattern_rgb(seed, x, y);
}

/* --- privileges ----------------------------------------------------------- */
int drop_privileges(void)
{
	char buf[4096], *cap;
	ssize_t n;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY)) {
		printf("# drop privileges: %s\n", strerror(errno));
		return -errno;
	}
	if (getuid() != NOBODY || geteuid() != NOBODY || getgid() != NOBODY ||
	    getegid() != NOBODY) {
		printf("# drop privileges: still uid %d/%d gid %d/%d\n", (int)getuid(),
		       (int)geteuid(), (int)getgid(), (int)getegid());
		return -EPERM;
	}
	/* No capability survives setresuid() away from root (no KEEP_CAPS). */
	n = read_file("/proc/self/status", buf, sizeof(buf));
	cap = n > 0 ? strstr(buf, "CapEff:") : NULL;
	if (!cap || strtoull(cap + 7, NULL, 16)) {
		printf("# drop privileges: /proc/self/status: %s\n",
		       n < 0 ? strerror(-n) : cap ? cap : "no CapEff");
		return -EPERM;
	}
	return 0;
}
