"""root.path/readonly, hostname, domainname, and mounts of every kind with
their options, propagation, order and destination creation."""

import json
import os
import subprocess

import pytest

from harness import wait_until


def mount_at(mounts, mountpoint):
    """The topmost mount at mountpoint in a probe `mounts` list, or None."""
    found = [m for m in mounts if m["mountpoint"] == mountpoint]
    return found[-1] if found else None


def opts(m):
    return set(m["options"].split(","))


def super_opts(m):
    return set(m["super_options"].split(","))


@pytest.fixture
def hostdir(workdir):
    """A host directory to bind-mount, with a file in it."""
    d = workdir / "hostdir"
    d.mkdir()
    (d / "hello").write_text("from host\n")
    return d



def test_root_path_relative(rt, bundle):
    b = bundle()
    os.rename(b.rootfs, b.path / "otherroot")
    b.config["root"]["path"] = "otherroot"
    b.rootfs = b.path / "otherroot"
    assert rt.probe(b, "report")["pid"] == 1


def test_root_path_absolute(rt, bundle, workdir):
    b = bundle()
    elsewhere = workdir / "abs-rootfs"
    os.rename(b.rootfs, elsewhere)
    b.config["root"]["path"] = str(elsewhere)
    assert rt.probe(b, "report")["pid"] == 1


def test_root_readonly(rt, bundle):
    b = bundle("/bin/probe", "write", "/file")
    r = rt.run(b)
    assert r.rc == 1 and r.out.strip() == "EROFS", r
    assert not (b.rootfs / "file").exists()


def test_root_writable(rt, bundle):
    b = bundle("/bin/probe", "write", "/file", "written")
    b.config["root"]["readonly"] = False
    r = rt.run(b)
    assert r.rc == 0, r
    assert (b.rootfs / "file").read_text() == "written"


def test_root_readonly_keeps_submounts_writable(rt, bundle):
    b = bundle("/bin/sh", "-c", "probe write /dev/shm/x && probe write /tmp/x")
    b.add_mount("/tmp", "tmpfs", "tmpfs", ["nosuid", "nodev"])
    r = rt.run(b)
    assert r.rc == 0 and r.out.split() == ["ok", "ok"], r


def test_hostname(rt, bundle):
    b = bundle()
    b.config["hostname"] = "box-1"
    rep = rt.probe(b, "report")
    assert rep["hostname"] == "box-1"
    assert os.uname().nodename != "box-1"


@pytest.mark.moat_only
def test_domainname(rt, bundle):
    # runc 1.1 ignores domainname (added in runtime-spec 1.2 / runc 1.2)
    b = bundle()
    b.config["domainname"] = "example.org"
    rep = rt.probe(b, "report")
    assert rep["domainname"] == "example.org"
    assert rep["hostname"] == "moat-test"


def test_bind_rw(rt, bundle, hostdir):
    b = bundle("/bin/sh", "-c", "cat /data/hello && probe write /data/new inside")
    b.add_mount("/data", "bind", hostdir, ["rbind", "rw"])
    r = rt.run(b)
    assert r.rc == 0 and r.out == "from host\nok\n", r
    assert (hostdir / "new").read_text() == "inside"


def test_bind_type_none_with_bind_option(rt, bundle, hostdir):
    b = bundle("/bin/cat", "/data/hello")
    b.add_mount("/data", "none", hostdir, ["bind"])
    r = rt.run(b)
    assert r.rc == 0 and r.out == "from host\n", r


def test_bind_ro_nosuid_nodev_noexec(rt, bundle, hostdir):
    os.mknod(hostdir / "null", 0o666 | 0o020000, os.makedev(1, 3))
    os.link(rt.session.busybox, hostdir / "bb")
    b = bundle("/bin/sh", "-c",
               "probe write /data/x; probe open /data/null w; /data/bb true; echo exec=$?;"
               "probe mounts")
    b.add_mount("/data", "bind", hostdir, ["rbind", "ro", "nosuid", "nodev", "noexec",
                                             "noatime"])
    r = rt.run(b)
    lines = r.out.splitlines()
    assert lines[0] == "EROFS", r
    assert lines[1] == "EACCES", r  # nodev
    assert lines[2] == "exec=126", r  # noexec
    m = mount_at(json.loads(lines[3]), "/data")
    assert {"ro", "nosuid", "nodev", "noexec", "noatime"} <= opts(m), m
    assert not (hostdir / "x").exists()
    # the host's view is unchanged
    (hostdir / "x").write_text("host can still write")


