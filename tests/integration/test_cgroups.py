"""cgroups on this host (v1 hybrid here; the same tests work on a v2 host):
the acceptance list of issue 3 (memory/OOM, pids, cpu quota, devices, the
cgroup namespace, no cgroup left behind) and the verbs that act on a
container's cgroup: update, pause/resume, ps, events, kill --all.
tests/vm/suite runs the same checks on cgroup v2 in a VM."""

import json
import os
import subprocess
import time

import pytest

from harness import IS_MOAT, assert_error, cgroups_named, wait_until

CG_ROOT = "/sys/fs/cgroup"
V2 = os.path.exists(os.path.join(CG_ROOT, "cgroup.controllers"))

MiB = 1024 * 1024


class Cgroup:
    """The cgroup of a process as the host sees it, in either layout."""

    def __init__(self, pid):
        self.paths = {}
        with open("/proc/%d/cgroup" % pid) as f:
            for line in f:
                hid, ctrls, path = line.rstrip("\n").split(":", 2)
                if hid == "0":
                    self.paths[""] = path
                for c in ctrls.split(","):
                    if c:
                        self.paths[c] = path

    def dir(self, controller):
        if V2:
            return CG_ROOT + self.paths[""]
        return os.path.join(CG_ROOT, controller) + self.paths[controller]

    def read(self, controller, v1_file, v2_file=None):
        name = v2_file if V2 else v1_file
        with open(os.path.join(self.dir(controller), name)) as f:
            return f.read().strip()

    def key(self, controller, file, key):
        for line in self.read(controller, file, file).splitlines():
            k, _, v = line.partition(" ")
            if k == key:
                return int(v)
        raise KeyError(key)

    def memory_limit(self):
        v = self.read("memory", "memory.limit_in_bytes", "memory.max")
        return None if v == "max" or int(v) >= 1 << 62 else int(v)

    def pids(self):
        return sorted(int(p) for p in self.read("pids", "cgroup.procs", "cgroup.procs").split())

    def pids_current(self):
        return int(self.read("pids", "pids.current", "pids.current"))

    def cpu_usage_ns(self):
        if V2:
            return self.key("cpu", "cpu.stat", "usage_usec") * 1000
        return int(self.read("cpuacct", "cpuacct.usage"))

    def frozen(self):
        if V2:
            return self.key("", "cgroup.events", "frozen") == 1
        return self.read("freezer", "freezer.state") == "FROZEN"

    def all_dirs(self):
        if V2:
            return [self.dir("")]
        return [os.path.join(CG_ROOT, c.replace("name=", "")) + p
                for c, p in self.paths.items() if c]


def start_detached(rt, b, cid=None):
    """run -d; returns (id, init pid, Cgroup, Result) — the Result's outp
    file receives what the container prints."""
    r = rt.run(b, cid, "-d")
    assert r.rc == 0, r
    st = rt.state(r.id)
    assert st and st["status"] == "running", st
    return r.id, st["pid"], Cgroup(st["pid"]), r


def stop(rt, cid):
    rt.kill(cid, "KILL")
    rt.wait_status(cid, "stopped")
    r = rt.delete(cid)
    assert r.rc == 0, r


def sh_bundle(bundle, script, resources=None):
    b = bundle("/bin/sh", "-c", script)
    if resources is not None:
        b.linux["resources"] = resources
    return b


# ---- memory ------------------------------------------------------------

def alloc_bundle(bundle, resources=None):
    # dd's 200 MiB buffer is filled from /dev/zero: every page is touched.
    # dd is the init, so its death by OOM is the container's exit status.
    b = bundle("/bin/dd", "if=/dev/zero", "of=/dev/null", "bs=200M", "count=1")
    if resources is not None:
        b.linux["resources"] = resources
    return b


def test_memory_limit_oom_kills(rt, bundle):
    # swap = limit: memory+swap is capped too, so a host with swap OOMs as well
    b = alloc_bundle(bundle, {"memory": {"limit": 32 * MiB, "swap": 32 * MiB}})
    r = rt.run(b)
    assert r.rc == 128 + 9, r  # SIGKILL by the OOM killer


def test_memory_without_limit_completes(rt, bundle):
    r = rt.run(alloc_bundle(bundle))
    assert r.rc == 0, r


