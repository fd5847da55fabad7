/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container process's identity and limits, applied by the init.
 *
 * Order matters (each step needs privileges the next one drops):
 *   oom_score_adj and personality early; then at the very end: rlimits
 *   (raising a hard limit needs CAP_SYS_RESOURCE), bounding set drop (needs
 *   CAP_SETPCAP), setgroups/setresgid/setresuid with PR_SET_KEEPCAPS (so the
 *   permitted set survives the uid change), capset, ambient raise (needs the
 *   capability permitted and inheritable), no_new_privs, and seccomp last of
 *   all (with no_new_privs the filter needs no privilege, and it must not see
 *   the runtime's own syscalls; src/lib/seccomp/seccomp.h has the details).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "protocol.h"
#include "sys/sys.h"

static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/*
 * The init is a copy of the runtime, so /proc/self/exe (or /proc/1/exe) in
 * the container names the runtime's binary on the host. Executing it would
 * hand the container a dumpable process running that file, whose
 * /proc/PID/exe another container process could reopen for writing once it
 * exits (CVE-2019-5736). moat never needs to run itself in a container, so
 * it refuses to, by identity (device and inode), whatever the path.
 */
static int refuse_runtime_binary(const struct container *c, const char *path, struct moat_err *err)
{
	struct stat st;

	if (stat(path, &st) == 0 && st.st_dev == c->self_dev && st.st_ino == c->self_ino)
		return moat_err_setx(err, EPERM,
				     "exec \"%s\": refusing to run the runtime's own binary in the container "
				     "(CVE-2019-5736)", path);
	return 0;
}

int process_check_exe(const struct container *c, struct moat_err *err)
{
	return refuse_runtime_binary(c, c->exe, err);
}

/* args[0] looked up in the container's PATH, as execvp would, but done at
 * create time so a missing binary fails `create`, not `start`. */
int process_resolve_exe(struct container *c, struct moat_err *err)
{
	const char *name = c->spec->process.args[0];

	if (strchr(name, '/')) {
		if (snprintf(c->exe, sizeof(c->exe), "%s", name) >= (int)sizeof(c->exe))
			return moat_err_setx(err, ENAMETOOLONG, "process.args[0]: too long");
		if (access(c->exe, F_OK) < 0)
			return moat_err_set(err, errno, "exec \"%s\"", name);
		return refuse_runtime_binary(c, c->exe, err);
	}
	const char *path = env_get(c->spec->process.env, "PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path; *p;) {
		const char *end = strchrnul(p, ':');
		int n = snprintf(c->exe, sizeof(c->exe), "%.*s/%s", (int)(end - p), p, name);
		if (n > 0 && n < (int)sizeof(c->exe) && end > p && is_executable_file(c->exe))
			return refuse_runtime_binary(c, c->exe, err);
		p = *end ? end + 1 : end;
	}
	c->exe[0] = '\0';
	return moat_err_setx(err, ENOENT, "exec \"%s\": executable file not found in $PATH", name);
}

/* rlimits come last before the privilege drop: a low RLIMIT_NOFILE must not
 * starve the init's own setup, and raising a hard limit needs
 * CAP_SYS_RESOURCE, which the drop may remove. */
static int rlimits_apply(const struct moat_process *p, struct moat_err *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct moat_rlimit *rl = &p->rlimits[i];
		struct rlimit lim = { .rlim_cur = rl->soft, .rlim_max = rl->hard };
		if (setrlimit(rl->resource, &lim) < 0)
			return moat_err_set(err, errno, "process.rlimits[%zu]: setrlimit %s soft=%llu hard=%llu",
					    i, rl->name, (unsigned long long)rl->soft,
					    (unsigned long long)rl->hard);
	}
	return 0;
}

int process_prepare_early(struct container *c, struct moat_err *err)
{
	const struct moat_process *p = &c->spec->process;

	if (p->has_oom_score_adj) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
		int r = sys_write_file(AT_FDCWD, "/proc/self/oom_score_adj", buf, (size_t)n);
		if (r < 0)
			return moat_err_set(err, -r, "process.oomScoreAdj: write %d", p->oom_score_adj);
	}
	if (c->spec->personality.set &&
	    personality(c->spec->personality.domain | c->spec->personality.flags) < 0)
		return moat_err_set(err, errno, "linux.personality");
	return 0;
}

static int cap_last(void)
{
	char buf[16];

	if (sys_read_file(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) > 0)
		return atoi(buf);
	return 40;
}

