/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup v2 device filter compiler: the generated eBPF is run in a small
 * evaluator and compared with the rule semantics written out plainly, on
 * the rule lists containers use and on thousands of random ones.  As root,
 * the kernel's verifier must also accept each program.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "check.h"

/* The semantics, plainly: the last matching rule decides; none denies. */
static bool rule_matches(const struct moat_dev_rule *r, char type, uint32_t maj, uint32_t min,
			 unsigned acc)
{
	if (r->type != 'a' && r->type != type)
		return false;
	if ((r->major >= 0 && (uint32_t)r->major != maj) ||
	    (r->minor >= 0 && (uint32_t)r->minor != min))
		return false;
	return r->allow ? (acc & ~r->access) == 0 : (acc & r->access) != 0;
}

static int reference(const struct cg_dev_rules *rules, char type, uint32_t maj, uint32_t min,
		     unsigned acc)
{
	for (size_t i = rules->n; i-- > 0;)
		if (rule_matches(&rules->r[i], type, maj, min, acc))
			return rules->r[i].allow;
	return 0;
}

static int run(const struct cg_dev_rules *rules, char type, uint32_t maj, uint32_t min,
	       unsigned acc)
{
	struct bpf_insn *p;
	int n = cg_bpf_compile(rules, &p);
	int r = cg_bpf_eval(p, (size_t)n, type, maj, min, acc);

	free(p);
	return r;
}

static const unsigned R = MOAT_DEV_READ, W = MOAT_DEV_WRITE, M = MOAT_DEV_MKNOD;

static void test_container_defaults(void)
{
	struct moat_arena a = {0};
	struct cg_dev_rules rules;
	struct moat_device fuse = {.path = "/dev/fuse", .type = 'c', .major = 10, .minor = 229};

	cg_dev_rules_build(NULL, &fuse, 1, &a, &rules);
	CHECK(run(&rules, 'c', 1, 3, R | W) == 1, "/dev/null rw allowed");
	CHECK(run(&rules, 'c', 1, 9, R) == 1, "/dev/urandom r allowed");
	CHECK(run(&rules, 'c', 136, 7, R | W) == 1, "a pts allowed");
	CHECK(run(&rules, 'c', 10, 229, R | W) == 1, "a linux.devices entry allowed");
	CHECK(run(&rules, 'b', 8, 0, R) == 0, "block device read denied");
	CHECK(run(&rules, 'b', 8, 0, M) == 0, "block device mknod denied (runc allows it, moat not)");
	CHECK(run(&rules, 'c', 10, 200, M) == 1 && run(&rules, 'c', 10, 200, R) == 0,
	      "char device mknod allowed, its open not");
	CHECK(run(&rules, 'c', 4, 1, W) == 0, "a tty char device write denied");

	/* the spec's example, then a hole and a narrowing */
	struct moat_dev_rule spec[] = {
	    {.allow = false, .type = 'a', .major = -1, .minor = -1, .access = R | W | M},
	    {.allow = true, .type = 'c', .major = 10, .minor = 229, .access = R | W},
	    {.allow = true, .type = 'b', .major = 8, .minor = 0, .access = R},
	    {.allow = true, .type = 'c', .major = 1, .minor = -1, .access = R | W | M},
	    {.allow = false, .type = 'c', .major = 1, .minor = 5, .access = W},
	};
	struct cg_dev_rules s = {spec, 5};
	CHECK(run(&s, 'c', 10, 229, R | W) == 1 && run(&s, 'c', 10, 229, M) == 0,
	      "c 10:229 rw but not m");
	CHECK(run(&s, 'b', 8, 0, R) == 1 && run(&s, 'b', 8, 0, R | W) == 0, "b 8:0 r only");
	CHECK(run(&s, 'c', 1, 5, R) == 1 && run(&s, 'c', 1, 5, R | W) == 0 &&
		  run(&s, 'c', 1, 3, W) == 1,
	      "a later deny narrows a wildcard allow (last match wins)");
	struct cg_dev_rules allow_all = {
	    (struct moat_dev_rule[]){
		{.allow = true, .type = 'a', .major = -1, .minor = -1, .access = R | W | M}},
	    1};
	CHECK(run(&allow_all, 'b', 259, 3, R | W | M) == 1, "allow all");
	struct cg_dev_rules none = {NULL, 0};
	CHECK(run(&none, 'c', 1, 3, R) == 0, "no rule: deny");

	struct bpf_insn *p;
	int n = cg_bpf_compile(&rules, &p);
	struct cg_dev_rules one = {rules.r, 1};
	struct bpf_insn *q;
	int m = cg_bpf_compile(&one, &q);
	CHECK(n > 0 && n < 100 && m == 8,
	      "rules before a deny-all are dropped; the defaults fit in %d instructions", n);
	free(p);
	free(q);
	moat_arena_free(&a);
}

static void test_random(void)
{
	struct moat_dev_rule r[8];
	const char types[] = "acb";
	unsigned bad = 0, checked = 0, unknown = 0;

	srand(42);
	for (int round = 0; round < 3000; round++) {
		size_t n = (size_t)(rand() % 9);
		for (size_t i = 0; i < n; i++)
			r[i] = (struct moat_dev_rule){.allow = rand() % 2,
						      .type = types[rand() % 3],
						      .major = rand() % 4 - 1,
						      .minor = rand() % 4 - 1,
						      .access = (unsigned)(rand() % 7 + 1)};
		struct cg_dev_rules rules = {r, n};
		struct bpf_insn *p;
		int len = cg_bpf_compile(&rules, &p);
		for (int t = 0; t < 2; t++)
			for (uint32_t maj = 0; maj < 3; maj++)
				for (uint32_t min = 0; min < 3; min++)
					for (unsigned acc = 1; acc < 8; acc++) {
						char type = t ? 'b' : 'c';
						int got = cg_bpf_eval(p, (size_t)len, type, maj,
								      min, acc);
						unknown += got < 0;
						bad +=
						    got != reference(&rules, type, maj, min, acc);
						checked++;
					}
		free(p);
	}
	CHECK(unknown == 0, "every generated instruction is one the evaluator knows");
	CHECK(bad == 0,
	      "program == rule semantics on %u requests over 3000 random rule lists (%u differ)",
	      checked, bad);
}

/* The kernel's verifier must accept what we generate (root only). */
static void test_verifier(void)
{
	struct moat_arena a = {0};
	struct cg_dev_rules rules;
	struct bpf_insn *p;
	char log[4096] = "";

	cg_dev_rules_build(NULL, NULL, 0, &a, &rules);
	int n = cg_bpf_compile(&rules, &p);
	union bpf_attr attr = {0};
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)p;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	long fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	int e = errno;
	if (fd < 0 && e != EPERM && e != ENOSYS) {
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	}
	errno = e;
	if (fd < 0 && (errno == EPERM || errno == ENOSYS)) {
		printf("# skipped: the verifier check needs CAP_BPF (%s)\n", strerror(errno));
	} else {
		CHECK(fd >= 0, "the kernel's verifier accepts the program (%s%s)",
		      fd < 0 ? strerror(errno) : "ok", fd < 0 ? log : "");
		if (fd >= 0)
			close((int)fd);
	}
	free(p);
	moat_arena_free(&a);
}

int main(void)
{
	test_container_defaults();
	test_random();
	test_verifier();
	return check_done();
}
