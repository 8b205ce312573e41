/* fsx.c - locked outputs, unpredictable temporaries, renames that replace a
 * link rather than follow it. See fsx.h. */
#define _GNU_SOURCE
#include "fsx.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int fsx_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0) {
			errno = EIO;
			return -1;
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

int fsx_random_hex(char *buf, size_t nbytes)
{
	unsigned char r[32];
	if (nbytes > sizeof r)
		nbytes = sizeof r;
	size_t got = 0;
	while (got < nbytes) {
		ssize_t k = getrandom(r + got, nbytes - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		got += (size_t)k;
	}
	for (size_t i = 0; i < nbytes; i++)
		snprintf(buf + 2 * i, 3, "%02x", r[i]);
	return 0;
}

int fsx_path_open(struct fsx_path *p, const char *path, struct rl_err *e)
{
	snprintf(p->shown, sizeof p->shown, "%s", path);
	p->dirfd = -1;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return rl_fail(e, RL_EINPUT, "%s: names a folder, not a file", path);
	if (strlen(base) >= sizeof p->base)
		return rl_fail(e, RL_EINPUT, "%s: file name too long", path);
	snprintf(p->base, sizeof p->base, "%s", base);
	char dir[4096];
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	p->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dirfd < 0)
		return rl_fail(e, errno == ENOENT || errno == ENOTDIR ? RL_EINPUT : RL_ESYS,
			       "%s: folder %s: %s", path, dir, strerror(errno));
	return 0;
}

void fsx_path_close(struct fsx_path *p)
{
	if (p->dirfd >= 0)
		close(p->dirfd);
	p->dirfd = -1;
}

/* The process that placed the flock held on (dev, ino), from /proc/locks:
   1 if it is still running, 0 if it has ended (the lock then lives on only
   in descriptors its dying children inherited), -1 if unknown. */
static int locker_alive(dev_t dev, ino_t ino)
{
	FILE *f = fopen("/proc/locks", "re");
	if (!f)
		return -1;
	char line[256], want[96];
	snprintf(want, sizeof want, "%02x:%02x:%lu", major(dev), minor(dev), (unsigned long)ino);
	int alive = -1;
	while (fgets(line, sizeof line, f)) {
		char type[16], adv[16], mode[16], where[96];
		long pid;
		if (strstr(line, "->"))
			continue; /* a waiter, not a holder */
		if (sscanf(line, "%*[^:]: %15s %15s %15s %ld %95s", type, adv, mode, &pid, where) != 5)
			continue;
		if (strcmp(type, "FLOCK") != 0 || strcmp(where, want) != 0)
			continue;
		char path[64], stat[512];
		snprintf(path, sizeof path, "/proc/%ld/stat", pid);
		FILE *s = fopen(path, "re");
		alive = 0;
		if (s) {
			if (fgets(stat, sizeof stat, s)) {
				const char *paren = strrchr(stat, ')');
				alive = !(paren && (paren[2] == 'Z' || paren[2] == 'X'));
			}
			fclose(s);
		}
		break;
	}
	fclose(f);
	return alive;
}

