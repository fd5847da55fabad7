/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* runc's update flags that set a resource, in runc's order; "cpu-shares"
 * is also taken for "cpu-share" (docker's spelling). */
static const char *const resource_flags[] = {
    "blkio-weight",  "cpu-period",	  "cpu-quota",	    "cpu-burst",   "cpu-share",
    "cpu-shares",    "cpu-rt-period",	  "cpu-rt-runtime", "cpuset-cpus", "cpuset-mems",
    "kernel-memory", "kernel-memory-tcp", "memory",	    "cpu-idle",	   "memory-reservation",
    "memory-swap",   "pids-limit",
};
#define N_RESOURCE_FLAGS (sizeof(resource_flags) / sizeof(resource_flags[0]))
#define OPT_FLAG 0x100 /* getopt value of resource_flags[i]: OPT_FLAG + i */

static const char usage_text[] =
    "usage: moat update [options] ID\n\n"
    "Change the resources of a running container (runc's flags).\n\n"
    "  -r, --resources FILE|-     a LinuxResources JSON object (runtime-spec\n"
    "                             linux.resources); '-' reads standard input.\n"
    "                             All other options are then ignored.\n"
    "  --memory BYTES             memory limit (64m, 1g, -1 for none)\n"
    "  --memory-reservation BYTES soft limit\n"
    "  --memory-swap BYTES        memory+swap limit, -1 for unlimited swap\n"
    "  --cpu-share N              CPU shares (relative weight)\n"
    "  --cpu-period USEC          CFS period\n"
    "  --cpu-quota USEC           CFS quota per period, -1 for none\n"
    "  --cpu-burst USEC           CFS burst\n"
    "  --cpu-rt-period USEC       realtime period (cgroup v1)\n"
    "  --cpu-rt-runtime USEC      realtime runtime per period (cgroup v1)\n"
    "  --cpu-idle 0|1             SCHED_IDLE for the cgroup\n"
    "  --cpuset-cpus LIST         CPUs to use (0-3,7)\n"
    "  --cpuset-mems LIST         memory nodes to use\n"
    "  --pids-limit N             maximum number of processes, -1 for none\n"
    "  --blkio-weight N           block I/O weight (10-1000)\n\n"
    "A value of 0 leaves the memory, pids and blkio settings unchanged, as in runc.";

/* The whole of fd, NUL-terminated (malloc'd). */
static char *read_all(int fd, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *b = malloc(cap);
	ssize_t n;

	if (!b)
		abort();
	for (;;) {
		if (len + 1 >= cap && !(b = realloc(b, cap *= 2)))
			abort();
		n = read(fd, b + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(b);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	b[len] = '\0';
	*ret_len = len;
	return b;
}

int cmd_update(struct cli *cli, int argc, char **argv)
{
	struct option longopts[N_RESOURCE_FLAGS + 5] = {
	    {"resources", required_argument, NULL, 'r'},
	    {"l3-cache-schema", required_argument, NULL, 'L'},
	    {"mem-bw-schema", required_argument, NULL, 'B'},
	    {"help", no_argument, NULL, 'h'},
	};
	struct moat_update_flag flags[N_RESOURCE_FLAGS * 2];
	struct moat_update_opts o = {.flags = flags};
	struct moat_err err = {0};
	const char *resources = NULL, *id;
	int opt, r;

	for (size_t i = 0; i < N_RESOURCE_FLAGS; i++)
		longopts[4 + i] =
		    (struct option){resource_flags[i], required_argument, NULL, OPT_FLAG + (int)i};
	while ((opt = getopt_long(argc, argv, "+:r:h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			puts(usage_text);
			return 0;
		}
		if (opt == 'r') {
			resources = optarg;
		} else if (opt == 'L' || opt == 'B') {
			fprintf(stderr, "moat: update: --%s: Intel RDT is not supported\n",
				opt == 'L' ? "l3-cache-schema" : "mem-bw-schema");
			return 1;
		} else if (opt >= OPT_FLAG && opt < OPT_FLAG + (int)N_RESOURCE_FLAGS) {
			const char *name = resource_flags[opt - OPT_FLAG];
			if (strcmp(name, "cpu-shares") == 0)
				name = "cpu-share";
			if (o.n_flags < sizeof(flags) / sizeof(flags[0]))
				flags[o.n_flags++] = (struct moat_update_flag){name, optarg};
		} else if (opt == ':') {
			return cli_usage_error("update", "%s needs a value", argv[optind - 1]);
		} else {
			return cli_usage_error("update", "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (cli_one_id("update", argc, argv, &id) < 0)
		return 1;

	char *json = NULL;
	if (resources) {
		int fd = strcmp(resources, "-") == 0 ? 0 : open(resources, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			moat_err_set(&err, errno, "update: open %s", resources);
			return cli_fail(cli, &err);
		}
		json = read_all(fd, &o.resources_len);
		int e = errno;
		if (fd > 0)
			close(fd);
		if (!json) {
			moat_err_set(&err, e, "update: read %s", resources);
			return cli_fail(cli, &err);
		}
		o.resources_json = json;
		o.resources_name = strcmp(resources, "-") == 0 ? "standard input" : resources;
	}
	r = moat_update(&cli->ctx, id, &o, &err);
	free(json);
	if (r < 0)
		return cli_fail(cli, &err);
	return 0;
}
