"""process.*: args, env, cwd, user, umask, additionalGids, terminal and the
console socket, capabilities (all five sets), rlimits, noNewPrivileges,
oomScoreAdj."""

import os

import pytest

from harness import ConsoleServer, assert_error

CAP_NUMBERS = {
    "CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_KILL": 5, "CAP_SETGID": 6,
    "CAP_SETUID": 7, "CAP_SETPCAP": 8, "CAP_NET_BIND_SERVICE": 10, "CAP_NET_ADMIN": 12,
    "CAP_NET_RAW": 13, "CAP_SYS_CHROOT": 18, "CAP_SYS_ADMIN": 21, "CAP_MKNOD": 27,
    "CAP_AUDIT_WRITE": 29,
}


def mask(*names):
    m = 0
    for n in names:
        m |= 1 << CAP_NUMBERS[n]
    return m


def caps(rep):
    return {k: int(rep["cap_" + k], 16)
            for k in ("inheritable", "permitted", "effective", "bounding", "ambient")}


def test_args_passed_verbatim(rt, bundle):
    b = bundle("/bin/sh", "-c", 'for a in "$@"; do printf "<%s>" "$a"; done', "argv0",
               "a b", 'c"d', "", "$HOME", "é")
    r = rt.run(b)
    assert r.rc == 0, r
    assert r.out == '<a b><c"d><><$HOME><é>'


def test_args_resolved_through_path(rt, bundle):
    b = bundle("probe", "exit", "5")
    b.process["env"] = ["PATH=/usr/local/bin:/bin"]
    r = rt.run(b)
    assert r.rc == 5, r


def test_env_exact(rt, bundle):
    b = bundle()
    b.process["env"] = ["PATH=/bin", "FOO=bar baz", "EMPTY=", "X=1=2"]
    rep = rt.probe(b, "report")
    env = list(rep["environ"])
    # runc adds HOME when the config lacks it; nothing else may appear.
    extra = [e for e in env if e not in b.process["env"]]
    assert all(e.startswith("HOME=") for e in extra), env
    assert [e for e in env if not e.startswith("HOME=")] == b.process["env"]


def test_cwd(rt, bundle):
    b = bundle()
    b.process["cwd"] = "/home/user"
    rep = rt.probe(b, "report")
    assert rep["cwd"] == "/home/user"


def test_cwd_through_symlink_stays_inside(rt, bundle):
    b = bundle()
    os.symlink("/home/user", b.rootfs / "link")
    b.process["cwd"] = "/link"
    rep = rt.probe(b, "report")
    assert rep["cwd"] == "/home/user"


def test_user_uid_gid_additional_gids(rt, bundle):
    b = bundle()
    b.process["user"] = {"uid": 1000, "gid": 1001, "additionalGids": [29, 100, 4242]}
    rep = rt.probe(b, "report")
    assert rep["uid"] == [1000, 1000, 1000]
    assert rep["gid"] == [1001, 1001, 1001]
    assert sorted(rep["groups"]) == [29, 100, 4242]


def test_user_root_has_no_supplementary_groups(rt, bundle):
    rep = rt.probe(bundle(), "report")
    assert rep["uid"] == [0, 0, 0] and rep["gid"] == [0, 0, 0]
    assert rep["groups"] in ([], [0])


def test_user_non_root_cannot_write_root_owned(rt, bundle):
    b = bundle("/bin/probe", "write", "/root/x")
    b.config["root"]["readonly"] = False
    os.chmod(b.rootfs / "root", 0o700)
    b.process["user"] = {"uid": 1000, "gid": 1000}
    r = rt.run(b)
    assert r.rc == 1 and r.out.strip() == "EACCES", r


def test_umask(rt, bundle):
    b = bundle()
    b.process["user"]["umask"] = 0o077
    assert rt.probe(b, "report")["umask"] == 0o077
    b = bundle()
    b.process["user"]["umask"] = 0
    assert rt.probe(b, "report")["umask"] == 0


def test_umask_default_is_022(rt, bundle):
    old = os.umask(0o077)
    try:
        rep = rt.probe(bundle(), "report")
    finally:
        os.umask(old)
    assert rep["umask"] == 0o022


def test_umask_applies_to_new_files(rt, bundle):
    b = bundle("/bin/sh", "-c", "touch /tmp/f && stat -c %a /tmp/f")
    b.config["root"]["readonly"] = False
    b.process["user"]["umask"] = 0o027
    r = rt.run(b)
    assert r.rc == 0 and r.out.strip() == "640", r


