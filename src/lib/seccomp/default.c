/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * moat's hardened default seccomp profile: the one `moat spec` writes.
 *
 * An allowlist: everything not allowed below fails with EPERM (and syscalls
 * newer than any the profile names fail with ENOSYS, see compile.c, so libc
 * falls back to older ones).  It starts from Docker's default profile
 * (moby profiles/seccomp/default.json, 2024) and is stricter:
 *
 *  - io_uring_setup/enter/register are never allowed: io_uring bypasses
 *    seccomp for the operations it performs and has been a steady source of
 *    kernel exploits (Google disabled it on ChromeOS, Android and its
 *    servers for that reason).
 *  - ptrace, process_vm_readv/writev (and kcmp, pidfd_getfd,
 *    process_madvise) need CAP_SYS_PTRACE; Docker allows the first three to
 *    every container on kernels >= 4.8.
 *  - name_to_handle_at needs CAP_DAC_READ_SEARCH like open_by_handle_at:
 *    file handles are how "shocker" escaped containers, and one is useless
 *    without the other.
 *  - On x86_64 the x32 ABI is not listed: its syscalls are killed (the
 *    compiler's bad-architecture action).  32-bit x86 stays for old binaries.
 *
 * Never allowed, whatever the capabilities (as in Docker): keyctl, add_key,
 * request_key (the kernel keyring is not namespaced), kexec_load,
 * kexec_file_load, swapon, swapoff, userfaultfd (a tool to win kernel races),
 * pivot_root, uselib, ustat, sysfs, _sysctl, nfsservctl, vm86: they are
 * simply not in the lists below.
 *
 * Capability-aware, as Docker: a syscall that only works with a capability
 * is allowed only when the container may hold that capability, since
 * without it the kernel refuses it anyway and allowing it only exposes code.
 * Without CAP_SYS_ADMIN, clone() may not create namespaces (so no user
 * namespace, the usual first step of a container escape), clone3() fails
 * with ENOSYS (its flags are in memory, which seccomp cannot read; libc then
 * falls back to clone()), and unshare, setns and the mount family are denied.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>

#include "seccomp/internal.h"

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* What ordinary programs need; allowed to every container. */
static const char *const allow_always[] = {
    "accept",
    "accept4",
    "access",
    "adjtimex",
    "alarm",
    "bind",
    "brk",
    "cachestat",
    "capget",
    "capset",
    "chdir",
    "chmod",
    "chown",
    "chown32",
    "clock_adjtime",
    "clock_adjtime64",
    "clock_getres",
    "clock_getres_time64",
    "clock_gettime",
    "clock_gettime64",
    "clock_nanosleep",
    "clock_nanosleep_time64",
    "close",
    "close_range",
    "connect",
    "copy_file_range",
    "creat",
    "dup",
    "dup2",
    "dup3",
    "epoll_create",
    "epoll_create1",
    "epoll_ctl",
    "epoll_ctl_old",
    "epoll_pwait",
    "epoll_pwait2",
    "epoll_wait",
    "epoll_wait_old",
    "eventfd",
    "eventfd2",
    "execve",
    "execveat",
    "exit",
    "exit_group",
    "faccessat",
    "faccessat2",
    "fadvise64",
    "fadvise64_64",
    "fallocate",
    "fanotify_mark",
    "fchdir",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "fchown",
    "fchown32",
    "fchownat",
    "fcntl",
    "fcntl64",
    "fdatasync",
    "fgetxattr",
    "flistxattr",
    "flock",
    "fork",
    "fremovexattr",
    "fsetxattr",
    "fstat",
    "fstat64",
    "fstatat64",
    "fstatfs",
    "fstatfs64",
    "fsync",
    "ftruncate",
    "ftruncate64",
    "futex",
    "futex_requeue",
    "futex_time64",
    "futex_wait",
    "futex_waitv",
    "futex_wake",
    "futimesat",
    "getcpu",
    "getcwd",
    "getdents",
    "getdents64",
    "getegid",
    "getegid32",
    "geteuid",
    "geteuid32",
    "getgid",
    "getgid32",
    "getgroups",
    "getgroups32",
    "getitimer",
    "getpeername",
    "getpgid",
    "getpgrp",
    "getpid",
    "getppid",
    "getpriority",
    "getrandom",
    "getresgid",
    "getresgid32",
    "getresuid",
    "getresuid32",
    "getrlimit",
    "get_robust_list",
    "getrusage",
    "getsid",
    "getsockname",
    "getsockopt",
    "get_thread_area",
    "gettid",
    "gettimeofday",
    "getuid",
    "getuid32",
    "getxattr",
    "inotify_add_watch",
    "inotify_init",
    "inotify_init1",
    "inotify_rm_watch",
    "io_cancel",
    "ioctl",
    "io_destroy",
    "io_getevents",
    "io_pgetevents",
    "io_pgetevents_time64",
    "ioprio_get",
    "ioprio_set",
    "io_setup",
    "io_submit",
    "ipc",
    "kill",
    "landlock_add_rule",
    "landlock_create_ruleset",
    "landlock_restrict_self",
    "lchown",
    "lchown32",
    "lgetxattr",
    "link",
    "linkat",
    "listen",
    "listxattr",
    "llistxattr",
    "_llseek",
    "lremovexattr",
    "lseek",
    "lsetxattr",
    "lstat",
    "lstat64",
    "madvise",
    "map_shadow_stack",
    "membarrier",
    "memfd_create",
    "memfd_secret",
    "mincore",
    "mkdir",
    "mkdirat",
    "mknod",
    "mknodat",
    "mlock",
    "mlock2",
    "mlockall",
    "mmap",
    "mmap2",
    "mprotect",
    "mq_getsetattr",
    "mq_notify",
    "mq_open",
    "mq_timedreceive",
    "mq_timedreceive_time64",
    "mq_timedsend",
    "mq_timedsend_time64",
    "mq_unlink",
    "mremap",
    "msgctl",
    "msgget",
    "msgrcv",
    "msgsnd",
    "msync",
    "munlock",
    "munlockall",
    "munmap",
    "nanosleep",
    "newfstatat",
    "_newselect",
    "open",
    "openat",
    "openat2",
    "pause",
    "pidfd_open",
    "pidfd_send_signal",
    "pipe",
    "pipe2",
    "pkey_alloc",
    "pkey_free",
    "pkey_mprotect",
    "poll",
    "ppoll",
    "ppoll_time64",
    "prctl",
    "pread64",
    "preadv",
    "preadv2",
    "prlimit64",
    "process_mrelease",
    "pselect6",
    "pselect6_time64",
    "pwrite64",
    "pwritev",
    "pwritev2",
    "read",
    "readahead",
    "readlink",
    "readlinkat",
    "readv",
    "recv",
    "recvfrom",
    "recvmmsg",
    "recvmmsg_time64",
    "recvmsg",
    "remap_file_pages",
    "removexattr",
    "rename",
    "renameat",
    "renameat2",
    "restart_syscall",
    "rmdir",
    "rseq",
    "rt_sigaction",
    "rt_sigpending",
    "rt_sigprocmask",
    "rt_sigqueueinfo",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigtimedwait",
    "rt_sigtimedwait_time64",
    "rt_tgsigqueueinfo",
    "sched_getaffinity",
    "sched_getattr",
    "sched_getparam",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_getscheduler",
    "sched_rr_get_interval",
    "sched_rr_get_interval_time64",
    "sched_setaffinity",
    "sched_setattr",
    "sched_setparam",
    "sched_setscheduler",
    "sched_yield",
    "seccomp",
    "select",
    "semctl",
    "semget",
    "semop",
    "semtimedop",
    "semtimedop_time64",
    "send",
    "sendfile",
    "sendfile64",
    "sendmmsg",
    "sendmsg",
    "sendto",
    "setfsgid",
    "setfsgid32",
    "setfsuid",
    "setfsuid32",
    "setgid",
    "setgid32",
    "setgroups",
    "setgroups32",
    "setitimer",
    "setpgid",
    "setpriority",
    "setregid",
    "setregid32",
    "setresgid",
    "setresgid32",
    "setresuid",
    "setresuid32",
    "setreuid",
    "setreuid32",
    "setrlimit",
    "set_robust_list",
    "setsid",
    "setsockopt",
    "set_thread_area",
    "set_tid_address",
    "setuid",
    "setuid32",
    "setxattr",
    "shmat",
    "shmctl",
    "shmdt",
    "shmget",
    "shutdown",
    "sigaltstack",
    "signalfd",
    "signalfd4",
    "sigprocmask",
    "sigreturn",
    "socketcall",
    "socketpair",
    "splice",
    "stat",
    "stat64",
    "statfs",
    "statfs64",
    "statx",
    "symlink",
    "symlinkat",
    "sync",
    "sync_file_range",
    "syncfs",
    "sysinfo",
    "tee",
    "tgkill",
    "time",
    "timer_create",
    "timer_delete",
    "timer_getoverrun",
    "timer_gettime",
    "timer_gettime64",
    "timer_settime",
    "timer_settime64",
    "timerfd_create",
    "timerfd_gettime",
    "timerfd_gettime64",
    "timerfd_settime",
    "timerfd_settime64",
    "times",
    "tkill",
    "truncate",
    "truncate64",
    "ugetrlimit",
    "umask",
    "uname",
    "unlink",
    "unlinkat",
    "utime",
    "utimensat",
    "utimensat_time64",
    "utimes",
    "vfork",
    "vmsplice",
    "wait4",
    "waitid",
    "waitpid",
    "write",
    "writev",
};

/* Allowed only when the container may hold the capability. */
static const struct {
	int cap;
	const char *const *names;
} allow_with_cap[] = {
    {CAP_DAC_READ_SEARCH, NAMES("name_to_handle_at", "open_by_handle_at")},
    {CAP_SYS_ADMIN,
     NAMES("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
	   "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open",
	   "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount",
	   "umount2", "unshare")},
    {CAP_SYS_BOOT, NAMES("reboot")},
    {CAP_SYS_CHROOT, NAMES("chroot")},
    {CAP_SYS_MODULE, NAMES("delete_module", "init_module", "finit_module")},
    {CAP_SYS_PACCT, NAMES("acct")},
    {CAP_SYS_PTRACE, NAMES("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv",
			   "process_vm_writev", "ptrace")},
    {CAP_SYS_RAWIO, NAMES("iopl", "ioperm")},
    {CAP_SYS_TIME, NAMES("settimeofday", "stime", "clock_settime", "clock_settime64")},
    {CAP_SYS_TTY_CONFIG, NAMES("vhangup")},
    {CAP_SYS_NICE, NAMES("get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node")},
    {CAP_SYSLOG, NAMES("syslog")},
    {CAP_BPF, NAMES("bpf")},
    {CAP_PERFMON, NAMES("perf_event_open")},
};

/* Architecture-specific syscalls, allowed when one of arches is compiled in. */
static const struct {
	uint32_t arches[3];
	const char *const *names;
} allow_on_arch[] = {
    {{SCMP_ARCH_X86_64, SCMP_ARCH_X32}, NAMES("arch_prctl")},
    {{SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_X86}, NAMES("modify_ldt")},
    {{SCMP_ARCH_ARM, SCMP_ARCH_AARCH64},
     NAMES("arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint",
	   "cacheflush", "set_tls")},
    {{SCMP_ARCH_PPC64LE}, NAMES("sync_file_range2", "swapcontext")},
    {{SCMP_ARCH_S390, SCMP_ARCH_S390X},
     NAMES("s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr")},
    {{SCMP_ARCH_RISCV64}, NAMES("riscv_flush_icache")},
};

/* The personality(2) values programs use: PER_LINUX, PER_LINUX32,
 * UNAME26, PER_LINUX32|UNAME26, and 0xffffffff, which only queries.  Other
 * personalities (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE, ...) weaken the
 * process's own defences. */
static const uint64_t personality_ok[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};

/* The namespaces clone() could create (CLONE_NEWTIME shares its bit with
 * the exit signal in clone(), so only clone3/unshare can ask for it). */
#define CLONE_NAMESPACES                                                                           \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |             \
	 CLONE_NEWPID | CLONE_NEWNET)