def test_bind_single_file(rt, bundle, hostdir):
    b = bundle("/bin/cat", "/etc/injected")
    b.add_mount("/etc/injected", "bind", hostdir / "hello", ["bind", "ro"])
    r = rt.run(b)
    assert r.rc == 0 and r.out == "from host\n", r
    assert not (b.rootfs / "etc" / "injected").exists() or \
        (b.rootfs / "etc" / "injected").stat().st_size == 0


def test_bind_vs_rbind_submounts(rt, bundle, hostdir, host_mount):
    (hostdir / "sub").mkdir()
    host_mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", hostdir / "sub")
    (hostdir / "sub" / "onsub").write_text("x")
    b = bundle("/bin/sh", "-c", "ls /r/sub; echo --; ls /b/sub")
    b.add_mount("/r", "bind", hostdir, ["rbind"])
    b.add_mount("/b", "bind", hostdir, ["bind"])
    r = rt.run(b)
    assert r.rc == 0, r
    rbind, plain = r.out.split("--\n")
    assert rbind.split() == ["onsub"]
    assert plain.split() == []


@pytest.mark.parametrize("prop,sees", [("rslave", True), ("rshared", True),
                                       ("rprivate", False)])
def test_bind_propagation(rt, bundle, hostdir, host_mount, prop, sees):
    """A mount made on the host after the container started reaches it
    through a slave or shared bind, not through a private one."""
    host_mount("--bind", hostdir, hostdir)
    subprocess.run(["mount", "--make-shared", str(hostdir)], check=True)
    (hostdir / "later").mkdir()
    b = bundle("/bin/sh", "-c",
               "echo ready; while [ ! -e /data/go ]; do sleep 0.02; done; ls /data/later;"
               "grep ' /data ' /proc/self/mountinfo")
    b.add_mount("/data", "bind", hostdir, ["rbind", prop])
    bg = rt.run_bg(b)
    bg.wait_output(lambda t: "ready" in t)
    host_mount("-t", "tmpfs", "tmpfs", hostdir / "later")
    (hostdir / "later" / "onlater").write_text("x")
    (hostdir / "go").write_text("")
    assert bg.wait() == 0, bg.err
    lines = bg.out.splitlines()
    assert ("onlater" in lines) == sees, bg.out
    mi = lines[-1].split(" - ")[0].split()[6:]
    if prop == "rslave":
        assert any(f.startswith("master:") for f in mi), lines[-1]
    elif prop == "rshared":
        assert any(f.startswith("shared:") for f in mi), lines[-1]
    else:
        assert mi == [], lines[-1]


def test_tmpfs_options(rt, bundle):
    b = bundle("/bin/sh", "-c", "probe stat /t; probe mounts")
    b.add_mount("/t", "tmpfs", "tmpfs", ["nosuid", "nodev", "noexec", "size=1m", "mode=1750",
                                         "uid=1000", "gid=29"])
    r = rt.run(b)
    assert r.rc == 0, r
    st_line, mounts_line = r.out.splitlines()
    st = json.loads(st_line)
    assert st["mode"] == 0o1750 and st["uid"] == 1000 and st["gid"] == 29
    m = mount_at(json.loads(mounts_line), "/t")
    assert m["fstype"] == "tmpfs"
    assert {"nosuid", "nodev", "noexec"} <= opts(m)
    assert "size=1024k" in super_opts(m)


def test_tmpfs_size_enforced(rt, bundle):
    b = bundle("/bin/sh", "-c", "dd if=/dev/zero of=/t/f bs=1k count=200 2>/dev/null; "
               "echo rc=$?")
    b.add_mount("/t", "tmpfs", "tmpfs", ["size=100k"])
    r = rt.run(b)
    assert "rc=1" in r.out, r


def test_default_mount_types(rt, bundle):
    mounts = rt.probe(bundle(), "mounts")
    expect = {"/proc": "proc", "/dev": "tmpfs", "/dev/pts": "devpts", "/dev/shm": "tmpfs",
              "/dev/mqueue": "mqueue", "/sys": "sysfs"}
    for mp, fstype in expect.items():
        m = mount_at(mounts, mp)
        assert m is not None, (mp, mounts)
        assert m["fstype"] == fstype, m
    assert "ro" in opts(mount_at(mounts, "/sys"))
    shm = mount_at(mounts, "/dev/shm")
    assert {"nosuid", "noexec", "nodev"} <= opts(shm)
    assert "size=65536k" in super_opts(shm)
    pts = mount_at(mounts, "/dev/pts")
    assert {"gid=5", "mode=620", "ptmxmode=666"} <= super_opts(pts), pts
    dev = mount_at(mounts, "/dev")
    assert "mode=755" in super_opts(dev) and "nosuid" in opts(dev)
    assert "strictatime" not in opts(dev) and "relatime" not in opts(dev)


