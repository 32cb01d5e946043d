// SPDX-License-Identifier: MIT
/* wcfb-permtest: handles: other files cannot use client A's
 * handles, names or framebuffers, nor modeset while A is master (see main.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "permtest.h"

/* A private copy of a /dev/dri node that uid 65534 may open, as a seat
 * manager's ACL would grant it: the node's permissions are not what is
 * tested, the driver's and DRM's checks behind them are. */
static int private_node(const char *dir, const char *node, char *out, size_t len)
{
	char src[64];
	struct stat sb;

	snprintf(src, sizeof(src), "/dev/dri/%s", node);
	snprintf(out, len, "%s/%s", dir, node);
	if (stat(src, &sb) || mknod(out, S_IFCHR | 0600, sb.st_rdev) ||
	    chown(out, NOBODY, NOBODY))
		return -errno;
	return 0;
}

static int scanout_state(uint64_t *addr, uint64_t *flips)
{
	char buf[1024], *p;

	if (read_file(DEBUGFS "scanout", buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "addr 0x");
	*addr = p ? strtoull(p + 7, NULL, 16) : 0;
	p = strstr(buf, "flips ");
	*flips = p ? strtoull(p + 6, NULL, 10) : 0;
	return 0;
}

/* What a file without A's handles gets for each of them (the same
 * numbers may name nothing, or its own objects: here, nothing). */
static void foreign_handles(const char *who, int fd, const uint32_t *h,
			    const uint64_t *off, int n, uint32_t a_syncobj,
			    int has_blit, int render)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		void *m;

		struct drm_gem_close gc = { .handle = h[i] };
		struct drm_prime_handle ph = { .handle = h[i], .flags = DRM_CLOEXEC };
		struct drm_wcfb_gem_mmap_offset mo = { .handle = h[i] };
		struct drm_wcfb_gem_cpu_fini cf = { .handle = h[i] };
		struct drm_mode_map_dumb md = { .handle = h[i] };
		struct drm_gem_flink fl = { .handle = h[i] };

		ret = has_blit ? wcfb_blit_fill(fd, h[i], 256, 16, 16, 0xdead, 0, 0) : -ENOENT;
		wcfb_ok(ret == -ENOENT, "%s: BLIT into A's handle %u -> %s", who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_MMAP_OFFSET, &mo);
		wcfb_ok(ret == -ENOENT, "%s: WCFB_GEM_MMAP_OFFSET of A's handle %u -> %s", who, h[i], err(ret));
		ret = wcfb_cpu_prep(fd, h[i], WCFB_PREP_READ);
		wcfb_ok(ret == -ENOENT, "%s: WCFB_GEM_CPU_PREP of A's handle %u -> %s", who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CPU_FINI, &cf);
		wcfb_ok(ret == -ENOENT, "%s: WCFB_GEM_CPU_FINI of A's handle %u -> %s", who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
		wcfb_ok(ret == -ENOENT, "%s: PRIME_HANDLE_TO_FD of A's handle %u -> %s", who, h[i], err(ret));
		if (!ret)
			close(ph.fd);
		/* Render nodes refuse MAP_DUMB and FLINK outright (no
		 * DRM_RENDER_ALLOW); an unauthenticated primary client is
		 * refused FLINK (DRM_AUTH) and finds no object to map. */
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &md);
		wcfb_ok(ret == (render ? -EACCES : -ENOENT), "%s: MODE_MAP_DUMB of A's handle %u -> %s",
			who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_GEM_FLINK, &fl);
		wcfb_ok(ret == -EACCES, "%s: GEM_FLINK of A's handle %u -> %s", who, h[i], err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
		wcfb_ok(ret == -EINVAL, "%s: GEM_CLOSE of A's handle %u -> %s", who, h[i], err(ret));
		/* Fake offsets are device-wide; only files with a handle to
		 * the object are on its vma node's allow list. */
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off[i]);
		ret = m == MAP_FAILED ? -errno : 0;
		wcfb_ok(ret == -EACCES, "%s: mmap of A's buffer %u at its offset 0x%" PRIx64 " -> %s",
			who, h[i], off[i], err(ret));
		if (m != MAP_FAILED)
			munmap(m, 4096);
	}
	{
		struct drm_syncobj_handle sh = { .handle = a_syncobj };
		struct drm_syncobj_destroy sd = { .handle = a_syncobj };
		uint32_t hs = a_syncobj;
		struct drm_syncobj_wait sw = { .handles = (uintptr_t)&hs, .count_handles = 1 };

		ret = wcfb_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh);
		wcfb_ok(ret == -EINVAL, "%s: SYNCOBJ_HANDLE_TO_FD of A's syncobj %u -> %s", who, a_syncobj, err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &sw);
		wcfb_ok(ret == -ENOENT, "%s: SYNCOBJ_WAIT on A's syncobj -> %s", who, err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
		wcfb_ok(ret == -EINVAL, "%s: SYNCOBJ_DESTROY of A's syncobj -> %s", who, err(ret));
	}
}

