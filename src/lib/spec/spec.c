/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.json -> struct moat_spec (runtime-spec config.md and config-linux.md, v1.2).
 *
 * Unknown fields are ignored (newer specs add fields), null counts as absent
 * (Go clients write null for unset pointers), a wrong type or an
 * out-of-range value is an error: nothing is truncated or guessed.  Every
 * error is one line, "<json path>: <why>".  linux.resources and
 * linux.seccomp have their own parsers (resources.c, seccomp.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/names.h"
#include "base/path.h"
#include "spec/internal.h"
#include "sys/sys.h"

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

/* A config larger than this is a mistake or an attack, not a container. */
#define CONFIG_MAX (16 << 20)
/* JSON paths in messages; a truncated one still reads fine. */
#define JP_MAX 256

/* uid_t/gid_t: (uid_t)-1 means "unchanged" to set*id(2), so it is no id. */
#define ID_MAX ((uint64_t)UINT32_MAX - 1)
/* dev_t as the kernel sees it: 12 bits of major, 20 of minor */
#define DEV_MAJOR_MAX 4095
#define DEV_MINOR_MAX 1048575
#define IFNAME_MAX 15 /* IFNAMSIZ - 1 */

struct loader {
	struct moat_spec *spec;
	struct moat_arena *a;
	const char *bundle;
	struct moat_err *err;
	bool *mount_idmap; /* per mount: the "idmap" or "ridmap" option was given */
};

/* --- JSON paths and errors ---------------------------------------------- */

/* vsnprintf: GCC does not flag its (intended) truncation of long paths */
__attribute__((format(printf, 2, 3))) static const char *jp_fmt(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, JP_MAX, fmt, ap);
	va_end(ap);
	return buf;
}

/* "<parent>.<key>", or "<key>" at the top level. */
static const char *jp_key(char *buf, const char *parent, const char *key)
{
	return jp_fmt(buf, "%s%s%s", parent, *parent ? "." : "", key);
}

static const char *jp_idx(char *buf, const char *parent, size_t i)
{
	return jp_fmt(buf, "%s[%zu]", parent, i);
}

/* A map entry: parent["key"]. */
static const char *jp_map(char *buf, const char *parent, const char *key)
{
	return jp_fmt(buf, "%s[\"%.64s\"]", parent, key);
}

__attribute__((format(printf, 4, 5))) static int fail_code(struct loader *ld, int code,
							   const char *path, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return moat_err_setx(ld->err, code, "%s: %s", path, why);
}

#define fail(ld, path, ...) fail_code(ld, EINVAL, path, __VA_ARGS__)

/* --- typed access to one value ------------------------------------------ */

/* obj[key]; NULL when absent or null. */
static struct json_object *field(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

static int val_string(struct loader *ld, struct json_object *v, const char *path, char **ret)
{
	if (!json_object_is_type(v, json_type_string))
		return fail(ld, path, "expected a string");
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);
	/* "\u0000" would silently cut the string short everywhere after this */
	if (strlen(s) != len)
		return fail(ld, path, "contains a NUL character");
	*ret = moat_arena_strndup(ld->a, s, len);
	return 0;
}

static int val_uint(struct loader *ld, struct json_object *v, const char *path, uint64_t max,
		    uint64_t *ret)
{
	if (!json_object_is_type(v, json_type_int))
		return fail(ld, path, "expected an integer");
	int64_t i = json_object_get_int64(v);
	if (i < 0)
		return fail_code(ld, ERANGE, path, "%" PRId64 " is out of range (0 to %" PRIu64 ")",
				 i, max);
	/* json-c keeps values above INT64_MAX as uint64; this reads both */
	uint64_t u = json_object_get_uint64(v);
	if (u > max)
		return fail_code(ld, ERANGE, path, "%" PRIu64 " is out of range (0 to %" PRIu64 ")",
				 u, max);
	*ret = u;
	return 0;
}

static int val_int(struct loader *ld, struct json_object *v, const char *path, int64_t min,
		   int64_t max, int64_t *ret)
{
	if (!json_object_is_type(v, json_type_int))
		return fail(ld, path, "expected an integer");
	int64_t i = json_object_get_int64(v);
	bool above = i >= 0 && json_object_get_uint64(v) > (uint64_t)max;
	if (i < min || above) {
		char shown[32];
		if (i >= 0)
			snprintf(shown, sizeof(shown), "%" PRIu64, json_object_get_uint64(v));
		else
			snprintf(shown, sizeof(shown), "%" PRId64, i);
		return fail_code(ld, ERANGE, path,
				 "%s is out of range (%" PRId64 " to %" PRId64 ")", shown, min,
				 max);
	}
	*ret = i;
	return 0;
}

/* An absolute path, lexically cleaned. */
static int val_abs_path(struct loader *ld, struct json_object *v, const char *path, char **ret)
{
	char *s;
	int r = val_string(ld, v, path, &s);

	if (r < 0)
		return r;
	if (s[0] != '/')
		return fail(ld, path, "expected an absolute path, got \"%.256s\"", s);
	*ret = moat_path_clean(ld->a, s);
	return 0;
}

/* --- typed access to obj[key]: absent (or null) leaves *ret alone -------- */

static int opt_string(struct loader *ld, struct json_object *obj, const char *parent,
		      const char *key, char **ret)
{
	struct json_object *v = field(obj, key);
	char p[JP_MAX];

	return v ? val_string(ld, v, jp_key(p, parent, key), ret) : 0;
}

/* Like opt_string, with "" meaning absent (Go's omitempty convention). */
static int opt_nonempty(struct loader *ld, struct json_object *obj, const char *parent,
			const char *key, char **ret)
{
	char *s = NULL;
	int r = opt_string(ld, obj, parent, key, &s);

	if (r == 0 && s && *s)
		*ret = s;
	return r;
}

static int opt_bool(struct loader *ld, struct json_object *obj, const char *parent, const char *key,
		    bool *ret)
{
	struct json_object *v = field(obj, key);
	char p[JP_MAX];

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return fail(ld, jp_key(p, parent, key), "expected a boolean");
	*ret = json_object_get_boolean(v);
	return 0;
}

static int opt_uint(struct loader *ld, struct json_object *obj, const char *parent, const char *key,
		    uint64_t max, bool *has, uint64_t *ret)
{
	struct json_object *v = field(obj, key);
	char p[JP_MAX];

	if (!v)
		return 0;
	int r = val_uint(ld, v, jp_key(p, parent, key), max, ret);
	if (r == 0 && has)
		*has = true;
	return r;
}

static int opt_int(struct loader *ld, struct json_object *obj, const char *parent, const char *key,
		   int64_t min, int64_t max, bool *has, int64_t *ret)
{
	struct json_object *v = field(obj, key);
	char p[JP_MAX];

	if (!v)
		return 0;
	int r = val_int(ld, v, jp_key(p, parent, key), min, max, ret);
	if (r == 0 && has)
		*has = true;
	return r;
}

