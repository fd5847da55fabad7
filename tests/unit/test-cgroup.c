/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup library's pure logic (paths, parsers, conversions, the plan of
 * file writes for v1, v2 and hybrid, device rules, the saved handle) and
 * its file handling on a fake cgroup tree in a temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "check.h"

static struct moat_arena arena;
static struct moat_err err;

static char *data_file(const char *name)
{
	const char *dir = getenv("MOAT_TEST_DATA");
	char path[4096];

	snprintf(path, sizeof(path), "%s/cgroup/%s", dir ? dir : "data", name);
	FILE *f = fopen(path, "re");
	if (!f) {
		printf("# cannot open %s\n", path);
		return moat_arena_strdup(&arena, "");
	}
	char *buf = moat_arena_alloc(&arena, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static const char *resolve(const char *path, const char *id, const char *own, bool v2)
{
	static char out[4096];

	moat_err_clear(&err);
	if (cg_resolve_path(path, id, own, v2, out, sizeof(out), &err) < 0)
		return err.msg;
	return out;
}

static void test_paths(void)
{
	CHECK_STR(resolve("/a/b", "c1", "/process_api/h", false), "/a/b",
		  "an absolute path is taken from the hierarchy root");
	CHECK_STR(resolve("a/b", "c1", "/process_api/h", false), "/process_api/h/a/b",
		  "v1: a relative path goes under the own cgroup of that hierarchy");
	CHECK_STR(resolve("a/b", "c1", "/user.slice/s.scope", true), "/user.slice/a/b",
		  "v2: a relative path goes under the own cgroup's parent");
	CHECK_STR(resolve(NULL, "c1", "/", false), "/c1", "absent: <own>/<id> (v1, own root)");
	CHECK_STR(resolve("", "c1", "/x/y", false), "/x/y/c1", "empty counts as absent");
	CHECK_STR(resolve(NULL, "c1", "/", true), "/c1", "absent on v2 with own root: /<id>");
	CHECK_STR(resolve(NULL, "c1", "/init.scope", true), "/c1",
		  "absent on v2: next to the own cgroup");
	CHECK_STR(resolve("//a/./b//", "c1", "/", false), "/a/b", "the path is cleaned");
	CHECK_STR(resolve("/a/../../b", "c1", "/", false),
		  "linux.cgroupsPath \"/a/../../b\": \"..\" is not allowed", "\"..\" is refused");
	CHECK_STR(resolve(NULL, "../x", "/", false), "container id \"../x\": \"..\" is not allowed",
		  "an id cannot climb either");
	CHECK_STR(resolve("/", "c1", "/", false),
		  "linux.cgroupsPath \"/\": the root cgroup cannot be a container's",
		  "the root itself is refused");
	CHECK(strstr(resolve("a\nb", "c1", "/", false), "control character") != NULL,
	      "control characters are refused (the handle is saved line by line)");
}

static void test_parsers(void)
{
	struct cg_self_entry e[32];
	int n = cg_parse_self_cgroup(data_file("self-hybrid.txt"), &arena, e, 32);

	CHECK(n == 10, "hybrid /proc/self/cgroup has 10 lines (%d)", n);
	if (n == 10) {
		CHECK(strcmp(e[5].controllers, "memory") == 0 &&
			  strcmp(e[5].path, "/process_api/a9b273ff") == 0,
		      "memory line");
		CHECK(e[9].id == 0 && !*e[9].controllers && strcmp(e[9].path, "/") == 0,
		      "the cgroup2 line");
		CHECK(strcmp(e[0].controllers, "name=systemd") == 0, "a named hierarchy");
	}
	n = cg_parse_self_cgroup(data_file("self-v1-comounted.txt"), &arena, e, 32);
	CHECK(n == 7 && strcmp(e[1].controllers, "cpu,cpuacct") == 0, "co-mounted controllers");
	CHECK(cg_parse_self_cgroup("garbage\n", &arena, e, 32) == -EINVAL, "a malformed line");

	char *mi = data_file("mountinfo-hybrid.txt"), *mount, *root;
	CHECK(cg_find_mount(mi, "cpu", &arena, &mount, &root) == 0 &&
		  strcmp(mount, "/sys/fs/cgroup/cpu") == 0 && strcmp(root, "/") == 0,
	      "finds the cpu hierarchy");
	CHECK(cg_find_mount(mi, "cpuacct", &arena, &mount, &root) == 0 &&
		  strcmp(mount, "/sys/fs/cgroup/cpuacct") == 0,
	      "cpuacct is not cpu");
	CHECK(cg_find_mount(mi, "name=systemd", &arena, &mount, &root) == 0 &&
		  strcmp(mount, "/sys/fs/cgroup/systemd") == 0,
	      "finds name=systemd");
	CHECK(cg_find_mount(mi, NULL, &arena, &mount, &root) == 0 &&
		  strcmp(mount, "/sys/fs/cgroup/unified") == 0,
	      "finds cgroup2");
	CHECK(cg_find_mount(mi, "hugetlb", &arena, &mount, &root) == -ENOENT, "no hugetlb on v1");

	mi = data_file("mountinfo-nested.txt");
	CHECK(cg_find_mount(mi, "cpu,cpuacct", &arena, &mount, &root) == 0 &&
		  strcmp(mount, "/sys/fs/cgroup/cpu,cpuacct") == 0 &&
		  strcmp(root, "/docker/abc") == 0,
	      "a bind of a subtree: mount root /docker/abc");
	CHECK(cg_find_mount(mi, "cpu", &arena, &mount, &root) == -ENOENT,
	      "the controller set must match exactly");
	CHECK(cg_find_mount(mi, "pids", &arena, &mount, &root) == 0 &&
		  strcmp(mount, "/mnt/odd place/pids") == 0,
	      "octal escapes in mount points");
	CHECK(cg_find_mount(mi, "name=systemd", &arena, &mount, &root) == 0 &&
		  strcmp(mount, "/sys/fs/cgroup/systemd") == 0,
	      "named hierarchy next to other options (xattr)");
}

static void test_controllers(void)
{
	CHECK(cg_ctrl_mask("cpu,cpuacct", ",") == (CG_BIT(CG_CPU) | CG_BIT(CG_CPUACCT)), "v1 list");
	CHECK(cg_ctrl_mask("cpuset cpu io memory hugetlb pids rdma misc\n", " \n") ==
		  (CG_BIT(CG_CPUSET) | CG_BIT(CG_CPU) | CG_BIT(CG_IO) | CG_BIT(CG_MEMORY) |
		   CG_BIT(CG_HUGETLB) | CG_BIT(CG_PIDS) | CG_BIT(CG_RDMA) | CG_BIT(CG_MISC)),
	      "cgroup.controllers");
	CHECK(cg_ctrl_mask("name=systemd", ",") == 0, "named hierarchies have no controller");
	CHECK(cg_ctrl_of_file("memory.max") == CG_MEMORY && cg_ctrl_of_file("io.max") == CG_IO &&
		  cg_ctrl_of_file("cgroup.freeze") == CG_CORE &&
		  cg_ctrl_of_file("cpuset.cpus.partition") == CG_CPUSET &&
		  cg_ctrl_of_file("dmem.max") == -1 && cg_ctrl_of_file("nodot") == -1,
	      "controller of a v2 file");
}

static void test_conversions(void)
{
	int64_t v;
	bool set;

	CHECK(cg_shares_to_weight(2) == 1 && cg_shares_to_weight(1024) == 39 &&
		  cg_shares_to_weight(262144) == 10000 && cg_shares_to_weight(0) == 1,
	      "shares -> weight (crun's formula, clamped)");
	CHECK(cg_blkio_to_io_weight(10) == 1 && cg_blkio_to_io_weight(1000) == 10000 &&
		  cg_blkio_to_io_weight(500) == 4950 && cg_blkio_to_io_weight(0) == 0,
	      "blkio weight -> io.weight (runc's formula)");
	CHECK(cg_swap_to_v2(true, 1 << 30, true, 1 << 29, &v, &set, &err) == 0 && set &&
		  v == 1 << 29,
	      "swap.max = memory+swap - memory");
	CHECK(cg_swap_to_v2(true, -1, true, 1 << 29, &v, &set, &err) == 0 && set && v == -1,
	      "swap -1 is max");
	CHECK(cg_swap_to_v2(false, 0, true, -1, &v, &set, &err) == 0 && set && v == -1,
	      "unlimited memory without swap: swap unlimited too");
	CHECK(cg_swap_to_v2(true, 0, true, 1 << 29, &v, &set, &err) == 0 && !set,
	      "swap 0 is unset, as in runc");
	CHECK(cg_swap_to_v2(true, 1 << 20, true, 1 << 29, &v, &set, &err) == -EINVAL,
	      "swap below memory is refused");
	CHECK(cg_swap_to_v2(true, 1 << 20, false, 0, &v, &set, &err) == -EINVAL,
	      "swap without a memory limit is refused on v2");
}

/* The host of this machine: v1 controllers + hugetlb on cgroup2. */
static const struct cg_target t_hybrid = {
    .layout = MOAT_CGROUP_HYBRID,
    .v1_mask = CG_BIT(CG_CPU) | CG_BIT(CG_CPUACCT) | CG_BIT(CG_CPUSET) | CG_BIT(CG_MEMORY) |
	       CG_BIT(CG_DEVICES) | CG_BIT(CG_FREEZER) | CG_BIT(CG_IO) | CG_BIT(CG_PIDS),
    .v2_mask = CG_BIT(CG_HUGETLB),
};
static const struct cg_target t_v2 = {.layout = MOAT_CGROUP_V2, .v2_mask = ~0u};
static const struct cg_target t_v1 = {.layout = MOAT_CGROUP_V1, .v1_mask = ~0u};

static const char *plan(const char *json, const struct cg_target *t)
{
	struct moat_resources *res;
	struct cg_plan p = {.a = &arena};
	struct moat_buf b = {0};

	moat_err_clear(&err);
	if (moat_resources_parse_json(json, strlen(json), &arena, &res, &err) < 0 ||
	    cg_plan_resources(res, t, &p, &err) < 0)
		return moat_arena_printf(&arena, "error: %s", err.msg);
	cg_plan_format(&p, &b);
	char *s = moat_arena_strdup(&arena, b.data ? b.data : "");
	moat_buf_free(&b);
	return s;
}

static void test_plan_memory(void)
{
	const char *j = "{\"memory\": {\"limit\": 33554432, \"swap\": 67108864, \"reservation\": "
			"16777216, \"swappiness\": 10, \"disableOOMKiller\": true}}";

	CHECK_STR(plan(j, &t_hybrid),
		  "v1 memory memory.limit_in_bytes=33554432 pair\n"
		  "v1 memory memory.memsw.limit_in_bytes=67108864\n"
		  "v1 memory memory.soft_limit_in_bytes=16777216\n"
		  "v1 memory memory.swappiness=10\n"
		  "v1 memory memory.oom_control=1\n",
		  "v1 memory: limit/memsw ordered as a pair");
	CHECK_STR(plan("{\"memory\": {\"limit\": 33554432, \"swap\": 67108864, \"reservation\": "
		       "16777216}}",
		       &t_v2),
		  "v2 memory memory.max=33554432\n"
		  "v2 memory memory.swap.max=33554432\n"
		  "v2 memory memory.low=16777216\n",
		  "v2 memory: swap converted to swap-only");
	CHECK_STR(plan("{\"memory\": {\"limit\": -1}}", &t_v1),
		  "v1 memory memory.limit_in_bytes=-1 pair\n"
		  "v1 memory memory.memsw.limit_in_bytes=-1 optional\n",
		  "v1 unlimited memory lifts memsw too");
	CHECK_STR(plan("{\"memory\": {\"limit\": -1}}", &t_v2),
		  "v2 memory memory.max=max\nv2 memory memory.swap.max=max optional\n",
		  "v2 unlimited memory: max, swap max");
	CHECK_STR(plan("{\"memory\": {\"kernel\": -1, \"kernelTCP\": -1}}", &t_v2), "",
		  "kernel -1 asks for nothing");
	CHECK_STR(plan("{\"memory\": {\"kernel\": 1048576}}", &t_v1),
		  "v1 memory memory.kmem.limit_in_bytes=1048576\n", "v1 kernel memory");
	CHECK_STR(plan("{\"memory\": {\"swappiness\": 0}}", &t_v2),
		  "error: linux.resources.memory.swappiness: not supported on cgroup v2",
		  "v2 swappiness is an error naming the field");
	CHECK_STR(plan("{\"memory\": {\"disableOOMKiller\": true}}", &t_v2),
		  "error: linux.resources.memory.disableOOMKiller: not supported on cgroup v2",
		  "v2 disableOOMKiller");
	CHECK_STR(
	    plan("{\"memory\": {\"disableOOMKiller\": false, \"useHierarchy\": true}}", &t_v2), "",
	    "v2: the defaults are no-ops");
	CHECK_STR(plan("{\"memory\": {\"limit\": 200, \"swap\": 100}}", &t_v1),
		  "error: linux.resources.memory.swap: 100 is below memory.limit 200 (swap is "
		  "memory+swap)",
		  "v1 swap below limit");
}

static void test_plan_cpu(void)
{
	const char *j = "{\"cpu\": {\"shares\": 1024, \"quota\": 20000, \"period\": 100000, "
			"\"burst\": 1000, \"cpus\": \"0\", \"mems\": \"0\", \"idle\": 0}}";

	CHECK_STR(plan(j, &t_hybrid),
		  "v1 cpu cpu.shares=1024\n"
		  "v1 cpu cpu.cfs_period_us=100000 pair\n"
		  "v1 cpu cpu.cfs_quota_us=20000\n"
		  "v1 cpu cpu.cfs_burst_us=1000\n"
		  "v1 cpu cpu.idle=0\n"
		  "v1 cpuset cpuset.cpus=0\n"
		  "v1 cpuset cpuset.mems=0\n",
		  "v1 cpu and cpuset");
	CHECK_STR(plan(j, &t_v2),
		  "v2 cpu cpu.weight=39\n"
		  "v2 cpu cpu.max=20000 100000\n"
		  "v2 cpu cpu.max.burst=1000\n"
		  "v2 cpu cpu.idle=0\n"
		  "v2 cpuset cpuset.cpus=0\n"
		  "v2 cpuset cpuset.mems=0\n",
		  "v2 cpu: weight from shares, cpu.max");
	CHECK_STR(plan("{\"cpu\": {\"quota\": -1}}", &t_v2), "v2 cpu cpu.max=max\n",
		  "v2 quota -1 is max, period kept");
	CHECK_STR(plan("{\"cpu\": {\"period\": 50000}}", &t_v2),
		  "v2 cpu cpu.max=50000 keep-quota\n", "v2 period alone keeps the quota");
	CHECK_STR(
	    plan("{\"cpu\": {\"realtimeRuntime\": 950000, \"realtimePeriod\": 1000000}}", &t_v1),
	    "v1 cpu cpu.rt_period_us=1000000 pair\nv1 cpu cpu.rt_runtime_us=950000\n",
	    "v1 realtime");
	CHECK_STR(
	    plan("{\"cpu\": {\"realtimeRuntime\": 950000}}", &t_v2),
	    "error: linux.resources.cpu.realtimeRuntime: realtime scheduling is not supported "
	    "on cgroup v2",
	    "v2 realtime is an error");
}

static void test_plan_others(void)
{
	CHECK_STR(plan("{\"pids\": {\"limit\": -1}}", &t_v1), "v1 pids pids.max=max\n", "pids -1");
	CHECK_STR(plan("{\"pids\": {\"limit\": 16}}", &t_v2), "v2 pids pids.max=16\n", "pids 16");
	CHECK_STR(
	    plan("{\"blockIO\": {\"weight\": 500, \"weightDevice\": [{\"major\": 8, \"minor\": "
		 "0, \"weight\": 100}], \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, "
		 "\"rate\": 1048576}], \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 0, "
		 "\"rate\": 0}]}}",
		 &t_v1),
	    "v1 blkio blkio.weight=500 | blkio.bfq.weight=500\n"
	    "v1 blkio blkio.weight_device=8:0 100 | blkio.bfq.weight_device=8:0 100\n"
	    "v1 blkio blkio.throttle.read_bps_device=8:0 1048576\n"
	    "v1 blkio blkio.throttle.write_iops_device=8:0 0\n",
	    "v1 blkio: bfq files as fallback");
	CHECK_STR(
	    plan("{\"blockIO\": {\"weight\": 500, \"weightDevice\": [{\"major\": 8, \"minor\": "
		 "0, \"weight\": 100}], \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, "
		 "\"rate\": 1048576}], \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 0, "
		 "\"rate\": 0}]}}",
		 &t_v2),
	    "v2 io io.bfq.weight=500 | io.weight=default 4950\n"
	    "v2 io io.bfq.weight=8:0 100 | io.weight=8:0 910\n"
	    "v2 io io.max=8:0 rbps=1048576\n"
	    "v2 io io.max=8:0 wiops=max\n",
	    "v2 io: bfq weight or converted io.weight, io.max");
	CHECK_STR(plan("{\"blockIO\": {\"leafWeight\": 10}}", &t_v2),
		  "error: linux.resources.blockIO.leafWeight: not supported on cgroup v2",
		  "v2 leaf weight");
	CHECK_STR(
	    plan("{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}]}", &t_hybrid),
	    "v2 hugetlb hugetlb.2MB.max=4194304\n"
	    "v2 hugetlb hugetlb.2MB.rsvd.max=4194304 optional\n",
	    "hybrid: hugetlb through the cgroup2 mount that has it");
	CHECK_STR(
	    plan("{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}]}", &t_v1),
	    "v1 hugetlb hugetlb.2MB.limit_in_bytes=4194304\n"
	    "v1 hugetlb hugetlb.2MB.rsvd.limit_in_bytes=4194304 optional\n",
	    "v1 hugetlb");
	CHECK_STR(plan("{\"network\": {\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\", "
		       "\"priority\": 5}]}}",
		       &t_v1),
		  "v1 net_cls net_cls.classid=1048577\nv1 net_prio net_prio.ifpriomap=eth0 5\n",
		  "v1 network");
	CHECK_STR(
	    plan("{\"network\": {\"classID\": 1}}", &t_v2),
	    "error: linux.resources.network.classID: net_cls/net_prio do not exist on cgroup v2",
	    "v2 network is an error");
	CHECK_STR(
	    plan("{\"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 10000}}}", &t_v2),
	    "v2 rdma rdma.max=mlx5_1 hca_handle=3 hca_object=10000\n", "rdma");
	CHECK_STR(plan("{\"unified\": {\"memory.high\": \"1G\", \"cgroup.max.depth\": \"3\", "
		       "\"dmem.max\": \"x\"}}",
		       &t_v2),
		  "v2 memory memory.high=1G\nv2 core cgroup.max.depth=3\nv2 core dmem.max=x\n",
		  "unified keys as given, unknown controllers too");
	CHECK_STR(
	    plan("{\"unified\": {\"memory.high\": \"1G\"}}", &t_v1),
	    "error: linux.resources.unified.memory.high: needs cgroup v2 (this host has v1 only)",
	    "unified on v1 is an error");
	CHECK_STR(
	    plan("{\"unified\": {\"memory.high\": \"1G\"}}", &t_hybrid),
	    "error: linux.resources.unified.memory.high: the memory controller is not on this "
	    "host's cgroup2 mount (hybrid layout)",
	    "hybrid: unified only for controllers on cgroup2");
	CHECK_STR(plan("{\"unified\": {\"hugetlb.2MB.max\": \"0\"}}", &t_hybrid),
		  "v2 hugetlb hugetlb.2MB.max=0\n", "hybrid: unified hugetlb works");
}

static void test_devices(void)
{
	struct moat_resources *res;
	struct cg_dev_rules rules;
	struct moat_device devs[2] = {
	    {.path = "/dev/fuse", .type = 'c', .major = 10, .minor = 229},
	    {.path = "/dev/fifo", .type = 'p'},
	};
	const char *j = "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, "
			"\"type\": \"b\", \"major\": 8, \"access\": \"r\"}]}";
	char buf[64];

	moat_resources_parse_json(j, strlen(j), &arena, &res, &err);
	cg_dev_rules_build(res, devs, 2, &arena, &rules);
	CHECK(rules.n == 1 + 2 + 9 + 1, "deny-all + 2 config rules + 9 defaults + 1 device (%zu)",
	      rules.n);
	CHECK_STR(cg_dev_rule_v1(&rules.r[0], buf, sizeof(buf)), "a", "first a deny-all");
	CHECK_STR(cg_dev_rule_v1(&rules.r[2], buf, sizeof(buf)), "b 8:* r", "wildcard minor");
	CHECK_STR(cg_dev_rule_v1(&rules.r[3], buf, sizeof(buf)), "c *:* m", "mknod of any char");
	CHECK_STR(cg_dev_rule_v1(&rules.r[4], buf, sizeof(buf)), "c 1:3 rwm",
		  "no \"b *:* m\" default (runc has one)");
	CHECK_STR(cg_dev_rule_v1(&rules.r[rules.n - 1], buf, sizeof(buf)), "c 10:229 rwm",
		  "linux.devices last, fifos skipped");
}

static void test_stats_json(void)
{
	uint64_t percpu[2] = {10, 20};
	struct moat_cgroup_kv raw[2] = {{"cache", 4096}, {"rss", 8192}};
	struct moat_cgroup_blkio_entry io[1] = {{8, 0, "Read", 512}};
	struct moat_cgroup_hugetlb huge[1] = {{"2MB", 0, 0, 3}};
	struct moat_cgroup_stats st = {
	    .has_cpu = true,
	    .cpu_total = 30,
	    .cpu_user = 20,
	    .cpu_kernel = 10,
	    .cpu_percpu = percpu,
	    .n_percpu = 2,
	    .throttle_periods = 5,
	    .has_memory = true,
	    .mem_cache = 4096,
	    .mem_usage = {.usage = 12288, .max_usage = 16384, .limit = 33554432},
	    .mem_swap = {.usage = 12288, .limit = UINT64_MAX},
	    .mem_stat = raw,
	    .n_mem_stat = 2,
	    .has_pids = true,
	    .pids_current = 1,
	    .has_blkio = true,
	    .io_service_bytes = io,
	    .n_io_service_bytes = 1,
	    .hugetlb = huge,
	    .n_hugetlb = 1,
	};
	struct moat_buf b = {0};

	moat_cgroup_stats_json(&st, &b);
	CHECK_STR(
	    b.data,
	    "{\"cpu\":{\"usage\":{\"total\":30,\"percpu\":[10,20],\"kernel\":10,\"user\":20},"
	    "\"throttling\":{\"periods\":5}},\"cpuset\":{},"
	    "\"memory\":{\"cache\":4096,"
	    "\"usage\":{\"limit\":33554432,\"usage\":12288,\"max\":16384,\"failcnt\":0},"
	    "\"swap\":{\"limit\":18446744073709551615,\"usage\":12288,\"failcnt\":0},"
	    "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},"
	    "\"raw\":{\"cache\":4096,\"rss\":8192}},"
	    "\"pids\":{\"current\":1},"
	    "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":512}]},"
	    "\"hugetlb\":{\"2MB\":{\"failcnt\":3}},\"intel_rdt\":{},\"network_interfaces\":null}",
	    "stats as runc's events --stats data (omitempty as in Go)");
	moat_buf_free(&b);
}