/* Render nodes: no modesetting, whoever opened them. */
static void render_no_kms(const char *who, int fd, const struct wcfb_pipe *p,
			  const drmModeModeInfo *mode, uint32_t a_fb)
{
	struct drm_mode_create_dumb cd = { .width = 64, .height = 64, .bpp = 32 };
	struct drm_mode_card_res res = { 0 };
	uint32_t conn = p->conn_id;
	struct drm_mode_crtc sc = { .set_connectors_ptr = (uintptr_t)&conn,
		.count_connectors = 1, .crtc_id = p->crtc_id, .fb_id = a_fb,
		.mode_valid = 1 };
	struct atom a;
	int ret;

	memcpy(&sc.mode, mode, sizeof(sc.mode));
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd);
	wcfb_ok(ret == -EACCES, "%s: CREATE_DUMB -> %s", who, err(ret));
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res);
	wcfb_ok(ret == -EACCES, "%s: GETRESOURCES -> %s", who, err(ret));
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &sc);
	wcfb_ok(ret == -EACCES, "%s: SETCRTC -> %s", who, err(ret));
	atom_show(&a, p, 0, a_fb, mode->hdisplay, mode->vdisplay);
	ret = atom_commit(fd, &a, DRM_MODE_ATOMIC_TEST_ONLY, 0, NULL);
	wcfb_ok(ret == -EACCES, "%s: atomic commit -> %s", who, err(ret));
}

