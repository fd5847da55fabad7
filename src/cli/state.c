/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "cli.h"

int cmd_state(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct moat_err err = { 0 };
	struct moat_buf out = { 0 };
	const char *id;
	int opt;

	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			puts("usage: moat state ID\n\nPrint the OCI state JSON of a container.");
			return 0;
		}
		return cli_usage_error("state", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (cli_one_id("state", argc, argv, &id) < 0)
		return 1;
	if (moat_state(&cli->ctx, id, &out, &err) < 0)
		return cli_fail(cli, &err);
	puts(out.data);
	moat_buf_free(&out);
	return 0;
}
