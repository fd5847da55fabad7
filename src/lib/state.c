/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "base/path.h"
#include "sys/sys.h"

static const char *const status_names[] = {
	[MOAT_STATUS_CREATING] = "creating", [MOAT_STATUS_CREATED] = "created",
	[MOAT_STATUS_RUNNING] = "running",   [MOAT_STATUS_PAUSED] = "paused",
	[MOAT_STATUS_STOPPED] = "stopped",
};

const char *moat_status_name(enum moat_status s)
{
	return status_names[s];
}

int state_root_open(const char *root, bool create, struct moat_err *err)
{
	if (create && mkdir(root, 0700) < 0 && errno != EEXIST) {
		/* make missing parents, e.g. --root /run/user/0/moat */
		char buf[4096];
		snprintf(buf, sizeof(buf), "%s", root);
		for (char *p = buf + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(buf, 0700) < 0 && errno != EEXIST)
				return moat_err_set(err, errno, "mkdir %s", buf);
			*p = '/';
		}
		if (mkdir(root, 0700) < 0 && errno != EEXIST)
			return moat_err_set(err, errno, "mkdir %s", root);
	}
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return moat_err_set(err, errno, "open state root %s", root);
	return fd;
}

int state_dir_begin(int rootfd, const char *id, char *tmpname, size_t tmpsize, struct moat_err *err)
{
	/* The id check happened earlier; the temporary name starts with '.'
	 * so `list` skips it, and carries the pid so stale ones are traceable. */
	snprintf(tmpname, tmpsize, ".new-%d-%.200s", (int)getpid(), id);
	if (mkdirat(rootfd, tmpname, 0700) < 0)
		return moat_err_set(err, errno, "mkdir state dir %s", tmpname);
	int fd = openat(rootfd, tmpname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		unlinkat(rootfd, tmpname, AT_REMOVEDIR);
		return moat_err_set(err, e, "lock state dir");
	}
	return fd;
}

int state_dir_publish(int rootfd, const char *tmpname, const char *id, struct moat_err *err)
{
	if (renameat2(rootfd, tmpname, rootfd, id, RENAME_NOREPLACE) < 0) {
		if (errno == EEXIST)
			return moat_err_setx(err, EEXIST, "container \"%s\" already exists", id);
		return moat_err_set(err, errno, "rename state dir to %s", id);
	}
	return 0;
}

int state_dir_remove(int rootfd, const char *name)
{
	int dfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return errno == ENOENT ? 0 : -errno;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		unlinkat(dfd, e->d_name, 0);
	}
	closedir(d);
	if (unlinkat(rootfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int state_dir_lock(int rootfd, const char *id, struct moat_err *err)
{
	int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return moat_err_setx(err, ENOENT, "container \"%s\" does not exist", id);
		return moat_err_set(err, errno, "open state of \"%s\"", id);
	}
	if (flock(fd, LOCK_EX) < 0) {
		int e = errno;
		close(fd);
		return moat_err_set(err, e, "lock state of \"%s\"", id);
	}
	return fd;
}

/* Values are escaped so any string survives one line: \\ \n. */
static void put_escaped(struct moat_buf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			moat_buf_add(out, "\\\\", 2);
		else if (*s == '\n')
			moat_buf_add(out, "\\n", 2);
		else
			moat_buf_add(out, s, 1);
	}
}

static void put_kv(struct moat_buf *out, const char *key, const char *value)
{
	if (!value)
		return;
	moat_buf_puts(out, key);
	moat_buf_add(out, "=", 1);
	put_escaped(out, value);
	moat_buf_add(out, "\n", 1);
}

void state_format(const struct moat_state *st, struct moat_buf *out)
{
	moat_buf_puts(out, "version=1\n");
	moat_buf_printf(out, "pid=%d\nstart_time=%llu\n", (int)st->pid, st->start_time);
	put_kv(out, "bundle", st->bundle);
	put_kv(out, "rootfs", st->rootfs);
	put_kv(out, "created", st->created);
	put_kv(out, "owner", st->owner);
	put_kv(out, "cgroup", st->cgroup);
	if (st->needs)
		moat_buf_printf(out, "needs=%u\n", st->needs);
	for (size_t i = 0; i < st->n_annotations; i++) {
		put_kv(out, "annotation_key", st->annot_keys[i]);
		put_kv(out, "annotation_value", st->annot_values[i]);
	}
}

