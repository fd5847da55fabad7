/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where linux.cgroupsPath lands in one hierarchy (see cgroup.h). Pure. */
#include <errno.h>
#include <string.h>

#include "cgroup/internal.h"

/* Append the components of s to out (which holds a clean "/x/y" or ""),
 * dropping empty and "." components. ".." is refused rather than resolved:
 * a container path that climbs is a mistake or an attack, never needed. */
static int append_clean(char *out, size_t size, const char *s, const char *what,
			struct moat_err *err)
{
	size_t len = strlen(out);

	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && strncmp(p, "..", 2) == 0)
			return moat_err_setx(err, EINVAL, "%s \"%s\": \"..\" is not allowed", what,
					     s);
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (len + 1 + n + 1 > size)
				return moat_err_setx(err, ENAMETOOLONG, "%s \"%s\": too long", what,
						     s);
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
			out[len] = '\0';
		}
		p += n;
		p += strspn(p, "/");
	}
	return 0;
}

int cg_resolve_path(const char *cgroups_path, const char *id, const char *own, bool v2, char *out,
		    size_t size, struct moat_err *err)
{
	const char *what = "linux.cgroupsPath";
	int r;

	if (size < 2)
		return moat_err_setx(err, ENAMETOOLONG, "%s: too long", what);
	out[0] = '\0';
	if (!cgroups_path || !*cgroups_path) {
		cgroups_path = id;
		what = "container id";
	}
	if (!cgroups_path || !*cgroups_path)
		return moat_err_setx(err, EINVAL, "cgroup: neither linux.cgroupsPath nor an id");
	for (const char *p = cgroups_path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return moat_err_setx(err, EINVAL, "%s: control character in \"%s\"", what,
					     cgroups_path);

	if (cgroups_path[0] != '/') {
		/* relative: under the caller's own cgroup (v2: its parent) */
		char base[4096];
		size_t bl = own ? strlen(own) : 0;

		if (bl >= sizeof(base))
			return moat_err_setx(err, ENAMETOOLONG, "own cgroup path too long");
		memcpy(base, own ? own : "", bl + 1);
		if (v2) {
			char *slash = strrchr(base, '/');
			if (slash)
				*slash = '\0';
		}
		/* own comes from the kernel: clean, but may be "/" */
		if ((r = append_clean(out, size, base, "own cgroup", err)) < 0)
			return r;
	}
	if ((r = append_clean(out, size, cgroups_path, what, err)) < 0)
		return r;
	if (!out[0])
		return moat_err_setx(err, EINVAL,
				     "%s \"%s\": the root cgroup cannot be a container's", what,
				     cgroups_path);
	return 0;
}
