/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * update, pause, resume, ps, events: the verbs that act on a container's
 * cgroup.  Each loads the state, re-opens the cgroup handle saved at create
 * (state "cgroup="), and makes one call of src/lib/cgroup.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "base/path.h"
#include "cgroup/cgroup.h"
#include "moat/moat.h"
#include "spec/resources.h"
#include "state.h"
#include "sys/sys.h"

/* A loaded container: its state and, when it has one, its cgroup. */
struct loaded {
	struct moat_arena a;
	struct moat_state st;
	struct moat_cgroup *cg;
	int dirfd; /* locked state dir, or -1 */
};

static void loaded_free(struct loaded *l)
{
	moat_cgroup_free(l->cg);
	if (l->dirfd >= 0)
		close(l->dirfd);
	moat_arena_free(&l->a);
}

/*
 * Load container id and open its cgroup.  With lock, the state dir stays
 * locked (flock) until loaded_free, so pause/resume/update do not race a
 * delete removing the cgroup under them.
 */
static int load(struct moat_ctx *ctx, const char *id, bool lock, struct loaded *l,
		struct moat_err *err)
{
	int rootfd, r;

	*l = (struct loaded){.dirfd = -1};
	if ((rootfd = state_root_for(ctx->root, id, err)) < 0)
		return rootfd;
	if (lock) {
		r = l->dirfd = state_dir_lock(rootfd, id, err);
		if (r >= 0)
			r = state_read(l->dirfd, id, &l->a, &l->st, err);
	} else {
		r = state_load(rootfd, id, &l->a, &l->st, err);
	}
	close(rootfd);
	if (r < 0)
		goto fail;
	if (!l->st.cgroup) {
		r = moat_err_setx(err, ENOTSUP, "container \"%s\" has no cgroup", id);
		goto fail;
	}
	if ((r = moat_cgroup_open(l->st.cgroup, &l->cg, err)) < 0)
		goto fail;
	return 0;
fail:
	loaded_free(l);
	return r;
}

static bool alive(const struct moat_state *st)
{
	return st->status == MOAT_STATUS_CREATED || st->status == MOAT_STATUS_RUNNING ||
	       st->status == MOAT_STATUS_PAUSED;
}

/* ---- update ---- */

/*
 * runc's update starts from a LinuxResources whose memory, pids and blkio
 * values are 0 and treats 0 as "leave it": containerd and CRI send such
 * zeros for what they do not change.  Keep that meaning here; the cgroup
 * library already reads 0 as unset for cpu shares, quota, period, the
 * realtime period and swap.  Kernel memory limits are dropped as runc
 * drops them (the kernel no longer has them).
 */
static void update_normalize(struct moat_resources *r, struct moat_ctx *ctx)
{
	struct moat_mem_resources *m = r->memory;
	struct moat_cpu_resources *c = r->cpu;

	if (m) {
		if (m->has_limit && m->limit == 0)
			m->has_limit = false;
		if (m->has_reservation && m->reservation == 0)
			m->has_reservation = false;
		if ((m->has_kernel && m->kernel != 0) ||
		    (m->has_kernel_tcp && m->kernel_tcp != 0)) {
			if (ctx->warn)
				ctx->warn("update: kernel memory settings are ignored");
		}
		m->has_kernel = m->has_kernel_tcp = false;
	}
	if (c) {
		if (c->cpus && !*c->cpus)
			c->cpus = NULL;
		if (c->mems && !*c->mems)
			c->mems = NULL;
		if (c->has_realtime_runtime && c->realtime_runtime == 0)
			c->has_realtime_runtime = false;
	}
	if (r->has_pids_limit && r->pids_limit == 0)
		r->has_pids_limit = false;
	if (r->blkio && r->blkio->has_weight && r->blkio->weight == 0)
		r->blkio->has_weight = false;
	/* devices stay those of create, as in runc */
	r->has_devices = false;
	r->n_devices = 0;
}

int moat_update(struct moat_ctx *ctx, const char *id, const struct moat_update_opts *o,
		struct moat_err *err)
{
	struct moat_arena a = {0};
	struct moat_resources *res = NULL;
	struct loaded l;
	int r = 0;

	/* parse first: a typo is reported whatever the container's state */
	if (o->resources_json) {
		r = moat_resources_parse_json(o->resources_json, o->resources_len, &a, &res, err);
		if (r < 0)
			moat_err_prefix(err, "update: %s",
					o->resources_name ? o->resources_name : "resources");
	} else {
		for (size_t i = 0; i < o->n_flags && r >= 0; i++) {
			r = moat_resources_update_flag(&res, &a, o->flags[i].name,
						       o->flags[i].value, err);
			if (r == -ENOENT)
				r = moat_err_setx(err, EINVAL, "update: unknown flag --%s",
						  o->flags[i].name);
			else if (r < 0)
				moat_err_prefix(err, "update");
		}
	}
	if (r < 0)
		goto out_arena;
	if ((r = load(ctx, id, true, &l, err)) < 0)
		goto out_arena;
	if (!alive(&l.st)) {
		r = moat_err_setx(err, ESRCH, "container \"%s\" is not running", id);
		goto out;
	}
	if (res) {
		update_normalize(res, ctx);
		r = moat_cgroup_update(l.cg, res, err);
		if (r < 0)
			moat_err_prefix(err, "update container \"%s\"", id);
	}
out:
	loaded_free(&l);
out_arena:
	moat_arena_free(&a);
	return r;
}

