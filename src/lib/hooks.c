/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "sys/sys.h"

/* The state goes in through a memfd, not a pipe: a hook that never reads its
 * stdin cannot block the runtime, and no writer process is needed. */
static int state_memfd(const char *state_json)
{
	int fd = memfd_create("moat-hook-state", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = sys_write_all(fd, state_json, strlen(state_json));
	if (r < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return r < 0 ? r : -errno;
	}
	return fd;
}

static int hook_wait(pid_t pid, int timeout, int *ret_status)
{
	int pidfd = sys_pidfd_open(pid, 0);
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		int r;
		do
			r = poll(&p, 1, timeout > 0 ? timeout * 1000 : -1);
		while (r < 0 && errno == EINTR);
		close(pidfd);
		if (r == 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, ret_status, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
	}
	while (waitpid(pid, ret_status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static int hook_run_one(const struct moat_hook *h, const char *state_json, int root_fd,
			struct moat_err *err)
{
	int in = state_memfd(state_json);
	if (in < 0)
		return moat_err_set(err, -in, "state for stdin");

	pid_t pid = fork();
	if (pid < 0) {
		close(in);
		return moat_err_set(err, errno, "fork");
	}
	if (pid == 0) {
		char *default_argv[] = { h->path, NULL };
		char *empty_env[] = { NULL };

		if (root_fd >= 0 && (fchdir(root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0))
			_exit(126);
		if (dup2(in, 0) < 0)
			_exit(126);
		/* a hook must not inherit the runtime's sockets or the init's fds */
		sys_close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(h->path, h->args ? h->args : default_argv, h->env ? h->env : empty_env);
		_exit(127);
	}
	close(in);
	int status = 0;
	int r = hook_wait(pid, h->timeout, &status);
	if (r == -ETIMEDOUT)
		return moat_err_setx(err, ETIMEDOUT, "%s: timed out after %d s", h->path, h->timeout);
	if (r < 0)
		return moat_err_set(err, -r, "%s: wait", h->path);
	if (WIFSIGNALED(status))
		return moat_err_setx(err, ECANCELED, "%s: killed by signal %d", h->path,
				     WTERMSIG(status));
	if (WEXITSTATUS(status) == 127)
		return moat_err_setx(err, ENOENT, "%s: could not be executed", h->path);
	if (WEXITSTATUS(status) != 0)
		return moat_err_setx(err, ECANCELED, "%s: exited with status %d", h->path,
				     WEXITSTATUS(status));
	return 0;
}

int hooks_run(const struct moat_spec *spec, enum moat_hook_kind kind, const char *state_json,
	      int root_fd, struct moat_err *err)
{
	const struct moat_hook_list *l = &spec->hooks[kind];

	for (size_t i = 0; i < l->n; i++) {
		int r = hook_run_one(&l->hooks[i], state_json, root_fd, err);
		if (r < 0)
			return moat_err_prefix(err, "hooks.%s[%zu]", moat_hook_kind_name(kind), i);
	}
	return 0;
}

void hooks_run_warn(const struct moat_spec *spec, enum moat_hook_kind kind, const char *state_json,
		    void (*warn)(const char *msg))
{
	const struct moat_hook_list *l = &spec->hooks[kind];
	struct moat_err err;

	for (size_t i = 0; i < l->n; i++) {
		if (hook_run_one(&l->hooks[i], state_json, -1, &err) < 0 && warn) {
			moat_err_prefix(&err, "hooks.%s[%zu] failed (ignored)", moat_hook_kind_name(kind), i);
			warn(err.msg);
		}
	}
}
