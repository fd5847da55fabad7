/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void pad(const char *s, size_t width)
{
	printf("%s%*s", s, (int)(width > strlen(s) ? width - strlen(s) : 0), "");
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "format", required_argument, NULL, 'f' },
						  { "quiet", no_argument, NULL, 'q' },
						  { "help", no_argument, NULL, 'h' },
						  { 0 } };
	struct moat_err err = { 0 };
	bool quiet = false, json = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "+f:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			puts("usage: moat list [--format table|json] [-q]\n\nList containers.");
			return 0;
		case 'q':
			quiet = true;
			break;
		case 'f':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
				return cli_usage_error("list", "--format: expected table or json, got \"%s\"", optarg);
			json = strcmp(optarg, "json") == 0;
			break;
		default:
			return cli_usage_error("list", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("list", "unexpected argument \"%s\"", argv[optind]);
	struct moat_list_entry *l;
	size_t n;
	if (moat_list(&cli->ctx, &l, &n, &err) < 0)
		return cli_fail(cli, &err);
	if (quiet) {
		for (size_t i = 0; i < n; i++)
			puts(l[i].id);
	} else if (json) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%s", i ? "," : "", l[i].json);
		puts("]");
	} else {
		size_t w[4] = { 12, 12, 12, 12 };
		for (size_t i = 0; i < n; i++) {
			size_t lens[4] = { strlen(l[i].id), 10, strlen(l[i].status), strlen(l[i].bundle) };
			for (int k = 0; k < 4; k++)
				if (lens[k] + 1 > w[k])
					w[k] = lens[k] + 1;
		}
		pad("ID", w[0]), pad("PID", w[1]), pad("STATUS", w[2]), pad("BUNDLE", w[3]);
		printf("CREATED                          OWNER\n");
		for (size_t i = 0; i < n; i++) {
			char pid[16];
			snprintf(pid, sizeof(pid), "%d", (int)l[i].pid);
			pad(l[i].id, w[0]), pad(pid, w[1]), pad(l[i].status, w[2]), pad(l[i].bundle, w[3]);
			printf("%-32s %s\n", l[i].created, l[i].owner[0] ? l[i].owner : "root");
		}
	}
	moat_list_free(l, n);
	return 0;
}
