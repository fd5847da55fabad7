/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state file format and the OCI state JSON. */
#include <string.h>

#include "check.h"
#include "state.h"

static void test_roundtrip(void)
{
	struct moat_arena a = { 0 };
	char *keys[] = { "org.example/key", "multi\nline" };
	char *vals[] = { "value with = sign", "back\\slash" };
	struct moat_state st = { .id = "c1", .pid = 4242, .start_time = 123456789ULL,
				 .bundle = "/srv/b", .rootfs = "/srv/b/rootfs",
				 .created = "2026-11-22T20:00:00.000000001Z", .owner = "",
				 .annot_keys = keys, .annot_values = vals, .n_annotations = 2 };
	struct moat_buf b = { 0 };
	struct moat_state back = { 0 };
	struct moat_err err = { 0 };

	state_format(&st, &b);
	int r = state_parse(b.data, &a, &back, &err);
	CHECK(r == 0, "a formatted state parses back");
	CHECK(back.pid == 4242 && back.start_time == 123456789ULL, "pid and start time survive");
	CHECK_STR(back.bundle, "/srv/b", "bundle survives");
	CHECK(back.n_annotations == 2, "both annotations survive");
	CHECK_STR(back.annot_keys[1], "multi\nline", "a newline in a key survives");
	CHECK_STR(back.annot_values[1], "back\\slash", "a backslash in a value survives");
	CHECK_STR(back.annot_values[0], "value with = sign", "an = in a value survives");
	moat_buf_free(&b);
	moat_arena_free(&a);
}

static void test_reject(void)
{
	struct moat_arena a = { 0 };
	struct moat_state st = { 0 };
	struct moat_err err = { 0 };

	CHECK(state_parse("pid=1\nno equals sign\n", &a, &st, &err) < 0,
	      "a line without '=' is rejected");
	memset(&st, 0, sizeof(st));
	CHECK(state_parse("annotation_key=k\n", &a, &st, &err) < 0,
	      "an annotation key without a value is rejected");
	moat_arena_free(&a);
}

static void test_json(void)
{
	char *keys[] = { "k\"q" };
	char *vals[] = { "v" };
	struct moat_state st = { .id = "c1", .pid = 7, .status = MOAT_STATUS_RUNNING,
				 .bundle = "/b", .annot_keys = keys, .annot_values = vals,
				 .n_annotations = 1 };
	struct moat_buf b = { 0 };

	state_json(&st, &b, false);
	CHECK(strstr(b.data, "\"status\":\"running\"") != NULL, "status is in the JSON");
	CHECK(strstr(b.data, "\"pid\":7") != NULL, "pid of a running container is in the JSON");
	CHECK(strstr(b.data, "\"k\\\"q\":\"v\"") != NULL, "annotation keys are escaped");
	moat_buf_free(&b);

	st.status = MOAT_STATUS_STOPPED;
	state_json(&st, &b, false);
	CHECK(strstr(b.data, "\"pid\":0") != NULL, "a stopped container has pid 0");
	moat_buf_free(&b);
}

int main(void)
{
	test_roundtrip();
	test_reject();
	test_json();
	return check_done();
}
