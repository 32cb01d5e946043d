/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Host-only tests of hw/engine/wcfb-engine, with this program playing QEMU:
 * it creates a RAM file, starts the engine, connects to its ivshmem socket
 * exactly as QEMU's ivshmem-doorbell does, maps BAR2 and "guest RAM", and
 * drives the ring like the Linux driver will.
 *
 * Every operation is checked against a CPU reference written from
 * Documentation/engine-protocol.md, over the WHOLE of guest RAM: the
 * expected RAM image is computed before the descriptor runs and compared
 * after it (ring and completion page excepted), so a byte written outside
 * the destination rect anywhere in RAM is caught.
 *
 * Environment: ENGINE (path of wcfb-engine), ENGINE_WRAPPER (e.g.
 * "valgrind --error-exitcode=99 --leak-check=full"), SEED, TIMEOUT_SCALE.
 * Prints one line per test and a closing "N passed, N failed".
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wcfb_engine_proto.h"

#define RAM_BASE   0x40000000ull
#define RAM_SIZE   (16ull << 20)
#define RING_SIZE  64u

/* ------------------------------------------------------------------ */
/* Tiny test framework                                                 */
/* ------------------------------------------------------------------ */

static int g_failed_checks;
static char g_fail_msg[512];

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			if (!g_failed_checks++)                            \
				snprintf(g_fail_msg, sizeof(g_fail_msg),   \
					 "%s:%d: %s", __FILE__, __LINE__, #cond); \
			fprintf(stderr, "  check failed %s:%d: %s: ",      \
				__FILE__, __LINE__, #cond);                \
			fprintf(stderr, __VA_ARGS__);                      \
			fprintf(stderr, "\n");                             \
			return;                                            \
		}                                                          \
	} while (0)

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from SEED */
	g_rng ^= g_rng >> 12;
	g_rng ^= g_rng << 25;
	g_rng ^= g_rng >> 27;
	return g_rng * 0x2545F4914F6CDD1Dull;
}

static uint32_t rndn(uint32_t n)       /* [0, n) */
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static double g_tscale = 1.0;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------------ */
/* The fake QEMU peer                                                  */
/* ------------------------------------------------------------------ */

typedef struct Peer {
	pid_t pid;
	char dir[64], sock[128], ram_path[128], ctl[128], out[128], err[128];
	char pidfile[128];
	int sock_fd, db_fd, irq_fd;
	int64_t my_id;
	uint8_t *bar;
	size_t bar_size;
	uint8_t *ram;
	uint64_t ram_size, ram_base;
	uint64_t brk;                   /* bump allocator (RAM offset) */
	uint64_t ring_gpa, cmpl_gpa;
	uint32_t ring_size, head;
	uint64_t seq;
	uint8_t *expect;                /* expected RAM image */
} Peer;

static const char *g_engine;
static char **g_wrapper;

static uint32_t rd32(Peer *p, uint32_t off)
{
	return le32toh(__atomic_load_n((uint32_t *)(void *)(p->bar + off),
				       __ATOMIC_ACQUIRE));
}

static void wr32(Peer *p, uint32_t off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)(p->bar + off), htole32(v),
			 __ATOMIC_RELEASE);
}

static void wr64(Peer *p, uint32_t off, uint64_t v)
{
	/* as a 32-bit-only driver would: two halves, low first */
	wr32(p, off, (uint32_t)v);
	wr32(p, off + 4, (uint32_t)(v >> 32));
}

static void *gpa2host(Peer *p, uint64_t gpa)
{
	return p->ram + (gpa - p->ram_base);
}

static uint64_t galloc(Peer *p, uint64_t size, uint64_t align)
{
	uint64_t off = (p->brk + align - 1) & ~(align - 1);

	if (off + size > p->ram_size) {
		fprintf(stderr, "test RAM exhausted\n");
		abort();
	}
	p->brk = off + size;
	return p->ram_base + off;
}

static int recv_msg(int sock, int64_t *val, int *fd)
{
	uint64_t le;
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);

	if (n != (ssize_t)sizeof(le))
		return -1;
	*val = (int64_t)le64toh(le);
	*fd = -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

