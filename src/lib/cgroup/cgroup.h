/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * The one cgroup interface of moat: a container's cgroup as a handle, with a
 * backend per host layout behind it (cgroupfs v1 incl. hybrid, cgroupfs v2;
 * a systemd driver can be added as a third table of ops).
 *
 * Usage on the start path:
 *
 *	struct moat_cgroup *cg;
 *	struct moat_cgroup_join j;
 *	r = moat_cgroup_create(&(struct moat_cgroup_config){ .id = id,
 *			.path = spec->cgroups_path, .resources = spec->resources,
 *			.devices = spec->devices, .n_devices = spec->n_devices }, &cg, err);
 *	r = moat_cgroup_join_prepare(cg, &j, err);     // fds, opened by the parent
 *	args.cgroup = j.clone_fd; if (j.clone_fd >= 0) args.flags |= CLONE_INTO_CGROUP;
 *	pid = clone3(&args);
 *	child:  r = moat_cgroup_join_self(&j, j.clone_fd >= 0);   // first thing
 *	parent: moat_cgroup_join_release(&j);
 *	        moat_cgroup_to_string(cg, &buf);  -> state file "cgroup="
 *	on failure: moat_cgroup_destroy(cg, MOAT_CGROUP_KILL, err);
 *	moat_cgroup_free(cg);
 *
 * Later verbs re-open the handle from the saved string and make one call:
 *	delete       moat_cgroup_destroy(cg, MOAT_CGROUP_KILL, err)
 *	kill --all   moat_cgroup_kill(cg, sig, err)
 *	pause/resume moat_cgroup_freeze(cg, true|false, err)
 *	state        moat_cgroup_is_frozen(cg, &paused, err)
 *	ps           moat_cgroup_pids(cg, &pids, &n, err)
 *	update       moat_cgroup_update(cg, res, err)
 *	events       moat_cgroup_stats(cg, arena, &stats, err)
 *
 * Where the cgroup lands (runc's meaning, checked against runc 1.1 on this
 * kind of host), per hierarchy with mount point M (/sys/fs/cgroup/<ctrl>
 * on v1, /sys/fs/cgroup/unified on hybrid, /sys/fs/cgroup on v2):
 *	"/a/b"   absolute  M/a/b in every hierarchy.
 *	"a/b"    relative  v1: M/<own cgroup in that hierarchy>/a/b.
 *	                   v2: M/<parent of own cgroup>/a/b (the own cgroup holds
 *	                   processes, so by the no-internal-process rule it cannot
 *	                   have children with controllers; runc does the same).
 *	absent             as the relative path "<id>".
 * "Own cgroup" is the caller's, from /proc/self/cgroup.  ".." components
 * are refused.  On v1/hybrid every mounted hierarchy listed in
 * /proc/self/cgroup gets the directory (also name=systemd), plus the cgroup2
 * one on hybrid hosts.  Intermediate directories that create made stay
 * after destroy (they may be shared), except when create itself fails.
 *
 * Errors are -errno with *err set.  Resource errors name the field:
 * "linux.resources.memory.swappiness: not supported on cgroup v2".
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "spec/spec.h"

enum moat_cgroup_layout {
	MOAT_CGROUP_V1,	    /* only v1 hierarchies (no cgroup2 mount) */
	MOAT_CGROUP_HYBRID, /* v1 hierarchies + cgroup2 at <root>/unified */
	MOAT_CGROUP_V2,	    /* cgroup2 at <root> */
};

const char *moat_cgroup_layout_name(enum moat_cgroup_layout l); /* "v1", "hybrid", "v2" */

/* The host's layout, by statfs of root ("/sys/fs/cgroup" when NULL) and
 * root/unified. Two syscalls, no file read. */
int moat_cgroup_detect(const char *root, enum moat_cgroup_layout *ret, struct moat_err *err);

struct moat_cgroup;

struct moat_cgroup_config {
	const char *id;	  /* container id; the default path is the relative "<id>" */
	const char *path; /* linux.cgroupsPath, NULL when absent */
	const struct moat_resources *resources; /* NULL: no limits */
	/* linux.devices: each is allowed "rwm" after resources.devices and the
	 * defaults (as runc does), so a device the config creates is usable. */
	const struct moat_device *devices;
	size_t n_devices;
	bool skip_devices; /* leave device access alone (rootless, joined cgroup) */
	/* For tests: the cgroup mount root (NULL: /sys/fs/cgroup) and the text
	 * of /proc/self/cgroup (NULL: read it). */
	const char *root;
	const char *self_cgroup;
};

