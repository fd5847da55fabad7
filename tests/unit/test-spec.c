/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The config loader: one full config that uses every field, and one fixture
 * per rejection with the exact message a user would see.
 * Fixtures: $MOAT_TEST_DATA/spec/ (tests/unit/data/spec/).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "spec/spec.h"

#define BUNDLE "/srv/bundle"

static char data_dir[PATH_MAX];

static char *read_fixture(const char *name, size_t *len)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	FILE *f = fopen(path, "re");
	if (!f) {
		printf("# cannot open %s\n", path);
		return NULL;
	}
	char *buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	if (buf)
		buf[*len] = '\0';
	fclose(f);
	return buf;
}

static int load_fixture(const char *name, struct moat_spec **spec, struct moat_err *err)
{
	size_t len;
	char *json = read_fixture(name, &len);
	if (!json)
		return -ENOENT;
	int r = moat_spec_load_string(json, len, BUNDLE, spec, err);
	free(json);
	return r;
}

static int load_text(const char *json, struct moat_spec **spec, struct moat_err *err)
{
	return moat_spec_load_string(json, strlen(json), BUNDLE, spec, err);
}

static void test_full_top(const struct moat_spec *s)
{
	CHECK_STR(s->oci_version, "1.2.0", "ociVersion");
	CHECK_STR(s->root_path, BUNDLE "/rootfs", "a relative root.path is made absolute");
	CHECK(s->root_readonly, "root.readonly");
	CHECK_STR(s->hostname, "moat-host", "hostname");
	CHECK_STR(s->domainname, "example.org", "domainname");
	CHECK(s->n_annotations == 2, "two annotations");
	CHECK_STR(s->annotations[0].key, "org.example.key", "annotations keep document order");
	CHECK_STR(s->annotations[0].value, "value", "annotation value");
	CHECK_STR(s->annotations[1].value, "", "an empty annotation value is kept");
}

static void test_full_fs_mounts(const struct moat_spec *s)
{
	const struct moat_mount *m = s->mounts;

	CHECK(s->n_mounts == 10, "ten mounts");
	CHECK_STR(m[0].destination, "/proc", "mounts[0].destination");
	CHECK_STR(m[0].type, "proc", "mounts[0].type");
	CHECK_STR(m[0].source, "proc", "a filesystem source is kept as is");
	CHECK(m[0].kind == MOAT_MOUNT_FS && m[0].attr_set == 0 && m[0].attr_clr == 0 &&
		  m[0].n_data == 0,
	      "proc: a plain filesystem mount");
	CHECK(m[1].attr_set == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME) &&
		  m[1].attr_clr == MOUNT_ATTR__ATIME,
	      "/dev: nosuid + strictatime (the atime field is cleared first)");
	CHECK(m[1].n_data == 2, "/dev: \"defaults\" is dropped");
	CHECK_STR(m[1].data[0], "mode=755", "/dev: data keeps order");
	CHECK_STR(m[1].data[1], "size=65536k", "/dev: size");
	CHECK_STR(m[2].destination, "/dev/pts", "a relative destination is made absolute");
	CHECK(m[2].attr_set == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC), "devpts: nosuid noexec");
	CHECK(m[2].n_data == 4 && strcmp(m[2].data[0], "newinstance") == 0 &&
		  strcmp(m[2].data[1], "ptmxmode=0666") == 0 &&
		  strcmp(m[2].data[2], "mode=0620") == 0 && strcmp(m[2].data[3], "gid=5") == 0,
	      "devpts: newinstance ptmxmode mode gid in data");
	CHECK(m[5].attr_set == MOUNT_ATTR_NODEV &&
		  m[5].attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC |
				    MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW),
	      "/sys: rw suid exec diratime symfollow undo and clear");
	CHECK(m[8].attr_set == 0 && m[8].attr_clr == 0, "\"atime\" undoes \"noatime\"");
	CHECK_STR(m[9].destination, "/", "\"/\" is a valid destination");
	CHECK(m[9].propagation == MS_UNBINDABLE && !m[9].propagation_rec, "unbindable");
}

