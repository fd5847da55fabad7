/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Learning a profile from a run: a filter that hands every syscall to the
 * listener, a recorder that notes it and lets it proceed, and the profile
 * that allows exactly what was seen.
 *
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE lets the kernel run the syscall as if
 * no filter were there.  The man page warns it is unsafe as a security
 * decision (the target can change its memory between our look and the
 * kernel's); here it decides nothing, it only observes, so that is fine.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp/internal.h"

#define REC_MAX_NR 8192 /* MIPS n32 numbers reach ~6500 */
#define REC_MAX_ARCHES 4
#define X32_SYSCALL_BIT 0x40000000u

struct rec_arch {
	uint32_t token; /* SCMP_ARCH_* */
	uint8_t seen[REC_MAX_NR / 8];
};

struct moat_seccomp_recorder {
	int fd;
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct rec_arch arches[REC_MAX_ARCHES];
	size_t n_arches;
	size_t count;
};

/* Syscalls a rerun may make where the recorded run happened not to:
 * signal delivery and restart depend on timing, and every process ends. */
static const char *const always_allowed[] = {"exit", "exit_group", "restart_syscall",
					     "rt_sigreturn"};

int moat_seccomp_record_filter(struct moat_seccomp_filter **ret, struct moat_err *err)
{
	static const char key[] = "moat-seccomp-record 1";
	const struct sock_filter notify_all = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);

	struct moat_seccomp_filter *f =
	    seccomp_filter_build(key, sizeof(key) - 1, &notify_all, 1, NULL, 0, 0);
	f->notify = true;
	f->kernel_flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	*ret = f;
	return 0;
}

int moat_seccomp_recorder_new(int notify_fd, struct moat_seccomp_recorder **ret,
			      struct moat_err *err)
{
	struct moat_seccomp_recorder *rec = calloc(1, sizeof(*rec));

	if (!rec)
		abort();
	rec->fd = notify_fd;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &rec->sizes) < 0) {
		int e = errno;
		moat_seccomp_recorder_free(rec);
		return moat_err_set(err, e, "seccomp: SECCOMP_GET_NOTIF_SIZES");
	}
	/* the kernel's structs may be larger than our headers' */
	rec->req = calloc(1, rec->sizes.seccomp_notif > sizeof(*rec->req) ? rec->sizes.seccomp_notif
									  : sizeof(*rec->req));
	rec->resp = calloc(1, rec->sizes.seccomp_notif_resp > sizeof(*rec->resp)
				  ? rec->sizes.seccomp_notif_resp
				  : sizeof(*rec->resp));
	if (!rec->req || !rec->resp)
		abort();
	*ret = rec;
	return 0;
}

void moat_seccomp_recorder_free(struct moat_seccomp_recorder *rec)
{
	if (!rec)
		return;
	if (rec->fd >= 0)
		close(rec->fd);
	free(rec->req);
	free(rec->resp);
	free(rec);
}

int moat_seccomp_recorder_fd(const struct moat_seccomp_recorder *rec)
{
	return rec->fd;
}

size_t moat_seccomp_recorder_count(const struct moat_seccomp_recorder *rec)
{
	return rec->count;
}

static void note(struct moat_seccomp_recorder *rec, uint32_t audit_arch, int nr)
{
	uint32_t token = audit_arch;

	if (audit_arch == AUDIT_ARCH_X86_64 && ((uint32_t)nr & X32_SYSCALL_BIT)) {
		token = SCMP_ARCH_X32;
		nr = (int)((uint32_t)nr & ~X32_SYSCALL_BIT);
	}
	if (nr < 0 || nr >= REC_MAX_NR)
		return;
	struct rec_arch *a = NULL;
	for (size_t i = 0; i < rec->n_arches && !a; i++)
		if (rec->arches[i].token == token)
			a = &rec->arches[i];
	if (!a) {
		if (rec->n_arches == REC_MAX_ARCHES)
			return;
		a = &rec->arches[rec->n_arches++];
		a->token = token;
	}
	uint8_t bit = (uint8_t)(1u << (nr % 8));
	if (!(a->seen[nr / 8] & bit)) {
		a->seen[nr / 8] |= bit;
		rec->count++;
	}
}

