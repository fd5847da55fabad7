/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "base/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int err_vset(struct moat_err *err, int code, int with_strerror, const char *fmt, va_list ap)
{
	int ret = code > 0 ? -code : -EINVAL;

	if (!err)
		return ret;
	err->code = code > 0 ? code : 0;
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (n < 0)
		n = 0;
	if (with_strerror && code > 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(code));
	return ret;
}

int moat_err_set(struct moat_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = err_vset(err, code, 1, fmt, ap);
	va_end(ap);
	return r;
}

int moat_err_setx(struct moat_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = err_vset(err, code, 0, fmt, ap);
	va_end(ap);
	return r;
}

int moat_err_prefix(struct moat_err *err, const char *fmt, ...)
{
	char head[256], old[MOAT_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	size_t n = strlen(head);
	if (n > sizeof(err->msg) - 3)
		n = sizeof(err->msg) - 3;
	memcpy(err->msg, head, n);
	memcpy(err->msg + n, ": ", 2);
	size_t room = sizeof(err->msg) - n - 2;
	size_t m = strnlen(old, room - 1);
	memcpy(err->msg + n + 2, old, m);
	err->msg[n + 2 + m] = '\0';
	return moat_err_ret(err);
}

void moat_err_clear(struct moat_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

int moat_err_ret(const struct moat_err *err)
{
	return err && err->code > 0 ? -err->code : -EINVAL;
}
