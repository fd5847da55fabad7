/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "cli.h"

int cmd_delete(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "force", no_argument, NULL, 'f' },
						  { "help", no_argument, NULL, 'h' },
						  { 0 } };
	struct moat_err err = { 0 };
	bool force = false;
	const char *id;
	int opt;

	while ((opt = getopt_long(argc, argv, "+fh", longopts, NULL)) != -1) {
		if (opt == 'h') {
			puts("usage: moat delete [--force] ID\n\n"
			     "Delete a stopped or created container; --force kills a running one first.");
			return 0;
		}
		if (opt == 'f') {
			force = true;
			continue;
		}
		return cli_usage_error("delete", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (cli_one_id("delete", argc, argv, &id) < 0)
		return 1;
	if (moat_delete(&cli->ctx, id, force, &err) < 0)
		return cli_fail(cli, &err);
	return 0;
}
