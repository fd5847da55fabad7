/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The numbers `events --stats` prints, read the way runc reads them so the
 * JSON means the same: v2 values are converted to v1's units and meanings
 * (ns instead of us, swap as memory+swap).  A controller that is missing
 * leaves its part zero with has_* false; stats never fail for that.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"

static uint64_t u64_or0(int fd, const char *file)
{
	uint64_t v = 0;

	if (cg_read_u64(fd, file, &v) < 0)
		return 0;
	return v;
}

static uint64_t key_or0(int fd, const char *file, const char *key)
{
	uint64_t v = 0;

	if (cg_read_key(fd, file, key, &v) < 0)
		return 0;
	return v;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n + 1;
}

/* "key value" lines into kv pairs. */
static void read_kv(int fd, const char *file, struct moat_arena *a, struct moat_cgroup_kv **ret,
		    size_t *ret_n)
{
	char *text;

	*ret = NULL;
	*ret_n = 0;
	if (cg_read_all(fd, file, &text, NULL) < 0)
		return;
	struct moat_cgroup_kv *kv = moat_arena_alloc(a, count_lines(text) * sizeof(*kv));
	size_t n = 0;
	for (char *p = text; *p;) {
		char *nl = strchrnul(p, '\n'), *sp = memchr(p, ' ', (size_t)(nl - p));
		if (sp) {
			kv[n].key = moat_arena_strndup(a, p, (size_t)(sp - p));
			kv[n].value = strtoull(sp + 1, NULL, 10);
			n++;
		}
		p = *nl ? nl + 1 : nl;
	}
	free(text);
	*ret = kv;
	*ret_n = n;
}

static uint64_t kv_get(const struct moat_cgroup_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return 0;
}

/* Space-separated numbers (cpuacct.usage_percpu*). */
static size_t read_list(int fd, const char *file, struct moat_arena *a, uint64_t **ret)
{
	char buf[4096];
	size_t n = 0;

	*ret = NULL;
	if (cg_read(fd, file, buf, sizeof(buf)) <= 0)
		return 0;
	uint64_t *v = moat_arena_alloc(a, (strlen(buf) / 2 + 1) * sizeof(*v));
	for (char *p = buf, *end;; p = end) {
		unsigned long long x = strtoull(p, &end, 10);
		if (end == p)
			break;
		v[n++] = x;
	}
	*ret = v;
	return n;
}

/* "<page size>" from "hugetlb.<page size>.<suffix>" directory entries. */
static void hugetlb_stats(int fd, bool v2, struct moat_arena *a, struct moat_cgroup_stats *ret)
{
	const char *suffix = v2 ? ".current" : ".usage_in_bytes";
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct moat_cgroup_hugetlb tmp[16];
	size_t n = 0;
	char file[128];

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	for (struct dirent *e; n < 16 && (e = readdir(d));) {
		size_t l = strlen(e->d_name), sl = strlen(suffix);
		if (strncmp(e->d_name, "hugetlb.", 8) != 0 || l <= 8 + sl ||
		    strcmp(e->d_name + l - sl, suffix) != 0 || strstr(e->d_name, ".rsvd."))
			continue;
		char *size = moat_arena_strndup(a, e->d_name + 8, l - 8 - sl);
		struct moat_cgroup_hugetlb *h = &tmp[n++];
		h->page_size = size;
		h->usage = u64_or0(fd, e->d_name);
		if (v2) {
			snprintf(file, sizeof(file), "hugetlb.%s.events", size);
			h->failcnt = key_or0(fd, file, "max");
		} else {
			snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", size);
			h->max_usage = u64_or0(fd, file);
			snprintf(file, sizeof(file), "hugetlb.%s.failcnt", size);
			h->failcnt = u64_or0(fd, file);
		}
	}
	closedir(d);
	if (n) {
		ret->hugetlb = moat_arena_alloc(a, n * sizeof(*ret->hugetlb));
		memcpy(ret->hugetlb, tmp, n * sizeof(*tmp));
		ret->n_hugetlb = n;
	}
}

/* v1 blkio "8:0 Read 4096" lines (the "Total" summary line is skipped). */
static size_t blkio_v1(int fd, const char *file, struct moat_arena *a,
		       struct moat_cgroup_blkio_entry **ret)
{
	char *text;
	size_t n = 0;

	*ret = NULL;
	if (cg_read_all(fd, file, &text, NULL) < 0)
		return 0;
	struct moat_cgroup_blkio_entry *e = moat_arena_alloc(a, count_lines(text) * sizeof(*e));
	for (char *p = text; *p;) {
		char *nl = strchrnul(p, '\n');
		unsigned maj, min;
		char op[16];
		unsigned long long v;
		char save = *nl;
		*nl = '\0';
		if (sscanf(p, "%u:%u %15s %llu", &maj, &min, op, &v) == 4) {
			e[n++] = (struct moat_cgroup_blkio_entry){
			    .major = maj, .minor = min, .op = moat_arena_strdup(a, op), .value = v};
		}
		*nl = save;
		p = *nl ? nl + 1 : nl;
	}
	free(text);
	*ret = e;
	return n;
}

