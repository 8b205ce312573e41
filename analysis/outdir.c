/* outdir.c - see outdir.h. */
#define _GNU_SOURCE
#include "outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int outdir_open(struct outdir *o, const char *dir, struct rl_err *e)
{
	memset(o, 0, sizeof *o);
	snprintf(o->shown, sizeof o->shown, "%s", dir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return rl_fail(e, RL_ESYS, "%s: %s", dir, strerror(errno));
	o->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0)
		return rl_fail(e, RL_ESYS, "%s: %s", dir, strerror(errno));
	if (flock(o->dirfd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		close(o->dirfd);
		o->dirfd = -1;
		if (err == EWOULDBLOCK)
			return rl_fail(e, RL_EBUSY, "%s: another racestat is writing there; will not touch it", dir);
		return rl_fail(e, RL_ESYS, "%s: flock: %s", dir, strerror(err));
	}
	return 0;
}

FILE *outdir_file(struct outdir *o, const char *name, struct rl_err *e)
{
	if (o->n == OUTDIR_MAX) {
		rl_fail(e, RL_ESYS, "too many outputs");
		return NULL;
	}
	struct fsx_path *p = &o->out[o->n].path;
	p->dirfd = o->dirfd;
	snprintf(p->base, sizeof p->base, "%s", name);
	snprintf(p->shown, sizeof p->shown, "%.3800s/%.200s", o->shown, name);
	if (fsx_new_open(p, &o->out[o->n].file, e) != 0)
		return NULL;
	FILE *f = fdopen(o->out[o->n].file.fd, "w");
	if (!f) {
		rl_fail(e, RL_ESYS, "%s: %s", p->shown, strerror(errno));
		fsx_new_abort(p, &o->out[o->n].file);
		return NULL;
	}
	o->out[o->n].f = f;
	return o->out[o->n++].f;
}

int outdir_commit(struct outdir *o, struct rl_err *e)
{
	/* all written, then all renamed */
	for (unsigned i = 0; i < o->n; i++) {
		FILE *f = o->out[i].f;
		int bad = fflush(f) != 0 || ferror(f);
		if (bad)
			return rl_fail(e, RL_ESYS, "%s: write failed: %s", o->out[i].path.shown, strerror(errno));
	}
	for (unsigned i = 0; i < o->n; i++) {
		struct stat st;
		int exists = fstatat(o->dirfd, o->out[i].path.base, &st, AT_SYMLINK_NOFOLLOW) == 0;
		int rc = fsx_new_commit(&o->out[i].path, &o->out[i].file, exists, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void outdir_close(struct outdir *o)
{
	for (unsigned i = 0; i < o->n; i++) {
		if (o->out[i].f) {
			fclose(o->out[i].f); /* closes the descriptor too */
			o->out[i].f = NULL;
			o->out[i].file.fd = -1;
		}
		fsx_new_abort(&o->out[i].path, &o->out[i].file); /* removes an uncommitted name */
	}
	o->n = 0;
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->dirfd = -1;
}
