/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroupfs v2 backend: one hierarchy at /sys/fs/cgroup.  Controllers
 * are enabled in each ancestor's cgroup.subtree_control; freeze, kill and
 * population are core files (cgroup.freeze, cgroup.kill, cgroup.events).
 * Nothing here assumes v1: the functions are also used for the cgroup2
 * hierarchy of a hybrid host.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/internal.h"

#define FREEZE_TIMEOUT_MS 5000

int cg_v2_enable(int fd, unsigned want, struct moat_err *err)
{
	char avail[512], on[512], add[1024] = "";
	size_t len = 0;

	if (cg_read(fd, "cgroup.controllers", avail, sizeof(avail)) < 0 ||
	    cg_read(fd, "cgroup.subtree_control", on, sizeof(on)) < 0)
		return 0; /* not a cgroup2 directory we can tell anything about */
	for (char *save = NULL, *t = strtok_r(avail, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save)) {
		unsigned bit = cg_ctrl_mask(t, " ");
		if (want != ~0u && !(bit & want))
			continue;
		char pad[64];
		snprintf(pad, sizeof(pad), " %s ", t);
		char onpad[520];
		snprintf(onpad, sizeof(onpad), " %s ", on);
		for (char *p = onpad; *p; p++)
			if (*p == '\n')
				*p = ' ';
		if (strstr(onpad, pad))
			continue;
		len += (size_t)snprintf(add + len, sizeof(add) - len, "%s+%s", len ? " " : "", t);
		if (len >= sizeof(add))
			return moat_err_setx(err, E2BIG, "cgroup: too many controllers");
	}
	if (!len || cg_write(fd, "cgroup.subtree_control", add) == 0)
		return 0;
	/* One refused (a threaded or busy cgroup, a controller bound to v1):
	 * enable the others one by one. A resource that needs a missing one
	 * reports it by name when it is applied. */
	for (char *save = NULL, *t = strtok_r(add, " ", &save); t; t = strtok_r(NULL, " ", &save))
		cg_write(fd, "cgroup.subtree_control", t);
	return 0;
}

static int v2_init_level(struct moat_cgroup *cg, struct cg_hier *h, int parentfd, int fd, bool made,
			 bool leaf, unsigned want, struct moat_err *err)
{
	/* the leaf holds the processes: by the no-internal-process rule it
	 * enables nothing below itself */
	if (leaf || !want)
		return 0;
	return cg_v2_enable(fd, want, err);
}

/* "frozen 1" in cgroup.events */
static int events_frozen(int fd, bool *ret)
{
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	char *p = strstr(buf, "frozen ");
	if (!p)
		return -ENODATA;
	*ret = p[7] == '1';
	return 0;
}

int cg_v2_freeze_set(struct cg_hier *h, bool frozen, struct moat_err *err)
{
	struct timespec start, now;
	bool state = false;
	int r;

	if ((r = cg_hier_open(h, err)) < 0)
		return r;
	if ((r = cg_write(h->fd, "cgroup.freeze", frozen ? "1" : "0")) < 0)
		return moat_err_set(err, -r, "cgroup: write %s/cgroup.freeze", h->dir);
	int fd = openat(h->fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return moat_err_set(err, errno, "cgroup: open %s/cgroup.events", h->dir);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if ((r = events_frozen(fd, &state)) < 0) {
			close(fd);
			return moat_err_set(err, -r, "cgroup: read %s/cgroup.events", h->dir);
		}
		if (state == frozen)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms =
		    (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= FREEZE_TIMEOUT_MS) {
			close(fd);
			if (frozen)
				cg_write(h->fd, "cgroup.freeze", "0");
			return moat_err_setx(err, ETIMEDOUT, "cgroup %s: not %s after %d ms",
					     h->dir, frozen ? "frozen" : "thawed",
					     FREEZE_TIMEOUT_MS);
		}
		/* cgroup.events changes are notified as POLLPRI */
		struct pollfd pfd = {.fd = fd, .events = POLLPRI};
		poll(&pfd, 1, 100);
	}
	close(fd);
	return 0;
}

int cg_v2_freeze_get(struct cg_hier *h, bool *ret, struct moat_err *err)
{
	char buf[8];
	int r;

	if ((r = cg_hier_open(h, err)) < 0)
		return r;
	ssize_t n = cg_read(h->fd, "cgroup.freeze", buf, sizeof(buf));
	if (n < 0)
		return moat_err_set(err, (int)-n, "cgroup: read %s/cgroup.freeze", h->dir);
	*ret = buf[0] == '1';
	return 0;
}

/* cgroup.kill (5.14+) kills the whole subtree, also processes forking
 * meanwhile: no freeze-and-loop needed. */
int cg_v2_kill(struct moat_cgroup *cg, struct cg_hier *h, int sig, struct moat_err *err)
{
	int r;

	if ((r = cg_hier_open(h, err)) < 0)
		return r;
	if (sig == SIGKILL) {
		r = cg_write(h->fd, "cgroup.kill", "1");
		if (r != -ENOENT) /* ENOENT: an older kernel */
			return r < 0 ? moat_err_set(err, -r, "cgroup: write %s/cgroup.kill", h->dir)
				     : 0;
	}
	return cg_kill_frozen(cg, h, sig, err);
}

static int v2_freeze(struct moat_cgroup *cg, bool frozen, struct moat_err *err)
{
	return cg_v2_freeze_set(cg_hier_v2(cg), frozen, err);
}

static int v2_is_frozen(struct moat_cgroup *cg, bool *ret, struct moat_err *err)
{
	return cg_v2_freeze_get(cg_hier_v2(cg), ret, err);
}

static int v2_kill(struct moat_cgroup *cg, int sig, struct moat_err *err)
{
	return cg_v2_kill(cg, cg_hier_v2(cg), sig, err);
}

const struct cg_ops cg_v2_ops = {
    .name = "cgroupfs v2",
    .init_level = v2_init_level,
    .freeze = v2_freeze,
    .is_frozen = v2_is_frozen,
    .kill = v2_kill,
    .stats = cg_v2_stats,
};
