/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `moat spec` and `moat features`: JSON documents the runtime writes. */
#include <stdio.h>
#include <string.h>

#include "base/names.h"
#include "moat/moat.h"
#include "seccomp/seccomp.h"

/* The default config: a runc-compatible one for a rootfs/ bundle. The
 * secure-defaults work hardens it (seccomp, user namespace, ...). */
static const char default_spec[] =
	"{\n"
	"\t\"ociVersion\": \"1.2.0\",\n"
	"\t\"process\": {\n"
	"\t\t\"terminal\": true,\n"
	"\t\t\"user\": {\n\t\t\t\"uid\": 0,\n\t\t\t\"gid\": 0\n\t\t},\n"
	"\t\t\"args\": [\n\t\t\t\"sh\"\n\t\t],\n"
	"\t\t\"env\": [\n"
	"\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
	"\t\t\t\"TERM=xterm\"\n\t\t],\n"
	"\t\t\"cwd\": \"/\",\n"
	"\t\t\"capabilities\": {\n"
	"\t\t\t\"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
	"\t\t\t\"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
	"\t\t\t\"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]\n"
	"\t\t},\n"
	"\t\t\"rlimits\": [\n\t\t\t{\n\t\t\t\t\"type\": \"RLIMIT_NOFILE\",\n"
	"\t\t\t\t\"hard\": 1024,\n\t\t\t\t\"soft\": 1024\n\t\t\t}\n\t\t],\n"
	"\t\t\"noNewPrivileges\": true\n"
	"\t},\n"
	"\t\"root\": {\n\t\t\"path\": \"rootfs\",\n\t\t\"readonly\": true\n\t},\n"
	"\t\"hostname\": \"moat\",\n"
	"\t\"mounts\": [\n"
	"\t\t{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
	"\t\t{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
	"\t\t \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
	"\t\t{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]},\n"
	"\t\t{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},\n"
	"\t\t{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n"
	"\t\t{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},\n"
	"\t\t{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}\n"
	"\t],\n"
	"\t\"linux\": {\n"
	"\t\t\"resources\": {\n\t\t\t\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]\n\t\t},\n"
	"\t\t\"namespaces\": [\n"
	"\t\t\t{\"type\": \"pid\"},\n\t\t\t{\"type\": \"network\"},\n\t\t\t{\"type\": \"ipc\"},\n"
	"\t\t\t{\"type\": \"uts\"},\n\t\t\t{\"type\": \"mount\"},\n\t\t\t{\"type\": \"cgroup\"}\n"
	"\t\t],\n"
	"\t\t\"maskedPaths\": [\n"
	"\t\t\t\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
	"\t\t\t\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
	"\t\t\t\"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"\n"
	"\t\t],\n"
	"\t\t\"readonlyPaths\": [\n"
	"\t\t\t\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"\n"
	"\t\t]\n"
	"\t}\n"
	"}\n";

void moat_spec_default(struct moat_buf *out, bool rootless)
{
	/* the hardened seccomp profile, for the capabilities the config grants
	 * (CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE) */
	static const char anchor[] = "\t\t\"maskedPaths\": [";
	const char *at = strstr(default_spec, anchor);
	struct moat_arena a = { 0 };
	uint64_t caps = 1ULL << 29 | 1ULL << 5 | 1ULL << 10;

	(void)rootless;
	moat_buf_add(out, default_spec, (size_t)(at - default_spec));
	moat_buf_puts(out, "\t\t\"seccomp\": ");
	moat_seccomp_to_json(out, moat_seccomp_default(&a, caps), "\t\t");
	moat_buf_puts(out, ",\n");
	moat_buf_puts(out, at);
	moat_arena_free(&a);
}

static void str_array(struct moat_buf *out, const char *const *v, size_t n)
{
	moat_buf_puts(out, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			moat_buf_puts(out, ",");
		moat_json_str(out, v[i]);
	}
	moat_buf_puts(out, "]");
}

#define ARRAY(out, v) str_array(out, v, sizeof(v) / sizeof(v[0]))

void moat_features(struct moat_buf *out)
{
	static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
					     "startContainer", "poststart", "poststop" };
	static const char *const mount_options[] = {
		"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
		"noatime", "nodev", "nodiratime", "noexec", "norelatime", "nostrictatime",
		"nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime",
		"relatime", "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec",
		"rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "ro", "rprivate",
		"rrelatime", "rro", "rrw", "rshared", "rslave", "rstrictatime", "rsuid",
		"rsymfollow", "runbindable", "rw", "shared", "slave", "strictatime", "suid",
		"symfollow", "sync", "unbindable" };
	static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network",
						  "pid", "time", "user", "uts" };

	moat_buf_puts(out, "{\n  \"ociVersionMin\": \"1.0.0\",\n  \"ociVersionMax\": \"1.2.0\",\n  \"hooks\": ");
	ARRAY(out, hooks);
	moat_buf_puts(out, ",\n  \"mountOptions\": ");
	ARRAY(out, mount_options);
	moat_buf_puts(out, ",\n  \"linux\": {\n    \"namespaces\": ");
	ARRAY(out, namespaces);
	moat_buf_puts(out, ",\n    \"capabilities\": [");
	for (int cap = 0; cap <= moat_cap_last_known(); cap++) {
		if (cap)
			moat_buf_puts(out, ",");
		moat_json_str(out, moat_cap_name(cap));
	}
	moat_buf_puts(out, "],\n    \"cgroup\": {\"v1\": true, \"v2\": true, \"systemd\": false, "
			   "\"systemdUser\": false, \"rdma\": true},\n"
			   "    \"seccomp\": ");
	moat_seccomp_features_json(out);
	moat_buf_puts(out, ",\n"
			   "    \"apparmor\": {\"enabled\": false},\n"
			   "    \"selinux\": {\"enabled\": false},\n"
			   "    \"intelRdt\": {\"enabled\": false},\n"
			   "    \"mountExtensions\": {\"idmap\": {\"enabled\": false}},\n"
			   "    \"netDevices\": {\"enabled\": true}\n  },\n"
			   "  \"annotations\": {\"org.opencontainers.runc.checkpoint.enabled\": \"false\","
			   " \"io.github.moat.version\": \"" MOAT_VERSION "\"}\n}\n");
}