/* A required unsigned integer. */
static int req_uint(struct loader *ld, struct json_object *obj, const char *parent, const char *key,
		    uint64_t max, uint64_t *ret)
{
	bool has = false;
	char p[JP_MAX];
	int r = opt_uint(ld, obj, parent, key, max, &has, ret);

	if (r == 0 && !has)
		return fail(ld, jp_key(p, parent, key), "required");
	return r;
}

static int opt_object(struct loader *ld, struct json_object *obj, const char *parent,
		      const char *key, struct json_object **ret)
{
	struct json_object *v = field(obj, key);
	char p[JP_MAX];

	*ret = NULL;
	if (v && !json_object_is_type(v, json_type_object))
		return fail(ld, jp_key(p, parent, key), "expected an object");
	*ret = v;
	return 0;
}

static int opt_array(struct loader *ld, struct json_object *obj, const char *parent,
		     const char *key, struct json_object **ret, size_t *n)
{
	struct json_object *v = field(obj, key);
	char p[JP_MAX];

	*ret = NULL;
	*n = 0;
	if (v && !json_object_is_type(v, json_type_array))
		return fail(ld, jp_key(p, parent, key), "expected an array");
	*ret = v;
	*n = v ? json_object_array_length(v) : 0;
	return 0;
}

/* Element i of an array, which must be an object. */
static int elem_object(struct loader *ld, struct json_object *arr, size_t i, const char *path,
		       struct json_object **ret)
{
	*ret = json_object_array_get_idx(arr, i);
	if (!json_object_is_type(*ret, json_type_object))
		return fail(ld, path, "expected an object");
	return 0;
}

/* An array of strings -> NULL-terminated vector; absent -> *ret NULL. */
static int opt_strv(struct loader *ld, struct json_object *obj, const char *parent, const char *key,
		    char ***ret, size_t *n)
{
	struct json_object *arr;
	char base[JP_MAX], p[JP_MAX];
	size_t len;
	int r = opt_array(ld, obj, parent, key, &arr, &len);

	if (r < 0 || !arr)
		return r;
	jp_key(base, parent, key);
	char **v = moat_arena_alloc(ld->a, (len + 1) * sizeof(*v));
	for (size_t i = 0; i < len; i++)
		if ((r = val_string(ld, json_object_array_get_idx(arr, i), jp_idx(p, base, i),
				    &v[i])) < 0)
			return r;
	*ret = v;
	if (n)
		*n = len;
	return 0;
}

/* An array of absolute paths, each cleaned. */
static int opt_abs_paths(struct loader *ld, struct json_object *obj, const char *parent,
			 const char *key, char ***ret, size_t *n)
{
	struct json_object *arr;
	char base[JP_MAX], p[JP_MAX];
	size_t len;
	int r = opt_array(ld, obj, parent, key, &arr, &len);

	if (r < 0 || !arr)
		return r;
	jp_key(base, parent, key);
	char **v = moat_arena_alloc(ld->a, (len + 1) * sizeof(*v));
	for (size_t i = 0; i < len; i++)
		if ((r = val_abs_path(ld, json_object_array_get_idx(arr, i), jp_idx(p, base, i),
				      &v[i])) < 0)
			return r;
	*ret = v;
	*n = len;
	return 0;
}

/* An object of strings -> key/value pairs in document order. */
static int opt_kv(struct loader *ld, struct json_object *obj, const char *parent, const char *key,
		  struct moat_kv **ret, size_t *n)
{
	struct json_object *map;
	char base[JP_MAX], p[JP_MAX];
	int r = opt_object(ld, obj, parent, key, &map);

	if (r < 0 || !map)
		return r;
	jp_key(base, parent, key);
	size_t len = (size_t)json_object_object_length(map), i = 0;
	struct moat_kv *kv = moat_arena_alloc(ld->a, len * sizeof(*kv));
	json_object_object_foreach(map, k, v)
	{
		jp_map(p, base, k);
		if (!v)
			return fail(ld, p, "expected a string");
		if ((r = val_string(ld, v, p, &kv[i].value)) < 0)
			return r;
		kv[i++].key = moat_arena_strdup(ld->a, k);
	}
	*ret = kv;
	*n = len;
	return 0;
}

/* --- root, hostname ------------------------------------------------------ */

static int parse_root(struct loader *ld, struct json_object *top)
{
	struct json_object *root;
	char *path = NULL;
	int r;

	if ((r = opt_object(ld, top, "", "root", &root)) < 0)
		return r;
	if (root && (r = opt_string(ld, root, "root", "path", &path)) < 0)
		return r;
	if (!path || !*path)
		return fail(ld, "root.path", "required");
	if (path[0] == '/')
		ld->spec->root_path = path;
	else if (!ld->bundle)
		return fail(ld, "root.path", "relative path \"%.256s\" needs a bundle", path);
	else
		ld->spec->root_path = moat_path_join(ld->a, ld->bundle, path);
	return opt_bool(ld, root, "root", "readonly", &ld->spec->root_readonly);
}

/* --- mounts -------------------------------------------------------------- */

enum attr_op {
	ATTR_SET,    /* "ro": set the bit */
	ATTR_CLEAR,  /* "rw": clear the bit */
	ATIME_SET,   /* "noatime": the atime mode is a field, not a bit */
	ATIME_UNSET, /* "atime": undo that mode if it is the chosen one */
};

static const struct attr_opt {
	const char *name;
	uint64_t attr;
	enum attr_op op;
} attr_opts[] = {
    {"ro", MOUNT_ATTR_RDONLY, ATTR_SET},
    {"rw", MOUNT_ATTR_RDONLY, ATTR_CLEAR},
    {"nosuid", MOUNT_ATTR_NOSUID, ATTR_SET},
    {"suid", MOUNT_ATTR_NOSUID, ATTR_CLEAR},
    {"nodev", MOUNT_ATTR_NODEV, ATTR_SET},
    {"dev", MOUNT_ATTR_NODEV, ATTR_CLEAR},
    {"noexec", MOUNT_ATTR_NOEXEC, ATTR_SET},
    {"exec", MOUNT_ATTR_NOEXEC, ATTR_CLEAR},
    {"nodiratime", MOUNT_ATTR_NODIRATIME, ATTR_SET},
    {"diratime", MOUNT_ATTR_NODIRATIME, ATTR_CLEAR},
    {"nosymfollow", MOUNT_ATTR_NOSYMFOLLOW, ATTR_SET},
    {"symfollow", MOUNT_ATTR_NOSYMFOLLOW, ATTR_CLEAR},
    {"relatime", MOUNT_ATTR_RELATIME, ATIME_SET},
    {"noatime", MOUNT_ATTR_NOATIME, ATIME_SET},
    {"strictatime", MOUNT_ATTR_STRICTATIME, ATIME_SET},
    {"norelatime", MOUNT_ATTR_RELATIME, ATIME_UNSET},
    {"atime", MOUNT_ATTR_NOATIME, ATIME_UNSET},
    {"nostrictatime", MOUNT_ATTR_STRICTATIME, ATIME_UNSET},
};

