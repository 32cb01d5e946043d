// SPDX-License-Identifier: GPL-2.0
/*
 * wcfb-pointer: an absolute pointer for compositors in the guest, made
 * with uinput (the guest has no mouse), driven from stdin.
 *
 *   wcfb-pointer W H < COMMANDS
 *
 * The device ("wcfb-pointer") reports ABS_X in 0..W-1 and ABS_Y in
 * 0..H-1 with a left button, as QEMU's USB tablet does: udev calls it an
 * absolute mouse (ID_INPUT_MOUSE), and libinput maps it onto the whole
 * output.  Once it exists the program prints "ready /dev/input/eventN".
 * Commands, one per line:
 *   move X Y    the pointer to (X, Y)
 *   quit        remove the device and exit (as does end of input)
 * Each command is answered "ok" or "error: ...", after its events are
 * written.  Exit 0, or 1 with a line saying what went wrong.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/uinput.h>

static int emit(int fd, unsigned short type, unsigned short code, int value)
{
	struct input_event ev = { .type = type, .code = code, .value = value };

	return write(fd, &ev, sizeof(ev)) == sizeof(ev) ? 0 : -1;
}

/* The event node of the uinput device, from its sysfs name. */
static int event_node(int fd, char *buf, size_t len)
{
	char sys[64], path[160];
	struct dirent *de;
	DIR *d;

	if (ioctl(fd, UI_GET_SYSNAME(sizeof(sys)), sys) < 0)
		return -1;
	snprintf(path, sizeof(path), "/sys/devices/virtual/input/%s", sys);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "event", 5)) {
			snprintf(buf, len, "/dev/input/%s", de->d_name);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -1;
}

int main(int argc, char **argv)
{
	struct uinput_abs_setup abs = { 0 };
	struct uinput_setup setup = { 0 };
	char line[128], node[300];
	int fd, w, h, x, y;

	if (argc != 3 || (w = atoi(argv[1])) < 1 || (h = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: wcfb-pointer W H < COMMANDS\n");
		return 2;
	}
	fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("error: /dev/uinput: %s (is uinput loaded?)\n", strerror(errno));
		return 1;
	}
	if (ioctl(fd, UI_SET_EVBIT, EV_KEY) || ioctl(fd, UI_SET_KEYBIT, BTN_LEFT) ||
	    ioctl(fd, UI_SET_EVBIT, EV_ABS) || ioctl(fd, UI_SET_ABSBIT, ABS_X) ||
	    ioctl(fd, UI_SET_ABSBIT, ABS_Y) || ioctl(fd, UI_SET_EVBIT, EV_SYN)) {
		printf("error: uinput setup: %s\n", strerror(errno));
		return 1;
	}
	abs.code = ABS_X;
	abs.absinfo.maximum = w - 1;
	if (ioctl(fd, UI_ABS_SETUP, &abs))
		goto err;
	abs.code = ABS_Y;
	abs.absinfo.maximum = h - 1;
	if (ioctl(fd, UI_ABS_SETUP, &abs))
		goto err;
	snprintf(setup.name, sizeof(setup.name), "wcfb-pointer");
	setup.id.bustype = BUS_VIRTUAL;
	setup.id.vendor = 0x1af4;	/* as QEMU's virtio input devices */
	setup.id.product = 0x0001;
	if (ioctl(fd, UI_DEV_SETUP, &setup) || ioctl(fd, UI_DEV_CREATE))
		goto err;
	if (event_node(fd, node, sizeof(node))) {
		printf("error: no event node for the device\n");
		return 1;
	}
	printf("ready %s\n", node);
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "quit", 4))
			break;
		if (sscanf(line, "move %d %d", &x, &y) == 2 && x >= 0 && x < w &&
		    y >= 0 && y < h) {
			if (emit(fd, EV_ABS, ABS_X, x) || emit(fd, EV_ABS, ABS_Y, y) ||
			    emit(fd, EV_SYN, SYN_REPORT, 0)) {
				printf("error: write: %s\n", strerror(errno));
				return 1;
			}
			printf("ok\n");
		} else {
			printf("error: bad command: %s", line);
		}
		fflush(stdout);
	}
	ioctl(fd, UI_DEV_DESTROY);
	close(fd);
	return 0;
err:
	printf("error: uinput: %s\n", strerror(errno));
	return 1;
}
