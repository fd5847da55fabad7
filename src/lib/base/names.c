/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/names.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/personality.h>
#include <sys/resource.h>

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

int moat_cap_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcmp(cap_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *moat_cap_name(int cap)
{
	return cap >= 0 && (size_t)cap < ARRAY_SIZE(cap_names) ? cap_names[cap] : NULL;
}

int moat_cap_last_known(void)
{
	return (int)ARRAY_SIZE(cap_names) - 1;
}

struct name_num {
	const char *name;
	int num;
};

static const struct name_num rlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int moat_rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
		if (strcmp(rlimits[i].name, name) == 0)
			return rlimits[i].num;
	return -1;
}

const char *moat_rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++)
		if (rlimits[i].num == resource)
			return rlimits[i].name;
	return NULL;
}

/* The first name of a number is the one moat_signal_name returns. */
static const struct name_num signals[] = {
    {"SIGHUP", SIGHUP},	      {"SIGINT", SIGINT},	{"SIGQUIT", SIGQUIT},
    {"SIGILL", SIGILL},	      {"SIGTRAP", SIGTRAP},	{"SIGABRT", SIGABRT},
    {"SIGIOT", SIGIOT},	      {"SIGBUS", SIGBUS},	{"SIGFPE", SIGFPE},
    {"SIGKILL", SIGKILL},     {"SIGUSR1", SIGUSR1},	{"SIGSEGV", SIGSEGV},
    {"SIGUSR2", SIGUSR2},     {"SIGPIPE", SIGPIPE},	{"SIGALRM", SIGALRM},
    {"SIGTERM", SIGTERM},     {"SIGSTKFLT", SIGSTKFLT}, {"SIGCHLD", SIGCHLD},
    {"SIGCLD", SIGCHLD},      {"SIGCONT", SIGCONT},	{"SIGSTOP", SIGSTOP},
    {"SIGTSTP", SIGTSTP},     {"SIGTTIN", SIGTTIN},	{"SIGTTOU", SIGTTOU},
    {"SIGURG", SIGURG},	      {"SIGXCPU", SIGXCPU},	{"SIGXFSZ", SIGXFSZ},
    {"SIGVTALRM", SIGVTALRM}, {"SIGPROF", SIGPROF},	{"SIGWINCH", SIGWINCH},
    {"SIGIO", SIGIO},	      {"SIGPOLL", SIGPOLL},	{"SIGPWR", SIGPWR},
    {"SIGSYS", SIGSYS},
};

/* "+N" / "-N" after RTMIN / RTMAX: a small decimal offset, or -1. */
static int rt_offset(const char *s, int sign)
{
	if (*s == '\0')
		return 0;
	if ((sign > 0 && *s != '+') || (sign < 0 && *s != '-') || !isdigit((unsigned char)s[1]))
		return -1;
	char *end;
	errno = 0;
	long n = strtol(s + 1, &end, 10);
	if (errno || *end || n > 64)
		return -1;
	return (int)n;
}

int moat_signal_parse(const char *s)
{
	if (isdigit((unsigned char)s[0])) {
		char *end;
		errno = 0;
		long n = strtol(s, &end, 10);
		if (errno || *end || n < 1 || n >= _NSIG)
			return -1;
		return (int)n;
	}
	const char *bare = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (strcasecmp(signals[i].name + 3, bare) == 0)
			return signals[i].num;
	int sig = -1, off;
	if (strncasecmp(bare, "RTMIN", 5) == 0 && (off = rt_offset(bare + 5, 1)) >= 0)
		sig = SIGRTMIN + off;
	else if (strncasecmp(bare, "RTMAX", 5) == 0 && (off = rt_offset(bare + 5, -1)) >= 0)
		sig = SIGRTMAX - off;
	return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
}

const char *moat_signal_name(int sig)
{
	/* real-time signals are numbered from SIGRTMIN, which glibc decides
	 * at run time, so their names are built from this table */
	static const char *const rt[] = {
	    "SIGRTMIN",	   "SIGRTMIN+1",  "SIGRTMIN+2",	 "SIGRTMIN+3",	"SIGRTMIN+4",
	    "SIGRTMIN+5",  "SIGRTMIN+6",  "SIGRTMIN+7",	 "SIGRTMIN+8",	"SIGRTMIN+9",
	    "SIGRTMIN+10", "SIGRTMIN+11", "SIGRTMIN+12", "SIGRTMIN+13", "SIGRTMIN+14",
	    "SIGRTMIN+15", "SIGRTMAX-14", "SIGRTMAX-13", "SIGRTMAX-12", "SIGRTMAX-11",
	    "SIGRTMAX-10", "SIGRTMAX-9",  "SIGRTMAX-8",	 "SIGRTMAX-7",	"SIGRTMAX-6",
	    "SIGRTMAX-5",  "SIGRTMAX-4",  "SIGRTMAX-3",	 "SIGRTMAX-2",	"SIGRTMAX-1",
	    "SIGRTMAX",
	};

	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (signals[i].num == sig)
			return signals[i].name;
	if (sig < SIGRTMIN || sig > SIGRTMAX)
		return NULL;
	/* like kill -l: the lower half counts up from RTMIN, the upper half
	 * down from RTMAX */
	int from_min = sig - SIGRTMIN, from_max = SIGRTMAX - sig;
	if (from_min <= 15)
		return rt[from_min];
	if (from_max <= 14)
		return rt[ARRAY_SIZE(rt) - 1 - (size_t)from_max];
	return NULL;
}

static const struct name_num ns_types[] = {
    {"pid", CLONE_NEWPID},	 {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},
    {"ipc", CLONE_NEWIPC},	 {"uts", CLONE_NEWUTS},	    {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

int moat_ns_type_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_types); i++)
		if (strcmp(ns_types[i].name, name) == 0)
			return ns_types[i].num;
	return -1;
}

const char *moat_ns_type_name(int clone_flag)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_types); i++)
		if (ns_types[i].num == clone_flag)
			return ns_types[i].name;
	return NULL;
}

static const struct name_num personality_flags[] = {
    {"UNAME26", UNAME26},
    {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
    {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},
    {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
    {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT},
    {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},
    {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},
    {"SHORT_INODE", SHORT_INODE},
    {"WHOLE_SECONDS", WHOLE_SECONDS},
    {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},
    {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
};

long moat_personality_flag_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(personality_flags); i++)
		if (strcmp(personality_flags[i].name, name) == 0)
			return personality_flags[i].num;
	return -1;
}
