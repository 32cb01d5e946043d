// SPDX-License-Identifier: MIT
/*
 * wcfb-fuzz: a seeded, reproducible ioctl fuzzer for wcfb, run in the guest.
 *
 *   wcfb-fuzz NODE SEED CALLS     e.g. wcfb-fuzz /dev/dri/card0 1 100000
 *
 * Every call is either a well-formed request built from live objects (so
 * the fuzzer gets past the first checks and into the driver's state
 * machines: buffers, framebuffers, atomic commits, PRIME, blits, CPU
 * access) with some fields mutated, or a driver ioctl number with a
 * random argument block.  Covered: dumb create/map/destroy, ADDFB2 (with
 * and without modifiers), RMFB, GETFB2, atomic commits with random
 * properties (mostly TEST_ONLY), PRIME export and import of random fds,
 * GEM close, syncobj create/destroy, and every wcfb ioctl (GET_PARAM,
 * GEM_CREATE_CACHED, GEM_MMAP_OFFSET, CPU_PREP/FINI, BLIT batches with
 * random rectangles, handles and syncobjs).
 *
 * The same SEED gives the same call sequence (replay a failure with the
 * printed seed).  What counts as failure is the kernel's reaction (oops,
 * WARN, KASAN, the engine model's fault log), which the harness watches;
 * the fuzzer itself fails only if the device stops answering.  It prints
 * per-ioctl call and error counts and a BENCH line with the totals.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "drm/wcfb_drm.h"
#include "../../userspace/wcfb_client.h"

static uint64_t rng_state;
static int fd;

static int xioctl(unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static uint64_t rnd(void)
{
	/* xorshift64*: small, fast, and the same everywhere. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static int chance(unsigned int percent)
{
	return below(100) < percent;
}

/* A value near an interesting boundary, or anything. */
static uint32_t edge32(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 3, 4, 15, 16, 17, 63, 64, 65, 640, 1024, 1920, 4096,
		4097, 16384, 16385, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};

	if (chance(60))
		return edges[below(sizeof(edges) / sizeof(edges[0]))];
	return (uint32_t)rnd();
}

#define POOL 32
static uint32_t handles[POOL], fbs[POOL], syncobjs[POOL];

/* Buffers whose shape is known, to build requests that get deep. */
struct fbuf {
	uint32_t handle, width, height, pitch, bpp;
};
static struct fbuf bufs[POOL];
static uint32_t nbufs;

static void keep_buf(uint32_t handle, uint32_t w, uint32_t h, uint32_t pitch,
		     uint32_t bpp)
{
	struct fbuf b = { handle, w, h, pitch, bpp };
	uint32_t i;

	/* Handles are reused after a close: one entry per handle. */
	for (i = 0; i < nbufs; i++)
		if (bufs[i].handle == handle) {
			bufs[i] = b;
			return;
		}
	if (nbufs < POOL)
		bufs[nbufs++] = b;
	else
		bufs[rnd() % POOL] = b;
}

static void drop_buf(uint32_t handle)
{
	uint32_t i;

	for (i = 0; i < nbufs; i++)
		if (bufs[i].handle == handle) {
			bufs[i] = bufs[--nbufs];
			return;
		}
}

/* The pipe (primary node only) and one mode blob per listed mode. */
static struct wcfb_pipe pipe_ids;
static int have_pipe;
static uint32_t mode_blobs[16], mode_w[16], mode_h[16], mode_fb[16], nmodes;

/* A framebuffer of mode M's size (made on demand, outside the fuzz pools
 * so that random RMFBs rarely hit it). */
