// SPDX-License-Identifier: MIT
/*
 * wcfb-kmstest: the libdrm client behind wcfb's KMS tests and benchmarks.
 *
 *   wcfb-kmstest modes                     print the connector's mode list
 *   wcfb-kmstest flip MODES FORMATS SEED   patterns + page flips, captured
 *   wcfb-kmstest modeseq WxH,WxH,...       mode changes, captured
 *   wcfb-kmstest badinput                  bad ioctl arguments -> -EINVAL
 *   wcfb-kmstest exhaust                   pool exhaustion -> -ENOMEM
 *   wcfb-kmstest poolcheck                 every live buffer inside the pool
 *   wcfb-kmstest cycle                     one client session (for reloads)
 *   wcfb-kmstest capacity                  how many 64 KiB buffers fit now
 *   wcfb-kmstest bench-flips N             N flips at the mode's refresh
 *   wcfb-kmstest bench-pool                pool efficiency figure
 *   wcfb-kmstest show SECONDS              demo: animated patterns
 *   wcfb-kmstest flipstorm                 flips + mode changes until killed
 *
 * MODES is "all" or WxH[,WxH...]; FORMATS is "all" or fourccs (XR24,AR24,
 * RG24).  Prints "ok - ..." / "not ok - ..." lines; exits non-zero when
 * any check failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "wcfb_client.h"

#define DEBUGFS "/sys/kernel/debug/dri/0/"

static const char *const all_formats[] = { "XR24", "AR24", "RG24" };

/* --- debugfs readers ----------------------------------------------------- */
struct pool_state {
	uint64_t base, size;
	uint64_t objects, requested, consumed;
	uint64_t obj_addr[256], obj_size[256];
	unsigned int nobj;
};

static int read_pool(struct pool_state *ps)
{
	FILE *f = fopen(DEBUGFS "pool", "r");
	char line[256];

	memset(ps, 0, sizeof(*ps));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uint64_t a, b;

		if (sscanf(line, "base 0x%" SCNx64, &a) == 1)
			ps->base = a;
		else if (sscanf(line, "size %" SCNu64, &a) == 1)
			ps->size = a;
		else if (sscanf(line, "objects %" SCNu64, &a) == 1)
			ps->objects = a;
		else if (sscanf(line, "requested %" SCNu64, &a) == 1)
			ps->requested = a;
		else if (sscanf(line, "consumed %" SCNu64, &a) == 1)
			ps->consumed = a;
		else if (sscanf(line, "obj 0x%" SCNx64 " %" SCNu64, &a, &b) == 2 &&
			 ps->nobj < 256) {
			ps->obj_addr[ps->nobj] = a;
			ps->obj_size[ps->nobj++] = b;
		}
	}
	fclose(f);
	return 0;
}

struct scanout_state {
	uint64_t addr, flips;
	int parked;
};

static int read_scanout(struct scanout_state *ss)
{
	FILE *f = fopen(DEBUGFS "scanout", "r");
	char line[256];

	memset(ss, 0, sizeof(*ss));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uint64_t a;

		if (sscanf(line, "addr 0x%" SCNx64, &a) == 1)
			ss->addr = a;
		else if (sscanf(line, "flips %" SCNu64, &a) == 1)
			ss->flips = a;
		else if (sscanf(line, "parked %" SCNu64, &a) == 1)
			ss->parked = (int)a;
	}
	fclose(f);
	return 0;
}

/* --- modes: "mode WxH@Hz [preferred]" per listed mode --------------------- */
static int cmd_modes(struct wcfb_pipe *p)
{
	int i;

	for (i = 0; i < p->conn->count_modes; i++) {
		const drmModeModeInfo *m = &p->conn->modes[i];

		printf("mode %ux%u@%u%s\n", m->hdisplay, m->vdisplay, m->vrefresh,
		       m->type & DRM_MODE_TYPE_PREFERRED ? " preferred" : "");
	}
	return 0;
}

/* --- flip: patterns on every mode and format, captured by the host ------- */
static int parse_wh(const char *s, uint32_t *w, uint32_t *h)
{
	return sscanf(s, "%ux%u", w, h) == 2 ? 0 : -EINVAL;
}

