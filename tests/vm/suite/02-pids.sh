# pids.limit 16: a loop forking 100 sleepers meets fork failures and the
# cgroup never holds more than 16 tasks. In the container only builtins run
# after the loop (a fork could fail there too).
mkbundle b || exit 1
SPEC_CGROUPS_PATH=/vmtest.slice/pids SPEC_RESOURCES='{"pids": {"limit": 16}}' mkspec b sh -c '
	read max </sys/fs/cgroup/pids.max; echo "max=$max"
	(i=0; while [ $i -lt 100 ]; do sleep 30 & i=$((i + 1)); done) 2>/tmp/err
	read cur </sys/fs/cgroup/pids.current; echo "current=$cur"
	while read k v; do echo "events_$k=$v"; done </sys/fs/cgroup/pids.events
	read e </tmp/err; echo "err=$e"'
runtime run --bundle b pids >out 2>err
cat out err
check_eq pids-limit-in-cgroup max=16 "$(grep '^max=' out)"
cur=$(sed -n 's/^current=//p' out)
[ -n "$cur" ] && [ "$cur" -le 16 ] && ok pids-at-most-16 || fail pids-at-most-16 "pids.current=$cur"
ev=$(sed -n 's/^events_max=//p' out)
[ -n "$ev" ] && [ "$ev" -gt 0 ] && ok pids-fork-failures || fail pids-fork-failures "pids.events max=$ev"
grep -q "^err=.*fork" out && ok pids-shell-saw-fork-error || fail pids-shell-saw-fork-error "$(grep '^err=' out)"
gone pids-cgroup-removed /sys/fs/cgroup/vmtest.slice/pids
