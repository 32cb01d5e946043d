// SPDX-License-Identifier: MIT
/* Guest-side harness protocol, KMS helpers and buffer/blitter wrappers for
 * wcfb's test clients. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "drm/wcfb_drm.h"
#include "wcfb_client.h"
#include "wcfb_pattern.h"

#define CTL_TTY "/dev/ttyAMA0"

int wcfb_failures;

/*
 * WCFB_MAKE_IT_FAIL=1 in the environment: this process's allocations are
 * open to the kernel's fault injection (failslab, fail_page_alloc with
 * task-filter: /proc/self/make-it-fail) from before main() on, but after
 * exec and the dynamic loader (t_page_inject).  Set by a shell before
 * exec, the flag makes exec's own allocations fail too, and 6.1's ELF
 * loader ignores a failure to zero the end of the .data page
 * (elf_load(): padzero()): the client then starts with bytes of its file
 * in .bss variables (wcfb_failures, for one).
 */
__attribute__((constructor)) static void wcfb_make_it_fail(void)
{
	const char *on = getenv("WCFB_MAKE_IT_FAIL");
	int fd;

	if (!on || strcmp(on, "1"))
		return;
	fd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		fprintf(stderr, "# WCFB_MAKE_IT_FAIL: %s\n", strerror(errno));
		exit(2);
	}
	close(fd);
}

/* Where the page-flip event of the latest commit is collected. */
static struct flip_wait {
	int done;
	uint64_t ts_ns;
	uint32_t seq;
} last_flip;

void wcfb_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		wcfb_failures++;
}

static int ctl_open(void)
{
	struct termios t;
	int fd = open(CTL_TTY, O_RDWR | O_NOCTTY);

	if (fd < 0)
		return -errno;
	/* Line mode without echo: the host's answer must not come back to it. */
	if (tcgetattr(fd, &t) == 0) {
		t.c_lflag &= ~(ECHO | ECHONL);
		t.c_lflag |= ICANON;
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

/* Send REQ (one line) to the host and read its one-line answer. */
static int ctl_request(const char *req, char *reply, size_t len)
{
	size_t n = 0;
	int fd, l;

	fd = ctl_open();
	if (fd < 0) {
		fprintf(stderr, "harness: %s: %s\n", CTL_TTY, strerror(-fd));
		return -1;
	}
	l = strlen(req);
	if (write(fd, req, l) != l) {
		close(fd);
		return -1;
	}
	while (n < len - 1) {
		char c;

		if (read(fd, &c, 1) != 1)
			break;
		if (c == '\n') {
			if (n == 0)
				continue;
			break;
		}
		reply[n++] = c;
	}
	reply[n] = 0;
	close(fd);
	return 0;
}

int wcfb_shot(const char *name, const char *check_fmt, ...)
{
	char req[512], check[384], reply[512];
	va_list ap;

	va_start(ap, check_fmt);
	vsnprintf(check, sizeof(check), check_fmt, ap);
	va_end(ap);
	snprintf(req, sizeof(req), "\n@@WCFB SHOT %s %s\n", name, check);
	if (ctl_request(req, reply, sizeof(reply)))
		return -1;
	if (strncmp(reply, "ok ", 3) == 0)
		return 0;
	printf("# shot %s: %s\n", name, reply);
	return 1;
}

int wcfb_engine_ctl(const char *command, char *answer, size_t len)
{
	char req[256], reply[512];

	snprintf(req, sizeof(req), "\n@@WCFB ENGINE %s\n", command);
	if (ctl_request(req, reply, sizeof(reply)))
		return -1;
	if (answer && len)
		snprintf(answer, len, "%s", reply);
	return strncmp(reply, "ok ENGINE", 9) ? 1 : 0;
}

void wcfb_bench(const char *json)
{
	int fd = ctl_open();

	printf("# bench %s\n", json);
	if (fd >= 0) {
		dprintf(fd, "\n@@WCFB BENCH %s\n", json);
		close(fd);
	}
}

int wcfb_debugfs_value(const char *file, const char *key, long long *val)
{
	char path[128], line[256], fmt[64];
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/0/%s", file);
	snprintf(fmt, sizeof(fmt), "%s %%lld", key);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, val) == 1)
			ret = 0;
	fclose(f);
	return ret;
}

int wcfb_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, req, arg);
	while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? -errno : 0;
}