static void test_full_bind_mounts(const struct moat_spec *s)
{
	const struct moat_mount *m = s->mounts;

	CHECK_STR(m[3].destination, "/data/x", "a destination is lexically cleaned");
	CHECK(m[3].kind == MOAT_MOUNT_RBIND, "type bind + rbind is recursive");
	CHECK_STR(m[3].source, BUNDLE "/volumes/data",
		  "a relative bind source is under the bundle");
	CHECK(m[3].attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME | MOUNT_ATTR_NOSYMFOLLOW),
	      "bind: ro noatime nosymfollow set");
	CHECK(m[3].attr_clr == (MOUNT_ATTR_NODEV | MOUNT_ATTR__ATIME),
	      "bind: \"dev\" after \"nodev\" clears it; the atime field is cleared");
	CHECK(m[3].propagation == MS_SHARED && m[3].propagation_rec, "rshared");
	CHECK(!m[3].recursive_attrs, "no r* attribute, not recursive");
	CHECK(m[3].n_data == 2 && strcmp(m[3].data[0], "sync") == 0 &&
		  strcmp(m[3].data[1], "dirsync") == 0,
	      "sync and dirsync go to data");
	CHECK(m[4].kind == MOAT_MOUNT_BIND && m[4].type == NULL, "the bind option without a type");
	CHECK(m[4].attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODIRATIME) &&
		  m[4].attr_clr == MOUNT_ATTR__ATIME,
	      "rro rnosuid relatime nodiratime");
	CHECK(m[4].recursive_attrs, "rro makes the attributes recursive");
	CHECK(m[4].propagation == MS_SLAVE && m[4].propagation_rec, "rslave");
	CHECK(m[4].n_data == 1 && strcmp(m[4].data[0], "unknown-fs-opt=1") == 0,
	      "unknown options go to data");
	CHECK(m[6].n_uid_mappings == 1 && m[6].uid_mappings[0].host_id == 200000 &&
		  m[6].uid_mappings[0].size == 1000,
	      "a mount's own uidMappings");
	CHECK(m[6].n_gid_mappings == 1 && m[6].gid_mappings[0].host_id == 300000 &&
		  m[6].gid_mappings[0].size == 2000,
	      "a mount's own gidMappings");
	CHECK(m[6].n_data == 0, "ridmap is not passed to the filesystem");
	CHECK(m[7].n_uid_mappings == 1 && m[7].uid_mappings[0].host_id == 100000 &&
		  m[7].n_gid_mappings == 2,
	      "\"idmap\" without mappings takes the user namespace's");
	CHECK(m[7].propagation == MS_PRIVATE && !m[7].propagation_rec, "private");
}

static void test_full_process(const struct moat_spec *s)
{
	const struct moat_process *p = &s->process;

	CHECK(s->has_process, "has a process");
	CHECK(p->terminal, "terminal");
	CHECK(p->has_console_size && p->console_height == 40 && p->console_width == 120,
	      "consoleSize");
	CHECK(p->uid == 1000 && p->gid == 1001, "uid and gid");
	CHECK(p->has_umask && p->umask == 022, "umask");
	CHECK(p->n_additional_gids == 3 && p->additional_gids[2] == 4294967294u,
	      "additionalGids up to 2^32-2");
	CHECK(p->n_args == 3 && p->args[3] == NULL, "args are NULL-terminated");
	CHECK_STR(p->args[2], "echo hi", "args[2]");
	CHECK(p->n_env == 3 && p->env[3] == NULL, "env is NULL-terminated");
	CHECK_STR(p->env[2], "EMPTY=", "an empty value is fine");
	CHECK_STR(p->cwd, "/root", "cwd is cleaned");
	CHECK(p->has_caps, "has capabilities");
	CHECK(p->caps.bounding == ((1ULL << 0) | (1ULL << 5) | (1ULL << 40)), "bounding set");
	CHECK(p->caps.effective == (1ULL << 5), "effective set");
	CHECK(p->caps.inheritable == 0, "empty inheritable set");
	CHECK(p->caps.permitted == ((1ULL << 5) | (1ULL << 10)), "permitted set");
	CHECK(p->caps.ambient == (1ULL << 10), "ambient set");
	CHECK(p->n_rlimits == 2, "two rlimits");
	CHECK(p->rlimits[0].resource == RLIMIT_NOFILE && p->rlimits[0].soft == 1024 &&
		  p->rlimits[0].hard == 4096,
	      "RLIMIT_NOFILE 1024/4096");
	CHECK_STR(p->rlimits[0].name, "RLIMIT_NOFILE", "rlimit name");
	CHECK(p->rlimits[1].soft == UINT64_MAX && p->rlimits[1].hard == UINT64_MAX,
	      "2^64-1 (unlimited) is accepted");
	CHECK(p->no_new_privileges, "noNewPrivileges");
	CHECK(p->has_oom_score_adj && p->oom_score_adj == -999, "oomScoreAdj");
	CHECK_STR(p->apparmor_profile, "moat-default", "apparmorProfile");
	CHECK_STR(p->selinux_label, "system_u:system_r:container_t:s0", "selinuxLabel");
}

