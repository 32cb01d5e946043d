// SPDX-License-Identifier: MIT
/*
 * wcfb-blittest: the libdrm client behind wcfb's blitter tests.
 *
 *   wcfb-blittest ops SEED N      every op on cached->WC, cached->cached,
 *                                 WC->WC and overlapping copies, N random
 *                                 rects each, pixel-exact vs a CPU reference
 *   wcfb-blittest badinput        malformed blits -> clean errors, no writes
 *   wcfb-blittest fault           injected fault -> -EIO; hang -> reset
 *   wcfb-blittest flip SEED [unfinished]
 *                                 blit then flip: the screen shows the blit
 *                                 (unfinished: the control without implicit
 *                                 sync, the screen shows the buffer unblitted)
 *   wcfb-blittest render          the render node: buffers + blits, no KMS
 *   wcfb-blittest sync SEED       CPU writes reach the engine, engine
 *                                 writes the CPU; under swiotlb=force a
 *                                 missing sync exits 3 (for the device:
 *                                 the engine read the old source) or 4
 *                                 (for the CPU: it read its pre-blit
 *                                 bytes), naming a stale pixel
 *   wcfb-blittest bench           engine vs CPU copy, latency, ops/s
 *   wcfb-blittest noengine        no blitter: blits refused with ENODEV
 *   wcfb-blittest death           the engine model is killed mid-batch
 *
 * Prints "ok - ..." / "not ok - ..." lines; exits non-zero on failure.
 * The reference formulas are Documentation/engine-protocol.md section 5.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "drm/wcfb_drm.h"
#include "wcfb_client.h"
#include "wcfb_pattern.h"

/* --- random ------------------------------------------------------------- */
static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static uint32_t rnd_range(uint32_t lo, uint32_t hi) /* inclusive */
{
	return lo + rnd() % (hi - lo + 1);
}

