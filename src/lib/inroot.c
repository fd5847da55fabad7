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

static int mkpath_last(int parentfd, const char *name, enum inroot_kind kind);

/*
 * The walk behind inroot_check_escape and inroot_mkpath: resolve path one
 * component at a time as the kernel would with the rootfs as "/", reading
 * symlinks ourselves.  `done` only ever holds components that exist and are
 * not symlinks, so each lookup is one RESOLVE_IN_ROOT open of a path without
 * links.  A ".." that would climb above the root is refused (clamping it is
 * safe, but an image never means it).  With create, a missing component is
 * made (a directory, or for the last one kind), including the target of a
 * dangling symlink, which then exists inside the rootfs as the container
 * would see it.  *ret_fd gets an O_PATH fd of the result when asked.
 */
static int walk(int rootfd, const char *path, bool create, enum inroot_kind kind, int *ret_fd,
		struct moat_err *err)
{
	char rest[PATH_MAX * 2], done[PATH_MAX], target[PATH_MAX];
	int links = 0, fd;

	if (strlen(path) >= sizeof(rest))
		return moat_err_setx(err, ENAMETOOLONG, "path too long");
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
		bool last = end[strspn(end, "/")] == '\0';
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
			return moat_err_setx(err, ENAMETOOLONG, "path too long");
		done[dl] = '/';
		memcpy(done + dl + 1, p, n);
		done[dl + 1 + n] = '\0';
		p = end;

		fd = inroot_open(rootfd, done, O_NOFOLLOW);
		if (fd == -ENOENT && create) {
			done[dl] = '\0';
			int parent = inroot_open(rootfd, dl ? done : "/", O_DIRECTORY);
			done[dl] = '/';
			if (parent < 0)
				return moat_err_set(err, -parent, "open %.*s in rootfs", (int)dl, done);
			/* a single name under a link-free parent: mkdirat and
			 * openat(O_CREAT|O_EXCL|O_NOFOLLOW) cannot be redirected */
			int r = mkpath_last(parent, done + dl + 1, last ? kind : INROOT_DIR);
			close(parent);
			if (r < 0)
				return moat_err_set(err, -r, "create %s in rootfs", done);
			fd = inroot_open(rootfd, done, O_NOFOLLOW);
		}
		if (fd == -ENOENT && !create)
			return 0; /* nothing below a missing component can be a link */
		if (fd < 0)
			return moat_err_set(err, -fd, "open %s in rootfs", done);
		ssize_t tl = readlinkat(fd, "", target, sizeof(target) - 1);
		if (tl < 0) {
			if (last && ret_fd) {
				*ret_fd = fd;
				return 0;
			}
			close(fd);
			continue; /* not a symlink */
		}
		close(fd);
		if (++links > MAX_LINKS)
			return moat_err_setx(err, ELOOP, "too many levels of symbolic links");
		target[tl] = '\0';
		done[dl] = '\0'; /* resolve the target from the link's directory */
		if (target[0] == '/')
			done[0] = '\0';
		size_t rl = strlen(p);
		if ((size_t)tl + 1 + rl >= sizeof(rest))
			return moat_err_setx(err, ENAMETOOLONG, "path too long");
		memmove(rest + tl + 1, p, rl + 1);
		memcpy(rest, target, (size_t)tl);
		rest[tl] = '/';
		p = rest;
	}
	if (ret_fd) {
		fd = inroot_open(rootfd, done[0] ? done : "/", 0);
		if (fd < 0)
			return moat_err_set(err, -fd, "open %s in rootfs", done[0] ? done : "/");
		*ret_fd = fd;
	}
	return 0;
}

/* RESOLVE_BENEATH refuses absolute paths (EXDEV): give it "a/b" for "/a/b". */
static const char *beneath_rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int inroot_check_escape(int rootfd, const char *path, struct moat_err *err)
{
	/* Fast path: RESOLVE_BENEATH fails with EXDEV only when a symlink is
	 * absolute or climbs out; everything else needs no walk. */
	int fd = sys_openat2(rootfd, beneath_rel(path), O_PATH | O_CLOEXEC, 0,
			     RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (fd != -EXDEV)
		return 0; /* ENOENT etc.: the real open reports it */
	return walk(rootfd, path, false, INROOT_DIR, NULL, err);
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
	const uint64_t beneath = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;

	/* Fast path 1: it exists, and no symlink on the way is absolute or
	 * climbs out (RESOLVE_BENEATH fails with EXDEV on both). */
	int fd = sys_openat2(rootfd, beneath_rel(path), O_PATH | O_CLOEXEC, 0, beneath);
	if (fd >= 0)
		return fd;
	/* Fast path 2: only the last component is missing, under a parent
	 * reached the same way (most mount destinations: /dev/pts, /sys/fs/cgroup/cpu). */
	const char *slash = strrchr(path, '/');
	if (fd == -ENOENT && slash && slash[1] && (size_t)(slash - path) < PATH_MAX) {
		char parent[PATH_MAX];
		memcpy(parent, path, (size_t)(slash - path));
		parent[slash - path] = '\0';
		int pfd = sys_openat2(rootfd, beneath_rel(parent), O_PATH | O_DIRECTORY | O_CLOEXEC,
				      0, beneath);
		if (pfd >= 0) {
			int r = mkpath_last(pfd, slash + 1, kind);
			if (r == 0)
				fd = sys_openat2(pfd, slash + 1, O_PATH | O_CLOEXEC, 0, beneath);
			close(pfd);
			if (fd >= 0)
				return fd;
		}
	}
	int r = walk(rootfd, path, true, kind, &fd, err);
	return r < 0 ? r : fd;
}
