/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup library against the real kernel (root only; exit 77 = skipped).
 * Works under /sys/fs/cgroup/<hierarchy>/moat-test-<pid>* and, for the
 * relative-path case, under a child of the caller's own cgroups; never
 * touches the caller's cgroups themselves, and removes everything it made.
 *
 * On v1/hybrid hosts: create with limits, join from the first instruction
 * (tasks "0" + CLONE_INTO_CGROUP for the cgroup2 part), devices, stats,
 * freeze, update, kill, destroy, a failed create.  On a hybrid host the v2
 * backend runs too, rooted in a directory of the cgroup2 mount (no
 * controllers there, so nothing of the host changes): join by clone3,
 * eBPF device filter, cgroup.freeze, cgroup.kill.  On a v2 host the main
 * test runs on the v2 backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cgroup/internal.h"
#include "check.h"

static struct moat_arena arena;
static struct moat_err err;
static char blkdev[256]; /* a block device node the container must not open */
static enum moat_cgroup_layout layout;

static struct moat_resources *res_of(const char *json)
{
	struct moat_resources *r = NULL;

	moat_err_clear(&err);
	if (moat_resources_parse_json(json, strlen(json), &arena, &r, &err) < 0)
		printf("# parse: %s\n", err.msg);
	return r;
}

static const char *read_file(const char *dir, const char *file)
{
	static char buf[4][4096];
	static int k;
	char *b = buf[k++ % 4], path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "re");
	if (!f)
		return "(missing)";
	size_t n = fread(b, 1, 4095, f);
	b[n] = '\0';
	fclose(f);
	b[strcspn(b, "\n")] = '\0';
	return b;
}

struct child_report {
	int join;      /* join_self result */
	long join_ns;  /* how long it took */
	int null_open; /* errno of open /dev/null, 0 = ok */
	int blk_open;  /* errno of open of the block device node */
};

/* A process started in the cgroup the way the runtime starts the init. */
static pid_t start_in(struct moat_cgroup *cg, int *ret_fd)
{
	struct moat_cgroup_join j;
	int p[2];

	if (moat_cgroup_join_prepare(cg, &j, &err) < 0 || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	struct clone_args ca = {.flags = 0, .exit_signal = SIGCHLD};
	if (j.clone_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)j.clone_fd;
	}
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		struct child_report rep = {0};
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		rep.join = moat_cgroup_join_self(&j, j.clone_fd >= 0);
		clock_gettime(CLOCK_MONOTONIC, &b);
		rep.join_ns = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		rep.null_open = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		fd = open(blkdev, O_RDONLY | O_CLOEXEC);
		rep.blk_open = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		if (write(p[1], &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
		for (;;)
			pause();
	}
	moat_cgroup_join_release(&j);
	close(p[1]);
	*ret_fd = p[0];
	return pid;
}

static bool read_report(int fd, struct child_report *rep)
{
	bool ok = read(fd, rep, sizeof(*rep)) == sizeof(*rep);
	close(fd);
	return ok;
}

/* Is pid in the container's cgroup in every hierarchy? */
static bool pid_in(struct moat_cgroup *cg, pid_t pid)
{
	char path[64], line[4096];
	size_t found = 0;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		for (size_t i = 0; i < cg->n_hier; i++) {
			struct cg_hier *h = &cg->hier[i];
			/* suffix: the v2 test roots its hierarchy below the mount */
			size_t pl = strlen(c2 + 1), rl = strlen(h->rel);
			if (strcmp(h->controllers, c1 + 1) == 0 && pl >= rl &&
			    strcmp(c2 + 1 + pl - rl, h->rel) == 0)
				found++;
		}
	}
	fclose(f);
	if (found != cg->n_hier)
		printf("# pid %d is in %zu of %zu hierarchies\n", (int)pid, found, cg->n_hier);
	return found == cg->n_hier;
}

static int reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static bool gone_everywhere(const char *name)
{
	const char *hier[] = {"cpu",	 "cpuacct", "cpuset",	   "memory",  "devices",
			      "freezer", "blkio",   "pids",	   "systemd", "unified",
			      "hugetlb", "net_cls", "cpu,cpuacct", ""};
	char path[4096];
	bool gone = true;

	for (size_t i = 0; i < sizeof(hier) / sizeof(hier[0]); i++) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s%s%s", hier[i], *hier[i] ? "/" : "",
			 name);
		if (access(path, F_OK) == 0) {
			printf("# left behind: %s\n", path);
			gone = false;
		}
	}
	return gone;
}

