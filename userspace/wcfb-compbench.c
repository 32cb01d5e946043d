// SPDX-License-Identifier: MIT
/*
 * wcfb-compbench: the composition benchmark, the same scene on wcfb and on
 * VKMS in the same boot (t_bench_compose).
 *
 *   wcfb-compbench run DRIVER NAME FRAMES SECONDS [nocrc]
 *   wcfb-compbench ratio NAME A B
 *
 * run: on the first card whose driver is DRIVER (wcfb, vkms), plain
 * atomic KMS: 1920x1080@60, the primary plane XRGB8888 full screen, one
 * overlay 960x540 ARGB8888 (translucent pattern) at (600,300) and the
 * cursor plane 256x256 ARGB8888; then FRAMES frames, each one nonblocking
 * atomic commit with a page-flip event that moves the cursor (CRTC_X/Y)
 * along a bouncing path, the next one only after the event.  The run
 * stops early when SECONDS have passed (0: no limit): VKMS composes on the
 * CPU and is far slower.  CRC capture is on for the whole run ("auto" in
 * crtc-0/crc/control), its data read by a thread ("nocrc": off, to tell
 * the CRCs' cost from the composition's).  The figures go out as
 * the BENCH object NAME and into /tmp/compbench/NAME for "ratio".
 *
 * ratio: the BENCH object NAME with A's kernel CPU per frame over B's
 * (the names of two earlier runs of this boot).
 *
 * CPU time is the guest's own accounting in /proc/stat (jiffies): the
 * kernel's share (system + irq + softirq, all CPUs) is all kernel time
 * in the run, not only the driver's: it includes this client's commit
 * ioctls and CRC reads, and whatever else the kernel did meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "wcfb_client.h"

#define W		1920
#define H		1080
#define OV_W		960
#define OV_H		540
#define OV_X		600
#define OV_Y		300
#define CUR		256
#define STATE_DIR	"/tmp/compbench"
#define FULL_PARAM	"/sys/module/wcfb/parameters/test_compose_full"

struct kplane {
	uint32_t id;
	uint32_t fb_id, crtc_id, src_x, src_y, src_w, src_h,
		 crtc_x, crtc_y, crtc_w, crtc_h;
};

static int plane_props(int fd, struct kplane *kp, uint32_t id)
{
	kp->id = id;
#define PP(field, name) \
	kp->field = wcfb_prop_id(fd, id, DRM_MODE_OBJECT_PLANE, name)
	PP(fb_id, "FB_ID");
	PP(crtc_id, "CRTC_ID");
	PP(src_x, "SRC_X");
	PP(src_y, "SRC_Y");
	PP(src_w, "SRC_W");
	PP(src_h, "SRC_H");
	PP(crtc_x, "CRTC_X");
	PP(crtc_y, "CRTC_Y");
	PP(crtc_w, "CRTC_W");
	PP(crtc_h, "CRTC_H");
#undef PP
	return kp->fb_id && kp->crtc_id && kp->crtc_x && kp->crtc_y ? 0 : -ENOENT;
}

/* DRM_PLANE_TYPE_* of plane ID, or -1. */
static int plane_type(int fd, uint32_t id)
{
	drmModeObjectProperties *props =
		drmModeObjectGetProperties(fd, id, DRM_MODE_OBJECT_PLANE);
	int type = -1;
	uint32_t i;

	for (i = 0; props && i < props->count_props; i++) {
		drmModePropertyRes *pr = drmModeGetProperty(fd, props->props[i]);

		if (pr && !strcmp(pr->name, "type"))
			type = (int)props->prop_values[i];
		drmModeFreeProperty(pr);
	}
	drmModeFreeObjectProperties(props);
	return type;
}

static void req_plane(drmModeAtomicReq *req, const struct kplane *kp,
		      uint32_t crtc, const struct wcfb_buf *b, int x, int y)
{
	drmModeAtomicAddProperty(req, kp->id, kp->fb_id, b->fb_id);
	drmModeAtomicAddProperty(req, kp->id, kp->crtc_id, crtc);
	drmModeAtomicAddProperty(req, kp->id, kp->src_x, 0);
	drmModeAtomicAddProperty(req, kp->id, kp->src_y, 0);
	drmModeAtomicAddProperty(req, kp->id, kp->src_w, (uint64_t)b->width << 16);
	drmModeAtomicAddProperty(req, kp->id, kp->src_h, (uint64_t)b->height << 16);
	drmModeAtomicAddProperty(req, kp->id, kp->crtc_x, x);
	drmModeAtomicAddProperty(req, kp->id, kp->crtc_y, y);
	drmModeAtomicAddProperty(req, kp->id, kp->crtc_w, b->width);
	drmModeAtomicAddProperty(req, kp->id, kp->crtc_h, b->height);
}