static bool file_contains(const char *path, const char *needle)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/* Start the engine with extra arguments (NULL-terminated) and connect. */
static int peer_start(Peer *p, uint64_t ram_base, ...)
{
	const char *argv[64];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { 10, 0 };
	struct stat st;
	double t0;
	va_list ap;
	int n = 0, fd, i;
	int64_t v;
	int mfd;

	memset(p, 0, sizeof(*p));
	p->sock_fd = p->db_fd = p->irq_fd = -1;
	p->ram_base = ram_base;
	p->ram_size = RAM_SIZE;
	strcpy(p->dir, "/tmp/wcfb-engine-test-XXXXXX");
	if (!mkdtemp(p->dir))
		return -1;
	snprintf(p->sock, sizeof(p->sock), "%s/engine.sock", p->dir);
	snprintf(p->ram_path, sizeof(p->ram_path), "%s/ram", p->dir);
	snprintf(p->ctl, sizeof(p->ctl), "%s/control.sock", p->dir);
	snprintf(p->out, sizeof(p->out), "%s/stdout", p->dir);
	snprintf(p->err, sizeof(p->err), "%s/stderr", p->dir);
	snprintf(p->pidfile, sizeof(p->pidfile), "%s/engine.pid", p->dir);

	/* the harness's job: the RAM file, sized like -m */
	fd = open(p->ram_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)p->ram_size) < 0)
		return -1;
	p->ram = mmap(NULL, p->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, 0);
	close(fd);
	if (p->ram == MAP_FAILED)
		return -1;
	/* random "guest" contents, so stray writes of any value show */
	for (i = 0; i < (int)(p->ram_size / 8); i++)
		((uint64_t *)(void *)p->ram)[i] = rnd();
	p->expect = malloc(p->ram_size);
	p->brk = 1 << 20;

	for (i = 0; g_wrapper && g_wrapper[i]; i++)
		argv[n++] = g_wrapper[i];
	argv[n++] = g_engine;
	argv[n++] = "--socket";
	argv[n++] = p->sock;
	argv[n++] = "--ram";
	argv[n++] = p->ram_path;
	argv[n++] = "--control";
	argv[n++] = p->ctl;
	argv[n++] = "--pidfile";
	argv[n++] = p->pidfile;
	argv[n++] = "--ram-base";
	{
		static char base[8][32];
		static int bi;
		char *b = base[bi++ % 8];

		snprintf(b, 32, "0x%llx", (unsigned long long)ram_base);
		argv[n++] = b;
	}
	va_start(ap, ram_base);
	for (;;) {
		const char *a = va_arg(ap, const char *);

		if (!a)
			break;
		argv[n++] = a;
	}
	va_end(ap);
	argv[n] = NULL;

	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		int o = open(p->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(p->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(o, 1);
		dup2(e, 2);
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	/* the harness waits for "ready" before starting QEMU */
	t0 = now_ms();
	while (!file_contains(p->out, "ready\n")) {
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
			p->pid = 0;
			fprintf(stderr, "engine died before ready\n");
			return -1;
		}
		if (now_ms() - t0 > 20000 * g_tscale)
			return -1;
		usleep(5000);
	}

	p->sock_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(sa.sun_path, p->sock);
	if (connect(p->sock_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	setsockopt(p->sock_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	/* QEMU's ivshmem_recv_setup(), then process_msg() */
	if (recv_msg(p->sock_fd, &v, &fd) || v != 0 || fd != -1)
		return -10;
	if (recv_msg(p->sock_fd, &p->my_id, &fd) || fd != -1 ||
	    p->my_id < 0 || p->my_id > 65535)
		return -11;
	if (recv_msg(p->sock_fd, &v, &mfd) || v != -1 || mfd < 0)
		return -12;
	if (fstat(mfd, &st) < 0 || st.st_size < 4096 ||
	    (st.st_size & (st.st_size - 1)))
		return -13;             /* QEMU: PCI BAR must be 2^n */
	p->bar_size = (size_t)st.st_size;
	p->bar = mmap(NULL, p->bar_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      mfd, 0);
	close(mfd);
	if (p->bar == MAP_FAILED)
		return -14;
	/* other peer (the engine) vector 0, then our own vector 0 */
	if (recv_msg(p->sock_fd, &v, &p->db_fd) || p->db_fd < 0 ||
	    v == p->my_id)
		return -15;
	if (v != rd32(p, WCFB_ENG_REG_DOORBELL_PEER))
		return -16;
	if (recv_msg(p->sock_fd, &v, &p->irq_fd) || p->irq_fd < 0 ||
	    v != p->my_id)
		return -17;
	fcntl(p->irq_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

static void kick(Peer *p)
{
	uint64_t one = 1;

	/* what QEMU does for DOORBELL = (peer << 16) | vector */
	if (write(p->db_fd, &one, 8) != 8)
		perror("kick");
}

static bool wait_irq(Peer *p, int timeout_ms)
{
	struct pollfd pf = { .fd = p->irq_fd, .events = POLLIN };
	uint64_t cnt;

	if (poll(&pf, 1, (int)(timeout_ms * g_tscale)) <= 0)
		return false;
	return read(p->irq_fd, &cnt, 8) == 8;
}

/* Forget interrupts already delivered (MSI-X is an edge: a stale one
 * must not be mistaken for the answer to the next request). */
static void drain_irq(Peer *p)
{
	uint64_t cnt;

	while (read(p->irq_fd, &cnt, 8) == 8)
		;
}

static bool no_irq_for(Peer *p, int ms)
{
	struct pollfd pf = { .fd = p->irq_fd, .events = POLLIN };

	return poll(&pf, 1, ms) == 0;
}

static int peer_ctl(Peer *p, const char *cmd, char *reply, size_t rlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t got = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 10, 0 };

	strcpy(sa.sun_path, p->ctl);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (write(fd, cmd, strlen(cmd)) < 0 || write(fd, "\n", 1) < 0) {
		close(fd);
		return -1;
	}
	reply[0] = '\0';
	/* read until a line starting with "ok" or "err" */
	while (got < rlen - 1) {
		ssize_t n = read(fd, reply + got, rlen - 1 - got);
		char *last;

		if (n <= 0)
			break;
		got += (size_t)n;
		reply[got] = '\0';
		if (got && reply[got - 1] == '\n') {
			reply[got - 1] = '\0';
			last = strrchr(reply, '\n');
			last = last ? last + 1 : reply;
			reply[got - 1] = '\n';
			if (!strncmp(last, "ok", 2) || !strncmp(last, "err", 3))
				break;
		}
	}
	close(fd);
	return strstr(reply, "ok") ? 0 : -1;
}

/* Close our end like QEMU exiting; returns the engine's exit status. */
static int peer_stop(Peer *p, bool kill_it)
{
	int status = -1, i;

	if (kill_it && p->pid > 0)
		kill(p->pid, SIGTERM);
	if (p->sock_fd >= 0)
		close(p->sock_fd);
	p->sock_fd = -1;
	if (p->pid > 0) {
		for (i = 0; i < (int)(2000 * g_tscale); i++) {
			if (waitpid(p->pid, &status, WNOHANG) == p->pid)
				break;
			usleep(10000);
		}
		if (i == (int)(2000 * g_tscale)) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &status, 0);
			status = -1;
		}
		p->pid = 0;
	}
	if (p->db_fd >= 0)
		close(p->db_fd);
	if (p->irq_fd >= 0)
		close(p->irq_fd);
	p->db_fd = p->irq_fd = -1;
	if (p->bar && p->bar != MAP_FAILED)
		munmap(p->bar, p->bar_size);
	if (p->ram && p->ram != MAP_FAILED)
		munmap(p->ram, p->ram_size);
	p->bar = p->ram = NULL;
	free(p->expect);
	p->expect = NULL;
	return status;
}

static void peer_rmdir(Peer *p)
{
	DIR *d = opendir(p->dir);
	struct dirent *de;
	char path[512];

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", p->dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(p->dir);
}

/* ------------------------------------------------------------------ */
/* Ring handling, like the driver                                      */
/* ------------------------------------------------------------------ */

static struct wcfb_eng_completion *cmpl(Peer *p)
{
	return gpa2host(p, p->cmpl_gpa);
}

static struct wcfb_eng_desc *slot(Peer *p, uint32_t idx)
{
	return gpa2host(p, p->ring_gpa +
			(uint64_t)(idx & (p->ring_size - 1)) *
			WCFB_ENG_DESC_SIZE);
}

/* Program and enable the ring; returns the STATUS seen afterwards. */
static uint32_t ring_enable(Peer *p, uint64_t ring_gpa, uint32_t size,
			    uint64_t cmpl_gpa)
{
	p->ring_gpa = ring_gpa;
	p->ring_size = size;
	p->cmpl_gpa = cmpl_gpa;
	p->head = 0;
	wr64(p, WCFB_ENG_REG_RING_BASE, ring_gpa);
	wr32(p, WCFB_ENG_REG_RING_SIZE, size);
	wr64(p, WCFB_ENG_REG_COMPLETION_ADDR, cmpl_gpa);
	wr32(p, WCFB_ENG_REG_HEAD, 0);
	wr32(p, WCFB_ENG_REG_CTRL, WCFB_ENG_CTRL_ENABLE);
	drain_irq(p);
	kick(p);
	if (!wait_irq(p, 5000))
		return 0xdead;
	return rd32(p, WCFB_ENG_REG_STATUS);
}

static uint32_t ring_setup(Peer *p)
{
	uint64_t ring = galloc(p, RING_SIZE * WCFB_ENG_DESC_SIZE, 4096);
	uint64_t c = galloc(p, 4096, 4096);

	memset(gpa2host(p, c), 0, 64);
	return ring_enable(p, ring, RING_SIZE, c);
}

static bool engine_reset(Peer *p)
{
	wr32(p, WCFB_ENG_REG_CTRL, WCFB_ENG_CTRL_RESET);
	drain_irq(p);
	kick(p);
	return wait_irq(p, 5000) &&
	       rd32(p, WCFB_ENG_REG_STATUS) == WCFB_ENG_STATUS_RESET_DONE &&
	       rd32(p, WCFB_ENG_REG_CTRL) == 0 &&
	       rd32(p, WCFB_ENG_REG_TAIL) == 0 &&
	       rd32(p, WCFB_ENG_REG_HEAD) == 0;
}

/* Queue without ringing; sets seqno and status = PENDING. */
static uint32_t queue(Peer *p, const struct wcfb_eng_desc *d)
{
	struct wcfb_eng_desc *s = slot(p, p->head);

	memcpy(s, d, sizeof(*s));
	s->seqno = htole64(++p->seq);
	s->status = htole32(WCFB_ENG_ST_PENDING);
	return p->head++;
}

static void publish_head(Peer *p)
{
	/* descriptors before HEAD (release), HEAD before the doorbell */
	wr32(p, WCFB_ENG_REG_HEAD, p->head);
}

static bool wait_tail(Peer *p, uint32_t want, int timeout_ms)
{
	double t0 = now_ms();

	while (rd32(p, WCFB_ENG_REG_TAIL) != want) {
		if (now_ms() - t0 > timeout_ms * g_tscale)
			return false;
		wait_irq(p, 100);
	}
	return true;
}

/* Submit one descriptor and wait; returns its status (or 0xdead). */
static uint32_t submit1(Peer *p, const struct wcfb_eng_desc *d)
{
	uint32_t idx = queue(p, d);

	publish_head(p);
	kick(p);
	if (!wait_tail(p, p->head, 10000))
		return 0xdead;
	if (le64toh(__atomic_load_n(&cmpl(p)->seqno, __ATOMIC_ACQUIRE)) !=
	    p->seq)
		return 0xbad;
	return le32toh(slot(p, idx)->status);
}

/* ------------------------------------------------------------------ */
/* Test surfaces: non-contiguous SG buffers in guest RAM               */
/* ------------------------------------------------------------------ */

#define MAX_SEGS 64

typedef struct TBuf {
	uint64_t sg_gpa;
	uint32_t nseg;
	uint64_t gpa[MAX_SEGS], len[MAX_SEGS];
	uint64_t extent;
} TBuf;

/* @extent bytes in up to @maxseg pieces, scattered with gaps, listed in
 * random order (so addresses are not monotonic along the buffer). */
static void tbuf_alloc(Peer *p, TBuf *b, uint64_t extent, uint32_t maxseg)
{
	struct wcfb_eng_sg *sg;
	uint64_t left = extent;
	uint32_t i, n = 1 + rndn(maxseg);
	uint64_t tmpg[MAX_SEGS], tmpl[MAX_SEGS];
	uint32_t perm[MAX_SEGS];

	memset(b, 0, sizeof(*b));
	if (n > extent)
		n = (uint32_t)extent;
	for (i = 0; i < n; i++) {
		uint64_t l = i == n - 1 ? left :
			1 + rndn((uint32_t)(left - (n - 1 - i)) / (n - i) * 2);

		if (l > left - (n - 1 - i))
			l = left - (n - 1 - i);
		tmpl[i] = l;
		left -= l;
		perm[i] = i;
	}
	/* physical placement in shuffled order, logical order kept */
	for (i = n - 1; i > 0; i--) {
		uint32_t j = rndn(i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < n; i++) {
		/* odd gaps and lengths: rows straddle segments anywhere */
		galloc(p, 1 + rndn(256), 1);
		tmpg[perm[i]] = galloc(p, tmpl[perm[i]], 1);
	}
	for (i = 0; i < n; i++) {
		b->gpa[i] = tmpg[i];
		b->len[i] = tmpl[i];
	}
	b->nseg = n;
	b->extent = extent;
	b->sg_gpa = galloc(p, n * sizeof(*sg), 16);
	sg = gpa2host(p, b->sg_gpa);
	for (i = 0; i < n; i++) {
		sg[i].addr = htole64(b->gpa[i]);
		sg[i].len = htole64(b->len[i]);
	}
}

/* Same pages, a second SG table (aliasing without equal sg_addr). */
static void tbuf_alias(Peer *p, const TBuf *src, TBuf *b)
{
	struct wcfb_eng_sg *sg;
	uint32_t i;

	*b = *src;
	b->sg_gpa = galloc(p, b->nseg * sizeof(*sg), 16);
	sg = gpa2host(p, b->sg_gpa);
	for (i = 0; i < b->nseg; i++) {
		sg[i].addr = htole64(b->gpa[i]);
		sg[i].len = htole64(b->len[i]);
	}
}

/* Byte access through the SG list on an arbitrary RAM image. */
static uint8_t *tb_at(Peer *p, uint8_t *img, const TBuf *b, uint64_t off)
{
	uint32_t i;

	for (i = 0; i < b->nseg; i++) {
		if (off < b->len[i])
			return img + (b->gpa[i] - p->ram_base) + off;
		off -= b->len[i];
	}
	abort();
}

static void tb_read(Peer *p, uint8_t *img, const TBuf *b, uint64_t off,
		    uint8_t *dst, uint64_t len)
{
	while (len--)
		*dst++ = *tb_at(p, img, b, off++);
}

static void tb_write(Peer *p, uint8_t *img, const TBuf *b, uint64_t off,
		     const uint8_t *src, uint64_t len)
{
	while (len--)
		*tb_at(p, img, b, off++) = *src++;
}

/* ------------------------------------------------------------------ */
/* CPU reference (from Documentation/engine-protocol.md)               */
/* ------------------------------------------------------------------ */

/*
 * Every format as bit fields of its little-endian pixel value: shift and
 * width of A, R, G, B and the X padding (width 0 = absent).  Written from
 * the DRM fourcc comments ("[31:0] A:R:G:B 2:10:10:10 little endian"),
 * independently of the engine's switch statements.  The first four are
 * protocol 1.0's.
 */
typedef struct FmtDesc {
	uint32_t fourcc;
	const char *tag;
	uint32_t cpp;
	uint8_t sh[5], wd[5];           /* [0] A, [1] R, [2] G, [3] B, [4] X */
} FmtDesc;

static const FmtDesc g_fdesc[] = {
	{ WCFB_ENG_FMT_XRGB8888, "XR24", 4, { 0, 16, 8, 0, 24 }, { 0, 8, 8, 8, 8 } },
	{ WCFB_ENG_FMT_ARGB8888, "AR24", 4, { 24, 16, 8, 0, 0 }, { 8, 8, 8, 8, 0 } },
	{ WCFB_ENG_FMT_RGB565, "RG16", 2, { 0, 11, 5, 0, 0 }, { 0, 5, 6, 5, 0 } },
	{ WCFB_ENG_FMT_RGB888, "RG24", 3, { 0, 16, 8, 0, 0 }, { 0, 8, 8, 8, 0 } },
	{ WCFB_ENG_FMT_XBGR8888, "XB24", 4, { 0, 0, 8, 16, 24 }, { 0, 8, 8, 8, 8 } },
	{ WCFB_ENG_FMT_ABGR8888, "AB24", 4, { 24, 0, 8, 16, 0 }, { 8, 8, 8, 8, 0 } },
	{ WCFB_ENG_FMT_RGBX8888, "RX24", 4, { 0, 24, 16, 8, 0 }, { 0, 8, 8, 8, 8 } },
	{ WCFB_ENG_FMT_RGBA8888, "RA24", 4, { 0, 24, 16, 8, 0 }, { 8, 8, 8, 8, 0 } },
	{ WCFB_ENG_FMT_BGRX8888, "BX24", 4, { 0, 8, 16, 24, 0 }, { 0, 8, 8, 8, 8 } },
	{ WCFB_ENG_FMT_BGRA8888, "BA24", 4, { 0, 8, 16, 24, 0 }, { 8, 8, 8, 8, 0 } },
	{ WCFB_ENG_FMT_BGR888, "BG24", 3, { 0, 0, 8, 16, 0 }, { 0, 8, 8, 8, 0 } },
	{ WCFB_ENG_FMT_BGR565, "BG16", 2, { 0, 0, 5, 11, 0 }, { 0, 5, 6, 5, 0 } },
	{ WCFB_ENG_FMT_XRGB2101010, "XR30", 4, { 0, 20, 10, 0, 30 },
	  { 0, 10, 10, 10, 2 } },
	{ WCFB_ENG_FMT_ARGB2101010, "AR30", 4, { 30, 20, 10, 0, 0 },
	  { 2, 10, 10, 10, 0 } },
	{ WCFB_ENG_FMT_XBGR2101010, "XB30", 4, { 0, 0, 10, 20, 30 },
	  { 0, 10, 10, 10, 2 } },
	{ WCFB_ENG_FMT_ABGR2101010, "AB30", 4, { 30, 0, 10, 20, 0 },
	  { 2, 10, 10, 10, 0 } },
};
#define NFMT (sizeof(g_fdesc) / sizeof(g_fdesc[0]))
#define NFMT10 4                        /* protocol 1.0's formats */

static const FmtDesc *fdesc(uint32_t f)
{
	unsigned i;

	for (i = 0; i < NFMT; i++)
		if (g_fdesc[i].fourcc == f)
			return &g_fdesc[i];
	abort();
}

static uint32_t fmt_at(unsigned i)
{
	return g_fdesc[i].fourcc;
}

static uint32_t cpp_of(uint32_t f)
{
	return fdesc(f)->cpp;
}

/* n-bit field -> 8 bits and back, as the protocol document says */
static uint32_t to8(uint32_t v, uint32_t wd)
{
	switch (wd) {
	case 2: return v * 0x55;
	case 5: return (v << 3) | (v >> 2);
	case 6: return (v << 2) | (v >> 4);
	case 10: return v >> 2;
	default: return v;
	}
}

static uint32_t from8(uint32_t v, uint32_t wd)
{
	switch (wd) {
	case 2: return v >> 6;
	case 5: return v >> 3;
	case 6: return v >> 2;
	case 10: return (v << 2) | (v >> 6);
	default: return v;
	}
}

/* pixel bytes -> a, r, g, b */
static void ref_unpack(uint32_t f, const uint8_t *px, uint32_t c[4])
{
	const FmtDesc *fd = fdesc(f);
	uint32_t v = 0, i;

	for (i = 0; i < fd->cpp; i++)
		v |= (uint32_t)px[i] << (8 * i);
	for (i = 0; i < 4; i++)
		c[i] = fd->wd[i] ? to8((v >> fd->sh[i]) &
				       ((1u << fd->wd[i]) - 1), fd->wd[i]) :
				   255;
}

static void ref_pack(uint32_t f, const uint32_t c[4], uint8_t *px)
{
	const FmtDesc *fd = fdesc(f);
	uint32_t v = 0, i;

	for (i = 0; i < 4; i++)
		if (fd->wd[i])
			v |= from8(c[i], fd->wd[i]) << fd->sh[i];
	if (fd->wd[4])                  /* X: all ones */
		v |= ((1u << fd->wd[4]) - 1) << fd->sh[4];
	for (i = 0; i < fd->cpp; i++)
		px[i] = (v >> (8 * i)) & 255;
}

/* reference CRC-32 (zlib's crc32()), bit by bit */
static uint32_t ref_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	int k;

	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
	}
	return ~crc;
}

/* A chroma plane of a YUV source, as its planes-table entry says. */
typedef struct YPlane {
	const TBuf *b;
	uint32_t pitch, x, y, phase;
} YPlane;

typedef struct Op {
	uint32_t opcode, flags, fill, w, h;
	const TBuf *dst, *src;
	uint32_t dfmt, dpitch, dx, dy;
	uint32_t sfmt, spitch, sx, sy;
	uint64_t table;                 /* COLOR: the table's address;
					 * planar YUV: the planes table's */
	const YPlane *yp;               /* YUV: the chroma planes */
	/* XFORM_SCALE (1.3): the source size, u0, v0, du, dv */
	uint32_t ssw, ssh;
	int32_t u0, v0, du, dv;
} Op;

/*
 * The YUV formats of the 1.2 spec's table, written from it and not from
 * the engine: planes, subsampling, and whether Cr comes first (NV: in a
 * sample; planar: as the first chroma plane).  Packed formats take
 * their byte order from the tag itself ("YUYV": Y0 U Y1 V).
 */
typedef struct YFmtT {
	uint32_t fourcc;
	const char *tag;
	unsigned planes, hsub, vsub;
	bool cr_first;
} YFmtT;

static const YFmtT g_yfmt[] = {
	{ WCFB_ENG_FMT_NV12, "NV12", 2, 2, 2, false },
	{ WCFB_ENG_FMT_NV21, "NV21", 2, 2, 2, true },
	{ WCFB_ENG_FMT_NV16, "NV16", 2, 2, 1, false },
	{ WCFB_ENG_FMT_NV61, "NV61", 2, 2, 1, true },
	{ WCFB_ENG_FMT_NV24, "NV24", 2, 1, 1, false },
	{ WCFB_ENG_FMT_NV42, "NV42", 2, 1, 1, true },
	{ WCFB_ENG_FMT_YUV420, "YU12", 3, 2, 2, false },
	{ WCFB_ENG_FMT_YVU420, "YV12", 3, 2, 2, true },
	{ WCFB_ENG_FMT_YUV422, "YU16", 3, 2, 1, false },
	{ WCFB_ENG_FMT_YVU422, "YV16", 3, 2, 1, true },
	{ WCFB_ENG_FMT_YUV444, "YU24", 3, 1, 1, false },
	{ WCFB_ENG_FMT_YVU444, "YV24", 3, 1, 1, true },
	{ WCFB_ENG_FMT_YUYV, "YUYV", 1, 2, 1, false },
	{ WCFB_ENG_FMT_YVYU, "YVYU", 1, 2, 1, true },
	{ WCFB_ENG_FMT_UYVY, "UYVY", 1, 2, 1, false },
	{ WCFB_ENG_FMT_VYUY, "VYUY", 1, 2, 1, true },
};
#define NYFMT (sizeof(g_yfmt) / sizeof(g_yfmt[0]))

static const YFmtT *yfmt(uint32_t f)
{
	unsigned i;

	for (i = 0; i < NYFMT; i++)
		if (g_yfmt[i].fourcc == f)
			return &g_yfmt[i];
	return NULL;
}

/* round half away from zero, without libm */
static int64_t round_haz(double v)
{
	return v < 0 ? -(int64_t)(-v + 0.5) : (int64_t)(v + 0.5);
}

/*
 * CY, CRV, CGU, CGV, CBU of encoding @enc (0 BT.601, 1 BT.709, 2 BT.2020)
 * from Kr and Kb in double, as the 1.2 spec derives them: the header's
 * integer table is checked against this, and the reference below uses
 * only this.
 */
static void ref_yuv_coefs(unsigned enc, bool full, int64_t k[5])
{
	static const double kk[3][2] = {
		{ 0.299, 0.114 }, { 0.2126, 0.0722 }, { 0.2627, 0.0593 },
	};
	double kr = kk[enc][0], kb = kk[enc][1], kg = 1.0 - kr - kb;
	double s = full ? 1.0 : 255.0 / 224.0;

	k[0] = full ? 65536 : round_haz(65536.0 * 255.0 / 219.0);
	k[1] = round_haz(65536.0 * s * 2.0 * (1.0 - kr));
	k[2] = round_haz(65536.0 * s * 2.0 * (1.0 - kb) * kb / kg);
	k[3] = round_haz(65536.0 * s * 2.0 * (1.0 - kr) * kr / kg);
	k[4] = round_haz(65536.0 * s * 2.0 * (1.0 - kb));
}

/* clamp(floor((v + 32768) / 65536), 0, 255), the floor written out */
static uint32_t ref_yuv_ch(int64_t v)
{
	int64_t t = v + 32768, q = t / 65536;

	if (t % 65536 < 0)
		q--;
	return q < 0 ? 0 : q > 255 ? 255 : (uint32_t)q;
}

static void ref_ycbcr(uint32_t flags, int64_t Y, int64_t Cb, int64_t Cr,
		      uint32_t c[4])
{
	bool full = flags & (1u << 14);
	int64_t k[5], y;

	ref_yuv_coefs((flags >> 12) & 3, full, k);
	y = full ? Y : Y - 16;
	Cb -= 128;
	Cr -= 128;
	c[0] = 255;
	c[1] = ref_yuv_ch(k[0] * y + k[1] * Cr);
	c[2] = ref_yuv_ch(k[0] * y - k[2] * Cb - k[3] * Cr);
	c[3] = ref_yuv_ch(k[0] * y + k[4] * Cb);
}

/* Source pixel (u, v) of @o's YUV rect, read from the image @img the way
 * the 1.2 spec says, converted to canonical A, R, G, B. */
static void ref_yuv(Peer *p, uint8_t *img, const Op *o, uint32_t u,
		    uint32_t v, uint32_t c[4])
{
	const YFmtT *f = yfmt(o->sfmt);
	uint32_t i, cc[2];
	uint8_t b[4];

	if (f->planes == 1) {
		uint32_t col = o->sx + u, yi[2] = { 0, 0 }, ny = 0;
		uint32_t ui = 0, vi = 0;

		for (i = 0; i < 4; i++) {
			if (f->tag[i] == 'Y')
				yi[ny++] = i;
			else if (f->tag[i] == 'U')
				ui = i;
			else
				vi = i;
		}
		tb_read(p, img, o->src, (uint64_t)(o->sy + v) * o->spitch +
			(uint64_t)(col / 2) * 4, b, 4);
		ref_ycbcr(o->flags, b[yi[col % 2]], b[ui], b[vi], c);
		return;
	}
	tb_read(p, img, o->src, (uint64_t)(o->sy + v) * o->spitch + o->sx + u,
		b, 1);
	for (i = 0; i < 2; i++) {               /* 0 Cb, 1 Cr */
		unsigned pi = f->planes == 2 ? 0 : i ^ f->cr_first;
		const YPlane *cp = &o->yp[pi];
		uint32_t bps = f->planes == 2 ? 2 : 1;
		uint32_t cx = cp->x + ((cp->phase & 0xFF) + u) / f->hsub;
		uint32_t cy = cp->y + (((cp->phase >> 8) & 0xFF) + v) / f->vsub;
		uint8_t s2[2];

		tb_read(p, img, cp->b, (uint64_t)cy * cp->pitch +
			(uint64_t)cx * bps, s2, bps);
		cc[i] = bps == 2 ? s2[i ^ f->cr_first] : s2[0];
	}
	ref_ycbcr(o->flags, b[0], cc[0], cc[1], c);
}

static void op_to_desc(const Op *o, struct wcfb_eng_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->opcode = htole32(o->opcode);
	d->flags = htole32(o->flags);
	d->fill = htole32(o->fill);
	d->width = htole32(o->w);
	d->height = htole32(o->h);
	if (o->dst) {
		d->dst.sg_addr = htole64(o->dst->sg_gpa);
		d->dst.sg_count = htole32(o->dst->nseg);
	}
	d->dst.pitch = htole32(o->dpitch);
	d->dst.format = htole32(o->dfmt);
	d->dst.x = htole32(o->dx);
	d->dst.y = htole32(o->dy);
	if (o->src) {
		d->src.sg_addr = htole64(o->src->sg_gpa);
		d->src.sg_count = htole32(o->src->nseg);
	}
	d->src.pitch = htole32(o->spitch);
	d->src.format = htole32(o->sfmt);
	d->src.x = htole32(o->sx);
	d->src.y = htole32(o->sy);
	d->_rsvd[0] = htole32((uint32_t)o->table);
	d->_rsvd[1] = htole32((uint32_t)(o->table >> 32));
	if (o->flags & WCFB_ENG_XFORM_SCALE) {
		d->_rsvd[2] = htole32(o->ssw);
		d->_rsvd[3] = htole32(o->ssh);
		d->_rsvd[4] = htole32((uint32_t)o->u0);
		d->_rsvd[5] = htole32((uint32_t)o->v0);
		d->_rsvd[6] = htole32((uint32_t)o->du);
		d->_rsvd[7] = htole32((uint32_t)o->dv);
	}
}

static uint32_t le16_at(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8;
}

static uint64_t le64_at(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/*
 * COLOR of one canonical pixel (c[1..3] = R, G, B; alpha untouched),
 * straight from the protocol document, reading the raw table bytes @t:
 * every pixel recomputes every stage, and the division by 2^32 is a
 * floor written out, not a shift.
 */
static void ref_color(const uint8_t *t, uint32_t c[4])
{
	uint32_t flags = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
			 (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
	int64_t d[3], o[3];
	int i, j;

	for (i = 0; i < 3; i++)
		d[i] = flags & 1 ? le16_at(t + 0x50 + c[i + 1] * 8 + i * 2) :
				   c[i + 1] * 257;
	for (i = 0; i < 3; i++) {
		__int128 sum = (__int128)1 << 31, q;
		const __int128 one = (__int128)1 << 32;

		if (!(flags & 2)) {
			o[i] = d[i];
			continue;
		}
		for (j = 0; j < 3; j++)
			sum += (__int128)(int64_t)le64_at(t + 8 + (i * 3 + j) * 8) *
			       d[j];
		q = sum / one;          /* truncates towards zero */
		if (sum % one < 0)
			q--;
		o[i] = q < 0 ? 0 : q > 65535 ? 65535 : (int64_t)q;
	}
	for (i = 0; i < 3; i++) {
		uint32_t g = flags & 4 ?
			le16_at(t + 0x850 + (uint32_t)(o[i] / 256) * 8 + i * 2) :
			(uint32_t)o[i];

		/* the 16-bit value nearest to a multiple of 257 */
		c[i + 1] = (g + 128) / 257;
	}
}

static uint32_t rdiv255(uint32_t x)
{
	return (x + 127) / 255;
}

/* BLEND of one canonical pixel, the protocol document's formulas */
static void ref_blend(uint32_t flags, uint32_t fill, const uint32_t s[4],
		      uint32_t d[4])
{
	uint32_t mode = flags & WCFB_ENG_BLEND_MODE_MASK, a, i, c;
	uint32_t pa = flags & WCFB_ENG_BLEND_PLANE_ALPHA ? fill & 255 : 255;

	a = mode == WCFB_ENG_BLEND_NONE ? pa : rdiv255(s[0] * pa);
	for (i = 1; i < 4; i++) {
		if (mode == WCFB_ENG_BLEND_PREMULTIPLIED) {
			c = rdiv255(s[i] * pa) + rdiv255(d[i] * (255 - a));
			d[i] = c > 255 ? 255 : c;
		} else {
			d[i] = rdiv255(s[i] * a + d[i] * (255 - a));
		}
	}
	d[0] = a + rdiv255(d[0] * (255 - a));
}

/* Apply @o to the RAM image @img. */
static void ref_apply(Peer *p, uint8_t *img, const Op *o)
{
	/* FILL ignores its src surface, whatever it holds */
	const TBuf *src = o->opcode == WCFB_ENG_OP_FILL ? NULL : o->src;
	/* a YUV source is an opaque ARGB8888 one once read */
	bool yuv = src && yfmt(o->sfmt);
	uint32_t sfmt = yuv ? WCFB_ENG_FMT_ARGB8888 : o->sfmt;
	uint32_t dc = cpp_of(o->dfmt), sc = src ? cpp_of(sfmt) : 0;
	bool tr = o->opcode != WCFB_ENG_OP_CRC &&
		  (o->flags & WCFB_ENG_XFORM_TRANSPOSE);
	bool scale = o->flags & WCFB_ENG_XFORM_SCALE;
	uint32_t sw = scale ? o->ssw : tr ? o->h : o->w;
	uint32_t sh = scale ? o->ssh : tr ? o->w : o->h;
	uint64_t srow = (uint64_t)sw * sc;
	uint8_t *srect = malloc(srow * sh + 1), px[4], *sp;
	uint32_t x, y, u, v, s[4], d[4], crc = 0;
	int i;

	/* the whole source rect is read before anything is written */
	for (y = 0; src && y < sh; y++) {
		if (!yuv) {
			tb_read(p, img, src, (uint64_t)(o->sy + y) * o->spitch +
				(uint64_t)o->sx * sc, srect + y * srow, srow);
			continue;
		}
		for (x = 0; x < sw; x++) {
			ref_yuv(p, img, o, x, y, s);
			ref_pack(sfmt, s, srect + y * srow + (uint64_t)x * 4);
		}
	}
	if (o->opcode == WCFB_ENG_OP_CRC) {
		for (y = 0; y < o->h; y++)
			for (x = 0; x < o->w; x++) {
				uint8_t rgb[3];

				ref_unpack(sfmt, srect + y * srow + x * sc,
					   s);
				for (i = 0; i < 3; i++)
					rgb[i] = (uint8_t)s[i + 1];
				crc = ref_crc32(crc, rgb, 3);
			}
		for (i = 0; i < 4; i++)
			px[i] = (crc >> (8 * i)) & 255;
		tb_write(p, img, o->dst, (uint64_t)o->dy * o->dpitch +
			 (uint64_t)o->dx * 4, px, 4);
		free(srect);
		return;
	}
	for (y = 0; y < o->h; y++) {
		for (x = 0; x < o->w; x++) {
			uint64_t doff = (uint64_t)(o->dy + y) * o->dpitch +
					(uint64_t)(o->dx + x) * dc;

			u = tr ? y : x;
			v = tr ? x : y;
			if (scale) {
				/* 1.3: U = u0 + a du, V = v0 + b dv, with
				 * (a, b) = TRANSPOSE ? (j, i) : (i, j) */
				u = (uint32_t)(((int64_t)o->u0 +
						(int64_t)(tr ? y : x) * o->du) >> 16);
				v = (uint32_t)(((int64_t)o->v0 +
						(int64_t)(tr ? x : y) * o->dv) >> 16);
			}
			if (o->flags & WCFB_ENG_XFORM_REFLECT_X)
				u = sw - 1 - u;
			if (o->flags & WCFB_ENG_XFORM_REFLECT_Y)
				v = sh - 1 - v;
			sp = srect + v * srow + (uint64_t)u * sc;
			switch (o->opcode) {
			case WCFB_ENG_OP_FILL:
				for (i = 0; i < (int)dc; i++)
					px[i] = (o->fill >> (8 * i)) & 255;
				break;
			case WCFB_ENG_OP_COPY:
				memcpy(px, sp, dc);
				break;
			case WCFB_ENG_OP_CONVERT:
				ref_unpack(sfmt, sp, s);
				ref_pack(o->dfmt, s, px);
				break;
			case WCFB_ENG_OP_COLOR:
				ref_unpack(sfmt, sp, s);
				ref_color(img + (o->table - p->ram_base), s);
				ref_pack(o->dfmt, s, px);
				break;
			case WCFB_ENG_OP_BLEND:
				tb_read(p, img, o->dst, doff, px, dc);
				ref_unpack(sfmt, sp, s);
				ref_unpack(o->dfmt, px, d);
				ref_blend(o->flags, o->fill, s, d);
				ref_pack(o->dfmt, d, px);
				break;
			}
			tb_write(p, img, o->dst, doff, px, dc);
		}
	}
	free(srect);
}

/* Whole-RAM comparison, ring and completion page excepted. */
static bool ram_matches(Peer *p, uint64_t *bad_gpa)
{
	uint64_t ring_off = p->ring_gpa - p->ram_base;
	uint64_t ring_end = ring_off + (uint64_t)p->ring_size *
			    WCFB_ENG_DESC_SIZE;
	uint64_t c_off = p->cmpl_gpa - p->ram_base, o;

	/* the engine legitimately writes these two; compare the rest */
	memcpy(p->expect + ring_off, p->ram + ring_off, ring_end - ring_off);
	memcpy(p->expect + c_off, p->ram + c_off, 64);
	if (!memcmp(p->ram, p->expect, p->ram_size))
		return true;
	for (o = 0; o < p->ram_size; o++) {
		if ((o >= ring_off && o < ring_end) ||
		    (o >= c_off && o < c_off + 64))
			continue;
		if (p->ram[o] != p->expect[o]) {
			*bad_gpa = p->ram_base + o;
			return false;
		}
	}
	return true;
}

/* Run @o through the engine, expect @want_status; on success the RAM must
 * equal the reference, on a fault RAM must be untouched. */
static int run_op(Peer *p, const Op *o, uint32_t want_status)
{
	struct wcfb_eng_desc d;
	uint64_t bad = 0;
	uint32_t st;

	memcpy(p->expect, p->ram, p->ram_size);
	if (want_status == WCFB_ENG_ST_OK)
		ref_apply(p, p->expect, o);
	op_to_desc(o, &d);
	st = submit1(p, &d);
	if (st != want_status) {
		fprintf(stderr, "  op %u %ux%u dst(%u,%u p%u f%08x) "
			"src(%u,%u p%u f%08x): status %u, want %u\n",
			o->opcode, o->w, o->h, o->dx, o->dy, o->dpitch, o->dfmt,
			o->sx, o->sy, o->spitch, o->sfmt, st, want_status);
		return -1;
	}
	if (!ram_matches(p, &bad)) {
		fprintf(stderr, "  op %u %ux%u dst(%u,%u p%u) src(%u,%u p%u):"
			" RAM differs from reference at 0x%llx\n", o->opcode,
			o->w, o->h, o->dx, o->dy, o->dpitch, o->sx, o->sy,
			o->spitch, (unsigned long long)bad);
		return -1;
	}
	return 0;
}

/* A surface of W x H pixels with a padded pitch. */
typedef struct Surf {
	TBuf b;
	uint32_t fmt, W, H, pitch;
} Surf;

static void surf_alloc(Peer *p, Surf *s, uint32_t fmt, uint32_t W,
		       uint32_t H, uint32_t maxseg)
{
	s->fmt = fmt;
	s->W = W;
	s->H = H;
	s->pitch = W * cpp_of(fmt) + rndn(3) * 7;
	tbuf_alloc(p, &s->b, (uint64_t)s->pitch * (H - 1) + W * cpp_of(fmt),
		   maxseg);
}

/* Random rect inside W x H, with extra weight on the edge cases. */
static void rand_rect(uint32_t W, uint32_t H, uint32_t *x, uint32_t *y,
		      uint32_t *w, uint32_t *h)
{
	switch (rndn(6)) {
	case 0:         /* full frame */
		*x = *y = 0;
		*w = W;
		*h = H;
		return;
	case 1:         /* single pixel, often in a corner */
		*w = *h = 1;
		*x = rndn(2) ? W - 1 : rndn(W);
		*y = rndn(2) ? H - 1 : rndn(H);
		return;
	case 2:         /* touching the right/bottom edges */
		*w = 1 + rndn(W);
		*h = 1 + rndn(H);
		*x = W - *w;
		*y = H - *h;
		return;
	default:
		*w = 1 + rndn(W);
		*h = 1 + rndn(H);
		*x = rndn(W - *w + 1);
		*y = rndn(H - *h + 1);
	}
}

static Peer g_peer;     /* main instance shared by most tests */

static void set_dst(Op *o, const Surf *s)
{
	o->dst = &s->b;
	o->dfmt = s->fmt;
	o->dpitch = s->pitch;
}

static void set_src(Op *o, const Surf *s)
{
	o->src = &s->b;
	o->sfmt = s->fmt;
	o->spitch = s->pitch;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static void t_identification(void)
{
	Peer *p = &g_peer;

	CHECK(rd32(p, WCFB_ENG_REG_MAGIC) == WCFB_ENG_MAGIC, "magic %08x",
	      rd32(p, WCFB_ENG_REG_MAGIC));
	CHECK(!memcmp(p->bar, "WCBL", 4), "magic bytes");
	CHECK(rd32(p, WCFB_ENG_REG_VERSION) == WCFB_ENG_VERSION, "version");
	CHECK(rd32(p, WCFB_ENG_REG_CAPS) == 0xfe, "caps %x",
	      rd32(p, WCFB_ENG_REG_CAPS));
	CHECK(rd32(p, WCFB_ENG_REG_FORMATS) == 0xffffffff, "formats %x",
	      rd32(p, WCFB_ENG_REG_FORMATS));
	CHECK(rd32(p, WCFB_ENG_REG_DMA_BITS) == 32, "dma bits");
	CHECK(rd32(p, WCFB_ENG_REG_DESC_SIZE) == 128, "desc size");
	CHECK(rd32(p, WCFB_ENG_REG_DOORBELL_PEER) == 0, "peer");
	CHECK(p->my_id == 1, "qemu id %lld", (long long)p->my_id);
	CHECK(rd32(p, WCFB_ENG_REG_STATUS) == WCFB_ENG_STATUS_DISABLED,
	      "status %u", rd32(p, WCFB_ENG_REG_STATUS));
	CHECK(p->bar_size == WCFB_ENG_BAR_SIZE, "bar size %zu", p->bar_size);
}

static void t_enable_nop(void)
{
	Peer *p = &g_peer;
	struct wcfb_eng_desc d;
	uint32_t st = ring_setup(p);

	CHECK(st == WCFB_ENG_STATUS_IDLE, "status after enable %x", st);
	memset(&d, 0, sizeof(d));
	d.opcode = htole32(WCFB_ENG_OP_NOP);
	st = submit1(p, &d);
	CHECK(st == WCFB_ENG_ST_OK, "nop status %x", st);
	CHECK(le32toh(cmpl(p)->tail) == p->head, "completion tail");
}

static void t_fill(void)
{
	Peer *p = &g_peer;
	unsigned f, i;

	for (f = 0; f < NFMT; f++) {
		Surf s;

		surf_alloc(p, &s, fmt_at(f), 97, 61, 16);
		for (i = 0; i < (f < NFMT10 ? 25u : 10u); i++) {
			Op o = { .opcode = WCFB_ENG_OP_FILL,
				 .fill = (uint32_t)rnd() };

			set_dst(&o, &s);
			rand_rect(s.W, s.H, &o.dx, &o.dy, &o.w, &o.h);
			CHECK(!run_op(p, &o, 0), "fill fmt %08x", s.fmt);
		}
	}
}

static void t_copy(void)
{
	Peer *p = &g_peer;
	unsigned f, i;

	for (f = 0; f < NFMT; f++) {
		Surf a, b;

		surf_alloc(p, &a, fmt_at(f), 80, 50, 24);
		surf_alloc(p, &b, fmt_at(f), 70, 64, 24);
		for (i = 0; i < (f < NFMT10 ? 25u : 10u); i++) {
			Op o = { .opcode = WCFB_ENG_OP_COPY };
			uint32_t W = a.W < b.W ? a.W : b.W;
			uint32_t H = a.H < b.H ? a.H : b.H;

			set_dst(&o, &b);
			set_src(&o, &a);
			rand_rect(W, H, &o.sx, &o.sy, &o.w, &o.h);
			o.dx = rndn(b.W - o.w + 1);
			o.dy = rndn(b.H - o.h + 1);
			CHECK(!run_op(p, &o, 0), "copy fmt %08x", a.fmt);
		}
	}
}

static void t_copy_fullframe_contig(void)
{
	Peer *p = &g_peer;
	Surf a, b;
	Op o = { .opcode = WCFB_ENG_OP_COPY, .w = 640, .h = 480 };

	/* one segment each: the common dma_alloc_coherent case */
	surf_alloc(p, &a, WCFB_ENG_FMT_XRGB8888, 640, 480, 1);
	surf_alloc(p, &b, WCFB_ENG_FMT_XRGB8888, 640, 480, 1);
	set_dst(&o, &b);
	set_src(&o, &a);
	CHECK(!run_op(p, &o, 0), "full-frame copy");
}

static void t_copy_overlap(void)
{
	Peer *p = &g_peer;
	unsigned f, i;

	for (f = 0; f < NFMT; f++) {
		Surf s;
		TBuf alias;

		surf_alloc(p, &s, fmt_at(f), 64, 48, 12);
		tbuf_alias(p, &s.b, &alias);
		for (i = 0; i < (f < NFMT10 ? 30u : 10u); i++) {
			Op o = { .opcode = WCFB_ENG_OP_COPY };
			int dx = (int)rndn(9) - 4, dy = (int)rndn(9) - 4;

			set_dst(&o, &s);
			set_src(&o, &s);
			if (i & 1)
				o.src = &alias; /* same pages, other table */
			o.w = 1 + rndn(s.W - 8);
			o.h = 1 + rndn(s.H - 8);
			o.sx = 4 + rndn(s.W - 8 - o.w + 1);
			o.sy = 4 + rndn(s.H - 8 - o.h + 1);
			o.dx = (uint32_t)((int)o.sx + dx);
			o.dy = (uint32_t)((int)o.sy + dy);
			CHECK(!run_op(p, &o, 0), "overlap copy fmt %08x "
			      "d(%d,%d)", s.fmt, dx, dy);
		}
	}
}

static void t_blend(void)
{
	Peer *p = &g_peer;
	unsigned f, i;

	for (f = 0; f < NFMT; f++) {
		Surf src, dst;
		uint32_t *px;

		surf_alloc(p, &src, WCFB_ENG_FMT_ARGB8888, 40, 30, 8);
		surf_alloc(p, &dst, fmt_at(f), 50, 40, 8);
		/* make alpha 0 and 255 common, they are the edge cases */
		for (i = 0; i < src.b.nseg; i++) {
			uint64_t k;

			px = gpa2host(p, src.b.gpa[i]);
			for (k = 0; k + 4 <= src.b.len[i]; k += 4) {
				uint8_t *b = (uint8_t *)px + k;

				if (rndn(4) == 0)
					b[3] = rndn(2) ? 255 : 0;
			}
		}
		for (i = 0; i < (f < NFMT10 ? 20u : 8u); i++) {
			Op o = { .opcode = WCFB_ENG_OP_BLEND };

			set_dst(&o, &dst);
			set_src(&o, &src);
			rand_rect(src.W, src.H, &o.sx, &o.sy, &o.w, &o.h);
			o.dx = rndn(dst.W - o.w + 1);
			o.dy = rndn(dst.H - o.h + 1);
			CHECK(!run_op(p, &o, 0), "blend onto %08x", dst.fmt);
		}
	}
}

static void t_convert(void)
{
	Peer *p = &g_peer;
	unsigned sf, df, i;

	for (sf = 0; sf < NFMT; sf++) {
		for (df = 0; df < NFMT; df++) {
			Surf src, dst;

			surf_alloc(p, &src, fmt_at(sf), 33, 21, 6);
			surf_alloc(p, &dst, fmt_at(df), 37, 25, 6);
			for (i = 0; i < (sf < NFMT10 && df < NFMT10 ? 6u : 2u);
			     i++) {
				Op o = { .opcode = WCFB_ENG_OP_CONVERT };

				set_dst(&o, &dst);
				set_src(&o, &src);
				rand_rect(src.W, src.H, &o.sx, &o.sy, &o.w,
					  &o.h);
				o.dx = rndn(dst.W - o.w + 1);
				o.dy = rndn(dst.H - o.h + 1);
				CHECK(!run_op(p, &o, 0), "convert %08x->%08x",
				      src.fmt, dst.fmt);
			}
		}
	}
}

static void t_convert_exact_values(void)
{
	/* spot values straight from the spec, independent of ref_*() */
	Peer *p = &g_peer;
	Surf src, dst;
	Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 4, .h = 1 };
	const uint16_t in[4] = { 0xFFFF, 0x0000, 0xF800, 0x8410 };
	/* 0x8410: r5=16 -> 0x84, g6=32 -> 0x82, b5=16 -> 0x84 */
	const uint32_t want[4] = { 0xFFFFFFFF, 0xFF000000, 0xFFFF0000,
				   0xFF848284 };
	uint32_t got[4];

	surf_alloc(p, &src, WCFB_ENG_FMT_RGB565, 4, 1, 1);
	surf_alloc(p, &dst, WCFB_ENG_FMT_XRGB8888, 4, 1, 1);
	memcpy(gpa2host(p, src.b.gpa[0]), in, 8);
	set_dst(&o, &dst);
	set_src(&o, &src);
	CHECK(!run_op(p, &o, 0), "convert 565->8888");
	memcpy(got, gpa2host(p, dst.b.gpa[0]), 16);
	CHECK(!memcmp(got, want, 16), "%08x %08x %08x %08x", got[0], got[1],
	      got[2], got[3]);
}

static void t_blend_exact_values(void)
{
	Peer *p = &g_peer;
	Surf src, dst;
	Op o = { .opcode = WCFB_ENG_OP_BLEND, .w = 3, .h = 1 };
	const uint32_t s[3] = { 0x80FF0000, 0x00123456, 0xFF010203 };
	const uint32_t d[3] = { 0x400000FF, 0x80ABCDEF, 0x00FFFFFF };
	/* a=128: R=(255*128+127)/255=128 B=(255*127+127)/255=127,
	 * A=128+(64*127+127)/255=160 */
	const uint32_t want[3] = { 0xA080007F, 0x80ABCDEF, 0xFF010203 };
	uint32_t got[3];

	surf_alloc(p, &src, WCFB_ENG_FMT_ARGB8888, 3, 1, 1);
	surf_alloc(p, &dst, WCFB_ENG_FMT_ARGB8888, 3, 1, 1);
	memcpy(gpa2host(p, src.b.gpa[0]), s, 12);
	memcpy(gpa2host(p, dst.b.gpa[0]), d, 12);
	set_dst(&o, &dst);
	set_src(&o, &src);
	CHECK(!run_op(p, &o, 0), "blend");
	memcpy(got, gpa2host(p, dst.b.gpa[0]), 12);
	CHECK(!memcmp(got, want, 12), "%08x %08x %08x", got[0], got[1],
	      got[2]);
}


/* ---- protocol 1.1: formats, blend modes, transforms, CRC ---- */

/* One raw descriptor on 1-line surfaces, returning the status. */
static uint32_t run_raw(Peer *p, uint32_t opcode, uint32_t flags,
			uint32_t fill, uint32_t w, uint32_t h, Surf *dst,
			Surf *src)
{
	Op o = { .opcode = opcode, .fill = fill, .w = w, .h = h };
	struct wcfb_eng_desc d;

	set_dst(&o, dst);
	if (src)
		set_src(&o, src);
	op_to_desc(&o, &d);
	d.flags = htole32(flags);
	return submit1(p, &d);
}

static void t_formats_11(void)
{
	/* canonical 0xAARRGGBB <-> the format's bytes, computed by hand
	 * from Documentation/engine-protocol.md */
	static const struct {
		uint32_t fmt, argb, word, unpacked;
	} v[] = {
		{ WCFB_ENG_FMT_XBGR8888, 0xC0123456, 0xFF563412, 0xFF123456 },
		{ WCFB_ENG_FMT_ABGR8888, 0xC0123456, 0xC0563412, 0xC0123456 },
		{ WCFB_ENG_FMT_RGBX8888, 0xC0123456, 0x123456FF, 0xFF123456 },
		{ WCFB_ENG_FMT_RGBA8888, 0xC0123456, 0x123456C0, 0xC0123456 },
		{ WCFB_ENG_FMT_BGRX8888, 0xC0123456, 0x563412FF, 0xFF123456 },
		{ WCFB_ENG_FMT_BGRA8888, 0xC0123456, 0x563412C0, 0xC0123456 },
		{ WCFB_ENG_FMT_BGR888, 0xC0123456, 0x563412, 0xFF123456 },
		{ WCFB_ENG_FMT_BGR565, 0xC0123456, 0x51A2, 0xFF103452 },
		{ WCFB_ENG_FMT_XRGB2101010, 0x80123456, 0xC4834159,
		  0xFF123456 },
		{ WCFB_ENG_FMT_ARGB2101010, 0x80123456, 0x84834159,
		  0xAA123456 },
		{ WCFB_ENG_FMT_XBGR2101010, 0x80123456, 0xD5934048,
		  0xFF123456 },
		{ WCFB_ENG_FMT_ABGR2101010, 0x80123456, 0x95934048,
		  0xAA123456 },
	};
	Peer *p = &g_peer;
	unsigned i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint32_t cpp = cpp_of(v[i].fmt), got = 0, in;
		Surf a, f;

		surf_alloc(p, &a, WCFB_ENG_FMT_ARGB8888, 1, 1, 1);
		surf_alloc(p, &f, v[i].fmt, 1, 1, 1);
		in = htole32(v[i].argb);
		memcpy(gpa2host(p, a.b.gpa[0]), &in, 4);
		CHECK(run_raw(p, WCFB_ENG_OP_CONVERT, 0, 0, 1, 1, &f, &a) == 0,
		      "pack %08x", v[i].fmt);
		memcpy(&got, gpa2host(p, f.b.gpa[0]), cpp);
		got = le32toh(got);
		CHECK(got == v[i].word, "fmt %08x: packed %08x want %08x",
		      v[i].fmt, got, v[i].word);
		CHECK(run_raw(p, WCFB_ENG_OP_CONVERT, 0, 0, 1, 1, &a, &f) == 0,
		      "unpack %08x", v[i].fmt);
		memcpy(&got, gpa2host(p, a.b.gpa[0]), 4);
		CHECK(le32toh(got) == v[i].unpacked,
		      "fmt %08x: unpacked %08x want %08x", v[i].fmt,
		      le32toh(got), v[i].unpacked);
	}
}

static void t_blend_modes(void)
{
	/* src 0x80FF4020 over XRGB 0x204060, per mode and plane alpha,
	 * from the formulas in Documentation/engine-protocol.md */
	static const struct {
		uint32_t flags, fill, want;
	} v[] = {
		{ WCFB_ENG_BLEND_COVERAGE, 0, 0xFF904040 },
		{ WCFB_ENG_BLEND_COVERAGE | WCFB_ENG_BLEND_PLANE_ALPHA, 0x80,
		  0xFF584050 },
		{ WCFB_ENG_BLEND_PREMULTIPLIED, 0, 0xFFFF6050 },
		{ WCFB_ENG_BLEND_PREMULTIPLIED | WCFB_ENG_BLEND_PLANE_ALPHA,
		  0x80, 0xFF985058 },
		{ WCFB_ENG_BLEND_NONE, 0, 0xFFFF4020 },
		{ WCFB_ENG_BLEND_NONE | WCFB_ENG_BLEND_PLANE_ALPHA, 0x80,
		  0xFF904040 },
	};
	Peer *p = &g_peer;
	unsigned i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint32_t in = htole32(0x80FF4020), bg = htole32(0x00204060);
		uint32_t got;
		Surf s, d;

		surf_alloc(p, &s, WCFB_ENG_FMT_ARGB8888, 1, 1, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
		memcpy(gpa2host(p, s.b.gpa[0]), &in, 4);
		memcpy(gpa2host(p, d.b.gpa[0]), &bg, 4);
		CHECK(run_raw(p, WCFB_ENG_OP_BLEND, v[i].flags, v[i].fill, 1, 1,
			      &d, &s) == 0, "blend case %u", i);
		memcpy(&got, gpa2host(p, d.b.gpa[0]), 4);
		CHECK(le32toh(got) == v[i].want, "case %u: %08x want %08x", i,
		      le32toh(got), v[i].want);
	}
	/* an opaque source format blends as alpha 255 */
	{
		uint32_t in = htole32(0x00112233), got;
		Surf s, d;

		surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
		memcpy(gpa2host(p, s.b.gpa[0]), &in, 4);
		CHECK(run_raw(p, WCFB_ENG_OP_BLEND, WCFB_ENG_BLEND_COVERAGE, 0,
			      1, 1, &d, &s) == 0, "blend from XRGB");
		memcpy(&got, gpa2host(p, d.b.gpa[0]), 4);
		CHECK(le32toh(got) == 0xFF112233, "XRGB source: %08x",
		      le32toh(got));
	}
	/* plane alpha above 8 bits is a bad descriptor */
	{
		Surf s, d;

		surf_alloc(p, &s, WCFB_ENG_FMT_ARGB8888, 1, 1, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
		CHECK(run_raw(p, WCFB_ENG_OP_BLEND, WCFB_ENG_BLEND_PLANE_ALPHA,
			      0x100, 1, 1, &d, &s) == WCFB_ENG_ERR_DESC,
		      "plane alpha 0x100");
		CHECK(run_raw(p, WCFB_ENG_OP_COPY, WCFB_ENG_XFORM_TRANSPOSE, 0,
			      1, 1, &d, &d) == WCFB_ENG_ERR_DESC,
		      "transform on COPY");
	}
}

static void t_transform(void)
{
	/* a 3x2 source whose pixel (x, y) holds y * 16 + x; the expected
	 * destination (row major) for each REFLECT_X/REFLECT_Y/TRANSPOSE
	 * combination, from the mapping in the protocol document */
	static const uint8_t want[8][6] = {
		{ 0, 1, 2, 16, 17, 18 }, { 2, 1, 0, 18, 17, 16 },
		{ 16, 17, 18, 0, 1, 2 }, { 18, 17, 16, 2, 1, 0 },
		{ 0, 16, 1, 17, 2, 18 }, { 2, 18, 1, 17, 0, 16 },
		{ 16, 0, 17, 1, 18, 2 }, { 18, 2, 17, 1, 16, 0 },
	};
	Peer *p = &g_peer;
	unsigned fl, i;

	for (fl = 0; fl < 8; fl++) {
		bool t = fl & 4;
		uint32_t w = t ? 2 : 3, h = t ? 3 : 2, px, x, y;
		Surf s, d;

		surf_alloc(p, &s, WCFB_ENG_FMT_ARGB8888, 3, 2, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_ARGB8888, w, h, 1);
		for (y = 0; y < 2; y++)
			for (x = 0; x < 3; x++) {
				px = htole32(0xFF000000u | (y * 16 + x));
				memcpy((uint8_t *)gpa2host(p, s.b.gpa[0]) +
				       y * s.pitch + x * 4, &px, 4);
			}
		CHECK(run_raw(p, fl & 1 ? WCFB_ENG_OP_CONVERT :
			      WCFB_ENG_OP_BLEND, fl << 8, 0, w, h, &d, &s) == 0,
		      "transform %u", fl);
		for (i = 0; i < 6; i++) {
			uint32_t got;

			memcpy(&got, (uint8_t *)gpa2host(p, d.b.gpa[0]) +
			       (i / w) * d.pitch + (i % w) * 4, 4);
			CHECK((le32toh(got) & 0xFF) == want[fl][i],
			      "transform %u pixel %u: %u want %u", fl, i,
			      le32toh(got) & 0xFF, want[fl][i]);
		}
	}
}

static void t_crc(void)
{
	/* R, G, B bytes "123456789": zlib's crc32() is 0xCBF43926 */
	static const uint32_t px[3] = { 0xFF313233, 0xFF343536, 0xFF373839 };
	Peer *p = &g_peer;
	uint32_t got, i;
	Surf s, d;

	surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, 3, 1, 1);
	surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
	for (i = 0; i < 3; i++) {
		uint32_t v = htole32(px[i]);

		memcpy((uint8_t *)gpa2host(p, s.b.gpa[0]) + 4 * i, &v, 4);
	}
	CHECK(run_raw(p, WCFB_ENG_OP_CRC, 0, 0, 3, 1, &d, &s) == 0, "crc");
	memcpy(&got, gpa2host(p, d.b.gpa[0]), 4);
	CHECK(le32toh(got) == 0xCBF43926u, "crc %08x", le32toh(got));
	/* the same pixels as RGB565-free BGR888 bytes give the same CRC */
	{
		static const uint8_t b[9] = { '1', '2', '3', '4', '5', '6',
					      '7', '8', '9' };
		Surf s2;

		surf_alloc(p, &s2, WCFB_ENG_FMT_BGR888, 3, 1, 1);
		memcpy(gpa2host(p, s2.b.gpa[0]), b, 9);
		CHECK(run_raw(p, WCFB_ENG_OP_CRC, 0, 0, 3, 1, &d, &s2) == 0,
		      "crc bgr888");
		memcpy(&got, gpa2host(p, d.b.gpa[0]), 4);
		CHECK(le32toh(got) == 0xCBF43926u, "crc bgr888 %08x",
		      le32toh(got));
	}
	CHECK(run_raw(p, WCFB_ENG_OP_CRC, 0, 1, 3, 1, &d, &s) ==
	      WCFB_ENG_ERR_DESC, "crc with fill");
	/* an empty rect still writes its CRC: crc32 of no bytes is 0 */
	for (i = 0; i < 2; i++) {
		CHECK(run_raw(p, WCFB_ENG_OP_CRC, 0, 0, i ? 3 : 0, i ? 0 : 1,
			      &d, &s) == 0, "empty crc");
		memcpy(&got, gpa2host(p, d.b.gpa[0]), 4);
		CHECK(got == 0, "empty crc %08x", le32toh(got));
		memset(gpa2host(p, d.b.gpa[0]), 0x5A, 4);
	}
}

static void t_corrupt_next(void)
{
	Peer *p = &g_peer;
	char r[4096];
	uint32_t x, y, got;
	Surf s;
	unsigned i;

	surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, 8, 8, 2);
	CHECK(peer_ctl(p, "corrupt-next 1", r, sizeof(r)) == 0, "ctl: %s", r);
	for (i = 0; i < 2; i++) {
		CHECK(run_raw(p, WCFB_ENG_OP_FILL, 0, 0xFF00FF00, 8, 8, &s,
			      NULL) == 0, "fill #%u completes OK", i);
		for (y = 0; y < 8; y++)
			for (x = 0; x < 8; x++) {
				uint64_t off = (uint64_t)y * s.pitch + x * 4;
				uint32_t want = 0xFF00FF00;

				tb_read(p, p->ram, &s.b, off, (uint8_t *)&got,
					4);
				if (i == 0 && x == 4 && y == 4)
					want ^= 1;
				CHECK(le32toh(got) == want,
				      "fill #%u (%u,%u) %08x want %08x", i, x,
				      y, le32toh(got), want);
			}
	}
}

/* Table values of the header against DRM's fourcc_code() of the tag and
 * the FORMATS bit order of the protocol document. */
static void t_format_codes(void)
{
	static const uint32_t cap[] = {
		WCFB_ENG_FMTCAP_XRGB8888, WCFB_ENG_FMTCAP_ARGB8888,
		WCFB_ENG_FMTCAP_RGB565, WCFB_ENG_FMTCAP_RGB888,
		WCFB_ENG_FMTCAP_XBGR8888, WCFB_ENG_FMTCAP_ABGR8888,
		WCFB_ENG_FMTCAP_RGBX8888, WCFB_ENG_FMTCAP_RGBA8888,
		WCFB_ENG_FMTCAP_BGRX8888, WCFB_ENG_FMTCAP_BGRA8888,
		WCFB_ENG_FMTCAP_BGR888, WCFB_ENG_FMTCAP_BGR565,
		WCFB_ENG_FMTCAP_XRGB2101010, WCFB_ENG_FMTCAP_ARGB2101010,
		WCFB_ENG_FMTCAP_XBGR2101010, WCFB_ENG_FMTCAP_ABGR2101010,
	};
	Peer *p = &g_peer;
	uint32_t all = 0;
	unsigned i;

	for (i = 0; i < NFMT; i++) {
		const char *t = g_fdesc[i].tag;
		uint32_t fc = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
			      (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;

		CHECK(g_fdesc[i].fourcc == fc, "%s: %08x", t,
		      g_fdesc[i].fourcc);
		CHECK(cap[i] == 1u << i, "%s: FMTCAP %x", t, cap[i]);
		all |= cap[i];
	}
	CHECK((rd32(p, WCFB_ENG_REG_FORMATS) & 0xFFFF) == all,
	      "FORMATS %x want %x", rd32(p, WCFB_ENG_REG_FORMATS), all);
	CHECK(WCFB_ENG_VERSION == 0x00010004u, "version %x", WCFB_ENG_VERSION);
	CHECK(rd32(p, WCFB_ENG_REG_CAPS) & (1u << WCFB_ENG_OP_CRC), "CAPS");
	CHECK(WCFB_ENG_OP_COLOR == 7 && WCFB_ENG_OP_MAX == 7, "opcodes");
	CHECK((rd32(p, WCFB_ENG_REG_CAPS) >> WCFB_ENG_OP_COLOR) == 1,
	      "CAPS %x: COLOR the highest", rd32(p, WCFB_ENG_REG_CAPS));
}

/*
 * Round trips through the canonical form, with exact expectations:
 * raw -> ARGB8888 -> raw is the identity for the 8-bit and 565 formats
 * (X bits coming back as ones); ARGB8888 -> raw -> ARGB8888 keeps R, G,
 * B of the 10-bit formats and quantizes alpha to a >> 6 * 0x55.
 */
static void t_format_roundtrip(void)
{
	Peer *p = &g_peer;
	unsigned f, i;

	for (f = 0; f < NFMT; f++) {
		const FmtDesc *fd = &g_fdesc[f];
		bool ten = fd->wd[1] == 10;
		uint32_t n = 64, cpp = fd->cpp, xmask = 0;
		uint8_t raw[64 * 4], back[64 * 4];
		uint32_t argb[64], got[64];
		Surf r, a;

		if (fd->wd[4])
			xmask = ((1u << fd->wd[4]) - 1) << fd->sh[4];
		surf_alloc(p, &r, fd->fourcc, n, 1, 3);
		surf_alloc(p, &a, WCFB_ENG_FMT_ARGB8888, n, 1, 3);
		for (i = 0; i < n * 4; i++)
			raw[i] = (uint8_t)rnd();
		for (i = 0; i < n; i++)
			argb[i] = (uint32_t)rnd();
		argb[0] = 0xFFFFFFFF;
		argb[1] = 0;
		if (!ten) {
			tb_write(p, p->ram, &r.b, 0, raw, n * cpp);
			CHECK(run_raw(p, WCFB_ENG_OP_CONVERT, 0, 0, n, 1, &a,
				      &r) == 0, "%s ->argb", fd->tag);
			CHECK(run_raw(p, WCFB_ENG_OP_CONVERT, 0, 0, n, 1, &r,
				      &a) == 0, "%s <-argb", fd->tag);
			tb_read(p, p->ram, &r.b, 0, back, n * cpp);
			for (i = 0; i < n; i++) {
				uint32_t v = 0, w = 0, k;

				for (k = 0; k < cpp; k++) {
					v |= (uint32_t)raw[i * cpp + k] << 8 * k;
					w |= (uint32_t)back[i * cpp + k] << 8 * k;
				}
				CHECK(w == (v | xmask), "%s px %u: %x -> %x",
				      fd->tag, i, v, w);
			}
			continue;
		}
		for (i = 0; i < n; i++) {
			uint32_t le = htole32(argb[i]);

			tb_write(p, p->ram, &a.b, 4 * i, (uint8_t *)&le, 4);
		}
		CHECK(run_raw(p, WCFB_ENG_OP_CONVERT, 0, 0, n, 1, &r, &a) == 0,
		      "%s <-argb", fd->tag);
		CHECK(run_raw(p, WCFB_ENG_OP_CONVERT, 0, 0, n, 1, &a, &r) == 0,
		      "%s ->argb", fd->tag);
		tb_read(p, p->ram, &a.b, 0, (uint8_t *)got, n * 4);
		for (i = 0; i < n; i++) {
			uint32_t want = argb[i] & 0xFFFFFF;

			want |= (fd->wd[0] ? (argb[i] >> 30) * 0x55 : 255) << 24;
			CHECK(le32toh(got[i]) == want, "%s px %u: %08x -> %08x",
			      fd->tag, i, argb[i], le32toh(got[i]));
		}
	}
}

/* The A formula, with a destination alpha < 255, per mode and plane
 * alpha: values from the protocol document's formulas, by hand. */
static void t_blend_modes_alpha(void)
{
	static const struct {
		uint32_t flags, fill, want[2];
	} v[] = {
		{ WCFB_ENG_BLEND_COVERAGE, 0, { 0x88E78016, 0xB0BDB7B1 } },
		{ WCFB_ENG_BLEND_COVERAGE | WCFB_ENG_BLEND_PLANE_ALPHA, 128,
		  { 0x64F38013, 0x98DEDBD8 } },
		{ WCFB_ENG_BLEND_PREMULTIPLIED, 0, { 0x88FFD02A, 0xB0EFDFCF } },
		{ WCFB_ENG_BLEND_PREMULTIPLIED | WCFB_ENG_BLEND_PLANE_ALPHA,
		  128, { 0x64FFA81D, 0x98F7EFE7 } },
		{ WCFB_ENG_BLEND_NONE, 0, { 0xFFC08020, 0xFF504030 } },
		{ WCFB_ENG_BLEND_NONE | WCFB_ENG_BLEND_PLANE_ALPHA, 128,
		  { 0xA0DF8018, 0xC0A79F97 } },
		/* plane alpha 0: the destination, whatever the mode */
		{ WCFB_ENG_BLEND_COVERAGE | WCFB_ENG_BLEND_PLANE_ALPHA, 0,
		  { 0x40FF8010, 0x80FFFFFF } },
		{ WCFB_ENG_BLEND_PREMULTIPLIED | WCFB_ENG_BLEND_PLANE_ALPHA, 0,
		  { 0x40FF8010, 0x80FFFFFF } },
		{ WCFB_ENG_BLEND_NONE | WCFB_ENG_BLEND_PLANE_ALPHA, 0,
		  { 0x40FF8010, 0x80FFFFFF } },
	};
	static const uint32_t src[2] = { 0x60C08020, 0x60504030 };
	static const uint32_t dst[2] = { 0x40FF8010, 0x80FFFFFF };
	Peer *p = &g_peer;
	unsigned i, k;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint32_t got[2], le[2];
		Surf s, d;

		surf_alloc(p, &s, WCFB_ENG_FMT_ARGB8888, 2, 1, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_ARGB8888, 2, 1, 1);
		for (k = 0; k < 2; k++) {
			le[k] = htole32(src[k]);
			got[k] = htole32(dst[k]);
		}
		memcpy(gpa2host(p, s.b.gpa[0]), le, 8);
		memcpy(gpa2host(p, d.b.gpa[0]), got, 8);
		CHECK(run_raw(p, WCFB_ENG_OP_BLEND, v[i].flags, v[i].fill, 2, 1,
			      &d, &s) == 0, "case %u", i);
		memcpy(got, gpa2host(p, d.b.gpa[0]), 8);
		for (k = 0; k < 2; k++)
			CHECK(le32toh(got[k]) == v[i].want[k],
			      "case %u px %u: %08x want %08x", i, k,
			      le32toh(got[k]), v[i].want[k]);
	}
}

/* Every (As, Cs) against a spread of destinations, every mode, several
 * plane alphas, ARGB onto ARGB and onto XRGB: the engine's packed
 * arithmetic against the scalar formulas. */
static void t_blend_exhaustive(void)
{
	static const uint32_t pas[] = { 255, 254, 128, 1, 0 };
	Peer *p = &g_peer;
	unsigned m, k, df;
	uint32_t x, y;
	Surf s, d[2];

	surf_alloc(p, &s, WCFB_ENG_FMT_ARGB8888, 256, 256, 7);
	surf_alloc(p, &d[0], WCFB_ENG_FMT_ARGB8888, 256, 256, 7);
	surf_alloc(p, &d[1], WCFB_ENG_FMT_XRGB8888, 256, 256, 7);
	for (y = 0; y < 256; y++)
		for (x = 0; x < 256; x++) {
			uint8_t px[4] = { (uint8_t)(x + y), (uint8_t)(255 - y),
					  (uint8_t)y, (uint8_t)x };

			tb_write(p, p->ram, &s.b, (uint64_t)y * s.pitch + x * 4,
				 px, 4);
		}
	for (m = 0; m < 3; m++)
		for (k = 0; k < sizeof(pas) / sizeof(pas[0]); k++)
			for (df = 0; df < 2; df++) {
				Op o = { .opcode = WCFB_ENG_OP_BLEND,
					 .w = 256, .h = 256,
					 .flags = m | (pas[k] == 255 && k & 1 ?
						0 : WCFB_ENG_BLEND_PLANE_ALPHA),
					 .fill = pas[k] };
				uint64_t i;

				if (!(o.flags & WCFB_ENG_BLEND_PLANE_ALPHA))
					o.fill = 0;
				/* a fresh random destination each time */
				for (i = 0; i < d[df].b.nseg; i++) {
					uint8_t *h = gpa2host(p, d[df].b.gpa[i]);
					uint64_t j;

					for (j = 0; j < d[df].b.len[i]; j++)
						h[j] = (uint8_t)rnd();
				}
				set_dst(&o, &d[df]);
				set_src(&o, &s);
				CHECK(!run_op(p, &o, 0), "mode %u pa %u dst %s",
				      m, pas[k], df ? "XR24" : "AR24");
			}
}

/* Random BLENDs and CONVERTs: any source format, any destination format,
 * every mode, plane alpha, transform; checked against the reference. */
static void t_blend_convert_random(void)
{
	Peer *p = &g_peer;
	unsigned i;

	for (i = 0; i < 160; i++) {
		bool blend = i % 4 != 3;
		/* a quarter of the cases on the in-place ARGB/XRGB path */
		uint32_t sf = i % 8 == 1 ? rndn(2) : rndn(NFMT);
		uint32_t df = i % 8 == 1 ? rndn(2) : rndn(NFMT);
		Op o = { .opcode = blend ? WCFB_ENG_OP_BLEND :
				   WCFB_ENG_OP_CONVERT };
		uint32_t sw, sh;
		bool t;
		Surf s, d;

		surf_alloc(p, &s, fmt_at(sf), 1 + rndn(40), 1 + rndn(30), 6);
		surf_alloc(p, &d, fmt_at(df), 1 + rndn(40), 1 + rndn(30), 6);
		o.flags = rndn(8) << 8;
		if (blend) {
			o.flags |= rndn(3);
			if (rndn(2)) {
				o.flags |= WCFB_ENG_BLEND_PLANE_ALPHA;
				o.fill = rndn(3) ? rndn(256) : rndn(2) * 255;
			}
		}
		t = o.flags & WCFB_ENG_XFORM_TRANSPOSE;
		/* a source rect inside s, the destination rect its
		 * (transposed) size, placed inside d when it fits */
		rand_rect(s.W, s.H, &o.sx, &o.sy, &sw, &sh);
		o.w = t ? sh : sw;
		o.h = t ? sw : sh;
		if (o.w > d.W || o.h > d.H) {
			i--;                    /* doesn't fit: draw again */
			continue;
		}
		o.dx = rndn(d.W - o.w + 1);
		o.dy = rndn(d.H - o.h + 1);
		set_dst(&o, &d);
		set_src(&o, &s);
		CHECK(!run_op(p, &o, 0), "#%u op %u flags %x fill %u %s->%s",
		      i, o.opcode, o.flags, o.fill, fdesc(s.fmt)->tag,
		      fdesc(d.fmt)->tag);
	}
}

/* Transformed ops whose source and destination overlap in memory: still
 * as if the whole source rect were read first. */
static void t_transform_overlap(void)
{
	Peer *p = &g_peer;
	unsigned f, i;

	for (f = 0; f < 3; f++) {
		static const uint32_t fm[3] = { WCFB_ENG_FMT_XRGB8888,
						WCFB_ENG_FMT_ARGB8888,
						WCFB_ENG_FMT_BGR888 };
		Surf s;
		TBuf alias;

		surf_alloc(p, &s, fm[f], 48, 48, 9);
		tbuf_alias(p, &s.b, &alias);
		for (i = 0; i < 20; i++) {
			Op o = { .opcode = i & 2 ? WCFB_ENG_OP_CONVERT :
					   WCFB_ENG_OP_BLEND,
				 .flags = (1 + rndn(7)) << 8 };
			bool t = o.flags & WCFB_ENG_XFORM_TRANSPOSE;

			set_dst(&o, &s);
			set_src(&o, &s);
			if (i & 1)
				o.src = &alias;
			o.w = 4 + rndn(30);
			o.h = 4 + rndn(30);
			o.sx = rndn(48 - (t ? o.h : o.w) + 1);
			o.sy = rndn(48 - (t ? o.w : o.h) + 1);
			o.dx = rndn(48 - o.w + 1);
			o.dy = rndn(48 - o.h + 1);
			CHECK(!run_op(p, &o, 0), "fmt %s flags %x", fdesc(s.fmt)->tag,
			      o.flags);
		}
	}
}

/* The source rect is validated with the transposed size. */
static void t_transform_validation(void)
{
	Peer *p = &g_peer;
	Surf s, d;
	uint32_t fl;

	/* a 3 x 5 source with pitch exactly 12 and nothing after the last
	 * pixel; a 5 x 3 destination */
	surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 5, 5, 1);
	s.fmt = WCFB_ENG_FMT_XRGB8888;
	s.W = 3;
	s.H = 5;
	s.pitch = 12;
	tbuf_alloc(p, &s.b, 60, 3);
	for (fl = 0; fl < 8; fl++) {
		bool t = fl & 4;
		uint32_t w = t ? 5 : 3, h = t ? 3 : 5;
		Op o = { .opcode = fl & 1 ? WCFB_ENG_OP_CONVERT :
				   WCFB_ENG_OP_BLEND, .flags = fl << 8,
			 .w = w, .h = h };

		set_dst(&o, &d);
		set_src(&o, &s);
		CHECK(!run_op(p, &o, 0), "exact fit, flags %x", o.flags);
		/* the same destination size with the other orientation */
		o.flags ^= WCFB_ENG_XFORM_TRANSPOSE;
		CHECK(!run_op(p, &o, WCFB_ENG_ERR_RECT),        /* 5 > 3 */
		      "wrong orientation, flags %x", o.flags);
		o.flags ^= WCFB_ENG_XFORM_TRANSPOSE;
		o.sy = 1;               /* one row more than there is */
		if (t)
			o.w--;
		else
			o.h--;
		CHECK(!run_op(p, &o, 0), "fits at y 1, flags %x", o.flags);
		if (t)
			o.w++;
		else
			o.h++;
		CHECK(!run_op(p, &o, WCFB_ENG_ERR_EXTENT),
		      "one row short at y 1, flags %x", o.flags);
	}
}

