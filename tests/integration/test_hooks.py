"""hooks: the six kinds, their order, the state on their stdin, the
namespaces they run in, env/args, timeouts, and what a failing hook does
(runtime-spec config.md#posix-platform-hooks and runtime.md#lifecycle)."""

import json
import os
import time

import pytest

from harness import IS_MOAT, assert_error

# Appends one JSON line describing where and with what it ran. Runs with
# the host's /bin/sh (dash) or, for startContainer, busybox sh in the rootfs.
HOOK_SCRIPT = r"""#!/bin/sh
name=$1 log=$2
state=$(cat)
pid=$(echo "$state" | sed -n 's/.*"pid": *\([0-9][0-9]*\).*/\1/p')
exe=
[ -n "$pid" ] && exe=$(readlink /proc/$pid/exe 2>/dev/null)
printf '{"hook":"%s","state":%s,"hostname":"%s","mnt":"%s","uts":"%s","net":"%s","env":"%s","exe":"%s","argc":%d,"args":"%s"}\n' \
  "$name" "${state:-null}" "$(cat /proc/sys/kernel/hostname)" "$(readlink /proc/self/ns/mnt)" \
  "$(readlink /proc/self/ns/uts)" "$(readlink /proc/self/ns/net)" "$HOOKVAR" "$exe" $# "$*" >> "$log"
case "$name" in *fail*) exit 3 ;; esac
exit 0
"""

HOST_HOOKS = ("prestart", "createRuntime", "createContainer", "poststart", "poststop")


@pytest.fixture
def hooked(workdir, bundle):
    """make(hooks=None) -> (bundle, read_log): a bundle whose hooks log into
    workdir/hooklog/log (bind-mounted at /hooklog for startContainer).
    hooks maps kind -> list of names (default: one hook per kind)."""
    logdir = workdir / "hooklog"
    logdir.mkdir()
    log = logdir / "log"
    host_script = workdir / "hook.sh"
    host_script.write_text(HOOK_SCRIPT)
    host_script.chmod(0o755)

    def read_log():
        if not log.exists():
            return []
        return [json.loads(l) for l in log.read_text().splitlines() if l.strip()]

    def make(hooks=None, args=("/bin/probe", "sleep", "100")):
        b = bundle(*args)
        (b.rootfs / "hook.sh").write_text(HOOK_SCRIPT)
        (b.rootfs / "hook.sh").chmod(0o755)
        b.add_mount("/hooklog", "bind", logdir, ["rbind"])
        hooks = hooks or {k: [k] for k in HOST_HOOKS + ("startContainer",)}
        cfg = {}
        for kind, names in hooks.items():
            cfg[kind] = []
            for name in names:
                if kind == "startContainer":
                    h = {"path": "/hook.sh", "args": ["hook.sh", name, "/hooklog/log"]}
                else:
                    h = {"path": str(host_script), "args": ["hook.sh", name, str(log)]}
                h["env"] = ["HOOKVAR=env-" + name]
                cfg[kind].append(h)
        b.config["hooks"] = cfg
        return b

    make.read_log = read_log
    make.log = log
    make.script = host_script
    return make


def names(entries):
    return [e["hook"] for e in entries]


def test_hooks_order_state_and_namespaces(rt, hooked):
    b = hooked()
    b.config["annotations"] = {"org.example.key": "value"}
    cid = rt.create_ok(b)
    pid = rt.state(cid)["pid"]
    log = hooked.read_log()
    # runc 1.1 runs poststart during create and startContainer after it
    if IS_MOAT:
        assert names(log) == ["prestart", "createRuntime", "createContainer"], log

    assert rt.start(cid).rc == 0
    log = hooked.read_log()
    if IS_MOAT:
        assert names(log) == ["prestart", "createRuntime", "createContainer", "startContainer",
                              "poststart"], log
    assert rt.kill(cid, "KILL").rc == 0
    rt.wait_status(cid, "stopped")
    assert rt.delete(cid).rc == 0
    log = hooked.read_log()
    assert names(log)[-1] == "poststop" and len(log) == 6, log
    assert names(log)[:3] == ["prestart", "createRuntime", "createContainer"], log

    host = {k: os.readlink("/proc/self/ns/" + k) for k in ("mnt", "uts", "net")}
    by = {e["hook"]: e for e in log}
    for name in ("prestart", "createRuntime", "poststart", "poststop"):
        assert by[name]["mnt"] == host["mnt"], (name, by[name])
        assert by[name]["hostname"] == os.uname().nodename, (name, by[name])
    for name in ("createContainer", "startContainer"):
        assert by[name]["mnt"] != host["mnt"], (name, by[name])
        assert by[name]["uts"] != host["uts"], (name, by[name])
        assert by[name]["net"] != host["net"], (name, by[name])
    assert by["createContainer"]["mnt"] == by["startContainer"]["mnt"]
    assert by["startContainer"]["hostname"] == "moat-test"

    for name, e in by.items():
        st = e["state"]
        assert st["id"] == cid, e
        assert os.path.realpath(st["bundle"]) == os.path.realpath(b.path), e
        assert st["ociVersion"], e
        assert st.get("annotations") == {"org.example.key": "value"}, e
        assert e["env"] == "env-" + name, e
        assert e["args"] == "%s %s" % (name, "/hooklog/log" if name == "startContainer"
                                       else hooked.log), e
        # state.pid is "as seen by the host"; runc 1.1 gives createContainer
        # and startContainer hooks the pid inside the container (1)
        if name != "poststop" and (IS_MOAT or name not in ("createContainer",
                                                          "startContainer")):
            assert st["pid"] == pid, e
    assert by["poststart"]["state"]["status"] == "running" or not IS_MOAT
    assert by["poststop"]["state"]["status"] == "stopped"
    for name in ("prestart", "createRuntime", "createContainer"):
        assert by[name]["state"]["status"] == "creating", by[name]