def test_memory_limit_in_cgroup(rt, bundle):
    cid, _pid, cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60",
                                                    {"memory": {"limit": 48 * MiB}}))
    assert cg.memory_limit() == 48 * MiB
    stop(rt, cid)


# ---- pids ----------------------------------------------------------------

def test_pids_limit_fork_failures(rt, bundle):
    # the loop runs in a subshell (ash exits when a fork fails); after it
    # only builtins and exec, which need no fork
    script = ("(i=0; while [ $i -lt 100 ]; do sleep 30 & i=$((i + 1)); done) 2>/tmp/err; "
              "read e </tmp/err; echo \"err=$e\"; exec sleep 60")
    b = sh_bundle(bundle, script, {"pids": {"limit": 16}})
    b.config["root"]["readonly"] = False
    cid, _pid, cg, r = start_detached(rt, b)
    out = wait_until(lambda: "err=" in r.outp.read_text() and r.outp.read_text(), timeout=15)
    assert out and "fork" in out, out
    assert int(cg.read("pids", "pids.max")) == 16
    assert cg.pids_current() <= 16
    assert 1 < len(cg.pids()) <= 16
    assert cg.key("pids", "pids.events", "max") > 0
    stop(rt, cid)


# ---- cpu -------------------------------------------------------------------

def test_cpu_quota_limits_usage(rt, bundle):
    b = sh_bundle(bundle, "while :; do :; done",
                  {"cpu": {"quota": 20000, "period": 100000}})
    cid, _pid, cg, _ = start_detached(rt, b)
    u0, t0 = cg.cpu_usage_ns(), time.monotonic()
    time.sleep(2)  # the measurement window itself
    u1, t1 = cg.cpu_usage_ns(), time.monotonic()
    rate = (u1 - u0) / 1e9 / (t1 - t0)
    assert 0.05 < rate <= 0.3, "busy loop used %.3f CPU-s/s under a 0.2 quota" % rate
    stop(rt, cid)


# ---- update ----------------------------------------------------------------

def test_update_memory_changes_limit(rt, bundle):
    cid, _pid, cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60",
                                                    {"memory": {"limit": 64 * MiB}}))
    assert cg.memory_limit() == 64 * MiB
    r = rt.cmd("update", "--memory", "128m", cid)
    assert r.rc == 0, r
    assert cg.memory_limit() == 128 * MiB
    r = rt.cmd("update", "--memory", str(96 * MiB), cid)
    assert r.rc == 0, r
    assert cg.memory_limit() == 96 * MiB
    stop(rt, cid)


def test_update_resources_json_and_flags(rt, bundle, workdir):
    cid, _pid, cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60", {"pids": {"limit": 100}}))
    # go-runc's form: --resources=- with LinuxResources JSON on stdin
    res = workdir / "res.json"
    res.write_text(json.dumps({"memory": {"limit": 80 * MiB}, "pids": {"limit": 40},
                               "cpu": {"quota": 50000, "period": 100000}}))
    with open(res) as f:
        r = rt.cmd("update", "--resources=-", cid, stdin=f)
    assert r.rc == 0, r
    assert cg.memory_limit() == 80 * MiB
    assert int(cg.read("pids", "pids.max")) == 40
    if V2:
        assert cg.read("cpu", "", "cpu.max") == "50000 100000"
    else:
        assert int(cg.read("cpu", "cpu.cfs_quota_us")) == 50000
    r = rt.cmd("update", "--resources", res, cid)  # a file
    assert r.rc == 0, r
    r = rt.cmd("update", "--pids-limit", "30", "--cpu-quota", "30000", cid)
    assert r.rc == 0, r
    assert int(cg.read("pids", "pids.max")) == 30
    if not V2:
        assert int(cg.read("cpu", "cpu.cfs_quota_us")) == 30000
    # runc: 0 means "unchanged"
    r = rt.cmd("update", "--memory", "0", "--pids-limit", "0", cid)
    assert r.rc == 0, r
    assert cg.memory_limit() == 80 * MiB and int(cg.read("pids", "pids.max")) == 30
    stop(rt, cid)


