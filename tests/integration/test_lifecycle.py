"""The OCI lifecycle (runtime-spec runtime.md), `run` exit codes and signal
forwarding, --detach, --pid-file, list, features, spec, container ids."""

import json
import os
import signal
import time

import pytest

from harness import IS_MOAT, assert_error, pid_alive, wait_until


def test_run_is_pid1_with_own_hostname(rt, bundle):
    rep = rt.probe(bundle(), "report")
    assert rep["pid"] == 1
    assert rep["ppid"] == 0
    assert rep["hostname"] == "moat-test"
    assert rep["cwd"] == "/"


def test_full_lifecycle(rt, bundle):
    b = bundle("/bin/sh", "-c", "echo started > /tmp/marker; exec /bin/probe sleep 100")
    b.config["root"]["readonly"] = False
    marker = b.rootfs / "tmp" / "marker"
    cid = rt.create_ok(b)

    st = rt.state(cid)
    assert st["status"] == "created"
    assert st["id"] == cid
    assert st["pid"] > 0
    assert os.path.realpath(st["bundle"]) == os.path.realpath(b.path)
    assert st["ociVersion"]
    assert os.path.exists("/proc/%d" % st["pid"])
    time.sleep(0.2)
    assert not marker.exists(), "the user program ran before start"

    r = rt.start(cid)
    assert r.rc == 0, r
    assert wait_until(marker.exists), "the user program did not run after start"
    st = rt.state(cid)
    assert st["status"] == "running"

    r = rt.start(cid)
    assert r.rc != 0, "start on a running container must fail"
    r = rt.delete(cid)
    assert r.rc != 0, "delete of a running container must fail without --force"
    assert rt.state(cid)["status"] == "running"

    r = rt.kill(cid, "KILL")
    assert r.rc == 0, r
    st = rt.wait_status(cid, "stopped")
    r = rt.start(cid)
    assert r.rc != 0, "start on a stopped container must fail"

    r = rt.delete(cid)
    assert r.rc == 0, r
    r = rt.cmd("state", cid)
    assert_error(r, cid)
    rt.assert_gone(cid)


def test_kill_created_container(rt, bundle):
    b = bundle("/bin/sh", "-c", "echo started > /tmp/marker")
    b.config["root"]["readonly"] = False
    cid = rt.create_ok(b)
    pid = rt.state(cid)["pid"]
    r = rt.kill(cid, "KILL")
    assert r.rc == 0, r
    rt.wait_status(cid, "stopped")
    assert wait_until(lambda: not pid_alive(pid))
    assert not (b.rootfs / "tmp" / "marker").exists()
    assert rt.delete(cid).rc == 0
    rt.assert_gone(cid)


def test_delete_force_running(rt, bundle):
    cid = rt.create_ok(bundle("/bin/probe", "sleep", "100"))
    assert rt.start(cid).rc == 0
    pid = rt.state(cid)["pid"]
    r = rt.delete(cid, force=True)
    assert r.rc == 0, r
    rt.assert_gone(cid)
    assert wait_until(lambda: not pid_alive(pid))


def test_delete_force_created(rt, bundle):
    cid = rt.create_ok(bundle("/bin/probe", "sleep", "100"))
    r = rt.delete(cid, force=True)
    assert r.rc == 0, r
    rt.assert_gone(cid)


def test_state_of_unknown_container(rt):
    r = rt.cmd("state", "nosuchcontainer")
    assert_error(r, "nosuchcontainer")


def test_start_unknown_and_kill_unknown(rt):
    assert_error(rt.start("nosuch"), "nosuch")
    assert_error(rt.kill("nosuch", "KILL"), "nosuch")
    assert_error(rt.delete("nosuch"), "nosuch")


def test_create_existing_id_fails(rt, bundle):
    b = bundle("/bin/probe", "sleep", "100")
    cid = rt.create_ok(b)
    r = rt.create(b, cid)
    assert_error(r, cid)
    assert rt.state(cid)["status"] == "created"


def test_run_exit_code(rt, bundle):
    r = rt.sh(bundle(), "exit 7")
    assert r.rc == 7, r
    r = rt.sh(bundle(), "exit 0")
    assert r.rc == 0, r
    r = rt.sh(bundle(), "exit 255")
    assert r.rc == 255, r


def test_run_removes_container_after_exit(rt, bundle):
    r = rt.sh(bundle(), "exit 3")
    assert r.rc == 3
    rt.assert_gone(r.id)


def test_run_killed_by_kill_verb_exits_137(rt, bundle):
    bg = rt.run_bg(bundle("/bin/sleep", "100"))
    rt.wait_status(bg.id, "running")
    r = rt.kill(bg.id, "KILL")
    assert r.rc == 0, r
    assert bg.wait() == 137, bg.err