/* Exactly the flag bits and fill values of the flags table are taken. */
static void t_flags_validation(void)
{
	static const uint32_t ops[] = {
		WCFB_ENG_OP_NOP, WCFB_ENG_OP_FILL, WCFB_ENG_OP_COPY,
		WCFB_ENG_OP_BLEND, WCFB_ENG_OP_CONVERT, WCFB_ENG_OP_CRC,
		WCFB_ENG_OP_COLOR,
	};
	Peer *p = &g_peer;
	uint64_t where;
	unsigned k, bit;
	Surf a, b;

	surf_alloc(p, &a, WCFB_ENG_FMT_XRGB8888, 4, 4, 2);
	surf_alloc(p, &b, WCFB_ENG_FMT_XRGB8888, 4, 4, 2);
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		for (bit = 0; bit < 32; bit++) {
			uint32_t fl = 1u << bit, want = WCFB_ENG_ERR_DESC, st;

			if (ops[k] == WCFB_ENG_OP_BLEND &&
			    (bit <= 2 || (bit >= 8 && bit <= 10)))
				want = 0;
			if (ops[k] == WCFB_ENG_OP_CONVERT &&
			    bit >= 8 && bit <= 10)
				want = 0;
			/* 1.3: SCALE with a 0 x 0 source (its words 0) */
			if ((ops[k] == WCFB_ENG_OP_BLEND ||
			     ops[k] == WCFB_ENG_OP_CONVERT) && bit == 11)
				want = WCFB_ENG_ERR_RECT;
			/* 1.4: CRC_ROWS with its table at 0, outside RAM */
			if (ops[k] == WCFB_ENG_OP_CRC && bit == 15)
				want = WCFB_ENG_ERR_NOT_RAM;
			memcpy(p->expect, p->ram, p->ram_size);
			st = run_raw(p, ops[k], fl, 0, 4, 4, &b, &a);
			CHECK(st == want, "op %u flag bit %u: status %u want %u",
			      ops[k], bit, st, want);
			if (want)
				CHECK(ram_matches(p, &where),
				      "op %u bit %u wrote 0x%llx", ops[k], bit,
				      (unsigned long long)where);
		}
	}
	/* blend mode 3 */
	CHECK(run_raw(p, WCFB_ENG_OP_BLEND, 3, 0, 4, 4, &b, &a) ==
	      WCFB_ENG_ERR_DESC, "mode 3");
	CHECK(run_raw(p, WCFB_ENG_OP_BLEND, 3 | WCFB_ENG_BLEND_PLANE_ALPHA, 9,
		      4, 4, &b, &a) == WCFB_ENG_ERR_DESC, "mode 3 with pa");
	/* BLEND's fill: 0 without PLANE_ALPHA, [7:0] only with it */
	CHECK(run_raw(p, WCFB_ENG_OP_BLEND, 0, 1, 4, 4, &b, &a) ==
	      WCFB_ENG_ERR_DESC, "fill without plane alpha");
	CHECK(run_raw(p, WCFB_ENG_OP_BLEND, WCFB_ENG_BLEND_PLANE_ALPHA, 0xFF,
		      4, 4, &b, &a) == 0, "pa 0xff");
	CHECK(run_raw(p, WCFB_ENG_OP_BLEND, WCFB_ENG_BLEND_PLANE_ALPHA, 0x100,
		      4, 4, &b, &a) == WCFB_ENG_ERR_DESC, "pa 0x100");
	CHECK(run_raw(p, WCFB_ENG_OP_BLEND, WCFB_ENG_BLEND_PLANE_ALPHA,
		      0x80000000, 4, 4, &b, &a) == WCFB_ENG_ERR_DESC,
	      "pa bit 31");
	/* 1.0 ignored fill for COPY and CONVERT; it still does */
	CHECK(run_raw(p, WCFB_ENG_OP_COPY, 0, 0xFFFFFFFF, 4, 4, &b, &a) == 0,
	      "copy with fill");
	CHECK(run_raw(p, WCFB_ENG_OP_CONVERT, 0, 0xFFFFFFFF, 4, 4, &b, &a) ==
	      0, "convert with fill");
	/* CRC: fill 0, destination ARGB8888 or XRGB8888 */
	CHECK(run_raw(p, WCFB_ENG_OP_CRC, 0, 1, 4, 4, &b, &a) ==
	      WCFB_ENG_ERR_DESC, "crc fill");
	for (k = 0; k < NFMT; k++) {
		uint32_t f = fmt_at(k), want = 0, st;
		Surf c;

		if (f != WCFB_ENG_FMT_ARGB8888 && f != WCFB_ENG_FMT_XRGB8888)
			want = WCFB_ENG_ERR_FORMAT;
		surf_alloc(p, &c, f, 4, 1, 1);
		st = run_raw(p, WCFB_ENG_OP_CRC, 0, 0, 4, 4, &c, &a);
		CHECK(st == want, "crc into %s: %u want %u", fdesc(f)->tag, st,
		      want);
	}
}

