/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stats as the "data" object of runc's `events --stats` (runc types.Stats),
 * with Go's encoding rules kept: fields tagged omitempty vanish when zero,
 * the others are always there, so a client that parses runc's output
 * parses ours.
 */
#include <inttypes.h>

#include "cgroup/internal.h"

/* ,"key":v  (omitted when zero and omit) */
static void num(struct moat_buf *b, bool *first, const char *key, uint64_t v, bool omit)
{
	if (omit && !v)
		return;
	moat_buf_printf(b, "%s\"%s\":%" PRIu64, *first ? "" : ",", key, v);
	*first = false;
}

static void list(struct moat_buf *b, bool *first, const char *key, const uint64_t *v, size_t n)
{
	if (!v || !n)
		return;
	moat_buf_printf(b, "%s\"%s\":[", *first ? "" : ",", key);
	for (size_t i = 0; i < n; i++)
		moat_buf_printf(b, "%s%" PRIu64, i ? "," : "", v[i]);
	moat_buf_puts(b, "]");
	*first = false;
}

static void mem_entry(struct moat_buf *b, bool *outer, const char *key,
		      const struct moat_cgroup_mem_entry *e)
{
	bool first = true;

	moat_buf_printf(b, "%s\"%s\":{", *outer ? "" : ",", key);
	*outer = false;
	num(b, &first, "limit", e->limit, false);
	num(b, &first, "usage", e->usage, true);
	num(b, &first, "max", e->max_usage, true);
	num(b, &first, "failcnt", e->failcnt, false);
	moat_buf_puts(b, "}");
}

static void blkio(struct moat_buf *b, bool *first, const char *key,
		  const struct moat_cgroup_blkio_entry *e, size_t n)
{
	if (!n)
		return;
	moat_buf_printf(b, "%s\"%s\":[", *first ? "" : ",", key);
	for (size_t i = 0; i < n; i++) {
		bool f = true;
		moat_buf_puts(b, i ? ",{" : "{");
		num(b, &f, "major", e[i].major, true);
		num(b, &f, "minor", e[i].minor, true);
		if (e[i].op && *e[i].op) {
			moat_buf_puts(b, f ? "\"op\":" : ",\"op\":");
			moat_json_str(b, e[i].op);
			f = false;
		}
		num(b, &f, "value", e[i].value, true);
		moat_buf_puts(b, "}");
	}
	moat_buf_puts(b, "]");
	*first = false;
}

void moat_cgroup_stats_json(const struct moat_cgroup_stats *s, struct moat_buf *b)
{
	bool first = true;

	moat_buf_puts(b, "{\"cpu\":{\"usage\":{");
	num(b, &first, "total", s->cpu_total, true);
	list(b, &first, "percpu", s->cpu_percpu, s->n_percpu);
	list(b, &first, "percpu_kernel", s->cpu_percpu_kernel, s->n_percpu);
	list(b, &first, "percpu_user", s->cpu_percpu_user, s->n_percpu);
	num(b, &first, "kernel", s->cpu_kernel, false);
	num(b, &first, "user", s->cpu_user, false);
	moat_buf_puts(b, "},\"throttling\":{");
	first = true;
	num(b, &first, "periods", s->throttle_periods, true);
	num(b, &first, "throttledPeriods", s->throttle_throttled_periods, true);
	num(b, &first, "throttledTime", s->throttle_time, true);
	moat_buf_puts(b, "}},\"cpuset\":{},\"memory\":{");

	first = true;
	num(b, &first, "cache", s->mem_cache, true);
	mem_entry(b, &first, "usage", &s->mem_usage);
	mem_entry(b, &first, "swap", &s->mem_swap);
	mem_entry(b, &first, "kernel", &s->mem_kernel);
	mem_entry(b, &first, "kernelTCP", &s->mem_kernel_tcp);
	if (s->n_mem_stat) {
		moat_buf_puts(b, ",\"raw\":{");
		for (size_t i = 0; i < s->n_mem_stat; i++) {
			if (i)
				moat_buf_puts(b, ",");
			moat_json_key(b, s->mem_stat[i].key);
			moat_buf_printf(b, "%" PRIu64, s->mem_stat[i].value);
		}
		moat_buf_puts(b, "}");
	}
	moat_buf_puts(b, "},\"pids\":{");
	first = true;
	num(b, &first, "current", s->pids_current, true);
	num(b, &first, "limit", s->pids_limit, true);
	moat_buf_puts(b, "},\"blkio\":{");
	first = true;
	blkio(b, &first, "ioServiceBytesRecursive", s->io_service_bytes, s->n_io_service_bytes);
	blkio(b, &first, "ioServicedRecursive", s->io_serviced, s->n_io_serviced);
	moat_buf_puts(b, "},\"hugetlb\":{");
	for (size_t i = 0; i < s->n_hugetlb; i++) {
		const struct moat_cgroup_hugetlb *h = &s->hugetlb[i];
		bool f = true;
		if (i)
			moat_buf_puts(b, ",");
		moat_json_key(b, h->page_size);
		moat_buf_puts(b, "{");
		num(b, &f, "usage", h->usage, true);
		num(b, &f, "max", h->max_usage, true);
		num(b, &f, "failcnt", h->failcnt, false);
		moat_buf_puts(b, "}");
	}
	moat_buf_puts(b, "},\"intel_rdt\":{},\"network_interfaces\":null}");
}
