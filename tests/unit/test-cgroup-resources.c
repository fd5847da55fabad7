/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources parser: every field, and errors that name the JSON path. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "spec/resources.h"

static struct moat_arena arena;
static struct moat_err err;

static struct moat_resources *parse(const char *json)
{
	struct moat_resources *r = NULL;

	moat_err_clear(&err);
	if (moat_resources_parse_json(json, strlen(json), &arena, &r, &err) < 0)
		return NULL;
	return r;
}

/* The runtime-spec examples of config-linux.md, in one object. */
static const char full[] =
    "{"
    "\"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
    "  {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": \"rw\"},"
    "  {\"allow\": true, \"type\": \"b\", \"major\": 8, \"minor\": 0, \"access\": \"r\"}],"
    "\"memory\": {\"limit\": 536870912, \"reservation\": 536870912, \"swap\": 536870912,"
    "  \"kernel\": -1, \"kernelTCP\": -1, \"swappiness\": 0, \"disableOOMKiller\": false,"
    "  \"useHierarchy\": true, \"checkBeforeUpdate\": true},"
    "\"cpu\": {\"shares\": 1024, \"quota\": 1000000, \"burst\": 1000000, \"period\": 500000,"
    "  \"realtimeRuntime\": 950000, \"realtimePeriod\": 1000000, \"cpus\": \"2-3\","
    "  \"mems\": \"0-7\", \"idle\": 0},"
    "\"blockIO\": {\"weight\": 10, \"leafWeight\": 10,"
    "  \"weightDevice\": [{\"major\": 8, \"minor\": 0, \"weight\": 500, \"leafWeight\": 300},"
    "                   {\"major\": 8, \"minor\": 16, \"weight\": 500}],"
    "  \"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, \"rate\": 600}],"
    "  \"throttleWriteIOPSDevice\": [{\"major\": 8, \"minor\": 16, \"rate\": 300}]},"
    "\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 209715200},"
    "                    {\"pageSize\": \"64KB\", \"limit\": 1000000}],"
    "\"network\": {\"classID\": 1048577, \"priorities\": [{\"name\": \"eth0\", \"priority\": 500},"
    "  {\"name\": \"eth1\", \"priority\": 1000}]},"
    "\"pids\": {\"limit\": 32771},"
    "\"rdma\": {\"mlx5_1\": {\"hcaHandles\": 3, \"hcaObjects\": 10000},"
    "  \"mlx4_0\": {\"hcaObjects\": 1000}},"
    "\"unified\": {\"io.max\": \"259:0 rbps=2097152 wiops=120\", \"hugetlb.1GB.max\": "
    "\"1073741824\"}"
    "}";

static void test_full(void)
{
	struct moat_resources *r = parse(full);

	CHECK(r != NULL, "parses the spec's examples (%s)", err.msg);
	if (!r)
		return;
	CHECK(r->has_devices && r->n_devices == 3, "three device rules");
	CHECK(!r->devices[0].allow && r->devices[0].type == 'a' && r->devices[0].major == -1 &&
		  r->devices[0].access == MOAT_DEV_ALL,
	      "a rule without type/major/minor means all devices");
	CHECK(r->devices[1].type == 'c' && r->devices[1].major == 10 &&
		  r->devices[1].minor == 229 &&
		  r->devices[1].access == (MOAT_DEV_READ | MOAT_DEV_WRITE),
	      "c 10:229 rw");
	CHECK(r->devices[2].type == 'b' && r->devices[2].access == MOAT_DEV_READ, "b 8:0 r");

	const struct moat_mem_resources *m = r->memory;
	CHECK(m && m->has_limit && m->limit == 536870912 && m->has_swap && m->swap == 536870912,
	      "memory limit and swap");
	CHECK(m && m->has_kernel && m->kernel == -1 && m->has_swappiness && m->swappiness == 0,
	      "kernel -1 and swappiness 0 are kept as given");
	CHECK(m && m->has_disable_oom_killer && !m->disable_oom_killer && m->use_hierarchy &&
		  m->check_before_update,
	      "memory booleans");

	const struct moat_cpu_resources *c = r->cpu;
	CHECK(c && c->shares == 1024 && c->quota == 1000000 && c->has_burst &&
		  c->burst == 1000000 && c->period == 500000,
	      "cpu shares, quota, burst, period");
	CHECK(c && c->realtime_runtime == 950000 && c->realtime_period == 1000000, "cpu realtime");
	CHECK(c && strcmp(c->cpus, "2-3") == 0 && strcmp(c->mems, "0-7") == 0 && c->has_idle &&
		  c->idle == 0,
	      "cpus, mems, idle");

	const struct moat_blkio_resources *b = r->blkio;
	CHECK(b && b->weight == 10 && b->leaf_weight == 10 && b->n_weight_devices == 2,
	      "blkio weights");
	CHECK(b && b->weight_devices[0].has_leaf_weight &&
		  b->weight_devices[0].leaf_weight == 300 && !b->weight_devices[1].has_leaf_weight,
	      "per-device leaf weight only where given");
	CHECK(b && b->n_throttle[MOAT_THROTTLE_READ_BPS] == 1 &&
		  b->throttle[MOAT_THROTTLE_READ_BPS][0].rate == 600 &&
		  b->n_throttle[MOAT_THROTTLE_WRITE_IOPS] == 1 &&
		  b->throttle[MOAT_THROTTLE_WRITE_IOPS][0].minor == 16 &&
		  b->n_throttle[MOAT_THROTTLE_WRITE_BPS] == 0,
	      "throttles by kind");

	CHECK(r->n_hugepages == 2 && strcmp(r->hugepages[1].page_size, "64KB") == 0 &&
		  r->hugepages[0].limit == 209715200,
	      "hugepage limits");
	CHECK(r->has_net_class_id && r->net_class_id == 1048577 && r->n_net_priorities == 2 &&
		  strcmp(r->net_priorities[1].name, "eth1") == 0 &&
		  r->net_priorities[1].priority == 1000,
	      "network");
	CHECK(r->has_pids_limit && r->pids_limit == 32771, "pids");
	CHECK(r->n_rdma == 2 && strcmp(r->rdma[0].device, "mlx5_1") == 0 &&
		  r->rdma[0].hca_handles == 3 && !r->rdma[1].has_hca_handles &&
		  r->rdma[1].hca_objects == 1000,
	      "rdma");
	CHECK(r->n_unified == 2 && strcmp(r->unified_keys[0], "io.max") == 0 &&
		  strcmp(r->unified_values[1], "1073741824") == 0,
	      "unified in order");
}

