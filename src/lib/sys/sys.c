/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sys/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int neg_errno(long r)
{
	return r < 0 ? -errno : (int)r;
}

int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };

	return neg_errno(syscall(SYS_openat2, dirfd, path, &how, sizeof(how)));
}

pid_t sys_clone3(struct clone_args *args)
{
	return neg_errno(syscall(SYS_clone3, args, sizeof(*args)));
}

pid_t sys_clone(unsigned long flags, int *pidfd)
{
	/* x86_64 argument order: flags, stack, parent_tid, child_tid, tls */
	return neg_errno(syscall(SYS_clone, flags, NULL, pidfd, NULL, 0));
}

int sys_pidfd_open(pid_t pid, unsigned flags)
{
	return neg_errno(syscall(SYS_pidfd_open, pid, flags));
}

int sys_pidfd_send_signal(int pidfd, int sig)
{
	return neg_errno(syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0));
}

int sys_pivot_root(const char *new_root, const char *put_old)
{
	return neg_errno(syscall(SYS_pivot_root, new_root, put_old));
}

int sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	return neg_errno(syscall(SYS_close_range, first, last, flags));
}

int sys_capget(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

int sys_capset(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
	};

	return neg_errno(syscall(SYS_capset, &h, d));
}

int sys_setns(int fd, int nstype)
{
	return neg_errno(setns(fd, nstype));
}

int sys_unix_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(s);
		return r;
	}
	return s;
}

int sys_send_fd(int sock, const void *data, size_t len, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	const char *p = data;
	for (size_t done = (size_t)n; done < len;) {
		n = send(sock, p + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

int sys_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int sys_write_file(int dirfd, const char *path, const char *buf, size_t len)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	int r = sys_write_all(fd, buf, len);
	int saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int sys_read_all(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t cap = 4096, len = 0;
	char *buf = NULL;
	int r = 0;
	for (;;) {
		if (!buf || cap - len < 2) {
			if (buf)
				cap *= 2;
			char *nb = realloc(buf, cap);
			if (!nb)
				abort();
			buf = nb;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			r = -EFBIG;
			break;
		}
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*ret = buf;
	if (ret_len)
		*ret_len = len;
	return 0;
}

ssize_t sys_read_file(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	while (got + 1 < size) {
		ssize_t n = read(fd, buf + got, size - 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int r = -errno;
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	return (ssize_t)got;
}

int sys_proc_stat(pid_t pid, char *ret_state, unsigned long long *ret_start)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ssize_t n = sys_read_file(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	/* comm may contain spaces and parentheses: fields start after the last ')' */
	char *p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	p++;
	*ret_state = p[1];
	for (int field = 3; field < 22; field++) { /* p is at the space before field 3 */
		p = strchr(p + 1, ' ');
		if (!p)
			return -EINVAL;
	}
	*ret_start = strtoull(p + 1, NULL, 10);
	return 0;
}
