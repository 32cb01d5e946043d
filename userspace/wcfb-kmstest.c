// SPDX-License-Identifier: MIT
/*
 * wcfb-kmstest: the libdrm client behind wcfb's KMS tests and benchmarks.
 *
 *   wcfb-kmstest modes                     print the connector's mode list
 *   wcfb-kmstest flip MODES FORMATS SEED   patterns + page flips, captured
 *   wcfb-kmstest modeseq WxH,WxH,...       mode changes, captured
 *   wcfb-kmstest badinput                  bad ioctl arguments -> -EINVAL
 *   wcfb-kmstest dumblimits                the largest dumb buffer (IGT's
 *                                          probe, then to the page) is
 *                                          created, a page more ENOMEM
 *   wcfb-kmstest exhaust [debugfs]         8 1080p framebuffers shown next
 *                                          to the console, then pool
 *                                          exhaustion -> -ENOMEM and one
 *                                          kernel log line
 *   wcfb-kmstest poolcheck [debugfs]       buffers inside the pool: found by
 *                                          content in the device tree's pool
 *                                          ("debugfs": the driver's figures
 *                                          only, for a kernel that cannot
 *                                          read physical memory)
 *   wcfb-kmstest cycle                     one client session (for reloads)
 *   wcfb-kmstest capacity                  how many 64 KiB buffers fit now
 *   wcfb-kmstest bench-flips N             N flips: refresh, lateness, misses
 *   wcfb-kmstest bench-pool                pool efficiency figure
 *   wcfb-kmstest show SECONDS              demo: animated patterns
 *   wcfb-kmstest flipstorm                 flips + mode changes until killed
 *
 * MODES is "all" or WxH[,WxH...]; FORMATS is "all" or fourccs (XR24,AR24,
 * RG24).  Prints "ok - ..." / "not ok - ..." lines; exits non-zero when
 * any check failed.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "wcfb_client.h"

#define DEBUGFS "/sys/kernel/debug/dri/0/"

static const char *const all_formats[] = { "XR24", "AR24", "RG24" };

/* --- debugfs readers ----------------------------------------------------- */
struct pool_state {
	uint64_t base, size;
	uint64_t objects, requested, consumed, free;
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
		else if (sscanf(line, "free %" SCNu64, &a) == 1)
			ps->free = a;
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

/* NV12 W x H in one buffer: Y at 0, CbCr at CHROMA, both rows PITCH. */
static int addfb_nv12(struct wcfb_pipe *p, uint32_t handle, uint32_t w,
		      uint32_t h, uint32_t pitch, uint32_t chroma,
		      uint32_t *fb_id)
{
	uint32_t handles[4] = { handle, handle }, pitches[4] = { pitch, pitch };
	uint32_t offsets[4] = { 0, chroma };

	return drmModeAddFB2(p->fd, w, h, DRM_FORMAT_NV12, handles, pitches,
			     offsets, fb_id, 0) ? -errno : 0;
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

/*
 * --- dumblimits: the largest dumb buffer is a true limit ----------------
 *
 * IGT's dumb_buffer create-clear finds the largest dumb buffer by creating
 * 262144-pixel-wide ones (1 MiB a line) of 1, 2, 4, ... lines until one
 * fails, then has its threads allocate up to that much in 1024-pixel-wide
 * buffers.  Here: that probe (every failure must be ENOMEM, the first
 * buffer must work, each reads back zero through its mapping); then the
 * exact boundary in 1024x32 lines (one page each): the largest such buffer
 * is created (twice: the limit holds), one page more is refused with
 * ENOMEM; and the boundary is no more than the pool's free space (debugfs).
 */
static int dumb_try(struct wcfb_pipe *p, uint32_t w, uint32_t h, int touch)
{
	struct drm_mode_create_dumb cr = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb mreq = { 0 };
	int ret = 0;

	if (drmIoctl(p->fd, DRM_IOCTL_MODE_CREATE_DUMB, &cr))
		return -errno;
	if (touch) {
		volatile uint8_t *m;

		mreq.handle = cr.handle;
		if (drmIoctl(p->fd, DRM_IOCTL_MODE_MAP_DUMB, &mreq)) {
			ret = -errno;
		} else {
			m = mmap(NULL, cr.size, PROT_READ, MAP_SHARED, p->fd,
				 mreq.offset);
			if (m == MAP_FAILED)
				ret = -errno;
			else if (m[0] || m[cr.size - 1])
				ret = -EFAULT;
			if (m != MAP_FAILED)
				munmap((void *)m, cr.size);
		}
	}
	undumb(p, cr.handle);
	return ret;
}

static int cmd_dumblimits(struct wcfb_pipe *p)
{
	struct pool_state ps;
	uint32_t h, lo, hi;
	uint64_t largest = 0;
	int ret, first, bad_errno = 0;

	/* 1: IGT's probe. */
	first = dumb_try(p, 1u << 18, 1, 1);
	wcfb_ok(first == 0, "a 262144x1 dumb buffer (1 MiB) works (%s)",
		strerror(-first));
	for (h = 1; h <= 4096; h *= 2) {
		ret = dumb_try(p, 1u << 18, h, 1);
		if (ret) {
			if (ret != -ENOMEM)
				bad_errno = ret;
			break;
		}
		largest = (uint64_t)h << 20;
	}
	wcfb_ok(!bad_errno, "the probe ends with ENOMEM (%s)",
		bad_errno ? strerror(-bad_errno) : "yes");
	wcfb_ok(largest >= 64ull << 20, "the probe finds %llu MiB (at least 64)",
		(unsigned long long)(largest >> 20));

	/* 2: the exact boundary, in pages (1024 x 32 bpp lines). */
	lo = (uint32_t)(largest >> 12);		/* fits */
	hi = lo * 2;				/* the probe's failure */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		ret = dumb_try(p, 1024, mid, 0);
		if (ret == 0) {
			lo = mid;
		} else {
			if (ret != -ENOMEM)
				bad_errno = ret;
			hi = mid;
		}
	}
	wcfb_ok(!bad_errno, "every refusal on the way is ENOMEM (%s)",
		bad_errno ? strerror(-bad_errno) : "yes");
	ret = dumb_try(p, 1024, lo, 1);
	wcfb_ok(ret == 0, "the largest, 1024x%u (%u KiB), is created and reads zero (%s)",
		lo, lo * 4, strerror(-ret));
	ret = dumb_try(p, 1024, lo, 0);
	wcfb_ok(ret == 0, "and again (%s)", strerror(-ret));
	ret = dumb_try(p, 1024, lo + 1, 0);
	wcfb_ok(ret == -ENOMEM, "one page more is refused with ENOMEM (%s)",
		strerror(-ret));
	read_pool(&ps);
	wcfb_ok((uint64_t)lo * 4096 <= ps.free,
		"it is no more than the pool's free space (%llu KiB of %llu KiB free)",
		(unsigned long long)lo * 4, (unsigned long long)(ps.free >> 10));
	return 0;
}

/*
 * With a blitter the driver has more planes than the primary, and composes
 * what the scanout engine cannot show: formats, pitches and framebuffers
 * smaller than the mode that are refused without one.
 */
static bool composes(struct wcfb_pipe *p)
{
	drmModePlaneRes *pres = drmModeGetPlaneResources(p->fd);
	bool more = pres && pres->count_planes > 1;

	drmModeFreePlaneResources(pres);
	return more;
}

/* -EINVAL without composition, 0 with it. */
#define EXPECT_COMPOSED(expr, what) do {					\
		fb = 0;								\
		ret = (expr);							\
		if (comp)							\
			wcfb_ok(ret == 0, "%s -> %s (composed)", what,		\
				strerror(-ret));				\
		else								\
			wcfb_ok(ret == -EINVAL, "%s -> %s", what,		\
				strerror(-ret));				\
		if (fb)								\
			drmModeRmFB(p->fd, fb);					\
	} while (0)

