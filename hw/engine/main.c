/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wcfb-engine: host-side 2D blitter device model for QEMU's
 * ivshmem-doorbell PCI function.
 *
 *   wcfb-engine --socket PATH --ram PATH [--ram-base 0x40000000]
 *               [--ram-size BYTES] [--dma-bits 32] [--vectors 1]
 *               [--control PATH] [--fail-next N] [--corrupt-next N]
 *               [--delay-ms N] [--hang]
 *               [--pidfile FILE] [--verbose]
 *
 * Lifecycle: listen on --socket, print "ready" on stdout (start QEMU only
 * after that: QEMU does not reconnect), serve exactly one QEMU; when it
 * disconnects (or on SIGINT/SIGTERM) print the statistics, remove the
 * socket(s) and pidfile, exit 0.  The BAR2 memory is a memfd, so nothing
 * is left in /dev/shm; the RAM file belongs to whoever started QEMU.
 */

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "engine.h"
#include "ivshmem.h"

typedef struct Options {
	const char *socket_path, *ram_path, *control_path, *pidfile;
	uint64_t ram_base, ram_size;
	unsigned dma_bits, vectors;
	uint64_t fail_next, corrupt_next;
	uint32_t delay_ms;
	bool hang, verbose;
} Options;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: wcfb-engine --socket PATH --ram PATH [options]\n"
		"  --socket PATH     ivshmem server socket (QEMU -chardev socket,path=)\n"
		"  --ram PATH        guest RAM file (memory-backend-file mem-path)\n"
		"  --ram-base ADDR   guest physical address of the file start (0x40000000)\n"
		"  --ram-size BYTES  refuse a RAM file of another size (default: any)\n"
		"  --dma-bits N      engine DMA address width, 12..64 (32)\n"
		"  --vectors N       ivshmem vectors, must match QEMU's vectors= (1)\n"
		"  --control PATH    text control socket for fault injection\n"
		"  --fail-next N     fail the next N descriptors\n"
		"  --corrupt-next N  one wrong pixel in each of the next N pixel writes\n"
		"  --delay-ms N      act on every doorbell N ms late\n"
		"  --hang            start hung (ignore doorbells until reset/resume)\n"
		"  --pidfile FILE    write the pid here (removed on exit)\n"
		"  --verbose         log every fault to stderr\n");
}

static int parse_num(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || !*s || *end || *s == '-' ? -1 : 0;
}

static int parse_args(int argc, char **argv, Options *o)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "ram", required_argument, NULL, 'r' },
		{ "ram-base", required_argument, NULL, 'b' },
		{ "ram-size", required_argument, NULL, 'z' },
		{ "dma-bits", required_argument, NULL, 'd' },
		{ "vectors", required_argument, NULL, 'v' },
		{ "control", required_argument, NULL, 'c' },
		{ "fail-next", required_argument, NULL, 'f' },
		{ "corrupt-next", required_argument, NULL, 'C' },
		{ "delay-ms", required_argument, NULL, 'D' },
		{ "hang", no_argument, NULL, 'H' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->ram_base = 0x40000000ull;    /* virt: RAM starts at 1 GiB */
	o->dma_bits = 32;
	o->vectors = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's': o->socket_path = optarg; break;
		case 'r': o->ram_path = optarg; break;
		case 'c': o->control_path = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 'H': o->hang = true; break;
		case 'V': o->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case 'b':
			if (parse_num(optarg, &o->ram_base))
				goto bad;
			break;
		case 'z':
			if (parse_num(optarg, &o->ram_size))
				goto bad;
			break;
		case 'd':
			if (parse_num(optarg, &v) || v < 12 || v > 64)
				goto bad;
			o->dma_bits = (unsigned)v;
			break;
		case 'v':
			if (parse_num(optarg, &v) || v < 1 ||
			    v > IVSHMEM_MAX_VECTORS)
				goto bad;
			o->vectors = (unsigned)v;
			break;
		case 'f':
			if (parse_num(optarg, &o->fail_next))
				goto bad;
			break;
		case 'C':
			if (parse_num(optarg, &o->corrupt_next))
				goto bad;
			break;
		case 'D':
			if (parse_num(optarg, &v) || v > 60000)
				goto bad;
			o->delay_ms = (uint32_t)v;
			break;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !o->socket_path || !o->ram_path) {
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "wcfb-engine: bad value '%s'\n", optarg);
	return -1;
}