static void mem_entry_v1(int fd, const char *prefix, struct moat_cgroup_mem_entry *e)
{
	char f[96];

	snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
	e->usage = u64_or0(fd, f);
	snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
	e->max_usage = u64_or0(fd, f);
	snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
	e->limit = u64_or0(fd, f);
	snprintf(f, sizeof(f), "%s.failcnt", prefix);
	e->failcnt = u64_or0(fd, f);
}

int cg_v1_stats(struct moat_cgroup *cg, struct moat_arena *a, struct moat_cgroup_stats *ret,
		struct moat_err *err)
{
	struct cg_hier *h;
	int found = 0;

	if ((h = cg_hier_for(cg, CG_CPUACCT)) && cg_hier_open(h, err) == 0) {
		found++;
		ret->has_cpu = true;
		ret->cpu_total = u64_or0(h->fd, "cpuacct.usage");
		ret->cpu_user = u64_or0(h->fd, "cpuacct.usage_user");
		ret->cpu_kernel = u64_or0(h->fd, "cpuacct.usage_sys");
		ret->n_percpu = read_list(h->fd, "cpuacct.usage_percpu", a, &ret->cpu_percpu);
		read_list(h->fd, "cpuacct.usage_percpu_user", a, &ret->cpu_percpu_user);
		read_list(h->fd, "cpuacct.usage_percpu_sys", a, &ret->cpu_percpu_kernel);
	}
	if ((h = cg_hier_for(cg, CG_CPU)) && cg_hier_open(h, err) == 0) {
		found++;
		ret->has_cpu = true;
		ret->throttle_periods = key_or0(h->fd, "cpu.stat", "nr_periods");
		ret->throttle_throttled_periods = key_or0(h->fd, "cpu.stat", "nr_throttled");
		ret->throttle_time = key_or0(h->fd, "cpu.stat", "throttled_time");
	}
	if ((h = cg_hier_for(cg, CG_MEMORY)) && cg_hier_open(h, err) == 0) {
		found++;
		ret->has_memory = true;
		mem_entry_v1(h->fd, "memory", &ret->mem_usage);
		mem_entry_v1(h->fd, "memory.memsw", &ret->mem_swap);
		mem_entry_v1(h->fd, "memory.kmem", &ret->mem_kernel);
		mem_entry_v1(h->fd, "memory.kmem.tcp", &ret->mem_kernel_tcp);
		ret->mem_use_hierarchy = u64_or0(h->fd, "memory.use_hierarchy") == 1;
		ret->mem_oom_kills = key_or0(h->fd, "memory.oom_control", "oom_kill");
		read_kv(h->fd, "memory.stat", a, &ret->mem_stat, &ret->n_mem_stat);
		ret->mem_cache = kv_get(ret->mem_stat, ret->n_mem_stat, "cache");
	}
	if ((h = cg_hier_for(cg, CG_PIDS)) && cg_hier_open(h, err) == 0) {
		found++;
		ret->has_pids = true;
		ret->pids_current = u64_or0(h->fd, "pids.current");
		ret->pids_limit = u64_or0(h->fd, "pids.max");
		if (ret->pids_limit == UINT64_MAX)
			ret->pids_limit = 0;
	}
	if ((h = cg_hier_for(cg, CG_IO)) && cg_hier_open(h, err) == 0) {
		/* the CFQ files are gone since 5.0; BFQ's, else the throttle
		 * layer's, which counts every I/O */
		static const char *const bytes[] = {"blkio.io_service_bytes_recursive",
						    "blkio.bfq.io_service_bytes_recursive",
						    "blkio.throttle.io_service_bytes_recursive"};
		static const char *const ops[] = {"blkio.io_serviced_recursive",
						  "blkio.bfq.io_serviced_recursive",
						  "blkio.throttle.io_serviced_recursive"};
		found++;
		ret->has_blkio = true;
		for (size_t i = 0; i < 3 && !ret->n_io_service_bytes; i++)
			ret->n_io_service_bytes =
			    blkio_v1(h->fd, bytes[i], a, &ret->io_service_bytes);
		for (size_t i = 0; i < 3 && !ret->n_io_serviced; i++)
			ret->n_io_serviced = blkio_v1(h->fd, ops[i], a, &ret->io_serviced);
	}
	if ((h = cg_hier_for(cg, CG_HUGETLB)) && cg_hier_open(h, err) == 0)
		hugetlb_stats(h->fd, false, a, ret);
	else if ((h = cg_hier_v2(cg)) && cg_hier_open(h, err) == 0)
		hugetlb_stats(h->fd, true, a, ret); /* hybrid: hugetlb on cgroup2 */
	if (!found)
		return moat_err_setx(err, ENOENT, "cgroup: no hierarchy with statistics");
	return 0;
}

