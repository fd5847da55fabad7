# pause freezes the container (a counter stops advancing), resume continues;
# state says paused / running; v2 uses cgroup.freeze.
mkbundle b || exit 1
mkdir -p shared
cg=/sys/fs/cgroup/vmtest.slice/pause
SPEC_CGROUPS_PATH=/vmtest.slice/pause \
	SPEC_MOUNTS="{\"destination\": \"/shared\", \"type\": \"bind\", \"source\": \"$PWD/shared\", \"options\": [\"rbind\"]}" \
	mkspec b sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/shared/n.tmp; mv /shared/n.tmp /shared/n; usleep 20000; done'
count() { cat shared/n 2>/dev/null; }
check pause-run-detached runtime run -d --bundle b pause
wait_for 30 test -s shared/n || fail pause-counter-runs "counter never written"
check pause-pause runtime pause pause
check_eq pause-state-paused paused "$(ctr_status pause)"
check_eq pause-cgroup-frozen "frozen 1" "$(grep frozen $cg/cgroup.events)"
c1=$(count); sleep 1; c2=$(count)
check_eq pause-counter-stopped "$c1" "$c2"
check pause-resume runtime resume pause
check_eq pause-state-running running "$(ctr_status pause)"
sleep 1; c3=$(count)
[ -n "$c3" ] && [ "$c3" -gt "${c2:-0}" ] && ok pause-counter-continues || fail pause-counter-continues "$c2 -> $c3"
ctr_cleanup pause
gone pause-cgroup-removed $cg
