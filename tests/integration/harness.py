"""Shared machinery of the integration tests: the runtime under test, busybox
bundles, and leftover detection.

The runtime comes from MOAT_BIN (default <repo>/build/moat) and can be any
runc-compatible runtime: run the suite with MOAT_BIN=/usr/sbin/runc to check
the tests themselves. Tests whose behaviour (mostly error wording) is
moat-specific are marked @pytest.mark.moat_only.

Every runtime call writes stdout/stderr to files, never pipes: `create` and
`run -d` hand their stdio to the container, and a pipe would stay open (and a
reader hang) until the container exits.
"""

import copy
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MOAT_BIN = os.environ.get("MOAT_BIN", str(REPO / "build" / "moat"))
PROBE_BIN = os.environ.get("PROBE_BIN", str(REPO / "build" / "tests" / "probe" / "probe"))
BUSYBOX = "/bin/busybox"

DEFAULT_TIMEOUT = 20

CAPS_DEFAULT = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]


def runtime_kind():
    """'moat', 'runc', 'crun' or 'other', from `--version`."""
    try:
        out = subprocess.run([MOAT_BIN, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=10,
                             stdin=subprocess.DEVNULL).stdout.decode(errors="replace")
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    first = out.strip().splitlines()[0] if out.strip() else ""
    for k in ("moat", "runc", "crun"):
        if first.startswith(k):
            return k
    return "other"


KIND = runtime_kind()
IS_MOAT = KIND == "moat"


def default_config(args):
    """The config `runc spec` writes, with terminal false and no ambient set
    (and no linux.resources: cgroups are another issue's)."""
    caps = list(CAPS_DEFAULT)
    return {
        "ociVersion": "1.0.2-dev",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": list(args),
            "env": [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm",
            ],
            "cwd": "/",
            "capabilities": {
                "bounding": list(caps),
                "effective": list(caps),
                "permitted": list(caps),
            },
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
            "noNewPrivileges": True,
        },
        "root": {"path": "rootfs", "readonly": True},
        "hostname": "moat-test",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666",
                         "mode=0620", "gid=5"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
            {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
             "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
        ],
        "linux": {
            "namespaces": [{"type": t} for t in
                           ("pid", "network", "ipc", "uts", "mount")],
            "maskedPaths": [
                "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
            ],
            "readonlyPaths": [
                "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
            ],
        },
    }


class Result:
    def __init__(self, argv, rc, out, err):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err

    @property
    def err_lines(self):
        return [l for l in self.err.splitlines() if l.strip()]

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return "Result(%r, rc=%r, out=%r, err=%r)" % (self.argv, self.rc, self.out[-2000:],
                                                     self.err[-2000:])


class Session:
    """Per-session state: a base directory, an id prefix, the shared busybox
    and probe copies (hard-linked into every rootfs, so a process running
    either can be recognised by inode), and every rootfs made."""

    def __init__(self, base):
        self.base = Path(base)
        self.tag = "it" + self.base.name[-6:].lower().replace("_", "x")
        self.tag = re.sub(r"[^a-z0-9]", "x", self.tag)
        self.counter = 0
        self.link_prefix = "d" + self.tag[-6:]
        self.rootfs_ids = set()  # (dev, ino) of every rootfs dir
        self.netns = []
        self.links = []
        shared = self.base / "shared"
        shared.mkdir()
        shutil.copy2(BUSYBOX, shared / "busybox")
        self.busybox = shared / "busybox"
        self.probe = None
        if os.path.exists(PROBE_BIN):
            shutil.copy2(PROBE_BIN, shared / "probe")
            self.probe = shared / "probe"
        # A private copy of the runtime: a rebuild during the run (ninja
        # rewrites build/moat) must not make exec fail or mix two versions.
        self.runtime_bin = shared / os.path.basename(MOAT_BIN)
        shutil.copy2(MOAT_BIN, self.runtime_bin)
        self.applets = subprocess.run([BUSYBOX, "--list"], stdout=subprocess.PIPE,
                                      check=True).stdout.decode().split()
        # a process running any of these after a test is a leftover
        self.exe_ids = {_ident(self.busybox), _ident(self.runtime_bin)}
        if self.probe:
            self.exe_ids.add(_ident(self.probe))

    def next_name(self, what="c"):
        self.counter += 1
        return "%s-%s%d" % (self.tag, what, self.counter)


def _ident(path):
    st = os.stat(path)
    return (st.st_dev, st.st_ino)


