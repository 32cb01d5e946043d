// SPDX-License-Identifier: MIT
/*
 * wcfb-permtest: permissions and address leaks (issue #7, "Permissions").
 *
 *   wcfb-permtest selfcheck   negative controls: the scanners flag planted
 *                             kernel pointers and pool addresses, real ones
 *                             read as root (the module's .text address, the
 *                             debugfs pool), and a planted leaking and a
 *                             world-writable file walked as uid 65534
 *   wcfb-permtest handles     other open files (the render node; an
 *                             unprivileged primary-node client) cannot use
 *                             client A's GEM or syncobj handles, FLINK
 *                             names or framebuffers, and cannot modeset while
 *                             A is master; A's buffers are untouched and
 *                             still work
 *   wcfb-permtest ioctls      every wcfb ioctl and the generic DRM ones the
 *                             driver implements (not the timeline syncobj
 *                             ones: no DRIVER_SYNCOBJ_TIMELINE), with valid
 *                             arguments, on card0 and renderD128, plus
 *                             events, sync_file info, fbdev and fdinfo: no
 *                             output holds a kernel pointer or a physical /
 *                             DMA address; new buffers are zeroed
 *   wcfb-permtest files       as uid 65534: wcfb's sysfs, /dev/dri, debugfs
 *                             and the kernel log: nothing readable leaks an
 *                             address, nothing is writable, debugfs is closed
 *
 * Runs as root: it reads the real addresses (System RAM from /proc/iomem,
 * the pool and every buffer's DMA address from debugfs) first, and drops
 * to uid/gid 65534 where a check is about an unprivileged user.
 *
 * The word scanner reads a buffer as little-endian 64-bit words at every
 * 4-byte offset (so a u64 split over two u32 fields is seen too) and flags
 * a kernel virtual address (see KPTR_LO/KPTR_HI) or a value inside System
 * RAM, the display pool or a buffer.  Fields that legitimately hold such
 * numbers are checked for what they must be and zeroed first: DRM fake
 * mmap offsets (must lie in DRM_FILE_PAGE_OFFSET_START's range), user
 * pointers we passed in (must come back unchanged), our own event
 * user_data, monotonic timestamps (must lie between two clock readings),
 * a range property's limits (INT_MAX ...) and strings (scanned as text).
 * The text scanner flags hex numbers (0x..., 16 digits, or 8+ digits with
 * a letter) that are kernel pointers or in those ranges, and decimal
 * numbers that are pool or buffer addresses.
 *
 * Prints "ok - ..." / "not ok - ..." lines; exits non-zero on failure.
 *
 * The files: main.c (this), permtest.h (what they share), common.c,
 * scan.c (the addresses and the scanners), record.c (ioctl outputs),
 * walk.c (the file walker), atomic.c (hand-built atomic requests), and
 * one file per subcommand: selfcheck.c, handles.c, ioctls.c (with
 * ioctls_kms.c), files.c.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "permtest.h"

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int ret = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		fprintf(stderr, "wcfb-permtest: must run as root\n");
		return 1;
	}
	/* The buffers' ioctl outputs are recorded too (ioctls). */
	wcfb_buf_trace = record_buf;
	if (!strcmp(cmd, "selfcheck"))
		ret = cmd_selfcheck();
	else if (!strcmp(cmd, "handles"))
		ret = cmd_handles();
	else if (!strcmp(cmd, "ioctls"))
		ret = cmd_ioctls();
	else if (!strcmp(cmd, "files"))
		ret = cmd_files();
	else
		fprintf(stderr, "usage: wcfb-permtest selfcheck|handles|ioctls|files\n");
	return ret ? ret : wcfb_failures ? 1 : 0;
}
