# update on a running container changes the limits seen in its cgroup.
mkbundle b || exit 1
cg=/sys/fs/cgroup/vmtest.slice/upd
SPEC_CGROUPS_PATH=/vmtest.slice/upd SPEC_RESOURCES='{"memory": {"limit": 67108864}, "pids": {"limit": 100}, "cpu": {"quota": 50000, "period": 100000}}' \
	mkspec b sleep 600
check update-run-detached runtime run -d --bundle b upd
check_eq update-before "67108864" "$(cat $cg/memory.max)"
check update-memory runtime update --memory 134217728 upd
check_eq update-memory-max 134217728 "$(cat $cg/memory.max)"
check update-pids runtime update --pids-limit 50 upd
check_eq update-pids-max 50 "$(cat $cg/pids.max)"
check update-cpu-quota runtime update --cpu-quota 30000 upd
check_eq update-cpu-max "30000 100000" "$(cat $cg/cpu.max)"
printf '{"memory": {"limit": 100663296}}' >res.json
check update-resources-file runtime update --resources res.json upd
check_eq update-resources-memory-max 100663296 "$(cat $cg/memory.max)"
ctr_cleanup upd
gone update-cgroup-removed $cg
