// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb-deptest: a blit waits for its dependencies on the engine's
 * scheduler, not in the ioctl.
 *
 *   wcfb-deptest ROUNDS
 *
 * Each round, with fences nobody signals until the test says so (vgem's
 * VGEM_FENCE_ATTACH; signalled by VGEM_FENCE_SIGNAL):
 *   in-fence   a COPY between two cached wcfb buffers whose in-syncobj
 *              holds a vgem fence (exported from the vgem buffer's dma-buf
 *              as a sync_file);
 *   implicit   a FILL into a vgem buffer imported into wcfb, with a vgem
 *              write fence in its reservation.
 * The ioctl must return 0 while the fence is unsignalled, the out-fence
 * must still be unsignalled 50 ms later and the destination untouched;
 * once the fence is signalled the out-fence signals and the destination
 * holds the blit's result.  The ioctl times are a benchmark
 * ("blit_dependency": median and max per case, microseconds), beside the
 * time of wcfb's cheapest ioctl (GET_PARAM) in the same rounds: what any
 * ioctl costs on this machine, against which the BLIT's own work is read;
 * and the driver's own account of the same BLITs (debugfs jobs, which must
 * count exactly the BLITs made): their mean time in the driver and the
 * mean time of waking the scheduler's thread, the part that depends on the
 * emulator's IPIs.
 *
 * Exit 0, or 1 with a line saying what went wrong.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <drm_fourcc.h>
#include <xf86drm.h>

#include "drm/wcfb_drm.h"
#include "wcfb_client.h"

/* vgem's UAPI (include/uapi/drm/vgem_drm.h), not in libdrm's headers. */
struct vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};

struct vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define VGEM_FENCE_WRITE	0x1
#define DRM_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct vgem_fence_attach)
#define DRM_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct vgem_fence_signal)

#define W	256
#define H	64
#define PITCH	(W * 4)
#define SIZE	(PITCH * H)
#define MAX_ROUNDS	200

static int fail(const char *what, int err)
{
	printf("%s: %s\n", what, strerror(err < 0 ? -err : err));
	return -1;
}

static int syncobj_create(int fd, uint32_t *h)
{
	struct drm_syncobj_create c = { 0 };
	int ret = wcfb_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);

	*h = c.handle;
	return ret;
}

