/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp on the real kernel: each case forks a child that installs a
 * filter (the parent plays the runtime: it prepares the filter before the
 * fork, fetches listeners, answers notifications) and reports with its exit
 * status: 0 = as expected, N = step N went wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/capability.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "seccomp/seccomp.h"
#include "spec/internal.h"

#define DEFAULT_CAPS                                                                               \
	((1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE))

static char tmpdir[] = "/tmp/moat-test-seccomp-kernel-XXXXXX";

static struct moat_seccomp_filter *prepare_json(const char *json, struct moat_arena *a)
{
	struct json_object *o = json_tokener_parse(json);
	struct moat_seccomp *s = NULL;
	struct moat_seccomp_filter *f = NULL;
	struct moat_err err = {0};
	int r = o ? spec_parse_seccomp(o, a, &s, &err) : -EINVAL;

	json_object_put(o);
	if (r == 0)
		r = moat_seccomp_prepare(s, NULL, &f, &err);
	if (r < 0)
		CHECK(0, "prepare: %s", err.msg);
	return f;
}

/* Wait for pid; returns its exit code, or 128 + signal. */
static int wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void test_errno_ret(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f =
	    prepare_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":["
			 "\"mkdir\",\"mkdirat\"],"
			 "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}",
			 &a);
	if (!f)
		return;
	char path[128];
	snprintf(path, sizeof(path), "%s/dir", tmpdir);
	pid_t pid = fork();
	if (pid == 0) {
		struct moat_err err;
		if (moat_seccomp_install(f, MOAT_SECCOMP_SET_NO_NEW_PRIVS, NULL, &err) < 0)
			_exit(1);
		if (mkdir(path, 0755) == 0 || errno != ENOSYS)
			_exit(2);
		if (syscall(SYS_getpid) != getpid())
			_exit(3);
		_exit(0);
	}
	int code = wait_child(pid);
	CHECK(code == 0, "ERRNO 38 on mkdir: mkdir fails with ENOSYS, getpid works (step %d)",
	      code);
	CHECK(access(path, F_OK) < 0, "and no directory was made");
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static void test_kill_process(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = prepare_json(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	    "\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}",
	    &a);
	if (!f)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		struct moat_err err;
		if (moat_seccomp_install(f, MOAT_SECCOMP_SET_NO_NEW_PRIVS, NULL, &err) < 0)
			_exit(1);
		syscall(SYS_mkdir, "/nonexistent/x", 0755);
		_exit(2);
	}
	int code = wait_child(pid);
	CHECK(code == 128 + SIGSYS, "KILL_PROCESS: mkdir kills the process with SIGSYS (got %d)",
	      code);
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

/* The checks run inside a child under the default profile. */
static int default_profile_child(void)
{
	struct io_uring_params iop = {0};
	struct clone_args ca = {.exit_signal = SIGCHLD};
	int step = 10;

	if (unshare(CLONE_NEWUSER) == 0 || errno != EPERM)
		return step;
	step++;
	if (syscall(SYS_io_uring_setup, 1, &iop) >= 0 || errno != EPERM)
		return step;
	step++;
	if (syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) >= 0 ||
	    errno != EPERM)
		return step;
	step++;
	if (syscall(SYS_bpf, 0, NULL, 0) >= 0 || errno != EPERM)
		return step;
	step++;
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 || errno != EPERM)
		return step;
	step++;
	if (mount("none", "/mnt", "tmpfs", 0, NULL) == 0 || errno != EPERM)
		return step;
	step++;
	if (syscall(SYS_clone3, &ca, sizeof(ca)) >= 0 || errno != ENOSYS)
		return step;
	step++;
	if (syscall(470) >= 0 || errno != ENOSYS) /* newer than the profile */
		return step;
	step++;
	if (personality(0xffffffff) < 0 || personality(READ_IMPLIES_EXEC) >= 0)
		return step;
	step++;
	pid_t pid = fork(); /* clone(SIGCHLD): no namespace flag */
	if (pid < 0)
		return step;
	if (pid == 0)
		_exit(7);
	step++;
	if (wait_child(pid) != 7)
		return step;
	step++;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	char buf[4096];
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n <= 0 || close(fd) < 0)
		return step;
	buf[n] = '\0';
	step++;
	if (!strstr(buf, "Seccomp:\t2") || !strstr(buf, "NoNewPrivs:\t1"))
		return step;
	return 0;
}

