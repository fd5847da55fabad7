/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_features(struct cli *cli, int argc, char **argv)
{
	struct moat_buf b = { 0 };

	if (argc > 1) {
		if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
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