static const struct prop_opt {
	const char *name;
	unsigned long flag;
	bool rec;
} prop_opts[] = {
    {"shared", MS_SHARED, false},	  {"rshared", MS_SHARED, true},
    {"slave", MS_SLAVE, false},		  {"rslave", MS_SLAVE, true},
    {"private", MS_PRIVATE, false},	  {"rprivate", MS_PRIVATE, true},
    {"unbindable", MS_UNBINDABLE, false}, {"runbindable", MS_UNBINDABLE, true},
};

static const struct attr_opt *attr_opt_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(attr_opts); i++)
		if (strcmp(attr_opts[i].name, name) == 0)
			return &attr_opts[i];
	return NULL;
}

static void attr_apply(struct moat_mount *m, const struct attr_opt *o)
{
	switch (o->op) {
	case ATTR_SET:
		m->attr_set |= o->attr;
		m->attr_clr &= ~o->attr;
		break;
	case ATTR_CLEAR:
		m->attr_clr |= o->attr;
		m->attr_set &= ~o->attr;
		break;
	case ATIME_SET:
		/* MOUNT_ATTR_RELATIME is 0: "clear the field" is what selects it */
		m->attr_set = (m->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | o->attr;
		m->attr_clr |= MOUNT_ATTR__ATIME;
		break;
	case ATIME_UNSET:
		if ((m->attr_clr & MOUNT_ATTR__ATIME) &&
		    (m->attr_set & MOUNT_ATTR__ATIME) == o->attr) {
			m->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
			m->attr_clr &= ~(uint64_t)MOUNT_ATTR__ATIME;
		}
		break;
	}
}

/* Options that are not passed to the filesystem; false when opt is not one. */
static bool mount_flag_option(struct loader *ld, size_t idx, struct moat_mount *m, const char *opt)
{
	const struct attr_opt *a = attr_opt_find(opt);

	if (a) {
		attr_apply(m, a);
		return true;
	}
	/* "rro", "rnosuid", ...: the same attribute on the whole subtree */
	if (opt[0] == 'r' && (a = attr_opt_find(opt + 1))) {
		attr_apply(m, a);
		m->recursive_attrs = true;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(prop_opts); i++) {
		if (strcmp(prop_opts[i].name, opt) == 0) {
			m->propagation = prop_opts[i].flag;
			m->propagation_rec = prop_opts[i].rec;
			return true;
		}
	}
	if (strcmp(opt, "rbind") == 0) {
		m->kind = MOAT_MOUNT_RBIND;
		return true;
	}
	if (strcmp(opt, "bind") == 0) {
		if (m->kind == MOAT_MOUNT_FS)
			m->kind = MOAT_MOUNT_BIND;
		return true;
	}
	if (strcmp(opt, "idmap") == 0 || strcmp(opt, "ridmap") == 0) {
		ld->mount_idmap[idx] = true;
		return true;
	}
	/* mount(8) options that mean nothing to a new mount */
	return strcmp(opt, "defaults") == 0 || strcmp(opt, "silent") == 0 ||
	       strcmp(opt, "loud") == 0;
}

static int parse_mount_options(struct loader *ld, struct json_object *obj, const char *path,
			       size_t idx, struct moat_mount *m)
{
	char **opts = NULL;
	char base[JP_MAX], p[JP_MAX];
	size_t n = 0;
	int r = opt_strv(ld, obj, path, "options", &opts, &n);

	if (r < 0)
		return r;
	jp_key(base, path, "options");
	m->data = moat_arena_alloc(ld->a, (n + 1) * sizeof(*m->data));
	for (size_t i = 0; i < n; i++) {
		if (!*opts[i])
			return fail(ld, jp_idx(p, base, i), "empty option");
		if (!mount_flag_option(ld, idx, m, opts[i]))
			m->data[m->n_data++] = opts[i];
	}
	return 0;
}

/* uidMappings / gidMappings: of the user namespace or of an idmapped mount. */
static int parse_idmaps(struct loader *ld, struct json_object *obj, const char *parent,
			const char *key, struct moat_idmap **ret, size_t *ret_n)
{
	struct json_object *arr, *e;
	char base[JP_MAX], p[JP_MAX];
	size_t n;
	int r = opt_array(ld, obj, parent, key, &arr, &n);

	if (r < 0 || !arr)
		return r;
	jp_key(base, parent, key);
	struct moat_idmap *maps = moat_arena_alloc(ld->a, n * sizeof(*maps));
	for (size_t i = 0; i < n; i++) {
		uint64_t cid, hid, size;
		jp_idx(p, base, i);
		if ((r = elem_object(ld, arr, i, p, &e)) < 0 ||
		    (r = req_uint(ld, e, p, "containerID", UINT32_MAX, &cid)) < 0 ||
		    (r = req_uint(ld, e, p, "hostID", UINT32_MAX, &hid)) < 0 ||
		    (r = req_uint(ld, e, p, "size", UINT32_MAX, &size)) < 0)
			return r;
		if (size == 0)
			return fail(ld, p, "size must be at least 1");
		if (cid + size - 1 > UINT32_MAX || hid + size - 1 > UINT32_MAX)
			return fail_code(ld, ERANGE, p, "range goes past 4294967295");
		maps[i] = (struct moat_idmap){(uint32_t)cid, (uint32_t)hid, (uint32_t)size};
	}
	*ret = maps;
	*ret_n = n;
	return 0;
}

static int parse_mount_source(struct loader *ld, struct json_object *obj, const char *path,
			      struct moat_mount *m)
{
	char p[JP_MAX];
	int r = opt_string(ld, obj, path, "source", &m->source);

	if (r < 0)
		return r;
	jp_key(p, path, "source");
	if (m->kind == MOAT_MOUNT_FS) {
		if (!m->type || !*m->type)
			return fail(ld, jp_key(p, path, "type"), "required for a non-bind mount");
		return 0;
	}
	if (!m->source || !*m->source)
		return fail(ld, p, "required for a bind mount");
	if (m->source[0] != '/') {
		if (!ld->bundle)
			return fail(ld, p, "relative path \"%.256s\" needs a bundle", m->source);
		m->source = moat_path_join(ld->a, ld->bundle, m->source);
	}
	return 0;
}

static int parse_mount(struct loader *ld, struct json_object *obj, const char *path, size_t idx,
		       struct moat_mount *m)
{
	char *dest = NULL, p[JP_MAX];
	int r;

	if ((r = opt_string(ld, obj, path, "destination", &dest)) < 0)
		return r;
	if (!dest || !*dest)
		return fail(ld, jp_key(p, path, "destination"), "required");
	/* relative destinations are relative to the container's root */
	m->destination = moat_path_clean(ld->a, dest);
	if ((r = opt_string(ld, obj, path, "type", &m->type)) < 0)
		return r;
	if (m->type && strcmp(m->type, "bind") == 0)
		m->kind = MOAT_MOUNT_BIND;
	if ((r = parse_mount_options(ld, obj, path, idx, m)) < 0 ||
	    (r = parse_mount_source(ld, obj, path, m)) < 0 ||
	    (r = parse_idmaps(ld, obj, path, "uidMappings", &m->uid_mappings, &m->n_uid_mappings)) <
		0 ||
	    (r = parse_idmaps(ld, obj, path, "gidMappings", &m->gid_mappings, &m->n_gid_mappings)) <
		0)
		return r;
	if (!m->n_uid_mappings != !m->n_gid_mappings)
		return fail(ld, path, "uidMappings and gidMappings must be given together");
	return 0;
}

static int parse_mounts(struct loader *ld, struct json_object *top)
{
	struct json_object *arr, *e;
	char p[JP_MAX];
	size_t n;
	int r = opt_array(ld, top, "", "mounts", &arr, &n);

	if (r < 0 || !arr)
		return r;
	ld->spec->mounts = moat_arena_alloc(ld->a, n * sizeof(*ld->spec->mounts));
	ld->mount_idmap = moat_arena_alloc(ld->a, n * sizeof(*ld->mount_idmap));
	for (size_t i = 0; i < n; i++) {
		jp_idx(p, "mounts", i);
		if ((r = elem_object(ld, arr, i, p, &e)) < 0 ||
		    (r = parse_mount(ld, e, p, i, &ld->spec->mounts[i])) < 0)
			return r;
	}
	ld->spec->n_mounts = n;
	return 0;
}

/* --- process ------------------------------------------------------------- */

static int parse_user(struct loader *ld, struct json_object *proc)
{
	struct moat_process *pr = &ld->spec->process;
	struct json_object *user, *arr;
	const char *path = "process.user";
	char base[JP_MAX], p[JP_MAX];
	uint64_t uid = 0, gid = 0, umask = 0, g;
	size_t n;
	int r;

	if ((r = opt_object(ld, proc, "process", "user", &user)) < 0 || !user)
		return r;
	if ((r = opt_uint(ld, user, path, "uid", ID_MAX, NULL, &uid)) < 0 ||
	    (r = opt_uint(ld, user, path, "gid", ID_MAX, NULL, &gid)) < 0 ||
	    (r = opt_uint(ld, user, path, "umask", 0777, &pr->has_umask, &umask)) < 0 ||
	    (r = opt_array(ld, user, path, "additionalGids", &arr, &n)) < 0)
		return r;
	pr->uid = (uid_t)uid;
	pr->gid = (gid_t)gid;
	pr->umask = (mode_t)umask;
	jp_key(base, path, "additionalGids");
	pr->additional_gids = moat_arena_alloc(ld->a, n * sizeof(gid_t));
	for (size_t i = 0; i < n; i++) {
		r = val_uint(ld, json_object_array_get_idx(arr, i), jp_idx(p, base, i), ID_MAX, &g);
		if (r < 0)
			return r;
		pr->additional_gids[i] = (gid_t)g;
	}
	pr->n_additional_gids = n;
	return 0;
}

static int parse_args(struct loader *ld, struct json_object *proc)
{
	struct moat_process *pr = &ld->spec->process;
	struct json_object *arr = field(proc, "args");

	if (!arr || !json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) == 0)
		return fail(ld, "process.args", "expected a non-empty array of strings");
	return opt_strv(ld, proc, "process", "args", &pr->args, &pr->n_args);
}

