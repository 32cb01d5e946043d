// SPDX-License-Identifier: MIT
/*
 * wcfb-primetest: the libdrm client behind wcfb's PRIME (dma-buf) tests.
 *
 *   wcfb-primetest wcexport SEED   scanout buffer exported: the pattern
 *                                  written through the dma-buf mmap is on
 *                                  screen; self-import; vgem imports it
 *   wcfb-primetest cached SEED     cached buffer exported: CPU writes
 *                                  through the dma-buf mmap (SYNC bracketed)
 *                                  are blitted exactly; engine writes are
 *                                  read back after SYNC START|READ
 *   wcfb-primetest vgemsrc SEED    vgem buffer filled by the CPU, imported,
 *                                  blitted to a scanout buffer, flipped
 *   wcfb-primetest vgemdst SEED    the engine writes an imported vgem
 *                                  buffer, the CPU reads it after SYNC
 *   wcfb-primetest vgemfb SEED     a vgem import and a cached buffer, each
 *                                  as the whole screen: composed, the
 *                                  capture is its pattern
 *   wcfb-primetest vgemfb refused  without a blitter: AddFB2 refuses both
 *   wcfb-primetest screens SEED    pattern XRGB8888 1024x768 and RGB888
 *                                  800x600: wcfb-screenshot agrees with the
 *                                  host's capture (rgbhash), and the first
 *                                  screen's hash does not match the second
 *   wcfb-primetest inflight        handles and dma-buf fds closed while the
 *                                  engine (slowed down) still uses them
 *   wcfb-primetest batch           blits forever (to be killed mid-batch)
 *   wcfb-primetest hold            export a buffer, close the DRM fd, hold
 *                                  the dma-buf fd until stdin closes
 *   wcfb-primetest reexport        one buffer, two live dma-bufs (export,
 *                                  close the handle, GETFB2, export again):
 *                                  importing the first one works, and
 *                                  without a kernel WARN (the harness
 *                                  checks the log)
 *   wcfb-primetest mapfail KIND    one mmap() with this task's page
 *                                  allocations open to fail_page_alloc
 *                                  (set up by the caller): it maps or
 *                                  fails with ENOMEM, and the buffer is
 *                                  whole afterwards.  KIND: wc, cached
 *                                  (DRM fd), wcbuf, cachedbuf (dma-buf)
 *
 * vgem (another /dev/dri/cardN, found by its driver name) must be loaded.
 * Prints "ok - ..." / "not ok - ..." lines; exits non-zero on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <linux/dma-buf.h>

#include "drm/wcfb_drm.h"
#include "wcfb_client.h"
#include "wcfb_pattern.h"

static int dmabuf_sync(int dfd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return wcfb_ioctl(dfd, DMA_BUF_IOCTL_SYNC, &s);
}

/*
 * A step the command cannot go on without: 0, or says which step failed
 * and why (under fault injection, t_page_inject, the error code is what
 * the test looks at) and returns the -errno.
 */
static int need(int ret, const char *what)
{
	if (ret)
		wcfb_ok(0, "%s (%s)", what, strerror(-ret));
	return ret;
}

/* Export @b; the dma-buf fd or -errno. */
static int export(struct wcfb_buf *b)
{
	int dfd;

	if (drmPrimeHandleToFD(b->fd, b->handle, DRM_CLOEXEC | DRM_RDWR, &dfd))
		return -errno;
	return dfd;
}

static void put_pattern(uint8_t *map, uint32_t pitch, uint32_t w, uint32_t h,
			uint32_t seed)
{
	uint32_t x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			((uint32_t *)(map + (size_t)y * pitch))[x] =
				0xff000000u | wcfb_pattern_rgb(seed, x, y);
}

/* Number of pixels in @map differing from pattern @seed (XRGB, X ignored). */
static size_t diff_pattern(const uint8_t *map, uint32_t pitch, uint32_t w,
			   uint32_t h, uint32_t seed)
{
	size_t bad = 0;
	uint32_t x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			bad += (((const uint32_t *)(map + (size_t)y * pitch))[x] &
				 0xffffff) != wcfb_pattern_rgb(seed, x, y);
	return bad;
}