static int negative_control = 1;

static void flip_one(struct wcfb_pipe *p, const drmModeModeInfo *m,
		     uint32_t fourcc, uint32_t seed)
{
	uint32_t w = m->hdisplay, h = m->vdisplay;
	struct wcfb_buf a, b;
	char tag[48], tag_a[64], tag_b[64], tag_a2[64];
	int ret;

	snprintf(tag, sizeof(tag), "%ux%u_%.4s", w, h, (char *)&fourcc);
	snprintf(tag_a, sizeof(tag_a), "%s_a", tag);
	snprintf(tag_b, sizeof(tag_b), "%s_b", tag);
	snprintf(tag_a2, sizeof(tag_a2), "%s_a2", tag);
	ret = wcfb_buf_create(p, &a, w, h, fourcc);
	wcfb_ok(ret == 0, "%s: buffer A (%s)", tag, strerror(-ret));
	if (ret)
		return;
	ret = wcfb_buf_create(p, &b, w, h, fourcc);
	wcfb_ok(ret == 0, "%s: buffer B (%s)", tag, strerror(-ret));
	if (ret)
		goto out_a;
	wcfb_buf_fill_pattern(&a, seed);
	wcfb_buf_fill_pattern(&b, seed + 1);

	ret = wcfb_commit(p, m, a.fb_id, w, h, 0);
	wcfb_ok(ret == 0, "%s: modeset (%s)", tag, strerror(-ret));
	if (ret)
		goto out_b;
	wcfb_ok(!wcfb_shot(tag_a, "pattern %u %u %u", seed, w, h), "%s: A on screen", tag);
	if (negative_control) {
		/* The checker must be able to say no: B's pattern is not on
		 * screen yet, so this check has to fail. */
		wcfb_ok(!wcfb_shot("negative_control", "!pattern %u %u %u", seed + 1, w, h),
			"%s: the host rejects a pattern that is not shown", tag);
		negative_control = 0;
	}

	ret = wcfb_commit(p, NULL, b.fb_id, w, h,
			  DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
	if (!ret)
		ret = wcfb_wait_flip(p, 1000, NULL, NULL);
	wcfb_ok(ret == 0, "%s: flip to B (%s)", tag, strerror(-ret));
	wcfb_ok(!wcfb_shot(tag_b, "pattern %u %u %u", seed + 1, w, h), "%s: B on screen", tag);

	ret = wcfb_commit(p, NULL, a.fb_id, w, h,
			  DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
	if (!ret)
		ret = wcfb_wait_flip(p, 1000, NULL, NULL);
	wcfb_ok(ret == 0, "%s: flip back to A (%s)", tag, strerror(-ret));
	wcfb_ok(!wcfb_shot(tag_a2, "pattern %u %u %u", seed, w, h), "%s: A again", tag);
out_b:
	wcfb_buf_destroy(p, &b);
out_a:
	/* A is on screen: removing its framebuffer makes the kernel turn the
	 * pipe off, and the driver must park the engine before A is freed. */
	wcfb_buf_destroy(p, &a);
}

static int cmd_flip(struct wcfb_pipe *p, const char *modes, const char *formats,
		    uint32_t seed)
{
	char *ml = strdup(modes), *fl, *mtok, *ftok, *ms = NULL, *fs;
	int i;

	if (!strcmp(modes, "all")) {
		for (i = 0; i < p->conn->count_modes; i++) {
			const drmModeModeInfo *m = &p->conn->modes[i];
			unsigned int f;

			/* Each size once, at its first (preferred) refresh. */
			if (wcfb_find_mode(p, m->hdisplay, m->vdisplay) != m)
				continue;
			for (f = 0; f < 3; f++) {
				if (strcmp(formats, "all") && !strstr(formats, all_formats[f]))
					continue;
				flip_one(p, m, wcfb_parse_format(all_formats[f]), seed);
				seed += 2;
			}
		}
		free(ml);
		return 0;
	}
	for (mtok = strtok_r(ml, ",", &ms); mtok; mtok = strtok_r(NULL, ",", &ms)) {
		uint32_t w, h;
		const drmModeModeInfo *m;

		if (parse_wh(mtok, &w, &h) || !(m = wcfb_find_mode(p, w, h))) {
			wcfb_ok(0, "mode %s is in the connector's list", mtok);
			continue;
		}
		fl = strdup(!strcmp(formats, "all") ? "XR24,AR24,RG24" : formats);
		for (ftok = strtok_r(fl, ",", &fs); ftok; ftok = strtok_r(NULL, ",", &fs)) {
			flip_one(p, m, wcfb_parse_format(ftok), seed);
			seed += 2;
		}
		free(fl);
	}
	free(ml);
	return 0;
}

/* --- modeseq: mode changes, the capture follows each --------------------- */
static int cmd_modeseq(struct wcfb_pipe *p, const char *modes, uint32_t seed)
{
	char *ml = strdup(modes), *tok, *save = NULL;
	struct wcfb_buf bufs[8];
	int n = 0, i;

	for (tok = strtok_r(ml, ",", &save); tok && n < 8;
	     tok = strtok_r(NULL, ",", &save)) {
		const drmModeModeInfo *m;
		uint32_t w, h;
		int ret;

		if (parse_wh(tok, &w, &h) || !(m = wcfb_find_mode(p, w, h))) {
			wcfb_ok(0, "mode %s is in the connector's list", tok);
			continue;
		}
		ret = wcfb_buf_create(p, &bufs[n], w, h, DRM_FORMAT_XRGB8888);
		wcfb_ok(ret == 0, "%s: buffer (%s)", tok, strerror(-ret));
		if (ret)
			continue;
		wcfb_buf_fill_pattern(&bufs[n], seed + n);
		/* The previous mode's buffer stays alive until the end: the
		 * modeset itself must move the engine off it. */
		ret = wcfb_commit(p, m, bufs[n].fb_id, w, h, 0);
		wcfb_ok(ret == 0, "%s: modeset (%s)", tok, strerror(-ret));
		wcfb_ok(!wcfb_shot(tok, "pattern %u %u %u", seed + n, w, h),
			"%s: capture shows the new mode", tok);
		n++;
	}
	wcfb_disable(p);
	for (i = 0; i < n; i++)
		wcfb_buf_destroy(p, &bufs[i]);
	free(ml);
	return 0;
}

/* --- badinput: every bad argument gets -EINVAL and changes nothing ------- */
static int addfb(struct wcfb_pipe *p, uint32_t handle, uint32_t w, uint32_t h,
		 uint32_t fourcc, uint32_t pitch, uint32_t offset,
		 const uint64_t *modifier, uint32_t *fb_id)
{
	uint32_t handles[4] = { handle }, pitches[4] = { pitch }, offsets[4] = { offset };
	uint64_t mods[4] = { modifier ? *modifier : 0 };
	int ret;

	if (modifier)
		ret = drmModeAddFB2WithModifiers(p->fd, w, h, fourcc, handles, pitches,
						 offsets, mods, fb_id,
						 DRM_MODE_FB_MODIFIERS);
	else
		ret = drmModeAddFB2(p->fd, w, h, fourcc, handles, pitches, offsets,
				    fb_id, 0);
	return ret ? -errno : 0;
}

static int dumb(struct wcfb_pipe *p, uint32_t w, uint32_t h, uint32_t bpp,
		uint32_t *handle)
{
	struct drm_mode_create_dumb cr = { .width = w, .height = h, .bpp = bpp };

	if (drmIoctl(p->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cr))
		return -errno;
	*handle = cr.handle;
	return 0;
}

static void undumb(struct wcfb_pipe *p, uint32_t handle)
{
	struct drm_mode_destroy_dumb d = { .handle = handle };

	drmIoctl(p->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
}

static int cmd_badinput(struct wcfb_pipe *p)
{
	const drmModeModeInfo *m1024 = wcfb_find_mode(p, 1024, 768);
	const drmModeModeInfo *m1080 = wcfb_find_mode(p, 1920, 1080);
	struct scanout_state s0, s1;
	struct pool_state p0, p1;
	uint64_t linear = DRM_FORMAT_MOD_LINEAR, invalid = DRM_FORMAT_MOD_INVALID;
	drmModeModeInfo big, tiny;
	struct wcfb_buf small;
	uint32_t h, fb = 0, hh;
	int ret;

	if (!m1024 || !m1080) {
		wcfb_ok(0, "1024x768 and 1920x1080 are listed");
		return 0;
	}
	read_scanout(&s0);
	read_pool(&p0);
	ret = dumb(p, 640, 480, 32, &h);
	wcfb_ok(ret == 0, "dumb 640x480x32 (%s)", strerror(-ret));
	if (ret)
		return 0;

#define EXPECT_EINVAL(expr, what) do {						\
		fb = 0;								\
		ret = (expr);							\
		wcfb_ok(ret == -EINVAL, "%s -> %s", what, strerror(-ret));	\
		if (fb)								\
			drmModeRmFB(p->fd, fb);					\
	} while (0)

	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_RGB565, 1280, 0, NULL, &fb),
		      "addfb RGB565 (not scanned by the engine)");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XBGR8888, 2560, 0, NULL, &fb),
		      "addfb XBGR8888 (QEMU 7.2 ramfb drops it)");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2562, 0, NULL, &fb),
		      "addfb odd pitch 2562");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2556, 0, NULL, &fb),
		      "addfb pitch below width*cpp");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 640 * 480 * 4,
			    NULL, &fb), "addfb offset beyond the buffer");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 4096, NULL, &fb),
		      "addfb offset pushing the last line out of the buffer");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 0, &invalid, &fb),
		      "addfb with DRM_FORMAT_MOD_INVALID and the modifiers flag");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 0,
			    &(uint64_t){ DRM_FORMAT_MOD_VIVANTE_TILED }, &fb),
		      "addfb with a tiled modifier");
	EXPECT_EINVAL(addfb(p, h, 641, 480, DRM_FORMAT_XRGB8888, 2560, 0, NULL, &fb),
		      "addfb wider than the pitch");
	ret = addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 0, &linear, &fb);
	wcfb_ok(ret == 0, "addfb with DRM_FORMAT_MOD_LINEAR accepted (%s)", strerror(-ret));
	if (!ret)
		drmModeRmFB(p->fd, fb);
	undumb(p, h);

	EXPECT_EINVAL(dumb(p, 640, 480, 16, &hh), "dumb bpp 16");
	EXPECT_EINVAL(dumb(p, 640, 480, 0, &hh), "dumb bpp 0");
	EXPECT_EINVAL(dumb(p, 0, 480, 32, &hh), "dumb width 0");
	EXPECT_EINVAL(dumb(p, 100000, 100000, 32, &hh), "dumb 100000x100000");

	/* A framebuffer smaller than the mode. */
	ret = wcfb_buf_create(p, &small, 640, 480, DRM_FORMAT_XRGB8888);
	wcfb_ok(ret == 0, "640x480 buffer (%s)", strerror(-ret));
	if (!ret) {
		ret = wcfb_commit(p, m1024, small.fb_id, 640, 480, 0);
		wcfb_ok(ret == -EINVAL, "640x480 fb on a 1024x768 mode -> %s",
			strerror(-ret));
		ret = wcfb_commit(p, m1024, small.fb_id, 1024, 768, 0);
		wcfb_ok(ret == -EINVAL || ret == -ENOSPC || ret == -ERANGE,
			"1024x768 source rect from a 640x480 fb -> %s", strerror(-ret));
		/* Modes beyond what the engine and pool allow. */
		big = *m1080;
		big.hdisplay = 4000;
		big.hsync_start = 4048;
		big.hsync_end = 4080;
		big.htotal = 4160;
		big.vdisplay = 3000;
		big.vsync_start = 3003;
		big.vsync_end = 3008;
		big.vtotal = 3050;
		big.clock = 4160 * 3050 * 60 / 1000;
		snprintf(big.name, sizeof(big.name), "4000x3000");
		ret = wcfb_commit(p, &big, small.fb_id, 640, 480, 0);
		wcfb_ok(ret == -EINVAL, "4000x3000 mode -> %s", strerror(-ret));
		tiny = *m1024;
		tiny.hdisplay = 8;
		tiny.vdisplay = 8;
		snprintf(tiny.name, sizeof(tiny.name), "8x8");
		ret = wcfb_commit(p, &tiny, small.fb_id, 8, 8, 0);
		wcfb_ok(ret == -EINVAL, "8x8 mode (engine minimum is 16x16) -> %s",
			strerror(-ret));
		wcfb_buf_destroy(p, &small);
	}

	read_scanout(&s1);
	read_pool(&p1);
	wcfb_ok(s1.addr == s0.addr && s1.flips == s0.flips,
		"nothing was programmed (addr %#" PRIx64 "->%#" PRIx64 ", flips %"
		PRIu64 "->%" PRIu64 ")", s0.addr, s1.addr, s0.flips, s1.flips);
	wcfb_ok(p1.objects == p0.objects && p1.consumed == p0.consumed,
		"nothing leaked (objects %" PRIu64 "->%" PRIu64 ", consumed %" PRIu64
		"->%" PRIu64 ")", p0.objects, p1.objects, p0.consumed, p1.consumed);
	return 0;
}

