/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * Names <-> kernel numbers for the things a config or a command line names:
 * capabilities, rlimits, signals, namespace types, personality flags.
 * Pure tables, no syscalls.  Lookups by name return -1 when unknown; lookups
 * by number return NULL when unknown.  Returned names are static strings.
 */

/* Capabilities: "CAP_CHOWN" (0) .. "CAP_CHECKPOINT_RESTORE" (40), exact spelling. */
int moat_cap_from_name(const char *name);
const char *moat_cap_name(int cap);
/* The highest capability this table knows (40); the running kernel may know
 * fewer (/proc/sys/kernel/cap_last_cap) or more. */
int moat_cap_last_known(void);

/* Resource limits: "RLIMIT_NOFILE" -> RLIMIT_NOFILE, exact spelling. */
int moat_rlimit_from_name(const char *name);
const char *moat_rlimit_name(int resource);

/* Signals as kill(1) takes them: "9", "KILL", "SIGKILL", "sigkill", "RTMIN",
 * "RTMIN+3", "SIGRTMAX-1".  Returns the signal number (1.._NSIG-1) or -1;
 * 0 is not accepted. */
int moat_signal_parse(const char *s);
/* "SIGKILL", "SIGRTMIN", "SIGRTMIN+3", "SIGRTMAX"; NULL when unknown. */
const char *moat_signal_name(int sig);

/* Namespace types as the runtime-spec names them: "pid" -> CLONE_NEWPID,
 * "network" -> CLONE_NEWNET, "mount", "ipc", "uts", "user", "cgroup", "time". */
int moat_ns_type_from_name(const char *name);
const char *moat_ns_type_name(int clone_flag);

/* personality(2) flags by name ("ADDR_NO_RANDOMIZE", ...); -1 when unknown. */
long moat_personality_flag_from_name(const char *name);
