/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroupfs v1 backend, also for hybrid hosts: one directory per v1
 * hierarchy, plus the cgroup2 one on hybrid (joined, so `kill` can use
 * cgroup.kill there, and used for controllers only it offers).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "cgroup/internal.h"

#define FREEZE_TIMEOUT_MS 5000

/* A new cpuset cgroup starts with no cpus and no mems, and a task cannot
 * join it (ENOSPC): give it its parent's. */
static int cpuset_inherit(struct cg_hier *h, int parentfd, int fd, const char *file,
			  struct moat_err *err)
{
	char cur[256], val[256];
	int r;

	if (cg_read(fd, file, cur, sizeof(cur)) < 0 || (cur[0] != '\n' && cur[0] != '\0'))
		return 0;
	if (cg_read(parentfd, file, val, sizeof(val)) < 0)
		return 0;
	if ((r = cg_write(fd, file, val)) < 0)
		return moat_err_set(err, -r, "cgroup: copy %s into %s", file, h->dir);
	return 0;
}

static int v1_init_level(struct moat_cgroup *cg, struct cg_hier *h, int parentfd, int fd, bool made,
			 bool leaf, unsigned want, struct moat_err *err)
{
	int r;

	if (h->v2)
		return leaf || !want ? 0 : cg_v2_enable(fd, want, err);
	if (made && parentfd >= 0 && (h->mask & CG_BIT(CG_CPUSET))) {
		if ((r = cpuset_inherit(h, parentfd, fd, "cpuset.cpus", err)) < 0 ||
		    (r = cpuset_inherit(h, parentfd, fd, "cpuset.mems", err)) < 0)
			return r;
	}
	return 0;
}

int cg_v1_freezer_set(struct cg_hier *h, bool frozen, struct moat_err *err)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	char state[32];
	int r;

	if ((r = cg_hier_open(h, err)) < 0)
		return r;
	for (unsigned waited = 0;;) {
		/* write again now and then: a task that was forking when the
		 * freeze began can leave the cgroup FREEZING (runc does this) */
		if (waited % 100 == 0 && (r = cg_write(h->fd, "freezer.state", want)) < 0)
			return moat_err_set(err, -r, "cgroup: write %s to %s/freezer.state", want,
					    h->dir);
		ssize_t n = cg_read(h->fd, "freezer.state", state, sizeof(state));
		if (n < 0)
			return moat_err_set(err, (int)-n, "cgroup: read %s/freezer.state", h->dir);
		if (strncmp(state, want, strlen(want)) == 0)
			return 0;
		if (waited >= FREEZE_TIMEOUT_MS) {
			if (frozen)
				cg_write(h->fd, "freezer.state", "THAWED");
			return moat_err_setx(err, ETIMEDOUT, "cgroup %s: not %s after %d ms",
					     h->dir, want, FREEZE_TIMEOUT_MS);
		}
		unsigned step = waited < 10 ? 1 : 10;
		cg_sleep_ms(step);
		waited += step;
	}
}

int cg_v1_freezer_get(struct cg_hier *h, bool *ret, struct moat_err *err)
{
	char state[32];
	int r;

	if ((r = cg_hier_open(h, err)) < 0)
		return r;
	ssize_t n = cg_read(h->fd, "freezer.state", state, sizeof(state));
	if (n < 0)
		return moat_err_set(err, (int)-n, "cgroup: read %s/freezer.state", h->dir);
	*ret = strncmp(state, "FROZEN", 6) == 0;
	return 0;
}

static int v1_freeze(struct moat_cgroup *cg, bool frozen, struct moat_err *err)
{
	struct cg_hier *h = cg_hier_for(cg, CG_FREEZER);

	if (h)
		return cg_v1_freezer_set(h, frozen, err);
	if ((h = cg_hier_v2(cg)))
		return cg_v2_freeze_set(h, frozen, err);
	return moat_err_setx(err, ENOTSUP, "cgroup: no freezer hierarchy is mounted");
}

static int v1_is_frozen(struct moat_cgroup *cg, bool *ret, struct moat_err *err)
{
	struct cg_hier *h = cg_hier_for(cg, CG_FREEZER);

	if (h)
		return cg_v1_freezer_get(h, ret, err);
	if ((h = cg_hier_v2(cg)))
		return cg_v2_freeze_get(h, ret, err);
	*ret = false;
	return 0;
}

static int v1_kill(struct moat_cgroup *cg, int sig, struct moat_err *err)
{
	struct cg_hier *v2 = cg_hier_v2(cg), *procs = cg_hier_procs(cg), *fz;
	struct moat_err ferr;
	bool frozen = false;
	int r;

	/* hybrid: every process of the container is in the cgroup2 directory
	 * too (clone3 put it there), and cgroup.kill is race-free */
	if (sig == SIGKILL && v2 && cg_hier_open(v2, err) == 0 &&
	    cg_file_exists(v2->fd, "cgroup.kill")) {
		r = cg_v2_kill(cg, v2, sig, err);
		/* a task frozen by the v1 freezer dies only once thawed */
		if (r == 0 && (fz = cg_hier_for(cg, CG_FREEZER)) &&
		    cg_v1_freezer_get(fz, &frozen, &ferr) == 0 && frozen)
			cg_v1_freezer_set(fz, false, &ferr);
		return r;
	}
	if (!procs)
		return moat_err_setx(err, ENOENT, "cgroup: no hierarchy");
	return cg_kill_frozen(cg, procs, sig, err);
}

const struct cg_ops cg_v1_ops = {
    .name = "cgroupfs v1",
    .init_level = v1_init_level,
    .freeze = v1_freeze,
    .is_frozen = v1_is_frozen,
    .kill = v1_kill,
    .stats = cg_v1_stats,
};