static void test_full_hooks(const struct moat_spec *s)
{
	const struct moat_hook_list *h = s->hooks;

	CHECK(h[MOAT_HOOK_PRESTART].n == 1, "one prestart hook");
	const struct moat_hook *pre = &h[MOAT_HOOK_PRESTART].hooks[0];
	CHECK_STR(pre->path, "/usr/bin/pre", "hook path");
	CHECK(pre->args && strcmp(pre->args[1], "a") == 0 && pre->args[2] == NULL, "hook args");
	CHECK(pre->env && strcmp(pre->env[0], "X=1") == 0 && pre->env[1] == NULL, "hook env");
	CHECK(pre->timeout == 5, "hook timeout");
	CHECK(h[MOAT_HOOK_CREATE_RUNTIME].n == 2, "two createRuntime hooks");
	const struct moat_hook *cr1 = &h[MOAT_HOOK_CREATE_RUNTIME].hooks[0];
	CHECK(cr1->args == NULL && cr1->env == NULL && cr1->timeout == 0,
	      "absent args, env, timeout");
	CHECK(h[MOAT_HOOK_CREATE_CONTAINER].n == 1 && h[MOAT_HOOK_START_CONTAINER].n == 1 &&
		  h[MOAT_HOOK_POSTSTART].n == 1 && h[MOAT_HOOK_POSTSTOP].n == 1,
	      "every hook kind");
	CHECK_STR(h[MOAT_HOOK_START_CONTAINER].hooks[0].path, "/bin/sc", "startContainer");
	CHECK(h[MOAT_HOOK_POSTSTOP].hooks[0].timeout == INT_MAX, "the largest timeout");
}

static void test_full_namespaces(const struct moat_spec *s)
{
	CHECK(s->n_namespaces == 8, "eight namespaces");
	CHECK(s->namespaces[0].type == CLONE_NEWPID && s->namespaces[0].path == NULL, "new pid");
	const struct moat_namespace *net = moat_spec_namespace(s, CLONE_NEWNET);
	CHECK(net && net->path && strcmp(net->path, "/var/run/netns/test") == 0,
	      "network namespace joined by path");
	const struct moat_namespace *ipc = moat_spec_namespace(s, CLONE_NEWIPC);
	CHECK(ipc && ipc->path == NULL, "an empty path means a new namespace");
	CHECK(moat_spec_namespace(s, CLONE_NEWTIME) != NULL, "time namespace");
	CHECK(moat_spec_namespace(s, CLONE_NEWCGROUP) != NULL, "cgroup namespace");
	CHECK(s->n_uid_mappings == 1 && s->uid_mappings[0].container_id == 0 &&
		  s->uid_mappings[0].host_id == 100000 && s->uid_mappings[0].size == 65536,
	      "uidMappings");
	CHECK(s->n_gid_mappings == 2 && s->gid_mappings[1].container_id == 65536 &&
		  s->gid_mappings[1].host_id == 4294967295u && s->gid_mappings[1].size == 1,
	      "gidMappings up to 2^32-1");
	CHECK(s->time_monotonic.set && s->time_monotonic.secs == -86400 &&
		  s->time_monotonic.nanosecs == 500,
	      "monotonic offset");
	CHECK(s->time_boottime.set && s->time_boottime.secs == 3600 &&
		  s->time_boottime.nanosecs == 0,
	      "boottime offset");
	CHECK(s->n_net_devices == 2, "two net devices");
	CHECK_STR(s->net_devices[0].key, "veth-host", "netDevices host name");
	CHECK_STR(s->net_devices[0].value, "eth0", "netDevices container name");
	CHECK_STR(s->net_devices[1].value, "dummy0", "the container name defaults to the host's");
}