static void test_main(void)
{
	char name[64], path[128];
	struct moat_cgroup *cg = NULL;
	bool v2 = layout == MOAT_CGROUP_V2;

	snprintf(name, sizeof(name), "moat-test-%d", (int)getpid());
	snprintf(path, sizeof(path), "/%s/c1", name);
	struct moat_cgroup_config cfg = {
	    .id = "c1",
	    .path = path,
	    .resources = res_of("{\"memory\": {\"limit\": 33554432}, \"pids\": {\"limit\": 16}, "
				"\"cpu\": {\"quota\": 20000, \"period\": 100000, \"cpus\": \"0\", "
				"\"shares\": 512}}"),
	};

	int r = moat_cgroup_create(&cfg, &cg, &err);
	CHECK(r == 0, "create %s with memory, pids, cpu limits (%s)", path, err.msg);
	if (r < 0)
		return;
	const char *mem = moat_cgroup_get_dir(cg, "memory"),
		   *pids = moat_cgroup_get_dir(cg, "pids");
	const char *cpu = moat_cgroup_get_dir(cg, "cpu"),
		   *cpuset = moat_cgroup_get_dir(cg, "cpuset");
	CHECK(mem && pids && cpu && cpuset, "memory, pids, cpu, cpuset hierarchies");
	if (!mem || !pids || !cpu || !cpuset)
		goto out;
	CHECK_STR(read_file(mem, v2 ? "memory.max" : "memory.limit_in_bytes"), "33554432",
		  "memory limit applied");
	CHECK_STR(read_file(pids, "pids.max"), "16", "pids limit applied");
	CHECK_STR(read_file(cpu, v2 ? "cpu.max" : "cpu.cfs_quota_us"),
		  v2 ? "20000 100000" : "20000", "cpu quota applied");
	CHECK_STR(read_file(cpu, v2 ? "cpu.weight" : "cpu.shares"), v2 ? "20" : "512",
		  "cpu shares applied");
	CHECK_STR(read_file(cpuset, v2 ? "cpuset.cpus" : "cpuset.cpus"), "0", "cpuset applied");

	struct moat_buf saved = {0};
	moat_cgroup_to_string(cg, &saved);
	moat_cgroup_free(cg);
	cg = NULL;
	r = moat_cgroup_open(saved.data, &cg, &err);
	CHECK(r == 0, "re-open from the saved text");
	moat_buf_free(&saved);
	if (r < 0)
		return;
	/* the old handle's strings are gone with it */
	mem = moat_cgroup_get_dir(cg, "memory");
	pids = moat_cgroup_get_dir(cg, "pids");
	if (!mem || !pids)
		goto out;

	int rfd;
	struct child_report rep;
	pid_t pid = start_in(cg, &rfd);
	CHECK(pid > 0, "start a process in the cgroup");
	if (pid <= 0)
		goto out;
	bool got = read_report(rfd, &rep);
	CHECK(got && rep.join == 0, "the child joined itself (%s)",
	      got ? strerror(-rep.join) : "?");
	printf("# join_self took %ld us\n", rep.join_ns / 1000);
	CHECK(pid_in(cg, pid), "and is in the cgroup in every hierarchy");
	CHECK(got && rep.null_open == 0, "/dev/null opens");
	CHECK(got && rep.blk_open == EPERM, "a block device does not (%s)", strerror(rep.blk_open));

	pid_t *list = NULL;
	size_t n = 0;
	r = moat_cgroup_pids(cg, &list, &n, &err);
	CHECK(r == 0 && n == 1 && list[0] == pid, "pids lists it (%zu)", n);
	free(list);

	struct moat_cgroup_stats st;
	r = moat_cgroup_stats(cg, &arena, &st, &err);
	CHECK(r == 0 && st.has_memory && st.mem_usage.usage > 0 && st.mem_usage.limit == 33554432,
	      "stats: memory usage %llu, limit %llu", (unsigned long long)st.mem_usage.usage,
	      (unsigned long long)st.mem_usage.limit);
	CHECK(r == 0 && st.has_pids && st.pids_current == 1 && st.pids_limit == 16, "stats: pids");
	CHECK(r == 0 && st.has_cpu, "stats: cpu total %llu ns", (unsigned long long)st.cpu_total);
	CHECK(r == 0 && st.n_mem_stat > 5, "stats: memory.stat has %zu entries", st.n_mem_stat);
	struct moat_buf js = {0};
	moat_cgroup_stats_json(&st, &js);
	struct json_object *jo = json_tokener_parse(js.data);
	CHECK(jo && json_object_object_get_ex(jo, "memory", NULL), "stats JSON parses: %.120s...",
	      js.data);
	json_object_put(jo);
	moat_buf_free(&js);

	bool frozen = false;
	r = moat_cgroup_freeze(cg, true, &err);
	CHECK(r == 0 && moat_cgroup_is_frozen(cg, &frozen, &err) == 0 && frozen, "freeze (%s)",
	      err.msg);
	r = moat_cgroup_freeze(cg, false, &err);
	CHECK(r == 0 && moat_cgroup_is_frozen(cg, &frozen, &err) == 0 && !frozen, "thaw");

	r = moat_cgroup_update(
	    cg, res_of("{\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": -1}}"), &err);
	CHECK(r == 0, "update (%s)", err.msg);
	CHECK_STR(read_file(mem, v2 ? "memory.max" : "memory.limit_in_bytes"), "67108864",
		  "memory limit updated");
	CHECK_STR(read_file(pids, "pids.max"), "max", "pids limit lifted");
	r = moat_cgroup_update(cg, res_of("{\"cpu\": {\"cpus\": \"4095\"}}"), &err);
	CHECK(r < 0 && strstr(err.msg, "linux.resources.cpu.cpus"),
	      "a value the kernel refuses names the field (%s)", err.msg);

	r = moat_cgroup_kill(cg, SIGTERM, &err);
	CHECK(r == 0 && reap(pid) == SIGTERM, "kill --all TERM reaches it");

	/* the slow path: move an existing process in */
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	r = moat_cgroup_attach(cg, pid, &err);
	CHECK(r == 0 && pid_in(cg, pid), "attach moves a running process (%s)", err.msg);
	moat_err_clear(&err);
	r = moat_cgroup_destroy(cg, 0, &err);
	CHECK(r == -EBUSY, "destroy without kill refuses a populated cgroup (%s)", err.msg);
	r = moat_cgroup_freeze(cg, true, &err);
	moat_err_clear(&err);
	r = moat_cgroup_destroy(cg, MOAT_CGROUP_KILL, &err);
	CHECK(r == 0, "destroy kills a paused container and removes it (%s)", err.msg);
	CHECK(reap(pid) == SIGKILL, "the process died of SIGKILL");
	snprintf(path, sizeof(path), "%s/c1", name);
	CHECK(gone_everywhere(path), "no c1 directory left in any hierarchy");
	moat_err_clear(&err);
	r = moat_cgroup_destroy(cg, MOAT_CGROUP_KILL, &err);
	CHECK(r == 0, "destroy again is fine (%s)", err.msg);

out:
	if (cg) {
		moat_cgroup_destroy(cg, MOAT_CGROUP_KILL, &err);
		moat_cgroup_free(cg);
	}
	/* the intermediate level stays by design (it may be shared): ours */
	const char *all[] = {"cpu",   "cpuacct", "cpuset",  "memory",  "devices", "freezer",
			     "blkio", "pids",	 "systemd", "unified", ""};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s%s%s", all[i], *all[i] ? "/" : "",
			 name);
		rmdir(path);
	}
	CHECK(gone_everywhere(name), "nothing of %s left", name);
}

