/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * libmoat: the OCI runtime as a library; the CLI (src/cli) is a thin client.
 *
 * Usage pattern:
 *
 *	struct moat_ctx ctx = { .root = "/run/moat" };
 *	struct moat_err err;
 *	struct moat_create_opts o = { .id = "c1", .bundle = "/srv/bundle" };
 *	if (moat_create(&ctx, &o, &err) < 0)
 *		fprintf(stderr, "moat: %s\n", err.msg);
 *
 * Every call returns 0 (or a non-negative value) on success and -errno on
 * failure with *err describing it in one line. The library never prints,
 * except the container's own output and what hooks print.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/err.h"

struct moat_ctx {
	const char *root; /* state root, e.g. /run/moat */
	bool debug;
	/* Called for warnings (a failing poststart/poststop hook, ...). May be NULL. */
	void (*warn)(const char *msg);
	/* Called with detail when debug is set (--debug). May be NULL. */
	void (*debug_log)(const char *msg);
};

struct moat_create_opts {
	const char *id;
	const char *bundle;         /* NULL: current directory */
	const char *pid_file;       /* NULL: none */
	const char *console_socket; /* NULL: none */
	bool no_pivot;
	bool no_new_keyring;
	unsigned preserve_fds;      /* fds 3 .. 3+N-1 are passed to the container */
	bool detach;                /* run: do not wait */
	/* run: trace the workload's syscalls and write an OCI seccomp profile
	 * allowing exactly those to this file (replaces linux.seccomp). */
	const char *seccomp_record;
};

int moat_create(struct moat_ctx *ctx, const struct moat_create_opts *o, struct moat_err *err);
int moat_start(struct moat_ctx *ctx, const char *id, struct moat_err *err);
/* create + start + wait + delete. *ret_status is the container's exit code,
 * or 128+N when killed by signal N. Signals sent to the caller are forwarded. */
int moat_run(struct moat_ctx *ctx, const struct moat_create_opts *o, int *ret_status,
	     struct moat_err *err);
int moat_kill(struct moat_ctx *ctx, const char *id, int sig, bool all, struct moat_err *err);
int moat_delete(struct moat_ctx *ctx, const char *id, bool force, struct moat_err *err);
/* OCI state JSON of one container (pretty-printed like runc). */
int moat_state(struct moat_ctx *ctx, const char *id, struct moat_buf *out, struct moat_err *err);

struct moat_list_entry {
	char *id;
	pid_t pid;
	const char *status;
	char *bundle;
	char *created;
	char *owner;
	char *json; /* the OCI state JSON of this container, one line */
};
/* All containers under ctx->root, sorted by id. Free with moat_list_free. */
int moat_list(struct moat_ctx *ctx, struct moat_list_entry **ret, size_t *ret_n, struct moat_err *err);
void moat_list_free(struct moat_list_entry *l, size_t n);

/* `moat spec`: a config.json for a busybox-style bundle (rootfs "rootfs"). */
void moat_spec_default(struct moat_buf *out, bool rootless);
/* `moat features`: the OCI features JSON. */
void moat_features(struct moat_buf *out);

/* ---- the cgroup verbs (src/lib/ops_cgroup.c) ---- */

struct moat_update_flag {
	const char *name;  /* runc's flag without dashes: "memory", "cpu-quota", "pids-limit", ... */
	const char *value; /* as given: "64m", "-1", "0-3" */
};

struct moat_update_opts {
	/* runc's --resources: a LinuxResources JSON object; when set, flags are
	 * ignored (as in runc). resources_name names it in errors ("-", a path). */
	const char *resources_json;
	size_t resources_len;
	const char *resources_name;
	const struct moat_update_flag *flags;
	size_t n_flags;
};

/* Change the resources of a created, running or paused container.  Only
 * what is given changes; as in runc, a 0 memory limit/reservation, pids
 * limit or blkio weight means "unchanged", and device rules stay those of
 * create.  Errors name the field ("linux.resources.memory.limit: ..."). */
int moat_update(struct moat_ctx *ctx, const char *id, const struct moat_update_opts *o,
		struct moat_err *err);
/* Freeze every process of a created or running container (its status
 * becomes "paused"), and thaw a paused one.  The status comes from the
 * cgroup freezer itself. */
int moat_pause(struct moat_ctx *ctx, const char *id, struct moat_err *err);
int moat_resume(struct moat_ctx *ctx, const char *id, struct moat_err *err);
/* The pids of every process in the container's cgroup (and cgroups below
 * it), ascending; malloc'd, the caller frees. */
int moat_ps(struct moat_ctx *ctx, const char *id, pid_t **ret, size_t *ret_n, struct moat_err *err);

struct moat_events_opts {
	bool stats_only;              /* one stats event, then return (events --stats) */
	unsigned long long interval_ms; /* otherwise: a stats event every interval */
	/* Called with each event, one JSON object without newline: runc's
	 * {"type":"stats","id":ID,"data":{...}} or {"type":"oom","id":ID}.
	 * Returns 0, or -errno to stop. */
	int (*emit)(const char *json, void *arg);
	void *arg;
};
/* runc's events: with stats_only one stats event; otherwise stats every
 * interval and an oom event per OOM kill, until the container's init exits. */
int moat_events(struct moat_ctx *ctx, const char *id, const struct moat_events_opts *o,
		struct moat_err *err);
