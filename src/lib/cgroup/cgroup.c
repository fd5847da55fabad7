/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The container's cgroup handle: create, serialize/open, join, update,
 * list, destroy.  What differs between layouts sits in v1.c / v2.c behind
 * struct cg_ops; what is the same on every layout (directories, the join
 * fds, pids, rmdir) is here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/internal.h"

#define WAIT_EMPTY_MS 5000

static struct moat_cgroup *handle_new(enum moat_cgroup_layout layout)
{
	struct moat_cgroup *cg = calloc(1, sizeof(*cg));

	if (!cg)
		abort();
	cg->layout = layout;
	cg->ops = layout == MOAT_CGROUP_V2 ? &cg_v2_ops : &cg_v1_ops;
	cg->v2 = -1;
	return cg;
}

static struct cg_hier *hier_add(struct moat_cgroup *cg, bool v2, const char *controllers,
				const char *mount, struct moat_err *err)
{
	if (cg->n_hier == MOAT_CGROUP_MAX_HIER) {
		moat_err_setx(err, E2BIG, "cgroup: more than %d hierarchies", MOAT_CGROUP_MAX_HIER);
		return NULL;
	}
	struct cg_hier *h = &cg->hier[cg->n_hier];
	*h = (struct cg_hier){.v2 = v2, .fd = -1};
	h->controllers = moat_arena_strdup(&cg->arena, controllers);
	h->mount = moat_arena_strdup(&cg->arena, mount);
	h->mask = v2 ? 0 : cg_ctrl_mask(controllers, ",");
	if (v2)
		cg->v2 = (int)cg->n_hier;
	cg->n_hier++;
	return h;
}

static void hier_set_rel(struct moat_cgroup *cg, struct cg_hier *h, const char *rel)
{
	h->rel = moat_arena_strdup(&cg->arena, rel);
	h->dir = moat_arena_printf(&cg->arena, "%s%s", h->mount, rel);
}

void moat_cgroup_free(struct moat_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n_hier; i++)
		if (cg->hier[i].fd >= 0)
			close(cg->hier[i].fd);
	moat_arena_free(&cg->arena);
	free(cg);
}

enum moat_cgroup_layout moat_cgroup_get_layout(const struct moat_cgroup *cg)
{
	return cg->layout;
}

const char *moat_cgroup_get_path(const struct moat_cgroup *cg)
{
	if (cg->v2 >= 0)
		return cg->hier[cg->v2].rel;
	return cg->n_hier ? cg->hier[0].rel : NULL;
}

const char *moat_cgroup_get_dir(const struct moat_cgroup *cg, const char *controller)
{
	if (!controller || !*controller || cg->layout == MOAT_CGROUP_V2)
		return cg->v2 >= 0 ? cg->hier[cg->v2].dir : NULL;
	for (size_t i = 0; i < cg->n_hier; i++) {
		const struct cg_hier *h = &cg->hier[i];
		if (h->v2)
			continue;
		for (const char *p = h->controllers; *p;) {
			size_t n = strcspn(p, ",");
			const char *c = p;
			if (strncmp(c, "name=", 5) == 0 && n > 5) {
				c += 5;
				n -= 5;
			}
			if (strlen(controller) == n && strncmp(c, controller, n) == 0)
				return h->dir;
			p = c + n;
			if (*p)
				p++;
		}
	}
	return NULL;
}

struct cg_hier *cg_hier_for(struct moat_cgroup *cg, enum cg_ctrl c)
{
	for (size_t i = 0; i < cg->n_hier; i++)
		if (!cg->hier[i].v2 && (cg->hier[i].mask & CG_BIT(c)))
			return &cg->hier[i];
	return NULL;
}

struct cg_hier *cg_hier_v2(struct moat_cgroup *cg)
{
	return cg->v2 >= 0 ? &cg->hier[cg->v2] : NULL;
}

