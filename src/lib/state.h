/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * The per-container state directory, <root>/<id>/:
 *
 *   state        what `state`/`list` need, key=value lines; written once by
 *                create (tmp file + rename, so readers see all or nothing)
 *   config.json  the config as created, kept only when a later command needs
 *                it (poststart/poststop hooks, a seccomp listenerPath)
 *   start.sock   the waiting init listens here until `start` (absent: started)
 *
 * The directory is made under a temporary name, locked with flock(), given
 * the config, and renamed into place with RENAME_NOREPLACE before anything
 * else is made: two moats creating one id cannot both succeed, and the loser
 * never touches the winner's cgroup. Until the state file is written the
 * container reads as "creating"; the creator holds the lock throughout.
 * Operations that change a container (start, kill, delete) hold the lock.
 * No fsync: an atomic rename suffices for state that dies with a reboot
 * (the default root is on tmpfs, /run).
 */
#include <stdbool.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

#define STATE_NEEDS_POSTSTART 1u /* start runs poststart hooks */
#define STATE_NEEDS_POSTSTOP 2u  /* delete runs poststop hooks */
#define STATE_NEEDS_NOTIFY 4u    /* start hands a seccomp listener to listenerPath */

enum moat_status {
	MOAT_STATUS_CREATING,
	MOAT_STATUS_CREATED,
	MOAT_STATUS_RUNNING,
	MOAT_STATUS_PAUSED,
	MOAT_STATUS_STOPPED,
};

const char *moat_status_name(enum moat_status s);

struct moat_state {
	char *id;
	pid_t pid;
	unsigned long long start_time; /* of pid, to detect pid reuse */
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 UTC */
	char *owner;
	char *cgroup; /* serialized cgroup handle, NULL when none */
	/* What later commands need the saved config.json for (STATE_NEEDS_*);
	 * 0: nothing, and no copy is kept. */
	unsigned needs;
	char **annot_keys, **annot_values;
	size_t n_annotations;
	enum moat_status status; /* derived when read */
};

/* Ensure the root dir exists (0700); returns an O_DIRECTORY fd. */
int state_root_open(const char *root, bool create, struct moat_err *err);

/* Make a new locked state dir for id under rootfd. Returns its fd (the lock
 * lives as long as the fd); *ret_tmpname receives the temporary name to pass
 * to state_publish or state_abort. */
int state_dir_begin(int rootfd, const char *id, char *tmpname, size_t tmpsize, struct moat_err *err);
/* Rename the temporary dir to its id (fails with EEXIST if the id exists). */
int state_dir_publish(int rootfd, const char *tmpname, const char *id, struct moat_err *err);
/* Remove a state dir (temporary or published) and everything in it. */
int state_dir_remove(int rootfd, const char *name);

/* Open and lock (exclusive) an existing container's dir. ENOENT -> "container does not exist". */
int state_dir_lock(int rootfd, const char *id, struct moat_err *err);

/* Write/read the state file in the state dir at dirfd. */
int state_write(int dirfd, const struct moat_state *st, struct moat_err *err);
int state_read(int dirfd, const char *id, struct moat_arena *a, struct moat_state *ret,
	       struct moat_err *err);
/* The state root of an existing container id: the id is checked, and a
 * missing root reads as "container \"ID\" does not exist". Returns an fd. */
int state_root_for(const char *root, const char *id, struct moat_err *err);
/* state_root_for + state_load: a container's state by id, in one call. */
int state_load_id(const char *root, const char *id, struct moat_arena *a, struct moat_state *ret,
		  struct moat_err *err);
/* Read a container's state by id, with its status derived from the process. */
int state_load(int rootfd, const char *id, struct moat_arena *a, struct moat_state *ret,
	       struct moat_err *err);

/* Serialize/parse the key=value format (pure; unit-tested). */
void state_format(const struct moat_state *st, struct moat_buf *out);
int state_parse(const char *text, struct moat_arena *a, struct moat_state *ret, struct moat_err *err);

/* A pidfd for the container's init, or -ESRCH if it is not that process
 * any more (the start time is checked after the pidfd pins the process,
 * which closes the pid-reuse race). */
int state_init_pidfd(const struct moat_state *st);

/* The OCI state JSON (runtime-spec runtime.md "State"). */
void state_json(const struct moat_state *st, struct moat_buf *out, bool pretty);