#define AF_VSOCK_ 40 /* vsock reaches the hypervisor: outside the container */

/* The native architecture and the older ABIs it runs (Docker's archMap,
 * without x32). */
static size_t default_arches(uint32_t *out)
{
	uint32_t native = seccomp_arch_native();
	size_t n = 0;

	out[n++] = native;
	switch (native) {
	case SCMP_ARCH_X86_64:
		out[n++] = SCMP_ARCH_X86;
		break;
	case SCMP_ARCH_AARCH64:
		out[n++] = SCMP_ARCH_ARM;
		break;
	case SCMP_ARCH_S390X:
		out[n++] = SCMP_ARCH_S390;
		break;
	case SCMP_ARCH_MIPS64:
	case SCMP_ARCH_MIPS64N32:
		out[n++] = SCMP_ARCH_MIPS;
		out[n++] = native == SCMP_ARCH_MIPS64 ? SCMP_ARCH_MIPS64N32 : SCMP_ARCH_MIPS64;
		break;
	case SCMP_ARCH_MIPSEL64:
	case SCMP_ARCH_MIPSEL64N32:
		out[n++] = SCMP_ARCH_MIPSEL;
		out[n++] =
		    native == SCMP_ARCH_MIPSEL64 ? SCMP_ARCH_MIPSEL64N32 : SCMP_ARCH_MIPSEL64;
		break;
	default:
		break;
	}
	return n;
}

