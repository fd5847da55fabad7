"""Security by construction: symlinks in the rootfs cannot redirect the
runtime to the host, no runtime fd reaches the container, the cwd is inside
the container, the runtime's binary cannot be reached through /proc/PID/exe,
the old root is gone, --no-pivot works."""

import json
import os
import subprocess

import pytest

from harness import IS_MOAT, assert_error, wait_until

ESCAPE = "../../../../../../../../../.."


@pytest.fixture
def victim(workdir):
    """A host directory the container must never touch."""
    d = workdir / "victim"
    d.mkdir()
    (d / "keep").write_text("untouched\n")
    return d


def host_untouched(victim):
    assert sorted(os.listdir(victim)) == ["keep"], os.listdir(victim)
    assert (victim / "keep").read_text() == "untouched\n"


def test_mount_through_relative_escape_symlink_refused(rt, bundle, victim):
    b = bundle()
    os.symlink(ESCAPE, b.rootfs / "escape")
    b.add_mount("/escape" + str(victim) + "/newdir", "tmpfs", "tmpfs")
    r = rt.create(b)
    if IS_MOAT:
        assert_error(r, "mounts")
        rt.assert_gone(r.id)
    else:
        rt.delete(r.id, force=True)
    host_untouched(victim)
    assert not os.path.exists("/newdir")


def test_mount_through_absolute_symlink_stays_in_rootfs(rt, bundle, victim):
    """rootfs/hostlink -> <victim> (absolute): the destination resolves
    inside the rootfs, so the directory is created there, not on the host."""
    b = bundle("/bin/sh", "-c", "ls /hostlink/newdir && echo mounted")
    os.symlink(str(victim), b.rootfs / "hostlink")
    b.add_mount("/hostlink/newdir", "tmpfs", "tmpfs")
    r = rt.run(b)
    assert r.rc == 0 and "mounted" in r.out, r
    host_untouched(victim)
    assert (b.rootfs / str(victim).lstrip("/") / "newdir").is_dir()


def test_etc_symlink_resolves_in_rootfs(rt, bundle):
    name = "moat-test-" + rt.session.tag
    b = bundle("/bin/cat", "/etc2/%s/hello" % name)
    os.symlink("/etc", b.rootfs / "etc2")
    src = rt.workdir / "src"
    src.mkdir()
    (src / "hello").write_text("hi\n")
    b.add_mount("/etc2/" + name, "bind", src, ["rbind"])
    r = rt.run(b)
    assert r.rc == 0 and r.out == "hi\n", r
    assert not os.path.exists("/etc/" + name)
    assert (b.rootfs / "etc" / name).is_dir()


def test_bind_file_destination_symlink_to_host_file(rt, bundle, victim):
    """The destination is a symlink to a host file: binding over it must not
    modify (or truncate, or create) the host file."""
    b = bundle("/bin/cat", "/etc/shadowlink")
    os.symlink(str(victim / "keep"), b.rootfs / "etc" / "shadowlink")
    src = rt.workdir / "payload"
    src.write_text("payload\n")
    b.add_mount("/etc/shadowlink", "bind", src, ["bind"])
    r = rt.run(b)
    rt.delete(r.id, force=True)
    host_untouched(victim)


def test_device_through_symlink(rt, bundle, victim):
    b = bundle("/bin/true")
    b.config["root"]["readonly"] = False
    os.symlink(str(victim), b.rootfs / "devlink")
    b.add_mount("/devlink", "tmpfs", "tmpfs", ["size=1m"], index=2)
    b.linux["devices"] = [{"path": "/dev/../devlink/node", "type": "c", "major": 1,
                           "minor": 3, "fileMode": 0o666}]
    r = rt.run(b)
    rt.delete(r.id, force=True)
    host_untouched(victim)


def test_masked_path_through_symlink(rt, bundle, victim):
    b = bundle("/bin/cat", "/proc/self/status")
    os.symlink(ESCAPE + str(victim), b.rootfs / "masklink")
    b.linux["maskedPaths"] = ["/masklink/keep", "/masklink"]
    b.linux["readonlyPaths"] = ["/masklink"]
    r = rt.run(b)
    rt.delete(r.id, force=True)
    host_untouched(victim)
    assert not [l for l in open("/proc/self/mountinfo") if str(victim) in l]


def test_cwd_symlink_escape(rt, bundle, victim):
    b = bundle()
    os.symlink(ESCAPE + str(victim), b.rootfs / "cwdlink")
    b.process["cwd"] = "/cwdlink"
    b.set_args("/bin/probe", "write", "x")
    b.config["root"]["readonly"] = False
    r = rt.run(b)
    host_untouched(victim)
    if r.rc == 0:
        # resolved inside the rootfs: the file lands there
        assert (b.rootfs / str(victim).lstrip("/") / "x").exists()


