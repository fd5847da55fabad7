"""linux.namespaces: each type new or shared with the host, joining by path
(a named netns, another container's namespaces), user namespaces with
mappings, cgroup and time namespaces, loopback up, linux.netDevices."""

import json
import os

import pytest

from harness import assert_error

NS_FILES = {"pid": "pid", "network": "net", "ipc": "ipc", "uts": "uts", "mount": "mnt",
            "cgroup": "cgroup", "user": "user", "time": "time"}

USERNS_MAP = [{"containerID": 0, "hostID": 100000, "size": 65536}]


def host_ns(kind):
    return os.readlink("/proc/self/ns/" + kind)


def ns_of_pid(pid, kind):
    return os.readlink("/proc/%d/ns/%s" % (pid, kind))


@pytest.mark.parametrize("nstype", ["pid", "network", "ipc", "uts", "mount"])
def test_default_namespaces_are_new(rt, bundle, nstype):
    rep = rt.probe(bundle(), "report")
    kind = NS_FILES[nstype]
    assert rep["namespaces"][kind] != host_ns(kind)


@pytest.mark.parametrize("nstype", ["pid", "network", "ipc", "uts", "cgroup"])
def test_namespace_absent_means_shared_with_host(rt, bundle, nstype):
    b = bundle()
    b.drop_namespace(nstype)
    if nstype == "uts":
        b.config.pop("hostname", None)
    if nstype == "network":
        # sysfs of the host's netns cannot be mounted without CAP_SYS_ADMIN
        # over it; bind it like runc's rootless specs do.
        b.config["mounts"] = [m for m in b.config["mounts"] if m["destination"] != "/sys"]
        b.add_mount("/sys", "none", "/sys", ["rbind", "nosuid", "noexec", "nodev", "ro"])
    rep = rt.probe(b, "report")
    kind = NS_FILES[nstype]
    assert rep["namespaces"][kind] == host_ns(kind)
    if nstype == "pid":
        assert rep["pid"] != 1


def test_cgroup_namespace(rt, bundle):
    b = bundle("/bin/sh", "-c", "probe report; cat /proc/self/cgroup")
    b.set_namespace("cgroup")
    r = rt.run(b)
    assert r.rc == 0, r
    first, rest = r.out.split("\n", 1)
    assert json.loads(first)["namespaces"]["cgroup"] != host_ns("cgroup")
    # Inside a new cgroup namespace the container's own cgroup is "/".
    paths = [l.split(":", 2)[2] for l in rest.splitlines() if l.strip()]
    assert paths and all(p == "/" for p in paths), rest