/* --- reference (engine-protocol.md section 5) --------------------------- */
static uint32_t px_get(const uint8_t *p, uint32_t cpp)
{
	uint32_t v = 0, i;

	for (i = 0; i < cpp; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void px_put(uint8_t *p, uint32_t cpp, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < cpp; i++)
		p[i] = v >> (8 * i);
}

struct argb { uint32_t a, r, g, b; };

static struct argb unpack(uint32_t f, uint32_t v)
{
	struct argb c = { 255, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	if (f == DRM_FORMAT_ARGB8888)
		c.a = v >> 24;
	if (f == DRM_FORMAT_RGB565) {
		uint32_t r5 = (v >> 11) & 31, g6 = (v >> 5) & 63, b5 = v & 31;

		c.r = (r5 << 3) | (r5 >> 2);
		c.g = (g6 << 2) | (g6 >> 4);
		c.b = (b5 << 3) | (b5 >> 2);
	}
	return c;
}

static uint32_t pack(uint32_t f, struct argb c)
{
	switch (f) {
	case DRM_FORMAT_ARGB8888: return c.a << 24 | c.r << 16 | c.g << 8 | c.b;
	case DRM_FORMAT_XRGB8888: return 0xffu << 24 | c.r << 16 | c.g << 8 | c.b;
	case DRM_FORMAT_RGB888: return c.r << 16 | c.g << 8 | c.b;
	default: return (c.r >> 3) << 11 | (c.g >> 2) << 5 | (c.b >> 3);
	}
}

static struct argb over(struct argb s, struct argb d)
{
	uint32_t a = s.a;
	struct argb o;

	o.r = (s.r * a + d.r * (255 - a) + 127) / 255;
	o.g = (s.g * a + d.g * (255 - a) + 127) / 255;
	o.b = (s.b * a + d.b * (255 - a) + 127) / 255;
	o.a = a + (d.a * (255 - a) + 127) / 255;
	return o;
}

/* Apply OP to DST (a copy of the destination buffer) reading SRC (a
 * snapshot of the source buffer taken before). */
static void reference(const struct drm_wcfb_blit_op *op, uint8_t *dst,
		      const uint8_t *src)
{
	uint32_t dc = wcfb_format_cpp(op->dst.format);
	uint32_t sc = wcfb_format_cpp(op->src.format);
	uint32_t x, y;

	for (y = 0; y < op->height; y++) {
		for (x = 0; x < op->width; x++) {
			uint8_t *d = dst + op->dst.offset +
				     (uint64_t)(op->dst.y + y) * op->dst.pitch +
				     (uint64_t)(op->dst.x + x) * dc;
			const uint8_t *s = src ? src + op->src.offset +
				(uint64_t)(op->src.y + y) * op->src.pitch +
				(uint64_t)(op->src.x + x) * sc : NULL;
			uint32_t sv = s ? px_get(s, sc) : 0;

			switch (op->op) {
			case WCFB_BLIT_OP_FILL:
				px_put(d, dc, op->fill);
				break;
			case WCFB_BLIT_OP_COPY:
				memcpy(d, s, dc);
				break;
			case WCFB_BLIT_OP_CONVERT:
				px_put(d, dc, pack(op->dst.format,
						   unpack(op->src.format, sv)));
				break;
			case WCFB_BLIT_OP_BLEND:
				px_put(d, dc, pack(op->dst.format,
					over(unpack(op->src.format, sv),
					     unpack(op->dst.format, px_get(d, dc)))));
				break;
			}
		}
	}
}

static void fill_random(struct wcfb_buf *b, uint8_t *shadow)
{
	uint64_t i;

	if (b->cached)
		wcfb_cpu_prep(b->fd, b->handle, WCFB_PREP_WRITE);
	for (i = 0; i < b->size; i += 4) {
		uint32_t v = rnd();

		memcpy(shadow + i, &v, 4);
	}
	memcpy(b->map, shadow, b->size);
	if (b->cached)
		wcfb_cpu_fini(b->fd, b->handle);
}

/* Compare a buffer with its expected contents; report the first diff. */
static int check_buf(struct wcfb_buf *b, const uint8_t *expect, const char *what)
{
	uint64_t i;
	int ret = 0, prep = 0;

	prep = wcfb_cpu_prep(b->fd, b->handle, WCFB_PREP_READ);
	if (prep) {
		printf("# %s: CPU_PREP %s\n", what, strerror(-prep));
		return prep;
	}
	if (memcmp(b->map, expect, b->size)) {
		for (i = 0; i < b->size && b->map[i] == expect[i]; i++)
			;
		printf("# %s: first difference at byte %" PRIu64 " (row %" PRIu64
		       " col-byte %" PRIu64 "): got %02x want %02x\n", what, i,
		       i / b->pitch, i % b->pitch, b->map[i], expect[i]);
		ret = -1;
	}
	if (b->cached)
		wcfb_cpu_fini(b->fd, b->handle);
	return ret;
}

/* --- ops ----------------------------------------------------------------- */
static void random_rect(uint32_t sw, uint32_t sh, uint32_t dw, uint32_t dh,
			struct drm_wcfb_blit_op *op, int kind)
{
	uint32_t mw = sw < dw ? sw : dw, mh = sh < dh ? sh : dh;

	switch (kind) {
	case 0: /* one pixel */
		op->width = op->height = 1;
		break;
	case 1: /* full frame (of the smaller buffer) */
		op->width = mw;
		op->height = mh;
		break;
	default:
		op->width = rnd_range(1, mw);
		op->height = rnd_range(1, mh);
	}
	op->src.x = rnd_range(0, sw - op->width);
	op->src.y = rnd_range(0, sh - op->height);
	op->dst.x = rnd_range(0, dw - op->width);
	op->dst.y = rnd_range(0, dh - op->height);
	if (kind == 3) { /* bottom-right edges */
		op->src.x = sw - op->width;
		op->src.y = sh - op->height;
		op->dst.x = dw - op->width;
		op->dst.y = dh - op->height;
	}
}

static const char *op_name(uint32_t op)
{
	static const char *const n[] = { "?", "fill", "copy", "blend", "convert" };

	return op < 5 ? n[op] : "?";
}

/* Run N random ops of the OPS list from S to D (S may be D). */
static void run_combo(const char *tag, struct wcfb_buf *s, uint32_t sfmt,
		      struct wcfb_buf *d, uint32_t dfmt, const uint32_t *opl,
		      unsigned int nop, unsigned int n)
{
	uint8_t *exp_d = malloc(d->size), *exp_s = malloc(s->size), *snap;
	unsigned int i, bad = 0;

	snap = malloc(s->size);
	fill_random(s, exp_s);
	if (d != s)
		fill_random(d, exp_d);
	else
		memcpy(exp_d, exp_s, s->size);

	for (i = 0; i < n; i++) {
		struct drm_wcfb_blit_op op = { .op = opl[i % nop] };
		int ret;

		random_rect(s->width, s->height, d->width, d->height, &op, i % 5);
		op.dst.handle = d->handle;
		op.dst.pitch = d->pitch;
		op.dst.format = dfmt;
		if (op.op == WCFB_BLIT_OP_FILL) {
			uint32_t c = wcfb_format_cpp(dfmt);

			op.fill = rnd() & (c == 4 ? 0xffffffffu : (1u << (8 * c)) - 1);
			memset(&op.src, 0, sizeof(op.src));
		} else {
			op.src.handle = s->handle;
			op.src.pitch = s->pitch;
			op.src.format = op.op == WCFB_BLIT_OP_BLEND ?
					DRM_FORMAT_ARGB8888 :
					op.op == WCFB_BLIT_OP_COPY ? dfmt : sfmt;
		}
		memcpy(snap, d == s ? exp_d : exp_s, s->size);
		reference(&op, exp_d, op.op == WCFB_BLIT_OP_FILL ? NULL : snap);
		if (d == s)
			memcpy(exp_s, exp_d, s->size);
		ret = wcfb_blit(d->fd, &op, 1, 0, 0);
		if (ret) {
			wcfb_ok(0, "%s: %s %ux%u blit (%s)", tag, op_name(op.op),
				op.width, op.height, strerror(-ret));
			bad++;
			break;
		}
		if (check_buf(d, exp_d, tag) ||
		    (d != s && check_buf(s, exp_s, "source"))) {
			printf("# op %s %ux%u src %u,%u dst %u,%u fill %08x\n",
			       op_name(op.op), op.width, op.height, op.src.x,
			       op.src.y, op.dst.x, op.dst.y, op.fill);
			bad++;
			break;
		}
	}
	wcfb_ok(!bad, "%s: %u ops pixel-exact, nothing outside the rects changed",
		tag, i);
	free(exp_d);
	free(exp_s);
	free(snap);
}

static int cmd_ops(uint32_t seed, unsigned int n)
{
	static const uint32_t all4[] = { WCFB_BLIT_OP_FILL, WCFB_BLIT_OP_COPY,
					 WCFB_BLIT_OP_BLEND, WCFB_BLIT_OP_CONVERT };
	static const uint32_t copyfill[] = { WCFB_BLIT_OP_COPY, WCFB_BLIT_OP_FILL };
	static const uint32_t conv[] = { WCFB_BLIT_OP_CONVERT, WCFB_BLIT_OP_FILL };
	struct wcfb_buf c1, c2, w1, w2, c565;
	int fd = wcfb_open_card(), ret;

	if (fd < 0)
		return 1;
	rng ^= seed * 0x9e3779b97f4a7c15ull;
	wcfb_ok(wcfb_get_param(fd, DRM_WCFB_PARAM_HAS_BLITTER) == 1, "blitter present");
	wcfb_ok(wcfb_get_param(fd, DRM_WCFB_PARAM_UAPI_VERSION) == WCFB_UAPI_VERSION,
		"uapi version");
	/* Every failure names its errno: the fault-injection tests read it. */
	if ((ret = wcfb_buf_cached(fd, &c1, 320, 240, 32, WCFB_MAP_WCFB)) ||
	    (ret = wcfb_buf_cached(fd, &c2, 256, 200, 32, WCFB_MAP_WCFB)) ||
	    (ret = wcfb_buf_dumb(fd, &w1, 300, 220, 32, WCFB_MAP_WCFB)) ||
	    (ret = wcfb_buf_dumb(fd, &w2, 320, 240, 32, WCFB_MAP_WCFB)) ||
	    (ret = wcfb_buf_cached(fd, &c565, 320, 240, 16, WCFB_MAP_WCFB))) {
		wcfb_ok(0, "buffers (%s)", strerror(-ret));
		return 1;
	}
	run_combo("cached->wc XR24", &c1, DRM_FORMAT_XRGB8888, &w1,
		  DRM_FORMAT_XRGB8888, all4, 4, n);
	run_combo("cached->wc AR24", &c1, DRM_FORMAT_ARGB8888, &w2,
		  DRM_FORMAT_ARGB8888, all4, 4, n);
	run_combo("cached->cached", &c1, DRM_FORMAT_ARGB8888, &c2,
		  DRM_FORMAT_XRGB8888, all4, 4, n);
	run_combo("wc->wc", &w2, DRM_FORMAT_XRGB8888, &w1,
		  DRM_FORMAT_XRGB8888, all4, 4, n);
	run_combo("wc->cached", &w1, DRM_FORMAT_ARGB8888, &c2,
		  DRM_FORMAT_ARGB8888, all4, 4, n);
	run_combo("overlap cached", &c1, DRM_FORMAT_XRGB8888, &c1,
		  DRM_FORMAT_XRGB8888, copyfill, 2, n);
	run_combo("overlap wc", &w2, DRM_FORMAT_XRGB8888, &w2,
		  DRM_FORMAT_XRGB8888, copyfill, 2, n);
	run_combo("overlap blend wc", &w2, DRM_FORMAT_ARGB8888, &w2,
		  DRM_FORMAT_ARGB8888, all4 + 2, 1, n / 2);
	run_combo("rgb565->xrgb wc", &c565, DRM_FORMAT_RGB565, &w1,
		  DRM_FORMAT_XRGB8888, conv, 2, n);
	run_combo("xrgb->rgb565 cached", &w2, DRM_FORMAT_XRGB8888, &c565,
		  DRM_FORMAT_RGB565, conv, 2, n);
	wcfb_buf_free(&c1);
	wcfb_buf_free(&c2);
	wcfb_buf_free(&w1);
	wcfb_buf_free(&w2);
	wcfb_buf_free(&c565);
	close(fd);
	return 0;
}

/* --- bad input ----------------------------------------------------------- */
static void expect_err(int fd, struct drm_wcfb_blit_op *op, uint32_t n,
		       int want, const char *what)
{
	int ret = wcfb_blit(fd, op, n, 0, 0);

	wcfb_ok(ret == want, "bad input: %s -> %s (got %s)", what,
		strerror(-want), ret ? strerror(-ret) : "success");
}

static int cmd_badinput(void)
{
	struct wcfb_buf d, s;
	uint8_t *exp;
	struct drm_wcfb_blit_op good, op, *many;
	struct drm_wcfb_blit b;
	int fd = wcfb_open_card(), ret;

	if (fd < 0)
		return 1;
	ret = wcfb_buf_dumb(fd, &d, 64, 64, 32, WCFB_MAP_WCFB);
	ret = ret ? ret : wcfb_buf_cached(fd, &s, 64, 64, 32, WCFB_MAP_WCFB);
	wcfb_ok(!ret, "badinput: buffers (%s)", strerror(-ret));
	if (ret)
		return 1;
	exp = malloc(d.size);
	if (!exp)
		return wcfb_ok(0, "badinput: malloc"), 1;
	fill_random(&d, exp);
	good = (struct drm_wcfb_blit_op){ .op = WCFB_BLIT_OP_COPY, .width = 16, .height = 16,
		.dst = { .handle = d.handle, .format = DRM_FORMAT_XRGB8888, .pitch = d.pitch },
		.src = { .handle = s.handle, .format = DRM_FORMAT_XRGB8888, .pitch = s.pitch } };

#define BAD(field_expr, want, what) do { op = good; field_expr; \
		expect_err(fd, &op, 1, want, what); } while (0)
	BAD(op.dst.x = 49, -EINVAL, "dst rect past the right edge");
	BAD(op.dst.y = 49, -EINVAL, "dst rect past the bottom");
	BAD(op.src.y = 0xffffffffu, -EINVAL, "src y = 2^32-1");
	BAD(op.width = 0xffffffffu, -EINVAL, "width = -1");
	BAD(op.height = 0x80000000u, -EINVAL, "height = 2^31");
	BAD(op.dst.offset = 0xffffffffffffff00ull, -EINVAL, "huge offset");
	BAD((op.dst.pitch = 0x80000000u, op.dst.y = 0x7fffffffu), -EINVAL,
	    "pitch * y overflowing 32 bits");
	BAD(op.dst.pitch = 16, -EINVAL, "pitch < width * cpp");
	BAD(op.dst.pitch = 0, -EINVAL, "pitch 0");
	BAD(op.dst.offset = 2, -EINVAL, "offset inside a pixel");
	BAD(op.dst.handle = 0xdead, -ENOENT, "bad dst handle");
	BAD(op.src.handle = 0, -ENOENT, "src handle 0");
	BAD(op.dst.format = 0x20202020, -EINVAL, "unknown format");
	BAD(op.src.format = DRM_FORMAT_ARGB8888, -EINVAL, "COPY with different formats");
	BAD(op.op = 0, -EINVAL, "op 0");
	BAD(op.op = 99, -EINVAL, "op 99");
	BAD((op.op = WCFB_BLIT_OP_BLEND), -EINVAL, "BLEND from XRGB8888");
	BAD((op.op = WCFB_BLIT_OP_FILL), -EINVAL, "FILL with a source");
	BAD(op.flags = 1, -EINVAL, "op flags");
	BAD(op.pad = 1, -EINVAL, "op pad");
	BAD(op.dst.pad = 1, -EINVAL, "surface pad");
	BAD(op.width = 20000, -EINVAL, "width > MAX_DIM");
	BAD(op.fill = 5, -EINVAL, "COPY with a fill value");

	expect_err(fd, &good, 0, -EINVAL, "zero ops");
	many = calloc(4096, sizeof(*many));
	for (ret = 0; ret < 4096; ret++)
		many[ret] = good;
	expect_err(fd, many, 1025, -E2BIG, "1025 ops");
	b = (struct drm_wcfb_blit){ .ops = (uintptr_t)many, .op_count = 1000000 };
	ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_BLIT, &b);
	wcfb_ok(ret == -E2BIG, "bad input: 1e6 ops -> E2BIG (got %s)", strerror(-ret));
	b = (struct drm_wcfb_blit){ .ops = (uintptr_t)many, .op_count = 1, .flags = 4 };
	ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_BLIT, &b);
	wcfb_ok(ret == -EINVAL, "bad input: blit flags -> EINVAL (got %s)", strerror(-ret));
	b = (struct drm_wcfb_blit){ .ops = (uintptr_t)many, .op_count = 1, .reserved = 1 };
	ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_BLIT, &b);
	wcfb_ok(ret == -EINVAL, "bad input: blit reserved -> EINVAL (got %s)", strerror(-ret));
	b = (struct drm_wcfb_blit){ .ops = 16, .op_count = 1 };
	ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_BLIT, &b);
	wcfb_ok(ret == -EFAULT, "bad input: bad ops pointer -> EFAULT (got %s)", strerror(-ret));
	/* a bad op at the end of a valid batch: nothing of the batch runs */
	many[1].dst.x = 60;
	for (ret = 0; ret < 2; ret++)
		many[ret].op = WCFB_BLIT_OP_FILL, memset(&many[ret].src, 0, sizeof(many[ret].src));
	expect_err(fd, many, 2, -EINVAL, "valid op then invalid op");
	b = (struct drm_wcfb_blit){ .ops = (uintptr_t)&good, .op_count = 1, .in_syncobj = 0x777 };
	ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_BLIT, &b);
	wcfb_ok(ret == -ENOENT || ret == -EINVAL, "bad input: bad in-syncobj (got %s)", strerror(-ret));
	b = (struct drm_wcfb_blit){ .ops = (uintptr_t)&good, .op_count = 1, .out_syncobj = 0x778 };
	ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_BLIT, &b);
	wcfb_ok(ret == -ENOENT, "bad input: bad out-syncobj (got %s)", strerror(-ret));
	{
		struct drm_wcfb_gem_create_cached c = { .width = 1 << 20, .height = 1 << 20, .bpp = 32 };

		ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CREATE_CACHED, &c);
		wcfb_ok(ret == -EINVAL, "bad input: huge cached buffer (got %s)", strerror(-ret));
		c = (struct drm_wcfb_gem_create_cached){ .size = 1ull << 40 };
		ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CREATE_CACHED, &c);
		wcfb_ok(ret == -E2BIG, "bad input: 1 TiB cached buffer (got %s)", strerror(-ret));
		c = (struct drm_wcfb_gem_create_cached){ .width = 8, .height = 8, .bpp = 12 };
		ret = wcfb_ioctl(fd, DRM_IOCTL_WCFB_GEM_CREATE_CACHED, &c);
		wcfb_ok(ret == -EINVAL, "bad input: 12 bpp (got %s)", strerror(-ret));
	}
	wcfb_ok(!check_buf(&d, exp, "dst after bad input"), "bad input: destination untouched");
	free(many);
	free(exp);
	wcfb_buf_free(&d);
	wcfb_buf_free(&s);
	close(fd);
	return 0;
}

