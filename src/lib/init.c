/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's init, from clone3 to execve. docs/protocol.md describes
 * the messages; each step below either succeeds or reports one struct
 * moat_err naming the step, and the init exits (the runtime cleans up).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "container.h"
#include "protocol.h"
#include "sys/sys.h"

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

/*
 * A created container's init may wait for `start` for a long time, and there
 * may be many. Setup ran most of moat's code, whose pages stay mapped into
 * the init although only the accept loop and the last steps before execve
 * (which replaces the whole address space) will run again. Drop those
 * mappings: the pages stay in the page cache, shared with every other moat
 * process, and the few needed later fault back in for microseconds.
 * Text is never written, so MADV_DONTNEED loses nothing.
 */
extern char __executable_start[], etext[];

static void release_setup_code(void)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = (uintptr_t)__executable_start & ~(page - 1);
	uintptr_t to = ((uintptr_t)etext + page - 1) & ~(page - 1);

	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
}

__attribute__((noreturn)) static void init_fail(struct container *c, struct moat_err *err)
{
	struct sync_msg m = { .type = SYNC_ERROR };

	m.err = *err;
	if (c->report_fd >= 0)
		sync_send(c->report_fd, &m, -1);
	_exit(1);
}

static int expect(struct container *c, enum sync_type t, struct sync_msg *m, struct moat_err *err)
{
	int r = sync_recv(c->sync_child, m, NULL);
	if (r < 0)
		return moat_err_set(err, -r, "runtime went away");
	if (m->type != t)
		return moat_err_setx(err, EPROTO, "protocol: expected message %d, got %u", t, m->type);
	return 0;
}

static int uts_setup(const struct moat_spec *spec, struct moat_err *err)
{
	if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0)
		return moat_err_set(err, errno, "hostname: sethostname \"%s\"", spec->hostname);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return moat_err_set(err, errno, "domainname: setdomainname \"%s\"", spec->domainname);
	return 0;
}

/* process.terminal: a pty from the container's own devpts; the master goes
 * to the runtime (and on to --console-socket), the slave becomes stdio. */
static int terminal_setup(struct container *c, struct moat_err *err)
{
	const struct moat_process *p = &c->spec->process;
	int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return moat_err_set(err, errno, "process.terminal: open /dev/ptmx");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0) {
		close(master);
		return moat_err_set(err, errno, "process.terminal: unlock pty");
	}
	/* TIOCGPTPEER opens the slave without a path lookup in the container */
	int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		close(master);
		return moat_err_set(err, errno, "process.terminal: open pty slave");
	}
	if (p->has_console_size) {
		struct winsize ws = { .ws_row = (unsigned short)p->console_height,
				      .ws_col = (unsigned short)p->console_width };
		ioctl(slave, TIOCSWINSZ, &ws);
	}
	struct sync_msg m = { .type = SYNC_CONSOLE };
	int r = sync_send(c->sync_child, &m, master);
	close(master);
	if (r < 0) {
		close(slave);
		return moat_err_set(err, -r, "process.terminal: send pty");
	}
	c->pty_slave = slave;
	return 0;
}

static int cwd_enter(const struct moat_process *p, struct moat_err *err)
{
	char buf[PATH_MAX];

	if (chdir(p->cwd) < 0)
		return moat_err_set(err, errno, "process.cwd: chdir %s", p->cwd);
	/* The cwd must be inside the container: a cwd left on a host directory
	 * (or reached through a leaked fd, CVE-2024-21626) shows as
	 * "(unreachable)" and getcwd fails with ENOENT. */
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return moat_err_setx(err, EPERM, "process.cwd: %s is outside the container", p->cwd);
	return 0;
}

static bool has_hooks(const struct moat_spec *spec, enum moat_hook_kind k)
{
	return spec->hooks[k].n > 0;
}

/* Both run in the container's namespaces; a createContainer hook's path
 * resolves in the runtime's filesystem (host_root), a startContainer hook's
 * in the container's (runtime-spec config.md, "POSIX-platform Hooks"). */
static int run_container_hooks(struct container *c, enum moat_hook_kind k, const char *status,
			       struct moat_err *err)
{
	if (!has_hooks(c->spec, k))
		return 0;
	struct moat_buf b = { 0 };
	container_state_json(c, status, &b);
	int root = k == MOAT_HOOK_CREATE_CONTAINER ? c->host_root : -1;
	int r = hooks_run(c->spec, k, b.data, root, err);
	moat_buf_free(&b);
	return r;
}

#define STEP(call)                                                                                 \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			init_fail(c, &err);                                                        \
	} while (0)