static uint32_t fb_for_mode(uint32_t m)
{
	struct drm_mode_create_dumb cd = { .width = mode_w[m], .height = mode_h[m], .bpp = 32 };
	uint32_t hs[4] = { 0 }, ps[4] = { 0 }, os[4] = { 0 };

	if (mode_fb[m] && chance(95))
		return mode_fb[m];
	if (mode_fb[m])
		drmModeRmFB(fd, mode_fb[m]);
	mode_fb[m] = 0;
	if (xioctl(DRM_IOCTL_MODE_CREATE_DUMB, &cd))
		return 0;
	hs[0] = cd.handle;
	ps[0] = cd.pitch;
	if (drmModeAddFB2(fd, cd.width, cd.height, DRM_FORMAT_XRGB8888, hs, ps, os,
			  &mode_fb[m], 0))
		mode_fb[m] = 0;
	/* The framebuffer holds the object; the handle may go. */
	drmCloseBufferHandle(fd, cd.handle);
	return mode_fb[m];
}
static int prime_fds[POOL];
static uint32_t nhandles, nfbs, nsyncobjs, nprime;
static uint32_t obj_ids[64], prop_ids[256];
static uint32_t nobj, nprop;

static uint32_t pick(const uint32_t *pool, uint32_t n)
{
	if (!n || chance(10))
		return edge32();
	return pool[below(n)];
}

static void keep(uint32_t *pool, uint32_t *n, uint32_t v)
{
	if (*n < POOL)
		pool[(*n)++] = v;
	else
		pool[below(POOL)] = v;
}

static void drop(uint32_t *pool, uint32_t *n, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < *n; i++)
		if (pool[i] == v) {
			pool[i] = pool[--*n];
			return;
		}
}

enum { C_DUMB, C_MAPDUMB, C_DESTROY, C_ADDFB, C_RMFB, C_GETFB2, C_ATOMIC,
       C_PRIME_EXPORT, C_PRIME_IMPORT, C_CLOSE, C_SYNCOBJ, C_PARAM, C_CACHED,
       C_MMAPOFF, C_PREP, C_FINI, C_BLIT, C_RAW, C_NUM };
static const char *const names[C_NUM] = {
	"create_dumb", "map_dumb", "destroy_dumb", "addfb2", "rmfb", "getfb2",
	"atomic", "prime_export", "prime_import", "gem_close", "syncobj",
	"wcfb_get_param", "wcfb_create_cached", "wcfb_mmap_offset",
	"wcfb_cpu_prep", "wcfb_cpu_fini", "wcfb_blit", "raw",
};
static uint64_t calls[C_NUM], fails[C_NUM];


static uint32_t random_format(void)
{
	static const uint32_t f[] = {
		DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_RGB888,
		DRM_FORMAT_RGB565, DRM_FORMAT_XBGR8888, DRM_FORMAT_NV12,
	};

	return chance(90) ? f[below(6)] : (uint32_t)rnd();
}

static void fill_surface(struct drm_wcfb_blit_surface *s)
{
	s->handle = pick(handles, nhandles);
	s->format = random_format();
	s->offset = chance(80) ? 0 : chance(50) ? edge32() : rnd();
	s->pitch = chance(70) ? 64 * (1 + below(64)) : edge32();
	s->x = chance(70) ? below(256) : edge32();
	s->y = chance(70) ? below(256) : edge32();
	s->pad = chance(97) ? 0 : 1;
}

/* A whole-pipe commit of a framebuffer on a mode, with a field or two
 * bent now and then; mostly TEST_ONLY, sometimes for real (also as a
 * nonblocking page flip with an event, which the fuzzer drains). */
static int good_commit(void)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	uint32_t m = below(nmodes), fb, flags;
	struct wcfb_pipe *p = &pipe_ids;
	uint32_t w = mode_w[m], h = mode_h[m];
	int r;

	if (!req)
		return -ENOMEM;
	fb = chance(80) ? fb_for_mode(m) : pick(fbs, nfbs);
	if (chance(10))
		w = edge32();
	if (chance(10))
		h = edge32();
	drmModeAtomicAddProperty(req, p->conn_id, p->conn_crtc_id,
				 chance(95) ? p->crtc_id : edge32());
	drmModeAtomicAddProperty(req, p->crtc_id, p->crtc_mode_id,
				 chance(95) ? mode_blobs[m] : edge32());
	drmModeAtomicAddProperty(req, p->crtc_id, p->crtc_active, chance(90));
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_fb_id, fb);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_id, p->crtc_id);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_src_x,
				 chance(90) ? 0 : (uint64_t)edge32() << 16);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_src_y, 0);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_src_w, (uint64_t)w << 16);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_src_h, (uint64_t)h << 16);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_x, chance(95) ? 0 : edge32());
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_y, 0);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_w, w);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_h, h);
	flags = chance(70) ? DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET :
		chance(50) ? DRM_MODE_ATOMIC_ALLOW_MODESET :
		DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
	r = drmModeAtomicCommit(fd, req, flags, NULL) ? -errno : 0;
	drmModeAtomicFree(req);
	if (!r && (flags & DRM_MODE_PAGE_FLIP_EVENT)) {
		/* Drain the event (raw read: its user data is NULL) so the
		 * event queue never fills. */
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		char ev[1024];

		if (poll(&pfd, 1, 100) > 0 && read(fd, ev, sizeof(ev)) < 0)
			r = -errno;
	}
	return r;
}