static void raise_irq(void *opaque, unsigned vector)
{
	ivshmem_raise_irq(opaque, vector);
}

/* Poll slots; rebuilt each iteration because clients come and go. */
enum { P_SIG, P_LISTEN, P_CLIENT, P_TIMER, P_CTL, P_CTLC0,
       P_DOORBELL = P_CTLC0 + CONTROL_MAX_CLIENTS,
       P_MAX = P_DOORBELL + IVSHMEM_MAX_VECTORS };

typedef struct Loop {
	IvshmemServer srv;
	ControlServer ctl;
	WcfbEngine eng;
	int sig_fd, timer_fd;
	bool timer_armed;
} Loop;

static void arm_delay(Loop *l)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };

	its.it_value.tv_sec = l->eng.fi.delay_ms / 1000;
	its.it_value.tv_nsec = (long)(l->eng.fi.delay_ms % 1000) * 1000000L;
	if (timerfd_settime(l->timer_fd, 0, &its, NULL) == 0)
		l->timer_armed = true;
	else
		engine_doorbell(&l->eng);  /* cannot delay: do it now */
}

static void on_doorbell(Loop *l)
{
	/* With a delay, the work of every doorbell that arrives while the
	 * timer runs is done when it fires (the drain covers them all). */
	if (l->eng.fi.delay_ms) {
		if (!l->timer_armed)
			arm_delay(l);
		return;
	}
	engine_doorbell(&l->eng);
}

