// SPDX-License-Identifier: MIT
/* wcfb-permtest: ioctls: every ioctl with valid arguments, its
 * output recorded for the scan at the end (see main.c); the KMS ones are in
 * ioctls_kms.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <drm_fourcc.h>
#include <linux/fb.h>
#include <linux/sync_file.h>

#include "permtest.h"

int calls_ok, calls_failed;

int call(int fd, unsigned long req, void *arg, const char *name)
{
	int ret = wcfb_ioctl(fd, req, arg);

	if (ret) {
		calls_failed++;
		wcfb_ok(0, "ioctls: %s with valid arguments: %s", name, err(ret));
	} else {
		calls_ok++;
	}
	return ret;
}

void fdinfo(const char *what, int fd)
{
	char path[64], buf[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	n = read_file(path, buf, sizeof(buf));
	if (n > 0)
		record("fdinfo", what, buf, n, REC_TEXT);
}

void sync_file_info(const char *what, int sfd, uint64_t t0)
{
	struct sync_file_info si = { 0 }, c;
	struct sync_fence_info *fi;
	uint32_t i;

	if (call(sfd, SYNC_IOC_FILE_INFO, &si, "SYNC_IOC_FILE_INFO"))
		return;
	fi = calloc(si.num_fences + 1, sizeof(*fi));
	si.sync_fence_info = (uintptr_t)fi;
	if (!call(sfd, SYNC_IOC_FILE_INFO, &si, "SYNC_IOC_FILE_INFO")) {
		c = si;
		same_ptr("SYNC_IOC_FILE_INFO", c.sync_fence_info, fi);
		ZERO(c, sync_fence_info);
		record_text("SYNC_IOC_FILE_INFO", what, si.name, sizeof(si.name));
		ZERO(c, name);
		RECORD("SYNC_IOC_FILE_INFO", what, c);
		for (i = 0; i < si.num_fences; i++) {
			struct sync_fence_info f = fi[i];

			record_text("SYNC_IOC_FILE_INFO", what, f.obj_name, sizeof(f.obj_name));
			record_text("SYNC_IOC_FILE_INFO", what, f.driver_name, sizeof(f.driver_name));
			printf("# %s: fence \"%.32s\" of \"%.32s\", status %d\n", what,
			       f.obj_name, f.driver_name, f.status);
			if (f.timestamp_ns)
				check_stamp("SYNC_IOC_FILE_INFO", f.timestamp_ns, t0);
			ZERO(f, obj_name);
			ZERO(f, driver_name);
			ZERO(f, timestamp_ns);
			RECORD("SYNC_IOC_FILE_INFO", what, f);
		}
	}
	free(fi);
}

static void identity(int fd, const char *node)
{
	char name[64] = "", date[64] = "", desc[256] = "";
	struct drm_version v = { .name_len = sizeof(name) - 1, .name = name,
				 .date_len = sizeof(date) - 1, .date = date,
				 .desc_len = sizeof(desc) - 1, .desc = desc }, c;
	int i, ncaps = 0;

	if (!call(fd, DRM_IOCTL_VERSION, &v, "VERSION")) {
		c = v;
		same_ptr("VERSION name", (uintptr_t)c.name, name);
		same_ptr("VERSION date", (uintptr_t)c.date, date);
		same_ptr("VERSION desc", (uintptr_t)c.desc, desc);
		ZERO(c, name);
		ZERO(c, date);
		ZERO(c, desc);
		RECORD("VERSION", node, c);
		record_text("VERSION", node, name, sizeof(name));
		record_text("VERSION", node, date, sizeof(date));
		record_text("VERSION", node, desc, sizeof(desc));
	}
	for (i = 1; i <= 0x15; i++) {
		struct drm_get_cap gc = { .capability = i };
		char d[32];

		if (wcfb_ioctl(fd, DRM_IOCTL_GET_CAP, &gc))
			continue;	/* not every cap exists on every node */
		snprintf(d, sizeof(d), "%s cap %#x", node, i);
		RECORD("GET_CAP", d, gc);
		ncaps++;
	}
	wcfb_ok(ncaps >= 2, "ioctls: GET_CAP on %s: %d capabilities answered", node, ncaps);
	calls_ok += ncaps;
	for (i = DRM_WCFB_PARAM_UAPI_VERSION; i <= DRM_WCFB_PARAM_ENGINE_VERSION; i++) {
		struct drm_wcfb_get_param gp = { .param = i };
		char d[32];

		snprintf(d, sizeof(d), "%s param %d", node, i);
		if (!call(fd, DRM_IOCTL_WCFB_GET_PARAM, &gp, "WCFB_GET_PARAM"))
			RECORD("WCFB_GET_PARAM", d, gp);
	}
}