/*
 * A TEST_ONLY commit of a GAMMA_LUT of N entries (identity), with the
 * CRTC ACTIVE or not: the commit's result (-errno).
 */
static int gamma_test_only(struct wcfb_pipe *p, uint32_t prop, int n,
			   int active)
{
	struct drm_color_lut lut[260];
	drmModeAtomicReq *req;
	uint32_t blob = 0;
	int i, ret;

	for (i = 0; i < n; i++)
		lut[i].red = lut[i].green = lut[i].blue =
			(uint16_t)(i * 0xffff / (n - 1)), lut[i].reserved = 0;
	if (drmModeCreatePropertyBlob(p->fd, lut, sizeof(lut[0]) * n, &blob))
		return -errno;
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, p->crtc_id, prop, blob);
	drmModeAtomicAddProperty(req, p->crtc_id, p->crtc_active, active);
	ret = drmModeAtomicCommit(p->fd, req, DRM_MODE_ATOMIC_TEST_ONLY |
				  DRM_MODE_ATOMIC_ALLOW_MODESET, NULL) ? -errno : 0;
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(p->fd, blob);
	return ret;
}

/* The blitter's color management as other drivers and IGT use it. */
static void color_input(struct wcfb_pipe *p)
{
	uint32_t prop = wcfb_prop_id(p->fd, p->crtc_id, DRM_MODE_OBJECT_CRTC,
				     "GAMMA_LUT");
	uint16_t r[256], g[256], b[256];
	drmModeAtomicReq *req;
	int i, ret;

	if (!prop) {
		wcfb_ok(drmModeCrtcSetGamma(p->fd, p->crtc_id, 256, r, g, b) != 0,
			"no GAMMA_LUT: legacy SetGamma refused");
		return;
	}
	wcfb_ok(gamma_test_only(p, prop, 256, 1) == 0, "GAMMA_LUT of 256 entries");
	wcfb_ok(gamma_test_only(p, prop, 257, 1) == -EINVAL,
		"GAMMA_LUT of 257 entries -> EINVAL");
	wcfb_ok(gamma_test_only(p, prop, 255, 0) == -EINVAL,
		"GAMMA_LUT of 255 entries on an inactive CRTC -> EINVAL");
	/* IGT's kms_plane quantizes its CRCs through a legacy gamma table. */
	for (i = 0; i < 256; i++)
		r[i] = g[i] = b[i] = (uint16_t)((i * 0xffff / 255) & 0xf800);
	ret = drmModeCrtcSetGamma(p->fd, p->crtc_id, 256, r, g, b) ? -errno : 0;
	wcfb_ok(ret == 0, "legacy SetGamma of 256 entries (%s)", strerror(-ret));
	/* Back to no color management. */
	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, p->crtc_id, prop, 0);
	ret = drmModeAtomicCommit(p->fd, req, 0, NULL) ? -errno : 0;
	drmModeAtomicFree(req);
	wcfb_ok(ret == 0, "GAMMA_LUT reset (%s)", strerror(-ret));
}