/* --- buffers and the blitter ------------------------------------------- */
void (*wcfb_buf_trace)(const char *ioc, const struct wcfb_buf *b,
		       const void *out, size_t len);

#define TRACE(ioc, b, s) do { \
		if (wcfb_buf_trace) \
			wcfb_buf_trace(ioc, b, &(s), sizeof(s)); \
	} while (0)

static int buf_map(struct wcfb_buf *b, enum wcfb_map how)
{
	int ret;

	if (how == WCFB_MAP_NONE)
		return 0;
	if (how == WCFB_MAP_DUMB) {
		struct drm_mode_map_dumb m = { .handle = b->handle };

		ret = wcfb_ioctl(b->fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
		if (ret)
			return ret;
		TRACE("MODE_MAP_DUMB", b, m);
		b->offset = m.offset;
	} else {
		struct drm_wcfb_gem_mmap_offset mo = { .handle = b->handle };

		ret = wcfb_ioctl(b->fd, DRM_IOCTL_WCFB_GEM_MMAP_OFFSET, &mo);
		if (ret)
			return ret;
		TRACE("WCFB_GEM_MMAP_OFFSET", b, mo);
		b->offset = mo.offset;
	}
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd,
		      b->offset);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return -errno;
	}
	return 0;
}

int wcfb_buf_dumb(int fd, struct wcfb_buf *b, uint32_t w, uint32_t h,
		  uint32_t bpp, enum wcfb_map map)
{
	struct drm_mode_create_dumb c = { .width = w, .height = h, .bpp = bpp };
	int ret;

	memset(b, 0, sizeof(*b));
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c);
	if (ret)
		return ret;
	*b = (struct wcfb_buf){ .fd = fd, .handle = c.handle, .pitch = c.pitch,
				.width = w, .height = h, .size = c.size };
	TRACE("MODE_CREATE_DUMB", b, c);
	return buf_map(b, map);
}

int wcfb_buf_cached(int fd, struct wcfb_buf *b, uint32_t w, uint32_t h,
		    uint32_t bpp, enum wcfb_map map)
{
	struct drm_wcfb_gem_create_cached c = { .width = w, .height = h, .bpp = bpp };
	int ret;

	memset(b, 0, sizeof(*b));
	ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CREATE_CACHED, &c);
	if (ret)
		return ret;
	*b = (struct wcfb_buf){ .fd = fd, .handle = c.handle, .pitch = c.pitch,
				.width = w, .height = h, .size = c.size,
				.cached = 1 };
	TRACE("WCFB_GEM_CREATE_CACHED", b, c);
	return buf_map(b, map);
}

int wcfb_buf_addfb(struct wcfb_buf *b, uint32_t fourcc)
{
	struct drm_mode_fb_cmd2 f = { .width = b->width, .height = b->height,
				      .pixel_format = fourcc,
				      .handles = { b->handle },
				      .pitches = { b->pitch } };
	int ret = wcfb_ioctl(b->fd, DRM_IOCTL_MODE_ADDFB2, &f);

	if (ret)
		return ret;
	b->fb_id = f.fb_id;
	b->fourcc = fourcc;
	TRACE("MODE_ADDFB2", b, f);
	return 0;
}

/* Framebuffer, mapping, handle (DUMB: closed with MODE_DESTROY_DUMB). */
static void buf_release(int fd, struct wcfb_buf *b, int dumb)
{
	struct drm_mode_destroy_dumb dd = { .handle = b->handle };
	struct drm_gem_close gc = { .handle = b->handle };

	if (b->fb_id)
		wcfb_ioctl(fd, DRM_IOCTL_MODE_RMFB, &b->fb_id);
	if (b->map)
		munmap(b->map, b->size);
	if (b->handle && dumb)
		wcfb_ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd);
	else if (b->handle)
		wcfb_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc);
	memset(b, 0, sizeof(*b));
}

void wcfb_buf_free(struct wcfb_buf *b)
{
	buf_release(b->fd, b, 0);
}

int wcfb_buf_all(const struct wcfb_buf *b, uint32_t v)
{
	uint32_t x, y;

	for (y = 0; y < b->height; y++)
		for (x = 0; x < b->width; x++)
			if (((const uint32_t *)(b->map + (size_t)y * b->pitch))[x] != v)
				return 0;
	return 1;
}

