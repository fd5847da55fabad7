/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources -> struct moat_resources.  Types and ranges are checked
 * here so the cgroup code only converts and writes; whether the host can
 * apply a value is the cgroup code's question.  Unknown fields are ignored,
 * null counts as absent (some clients write null for unset pointers).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/internal.h"

#define PATH_MAX_LEN 256

/* A JSON path for error messages; a truncated one still reads fine. */
__attribute__((format(printf, 3, 4))) static void subpath(char *buf, size_t size, const char *fmt,
							  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* Looks up key in obj; NULL when absent or null. */
static struct json_object *field(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

static int get_int64(struct json_object *obj, const char *key, const char *path, bool *has,
		     int64_t *val, struct moat_err *err)
{
	struct json_object *v = field(obj, key);

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return moat_err_setx(err, EINVAL, "%s.%s: expected an integer", path, key);
	int64_t x = json_object_get_int64(v);
	/* json-c keeps integers above INT64_MAX as uint64 and saturates here */
	if (x == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX)
		return moat_err_setx(err, ERANGE, "%s.%s: out of range", path, key);
	if (has)
		*has = true;
	*val = x;
	return 0;
}

static int get_uint64(struct json_object *obj, const char *key, const char *path, bool *has,
		      uint64_t *val, struct moat_err *err)
{
	struct json_object *v = field(obj, key);

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return moat_err_setx(err, EINVAL, "%s.%s: expected an integer", path, key);
	if (json_object_get_int64(v) < 0)
		return moat_err_setx(err, ERANGE, "%s.%s: expected a non-negative integer", path,
				     key);
	if (has)
		*has = true;
	*val = json_object_get_uint64(v);
	return 0;
}

/* An unsigned value of at most max (uint16/uint32 fields). */
static int get_uint_max(struct json_object *obj, const char *key, const char *path, bool *has,
			uint64_t *val, uint64_t max, struct moat_err *err)
{
	bool h = false;
	uint64_t x = 0;
	int r = get_uint64(obj, key, path, &h, &x, err);

	if (r < 0 || !h)
		return r;
	if (x > max)
		return moat_err_setx(err, ERANGE,
				     "%s.%s: %" PRIu64 " is out of range (max %" PRIu64 ")", path,
				     key, x, max);
	if (has)
		*has = true;
	*val = x;
	return 0;
}

static int get_bool(struct json_object *obj, const char *key, const char *path, bool *has,
		    bool *val, struct moat_err *err)
{
	struct json_object *v = field(obj, key);

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return moat_err_setx(err, EINVAL, "%s.%s: expected a boolean", path, key);
	if (has)
		*has = true;
	*val = json_object_get_boolean(v);
	return 0;
}

static int get_string(struct json_object *obj, const char *key, const char *path,
		      struct moat_arena *a, char **val, struct moat_err *err)
{
	struct json_object *v = field(obj, key);

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return moat_err_setx(err, EINVAL, "%s.%s: expected a string", path, key);
	*val = moat_arena_strdup(a, json_object_get_string(v));
	return 0;
}

/* A sub-object, NULL when absent; error when present but not an object. */
static int get_object(struct json_object *obj, const char *key, const char *path,
		      struct json_object **ret, struct moat_err *err)
{
	struct json_object *v = field(obj, key);

	*ret = NULL;
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return moat_err_setx(err, EINVAL, "%s.%s: expected an object", path, key);
	*ret = v;
	return 0;
}

static int get_array(struct json_object *obj, const char *key, const char *path,
		     struct json_object **ret, size_t *n, struct moat_err *err)
{
	struct json_object *v = field(obj, key);

	*ret = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return moat_err_setx(err, EINVAL, "%s.%s: expected an array", path, key);
	*ret = v;
	*n = json_object_array_length(v);
	return 0;
}

/* int64 that must be >= -1 (memory limits: -1 means unlimited). */
static int get_limit(struct json_object *obj, const char *key, const char *path, bool *has,
		     int64_t *val, struct moat_err *err)
{
	int r = get_int64(obj, key, path, has, val, err);

	if (r == 0 && *has && *val < -1)
		return moat_err_setx(err, ERANGE, "%s.%s: expected -1 or a non-negative integer",
				     path, key);
	return r;
}

/* major/minor: -1 or absent = any (the spec leaves them unset; some tools write -1). */
static int get_devnum(struct json_object *obj, const char *key, const char *path, bool required,
		      int64_t *val, struct moat_err *err)
{
	bool has = false;
	int r = get_int64(obj, key, path, &has, val, err);

	if (r < 0)
		return r;
	if (!has) {
		if (required)
			return moat_err_setx(err, EINVAL, "%s.%s: required", path, key);
		*val = -1;
		return 0;
	}
	if (*val < (required ? 0 : -1) || *val > UINT32_MAX)
		return moat_err_setx(err, ERANGE, "%s.%s: %" PRId64 " is not a device number", path,
				     key, *val);
	return 0;
}

static int parse_device_rule(struct json_object *o, const char *path, struct moat_dev_rule *d,
			     struct moat_err *err)
{
	bool has_allow = false;
	struct json_object *v;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return moat_err_setx(err, EINVAL, "%s: expected an object", path);
	if ((r = get_bool(o, "allow", path, &has_allow, &d->allow, err)) < 0)
		return r;
	if (!has_allow)
		return moat_err_setx(err, EINVAL, "%s.allow: required", path);

	d->type = 'a';
	if ((v = field(o, "type"))) {
		const char *t = json_object_get_string(v);
		if (!json_object_is_type(v, json_type_string) || strlen(t) != 1 ||
		    !strchr("acb", t[0]))
			return moat_err_setx(err, EINVAL, "%s.type: expected \"a\", \"c\" or \"b\"",
					     path);
		d->type = t[0];
	}
	if ((r = get_devnum(o, "major", path, false, &d->major, err)) < 0 ||
	    (r = get_devnum(o, "minor", path, false, &d->minor, err)) < 0)
		return r;

	d->access = 0;
	if ((v = field(o, "access"))) {
		if (!json_object_is_type(v, json_type_string))
			return moat_err_setx(err, EINVAL, "%s.access: expected a string", path);
		for (const char *p = json_object_get_string(v); *p; p++) {
			unsigned bit = *p == 'r'   ? MOAT_DEV_READ
				       : *p == 'w' ? MOAT_DEV_WRITE
				       : *p == 'm' ? MOAT_DEV_MKNOD
						   : 0;
			if (!bit)
				return moat_err_setx(
				    err, EINVAL, "%s.access: '%c' is not one of r, w, m", path, *p);
			d->access |= bit;
		}
	}
	/* An empty or absent access means the whole "rwm" (as runc and crun read it). */
	if (!d->access)
		d->access = MOAT_DEV_ALL;
	return 0;
}

static int parse_devices(struct json_object *res, const char *path, struct moat_arena *a,
			 struct moat_resources *out, struct moat_err *err)
{
	struct json_object *arr;
	char p[PATH_MAX_LEN];
	size_t n;
	int r;

	if ((r = get_array(res, "devices", path, &arr, &n, err)) < 0 || !arr)
		return r;
	out->has_devices = true;
	out->n_devices = n;
	out->devices = moat_arena_alloc(a, n * sizeof(*out->devices) + 1);
	for (size_t i = 0; i < n; i++) {
		subpath(p, sizeof(p), "%s.devices[%zu]", path, i);
		r = parse_device_rule(json_object_array_get_idx(arr, i), p, &out->devices[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_memory(struct json_object *res, const char *path, struct moat_arena *a,
			struct moat_resources *out, struct moat_err *err)
{
	struct json_object *o;
	char p[PATH_MAX_LEN];
	int r;

	if ((r = get_object(res, "memory", path, &o, err)) < 0 || !o)
		return r;
	subpath(p, sizeof(p), "%s.memory", path);
	struct moat_mem_resources *m = moat_arena_alloc(a, sizeof(*m));
	if ((r = get_limit(o, "limit", p, &m->has_limit, &m->limit, err)) < 0 ||
	    (r = get_limit(o, "reservation", p, &m->has_reservation, &m->reservation, err)) < 0 ||
	    (r = get_limit(o, "swap", p, &m->has_swap, &m->swap, err)) < 0 ||
	    (r = get_limit(o, "kernel", p, &m->has_kernel, &m->kernel, err)) < 0 ||
	    (r = get_limit(o, "kernelTCP", p, &m->has_kernel_tcp, &m->kernel_tcp, err)) < 0 ||
	    (r = get_uint_max(o, "swappiness", p, &m->has_swappiness, &m->swappiness, 100, err)) <
		0 ||
	    (r = get_bool(o, "disableOOMKiller", p, &m->has_disable_oom_killer,
			  &m->disable_oom_killer, err)) < 0 ||
	    (r = get_bool(o, "useHierarchy", p, &m->has_use_hierarchy, &m->use_hierarchy, err)) <
		0 ||
	    (r = get_bool(o, "checkBeforeUpdate", p, &m->has_check_before_update,
			  &m->check_before_update, err)) < 0)
		return r;
	out->memory = m;
	return 0;
}

/* cpus/mems: a list like "0-3,7"; the kernel checks the numbers. */
static int check_cpu_list(const char *s, const char *path, const char *key, struct moat_err *err)
{
	if (s && s[strspn(s, "0123456789,- ")] != '\0')
		return moat_err_setx(err, EINVAL, "%s.%s: \"%s\" is not a list like \"0-3,7\"",
				     path, key, s);
	return 0;
}

static int parse_cpu(struct json_object *res, const char *path, struct moat_arena *a,
		     struct moat_resources *out, struct moat_err *err)
{
	struct json_object *o;
	char p[PATH_MAX_LEN];
	int r;

	if ((r = get_object(res, "cpu", path, &o, err)) < 0 || !o)
		return r;
	subpath(p, sizeof(p), "%s.cpu", path);
	struct moat_cpu_resources *c = moat_arena_alloc(a, sizeof(*c));
	if ((r = get_uint64(o, "shares", p, &c->has_shares, &c->shares, err)) < 0 ||
	    (r = get_limit(o, "quota", p, &c->has_quota, &c->quota, err)) < 0 ||
	    (r = get_uint64(o, "burst", p, &c->has_burst, &c->burst, err)) < 0 ||
	    (r = get_uint64(o, "period", p, &c->has_period, &c->period, err)) < 0 ||
	    (r = get_int64(o, "realtimeRuntime", p, &c->has_realtime_runtime, &c->realtime_runtime,
			   err)) < 0 ||
	    (r = get_uint64(o, "realtimePeriod", p, &c->has_realtime_period, &c->realtime_period,
			    err)) < 0 ||
	    (r = get_string(o, "cpus", p, a, &c->cpus, err)) < 0 ||
	    (r = get_string(o, "mems", p, a, &c->mems, err)) < 0 ||
	    (r = get_int64(o, "idle", p, &c->has_idle, &c->idle, err)) < 0)
		return r;
	if ((r = check_cpu_list(c->cpus, p, "cpus", err)) < 0 ||
	    (r = check_cpu_list(c->mems, p, "mems", err)) < 0)
		return r;
	/* "" means unset in every runtime that reads these (Go's zero value) */
	if (c->cpus && !*c->cpus)
		c->cpus = NULL;
	if (c->mems && !*c->mems)
		c->mems = NULL;
	if (c->has_quota && c->quota > 0 && c->has_burst && c->burst > (uint64_t)c->quota)
		return moat_err_setx(err, EINVAL,
				     "%s.burst: %" PRIu64 " is larger than quota %" PRId64, p,
				     c->burst, c->quota);
	out->cpu = c;
	return 0;
}

static int parse_weight_devices(struct json_object *o, const char *path, struct moat_arena *a,
				struct moat_blkio_resources *b, struct moat_err *err)
{
	struct json_object *arr;
	char p[PATH_MAX_LEN];
	size_t n;
	int r;

	if ((r = get_array(o, "weightDevice", path, &arr, &n, err)) < 0 || !arr)
		return r;
	b->weight_devices = moat_arena_alloc(a, n * sizeof(*b->weight_devices) + 1);
	b->n_weight_devices = n;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		struct moat_blkio_weight_device *w = &b->weight_devices[i];
		uint64_t weight = 0, leaf = 0;

		subpath(p, sizeof(p), "%s.weightDevice[%zu]", path, i);
		if (!json_object_is_type(e, json_type_object))
			return moat_err_setx(err, EINVAL, "%s: expected an object", p);
		if ((r = get_devnum(e, "major", p, true, &w->major, err)) < 0 ||
		    (r = get_devnum(e, "minor", p, true, &w->minor, err)) < 0 ||
		    (r = get_uint_max(e, "weight", p, &w->has_weight, &weight, UINT16_MAX, err)) <
			0 ||
		    (r = get_uint_max(e, "leafWeight", p, &w->has_leaf_weight, &leaf, UINT16_MAX,
				      err)) < 0)
			return r;
		if (!w->has_weight && !w->has_leaf_weight)
			return moat_err_setx(err, EINVAL, "%s: needs weight or leafWeight", p);
		w->weight = (uint16_t)weight;
		w->leaf_weight = (uint16_t)leaf;
	}
	return 0;
}

static const char *const throttle_keys[MOAT_THROTTLE__COUNT] = {
    [MOAT_THROTTLE_READ_BPS] = "throttleReadBpsDevice",
    [MOAT_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
    [MOAT_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
    [MOAT_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static int parse_throttles(struct json_object *o, const char *path, struct moat_arena *a,
			   struct moat_blkio_resources *b, int kind, struct moat_err *err)
{
	const char *key = throttle_keys[kind];
	struct json_object *arr;
	char p[PATH_MAX_LEN];
	size_t n;
	int r;

	if ((r = get_array(o, key, path, &arr, &n, err)) < 0 || !arr)
		return r;
	b->throttle[kind] = moat_arena_alloc(a, n * sizeof(*b->throttle[kind]) + 1);
	b->n_throttle[kind] = n;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		struct moat_blkio_throttle *t = &b->throttle[kind][i];
		bool has_rate = false;

		subpath(p, sizeof(p), "%s.%s[%zu]", path, key, i);
		if (!json_object_is_type(e, json_type_object))
			return moat_err_setx(err, EINVAL, "%s: expected an object", p);
		if ((r = get_devnum(e, "major", p, true, &t->major, err)) < 0 ||
		    (r = get_devnum(e, "minor", p, true, &t->minor, err)) < 0 ||
		    (r = get_uint64(e, "rate", p, &has_rate, &t->rate, err)) < 0)
			return r;
		if (!has_rate)
			return moat_err_setx(err, EINVAL, "%s.rate: required", p);
	}
	return 0;
}

static int parse_blkio(struct json_object *res, const char *path, struct moat_arena *a,
		       struct moat_resources *out, struct moat_err *err)
{
	struct json_object *o;
	char p[PATH_MAX_LEN];
	uint64_t weight = 0, leaf = 0;
	int r;

	if ((r = get_object(res, "blockIO", path, &o, err)) < 0 || !o)
		return r;
	subpath(p, sizeof(p), "%s.blockIO", path);
	struct moat_blkio_resources *b = moat_arena_alloc(a, sizeof(*b));
	if ((r = get_uint_max(o, "weight", p, &b->has_weight, &weight, UINT16_MAX, err)) < 0 ||
	    (r = get_uint_max(o, "leafWeight", p, &b->has_leaf_weight, &leaf, UINT16_MAX, err)) <
		0 ||
	    (r = parse_weight_devices(o, p, a, b, err)) < 0)
		return r;
	b->weight = (uint16_t)weight;
	b->leaf_weight = (uint16_t)leaf;
	for (int k = 0; k < MOAT_THROTTLE__COUNT; k++)
		if ((r = parse_throttles(o, p, a, b, k, err)) < 0)
			return r;
	out->blkio = b;
	return 0;
}

/* "<digits><K|M|G|T|P>B", the <hugepagesize> of hugetlb.<hugepagesize>.* files. */
static bool page_size_valid(const char *s)
{
	size_t d = strspn(s, "0123456789");

	return d > 0 && s[0] != '0' && s[d] && strchr("KMGTP", s[d]) && s[d + 1] == 'B' &&
	       s[d + 2] == '\0';
}

static int parse_hugepages(struct json_object *res, const char *path, struct moat_arena *a,
			   struct moat_resources *out, struct moat_err *err)
{
	struct json_object *arr;
	char p[PATH_MAX_LEN];
	size_t n;
	int r;

	if ((r = get_array(res, "hugepageLimits", path, &arr, &n, err)) < 0 || !arr)
		return r;
	out->hugepages = moat_arena_alloc(a, n * sizeof(*out->hugepages) + 1);
	out->n_hugepages = n;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		struct moat_hugepage_limit *h = &out->hugepages[i];
		bool has_limit = false;

		subpath(p, sizeof(p), "%s.hugepageLimits[%zu]", path, i);
		if (!json_object_is_type(e, json_type_object))
			return moat_err_setx(err, EINVAL, "%s: expected an object", p);
		if ((r = get_string(e, "pageSize", p, a, &h->page_size, err)) < 0 ||
		    (r = get_uint64(e, "limit", p, &has_limit, &h->limit, err)) < 0)
			return r;
		if (!h->page_size)
			return moat_err_setx(err, EINVAL, "%s.pageSize: required", p);
		if (!page_size_valid(h->page_size))
			return moat_err_setx(err, EINVAL,
					     "%s.pageSize: \"%s\" is not a size like \"2MB\"", p,
					     h->page_size);
		if (!has_limit)
			return moat_err_setx(err, EINVAL, "%s.limit: required", p);
	}
	return 0;
}

static int parse_network(struct json_object *res, const char *path, struct moat_arena *a,
			 struct moat_resources *out, struct moat_err *err)
{
	struct json_object *o, *arr;
	char p[PATH_MAX_LEN], pp[2 * PATH_MAX_LEN];
	uint64_t v = 0;
	size_t n;
	int r;

	if ((r = get_object(res, "network", path, &o, err)) < 0 || !o)
		return r;
	subpath(p, sizeof(p), "%s.network", path);
	if ((r = get_uint_max(o, "classID", p, &out->has_net_class_id, &v, UINT32_MAX, err)) < 0)
		return r;
	out->net_class_id = (uint32_t)v;
	if ((r = get_array(o, "priorities", p, &arr, &n, err)) < 0 || !arr)
		return r;
	out->net_priorities = moat_arena_alloc(a, n * sizeof(*out->net_priorities) + 1);
	out->n_net_priorities = n;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		struct moat_net_priority *np = &out->net_priorities[i];
		bool has_prio = false;

		subpath(pp, sizeof(pp), "%s.priorities[%zu]", p, i);
		if (!json_object_is_type(e, json_type_object))
			return moat_err_setx(err, EINVAL, "%s: expected an object", pp);
		if ((r = get_string(e, "name", pp, a, &np->name, err)) < 0 ||
		    (r = get_uint_max(e, "priority", pp, &has_prio, &v, UINT32_MAX, err)) < 0)
			return r;
		/* the name lands in "net_prio.ifpriomap" as "<name> <prio>" */
		if (!np->name || !*np->name || strpbrk(np->name, " \t\n/"))
			return moat_err_setx(err, EINVAL, "%s.name: expected an interface name",
					     pp);
		if (!has_prio)
			return moat_err_setx(err, EINVAL, "%s.priority: required", pp);
		np->priority = (uint32_t)v;
	}
	return 0;
}

static int parse_rdma(struct json_object *res, const char *path, struct moat_arena *a,
		      struct moat_resources *out, struct moat_err *err)
{
	struct json_object *o;
	char p[PATH_MAX_LEN];
	size_t i = 0;
	int r;

	if ((r = get_object(res, "rdma", path, &o, err)) < 0 || !o)
		return r;
	out->n_rdma = (size_t)json_object_object_length(o);
	out->rdma = moat_arena_alloc(a, out->n_rdma * sizeof(*out->rdma) + 1);
	json_object_object_foreach(o, key, val)
	{
		struct moat_rdma_limit *l = &out->rdma[i++];
		uint64_t h = 0, ob = 0;

		subpath(p, sizeof(p), "%s.rdma.%s", path, key);
		if (!*key || strpbrk(key, " \t\n="))
			return moat_err_setx(err, EINVAL, "%s: not a device name", p);
		if (!json_object_is_type(val, json_type_object))
			return moat_err_setx(err, EINVAL, "%s: expected an object", p);
		if ((r = get_uint_max(val, "hcaHandles", p, &l->has_hca_handles, &h, UINT32_MAX,
				      err)) < 0 ||
		    (r = get_uint_max(val, "hcaObjects", p, &l->has_hca_objects, &ob, UINT32_MAX,
				      err)) < 0)
			return r;
		if (!l->has_hca_handles && !l->has_hca_objects)
			return moat_err_setx(err, EINVAL, "%s: needs hcaHandles or hcaObjects", p);
		l->device = moat_arena_strdup(a, key);
		l->hca_handles = (uint32_t)h;
		l->hca_objects = (uint32_t)ob;
	}
	return 0;
}

static int parse_unified(struct json_object *res, const char *path, struct moat_arena *a,
			 struct moat_resources *out, struct moat_err *err)
{
	struct json_object *o;
	size_t i = 0;
	int r;

	if ((r = get_object(res, "unified", path, &o, err)) < 0 || !o)
		return r;
	size_t n = (size_t)json_object_object_length(o);
	out->unified_keys = moat_arena_alloc(a, (n + 1) * sizeof(char *));
	out->unified_values = moat_arena_alloc(a, (n + 1) * sizeof(char *));
	json_object_object_foreach(o, key, val)
	{
		/* keys are file names in the container's cgroup: never a path */
		if (!*key || strchr(key, '/') || strcmp(key, ".") == 0 || strcmp(key, "..") == 0)
			return moat_err_setx(
			    err, EINVAL, "%s.unified: \"%s\" is not a cgroup file name", path, key);
		if (!json_object_is_type(val, json_type_string))
			return moat_err_setx(err, EINVAL, "%s.unified.%s: expected a string", path,
					     key);
		out->unified_keys[i] = moat_arena_strdup(a, key);
		out->unified_values[i] = moat_arena_strdup(a, json_object_get_string(val));
		i++;
	}
	out->n_unified = i;
	return 0;
}

static int parse_pids(struct json_object *res, const char *path, struct moat_resources *out,
		      struct moat_err *err)
{
	struct json_object *o;
	char p[PATH_MAX_LEN];
	int r;

	if ((r = get_object(res, "pids", path, &o, err)) < 0 || !o)
		return r;
	subpath(p, sizeof(p), "%s.pids", path);
	return get_limit(o, "limit", p, &out->has_pids_limit, &out->pids_limit, err);
}

static int parse_resources_at(struct json_object *obj, const char *path, struct moat_arena *a,
			      struct moat_resources **ret, struct moat_err *err)
{
	int r;

	if (!json_object_is_type(obj, json_type_object))
		return moat_err_setx(err, EINVAL, "%s: expected an object", path);
	struct moat_resources *res = moat_arena_alloc(a, sizeof(*res));
	if ((r = parse_devices(obj, path, a, res, err)) < 0 ||
	    (r = parse_memory(obj, path, a, res, err)) < 0 ||
	    (r = parse_cpu(obj, path, a, res, err)) < 0 ||
	    (r = parse_pids(obj, path, res, err)) < 0 ||
	    (r = parse_blkio(obj, path, a, res, err)) < 0 ||
	    (r = parse_hugepages(obj, path, a, res, err)) < 0 ||
	    (r = parse_network(obj, path, a, res, err)) < 0 ||
	    (r = parse_rdma(obj, path, a, res, err)) < 0 ||
	    (r = parse_unified(obj, path, a, res, err)) < 0)
		return r;
	*ret = res;
	return 0;
}

int spec_parse_resources(struct json_object *obj, struct moat_arena *a, struct moat_resources **ret,
			 struct moat_err *err)
{
	return parse_resources_at(obj, "linux.resources", a, ret, err);
}

int moat_resources_parse_json(const char *json, size_t len, struct moat_arena *a,
			      struct moat_resources **ret, struct moat_err *err)
{
	if (len > INT32_MAX)
		return moat_err_setx(err, EFBIG, "resources: too large");
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return moat_err_setx(err, ENOMEM, "resources: out of memory");
	struct json_object *obj = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	int r;

	while (end < len && strchr(" \t\r\n", json[end]) && json[end])
		end++;
	if (!obj || jerr != json_tokener_success)
		r = moat_err_setx(err, EINVAL, "resources: invalid JSON: %s",
				  jerr == json_tokener_success || jerr == json_tokener_continue
				      ? "unexpected end of input"
				      : json_tokener_error_desc(jerr));
	else if (end < len && json[end])
		r = moat_err_setx(err, EINVAL, "resources: trailing data after the JSON object");
	else
		r = parse_resources_at(obj, "linux.resources", a, ret, err);
	json_object_put(obj);
	json_tokener_free(tok);
	return r;
}

/* runc's RAMInBytes: "1024", "64m", "1.5g" is not taken, "2GiB", "-1". */
static int parse_bytes(const char *s, int64_t *ret)
{
	char *end;

	if (strcmp(s, "-1") == 0) {
		*ret = -1;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	if (*end == ' ')
		end++;
	int shift = 0;
	const char *units = "kmgtp", *u = *end ? strchr(units, *end | 0x20) : NULL;
	if (u) {
		shift = 10 * (int)(u - units + 1);
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || (shift && v > (unsigned long long)INT64_MAX >> shift) || v > INT64_MAX)
		return -EINVAL;
	*ret = (int64_t)(v << shift);
	return 0;
}

static int parse_int(const char *s, bool allow_negative, int64_t *ret)
{
	char *end;

	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || (!allow_negative && v < 0))
		return -EINVAL;
	*ret = v;
	return 0;
}

int moat_resources_update_flag(struct moat_resources **r, struct moat_arena *a, const char *flag,
			       const char *value, struct moat_err *err)
{
	struct moat_resources *res = *r;
	int64_t v = 0;
	int e = 0;

	if (!res)
		res = *r = moat_arena_alloc(a, sizeof(*res));
	if (strncmp(flag, "memory", 6) == 0 || strncmp(flag, "kernel-memory", 13) == 0) {
		if (!res->memory)
			res->memory = moat_arena_alloc(a, sizeof(*res->memory));
		struct moat_mem_resources *m = res->memory;
		if ((e = parse_bytes(value, &v)) < 0)
			return moat_err_setx(err, EINVAL, "--%s: \"%s\" is not a size like 64m",
					     flag, value);
		if (strcmp(flag, "memory") == 0)
			m->has_limit = true, m->limit = v;
		else if (strcmp(flag, "memory-swap") == 0)
			m->has_swap = true, m->swap = v;
		else if (strcmp(flag, "memory-reservation") == 0)
			m->has_reservation = true, m->reservation = v;
		else if (strcmp(flag, "kernel-memory") == 0)
			m->has_kernel = true, m->kernel = v;
		else if (strcmp(flag, "kernel-memory-tcp") == 0)
			m->has_kernel_tcp = true, m->kernel_tcp = v;
		else
			return -ENOENT;
		return 0;
	}
	if (strncmp(flag, "cpu", 3) == 0) {
		if (!res->cpu)
			res->cpu = moat_arena_alloc(a, sizeof(*res->cpu));
		struct moat_cpu_resources *c = res->cpu;
		if (strcmp(flag, "cpuset-cpus") == 0 || strcmp(flag, "cpuset-mems") == 0) {
			if (value[strspn(value, "0123456789,- ")])
				return moat_err_setx(err, EINVAL,
						     "--%s: \"%s\" is not a list like 0-3,7", flag,
						     value);
			*(flag[7] == 'c' ? &c->cpus : &c->mems) = moat_arena_strdup(a, value);
			return 0;
		}
		bool neg = strcmp(flag, "cpu-quota") == 0 || strcmp(flag, "cpu-rt-runtime") == 0 ||
			   strcmp(flag, "cpu-idle") == 0;
		if (parse_int(value, neg, &v) < 0)
			return moat_err_setx(err, EINVAL, "--%s: \"%s\" is not %s integer", flag,
					     value, neg ? "an" : "a non-negative");
		if (strcmp(flag, "cpu-share") == 0)
			c->has_shares = true, c->shares = (uint64_t)v;
		else if (strcmp(flag, "cpu-period") == 0)
			c->has_period = true, c->period = (uint64_t)v;
		else if (strcmp(flag, "cpu-quota") == 0)
			c->has_quota = true, c->quota = v;
		else if (strcmp(flag, "cpu-burst") == 0)
			c->has_burst = true, c->burst = (uint64_t)v;
		else if (strcmp(flag, "cpu-rt-period") == 0)
			c->has_realtime_period = true, c->realtime_period = (uint64_t)v;
		else if (strcmp(flag, "cpu-rt-runtime") == 0)
			c->has_realtime_runtime = true, c->realtime_runtime = v;
		else if (strcmp(flag, "cpu-idle") == 0)
			c->has_idle = true, c->idle = v;
		else
			return -ENOENT;
		return 0;
	}
	if (strcmp(flag, "blkio-weight") == 0) {
		if (parse_int(value, false, &v) < 0 || v > UINT16_MAX)
			return moat_err_setx(err, EINVAL, "--%s: \"%s\" is not a weight", flag,
					     value);
		if (!res->blkio)
			res->blkio = moat_arena_alloc(a, sizeof(*res->blkio));
		res->blkio->has_weight = true;
		res->blkio->weight = (uint16_t)v;
		return 0;
	}
	if (strcmp(flag, "pids-limit") == 0) {
		if (parse_int(value, true, &v) < 0 || v < -1)
			return moat_err_setx(err, EINVAL, "--%s: \"%s\" is not -1 or a count", flag,
					     value);
		/* runc reads 0 as "no change"; -1 and any other value set it */
		if (v != 0) {
			res->has_pids_limit = true;
			res->pids_limit = v;
		}
		return 0;
	}
	return -ENOENT;
}