/* --- pool: addresses and exhaustion -------------------------------------- */
static int check_pool_addresses(const char *when)
{
	struct pool_state ps;
	unsigned int i, bad = 0;

	if (read_pool(&ps) || !ps.size) {
		wcfb_ok(0, "%s: debugfs pool readable", when);
		return -1;
	}
	for (i = 0; i < ps.nobj; i++)
		if (ps.obj_addr[i] < ps.base ||
		    ps.obj_addr[i] + ps.obj_size[i] > ps.base + ps.size) {
			printf("# obj %#" PRIx64 "+%" PRIu64 " outside pool %#" PRIx64
			       "+%" PRIu64 "\n", ps.obj_addr[i], ps.obj_size[i],
			       ps.base, ps.size);
			bad++;
		}
	wcfb_ok(ps.nobj > 0 && bad == 0, "%s: all %u buffers inside the pool "
		"[%#" PRIx64 ", +%" PRIu64 ")", when, ps.nobj, ps.base, ps.size);
	return bad;
}

static int cmd_exhaust(struct wcfb_pipe *p)
{
	struct wcfb_buf bufs[64], again;
	struct pool_state p0, p1;
	int n = 0, ret = 0, i;

	read_pool(&p0);
	while (n < 64) {
		ret = wcfb_buf_create(p, &bufs[n], 1920, 1080, DRM_FORMAT_XRGB8888);
		if (ret)
			break;
		n++;
	}
	wcfb_ok(n >= 2 && ret == -ENOMEM, "pool exhausted after %d 1920x1080 "
		"buffers with %s (want ENOMEM)", n, strerror(-ret));
	check_pool_addresses("exhausted");
	for (i = 0; i < n; i++)
		wcfb_buf_destroy(p, &bufs[i]);
	read_pool(&p1);
	wcfb_ok(p1.objects == p0.objects && p1.consumed == p0.consumed,
		"pool back to baseline (objects %" PRIu64 "->%" PRIu64 ", consumed %"
		PRIu64 "->%" PRIu64 ")", p0.objects, p1.objects, p0.consumed,
		p1.consumed);
	/* And the driver still works. */
	ret = wcfb_buf_create(p, &again, 1920, 1080, DRM_FORMAT_XRGB8888);
	wcfb_ok(ret == 0, "allocation after exhaustion (%s)", strerror(-ret));
	if (!ret) {
		wcfb_buf_fill_pattern(&again, 42);
		ret = wcfb_commit(p, wcfb_find_mode(p, 1920, 1080), again.fb_id,
				  1920, 1080, 0);
		wcfb_ok(ret == 0, "modeset after exhaustion (%s)", strerror(-ret));
		wcfb_ok(!wcfb_shot("after_exhaust", "pattern 42 1920 1080"),
			"display works after exhaustion");
		wcfb_disable(p);
		wcfb_buf_destroy(p, &again);
	}
	return 0;
}