static void test_full_linux(const struct moat_spec *s)
{
	const struct moat_device *d = s->devices;

	CHECK(s->n_devices == 4, "four devices");
	CHECK(d[0].type == 'c' && d[0].major == 10 && d[0].minor == 229, "/dev/fuse c 10:229");
	CHECK(d[0].has_mode && d[0].mode == 0666, "fileMode 438 is 0666");
	CHECK(d[0].has_uid && d[0].uid == 0 && d[0].has_gid && d[0].gid == 0, "uid and gid 0");
	CHECK_STR(d[1].path, "/dev/sda", "a device path is cleaned");
	CHECK(d[1].type == 'b' && d[1].mode == 0660, "fileMode with S_IFBLK keeps the permissions");
	CHECK(!d[1].has_uid && !d[1].has_gid, "absent uid and gid");
	CHECK(d[2].type == 'p' && !d[2].has_mode, "a fifo needs no numbers");
	CHECK(d[3].type == 'c' && d[3].major == 4095 && d[3].minor == 1048575,
	      "'u' is a character device; the largest numbers");
	CHECK(s->n_masked_paths == 2 && strcmp(s->masked_paths[1], "/proc/keys") == 0,
	      "maskedPaths are cleaned");
	CHECK(s->n_readonly_paths == 2 && strcmp(s->readonly_paths[1], "/proc/bus") == 0,
	      "readonlyPaths are cleaned");
	CHECK(s->rootfs_propagation == (MS_SLAVE | MS_REC), "rootfsPropagation rslave");
	CHECK(s->n_sysctl == 2 && strcmp(s->sysctl[0].key, "net.ipv4.ip_forward") == 0 &&
		  strcmp(s->sysctl[0].value, "1") == 0,
	      "sysctl");
	CHECK(s->personality.set && s->personality.domain == PER_LINUX32 &&
		  s->personality.flags == ADDR_NO_RANDOMIZE,
	      "personality");
	CHECK_STR(s->cgroups_path, "/moat/test", "cgroupsPath");
	CHECK_STR(s->mount_label, "system_u:object_r:container_file_t:s0", "mountLabel");
	CHECK(s->resources != NULL, "resources are parsed");
	CHECK(s->seccomp != NULL, "seccomp is parsed");
}

static void test_full(void)
{
	struct moat_spec *s = NULL;
	struct moat_err err = {0};
	int r = load_fixture("full.json", &s, &err);

	CHECK(r == 0, "the full config loads (%s)", r ? err.msg : "ok");
	if (r)
		return;
	test_full_top(s);
	test_full_fs_mounts(s);
	test_full_bind_mounts(s);
	test_full_process(s);
	test_full_hooks(s);
	test_full_namespaces(s);
	test_full_linux(s);
	moat_spec_free(s);
}

static void test_minimal(void)
{
	struct moat_spec *s = NULL;
	struct moat_err err = {0};

	int r = load_text("{\"root\": {\"path\": \"/abs/root\"}, \"hostname\": \"\", "
			  "\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}}",
			  &s, &err);
	CHECK(r == 0, "a minimal config loads (%s)", r ? err.msg : "ok");
	if (r == 0) {
		CHECK_STR(s->root_path, "/abs/root", "an absolute root.path is kept");
		CHECK(s->hostname == NULL, "an empty hostname is absent (needs no uts namespace)");
		CHECK(s->oci_version == NULL, "absent ociVersion is NULL");
		CHECK(s->process.uid == 0 && s->process.gid == 0, "no user: uid and gid 0");
		CHECK(s->process.env && s->process.env[0] == NULL && s->process.n_env == 0,
		      "no env: an empty vector");
		CHECK(!s->process.has_caps && !s->process.has_umask, "no caps, no umask");
		CHECK(s->n_mounts == 0 && s->n_namespaces == 0 && !s->resources && !s->seccomp,
		      "nothing else");
		moat_spec_free(s);
	}
	s = NULL;
	r = load_text("{\"root\": {\"path\": \"r\"}, \"process\": null, \"linux\": null}", &s,
		      &err);
	CHECK(r == 0 && s && !s->has_process, "process is optional; null is absent");
	moat_spec_free(s);
	moat_spec_free(NULL);
}