static int cmd_badinput(struct wcfb_pipe *p)
{
	bool comp = composes(p);
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

	EXPECT_COMPOSED(addfb(p, h, 640, 480, DRM_FORMAT_RGB565, 1280, 0, NULL, &fb),
			"addfb RGB565 (not scanned by the engine)");
	EXPECT_COMPOSED(addfb(p, h, 640, 480, DRM_FORMAT_XBGR8888, 2560, 0, NULL, &fb),
			"addfb XBGR8888 (QEMU 7.2 ramfb drops it)");
	/* 479 lines: 2562 bytes apart they still fit the buffer. */
	EXPECT_COMPOSED(addfb(p, h, 640, 479, DRM_FORMAT_XRGB8888, 2562, 0, NULL, &fb),
			"addfb odd pitch 2562");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_C8, 640, 0, NULL, &fb),
		      "addfb C8 (no engine reads it)");
	/* IGT's 32x10 cursors: below ramfb's 16x16, fine to compose. */
	EXPECT_COMPOSED(addfb(p, h, 32, 10, DRM_FORMAT_ARGB8888, 2560, 0, NULL, &fb),
			"addfb 32x10 (below the scanout engine's 16x16)");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2556, 0, NULL, &fb),
		      "addfb pitch below width*cpp");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 640 * 480 * 4,
			    NULL, &fb), "addfb offset beyond the buffer");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 2560, NULL, &fb),
		      "addfb offset pushing the last line out of the buffer");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 0, &invalid, &fb),
		      "addfb with DRM_FORMAT_MOD_INVALID and the modifiers flag");
	EXPECT_EINVAL(addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 0,
			    &(uint64_t){ DRM_FORMAT_MOD_VIVANTE_TILED }, &fb),
		      "addfb with a tiled modifier");
	EXPECT_EINVAL(addfb(p, h, 641, 480, DRM_FORMAT_XRGB8888, 2560, 0, NULL, &fb),
		      "addfb wider than the pitch");
	/* The blitter reads whole pixels of lines inside their pitch. */
	EXPECT_EINVAL(addfb(p, h, 320, 480, DRM_FORMAT_XRGB8888, 2560, 2, NULL, &fb),
		      "addfb offset not on a pixel");
	EXPECT_EINVAL(addfb(p, h, 600, 400, DRM_FORMAT_XRGB8888, 2560, 2400, NULL, &fb),
		      "addfb lines from the offset crossing the pitch");
	EXPECT_COMPOSED(addfb_nv12(p, h, 640, 480, 640, 640 * 480, &fb),
			"addfb NV12, chroma after luma");
	EXPECT_EINVAL(addfb_nv12(p, h, 640, 480, 640, 640 * 480 + 1, &fb),
		      "addfb NV12, chroma offset not on a sample");
	EXPECT_EINVAL(addfb(p, h, 639, 480, DRM_FORMAT_YUYV, 1280, 0, NULL, &fb),
		      "addfb YUYV of odd width (the engine reads pixel pairs)");
	ret = addfb(p, h, 640, 480, DRM_FORMAT_XRGB8888, 2560, 0, &linear, &fb);
	wcfb_ok(ret == 0, "addfb with DRM_FORMAT_MOD_LINEAR accepted (%s)", strerror(-ret));
	if (!ret)
		drmModeRmFB(p->fd, fb);
	undumb(p, h);

	/* IGT makes an NV12 framebuffer of one 12 bpp dumb buffer. */
	ret = dumb(p, 640, 480, 12, &hh);
	wcfb_ok(ret == 0, "dumb 640x480 at 12 bpp (%s)", strerror(-ret));
	if (!ret)
		undumb(p, hh);
	ret = dumb(p, 640, 720, 8, &hh);
	wcfb_ok(ret == 0, "dumb 640x720 at 8 bpp (%s)", strerror(-ret));
	if (!ret)
		undumb(p, hh);
	EXPECT_EINVAL(dumb(p, 640, 480, 10, &hh), "dumb bpp 10");
	EXPECT_EINVAL(dumb(p, 640, 480, 0, &hh), "dumb bpp 0");
	EXPECT_EINVAL(dumb(p, 0, 480, 32, &hh), "dumb width 0");
	EXPECT_EINVAL(dumb(p, 100000, 100000, 32, &hh), "dumb 100000x100000");

	/* A framebuffer smaller than the mode. */
	ret = wcfb_buf_create(p, &small, 640, 480, DRM_FORMAT_XRGB8888);
	wcfb_ok(ret == 0, "640x480 buffer (%s)", strerror(-ret));
	if (!ret) {
		/* Only tested: a real commit would change the screen. */
		ret = wcfb_commit(p, m1024, small.fb_id, 640, 480,
				  DRM_MODE_ATOMIC_TEST_ONLY);
		if (comp)
			wcfb_ok(ret == 0, "640x480 fb on a 1024x768 mode -> %s (composed)",
				strerror(-ret));
		else
			wcfb_ok(ret == -EINVAL, "640x480 fb on a 1024x768 mode -> %s",
				strerror(-ret));
		ret = wcfb_commit(p, m1024, small.fb_id, 1024, 768, 0);
		wcfb_ok(ret == -EINVAL || ret == -ENOSPC || ret == -ERANGE,
			"1024x768 source rect from a 640x480 fb -> %s", strerror(-ret));
		/* Modes beyond what the engine and pool allow. */
		big = *m1080;
		big.hdisplay = 4200;
		big.hsync_start = 4248;
		big.hsync_end = 4280;
		big.htotal = 4360;
		big.vdisplay = 3000;
		big.vsync_start = 3003;
		big.vsync_end = 3008;
		big.vtotal = 3050;
		big.clock = 4360 * 3050 * 60 / 1000;
		snprintf(big.name, sizeof(big.name), "4200x3000");
		ret = wcfb_commit(p, &big, small.fb_id, 640, 480, 0);
		wcfb_ok(ret == -EINVAL, "4200x3000 mode (wider than the scanout engine) -> %s", strerror(-ret));
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
	/* Last: a legacy gamma table changes the screen (it is composed). */
	color_input(p);
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

/*
 * --- pool oracle: where the buffers are, from the kernel core, not the driver
 *
 * The pool's bounds come from the device tree the kernel booted with
 * (/proc/device-tree: the reserved-memory node the display's memory-region
 * names), checked against what the kernel made of it in /proc/iomem.
 * Where a buffer is comes from its content: every page of the client's own
 * mmap of it gets a tag (a random run key, the buffer's and the page's
 * index) and the pool's physical memory is searched for the tags, through
 * /proc/kcore where the pool is RAM (the CMA layout) and /dev/mem where it
 * is not (a no-map carveout: outside the linear map, so kcore has no view
 * of it and STRICT_DEVMEM allows it).  /proc/self/pagemap cannot say:
 * dma_mmap_wc() maps with remap_pfn_range(), and the page walker reports
 * VM_PFNMAP ranges as holes (it is still consulted, and must agree when
 * it does report a PFN).  The driver's debugfs figures are a cross-check.
 */
#define PG 4096u

struct pool_dt {
	uint64_t base, size;
	int nomap;
	char node[256];
};

/* Reads a whole (small) file; returns its length or -errno. */
static int slurp(const char *path, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY), n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	n = n < 0 ? -errno : n;
	close(fd);
	return n;
}

static uint64_t be_cells(const uint8_t *p, int cells)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < cells * 4; i++)
		v = v << 8 | p[i];
	return v;
}

static int dt_cells(const char *dir, const char *name, int def)
{
	char path[512];
	uint8_t b[4];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return slurp(path, b, 4) == 4 ? (int)be_cells(b, 1) : def;
}

/* Does a compatible property (NUL-separated strings) list COMPAT? */
static int dt_compatible(uint8_t *prop, int len, const char *compat)
{
	int i = 0;

	prop[len] = 0;
	while (i < len) {
		if (!strcmp((char *)prop + i, compat))
			return 1;
		i += strlen((char *)prop + i) + 1;
	}
	return 0;
}

/* The pool of the display node (compatible "wcfb,display"). */
static int dt_pool_read(struct pool_dt *pd)
{
	const char *dt = "/proc/device-tree", *rm = "/proc/device-tree/reserved-memory";
	uint8_t buf[256], ph[4];
	char path[512];
	struct dirent *de;
	uint32_t phandle = 0;
	int n, ac, sc;
	DIR *d;

	memset(pd, 0, sizeof(*pd));
	d = opendir(dt);
	if (!d)
		return -errno;
	while (!phandle && (de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s/compatible", dt, de->d_name);
		n = slurp(path, buf, sizeof(buf) - 1);
		if (n <= 0 || !dt_compatible(buf, n, "wcfb,display"))
			continue;
		snprintf(path, sizeof(path), "%s/%s/memory-region", dt, de->d_name);
		if (slurp(path, ph, 4) == 4)
			phandle = (uint32_t)be_cells(ph, 1);
	}
	closedir(d);
	if (!phandle)
		return -ENOENT;
	ac = dt_cells(rm, "#address-cells", 2);
	sc = dt_cells(rm, "#size-cells", 1);
	d = opendir(rm);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s/phandle", rm, de->d_name);
		if (slurp(path, ph, 4) != 4 || be_cells(ph, 1) != phandle)
			continue;
		snprintf(path, sizeof(path), "%s/%s/reg", rm, de->d_name);
		if (slurp(path, buf, sizeof(buf)) < (ac + sc) * 4)
			break;
		pd->base = be_cells(buf, ac);
		pd->size = be_cells(buf + ac * 4, sc);
		snprintf(path, sizeof(path), "%s/%s/no-map", rm, de->d_name);
		pd->nomap = access(path, F_OK) == 0;
		snprintf(pd->node, sizeof(pd->node), "%s", de->d_name);
		break;
	}
	closedir(d);
	return pd->size ? 0 : -ENOENT;
}