int wcfb_cpu_prep_timeout(int fd, uint32_t handle, uint32_t op,
			  int64_t timeout_ns)
{
	struct drm_wcfb_gem_cpu_prep p = { .handle = handle, .op = op,
					   .timeout_ns = timeout_ns };

	return wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CPU_PREP, &p);
}

int wcfb_cpu_prep(int fd, uint32_t handle, uint32_t op)
{
	return wcfb_cpu_prep_timeout(fd, handle, op, 5000000000ll);
}

int wcfb_cpu_fini(int fd, uint32_t handle)
{
	struct drm_wcfb_gem_cpu_fini f = { .handle = handle };

	return wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CPU_FINI, &f);
}

int wcfb_blit(int fd, const struct drm_wcfb_blit_op *ops, uint32_t n,
	      uint32_t in_syncobj, uint32_t out_syncobj)
{
	struct drm_wcfb_blit b = { .ops = (uintptr_t)ops, .op_count = n,
				   .in_syncobj = in_syncobj,
				   .out_syncobj = out_syncobj };

	return wcfb_ioctl(fd, DRM_IOCTL_WCFB_BLIT, &b);
}

int wcfb_blit_fill(int fd, uint32_t handle, uint32_t pitch, uint32_t w,
		   uint32_t h, uint32_t fill, uint32_t in_syncobj,
		   uint32_t out_syncobj)
{
	struct drm_wcfb_blit_op op = { .op = WCFB_BLIT_OP_FILL, .width = w,
		.height = h, .fill = fill,
		.dst = { .handle = handle, .format = DRM_FORMAT_XRGB8888,
			 .pitch = pitch } };

	return wcfb_blit(fd, &op, 1, in_syncobj, out_syncobj);
}

int wcfb_blit_copy(int fd, uint32_t dst, uint32_t dst_pitch, uint32_t src,
		   uint32_t src_pitch, uint32_t w, uint32_t h)
{
	struct drm_wcfb_blit_op op = { .op = WCFB_BLIT_OP_COPY, .width = w,
		.height = h,
		.dst = { .handle = dst, .format = DRM_FORMAT_XRGB8888,
			 .pitch = dst_pitch },
		.src = { .handle = src, .format = DRM_FORMAT_XRGB8888,
			 .pitch = src_pitch } };

	return wcfb_blit(fd, &op, 1, 0, 0);
}

uint64_t wcfb_get_param(int fd, uint32_t param)
{
	struct drm_wcfb_get_param gp = { .param = param };

	return wcfb_ioctl(fd, DRM_IOCTL_WCFB_GET_PARAM, &gp) ? ~0ull : gp.value;
}

uint64_t wcfb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint32_t wcfb_prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0, i;

	for (i = 0; props && i < props->count_props; i++) {
		drmModePropertyRes *pr = drmModeGetProperty(fd, props->props[i]);

		if (pr && !strcmp(pr->name, name))
			id = pr->prop_id;
		drmModeFreeProperty(pr);
	}
	drmModeFreeObjectProperties(props);
	if (!id)
		fprintf(stderr, "property %s not found on %u\n", name, obj);
	return id;
}

const char *wcfb_card_path(void)
{
	const char *path = getenv("WCFB_TEST_CARD");

	return path && *path ? path : "/dev/dri/card0";
}

int wcfb_open_card(void)
{
	int fd = open(wcfb_card_path(), O_RDWR | O_CLOEXEC);

	if (fd < 0)
		printf("# cannot open %s: %s\n", wcfb_card_path(), strerror(errno));
	return fd;
}

int wcfb_open_driver(const char *name)
{
	char path[32];
	int i, fd;

	for (i = 0; i < 16; i++) {
		drmVersionPtr v;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, name)) {
			drmFreeVersion(v);
			return fd;
		}
		drmFreeVersion(v);
		close(fd);
	}
	printf("# no %s device\n", name);
	return -1;
}

