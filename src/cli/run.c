/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "cli.h"

static const char run_help[] =
	"usage: moat run [options] ID\n\n"
	"Create and start a container, wait for it to exit, and delete it. moat's exit\n"
	"status is the container's (128+N when killed by signal N); signals sent to\n"
	"moat are forwarded to the container.\n\n"
	"  -b, --bundle DIR         the bundle (default: current directory)\n"
	"  -d, --detach             return once the container runs\n"
	"  --pid-file FILE          write the init's pid to FILE\n"
	"  --console-socket PATH    send the pty master of process.terminal to this unix socket\n"
	"  --no-pivot               use MS_MOVE+chroot instead of pivot_root\n"
	"  --no-new-keyring         keep the caller's session keyring\n"
	"  --preserve-fds N         pass fds 3..3+N-1 to the container\n"
	"  --seccomp-record FILE    trace the syscalls the workload makes and write to FILE\n"
	"                           an OCI seccomp profile allowing exactly those\n";

int cmd_run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { CLI_CREATE_LONGOPTS,
						   { "detach", no_argument, NULL, 'd' },
						   { "seccomp-record", required_argument, NULL, 'R' },
						   { 0 } };
	struct moat_create_opts o = { 0 };
	struct moat_err err = { 0 };
	int opt, status = 0;

	while ((opt = getopt_long(argc, argv, CLI_CREATE_SHORTOPTS "d", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(run_help, stdout);
			return 0;
		}
		if (opt == 'd') {
			o.detach = true;
			continue;
		}
		if (opt == 'R') {
			o.seccomp_record = optarg;
			continue;
		}
		int r = cli_create_flag("run", opt, optarg, &o);
		if (r < 0)
			return 1;
		if (r == 0)
			return cli_usage_error("run", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (cli_one_id("run", argc, argv, &o.id) < 0)
		return 1;
	if (moat_run(&cli->ctx, &o, &status, &err) < 0)
		return cli_fail(cli, &err);
	return status;
}