@pytest.mark.moat_only
def test_update_errors_name_the_field(rt, bundle, workdir):
    cid, _pid, cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60"))
    bad = workdir / "bad.json"
    bad.write_text('{"memory": {"limit": "lots"}}')
    assert_error(rt.cmd("update", "--resources", bad, cid), "linux.resources.memory.limit")
    assert_error(rt.cmd("update", "--memory", "lots", cid), "--memory", "lots")
    assert_error(rt.cmd("update", "--pids-limit", "-5", cid), "--pids-limit")
    assert_error(rt.cmd("update", "--memory", "1m", "nosuch"), "nosuch", "does not exist")
    stop(rt, cid)


def test_update_stopped_container_fails(rt, bundle):
    b = sh_bundle(bundle, "true")
    cid = rt.create_ok(b)
    assert rt.start(cid).rc == 0
    rt.wait_status(cid, "stopped")
    r = rt.cmd("update", "--memory", "64m", cid)
    assert r.rc != 0, r
    if IS_MOAT:
        assert_error(r, cid, "not running")
    assert rt.delete(cid).rc == 0


# ---- pause / resume ------------------------------------------------------------

def test_pause_freezes_resume_continues(rt, bundle, workdir):
    shared = workdir / "shared"
    shared.mkdir()
    b = sh_bundle(bundle, "i=0; while :; do i=$((i + 1)); echo $i >/shared/n.tmp; "
                  "mv /shared/n.tmp /shared/n; usleep 10000; done")
    b.add_mount("/shared", "bind", shared, ["rbind"])
    cid, _pid, cg, _ = start_detached(rt, b)
    n = shared / "n"

    def count():
        try:
            return int(n.read_text())
        except (OSError, ValueError):
            return None

    assert wait_until(lambda: (count() or 0) > 2), "the counter never ran"
    try:
        r = rt.cmd("pause", cid)
        assert r.rc == 0, r
        assert rt.state(cid)["status"] == "paused"
        assert cg.frozen()
        assert [e for e in json.loads(rt.cmd("list", "--format", "json").out)
                if e["id"] == cid][0]["status"] == "paused"
        c1 = count()
        time.sleep(0.5)  # long enough for ~50 increments if it ran
        assert count() == c1, "the counter advanced while paused"
        # pausing twice, or deleting a paused container without --force, fails
        assert rt.cmd("pause", cid).rc != 0
        assert rt.delete(cid).rc != 0
        assert rt.state(cid)["status"] == "paused"
    finally:
        r = rt.cmd("resume", cid)
    assert r.rc == 0, r
    assert rt.state(cid)["status"] == "running"
    assert not cg.frozen()
    assert wait_until(lambda: (count() or 0) > c1 + 2), "the counter did not continue"
    r = rt.cmd("resume", cid)
    assert r.rc != 0, "resume of a running container must fail"
    if IS_MOAT:
        assert_error(r, cid, "not paused")
    stop(rt, cid)


def test_pause_stopped_container_fails(rt, bundle):
    cid = rt.create_ok(sh_bundle(bundle, "true"))
    assert rt.start(cid).rc == 0
    rt.wait_status(cid, "stopped")
    r = rt.cmd("pause", cid)
    assert r.rc != 0, r
    if IS_MOAT:
        assert_error(r, cid, "not running")
    assert rt.cmd("resume", cid).rc != 0
    assert rt.delete(cid).rc == 0


def test_kill_and_delete_paused_container(rt, bundle):
    cid, _pid, cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60 & sleep 60 & wait"))
    try:
        assert rt.cmd("pause", cid).rc == 0
        assert rt.kill(cid, "KILL").rc == 0
        assert wait_until(lambda: (rt.state(cid) or {}).get("status") == "stopped", timeout=3)
    finally:
        rt.cmd("resume", cid)
    cid, _pid, cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60"))
    assert rt.cmd("pause", cid).rc == 0
    t = time.monotonic()
    r = rt.delete(cid, force=True)
    if r.rc != 0:
        rt.cmd("resume", cid)
    assert r.rc == 0 and time.monotonic() - t < 8, r  # a missing thaw hangs the full 10 s


# ---- devices -----------------------------------------------------------------

@pytest.fixture
def block_node(workdir):
    """A directory holding a block device node for a major that has no
    driver (240, "local/experimental"), on a filesystem without nodev."""
    d = workdir / "nodes"
    d.mkdir()
    subprocess.run(["mknod", str(d / "blk"), "b", "240", "0"], check=True)
    return d


