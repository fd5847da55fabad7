/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's filesystem view, built in the init's new mount namespace:
 *
 *   1. "/" becomes a slave (or what rootfsPropagation says), so nothing done
 *      here propagates back to the host;
 *   2. the rootfs is bind-mounted onto itself and opened as rootfd;
 *   3. config mounts, in order, each attached with move_mount() onto an fd
 *      resolved inside rootfd (inroot.h says why);
 *   4. devices and the /dev links;
 *   5. (runtime runs prestart/createRuntime hooks)
 *   6. masked and read-only paths;
 *   7. pivot_root and the old root detached.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "container.h"
#include "inroot.h"
#include "sys/sys.h"

/* Apply attrs and propagation to a detached or attached mount fd. */
static int mount_fd_setattr(int mfd, uint64_t set, uint64_t clr, bool recursive,
			    unsigned long propagation, bool prop_rec)
{
	if (set || clr) {
		struct mount_attr a = { .attr_set = set, .attr_clr = clr };
		/* an atime mode is a field, not a bit: clear the field to set it */
		if ((set & MOUNT_ATTR__ATIME) || (clr & MOUNT_ATTR__ATIME))
			a.attr_clr |= MOUNT_ATTR__ATIME;
		if (mount_setattr(mfd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a,
				  sizeof(a)) < 0)
			return -errno;
	}
	if (propagation) {
		struct mount_attr a = { .propagation = propagation };
		if (mount_setattr(mfd, "", AT_EMPTY_PATH | (prop_rec ? AT_RECURSIVE : 0), &a,
				  sizeof(a)) < 0)
			return -errno;
	}
	return 0;
}