/* --- CRC capture: a thread reads crtc-0/crc/data for the whole run ------ */
static struct crc_reader {
	int fd;
	volatile int stop;
	long long lines;
	int err;
} crc;

static void *crc_thread(void *arg)
{
	struct pollfd pfd = { .fd = crc.fd, .events = POLLIN };
	char buf[4096];

	(void)arg;
	while (!crc.stop) {
		ssize_t n, i;

		/* Polled, not a blocking read: the stop flag is seen within
		 * 100 ms even when no CRC comes. */
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(crc.fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			crc.err = n < 0 ? errno : EIO;
			break;
		}
		for (i = 0; i < n; i++)
			crc.lines += buf[i] == '\n';
	}
	return NULL;
}

static int crc_start(int minor, pthread_t *th)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/crtc-0/crc/control",
		 minor);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "auto", 4) != 4) {
		printf("# %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	/* Opening the data file is what starts the capture. */
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/crtc-0/crc/data",
		 minor);
	crc.fd = open(path, O_RDONLY);
	if (crc.fd < 0) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	crc.stop = 0;
	crc.lines = 0;
	crc.err = 0;
	if (pthread_create(th, NULL, crc_thread, NULL)) {
		close(crc.fd);
		return -1;
	}
	return 0;
}

static void crc_stop(pthread_t th)
{
	crc.stop = 1;
	pthread_join(th, NULL);
	close(crc.fd);
}

/* --- CPU time: /proc/stat's "cpu" line (all CPUs), in USER_HZ ticks ---- */
struct cpu_ticks {
	long long user, nice, sys, idle, iowait, irq, softirq, steal;
};

static int read_cpu(struct cpu_ticks *c)
{
	FILE *f = fopen("/proc/stat", "r");
	int n;

	memset(c, 0, sizeof(*c));
	if (!f)
		return -1;
	n = fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &c->user,
		   &c->nice, &c->sys, &c->idle, &c->iowait, &c->irq,
		   &c->softirq, &c->steal);
	fclose(f);
	return n >= 7 ? 0 : -1;
}

static long long ticks_kernel(const struct cpu_ticks *c)
{
	return c->sys + c->irq + c->softirq;
}

static long long ticks_all(const struct cpu_ticks *c)
{
	return c->user + c->nice + c->sys + c->idle + c->iowait + c->irq +
	       c->softirq + c->steal;
}

static long long ticks_idle(const struct cpu_ticks *c)
{
	return c->idle + c->iowait;
}

/* The engine model's counter KEY ("bytes_moved") from its "stats"; -1 if
 * the model did not answer or has no such counter. */
static long long engine_stat(const char *key)
{
	char ans[512], pat[64], *p;
	long long v;

	if (wcfb_engine_ctl("stats", ans, sizeof(ans)))
		return -1;
	snprintf(pat, sizeof(pat), "stats: %s ", key);
	p = strstr(ans, pat);
	if (!p || sscanf(p + strlen(pat), "%lld", &v) != 1)
		return -1;
	return v;
}

