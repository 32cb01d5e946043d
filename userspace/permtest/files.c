// SPDX-License-Identifier: MIT
/* wcfb-permtest: files: what uid 65534 can read or write of
 * wcfb's sysfs, /dev/dri, debugfs and the kernel log (see main.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "permtest.h"

static void check_dev_dri(void)
{
	struct dirent *de;
	DIR *d = opendir("/dev/dri");
	int n = 0;

	wcfb_ok(d != NULL, "files: /dev/dri");
	while (d && (de = readdir(d))) {
		char path[300];
		struct stat sb;
		mode_t m;

		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		if (lstat(path, &sb) || !S_ISCHR(sb.st_mode))
			continue;
		m = sb.st_mode & 07777;
		n++;
		printf("# %s: mode %04o, uid %u, gid %u\n", path, m, sb.st_uid, sb.st_gid);
		wcfb_ok(sb.st_uid == 0, "files: %s owned by root", path);
		if (!strncmp(de->d_name, "renderD", 7))
			/* Render nodes may be rw for everybody (systemd's rule,
			 * 0666): they are designed for it.  Never more. */
			wcfb_ok(!(m & (S_ISUID | S_ISGID | S_ISVTX | S_IXUSR | S_IXGRP | S_IXOTH)),
				"files: %s: at most rw (%04o)", path, m);
		else
			wcfb_ok(!(m & S_IRWXO), "files: %s: no access for others (%04o)", path, m);
	}
	if (d)
		closedir(d);
	wcfb_ok(n >= 2, "files: %d device nodes in /dev/dri", n);
}

static void check_params(void)
{
	glob_t g;
	size_t i;

	if (glob("/sys/module/wcfb*/parameters/*", 0, NULL, &g)) {
		wcfb_ok(0, "files: wcfb has module parameters");
		return;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		struct stat sb;

		if (stat(g.gl_pathv[i], &sb))
			continue;
		wcfb_ok(!(sb.st_mode & S_IWOTH), "files: %s not world-writable (%04o)",
			g.gl_pathv[i], sb.st_mode & 07777);
	}
	globfree(&g);
}

/* The kernel log, if uid 65534 may read it (dmesg_restrict=0). */
static void check_kmsg(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC), kptr = 0, phys = 0;
	char rec[2048], restrict_[16] = "?";
	unsigned long lines = 0;
	ssize_t n;

	read_file("/proc/sys/kernel/dmesg_restrict", restrict_, sizeof(restrict_));
	restrict_[strcspn(restrict_, "\n")] = 0;
	if (fd < 0) {
		wcfb_ok(errno == EPERM || errno == EACCES,
			"files: kernel log closed to uid %d (dmesg_restrict=%s: %s)", NOBODY,
			restrict_, strerror(errno));
		return;
	}
	/* Readable: wcfb's own lines must hold no kernel pointer.  Physical
	 * addresses there are the kernel's convention (the reserved-memory
	 * core prints the same pool at boot); reported, not failed. */
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		unsigned long k0 = kptr_hits;
		int h;

		if (n <= 0)
			continue;
		rec[n] = 0;
		if (!strstr(rec, "wcfb"))
			continue;
		lines++;
		h = scan_text("kernel log", rec, n);
		kptr += kptr_hits - k0;
		if (h > (int)(kptr_hits - k0))
			phys++;
	}
	close(fd);
	printf("# kernel log readable by uid %d (dmesg_restrict=%s): %lu wcfb lines, %d with a physical/DMA address (the kernel's convention for the log)\n",
	       NOBODY, restrict_, lines, phys);
	wcfb_ok(!kptr, "files: no kernel pointer in wcfb's kernel log lines (%d)", kptr);
}

