/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

/*
 * A bump allocator: everything a parsed config holds lives in one arena and is
 * freed at once.  Allocation failure aborts (a runtime that cannot allocate a
 * few KiB cannot do anything useful, and it keeps every caller simple).
 */
struct moat_arena_chunk;

struct moat_arena {
	struct moat_arena_chunk *head;
};

void *moat_arena_alloc(struct moat_arena *a, size_t size);   /* zeroed */
char *moat_arena_strdup(struct moat_arena *a, const char *s);
char *moat_arena_strndup(struct moat_arena *a, const char *s, size_t n);
char *moat_arena_printf(struct moat_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void moat_arena_free(struct moat_arena *a);
