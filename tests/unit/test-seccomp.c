/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp profiles: parsing, compiling, and what the compiled BPF decides.
 *
 * The decisions are checked by running the program in a small classic-BPF
 * interpreter on a struct seccomp_data, as the kernel would, so no filter is
 * installed here (test-seccomp-kernel does that).
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "seccomp/internal.h"
#include "spec/internal.h"

static char data_dir[512] = "data/seccomp";

/* --- a classic BPF interpreter, with the kernel's seccomp rules --- */

#define BPF_BAD 0xdeadbeefu /* an instruction seccomp would reject */

static uint32_t bpf_run(const struct sock_fprog *prog, const struct seccomp_data *d)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = {0};

	for (unsigned pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->filter[pc];
		uint32_t k = f->k, src = BPF_SRC(f->code) == BPF_X ? X : k;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (k % 4 || k + 4 > sizeof(*d))
					return BPF_BAD;
				memcpy(&A, (const char *)d + k, 4);
			} else if (f->code == (BPF_LD | BPF_W | BPF_LEN)) {
				A = sizeof(*d);
			} else if (f->code == (BPF_LD | BPF_IMM)) {
				A = k;
			} else if (f->code == (BPF_LD | BPF_MEM) && k < BPF_MEMWORDS) {
				A = M[k];
			} else {
				return BPF_BAD;
			}
			break;
		case BPF_LDX:
			if (f->code == (BPF_LDX | BPF_IMM))
				X = k;
			else if (f->code == (BPF_LDX | BPF_MEM) && k < BPF_MEMWORDS)
				X = M[k];
			else if (f->code == (BPF_LDX | BPF_W | BPF_LEN))
				X = sizeof(*d);
			else
				return BPF_BAD;
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return BPF_BAD;
			M[k] = BPF_CLASS(f->code) == BPF_ST ? A : X;
			break;
		case BPF_ALU:
			switch (BPF_OP(f->code)) {
			case BPF_ADD:
				A += src;
				break;
			case BPF_SUB:
				A -= src;
				break;
			case BPF_MUL:
				A *= src;
				break;
			case BPF_DIV:
				if (!src)
					return BPF_BAD;
				A /= src;
				break;
			case BPF_MOD:
				if (!src)
					return BPF_BAD;
				A %= src;
				break;
			case BPF_OR:
				A |= src;
				break;
			case BPF_AND:
				A &= src;
				break;
			case BPF_XOR:
				A ^= src;
				break;
			case BPF_LSH:
				A <<= src;
				break;
			case BPF_RSH:
				A >>= src;
				break;
			case BPF_NEG:
				A = -A;
				break;
			default:
				return BPF_BAD;
			}
			break;
		case BPF_JMP: {
			bool cond;
			switch (BPF_OP(f->code)) {
			case BPF_JA:
				pc += k;
				continue;
			case BPF_JEQ:
				cond = A == src;
				break;
			case BPF_JGT:
				cond = A > src;
				break;
			case BPF_JGE:
				cond = A >= src;
				break;
			case BPF_JSET:
				cond = (A & src) != 0;
				break;
			default:
				return BPF_BAD;
			}
			pc += cond ? f->jt : f->jf;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? A : k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		default:
			return BPF_BAD;
		}
	}
	return BPF_BAD; /* fell off the end: the kernel's checker refuses that */
}

static uint32_t decide_arch(const struct moat_seccomp_filter *f, uint32_t arch, int nr, uint64_t a0,
			    uint64_t a1)
{
	struct seccomp_data d = {
	    .nr = nr, .arch = arch, .instruction_pointer = 0x401000, .args = {a0, a1}};
	return bpf_run(moat_seccomp_filter_prog(f), &d);
}

static uint32_t decide(const struct moat_seccomp_filter *f, const char *name, uint64_t a0,
		       uint64_t a1)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr < 0)
		return BPF_BAD;
	return decide_arch(f, AUDIT_ARCH_X86_64, nr, a0, a1);
}

#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))
#define ALLOW SECCOMP_RET_ALLOW

/* --- loading --- */

static int parse(const char *json, struct moat_arena *a, struct moat_seccomp **ret,
		 struct moat_err *err)
{
	struct json_object *o = json_tokener_parse(json);
	if (!o)
		return moat_err_setx(err, 0, "test: bad JSON: %s", json);
	int r = spec_parse_seccomp(o, a, ret, err);
	json_object_put(o);
	return r;
}