/* A known buffer of BPP bits per pixel (0: any), or NULL. */
static const struct fbuf *buf_of(uint32_t bpp)
{
	uint32_t i, start = below(nbufs);

	for (i = 0; i < nbufs; i++) {
		const struct fbuf *b = &bufs[(start + i) % nbufs];

		if (!bpp || b->bpp == bpp)
			return b;
	}
	return NULL;
}

static uint32_t format_of(const struct fbuf *b, int alpha)
{
	return b->bpp == 32 ? (alpha ? DRM_FORMAT_ARGB8888 : DRM_FORMAT_XRGB8888) :
	       b->bpp == 24 ? DRM_FORMAT_RGB888 : DRM_FORMAT_RGB565;
}

static void place(struct drm_wcfb_blit_surface *s, const struct fbuf *b,
		  uint32_t format, uint32_t w, uint32_t h)
{
	memset(s, 0, sizeof(*s));
	s->handle = b->handle;
	s->format = format;
	s->pitch = b->pitch;
	s->x = below(b->width - w + 1);
	s->y = below(b->height - h + 1);
}

/*
 * A well-formed operation on known buffers: the op's format rules (COPY
 * same format, BLEND ARGB8888 over a 32-bit dst, CONVERT 565 <-> 8888)
 * and rectangles inside both buffers.  Returns 0 if none could be built.
 */
static int good_op(struct drm_wcfb_blit_op *o)
{
	const struct fbuf *d = buf_of(0), *src = NULL;
	uint32_t op = 1 + below(4), sfmt = 0, dfmt;

	if (!d)
		return 0;
	dfmt = format_of(d, chance(50));
	if (op == WCFB_BLIT_OP_BLEND && d->bpp != 32)
		op = WCFB_BLIT_OP_FILL;
	switch (op) {
	case WCFB_BLIT_OP_COPY:
		src = buf_of(d->bpp);
		sfmt = dfmt;
		break;
	case WCFB_BLIT_OP_BLEND:
		src = buf_of(32);
		sfmt = DRM_FORMAT_ARGB8888;
		break;
	case WCFB_BLIT_OP_CONVERT:
		src = buf_of(d->bpp == 16 ? 32 : 16);
		if (d->bpp == 24)
			src = NULL;
		sfmt = src ? format_of(src, 0) : 0;
		break;
	}
	if (op != WCFB_BLIT_OP_FILL && !src)
		op = WCFB_BLIT_OP_FILL;
	memset(o, 0, sizeof(*o));
	o->op = op;
	o->width = 1 + below(d->width < 200 ? d->width : 200);
	o->height = 1 + below(d->height < 200 ? d->height : 200);
	if (src) {
		if (o->width > src->width)
			o->width = src->width;
		if (o->height > src->height)
			o->height = src->height;
	}
	/* FILL: a pixel of the dst format; other ops: 0 (the UAPI's rule). */
	o->fill = op != WCFB_BLIT_OP_FILL ? 0 :
		  d->bpp == 32 ? (uint32_t)rnd() : (uint32_t)rnd() & ((1u << d->bpp) - 1);
	place(&o->dst, d, dfmt, o->width, o->height);
	if (op != WCFB_BLIT_OP_FILL)
		place(&o->src, src, sfmt, o->width, o->height);
	return 1;
}

