/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * Shared by the files of src/lib/cgroup only.  Layering:
 *   pure:     path.c (cgroupsPath), detect.c parsers, plan.c + one file per
 *             controller (resources -> list of file writes), devices.c (rule
 *             list), bpf.c compiler
 *   syscalls: file.c (read/write cgroup files), cgroup.c (handle, create,
 *             destroy, join), v1.c / v2.c (backend ops), stats.c, bpf.c loader
 * Tests include this header to reach the pure parts and to run create on a
 * fake tree with a chosen layout.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/err.h"
#include "cgroup/cgroup.h"
#include "spec/resources.h"

/* Controllers moat knows. v2 has no cpuacct, devices, freezer, net_*: those
 * are core features (cpu.stat, eBPF, cgroup.freeze) or gone. */
enum cg_ctrl {
	CG_CPU,
	CG_CPUACCT,
	CG_CPUSET,
	CG_MEMORY,
	CG_DEVICES,
	CG_FREEZER,
	CG_IO, /* "blkio" on v1 */
	CG_PIDS,
	CG_HUGETLB,
	CG_NET_CLS,
	CG_NET_PRIO,
	CG_RDMA,
	CG_MISC,
	CG_PERF_EVENT,
	CG__COUNT,
	CG_CORE = CG__COUNT, /* cgroup.* files of cgroup2, no controller needed */
};

#define CG_BIT(c) (1u << (c))

const char *cg_ctrl_name(enum cg_ctrl c, bool v2); /* NULL when c does not exist there */
/* Mask of known controllers in a list separated by any of seps ("cpu,cpuacct"
 * with ",", cgroup.controllers with " \n"). Unknown names are ignored. */
unsigned cg_ctrl_mask(const char *list, const char *seps);
/* The controller a v2 file belongs to ("memory.max" -> CG_MEMORY,
 * "cgroup.freeze" -> CG_CORE); -1 when unknown. */
int cg_ctrl_of_file(const char *file);

/* One hierarchy the container's cgroup lives in. */
struct cg_hier {
	bool v2;
	unsigned mask;	   /* v1: its controllers; v2: those enabled in the leaf */
	char *controllers; /* v1: as in /proc/self/cgroup ("cpu,cpuacct", "name=systemd"); v2: "" */
	char *mount;	   /* "/sys/fs/cgroup/memory" */
	char *rel;	   /* the container's cgroup in it: "/a/b" */
	char *dir;	   /* mount + rel */
	int fd;		   /* O_DIRECTORY fd of dir, -1 when not open */
	int made;	   /* create: trailing levels of rel this create made */
};

struct cg_ops;

struct moat_cgroup {
	struct moat_arena arena;
	const struct cg_ops *ops;
	enum moat_cgroup_layout layout;
	struct cg_hier hier[MOAT_CGROUP_MAX_HIER];
	size_t n_hier;
	int v2; /* index of the cgroup2 hierarchy, -1 when none */
};

/* The backend table: one per layout family (cgroupfs v1/hybrid, cgroupfs v2;
 * systemd would be a third that asks systemd for the unit, then reuses these
 * for files). Every op acts on the container's whole cgroup. */
struct cg_ops {
	const char *name;
	/* A directory level of rel was just made (made) or found (!made) in
	 * hierarchy h; parentfd is its parent (-1 for the mount root), leaf
	 * says it is the container's own. v1 fills cpuset.cpus/mems; cgroup2
	 * enables the controllers of v2_want below non-leaf levels. */
	int (*init_level)(struct moat_cgroup *cg, struct cg_hier *h, int parentfd, int fd,
			  bool made, bool leaf, unsigned v2_want, struct moat_err *err);
	int (*freeze)(struct moat_cgroup *cg, bool frozen, struct moat_err *err);
	int (*is_frozen)(struct moat_cgroup *cg, bool *ret, struct moat_err *err);
	int (*kill)(struct moat_cgroup *cg, int sig, struct moat_err *err);
	int (*stats)(struct moat_cgroup *cg, struct moat_arena *a, struct moat_cgroup_stats *ret,
		     struct moat_err *err);
};

extern const struct cg_ops cg_v1_ops, cg_v2_ops;

/* ---- cgroup.c: handle helpers shared by the backends ---- */
struct cg_hier *cg_hier_for(struct moat_cgroup *cg, enum cg_ctrl c); /* v1 hierarchy with c */
struct cg_hier *cg_hier_v2(struct moat_cgroup *cg);
int cg_hier_open(struct cg_hier *h, struct moat_err *err); /* opens h->fd if needed */
/* Freeze helpers of each kind (v1.c, v2.c), used across backends on hybrid. */
int cg_v1_freezer_set(struct cg_hier *h, bool frozen, struct moat_err *err);
int cg_v1_freezer_get(struct cg_hier *h, bool *ret, struct moat_err *err);
int cg_v2_freeze_set(struct cg_hier *h, bool frozen, struct moat_err *err);
int cg_v2_freeze_get(struct cg_hier *h, bool *ret, struct moat_err *err);
/* Enable in fd's cgroup.subtree_control the controllers of want (~0u: every
 * one offered, also those moat does not know) that are not enabled yet. */