/* A fresh buffer shows nothing of the memory's previous user. */
/* The DMA address of the newest pool object (debugfs lists oldest first). */
static uint64_t newest_obj(void)
{
	static char buf[FILE_MAX];
	char *p, *last = NULL;

	if (read_file(DEBUGFS "pool", buf, sizeof(buf)) <= 0)
		return 0;
	for (p = buf; (p = strstr(p, "\nobj 0x")); p++)
		last = p;
	return last ? strtoull(last + 7, NULL, 16) : 0;
}

static void fresh_buffers(int fd, int rfd)
{
	uint64_t a0 = 0, a1 = 0;
	struct wcfb_buf b;
	int ret;

	ret = wcfb_buf_dumb(fd, &b, 640, 480, 32, WCFB_MAP_DUMB);
	if (!ret) {
		a0 = newest_obj();
		memset(b.map, 0xa5, b.size);
		wcfb_buf_free(&b);
		ret = wcfb_buf_dumb(fd, &b, 640, 480, 32, WCFB_MAP_DUMB);
		a1 = newest_obj();
	}
	wcfb_ok(!ret && wcfb_buf_all(&b, 0), "ioctls: a new dumb buffer is zeroed (%s; at 0x%" PRIx64 ", %s)",
		err(ret), a1, a0 == a1 ? "the memory just freed with 0xa5 in it" : "not the memory just freed");
	wcfb_buf_free(&b);
	ret = wcfb_buf_cached(rfd, &b, 256, 256, 32, WCFB_MAP_WCFB);
	if (!ret) {
		wcfb_cpu_prep(rfd, b.handle, WCFB_PREP_WRITE);
		memset(b.map, 0xa5, b.size);
		wcfb_cpu_fini(rfd, b.handle);
		wcfb_buf_free(&b);
		ret = wcfb_buf_cached(rfd, &b, 256, 256, 32, WCFB_MAP_WCFB);
	}
	ret = ret ? ret : wcfb_cpu_prep(rfd, b.handle, WCFB_PREP_READ);
	wcfb_ok(!ret && wcfb_buf_all(&b, 0), "ioctls: a fresh cached buffer is zeroed (%s)", err(ret));
	wcfb_buf_free(&b);
}

static void legacy_and_misc(int fd)
{
	struct drm_client cl = { .idx = 0 };
	struct drm_stats stt;
	struct drm_auth au = { 0 };
	struct drm_unique u = { 0 };
	char unique[128] = "";

	if (!call(fd, DRM_IOCTL_GET_UNIQUE, &u, "GET_UNIQUE")) {
		u.unique = unique;
		u.unique_len = u.unique_len < sizeof(unique) - 1 ? u.unique_len : sizeof(unique) - 1;
		if (!call(fd, DRM_IOCTL_GET_UNIQUE, &u, "GET_UNIQUE")) {
			same_ptr("GET_UNIQUE", (uintptr_t)u.unique, unique);
			ZERO(u, unique);
			RECORD("GET_UNIQUE", "", u);
			record_text("GET_UNIQUE", "", unique, sizeof(unique));
		}
	}
	if (!call(fd, DRM_IOCTL_GET_MAGIC, &au, "GET_MAGIC"))
		RECORD("GET_MAGIC", "", au);
	if (!call(fd, DRM_IOCTL_GET_CLIENT, &cl, "GET_CLIENT"))
		RECORD("GET_CLIENT", "", cl);
	memset(&stt, 0, sizeof(stt));
	if (!call(fd, DRM_IOCTL_GET_STATS, &stt, "GET_STATS"))
		RECORD("GET_STATS", "", stt);
}

