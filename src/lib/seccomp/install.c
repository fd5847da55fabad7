/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Installing a filter in the init, and handing its listener to an agent. */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "seccomp/internal.h"
#include "sys/sys.h"

static int install_error(int e, struct moat_err *err)
{
	if (e == EACCES && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0)
		return moat_err_setx(err, EACCES,
				     "seccomp: without no_new_privs, installing a filter needs "
				     "CAP_SYS_ADMIN: set process.noNewPrivileges, or install the "
				     "filter before dropping capabilities");
	if (e == EINVAL)
		return moat_err_set(err, e, "seccomp: the kernel refused the filter or its flags");
	return moat_err_set(err, e, "seccomp: install the filter");
}

int moat_seccomp_install(const struct moat_seccomp_filter *f, unsigned flags, int *ret_notify_fd,
			 struct moat_err *err)
{
	if (f->notify && !ret_notify_fd)
		return moat_err_setx(err, EINVAL,
				     "seccomp: the filter uses NOTIFY, but the caller "
				     "takes no listener fd");
	if ((flags & MOAT_SECCOMP_SET_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return moat_err_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->kernel_flags, &f->prog);
	if (r < 0)
		return install_error(errno, err);
	if (ret_notify_fd)
		*ret_notify_fd = f->notify ? (int)r : -1;
	return 0;
}

int moat_seccomp_listener_next_fd(struct moat_err *err)
{
	/* any fd-making syscall gets the lowest free number, as seccomp() will */
	int fd = eventfd(0, EFD_CLOEXEC);

	if (fd < 0)
		return moat_err_set(err, errno, "seccomp: eventfd");
	close(fd);
	return fd;
}

static bool is_listener(int fd)
{
	uint64_t id = 0;

	/* a listener knows no notification 0 yet: ENOENT; other fds: ENOTTY */
	return ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0 && errno == ENOENT;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The init installs microseconds after it announced the fd: yield a few
 * times first, then sleep on the pidfd, which also wakes when it exits. */
static int fetch_wait(int pidfd, unsigned attempt)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	if (attempt < 64) {
		sched_yield();
		return poll(&p, 1, 0) > 0 ? -ESRCH : 0;
	}
	return poll(&p, 1, 1) > 0 ? -ESRCH : 0;
}

int moat_seccomp_listener_fetch(int pidfd, int target_fd, int timeout_ms, int *ret_fd,
				struct moat_err *err)
{
	long deadline = now_ms() + timeout_ms;

	for (unsigned attempt = 0;; attempt++) {
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, target_fd, 0);
		if (fd >= 0) {
			if (is_listener(fd)) {
				*ret_fd = fd;
				return 0;
			}
			close(fd);
			return moat_err_setx(err, EBADF,
					     "seccomp: fd %d of the init is not a seccomp "
					     "listener",
					     target_fd);
		}
		if (errno == ESRCH)
			return moat_err_setx(err, ESRCH,
					     "seccomp: the init exited before installing "
					     "its filter");
		if (errno != EBADF)
			return moat_err_set(err, errno, "seccomp: pidfd_getfd(%d)", target_fd);
		if (fetch_wait(pidfd, attempt) < 0)
			return moat_err_setx(err, ESRCH,
					     "seccomp: the init exited before installing "
					     "its filter");
		if (now_ms() > deadline)
			return moat_err_setx(err, ETIMEDOUT,
					     "seccomp: the init installed no filter "
					     "within %d ms",
					     timeout_ms);
	}
}

int moat_seccomp_send_listener(const char *listener_path, int notify_fd, pid_t pid,
			       const char *metadata, const char *state_json, struct moat_err *err)
{
	struct moat_buf msg = {0};

	int sock = sys_unix_connect(listener_path);
	if (sock < 0)
		return moat_err_set(err, -sock, "seccomp listener: connect %s", listener_path);
	/* runtime-spec config-linux.md, "containerProcessState" */
	moat_buf_printf(&msg,
			"{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
			"\"metadata\":",
			(int)pid);
	moat_json_str(&msg, metadata ? metadata : "");
	moat_buf_puts(&msg, ",\"state\":");
	moat_buf_puts(&msg, state_json);
	moat_buf_puts(&msg, "}");
	int r = sys_send_fd(sock, msg.data, msg.len, notify_fd);
	moat_buf_free(&msg);
	close(sock);
	if (r < 0)
		return moat_err_set(err, -r, "seccomp listener: send to %s", listener_path);
	return 0;
}
