/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct moat_seccomp -> classic BPF, with libseccomp.  Pure apart from a
 * memfd to receive libseccomp's export (2.5 has no export-to-memory).
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp/internal.h"

_Static_assert((int)MOAT_SECCOMP_OP_NE == (int)SCMP_CMP_NE &&
		   (int)MOAT_SECCOMP_OP_MASKED_EQ == (int)SCMP_CMP_MASKED_EQ,
	       "enum moat_seccomp_op follows enum scmp_compare");

uint32_t seccomp_action_value(enum moat_seccomp_action act, bool has_errno, unsigned errno_ret)
{
	unsigned e = has_errno ? errno_ret : EPERM; /* runtime-spec's default */

	switch (act) {
	case MOAT_SECCOMP_ACT_KILL:
	case MOAT_SECCOMP_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case MOAT_SECCOMP_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case MOAT_SECCOMP_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case MOAT_SECCOMP_ACT_ERRNO:
		return SCMP_ACT_ERRNO(e);
	case MOAT_SECCOMP_ACT_TRACE:
		return SCMP_ACT_TRACE(e);
	case MOAT_SECCOMP_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case MOAT_SECCOMP_ACT_LOG:
		return SCMP_ACT_LOG;
	case MOAT_SECCOMP_ACT_NOTIFY:
		return SCMP_ACT_NOTIFY;
	case MOAT_SECCOMP_ACT__COUNT:
		break;
	}
	return SCMP_ACT_KILL_PROCESS;
}

static void skip_name(struct skip_list *skips, const char *name)
{
	moat_buf_add(&skips->names, name, strlen(name) + 1);
	skips->n++;
}

/* True when an earlier arg of the rule compares the same argument: then
 * every arg is a rule of its own (see struct moat_seccomp_syscall). */
static bool args_repeat_index(const struct moat_seccomp_syscall *sc)
{
	for (size_t i = 0; i < sc->n_args; i++)
		for (size_t j = 0; j < i; j++)
			if (sc->args[i].index == sc->args[j].index)
				return true;
	return false;
}

static struct scmp_arg_cmp arg_cmp(const struct moat_seccomp_arg *a)
{
	return (struct scmp_arg_cmp){.arg = a->index,
				     .op = (enum scmp_compare)a->op,
				     .datum_a = a->value,
				     .datum_b = a->value_two};
}

static int add_one_name(scmp_filter_ctx ctx, const struct moat_seccomp_syscall *sc, uint32_t act,
			const char *name, size_t idx, struct skip_list *skips, struct moat_err *err)
{
	struct scmp_arg_cmp cmps[6];
	int nr = seccomp_syscall_resolve_name(name);
	int r = 0;

	if (nr == __NR_SCMP_ERROR) {
		skip_name(skips, name);
		return 0;
	}
	if (sc->n_args > 0 && args_repeat_index(sc)) {
		for (size_t i = 0; i < sc->n_args && r == 0; i++) {
			cmps[0] = arg_cmp(&sc->args[i]);
			r = seccomp_rule_add_array(ctx, act, nr, 1, cmps);
		}
	} else if (sc->n_args <= 6) {
		for (size_t i = 0; i < sc->n_args; i++)
			cmps[i] = arg_cmp(&sc->args[i]);
		r = seccomp_rule_add_array(ctx, act, nr, (unsigned)sc->n_args, cmps);
	} else {
		r = -E2BIG; /* six distinct indexes at most, or it repeats one */
	}
	/* A name libseccomp knows but none of the filter's architectures has
	 * (a pseudo syscall number) is as unknown as a misspelt one. */
	if (r == -EDOM || (r < 0 && nr < 0)) {
		skip_name(skips, name);
		return 0;
	}
	if (r < 0)
		return moat_err_setx(err, -r, "linux.seccomp.syscalls[%zu]: %s: libseccomp: %s",
				     idx, name, strerror(-r));
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct moat_seccomp *s, uint32_t def,
		     struct skip_list *skips, struct moat_err *err)
{
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct moat_seccomp_syscall *sc = &s->syscalls[i];
		uint32_t act = seccomp_action_value(sc->action, sc->has_errno_ret, sc->errno_ret);