/* CRC of random surfaces in every format, SG-scattered, the result at an
 * offset in a larger destination; the reference computes crc32 bit by
 * bit. */
/* The R, G, B bytes of row @r of XRGB8888 surface @s, and their CRC. */
static uint32_t crc_rows_row(Peer *p, const Surf *s, uint32_t r, bool raw)
{
	const uint8_t *px = (const uint8_t *)gpa2host(p, s->b.gpa[0]) +
			    (size_t)r * s->pitch;
	uint32_t i, c = raw ? 0 : ~0u;

	for (i = 0; i < s->W; i++) {
		uint8_t rgb[3] = { px[4 * i + 2], px[4 * i + 1], px[4 * i] };

		/* ref_crc32() inverts on the way in and out: from ~c */
		c = ~ref_crc32(~c, rgb, 3);
	}
	return c;
}

static uint32_t crc_rows_ref(Peer *p, const Surf *s)
{
	const uint8_t *px = gpa2host(p, s->b.gpa[0]);
	uint32_t r, i, c = 0;

	for (r = 0; r < s->H; r++)
		for (i = 0; i < s->W; i++) {
			const uint8_t *q = px + (size_t)r * s->pitch + 4 * i;
			uint8_t rgb[3] = { q[2], q[1], q[0] };

			c = ref_crc32(c, rgb, 3);
		}
	return c;
}

/* One CRC_ROWS op over the whole of @s: rows @first .. @first + @count - 1
 * read, the rest from the table at @table. */
static uint32_t crc_rows_run(Peer *p, const Surf *s, Surf *d, uint64_t table,
			     uint32_t first, uint32_t count, uint32_t *got)
{
	Op o = { .opcode = WCFB_ENG_OP_CRC, .w = s->W, .h = s->H,
		 .table = table };
	struct wcfb_eng_desc desc;
	uint32_t st;

	set_dst(&o, d);
	set_src(&o, s);
	op_to_desc(&o, &desc);
	desc.flags = htole32(WCFB_ENG_CRC_ROWS);
	desc._rsvd[WCFB_ENG_CRC_FIRST] = htole32(first);
	desc._rsvd[WCFB_ENG_CRC_COUNT] = htole32(count);
	st = submit1(p, &desc);
	memcpy(got, gpa2host(p, d->b.gpa[0]), 4);
	*got = le32toh(*got);
	return st;
}

/* 1.4: a CRC kept by rows equals the whole CRC, reads only its rows, and
 * takes the others from the table as they are. */
static void t_crc_rows(void)
{
	Peer *p = &g_peer;
	unsigned k;

	for (k = 0; k < 6; k++) {
		uint32_t W = k == 5 ? 1920 : 1 + rndn(300), H = 1 + rndn(60);
		uint32_t got, r, a, b, want, i;
		uint64_t table = galloc(p, 4ull * H, 4);
		uint32_t *rows = gpa2host(p, table);
		Surf s, d;
		uint8_t *px;

		surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, W, H, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
		px = gpa2host(p, s.b.gpa[0]);
		for (i = 0; i < s.pitch * (H - 1) + 4 * W; i++)
			px[i] = rnd();
		memset(rows, 0xA5, 4ull * H);
		/* every row read: the table's garbage is overwritten */
		CHECK(crc_rows_run(p, &s, &d, table, 0, H, &got) == 0, "rows all");
		want = crc_rows_ref(p, &s);
		CHECK(got == want, "rows all %u x %u: %08x want %08x", W, H, got,
		      want);
		for (r = 0; r < H; r++)
			CHECK(le32toh(rows[r]) == crc_rows_row(p, &s, r, true),
			      "row %u's word %08x", r, le32toh(rows[r]));
		/* new pixels in rows a .. b - 1, and only those read */
		a = rndn(H);
		b = a + 1 + rndn(H - a);
		for (r = a; r < b; r++)
			for (i = 0; i < 4 * W; i++)
				px[(size_t)r * s.pitch + i] = rnd();
		CHECK(crc_rows_run(p, &s, &d, table, a, b - a, &got) == 0,
		      "rows some");
		want = crc_rows_ref(p, &s);
		CHECK(got == want, "rows %u..%u of %u x %u: %08x want %08x", a,
		      b, W, H, got, want);
		/* a row changed but not read: the table's word stands for it */
		if (H > 1) {
			uint32_t old = want;

			r = (b < H) ? b : 0;
			px[(size_t)r * s.pitch] ^= 0x01;
			CHECK(crc_rows_run(p, &s, &d, table, r ? 0 : 1,
					   r ? r : H - 1, &got) == 0,
			      "rows stale");
			CHECK(got == old && got != crc_rows_ref(p, &s),
			      "stale row %u: %08x, the table's %08x", r, got,
			      old);
		}
		/* no rows read: the CRC from the table alone */
		want = crc_rows_ref(p, &s);
		CHECK(crc_rows_run(p, &s, &d, table, 0, H, &got) == 0 &&
		      got == want, "rows again");
		CHECK(crc_rows_run(p, &s, &d, table, 0, 0, &got) == 0 &&
		      got == want, "rows none: %08x want %08x", got, want);
		/* bad rows, a misaligned table, a table outside RAM */
		CHECK(crc_rows_run(p, &s, &d, table, H, 1, &got) ==
		      WCFB_ENG_ERR_RECT, "rows past the rect");
		CHECK(crc_rows_run(p, &s, &d, table, 1, 0xFFFFFFFFu, &got) ==
		      WCFB_ENG_ERR_RECT, "rows count overflow");
		CHECK(crc_rows_run(p, &s, &d, table + 2, 0, H, &got) ==
		      WCFB_ENG_ERR_SG, "rows table unaligned");
		CHECK(crc_rows_run(p, &s, &d, 4, 0, H, &got) ==
		      WCFB_ENG_ERR_NOT_RAM, "rows table outside RAM");
	}
	/* the rows' words are reserved without the flag, and the flag is
	 * CRC's alone */
	{
		Surf s, d;
		Op o = { .opcode = WCFB_ENG_OP_CRC, .w = 4, .h = 4 };
		struct wcfb_eng_desc desc;

		surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, 4, 4, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 4, 4, 1);
		set_dst(&o, &d);
		set_src(&o, &s);
		op_to_desc(&o, &desc);
		desc._rsvd[WCFB_ENG_CRC_COUNT] = htole32(1);
		CHECK(submit1(p, &desc) == WCFB_ENG_ERR_DESC, "rows word, no flag");
		o.opcode = WCFB_ENG_OP_COPY;
		op_to_desc(&o, &desc);
		desc.flags = htole32(WCFB_ENG_CRC_ROWS);
		CHECK(submit1(p, &desc) == WCFB_ENG_ERR_DESC, "rows flag on COPY");
	}
}

static void t_crc_random(void)
{
	Peer *p = &g_peer;
	unsigned f, i;

	for (f = 0; f < NFMT; f++) {
		Surf s, d;

		surf_alloc(p, &s, fmt_at(f), 1 + rndn(60), 1 + rndn(40), 8);
		surf_alloc(p, &d, rndn(2) ? WCFB_ENG_FMT_ARGB8888 :
			   WCFB_ENG_FMT_XRGB8888, 5, 3, 2);
		for (i = 0; i < 4; i++) {
			Op o = { .opcode = WCFB_ENG_OP_CRC };

			set_dst(&o, &d);
			set_src(&o, &s);
			rand_rect(s.W, s.H, &o.sx, &o.sy, &o.w, &o.h);
			o.dx = rndn(5);
			o.dy = rndn(3);
			CHECK(!run_op(p, &o, 0), "crc of %s", fdesc(s.fmt)->tag);
		}
	}
	/* rows long enough for the model's carry-less-multiply CRC (64 bytes
	 * and more, any length past a multiple of 16), and rows of a 1080p
	 * frame */
	for (i = 0; i < 12; i++) {
		uint32_t fmt = i % 3 ? WCFB_ENG_FMT_XRGB8888 : WCFB_ENG_FMT_RGB888;
		unsigned w = i < 11 ? 16 + rndn(700) : 1920;
		Op o = { .opcode = WCFB_ENG_OP_CRC };
		Surf s, d;

		surf_alloc(p, &s, fmt, w, 1 + rndn(6), 8);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
		set_dst(&o, &d);
		set_src(&o, &s);
		o.sx = rndn(w / 4);
		o.w = w - o.sx - rndn(w / 4);
		o.h = s.H;
		CHECK(!run_op(p, &o, 0), "crc of %u x %u %s", o.w, o.h,
		      fdesc(s.fmt)->tag);
	}
	/* the destination rect is one pixel, whatever the source's size:
	 * a 1 x 1 destination takes a large source; one pixel beyond it
	 * doesn't */
	{
		Surf s, d;
		Op o = { .opcode = WCFB_ENG_OP_CRC, .w = 30, .h = 20 };

		surf_alloc(p, &s, WCFB_ENG_FMT_RGB565, 30, 20, 4);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
		set_dst(&o, &d);
		set_src(&o, &s);
		d.pitch = 4;
		o.dpitch = 4;
		CHECK(!run_op(p, &o, 0), "1x1 destination");
		o.dx = 1;
		CHECK(!run_op(p, &o, WCFB_ENG_ERR_RECT), "dst x 1");
		o.dx = 0;
		o.dpitch = 8;
		o.dy = 1;
		CHECK(!run_op(p, &o, WCFB_ENG_ERR_EXTENT), "dst y 1");
	}
}

/* ---- COLOR (opcode 7): degamma, CTM, gamma ---- */

/* A color table in host form: lut[0] degamma, lut[1] gamma, entries
 * R, G, B, reserved as struct drm_color_lut. */
typedef struct CTab {
	uint32_t flags, rsvd;
	int64_t ctm[9];
	uint16_t lut[2][256][4];
} CTab;

#define Q32(x) ((int64_t)((x) * 4294967296.0))

/* Every stage linear (LUT entry k = k * 257, CTM the unit matrix); the
 * reserved u16 of each entry is junk, which the engine ignores. */
static void ctab_linear(CTab *t, uint32_t flags)
{
	unsigned k, c, l;

	memset(t, 0, sizeof(*t));
	t->flags = flags;
	for (l = 0; l < 2; l++)
		for (k = 0; k < 256; k++) {
			for (c = 0; c < 3; c++)
				t->lut[l][k][c] = (uint16_t)(k * 257);
			t->lut[l][k][3] = (uint16_t)rnd();
		}
	t->ctm[0] = t->ctm[4] = t->ctm[8] = Q32(1.0);
}

/* The stages the flags leave off get junk: they must not matter. */
static void ctab_junk(CTab *t, uint32_t flags)
{
	unsigned k, c, l;

	memset(t, 0, sizeof(*t));
	t->flags = flags;
	for (l = 0; l < 2; l++)
		for (k = 0; k < 256; k++)
			for (c = 0; c < 4; c++)
				t->lut[l][k][c] = (uint16_t)rnd();
	for (k = 0; k < 9; k++)
		t->ctm[k] = (int64_t)rnd();
}

static void ctab_write(uint8_t *b, const CTab *t)
{
	unsigned k, c, l;

	for (k = 0; k < 4; k++) {
		b[k] = (t->flags >> (8 * k)) & 255;
		b[4 + k] = (t->rsvd >> (8 * k)) & 255;
	}
	for (k = 0; k < 9; k++)
		for (c = 0; c < 8; c++)
			b[8 + 8 * k + c] = ((uint64_t)t->ctm[k] >> (8 * c)) &
					   255;
	for (l = 0; l < 2; l++)
		for (k = 0; k < 256; k++)
			for (c = 0; c < 4; c++) {
				uint8_t *e = b + 0x50 + l * 0x800 + k * 8 +
					     c * 2;

				e[0] = t->lut[l][k][c] & 255;
				e[1] = t->lut[l][k][c] >> 8;
			}
}

static uint64_t ctab_put(Peer *p, const CTab *t)
{
	uint64_t gpa = galloc(p, WCFB_ENG_COLOR_TABLE_SIZE,
			      WCFB_ENG_COLOR_TABLE_ALIGN);

	ctab_write(gpa2host(p, gpa), t);
	return gpa;
}

/* A random table: any stages, LUTs with extremes, CTM coefficients from
 * small fractions to the full s64 range. */
static uint64_t color_table_random(Peer *p)
{
	CTab t;
	unsigned k;

	ctab_junk(&t, rndn(8));
	for (k = 0; k < 9; k++) {
		switch (rndn(5)) {
		case 0: t.ctm[k] = 0; break;
		case 1: t.ctm[k] = (int64_t)rnd(); break;       /* huge */
		case 2: t.ctm[k] = Q32(1.0); break;
		default:                /* within +-2.0, any fraction */
			t.ctm[k] = (int64_t)(rnd() >> 29) - Q32(2.0);
		}
	}
	for (k = 0; k < 256; k++)
		if (rndn(8) == 0)
			t.lut[rndn(2)][k][rndn(3)] = rndn(2) ? 0xFFFF : 0;
	return ctab_put(p, &t);
}

/*
 * COLOR of @n ARGB8888 pixels @in with table @t: checked against the CPU
 * reference (run_op) and returned in @got for hand-computed values.
 */
static int color_px(Peer *p, const CTab *t, const uint32_t *in,
		    uint32_t *got, uint32_t n)
{
	Op o = { .opcode = WCFB_ENG_OP_COLOR, .w = n, .h = 1 };
	Surf s, d;
	uint32_t i;

	surf_alloc(p, &s, WCFB_ENG_FMT_ARGB8888, n, 1, 1);
	surf_alloc(p, &d, WCFB_ENG_FMT_ARGB8888, n, 1, 1);
	for (i = 0; i < n; i++) {
		uint32_t v = htole32(in[i]);

		memcpy((uint8_t *)gpa2host(p, s.b.gpa[0]) + 4 * i, &v, 4);
	}
	set_dst(&o, &d);
	set_src(&o, &s);
	o.table = ctab_put(p, t);
	if (run_op(p, &o, 0))
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(&got[i], (uint8_t *)gpa2host(p, d.b.gpa[0]) + 4 * i, 4);
		got[i] = le32toh(got[i]);
	}
	return 0;
}

#define CHECK_PX(t, in, want, what)					\
	do {								\
		uint32_t got_[sizeof(in) / 4], k_;			\
									\
		CHECK(!color_px(p, t, in, got_, sizeof(in) / 4),	\
		      "%s: reference", what);				\
		for (k_ = 0; k_ < sizeof(in) / 4; k_++)			\
			CHECK(got_[k_] == (want)[k_],			\
			      "%s: %08x -> %08x, want %08x", what,	\
			      (in)[k_], got_[k_], (want)[k_]);		\
	} while (0)

/* No stage, or only linear ones: C * 257, then (g + 128) / 257, which
 * is C again: an identity pipeline leaves every pixel as it was. */
static void t_color_identity(void)
{
	static const uint32_t in[] = { 0x00000000, 0x12017F80, 0xFFC8FEFF,
				       0x80FF0001 };
	static const uint32_t want[] = { 0x00000000, 0x12017F80, 0xFFC8FEFF,
					 0x80FF0001 };
	static const uint32_t fl[] = { 0, WCFB_ENG_COLOR_DEGAMMA,
				       WCFB_ENG_COLOR_CTM, WCFB_ENG_COLOR_GAMMA,
				       WCFB_ENG_COLOR_FLAGS_MASK };
	Peer *p = &g_peer;
	uint32_t all[256], got[256], i, k;
	CTab t;

	ctab_junk(&t, 0);
	CHECK_PX(&t, in, want, "flags 0");
	for (i = 0; i < 256; i++)
		all[i] = (255 - i) << 24 | i << 16 | ((i * 7) & 255) << 8 |
			 (255 - i);
	for (k = 0; k < sizeof(fl) / sizeof(fl[0]); k++) {
		ctab_linear(&t, fl[k]);
		CHECK(!color_px(p, &t, all, got, 256), "linear %x", fl[k]);
		for (i = 0; i < 256; i++) {
			uint32_t w = 0, c, sh;

			for (sh = 0; sh < 24; sh += 8) {
				c = (all[i] >> sh) & 255;
				w |= c << sh;
			}
			w |= all[i] & 0xFF000000u;
			CHECK(got[i] == w, "linear %x: %08x -> %08x want %08x",
			      fl[k], all[i], got[i], w);
		}
	}
}

static void t_color_degamma(void)
{
	static const uint32_t in[] = { 0x5A0A0A0A, 0x01141414, 0xFF0A140A };
	/* (g + 128) / 257: 0x1234 -> 0x12, 0x0080 -> 0x00, 0x007F -> 0x00,
	 * 0xFF80 -> 0xFF, 0xFF7F -> 0xFF, 0xFE7F -> 0xFE */
	static const uint32_t want[] = { 0x5A120000, 0x01FFFFFE, 0xFF12FF00 };
	static const uint16_t d10[3] = { 0x1234, 0x0080, 0x007F };
	static const uint16_t d20[3] = { 0xFF80, 0xFF7F, 0xFE7F };
	Peer *p = &g_peer;
	CTab t;

	ctab_junk(&t, WCFB_ENG_COLOR_DEGAMMA);
	memcpy(t.lut[0][10], d10, 6);
	memcpy(t.lut[0][20], d20, 6);
	CHECK_PX(&t, in, want, "degamma");
}

