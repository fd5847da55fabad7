/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* The command line: main.c parses global flags, each verb lives in its own file. */
#include <getopt.h>
#include <stdbool.h>

#include "moat/moat.h"

struct cli {
	struct moat_ctx ctx;
	const char *log_path;
	bool log_json;
};

/* Print the error once: "moat: <msg>" on stderr, and to --log if given. */
int cli_fail(struct cli *cli, const struct moat_err *err);
/* A usage error for verb: one line, exit status 1. */
int cli_usage_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse a non-negative integer flag value; -1 (error printed) if invalid. */
int cli_parse_uint(const char *verb, const char *flag, const char *s, unsigned *ret);
/* Require exactly one ID operand after options; -1 (error printed) if not. */
int cli_one_id(const char *verb, int argc, char **argv, const char **ret_id);

/* The whole command line: global flags, then a verb. Returns the exit status. */
int moat_cli_main(int argc, char **argv);

struct verb {
	const char *name;
	const char *summary;
	int (*run)(struct cli *cli, int argc, char **argv);
};

int cmd_create(struct cli *cli, int argc, char **argv);
int cmd_start(struct cli *cli, int argc, char **argv);
int cmd_run(struct cli *cli, int argc, char **argv);
int cmd_state(struct cli *cli, int argc, char **argv);
int cmd_kill(struct cli *cli, int argc, char **argv);
int cmd_delete(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_spec(struct cli *cli, int argc, char **argv);
int cmd_features(struct cli *cli, int argc, char **argv);
int cmd_update(struct cli *cli, int argc, char **argv);
int cmd_pause(struct cli *cli, int argc, char **argv);
int cmd_resume(struct cli *cli, int argc, char **argv);
int cmd_ps(struct cli *cli, int argc, char **argv);
int cmd_events(struct cli *cli, int argc, char **argv);
int cmd_not_yet(struct cli *cli, int argc, char **argv);

/* Shared by create and run: the flags both take. Returns 1 if the option
 * was one of them, 0 if not, -1 on a bad value. */
int cli_create_flag(const char *verb, int opt, const char *arg, struct moat_create_opts *o);
#define CLI_CREATE_LONGOPTS                                                                        \
	{ "bundle", required_argument, NULL, 'b' }, { "pid-file", required_argument, NULL, 'p' },  \
		{ "console-socket", required_argument, NULL, 'c' },                                \
		{ "no-pivot", no_argument, NULL, 'P' }, { "no-new-keyring", no_argument, NULL, 'K' }, \
		{ "preserve-fds", required_argument, NULL, 'F' },                                  \
		{ "no-subreaper", no_argument, NULL, 'S' }, { "help", no_argument, NULL, 'h' }
#define CLI_CREATE_SHORTOPTS "+b:h"