struct cg_hier *cg_hier_procs(struct moat_cgroup *cg)
{
	static const enum cg_ctrl prefer[] = {CG_PIDS, CG_FREEZER, CG_MEMORY, CG_DEVICES, CG_CPU};
	struct cg_hier *h;

	if (cg->layout == MOAT_CGROUP_V2)
		return cg_hier_v2(cg);
	for (size_t i = 0; i < sizeof(prefer) / sizeof(prefer[0]); i++)
		if ((h = cg_hier_for(cg, prefer[i])))
			return h;
	for (size_t i = 0; i < cg->n_hier; i++)
		if (!cg->hier[i].v2)
			return &cg->hier[i];
	return cg_hier_v2(cg);
}

/* On cgroup2 what a cgroup can use is what its parent enabled. */
static void v2_read_mask(struct cg_hier *h)
{
	char buf[512];

	if (cg_read(h->fd, "cgroup.controllers", buf, sizeof(buf)) >= 0)
		h->mask = cg_ctrl_mask(buf, " \n");
}

int cg_hier_open(struct cg_hier *h, struct moat_err *err)
{
	if (h->fd >= 0)
		return 0;
	h->fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->fd < 0)
		return moat_err_set(err, errno, "cgroup %s", h->dir);
	if (h->v2)
		v2_read_mask(h);
	return 0;
}

