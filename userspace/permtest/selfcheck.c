// SPDX-License-Identifier: MIT
/* wcfb-permtest: selfcheck, the negative controls: the scanners
 * and the file walker find what is planted for them (see main.c). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <drm_fourcc.h>

#include "permtest.h"

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t read_hex_file(const char *path)
{
	char buf[64];

	return read_file(path, buf, sizeof(buf)) > 0 ? strtoull(buf, NULL, 16) : 0;
}

int cmd_selfcheck(void)
{
	uint8_t clean[96], buf[96];
	uint64_t text_addr, obj = 0, ram;
	struct walk_stats w = { 0 }, wr = { 0 };
	struct wcfb_pipe p;
	struct wcfb_buf d;
	char dir[] = "/tmp/wcfb-permtest-plant.XXXXXX", path[PATH_MAX], txt[256];
	int pfd[2], status, i, h;
	pid_t pid;

	wcfb_ok(!wcfb_open_pipe(&p), "selfcheck: open card0");
	wcfb_ok(!wcfb_buf_dumb(p.fd, &d, 64, 64, 32, WCFB_MAP_DUMB), "selfcheck: a pool buffer exists");
	wcfb_ok(!collect_addrs(), "selfcheck: System RAM from /proc/iomem, pool from debugfs (%d ranges, %d addresses)",
		nranges, naddrs);
	for (i = 0; i < naddrs; i++)
		if (addrs[i] != pool_base)
			obj = addrs[i];
	ram = ram_lo + 0x123000;
	text_addr = read_hex_file("/sys/module/wcfb/sections/.text");
	wcfb_ok(text_addr >= KPTR_LO && text_addr < KPTR_HI,
		"selfcheck: wcfb's real .text address 0x%" PRIx64 " (root) lies in the kernel-pointer range", text_addr);

	/* Word scanner: legitimate values pass, each planted value is found,
	 * also at an offset that is not 8-byte aligned. */
	memset(clean, 0, sizeof(clean));
	put64(clean + 0, 1024 | (uint64_t)768 << 32);
	put64(clean + 8, 0xffffffff80000000ull);	/* INT_MIN, sign-extended */
	put64(clean + 16, ~0ull);			/* -1 */
	put64(clean + 24, 0x100000000ull);		/* a fake mmap offset */
	put64(clean + 32, DRM_FORMAT_XRGB8888 | (uint64_t)DRM_FORMAT_ARGB8888 << 32);
	put64(clean + 40, 0xfbfbfbfbull);		/* DRM_MODE_OBJECT_FB */
	put64(clean + 48, ram_lo - 1);
	wcfb_ok(!scan_words("clean", clean, sizeof(clean), 1), "selfcheck: legitimate values are not flagged");
	{
		static const char *const names[] = {
			"0xffff8000deadbeef at byte 60", "a pool buffer's DMA address at byte 68",
			"the pool base at byte 76", "a System RAM address at byte 84",
			"wcfb's .text address at byte 88 (last word)" };
		uint64_t vals[] = { 0xffff8000deadbeefull, obj, pool_base, ram, text_addr };
		size_t offs[] = { 60, 68, 76, 84, 88 };

		for (i = 0; i < 5; i++) {
			memcpy(buf, clean, sizeof(buf));
			put64(buf + offs[i], vals[i]);
			h = scan_words("planted", buf, sizeof(buf), 1);
			wcfb_ok(h >= 1 && vals[i], "selfcheck: word scanner finds %s (%d hit(s))",
				names[i], h);
		}
	}
	/* The ioctl path: a recorded output is scanned at the end. */
	recording = 1;
	memcpy(buf, clean, sizeof(buf));
	put64(buf + 20, obj);
	record("PLANTED", "", buf, sizeof(buf), REC_STRUCT);
	h = scan_records(0);
	wcfb_ok(h >= 1, "selfcheck: a recorded ioctl output with a DMA address is flagged");
	recording = 0;

	/* Text scanner. */
	snprintf(txt, sizeof(txt), "1024x768 60 XR24 card0-Virtual-1 0x34325258 "
		 "0000000012345678 00000000ffffffff size 67108864 c0ffee00 "
		 "vaddr=0000000048e4cbdc");
	wcfb_ok(!scan_text("clean", txt, strlen(txt)), "selfcheck: legitimate text is not flagged");
	{
		char t[6][64];

		snprintf(t[0], 64, "addr ffff8000deadbeef");
		snprintf(t[1], 64, "obj 0x%" PRIx64 " 4096", obj);
		snprintf(t[2], 64, "base %016" PRIx64, pool_base);
		snprintf(t[3], 64, "start=%" PRIu64, pool_base);
		snprintf(t[4], 64, "ram 0x%" PRIx64, ram);
		snprintf(t[5], 64, "%" PRIx64, pool_base + 0x1000);
		for (i = 0; i < 6; i++)
			wcfb_ok(scan_text("planted", t[i], strlen(t[i])) == 1,
				"selfcheck: text scanner finds \"%s\"", t[i]);
	}

	/* Real root-only files through the file checker: their addresses
	 * are found (these are what must stay closed to uid 65534). */
	{
		static const char *const real[] = {
			DEBUGFS "pool", DEBUGFS "scanout", DEBUGFS "framebuffer",
			"/sys/module/wcfb/sections/.text" };

		for (i = 0; i < 4; i++) {
			struct walk_stats one = { 0 };
			struct stat sb;

			if (stat(real[i], &sb)) {
				wcfb_ok(0, "selfcheck: %s: %s", real[i], strerror(errno));
				continue;
			}
			check_file(real[i], &sb, 0, &one);
			wcfb_ok(one.readable == 1 && one.hits >= 1,
				"selfcheck: as root, %s shows %lu address(es)", real[i], one.hits);
		}
	}

	/* A planted tree walked as uid 65534: the leaking files are found,
	 * the root-only one is unreadable, the world-writable one is flagged. */
	wcfb_ok(mkdtemp(dir) && !chmod(dir, 0755), "selfcheck: %s", dir);
	{
		static const struct { const char *name; mode_t mode; } f[] = {
			{ "leak-kptr", 0644 }, { "leak-pool", 0644 }, { "secret", 0600 },
			{ "writable", 0666 }, { "clean", 0444 }, { "leak-binary", 0444 } };

		for (i = 0; i < 6; i++) {
			FILE *fp;

			snprintf(path, sizeof(path), "%s/%s", dir, f[i].name);
			fp = fopen(path, "w");
			if (!fp)
				continue;
			if (i == 5) {	/* binary: a u64 at byte 4, then zeros */
				uint8_t bin[16] = { 0x7f, 'E', 'L', 'F' };

				put64(bin + 4, text_addr);
				fwrite(bin, 1, sizeof(bin), fp);
			} else if (i == 0 || i == 2)
				fprintf(fp, "ptr 0x%016" PRIx64 "\n", text_addr);
			else if (i == 1)
				fprintf(fp, "obj 0x%" PRIx64 "\n", obj);
			else
				fprintf(fp, "1024x768\n");
			fclose(fp);
			chmod(path, f[i].mode);
		}
	}
	fflush(stdout);
	if (pipe(pfd) == 0 && (pid = fork()) == 0) {
		close(pfd[0]);
		if (drop_privileges()) {
			printf("# cannot drop privileges\n");
			_exit(1);
		}
		walk(dir, 1, 0, 1, &w);
		if (write(pfd[1], &w, sizeof(w)) != sizeof(w))
			_exit(1);
		fflush(stdout);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &wr, sizeof(wr)) != sizeof(wr))
		memset(&wr, 0, sizeof(wr));
	close(pfd[0]);
	waitpid(-1, &status, 0);
	wcfb_ok(wr.files == 6 && wr.hits == 3 && wr.unreadable == 1 && wr.writable == 1 &&
		wr.world_writable == 1,
		"selfcheck: walked as uid 65534, the planted tree gives %lu files, %lu hits, %lu unreadable, %lu writable (want 6, 3, 1, 1)",
		wr.files, wr.hits, wr.unreadable, wr.writable);
	for (i = 0; i < 6; i++) {
		static const char *const n[] = { "leak-kptr", "leak-pool", "secret",
						 "writable", "clean", "leak-binary" };

		snprintf(path, sizeof(path), "%s/%s", dir, n[i]);
		unlink(path);
	}
	rmdir(dir);
	wcfb_buf_free(&d);
	wcfb_close_pipe(&p);
	return 0;
}