/*
 * Make the container's cgroup in every hierarchy and apply resources and
 * device rules before anything runs in it.  A leaf that already exists is
 * reused unless processes are in it (then EBUSY, as the spec suggests).  On
 * failure every directory this call made is removed and *ret is untouched.
 */
int moat_cgroup_create(const struct moat_cgroup_config *cfg, struct moat_cgroup **ret,
		       struct moat_err *err);

/* Re-open a handle from moat_cgroup_to_string() output (the state file).
 * Only parses and opens; a cgroup already removed gives a handle whose
 * calls fail with ENOENT, and destroy of it succeeds. */
int moat_cgroup_open(const char *saved, struct moat_cgroup **ret, struct moat_err *err);

/* The handle as text (a few lines: layout, then one per hierarchy). */
void moat_cgroup_to_string(const struct moat_cgroup *cg, struct moat_buf *out);

/* Closes fds and frees memory; the cgroup itself stays.  NULL is fine. */
void moat_cgroup_free(struct moat_cgroup *cg);

enum moat_cgroup_layout moat_cgroup_get_layout(const struct moat_cgroup *cg);

/*
 * The container's cgroup path as its processes see it in /proc/self/cgroup
 * before a cgroup namespace ("/a/b", for the cgroup2 hierarchy if there is
 * one, else for the first v1 one).
 */
const char *moat_cgroup_get_path(const struct moat_cgroup *cg);

/* Directory of the container's cgroup in the hierarchy holding controller
 * ("memory", "cpu", ...; "" or NULL: the cgroup2 one), or NULL. */
const char *moat_cgroup_get_dir(const struct moat_cgroup *cg, const char *controller);

#define MOAT_CGROUP_MAX_HIER 16

/*
 * What a new process needs to start inside the cgroup, opened by the parent
 * before clone so the child allocates nothing and opens nothing.
 *
 * Why not write the pid to cgroup.procs from the parent: on v1 that takes
 * cgroup_threadgroup_rwsem for writing, whose first use after an idle
 * period waits an RCU grace period (6-15 ms measured here).  A task
 * writing "0" to a v1 `tasks` file moves only itself and skips that lock.
 * On cgroup2 clone3(CLONE_INTO_CGROUP) places the child atomically at
 * fork time, taking the lock only for reading.  The kernel checks write
 * permission with the opener's credentials (5.16+), so the fds work even
 * after the child entered a new user namespace.
 */
struct moat_cgroup_join {
	int clone_fd; /* cgroup2 dir (O_PATH|O_DIRECTORY) for clone_args.cgroup, or -1 */
	int procs_fd; /* its cgroup.procs (O_WRONLY), for a child not cloned into it, or -1 */
	int tasks_fds[MOAT_CGROUP_MAX_HIER]; /* v1 tasks files (O_WRONLY) */
	size_t n_tasks;
};

/* Open the fds above (all O_CLOEXEC). On failure nothing stays open. */
int moat_cgroup_join_prepare(struct moat_cgroup *cg, struct moat_cgroup_join *ret,
			     struct moat_err *err);

/*
 * In the new process, before it does anything else: write "0" to each v1
 * tasks fd, and to procs_fd unless cloned_into (clone3 used clone_fd).
 * Only write(2): async-signal-safe, no allocation.  Returns 0, or -errno of
 * the first failing write (the caller reports "join cgroup").
 */
int moat_cgroup_join_self(const struct moat_cgroup_join *j, bool cloned_into);

/* Close the fds (the parent, after clone). */
void moat_cgroup_join_release(struct moat_cgroup_join *j);

/* Move an existing process (all its threads) into the cgroup in every
 * hierarchy (writes pid to cgroup.procs; the slow path, see above). */
int moat_cgroup_attach(struct moat_cgroup *cg, pid_t pid, struct moat_err *err);

/* Apply resources to a live cgroup (runc update).  Only the fields given
 * change.  linux.resources.devices is not changed by update (as in runc, the
 * device rules stay those of create). memory.checkBeforeUpdate refuses a
 * limit below the current usage on v2 (v1's kernel refuses it anyway). */
