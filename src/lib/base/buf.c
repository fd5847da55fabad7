/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void buf_reserve(struct moat_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p)
		abort();
	b->data = p;
	b->cap = cap;
}

void moat_buf_add(struct moat_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void moat_buf_puts(struct moat_buf *b, const char *s)
{
	moat_buf_add(b, s, strlen(s));
}

void moat_buf_printf(struct moat_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void moat_buf_free(struct moat_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void moat_json_str(struct moat_buf *b, const char *s)
{
	if (!s) {
		moat_buf_puts(b, "null");
		return;
	}
	moat_buf_add(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			moat_buf_add(b, "\\\"", 2);
			break;
		case '\\':
			moat_buf_add(b, "\\\\", 2);
			break;
		case '\n':
			moat_buf_add(b, "\\n", 2);
			break;
		case '\t':
			moat_buf_add(b, "\\t", 2);
			break;
		case '\r':
			moat_buf_add(b, "\\r", 2);
			break;
		default:
			if (*p < 0x20)
				moat_buf_printf(b, "\\u%04x", *p);
			else
				moat_buf_add(b, (const char *)p, 1);
		}
	}
	moat_buf_add(b, "\"", 1);
}

void moat_json_key(struct moat_buf *b, const char *key)
{
	moat_json_str(b, key);
	moat_buf_add(b, ":", 1);
}
