/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup v2 device access: the rule list compiled into an eBPF
 * BPF_PROG_TYPE_CGROUP_DEVICE program, loaded and attached with the raw
 * bpf(2) syscall (no libbpf: the program is a few dozen instructions).
 *
 * The kernel calls the program with struct bpf_cgroup_dev_ctx
 *	u32 access_type  (access << 16) | type   (BPF_DEVCG_ACC_*, BPF_DEVCG_DEV_*)
 *	u32 major, minor
 * and allows the access when it returns 1.
 *
 * Semantics (also used by the evaluator that tests it): the last rule that
 * matches a request decides.  A rule matches when its type is 'a' or the
 * request's, its major/minor are wildcards or equal, and for an allow rule
 * the requested access is within the rule's, for a deny rule it overlaps
 * it.  This is what v1's devices controller does for the rule sequences
 * containers use, except that v1 cannot punch a hole into a wildcard
 * exception (v1 keeps "c *:* rwm" after "deny c 1:3"); here the deny wins.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/internal.h"

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static unsigned bpf_access(unsigned a)
{
	return ((a & MOAT_DEV_READ) ? BPF_DEVCG_ACC_READ : 0) |
	       ((a & MOAT_DEV_WRITE) ? BPF_DEVCG_ACC_WRITE : 0) |
	       ((a & MOAT_DEV_MKNOD) ? BPF_DEVCG_ACC_MKNOD : 0);
}

static bool matches_all(const struct moat_dev_rule *r)
{
	return r->type == 'a' && r->major < 0 && r->minor < 0 && r->access == MOAT_DEV_ALL;
}

/* Emit one rule's block at out (NULL: just count). Registers after the
 * prologue: r2 type, r3 access, r4 major, r5 minor; r1 is scratch. */
static size_t emit_rule(const struct moat_dev_rule *r, struct bpf_insn *out)
{
	bool acc = r->access != MOAT_DEV_ALL;
	size_t len = (r->type != 'a') + (acc ? 3 : 0) + (r->major >= 0) + (r->minor >= 0) + 2;
	size_t j = 0;

	if (!out)
		return len;
		/* jump to the next block: offset from the instruction after j */
#define NEXT ((short)(len - j - 1))
	if (r->type != 'a') {
		int t = r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
		out[j] = INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_2, 0, NEXT, t);
		j++;
	}
	if (acc) {
		out[j++] = INSN(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
		out[j++] =
		    INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int)bpf_access(r->access));
		if (r->allow) /* requested access within the rule's: (a & rule) == a */
			out[j] = INSN(BPF_JMP32 | BPF_JNE | BPF_X, BPF_REG_1, BPF_REG_3, NEXT, 0);
		else /* any overlap */
			out[j] = INSN(BPF_JMP32 | BPF_JEQ | BPF_K, BPF_REG_1, 0, NEXT, 0);
		j++;
	}
	if (r->major >= 0) {
		out[j] =
		    INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_4, 0, NEXT, (int)(uint32_t)r->major);
		j++;
	}
	if (r->minor >= 0) {
		out[j] =
		    INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_5, 0, NEXT, (int)(uint32_t)r->minor);
		j++;
	}
