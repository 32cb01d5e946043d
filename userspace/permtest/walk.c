// SPDX-License-Identifier: MIT
/* wcfb-permtest: the file walker: who may write, and what a
 * readable file shows (see main.c). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "permtest.h"

/* --- file walker ---------------------------------------------------------- */
static struct {
	dev_t dev;
	ino_t ino;
} seen[4096];
static int nseen;

static int visited(const struct stat *sb)
{
	int i;

	for (i = 0; i < nseen; i++)
		if (seen[i].dev == sb->st_dev && seen[i].ino == sb->st_ino)
			return 1;
	if (nseen < (int)(sizeof(seen) / sizeof(seen[0]))) {
		seen[nseen].dev = sb->st_dev;
		seen[nseen].ino = sb->st_ino;
		nseen++;
	}
	return 0;
}

/*
 * One regular file: who may write it, and if it can be read, its contents
 * (text scanner; binary contents also through the word scanner).  UNPRIV:
 * we are uid 65534 and write access is a failure.
 */
void check_file(const char *path, const struct stat *sb, int unpriv,
		struct walk_stats *w)
{
	static char buf[FILE_MAX];
	ssize_t n;
	int h;

	w->files++;
	if (sb->st_mode & S_IWOTH) {
		w->world_writable++;
		printf("# %s: world-writable (mode %04o)\n", path, sb->st_mode & 07777);
	}
	if (unpriv && access(path, W_OK) == 0) {
		w->writable++;
		printf("# %s: writable by uid %d\n", path, (int)geteuid());
	}
	n = read_file(path, buf, sizeof(buf));
	if (n == -EACCES || n == -EPERM) {
		w->unreadable++;
		return;
	}
	if (n < 0) {	/* sysfs: attributes that cannot be read now */
		w->read_errors++;
		return;
	}
	w->readable++;
	w->bytes += n;
	h = scan_text(path, buf, n);
	if (is_binary(buf, n))
		h += scan_words(path, buf, n, 0);
	w->hits += h;
}

/*
 * Walk PATH DEPTH directory levels down.  Symbolic links are followed only
 * for a directory's entries when FOLLOW is set (/sys/class/drm, a driver's
 * device links) and for a "device" link; each directory is read once.
 */
void walk(const char *path, int depth, int follow, int unpriv,
	  struct walk_stats *w)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if (stat(path, &sb))
		return;
	if (S_ISREG(sb.st_mode)) {
		check_file(path, &sb, unpriv, w);
		return;
	}
	if (!S_ISDIR(sb.st_mode) || visited(&sb))
		return;
	w->dirs++;
	d = opendir(path);
	if (!d) {
		w->dirs_closed++;
		return;
	}
	while ((de = readdir(d))) {
		char child[PATH_MAX];
		struct stat lsb;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		if (lstat(child, &lsb))
			continue;
		if (S_ISLNK(lsb.st_mode) && !follow && strcmp(de->d_name, "device"))
			continue;
		if (stat(child, &lsb))
			continue;
		if (S_ISREG(lsb.st_mode))
			check_file(child, &lsb, unpriv, w);
		else if (S_ISDIR(lsb.st_mode) && depth > 0)
			walk(child, depth - 1, 0, unpriv, w);
	}
	closedir(d);
}
