/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compiled-BPF cache: one file per profile, <dir>/<fnv1a64 of key>.bpf.
 *
 * The key is the whole profile (a canonical binary form of every field that
 * changes the program) plus what else does: the native architecture, the
 * libseccomp version, and a format number bumped whenever compile.c changes
 * what it emits.  The file
 * keeps the full key and a load compares it byte for byte, so the 64-bit
 * hash only names the file: a collision costs a recompile, never a wrong
 * filter.  Files are trusted only when owned by us and not writable by
 * others, since whoever can write them chooses the container's filter.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp/internal.h"

/* Bump when compile.c changes the program it emits for the same profile. */
#define CACHE_FORMAT 1
#define CACHE_MAX_FILE (4u << 20)

static void key_u64(struct moat_buf *key, uint64_t v)
{
	moat_buf_add(key, (const char *)&v, sizeof(v));
}

static void key_str(struct moat_buf *key, const char *str)
{
	moat_buf_add(key, str, strlen(str) + 1);
}

/* Everything of the profile that changes the program, in a fixed binary
 * layout (writing JSON would cost ~10x more: this runs on every start).
 * Flags and the listener are applied at install, so they are left out. */
void seccomp_cache_key(const struct moat_seccomp *s, struct moat_buf *key)
{
	const struct scmp_version *v = seccomp_version();

	moat_buf_printf(key, "moat-seccomp-cache %d\nlibseccomp %u.%u.%u\narch %" PRIu32 "\n",
			CACHE_FORMAT, v->major, v->minor, v->micro, seccomp_arch_native());
	key_u64(key, s->default_action);
	key_u64(key, s->has_default_errno_ret ? s->default_errno_ret : UINT64_MAX);
	key_u64(key, s->n_architectures);
	for (size_t i = 0; i < s->n_architectures; i++)
		key_u64(key, s->architectures[i]);
	key_u64(key, s->n_syscalls);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct moat_seccomp_syscall *sc = &s->syscalls[i];
		key_u64(key, sc->n_names);
		for (size_t j = 0; j < sc->n_names; j++)
			key_str(key, sc->names[j]);
		key_u64(key, sc->action);
		key_u64(key, sc->has_errno_ret ? sc->errno_ret : UINT64_MAX);
		key_u64(key, sc->n_args);
		for (size_t j = 0; j < sc->n_args; j++) {
			const struct moat_seccomp_arg *a = &sc->args[j];
			key_u64(key, a->index);
			key_u64(key, a->op);
			key_u64(key, a->value);
			key_u64(key, a->value_two);
		}
	}
}

static uint64_t fnv1a64(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int cache_path(char *buf, size_t size, const char *dir, const struct moat_buf *key)
{
	int n = snprintf(buf, size, "%s/%016" PRIx64 ".bpf", dir, fnv1a64(key->data, key->len));
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

static bool read_all(int fd, char *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/* Is buf (size bytes) a well-formed cache file for key? */
static bool cache_valid(const char *buf, size_t size, const struct moat_buf *key)
{
	const struct cache_header *h = (const struct cache_header *)(const void *)buf;

	if (size < sizeof(*h) || memcmp(h->magic, "MOATBPF1", 8) != 0 || h->key_len != key->len)
		return false;
	if (h->n_insns == 0 || h->n_insns > BPF_MAXINSNS)
		return false;
	size_t key_room = ((size_t)h->key_len + 7) & ~(size_t)7;
	size_t want = sizeof(*h) + key_room + (size_t)h->n_insns * sizeof(struct sock_filter) +
		      h->skipped_len;
	if (want != size || memcmp(buf + sizeof(*h), key->data, key->len) != 0)
		return false;
	/* the names must end in a NUL, or indexing would run off the end */
	return h->skipped_len == 0 || buf[size - 1] == '\0';
}

struct moat_seccomp_filter *seccomp_cache_load(const char *dir, const struct moat_buf *key)
{
	char path[PATH_MAX];
	struct stat st;
	char *buf = NULL;

	if (cache_path(path, sizeof(path), dir, key) < 0)
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size <= 0 || (uint64_t)st.st_size > CACHE_MAX_FILE)
		goto out_close;
	buf = malloc((size_t)st.st_size);
	if (!buf)
		abort();
	if (!read_all(fd, buf, (size_t)st.st_size) || !cache_valid(buf, (size_t)st.st_size, key)) {
		free(buf);
		buf = NULL;
		goto out_close;
	}
out_close:
	close(fd);
	if (!buf)
		return NULL;
	struct moat_seccomp_filter *f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	f->storage = buf;
	f->cached = true;
	seccomp_filter_index(f);
	return f;
}

void seccomp_cache_store(const char *dir, const struct moat_seccomp_filter *f)
{
	const struct cache_header *h = f->storage;
	size_t size = sizeof(*h) + (((size_t)h->key_len + 7) & ~(size_t)7) +
		      (size_t)h->n_insns * sizeof(struct sock_filter) + h->skipped_len;
	const char *key = (const char *)f->storage + sizeof(*h);
	struct moat_buf kb = {.data = (char *)key, .len = h->key_len};
	char path[PATH_MAX], tmp[PATH_MAX];

	if (cache_path(path, sizeof(path), dir, &kb) < 0 ||
	    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof(tmp))
		return;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	/* written whole, then renamed: a reader sees the old file, the new
	 * one, or none, never a torn one (a crash leaves a stray .tmp) */
	ssize_t n = write(fd, f->storage, size);
	if (close(fd) < 0 || n != (ssize_t)size || rename(tmp, path) < 0)
		unlink(tmp);
}
