/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option parsing of the command line, driven through moat_cli_main() with
 * a scratch --root: exit statuses, both "--flag value" and "--flag=value",
 * and the one-line errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli/cli.h"
#include "check.h"

static char root[64], out_path[96], err_path[96];

/* Run the CLI with argv (NULL-terminated), capturing stdout and stderr. */
static int run(char *out, size_t outsz, char *errbuf, size_t errsz, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	va_start(ap, errsz);
	argv[argc++] = "moat";
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	int so = dup(1), se = dup(2);
	if (!freopen(out_path, "w", stdout) || !freopen(err_path, "w", stderr))
		abort();
	int r = moat_cli_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	stdout = fdopen(1, "w");
	stderr = fdopen(2, "w");
	FILE *f = fopen(out_path, "r");
	size_t n = f ? fread(out, 1, outsz - 1, f) : 0;
	out[n] = '\0';
	if (f)
		fclose(f);
	f = fopen(err_path, "r");
	n = f ? fread(errbuf, 1, errsz - 1, f) : 0;
	errbuf[n] = '\0';
	if (f)
		fclose(f);
	return r;
}

static int lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

int main(void)
{
	char out[8192], err[4096];

	snprintf(root, sizeof(root), "/tmp/moat-cli-XXXXXX");
	if (!mkdtemp(root))
		return 1;
	snprintf(out_path, sizeof(out_path), "%s.out", root);
	snprintf(err_path, sizeof(err_path), "%s.err", root);

	CHECK(run(out, sizeof(out), err, sizeof(err), "--version", NULL) == 0 &&
		      strncmp(out, "moat version ", 13) == 0,
	      "--version prints the version");
	CHECK(run(out, sizeof(out), err, sizeof(err), "--root", root, "list", "--format", "json", NULL) == 0 &&
		      strcmp(out, "[]\n") == 0,
	      "--root DIR list --format json prints [] for no containers");
	char eq[128];
	snprintf(eq, sizeof(eq), "--root=%s", root);
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "list", "--format=json", NULL) == 0 &&
		      strcmp(out, "[]\n") == 0,
	      "--root=DIR and --format=json forms work too");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "list", "-q", NULL) == 0 && out[0] == '\0',
	      "list -q prints nothing for no containers");

	CHECK(run(out, sizeof(out), err, sizeof(err), "--root", NULL) == 1 && lines(err) == 1 &&
		      strstr(err, "--root needs a value"),
	      "--root without a value: status 1, one line");
	CHECK(run(out, sizeof(out), err, sizeof(err), "--bogus", NULL) == 1 && lines(err) == 1 &&
		      strstr(err, "unknown global option \"--bogus\""),
	      "an unknown global option is named");
	CHECK(run(out, sizeof(out), err, sizeof(err), "frobnicate", NULL) == 1 && lines(err) == 1 &&
		      strstr(err, "unknown command \"frobnicate\""),
	      "an unknown command is named");
	CHECK(run(out, sizeof(out), err, sizeof(err), "--log-format", "xml", "list", NULL) == 1 &&
		      strstr(err, "expected text or json"),
	      "--log-format accepts only text or json");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "create", "--preserve-fds", "-1", "c1", NULL) == 1 &&
		      lines(err) == 1 && strstr(err, "--preserve-fds"),
	      "--preserve-fds rejects a negative value");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "create", "--preserve-fds", "x", "c1", NULL) == 1,
	      "--preserve-fds rejects a non-number");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "create", NULL) == 1 &&
		      strstr(err, "container ID is required"),
	      "create without an ID says so");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "state", "a", "b", NULL) == 1 &&
		      strstr(err, "unexpected argument \"b\""),
	      "a second operand is rejected");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "kill", "c1", "SIGNOPE", NULL) == 1 &&
		      lines(err) == 1 && strstr(err, "unknown signal \"SIGNOPE\""),
	      "kill names an unknown signal");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "state", "a/b", NULL) == 1 && lines(err) == 1 &&
		      strstr(err, "invalid container id"),
	      "an invalid id is refused before anything else");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "state", "nosuch", NULL) == 1 &&
		      strstr(err, "does not exist"),
	      "state of a missing container says it does not exist");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "delete", "--force", "nosuch", NULL) == 0,
	      "delete --force of a missing container succeeds, as runc's");
	CHECK(run(out, sizeof(out), err, sizeof(err), eq, "list", "--format", "yaml", NULL) == 1,
	      "list --format accepts only table or json");
	CHECK(run(out, sizeof(out), err, sizeof(err), "create", "-h", NULL) == 0 &&
		      strstr(out, "usage: moat create"),
	      "-h on a command prints its usage");
	CHECK(run(out, sizeof(out), err, sizeof(err), "features", NULL) == 0 &&
		      strstr(out, "\"ociVersionMax\""),
	      "features prints the OCI features document");

	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s %s", root, out_path, err_path);
	if (system(cmd) != 0)
		return 1;
	return check_done();
}
