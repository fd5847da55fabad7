"""Bad input and failures inside the container's init: exit status 1, one
line on stderr naming where and why (moat), and nothing left behind: no
state entry, mount or process."""

import json

import pytest

from harness import IS_MOAT, assert_error


def create_fails(rt, b, *words):
    r = rt.create(b)
    assert_error(r, *words)
    rt.assert_gone(r.id)
    assert rt.state_entries() == []
    return r


def test_args_not_an_array(rt, bundle):
    b = bundle()
    b.process["args"] = 5
    create_fails(rt, b, "process.args")


def test_args_empty(rt, bundle):
    b = bundle()
    b.process["args"] = []
    create_fails(rt, b, "process.args")


def test_unknown_namespace_type(rt, bundle):
    b = bundle()
    b.linux["namespaces"].append({"type": "netz"})
    create_fails(rt, b, "netz")


@pytest.mark.parametrize("path,value", [
    (("hostname",), 5),
    (("process", "user", "uid"), "0"),
    (("process", "env"), "PATH=/bin"),
    (("process", "cwd"), ["/"]),
    (("process", "noNewPrivileges"), "yes"),
    (("root", "path"), None),
    (("mounts",), {"destination": "/x"}),
    (("linux", "namespaces"), {"type": "pid"}),
    (("process", "rlimits"), [{"type": "RLIMIT_NOFILE", "soft": "many", "hard": 1}]),
])
def test_wrong_types(rt, bundle, path, value):
    b = bundle()
    node = b.config
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    create_fails(rt, b, path[-1])


def test_mount_without_destination(rt, bundle):
    b = bundle()
    b.config["mounts"].append({"type": "tmpfs", "source": "tmpfs"})
    create_fails(rt, b, "destination")


def test_unknown_rlimit(rt, bundle):
    b = bundle()
    b.process["rlimits"].append({"type": "RLIMIT_NOPE", "soft": 1, "hard": 1})
    create_fails(rt, b, "RLIMIT_NOPE")


@pytest.mark.moat_only
def test_unknown_capability(rt, bundle):
    # runc 1.1 only warns about unknown capabilities
    b = bundle()
    b.process["capabilities"]["bounding"].append("CAP_NOPE")
    create_fails(rt, b, "CAP_NOPE")


def test_invalid_json(rt, bundle):
    b = bundle()
    b.save()
    (b.path / "config.json").write_text('{"ociVersion": "1.0.2", "process": ')
    r = rt.cmd("create", "--bundle", b.path, "x" + rt.session.tag)
    assert_error(r, "config.json")
    assert rt.state_entries() == []


def test_missing_config(rt, bundle):
    b = bundle()
    r = rt.cmd("create", "--bundle", b.path, "x" + rt.session.tag)
    assert_error(r, "config.json")
    assert rt.state_entries() == []


def test_missing_rootfs(rt, bundle):
    b = bundle()
    b.config["root"]["path"] = "nonexistent-rootfs"
    create_fails(rt, b)


def test_unknown_fields_ignored(rt, bundle):
    b = bundle()
    b.config["xyzzyTopLevel"] = {"a": [1, 2]}
    b.process["xyzzyProcess"] = True
    b.linux["xyzzyLinux"] = "x"
    b.config["mounts"][0]["xyzzyMount"] = 1
    assert rt.probe(b, "report")["pid"] == 1


# failures inside the init ------------------------------------------

def test_exec_missing_binary(rt, bundle):
    b = bundle("/nonexistent/binary")
    r = rt.create(b)
    assert_error(r, "/nonexistent/binary")
    rt.assert_gone(r.id)
    r = rt.run(b)
    assert r.rc != 0
    rt.assert_gone(r.id)


def test_exec_not_executable(rt, bundle):
    b = bundle("/etc/passwd")
    r = rt.run(b)
    assert r.rc != 0, r
    if IS_MOAT:
        assert_error(r, "/etc/passwd")
    rt.assert_gone(r.id)


def test_exec_missing_binary_in_path(rt, bundle):
    b = bundle("no-such-command")
    r = rt.create(b)
    assert_error(r, "no-such-command")
    rt.assert_gone(r.id)


def test_chdir_impossible_cwd(rt, bundle):
    # runc (and maybe moat) create a missing cwd; this one cannot be created
    b = bundle()
    b.process["cwd"] = "/etc/passwd/sub"
    create_fails(rt, b, "/etc/passwd/sub")


def test_cwd_not_a_directory(rt, bundle):
    b = bundle()
    b.process["cwd"] = "/etc/passwd"
    create_fails(rt, b, "/etc/passwd")


def test_mount_unknown_fstype(rt, bundle):
    b = bundle()
    b.add_mount("/x", "nosuchfs", "none")
    create_fails(rt, b, "/x")


def test_bind_missing_source(rt, bundle, workdir):
    b = bundle()
    b.add_mount("/data", "bind", workdir / "no-such-source", ["rbind"])
    create_fails(rt, b, "no-such-source")


def test_failure_after_some_mounts_leaves_nothing(rt, bundle, workdir):
    src = workdir / "src"
    src.mkdir()
    b = bundle()
    b.add_mount("/a", "bind", src, ["rbind"])
    b.add_mount("/b", "tmpfs", "tmpfs")
    b.add_mount("/c", "nosuchfs", "none")
    create_fails(rt, b)


def test_bad_user_namespace_mapping(rt, bundle):
    b = bundle()
    b.set_namespace("user")
    b.linux["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 0}]
    b.linux["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 0}]
    create_fails(rt, b)


def test_error_message_single_line_for_each_failure(rt, bundle):
    """--log-format json still leaves stderr one line (the last error)."""
    b = bundle()
    b.process["args"] = 5
    b.save()
    r = rt.cmd("create", "--bundle", b.path, "x" + rt.session.tag)
    assert r.rc == 1
    if IS_MOAT:
        assert len(r.err_lines) == 1 and "process.args" in r.err, r
    assert rt.state_entries() == []


def test_start_after_failed_create(rt, bundle):
    b = bundle()
    b.process["args"] = 5
    r = rt.create(b)
    assert r.rc == 1
    assert rt.start(r.id).rc == 1
    assert rt.state(r.id) is None


def test_config_not_object(rt, bundle):
    b = bundle()
    b.save()
    (b.path / "config.json").write_text(json.dumps([1, 2, 3]))
    r = rt.cmd("create", "--bundle", b.path, "x" + rt.session.tag)
    assert_error(r)
    assert rt.state_entries() == []