static int attach(int mfd, int destfd)
{
	if (move_mount(mfd, "", destfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* A new filesystem instance: fsopen + fsconfig per option + fsmount. */
static int fs_instance(const char *type, const char *source, char *const *data, size_t n_data,
		       uint64_t attrs, struct moat_err *err)
{
	int fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return moat_err_set(err, errno, "fsopen %s", type);
	int r = 0;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", source ? source : type, 0) < 0) {
		r = moat_err_set(err, errno, "%s: source", type);
		goto out;
	}
	for (size_t i = 0; i < n_data; i++) {
		char key[256];
		const char *eq = strchr(data[i], '=');
		int ok;
		if (eq) {
			snprintf(key, sizeof(key), "%.*s", (int)(eq - data[i]), data[i]);
			ok = fsconfig(fs, FSCONFIG_SET_STRING, key, eq + 1, 0);
		} else {
			ok = fsconfig(fs, FSCONFIG_SET_FLAG, data[i], NULL, 0);
		}
		if (ok < 0) {
			r = moat_err_set(err, errno, "%s: option \"%s\"", type, data[i]);
			goto out;
		}
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		r = moat_err_set(err, errno, "create %s", type);
		goto out;
	}
	/* atime fields are plain values for fsmount */
	r = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
	if (r < 0)
		r = moat_err_set(err, errno, "fsmount %s", type);
out:
	close(fs);
	return r;
}

/* A clone of a host path (bind source) as a detached mount. */
static int bind_source(const char *source, bool recursive, struct moat_err *err)
{
	int fd = open_tree(AT_FDCWD, source,
			   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
	if (fd < 0)
		return moat_err_set(err, errno, "bind source %s", source);
	return fd;
}

static enum inroot_kind kind_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		return INROOT_FILE;
	return INROOT_DIR;
}

/*
 * "cgroup" mounts: a read-only view of the container's own cgroups. On v1 a
 * tmpfs holds one bind of the container's directory per hierarchy; on v2
 * the container's cgroup2 directory is bound (with a cgroup namespace,
 * a cgroup2 instance shows the namespace's root).
 */
static int mount_cgroup(int rootfd, const struct moat_mount *m, const struct container *c,
			int destfd, struct moat_err *err);

static int mount_one(struct container *c, int rootfd, const struct moat_mount *m,
		     struct moat_err *err)
{
	int mfd = -1, destfd = -1, r;

	/* (inroot_mkpath below refuses a destination that escapes the root) */
	if (m->kind != MOAT_MOUNT_FS) {
		mfd = bind_source(m->source, m->kind == MOAT_MOUNT_RBIND, err);
		if (mfd < 0)
			return mfd;
		r = mount_fd_setattr(mfd, m->attr_set, m->attr_clr, m->recursive_attrs, 0, false);
		if (r < 0) {
			moat_err_set(err, -r, "set mount options");
			goto out;
		}
	}
	destfd = inroot_mkpath(rootfd, m->destination, mfd >= 0 ? kind_of(mfd) : INROOT_DIR, err);
	if (destfd < 0) {
		r = destfd;
		goto out;
	}
	if (m->kind == MOAT_MOUNT_FS && m->type && strcmp(m->type, "cgroup") == 0) {
		r = mount_cgroup(rootfd, m, c, destfd, err);
		goto out;
	}
	if (m->kind == MOAT_MOUNT_FS) {
		if (!m->type) {
			r = moat_err_setx(err, EINVAL, "type is required");
			goto out;
		}
		mfd = fs_instance(m->type, m->source, m->data, m->n_data, m->attr_set, err);
		if (mfd == -EPERM && strcmp(m->type, "sysfs") == 0) {
			/* sysfs needs a network namespace owned by the container's
			 * user namespace; without one, bind the host's (as runc). */
			mfd = bind_source("/sys", true, err);
			if (mfd >= 0 && mount_fd_setattr(mfd, m->attr_set | MOUNT_ATTR_RDONLY, 0, true,
							  0, false) < 0)
				mfd = moat_err_set(err, errno, "sysfs: read-only");
		}
		if (mfd < 0) {
			r = mfd;
			goto out;
		}
	}
	r = attach(mfd, destfd);
	if (r < 0) {
		moat_err_set(err, -r, "attach");
		goto out;
	}
	/* propagation is applied after pivot_root: rootfs_apply_propagation */
out:
	if (mfd >= 0)
		close(mfd);
	if (destfd >= 0)
		close(destfd);
	return r;
}

/* The container's directory in the hierarchy mounted with super options
 * opts ("rw,cpu,cpuacct", "rw,name=systemd"), from the cgroup handle the
 * runtime made: never from /proc/self/cgroup, which shows "/" inside a
 * cgroup namespace and would expose the host's whole hierarchy. */
static const char *hierarchy_dir(const struct moat_cgroup *cg, bool v2, char *opts)
{
	if (v2)
		return moat_cgroup_get_dir(cg, "");
	opts[strcspn(opts, "\n")] = '\0';
	for (char *save, *tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "rw") == 0 || strcmp(tok, "ro") == 0)
			continue;
		const char *dir = moat_cgroup_get_dir(cg, strncmp(tok, "name=", 5) == 0 ? tok + 5 : tok);
		if (dir)
			return dir;
	}
	return NULL;
}