/* 0 signalled, -ETIME not within @ms. */
static int syncobj_wait(int fd, uint32_t h, int ms)
{
	struct timespec ts;
	struct drm_syncobj_wait w = { .handles = (uintptr_t)&h, .count_handles = 1 };

	clock_gettime(CLOCK_MONOTONIC, &ts);
	w.timeout_nsec = ts.tv_sec * 1000000000LL + ts.tv_nsec + ms * 1000000LL;
	return wcfb_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

/* A vgem write fence on @handle, its id in *@fence. */
static int vgem_fence(int vfd, uint32_t handle, uint32_t *fence)
{
	struct vgem_fence_attach a = { .handle = handle, .flags = VGEM_FENCE_WRITE };
	int ret = wcfb_ioctl(vfd, DRM_IOCTL_VGEM_FENCE_ATTACH, &a);

	*fence = a.out_fence;
	return ret;
}

static int vgem_signal(int vfd, uint32_t fence)
{
	struct vgem_fence_signal s = { .fence = fence };

	return wcfb_ioctl(vfd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &s);
}

static int blit(int fd, struct drm_wcfb_blit_op *op, uint32_t in, uint32_t out,
		uint64_t *ns)
{
	uint64_t t0 = wcfb_now_ns();
	int ret = wcfb_blit(fd, op, 1, in, out);

	*ns = wcfb_now_ns() - t0;
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int words(const uint32_t *p, uint32_t v, const char *what)
{
	unsigned int i;

	for (i = 0; i < SIZE / 4; i++)
		if (p[i] != v) {
			printf("%s: word %u is %#x, want %#x\n", what, i, p[i], v);
			return -1;
		}
	return 0;
}

/* The in-fence case; *@ns the ioctl's time. */
/*
 * The vgem buffers live across the rounds: freeing one (an unmap, a TLB
 * flush) in the middle of a timed ioctl would be timed with it.
 */
struct vgem_buf {
	uint32_t handle;	/* vgem's */
	uint32_t wcfb_handle;	/* imported into wcfb, 0 if not */
	int dbuf;
	uint32_t *map;
};

static int vgem_buf(int vfd, int fd, struct vgem_buf *v)
{
	struct drm_mode_create_dumb vb = { .width = W, .height = H, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };

	if (wcfb_ioctl(vfd, DRM_IOCTL_MODE_CREATE_DUMB, &vb) || vb.pitch != PITCH)
		return fail("vgem CREATE_DUMB", errno);
	v->handle = vb.handle;
	m.handle = vb.handle;
	if (wcfb_ioctl(vfd, DRM_IOCTL_MODE_MAP_DUMB, &m))
		return fail("vgem MAP_DUMB", errno);
	v->map = mmap(NULL, vb.size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, m.offset);
	if (v->map == MAP_FAILED)
		return fail("vgem mmap", errno);
	if (drmPrimeHandleToFD(vfd, vb.handle, DRM_CLOEXEC, &v->dbuf))
		return fail("vgem export", errno);
	v->wcfb_handle = 0;
	if (fd >= 0 && drmPrimeFDToHandle(fd, v->dbuf, &v->wcfb_handle))
		return fail("wcfb import of the vgem buffer", errno);
	return 0;
}

static int round_in_fence(int fd, int vfd, struct vgem_buf *v, uint32_t src,
			  uint32_t *smap, uint32_t dst, uint32_t *dmap,
			  uint32_t r, uint64_t *ns)
{
	struct drm_wcfb_blit_op op = {
		.op = WCFB_BLIT_OP_COPY, .width = W, .height = H,
		.dst = { .handle = dst, .pitch = PITCH, .format = DRM_FORMAT_XRGB8888 },
		.src = { .handle = src, .pitch = PITCH, .format = DRM_FORMAT_XRGB8888 },
	};
	struct dma_buf_export_sync_file ex = { .flags = DMA_BUF_SYNC_READ };
	struct drm_syncobj_handle imp = {
		.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
	};
	uint32_t fence, in, out, i;
	int ret = -1;

	for (i = 0; i < SIZE / 4; i++) {
		smap[i] = 0x00010203u * r + i;
		dmap[i] = 0xdeadbeef;
	}
	if (wcfb_cpu_fini(fd, src) || wcfb_cpu_fini(fd, dst))
		return fail("CPU_FINI", errno);

	/* A vgem fence, as a sync_file, in a syncobj of ours. */
	if (vgem_fence(vfd, v->handle, &fence))
		return fail("VGEM_FENCE_ATTACH", errno);
	if (wcfb_ioctl(v->dbuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex))
		return fail("DMA_BUF_IOCTL_EXPORT_SYNC_FILE", errno);
	if (syncobj_create(fd, &in) || syncobj_create(fd, &out))
		return fail("SYNCOBJ_CREATE", errno);
	imp.fd = ex.fd;
	imp.handle = in;
	if (wcfb_ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &imp))
		return fail("SYNCOBJ_FD_TO_HANDLE (import sync_file)", errno);
	close(ex.fd);

	if (blit(fd, &op, in, out, ns)) {
		fail("in-fence: BLIT with an unsignalled in-fence", errno);
		goto out;
	}
	if (syncobj_wait(fd, out, 50) != -ETIME) {
		printf("in-fence: the out-fence signalled before the in-fence\n");
		goto out;
	}
	if (wcfb_cpu_prep_timeout(fd, dst, WCFB_PREP_READ | WCFB_PREP_NOSYNC, 0) != -EBUSY) {
		printf("in-fence: the destination is not busy while the job waits\n");
		goto out;
	}
	if (vgem_signal(vfd, fence)) {
		fail("VGEM_FENCE_SIGNAL", errno);
		goto out;
	}
	if (syncobj_wait(fd, out, 5000)) {
		printf("in-fence: no out-fence within 5 s of the in-fence\n");
		goto out;
	}
	if (wcfb_cpu_prep(fd, dst, WCFB_PREP_READ)) {
		fail("in-fence: CPU_PREP", errno);
		goto out;
	}
	for (i = 0; i < SIZE / 4; i++)
		if (dmap[i] != 0x00010203u * r + i) {
			printf("in-fence: word %u is %#x after the copy\n", i, dmap[i]);
			goto out;
		}
	ret = 0;
out:
	drmSyncobjDestroy(fd, in);
	drmSyncobjDestroy(fd, out);
	return ret;
}

/* For comparison: the same COPY with no dependency, its ioctl timed. */
static int round_plain(int fd, uint32_t src, uint32_t dst, uint64_t *ns)
{
	struct drm_wcfb_blit_op op = {
		.op = WCFB_BLIT_OP_COPY, .width = W, .height = H,
		.dst = { .handle = dst, .pitch = PITCH, .format = DRM_FORMAT_XRGB8888 },
		.src = { .handle = src, .pitch = PITCH, .format = DRM_FORMAT_XRGB8888 },
	};
	uint32_t out;
	int ret;

	if (syncobj_create(fd, &out))
		return fail("SYNCOBJ_CREATE", errno);
	ret = blit(fd, &op, 0, out, ns);
	if (ret)
		fail("plain: BLIT", ret);
	else if (syncobj_wait(fd, out, 5000))
		ret = fail("plain: no out-fence within 5 s", ETIME);
	drmSyncobjDestroy(fd, out);
	return ret ? -1 : 0;
}

/* The floor: an ioctl that does no work beyond the DRM core's dispatch. */
static int round_floor(int fd, uint64_t *ns)
{
	struct drm_wcfb_get_param p = { .param = DRM_WCFB_PARAM_UAPI_VERSION };
	uint64_t t0 = wcfb_now_ns();
	int ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GET_PARAM, &p);

	*ns = wcfb_now_ns() - t0;
	return ret ? fail("GET_PARAM", errno) : 0;
}

