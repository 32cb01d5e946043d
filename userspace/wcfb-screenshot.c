// SPDX-License-Identifier: MIT
/*
 * wcfb-screenshot: capture what is on screen from inside the guest, as a
 * user on real hardware would, and write it as a PNG.
 *
 *   wcfb-screenshot [-d /dev/dri/cardN] OUT.png
 *
 * The active plane's framebuffer (drmModeGetFB2, needs DRM master or
 * CAP_SYS_ADMIN to get a handle) is exported (drmPrimeHandleToFD), the
 * dma-buf mmap'ed read-only and read between DMA_BUF_IOCTL_SYNC
 * START|READ and END|READ; XRGB8888, ARGB8888 (alpha ignored, as the
 * display does) and RGB888 become RGB rows, written with libpng.  The
 * region is the CRTC's mode at the CRTC's source position.
 *
 * Prints "rgbhash <16 hex digits> <W>x<H> <fourcc>": FNV-1a 64 over the
 * decoded RGB rows of the PNG it wrote (read back, width * 3 bytes per
 * row, top to bottom), the same hash `wcfb-imgcheck rgbhash` computes over
 * the host's screendump.  Exit 0 on success, 1 on any error (with a line
 * on stderr saying which).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <linux/dma-buf.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "wcfb_rgbhash.h"

static int die(const char *what)
{
	fprintf(stderr, "wcfb-screenshot: %s: %s\n", what, strerror(errno));
	return 1;
}

static int dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };
	int ret;

	do
		ret = ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
	while (ret && (errno == EINTR || errno == EAGAIN));
	return ret;
}

/* FNV-1a 64 over the PNG's decoded RGB rows. */
static int png_rgbhash(const char *path, uint64_t *hash)
{
	png_image pi;
	uint8_t *buf;
	size_t i;

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&pi, path)) {
		fprintf(stderr, "wcfb-screenshot: %s: %s\n", path, pi.message);
		return -1;
	}
	pi.format = PNG_FORMAT_RGB;
	buf = malloc(PNG_IMAGE_SIZE(pi));
	if (!buf || !png_image_finish_read(&pi, NULL, buf, 0, NULL)) {
		fprintf(stderr, "wcfb-screenshot: %s: cannot decode: %s\n", path,
			pi.message);
		free(buf);
		return -1;
	}
	*hash = WCFB_RGBHASH_INIT;
	for (i = 0; i < (size_t)pi.width * pi.height * 3; i++)
		*hash = wcfb_rgbhash_byte(*hash, buf[i]);
	free(buf);
	return 0;
}

/* The framebuffer on an active CRTC's plane, and that CRTC. */
static int find_active(int fd, uint32_t *fb_id, drmModeCrtc **crtc)
{
	drmModePlaneRes *pres = drmModeGetPlaneResources(fd);
	uint32_t i;

	*fb_id = 0;
	*crtc = NULL;
	for (i = 0; pres && i < pres->count_planes && !*fb_id; i++) {
		drmModePlane *pl = drmModeGetPlane(fd, pres->planes[i]);

		if (pl && pl->fb_id && pl->crtc_id) {
			drmModeCrtc *c = drmModeGetCrtc(fd, pl->crtc_id);

			if (c && c->mode_valid) {
				*fb_id = pl->fb_id;
				*crtc = c;
			} else {
				drmModeFreeCrtc(c);
			}
		}
		drmModeFreePlane(pl);
	}
	drmModeFreePlaneResources(pres);
	return *fb_id ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/dri/card0", *out;
	uint32_t fb_id, cpp, x, y, w, h;
	uint8_t *map, *rgb;
	drmModeCrtc *crtc;
	drmModeFB2 *fb;
	size_t len, base;
	uint64_t hash;
	png_image pi;
	int fd, dfd, ret = 1;

	if (argc == 4 && !strcmp(argv[1], "-d")) {
		dev = argv[2];
		out = argv[3];
	} else if (argc == 2) {
		out = argv[1];
	} else {
		fprintf(stderr, "usage: wcfb-screenshot [-d /dev/dri/cardN] OUT.png\n");
		return 1;
	}

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die(dev);
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	if (find_active(fd, &fb_id, &crtc)) {
		fprintf(stderr, "wcfb-screenshot: no active plane on %s\n", dev);
		return 1;
	}
	fb = drmModeGetFB2(fd, fb_id);
	if (!fb)
		return die("GETFB2");
	if (!fb->handles[0]) {
		fprintf(stderr, "wcfb-screenshot: GETFB2 gave no handle (not master, no CAP_SYS_ADMIN)\n");
		return 1;
	}
	switch (fb->pixel_format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		cpp = 4;
		break;
	case DRM_FORMAT_RGB888:
		cpp = 3;
		break;
	default:
		fprintf(stderr, "wcfb-screenshot: format 0x%08x not supported\n",
			fb->pixel_format);
		return 1;
	}
	if (fb->modifier != DRM_FORMAT_MOD_LINEAR &&
	    fb->modifier != DRM_FORMAT_MOD_INVALID) {
		fprintf(stderr, "wcfb-screenshot: modifier 0x%" PRIx64 " not supported\n",
			(uint64_t)fb->modifier);
		return 1;
	}
	w = crtc->mode.hdisplay;
	h = crtc->mode.vdisplay;
	if (crtc->x + w > fb->width || crtc->y + h > fb->height) {
		fprintf(stderr, "wcfb-screenshot: the CRTC (%ux%u+%u+%u) is not inside the framebuffer (%ux%u)\n",
			w, h, crtc->x, crtc->y, fb->width, fb->height);
		return 1;
	}

	if (drmPrimeHandleToFD(fd, fb->handles[0], DRM_CLOEXEC, &dfd))
		return die("PRIME export");
	base = fb->offsets[0] + (size_t)crtc->y * fb->pitches[0] + (size_t)crtc->x * cpp;
	len = base + (size_t)(h - 1) * fb->pitches[0] + (size_t)w * cpp;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, dfd, 0);
	if (map == MAP_FAILED)
		return die("mmap of the dma-buf");
	rgb = malloc((size_t)w * h * 3);
	if (!rgb)
		return die("malloc");

	if (dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ))
		return die("DMA_BUF_IOCTL_SYNC START");
	for (y = 0; y < h; y++) {
		const uint8_t *row = map + base + (size_t)y * fb->pitches[0];
		uint8_t *o = rgb + (size_t)y * w * 3;

		/* Little-endian B, G, R (, X/A) for all three formats. */
		for (x = 0; x < w; x++, row += cpp, o += 3) {
			o[0] = row[2];
			o[1] = row[1];
			o[2] = row[0];
		}
	}
	if (dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ))
		return die("DMA_BUF_IOCTL_SYNC END");

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = w;
	pi.height = h;
	pi.format = PNG_FORMAT_RGB;
	if (!png_image_write_to_file(&pi, out, 0, rgb, 0, NULL)) {
		fprintf(stderr, "wcfb-screenshot: %s: %s\n", out, pi.message);
		goto out;
	}
	/* Hash what the PNG holds, not what we meant to write. */
	if (png_rgbhash(out, &hash))
		goto out;
	printf("rgbhash %016" PRIx64 " %ux%u %.4s\n", hash, w, h,
	       (const char *)&fb->pixel_format);
	ret = 0;
out:
	free(rgb);
	munmap(map, len);
	close(dfd);
	drmCloseBufferHandle(fd, fb->handles[0]);
	drmModeFreeFB2(fb);
	drmModeFreeCrtc(crtc);
	close(fd);
	return ret;
}