/*
 * What /proc/iomem says of the pool's range: a no-map pool is not System
 * RAM (the kernel left it out of its memory), a CMA pool lies inside it.
 */
static int iomem_agrees(const struct pool_dt *pd)
{
	uint64_t end = pd->base + pd->size - 1, s, e;
	FILE *f = fopen("/proc/iomem", "r");
	char line[256], name[128];
	int in_ram = 0, exact = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %" SCNx64 "-%" SCNx64 " : %127[^\n]", &s, &e, name) != 3)
			continue;
		if (line[0] != ' ' && !strcmp(name, "System RAM") &&
		    s <= pd->base && end <= e)
			in_ram = 1;
		if (s == pd->base && e == end) {
			printf("# iomem: %s", line);
			exact = 1;
		}
	}
	fclose(f);
	return pd->nomap ? !in_ram && exact : in_ram;
}

/* --- reading physical memory -------------------------------------------- */
struct phys_reader {
	int kcore, mem;
	Elf64_Phdr ph[128];
	int nph;
};

static void phys_open(struct phys_reader *r)
{
	Elf64_Ehdr eh;

	memset(r, 0, sizeof(*r));
	r->mem = open("/dev/mem", O_RDONLY | O_SYNC);
	r->kcore = open("/proc/kcore", O_RDONLY);
	if (r->kcore < 0)
		return;
	if (pread(r->kcore, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_phentsize != sizeof(Elf64_Phdr)) {
		close(r->kcore);
		r->kcore = -1;
		return;
	}
	r->nph = eh.e_phnum < 128 ? eh.e_phnum : 128;
	if (pread(r->kcore, r->ph, r->nph * sizeof(Elf64_Phdr), eh.e_phoff) !=
	    (ssize_t)(r->nph * sizeof(Elf64_Phdr)))
		r->nph = 0;
}

static void phys_close(struct phys_reader *r)
{
	if (r->kcore >= 0)
		close(r->kcore);
	if (r->mem >= 0)
		close(r->mem);
}

/*
 * The kcore file offset of physical [pa, pa+len) (RAM only), or -1.  The
 * largest segment holding it is the linear map's: the kernel image's own
 * segment spans its freed (and unmapped) init pages too, which reads as
 * zeros though the page allocator has handed them out since.
 */
static off_t kcore_off(const struct phys_reader *r, uint64_t pa, uint64_t len)
{
	const Elf64_Phdr *best = NULL;
	int i;

	for (i = 0; i < r->nph; i++) {
		const Elf64_Phdr *p = &r->ph[i];

		if (p->p_type == PT_LOAD && p->p_paddr != (Elf64_Addr)-1 &&
		    pa >= p->p_paddr && pa + len <= p->p_paddr + p->p_filesz &&
		    (!best || p->p_filesz > best->p_filesz))
			best = p;
	}
	return best ? (off_t)(best->p_offset + (pa - best->p_paddr)) : -1;
}

/*
 * The first two 64-bit words of every page of physical [pa, pa+len) into
 * heads[2 * page]; returns the reader used, NULL when none can.
 */
static const char *phys_heads(const struct phys_reader *r, uint64_t pa,
			      uint64_t len, uint64_t *heads)
{
	const uint64_t chunk = 1 << 20;
	uint64_t done, i, n;
	off_t off = r->kcore >= 0 ? kcore_off(r, pa, len) : -1;

	if (off >= 0) {
		uint64_t *buf = malloc(chunk);

		if (!buf)
			return NULL;
		for (done = 0; done < len; done += n) {
			n = len - done < chunk ? len - done : chunk;
			if (pread(r->kcore, buf, n, off + done) != (ssize_t)n) {
				free(buf);
				return NULL;
			}
			for (i = 0; i < n / PG; i++) {
				heads[2 * ((done + i * PG) / PG)] = buf[i * PG / 8];
				heads[2 * ((done + i * PG) / PG) + 1] = buf[i * PG / 8 + 1];
			}
		}
		free(buf);
		return "/proc/kcore";
	}
	if (r->mem >= 0) {
		/* Device memory for the kernel: aligned 64-bit loads only. */
		volatile const uint64_t *m = mmap(NULL, len, PROT_READ, MAP_SHARED,
						  r->mem, pa);

		if (m == MAP_FAILED)
			return NULL;
		for (i = 0; i < len / PG; i++) {
			heads[2 * i] = m[i * PG / 8];
			heads[2 * i + 1] = m[i * PG / 8 + 1];
		}
		munmap((void *)m, len);
		return "/dev/mem";
	}
	return NULL;
}

/* The physical address /proc/self/pagemap gives for VA, 0 for none. */
static uint64_t pagemap_pa(int pm, const void *va)
{
	uint64_t e;

	if (pm < 0 || pread(pm, &e, 8, (uintptr_t)va / PG * 8) != 8)
		return 0;
	if (!(e >> 63 & 1) || !(e & ((1ull << 55) - 1)))
		return 0;
	return (e & ((1ull << 55) - 1)) * PG;
}

/*
 * The reader's control: an anonymous page of our own, whose physical
 * address pagemap does give, must read back with its tag at that address.
 * Fails if the reader maps physical addresses wrongly (or pagemap hides
 * PFNs), which would make the search below meaningless.
 */
static int phys_reader_control(const struct phys_reader *r, int pm, uint64_t key)
{
	uint64_t *anon = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	uint64_t pa, heads[2] = { 0, 0 };
	const char *how = NULL;
	int ok;

	if (anon == MAP_FAILED)
		return 0;
	anon[0] = key ^ 0x5a5a5a5a5a5a5a5aull;
	anon[1] = 0xc0ffee;
	pa = pagemap_pa(pm, anon);
	if (pa)
		how = phys_heads(r, pa, PG, heads);
	ok = pa && how && heads[0] == anon[0] && heads[1] == anon[1];
	wcfb_ok(ok, "reader control: an anonymous page at %#" PRIx64
		" (pagemap) reads back its tag through %s", pa, how ? how : "(none)");
	munmap(anon, PG);
	return ok;
}

/*
 * The oracle: every page of the N buffers (the client's mmaps) is found by
 * its tag exactly once inside the device tree's pool, each buffer
 * physically contiguous; debugfs must name the same addresses and bounds.
 */
static int check_pool_oracle(const char *when, struct wcfb_buf *bufs, int n)
{
	uint64_t key = 0, *heads = NULL, **found;
	unsigned int pages = 0, missing = 0, dup = 0, gaps = 0, pm_seen = 0;
	unsigned int pm_bad = 0, dbg_bad = 0, in_pool = 0;
	struct phys_reader r;
	struct pool_state ps;
	struct pool_dt pd;
	const char *how;
	uint64_t i, pg;
	int b, pm, ret;

	ret = dt_pool_read(&pd);
	wcfb_ok(!ret, "%s: pool bounds from /proc/device-tree: %s reg %#" PRIx64
		" +%#" PRIx64 " %s", when, pd.node, pd.base, pd.size,
		pd.nomap ? "no-map" : "reusable");
	if (ret)
		return -1;
	wcfb_ok(iomem_agrees(&pd), "%s: /proc/iomem agrees (%s)", when,
		pd.nomap ? "a carveout outside System RAM" : "inside System RAM");
	if (slurp("/dev/urandom", &key, sizeof(key)) != sizeof(key) || !key)
		key = wcfb_now_ns() | 1;
	phys_open(&r);
	pm = open("/proc/self/pagemap", O_RDONLY);
	phys_reader_control(&r, pm, key);

	found = calloc(n, sizeof(*found));
	for (b = 0; b < n; b++) {
		volatile uint64_t *m = (volatile uint64_t *)bufs[b].map;

		found[b] = calloc(bufs[b].size / PG, sizeof(uint64_t));
		for (pg = 0; pg < bufs[b].size / PG; pg++) {
			m[pg * PG / 8] = key;
			m[pg * PG / 8 + 1] = (uint64_t)b << 32 | pg;
		}
		pages += bufs[b].size / PG;
	}
	__sync_synchronize();

	heads = calloc(pd.size / PG * 2, sizeof(uint64_t));
	how = heads ? phys_heads(&r, pd.base, pd.size, heads) : NULL;
	wcfb_ok(how != NULL, "%s: the pool's physical memory readable (%s)", when,
		how ? how : "no /proc/kcore view of it and no /dev/mem");
	for (i = 0; how && i < pd.size / PG; i++) {
		uint64_t bi = heads[2 * i + 1] >> 32, pi = heads[2 * i + 1] & 0xffffffff;

		if (heads[2 * i] != key || bi >= (uint64_t)n ||
		    pi >= bufs[bi].size / PG)
			continue;
		in_pool++;
		if (found[bi][pi])
			dup++;
		found[bi][pi] = pd.base + i * PG;
	}
	read_pool(&ps);
	for (b = 0; b < n; b++) {
		for (pg = 0; pg < bufs[b].size / PG; pg++) {
			uint64_t pa = pagemap_pa(pm, bufs[b].map + pg * PG);

			if (!found[b][pg])
				missing++;
			else if (found[b][pg] != found[b][0] + pg * PG)
				gaps++;
			if (pa) {
				pm_seen++;
				pm_bad += pa != found[b][pg];
			}
		}
		for (i = 0; i < ps.nobj; i++)
			if (ps.obj_addr[i] == found[b][0] && ps.obj_size[i] >= bufs[b].size)
				break;
		if (!found[b][0] || i == ps.nobj) {
			printf("# buffer %d (%" PRIu64 " bytes): tag found at %#" PRIx64
			       ", debugfs has no object there\n", b, bufs[b].size, found[b][0]);
			dbg_bad++;
		} else {
			printf("# buffer %d: %" PRIu64 " bytes at %#" PRIx64 "\n", b,
			       bufs[b].size, found[b][0]);
		}
	}
	wcfb_ok(how && in_pool == pages && !missing && !dup, "%s: all %u pages of %d "
		"buffers found by content inside the pool (%u missing, %u twice)",
		when, pages, n, missing, dup);
	wcfb_ok(how && !missing && !gaps, "%s: every buffer physically contiguous "
		"(%u pages out of place)", when, gaps);
	printf("# pagemap gave a PFN for %u of %u buffer pages (PFN-mapped)\n",
	       pm_seen, pages);
	wcfb_ok(!pm_bad, "%s: pagemap agrees where it reports (%u disagree)", when,
		pm_bad);
	wcfb_ok(ps.base == pd.base && ps.size == pd.size && !dbg_bad, "%s: debugfs "
		"cross-check: pool %#" PRIx64 "+%#" PRIx64 ", every buffer's object "
		"where its content is (%u not)", when, ps.base, ps.size, dbg_bad);
	for (b = 0; b < n; b++)
		free(found[b]);
	free(found);
	free(heads);
	if (pm >= 0)
		close(pm);
	phys_close(&r);
	return missing || dup || gaps || dbg_bad || !how;
}

/* poolcheck: buffers of three sizes, located by the oracle above. */
static int cmd_poolcheck(struct wcfb_pipe *p, int debugfs_only)
{
	static const uint32_t dims[][3] = {
		{ 640, 480, DRM_FORMAT_XRGB8888 },
		{ 1024, 768, DRM_FORMAT_RGB888 },
		{ 1920, 1080, DRM_FORMAT_XRGB8888 },
	};
	struct wcfb_buf bufs[3];
	int n, ret = 0;

	for (n = 0; n < 3; n++) {
		ret = wcfb_buf_create(p, &bufs[n], dims[n][0], dims[n][1], dims[n][2]);
		if (ret)
			break;
	}
	wcfb_ok(n == 3, "poolcheck: three dumb buffers (%s)", strerror(-ret));
	check_pool_addresses("poolcheck");
	if (!debugfs_only)
		check_pool_oracle("poolcheck", bufs, n);
	while (n--)
		wcfb_buf_destroy(p, &bufs[n]);
	return 0;
}

/*
 * --- the kernel log, for the exhaustion's one line ------------------------
 *
 * /dev/kmsg gives one record per read(): "prio,seq,usec,flags;text\n"
 * plus continuation lines; prio >> 3 is the facility, 0 for the kernel's
 * own lines (what userspace writes is LOG_USER, 1).  The client writes
 * its own markers, with a run key, around what it checks.
 */
struct kmsg_rec {
	int facility;
	uint64_t usec;
	char text[400];
};

/* Every record in the log buffer now; returns how many (*out: malloc'd). */
static int kmsg_read_all(struct kmsg_rec **out)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	struct kmsg_rec *v = NULL;
	int n = 0, cap = 0;
	char buf[8192];

	*out = NULL;
	if (fd < 0)
		return -errno;
	for (;;) {
		unsigned int prio;
		unsigned long long seq, usec;
		ssize_t len = read(fd, buf, sizeof(buf) - 1);
		char *text, *nl;

		if (len < 0 && errno == EPIPE)	/* overwritten while we read */
			continue;
		if (len <= 0)
			break;
		buf[len] = 0;
		text = strchr(buf, ';');
		if (!text || sscanf(buf, "%u,%llu,%llu", &prio, &seq, &usec) != 3)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = 0;
		if (n == cap) {
			struct kmsg_rec *nv;

			cap = cap ? 2 * cap : 1024;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n].facility = prio >> 3;
		v[n].usec = usec;
		snprintf(v[n].text, sizeof(v[n].text), "%s", text);
		n++;
	}
	close(fd);
	*out = v;
	return n;
}

