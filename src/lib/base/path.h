/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * Pure path and name helpers (no syscalls): lexical cleaning of paths inside
 * the container and the container id rule.
 */
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* The lexically cleaned form of "/" + path, like Go's filepath.Clean: no
 * empty, "." or ".." components ("/.." is "/"), no trailing slash, "/" for
 * an empty result.  Always absolute.  It does not look at the filesystem, so
 * symlinks are not resolved. */
char *moat_path_clean(struct moat_arena *a, const char *path);
/* moat_path_clean(base + "/" + path). */
char *moat_path_join(struct moat_arena *a, const char *base, const char *path);
/* True when path is what moat_path_clean would return for it. */
bool moat_path_is_clean(const char *path);

/*
 * Iterate the components of a path without allocating:
 *
 *	const char *cur = path, *name;
 *	size_t len;
 *	while ((len = moat_path_next(&cur, &name)) > 0)
 *		use(name, len);
 *
 * Empty and "." components are skipped; ".." is returned as it is.
 */
size_t moat_path_next(const char **cursor, const char **ret_name);

/* Container ids: [A-Za-z0-9_.-]{1,1024}, and never "." or "..", so an id is
 * always one safe path component.  Returns 0 or -EINVAL with *err set. */
int moat_id_check(const char *id, struct moat_err *err);
