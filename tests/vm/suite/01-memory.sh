# memory.limit on cgroup v2: 32 MiB and a 200 MiB allocation is OOM-killed
# (run exits non-zero); without the limit the same program completes.
# busybox dd allocates its whole block (bs) and fills it from /dev/zero.
mkbundle b || exit 1
alloc='dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null && echo allocated'

SPEC_CGROUPS_PATH=/vmtest.slice/mem-oom SPEC_RESOURCES='{"memory": {"limit": 33554432}}' \
	mkspec b sh -c "cat /sys/fs/cgroup/memory.max; $alloc"
runtime run --bundle b mem-oom >oom.out 2>oom.err
rc=$?
cat oom.out oom.err
check_eq memory-limit-in-cgroup 33554432 "$(head -n 1 oom.out)"
if [ $rc -ne 0 ] && ! grep -q allocated oom.out; then ok memory-oom-killed; else fail memory-oom-killed "run exited $rc: $(tail -n 1 oom.out)"; fi
dmesg | grep -q 'Memory cgroup out of memory' && ok memory-oom-in-dmesg || fail memory-oom-in-dmesg "no memcg OOM report in dmesg"
gone memory-oom-cgroup-removed /sys/fs/cgroup/vmtest.slice/mem-oom

SPEC_CGROUPS_PATH=/vmtest.slice/mem-free mkspec b sh -c "cat /sys/fs/cgroup/memory.max; $alloc"
runtime run --bundle b mem-free >free.out 2>free.err
rc=$?
cat free.out free.err
check_eq memory-unlimited-max max "$(head -n 1 free.out)"
if [ $rc -eq 0 ] && grep -q allocated free.out; then ok memory-unlimited-completes; else fail memory-unlimited-completes "run exited $rc"; fi