int cg_v2_enable(int fd, unsigned want, struct moat_err *err);
/* kill on a cgroup2 directory: cgroup.kill for SIGKILL, else cg_kill_frozen. */
int cg_v2_kill(struct moat_cgroup *cg, struct cg_hier *h, int sig, struct moat_err *err);
/* stats.c */
int cg_v1_stats(struct moat_cgroup *cg, struct moat_arena *a, struct moat_cgroup_stats *ret,
		struct moat_err *err);
int cg_v2_stats(struct moat_cgroup *cg, struct moat_arena *a, struct moat_cgroup_stats *ret,
		struct moat_err *err);
/* Send sig to every pid of h's subtree once; *ret_n counts them. */
int cg_signal_all(struct cg_hier *h, int sig, size_t *ret_n, struct moat_err *err);
/* Generic kill --all: freeze with freeze/get, signal, restore. */
int cg_kill_frozen(struct moat_cgroup *cg, struct cg_hier *procs, int sig, struct moat_err *err);
/* The hierarchy whose cgroup.procs lists every process (pids, freezer, ...). */
struct cg_hier *cg_hier_procs(struct moat_cgroup *cg);

/* ---- file.c: cgroup file I/O, each returns 0 / length or -errno ---- */
/* One write(2) of value (cgroup files take one value per write). */
int cg_write(int dirfd, const char *file, const char *value);
/* Read a small file into buf (NUL-terminated, trailing newline kept). */
ssize_t cg_read(int dirfd, const char *file, char *buf, size_t size);
/* Read a whole file into malloc'd memory (*ret NUL-terminated). */
int cg_read_all(int dirfd, const char *file, char **ret, size_t *ret_len);
/* One unsigned number; "max" reads as UINT64_MAX. */
int cg_read_u64(int dirfd, const char *file, uint64_t *ret);
/* The value of "key value" line key in a flat keyed file (memory.stat,
 * cpu.stat, cgroup.events); -ENODATA when the key is missing. */
int cg_read_key(int dirfd, const char *file, const char *key, uint64_t *ret);
bool cg_file_exists(int dirfd, const char *file);
/* Sleep ms milliseconds (poll loops). */
void cg_sleep_ms(unsigned ms);

/* ---- detect.c: layout and the caller's own cgroups (pure parsers) ---- */
struct cg_self_entry {
	unsigned id;
	char *controllers; /* "" for the cgroup2 line */
	char *path;
};
/* Parse /proc/self/cgroup text ("3:cpu,cpuacct:/a"). Returns the number of
 * entries (at most max) or -EINVAL for a malformed line. */
int cg_parse_self_cgroup(const char *text, struct moat_arena *a, struct cg_self_entry *ret,
			 size_t max);
/* In /proc/self/mountinfo text, find the mount of the v1 hierarchy with
 * these controllers (comma list, exact set) or of cgroup2 (controllers
 * NULL). *ret_mount / *ret_root: mount point and the hierarchy path mounted
 * there. Returns 0 or -ENOENT. */
int cg_find_mount(const char *mountinfo, const char *controllers, struct moat_arena *a,
		  char **ret_mount, char **ret_root);

/* ---- path.c: where linux.cgroupsPath lands (pure) ---- */
/*
 * The container's path inside one hierarchy ("/a/b"): cgroups_path (NULL or
 * "" = relative id), own is the caller's cgroup in that hierarchy, v2 says
 * whether it is a cgroup2 hierarchy (relative paths go under own's parent).
 * Refuses "..", control characters, and the root itself.
 */
int cg_resolve_path(const char *cgroups_path, const char *id, const char *own, bool v2, char *out,
		    size_t size, struct moat_err *err);

/* ---- plan.c: resources as a list of file writes ---- */
#define CG_W_OPTIONAL 1u    /* skip when neither file nor alt_file exists */
#define CG_W_PAIR_NEXT 2u   /* EINVAL: write the next entry first, then retry this */
#define CG_W_KEEP_QUOTA 4u  /* v2 cpu.max with only a period: keep the quota in place */
#define CG_W_CHECK_USAGE 8u /* refuse a memory.max below memory.current */

struct cg_write {
	const char *field; /* "memory.limit" (for "linux.resources.memory.limit: ...") */
	enum cg_ctrl ctrl; /* hierarchy (v1) or controller to have enabled (v2) */
	bool v2;	   /* the file is in the cgroup2 directory */
	const char *file;
	const char *value;
	const char *alt_file; /* written instead (with alt_value) when file does not exist */
	const char *alt_value;
	unsigned flags;
};

