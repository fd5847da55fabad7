/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * Thin syscall wrappers. Each returns the syscall's result (>= 0) or -errno;
 * none of them logs or allocates.  The new mount API wrappers come from
 * glibc's <sys/mount.h> (2.36); the ones below are those glibc lacks.
 */
#include <linux/openat2.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

/* openat2(2): how every path inside a container's rootfs is opened. */
int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve);
/* clone3(2) that behaves like fork() in the child (returns 0 there). */
pid_t sys_clone3(struct clone_args *args);
/* clone(2) like fork() (no new stack); with CLONE_PIDFD, *pidfd gets the pidfd. */
pid_t sys_clone(unsigned long flags, int *pidfd);
int sys_pidfd_open(pid_t pid, unsigned flags);
int sys_pidfd_send_signal(int pidfd, int sig);
int sys_pivot_root(const char *new_root, const char *put_old);
int sys_close_range(unsigned first, unsigned last, unsigned flags);
int sys_capget(uint64_t *eff, uint64_t *prm, uint64_t *inh);
int sys_capset(uint64_t eff, uint64_t prm, uint64_t inh);
int sys_setns(int fd, int nstype);
/* A connected AF_UNIX stream socket (O_CLOEXEC) to path, or -errno
 * (-ENAMETOOLONG when path does not fit sun_path). */
int sys_unix_connect(const char *path);
/* Send fd with SCM_RIGHTS along with data (the first sendmsg carries the
 * fd, plain sends the rest). Returns 0 or -errno. */
int sys_send_fd(int sock, const void *data, size_t len, int fd);
/* write(2) of the whole buffer; -errno on failure, -EIO on a short write. */
int sys_write_all(int fd, const void *buf, size_t len);
/* open(path) + write_all + close, for /proc and cgroup files. */
int sys_write_file(int dirfd, const char *path, const char *buf, size_t len);
/* Read a whole file of any size (cgroupfs and procfs report size 0) into a
 * malloc'd, NUL-terminated buffer. -EFBIG past max bytes. */
int sys_read_all(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);
/* Read a whole (small) file into buf (NUL-terminated). Returns the length. */
ssize_t sys_read_file(int dirfd, const char *path, char *buf, size_t size);
/* State letter (field 3) and start time in clock ticks since boot (field 22)
 * of /proc/PID/stat; pid + start time identify a process across pid reuse. */
int sys_proc_stat(pid_t pid, char *ret_state, unsigned long long *ret_start);
