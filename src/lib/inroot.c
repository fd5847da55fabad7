/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/sys.h"

int inroot_open(int rootfd, const char *path, int extra_flags)
{
	return sys_openat2(rootfd, path, (uint64_t)(O_PATH | O_CLOEXEC | extra_flags), 0,
			   INROOT_RESOLVE);
}

#define MAX_LINKS 40

/*
 * Walk path the way the kernel would, with symlinks read one at a time, and
 * track the depth below the root.  Components are processed from a work
 * buffer holding "<unprocessed rest>", and the resolved prefix is kept as a
 * string so each lookup is a single RESOLVE_IN_ROOT open of an existing path.
 */
int inroot_check_escape(int rootfd, const char *path, struct moat_err *err)
{
	char rest[PATH_MAX * 2], done[PATH_MAX], target[PATH_MAX];
	int links = 0;

	/* Fast path: RESOLVE_BENEATH fails with EXDEV only when a symlink is
	 * absolute or climbs out; everything else needs no walk. */
	int fd = sys_openat2(rootfd, path, O_PATH | O_CLOEXEC, 0, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (fd != -EXDEV)
		return 0; /* ENOENT etc.: the real open reports it */

	if (strlen(path) >= sizeof(rest))
		return moat_err_setx(err, ENAMETOOLONG, "%s: path too long", path);
	strcpy(rest, path);
	done[0] = '\0';
	char *p = rest;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(done, '/');
			if (!slash)
				return moat_err_setx(err, EXDEV,
						     "a symlink on the way leads outside the rootfs");
			*slash = '\0';
			p = end;
			continue;
		}
		size_t dl = strlen(done);
		if (dl + 1 + n >= sizeof(done))
			return moat_err_setx(err, ENAMETOOLONG, "%s: path too long", path);
		done[dl] = '/';
		memcpy(done + dl + 1, p, n);
		done[dl + 1 + n] = '\0';
		p = end;

		fd = inroot_open(rootfd, done, O_NOFOLLOW);
		if (fd < 0)
			return 0; /* does not exist yet: nothing below it can be a link */
		ssize_t tl = readlinkat(fd, "", target, sizeof(target) - 1);
		close(fd);
		if (tl < 0)
			continue; /* not a symlink */
		if (++links > MAX_LINKS)
			return moat_err_setx(err, ELOOP, "%s: too many levels of symbolic links", path);
		target[tl] = '\0';
		done[dl] = '\0'; /* the link's directory */
		if (target[0] == '/')
			done[0] = '\0';
		/* new rest = target + "/" + old rest */
		size_t rl = strlen(p);
		if ((size_t)tl + 1 + rl >= sizeof(rest))
			return moat_err_setx(err, ENAMETOOLONG, "%s: path too long", path);
		memmove(rest + tl + 1, p, rl + 1);
		memcpy(rest, target, (size_t)tl);
		rest[tl] = '/';
		p = rest;
	}
	return 0;
}

static int mkpath_last(int parentfd, const char *name, enum inroot_kind kind)
{
	if (kind == INROOT_DIR) {
		if (mkdirat(parentfd, name, 0755) < 0 && errno != EEXIST)
			return -errno;
		return 0;
	}
	/* O_NOFOLLOW|O_EXCL: never create through a dangling symlink */
	int fd = openat(parentfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	close(fd);
	return 0;
}

int inroot_mkpath(int rootfd, const char *path, enum inroot_kind kind, struct moat_err *err)
{
	char buf[PATH_MAX];

	int fd = inroot_open(rootfd, path, 0);
	if (fd >= 0 || fd != -ENOENT) {
		if (fd < 0)
			return moat_err_set(err, -fd, "open %s in rootfs", path);
		return fd;
	}
	if (strlen(path) >= sizeof(buf))
		return moat_err_setx(err, ENAMETOOLONG, "%s: path too long", path);
	strcpy(buf, path);

	/* Create each missing component: the parent is re-opened in the root
	 * and the new name is a single component, so mkdirat/openat cannot be
	 * redirected by a symlink (they do not follow a final symlink). */
	char *p = buf;
	while (*p == '/')
		p++;
	while (*p) {
		char *end = strchrnul(p, '/');
		bool last = *end == '\0';
		char saved = *end;
		*end = '\0';
		fd = inroot_open(rootfd, buf, 0);
		if (fd == -ENOENT) {
			char *slash = strrchr(buf, '/');
			*slash = '\0';
			int parent = inroot_open(rootfd, slash == buf ? "/" : buf, O_DIRECTORY);
			*slash = '/';
			if (parent < 0) {
				*end = saved;
				return moat_err_set(err, -parent, "open parent of %s in rootfs", buf);
			}
			int r = mkpath_last(parent, slash + 1, last ? kind : INROOT_DIR);
			close(parent);
			if (r < 0) {
				moat_err_set(err, -r, "create %s in rootfs", buf);
				*end = saved;
				return r;
			}
			fd = inroot_open(rootfd, buf, 0);
		}
		if (fd < 0) {
			moat_err_set(err, -fd, "open %s in rootfs", buf);
			*end = saved;
			return fd;
		}
		if (last)
			return fd;
		close(fd);
		*end = saved;
		p = end + 1;
		while (*p == '/')
			p++;
	}
	return inroot_open(rootfd, "/", 0);
}