/* Show scanout buffer @b on the whole screen (its size must be a mode). */
static int show(struct wcfb_pipe *p, struct wcfb_buf *b, uint32_t fourcc)
{
	const drmModeModeInfo *m = wcfb_find_mode(p, b->width, b->height);
	int ret;

	if (!m)
		return -EINVAL;
	ret = wcfb_buf_addfb(b, fourcc);
	return ret ? ret : wcfb_commit(p, m, b->fb_id, b->width, b->height, 0);
}

/* --- scanout buffer export ------------------------------------------------ */
static int cmd_wcexport(uint32_t seed)
{
	const uint32_t w = 1024, h = 768;
	struct wcfb_buf b, vb = { 0 };
	struct wcfb_pipe p;
	uint32_t self;
	uint8_t *dmap;
	int dfd, vfd, ret;

	if (need(wcfb_open_pipe(&p), "wc: open the display") ||
	    need(wcfb_buf_dumb(p.fd, &b, w, h, 32, WCFB_MAP_DUMB), "wc: scanout buffer"))
		return 1;
	memset(b.map, 0, b.size);
	dfd = export(&b);
	wcfb_ok(dfd >= 0, "wc: export (%s)", dfd < 0 ? strerror(-dfd) : "ok");
	if (dfd < 0)
		return 1;
	dmap = mmap(NULL, b.size, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	wcfb_ok(dmap != MAP_FAILED, "wc: mmap of the dma-buf (%s)",
		dmap == MAP_FAILED ? strerror(errno) : "ok");
	if (dmap == MAP_FAILED)
		return 1;
	ret = dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	put_pattern(dmap, b.pitch, w, h, seed);
	ret = ret ? ret : dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
	wcfb_ok(!ret, "wc: DMA_BUF_IOCTL_SYNC (%s)", strerror(-ret));
	wcfb_ok(diff_pattern(b.map, b.pitch, w, h, seed) == 0,
		"wc: the DRM mapping sees the dma-buf mapping's writes");

	/* Our own dma-buf comes back as the same object. */
	ret = drmPrimeFDToHandle(p.fd, dfd, &self) ? -errno : 0;
	wcfb_ok(!ret && self == b.handle, "wc: self-import gives the same handle (%u, %u)",
		self, b.handle);

	ret = show(&p, &b, DRM_FORMAT_XRGB8888);
	wcfb_ok(!ret, "wc: on screen (%s)", strerror(-ret));
	wcfb_ok(!wcfb_shot("prime_wc", "pattern %u %u %u", seed, w, h),
		"wc: the capture shows what was written through the dma-buf");

	/*
	 * Another device imports it: map_dma_buf with dma_map_resource() on
	 * vgem's device (no bounce buffer, no phys_to_virt() of the pool).
	 * vgem cannot mmap imports (drm_gem_dumb_map_offset() refuses them).
	 */
	vfd = wcfb_open_driver("vgem");
	ret = vfd < 0 ? -ENODEV : drmPrimeFDToHandle(vfd, dfd, &vb.handle) ? -errno : 0;
	wcfb_ok(!ret, "wc: vgem imports the dma-buf (%s)", strerror(-ret));
	if (vfd >= 0) {
		vb.fd = vfd;
		wcfb_buf_free(&vb);
		close(vfd);
	}

	wcfb_disable(&p);
	munmap(dmap, b.size);
	close(dfd);
	wcfb_buf_free(&b);
	wcfb_close_pipe(&p);
	return 0;
}

/* --- cached buffer export ------------------------------------------------- */
static int cmd_cached(uint32_t seed)
{
	const uint32_t w = 256, h = 256;
	struct wcfb_buf c, d;
	uint8_t *dmap;
	int fd = wcfb_open_card(), dfd, ret, round;
	size_t bad;

	if (fd < 0 ||
	    need(wcfb_buf_cached(fd, &c, w, h, 32, WCFB_MAP_NONE), "cached: cached buffer") ||
	    need(wcfb_buf_dumb(fd, &d, w, h, 32, WCFB_MAP_DUMB), "cached: scanout buffer"))
		return 1;
	dfd = export(&c);
	wcfb_ok(dfd >= 0, "cached: export (%s)", dfd < 0 ? strerror(-dfd) : "ok");
	if (dfd < 0)
		return 1;
	dmap = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	wcfb_ok(dmap != MAP_FAILED, "cached: mmap of the dma-buf (%s)",
		dmap == MAP_FAILED ? strerror(errno) : "ok");
	if (dmap == MAP_FAILED)
		return 1;
	/*
	 * Rounds: the first blit maps the buffer for the engine; later CPU
	 * writes must reach the engine through SYNC END (under swiotlb=force
	 * through the bounce buffer).
	 */
	for (round = 0; round < 3; round++) {
		ret = dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
		put_pattern(dmap, c.pitch, w, h, seed + round);
		ret = ret ? ret : dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW);
		ret = ret ? ret : wcfb_blit_copy(fd, d.handle, d.pitch, c.handle, c.pitch, w, h);
		ret = ret ? ret : wcfb_cpu_prep(fd, d.handle, WCFB_PREP_READ);
		bad = ret ? 0 : diff_pattern(d.map, d.pitch, w, h, seed + round);
		wcfb_ok(!ret && !bad, "cached: round %d: CPU writes via the dma-buf blitted exactly (%s, %zu bad)",
			round, strerror(-ret), bad);
	}
	/* The engine writes the cached buffer; SYNC START|READ shows it. */
	put_pattern(d.map, d.pitch, w, h, seed + 7);
	ret = wcfb_blit_copy(fd, c.handle, c.pitch, d.handle, d.pitch, w, h);
	ret = ret ? ret : dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
	bad = ret ? 0 : diff_pattern(dmap, c.pitch, w, h, seed + 7);
	ret = ret ? ret : dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	wcfb_ok(!ret && !bad, "cached: engine writes read through the dma-buf after SYNC (%s, %zu bad)",
		strerror(-ret), bad);

	munmap(dmap, c.size);
	close(dfd);
	wcfb_buf_free(&c);
	wcfb_buf_free(&d);
	close(fd);
	return 0;
}