static void test_failed_create(void)
{
	char name[64], path[128];
	struct moat_cgroup *cg = NULL;

	snprintf(name, sizeof(name), "moat-test-%d-fail", (int)getpid());
	snprintf(path, sizeof(path), "/%s/x/y", name);
	struct moat_cgroup_config cfg = {
	    .id = "y", .path = path, .resources = res_of("{\"cpu\": {\"cpus\": \"4095\"}}")};
	int r = moat_cgroup_create(&cfg, &cg, &err);
	CHECK(r < 0, "a cpuset the host lacks fails the create");
	CHECK(strstr(err.msg, "linux.resources.cpu.cpus") != NULL, "naming the field (%s)",
	      err.msg);
	CHECK(gone_everywhere(name), "and leaves no directory in any hierarchy");
}

/* Absent cgroupsPath: <own cgroup>/<id> in each hierarchy (runc's meaning). */
static void test_relative(void)
{
	char id[64];
	struct moat_cgroup *cg = NULL;

	snprintf(id, sizeof(id), "moat-test-%d-rel", (int)getpid());
	struct moat_cgroup_config cfg = {.id = id, .skip_devices = true};
	moat_err_clear(&err);
	int r = moat_cgroup_create(&cfg, &cg, &err);
	CHECK(r == 0, "create with no cgroupsPath (%s)", err.msg);
	if (r < 0)
		return;
	bool ok = true;
	for (size_t i = 0; i < cg->n_hier; i++) {
		struct cg_hier *h = &cg->hier[i];
		const char *last = strrchr(h->rel, '/');
		ok &= last && strcmp(last + 1, id) == 0 && access(h->dir, F_OK) == 0;
	}
	CHECK(ok, "it is <own>/<id> in every hierarchy (memory: %s)",
	      moat_cgroup_get_dir(cg, "memory"));
	r = moat_cgroup_destroy(cg, MOAT_CGROUP_KILL, &err);
	ok = r == 0;
	for (size_t i = 0; i < cg->n_hier; i++)
		ok &= access(cg->hier[i].dir, F_OK) < 0;
	CHECK(ok, "and destroy removes all of it");
	moat_cgroup_free(cg);
}

