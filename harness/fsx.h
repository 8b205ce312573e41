/* fsx.h - files in folders other people share.
 *
 * An output is locked against a second writer for as long as it is written
 * (flock on the file now at its path), is built under no name (O_TMPFILE) or
 * an unpredictable one (O_EXCL), and takes its path only when complete, by a
 * rename in the same folder: a rename replaces whatever is at the path, a
 * planted symbolic link included, and never writes through it. Used by race
 * (the CSV and its .meta) and racestat (its output folder). */
#ifndef RACELAB_FSX_H
#define RACELAB_FSX_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* A path split into its folder (opened) and its last component. */
struct fsx_path {
	int dirfd;
	char base[256];
	char shown[4096];    /* the path as given, for messages */
};

int fsx_path_open(struct fsx_path *p, const char *path, struct rl_err *e);
void fsx_path_close(struct fsx_path *p);

/* Lock the file at p (if any) with flock(LOCK_EX | LOCK_NB), making sure
 * the locked inode is the one at the path. *fd gets the locked descriptor
 * (opened `flags`, never following a link) or -1 when no file is there.
 * A lock held by another process is refused at once: RL_EBUSY. A symbolic
 * link or a file that is not regular: RL_EINPUT. */
int fsx_lock_existing(const struct fsx_path *p, int flags, int *fd, struct rl_err *e);

/* A new file that will replace p's: unnamed (O_TMPFILE) where the file
 * system allows, else an O_EXCL name `.<base>.<random>.tmp`; locked. */
struct fsx_new {
	int fd;
	int named;           /* 1: tmp is a name in the folder */
	char tmp[320];
};
int fsx_new_open(const struct fsx_path *p, struct fsx_new *n, struct rl_err *e);
/* Put the new file at p's path. `replace`: a file is there and we hold its
 * lock, so replace it; otherwise the path must still be free (no other
 * process created it meanwhile). The descriptor stays open (and locked). */
int fsx_new_commit(const struct fsx_path *p, struct fsx_new *n, int replace, struct rl_err *e);
void fsx_new_abort(const struct fsx_path *p, struct fsx_new *n);

/* Write a whole small file (a .meta) the same way: new file, then rename. */
int fsx_write_file(const struct fsx_path *p, const char *data, size_t len, struct rl_err *e);

/* Read a small regular file without following a link at its name; *out is
 * malloc'd and NUL-terminated. Returns RL_EINPUT when missing (errno kept). */
int fsx_read_file(const char *path, size_t max, char **out, size_t *len, struct rl_err *e);

/* The first line of a file (a /proc or /sys value) without its newline into
 * buf; "" if unreadable. */
void fsx_read_line(const char *path, char *buf, size_t len);

/* write() all of it, retrying on EINTR and short writes. -1 on error (errno). */
int fsx_write_all(int fd, const void *buf, size_t len);

/* Random bytes as hex into buf (2 * nbytes + 1). */
int fsx_random_hex(char *buf, size_t nbytes);

#endif
