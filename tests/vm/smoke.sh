# Smoke test of the VM lane (runs in the VM with lib.sh loaded): the kernel
# offers cgroup v2 with its controllers, and Debian's runc, copied in with its
# shared libraries, runs a busybox container whose memory limit lands in its
# cgroup. Proves the lane works for any runtime; needs --bin .../runc.

ctrls=$(cat /sys/fs/cgroup/cgroup.controllers)
echo "controllers: $ctrls"
echo "subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
for c in cpu memory pids io; do
	case " $ctrls " in
	*" $c "*) ok "v2-controller-$c" ;;
	*) fail "v2-controller-$c" "not in cgroup.controllers: $ctrls" ;;
	esac
done
check_eq v2-all-controllers-enabled "$ctrls" "$(cat /sys/fs/cgroup/cgroup.subtree_control)"
if [ -d /sys/kernel/security/apparmor ]; then
	ok apparmor-visible
else
	skip apparmor-visible "no /sys/kernel/security/apparmor (lsm: $(cat /sys/kernel/security/lsm 2>/dev/null))"
fi

if ! command -v runc >/dev/null; then
	fail runc-present "runc not shipped into the VM (--bin /usr/sbin/runc)"
	exit 0
fi
check runc-version runc --version

# A bundle with a shared directory: the container reports, then waits for
# "go" so the cgroup can be inspected from outside while it runs.
b=$VMTEST_WORK/bundle
mkbundle "$b" && mkdir -p "$VMTEST_WORK/shared" || { fail runc-bundle "mkbundle failed"; exit 0; }
(cd "$VMTEST_WORK" && mkdir -p spec/rootfs && cd spec && check runc-spec runc spec && grep -q '"cgroup"' config.json)
limit=$((48 * 1024 * 1024))
SPEC_CGROUPS_PATH=/vmtest.slice/smoke \
	SPEC_RESOURCES="{\"memory\": {\"limit\": $limit}, \"pids\": {\"limit\": 64}}" \
	SPEC_MOUNTS="{\"destination\": \"/shared\", \"type\": \"bind\", \"source\": \"$VMTEST_WORK/shared\", \"options\": [\"rbind\"]}" \
	mkspec "$b" sh -c 'echo hello from v2; echo "inside: $(cat /sys/fs/cgroup/memory.max) $(cat /proc/self/cgroup)"; while [ ! -e /shared/go ]; do sleep 0.1; done'

start=$(cut -d' ' -f1 /proc/uptime)
runc --root /run/runc run --bundle "$b" smoke >"$VMTEST_WORK/out" 2>"$VMTEST_WORK/err" &
pid=$!
if wait_for 60 grep -q '^inside:' "$VMTEST_WORK/out"; then
	check_eq runc-hello-from-v2 "hello from v2" "$(head -n 1 "$VMTEST_WORK/out")"
	check_eq runc-memory-max-outside "$limit" "$(cat /sys/fs/cgroup/vmtest.slice/smoke/memory.max 2>&1)"
	check_eq runc-pids-max-outside 64 "$(cat /sys/fs/cgroup/vmtest.slice/smoke/pids.max 2>&1)"
	# cgroup namespace: the container sees its own cgroup as "/"
	check_eq runc-memory-max-inside "inside: $limit 0::/" "$(sed -n 's/^inside:/inside:/p' "$VMTEST_WORK/out")"
else
	fail runc-hello-from-v2 "no output in 60 s: $(cat "$VMTEST_WORK/out" "$VMTEST_WORK/err" | tail -n 3)"
fi
touch "$VMTEST_WORK/shared/go"
wait $pid
rc=$?
end=$(cut -d' ' -f1 /proc/uptime)
check_eq runc-run-exit 0 "$rc" || cat "$VMTEST_WORK/err"
echo "runc run took $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
if [ -e /sys/fs/cgroup/vmtest.slice/smoke ]; then
	fail runc-cgroup-removed "/sys/fs/cgroup/vmtest.slice/smoke still exists"
else
	ok runc-cgroup-removed
fi