static void gem_and_prime(int fd, int rfd, struct wcfb_buf *d)
{
	struct drm_gem_flink fl = { .handle = d->handle };
	struct drm_prime_handle ph = { .handle = d->handle, .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_gem_close gc;

	{
		struct drm_wcfb_gem_mmap_offset mo = { .handle = d->handle };

		if (!call(fd, DRM_IOCTL_WCFB_GEM_MMAP_OFFSET, &mo, "WCFB_GEM_MMAP_OFFSET")) {
			wcfb_ok(mo.offset == d->offset,
				"ioctls: WCFB_GEM_MMAP_OFFSET of a dumb buffer is MAP_DUMB's offset");
			check_offset("WCFB_GEM_MMAP_OFFSET", mo.offset);
			ZERO(mo, offset);
			RECORD("WCFB_GEM_MMAP_OFFSET", "dumb", mo);
		}
	}
	if (!call(fd, DRM_IOCTL_GEM_FLINK, &fl, "GEM_FLINK")) {
		struct drm_gem_open go = { .name = fl.name };

		RECORD("GEM_FLINK", "", fl);
		if (!call(fd, DRM_IOCTL_GEM_OPEN, &go, "GEM_OPEN")) {
			RECORD("GEM_OPEN", "", go);
			gc.handle = go.handle;
			if (go.handle != d->handle)
				wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
		}
	}
	if (!call(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph, "PRIME_HANDLE_TO_FD")) {
		struct drm_prime_handle self = { .fd = ph.fd }, other = { .fd = ph.fd };

		RECORD("PRIME_HANDLE_TO_FD", "dumb", ph);
		fdinfo("dma-buf", ph.fd);
		if (!call(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &self, "PRIME_FD_TO_HANDLE")) {
			RECORD("PRIME_FD_TO_HANDLE", "self", self);
			wcfb_ok(self.handle == d->handle, "ioctls: self-import gives the same handle");
		}
		if (!call(rfd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &other, "PRIME_FD_TO_HANDLE")) {
			RECORD("PRIME_FD_TO_HANDLE", "render node", other);
			gc.handle = other.handle;
			wcfb_ioctl(rfd, DRM_IOCTL_GEM_CLOSE, &gc);
		}
		close(ph.fd);
	}
	{
		struct drm_mode_fb_cmd af = { .width = d->width, .height = d->height, .pitch = d->pitch,
					      .bpp = 32, .depth = 24, .handle = d->handle };
		struct drm_mode_fb_cmd gf = { 0 };
		struct drm_mode_fb_cmd2 gf2 = { 0 };

		if (!call(fd, DRM_IOCTL_MODE_ADDFB, &af, "MODE_ADDFB")) {
			RECORD("MODE_ADDFB", "", af);
			gf.fb_id = af.fb_id;
			if (!call(fd, DRM_IOCTL_MODE_GETFB, &gf, "MODE_GETFB")) {
				RECORD("MODE_GETFB", "", gf);
				gc.handle = gf.handle;
				if (gf.handle != d->handle)
					wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
			}
			gf2.fb_id = af.fb_id;
			if (!call(fd, DRM_IOCTL_MODE_GETFB2, &gf2, "MODE_GETFB2")) {
				RECORD("MODE_GETFB2", "", gf2);
				gc.handle = gf2.handles[0];
				if (gf2.handles[0] != d->handle)
					wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
			}
			call(fd, DRM_IOCTL_MODE_RMFB, &af.fb_id, "MODE_RMFB");
		}
	}
}

static void blits_and_syncobjs(int rfd, int has_blit)
{
	struct drm_syncobj_create sc = { 0 };
	uint64_t t0 = mono_ns();
	struct wcfb_buf b, s;
	int ret;

	if (wcfb_buf_cached(rfd, &b, 256, 256, 32, WCFB_MAP_WCFB) || wcfb_buf_cached(rfd, &s, 256, 256, 32, WCFB_MAP_WCFB)) {
		wcfb_ok(0, "ioctls: cached buffers on the render node");
		return;
	}
	{
		struct drm_wcfb_gem_create_cached cs = { .size = 10000 };
		struct drm_gem_close gc;

		if (!call(rfd, DRM_IOCTL_WCFB_GEM_CREATE_CACHED, &cs, "WCFB_GEM_CREATE_CACHED")) {
			RECORD("WCFB_GEM_CREATE_CACHED", "size", cs);
			gc.handle = cs.handle;
			wcfb_ioctl(rfd, DRM_IOCTL_GEM_CLOSE, &gc);
		}
	}
	{
		struct drm_wcfb_gem_cpu_prep cp = { .handle = s.handle, .op = WCFB_PREP_WRITE,
						    .timeout_ns = 1000000000 };
		struct drm_wcfb_gem_cpu_fini cf = { .handle = s.handle };

		if (!call(rfd, DRM_IOCTL_WCFB_GEM_CPU_PREP, &cp, "WCFB_GEM_CPU_PREP"))
			RECORD("WCFB_GEM_CPU_PREP", "", cp);
		fill_pattern(&s, 3);
		if (!call(rfd, DRM_IOCTL_WCFB_GEM_CPU_FINI, &cf, "WCFB_GEM_CPU_FINI"))
			RECORD("WCFB_GEM_CPU_FINI", "", cf);
	}
	if (call(rfd, DRM_IOCTL_SYNCOBJ_CREATE, &sc, "SYNCOBJ_CREATE"))
		return;
	RECORD("SYNCOBJ_CREATE", "", sc);
	if (has_blit) {
		struct drm_wcfb_blit_op op = { .op = WCFB_BLIT_OP_COPY, .width = 256, .height = 256,
			.dst = { .handle = b.handle, .format = DRM_FORMAT_XRGB8888, .pitch = b.pitch },
			.src = { .handle = s.handle, .format = DRM_FORMAT_XRGB8888, .pitch = s.pitch } };
		struct drm_wcfb_blit bl = { .ops = (uintptr_t)&op, .op_count = 1,
					    .out_syncobj = sc.handle };
		uint32_t hs = sc.handle;
		struct drm_syncobj_wait sw = { .handles = (uintptr_t)&hs, .count_handles = 1,
			.timeout_nsec = (int64_t)(mono_ns() + 5000000000ull) };
		struct drm_syncobj_handle sh = { .handle = sc.handle }, fh = { 0 },
			sf = { .handle = sc.handle, .flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE };

		if (!call(rfd, DRM_IOCTL_WCFB_BLIT, &bl, "WCFB_BLIT"))
			RECORD("WCFB_BLIT", "out-syncobj", bl);
		if (!call(rfd, DRM_IOCTL_SYNCOBJ_WAIT, &sw, "SYNCOBJ_WAIT")) {
			same_ptr("SYNCOBJ_WAIT", sw.handles, &hs);
			ZERO(sw, handles);
			ZERO(sw, timeout_nsec);	/* our own input */
			RECORD("SYNCOBJ_WAIT", "", sw);
		}
		ret = wcfb_cpu_prep(rfd, b.handle, WCFB_PREP_READ);
		wcfb_ok(!ret && !memcmp(b.map, s.map, b.size), "ioctls: the blit copied (%s)", err(ret));
		if (!call(rfd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sf, "SYNCOBJ_HANDLE_TO_FD")) {
			RECORD("SYNCOBJ_HANDLE_TO_FD", "sync_file", sf);
			sync_file_info("blit fence", sf.fd, t0);
			fdinfo("sync_file", sf.fd);
			close(sf.fd);
		}
		if (!call(rfd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh, "SYNCOBJ_HANDLE_TO_FD")) {
			RECORD("SYNCOBJ_HANDLE_TO_FD", "", sh);
			fdinfo("syncobj", sh.fd);
			fh.fd = sh.fd;
			if (!call(rfd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &fh, "SYNCOBJ_FD_TO_HANDLE")) {
				struct drm_syncobj_destroy sd = { .handle = fh.handle };

				RECORD("SYNCOBJ_FD_TO_HANDLE", "", fh);
				wcfb_ioctl(rfd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
			}
			close(sh.fd);
		}
	}
	{
		struct drm_syncobj_destroy sd = { .handle = sc.handle };

		call(rfd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd, "SYNCOBJ_DESTROY");
	}
	{
		struct drm_prime_handle ph = { .handle = b.handle, .flags = DRM_CLOEXEC };

		if (!call(rfd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph, "PRIME_HANDLE_TO_FD")) {
			RECORD("PRIME_HANDLE_TO_FD", "cached", ph);
			fdinfo("dma-buf (cached)", ph.fd);
			close(ph.fd);
		}
	}
	wcfb_buf_free(&b);
	wcfb_buf_free(&s);
}

static void fbdev(void)
{
	struct fb_fix_screeninfo fix;
	struct fb_var_screeninfo var;
	int fd = open("/dev/fb0", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("# no /dev/fb0: %s\n", strerror(errno));
		return;
	}
	memset(&fix, 0, sizeof(fix));
	if (!call(fd, FBIOGET_FSCREENINFO, &fix, "FBIOGET_FSCREENINFO")) {
		printf("# fb0: smem_start 0x%lx, mmio_start 0x%lx\n", fix.smem_start, fix.mmio_start);
		record_text("FBIOGET_FSCREENINFO", "id", fix.id, sizeof(fix.id));
		ZERO(fix, id);
		RECORD("FBIOGET_FSCREENINFO", "", fix);
	}
	memset(&var, 0, sizeof(var));
	if (!call(fd, FBIOGET_VSCREENINFO, &var, "FBIOGET_VSCREENINFO"))
		RECORD("FBIOGET_VSCREENINFO", "", var);
	close(fd);
}

int cmd_ioctls(void)
{
	struct wcfb_pipe p;
	struct wcfb_buf d1, d2;
	int rfd, ret, has_blit, hits, i;

	ret = wcfb_open_pipe(&p);
	wcfb_ok(!ret && drmIsMaster(p.fd), "ioctls: card0, master (%s)", err(ret));
	rfd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	wcfb_ok(rfd >= 0, "ioctls: renderD128");
	if (ret || rfd < 0)
		return 1;
	recording = 1;
	has_blit = wcfb_get_param(p.fd, DRM_WCFB_PARAM_HAS_BLITTER) == 1;
	identity(p.fd, "card0");
	identity(rfd, "renderD128");
	legacy_and_misc(p.fd);
	fresh_buffers(p.fd, rfd);
	ret = wcfb_buf_dumb(p.fd, &d1, 640, 480, 32, WCFB_MAP_DUMB);
	ret = ret ? ret : wcfb_buf_addfb(&d1, DRM_FORMAT_XRGB8888);
	ret = ret ? ret : wcfb_buf_dumb(p.fd, &d2, 640, 480, 32, WCFB_MAP_DUMB);
	ret = ret ? ret : wcfb_buf_addfb(&d2, DRM_FORMAT_XRGB8888);
	wcfb_ok(!ret, "ioctls: two dumb buffers with framebuffers (%s)", err(ret));
	if (ret)
		return 1;
	fill_pattern(&d1, 1);
	fill_pattern(&d2, 2);
	kms_reads(p.fd);
	collect_addrs();
	gem_and_prime(p.fd, rfd, &d1);
	blits_and_syncobjs(rfd, has_blit);
	display(&p, &d1, &d2);
	collect_addrs();
	kms_reads(p.fd);	/* again, with our framebuffer on screen */
	fbdev();
	fdinfo("card0", p.fd);
	fdinfo("renderD128", rfd);
	collect_addrs();
	wcfb_ok(!collect_addrs() && naddrs >= 3,
		"ioctls: %d DMA addresses from debugfs, %d ranges (System RAM, pool, buffers)",
		naddrs, nranges);
	hits = scan_records(1);
	printf("# ioctls checked:");
	for (i = 0; i < nioc; i++)
		printf(" %s", ioc_names[i]);
	printf("\n");
	wcfb_ok(!hits && !calls_failed,
		"ioctls: %d ioctl kinds, %d successful calls, %lu outputs, %lu 64-bit words, %lu text bytes: %d address-like values",
		nioc, calls_ok, scanned.outputs, scanned.words, scanned.text_bytes, hits);
	wcfb_buf_free(&d1);
	wcfb_buf_free(&d2);
	close(rfd);
	wcfb_close_pipe(&p);
	return 0;
}