/* --- vgem imports --------------------------------------------------------- */
/* A vgem buffer, its dma-buf and its wcfb handle. */
static int vgem_import(int fd, int vfd, struct wcfb_buf *vb, uint32_t w, uint32_t h,
		       int *dfd, uint32_t *handle)
{
	int ret = wcfb_buf_dumb(vfd, vb, w, h, 32, WCFB_MAP_DUMB);

	if (ret)
		return ret;
	*dfd = export(vb);
	if (*dfd < 0)
		return *dfd;
	return drmPrimeFDToHandle(fd, *dfd, handle) ? -errno : 0;
}

static int cmd_vgemsrc(uint32_t seed)
{
	const uint32_t w = 1024, h = 768;
	struct wcfb_buf vb, fb;
	struct wcfb_pipe p;
	uint32_t ih = 0;
	int vfd = wcfb_open_driver("vgem"), dfd = -1, ret;

	if (vfd < 0 || need(wcfb_open_pipe(&p), "vgemsrc: open the display") ||
	    need(wcfb_buf_dumb(p.fd, &fb, w, h, 32, WCFB_MAP_DUMB), "vgemsrc: scanout buffer"))
		return 1;
	memset(fb.map, 0, fb.size);
	ret = vgem_import(p.fd, vfd, &vb, w, h, &dfd, &ih);
	wcfb_ok(!ret, "vgemsrc: vgem buffer imported into wcfb (%s)", strerror(-ret));
	if (ret)
		return 1;
	/* The CPU fills the vgem buffer through vgem's own mapping. */
	ret = dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	put_pattern(vb.map, vb.pitch, w, h, seed);
	ret = ret ? ret : dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
	ret = ret ? ret : wcfb_blit_copy(p.fd, fb.handle, fb.pitch, ih, vb.pitch, w, h);
	wcfb_ok(!ret, "vgemsrc: blit from the import (%s)", strerror(-ret));
	/* No wait: the flip waits for the blit's fence. */
	ret = show(&p, &fb, DRM_FORMAT_XRGB8888);
	wcfb_ok(!ret, "vgemsrc: flip (%s)", strerror(-ret));
	wcfb_ok(!wcfb_shot("prime_vgemsrc", "pattern %u %u %u", seed, w, h),
		"vgemsrc: the capture shows the vgem buffer's pattern");
	wcfb_disable(&p);
	drmCloseBufferHandle(p.fd, ih);
	close(dfd);
	wcfb_buf_free(&vb);
	wcfb_buf_free(&fb);
	close(vfd);
	wcfb_close_pipe(&p);
	return 0;
}

