# With a cgroup namespace the container sees its own cgroup as "/" and its
# cgroupfs is read-only; without one it sees the full path.
mkbundle b || exit 1
SPEC_CGROUPS_PATH=/vmtest.slice/cgns mkspec b sh -c 'cat /proc/self/cgroup; mkdir /sys/fs/cgroup/x 2>&1 || true'
runtime run --bundle b cgns >out 2>err
cat out err
check_eq cgroupns-root "0::/" "$(head -n 1 out)"
grep -q 'Read-only file system' out && ok cgroupns-cgroupfs-readonly || fail cgroupns-cgroupfs-readonly "$(tail -n 1 out)"
SPEC_NAMESPACES="pid ipc uts mount network" SPEC_CGROUPS_PATH=/vmtest.slice/nocgns mkspec b cat /proc/self/cgroup
runtime run --bundle b nocgns >out2 2>err2
cat out2 err2
check_eq no-cgroupns-full-path "0::/vmtest.slice/nocgns" "$(head -n 1 out2)"