class Bundle:
    """A bundle directory: rootfs (busybox applets, /bin/probe, /etc/passwd,
    /etc/group, empty /tmp) and a config dict written as config.json by
    save() (the runtime helpers call save() before create/run)."""

    def __init__(self, session, path, args):
        self.session = session
        self.path = Path(path)
        self.rootfs = self.path / "rootfs"
        self.config = default_config(args)
        self._make_rootfs()

    def _make_rootfs(self):
        r = self.rootfs
        for d in ("bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "root",
                  "usr/bin", "usr/sbin", "home/user"):
            (r / d).mkdir(parents=True, exist_ok=True)
        os.chmod(r / "tmp", 0o1777)
        os.link(self.session.busybox, r / "bin" / "busybox")
        for a in self.session.applets:
            p = r / "bin" / a
            if not os.path.lexists(p):
                os.symlink("busybox", p)
        if self.session.probe:
            os.link(self.session.probe, r / "bin" / "probe")
        (r / "etc" / "passwd").write_text(
            "root:x:0:0:root:/root:/bin/sh\n"
            "daemon:x:1:1:daemon:/:/bin/false\n"
            "user:x:1000:1000:user:/home/user:/bin/sh\n"
            "nobody:x:65534:65534:nobody:/:/bin/false\n")
        (r / "etc" / "group").write_text(
            "root:x:0:\ndaemon:x:1:\ntty:x:5:\naudio:x:29:user\nusers:x:100:user\n"
            "user:x:1000:\nnogroup:x:65534:\n")
        (r / "etc" / "hostname").write_text("image\n")
        self.session.rootfs_ids.add(_ident(r))

    @property
    def process(self):
        return self.config["process"]

    @property
    def linux(self):
        return self.config["linux"]

    def set_args(self, *args):
        self.config["process"]["args"] = list(args)

    def add_mount(self, destination, type_, source, options=None, index=None):
        m = {"destination": destination, "type": type_, "source": str(source)}
        if options is not None:
            m["options"] = list(options)
        if index is None:
            self.config["mounts"].append(m)
        else:
            self.config["mounts"].insert(index, m)
        return m

    def set_namespace(self, type_, path=None):
        nss = [n for n in self.linux["namespaces"] if n["type"] != type_]
        n = {"type": type_}
        if path:
            n["path"] = str(path)
        nss.append(n)
        self.linux["namespaces"] = nss

    def drop_namespace(self, type_):
        self.linux["namespaces"] = [n for n in self.linux["namespaces"] if n["type"] != type_]

    def save(self):
        (self.path / "config.json").write_text(json.dumps(self.config, indent=1))


