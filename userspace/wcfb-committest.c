// SPDX-License-Identifier: MIT
/*
 * wcfb-committest: atomic commits that other KMS drivers accept and IGT
 * makes (kms_atomic_transition, kms_vblank, kms_concurrent), checked on
 * the screen.
 *
 *   wcfb-committest noprimary
 *   wcfb-committest hotplug     (see hotplug() below)
 *   wcfb-committest cursor      (see cursor() below)
 *
 * 1. With a framebuffer on screen, a commit turns the plane off and keeps
 *    the CRTC active: it succeeds, its event arrives, and the screen is
 *    black at the mode's size.
 * 2. From a disabled CRTC, a commit enables it at another mode with no
 *    plane: the screen is black at that size.
 * 3. A plane update on a disabled CRTC (framebuffer attached, CRTC off)
 *    succeeds and leaves the engine parked; enabling the CRTC then shows
 *    that framebuffer without touching the plane again.
 * 4. plane-all-transition style: 20 nonblocking toggles of the plane on an
 *    active CRTC, each TEST_ONLY first, each with its event.
 * 5. A modeset's event (from off, and mode to mode) carries a time after
 *    the commit was issued: the new mode's first vblank; the vblank count
 *    goes on across it (a query while off is EINVAL), by no more than the
 *    frames that passed.
 *
 * Prints one line per check; exit 0 when all hold, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "wcfb_client.h"
#include "wcfb_rgbhash.h"

#define SEED 61

static int debugfs_parked(void)
{
	long long parked;

	return wcfb_debugfs_value("scanout", "parked", &parked) ? -1 : (int)parked;
}

/* Mode, connector and ACTIVE, and the plane as given (NULL: off). */
static int commit_crtc(struct wcfb_pipe *p, const drmModeModeInfo *mode,
		       const struct wcfb_buf *b, uint32_t flags)
{
	return wcfb_commit(p, mode, b ? b->fb_id : 0, b ? b->width : 0,
			   b ? b->height : 0, flags);
}

/* The current vblank count (a query), or -errno. */
static int64_t vblank_query(struct wcfb_pipe *p)
{
	drmVBlank vbl = { .request = { .type = DRM_VBLANK_RELATIVE, .sequence = 0 } };

	if (drmWaitVBlank(p->fd, &vbl))
		return -errno;
	return vbl.reply.sequence;
}

