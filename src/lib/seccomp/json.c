/* SPDX-License-Identifier: GPL-2.0-or-later */
/* struct moat_seccomp -> OCI JSON (linux.seccomp), for `moat spec` and
 * learnt profiles. */
#include <inttypes.h>
#include <string.h>

#include "seccomp/internal.h"

struct jw {
	struct moat_buf *out;
	const char *indent; /* NULL: compact */
};

/* A newline and the indentation for depth levels below the object's start. */
static void jw_nl(struct jw *w, int depth)
{
	if (!w->indent)
		return;
	moat_buf_puts(w->out, "\n");
	moat_buf_puts(w->out, w->indent);
	for (int i = 0; i < depth; i++)
		moat_buf_puts(w->out, "\t");
}

static void jw_key(struct jw *w, int depth, const char *key, bool first)
{
	if (!first)
		moat_buf_puts(w->out, ",");
	jw_nl(w, depth);
	moat_json_key(w->out, key);
	if (w->indent)
		moat_buf_puts(w->out, " ");
}

static void jw_sep(struct jw *w)
{
	moat_buf_puts(w->out, w->indent ? ", " : ",");
}

/* Display width of the indentation, tabs being 8 columns. */
static size_t indent_width(const char *indent, int depth)
{
	size_t n = (size_t)depth * 8;

	for (const char *p = indent; *p; p++)
		n += *p == '\t' ? 8 : 1;
	return n;
}

/* A key in an object: on a line of its own when spread, else inline. */
static void jw_field(struct jw *w, int depth, bool spread, const char *key, bool first)
{
	if (spread) {
		jw_key(w, depth, key, first);
		return;
	}
	if (!first)
		jw_sep(w);
	moat_json_key(w->out, key);
	if (w->indent)
		moat_buf_puts(w->out, " ");
}

static void write_names(struct jw *w, int depth, bool wrap, const struct moat_seccomp_syscall *sc)
{
	size_t col = 0;

	moat_buf_puts(w->out, "[");
	for (size_t i = 0; i < sc->n_names; i++) {
		size_t len = strlen(sc->names[i]) + 4;
		if (wrap && (i == 0 || col + len > 96)) {
			if (i)
				moat_buf_puts(w->out, ",");
			jw_nl(w, depth + 1);
			col = indent_width(w->indent, depth + 1);
		} else if (i) {
			jw_sep(w);
		}
		moat_json_str(w->out, sc->names[i]);
		col += len;
	}
	if (wrap)
		jw_nl(w, depth);
	moat_buf_puts(w->out, "]");
}

static void write_arg(struct jw *w, const struct moat_seccomp_arg *a)
{
	moat_buf_puts(w->out, "{");
	jw_field(w, 0, false, "index", true);
	moat_buf_printf(w->out, "%u", a->index);
	jw_field(w, 0, false, "value", false);
	moat_buf_printf(w->out, "%" PRIu64, a->value);
	if (a->has_value_two) {
		jw_field(w, 0, false, "valueTwo", false);
		moat_buf_printf(w->out, "%" PRIu64, a->value_two);
	}
	jw_field(w, 0, false, "op", false);
	moat_json_str(w->out, moat_seccomp_op_name(a->op));
	moat_buf_puts(w->out, "}");
}

/* Small rules (a few names, at most one arg) on one line, others spread. */
static void write_syscall(struct jw *w, int depth, const struct moat_seccomp_syscall *sc)
{
	bool spread = w->indent && (sc->n_names > 4 || sc->n_args > 1);

	moat_buf_puts(w->out, "{");
	jw_field(w, depth + 1, spread, "names", true);
	write_names(w, depth + 1, spread, sc);
	jw_field(w, depth + 1, spread, "action", false);
	moat_json_str(w->out, moat_seccomp_action_name(sc->action));
	if (sc->has_errno_ret) {
		jw_field(w, depth + 1, spread, "errnoRet", false);
		moat_buf_printf(w->out, "%u", sc->errno_ret);
	}
	if (sc->n_args) {
		jw_field(w, depth + 1, spread, "args", false);
		moat_buf_puts(w->out, "[");
		for (size_t i = 0; i < sc->n_args; i++) {
			if (i)
				moat_buf_puts(w->out, spread ? "," : (w->indent ? ", " : ","));
			if (spread)
				jw_nl(w, depth + 2);
			write_arg(w, &sc->args[i]);
		}
		if (spread)
			jw_nl(w, depth + 1);
		moat_buf_puts(w->out, "]");
	}
	if (spread)
		jw_nl(w, depth);
	moat_buf_puts(w->out, "}");
}