def test_no_runtime_fds_reach_container(rt, bundle, workdir):
    extra = workdir / "extra"
    extra.write_text("")
    with open(extra) as f:
        fd = f.fileno()
        os.set_inheritable(fd, True)
        b = bundle("/bin/probe", "fds")
        r = rt.run(b, None, pass_fds=(fd,))
    assert r.rc == 0, r
    fds = json.loads(r.out)
    assert sorted(e["fd"] for e in fds) == [0, 1, 2], fds


def _run_with_fds(rt, b, nfiles, *extra):
    """run with files on fds 3..3+nfiles-1 (set up by a shell wrapper)."""
    b.save()
    cid = rt.session.next_name()
    rt.created.append(cid)
    redirs = " ".join("%d<%s" % (3 + i, rt.workdir / ("f%d" % i)) for i in range(nfiles))
    for i in range(nfiles):
        (rt.workdir / ("f%d" % i)).write_text(str(i))
    argv = rt.argv("run", "--bundle", b.path, *extra, cid)
    script = 'exec "$@" ' + redirs
    return subprocess.run(["/bin/sh", "-c", script, "sh", *argv], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=20)


def test_preserve_fds(rt, bundle):
    p = _run_with_fds(rt, bundle("/bin/probe", "fds"), 4, "--preserve-fds", "2")
    assert p.returncode == 0, p
    fds = json.loads(p.stdout)
    assert sorted(e["fd"] for e in fds) == [0, 1, 2, 3, 4], fds
    targets = {e["fd"]: e["target"] for e in fds}
    assert targets[3].endswith("/f0") and targets[4].endswith("/f1"), targets


def test_preserved_fd_usable(rt, bundle):
    b = bundle("/bin/sh", "-c", "cat <&3")
    p = _run_with_fds(rt, b, 1, "--preserve-fds", "1")
    assert p.returncode == 0 and p.stdout == b"0", p


def test_without_preserve_fds_inherited_fds_closed(rt, bundle):
    p = _run_with_fds(rt, bundle("/bin/probe", "fds"), 3)
    assert p.returncode == 0, p
    assert sorted(e["fd"] for e in json.loads(p.stdout)) == [0, 1, 2]


@pytest.mark.parametrize("fd", range(3, 10))
def test_cwd_through_leaked_fd(rt, bundle, fd):
    """CVE-2024-21626: a cwd of /proc/self/fd/N must not land the process
    outside the container through a runtime fd."""
    b = bundle()
    b.process["cwd"] = "/proc/self/fd/%d" % fd
    r = rt.run(b)
    if r.rc == 0:
        rep = json.loads(r.out)
        assert rep["cwd_error"] is None and rep["cwd"].startswith("/"), rep
        assert not rep["cwd"].startswith("(unreachable)"), rep
    rt.assert_no_container_left()