/* The controllers the cgroup2 mount root offers. */
static unsigned v2_offered(const struct cg_hier *h)
{
	char buf[512];
	unsigned mask = 0;
	int fd = open(h->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (cg_read(fd, "cgroup.controllers", buf, sizeof(buf)) >= 0)
		mask = cg_ctrl_mask(buf, " \n");
	close(fd);
	return mask;
}

/* Enable want on every level above the leaf of an existing cgroup2 path
 * (update on hybrid: a controller the create did not need). */
static void v2_enable_path(struct cg_hier *h, unsigned want)
{
	struct moat_err ign;
	int cur = open(h->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (const char *p = h->rel + 1; cur >= 0 && *p;) {
		size_t n = strcspn(p, "/");
		char name[NAME_MAX + 1];

		if (p[n] == '\0' || n > NAME_MAX)
			break; /* the leaf enables nothing below itself */
		cg_v2_enable(cur, want, &ign);
		memcpy(name, p, n);
		name[n] = '\0';
		int next = openat(cur, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		close(cur);
		cur = next;
		p += n;
		p += strspn(p, "/");
	}
	if (cur >= 0) {
		cg_v2_enable(cur, want, &ign);
		close(cur);
	}
	v2_read_mask(h);
}

/* ---- serialization ---- */

void moat_cgroup_to_string(const struct moat_cgroup *cg, struct moat_buf *out)
{
	moat_buf_printf(out, "moat-cgroup 1 %s\n", moat_cgroup_layout_name(cg->layout));
	for (size_t i = 0; i < cg->n_hier; i++) {
		const struct cg_hier *h = &cg->hier[i];
		moat_buf_printf(out, "%s\t%s\t%s\t%s\n", h->v2 ? "v2" : "v1",
				*h->controllers ? h->controllers : "-", h->mount, h->rel);
	}
}

int moat_cgroup_open(const char *saved, struct moat_cgroup **ret, struct moat_err *err)
{
	enum moat_cgroup_layout layout;
	const char *nl = strchr(saved, '\n');
	char lay[16];

	if (!nl || sscanf(saved, "moat-cgroup 1 %15s", lay) != 1)
		return moat_err_setx(err, EINVAL, "cgroup: saved handle: bad header");
	if (strcmp(lay, "v1") == 0)
		layout = MOAT_CGROUP_V1;
	else if (strcmp(lay, "hybrid") == 0)
		layout = MOAT_CGROUP_HYBRID;
	else if (strcmp(lay, "v2") == 0)
		layout = MOAT_CGROUP_V2;
	else
		return moat_err_setx(err, EINVAL, "cgroup: saved handle: unknown layout %s", lay);

	struct moat_cgroup *cg = handle_new(layout);
	for (const char *p = nl + 1; *p;) {
		const char *end = strchrnul(p, '\n');
		char *line = moat_arena_strndup(&cg->arena, p, (size_t)(end - p));
		char *f[4], *save = NULL;
		int n = 0;

		for (char *t = strtok_r(line, "\t", &save); t && n < 4;
		     t = strtok_r(NULL, "\t", &save))
			f[n++] = t;
		if (n != 4 || (strcmp(f[0], "v1") && strcmp(f[0], "v2")) || f[2][0] != '/' ||
		    f[3][0] != '/') {
			moat_cgroup_free(cg);
			return moat_err_setx(err, EINVAL, "cgroup: saved handle: bad line");
		}
		struct cg_hier *h =
		    hier_add(cg, f[0][1] == '2', strcmp(f[1], "-") ? f[1] : "", f[2], err);
		if (!h) {
			moat_cgroup_free(cg);
			return -E2BIG;
		}
		hier_set_rel(cg, h, f[3]);
		p = *end ? end + 1 : end;
	}
	*ret = cg;
	return 0;
}

/* ---- create ---- */

static int read_self(const struct moat_cgroup_config *cfg, struct moat_arena *a,
		     struct cg_self_entry *ents, size_t max, struct moat_err *err)
{
	char *text = NULL;
	int n;

	if (cfg->self_cgroup) {
		n = cg_parse_self_cgroup(cfg->self_cgroup, a, ents, max);
	} else {
		int r = cg_read_all(AT_FDCWD, "/proc/self/cgroup", &text, NULL);
		if (r < 0)
			return moat_err_set(err, -r, "cgroup: read /proc/self/cgroup");
		n = cg_parse_self_cgroup(text, a, ents, max);
		free(text);
	}
	if (n < 0)
		return moat_err_setx(err, EINVAL, "cgroup: cannot parse /proc/self/cgroup");
	return n;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A v1 hierarchy not at root/<name>: look it up in mountinfo, and make own
 * relative to what is mounted there (a bind of a subtree, in containers). */
static const char *find_v1_mount(struct moat_cgroup *cg, const char *controllers, const char **own,
				 char **mountinfo)
{
	char *mount, *mroot;

	if (!*mountinfo && cg_read_all(AT_FDCWD, "/proc/self/mountinfo", mountinfo, NULL) < 0)
		return NULL;
	if (cg_find_mount(*mountinfo, controllers, &cg->arena, &mount, &mroot) < 0)
		return NULL;
	size_t rl = strlen(mroot);
	if (strcmp(mroot, "/") != 0 && strncmp(*own, mroot, rl) == 0 &&
	    ((*own)[rl] == '/' || (*own)[rl] == '\0'))
		*own = (*own)[rl] ? *own + rl : "/";
	return mount;
}

/* Find every hierarchy and where the container's cgroup goes in it. */
static int place(struct moat_cgroup *cg, const struct moat_cgroup_config *cfg, const char *root,
		 struct moat_err *err)
{
	struct cg_self_entry ents[32];
	char rel[4096], mnt[4096];
	char *mountinfo = NULL;
	int n = 0, r = 0;
	bool relative = !cfg->path || cfg->path[0] != '/';

	if (cg->layout != MOAT_CGROUP_V2 || relative)
		if ((n = read_self(cfg, &cg->arena, ents, 32, err)) < 0)
			return n;

	if (cg->layout == MOAT_CGROUP_V2) {
		const char *own = "/";
		for (int i = 0; i < n; i++)
			if (ents[i].id == 0 && !*ents[i].controllers)
				own = ents[i].path;
		struct cg_hier *h = hier_add(cg, true, "", root, err);
		if (!h ||
		    (r = cg_resolve_path(cfg->path, cfg->id, own, true, rel, sizeof(rel), err)) < 0)
			return h ? r : -E2BIG;
		hier_set_rel(cg, h, rel);
		return 0;
	}

	for (int i = 0; i < n && r == 0; i++) {
		const char *c = ents[i].controllers, *own = ents[i].path, *mount;
		bool v2 = !*c;

		if (v2 && cg->layout != MOAT_CGROUP_HYBRID)
			continue; /* cgroup2 listed but not mounted where we look */
		snprintf(mnt, sizeof(mnt), "%s/%s", root,
			 v2			       ? "unified"
			 : strncmp(c, "name=", 5) == 0 ? c + 5
						       : c);
		mount = mnt;
		if (!is_dir(mnt)) {
			mount = cfg->root || v2 ? NULL : find_v1_mount(cg, c, &own, &mountinfo);
			if (!mount)
				continue; /* listed by the kernel, not mounted: nothing to do there
					   */
		}
		struct cg_hier *h = hier_add(cg, v2, c, mount, err);
		if (!h) {
			r = -E2BIG;
			break;
		}
		r = cg_resolve_path(cfg->path, cfg->id, own, v2, rel, sizeof(rel), err);
		if (r == 0)
			hier_set_rel(cg, h, rel);
	}
	free(mountinfo);
	if (r == 0 && cg->n_hier == 0)
		r = moat_err_setx(err, ENOENT, "cgroup: no cgroup hierarchy mounted under %s",
				  root);
	return r;
}

/* Remove the levels create made in h (deepest first). */
static void unmake(struct cg_hier *h)
{
	char path[PATH_MAX];

	if (!h->made)
		return;
	if (h->fd >= 0) {
		close(h->fd);
		h->fd = -1;
	}
	snprintf(path, sizeof(path), "%s", h->dir);
	for (int i = 0; i < h->made; i++) {
		rmdir(path);
		char *slash = strrchr(path, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	h->made = 0;
}

static int make_dirs(struct moat_cgroup *cg, struct cg_hier *h, unsigned v2_want,
		     struct moat_err *err)
{
	int parent = -1, cur = open(h->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	if (cur < 0)
		return moat_err_set(err, errno, "cgroup %s", h->mount);
	if ((r = cg->ops->init_level(cg, h, -1, cur, false, false, v2_want, err)) < 0)
		goto out;
	for (const char *p = h->rel + 1; *p;) {
		size_t n = strcspn(p, "/");
		char name[NAME_MAX + 1];
		bool made = false, leaf = p[n] == '\0';

		if (n > NAME_MAX) {
			r = moat_err_setx(err, ENAMETOOLONG, "cgroup %s: name too long", h->dir);
			goto out;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if (mkdirat(cur, name, 0755) == 0) {
			made = true;
		} else if (errno != EEXIST) {
			r = moat_err_set(err, errno, "cgroup: mkdir %s (in %s)", name, h->mount);
			goto out;
		}
		if (made || h->made)
			h->made++;
		if (parent >= 0)
			close(parent);
		parent = cur;
		cur = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (cur < 0) {
			r = moat_err_set(err, errno, "cgroup: open %s (in %s)", name, h->mount);
			goto out;
		}
		if ((r = cg->ops->init_level(cg, h, parent, cur, made, leaf, v2_want, err)) < 0)
			goto out;
		p += n;
		p += strspn(p, "/");
	}
	/* keep the leaf open: the handle needs it next */
	if (h->fd < 0) {
		h->fd = cur;
		cur = -1;
		if (h->v2)
			v2_read_mask(h);
	}
out:
	if (parent >= 0)
		close(parent);
	if (cur >= 0)
		close(cur);
	return r;
}

/* A leaf we did not make may already hold processes: the spec says a
 * runtime may refuse, and sharing a cgroup silently mixes two containers. */
static int check_reused(struct cg_hier *h, struct moat_err *err)
{
	char buf[16];

	if (h->made)
		return 0;
	ssize_t n = cg_read(h->fd, "cgroup.procs", buf, sizeof(buf));
	if (n > 0)
		return moat_err_setx(err, EBUSY, "cgroup %s already has processes in it", h->dir);
	return 0;
}

static int write_rule(int fd, const struct moat_dev_rule *d, char *buf, size_t size)
{
	const char *s = cg_dev_rule_v1(d, buf, size);
	ssize_t n = write(fd, s, strlen(s));

	return n < 0 ? -errno : (size_t)n != strlen(s) ? -EIO : 0;
}

static int apply_devices(struct moat_cgroup *cg, const struct cg_dev_rules *rules, bool required,
			 struct moat_err *err)
{
	struct cg_hier *h = cg_hier_for(cg, CG_DEVICES);
	char buf[64] = "";
	int r;

	if (h) {
		if ((r = cg_hier_open(h, err)) < 0)
			return r;
		/* one open of each file: every write(2) is one rule */
		int fds[2] = {openat(h->fd, "devices.deny", O_WRONLY | O_CLOEXEC),
			      openat(h->fd, "devices.allow", O_WRONLY | O_CLOEXEC)};
		if (fds[0] < 0 || fds[1] < 0)
			r = moat_err_set(err, errno, "linux.resources.devices: open %s/devices.*",
					 h->dir);
		for (size_t i = 0; i < rules->n && r == 0; i++) {
			const struct moat_dev_rule *d = &rules->r[i];
			struct moat_dev_rule split = *d;

			/* v1 reads any "a" rule as everything: a partial one is
			 * written as the same rule for c and for b */
			if (d->type == 'a' &&
			    (d->major >= 0 || d->minor >= 0 || d->access != MOAT_DEV_ALL)) {
				split.type = 'c';
				r = write_rule(fds[d->allow], &split, buf, sizeof(buf));
				split.type = 'b';
			}
			if (r == 0)
				r = write_rule(fds[d->allow], &split, buf, sizeof(buf));
			if (r < 0)
				r = moat_err_set(
				    err, -r, "linux.resources.devices: write \"%s\" to %s/%s", buf,
				    h->dir, d->allow ? "devices.allow" : "devices.deny");
		}
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		return r;
	}
	if ((h = cg_hier_v2(cg))) {
		if ((r = cg_hier_open(h, err)) < 0)
			return r;
		return cg_bpf_attach(h->fd, rules, err);
	}
	if (required)
		return moat_err_setx(
		    err, ENOTSUP, "linux.resources.devices: no devices hierarchy and no cgroup2");
	return 0;
}

static int target_of(struct moat_cgroup *cg, bool update, struct cg_target *t)
{
	*t = (struct cg_target){.layout = cg->layout, .update = update};
	for (size_t i = 0; i < cg->n_hier; i++)
		if (!cg->hier[i].v2)
			t->v1_mask |= cg->hier[i].mask;
	return 0;
}

int cg_create_layout(const struct moat_cgroup_config *cfg, enum moat_cgroup_layout layout,
		     struct moat_cgroup **ret, struct moat_err *err)
{
	struct moat_cgroup *cg = handle_new(layout);
	const char *root = cfg->root ? cfg->root : "/sys/fs/cgroup";
	struct cg_plan plan = {.a = &cg->arena};
	struct cg_dev_rules rules = {0};
	struct cg_target t;
	struct cg_hier *v2;
	int r;

	if ((r = place(cg, cfg, root, err)) < 0)
		goto fail;
	target_of(cg, false, &t);
	/* what the cgroup2 side offers: its root's controllers */
	if ((v2 = cg_hier_v2(cg)))
		t.v2_mask = v2_offered(v2);
	/* config errors before any mkdir: a bad value leaves nothing behind */
	if ((r = cg_plan_resources(cfg->resources, &t, &plan, err)) < 0)
		goto fail;
	if (!cfg->skip_devices)
		cg_dev_rules_build(cfg->resources, cfg->devices, cfg->n_devices, &cg->arena,
				   &rules);

	/* v2: enable every controller on the way down (stats need them too);
	 * hybrid: only what the resources use, the rest of the host's cgroup2
	 * tree is none of our business */
	unsigned want = layout == MOAT_CGROUP_V2 ? ~0u : plan.v2_needed;
	for (size_t i = 0; i < cg->n_hier; i++)
		if ((r = make_dirs(cg, &cg->hier[i], want, err)) < 0)
			goto fail_unmake;
	for (size_t i = 0; i < cg->n_hier; i++)
		if ((r = cg_hier_open(&cg->hier[i], err)) < 0 ||
		    (r = check_reused(&cg->hier[i], err)) < 0)
			goto fail_unmake;
	if ((r = cg_plan_apply(cg, &plan, err)) < 0)
		goto fail_unmake;
	if (!cfg->skip_devices &&
	    (r = apply_devices(cg, &rules, cfg->resources && cfg->resources->has_devices, err)) < 0)
		goto fail_unmake;
	for (size_t i = 0; i < cg->n_hier; i++)
		cg->hier[i].made = 0;
	*ret = cg;
	return 0;

fail_unmake:
	for (size_t i = cg->n_hier; i-- > 0;)
		unmake(&cg->hier[i]);
fail:
	moat_cgroup_free(cg);
	return r;
}

int moat_cgroup_create(const struct moat_cgroup_config *cfg, struct moat_cgroup **ret,
		       struct moat_err *err)
{
	enum moat_cgroup_layout layout;
	int r = moat_cgroup_detect(cfg->root, &layout, err);

	if (r < 0)
		return r;
	return cg_create_layout(cfg, layout, ret, err);
}

/* ---- join ---- */

int moat_cgroup_join_prepare(struct moat_cgroup *cg, struct moat_cgroup_join *ret,
			     struct moat_err *err)
{
	struct moat_cgroup_join j = {.clone_fd = -1, .procs_fd = -1};
	int r;

	for (size_t i = 0; i < cg->n_hier; i++) {
		struct cg_hier *h = &cg->hier[i];

		if ((r = cg_hier_open(h, err)) < 0)
			goto fail;
		if (h->v2) {
			j.clone_fd = fcntl(h->fd, F_DUPFD_CLOEXEC, 3);
			j.procs_fd = openat(h->fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
			if (j.clone_fd < 0 || j.procs_fd < 0) {
				r = moat_err_set(err, errno, "cgroup %s/cgroup.procs", h->dir);
				goto fail;
			}
		} else {
			int fd = openat(h->fd, "tasks", O_WRONLY | O_CLOEXEC);
			if (fd < 0) {
				r = moat_err_set(err, errno, "cgroup %s/tasks", h->dir);
				goto fail;
			}
			j.tasks_fds[j.n_tasks++] = fd;
		}
	}
	*ret = j;
	return 0;
fail:
	moat_cgroup_join_release(&j);
	return r;
}

int moat_cgroup_join_self(const struct moat_cgroup_join *j, bool cloned_into)
{
	for (size_t i = 0; i < j->n_tasks; i++)
		if (write(j->tasks_fds[i], "0", 1) != 1)
			return -errno;
	if (!cloned_into && j->procs_fd >= 0 && write(j->procs_fd, "0", 1) != 1)
		return -errno;
	return 0;
}

void moat_cgroup_join_release(struct moat_cgroup_join *j)
{
	for (size_t i = 0; i < j->n_tasks; i++)
		close(j->tasks_fds[i]);
	j->n_tasks = 0;
	if (j->clone_fd >= 0)
		close(j->clone_fd);
	if (j->procs_fd >= 0)
		close(j->procs_fd);
	j->clone_fd = j->procs_fd = -1;
}

int moat_cgroup_attach(struct moat_cgroup *cg, pid_t pid, struct moat_err *err)
{
	char buf[32];
	int r;

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->n_hier; i++) {
		struct cg_hier *h = &cg->hier[i];
		if ((r = cg_hier_open(h, err)) < 0)
			return r;
		if ((r = cg_write(h->fd, "cgroup.procs", buf)) < 0)
			return moat_err_set(err, -r, "cgroup: move pid %d into %s", (int)pid,
					    h->dir);
	}
	return 0;
}

/* ---- update, freeze, kill, stats ---- */

int moat_cgroup_update(struct moat_cgroup *cg, const struct moat_resources *res,
		       struct moat_err *err)
{
	struct moat_arena a = {0};
	struct cg_plan plan = {.a = &a};
	struct cg_target t;
	struct cg_hier *v2 = cg_hier_v2(cg);
	int r;

	target_of(cg, true, &t);
	if (v2) {
		if ((r = cg_hier_open(v2, err)) < 0)
			return r;
		v2_read_mask(v2); /* it may have changed since the handle was opened */
		t.v2_mask = cg->layout == MOAT_CGROUP_V2 ? v2->mask : v2_offered(v2);
	}
	r = cg_plan_resources(res, &t, &plan, err);
	if (r == 0 && v2 && (plan.v2_needed & ~v2->mask))
		v2_enable_path(v2, plan.v2_needed);
	if (r == 0)
		r = cg_plan_apply(cg, &plan, err);
	moat_arena_free(&a);
	return r;
}

int moat_cgroup_freeze(struct moat_cgroup *cg, bool frozen, struct moat_err *err)
{
	return cg->ops->freeze(cg, frozen, err);
}

int moat_cgroup_is_frozen(struct moat_cgroup *cg, bool *ret, struct moat_err *err)
{
	return cg->ops->is_frozen(cg, ret, err);
}

int moat_cgroup_kill(struct moat_cgroup *cg, int sig, struct moat_err *err)
{
	return cg->ops->kill(cg, sig, err);
}

int moat_cgroup_stats(struct moat_cgroup *cg, struct moat_arena *a, struct moat_cgroup_stats *ret,
		      struct moat_err *err)
{
	*ret = (struct moat_cgroup_stats){0};
	return cg->ops->stats(cg, a, ret, err);
}

/* ---- pids ---- */

struct pid_list {
	pid_t *p;
	size_t n, cap;
};

static int collect(int dirfd, struct pid_list *l, int depth)
{
	char *text;
	int r = cg_read_all(dirfd, "cgroup.procs", &text, NULL);

	if (r < 0)
		return r;
	for (char *p = text; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 64;
			l->p = realloc(l->p, l->cap * sizeof(pid_t));
			if (!l->p)
				abort();
		}
		l->p[l->n++] = (pid_t)v;
		p = end + strspn(end, "\n");
	}
	free(text);
	if (depth > 64)
		return 0;

	/* processes in cgroups the container made below its own */
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue;
		collect(sub, l, depth + 1);
		close(sub);
	}
	closedir(d);
	return 0;
}

static int pids_of(struct cg_hier *h, struct pid_list *l, struct moat_err *err)
{
	int r = cg_hier_open(h, err);

	if (r < 0)
		return r;
	if ((r = collect(h->fd, l, 0)) < 0)
		return moat_err_set(err, -r, "cgroup %s/cgroup.procs", h->dir);
	return 0;
}

int moat_cgroup_pids(struct moat_cgroup *cg, pid_t **ret, size_t *ret_n, struct moat_err *err)
{
	struct pid_list l = {0};
	struct cg_hier *h = cg_hier_procs(cg);

	if (!h)
		return moat_err_setx(err, ENOENT, "cgroup: no hierarchy");
	int r = pids_of(h, &l, err);
	if (r < 0) {
		free(l.p);
		return r;
	}
	*ret = l.p;
	*ret_n = l.n;
	return 0;
}

int cg_signal_all(struct cg_hier *h, int sig, size_t *ret_n, struct moat_err *err)
{
	struct pid_list l = {0};
	int r = pids_of(h, &l, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < l.n; i++)
		kill(l.p[i], sig); /* ESRCH: it exited meanwhile */
	*ret_n = l.n;
	free(l.p);
	return 0;
}

int cg_kill_frozen(struct moat_cgroup *cg, struct cg_hier *procs, int sig, struct moat_err *err)
{
	struct moat_err ferr;
	bool was_frozen = false, froze = false;
	size_t n;
	int r;

	/* Frozen, no process can fork between listing and signalling. */
	if (cg->ops->is_frozen(cg, &was_frozen, &ferr) == 0 && !was_frozen)
		froze = cg->ops->freeze(cg, true, &ferr) == 0;
	r = cg_signal_all(procs, sig, &n, err);
	/* SIGKILL: thaw even a paused container, or v1 tasks never die */
	if (froze || (was_frozen && sig == SIGKILL))
		cg->ops->freeze(cg, false, &ferr);
	return r;
}

/* ---- destroy ---- */

static int wait_empty(struct moat_cgroup *cg, struct moat_err *err)
{
	struct cg_hier *h = cg_hier_procs(cg);

	for (unsigned waited = 0; h; waited += 10) {
		struct pid_list l = {0};
		int r = pids_of(h, &l, err);
		free(l.p);
		if (r == -ENOENT || (r == 0 && l.n == 0))
			return 0;
		if (r < 0)
			return r;
		if (waited >= WAIT_EMPTY_MS)
			return moat_err_setx(
			    err, EBUSY, "cgroup %s: %zu processes left after SIGKILL", h->dir, l.n);
		/* a process forked while we killed: kill again now and then */
		if (waited % 500 == 490) {
			struct moat_err kerr;
			cg->ops->kill(cg, SIGKILL, &kerr);
		}
		cg_sleep_ms(10);
	}
	return 0;
}

/* rmdir dir and the cgroups below it, deepest first. */
static int remove_tree(int parentfd, const char *name, int depth)
{
	/* the common case: no cgroup below, nothing left inside */
	if (unlinkat(parentfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return -errno;
	int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	for (struct dirent *e; depth < 64 && (e = readdir(d));)
		if (e->d_type == DT_DIR && e->d_name[0] != '.')
			remove_tree(dirfd(d), e->d_name, depth + 1);
	closedir(d);
	/* an exiting task can keep the cgroup busy for a moment */
	for (int i = 0; i < 100; i++) {
		if (unlinkat(parentfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		cg_sleep_ms(10);
	}
	return -errno;
}

int moat_cgroup_destroy(struct moat_cgroup *cg, unsigned flags, struct moat_err *err)
{
	int first = 0;

	if (!(flags & MOAT_CGROUP_KILL)) {
		/* refuse before removing anything, not halfway through */
		struct cg_hier *h = cg_hier_procs(cg);
		struct pid_list l = {0};
		struct moat_err perr;
		int r = h ? pids_of(h, &l, &perr) : 0;
		free(l.p);
		if (r == 0 && l.n)
			return moat_err_setx(err, EBUSY, "cgroup %s: %zu processes still in it",
					     h->dir, l.n);
	}
	if (flags & MOAT_CGROUP_KILL) {
		struct moat_err kerr;
		int r = cg->ops->kill(cg, SIGKILL, &kerr);
		if (r < 0 && r != -ENOENT) {
			*err = kerr;
			first = r;
		}
		if ((r = wait_empty(cg, err)) < 0 && !first)
			first = r;
	}
	for (size_t i = 0; i < cg->n_hier; i++) {
		struct cg_hier *h = &cg->hier[i];
		char parent[PATH_MAX];

		if (h->fd >= 0) {
			close(h->fd);
			h->fd = -1;
		}
		snprintf(parent, sizeof(parent), "%s", h->dir);
		char *slash = strrchr(parent, '/');
		if (!slash || slash == parent)
			continue; /* never the hierarchy's root */
		*slash = '\0';
		int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0) {
			if (errno != ENOENT && !first)
				first = moat_err_set(err, errno, "cgroup %s", parent);
			continue;
		}
		int r = remove_tree(pfd, slash + 1, 0);
		close(pfd);
		if (r < 0 && !first)
			first = moat_err_set(err, -r, "cgroup: remove %s", h->dir);
	}
	return first;
}