static void write_head(struct jw *w, const struct moat_seccomp *s)
{
	jw_key(w, 1, "defaultAction", true);
	moat_json_str(w->out, moat_seccomp_action_name(s->default_action));
	if (s->has_default_errno_ret) {
		jw_key(w, 1, "defaultErrnoRet", false);
		moat_buf_printf(w->out, "%u", s->default_errno_ret);
	}
	if (s->n_architectures) {
		jw_key(w, 1, "architectures", false);
		moat_buf_puts(w->out, "[");
		for (size_t i = 0; i < s->n_architectures; i++) {
			if (i)
				jw_sep(w);
			moat_json_str(w->out, moat_seccomp_arch_name(s->architectures[i]));
		}
		moat_buf_puts(w->out, "]");
	}
	if (s->flags) {
		bool first = true;
		jw_key(w, 1, "flags", false);
		moat_buf_puts(w->out, "[");
		for (size_t i = 0; i < ARRAY_SIZE(moat_seccomp_known_flags); i++) {
			if (!(s->flags & moat_seccomp_known_flags[i]))
				continue;
			if (!first)
				jw_sep(w);
			first = false;
			moat_json_str(w->out, moat_seccomp_flag_name(moat_seccomp_known_flags[i]));
		}
		moat_buf_puts(w->out, "]");
	}
	if (s->listener_path) {
		jw_key(w, 1, "listenerPath", false);
		moat_json_str(w->out, s->listener_path);
	}
	if (s->listener_metadata) {
		jw_key(w, 1, "listenerMetadata", false);
		moat_json_str(w->out, s->listener_metadata);
	}
}

void moat_seccomp_to_json(struct moat_buf *out, const struct moat_seccomp *s, const char *indent)
{
	struct jw w = {out, indent};

	moat_buf_puts(out, "{");
	write_head(&w, s);
	if (s->n_syscalls) {
		jw_key(&w, 1, "syscalls", false);
		moat_buf_puts(out, "[");
		for (size_t i = 0; i < s->n_syscalls; i++) {
			if (i)
				moat_buf_puts(out, ",");
			jw_nl(&w, 2);
			write_syscall(&w, 2, &s->syscalls[i]);
		}
		jw_nl(&w, 1);
		moat_buf_puts(out, "]");
	}
	jw_nl(&w, 0);
	moat_buf_puts(out, "}");
}

static void str_list(struct moat_buf *out, const char *key, const char *const *v, size_t n)
{
	moat_buf_printf(out, ", \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			moat_buf_puts(out, ", ");
		moat_json_str(out, v[i]);
	}
	moat_buf_puts(out, "]");
}

void moat_seccomp_features_json(struct moat_buf *out)
{
	const char *names[64];
	size_t n = 0, n_known = ARRAY_SIZE(moat_seccomp_known_flags);

	moat_buf_puts(out, "{\"enabled\": true");
	for (unsigned i = 0; i < MOAT_SECCOMP_ACT__COUNT; i++)
		names[n++] = moat_seccomp_action_name((enum moat_seccomp_action)i);
	str_list(out, "actions", names, n);
	n = 0;
	for (unsigned op = MOAT_SECCOMP_OP_NE; op <= MOAT_SECCOMP_OP_MASKED_EQ; op++)
		names[n++] = moat_seccomp_op_name((enum moat_seccomp_op)op);
	str_list(out, "operators", names, n);
	n = 0;
	for (size_t i = 0; i < moat_seccomp_arch_count() && n < ARRAY_SIZE(names); i++)
		names[n++] = moat_seccomp_arch_name(moat_seccomp_arch_at(i));
	str_list(out, "archs", names, n);
	n = 0;
	for (size_t i = 0; i < n_known; i++)
		names[n++] = moat_seccomp_flag_name(moat_seccomp_known_flags[i]);
	str_list(out, "knownFlags", names, n);
	n = 0;
	for (size_t i = 0; i < n_known; i++)
		if (seccomp_flag_supported(moat_seccomp_known_flags[i]))
			names[n++] = moat_seccomp_flag_name(moat_seccomp_known_flags[i]);
	str_list(out, "supportedFlags", names, n);
	moat_buf_puts(out, "}");
}