int wcfb_open_pipe(struct wcfb_pipe *p)
{
	drmModeRes *res;
	drmModePlaneRes *pres;
	uint32_t i;

	memset(p, 0, sizeof(*p));
	p->fd = open(wcfb_card_path(), O_RDWR | O_CLOEXEC);
	if (p->fd < 0)
		return -errno;
	if (drmSetClientCap(p->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(p->fd, DRM_CLIENT_CAP_ATOMIC, 1))
		return -errno;
	res = drmModeGetResources(p->fd);
	if (!res || res->count_connectors < 1 || res->count_crtcs < 1)
		return -ENODEV;
	p->conn_id = res->connectors[0];
	p->crtc_id = res->crtcs[0];
	p->conn = drmModeGetConnector(p->fd, p->conn_id);
	drmModeFreeResources(res);
	if (!p->conn)
		return -ENODEV;
	pres = drmModeGetPlaneResources(p->fd);
	for (i = 0; pres && i < pres->count_planes; i++) {
		drmModePlane *pl = drmModeGetPlane(p->fd, pres->planes[i]);

		if (pl && (pl->possible_crtcs & 1) && !p->plane_id)
			p->plane_id = pl->plane_id;
		drmModeFreePlane(pl);
	}
	drmModeFreePlaneResources(pres);
	if (!p->plane_id)
		return -ENODEV;
	p->conn_crtc_id = wcfb_prop_id(p->fd, p->conn_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	p->crtc_mode_id = wcfb_prop_id(p->fd, p->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID");
	p->crtc_active = wcfb_prop_id(p->fd, p->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE");
#define PLANE_PROP(field, name) \
	p->field = wcfb_prop_id(p->fd, p->plane_id, DRM_MODE_OBJECT_PLANE, name)
	PLANE_PROP(plane_fb_id, "FB_ID");
	PLANE_PROP(plane_crtc_id, "CRTC_ID");
	PLANE_PROP(plane_src_x, "SRC_X");
	PLANE_PROP(plane_src_y, "SRC_Y");
	PLANE_PROP(plane_src_w, "SRC_W");
	PLANE_PROP(plane_src_h, "SRC_H");
	PLANE_PROP(plane_crtc_x, "CRTC_X");
	PLANE_PROP(plane_crtc_y, "CRTC_Y");
	PLANE_PROP(plane_crtc_w, "CRTC_W");
	PLANE_PROP(plane_crtc_h, "CRTC_H");
#undef PLANE_PROP
	return 0;
}

void wcfb_close_pipe(struct wcfb_pipe *p)
{
	drmModeFreeConnector(p->conn);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

const drmModeModeInfo *wcfb_find_mode(struct wcfb_pipe *p, uint32_t w, uint32_t h)
{
	int i;

	for (i = 0; i < p->conn->count_modes; i++)
		if (p->conn->modes[i].hdisplay == w && p->conn->modes[i].vdisplay == h)
			return &p->conn->modes[i];
	return NULL;
}

uint32_t wcfb_format_cpp(uint32_t fourcc)
{
	switch (fourcc) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		return 4;
	case DRM_FORMAT_RGB888:
	case DRM_FORMAT_BGR888:
		return 3;
	case DRM_FORMAT_RGB565:
		return 2;
	}
	return 0;
}

uint32_t wcfb_parse_format(const char *s)
{
	if (strlen(s) != 4)
		return 0;
	return fourcc_code(s[0], s[1], s[2], s[3]);
}

int wcfb_buf_create(struct wcfb_pipe *p, struct wcfb_buf *b, uint32_t w,
		    uint32_t h, uint32_t fourcc)
{
	int ret;

	ret = wcfb_buf_dumb(p->fd, b, w, h, wcfb_format_cpp(fourcc) * 8,
			    WCFB_MAP_DUMB);
	ret = ret ? ret : wcfb_buf_addfb(b, fourcc);
	if (ret)
		wcfb_buf_destroy(p, b);
	return ret;
}

void wcfb_buf_destroy(struct wcfb_pipe *p, struct wcfb_buf *b)
{
	buf_release(p->fd, b, 1);
}

void wcfb_buf_fill_pattern(struct wcfb_buf *b, uint32_t seed)
{
	uint32_t cpp = wcfb_format_cpp(b->fourcc), x, y;

	for (y = 0; y < b->height; y++) {
		uint8_t *row = b->map + (size_t)y * b->pitch;

		for (x = 0; x < b->width; x++) {
			uint32_t rgb = wcfb_pattern_rgb(seed, x, y);
			uint8_t *px = row + (size_t)x * cpp;

			/* Little-endian packing, as the DRM fourccs define it. */
			px[0] = rgb;
			px[1] = rgb >> 8;
			px[2] = rgb >> 16;
			if (cpp == 4)
				px[3] = b->fourcc == DRM_FORMAT_ARGB8888 ?
					wcfb_pattern_alpha(x, y) : 0x5a;
		}
	}
}

int wcfb_req_mode(struct wcfb_pipe *p, drmModeAtomicReq *req,
		  const drmModeModeInfo *mode, uint32_t *blob)
{
	if (drmModeCreatePropertyBlob(p->fd, mode, sizeof(*mode), blob))
		return -errno;
	drmModeAtomicAddProperty(req, p->conn_id, p->conn_crtc_id, p->crtc_id);
	drmModeAtomicAddProperty(req, p->crtc_id, p->crtc_mode_id, *blob);
	drmModeAtomicAddProperty(req, p->crtc_id, p->crtc_active, 1);
	return 0;
}

void wcfb_req_plane(struct wcfb_pipe *p, drmModeAtomicReq *req,
		    uint32_t fb_id, uint32_t w, uint32_t h)
{
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_fb_id, fb_id);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_id, p->crtc_id);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_src_x, 0);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_src_y, 0);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_src_w, (uint64_t)w << 16);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_src_h, (uint64_t)h << 16);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_x, 0);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_y, 0);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_w, w);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_h, h);
}

