/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * linux.resources (runtime-spec config-linux.md) in validated, JSON-free form.
 *
 * Every optional scalar has a has_* flag: the spec distinguishes "absent"
 * (leave the kernel's value alone) from every value, including 0 and -1.
 * Values are kept as the spec gives them (v1 units); src/lib/cgroup converts
 * them for cgroup v2.  Pointers point into the arena the parser was given.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

/* One linux.resources.devices[] entry. */
struct moat_dev_rule {
	bool allow;
	char type;	 /* 'a' (all, also when absent), 'c' or 'b' */
	int64_t major;	 /* -1: any (absent) */
	int64_t minor;	 /* -1: any (absent) */
	unsigned access; /* MOAT_DEV_* bits; absent or "" means all three */
};

#define MOAT_DEV_READ 1u
#define MOAT_DEV_WRITE 2u
#define MOAT_DEV_MKNOD 4u
#define MOAT_DEV_ALL (MOAT_DEV_READ | MOAT_DEV_WRITE | MOAT_DEV_MKNOD)

struct moat_mem_resources {
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp;
	int64_t limit;	     /* bytes, -1 = unlimited */
	int64_t reservation; /* soft limit (v2: memory.low) */
	int64_t swap;	     /* memory+swap (v1 semantics), -1 = unlimited */
	int64_t kernel;	     /* deprecated */
	int64_t kernel_tcp;  /* deprecated */
	bool has_swappiness;
	uint64_t swappiness; /* 0..100 */
	bool has_disable_oom_killer, has_use_hierarchy, has_check_before_update;
	bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct moat_cpu_resources {
	bool has_shares, has_quota, has_burst, has_period;
	uint64_t shares;
	int64_t quota;	 /* microseconds per period, -1 = unlimited */
	uint64_t burst;	 /* microseconds */
	uint64_t period; /* microseconds */
	bool has_realtime_runtime, has_realtime_period;
	int64_t realtime_runtime;
	uint64_t realtime_period;
	char *cpus; /* "0-3,7", NULL when absent */
	char *mems;
	bool has_idle;
	int64_t idle;
};

struct moat_blkio_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct moat_blkio_throttle {
	int64_t major, minor;
	uint64_t rate;
};

enum moat_blkio_throttle_kind {
	MOAT_THROTTLE_READ_BPS,
	MOAT_THROTTLE_WRITE_BPS,
	MOAT_THROTTLE_READ_IOPS,
	MOAT_THROTTLE_WRITE_IOPS,
	MOAT_THROTTLE__COUNT,
};

struct moat_blkio_resources {
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
	struct moat_blkio_weight_device *weight_devices;
	size_t n_weight_devices;
	struct moat_blkio_throttle *throttle[MOAT_THROTTLE__COUNT];
	size_t n_throttle[MOAT_THROTTLE__COUNT];
};

struct moat_hugepage_limit {
	char *page_size; /* as given and checked: digits + "KB"/"MB"/"GB"/"TB"... e.g. "2MB" */
	uint64_t limit;	 /* bytes */
};

struct moat_net_priority {
	char *name; /* interface name in the runtime's network namespace */
	uint32_t priority;
};

struct moat_rdma_limit {
	char *device;
	bool has_hca_handles, has_hca_objects;
	uint32_t hca_handles, hca_objects;
};

struct moat_resources {
	struct moat_dev_rule *devices; /* in the order given */
	size_t n_devices;
	bool has_devices; /* the array was present (even empty) */

	struct moat_mem_resources *memory; /* NULL when absent, likewise below */
	struct moat_cpu_resources *cpu;
	struct moat_blkio_resources *blkio;

	bool has_pids_limit;
	int64_t pids_limit; /* -1 = max; 0 is a valid limit */

	struct moat_hugepage_limit *hugepages;
	size_t n_hugepages;

	bool has_net_class_id;
	uint32_t net_class_id;
	struct moat_net_priority *net_priorities;
	size_t n_net_priorities;

	struct moat_rdma_limit *rdma;
	size_t n_rdma;

	/* linux.resources.unified: cgroup v2 file name -> value, in JSON order */
	char **unified_keys, **unified_values;
	size_t n_unified;
};

/*
 * Parse a LinuxResources JSON object given alone (for `update --resources
 * FILE|-`, same shape as linux.resources). *ret is allocated in a; errors
 * name the field the same way as in config.json ("linux.resources.memory.limit:
 * expected an integer") so messages read alike whichever way values came in.
 */
int moat_resources_parse_json(const char *json, size_t len, struct moat_arena *a,
			      struct moat_resources **ret, struct moat_err *err);

/*
 * One flag of runc's `update` (name without dashes: "memory", "memory-swap",
 * "memory-reservation", "kernel-memory", "kernel-memory-tcp", "cpu-share",
 * "cpu-period", "cpu-quota", "cpu-burst", "cpu-rt-period", "cpu-rt-runtime",
 * "cpuset-cpus", "cpuset-mems", "cpu-idle", "blkio-weight", "pids-limit")
 * set in *r (allocated in a when NULL).  Byte values take runc's units
 * ("64m", "1g", "-1").  -ENOENT for a flag that is not one of these.
 */
int moat_resources_update_flag(struct moat_resources **r, struct moat_arena *a, const char *flag,
			       const char *value, struct moat_err *err);
