# The cgroup exists from create on and delete removes it; a failed create
# leaves no cgroup behind.
mkbundle b || exit 1
cg=/sys/fs/cgroup/vmtest.slice/lc
SPEC_CGROUPS_PATH=/vmtest.slice/lc mkspec b sleep 600
check create runtime create --bundle b lc
[ -d $cg ] && ok create-makes-cgroup || fail create-makes-cgroup "no $cg"
pid=$(runtime state lc | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' | head -n 1)
check_eq created-process-in-cgroup "$cg" "$(cgroup_of "$pid")"
check start runtime start lc
check_eq state-running running "$(ctr_status lc)"
check delete-force runtime delete --force lc
gone delete-removes-cgroup $cg

SPEC_CGROUPS_PATH=/vmtest.slice/lc-fail mkspec b /no/such/program
runtime create --bundle b lc-fail >fail.out 2>&1
rc=$?
cat fail.out
if [ $rc -ne 0 ]; then ok failed-create-fails; else fail failed-create-fails "create succeeded"; ctr_cleanup lc-fail; fi
gone failed-create-no-cgroup /sys/fs/cgroup/vmtest.slice/lc-fail
