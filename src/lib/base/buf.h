/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * A growable byte buffer, and JSON *output* on top of it (state, list,
 * features, spec).  JSON input is parsed only by src/lib/spec.
 */
#include <stdbool.h>
#include <stddef.h>

struct moat_buf {
	char *data; /* always NUL-terminated once anything was appended */
	size_t len, cap;
};

void moat_buf_add(struct moat_buf *b, const char *s, size_t n);
void moat_buf_puts(struct moat_buf *b, const char *s);
void moat_buf_printf(struct moat_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void moat_buf_free(struct moat_buf *b);

/* Append s as a JSON string literal (quoted, escaped); NULL becomes null. */
void moat_json_str(struct moat_buf *b, const char *s);
/* Append "key": with the right escaping. */
void moat_json_key(struct moat_buf *b, const char *key);
