# Where linux.cgroupsPath lands on a v2 host, as runc does it with the
# cgroupfs driver: absent -> /<id> under the root; relative "a/b" -> /a/b
# under the root (not under the caller's cgroup, which here is /init.scope);
# absolute as is. The leaf is removed when the container is gone.
mkbundle b || exit 1
export SPEC_NAMESPACES="pid ipc uts mount network"
mkspec b cat /proc/self/cgroup
runtime run --bundle b path-absent >absent.out 2>&1
cat absent.out
check_eq cgroups-path-absent "0::/path-absent" "$(head -n 1 absent.out)"
gone cgroups-path-absent-removed /sys/fs/cgroup/path-absent
SPEC_CGROUPS_PATH=vmtest-rel/p mkspec b cat /proc/self/cgroup
runtime run --bundle b path-rel >rel.out 2>&1
cat rel.out
check_eq cgroups-path-relative "0::/vmtest-rel/p" "$(head -n 1 rel.out)"
gone cgroups-path-relative-removed /sys/fs/cgroup/vmtest-rel/p
SPEC_CGROUPS_PATH=/vmtest.slice/deep/path-abs mkspec b cat /proc/self/cgroup
runtime run --bundle b path-abs >abs.out 2>&1
cat abs.out
check_eq cgroups-path-absolute "0::/vmtest.slice/deep/path-abs" "$(head -n 1 abs.out)"
gone cgroups-path-absolute-removed /sys/fs/cgroup/vmtest.slice/deep/path-abs
