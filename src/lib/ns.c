/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "container.h"
#include "sys/sys.h"

static const char *ns_name(int type)
{
	switch (type) {
	case CLONE_NEWUSER: return "user";
	case CLONE_NEWPID: return "pid";
	case CLONE_NEWNET: return "network";
	case CLONE_NEWNS: return "mount";
	case CLONE_NEWIPC: return "ipc";
	case CLONE_NEWUTS: return "uts";
	case CLONE_NEWCGROUP: return "cgroup";
	case CLONE_NEWTIME: return "time";
	}
	return "?";
}

static int ns_join(const struct moat_namespace *ns, struct moat_err *err)
{
	int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return moat_err_set(err, errno, "join %s namespace: open %s", ns_name(ns->type), ns->path);
	int r = sys_setns(fd, ns->type);
	close(fd);
	if (r < 0)
		return moat_err_set(err, -r, "join %s namespace %s", ns_name(ns->type), ns->path);
	return 0;
}

static int time_ns_create(const struct moat_spec *spec, struct moat_err *err)
{
	char buf[128];
	int n = 0;

	if (unshare(CLONE_NEWTIME) < 0)
		return moat_err_set(err, errno, "unshare time namespace");
	/* Offsets can only be written before any process enters the namespace,
	 * which is why the init unshares it itself rather than clone3 doing it. */
	if (spec->time_monotonic.set)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
			      (long long)spec->time_monotonic.secs, spec->time_monotonic.nanosecs);
	if (spec->time_boottime.set)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
			      (long long)spec->time_boottime.secs, spec->time_boottime.nanosecs);
	/* the kernel takes one clock per write */
	for (char *line = buf; n > 0 && *line;) {
		char *nl = strchr(line, '\n');
		int r = sys_write_file(AT_FDCWD, "/proc/self/timens_offsets", line,
				       (size_t)(nl - line + 1));
		if (r < 0)
			return moat_err_set(err, -r, "linux.timeOffsets: write timens_offsets");
		line = nl + 1;
	}
	int fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return moat_err_set(err, errno, "open time_for_children");
	int r = sys_setns(fd, CLONE_NEWTIME);
	close(fd);
	if (r < 0)
		return moat_err_set(err, -r, "enter the new time namespace");
	return 0;
}

/*
 * Namespaces not created by clone3: joined ones (path set), the ones that
 * must come after a joined user namespace (so it owns them), cgroup (after
 * the cgroup is joined, so it is the namespace's root) and time (offsets).
 */
int ns_join_and_unshare(struct container *c, struct moat_err *err)
{
	const struct moat_spec *spec = c->spec;
	const struct moat_namespace *user = moat_spec_namespace(spec, CLONE_NEWUSER);
	bool user_joined = user && user->path;
	int r;

	if (user_joined && (r = ns_join(user, err)) < 0)
		return r;
	/* In a new or joined user namespace the init still carries the host
	 * ids it was cloned with, which map to nothing there (files it would
	 * create fail with EOVERFLOW): become root of the namespace, now that
	 * the maps are written. */
	if (user && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return moat_err_set(err, errno, "become root in the user namespace");
	int unshare_flags = 0;
	for (size_t i = 0; i < spec->n_namespaces; i++) {
		const struct moat_namespace *ns = &spec->namespaces[i];
		if (ns->type == CLONE_NEWUSER || ns->type == CLONE_NEWPID)
			continue; /* pid: handled around clone3 by the runtime */
		if (ns->path) {
			if ((r = ns_join(ns, err)) < 0)
				return r;
		} else if (ns->type == CLONE_NEWCGROUP || (user_joined && ns->type != CLONE_NEWTIME)) {
			unshare_flags |= ns->type;
		}
	}
	if (unshare_flags && unshare(unshare_flags) < 0)
		return moat_err_set(err, errno, "unshare namespaces 0x%x", unshare_flags);
	const struct moat_namespace *t = moat_spec_namespace(spec, CLONE_NEWTIME);
	if (t && !t->path && (r = time_ns_create(spec, err)) < 0)
		return r;
	return 0;
}

int ns_setup_net_loopback(struct moat_err *err)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return moat_err_set(err, errno, "loopback: socket");
	strcpy(ifr.ifr_name, "lo");
	int r = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (r == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		r = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	int e = errno;
	close(s);
	if (r < 0)
		return moat_err_set(err, e, "bring up loopback");
	return 0;
}

static int write_map(pid_t pid, const char *file, const struct moat_idmap *m, size_t n,
		     struct moat_err *err)
{
	char path[64], buf[4096];
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof(buf) - 40; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id,
					m[i].host_id, m[i].size);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int r = sys_write_file(AT_FDCWD, path, buf, len);
	if (r < 0)
		return moat_err_set(err, -r, "write %s", file);
	return 0;
}

