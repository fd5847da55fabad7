/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/*
 * The one error type of moat.
 *
 * Fallible functions return 0 (or a non-negative value) on success and -errno
 * on failure, and fill a struct moat_err describing what failed.  Callers add
 * where it happened with moat_err_prefix() as the error travels up; the CLI
 * prints it once: "moat: <msg>".
 *
 * The struct needs no allocation and has a fixed size, so the container's
 * init can send it over the sync socket and the runtime can report exactly
 * which step failed inside the container (see docs/protocol.md).
 */
#define MOAT_ERR_MSG_MAX 1024

struct moat_err {
	int code; /* positive errno, or 0 when the message says it all */
	char msg[MOAT_ERR_MSG_MAX];
};

/* Set *err from errno-style code and a message; returns -code (or -EINVAL
 * when code is 0) so callers can "return moat_err_set(...)". The strerror
 * text of code is appended when code != 0. err may be NULL. */
int moat_err_set(struct moat_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like moat_err_set, without the strerror suffix. */
int moat_err_setx(struct moat_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepend "<context>: " to the message. Returns -err->code (or -EINVAL). */
int moat_err_prefix(struct moat_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void moat_err_clear(struct moat_err *err);
/* The value to return for an already-filled error. */
int moat_err_ret(const struct moat_err *err);
