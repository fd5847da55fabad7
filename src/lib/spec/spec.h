/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The validated, JSON-free form of an OCI config.json.
 *
 * Config flows one way: config.json -> moat_spec_load() -> struct moat_spec ->
 * the runtime.  Nothing outside src/lib/spec/ sees JSON.  The loader checks
 * types and values (unknown fields are ignored, wrong types are errors) and
 * converts names to kernel values (namespace types to CLONE_NEW*, mount
 * options to MS_ / MOUNT_ATTR_ flags, capability names to bits, rlimit names
 * to RLIMIT_*), so the start path does no string work.
 *
 * Every pointer inside points into spec->arena; moat_spec_free() frees all.
 * Absent optional values are NULL / 0 with a has_* flag where 0 is valid.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/err.h"
#include "spec/resources.h"
#include "spec/seccomp.h"

struct moat_kv {
	char *key;
	char *value;
};

struct moat_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

enum moat_mount_kind {
	MOAT_MOUNT_FS,    /* a filesystem instance: proc, tmpfs, sysfs, devpts, mqueue, cgroup, ... */
	MOAT_MOUNT_BIND,  /* "bind" option or type "bind" */
	MOAT_MOUNT_RBIND, /* "rbind" option */
};

struct moat_mount {
	char *destination; /* absolute, cleaned ("/a/b", no "." or ".." or "//") */
	char *source;      /* bind: absolute path (relative ones made absolute against the bundle) */
	char *type;        /* may be NULL for bind mounts */
	enum moat_mount_kind kind;
	/* MOUNT_ATTR_* bits to set and to clear (ro, nosuid, nodev, noexec,
	 * relatime, noatime, strictatime, nodiratime, and their negations). */
	uint64_t attr_set;
	uint64_t attr_clr;
	/* MS_SHARED / MS_SLAVE / MS_PRIVATE / MS_UNBINDABLE, 0 when absent;
	 * propagation_rec is true for the r* variants. */
	unsigned long propagation;
	bool propagation_rec;
	bool recursive_attrs; /* "rro", "rnosuid", ... : apply attrs with AT_RECURSIVE */
	/* Filesystem-specific options in order, e.g. "mode=755", "size=65536k", "newinstance".
	 * Each entry is "key" or "key=value". */
	char **data;
	size_t n_data;
	struct moat_idmap *uid_mappings; /* idmapped mounts (runtime-spec 1.1) */
	size_t n_uid_mappings;
	struct moat_idmap *gid_mappings;
	size_t n_gid_mappings;
};

struct moat_namespace {
	int type;   /* CLONE_NEWNS, CLONE_NEWPID, ... CLONE_NEWTIME */
	char *path; /* NULL: create a new one; else join the namespace at path */
};

struct moat_device {
	char *path; /* absolute, cleaned, inside the container */
	char type;  /* 'c', 'b', 'u' (== 'c'), 'p' */
	int64_t major, minor;
	bool has_mode;
	mode_t mode; /* permission bits only */
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;
};

struct moat_rlimit {
	int resource; /* RLIMIT_* */
	const char *name; /* "RLIMIT_NOFILE", static string */
	uint64_t soft, hard;
};

struct moat_caps {
	uint64_t bounding, effective, inheritable, permitted, ambient; /* bit n = capability n */
};

struct moat_hook {
	char *path;  /* absolute */
	char **args; /* NULL-terminated; may be NULL (then argv = { path }) */
	char **env;  /* NULL-terminated; may be NULL (empty environment) */
	int timeout; /* seconds, 0 = none */
};

enum moat_hook_kind {
	MOAT_HOOK_PRESTART,
	MOAT_HOOK_CREATE_RUNTIME,
	MOAT_HOOK_CREATE_CONTAINER,
	MOAT_HOOK_START_CONTAINER,
	MOAT_HOOK_POSTSTART,
	MOAT_HOOK_POSTSTOP,
	MOAT_HOOK__COUNT,
};

struct moat_hook_list {
	struct moat_hook *hooks;
	size_t n;
};

struct moat_process {
	bool terminal;
	bool has_console_size;
	unsigned console_height, console_width;
	uid_t uid;
	gid_t gid;
	bool has_umask;
	mode_t umask;
	gid_t *additional_gids;
	size_t n_additional_gids;
	char **args; /* NULL-terminated, n_args >= 1 */
	size_t n_args;
	char **env;  /* NULL-terminated, may be empty */
	size_t n_env;
	char *cwd;   /* absolute, cleaned */
	bool has_caps;
	struct moat_caps caps;
	struct moat_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *apparmor_profile; /* kept for the LSM work; NULL when absent */
	char *selinux_label;
};

struct moat_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

struct moat_personality {
	bool set;
	unsigned long domain; /* PER_LINUX or PER_LINUX32 */
	unsigned long flags;  /* ADDR_NO_RANDOMIZE, ... */
};

struct moat_spec {
	struct moat_arena arena;

	char *oci_version;
	char *root_path; /* absolute (relative root.path resolved against the bundle) */
	bool root_readonly;
	char *hostname;   /* NULL when absent */
	char *domainname; /* NULL when absent */

	struct moat_mount *mounts;
	size_t n_mounts;

	bool has_process; /* process is optional for some operations; create requires it */
	struct moat_process process;

	struct moat_hook_list hooks[MOAT_HOOK__COUNT];

	struct moat_kv *annotations;
	size_t n_annotations;

	/* linux */
	struct moat_namespace *namespaces;
	size_t n_namespaces;
	struct moat_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct moat_idmap *gid_mappings;
	size_t n_gid_mappings;
	struct moat_time_offset time_monotonic, time_boottime;
	struct moat_kv *net_devices; /* key: host interface name, value: name inside (== key when absent) */
	size_t n_net_devices;
	struct moat_device *devices;
	size_t n_devices;
	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	/* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE, with MS_REC for r*; 0 = absent */
	unsigned long rootfs_propagation;
	struct moat_kv *sysctl;
	size_t n_sysctl;
	struct moat_personality personality;
	char *cgroups_path; /* NULL when absent */
	char *mount_label;

	/* linux.resources and linux.seccomp, NULL when absent.  Their parsers live
	 * in spec/resources.c and spec/seccomp.c (called by the loader). */
	struct moat_resources *resources;
	struct moat_seccomp *seccomp;
};

/* Parse and validate config JSON text. bundle is an absolute path used to
 * resolve root.path and relative bind sources. On error *err holds a message
 * like "process.args: expected a non-empty array of strings" (the caller
 * prefixes the file name). */
int moat_spec_load_string(const char *json, size_t len, const char *bundle,
			  struct moat_spec **ret_spec, struct moat_err *err);
/* Read <bundle>/config.json; errors are prefixed with "config.json". */
int moat_spec_load_bundle(const char *bundle, struct moat_spec **ret_spec, struct moat_err *err);
void moat_spec_free(struct moat_spec *spec);

/* "prestart", "createRuntime", ... (the config.json key of a hook kind). */
const char *moat_hook_kind_name(enum moat_hook_kind kind);

/* Lookups on a loaded spec. */
const struct moat_namespace *moat_spec_namespace(const struct moat_spec *spec, int type);
