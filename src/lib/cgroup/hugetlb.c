/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources.hugepageLimits -> hugetlb.<size>.* files.  The spec asks
 * for reservation limits where the kernel has them (5.7+), which fail at
 * mmap time instead of SIGBUS at fault time; the fault limit is set too so
 * both accountings agree, as runc does.
 */
#include <inttypes.h>

#include "cgroup/internal.h"

int cg_plan_hugetlb(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		    struct moat_err *err)
{
	bool v2 = cg_target_v2(t, CG_HUGETLB);

	for (size_t i = 0; i < r->n_hugepages; i++) {
		const struct moat_hugepage_limit *h = &r->hugepages[i];
		const char *field = cg_plan_fmt(p, "hugepageLimits[%zu]", i);
		const char *v = cg_plan_fmt(p, "%" PRIu64, h->limit);

		cg_plan_add(p, field, CG_HUGETLB, v2,
			    cg_plan_fmt(p, v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes",
					h->page_size),
			    v);
		cg_plan_add(
		    p, field, CG_HUGETLB, v2,
		    cg_plan_fmt(p, v2 ? "hugetlb.%s.rsvd.max" : "hugetlb.%s.rsvd.limit_in_bytes",
				h->page_size),
		    v)
		    ->flags |= CG_W_OPTIONAL;
	}
	return 0;
}