#undef NEXT
	out[j++] = INSN(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
	out[j++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return j;
}

int cg_bpf_compile(const struct cg_dev_rules *rules, struct bpf_insn **ret)
{
	static const struct bpf_insn prologue[] = {
	    INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0),
	    INSN(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff),
	    INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0),
	    INSN(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16),
	    INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0),
	    INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0),
	};
	const size_t np = sizeof(prologue) / sizeof(prologue[0]);
	size_t n = np + 2, first = 0;
	bool catch_all = false;

	/* Last match wins, so blocks go from the last rule backwards, and a
	 * rule matching everything makes every earlier one unreachable (the
	 * verifier refuses unreachable instructions, so they must go). */
	for (size_t i = rules->n; i-- > 0;) {
		n += emit_rule(&rules->r[i], NULL);
		if (matches_all(&rules->r[i])) {
			first = i;
			catch_all = true;
			break;
		}
	}
	struct bpf_insn *p = calloc(n, sizeof(*p));
	if (!p)
		abort();
	memcpy(p, prologue, sizeof(prologue));
	size_t k = np;
	for (size_t i = rules->n; i-- > first;)
		k += emit_rule(&rules->r[i], p + k);
	if (!catch_all) { /* no rule matched: deny */
		p[k++] = INSN(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
		p[k++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	*ret = p;
	return (int)k;
}

int cg_bpf_eval(const struct bpf_insn *insns, size_t n, char type, uint32_t major, uint32_t minor,
		unsigned access)
{
	uint32_t ctx[3] = {(bpf_access(access) << 16) |
			       (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
			   major, minor};
	uint64_t reg[11] = {0};
	size_t pc = 0;

	for (unsigned steps = 0; pc < n && steps < 100000; steps++) {
		const struct bpf_insn *in = &insns[pc++];
		uint64_t src =
		    BPF_SRC(in->code) == BPF_X ? reg[in->src_reg] : (uint64_t)(int64_t)in->imm;
		uint64_t *dst = &reg[in->dst_reg];

		switch (in->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			/* the only pointer is r1 = ctx, and only at the start */
			if (in->src_reg != BPF_REG_1 || in->off < 0 || in->off > 8 || in->off % 4)
				return -1;
			*dst = ctx[in->off / 4];
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
		case BPF_ALU | BPF_MOV | BPF_K:
			*dst = (uint32_t)src;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			*dst = (uint32_t)(*dst & src);
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			*dst = (uint32_t)*dst >> (src & 31);
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
		case BPF_JMP32 | BPF_JNE | BPF_X:
			if ((uint32_t)*dst != (uint32_t)src)
				pc += (size_t)(ptrdiff_t)in->off;
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
			if ((uint32_t)*dst == (uint32_t)src)
				pc += (size_t)(ptrdiff_t)in->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)reg[0];
		default:
			return -1;
		}
	}
	return -1;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	long r = syscall(SYS_bpf, cmd, attr, sizeof(*attr));
	return r < 0 ? -errno : (int)r;
}

/* Programs attached directly to the cgroup (not inherited). */
static int query_attached(int dirfd, uint32_t *ids, uint32_t *n)
{
	union bpf_attr attr = {0};

	attr.query.target_fd = (uint32_t)dirfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = *n;
	int r = sys_bpf(BPF_PROG_QUERY, &attr);
	*n = r < 0 ? 0 : attr.query.prog_cnt;
	return r;
}

static void detach_id(int dirfd, uint32_t id)
{
	union bpf_attr attr = {0};

	attr.prog_id = id;
	int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dirfd;
	attr.attach_bpf_fd = (uint32_t)fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	sys_bpf(BPF_PROG_DETACH, &attr);
	close(fd);
}

int cg_bpf_attach(int dirfd, const struct cg_dev_rules *rules, struct moat_err *err)
{
	struct bpf_insn *insns;
	int n = cg_bpf_compile(rules, &insns);
	static char vlog[4096];
	union bpf_attr attr = {0};
	uint32_t old[64], n_old = 64;

	query_attached(dirfd, old, &n_old);

	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	int prog = sys_bpf(BPF_PROG_LOAD, &attr);
	vlog[0] = 0;
	if (prog < 0 && prog != -EPERM) {
		/* again with the verifier's log, only to say why (a full log
		 * buffer fails with ENOSPC: the first error is the one) */
		attr.log_buf = (uint64_t)(uintptr_t)vlog;
		attr.log_size = sizeof(vlog);
		attr.log_level = 1;
		int again = sys_bpf(BPF_PROG_LOAD, &attr);
		if (again >= 0)
			close(again);
	}
	free(insns);
	if (prog < 0)
		return moat_err_set(err, -prog,
				    "linux.resources.devices: load eBPF device filter%s%.200s",
				    vlog[0] ? ": " : "", vlog);

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dirfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	int r = sys_bpf(BPF_PROG_ATTACH, &attr);
	/* the attachment holds the program; our fd is not needed */
	close(prog);
	if (r < 0)
		return moat_err_set(err, -r, "linux.resources.devices: attach eBPF device filter");
	/* only now drop the old filters: never a moment without one */
	for (uint32_t i = 0; i < n_old; i++)
		detach_id(dirfd, old[i]);
	return 0;
}
