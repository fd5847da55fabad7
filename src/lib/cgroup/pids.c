/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.pids -> pids.max (same file on v1 and v2). */
#include <inttypes.h>

#include "cgroup/internal.h"

int cg_plan_pids(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		 struct moat_err *err)
{
	if (!r->has_pids_limit)
		return 0;
	/* -1 is "max"; 0 is a real limit (the spec says so; runc read it as unset) */
	const char *v = r->pids_limit < 0 ? "max" : cg_plan_fmt(p, "%" PRId64, r->pids_limit);
	cg_plan_add(p, "pids.limit", CG_PIDS, cg_target_v2(t, CG_PIDS), "pids.max", v);
	return 0;
}