/* The v2 backend on the hybrid host's cgroup2 mount, rooted in a directory
 * of our own there: no controller is enabled anywhere. */
static void test_v2_on_hybrid(void)
{
	char top[128], stat[256];
	struct moat_cgroup *cg = NULL;

	snprintf(top, sizeof(top), "/sys/fs/cgroup/unified/moat-test-%d-v2", (int)getpid());
	if (mkdir(top, 0755) < 0) {
		CHECK(0, "mkdir %s: %s", top, strerror(errno));
		return;
	}
	struct moat_cgroup_config cfg = {
	    .id = "c", .path = "/a/c", .root = top, .self_cgroup = "0::/\n"};
	moat_err_clear(&err);
	int r = cg_create_layout(&cfg, MOAT_CGROUP_V2, &cg, &err);
	CHECK(r == 0, "v2 backend: create with the eBPF device filter (%s)", err.msg);
	if (r < 0)
		goto out;

	int rfd;
	struct child_report rep;
	pid_t pid = start_in(cg, &rfd);
	bool got = pid > 0 && read_report(rfd, &rep);
	CHECK(got && rep.join == 0 && pid_in(cg, pid), "v2: clone3 into the cgroup");
	CHECK(got && rep.null_open == 0, "v2: /dev/null opens through the filter");
	CHECK(got && rep.blk_open == EPERM, "v2: the block device is denied by the filter (%s)",
	      strerror(rep.blk_open));
	printf("# v2 join_self took %ld us\n", got ? rep.join_ns / 1000 : -1L);

	bool frozen = false;
	r = moat_cgroup_freeze(cg, true, &err);
	CHECK(r == 0 && moat_cgroup_is_frozen(cg, &frozen, &err) == 0 && frozen,
	      "v2: cgroup.freeze, frozen 1 (%s)", err.msg);
	moat_cgroup_freeze(cg, false, &err);
	CHECK(moat_cgroup_is_frozen(cg, &frozen, &err) == 0 && !frozen, "v2: thawed");

	pid_t *list = NULL;
	size_t n = 0;
	r = moat_cgroup_pids(cg, &list, &n, &err);
	CHECK(r == 0 && n == 1 && list[0] == pid, "v2: pids");
	free(list);

	/* frozen: cgroup.kill still kills it */
	moat_cgroup_freeze(cg, true, &err);
	moat_err_clear(&err);
	r = moat_cgroup_destroy(cg, MOAT_CGROUP_KILL, &err);
	CHECK(r == 0 && reap(pid) == SIGKILL, "v2: destroy kills (cgroup.kill) and removes (%s)",
	      err.msg);
	snprintf(stat, sizeof(stat), "%s/a/c", top);
	CHECK(access(stat, F_OK) < 0, "v2: the leaf is gone");
out:
	moat_cgroup_free(cg);
	snprintf(stat, sizeof(stat), "%s/a", top);
	rmdir(stat);
	CHECK(rmdir(top) == 0, "v2: nothing left under the cgroup2 mount");
}

int main(void)
{
	if (geteuid() != 0) {
		printf("# skipped: needs root\n");
		return 77;
	}
	if (moat_cgroup_detect(NULL, &layout, &err) < 0) {
		printf("# skipped: %s\n", err.msg);
		return 77;
	}
	printf("# layout: %s\n", moat_cgroup_layout_name(layout));

	/* a block device node to try: loop0's numbers, in a private dir */
	char dir[] = "/tmp/moat-test-dev-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	snprintf(blkdev, sizeof(blkdev), "%s/blk", dir);
	if (mknod(blkdev, S_IFBLK | 0600, makedev(7, 0)) < 0)
		printf("# mknod %s: %s\n", blkdev, strerror(errno));

	test_main();
	test_failed_create();
	test_relative();
	if (layout == MOAT_CGROUP_HYBRID)
		test_v2_on_hybrid();

	unlink(blkdev);
	rmdir(dir);
	moat_arena_free(&arena);
	return check_done();
}
