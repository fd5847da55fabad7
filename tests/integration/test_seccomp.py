"""linux.seccomp: the hardened default profile `moat spec` writes, ERRNO /
KILL_PROCESS / argument rules, NOTIFY handed to a seccomp agent over
listenerPath (run and create+start), `run --seccomp-record`, and malformed
profiles.

Syscalls are issued raw with `probe syscall NAME ARGS` (it prints "ok" or the
errno name), so a test sees exactly what the kernel returned. Where a denial
could also come from elsewhere (capabilities, sysctls), the test first runs the
workload without seccomp as a control, so it fails if the filter were missing
rather than pass for another reason.
"""

import errno
import fcntl
import json
import os
import select
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

import harness
from harness import IS_MOAT, assert_error

# x86_64 numbers (the suite runs on x86_64 hosts only)
SYS_MKDIR = 83
AUDIT_ARCH_X86_64 = 0xC000003E
CLONE_NEWUSER = 0x10000000
DENIED = ("EPERM", "ENOSYS")


def _iowr(magic, nr, size):
    """_IOWR from asm-generic/ioctl.h (x86: dir 3 at bit 30, size at 16)."""
    return (3 << 30) | (size << 16) | (ord(magic) << 8) | nr


# struct seccomp_notif: id u64, pid u32, flags u32, struct seccomp_data
# (nr i32, arch u32, instruction_pointer u64, args u64[6]) = 80 bytes.
NOTIF = struct.Struct("=QIIiIQ6Q")
# struct seccomp_notif_resp: id u64, val s64, error s32, flags u32 = 24 bytes.
NOTIF_RESP = struct.Struct("=QqiI")
SECCOMP_IOCTL_NOTIF_RECV = _iowr("!", 0, NOTIF.size)
SECCOMP_IOCTL_NOTIF_SEND = _iowr("!", 1, NOTIF_RESP.size)
assert NOTIF.size == 80 and NOTIF_RESP.size == 24
assert (SECCOMP_IOCTL_NOTIF_RECV, SECCOMP_IOCTL_NOTIF_SEND) == (0xC0502100, 0xC0182101)


def _ioctl(fd, req, buf):
    """ioctl(2) on a bytearray the kernel reads and fills in place."""
    fcntl.ioctl(fd, req, buf, True)


# the default profile ------------------------------------------------------

_DEFAULT_SPEC = None


def moat_spec_config():
    """config.json as `moat spec` writes it (from the runtime under test when
    it is moat, else build/moat: the profile is moat's, any runtime can
    enforce it)."""
    global _DEFAULT_SPEC
    if _DEFAULT_SPEC is None:
        moat = harness.MOAT_BIN if IS_MOAT else str(harness.REPO / "build" / "moat")
        if not os.path.exists(moat):
            pytest.skip("no moat binary to write the default profile (%s)" % moat)
        with tempfile.TemporaryDirectory(prefix="moat-spec-") as d:
            subprocess.run([moat, "spec", "--bundle", d], check=True, stdin=subprocess.DEVNULL)
            _DEFAULT_SPEC = json.loads(Path(d, "config.json").read_text())
    return json.loads(json.dumps(_DEFAULT_SPEC))


def with_default_profile(b, extra_caps=()):
    """Give bundle b `moat spec`'s seccomp profile and capabilities (plus
    extra_caps in every set, the profile staying the one written for the
    spec's capabilities)."""
    spec = moat_spec_config()
    assert "seccomp" in spec["linux"], "moat spec wrote no linux.seccomp"
    b.linux["seccomp"] = spec["linux"]["seccomp"]
    caps = spec["process"]["capabilities"]
    for k in caps:
        caps[k] = caps[k] + list(extra_caps)
    b.process["capabilities"] = caps
    return b


def run_sh(rt, b, script, **kw):
    b.set_args("/bin/sh", "-c", script)
    return rt.run(b, **kw)