int wcfb_commit(struct wcfb_pipe *p, const drmModeModeInfo *mode,
		uint32_t fb_id, uint32_t w, uint32_t h, uint32_t flags)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t blob = 0;
	int ret;

	if (!req)
		return -ENOMEM;
	if (mode) {
		ret = wcfb_req_mode(p, req, mode, &blob);
		if (ret) {
			drmModeAtomicFree(req);
			return ret;
		}
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	}
	if (fb_id) {
		wcfb_req_plane(p, req, fb_id, w, h);
	} else {
		drmModeAtomicAddProperty(req, p->plane_id, p->plane_fb_id, 0);
		drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_id, 0);
	}
	/* Every commit's event (if asked for) lands in last_flip. */
	ret = drmModeAtomicCommit(p->fd, req, flags, &last_flip) ? -errno : 0;
	drmModeAtomicFree(req);
	if (blob)
		drmModeDestroyPropertyBlob(p->fd, blob);
	return ret;
}

int wcfb_atomic_commit(struct wcfb_pipe *p, drmModeAtomicReq *req,
		       uint32_t flags)
{
	return drmModeAtomicCommit(p->fd, req, flags, &last_flip) ? -errno : 0;
}

int wcfb_disable(struct wcfb_pipe *p)
{
	return wcfb_disable_flags(p, 0);
}

int wcfb_disable_flags(struct wcfb_pipe *p, uint32_t flags)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	int ret;

	drmModeAtomicAddProperty(req, p->plane_id, p->plane_fb_id, 0);
	drmModeAtomicAddProperty(req, p->plane_id, p->plane_crtc_id, 0);
	drmModeAtomicAddProperty(req, p->conn_id, p->conn_crtc_id, 0);
	drmModeAtomicAddProperty(req, p->crtc_id, p->crtc_mode_id, 0);
	drmModeAtomicAddProperty(req, p->crtc_id, p->crtc_active, 0);
	ret = drmModeAtomicCommit(p->fd, req, flags | DRM_MODE_ATOMIC_ALLOW_MODESET,
				  &last_flip) ? -errno : 0;
	drmModeAtomicFree(req);
	return ret;
}


static void on_flip(int fd, unsigned int seq, unsigned int sec,
		    unsigned int usec, unsigned int crtc, void *data)
{
	struct flip_wait *w = data;

	(void)fd;
	(void)crtc;
	w->done = 1;
	w->seq = seq;
	w->ts_ns = (uint64_t)sec * 1000000000ull + (uint64_t)usec * 1000;
}

int wcfb_wait_flip(struct wcfb_pipe *p, int timeout_ms, uint64_t *ts_ns,
		   uint32_t *seq)
{
	drmEventContext ev = { .version = 3, .page_flip_handler2 = on_flip };
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	uint64_t deadline = wcfb_now_ns() + (uint64_t)timeout_ms * 1000000;

	last_flip.done = 0;
	while (!last_flip.done) {
		int64_t left = (int64_t)(deadline - wcfb_now_ns()) / 1000000;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		if (drmHandleEvent(p->fd, &ev))
			return -EIO;
	}
	if (ts_ns)
		*ts_ns = last_flip.ts_ns;
	if (seq)
		*seq = last_flip.seq;
	return 0;
}