def device_bundle(bundle, nodes, devices):
    script = ("echo x >/dev/null && echo null=ok; "
              "probe mknod /dev/sdx b 240 0; probe mknod /dev/cx c 1 3; "
              "probe open /nodes/blk r; true")
    b = sh_bundle(bundle, script, {"devices": devices})
    b.add_mount("/nodes", "bind", nodes, ["rbind"])
    caps = b.process["capabilities"]
    for k in caps:
        caps[k] = caps[k] + ["CAP_MKNOD"]
    return b


@pytest.mark.moat_only  # runc allows mknod of every block device ("b *:* m")
def test_devices_block_mknod_and_open_denied(rt, bundle, block_node):
    b = device_bundle(bundle, block_node, [{"allow": False, "access": "rwm"}])
    r = rt.run(b)
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert lines[0] == "null=ok", r
    assert lines[1] == "EPERM", "mknod of a block device: %r" % r
    assert lines[2] == "ok", "mknod of a char device (c *:* m, CAP_MKNOD): %r" % r
    assert lines[3] == "EPERM", "open of a block device: %r" % r


def test_devices_control_all_allowed(rt, bundle, block_node):
    """With every device allowed, the same mknod works and the open reaches
    the kernel (no driver: ENXIO), so EPERM above is the cgroup's doing."""
    b = device_bundle(bundle, block_node, [{"allow": True, "access": "rwm"}])
    r = rt.run(b)
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert lines[:3] == ["null=ok", "ok", "ok"], r
    assert lines[3] == "ENXIO", r


def test_devices_config_rule_allows_block_mknod(rt, bundle, block_node):
    rule = {"allow": True, "type": "b", "major": 240, "minor": 0, "access": "m"}
    b = device_bundle(bundle, block_node, [{"allow": False, "access": "rwm"}, rule])
    r = rt.run(b)
    assert r.rc == 0, r
    lines = r.out.splitlines()
    assert lines[1] == "ok", "a config's own rule allows the block mknod: %r" % r
    assert lines[3] == "EPERM", "but not its open: %r" % r


# ---- events, ps, kill --all --------------------------------------------------------

def test_events_stats_json(rt, bundle):
    cid, _pid, _cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60",
                                                     {"memory": {"limit": 64 * MiB}}))
    r = rt.cmd("events", "--stats", cid)
    assert r.rc == 0, r
    ev = json.loads(r.out)
    assert ev["type"] == "stats" and ev["id"] == cid, ev
    mem = ev["data"]["memory"]
    assert mem["usage"]["usage"] > 0, mem
    assert mem["usage"]["limit"] == 64 * MiB, mem
    assert ev["data"]["pids"]["current"] >= 1, ev["data"]
    assert ev["data"]["cpu"]["usage"]["total"] > 0
    stop(rt, cid)


def test_events_stream_until_stop(rt, bundle):
    cid, _pid, _cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60"))
    bg = rt.spawn("events", "--interval", "100ms", cid)
    bg.wait_output(lambda t: t.count("\n") >= 2)
    assert rt.kill(cid, "KILL").rc == 0
    rt.wait_status(cid, "stopped")
    if IS_MOAT:
        # moat stops at the init's exit; runc 1.1 on v1 when the cgroup goes
        assert bg.wait(timeout=10) == 0, bg.err
    assert rt.delete(cid).rc == 0
    assert bg.wait(timeout=10) == 0, bg.err
    lines = bg.out.splitlines()
    assert lines and all(json.loads(l)["type"] == "stats" for l in lines), lines


def test_events_reports_oom(rt, bundle, workdir):
    shared = workdir / "shared"
    shared.mkdir()
    # the allocation waits for the host's go: events must be watching first
    script = ("while [ ! -e /shared/go ]; do usleep 10000; done; "
              "dd if=/dev/zero of=/dev/null bs=200M count=1; sleep 60")
    b = sh_bundle(bundle, script, {"memory": {"limit": 32 * MiB, "swap": 32 * MiB}})
    b.add_mount("/shared", "bind", shared, ["rbind"])
    cid, _pid, _cg, _ = start_detached(rt, b)
    bg = rt.spawn("events", "--interval", "200ms", cid)
    bg.wait_output(lambda t: '"stats"' in t)
    (shared / "go").write_text("")
    text = bg.wait_output(lambda t: '"oom"' in t)
    ooms = [json.loads(l) for l in text.splitlines() if '"oom"' in l]
    assert ooms == [{"type": "oom", "id": cid}], text
    stop(rt, cid)
    assert bg.wait(timeout=10) == 0, bg.err


