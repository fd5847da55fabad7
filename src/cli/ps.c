/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ps: the container's processes.  json is the array of host pids (what
 * go-runc parses); table runs the host's ps(1) and keeps its header and the
 * rows whose PID column is one of them, as runc does.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

/* Run ps with args, its stdout and stderr into *ret (malloc'd). Returns its
 * wait status, or -errno when it could not run. */
static int run_ps(char **args, size_t n_args, char **ret)
{
	char **av = calloc(n_args + 2, sizeof(char *));
	posix_spawn_file_actions_t fa;
	size_t len = 0, cap = 8192;
	char *out = malloc(cap);
	int p[2], status = 0, r;
	pid_t pid;

	if (!av || !out)
		abort();
	av[0] = "ps";
	memcpy(av + 1, args, n_args * sizeof(char *));
	if (pipe2(p, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	r = posix_spawnp(&pid, "ps", &fa, NULL, av, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		r = -r;
		goto out;
	}
	for (ssize_t n;;) {
		if (len + 1 >= cap && !(out = realloc(out, cap *= 2)))
			abort();
		n = read(p[0], out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r = status;
out:
	out[len] = '\0';
	*ret = out;
	free(av);
	return r;
}

/* The index of the "PID" column in a ps header line, or -1. */
static int pid_column(const char *header)
{
	int i = 0;

	for (const char *p = header + strspn(header, " \t"); *p; i++) {
		size_t n = strcspn(p, " \t");
		if (n == 3 && strncmp(p, "PID", 3) == 0)
			return i;
		p += n;
		p += strspn(p, " \t");
	}
	return -1;
}

/* The value of whitespace-separated field i of line, parsed as a pid. */
static int field_pid(const char *line, int i, pid_t *ret)
{
	const char *p = line + strspn(line, " \t");

	for (; i > 0 && *p; i--) {
		p += strcspn(p, " \t");
		p += strspn(p, " \t");
	}
	char *end;
	long v = strtol(p, &end, 10);
	if (end == p || (*end && *end != ' ' && *end != '\t'))
		return -EINVAL;
	*ret = (pid_t)v;
	return 0;
}

static bool has_pid(const pid_t *pids, size_t n, pid_t p)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == p)
			return true;
	return false;
}

static int print_table(char **args, size_t n_args, const pid_t *pids, size_t n)
{
	char *default_args[] = {"-ef"};
	char *out;

	if (n_args == 0) {
		args = default_args;
		n_args = 1;
	}
	int st = run_ps(args, n_args, &out);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *nl = strchr(out, '\n');
		if (nl)
			*nl = '\0';
		if (st < 0)
			fprintf(stderr, "moat: ps: run ps: %s\n", strerror(-st));
		else
			fprintf(stderr, "moat: ps: ps %s failed (exit status %d): %s\n", args[0],
				WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out);
		free(out);
		return 1;
	}
	char *line = out, *nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	int col = pid_column(line);
	if (col < 0) {
		fprintf(stderr, "moat: ps: couldn't find PID field in ps output\n");
		free(out);
		return 1;
	}
	puts(line);
	for (line = nl ? nl + 1 : line + strlen(line); *line;
	     line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!line[strspn(line, " \t")])
			continue;
		pid_t p;
		if (field_pid(line, col, &p) < 0) {
			fprintf(stderr, "moat: ps: unable to parse pid in \"%s\"\n", line);
			free(out);
			return 1;
		}
		if (has_pid(pids, n, p))
			puts(line);
	}
	free(out);
	return 0;
}

int cmd_ps(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	struct moat_err err = {0};
	bool json = false;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "+:f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			puts("usage: moat ps [--format table|json] ID [PS-ARGS...]\n\n"
			     "List the processes of a container.  table (the default) runs\n"
			     "ps PS-ARGS (default -ef) on the host and prints its header and the\n"
			     "rows of the container's processes; json prints an array of their\n"
			     "host pids.  Put -- before PS-ARGS that start with a dash when\n"
			     "they come before ID.");
			return 0;
		case 'f':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
				return cli_usage_error(
				    "ps", "--format: expected table or json, got \"%s\"", optarg);
			json = strcmp(optarg, "json") == 0;
			break;
		case ':':
			return cli_usage_error("ps", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("ps", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("ps", "container ID is required");
	const char *id = argv[optind++];
	/* "ID -- ARGS": the -- only separates */
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;

	pid_t *pids;
	size_t n;
	if (moat_ps(&cli->ctx, id, &pids, &n, &err) < 0)
		return cli_fail(cli, &err);
	if (json) {
		/* runc prints "null" for no process; an empty array is the
		 * same to JSON decoders and valid for all the others */
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		puts("]");
		r = 0;
	} else {
		fflush(stdout);
		r = print_table(argv + optind, (size_t)(argc - optind), pids, n);
	}
	free(pids);
	return r;
}