static char *read_data(const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return NULL;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

/* Parse + compile; NULL (with a failed CHECK) on error. */
static struct moat_seccomp_filter *compile_json(const char *json, struct moat_arena *a)
{
	struct moat_seccomp *s = NULL;
	struct moat_seccomp_filter *f = NULL;
	struct moat_err err = {0};
	int r = parse(json, a, &s, &err);
	if (r == 0)
		r = moat_seccomp_prepare(s, NULL, &f, &err);
	if (r < 0) {
		CHECK(0, "compiles: %s", err.msg);
		return NULL;
	}
	return f;
}

static struct moat_seccomp_filter *compile_file(const char *name, struct moat_arena *a)
{
	const char *json = read_data(name);
	if (!json) {
		CHECK(0, "reads %s/%s", data_dir, name);
		return NULL;
	}
	return compile_json(json, a);
}

/* --- the default profile --- */

#define DEFAULT_CAPS                                                                               \
	((1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE))

static struct moat_seccomp_filter *compile_default(uint64_t caps, struct moat_arena *a,
						   const char *cache)
{
	struct moat_seccomp_filter *f = NULL;
	struct moat_err err = {0};
	int r = moat_seccomp_prepare(moat_seccomp_default(a, caps), cache, &f, &err);
	CHECK(r == 0, "the default profile compiles%s", r ? err.msg : "");
	return f;
}

static void test_default_decisions(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = compile_default(DEFAULT_CAPS, &a, NULL);
	if (!f)
		return;
	const uint32_t eperm = ERRNO(EPERM);

	CHECK(decide(f, "read", 0, 0) == ALLOW, "default: read is allowed");
	CHECK(decide(f, "write", 1, 0) == ALLOW, "default: write is allowed");
	CHECK(decide(f, "openat", 0, 0) == ALLOW, "default: openat is allowed");
	CHECK(decide(f, "execve", 0, 0) == ALLOW, "default: execve is allowed");
	CHECK(decide(f, "clone", SIGCHLD, 0) == ALLOW,
	      "default: clone without namespaces (fork) is allowed");
	CHECK(decide(f, "clone", CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD,
		     0) == ALLOW,
	      "default: clone of a thread is allowed");
	CHECK(decide(f, "clone", CLONE_NEWUSER | SIGCHLD, 0) == eperm,
	      "default: clone(CLONE_NEWUSER) is denied");
	CHECK(decide(f, "clone", CLONE_NEWNET, 0) == eperm,
	      "default: clone(CLONE_NEWNET) is denied");
	CHECK(decide(f, "clone", 0xffffffff00000000ULL | SIGCHLD, 0) == ALLOW,
	      "default: clone's upper flag bits are not namespaces");
	CHECK(decide(f, "clone3", 0, 0) == ERRNO(ENOSYS),
	      "default: clone3 fails with ENOSYS (libc falls back)");
	CHECK(decide(f, "unshare", CLONE_NEWUSER, 0) == eperm,
	      "default: unshare(CLONE_NEWUSER) is denied");
	CHECK(decide(f, "unshare", CLONE_NEWNS, 0) == eperm,
	      "default: unshare(CLONE_NEWNS) is denied");
	CHECK(decide(f, "setns", 3, 0) == eperm, "default: setns is denied");
	static const char *const denied[] = {
	    "mount",
	    "umount2",
	    "fsopen",
	    "fsmount",
	    "move_mount",
	    "open_tree",
	    "mount_setattr",
	    "pivot_root",
	    "keyctl",
	    "add_key",
	    "request_key",
	    "bpf",
	    "perf_event_open",
	    "ptrace",
	    "process_vm_readv",
	    "process_vm_writev",
	    "io_uring_setup",
	    "io_uring_enter",
	    "io_uring_register",
	    "kexec_load",
	    "kexec_file_load",
	    "init_module",
	    "finit_module",
	    "delete_module",
	    "acct",
	    "swapon",
	    "swapoff",
	    "reboot",
	    "iopl",
	    "ioperm",
	    "name_to_handle_at",
	    "open_by_handle_at",
	    "userfaultfd",
	    "chroot",
	    "settimeofday",
	    "sethostname",
	    "syslog",
	    "uselib",
	};
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		CHECK(decide(f, denied[i], 0, 0) == eperm, "default: %s is denied with EPERM",
		      denied[i]);
	static const uint64_t pers_ok[] = {0, 8, 0x20000, 0x20008, 0xffffffff};
	for (size_t i = 0; i < 5; i++)
		CHECK(decide(f, "personality", pers_ok[i], 0) == ALLOW,
		      "default: personality(0x%llx) is allowed", (unsigned long long)pers_ok[i]);
	CHECK(decide(f, "personality", 0x0400000 /* READ_IMPLIES_EXEC */, 0) == eperm,
	      "default: personality(READ_IMPLIES_EXEC) is denied");
	CHECK(decide(f, "personality", 0x0040000 /* ADDR_NO_RANDOMIZE */, 0) == eperm,
	      "default: personality(ADDR_NO_RANDOMIZE) is denied");
	CHECK(decide(f, "socket", 2 /* AF_INET */, 1) == ALLOW,
	      "default: socket(AF_INET) is allowed");
	CHECK(decide(f, "socket", 40 /* AF_VSOCK */, 1) == eperm,
	      "default: socket(AF_VSOCK) is denied");
	CHECK(decide(f, "arch_prctl", 0x1002, 0) == ALLOW,
	      "default: arch_prctl is allowed on x86_64");

	/* beyond every syscall the profile names: ENOSYS, so libc falls back */
	CHECK(decide_arch(f, AUDIT_ARCH_X86_64, 470, 0, 0) == ERRNO(ENOSYS),
	      "default: a syscall newer than the profile (470) fails with ENOSYS");
	CHECK(decide_arch(f, AUDIT_ARCH_X86_64, 0x40000000 | 0, 0, 0) == SECCOMP_RET_KILL_PROCESS,
	      "default: x32 syscalls kill the process");
	CHECK(decide_arch(f, AUDIT_ARCH_AARCH64, 63, 0, 0) == SECCOMP_RET_KILL_PROCESS,
	      "default: an architecture the profile does not list kills the process");
	int i386_read = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "read");
	int i386_unshare = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "unshare");
	CHECK(decide_arch(f, AUDIT_ARCH_I386, i386_read, 0, 0) == ALLOW,
	      "default: 32-bit x86 read is allowed");
	CHECK(decide_arch(f, AUDIT_ARCH_I386, i386_unshare, CLONE_NEWUSER, 0) == eperm,
	      "default: 32-bit x86 unshare is denied");
	moat_seccomp_filter_free(f);

	f = compile_default(DEFAULT_CAPS | (1ULL << CAP_SYS_ADMIN), &a, NULL);
	CHECK(f && decide(f, "mount", 0, 0) == ALLOW, "with CAP_SYS_ADMIN: mount is allowed");
	CHECK(f && decide(f, "clone", CLONE_NEWUSER, 0) == ALLOW,
	      "with CAP_SYS_ADMIN: clone(CLONE_NEWUSER) is allowed");
	CHECK(f && decide(f, "clone3", 0, 0) == ALLOW, "with CAP_SYS_ADMIN: clone3 is allowed");
	CHECK(f && decide(f, "ptrace", 0, 0) == ERRNO(EPERM),
	      "with CAP_SYS_ADMIN: ptrace is still denied");
	CHECK(f && decide(f, "io_uring_setup", 0, 0) == ERRNO(EPERM),
	      "with CAP_SYS_ADMIN: io_uring is still denied");
	moat_seccomp_filter_free(f);

	f = compile_default(DEFAULT_CAPS | (1ULL << CAP_SYS_PTRACE), &a, NULL);
	CHECK(f && decide(f, "ptrace", 0, 0) == ALLOW, "with CAP_SYS_PTRACE: ptrace is allowed");
	CHECK(f && decide(f, "mount", 0, 0) == ERRNO(EPERM),
	      "with CAP_SYS_PTRACE: mount is still denied");
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static void check_known(const char *name, void *data)
{
	int *unknown = data;
	if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR) {
		printf("# libseccomp does not know \"%s\"\n", name);
		(*unknown)++;
	}
}

