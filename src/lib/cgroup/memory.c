/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.memory -> memory controller files, v1 or v2. */
#include <errno.h>
#include <inttypes.h>

#include "cgroup/internal.h"

int cg_swap_to_v2(bool has_swap, int64_t swap, bool has_limit, int64_t limit, int64_t *ret,
		  bool *ret_set, struct moat_err *err)
{
	*ret_set = false;
	/* as on v1, an unlimited memory without a swap value means swap unlimited too */
	if (has_limit && limit == -1 && (!has_swap || swap == 0)) {
		*ret = -1;
		*ret_set = true;
		return 0;
	}
	/* 0 is "unset" for runc and crun (Go's zero value): keep that meaning */
	if (!has_swap || swap == 0)
		return 0;
	if (swap == -1) {
		*ret = -1;
		*ret_set = true;
		return 0;
	}
	if (!has_limit || limit <= 0)
		return moat_err_setx(err, EINVAL,
				     "linux.resources.memory.swap: a swap limit needs memory.limit "
				     "on cgroup v2 (swap is memory+swap)");
	if (swap < limit)
		return moat_err_setx(err, EINVAL,
				     "linux.resources.memory.swap: %" PRId64
				     " is below memory.limit %" PRId64 " (swap is memory+swap)",
				     swap, limit);
	*ret = swap - limit;
	*ret_set = true;
	return 0;
}

static const char *limit_str(struct cg_plan *p, int64_t v, bool v2)
{
	if (v == -1)
		return v2 ? "max" : "-1";
	return cg_plan_fmt(p, "%" PRId64, v);
}

static int plan_v1(const struct moat_mem_resources *m, const struct cg_target *t, struct cg_plan *p,
		   struct moat_err *err)
{
	const enum cg_ctrl M = CG_MEMORY;

	if (m->has_limit && m->has_swap && m->limit > 0 && m->swap > 0 && m->swap < m->limit)
		return moat_err_setx(err, EINVAL,
				     "linux.resources.memory.swap: %" PRId64
				     " is below memory.limit %" PRId64 " (swap is memory+swap)",
				     m->swap, m->limit);

	if (m->has_limit) {
		struct cg_write *w =
		    cg_plan_add(p, "memory.limit", M, false, "memory.limit_in_bytes",
				limit_str(p, m->limit, false));
		bool swap = m->has_swap && m->swap != 0;
		if (swap || m->limit == -1)
			w->flags |= CG_W_PAIR_NEXT;
		if (!swap && m->limit == -1)
			cg_plan_add(p, "memory.limit", M, false, "memory.memsw.limit_in_bytes",
				    "-1")
			    ->flags |= CG_W_OPTIONAL;
	}
	if (m->has_swap && m->swap != 0) {
		struct cg_write *w =
		    cg_plan_add(p, "memory.swap", M, false, "memory.memsw.limit_in_bytes",
				limit_str(p, m->swap, false));
		/* without swap accounting there is nothing to lift */
		if (m->swap == -1)
			w->flags |= CG_W_OPTIONAL;
	}
	if (m->has_reservation)
		cg_plan_add(p, "memory.reservation", M, false, "memory.soft_limit_in_bytes",
			    limit_str(p, m->reservation, false));
	/* kernel memory limits are deprecated (5.4) and refused by recent
	 * kernels: -1 asks for nothing, so nothing is written */
	if (m->has_kernel && m->kernel != -1)
		cg_plan_add(p, "memory.kernel", M, false, "memory.kmem.limit_in_bytes",
			    limit_str(p, m->kernel, false));
	if (m->has_kernel_tcp && m->kernel_tcp != -1)
		cg_plan_add(p, "memory.kernelTCP", M, false, "memory.kmem.tcp.limit_in_bytes",
			    limit_str(p, m->kernel_tcp, false));
	if (m->has_swappiness)
		cg_plan_add(p, "memory.swappiness", M, false, "memory.swappiness",
			    cg_plan_fmt(p, "%" PRIu64, m->swappiness));
	if (m->has_disable_oom_killer && (m->disable_oom_killer || t->update))
		cg_plan_add(p, "memory.disableOOMKiller", M, false, "memory.oom_control",
			    m->disable_oom_killer ? "1" : "0");
	if (m->has_use_hierarchy)
		cg_plan_add(p, "memory.useHierarchy", M, false, "memory.use_hierarchy",
			    m->use_hierarchy ? "1" : "0");
	return 0;
}

static int unsupported(const char *field, struct moat_err *err)
{
	return moat_err_setx(err, ENOTSUP, "linux.resources.memory.%s: not supported on cgroup v2",
			     field);
}

static int plan_v2(const struct moat_mem_resources *m, const struct cg_target *t, struct cg_plan *p,
		   struct moat_err *err)
{
	const enum cg_ctrl M = CG_MEMORY;
	int64_t swap;
	bool set;
	int r;

	if (m->has_kernel && m->kernel != -1)
		return unsupported("kernel", err);
	if (m->has_kernel_tcp && m->kernel_tcp != -1)
		return unsupported("kernelTCP", err);
	if (m->has_swappiness)
		return unsupported("swappiness", err);
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return unsupported("disableOOMKiller", err);
	if (m->has_use_hierarchy && !m->use_hierarchy)
		return moat_err_setx(err, ENOTSUP,
				     "linux.resources.memory.useHierarchy: cgroup v2 is always "
				     "hierarchical");
	if ((r = cg_swap_to_v2(m->has_swap, m->swap, m->has_limit, m->limit, &swap, &set, err)) < 0)
		return r;

	if (m->has_limit) {
		struct cg_write *w = cg_plan_add(p, "memory.limit", M, true, "memory.max",
						 limit_str(p, m->limit, true));
		/* v1's kernel refuses a limit below usage; v2 reclaims and
		 * OOM-kills instead, unless asked to check first */
		if (t->update && m->has_check_before_update && m->check_before_update)
			w->flags |= CG_W_CHECK_USAGE;
	}
	if (set) {
		struct cg_write *w = cg_plan_add(p, "memory.swap", M, true, "memory.swap.max",
						 limit_str(p, swap, true));
		if (swap == -1)
			w->flags |= CG_W_OPTIONAL; /* no swap accounting: nothing to lift */
	}
	if (m->has_reservation)
		cg_plan_add(p, "memory.reservation", M, true, "memory.low",
			    limit_str(p, m->reservation, true));
	return 0;
}

int cg_plan_memory(const struct moat_mem_resources *m, const struct cg_target *t, struct cg_plan *p,
		   struct moat_err *err)
{
	if (cg_target_v2(t, CG_MEMORY))
		return plan_v2(m, t, p, err);
	return plan_v1(m, t, p, err);
}