int moat_seccomp_recorder_handle(struct moat_seccomp_recorder *rec, struct moat_err *err)
{
	memset(rec->req, 0, rec->sizes.seccomp_notif);
	if (ioctl(rec->fd, SECCOMP_IOCTL_NOTIF_RECV, rec->req) < 0) {
		/* ENOENT: the target was killed while we waited for it */
		if (errno == EINTR || errno == ENOENT)
			return 0;
		return moat_err_set(err, errno, "seccomp recorder: receive");
	}
	note(rec, rec->req->data.arch, rec->req->data.nr);
	memset(rec->resp, 0, rec->sizes.seccomp_notif_resp);
	rec->resp->id = rec->req->id;
	rec->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (ioctl(rec->fd, SECCOMP_IOCTL_NOTIF_SEND, rec->resp) < 0 && errno != ENOENT)
		return moat_err_set(err, errno, "seccomp recorder: answer");
	return 0;
}

int moat_seccomp_recorder_run(struct moat_seccomp_recorder *rec, int stop_fd, struct moat_err *err)
{
	for (;;) {
		struct pollfd p[2] = {{.fd = rec->fd, .events = POLLIN},
				      {.fd = stop_fd, .events = POLLIN}};
		if (poll(p, stop_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return moat_err_set(err, errno, "seccomp recorder: poll");
		}
		if (p[0].revents & POLLIN) {
			int r = moat_seccomp_recorder_handle(rec, err);
			if (r < 0)
				return r;
			continue;
		}
		/* POLLHUP: the last task using the filter is gone */
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			return 0;
		if (stop_fd >= 0 && p[1].revents)
			return 0;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_unique(struct moat_seccomp_syscall *sc, struct moat_arena *a, const char *name)
{
	for (size_t i = 0; i < sc->n_names; i++)
		if (strcmp(sc->names[i], name) == 0)
			return;
	sc->names[sc->n_names++] = moat_arena_strdup(a, name);
}

static void add_arch(struct moat_seccomp *s, uint32_t token)
{
	for (size_t i = 0; i < s->n_architectures; i++)
		if (s->architectures[i] == token)
			return;
	s->architectures[s->n_architectures++] = token;
}

struct moat_seccomp *moat_seccomp_recorder_profile(const struct moat_seccomp_recorder *rec,
						   struct moat_arena *a)
{
	struct moat_seccomp *s = moat_arena_alloc(a, sizeof(*s));
	struct moat_seccomp_syscall *sc = moat_arena_alloc(a, sizeof(*sc));

	s->default_action = MOAT_SECCOMP_ACT_ERRNO;
	s->has_default_errno_ret = true;
	s->default_errno_ret = EPERM;
	s->architectures = moat_arena_alloc(a, (REC_MAX_ARCHES + 1) * sizeof(*s->architectures));
	add_arch(s, seccomp_arch_native());
	sc->action = MOAT_SECCOMP_ACT_ALLOW;
	sc->names = moat_arena_alloc(a, (rec->count + ARRAY_SIZE(always_allowed)) * sizeof(char *));
	for (size_t i = 0; i < ARRAY_SIZE(always_allowed); i++)
		add_unique(sc, a, always_allowed[i]);
	for (size_t i = 0; i < rec->n_arches; i++) {
		const struct rec_arch *ra = &rec->arches[i];
		add_arch(s, ra->token);
		for (int nr = 0; nr < REC_MAX_NR; nr++) {
			if (!(ra->seen[nr / 8] & (1u << (nr % 8))))
				continue;
			int num =
			    ra->token == SCMP_ARCH_X32 ? (int)((uint32_t)nr | X32_SYSCALL_BIT) : nr;
			char *name = seccomp_syscall_resolve_num_arch(ra->token, num);
			if (name)
				add_unique(sc, a, name);
			free(name);
		}
	}
	qsort(sc->names, sc->n_names, sizeof(*sc->names), cmp_str);
	s->syscalls = sc;
	s->n_syscalls = 1;
	return s;
}