static int mount_cgroup(int rootfd, const struct moat_mount *m, const struct container *c,
			int destfd, struct moat_err *err)
{
	char line[4096];
	uint64_t ro = m->attr_set | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	FILE *f;
	int r = 0;

	if (!c->cgroup)
		return moat_err_setx(err, ENOENT, "no cgroup was made for the container");
	/* unified host: the container's cgroup2 directory */
	if (moat_cgroup_get_layout(c->cgroup) == MOAT_CGROUP_V2) {
		const char *dir = moat_cgroup_get_dir(c->cgroup, "");
		int mfd = dir ? bind_source(dir, false, err) : moat_err_setx(err, ENOENT, "no cgroup2 dir");
		if (mfd < 0)
			return mfd;
		r = mount_fd_setattr(mfd, ro, 0, false, 0, false);
		if (r == 0)
			r = attach(mfd, destfd);
		close(mfd);
		return r < 0 ? moat_err_set(err, -r, "cgroup2") : 0;
	}

	/* v1 / hybrid: tmpfs + one read-only bind per hierarchy */
	int tfd = fs_instance("tmpfs", "cgroup", (char *[]){ "mode=755" }, 1,
			      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
	if (tfd < 0)
		return tfd;
	if ((r = attach(tfd, destfd)) < 0) {
		close(tfd);
		return moat_err_set(err, -r, "attach cgroup tmpfs");
	}
	f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		close(tfd);
		return moat_err_set(err, errno, "read mountinfo");
	}
	while (r == 0 && fgets(line, sizeof(line), f)) {
		/* ... mountpoint ... - fstype source superopts */
		char *sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup", 6) != 0)
			continue;
		bool v2 = strncmp(sep + 3, "cgroup2 ", 8) == 0;
		char *opts = strrchr(sep + 3, ' ');
		if (!opts)
			continue;
		opts++;
		char *fields[6];
		char *save, *p = line;
		int i;
		for (i = 0; i < 6 && (fields[i] = strtok_r(p, " ", &save)); i++)
			p = NULL;
		if (i < 6)
			continue;
		/* (the root field is no help: inside a cgroup namespace it is
		 * shown relative to the namespace's root) */
		const char *mnt = fields[4];
		if (strncmp(mnt, "/sys/fs/cgroup/", 15) != 0)
			continue;
		const char *name = mnt + 15;
		const char *dir = hierarchy_dir(c->cgroup, v2, opts);
		if (!dir)
			continue; /* a hierarchy the container has no cgroup in */
		char sub[PATH_MAX];
		snprintf(sub, sizeof(sub), "%s/%s", m->destination, name);
		int sfd = inroot_mkpath(rootfd, sub, INROOT_DIR, err);
		if (sfd < 0) {
			r = sfd;
			break;
		}
		int mfd = bind_source(dir, false, err);
		if (mfd >= 0) {
			r = mount_fd_setattr(mfd, ro, 0, false, 0, false);
			if (r == 0)
				r = attach(mfd, sfd);
			if (r < 0)
				moat_err_set(err, -r, "cgroup %s", name);
			close(mfd);
		} else {
			r = mfd;
		}
		close(sfd);
	}
	fclose(f);
	if (r == 0 && (m->attr_set & MOUNT_ATTR_RDONLY)) {
		struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
		if (mount_setattr(tfd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
			r = moat_err_set(err, errno, "cgroup tmpfs read-only");
	}
	close(tfd);
	return r;
}

struct default_dev {
	const char *path;
	unsigned major, minor;
};

static const struct default_dev default_devices[] = {
	{ "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 },  { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static bool in_user_ns(const struct moat_spec *spec)
{
	return moat_spec_namespace(spec, CLONE_NEWUSER) != NULL;
}

/* Create one device node; in a user namespace mknod is not allowed, so the
 * host's node is bind-mounted onto an empty file instead (as runc does). */
static int make_device(int rootfd, const struct moat_device *d, bool bind, struct moat_err *err)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", d->path);
	char *slash = strrchr(parent, '/');
	const char *name = slash + 1;
	if (slash == parent)
		strcpy(parent, "/");
	else
		*slash = '\0';

	int r = 0;
	int pfd = inroot_mkpath(rootfd, parent, INROOT_DIR, err);
	if (pfd < 0)
		return pfd;
	/* the parent is an O_PATH fd; reopen it as a directory for *at() calls */
	int dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(pfd);
	if (dfd < 0)
		return moat_err_set(err, errno, "open %s", parent);

	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	mode_t mode = d->has_mode ? d->mode : 0666;
	if (!bind) {
		unlinkat(dfd, name, 0); /* a node left in the image is replaced */
		if (mknodat(dfd, name, type | mode, makedev(d->major, d->minor)) < 0) {
			if (errno != EPERM) {
				r = moat_err_set(err, errno, "mknod %s", d->path);
				goto out;
			}
			bind = true;
		}
	}
	if (bind) {
		int f = openat(dfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (f < 0) {
			r = moat_err_set(err, errno, "create %s", d->path);
			goto out;
		}
		close(f);
		int target = inroot_open(rootfd, d->path, O_NOFOLLOW);
		int mfd = target >= 0 ? bind_source(d->path, false, err) : target;
		if (target >= 0 && mfd >= 0)
			r = attach(mfd, target);
		else
			r = target < 0 ? target : mfd;
		if (target >= 0)
			close(target);
		if (mfd >= 0)
			close(mfd);
		if (r < 0) {
			moat_err_set(err, -r, "bind host device %s", d->path);
			goto out;
		}
		goto out;
	}
	if (fchownat(dfd, name, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0,
		     AT_SYMLINK_NOFOLLOW) < 0)
		r = moat_err_set(err, errno, "chown %s", d->path);
out:
	close(dfd);
	return r;
}

static int make_devices(struct container *c, int rootfd, struct moat_err *err)
{
	const struct moat_spec *spec = c->spec;
	bool bind = in_user_ns(spec);
	int r;

	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		bool overridden = false;
		for (size_t j = 0; j < spec->n_devices; j++)
			overridden |= strcmp(spec->devices[j].path, default_devices[i].path) == 0;
		if (overridden)
			continue;
		struct moat_device d = { .path = (char *)default_devices[i].path, .type = 'c',
					 .major = default_devices[i].major,
					 .minor = default_devices[i].minor };
		if ((r = make_device(rootfd, &d, bind, err)) < 0)
			return r;
	}
	for (size_t j = 0; j < spec->n_devices; j++)
		if ((r = make_device(rootfd, &spec->devices[j], bind, err)) < 0)
			return moat_err_prefix(err, "linux.devices[%zu]", j);

	static const char *const links[][2] = {
		{ "/proc/self/fd", "/dev/fd" },     { "/proc/self/fd/0", "/dev/stdin" },
		{ "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
		{ "pts/ptmx", "/dev/ptmx" },
	};
	int dev = inroot_open(rootfd, "/dev", O_DIRECTORY);
	if (dev < 0)
		return 0; /* no /dev at all: nothing to link */
	int dfd = openat(dev, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(dev);
	if (dfd < 0)
		return moat_err_set(err, errno, "open /dev");
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		const char *name = links[i][1] + 5;
		if (strcmp(name, "ptmx") == 0)
			unlinkat(dfd, name, 0); /* an image's ptmx node is replaced by the link */
		if (symlinkat(links[i][0], dfd, name) < 0 && errno != EEXIST) {
			r = moat_err_set(err, errno, "symlink %s", links[i][1]);
			close(dfd);
			return r;
		}
	}
	mkdirat(dfd, "pts", 0755);
	mkdirat(dfd, "shm", 01777);
	close(dfd);
	return 0;
}

int rootfs_prepare(struct container *c, struct moat_err *err)
{
	const struct moat_spec *spec = c->spec;
	unsigned long prop = spec->rootfs_propagation ? spec->rootfs_propagation : MS_SLAVE | MS_REC;

	/* Nothing mounted from here on may reach the host. "shared" is applied
	 * to the new root after pivot_root (pivot_root refuses shared parents). */
	if (prop & MS_SHARED)
		prop = MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, prop | MS_REC, NULL) < 0)
		return moat_err_set(err, errno, "make / %s", prop & MS_PRIVATE ? "private" : "slave");
	/* the rootfs must be a mount point for pivot_root */
	if (mount(spec->root_path, spec->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return moat_err_set(err, errno, "root.path: bind %s", spec->root_path);
	int rootfd = open(spec->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return moat_err_set(err, errno, "root.path: open %s", spec->root_path);

	int r = 0;
	for (size_t i = 0; i < spec->n_mounts && r == 0; i++) {
		r = mount_one(c, rootfd, &spec->mounts[i], err);
		if (r < 0)
			moat_err_prefix(err, "mounts[%zu] (%s)", i, spec->mounts[i].destination);
	}
	if (r == 0)
		r = make_devices(c, rootfd, err);
	close(rootfd);
	return r;
}

static int mask_path(int rootfd, const char *path, struct moat_err *err)
{
	int fd = inroot_open(rootfd, path, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return moat_err_set(err, -fd, "open");
	int mfd;
	if (kind_of(fd) == INROOT_DIR)
		mfd = fs_instance("tmpfs", "tmpfs", (char *[]){ "size=0", "mode=0" }, 2,
				  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
				  err);
	else
		mfd = bind_source("/dev/null", false, err);
	int r = mfd;
	if (mfd >= 0) {
		r = attach(mfd, fd);
		if (r < 0)
			moat_err_set(err, -r, "mount over it");
		close(mfd);
	}
	close(fd);
	return r;
}

static int readonly_path(int rootfd, const char *path, struct moat_err *err)
{
	int fd = inroot_open(rootfd, path, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return moat_err_set(err, -fd, "open");
	int r = 0;
	int mfd = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (mfd < 0) {
		r = moat_err_set(err, errno, "clone");
	} else {
		r = mount_fd_setattr(mfd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
						  MOUNT_ATTR_NOEXEC, 0, true, 0, false);
		if (r == 0)
			r = attach(mfd, fd);
		if (r < 0)
			moat_err_set(err, -r, "make read-only");
		close(mfd);
	}
	close(fd);
	return r;
}

int rootfs_finish(struct container *c, struct moat_err *err)
{
	const struct moat_spec *spec = c->spec;
	int rootfd = open(spec->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return moat_err_set(err, errno, "root.path: open %s", spec->root_path);
	int r = 0;
	for (size_t i = 0; i < spec->n_masked_paths && r == 0; i++)
		if ((r = mask_path(rootfd, spec->masked_paths[i], err)) < 0)
			moat_err_prefix(err, "linux.maskedPaths[%zu] (%s)", i, spec->masked_paths[i]);
	for (size_t i = 0; i < spec->n_readonly_paths && r == 0; i++)
		if ((r = readonly_path(rootfd, spec->readonly_paths[i], err)) < 0)
			moat_err_prefix(err, "linux.readonlyPaths[%zu] (%s)", i,
					spec->readonly_paths[i]);
	close(rootfd);
	return r;
}

int rootfs_pivot(struct container *c, struct moat_err *err)
{
	const struct moat_spec *spec = c->spec;

	if (chdir(spec->root_path) < 0)
		return moat_err_set(err, errno, "chdir %s", spec->root_path);
	if (c->opts->no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return moat_err_set(err, errno, "--no-pivot: move rootfs to /");
		if (chroot(".") < 0)
			return moat_err_set(err, errno, "--no-pivot: chroot");
	} else {
		/* pivot_root(".", ".") stacks the old root on the new one; it is
		 * then made a slave (so the detach cannot propagate to the host)
		 * and detached, with everything under it. */
		if (sys_pivot_root(".", ".") < 0)
			return moat_err_set(err, errno, "pivot_root");
		if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return moat_err_set(err, errno, "make old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return moat_err_set(err, errno, "detach old root");
	}
	if (chdir("/") < 0)
		return moat_err_set(err, errno, "chdir /");
	return rootfs_apply_propagation(c, err);
}

/*
 * Mount propagation (shared, slave, private, unbindable) of config mounts
 * and of the root, applied once the old root is detached: making the old
 * root a slave and detaching it rewrites the propagation of what was
 * mounted under it, so a "shared" set earlier would not survive.
 */
int rootfs_apply_propagation(struct container *c, struct moat_err *err)
{
	const struct moat_spec *spec = c->spec;
	int rootfd = -1, r = 0;

	for (size_t i = 0; i < spec->n_mounts && r == 0; i++) {
		const struct moat_mount *m = &spec->mounts[i];
		if (!m->propagation)
			continue;
		if (rootfd < 0 && (rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return moat_err_set(err, errno, "open /");
		int fd = inroot_open(rootfd, m->destination, 0);
		if (fd < 0) {
			r = moat_err_set(err, -fd, "mounts[%zu] (%s): open", i, m->destination);
			break;
		}
		r = mount_fd_setattr(fd, 0, 0, false, m->propagation, m->propagation_rec);
		close(fd);
		if (r < 0)
			moat_err_set(err, -r, "mounts[%zu] (%s): set propagation", i, m->destination);
	}
	if (rootfd >= 0)
		close(rootfd);
	if (r == 0 && (spec->rootfs_propagation & (MS_SHARED | MS_UNBINDABLE)) &&
	    mount(NULL, "/", NULL, spec->rootfs_propagation, NULL) < 0)
		r = moat_err_set(err, errno, "linux.rootfsPropagation");
	return r;
}

int rootfs_make_readonly(struct moat_err *err)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };

	if (mount_setattr(AT_FDCWD, "/", 0, &a, sizeof(a)) < 0)
		return moat_err_set(err, errno, "root.readonly: remount / read-only");
	return 0;
}