def test_events_stopped_container_fails(rt, bundle):
    cid = rt.create_ok(sh_bundle(bundle, "true"))
    assert rt.start(cid).rc == 0
    rt.wait_status(cid, "stopped")
    assert rt.cmd("events", "--stats", cid).rc != 0
    assert rt.delete(cid).rc == 0


def test_ps_lists_pids(rt, bundle):
    cid, pid, cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60 & sleep 60 & wait"))
    assert wait_until(lambda: len(cg.pids()) >= 3)
    r = rt.cmd("ps", "--format", "json", cid)
    assert r.rc == 0, r
    assert sorted(json.loads(r.out)) == cg.pids()
    assert pid in json.loads(r.out)
    r = rt.cmd("ps", cid)
    assert r.rc == 0, r
    header, *rows = r.out.splitlines()
    col = header.split().index("PID")
    assert sorted(int(l.split()[col]) for l in rows) == cg.pids(), r.out
    r = rt.cmd("ps", cid, "-o", "pid,comm")
    assert r.rc == 0, r
    assert r.out.split()[:2] == ["PID", "COMMAND"], r.out
    assert sum("sleep" in l for l in r.out.splitlines()) == 2, r.out
    stop(rt, cid)


def test_kill_all_empties_cgroup(rt, bundle):
    # sh ignores SIGTERM as PID 1 without a handler; the sleepers get it too
    b = sh_bundle(bundle, "sleep 60 & sleep 60 & wait")
    b.drop_namespace("pid")  # without a pid namespace, init's death kills nothing
    cid, _pid, cg, _ = start_detached(rt, b)
    assert wait_until(lambda: len(cg.pids()) >= 3)
    r = rt.kill(cid, "KILL", "--all")
    assert r.rc == 0, r
    assert wait_until(lambda: not cg.pids()), cg.pids()
    rt.wait_status(cid, "stopped")
    assert rt.delete(cid).rc == 0


# ---- where cgroups live and that they go -------------------------------------------

def test_delete_removes_cgroup_everywhere(rt, bundle):
    cid, _pid, cg, _ = start_detached(rt, sh_bundle(bundle, "sleep 60",
                                                    {"memory": {"limit": 64 * MiB},
                                                     "pids": {"limit": 50}}))
    dirs = cg.all_dirs()
    assert dirs and all(os.path.isdir(d) for d in dirs), dirs
    assert all(d.endswith("/" + cid) for d in dirs), dirs
    stop(rt, cid)
    assert [d for d in dirs if os.path.exists(d)] == []
    assert cgroups_named(cid) == []


def test_failed_create_leaves_no_cgroup(rt, bundle):
    # a cpuset no host has: the cgroup is made, then applying it fails
    b = sh_bundle(bundle, "true", {"cpu": {"cpus": "1000-1001"}})
    r = rt.create(b)
    assert r.rc != 0, r
    assert cgroups_named(r.id) == []
    # a program that does not exist: fails after the cgroup was set up
    b = bundle("/bin/no-such-program")
    r = rt.create(b)
    assert r.rc != 0, r
    assert cgroups_named(r.id) == []


def test_cgroups_path_absolute(rt, bundle, session):
    path = "/%s-abs/%s" % (session.tag, session.next_name("cg"))
    b = sh_bundle(bundle, "sleep 60")
    b.linux["cgroupsPath"] = path
    cid, _pid, cg, _ = start_detached(rt, b)
    assert all(p == path for p in cg.paths.values()), cg.paths
    stop(rt, cid)
    # the intermediate level stays (it may be shared), as in runc
    for d in cgroups_named(session.tag + "-abs"):
        os.rmdir(d)


def test_cgroup_namespace_root(rt, bundle):
    b = sh_bundle(bundle, "cat /proc/self/cgroup")
    b.set_namespace("cgroup")
    r = rt.run(b)
    assert r.rc == 0, r
    paths = [l.split(":", 2)[2] for l in r.out.splitlines() if l.strip()]
    assert paths and all(p == "/" for p in paths), r.out
