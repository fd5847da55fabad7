/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.seccomp -> struct moat_seccomp.  Every error names the entry:
 *	linux.seccomp.syscalls[3].action: unknown action "SCMP_ACT_FOO"
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h> /* SCMP_ARCH_* tokens only: no libseccomp call here */
#include <stdio.h>
#include <string.h>

#include "spec/internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const action_names[MOAT_SECCOMP_ACT__COUNT] = {
    [MOAT_SECCOMP_ACT_KILL] = "SCMP_ACT_KILL",
    [MOAT_SECCOMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [MOAT_SECCOMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [MOAT_SECCOMP_ACT_TRAP] = "SCMP_ACT_TRAP",
    [MOAT_SECCOMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
    [MOAT_SECCOMP_ACT_TRACE] = "SCMP_ACT_TRACE",
    [MOAT_SECCOMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
    [MOAT_SECCOMP_ACT_LOG] = "SCMP_ACT_LOG",
    [MOAT_SECCOMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[] = {
    [MOAT_SECCOMP_OP_NE] = "SCMP_CMP_NE",
    [MOAT_SECCOMP_OP_LT] = "SCMP_CMP_LT",
    [MOAT_SECCOMP_OP_LE] = "SCMP_CMP_LE",
    [MOAT_SECCOMP_OP_EQ] = "SCMP_CMP_EQ",
    [MOAT_SECCOMP_OP_GE] = "SCMP_CMP_GE",
    [MOAT_SECCOMP_OP_GT] = "SCMP_CMP_GT",
    [MOAT_SECCOMP_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const struct {
	const char *name;
	uint32_t token;
} arches[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
};

const unsigned long moat_seccomp_known_flags[4] = {
    SECCOMP_FILTER_FLAG_TSYNC,
    SECCOMP_FILTER_FLAG_LOG,
    SECCOMP_FILTER_FLAG_SPEC_ALLOW,
    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
};

static const char *const flag_names[4] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

const char *moat_seccomp_action_name(enum moat_seccomp_action act)
{
	return (unsigned)act < MOAT_SECCOMP_ACT__COUNT ? action_names[act] : NULL;
}

int moat_seccomp_action_parse(const char *name, enum moat_seccomp_action *ret)
{
	for (unsigned i = 0; i < MOAT_SECCOMP_ACT__COUNT; i++)
		if (strcmp(name, action_names[i]) == 0) {
			*ret = (enum moat_seccomp_action)i;
			return 0;
		}
	return -EINVAL;
}

const char *moat_seccomp_op_name(enum moat_seccomp_op op)
{
	return op >= MOAT_SECCOMP_OP_NE && op <= MOAT_SECCOMP_OP_MASKED_EQ ? op_names[op] : NULL;
}

int moat_seccomp_op_parse(const char *name, enum moat_seccomp_op *ret)
{
	for (unsigned i = MOAT_SECCOMP_OP_NE; i <= MOAT_SECCOMP_OP_MASKED_EQ; i++)
		if (strcmp(name, op_names[i]) == 0) {
			*ret = (enum moat_seccomp_op)i;
			return 0;
		}
	return -EINVAL;
}

size_t moat_seccomp_arch_count(void)
{
	return ARRAY_SIZE(arches);
}

uint32_t moat_seccomp_arch_at(size_t i)
{
	return arches[i].token;
}

const char *moat_seccomp_arch_name(uint32_t arch)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (arches[i].token == arch)
			return arches[i].name;
	return NULL;
}

int moat_seccomp_arch_parse(const char *name, uint32_t *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(arches); i++)
		if (strcmp(name, arches[i].name) == 0) {
			*ret = arches[i].token;
			return 0;
		}
	return -EINVAL;
}

const char *moat_seccomp_flag_name(unsigned long flag)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (moat_seccomp_known_flags[i] == flag)
			return flag_names[i];
	return NULL;
}

int moat_seccomp_flag_parse(const char *name, unsigned long *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (strcmp(name, flag_names[i]) == 0) {
			*ret = moat_seccomp_known_flags[i];
			return 0;
		}
	return -EINVAL;
}

/* --- JSON helpers: each takes the path of the value for its message --- */

static int get_string(struct json_object *o, const char *path, const char **ret,
		      struct moat_err *err)
{
	if (!json_object_is_type(o, json_type_string))
		return moat_err_setx(err, 0, "%s: expected a string", path);
	*ret = json_object_get_string(o);
	return 0;
}

/* A non-negative JSON integer up to max.  json-c keeps integers above
 * INT64_MAX as unsigned, so a uint64 mask like 0xffffffffffffffff reads back. */
static int get_uint(struct json_object *o, const char *path, uint64_t max, uint64_t *ret,
		    struct moat_err *err)
{
	if (!json_object_is_type(o, json_type_int) || json_object_get_int64(o) < 0)
		return moat_err_setx(err, 0, "%s: expected a non-negative integer", path);
	uint64_t v = json_object_get_uint64(o);
	if (v > max)
		return moat_err_setx(err, 0, "%s: %llu is out of range (max %llu)", path,
				     (unsigned long long)v, (unsigned long long)max);
	*ret = v;
	return 0;
}

static int get_errno_ret(struct json_object *o, const char *path, enum moat_seccomp_action act,
			 unsigned *ret, struct moat_err *err)
{
	uint64_t v;

	/* runtime-spec: "When the action doesn't support an errno, the runtime
	 * MUST print an error and fail." */
	if (act != MOAT_SECCOMP_ACT_ERRNO && act != MOAT_SECCOMP_ACT_TRACE)
		return moat_err_setx(
		    err, 0, "%s: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, not %s",
		    path, action_names[act]);
	/* SECCOMP_RET_DATA is 16 bits wide */
	int r = get_uint(o, path, 0xffff, &v, err);
	if (r < 0)
		return r;
	*ret = (unsigned)v;
	return 0;
}

static int get_action(struct json_object *o, const char *path, enum moat_seccomp_action *ret,
		      struct moat_err *err)
{
	const char *s = NULL;
	int r = get_string(o, path, &s, err);

	if (r < 0)
		return r;
	if (moat_seccomp_action_parse(s, ret) < 0)
		return moat_err_setx(err, 0, "%s: unknown action \"%s\"", path, s);
	return 0;
}

static int parse_arg(struct json_object *o, const char *path, struct moat_seccomp_arg *arg,
		     struct moat_err *err)
{
	struct json_object *v;
	char sub[160];
	uint64_t u;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return moat_err_setx(err, 0, "%s: expected an object", path);

	snprintf(sub, sizeof(sub), "%s.index", path);
	if (!json_object_object_get_ex(o, "index", &v))
		return moat_err_setx(err, 0, "%s: missing", sub);
	/* seccomp_data carries six arguments */
	if ((r = get_uint(v, sub, 5, &u, err)) < 0)
		return r;
	arg->index = (unsigned)u;

	snprintf(sub, sizeof(sub), "%s.value", path);
	if (!json_object_object_get_ex(o, "value", &v))
		return moat_err_setx(err, 0, "%s: missing", sub);
	if ((r = get_uint(v, sub, UINT64_MAX, &arg->value, err)) < 0)
		return r;

	snprintf(sub, sizeof(sub), "%s.valueTwo", path);
	if (json_object_object_get_ex(o, "valueTwo", &v) && v) {
		if ((r = get_uint(v, sub, UINT64_MAX, &arg->value_two, err)) < 0)
			return r;
		arg->has_value_two = true;
	}

	snprintf(sub, sizeof(sub), "%s.op", path);
	const char *s = NULL;
	if (!json_object_object_get_ex(o, "op", &v))
		return moat_err_setx(err, 0, "%s: missing", sub);
	if ((r = get_string(v, sub, &s, err)) < 0)
		return r;
	if (moat_seccomp_op_parse(s, &arg->op) < 0)
		return moat_err_setx(err, 0, "%s: unknown operator \"%s\"", sub, s);
	return 0;
}

static int parse_names(struct json_object *o, const char *path, struct moat_arena *a,
		       struct moat_seccomp_syscall *sc, struct moat_err *err)
{
	size_t n = json_object_is_type(o, json_type_array) ? json_object_array_length(o) : 0;

	if (n == 0)
		return moat_err_setx(err, 0, "%s: expected a non-empty array of strings", path);
	sc->names = moat_arena_alloc(a, n * sizeof(*sc->names));
	sc->n_names = n;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(o, i);
		if (!json_object_is_type(e, json_type_string) || json_object_get_string_len(e) == 0)
			return moat_err_setx(err, 0, "%s[%zu]: expected a syscall name", path, i);
		sc->names[i] = moat_arena_strdup(a, json_object_get_string(e));
	}
	return 0;
}

static int parse_syscall(struct json_object *o, const char *path, struct moat_arena *a,
			 struct moat_seccomp_syscall *sc, struct moat_err *err)
{
	struct json_object *v;
	char sub[96];
	int r;

	if (!json_object_is_type(o, json_type_object))
		return moat_err_setx(err, 0, "%s: expected an object", path);

	snprintf(sub, sizeof(sub), "%s.names", path);
	if (!json_object_object_get_ex(o, "names", &v))
		return moat_err_setx(err, 0, "%s: missing", sub);
	if ((r = parse_names(v, sub, a, sc, err)) < 0)
		return r;

	snprintf(sub, sizeof(sub), "%s.action", path);
	if (!json_object_object_get_ex(o, "action", &v))
		return moat_err_setx(err, 0, "%s: missing", sub);
	if ((r = get_action(v, sub, &sc->action, err)) < 0)
		return r;

	snprintf(sub, sizeof(sub), "%s.errnoRet", path);
	if (json_object_object_get_ex(o, "errnoRet", &v) && v) {
		if ((r = get_errno_ret(v, sub, sc->action, &sc->errno_ret, err)) < 0)
			return r;
		sc->has_errno_ret = true;
	}

	snprintf(sub, sizeof(sub), "%s.args", path);
	if (json_object_object_get_ex(o, "args", &v) && v) {
		if (!json_object_is_type(v, json_type_array))
			return moat_err_setx(err, 0, "%s: expected an array", sub);
		sc->n_args = json_object_array_length(v);
		sc->args = moat_arena_alloc(a, sc->n_args * sizeof(*sc->args) + 1);
		for (size_t i = 0; i < sc->n_args; i++) {
			char argpath[128];
			snprintf(argpath, sizeof(argpath), "%s[%zu]", sub, i);
			r = parse_arg(json_object_array_get_idx(v, i), argpath, &sc->args[i], err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int parse_string_list(struct json_object *o, const char *path, size_t *ret_n,
			     struct moat_err *err)
{
	if (!json_object_is_type(o, json_type_array))
		return moat_err_setx(err, 0, "%s: expected an array of strings", path);
	*ret_n = json_object_array_length(o);
	for (size_t i = 0; i < *ret_n; i++)
		if (!json_object_is_type(json_object_array_get_idx(o, i), json_type_string))
			return moat_err_setx(err, 0, "%s[%zu]: expected a string", path, i);
	return 0;
}

static int parse_architectures(struct json_object *o, struct moat_arena *a, struct moat_seccomp *s,
			       struct moat_err *err)
{
	size_t n;
	int r = parse_string_list(o, "linux.seccomp.architectures", &n, err);

	if (r < 0)
		return r;
	s->architectures = moat_arena_alloc(a, n * sizeof(*s->architectures) + 1);
	for (size_t i = 0; i < n; i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(o, i));
		uint32_t token;
		if (moat_seccomp_arch_parse(name, &token) < 0)
			return moat_err_setx(
			    err, 0, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
			    i, name);
		bool dup = false;
		for (size_t j = 0; j < s->n_architectures; j++)
			dup = dup || s->architectures[j] == token;
		if (!dup)
			s->architectures[s->n_architectures++] = token;
	}
	return 0;
}

static int parse_flags(struct json_object *o, struct moat_seccomp *s, struct moat_err *err)
{
	size_t n;
	int r = parse_string_list(o, "linux.seccomp.flags", &n, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(o, i));
		unsigned long flag;
		if (moat_seccomp_flag_parse(name, &flag) < 0)
			return moat_err_setx(
			    err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, name);
		s->flags |= flag;
	}
	return 0;
}

static int parse_listener(struct json_object *obj, struct moat_arena *a, struct moat_seccomp *s,
			  struct moat_err *err)
{
	struct json_object *v;
	const char *str = NULL;
	int r;

	if (json_object_object_get_ex(obj, "listenerPath", &v) && v) {
		if ((r = get_string(v, "linux.seccomp.listenerPath", &str, err)) < 0)
			return r;
		s->listener_path = moat_arena_strdup(a, str);
	}
	if (json_object_object_get_ex(obj, "listenerMetadata", &v) && v) {
		if ((r = get_string(v, "linux.seccomp.listenerMetadata", &str, err)) < 0)
			return r;
		s->listener_metadata = moat_arena_strdup(a, str);
	}
	return 0;
}

static bool uses_notify(const struct moat_seccomp *s)
{
	bool notify = s->default_action == MOAT_SECCOMP_ACT_NOTIFY;

	for (size_t i = 0; i < s->n_syscalls; i++)
		notify = notify || s->syscalls[i].action == MOAT_SECCOMP_ACT_NOTIFY;
	return notify;
}

int spec_parse_seccomp(struct json_object *obj, struct moat_arena *a, struct moat_seccomp **ret,
		       struct moat_err *err)
{
	struct json_object *v;
	int r;

	if (!json_object_is_type(obj, json_type_object))
		return moat_err_setx(err, 0, "linux.seccomp: expected an object");
	struct moat_seccomp *s = moat_arena_alloc(a, sizeof(*s));

	if (!json_object_object_get_ex(obj, "defaultAction", &v))
		return moat_err_setx(err, 0, "linux.seccomp.defaultAction: missing");
	if ((r = get_action(v, "linux.seccomp.defaultAction", &s->default_action, err)) < 0)
		return r;
	if (json_object_object_get_ex(obj, "defaultErrnoRet", &v) && v) {
		r = get_errno_ret(v, "linux.seccomp.defaultErrnoRet", s->default_action,
				  &s->default_errno_ret, err);
		if (r < 0)
			return r;
		s->has_default_errno_ret = true;
	}
	if (json_object_object_get_ex(obj, "architectures", &v) && v &&
	    (r = parse_architectures(v, a, s, err)) < 0)
		return r;
	if (json_object_object_get_ex(obj, "flags", &v) && v && (r = parse_flags(v, s, err)) < 0)
		return r;
	if ((r = parse_listener(obj, a, s, err)) < 0)
		return r;

	if (json_object_object_get_ex(obj, "syscalls", &v) && v) {
		if (!json_object_is_type(v, json_type_array))
			return moat_err_setx(err, 0, "linux.seccomp.syscalls: expected an array");
		s->n_syscalls = json_object_array_length(v);
		s->syscalls = moat_arena_alloc(a, s->n_syscalls * sizeof(*s->syscalls) + 1);
		for (size_t i = 0; i < s->n_syscalls; i++) {
			char path[64];
			snprintf(path, sizeof(path), "linux.seccomp.syscalls[%zu]", i);
			r = parse_syscall(json_object_array_get_idx(v, i), path, a, &s->syscalls[i],
					  err);
			if (r < 0)
				return r;
		}
	}
	if (!s->listener_path && uses_notify(s))
		return moat_err_setx(err, 0,
				     "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY "
				     "is used");
	*ret = s;
	return 0;
}
