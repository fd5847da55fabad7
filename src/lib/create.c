/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * create and run: the runtime side of the protocol (docs/protocol.md).
 * One clone3 makes the init with every namespace it can create at once;
 * the init is a copy of this process, so nothing is re-executed or
 * re-parsed. Failure at any step kills the init and removes the state dir.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/path.h"
#include "container.h"
#include "protocol.h"
#include "state.h"
#include "sys/sys.h"

void container_state_json(const struct container *c, const char *status, struct moat_buf *out)
{
	const struct moat_spec *spec = c->spec;

	moat_buf_puts(out, "{\"ociVersion\":\"1.2.0\",\"id\":");
	moat_json_str(out, c->id);
	moat_buf_printf(out, ",\"status\":\"%s\",\"pid\":%d,\"bundle\":", status, (int)c->pid);
	moat_json_str(out, c->bundle);
	if (spec->n_annotations) {
		moat_buf_puts(out, ",\"annotations\":{");
		for (size_t i = 0; i < spec->n_annotations; i++) {
			if (i)
				moat_buf_puts(out, ",");
			moat_json_key(out, spec->annotations[i].key);
			moat_json_str(out, spec->annotations[i].value);
		}
		moat_buf_puts(out, "}");
	}
	moat_buf_puts(out, "}");
}

static void now_rfc3339(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

static uint64_t clone_flags(const struct moat_spec *spec)
{
	const struct moat_namespace *user = moat_spec_namespace(spec, CLONE_NEWUSER);
	bool user_joined = user && user->path;
	uint64_t flags = 0;

	for (size_t i = 0; i < spec->n_namespaces; i++) {
		const struct moat_namespace *ns = &spec->namespaces[i];
		if (ns->path)
			continue;
		switch (ns->type) {
		case CLONE_NEWCGROUP: /* after the cgroup is joined */
		case CLONE_NEWTIME:   /* offsets first */
			break;
		case CLONE_NEWPID:
			flags |= CLONE_NEWPID;
			break;
		default:
			/* under a joined user namespace the init creates the
			 * rest itself, so that namespace owns them */
			if (!user_joined)
				flags |= (uint64_t)ns->type;
		}
	}
	return flags;
}

/* Hand the pty master to --console-socket, as runc does (the payload is a name). */
static int console_forward(int sock, int master, struct moat_err *err)
{
	static const char name[] = "moat-console";
	int r = sys_send_fd(sock, name, sizeof(name) - 1, master);

	return r < 0 ? moat_err_set(err, -r, "--console-socket: send pty") : 0;
}

/* start.sock, where `moat start` connects. Made by the runtime (the init
 * inherits it), so its owner is the runtime's even when the init is in a
 * user namespace, and bound through the state dir's fd so sun_path's limit
 * never depends on --root or the id. */
static int start_socket(int dirfd, struct moat_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/start.sock", dirfd);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return moat_err_set(err, errno, "start socket");
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4) < 0) {
		int e = errno;
		close(s);
		return moat_err_set(err, e, "bind start socket");
	}
	return s;
}

static int console_connect(const char *path, struct moat_err *err)
{
	int s = sys_unix_connect(path);

	return s < 0 ? moat_err_set(err, -s, "--console-socket: connect %s", path) : s;
}

static int write_pid_file(const char *path, pid_t pid, struct moat_err *err)
{
	char tmp[PATH_MAX], buf[32];

	if (snprintf(tmp, sizeof(tmp), "%s.moat-tmp", path) >= (int)sizeof(tmp))
		return moat_err_setx(err, ENAMETOOLONG, "--pid-file: path too long");
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return moat_err_set(err, errno, "--pid-file: open %s", tmp);
	int r = sys_write_all(fd, buf, (size_t)n);
	close(fd);
	if (r < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return moat_err_set(err, r < 0 ? -r : errno, "--pid-file: write %s", path);
	}
	return 0;
}

static int run_runtime_hooks(struct container *c, enum moat_hook_kind k, const char *status,
			     struct moat_err *err)
{
	if (!c->spec->hooks[k].n)
		return 0;
	struct moat_buf b = { 0 };
	container_state_json(c, status, &b);
	int r = hooks_run(c->spec, k, b.data, -1, err);
	moat_buf_free(&b);
	return r;
}