class Runtime:
    """The runtime under test with a private --root. Every call captures
    stdout/stderr through files and has a timeout."""

    def __init__(self, session, workdir, root):
        self.session = session
        self.workdir = Path(workdir)
        self.root = Path(root)
        self.bin = str(session.runtime_bin)
        self.ncalls = 0
        self.created = []  # ids ever created/run in this root
        self.pids = set()  # container init pids seen
        self.bgs = []  # Background runtime processes, stopped at teardown

    def _files(self):
        self.ncalls += 1
        return (self.workdir / ("call%d.out" % self.ncalls),
                self.workdir / ("call%d.err" % self.ncalls))

    def argv(self, *args, global_args=()):
        return [self.bin, "--root", str(self.root), *global_args, *[str(a) for a in args]]

    def cmd(self, *args, timeout=DEFAULT_TIMEOUT, stdin=None, pass_fds=(), global_args=(),
            env=None, cwd=None):
        argv = self.argv(*args, global_args=global_args)
        outp, errp = self._files()
        with open(outp, "wb") as out, open(errp, "wb") as err:
            sin = subprocess.DEVNULL if stdin is None else stdin
            p = subprocess.Popen(argv, stdout=out, stderr=err, stdin=sin, pass_fds=pass_fds,
                                 start_new_session=True, env=env, cwd=cwd)
            try:
                rc = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(p)
                raise AssertionError("%s timed out after %ss; stderr: %s" % (
                    argv, timeout, errp.read_text(errors="replace")))
        r = Result(argv, rc, outp.read_text(errors="replace"), errp.read_text(errors="replace"))
        r.outp, r.errp = outp, errp
        return r

    def spawn(self, *args, stdin=None, pass_fds=(), global_args=()):
        """Start a runtime command in the background (e.g. a foreground
        `run`); returns a Background whose output lands in files."""
        argv = self.argv(*args, global_args=global_args)
        outp, errp = self._files()
        out, err = open(outp, "wb"), open(errp, "wb")
        p = subprocess.Popen(argv, stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL if stdin is None else stdin,
                             pass_fds=pass_fds, start_new_session=True)
        out.close()
        err.close()
        bg = Background(argv, p, outp, errp)
        self.bgs.append(bg)
        return bg

    def state_entries(self):
        """Entries of --root that are not the runtime's own dot-files."""
        if not self.root.exists():
            return []
        return sorted(e for e in os.listdir(self.root) if not e.startswith("."))

    def assert_gone(self, cid):
        """Nothing of container cid is left: no state entry, not listed,
        `state` fails, and no container process or mount of this test."""
        assert cid not in (os.listdir(self.root) if self.root.exists() else []), \
            "state entry %s left in %s" % (cid, self.root)
        assert cid not in (self.list_ids() or [])
        assert self.cmd("state", cid).rc != 0
        self.assert_no_container_left()

    def assert_no_container_left(self):
        procs = wait_until(lambda: not processes_of(self.session, self.pids), timeout=5)
        assert procs, "processes left: %s" % [process_desc(p) for p in
                                              processes_of(self.session, self.pids)]
        assert not mounts_under(self.workdir), "mounts left: %s" % mounts_under(self.workdir)

    # lifecycle verbs -------------------------------------------------

    def create(self, bundle, cid=None, *extra, **kw):
        bundle.save()
        cid = cid or self.session.next_name()
        self.created.append(cid)
        r = self.cmd("create", "--bundle", bundle.path, *extra, cid, **kw)
        r.id = cid
        return r

    def create_ok(self, bundle, cid=None, *extra, **kw):
        r = self.create(bundle, cid, *extra, **kw)
        assert r.rc == 0, r
        return r.id

    def start(self, cid, **kw):
        return self.cmd("start", cid, **kw)

    def state(self, cid):
        r = self.cmd("state", cid)
        if r.rc == 0:
            st = r.json()
            if st.get("pid"):
                self.pids.add(st["pid"])
            return st
        return None

    def kill(self, cid, sig=None, *extra):
        args = ["kill", *extra, cid] + ([str(sig)] if sig is not None else [])
        return self.cmd(*args)

    def delete(self, cid, force=False):
        return self.cmd("delete", *(["--force"] if force else []), cid)

    def run(self, bundle, cid=None, *extra, **kw):
        bundle.save()
        cid = cid or self.session.next_name()
        self.created.append(cid)
        r = self.cmd("run", "--bundle", bundle.path, *extra, cid, **kw)
        r.id = cid
        return r

    def run_bg(self, bundle, cid=None, *extra, **kw):
        bundle.save()
        cid = cid or self.session.next_name()
        self.created.append(cid)
        bg = self.spawn("run", "--bundle", bundle.path, *extra, cid, **kw)
        bg.id = cid
        return bg

    def list_ids(self):
        r = self.cmd("list", "-q")
        return [l.strip() for l in r.out.splitlines() if l.strip()] if r.rc == 0 else None

    def wait_status(self, cid, status, timeout=10):
        deadline = time.monotonic() + timeout
        st = None
        while time.monotonic() < deadline:
            st = self.state(cid)
            if st and st.get("status") == status:
                return st
            time.sleep(0.02)
        raise AssertionError("container %s never reached %r (last state %r)" % (cid, status, st))

    def probe(self, bundle, *args, extra=(), **kw):
        """Run `probe ARGS` in a container, expect exit 0 and return the
        parsed JSON it printed."""
        bundle.set_args("/bin/probe", *args)
        r = self.run(bundle, None, *extra, **kw)
        assert r.rc == 0, r
        return json.loads(r.out)

    def sh(self, bundle, script, extra=(), **kw):
        """Run `sh -c SCRIPT` in a container; returns the Result."""
        bundle.set_args("/bin/sh", "-c", script)
        return self.run(bundle, None, *extra, **kw)


