/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.rdma -> rdma.max (same format on v1 and v2). */
#include <inttypes.h>
#include <stdio.h>

#include "cgroup/internal.h"

int cg_plan_rdma(const struct moat_resources *r, const struct cg_target *t, struct cg_plan *p,
		 struct moat_err *err)
{
	bool v2 = cg_target_v2(t, CG_RDMA);

	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct moat_rdma_limit *l = &r->rdma[i];
		char handles[32] = "", objects[32] = "";

		if (l->has_hca_handles)
			snprintf(handles, sizeof(handles), " hca_handle=%" PRIu32, l->hca_handles);
		if (l->has_hca_objects)
			snprintf(objects, sizeof(objects), " hca_object=%" PRIu32, l->hca_objects);
		cg_plan_add(p, cg_plan_fmt(p, "rdma.%s", l->device), CG_RDMA, v2, "rdma.max",
			    cg_plan_fmt(p, "%s%s%s", l->device, handles, objects));
	}
	return 0;
}