def test_default_capabilities(rt, bundle):
    c = caps(rt.probe(bundle(), "report"))
    m = mask("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE")
    assert c == {"inheritable": 0, "permitted": m, "effective": m, "bounding": m, "ambient": 0}


def test_bounding_set_limits_root(rt, bundle):
    b = bundle()
    b.process["capabilities"] = {
        "bounding": ["CAP_CHOWN", "CAP_KILL"],
        "effective": ["CAP_CHOWN", "CAP_KILL"],
        "permitted": ["CAP_CHOWN", "CAP_KILL"],
    }
    c = caps(rt.probe(b, "report"))
    assert c["bounding"] == mask("CAP_CHOWN", "CAP_KILL")
    assert c["effective"] == mask("CAP_CHOWN", "CAP_KILL")
    assert c["permitted"] == mask("CAP_CHOWN", "CAP_KILL")


def test_no_capabilities_at_all(rt, bundle):
    b = bundle()
    b.process["capabilities"] = {"bounding": [], "effective": [], "permitted": []}
    c = caps(rt.probe(b, "report"))
    assert c == dict.fromkeys(c, 0)


def test_all_five_sets_with_ambient(rt, bundle):
    """A non-root process keeps after execve exactly its ambient set (which
    needs the cap in permitted and inheritable); inheritable and bounding are
    kept as configured."""
    b = bundle()
    b.process["user"] = {"uid": 1000, "gid": 1000}
    b.process["capabilities"] = {
        "bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
        "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "ambient": ["CAP_NET_BIND_SERVICE"],
    }
    c = caps(rt.probe(b, "report"))
    assert c["bounding"] == mask("CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW")
    assert c["inheritable"] == mask("CAP_KILL", "CAP_NET_BIND_SERVICE")
    assert c["ambient"] == mask("CAP_NET_BIND_SERVICE")
    assert c["permitted"] == mask("CAP_NET_BIND_SERVICE")
    assert c["effective"] == mask("CAP_NET_BIND_SERVICE")


def test_non_root_without_ambient_has_no_caps(rt, bundle):
    b = bundle()
    b.process["user"] = {"uid": 1000, "gid": 1000}
    b.process["capabilities"]["inheritable"] = ["CAP_KILL"]
    c = caps(rt.probe(b, "report"))
    assert c["permitted"] == 0 and c["effective"] == 0 and c["ambient"] == 0
    assert c["inheritable"] == mask("CAP_KILL")


def test_capability_is_effective(rt, bundle):
    """Without CAP_CHOWN, root in the container cannot chown a file it does
    not own; with it, it can."""
    script = "touch /tmp/f && chown 1000 /tmp/f && chown 0 /tmp/f && echo done"
    b = bundle("/bin/sh", "-c", script)
    b.config["root"]["readonly"] = False
    r = rt.run(b)
    assert r.rc != 0 and "done" not in r.out, r
    b = bundle("/bin/sh", "-c", script)
    b.config["root"]["readonly"] = False
    b.process["capabilities"]["bounding"].append("CAP_CHOWN")
    b.process["capabilities"]["effective"].append("CAP_CHOWN")
    b.process["capabilities"]["permitted"].append("CAP_CHOWN")
    r = rt.run(b)
    assert r.rc == 0 and "done" in r.out, r


def test_capability_missing_is_enforced(rt, bundle):
    b = bundle("/bin/probe", "mknod", "/tmp/n", "c", "1", "3")
    b.config["root"]["readonly"] = False
    r = rt.run(b)
    assert r.rc == 1 and r.out.strip() == "EPERM", r


