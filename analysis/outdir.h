/* outdir.h - racestat's output folder: locked against a second racestat
 * (flock on the folder), every file written under no name or an
 * unpredictable one, and all of them put in place together at the end, so
 * that a folder holds one run's complete outputs or the previous ones. */
#ifndef RACESTAT_OUTDIR_H
#define RACESTAT_OUTDIR_H

#include <stdio.h>

#include "err.h"
#include "fsx.h"

#define OUTDIR_MAX 16

struct outdir {
	int dirfd;
	char shown[4096];
	unsigned n;
	struct {
		struct fsx_path path;  /* shares dirfd */
		struct fsx_new file;
		FILE *f;
	} out[OUTDIR_MAX];
};

/* Create the folder if missing, open and lock it. */
int outdir_open(struct outdir *o, const char *dir, struct rl_err *e);
/* A new output named `name` in the folder; write to the FILE it returns. */
FILE *outdir_file(struct outdir *o, const char *name, struct rl_err *e);
/* Flush every file and rename them all into place. */
int outdir_commit(struct outdir *o, struct rl_err *e);
/* Remove whatever was not committed, release the lock. */
void outdir_close(struct outdir *o);

#endif