/* The unprivileged client (uid 65534, in a child), on private nodes. */
static int unprivileged(const char *dir, const struct wcfb_pipe *p,
			const drmModeModeInfo *mode, uint32_t a_fb,
			const uint32_t *h, const uint64_t *off, int n,
			uint32_t a_syncobj, uint32_t flink, int has_blit)
{
	char card[PATH_MAX], render[PATH_MAX];
	uint32_t conn = p->conn_id, blob = 0;
	struct atom a;
	int fd, rfd, ret;

	snprintf(card, sizeof(card), "%s/card0", dir);
	snprintf(render, sizeof(render), "%s/renderD128", dir);
	ret = drop_privileges();
	wcfb_ok(!ret, "unpriv: now uid/gid %d, no capabilities", NOBODY);
	if (ret)
		return 1;
	fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	wcfb_ok(fd < 0 && errno == EACCES, "unpriv: /dev/dri/card0 itself -> %s",
		fd < 0 ? strerror(errno) : "opened");
	if (fd >= 0)
		close(fd);
	fd = open(card, O_RDWR | O_CLOEXEC);
	wcfb_ok(fd >= 0, "unpriv: a primary-node file granted to uid %d (%s)", NOBODY,
		fd < 0 ? strerror(errno) : "ok");
	if (fd < 0)
		return 1;
	wcfb_ok(!drmIsMaster(fd), "unpriv: not master while A is");
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	ret = drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) ? -errno : 0;
	wcfb_ok(!ret, "unpriv: SET_CLIENT_CAP ATOMIC allowed (%s)", err(ret));

	/* Modesetting: every path is DRM_MASTER. */
	{
		struct drm_mode_crtc sc = { .set_connectors_ptr = (uintptr_t)&conn,
			.count_connectors = 1, .crtc_id = p->crtc_id, .fb_id = a_fb,
			.mode_valid = 1 };
		struct drm_mode_crtc_page_flip pf = { .crtc_id = p->crtc_id, .fb_id = a_fb,
			.flags = DRM_MODE_PAGE_FLIP_EVENT };
		struct drm_mode_set_plane sp = { .plane_id = p->plane_id, .crtc_id = p->crtc_id,
			.fb_id = a_fb, .crtc_w = 64, .crtc_h = 64, .src_w = 64 << 16,
			.src_h = 64 << 16 };
		struct drm_mode_obj_set_property op = { .value = 0, .prop_id = p->crtc_active,
			.obj_id = p->crtc_id, .obj_type = DRM_MODE_OBJECT_CRTC };
		struct drm_mode_fb_dirty_cmd dc = { .fb_id = a_fb };
		struct drm_mode_cursor cu = { .flags = DRM_MODE_CURSOR_MOVE, .crtc_id = p->crtc_id };
		uint32_t objs[3] = { p->crtc_id, p->conn_id, p->plane_id };
		struct drm_mode_create_lease cl = { .object_ids = (uintptr_t)objs,
			.object_count = 3, .flags = O_CLOEXEC };
		struct drm_auth au = { .magic = 1 };

		memcpy(&sc.mode, mode, sizeof(sc.mode));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &sc);
		wcfb_ok(ret == -EACCES, "unpriv: SETCRTC with A's framebuffer -> %s", err(ret));
		ret = mode_blob(fd, mode, &blob);
		wcfb_ok(!ret, "unpriv: CREATEPROPBLOB allowed (%s)", err(ret));
		atom_show(&a, p, blob, a_fb, mode->hdisplay, mode->vdisplay);
		ret = atom_commit(fd, &a, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET, 0, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: atomic TEST_ONLY modeset -> %s", err(ret));
		ret = atom_commit(fd, &a, DRM_MODE_ATOMIC_ALLOW_MODESET, 0, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: atomic modeset -> %s", err(ret));
		ret = atom_commit(fd, &a, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, 0, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: atomic page flip -> %s", err(ret));
		destroy_blob(fd, blob);
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_PAGE_FLIP, &pf);
		wcfb_ok(ret == -EACCES, "unpriv: PAGE_FLIP -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_SETPLANE, &sp);
		wcfb_ok(ret == -EACCES, "unpriv: SETPLANE -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_OBJ_SETPROPERTY, &op);
		wcfb_ok(ret == -EACCES, "unpriv: OBJ_SETPROPERTY ACTIVE=0 -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_DIRTYFB, &dc);
		wcfb_ok(ret == -EACCES, "unpriv: DIRTYFB on A's framebuffer -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CURSOR, &cu);
		wcfb_ok(ret == -EACCES, "unpriv: CURSOR -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CREATE_LEASE, &cl);
		wcfb_ok(ret == -EACCES, "unpriv: CREATE_LEASE -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_SET_MASTER, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: SET_MASTER -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_DROP_MASTER, NULL);
		wcfb_ok(ret == -EACCES, "unpriv: DROP_MASTER -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_AUTH_MAGIC, &au);
		wcfb_ok(ret == -EACCES, "unpriv: AUTH_MAGIC -> %s", err(ret));
	}
	/* A's framebuffer: visible by id, but no handle to it, not removable. */
	{
		struct drm_mode_fb_cmd gf = { .fb_id = a_fb };
		struct drm_mode_fb_cmd2 gf2 = { .fb_id = a_fb };
		struct drm_gem_open go = { .name = flink };
		uint32_t id = a_fb;

		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_GETFB, &gf);
		wcfb_ok(!ret && !gf.handle, "unpriv: GETFB of A's framebuffer gives no handle (%s, handle %u)",
			err(ret), gf.handle);
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_GETFB2, &gf2);
		wcfb_ok(!ret && !gf2.handles[0], "unpriv: GETFB2 of A's framebuffer gives no handle (%s, handle %u)",
			err(ret), gf2.handles[0]);
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_RMFB, &id);
		wcfb_ok(ret == -ENOENT, "unpriv: RMFB of A's framebuffer -> %s", err(ret));
		ret = wcfb_ioctl(fd, DRM_IOCTL_GEM_OPEN, &go);
		wcfb_ok(ret == -EACCES, "unpriv: GEM_OPEN of A's FLINK name -> %s", err(ret));
	}
	foreign_handles("unpriv", fd, h, off, n, a_syncobj, has_blit, 0);
	/* Its own buffers and framebuffers are fine; showing them is not. */
	{
		struct drm_mode_crtc sc = { .set_connectors_ptr = (uintptr_t)&conn,
			.count_connectors = 1, .crtc_id = p->crtc_id, .mode_valid = 1 };
		struct wcfb_buf own;

		ret = wcfb_buf_dumb(fd, &own, mode->hdisplay, mode->vdisplay, 32, WCFB_MAP_DUMB);
		ret = ret ? ret : wcfb_buf_addfb(&own, DRM_FORMAT_XRGB8888);
		wcfb_ok(!ret, "unpriv: own dumb buffer + ADDFB2 allowed (%s)", err(ret));
		memcpy(&sc.mode, mode, sizeof(sc.mode));
		sc.fb_id = own.fb_id;
		ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &sc);
		wcfb_ok(ret == -EACCES, "unpriv: SETCRTC with its own framebuffer -> %s", err(ret));
		wcfb_buf_free(&own);
	}
	close(fd);

	/* The render node, as uid 65534: buffers and blits, nothing else. */
	rfd = open(render, O_RDWR | O_CLOEXEC);
	wcfb_ok(rfd >= 0, "unpriv: a render-node file granted to uid %d (%s)", NOBODY,
		rfd < 0 ? strerror(errno) : "ok");
	if (rfd < 0)
		return 1;
	foreign_handles("unpriv render", rfd, h, off, n, a_syncobj, has_blit, 1);
	render_no_kms("unpriv render", rfd, p, mode, a_fb);
	{
		struct wcfb_buf own;

		ret = wcfb_buf_cached(rfd, &own, 64, 64, 32, WCFB_MAP_WCFB);
		wcfb_ok(!ret, "unpriv render: cached buffer + mmap (%s)", err(ret));
		if (!ret && has_blit) {
			ret = wcfb_blit_fill(rfd, own.handle, own.pitch, 64, 64, 0x00123456, 0, 0);
			ret = ret ? ret : wcfb_cpu_prep(rfd, own.handle, WCFB_PREP_READ);
			wcfb_ok(!ret && wcfb_buf_all(&own, 0x00123456),
				"unpriv render: blit into its own buffer (%s)", err(ret));
		}
		wcfb_buf_free(&own);
	}
	close(rfd);
	return 0;
}

int cmd_handles(void)
{
	char dir[] = "/tmp/wcfb-permtest.XXXXXX", node[PATH_MAX];
	uint64_t addr0, flips0, addr1, flips1;
	uint8_t *dsave, *csave;
	const drmModeModeInfo *mode;
	struct wcfb_pipe p;
	struct wcfb_buf d, c, r;
	uint32_t h[2], sync = 0, flink = 0, fill;
	uint64_t off[2];
	int rfd, ret, has_blit, status, i;
	pid_t pid;

	ret = wcfb_open_pipe(&p);
	wcfb_ok(!ret, "handles: A opens card0 (%s)", err(ret));
	if (ret)
		return 1;
	wcfb_ok(drmIsMaster(p.fd), "handles: A is master");
	has_blit = wcfb_get_param(p.fd, DRM_WCFB_PARAM_HAS_BLITTER) == 1;
	if (!has_blit)
		printf("# no blitter: blits are not exercised\n");
	mode = wcfb_find_mode(&p, 640, 480);
	ret = wcfb_buf_dumb(p.fd, &d, 640, 480, 32, WCFB_MAP_DUMB);
	ret = ret ? ret : wcfb_buf_addfb(&d, DRM_FORMAT_XRGB8888);
	ret = ret ? ret : wcfb_buf_cached(p.fd, &c, 256, 256, 32, WCFB_MAP_WCFB);
	wcfb_ok(!ret && mode, "handles: A's dumb buffer + framebuffer and cached buffer (%s)", err(ret));
	if (ret || !mode)
		return 1;
	fill_pattern(&d, 7);
	wcfb_cpu_prep(p.fd, c.handle, WCFB_PREP_WRITE);
	fill_pattern(&c, 8);
	wcfb_cpu_fini(p.fd, c.handle);
	{
		struct drm_syncobj_create sc = { 0 };
		struct drm_gem_flink fl = { .handle = d.handle };

		ret = wcfb_ioctl(p.fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
		ret = ret ? ret : wcfb_ioctl(p.fd, DRM_IOCTL_GEM_FLINK, &fl);
		wcfb_ok(!ret, "handles: A's syncobj and FLINK name (%s)", err(ret));
		sync = sc.handle;
		flink = fl.name;
	}
	h[0] = d.handle;
	h[1] = c.handle;
	off[0] = d.offset;
	off[1] = c.offset;
	printf("# A: dumb handle %u (fb %u), cached handle %u, syncobj %u, flink %u\n",
	       d.handle, d.fb_id, c.handle, sync, flink);
	dsave = malloc(d.size);
	csave = malloc(c.size);
	memcpy(dsave, d.map, d.size);
	memcpy(csave, c.map, c.size);

	/* Root on the render node: a file of its own, without A's handles. */
	rfd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC);
	wcfb_ok(rfd >= 0, "handles: R opens renderD128");
	if (rfd < 0)
		return 1;
	foreign_handles("render", rfd, h, off, 2, sync, has_blit, 1);
	render_no_kms("render", rfd, &p, mode, d.fb_id);
	{
		struct drm_gem_open go = { .name = flink };

		ret = wcfb_ioctl(rfd, DRM_IOCTL_GEM_OPEN, &go);
		wcfb_ok(ret == -EACCES, "render: GEM_OPEN of A's FLINK name -> %s", err(ret));
	}
	/* R's own buffer probably gets one of A's handle numbers: that number
	 * names R's buffer on R, and A's buffer stays A's. */
	ret = wcfb_buf_cached(rfd, &r, 256, 256, 32, WCFB_MAP_WCFB);
	wcfb_ok(!ret, "render: R's own cached buffer, handle %u (%s)", r.handle, err(ret));
	if (!ret) {
		struct drm_prime_handle ph = { .handle = r.handle, .flags = DRM_CLOEXEC };
		uint32_t other = r.handle == h[0] ? h[1] : h[0];

		ret = wcfb_ioctl(rfd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
		wcfb_ok(!ret, "render: PRIME export of its own handle works (%s)", err(ret));
		if (!ret)
			close(ph.fd);
		wcfb_ok(!wcfb_cpu_prep(rfd, r.handle, WCFB_PREP_WRITE) && !wcfb_cpu_fini(rfd, r.handle),
			"render: CPU_PREP/FINI of its own handle work");
		if (has_blit) {
			ret = wcfb_blit_fill(rfd, r.handle, r.pitch, 256, 256, 0x00abcdef, 0, 0);
			ret = ret ? ret : wcfb_cpu_prep(rfd, r.handle, WCFB_PREP_READ);
			wcfb_ok(!ret && wcfb_buf_all(&r, 0x00abcdef),
				"render: blit into its own handle %u works (%s)", r.handle, err(ret));
			ret = wcfb_blit_copy(rfd, r.handle, r.pitch, other, r.pitch, 64, 64);
			wcfb_ok(ret == -ENOENT, "render: COPY from A's handle %u -> %s", other, err(ret));
			ret = wcfb_blit_fill(rfd, r.handle, r.pitch, 256, 256, 0, sync, 0);
			wcfb_ok(ret == -ENOENT, "render: BLIT waiting on A's syncobj -> %s", err(ret));
			ret = wcfb_blit_fill(rfd, r.handle, r.pitch, 256, 256, 0, 0, sync);
			wcfb_ok(ret == -ENOENT, "render: BLIT signalling A's syncobj -> %s", err(ret));
		}
		wcfb_buf_free(&r);
	}
	close(rfd);

	/* A shows its buffer; an unprivileged client tries to take over. */
	ret = wcfb_commit(&p, mode, d.fb_id, 640, 480, DRM_MODE_PAGE_FLIP_EVENT);
	ret = ret ? ret : wcfb_wait_flip(&p, 2000, NULL, NULL);
	wcfb_ok(!ret, "handles: A's modeset (%s)", err(ret));
	scanout_state(&addr0, &flips0);
	if (!mkdtemp(dir) || chmod(dir, 0755) ||
	    private_node(dir, "card0", node, sizeof(node)) ||
	    private_node(dir, "renderD128", node, sizeof(node))) {
		wcfb_ok(0, "handles: private device nodes in %s: %s", dir, strerror(errno));
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		ret = unprivileged(dir, &p, mode, d.fb_id, h, off, 2, sync, flink, has_blit);
		fflush(stdout);
		_exit(ret || wcfb_failures ? 1 : 0);
	}
	status = -1;
	waitpid(pid, &status, 0);
	wcfb_ok(WIFEXITED(status) && !WEXITSTATUS(status), "handles: the unprivileged client's checks");
	snprintf(node, sizeof(node), "%s/card0", dir);
	unlink(node);
	snprintf(node, sizeof(node), "%s/renderD128", dir);
	unlink(node);
	rmdir(dir);

	/* Nothing happened to A's display, buffers or rights. */
	scanout_state(&addr1, &flips1);
	wcfb_ok(addr1 == addr0 && flips1 == flips0,
		"handles: scanout unchanged (0x%" PRIx64 ", %" PRIu64 " flips)", addr1, flips1);
	wcfb_ok(drmIsMaster(p.fd), "handles: A is still master");
	wcfb_ok(!memcmp(d.map, dsave, d.size), "handles: A's dumb buffer unchanged");
	ret = wcfb_cpu_prep(p.fd, c.handle, WCFB_PREP_READ);
	wcfb_ok(!ret && !memcmp(c.map, csave, c.size), "handles: A's cached buffer unchanged (%s)", err(ret));
	{
		struct drm_mode_fb_cmd gf = { .fb_id = d.fb_id };
		struct drm_gem_close gc;

		ret = wcfb_ioctl(p.fd, DRM_IOCTL_MODE_GETFB, &gf);
		wcfb_ok(!ret && gf.handle, "handles: A's framebuffer still there, GETFB gives A a handle (%s)",
			err(ret));
		gc.handle = gf.handle;
		if (gf.handle && gf.handle != d.handle)
			wcfb_ioctl(p.fd, DRM_IOCTL_GEM_CLOSE, &gc);
	}
	for (i = 0; has_blit && i < 2; i++) {
		fill = 0x00100000 * (i + 1) + 0x55;
		ret = wcfb_blit_fill(p.fd, h[i], i ? c.pitch : d.pitch, 64, 64, fill, 0, sync);
		ret = ret ? ret : wcfb_cpu_prep(p.fd, h[i], WCFB_PREP_READ);
		wcfb_ok(!ret && ((uint32_t *)(i ? c.map : d.map))[0] == fill,
			"handles: A still blits into its handle %u with its syncobj (%s)", h[i], err(ret));
	}
	ret = wcfb_commit(&p, NULL, d.fb_id, 640, 480, DRM_MODE_PAGE_FLIP_EVENT);
	ret = ret ? ret : wcfb_wait_flip(&p, 2000, NULL, NULL);
	wcfb_ok(!ret, "handles: A still page-flips (%s)", err(ret));
	free(dsave);
	free(csave);
	wcfb_buf_free(&c);
	wcfb_buf_free(&d);
	wcfb_close_pipe(&p);
	return 0;
}