static int cmd_vgemdst(uint32_t seed)
{
	const uint32_t w = 640, h = 480;
	struct wcfb_buf vb, src;
	uint32_t ih = 0;
	int fd = wcfb_open_card(), vfd = wcfb_open_driver("vgem"), dfd = -1, ret, round;
	size_t bad;

	if (fd < 0 || vfd < 0 ||
	    need(wcfb_buf_dumb(fd, &src, w, h, 32, WCFB_MAP_DUMB), "vgemdst: scanout buffer"))
		return 1;
	ret = vgem_import(fd, vfd, &vb, w, h, &dfd, &ih);
	wcfb_ok(!ret, "vgemdst: vgem buffer imported into wcfb (%s)", strerror(-ret));
	if (ret)
		return 1;
	for (round = 0; round < 2; round++) {
		/* The CPU dirties the vgem buffer: the blit must overwrite it all. */
		ret = dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
		memset(vb.map, 0x5a + round, vb.size);
		ret = ret ? ret : dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
		put_pattern(src.map, src.pitch, w, h, seed + round);
		ret = ret ? ret : wcfb_blit_copy(fd, ih, vb.pitch, src.handle, src.pitch, w, h);
		wcfb_ok(!ret, "vgemdst: round %d: blit into the import (%s)", round,
			strerror(-ret));
		/* SYNC START waits for the blit's fence in vgem's reservation. */
		ret = ret ? ret : dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
		bad = ret ? 0 : diff_pattern(vb.map, vb.pitch, w, h, seed + round);
		ret = ret ? ret : dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
		wcfb_ok(!ret && !bad, "vgemdst: round %d: the CPU reads the engine's pixels (%s, %zu bad)",
			round, strerror(-ret), bad);
	}
	drmCloseBufferHandle(fd, ih);
	close(dfd);
	wcfb_buf_free(&vb);
	wcfb_buf_free(&src);
	close(vfd);
	close(fd);
	return 0;
}

/*
 * A framebuffer of memory the scanout engine cannot read: a vgem import
 * (shmem pages, anywhere) and a wcfb cached buffer.  With a blitter,
 * AddFB2 takes both and each, as the whole screen, is composed (the
 * "composed" count in debugfs grows) into the capture of its pattern;
 * without one (REFUSED), AddFB2 refuses both with EINVAL.
 */
static int vgemfb_show(struct wcfb_pipe *p, struct wcfb_buf *b, const char *what,
		       const char *shot, uint32_t seed, int refused)
{
	long long c0 = -1, c1 = -1;
	int ret;

	if (refused) {
		ret = wcfb_buf_addfb(b, DRM_FORMAT_XRGB8888);
		wcfb_ok(ret == -EINVAL, "vgemfb: AddFB2 on %s -> %s (want EINVAL)", what,
			strerror(-ret));
		return 0;
	}
	wcfb_debugfs_value("scanout", "composed", &c0);
	ret = show(p, b, DRM_FORMAT_XRGB8888);
	wcfb_ok(!ret, "vgemfb: %s on screen (%s)", what, strerror(-ret));
	if (ret)
		return 1;
	wcfb_debugfs_value("scanout", "composed", &c1);
	wcfb_ok(c1 > c0 && c0 >= 0, "vgemfb: %s composed (composed %lld -> %lld)", what, c0, c1);
	wcfb_ok(!wcfb_shot(shot, "pattern %u %u %u", seed, b->width, b->height),
		"vgemfb: the capture shows %s's pattern", what);
	return 0;
}