/* --- capacity: a leak of even one pool page shows as one buffer less ----- */
static int cmd_capacity(struct wcfb_pipe *p)
{
	static uint32_t handles[2048];
	int n = 0, ret = 0, i;

	/* 128x128 XRGB8888 = 64 KiB: fine-grained enough that a leaked
	 * page anywhere costs a slot, coarse enough to stay fast. */
	while (n < 2048) {
		ret = dumb(p, 128, 128, 32, &handles[n]);
		if (ret)
			break;
		n++;
	}
	for (i = 0; i < n; i++)
		undumb(p, handles[i]);
	wcfb_ok(ret == -ENOMEM && n > 0, "capacity: %d 64 KiB buffers, then %s",
		n, strerror(-ret));
	printf("capacity %d\n", n);
	return 0;
}

/* --- cycle: what a client does between two module reloads ---------------- */
static int cmd_cycle(struct wcfb_pipe *p, uint32_t seed)
{
	const drmModeModeInfo *m = wcfb_find_mode(p, 800, 600);
	struct wcfb_buf a;
	int ret;

	ret = wcfb_buf_create(p, &a, 800, 600, DRM_FORMAT_XRGB8888);
	wcfb_ok(ret == 0, "buffer (%s)", strerror(-ret));
	if (ret)
		return 0;
	wcfb_buf_fill_pattern(&a, seed);
	ret = m ? wcfb_commit(p, m, a.fb_id, 800, 600, 0) : -ENOENT;
	wcfb_ok(ret == 0, "modeset 800x600 (%s)", strerror(-ret));
	wcfb_buf_destroy(p, &a);
	return 0;
}