int moat_cgroup_update(struct moat_cgroup *cg, const struct moat_resources *res,
		       struct moat_err *err);

/* Freeze (pause) or thaw (resume), and wait until the kernel reports the
 * state (v1 freezer.state FROZEN, v2 cgroup.events "frozen 1"). ETIMEDOUT
 * after 5 s, with the cgroup thawed again. */
int moat_cgroup_freeze(struct moat_cgroup *cg, bool frozen, struct moat_err *err);
int moat_cgroup_is_frozen(struct moat_cgroup *cg, bool *ret, struct moat_err *err);

/* Every process in the cgroup and its descendants (malloc'd array, caller
 * frees; *ret_n may be 0). */
int moat_cgroup_pids(struct moat_cgroup *cg, pid_t **ret, size_t *ret_n, struct moat_err *err);

/* Send sig to every process of the cgroup (kill --all).  SIGKILL on v2
 * uses cgroup.kill; otherwise the cgroup is frozen, each process signalled,
 * and the freeze state restored (SIGKILL always thaws, so they die). */
int moat_cgroup_kill(struct moat_cgroup *cg, int sig, struct moat_err *err);

#define MOAT_CGROUP_KILL 1u /* destroy: SIGKILL what is left and wait until empty */

/*
 * Remove the cgroup in every hierarchy, descendants first.  With
 * MOAT_CGROUP_KILL remaining processes are killed and waited for (5 s);
 * without it a populated cgroup gives EBUSY.  A hierarchy where it is
 * already gone counts as done, so destroy can be repeated.
 */
int moat_cgroup_destroy(struct moat_cgroup *cg, unsigned flags, struct moat_err *err);

/* runc's `events --stats` data. Absent controllers leave their part zero
 * with has_* false. Units: bytes, nanoseconds, counts. */
struct moat_cgroup_kv {
	const char *key;
	uint64_t value;
};

struct moat_cgroup_blkio_entry {
	uint32_t major, minor;
	const char *op; /* "Read", "Write", "Sync", "Async", "Discard", "Total" */
	uint64_t value;
};

struct moat_cgroup_hugetlb {
	const char *page_size; /* "2MB" */
	uint64_t usage, max_usage, failcnt;
};

struct moat_cgroup_mem_entry {
	uint64_t usage, max_usage, limit, failcnt; /* limit: UINT64_MAX = unlimited */
};

struct moat_cgroup_stats {
	bool has_cpu;
	uint64_t cpu_total, cpu_user, cpu_kernel;		    /* ns */
	uint64_t *cpu_percpu, *cpu_percpu_user, *cpu_percpu_kernel; /* v1 only */
	size_t n_percpu;
	uint64_t throttle_periods, throttle_throttled_periods, throttle_time; /* time in ns */

	bool has_memory;
	uint64_t mem_cache;
	struct moat_cgroup_mem_entry mem_usage;
	struct moat_cgroup_mem_entry mem_swap; /* memory+swap, as v1 reports it */
	struct moat_cgroup_mem_entry mem_kernel, mem_kernel_tcp;
	bool mem_use_hierarchy;
	uint64_t mem_oom_kills;		 /* for `events`: an increase means an OOM kill */
	struct moat_cgroup_kv *mem_stat; /* memory.stat, in file order */
	size_t n_mem_stat;

	bool has_pids;
	uint64_t pids_current, pids_limit; /* limit 0 = no limit */

	bool has_blkio;
	struct moat_cgroup_blkio_entry *io_service_bytes, *io_serviced;
	size_t n_io_service_bytes, n_io_serviced;

	struct moat_cgroup_hugetlb *hugetlb;
	size_t n_hugetlb;
};

/* Read the stats; everything allocated in a. */
int moat_cgroup_stats(struct moat_cgroup *cg, struct moat_arena *a, struct moat_cgroup_stats *ret,
		      struct moat_err *err);

/* The stats as runc's `events --stats` "data" object (runc types.Stats, Go's
 * omitempty rules kept), so `events` prints
 * {"type":"stats","id":"<id>","data":<this>}. */
void moat_cgroup_stats_json(const struct moat_cgroup_stats *s, struct moat_buf *out);
