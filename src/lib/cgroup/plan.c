/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources become a list of file writes (the plan), made by one
 * pure function per controller and done by cg_plan_apply().  Keeping the
 * conversion pure lets the tests check every v1 and v2 value without a
 * kernel, and makes create and update share one code path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"

bool cg_target_v2(const struct cg_target *t, enum cg_ctrl c)
{
	switch (t->layout) {
	case MOAT_CGROUP_V2:
		return true;
	case MOAT_CGROUP_HYBRID:
		/* a controller not bound to v1 but offered by the cgroup2
		 * mount (hugetlb on this kind of host) is used there */
		return !(t->v1_mask & CG_BIT(c)) && (t->v2_mask & CG_BIT(c));
	case MOAT_CGROUP_V1:
		break;
	}
	return false;
}

struct cg_write *cg_plan_add(struct cg_plan *p, const char *field, enum cg_ctrl c, bool v2,
			     const char *file, const char *value)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct cg_write *w = moat_arena_alloc(p->a, cap * sizeof(*w));
		if (p->n)
			memcpy(w, p->w, p->n * sizeof(*w));
		p->w = w;
		p->cap = cap;
	}
	struct cg_write *w = &p->w[p->n++];
	*w = (struct cg_write){.field = field, .ctrl = c, .v2 = v2, .file = file, .value = value};
	if (v2 && c != CG_CORE)
		p->v2_needed |= CG_BIT(c);
	return w;
}

char *cg_plan_fmt(struct cg_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	char *r = moat_arena_strdup(p->a, s);
	free(s);
	return r;
}

int cg_plan_resources(const struct moat_resources *res, const struct cg_target *t,
		      struct cg_plan *p, struct moat_err *err)
{
	int r;

	if (!res)
		return 0;
	if ((res->memory && (r = cg_plan_memory(res->memory, t, p, err)) < 0) ||
	    (res->cpu && (r = cg_plan_cpu(res->cpu, t, p, err)) < 0) ||
	    (r = cg_plan_pids(res, t, p, err)) < 0 ||
	    (res->blkio && (r = cg_plan_blkio(res->blkio, t, p, err)) < 0) ||
	    (r = cg_plan_hugetlb(res, t, p, err)) < 0 || (r = cg_plan_net(res, t, p, err)) < 0 ||
	    (r = cg_plan_rdma(res, t, p, err)) < 0 || (r = cg_plan_unified(res, t, p, err)) < 0)
		return r;
	return 0;
}

void cg_plan_format(const struct cg_plan *p, struct moat_buf *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct cg_write *w = &p->w[i];
		const char *c = w->ctrl == CG_CORE ? "core" : cg_ctrl_name(w->ctrl, w->v2);

		moat_buf_printf(out, "%s %s %s=%s", w->v2 ? "v2" : "v1", c ? c : "?", w->file,
				w->value);
		if (w->alt_file)
			moat_buf_printf(out, " | %s=%s", w->alt_file, w->alt_value);
		if (w->flags & CG_W_OPTIONAL)
			moat_buf_puts(out, " optional");
		if (w->flags & CG_W_PAIR_NEXT)
			moat_buf_puts(out, " pair");
		if (w->flags & CG_W_KEEP_QUOTA)
			moat_buf_puts(out, " keep-quota");
		if (w->flags & CG_W_CHECK_USAGE)
			moat_buf_puts(out, " check-usage");
		moat_buf_puts(out, "\n");
	}
}

static int hier_for_write(struct moat_cgroup *cg, const struct cg_write *w, struct cg_hier **ret,
			  struct moat_err *err)
{
	struct cg_hier *h;
	int r;

	if (w->v2) {
		h = cg_hier_v2(cg);
		if (!h)
			return moat_err_setx(err, ENOTSUP, "linux.resources.%s: needs cgroup v2",
					     w->field);
	} else {
		h = cg_hier_for(cg, w->ctrl);
		if (!h)
			return moat_err_setx(
			    err, ENOTSUP, "linux.resources.%s: no %s cgroup hierarchy is mounted",
			    w->field, cg_ctrl_name(w->ctrl, false));
	}
	if ((r = cg_hier_open(h, err)) < 0)
		return moat_err_prefix(err, "linux.resources.%s", w->field);
	if (w->v2 && w->ctrl != CG_CORE && !(h->mask & CG_BIT(w->ctrl)))
		return moat_err_setx(err, ENOTSUP,
				     "linux.resources.%s: the %s controller is not available in %s",
				     w->field, cg_ctrl_name(w->ctrl, true), h->dir);
	*ret = h;
	return 0;
}

/* The value to write, after the checks that need the live cgroup. */
static int live_value(struct cg_hier *h, const struct cg_write *w, char *buf, size_t size,
		      const char **ret, struct moat_err *err)
{
	*ret = w->value;
	if (w->flags & CG_W_KEEP_QUOTA) {
		char cur[64];
		if (cg_read(h->fd, "cpu.max", cur, sizeof(cur)) > 0) {
			cur[strcspn(cur, " \n")] = '\0';
			snprintf(buf, size, "%s %s", cur, w->value);
			*ret = buf;
		}
	}
	if (w->flags & CG_W_CHECK_USAGE) {
		uint64_t usage, limit = strtoull(w->value, NULL, 10);
		if (strcmp(w->value, "max") != 0 &&
		    cg_read_u64(h->fd, "memory.current", &usage) == 0 && limit < usage)
			return moat_err_setx(
			    err, EBUSY,
			    "linux.resources.%s: %s is below the current usage %llu "
			    "(checkBeforeUpdate)",
			    w->field, w->value, (unsigned long long)usage);
	}
	return 0;
}

static int write_one(struct moat_cgroup *cg, const struct cg_write *w, struct moat_err *err)
{
	struct cg_hier *h = NULL;
	char buf[128];
	const char *value;
	int r;

	if ((r = hier_for_write(cg, w, &h, err)) < 0 ||
	    (r = live_value(h, w, buf, sizeof(buf), &value, err)) < 0)
		return r;
	r = cg_write(h->fd, w->file, value);
	if (r == -ENOENT && w->alt_file)
		r = cg_write(h->fd, w->alt_file, w->alt_value);
	if (r == -ENOENT && (w->flags & CG_W_OPTIONAL))
		return 0;
	if (r == -ENOENT)
		return moat_err_setx(err, ENOTSUP, "linux.resources.%s: %s/%s does not exist%s%s%s",
				     w->field, h->dir, w->file, w->alt_file ? " (nor " : "",
				     w->alt_file ? w->alt_file : "", w->alt_file ? ")" : "");
	if (r < 0)
		return moat_err_set(err, -r, "linux.resources.%s: write \"%s\" to %s/%s", w->field,
				    value, h->dir, w->file);
	return 0;
}

int cg_plan_apply(struct moat_cgroup *cg, const struct cg_plan *p, struct moat_err *err)
{
	int r;

	for (size_t i = 0; i < p->n; i++) {
		const struct cg_write *w = &p->w[i];

		r = write_one(cg, w, err);
		/* Two limits that must stay ordered (memory <= memory+swap,
		 * quota within period): when the kernel refuses the first
		 * against the old value of the second, write the second
		 * first. */
		if (r == -EINVAL && (w->flags & CG_W_PAIR_NEXT) && i + 1 < p->n) {
			if ((r = write_one(cg, &p->w[i + 1], err)) < 0)
				return r;
			r = write_one(cg, w, err);
			i++;
		}
		if (r < 0)
			return r;
	}
	return 0;
}
