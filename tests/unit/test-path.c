/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Lexical path cleaning and the container id rule. */
#include <errno.h>
#include <string.h>

#include "base/path.h"
#include "check.h"

static void test_clean(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"", "/"},
	    {"/", "/"},
	    {"//", "/"},
	    {".", "/"},
	    {"..", "/"},
	    {"/..", "/"},
	    {"/../..", "/"},
	    {"a", "/a"},
	    {"a/b", "/a/b"},
	    {"/a/b/", "/a/b"},
	    {"/a//b", "/a/b"},
	    {"/a/./b", "/a/b"},
	    {"/a/b/.", "/a/b"},
	    {"/a/b/..", "/a"},
	    {"/a/../b", "/b"},
	    {"/a/b/../../..", "/"},
	    {"/../etc/passwd", "/etc/passwd"},
	    {"dev/../../proc", "/proc"},
	    {"/a/..b/c", "/a/..b/c"},
	    {"/a/.b/...", "/a/.b/..."},
	    {"///a///b///", "/a/b"},
	};
	struct moat_arena a = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(moat_path_clean(&a, cases[i].in), cases[i].want, "clean \"%s\" is \"%s\"",
			  cases[i].in, cases[i].want);
	CHECK_STR(moat_path_join(&a, "/srv/bundle", "rootfs"), "/srv/bundle/rootfs",
		  "join appends a relative path");
	CHECK_STR(moat_path_join(&a, "/srv/bundle", "../x/./y/"), "/srv/x/y",
		  "join cleans the result");
	moat_arena_free(&a);
}

static void test_is_clean(void)
{
	CHECK(moat_path_is_clean("/"), "\"/\" is clean");
	CHECK(moat_path_is_clean("/a/b"), "\"/a/b\" is clean");
	CHECK(!moat_path_is_clean("a/b"), "a relative path is not clean");
	CHECK(!moat_path_is_clean("/a/"), "a trailing slash is not clean");
	CHECK(!moat_path_is_clean("/a//b"), "\"//\" is not clean");
	CHECK(!moat_path_is_clean("/a/./b"), "\".\" is not clean");
	CHECK(!moat_path_is_clean("/a/../b"), "\"..\" is not clean");
	CHECK(!moat_path_is_clean("/a/."), "a trailing \".\" is not clean");
	CHECK(!moat_path_is_clean("//"), "\"//\" alone is not clean");
	CHECK(moat_path_is_clean("/a/..b/.c"), "names starting with dots are clean");
}

static void test_next(void)
{
	const char *cur = "//a/./bb/../c/", *name;
	const char *want[] = {"a", "bb", "..", "c"};
	size_t len, n = 0;
	int ok = 1;

	while ((len = moat_path_next(&cur, &name)) > 0) {
		ok &= n < 4 && len == strlen(want[n]) && strncmp(name, want[n], len) == 0;
		n++;
	}
	CHECK(ok && n == 4, "components skip \"\" and \".\" and keep \"..\"");
	cur = "/";
	CHECK(moat_path_next(&cur, &name) == 0, "\"/\" has no components");
}

static void test_id(void)
{
	struct moat_err err = {0};
	char long_id[1026];

	CHECK(moat_id_check("abc-DEF_0.9", &err) == 0, "letters, digits, _ . - are allowed");
	CHECK(moat_id_check("a/b", &err) == -EINVAL, "a slash is rejected");
	CHECK_STR(err.msg,
		  "invalid container id \"a/b\": only A-Z a-z 0-9 _ . - allowed, 1 to 1024 "
		  "characters",
		  "the message says what is allowed");
	CHECK(moat_id_check("", &err) < 0, "an empty id is rejected");
	CHECK(moat_id_check(".", &err) < 0, "\".\" is rejected");
	CHECK(moat_id_check("..", &err) < 0, "\"..\" is rejected");
	CHECK_STR(err.msg, "invalid container id \"..\": must not be \".\" or \"..\"",
		  "\"..\" gets its own message");
	CHECK(moat_id_check("a b", &err) < 0, "a space is rejected");
	CHECK(moat_id_check("a\nb", &err) < 0, "a newline is rejected");
	CHECK(strchr(err.msg, '\n') == NULL, "the message stays on one line");
	CHECK(moat_id_check("a+b", &err) < 0, "a plus is rejected");
	memset(long_id, 'x', 1024);
	long_id[1024] = '\0';
	CHECK(moat_id_check(long_id, &err) == 0, "1024 characters are allowed");
	long_id[1024] = 'x';
	long_id[1025] = '\0';
	CHECK(moat_id_check(long_id, &err) < 0, "1025 characters are rejected");
	CHECK(strlen(err.msg) < 200, "a long id is shortened in the message");
}

int main(void)
{
	test_clean();
	test_is_clean();
	test_next();
	test_id();
	return check_done();
}