/* Needs CAP_SETPCAP in the effective set: before the uid change clears it. */
static int caps_drop_bounding(const struct moat_caps *caps, int last, struct moat_err *err)
{
	for (int cap = 0; cap <= last; cap++) {
		if (caps->bounding & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return moat_err_set(err, errno, "process.capabilities.bounding: drop %d", cap);
	}
	return 0;
}

static int caps_set(const struct moat_caps *caps, int last, struct moat_err *err)
{
	uint64_t known = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	if (sys_capset(caps->effective & known, caps->permitted & known,
		       caps->inheritable & known) < 0)
		return moat_err_set(err, errno, "process.capabilities: capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return moat_err_set(err, errno, "process.capabilities.ambient: clear");
	/* The kernel only allows an ambient capability that is permitted and
	 * inheritable. runc's default config lists ambient ones without the
	 * inheritable set; runc and crun then skip them, and so does moat
	 * (the process gets no more than the other sets allow). */
	uint64_t ambient = caps->ambient & caps->permitted & caps->inheritable & known;
	for (int cap = 0; cap <= last; cap++) {
		if (!(ambient & (1ULL << cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return moat_err_set(err, errno, "process.capabilities.ambient: raise %d", cap);
	}
	return 0;
}

static int user_apply(const struct moat_process *p, bool userns_setgroups_denied,
		      struct moat_err *err)
{
	if (!userns_setgroups_denied &&
	    setgroups(p->n_additional_gids, p->n_additional_gids ? p->additional_gids : NULL) < 0)
		return moat_err_set(err, errno, "process.user.additionalGids: setgroups");
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return moat_err_set(err, errno, "process.user.gid: setresgid %u", (unsigned)p->gid);
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return moat_err_set(err, errno, "process.user.uid: setresuid %u", (unsigned)p->uid);
	return 0;
}

static int terminal_attach(int slave, struct moat_err *err)
{
	if (setsid() < 0)
		return moat_err_set(err, errno, "process.terminal: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return moat_err_set(err, errno, "process.terminal: set controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return moat_err_set(err, errno, "process.terminal: dup2");
	if (slave > 2)
		close(slave);
	return 0;
}

int process_finalize(struct container *c, struct moat_err *err)
{
	const struct moat_process *p = &c->spec->process;
	int r;

	if (c->pty_slave >= 0) {
		if ((r = terminal_attach(c->pty_slave, err)) < 0)
			return r;
		c->pty_slave = -1;
	} else if (setsid() < 0 && errno != EPERM) {
		return moat_err_set(err, errno, "setsid");
	}
	if ((r = rlimits_apply(p, err)) < 0)
		return r;
	/* keep permitted capabilities across the uid change; capset below
	 * then sets exactly the configured sets */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return moat_err_set(err, errno, "keep capabilities");
	struct moat_caps caps = p->caps;
	if (!p->has_caps)
		memset(&caps, 0, sizeof(caps));
	int last = cap_last();
	if ((r = caps_drop_bounding(&caps, last, err)) < 0)
		return r;
	bool deny_setgroups = false;
	char sg[16];
	if (moat_spec_namespace(c->spec, CLONE_NEWUSER) &&
	    sys_read_file(AT_FDCWD, "/proc/self/setgroups", sg, sizeof(sg)) > 0)
		deny_setgroups = strncmp(sg, "deny", 4) == 0;
	if ((r = user_apply(p, deny_setgroups, err)) < 0)
		return r;
	umask(p->has_umask ? p->umask : 022);
	/* No runtime fd may reach the container (CVE-2024-21626 leaked one
	 * through the cwd): everything above stdio and --preserve-fds is
	 * marked close-on-exec; the report fd stays usable until execve. */
	if (sys_close_range(3 + c->opts->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return moat_err_set(err, errno, "close_range");
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Without no_new_privs, installing a filter needs CAP_SYS_ADMIN in the
	 * effective set: install it while the permitted set still has it (the
	 * uid change cleared the effective set), before the final capset,
	 * which the profile must then allow (as with runc). */
	if (c->seccomp && !p->no_new_privileges) {
		uint64_t eff, prm, inh;
		if (sys_capget(&eff, &prm, &inh) < 0 || sys_capset(prm, prm, inh) < 0)
			return moat_err_set(err, errno, "raise capabilities for seccomp");
		if ((r = process_seccomp(c, err)) < 0)
			return r;
	}
	if ((r = caps_set(&caps, last, err)) < 0)
		return r;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return moat_err_set(err, errno, "process.noNewPrivileges");
	/* with no_new_privs, seccomp is the very last step before execve */
	if (c->seccomp && p->no_new_privileges && (r = process_seccomp(c, err)) < 0)
		return r;
	return 0;
}

int process_seccomp(struct container *c, struct moat_err *err)
{
	int notify_fd = -1, r;

	if (moat_seccomp_filter_uses_notify(c->seccomp)) {
		/* The init cannot send the listener itself (the filter may hand
		 * that very syscall to the listener): it says which fd number
		 * the listener will get, and the runtime takes it. */
		int n = moat_seccomp_listener_next_fd(err);
		if (n < 0)
			return n;
		struct sync_msg m = { .type = SYNC_SECCOMP_FD, .pid = n };
		if ((r = sync_send(c->report_fd, &m, -1)) < 0)
			return moat_err_set(err, -r, "linux.seccomp: announce the listener");
	}
	r = moat_seccomp_install(c->seccomp, 0, &notify_fd, err);
	if (r < 0)
		return moat_err_prefix(err, "linux.seccomp");
	if (notify_fd >= 0) {
		/* The listener is close-on-exec here: wait until the runtime
		 * holds its copy, or execve would close the only one. */
		struct sync_msg m;
		r = sync_recv(c->report_fd, &m, NULL);
		if (r < 0 || m.type != SYNC_SECCOMP_FD_TAKEN)
			return moat_err_setx(err, EPROTO, "linux.seccomp: the runtime did not take the listener");
		close(notify_fd);
	}
	return 0;
}
