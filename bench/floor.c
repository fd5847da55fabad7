/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * floor: the hand-written least a runtime must do to run one process with the
 * bench's bare config (`runc spec`, terminal off). It is the yardstick moat is
 * measured against, not a runtime: no config parsing, no state, no error
 * recovery beyond removing its own cgroups.
 *
 *   floor ROOTFS CGROUP_PARENT NAME [PROGRAM [ARGS...]]     (default /bin/true)
 *
 * Parent: create CGROUP_PARENT/NAME in every cgroup hierarchy this process is
 * in (v1: each line of /proc/self/cgroup; pure v2: the unified one), copy the
 * cpuset from the parent when the new one is empty, write the default device
 * rules, open each `tasks` (v2: cgroup.procs) file, clone with new mount,
 * pid, net, ipc and uts namespaces, wait, remove the cgroups.
 *
 * Child (it joins the cgroups itself: a single-threaded writer of "0" to a v1
 * `tasks` file skips the RCU grace period that a write of another pid to
 * cgroup.procs can wait for): rslave /, bind the rootfs, mount proc, a tmpfs
 * /dev with the default nodes and symlinks, devpts, /dev/shm, /dev/mqueue, a
 * read-only sysfs, a read-only tmpfs /sys/fs/cgroup with the container's own
 * cgroup bound in per hierarchy; pivot_root and detach the old root; mask and
 * make read-only the default paths; remount / read-only; hostname, rlimit,
 * capabilities, no_new_privs; exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_HIER 32

struct hier {
	char name[64];	/* directory under /sys/fs/cgroup ("" on pure v2) */
	char path[512]; /* the per-run cgroup */
	int join_fd;	/* its tasks / cgroup.procs, opened before clone */
};

static struct hier hiers[MAX_HIER];
static int n_hiers;
static int v2_only;

static void die(const char *what, const char *arg)
{
	int e = errno;
	fprintf(stderr, "floor: %s %s: %s\n", what, arg ? arg : "", strerror(e));
	_exit(127);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, s, strlen(s));
	int e = errno;
	close(fd);
	errno = e;
	return n < 0 ? -1 : 0;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/* The hierarchies a runtime would place the container in: the ones this
 * process sits in. "name=systemd" lives at /sys/fs/cgroup/systemd. */
