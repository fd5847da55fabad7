/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.resources.blockIO -> v1 blkio or v2 io files.  Weights go to the
 * BFQ files when the kernel has them (the only weight files left since CFQ
 * was removed in 5.0), else to the generic ones, as runc does.
 */
#include <errno.h>
#include <inttypes.h>

#include "cgroup/internal.h"

uint64_t cg_blkio_to_io_weight(uint64_t weight)
{
	/* runc: v1's [10, 1000] onto v2's [1, 10000] */
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	return 1 + (weight - 10) * 9999 / 990;
}

static const char *const v1_throttle_files[MOAT_THROTTLE__COUNT] = {
    [MOAT_THROTTLE_READ_BPS] = "blkio.throttle.read_bps_device",
    [MOAT_THROTTLE_WRITE_BPS] = "blkio.throttle.write_bps_device",
    [MOAT_THROTTLE_READ_IOPS] = "blkio.throttle.read_iops_device",
    [MOAT_THROTTLE_WRITE_IOPS] = "blkio.throttle.write_iops_device",
};

static const char *const v2_throttle_keys[MOAT_THROTTLE__COUNT] = {
    [MOAT_THROTTLE_READ_BPS] = "rbps",
    [MOAT_THROTTLE_WRITE_BPS] = "wbps",
    [MOAT_THROTTLE_READ_IOPS] = "riops",
    [MOAT_THROTTLE_WRITE_IOPS] = "wiops",
};

static const char *const throttle_fields[MOAT_THROTTLE__COUNT] = {
    [MOAT_THROTTLE_READ_BPS] = "blockIO.throttleReadBpsDevice",
    [MOAT_THROTTLE_WRITE_BPS] = "blockIO.throttleWriteBpsDevice",
    [MOAT_THROTTLE_READ_IOPS] = "blockIO.throttleReadIOPSDevice",
    [MOAT_THROTTLE_WRITE_IOPS] = "blockIO.throttleWriteIOPSDevice",
};

static void plan_v1(const struct moat_blkio_resources *b, struct cg_plan *p)
{
	const enum cg_ctrl B = CG_IO;

	if (b->has_weight) {
		struct cg_write *w = cg_plan_add(p, "blockIO.weight", B, false, "blkio.weight",
						 cg_plan_fmt(p, "%u", b->weight));
		w->alt_file = "blkio.bfq.weight";
		w->alt_value = w->value;
	}
	if (b->has_leaf_weight)
		cg_plan_add(p, "blockIO.leafWeight", B, false, "blkio.leaf_weight",
			    cg_plan_fmt(p, "%u", b->leaf_weight));
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct moat_blkio_weight_device *d = &b->weight_devices[i];
		const char *field = cg_plan_fmt(p, "blockIO.weightDevice[%zu]", i);
		if (d->has_weight) {
			struct cg_write *w =
			    cg_plan_add(p, field, B, false, "blkio.weight_device",
					cg_plan_fmt(p, "%" PRId64 ":%" PRId64 " %u", d->major,
						    d->minor, d->weight));
			w->alt_file = "blkio.bfq.weight_device";
			w->alt_value = w->value;
		}
		if (d->has_leaf_weight)
			cg_plan_add(p, field, B, false, "blkio.leaf_weight_device",
				    cg_plan_fmt(p, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
						d->leaf_weight));
	}
	for (int k = 0; k < MOAT_THROTTLE__COUNT; k++)
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			const struct moat_blkio_throttle *th = &b->throttle[k][i];
			cg_plan_add(p, cg_plan_fmt(p, "%s[%zu]", throttle_fields[k], i), B, false,
				    v1_throttle_files[k],
				    cg_plan_fmt(p, "%" PRId64 ":%" PRId64 " %" PRIu64, th->major,
						th->minor, th->rate));
		}
}

static int plan_v2(const struct moat_blkio_resources *b, struct cg_plan *p, struct moat_err *err)
{
	const enum cg_ctrl B = CG_IO;

	if (b->has_leaf_weight)
		return moat_err_setx(
		    err, ENOTSUP, "linux.resources.blockIO.leafWeight: not supported on cgroup v2");
	if (b->has_weight && b->weight) {
		struct cg_write *w = cg_plan_add(p, "blockIO.weight", B, true, "io.bfq.weight",
						 cg_plan_fmt(p, "%u", b->weight));
		w->alt_file = "io.weight";
		w->alt_value = cg_plan_fmt(p, "default %" PRIu64, cg_blkio_to_io_weight(b->weight));
	}
	for (size_t i = 0; i < b->n_weight_devices; i++) {
		const struct moat_blkio_weight_device *d = &b->weight_devices[i];
		const char *field = cg_plan_fmt(p, "blockIO.weightDevice[%zu]", i);
		if (d->has_leaf_weight)
			return moat_err_setx(
			    err, ENOTSUP,
			    "linux.resources.%s.leafWeight: not supported on cgroup v2", field);
		struct cg_write *w = cg_plan_add(
		    p, field, B, true, "io.bfq.weight",
		    cg_plan_fmt(p, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight));
		w->alt_file = "io.weight";
		w->alt_value = cg_plan_fmt(p, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
					   d->minor, cg_blkio_to_io_weight(d->weight));
	}
	for (int k = 0; k < MOAT_THROTTLE__COUNT; k++)
		for (size_t i = 0; i < b->n_throttle[k]; i++) {
			const struct moat_blkio_throttle *th = &b->throttle[k][i];
			/* v1 removes a throttle written as 0; v2 spells that "max" */
			const char *rate = th->rate ? cg_plan_fmt(p, "%" PRIu64, th->rate) : "max";
			cg_plan_add(p, cg_plan_fmt(p, "%s[%zu]", throttle_fields[k], i), B, true,
				    "io.max",
				    cg_plan_fmt(p, "%" PRId64 ":%" PRId64 " %s=%s", th->major,
						th->minor, v2_throttle_keys[k], rate));
		}
	return 0;
}

int cg_plan_blkio(const struct moat_blkio_resources *b, const struct cg_target *t,
		  struct cg_plan *p, struct moat_err *err)
{
	if (cg_target_v2(t, CG_IO))
		return plan_v2(b, p, err);
	plan_v1(b, p);
	return 0;
}