def test_runtime_binary_not_writable_through_proc_self_exe(rt, bundle):
    """CVE-2019-5736. The container's args[0] is /proc/self/exe: when the
    runtime's init execs it, the magic link names the init's own binary. If
    that is the runtime's file on the host (not a sealed copy), a process of
    another container can hold it through /proc/PID/exe and reopen it for
    writing once it exits. The runtime must refuse to exec it, or run a
    copy. The exec'd runtime is kept waiting with `--log FIFO`."""
    a = bundle("/proc/self/exe", "--log", "/fifo", "state", "nosuch")
    os.mkfifo(a.rootfs / "fifo")
    r = rt.create(a)
    if r.rc != 0:
        return  # refused at create: safe
    if rt.start(r.id).rc != 0:
        return  # refused at start: safe
    apid = rt.state(r.id)["pid"]

    def blocked():
        try:
            return open("/proc/%d/cmdline" % apid, "rb").read().startswith(b"/proc/self/exe")
        except OSError:
            return False
    if not wait_until(blocked, timeout=5):
        return  # not exec'd (refused): safe
    ran_host_binary = os.path.samefile("/proc/%d/exe" % apid, rt.bin)

    # the attacker: another container, same caps, sharing the host pid ns
    att = bundle("/bin/probe", "exe-hold", str(apid), "10")
    att.drop_namespace("pid")
    ra = rt.run(att, None, "--detach")
    assert ra.rc == 0, ra
    assert wait_until(lambda: ra.outp.read_text().count("\n") >= 1), ra.outp.read_text()
    held = json.loads(ra.outp.read_text().splitlines()[0])
    # let the exec'd runtime go, then see what the attacker got
    fd = os.open(a.rootfs / "fifo", os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert wait_until(lambda: ra.outp.read_text().count("\n") >= 2, timeout=15)
    finally:
        os.close(fd)
    after = json.loads(ra.outp.read_text().splitlines()[1])
    assert not (ran_host_binary and held["open_path"] == "ok"), \
        "a container process holds the host runtime binary %s: %s %s" % (rt.bin, held, after)
    assert after.get("open_write") != "ok" or not ran_host_binary, (held, after)


def test_created_init_not_reachable_from_its_user_namespace(rt, bundle):
    """While a user-namespaced container is `created`, its init is the
    runtime (moat) or a runtime copy (runc). Root of another container in
    that user namespace has every capability there, CAP_SYS_PTRACE too, so
    only non-dumpability (or a sealed copy) keeps /proc/1/exe from it."""
    a = bundle("/bin/probe", "sleep", "100")
    a.set_namespace("user")
    a.linux["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    a.linux["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    aid = rt.create_ok(a)
    apid = rt.state(aid)["pid"]
    b = bundle("/bin/probe", "exe", "1")
    b.set_namespace("user", "/proc/%d/ns/user" % apid)
    # runc wants the mappings repeated when joining; they describe that ns
    b.linux["uidMappings"] = a.linux["uidMappings"]
    b.linux["gidMappings"] = a.linux["gidMappings"]
    b.set_namespace("pid", "/proc/%d/ns/pid" % apid)
    b.config["mounts"] = [m for m in b.config["mounts"]
                          if m["destination"] in ("/proc", "/dev")]
    b.linux["maskedPaths"] = []
    b.linux["readonlyPaths"] = []
    allcaps = ["CAP_SYS_PTRACE", "CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
               "CAP_KILL", "CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_FOWNER"]
    b.process["capabilities"] = {k: list(allcaps) for k in ("bounding", "effective",
                                                             "permitted")}
    rep = rt.probe(b, "exe", "1")
    if rep["open_path"] == "ok":
        assert "memfd" in (rep["readlink"] or ""), \
            "the created init's binary is reachable: %s" % rep
        assert rep.get("open_write") != "ok", rep
    else:
        assert rep["open_path"] in ("EACCES", "EPERM"), rep
    assert rt.state(aid)["status"] == "created"
    # control: once started, A's PID 1 is the (dumpable) probe, and the same
    # attacker reaches it, so the refusal above was the init's protection
    assert rt.start(aid).rc == 0
    rep = rt.probe(b, "exe", "1")
    assert rep["open_path"] == "ok" and rep["readlink"] == "/bin/probe", rep


@pytest.mark.moat_only
def test_created_init_is_the_runtime_and_not_reexecuted(rt, bundle):
    """moat never re-executes itself: the waiting init runs the moat binary
    (so it must be protected by being non-dumpable, see the test above)."""
    aid = rt.create_ok(bundle("/bin/probe", "sleep", "100"))
    pid = rt.state(aid)["pid"]
    assert os.path.samefile("/proc/%d/exe" % pid, rt.bin)


def test_old_root_not_visible(rt, bundle):
    mounts = rt.probe(bundle(), "mounts")
    mps = [m["mountpoint"] for m in mounts]
    assert mps[0] == "/" or "/" in mps
    for mp in mps:
        assert mp == "/" or mp.split("/")[1] in ("proc", "dev", "sys"), mps
    assert not any(str(rt.session.base) in mp for mp in mps)


def test_root_listing_is_the_rootfs(rt, bundle):
    b = bundle("/bin/ls", "-a", "/")
    r = rt.run(b)
    assert r.rc == 0, r
    assert sorted(set(r.out.split()) - {".", ".."}) == sorted(os.listdir(b.rootfs))


def test_no_pivot(rt, bundle):
    b = bundle("/bin/sh", "-c", "probe report; probe mounts; ls /")
    r = rt.run(b, None, "--no-pivot")
    assert r.rc == 0, r
    lines = r.out.splitlines()
    rep = json.loads(lines[0])
    assert rep["ppid"] == 1 and rep["cwd"] == "/"
    mps = [m["mountpoint"] for m in json.loads(lines[1])]
    assert not any(str(rt.session.base) in mp for mp in mps), mps
    assert sorted(lines[2:]) == sorted(os.listdir(b.rootfs))


def test_container_root_cannot_reach_host_via_proc_root(rt, bundle):
    b = bundle("/bin/sh", "-c", "ls /proc/1/root/ | sort")
    r = rt.run(b)
    assert r.rc == 0, r
    assert sorted(r.out.split()) == sorted(os.listdir(b.rootfs))


def test_runtime_state_dir_not_in_container(rt, bundle):
    mounts = rt.probe(bundle(), "mounts")
    assert not any(str(rt.root) in m["root"] or str(rt.root) in m["mountpoint"]
                   for m in mounts)
