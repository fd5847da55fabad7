/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pause and resume: freeze or thaw every process of a container. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int freeze_verb(struct cli *cli, int argc, char **argv, bool pause)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	const char *verb = pause ? "pause" : "resume";
	struct moat_err err = {0};
	const char *id;
	int opt;

	while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			if (pause)
				puts(
				    "usage: moat pause ID\n\n"
				    "Freeze every process of a running container (its cgroup's\n"
				    "freezer); its status becomes \"paused\" until 'moat resume'.");
			else
				puts("usage: moat resume ID\n\n"
				     "Thaw the processes of a paused container.");
			return 0;
		}
		return cli_usage_error(verb, "unknown option \"%s\"", argv[optind - 1]);
	}
	if (cli_one_id(verb, argc, argv, &id) < 0)
		return 1;
	if ((pause ? moat_pause : moat_resume)(&cli->ctx, id, &err) < 0)
		return cli_fail(cli, &err);
	return 0;
}

int cmd_pause(struct cli *cli, int argc, char **argv)
{
	return freeze_verb(cli, argc, argv, true);
}

int cmd_resume(struct cli *cli, int argc, char **argv)
{
	return freeze_verb(cli, argc, argv, false);
}