static int parse_env(struct loader *ld, struct json_object *proc)
{
	struct moat_process *pr = &ld->spec->process;
	char p[JP_MAX];
	int r = opt_strv(ld, proc, "process", "env", &pr->env, &pr->n_env);

	if (r < 0)
		return r;
	if (!pr->env)
		pr->env = moat_arena_alloc(ld->a, sizeof(*pr->env));
	for (size_t i = 0; i < pr->n_env; i++) {
		const char *eq = strchr(pr->env[i], '=');
		if (!eq || eq == pr->env[i])
			return fail(ld, jp_idx(p, "process.env", i),
				    "\"%.64s\" is not of the form NAME=value", pr->env[i]);
	}
	return 0;
}

static int parse_cwd(struct loader *ld, struct json_object *proc)
{
	struct json_object *v = field(proc, "cwd");

	if (!v)
		return fail(ld, "process.cwd", "required");
	return val_abs_path(ld, v, "process.cwd", &ld->spec->process.cwd);
}

static int parse_caps(struct loader *ld, struct json_object *proc)
{
	struct moat_caps *caps = &ld->spec->process.caps;
	const char *path = "process.capabilities";
	struct {
		const char *name;
		uint64_t *set;
	} sets[] = {
	    {"bounding", &caps->bounding},	 {"effective", &caps->effective},
	    {"inheritable", &caps->inheritable}, {"permitted", &caps->permitted},
	    {"ambient", &caps->ambient},
	};
	struct json_object *obj;
	char base[JP_MAX], p[JP_MAX];
	int r;

	if ((r = opt_object(ld, proc, "process", "capabilities", &obj)) < 0 || !obj)
		return r;
	ld->spec->process.has_caps = true;
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		char **names = NULL;
		size_t n = 0;
		if ((r = opt_strv(ld, obj, path, sets[s].name, &names, &n)) < 0)
			return r;
		jp_key(base, path, sets[s].name);
		for (size_t i = 0; i < n; i++) {
			int cap = moat_cap_from_name(names[i]);
			if (cap < 0)
				return fail(ld, jp_idx(p, base, i), "unknown capability \"%.64s\"",
					    names[i]);
			*sets[s].set |= 1ULL << cap;
		}
	}
	return 0;
}

static int parse_rlimit(struct loader *ld, struct json_object *e, const char *path,
			struct moat_rlimit *rl)
{
	char *type = NULL, p[JP_MAX];
	int r;

	if ((r = opt_string(ld, e, path, "type", &type)) < 0)
		return r;
	if (!type)
		return fail(ld, jp_key(p, path, "type"), "required");
	rl->resource = moat_rlimit_from_name(type);
	if (rl->resource < 0)
		return fail(ld, jp_key(p, path, "type"), "unknown rlimit \"%.64s\"", type);
	rl->name = moat_rlimit_name(rl->resource);
	if ((r = req_uint(ld, e, path, "soft", UINT64_MAX, &rl->soft)) < 0 ||
	    (r = req_uint(ld, e, path, "hard", UINT64_MAX, &rl->hard)) < 0)
		return r;
	if (rl->soft > rl->hard)
		return fail(ld, path, "soft limit %" PRIu64 " is above hard limit %" PRIu64,
			    rl->soft, rl->hard);
	return 0;
}