/* --- fault injection ----------------------------------------------------- */
/* One FILL of all of D. */
static int fill_op(struct wcfb_buf *d, uint32_t fill)
{
	return wcfb_blit_fill(d->fd, d->handle, d->pitch, d->width, d->height,
			      fill, 0, 0);
}

static int cmd_fault(void)
{
	char ans[256];
	struct wcfb_buf d;
	int fd = wcfb_open_card(), ret;
	uint64_t t0;

	if (fd < 0 || wcfb_buf_cached(fd, &d, 64, 64, 32, WCFB_MAP_WCFB))
		return 1;
	ret = fill_op(&d, 0x11111111);
	wcfb_ok(!ret && !wcfb_cpu_prep(fd, d.handle, WCFB_PREP_READ) &&
		wcfb_buf_all(&d, 0x11111111),
		"fault: a blit works before");
	wcfb_cpu_fini(d.fd, d.handle);

	wcfb_ok(!wcfb_engine_ctl("fail-next 1", ans, sizeof(ans)), "fault: fail-next 1 (%s)", ans);
	ret = fill_op(&d, 0x22222222);
	wcfb_ok(!ret, "fault: injected blit submitted (%s)", strerror(-ret));
	ret = wcfb_cpu_prep(d.fd, d.handle, WCFB_PREP_READ);
	wcfb_ok(ret == -EIO, "fault: CPU_PREP reports the failure -EIO (got %s)", strerror(-ret));
	wcfb_ok(wcfb_buf_all(&d, 0x11111111), "fault: the faulted blit wrote nothing");
	wcfb_cpu_fini(d.fd, d.handle);
	ret = fill_op(&d, 0x33333333);
	ret = ret ? ret : wcfb_cpu_prep(d.fd, d.handle, WCFB_PREP_READ);
	wcfb_ok(!ret && wcfb_buf_all(&d, 0x33333333), "fault: next blit works (%s)", strerror(-ret));
	wcfb_cpu_fini(d.fd, d.handle);

	/* hang: the watchdog resets the engine and fails the fence */
	wcfb_ok(!wcfb_engine_ctl("hang", ans, sizeof(ans)), "fault: hang (%s)", ans);
	t0 = wcfb_now_ns();
	ret = fill_op(&d, 0x44444444);
	wcfb_ok(!ret, "fault: blit to the hung engine submitted (%s)", strerror(-ret));
	ret = wcfb_cpu_prep_timeout(fd, d.handle, WCFB_PREP_READ, 20000000000ll);
	wcfb_ok(ret == -EIO, "fault: hung blit fails after %.2f s (got %s)",
		(wcfb_now_ns() - t0) / 1e9, strerror(-ret));
	wcfb_cpu_fini(d.fd, d.handle);
	wcfb_engine_ctl("resume", ans, sizeof(ans));
	ret = fill_op(&d, 0x55555555);
	ret = ret ? ret : wcfb_cpu_prep(d.fd, d.handle, WCFB_PREP_READ);
	wcfb_ok(!ret && wcfb_buf_all(&d, 0x55555555), "fault: blits work after the reset (%s)",
		strerror(-ret));
	wcfb_cpu_fini(d.fd, d.handle);
	wcfb_ok(wcfb_get_param(fd, DRM_WCFB_PARAM_HAS_BLITTER) == 1, "fault: blitter still there");
	wcfb_buf_free(&d);
	close(fd);
	return 0;
}

