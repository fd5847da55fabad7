/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host layout and the caller's own cgroups.  Detection is on every start,
 * so it is kept to what the start needs: statfs of the mount root (and of
 * root/unified), one read of /proc/self/cgroup on v1 or for a relative
 * path, and /proc/self/mountinfo only when a hierarchy is not where the
 * convention (/sys/fs/cgroup/<controllers>) puts it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "cgroup/internal.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const char *const v1_names[CG__COUNT] = {
    [CG_CPU] = "cpu",		[CG_CPUACCT] = "cpuacct",
    [CG_CPUSET] = "cpuset",	[CG_MEMORY] = "memory",
    [CG_DEVICES] = "devices",	[CG_FREEZER] = "freezer",
    [CG_IO] = "blkio",		[CG_PIDS] = "pids",
    [CG_HUGETLB] = "hugetlb",	[CG_NET_CLS] = "net_cls",
    [CG_NET_PRIO] = "net_prio", [CG_RDMA] = "rdma",
    [CG_MISC] = "misc",		[CG_PERF_EVENT] = "perf_event",
};

static const char *const v2_names[CG__COUNT] = {
    [CG_CPU] = "cpu",	[CG_CPUSET] = "cpuset", [CG_MEMORY] = "memory",
    [CG_IO] = "io",	[CG_PIDS] = "pids",	[CG_HUGETLB] = "hugetlb",
    [CG_RDMA] = "rdma", [CG_MISC] = "misc",	[CG_PERF_EVENT] = "perf_event",
};

const char *cg_ctrl_name(enum cg_ctrl c, bool v2)
{
	if (c >= CG__COUNT)
		return NULL;
	return v2 ? v2_names[c] : v1_names[c];
}

unsigned cg_ctrl_mask(const char *list, const char *seps)
{
	unsigned mask = 0;

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, seps);
		for (int c = 0; c < CG__COUNT; c++) {
			const char *a = v1_names[c], *b = v2_names[c];
			if ((strlen(a) == n && strncmp(p, a, n) == 0) ||
			    (b && strlen(b) == n && strncmp(p, b, n) == 0))
				mask |= CG_BIT(c);
		}
		p += n;
		p += strspn(p, seps);
	}
	return mask;
}

int cg_ctrl_of_file(const char *file)
{
	const char *dot = strchr(file, '.');

	if (!dot)
		return -1;
	size_t n = (size_t)(dot - file);
	if (n == 6 && strncmp(file, "cgroup", 6) == 0)
		return CG_CORE;
	for (int c = 0; c < CG__COUNT; c++)
		if (v2_names[c] && strlen(v2_names[c]) == n && strncmp(file, v2_names[c], n) == 0)
			return c;
	return -1;
}

const char *moat_cgroup_layout_name(enum moat_cgroup_layout l)
{
	switch (l) {
	case MOAT_CGROUP_V1:
		return "v1";
	case MOAT_CGROUP_HYBRID:
		return "hybrid";
	case MOAT_CGROUP_V2:
		return "v2";
	}
	return "?";
}

int moat_cgroup_detect(const char *root, enum moat_cgroup_layout *ret, struct moat_err *err)
{
	char unified[4096];
	struct statfs st;

	if (!root)
		root = "/sys/fs/cgroup";
	if (statfs(root, &st) < 0)
		return moat_err_set(err, errno, "cgroup: statfs %s", root);
	if (st.f_type == CGROUP2_SUPER_MAGIC) {
		*ret = MOAT_CGROUP_V2;
		return 0;
	}
	snprintf(unified, sizeof(unified), "%s/unified", root);
	if (statfs(unified, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
		*ret = MOAT_CGROUP_HYBRID;
	else
		*ret = MOAT_CGROUP_V1;
	return 0;
}

int cg_parse_self_cgroup(const char *text, struct moat_arena *a, struct cg_self_entry *ret,
			 size_t max)
{
	size_t n = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchrnul(p, '\n');
		const char *c1 = memchr(p, ':', (size_t)(nl - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;

		if (nl == p) {
			p = *nl ? nl + 1 : nl;
			continue;
		}
		if (!c2 || c1 == p || c2[1] != '/')
			return -EINVAL;
		if (n < max) {
			char *end;
			ret[n].id = (unsigned)strtoul(p, &end, 10);
			if (end != c1)
				return -EINVAL;
			ret[n].controllers = moat_arena_strndup(a, c1 + 1, (size_t)(c2 - c1 - 1));
			ret[n].path = moat_arena_strndup(a, c2 + 1, (size_t)(nl - c2 - 1));
			n++;
		}
		p = *nl ? nl + 1 : nl;
	}
	return (int)n;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static char *unescape_octal(struct moat_arena *a, const char *s, size_t n)
{
	char *out = moat_arena_alloc(a, n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3') {
			*o++ = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) |
				      (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Is token (n bytes) in the comma list? */
static bool list_has(const char *list, const char *tok, size_t n)
{
	for (const char *p = list; *p;) {
		size_t m = strcspn(p, ",");
		if (m == n && strncmp(p, tok, n) == 0)
			return true;
		p += m;
		if (*p)
			p++;
	}
	return false;
}

/* Superblock options name exactly the controllers of the list? */
static bool opts_match(const char *opts, size_t olen, const char *controllers)
{
	char *o = strndup(opts, olen);
	size_t found = 0, want = 0;
	bool ok = true;

	if (!o)
		abort();
	for (const char *p = controllers; *p;) {
		size_t m = strcspn(p, ",");
		want++;
		p += m;
		if (*p)
			p++;
	}
	for (char *save = NULL, *t = strtok_r(o, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool is_ctrl = strncmp(t, "name=", 5) == 0 || cg_ctrl_mask(t, ",") != 0;
		if (!is_ctrl)
			continue;
		if (list_has(controllers, t, strlen(t)))
			found++;
		else
			ok = false;
	}
	free(o);
	return ok && found == want;
}

int cg_find_mount(const char *mountinfo, const char *controllers, struct moat_arena *a,
		  char **ret_mount, char **ret_root)
{
	for (const char *p = mountinfo; *p;) {
		const char *nl = strchrnul(p, '\n');
		const char *f[5];
		const char *q = p;
		size_t i;

		/* fields: id parent maj:min root mountpoint ... */
		for (i = 0; i < 5 && q < nl; i++) {
			f[i] = q;
			q = memchr(q, ' ', (size_t)(nl - q));
			if (!q)
				break;
			q++;
		}
		const char *sep = q && i == 5 ? strstr(q, " - ") : NULL;
		if (sep && sep < nl) {
			const char *type = sep + 3;
			const char *src = memchr(type, ' ', (size_t)(nl - type));
			const char *opts =
			    src ? memchr(src + 1, ' ', (size_t)(nl - src - 1)) : NULL;
			size_t tlen = src ? (size_t)(src - type) : 0;
			bool match = false;

			if (!controllers)
				match = tlen == 7 && strncmp(type, "cgroup2", 7) == 0;
			else if (tlen == 6 && strncmp(type, "cgroup", 6) == 0 && opts)
				match = opts_match(opts + 1, (size_t)(nl - opts - 1), controllers);
			if (match) {
				*ret_root = unescape_octal(a, f[3], (size_t)(f[4] - f[3] - 1));
				const char *mend = memchr(f[4], ' ', (size_t)(nl - f[4]));
				*ret_mount = unescape_octal(a, f[4], (size_t)(mend - f[4]));
				return 0;
			}
		}
		p = *nl ? nl + 1 : nl;
	}
	return -ENOENT;
}
