/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "spec/internal.h"

/* Stub until the cgroup work: accepts any object. */
int spec_parse_resources(struct json_object *obj, struct moat_arena *a,
			 struct moat_resources **ret, struct moat_err *err)
{
	if (!json_object_is_type(obj, json_type_object))
		return moat_err_setx(err, 0, "linux.resources: expected an object");
	*ret = moat_arena_alloc(a, sizeof(**ret));
	return 0;
}