static bool has_cap(uint64_t caps, int cap)
{
	return cap < 64 && (caps >> cap) & 1;
}

static bool arch_listed(const struct moat_seccomp *s, const uint32_t *arches)
{
	for (size_t i = 0; i < 3 && arches[i]; i++)
		for (size_t j = 0; j < s->n_architectures; j++)
			if (s->architectures[j] == arches[i])
				return true;
	return false;
}

static void add_name(struct moat_seccomp_syscall *sc, const char *name)
{
	for (size_t i = 0; i < sc->n_names; i++)
		if (strcmp(sc->names[i], name) == 0)
			return;
	sc->names[sc->n_names++] = (char *)name;
}

static size_t count_names(const char *const *names)
{
	size_t n = 0;

	while (names[n])
		n++;
	return n;
}

/* The single ALLOW rule without arguments: allow_always plus what caps and
 * architectures add. */
static void fill_allow(struct moat_arena *a, const struct moat_seccomp *s, uint64_t caps,
		       struct moat_seccomp_syscall *sc)
{
	size_t max = ARRAY_SIZE(allow_always);

	for (size_t i = 0; i < ARRAY_SIZE(allow_with_cap); i++)
		max += count_names(allow_with_cap[i].names);
	for (size_t i = 0; i < ARRAY_SIZE(allow_on_arch); i++)
		max += count_names(allow_on_arch[i].names);
	sc->names = moat_arena_alloc(a, max * sizeof(*sc->names));
	sc->action = MOAT_SECCOMP_ACT_ALLOW;
	for (size_t i = 0; i < ARRAY_SIZE(allow_always); i++)
		add_name(sc, allow_always[i]);
	for (size_t i = 0; i < ARRAY_SIZE(allow_on_arch); i++)
		if (arch_listed(s, allow_on_arch[i].arches))
			for (const char *const *p = allow_on_arch[i].names; *p; p++)
				add_name(sc, *p);
	for (size_t i = 0; i < ARRAY_SIZE(allow_with_cap); i++)
		if (has_cap(caps, allow_with_cap[i].cap))
			for (const char *const *p = allow_with_cap[i].names; *p; p++)
				add_name(sc, *p);
}

