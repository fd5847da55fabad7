/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * seccomp for containers: OCI profile -> BPF (pure, cached), installation in
 * the container's init, the notify listener hand-off, the hardened default
 * profile, and recording the syscalls a workload makes.
 *
 * Where each step runs
 *
 *   runtime, before clone:  moat_seccomp_prepare()   profile -> BPF, from the
 *       cache when this profile was compiled before (libseccomp costs ms for a
 *       large profile; a cache hit costs tens of us).  The init is a clone of
 *       the runtime, so it inherits the compiled program with no copying.
 *   init, last step before execve:  moat_seccomp_install().
 *
 * The order the init must follow (process.c):
 *
 *   1. rlimits, oom_score_adj, personality, ...   (may need privileges)
 *   2. bounding-set drop, setgroups/setresgid/setresuid, capset, ambient
 *   3. PR_SET_NO_NEW_PRIVS                (process.noNewPrivileges)
 *   4. moat_seccomp_install()             last syscall before execve
 *   5. execve
 *
 * Why seccomp last: every syscall the init makes after the filter is in place
 * must pass the filter, and the profile is written for the workload, not for
 * the runtime (a profile that denies capset or setresuid would otherwise
 * break the init itself).  Why no_new_privs first: with it, installing a
 * filter needs no privilege, so it still works after capabilities were
 * dropped in step 2.  Without no_new_privs the kernel demands CAP_SYS_ADMIN
 * in the effective set at step 4; a container without noNewPrivileges whose
 * capabilities exclude CAP_SYS_ADMIN must then install the filter before the
 * final capset (and the profile must allow capset), as runc does.
 * moat_seccomp_install() reports exactly that case with a clear message.
 *
 * NOTIFY (SCMP_ACT_NOTIFY) and the listener
 *
 * A filter with NOTIFY actions is installed with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER and yields a listener fd in the init.  The
 * init cannot send it with a syscall the filter might itself hand to the
 * (not yet connected) listener, so the runtime fetches it instead:
 *
 *   init:    n = moat_seccomp_listener_next_fd();  tell the runtime n (sync
 *            socket, before installing);  moat_seccomp_install();  wait for
 *            the runtime's "taken" (the listener is close-on-exec: an
 *            execve before the runtime holds its copy would close it);  execve
 *   runtime: moat_seccomp_listener_fetch(pidfd, n, ...) -> fd (pidfd_getfd)
 *            moat_seccomp_send_listener(listenerPath, fd, state JSON, ...)
 *            tell the init "taken"
 *
 * This puts no restriction on which syscalls a profile may NOTIFY (runc
 * forbids NOTIFY as default action and on write(2) for this reason), and it
 * is the same hand-off the recorder uses.
 */
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "spec/seccomp.h"

struct moat_seccomp_filter;

/*
 * Compile profile to a BPF program.  With cache_dir (created 0700 if missing;
 * its parent must exist), a program compiled earlier for the same profile,
 * native architecture and libseccomp version is loaded instead; a new one is
 * stored there (atomically, best effort: a cache that cannot be written is
 * not an error).  Cache files must be owned by the caller's euid and not
 * group/other-writable; a file that fails any check is recompiled.
 *
 * Checks the kernel supports the profile's flags (clear error otherwise).
 * Syscall names unknown to libseccomp are skipped, not errors; see
 * moat_seccomp_filter_skipped().  Errors name the profile entry, e.g.
 * "linux.seccomp.syscalls[3]: socket: libseccomp: Invalid argument".
 */
int moat_seccomp_prepare(const struct moat_seccomp *profile, const char *cache_dir,
			 struct moat_seccomp_filter **ret, struct moat_err *err);
void moat_seccomp_filter_free(struct moat_seccomp_filter *f);

/* The program, e.g. for a test's BPF interpreter. */
const struct sock_fprog *moat_seccomp_filter_prog(const struct moat_seccomp_filter *f);
/* True when installing yields a listener fd (the profile uses NOTIFY). */
bool moat_seccomp_filter_uses_notify(const struct moat_seccomp_filter *f);
/* True when the program came from the cache. */
bool moat_seccomp_filter_cached(const struct moat_seccomp_filter *f);
/* Names the compile skipped because this libseccomp does not know them (the
 * caller may log them at debug level).  Returns the count; *ret_names (if not
 * NULL) points at an array owned by f. */
size_t moat_seccomp_filter_skipped(const struct moat_seccomp_filter *f,
				   const char *const **ret_names);

/* Install flags. */
#define MOAT_SECCOMP_SET_NO_NEW_PRIVS (1u << 0) /* prctl(PR_SET_NO_NEW_PRIVS) first */

/*
 * Install f on the calling thread with seccomp(SECCOMP_SET_MODE_FILTER) and
 * the profile's flags (TSYNC is dropped: the init is single-threaded, and
 * TSYNC cannot be combined with a listener).  When the filter uses NOTIFY,
 * *ret_notify_fd receives the listener fd (O_CLOEXEC); otherwise -1.
 * ret_notify_fd may be NULL only for filters without NOTIFY.
 * Makes no syscall after seccomp() succeeds, and allocates nothing.
 */