DENIED_SCRIPT = """
unshare -U true 2>/dev/null; echo "unshare-U=$?"
probe syscall unshare %d
probe syscall keyctl 0 -3
probe syscall bpf 9999 0 0
probe syscall ptrace 0
probe syscall io_uring_setup 1 buf
exit 0
""" % CLONE_NEWUSER


def parse_denied(out):
    lines = out.split()
    assert len(lines) == 6, out
    return dict(zip(("unshare-U", "unshare", "keyctl", "bpf", "ptrace", "io_uring_setup"),
                    lines))


def test_default_profile_denies_escape_syscalls(rt, bundle):
    """unshare -U, keyctl, bpf, ptrace and io_uring_setup work in a container
    with runc's default capabilities and no seccomp; under the default
    profile each fails."""
    b = bundle()
    spec = moat_spec_config()
    b.process["capabilities"] = spec["process"]["capabilities"]
    r = run_sh(rt, b, DENIED_SCRIPT)
    assert r.rc == 0, r
    control = parse_denied(r.out)
    # bpf(9999) is an unknown command: EINVAL from the kernel, not a denial
    assert control == {"unshare-U": "unshare-U=0", "unshare": "ok", "keyctl": "ok",
                       "bpf": "EINVAL", "ptrace": "ok", "io_uring_setup": "ok"}, r

    b = with_default_profile(bundle())
    r = run_sh(rt, b, DENIED_SCRIPT)
    assert r.rc == 0, r
    got = parse_denied(r.out)
    assert got.pop("unshare-U") == "unshare-U=1", r
    for name, res in got.items():
        assert res in DENIED, "%s under the default profile: %s" % (name, r)


MOUNT_SCRIPT = """
mount -t tmpfs none /mnt 2>/dev/null; echo "mount-t-tmpfs=$?"
probe syscall mount none /mnt tmpfs 0 0
probe syscall unshare %d
exit 0
""" % CLONE_NEWUSER


def test_default_profile_denies_mount_even_with_cap_sys_admin(rt, bundle):
    """The profile is written for the spec's capabilities (no CAP_SYS_ADMIN):
    granting the capability without regenerating the profile still leaves
    mount and unshare denied. The control shows the capability alone allows
    them."""
    b = bundle()
    b.process["capabilities"] = moat_spec_config()["process"]["capabilities"]
    for k in b.process["capabilities"]:
        b.process["capabilities"][k].append("CAP_SYS_ADMIN")
    (b.rootfs / "mnt").mkdir()
    r = run_sh(rt, b, MOUNT_SCRIPT)
    assert r.rc == 0 and r.out.split() == ["mount-t-tmpfs=0", "ok", "ok"], r

    b = with_default_profile(bundle(), extra_caps=["CAP_SYS_ADMIN"])
    (b.rootfs / "mnt").mkdir()
    r = run_sh(rt, b, MOUNT_SCRIPT)
    assert r.rc == 0, r
    lines = r.out.split()
    assert len(lines) == 3 and lines[0] == "mount-t-tmpfs=1", r
    assert lines[1] in DENIED and lines[2] in DENIED, r


TOOLS_SCRIPT = """
set -e
echo "== sh"; echo "$((6 * 7))"
echo "== ls"; ls /
echo "== cat"; cat /etc/passwd
echo "== ps"; ps
echo "== sleep"; sleep 0.1; echo slept
echo "== date"; date -u +%Y
echo "== wget"
httpd -p 127.0.0.1:8080 -h /www
i=0
until wget -q -O - http://127.0.0.1:8080/x; do
	i=$((i + 1)); [ $i -lt 50 ] || exit 9; sleep 0.05
done
echo "== end"
"""


def sections(out):
    res, cur = {}, None
    for line in out.splitlines():
        if line.startswith("== "):
            cur = line[3:]
            res[cur] = []
        elif cur is not None:
            res[cur].append(line)
    return {k: "\n".join(v) for k, v in res.items()}