/* --- blit then flip ------------------------------------------------------ */
/*
 * Set the engine model's doorbell delay, check its answer, and measure it
 * with a blit into @probe (a small cached buffer): a delay that silently
 * failed would let every blit end before the flip, and the test would
 * pass whether or not the commit waits.  (Measured rather than read back
 * from the model's "stats": that answer is long and multi-line.)
 */
static int engine_delay(struct wcfb_buf *probe, unsigned int ms)
{
	char cmd[32], ans[512];
	uint64_t t0, dt;
	int ret;

	snprintf(cmd, sizeof(cmd), "delay %u", ms);
	if (wcfb_engine_ctl(cmd, ans, sizeof(ans)) ||
	    strncmp(ans, "ok ENGINE ok", 12) || strspn(ans + 12, " \r") != strlen(ans + 12)) {
		printf("# engine %s: the model said: %s\n", cmd, ans);
		return -1;
	}
	if (!ms)
		return 0;
	t0 = wcfb_now_ns();
	ret = fill_op(probe, 0x00ff00ff);
	ret = ret ? ret : wcfb_cpu_prep(probe->fd, probe->handle, WCFB_PREP_READ);
	dt = wcfb_now_ns() - t0;
	wcfb_cpu_fini(probe->fd, probe->handle);
	if (ret || dt < ms * 1000000ull) {
		printf("# engine %s: a probe blit took %.0f ms (%s)\n", cmd, dt / 1e6,
		       ret ? strerror(-ret) : "too fast");
		return -1;
	}
	printf("# engine %s: a probe blit took %.0f ms\n", cmd, dt / 1e6);
	return 0;
}

static const char *fence_state(int done)
{
	return done == 1 ? "signalled" : done == 0 ? "pending" : strerror(-done);
}

/* The blit's out-fence: 1 signalled, 0 pending, -errno. */
static int fence_done(int fd, uint32_t syncobj)
{
	int ret = drmSyncobjWait(fd, &syncobj, 1, 0, 0, NULL);

	return ret == -ETIME ? 0 : ret ? ret : 1;
}

/*
 * Blit a pattern into a scanout buffer holding FLIP_PRE and flip to it at
 * once, without waiting.  The commit must wait for the blit's fence
 * (implicit sync, the buffer's dma_resv): at the flip event the fence has
 * signalled and the host's capture is the pattern.  The engine acts on its
 * doorbell @FLIP_DELAY_MS late, or the blit would be done before the flip
 * anyway.
 *
 * "unfinished" is the control for test_skip_implicit_sync=1: the commit
 * does not wait, so at the flip event the fence is pending and the capture
 * shows the buffer as it was before the blit (all FLIP_PRE) -- while the
 * fence is still pending after the host's answer, so the capture was
 * taken before the engine wrote.  The pattern appears once it signals.
 */
#define FLIP_PRE		0x00203040u
#define FLIP_DELAY_MS		300u
#define FLIP_UNFINISHED_DELAY_MS 1000u	/* below the 2 s watchdog */