int moat_seccomp_install(const struct moat_seccomp_filter *f, unsigned flags, int *ret_notify_fd,
			 struct moat_err *err);

/* The fd number the next listener will get in the calling process: the
 * lowest free one, as the kernel allocates.  Call in the init right before
 * installing, with no fd opened or closed in between.  Returns >= 0 or -errno. */
int moat_seccomp_listener_next_fd(struct moat_err *err);

/*
 * Runtime side: take fd target_fd of the process behind pidfd once it is a
 * seccomp listener (pidfd_getfd(2); needs ptrace rights over the init, which
 * a root runtime has).  Polls until the init has installed the filter, up to
 * timeout_ms; fails with -ESRCH if the process exits first (then read its
 * error from the sync socket), -ETIMEDOUT after the timeout.
 */
int moat_seccomp_listener_fetch(int pidfd, int target_fd, int timeout_ms, int *ret_fd,
				struct moat_err *err);

/*
 * runtime-spec's hand-off to a seccomp agent: connect to the unix socket at
 * listener_path and send, in one message, the listener fd (SCM_RIGHTS) and
 * the containerProcessState JSON:
 *   {"ociVersion": "1.2.0", "fds": ["seccompFd"], "pid": pid,
 *    "metadata": metadata, "state": <state_json>}
 * state_json is the container's state as `moat state` prints it (status
 * "creating"), given by the caller.  metadata may be NULL ("").
 */
int moat_seccomp_send_listener(const char *listener_path, int notify_fd, pid_t pid,
			       const char *metadata, const char *state_json, struct moat_err *err);

/*
 * The hardened default profile, as a struct in a (what `moat spec` writes,
 * via moat_seccomp_to_json).  caps is the set of capabilities the container
 * may hold (bit n = capability n; the bounding set is the natural choice):
 * syscalls that only work with a capability are allowed only when it is in
 * caps, as in Docker's profile.  See default.c for the rules and why.
 */
struct moat_seccomp *moat_seccomp_default(struct moat_arena *a, uint64_t caps);

/*
 * Write s as the OCI JSON object of linux.seccomp.  indent NULL: one line.
 * Otherwise pretty,
 * with tabs, indent being the indentation of the line the object starts on
 * (e.g. "\t\t" after "\t\t\"seccomp\": "); names arrays are wrapped.
 */
void moat_seccomp_to_json(struct moat_buf *out, const struct moat_seccomp *s, const char *indent);

/* linux.seccomp of `moat features` (runtime-spec features.md), one line:
 * {"enabled": true, "actions": [...], "operators": [...], "archs": [...],
 *  "knownFlags": [...], "supportedFlags": [...]}; supportedFlags are
 * probed on the running kernel. */
void moat_seccomp_features_json(struct moat_buf *out);

/*
 * Recording (--seccomp-record).  The record filter hands every syscall of
 * every architecture to the listener; the recorder notes (arch, nr) and lets
 * the syscall proceed (SECCOMP_USER_NOTIF_FLAG_CONTINUE).  The fd hand-off is
 * the NOTIFY one above (the init installs the record filter instead of the
 * profile's).  At the end, the recorder writes a profile that allows exactly
 * what was seen and denies the rest with EPERM.
 *
 * The recorder must answer promptly: every syscall of the container waits
 * for it.  Poll moat_seccomp_recorder_fd() in the runtime's event loop and
 * call moat_seccomp_recorder_handle() on POLLIN (POLLHUP: no task uses the
 * filter any more), or run moat_seccomp_recorder_run() in a thread/process
 * of its own when the runtime may block (hooks, waits on the container).
 */
int moat_seccomp_record_filter(struct moat_seccomp_filter **ret, struct moat_err *err);

struct moat_seccomp_recorder;
/* Takes ownership of notify_fd. */
int moat_seccomp_recorder_new(int notify_fd, struct moat_seccomp_recorder **ret,
			      struct moat_err *err);
int moat_seccomp_recorder_fd(const struct moat_seccomp_recorder *rec);
/* Answer one pending notification (blocks if none is pending).  A target
 * that died meanwhile is not an error. */
int moat_seccomp_recorder_handle(struct moat_seccomp_recorder *rec, struct moat_err *err);
/* Answer notifications until no task uses the filter (POLLHUP: the kernel
 * says so once the last of them is reaped) or stop_fd (-1: none) becomes
 * readable.  Stop only when the container is gone: once the listener is
 * closed, every filtered syscall of a remaining task fails with ENOSYS. */
int moat_seccomp_recorder_run(struct moat_seccomp_recorder *rec, int stop_fd, struct moat_err *err);
/* Number of distinct (arch, syscall) pairs seen so far. */
size_t moat_seccomp_recorder_count(const struct moat_seccomp_recorder *rec);
/* The learnt profile, allocated in a: defaultAction SCMP_ACT_ERRNO with
 * defaultErrnoRet EPERM, the architectures seen, one ALLOW rule with the
 * sorted names seen. */
struct moat_seccomp *moat_seccomp_recorder_profile(const struct moat_seccomp_recorder *rec,
						   struct moat_arena *a);
void moat_seccomp_recorder_free(struct moat_seccomp_recorder *rec);