static void test_text(void)
{
	struct moat_spec *s = NULL;
	struct moat_err err = {0};
	static const char nul[] = "{\"root\": {\"path\": \"/r\"}}\n\0junk";

	int r = moat_spec_load_string(nul, sizeof(nul) - 1, BUNDLE, &s, &err);
	CHECK(r < 0 && s == NULL, "a NUL byte after the object is rejected");
	CHECK_STR(err.msg, "invalid JSON at line 2: unexpected data after the top-level value",
		  "NUL byte: message");
	r = load_text("{\"root\": {\"path\": \"/r\"}, \"x\": -9223372036854775809}", &s, &err);
	CHECK_STR(err.msg, "invalid JSON at line 1: integer out of 64-bit range",
		  "an integer below INT64_MIN is rejected, even in an unknown field");
	r = load_text("{\"root\": {\"path\": \"/r\"}, \"x\": \"18446744073709551616\", "
		      "\"y\": 1.8446744073709551616e19}",
		      &s, &err);
	CHECK(r == 0, "digits inside strings and doubles are not integers (%s)",
	      r ? err.msg : "ok");
	moat_spec_free(s);
	s = NULL;
	static const char rel[] = "{\"root\": {\"path\": \"rootfs\"}}";
	r = moat_spec_load_string(rel, sizeof(rel) - 1, NULL, &s, &err);
	CHECK_STR(err.msg, "root.path: relative path \"rootfs\" needs a bundle",
		  "a relative root.path without a bundle is rejected");
	r = moat_spec_load_string(rel, sizeof(rel) - 1, "relative/bundle", &s, &err);
	CHECK_STR(err.msg, "bundle relative/bundle: expected an absolute path",
		  "a relative bundle is rejected");
}