static int run(Loop *l)
{
	struct pollfd pfd[P_MAX];
	unsigned v;
	int i;

	for (;;) {
		for (i = 0; i < P_MAX; i++) {
			pfd[i].fd = -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		pfd[P_SIG].fd = l->sig_fd;
		pfd[P_LISTEN].fd = l->srv.listen_fd;
		pfd[P_CLIENT].fd = l->srv.client_fd;
		pfd[P_TIMER].fd = l->timer_armed ? l->timer_fd : -1;
		pfd[P_CTL].fd = l->ctl.listen_fd;
		for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
			pfd[P_CTLC0 + i].fd = l->ctl.client[i];
		for (v = 0; v < l->srv.vectors; v++)
			pfd[P_DOORBELL + v].fd = l->srv.doorbell_fd[v];

		if (poll(pfd, P_MAX, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("wcfb-engine: poll");
			return 1;
		}
		if (pfd[P_SIG].revents) {
			fprintf(stderr, "wcfb-engine: signal, exiting\n");
			return 0;
		}
		if (pfd[P_LISTEN].revents) {
			int r = ivshmem_server_accept(&l->srv);

			if (r < 0)
				fprintf(stderr, "wcfb-engine: setup of peer "
					"failed: %s\n", strerror(-r));
			else if (r > 0)
				fprintf(stderr, "wcfb-engine: peer %d "
					"connected\n", IVSHMEM_CLIENT_ID);
		}
		if (pfd[P_CLIENT].revents &&
		    ivshmem_client_readable(&l->srv) <= 0) {
			fprintf(stderr, "wcfb-engine: peer %d disconnected\n",
				IVSHMEM_CLIENT_ID);
			return 0;
		}
		for (v = 0; v < l->srv.vectors; v++)
			if (pfd[P_DOORBELL + v].revents &&
			    ivshmem_doorbell_read(&l->srv, v))
				on_doorbell(l);
		if (pfd[P_TIMER].revents) {
			uint64_t exp;

			if (read(l->timer_fd, &exp, sizeof(exp)) > 0) {
				l->timer_armed = false;
				engine_doorbell(&l->eng);
			}
		}
		if (pfd[P_CTL].revents)
			control_accept(&l->ctl);
		for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
			if (!pfd[P_CTLC0 + i].revents || l->ctl.client[i] < 0)
				continue;
			if (control_client_ready(&l->ctl, i, &l->eng.fi,
						 engine_print_stats, &l->eng) &
			    CONTROL_KICK)
				engine_doorbell(&l->eng);
		}
	}
}

int main(int argc, char **argv)
{
	static Loop l;
	Options o;
	sigset_t ss;
	int ret = 1, r;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	/* "ready" and the report must get through a pipe promptly */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&ss);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	l.sig_fd = signalfd(-1, &ss, SFD_CLOEXEC);
	l.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	l.ctl.listen_fd = -1;
	if (l.sig_fd < 0 || l.timer_fd < 0) {
		perror("wcfb-engine: signalfd/timerfd");
		return 1;
	}

	r = ivshmem_server_init(&l.srv, o.socket_path, WCFB_ENG_BAR_SIZE,
				o.vectors);
	if (r < 0) {
		fprintf(stderr, "wcfb-engine: %s: %s\n", o.socket_path,
			strerror(-r));
		goto out_fds;
	}
	r = control_init(&l.ctl, o.control_path);
	if (r < 0) {
		fprintf(stderr, "wcfb-engine: %s: %s\n", o.control_path,
			strerror(-r));
		goto out_srv;
	}

	l.eng.ram.path = o.ram_path;
	l.eng.ram.base = o.ram_base;
	l.eng.ram.want_size = o.ram_size;
	l.eng.ram.dma_bits = o.dma_bits;
	l.eng.peer_id = IVSHMEM_SELF_ID;
	l.eng.doorbell_vector = 0;
	l.eng.irq_vector = 0;
	l.eng.fi.fail_next = o.fail_next;
	l.eng.fi.corrupt_next = o.corrupt_next;
	l.eng.fi.delay_ms = o.delay_ms;
	l.eng.fi.hang = o.hang;
	l.eng.verbose = o.verbose;
	l.eng.raise_irq = raise_irq;
	l.eng.irq_opaque = &l.srv;
	if (engine_init(&l.eng, l.srv.shm, l.srv.shm_size) < 0) {
		fprintf(stderr, "wcfb-engine: out of memory\n");
		goto out_ctl;
	}
	/* Map now if the file is already there; QEMU may only create it
	 * after connecting, so the first doorbell retries. */
	r = guest_ram_map(&l.eng.ram);
	if (r < 0 && r != -ENOENT && r != -EAGAIN) {
		fprintf(stderr, "wcfb-engine: %s: %s\n", o.ram_path,
			strerror(-r));
		goto out_eng;
	}
	if (o.pidfile) {
		FILE *pf = fopen(o.pidfile, "w");

		if (!pf || fprintf(pf, "%d\n", (int)getpid()) < 0) {
			fprintf(stderr, "wcfb-engine: %s: %s\n", o.pidfile,
				strerror(errno));
			if (pf)
				fclose(pf);
			goto out_eng;
		}
		fclose(pf);
	}

	printf("ready\n");
	ret = run(&l);

	printf("stats: memcpy_mib_per_s %.1f\n", stats_memcpy_bandwidth());
	engine_print_stats(&l.eng, stdout);
	if (o.pidfile)
		unlink(o.pidfile);
out_eng:
	engine_fini(&l.eng);
out_ctl:
	control_cleanup(&l.ctl);
out_srv:
	ivshmem_server_cleanup(&l.srv);
out_fds:
	close(l.sig_fd);
	close(l.timer_fd);
	fflush(stdout);
	return ret;
}