static void t_color_ctm(void)
{
	/* R = 0.5 R, G = G - R, B = R + G + B */
	static const uint32_t in[] = { 0xFFFF0000, 0x000AC801, 0x7FFFFFFF };
	/* (R 255, G 0, B 0): 32767.5 rounds to 32768 -> 0x80; -65535 -> 0;
	 * 65535 -> 0xFF.  (10, 200, 1): 1285 -> 5; 48830 -> 0xBE;
	 * 54227 -> 0xD3.  (255, 255, 255): 0x80, 0, 3 * 65535 -> 0xFF
	 * (C_out = (o + 128) / 257) */
	static const uint32_t want[] = { 0xFF8000FF, 0x0005BED3, 0x7F8000FF };
	/* R = MAX R + MIN G + B: exactly d_B for R = G (-d_R + 2^31 is in
	 * [0, 2^32)); G = MIN R, B = MAX R: beyond 64 bits, clamped */
	static const uint32_t in2[] = { 0xFFFFFF80, 0x00000000, 0x40646464 };
	static const uint32_t want2[] = { 0xFF8000FF, 0x00000000, 0x406400FF };
	/* degamma 771 * (2^31 / 2^32) = 385.5 rounds up to 386 -> 2;
	 * 771 * ((2^31 - 1) / 2^32) < 385.5 -> 385 -> 1; 772 / 2 -> 2 */
	static const uint32_t in3[] = { 0x42010101 };
	static const uint32_t want3[] = { 0x42020102 };
	Peer *p = &g_peer;
	CTab t;

	ctab_junk(&t, WCFB_ENG_COLOR_CTM);
	memset(t.ctm, 0, sizeof(t.ctm));
	t.ctm[0] = Q32(0.5);
	t.ctm[3] = Q32(-1.0);
	t.ctm[4] = Q32(1.0);
	t.ctm[6] = t.ctm[7] = t.ctm[8] = Q32(1.0);
	CHECK_PX(&t, in, want, "ctm");

	memset(t.ctm, 0, sizeof(t.ctm));
	t.ctm[0] = INT64_MAX;
	t.ctm[1] = INT64_MIN;
	t.ctm[2] = Q32(1.0);
	t.ctm[3] = INT64_MIN;
	t.ctm[6] = INT64_MAX;
	CHECK_PX(&t, in2, want2, "ctm s64 extremes");

	ctab_junk(&t, WCFB_ENG_COLOR_DEGAMMA | WCFB_ENG_COLOR_CTM);
	memset(t.ctm, 0, sizeof(t.ctm));
	t.ctm[0] = t.ctm[8] = (int64_t)1 << 31;
	t.ctm[4] = ((int64_t)1 << 31) - 1;
	t.lut[0][1][0] = t.lut[0][1][1] = 771;
	t.lut[0][1][2] = 772;
	CHECK_PX(&t, in3, want3, "ctm rounding");
}

static void t_color_gamma(void)
{
	/* gamma alone: index (C * 257) >> 8 = C */
	static const uint32_t in[] = { 0x33030303, 0xFF808080 };
	/* 0xABCD -> 0xAB, 0x0100 -> 1, 0x00FF -> 1; 0xFFFF -> 0xFF,
	 * 0x7F7F -> 0x7F, 0x8080 -> 0x80 */
	static const uint32_t want[] = { 0x33AB0101, 0xFFFF7F80 };
	static const uint16_t g3[3] = { 0xABCD, 0x0100, 0x00FF };
	static const uint16_t g80[3] = { 0xFFFF, 0x7F7F, 0x8080 };
	/* with degamma: the index is o >> 8, not rounded: 0x12FF -> 0x12,
	 * 0x1300 -> 0x13; 0x00FF -> 0, 0xFFFF -> 0xFF */
	static const uint32_t in2[] = { 0xFF050505, 0x01060606 };
	static const uint32_t want2[] = { 0xFF102112, 0x01053107 };
	static const uint16_t d5[3] = { 0x12FF, 0x1300, 0x12FF };
	static const uint16_t d6[3] = { 0x00FF, 0xFFFF, 0x0000 };
	static const uint16_t g12[3] = { 0x1000, 0x1100, 0x1200 };
	static const uint16_t g13[3] = { 0x2000, 0x2100, 0x2200 };
	static const uint16_t g00[3] = { 0x0500, 0x0600, 0x0700 };
	static const uint16_t gff[3] = { 0x3000, 0x3100, 0x3200 };
	Peer *p = &g_peer;
	CTab t;

	ctab_junk(&t, WCFB_ENG_COLOR_GAMMA);
	memcpy(t.lut[1][3], g3, 6);
	memcpy(t.lut[1][0x80], g80, 6);
	CHECK_PX(&t, in, want, "gamma");

	ctab_junk(&t, WCFB_ENG_COLOR_DEGAMMA | WCFB_ENG_COLOR_GAMMA);
	memcpy(t.lut[0][5], d5, 6);
	memcpy(t.lut[0][6], d6, 6);
	memcpy(t.lut[1][0x12], g12, 6);
	memcpy(t.lut[1][0x13], g13, 6);
	memcpy(t.lut[1][0x00], g00, 6);
	memcpy(t.lut[1][0xFF], gff, 6);
	CHECK_PX(&t, in2, want2, "gamma index");
}

/* Every way a COLOR descriptor or its table can be wrong: the status,
 * nothing written, the completion page's fault fields. */
static void t_color_validation(void)
{
	Peer *p = &g_peer;
	Surf a, b;
	CTab t;
	uint64_t good, where;
	uint8_t *raw;
	unsigned i;

	surf_alloc(p, &a, WCFB_ENG_FMT_XRGB8888, 4, 4, 2);
	surf_alloc(p, &b, WCFB_ENG_FMT_RGB565, 4, 4, 2);
	ctab_junk(&t, WCFB_ENG_COLOR_FLAGS_MASK);
	good = ctab_put(p, &t);
	raw = gpa2host(p, good);
	for (i = 0; i < 18; i++) {
		Op o = { .opcode = WCFB_ENG_OP_COLOR, .w = 4, .h = 4,
			 .table = good };
		struct wcfb_eng_desc d;
		uint32_t want = WCFB_ENG_ERR_DESC, st;
		uint64_t addr = 0;

		set_dst(&o, &b);
		set_src(&o, &a);
		switch (i) {
		case 0: want = 0; break;
		case 1: raw[0] = 8; break;                  /* flags bit 3 */
		case 2: raw[3] = 0x80; break;               /* flags bit 31 */
		case 3: raw[4] = 1; break;                  /* table rsvd */
		case 4: o.flags = 1; break;
		case 5: o.fill = 1; break;
		case 6: o.table = 0; want = WCFB_ENG_ERR_NOT_RAM; break;
		case 7: o.table = 0x1000; want = WCFB_ENG_ERR_NOT_RAM; break;
		case 8: /* straddles the end of RAM: its last byte */
			o.table = RAM_BASE + RAM_SIZE - 4096;
			want = WCFB_ENG_ERR_NOT_RAM;
			addr = o.table + WCFB_ENG_COLOR_TABLE_SIZE - 1;
			break;
		case 9: o.table = RAM_BASE + RAM_SIZE;
			want = WCFB_ENG_ERR_NOT_RAM; break;
		case 10: o.table = 0x100000000ull;
			want = WCFB_ENG_ERR_DMA_RANGE; break;
		case 11: o.table = good + 4; want = WCFB_ENG_ERR_SG; break;
		case 12: o.table = good + 1; want = WCFB_ENG_ERR_SG; break;
		case 13: /* surfaces are checked before the table */
			o.table = 0x1000; /* and dst.sg_count 0, below */
			want = WCFB_ENG_ERR_SG; addr = b.b.sg_gpa; break;
		case 14: /* the last table byte the last RAM byte: fine */
			o.table = RAM_BASE + RAM_SIZE -
				  WCFB_ENG_COLOR_TABLE_SIZE;
			ctab_write(gpa2host(p, o.table), &t);
			want = 0; break;
		default: break;         /* raw reserved words, below */
		}
		if (want && !addr && (want == WCFB_ENG_ERR_NOT_RAM ||
				      want == WCFB_ENG_ERR_DMA_RANGE ||
				      want == WCFB_ENG_ERR_SG))
			addr = o.table;
		if (want) {
			memcpy(p->expect, p->ram, p->ram_size);
			op_to_desc(&o, &d);
			if (i == 13)
				d.dst.sg_count = 0;
			if (i == 15)
				d._rsvd[2] = htole32(1);
			if (i == 16)
				d._rsvd[7] = htole32(0x80000000u);
			if (i == 17) {  /* another opcode with a table */
				d.opcode = htole32(WCFB_ENG_OP_CONVERT);
				d._rsvd[1] = htole32(1);
				d._rsvd[0] = 0;
			}
			st = submit1(p, &d);
			CHECK(st == want, "case %u: status %u want %u", i, st,
			      want);
			CHECK(ram_matches(p, &where), "case %u wrote 0x%llx", i,
			      (unsigned long long)where);
			CHECK(le32toh(cmpl(p)->last_error) == want &&
			      le64toh(cmpl(p)->fault_addr) == addr,
			      "case %u: completion error %u addr 0x%llx want "
			      "0x%llx", i, le32toh(cmpl(p)->last_error),
			      (unsigned long long)le64toh(cmpl(p)->fault_addr),
			      (unsigned long long)addr);
		} else {
			CHECK(!run_op(p, &o, 0), "case %u", i);
		}
		ctab_write(raw, &t);
	}
	/* the same descriptor is fine as CONVERT without the table */
	{
		Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 4, .h = 4 };

		set_dst(&o, &b);
		set_src(&o, &a);
		CHECK(!run_op(p, &o, 0), "convert");
	}
}

/* Random tables, formats and rects, in place (the driver's use) or from
 * another surface, SG-scattered, against the reference. */
static void t_color_random(void)
{
	Peer *p = &g_peer;
	unsigned i;

	for (i = 0; i < 120; i++) {
		bool inplace = i % 3 == 0;
		Op o = { .opcode = WCFB_ENG_OP_COLOR };
		Surf s, d;

		surf_alloc(p, &s, fmt_at(i % 3 == 1 ? 0 : rndn(NFMT)),
			   1 + rndn(40), 1 + rndn(30), 6);
		if (inplace)
			d = s;
		else
			surf_alloc(p, &d, fmt_at(rndn(NFMT)), 1 + rndn(40),
				   1 + rndn(30), 6);
		rand_rect(s.W, s.H, &o.sx, &o.sy, &o.w, &o.h);
		if (o.w > d.W || o.h > d.H) {
			i--;
			continue;
		}
		if (inplace) {
			o.dx = o.sx;
			o.dy = o.sy;
		} else {
			o.dx = rndn(d.W - o.w + 1);
			o.dy = rndn(d.H - o.h + 1);
		}
		set_dst(&o, &d);
		set_src(&o, &s);
		o.table = color_table_random(p);
		CHECK(!run_op(p, &o, 0), "#%u %s->%s flags %x", i,
		      fdesc(s.fmt)->tag, fdesc(d.fmt)->tag,
		      *(uint8_t *)gpa2host(p, o.table));
	}
	/* a whole XRGB8888 frame in place, one segment, every stage */
	{
		Op o = { .opcode = WCFB_ENG_OP_COLOR, .w = 320, .h = 240 };
		Surf s;
		CTab t;
		unsigned k;

		surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, 320, 240, 1);
		ctab_junk(&t, WCFB_ENG_COLOR_FLAGS_MASK);
		for (k = 0; k < 9; k++)
			t.ctm[k] = (int64_t)(rnd() >> 30) - Q32(2.0);
		set_dst(&o, &s);
		set_src(&o, &s);
		o.table = ctab_put(p, &t);
		CHECK(!run_op(p, &o, 0), "frame in place");
	}
}

/* corrupt-next: each kind of pixel-writing op takes one credit and gets
 * exactly one wrong byte (the centre pixel's lowest, bit 0 flipped);
 * NOP, CRC, empty rects and faulting descriptors take none. */
static void t_corrupt_next_ops(void)
{
	static const uint32_t ops[] = {
		WCFB_ENG_OP_FILL, WCFB_ENG_OP_COPY, WCFB_ENG_OP_BLEND,
		WCFB_ENG_OP_CONVERT, WCFB_ENG_OP_COLOR,
	};
	const unsigned nops = sizeof(ops) / sizeof(ops[0]);
	Peer *p = &g_peer;
	char r[16384];
	unsigned k;
	uint64_t where, table;
	Surf s, d, c;

	surf_alloc(p, &s, WCFB_ENG_FMT_RGB565, 9, 7, 3);
	surf_alloc(p, &d, WCFB_ENG_FMT_RGB565, 9, 7, 3);
	surf_alloc(p, &c, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
	table = color_table_random(p);
	CHECK(peer_ctl(p, "help", r, sizeof(r)) == 0 &&
	      strstr(r, "corrupt-next N"), "help: %s", r);
	CHECK(peer_ctl(p, "corrupt-next 5", r, sizeof(r)) == 0, "ctl: %s", r);
	CHECK(peer_ctl(p, "stats", r, sizeof(r)) == 0 &&
	      strstr(r, "corrupt_next 5"), "stats: %s", r);
	/* these take no credit */
	CHECK(run_raw(p, WCFB_ENG_OP_NOP, 0, 0, 0, 0, &d, NULL) == 0, "nop");
	CHECK(run_raw(p, WCFB_ENG_OP_CRC, 0, 0, 9, 7, &c, &s) == 0, "crc");
	CHECK(run_raw(p, WCFB_ENG_OP_FILL, 0, 0, 0, 7, &d, NULL) == 0, "empty");
	CHECK(run_raw(p, WCFB_ENG_OP_FILL, 1, 0, 9, 7, &d, NULL) ==
	      WCFB_ENG_ERR_DESC, "bad");
	for (k = 0; k <= nops; k++) {
		uint32_t op = ops[k % nops];
		Op o = { .opcode = op, .w = 8, .h = 6, .dx = 1, .dy = 1,
			 .fill = op == WCFB_ENG_OP_FILL ? 0x1234 : 0,
			 .table = op == WCFB_ENG_OP_COLOR ? table : 0 };
		struct wcfb_eng_desc desc;
		uint64_t centre = (uint64_t)(1 + 3) * d.pitch + (1 + 4) * 2;
		uint32_t st;

		set_dst(&o, &d);
		set_src(&o, &s);
		memcpy(p->expect, p->ram, p->ram_size);
		ref_apply(p, p->expect, &o);
		if (k < nops)           /* the last is past the credits */
			*tb_at(p, p->expect, &d.b, centre) ^= 1;
		op_to_desc(&o, &desc);
		st = submit1(p, &desc);
		CHECK(st == 0, "op %u status %u", op, st);
		CHECK(ram_matches(p, &where), "op %u (#%u): RAM differs at "
		      "0x%llx", op, k, (unsigned long long)where);
	}
	CHECK(peer_ctl(p, "stats", r, sizeof(r)) == 0 &&
	      strstr(r, "corrupt_next 0") && strstr(r, "stats: corrupted "),
	      "stats: %s", r);
}

static void t_ring_wrap_batch(void)
{
	/* many descriptors per doorbell, ring wrapping several times, and
	 * several doorbells coalescing into one eventfd wake */
	Peer *p = &g_peer;
	Surf s;
	unsigned round, i;
	uint64_t bad;

	surf_alloc(p, &s, WCFB_ENG_FMT_RGB565, 32, 32, 4);
	for (round = 0; round < 10; round++) {
		uint32_t n = 1 + rndn(p->ring_size);
		uint32_t first = p->head;

		memcpy(p->expect, p->ram, p->ram_size);
		for (i = 0; i < n; i++) {
			Op o = { .opcode = WCFB_ENG_OP_FILL,
				 .fill = (uint32_t)rnd() };
			struct wcfb_eng_desc d;

			set_dst(&o, &s);
			rand_rect(s.W, s.H, &o.dx, &o.dy, &o.w, &o.h);
			ref_apply(p, p->expect, &o);
			op_to_desc(&o, &d);
			queue(p, &d);
			if (rndn(3) == 0) {
				publish_head(p);
				kick(p);
			}
		}
		publish_head(p);
		kick(p);
		kick(p);
		CHECK(wait_tail(p, p->head, 10000), "tail %u head %u",
		      rd32(p, WCFB_ENG_REG_TAIL), p->head);
		CHECK(le64toh(cmpl(p)->seqno) == p->seq, "seqno");
		for (i = first; i != p->head; i++)
			CHECK(slot(p, i)->status == 0, "status");
		CHECK(ram_matches(p, &bad), "RAM differs at 0x%llx",
		      (unsigned long long)bad);
	}
}

/* Independent prediction of whether a rect is acceptable. */
static bool rect_ok(uint32_t x, uint32_t y, uint32_t w, uint32_t h,
		    uint32_t pitch, uint32_t cpp, uint64_t extent)
{
	unsigned __int128 row = ((unsigned __int128)x + w) * cpp;
	unsigned __int128 end;

	if (w > WCFB_ENG_MAX_DIM || h > WCFB_ENG_MAX_DIM)
		return false;
	if (!w || !h)
		return true;
	end = ((unsigned __int128)y + h - 1) * pitch + row;
	return row <= pitch && end <= extent;
}

static uint32_t wild(uint32_t lim)
{
	static const uint32_t sp[] = { 0, 1, 2, 0x7FFFFFFF, 0x80000000,
				       0xFFFFFFFF, 0xFFFFFFFE, 16384, 16385,
				       65536 };

	switch (rndn(4)) {
	case 0:
		return sp[rndn(10)];
	case 1:
		return (uint32_t)rnd();
	default:
		return rndn(lim + 3);
	}
}

static void t_semi_random_rects(void)
{
	/* valid opcode and buffers, random geometry: the engine must agree
	 * with the independent predictor, and never write on a fault */
	Peer *p = &g_peer;
	Surf a, b;
	unsigned i, ok = 0, bad = 0;

	surf_alloc(p, &a, WCFB_ENG_FMT_XRGB8888, 40, 30, 5);
	surf_alloc(p, &b, WCFB_ENG_FMT_XRGB8888, 40, 30, 5);
	for (i = 0; i < 300; i++) {
		Op o = { .opcode = rndn(2) ? WCFB_ENG_OP_FILL :
					     WCFB_ENG_OP_COPY,
			 .fill = (uint32_t)rnd() };
		bool valid;
		uint32_t want;

		set_dst(&o, &b);
		set_src(&o, &a);
		if (i & 1) {
			/* a valid rect with one field gone wild */
			uint32_t *f[] = { &o.w, &o.h, &o.dx, &o.dy, &o.sx,
					  &o.sy, &o.dpitch, &o.spitch };

			rand_rect(40, 30, &o.dx, &o.dy, &o.w, &o.h);
			o.sx = rndn(40 - o.w + 1);
			o.sy = rndn(30 - o.h + 1);
			if (rndn(4))
				*f[rndn(8)] = wild(200);
		} else {
			o.w = wild(45);
			o.h = wild(35);
			o.dx = wild(45);
			o.dy = wild(35);
			o.sx = wild(45);
			o.sy = wild(35);
			if (rndn(3) == 0)
				o.dpitch = wild(200);
			if (rndn(3) == 0)
				o.spitch = wild(200);
		}
		valid = rect_ok(o.dx, o.dy, o.w, o.h, o.dpitch, 4,
				b.b.extent) &&
			(o.opcode == WCFB_ENG_OP_FILL ||
			 rect_ok(o.sx, o.sy, o.w, o.h, o.spitch, 4,
				 a.b.extent));
		if (valid) {
			ok++;
			CHECK(!run_op(p, &o, 0), "predicted valid, #%u", i);
		} else {
			struct wcfb_eng_desc d;
			uint64_t where;

			bad++;
			memcpy(p->expect, p->ram, p->ram_size);
			op_to_desc(&o, &d);
			want = submit1(p, &d);
			CHECK(want == WCFB_ENG_ERR_RECT ||
			      want == WCFB_ENG_ERR_EXTENT,
			      "#%u predicted invalid, status %u", i, want);
			CHECK(ram_matches(p, &where), "fault wrote 0x%llx",
			      (unsigned long long)where);
		}
	}
	CHECK(ok > 20 && bad > 20, "coverage ok %u bad %u", ok, bad);
}

static void t_garbage_descriptors(void)
{
	/* entirely random descriptors: every one faults, nothing is
	 * written, the engine survives */
	Peer *p = &g_peer;
	unsigned i, k;
	uint64_t where;

	memcpy(p->expect, p->ram, p->ram_size);
	for (i = 0; i < 2000; i++) {
		struct wcfb_eng_desc d;
		uint32_t *w = (uint32_t *)(void *)&d, st;

		for (k = 0; k < sizeof(d) / 4; k++)
			w[k] = (uint32_t)rnd();
		/* half of them with a plausible opcode to get further */
		if (i & 1)
			d.opcode = htole32(1 + rndn(WCFB_ENG_OP_MAX));
		if (i % 4 == 1) {       /* ... and zero reserved fields */
			memset(d._rsvd, 0, sizeof(d._rsvd));
			d.flags = 0;
			d.dst._rsvd = d.src._rsvd = 0;
		}
		if (le32toh(d.opcode) == WCFB_ENG_OP_NOP)
			continue;
		st = submit1(p, &d);
		CHECK(st != WCFB_ENG_ST_OK && st != 0xdead && st != 0xbad,
		      "garbage #%u status %x", i, st);
	}
	CHECK(ram_matches(p, &where), "garbage wrote at 0x%llx",
	      (unsigned long long)where);
	CHECK(kill(p->pid, 0) == 0, "engine alive");
}

static struct wcfb_eng_sg *mk_sg(Peer *p, uint64_t *gpa, uint32_t n)
{
	*gpa = galloc(p, n * 16, 16);
	return gpa2host(p, *gpa);
}

static void t_bad_addresses(void)
{
	Peer *p = &g_peer;
	Surf s;
	struct {
		const char *what;
		uint64_t addr, len;
		uint32_t want;
	} cases[] = {
		{ "below RAM", 0x1000, 4096, WCFB_ENG_ERR_NOT_RAM },
		{ "straddles RAM end", RAM_BASE + RAM_SIZE - 100, 4096,
		  WCFB_ENG_ERR_NOT_RAM },
		{ "after RAM", RAM_BASE + RAM_SIZE, 4096,
		  WCFB_ENG_ERR_NOT_RAM },
		{ "beyond dma bits", 0x100000000ull, 4096,
		  WCFB_ENG_ERR_DMA_RANGE },
		{ "crosses 4G", 0xFFFFF000ull, 0x2000,
		  WCFB_ENG_ERR_DMA_RANGE },
		{ "wraps 2^64", 0xFFFFFFFFFFFFF000ull, 0x2000,
		  WCFB_ENG_ERR_DMA_RANGE },
		{ "zero length", RAM_BASE + (2 << 20), 0, WCFB_ENG_ERR_SG },
	};
	unsigned i;
	uint64_t where, faults0 = le64toh(cmpl(p)->faults);

	surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, 16, 16, 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Op o = { .opcode = WCFB_ENG_OP_FILL, .w = 16, .h = 16,
			 .fill = 0x12345678 };
		TBuf b = s.b;
		struct wcfb_eng_sg *sg = mk_sg(p, &b.sg_gpa, 2);
		uint32_t st;

		/* a good entry first: the bad one must still fault it all */
		sg[0].addr = htole64(s.b.gpa[0]);
		sg[0].len = htole64(512);
		sg[1].addr = htole64(cases[i].addr);
		sg[1].len = htole64(cases[i].len);
		b.nseg = 2;
		o.dst = &b;
		o.dfmt = s.fmt;
		o.dpitch = s.pitch;
		memcpy(p->expect, p->ram, p->ram_size);
		{
			struct wcfb_eng_desc d;

			op_to_desc(&o, &d);
			st = submit1(p, &d);
		}
		CHECK(st == cases[i].want, "%s: status %u want %u",
		      cases[i].what, st, cases[i].want);
		CHECK(ram_matches(p, &where), "%s: wrote 0x%llx",
		      cases[i].what, (unsigned long long)where);
		CHECK(le32toh(cmpl(p)->last_error) == cases[i].want,
		      "completion last_error");
		CHECK(le64toh(cmpl(p)->fault_seqno) == p->seq,
		      "completion fault_seqno");
	}
	CHECK(le64toh(cmpl(p)->faults) == faults0 + i, "fault count %llu",
	      (unsigned long long)le64toh(cmpl(p)->faults));
}