def test_default_profile_ordinary_tools_work(rt, bundle):
    b = with_default_profile(bundle())
    (b.rootfs / "www").mkdir()
    (b.rootfs / "www" / "x").write_text("served-over-loopback\n")
    r = run_sh(rt, b, TOOLS_SCRIPT)
    assert r.rc == 0, r
    s = sections(r.out)
    assert s["sh"] == "42", r
    assert {"bin", "etc", "proc", "www"} <= set(s["ls"].split()), r
    assert "root:x:0:0:root:/root:/bin/sh" in s["cat"], r
    assert "PID" in s["ps"] and "/bin/sh" in s["ps"] and "ps" in s["ps"], r
    assert s["sleep"] == "slept", r
    assert s["date"] == time.strftime("%Y", time.gmtime()), r
    assert s["wget"] == "served-over-loopback", r
    assert "end" in s, r


# ERRNO, KILL_PROCESS, argument rules ----------------------------------------

def allow_all_but(*rules, **extra):
    prof = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
            "syscalls": list(rules)}
    prof.update(extra)
    return prof


def test_errno_ret_enosys_on_mkdir(rt, bundle):
    b = bundle()
    b.config["root"]["readonly"] = False
    b.linux["seccomp"] = allow_all_but(
        {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": errno.ENOSYS})
    r = run_sh(rt, b, "probe syscall mkdir /tmp/a 0755; probe syscall mkdirat -100 /tmp/b 0755;"
               " mkdir /tmp/c; echo mkdir=$?; touch /tmp/f && ls /tmp")
    assert r.rc == 0, r
    assert r.out.split() == ["ENOSYS", "ENOSYS", "mkdir=1", "f"], r
    assert "Function not implemented" in r.err, r
    assert os.listdir(b.rootfs / "tmp") == ["f"]


def test_kill_process_kills(rt, bundle):
    b = bundle("/bin/probe", "syscall", "getppid")
    b.linux["seccomp"] = allow_all_but(
        {"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"})
    r = rt.run(b)
    assert r.rc == 128 + 31, r  # SIGSYS
    assert "ok" not in r.out, r
    rt.assert_gone(r.id)


def test_kill_process_kills_only_the_caller(rt, bundle):
    """The shell that ran the killed probe carries on and sees SIGSYS (mkdir:
    busybox sh itself calls getppid)."""
    b = bundle()
    b.linux["seccomp"] = allow_all_but(
        {"names": ["mkdir"], "action": "SCMP_ACT_KILL_PROCESS"})
    r = run_sh(rt, b, "probe syscall mkdir /tmp/d 0755; echo status=$?")
    assert r.rc == 0 and r.out.split() == ["status=159"], r


def test_argument_rule_blocks_only_the_matching_value(rt, bundle):
    """personality(0xffffffff) (query) is denied by an SCMP_CMP_EQ rule on
    arg 0 without errnoRet (EPERM by default); personality(0) and
    personality(8) pass."""
    b = bundle()
    b.linux["seccomp"] = allow_all_but(
        {"names": ["personality"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 0xFFFFFFFF, "op": "SCMP_CMP_EQ"}]})
    r = run_sh(rt, b, "probe syscall personality 0; probe syscall personality 0xffffffff;"
               " probe syscall personality 8")
    assert r.rc == 0 and r.out.split() == ["ok", "EPERM", "ok"], r


def test_masked_eq_argument_rule(rt, bundle):
    """SCMP_CMP_MASKED_EQ: deny unshare() whose flags include CLONE_NEWUSER,
    allow the others (CLONE_NEWUTS needs CAP_SYS_ADMIN: granted)."""
    b = bundle()
    for k in b.process["capabilities"]:
        b.process["capabilities"][k].append("CAP_SYS_ADMIN")
    b.linux["seccomp"] = allow_all_but(
        {"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": errno.EACCES,
         "args": [{"index": 0, "value": CLONE_NEWUSER, "valueTwo": CLONE_NEWUSER,
                   "op": "SCMP_CMP_MASKED_EQ"}]})
    r = run_sh(rt, b, "probe syscall unshare 0x04000000; probe syscall unshare 0x14000000;"
               " probe syscall unshare 0x10000000; true")
    assert r.rc == 0 and r.out.split() == ["ok", "EACCES", "EACCES"], r


# NOTIFY and the seccomp agent ---------------------------------------------

def read_string(pid, addr):
    """The NUL-terminated string at addr in process pid, read a page at most
    at a time (reading past the end of a mapping fails with EIO: argv strings
    sit at the very top of the stack)."""
    data = b""
    fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY | os.O_CLOEXEC)
    try:
        while b"\0" not in data and len(data) < 4096:
            n = 4096 - (addr + len(data)) % 4096
            chunk = os.pread(fd, n, addr + len(data))
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    return data.split(b"\0")[0].decode(errors="replace")