def test_run_killed_by_signal_number(rt, bundle):
    # busybox sleep as PID 1 has no handler: SIGUSR1 from the host kills it.
    bg = rt.run_bg(bundle("/bin/probe", "signals"))
    bg.wait_output(lambda t: "ready" in t)
    assert rt.kill(bg.id, "9").rc == 0
    assert bg.wait() == 137


@pytest.mark.parametrize("sig,code", [("KILL", 137), ("TERM", 143), ("SEGV", 139)])
def test_run_exit_code_of_signal_death(rt, bundle, sig, code):
    # without a pid namespace the shell is not a PID 1 and can die by signal
    b = bundle("/bin/sh", "-c", "kill -%s $$" % sig)
    b.drop_namespace("pid")
    r = rt.run(b)
    assert r.rc == code, r


def test_run_forwards_signals(rt, bundle):
    bg = rt.run_bg(bundle("/bin/probe", "signals"))
    bg.wait_output(lambda t: "ready" in t)
    os.kill(bg.proc.pid, signal.SIGUSR1)
    bg.wait_output(lambda t: "\n10\n" in t)
    os.kill(bg.proc.pid, signal.SIGHUP)
    bg.wait_output(lambda t: "\n1\n" in t)
    os.kill(bg.proc.pid, signal.SIGTERM)
    assert bg.wait() == 0, bg.err
    got = bg.out.split()
    if not IS_MOAT:
        got = [s for s in got if s != "23"]  # runc forwards the Go runtime's SIGURG
    assert got == ["ready", "10", "1", "15"]


def test_run_detach_and_pid_file(rt, bundle, workdir):
    pidfile = workdir / "pid"
    b = bundle("/bin/probe", "sleep", "100")
    t0 = time.monotonic()
    r = rt.run(b, None, "--detach", "--pid-file", pidfile)
    assert r.rc == 0, r
    assert time.monotonic() - t0 < 10
    st = rt.state(r.id)
    assert st["status"] == "running"
    assert int(pidfile.read_text().strip()) == st["pid"]
    assert rt.kill(r.id, "KILL").rc == 0
    rt.wait_status(r.id, "stopped")
    assert rt.delete(r.id).rc == 0
    rt.assert_gone(r.id)


def test_create_pid_file(rt, bundle, workdir):
    pidfile = workdir / "create.pid"
    cid = rt.create_ok(bundle("/bin/probe", "sleep", "100"), None, "--pid-file", pidfile)
    st = rt.state(cid)
    assert int(pidfile.read_text().strip()) == st["pid"]


def test_create_relative_pid_file(rt, bundle, workdir):
    cid = rt.create_ok(bundle("/bin/probe", "sleep", "100"), None, "--pid-file", "rel.pid",
                       cwd=workdir)
    assert int((workdir / "rel.pid").read_text().strip()) == rt.state(cid)["pid"]


def test_kill_signal_names_and_numbers(rt, bundle):
    b = bundle("/bin/probe", "signals")
    r = rt.run(b, None, "--detach")
    assert r.rc == 0, r
    out = r.outp
    assert wait_until(lambda: "ready" in out.read_text())
    for sig, num in (("USR1", 10), ("SIGUSR2", 12), ("1", 1), ("SIGWINCH", 28)):
        assert rt.kill(r.id, sig).rc == 0
        assert wait_until(lambda: ("\n%d\n" % num) in out.read_text()), (sig, out.read_text())
    assert rt.kill(r.id).rc == 0  # SIGTERM is the default
    rt.wait_status(r.id, "stopped")
    assert out.read_text().split() == ["ready", "10", "12", "1", "28", "15"]


def test_kill_bad_signal(rt, bundle):
    cid = rt.create_ok(bundle("/bin/probe", "sleep", "100"))
    assert_error(rt.kill(cid, "NOTASIGNAL"), "NOTASIGNAL")
    assert rt.state(cid)["status"] == "created"


def test_list(rt, bundle):
    created = rt.create_ok(bundle("/bin/probe", "sleep", "100"))
    running = rt.create_ok(bundle("/bin/probe", "sleep", "100"))
    assert rt.start(running).rc == 0

    r = rt.cmd("list")
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert lines[0].split()[:3] == ["ID", "PID", "STATUS"]
    rows = {l.split()[0]: l.split() for l in lines[1:] if l.strip()}
    assert rows[created][2] == "created"
    assert rows[running][2] == "running"
    assert int(rows[running][1]) == rt.state(running)["pid"]

    r = rt.cmd("list", "--format", "json")
    assert r.rc == 0, r
    items = {c["id"]: c for c in json.loads(r.out)}
    assert set(items) == {created, running}
    assert items[created]["status"] == "created"
    assert items[running]["status"] == "running"
    assert items[running]["pid"] == rt.state(running)["pid"]
    assert os.path.realpath(items[running]["bundle"]).startswith(os.path.realpath(rt.workdir))

    r = rt.cmd("list", "-q")
    assert sorted(r.out.split()) == sorted([created, running])


