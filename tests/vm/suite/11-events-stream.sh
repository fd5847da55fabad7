# events without --stats on v2: stats lines every interval, an oom event when
# the kernel OOM-kills a process of the container (memory.events), and exit
# once the container is gone; update --resources - (go-runc's form, the JSON
# on stdin).
mkbundle b || exit 1
cg=/sys/fs/cgroup/vmtest.slice/evs
SPEC_CGROUPS_PATH=/vmtest.slice/evs SPEC_RESOURCES='{"memory": {"limit": 33554432}}' \
	mkspec b sh -c 'sleep 1; dd if=/dev/zero of=/dev/null bs=200M count=1; sleep 600'
check events-stream-run-detached runtime run -d --bundle b evs
runtime events --interval 300ms evs >evs.out 2>evs.err &
ev=$!
wait_for 30 grep -q '"type":"oom"' evs.out && ok events-oom ||
	fail events-oom "$(tail -c 200 evs.out) $(tail -n 1 evs.err)"
wait_for 10 grep -q '"type":"stats"' evs.out && ok events-stats-stream ||
	fail events-stats-stream "$(tail -c 200 evs.out) $(tail -n 1 evs.err)"
printf '{"memory": {"limit": 67108864}}' >res.json
runtime update --resources - evs <res.json && check_eq update-resources-stdin 67108864 "$(cat $cg/memory.max)" ||
	fail update-resources-stdin "update exited $?"
runtime kill evs KILL
wait_for 10 test "$(ctr_status evs)" = stopped
check events-stream-delete runtime delete evs
if wait_for 10 eval '! kill -0 $ev'; then ok events-stream-exits; else fail events-stream-exits "still running"; kill $ev; fi
cat evs.out | cut -c 1-100
gone events-stream-cgroup-removed $cg
