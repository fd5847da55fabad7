# events --stats prints JSON with memory usage; ps lists the container's
# processes; kill --all signals every process of the container.
mkbundle b || exit 1
cg=/sys/fs/cgroup/vmtest.slice/ev
SPEC_CGROUPS_PATH=/vmtest.slice/ev mkspec b sh -c 'sleep 600 & sleep 600 & wait'
check events-run-detached runtime run -d --bundle b ev
wait_for 10 test "$(wc -l <$cg/cgroup.procs)" -ge 3
runtime events --stats ev >events.out 2>events.err
rc=$?
cat events.out events.err
first=$(head -c 1 events.out) last=$(tr -d ' \n' <events.out | tail -c 1)
if [ $rc -eq 0 ] && [ "$first" = "{" ] && [ "$last" = "}" ] && grep -q '"memory"' events.out && grep -q '"usage"' events.out; then
	ok events-stats-json
else
	fail events-stats-json "exit $rc: $(head -c 100 events.out)$(tail -n 1 events.err)"
fi
runtime ps ev >ps.out 2>&1
cat ps.out
missing=""
for p in $(cat $cg/cgroup.procs); do grep -qw "$p" ps.out || missing="$missing $p"; done
[ -z "$missing" ] && ok ps-lists-pids || fail ps-lists-pids "missing$missing"
runtime ps --format json ev >psj.out 2>&1
cat psj.out
pids=$(sort -n $cg/cgroup.procs | tr '\n' ',' | sed 's/,$//')
check_eq ps-json "[$pids]" "$(tr -d ' \n' <psj.out)"
check kill-all runtime kill --all ev KILL
wait_for 10 test ! -s $cg/cgroup.procs && ok kill-all-empties-cgroup || fail kill-all-empties-cgroup "$(cat $cg/cgroup.procs 2>&1 | tr '\n' ' ')"
wait_for 10 test "$(ctr_status ev)" = stopped
check events-delete runtime delete ev
gone events-cgroup-removed $cg
