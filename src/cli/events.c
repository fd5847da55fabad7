/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * A Go duration ("5s", "500ms", "1m30s", "1.5h"), as runc's --interval
 * takes it, in milliseconds.  Returns 0 or -EINVAL.
 */
static int parse_duration(const char *s, unsigned long long *ret_ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3}, {"ms", 1},
		     {"s", 1e3},   {"m", 60e3},	 {"h", 3600e3}};
	double total = 0;

	if (strcmp(s, "0") == 0) {
		*ret_ms = 0;
		return 0;
	}
	if (!*s)
		return -EINVAL;
	while (*s) {
		char *end;
		if (!((*s >= '0' && *s <= '9') || *s == '.'))
			return -EINVAL;
		errno = 0;
		double v = strtod(s, &end);
		if (end == s || errno)
			return -EINVAL;
		s = end;
		size_t best = 0, k = sizeof(units) / sizeof(units[0]);
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t n = strlen(units[i].unit);
			if (strncmp(s, units[i].unit, n) == 0 && n > best) {
				best = n;
				k = i;
			}
		}
		if (!best)
			return -EINVAL;
		total += v * units[k].ms;
		s += best;
	}
	if (total > 1e15)
		return -EINVAL;
	/* a positive interval below 1 ms still ticks */
	*ret_ms = total > 0 && total < 1 ? 1 : (unsigned long long)total;
	return 0;
}

static int print_event(const char *json, void *arg)
{
	(void)arg;
	if (puts(json) < 0 || fflush(stdout) != 0)
		return -errno;
	return 0;
}

int cmd_events(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {{"stats", no_argument, NULL, 's'},
						 {"interval", required_argument, NULL, 'i'},
						 {"help", no_argument, NULL, 'h'},
						 {0}};
	struct moat_events_opts o = {.interval_ms = 5000, .emit = print_event};
	struct moat_err err = {0};
	const char *id;
	int opt;

	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			puts("usage: moat events [--stats] [--interval DURATION] ID\n\n"
			     "Print the container's events as JSON lines: a stats event\n"
			     "({\"type\":\"stats\",\"id\":ID,\"data\":{...}}) every interval "
			     "(default 5s;\n"
			     "a Go duration like 500ms or 1m) and {\"type\":\"oom\",\"id\":ID} "
			     "when\n"
			     "the kernel OOM-kills one of its processes, until the container\n"
			     "stops.  --stats prints one stats event and exits.");
			return 0;
		case 's':
			o.stats_only = true;
			break;
		case 'i':
			if (parse_duration(optarg, &o.interval_ms) < 0)
				return cli_usage_error(
				    "events", "--interval: invalid duration \"%s\"", optarg);
			if (o.interval_ms == 0)
				return cli_usage_error(
				    "events",
				    "--interval: duration interval must be greater than 0");
			break;
		case ':':
			return cli_usage_error("events", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("events", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (cli_one_id("events", argc, argv, &id) < 0)
		return 1;
	if (moat_events(&cli->ctx, id, &o, &err) < 0)
		return cli_fail(cli, &err);
	return 0;
}
