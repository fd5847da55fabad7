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
