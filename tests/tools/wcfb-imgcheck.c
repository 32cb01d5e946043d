// SPDX-License-Identifier: MIT
/*
 * wcfb-imgcheck: checks a QEMU screendump (PNG) against what a guest test
 * says should be on screen.  Used by the harness for every SHOT request.
 *
 *   wcfb-imgcheck pattern SEED W H     --capture C --outdir D --name N
 *   wcfb-imgcheck solid RRGGBB W H     ...
 *   wcfb-imgcheck glyphs CW CH ROW COL TEXT ...
 *   wcfb-imgcheck golden FILE [MAXDIFF SHARE]  ...
 *   wcfb-imgcheck distinct MIN         ...
 *   wcfb-imgcheck dominant RRGGBB SHARE ...
 *   wcfb-imgcheck rgbhash HEX          ...
 *   wcfb-imgcheck crc32 HEX            ...
 *
 * pattern/solid/golden compare pixel-exactly (golden: a channel may differ
 * by up to MAXDIFF on at most SHARE of the pixels).  On a mismatch the
 * expected image and a diff image (differing pixels red over a dimmed
 * capture) are written next to the capture.  glyphs checks that every
 * non-'_' character cell of TEXT at text cell (ROW, COL) holds some pixel
 * other than the background and that '_' cells hold none ('_' stands for a
 * space: the protocol splits words on spaces).
 *
 * distinct: the screen holds at least MIN different colours (a rendered 3D
 * scene does; the console's two colours do not).  dominant: at least SHARE
 * (0..1) of the pixels are RRGGBB (a compositor's background).
 *
 * rgbhash: FNV-1a 64 over the capture's RGB rows (width * 3 bytes per
 * row, R G B, top to bottom) equals HEX; the hash userspace/wcfb-
 * screenshot.c prints for the PNG it wrote in the guest, so the two
 * captures are compared pixel-exactly without moving files.
 *
 * crc32: zlib's CRC-32 (reflected polynomial 0xEDB88320, initial value
 * and final XOR 0xFFFFFFFF) over the same RGB rows equals HEX: what the
 * driver's debugfs CRC (crtc-0/crc/data) reports for the frame.
 *
 * golden FILE is read relative to the working directory; with --update
 * a missing or different golden is replaced by the capture.  Only the
 * harness's --update-golden (`make golden`) passes it: nothing in the
 * environment can make a test run rewrite a golden.
 *
 * Exit 0 when the check passes, 1 when it fails, 2 on usage or I/O errors.
 * PNG reading and writing is libpng's.
 */
#include <errno.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/wcfb_pattern.h"
#include "../../userspace/wcfb_rgbhash.h"

struct img {
	uint32_t w, h;
	uint32_t *px; /* 0x00RRGGBB */
};

static int img_alloc(struct img *im, uint32_t w, uint32_t h)
{
	im->w = w;
	im->h = h;
	im->px = calloc((size_t)w * h, sizeof(uint32_t));
	return im->px ? 0 : -ENOMEM;
}

static int png_load(const char *path, struct img *im)
{
	png_image pi;
	uint8_t *buf;
	size_t i;

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&pi, path)) {
		fprintf(stderr, "%s: %s\n", path, pi.message);
		return -1;
	}
	pi.format = PNG_FORMAT_RGB;
	buf = malloc(PNG_IMAGE_SIZE(pi));
	if (!buf || img_alloc(im, pi.width, pi.height) ||
	    !png_image_finish_read(&pi, NULL, buf, 0, NULL)) {
		fprintf(stderr, "%s: cannot decode: %s\n", path, pi.message);
		free(buf);
		return -1;
	}
	for (i = 0; i < (size_t)im->w * im->h; i++)
		im->px[i] = buf[3 * i] << 16 | buf[3 * i + 1] << 8 | buf[3 * i + 2];
	free(buf);
	return 0;
}

static int png_save(const char *path, const struct img *im)
{
	png_image pi;
	uint8_t *buf;
	size_t i;
	int ok;

	buf = malloc((size_t)im->w * im->h * 3);
	if (!buf)
		return -1;
	for (i = 0; i < (size_t)im->w * im->h; i++) {
		buf[3 * i] = im->px[i] >> 16;
		buf[3 * i + 1] = im->px[i] >> 8;
		buf[3 * i + 2] = im->px[i];
	}
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = im->w;
	pi.height = im->h;
	pi.format = PNG_FORMAT_RGB;
	ok = png_image_write_to_file(&pi, path, 0, buf, 0, NULL);
	free(buf);
	return ok ? 0 : -1;
}

static const char *outdir = ".", *name = "capture";