def test_proc_is_the_containers(rt, bundle):
    b = bundle("/bin/sh", "-c", "ls /proc | grep -E '^[0-9]+$' | sort -n | tr '\\n' ' '")
    r = rt.run(b)
    # only the shell (1) and its children (ls, grep, sort, tr) are visible
    pids = [int(p) for p in r.out.split()]
    assert pids[0] == 1 and max(pids) < 20, r


def test_mqueue_works(rt, bundle):
    """A queue created in the container shows up in its /dev/mqueue, and a
    fresh container (new ipc namespace) does not see it."""
    b = bundle("/bin/sh", "-c", "probe mq /q1 && ls /dev/mqueue")
    r = rt.run(b)
    assert r.rc == 0 and r.out.split() == ["ok", "q1"], r
    r = rt.run(bundle("/bin/ls", "/dev/mqueue"))
    assert r.rc == 0 and r.out.split() == [], r


def test_cgroup_mount(rt, bundle):
    mounts = rt.probe(bundle(), "mounts")
    cg = [m for m in mounts if m["mountpoint"].startswith("/sys/fs/cgroup")]
    assert any(m["fstype"] in ("cgroup", "cgroup2") for m in cg), cg
    for m in cg:
        if m["fstype"] in ("cgroup", "cgroup2"):
            assert "ro" in opts(m), m


def test_cgroup_mount_read_only(rt, bundle):
    b = bundle("/bin/sh", "-c", "mkdir /sys/fs/cgroup/x 2>&1 || mkdir /sys/fs/cgroup/*/x; "
               "echo rc=$?")
    r = rt.run(b)
    assert "rc=0" not in r.out, r


def test_mount_destination_created(rt, bundle, hostdir):
    b = bundle("/bin/sh", "-c", "probe mounts; cat /new/deep/bind/hello")
    b.add_mount("/new/deep/dir", "tmpfs", "tmpfs", ["size=1m"])
    b.add_mount("/new/deep/bind", "bind", hostdir, ["rbind"])
    r = rt.run(b)
    assert r.rc == 0, r
    mounts = json.loads(r.out.splitlines()[0])
    assert mount_at(mounts, "/new/deep/dir")["fstype"] == "tmpfs"
    assert r.out.splitlines()[1] == "from host"


def test_mount_file_destination_created(rt, bundle, hostdir):
    b = bundle("/bin/cat", "/some/dir/file")
    b.add_mount("/some/dir/file", "bind", hostdir / "hello", ["bind"])
    r = rt.run(b)
    assert r.rc == 0 and r.out == "from host\n", r


def test_mounts_applied_in_order(rt, bundle, hostdir):
    """A later mount inside an earlier one lands on it; a later mount on
    the same destination covers an earlier one."""
    b = bundle("/bin/sh", "-c", "cat /m/b/hello; ls /over")
    b.add_mount("/m", "tmpfs", "tmpfs", ["size=1m"])
    b.add_mount("/m/b", "bind", hostdir, ["rbind"])
    b.add_mount("/over", "bind", hostdir, ["rbind"])
    b.add_mount("/over", "tmpfs", "tmpfs", ["size=1m"])
    r = rt.run(b)
    assert r.rc == 0, r
    assert r.out == "from host\n", r


def test_mount_relative_bind_source(rt, bundle):
    """A relative bind source is relative to the bundle."""
    b = bundle("/bin/cat", "/data/inbundle")
    (b.path / "srcdir").mkdir()
    (b.path / "srcdir" / "inbundle").write_text("bundle-relative\n")
    b.add_mount("/data", "bind", "srcdir", ["rbind"])
    b.save()
    r = rt.run(b, None, cwd="/")
    assert r.rc == 0 and r.out == "bundle-relative\n", r


def test_proc_mounted_twice_option_ro(rt, bundle):
    b = bundle("/bin/sh", "-c", "probe mounts")
    b.add_mount("/proc2", "proc", "proc", ["ro", "nosuid", "nodev", "noexec"])
    r = rt.run(b)
    m = mount_at(json.loads(r.out), "/proc2")
    assert m["fstype"] == "proc" and {"ro", "nosuid", "nodev", "noexec"} <= opts(m), m


def test_wait_until_sanity():
    assert wait_until(lambda: True)