/* --- benchmarks ----------------------------------------------------------- */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmd_bench_flips(struct wcfb_pipe *p, int n)
{
	const drmModeModeInfo *m = wcfb_find_mode(p, 1024, 768);
	struct wcfb_buf b[2];
	uint64_t *lat, prev_ts = 0, frame_ns, err_sum = 0, err_max = 0;
	uint32_t prev_seq = 0, missed = 0;
	char json[768];
	int i, ret;

	if (!m || n < 2)
		return wcfb_ok(0, "1024x768 listed"), 0;
	frame_ns = (uint64_t)m->htotal * m->vtotal * 1000000ull / m->clock;
	lat = calloc(n, sizeof(*lat));
	if (wcfb_buf_create(p, &b[0], 1024, 768, DRM_FORMAT_XRGB8888) ||
	    wcfb_buf_create(p, &b[1], 1024, 768, DRM_FORMAT_XRGB8888))
		return wcfb_ok(0, "buffers"), 0;
	wcfb_buf_fill_pattern(&b[0], 1);
	wcfb_buf_fill_pattern(&b[1], 2);
	ret = wcfb_commit(p, m, b[0].fb_id, 1024, 768, 0);
	wcfb_ok(ret == 0, "modeset (%s)", strerror(-ret));
	for (i = 0; i < n && !ret; i++) {
		uint64_t t0 = wcfb_now_ns(), ts;
		uint32_t seq;

		ret = wcfb_commit(p, NULL, b[(i + 1) & 1].fb_id, 1024, 768,
				  DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
		if (!ret)
			ret = wcfb_wait_flip(p, 1000, &ts, &seq);
		lat[i] = wcfb_now_ns() - t0;
		if (i > 0) {
			uint64_t iv = ts - prev_ts;
			uint64_t err = iv > frame_ns ? iv - frame_ns : frame_ns - iv;

			/* A flip per vblank is the goal; seq tells what was missed. */
			if (seq - prev_seq > 1)
				missed += seq - prev_seq - 1;
			else {
				err_sum += err;
				if (err > err_max)
					err_max = err;
			}
		}
		prev_ts = ts;
		prev_seq = seq;
	}
	wcfb_ok(ret == 0, "%d flips (%s)", i, strerror(-ret));
	qsort(lat, i, sizeof(*lat), cmp_u64);
	snprintf(json, sizeof(json),
		 "{\"name\":\"page_flips\",\"figures\":{"
		 "\"flips\":{\"value\":%d,\"unit\":\"flips\"},"
		 "\"refresh\":{\"value\":%.3f,\"unit\":\"Hz\"},"
		 "\"interval_error_mean\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"interval_error_max\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"missed_vblanks\":{\"value\":%u,\"unit\":\"vblanks\"},"
		 "\"commit_to_event_median\":{\"value\":%.2f,\"unit\":\"ms\"},"
		 "\"commit_to_event_p99\":{\"value\":%.2f,\"unit\":\"ms\"},"
		 "\"commit_to_event_max\":{\"value\":%.2f,\"unit\":\"ms\"}}}",
		 i, 1e9 / frame_ns, i > 1 ? err_sum / 1e3 / (i - 1 - missed ? i - 1 - missed : 1) : 0.0,
		 err_max / 1e3, missed, lat[i / 2] / 1e6, lat[i * 99 / 100] / 1e6,
		 lat[i - 1] / 1e6);
	wcfb_bench(json);
	wcfb_disable(p);
	wcfb_buf_destroy(p, &b[0]);
	wcfb_buf_destroy(p, &b[1]);
	free(lat);
	return 0;
}

static int cmd_bench_pool(struct wcfb_pipe *p)
{
	struct wcfb_buf b[3];
	struct pool_state p0, p1;
	char json[512];
	int ret;

	read_pool(&p0);
	ret = wcfb_buf_create(p, &b[0], 1920, 1080, DRM_FORMAT_XRGB8888) ||
	      wcfb_buf_create(p, &b[1], 1920, 1080, DRM_FORMAT_XRGB8888) ||
	      wcfb_buf_create(p, &b[2], 64, 64, DRM_FORMAT_ARGB8888);
	wcfb_ok(!ret, "2x1920x1080 + 64x64 allocated");
	if (ret)
		return 0;
	read_pool(&p1);
	snprintf(json, sizeof(json),
		 "{\"name\":\"pool_efficiency\",\"figures\":{"
		 "\"requested\":{\"value\":%" PRIu64 ",\"unit\":\"bytes\"},"
		 "\"consumed\":{\"value\":%" PRIu64 ",\"unit\":\"bytes\"},"
		 "\"efficiency\":{\"value\":%.1f,\"unit\":\"%%\"}}}",
		 p1.requested - p0.requested, p1.consumed - p0.consumed,
		 100.0 * (p1.requested - p0.requested) /
		 (double)(p1.consumed - p0.consumed ? p1.consumed - p0.consumed : 1));
	wcfb_bench(json);
	wcfb_buf_destroy(p, &b[0]);
	wcfb_buf_destroy(p, &b[1]);
	wcfb_buf_destroy(p, &b[2]);
	return 0;
}

static int cmd_show(struct wcfb_pipe *p, int seconds)
{
	const drmModeModeInfo *m = &p->conn->modes[0];
	uint32_t w = m->hdisplay, h = m->vdisplay, seed = 0;
	uint64_t end = wcfb_now_ns() + (uint64_t)seconds * 1000000000ull;
	struct wcfb_buf b[2];
	int ret;

	if (wcfb_buf_create(p, &b[0], w, h, DRM_FORMAT_XRGB8888) ||
	    wcfb_buf_create(p, &b[1], w, h, DRM_FORMAT_XRGB8888))
		return wcfb_ok(0, "buffers"), 0;
	wcfb_buf_fill_pattern(&b[0], seed);
	ret = wcfb_commit(p, m, b[0].fb_id, w, h, 0);
	while (!ret && wcfb_now_ns() < end) {
		seed++;
		wcfb_buf_fill_pattern(&b[seed & 1], seed);
		ret = wcfb_commit(p, NULL, b[seed & 1].fb_id, w, h,
				  DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
		if (!ret)
			ret = wcfb_wait_flip(p, 1000, NULL, NULL);
	}
	wcfb_ok(ret == 0, "showed %u frames at %ux%u", seed, w, h);
	wcfb_buf_destroy(p, &b[0]);
	wcfb_buf_destroy(p, &b[1]);
	return 0;
}

/*
 * --- flipstorm: a client to be killed --------------------------------------
 * Page flips with events, never waiting before queuing the next commit's
 * buffer fill, and a blocking mode change every 40 flips (new buffers for
 * the new mode, the old ones freed once off screen), until killed.  The
 * flip-kill test SIGKILLs it at varied moments: with a flip in flight,
 * inside a modeset, between a buffer's creation and its first display.
 * Prints "mode WxH" as each mode's first frame is up.
 */
static int cmd_flipstorm(struct wcfb_pipe *p)
{
	struct wcfb_buf b[2] = { 0 };
	uint32_t seed = 0, mi = 0;
	int ret = 0;

	for (;;) {
		const drmModeModeInfo *m = &p->conn->modes[mi++ % p->conn->count_modes];
		struct wcfb_buf nb[2];
		int i;

		ret = wcfb_buf_create(p, &nb[0], m->hdisplay, m->vdisplay, DRM_FORMAT_XRGB8888);
		if (ret)
			break;
		ret = wcfb_buf_create(p, &nb[1], m->hdisplay, m->vdisplay, DRM_FORMAT_XRGB8888);
		if (ret)
			break;
		wcfb_buf_fill_pattern(&nb[0], seed);
		ret = wcfb_commit(p, m, nb[0].fb_id, m->hdisplay, m->vdisplay,
				  DRM_MODE_ATOMIC_ALLOW_MODESET);
		if (ret)
			break;
		if (b[0].fb_id) {
			wcfb_buf_destroy(p, &b[0]);
			wcfb_buf_destroy(p, &b[1]);
		}
		/* Unbuffered: the test reads how far we got after SIGKILL. */
		printf("mode %ux%u\n", m->hdisplay, m->vdisplay);
		fflush(stdout);
		b[0] = nb[0];
		b[1] = nb[1];
		for (i = 1; i <= 40 && !ret; i++) {
			seed++;
			ret = wcfb_commit(p, NULL, b[i & 1].fb_id, m->hdisplay, m->vdisplay,
					  DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
			/* Draw the next frame while this flip is pending. */
			if (!ret)
				wcfb_buf_fill_pattern(&b[(i + 1) & 1], seed);
			if (!ret)
				ret = wcfb_wait_flip(p, 1000, NULL, NULL);
		}
		if (ret)
			break;
	}
	wcfb_ok(0, "flipstorm stopped: %s", strerror(-ret));
	return 0;
}

int main(int argc, char **argv)
{
	struct wcfb_pipe p;
	int ret;

	if (argc < 2) {
		fprintf(stderr, "usage: see the comment at the top of wcfb-kmstest.c\n");
		return 2;
	}
	ret = wcfb_open_pipe(&p);
	if (ret) {
		fprintf(stderr, "cannot open the wcfb pipe: %s\n", strerror(-ret));
		return 1;
	}
	if (!strcmp(argv[1], "modes"))
		cmd_modes(&p);
	else if (!strcmp(argv[1], "flip") && argc == 5)
		cmd_flip(&p, argv[2], argv[3], strtoul(argv[4], NULL, 0));
	else if (!strcmp(argv[1], "modeseq") && argc == 3)
		cmd_modeseq(&p, argv[2], 11);
	else if (!strcmp(argv[1], "badinput"))
		cmd_badinput(&p);
	else if (!strcmp(argv[1], "exhaust"))
		cmd_exhaust(&p);
	else if (!strcmp(argv[1], "poolcheck"))
		check_pool_addresses("poolcheck");
	else if (!strcmp(argv[1], "capacity"))
		cmd_capacity(&p);
	else if (!strcmp(argv[1], "cycle"))
		cmd_cycle(&p, argc > 2 ? strtoul(argv[2], NULL, 0) : 5);
	else if (!strcmp(argv[1], "bench-flips") && argc == 3)
		cmd_bench_flips(&p, atoi(argv[2]));
	else if (!strcmp(argv[1], "bench-pool"))
		cmd_bench_pool(&p);
	else if (!strcmp(argv[1], "flipstorm"))
		cmd_flipstorm(&p);
	else if (!strcmp(argv[1], "show") && argc == 3)
		cmd_show(&p, atoi(argv[2]));
	else {
		fprintf(stderr, "unknown command or arguments: %s\n", argv[1]);
		return 2;
	}
	wcfb_close_pipe(&p);
	printf("# %d failure(s)\n", wcfb_failures);
	return wcfb_failures ? 1 : 0;
}
