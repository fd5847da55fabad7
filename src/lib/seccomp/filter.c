/* SPDX-License-Identifier: GPL-2.0-or-later */
/* moat_seccomp_prepare(): profile -> filter object, through the cache. */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp/internal.h"

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

void seccomp_filter_index(struct moat_seccomp_filter *f)
{
	const struct cache_header *h = f->storage;
	char *p = (char *)f->storage + sizeof(*h) + pad8(h->key_len);

	f->prog.len = (unsigned short)h->n_insns;
	f->prog.filter = (struct sock_filter *)(void *)p;
	p += (size_t)h->n_insns * sizeof(struct sock_filter);

	f->n_skipped = 0;
	for (uint32_t i = 0; i < h->skipped_len; i++)
		f->n_skipped += p[i] == '\0';
	f->skipped = calloc(f->n_skipped + 1, sizeof(*f->skipped));
	if (!f->skipped)
		abort();
	for (size_t i = 0; i < f->n_skipped; i++) {
		f->skipped[i] = p;
		p += strlen(p) + 1;
	}
}

struct moat_seccomp_filter *seccomp_filter_build(const char *key, size_t key_len,
						 const struct sock_filter *insns, size_t n_insns,
						 const char *skipped, size_t skipped_len,
						 size_t n_skipped)
{
	struct moat_seccomp_filter *f = calloc(1, sizeof(*f));
	size_t insns_len = n_insns * sizeof(*insns);
	size_t size = sizeof(struct cache_header) + pad8(key_len) + insns_len + skipped_len;
	char *p = calloc(1, size);

	(void)n_skipped; /* counted again from the NULs by seccomp_filter_index */
	if (!f || !p)
		abort();
	struct cache_header *h = (struct cache_header *)(void *)p;
	memcpy(h->magic, "MOATBPF1", 8);
	h->key_len = (uint32_t)key_len;
	h->n_insns = (uint32_t)n_insns;
	h->skipped_len = (uint32_t)skipped_len;
	p += sizeof(*h);
	memcpy(p, key, key_len);
	p += pad8(key_len);
	memcpy(p, insns, insns_len);
	p += insns_len;
	if (skipped_len)
		memcpy(p, skipped, skipped_len);
	f->storage = h;
	seccomp_filter_index(f);
	return f;
}

void moat_seccomp_filter_free(struct moat_seccomp_filter *f)
{
	if (!f)
		return;
	free(f->skipped);
	free(f->storage);
	free(f);
}

const struct sock_fprog *moat_seccomp_filter_prog(const struct moat_seccomp_filter *f)
{
	return &f->prog;
}

bool moat_seccomp_filter_uses_notify(const struct moat_seccomp_filter *f)
{
	return f->notify;
}

bool moat_seccomp_filter_cached(const struct moat_seccomp_filter *f)
{
	return f->cached;
}

size_t moat_seccomp_filter_skipped(const struct moat_seccomp_filter *f,
				   const char *const **ret_names)
{
	if (ret_names)
		*ret_names = f->skipped;
	return f->n_skipped;
}

static bool profile_uses_notify(const struct moat_seccomp *s)
{
	if (s->default_action == MOAT_SECCOMP_ACT_NOTIFY)
		return true;
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action == MOAT_SECCOMP_ACT_NOTIFY)
			return true;
	return false;
}

/* Does the kernel know this filter flag?  seccomp() checks the flags before
 * it reads the program, so a NULL program answers EFAULT when they are fine
 * and EINVAL when not (libseccomp probes the same way). */
bool seccomp_flag_supported(unsigned long flag)
{
	unsigned long probe = flag;

	if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		probe |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	return !(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, probe, NULL) < 0 && errno == EINVAL);
}

static int check_flags(unsigned long kflags, struct moat_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(moat_seccomp_known_flags); i++) {
		unsigned long flag = moat_seccomp_known_flags[i];
		if ((kflags & flag) && !seccomp_flag_supported(flag))
			return moat_err_setx(
			    err, EINVAL, "linux.seccomp.flags: %s is not supported by this kernel",
			    moat_seccomp_flag_name(flag));
	}
	return 0;
}

static int compile_to_filter(const struct moat_seccomp *s, const struct moat_buf *key,
			     struct moat_seccomp_filter **ret, struct moat_err *err)
{
	struct skip_list skips = {0};
	struct sock_filter *insns = NULL;
	size_t n = 0;
	int r = seccomp_compile(s, &insns, &n, &skips, err);

	if (r == 0)
		*ret = seccomp_filter_build(key->data, key->len, insns, n, skips.names.data,
					    skips.names.len, skips.n);
	free(insns);
	moat_buf_free(&skips.names);
	return r;
}

int moat_seccomp_prepare(const struct moat_seccomp *profile, const char *cache_dir,
			 struct moat_seccomp_filter **ret, struct moat_err *err)
{
	struct moat_seccomp_filter *f = NULL;
	struct moat_buf key = {0};
	bool notify = profile_uses_notify(profile);
	/* TSYNC: the init is single-threaded, and the kernel refuses TSYNC
	 * with NEW_LISTENER.  WAIT_KILLABLE_RECV only changes how a listener's
	 * targets wait; the kernel refuses it without one. */
	unsigned long kflags = profile->flags & ~SECCOMP_FILTER_FLAG_TSYNC;
	int r;

	if ((r = check_flags(kflags, err)) < 0)
		return r;
	if (!notify)
		kflags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	else
		kflags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;

	seccomp_cache_key(profile, &key);
	if (cache_dir)
		f = seccomp_cache_load(cache_dir, &key);
	if (!f) {
		r = compile_to_filter(profile, &key, &f, err);
		if (r == 0 && cache_dir)
			seccomp_cache_store(cache_dir, f);
	}
	moat_buf_free(&key);
	if (r < 0)
		return r;
	f->kernel_flags = kflags;
	f->notify = notify;
	*ret = f;
	return 0;
}