static int parse_rlimits(struct loader *ld, struct json_object *proc)
{
	struct moat_process *pr = &ld->spec->process;
	struct json_object *arr, *e;
	char p[JP_MAX], tp[JP_MAX];
	size_t n;
	int r = opt_array(ld, proc, "process", "rlimits", &arr, &n);

	if (r < 0 || !arr)
		return r;
	pr->rlimits = moat_arena_alloc(ld->a, n * sizeof(*pr->rlimits));
	for (size_t i = 0; i < n; i++) {
		jp_idx(p, "process.rlimits", i);
		if ((r = elem_object(ld, arr, i, p, &e)) < 0 ||
		    (r = parse_rlimit(ld, e, p, &pr->rlimits[i])) < 0)
			return r;
		for (size_t j = 0; j < i; j++)
			if (pr->rlimits[j].resource == pr->rlimits[i].resource)
				return fail(ld, jp_key(tp, p, "type"), "duplicate rlimit \"%s\"",
					    pr->rlimits[i].name);
	}
	pr->n_rlimits = n;
	return 0;
}

static int parse_console_size(struct loader *ld, struct json_object *proc)
{
	struct moat_process *pr = &ld->spec->process;
	const char *path = "process.consoleSize";
	struct json_object *cs;
	uint64_t h, w;
	int r;

	if ((r = opt_object(ld, proc, "process", "consoleSize", &cs)) < 0 || !cs)
		return r;
	/* struct winsize holds unsigned shorts */
	if ((r = req_uint(ld, cs, path, "height", USHRT_MAX, &h)) < 0 ||
	    (r = req_uint(ld, cs, path, "width", USHRT_MAX, &w)) < 0)
		return r;
	pr->has_console_size = true;
	pr->console_height = (unsigned)h;
	pr->console_width = (unsigned)w;
	return 0;
}

static int parse_process(struct loader *ld, struct json_object *top)
{
	struct moat_process *pr = &ld->spec->process;
	struct json_object *proc;
	int64_t oom = 0;
	int r;

	if ((r = opt_object(ld, top, "", "process", &proc)) < 0 || !proc)
		return r;
	ld->spec->has_process = true;
	if ((r = opt_bool(ld, proc, "process", "terminal", &pr->terminal)) < 0 ||
	    (r = parse_console_size(ld, proc)) < 0 || (r = parse_user(ld, proc)) < 0 ||
	    (r = parse_args(ld, proc)) < 0 || (r = parse_env(ld, proc)) < 0 ||
	    (r = parse_cwd(ld, proc)) < 0 || (r = parse_caps(ld, proc)) < 0 ||
	    (r = parse_rlimits(ld, proc)) < 0 ||
	    (r = opt_bool(ld, proc, "process", "noNewPrivileges", &pr->no_new_privileges)) < 0 ||
	    (r = opt_int(ld, proc, "process", "oomScoreAdj", -1000, 1000, &pr->has_oom_score_adj,
			 &oom)) < 0 ||
	    (r = opt_nonempty(ld, proc, "process", "apparmorProfile", &pr->apparmor_profile)) < 0 ||
	    (r = opt_nonempty(ld, proc, "process", "selinuxLabel", &pr->selinux_label)) < 0)
		return r;
	pr->oom_score_adj = (int)oom;
	return 0;
}

/* --- hooks, annotations -------------------------------------------------- */

static const char *const hook_keys[MOAT_HOOK__COUNT] = {
    [MOAT_HOOK_PRESTART] = "prestart",
    [MOAT_HOOK_CREATE_RUNTIME] = "createRuntime",
    [MOAT_HOOK_CREATE_CONTAINER] = "createContainer",
    [MOAT_HOOK_START_CONTAINER] = "startContainer",
    [MOAT_HOOK_POSTSTART] = "poststart",
    [MOAT_HOOK_POSTSTOP] = "poststop",
};

const char *moat_hook_kind_name(enum moat_hook_kind kind)
{
	return hook_keys[kind];
}

static int parse_hook(struct loader *ld, struct json_object *e, const char *path,
		      struct moat_hook *h)
{
	struct json_object *v = field(e, "path");
	char p[JP_MAX];
	int64_t timeout = 0;
	int r;

	if (!v)
		return fail(ld, jp_key(p, path, "path"), "required");
	if ((r = val_string(ld, v, jp_key(p, path, "path"), &h->path)) < 0)
		return r;
	if (h->path[0] != '/')
		return fail(ld, p, "expected an absolute path, got \"%.256s\"", h->path);
	if ((r = opt_strv(ld, e, path, "args", &h->args, NULL)) < 0 ||
	    (r = opt_strv(ld, e, path, "env", &h->env, NULL)) < 0 ||
	    (r = opt_int(ld, e, path, "timeout", 1, INT_MAX, NULL, &timeout)) < 0)
		return r;
	h->timeout = (int)timeout;
	return 0;
}

static int parse_hooks(struct loader *ld, struct json_object *top)
{
	struct json_object *hooks, *arr, *e;
	char base[JP_MAX], p[JP_MAX];
	size_t n;
	int r;

	if ((r = opt_object(ld, top, "", "hooks", &hooks)) < 0 || !hooks)
		return r;
	for (int k = 0; k < MOAT_HOOK__COUNT; k++) {
		struct moat_hook_list *l = &ld->spec->hooks[k];
		if ((r = opt_array(ld, hooks, "hooks", hook_keys[k], &arr, &n)) < 0)
			return r;
		jp_key(base, "hooks", hook_keys[k]);
		l->hooks = moat_arena_alloc(ld->a, n * sizeof(*l->hooks));
		for (size_t i = 0; i < n; i++) {
			jp_idx(p, base, i);
			if ((r = elem_object(ld, arr, i, p, &e)) < 0 ||
			    (r = parse_hook(ld, e, p, &l->hooks[i])) < 0)
				return r;
		}
		l->n = n;
	}
	return 0;
}

/* --- linux --------------------------------------------------------------- */