def test_list_empty(rt):
    r = rt.cmd("list", "-q")
    assert r.rc == 0 and r.out.strip() == "", r
    r = rt.cmd("list", "--format", "json")
    assert r.rc == 0, r
    assert json.loads(r.out) in ([], None)


def test_features(rt):
    r = rt.cmd("features")
    assert r.rc == 0, r
    f = json.loads(r.out)
    assert f["ociVersionMin"].startswith("1.0")
    assert f["ociVersionMax"].startswith("1.")
    assert "createRuntime" in f["hooks"]
    assert "bind" in f["mountOptions"] or "rbind" in f["mountOptions"]
    assert {"pid", "network", "mount", "ipc", "uts", "user", "cgroup"} <= \
        set(f["linux"]["namespaces"])


@pytest.mark.moat_only
def test_features_lists_time_namespace(rt):
    f = json.loads(rt.cmd("features").out)
    assert "time" in f["linux"]["namespaces"]


def test_spec_writes_a_runnable_config(rt, bundle):
    b = bundle()
    (b.path / "config.json").unlink(missing_ok=True)
    r = rt.cmd("spec", "--bundle", b.path)
    assert r.rc == 0, r
    cfg = json.loads((b.path / "config.json").read_text())
    assert cfg["ociVersion"].startswith("1.")
    assert cfg["root"]["path"] == "rootfs"
    assert {n["type"] for n in cfg["linux"]["namespaces"]} >= {"pid", "mount"}
    # run it as written, apart from the terminal (no console socket here)
    cfg["process"]["terminal"] = False
    cfg["process"]["args"] = ["/bin/probe", "report"]
    b.config = cfg
    rep = rt.probe(b, "report")
    assert rep["pid"] == 1


def test_spec_refuses_to_overwrite(rt, bundle):
    b = bundle()
    b.save()
    before = (b.path / "config.json").read_text()
    r = rt.cmd("spec", "--bundle", b.path)
    assert r.rc != 0
    assert (b.path / "config.json").read_text() == before


@pytest.mark.parametrize("bad", ["a/b", "..", ".", "", "x" * 1025, "../escape", "a\nb"])
def test_invalid_ids_rejected(rt, bundle, bad):
    b = bundle("/bin/probe", "sleep", "100")
    r = rt.create(b, bad) if bad else rt.cmd("create", "--bundle", b.path, "")
    assert_error(r)
    assert rt.state_entries() == []
    rt.assert_no_container_left()
    assert not os.path.exists(os.path.join(rt.root, "..", "escape"))


@pytest.mark.moat_only
def test_id_charset_is_limited(rt, bundle):
    # [A-Za-z0-9_.-] only: runc also accepts "+".
    r = rt.create(bundle("/bin/probe", "sleep", "100"), "a+b")
    assert_error(r, "a+b")
    assert rt.state_entries() == []


def test_valid_id_characters(rt, bundle):
    cid = "Az09_.-" + rt.session.tag
    rt.create_ok(bundle("/bin/probe", "sleep", "100"), cid)
    assert rt.state(cid)["id"] == cid
    assert rt.delete(cid, force=True).rc == 0
    rt.assert_gone(cid)


def test_missing_bundle(rt, workdir):
    r = rt.cmd("create", "--bundle", workdir / "nosuchbundle", "x" + rt.session.tag)
    assert_error(r)
    assert rt.state_entries() == []


@pytest.mark.moat_only
def test_unknown_flag(rt):
    r = rt.cmd("create", "--no-such-flag", "x")
    assert_error(r, "--no-such-flag")


def test_version_and_help(rt):
    r = rt.cmd("--version")
    assert r.rc == 0 and r.out.strip(), r
    r = rt.cmd("--help")
    assert r.rc == 0 and "create" in r.out, r
    for verb in ("create", "start", "state", "kill", "delete", "run", "list", "spec"):
        r = rt.cmd(verb, "-h")
        assert r.rc == 0, r


def test_log_file(rt, bundle, workdir):
    """--log FILE with --log-format json: a failure is recorded there as JSON."""
    log = workdir / "log.json"
    b = bundle("/nonexistent-binary")
    b.save()
    r = rt.cmd("run", "--bundle", b.path, "x" + rt.session.tag,
               global_args=("--log", log, "--log-format", "json"))
    assert r.rc != 0
    lines = [json.loads(l) for l in log.read_text().splitlines() if l.strip()]
    assert any(l.get("level") == "error" for l in lines), lines
    rt.created.append("x" + rt.session.tag)