void init_main(struct container *c)
{
	const struct moat_spec *spec = c->spec;
	struct moat_err err = { 0 };
	struct sync_msg m;

	/* into the container's cgroup before anything else: every page and
	 * every child of the init is accounted there */
	if (c->cgroup && moat_cgroup_join_self(&c->join, c->cloned_into_cgroup) < 0) {
		moat_err_set(&err, errno, "join the container's cgroup");
		c->report_fd = c->sync_child;
		init_fail(c, &err);
	}
	moat_cgroup_join_release(&c->join);
	close(c->sync_parent);
	c->report_fd = c->sync_child;
	c->host_root = -1;
	c->pty_slave = -1;
	/* Die with the runtime until the container is recorded: a runtime
	 * killed halfway must not leave a half-made container running. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Non-dumpable: no process of the container can open /proc/PID/exe of
	 * this copy of the runtime for writing or ptrace it (CVE-2019-5736). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	umask(0);

	STEP(expect(c, SYNC_GO, &m, &err));
	c->pid = m.pid;

	STEP(ns_join_and_unshare(c, &err));
	const struct moat_namespace *uts = moat_spec_namespace(spec, CLONE_NEWUTS);
	if (uts && !uts->path)
		STEP(uts_setup(spec, &err));
	const struct moat_namespace *net = moat_spec_namespace(spec, CLONE_NEWNET);
	if (net && !net->path)
		STEP(ns_setup_net_loopback(&err));
	STEP(ns_apply_sysctl(spec, &err));
	STEP(process_prepare_early(c, &err));
	if (!c->opts->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
	    errno != ENOSYS && errno != EPERM && errno != EACCES)
		STEP(moat_err_set(&err, errno, "join a new session keyring"));

	const struct moat_namespace *mnt = moat_spec_namespace(spec, CLONE_NEWNS);
	bool own_mounts = mnt && !mnt->path;
	if (own_mounts)
		STEP(rootfs_prepare(c, &err));
	/* The state dir fd carries the runtime's flock (locks belong to the open
	 * file description, which the clone shares): the init must not keep it,
	 * or `moat start` would wait for the lock forever. */
	close(c->dirfd);
	close(c->rootfd);
	c->dirfd = c->rootfd = -1;
	if (has_hooks(spec, MOAT_HOOK_CREATE_CONTAINER)) {
		/* a private copy of the runtime's mount tree, for hooks that run
		 * in the container's namespaces but resolve paths on the host */
		c->host_root = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (c->host_root < 0)
			STEP(moat_err_set(&err, errno, "keep the host root for hooks"));
	}

	/* a round trip only when the runtime has hooks to run here */
	if (has_hooks(spec, MOAT_HOOK_PRESTART) || has_hooks(spec, MOAT_HOOK_CREATE_RUNTIME)) {
		STEP(sync_send_type(c->sync_child, SYNC_PRE_PIVOT));
		STEP(expect(c, SYNC_PRE_PIVOT_DONE, &m, &err));
	}

	if (own_mounts) {
		STEP(rootfs_finish(c, &err));
		STEP(rootfs_pivot(c, &err));
	} else if (chroot(spec->root_path) < 0 || chdir("/") < 0) {
		STEP(moat_err_set(&err, errno, "chroot %s", spec->root_path));
	}
	STEP(run_container_hooks(c, MOAT_HOOK_CREATE_CONTAINER, "creating", &err));
	if (c->host_root >= 0) {
		close(c->host_root);
		c->host_root = -1;
	}
	if (spec->root_readonly && own_mounts)
		STEP(rootfs_make_readonly(&err));
	if (spec->process.terminal)
		STEP(terminal_setup(c, &err));
	STEP(cwd_enter(&spec->process, &err));
	STEP(process_resolve_exe(c, &err));

	STEP(sync_send_type(c->sync_child, SYNC_CREATED));
	if (c->detached) {
		STEP(expect(c, SYNC_DETACH, &m, &err));
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
		close(c->sync_child);
		c->report_fd = -1;
		release_setup_code();
		/* wait for `moat start` */
		for (;;) {
			int conn = accept4(c->start_listen, NULL, NULL, SOCK_CLOEXEC);
			if (conn < 0) {
				if (errno == EINTR)
					continue;
				_exit(1);
			}
			char go;
			if (read(conn, &go, 1) == 1) {
				c->report_fd = conn;
				break;
			}
			close(conn);
		}
		close(c->start_listen);
	} else {
		STEP(expect(c, SYNC_START, &m, &err));
		prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	}

	STEP(run_container_hooks(c, MOAT_HOOK_START_CONTAINER, "created", &err));
	STEP(process_check_exe(c, &err)); /* again: the rootfs may have changed since create */
	STEP(process_finalize(c, &err));

	execve(c->exe, spec->process.args, spec->process.env);
	moat_err_set(&err, errno, "exec \"%s\"", c->exe);
	init_fail(c, &err);
}