static void find_hierarchies(void)
{
	char buf[4096];
	if (read_file("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		die("read", "/proc/self/cgroup");
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *ctrl = strchr(line, ':');
		if (!ctrl)
			continue;
		ctrl++;
		char *end = strchr(ctrl, ':');
		if (!end || end == ctrl)
			continue; /* "0::/" is v2; used only when alone */
		*end = 0;
		if (!strncmp(ctrl, "name=", 5))
			ctrl += 5;
		if (n_hiers < MAX_HIER)
			snprintf(hiers[n_hiers++].name, sizeof(hiers[0].name), "%s", ctrl);
	}
	if (n_hiers == 0) {
		v2_only = 1;
		n_hiers = 1;
		hiers[0].name[0] = 0;
	}
}

static const char *const device_rules[] = {
    "c *:* m",	 "b *:* m",   "c 1:3 rwm", "c 1:8 rwm",	  "c 1:7 rwm",
    "c 5:0 rwm", "c 1:5 rwm", "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm",
};

static void cgroups_create(const char *parent, const char *name)
{
	for (int i = 0; i < n_hiers; i++) {
		struct hier *h = &hiers[i];
		char file[600];
		snprintf(h->path, sizeof(h->path), "/sys/fs/cgroup%s%s%s/%s", v2_only ? "" : "/",
			 h->name, parent, name);
		if (mkdir(h->path, 0755) < 0)
			die("mkdir", h->path);
		if (!strcmp(h->name, "cpuset")) {
			/* a new v1 cpuset is empty unless the parent clones; copy it */
			static const char *const keys[] = {"cpuset.cpus", "cpuset.mems"};
			for (int k = 0; k < 2; k++) {
				char val[1024], pfile[600];
				snprintf(file, sizeof(file), "%s/%s", h->path, keys[k]);
				if (read_file(file, val, sizeof(val)) > 1)
					continue;
				snprintf(pfile, sizeof(pfile), "%s/../%s", h->path, keys[k]);
				if (read_file(pfile, val, sizeof(val)) < 0 ||
				    write_file(file, val) < 0)
					die("copy", file);
			}
		}
		if (!strcmp(h->name, "devices")) {
			snprintf(file, sizeof(file), "%s/devices.deny", h->path);
			if (write_file(file, "a") < 0)
				die("write", file);
			snprintf(file, sizeof(file), "%s/devices.allow", h->path);
			for (size_t r = 0; r < sizeof(device_rules) / sizeof(device_rules[0]); r++)
				if (write_file(file, device_rules[r]) < 0)
					die("write", file);
		}
		snprintf(file, sizeof(file), "%s/%s", h->path, v2_only ? "cgroup.procs" : "tasks");
		h->join_fd = open(file, O_WRONLY | O_CLOEXEC);
		if (h->join_fd < 0)
			die("open", file);
	}
}

static void cgroups_remove(void)
{
	for (int i = 0; i < n_hiers; i++) {
		/* the reaped child may take a moment to leave a v1 cgroup */
		for (int tries = 0; rmdir(hiers[i].path) < 0 && errno == EBUSY && tries < 100;
		     tries++)
			nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long flags,
		const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die("mount", dst);
}

static void make_dev(void)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} nodes[] = {
	    {"dev/null", 1, 3},	  {"dev/zero", 1, 5},	 {"dev/full", 1, 7},
	    {"dev/random", 1, 8}, {"dev/urandom", 1, 9}, {"dev/tty", 5, 0},
	};
	static const char *const links[][2] = {
	    {"/proc/self/fd", "dev/fd"},       {"/proc/self/fd/0", "dev/stdin"},
	    {"/proc/self/fd/1", "dev/stdout"}, {"/proc/self/fd/2", "dev/stderr"},
	    {"pts/ptmx", "dev/ptmx"},
	};

	mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (mknod(nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0)
			die("mknod", nodes[i].name);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			die("symlink", links[i][1]);
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 0755) < 0 ||
	    mkdir("dev/mqueue", 0755) < 0)
		die("mkdir", "dev/*");
	mnt("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	    "newinstance,ptmxmode=0666,mode=0620,gid=5");
	mnt("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k");
	mnt("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
}

/* v1 without a cgroup namespace, as runc does: a tmpfs with the container's
 * own cgroup bound read-only per hierarchy. */
static void make_sys(void)
{
	const unsigned long fl = MS_NOSUID | MS_NOEXEC | MS_NODEV;

	mnt("sysfs", "sys", "sysfs", fl | MS_RDONLY, NULL);
	if (v2_only) {
		mnt(hiers[0].path, "sys/fs/cgroup", NULL, MS_BIND | MS_REC, NULL);
		mnt(NULL, "sys/fs/cgroup", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | fl, NULL);
		return;
	}
	mnt("tmpfs", "sys/fs/cgroup", "tmpfs", fl, "mode=755");
	for (int i = 0; i < n_hiers; i++) {
		char dst[96];
		snprintf(dst, sizeof(dst), "sys/fs/cgroup/%.64s", hiers[i].name);
		if (mkdir(dst, 0755) < 0)
			die("mkdir", dst);
		mnt(hiers[i].path, dst, NULL, MS_BIND | MS_REC, NULL);
		mnt(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | fl, NULL);
	}
	mnt(NULL, "sys/fs/cgroup", NULL, MS_REMOUNT | MS_RDONLY | fl, "mode=755");
}

static void mask_paths(void)
{
	static const char *const masked[] = {
	    "/proc/acpi",	   "/proc/asound",     "/proc/kcore",	    "/proc/keys",
	    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	    "/sys/firmware",	   "/proc/scsi",
	};
	static const char *const readonly[] = {
	    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
	};
	struct stat st;

	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		if (stat(masked[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			mnt("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL);
		else
			mnt("/dev/null", masked[i], NULL, MS_BIND, NULL);
	}
	for (size_t i = 0; i < sizeof(readonly) / sizeof(readonly[0]); i++) {
		if (stat(readonly[i], &st) < 0)
			continue;
		mnt(readonly[i], readonly[i], NULL, MS_BIND | MS_REC, NULL);
		mnt(NULL, readonly[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL);
	}
}

/* runc spec: bounding, effective, permitted and ambient = these three. */
static void set_caps(void)
{
	const unsigned long long keep =
	    (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE);

	for (int c = 0; prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			die("capbset drop", NULL);
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0}};
	data[0].effective = data[0].permitted = (unsigned)keep;
	data[1].effective = data[1].permitted = (unsigned)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		die("capset", NULL);
	/* without inheritable caps the kernel refuses ambient ones; runc ignores
	 * that too, so the attempt is part of the cost */
	for (int c = 0; c < 64; c++)
		if (keep & (1ULL << c))
			(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0);
}

static int child(const char *rootfs, char **argv)
{
	for (int i = 0; i < n_hiers; i++)
		if (write(hiers[i].join_fd, "0", 1) < 0)
			die("join", hiers[i].path);
	umask(0);
	mnt(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
	mnt(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
	if (chdir(rootfs) < 0)
		die("chdir", rootfs);
	mnt("proc", "proc", "proc", 0, NULL);
	make_dev();
	if (access("/proc/kcore", F_OK) == 0 && symlink("/proc/kcore", "dev/core") < 0)
		die("symlink", "dev/core");
	make_sys();
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root", rootfs);
	if (umount2(".", MNT_DETACH) < 0)
		die("umount", "old root");
	if (chdir("/") < 0)
		die("chdir", "/");
	mask_paths();
	mnt(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
	umask(022);
	if (sethostname("runc", 4) < 0)
		die("sethostname", NULL);
	/* valgrind refuses any change of the NOFILE hard limit (callgrind.sh) */
	if (!getenv("FLOOR_NO_RLIMIT") &&
	    setrlimit(RLIMIT_NOFILE, &(struct rlimit){1024, 1024}) < 0)
		die("setrlimit", NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs", NULL);
	set_caps();
	char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"TERM=xterm", "HOME=/root", NULL};
	execve(argv[0], argv, envp);
	die("execve", argv[0]);
	return 127;
}

int main(int argc, char **argv)
{
	static char *def_argv[] = {"/bin/true", NULL};

	if (argc < 4) {
		fprintf(stderr, "usage: floor ROOTFS CGROUP_PARENT NAME [PROGRAM [ARGS...]]\n");
		return 2;
	}
	char **prog = argc > 4 ? argv + 4 : def_argv;

	find_hierarchies();
	cgroups_create(argv[2], argv[3]);
	pid_t pid = (pid_t)syscall(SYS_clone,
				   CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
				       CLONE_NEWUTS | SIGCHLD,
				   NULL, NULL, NULL, NULL);
	if (pid < 0) {
		int e = errno;
		cgroups_remove();
		errno = e;
		die("clone", NULL);
	}
	if (pid == 0)
		return child(argv[1], prog);
	for (int i = 0; i < n_hiers; i++)
		close(hiers[i].join_fd);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	cgroups_remove();
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
