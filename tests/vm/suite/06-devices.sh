# devices on v2 (an eBPF program), config denying all but the runtime's
# defaults: /dev/null allowed; mknod of a block device and opening one are
# denied (EPERM; runc allows the mknod). The open test uses a node made outside
# the container, on a filesystem without nodev; a control run with every
# device allowed gets ENXIO (no such disk) instead, so EPERM is the cgroup's.
mkbundle b || exit 1
mkdir -p /vmtest/nodes && mknod /vmtest/nodes/blk b 8 0 2>/dev/null
nodes='{"destination": "/nodes", "type": "bind", "source": "/vmtest/nodes", "options": ["rbind"]}'
prog='echo x >/dev/null && echo null=ok; mknod /dev/sdx b 8 0 2>&1 && echo mknod=ok; head -c 1 /nodes/blk 2>&1 >/dev/null; echo open=done'
SPEC_CGROUPS_PATH=/vmtest.slice/dev SPEC_MOUNTS=$nodes SPEC_RESOURCES='{"devices": [{"allow": false, "access": "rwm"}]}' mkspec b sh -c "$prog"
runtime run --bundle b dev >out 2>err
cat out err
grep -q '^null=ok' out && ok devices-null-allowed || fail devices-null-allowed "$(head -n 2 out)"
if [ "$(runtime --version 2>&1 | head -n 1 | cut -d' ' -f1)" = runc ]; then
	# runc appends "b *:* m" and "c *:* m" to every device list
	skip devices-mknod-block-denied "runc allows mknod of any device node"
elif grep -q '^mknod=ok' out; then
	fail devices-mknod-block-denied "mknod succeeded"
else
	grep -q 'mknod.*Operation not permitted' out && ok devices-mknod-block-denied || fail devices-mknod-block-denied "$(grep mknod out)"
fi
grep -q 'head.*/nodes/blk.*Operation not permitted' out && ok devices-open-block-denied || fail devices-open-block-denied "$(grep head out)"

SPEC_CGROUPS_PATH=/vmtest.slice/dev-all SPEC_MOUNTS=$nodes SPEC_RESOURCES='{"devices": [{"allow": true, "access": "rwm"}]}' mkspec b sh -c "$prog"
runtime run --bundle b dev-all >all.out 2>all.err
cat all.out all.err
grep -q 'head.*/nodes/blk.*No such device' all.out && ok devices-control-all-allowed || fail devices-control-all-allowed "$(grep head all.out)"
