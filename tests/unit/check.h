/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * A tiny test harness: each CHECK prints a TAP-like line that reads as a
 * sentence, and main() returns non-zero if any failed.
 *
 *	CHECK(r == 0, "loads a minimal config");
 *	CHECK_STR(err.msg, "process.args: expected ...", "rejects numeric args");
 *	return check_done();
 */
#include <stdio.h>
#include <string.h>

static int check_failed_, check_count_;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		check_count_++;                                                                    \
		if (cond) {                                                                        \
			printf("ok %d - ", check_count_);                                          \
		} else {                                                                           \
			check_failed_++;                                                           \
			printf("not ok %d - %s:%d: ", check_count_, __FILE__, __LINE__);           \
		}                                                                                  \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
	} while (0)

#define CHECK_STR(got, want, ...)                                                                  \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		int ok_ = g_ && w_ && strcmp(g_, w_) == 0;                                         \
		CHECK(ok_, __VA_ARGS__);                                                           \
		if (!ok_)                                                                          \
			printf("#   got:  %s\n#   want: %s\n", g_ ? g_ : "(null)",                   \
			       w_ ? w_ : "(null)");                                                \
	} while (0)

static inline int check_done(void)
{
	printf("1..%d\n# %d passed, %d failed\n", check_count_, check_count_ - check_failed_,
	       check_failed_);
	return check_failed_ ? 1 : 0;
}