static int one_call(unsigned int c)
{
	switch (c) {
	case C_DUMB: {
		struct drm_mode_create_dumb a = {
			.width = chance(70) ? 1 + below(512) : edge32(),
			.height = chance(70) ? 1 + below(512) : edge32(),
			.bpp = chance(80) ? (chance(50) ? 32 : 24) : edge32(),
			.flags = chance(95) ? 0 : edge32(),
		};
		int r;

		/* Often the size of a mode, so that commits can use it. */
		if (nmodes && chance(30)) {
			uint32_t m = below(nmodes);

			a.width = mode_w[m];
			a.height = mode_h[m];
		}
		r = xioctl(DRM_IOCTL_MODE_CREATE_DUMB, &a);
		if (!r) {
			keep(handles, &nhandles, a.handle);
			keep_buf(a.handle, a.width, a.height, a.pitch, a.bpp);
		}
		return r;
	}
	case C_MAPDUMB: {
		struct drm_mode_map_dumb a = { .handle = pick(handles, nhandles) };
		int r = xioctl(DRM_IOCTL_MODE_MAP_DUMB, &a);

		/* Touch the mapping now and then: the fault path too. */
		if (!r && chance(20)) {
			volatile uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
						   MAP_SHARED, fd, a.offset);

			if (p != MAP_FAILED) {
				p[0] = p[1];
				munmap((void *)p, 4096);
			}
		}
		return r;
	}
	case C_DESTROY: {
		struct drm_mode_destroy_dumb a = { .handle = pick(handles, nhandles) };
		int r = xioctl(DRM_IOCTL_MODE_DESTROY_DUMB, &a);

		if (!r) {
			drop(handles, &nhandles, a.handle);
			drop_buf(a.handle);
		}
		return r;
	}
	case C_ADDFB: {
		struct drm_mode_fb_cmd2 a = {
			.width = chance(70) ? 1 + below(512) : edge32(),
			.height = chance(70) ? 1 + below(512) : edge32(),
			.pixel_format = random_format(),
			.flags = chance(80) ? 0 : chance(50) ? DRM_MODE_FB_MODIFIERS : edge32(),
		};
		int r;

		a.handles[0] = pick(handles, nhandles);
		a.pitches[0] = chance(60) ? a.width * 4 : edge32();
		a.offsets[0] = chance(80) ? 0 : edge32();
		if (nbufs && chance(60)) {
			/* A well-formed request for a known buffer, maybe bent. */
			const struct fbuf *b = &bufs[below(nbufs)];

			a.handles[0] = b->handle;
			a.width = b->width;
			a.height = b->height;
			a.pitches[0] = b->pitch;
			a.offsets[0] = 0;
			a.pixel_format = b->bpp == 24 ? DRM_FORMAT_RGB888 :
					 chance(50) ? DRM_FORMAT_XRGB8888 : DRM_FORMAT_ARGB8888;
			a.flags = chance(70) ? 0 : DRM_MODE_FB_MODIFIERS;
			if (chance(20))
				a.width -= below(a.width);
			if (chance(10))
				a.offsets[0] = b->pitch * below(4);
		}
		a.modifier[0] = chance(50) ? DRM_FORMAT_MOD_LINEAR :
				chance(50) ? DRM_FORMAT_MOD_INVALID : rnd();
		if (chance(10)) {
			a.handles[1] = pick(handles, nhandles);
			a.pitches[1] = edge32();
		}
		r = xioctl(DRM_IOCTL_MODE_ADDFB2, &a);
		if (!r)
			keep(fbs, &nfbs, a.fb_id);
		return r;
	}
	case C_RMFB: {
		uint32_t id = pick(fbs, nfbs);
		int r = xioctl(DRM_IOCTL_MODE_RMFB, &id);

		if (!r)
			drop(fbs, &nfbs, id);
		return r;
	}
	case C_GETFB2: {
		struct drm_mode_fb_cmd2 a = { .fb_id = pick(fbs, nfbs) };
		int r = xioctl(DRM_IOCTL_MODE_GETFB2, &a);

		/* GETFB2 hands out new handles (for the owner): keep them. */
		if (!r && a.handles[0])
			keep(handles, &nhandles, a.handles[0]);
		return r;
	}
	case C_ATOMIC: {
		uint32_t objs[4], counts[4], props[16];
		uint64_t values[16];
		struct drm_mode_atomic a = { 0 };
		uint32_t n = 1 + below(4), total = 0, i, j;

		if (have_pipe && nmodes && chance(60))
			return good_commit();

		for (i = 0; i < n; i++) {
			objs[i] = pick(obj_ids, nobj);
			counts[i] = 1 + below(4);
			for (j = 0; j < counts[i]; j++, total++) {
				props[total] = pick(prop_ids, nprop);
				values[total] = chance(30) ? pick(fbs, nfbs) :
						chance(30) ? pick(obj_ids, nobj) :
						chance(50) ? below(2048) << (chance(50) ? 16 : 0) :
						rnd();
			}
		}
		a.objs_ptr = (uintptr_t)objs;
		a.count_props_ptr = (uintptr_t)counts;
		a.props_ptr = (uintptr_t)props;
		a.prop_values_ptr = (uintptr_t)values;
		a.count_objs = chance(95) ? n : edge32();
		/* Mostly TEST_ONLY; real commits sometimes (the display changes). */
		a.flags = chance(85) ? DRM_MODE_ATOMIC_TEST_ONLY :
			  chance(50) ? DRM_MODE_ATOMIC_ALLOW_MODESET : edge32();
		return xioctl(DRM_IOCTL_MODE_ATOMIC, &a);
	}
	case C_PRIME_EXPORT: {
		struct drm_prime_handle a = {
			.handle = pick(handles, nhandles),
			.flags = chance(90) ? DRM_CLOEXEC | (chance(50) ? DRM_RDWR : 0) : edge32(),
		};
		int r = xioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &a);

		if (!r) {
			if (nprime == POOL) {
				close(prime_fds[0]);
				prime_fds[0] = prime_fds[--nprime];
			}
			prime_fds[nprime++] = a.fd;
		}
		return r;
	}
	case C_PRIME_IMPORT: {
		struct drm_prime_handle a = { .flags = 0 };
		int r;

		a.fd = nprime && chance(70) ? prime_fds[below(nprime)] :
		       chance(50) ? (int)below(64) : (int)edge32();
		r = xioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &a);
		if (!r)
			keep(handles, &nhandles, a.handle);
		return r;
	}
	case C_CLOSE: {
		struct drm_gem_close a = { .handle = pick(handles, nhandles) };
		int r = xioctl(DRM_IOCTL_GEM_CLOSE, &a);

		if (!r) {
			drop(handles, &nhandles, a.handle);
			drop_buf(a.handle);
		}
		return r;
	}
	case C_SYNCOBJ: {
		if (chance(60)) {
			struct drm_syncobj_create a = { .flags = chance(90) ? 0 : edge32() };
			int r = xioctl(DRM_IOCTL_SYNCOBJ_CREATE, &a);

			if (!r)
				keep(syncobjs, &nsyncobjs, a.handle);
			return r;
		} else {
			struct drm_syncobj_destroy a = { .handle = pick(syncobjs, nsyncobjs) };
			int r = xioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &a);

			if (!r)
				drop(syncobjs, &nsyncobjs, a.handle);
			return r;
		}
	}
	case C_PARAM: {
		struct drm_wcfb_get_param a = {
			.param = chance(80) ? below(8) : edge32(),
			.pad = chance(95) ? 0 : 1,
		};

		return xioctl(DRM_IOCTL_WCFB_GET_PARAM, &a);
	}
	case C_CACHED: {
		struct drm_wcfb_gem_create_cached a = { 0 };
		int r;

		if (chance(50)) {
			a.size = chance(70) ? 4096 * (1 + below(256)) : rnd();
		} else {
			a.width = chance(70) ? 1 + below(512) : edge32();
			a.height = chance(70) ? 1 + below(512) : edge32();
			a.bpp = chance(80) ? 8 * (2 + below(3)) : edge32();
		}
		a.flags = chance(95) ? 0 : edge32();
		r = xioctl(DRM_IOCTL_WCFB_GEM_CREATE_CACHED, &a);
		if (!r) {
			keep(handles, &nhandles, a.handle);
			if (a.pitch)
				keep_buf(a.handle, a.width, a.height, a.pitch, a.bpp);
		}
		return r;
	}
	case C_MMAPOFF: {
		struct drm_wcfb_gem_mmap_offset a = {
			.handle = pick(handles, nhandles),
			.flags = chance(95) ? 0 : edge32(),
		};
		int r = xioctl(DRM_IOCTL_WCFB_GEM_MMAP_OFFSET, &a);

		if (!r && chance(20)) {
			volatile uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
						   MAP_SHARED, fd, a.offset);

			if (p != MAP_FAILED) {
				p[0]++;
				munmap((void *)p, 4096);
			}
		}
		return r;
	}
	case C_PREP: {
		struct drm_wcfb_gem_cpu_prep a = {
			.handle = pick(handles, nhandles),
			.op = chance(85) ? 1 + below(7) : edge32(),
			/* Short waits: the fuzzer must keep moving. */
			.timeout_ns = chance(90) ? (int64_t)below(2000000) : (int64_t)rnd(),
		};

		if (a.timeout_ns > 50000000 || a.timeout_ns < 0)
			a.timeout_ns = chance(50) ? -1 : 0;
		return xioctl(DRM_IOCTL_WCFB_GEM_CPU_PREP, &a);
	}
	case C_FINI: {
		struct drm_wcfb_gem_cpu_fini a = {
			.handle = pick(handles, nhandles),
			.flags = chance(95) ? 0 : edge32(),
		};

		return xioctl(DRM_IOCTL_WCFB_GEM_CPU_FINI, &a);
	}
	case C_BLIT: {
		static struct drm_wcfb_blit_op ops[16];
		struct drm_wcfb_blit a = { 0 };
		uint32_t n = 1 + below(16), i;

		/* Mostly batches of well-formed ops (one field bent in some),
		 * so blits reach the engine; otherwise anything. */
		int good = nbufs && chance(70);

		for (i = 0; i < n; i++) {
			if (good && good_op(&ops[i]))
				continue;
			memset(&ops[i], 0, sizeof(ops[i]));
			ops[i].op = chance(90) ? 1 + below(4) : edge32();
			ops[i].flags = chance(97) ? 0 : edge32();
			ops[i].width = chance(80) ? below(300) : edge32();
			ops[i].height = chance(80) ? below(300) : edge32();
			ops[i].fill = (uint32_t)rnd();
			ops[i].pad = chance(97) ? 0 : 1;
			fill_surface(&ops[i].dst);
			if (ops[i].op != 1 || chance(5))
				fill_surface(&ops[i].src);
		}
		if (good && chance(30)) {
			/* Bend one field of one op. */
			struct drm_wcfb_blit_op *o = &ops[below(n)];

			switch (below(6)) {
			case 0: o->dst.x = edge32(); break;
			case 1: o->width = edge32(); break;
			case 2: o->src.pitch = edge32(); break;
			case 3: o->dst.offset = rnd(); break;
			case 4: o->src.format = random_format(); break;
			default: o->dst.handle = edge32(); break;
			}
		}
		a.ops = chance(97) ? (uintptr_t)ops : rnd();
		a.op_count = chance(95) ? n : edge32();
		a.flags = chance(97) ? 0 : edge32();
		a.in_syncobj = chance(80) ? 0 : pick(syncobjs, nsyncobjs);
		a.out_syncobj = chance(60) ? 0 : pick(syncobjs, nsyncobjs);
		a.reserved = chance(97) ? 0 : rnd();
		return xioctl(DRM_IOCTL_WCFB_BLIT, &a);
	}
	case C_RAW: {
		/* A driver ioctl number (valid or not) with random bytes. */
		static uint8_t buf[256];
		unsigned long nr = DRM_COMMAND_BASE + below(0x20);
		unsigned long dir = chance(50) ? (_IOC_READ | _IOC_WRITE) :
				    chance(50) ? _IOC_WRITE : _IOC_NONE;
		unsigned long size = below(sizeof(buf));
		uint32_t i;

		for (i = 0; i < sizeof(buf); i++)
			buf[i] = chance(50) ? 0 : (uint8_t)rnd();
		return xioctl(_IOC(dir, DRM_IOCTL_BASE, nr, size), buf);
	}
	}
	return -EINVAL;
}