/* The runtime side of the protocol, from GO to CREATED. */
static int drive_init(struct container *c, struct moat_err *err)
{
	struct sync_msg m = { .type = SYNC_GO, .pid = c->pid };
	int r;

	if (moat_spec_namespace(c->spec, CLONE_NEWUSER) &&
	    !moat_spec_namespace(c->spec, CLONE_NEWUSER)->path &&
	    (r = ns_write_id_maps(c->pid, c->spec, err)) < 0)
		return r;
	if ((r = ns_move_net_devices(c, err)) < 0)
		return r;
	if ((r = sync_send(c->sync_parent, &m, -1)) < 0)
		return moat_err_set(err, -r, "start the container's init");
	for (;;) {
		int fd = -1;
		r = sync_recv(c->sync_parent, &m, &fd);
		if (r < 0)
			return moat_err_set(err, -r, "the container's init exited during setup");
		switch (m.type) {
		case SYNC_PRE_PIVOT:
			if ((r = run_runtime_hooks(c, MOAT_HOOK_PRESTART, "creating", err)) < 0 ||
			    (r = run_runtime_hooks(c, MOAT_HOOK_CREATE_RUNTIME, "creating", err)) < 0)
				return r;
			if ((r = sync_send_type(c->sync_parent, SYNC_PRE_PIVOT_DONE)) < 0)
				return moat_err_set(err, -r, "the container's init exited during setup");
			break;
		case SYNC_CONSOLE:
			if (c->console_sock >= 0) {
				r = console_forward(c->console_sock, fd, err);
				close(fd);
				if (r < 0)
					return r;
			} else {
				c->pty_master = fd; /* run: relayed by run_wait */
			}
			break;
		case SYNC_CREATED:
			return 0;
		case SYNC_ERROR:
			*err = m.err;
			return moat_err_ret(err);
		default:
			return moat_err_setx(err, EPROTO, "protocol: unexpected message %u", m.type);
		}
	}
}