/* ---- pause, resume ---- */

static int set_frozen(struct moat_ctx *ctx, const char *id, bool frozen, struct moat_err *err)
{
	struct loaded l;
	int r;

	if ((r = load(ctx, id, true, &l, err)) < 0)
		return r;
	if (frozen && l.st.status == MOAT_STATUS_PAUSED)
		r = moat_err_setx(err, EINVAL, "container \"%s\" is already paused", id);
	else if (frozen && !alive(&l.st))
		r = moat_err_setx(err, ESRCH, "container \"%s\" is not running", id);
	else if (!frozen && l.st.status != MOAT_STATUS_PAUSED)
		r = moat_err_setx(err, EINVAL, "container \"%s\" is not paused", id);
	else if ((r = moat_cgroup_freeze(l.cg, frozen, err)) < 0)
		moat_err_prefix(err, "%s container \"%s\"", frozen ? "pause" : "resume", id);
	loaded_free(&l);
	return r;
}

int moat_pause(struct moat_ctx *ctx, const char *id, struct moat_err *err)
{
	return set_frozen(ctx, id, true, err);
}

int moat_resume(struct moat_ctx *ctx, const char *id, struct moat_err *err)
{
	return set_frozen(ctx, id, false, err);
}

/* ---- ps ---- */

static int cmp_pid(const void *x, const void *y)
{
	pid_t a = *(const pid_t *)x, b = *(const pid_t *)y;

	return (a > b) - (a < b);
}

int moat_ps(struct moat_ctx *ctx, const char *id, pid_t **ret, size_t *ret_n, struct moat_err *err)
{
	struct loaded l;
	pid_t *p = NULL;
	size_t n = 0;
	int r;

	if ((r = load(ctx, id, false, &l, err)) < 0)
		return r;
	/* like runc, no status check: a stopped container whose init is gone
	 * may still have processes in its cgroup (no pid namespace) */
	r = moat_cgroup_pids(l.cg, &p, &n, err);
	loaded_free(&l);
	if (r < 0)
		return moat_err_prefix(err, "processes of container \"%s\"", id);
	if (n > 1)
		qsort(p, n, sizeof(*p), cmp_pid);
	*ret = p;
	*ret_n = n;
	return 0;
}

/* ---- events ---- */

/*
 * Read the stats once; emit an oom event when the OOM kill count grew since
 * *oom_kills (when given), then the stats event unless !with_stats.
 */
static int emit_stats(const struct moat_events_opts *o, const char *id, struct moat_cgroup *cg,
		      uint64_t *oom_kills, bool with_stats, struct moat_err *err)
{
	struct moat_arena a = {0};
	struct moat_cgroup_stats s;
	struct moat_buf b = {0};
	int r = moat_cgroup_stats(cg, &a, &s, err);

	if (r < 0) {
		moat_arena_free(&a);
		return moat_err_prefix(err, "stats of container \"%s\"", id);
	}
	if (oom_kills && s.mem_oom_kills > *oom_kills) {
		moat_buf_puts(&b, "{\"type\":\"oom\",\"id\":");
		moat_json_str(&b, id);
		moat_buf_puts(&b, "}");
		r = o->emit(b.data, o->arg);
		b.len = 0;
	}
	if (oom_kills)
		*oom_kills = s.mem_oom_kills;
	if (r >= 0 && with_stats) {
		moat_buf_puts(&b, "{\"type\":\"stats\",\"id\":");
		moat_json_str(&b, id);
		moat_buf_puts(&b, ",\"data\":");
		moat_cgroup_stats_json(&s, &b);
		moat_buf_puts(&b, "}");
		r = o->emit(b.data, o->arg);
	}
	moat_buf_free(&b);
	moat_arena_free(&a);
	return r < 0 ? moat_err_setx(err, -r, "events: output failed") : 0;
}

/*
 * An fd that becomes readable when the memory controller records an OOM
 * (or -1 when there is none): cgroup2 signals changes of memory.events to
 * inotify; v1 signals OOMs through an eventfd registered with
 * cgroup.event_control for memory.oom_control (*ret_extra keeps that file
 * open, closing it would unregister the event).  runc listens the same way.
 */