class Agent:
    """A seccomp agent on a unix socket: takes the listener fd and the
    containerProcessState from the runtime, then answers `answers` (a list of
    (val, error) pairs, one per notification) in order, recording each
    notification and the path its first argument points to."""

    def __init__(self, path, answers):
        self.path = str(path)
        self.answers = list(answers)
        self.msg = None
        self.nfds = None
        self.notifs = []
        self.error = None
        self.connected_at = None
        self.stop = threading.Event()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        self.sock.bind(self.path)
        self.sock.listen(1)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        fd = -1
        try:
            self.sock.settimeout(0.05)
            deadline = time.monotonic() + harness.DEFAULT_TIMEOUT
            while True:
                try:
                    conn, _ = self.sock.accept()
                    break
                except TimeoutError:
                    if self.stop.is_set() or time.monotonic() > deadline:
                        raise AssertionError("the runtime never connected to listenerPath")
            self.connected_at = time.monotonic()
            with conn:
                conn.settimeout(harness.DEFAULT_TIMEOUT)
                data, fds, _, _ = socket.recv_fds(conn, 65536, 8)
                self.nfds = len(fds)
                fd = fds[0] if fds else -1
                for extra in fds[1:]:
                    os.close(extra)
                while True:  # the JSON may come in more than one read
                    try:
                        self.msg = json.loads(data)
                        break
                    except ValueError:
                        more = conn.recv(65536)
                        if not more:
                            raise
                        data += more
            for val, err in self.answers:
                self._answer(fd, val, err)
        except Exception as e:  # reported by join()
            self.error = e
        finally:
            if fd >= 0:
                os.close(fd)

    def _answer(self, fd, val, err):
        p = select.poll()
        p.register(fd, select.POLLIN)
        if not p.poll(harness.DEFAULT_TIMEOUT * 1000):
            raise AssertionError("no notification within %ss" % harness.DEFAULT_TIMEOUT)
        buf = bytearray(NOTIF.size)
        _ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, buf)
        nid, pid, _flags, nr, arch, _ip, *args = NOTIF.unpack(buf)
        n = {"id": nid, "pid": pid, "nr": nr, "arch": arch, "args": args, "path": None}
        n["path"] = read_string(pid, args[0] if nr == SYS_MKDIR else args[1])
        self.notifs.append(n)
        resp = bytearray(NOTIF_RESP.pack(nid, val, err, 0))
        _ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp)

    def join(self, context):
        """Wait for the agent; context (the runtime's Result) goes into any
        failure message."""
        # The runtime is done: if it has not connected by now, it never will;
        # wake the accept() instead of waiting for its timeout.
        self.thread.join(2)
        if self.connected_at is None:
            self.stop.set()
        self.thread.join(harness.DEFAULT_TIMEOUT + 5)
        assert not self.thread.is_alive(), "seccomp agent still waiting; %r" % (context,)
        self.sock.close()
        if self.error:
            raise AssertionError("seccomp agent: %r; notifications %r; runtime: %r" % (
                self.error, self.notifs, context)) from self.error


NOTIFY_SCRIPT = "probe syscall mkdir /tmp/one 0755; probe syscall mkdirat -100 /tmp/two 0755;" \
                " ls /tmp; echo end"


