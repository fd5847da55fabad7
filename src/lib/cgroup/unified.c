/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources.unified: cgroup v2 files written as given.  On a hybrid
 * host they go to the cgroup2 hierarchy when it offers their controller
 * (or they are core cgroup.* files); on v1 they are an error, as the spec
 * requires, rather than a guess at a conversion.
 */
#include <errno.h>

#include "cgroup/internal.h"

int cg_plan_unified(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		    struct moat_err *err)
{
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *key = r->unified_keys[i];
		const char *field = cg_plan_fmt(p, "unified.%s", key);
		int c = cg_ctrl_of_file(key);

		if (t->layout == MOAT_CGROUP_V1)
			return moat_err_setx(
			    err, ENOTSUP,
			    "linux.resources.%s: needs cgroup v2 (this host has v1 only)", field);
		/* a controller newer than moat: written all the same (the spec
		 * says so); the kernel says whether the file exists */
		if (c < 0)
			c = CG_CORE;
		if (t->layout == MOAT_CGROUP_HYBRID && c != CG_CORE && !(t->v2_mask & CG_BIT(c)))
			return moat_err_setx(err, ENOTSUP,
					     "linux.resources.%s: the %s controller is not on this "
					     "host's cgroup2 mount (hybrid layout)",
					     field, cg_ctrl_name((enum cg_ctrl)c, true));
		cg_plan_add(p, field, (enum cg_ctrl)c, true, key, r->unified_values[i]);
	}
	return 0;
}