static void test_absent(void)
{
	struct moat_resources *r =
	    parse("{\"memory\": {\"limit\": null}, \"cpu\": {}, \"pids\": {}}");

	CHECK(r && r->memory && !r->memory->has_limit, "null counts as absent");
	CHECK(r && !r->has_devices && !r->has_pids_limit && !r->blkio, "absent sections stay NULL");
	r = parse("{\"pids\": {\"limit\": 0}}");
	CHECK(r && r->has_pids_limit && r->pids_limit == 0, "pids limit 0 is a limit");
	r = parse("{\"cpu\": {\"cpus\": \"\"}}");
	CHECK(r && r->cpu && r->cpu->cpus == NULL, "empty cpus means unset");
	r = parse(
	    "{\"devices\": [{\"allow\": true, \"type\": \"c\", \"major\": -1, \"access\": \"\"}]}");
	CHECK(r && r->devices[0].major == -1 && r->devices[0].minor == -1 &&
		  r->devices[0].access == MOAT_DEV_ALL,
	      "major -1 and empty access read as wildcard and rwm");
}

#define ERR(json, want, what)                                                                      \
	do {                                                                                       \
		CHECK(parse(json) == NULL, "rejects " what);                                       \
		CHECK_STR(err.msg, want, "message for " what);                                     \
	} while (0)