int ns_write_id_maps(pid_t pid, const struct moat_spec *spec, struct moat_err *err)
{
	int r = write_map(pid, "uid_map", spec->uid_mappings, spec->n_uid_mappings, err);
	if (r < 0)
		return moat_err_prefix(err, "linux.uidMappings");
	r = write_map(pid, "gid_map", spec->gid_mappings, spec->n_gid_mappings, err);
	if (r < 0)
		return moat_err_prefix(err, "linux.gidMappings");
	return 0;
}

/* RTM_NEWLINK on the host interface: IFLA_NET_NS_FD moves it, IFLA_IFNAME renames it. */
static int netlink_move(int nl, const char *host, const char *name, int nsfd, struct moat_err *err)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[128];
	} req = { 0 };
	unsigned ifindex = if_nametoindex(host);
	if (!ifindex)
		return moat_err_set(err, errno, "interface %s", host);

	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = (int)ifindex;
	size_t off = NLMSG_LENGTH(sizeof(req.ifi));
	struct rtattr *a = (struct rtattr *)((char *)&req + off);
	a->rta_type = IFLA_NET_NS_FD;
	a->rta_len = RTA_LENGTH(sizeof(int));
	memcpy(RTA_DATA(a), &nsfd, sizeof(int));
	off += RTA_ALIGN(a->rta_len);
	a = (struct rtattr *)((char *)&req + off);
	a->rta_type = IFLA_IFNAME;
	a->rta_len = RTA_LENGTH(strlen(name) + 1);
	memcpy(RTA_DATA(a), name, strlen(name) + 1);
	off += RTA_ALIGN(a->rta_len);
	req.nh.nlmsg_len = (uint32_t)off;

	if (send(nl, &req, off, 0) < 0)
		return moat_err_set(err, errno, "netlink send");
	char buf[1024];
	ssize_t n = recv(nl, buf, sizeof(buf), 0);
	if (n < 0)
		return moat_err_set(err, errno, "netlink recv");
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	if (h->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(h);
		if (e->error)
			return moat_err_set(err, -e->error, "move %s into the container as %s", host,
					    name);
	}
	return 0;
}

int ns_move_net_devices(const struct container *c, struct moat_err *err)
{
	const struct moat_spec *spec = c->spec;
	char path[64];

	if (!spec->n_net_devices)
		return 0;
	const struct moat_namespace *net = moat_spec_namespace(spec, CLONE_NEWNET);
	if (!net)
		return moat_err_setx(err, EINVAL, "linux.netDevices: needs a network namespace");
	if (net->path)
		snprintf(path, sizeof(path), "%s", net->path);
	else
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->pid);
	int nsfd = open(net->path ? net->path : path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return moat_err_set(err, errno, "linux.netDevices: open network namespace");
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0) {
		close(nsfd);
		return moat_err_set(err, errno, "linux.netDevices: netlink socket");
	}
	int r = 0;
	for (size_t i = 0; i < spec->n_net_devices && r == 0; i++) {
		r = netlink_move(nl, spec->net_devices[i].key, spec->net_devices[i].value, nsfd, err);
		if (r < 0)
			moat_err_prefix(err, "linux.netDevices[\"%s\"]", spec->net_devices[i].key);
	}
	close(nl);
	close(nsfd);
	return r;
}

/*
 * Only sysctls that belong to a namespace the container owns may be set:
 * anything else would change the host (runc applies the same rule).
 */
static bool sysctl_allowed(const struct moat_spec *spec, const char *key)
{
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
					   "kernel.sem", "kernel.shmall", "kernel.shmmax",
					   "kernel.shmmni", "kernel.shm_rmid_forced" };
	const struct moat_namespace *ns;

	for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
		if (strcmp(key, ipc[i]) == 0)
			return (ns = moat_spec_namespace(spec, CLONE_NEWIPC)) && !ns->path;
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return (ns = moat_spec_namespace(spec, CLONE_NEWIPC)) && !ns->path;
	if (strncmp(key, "net.", 4) == 0)
		return (ns = moat_spec_namespace(spec, CLONE_NEWNET)) != NULL;
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return (ns = moat_spec_namespace(spec, CLONE_NEWUTS)) != NULL;
	return false;
}

int ns_apply_sysctl(const struct moat_spec *spec, struct moat_err *err)
{
	char path[512];

	for (size_t i = 0; i < spec->n_sysctl; i++) {
		const char *key = spec->sysctl[i].key;
		if (!sysctl_allowed(spec, key))
			return moat_err_setx(err, EPERM,
					     "linux.sysctl[\"%s\"]: not namespaced by this container's namespaces",
					     key);
		if (strstr(key, "..") || strchr(key, '/'))
			return moat_err_setx(err, EINVAL, "linux.sysctl[\"%s\"]: invalid name", key);
		int n = snprintf(path, sizeof(path), "/proc/sys/%s", key);
		for (char *p = path + 10; p < path + n; p++)
			if (*p == '.')
				*p = '/';
		const char *v = spec->sysctl[i].value;
		int r = sys_write_file(AT_FDCWD, path, v, strlen(v));
		if (r < 0)
			return moat_err_set(err, -r, "linux.sysctl[\"%s\"]: write %s", key, path);
	}
	return 0;
}
