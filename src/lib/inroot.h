/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * Paths inside a container's rootfs.
 *
 * Every path the runtime touches inside a rootfs (mount destinations, masked
 * and read-only paths, device nodes, cwd) is opened relative to an fd of the
 * rootfs with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), never by
 * joining strings: a symlink in the image pointing to "/etc" or "../../.."
 * resolves inside the rootfs, as the container would see it, so it cannot
 * make the runtime mount or write on the host (CVE-2015-3627-class and
 * runc's CVE-2021-30465 symlink-exchange attacks).
 *
 * The result is an O_PATH fd; mounts are then attached to the fd with
 * move_mount(MOVE_MOUNT_T_EMPTY_PATH), so no path is re-resolved between the
 * check and the use.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"

#define INROOT_RESOLVE (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

/* Open path (absolute, cleaned) inside the root at rootfd with O_PATH|O_CLOEXEC
 * plus extra_flags (e.g. O_DIRECTORY, O_NOFOLLOW). Returns the fd or -errno. */
int inroot_open(int rootfd, const char *path, int extra_flags);

/* Refuse a path that reaches outside the rootfs through a symlink that climbs
 * above the root with "..".  Such a link resolves safely (clamped at the root)
 * but it is never what an image means, so a mount destination through it is
 * an error rather than a surprise.  Absolute symlinks are interpreted inside
 * the root, as the container sees them (/var/run -> /run is common). */
int inroot_check_escape(int rootfd, const char *path, struct moat_err *err);

enum inroot_kind {
	INROOT_DIR,
	INROOT_FILE,
};

/* Open path inside the root, creating missing components as directories
 * (mode 0755) and the last one as a directory or an empty file. Returns an
 * O_PATH fd of the last component or -errno with *err set. */
int inroot_mkpath(int rootfd, const char *path, enum inroot_kind kind, struct moat_err *err);