static char *unescape(struct moat_arena *a, const char *s, size_t n)
{
	char *r = moat_arena_alloc(a, n + 1), *o = r;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			*o++ = s[i] == 'n' ? '\n' : s[i];
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return r;
}

int state_parse(const char *text, struct moat_arena *a, struct moat_state *ret, struct moat_err *err)
{
	size_t n_keys = 0, n_values = 0, cap = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchrnul(p, '\n');
		const char *eq = memchr(p, '=', (size_t)(nl - p));
		if (!eq)
			return moat_err_setx(err, EINVAL, "state file: malformed line");
		size_t kl = (size_t)(eq - p);
		char *v = unescape(a, eq + 1, (size_t)(nl - eq - 1));
#define KEY(k) (kl == strlen(k) && memcmp(p, k, kl) == 0)
		if (KEY("pid")) {
			ret->pid = (pid_t)atoi(v);
		} else if (KEY("start_time")) {
			ret->start_time = strtoull(v, NULL, 10);
		} else if (KEY("bundle")) {
			ret->bundle = v;
		} else if (KEY("rootfs")) {
			ret->rootfs = v;
		} else if (KEY("created")) {
			ret->created = v;
		} else if (KEY("owner")) {
			ret->owner = v;
		} else if (KEY("cgroup")) {
			ret->cgroup = v;
		} else if (KEY("needs")) {
			ret->needs = (unsigned)strtoul(v, NULL, 10);
		} else if (KEY("annotation_key") || KEY("annotation_value")) {
			if (n_keys == cap && KEY("annotation_key")) {
				size_t ncap = cap ? cap * 2 : 8;
				char **k = moat_arena_alloc(a, ncap * sizeof(char *));
				char **val = moat_arena_alloc(a, ncap * sizeof(char *));
				if (cap) {
					memcpy(k, ret->annot_keys, cap * sizeof(char *));
					memcpy(val, ret->annot_values, cap * sizeof(char *));
				}
				ret->annot_keys = k;
				ret->annot_values = val;
				cap = ncap;
			}
			if (KEY("annotation_key"))
				ret->annot_keys[n_keys++] = v;
			else if (n_values < n_keys)
				ret->annot_values[n_values++] = v;
		}
#undef KEY
		p = *nl ? nl + 1 : nl;
	}
	if (n_values != n_keys)
		return moat_err_setx(err, EINVAL, "state file: annotation without a value");
	ret->n_annotations = n_keys;
	return 0;
}

int state_write(int dirfd, const struct moat_state *st, struct moat_err *err)
{
	struct moat_buf b = { 0 };

	state_format(st, &b);
	int fd = openat(dirfd, "state.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		moat_buf_free(&b);
		return moat_err_set(err, errno, "write state");
	}
	int r = sys_write_all(fd, b.data, b.len);
	close(fd);
	moat_buf_free(&b);
	if (r < 0)
		return moat_err_set(err, -r, "write state");
	if (renameat(dirfd, "state.tmp", dirfd, "state") < 0)
		return moat_err_set(err, errno, "rename state");
	return 0;
}

/*
 * Paused is what the cgroup freezer says, not a marker file: the status stays
 * right when the cgroup is frozen or thawed by someone else (a kill --all in
 * progress, an orchestrator), as runc's does.  Only asked for a live init:
 * parsing the saved handle and one small read.  A created container can be
 * paused too (runc allows it); it shows "paused" until resumed.
 */
static bool cgroup_frozen(const char *saved)
{
	struct moat_cgroup *cg;
	struct moat_err ignored;
	bool frozen = false;

	if (!saved || moat_cgroup_open(saved, &cg, &ignored) < 0)
		return false;
	if (moat_cgroup_is_frozen(cg, &frozen, &ignored) < 0)
		frozen = false;
	moat_cgroup_free(cg);
	return frozen;
}

int state_read(int dirfd, const char *id, struct moat_arena *a, struct moat_state *ret,
	       struct moat_err *err)
{
	char buf[65536];