static void t_bad_descriptors(void)
{
	Peer *p = &g_peer;
	Surf s, t;
	unsigned i;

	surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, 16, 16, 3);
	surf_alloc(p, &t, WCFB_ENG_FMT_RGB565, 16, 16, 3);
	for (i = 0; i < 14; i++) {
		Op o = { .opcode = WCFB_ENG_OP_COPY, .w = 16, .h = 16 };
		struct wcfb_eng_desc d;
		uint32_t want, st;
		uint64_t where;

		set_dst(&o, &s);
		set_src(&o, &s);
		o.sx = 0;
		op_to_desc(&o, &d);
		switch (i) {
		case 0: d.opcode = 0; want = WCFB_ENG_ERR_OPCODE; break;
		case 1: d.opcode = htole32(99); want = WCFB_ENG_ERR_OPCODE;
			break;
		case 2: d.flags = htole32(1); want = WCFB_ENG_ERR_DESC; break;
		case 3: d._rsvd[7] = 1; want = WCFB_ENG_ERR_DESC; break;
		case 4: d.dst.format = htole32(0x20203859);
			want = WCFB_ENG_ERR_FORMAT; break;
		case 5: d.src.format = htole32(WCFB_ENG_FMT_RGB565);
			d.src.sg_addr = htole64(t.b.sg_gpa);
			d.src.sg_count = htole32(t.b.nseg);
			want = WCFB_ENG_ERR_FORMAT; break;  /* copy mismatch */
		case 6: d.opcode = htole32(WCFB_ENG_OP_BLEND);
			d.flags = htole32(3);
			want = WCFB_ENG_ERR_DESC; break;    /* no mode 3 */
		case 7: d.width = htole32(WCFB_ENG_MAX_DIM + 1);
			want = WCFB_ENG_ERR_RECT; break;
		case 8: d.dst.sg_count = 0; want = WCFB_ENG_ERR_SG; break;
		case 9: d.dst.sg_count = htole32(WCFB_ENG_MAX_SG + 1);
			want = WCFB_ENG_ERR_SG; break;
		case 10: d.dst.sg_addr = htole64(s.b.sg_gpa + 4);
			want = WCFB_ENG_ERR_SG; break;      /* misaligned */
		case 11: d.src.sg_addr = htole64(RAM_BASE + RAM_SIZE - 8);
			d.src.sg_count = htole32(4);
			want = WCFB_ENG_ERR_NOT_RAM; break; /* table off RAM */
		case 12: d.dst.y = htole32(1);
			want = WCFB_ENG_ERR_EXTENT; break;
		default: d.dst.pitch = htole32(16 * 4 - 1);
			want = WCFB_ENG_ERR_RECT; break;    /* row > pitch */
		}
		memcpy(p->expect, p->ram, p->ram_size);
		st = submit1(p, &d);
		CHECK(st == want, "case %u: status %u want %u", i, st, want);
		CHECK(ram_matches(p, &where), "case %u wrote 0x%llx", i,
		      (unsigned long long)where);
	}
}

static void t_extent_boundary(void)
{
	/* a rect ending exactly at the extent is fine, one byte short of
	 * room faults before anything is written */
	Peer *p = &g_peer;
	unsigned f;

	for (f = 0; f < NFMT; f++) {
		Surf s;
		TBuf shorter;
		struct wcfb_eng_sg *sg;
		Op o = { .opcode = WCFB_ENG_OP_FILL, .fill = 0xA5A5A5A5 };

		surf_alloc(p, &s, fmt_at(f), 13, 7, 3);
		set_dst(&o, &s);
		o.w = s.W;
		o.h = s.H;
		CHECK(!run_op(p, &o, 0), "exact fit fmt %08x", s.fmt);
		o.dx = 1;
		o.w = s.W - 1;
		CHECK(!run_op(p, &o, 0), "exact fit at x=1");
		tbuf_alias(p, &s.b, &shorter);
		sg = gpa2host(p, shorter.sg_gpa);
		/* a 1-byte last segment goes: a 0-byte one would be BAD_SG */
		if (shorter.len[shorter.nseg - 1] > 1)
			sg[shorter.nseg - 1].len =
				htole64(shorter.len[shorter.nseg - 1] - 1);
		else
			shorter.nseg--;
		o.dst = &shorter;
		o.fill = (uint32_t)rnd();       /* a change must be visible */
		CHECK(!run_op(p, &o, WCFB_ENG_ERR_EXTENT), "1 byte short");
		o.dx = 0;
		o.w = s.W;
		o.h = s.H - 1;
		CHECK(!run_op(p, &o, 0), "one row less fits");
	}
}

static void t_fail_next(void)
{
	Peer *p = &g_peer;
	char r[4096];
	Surf s;
	unsigned i;

	surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, 8, 8, 2);
	CHECK(peer_ctl(p, "fail-next 2", r, sizeof(r)) == 0, "ctl: %s", r);
	for (i = 0; i < 3; i++) {
		Op o = { .opcode = WCFB_ENG_OP_FILL, .w = 8, .h = 8,
			 .fill = 0xFF00FF00 + i };

		set_dst(&o, &s);
		CHECK(!run_op(p, &o, i < 2 ? WCFB_ENG_ERR_INJECTED : 0),
		      "fill #%u", i);
	}
	CHECK(peer_ctl(p, "bogus", r, sizeof(r)) < 0 && strstr(r, "err"),
	      "unknown command: %s", r);
	CHECK(peer_ctl(p, "fail-next -3", r, sizeof(r)) < 0, "bad arg");
}

static void t_delay(void)
{
	Peer *p = &g_peer;
	struct wcfb_eng_desc d;
	char r[256];
	double t0, el;

	memset(&d, 0, sizeof(d));
	d.opcode = htole32(WCFB_ENG_OP_NOP);
	CHECK(peer_ctl(p, "delay 150", r, sizeof(r)) == 0, "ctl: %s", r);
	t0 = now_ms();
	CHECK(submit1(p, &d) == 0, "nop");
	el = now_ms() - t0;
	CHECK(peer_ctl(p, "delay 0", r, sizeof(r)) == 0, "ctl: %s", r);
	CHECK(el >= 145, "completed after %.1f ms", el);
	t0 = now_ms();
	CHECK(submit1(p, &d) == 0, "nop");
	CHECK(now_ms() - t0 < 140 * g_tscale, "delay not cleared");
}

/* A stats figure as a number, -1 if the reply lacks it. */
static double stat_value(const char *reply, const char *key)
{
	const char *at = strstr(reply, key);

	return at ? strtod(at + strlen(key), NULL) : -1;
}

/*
 * The engine's own time per doorbell (doorbell_max_us, doorbells_slow:
 * 4000 us or more) is what the host's copying costs a job, apart from the
 * wakeups on either side.  On a peer of its own, so that every doorbell
 * the figures cover lies inside the client's wall time: the longest is
 * never longer than that, and the slow count agrees with the longest.
 */
static void t_doorbell_time(void)
{
	double t0 = now_ms(), wall_us, max_us, slow;
	Op o = { .opcode = WCFB_ENG_OP_FILL, .fill = 0x00123456 };
	char r[65536];
	Peer q;
	Surf s;
	int ret = peer_start(&q, RAM_BASE, NULL);

	CHECK(ret == 0, "start: %d", ret);
	if (ret)
		return;
	CHECK(ring_setup(&q) == WCFB_ENG_STATUS_IDLE, "ring");
	surf_alloc(&q, &s, WCFB_ENG_FMT_XRGB8888, 512, 512, 0);
	set_dst(&o, &s);
	o.w = s.W;
	o.h = s.H;
	CHECK(!run_op(&q, &o, 0), "fill 512x512");
	wall_us = (now_ms() - t0) * 1000;
	CHECK(peer_ctl(&q, "stats", r, sizeof(r)) == 0, "ctl: %s", r);
	max_us = stat_value(r, "stats: doorbell_max_us ");
	slow = stat_value(r, "stats: doorbells_slow ");
	CHECK(max_us > 0 && slow >= 0, "no doorbell times: %s", r);
	CHECK(max_us <= wall_us, "longest doorbell %.0f us, all of the peer's work %.0f us",
	      max_us, wall_us);
	CHECK((max_us >= 4000) == (slow > 0), "slow %.0f against longest %.0f us",
	      slow, max_us);
	CHECK(peer_stop(&q, false) == 0, "exit");
	peer_rmdir(&q);
}

static void t_hang_resume(void)
{
	Peer *p = &g_peer;
	struct wcfb_eng_desc d;
	char r[256];
	uint32_t idx;

	memset(&d, 0, sizeof(d));
	d.opcode = htole32(WCFB_ENG_OP_NOP);
	CHECK(peer_ctl(p, "hang", r, sizeof(r)) == 0, "ctl: %s", r);
	drain_irq(p);
	idx = queue(p, &d);
	publish_head(p);
	kick(p);
	CHECK(no_irq_for(p, 300), "interrupt while hung");
	CHECK(rd32(p, WCFB_ENG_REG_TAIL) == idx, "tail moved while hung");
	CHECK(le32toh(slot(p, idx)->status) == WCFB_ENG_ST_PENDING,
	      "desc executed while hung");
	CHECK(peer_ctl(p, "resume", r, sizeof(r)) == 0, "ctl: %s", r);
	CHECK(wait_tail(p, p->head, 5000), "not resumed");
	CHECK(le32toh(slot(p, idx)->status) == 0, "status after resume");
}

static void t_hang_reset(void)
{
	Peer *p = &g_peer;
	struct wcfb_eng_desc d;
	char r[256];
	uint32_t idx, st;
	uint64_t seq_before = le64toh(cmpl(p)->seqno);

	memset(&d, 0, sizeof(d));
	d.opcode = htole32(WCFB_ENG_OP_NOP);
	CHECK(peer_ctl(p, "hang", r, sizeof(r)) == 0, "ctl: %s", r);
	drain_irq(p);
	idx = queue(p, &d);
	queue(p, &d);
	publish_head(p);
	kick(p);
	CHECK(no_irq_for(p, 300), "interrupt while hung");
	/* the driver's timeout path: reset the engine */
	CHECK(engine_reset(p), "reset: status %u ctrl %x tail %u head %u",
	      rd32(p, WCFB_ENG_REG_STATUS), rd32(p, WCFB_ENG_REG_CTRL),
	      rd32(p, WCFB_ENG_REG_TAIL), rd32(p, WCFB_ENG_REG_HEAD));
	CHECK(le32toh(slot(p, idx)->status) == WCFB_ENG_ST_PENDING,
	      "abandoned descriptor ran");
	CHECK(le64toh(cmpl(p)->seqno) == seq_before, "seqno moved");
	/* and it works again after re-enabling */
	memset(cmpl(p), 0, 64);
	st = ring_enable(p, p->ring_gpa, p->ring_size, p->cmpl_gpa);
	CHECK(st == WCFB_ENG_STATUS_IDLE, "status after re-enable %u", st);
	CHECK(submit1(p, &d) == 0, "nop after reset");
	CHECK(le64toh(cmpl(p)->faults) == 0, "faults reset");
}

static void t_ring_config_errors(void)
{
	Peer *p = &g_peer;
	uint64_t ring = p->ring_gpa, c = p->cmpl_gpa;
	struct {
		uint64_t ring, cmpl;
		uint32_t size, err;
	} cases[] = {
		{ ring, c, 3, WCFB_ENG_ERR_RING_CONFIG },
		{ ring, c, 0, WCFB_ENG_ERR_RING_CONFIG },
		{ ring, c, WCFB_ENG_MAX_RING * 2, WCFB_ENG_ERR_RING_CONFIG },
		{ ring + 64, c, 16, WCFB_ENG_ERR_RING_CONFIG },
		{ 0x1000, c, 16, WCFB_ENG_ERR_NOT_RAM },
		{ RAM_BASE + RAM_SIZE - 1024, c, 16, WCFB_ENG_ERR_NOT_RAM },
		{ 0x200000000ull, c, 16, WCFB_ENG_ERR_DMA_RANGE },
		{ ring, c + 8, 16, WCFB_ENG_ERR_CMPL_CONFIG },
		{ ring, 0x2000, 16, WCFB_ENG_ERR_NOT_RAM },
	};
	unsigned i;
	uint32_t st;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(engine_reset(p), "reset %u", i);
		st = ring_enable(p, cases[i].ring, cases[i].size,
				 cases[i].cmpl);
		CHECK(st == WCFB_ENG_STATUS_HALTED, "case %u status %u", i,
		      st);
		CHECK(rd32(p, WCFB_ENG_REG_ERROR) == cases[i].err,
		      "case %u error %u want %u", i,
		      rd32(p, WCFB_ENG_REG_ERROR), cases[i].err);
	}
	/* HEAD running more than RING_SIZE ahead of TAIL */
	CHECK(engine_reset(p), "reset");
	CHECK(ring_enable(p, ring, RING_SIZE, c) == WCFB_ENG_STATUS_IDLE,
	      "enable");
	wr32(p, WCFB_ENG_REG_HEAD, RING_SIZE + 1);
	drain_irq(p);
	kick(p);
	CHECK(wait_irq(p, 5000), "irq for halt");
	CHECK(rd32(p, WCFB_ENG_REG_STATUS) == WCFB_ENG_STATUS_HALTED &&
	      rd32(p, WCFB_ENG_REG_ERROR) == WCFB_ENG_ERR_HEAD, "head halt");
	/* leave the engine working */
	CHECK(engine_reset(p), "reset");
	CHECK(ring_enable(p, ring, RING_SIZE, c) == WCFB_ENG_STATUS_IDLE,
	      "enable");
}

static void t_stats_command(void)
{
	Peer *p = &g_peer;
	char r[16384];

	CHECK(peer_ctl(p, "stats", r, sizeof(r)) == 0, "ctl: %s", r);
	CHECK(strstr(r, "stats: descriptors ") && strstr(r, "stats: faults ")
	      && strstr(r, "faultlog: "), "reply: %s", r);
}

static void t_second_client_refused(void)
{
	Peer *p = &g_peer;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct timeval tv = { 5, 0 };
	char c;
	struct wcfb_eng_desc d;

	strcpy(sa.sun_path, p->sock);
	CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "conn");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	CHECK(read(fd, &c, 1) == 0, "second peer not closed");
	close(fd);
	memset(&d, 0, sizeof(d));
	d.opcode = htole32(WCFB_ENG_OP_NOP);
	CHECK(submit1(p, &d) == 0, "first peer still served");
}

static void t_dma_bits_and_cli_faults(void)
{
	/* --dma-bits 30 with RAM at 1 GiB: RAM is beyond the engine's
	 * reach, so enabling halts with DMA_RANGE; --fail-next and
	 * --hang from the command line */
	Peer q;
	uint64_t ring, c;
	uint32_t st;
	int r = peer_start(&q, RAM_BASE, "--dma-bits", "30", "--hang",
			   "--fail-next", "1", NULL);

	CHECK(r == 0, "start: %d", r);
	CHECK(rd32(&q, WCFB_ENG_REG_DMA_BITS) == 30, "dma bits");
	ring = galloc(&q, 16 * WCFB_ENG_DESC_SIZE, 4096);
	c = galloc(&q, 64, 64);
	/* hung from the start: enable is ignored */
	wr64(&q, WCFB_ENG_REG_RING_BASE, ring);
	wr32(&q, WCFB_ENG_REG_RING_SIZE, 16);
	wr64(&q, WCFB_ENG_REG_COMPLETION_ADDR, c);
	wr32(&q, WCFB_ENG_REG_CTRL, WCFB_ENG_CTRL_ENABLE);
	drain_irq(&q);
	kick(&q);
	CHECK(no_irq_for(&q, 200), "irq while hung");
	CHECK(engine_reset(&q), "reset");
	st = ring_enable(&q, ring, 16, c);
	CHECK(st == WCFB_ENG_STATUS_HALTED &&
	      rd32(&q, WCFB_ENG_REG_ERROR) == WCFB_ENG_ERR_DMA_RANGE,
	      "status %u error %u", st, rd32(&q, WCFB_ENG_REG_ERROR));
	CHECK(peer_stop(&q, false) == 0, "exit");
	peer_rmdir(&q);

	/* RAM at 256 MiB fits 30 bits; --fail-next 1 fails the first */
	r = peer_start(&q, 0x10000000ull, "--dma-bits", "30", "--fail-next",
		       "1", NULL);
	CHECK(r == 0, "start: %d", r);
	{
		struct wcfb_eng_desc d;

		st = ring_setup(&q);
		CHECK(st == WCFB_ENG_STATUS_IDLE, "status %u", st);
		memset(&d, 0, sizeof(d));
		d.opcode = htole32(WCFB_ENG_OP_NOP);
		CHECK(submit1(&q, &d) == WCFB_ENG_ERR_INJECTED, "cli fail");
		CHECK(submit1(&q, &d) == 0, "second ok");
	}
	CHECK(peer_stop(&q, false) == 0, "exit");
	CHECK(file_contains(q.out, "fault_injected 1"), "stats");
	peer_rmdir(&q);
}

static void t_clean_exit(void)
{
	Peer *p = &g_peer;
	struct stat st;
	int status = peer_stop(p, false);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "exit status 0x%x (see %s)", status, p->err);
	CHECK(stat(p->sock, &st) < 0, "socket file left behind");
	CHECK(stat(p->ctl, &st) < 0, "control socket left behind");
	CHECK(stat(p->pidfile, &st) < 0, "pidfile left behind");
	CHECK(file_contains(p->out, "stats: descriptors "), "no stats");
	CHECK(file_contains(p->out, "stats: bytes_moved "), "no bytes");
	CHECK(file_contains(p->out, "stats: memcpy_mib_per_s "), "no bw");
	CHECK(file_contains(p->out, "stats: op_blend "), "no per-op");
	CHECK(file_contains(p->out, "faultlog: seqno "), "no fault log");
}

static void t_sigterm_exit(void)
{
	Peer q;
	int r = peer_start(&q, RAM_BASE, NULL), status;
	struct stat st;

	CHECK(r == 0, "start %d", r);
	status = peer_stop(&q, true);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %x",
	      status);
	CHECK(stat(q.sock, &st) < 0, "socket left behind");
	peer_rmdir(&q);
}

/* ------------------------------------------------------------------ */

/* ---- protocol 1.2: YUV sources ---- */

/* A YUV image: plane 0 and each chroma plane in its own SG buffer, the
 * chroma planes as large as the image's subsampling makes them. */
typedef struct YImg {
	const YFmtT *f;
	uint32_t W, H, ypitch, cw, ch, bps;
	TBuf y, c[2];
	uint32_t cpitch[2];
	YPlane pl[2];
} YImg;

static void yimg_alloc(Peer *p, YImg *im, const YFmtT *f, uint32_t W,
		       uint32_t H, uint32_t maxseg)
{
	uint32_t i;

	memset(im, 0, sizeof(*im));
	im->f = f;
	if (f->planes == 1)
		W += W & 1;             /* whole pixel pairs */
	im->W = W;
	im->H = H;
	im->cw = (W + f->hsub - 1) / f->hsub;
	im->ch = (H + f->vsub - 1) / f->vsub;
	im->bps = f->planes == 2 ? 2 : 1;
	if (f->planes == 1) {
		im->ypitch = W * 2 + rndn(3) * 5;
		tbuf_alloc(p, &im->y, (uint64_t)im->ypitch * (H - 1) + W * 2,
			   maxseg);
		return;
	}
	im->ypitch = W + rndn(3) * 5;
	tbuf_alloc(p, &im->y, (uint64_t)im->ypitch * (H - 1) + W, maxseg);
	for (i = 0; i + 1 < f->planes; i++) {
		im->cpitch[i] = im->cw * im->bps + rndn(3) * 3;
		tbuf_alloc(p, &im->c[i], (uint64_t)im->cpitch[i] * (im->ch - 1) +
			   im->cw * im->bps, maxseg);
	}
}

/* A planes table of @n planes (the rest zero) at a fresh address. */
static uint64_t ytab_put(Peer *p, const YPlane *pl, unsigned n)
{
	uint64_t gpa = galloc(p, sizeof(struct wcfb_eng_planes),
			      WCFB_ENG_PLANES_ALIGN);
	struct wcfb_eng_planes *t = gpa2host(p, gpa);
	unsigned i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		t->plane[i].sg_addr = htole64(pl[i].b->sg_gpa);
		t->plane[i].sg_count = htole32(pl[i].b->nseg);
		t->plane[i].pitch = htole32(pl[i].pitch);
		t->plane[i].x = htole32(pl[i].x);
		t->plane[i].y = htole32(pl[i].y);
		t->plane[i].phase = htole32(pl[i].phase);
	}
	return gpa;
}

static struct wcfb_eng_planes *ytab(Peer *p, const Op *o)
{
	return gpa2host(p, o->table);
}

/* @o reads @im from plane-0 pixel (sx, sy), every chroma plane from the
 * sample holding that pixel with the matching phase, as a driver
 * computes them. */
static void yimg_src(Peer *p, YImg *im, Op *o, uint32_t sx, uint32_t sy)
{
	const YFmtT *f = im->f;
	uint32_t i;

	o->src = &im->y;
	o->sfmt = f->fourcc;
	o->spitch = im->ypitch;
	o->sx = sx;
	o->sy = sy;
	o->yp = im->pl;
	o->table = 0;
	for (i = 0; i + 1 < f->planes; i++)
		im->pl[i] = (YPlane){ &im->c[i], im->cpitch[i], sx / f->hsub,
				      sy / f->vsub,
				      WCFB_ENG_PLANE_PHASE(sx % f->hsub,
							   sy % f->vsub) };
	if (f->planes > 1)
		o->table = ytab_put(p, im->pl, f->planes - 1);
}

static uint32_t yuv_flags(unsigned enc, bool full)
{
	return WCFB_ENG_YUV_ENC(enc) | (full ? WCFB_ENG_YUV_FULL_RANGE : 0);
}

static const YFmtT *yfmt_tag(const char *tag)
{
	unsigned i;

	for (i = 0; i < NYFMT; i++)
		if (!strcmp(g_yfmt[i].tag, tag))
			return &g_yfmt[i];
	abort();
}

/* The status a rect check gives (section 5's rule), or 0. */
static uint32_t rect_want(uint64_t x, uint64_t y, uint64_t w, uint64_t h,
			  uint32_t cpp, uint32_t pitch, uint64_t extent)
{
	if (!w || !h)
		return 0;
	if ((x + w) * cpp > pitch)
		return WCFB_ENG_ERR_RECT;
	if ((y + h - 1) * pitch + (x + w) * cpp > extent)
		return WCFB_ENG_ERR_EXTENT;
	return 0;
}

/* Submit @d; RAM must not change.  The status, or 0xFFFF if it did. */
static uint32_t run_untouched(Peer *p, const struct wcfb_eng_desc *d)
{
	uint64_t where;
	uint32_t st;

	memcpy(p->expect, p->ram, p->ram_size);
	st = submit1(p, d);
	if (!ram_matches(p, &where)) {
		fprintf(stderr, "  wrote 0x%llx\n", (unsigned long long)where);
		return 0xFFFF;
	}
	return st;
}

static void t_yuv_codes(void)
{
	static const uint32_t cap[] = {
		WCFB_ENG_FMTCAP_NV12, WCFB_ENG_FMTCAP_NV21,
		WCFB_ENG_FMTCAP_NV16, WCFB_ENG_FMTCAP_NV61,
		WCFB_ENG_FMTCAP_NV24, WCFB_ENG_FMTCAP_NV42,
		WCFB_ENG_FMTCAP_YUV420, WCFB_ENG_FMTCAP_YVU420,
		WCFB_ENG_FMTCAP_YUV422, WCFB_ENG_FMTCAP_YVU422,
		WCFB_ENG_FMTCAP_YUV444, WCFB_ENG_FMTCAP_YVU444,
		WCFB_ENG_FMTCAP_YUYV, WCFB_ENG_FMTCAP_YVYU,
		WCFB_ENG_FMTCAP_UYVY, WCFB_ENG_FMTCAP_VYUY,
	};
	Peer *p = &g_peer;
	unsigned i;

	CHECK(sizeof(cap) / sizeof(cap[0]) == NYFMT, "16 formats");
	for (i = 0; i < NYFMT; i++) {
		const char *t = g_yfmt[i].tag;
		uint32_t fc = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
			      (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;

		CHECK(g_yfmt[i].fourcc == fc, "%s: %08x", t, g_yfmt[i].fourcc);
		CHECK(cap[i] == 1u << (16 + i), "%s: FMTCAP %x", t, cap[i]);
	}
	CHECK(rd32(p, WCFB_ENG_REG_FORMATS) == 0xFFFFFFFFu, "FORMATS %x",
	      rd32(p, WCFB_ENG_REG_FORMATS));
	CHECK(WCFB_ENG_FMTCAP_RGB_MASK == 0xFFFFu &&
	      WCFB_ENG_FMTCAP_YUV_MASK == 0xFFFF0000u, "masks");
	CHECK(WCFB_ENG_VERSION_MINOR == 4 &&
	      rd32(p, WCFB_ENG_REG_VERSION) == 0x00010004u, "version %x",
	      rd32(p, WCFB_ENG_REG_VERSION));
	CHECK(rd32(p, WCFB_ENG_REG_CAPS) == 0xFE, "CAPS %x unchanged",
	      rd32(p, WCFB_ENG_REG_CAPS));
	CHECK(WCFB_ENG_YUV_ENC_SHIFT == 12 && WCFB_ENG_YUV_ENC_MASK == 0x3000 &&
	      WCFB_ENG_YUV_BT601 == 0 && WCFB_ENG_YUV_BT709 == 1 &&
	      WCFB_ENG_YUV_BT2020 == 2 && WCFB_ENG_YUV_FULL_RANGE == 0x4000 &&
	      WCFB_ENG_YUV_ENC(2u) == 0x2000, "flag bits");
	CHECK(sizeof(struct wcfb_eng_plane) == 32 &&
	      sizeof(struct wcfb_eng_planes) == 64 &&
	      WCFB_ENG_PLANES_ALIGN == 8, "planes table layout");
	CHECK(WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, sg_count) == 8 &&
	      WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, pitch) == 12 &&
	      WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, format) == 16 &&
	      WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, x) == 20 &&
	      WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, y) == 24 &&
	      WCFB_ENG_OFFSETOF(struct wcfb_eng_plane, phase) == 28,
	      "plane offsets");
	CHECK(WCFB_ENG_PLANE_PHASE(1u, 1u) == 0x101u, "phase macro");
}

/* The header's integer table is the spec's formula, evaluated here in
 * double from Kr and Kb. */