static const struct {
	const char *fixture, *msg;
} rejects[] = {
    {"args-number", "process.args: expected a non-empty array of strings"},
    {"args-empty", "process.args: expected a non-empty array of strings"},
    {"args-missing", "process.args: expected a non-empty array of strings"},
    {"args-element", "process.args[1]: expected a string"},
    {"args-nul", "process.args[0]: contains a NUL character"},
    {"cwd-relative", "process.cwd: expected an absolute path, got \"tmp\""},
    {"cwd-missing", "process.cwd: required"},
    {"env-no-equals", "process.env[1]: \"FOO\" is not of the form NAME=value"},
    {"env-empty-name", "process.env[0]: \"=x\" is not of the form NAME=value"},
    {"terminal-type", "process.terminal: expected a boolean"},
    {"process-type", "process: expected an object"},
    {"console-size-range", "process.consoleSize.height: 65536 is out of range (0 to 65535)"},
    {"uid-range", "process.user.uid: 4294967296 is out of range (0 to 4294967294)"},
    {"gid-negative", "process.user.gid: -1 is out of range (0 to 4294967294)"},
    {"uid-string", "process.user.uid: expected an integer"},
    {"uid-double", "process.user.uid: expected an integer"},
    {"umask-range", "process.user.umask: 512 is out of range (0 to 511)"},
    {"additional-gid-range",
     "process.user.additionalGids[1]: 4294967295 is out of range (0 to 4294967294)"},
    {"cap-unknown", "process.capabilities.bounding[1]: unknown capability \"CAP_FOO\""},
    {"cap-set-type", "process.capabilities.ambient: expected an array"},
    {"rlimit-unknown", "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
    {"rlimit-duplicate", "process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\""},
    {"rlimit-soft-above-hard", "process.rlimits[0]: soft limit 2048 is above hard limit 1024"},
    {"rlimit-negative", "process.rlimits[0].soft: -1 is out of range (0 to 18446744073709551615)"},
    {"rlimit-no-hard", "process.rlimits[0].hard: required"},
    {"oom-score-range", "process.oomScoreAdj: 1001 is out of range (-1000 to 1000)"},
    {"root-missing", "root.path: required"},
    {"root-path-type", "root.path: expected a string"},
    {"root-readonly-type", "root.readonly: expected a boolean"},
    {"hostname-no-uts", "hostname: requires a uts namespace"},
    {"mount-not-object", "mounts[1]: expected an object"},
    {"mount-destination-type", "mounts[2].destination: expected a string"},
    {"mount-destination-missing", "mounts[0].destination: required"},
    {"mount-options-type", "mounts[0].options: expected an array"},
    {"mount-option-number", "mounts[0].options[1]: expected a string"},
    {"mount-option-empty", "mounts[0].options[0]: empty option"},
    {"mount-bind-no-source", "mounts[0].source: required for a bind mount"},
    {"mount-no-type", "mounts[0].type: required for a non-bind mount"},
    {"mount-uidmap-alone", "mounts[0]: uidMappings and gidMappings must be given together"},
    {"mount-idmap-no-userns", "mounts[0].options: \"idmap\" needs uidMappings and gidMappings on "
			      "the mount or a user namespace"},
    {"hook-no-path", "hooks.prestart[0].path: required"},
    {"hook-relative-path", "hooks.poststop[0].path: expected an absolute path, got \"bin/x\""},
    {"hook-timeout-zero", "hooks.createRuntime[1].timeout: 0 is out of range (1 to 2147483647)"},
    {"hook-args-type", "hooks.poststart[0].args: expected an array"},
    {"annotation-number", "annotations[\"a\"]: expected a string"},
    {"namespace-unknown", "linux.namespaces[3].type: unknown namespace \"netz\""},
    {"namespace-duplicate", "linux.namespaces[2].type: duplicate namespace \"pid\""},
    {"namespace-relative-path",
     "linux.namespaces[0].path: expected an absolute path, got \"run/netns/x\""},
    {"namespace-no-type", "linux.namespaces[0].type: required"},
    {"uidmap-no-userns", "linux.uidMappings: given without a user namespace"},
    {"userns-no-uidmap", "linux.uidMappings: required with a new user namespace"},
    {"userns-no-gidmap", "linux.gidMappings: required with a new user namespace"},
    {"idmap-size-zero", "linux.uidMappings[0]: size must be at least 1"},
    {"idmap-overflow", "linux.gidMappings[0]: range goes past 4294967295"},
    {"idmap-no-hostid", "linux.uidMappings[0].hostID: required"},
    {"time-offsets-no-timens", "linux.timeOffsets: requires a new time namespace"},
    {"time-offsets-nanosecs",
     "linux.timeOffsets[\"monotonic\"].nanosecs: 1000000000 is out of range (0 to 999999999)"},
    {"time-offsets-clock",
     "linux.timeOffsets[\"realtime\"]: unknown clock (monotonic or boottime)"},
    {"netdev-name-slash", "linux.netDevices[\"eth0\"].name: invalid interface name \"a/b\""},
    {"netdev-host-too-long",
     "linux.netDevices[\"abcdefghijklmnop\"]: invalid interface name \"abcdefghijklmnop\""},
    {"netdev-name-dotdot", "linux.netDevices[\"eth0\"].name: invalid interface name \"..\""},
    {"netdev-name-space", "linux.netDevices[\"eth0\"].name: invalid interface name \"a b\""},
    {"netdev-duplicate-name", "linux.netDevices[\"eth1\"].name: duplicate name \"ctr0\""},
    {"netdev-no-netns", "linux.netDevices: requires a network namespace"},
    {"device-bad-type", "linux.devices[0].type: unknown device type \"x\" (c, b, u or p)"},
    {"device-no-major", "linux.devices[0].major: required for a 'c' device"},
    {"device-relative-path", "linux.devices[0].path: expected an absolute path, got \"dev/null\""},
    {"device-minor-range", "linux.devices[1].minor: 1048576 is out of range (0 to 1048575)"},
    {"device-filemode-range", "linux.devices[0].fileMode: 65536 is out of range (0 to 65535)"},
    {"masked-path-relative", "linux.maskedPaths[0]: expected an absolute path, got \"proc/kcore\""},
    {"readonly-paths-type", "linux.readonlyPaths: expected an array"},
    {"propagation-unknown", "linux.rootfsPropagation: unknown propagation \"sideways\""},
    {"sysctl-number", "linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string"},
    {"personality-domain",
     "linux.personality.domain: unknown domain \"LINUX64\" (LINUX or LINUX32)"},
    {"personality-flag", "linux.personality.flags[0]: unknown flag \"FOO\""},
    {"cgroups-path-type", "linux.cgroupsPath: expected a string"},
    {"resources-type", "linux.resources: expected an object"},
    {"resources-pids-limit", "linux.resources.pids.limit: expected an integer"},
    {"linux-type", "linux: expected an object"},
    {"json-trailing-comma", "invalid JSON at line 4: unexpected character"},
    {"json-truncated", "invalid JSON at line 4: unexpected end of data"},
    {"json-trailing-data", "invalid JSON at line 2: unexpected character"},
    {"json-huge-integer", "invalid JSON at line 5: integer out of 64-bit range"},
    {"json-top-array", "expected a JSON object at the top level"},
    {"json-empty", "invalid JSON at line 1: unexpected end of data"},
};

static void test_rejects(void)
{
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		char name[256];
		struct moat_spec *s = NULL;
		struct moat_err err = {0};
		snprintf(name, sizeof(name), "reject/%s.json", rejects[i].fixture);
		int r = load_fixture(name, &s, &err);
		CHECK(r < 0 && s == NULL, "%s is rejected", rejects[i].fixture);
		CHECK_STR(err.msg, rejects[i].msg, "%s: message", rejects[i].fixture);
		if (r == 0)
			moat_spec_free(s);
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_bundle(void)
{
	char dir[] = "/tmp/moat-test-spec-XXXXXX", cfg[128], rel[256], rootfs[128];
	struct moat_spec *s = NULL;
	struct moat_err err = {0};
	char want[512];

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(cfg, sizeof(cfg), "%s/config.json", dir);
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", dir);

	int r = moat_spec_load_bundle(dir, &s, &err);
	snprintf(want, sizeof(want), "config.json: open %s: No such file or directory", cfg);
	CHECK(r == -ENOENT, "a bundle without config.json fails with ENOENT");
	CHECK_STR(err.msg, want, "the missing file is named");

	write_file(cfg, "{\n\"root\": {\"path\": \"rootfs\"},\n\"process\": {\"args\": 5}\n}\n");
	r = moat_spec_load_bundle(dir, &s, &err);
	CHECK_STR(err.msg, "config.json: process.args: expected a non-empty array of strings",
		  "errors are prefixed with config.json");

	write_file(cfg, "{\n\"root\": {\"path\": \"rootfs\"},\n\"process\": {\"args\": [\"sh\"]\n");
	r = moat_spec_load_bundle(dir, &s, &err);
	CHECK_STR(err.msg, "config.json: invalid JSON at line 4: unexpected end of data",
		  "invalid JSON names the line");

	write_file(cfg, "{\"root\": {\"path\": \"rootfs\"}, \"mounts\": [{\"destination\": \"/v\", "
			"\"type\": \"bind\", \"source\": \"vol\"}]}");
	/* a relative bundle path is resolved with realpath */
	char *cwd = getcwd(NULL, 0);
	CHECK(chdir("/tmp") == 0, "chdir /tmp");
	snprintf(rel, sizeof(rel), "./%s/../%s", dir + 5, dir + 5);
	r = moat_spec_load_bundle(rel, &s, &err);
	CHECK(r == 0, "a bundle given by a relative path loads (%s)", r ? err.msg : "ok");
	if (r == 0) {
		CHECK_STR(s->root_path, rootfs, "root.path is under the absolute bundle");
		snprintf(want, sizeof(want), "%s/vol", dir);
		CHECK_STR(s->mounts[0].source, want, "a bind source is under the absolute bundle");
		moat_spec_free(s);
	}
	if (cwd) {
		CHECK(chdir(cwd) == 0, "chdir back");
		free(cwd);
	}
	unlink(cfg);
	rmdir(dir);
	r = moat_spec_load_bundle("/nonexistent/moat-bundle", &s, &err);
	CHECK(r == -ENOENT, "a missing bundle directory fails with ENOENT");
	CHECK_STR(err.msg, "bundle /nonexistent/moat-bundle: No such file or directory",
		  "the missing bundle is named");
}

int main(void)
{
	const char *d = getenv("MOAT_TEST_DATA");
	snprintf(data_dir, sizeof(data_dir), "%s/spec", d ? d : "data");
	test_full();
	test_minimal();
	test_text();
	test_rejects();
	test_bundle();
	return check_done();
}