class Background:
    def __init__(self, argv, proc, outp, errp):
        self.argv, self.proc, self.outp, self.errp = argv, proc, outp, errp

    @property
    def out(self):
        return self.outp.read_text(errors="replace")

    @property
    def err(self):
        return self.errp.read_text(errors="replace")

    def wait_output(self, pred, timeout=10):
        """Poll the stdout file until pred(text) is true."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.out
            if pred(text):
                return text
            if self.proc.poll() is not None:
                text = self.out
                if pred(text):
                    return text
                raise AssertionError("%s exited %s before expected output; out=%r err=%r" % (
                    self.argv, self.proc.returncode, text, self.err))
            time.sleep(0.02)
        raise AssertionError("timed out waiting for output of %s; out=%r err=%r" % (
            self.argv, self.out, self.err))

    def wait(self, timeout=DEFAULT_TIMEOUT):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
            raise AssertionError("%s did not exit within %ss" % (self.argv, timeout))

    def stop(self):
        if self.proc.poll() is None:
            _kill_group(self.proc)


def _kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


# leftovers ------------------------------------------------------------

def mounts_under(path):
    """Mount points of this mount namespace at or below path (or whose
    source/root mentions it)."""
    path = str(path)
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            if path in line.replace("\\040", " "):
                found.append(line.strip())
    return found


def _stat_ident(p):
    try:
        st = os.stat(p)
        return (st.st_dev, st.st_ino)
    except OSError:
        return None


def processes_of(session, extra_pids=()):
    """Pids of processes that run our busybox/probe, or whose root or cwd is
    one of the session's rootfs dirs (a runtime's init waiting in `created`),
    plus any still-alive pid of extra_pids."""
    me = os.getpid()
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == me:
            continue
        base = "/proc/" + d
        hit = _stat_ident(base + "/exe") in session.exe_ids
        if not hit:
            hit = (_stat_ident(base + "/root") in session.rootfs_ids or
                   _stat_ident(base + "/cwd") in session.rootfs_ids)
        if not hit and int(d) in extra_pids:
            hit = _alive_not_zombie(int(d))
        if hit:
            found.append(int(d))
    return found


def pid_alive(pid):
    """pid exists and is not a zombie (this host's PID 1 reaps slowly)."""
    return _alive_not_zombie(pid)


def _alive_not_zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def process_desc(pid):
    try:
        cmd = open("/proc/%d/cmdline" % pid, "rb").read().replace(b"\0", b" ").decode(
            errors="replace")
        exe = os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return "%d (gone)" % pid
    return "%d exe=%s cmd=%s" % (pid, exe, cmd)


def cgroups_named(prefix, max_depth=4):
    """cgroup directories (any hierarchy) whose name starts with prefix."""
    found = []
    root = "/sys/fs/cgroup"
    for top in os.listdir(root):
        start = os.path.join(root, top)
        if not os.path.isdir(start) or os.path.islink(start):
            continue
        base_depth = start.count("/")
        for dirpath, dirnames, _ in os.walk(start):
            if dirpath.count("/") - base_depth >= max_depth:
                dirnames[:] = []
            for dn in dirnames:
                if dn.startswith(prefix):
                    found.append(os.path.join(dirpath, dn))
    return found


def netns_named(prefix):
    r = subprocess.run(["ip", "netns", "list"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    return [l.split()[0] for l in r.stdout.decode().splitlines()
            if l.split() and l.split()[0].startswith(prefix)]


def links_named(prefix):
    return [n for n in os.listdir("/sys/class/net") if n.startswith(prefix)]


def wait_until(pred, timeout=5, interval=0.02):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(interval)


# console socket -------------------------------------------------------

class ConsoleServer:
    """A unix socket the runtime sends the pty master to (SCM_RIGHTS)."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(1)
        self.sock.settimeout(DEFAULT_TIMEOUT)
        self.master = None

    def accept_master(self, alive=None, timeout=DEFAULT_TIMEOUT):
        """Accept the runtime's connection and take the fd; alive() (if given)
        says whether the sender may still connect, to fail fast."""
        deadline = time.monotonic() + timeout
        self.sock.settimeout(0.1)
        while True:
            try:
                conn, _ = self.sock.accept()
                break
            except TimeoutError:
                if time.monotonic() > deadline or (alive and not alive()):
                    raise AssertionError("nothing connected to the console socket")
        with conn:
            conn.settimeout(DEFAULT_TIMEOUT)
            msg, fds, _flags, _addr = socket.recv_fds(conn, 4096, 4)
        assert len(fds) == 1, "expected exactly one fd over the console socket, got %r" % fds
        self.master = fds[0]
        return self.master

    def read_all(self, timeout=DEFAULT_TIMEOUT):
        """Read from the master until EIO/EOF (the slave side closed)."""
        import select
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.master], [], [], 0.2)
            if not r:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        return data

    def close(self):
        if self.master is not None:
            os.close(self.master)
            self.master = None
        self.sock.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def is_file_type(path, kind):
    st = os.lstat(path)
    return {"chr": stat.S_ISCHR, "dir": stat.S_ISDIR, "lnk": stat.S_ISLNK,
            "file": stat.S_ISREG}[kind](st.st_mode)


def deep_copy(x):
    return copy.deepcopy(x)


def assert_error(r, *words):
    """A failed command: exit status 1; with moat also exactly one line on
    stderr, starting with "moat: " and mentioning every word (runc words its
    errors differently, so only the status is checked for other runtimes)."""
    assert r.rc == 1, r
    if IS_MOAT:
        lines = r.err_lines
        assert len(lines) == 1, "expected one line on stderr: %r" % r
        assert lines[0].startswith("moat: "), r
        for w in words:
            assert w in lines[0], "%r not in %r" % (w, lines[0])