@pytest.mark.moat_only  # runc 1.1 runs poststart in create, startContainer late
def test_poststart_runs_after_user_program_started(rt, hooked):
    b = hooked({"poststart": ["poststart"]})
    cid = rt.create_ok(b)
    assert rt.start(cid).rc == 0
    e = hooked.read_log()[0]
    # by then the init has exec'd the user program (the probe)
    assert e["exe"].endswith("/probe"), e


def test_hooks_of_one_kind_run_in_order(rt, hooked):
    b = hooked({"createRuntime": ["first", "second", "third"]})
    rt.create_ok(b)
    assert names(hooked.read_log()) == ["first", "second", "third"]


@pytest.mark.parametrize("kind", ["prestart", "createRuntime", "createContainer"])
def test_failing_create_hook_fails_create(rt, hooked, kind):
    b = hooked({kind: ["fail-" + kind], "createContainer" if kind != "createContainer"
                else "createRuntime": ["other"]})
    r = rt.create(b)
    assert_error(r, kind)
    rt.assert_gone(r.id)
    # no hook after the failing one ran
    log = names(hooked.read_log())
    assert log[log.index("fail-" + kind) + 1:] == [] or kind != "createRuntime"


@pytest.mark.moat_only  # runc 1.1 runs poststart in create, startContainer late
def test_failing_start_container_hook_fails_start(rt, hooked):
    b = hooked({"startContainer": ["fail-start"]}, args=("/bin/probe", "write",
                                                         "/hooklog/ran"))
    cid = rt.create_ok(b)
    r = rt.start(cid)
    assert r.rc != 0, r
    time.sleep(0.2)
    assert not (hooked.log.parent / "ran").exists(), "user program ran after a failing hook"
    st = rt.state(cid)
    assert st is None or st["status"] == "stopped", st
    rt.delete(cid, force=True)
    rt.assert_gone(cid)


@pytest.mark.moat_only  # runc 1.1 runs poststart in create, startContainer late
def test_failing_poststart_is_a_warning(rt, hooked):
    b = hooked({"poststart": ["fail-poststart", "after"]})
    cid = rt.create_ok(b)
    r = rt.start(cid)
    assert r.rc == 0, r
    assert names(hooked.read_log()) == ["fail-poststart", "after"]
    assert rt.state(cid)["status"] == "running"
    if IS_MOAT:
        assert "fail-poststart" in r.err or "poststart" in r.err, r


def test_failing_poststop_is_a_warning(rt, hooked):
    b = hooked({"poststop": ["fail-poststop", "after"]})
    cid = rt.create_ok(b)
    assert rt.kill(cid, "KILL").rc == 0
    rt.wait_status(cid, "stopped")
    r = rt.delete(cid)
    assert r.rc == 0, r
    if IS_MOAT:  # runc 1.1 stops at the first failing poststop hook
        assert names(hooked.read_log()) == ["fail-poststop", "after"]
    rt.assert_gone(cid)


def test_hook_timeout(rt, hooked, workdir):
    slow = workdir / "slow.sh"
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(0o755)
    b = hooked({"createRuntime": ["x"]})
    b.config["hooks"]["createRuntime"] = [{"path": str(slow), "timeout": 1}]
    t0 = time.monotonic()
    r = rt.create(b)
    took = time.monotonic() - t0
    assert_error(r, "createRuntime")
    assert took < 10, "timeout not honoured: create took %.1fs" % took
    rt.assert_gone(r.id)


def test_hook_missing_binary_fails(rt, hooked, workdir):
    b = hooked({"createRuntime": ["x"]})
    b.config["hooks"]["createRuntime"] = [{"path": str(workdir / "no-such-hook")}]
    r = rt.create(b)
    assert_error(r, "createRuntime")
    rt.assert_gone(r.id)


def test_poststop_runs_on_delete_force(rt, hooked):
    b = hooked({"poststop": ["poststop"]})
    cid = rt.create_ok(b)
    assert rt.start(cid).rc == 0
    assert rt.delete(cid, force=True).rc == 0
    assert names(hooked.read_log()) == ["poststop"]


def test_run_runs_all_hooks(rt, hooked):
    b = hooked(args=("/bin/true",))
    r = rt.run(b)
    assert r.rc == 0, r
    expect = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart",
              "poststop"]
    got = names(hooked.read_log())
    assert got == expect if IS_MOAT else sorted(got) == sorted(expect), got