int fsx_lock_existing(const struct fsx_path *p, int flags, int *out, struct rl_err *e)
{
	int grace = 300; /* x 10 ms: for the dying children of a run that ended */
	*out = -1;
	for (int tries = 0; tries < 100; tries++) {
		int fd = openat(p->dirfd, p->base, flags | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0 && errno == ENOENT)
			return 0;
		if (fd < 0 && errno == ELOOP)
			return rl_fail(e, RL_EINPUT, "%s: is a symbolic link; will not follow it (name its target)",
				       p->shown);
		if (fd < 0)
			return rl_fail(e, RL_ESYS, "%s: %s", p->shown, strerror(errno));
		struct stat a, b;
		if (fstat(fd, &a) != 0) {
			close(fd);
			return rl_fail(e, RL_ESYS, "%s: %s", p->shown, strerror(errno));
		}
		if (!S_ISREG(a.st_mode)) {
			close(fd);
			return rl_fail(e, RL_EINPUT, "%s: not a regular file", p->shown);
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			int err = errno;
			close(fd);
			if (err == EWOULDBLOCK && grace > 0 && locker_alive(a.st_dev, a.st_ino) == 0) {
				/* the run that locked it is gone (killed): its workers,
				   which inherited the descriptor, are dying this instant */
				grace--;
				tries--;
				usleep(10000);
				continue;
			}
			if (err == EWOULDBLOCK)
				return rl_fail(e, RL_EBUSY,
					       "%s: another run is writing it (its lock is held); will not touch it",
					       p->shown);
			return rl_fail(e, RL_ESYS, "%s: flock: %s", p->shown, strerror(err));
		}
		/* the lock is on the inode we opened: is it still the one at the path? */
		if (fstatat(p->dirfd, p->base, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			int fl = fcntl(fd, F_GETFL);
			if (fl >= 0)
				fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
			*out = fd;
			return 0;
		}
		close(fd); /* replaced meanwhile: look again */
	}
	return rl_fail(e, RL_EBUSY, "%s: keeps being replaced by another process", p->shown);
}

static int named_tmp(const struct fsx_path *p, struct fsx_new *n, struct rl_err *e)
{
	for (int tries = 0; tries < 16; tries++) {
		char hex[17];
		if (fsx_random_hex(hex, 8) != 0)
			return rl_fail(e, RL_ESYS, "getrandom: %s", strerror(errno));
		snprintf(n->tmp, sizeof n->tmp, ".%.200s.%s.tmp", p->base, hex);
		n->fd = openat(p->dirfd, n->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (n->fd >= 0) {
			n->named = 1;
			return 0;
		}
		if (errno != EEXIST)
			return rl_fail(e, RL_ESYS, "%s: cannot create a file beside it: %s", p->shown,
				       strerror(errno));
	}
	return rl_fail(e, RL_ESYS, "%s: no free temporary name", p->shown);
}

int fsx_new_open(const struct fsx_path *p, struct fsx_new *n, struct rl_err *e)
{
	n->named = 0;
	n->tmp[0] = '\0';
	n->fd = openat(p->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (n->fd < 0) {
		if (errno == EACCES || errno == EROFS || errno == ENOSPC || errno == EDQUOT)
			return rl_fail(e, RL_ESYS, "%s: cannot create: %s", p->shown, strerror(errno));
		int rc = named_tmp(p, n, e); /* the file system has no O_TMPFILE */
		if (rc != 0)
			return rc;
	}
	if (flock(n->fd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		fsx_new_abort(p, n);
		return rl_fail(e, RL_ESYS, "%s: flock: %s", p->shown, strerror(err));
	}
	return 0;
}

void fsx_new_abort(const struct fsx_path *p, struct fsx_new *n)
{
	if (n->named && n->tmp[0])
		unlinkat(p->dirfd, n->tmp, 0);
	n->tmp[0] = '\0';
	n->named = 0;
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

/* give the unnamed file a name in the folder: `name` must not exist */
static int link_unnamed(const struct fsx_path *p, struct fsx_new *n, const char *name)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", n->fd);
	if (linkat(AT_FDCWD, proc, p->dirfd, name, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno == EEXIST)
		return -1;
	/* no /proc: AT_EMPTY_PATH, which needs CAP_DAC_READ_SEARCH */
	int err = errno;
	if (linkat(n->fd, "", p->dirfd, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != EEXIST)
		errno = err;
	return -1;
}

int fsx_new_commit(const struct fsx_path *p, struct fsx_new *n, int replace, struct rl_err *e)
{
	if (!n->named) {
		if (!replace) {
			/* linkat never replaces: the path must still be free */
			if (link_unnamed(p, n, p->base) == 0)
				return 0;
			if (errno == EEXIST)
				return rl_fail(e, RL_EBUSY, "%s: created by another process meanwhile; will not touch it",
					       p->shown);
			return rl_fail(e, RL_ESYS, "%s: link: %s", p->shown, strerror(errno));
		}
		for (int tries = 0;; tries++) {
			char hex[17];
			if (fsx_random_hex(hex, 8) != 0)
				return rl_fail(e, RL_ESYS, "getrandom: %s", strerror(errno));
			snprintf(n->tmp, sizeof n->tmp, ".%.200s.%s.tmp", p->base, hex);
			if (link_unnamed(p, n, n->tmp) == 0)
				break;
			if (errno != EEXIST || tries == 16)
				return rl_fail(e, RL_ESYS, "%s: link: %s", p->shown, strerror(errno));
		}
		n->named = 1;
	}
	int rc = replace ? renameat(p->dirfd, n->tmp, p->dirfd, p->base)
			 : renameat2(p->dirfd, n->tmp, p->dirfd, p->base, RENAME_NOREPLACE);
	if (rc != 0 && !replace && (errno == EINVAL || errno == ENOSYS)) {
		/* no RENAME_NOREPLACE here: link (which never replaces), then unlink */
		rc = linkat(p->dirfd, n->tmp, p->dirfd, p->base, 0);
		if (rc == 0)
			unlinkat(p->dirfd, n->tmp, 0);
	}
	if (rc != 0) {
		int err = errno;
		unlinkat(p->dirfd, n->tmp, 0);
		n->named = 0;
		n->tmp[0] = '\0';
		if (err == EEXIST)
			return rl_fail(e, RL_EBUSY, "%s: created by another process meanwhile; will not touch it",
				       p->shown);
		return rl_fail(e, RL_ESYS, "%s: rename: %s", p->shown, strerror(err));
	}
	n->named = 0;
	n->tmp[0] = '\0';
	return 0;
}

int fsx_write_file(const struct fsx_path *p, const char *data, size_t len, struct rl_err *e)
{
	struct fsx_new n;
	int rc = fsx_new_open(p, &n, e);
	if (rc != 0)
		return rc;
	if (fsx_write_all(n.fd, data, len) != 0) {
		int err = errno;
		fsx_new_abort(p, &n);
		return rl_fail(e, RL_ESYS, "%s: write failed: %s", p->shown, strerror(err));
	}
	struct stat st;
	int exists = fstatat(p->dirfd, p->base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	rc = fsx_new_commit(p, &n, exists, e);
	if (rc != 0) {
		fsx_new_abort(p, &n);
		return rc;
	}
	close(n.fd);
	return 0;
}

int fsx_read_file(const char *path, size_t max, char **out, size_t *len, struct rl_err *e)
{
	*out = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return rl_fail(e, errno == ENOENT ? RL_EINPUT : RL_ESYS, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		int err = errno;
		close(fd);
		if (!S_ISREG(st.st_mode))
			return rl_fail(e, RL_EINPUT, "%s: not a regular file", path);
		if ((size_t)st.st_size > max)
			return rl_fail(e, RL_EINPUT, "%s: larger than %zu bytes", path, max);
		return rl_fail(e, RL_ESYS, "%s: %s", path, strerror(err));
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	size_t got = 0;
	for (;;) {
		ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int err = errno;
			free(buf);
			close(fd);
			return rl_fail(e, RL_ESYS, "%s: read: %s", path, strerror(err));
		}
		if (k == 0 || (got += (size_t)k) == (size_t)st.st_size)
			break;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

void fsx_read_line(const char *path, char *buf, size_t len)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}