int cmd_files(void)
{
	static const struct { const char *pattern; int depth, follow; } roots[] = {
		/* Device directories first: a directory is read once. */
		{ "/sys/devices/platform/*wcfb*", 5, 0 },
		{ "/sys/devices/platform/*display*", 5, 0 },
		{ "/sys/class/drm", 3, 1 },
		{ "/sys/class/graphics", 2, 1 },
		{ "/sys/module/wcfb*", 3, 0 },
		{ "/sys/bus/platform/drivers/wcfb*", 2, 1 },
		{ "/sys/bus/pci/drivers/wcfb*", 2, 1 },
		{ "/dev/dri", 1, 0 },
	};
	struct walk_stats w = { 0 };
	struct wcfb_pipe p;
	struct wcfb_buf d, c;
	DIR *dd;
	size_t i, j;
	int fd, ret;

	/* As root: live buffers, their addresses, the static modes. */
	ret = wcfb_open_pipe(&p);
	ret = ret ? ret : wcfb_buf_dumb(p.fd, &d, 640, 480, 32, WCFB_MAP_DUMB);
	ret = ret ? ret : wcfb_buf_addfb(&d, DRM_FORMAT_XRGB8888);
	ret = ret ? ret : wcfb_buf_cached(p.fd, &c, 256, 256, 32, WCFB_MAP_WCFB);
	wcfb_ok(!ret, "files: live dumb, framebuffer and cached buffers (%s)", err(ret));
	ret = collect_addrs();
	wcfb_ok(!ret, "files: %d DMA addresses and %d ranges gathered as root", naddrs, nranges);
	check_dev_dri();
	check_params();

	ret = drop_privileges();
	wcfb_ok(!ret, "files: now uid/gid %d, no capabilities (%s)", NOBODY, err(ret));
	if (ret)
		return 1;
	dd = opendir("/sys/kernel/debug");
	wcfb_ok(!dd && errno == EACCES, "files: /sys/kernel/debug closed (%s)",
		dd ? "opened" : strerror(errno));
	if (dd)
		closedir(dd);
	fd = open(DEBUGFS "pool", O_RDONLY);
	wcfb_ok(fd < 0 && errno == EACCES, "files: debugfs pool closed (%s)",
		fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);
	fd = open("/sys/module/wcfb/sections/.text", O_RDONLY);
	wcfb_ok(fd < 0 && errno == EACCES, "files: module section addresses closed (%s)",
		fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);
	fd = open("/dev/dri/card0", O_RDWR);
	wcfb_ok(fd < 0 && errno == EACCES, "files: /dev/dri/card0 cannot be opened (%s)",
		fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);
	fd = open("/dev/dri/renderD128", O_RDWR);
	printf("# /dev/dri/renderD128 for uid %d: %s\n", NOBODY, fd < 0 ? strerror(errno) : "opens");
	if (fd >= 0)
		close(fd);

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		struct walk_stats before = w;
		glob_t g;

		if (glob(roots[i].pattern, 0, NULL, &g)) {
			printf("# %s: nothing\n", roots[i].pattern);
			continue;
		}
		for (j = 0; j < g.gl_pathc; j++)
			walk(g.gl_pathv[j], roots[i].depth, roots[i].follow, 1, &w);
		globfree(&g);
		printf("# %s: %lu dirs, %lu files, %lu read\n", roots[i].pattern,
		       w.dirs - before.dirs, w.files - before.files,
		       w.readable - before.readable);
	}
	check_kmsg();
	wcfb_ok(w.readable >= 20, "files: %lu directories, %lu files: %lu read (%lu bytes), %lu closed to uid %d, %lu unreadable attributes",
		w.dirs, w.files, w.readable, w.bytes, w.unreadable, NOBODY, w.read_errors);
	wcfb_ok(!w.hits, "files: no kernel pointer or physical/DMA address in what uid %d can read (%lu words, %lu text bytes scanned; %lu found)",
		NOBODY, scanned.words, scanned.text_bytes, w.hits);
	wcfb_ok(!w.writable && !w.world_writable, "files: nothing writable by uid %d (%lu), nothing world-writable (%lu)",
		NOBODY, w.writable, w.world_writable);
	return 0;
}