static void test_default_names_exist(void)
{
	int unknown = 0;
	seccomp_default_each_name(check_known, &unknown);
	CHECK(unknown == 0, "libseccomp %u.%u.%u knows every syscall the default profile names",
	      seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro);

	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = compile_default(~0ULL, &a, NULL);
	CHECK(f && moat_seccomp_filter_skipped(f, NULL) == 0,
	      "the default profile with every capability skips no name");
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

/* The default profile written as JSON reads back to the same profile. */
static void test_default_json_roundtrip(void)
{
	struct moat_arena a = {0};
	struct moat_buf pretty = {0}, once = {0}, twice = {0};
	struct moat_seccomp *s = moat_seccomp_default(&a, DEFAULT_CAPS), *back = NULL;
	struct moat_err err = {0};

	moat_seccomp_to_json(&pretty, s, "\t\t");
	moat_seccomp_to_json(&once, s, NULL);
	int r = parse(pretty.data, &a, &back, &err);
	CHECK(r == 0, "the default profile's JSON parses%s%s", r ? ": " : "", r ? err.msg : "");
	if (r == 0)
		moat_seccomp_to_json(&twice, back, NULL);
	CHECK(twice.data && strcmp(once.data, twice.data) == 0,
	      "the default profile survives JSON and back");
	CHECK(strstr(pretty.data, "\n\t\t\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n") != NULL,
	      "pretty JSON is indented with tabs under the given indent");
	CHECK(strstr(pretty.data, "io_uring") == NULL, "the default profile never names io_uring");
	printf("# default profile: %zu bytes of JSON pretty, %zu compact\n", pretty.len, once.len);
	moat_buf_free(&pretty);
	moat_buf_free(&once);
	moat_buf_free(&twice);
	moat_arena_free(&a);
}

/* --- custom profiles --- */

static void test_errno_ret(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = compile_file("mkdir-enosys.json", &a);
	if (f) {
		CHECK(decide(f, "mkdir", 0, 0) == ERRNO(ENOSYS),
		      "errnoRet 38 on mkdir: ERRNO(ENOSYS)");
		CHECK(decide(f, "mkdirat", 0, 0) == ERRNO(ENOSYS),
		      "errnoRet 38 on mkdirat: ERRNO(ENOSYS)");
		CHECK(decide(f, "getpid", 0, 0) == ALLOW, "getpid falls to the ALLOW default");
	}
	moat_seccomp_filter_free(f);
	f = compile_json(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":13,"
	    "\"syscalls\":[{\"names\":[\"getpid\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	    &a);
	CHECK(f && decide(f, "read", 0, 0) == ERRNO(EACCES), "defaultErrnoRet 13 applies to read");
	CHECK(f && decide(f, "getpid", 0, 0) == ALLOW, "getpid is allowed");
	moat_seccomp_filter_free(f);
	f = compile_json(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"getpid\"],"
	    "\"action\":\"SCMP_ACT_ALLOW\"}]}",
	    &a);
	CHECK(f && decide(f, "read", 0, 0) == ERRNO(EPERM),
	      "SCMP_ACT_ERRNO without errnoRet is EPERM");
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static void test_personality_arg(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = compile_file("personality.json", &a);
	if (f) {
		CHECK(decide(f, "personality", 0, 0) == ALLOW,
		      "personality(0) passes the arg rule");
		CHECK(decide(f, "personality", 0xffffffff, 0) == ERRNO(EPERM),
		      "personality(0xffffffff) is blocked");
		CHECK(decide(f, "personality", 0x1ffffffffULL, 0) == ALLOW,
		      "the comparison is on all 64 bits");
	}
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static void test_operators(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = compile_file("operators.json", &a);
	if (!f)
		return;
	/* each operator guards its own syscall, with value 5 on arg 0 */
	static const struct {
		const char *name, *op;
		bool want[3]; /* denied for arg 4, 5, 6 */
	} cases[] = {
	    {"dup", "NE", {true, false, true}},	  {"dup2", "LT", {true, false, false}},
	    {"dup3", "LE", {true, true, false}},  {"fchdir", "EQ", {false, true, false}},
	    {"fsync", "GE", {false, true, true}}, {"fdatasync", "GT", {false, false, true}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (uint64_t v = 4; v <= 6; v++) {
			bool denied = decide(f, cases[i].name, v, 0) == ERRNO(EPERM);
			CHECK(denied == cases[i].want[v - 4], "SCMP_CMP_%s 5: %s(%llu) is %s",
			      cases[i].op, cases[i].name, (unsigned long long)v,
			      cases[i].want[v - 4] ? "denied" : "allowed");
		}
	/* MASKED_EQ: (arg0 & 0xf0) == 0x30 */
	CHECK(decide(f, "close", 0x35, 0) == ERRNO(EPERM),
	      "MASKED_EQ: 0x35 & 0xf0 == 0x30 matches");
	CHECK(decide(f, "close", 0x45, 0) == ALLOW, "MASKED_EQ: 0x45 does not match");
	/* two args on different indexes: both must match */
	CHECK(decide(f, "kill", 1, 9) == ERRNO(EPERM), "args on two indexes: both match, denied");
	CHECK(decide(f, "kill", 1, 15) == ALLOW, "args on two indexes: one matches, allowed");
	/* two args on the same index: either matches (runc's rule) */
	CHECK(decide(f, "lseek", 7, 0) == ERRNO(EPERM), "args on one index: first value denied");
	CHECK(decide(f, "lseek", 8, 0) == ERRNO(EPERM), "args on one index: second value denied");
	CHECK(decide(f, "lseek", 9, 0) == ALLOW, "args on one index: other values allowed");
	/* 64-bit values */
	CHECK(decide(f, "madvise", 0xffffffffffffffffULL, 0) == ERRNO(EPERM),
	      "a uint64 value above INT64_MAX is compared exactly");
	CHECK(decide(f, "madvise", 0xffffffff, 0) == ALLOW,
	      "and its low half alone does not match");
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static void test_actions(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = compile_file("actions.json", &a);
	if (!f)
		return;
	static const struct {
		const char *name;
		uint32_t want;
		const char *what;
	} cases[] = {
	    {"getpid", SECCOMP_RET_KILL_THREAD, "SCMP_ACT_KILL kills the thread"},
	    {"getppid", SECCOMP_RET_KILL_PROCESS, "SCMP_ACT_KILL_PROCESS"},
	    {"getuid", SECCOMP_RET_KILL_THREAD, "SCMP_ACT_KILL_THREAD"},
	    {"getgid", SECCOMP_RET_TRAP, "SCMP_ACT_TRAP"},
	    {"geteuid", SECCOMP_RET_ERRNO | 5, "SCMP_ACT_ERRNO with errnoRet 5"},
	    {"getegid", SECCOMP_RET_TRACE | 7, "SCMP_ACT_TRACE with errnoRet 7"},
	    {"gettid", SECCOMP_RET_TRACE | EPERM, "SCMP_ACT_TRACE without errnoRet: EPERM"},
	    {"getpgrp", SECCOMP_RET_LOG, "SCMP_ACT_LOG"},
	    {"getsid", SECCOMP_RET_USER_NOTIF, "SCMP_ACT_NOTIFY"},
	    {"read", SECCOMP_RET_ALLOW, "SCMP_ACT_ALLOW"},
	    {"write", SECCOMP_RET_ERRNO | 1, "the default: SCMP_ACT_ERRNO, defaultErrnoRet 1"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(decide(f, cases[i].name, 0, 0) == cases[i].want, "%s (%s)", cases[i].what,
		      cases[i].name);
	CHECK(moat_seccomp_filter_uses_notify(f),
	      "a profile with SCMP_ACT_NOTIFY needs a listener");
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static void test_architectures(void)
{
	struct moat_arena a = {0};
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "getpid");
	struct moat_seccomp_filter *f = compile_json(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
	    "\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":[\"getpid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	    &a);
	CHECK(f && decide_arch(f, AUDIT_ARCH_I386, nr, 0, 0) == ERRNO(EPERM),
	      "with SCMP_ARCH_X86 listed, the rule applies to 32-bit getpid");
	moat_seccomp_filter_free(f);
	f = compile_json(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	    &a);
	CHECK(f && decide_arch(f, AUDIT_ARCH_I386, nr, 0, 0) == SECCOMP_RET_KILL_PROCESS,
	      "without it, 32-bit syscalls kill the process (a denylist cannot be bypassed)");
	CHECK(f && decide(f, "getpid", 0, 0) == ERRNO(EPERM), "and native getpid is denied");
	CHECK(f && decide_arch(f, AUDIT_ARCH_X86_64, 470, 0, 0) == ALLOW,
	      "an ALLOW default gets no ENOSYS stub");
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static void test_unknown_names_skipped(void)
{
	struct moat_arena a = {0};
	const char *const *names = NULL;
	struct moat_seccomp_filter *f = compile_json(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"getpid\","
	    "\"no_such_syscall\",\"read\",\"s390_runtime_instr\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	    "{\"names\":[\"another_unknown\"],\"action\":\"SCMP_ACT_KILL\"}]}",
	    &a);
	if (!f)
		return;
	size_t n = moat_seccomp_filter_skipped(f, &names);
	CHECK(n == 2, "two unknown names are skipped (got %zu)", n);
	CHECK(n == 2 && strcmp(names[0], "no_such_syscall") == 0 &&
		  strcmp(names[1], "another_unknown") == 0,
	      "the caller learns which names were skipped");
	CHECK(decide(f, "getpid", 0, 0) == ALLOW && decide(f, "read", 0, 0) == ALLOW,
	      "the known names of the same rule still apply");
	moat_seccomp_filter_free(f);

	/* a cache hit reports the same skipped names */
	char dir[] = "/tmp/moat-test-seccomp-XXXXXX", cmd[64];
	struct moat_seccomp *s = NULL;
	struct moat_seccomp_filter *f1 = NULL, *f2 = NULL;
	struct moat_err err = {0};
	if (!mkdtemp(dir) ||
	    parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"getpid\","
		  "\"no_such_syscall\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		  &a, &s, &err) < 0 ||
	    moat_seccomp_prepare(s, dir, &f1, &err) < 0 ||
	    moat_seccomp_prepare(s, dir, &f2, &err) < 0) {
		CHECK(0, "prepare twice with a cache: %s", err.msg);
	} else {
		n = moat_seccomp_filter_skipped(f2, &names);
		CHECK(moat_seccomp_filter_cached(f2) && n == 1 &&
			  strcmp(names[0], "no_such_syscall") == 0,
		      "a cache hit reports the skipped names too");
	}
	moat_seccomp_filter_free(f1);
	moat_seccomp_filter_free(f2);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "clean up");
	moat_arena_free(&a);
}

static void test_flags(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp_filter *f = compile_json(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\","
	    "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\","
	    "\"SECCOMP_FILTER_FLAG_TSYNC\"],\"listenerPath\":\"/"
	    "a\",\"syscalls\":[{\"names\":[\"getpid\"],"
	    "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	    &a);
	CHECK(f != NULL, "all four flags are supported by this kernel");
	CHECK(f && f->kernel_flags ==
		       (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
			SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER),
	      "installed with LOG|SPEC_ALLOW|WAIT_KILLABLE_RECV|NEW_LISTENER, without TSYNC");
	moat_seccomp_filter_free(f);
	f = compile_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":["
			 "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}",
			 &a);
	CHECK(f && f->kernel_flags == 0, "WAIT_KILLABLE_RECV without NOTIFY is dropped");
	moat_seccomp_filter_free(f);
	moat_arena_free(&a);
}

static void test_malformed(void)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
	    {"[]", "linux.seccomp: expected an object"},
	    {"{}", "linux.seccomp.defaultAction: missing"},
	    {"{\"defaultAction\":\"SCMP_ACT_FOO\"}",
	     "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\""},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"a\"],\"action\":"
	     "\"SCMP_ACT_ALLOW\"},"
	     "{\"names\":[\"b\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"c\"],\"action\":"
	     "\"SCMP_ACT_ALLOW\"},"
	     "{\"names\":[\"d\"],\"action\":\"SCMP_ACT_FOO\"}]}",
	     "linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\""},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_"
	     "ACT_ERRNO\"}]}",
	     "linux.seccomp.syscalls[0].names: expected a non-empty array of strings"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\",\"\"],"
	     "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	     "linux.seccomp.syscalls[0].names[1]: expected a syscall name"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]}",
	     "linux.seccomp.syscalls[0].action: missing"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
	     "\"SCMP_ACT_ERRNO\","
	     "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	     "linux.seccomp.syscalls[0].args[0].index: 6 is out of range (max 5)"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
	     "\"SCMP_ACT_ERRNO\","
	     "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":1,"
	     "\"op\":\"SCMP_CMP_FOO\"}]}]}",
	     "linux.seccomp.syscalls[0].args[1].op: unknown operator \"SCMP_CMP_FOO\""},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
	     "\"SCMP_ACT_ERRNO\","
	     "\"args\":[{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	     "linux.seccomp.syscalls[0].args[0].value: expected a non-negative integer"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
	     "\"SCMP_ACT_ERRNO\","
	     "\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	     "linux.seccomp.syscalls[0].args[0].value: missing"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
	     "\"SCMP_ACT_ALLOW\",\"errnoRet\":1}]}",
	     "linux.seccomp.syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an "
	     "errno, not SCMP_ACT_ALLOW"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
	     "\"SCMP_ACT_ERRNO\",\"errnoRet\":70000}]}",
	     "linux.seccomp.syscalls[0].errnoRet: 70000 is out of range (max 65535)"},
	    {"{\"defaultAction\":\"SCMP_ACT_KILL\",\"defaultErrnoRet\":1}",
	     "linux.seccomp.defaultErrnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno, "
	     "not SCMP_ACT_KILL"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_"
	     "ARCH_FOO\"]}",
	     "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_FOO\""},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_FOO\"]}",
	     "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\""},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":5}",
	     "linux.seccomp.listenerPath: expected a string"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}",
	     "linux.seccomp.syscalls: expected an array"},
	    {"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	     "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	     "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct moat_arena a = {0};
		struct moat_seccomp *s = NULL;
		struct moat_err err = {0};
		int r = parse(cases[i].json, &a, &s, &err);
		CHECK(r < 0, "malformed profile %zu is rejected", i);
		CHECK_STR(err.msg, cases[i].msg, "with the message naming the entry");
		moat_arena_free(&a);
	}
}

static void test_features(void)
{
	struct moat_buf b = {0};
	moat_seccomp_features_json(&b);
	struct json_object *o = json_tokener_parse(b.data), *v;
	CHECK(o != NULL, "features: valid JSON");
	CHECK(o && json_object_object_get_ex(o, "actions", &v) && json_object_array_length(v) == 9,
	      "features: nine actions");
	CHECK(o && json_object_object_get_ex(o, "operators", &v) &&
		  json_object_array_length(v) == 7,
	      "features: seven operators");
	CHECK(o && json_object_object_get_ex(o, "supportedFlags", &v) &&
		  json_object_array_length(v) == 4,
	      "features: this kernel supports all four flags");
	CHECK(strstr(b.data, "\"SCMP_ARCH_X86_64\"") != NULL, "features: lists SCMP_ARCH_X86_64");
	json_object_put(o);
	moat_buf_free(&b);
}

static void test_fields_parsed(void)
{
	struct moat_arena a = {0};
	struct moat_seccomp *s = NULL;
	struct moat_err err = {0};
	const char *json = read_data("notify.json");
	int r = json ? parse(json, &a, &s, &err) : -1;
	CHECK(r == 0, "notify.json parses");
	if (r == 0) {
		CHECK_STR(s->listener_path, "/run/seccomp-agent.sock", "listenerPath is kept");
		CHECK_STR(s->listener_metadata, "MKDIR=answer", "listenerMetadata is kept");
		CHECK(s->n_syscalls == 1 && s->syscalls[0].action == MOAT_SECCOMP_ACT_NOTIFY,
		      "the NOTIFY rule is kept");
	}
	moat_arena_free(&a);
}

/* --- the cache --- */

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void test_cache(void)
{
	char dir[] = "/tmp/moat-test-seccomp-XXXXXX", cache[64], path[128] = "";
	struct moat_arena a = {0};

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	struct moat_seccomp *s = moat_seccomp_default(&a, DEFAULT_CAPS);
	struct moat_seccomp_filter *f1 = NULL, *f2 = NULL, *f3 = NULL;
	struct moat_err err = {0};

	CHECK(moat_seccomp_prepare(s, cache, &f1, &err) == 0 && !moat_seccomp_filter_cached(f1),
	      "first prepare compiles");
	CHECK(moat_seccomp_prepare(s, cache, &f2, &err) == 0 && moat_seccomp_filter_cached(f2),
	      "second prepare of the same profile comes from the cache");
	CHECK(f1 && f2 && f1->prog.len == f2->prog.len &&
		  memcmp(f1->prog.filter, f2->prog.filter,
			 f1->prog.len * sizeof(struct sock_filter)) == 0,
	      "the cached program is the compiled one");
	struct stat st;
	CHECK(stat(cache, &st) == 0 && (st.st_mode & 0777) == 0700, "the cache dir is made 0700");

	/* a different profile does not hit the same entry */
	struct moat_seccomp *s2 = moat_seccomp_default(&a, DEFAULT_CAPS | (1ULL << CAP_SYS_ADMIN));
	CHECK(moat_seccomp_prepare(s2, cache, &f3, &err) == 0 && !moat_seccomp_filter_cached(f3),
	      "a different profile is compiled, not taken from the cache");
	moat_seccomp_filter_free(f3);
	f3 = NULL;

	/* tamper: find the file of s, make it group-writable, then corrupt it */
	struct moat_buf key = {0};
	seccomp_cache_key(s, &key);
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < key.len; i++)
		h = (h ^ (unsigned char)key.data[i]) * 0x100000001b3ULL;
	snprintf(path, sizeof(path), "%s/%016llx.bpf", cache, (unsigned long long)h);
	moat_buf_free(&key);
	CHECK(chmod(path, 0664) == 0, "the cache file is where the key says");
	CHECK(moat_seccomp_prepare(s, cache, &f3, &err) == 0 && !moat_seccomp_filter_cached(f3),
	      "a group-writable cache file is not trusted");
	moat_seccomp_filter_free(f3);
	f3 = NULL;
	chmod(path, 0600);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	CHECK(fd >= 0 && pwrite(fd, "X", 1, sizeof(struct cache_header) + 40) == 1,
	      "corrupt the key in the cache file");
	close(fd);
	CHECK(moat_seccomp_prepare(s, cache, &f3, &err) == 0 && !moat_seccomp_filter_cached(f3),
	      "a cache file whose key differs is recompiled");
	moat_seccomp_filter_free(f3);
	f3 = NULL;
	CHECK(truncate(path, 100) == 0, "truncate the cache file");
	CHECK(moat_seccomp_prepare(s, cache, &f3, &err) == 0 && !moat_seccomp_filter_cached(f3),
	      "a truncated cache file is recompiled");
	moat_seccomp_filter_free(f3);

	/* costs */
	enum { N_COMPILE = 20, N_HIT = 2000 };
	double t0 = now_us();
	for (int i = 0; i < N_COMPILE; i++) {
		struct moat_seccomp_filter *f = NULL;
		moat_seccomp_prepare(s, NULL, &f, &err);
		moat_seccomp_filter_free(f);
	}
	double t1 = now_us();
	for (int i = 0; i < N_HIT; i++) {
		struct moat_seccomp_filter *f = NULL;
		moat_seccomp_prepare(s, cache, &f, &err);
		moat_seccomp_filter_free(f);
	}
	double t2 = now_us();
	double compile = (t1 - t0) / N_COMPILE, hit = (t2 - t1) / N_HIT;
	printf("# default profile: %u BPF instructions; compile %.0f us, cache hit %.1f us\n",
	       f1 ? f1->prog.len : 0, compile, hit);
	CHECK(hit < 1000, "a cache hit costs under 1 ms (%.1f us)", hit);

	moat_seccomp_filter_free(f1);
	moat_seccomp_filter_free(f2);
	unlink(path);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "clean up the cache dir");
	moat_arena_free(&a);
}

int main(int argc, char **argv)
{
	const char *env = getenv("MOAT_TEST_DATA");
	if (argc > 1)
		snprintf(data_dir, sizeof(data_dir), "%s", argv[1]);
	else if (env)
		snprintf(data_dir, sizeof(data_dir), "%s/seccomp", env);
	test_default_decisions();
	test_default_names_exist();
	test_default_json_roundtrip();
	test_errno_ret();
	test_personality_arg();
	test_operators();
	test_actions();
	test_architectures();
	test_unknown_names_skipped();
	test_flags();
	test_malformed();
	test_fields_parsed();
	test_features();
	test_cache();
	return check_done();
}