static int cmd_vgemfb(int refused, uint32_t seed)
{
	const uint32_t w = 1024, h = 768;
	struct wcfb_buf vb, imp, c;
	struct wcfb_pipe p;
	uint32_t ih = 0;
	int vfd = wcfb_open_driver("vgem"), dfd = -1, ret;

	if (vfd < 0 || need(wcfb_open_pipe(&p), "vgemfb: open the display"))
		return 1;
	ret = vgem_import(p.fd, vfd, &vb, w, h, &dfd, &ih);
	wcfb_ok(!ret, "vgemfb: imported (%s)", strerror(-ret));
	if (ret)
		return 1;
	ret = dmabuf_sync(dfd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
	put_pattern(vb.map, vb.pitch, w, h, seed);
	ret = ret ? ret : dmabuf_sync(dfd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
	wcfb_ok(!ret, "vgemfb: vgem buffer written (%s)", strerror(-ret));
	/* The import: wcfb's handle, vgem's layout. */
	imp = (struct wcfb_buf){ .fd = p.fd, .handle = ih, .pitch = vb.pitch,
				 .width = vb.width, .height = vb.height };
	if (vgemfb_show(&p, &imp, "a vgem import", "prime_vgemfb", seed, refused))
		return 1;

	/* The CPU writes the cached buffer between CPU_PREP and CPU_FINI. */
	ret = wcfb_buf_cached(p.fd, &c, w, h, 32, WCFB_MAP_WCFB);
	ret = ret ? ret : wcfb_cpu_prep(p.fd, c.handle, WCFB_PREP_WRITE);
	if (!ret)
		put_pattern(c.map, c.pitch, w, h, seed + 1);
	ret = ret ? ret : wcfb_cpu_fini(p.fd, c.handle);
	wcfb_ok(!ret, "vgemfb: cached buffer written (%s)", strerror(-ret));
	if (ret || vgemfb_show(&p, &c, "a cached buffer", "prime_cachedfb", seed + 1,
			       refused))
		return 1;
	wcfb_disable(&p);
	wcfb_buf_free(&c);
	wcfb_buf_free(&imp);
	close(dfd);
	wcfb_buf_free(&vb);
	close(vfd);
	wcfb_close_pipe(&p);
	return 0;
}

/* --- in-guest screenshots vs the host's capture --------------------------- */
/* Run wcfb-screenshot; its hash goes to @hash.  0 on success. */
static int screenshot(const char *png, char *hash, size_t len)
{
	char cmd[256], line[256];
	FILE *f;
	int ok = 0;

	snprintf(cmd, sizeof(cmd), "wcfb-screenshot %s", png);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		printf("# %s", line);
		if (sscanf(line, "rgbhash %63s", hash) == 1)
			ok = 1;
	}
	if (pclose(f) != 0)
		ok = 0;
	(void)len;
	return ok ? 0 : -1;
}

static int cmd_screens(uint32_t seed)
{
	static const struct { uint32_t w, h, fourcc, bpp; const char *name; } s[] = {
		{ 1024, 768, DRM_FORMAT_XRGB8888, 32, "shot_xr24" },
		{ 800, 600, DRM_FORMAT_RGB888, 24, "shot_rg24" },
	};
	struct wcfb_pipe p;
	char prev[64] = "";
	unsigned int i;

	if (wcfb_open_pipe(&p))
		return 1;
	for (i = 0; i < 2; i++) {
		struct wcfb_buf b;
		char hash[64] = "", png[64];
		int ret;

		ret = wcfb_buf_create(&p, &b, s[i].w, s[i].h, s[i].fourcc);
		if (ret) {
			wcfb_ok(0, "%s: buffer (%s)", s[i].name, strerror(-ret));
			continue;
		}
		wcfb_buf_fill_pattern(&b, seed + i);
		ret = wcfb_commit(&p, wcfb_find_mode(&p, s[i].w, s[i].h), b.fb_id,
				  s[i].w, s[i].h, 0);
		wcfb_ok(!ret, "%s: on screen (%s)", s[i].name, strerror(-ret));
		snprintf(png, sizeof(png), "/tmp/%s.png", s[i].name);
		ret = screenshot(png, hash, sizeof(hash));
		wcfb_ok(!ret, "%s: wcfb-screenshot", s[i].name);
		wcfb_ok(!ret && !wcfb_shot(s[i].name, "rgbhash %s", hash),
			"%s: the in-guest screenshot is the host's capture", s[i].name);
		wcfb_ok(!wcfb_shot(s[i].name, "pattern %u %u %u", seed + i, s[i].w, s[i].h),
			"%s: and the pattern drawn", s[i].name);
		/*
		 * Negative control: the previous screen's in-guest hash, a real
		 * capture of another screen, does not match this one.
		 */
		if (i && !ret) {
			snprintf(png, sizeof(png), "%s_neg", s[i].name);
			wcfb_ok(*prev && strcmp(prev, hash),
				"%s: its hash differs from %s's", s[i].name, s[i - 1].name);
			wcfb_ok(*prev && !wcfb_shot(png, "!rgbhash %s", prev),
				"%s: %s's hash does not match its capture", s[i].name,
				s[i - 1].name);
		}
		snprintf(prev, sizeof(prev), "%s", ret ? "" : hash);
		wcfb_buf_destroy(&p, &b);
	}
	wcfb_disable(&p);
	wcfb_close_pipe(&p);
	return 0;
}

/* --- lifetimes ------------------------------------------------------------ */
/*
 * With the engine slowed down, blits on an imported vgem buffer and on an
 * exported cached buffer are queued, then every handle and dma-buf fd is
 * closed at once: the jobs keep what they use.  The caller checks the
 * debugfs counts afterwards.
 */
static int cmd_inflight(void)
{
	const uint32_t w = 512, h = 512;
	struct wcfb_buf vb, c, d;
	uint32_t ih = 0;
	char ans[128];
	int fd = wcfb_open_card(), vfd = wcfb_open_driver("vgem"), dfd = -1, cfd, ret, i;

	if (fd < 0 || vfd < 0 || wcfb_buf_cached(fd, &c, w, h, 32, WCFB_MAP_NONE) ||
	    wcfb_buf_dumb(fd, &d, w, h, 32, WCFB_MAP_DUMB))
		return 1;
	ret = vgem_import(fd, vfd, &vb, w, h, &dfd, &ih);
	cfd = export(&c);
	wcfb_ok(!ret && cfd >= 0, "inflight: import + export");
	if (ret || cfd < 0)
		return 1;
	wcfb_engine_ctl("delay 300", ans, sizeof(ans));
	for (i = 0; i < 3 && !ret; i++) {
		ret = wcfb_blit_copy(fd, ih, vb.pitch, d.handle, d.pitch, w, h);
		ret = ret ? ret : wcfb_blit_copy(fd, c.handle, c.pitch, ih, vb.pitch, w, h);
	}
	wcfb_ok(!ret, "inflight: 6 blits queued (%s)", strerror(-ret));
	/* Everything goes while the engine still works on it. */
	drmCloseBufferHandle(fd, ih);
	close(dfd);
	close(cfd);
	wcfb_buf_free(&vb);
	wcfb_buf_free(&c);
	wcfb_buf_free(&d);
	close(vfd);
	close(fd);
	wcfb_engine_ctl("delay 0", ans, sizeof(ans));
	return 0;
}

static int cmd_batch(void)
{
	const uint32_t w = 512, h = 512;
	struct wcfb_buf vb, c;
	uint32_t ih = 0;
	int fd = wcfb_open_card(), vfd = wcfb_open_driver("vgem"), dfd = -1, cfd;

	if (fd < 0 || vfd < 0 || wcfb_buf_cached(fd, &c, w, h, 32, WCFB_MAP_NONE) ||
	    vgem_import(fd, vfd, &vb, w, h, &dfd, &ih))
		return 1;
	cfd = export(&c);
	printf("batching\n");
	for (;;)
		if (wcfb_blit_copy(fd, c.handle, c.pitch, ih, vb.pitch, w, h) ||
		    wcfb_blit_copy(fd, ih, vb.pitch, c.handle, c.pitch, w, h))
			return 1;
	close(cfd);
	return 0;
}

static int cmd_hold(void)
{
	struct wcfb_buf b;
	char c;
	int fd = wcfb_open_card(), dfd;

	if (fd < 0 || wcfb_buf_dumb(fd, &b, 256, 256, 32, WCFB_MAP_DUMB))
		return 1;
	dfd = export(&b);
	if (dfd < 0)
		return 1;
	/* Only the dma-buf is left: the DRM file and handle are gone. */
	wcfb_buf_free(&b);
	close(fd);
	printf("holding\n");
	while (read(0, &c, 1) > 0)
		;
	close(dfd);
	return 0;
}

/*
 * A buffer whose handles were all closed loses its cached dma-buf in DRM
 * (obj->dma_buf), though that dma-buf lives on; GETFB2 then hands out a
 * new handle and exporting that makes a second dma-buf.  Importing the
 * first one must neither fail nor trip drm_gem_prime_fd_to_handle()'s
 * WARN_ON(obj->dma_buf != dma_buf) (found by the fuzzer in the debug
 * lane).
 */
static int cmd_reexport(void)
{
	struct drm_mode_fb_cmd2 f = { .width = 64, .height = 64,
				      .pixel_format = DRM_FORMAT_XRGB8888 };
	struct drm_mode_fb_cmd2 g = { 0 };
	uint32_t h3 = 0, h4 = 0;
	struct wcfb_buf b;
	int fd = wcfb_open_card(), dfd_a, dfd_b, ret;

	if (fd < 0 ||
	    need(wcfb_buf_dumb(fd, &b, 64, 64, 32, WCFB_MAP_DUMB), "reexport: scanout buffer"))
		return 1;
	f.handles[0] = b.handle;
	f.pitches[0] = b.pitch;
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f);
	wcfb_ok(!ret, "addfb2 (%s)", strerror(-ret));
	dfd_a = export(&b);
	wcfb_ok(dfd_a >= 0, "first export (%s)", dfd_a < 0 ? strerror(-dfd_a) : "ok");
	wcfb_buf_free(&b);	/* the last handle: DRM drops its cached dma-buf */
	g.fb_id = f.fb_id;
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_GETFB2, &g);
	wcfb_ok(!ret && g.handles[0], "GETFB2 gives a new handle (%s)", strerror(-ret));
	b = (struct wcfb_buf){ .fd = fd, .handle = g.handles[0], .size = 64 * 64 * 4 };
	dfd_b = export(&b);
	wcfb_ok(dfd_b >= 0, "second export of the same buffer (%s)",
		dfd_b < 0 ? strerror(-dfd_b) : "ok");
	ret = drmPrimeFDToHandle(fd, dfd_a, &h3) ? -errno : 0;
	wcfb_ok(!ret && h3, "the first dma-buf imports (%s)", strerror(-ret));
	ret = drmPrimeFDToHandle(fd, dfd_b, &h4) ? -errno : 0;
	wcfb_ok(!ret && h4 == g.handles[0], "the second one is the GETFB2 handle (%s)",
		strerror(-ret));
	if (h3 && h3 != g.handles[0])
		drmCloseBufferHandle(fd, h3);
	wcfb_buf_free(&b);
	drmModeRmFB(fd, f.fb_id);
	if (dfd_a >= 0)
		close(dfd_a);
	if (dfd_b >= 0)
		close(dfd_b);
	close(fd);
	return 0;
}