static int noprimary(struct wcfb_pipe *p)
{
	const drmModeModeInfo *m1 = wcfb_find_mode(p, 1024, 768);
	const drmModeModeInfo *m2 = wcfb_find_mode(p, 1280, 720);
	struct wcfb_buf a, b;
	uint64_t ts;
	uint32_t seq;
	int ret, i;

	if (!m1 || !m2) {
		wcfb_ok(0, "modes 1024x768 and 1280x720 are offered");
		return 1;
	}
	if (wcfb_buf_create(p, &a, 1024, 768, DRM_FORMAT_XRGB8888) ||
	    wcfb_buf_create(p, &b, 1280, 720, DRM_FORMAT_XRGB8888)) {
		wcfb_ok(0, "two framebuffers");
		return 1;
	}
	wcfb_buf_fill_pattern(&a, SEED);
	wcfb_buf_fill_pattern(&b, SEED + 1);

	/* 1: plane off, CRTC stays on. */
	ret = commit_crtc(p, m1, &a, 0);
	wcfb_ok(ret == 0, "1024x768 with its framebuffer (%s)", strerror(-ret));
	wcfb_ok(!wcfb_shot("noprimary_before", "pattern %d 1024 768", SEED),
		"the framebuffer is on screen");
	ret = commit_crtc(p, NULL, NULL,
			  DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
	wcfb_ok(ret == 0, "plane off on the active CRTC is accepted (%s)",
		strerror(-ret));
	ret = ret ? ret : wcfb_wait_flip(p, 3000, &ts, &seq);
	wcfb_ok(ret == 0, "its event arrives (%s)", strerror(-ret));
	wcfb_ok(!wcfb_shot("noprimary_off", "solid 000000 1024 768"),
		"the screen is black at 1024x768");

	/* 2: from off, enable at another mode without a plane. */
	ret = wcfb_disable(p);
	wcfb_ok(ret == 0, "CRTC off (%s)", strerror(-ret));
	ret = commit_crtc(p, m2, NULL, 0);
	wcfb_ok(ret == 0, "CRTC on at 1280x720 with no plane (%s)", strerror(-ret));
	wcfb_ok(!wcfb_shot("noprimary_enable", "solid 000000 1280 720"),
		"the screen is black at 1280x720");
	ret = commit_crtc(p, NULL, &b,
			  DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
	ret = ret ? ret : wcfb_wait_flip(p, 3000, &ts, &seq);
	wcfb_ok(ret == 0, "the plane comes back on (%s)", strerror(-ret));
	wcfb_ok(!wcfb_shot("noprimary_back", "pattern %d 1280 720", SEED + 1),
		"its framebuffer is on screen");

	/* 3: a plane update on a disabled CRTC. */
	ret = wcfb_disable(p);
	wcfb_ok(ret == 0, "CRTC off (%s)", strerror(-ret));
	ret = commit_crtc(p, NULL, &a, 0);
	wcfb_ok(ret == 0, "framebuffer attached to the disabled CRTC (%s)",
		strerror(-ret));
	wcfb_ok(debugfs_parked() == 1, "the engine stays parked");
	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		uint32_t blob = 0;

		ret = wcfb_req_mode(p, req, m1, &blob);
		if (!ret)
			ret = wcfb_atomic_commit(p, req, DRM_MODE_ATOMIC_ALLOW_MODESET);
		drmModeAtomicFree(req);
		drmModeDestroyPropertyBlob(p->fd, blob);
	}
	wcfb_ok(ret == 0, "enabling the CRTC alone (%s)", strerror(-ret));
	wcfb_ok(!wcfb_shot("noprimary_attached", "pattern %d 1024 768", SEED),
		"shows the framebuffer attached while it was off");

	/* 4: toggles, each tested first, each with its event. */
	for (i = 0; i < 20; i++) {
		const struct wcfb_buf *fb = i & 1 ? &a : NULL;

		ret = commit_crtc(p, NULL, fb, DRM_MODE_ATOMIC_TEST_ONLY);
		if (!ret)
			ret = commit_crtc(p, NULL, fb, DRM_MODE_PAGE_FLIP_EVENT |
					  DRM_MODE_ATOMIC_NONBLOCK);
		if (!ret)
			ret = wcfb_wait_flip(p, 3000, &ts, &seq);
		if (ret)
			break;
	}
	wcfb_ok(i == 20, "20 plane toggles on the active CRTC (%d done: %s)",
		i, strerror(-ret));
	wcfb_ok(!wcfb_shot("noprimary_toggled", "pattern %d 1024 768", SEED),
		"the last toggle (plane on) is on screen");

	/*
	 * 5: a modeset's event comes at the new mode's first vblank: with a
	 * time after the commit was issued (sent at once, it would carry the
	 * last vblank before the CRTC went off), from off and mode to mode.
	 */
	for (i = 0; i < 4; i++) {
		const drmModeModeInfo *m = i & 1 ? m2 : m1;
		const struct wcfb_buf *fb = i & 1 ? &b : &a;
		int64_t before = vblank_query(p), off = 0, after;
		uint64_t issue, t_before = wcfb_now_ns();

		if (i == 0 || i == 2) {
			wcfb_disable(p);
			off = vblank_query(p);
		}
		issue = wcfb_now_ns();
		ret = commit_crtc(p, m, fb, DRM_MODE_PAGE_FLIP_EVENT |
				  DRM_MODE_ATOMIC_NONBLOCK);
		ret = ret ? ret : wcfb_wait_flip(p, 3000, &ts, &seq);
		wcfb_ok(ret == 0 && ts >= issue / 1000 * 1000,
			"modeset %d (%s) event at %llu ns, issued at %llu ns (%s)",
			i, i == 0 || i == 2 ? "from off" : "mode change",
			(unsigned long long)ts, (unsigned long long)issue,
			strerror(-ret));
		/*
		 * kms_vblank ts-continuation: a query on the off CRTC is
		 * EINVAL; the count goes on across the modeset, by no more
		 * than the frames that passed (+5, as IGT allows).
		 */
		after = vblank_query(p);
		if (i == 0 || i == 2)
			wcfb_ok(off == -EINVAL, "vblank query on the off CRTC: EINVAL (%lld)",
				(long long)off);
		wcfb_ok(before >= 0 && after > before &&
			after - before <= (int64_t)((wcfb_now_ns() - t_before) * 60 / 1000000000ull) + 5,
			"vblank count %lld before, %lld after the modeset", (long long)before,
			(long long)after);
	}

	wcfb_disable(p);
	wcfb_buf_destroy(p, &a);
	wcfb_buf_destroy(p, &b);
	return 0;
}

/*
 * --- hotplug: the connector goes away and comes back ---------------------
 *
 * Through the core's sysfs "status" file, as a test or a CI job would
 * (there is no cable): "off" must send a hotplug uevent and leave the
 * connector disconnected with no modes, "detect" another uevent, and the
 * connector connected with the same mode list as before.
 */
static int uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static long long uevent_seqnum(void)
{
	long long n = -1;
	FILE *f = fopen("/sys/kernel/uevent_seqnum", "r");

	if (f) {
		if (fscanf(f, "%lld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/*
 * Waits up to MS for a drm "change" uevent with HOTPLUG=1.  Without a
 * netlink socket (a kernel without CONFIG_NET: the debug kernel), for the
 * kernel's uevent sequence number to move past SEQ instead: a uevent was
 * sent, its contents unseen.
 */
static int wait_hotplug(int fd, long long seq, int ms)
{
	uint64_t deadline = wcfb_now_ns() + (uint64_t)ms * 1000000;
	char buf[4096];

	while (fd < 0) {
		if (uevent_seqnum() > seq)
			return 1;
		if (wcfb_now_ns() > deadline)
			return 0;
		usleep(10000);
	}
	for (;;) {
		int64_t left = (int64_t)(deadline - wcfb_now_ns()) / 1000000;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int hotplug = 0, drm = 0;
		char *q;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return 0;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = 0;
		for (q = buf; q < buf + n; q += strlen(q) + 1) {
			hotplug |= !strcmp(q, "HOTPLUG=1");
			drm |= !strcmp(q, "SUBSYSTEM=drm");
		}
		if (hotplug && drm)
			return 1;
	}
}

static int write_status(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, what, strlen(what));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* The connector's state and its modes, as "WxH@clock ..." */
static int connector_state(struct wcfb_pipe *p, char *modes, size_t len)
{
	drmModeConnector *c = drmModeGetConnector(p->fd, p->conn_id);
	size_t off = 0;
	int i, st;

	if (!c)
		return -1;
	modes[0] = 0;
	for (i = 0; i < c->count_modes && off + 32 < len; i++)
		off += snprintf(modes + off, len - off, "%ux%u@%u ",
				c->modes[i].hdisplay, c->modes[i].vdisplay,
				c->modes[i].clock);
	st = c->connection;
	drmModeFreeConnector(c);
	return st;
}

static int hotplug(struct wcfb_pipe *p)
{
	char path[256], before[2048], now[2048];
	drmModeConnector *c = drmModeGetConnector(p->fd, p->conn_id);
	long long seq;
	int fd, st, ret;

	if (!c) {
		wcfb_ok(0, "the connector");
		return 1;
	}
	/* The core names it card<minor>-<type>-<type id>. */
	snprintf(path, sizeof(path), "/sys/class/drm/card0-%s-%u/status",
		 drmModeGetConnectorTypeName(c->connector_type),
		 c->connector_type_id);
	drmModeFreeConnector(c);
	fd = uevent_socket();
	if (fd < 0)
		printf("# no uevent socket (%s): counting uevents by their sequence number\n",
		       strerror(errno));

	st = connector_state(p, before, sizeof(before));
	wcfb_ok(st == DRM_MODE_CONNECTED && before[0],
		"connected at first, with modes %s", before);

	seq = uevent_seqnum();
	ret = write_status(path, "off");
	wcfb_ok(ret == 0, "%s <- off (%s)", path, strerror(-ret));
	wcfb_ok(wait_hotplug(fd, seq, 5000), "a hotplug uevent");
	st = connector_state(p, now, sizeof(now));
	wcfb_ok(st == DRM_MODE_DISCONNECTED && !now[0],
		"disconnected, no modes (%d, \"%s\")", st, now);

	seq = uevent_seqnum();
	ret = write_status(path, "detect");
	wcfb_ok(ret == 0, "%s <- detect (%s)", path, strerror(-ret));
	wcfb_ok(wait_hotplug(fd, seq, 5000), "a hotplug uevent");
	st = connector_state(p, now, sizeof(now));
	wcfb_ok(st == DRM_MODE_CONNECTED && !strcmp(now, before),
		"connected again with the same modes (%s)", now);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* --- legacy cursor (kms_cursor_legacy) ----------------------------------- */

#define CUR_W		1024
#define CUR_H		768
#define CUR_SIZE	64
#define CUR_MOVES	60
#define CUR_PRIMARY	0x00203040u
#define CUR_COLOR	0xffc01080u

static void fill32(struct wcfb_buf *b, uint32_t v)
{
	uint32_t x, y;

	for (y = 0; y < b->height; y++)
		for (x = 0; x < b->width; x++)
			((uint32_t *)(b->map + (size_t)y * b->pitch))[x] = v;
}

/* The screen's rgbhash with the opaque cursor square at (cx, cy). */
static uint64_t cursor_frame_hash(int cx, int cy)
{
	uint64_t h = WCFB_RGBHASH_INIT;
	int x, y;

	for (y = 0; y < CUR_H; y++) {
		for (x = 0; x < CUR_W; x++) {
			int in = x >= cx && x < cx + CUR_SIZE &&
				 y >= cy && y < cy + CUR_SIZE;
			uint32_t v = in ? CUR_COLOR : CUR_PRIMARY;

			h = wcfb_rgbhash_byte(h, v >> 16 & 0xff);
			h = wcfb_rgbhash_byte(h, v >> 8 & 0xff);
			h = wcfb_rgbhash_byte(h, v & 0xff);
		}
	}
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Slack for the two clocks' rounding of the frame grid. */
#define GRID_SLACK_NS 50000ull

#define STILL_MOVES 40

/* Part 4 of cursor(): see there.  Returns the moves' median time (ns). */
static uint64_t cursor_still(struct wcfb_pipe *p, int x, int y)
{
	long long c0 = -1, c1 = -1, u0 = -1, u1 = -1;
	uint64_t t[STILL_MOVES], t0;
	int i, ret = 0;

	wcfb_debugfs_value("scanout", "composed", &c0);
	wcfb_debugfs_value("scanout", "cursor_unchanged", &u0);
	for (i = 0; i < STILL_MOVES && !ret; i++) {
		t0 = wcfb_now_ns();
		ret = drmModeMoveCursor(p->fd, p->crtc_id, x, y);
		t[i] = wcfb_now_ns() - t0;
	}
	wcfb_debugfs_value("scanout", "composed", &c1);
	wcfb_debugfs_value("scanout", "cursor_unchanged", &u1);
	wcfb_ok(!ret, "%d moves to the cursor's own place (%s)", STILL_MOVES,
		strerror(errno));
	wcfb_ok(c0 >= 0 && c1 == c0, "they composed nothing (composed %lld -> %lld)", c0, c1);
	wcfb_ok(u0 >= 0 && u1 - u0 == STILL_MOVES,
		"each was an unchanged async update (cursor_unchanged %lld -> %lld)", u0, u1);
	qsort(t, STILL_MOVES, sizeof(t[0]), cmp_u64);
	return t[STILL_MOVES / 2];
}

/* Part 5 of cursor(): see there. */
static void disable_at_frame_end(struct wcfb_pipe *p, const drmModeModeInfo *m,
				 struct wcfb_buf *fb)
{
	/* drm_calc_timestamping_constants()'s frame duration. */
	uint64_t period = (uint64_t)m->htotal * m->vtotal * 1000000ull / m->clock;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int r, ret, early = 0, ready = 0, done = 0;

	for (r = 0; r < 5; r++) {
		uint64_t ts, issue, arrived, next;

		ret = commit_crtc(p, m, fb, 0);
		ret = ret ? ret : commit_crtc(p, NULL, fb, DRM_MODE_PAGE_FLIP_EVENT |
					      DRM_MODE_ATOMIC_NONBLOCK);
		ret = ret ? ret : wcfb_wait_flip(p, 3000, &ts, NULL);
		if (ret)
			break;
		issue = wcfb_now_ns();
		ret = wcfb_disable_flags(p, DRM_MODE_PAGE_FLIP_EVENT |
					 DRM_MODE_ATOMIC_NONBLOCK);
		if (ret)
			break;
		ready += poll(&pfd, 1, 0) != 0;
		ret = wcfb_wait_flip(p, 3000, NULL, NULL);
		arrived = wcfb_now_ns();
		if (ret)
			break;
		/* The first vblank of the grid after the commit was issued. */
		next = ts + ((issue - ts) / period + 1) * period;
		if (arrived + GRID_SLACK_NS < next) {
			early++;
			printf("# round %d: event %llu ns before the frame's end\n", r,
			       (unsigned long long)(next - arrived));
		}
		done++;
	}
	wcfb_ok(done == 5, "5 nonblocking disables with events (%d done: %s)", done,
		strerror(-ret));
	wcfb_ok(!ready, "no disable's event was readable when its commit returned (%d were)",
		ready);
	wcfb_ok(!early, "every disable's event came at the end of the frame (%d early)",
		early);
}

/*
 * Legacy cursor moves (DRM_IOCTL_MODE_CURSOR) over a composed screen, each
 * issued right after a nonblocking flip of the primary, as IGT's
 * kms_cursor_legacy basic-flip-before-cursor does:
 * 1. every move takes the driver's async path (debugfs scanout
 *    cursor_async counts them): it never waits for the flip's vblank (a
 *    flip whose frame is not made yet composes the cursor where the move
 *    put it);
 * 2. every flip's event still arrives;
 * 3. the screen then shows the cursor where the last move put it, partly
 *    off screen (host capture, rgbhash of the CPU's frame);
 * 4. 40 moves to where the cursor already is (X servers send them; IGT's
 *    kms_cursor_legacy times them) each take the async path and compose
 *    nothing: debugfs composed stays, cursor_unchanged grows by 40;
 * 5. a nonblocking disable's event is not there when the commit returns
 *    (kms_cursor_legacy's nonblocking-modeset-vs-cursor polls for it):
 *    the CRTC goes off at the end of the frame on screen, so the event
 *    arrives at or after the next vblank of the flips' grid, in each of 5
 *    rounds (sent at once, it would arrive within a frame's first
 *    microseconds after the commit).
 * Figures: the move ioctl's time, and how many moves returned within the
 * vblank interval their flip was issued in (IGT's check; measured, not
 * asserted: a loaded host may let a vblank pass during any ioctl).
 */
static int cursor(struct wcfb_pipe *p)
{
	const drmModeModeInfo *m = wcfb_find_mode(p, CUR_W, CUR_H);
	uint64_t t[CUR_MOVES], t0, sum = 0, still;
	long long a0, a1;
	struct wcfb_buf fb[2], cur;
	int i, ret, same = 0, events = 0;
	char json[2048];

	if (!m) {
		wcfb_ok(0, "mode %dx%d is offered", CUR_W, CUR_H);
		return 1;
	}
	if (wcfb_buf_create(p, &fb[0], CUR_W, CUR_H, DRM_FORMAT_XRGB8888) ||
	    wcfb_buf_create(p, &fb[1], CUR_W, CUR_H, DRM_FORMAT_XRGB8888) ||
	    wcfb_buf_dumb(p->fd, &cur, CUR_SIZE, CUR_SIZE, 32, WCFB_MAP_DUMB)) {
		wcfb_ok(0, "framebuffers and a cursor buffer");
		return 1;
	}
	fill32(&fb[0], CUR_PRIMARY);
	fill32(&fb[1], CUR_PRIMARY);
	fill32(&cur, CUR_COLOR);

	ret = commit_crtc(p, m, &fb[0], 0);
	wcfb_ok(ret == 0, "%dx%d with its primary (%s)", CUR_W, CUR_H,
		strerror(-ret));
	ret = drmModeSetCursor(p->fd, p->crtc_id, cur.handle, CUR_SIZE,
			       CUR_SIZE) ? -errno : 0;
	wcfb_ok(ret == 0, "legacy SetCursor %dx%d (%s)", CUR_SIZE, CUR_SIZE,
		strerror(-ret));
	ret = ret ? ret : drmModeMoveCursor(p->fd, p->crtc_id, 100, 100);
	if (ret || wcfb_debugfs_value("scanout", "cursor_async", &a0)) {
		wcfb_ok(0, "cursor on screen, debugfs scanout cursor_async");
		return 1;
	}

	for (i = 0; i < CUR_MOVES; i++) {
		int64_t v0 = vblank_query(p), v1;

		ret = commit_crtc(p, NULL, &fb[(i + 1) & 1],
				  DRM_MODE_PAGE_FLIP_EVENT |
				  DRM_MODE_ATOMIC_NONBLOCK);
		if (ret) {
			wcfb_ok(0, "flip %d (%s)", i, strerror(-ret));
			break;
		}
		t0 = wcfb_now_ns();
		ret = drmModeMoveCursor(p->fd, p->crtc_id, 8 * i, 4 * i);
		t[i] = wcfb_now_ns() - t0;
		v1 = vblank_query(p);
		if (ret) {
			wcfb_ok(0, "move %d (%s)", i, strerror(errno));
			break;
		}
		same += v0 >= 0 && v1 == v0;
		sum += t[i];
		events += !wcfb_wait_flip(p, 3000, NULL, NULL);
	}
	wcfb_ok(events == CUR_MOVES, "%d of %d flip events arrived", events,
		CUR_MOVES);
	wcfb_debugfs_value("scanout", "cursor_async", &a1);
	wcfb_ok(a1 - a0 == CUR_MOVES,
		"%lld of %d moves took the async path (cursor_async %lld -> %lld)",
		a1 - a0, CUR_MOVES, a0, a1);

	ret = drmModeMoveCursor(p->fd, p->crtc_id, CUR_W - 20, -30);
	wcfb_ok(ret == 0 &&
		!wcfb_shot("commit_cursor_edge", "rgbhash %016llx",
			   (unsigned long long)cursor_frame_hash(CUR_W - 20, -30)),
		"the cursor is where the last move put it, clipped at the corner");

	still = cursor_still(p, CUR_W - 20, -30);

	if (i == CUR_MOVES) {
		qsort(t, CUR_MOVES, sizeof(t[0]), cmp_u64);
		snprintf(json, sizeof(json),
			 "{\"name\":\"cursor_legacy_move\",\"figures\":{"
			 "\"move_median\":{\"value\":%.1f,\"unit\":\"us\",\"kind\":\"measured\",\"by\":\"client: DRM_IOCTL_MODE_CURSOR right after a nonblocking flip, composed 1024x768\"},"
			 "\"move_mean\":{\"value\":%.1f,\"unit\":\"us\",\"kind\":\"measured\",\"by\":\"client\"},"
			 "\"move_max\":{\"value\":%.1f,\"unit\":\"us\",\"kind\":\"measured\",\"by\":\"client\"},"
			 "\"moves_in_flip_frame\":{\"value\":%d,\"unit\":\"of %d moves\",\"kind\":\"measured\",\"by\":\"client: vblank count unchanged from before the flip to after the move\"},"
			 "\"unchanged_move_median\":{\"value\":%.1f,\"unit\":\"us\",\"kind\":\"measured\",\"by\":\"client: %d moves to the cursor's own place, no flip\"}}}",
			 t[CUR_MOVES / 2] / 1e3, sum / 1e3 / CUR_MOVES,
			 t[CUR_MOVES - 1] / 1e3, same, CUR_MOVES, still / 1e3, STILL_MOVES);
		wcfb_bench(json);
	}
	drmModeSetCursor(p->fd, p->crtc_id, 0, 0, 0);
	disable_at_frame_end(p, m, &fb[0]);
	wcfb_buf_free(&cur);
	wcfb_buf_destroy(p, &fb[0]);
	wcfb_buf_destroy(p, &fb[1]);
	return wcfb_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct wcfb_pipe p;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: wcfb-committest noprimary|hotplug|cursor\n");
		return 2;
	}
	ret = wcfb_open_pipe(&p);
	if (ret) {
		fprintf(stderr, "cannot open the wcfb pipe: %s\n", strerror(-ret));
		return 1;
	}
	if (!strcmp(argv[1], "noprimary")) {
		noprimary(&p);
	} else if (!strcmp(argv[1], "hotplug")) {
		hotplug(&p);
	} else if (!strcmp(argv[1], "cursor")) {
		cursor(&p);
	} else {
		fprintf(stderr, "unknown command: %s\n", argv[1]);
		return 2;
	}
	wcfb_close_pipe(&p);
	printf("# %d failure(s)\n", wcfb_failures);
	return wcfb_failures ? 1 : 0;
}
