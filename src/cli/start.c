/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "cli.h"

int cmd_start(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct moat_err err = { 0 };
	const char *id;
	int opt;

	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			puts("usage: moat start ID\n\nRun the user process of a created container.");
			return 0;
		}
		return cli_usage_error("start", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (cli_one_id("start", argc, argv, &id) < 0)
		return 1;
	if (moat_start(&cli->ctx, id, &err) < 0)
		return cli_fail(cli, &err);
	return 0;
}