struct cg_plan {
	struct moat_arena *a;
	struct cg_write *w;
	size_t n, cap;
	unsigned v2_needed; /* controllers the v2 writes need enabled */
};

/* Which hierarchy kind each controller is used through. */
struct cg_target {
	enum moat_cgroup_layout layout;
	unsigned v1_mask; /* controllers with a mounted v1 hierarchy */
	unsigned v2_mask; /* controllers available in the cgroup2 hierarchy */
	bool update;	  /* moat_cgroup_update, not create */
};

/* v2 when the controller has no v1 hierarchy but the cgroup2 one has it
 * (hybrid), or on a v2 host. */
bool cg_target_v2(const struct cg_target *t, enum cg_ctrl c);

struct cg_write *cg_plan_add(struct cg_plan *p, const char *field, enum cg_ctrl c, bool v2,
			     const char *file, const char *value);
char *cg_plan_fmt(struct cg_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* All of linux.resources except devices. */
int cg_plan_resources(const struct moat_resources *res, const struct cg_target *t,
		      struct cg_plan *p, struct moat_err *err);
/* One line per write, for tests: "v1 memory memory.limit_in_bytes=1048576\n". */
void cg_plan_format(const struct cg_plan *p, struct moat_buf *out);
/* Do the writes. The error names the field. */
int cg_plan_apply(struct moat_cgroup *cg, const struct cg_plan *p, struct moat_err *err);

/* Per controller (memory.c, cpu.c, ...). */
int cg_plan_memory(const struct moat_mem_resources *m, const struct cg_target *t, struct cg_plan *p,
		   struct moat_err *err);
int cg_plan_cpu(const struct moat_cpu_resources *c, const struct cg_target *t, struct cg_plan *p,
		struct moat_err *err);
int cg_plan_pids(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		 struct moat_err *err);
int cg_plan_blkio(const struct moat_blkio_resources *b, const struct cg_target *t,
		  struct cg_plan *p, struct moat_err *err);
int cg_plan_hugetlb(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		    struct moat_err *err);
int cg_plan_net(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		struct moat_err *err);
int cg_plan_rdma(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		 struct moat_err *err);
int cg_plan_unified(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		    struct moat_err *err);

/* v1 -> v2 conversions, as runc and crun do them. */
uint64_t cg_shares_to_weight(uint64_t shares);	 /* cpu.shares -> cpu.weight */
uint64_t cg_blkio_to_io_weight(uint64_t weight); /* blkio.weight -> io.weight */
/* memory.swap.max from the v1 memory+swap value; *ret -1 = "max", and
 * *ret_set false when nothing is to be written. */
int cg_swap_to_v2(bool has_swap, int64_t swap, bool has_limit, int64_t limit, int64_t *ret,
		  bool *ret_set, struct moat_err *err);

/* ---- devices.c: the effective rule list ---- */
struct cg_dev_rules {
	struct moat_dev_rule *r;
	size_t n;
};
/*
 * deny-all, then resources.devices in order, then the devices every
 * container gets (runc's list: mknod of any c/b, /dev/null, zero, full,
 * random, urandom, tty, ptmx, pts), then linux.devices (allow rwm).
 */
void cg_dev_rules_build(const struct moat_resources *res, const struct moat_device *devs,
			size_t n_devs, struct moat_arena *a, struct cg_dev_rules *ret);
/* v1 form of one rule: devices.allow or devices.deny, "c 1:3 rwm". */
const char *cg_dev_rule_v1(const struct moat_dev_rule *r, char *buf, size_t size);

/* ---- bpf.c: the cgroup2 device filter ---- */
struct bpf_insn;
/* Compile rules into a BPF_PROG_TYPE_CGROUP_DEVICE program. The last rule
 * matching a request decides (allow: the request's access is within the
 * rule's; deny: they overlap); no match denies. Returns the instruction
 * count, written to insns (malloc'd). */
int cg_bpf_compile(const struct cg_dev_rules *rules, struct bpf_insn **ret);
/* Run a compiled program on one request (tests): type 'c'/'b', access
 * MOAT_DEV_* bits. Returns the program's result (1 allow, 0 deny) or -1 for
 * an instruction the evaluator does not know. */
int cg_bpf_eval(const struct bpf_insn *insns, size_t n, char type, uint32_t major, uint32_t minor,
		unsigned access);
/* Load and attach to the cgroup2 directory fd (BPF_F_ALLOW_MULTI), then
 * detach any program moat attached there before. */
int cg_bpf_attach(int dirfd, const struct cg_dev_rules *rules, struct moat_err *err);

/* ---- create with an explicit layout (tests use a fake tree) ---- */
int cg_create_layout(const struct moat_cgroup_config *cfg, enum moat_cgroup_layout layout,
		     struct moat_cgroup **ret, struct moat_err *err);