static int kmsg_mark(const char *what, uint64_t key)
{
	char line[128];
	int fd = open("/dev/kmsg", O_WRONLY), len, ok;

	if (fd < 0)
		return -errno;
	len = snprintf(line, sizeof(line), "<5>wcfb-kmstest: %s %016" PRIx64 "\n",
		       what, key);
	ok = write(fd, line, len) == len;
	close(fd);
	return ok ? 0 : -EIO;
}

/* The driver's one line for a refused allocation (wcfb_gem.c). */
static int is_pool_line(const struct kmsg_rec *r)
{
	return r->facility == 0 && strstr(r->text, "pool: ") &&
	       strstr(r->text, "refused with ENOMEM");
}

/*
 * The driver logs the first refusal after 5 s without such a line: if an
 * earlier test's refusal was logged less than that ago, wait it out, so
 * that this exhaustion's line is its own.
 */
static void wait_pool_line_window(void)
{
	struct kmsg_rec *v;
	int i, n = kmsg_read_all(&v);
	uint64_t last = 0, now = wcfb_now_ns() / 1000;

	for (i = 0; i < n; i++)
		if (is_pool_line(&v[i]))
			last = v[i].usec;
	free(v);
	/* printk's clock and CLOCK_MONOTONIC both count from boot. */
	if (last && now < last + 6000000) {
		printf("# an earlier pool line %.1f s ago: waiting for the "
		       "driver's 5 s window\n", (now - last) / 1e6);
		usleep(last + 6000000 - now);
	}
}

