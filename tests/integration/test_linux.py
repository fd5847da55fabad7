"""linux.*: default devices and linux.devices, maskedPaths, readonlyPaths,
rootfsPropagation, sysctl, personality."""

import json
import subprocess

import pytest

from harness import assert_error

DEFAULT_DEVICES = {"/dev/null": (1, 3), "/dev/zero": (1, 5), "/dev/full": (1, 7),
                   "/dev/random": (1, 8), "/dev/urandom": (1, 9), "/dev/tty": (5, 0)}



def run_lines(rt, b, script):
    b.set_args("/bin/sh", "-c", script)
    r = rt.run(b)
    assert r.rc == 0, r
    return r.out.splitlines()


def test_default_devices(rt, bundle):
    script = "; ".join("probe stat %s" % d for d in DEFAULT_DEVICES)
    lines = run_lines(rt, bundle(), script)
    for (path, (maj, mnr)), line in zip(DEFAULT_DEVICES.items(), lines):
        st = json.loads(line)
        assert st["type"] == "chr", (path, st)
        assert (st["major"], st["minor"]) == (maj, mnr), (path, st)
        assert st["mode"] == 0o666, (path, st)
        assert st["uid"] == 0 and st["gid"] == 0, (path, st)


def test_default_devices_work(rt, bundle):
    lines = run_lines(rt, bundle(), "echo x > /dev/null && echo null-ok; "
                      "head -c 4 /dev/zero | od -An -tx1; head -c 8 /dev/urandom | wc -c; "
                      "probe write /dev/full; true")
    assert lines[0] == "null-ok"
    assert lines[1].split() == ["00", "00", "00", "00"]
    assert lines[2].strip() == "8"
    assert lines[3] == "ENOSPC"


def test_dev_links(rt, bundle):
    lines = run_lines(rt, bundle(), "for l in fd stdin stdout stderr; do readlink /dev/$l; done")
    assert lines == ["/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2"]


def test_dev_ptmx_pts_shm(rt, bundle):
    lines = run_lines(rt, bundle(), "probe open /dev/ptmx rw; ls /dev/pts; probe stat /dev/shm; "
                      "probe stat /dev/pts")
    assert lines[0] == "ok"
    assert "ptmx" in lines[1].split()
    shm = json.loads(lines[2])
    assert shm["type"] == "dir" and shm["mode"] == 0o1777
    assert json.loads(lines[3])["type"] == "dir"


def test_dev_ptmx_allocates_from_container_devpts(rt, bundle):
    """Opening /dev/ptmx makes a pty in the container's own devpts
    instance (newinstance): its first pty is number 0."""
    lines = run_lines(rt, bundle(), "exec 3<>/dev/ptmx; ls /dev/pts")
    assert sorted(lines) == ["0", "ptmx"], lines


def test_dev_has_only_expected_entries(rt, bundle):
    names = set(run_lines(rt, bundle(), "ls -a /dev")) - {".", ".."}
    expected = {"null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "mqueue",
                "ptmx", "fd", "stdin", "stdout", "stderr"}
    assert expected <= names, names
    # a config with terminal false gets no /dev/console; /dev/core is runc's
    assert names - expected <= {"core", "console"}, names - expected


def test_config_devices(rt, bundle):
    b = bundle()
    b.linux["devices"] = [
        {"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 0o620,
         "uid": 1000, "gid": 29},
        {"path": "/dev/sub/myloop", "type": "b", "major": 7, "minor": 200, "fileMode": 0o600,
         "uid": 0, "gid": 0},
        {"path": "/dev/myfifo", "type": "p", "fileMode": 0o640},
    ]
    b.linux["devices"].append({"path": "/dev/mynull2", "type": "c", "major": 1, "minor": 3,
                               "fileMode": 0o666})
    lines = run_lines(rt, b, "probe stat /dev/mynull; probe stat /dev/sub/myloop; "
                      "probe stat /dev/myfifo; echo hi > /dev/mynull2 && echo wrote")
    a = json.loads(lines[0])
    assert (a["type"], a["major"], a["minor"], a["mode"], a["uid"], a["gid"]) == \
        ("chr", 1, 3, 0o620, 1000, 29), a
    blk = json.loads(lines[1])
    assert (blk["type"], blk["major"], blk["minor"], blk["mode"]) == ("blk", 7, 200, 0o600), blk
    fifo = json.loads(lines[2])
    assert fifo["type"] == "fifo" and fifo["mode"] == 0o640, fifo
    assert lines[3] == "wrote"


def test_masked_paths_defaults(rt, bundle):
    # this kernel has no /proc/kcore; /proc/timer_list and /proc/keys exist
    lines = run_lines(rt, bundle(), "probe stat /proc/timer_list; wc -c < /proc/timer_list; "
                      "wc -c < /proc/keys; ls -A /sys/firmware | wc -l; ls -A /proc/acpi | wc -l")
    tl = json.loads(lines[0])
    assert (tl["type"], tl["major"], tl["minor"]) == ("chr", 1, 3), tl
    assert lines[1:] == ["0", "0", "0", "0"], lines


def test_masked_paths_custom(rt, bundle):
    b = bundle()
    (b.rootfs / "etc" / "secret").write_text("s3cret\n")
    (b.rootfs / "home" / "user" / "private").write_text("x\n")
    b.linux["maskedPaths"] = ["/etc/secret", "/home/user", "/does/not/exist"]
    lines = run_lines(rt, b, "cat /etc/secret | wc -c; ls -A /home/user | wc -l; "
                      "probe write /home/user/new; true")
    assert lines[:2] == ["0", "0"], lines
    assert lines[2] in ("EROFS", "EACCES", "EPERM"), lines