/*
 * mapfail: 6.1's drm_gem_dma_mmap() answered a failed dma_mmap_wc() by
 * dropping a reference drm_gem_mmap_obj() drops again: the object was
 * freed under its handle, and GEM_CLOSE was a use-after-free (KASAN).
 * Only this task's allocations fail (/proc/self/make-it-fail), only
 * around the mmap() (the file is opened before: writing it allocates
 * nothing); where and how often is the caller's fail_page_alloc setup.
 */
static int cmd_mapfail(const char *kind)
{
	const uint32_t w = 1024, h = 768;
	int wc = !strncmp(kind, "wc", 2), via_buf = !!strstr(kind, "buf");
	struct drm_gem_close gc = { 0 };
	int fd, mfd, dfd = -1, pfd, ret, err;
	struct wcfb_buf b = { 0 };
	uint64_t off = 0;
	uint8_t *map;

	if (strcmp(kind, "wc") && strcmp(kind, "wcbuf") && strcmp(kind, "cached") &&
	    strcmp(kind, "cachedbuf")) {
		fprintf(stderr, "mapfail: KIND is wc, wcbuf, cached or cachedbuf\n");
		return 2;
	}
	fd = wcfb_open_card();
	if (fd < 0)
		return 1;
	/* Only the offsets: the mmap() is the test. */
	if (wc) {
		struct drm_mode_map_dumb m = { 0 };

		ret = wcfb_buf_dumb(fd, &b, w, h, 32, WCFB_MAP_NONE);
		m.handle = b.handle;
		ret = ret ? ret : wcfb_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
		off = m.offset;
	} else {
		struct drm_wcfb_gem_mmap_offset mo = { 0 };

		ret = wcfb_buf_cached(fd, &b, w, h, 32, WCFB_MAP_NONE);
		mo.handle = b.handle;
		ret = ret ? ret : wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_MMAP_OFFSET, &mo);
		off = mo.offset;
	}
	if (need(ret, "mapfail: buffer"))
		return 1;
	mfd = fd;
	if (via_buf) {
		dfd = export(&b);
		if (need(dfd < 0 ? dfd : 0, "mapfail: export"))
			return 1;
		mfd = dfd;
		off = 0;
	}
	pfd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
	if (need(pfd < 0 || pwrite(pfd, "1", 1, 0) != 1 ? -errno : 0,
		 "mapfail: /proc/self/make-it-fail"))
		return 1;
	map = mmap(NULL, b.size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, off);
	err = map == MAP_FAILED ? errno : 0;
	if (pwrite(pfd, "0", 1, 0) != 1)
		return 1;
	close(pfd);
	wcfb_ok(!err || err == ENOMEM, "mapfail: %s: mmap, a page allocation failing: %s",
		kind, err ? strerror(err) : "mapped");
	if (!err)
		munmap(map, b.size);

	/* The buffer is whole: mapped again, written, read back, closed. */
	map = mmap(NULL, b.size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, off);
	err = map == MAP_FAILED ? errno : 0;
	if (!err) {
		map[0] = 0x5a;
		map[b.size - 1] = 0xa5;
		err = map[0] != 0x5a || map[b.size - 1] != 0xa5 ? EIO : 0;
		munmap(map, b.size);
	}
	wcfb_ok(!err, "mapfail: %s: mapped, written and read afterwards (%s)",
		kind, strerror(err));
	if (dfd >= 0)
		close(dfd);
	gc.handle = b.handle;
	ret = wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
	wcfb_ok(!ret, "mapfail: %s: handle closed (%s)", kind, strerror(-ret));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	uint32_t seed = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	int ret = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "wcexport"))
		ret = cmd_wcexport(seed);
	else if (!strcmp(cmd, "cached"))
		ret = cmd_cached(seed);
	else if (!strcmp(cmd, "vgemsrc"))
		ret = cmd_vgemsrc(seed);
	else if (!strcmp(cmd, "vgemdst"))
		ret = cmd_vgemdst(seed);
	else if (!strcmp(cmd, "vgemfb") && argc > 2 && !strcmp(argv[2], "refused"))
		ret = cmd_vgemfb(1, 0);
	else if (!strcmp(cmd, "vgemfb"))
		ret = cmd_vgemfb(0, seed);
	else if (!strcmp(cmd, "screens"))
		ret = cmd_screens(seed);
	else if (!strcmp(cmd, "inflight"))
		ret = cmd_inflight();
	else if (!strcmp(cmd, "batch"))
		ret = cmd_batch();
	else if (!strcmp(cmd, "hold"))
		ret = cmd_hold();
	else if (!strcmp(cmd, "reexport"))
		ret = cmd_reexport();
	else if (!strcmp(cmd, "mapfail") && argc == 3)
		ret = cmd_mapfail(argv[2]);
	else
		fprintf(stderr, "usage: see the top of wcfb-primetest.c\n");
	return ret ? ret : wcfb_failures ? 1 : 0;
}