static void test_errors(void)
{
	ERR("[]", "linux.resources: expected an object", "a non-object");
	ERR("{\"memory\": {\"limit\": \"1G\"}}",
	    "linux.resources.memory.limit: expected an integer", "a string limit");
	ERR("{\"memory\": {\"limit\": 1.5}}", "linux.resources.memory.limit: expected an integer",
	    "a fractional limit");
	ERR("{\"memory\": {\"swap\": -2}}",
	    "linux.resources.memory.swap: expected -1 or a non-negative integer", "swap -2");
	ERR("{\"memory\": {\"swappiness\": 101}}",
	    "linux.resources.memory.swappiness: 101 is out of range (max 100)", "swappiness 101");
	ERR("{\"memory\": []}", "linux.resources.memory: expected an object", "an array memory");
	ERR("{\"cpu\": {\"shares\": -1}}",
	    "linux.resources.cpu.shares: expected a non-negative integer", "negative shares");
	ERR("{\"cpu\": {\"quota\": 1000, \"burst\": 2000}}",
	    "linux.resources.cpu.burst: 2000 is larger than quota 1000", "burst above quota");
	ERR("{\"cpu\": {\"cpus\": \"0-3;rm\"}}",
	    "linux.resources.cpu.cpus: \"0-3;rm\" is not a list like \"0-3,7\"", "a bad cpu list");
	ERR("{\"devices\": [{\"allow\": true}, {\"type\": \"c\"}]}",
	    "linux.resources.devices[1].allow: required", "a rule without allow");
	ERR("{\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}",
	    "linux.resources.devices[0].access: 'x' is not one of r, w, m", "access x");
	ERR("{\"devices\": [{\"allow\": true, \"type\": \"p\"}]}",
	    "linux.resources.devices[0].type: expected \"a\", \"c\" or \"b\"", "type p");
	ERR("{\"devices\": [{\"allow\": true, \"major\": -5}]}",
	    "linux.resources.devices[0].major: -5 is not a device number", "major -5");
	ERR("{\"blockIO\": {\"weight\": 70000}}",
	    "linux.resources.blockIO.weight: 70000 is out of range (max 65535)", "weight 70000");
	ERR("{\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": 0}]}}",
	    "linux.resources.blockIO.weightDevice[0]: needs weight or leafWeight",
	    "a weight device without weights");
	ERR("{\"blockIO\": {\"throttleReadIOPSDevice\": [{\"major\": 8, \"rate\": 1}]}}",
	    "linux.resources.blockIO.throttleReadIOPSDevice[0].minor: required",
	    "a throttle without minor");
	ERR("{\"hugepageLimits\": [{\"pageSize\": \"2M\", \"limit\": 1}]}",
	    "linux.resources.hugepageLimits[0].pageSize: \"2M\" is not a size like \"2MB\"",
	    "page size 2M");
	ERR("{\"hugepageLimits\": [{\"pageSize\": \"2MB\"}]}",
	    "linux.resources.hugepageLimits[0].limit: required", "a hugepage limit without limit");
	ERR("{\"network\": {\"priorities\": [{\"name\": \"eth0 1\", \"priority\": 5}]}}",
	    "linux.resources.network.priorities[0].name: expected an interface name",
	    "an interface name with a space");
	ERR("{\"network\": {\"classID\": 4294967296}}",
	    "linux.resources.network.classID: 4294967296 is out of range (max 4294967295)",
	    "classID above uint32");
	ERR("{\"rdma\": {\"mlx5_1\": {}}}",
	    "linux.resources.rdma.mlx5_1: needs hcaHandles or hcaObjects", "an empty rdma entry");
	ERR("{\"unified\": {\"../../etc/passwd\": \"x\"}}",
	    "linux.resources.unified: \"../../etc/passwd\" is not a cgroup file name",
	    "a unified key that is a path");
	ERR("{\"unified\": {\"memory.max\": 5}}",
	    "linux.resources.unified.memory.max: expected a string",
	    "a unified value that is a number");
	ERR("{\"pids\": {\"limit\": 99999999999999999999}}",
	    "linux.resources.pids.limit: out of range", "a limit above int64");
	ERR("{} x", "resources: trailing data after the JSON object", "trailing data");
	ERR("{\"memory\": ", "resources: invalid JSON: unexpected end of input", "truncated JSON");
}

static void test_update_flags(void)
{
	struct moat_resources *r = NULL;
	int e = 0;

	e |= moat_resources_update_flag(&r, &arena, "memory", "64m", &err);
	e |= moat_resources_update_flag(&r, &arena, "memory-swap", "-1", &err);
	e |= moat_resources_update_flag(&r, &arena, "memory-reservation", "2GiB", &err);
	e |= moat_resources_update_flag(&r, &arena, "cpu-quota", "20000", &err);
	e |= moat_resources_update_flag(&r, &arena, "cpu-period", "100000", &err);
	e |= moat_resources_update_flag(&r, &arena, "cpu-share", "512", &err);
	e |= moat_resources_update_flag(&r, &arena, "cpuset-cpus", "0-1", &err);
	e |= moat_resources_update_flag(&r, &arena, "cpuset-mems", "0", &err);
	e |= moat_resources_update_flag(&r, &arena, "pids-limit", "16", &err);
	e |= moat_resources_update_flag(&r, &arena, "blkio-weight", "300", &err);
	CHECK(e == 0 && r, "runc's update flags are taken (%s)", err.msg);
	if (!r)
		return;
	CHECK(r->memory && r->memory->limit == 64 << 20 && r->memory->swap == -1 &&
		  r->memory->reservation == 2LL << 30,
	      "sizes in runc's units");
	CHECK(r->cpu && r->cpu->quota == 20000 && r->cpu->period == 100000 &&
		  r->cpu->shares == 512 && strcmp(r->cpu->cpus, "0-1") == 0 &&
		  strcmp(r->cpu->mems, "0") == 0,
	      "cpu flags");
	CHECK(r->has_pids_limit && r->pids_limit == 16 && r->blkio && r->blkio->weight == 300,
	      "pids and blkio");
	CHECK(!r->memory->has_kernel && !r->cpu->has_burst, "only the flags given are set");
	CHECK(moat_resources_update_flag(&r, &arena, "memory", "lots", &err) == -EINVAL,
	      "a bad size is refused");
	CHECK_STR(err.msg, "--memory: \"lots\" is not a size like 64m", "naming the flag");
	CHECK(moat_resources_update_flag(&r, &arena, "cpu-period", "-5", &err) == -EINVAL,
	      "a negative period is refused");
	CHECK(moat_resources_update_flag(&r, &arena, "l3-cache-schema", "x", &err) == -ENOENT,
	      "an unknown flag says ENOENT");
}

int main(void)
{
	test_full();
	test_absent();
	test_errors();
	test_update_flags();
	moat_arena_free(&arena);
	return check_done();
}