static void test_default_profile(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = NULL;
	struct moat_err err = {0};
	int pipefd[2];

	if (moat_seccomp_prepare(moat_seccomp_default(&a, DEFAULT_CAPS), NULL, &f, &err) < 0) {
		CHECK(0, "prepare the default profile: %s", err.msg);
		return;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		double t0 = now_us();
		if (moat_seccomp_install(f, MOAT_SECCOMP_SET_NO_NEW_PRIVS, NULL, &err) < 0)
			_exit(1);
		double us = now_us() - t0;
		if (write(pipefd[1], &us, sizeof(us)) != sizeof(us))
			_exit(2);
		_exit(default_profile_child());
	}
	close(pipefd[1]);
	double us = -1;
	if (read(pipefd[0], &us, sizeof(us)) != sizeof(us))
		us = -1;
	close(pipefd[0]);
	int code = wait_child(pid);
	CHECK(code == 0,
	      "default profile: unshare(CLONE_NEWUSER), io_uring_setup, keyctl, bpf, ptrace, "
	      "mount fail; clone3 and syscall 470 give ENOSYS; personality query and fork work "
	      "(step %d)",
	      code);
	printf("# installing the default profile (%u insns, no_new_privs + seccomp()): %.1f us\n",
	       moat_seccomp_filter_prog(f)->len, us);
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static void test_needs_nnp_or_cap(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = prepare_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", &a);
	int pipefd[2];

	if (!f || pipe2(pipefd, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
		struct __user_cap_data_struct d[2];
		struct moat_err err = {0};
		if (syscall(SYS_capget, &h, d) < 0)
			_exit(1);
		d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(2);
		int r = moat_seccomp_install(f, 0, NULL, &err);
		if (write(pipefd[1], err.msg, strlen(err.msg) + 1) < 0)
			_exit(3);
		_exit(r == -EACCES ? 0 : 4);
	}
	close(pipefd[1]);
	char msg[1024] = "";
	if (read(pipefd[0], msg, sizeof(msg) - 1) < 0)
		msg[0] = '\0';
	close(pipefd[0]);
	int code = wait_child(pid);
	CHECK(code == 0 && strstr(msg, "CAP_SYS_ADMIN") && strstr(msg, "noNewPrivileges"),
	      "without no_new_privs or CAP_SYS_ADMIN, install says what to do (step %d): %s", code,
	      msg);
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

/* The child announces the listener's fd number, installs, then runs fn. */
static pid_t spawn_notified(const struct moat_seccomp_filter *f, int announce_fd, int (*fn)(void))
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	struct moat_err err;
	int notify_fd = -1;
	int n = moat_seccomp_listener_next_fd(&err);
	/* nothing may open or close an fd between here and the install */
	if (n < 0 || write(announce_fd, &n, sizeof(n)) != sizeof(n))
		_exit(1);
	if (moat_seccomp_install(f, MOAT_SECCOMP_SET_NO_NEW_PRIVS, &notify_fd, &err) < 0)
		_exit(2);
	_exit(fn());
}

static char mkdir_path[160];

static int mkdir_child(void)
{
	if (mkdir(mkdir_path, 0755) == 0 || errno != ENOTBLK) /* the agent's answer */
		return 3;
	return 0;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(addr.sun_path))
		return -1;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s, 1) < 0)
		return -1;
	return s;
}