		/* libseccomp refuses a rule that repeats the default action;
		 * such a rule changes nothing, so it is dropped, as runc does. */
		if (act == def)
			continue;
		for (size_t j = 0; j < sc->n_names; j++) {
			int r = add_one_name(ctx, sc, act, sc->names[j], i, skips, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct moat_seccomp *s, struct moat_err *err)
{
	for (size_t i = 0; i < s->n_architectures; i++) {
		int r = seccomp_arch_add(ctx, s->architectures[i]);
		if (r < 0 && r != -EEXIST)
			return moat_err_setx(
			    err, -r, "linux.seccomp.architectures[%zu]: %s: libseccomp: %s", i,
			    moat_seccomp_arch_name(s->architectures[i]), strerror(-r));
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, struct sock_filter **ret_insns, size_t *ret_n,
		      struct moat_err *err)
{
	struct stat st;
	int fd = memfd_create("moat-seccomp", MFD_CLOEXEC);

	if (fd < 0)
		return moat_err_set(err, errno, "seccomp: memfd_create");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0) {
		moat_err_setx(err, -r, "seccomp: libseccomp export: %s", strerror(-r));
		goto out_close;
	}
	if (fstat(fd, &st) < 0) {
		r = moat_err_set(err, errno, "seccomp: fstat memfd");
		goto out_close;
	}
	size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
	/* BPF_MAXINSNS: the kernel's limit for one program */
	if (n == 0 || n > BPF_MAXINSNS || (size_t)st.st_size % sizeof(struct sock_filter)) {
		r = moat_err_setx(err, E2BIG,
				  "seccomp: the compiled filter has %zu instructions (max %d)", n,
				  BPF_MAXINSNS);
		goto out_close;
	}
	struct sock_filter *insns = malloc((size_t)st.st_size);
	if (!insns)
		abort();
	if (pread(fd, insns, (size_t)st.st_size, 0) != st.st_size) {
		free(insns);
		r = moat_err_set(err, EIO, "seccomp: read the compiled filter");
		goto out_close;
	}
	*ret_insns = insns;
	*ret_n = n;
	r = 0;
out_close:
	close(fd);
	return r;
}

/* Highest number, on arch, of a syscall the profile names; -1 if none. */
static int max_named_nr(const struct moat_seccomp *s, uint32_t arch)
{
	int max = -1;

	for (size_t i = 0; i < s->n_syscalls; i++)
		for (size_t j = 0; j < s->syscalls[i].n_names; j++) {
			int nr = seccomp_syscall_resolve_name_arch(arch, s->syscalls[i].names[j]);
			if (nr > max)
				max = nr;
		}
	return max;
}

#define STUB_MAX_ARCHES 8
#define X32_SYSCALL_BIT 0x40000000u

/*
 * With defaultAction SCMP_ACT_ERRNO, a syscall newer than any the profile
 * names fails with ENOSYS instead of the profile's errno: the profile's
 * author cannot have meant to deny a syscall that did not exist yet, and
 * ENOSYS is what makes libc fall back to the older call (glibc tries
 * clone3, fchmodat2, ... first, and gives up on EPERM).  runc does the
 * same.  Prepended to libseccomp's program:
 *
 *	ld arch; jeq ARCH_i -> block_i ...; ja prog
 *	block_i: ld nr; [x86_64: jge X32 bit -> prog]; jgt MAX_i -> enosys, prog
 *	enosys: ret ERRNO(ENOSYS)
 *	prog: (libseccomp's program)
 */
static int enosys_stub(const struct moat_seccomp *s, struct sock_filter *out)
{
	uint32_t arches[STUB_MAX_ARCHES];
	int max[STUB_MAX_ARCHES];
	size_t k = 0;

	arches[0] = seccomp_arch_native();
	for (size_t i = 0; i <= s->n_architectures && k < STUB_MAX_ARCHES; i++) {
		uint32_t arch = i == 0 ? arches[0] : s->architectures[i - 1];
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup = dup || arches[j] == arch;
		/* x32 shares AUDIT_ARCH_X86_64 with x86_64: handled in its block */
		if (dup || arch == SCMP_ARCH_X32)
			continue;
		int m = max_named_nr(s, arch);
		if (m < 0)
			continue;
		arches[k] = arch;
		max[k++] = m;
	}
	if (k == 0)
		return 0;

	size_t block_start = k + 2, pos = 0;
	size_t block_len[STUB_MAX_ARCHES], enosys = block_start;
	for (size_t i = 0; i < k; i++) {
		block_len[i] = arches[i] == SCMP_ARCH_X86_64 ? 3 : 2;
		enosys += block_len[i];
	}
	size_t prog = enosys + 1;

	out[pos++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4); /* arch */
	for (size_t i = 0, b = block_start; i < k; b += block_len[i], i++, pos++)
		out[pos] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arches[i],
							(uint8_t)(b - pos - 1), 0);
	out[pos] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, (uint32_t)(prog - pos - 1));
	pos++;
	for (size_t i = 0; i < k; i++) {
		out[pos++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0); /* nr */
		if (arches[i] == SCMP_ARCH_X86_64) {
			out[pos] =
			    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT,
							 (uint8_t)(prog - pos - 1), 0);
			pos++;
		}
		out[pos] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max[i],
							(uint8_t)(enosys - pos - 1),
							(uint8_t)(prog - pos - 1));
		pos++;
	}
	out[pos++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	return (int)pos;
}