static void container_abort(struct container *c)
{
	if (c->pidfd >= 0) {
		sys_pidfd_send_signal(c->pidfd, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
}

static void container_close(struct container *c)
{
	int *fds[] = { &c->sync_parent, &c->sync_child, &c->console_sock, &c->pidfd, &c->dirfd,
		       &c->rootfd };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (c->pty_master >= 0)
		close(c->pty_master);
	c->pty_master = -1;
	moat_cgroup_join_release(&c->join);
	moat_cgroup_free(c->cgroup);
	c->cgroup = NULL;
	moat_seccomp_filter_free(c->seccomp);
	c->seccomp = NULL;
	moat_spec_free(c->spec);
	c->spec = NULL;
	free(c->bundle);
	c->bundle = NULL;
}

/* Set up c and make the init; on success the init waits for start. */
static int container_create(struct container *c, struct moat_err *err)
{
	char *raw = NULL, cfgpath[PATH_MAX], created[64];
	size_t raw_len = 0;
	int r;

	c->sync_parent = c->sync_child = c->console_sock = c->pidfd = c->dirfd = c->rootfd = -1;
	c->pty_slave = c->pty_master = -1;
	c->join.clone_fd = c->join.procs_fd = -1;
	c->start_listen = -1;
	if ((r = moat_id_check(c->id, err)) < 0)
		return r;
	c->bundle = realpath(c->opts->bundle ? c->opts->bundle : ".", NULL);
	if (!c->bundle)
		return moat_err_set(err, errno, "bundle %s", c->opts->bundle ? c->opts->bundle : ".");
	snprintf(cfgpath, sizeof(cfgpath), "%s/config.json", c->bundle);
	if ((r = sys_read_all(AT_FDCWD, cfgpath, 16 << 20, &raw, &raw_len)) < 0) {
		if (r == -EFBIG)
			return moat_err_setx(err, EFBIG, "config.json: larger than 16 MiB");
		return moat_err_set(err, -r, "config.json: open %s", cfgpath);
	}
	r = moat_spec_load_string(raw, raw_len, c->bundle, &c->spec, err);
	if (r < 0) {
		free(raw);
		return moat_err_prefix(err, "config.json");
	}
	if (!c->spec->has_process) {
		free(raw);
		return moat_err_setx(err, EINVAL, "config.json: process: required to create a container");
	}
	if (c->spec->process.terminal && (c->detached || c->opts->detach) && !c->opts->console_socket) {
		free(raw);
		return moat_err_setx(err, EINVAL,
				     "process.terminal is true: --console-socket is required when detached");
	}

	r = state_root_open(c->ctx->root, true, err);
	if (r < 0) {
		free(raw);
		return r;
	}
	c->rootfd = r;
	if (faccessat(c->rootfd, c->id, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		free(raw);
		return moat_err_setx(err, EEXIST, "container \"%s\" already exists", c->id);
	}
	r = state_dir_begin(c->rootfd, c->id, c->tmpname, sizeof(c->tmpname), err);
	if (r < 0) {
		free(raw);
		return r;
	}
	c->dirfd = r;
	/* start and delete run hooks (and hand over a seccomp listener) from a
	 * copy of the config, whatever the bundle becomes; without any of those
	 * no copy is kept and nothing is parsed again */
	c->needs = (c->spec->hooks[MOAT_HOOK_POSTSTART].n ? STATE_NEEDS_POSTSTART : 0) |
		   (c->spec->hooks[MOAT_HOOK_POSTSTOP].n ? STATE_NEEDS_POSTSTOP : 0) |
		   (c->spec->seccomp && c->spec->seccomp->listener_path ? STATE_NEEDS_NOTIFY : 0);
	r = 0;
	if (c->needs) {
		int cfd = openat(c->dirfd, "config.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		r = cfd < 0 ? -errno : sys_write_all(cfd, raw, raw_len);
		if (cfd >= 0)
			close(cfd);
	}
	free(raw);
	if (r < 0) {
		moat_err_set(err, -r, "save config.json");
		goto fail;
	}
	/* Claim the id now, before anything shared by id (the cgroup) exists:
	 * a losing create of the same id must fail here, never reach the
	 * winner's cgroup and tear it down in its own cleanup. The dir stays
	 * locked and without a state file ("creating") until the end. */
	if ((r = state_dir_publish(c->rootfd, c->tmpname, c->id, err)) < 0)
		goto fail;
	c->published = true;
	now_rfc3339(created, sizeof(created));
	struct stat self;
	if (stat("/proc/self/exe", &self) < 0) {
		r = moat_err_set(err, errno, "stat /proc/self/exe");
		goto fail;
	}
	c->self_dev = self.st_dev;
	c->self_ino = self.st_ino;
	c->created = NULL;

	if (c->opts->console_socket) {
		r = c->console_sock = console_connect(c->opts->console_socket, err);
		if (r < 0)
			goto fail;
	}
	/* The filter is compiled (or loaded from the cache, keyed by profile,
	 * architecture and libseccomp version) here, once; the init inherits
	 * the program. --seccomp-record installs a recording filter instead. */
	if (c->opts->seccomp_record) {
		if ((r = moat_seccomp_record_filter(&c->seccomp, err)) < 0)
			goto fail;
	} else if (c->spec->seccomp) {
		char cache[PATH_MAX];
		snprintf(cache, sizeof(cache), "%s/.seccomp-cache", c->ctx->root);
		if ((r = moat_seccomp_prepare(c->spec->seccomp, cache, &c->seccomp, err)) < 0) {
			moat_err_prefix(err, "config.json");
			goto fail;
		}
		const char *const *skipped;
		size_t n = moat_seccomp_filter_skipped(c->seccomp, &skipped);
		for (size_t i = 0; i < n && c->ctx->debug && c->ctx->debug_log; i++) {
			char msg[256];
			snprintf(msg, sizeof(msg),
				 "linux.seccomp: syscall \"%s\" is unknown to this libseccomp/arch, skipped",
				 skipped[i]);
			c->ctx->debug_log(msg);
		}
	}
	/* The cgroup exists, with its limits, before the init does; the init
	 * joins it as its first act (moat_cgroup_join has the why). */
	struct moat_cgroup_config cgc = { .id = c->id, .path = c->spec->cgroups_path,
					  .resources = c->spec->resources,
					  .devices = c->spec->devices, .n_devices = c->spec->n_devices };
	if ((r = moat_cgroup_create(&cgc, &c->cgroup, err)) < 0)
		goto fail;
	if ((r = moat_cgroup_join_prepare(c->cgroup, &c->join, err)) < 0)
		goto fail;
	if (c->ctx->debug && c->ctx->debug_log) {
		char msg[512];
		snprintf(msg, sizeof(msg), "cgroup: %s (%s)", moat_cgroup_get_path(c->cgroup),
			 moat_cgroup_layout_name(moat_cgroup_get_layout(c->cgroup)));
		c->ctx->debug_log(msg);
	}
	if (c->detached && (r = c->start_listen = start_socket(c->dirfd, err)) < 0)
		goto fail;
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		r = moat_err_set(err, errno, "socketpair");
		goto fail;
	}
	c->sync_parent = sp[0];
	c->sync_child = sp[1];

	/* A joined pid namespace applies to children: enter it for the clone
	 * only, then return to ours so hooks run in the runtime's. */
	int own_pidns = -1;
	const struct moat_namespace *pidns = moat_spec_namespace(c->spec, CLONE_NEWPID);
	if (pidns && pidns->path) {
		own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		int fd = open(pidns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || sys_setns(fd, CLONE_NEWPID) < 0) {
			r = moat_err_set(err, errno, "join pid namespace %s", pidns->path);
			if (fd >= 0)
				close(fd);
			if (own_pidns >= 0)
				close(own_pidns);
			goto fail;
		}
		close(fd);
	}
	int pidfd = -1;
	struct clone_args ca = { .flags = CLONE_PIDFD | clone_flags(c->spec),
				 .pidfd = (uint64_t)(uintptr_t)&pidfd,
				 .exit_signal = SIGCHLD };
	if (c->join.clone_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)c->join.clone_fd;
		c->cloned_into_cgroup = true;
	}
	pid_t pid = sys_clone3(&ca);
	if (pid == -ENOSYS) {
		/* clone3 hidden (valgrind, an old seccomp profile): clone(2) does
		 * the same but for CLONE_INTO_CGROUP, so the init joins by pid */
		c->cloned_into_cgroup = false;
		pid = sys_clone((unsigned long)(ca.flags & ~(uint64_t)CLONE_INTO_CGROUP) | SIGCHLD, &pidfd);
	}
	if (pid == 0)
		init_main(c);
	if (own_pidns >= 0) {
		sys_setns(own_pidns, CLONE_NEWPID);
		close(own_pidns);
	}
	if (pid < 0) {
		r = moat_err_set(err, -pid, "clone the container's init");
		goto fail;
	}
	c->pid = pid;
	c->pidfd = pidfd;
	close(c->sync_child);
	c->sync_child = -1;
	moat_cgroup_join_release(&c->join);
	if (c->start_listen >= 0) {
		close(c->start_listen); /* the init's copy is the one that accepts */
		c->start_listen = -1;
	}
	char pstate;
	sys_proc_stat(pid, &pstate, &c->start_time);

	if ((r = drive_init(c, err)) < 0)
		goto fail;

	struct moat_state st = { .id = (char *)c->id, .pid = pid, .start_time = c->start_time,
				 .bundle = c->bundle, .rootfs = c->spec->root_path,
				 .created = created, .owner = "", .needs = c->needs };
	char **keys = moat_arena_alloc(&c->spec->arena, (c->spec->n_annotations + 1) * sizeof(char *));
	char **vals = moat_arena_alloc(&c->spec->arena, (c->spec->n_annotations + 1) * sizeof(char *));
	for (size_t i = 0; i < c->spec->n_annotations; i++) {
		keys[i] = c->spec->annotations[i].key;
		vals[i] = c->spec->annotations[i].value;
	}
	st.annot_keys = keys;
	st.annot_values = vals;
	st.n_annotations = c->spec->n_annotations;
	struct moat_buf cgs = { 0 };
	moat_cgroup_to_string(c->cgroup, &cgs);
	st.cgroup = cgs.data;
	r = state_write(c->dirfd, &st, err);
	moat_buf_free(&cgs);
	if (r < 0)
		goto fail;
	if (c->opts->pid_file && (r = write_pid_file(c->opts->pid_file, pid, err)) < 0)
		goto fail;
	return 0;

fail:
	container_abort(c);
	if (c->cgroup) {
		struct moat_err ignored;
		moat_cgroup_join_release(&c->join);
		moat_cgroup_destroy(c->cgroup, MOAT_CGROUP_KILL, &ignored);
	}
	state_dir_remove(c->rootfd, c->published ? c->id : c->tmpname);
	return r;
}

int moat_create(struct moat_ctx *ctx, const struct moat_create_opts *o, struct moat_err *err)
{
	struct container c = { .ctx = ctx, .opts = o, .id = o->id, .detached = true };

	int r = container_create(&c, err);
	if (r == 0) {
		/* The init closes its end once it no longer dies with us; exiting
		 * before that EOF would kill it through PR_SET_PDEATHSIG. */
		struct sync_msg m;
		r = sync_send_type(c.sync_parent, SYNC_DETACH);
		if (r == 0 && (r = sync_recv(c.sync_parent, &m, NULL)) == -EPIPE)
			r = 0;
		else if (r == 0)
			r = -EPROTO;
		if (r < 0) {
			moat_err_set(err, -r, "the container's init exited");
			container_abort(&c);
			state_dir_remove(c.rootfd, c.id);
		}
	}
	container_close(&c);
	return r;
}

/* Copy what is readable on from to to; false at EOF or error. */
static bool relay(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 && errno == EINTR;
	return sys_write_all(to, buf, (size_t)n) == 0;
}

static void winsize_copy(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/*
 * Wait for the container, forwarding signals (SIGWINCH resizes the pty
 * instead) and, when moat holds the pty, relaying it to our stdio with our
 * terminal in raw mode, as runc does.
 */
static int run_wait(struct container *c, int sfd, int *ret_status)
{
	int status = 0, master = c->pty_master;
	struct termios saved;
	bool raw = false;

	if (master >= 0 && isatty(0) && tcgetattr(0, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(0, TCSANOW, &t) == 0;
		winsize_copy(0, master);
	}
	bool in_open = master >= 0;
	for (;;) {
		struct pollfd p[4] = { { .fd = c->pidfd, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN },
				       { .fd = master, .events = POLLIN },
				       { .fd = in_open ? 0 : -1, .events = POLLIN } };
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((p[2].revents & (POLLIN | POLLHUP)) && !relay(master, 1))
			master = -1;
		if ((p[3].revents & (POLLIN | POLLHUP)) && !relay(0, c->pty_master))
			in_open = false;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH && c->pty_master >= 0)
					winsize_copy(0, c->pty_master);
				else if (si.ssi_signo != SIGCHLD)
					sys_pidfd_send_signal(c->pidfd, (int)si.ssi_signo);
			}
		}
		if (p[0].revents & POLLIN)
			break;
	}
	/* what the container printed last */
	struct pollfd p = { .fd = master, .events = POLLIN };
	while (master >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN) && relay(master, 1))
		;
	if (raw)
		tcsetattr(0, TCSANOW, &saved);
	while (waitpid(c->pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	*ret_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	return 0;
}

int seccomp_listener_take(int pidfd, pid_t pid, int fdnum, const struct moat_spec *spec,
			  const char *state_json, int *ret_fd, struct moat_err *err)
{
	int fd, r;

	if ((r = moat_seccomp_listener_fetch(pidfd, fdnum, 5000, &fd, err)) < 0)
		return moat_err_prefix(err, "linux.seccomp: take the listener");
	if (ret_fd) {
		*ret_fd = fd;
		return 0;
	}
	const struct moat_seccomp *s = spec->seccomp;
	if (!s || !s->listener_path) {
		close(fd);
		return moat_err_setx(err, EINVAL, "linux.seccomp: NOTIFY needs listenerPath");
	}
	r = moat_seccomp_send_listener(s->listener_path, fd, pid, s->listener_metadata, state_json,
				       err);
	close(fd);
	return r < 0 ? moat_err_prefix(err, "linux.seccomp.listenerPath") : 0;
}

/* --seccomp-record: the recorder answers the container's syscalls in a
 * thread of its own, so nothing the runtime waits for can stall them. */
struct recorder {
	struct moat_seccomp_recorder *rec;
	pthread_t thread;
	bool running;
	struct moat_err err;
};

static void *recorder_main(void *arg)
{
	struct recorder *r = arg;
	moat_seccomp_recorder_run(r->rec, -1, &r->err);
	return NULL;
}

/* After SYNC_START: EOF on the sync socket means execve happened. */
static int wait_exec(struct container *c, struct recorder *rec, struct moat_err *err)
{
	struct sync_msg m;
	for (;;) {
		int r = sync_recv(c->sync_parent, &m, NULL);
		if (r == -EPIPE)
			return 0;
		if (r < 0)
			return moat_err_set(err, -r, "start");
		if (m.type == SYNC_ERROR) {
			*err = m.err;
			return moat_err_ret(err);
		}
		if (m.type != SYNC_SECCOMP_FD)
			return moat_err_setx(err, EPROTO, "protocol: unexpected message %u", m.type);
		struct moat_buf b = { 0 };
		container_state_json(c, "creating", &b);
		int fd = -1;
		r = seccomp_listener_take(c->pidfd, c->pid, m.pid, c->spec, b.data,
					  c->opts->seccomp_record ? &fd : NULL, err);
		moat_buf_free(&b);
		if (r < 0)
			return r;
		if (fd >= 0) {
			if ((r = moat_seccomp_recorder_new(fd, &rec->rec, err)) < 0)
				return r;
			if ((r = pthread_create(&rec->thread, NULL, recorder_main, rec)) != 0)
				return moat_err_set(err, r, "--seccomp-record: start the recorder");
			rec->running = true;
		}
		if ((r = sync_send_type(c->sync_parent, SYNC_SECCOMP_FD_TAKEN)) < 0)
			return moat_err_set(err, -r, "linux.seccomp: release the init");
	}
}

/* Write what the recorder saw as an OCI seccomp profile (the same JSON as
 * linux.seccomp), atomically. */
static int recorder_finish(struct recorder *rec, const char *path, struct moat_err *err)
{
	if (!rec->rec)
		return 0;
	if (rec->running)
		pthread_join(rec->thread, NULL);
	struct moat_arena a = { 0 };
	struct moat_buf b = { 0 };
	moat_seccomp_to_json(&b, moat_seccomp_recorder_profile(rec->rec, &a), "");
	moat_buf_puts(&b, "\n");
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s.moat-tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int r = fd < 0 ? -errno : sys_write_all(fd, b.data, b.len);
	if (fd >= 0)
		close(fd);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	moat_buf_free(&b);
	moat_arena_free(&a);
	moat_seccomp_recorder_free(rec->rec);
	rec->rec = NULL;
	if (r < 0) {
		unlink(tmp);
		return moat_err_set(err, -r, "--seccomp-record: write %s", path);
	}
	return 0;
}

int container_poststop_and_remove(struct moat_ctx *ctx, int rootfd, const char *id,
				  struct moat_err *err);

int moat_run(struct moat_ctx *ctx, const struct moat_create_opts *o, int *ret_status,
	     struct moat_err *err)
{
	struct container c = { .ctx = ctx, .opts = o, .id = o->id, .detached = false };
	struct recorder rec = { 0 };
	sigset_t all, old;
	int r;

	if (o->seccomp_record && o->detach)
		return moat_err_setx(err, EINVAL, "--seccomp-record cannot be used with --detach");

	/* Signals to moat go to the container: block them now (the init
	 * unblocks them before execve) and read them from a signalfd. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigprocmask(SIG_BLOCK, &all, &old);
	int sfd = signalfd(-1, &all, SFD_CLOEXEC);

	r = container_create(&c, err);
	if (r < 0)
		goto out;
	if ((r = sync_send_type(c.sync_parent, SYNC_START)) < 0 ||
	    (r = wait_exec(&c, &rec, err)) < 0) {
		if (r == -EPIPE)
			moat_err_set(err, EPIPE, "the container's init exited");
		container_abort(&c);
		container_poststop_and_remove(ctx, c.rootfd, c.id, NULL);
		goto out;
	}
	if (c.spec->hooks[MOAT_HOOK_POSTSTART].n) {
		struct moat_buf b = { 0 };
		container_state_json(&c, "running", &b);
		hooks_run_warn(c.spec, MOAT_HOOK_POSTSTART, b.data, ctx->warn);
		moat_buf_free(&b);
	}
	if (o->detach) {
		*ret_status = 0;
		goto out;
	}
	r = run_wait(&c, sfd, ret_status);
	if (r < 0) {
		moat_err_set(err, -r, "wait for the container");
		goto out;
	}
	r = container_poststop_and_remove(ctx, c.rootfd, c.id, err);
	if (r == 0)
		r = recorder_finish(&rec, o->seccomp_record, err);
out:
	if (rec.rec) {
		/* the container is gone (or never ran): the thread ends on POLLHUP */
		if (rec.running)
			pthread_join(rec.thread, NULL);
		moat_seccomp_recorder_free(rec.rec);
	}
	container_close(&c);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}
