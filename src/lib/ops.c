/* SPDX-License-Identifier: GPL-2.0-or-later */
/* start, kill, delete, state, list: operations on an existing container. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/path.h"
#include "container.h"
#include "protocol.h"
#include "state.h"
#include "sys/sys.h"

int container_poststop_and_remove(struct moat_ctx *ctx, int rootfd, const char *id,
				  struct moat_err *err);

/* The config as it was created, for hooks after create. */
static int saved_spec(int dirfd, const struct moat_state *st, struct moat_spec **ret,
		      struct moat_err *err)
{
	char *json;
	size_t len;
	int r = sys_read_all(dirfd, "config.json", 16 << 20, &json, &len);
	if (r < 0)
		return moat_err_set(err, -r, "read saved config.json");
	r = moat_spec_load_string(json, len, st->bundle, ret, err);
	free(json);
	if (r < 0)
		return moat_err_prefix(err, "saved config.json");
	return 0;
}

int moat_start(struct moat_ctx *ctx, const char *id, struct moat_err *err)
{
	struct moat_arena a = { 0 };
	struct moat_state st;
	int rootfd, dirfd = -1, s = -1, r;

	if ((rootfd = state_root_for(ctx->root, id, err)) < 0)
		return rootfd;
	if ((r = dirfd = state_dir_lock(rootfd, id, err)) < 0)
		goto out;
	if ((r = state_read(dirfd, id, &a, &st, err)) < 0)
		goto out;
	if (st.status != MOAT_STATUS_CREATED) {
		r = moat_err_setx(err, EINVAL, "cannot start container \"%s\": it is %s, not created",
				  id, moat_status_name(st.status));
		goto out;
	}
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/start.sock", dirfd);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = moat_err_set(err, errno, "cannot start container \"%s\": its init is gone", id);
		goto out;
	}
	if (write(s, "s", 1) != 1) {
		r = moat_err_set(err, errno, "start container \"%s\"", id);
		goto out;
	}
	/* EOF: the init reached execve (the socket is close-on-exec) */
	struct moat_spec *spec = NULL;
	struct moat_err e;
	for (;;) {
		struct sync_msg m;
		ssize_t n;
		size_t got = 0;
		while (got < sizeof(m) && (n = read(s, (char *)&m + got, sizeof(m) - got)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			got += (size_t)n;
		}
		if (got != sizeof(m))
			break;
		if (m.type == SYNC_ERROR) {
			unlinkat(dirfd, "start.sock", 0);
			m.err.msg[sizeof(m.err.msg) - 1] = '\0';
			*err = m.err;
			r = moat_err_ret(err);
			goto out;
		}
		if (m.type == SYNC_SECCOMP_FD) {
			/* hand the init's seccomp listener to listenerPath */
			int pidfd = state_init_pidfd(&st);
			if (!spec && (r = saved_spec(dirfd, &st, &spec, err)) < 0)
				goto out;
			struct container c = { .id = id, .bundle = st.bundle, .spec = spec, .pid = st.pid };
			struct moat_buf b = { 0 };
			container_state_json(&c, "creating", &b);
			r = pidfd < 0 ? moat_err_setx(err, ESRCH, "container \"%s\": its init is gone", id)
				      : seccomp_listener_take(pidfd, st.pid, m.pid, spec, b.data, NULL, err);
			moat_buf_free(&b);
			if (pidfd >= 0)
				close(pidfd);
			if (r == 0 && (r = sync_send_type(s, SYNC_SECCOMP_FD_TAKEN)) < 0)
				moat_err_set(err, -r, "linux.seccomp: release the init");
			if (r < 0) {
				/* a NOTIFY filter without its agent would hang the
				 * container: it does not start */
				kill(st.pid, SIGKILL);
				goto out;
			}
		}
	}
	unlinkat(dirfd, "start.sock", 0);
	r = 0;
	if (spec || ((st.needs & STATE_NEEDS_POSTSTART) && saved_spec(dirfd, &st, &spec, &e) == 0)) {
		if (spec->hooks[MOAT_HOOK_POSTSTART].n) {
			struct container c = { .id = id, .bundle = st.bundle, .spec = spec, .pid = st.pid };
			struct moat_buf b = { 0 };
			container_state_json(&c, "running", &b);
			hooks_run_warn(spec, MOAT_HOOK_POSTSTART, b.data, ctx->warn);
			moat_buf_free(&b);
		}
	}
out:
	moat_spec_free(spec);
	if (s >= 0)
		close(s);
	if (dirfd >= 0)
		close(dirfd);
	close(rootfd);
	moat_arena_free(&a);
	return r;
}

