// SPDX-License-Identifier: MIT
/*
 * wcfb-wbtest: the writeback connector, as a screenshot client uses it.
 *
 *   wcfb-wbtest [--overlay [--moves N [--crc]]] [--scaled] [--format FOURCC]
 *               [--corrupt]
 *
 * Puts a pattern on the primary plane at the preferred mode (scanned out
 * directly), or with --overlay also a translucent ARGB8888 overlay (so the
 * frame is composed), then asks the writeback connector for the frame in a
 * buffer of FOURCC (default XR24), waits for its out-fence, and asks the
 * host to capture the screen and compare it with the writeback's pixels
 * (rgbhash, wcfb_rgbhash.h).  Prints "WB <rgbhash> <ms>" per writeback
 * (ms: commit to out-fence) and "ok"/"not ok" lines.
 *
 * --moves N (with --overlay): N commits that only move the overlay, each
 * recomposing by damage; the writeback after them must be the capture and
 * equal the same state composed whole.
 *
 * --crc (with --moves): CRC capture (debugfs crtc-0/crc, source auto) is
 * on during the moves, so the frames' CRCs are made as the frames are
 * composed, from the rows each move changed; after each move the CRC the
 * driver reports for the move's frame must be the CRC-32 of the
 * writeback's R, G, B bytes.
 *
 * --scaled: the primary's source is 2/3 x 3/4 of the mode, scaled to the
 * whole screen and mirrored (reflect-x), so the moves recompose parts of
 * a scaled plane.
 *
 * --corrupt: a second writeback, between two clean ones, has one pixel
 * corrupted by the engine model (corrupt-next 1): the capture must not
 * match it, so the comparison is shown able to fail.  Exit status 0, or 1
 * with the failures listed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "wcfb_client.h"
#include "wcfb_crc32.h"
#include "wcfb_rgbhash.h"

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type,
			   const char *name)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; props && i < props->count_props; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			v = props->prop_values[i];
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return v;
}

static uint32_t find_overlay(int fd)
{
	drmModePlaneRes *pres = drmModeGetPlaneResources(fd);
	uint32_t i, id = 0;

	for (i = 0; pres && i < pres->count_planes && !id; i++)
		if (prop_value(fd, pres->planes[i], DRM_MODE_OBJECT_PLANE,
			       "type") == DRM_PLANE_TYPE_OVERLAY)
			id = pres->planes[i];
	drmModeFreePlaneResources(pres);
	return id;
}

static uint32_t find_writeback(int fd)
{
	drmModeRes *res = drmModeGetResources(fd);
	uint32_t id = 0;
	int i;

	for (i = 0; res && i < res->count_connectors && !id; i++) {
		drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);

		if (c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK)
			id = c->connector_id;
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	return id;
}

/* Pixel (@x, @y) of an 8888 buffer as R, G, B bytes. */
static void buf_rgb(const struct wcfb_buf *b, uint32_t x, uint32_t y,
		    uint8_t rgb[3])
{
	uint32_t v;

	memcpy(&v, b->map + (size_t)y * b->pitch + 4 * x, 4);
	if (b->fourcc == DRM_FORMAT_XBGR8888 ||
	    b->fourcc == DRM_FORMAT_ABGR8888) {
		rgb[0] = v & 0xff;
		rgb[2] = (v >> 16) & 0xff;
	} else {
		rgb[0] = (v >> 16) & 0xff;
		rgb[2] = v & 0xff;
	}
	rgb[1] = (v >> 8) & 0xff;
}

/* The rgbhash of a buffer's pixels, unpacked from its format. */
static uint64_t buf_rgbhash(const struct wcfb_buf *b)
{
	uint64_t h = WCFB_RGBHASH_INIT;
	uint32_t x, y;
	uint8_t rgb[3];

	for (y = 0; y < b->height; y++) {
		for (x = 0; x < b->width; x++) {
			buf_rgb(b, x, y, rgb);
			h = wcfb_rgbhash_byte(h, rgb[0]);
			h = wcfb_rgbhash_byte(h, rgb[1]);
			h = wcfb_rgbhash_byte(h, rgb[2]);
		}
	}
	return h;
}

