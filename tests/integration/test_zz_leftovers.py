"""Runs last (file name order): nothing the suite created is left on the
host: no container process, mount, state entry, netns, network link or
cgroup. Each test's teardown checks its own leftovers; this is the net."""

import os

from harness import (cgroups_named, links_named, mounts_under, netns_named, process_desc,
                     processes_of, wait_until)


def test_no_container_process_left(session):
    assert wait_until(lambda: not processes_of(session), timeout=5), \
        [process_desc(p) for p in processes_of(session)]


def test_no_mount_left(session):
    assert mounts_under(session.base) == []


def test_no_state_left(session):
    left = {}
    for t in sorted(os.listdir(session.base)):
        root = session.base / t / "root"
        # dot-files are the runtime's own (moat's .seccomp-cache), not containers
        entries = [e for e in os.listdir(root) if not e.startswith(".")] if root.is_dir() else []
        if entries:
            left[t] = entries
    assert left == {}


def test_no_netns_or_link_left(session):
    assert netns_named(session.tag) == []
    assert links_named(session.link_prefix) == []


def test_no_cgroup_left(session):
    assert cgroups_named(session.tag) == []
