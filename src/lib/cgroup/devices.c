/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device access rules: the list every backend applies, and its v1 text form.
 * v1 writes each rule to devices.allow / devices.deny after a deny-all;
 * v2 compiles the same list into an eBPF program (bpf.c).
 */
#include <stdio.h>
#include <string.h>

#include "cgroup/internal.h"

/*
 * What every container may use whatever its config says: runc's list, so
 * images that work under runc work here, with one exception.  runc also
 * allows mknod of any block device ("b *:* m"); moat does not.  A block node
 * is a handle on a host disk: with CAP_MKNOD a container could make one in a
 * volume a privileged host process later opens, or in a directory shared with
 * another container whose rules allow the open.  Nothing an image needs at
 * run time makes block nodes, and a config that needs one says so
 * (linux.devices, or a linux.resources.devices rule).  mknod of char devices
 * stays allowed ("c *:* m", what package installs making /dev/null-like
 * nodes rely on); opening one still needs its own rule below.
 */
static const struct moat_dev_rule default_rules[] = {
    {.allow = true, .type = 'c', .major = -1, .minor = -1, .access = MOAT_DEV_MKNOD},
    {.allow = true, .type = 'c', .major = 1, .minor = 3, .access = MOAT_DEV_ALL},    /* null */
    {.allow = true, .type = 'c', .major = 1, .minor = 8, .access = MOAT_DEV_ALL},    /* random */
    {.allow = true, .type = 'c', .major = 1, .minor = 7, .access = MOAT_DEV_ALL},    /* full */
    {.allow = true, .type = 'c', .major = 5, .minor = 0, .access = MOAT_DEV_ALL},    /* tty */
    {.allow = true, .type = 'c', .major = 1, .minor = 5, .access = MOAT_DEV_ALL},    /* zero */
    {.allow = true, .type = 'c', .major = 1, .minor = 9, .access = MOAT_DEV_ALL},    /* urandom */
    {.allow = true, .type = 'c', .major = 136, .minor = -1, .access = MOAT_DEV_ALL}, /* pts */
    {.allow = true, .type = 'c', .major = 5, .minor = 2, .access = MOAT_DEV_ALL},    /* ptmx */
};

#define N_DEFAULT (sizeof(default_rules) / sizeof(default_rules[0]))

void cg_dev_rules_build(const struct moat_resources *res, const struct moat_device *devs,
			size_t n_devs, struct moat_arena *a, struct cg_dev_rules *ret)
{
	size_t n_res = res && res->has_devices ? res->n_devices : 0;
	size_t n = 1 + n_res + N_DEFAULT + n_devs, k = 0;
	struct moat_dev_rule *r = moat_arena_alloc(a, n * sizeof(*r));

	r[k++] = (struct moat_dev_rule){
	    .allow = false, .type = 'a', .major = -1, .minor = -1, .access = MOAT_DEV_ALL};
	for (size_t i = 0; i < n_res; i++)
		r[k++] = res->devices[i];
	for (size_t i = 0; i < N_DEFAULT; i++)
		r[k++] = default_rules[i];
	for (size_t i = 0; i < n_devs; i++) {
		char t = devs[i].type == 'u' ? 'c' : devs[i].type;
		if (t != 'c' && t != 'b')
			continue; /* fifos need no device access */
		r[k++] = (struct moat_dev_rule){.allow = true,
						.type = t,
						.major = devs[i].major,
						.minor = devs[i].minor,
						.access = MOAT_DEV_ALL};
	}
	ret->r = r;
	ret->n = k;
}

const char *cg_dev_rule_v1(const struct moat_dev_rule *r, char *buf, size_t size)
{
	char maj[24] = "*", min[24] = "*", acc[4], *p = acc;

	/* The kernel reads an "a" rule as all devices, all access, whatever
	 * follows: it switches the default and drops the exceptions. */
	if (r->type == 'a') {
		snprintf(buf, size, "a");
		return buf;
	}
	if (r->major >= 0)
		snprintf(maj, sizeof(maj), "%lld", (long long)r->major);
	if (r->minor >= 0)
		snprintf(min, sizeof(min), "%lld", (long long)r->minor);
	if (r->access & MOAT_DEV_READ)
		*p++ = 'r';
	if (r->access & MOAT_DEV_WRITE)
		*p++ = 'w';
	if (r->access & MOAT_DEV_MKNOD)
		*p++ = 'm';
	*p = '\0';
	snprintf(buf, size, "%c %s:%s %s", r->type, maj, min, acc);
	return buf;
}