/* The CRC-32 of a buffer's R, G, B bytes: what the driver's CRC is of it. */
static uint32_t buf_crc32(const struct wcfb_buf *b)
{
	uint32_t x, y, crc = 0;
	uint8_t rgb[3];

	for (y = 0; y < b->height; y++) {
		for (x = 0; x < b->width; x++) {
			buf_rgb(b, x, y, rgb);
			crc = wcfb_crc32(crc, rgb, 3);
		}
	}
	return crc;
}

#define CRC_DIR "/sys/kernel/debug/dri/0/crtc-0/crc/"

/*
 * CRC capture on: the data file (its entries come from now on), or
 * -errno.
 */
static int crc_open(void)
{
	int fd = open(CRC_DIR "control", O_WRONLY), err;

	if (fd < 0 || write(fd, "auto", 4) != 4) {
		err = errno;
		if (fd >= 0)
			close(fd);
		return -err;
	}
	close(fd);
	fd = open(CRC_DIR "data", O_RDONLY | O_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

/*
 * The CRC of frame @seq's entry: the data file's lines are
 * "0x<frame> 0x<crc>\n\0", a frame each, in order.  -ENOENT when a later
 * frame's entry comes first (every vblank must have one), -ETIMEDOUT when
 * none comes within 5 s.
 */
static int crc_frame(int fd, uint32_t seq, uint32_t *crc)
{
	static char buf[4096];
	static size_t len;
	uint64_t end = wcfb_now_ns() + 5000000000ull;
	unsigned int frame, value;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (;;) {
		char *nl = memchr(buf, '\n', len);
		ssize_t n;

		if (nl) {
			int ok = sscanf(buf, " %x %x", &frame, &value) == 2;

			len -= nl + 1 - buf;
			memmove(buf, nl + 1, len);
			if (ok && frame == seq) {
				*crc = value;
				return 0;
			}
			if (ok && (int32_t)(frame - seq) > 0) {
				fprintf(stderr, "wcfb-wbtest: frame %u's CRC entry came before one for frame %u\n",
					frame, seq);
				return -ENOENT;
			}
			continue;
		}
		if (len == sizeof(buf))
			len = 0;
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n > 0) {
			/* Each read gives one line and its terminating NUL. */
			for (; n > 0; n--, len++)
				if (!buf[len])
					buf[len] = ' ';
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (wcfb_now_ns() >= end)
			return -ETIMEDOUT;
		poll(&pfd, 1, 100);
	}
}

/* What the screen shows, from debugfs ("direct", "composed", ...). */
static const char *show(void)
{
	static char v[32];
	FILE *f;
	char line[128];

	snprintf(v, sizeof(v), "?");
	f = fopen("/sys/kernel/debug/dri/0/scanout", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "show %31s", v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/*
 * One writeback: the connector on the CRTC with @out and an out-fence;
 * waits for the fence.  @corrupt: the engine model corrupts one pixel of
 * the copy.
 */
static int writeback(struct wcfb_pipe *p, uint32_t wb, struct wcfb_buf *out,
		     bool corrupt, uint64_t *hash, double *ms)
{
	drmModeAtomicReq *req;
	struct pollfd pfd;
	int32_t fence = -1;
	char answer[64];
	uint64_t t0;
	int ret;

	if (corrupt && wcfb_engine_ctl("corrupt-next 1", answer, sizeof(answer)))
		return -EIO;
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, wb, wcfb_prop_id(p->fd, wb, DRM_MODE_OBJECT_CONNECTOR,
					       "CRTC_ID"), p->crtc_id);
	drmModeAtomicAddProperty(req, wb, wcfb_prop_id(p->fd, wb, DRM_MODE_OBJECT_CONNECTOR,
					       "WRITEBACK_FB_ID"), out->fb_id);
	drmModeAtomicAddProperty(req, wb, wcfb_prop_id(p->fd, wb, DRM_MODE_OBJECT_CONNECTOR,
					       "WRITEBACK_OUT_FENCE_PTR"),
				 (uint64_t)(uintptr_t)&fence);
	t0 = wcfb_now_ns();
	ret = wcfb_atomic_commit(p, req, DRM_MODE_ATOMIC_ALLOW_MODESET);
	drmModeAtomicFree(req);
	if (ret)
		return ret;
	if (fence < 0)
		return -EINVAL;
	pfd.fd = (int)fence;
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, 5000) == 1 ? 0 : -ETIMEDOUT;
	*ms = (wcfb_now_ns() - t0) / 1e6;
	close((int)fence);
	if (corrupt)
		wcfb_engine_ctl("corrupt-next 0", answer, sizeof(answer));
	*hash = buf_rgbhash(out);
	return ret;
}

/* The writeback connector off the CRTC: a modeset, so the next frame is
 * composed whole. */
static int detach(struct wcfb_pipe *p, uint32_t wb)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	int ret;

	drmModeAtomicAddProperty(req, wb, wcfb_prop_id(p->fd, wb, DRM_MODE_OBJECT_CONNECTOR,
					       "CRTC_ID"), 0);
	ret = wcfb_atomic_commit(p, req, DRM_MODE_ATOMIC_ALLOW_MODESET);
	drmModeAtomicFree(req);
	return ret;
}

/*
 * Damage: @moves commits that only move the overlay (each recomposes
 * where it was and is, and what the back buffer missed), then the frame
 * through the writeback connector, still attached (no modeset, no
 * recomposition): it must be the host's capture, and equal to the same
 * state composed whole (writeback detached and attached again, a
 * modeset, which composes the whole frame).
 */
static void check_damage(struct wcfb_pipe *p, uint32_t wb, uint32_t ov,
			 struct wcfb_buf *out, unsigned int moves, bool crc)
{
	int crcfd = crc ? crc_open() : -1;
	uint64_t inc, full;
	long long c0, c1, d0 = 0, d1 = 0, m0 = 0, m1 = 0;
	unsigned int k;
	double ms;

	if (crc && crcfd < 0) {
		wcfb_ok(0, "CRC capture on (" CRC_DIR "): %s", strerror(-crcfd));
		return;
	}
	wcfb_debugfs_value("scanout", "composed", &c0);
	wcfb_debugfs_value("vblank", "crc_direct", &d0);
	wcfb_debugfs_value("vblank", "crc_missed", &m0);
	for (k = 1; k <= moves; k++) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		uint32_t seq, got = 0, want;
		int ret;

		drmModeAtomicAddProperty(req, ov, wcfb_prop_id(p->fd, ov, DRM_MODE_OBJECT_PLANE,
						       "CRTC_X"), 37 + 13 * k);
		drmModeAtomicAddProperty(req, ov, wcfb_prop_id(p->fd, ov, DRM_MODE_OBJECT_PLANE,
						       "CRTC_Y"), 41 + 7 * k);
		ret = wcfb_atomic_commit(p, req, DRM_MODE_PAGE_FLIP_EVENT);
		drmModeAtomicFree(req);
		if (ret || wcfb_wait_flip(p, 5000, NULL, &seq)) {
			wcfb_ok(0, "overlay move %u: %s", k, strerror(-ret));
			goto out;
		}
		if (crcfd < 0)
			continue;
		/* The move's frame, then the same frame through writeback
		 * (a commit that changes nothing on screen). */
		ret = crc_frame(crcfd, seq, &got);
		if (ret) {
			wcfb_ok(0, "move %u: no CRC for frame %u: %s", k, seq,
				strerror(-ret));
			goto out;
		}
		memset(out->map, 0x55, out->size);
		ret = writeback(p, wb, out, false, &inc, &ms);
		if (ret) {
			wcfb_ok(0, "move %u's writeback: %s", k, strerror(-ret));
			goto out;
		}
		want = buf_crc32(out);
		wcfb_ok(got == want,
			"move %u: the CRC of frame %u is the writeback's (%08x, %08x)",
			k, seq, got, want);
	}
	wcfb_debugfs_value("scanout", "composed", &c1);
	wcfb_ok(c1 - c0 == moves, "%u moves composed %lld frames", moves,
		c1 - c0);
	/*
	 * A composed frame's CRC is known from its job: its vblanks are
	 * reported from the interrupt, no work queued, at least one per
	 * move (each is on screen for a vblank before its event).  And no
	 * vblank went without an entry.
	 */
	if (crcfd >= 0) {
		wcfb_debugfs_value("vblank", "crc_direct", &d1);
		wcfb_debugfs_value("vblank", "crc_missed", &m1);
		wcfb_ok(d1 - d0 >= moves,
			"%lld of the moves' vblanks reported from the interrupt",
			d1 - d0);
		wcfb_ok(m1 == m0, "%lld vblanks without a CRC entry", m1 - m0);
	}
	memset(out->map, 0x55, out->size);
	if (writeback(p, wb, out, false, &inc, &ms)) {
		wcfb_ok(0, "writeback after the moves");
		goto out;
	}
	wcfb_ok(wcfb_shot("wb_damage", "rgbhash %016" PRIx64, inc) == 0,
		"after %u moves the writeback is the host's capture", moves);
	if (detach(p, wb)) {
		wcfb_ok(0, "writeback detached");
		goto out;
	}
	memset(out->map, 0x55, out->size);
	if (writeback(p, wb, out, false, &full, &ms)) {
		wcfb_ok(0, "writeback after a modeset");
		goto out;
	}
	wcfb_ok(inc == full,
		"the frame composed by damage equals the frame composed whole (%016" PRIx64 " %016" PRIx64 ")",
		inc, full);
out:
	/* Closing the data file ends the capture. */
	if (crcfd >= 0)
		close(crcfd);
}