static int read_full_param(void)
{
	char c = 0;
	int fd = open(FULL_PARAM, O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y' || c == '1';
}

/* Where the page-flip event of the frame's commit lands (its user data). */
struct flip {
	int done;
	uint32_t seq;
	uint64_t ts_ns;
};

static void on_flip(int fd, unsigned int seq, unsigned int sec,
		    unsigned int usec, unsigned int crtc, void *data)
{
	struct flip *fl = data;

	(void)fd;
	(void)crtc;
	fl->done = 1;
	fl->seq = seq;
	fl->ts_ns = sec * 1000000000ull + usec * 1000ull;
}

/* Wait up to TIMEOUT_MS for FL's event. */
static int wait_flip(int fd, struct flip *fl, int timeout_ms)
{
	drmEventContext ev = { .version = 3, .page_flip_handler2 = on_flip };
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t deadline = wcfb_now_ns() + (uint64_t)timeout_ms * 1000000;

	while (!fl->done) {
		int64_t left = (int64_t)(deadline - wcfb_now_ns()) / 1000000;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		if (drmHandleEvent(fd, &ev))
			return -EIO;
	}
	return 0;
}

/* The cursor's path: bouncing off the screen's edges, 11 and 7 pixels a
 * frame, so it crosses the overlay and every frame moves it. */
static void cursor_at(int frame, int *x, int *y)
{
	int sx = (W - CUR) * 2, sy = (H - CUR) * 2;
	int px = (frame * 11) % sx, py = (frame * 7) % sy;

	*x = px < W - CUR ? px : sx - px;
	*y = py < H - CUR ? py : sy - py;
}

/* The card and the scene on it. */
struct scene {
	int fd, minor;
	uint32_t conn_id, crtc_id;
	drmModeModeInfo mode;
	struct kplane primary, overlay, cursor;
	struct wcfb_buf bp, bo, bc;
};

/* What one run measured. */
struct figures {
	int frames;
	long long missed, busy, crc_lines;
	double secs, kern_ms, sys_ms, busy_pct;
	/* wcfb only */
	int full;
	long long eng_w, eng_r, composed, slow;
	double compose_us;
	/* the guest's vblank timer during the run (debugfs vblank) */
	long long late_1ms, overruns;
};

static int scene_planes(struct scene *sc)
{
	drmModePlaneRes *pres = drmModeGetPlaneResources(sc->fd);
	uint32_t i;
	int ret = 0;

	for (i = 0; pres && i < pres->count_planes; i++) {
		drmModePlane *pl = drmModeGetPlane(sc->fd, pres->planes[i]);
		int type = pl && (pl->possible_crtcs & 1) ?
			   plane_type(sc->fd, pl->plane_id) : -1;

		if (type == DRM_PLANE_TYPE_PRIMARY && !sc->primary.id)
			ret |= plane_props(sc->fd, &sc->primary, pl->plane_id);
		else if (type == DRM_PLANE_TYPE_OVERLAY && !sc->overlay.id)
			ret |= plane_props(sc->fd, &sc->overlay, pl->plane_id);
		else if (type == DRM_PLANE_TYPE_CURSOR && !sc->cursor.id)
			ret |= plane_props(sc->fd, &sc->cursor, pl->plane_id);
		drmModeFreePlane(pl);
	}
	drmModeFreePlaneResources(pres);
	return ret || !sc->primary.id || !sc->overlay.id || !sc->cursor.id ?
	       -ENODEV : 0;
}

/* The first connector's 1920x1080 mode, 60 Hz if there is one. */
static int scene_mode(struct scene *sc)
{
	drmModeRes *res = drmModeGetResources(sc->fd);
	drmModeConnector *conn = NULL;
	int i, found = 0;

	if (res && res->count_connectors > 0 && res->count_crtcs > 0) {
		sc->conn_id = res->connectors[0];
		sc->crtc_id = res->crtcs[0];
		conn = drmModeGetConnector(sc->fd, sc->conn_id);
	}
	for (i = 0; conn && i < conn->count_modes; i++) {
		if (conn->modes[i].hdisplay != W || conn->modes[i].vdisplay != H)
			continue;
		if (!found || conn->modes[i].vrefresh == 60)
			sc->mode = conn->modes[i];
		found = 1;
	}
	drmModeFreeConnector(conn);
	drmModeFreeResources(res);
	return found ? 0 : -ENODEV;
}

static int buf_make(int fd, struct wcfb_buf *b, uint32_t w, uint32_t h,
		    uint32_t fourcc, uint32_t seed)
{
	int ret = wcfb_buf_dumb(fd, b, w, h, 32, WCFB_MAP_DUMB);

	ret = ret ? ret : wcfb_buf_addfb(b, fourcc);
	if (!ret)
		wcfb_buf_fill_pattern(b, seed);
	return ret;
}

/* Open DRIVER's card and show the scene (a blocking modeset). */
static int scene_show(struct scene *sc, const char *driver)
{
	drmModeAtomicReq *req;
	struct stat st;
	uint32_t blob;
	int ret, x, y;

	memset(sc, 0, sizeof(*sc));
	sc->fd = wcfb_open_driver(driver);
	if (sc->fd < 0)
		return -ENODEV;
	if (fstat(sc->fd, &st) ||
	    drmSetClientCap(sc->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(sc->fd, DRM_CLIENT_CAP_ATOMIC, 1)) {
		printf("# %s: %s\n", driver, strerror(errno));
		return -errno;
	}
	sc->minor = minor(st.st_rdev);
	if (scene_mode(sc)) {
		printf("# %s: no %dx%d mode\n", driver, W, H);
		return -ENODEV;
	}
	if (scene_planes(sc)) {
		printf("# %s: planes: primary %u overlay %u cursor %u\n", driver,
		       sc->primary.id, sc->overlay.id, sc->cursor.id);
		return -ENODEV;
	}
	printf("# %s (minor %d): %s@%u, planes %u %u %u\n", driver, sc->minor,
	       sc->mode.name, sc->mode.vrefresh, sc->primary.id, sc->overlay.id,
	       sc->cursor.id);
	ret = buf_make(sc->fd, &sc->bp, W, H, DRM_FORMAT_XRGB8888, 11);
	ret = ret ? ret : buf_make(sc->fd, &sc->bo, OV_W, OV_H, DRM_FORMAT_ARGB8888, 12);
	ret = ret ? ret : buf_make(sc->fd, &sc->bc, CUR, CUR, DRM_FORMAT_ARGB8888, 13);
	if (ret) {
		printf("# %s: framebuffers: %s\n", driver, strerror(-ret));
		return ret;
	}
	if (drmModeCreatePropertyBlob(sc->fd, &sc->mode, sizeof(sc->mode), &blob)) {
		printf("# %s: mode blob: %s\n", driver, strerror(errno));
		return -errno;
	}
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, sc->conn_id,
				 wcfb_prop_id(sc->fd, sc->conn_id,
					      DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"),
				 sc->crtc_id);
	drmModeAtomicAddProperty(req, sc->crtc_id,
				 wcfb_prop_id(sc->fd, sc->crtc_id,
					      DRM_MODE_OBJECT_CRTC, "MODE_ID"), blob);
	drmModeAtomicAddProperty(req, sc->crtc_id,
				 wcfb_prop_id(sc->fd, sc->crtc_id,
					      DRM_MODE_OBJECT_CRTC, "ACTIVE"), 1);
	req_plane(req, &sc->primary, sc->crtc_id, &sc->bp, 0, 0);
	req_plane(req, &sc->overlay, sc->crtc_id, &sc->bo, OV_X, OV_Y);
	cursor_at(0, &x, &y);
	req_plane(req, &sc->cursor, sc->crtc_id, &sc->bc, x, y);
	ret = drmModeAtomicCommit(sc->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET,
				  NULL) ? -errno : 0;
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(sc->fd, blob);
	if (ret)
		printf("# %s: the scene's modeset: %s\n", driver, strerror(-ret));
	return ret;
}

static void scene_close(struct scene *sc)
{
	wcfb_buf_free(&sc->bc);
	wcfb_buf_free(&sc->bo);
	wcfb_buf_free(&sc->bp);
	if (sc->fd >= 0)
		close(sc->fd);
}

/* The frames: each a nonblocking commit moving the cursor, with an event
 * waited for before the next.  Returns 0 or -errno (the figures so far
 * are in F). */
static int frames_run(struct scene *sc, struct figures *f, int frames,
		      int seconds)
{
	uint64_t t0 = wcfb_now_ns(), end = t0 + (uint64_t)seconds * 1000000000ull;
	uint64_t ts_prev = 0, t_commit;
	uint32_t seq_prev = 0;
	int i, ret = 0, x, y, tries;

	for (i = 1; i <= frames; i++) {
		struct flip fl = { 0, 0, 0 };
		drmModeAtomicReq *req;

		if (seconds && wcfb_now_ns() >= end)
			break;
		req = drmModeAtomicAlloc();
		cursor_at(i, &x, &y);
		drmModeAtomicAddProperty(req, sc->cursor.id, sc->cursor.crtc_x, x);
		drmModeAtomicAddProperty(req, sc->cursor.id, sc->cursor.crtc_y, y);
		t_commit = wcfb_now_ns();
		for (tries = 0;; tries++) {
			ret = drmModeAtomicCommit(sc->fd, req, DRM_MODE_ATOMIC_NONBLOCK |
						  DRM_MODE_PAGE_FLIP_EVENT, &fl) ?
			      -errno : 0;
			/* The previous commit, though its event came, is not
			 * done yet: try again shortly (for up to ~30 s), and
			 * count it. */
			if (ret != -EBUSY || tries == 30000)
				break;
			f->busy++;
			usleep(1000);
		}
		drmModeAtomicFree(req);
		if (ret) {
			printf("# frame %d: commit: %s\n", i, strerror(-ret));
			break;
		}
		ret = wait_flip(sc->fd, &fl, 30000);
		if (ret) {
			printf("# frame %d: no flip event: %s\n", i, strerror(-ret));
			break;
		}
		/* Where a missed vblank came from: the commit after its
		 * frame's start, or the time from commit to event. */
		if (f->frames++ && fl.seq - seq_prev > 1) {
			f->missed += (uint32_t)(fl.seq - seq_prev) - 1;
			printf("# frame %d: %u vblanks missed: committed %.2f ms after the last event's vblank, event %.2f ms after the commit, %.2f ms after its vblank\n",
			       i, fl.seq - seq_prev - 1,
			       (t_commit - ts_prev) / 1e6,
			       (wcfb_now_ns() - t_commit) / 1e6,
			       (wcfb_now_ns() - fl.ts_ns) / 1e6);
		}
		seq_prev = fl.seq;
		ts_prev = fl.ts_ns;
	}
	f->secs = (wcfb_now_ns() - t0) / 1e9;
	return ret;
}

static double tv_ms(const struct timeval *a, const struct timeval *b)
{
	return (b->tv_sec - a->tv_sec) * 1e3 + (b->tv_usec - a->tv_usec) / 1e3;
}

static void report(const char *name, const struct figures *f, int frames,
		   int seconds, int is_wcfb)
{
	char json[8192];
	size_t l;

	l = snprintf(json, sizeof(json),
		"{\"name\":\"%s\",\"figures\":{"
		"\"frames\":{\"value\":%d,\"unit\":\"frames\",\"kind\":\"measured\",\"by\":\"client: flip events received, of %d asked, stopping after %d s (0: no limit)\"},"
		"\"seconds\":{\"value\":%.3f,\"unit\":\"s\",\"kind\":\"measured\",\"by\":\"client: first commit to last event\"},"
		"\"flips_per_s\":{\"value\":%.2f,\"unit\":\"flips/s\",\"kind\":\"measured\",\"by\":\"client: frames / seconds\"},"
		"\"missed_vblanks\":{\"value\":%lld,\"unit\":\"vblanks\",\"kind\":\"measured\",\"by\":\"client: sum of (event sequence gap - 1), each commit issued as the previous event is read\"},"
		"\"commit_busy\":{\"value\":%lld,\"unit\":\"commits\",\"kind\":\"measured\",\"by\":\"client: nonblocking commits refused with EBUSY, retried after 1 ms\"},"
		"\"crc_lines\":{\"value\":%lld,\"unit\":\"CRCs\",\"kind\":\"measured\",\"by\":\"client: lines read from crtc-0/crc/data (source auto) during the run\"},"
		"\"crc_per_s\":{\"value\":%.2f,\"unit\":\"CRCs/s\",\"kind\":\"measured\",\"by\":\"client: crc_lines / seconds\"},"
		"\"kernel_cpu_per_frame\":{\"value\":%.3f,\"unit\":\"ms\",\"kind\":\"measured\",\"by\":\"guest /proc/stat: system+irq+softirq ticks of all CPUs over the run / frames; all kernel time, this client's ioctls and CRC reads included, not only the driver's\"},"
		"\"client_sys_per_frame\":{\"value\":%.3f,\"unit\":\"ms\",\"kind\":\"measured\",\"by\":\"getrusage: this client's own system time (commits, event and CRC reads) / frames; part of kernel_cpu_per_frame\"},"
		"\"cpu_busy\":{\"value\":%.1f,\"unit\":\"%% of all guest CPUs\",\"kind\":\"measured\",\"by\":\"guest /proc/stat: non-idle ticks / all ticks over the run\"}",
		name, f->frames, frames, seconds, f->secs,
		f->secs > 0 ? f->frames / f->secs : 0.0, f->missed, f->busy,
		f->crc_lines, f->secs > 0 ? f->crc_lines / f->secs : 0.0,
		f->kern_ms, f->sys_ms, f->busy_pct);
	if (is_wcfb && l < sizeof(json))
		l += snprintf(json + l, sizeof(json) - l,
			",\"composed_whole\":{\"value\":%d,\"unit\":\"bool\",\"kind\":\"driver\",\"by\":\"wcfb parameter test_compose_full (1: every frame composed whole, no damage tracking)\"},"
			"\"engine_bytes_written_per_frame\":{\"value\":%.0f,\"unit\":\"bytes\",\"kind\":\"measured\",\"by\":\"engine model stats bytes_moved, after - before the run, / frames\"},"
			"\"engine_bytes_read_per_frame\":{\"value\":%.0f,\"unit\":\"bytes\",\"kind\":\"measured\",\"by\":\"engine model stats bytes_read, after - before the run, / frames (the CRCs' reads included)\"},"
			"\"composed\":{\"value\":%lld,\"unit\":\"frames\",\"kind\":\"driver\",\"by\":\"debugfs scanout composed, after - before the run\"},"
			"\"compose_mean_us\":{\"value\":%.0f,\"unit\":\"us\",\"kind\":\"driver\",\"by\":\"debugfs scanout compose_mean_us (job built to fence signalled) of the run's frames, from the means and counts before and after\"},"
			"\"compose_slow\":{\"value\":%lld,\"unit\":\"frames\",\"kind\":\"driver\",\"by\":\"debugfs scanout compose_slow, after - before the run: compositions that took half a frame or more\"},"
			"\"timer_late_1ms\":{\"value\":%lld,\"unit\":\"interrupts\",\"kind\":\"driver\",\"by\":\"debugfs vblank timer_late_1ms, after - before the run: vblank interrupts the guest's timer delivered 1 ms or more late\"},"
			"\"timer_overruns\":{\"value\":%lld,\"unit\":\"vblanks\",\"kind\":\"driver\",\"by\":\"debugfs vblank timer_overruns, after - before the run: vblanks the timer was over a frame late for\"}",
			f->full, f->frames && f->eng_w >= 0 ? (double)f->eng_w / f->frames : -1.0,
			f->frames && f->eng_r >= 0 ? (double)f->eng_r / f->frames : -1.0,
			f->composed, f->compose_us, f->slow, f->late_1ms,
			f->overruns);
	if (l < sizeof(json))
		snprintf(json + l, sizeof(json) - l, "}}");
	wcfb_bench(json);
}

/* The run's kernel CPU per frame, for "ratio" later in the boot. */
static void save(const char *name, const struct figures *f)
{
	char path[128];
	FILE *fp;

	mkdir(STATE_DIR, 0755);
	snprintf(path, sizeof(path), STATE_DIR "/%s", name);
	fp = fopen(path, "w");
	if (!fp)
		return;
	fprintf(fp, "%.6f %d\n", f->kern_ms, f->frames);
	fclose(fp);
}

static int run(const char *driver, const char *name, int frames, int seconds,
	       int with_crc)
{
	int is_wcfb = !strcmp(driver, "wcfb"), ret;
	long long w0 = -1, w1 = -1, r0 = -1, r1 = -1, n0 = 0, n1 = 0, m0 = 0, m1 = 0;
	long long l0 = 0, l1 = 0, o0 = 0, o1 = 0, s0 = 0, s1 = 0;
	struct figures f = { .full = -1 };
	struct cpu_ticks c0, c1;
	struct rusage u0, u1;
	struct scene sc;
	pthread_t th;

	ret = scene_show(&sc, driver);
	if (ret || (with_crc && crc_start(sc.minor, &th))) {
		scene_close(&sc);
		return 1;
	}
	if (is_wcfb) {
		f.full = read_full_param();
		w0 = engine_stat("bytes_moved");
		r0 = engine_stat("bytes_read");
		wcfb_debugfs_value("scanout", "composed", &n0);
		wcfb_debugfs_value("scanout", "compose_mean_us", &m0);
		wcfb_debugfs_value("scanout", "compose_slow", &s0);
		wcfb_debugfs_value("vblank", "timer_late_1ms", &l0);
		wcfb_debugfs_value("vblank", "timer_overruns", &o0);
	}
	getrusage(RUSAGE_SELF, &u0);
	read_cpu(&c0);
	ret = frames_run(&sc, &f, frames, seconds);
	read_cpu(&c1);
	getrusage(RUSAGE_SELF, &u1);
	if (is_wcfb) {
		w1 = engine_stat("bytes_moved");
		r1 = engine_stat("bytes_read");
		wcfb_debugfs_value("scanout", "composed", &n1);
		wcfb_debugfs_value("scanout", "compose_mean_us", &m1);
		f.slow = wcfb_debugfs_value("scanout", "compose_slow", &s1) ?
			 -1 : s1 - s0;
		/* -1: not in this debugfs, rather than a measured 0 */
		f.late_1ms = wcfb_debugfs_value("vblank", "timer_late_1ms", &l1) ?
			     -1 : l1 - l0;
		f.overruns = wcfb_debugfs_value("vblank", "timer_overruns", &o1) ?
			     -1 : o1 - o0;
		f.eng_w = w0 >= 0 && w1 >= 0 ? w1 - w0 : -1;
		f.eng_r = r0 >= 0 && r1 >= 0 ? r1 - r0 : -1;
		f.composed = n1 - n0;
		f.compose_us = f.composed > 0 ?
			(double)(m1 * n1 - m0 * n0) / (double)f.composed : 0;
	}
	if (with_crc)
		crc_stop(th);
	if (crc.err)
		printf("# CRC data: %s\n", strerror(crc.err));
	f.crc_lines = crc.lines;
	if (f.frames) {
		f.kern_ms = (double)(ticks_kernel(&c1) - ticks_kernel(&c0)) *
			    1000.0 / sysconf(_SC_CLK_TCK) / f.frames;
		f.sys_ms = tv_ms(&u0.ru_stime, &u1.ru_stime) / f.frames;
	}
	if (ticks_all(&c1) > ticks_all(&c0))
		f.busy_pct = 100.0 *
			(double)((ticks_all(&c1) - ticks_idle(&c1)) -
				 (ticks_all(&c0) - ticks_idle(&c0))) /
			(double)(ticks_all(&c1) - ticks_all(&c0));
	report(name, &f, frames, seconds, is_wcfb);
	save(name, &f);
	printf("# %s: %d frames in %.1f s, %lld missed vblanks, %lld CRCs, "
	       "%.3f ms kernel CPU per frame, %.1f%% busy\n", name, f.frames,
	       f.secs, f.missed, f.crc_lines, f.kern_ms, f.busy_pct);
	scene_close(&sc);
	return ret || !f.frames ? 1 : 0;
}

static int load(const char *name, double *kern_ms)
{
	char path[128];
	FILE *fp;
	int n = 0;

	snprintf(path, sizeof(path), STATE_DIR "/%s", name);
	fp = fopen(path, "r");
	if (!fp || fscanf(fp, "%lf %d", kern_ms, &n) != 2 || n <= 0) {
		printf("# no run %s in this boot\n", name);
		if (fp)
			fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

static int ratio(const char *name, const char *a, const char *b)
{
	double ka, kb;
	char json[1024];

	if (load(a, &ka) || load(b, &kb) || kb <= 0)
		return 1;
	snprintf(json, sizeof(json),
		 "{\"name\":\"%s\",\"figures\":{"
		 "\"kernel_cpu_per_frame_ratio\":{\"value\":%.4f,\"unit\":\"ratio\",\"kind\":\"computed\",\"by\":\"%s kernel_cpu_per_frame / %s kernel_cpu_per_frame, same boot\"},"
		 "\"%s\":{\"value\":%.3f,\"unit\":\"ms\",\"kind\":\"measured\",\"by\":\"its kernel_cpu_per_frame\"},"
		 "\"%s\":{\"value\":%.3f,\"unit\":\"ms\",\"kind\":\"measured\",\"by\":\"its kernel_cpu_per_frame\"}}}",
		 name, ka / kb, a, b, a, ka, b, kb);
	wcfb_bench(json);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 6 || (argc == 7 && !strcmp(argv[6], "nocrc"))) &&
	    !strcmp(argv[1], "run"))
		return run(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]),
			   argc == 6);
	if (argc == 5 && !strcmp(argv[1], "ratio"))
		return ratio(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: wcfb-compbench run DRIVER NAME FRAMES SECONDS [nocrc]\n"
		"       wcfb-compbench ratio NAME A B\n");
	return 2;
}