/* ---- fake tree ---- */

static char root[256];

static void put(const char *rel, const char *content)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "we");
	if (!f) {
		printf("# cannot write %s: %m\n", path);
		return;
	}
	fputs(content, f);
	fclose(f);
}

static const char *get(const char *rel)
{
	char path[4096];
	static char buf[4][256];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "re");
	if (!f)
		return "(missing)";
	size_t n = fread(b, 1, 255, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

static bool exists(const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	return access(path, F_OK) == 0;
}

static void mk(const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	mkdir(path, 0755);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static const char *const v1_dirs[] = {"cpu",	 "cpuacct", "cpuset", "memory",	 "devices",
				      "freezer", "blkio",   "pids",   "systemd", "unified"};

static void test_fake_v1(void)
{
	struct moat_cgroup *cg = NULL, *cg2 = NULL;
	struct moat_cgroup_config cfg = {
	    .id = "c1",
	    .path = "/moat-test/c1",
	    .skip_devices = true,
	    .root = root,
	    .self_cgroup = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
			   "4:memory:/own\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n",
	};
	struct moat_buf b = {0};
	int r;

	for (size_t i = 0; i < sizeof(v1_dirs) / sizeof(v1_dirs[0]); i++)
		mk(v1_dirs[i]);
	mk("memory/own");
	put("unified/cgroup.controllers", "hugetlb\n");
	put("unified/cgroup.subtree_control", "");
	put("cpuset/cpuset.cpus", "0-1\n");
	put("cpuset/cpuset.mems", "0\n");

	r = cg_create_layout(&cfg, MOAT_CGROUP_HYBRID, &cg, &err);
	CHECK(r == 0, "create on a fake hybrid tree (%s)", err.msg);
	if (r < 0)
		return;
	CHECK(exists("memory/moat-test/c1") && exists("pids/moat-test/c1") &&
		  exists("systemd/moat-test/c1") && exists("unified/moat-test/c1"),
	      "the directory is in every hierarchy, named ones and cgroup2 too");
	CHECK_STR(get("unified/cgroup.subtree_control"), "",
		  "hybrid: nothing enabled on the host's cgroup2 unless needed");
	CHECK_STR(moat_cgroup_get_dir(cg, "memory"),
		  moat_arena_printf(&arena, "%s/memory/moat-test/c1", root), "dir of a controller");
	CHECK_STR(moat_cgroup_get_dir(cg, "systemd"),
		  moat_arena_printf(&arena, "%s/systemd/moat-test/c1", root),
		  "dir of a named hierarchy");
	CHECK_STR(moat_cgroup_get_path(cg), "/moat-test/c1", "path as the container sees it");

	moat_cgroup_to_string(cg, &b);
	CHECK(strstr(b.data, "moat-cgroup 1 hybrid\n") == b.data, "saved handle header");
	r = moat_cgroup_open(b.data, &cg2, &err);
	CHECK(r == 0, "the saved handle opens again");
	if (r == 0) {
		struct moat_buf b2 = {0};
		moat_cgroup_to_string(cg2, &b2);
		CHECK_STR(b2.data, b.data, "and saves the same text");
		moat_buf_free(&b2);
	}

	/* update on the re-opened handle: files a kernel would have */
	put("memory/moat-test/c1/memory.limit_in_bytes", "");
	put("memory/moat-test/c1/memory.memsw.limit_in_bytes", "");
	put("pids/moat-test/c1/pids.max", "");
	put("cpu/moat-test/c1/cpu.cfs_quota_us", "");
	put("cpu/moat-test/c1/cpu.cfs_period_us", "");
	put("blkio/moat-test/c1/blkio.bfq.weight", "");
	const char *j =
	    "{\"memory\": {\"limit\": 33554432, \"swap\": 67108864}, \"pids\": {\"limit\": "
	    "16}, \"cpu\": {\"quota\": 20000, \"period\": 100000}, \"blockIO\": "
	    "{\"weight\": 300}}";
	struct moat_resources *res;
	moat_resources_parse_json(j, strlen(j), &arena, &res, &err);
	r = moat_cgroup_update(cg2, res, &err);
	CHECK(r == 0, "update writes the files (%s)", err.msg);
	CHECK_STR(get("memory/moat-test/c1/memory.limit_in_bytes"), "33554432", "memory limit");
	CHECK_STR(get("memory/moat-test/c1/memory.memsw.limit_in_bytes"), "67108864", "memsw");
	CHECK_STR(get("pids/moat-test/c1/pids.max"), "16", "pids.max");
	CHECK_STR(get("cpu/moat-test/c1/cpu.cfs_quota_us"), "20000", "quota");
	CHECK_STR(get("blkio/moat-test/c1/blkio.bfq.weight"), "300",
		  "blkio.weight missing: blkio.bfq.weight written");

	j = "{\"cpu\": {\"idle\": 1}}";
	moat_resources_parse_json(j, strlen(j), &arena, &res, &err);
	r = moat_cgroup_update(cg2, res, &err);
	CHECK(r == -ENOTSUP, "a file the kernel lacks is an error");
	CHECK_STR(err.msg,
		  moat_arena_printf(
		      &arena,
		      "linux.resources.cpu.idle: %s/cpu/moat-test/c1/cpu.idle does not exist",
		      root),
		  "naming the field and the file");
	j = "{\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 0}]}";
	moat_resources_parse_json(j, strlen(j), &arena, &res, &err);
	r = moat_cgroup_update(cg2, res, &err);
	CHECK(r == -ENOTSUP && strstr(err.msg, "the hugetlb controller is not available in"),
	      "hybrid hugetlb needs it enabled on the leaf (%s)", err.msg);

	/* freezer: a fake file reads back what was written */
	put("freezer/moat-test/c1/freezer.state", "THAWED\n");
	bool frozen = false;
	r = moat_cgroup_freeze(cg2, true, &err);
	CHECK(r == 0 && moat_cgroup_is_frozen(cg2, &frozen, &err) == 0 && frozen, "freeze (v1)");
	moat_cgroup_freeze(cg2, false, &err);
	CHECK(moat_cgroup_is_frozen(cg2, &frozen, &err) == 0 && !frozen, "thaw (v1)");

	/* pids: the leaf and a cgroup the container made below it */
	put("pids/moat-test/c1/cgroup.procs", "10\n11\n");
	mk("pids/moat-test/c1/sub");
	put("pids/moat-test/c1/sub/cgroup.procs", "12\n");
	pid_t *pids = NULL;
	size_t n = 0;
	r = moat_cgroup_pids(cg2, &pids, &n, &err);
	CHECK(r == 0 && n == 3 && pids[0] == 10 && pids[2] == 12, "pids of the subtree (%zu)", n);
	free(pids);

	/* a populated leaf is not reused */
	struct moat_cgroup *cg3 = NULL;
	r = cg_create_layout(&cfg, MOAT_CGROUP_HYBRID, &cg3, &err);
	CHECK(r == -EBUSY && strstr(err.msg, "already has processes"), "a busy leaf is refused");
	CHECK(exists("memory/moat-test/c1"), "and the refusal removes nothing it did not make");

	/* a failing create leaves nothing it made */
	cfg.path = "/fresh/a/b";
	j = "{\"pids\": {\"limit\": 5}}";
	moat_resources_parse_json(j, strlen(j), &arena, &res, &err);
	cfg.resources = res;
	r = cg_create_layout(&cfg, MOAT_CGROUP_HYBRID, &cg3, &err);
	CHECK(r == -ENOTSUP, "create fails when pids.max is missing (%s)", err.msg);
	bool left = false;
	for (size_t i = 0; i < sizeof(v1_dirs) / sizeof(v1_dirs[0]); i++)
		left |= exists(moat_arena_printf(&arena, "%s/fresh", v1_dirs[i]));
	CHECK(!left, "and leaves no directory in any hierarchy");

	/* relative path: under each hierarchy's own cgroup */
	cfg.path = "rel";
	cfg.resources = NULL;
	r = cg_create_layout(&cfg, MOAT_CGROUP_HYBRID, &cg3, &err);
	CHECK(r == 0 && exists("memory/own/rel") && exists("cpu/rel") && exists("unified/rel"),
	      "relative: memory under /own, others under /");
	moat_cgroup_free(cg3);

	moat_buf_free(&b);
	moat_cgroup_free(cg);
	moat_cgroup_free(cg2);
}

static void test_fake_v2(void)
{
	struct moat_cgroup *cg = NULL;
	struct moat_cgroup_config cfg = {
	    .id = "c2",
	    .skip_devices = true,
	    .root = root,
	    .self_cgroup = "0::/user.slice/s.scope\n",
	};
	int r;

	mk("user.slice");
	put("cgroup.controllers", "cpuset cpu io memory pids\n");
	put("cgroup.subtree_control", "cpu\n");
	r = cg_create_layout(&cfg, MOAT_CGROUP_V2, &cg, &err);
	CHECK(r == 0, "create on a fake v2 tree (%s)", err.msg);
	CHECK(exists("user.slice/c2"), "absent path: next to the own cgroup");
	CHECK_STR(get("cgroup.subtree_control"), "+cpuset +io +memory +pids",
		  "v2: the missing controllers are enabled on the way down");
	moat_cgroup_free(cg);

	/* update: a controller the leaf lacks is named */
	struct moat_cgroup *h = NULL;
	moat_cgroup_open(
	    moat_arena_printf(&arena, "moat-cgroup 1 v2\nv2\t-\t%s\t/user.slice/c2\n", root), &h,
	    &err);
	put("user.slice/c2/cgroup.controllers", "memory\n");
	put("user.slice/c2/memory.max", "");
	put("user.slice/c2/memory.swap.max", "");
	put("user.slice/c2/cpu.max", "30000 100000\n");
	struct moat_resources *res;
	const char *j = "{\"memory\": {\"limit\": 1048576, \"swap\": 3145728}}";
	moat_resources_parse_json(j, strlen(j), &arena, &res, &err);
	r = h ? moat_cgroup_update(h, res, &err) : -1;
	CHECK(r == 0 && strcmp(get("user.slice/c2/memory.swap.max"), "2097152") == 0,
	      "v2 update: swap.max = swap - limit (%s)", err.msg);
	j = "{\"pids\": {\"limit\": 3}}";
	moat_resources_parse_json(j, strlen(j), &arena, &res, &err);
	r = h ? moat_cgroup_update(h, res, &err) : -1;
	CHECK(r == -ENOTSUP, "pids controller not enabled: error");
	CHECK_STR(err.msg,
		  moat_arena_printf(&arena,
				    "linux.resources.pids.limit: the pids controller is not "
				    "available in %s/user.slice/c2",
				    root),
		  "naming field and controller");
	put("user.slice/c2/cgroup.controllers", "memory cpu\n");
	j = "{\"cpu\": {\"period\": 50000}}";
	moat_resources_parse_json(j, strlen(j), &arena, &res, &err);
	r = h ? moat_cgroup_update(h, res, &err) : -1;
	CHECK(r == 0 && strcmp(get("user.slice/c2/cpu.max"), "30000 50000") == 0,
	      "v2 period alone keeps the quota (%s)", get("user.slice/c2/cpu.max"));
	put("user.slice/c2/memory.current", "2000000\n");
	j = "{\"memory\": {\"limit\": 1000000, \"checkBeforeUpdate\": true}}";
	moat_resources_parse_json(j, strlen(j), &arena, &res, &err);
	r = h ? moat_cgroup_update(h, res, &err) : -1;
	CHECK(r == -EBUSY && strstr(err.msg, "below the current usage 2000000"),
	      "checkBeforeUpdate refuses a limit below usage");
	moat_cgroup_free(h);
}

int main(void)
{
	test_paths();
	test_parsers();
	test_controllers();
	test_conversions();
	test_plan_memory();
	test_plan_cpu();
	test_plan_others();
	test_devices();
	test_stats_json();

	snprintf(root, sizeof(root), "/tmp/moat-test-cgroup-XXXXXX");
	if (!mkdtemp(root)) {
		CHECK(0, "mkdtemp");
	} else {
		test_fake_v1();
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		mkdir(root, 0700);
		test_fake_v2();
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	moat_arena_free(&arena);
	return check_done();
}
