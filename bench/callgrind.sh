#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/callgrind.sh [--moat PATH] [--runs N] [RUNTIME...]
#
# Instruction counts of `RUNTIME run` of /bin/true under
# `valgrind --tool=callgrind --trace-children=no`: unlike wall time they
# barely move on a shared, noisy machine, so they show whether a change made
# moat do less work. RUNTIME is moat (default), floor (bench/floor.c), crun
# or runc. Counted: the runtime process (plus any fork that exits without
# exec). The container init's work before its exec is NOT counted: valgrind
# writes no profile at an exec, and /bin/true itself runs natively.
# crun 1.8.1 cannot re-execute itself from its memfd under valgrind, and
# runc (Go) crashes valgrind 3.19: both are listed as failed.
#
# Same setup as bench/run: root, one private mount namespace with an empty
# tmpfs over /sys/fs/cgroup/unified, cgroupsPath /moat-bench/cg-RUNTIME, the
# bare config without process.rlimits (valgrind refuses to change the
# NOFILE hard limit); everything removed on exit. Profiles are kept in bench/out/callgrind/.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
moat=$(dirname "$here")/build/moat
runs=3
rts=()
while [ $# -gt 0 ]; do
	case $1 in
	--moat) moat=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	-h|--help) sed -n '3,17p' "$0"; exit 0 ;;
	*) rts+=("$1"); shift ;;
	esac
done
[ ${#rts[@]} -gt 0 ] || rts=(moat)
[ "$(id -u)" = 0 ] || { echo "callgrind.sh: run it as root" >&2; exit 1; }

if [ -z "${MOAT_BENCH_INNER:-}" ]; then
	need=()
	command -v valgrind >/dev/null || need+=(valgrind)
	[ -x /bin/busybox ] || need+=(busybox-static)
	command -v runc >/dev/null || need+=(runc)
	command -v gcc >/dev/null || need+=(gcc libc6-dev)
	if [ ${#need[@]} -gt 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	fi
	exec 9>/run/moat-bench.lock
	flock -n 9 || { echo "callgrind.sh: bench/run or another callgrind.sh is running" >&2; exit 1; }
	MOAT_BENCH_INNER=1 exec unshare -m --propagation slave "$0" --moat "$moat" --runs "$runs" "${rts[@]}"
fi

tmp=$(mktemp -d /tmp/moat-callgrind.XXXXXX)
out="$here/out/callgrind"
mkdir -p "$out"

cleanup() {
	set +e
	for rt in "${rts[@]}"; do
		[ "$rt" = floor ] && continue
		bin=$rt
		[ "$rt" = moat ] && bin=$moat
		"$bin" --root "$tmp/state-$rt" delete --force "cg-$rt" >/dev/null 2>&1
	done
	for h in /sys/fs/cgroup/*/moat-bench; do
		[ -d "$h" ] || continue
		for d in $(find "$h" -depth -type d); do
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
			rmdir "$d" 2>/dev/null || { sleep 0.2; rmdir "$d"; }
		done
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	mount -t tmpfs -o size=16m,mode=755 bench-empty /sys/fs/cgroup/unified
fi
for h in /sys/fs/cgroup/*/; do
	[ "$(stat -f -c %T "$h")" = cgroupfs ] || continue
	mkdir -p "$h/moat-bench"
	for k in cpuset.cpus cpuset.mems; do
		[ -e "$h/$k" ] && cat "$h/$k" >"$h/moat-bench/$k"
	done
done

r=$tmp/rootfs
mkdir -p "$r"/{bin,proc,sys,dev,tmp,etc,root}
cp /bin/busybox "$r/bin/busybox"
ln -s busybox "$r/bin/true"
ln -s busybox "$r/bin/sh"
gcc -O2 -o "$tmp/floor" "$here/floor.c"
export FLOOR_NO_RLIMIT=1

printf '%-6s %16s %16s  %s\n' runtime "Ir (median)" "Ir (min)" "profile"
for rt in "${rts[@]}"; do
	b=$tmp/bundle-$rt
	mkdir -p "$b"
	runc spec --bundle "$b"
	/usr/bin/python3 - "$b/config.json" "$r" "cg-$rt" <<'EOF'
import json, sys
path, rootfs, cid = sys.argv[1:]
spec = json.load(open(path))
spec["process"]["terminal"] = False
spec["process"]["args"] = ["/bin/true"]
spec["root"]["path"] = rootfs
spec["linux"]["cgroupsPath"] = "/moat-bench/" + cid
# valgrind refuses any change of the RLIMIT_NOFILE hard limit
spec["process"].pop("rlimits", None)
json.dump(spec, open(path, "w"))
EOF
	counts=()
	for i in $(seq "$runs"); do
		rm -f "$tmp"/cg.out.*
		case $rt in
		floor) cmd=("$tmp/floor" "$r" /moat-bench "cg-$rt") ;;
		moat) cmd=("$moat" --root "$tmp/state-$rt" run --bundle "$b" "cg-$rt") ;;
		*) cmd=("$rt" --root "$tmp/state-$rt" run --bundle "$b" "cg-$rt") ;;
		esac
		if ! valgrind --tool=callgrind --trace-children=no --callgrind-out-file="$tmp/cg.out.%p" \
			"${cmd[@]}" </dev/null >"$tmp/log" 2>&1; then
			echo "$rt: run failed under valgrind:" >&2
			grep -v "^==" "$tmp/log" | tail -5 >&2
			continue 2
		fi
		total=0
		for f in "$tmp"/cg.out.*; do
			n=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f")
			total=$((total + ${n:-0}))
		done
		counts+=("$total")
		main=$(ls -S "$tmp"/cg.out.* | head -1)
		cp "$main" "$out/callgrind.out.$rt"
	done
	sorted=($(printf '%s\n' "${counts[@]}" | sort -n))
	printf '%-6s %16s %16s  %s\n' "$rt" "${sorted[$(((${#sorted[@]} - 1) / 2))]}" "${sorted[0]}" \
		"bench/out/callgrind/callgrind.out.$rt"
done
echo "Top functions: callgrind_annotate bench/out/callgrind/callgrind.out.moat | head -40"
