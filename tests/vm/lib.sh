# Helpers for test scripts in the VM lane (busybox ash; loaded before each
# script). Results go to the console as "VMTEST ok|fail|skip NAME [why]" and
# to $VMTEST_RESULTS, which /init counts. NAME is one word (spaces become _).

_vmtest_result() { # KIND NAME [WHY...]
	local kind=$1 name=$2 line
	shift 2
	name=$(echo "$name" | tr ' \t' '__')
	line="$kind $name${*:+ $*}"
	echo "$line" >>"$VMTEST_RESULTS"
	# straight to the console: the script's stdout may be redirected
	echo "VMTEST $line" >/dev/console
}
ok() { _vmtest_result ok "$@"; }
fail() { _vmtest_result fail "$@"; }
skip() { _vmtest_result skip "$@"; }

# check NAME CMD...: ok if CMD succeeds, else fail with its status and the
# last line of its output (the output is shown on the console). The output
# goes through a file, not a pipe: a detached container inherits CMD's stdio
# and would hold a pipe open until it exits.
check() {
	local name=$1 out rc
	shift
	"$@" >"$VMTEST_WORK/.check.out" 2>&1 </dev/null
	rc=$?
	out=$(cat "$VMTEST_WORK/.check.out")
	[ -n "$out" ] && echo "$out" | sed "s/^/  [$name] /"
	if [ $rc -eq 0 ]; then
		ok "$name"
	else
		fail "$name" "exit $rc: $(echo "$out" | tail -n 1)"
	fi
	return $rc
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "expected '$2', got '$3'"
		return 1
	fi
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# The runtime under test: $RUNTIME if set, else moat if shipped, else runc.
runtime() {
	if [ -z "${RUNTIME:-}" ]; then
		if command -v moat >/dev/null; then RUNTIME=moat; else RUNTIME=runc; fi
	fi
	"$RUNTIME" "$@"
}

# copy_with_libs BIN ROOTFS: BIN at the same path under ROOTFS, with the
# shared libraries and loader it needs (listed by the dynamic loader itself).
copy_with_libs() {
	local bin=$1 root=$2 ld=/lib64/ld-linux-x86-64.so.2 lib
	mkdir -p "$root$(dirname "$bin")" && cp -L "$bin" "$root$bin" || return 1
	[ -e "$ld" ] || return 0 # nothing dynamic was shipped
	for lib in $("$ld" --list "$bin" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib" || return 1
	done
}

# mkbundle DIR [BIN...]: DIR/rootfs with static busybox and its applets,
# passwd/group, and each BIN (e.g. the probe) with its libraries. Writes no
# config.json: use mkspec, `runc spec` or `moat spec`.
mkbundle() {
	local dir=$1 r a b
	shift
	r=$dir/rootfs
	mkdir -p "$r"/bin "$r"/sbin "$r"/etc "$r"/proc "$r"/sys "$r"/dev "$r"/tmp "$r"/root "$r"/usr/bin "$r"/usr/sbin || return 1
	cp /bin/busybox "$r/bin/busybox" || return 1
	for a in $(busybox --list); do
		[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
	printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$r/etc/group"
	chmod 1777 "$r/tmp"
	for b in "$@"; do
		b=$(command -v "$b") && copy_with_libs "$b" "$r" || return 1
	done
}

# json_str S: S as a JSON string literal.
json_str() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/	/\\t/g' | sed ':a;N;$!ba;s/\n/\\n/g')"
}

# mkspec DIR ARG...: write DIR/config.json, a minimal OCI config running ARG...
# as root without a terminal, in new pid/ipc/uts/mount/network/cgroup
# namespaces. Optional raw JSON pieces in the environment:
#   SPEC_RESOURCES   linux.resources object, e.g. '{"memory":{"limit":33554432}}'
#   SPEC_CGROUPS_PATH linux.cgroupsPath (default none: the runtime's choice)
#   SPEC_MOUNTS      extra mounts, comma-separated objects, e.g.
#                    '{"destination":"/shared","type":"bind","source":"/tmp/x","options":["rbind"]}'
#   SPEC_LINUX       extra members of "linux", e.g. '"sysctl":{...}'
#   SPEC_NAMESPACES  space-separated list (default "pid ipc uts mount network cgroup")
#   SPEC_ENV         extra environment entries, space-separated NAME=VALUE
mkspec() {
	local dir=$1 args="" a ns="" n env='"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"'
	shift
	for a in "$@"; do args="$args${args:+, }$(json_str "$a")"; done
	for n in ${SPEC_NAMESPACES:-pid ipc uts mount network cgroup}; do
		ns="$ns${ns:+, }{\"type\": \"$n\"}"
	done
	for a in ${SPEC_ENV:-}; do env="$env, $(json_str "$a")"; done
	local res='{}' cgp="" mnts="" lnx=""
	[ -n "${SPEC_RESOURCES:-}" ] && res=$SPEC_RESOURCES
	[ -n "${SPEC_CGROUPS_PATH:-}" ] && cgp="\"cgroupsPath\": $(json_str "$SPEC_CGROUPS_PATH"),"
	[ -n "${SPEC_MOUNTS:-}" ] && mnts=", $SPEC_MOUNTS"
	[ -n "${SPEC_LINUX:-}" ] && lnx=", $SPEC_LINUX"
	cat >"$dir/config.json" <<EOF
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": false,
		"user": {"uid": 0, "gid": 0},
		"args": [$args],
		"env": [$env],
		"cwd": "/",
		"capabilities": {
			"bounding": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"],
			"effective": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"],
			"permitted": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"]
		},
		"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
		"noNewPrivileges": true
	},
	"root": {"path": "rootfs", "readonly": false},
	"hostname": "vmtest-container",
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
		{"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
		{"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
		{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
		{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}$mnts
	],
	"linux": {
		$cgp
		"resources": $res,
		"namespaces": [$ns],
		"maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
		"readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]$lnx
	}
}
EOF
}

# cgroup_of PID: the cgroup v2 directory of PID (from /proc/PID/cgroup).
cgroup_of() {
	local p
	p=$(sed -n 's/^0:://p' "/proc/$1/cgroup") && echo "/sys/fs/cgroup$p"
}

# ctr_status ID: the "status" of `runtime state ID` (empty if none).
ctr_status() {
	runtime state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' | head -n 1
}

# ctr_cleanup ID...: kill and delete, ignoring errors (for the end of a test).
ctr_cleanup() {
	local id
	for id in "$@"; do
		runtime kill "$id" KILL >/dev/null 2>&1
		runtime delete --force "$id" >/dev/null 2>&1
	done
}

# gone NAME DIR: ok if DIR does not exist.
gone() {
	if [ -e "$2" ]; then fail "$1" "$2 still exists"; else ok "$1"; fi
}
