/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * Shared by the files of the config loader only (spec.c, resources.c, seccomp.c).
 * Each section parser takes the section's JSON object, allocates into the
 * arena, and on error fills *err with "<json path>: <why>".
 */
#include <json-c/json.h>

#include "spec/spec.h"

/* linux.resources -> *ret (allocated in a). path is "linux.resources". */
int spec_parse_resources(struct json_object *obj, struct moat_arena *a,
			 struct moat_resources **ret, struct moat_err *err);
/* linux.seccomp -> *ret (allocated in a). path is "linux.seccomp". */
int spec_parse_seccomp(struct json_object *obj, struct moat_arena *a,
		       struct moat_seccomp **ret, struct moat_err *err);