static void t_yuv_coef_table(void)
{
#define ROW(E, R) { WCFB_ENG_YUV_COEF_##E##_##R##_CY,			\
		    WCFB_ENG_YUV_COEF_##E##_##R##_CRV,			\
		    WCFB_ENG_YUV_COEF_##E##_##R##_CGU,			\
		    WCFB_ENG_YUV_COEF_##E##_##R##_CGV,			\
		    WCFB_ENG_YUV_COEF_##E##_##R##_CBU }
	static const int64_t hdr[3][2][5] = {
		{ ROW(BT601, LIMITED), ROW(BT601, FULL) },
		{ ROW(BT709, LIMITED), ROW(BT709, FULL) },
		{ ROW(BT2020, LIMITED), ROW(BT2020, FULL) },
	};
#undef ROW
	static const int32_t init[3][2][WCFB_ENG_YUV_K_N] = WCFB_ENG_YUV_COEFS;
	static const unsigned ki[5] = {
		WCFB_ENG_YUV_K_CY, WCFB_ENG_YUV_K_CRV, WCFB_ENG_YUV_K_CGU,
		WCFB_ENG_YUV_K_CGV, WCFB_ENG_YUV_K_CBU,
	};
	unsigned e, r, i;

	CHECK(WCFB_ENG_YUV_K_N == 5, "5 coefficients");
	for (e = 0; e < 3; e++)
		for (r = 0; r < 2; r++) {
			int64_t k[5], sel[5], big;

			ref_yuv_coefs(e, r, k);
			for (i = 0; i < 5; i++)
				sel[i] = init[e][r][ki[i]];
			for (i = 0; i < 5; i++) {
				CHECK(hdr[e][r][i] == k[i],
				      "enc %u full %u coef %u: header %lld, "
				      "formula %lld", e, r, i,
				      (long long)hdr[e][r][i], (long long)k[i]);
				CHECK(sel[i] == k[i], "WCFB_ENG_YUV_COEFS[%u][%u]"
				      "[%u] = %lld", e, r, i, (long long)sel[i]);
			}
			/* the header's claim: every |V| < 2^26 */
			big = k[0] * 255 + 128 * (k[1] > k[4] ? k[1] : k[4]);
			CHECK(big < (1 << 26) &&
			      k[0] * 255 + 128 * (k[2] + k[3]) < (1 << 26),
			      "range %lld", (long long)big);
		}
	CHECK(WCFB_ENG_YUV_CY_LIMITED == round_haz(65536.0 * 255 / 219) &&
	      WCFB_ENG_YUV_CY_FULL == 65536 && WCFB_ENG_YUV_Y_OFFSET == 16 &&
	      WCFB_ENG_YUV_C_OFFSET == 128 && WCFB_ENG_YUV_ROUND == 32768,
	      "constants");
}

/* A few pixels computed by hand (exact rational arithmetic, outside
 * this program), not by ref_ycbcr(). */
static void t_yuv_exact_values(void)
{
	static const struct {
		unsigned enc;
		bool full;
		uint8_t y, cb, cr;
		uint32_t want;
	} v[] = {
		{ 0, 0, 16, 128, 128, 0xFF000000 },
		{ 0, 0, 235, 128, 128, 0xFFFFFFFF },
		{ 0, 0, 81, 90, 240, 0xFFFE0000 },
		{ 0, 0, 145, 54, 34, 0xFF00FF01 },
		{ 0, 0, 41, 240, 110, 0xFF0000FF },
		{ 1, 1, 128, 128, 128, 0xFF808080 },
		{ 1, 1, 0, 0, 0, 0xFF005400 },
		{ 1, 1, 255, 255, 255, 0xFFFFACFF },
		{ 2, 0, 100, 200, 50, 0xFF0087FC },
		{ 1, 0, 63, 102, 240, 0xFFFF0100 },
		{ 2, 1, 30, 10, 250, 0xFFD20000 },
	};
	Peer *p = &g_peer;
	unsigned i, k;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const YFmtT *f = yfmt_tag(i & 1 ? "NV24" : "YU24");
		Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 1, .h = 1,
			 .flags = yuv_flags(v[i].enc, v[i].full) };
		uint32_t got;
		YImg im;
		Surf d;

		yimg_alloc(p, &im, f, 1, 1, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
		*tb_at(p, p->ram, &im.y, 0) = v[i].y;
		if (f->planes == 2) {
			*tb_at(p, p->ram, &im.c[0], 0) = v[i].cb;
			*tb_at(p, p->ram, &im.c[0], 1) = v[i].cr;
		} else {
			*tb_at(p, p->ram, &im.c[0], 0) = v[i].cb;
			*tb_at(p, p->ram, &im.c[1], 0) = v[i].cr;
		}
		set_dst(&o, &d);
		yimg_src(p, &im, &o, 0, 0);
		CHECK(!run_op(p, &o, 0), "case %u", i);
		tb_read(p, p->ram, &d.b, 0, (uint8_t *)&got, 4);
		CHECK(le32toh(got) == v[i].want, "case %u (%s): %08x want %08x",
		      i, f->tag, le32toh(got), v[i].want);
	}
	/* packed: the same black and white pair in each byte order */
	for (k = 12; k < NYFMT; k++) {
		const YFmtT *f = &g_yfmt[k];
		Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 2, .h = 1 };
		uint8_t b[4], luma = 16;
		uint32_t got[2];
		YImg im;
		Surf d;

		for (i = 0; i < 4; i++) {       /* Y0 16, Y1 235, Cb Cr 128 */
			b[i] = f->tag[i] == 'Y' ? luma : 128;
			if (f->tag[i] == 'Y')
				luma = 235;
		}
		yimg_alloc(p, &im, f, 2, 1, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 2, 1, 1);
		tb_write(p, p->ram, &im.y, 0, b, 4);
		set_dst(&o, &d);
		yimg_src(p, &im, &o, 0, 0);
		CHECK(!run_op(p, &o, 0), "%s", f->tag);
		tb_read(p, p->ram, &d.b, 0, (uint8_t *)got, 8);
		CHECK(le32toh(got[0]) == 0xFF000000 &&
		      le32toh(got[1]) == 0xFFFFFFFF, "%s: %08x %08x", f->tag,
		      le32toh(got[0]), le32toh(got[1]));
	}
}

/* CONVERT of every format, encoding and range to XRGB8888, whole image
 * and an odd rect at an odd origin (phase 1), against the reference. */
static void t_yuv_convert_formats(void)
{
	Peer *p = &g_peer;
	unsigned f, e, r;

	for (f = 0; f < NYFMT; f++)
		for (e = 0; e < 3; e++)
			for (r = 0; r < 2; r++) {
				Op o = { .opcode = WCFB_ENG_OP_CONVERT,
					 .flags = yuv_flags(e, r),
					 .w = 12, .h = 8 };
				YImg im;
				Surf d;

				yimg_alloc(p, &im, &g_yfmt[f], 12, 8, 4);
				surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 12, 8,
					   4);
				set_dst(&o, &d);
				yimg_src(p, &im, &o, 0, 0);
				CHECK(!run_op(p, &o, 0), "%s enc %u full %u",
				      g_yfmt[f].tag, e, r);
				yimg_src(p, &im, &o, 3, 1);
				o.w = 7;
				o.h = 5;
				o.dx = 1;
				o.dy = 2;
				CHECK(!run_op(p, &o, 0), "%s enc %u full %u at "
				      "(3,1) 7x5", g_yfmt[f].tag, e, r);
			}
}

/* Rects at every parity of origin and size, into every RGB format. */
static void t_yuv_rects(void)
{
	static const uint32_t rc[][4] = {
		{ 1, 1, 5, 3 }, { 3, 2, 1, 1 }, { 0, 1, 3, 4 }, { 5, 3, 2, 5 },
		{ 13, 9, 1, 1 }, { 1, 0, 13, 10 }, { 0, 0, 14, 10 },
		{ 2, 2, 11, 7 },
	};
	Peer *p = &g_peer;
	unsigned f, i;

	for (f = 0; f < NYFMT; f++) {
		YImg im;

		yimg_alloc(p, &im, &g_yfmt[f], 14, 10, 6);
		for (i = 0; i < sizeof(rc) / sizeof(rc[0]); i++) {
			Op o = { .opcode = WCFB_ENG_OP_CONVERT,
				 .flags = yuv_flags(rndn(3), rndn(2)),
				 .w = rc[i][2], .h = rc[i][3] };
			Surf d;

			surf_alloc(p, &d, fmt_at(rndn(NFMT)), 15, 11, 3);
			set_dst(&o, &d);
			yimg_src(p, &im, &o, rc[i][0], rc[i][1]);
			o.dx = rndn(2);
			o.dy = rndn(2);
			CHECK(!run_op(p, &o, 0), "%s rect %u into %s",
			      g_yfmt[f].tag, i, fdesc(d.fmt)->tag);
		}
	}
}

/*
 * Transforms, checked by hand on NV12 and YUYV: full range with neutral
 * chroma turns Y into grey Y exactly, so source pixel (x, y) holding
 * Y = y * 16 + x + 1 must land where the 1.1 mapping puts it; then the
 * 8 transforms on every format with odd rects against the reference.
 */
static void t_yuv_transform(void)
{
	static const uint8_t want[8][6] = {
		{ 0, 1, 2, 16, 17, 18 }, { 2, 1, 0, 18, 17, 16 },
		{ 16, 17, 18, 0, 1, 2 }, { 18, 17, 16, 2, 1, 0 },
		{ 0, 16, 1, 17, 2, 18 }, { 2, 18, 1, 17, 0, 16 },
		{ 16, 0, 17, 1, 18, 2 }, { 18, 2, 17, 1, 16, 0 },
	};
	static const char *const tags[2] = { "NV12", "YUYV" };
	Peer *p = &g_peer;
	unsigned k, fl, i, f;

	for (k = 0; k < 2; k++) {
		const YFmtT *yf = yfmt_tag(tags[k]);
		YImg im;
		uint32_t x, y;

		/* a 3x2 rect at (1, 1) of a 6x4 image */
		yimg_alloc(p, &im, yf, 6, 4, 2);
		for (y = 0; y < 4; y++)
			for (x = 0; x < 6; x++) {
				uint8_t yv = (uint8_t)((y - 1) * 16 + x);

				if (yf->planes == 1) {
					tb_write(p, p->ram, &im.y,
						 (uint64_t)y * im.ypitch + x * 2 +
						 (yf->tag[0] == 'Y' ? 0 : 1),
						 &yv, 1);
					yv = 128;
					tb_write(p, p->ram, &im.y,
						 (uint64_t)y * im.ypitch + x * 2 +
						 (yf->tag[0] == 'Y' ? 1 : 0),
						 &yv, 1);
				} else {
					tb_write(p, p->ram, &im.y,
						 (uint64_t)y * im.ypitch + x,
						 &yv, 1);
				}
			}
		for (i = 0; yf->planes > 1 && i < im.cw * 2; i++) {
			uint8_t c = 128;

			for (y = 0; y < im.ch; y++)
				tb_write(p, p->ram, &im.c[0],
					 (uint64_t)y * im.cpitch[0] + i, &c, 1);
		}
		for (fl = 0; fl < 8; fl++) {
			bool t = fl & 4;
			uint32_t w = t ? 2 : 3, h = t ? 3 : 2, got;
			Op o = { .opcode = fl & 1 ? WCFB_ENG_OP_CONVERT :
					   WCFB_ENG_OP_BLEND,
				 .flags = fl << 8 | WCFB_ENG_YUV_FULL_RANGE |
					  WCFB_ENG_YUV_ENC(fl % 3),
				 .w = w, .h = h };
			Surf d;

			surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, w, h, 1);
			set_dst(&o, &d);
			yimg_src(p, &im, &o, 1, 1);
			CHECK(!run_op(p, &o, 0), "%s transform %u", yf->tag, fl);
			for (i = 0; i < 6; i++) {
				tb_read(p, p->ram, &d.b, (i / w) * d.pitch +
					(i % w) * 4, (uint8_t *)&got, 4);
				got = le32toh(got);
				CHECK(got == 0xFF000000u + (want[fl][i] + 1) *
				      0x010101u, "%s transform %u pixel %u: "
				      "%08x", yf->tag, fl, i, got);
			}
		}
	}
	for (f = 0; f < NYFMT; f++) {
		YImg im;

		yimg_alloc(p, &im, &g_yfmt[f], 12, 12, 5);
		for (fl = 0; fl < 8; fl++) {
			bool t = fl & 4;
			Op o = { .opcode = fl & 2 ? WCFB_ENG_OP_CONVERT :
					   WCFB_ENG_OP_BLEND,
				 .flags = fl << 8 | yuv_flags(rndn(3), rndn(2)),
				 .w = t ? 5 : 7, .h = t ? 7 : 5 };
			Surf d;

			surf_alloc(p, &d, fmt_at(rndn(NFMT)), 9, 9, 3);
			set_dst(&o, &d);
			yimg_src(p, &im, &o, 1 + rndn(4), 1 + rndn(4));
			o.dx = rndn(3);
			o.dy = rndn(3);
			CHECK(!run_op(p, &o, 0), "%s transform %u",
			      g_yfmt[f].tag, fl);
		}
	}
}

/* BLEND of YUV sources (alpha 255) with every mode, with and without
 * plane alpha, over known backgrounds. */
static void t_yuv_blend(void)
{
	Peer *p = &g_peer;
	unsigned f, m, i;

	/* by hand: full-range grey 128 over 0x204060 at plane alpha 0x80,
	 * a = 128: (128 * 128 + C * 127 + 127) / 255 for each channel, and
	 * PREMULTIPLIED's 64 + (C * 127 + 127) / 255 agrees here */
	for (m = 0; m < 3; m++) {
		Op o = { .opcode = WCFB_ENG_OP_BLEND, .w = 1, .h = 1,
			 .flags = m | WCFB_ENG_BLEND_PLANE_ALPHA |
				  WCFB_ENG_YUV_FULL_RANGE, .fill = 0x80 };
		uint32_t bg = htole32(0x00204060), got;
		uint8_t grey = 128;
		YImg im;
		Surf d;

		yimg_alloc(p, &im, yfmt_tag("NV12"), 2, 2, 1);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 1, 1, 1);
		tb_write(p, p->ram, &im.y, 0, &grey, 1);
		tb_write(p, p->ram, &im.c[0], 0, &grey, 1);
		tb_write(p, p->ram, &im.c[0], 1, &grey, 1);
		tb_write(p, p->ram, &d.b, 0, (uint8_t *)&bg, 4);
		set_dst(&o, &d);
		yimg_src(p, &im, &o, 0, 0);
		CHECK(!run_op(p, &o, 0), "mode %u", m);
		tb_read(p, p->ram, &d.b, 0, (uint8_t *)&got, 4);
		CHECK(le32toh(got) == 0xFF506070, "mode %u: %08x", m,
		      le32toh(got));
	}
	for (f = 0; f < NYFMT; f++) {
		YImg im;

		yimg_alloc(p, &im, &g_yfmt[f], 20, 14, 4);
		for (i = 0; i < 12; i++) {
			static const uint32_t dfm[3] = {
				WCFB_ENG_FMT_ARGB8888, WCFB_ENG_FMT_XRGB8888,
				WCFB_ENG_FMT_RGB565,
			};
			bool pa = i & 1;
			Op o = { .opcode = WCFB_ENG_OP_BLEND,
				 .flags = (i / 2) % 3 | yuv_flags(rndn(3),
								  rndn(2)) |
					  (pa ? WCFB_ENG_BLEND_PLANE_ALPHA : 0),
				 .fill = pa ? rndn(256) : 0 };
			Surf d;

			if (i >= 6)
				o.flags |= (1 + rndn(7)) << 8;
			surf_alloc(p, &d, i >= 6 ? fmt_at(rndn(NFMT)) :
				   dfm[rndn(3)], 22, 22, 4);
			set_dst(&o, &d);
			o.w = 1 + rndn(13);
			o.h = 1 + rndn(13);
			yimg_src(p, &im, &o, rndn(20 - (o.flags &
				 WCFB_ENG_XFORM_TRANSPOSE ? o.h : o.w) + 1),
				 rndn(14 - (o.flags & WCFB_ENG_XFORM_TRANSPOSE ?
					    o.w : o.h) + 1));
			o.dx = rndn(22 - o.w + 1);
			o.dy = rndn(22 - o.h + 1);
			CHECK(!run_op(p, &o, 0), "%s flags %x pa %u onto %s",
			      g_yfmt[f].tag, o.flags, o.fill,
			      fdesc(d.fmt)->tag);
		}
	}
}

/*
 * Random everything: formats, sizes, rects, transforms, blend modes,
 * destinations, SG layouts, and chroma origins and phases other than
 * the driver's (any the table allows), with the status the rect rules
 * predict for each chroma plane.
 */
static void t_yuv_random(void)
{
	Peer *p = &g_peer;
	unsigned i, faults = 0;

	for (i = 0; i < 160; i++) {
		const YFmtT *f = &g_yfmt[rndn(NYFMT)];
		uint32_t W = 2 + rndn(40), H = 2 + rndn(30), sw, sh, want = 0;
		uint32_t k;
		Op o = { .opcode = rndn(2) ? WCFB_ENG_OP_CONVERT :
				   WCFB_ENG_OP_BLEND };
		YImg im;
		Surf d;

		yimg_alloc(p, &im, f, W, H, 1 + rndn(6));
		o.flags = yuv_flags(rndn(3), rndn(2)) | rndn(8) << 8;
		if (o.opcode == WCFB_ENG_OP_BLEND) {
			o.flags |= rndn(3);
			if (rndn(2)) {
				o.flags |= WCFB_ENG_BLEND_PLANE_ALPHA;
				o.fill = rndn(256);
			}
		}
		rand_rect(im.W, im.H, &o.sx, &o.sy, &sw, &sh);
		if (o.flags & WCFB_ENG_XFORM_TRANSPOSE) {
			o.w = sh;
			o.h = sw;
		} else {
			o.w = sw;
			o.h = sh;
		}
		surf_alloc(p, &d, fmt_at(rndn(NFMT)), o.w + rndn(5),
			   o.h + rndn(5), 1 + rndn(6));
		set_dst(&o, &d);
		o.dx = rndn(d.W - o.w + 1);
		o.dy = rndn(d.H - o.h + 1);
		yimg_src(p, &im, &o, o.sx, o.sy);
		if (f->planes > 1 && rndn(3) == 0) {
			for (k = 0; k + 1 < f->planes; k++) {
				YPlane *pl = &im.pl[k];
				uint32_t px = rndn(f->hsub), py = rndn(f->vsub);

				pl->x = rndn(im.cw);
				pl->y = rndn(im.ch);
				pl->phase = WCFB_ENG_PLANE_PHASE(px, py);
				if (!want)
					want = rect_want(pl->x, pl->y,
						(px + sw - 1) / f->hsub + 1,
						(py + sh - 1) / f->vsub + 1,
						im.bps, pl->pitch,
						im.c[k].extent);
			}
			o.table = ytab_put(p, im.pl, f->planes - 1);
		}
		faults += want != 0;
		CHECK(!run_op(p, &o, want), "#%u %s flags %x", i, f->tag,
		      o.flags);
	}
	CHECK(faults < 160, "some valid");
}

/* Chroma planes in several SG segments, in one buffer with the luma
 * (a DRM buffer with offsets), in other buffers. */
static void t_yuv_sg(void)
{
	Peer *p = &g_peer;
	unsigned f, i, k;

	for (f = 0; f < 12; f++) {              /* the 2- and 3-plane ones */
		const YFmtT *yf = &g_yfmt[f];
		YImg im;

		/* several segments, rows straddling them */
		do
			yimg_alloc(p, &im, yf, 30, 16, 8);
		while (im.c[0].nseg < 3 ||
		       (yf->planes == 3 && im.c[1].nseg < 3));
		for (i = 0; i < 4; i++) {
			Op o = { .opcode = i & 1 ? WCFB_ENG_OP_BLEND :
					   WCFB_ENG_OP_CONVERT,
				 .flags = yuv_flags(rndn(3), rndn(2)) };
			Surf d;
			uint32_t sx, sy;

			surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 30, 16, 1);
			set_dst(&o, &d);
			rand_rect(30, 16, &sx, &sy, &o.w, &o.h);
			if (i == 0) {
				sx = sy = 0;
				o.w = 30;
				o.h = 16;
			}
			yimg_src(p, &im, &o, sx, sy);
			CHECK(!run_op(p, &o, 0), "%s multi-segment chroma",
			      yf->tag);
		}
	}
	/* one buffer: Y rows, then the chroma rows at the same pitch (the
	 * chroma plane's offset folded into its y), for NV12 and YU12 */
	for (k = 0; k < 2; k++) {
		const YFmtT *yf = yfmt_tag(k ? "YU12" : "NV12");
		uint32_t W = 24, H = 10, pitch = 24 + 8, ch = H / 2;
		TBuf one;
		YImg im;

		memset(&im, 0, sizeof(im));
		tbuf_alloc(p, &one, (uint64_t)pitch * (H + 2 * ch), 9);
		im.f = yf;
		im.W = W;
		im.H = H;
		im.ypitch = pitch;
		im.cw = W / 2;
		im.ch = ch;
		im.bps = yf->planes == 2 ? 2 : 1;
		im.y = one;
		im.c[0] = one;
		im.c[1] = one;
		im.cpitch[0] = im.cpitch[1] = pitch;
		for (i = 0; i < 6; i++) {
			Op o = { .opcode = WCFB_ENG_OP_CONVERT,
				 .flags = yuv_flags(rndn(3), rndn(2)) };
			uint32_t sx, sy, j;
			Surf d;

			surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, W, H, 2);
			set_dst(&o, &d);
			rand_rect(W, H, &sx, &sy, &o.w, &o.h);
			yimg_src(p, &im, &o, sx, sy);
			for (j = 0; j + 1 < yf->planes; j++)
				im.pl[j].y += H + j * ch;
			o.table = ytab_put(p, im.pl, yf->planes - 1);
			CHECK(!run_op(p, &o, 0), "%s in one buffer", yf->tag);
		}
	}
}

/* Source planes sharing memory with the destination: as if the whole
 * source were read first, chroma and luma alike, transformed or not. */
static void t_yuv_overlap(void)
{
	Peer *p = &g_peer;
	unsigned i;

	for (i = 0; i < 24; i++) {
		const YFmtT *yf = yfmt_tag(i % 3 == 0 ? "YU12" :
					   i % 3 == 1 ? "NV12" : "UYVY");
		Op o = { .opcode = i & 1 ? WCFB_ENG_OP_BLEND :
				   WCFB_ENG_OP_CONVERT,
			 .flags = yuv_flags(rndn(3), rndn(2)) |
				  (i & 4 ? (1 + rndn(7)) << 8 : 0) };
		bool t = o.flags & WCFB_ENG_XFORM_TRANSPOSE;
		TBuf alias;
		YImg im;
		Surf d;

		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 40, 40, 7);
		tbuf_alias(p, &d.b, &alias);
		yimg_alloc(p, &im, yf, 20, 20, 3);
		o.w = 4 + rndn(12);
		o.h = 4 + rndn(12);
		set_dst(&o, &d);
		o.dx = rndn(40 - o.w + 1);
		o.dy = rndn(40 - o.h + 1);
		yimg_src(p, &im, &o, rndn(20 - (t ? o.h : o.w) + 1),
			 rndn(20 - (t ? o.w : o.h) + 1));
		if (yf->planes == 1) {
			/* the packed source itself inside the destination */
			o.src = &alias;
			o.spitch = d.pitch;
		} else if (i & 8) {
			/* the first chroma plane somewhere in the destination */
			im.pl[0].b = &alias;
			im.pl[0].pitch = d.pitch;
			im.pl[0].x += rndn(20);
			im.pl[0].y += rndn(20);
			o.table = ytab_put(p, im.pl, yf->planes - 1);
		} else {
			/* at the destination's origin: destination row j is
			 * written before the chroma row in it is read (at row
			 * 2 j), unless the source is read first; both inside
			 * the destination's 40 x 40 */
			uint32_t sw = t ? o.h : o.w, sh = t ? o.w : o.h;
			uint32_t cols = (sw + 1) / 2 + 1, rows = (sh + 1) / 2 + 1;
			uint32_t xm = (160 - cols * im.bps) / 4;

			o.dx = rndn((40 - o.w < xm ? 40 - o.w : xm) + 1);
			o.dy = rndn(40 - (o.h > rows ? o.h : rows) + 1);
			im.pl[0].b = &alias;
			im.pl[0].pitch = d.pitch;
			im.pl[0].x = o.dx * 4 / im.bps;
			im.pl[0].y = o.dy;
			o.table = ytab_put(p, im.pl, yf->planes - 1);
		}
		CHECK(!run_op(p, &o, 0), "%s overlap flags %x", yf->tag,
		      o.flags);
	}
}

/* Every way a YUV descriptor can be refused, and that it then touches
 * nothing. */
