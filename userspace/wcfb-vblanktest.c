// SPDX-License-Identifier: MIT
/*
 * wcfb-vblanktest: page-flip events hold up while the machine is busy.
 *
 *   wcfb-vblanktest underload NAME FLIPS SPINNERS
 *
 * Shows 1024x768 and flips between two framebuffers FLIPS times
 * (nonblocking, with an event) while SPINNERS busy processes keep the
 * guest's CPUs -- and so the host cores running them -- busy, so that the
 * guest's timer interrupts run late.  Every other flip is issued as soon
 * as the previous event is read, as IGT's kms_flip does; the others just
 * after the next vblank (0-1 ms after it, spread evenly, as blocking
 * commits), which is where
 * a late timer interrupt has not yet reported that vblank: a driver that
 * takes its vblanks from the timer completes such a flip at the vblank
 * before it was issued.  Every event must:
 *  - carry a time after the moment its flip was issued (a flip cannot
 *    complete at a vblank before it was armed);
 *  - lie on the mode's vblank grid: (t - t0) = (seq - seq0) * period to
 *    within the microsecond the event reports, with the period computed
 *    here from the mode (htotal * vtotal / clock), not taken from the
 *    driver;
 *  - have a sequence above the previous event's.
 * Prints the flips' timing as the BENCH figures NAME, with the driver's count of
 * how late its vblank timer ran (debugfs "vblank"), so a failure says
 * whether the host or the driver was late.  Exit 0 when all hold, 3 when
 * the only failure is events timed before their flips (what the control
 * test_vblank_time_from_timer must produce), 1 otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "wcfb_client.h"

/* The only failure was events timed before their flips (exit 3). */
static int only_early;

struct timer_figures {
	long long fires, late_mean_ns, late_max_ns, late_1ms, overruns;
};

static void read_timer(struct timer_figures *t)
{
	memset(t, 0, sizeof(*t));
	wcfb_debugfs_value("vblank", "timer_fires", &t->fires);
	wcfb_debugfs_value("vblank", "timer_late_mean_ns", &t->late_mean_ns);
	wcfb_debugfs_value("vblank", "timer_late_max_ns", &t->late_max_ns);
	wcfb_debugfs_value("vblank", "timer_late_1ms", &t->late_1ms);
	wcfb_debugfs_value("vblank", "timer_overruns", &t->overruns);
}

static pid_t spin(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		volatile unsigned long x = 0;

		/* Bounded: the parent kills it, and it ends by itself. */
		alarm(600);
		for (;;)
			x++;
	}
	return pid;
}