def notify_bundle(bundle, listener):
    b = bundle()
    b.config["root"]["readonly"] = False
    b.set_args("/bin/sh", "-c", NOTIFY_SCRIPT)
    b.linux["seccomp"] = allow_all_but(
        {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"},
        listenerPath=str(listener), listenerMetadata="moat-test-agent-metadata")
    return b


def check_agent(agent, cid, init_pid, b):
    # the containerProcessState of runtime-spec
    msg = agent.msg
    assert agent.nfds == 1, msg
    assert msg["fds"] == ["seccompFd"], msg
    assert msg["metadata"] == "moat-test-agent-metadata", msg
    assert msg["pid"] == init_pid, msg
    assert msg["state"]["id"] == cid, msg
    assert msg["state"]["pid"] == init_pid, msg
    assert os.path.realpath(msg["state"]["bundle"]) == os.path.realpath(b.path), msg
    assert "ociVersion" in msg and "ociVersion" in msg["state"], msg
    # the two notifications: the probe's mkdir and mkdirat
    assert [(n["nr"], n["arch"]) for n in agent.notifs] == [
        (SYS_MKDIR, AUDIT_ARCH_X86_64), (258, AUDIT_ARCH_X86_64)], agent.notifs
    assert [n["path"] for n in agent.notifs] == ["/tmp/one", "/tmp/two"], agent.notifs
    assert all(n["pid"] not in (0, init_pid) for n in agent.notifs), agent.notifs


# The agent answers: mkdir fails with ENOTBLK (no errno mkdir ever returns by
# itself), mkdirat "succeeds" with 0 although nothing is created.
ANSWERS = [(0, -errno.ENOTBLK), (0, 0)]


def check_notify_output(out, b):
    assert out.split() == ["ENOTBLK", "ok", "end"], out
    assert os.listdir(b.rootfs / "tmp") == []


def test_notify_listener_answers_run(rt, bundle, shortdir):
    listener = shortdir / "agent.sock"
    b = notify_bundle(bundle, listener)
    agent = Agent(listener, ANSWERS)
    r = rt.run(b)
    agent.join(r)
    assert r.rc == 0, r
    check_notify_output(r.out, b)
    # `run` has no state left to ask for the pid: the agent's message says it,
    # and the notifying tasks are its children (not pid 1 of the container)
    check_agent(agent, r.id, agent.msg["pid"], b)


def test_notify_listener_answers_create_start(rt, bundle, shortdir):
    listener = shortdir / "agent.sock"
    b = notify_bundle(bundle, listener)
    agent = Agent(listener, ANSWERS)
    r = rt.create(b)
    assert r.rc == 0, r
    st = rt.state(r.id)
    assert st["status"] == "created", st
    s = rt.start(r.id)
    if s.rc == 0:
        rt.wait_status(r.id, "stopped")
    agent.join((s, "container stdout/stderr:", r.outp.read_text(), r.errp.read_text()))
    assert s.rc == 0, s
    check_notify_output(r.outp.read_text(), b)
    check_agent(agent, r.id, st["pid"], b)
    assert rt.delete(r.id).rc == 0
    rt.assert_gone(r.id)


# --seccomp-record -----------------------------------------------------------

RECORD_ARGS = ("/bin/sh", "-c", "ls /; cat /etc/passwd")


@pytest.mark.moat_only  # no other runtime records profiles
def test_seccomp_record_writes_a_profile_that_reruns(rt, bundle, workdir):
    prof_path = workdir / "learnt.json"
    b = bundle(*RECORD_ARGS)
    r = rt.run(b, None, "--seccomp-record", prof_path)
    assert r.rc == 0, r
    first_out = r.out
    assert "root:x:0:0" in first_out and "bin" in first_out.split(), r
    rt.assert_gone(r.id)

    prof = json.loads(prof_path.read_text())
    assert prof["defaultAction"] == "SCMP_ACT_ERRNO", prof
    assert prof.get("defaultErrnoRet", errno.EPERM) == errno.EPERM, prof
    assert "SCMP_ARCH_X86_64" in prof["architectures"], prof
    allowed = set()
    for rule in prof["syscalls"]:
        assert rule["action"] == "SCMP_ACT_ALLOW", rule
        allowed.update(rule["names"])
    assert {"execve", "exit_group", "write"} <= allowed, sorted(allowed)
    assert allowed & {"openat", "open"}, sorted(allowed)
    # exactly what the workload made: nothing it never called
    assert not allowed & {"unshare", "mount", "keyctl", "bpf", "ptrace", "mkdir",
                          "io_uring_setup", "setns"}, sorted(allowed)

    # the same workload under the learnt profile: same result
    b2 = bundle(*RECORD_ARGS)
    b2.linux["seccomp"] = prof
    r2 = rt.run(b2)
    assert r2.rc == 0 and r2.out == first_out, r2

    # a syscall the workload never made is denied
    b3 = bundle("/bin/unshare", "-U", "true")
    b3.linux["seccomp"] = prof
    r3 = rt.run(b3)
    assert r3.rc != 0 and "Operation not permitted" in r3.err, r3
    b4 = bundle("/bin/unshare", "-U", "true")
    r4 = rt.run(b4)
    assert r4.rc == 0, r4  # control: without the profile it works


@pytest.mark.moat_only
def test_seccomp_record_overrides_config_profile(rt, bundle, workdir):
    """--seccomp-record replaces the config's profile with the recorder (the
    config's deny of mkdir is not applied while learning), so the learnt
    profile includes mkdir."""
    prof_path = workdir / "learnt.json"
    b = bundle("/bin/sh", "-c", "mkdir /tmp/d && echo made")
    b.config["root"]["readonly"] = False
    b.linux["seccomp"] = allow_all_but(
        {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"})
    r = rt.run(b, None, "--seccomp-record", prof_path)
    assert r.rc == 0 and r.out.strip() == "made", r
    names = {n for rule in json.loads(prof_path.read_text())["syscalls"] for n in rule["names"]}
    assert names & {"mkdir", "mkdirat"}, sorted(names)


# malformed profiles ---------------------------------------------------------

NOTIFY_MKDIR = [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]

# case: (changes to an otherwise good profile, words the one error line names)
BAD = {
    "unknown-action": ({"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]},
                       ("linux.seccomp.syscalls[0].action", "SCMP_ACT_BOGUS")),
    "unknown-default-action": ({"defaultAction": "SCMP_ACT_NOPE"},
                               ("linux.seccomp.defaultAction", "SCMP_ACT_NOPE")),
    "unknown-arch": ({"architectures": ["SCMP_ARCH_BOGUS"]},
                     ("linux.seccomp.architectures[0]", "SCMP_ARCH_BOGUS")),
    "unknown-operator": ({"syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                                        "args": [{"index": 0, "value": 1,
                                                  "op": "SCMP_CMP_ALMOST"}]}]},
                         ("linux.seccomp.syscalls[0].args[0].op", "SCMP_CMP_ALMOST")),
    "arg-index-6": ({"syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                                   "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]},
                    ("linux.seccomp.syscalls[0].args[0].index",)),
    "notify-without-listenerPath": ({"syscalls": NOTIFY_MKDIR}, ("linux.seccomp", "listenerPath")),
    "notify-listener-unreachable": ({"syscalls": NOTIFY_MKDIR,
                                     "listenerPath": "/nonexistent/moat-agent.sock"},
                                    ("linux.seccomp.listenerPath", "/nonexistent/moat-agent.sock")),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_profile_is_one_line_error(rt, bundle, case):
    """One line naming the entry, exit 1, the workload never ran (it would
    create /tmp/ran), and nothing left behind."""
    patch, words = BAD[case]
    b = bundle("/bin/sh", "-c", "touch /tmp/ran; mkdir /tmp/d")
    b.config["root"]["readonly"] = False
    prof = allow_all_but({"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"})
    prof.update(patch)
    b.linux["seccomp"] = prof
    r = rt.run(b)
    assert_error(r, *words)
    assert r.out == "" and not os.path.exists(b.rootfs / "tmp" / "ran"), r
    rt.assert_gone(r.id)