def test_rlimits(rt, bundle):
    b = bundle()
    b.process["rlimits"] = [
        {"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1000},
        {"type": "RLIMIT_NPROC", "soft": 300, "hard": 400},
        {"type": "RLIMIT_CORE", "soft": 0, "hard": 4096},
        {"type": "RLIMIT_MSGQUEUE", "soft": 1000, "hard": 2000},
    ]
    rl = rt.probe(b, "report")["rlimits"]
    assert rl["RLIMIT_NOFILE"] == [512, 1000]
    assert rl["RLIMIT_NPROC"] == [300, 400]
    assert rl["RLIMIT_CORE"] == [0, 4096]
    assert rl["RLIMIT_MSGQUEUE"] == [1000, 2000]


def test_default_rlimit_nofile(rt, bundle):
    assert rt.probe(bundle(), "report")["rlimits"]["RLIMIT_NOFILE"] == [1024, 1024]


def test_rlimit_enforced(rt, bundle):
    b = bundle("/bin/sh", "-c", "ulimit -n; exec 7</dev/null && echo seven; exec 8</dev/null && echo eight")
    b.process["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 8, "hard": 8}]
    r = rt.run(b)
    assert r.out.split() == ["8", "seven"], r


def test_no_new_privileges(rt, bundle):
    b = bundle()
    b.process["noNewPrivileges"] = True
    rep = rt.probe(b, "report")
    assert rep["no_new_privs"] == 1 and rep["status_no_new_privs"] == "1"
    b = bundle()
    b.process["noNewPrivileges"] = False
    assert rt.probe(b, "report")["no_new_privs"] == 0


def test_oom_score_adj(rt, bundle):
    b = bundle()
    b.process["oomScoreAdj"] = 345
    assert rt.probe(b, "report")["oom_score_adj"] == 345
    b = bundle()
    b.process["oomScoreAdj"] = 1000
    assert rt.probe(b, "report")["oom_score_adj"] == 1000


def test_user_program_is_not_dumpable_only_if_it_should(rt, bundle):
    # A plain container process is dumpable again after execve (ptrace by
    # its own user works); non-dumpable is only for the runtime's init.
    assert rt.probe(bundle(), "report")["dumpable"] == 1


def _console_bundle(bundle, *args):
    b = bundle(*args)
    b.process["terminal"] = True
    return b


def _read_console(rt, srv, bg):
    srv.accept_master(alive=lambda: bg.proc.poll() is None)
    return srv.read_all(timeout=10).decode(errors="replace")


def _check_tty_output(data):
    lines = [l.strip() for l in data.splitlines()]
    assert lines[0] == "/dev/pts/0", data
    assert "hello-tty" in lines
    assert lines.count("/dev/pts/0") == 4, data


TTY_SCRIPT = ("tty; echo hello-tty; for f in 0 1 2; do readlink /proc/self/fd/$f; done")


def test_terminal_console_socket_run_detached(rt, bundle, shortdir):
    b = _console_bundle(bundle, "/bin/sh", "-c", TTY_SCRIPT)
    srv = ConsoleServer(shortdir / "c.sock")
    try:
        r = rt.run(b, None, "--detach", "--console-socket", srv.path)
        assert r.rc == 0, r
        srv.accept_master(timeout=2)
        data = srv.read_all(timeout=10).decode(errors="replace")
    finally:
        srv.close()
    rt.wait_status(r.id, "stopped")
    _check_tty_output(data)


@pytest.mark.moat_only
def test_terminal_console_socket_run_foreground(rt, bundle, shortdir):
    # runc refuses --console-socket without --detach; moat's run takes it.
    b = _console_bundle(bundle, "/bin/sh", "-c", TTY_SCRIPT + "; exit 3")
    srv = ConsoleServer(shortdir / "c.sock")
    try:
        bg = rt.run_bg(b, None, "--console-socket", srv.path)
        data = _read_console(rt, srv, bg)
        assert bg.wait() == 3, bg.err
    finally:
        srv.close()
    _check_tty_output(data)


def test_terminal_console_socket_create_start(rt, bundle, shortdir):
    b = _console_bundle(bundle, "/bin/sh", "-c", "stty size; echo after-start")
    b.process["consoleSize"] = {"height": 33, "width": 101}
    srv = ConsoleServer(shortdir / "c.sock")
    try:
        r = rt.create(b, None, "--console-socket", srv.path)
        assert r.rc == 0, r
        srv.accept_master(timeout=2)
        assert rt.start(r.id).rc == 0
        data = srv.read_all(timeout=10).decode(errors="replace")
    finally:
        srv.close()
    rt.wait_status(r.id, "stopped")
    assert "33 101" in data, data
    assert "after-start" in data


def test_terminal_input(rt, bundle, shortdir):
    b = _console_bundle(bundle, "/bin/sh", "-c", "read x; echo got-$x")
    srv = ConsoleServer(shortdir / "c.sock")
    try:
        r = rt.create(b, None, "--console-socket", srv.path)
        assert r.rc == 0, r
        m = srv.accept_master(timeout=2)
        assert rt.start(r.id).rc == 0
        os.write(m, b"abc\n")
        data = srv.read_all(timeout=10).decode(errors="replace")
    finally:
        srv.close()
    rt.wait_status(r.id, "stopped")
    assert "got-abc" in data


def test_terminal_without_console_socket_fails_create(rt, bundle):
    b = _console_bundle(bundle, "/bin/true")
    r = rt.create(b)
    assert_error(r, "console")
    rt.assert_gone(r.id)