static int cmd_flip(uint32_t seed, int unfinished)
{
	struct wcfb_pipe p;
	struct wcfb_buf src, fb[2], probe;
	const drmModeModeInfo *m;
	struct drm_wcfb_blit_op op;
	uint32_t w, h, x, y, i, sync = 0;
	int ret, done, rc = 0;

	if (wcfb_open_pipe(&p))
		return 1;
	m = &p.conn->modes[0];
	w = m->hdisplay;
	h = m->vdisplay;
	if (wcfb_buf_cached(p.fd, &src, w, h, 32, WCFB_MAP_WCFB) ||
	    wcfb_buf_dumb(p.fd, &fb[0], w, h, 32, WCFB_MAP_WCFB) ||
	    wcfb_buf_dumb(p.fd, &fb[1], w, h, 32, WCFB_MAP_WCFB) ||
	    wcfb_buf_cached(p.fd, &probe, 64, 64, 32, WCFB_MAP_WCFB))
		return 1;
	ret = drmSyncobjCreate(p.fd, 0, &sync);
	wcfb_ok(!ret, "flip: syncobj (%s)", strerror(-ret));
	if (ret)
		return 1;
	for (i = 0; i < 2; i++) {
		if (wcfb_buf_addfb(&fb[i], DRM_FORMAT_XRGB8888))
			return 1;
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++)
				((uint32_t *)(fb[i].map + y * fb[i].pitch))[x] = FLIP_PRE;
	}
	ret = wcfb_commit(&p, m, fb[1].fb_id, w, h, 0);
	wcfb_ok(!ret, "flip: modeset");
	if (engine_delay(&probe, unfinished ? FLIP_UNFINISHED_DELAY_MS : FLIP_DELAY_MS)) {
		wcfb_ok(0, "flip: the engine was not slowed down: the flip would not have to wait");
		rc = 1;
		goto out;
	}
	for (i = 0; i < 2; i++) {
		const char *name = i ? "blit_flip_b" : "blit_flip_a";
		uint32_t s = seed + i;
		char uname[32];

		ret = wcfb_cpu_prep(src.fd, src.handle, WCFB_PREP_WRITE);
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++)
				((uint32_t *)(src.map + y * src.pitch))[x] = wcfb_pattern_rgb(s, x, y);
		ret = ret ? ret : wcfb_cpu_fini(src.fd, src.handle);
		op = (struct drm_wcfb_blit_op){ .op = WCFB_BLIT_OP_COPY, .width = w, .height = h,
			.dst = { .handle = fb[i].handle, .format = DRM_FORMAT_XRGB8888, .pitch = fb[i].pitch },
			.src = { .handle = src.handle, .format = DRM_FORMAT_XRGB8888, .pitch = src.pitch } };
		ret = ret ? ret : wcfb_blit(p.fd, &op, 1, 0, sync);
		wcfb_ok(!ret, "flip %u: blit (%s)", i, strerror(-ret));
		/* no wait: the commit must wait for the blit's fence itself */
		ret = ret ? ret : wcfb_commit(&p, NULL, fb[i].fb_id, w, h,
					      DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK);
		if (!ret)
			ret = wcfb_wait_flip(&p, 3000, NULL, NULL);
		wcfb_ok(!ret, "flip %u: flip (%s)", i, strerror(-ret));
		if (ret) {
			rc = 1;
			break;
		}
		done = fence_done(p.fd, sync);
		if (!unfinished) {
			wcfb_ok(done == 1, "flip %u: the blit's fence had signalled at the flip event (%s)",
				i, fence_state(done));
			wcfb_ok(!wcfb_shot(name, "pattern %u %u %u", s, w, h),
				"flip %u: the screen shows the finished blit", i);
			continue;
		}
		/* The control: the flip did not wait, the screen is unfinished. */
		snprintf(uname, sizeof(uname), "%s_unfinished", name);
		wcfb_ok(done == 0, "flip %u: the blit's fence was pending at the flip event (%s%s)",
			i, fence_state(done), done == 1 ? ": the commit waited for it" : "");
		ret = wcfb_shot(uname, "solid %06x %u %u", FLIP_PRE, w, h);
		if (!done) {
			done = fence_done(p.fd, sync);
			wcfb_ok(done == 0, "flip %u: the fence still pending after the capture (%s%s)",
				i, fence_state(done),
				done ? ": the capture may have been late, inconclusive" : "");
		}
		wcfb_ok(!ret, "flip %u: the screen shows the unfinished buffer (all %06x)", i, FLIP_PRE);
		if (ret || done) {
			rc = 1;
			break;
		}
		ret = drmSyncobjWait(p.fd, &sync, 1, wcfb_now_ns() + 5000000000ll, 0, NULL);
		wcfb_ok(!ret, "flip %u: the blit ends (%s)", i, strerror(-ret));
		wcfb_ok(!ret && !wcfb_shot(name, "pattern %u %u %u", s, w, h),
			"flip %u: then the screen shows it", i);
	}
out:
	wcfb_ok(!engine_delay(&probe, 0), "flip: engine delay back to 0");
	wcfb_disable(&p);
	drmSyncobjDestroy(p.fd, sync);
	wcfb_buf_free(&fb[0]);
	wcfb_buf_free(&fb[1]);
	wcfb_buf_free(&src);
	wcfb_buf_free(&probe);
	wcfb_close_pipe(&p);
	if (unfinished && !rc && wcfb_failures)
		rc = 1;
	/* The control's outcome, told apart from every other failure. */
	if (unfinished && !rc)
		printf("unfinished buffer on screen: the commit did not wait for the blit\n");
	return rc;
}

/* --- render node --------------------------------------------------------- */
static int cmd_render(void)
{
	int fd = open("/dev/dri/renderD128", O_RDWR | O_CLOEXEC), ret;
	struct drm_mode_create_dumb cd = { .width = 64, .height = 64, .bpp = 32 };
	struct drm_wcfb_blit_op op;
	drmModeResPtr res;
	struct wcfb_buf a, b;
	uint32_t fill = 0x12345678;

	wcfb_ok(fd >= 0, "render: open renderD128 (%s)", fd < 0 ? strerror(errno) : "ok");
	if (fd < 0)
		return 1;
	wcfb_ok(wcfb_get_param(fd, DRM_WCFB_PARAM_HAS_BLITTER) == 1, "render: GET_PARAM");
	ret = wcfb_buf_cached(fd, &a, 64, 64, 32, WCFB_MAP_WCFB);
	ret = ret ? ret : wcfb_buf_cached(fd, &b, 64, 64, 32, WCFB_MAP_WCFB);
	wcfb_ok(!ret, "render: cached buffers + mmap (%s)", strerror(-ret));
	if (ret)
		return 1;
	ret = fill_op(&a, fill);
	wcfb_ok(!ret, "render: blit allowed (%s)", strerror(-ret));
	op = (struct drm_wcfb_blit_op){ .op = WCFB_BLIT_OP_COPY, .width = 64, .height = 64,
		.dst = { .handle = b.handle, .format = DRM_FORMAT_XRGB8888, .pitch = b.pitch },
		.src = { .handle = a.handle, .format = DRM_FORMAT_XRGB8888, .pitch = a.pitch } };
	ret = wcfb_blit(fd, &op, 1, 0, 0);
	ret = ret ? ret : wcfb_cpu_prep(b.fd, b.handle, WCFB_PREP_READ);
	wcfb_ok(!ret && wcfb_buf_all(&b, fill), "render: copy result (%s)", strerror(-ret));
	ret = wcfb_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd);
	wcfb_ok(ret == -EACCES || ret == -EOPNOTSUPP || ret == -EINVAL,
		"render: dumb create refused (%s)", strerror(-ret));
	res = drmModeGetResources(fd);
	wcfb_ok(!res, "render: modesetting refused");
	if (res)
		drmModeFreeResources(res);
	wcfb_buf_free(&a);
	wcfb_buf_free(&b);
	close(fd);
	return 0;
}

/* --- sync: ownership hand-overs between the CPU and the engine ---------- */
/*
 * Exit codes of `sync` for the two stale outcomes a missing sync predicts
 * under swiotlb=force (the engine works on bounce buffers, the CPU on the
 * pages): the negative controls accept exactly their own outcome, not a
 * setup failure or any other wrong pixel.
 */
#define SYNC_STALE_FOR_DEVICE	3	/* the engine read last round's source */
#define SYNC_STALE_FOR_CPU	4	/* the CPU read its own pre-blit bytes */