static int parse_namespace(struct loader *ld, struct json_object *e, const char *path, size_t i)
{
	struct moat_namespace *ns = &ld->spec->namespaces[i];
	char *type = NULL, *nspath = NULL, p[JP_MAX];
	int r;

	if ((r = opt_string(ld, e, path, "type", &type)) < 0)
		return r;
	jp_key(p, path, "type");
	if (!type)
		return fail(ld, p, "required");
	ns->type = moat_ns_type_from_name(type);
	if (ns->type < 0)
		return fail(ld, p, "unknown namespace \"%.64s\"", type);
	for (size_t j = 0; j < i; j++)
		if (ld->spec->namespaces[j].type == ns->type)
			return fail(ld, p, "duplicate namespace \"%s\"", type);
	if ((r = opt_string(ld, e, path, "path", &nspath)) < 0)
		return r;
	if (nspath && *nspath) {
		if (nspath[0] != '/')
			return fail(ld, jp_key(p, path, "path"),
				    "expected an absolute path, got \"%.256s\"", nspath);
		ns->path = nspath;
	}
	return 0;
}

static int parse_namespaces(struct loader *ld, struct json_object *lx)
{
	struct json_object *arr, *e;
	char p[JP_MAX];
	size_t n;
	int r = opt_array(ld, lx, "linux", "namespaces", &arr, &n);

	if (r < 0 || !arr)
		return r;
	ld->spec->namespaces = moat_arena_alloc(ld->a, n * sizeof(*ld->spec->namespaces));
	for (size_t i = 0; i < n; i++) {
		jp_idx(p, "linux.namespaces", i);
		if ((r = elem_object(ld, arr, i, p, &e)) < 0 ||
		    (r = parse_namespace(ld, e, p, i)) < 0)
			return r;
		/* count as we go: duplicates are checked against the parsed ones */
		ld->spec->n_namespaces = i + 1;
	}
	return 0;
}

static int parse_time_offsets(struct loader *ld, struct json_object *lx)
{
	struct json_object *obj;
	char p[JP_MAX];
	int r;

	if ((r = opt_object(ld, lx, "linux", "timeOffsets", &obj)) < 0 || !obj)
		return r;
	json_object_object_foreach(obj, clock, v)
	{
		struct moat_time_offset *t = NULL;
		uint64_t ns = 0;
		jp_map(p, "linux.timeOffsets", clock);
		if (strcmp(clock, "monotonic") == 0)
			t = &ld->spec->time_monotonic;
		else if (strcmp(clock, "boottime") == 0)
			t = &ld->spec->time_boottime;
		else
			return fail(ld, p, "unknown clock (monotonic or boottime)");
		if (!v || !json_object_is_type(v, json_type_object))
			return fail(ld, p, "expected an object");
		/* the kernel wants nanoseconds below one second */
		if ((r = opt_int(ld, v, p, "secs", INT64_MIN, INT64_MAX, NULL, &t->secs)) < 0 ||
		    (r = opt_uint(ld, v, p, "nanosecs", 999999999, NULL, &ns)) < 0)
			return r;
		t->nanosecs = (uint32_t)ns;
		t->set = true;
	}
	return 0;
}

/* What the kernel's dev_valid_name() accepts. */
static bool ifname_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > IFNAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *c = name; *c; c++)
		if (*c == '/' || *c == ':' || *c == ' ' || (*c >= '\t' && *c <= '\r'))
			return false;
	return true;
}

static int parse_net_devices(struct loader *ld, struct json_object *lx)
{
	struct moat_spec *spec = ld->spec;
	struct json_object *obj;
	char p[JP_MAX], np[JP_MAX];
	int r;

	if ((r = opt_object(ld, lx, "linux", "netDevices", &obj)) < 0 || !obj)
		return r;
	size_t n = (size_t)json_object_object_length(obj), i = 0;
	spec->net_devices = moat_arena_alloc(ld->a, n * sizeof(*spec->net_devices));
	json_object_object_foreach(obj, host, v)
	{
		struct moat_kv *d = &spec->net_devices[i];
		jp_map(p, "linux.netDevices", host);
		if (!ifname_valid(host))
			return fail(ld, p, "invalid interface name \"%.64s\"", host);
		if (!v || !json_object_is_type(v, json_type_object))
			return fail(ld, p, "expected an object");
		d->key = moat_arena_strdup(ld->a, host);
		if ((r = opt_string(ld, v, p, "name", &d->value)) < 0)
			return r;
		if (!d->value)
			d->value = d->key;
		if (!ifname_valid(d->value))
			return fail(ld, jp_key(np, p, "name"), "invalid interface name \"%.64s\"",
				    d->value);
		/* "eth%d" lets the kernel pick a free name, so it may repeat */
		for (size_t j = 0; j < i && !strchr(d->value, '%'); j++)
			if (strcmp(spec->net_devices[j].value, d->value) == 0)
				return fail(ld, jp_key(np, p, "name"), "duplicate name \"%s\"",
					    d->value);
		spec->n_net_devices = ++i;
	}
	return 0;
}

static int parse_device_numbers(struct loader *ld, struct json_object *e, const char *path,
				struct moat_device *d)
{
	bool has_major = false, has_minor = false;
	uint64_t major = 0, minor = 0;
	char p[JP_MAX];
	int r;

	if ((r = opt_uint(ld, e, path, "major", DEV_MAJOR_MAX, &has_major, &major)) < 0 ||
	    (r = opt_uint(ld, e, path, "minor", DEV_MINOR_MAX, &has_minor, &minor)) < 0)
		return r;
	if (d->type != 'p' && !has_major)
		return fail(ld, jp_key(p, path, "major"), "required for a '%c' device", d->type);
	if (d->type != 'p' && !has_minor)
		return fail(ld, jp_key(p, path, "minor"), "required for a '%c' device", d->type);
	d->major = (int64_t)major;
	d->minor = (int64_t)minor;
	return 0;
}

static int parse_device(struct loader *ld, struct json_object *e, const char *path,
			struct moat_device *d)
{
	struct json_object *v = field(e, "path");
	char *type = NULL, p[JP_MAX];
	uint64_t mode = 0, uid = 0, gid = 0;
	int r;

	if (!v)
		return fail(ld, jp_key(p, path, "path"), "required");
	if ((r = val_abs_path(ld, v, jp_key(p, path, "path"), &d->path)) < 0 ||
	    (r = opt_string(ld, e, path, "type", &type)) < 0)
		return r;
	jp_key(p, path, "type");
	if (!type)
		return fail(ld, p, "required");
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return fail(ld, p, "unknown device type \"%.16s\" (c, b, u or p)", type);
	/* 'u' is an unbuffered character device: the same node as 'c' */
	d->type = type[0] == 'u' ? 'c' : type[0];
	/* fileMode may carry the S_IFMT bits; only the permission bits are used */
	if ((r = parse_device_numbers(ld, e, path, d)) < 0 ||
	    (r = opt_uint(ld, e, path, "fileMode", 0177777, &d->has_mode, &mode)) < 0 ||
	    (r = opt_uint(ld, e, path, "uid", ID_MAX, &d->has_uid, &uid)) < 0 ||
	    (r = opt_uint(ld, e, path, "gid", ID_MAX, &d->has_gid, &gid)) < 0)
		return r;
	d->mode = (mode_t)(mode & 07777);
	d->uid = (uid_t)uid;
	d->gid = (gid_t)gid;
	return 0;
}

