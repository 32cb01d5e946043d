// SPDX-License-Identifier: MIT
/*
 * wcfb-fbdevtest: the /dev/fbN file semantics a client relies on.
 *
 *   wcfb-fbdevtest eof [/dev/fbN]
 *
 * eof: read(2)/write(2) at the end of the framebuffer behave as on any
 * file of that size: a write that crosses the end writes what fits and
 * returns that short count (its last byte lands in the framebuffer, seen
 * through mmap), a write at the end fails with ENOSPC, a read that
 * crosses it returns the bytes before it and a read at the end returns 0.
 * Prints one line per check; exit 0 when all hold, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what, ssize_t ret, int err)
{
	printf("%s %s (ret %zd%s%s)\n", ok ? "ok" : "FAIL", what, ret,
	       ret < 0 ? ", " : "", ret < 0 ? strerror(err) : "");
	failures += !ok;
}

static int eof(const char *path)
{
	struct fb_fix_screeninfo fix;
	unsigned char b[2] = { 0x55, 0xaa }, r[2] = { 0, 0 };
	unsigned char *map;
	ssize_t ret;
	off_t last;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0 || ioctl(fd, FBIOGET_FSCREENINFO, &fix)) {
		perror(path);
		return 1;
	}
	last = (off_t)fix.smem_len - 1;
	map = mmap(NULL, fix.smem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	map[last] = 0;

	ret = pwrite(fd, b, 2, last);
	check(ret == 1, "write crossing the end returns the short count", ret, errno);
	check(map[last] == 0x55, "its last byte is in the framebuffer", map[last], 0);

	ret = pwrite(fd, b, 1, last + 1);
	check(ret == -1 && errno == ENOSPC, "write at the end fails with ENOSPC", ret, errno);

	ret = pwrite(fd, b + 1, 1, last);
	check(ret == 1 && map[last] == 0xaa, "write of the final byte", ret, errno);

	ret = pread(fd, r, 2, last);
	check(ret == 1 && r[0] == 0xaa, "read crossing the end returns the short count", ret, errno);

	ret = pread(fd, r, 1, last + 1);
	check(ret == 0, "read at the end returns 0", ret, errno);

	map[last] = 0;
	munmap(map, fix.smem_len);
	close(fd);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "eof"))
		return eof(argc > 2 ? argv[2] : "/dev/fb0");
	fprintf(stderr, "usage: %s eof [/dev/fbN]\n", argv[0]);
	return 2;
}