@pytest.fixture
def host_shm():
    """A SysV shared memory segment on the host; yields its shmid."""
    import re
    import subprocess
    out = subprocess.run(["ipcmk", "-M", "4096"], stdout=subprocess.PIPE, check=True).stdout
    shmid = re.search(rb"id: (\d+)", out).group(1).decode()
    yield shmid
    subprocess.run(["ipcrm", "-m", shmid], stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("new_ns", [True, False])
def test_ipc_namespace_isolates_sysv_shm(rt, bundle, host_shm, new_ns):
    b = bundle("/bin/sh", "-c", "awk 'NR > 1 {print $2}' /proc/sysvipc/shm")
    if not new_ns:
        b.drop_namespace("ipc")
    r = rt.run(b)
    assert r.rc == 0, r
    assert (host_shm in r.out.split()) == (not new_ns), r


def test_uts_namespace_hostname_does_not_leak(rt, bundle):
    before = os.uname().nodename
    b = bundle()
    b.config["hostname"] = "leak-check"
    assert rt.probe(b, "report")["hostname"] == "leak-check"
    assert os.uname().nodename == before


def test_user_namespace_with_mappings(rt, bundle):
    b = bundle("/bin/sh", "-c", "probe report; cat /proc/self/uid_map /proc/self/gid_map;"
               "stat -c '%u %g' /bin/busybox")
    b.set_namespace("user")
    b.linux["uidMappings"] = list(USERNS_MAP)
    b.linux["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    r = rt.run(b)
    assert r.rc == 0, r
    lines = r.out.splitlines()
    rep = json.loads(lines[0])
    assert rep["namespaces"]["user"] != host_ns("user")
    assert rep["uid"] == [0, 0, 0]
    assert lines[1].split() == ["0", "100000", "65536"]
    assert lines[2].split() == ["0", "200000", "65536"]
    # files owned by host root are unmapped inside: overflow ids
    assert lines[3] == "65534 65534"


def test_user_namespace_seen_from_host(rt, bundle):
    b = bundle("/bin/probe", "sleep", "100")
    b.set_namespace("user")
    b.linux["uidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 1000},
                              {"containerID": 1000, "hostID": 400000, "size": 1}]
    b.linux["gidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 1001}]
    b.process["user"] = {"uid": 1000, "gid": 1000}
    cid = rt.create_ok(b)
    pid = rt.state(cid)["pid"]
    uid_map = [l.split() for l in open("/proc/%d/uid_map" % pid).read().splitlines()]
    assert uid_map == [["0", "300000", "1000"], ["1000", "400000", "1"]]
    assert rt.start(cid).rc == 0
    # the user program runs as host uid 400000, host gid 301000
    status = open("/proc/%d/status" % pid).read()
    uids = [l for l in status.splitlines() if l.startswith("Uid:")][0].split()[1:]
    gids = [l for l in status.splitlines() if l.startswith("Gid:")][0].split()[1:]
    assert set(uids) == {"400000"} and set(gids) == {"301000"}, status


@pytest.mark.moat_only
def test_time_namespace_offsets(rt, bundle):
    b = bundle("/bin/sh", "-c", "probe clock; cat /proc/uptime")
    b.set_namespace("time")
    day = 86400
    b.linux["timeOffsets"] = {"boottime": {"secs": 1000 * day, "nanosecs": 0},
                              "monotonic": {"secs": 2000 * day}}
    host_boot = float(open("/proc/uptime").read().split()[0])
    r = rt.run(b)
    assert r.rc == 0, r
    lines = r.out.splitlines()
    clk = json.loads(lines[0])
    uptime = float(lines[1].split()[0])
    assert 1000 * day <= clk["boottime"] - host_boot < 1000 * day + 60, clk
    assert 1000 * day <= uptime - host_boot < 1000 * day + 60, lines
    assert clk["monotonic"] >= 2000 * day


@pytest.mark.moat_only
def test_time_namespace_without_offsets(rt, bundle):
    b = bundle()
    b.set_namespace("time")
    rep = rt.probe(b, "report")
    assert rep["namespaces"]["time"] != host_ns("time")


def test_join_named_netns(rt, bundle, netns):
    name = netns()
    path = "/run/netns/" + name
    b = bundle()
    b.set_namespace("network", path)
    rep = rt.probe(b, "report")
    assert rep["namespaces"]["net"] == "net:[%d]" % os.stat(path).st_ino


def test_join_namespaces_of_another_container(rt, bundle):
    a = bundle("/bin/probe", "sleep", "100")
    a.config["hostname"] = "container-a"
    aid = rt.create_ok(a)
    apid = rt.state(aid)["pid"]
    b = bundle("/bin/sh", "-c", "probe report")
    for t in ("uts", "ipc", "network", "pid"):
        b.set_namespace(t, "/proc/%d/ns/%s" % (apid, NS_FILES[t]))
    b.config.pop("hostname")
    rep = rt.probe(b, "report")
    for t in ("uts", "ipc", "network", "pid"):
        kind = NS_FILES[t]
        assert rep["namespaces"][kind] == ns_of_pid(apid, kind), t
    assert rep["hostname"] == "container-a"
    assert rep["pid"] != 1  # container a's init is PID 1 there


def test_join_missing_namespace_path_fails(rt, bundle, workdir):
    b = bundle()
    b.set_namespace("network", workdir / "nonexistent-ns")
    r = rt.create(b)
    assert_error(r, "network")
    rt.assert_gone(r.id)


def test_join_wrong_namespace_type_fails(rt, bundle, netns):
    b = bundle()
    b.set_namespace("uts", "/run/netns/" + netns())
    r = rt.create(b)
    assert r.rc == 1, r
    rt.assert_gone(r.id)


def test_loopback_up_in_new_netns(rt, bundle):
    b = bundle("/bin/sh", "-c", "cat /sys/class/net/lo/flags; ls /sys/class/net")
    r = rt.run(b)
    assert r.rc == 0, r
    flags, ifaces = r.out.split("\n", 1)
    assert int(flags, 16) & 0x1, "lo is down: flags %s" % flags
    assert ifaces.split() == ["lo"]


def test_loopback_reachable(rt, bundle):
    b = bundle("/bin/sh", "-c", "nc -l -p 4321 -e echo pong & sleep 0.2; "
               "echo ping | nc 127.0.0.1 4321")
    r = rt.run(b)
    assert "pong" in r.out, r


@pytest.mark.moat_only
def test_net_devices_moved_and_renamed(rt, bundle, dummy):
    dev = dummy()
    b = bundle("/bin/sh", "-c", "ls /sys/class/net; echo --; "
               "while [ ! -e /tmp/go ]; do sleep 0.02; done")
    b.config["root"]["readonly"] = False
    b.linux["netDevices"] = {dev: {"name": "eth7"}}
    bg = rt.run_bg(b)
    out = bg.wait_output(lambda t: "--" in t)
    assert out.split("--")[0].split() == ["eth7", "lo"], out
    assert not os.path.exists("/sys/class/net/" + dev), "still on the host"
    (b.rootfs / "tmp" / "go").write_text("")
    assert bg.wait() == 0, bg.err


@pytest.mark.moat_only
def test_net_device_keeps_name_when_not_renamed(rt, bundle, dummy):
    dev = dummy()
    b = bundle("/bin/ls", "/sys/class/net")
    b.linux["netDevices"] = {dev: {}}
    r = rt.run(b)
    assert r.rc == 0 and sorted(r.out.split()) == sorted([dev, "lo"]), r


@pytest.mark.moat_only
def test_net_device_missing_fails(rt, bundle):
    b = bundle()
    b.linux["netDevices"] = {"nosuchdev0": {"name": "eth0"}}
    r = rt.create(b)
    assert_error(r, "nosuchdev0")
    rt.assert_gone(r.id)
