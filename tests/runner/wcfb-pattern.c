// SPDX-License-Identifier: MIT
/*
 * wcfb-pattern: the tiny "user program" of the runner's self-test
 * (tests/runner/selftest_runner.py).  Like any program of yours, it
 * knows nothing of the test suite: plain libdrm, one dumb buffer, one
 * legacy modeset, then `wcfb-shot NAME` for the host to capture it.
 *
 *   wcfb-pattern DEVICE WxH SEED NAME [crash]
 *
 * Draws test pattern SEED (userspace/wcfb_pattern.h, which the host's
 * wcfb-imgcheck also knows) at mode WxH on the first connected connector,
 * runs `wcfb-shot NAME` while it is on screen and exits with wcfb-shot's
 * status; with "crash" it dereferences NULL after the capture instead (the
 * client crash whose exit status the runner must pass on: 139).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "../../userspace/wcfb_pattern.h"

static int die(const char *what)
{
	fprintf(stderr, "wcfb-pattern: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct drm_mode_create_dumb create = { .bpp = 32 };
	struct drm_mode_map_dumb map = { 0 };
	drmModeConnector *conn = NULL;
	drmModeModeInfo *mode = NULL;
	drmModeRes *res;
	unsigned int w, h, seed, x, y;
	uint32_t fb, *px;
	char cmd[300];
	volatile int *volatile bad = NULL;
	int fd, i, st;

	if (argc < 5 || argc > 6 || sscanf(argv[2], "%ux%u", &w, &h) != 2 ||
	    sscanf(argv[3], "%u", &seed) != 1 ||
	    (argc == 6 && strcmp(argv[5], "crash"))) {
		fprintf(stderr, "usage: wcfb-pattern DEVICE WxH SEED NAME [crash]\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die(argv[1]);
	res = drmModeGetResources(fd);
	if (!res || !res->count_crtcs)
		return die("drmModeGetResources");
	for (i = 0; i < res->count_connectors && !mode; i++) {
		int m;

		conn = drmModeGetConnector(fd, res->connectors[i]);
		if (!conn || conn->connection != DRM_MODE_CONNECTED)
			continue;
		for (m = 0; m < conn->count_modes; m++)
			if (conn->modes[m].hdisplay == w && conn->modes[m].vdisplay == h) {
				mode = &conn->modes[m];
				break;
			}
	}
	if (!mode) {
		fprintf(stderr, "wcfb-pattern: no connected connector has %ux%u\n", w, h);
		return 1;
	}
	create.width = w;
	create.height = h;
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		return die("CREATE_DUMB");
	if (drmModeAddFB(fd, w, h, 24, 32, create.pitch, create.handle, &fb))
		return die("AddFB");
	map.handle = create.handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		return die("MAP_DUMB");
	px = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
	if (px == MAP_FAILED)
		return die("mmap");
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			px[y * (create.pitch / 4) + x] = wcfb_pattern_rgb(seed, x, y);
	if (drmModeSetCrtc(fd, res->crtcs[0], fb, 0, 0, &conn->connector_id, 1, mode))
		return die("SetCrtc");
	printf("wcfb-pattern: pattern %u at %ux%u on %s\n", seed, w, h, argv[1]);
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "wcfb-shot %s", argv[4]);
	st = system(cmd);
	if (argc == 6) {
		printf("wcfb-pattern: crashing, as asked\n");
		fflush(stdout);
		*bad = 0;	/* SIGSEGV */
	}
	return st == -1 ? 1 : WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