static int oom_notifier(struct moat_cgroup *cg, int *ret_extra)
{
	const char *dir = moat_cgroup_get_dir(cg, "memory");
	char path[4096], reg[64];

	*ret_extra = -1;
	if (!dir)
		return -1;
	snprintf(path, sizeof(path), "%s/memory.events", dir);
	if (access(path, F_OK) == 0) {
		int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (fd >= 0 && inotify_add_watch(fd, path, IN_MODIFY) < 0) {
			close(fd);
			fd = -1;
		}
		return fd;
	}
	snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
	int ofd = open(path, O_RDONLY | O_CLOEXEC);
	if (ofd < 0)
		return -1;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	snprintf(path, sizeof(path), "%s/cgroup.event_control", dir);
	snprintf(reg, sizeof(reg), "%d %d", efd, ofd);
	if (efd < 0 || sys_write_file(AT_FDCWD, path, reg, strlen(reg)) < 0) {
		if (efd >= 0)
			close(efd);
		close(ofd);
		return -1;
	}
	*ret_extra = ofd;
	return efd;
}

/* A pidfd of the container's init, or -1 when it is not that process any
 * more (the same check as kill's: the start time recorded at create). */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Stats every interval and an oom event per OOM kill, until the init exits. */
/* The next poll timeout in ms: until the next stats tick, or sooner when an
 * OOM notification still waits for its kill to be counted. */
static int poll_timeout(long long next, long long recheck_until)
{
	long long now = now_ms(), wait = next - now;

	if (recheck_until && wait > 20)
		wait = 20;
	return wait < 0 ? 0 : (int)(wait > 60000 ? 60000 : wait);
}

/*
 * Stats every interval and an oom event per OOM kill, until the init exits.
 * The v1 notification comes when the memory cgroup hits OOM, before the
 * victim is chosen and counted: when the count has not grown yet, it is
 * read again every 20 ms for up to a second.
 */
static int events_loop(const struct moat_events_opts *o, const char *id, struct moat_cgroup *cg,
		       int pidfd, struct moat_err *err)
{
	uint64_t kills = 0, before;
	long long next = now_ms() + (long long)o->interval_ms, recheck_until = 0;
	int extra, r = 0;
	int nfd = oom_notifier(cg, &extra);

	/* the count so far: only later kills are events */
	struct moat_arena a = {0};
	struct moat_cgroup_stats s;
	struct moat_err ignored;
	if (moat_cgroup_stats(cg, &a, &s, &ignored) == 0)
		kills = s.mem_oom_kills;
	moat_arena_free(&a);

	for (;;) {
		struct pollfd p[2] = {{.fd = pidfd, .events = POLLIN},
				      {.fd = nfd, .events = POLLIN}};
		int n = poll(p, nfd >= 0 ? 2 : 1, poll_timeout(next, recheck_until));
		if (n < 0 && errno != EINTR) {
			r = moat_err_set(err, errno, "events: poll");
			break;
		}
		bool notified = n > 0 && nfd >= 0 && (p[1].revents & POLLIN);
		if (notified) {
			char buf[4096];
			while (read(nfd, buf, sizeof(buf)) > 0)
				;
		}
		if (notified || recheck_until) {
			before = kills;
			if ((r = emit_stats(o, id, cg, &kills, false, err)) < 0)
				break;
			if (kills != before || (!notified && now_ms() >= recheck_until))
				recheck_until = 0;
			else if (notified)
				recheck_until = now_ms() + 1000;
		}
		if (n > 0 && (p[0].revents & (POLLIN | POLLHUP))) {
			/* an OOM kill of the init itself is reported before leaving */
			r = emit_stats(o, id, cg, &kills, false, err);
			break;
		}
		if (now_ms() >= next) {
			next += (long long)o->interval_ms;
			if (next < now_ms())
				next = now_ms() + (long long)o->interval_ms;
			if ((r = emit_stats(o, id, cg, &kills, true, err)) < 0)
				break;
		}
	}
	if (nfd >= 0)
		close(nfd);
	if (extra >= 0)
		close(extra);
	return r < 0 ? r : 0;
}

int moat_events(struct moat_ctx *ctx, const char *id, const struct moat_events_opts *o,
		struct moat_err *err)
{
	struct loaded l;
	int r;

	if (!o->stats_only && o->interval_ms == 0)
		return moat_err_setx(err, EINVAL, "events: the interval must be greater than 0");
	if ((r = load(ctx, id, false, &l, err)) < 0)
		return r;
	if (!alive(&l.st)) {
		r = moat_err_setx(err, ESRCH, "container \"%s\" is not running", id);
	} else if (o->stats_only) {
		r = emit_stats(o, id, l.cg, NULL, true, err);
	} else {
		int pidfd = state_init_pidfd(&l.st);
		if (pidfd < 0) {
			r = moat_err_setx(err, ESRCH, "container \"%s\" is not running", id);
		} else {
			r = events_loop(o, id, l.cg, pidfd, err);
			close(pidfd);
		}
	}
	loaded_free(&l);
	return r;
}