static void save_side_by_side(const struct img *cap, const struct img *exp)
{
	struct img diff;
	char path[4096];
	uint32_t x, y;

	snprintf(path, sizeof(path), "%s/%s.expected.png", outdir, name);
	png_save(path, exp);
	if (cap->w != exp->w || cap->h != exp->h)
		return;
	if (img_alloc(&diff, cap->w, cap->h))
		return;
	for (y = 0; y < cap->h; y++)
		for (x = 0; x < cap->w; x++) {
			size_t i = (size_t)y * cap->w + x;
			uint32_t g = ((cap->px[i] >> 16 & 0xff) + (cap->px[i] >> 8 & 0xff) +
				      (cap->px[i] & 0xff)) / 12;

			diff.px[i] = cap->px[i] == exp->px[i] ?
				     (g << 16 | g << 8 | g) : 0xff0000;
		}
	snprintf(path, sizeof(path), "%s/%s.diff.png", outdir, name);
	png_save(path, &diff);
	free(diff.px);
}

/* Compare; a channel may differ by maxdiff on at most share of pixels. */
static int compare(const struct img *cap, const struct img *exp,
		   int maxdiff, double share)
{
	size_t n = 0, over = 0, i, first = (size_t)-1;

	if (cap->w != exp->w || cap->h != exp->h) {
		printf("size %ux%u, expected %ux%u\n", cap->w, cap->h, exp->w, exp->h);
		save_side_by_side(cap, exp);
		return 1;
	}
	for (i = 0; i < (size_t)cap->w * cap->h; i++) {
		int s;

		if (cap->px[i] == exp->px[i])
			continue;
		if (first == (size_t)-1)
			first = i;
		n++;
		for (s = 0; s <= 16; s += 8) {
			int d = (int)(cap->px[i] >> s & 0xff) - (int)(exp->px[i] >> s & 0xff);

			if (d > maxdiff || -d > maxdiff) {
				over++;
				break;
			}
		}
	}
	if (over == 0 && (double)n <= share * cap->w * cap->h) {
		printf("match (%zu pixels differ within tolerance)\n", n);
		return 0;
	}
	printf("%zu of %zu pixels differ (%zu beyond %d); first at (%zu,%zu): "
	       "got %06x want %06x\n", n, (size_t)cap->w * cap->h, over, maxdiff,
	       first % cap->w, first / cap->w, cap->px[first], exp->px[first]);
	save_side_by_side(cap, exp);
	return 1;
}

