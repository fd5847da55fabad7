/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/path.h"

#include <errno.h>
#include <string.h>

#define ID_MAX 1024

size_t moat_path_next(const char **cursor, const char **ret_name)
{
	const char *p = *cursor;

	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			*cursor = p;
			return 0;
		}
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if (len == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		*cursor = end;
		*ret_name = p;
		return len;
	}
}

char *moat_path_clean(struct moat_arena *a, const char *path)
{
	/* the result is never longer than "/" + path */
	size_t cap = strlen(path) + 2;
	char *out = moat_arena_alloc(a, cap);
	size_t n = 0, len;
	const char *cur = path, *name;

	while ((len = moat_path_next(&cur, &name)) > 0) {
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			/* drop the last component; ".." of "/" is "/" */
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			continue;
		}
		out[n++] = '/';
		memcpy(out + n, name, len);
		n += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

char *moat_path_join(struct moat_arena *a, const char *base, const char *path)
{
	return moat_path_clean(a, moat_arena_printf(a, "%s/%s", base, path));
}

bool moat_path_is_clean(const char *path)
{
	if (path[0] != '/')
		return false;
	if (path[1] == '\0')
		return true;
	/* every component must be a name: not empty ("//", a trailing '/'),
	 * not "." and not ".." */
	for (const char *p = path + 1;;) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!*end)
			return true;
		p = end + 1;
	}
}

static bool id_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

int moat_id_check(const char *id, struct moat_err *err)
{
	size_t len = strnlen(id, ID_MAX + 1);
	bool ok = len >= 1 && len <= ID_MAX;
	char shown[68];
	size_t n = 0;

	for (size_t i = 0; ok && i < len; i++)
		ok = id_char_ok(id[i]);
	/* quote at most 64 bytes of a hostile id, on one line */
	for (; n < 64 && id[n]; n++)
		shown[n] = id[n] >= 0x20 && id[n] < 0x7f ? id[n] : '?';
	strcpy(shown + n, id[n] ? "..." : "");
	if (!ok)
		return moat_err_setx(err, EINVAL,
				     "invalid container id \"%s\": only A-Z a-z 0-9 _ . - allowed, "
				     "1 to %d characters",
				     shown, ID_MAX);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return moat_err_setx(
		    err, EINVAL, "invalid container id \"%s\": must not be \".\" or \"..\"", id);
	return 0;
}