/* cgroup v1: a frozen task dies of SIGKILL only once thawed (runc thaws too). */
static void thaw_after_kill(const struct moat_state *st, int sig)
{
	struct moat_cgroup *cg;
	struct moat_err ignored;

	if (sig != SIGKILL || st->status != MOAT_STATUS_PAUSED || !st->cgroup)
		return;
	if (moat_cgroup_open(st->cgroup, &cg, &ignored) == 0) {
		moat_cgroup_freeze(cg, false, &ignored);
		moat_cgroup_free(cg);
	}
}

int moat_kill(struct moat_ctx *ctx, const char *id, int sig, bool all, struct moat_err *err)
{
	struct moat_arena a = { 0 };
	struct moat_state st;
	int r;

	if ((r = state_load_id(ctx->root, id, &a, &st, err)) < 0)
		goto out;
	if (st.status == MOAT_STATUS_STOPPED || st.status == MOAT_STATUS_CREATING) {
		r = moat_err_setx(err, ESRCH, "container \"%s\" is not running", id);
		goto out;
	}
	if (all && st.cgroup) {
		struct moat_cgroup *cg;
		if ((r = moat_cgroup_open(st.cgroup, &cg, err)) == 0) {
			r = moat_cgroup_kill(cg, sig, err);
			moat_cgroup_free(cg);
		}
		goto out;
	}
	int fd = state_init_pidfd(&st);
	if (fd < 0) {
		r = moat_err_setx(err, ESRCH, "container \"%s\" is not running", id);
		goto out;
	}
	r = sys_pidfd_send_signal(fd, sig);
	close(fd);
	if (r < 0)
		moat_err_set(err, -r, "kill container \"%s\"", id);
	else
		thaw_after_kill(&st, sig);
out:
	moat_arena_free(&a);
	return r;
}

static int kill_and_wait(const struct moat_state *st)
{
	int fd = state_init_pidfd(st);
	if (fd < 0)
		return 0;
	sys_pidfd_send_signal(fd, SIGKILL);
	thaw_after_kill(st, SIGKILL);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;
	do
		r = poll(&p, 1, 10000);
	while (r < 0 && errno == EINTR);
	close(fd);
	return r == 0 ? -ETIMEDOUT : 0;
}

/* Poststop hooks (failures are warnings), then the state dir. The caller
 * made sure the container is stopped. */
int container_poststop_and_remove(struct moat_ctx *ctx, int rootfd, const char *id,
				  struct moat_err *err)
{
	struct moat_arena a = { 0 };
	struct moat_state st;
	struct moat_err e;

	int dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd >= 0 && state_read(dirfd, id, &a, &st, &e) == 0 && (st.needs & STATE_NEEDS_POSTSTOP)) {
		struct moat_spec *spec = NULL;
		if (saved_spec(dirfd, &st, &spec, &e) == 0) {
			if (spec->hooks[MOAT_HOOK_POSTSTOP].n) {
				struct container c = { .id = id, .bundle = st.bundle, .spec = spec,
						       .pid = 0 };
				struct moat_buf b = { 0 };
				container_state_json(&c, "stopped", &b);
				hooks_run_warn(spec, MOAT_HOOK_POSTSTOP, b.data, ctx->warn);
				moat_buf_free(&b);
			}
			moat_spec_free(spec);
		}
	}
	int r = 0;
	if (dirfd >= 0 && st.cgroup) {
		struct moat_cgroup *cg;
		r = moat_cgroup_open(st.cgroup, &cg, err);
		if (r == 0) {
			r = moat_cgroup_destroy(cg, MOAT_CGROUP_KILL, err);
			moat_cgroup_free(cg);
		}
		if (r < 0)
			moat_err_prefix(err, "remove the cgroup of \"%s\"", id);
	}
	if (dirfd >= 0)
		close(dirfd);
	moat_arena_free(&a);
	if (r < 0)
		return r; /* keep the state: delete can be retried */
	r = state_dir_remove(rootfd, id);
	if (r < 0)
		return moat_err_set(err, -r, "remove state of \"%s\"", id);
	return 0;
}

