/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <signal.h>
#include <stdio.h>

#include "base/names.h"
#include "cli.h"

int cmd_kill(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "all", no_argument, NULL, 'a' },
						  { "help", no_argument, NULL, 'h' },
						  { 0 } };
	struct moat_err err = { 0 };
	bool all = false;
	int opt, sig = SIGTERM;

	while ((opt = getopt_long(argc, argv, "+ah", longopts, NULL)) != -1) {
		if (opt == 'h') {
			puts("usage: moat kill [--all] ID [SIGNAL]\n\n"
			     "Send SIGNAL (a name like KILL or SIGKILL, or a number; default TERM)\n"
			     "to the container's init; with --all, to every process of the container.");
			return 0;
		}
		if (opt == 'a') {
			all = true;
			continue;
		}
		return cli_usage_error("kill", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage_error("kill", "container ID is required");
	const char *id = argv[optind];
	if (argc - optind > 2)
		return cli_usage_error("kill", "unexpected argument \"%s\"", argv[optind + 2]);
	if (argc - optind == 2 && (sig = moat_signal_parse(argv[optind + 1])) < 0) {
		fprintf(stderr, "moat: kill: unknown signal \"%s\"\n", argv[optind + 1]);
		return 1;
	}
	if (moat_kill(&cli->ctx, id, sig, all, &err) < 0)
		return cli_fail(cli, &err);
	return 0;
}
