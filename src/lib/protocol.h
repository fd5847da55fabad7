/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * The runtime <-> container init protocol (docs/protocol.md tells the story).
 *
 * The runtime clones the init (no re-exec: the init is a copy of the runtime
 * process, so it already holds the parsed config) and the two talk over a
 * SOCK_SEQPACKET socketpair: one message per send, fixed size, so no framing
 * and no partial reads. Every message is a struct sync_msg.
 */
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

enum sync_type {
	/* runtime -> init: namespaces are ready on the host side (uid/gid maps
	 * written, network devices moved); carries the init's host pid. */
	SYNC_GO = 1,
	/* init -> runtime: mounts done, before pivot_root: run prestart and
	 * createRuntime hooks now. */
	SYNC_PRE_PIVOT,
	/* runtime -> init: hooks ran, continue. */
	SYNC_PRE_PIVOT_DONE,
	/* init -> runtime: the pty master of process.terminal (SCM_RIGHTS). */
	SYNC_CONSOLE,
	/* init -> runtime: everything is ready; waiting for start. */
	SYNC_CREATED,
	/* runtime -> init: state is recorded; stop dying with the runtime and
	 * wait for `moat start` on start.sock (create). */
	SYNC_DETACH,
	/* runtime -> init: start now (run, where no start.sock is used). */
	SYNC_START,
	/* init -> runtime: a step failed; err says which. The init exits. */
	SYNC_ERROR,
	/* init -> runtime (on the report fd): the seccomp listener will be fd
	 * number pid in the init; fetch it with pidfd_getfd once installed. */
	SYNC_SECCOMP_FD,
	/* runtime -> init: the listener was taken; go on to execve (the
	 * listener is close-on-exec in the init, so it must not exec before). */
	SYNC_SECCOMP_FD_TAKEN,
};

struct sync_msg {
	uint32_t type;
	int32_t pid;
	struct moat_err err;
};

/* Send/receive one message; fd_out/fd_in carry an SCM_RIGHTS fd (-1: none).
 * Return 0, -errno, or -EPIPE on EOF (the peer is gone). */
int sync_send(int sock, const struct sync_msg *m, int fd_out);
int sync_recv(int sock, struct sync_msg *m, int *fd_in);
/* Convenience: send type only. */
int sync_send_type(int sock, enum sync_type t);
