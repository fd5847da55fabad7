/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * What the runtime knows about one container while creating it. The init is
 * cloned from the runtime, so it sees the same struct (copy-on-write) and
 * needs nothing re-sent but its host pid.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/err.h"
#include "cgroup/cgroup.h"
#include "seccomp/seccomp.h"
#include "moat/moat.h"
#include "spec/spec.h"

struct container {
	struct moat_ctx *ctx;
	const struct moat_create_opts *opts;
	const char *id;
	char *bundle; /* absolute */
	struct moat_spec *spec;
	char *created; /* RFC 3339 */

	int rootfd;     /* state root dir */
	int dirfd;      /* this container's (locked) state dir */
	char tmpname[256]; /* the state dir's name until published as id */
	bool published;
	unsigned needs;   /* STATE_NEEDS_*: what start/delete need the saved config for */

	bool detached;  /* create: wait for `start` on start.sock; run: SYNC_START */
	int sync_parent, sync_child; /* socketpair ends */
	int console_sock; /* connected --console-socket, or -1 */
	int pty_master;   /* run without --console-socket: moat relays the pty, or -1 */
	int start_listen; /* init: listening start.sock, or -1 */

	struct moat_cgroup *cgroup;   /* made before the clone */
	struct moat_cgroup_join join; /* fds the init uses to join it */
	bool cloned_into_cgroup;      /* clone3(CLONE_INTO_CGROUP) placed it (v2) */

	struct moat_seccomp_filter *seccomp; /* compiled before the clone, or NULL */

	pid_t pid;      /* host pid of the init */
	int pidfd;
	unsigned long long start_time;

	/* init only */
	int report_fd;  /* where the init reports a late failure (sync socket, or start conn) */
	int host_root;  /* O_PATH fd of the host's root for createContainer/startContainer hooks */
	int pty_slave;  /* process.terminal */
	char exe[4096]; /* process.args[0] resolved in the container's PATH */
	dev_t self_dev; /* the runtime's own binary, which the container must */
	ino_t self_ino; /* never execute (CVE-2019-5736) */
};

/* Build the OCI state JSON for hooks (status as given). */
void container_state_json(const struct container *c, const char *status, struct moat_buf *out);

/* The init: runs in the cloned child, never returns. */
__attribute__((noreturn)) void init_main(struct container *c);

/* Pieces of the init, one file each. All return 0 or -errno with *err set. */
int ns_join_and_unshare(struct container *c, struct moat_err *err);
int ns_setup_net_loopback(struct moat_err *err);
int ns_write_id_maps(pid_t pid, const struct moat_spec *spec, struct moat_err *err);
int ns_move_net_devices(const struct container *c, struct moat_err *err);
int ns_apply_sysctl(const struct moat_spec *spec, struct moat_err *err);
int rootfs_prepare(struct container *c, struct moat_err *err);
int rootfs_finish(struct container *c, struct moat_err *err);
int rootfs_pivot(struct container *c, struct moat_err *err);
int rootfs_apply_propagation(struct container *c, struct moat_err *err);
int rootfs_make_readonly(struct moat_err *err);
int process_resolve_exe(struct container *c, struct moat_err *err);
int process_check_exe(const struct container *c, struct moat_err *err);
int process_prepare_early(struct container *c, struct moat_err *err);
int process_finalize(struct container *c, struct moat_err *err);
/* Install the seccomp filter (handing a NOTIFY listener to the runtime). */
int process_seccomp(struct container *c, struct moat_err *err);
/* Runtime side of SYNC_SECCOMP_FD: fetch the listener from the init and give
 * it to linux.seccomp.listenerPath (or return it in *ret_fd when ret_fd is
 * not NULL, for the recorder). */
int seccomp_listener_take(int pidfd, pid_t pid, int fdnum, const struct moat_spec *spec,
			  const char *state_json, int *ret_fd, struct moat_err *err);

/* Hooks: run each hook of kind with the state JSON on stdin. When root_fd >= 0
 * the hook process chroots there first (createContainer/startContainer hooks
 * run in the container's namespaces but resolve their path in the runtime's
 * filesystem). Returns 0 or -errno with *err naming the hook. */
int hooks_run(const struct moat_spec *spec, enum moat_hook_kind kind, const char *state_json,
	      int root_fd, struct moat_err *err);
/* poststart and poststop: a failure is a warning and the next hook still runs. */
void hooks_run_warn(const struct moat_spec *spec, enum moat_hook_kind kind, const char *state_json,
		    void (*warn)(const char *msg));