/* The implicit case: a FILL into a vgem buffer with a vgem write fence. */
static int round_implicit(int fd, int vfd, struct vgem_buf *v, uint32_t r,
			  uint64_t *ns)
{
	struct drm_wcfb_blit_op op = {
		.op = WCFB_BLIT_OP_FILL, .width = W, .height = H,
		.fill = 0x00400000u | r,
		.dst = { .handle = v->wcfb_handle, .pitch = PITCH,
			 .format = DRM_FORMAT_XRGB8888 },
	};
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
	uint32_t fence, out;
	int ret = -1;

	if (wcfb_ioctl(v->dbuf, DMA_BUF_IOCTL_SYNC, &sync))
		return fail("implicit: DMA_BUF_IOCTL_SYNC START", errno);
	memset(v->map, 0x11, SIZE);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	if (wcfb_ioctl(v->dbuf, DMA_BUF_IOCTL_SYNC, &sync))
		return fail("implicit: DMA_BUF_IOCTL_SYNC END", errno);
	if (vgem_fence(vfd, v->handle, &fence))
		return fail("VGEM_FENCE_ATTACH", errno);
	if (syncobj_create(fd, &out))
		return fail("SYNCOBJ_CREATE", errno);

	if (blit(fd, &op, 0, out, ns)) {
		fail("implicit: BLIT into a buffer with an unsignalled write fence", errno);
		goto out;
	}
	if (syncobj_wait(fd, out, 50) != -ETIME) {
		printf("implicit: the out-fence signalled before the buffer's writer\n");
		goto out;
	}
	if (words(v->map, 0x11111111, "implicit: written before its writer was done"))
		goto out;
	if (vgem_signal(vfd, fence)) {
		fail("VGEM_FENCE_SIGNAL", errno);
		goto out;
	}
	if (syncobj_wait(fd, out, 5000)) {
		printf("implicit: no out-fence within 5 s of the writer\n");
		goto out;
	}
	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ;
	if (wcfb_ioctl(v->dbuf, DMA_BUF_IOCTL_SYNC, &sync)) {
		fail("implicit: DMA_BUF_IOCTL_SYNC", errno);
		goto out;
	}
	if (words(v->map, op.fill, "implicit: after the fill"))
		goto out;
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	wcfb_ioctl(v->dbuf, DMA_BUF_IOCTL_SYNC, &sync);
	ret = 0;
out:
	drmSyncobjDestroy(fd, out);
	return ret;
}

/* The driver's own submission totals (debugfs jobs). */
struct job_totals {
	long long pushed, wake_ns, blits, blit_ns;
};

static int job_totals(struct job_totals *t)
{
	if (wcfb_debugfs_value("jobs", "pushed", &t->pushed) ||
	    wcfb_debugfs_value("jobs", "push_wake_ns", &t->wake_ns) ||
	    wcfb_debugfs_value("jobs", "blit_ioctls", &t->blits) ||
	    wcfb_debugfs_value("jobs", "blit_ioctl_ns", &t->blit_ns))
		return fail("debugfs jobs", ENOENT);
	return 0;
}