/* CPU_PREP(WRITE), fill @b and @copy with random words, CPU_FINI. */
static int cpu_write_random(struct wcfb_buf *b, uint8_t *copy)
{
	uint64_t i;
	int ret = wcfb_cpu_prep(b->fd, b->handle, WCFB_PREP_WRITE);

	if (ret)
		return ret;
	for (i = 0; i < b->size; i += 4) {
		uint32_t v = rnd();

		memcpy(copy + i, &v, 4);
	}
	memcpy(b->map, copy, b->size);
	return wcfb_cpu_fini(b->fd, b->handle);
}

static uint32_t word_at(const uint8_t *p, uint64_t i)
{
	uint32_t v;

	memcpy(&v, p + i, 4);
	return v;
}

/*
 * The destination @got of round @round against what the CPU wrote to the
 * source (@want).  Equal: 0.  Equal, every byte of it, to one of the stale
 * predictions -- last round's source (@prev, NULL in round 0: the mapping
 * synced), or what the CPU wrote to the destination before the blit
 * (@pre) -- that outcome's exit code, with a line naming the first wrong
 * pixel, its stale value and the value the CPU's writes predicted.
 * Anything else (a page here and there, garbage): 1.
 */
static int sync_compare(int round, const struct wcfb_buf *d, const uint8_t *got,
			const uint8_t *want, const uint8_t *prev,
			const uint8_t *pre)
{
	uint64_t i, px, diff = 0;
	const char *kind, *what;
	int rc;

	if (!memcmp(got, want, d->size))
		return 0;
	for (px = 0; px < d->size && got[px] == want[px]; px++)
		;
	px &= ~3ull;
	for (i = 0; i < d->size; i += 4)
		diff += word_at(got, i) != word_at(want, i);
	if (prev && !memcmp(got, prev, d->size)) {
		rc = SYNC_STALE_FOR_DEVICE;
		kind = "for the device";
		what = "last round's source: the engine read a stale copy";
	} else if (!memcmp(got, pre, d->size)) {
		rc = SYNC_STALE_FOR_CPU;
		kind = "for the CPU";
		what = "what the CPU wrote there before the blit";
	} else {
		printf("# sync round %d: pixel (%" PRIu64 ",%" PRIu64 ") holds 0x%08x, want 0x%08x"
		       " (last round's source 0x%08x, pre-blit 0x%08x); %" PRIu64
		       " pixels differ, not as a stale buffer would\n",
		       round, px % d->pitch / 4, px / d->pitch, word_at(got, px),
		       word_at(want, px), prev ? word_at(prev, px) : 0,
		       word_at(pre, px), diff);
		return 1;
	}
	printf("stale %s: round %d pixel (%" PRIu64 ",%" PRIu64 ") holds 0x%08x, %s;"
	       " the CPU's writes predicted 0x%08x; %" PRIu64 " of %" PRIu64
	       " pixels differ, every one stale\n", kind, round, px % d->pitch / 4,
	       px / d->pitch, word_at(got, px), what, word_at(want, px), diff,
	       d->size / 4);
	return rc;
}

/*
 * Three rounds of: the CPU writes the source (random) and the destination
 * (other random words, what the CPU would read back if the sync for the
 * CPU were missing), the engine copies source to destination, the CPU
 * reads the destination.  Round 0 maps the buffers (the mapping syncs);
 * later rounds rely on CPU_FINI's sync for the device and CPU_PREP's sync
 * for the CPU.  Stops at the first wrong round.
 */
static int cmd_sync(uint32_t seed)
{
	struct drm_wcfb_blit_op op;
	struct wcfb_buf s, d;
	int fd = wcfb_open_card(), ret, round, rc = 0;
	uint8_t *src, *prev, *pre;

	if (fd < 0)
		return 1;
	ret = wcfb_buf_cached(fd, &s, 256, 256, 32, WCFB_MAP_WCFB);
	ret = ret ? ret : wcfb_buf_cached(fd, &d, 256, 256, 32, WCFB_MAP_WCFB);
	wcfb_ok(!ret, "sync: buffers (%s)", strerror(-ret));
	if (ret)
		return 1;
	src = malloc(s.size);
	prev = malloc(s.size);
	pre = malloc(d.size);
	if (!src || !prev || !pre || s.size != d.size)
		return wcfb_ok(0, "sync: malloc"), 1;
	rng ^= seed;
	for (round = 0; round < 3 && !rc; round++) {
		ret = cpu_write_random(&s, src);
		ret = ret ? ret : cpu_write_random(&d, pre);
		wcfb_ok(!ret, "sync round %d: CPU writes (%s)", round, strerror(-ret));
		op = (struct drm_wcfb_blit_op){ .op = WCFB_BLIT_OP_COPY, .width = 256, .height = 256,
			.dst = { .handle = d.handle, .format = DRM_FORMAT_XRGB8888, .pitch = d.pitch },
			.src = { .handle = s.handle, .format = DRM_FORMAT_XRGB8888, .pitch = s.pitch } };
		ret = ret ? ret : wcfb_blit(fd, &op, 1, 0, 0);
		ret = ret ? ret : wcfb_cpu_prep(d.fd, d.handle, WCFB_PREP_READ);
		wcfb_ok(!ret, "sync round %d: blit and CPU_PREP (%s)", round, strerror(-ret));
		if (ret) {
			rc = 1;
			break;
		}
		rc = sync_compare(round, &d, d.map, src, round ? prev : NULL, pre);
		ret = wcfb_cpu_fini(d.fd, d.handle);
		wcfb_ok(!rc && !ret, "sync round %d: the engine saw the CPU's writes and the CPU the engine's (%s)",
			round, ret ? strerror(-ret) : rc ? "wrong pixels" : "exact");
		if (ret && !rc)
			rc = 1;
		memcpy(prev, src, s.size);
	}
	free(src);
	free(prev);
	free(pre);
	wcfb_buf_free(&s);
	wcfb_buf_free(&d);
	close(fd);
	return rc;
}