/* A rule for one name with one argument comparison. */
static void arg_rule(struct moat_arena *a, struct moat_seccomp_syscall *sc, const char *name,
		     enum moat_seccomp_action act, struct moat_seccomp_arg arg)
{
	sc->names = moat_arena_alloc(a, sizeof(*sc->names));
	sc->names[0] = (char *)name;
	sc->n_names = 1;
	sc->action = act;
	sc->args = moat_arena_alloc(a, sizeof(*sc->args));
	sc->args[0] = arg;
	sc->n_args = 1;
}

struct moat_seccomp *moat_seccomp_default(struct moat_arena *a, uint64_t caps)
{
	struct moat_seccomp *s = moat_arena_alloc(a, sizeof(*s));
	bool sys_admin = has_cap(caps, CAP_SYS_ADMIN);

	s->default_action = MOAT_SECCOMP_ACT_ERRNO;
	s->has_default_errno_ret = true;
	s->default_errno_ret = EPERM;
	s->architectures = moat_arena_alloc(a, 4 * sizeof(*s->architectures));
	s->n_architectures = default_arches(s->architectures);

	/* allow + socket + personality values + clone + clone3 */
	s->syscalls = moat_arena_alloc(a, (4 + ARRAY_SIZE(personality_ok)) * sizeof(*s->syscalls));
	struct moat_seccomp_syscall *sc = s->syscalls;
	fill_allow(a, s, caps, sc++);

