/* SPDX-License-Identifier: GPL-2.0-or-later */
/* moat: global flags, then one verb (runc's command line). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const struct verb verbs[] = {
	{ "create", "create a container from a bundle", cmd_create },
	{ "start", "run the user process of a created container", cmd_start },
	{ "run", "create and start a container, wait for it, delete it", cmd_run },
	{ "state", "print the OCI state of a container", cmd_state },
	{ "kill", "send a signal to a container's init", cmd_kill },
	{ "delete", "delete a container", cmd_delete },
	{ "list", "list containers", cmd_list },
	{ "spec", "write a config.json for a bundle", cmd_spec },
	{ "features", "print the OCI features moat supports", cmd_features },
	{ "exec", "(not yet) run a process in a container", cmd_not_yet },
	{ "ps", "list a container's processes", cmd_ps },
	{ "pause", "freeze every process of a container", cmd_pause },
	{ "resume", "thaw a paused container", cmd_resume },
	{ "update", "change a container's resources", cmd_update },
	{ "events", "print a container's stats and OOM events", cmd_events },
};

static struct cli *the_cli;

static void log_line(struct cli *cli, const char *level, const char *msg)
{
	if (!cli->log_path)
		return;
	int fd = open(cli->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	struct moat_buf b = { 0 };
	char ts[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (cli->log_json) {
		moat_buf_printf(&b, "{\"level\":\"%s\",\"msg\":", level);
		moat_json_str(&b, msg);
		moat_buf_printf(&b, ",\"time\":\"%s\"}\n", ts);
	} else {
		moat_buf_printf(&b, "time=\"%s\" level=%s msg=", ts, level);
		moat_json_str(&b, msg);
		moat_buf_puts(&b, "\n");
	}
	if (write(fd, b.data, b.len) < 0) {
		/* nowhere left to report it */
	}
	close(fd);
	moat_buf_free(&b);
}

int cli_fail(struct cli *cli, const struct moat_err *err)
{
	fprintf(stderr, "moat: %s\n", err->msg);
	log_line(cli, "error", err->msg);
	return 1;
}

static void cli_debug(const char *msg)
{
	fprintf(stderr, "moat: debug: %s\n", msg);
	if (the_cli)
		log_line(the_cli, "debug", msg);
}

static void cli_warn(const char *msg)
{
	fprintf(stderr, "moat: warning: %s\n", msg);
	if (the_cli)
		log_line(the_cli, "warning", msg);
}

int cli_usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "moat: %s%s", verb ? verb : "", verb ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'moat %s%s--help')\n", verb ? verb : "", verb ? " " : "");
	return 1;
}

int cli_parse_uint(const char *verb, const char *flag, const char *s, unsigned *ret)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || !*s || *end || s[0] == '-' || v > 1U << 20) {
		cli_usage_error(verb, "%s: invalid value \"%s\"", flag, s);
		return -1;
	}
	*ret = (unsigned)v;
	return 0;
}

int cli_one_id(const char *verb, int argc, char **argv, const char **ret_id)
{
	if (optind >= argc) {
		cli_usage_error(verb, "container ID is required");
		return -1;
	}
	if (argc - optind > 1) {
		cli_usage_error(verb, "unexpected argument \"%s\"", argv[optind + 1]);
		return -1;
	}
	*ret_id = argv[optind];
	return 0;
}

int cmd_not_yet(struct cli *cli, int argc, char **argv)
{
	fprintf(stderr, "moat: %s: not implemented yet\n", argv[0]);
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: moat [global options] COMMAND [options] [ID]\n\n"
		   "moat is an OCI container runtime with runc's command line.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\nGlobal options:\n"
		   "  --root DIR          state directory (default /run/moat)\n"
		   "  --log FILE          also write errors and warnings to FILE\n"
		   "  --log-format FMT    text or json (default text)\n"
		   "  --debug             more detail in the log\n"
		   "  --systemd-cgroup    accepted for compatibility; not supported yet\n"
		   "  -v, --version       print the version\n"
		   "  -h, --help          this help; 'moat COMMAND --help' for a command\n");
}

/* Global flags come before the verb, as runc's; both "--flag value" and
 * "--flag=value" forms are accepted. */
static int take_value(int argc, char **argv, int *i, const char *name, const char **ret)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*ret = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		cli_usage_error(NULL, "%s needs a value", name);
		return -1;
	}
	*ret = argv[++*i];
	return 1;
}

int moat_cli_main(int argc, char **argv)
{
	struct cli cli = { .ctx = { .root = "/run/moat", .warn = cli_warn, .debug_log = cli_debug } };
	const char *v;
	int i, r;

	the_cli = &cli;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if ((r = take_value(argc, argv, &i, "--root", &v)) != 0) {
			if (r < 0)
				return 1;
			cli.ctx.root = v;
		} else if ((r = take_value(argc, argv, &i, "--log", &v)) != 0) {
			if (r < 0)
				return 1;
			cli.log_path = v;
		} else if ((r = take_value(argc, argv, &i, "--log-format", &v)) != 0) {
			if (r < 0)
				return 1;
			if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
				return cli_usage_error(NULL, "--log-format: expected text or json, got \"%s\"", v);
			cli.log_json = strcmp(v, "json") == 0;
		} else if ((r = take_value(argc, argv, &i, "--criu", &v)) != 0 ||
			   (r = take_value(argc, argv, &i, "--rootless", &v)) != 0) {
			if (r < 0)
				return 1;
		} else if (strcmp(a, "--debug") == 0) {
			cli.ctx.debug = true;
		} else if (strcmp(a, "--systemd-cgroup") == 0) {
			fprintf(stderr, "moat: --systemd-cgroup: the systemd cgroup driver is not supported yet\n");
			return 1;
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-v") == 0) {
			printf("moat version %s\nspec: 1.2.0\n", MOAT_VERSION);
			return 0;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			return cli_usage_error(NULL, "unknown global option \"%s\"", a);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	for (size_t k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++) {
		if (strcmp(argv[i], verbs[k].name) == 0) {
			optind = 0; /* 0, not 1: glibc then also resets its internal scan state */
			opterr = 0;
			return verbs[k].run(&cli, argc - i, argv + i);
		}
	}
	return cli_usage_error(NULL, "unknown command \"%s\"", argv[i]);
}