static int die(const char *what, int err)
{
	fprintf(stderr, "wcfb-wbtest: %s: %s\n", what, strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	uint32_t fourcc = DRM_FORMAT_XRGB8888, ov = 0, wb, w, h, blob = 0;
	struct wcfb_buf prim = { 0 }, over = { 0 }, out = { 0 };
	const drmModeModeInfo *mode;
	bool overlay = false, corrupt = false, scaled = false, crc = false;
	unsigned int moves = 0;
	drmModeAtomicReq *req;
	struct wcfb_pipe p;
	uint64_t first = 0;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--overlay"))
			overlay = true;
		else if (!strcmp(argv[i], "--corrupt"))
			corrupt = true;
		else if (!strcmp(argv[i], "--scaled"))
			scaled = true;
		else if (!strcmp(argv[i], "--crc"))
			crc = true;
		else if (!strcmp(argv[i], "--moves") && i + 1 < argc)
			moves = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--format") && i + 1 < argc)
			fourcc = wcfb_parse_format(argv[++i]);
		else
			return fprintf(stderr, "usage: wcfb-wbtest [--overlay [--moves N [--crc]]] [--scaled] [--format FOURCC] [--corrupt]\n"), 2;
	}
	if (fourcc != DRM_FORMAT_XRGB8888 && fourcc != DRM_FORMAT_ARGB8888 &&
	    fourcc != DRM_FORMAT_XBGR8888 && fourcc != DRM_FORMAT_ABGR8888)
		return fprintf(stderr, "wcfb-wbtest: hashes 8888 formats only\n"), 2;

	ret = wcfb_open_pipe(&p);
	if (ret)
		return die("open", -ret);
	if (drmSetClientCap(p.fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1))
		return die("DRM_CLIENT_CAP_WRITEBACK_CONNECTORS", errno);
	wb = find_writeback(p.fd);
	if (!wb)
		return die("no writeback connector", ENODEV);
	mode = &p.conn->modes[0];
	w = mode->hdisplay;
	h = mode->vdisplay;

	/* The scene: a pattern, and over it a translucent overlay. */
	ret = wcfb_buf_create(&p, &prim, scaled ? w * 2 / 3 : w,
			      scaled ? h * 3 / 4 : h, DRM_FORMAT_XRGB8888);
	if (ret)
		return die("primary buffer", -ret);
	wcfb_buf_fill_pattern(&prim, 7);
	req = drmModeAtomicAlloc();
	ret = wcfb_req_mode(&p, req, mode, &blob);
	if (ret)
		return die("mode", -ret);
	if (scaled) {
		uint32_t pl = p.plane_id;

		drmModeAtomicAddProperty(req, pl, p.plane_fb_id, prim.fb_id);
		drmModeAtomicAddProperty(req, pl, p.plane_crtc_id, p.crtc_id);
		drmModeAtomicAddProperty(req, pl, p.plane_src_x, 0);
		drmModeAtomicAddProperty(req, pl, p.plane_src_y, 0);
		drmModeAtomicAddProperty(req, pl, p.plane_src_w, (uint64_t)prim.width << 16);
		drmModeAtomicAddProperty(req, pl, p.plane_src_h, (uint64_t)prim.height << 16);
		drmModeAtomicAddProperty(req, pl, p.plane_crtc_x, 0);
		drmModeAtomicAddProperty(req, pl, p.plane_crtc_y, 0);
		drmModeAtomicAddProperty(req, pl, p.plane_crtc_w, w);
		drmModeAtomicAddProperty(req, pl, p.plane_crtc_h, h);
		drmModeAtomicAddProperty(req, pl, wcfb_prop_id(p.fd, pl, DRM_MODE_OBJECT_PLANE,
							       "rotation"),
					 DRM_MODE_ROTATE_0 | DRM_MODE_REFLECT_X);
	} else {
		wcfb_req_plane(&p, req, prim.fb_id, w, h);
	}
	if (overlay) {
		ov = find_overlay(p.fd);
		if (!ov)
			return die("no overlay plane", ENODEV);
		ret = wcfb_buf_create(&p, &over, 200, 120, DRM_FORMAT_ARGB8888);
		if (ret)
			return die("overlay buffer", -ret);
		wcfb_buf_fill_pattern(&over, 11);
#define OV(name, v) drmModeAtomicAddProperty(req, ov, \
		wcfb_prop_id(p.fd, ov, DRM_MODE_OBJECT_PLANE, name), v)
		OV("FB_ID", over.fb_id);
		OV("CRTC_ID", p.crtc_id);
		OV("SRC_X", 0);
		OV("SRC_Y", 0);
		OV("SRC_W", 200 << 16);
		OV("SRC_H", 120 << 16);
		OV("CRTC_X", 37);
		OV("CRTC_Y", 41);
		OV("CRTC_W", 200);
		OV("CRTC_H", 120);
#undef OV
	}
	ret = wcfb_atomic_commit(&p, req, DRM_MODE_ATOMIC_ALLOW_MODESET |
				 DRM_MODE_PAGE_FLIP_EVENT);
	drmModeAtomicFree(req);
	if (ret)
		return die("scene commit", -ret);
	if (wcfb_wait_flip(&p, 5000, NULL, NULL))
		return die("scene flip event", ETIMEDOUT);

	ret = wcfb_buf_create(&p, &out, w, h, fourcc);
	if (ret)
		return die("writeback buffer", -ret);
	wcfb_ok(!strcmp(show(), "direct") == !(overlay || scaled),
		"the scene is %s (debugfs scanout: show %s)",
		overlay || scaled ? "composed" : "scanned out directly", show());

	/*
	 * Clean, one pixel corrupted by the engine, clean again: the host's
	 * capture must match the clean frames and not the corrupted one.
	 */
	for (i = 0; i < 3; i++) {
		bool bad = corrupt && i == 1;
		uint64_t hash;
		double ms;

		if (i == 1 && !corrupt)
			continue;
		memset(out.map, 0x55, out.size);
		ret = writeback(&p, wb, &out, bad, &hash, &ms);
		if (ret)
			return die("writeback", -ret);
		printf("WB %016" PRIx64 " %.3f%s\n", hash, ms,
		       bad ? " (one pixel corrupted)" : "");
		wcfb_ok(ms < 2000, "out-fence after %.3f ms", ms);
		/* The host fails a test whose check fails: ask it for the
		 * negation (the capture is NOT this) for the corrupted one. */
		ret = wcfb_shot(overlay ? "wb_composed" : "wb_direct",
				"%srgbhash %016" PRIx64, bad ? "!" : "", hash);
		if (bad)
			wcfb_ok(ret == 0 && hash != first,
				"a writeback with one wrong pixel does not match the capture");
		else
			wcfb_ok(ret == 0,
				"writeback %u equals the host's capture, pixel for pixel",
				i + 1);
		if (i == 0)
			first = hash;
	}
	if (moves && overlay)
		check_damage(&p, wb, ov, &out, moves, crc);
	printf("READY\n");
	fflush(stdout);
	return wcfb_failures ? 1 : 0;
}
