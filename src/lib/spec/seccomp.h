/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * linux.seccomp in validated form (runtime-spec config-linux.md#seccomp).
 *
 * The loader checks every value and converts names to numbers (actions,
 * operators, architectures, flags), so the compiler in src/lib/seccomp/ does
 * no string work beyond resolving syscall names, which depends on the
 * libseccomp and architecture in use and is therefore left to it.  The same
 * struct is what src/lib/seccomp/ writes back as OCI JSON (`moat spec`,
 * profiles learnt with --seccomp-record), so every optional field keeps a
 * has_* flag: a profile read and written again says the same thing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum moat_seccomp_action {
	MOAT_SECCOMP_ACT_KILL,	       /* SCMP_ACT_KILL: kills the thread, as in libseccomp */
	MOAT_SECCOMP_ACT_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
	MOAT_SECCOMP_ACT_KILL_THREAD,  /* SCMP_ACT_KILL_THREAD */
	MOAT_SECCOMP_ACT_TRAP,	       /* SCMP_ACT_TRAP: SIGSYS */
	MOAT_SECCOMP_ACT_ERRNO,	       /* SCMP_ACT_ERRNO: fail with errnoRet (EPERM) */
	MOAT_SECCOMP_ACT_TRACE,	       /* SCMP_ACT_TRACE: ptracer event with errnoRet (EPERM) */
	MOAT_SECCOMP_ACT_ALLOW,	       /* SCMP_ACT_ALLOW */
	MOAT_SECCOMP_ACT_LOG,	       /* SCMP_ACT_LOG: allow and log */
	MOAT_SECCOMP_ACT_NOTIFY,       /* SCMP_ACT_NOTIFY: ask the listener */
	MOAT_SECCOMP_ACT__COUNT,
};

/* Same numbering as libseccomp's enum scmp_compare (checked where compiled). */
enum moat_seccomp_op {
	MOAT_SECCOMP_OP_NE = 1,	   /* arg != value */
	MOAT_SECCOMP_OP_LT,	   /* arg < value */
	MOAT_SECCOMP_OP_LE,	   /* arg <= value */
	MOAT_SECCOMP_OP_EQ,	   /* arg == value */
	MOAT_SECCOMP_OP_GE,	   /* arg >= value */
	MOAT_SECCOMP_OP_GT,	   /* arg > value */
	MOAT_SECCOMP_OP_MASKED_EQ, /* (arg & value) == valueTwo */
};

struct moat_seccomp_arg {
	unsigned index; /* 0..5 */
	uint64_t value;
	uint64_t value_two; /* 0 when absent (runtime-spec default) */
	bool has_value_two;
	enum moat_seccomp_op op;
};

struct moat_seccomp_syscall {
	char **names; /* n_names >= 1, each non-empty; not checked against a syscall table */
	size_t n_names;
	enum moat_seccomp_action action;
	bool has_errno_ret; /* only with ERRNO or TRACE */
	unsigned errno_ret; /* 0..65535 */
	/* All args must match (AND).  When two args name the same index, each
	 * becomes a rule of its own (OR), as runc and crun do, since Docker's
	 * profiles rely on it. */
	struct moat_seccomp_arg *args;
	size_t n_args;
};

struct moat_seccomp {
	enum moat_seccomp_action default_action;
	bool has_default_errno_ret; /* only with ERRNO or TRACE */
	unsigned default_errno_ret;
	/* libseccomp architecture tokens (SCMP_ARCH_*, == AUDIT_ARCH_* except
	 * x32); the native architecture is always included when compiled. */
	uint32_t *architectures;
	size_t n_architectures;
	unsigned long flags;	 /* SECCOMP_FILTER_FLAG_{TSYNC,LOG,SPEC_ALLOW,WAIT_KILLABLE_RECV} */
	char *listener_path;	 /* NULL when absent */
	char *listener_metadata; /* NULL when absent */
	struct moat_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

/* Names <-> values, shared by the loader and the JSON writer.  The *_name
 * functions return NULL for a value outside the table; the *_parse functions
 * return 0 and set *ret, or -EINVAL for an unknown name. */
const char *moat_seccomp_action_name(enum moat_seccomp_action act);
int moat_seccomp_action_parse(const char *name, enum moat_seccomp_action *ret);
const char *moat_seccomp_op_name(enum moat_seccomp_op op);
int moat_seccomp_op_parse(const char *name, enum moat_seccomp_op *ret);
const char *moat_seccomp_arch_name(uint32_t arch);
int moat_seccomp_arch_parse(const char *name, uint32_t *ret);
/* The architectures known, for `moat features`: i < moat_seccomp_arch_count(). */
size_t moat_seccomp_arch_count(void);
uint32_t moat_seccomp_arch_at(size_t i);
/* One SECCOMP_FILTER_FLAG_* bit. */
const char *moat_seccomp_flag_name(unsigned long flag);
int moat_seccomp_flag_parse(const char *name, unsigned long *ret);
/* The flags runtime-spec defines, in the order they are written. */
extern const unsigned long moat_seccomp_known_flags[4];