def test_state_fields_and_annotations(rt, bundle):
    b = bundle("/bin/probe", "sleep", "100")
    b.config["annotations"] = {"org.example.a": "1", "org.example.b": "two words"}
    cid = rt.create_ok(b)
    st = rt.state(cid)
    assert set(st) >= {"ociVersion", "id", "status", "pid", "bundle"}, st
    assert st["annotations"] == b.config["annotations"]


def test_kill_stopped_container_fails(rt, bundle):
    cid = rt.create_ok(bundle("/bin/true"))
    assert rt.start(cid).rc == 0
    rt.wait_status(cid, "stopped")
    r = rt.kill(cid, "KILL")
    assert r.rc != 0, r
    assert rt.state(cid)["status"] == "stopped"


def test_bundle_defaults_to_cwd(rt, bundle):
    b = bundle("/bin/probe", "sleep", "100")
    b.save()
    cid = rt.session.next_name()
    rt.created.append(cid)
    r = rt.cmd("create", cid, cwd=b.path)
    assert r.rc == 0, r
    assert os.path.realpath(rt.state(cid)["bundle"]) == os.path.realpath(b.path)


def test_relative_bundle_path(rt, bundle):
    b = bundle("/bin/probe", "exit", "4")
    b.save()
    cid = rt.session.next_name()
    rt.created.append(cid)
    r = rt.cmd("run", "--bundle", b.path.name, cid, cwd=b.path.parent)
    assert r.rc == 4, r


@pytest.mark.moat_only  # runc 1.1 sometimes lets two racing creates succeed
def _race_creates(rt, b, cid, n):
    """Start n `create` of one id within microseconds (one shell forks them
    all); returns [(rc, stderr)]."""
    import subprocess
    argv = " ".join("'%s'" % a for a in rt.argv("create", "--bundle", b.path, cid))
    d = rt.workdir
    script = ("for i in $(seq %d); do (%s </dev/null >%s/race$i.out 2>%s/race$i.err; "
              "echo $? >%s/race$i.rc) & done; wait" % (n, argv, d, d, d))
    subprocess.run(["/bin/sh", "-c", script], timeout=30, stdin=subprocess.DEVNULL)
    return [(int((d / ("race%d.rc" % i)).read_text()), (d / ("race%d.err" % i)).read_text())
            for i in range(1, n + 1)]


@pytest.mark.moat_only  # runc 1.1 sometimes lets two racing creates succeed
def test_same_id_concurrently_only_one_wins(rt, bundle):
    """The state directory is claimed atomically: of several creates of one
    id racing, exactly one succeeds, and the others neither leave anything
    nor disturb the winner (raced a few times: losing is timing-dependent)."""
    b = bundle("/bin/probe", "sleep", "100")
    b.save()
    for _ in range(5):
        cid = rt.session.next_name()
        rt.created.append(cid)
        res = _race_creates(rt, b, cid, 4)
        assert sorted(rc for rc, _ in res) == [0, 1, 1, 1], res
        st = rt.state(cid)
        assert st and st["status"] == "created", ("the winner was disturbed", st, res)
        assert rt.list_ids() == [cid]
        assert rt.delete(cid, force=True).rc == 0
        rt.assert_gone(cid)


def test_list_while_creating(rt, bundle):
    b = bundle("/bin/probe", "sleep", "100")
    b.save()
    ids = [rt.session.next_name() for _ in range(6)]
    rt.created.extend(ids)
    procs = [rt.spawn("create", "--bundle", b.path, i) for i in ids]
    seen = set()
    while any(p.proc.poll() is None for p in procs):
        r = rt.cmd("list", "--format", "json")
        assert r.rc == 0, r
        for c in json.loads(r.out) or []:
            assert c["status"] in ("creating", "created"), c
            seen.add(c["id"])
    assert all(p.wait() == 0 for p in procs), [p.err for p in procs]
    assert sorted(rt.list_ids()) == sorted(ids)


def test_new_session_keyring(rt, bundle, session):
    import subprocess
    host = subprocess.run([str(session.probe), "keyring"], stdout=subprocess.PIPE).stdout
    b = bundle("/bin/probe", "keyring")
    r = rt.run(b)
    assert r.rc == 0, r
    assert r.out.strip() != host.decode().strip()
    r = rt.run(b, None, "--no-new-keyring")
    assert r.rc == 0, r
    assert r.out.strip() == host.decode().strip()


def test_debug_and_log_format_text(rt, bundle, workdir):
    b = bundle("/bin/probe", "exit", "0")
    b.save()
    cid = rt.session.next_name()
    rt.created.append(cid)
    r = rt.cmd("run", "--bundle", b.path, cid,
               global_args=("--debug", "--log", workdir / "log.txt", "--log-format", "text"))
    assert r.rc == 0, r