/* io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6" */
static void io_stat_v2(int fd, struct moat_arena *a, struct moat_cgroup_stats *ret)
{
	static const struct {
		const char *key, *op;
		bool bytes;
	} map[] = {
	    {"rbytes", "Read", true}, {"wbytes", "Write", true}, {"dbytes", "Discard", true},
	    {"rios", "Read", false},  {"wios", "Write", false},	 {"dios", "Discard", false},
	};
	char *text;

	if (cg_read_all(fd, "io.stat", &text, NULL) < 0)
		return;
	size_t lines = count_lines(text);
	ret->io_service_bytes = moat_arena_alloc(a, lines * 3 * sizeof(*ret->io_service_bytes));
	ret->io_serviced = moat_arena_alloc(a, lines * 3 * sizeof(*ret->io_serviced));
	for (char *p = text; *p;) {
		char *nl = strchrnul(p, '\n');
		unsigned maj, min;
		int off = 0;
		char save = *nl;
		*nl = '\0';
		if (sscanf(p, "%u:%u %n", &maj, &min, &off) == 2 && off > 0) {
			for (char *save2 = NULL, *t = strtok_r(p + off, " ", &save2); t;
			     t = strtok_r(NULL, " ", &save2)) {
				char *eq = strchr(t, '=');
				if (!eq)
					continue;
				*eq = '\0';
				for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
					if (strcmp(t, map[i].key) != 0)
						continue;
					struct moat_cgroup_blkio_entry e = {
					    .major = maj,
					    .minor = min,
					    .op = map[i].op,
					    .value = strtoull(eq + 1, NULL, 10)};
					if (map[i].bytes)
						ret->io_service_bytes[ret->n_io_service_bytes++] =
						    e;
					else
						ret->io_serviced[ret->n_io_serviced++] = e;
				}
			}
		}
		*nl = save;
		p = *nl ? nl + 1 : nl;
	}
	free(text);
}

int cg_v2_stats(struct moat_cgroup *cg, struct moat_arena *a, struct moat_cgroup_stats *ret,
		struct moat_err *err)
{
	struct cg_hier *h = cg_hier_v2(cg);
	uint64_t v;
	int r;

	if (!h)
		return moat_err_setx(err, ENOENT, "cgroup: no cgroup2 hierarchy");
	if ((r = cg_hier_open(h, err)) < 0)
		return r;
	int fd = h->fd;

	/* cpu.stat is a core file: always there, in microseconds */
	if (cg_read_key(fd, "cpu.stat", "usage_usec", &v) == 0) {
		ret->has_cpu = true;
		ret->cpu_total = v * 1000;
		ret->cpu_user = key_or0(fd, "cpu.stat", "user_usec") * 1000;
		ret->cpu_kernel = key_or0(fd, "cpu.stat", "system_usec") * 1000;
		ret->throttle_periods = key_or0(fd, "cpu.stat", "nr_periods");
		ret->throttle_throttled_periods = key_or0(fd, "cpu.stat", "nr_throttled");
		ret->throttle_time = key_or0(fd, "cpu.stat", "throttled_usec") * 1000;
	}
	if (cg_read_u64(fd, "memory.current", &v) == 0) {
		ret->has_memory = true;
		ret->mem_use_hierarchy = true;
		ret->mem_usage.usage = v;
		ret->mem_usage.max_usage = u64_or0(fd, "memory.peak");
		ret->mem_usage.limit = u64_or0(fd, "memory.max");
		ret->mem_usage.failcnt = key_or0(fd, "memory.events", "max");
		ret->mem_oom_kills = key_or0(fd, "memory.events", "oom_kill");
		/* v1 reports swap as memory+swap; runc keeps that meaning */
		uint64_t swap = u64_or0(fd, "memory.swap.current"),
			 smax = u64_or0(fd, "memory.swap.max");
		ret->mem_swap.usage = v + swap;
		ret->mem_swap.max_usage = u64_or0(fd, "memory.swap.peak");
		ret->mem_swap.limit = smax == UINT64_MAX || ret->mem_usage.limit == UINT64_MAX
					  ? UINT64_MAX
					  : smax + ret->mem_usage.limit;
		ret->mem_swap.failcnt = key_or0(fd, "memory.swap.events", "max");
		read_kv(fd, "memory.stat", a, &ret->mem_stat, &ret->n_mem_stat);
		ret->mem_cache = kv_get(ret->mem_stat, ret->n_mem_stat, "file");
		ret->mem_kernel.usage = kv_get(ret->mem_stat, ret->n_mem_stat, "kernel");
	}
	if (cg_read_u64(fd, "pids.current", &v) == 0) {
		ret->has_pids = true;
		ret->pids_current = v;
		ret->pids_limit = u64_or0(fd, "pids.max");
		if (ret->pids_limit == UINT64_MAX)
			ret->pids_limit = 0;
	}
	if (cg_file_exists(fd, "io.stat")) {
		ret->has_blkio = true;
		io_stat_v2(fd, a, ret);
	}
	hugetlb_stats(fd, true, a, ret);
	return 0;
}
