/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wcfb engine fault injection.
 *
 * Switches (also settable on the command line):
 *   fail-next N   the next N descriptors complete with status INJECTED
 *                 without touching memory
 *   corrupt-next N  each of the next N pixel-writing descriptors (FILL,
 *                 COPY, BLEND, CONVERT, COLOR with a non-empty rect)
 *                 completes OK with one wrong pixel: the rect's centre
 *                 pixel gets bit 0 of its lowest byte flipped (silent
 *                 corruption, for the negative controls of screenshot
 *                 tests)
 *   delay N       every doorbell is acted on N ms late (0 = off)
 *   hang          stop completing: doorbells are ignored, except that a
 *                 CTRL.RESET still resets the engine (and clears the hang),
 *                 which is how a driver's timeout recovery is exercised
 *   resume        clear hang and process whatever is pending
 *   stats         print the statistics report
 *
 * The control socket speaks one command per line; every command gets one
 * or more lines back, the last being "ok" or "err <why>".
 */
#include "faults.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

bool faults_take_fail(FaultInject *fi)
{
	if (!fi->fail_next)
		return false;
	fi->fail_next--;
	return true;
}

bool faults_take_corrupt(FaultInject *fi)
{
	if (!fi->corrupt_next)
		return false;
	fi->corrupt_next--;
	return true;
}

int control_init(ControlServer *cs, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int i;

	cs->listen_fd = -1;
	cs->path = NULL;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		cs->client[i] = -1;
	if (!path)
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);   /* stale socket of a previous run */
	cs->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cs->listen_fd < 0)
		return -errno;
	if (bind(cs->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(cs->listen_fd, CONTROL_MAX_CLIENTS) < 0) {
		int e = -errno;

		close(cs->listen_fd);
		cs->listen_fd = -1;
		return e;
	}
	cs->path = path;
	return 0;
}

static void client_close(ControlServer *cs, int idx)
{
	close(cs->client[idx]);
	cs->client[idx] = -1;
	cs->len[idx] = 0;
}

void control_cleanup(ControlServer *cs)
{
	int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (cs->client[i] >= 0)
			client_close(cs, i);
	if (cs->listen_fd >= 0) {
		close(cs->listen_fd);
		unlink(cs->path);
	}
	cs->listen_fd = -1;
}

void control_accept(ControlServer *cs)
{
	int fd = accept4(cs->listen_fd, NULL, NULL, SOCK_CLOEXEC), i;

	if (fd < 0)
		return;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		if (cs->client[i] < 0) {
			cs->client[i] = fd;
			cs->len[i] = 0;
			return;
		}
	}
	dprintf(fd, "err too many control clients\n");
	close(fd);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || *s == '-' ? -1 : 0;
}

static unsigned run_command(int fd, char *line, FaultInject *fi,
			    ControlStatsFn stats_fn, void *opaque)
{
	char *save = NULL, *cmd = strtok_r(line, " \t\r", &save);
	char *arg = strtok_r(NULL, " \t\r", &save);
	uint64_t v;

	if (!cmd)
		return 0;
	if (!strcmp(cmd, "fail-next")) {
		if (parse_u64(arg, &v))
			goto bad;
		fi->fail_next = v;
	} else if (!strcmp(cmd, "corrupt-next")) {
		if (parse_u64(arg, &v))
			goto bad;
		fi->corrupt_next = v;
	} else if (!strcmp(cmd, "delay") || !strcmp(cmd, "delay-ms")) {
		if (parse_u64(arg, &v) || v > 60000)
			goto bad;
		fi->delay_ms = (uint32_t)v;
	} else if (!strcmp(cmd, "hang")) {
		fi->hang = true;
	} else if (!strcmp(cmd, "resume")) {
		fi->hang = false;
		dprintf(fd, "ok\n");
		return CONTROL_KICK;
	} else if (!strcmp(cmd, "stats")) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		if (m) {
			stats_fn(opaque, m);
			fclose(m);
			if (write(fd, buf, len) < 0) {
				/* peer went away; noticed on next read */
			}
			free(buf);
		}
	} else if (!strcmp(cmd, "help")) {
		dprintf(fd, "commands: fail-next N | corrupt-next N | delay MS |"
			" hang | resume | stats | help\n");
	} else {
		dprintf(fd, "err unknown command '%s'\n", cmd);
		return 0;
	}
	dprintf(fd, "ok\n");
	return 0;
bad:
	dprintf(fd, "err bad argument\n");
	return 0;
}

unsigned control_client_ready(ControlServer *cs, int idx, FaultInject *fi,
			      ControlStatsFn stats_fn, void *opaque)
{
	char *buf = cs->line[idx], *nl;
	unsigned ret = 0;
	ssize_t n;

	n = read(cs->client[idx], buf + cs->len[idx],
		 CONTROL_LINE_MAX - 1 - cs->len[idx]);
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return 0;
		client_close(cs, idx);
		return 0;
	}
	cs->len[idx] += (size_t)n;
	buf[cs->len[idx]] = '\0';
	while ((nl = strchr(buf, '\n'))) {
		size_t used = (size_t)(nl - buf) + 1;

		*nl = '\0';
		ret |= run_command(cs->client[idx], buf, fi, stats_fn, opaque);
		memmove(buf, buf + used, cs->len[idx] - used + 1);
		cs->len[idx] -= used;
	}
	if (cs->len[idx] == CONTROL_LINE_MAX - 1) {
		/* a line that does not fit: refuse rather than truncate */
		dprintf(cs->client[idx], "err line too long\n");
		client_close(cs, idx);
	}
	return ret;
}
