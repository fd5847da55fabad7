/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.resources.cpu -> cpu and cpuset controller files, v1 or v2. */
#include <errno.h>
#include <inttypes.h>

#include "cgroup/internal.h"

uint64_t cg_shares_to_weight(uint64_t shares)
{
	/* crun's linear map of v1's [2, 262144] onto v2's [1, 10000] */
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static void plan_cpuset(const struct moat_cpu_resources *c, const struct cg_target *t,
			struct cg_plan *p)
{
	bool v2 = cg_target_v2(t, CG_CPUSET);

	if (c->cpus)
		cg_plan_add(p, "cpu.cpus", CG_CPUSET, v2, "cpuset.cpus", c->cpus);
	if (c->mems)
		cg_plan_add(p, "cpu.mems", CG_CPUSET, v2, "cpuset.mems", c->mems);
}

static void plan_v1(const struct moat_cpu_resources *c, struct cg_plan *p)
{
	const enum cg_ctrl C = CG_CPU;
	bool quota = c->has_quota && c->quota != 0;

	if (c->has_shares && c->shares != 0)
		cg_plan_add(p, "cpu.shares", C, false, "cpu.shares",
			    cg_plan_fmt(p, "%" PRIu64, c->shares));
	if (c->has_period && c->period != 0) {
		struct cg_write *w = cg_plan_add(p, "cpu.period", C, false, "cpu.cfs_period_us",
						 cg_plan_fmt(p, "%" PRIu64, c->period));
		if (quota)
			w->flags |= CG_W_PAIR_NEXT;
	}
	if (quota)
		cg_plan_add(p, "cpu.quota", C, false, "cpu.cfs_quota_us",
			    cg_plan_fmt(p, "%" PRId64, c->quota));
	/* after the quota: the burst may not exceed it */
	if (c->has_burst)
		cg_plan_add(p, "cpu.burst", C, false, "cpu.cfs_burst_us",
			    cg_plan_fmt(p, "%" PRIu64, c->burst));
	if (c->has_realtime_period && c->realtime_period != 0) {
		struct cg_write *w =
		    cg_plan_add(p, "cpu.realtimePeriod", C, false, "cpu.rt_period_us",
				cg_plan_fmt(p, "%" PRIu64, c->realtime_period));
		if (c->has_realtime_runtime)
			w->flags |= CG_W_PAIR_NEXT;
	}
	if (c->has_realtime_runtime)
		cg_plan_add(p, "cpu.realtimeRuntime", C, false, "cpu.rt_runtime_us",
			    cg_plan_fmt(p, "%" PRId64, c->realtime_runtime));
	if (c->has_idle)
		cg_plan_add(p, "cpu.idle", C, false, "cpu.idle",
			    cg_plan_fmt(p, "%" PRId64, c->idle));
}

static int plan_v2(const struct moat_cpu_resources *c, struct cg_plan *p, struct moat_err *err)
{
	const enum cg_ctrl C = CG_CPU;
	bool quota = c->has_quota && c->quota != 0;
	bool period = c->has_period && c->period != 0;

	if ((c->has_realtime_runtime && c->realtime_runtime != 0) ||
	    (c->has_realtime_period && c->realtime_period != 0))
		return moat_err_setx(err, ENOTSUP,
				     "linux.resources.cpu.%s: realtime scheduling is not supported "
				     "on cgroup v2",
				     c->has_realtime_runtime && c->realtime_runtime != 0
					 ? "realtimeRuntime"
					 : "realtimePeriod");
	if (c->has_shares && c->shares != 0)
		cg_plan_add(p, "cpu.shares", C, true, "cpu.weight",
			    cg_plan_fmt(p, "%" PRIu64, cg_shares_to_weight(c->shares)));
	if (quota || period) {
		/* cpu.max is "$QUOTA $PERIOD"; a lone quota keeps the period */
		const char *q = !quota	       ? NULL
				: c->quota > 0 ? cg_plan_fmt(p, "%" PRId64, c->quota)
					       : "max";
		const char *v = q && period ? cg_plan_fmt(p, "%s %" PRIu64, q, c->period)
				: q	    ? q
					    : cg_plan_fmt(p, "%" PRIu64, c->period);
		struct cg_write *w =
		    cg_plan_add(p, quota ? "cpu.quota" : "cpu.period", C, true, "cpu.max", v);
		if (!quota)
			w->flags |= CG_W_KEEP_QUOTA;
	}
	if (c->has_burst)
		cg_plan_add(p, "cpu.burst", C, true, "cpu.max.burst",
			    cg_plan_fmt(p, "%" PRIu64, c->burst));
	if (c->has_idle)
		cg_plan_add(p, "cpu.idle", C, true, "cpu.idle",
			    cg_plan_fmt(p, "%" PRId64, c->idle));
	return 0;
}

int cg_plan_cpu(const struct moat_cpu_resources *c, const struct cg_target *t, struct cg_plan *p,
		struct moat_err *err)
{
	int r = 0;

	if (cg_target_v2(t, CG_CPU))
		r = plan_v2(c, p, err);
	else
		plan_v1(c, p);
	if (r == 0)
		plan_cpuset(c, t, p);
	return r;
}
