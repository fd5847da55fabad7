// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe: a small static program the integration tests run inside containers.
 * It reports what the container sees as JSON on stdout, or performs one small
 * action and reports its outcome. It links nothing but libc (statically), so
 * it runs in any rootfs, and it avoids NSS (no getpwnam) for the same reason.
 *
 *   probe report               one JSON object: ids, caps, limits, fds, ns, ...
 *   probe fds                  JSON array of open fds and their targets
 *   probe write PATH [TEXT]    create/truncate PATH and write TEXT
 *   probe open PATH [r|w|rw|path]
 *   probe mknod PATH b|c MAJ MIN
 *   probe stat [-l] PATH       JSON: type, mode, uid, gid, dev, rdev, ...
 *   probe mounts               /proc/self/mountinfo as a JSON array
 *   probe sleep SECONDS        sleep (SIGTERM/SIGINT exit with 128+N)
 *   probe signals [N]          print "ready", then each signal received, until
 *                              SIGTERM or N signals
 *   probe exit N               exit with status N
 *   probe fdwrite FD TEXT      write TEXT to an inherited fd
 *   probe exe PID              can /proc/PID/exe be opened, and for writing?
 *   probe exe-hold PID [SECS]  hold /proc/PID/exe (O_PATH), reopen it for
 *                              writing once PID exited (CVE-2019-5736)
 *   probe clock                CLOCK_MONOTONIC and CLOCK_BOOTTIME in seconds
 *   probe keyring              serial of the session keyring
 *   probe mq /NAME             create a POSIX message queue
 *   probe readlink PATH
 *   probe syscall NAME [ARG...]  the raw syscall NAME (a few, see syscalls[])
 *                              with ARGs: numbers (strtoull base 0, so
 *                              0xffffffff works), "buf" (a zeroed 4 KiB
 *                              buffer) or else the string itself
 *
 * Actions print "ok" (exit 0) or the errno name, e.g. "EACCES" (exit 1).
 * Usage errors exit 2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "EUNKNOWN";
}