static void learn_ids(void)
{
	drmModeObjectPropertiesPtr pr;
	drmModePlaneResPtr planes;
	drmModeResPtr res;
	uint32_t i, j;

	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1);
	res = drmModeGetResources(fd);
	planes = drmModeGetPlaneResources(fd);
	if (res) {
		for (i = 0; i < (uint32_t)res->count_crtcs && nobj < 64; i++)
			obj_ids[nobj++] = res->crtcs[i];
		for (i = 0; i < (uint32_t)res->count_connectors && nobj < 64; i++)
			obj_ids[nobj++] = res->connectors[i];
		drmModeFreeResources(res);
	}
	for (i = 0; planes && i < planes->count_planes && nobj < 64; i++)
		obj_ids[nobj++] = planes->planes[i];
	drmModeFreePlaneResources(planes);
	for (i = 0; i < nobj; i++) {
		pr = drmModeObjectGetProperties(fd, obj_ids[i], DRM_MODE_OBJECT_ANY);
		for (j = 0; pr && j < pr->count_props && nprop < 256; j++)
			prop_ids[nprop++] = pr->props[j];
		drmModeFreeObjectProperties(pr);
	}
}

int main(int argc, char **argv)
{
	uint64_t seed, n, i, total_fail = 0;
	char json[512];
	unsigned int c;

	if (argc != 4) {
		fprintf(stderr, "usage: wcfb-fuzz NODE SEED CALLS\n");
		return 2;
	}
	seed = strtoull(argv[2], NULL, 0);
	n = strtoull(argv[3], NULL, 0);
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	if (strstr(argv[1], "card") && wcfb_open_pipe(&pipe_ids) == 0) {
		int k;

		/* The pipe's fd: the first opener, so DRM master, with the
		 * atomic cap; everything goes through it. */
		fd = pipe_ids.fd;
		have_pipe = 1;
		for (k = 0; k < pipe_ids.conn->count_modes && nmodes < 16; k++) {
			if (drmModeCreatePropertyBlob(fd, &pipe_ids.conn->modes[k],
						      sizeof(pipe_ids.conn->modes[k]),
						      &mode_blobs[nmodes]))
				continue;
			mode_w[nmodes] = pipe_ids.conn->modes[k].hdisplay;
			mode_h[nmodes++] = pipe_ids.conn->modes[k].vdisplay;
		}
	} else {
		fd = open(argv[1], O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[1]);
			return 1;
		}
	}
	learn_ids();
	printf("fuzz: %s seed %" PRIu64 ", %" PRIu64 " calls, %u objects, %u properties\n",
	       argv[1], seed, n, nobj, nprop);
	for (i = 0; i < n; i++) {
		c = below(C_NUM);
		calls[c]++;
		if (one_call(c)) {
			fails[c]++;
			total_fail++;
		}
	}
	/* The device still answers sensibly after all that. */
	{
		struct drm_wcfb_get_param p = { .param = DRM_WCFB_PARAM_UAPI_VERSION };

		if (xioctl(DRM_IOCTL_WCFB_GET_PARAM, &p) || p.value != WCFB_UAPI_VERSION) {
			printf("not ok - the device stopped answering GET_PARAM\n");
			return 1;
		}
	}
	for (c = 0; c < C_NUM; c++)
		printf("fuzz: %-20s %8" PRIu64 " calls %8" PRIu64 " refused\n",
		       names[c], calls[c], fails[c]);
	snprintf(json, sizeof(json),
		 "{\"name\":\"fuzz\",\"node\":\"%s\",\"seed\":%" PRIu64 ",\"figures\":{"
		 "\"calls\":{\"value\":%" PRIu64 ",\"unit\":\"calls\"},"
		 "\"refused\":{\"value\":%" PRIu64 ",\"unit\":\"calls\"}}}",
		 argv[1], seed, n, total_fail);
	wcfb_bench(json);
	printf("ok - %" PRIu64 " calls, device alive\n", n);
	if (have_pipe)
		wcfb_close_pipe(&pipe_ids);
	else
		close(fd);
	return 0;
}