/*
 * exhaust: what IGT does to the pool in one process, then past it.  With
 * the console's buffer alive, 8 mode-sized framebuffers (dumb 1920x1080
 * XRGB8888 + AddFB2) are made and each is shown at 1920x1080 (a modeset,
 * then page flips: the scanout address must be each buffer's in turn);
 * then 1080p buffers until ENOMEM, only when the pool is really full,
 * and two more attempts: a burst of three refusals, for which the kernel
 * log gains exactly one line, the driver's "pool: ... refused with ENOMEM"
 * naming the pool's size, and nothing else.
 */
#define IGT_LIKE 8
#define FB1080_BYTES (1920u * 4 * 1080)

static void exhaust_show_igt_like(struct wcfb_pipe *p, struct wcfb_buf *bufs)
{
	const drmModeModeInfo *m = wcfb_find_mode(p, 1920, 1080);
	uint64_t addr[IGT_LIKE];
	struct scanout_state ss;
	struct pool_state ps;
	int i, ret, shown = 0;

	/* Ours are the newest objects, listed last. */
	read_pool(&ps);
	for (i = 0; i < IGT_LIKE; i++)
		addr[i] = ps.nobj >= IGT_LIKE ? ps.obj_addr[ps.nobj - IGT_LIKE + i] : 0;
	wcfb_ok(m != NULL, "igt-like: 1920x1080 is in the connector's list");
	if (!m)
		return;
	wcfb_buf_fill_pattern(&bufs[IGT_LIKE - 1], 43);
	for (i = 0; i < IGT_LIKE; i++) {
		if (i == 0) {
			ret = wcfb_commit(p, m, bufs[0].fb_id, 1920, 1080, 0);
		} else {
			ret = wcfb_commit(p, NULL, bufs[i].fb_id, 1920, 1080,
					  DRM_MODE_PAGE_FLIP_EVENT |
					  DRM_MODE_ATOMIC_NONBLOCK);
			if (!ret)
				ret = wcfb_wait_flip(p, 1000, NULL, NULL);
		}
		read_scanout(&ss);
		if (!ret && addr[i] && ss.addr == addr[i] && !ss.parked)
			shown++;
		else
			printf("# framebuffer %d: %s, scanout at %#" PRIx64 ", "
			       "buffer at %#" PRIx64 "\n", i, strerror(-ret),
			       ss.addr, addr[i]);
	}
	wcfb_ok(shown == IGT_LIKE, "igt-like: each of the %d framebuffers shown at "
		"1920x1080 (a modeset, then flips: the scanout at each buffer in "
		"turn): %d", IGT_LIKE, shown);
	wcfb_ok(!wcfb_shot("igt_like_last", "pattern 43 1920 1080"),
		"igt-like: the last one on screen");
}