/* Prepend the ENOSYS stub to *insns when the profile wants it. */
static int add_enosys_stub(const struct moat_seccomp *s, struct sock_filter **insns, size_t *n,
			   struct moat_err *err)
{
	struct sock_filter stub[4 + 4 * STUB_MAX_ARCHES];

	if (s->default_action != MOAT_SECCOMP_ACT_ERRNO)
		return 0;
	int m = enosys_stub(s, stub);
	if (m == 0)
		return 0;
	if (*n + (size_t)m > BPF_MAXINSNS)
		return moat_err_setx(err, E2BIG,
				     "seccomp: the compiled filter has %zu instructions (max %d)",
				     *n + (size_t)m, BPF_MAXINSNS);
	struct sock_filter *all = malloc((*n + (size_t)m) * sizeof(*all));
	if (!all)
		abort();
	memcpy(all, stub, (size_t)m * sizeof(*all));
	memcpy(all + m, *insns, *n * sizeof(*all));
	free(*insns);
	*insns = all;
	*n += (size_t)m;
	return 0;
}

int seccomp_compile(const struct moat_seccomp *s, struct sock_filter **ret_insns, size_t *ret_n,
		    struct skip_list *skips, struct moat_err *err)
{
	uint32_t def =
	    seccomp_action_value(s->default_action, s->has_default_errno_ret, s->default_errno_ret);
	scmp_filter_ctx ctx = seccomp_init(def);
	int r;

	if (!ctx)
		return moat_err_setx(err, EINVAL,
				     "linux.seccomp.defaultAction: libseccomp refuses %s here",
				     moat_seccomp_action_name(s->default_action));
	/* Syscalls of an architecture the profile does not list: libseccomp
	 * would kill the thread only, leaving a half-dead process.  Neither
	 * may fall through to an ALLOW default (32-bit syscalls would bypass
	 * a denylist written for the native numbers). */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* A binary tree of syscall numbers: a large allowlist then costs each
	 * syscall ~10 comparisons instead of hundreds. */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0) {
		moat_err_setx(err, -r, "seccomp: libseccomp attributes: %s", strerror(-r));
		goto out;
	}
	if ((r = add_arches(ctx, s, err)) < 0)
		goto out;
	if ((r = add_rules(ctx, s, def, skips, err)) < 0)
		goto out;
	if ((r = export_bpf(ctx, ret_insns, ret_n, err)) < 0)
		goto out;
	if ((r = add_enosys_stub(s, ret_insns, ret_n, err)) < 0) {
		free(*ret_insns);
		*ret_insns = NULL;
	}
out:
	seccomp_release(ctx);
	return r;
}
