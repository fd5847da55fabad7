/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* Shared by the files of src/lib/seccomp/ only. */
#include "seccomp/seccomp.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A compiled filter.  Everything lives in one malloc'd block (storage), laid
 * out like a cache file, so a cache hit is one read() and no copying:
 *   struct cache_header | key | insns | skipped names (NUL-separated)
 */
struct moat_seccomp_filter {
	struct sock_fprog prog;
	unsigned long kernel_flags; /* SECCOMP_FILTER_FLAG_* to install with */
	bool notify;
	bool cached;
	size_t n_skipped;
	const char **skipped;
	void *storage;
};

struct cache_header {
	char magic[8];
	uint32_t key_len; /* padded to 8 in the file */
	uint32_t n_insns;
	uint32_t skipped_len; /* bytes of NUL-separated names */
	uint32_t reserved;
};

/* The list of skipped names while compiling. */
struct skip_list {
	struct moat_buf names; /* NUL-separated */
	size_t n;
};

/* compile.c: profile -> insns (malloc'd).  Skipped names go to skips. */
int seccomp_compile(const struct moat_seccomp *s, struct sock_filter **ret_insns, size_t *ret_n,
		    struct skip_list *skips, struct moat_err *err);
/* The kernel's SECCOMP_RET_* value of an action. */
uint32_t seccomp_action_value(enum moat_seccomp_action act, bool has_errno, unsigned errno_ret);

/* filter.c: build a filter object from its parts (copies them). */
struct moat_seccomp_filter *seccomp_filter_build(const char *key, size_t key_len,
						 const struct sock_filter *insns, size_t n_insns,
						 const char *skipped, size_t skipped_len,
						 size_t n_skipped);
/* Fill prog/skipped pointers of f from f->storage (checked by the caller). */
void seccomp_filter_index(struct moat_seccomp_filter *f);

/* filter.c: probe the kernel for one SECCOMP_FILTER_FLAG_* */
bool seccomp_flag_supported(unsigned long flag);

/* cache.c */
void seccomp_cache_key(const struct moat_seccomp *s, struct moat_buf *key);
/* Returns a filter or NULL (miss, or any file that fails a check). */
struct moat_seccomp_filter *seccomp_cache_load(const char *dir, const struct moat_buf *key);
/* Best effort. */
void seccomp_cache_store(const char *dir, const struct moat_seccomp_filter *f);

/* default.c: call fn for every syscall name the default profile's tables
 * name, whatever the capabilities and architectures (for the unit test
 * that checks libseccomp knows them all). */
void seccomp_default_each_name(void (*fn)(const char *name, void *data), void *data);
