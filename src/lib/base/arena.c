/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 16384

struct moat_arena_chunk {
	struct moat_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

void *moat_arena_alloc(struct moat_arena *a, size_t size)
{
	size_t align = _Alignof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
	struct moat_arena_chunk *c = a->head;

	if (!c || c->size - c->used < size) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			abort();
		c->next = a->head;
		c->used = 0;
		c->size = cap;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *moat_arena_strndup(struct moat_arena *a, const char *s, size_t n)
{
	char *p = moat_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *moat_arena_strdup(struct moat_arena *a, const char *s)
{
	return s ? moat_arena_strndup(a, s, strlen(s)) : NULL;
}

char *moat_arena_printf(struct moat_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = moat_arena_alloc(a, (size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

void moat_arena_free(struct moat_arena *a)
{
	struct moat_arena_chunk *c = a->head;

	while (c) {
		struct moat_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}
