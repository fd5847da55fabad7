/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and writing cgroup files relative to a directory fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "sys/sys.h"

int cg_write(int dirfd, const char *file, const char *value)
{
	/* O_TRUNC: harmless on cgroupfs, and makes a fake tree in tests read
	 * back exactly the last value written. */
	int fd = openat(dirfd, file, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t len = strlen(value);
	/* cgroup files parse each write(2) as one value: never split it */
	ssize_t n = write(fd, value, len);
	int r = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	close(fd);
	return r;
}

ssize_t cg_read(int dirfd, const char *file, char *buf, size_t size)
{
	return sys_read_file(dirfd, file, buf, size);
}

int cg_read_all(int dirfd, const char *file, char **ret, size_t *ret_len)
{
	return sys_read_all(dirfd, file, SIZE_MAX / 2, ret, ret_len);
}

static int parse_u64(const char *s, uint64_t *ret)
{
	char *end;

	if (strncmp(s, "max", 3) == 0 && (s[3] == '\0' || s[3] == '\n' || s[3] == ' ')) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || (*end && *end != '\n' && *end != ' '))
		return -EINVAL;
	*ret = v;
	return 0;
}

int cg_read_u64(int dirfd, const char *file, uint64_t *ret)
{
	char buf[64];
	ssize_t n = cg_read(dirfd, file, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return parse_u64(buf, ret);
}

int cg_read_key(int dirfd, const char *file, const char *key, uint64_t *ret)
{
	char buf[8192];
	ssize_t n = cg_read(dirfd, file, buf, sizeof(buf));
	size_t kl = strlen(key);

	if (n < 0)
		return (int)n;
	for (char *p = buf; *p;) {
		char *nl = strchrnul(p, '\n');
		if ((size_t)(nl - p) > kl && strncmp(p, key, kl) == 0 && p[kl] == ' ')
			return parse_u64(p + kl + 1, ret);
		p = *nl ? nl + 1 : nl;
	}
	return -ENODATA;
}

bool cg_file_exists(int dirfd, const char *file)
{
	return faccessat(dirfd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

void cg_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
