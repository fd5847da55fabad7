/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_create_flag(const char *verb, int opt, const char *arg, struct moat_create_opts *o)
{
	switch (opt) {
	case 'b':
		o->bundle = arg;
		return 1;
	case 'p':
		o->pid_file = arg;
		return 1;
	case 'c':
		o->console_socket = arg;
		return 1;
	case 'P':
		o->no_pivot = true;
		return 1;
	case 'K':
		o->no_new_keyring = true;
		return 1;
	case 'S':
		return 1; /* runc's --no-subreaper: moat never makes itself a subreaper */
	case 'F':
		return cli_parse_uint(verb, "--preserve-fds", arg, &o->preserve_fds) < 0 ? -1 : 1;
	}
	return 0;
}

static const char create_help[] =
	"usage: moat create [options] ID\n\n"
	"Create a container from a bundle: everything is set up and the init waits;\n"
	"the user's program runs at 'moat start ID'.\n\n"
	"  -b, --bundle DIR         the bundle (default: current directory)\n"
	"  --pid-file FILE          write the init's pid to FILE\n"
	"  --console-socket PATH    send the pty master of process.terminal to this unix socket\n"
	"  --no-pivot               use MS_MOVE+chroot instead of pivot_root (ramdisk roots)\n"
	"  --no-new-keyring         keep the caller's session keyring\n"
	"  --preserve-fds N         pass fds 3..3+N-1 to the container\n";

int cmd_create(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { CLI_CREATE_LONGOPTS, { 0 } };
	struct moat_create_opts o = { 0 };
	struct moat_err err = { 0 };
	int opt;

	while ((opt = getopt_long(argc, argv, CLI_CREATE_SHORTOPTS, longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(create_help, stdout);
			return 0;
		}
		int r = cli_create_flag("create", opt, optarg, &o);
		if (r < 0)
			return 1;
		if (r == 0)
			return cli_usage_error("create", "unknown option \"%s\"", argv[optind - 1]);
	}
	if (cli_one_id("create", argc, argv, &o.id) < 0)
		return 1;
	if (moat_create(&cli->ctx, &o, &err) < 0)
		return cli_fail(cli, &err);
	return 0;
}