int main(int argc, char **argv)
{
	static uint64_t t_in[MAX_ROUNDS], t_imp[MAX_ROUNDS], t_plain[MAX_ROUNDS];
	static uint64_t t_floor[MAX_ROUNDS];
	struct wcfb_buf src, dst;
	struct vgem_buf vfence, vdst;
	struct job_totals j0, j1;
	double blit_mean, wake_mean;
	int rounds, fd, vfd, r;
	char json[3072];

	rounds = argc > 1 ? atoi(argv[1]) : 20;
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		printf("usage: wcfb-deptest ROUNDS (1..%d)\n", MAX_ROUNDS);
		return 1;
	}
	fd = wcfb_open_driver("wcfb");
	vfd = wcfb_open_driver("vgem");
	if (fd < 0 || vfd < 0)
		return 1;
	if (wcfb_buf_cached(fd, &src, W, H, 32, WCFB_MAP_WCFB) ||
	    wcfb_buf_cached(fd, &dst, W, H, 32, WCFB_MAP_WCFB) ||
	    src.pitch != PITCH || dst.pitch != PITCH) {
		printf("cannot make two %ux%u cached buffers\n", W, H);
		return 1;
	}
	if (vgem_buf(vfd, -1, &vfence) || vgem_buf(vfd, fd, &vdst))
		return 1;
	if (job_totals(&j0))
		return 1;
	for (r = 0; r < rounds; r++) {
		if (round_implicit(fd, vfd, &vdst, r, &t_imp[r]) ||
		    round_in_fence(fd, vfd, &vfence, src.handle, (uint32_t *)src.map,
				   dst.handle, (uint32_t *)dst.map, r, &t_in[r]) ||
		    round_plain(fd, src.handle, dst.handle, &t_plain[r]) ||
		    round_floor(fd, &t_floor[r]))
			return 1;
	}
	if (job_totals(&j1))
		return 1;
	/* Each round makes three BLITs, each queues one job: nothing else. */
	if (j1.blits - j0.blits != 3LL * rounds || j1.pushed - j0.pushed < 3LL * rounds) {
		printf("debugfs jobs counted %lld BLIT ioctls and %lld jobs for the %d made\n",
		       j1.blits - j0.blits, j1.pushed - j0.pushed, 3 * rounds);
		return 1;
	}
	blit_mean = (double)(j1.blit_ns - j0.blit_ns) / (j1.blits - j0.blits) / 1e3;
	wake_mean = (double)(j1.wake_ns - j0.wake_ns) / (j1.pushed - j0.pushed) / 1e3;
	qsort(t_in, rounds, sizeof(*t_in), cmp_u64);
	qsort(t_imp, rounds, sizeof(*t_imp), cmp_u64);
	qsort(t_plain, rounds, sizeof(*t_plain), cmp_u64);
	qsort(t_floor, rounds, sizeof(*t_floor), cmp_u64);
	printf("%d rounds: BLIT ioctl with an unsignalled in-fence: median %.1f us, max %.1f us; with an unsignalled implicit write fence: median %.1f us, max %.1f us; with no dependency: median %.1f us, max %.1f us; GET_PARAM (any ioctl's floor): median %.1f us, max %.1f us\n",
	       rounds, t_in[rounds / 2] / 1e3, t_in[rounds - 1] / 1e3,
	       t_imp[rounds / 2] / 1e3, t_imp[rounds - 1] / 1e3,
	       t_plain[rounds / 2] / 1e3, t_plain[rounds - 1] / 1e3,
	       t_floor[rounds / 2] / 1e3, t_floor[rounds - 1] / 1e3);
	printf("the driver's own account of those BLITs: %.1f us each in the driver, of which %.1f us waking the scheduler's thread\n",
	       blit_mean, wake_mean);
	snprintf(json, sizeof(json),
		 "{\"name\":\"blit_dependency\",\"figures\":{"
		 "\"in_fence_ioctl_median\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"in_fence_ioctl_max\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"implicit_ioctl_median\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"implicit_ioctl_max\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"no_dependency_ioctl_median\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"no_dependency_ioctl_max\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"get_param_ioctl_median\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"get_param_ioctl_max\":{\"value\":%.1f,\"unit\":\"us\"},"
		 "\"driver_blit_ioctl_mean\":{\"value\":%.1f,\"unit\":\"us\",\"kind\":\"driver\",\"by\":\"debugfs jobs blit_ioctl_ns / blit_ioctls, after - before the rounds: the BLITs' time in the driver, entry to return\"},"
		 "\"driver_push_wake_mean\":{\"value\":%.1f,\"unit\":\"us\",\"kind\":\"driver\",\"by\":\"debugfs jobs push_wake_ns / pushed, after - before the rounds: drm_sched_entity_push_job(), i.e. waking the scheduler's thread, every job of the device in that time\"},"
		 "\"rounds\":{\"value\":%d,\"unit\":\"\"}}}",
		 t_in[rounds / 2] / 1e3, t_in[rounds - 1] / 1e3,
		 t_imp[rounds / 2] / 1e3, t_imp[rounds - 1] / 1e3,
		 t_plain[rounds / 2] / 1e3, t_plain[rounds - 1] / 1e3,
		 t_floor[rounds / 2] / 1e3, t_floor[rounds - 1] / 1e3,
		 blit_mean, wake_mean, rounds);
	wcfb_bench(json);
	return 0;
}