static int cmd_exhaust(struct wcfb_pipe *p, int debugfs_only)
{
	struct wcfb_buf *bufs, again;
	struct pool_state p0, p1, pe;
	struct kmsg_rec *v;
	uint64_t key = wcfb_now_ns(), t0, per_buf;
	int n = 0, ret = 0, i, cap, nrec, begin = -1, end = -1, lines = 0;
	int others = 0, burst_enomem = 0, size_named = 0;
	char want_size[64];

	read_pool(&p0);
	wcfb_ok(p0.size > 0 && p0.objects >= 1, "exhaust: the console's buffer is "
		"alive in the pool (%" PRIu64 " object(s), %" PRIu64 " bytes, pool %"
		PRIu64 " bytes)", p0.objects, p0.consumed, p0.size);
	per_buf = FB1080_BYTES;
	cap = (int)(p0.size / per_buf) + 4;
	bufs = calloc(cap, sizeof(*bufs));
	if (!bufs)
		return 0;

	/* IGT-like use: 8 mode-sized framebuffers alive at once. */
	t0 = wcfb_now_ns();
	for (n = 0; n < IGT_LIKE; n++) {
		ret = wcfb_buf_create(p, &bufs[n], 1920, 1080, DRM_FORMAT_XRGB8888);
		if (ret)
			break;
	}
	wcfb_ok(n == IGT_LIKE, "igt-like: %d 1920x1080 framebuffers next to the "
		"console (%d made, %s)", IGT_LIKE, n, strerror(-ret));
	if (n == IGT_LIKE)
		exhaust_show_igt_like(p, bufs);
	printf("# igt-like: %.2f s\n", (wcfb_now_ns() - t0) / 1e9);

	/* Past the pool's size: a burst of refusals, one log line. */
	wait_pool_line_window();
	kmsg_mark("exhaust begin", key);
	t0 = wcfb_now_ns();
	while (n < cap) {
		ret = wcfb_buf_create(p, &bufs[n], 1920, 1080, DRM_FORMAT_XRGB8888);
		if (ret)
			break;
		n++;
	}
	read_pool(&pe);
	for (i = 0; i < 2 && ret == -ENOMEM; i++) {
		int r = wcfb_buf_create(p, &again, 1920, 1080, DRM_FORMAT_XRGB8888);

		burst_enomem += r == -ENOMEM;
		if (!r)
			wcfb_buf_destroy(p, &again);
	}
	kmsg_mark("exhaust end", key);
	printf("# exhaustion: %.2f s for %d buffers\n", (wcfb_now_ns() - t0) / 1e9, n);
	wcfb_ok(n < cap && ret == -ENOMEM && burst_enomem == 2, "pool exhausted after "
		"%d 1920x1080 buffers with %s, and the next two too (want ENOMEM)",
		n, strerror(-ret));
	wcfb_ok(pe.size - pe.consumed < 2 * per_buf, "only when full: %" PRIu64
		" of %" PRIu64 " bytes taken (%" PRIu64 " left, less than two more)",
		pe.consumed, pe.size, pe.size - pe.consumed);

	nrec = kmsg_read_all(&v);
	for (i = 0; i < nrec; i++) {
		char b[80];

		snprintf(b, sizeof(b), "wcfb-kmstest: exhaust begin %016" PRIx64, key);
		if (!strcmp(v[i].text, b))
			begin = i;
		snprintf(b, sizeof(b), "wcfb-kmstest: exhaust end %016" PRIx64, key);
		if (!strcmp(v[i].text, b))
			end = i;
	}
	snprintf(want_size, sizeof(want_size), " of %" PRIu64 " KiB ", p0.size >> 10);
	for (i = begin + 1; begin >= 0 && i < end; i++) {
		if (v[i].facility != 0)
			continue;
		if (is_pool_line(&v[i])) {
			lines++;
			size_named += strstr(v[i].text, want_size) != NULL;
		} else {
			others++;
		}
		printf("# kernel: %s\n", v[i].text);
	}
	wcfb_ok(begin >= 0 && end > begin, "the kernel log has both markers (%d, %d)",
		begin, end);
	wcfb_ok(lines == 1 && size_named == 1, "exactly one pool line for the "
		"burst of %d refusals, naming the pool's size (%d line(s), %d with it)",
		1 + burst_enomem, lines, size_named);
	wcfb_ok(others == 0, "no other kernel line meanwhile (%d)", others);
	free(v);

	check_pool_addresses("exhausted");
	/* Where a CMA pool runs out, dma-direct falls back to other pages. */
	if (!debugfs_only)
		check_pool_oracle("exhausted", bufs, n);
	wcfb_disable(p);
	for (i = 0; i < n; i++)
		wcfb_buf_destroy(p, &bufs[i]);
	free(bufs);
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
	struct pool_state ps;
	uint32_t *handles;
	int n = 0, ret = 0, i, cap;

	/* 128x128 XRGB8888 = 64 KiB: fine-grained enough that a leaked
	 * page anywhere costs a slot, coarse enough to stay fast.  As many
	 * as the pool could hold, and a few more: it must run out. */
	read_pool(&ps);
	cap = ps.size ? (int)(ps.size >> 16) + 16 : 2048;
	handles = calloc(cap, sizeof(*handles));
	if (!handles)
		return 0;
	while (n < cap) {
		ret = dumb(p, 128, 128, 32, &handles[n]);
		if (ret)
			break;
		n++;
	}
	for (i = 0; i < n; i++)
		undumb(p, handles[i]);
	free(handles);
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
/*
 * Flip timing.  Three sources are kept apart, and every figure says which
 * it comes from in its "kind": "computed" from the mode (the period the
 * driver should keep), "driver" from what the driver puts in its events
 * (its timestamps are the simulated vblank's nominal time, so they are
 * spaced by the period whatever the timer really did; its sequence
 * numbers count the vblanks it handled), "measured" on the client's
 * CLOCK_MONOTONIC when it reads each event, which is what a compositor
 * sees.  The figures never decide pass or fail: only a measurement that
 * could not be made (no event, a failed commit) fails.
 */
struct flip_sample {
	uint64_t commit, arrival, ts;	/* commit ioctl, event read, event ts */
	uint64_t vbl;			/* vblank count when the commit returned */
	uint32_t seq;			/* the event's vblank */
};

static int cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static double absd(double d)
{
	return d < 0 ? -d : d;
}

static void bench_fig(char *json, size_t len, const char *name, double v,
		      int decimals, const char *unit, const char *kind)
{
	size_t l = strlen(json);

	snprintf(json + l, len - l,
		 "%s\"%s\":{\"value\":%.*f,\"unit\":\"%s\",\"kind\":\"%s\"}",
		 json[l - 1] == '{' ? "" : ",", name, decimals, v, unit, kind);
}

/* Median, 99th percentile and maximum of N values, sorted in place. */
static void bench_dist(char *json, size_t len, const char *name, int64_t *v,
		       int n, double scale, const char *unit, const char *kind)
{
	char key[64];

	qsort(v, n, sizeof(*v), cmp_s64);
	snprintf(key, sizeof(key), "%s_median", name);
	bench_fig(json, len, key, v[n / 2] / scale, 3, unit, kind);
	snprintf(key, sizeof(key), "%s_p99", name);
	bench_fig(json, len, key, v[(n - 1) * 99 / 100] / scale, 3, unit, kind);
	snprintf(key, sizeof(key), "%s_max", name);
	bench_fig(json, len, key, v[n - 1] / scale, 3, unit, kind);
}

static int cmd_bench_flips(struct wcfb_pipe *p, int n)
{
	const drmModeModeInfo *m = wcfb_find_mode(p, 1024, 768);
	uint32_t missed = 0, before_commit = 0, late = 0;
	double period_ns, ts_err_sum = 0, ts_err_max = 0;
	double arr_err_sum = 0, arr_err_max = 0, span;
	double x_mean = 0, y_mean = 0, sxx = 0, sxy = 0;
	struct flip_sample *s;
	int64_t *lateness, *c2e;
	struct wcfb_buf b[2];
	char json[4096];
	int i, ret;

	if (!m || n < 3)
		return wcfb_ok(0, "1024x768 listed, 3 flips or more"), 0;
	period_ns = (double)m->htotal * m->vtotal * 1e6 / m->clock;
	s = calloc(n, sizeof(*s));
	lateness = calloc(n, sizeof(*lateness));
	c2e = calloc(n, sizeof(*c2e));
	if (!s || !lateness || !c2e ||
	    wcfb_buf_create(p, &b[0], 1024, 768, DRM_FORMAT_XRGB8888) ||
	    wcfb_buf_create(p, &b[1], 1024, 768, DRM_FORMAT_XRGB8888))
		return wcfb_ok(0, "buffers"), 0;
	wcfb_buf_fill_pattern(&b[0], 1);
	wcfb_buf_fill_pattern(&b[1], 2);
	ret = wcfb_commit(p, m, b[0].fb_id, 1024, 768, 0);
	wcfb_ok(ret == 0, "modeset (%s)", strerror(-ret));
	for (i = 0; i < n && !ret; i++) {
		s[i].commit = wcfb_now_ns();
		ret = wcfb_commit(p, NULL, b[(i + 1) & 1].fb_id, 1024, 768,
				  DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
		/* The vblank count once the commit is in: the flip is due at
		 * the next one. */
		if (!ret && drmCrtcGetSequence(p->fd, p->crtc_id, &s[i].vbl, NULL))
			ret = -errno;
		/* A long timeout: this is not a speed check, only "no event". */
		if (!ret)
			ret = wcfb_wait_flip(p, 5000, &s[i].ts, &s[i].seq);
		s[i].arrival = wcfb_now_ns();
		if (ret)
			break;
	}
	wcfb_ok(ret == 0, "%d flips with events (%s)", i, strerror(-ret));
	if (ret)
		goto out;

	for (i = 0; i < n; i++) {
		lateness[i] = (int64_t)(s[i].arrival - s[i].ts);
		c2e[i] = (int64_t)(s[i].arrival - s[i].commit);
		/* Completed after the first vblank that followed its commit. */
		if ((int32_t)(s[i].seq - (uint32_t)s[i].vbl) > 1)
			late++;
		if (i > 0) {
			uint32_t gap = s[i].seq - s[i - 1].seq;
			double want = gap * period_ns;
			double ts_err = absd((double)(s[i].ts - s[i - 1].ts) - want);
			double arr_err = absd((double)(s[i].arrival - s[i - 1].arrival) - want);
			int32_t idle = (int32_t)((uint32_t)s[i].vbl - s[i - 1].seq);

			if (gap > 1)
				missed += gap - 1;
			/* Vblanks that passed after the previous flip before
			 * this commit was in: the client (or its wake-up) was
			 * late, not the flip. */
			if (idle > 0)
				before_commit += idle;
			ts_err_sum += ts_err;
			arr_err_sum += arr_err;
			ts_err_max = ts_err > ts_err_max ? ts_err : ts_err_max;
			arr_err_max = arr_err > arr_err_max ? arr_err : arr_err_max;
		}
	}
	span = (double)(s[n - 1].arrival - s[0].arrival);
	/* The measured period: the least-squares slope of each event's
	 * arrival against its vblank number, so that the lateness of the
	 * first and last events alone does not set it. */
	for (i = 0; i < n; i++) {
		x_mean += (uint32_t)(s[i].seq - s[0].seq) / (double)n;
		y_mean += (double)(s[i].arrival - s[0].arrival) / n;
	}
	for (i = 0; i < n; i++) {
		double dx = (uint32_t)(s[i].seq - s[0].seq) - x_mean;

		sxy += dx * ((double)(s[i].arrival - s[0].arrival) - y_mean);
		sxx += dx * dx;
	}
	strcpy(json, "{\"name\":\"page_flips\",\"figures\":{");
	bench_fig(json, sizeof(json), "flips", n, 0, "flips", "measured");
	bench_fig(json, sizeof(json), "mode_refresh", 1e9 / period_ns, 3, "Hz", "computed");
	/* The flip rate is what the client got, missed vblanks included. */
	bench_fig(json, sizeof(json), "refresh_measured", sxy > 0 ? 1e9 * sxx / sxy : 0,
		  3, "Hz", "measured");
	bench_fig(json, sizeof(json), "flip_rate_measured", (n - 1) * 1e9 / span,
		  3, "Hz", "measured");
	/* Each interval against the period times the vblanks it spans. */
	bench_fig(json, sizeof(json), "event_ts_interval_error_mean",
		  ts_err_sum / (n - 1) / 1e3, 1, "us", "driver");
	bench_fig(json, sizeof(json), "event_ts_interval_error_max",
		  ts_err_max / 1e3, 1, "us", "driver");
	bench_fig(json, sizeof(json), "arrival_interval_error_mean",
		  arr_err_sum / (n - 1) / 1e3, 1, "us", "measured");
	bench_fig(json, sizeof(json), "arrival_interval_error_max",
		  arr_err_max / 1e3, 1, "us", "measured");
	/* Event read minus the event's timestamp: the simulated vblank's
	 * timer lateness plus the event's delivery to the client. */
	bench_dist(json, sizeof(json), "event_lateness", lateness, n, 1e6, "ms", "measured");
	bench_dist(json, sizeof(json), "commit_to_event", c2e, n, 1e6, "ms", "measured");
	bench_fig(json, sizeof(json), "missed_vblanks", missed, 0, "vblanks", "driver");
	bench_fig(json, sizeof(json), "missed_vblanks_before_commit", before_commit, 0,
		  "vblanks", "driver");
	bench_fig(json, sizeof(json), "late_flips", late, 0, "flips", "driver");
	strncat(json, "}}", sizeof(json) - strlen(json) - 1);
	wcfb_bench(json);
out:
	wcfb_disable(p);
	wcfb_buf_destroy(p, &b[0]);
	wcfb_buf_destroy(p, &b[1]);
	free(s);
	free(lateness);
	free(c2e);
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
	else if (!strcmp(argv[1], "dumblimits"))
		cmd_dumblimits(&p);
	else if (!strcmp(argv[1], "exhaust"))
		cmd_exhaust(&p, argc > 2 && !strcmp(argv[2], "debugfs"));
	else if (!strcmp(argv[1], "poolcheck"))
		cmd_poolcheck(&p, argc > 2 && !strcmp(argv[2], "debugfs"));
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
