"""Fixtures of the integration suite (see harness.py for the machinery).

    rt        the runtime under test with a private --root, for one test;
              its teardown force-deletes every container left and then fails
              the test if any process, mount or state entry is left behind
    bundle    factory: bundle(*args) -> harness.Bundle with a busybox rootfs
    netns     factory: netns() -> name of a fresh `ip netns` (removed after)
    dummy     factory: dummy() -> name of a fresh host dummy/ifb link (removed)
    session   the harness.Session (base dir, id prefix, leftover bookkeeping)
"""

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

import harness
from harness import (Bundle, Runtime, Session, cgroups_named, mounts_under, processes_of,
                     process_desc, wait_until)


def pytest_configure(config):
    config.addinivalue_line("markers", "moat_only: behaviour or wording specific to moat")


def pytest_collection_modifyitems(config, items):
    skip_moat = pytest.mark.skip(reason="moat-specific (runtime under test is %s)" % harness.KIND)
    if os.environ.get("MOAT_ONLY_RUN") == "1":  # to see how another runtime fares
        return
    for item in items:
        if "moat_only" in item.keywords and not harness.IS_MOAT:
            item.add_marker(skip_moat)


def pytest_report_header(config):
    return ["runtime: %s (%s)" % (harness.MOAT_BIN, harness.KIND),
            "probe: %s" % harness.PROBE_BIN]


@pytest.fixture(scope="session")
def session():
    if os.geteuid() != 0:
        pytest.skip("integration tests need root")
    if harness.KIND == "missing":
        pytest.skip("runtime %s not found or not runnable (set MOAT_BIN)" % harness.MOAT_BIN)
    if not os.path.exists(harness.PROBE_BIN):
        pytest.skip("probe binary %s missing: build it (ninja -C build) or set PROBE_BIN" %
                    harness.PROBE_BIN)
    src = harness.REPO / "tests" / "probe" / "probe.c"
    if src.exists() and os.path.getmtime(harness.PROBE_BIN) < os.path.getmtime(src):
        pytest.fail("probe %s is older than %s: rebuild it (ninja -C build)" %
                    (harness.PROBE_BIN, src), pytrace=False)
    if not os.path.exists(harness.BUSYBOX):
        pytest.skip("%s missing: apt-get install busybox-static" % harness.BUSYBOX)
    base = tempfile.mkdtemp(prefix="moat-it-", dir="/tmp")
    # user-namespace containers run as unprivileged host uids: let them in
    os.chmod(base, 0o755)
    s = Session(base)
    yield s
    # Never rmtree through a mount: it would delete the mount's content.
    if not mounts_under(base):
        shutil.rmtree(base, ignore_errors=True)


def _cleanup(rt, workdir):
    """Force-delete what the test left, then report what could not be removed
    or was left behind at all by a correct runtime."""
    problems = []
    listed = rt.list_ids() or []
    entries = os.listdir(rt.root) if rt.root.exists() else []
    ids = set(listed) | {e for e in entries if e in rt.created}
    for cid in sorted(ids):
        rt.delete(cid, force=True)
    for bg in rt.bgs:
        try:
            bg.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            problems.append("runtime process still running: %s" % (bg.argv,))
            bg.stop()
    left = rt.list_ids()
    if left:
        problems.append("containers still listed after delete --force: %s" % left)
    pids = wait_until(lambda: not processes_of(rt.session, rt.pids), timeout=5)
    if not pids:
        procs = processes_of(rt.session, rt.pids)
        problems.append("processes left: %s" % [process_desc(p) for p in procs])
        for p in procs:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
    mnts = mounts_under(workdir)
    if mnts:
        problems.append("mounts left: %s" % mnts)
        for line in sorted(mnts, key=lambda l: -len(l.split()[4])):
            subprocess.run(["umount", "-l", line.split()[4].replace("\\040", " ")],
                           stderr=subprocess.DEVNULL)
    cgs = cgroups_named(rt.session.tag)
    if cgs:
        problems.append("cgroups left: %s" % cgs)
        for cg in sorted(cgs, key=len, reverse=True):
            try:
                os.rmdir(cg)
            except OSError:
                pass
    entries = [e for e in (os.listdir(rt.root) if rt.root.exists() else []) if e in rt.created]
    if entries:
        problems.append("state entries left in --root: %s" % entries)
    return problems


@pytest.fixture
def workdir(session, request):
    d = session.base / ("t%03d" % (session.counter + 1))
    session.counter += 1
    d.mkdir()
    return d


@pytest.fixture
def rt(session, workdir):
    root = workdir / "root"
    root.mkdir(mode=0o700)
    r = Runtime(session, workdir, root)
    yield r
    problems = _cleanup(r, workdir)
    if problems:
        pytest.fail("teardown: " + "; ".join(problems), pytrace=False)


@pytest.fixture
def bundle(session, workdir):
    n = [0]

    def make(*args):
        n[0] += 1
        return Bundle(session, workdir / ("b%d" % n[0]), args or ("/bin/probe", "report"))

    return make


@pytest.fixture
def netns(session):
    made = []

    def make():
        name = session.next_name("ns")
        subprocess.run(["ip", "netns", "add", name], check=True)
        made.append(name)
        return name

    yield make
    for name in made:
        subprocess.run(["ip", "netns", "delete", name], stderr=subprocess.DEVNULL)


@pytest.fixture
def dummy(session):
    made = []

    def make():
        # Interface names are at most 15 bytes.
        name = session.link_prefix + str(session.counter % 10000)
        session.counter += 1
        # a virtual link; this kernel may lack the dummy module, ifb works too
        for kind in ("dummy", "ifb"):
            p = subprocess.run(["ip", "link", "add", name, "type", kind],
                               stderr=subprocess.DEVNULL)
            if p.returncode == 0:
                break
        else:
            pytest.skip("cannot create a dummy or ifb link")
        made.append(name)
        return name

    yield make
    for name in made:
        subprocess.run(["ip", "link", "delete", name], stderr=subprocess.DEVNULL)


@pytest.fixture
def shortdir():
    """A directory with a short path (for unix sockets: sun_path is 108 bytes)."""
    d = tempfile.mkdtemp(prefix="mt", dir="/tmp")
    yield Path(d)
    if not mounts_under(d):
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def host_mount(workdir):
    """Mount things on the host under workdir; unmounted after the test."""
    made = []

    def mount(*args):
        subprocess.run(["mount", *[str(a) for a in args]], check=True)
        made.append(str(args[-1]))

    yield mount
    for target in reversed(made):
        subprocess.run(["umount", "-l", target], stderr=subprocess.DEVNULL)