	arg_rule(
	    a, sc++, "socket", MOAT_SECCOMP_ACT_ALLOW,
	    (struct moat_seccomp_arg){.index = 0, .value = AF_VSOCK_, .op = MOAT_SECCOMP_OP_NE});
	for (size_t i = 0; i < ARRAY_SIZE(personality_ok); i++)
		arg_rule(a, sc++, "personality", MOAT_SECCOMP_ACT_ALLOW,
			 (struct moat_seccomp_arg){
			     .index = 0, .value = personality_ok[i], .op = MOAT_SECCOMP_OP_EQ});
	if (!sys_admin) {
		/* s390 passes the stack first and the flags second */
		bool s390 =
		    s->architectures[0] == SCMP_ARCH_S390X || s->architectures[0] == SCMP_ARCH_S390;
		arg_rule(a, sc++, "clone", MOAT_SECCOMP_ACT_ALLOW,
			 (struct moat_seccomp_arg){.index = s390 ? 1 : 0,
						   .value = CLONE_NAMESPACES,
						   .value_two = 0,
						   .has_value_two = true,
						   .op = MOAT_SECCOMP_OP_MASKED_EQ});
		sc->names = moat_arena_alloc(a, sizeof(*sc->names));
		sc->names[0] = "clone3";
		sc->n_names = 1;
		sc->action = MOAT_SECCOMP_ACT_ERRNO;
		sc->has_errno_ret = true;
		sc->errno_ret = ENOSYS;
		sc++;
	}
	s->n_syscalls = (size_t)(sc - s->syscalls);
	return s;
}

void seccomp_default_each_name(void (*fn)(const char *name, void *data), void *data)
{
	for (size_t i = 0; i < ARRAY_SIZE(allow_always); i++)
		fn(allow_always[i], data);
	for (size_t i = 0; i < ARRAY_SIZE(allow_with_cap); i++)
		for (const char *const *p = allow_with_cap[i].names; *p; p++)
			fn(*p, data);
	for (size_t i = 0; i < ARRAY_SIZE(allow_on_arch); i++)
		for (const char *const *p = allow_on_arch[i].names; *p; p++)
			fn(*p, data);
	fn("socket", data);
	fn("personality", data);
	fn("clone", data);
	fn("clone3", data);
}