static int underload(struct wcfb_pipe *p, const char *name, int flips,
		     int spinners)
{
	const drmModeModeInfo *m = wcfb_find_mode(p, 1024, 768);
	struct timer_figures t0, t1;
	pid_t pids[8];
	struct wcfb_buf b[2];
	uint64_t ts, ts0 = 0, ts_prev = 0, issue;
	uint32_t seq, seq0 = 0, seq_prev = 0;
	long long early = 0, offgrid = 0, backwards = 0, missed = 0;
	long long worst_grid_ns = 0, lat_sum = 0, lat_max = 0;
	double period_ns;
	char json[2048];
	int i, n = 0, ret;

	if (!m) {
		wcfb_ok(0, "mode 1024x768 is offered");
		return 1;
	}
	period_ns = (double)m->htotal * m->vtotal * 1e6 / m->clock;
	if (wcfb_buf_create(p, &b[0], 1024, 768, DRM_FORMAT_XRGB8888) ||
	    wcfb_buf_create(p, &b[1], 1024, 768, DRM_FORMAT_XRGB8888)) {
		wcfb_ok(0, "two framebuffers");
		return 1;
	}
	wcfb_buf_fill_pattern(&b[0], 71);
	wcfb_buf_fill_pattern(&b[1], 72);
	ret = wcfb_commit(p, m, b[0].fb_id, 1024, 768, 0);
	wcfb_ok(ret == 0, "1024x768 on (%s)", strerror(-ret));
	if (ret)
		return 1;

	if (spinners > 8)
		spinners = 8;
	for (i = 0; i < spinners; i++)
		pids[i] = spin();
	read_timer(&t0);

	for (i = 0; i < flips; i++) {
		if ((i & 1) && n) {
			/* Just after the vblank that follows the last event. */
			double u = (double)i * 0.6180339887;
			uint64_t at = ts_prev + (uint64_t)period_ns +
				      (uint64_t)((u - (long long)u) * 1e6);
			uint64_t nap = at - 3000000;
			struct timespec t = { .tv_sec = nap / 1000000000ull,
					      .tv_nsec = nap % 1000000000ull };

			/*
			 * Sleep to 3 ms before, then watch the clock: a sleep
			 * to the moment itself is woken by the same late timer
			 * interrupt, after the vblank's.
			 */
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
			while (wcfb_now_ns() < at)
				;
		}
		issue = wcfb_now_ns();
		/*
		 * The delayed flips are blocking commits: they are armed in
		 * this thread within a fraction of a millisecond, not by a
		 * worker that a busy CPU may start later than the late timer.
		 */
		ret = wcfb_commit(p, NULL, b[(i + 1) & 1].fb_id, 1024, 768,
				  DRM_MODE_PAGE_FLIP_EVENT |
				  ((i & 1) ? 0 : DRM_MODE_ATOMIC_NONBLOCK));
		if (!ret)
			ret = wcfb_wait_flip(p, 5000, &ts, &seq);
		if (ret)
			break;
		n++;
		/* The event's time is in whole microseconds, rounded down. */
		if (ts < issue / 1000 * 1000) {
			if (early++ < 5)
				printf("# flip %d: event at %llu ns, issued at %llu ns\n",
				       i, (unsigned long long)ts,
				       (unsigned long long)issue);
		}
		lat_sum += (long long)(wcfb_now_ns() - ts);
		if ((long long)(wcfb_now_ns() - ts) > lat_max)
			lat_max = (long long)(wcfb_now_ns() - ts);
		if (n == 1) {
			ts0 = ts;
			seq0 = seq;
		} else {
			double want = (double)(uint32_t)(seq - seq0) * period_ns;
			long long err = (long long)((double)(ts - ts0) - want);

			if (err < 0)
				err = -err;
			if (err > worst_grid_ns)
				worst_grid_ns = err;
			/* Two event times, each rounded down to 1 us. */
			if (err > 2000 && offgrid++ < 5)
				printf("# flip %d: seq %u at %llu ns is %lld ns off the grid\n",
				       i, seq, (unsigned long long)ts, err);
			if ((int32_t)(seq - seq_prev) <= 0) {
				if (backwards++ < 5)
					printf("# flip %d: seq %u after %u\n", i, seq,
					       seq_prev);
			} else {
				missed += (uint32_t)(seq - seq_prev) - 1;
			}
			if (ts <= ts_prev && backwards++ < 5)
				printf("# flip %d: time %llu after %llu\n", i,
				       (unsigned long long)ts,
				       (unsigned long long)ts_prev);
		}
		ts_prev = ts;
		seq_prev = seq;
	}
	read_timer(&t1);
	for (i = 0; i < spinners; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}

	wcfb_ok(n == flips, "%d of %d flips completed (%s)", n, flips,
		ret ? strerror(-ret) : "ok");
	wcfb_ok(early == 0, "no event before its flip was issued (%lld early)",
		early);
	only_early = early && wcfb_failures == 1;
	wcfb_ok(offgrid == 0, "every event on the vblank grid (%lld off, worst %lld ns)",
		offgrid, worst_grid_ns);
	wcfb_ok(backwards == 0, "sequences and times only go forward (%lld not)",
		backwards);
	snprintf(json, sizeof(json),
		 "{\"name\":\"%s\",\"figures\":{"
		 "\"flips\":{\"value\":%d,\"unit\":\"flips\",\"kind\":\"measured\"},"
		 "\"spinners\":{\"value\":%d,\"unit\":\"processes\",\"kind\":\"measured\"},"
		 "\"missed_vblanks\":{\"value\":%lld,\"unit\":\"vblanks\",\"kind\":\"measured\",\"by\":\"client: event sequence gaps\"},"
		 "\"event_read_late_mean\":{\"value\":%.3f,\"unit\":\"ms\",\"kind\":\"measured\",\"by\":\"client: event read minus event time\"},"
		 "\"event_read_late_max\":{\"value\":%.3f,\"unit\":\"ms\",\"kind\":\"measured\",\"by\":\"client\"},"
		 "\"grid_error_max\":{\"value\":%lld,\"unit\":\"ns\",\"kind\":\"measured\",\"by\":\"client: event times against the mode's period\"},"
		 "\"timer_late_mean\":{\"value\":%.3f,\"unit\":\"ms\",\"kind\":\"driver\",\"by\":\"debugfs vblank, during the flips\"},"
		 "\"timer_late_max\":{\"value\":%.3f,\"unit\":\"ms\",\"kind\":\"driver\",\"by\":\"debugfs vblank, whole boot\"},"
		 "\"timer_late_1ms\":{\"value\":%lld,\"unit\":\"interrupts\",\"kind\":\"driver\",\"by\":\"debugfs vblank, during the flips\"},"
		 "\"timer_overruns\":{\"value\":%lld,\"unit\":\"vblanks\",\"kind\":\"driver\",\"by\":\"debugfs vblank, during the flips\"}}}",
		 name, n, spinners, missed, n ? lat_sum / 1e6 / n : 0.0, lat_max / 1e6,
		 worst_grid_ns,
		 t1.fires > t0.fires ?
		 (double)(t1.late_mean_ns * t1.fires - t0.late_mean_ns * t0.fires) /
		 (double)(t1.fires - t0.fires) / 1e6 : 0.0,
		 t1.late_max_ns / 1e6,
		 t1.late_1ms - t0.late_1ms, t1.overruns - t0.overruns);
	wcfb_bench(json);
	printf("# timer: %lld interrupts, %lld of them 1 ms or more late, %lld vblanks overrun\n",
	       t1.fires - t0.fires, t1.late_1ms - t0.late_1ms,
	       t1.overruns - t0.overruns);

	wcfb_disable(p);
	wcfb_buf_destroy(p, &b[0]);
	wcfb_buf_destroy(p, &b[1]);
	return 0;
}

int main(int argc, char **argv)
{
	struct wcfb_pipe p;
	int ret;

	if (argc != 5 || strcmp(argv[1], "underload")) {
		fprintf(stderr, "usage: wcfb-vblanktest underload NAME FLIPS SPINNERS\n");
		return 2;
	}
	ret = wcfb_open_pipe(&p);
	if (ret) {
		fprintf(stderr, "cannot open the wcfb pipe: %s\n", strerror(-ret));
		return 1;
	}
	underload(&p, argv[2], atoi(argv[3]), atoi(argv[4]));
	wcfb_close_pipe(&p);
	printf("# %d failure(s)\n", wcfb_failures);
	if (only_early && wcfb_failures == 1)
		return 3;
	return wcfb_failures ? 1 : 0;
}
