/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cmd_spec(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { { "bundle", required_argument, NULL, 'b' },
						  { "rootless", no_argument, NULL, 'r' },
						  { "help", no_argument, NULL, 'h' },
						  { 0 } };
	const char *bundle = ".";
	bool rootless = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "+b:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			puts("usage: moat spec [--bundle DIR]\n\n"
			     "Write a config.json for a bundle whose root filesystem is DIR/rootfs.");
			return 0;
		case 'b':
			bundle = optarg;
			break;
		case 'r':
			rootless = true;
			break;
		default:
			return cli_usage_error("spec", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("spec", "unexpected argument \"%s\"", argv[optind]);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	/* O_EXCL: never overwrite a config someone wrote, as runc */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		struct moat_err err;
		moat_err_set(&err, errno, "spec: %s", errno == EEXIST ? "config.json exists" : path);
		if (errno == EEXIST)
			moat_err_setx(&err, EEXIST, "spec: %s already exists", path);
		return cli_fail(cli, &err);
	}
	struct moat_buf b = { 0 };
	moat_spec_default(&b, rootless);
	ssize_t n = write(fd, b.data, b.len);
	close(fd);
	moat_buf_free(&b);
	if (n < 0) {
		struct moat_err err;
		moat_err_set(&err, errno, "spec: write %s", path);
		return cli_fail(cli, &err);
	}
	return 0;
}