static int check_glyphs(const struct img *cap, int cw, int ch, int row,
			int col, const char *text)
{
	uint32_t bg = cap->px[0];
	int i, x, y, bad = 0;

	for (i = 0; text[i]; i++) {
		int x0 = (col + i) * cw, y0 = row * ch, ink = 0;

		if (x0 + cw > (int)cap->w || y0 + ch > (int)cap->h) {
			printf("cell %d,%d is off screen (%ux%u)\n", row, col + i,
			       cap->w, cap->h);
			return 1;
		}
		for (y = y0; y < y0 + ch; y++)
			for (x = x0; x < x0 + cw; x++)
				ink += cap->px[(size_t)y * cap->w + x] != bg;
		if ((text[i] == '_') != (ink == 0)) {
			printf("cell %d,%d ('%c'): %d ink pixels\n", row, col + i,
			       text[i], ink);
			bad++;
		}
	}
	if (!bad)
		printf("glyphs match\n");
	return bad ? 1 : 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int check_distinct(const struct img *cap, uint32_t min)
{
	size_t n = (size_t)cap->w * cap->h, i, distinct = 0;
	uint32_t *sorted = malloc(n * sizeof(*sorted));

	if (!sorted)
		return 2;
	memcpy(sorted, cap->px, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_u32);
	for (i = 0; i < n; i++)
		distinct += i == 0 || sorted[i] != sorted[i - 1];
	free(sorted);
	printf("%zu distinct colours (want >= %u)\n", distinct, min);
	return distinct >= min ? 0 : 1;
}

static int check_dominant(const struct img *cap, uint32_t rgb, double share)
{
	size_t n = (size_t)cap->w * cap->h, i, hits = 0;

	for (i = 0; i < n; i++)
		hits += cap->px[i] == rgb;
	printf("%.1f%% of pixels are %06x (want >= %.1f%%)\n",
	       100.0 * hits / n, rgb, 100.0 * share);
	return hits >= share * n ? 0 : 1;
}

/* --update: refresh goldens from the capture (make golden). */
static int update_golden;

static int check_golden(const struct img *cap, const char *golden,
			const char *capture, int maxdiff, double share)
{
	struct img exp;
	int ret;

	if (png_load(golden, &exp)) {
		if (update_golden)
			goto refresh;
		printf("no golden image %s (make golden creates it)\n", golden);
		return 1;
	}
	ret = compare(cap, &exp, maxdiff, share);
	if (ret == 0 || !update_golden)
		return ret;
refresh:
	if (png_save(golden, cap)) {
		printf("cannot write %s\n", golden);
		return 2;
	}
	printf("golden %s refreshed from %s\n", golden, capture);
	return 0;
}

static int check_rgbhash(const struct img *cap, const char *hex)
{
	uint64_t h = WCFB_RGBHASH_INIT, want;
	size_t i;
	int s;
	char *end;

	want = strtoull(hex, &end, 16);
	if (!*hex || *end) {
		fprintf(stderr, "bad hash '%s'\n", hex);
		return 2;
	}
	for (i = 0; i < (size_t)cap->w * cap->h; i++)
		for (s = 16; s >= 0; s -= 8)
			h = wcfb_rgbhash_byte(h, cap->px[i] >> s & 0xff);
	printf("rgbhash %016llx over %ux%u, want %016llx\n",
	       (unsigned long long)h, cap->w, cap->h, (unsigned long long)want);
	return h == want ? 0 : 1;
}

static int check_crc32(const struct img *cap, const char *hex)
{
	uint32_t table[256], crc = 0xffffffff, want, k;
	size_t i;
	int s, j;
	char *end;

	want = strtoul(hex, &end, 16);
	if (!*hex || *end || strlen(hex) > 8) {
		fprintf(stderr, "bad CRC '%s'\n", hex);
		return 2;
	}
	for (k = 0; k < 256; k++) {
		uint32_t c = k;

		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (c & 1 ? 0xedb88320 : 0);
		table[k] = c;
	}
	for (i = 0; i < (size_t)cap->w * cap->h; i++)
		for (s = 16; s >= 0; s -= 8)
			crc = table[(crc ^ (cap->px[i] >> s)) & 0xff] ^ (crc >> 8);
	crc ^= 0xffffffff;
	printf("crc32 %08x over %ux%u, want %08x\n", crc, cap->w, cap->h, want);
	return crc == want ? 0 : 1;
}

static uint32_t arg_u32(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || v > UINT32_MAX) {
		fprintf(stderr, "bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *capture = NULL, *pos[8];
	struct img cap, exp;
	int npos = 0, i;
	uint32_t x, y;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--capture") && i + 1 < argc)
			capture = argv[++i];
		else if (!strcmp(argv[i], "--outdir") && i + 1 < argc)
			outdir = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--update"))
			update_golden = 1;
		else if (npos < 8)
			pos[npos++] = argv[i];
	}
	if (!capture || npos < 1) {
		fprintf(stderr, "usage: see the comment at the top of %s\n", __FILE__);
		return 2;
	}
	if (png_load(capture, &cap))
		return 2;

	if (!strcmp(pos[0], "pattern") && npos == 4) {
		uint32_t seed = arg_u32(pos[1]);

		if (img_alloc(&exp, arg_u32(pos[2]), arg_u32(pos[3])))
			return 2;
		for (y = 0; y < exp.h; y++)
			for (x = 0; x < exp.w; x++)
				exp.px[(size_t)y * exp.w + x] = wcfb_pattern_rgb(seed, x, y);
		return compare(&cap, &exp, 0, 0);
	}
	if (!strcmp(pos[0], "solid") && npos == 4) {
		uint32_t rgb = strtoul(pos[1], NULL, 16);
		size_t k;

		if (img_alloc(&exp, arg_u32(pos[2]), arg_u32(pos[3])))
			return 2;
		for (k = 0; k < (size_t)exp.w * exp.h; k++)
			exp.px[k] = rgb;
		return compare(&cap, &exp, 0, 0);
	}
	if (!strcmp(pos[0], "glyphs") && npos == 6)
		return check_glyphs(&cap, arg_u32(pos[1]), arg_u32(pos[2]),
				    arg_u32(pos[3]), arg_u32(pos[4]), pos[5]);
	if (!strcmp(pos[0], "golden") && (npos == 2 || npos == 4))
		return check_golden(&cap, pos[1], capture,
				    npos == 4 ? (int)arg_u32(pos[2]) : 0,
				    npos == 4 ? atof(pos[3]) : 0);
	if (!strcmp(pos[0], "distinct") && npos == 2)
		return check_distinct(&cap, arg_u32(pos[1]));
	if (!strcmp(pos[0], "dominant") && npos == 3)
		return check_dominant(&cap, strtoul(pos[1], NULL, 16), atof(pos[2]));
	if (!strcmp(pos[0], "rgbhash") && npos == 2)
		return check_rgbhash(&cap, pos[1]);
	if (!strcmp(pos[0], "crc32") && npos == 2)
		return check_crc32(&cap, pos[1]);
	fprintf(stderr, "unknown check '%s' or wrong argument count\n", pos[0]);
	return 2;
}