static void t_yuv_errors(void)
{
	static const uint32_t dst_ops[] = {
		WCFB_ENG_OP_FILL, WCFB_ENG_OP_COPY, WCFB_ENG_OP_BLEND,
		WCFB_ENG_OP_CONVERT, WCFB_ENG_OP_CRC, WCFB_ENG_OP_COLOR,
	};
	static const char *const tags[3] = { "NV12", "YU12", "YUYV" };
	Peer *p = &g_peer;
	uint64_t ctab = color_table_random(p), tgpa;
	struct wcfb_eng_desc dd;
	struct wcfb_eng_planes saved;
	unsigned i, k, n;
	uint32_t st;
	YImg im[3];
	Surf d, a;

	surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 16, 8, 2);
	surf_alloc(p, &a, WCFB_ENG_FMT_ARGB8888, 16, 8, 2);
	for (k = 0; k < 3; k++)
		yimg_alloc(p, &im[k], yfmt_tag(tags[k]), 16, 8, 3);

	/* YUV as any destination */
	for (k = 0; k < 3; k++)
		for (i = 0; i < sizeof(dst_ops) / sizeof(dst_ops[0]); i++) {
			Op o = { .opcode = dst_ops[i], .w = 4, .h = 4 };

			set_dst(&o, &d);
			o.dfmt = im[k].f->fourcc;
			set_src(&o, &a);
			if (o.opcode == WCFB_ENG_OP_COPY)
				o.sfmt = o.dfmt;
			o.table = o.opcode == WCFB_ENG_OP_COLOR ? ctab : 0;
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_FORMAT),
			      "%s as dst of op %u", tags[k], o.opcode);
		}
	/* YUV as the source of COPY, CRC, COLOR (without a planes table:
	 * with one, words 0x60.. are reserved for COPY and CRC) */
	for (k = 0; k < 3; k++) {
		static const uint32_t ops[3] = {
			WCFB_ENG_OP_COPY, WCFB_ENG_OP_CRC, WCFB_ENG_OP_COLOR,
		};

		for (i = 0; i < 3; i++) {
			Op o = { .opcode = ops[i], .w = 4, .h = 4 };

			set_dst(&o, &d);
			yimg_src(p, &im[k], &o, 0, 0);
			if (o.table && ops[i] != WCFB_ENG_OP_COLOR)
				CHECK(!run_op(p, &o, WCFB_ENG_ERR_DESC),
				      "%s table with op %u", tags[k], ops[i]);
			o.table = ops[i] == WCFB_ENG_OP_COLOR ? ctab : 0;
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_FORMAT),
			      "%s as src of op %u", tags[k], ops[i]);
		}
		{
			Op o = { .opcode = WCFB_ENG_OP_COPY, .w = 4, .h = 4 };

			set_dst(&o, &d);
			yimg_src(p, &im[k], &o, 0, 0);
			o.dfmt = o.sfmt;
			o.table = 0;
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_FORMAT),
			      "COPY %s -> %s", tags[k], tags[k]);
		}
	}
	/* NOP looks at no surface, FILL at no source: as with any fourcc */
	{
		Op o = { .opcode = WCFB_ENG_OP_NOP, .w = 4, .h = 4 };

		set_dst(&o, &d);
		yimg_src(p, &im[0], &o, 0, 0);
		o.dfmt = o.sfmt;
		o.table = 0;
		op_to_desc(&o, &dd);
		CHECK(run_untouched(p, &dd) == 0, "NOP with NV12 surfaces");
		o.opcode = WCFB_ENG_OP_FILL;
		o.dfmt = d.fmt;
		o.fill = 0x123456;
		CHECK(!run_op(p, &o, 0), "FILL with an NV12 source");
	}

	/* the YUV flag bits with an RGB source; encoding 3 */
	for (i = 0; i < 4; i++) {
		static const uint32_t fl[4] = {
			WCFB_ENG_YUV_ENC(1u), WCFB_ENG_YUV_ENC(2u),
			WCFB_ENG_YUV_ENC(3u), WCFB_ENG_YUV_FULL_RANGE,
		};

		for (k = 0; k < 2; k++) {
			Op o = { .opcode = k ? WCFB_ENG_OP_BLEND :
					   WCFB_ENG_OP_CONVERT, .w = 4, .h = 4,
				 .flags = fl[i] };

			set_dst(&o, &d);
			set_src(&o, &a);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_DESC),
			      "flags %x with ARGB8888 source, op %u", fl[i],
			      o.opcode);
		}
	}
	for (k = 0; k < 3; k++)
		for (i = 0; i < 4; i++) {
			Op o = { .opcode = i & 1 ? WCFB_ENG_OP_BLEND :
					   WCFB_ENG_OP_CONVERT, .w = 4, .h = 4,
				 .flags = WCFB_ENG_YUV_ENC(3u) |
					  (i & 2 ? WCFB_ENG_YUV_FULL_RANGE : 0) };

			set_dst(&o, &d);
			yimg_src(p, &im[k], &o, 0, 0);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_DESC),
			      "%s encoding 3, flags %x", tags[k], o.flags);
		}

	/* reserved words: 2..7 for a planar source, all for a packed one */
	for (k = 0; k < 3; k++)
		for (i = 0; i < 8; i++) {
			Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 4,
				 .h = 4 };

			if (im[k].f->planes > 1 && i < 2)
				continue;
			set_dst(&o, &d);
			yimg_src(p, &im[k], &o, 0, 0);
			op_to_desc(&o, &dd);
			dd._rsvd[i] = htole32(i == 0 ? 8 : 1);
			CHECK(run_untouched(p, &dd) == WCFB_ENG_ERR_DESC,
			      "%s _rsvd[%u]", tags[k], i);
		}

	/* the planes table's address */
	{
		/* fault_addr: the first offending byte, as for any range */
		static const struct {
			uint64_t addr, fault;
			uint32_t want;
		} ta[] = {
			{ 0, 0, WCFB_ENG_ERR_NOT_RAM },
			{ 0x1000, 0x1000, WCFB_ENG_ERR_NOT_RAM },
			{ RAM_BASE + RAM_SIZE - 32, RAM_BASE + RAM_SIZE + 31,
			  WCFB_ENG_ERR_NOT_RAM },
			{ RAM_BASE + RAM_SIZE, RAM_BASE + RAM_SIZE,
			  WCFB_ENG_ERR_NOT_RAM },
			{ 0x100000000ull, 0x100000000ull,
			  WCFB_ENG_ERR_DMA_RANGE },
			{ 0xFFFFFFE0ull, 0x10000001Full,
			  WCFB_ENG_ERR_DMA_RANGE },
		};
		Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 5, .h = 3 };

		set_dst(&o, &d);
		yimg_src(p, &im[0], &o, 1, 1);
		tgpa = o.table;
		/* misaligned: the same table at 4 and 1 past 8 */
		for (i = 0; i < 2; i++) {
			uint64_t mis = galloc(p, 80, 8) + (i ? 1 : 4);

			memcpy(gpa2host(p, mis), gpa2host(p, tgpa), 64);
			o.table = mis;
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_DESC),
			      "table at 8n + %u", i ? 1 : 4);
		}
		for (i = 0; i < sizeof(ta) / sizeof(ta[0]); i++) {
			o.table = ta[i].addr;
			CHECK(!run_op(p, &o, ta[i].want), "table at 0x%llx",
			      (unsigned long long)ta[i].addr);
			CHECK(le64toh(cmpl(p)->fault_addr) == ta[i].fault,
			      "fault_addr 0x%llx",
			      (unsigned long long)le64toh(cmpl(p)->fault_addr));
		}
		o.table = tgpa;
		CHECK(!run_op(p, &o, 0), "the table itself is fine");
	}

	/* the table's fields: format, phase, plane[1] of 2-plane formats */
	for (k = 0; k < 2; k++) {
		const YFmtT *yf = im[k].f;
		Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 5, .h = 3 };
		struct wcfb_eng_planes *t;

		set_dst(&o, &d);
		yimg_src(p, &im[k], &o, 1, 1);
		t = ytab(p, &o);
		saved = *t;
		for (n = 0; n + 1 < yf->planes; n++) {
			static const uint32_t bad[] = {
				0x2, 0x200, 0x10000, 0x80000000, 0x202,
				0x101 | 0x1000000,
			};

			t->plane[n].format = htole32(WCFB_ENG_FMT_NV12);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_DESC),
			      "%s plane[%u].format", yf->tag, n);
			t->plane[n].format = htole32(1);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_DESC),
			      "%s plane[%u].format 1", yf->tag, n);
			*t = saved;
			for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
				t->plane[n].phase = htole32(bad[i]);
				CHECK(!run_op(p, &o, WCFB_ENG_ERR_DESC),
				      "%s plane[%u] phase %x", yf->tag, n,
				      bad[i]);
			}
			*t = saved;
		}
		if (yf->planes == 2)
			for (i = 0; i < 8; i++) {
				((uint32_t *)(void *)&t->plane[1])[i] =
					htole32(i == 7 ? 0x100 : 1);
				CHECK(!run_op(p, &o, WCFB_ENG_ERR_DESC),
				      "%s plane[1] word %u", yf->tag, i);
				*t = saved;
			}
		CHECK(!run_op(p, &o, 0), "%s table restored", yf->tag);
	}
	/* phases that 1x1 and 2x1 subsampling do not have */
	{
		static const struct {
			const char *tag;
			uint32_t phase, want;
		} ph[] = {
			{ "NV24", 0x001, WCFB_ENG_ERR_DESC },
			{ "NV24", 0x100, WCFB_ENG_ERR_DESC },
			{ "YV24", 0x001, WCFB_ENG_ERR_DESC },
			{ "NV16", 0x100, WCFB_ENG_ERR_DESC },
			{ "YU16", 0x100, WCFB_ENG_ERR_DESC },
			{ "NV16", 0x001, 0 },
			{ "NV61", 0x000, 0 },
			{ "NV12", 0x101, 0 },
		};

		for (i = 0; i < sizeof(ph) / sizeof(ph[0]); i++) {
			const YFmtT *yf = yfmt_tag(ph[i].tag);
			Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 5,
				 .h = 3 };
			YImg y1;

			yimg_alloc(p, &y1, yf, 8, 6, 2);
			set_dst(&o, &d);
			yimg_src(p, &y1, &o, 0, 0);
			for (n = 0; n + 1 < yf->planes; n++)
				y1.pl[n].phase = ph[i].phase;
			o.table = ytab_put(p, y1.pl, yf->planes - 1);
			CHECK(!run_op(p, &o, ph[i].want), "%s phase %x",
			      yf->tag, ph[i].phase);
		}
	}

	/* each chroma plane is a surface: SG table, pitch, extent */
	for (k = 0; k < 2; k++) {
		const YFmtT *yf = im[k].f;
		uint32_t bps = im[k].bps;

		for (n = 0; n + 1 < yf->planes; n++) {
			Op o = { .opcode = WCFB_ENG_OP_BLEND, .w = 16, .h = 8 };
			struct wcfb_eng_planes *t;
			struct wcfb_eng_sg *sg;
			uint64_t sgg;

			set_dst(&o, &d);
			yimg_src(p, &im[k], &o, 0, 0);
			t = ytab(p, &o);
			saved = *t;
			t->plane[n].sg_count = 0;
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_SG), "count 0");
			t->plane[n].sg_count = htole32(WCFB_ENG_MAX_SG + 1);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_SG), "count max+1");
			*t = saved;
			t->plane[n].sg_addr = htole64(im[k].c[n].sg_gpa + 4);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_SG), "misaligned");
			t->plane[n].sg_addr = htole64(RAM_BASE + RAM_SIZE - 16);
			t->plane[n].sg_count = htole32(2);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_NOT_RAM), "off RAM");
			*t = saved;
			sgg = galloc(p, 32, 16);
			sg = gpa2host(p, sgg);
			sg[0].addr = htole64(im[k].c[n].gpa[0]);
			sg[0].len = htole64(im[k].c[n].len[0]);
			sg[1].addr = htole64(im[k].c[n].gpa[0]);
			sg[1].len = 0;
			t->plane[n].sg_addr = htole64(sgg);
			t->plane[n].sg_count = htole32(2);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_SG), "len 0");
			*t = saved;
			t->plane[n].pitch = htole32(im[k].cw * bps - 1);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_RECT), "pitch");
			*t = saved;
			t->plane[n].x = htole32(0xFFFFFFF0u);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_RECT), "x");
			*t = saved;
			t->plane[n].y = htole32(1);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_EXTENT), "%s plane[%u]"
			      " one row down", yf->tag, n);
			t->plane[n].y = htole32(0xFFFFFFFFu);
			CHECK(!run_op(p, &o, WCFB_ENG_ERR_EXTENT), "y");
			*t = saved;
			CHECK(!run_op(p, &o, 0), "%s plane[%u] restored",
			      yf->tag, n);
		}
	}
	/* the extent of a chroma plane is exactly the samples the rect
	 * covers: NV12 at (1, 1), 4 x 3 covers 3 x 2 samples */
	for (k = 0; k < 3; k++) {
		Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 4, .h = 3 };
		YImg y1;
		TBuf c;

		yimg_alloc(p, &y1, yfmt_tag("NV12"), 6, 4, 1);
		tbuf_alloc(p, &c, 12 - (k == 1), 3);
		y1.c[0] = c;
		y1.cpitch[0] = k == 2 ? 5 : 6;
		set_dst(&o, &d);
		yimg_src(p, &y1, &o, 1, 1);
		y1.pl[0].x = y1.pl[0].y = 0;
		o.table = ytab_put(p, y1.pl, 1);
		CHECK(!run_op(p, &o, k == 0 ? 0 : k == 1 ? WCFB_ENG_ERR_EXTENT :
			      WCFB_ENG_ERR_RECT), "exact chroma extent %u", k);
	}

	/* packed: read in whole pairs, so a rect ending on the first pixel
	 * of a pair needs the pair */
	{
		static const struct {
			uint32_t pitch, ext, x, w, h, want;
		} pk[] = {
			{ 10, 20, 0, 4, 2, 0 },
			{ 10, 20, 1, 3, 2, 0 },
			{ 10, 20, 0, 5, 2, WCFB_ENG_ERR_RECT },
			{ 10, 20, 1, 4, 2, WCFB_ENG_ERR_RECT },
			{ 12, 22, 0, 5, 2, WCFB_ENG_ERR_EXTENT },
			{ 12, 22, 0, 5, 1, 0 },
			{ 12, 24, 0, 5, 2, 0 },
			{ 12, 24, 3, 3, 2, 0 },
		};

		for (i = 0; i < sizeof(pk) / sizeof(pk[0]); i++) {
			const YFmtT *yf = &g_yfmt[12 + i % 4];
			Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = pk[i].w,
				 .h = pk[i].h, .sx = pk[i].x,
				 .sfmt = yf->fourcc, .spitch = pk[i].pitch };
			TBuf b;

			tbuf_alloc(p, &b, pk[i].ext, 3);
			set_dst(&o, &d);
			o.src = &b;
			CHECK(!run_op(p, &o, pk[i].want), "%s pairs case %u",
			      yf->tag, i);
		}
	}

	/* an empty rect is still checked in full */
	{
		Op o = { .opcode = WCFB_ENG_OP_CONVERT, .w = 0, .h = 3 };
		struct wcfb_eng_planes *t;

		set_dst(&o, &d);
		yimg_src(p, &im[1], &o, 0, 0);
		op_to_desc(&o, &dd);
		CHECK(run_untouched(p, &dd) == 0, "empty");
		t = ytab(p, &o);
		t->plane[1].phase = htole32(2);
		st = run_untouched(p, &dd);
		CHECK(st == WCFB_ENG_ERR_DESC, "empty, bad phase: %u", st);
		t->plane[1].phase = 0;
		t->plane[1].sg_count = 0;
		st = run_untouched(p, &dd);
		CHECK(st == WCFB_ENG_ERR_SG, "empty, bad plane: %u", st);
	}
}

/* corrupt-next takes YUV ops like any pixel-writing op. */
/*
 * A scale map for @n destination pixels over @s source pixels, as a
 * driver makes it: the centre of each destination pixel, mapped
 * linearly, step floor(s / n) in 16.16; @mirror walks it backwards.
 */
static void scale_axis(uint32_t n, uint32_t s, bool mirror, int32_t *p0,
		       int32_t *step)
{
	int32_t k = (int32_t)(((uint64_t)s << 16) / n);

	*p0 = k / 2;
	*step = k;
	if (mirror) {
		*p0 = (int32_t)((s << 16) - 1) - k / 2;
		*step = -k;
	}
}

/* Random scaled BLEND and CONVERT (1.3): every RGB format both ways,
 * up and down, transposed or not, mirrored or not, against the spec's
 * map in the reference. */
static void t_scale(void)
{
	Peer *p = &g_peer;
	unsigned i;

	for (i = 0; i < 120; i++) {
		bool blend = i % 3 != 2;
		Op o = { .opcode = blend ? WCFB_ENG_OP_BLEND :
				   WCFB_ENG_OP_CONVERT };
		uint32_t sw, sh, W, H;
		bool t = rndn(2);
		Surf s, d;

		surf_alloc(p, &s, fmt_at(rndn(NFMT)), 1 + rndn(40),
			   1 + rndn(30), 6);
		W = 1 + rndn(48);
		H = 1 + rndn(40);
		surf_alloc(p, &d, fmt_at(rndn(NFMT)), W, H, 6);
		rand_rect(s.W, s.H, &o.sx, &o.sy, &sw, &sh);
		o.w = 1 + rndn(W);
		o.h = 1 + rndn(H);
		o.dx = rndn(W - o.w + 1);
		o.dy = rndn(H - o.h + 1);
		o.flags = WCFB_ENG_XFORM_SCALE |
			  (t ? WCFB_ENG_XFORM_TRANSPOSE : 0);
		if (blend)
			o.flags |= rndn(3);
		o.ssw = sw;
		o.ssh = sh;
		scale_axis(t ? o.h : o.w, sw, rndn(2), &o.u0, &o.du);
		scale_axis(t ? o.w : o.h, sh, rndn(2), &o.v0, &o.dv);
		set_dst(&o, &d);
		set_src(&o, &s);
		CHECK(!run_op(p, &o, 0), "#%u %s %ux%u -> %ux%u flags %x %s->%s",
		      i, blend ? "BLEND" : "CONVERT", sw, sh, o.w, o.h,
		      o.flags, fdesc(s.fmt)->tag, fdesc(d.fmt)->tag);
	}
}

/* Scaled YUV sources: every format, up and down, chroma sampled at the
 * luma sample's pixel. */
static void t_scale_yuv(void)
{
	Peer *p = &g_peer;
	unsigned f, k;

	for (f = 0; f < NYFMT; f++) {
		YImg im;

		yimg_alloc(p, &im, &g_yfmt[f], 16, 12, 5);
		for (k = 0; k < 4; k++) {
			bool t = k & 1;
			Op o = { .opcode = k & 2 ? WCFB_ENG_OP_CONVERT :
					   WCFB_ENG_OP_BLEND,
				 .flags = WCFB_ENG_XFORM_SCALE |
					  (t ? WCFB_ENG_XFORM_TRANSPOSE : 0) |
					  yuv_flags(rndn(3), rndn(2)),
				 .w = k < 2 ? 23 : 5, .h = k < 2 ? 17 : 4 };
			uint32_t sw = 6 + rndn(6), sh = 4 + rndn(6);
			Surf d;

			surf_alloc(p, &d, fmt_at(rndn(NFMT)), 24, 18, 3);
			set_dst(&o, &d);
			yimg_src(p, &im, &o, rndn(16 - sw + 1),
				 rndn(12 - sh + 1));
			o.ssw = sw;
			o.ssh = sh;
			scale_axis(t ? o.h : o.w, sw, k == 1, &o.u0, &o.du);
			scale_axis(t ? o.w : o.h, sh, k == 2, &o.v0, &o.dv);
			CHECK(!run_op(p, &o, 0), "%s scale %u: %ux%u -> %ux%u",
			      g_yfmt[f].tag, k, sw, sh, o.w, o.h);
		}
	}
}

/* SCALE's map is checked whole before anything is read or written. */
static void t_scale_validation(void)
{
	Peer *p = &g_peer;
	Surf s, d;
	unsigned c;

	surf_alloc(p, &s, WCFB_ENG_FMT_XRGB8888, 8, 8, 2);
	surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 16, 16, 2);
	for (c = 0; c < 12; c++) {
		Op o = { .opcode = c & 1 ? WCFB_ENG_OP_CONVERT :
				   WCFB_ENG_OP_BLEND,
			 .flags = WCFB_ENG_XFORM_SCALE, .w = 16, .h = 16,
			 .ssw = 8, .ssh = 8 };
		uint32_t want = WCFB_ENG_ERR_RECT;

		set_dst(&o, &d);
		set_src(&o, &s);
		scale_axis(16, 8, false, &o.u0, &o.du);
		scale_axis(16, 8, false, &o.v0, &o.dv);
		switch (c / 2) {
		case 0: want = 0; break;                      /* in range */
		case 1: o.u0 = -1; break;                     /* before */
		case 2: o.dv += 1 << 12; break;               /* past the end */
		case 3: o.ssw = 0; break;                     /* no source */
		case 4: o.flags |= WCFB_ENG_XFORM_REFLECT_X; break;
		case 5: o.ssh = 9; want = WCFB_ENG_ERR_EXTENT; break;
		}
		CHECK(!run_op(p, &o, want), "case %u: want %u", c / 2, want);
	}
}

static void t_yuv_corrupt_next(void)
{
	Peer *p = &g_peer;
	char r[4096];
	unsigned k;
	uint64_t where;

	CHECK(peer_ctl(p, "corrupt-next 2", r, sizeof(r)) == 0, "ctl: %s", r);
	for (k = 0; k < 3; k++) {
		const YFmtT *yf = yfmt_tag(k == 1 ? "YUYV" : "NV12");
		Op o = { .opcode = k == 1 ? WCFB_ENG_OP_BLEND :
				   WCFB_ENG_OP_CONVERT,
			 .flags = yuv_flags(k, k & 1) |
				  (k == 1 ? WCFB_ENG_XFORM_TRANSPOSE : 0),
			 .w = 8, .h = 6, .dx = 1, .dy = 1 };
		struct wcfb_eng_desc desc;
		YImg im;
		Surf d;
		uint32_t st;

		yimg_alloc(p, &im, yf, 10, 10, 3);
		surf_alloc(p, &d, WCFB_ENG_FMT_XRGB8888, 10, 8, 3);
		set_dst(&o, &d);
		yimg_src(p, &im, &o, 1, 1);
		memcpy(p->expect, p->ram, p->ram_size);
		ref_apply(p, p->expect, &o);
		if (k < 2)
			*tb_at(p, p->expect, &d.b,
			       (uint64_t)(1 + 3) * d.pitch + (1 + 4) * 4) ^= 1;
		op_to_desc(&o, &desc);
		st = submit1(p, &desc);
		CHECK(st == 0, "%s status %u", yf->tag, st);
		CHECK(ram_matches(p, &where), "#%u: RAM differs at 0x%llx", k,
		      (unsigned long long)where);
	}
}

typedef struct Test {
	const char *name;
	void (*fn)(void);
} Test;

static const Test g_tests[] = {
	{ "identification", t_identification },
	{ "enable_nop", t_enable_nop },
	{ "fill", t_fill },
	{ "copy", t_copy },
	{ "copy_fullframe_contig", t_copy_fullframe_contig },
	{ "copy_overlap", t_copy_overlap },
	{ "blend", t_blend },
	{ "blend_exact_values", t_blend_exact_values },
	{ "convert", t_convert },
	{ "convert_exact_values", t_convert_exact_values },
	{ "formats_11", t_formats_11 },
	{ "blend_modes", t_blend_modes },
	{ "transform", t_transform },
	{ "crc", t_crc },
	{ "corrupt_next", t_corrupt_next },
	{ "format_codes", t_format_codes },
	{ "format_roundtrip", t_format_roundtrip },
	{ "blend_modes_alpha", t_blend_modes_alpha },
	{ "blend_exhaustive", t_blend_exhaustive },
	{ "blend_convert_random", t_blend_convert_random },
	{ "transform_overlap", t_transform_overlap },
	{ "transform_validation", t_transform_validation },
	{ "flags_validation", t_flags_validation },
	{ "crc_random", t_crc_random },
	{ "crc_rows", t_crc_rows },
	{ "color_identity", t_color_identity },
	{ "color_degamma", t_color_degamma },
	{ "color_ctm", t_color_ctm },
	{ "color_gamma", t_color_gamma },
	{ "color_validation", t_color_validation },
	{ "color_random", t_color_random },
	{ "corrupt_next_ops", t_corrupt_next_ops },
	{ "yuv_codes", t_yuv_codes },
	{ "yuv_coef_table", t_yuv_coef_table },
	{ "yuv_exact_values", t_yuv_exact_values },
	{ "yuv_convert_formats", t_yuv_convert_formats },
	{ "yuv_rects", t_yuv_rects },
	{ "yuv_transform", t_yuv_transform },
	{ "yuv_blend", t_yuv_blend },
	{ "yuv_random", t_yuv_random },
	{ "yuv_sg", t_yuv_sg },
	{ "yuv_overlap", t_yuv_overlap },
	{ "yuv_errors", t_yuv_errors },
	{ "yuv_corrupt_next", t_yuv_corrupt_next },
	{ "scale", t_scale },
	{ "scale_yuv", t_scale_yuv },
	{ "scale_validation", t_scale_validation },
	{ "ring_wrap_batch", t_ring_wrap_batch },
	{ "semi_random_rects", t_semi_random_rects },
	{ "garbage_descriptors", t_garbage_descriptors },
	{ "bad_addresses", t_bad_addresses },
	{ "bad_descriptors", t_bad_descriptors },
	{ "extent_boundary", t_extent_boundary },
	{ "fail_next", t_fail_next },
	{ "delay", t_delay },
	{ "doorbell_time", t_doorbell_time },
	{ "hang_resume", t_hang_resume },
	{ "hang_reset", t_hang_reset },
	{ "ring_config_errors", t_ring_config_errors },
	{ "stats_command", t_stats_command },
	{ "second_client_refused", t_second_client_refused },
	{ "dma_bits_and_cli_faults", t_dma_bits_and_cli_faults },
	{ "sigterm_exit", t_sigterm_exit },
	{ "clean_exit", t_clean_exit },     /* last: stops the engine */
};

int main(void)
{
	const char *seed = getenv("SEED"), *wrap = getenv("ENGINE_WRAPPER");
	const char *ts = getenv("TIMEOUT_SCALE");
	unsigned passed = 0, failed = 0, i;
	uint64_t s = seed ? strtoull(seed, NULL, 0) : (uint64_t)time(NULL);
	int r;

	g_engine = getenv("ENGINE");
	if (!g_engine) {
		/* default: the engine of this tree, wherever we run from
		 * (this binary is tests/engine/build/test_engine) */
		static char exe[4096];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 64);
		char *sl;

		g_engine = "../../hw/engine/build/wcfb-engine";
		if (n > 0) {
			exe[n] = '\0';
			for (i = 0; i < 4 && (sl = strrchr(exe, '/')); i++)
				*sl = '\0';
			if (i == 4) {
				strcat(exe, "/hw/engine/build/wcfb-engine");
				g_engine = exe;
			}
		}
	}
	if (ts)
		g_tscale = atof(ts) > 0 ? atof(ts) : 1.0;
	if (wrap && *wrap) {
		/* split on spaces; good enough for a wrapper command */
		char *w = strdup(wrap), *save = NULL, *tok;
		int n = 0;

		g_wrapper = calloc(32, sizeof(char *));
		for (tok = strtok_r(w, " ", &save); tok && n < 31;
		     tok = strtok_r(NULL, " ", &save))
			g_wrapper[n++] = tok;
	}
	g_rng ^= s * 0x9E3779B97F4A7C15ull;
	if (!g_rng)
		g_rng = 1;
	printf("# engine %s, SEED=%llu\n", g_engine, (unsigned long long)s);
	signal(SIGPIPE, SIG_IGN);

	r = peer_start(&g_peer, RAM_BASE, NULL);
	if (r) {
		printf("not ok - engine start failed (%d), see %s\n", r,
		       g_peer.err);
		peer_stop(&g_peer, true);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(g_tests) / sizeof(g_tests[0]); i++) {
		double t0 = now_ms();

		g_failed_checks = 0;
		g_tests[i].fn();
		if (g_failed_checks) {
			failed++;
			printf("not ok %u - %s (%s)\n", i + 1, g_tests[i].name,
			       g_fail_msg);
		} else {
			passed++;
			printf("ok %u - %s (%.0f ms)\n", i + 1,
			       g_tests[i].name, now_ms() - t0);
		}
		fflush(stdout);
	}
	if (g_peer.pid)
		peer_stop(&g_peer, true);
	if (!failed && !getenv("KEEP"))
		peer_rmdir(&g_peer);
	else
		printf("# engine output kept in %s\n", g_peer.dir);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