/* The agent's side: one message with an fd and the JSON text. */
static int agent_receive(int lsock, char *text, size_t size, int *ret_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = text, .iov_len = size - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	int conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return -1;
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	close(conn);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (n <= 0 || !c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	text[n] = '\0';
	memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

/* Answer one notification with -ENOTBLK; returns its syscall number. */
static int agent_answer(int fd)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return -1;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.error = -ENOTBLK;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return -1;
	return req.data.nr;
}

static void test_notify_listener(void)
{
	struct moat_arena a = {0};
	char sock_path[160], json[512], text[4096];
	int announce[2], notify_fd = -1, agent_fd = -1;
	struct moat_err err = {0};

	snprintf(sock_path, sizeof(sock_path), "%s/agent.sock", tmpdir);
	snprintf(mkdir_path, sizeof(mkdir_path), "%s/notified", tmpdir);
	snprintf(json, sizeof(json),
		 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
		 "\"listenerMetadata\":\"MKDIR=answer\",\"syscalls\":[{\"names\":[\"mkdir\","
		 "\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		 sock_path);
	struct moat_seccomp_filter *f = prepare_json(json, &a);
	int lsock = listen_unix(sock_path);
	if (!f || lsock < 0 || pipe2(announce, O_CLOEXEC) < 0) {
		CHECK(0, "set up the NOTIFY test");
		return;
	}
	pid_t pid = spawn_notified(f, announce[1], mkdir_child);
	close(announce[1]);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int n = -1;
	if (read(announce[0], &n, sizeof(n)) != sizeof(n))
		n = -1;
	close(announce[0]);

	double t0 = now_us();
	int r = moat_seccomp_listener_fetch(pidfd, n, 5000, &notify_fd, &err);
	double fetch_us = now_us() - t0;
	CHECK(r == 0, "the runtime fetches the listener (fd %d of the child)%s%s", n, r ? ": " : "",
	      r ? err.msg : "");
	if (r == 0) {
		r = moat_seccomp_send_listener(
		    sock_path, notify_fd, pid, "MKDIR=answer",
		    "{\"ociVersion\":\"1.2.0\",\"id\":\"t1\","
		    "\"status\":\"creating\",\"pid\":1,\"bundle\":\"/b\"}",
		    &err);
		CHECK(r == 0, "and sends it to the listener socket%s%s", r ? ": " : "",
		      r ? err.msg : "");
		close(notify_fd);
	}
	if (r == 0 && agent_receive(lsock, text, sizeof(text), &agent_fd) == 0) {
		struct json_object *o = json_tokener_parse(text), *v;
		CHECK(o != NULL, "the agent receives JSON");
		CHECK(o && json_object_object_get_ex(o, "metadata", &v) &&
			  strcmp(json_object_get_string(v), "MKDIR=answer") == 0,
		      "with listenerMetadata");
		CHECK(o && json_object_object_get_ex(o, "pid", &v) && json_object_get_int(v) == pid,
		      "with the container process's pid");
		CHECK(o && json_object_object_get_ex(o, "fds", &v) &&
			  strcmp(json_object_to_json_string(v), "[ \"seccompFd\" ]") == 0,
		      "naming the fd seccompFd");
		CHECK(o && json_object_object_get_ex(o, "state", &v) &&
			  json_object_object_get_ex(v, "id", &v) &&
			  strcmp(json_object_get_string(v), "t1") == 0,
		      "with the container state");
		json_object_put(o);
		int nr = agent_answer(agent_fd);
		CHECK(nr == SYS_mkdir || nr == SYS_mkdirat, "the agent sees the mkdir (nr %d)", nr);
		close(agent_fd);
	} else {
		CHECK(0, "the agent receives the listener");
		kill(pid, SIGKILL);
	}
	int code = wait_child(pid);
	CHECK(code == 0, "the container's mkdir sees the agent's answer, ENOTBLK (step %d)", code);
	printf("# fetching the listener with pidfd_getfd: %.1f us\n", fetch_us);
	close(pidfd);
	close(lsock);
	unlink(sock_path);
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static int workload(void)
{
	struct utsname u;
	char path[200];

	if (syscall(SYS_getppid) < 0 || uname(&u) < 0)
		return 3;
	snprintf(path, sizeof(path), "%s/recorded", tmpdir);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return 4;
	if (rmdir(path) < 0)
		return 5;
	return 0;
}

static int workload_then_unshare(void)
{
	int r = workload();
	if (r)
		return r;
	/* ENOSYS: unshare's number is above every syscall the learnt profile
	 * names, so the ENOSYS stub answers first (runc does the same) */
	if (unshare(CLONE_NEWUSER) == 0 || (errno != EPERM && errno != ENOSYS))
		return 6;
	return 0;
}

static bool profile_has(const struct moat_seccomp *s, const char *name)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		for (size_t j = 0; j < s->syscalls[i].n_names; j++)
			if (strcmp(s->syscalls[i].names[j], name) == 0)
				return true;
	return false;
}

static void test_record(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = NULL, *learnt = NULL;
	struct moat_seccomp_recorder *rec = NULL;
	struct moat_err err = {0};
	int announce[2], notify_fd = -1, n = -1;

	if (moat_seccomp_record_filter(&f, &err) < 0 || pipe2(announce, O_CLOEXEC) < 0)
		return;
	pid_t pid = spawn_notified(f, announce[1], workload);
	close(announce[1]);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (read(announce[0], &n, sizeof(n)) != sizeof(n))
		n = -1;
	close(announce[0]);
	int r = moat_seccomp_listener_fetch(pidfd, n, 5000, &notify_fd, &err);
	if (r == 0)
		r = moat_seccomp_recorder_new(notify_fd, &rec, &err);
	if (r == 0)
		r = moat_seccomp_recorder_run(rec, pidfd, &err);
	CHECK(r == 0, "the recorder runs until the workload exits%s%s", r ? ": " : "",
	      r ? err.msg : "");
	int code = wait_child(pid);
	CHECK(code == 0, "the workload runs normally while recorded (step %d)", code);
	if (!rec) {
		kill(pid, SIGKILL);
		return;
	}
	struct moat_seccomp *s = moat_seccomp_recorder_profile(rec, &a);
	printf("# recorded %zu syscalls\n", moat_seccomp_recorder_count(rec));
	CHECK(profile_has(s, "getppid") && profile_has(s, "uname") &&
		  (profile_has(s, "mkdir") || profile_has(s, "mkdirat")) &&
		  profile_has(s, "rmdir") && profile_has(s, "exit_group"),
	      "the learnt profile allows what the workload made");
	CHECK(!profile_has(s, "unshare") && !profile_has(s, "mount"),
	      "and not what it did not make");
	CHECK(s->default_action == MOAT_SECCOMP_ACT_ERRNO && s->default_errno_ret == EPERM,
	      "the rest fails with EPERM");
	struct moat_buf json = {0};
	moat_seccomp_to_json(&json, s, "");
	printf("# learnt profile: %s\n", json.data);
	moat_buf_free(&json);

	r = moat_seccomp_prepare(s, NULL, &learnt, &err);
	CHECK(r == 0, "the learnt profile compiles%s%s", r ? ": " : "", r ? err.msg : "");
	if (r == 0) {
		pid = fork();
		if (pid == 0) {
			if (moat_seccomp_install(learnt, MOAT_SECCOMP_SET_NO_NEW_PRIVS, NULL,
						 &err) < 0)
				_exit(1);
			_exit(workload_then_unshare());
		}
		code = wait_child(pid);
		CHECK(code == 0, "rerun under it works, and unshare(CLONE_NEWUSER) fails (step %d)",
		      code);
	}
	close(pidfd);
	moat_seccomp_recorder_free(rec);
	moat_seccomp_filter_free(learnt);
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	/* children report on stdout too: nothing buffered may be duplicated */
	setvbuf(stdout, NULL, _IONBF, 0);
	test_errno_ret();
	test_kill_process();
	test_default_profile();
	test_needs_nnp_or_cap();
	test_notify_listener();
	test_record();
	CHECK(rmdir(tmpdir) == 0, "the test leaves nothing behind");
	return check_done();
}
