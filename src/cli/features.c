/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "cli.h"

int cmd_features(struct cli *cli, int argc, char **argv)
{
	struct moat_buf b = { 0 };

	if (argc > 1) {
		if (argv[1][0] == '-' && (argv[1][1] == 'h' || argv[1][2] == 'h')) {
			puts("usage: moat features\n\nPrint the OCI features JSON.");
			return 0;
		}
		return cli_usage_error("features", "unexpected argument \"%s\"", argv[1]);
	}
	moat_features(&b);
	fputs(b.data, stdout);
	moat_buf_free(&b);
	return 0;
}