/* --- benchmarks ---------------------------------------------------------- */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Every figure says in its "kind" whether it was measured here (the
 * guest's CLOCK_MONOTONIC), computed from measured ones, or a setting;
 * "by" says what the clock spans.  The harness's engine_vs_host_memcpy
 * turns this run's engine_ms into the engine's bandwidth and sets it
 * against the engine model's own host memcpy, which the model times on
 * the host: engine_mib_per_s here is the same conversion, in the same
 * object as the time it comes from.  Figures never decide pass or fail;
 * only a blit that could not be made fails.
 */
static void bench_fig(char *json, size_t len, const char *name, double v,
		      int decimals, const char *unit, const char *kind,
		      const char *by)
{
	size_t l = strlen(json);

	snprintf(json + l, len - l,
		 "%s\"%s\":{\"value\":%.*f,\"unit\":\"%s\",\"kind\":\"%s\"%s%s%s}",
		 json[l - 1] == '{' ? "" : ",", name, decimals, v, unit, kind,
		 by ? ",\"by\":\"" : "", by ? by : "", by ? "\"" : "");
}

/* NAME (the median), NAME_min and NAME_max of N samples, sorted in place. */
static void bench_dist(char *json, size_t len, const char *name, uint64_t *v,
		       unsigned int n, double scale, const char *unit,
		       const char *by)
{
	char key[64];

	qsort(v, n, sizeof(*v), cmp_u64);
	bench_fig(json, len, name, v[n / 2] / scale, 3, unit, "measured", by);
	snprintf(key, sizeof(key), "%s_min", name);
	bench_fig(json, len, key, v[0] / scale, 3, unit, "measured", by);
	snprintf(key, sizeof(key), "%s_max", name);
	bench_fig(json, len, key, v[n - 1] / scale, 3, unit, "measured", by);
}

static int cmd_bench(void)
{
	const uint32_t W = 1920, H = 1080, reps = 11, lat_n = 200;
	const char *by_copy = "guest: BLIT ioctl to its fence (CPU_PREP returns)";
	uint64_t t0, t_eng[11], t_cpu[11], lat[200], t_batch;
	struct drm_wcfb_blit_op op, *batch;
	struct wcfb_buf src, dst, small;
	double eng_med, cpu_med;
	char json[2048];
	unsigned int i;
	int fd = wcfb_open_card(), ret;

	if (fd < 0 || wcfb_buf_cached(fd, &src, W, H, 32, WCFB_MAP_WCFB) ||
	    wcfb_buf_dumb(fd, &dst, W, H, 32, WCFB_MAP_WCFB) ||
	    wcfb_buf_dumb(fd, &small, 64, 64, 32, WCFB_MAP_WCFB))
		return 1;
	wcfb_cpu_prep(src.fd, src.handle, WCFB_PREP_WRITE);
	memset(src.map, 0x5a, src.size);
	wcfb_cpu_fini(src.fd, src.handle);
	op = (struct drm_wcfb_blit_op){ .op = WCFB_BLIT_OP_COPY, .width = W, .height = H,
		.dst = { .handle = dst.handle, .format = DRM_FORMAT_XRGB8888, .pitch = dst.pitch },
		.src = { .handle = src.handle, .format = DRM_FORMAT_XRGB8888, .pitch = src.pitch } };
	wcfb_blit(fd, &op, 1, 0, 0);	/* warm-up: mappings */
	wcfb_cpu_prep(dst.fd, dst.handle, WCFB_PREP_WRITE);
	for (i = 0; i < reps; i++) {
		t0 = wcfb_now_ns();
		ret = wcfb_blit(fd, &op, 1, 0, 0);
		ret = ret ? ret : wcfb_cpu_prep(dst.fd, dst.handle, WCFB_PREP_WRITE);
		if (ret)
			return 1;
		t_eng[i] = wcfb_now_ns() - t0;
	}
	wcfb_cpu_prep(src.fd, src.handle, WCFB_PREP_READ);
	for (i = 0; i < reps; i++) {
		uint32_t y;

		t0 = wcfb_now_ns();
		for (y = 0; y < H; y++)
			memcpy(dst.map + y * dst.pitch, src.map + y * src.pitch, W * 4);
		t_cpu[i] = wcfb_now_ns() - t0;
	}
	wcfb_cpu_fini(src.fd, src.handle);
	strcpy(json, "{\"name\":\"blit_copy_1080p\",\"figures\":{");
	bench_dist(json, sizeof(json), "engine_ms", t_eng, reps, 1e6, "ms", by_copy);
	bench_dist(json, sizeof(json), "cpu_memcpy_ms", t_cpu, reps, 1e6, "ms",
		   "guest: CPU memcpy cached to WC, row by row");
	eng_med = t_eng[reps / 2];
	cpu_med = t_cpu[reps / 2];
	bench_fig(json, sizeof(json), "engine_mib_per_s",
		  (double)W * H * 4 / (eng_med / 1e9) / (1 << 20), 1, "MiB/s",
		  "computed", "1080p XRGB8888 bytes over the median engine_ms");
	bench_fig(json, sizeof(json), "engine_speedup", cpu_med / eng_med, 3, "x",
		  "computed", "median cpu_memcpy_ms over median engine_ms");
	bench_fig(json, sizeof(json), "samples", reps, 0, "copies", "setting", NULL);
	strncat(json, "}}", sizeof(json) - strlen(json) - 1);
	wcfb_bench(json);

	for (i = 0; i < lat_n; i++) {
		t0 = wcfb_now_ns();
		ret = fill_op(&small, i);
		ret = ret ? ret : wcfb_cpu_prep(small.fd, small.handle, WCFB_PREP_WRITE);
		if (ret)
			return 1;
		lat[i] = wcfb_now_ns() - t0;
	}
	qsort(lat, lat_n, sizeof(lat[0]), cmp_u64);
	strcpy(json, "{\"name\":\"blit_fill64_latency\",\"figures\":{");
	bench_fig(json, sizeof(json), "median_us", lat[lat_n / 2] / 1e3, 1, "us",
		  "measured", "guest: 64x64 FILL ioctl to its fence (CPU_PREP returns)");
	bench_fig(json, sizeof(json), "p99_us", lat[(lat_n - 1) * 99 / 100] / 1e3, 1,
		  "us", "measured", NULL);
	bench_fig(json, sizeof(json), "min_us", lat[0] / 1e3, 1, "us", "measured", NULL);
	bench_fig(json, sizeof(json), "max_us", lat[lat_n - 1] / 1e3, 1, "us",
		  "measured", NULL);
	bench_fig(json, sizeof(json), "samples", lat_n, 0, "fills", "setting", NULL);
	strncat(json, "}}", sizeof(json) - strlen(json) - 1);
	wcfb_bench(json);

	batch = calloc(256, sizeof(*batch));
	if (!batch)
		return 1;
	for (i = 0; i < 256; i++) {
		batch[i] = (struct drm_wcfb_blit_op){ .op = WCFB_BLIT_OP_FILL, .width = 8, .height = 8,
			.fill = i, .dst = { .handle = small.handle, .format = DRM_FORMAT_XRGB8888,
					    .pitch = small.pitch, .x = (i % 8) * 8, .y = (i / 8 % 8) * 8 } };
	}
	/* One figure, not a distribution: the 40 batches are queued back to
	 * back and only the last fence is waited for. */
	t0 = wcfb_now_ns();
	for (i = 0; i < 40; i++)
		if (wcfb_blit(fd, batch, 256, 0, 0))
			return 1;
	if (wcfb_cpu_prep(small.fd, small.handle, WCFB_PREP_WRITE))
		return 1;
	t_batch = wcfb_now_ns() - t0;
	strcpy(json, "{\"name\":\"blit_small_fill_rate\",\"figures\":{");
	bench_fig(json, sizeof(json), "ops_per_s", 40 * 256 / (t_batch / 1e9), 0, "ops/s",
		  "measured", "guest: 40 queued BLITs of 256 8x8 FILLs to the last fence");
	bench_fig(json, sizeof(json), "batch", 256, 0, "ops", "setting", NULL);
	strncat(json, "}}", sizeof(json) - strlen(json) - 1);
	wcfb_bench(json);
	free(batch);
	wcfb_buf_free(&src);
	wcfb_buf_free(&dst);
	wcfb_buf_free(&small);
	close(fd);
	return 0;
}

/* No blitter (its DT node absent or disabled): buffers still work, every
 * blit is refused with ENODEV, and GET_PARAM says so. */
/* --- the engine dies ----------------------------------------------------- */
/*
 * The harness SIGKILLs the engine model with a batch in flight.  The
 * batch's fence fails (the watchdog's reset gets no answer), the engine is
 * declared dead, GET_PARAM says so, later blits are refused with ENODEV,
 * and buffers stay usable by the CPU.
 */
static int cmd_death(void)
{
	enum { N = 64 };
	static struct drm_wcfb_blit_op ops[N];
	char ans[256];
	struct wcfb_buf big, d;
	int fd = wcfb_open_card(), ret, i;
	uint64_t t0;

	if (fd < 0 || wcfb_buf_cached(fd, &big, 1920, 1080, 32, WCFB_MAP_WCFB) ||
	    wcfb_buf_cached(fd, &d, 64, 64, 32, WCFB_MAP_WCFB))
		return 1;
	ret = fill_op(&d, 0x11111111);
	wcfb_ok(!ret && !wcfb_cpu_prep(fd, d.handle, WCFB_PREP_READ) &&
		wcfb_buf_all(&d, 0x11111111),
		"death: a blit works before");
	wcfb_cpu_fini(d.fd, d.handle);

	/*
	 * From here the model acts on every doorbell 500 ms late, so the
	 * kill, asked for right after the batch's doorbell, lands with the
	 * batch in flight however loaded the host is.  Set only now: the
	 * blit above must complete well inside the driver's watchdog.
	 */
	ret = wcfb_engine_ctl("delay 500", ans, sizeof(ans));
	wcfb_ok(!ret && !strcmp(ans, "ok ENGINE ok"), "death: the engine model acts 500 ms late (%s)", ans);

	/* ~64 1080p fills: tens of milliseconds of engine work. */
	for (i = 0; i < N; i++)
		ops[i] = (struct drm_wcfb_blit_op){ .op = WCFB_BLIT_OP_FILL,
			.width = big.width, .height = big.height, .fill = 0x01010101u * i,
			.dst = { .handle = big.handle, .format = DRM_FORMAT_XRGB8888,
				 .pitch = big.pitch } };
	ret = wcfb_blit(fd, ops, N, 0, 0);
	wcfb_ok(!ret, "death: a %d-op batch submitted (%s)", N, strerror(-ret));
	ret = wcfb_engine_ctl("kill", ans, sizeof(ans));
	wcfb_ok(!ret, "death: the harness killed the engine model (%s)", ans);
	t0 = wcfb_now_ns();
	ret = wcfb_cpu_prep_timeout(fd, big.handle, WCFB_PREP_READ, 30000000000ll);
	/* The batch may have finished before the kill landed: then 0. */
	wcfb_ok(ret == -EIO || ret == 0, "death: the in-flight batch ends after %.2f s (%s)",
		(wcfb_now_ns() - t0) / 1e9, ret ? strerror(-ret) : "it had completed");
	wcfb_cpu_fini(big.fd, big.handle);

	/* The next blit finds the engine silent: its fence fails. */
	t0 = wcfb_now_ns();
	ret = fill_op(&d, 0x22222222);
	if (!ret) {
		ret = wcfb_cpu_prep_timeout(fd, d.handle, WCFB_PREP_READ, 30000000000ll);
		wcfb_ok(ret == -EIO, "death: a blit to the dead engine fails after %.2f s (%s)",
			(wcfb_now_ns() - t0) / 1e9, strerror(-ret));
		wcfb_cpu_fini(d.fd, d.handle);
	} else {
		wcfb_ok(ret == -ENODEV, "death: a blit to the dead engine refused (%s)",
			strerror(-ret));
	}
	wcfb_ok(wcfb_buf_all(&d, 0x11111111), "death: the failed blit wrote nothing");

	wcfb_ok(wcfb_get_param(fd, DRM_WCFB_PARAM_HAS_BLITTER) == 0,
		"death: GET_PARAM HAS_BLITTER is 0 now");
	ret = fill_op(&d, 0x33333333);
	wcfb_ok(ret == -ENODEV, "death: later blits refused (%s, want ENODEV)", strerror(-ret));

	/* The CPU still owns the buffers: write, read back, free. */
	ret = wcfb_cpu_prep(d.fd, d.handle, WCFB_PREP_WRITE);
	wcfb_ok(!ret, "death: CPU_PREP on an idle buffer (%s)", strerror(-ret));
	memset(d.map, 0x44, d.size);
	wcfb_cpu_fini(d.fd, d.handle);
	ret = wcfb_cpu_prep(d.fd, d.handle, WCFB_PREP_READ);
	wcfb_ok(!ret && wcfb_buf_all(&d, 0x44444444), "death: CPU writes read back");
	wcfb_cpu_fini(d.fd, d.handle);
	wcfb_buf_free(&d);
	ret = wcfb_buf_cached(fd, &d, 64, 64, 32, WCFB_MAP_WCFB) ? -1 : 0;
	wcfb_ok(!ret, "death: new buffers can still be created");
	if (!ret)
		wcfb_buf_free(&d);
	wcfb_buf_free(&big);
	close(fd);
	return 0;
}

static int cmd_noengine(void)
{
	int fd = wcfb_open_card(), ret;
	struct drm_wcfb_blit_op op;
	struct wcfb_buf a;

	if (fd < 0)
		return 1;
	wcfb_ok(wcfb_get_param(fd, DRM_WCFB_PARAM_HAS_BLITTER) == 0,
		"noengine: GET_PARAM HAS_BLITTER is 0");
	ret = wcfb_buf_cached(fd, &a, 64, 64, 32, WCFB_MAP_WCFB);
	wcfb_ok(!ret, "noengine: cached buffer still created (%s)", strerror(-ret));
	if (ret)
		return 1;
	op = (struct drm_wcfb_blit_op){ .op = WCFB_BLIT_OP_FILL, .width = 64, .height = 64,
		.fill = 0x00ff00ff,
		.dst = { .handle = a.handle, .format = DRM_FORMAT_XRGB8888, .pitch = a.pitch } };
	ret = wcfb_blit(fd, &op, 1, 0, 0);
	wcfb_ok(ret == -ENODEV, "noengine: blit -> %s (want ENODEV)", strerror(-ret));
	ret = wcfb_cpu_prep(a.fd, a.handle, WCFB_PREP_READ);
	wcfb_ok(ret == 0, "noengine: CPU_PREP on an idle buffer (%s)", strerror(-ret));
	wcfb_buf_free(&a);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	uint32_t seed = argc > 2 ? strtoul(argv[2], NULL, 0) : 1;
	int ret = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "ops"))
		ret = cmd_ops(seed, argc > 3 ? strtoul(argv[3], NULL, 0) : 20);
	else if (!strcmp(cmd, "badinput"))
		ret = cmd_badinput();
	else if (!strcmp(cmd, "death"))
		ret = cmd_death();
	else if (!strcmp(cmd, "fault"))
		ret = cmd_fault();
	else if (!strcmp(cmd, "flip"))
		ret = cmd_flip(seed, argc > 3 && !strcmp(argv[3], "unfinished"));
	else if (!strcmp(cmd, "render"))
		ret = cmd_render();
	else if (!strcmp(cmd, "sync"))
		ret = cmd_sync(seed);
	else if (!strcmp(cmd, "bench"))
		ret = cmd_bench();
	else if (!strcmp(cmd, "noengine"))
		ret = cmd_noengine();
	else
		fprintf(stderr, "usage: see the top of wcfb-blittest.c\n");
	return ret ? ret : wcfb_failures ? 1 : 0;
}
