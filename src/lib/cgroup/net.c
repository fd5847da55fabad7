/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.network -> v1 net_cls / net_prio (v2 has neither: use eBPF). */
#include <errno.h>
#include <inttypes.h>

#include "cgroup/internal.h"

int cg_plan_net(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		struct moat_err *err)
{
	if (!r->has_net_class_id && !r->n_net_priorities)
		return 0;
	if (t->layout == MOAT_CGROUP_V2)
		return moat_err_setx(err, ENOTSUP,
				     "linux.resources.network.%s: net_cls/net_prio do not exist on "
				     "cgroup v2",
				     r->has_net_class_id ? "classID" : "priorities");
	if (r->has_net_class_id)
		cg_plan_add(p, "network.classID", CG_NET_CLS, false, "net_cls.classid",
			    cg_plan_fmt(p, "%" PRIu32, r->net_class_id));
	for (size_t i = 0; i < r->n_net_priorities; i++)
		cg_plan_add(p, cg_plan_fmt(p, "network.priorities[%zu]", i), CG_NET_PRIO, false,
			    "net_prio.ifpriomap",
			    cg_plan_fmt(p, "%s %" PRIu32, r->net_priorities[i].name,
					r->net_priorities[i].priority));
	return 0;
}
