/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "spec/internal.h"

/* Stub until the seccomp work: accepts any object. */
int spec_parse_seccomp(struct json_object *obj, struct moat_arena *a,
		       struct moat_seccomp **ret, struct moat_err *err)
{
	if (!json_object_is_type(obj, json_type_object))
		return moat_err_setx(err, 0, "linux.seccomp: expected an object");
	*ret = moat_arena_alloc(a, sizeof(**ret));
	return 0;
}