static int parse_devices(struct loader *ld, struct json_object *lx)
{
	struct json_object *arr, *e;
	char p[JP_MAX];
	size_t n;
	int r = opt_array(ld, lx, "linux", "devices", &arr, &n);

	if (r < 0 || !arr)
		return r;
	ld->spec->devices = moat_arena_alloc(ld->a, n * sizeof(*ld->spec->devices));
	for (size_t i = 0; i < n; i++) {
		jp_idx(p, "linux.devices", i);
		if ((r = elem_object(ld, arr, i, p, &e)) < 0 ||
		    (r = parse_device(ld, e, p, &ld->spec->devices[i])) < 0)
			return r;
	}
	ld->spec->n_devices = n;
	return 0;
}

static int parse_rootfs_propagation(struct loader *ld, struct json_object *lx)
{
	char *s = NULL;
	int r = opt_string(ld, lx, "linux", "rootfsPropagation", &s);

	if (r < 0 || !s || !*s)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(prop_opts); i++) {
		if (strcmp(prop_opts[i].name, s) == 0) {
			ld->spec->rootfs_propagation =
			    prop_opts[i].flag | (prop_opts[i].rec ? MS_REC : 0);
			return 0;
		}
	}
	return fail(ld, "linux.rootfsPropagation", "unknown propagation \"%.64s\"", s);
}

static int parse_personality(struct loader *ld, struct json_object *lx)
{
	struct moat_personality *pers = &ld->spec->personality;
	const char *path = "linux.personality";
	struct json_object *obj;
	char **flags = NULL, *domain = NULL, p[JP_MAX];
	size_t n = 0;
	int r;

	if ((r = opt_object(ld, lx, "linux", "personality", &obj)) < 0 || !obj)
		return r;
	if ((r = opt_string(ld, obj, path, "domain", &domain)) < 0)
		return r;
	if (!domain)
		return fail(ld, "linux.personality.domain", "required");
	if (strcmp(domain, "LINUX") == 0)
		pers->domain = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		pers->domain = PER_LINUX32;
	else
		return fail(ld, "linux.personality.domain",
			    "unknown domain \"%.64s\" (LINUX or LINUX32)", domain);
	if ((r = opt_strv(ld, obj, path, "flags", &flags, &n)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		long f = moat_personality_flag_from_name(flags[i]);
		if (f < 0)
			return fail(ld, jp_idx(p, "linux.personality.flags", i),
				    "unknown flag \"%.64s\"", flags[i]);
		pers->flags |= (unsigned long)f;
	}
	pers->set = true;
	return 0;
}

static int parse_linux_sections(struct loader *ld, struct json_object *lx)
{
	struct json_object *res, *sc;
	int r;

	if ((r = opt_object(ld, lx, "linux", "resources", &res)) < 0 ||
	    (res && (r = spec_parse_resources(res, ld->a, &ld->spec->resources, ld->err)) < 0))
		return r;
	if ((r = opt_object(ld, lx, "linux", "seccomp", &sc)) < 0 ||
	    (sc && (r = spec_parse_seccomp(sc, ld->a, &ld->spec->seccomp, ld->err)) < 0))
		return r;
	return 0;
}

static int parse_linux(struct loader *ld, struct json_object *top)
{
	struct moat_spec *s = ld->spec;
	struct json_object *lx;
	int r;

	if ((r = opt_object(ld, top, "", "linux", &lx)) < 0 || !lx)
		return r;
	if ((r = parse_namespaces(ld, lx)) < 0 ||
	    (r = parse_idmaps(ld, lx, "linux", "uidMappings", &s->uid_mappings,
			      &s->n_uid_mappings)) < 0 ||
	    (r = parse_idmaps(ld, lx, "linux", "gidMappings", &s->gid_mappings,
			      &s->n_gid_mappings)) < 0 ||
	    (r = parse_time_offsets(ld, lx)) < 0 || (r = parse_net_devices(ld, lx)) < 0 ||
	    (r = parse_devices(ld, lx)) < 0 ||
	    (r = opt_abs_paths(ld, lx, "linux", "maskedPaths", &s->masked_paths,
			       &s->n_masked_paths)) < 0 ||
	    (r = opt_abs_paths(ld, lx, "linux", "readonlyPaths", &s->readonly_paths,
			       &s->n_readonly_paths)) < 0 ||
	    (r = parse_rootfs_propagation(ld, lx)) < 0 ||
	    (r = opt_kv(ld, lx, "linux", "sysctl", &s->sysctl, &s->n_sysctl)) < 0 ||
	    (r = parse_personality(ld, lx)) < 0 ||
	    (r = opt_string(ld, lx, "linux", "cgroupsPath", &s->cgroups_path)) < 0 ||
	    (r = opt_nonempty(ld, lx, "linux", "mountLabel", &s->mount_label)) < 0)
		return r;
	return parse_linux_sections(ld, lx);
}

/* --- checks across sections ---------------------------------------------- */

static int check_user_namespace(struct loader *ld)
{
	const struct moat_spec *s = ld->spec;
	const struct moat_namespace *user = moat_spec_namespace(s, CLONE_NEWUSER);

	/* as runc: a new user namespace without mappings maps nobody, and
	 * mappings without one would be silently ignored */
	if (user && !user->path) {
		if (!s->n_uid_mappings)
			return fail(ld, "linux.uidMappings", "required with a new user namespace");
		if (!s->n_gid_mappings)
			return fail(ld, "linux.gidMappings", "required with a new user namespace");
	}
	if (!user && s->n_uid_mappings)
		return fail(ld, "linux.uidMappings", "given without a user namespace");
	if (!user && s->n_gid_mappings)
		return fail(ld, "linux.gidMappings", "given without a user namespace");
	return 0;
}

/* "idmap" without mappings on the mount uses the container's (config.md). */
static int check_idmapped_mounts(struct loader *ld)
{
	struct moat_spec *s = ld->spec;
	char mp[JP_MAX], p[JP_MAX];

	for (size_t i = 0; i < s->n_mounts; i++) {
		struct moat_mount *m = &s->mounts[i];
		if (!ld->mount_idmap[i] || m->n_uid_mappings)
			continue;
		if (!s->n_uid_mappings || !s->n_gid_mappings)
			return fail(ld, jp_key(p, jp_idx(mp, "mounts", i), "options"),
				    "\"idmap\" needs uidMappings and gidMappings on the mount or "
				    "a user namespace");
		m->uid_mappings = s->uid_mappings;
		m->n_uid_mappings = s->n_uid_mappings;
		m->gid_mappings = s->gid_mappings;
		m->n_gid_mappings = s->n_gid_mappings;
	}
	return 0;
}

static int check_namespaces(struct loader *ld)
{
	const struct moat_spec *s = ld->spec;
	const struct moat_namespace *time_ns = moat_spec_namespace(s, CLONE_NEWTIME);
	int r;

	if ((r = check_user_namespace(ld)) < 0 || (r = check_idmapped_mounts(ld)) < 0)
		return r;
	if ((s->time_monotonic.set || s->time_boottime.set) && (!time_ns || time_ns->path))
		return fail(ld, "linux.timeOffsets", "requires a new time namespace");
	if (s->hostname && !moat_spec_namespace(s, CLONE_NEWUTS))
		return fail(ld, "hostname", "requires a uts namespace");
	if (s->domainname && !moat_spec_namespace(s, CLONE_NEWUTS))
		return fail(ld, "domainname", "requires a uts namespace");
	if (s->n_net_devices && !moat_spec_namespace(s, CLONE_NEWNET))
		return fail(ld, "linux.netDevices", "requires a network namespace");
	return 0;
}

/* --- JSON text ----------------------------------------------------------- */

static size_t line_of(const char *json, size_t len, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off && i < len; i++)
		line += json[i] == '\n';
	return line;
}