def test_masked_paths_not_applied_without_config(rt, bundle):
    b = bundle()
    (b.rootfs / "etc" / "secret").write_text("s3cret\n")
    b.linux["maskedPaths"] = []
    lines = run_lines(rt, b, "cat /etc/secret; probe stat /proc/timer_list")
    assert lines[0] == "s3cret"
    assert json.loads(lines[1])["type"] == "file"


def test_readonly_paths_default_proc_sys(rt, bundle):
    lines = run_lines(rt, bundle(), "probe write /proc/sys/kernel/domainname x; "
                      "probe write /proc/irq/default_smp_affinity 1; true")
    assert lines == ["EROFS", "EROFS"], lines


def test_readonly_paths_custom(rt, bundle):
    b = bundle()
    b.config["root"]["readonly"] = False
    b.linux["readonlyPaths"] = ["/home/user", "/nonexistent/path"]
    lines = run_lines(rt, b, "probe write /home/user/x; probe write /tmp/x; true")
    assert lines == ["EROFS", "ok"], lines
    assert not (b.rootfs / "home" / "user" / "x").exists()


def _root_propagation(rt, b, host_mount, value):
    host_mount("--bind", b.rootfs, b.rootfs)
    subprocess.run(["mount", "--make-shared", str(b.rootfs)], check=True)
    (b.rootfs / "mnt").mkdir()
    b.config["root"]["readonly"] = False
    b.linux["rootfsPropagation"] = value  # runtime-spec: linux.rootfsPropagation
    b.set_args("/bin/sh", "-c", "echo ready; while [ ! -e /go ]; do sleep 0.02; done; "
               "ls /mnt; awk '$5 == \"/\"' /proc/self/mountinfo")
    bg = rt.run_bg(b)
    bg.wait_output(lambda t: "ready" in t)
    host_mount("-t", "tmpfs", "tmpfs", b.rootfs / "mnt")
    (b.rootfs / "mnt" / "fromhost").write_text("")
    (b.rootfs / "go").write_text("")
    assert bg.wait() == 0, (bg.out, bg.err)
    lines = bg.out.splitlines()
    return "fromhost" in lines, lines[-1].split(" - ")[0].split()[6:]


@pytest.mark.parametrize("value", [
    "rslave",
    # runc 1.1 applies "slave" to / only, and its rootfs stays private
    pytest.param("slave", marks=pytest.mark.moat_only)])
def test_rootfs_propagation_slave(rt, bundle, host_mount, value):
    sees, optional = _root_propagation(rt, bundle(), host_mount, value)
    assert sees
    assert any(f.startswith("master:") for f in optional), optional


@pytest.mark.moat_only  # runc 1.1 ignores it (runc#1755, fixed in 1.2)
def test_rootfs_propagation_private(rt, bundle, host_mount):
    sees, optional = _root_propagation(rt, bundle(), host_mount, "private")
    assert not sees, optional
    assert optional == []


@pytest.mark.moat_only  # runc 1.1 ignores it (runc#1755, fixed in 1.2)
def test_rootfs_propagation_shared(rt, bundle, host_mount):
    sees, optional = _root_propagation(rt, bundle(), host_mount, "shared")
    assert sees
    assert any(f.startswith("shared:") for f in optional), optional


def test_container_mounts_do_not_reach_host_by_default(rt, bundle, host_mount):
    """Even when the rootfs is a shared mount on the host, the default
    propagation keeps the container's mounts (proc, tmpfs ...) inside."""
    b = bundle()
    host_mount("--bind", b.rootfs, b.rootfs)
    subprocess.run(["mount", "--make-shared", str(b.rootfs)], check=True)
    rt.probe(b, "report")
    assert [l for l in open("/proc/self/mountinfo") if str(b.rootfs) in l
            and " %s " % b.rootfs not in l] == []


def test_sysctl(rt, bundle):
    b = bundle()
    b.linux["sysctl"] = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789",
                         "net.ipv4.ping_group_range": "0 100"}
    lines = run_lines(rt, b, "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax "
                      "/proc/sys/net/ipv4/ping_group_range")
    assert lines[0] == "1" and lines[1] == "123456789", lines
    assert lines[2].split() == ["0", "100"]
    assert open("/proc/sys/net/ipv4/ip_forward").read().strip() == "0"


def test_sysctl_outside_container_namespaces_refused(rt, bundle):
    before = open("/proc/sys/vm/swappiness").read()
    b = bundle()
    b.linux["sysctl"] = {"vm.swappiness": "13"}
    r = rt.create(b)
    assert_error(r, "vm.swappiness")
    assert open("/proc/sys/vm/swappiness").read() == before
    rt.assert_gone(r.id)


def test_sysctl_net_without_netns_refused(rt, bundle):
    b = bundle()
    b.drop_namespace("network")
    b.linux["sysctl"] = {"net.ipv4.ip_forward": "1"}
    r = rt.create(b)
    assert_error(r, "net.ipv4.ip_forward")
    assert open("/proc/sys/net/ipv4/ip_forward").read().strip() == "0"
    rt.assert_gone(r.id)


@pytest.mark.moat_only
def test_personality_linux32(rt, bundle):
    b = bundle()
    b.linux["personality"] = {"domain": "LINUX32"}
    lines = run_lines(rt, b, "uname -m; probe report")
    assert lines[0] == "i686"
    assert json.loads(lines[1])["personality"] & 0xff == 0x08


@pytest.mark.moat_only
def test_personality_linux(rt, bundle):
    b = bundle()
    b.linux["personality"] = {"domain": "LINUX"}
    lines = run_lines(rt, b, "uname -m")
    assert lines[0] == "x86_64"
