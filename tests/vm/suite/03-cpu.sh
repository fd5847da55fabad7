# cpu quota 0.2 CPU (20000/100000): a 2 s busy loop uses <= 0.3 CPU-seconds
# per second of wall time, measured from the container's cpu.stat.
mkbundle b || exit 1
SPEC_CGROUPS_PATH=/vmtest.slice/cpu SPEC_RESOURCES='{"cpu": {"quota": 20000, "period": 100000}}' mkspec b sh -c '
	cat /sys/fs/cgroup/cpu.max
	read _ u0 _ </sys/fs/cgroup/cpu.stat; read t0 _ </proc/uptime
	timeout 2 sh -c "while :; do :; done"
	read _ u1 _ </sys/fs/cgroup/cpu.stat; read t1 _ </proc/uptime
	echo "usage_usec=$((u1 - u0)) t0=$t0 t1=$t1"'
runtime run --bundle b cpu >out 2>err
cat out err
check_eq cpu-max-in-cgroup "20000 100000" "$(head -n 1 out)"
ratio=$(sed -n 's/^usage_usec=\([0-9]*\) t0=\([0-9.]*\) t1=\([0-9.]*\)/\1 \2 \3/p' out | awk '{ if ($3 > $2) printf "%.3f", $1 / 1e6 / ($3 - $2) }')
echo "cpu ratio: $ratio"
if [ -n "$ratio" ] && awk -v r="$ratio" 'BEGIN { exit !(r <= 0.3 && r > 0.05) }'; then
	ok cpu-quota-throttles
else
	fail cpu-quota-throttles "used ${ratio:-?} CPU-s per s (want <= 0.3)"
fi