/* Print s as a JSON string. Bytes >= 0x80 pass through unchanged. */
static void json_str(const char *s)
{
	const unsigned char *p;

	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void json_key(const char *key, int *first)
{
	if (!*first)
		putchar(',');
	*first = 0;
	json_str(key);
	putchar(':');
}

static void json_kv_str(const char *key, const char *val, int *first)
{
	json_key(key, first);
	json_str(val);
}

static void json_kv_int(const char *key, long long val, int *first)
{
	json_key(key, first);
	printf("%lld", val);
}

/* Read a small file into buf (NUL-terminated); returns length or -errno. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

/* The value of "Key:\t..." in /proc/self/status, whitespace-trimmed. */
static int status_field(const char *status, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	const char *p = status;

	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			const char *v = p + klen + 1;
			size_t n = 0;

			while (*v == ' ' || *v == '\t')
				v++;
			while (v[n] && v[n] != '\n')
				n++;
			if (n >= size)
				n = size - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

static void print_fds(void)
{
	char path[64], target[PATH_MAX];
	struct dirent *de;
	int first = 1;
	DIR *d;

	putchar('[');
	d = opendir("/proc/self/fd");
	if (!d) {
		putchar(']');
		return;
	}
	while ((de = readdir(d))) {
		int fd, f2 = 1;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		if (!first)
			putchar(',');
		first = 0;
		putchar('{');
		json_kv_int("fd", fd, &f2);
		json_kv_str("target", n < 0 ? errname(errno) : target, &f2);
		putchar('}');
	}
	closedir(d);
	putchar(']');
}

static void print_namespaces(void)
{
	char path[PATH_MAX], target[256];
	struct dirent *de;
	int first = 1;
	DIR *d;

	putchar('{');
	d = opendir("/proc/self/ns");
	if (d) {
		while ((de = readdir(d))) {
			ssize_t n;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/self/ns/%s", de->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			target[n < 0 ? 0 : n] = '\0';
			json_kv_str(de->d_name, n < 0 ? errname(errno) : target, &first);
		}
		closedir(d);
	}
	putchar('}');
}

static const char *const rlimit_names[] = {
    [RLIMIT_CPU] = "RLIMIT_CPU",	   [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
    [RLIMIT_DATA] = "RLIMIT_DATA",	   [RLIMIT_STACK] = "RLIMIT_STACK",
    [RLIMIT_CORE] = "RLIMIT_CORE",	   [RLIMIT_RSS] = "RLIMIT_RSS",
    [RLIMIT_NPROC] = "RLIMIT_NPROC",	   [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
    [RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",   [RLIMIT_AS] = "RLIMIT_AS",
    [RLIMIT_LOCKS] = "RLIMIT_LOCKS",	   [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
    [RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
    [RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",	   [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
};

static void print_rlimits(void)
{
	int first = 1;
	size_t i;

	putchar('{');
	for (i = 0; i < sizeof(rlimit_names) / sizeof(rlimit_names[0]); i++) {
		struct rlimit rl;

		if (!rlimit_names[i] || getrlimit((int)i, &rl) < 0)
			continue;
		json_key(rlimit_names[i], &first);
		printf("[%" PRIu64 ",%" PRIu64 "]", (uint64_t)rl.rlim_cur, (uint64_t)rl.rlim_max);
	}
	putchar('}');
}

static void print_ids(int *first)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	gid_t groups[NGROUPS_MAX];
	int n, i;

	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	json_key("uid", first);
	printf("[%u,%u,%u]", ru, eu, su);
	json_key("gid", first);
	printf("[%u,%u,%u]", rg, eg, sg);
	json_key("groups", first);
	n = getgroups(NGROUPS_MAX, groups);
	putchar('[');
	for (i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", groups[i]);
	putchar(']');
}

static void print_status_fields(int *first)
{
	static const char *const keys[][2] = {
	    {"CapInh", "cap_inheritable"},
	    {"CapPrm", "cap_permitted"},
	    {"CapEff", "cap_effective"},
	    {"CapBnd", "cap_bounding"},
	    {"CapAmb", "cap_ambient"},
	    {"Seccomp", "seccomp"},
	    {"NoNewPrivs", "status_no_new_privs"},
	};
	char status[8192], val[256];
	size_t i;

	if (read_file("/proc/self/status", status, sizeof(status)) < 0)
		status[0] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (status_field(status, keys[i][0], val, sizeof(val)) < 0)
			json_kv_str(keys[i][1], NULL, first);
		else
			json_kv_str(keys[i][1], val, first);
	}
}

static void print_cwd(int *first)
{
	char cwd[PATH_MAX];

	if (getcwd(cwd, sizeof(cwd))) {
		json_kv_str("cwd", cwd, first);
		json_kv_str("cwd_error", NULL, first);
	} else {
		int e = errno;

		json_kv_str("cwd", NULL, first);
		json_kv_str("cwd_error", errname(e), first);
	}
}

static void print_environ(int *first)
{
	char **e;

	json_key("environ", first);
	putchar('[');
	for (e = environ; e && *e; e++) {
		if (e != environ)
			putchar(',');
		json_str(*e);
	}
	putchar(']');
}

static int cmd_report(void)
{
	char buf[PATH_MAX];
	struct utsname un;
	int first = 1;
	mode_t mask;
	ssize_t n;

	putchar('{');
	json_kv_int("pid", getpid(), &first);
	json_kv_int("ppid", getppid(), &first);
	print_ids(&first);
	print_status_fields(&first);
	json_kv_int("no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), &first);
	json_kv_int("dumpable", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), &first);
	mask = umask(0);
	umask(mask);
	json_kv_int("umask", mask, &first);
	print_cwd(&first);
	if (uname(&un) == 0) {
		json_kv_str("hostname", un.nodename, &first);
		json_kv_str("domainname", un.domainname, &first);
		json_kv_str("machine", un.machine, &first);
	}
	json_key("rlimits", &first);
	print_rlimits();
	n = read_file("/proc/self/oom_score_adj", buf, sizeof(buf));
	json_kv_int("oom_score_adj", n < 0 ? -100000 : atoi(buf), &first);
	json_kv_int("personality", personality(0xffffffff), &first);
	json_key("fds", &first);
	print_fds();
	json_key("namespaces", &first);
	print_namespaces();
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	json_kv_str("exe", buf, &first);
	print_environ(&first);
	puts("}");
	return 0;
}

static int report_errno(int ok)
{
	if (ok) {
		puts("ok");
		return 0;
	}
	puts(errname(errno));
	return 1;
}

static int cmd_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0)
		return report_errno(0);
	if (write(fd, text, len) != (ssize_t)len) {
		int e = errno;

		close(fd);
		errno = e;
		return report_errno(0);
	}
	return report_errno(close(fd) == 0);
}

static int cmd_open(const char *path, const char *how)
{
	int flags = O_RDONLY;
	int fd;

	if (strcmp(how, "w") == 0)
		flags = O_WRONLY;
	else if (strcmp(how, "rw") == 0)
		flags = O_RDWR;
	else if (strcmp(how, "path") == 0)
		flags = O_PATH;
	else if (strcmp(how, "r") != 0)
		return 2;
	fd = open(path, flags | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return report_errno(fd >= 0);
}

static int cmd_mknod(const char *path, const char *type, const char *maj, const char *min)
{
	mode_t mode = 0666;

	if (strcmp(type, "c") == 0)
		mode |= S_IFCHR;
	else if (strcmp(type, "b") == 0)
		mode |= S_IFBLK;
	else
		return 2;
	return report_errno(mknod(path, mode, makedev(atoi(maj), atoi(min))) == 0);
}

static const char *file_type(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFCHR:
		return "chr";
	case S_IFBLK:
		return "blk";
	case S_IFLNK:
		return "lnk";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "sock";
	}
	return "unknown";
}

static int cmd_stat(const char *path, int nofollow)
{
	struct stat st;
	int first = 1;

	if ((nofollow ? lstat(path, &st) : stat(path, &st)) < 0) {
		printf("{\"error\":\"%s\"}\n", errname(errno));
		return 1;
	}
	putchar('{');
	json_kv_str("type", file_type(st.st_mode), &first);
	json_kv_int("mode", st.st_mode & 07777, &first);
	json_kv_int("uid", st.st_uid, &first);
	json_kv_int("gid", st.st_gid, &first);
	json_kv_int("major", major(st.st_rdev), &first);
	json_kv_int("minor", minor(st.st_rdev), &first);
	json_kv_int("dev_major", major(st.st_dev), &first);
	json_kv_int("dev_minor", minor(st.st_dev), &first);
	json_kv_int("ino", (long long)st.st_ino, &first);
	json_kv_int("size", (long long)st.st_size, &first);
	json_kv_int("nlink", (long long)st.st_nlink, &first);
	puts("}");
	return 0;
}

/* Undo mountinfo's octal escapes (\040 for a space, ...) in place. */
static void unescape(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

/* One mountinfo line as a JSON object; fields per proc(5). */
static void print_mount_line(char *line)
{
	char *f[32], *save = NULL, *tok;
	int n = 0, first = 1, dash = -1;

	for (tok = strtok_r(line, " \n", &save); tok && n < 32;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (strcmp(tok, "-") == 0 && dash < 0)
			dash = n;
		f[n++] = tok;
	}
	if (dash < 6 || n < dash + 4)
		return;
	putchar('{');
	json_kv_int("id", atoi(f[0]), &first);
	json_kv_int("parent", atoi(f[1]), &first);
	json_kv_str("dev", f[2], &first);
	unescape(f[3]);
	json_kv_str("root", f[3], &first);
	unescape(f[4]);
	json_kv_str("mountpoint", f[4], &first);
	json_kv_str("options", f[5], &first);
	json_key("optional", &first);
	putchar('[');
	for (int i = 6; i < dash; i++) {
		if (i > 6)
			putchar(',');
		json_str(f[i]);
	}
	putchar(']');
	json_kv_str("fstype", f[dash + 1], &first);
	unescape(f[dash + 2]);
	json_kv_str("source", f[dash + 2], &first);
	json_kv_str("super_options", f[dash + 3], &first);
	putchar('}');
}

static int cmd_mounts(void)
{
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int first = 1;

	if (!fp) {
		printf("{\"error\":\"%s\"}\n", errname(errno));
		return 1;
	}
	putchar('[');
	while (getline(&line, &cap, fp) > 0) {
		if (!first)
			putchar(',');
		first = 0;
		print_mount_line(line);
	}
	puts("]");
	free(line);
	fclose(fp);
	return 0;
}

static void exit_on_signal(int sig)
{
	_exit(128 + sig);
}

static int cmd_sleep(const char *secs)
{
	double d = strtod(secs, NULL);
	struct timespec ts = {.tv_sec = (time_t)d, .tv_nsec = (long)((d - (time_t)d) * 1e9)};

	/* As PID 1 of a pid namespace, default dispositions ignore SIGTERM. */
	signal(SIGTERM, exit_on_signal);
	signal(SIGINT, exit_on_signal);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static int cmd_signals(const char *count)
{
	long left = count ? atol(count) : -1;
	sigset_t all;
	int sig;

	/*
	 * Blocked signals are never dropped, even for a namespace's PID 1 whose
	 * default dispositions would ignore them, and sigwaitinfo takes them in
	 * order.
	 */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	puts("ready");
	fflush(stdout);
	while (left != 0) {
		sig = sigwaitinfo(&all, NULL);
		if (sig < 0)
			continue;
		printf("%d\n", sig);
		fflush(stdout);
		if (sig == SIGTERM)
			break;
		if (left > 0)
			left--;
	}
	return 0;
}

static int cmd_fdwrite(const char *fdstr, const char *text)
{
	size_t len = strlen(text);

	return report_errno(write(atoi(fdstr), text, len) == (ssize_t)len);
}

/* What CVE-2019-5736 needs: open /proc/PID/exe, then reopen it for writing. */
static int cmd_exe(const char *pid)
{
	char path[64], again[64], link[PATH_MAX];
	int first = 1, fd, wfd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	putchar('{');
	n = readlink(path, link, sizeof(link) - 1);
	json_kv_str("readlink", n < 0 ? NULL : (link[n] = '\0', link), &first);
	json_kv_str("readlink_error", n < 0 ? errname(errno) : NULL, &first);
	fd = open(path, O_PATH | O_CLOEXEC);
	json_kv_str("open_path", fd < 0 ? errname(errno) : "ok", &first);
	if (fd >= 0) {
		snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
		wfd = open(again, O_WRONLY | O_CLOEXEC);
		json_kv_str("open_write", wfd < 0 ? errname(errno) : "ok", &first);
		if (wfd >= 0)
			close(wfd);
		close(fd);
	}
	puts("}");
	return 0;
}

/* Is PID gone or a zombie (its mm, and so its hold on its exe, released)? */
static int pid_gone(const char *pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return 1;
	p = strrchr(buf, ')');
	return p && (p[2] == 'Z' || p[2] == 'X');
}

/*
 * The whole CVE-2019-5736 sequence without writing anything: hold an O_PATH
 * fd on /proc/PID/exe (first JSON line), wait until PID exits, then try to
 * reopen that fd for writing (second JSON line). O_WRONLY without O_TRUNC
 * and no write(): the file is never changed.
 */
static int cmd_exe_hold(const char *pid, const char *secs)
{
	char path[64], again[64], link[PATH_MAX];
	int first = 1, fd, wfd;
	long waited = 0, limit = (secs ? atol(secs) : 10) * 100;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	fd = open(path, O_PATH | O_CLOEXEC);
	putchar('{');
	json_kv_str("open_path", fd < 0 ? errname(errno) : "ok", &first);
	if (fd >= 0) {
		snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
		n = readlink(again, link, sizeof(link) - 1);
		link[n < 0 ? 0 : n] = '\0';
		json_kv_str("readlink", link, &first);
	}
	puts("}");
	fflush(stdout);
	if (fd < 0)
		return 0;
	while (!pid_gone(pid) && waited++ < limit)
		usleep(10000);
	first = 1;
	putchar('{');
	json_kv_str("target_gone", pid_gone(pid) ? "yes" : "no", &first);
	wfd = open(again, O_WRONLY | O_CLOEXEC);
	json_kv_str("open_write", wfd < 0 ? errname(errno) : "ok", &first);
	if (wfd >= 0)
		close(wfd);
	puts("}");
	close(fd);
	return 0;
}

/* Create a POSIX message queue (it shows up in an mqueue mount). */
static int cmd_mq(const char *name)
{
	mqd_t q = mq_open(name, O_CREAT | O_RDWR | O_CLOEXEC, 0600, NULL);

	if (q == (mqd_t)-1)
		return report_errno(0);
	mq_close(q);
	return report_errno(1);
}

/* The serial of the session keyring (KEYCTL_GET_KEYRING_ID, no create). */
static int cmd_keyring(void)
{
	long id = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);

	if (id < 0)
		return report_errno(0);
	printf("%ld\n", id);
	return 0;
}

static double clock_secs(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_clock(void)
{
	printf("{\"monotonic\":%.3f,\"boottime\":%.3f,\"realtime\":%.3f}\n",
	       clock_secs(CLOCK_MONOTONIC), clock_secs(CLOCK_BOOTTIME), clock_secs(CLOCK_REALTIME));
	return 0;
}

static int cmd_readlink(const char *path)
{
	char link[PATH_MAX];
	ssize_t n = readlink(path, link, sizeof(link) - 1);

	if (n < 0)
		return report_errno(0);
	link[n] = '\0';
	puts(link);
	return 0;
}

static int usage(void);

/* The syscalls `probe syscall` knows, mostly ones seccomp profiles deny. */
static const struct {
	const char *name;
	long nr;
} syscalls[] = {
    {"bpf", SYS_bpf},
    {"getppid", SYS_getppid},
    {"io_uring_setup", SYS_io_uring_setup},
    {"keyctl", SYS_keyctl},
    {"mkdir", SYS_mkdir},
    {"mkdirat", SYS_mkdirat},
    {"mount", SYS_mount},
    {"personality", SYS_personality},
    {"ptrace", SYS_ptrace},
    {"setns", SYS_setns},
    {"umount2", SYS_umount2},
    {"unshare", SYS_unshare},
};

static int cmd_syscall(const char *name, int argc, char **argv)
{
	static char buf[4096];
	unsigned long a[6] = {0};
	long nr = -1;
	size_t i;

	for (i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
		if (strcmp(syscalls[i].name, name) == 0)
			nr = syscalls[i].nr;
	if (nr < 0 || argc > 6)
		return usage();
	for (int k = 0; k < argc; k++) {
		char *end;

		errno = 0;
		a[k] = strtoull(argv[k], &end, 0);
		if (strcmp(argv[k], "buf") == 0)
			a[k] = (unsigned long)buf;
		else if (errno || *end || end == argv[k])
			a[k] = (unsigned long)argv[k];
	}
	return report_errno(syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) != -1);
}

static int usage(void)
{
	fputs("usage: probe report|fds|write|open|mknod|stat|mounts|sleep|signals|exit|"
	      "fdwrite|exe|exe-hold|keyring|mq|clock|readlink|syscall ...\n",
	      stderr);
	return 2;
}

static int dispatch(int argc, char **argv)
{
	const char *verb = argv[1];

	if (strcmp(verb, "report") == 0)
		return cmd_report();
	if (strcmp(verb, "fds") == 0) {
		print_fds();
		putchar('\n');
		return 0;
	}
	if (strcmp(verb, "write") == 0 && argc >= 3)
		return cmd_write(argv[2], argc >= 4 ? argv[3] : "probe\n");
	if (strcmp(verb, "open") == 0 && argc >= 3)
		return cmd_open(argv[2], argc >= 4 ? argv[3] : "r");
	if (strcmp(verb, "mknod") == 0 && argc == 6)
		return cmd_mknod(argv[2], argv[3], argv[4], argv[5]);
	if (strcmp(verb, "stat") == 0 && argc == 4 && strcmp(argv[2], "-l") == 0)
		return cmd_stat(argv[3], 1);
	if (strcmp(verb, "stat") == 0 && argc == 3)
		return cmd_stat(argv[2], 0);
	if (strcmp(verb, "mounts") == 0)
		return cmd_mounts();
	if (strcmp(verb, "sleep") == 0 && argc == 3)
		return cmd_sleep(argv[2]);
	if (strcmp(verb, "signals") == 0)
		return cmd_signals(argc >= 3 ? argv[2] : NULL);
	if (strcmp(verb, "exit") == 0 && argc == 3)
		return atoi(argv[2]);
	if (strcmp(verb, "fdwrite") == 0 && argc == 4)
		return cmd_fdwrite(argv[2], argv[3]);
	if (strcmp(verb, "exe") == 0 && argc == 3)
		return cmd_exe(argv[2]);
	if (strcmp(verb, "exe-hold") == 0 && argc >= 3)
		return cmd_exe_hold(argv[2], argc >= 4 ? argv[3] : NULL);
	if (strcmp(verb, "mq") == 0 && argc == 3)
		return cmd_mq(argv[2]);
	if (strcmp(verb, "keyring") == 0)
		return cmd_keyring();
	if (strcmp(verb, "clock") == 0)
		return cmd_clock();
	if (strcmp(verb, "readlink") == 0 && argc == 3)
		return cmd_readlink(argv[2]);
	if (strcmp(verb, "syscall") == 0 && argc >= 3)
		return cmd_syscall(argv[2], argc - 3, argv + 3);
	return usage();
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 2)
		return usage();
	r = dispatch(argc, argv);
	fflush(stdout);
	return r;
}