/*
 * json-c saturates integers beyond 64 bits (2^64 reads as UINT64_MAX), which
 * would turn a typo into "unlimited".  Find such literals in the text: the
 * offset of the first one, or len.
 */
static size_t find_huge_integer(const char *json, size_t len)
{
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = json[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
			continue;
		}
		if (c != '-' && (c < '0' || c > '9'))
			continue;
		size_t start = i, d0 = i + (c == '-');
		while (i < len && json[i] && strchr("0123456789+-.eE", json[i]))
			i++;
		const char *num = json + d0;
		size_t nd = i - d0;
		if (memchr(num, '.', nd) || memchr(num, 'e', nd) || memchr(num, 'E', nd))
			continue; /* a double: reported as "expected an integer" */
		const char *lim = c == '-' ? "9223372036854775808" : "18446744073709551615";
		size_t nl = strlen(lim);
		if (nd > nl || (nd == nl && memcmp(num, lim, nl) > 0))
			return start;
		i--;
	}
	return len;
}

static int parse_json(const char *json, size_t len, struct json_object **ret, struct moat_err *err)
{
	const char *why = NULL;
	size_t end;

	if (len > CONFIG_MAX)
		return moat_err_setx(err, EFBIG, "larger than %d MiB", CONFIG_MAX >> 20);
	struct json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
	if (!tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *obj = json_tokener_parse_ex(tok, json, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!obj) {
		why = jerr == json_tokener_continue || jerr == json_tokener_success
			  ? "unexpected end of data"
			  : json_tokener_error_desc(jerr);
	} else {
		while (end < len && strchr(" \t\r\n", json[end]) && json[end])
			end++;
		if (end < len)
			why = "unexpected data after the top-level value";
		else if ((end = find_huge_integer(json, len)) < len)
			why = "integer out of 64-bit range";
	}
	if (why) {
		json_object_put(obj);
		return moat_err_setx(err, EINVAL, "invalid JSON at line %zu: %s",
				     line_of(json, len, end), why);
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return moat_err_setx(err, EINVAL, "expected a JSON object at the top level");
	}
	*ret = obj;
	return 0;
}

/* --- public -------------------------------------------------------------- */

static int parse_all(struct loader *ld, struct json_object *top)
{
	struct moat_spec *s = ld->spec;
	int r;

	if ((r = opt_string(ld, top, "", "ociVersion", &s->oci_version)) < 0 ||
	    (r = parse_root(ld, top)) < 0 ||
	    (r = opt_nonempty(ld, top, "", "hostname", &s->hostname)) < 0 ||
	    (r = opt_nonempty(ld, top, "", "domainname", &s->domainname)) < 0 ||
	    (r = parse_mounts(ld, top)) < 0 || (r = parse_process(ld, top)) < 0 ||
	    (r = parse_hooks(ld, top)) < 0 ||
	    (r = opt_kv(ld, top, "", "annotations", &s->annotations, &s->n_annotations)) < 0 ||
	    (r = parse_linux(ld, top)) < 0)
		return r;
	return check_namespaces(ld);
}

int moat_spec_load_string(const char *json, size_t len, const char *bundle,
			  struct moat_spec **ret_spec, struct moat_err *err)
{
	struct json_object *top = NULL;
	int r;

	/* relative paths in the config are resolved against it */
	if (bundle && bundle[0] != '/')
		return moat_err_setx(err, EINVAL, "bundle %s: expected an absolute path", bundle);
	if ((r = parse_json(json, len, &top, err)) < 0)
		return r;
	struct moat_spec *spec = calloc(1, sizeof(*spec));
	if (!spec)
		abort();
	struct loader ld = {.spec = spec, .a = &spec->arena, .bundle = bundle, .err = err};
	r = parse_all(&ld, top);
	json_object_put(top);
	if (r < 0) {
		moat_spec_free(spec);
		return r;
	}
	*ret_spec = spec;
	return 0;
}

/* The whole file, NUL-terminated, at most CONFIG_MAX bytes. */
static int read_config(const char *path, char **ret, size_t *ret_len, struct moat_err *err)
{
	int r = sys_read_all(AT_FDCWD, path, CONFIG_MAX, ret, ret_len);

	if (r == -EFBIG)
		return moat_err_setx(err, EFBIG, "larger than %d MiB", CONFIG_MAX >> 20);
	if (r < 0)
		return moat_err_set(err, -r, "open %s", path);
	return 0;
}

int moat_spec_load_bundle(const char *bundle, struct moat_spec **ret_spec, struct moat_err *err)
{
	char *abs = realpath(bundle, NULL), *path, *json = NULL;
	size_t len = 0;
	int r;

	if (!abs)
		return moat_err_set(err, errno, "bundle %s", bundle);
	if (asprintf(&path, "%s/config.json", strcmp(abs, "/") == 0 ? "" : abs) < 0)
		abort();
	r = read_config(path, &json, &len, err);
	free(path);
	if (r == 0) {
		r = moat_spec_load_string(json, len, abs, ret_spec, err);
		free(json);
	}
	free(abs);
	return r < 0 ? moat_err_prefix(err, "config.json") : 0;
}

void moat_spec_free(struct moat_spec *spec)
{
	if (!spec)
		return;
	moat_arena_free(&spec->arena);
	free(spec);
}

const struct moat_namespace *moat_spec_namespace(const struct moat_spec *spec, int type)
{
	for (size_t i = 0; i < spec->n_namespaces; i++)
		if (spec->namespaces[i].type == type)
			return &spec->namespaces[i];
	return NULL;
}
