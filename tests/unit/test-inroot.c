/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path resolution inside a rootfs: symlinks pointing out of the root must
 * resolve inside it (or be refused), and creation must not follow them.
 * Runs unprivileged on a scratch directory.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "inroot.h"

static char top[256], root[PATH_MAX], outside[PATH_MAX];

static void mk(const char *rel)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	mkdir(p, 0755);
}

static void ln(const char *target, const char *rel)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (symlink(target, p) < 0)
		perror("symlink");
}

static bool exists_outside(const char *name)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof(p), "%s/%s", outside, name);
	return access(p, F_OK) == 0;
}

static int rmrf(const char *path)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

int main(void)
{
	struct moat_err err = { 0 };

	snprintf(top, sizeof(top), "/tmp/moat-inroot-XXXXXX");
	if (!mkdtemp(top))
		return 1;
	snprintf(root, sizeof(root), "%s/root", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	mkdir(root, 0755);
	mkdir(outside, 0755);
	mk("etc");
	mk("real");
	ln("/etc", "abs");                 /* absolute: means the rootfs's /etc */
	ln("../../../../outside", "climb"); /* climbs above the root */
	ln("real", "rel");                  /* relative, stays inside */
	ln("/real/../etc", "absdots");      /* absolute with .. that stays inside */
	ln("dangling-target", "dangling");

	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(rootfd >= 0, "the scratch root opens");

	CHECK(inroot_check_escape(rootfd, "/abs/x", &err) == 0,
	      "an absolute symlink is interpreted inside the root");
	CHECK(inroot_check_escape(rootfd, "/rel/x", &err) == 0, "a relative symlink inside is fine");
	CHECK(inroot_check_escape(rootfd, "/absdots/x", &err) == 0,
	      "an absolute symlink with .. that stays inside is fine");
	CHECK(inroot_check_escape(rootfd, "/climb/x", &err) < 0,
	      "a symlink climbing above the root is refused");
	CHECK(inroot_check_escape(rootfd, "/nonexistent/a/b", &err) == 0,
	      "a path that does not exist yet is fine");

	int fd = inroot_mkpath(rootfd, "/abs/sub/dir", INROOT_DIR, &err);
	CHECK(fd >= 0, "mkpath through an absolute symlink succeeds");
	if (fd >= 0)
		close(fd);
	char p[PATH_MAX * 2];
	snprintf(p, sizeof(p), "%s/etc/sub/dir", root);
	CHECK(access(p, F_OK) == 0, "... and creates the directories under the rootfs's /etc");

	fd = inroot_mkpath(rootfd, "/climb/evil", INROOT_DIR, &err);
	if (fd >= 0)
		close(fd);
	CHECK(!exists_outside("evil"), "mkpath through a climbing symlink never creates outside");

	fd = inroot_mkpath(rootfd, "/climb/file", INROOT_FILE, &err);
	if (fd >= 0)
		close(fd);
	CHECK(!exists_outside("file"), "a file is never created outside either");

	fd = inroot_mkpath(rootfd, "/dangling", INROOT_FILE, &err);
	snprintf(p, sizeof(p), "%s/dangling-target", root);
	CHECK(fd >= 0 && access(p, F_OK) == 0,
	      "a dangling symlink's target is created inside the rootfs, as the container sees it");
	if (fd >= 0)
		close(fd);
	ln("/abs-missing/deeper", "absdangling");
	fd = inroot_mkpath(rootfd, "/absdangling/x", INROOT_DIR, &err);
	snprintf(p, sizeof(p), "%s/abs-missing/deeper/x", root);
	CHECK(fd >= 0 && access(p, F_OK) == 0,
	      "an absolute dangling symlink is followed inside the rootfs, creating what is missing");
	if (fd >= 0)
		close(fd);
	CHECK(inroot_mkpath(rootfd, "/climb/y", INROOT_DIR, &err) < 0,
	      "mkpath through a climbing symlink is refused");

	mk("outside"); /* the name the climbing link ends in, inside the root */
	fd = inroot_open(rootfd, "/climb", O_DIRECTORY);
	CHECK(fd >= 0, "opening the climbing symlink resolves (clamped) inside the root");
	if (fd >= 0) {
		struct stat a, b;
		fstat(fd, &a);
		snprintf(p, sizeof(p), "%s/outside", root);
		stat(p, &b);
		CHECK(a.st_ino == b.st_ino, "... to the rootfs's /outside, not the host's");
		close(fd);
	}

	close(rootfd);
	rmrf(top);
	return check_done();
}