	memset(ret, 0, sizeof(*ret));
	ret->id = moat_arena_strdup(a, id);
	ssize_t n = sys_read_file(dirfd, "state", buf, sizeof(buf));
	if (n == -ENOENT) {
		ret->status = MOAT_STATUS_CREATING;
		return 0;
	}
	if (n < 0)
		return moat_err_set(err, (int)-n, "read state of \"%s\"", id);
	int r = state_parse(buf, a, ret, err);
	if (r < 0)
		return r;

	/* Derive the status from the process: alive with the recorded start
	 * time (not a zombie) means created or running. */
	unsigned long long st;
	char pstate;
	if (ret->pid <= 0 || sys_proc_stat(ret->pid, &pstate, &st) < 0 || st != ret->start_time ||
	    pstate == 'Z' || pstate == 'X') {
		ret->status = MOAT_STATUS_STOPPED;
		return 0;
	}
	if (cgroup_frozen(ret->cgroup))
		ret->status = MOAT_STATUS_PAUSED;
	else if (faccessat(dirfd, "start.sock", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		ret->status = MOAT_STATUS_CREATED;
	else
		ret->status = MOAT_STATUS_RUNNING;
	return 0;
}

int state_load(int rootfd, const char *id, struct moat_arena *a, struct moat_state *ret,
	       struct moat_err *err)
{
	int dfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0) {
		if (errno == ENOENT)
			return moat_err_setx(err, ENOENT, "container \"%s\" does not exist", id);
		return moat_err_set(err, errno, "open state of \"%s\"", id);
	}
	int r = state_read(dfd, id, a, ret, err);
	close(dfd);
	return r;
}

int state_init_pidfd(const struct moat_state *st)
{
	char pstate;
	unsigned long long start;

	if (st->pid <= 0)
		return -ESRCH;
	int fd = sys_pidfd_open(st->pid, 0);
	if (fd < 0)
		return fd;
	if (sys_proc_stat(st->pid, &pstate, &start) < 0 || start != st->start_time || pstate == 'Z') {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int state_root_for(const char *root, const char *id, struct moat_err *err)
{
	int r = moat_id_check(id, err);
	if (r < 0)
		return r;
	r = state_root_open(root, false, err);
	if (r == -ENOENT)
		return moat_err_setx(err, ENOENT, "container \"%s\" does not exist", id);
	return r;
}

int state_load_id(const char *root, const char *id, struct moat_arena *a, struct moat_state *ret,
		  struct moat_err *err)
{
	int rootfd = state_root_for(root, id, err);
	if (rootfd < 0)
		return rootfd;
	int r = state_load(rootfd, id, a, ret, err);
	close(rootfd);
	return r;
}

void state_json(const struct moat_state *st, struct moat_buf *out, bool pretty)
{
	const char *nl = pretty ? "\n  " : "";
	const char *sp = pretty ? " " : "";

	moat_buf_printf(out, "{%s\"ociVersion\":%s\"1.2.0\",%s\"id\":%s", nl, sp, nl, sp);
	moat_json_str(out, st->id);
	moat_buf_printf(out, ",%s\"pid\":%s%d,%s\"status\":%s\"%s\",%s\"bundle\":%s", nl, sp,
			st->status == MOAT_STATUS_STOPPED ? 0 : (int)st->pid, nl, sp,
			moat_status_name(st->status), nl, sp);
	moat_json_str(out, st->bundle ? st->bundle : "");
	moat_buf_printf(out, ",%s\"rootfs\":%s", nl, sp);
	moat_json_str(out, st->rootfs ? st->rootfs : "");
	moat_buf_printf(out, ",%s\"created\":%s", nl, sp);
	moat_json_str(out, st->created ? st->created : "0001-01-01T00:00:00Z");
	moat_buf_printf(out, ",%s\"owner\":%s", nl, sp);
	moat_json_str(out, st->owner ? st->owner : "");
	if (st->n_annotations) {
		moat_buf_printf(out, ",%s\"annotations\":%s{", nl, sp);
		for (size_t i = 0; i < st->n_annotations; i++) {
			if (i)
				moat_buf_add(out, ",", 1);
			moat_buf_puts(out, pretty ? "\n    " : "");
			moat_json_key(out, st->annot_keys[i]);
			moat_buf_puts(out, sp);
			moat_json_str(out, st->annot_values[i]);
		}
		moat_buf_puts(out, pretty ? "\n  }" : "}");
	}
	moat_buf_puts(out, pretty ? "\n}" : "}");
}