int moat_delete(struct moat_ctx *ctx, const char *id, bool force, struct moat_err *err)
{
	struct moat_arena a = { 0 };
	struct moat_state st;
	int rootfd, dirfd, r;

	if ((rootfd = state_root_for(ctx->root, id, err)) < 0)
		return force && rootfd == -ENOENT ? 0 : rootfd;
	if ((r = dirfd = state_dir_lock(rootfd, id, err)) < 0) {
		/* delete --force of a container that is gone succeeds, as runc's
		 * (shims call it to make sure) */
		if (force && r == -ENOENT)
			r = 0;
		goto out;
	}
	if ((r = state_read(dirfd, id, &a, &st, err)) < 0)
		goto out;
	if ((st.status == MOAT_STATUS_RUNNING || st.status == MOAT_STATUS_PAUSED) && !force) {
		r = moat_err_setx(err, EBUSY,
				  "cannot delete container \"%s\" that is not stopped: %s (use --force)",
				  id, moat_status_name(st.status));
		goto out;
	}
	if (kill_and_wait(&st) < 0) {
		r = moat_err_setx(err, ETIMEDOUT, "container \"%s\" did not die after SIGKILL", id);
		goto out;
	}
	r = container_poststop_and_remove(ctx, rootfd, id, err);
out:
	if (dirfd >= 0)
		close(dirfd);
	close(rootfd);
	moat_arena_free(&a);
	return r;
}

int moat_state(struct moat_ctx *ctx, const char *id, struct moat_buf *out, struct moat_err *err)
{
	struct moat_arena a = { 0 };
	struct moat_state st;

	int r = state_load_id(ctx->root, id, &a, &st, err);
	if (r == 0)
		state_json(&st, out, true);
	moat_arena_free(&a);
	return r;
}

static int cmp_entry(const void *x, const void *y)
{
	return strcmp(((const struct moat_list_entry *)x)->id, ((const struct moat_list_entry *)y)->id);
}

int moat_list(struct moat_ctx *ctx, struct moat_list_entry **ret, size_t *ret_n, struct moat_err *err)
{
	*ret = NULL;
	*ret_n = 0;
	int rootfd = state_root_open(ctx->root, false, err);
	if (rootfd == -ENOENT)
		return 0; /* nothing was ever created here */
	if (rootfd < 0)
		return rootfd;
	DIR *d = fdopendir(rootfd);
	if (!d) {
		close(rootfd);
		return moat_err_set(err, errno, "read %s", ctx->root);
	}
	struct moat_list_entry *l = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* ".", "..", and containers still being created */
		struct moat_arena a = { 0 };
		struct moat_state st;
		struct moat_err ignored;
		if (state_load(dirfd(d), e->d_name, &a, &st, &ignored) < 0) {
			moat_arena_free(&a);
			continue; /* deleted meanwhile */
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			l = realloc(l, cap * sizeof(*l));
			if (!l)
				abort();
		}
		struct moat_buf b = { 0 };
		state_json(&st, &b, false);
		l[n++] = (struct moat_list_entry){
			.id = strdup(st.id), .pid = st.status == MOAT_STATUS_STOPPED ? 0 : st.pid,
			.status = moat_status_name(st.status), .bundle = strdup(st.bundle ? st.bundle : ""),
			.created = strdup(st.created ? st.created : ""), .owner = strdup(st.owner ? st.owner : ""),
			.json = b.data ? b.data : strdup("{}"),
		};
		moat_arena_free(&a);
	}
	closedir(d);
	if (n > 1)
		qsort(l, n, sizeof(*l), cmp_entry);
	*ret = l;
	*ret_n = n;
	return 0;
}

void moat_list_free(struct moat_list_entry *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].id);
		free(l[i].bundle);
		free(l[i].created);
		free(l[i].owner);
		free(l[i].json);
	}
	free(l);
}
