/* sink_csv.h - the trial CSV and its .meta.
 *
 * A regular file is locked (flock) for the whole run, so a second run into
 * the same path is refused at once. A new run builds the header and .meta
 * under no name and puts them in place only when both are complete: an old
 * file survives a run that fails to start, and a kill at any instant leaves
 * either the old state, or a header-only CSV that --resume treats as empty.
 * Each row is one write(); a write that fails (a full disk) is cut back to
 * the last whole row. A path that is not a regular file (a device, a FIFO,
 * '-') gets rows only, and a .meta only where --meta names one. */
#ifndef RACELAB_SINK_CSV_H
#define RACELAB_SINK_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "fsx.h"
#include "sink.h"

extern const char csv_header[];

struct csv_sink_opts {
	const char *path;           /* "-": stdout */
	const char *meta_path;      /* NULL: <path>.meta beside a regular file, else none */
	int resume;
	const char *fingerprint;    /* resume: the .meta must record these settings */
	const uint64_t (*inputs)[2];/* dev, ino of every experiment file read */
	unsigned n_inputs;
};

struct csv_sink {
	int fd;                     /* rows go here */
	int regular;
	int resuming;               /* rows already there are continued */
	int have_meta;
	struct fsx_path path, meta;
	int lockfd;                 /* our lock on the file at the path */
	uint64_t good;              /* bytes of whole rows */
	unsigned long rows;
	const char *shown;
	char *old_meta;             /* resume: the .meta as it was */
	uint64_t recorded_seed;
	/* resume: reading the rows back */
	uint64_t roff, rend;
	char *rbuf;
	size_t rlen, rpos, rcap;
	unsigned long rline;
	int kcol[12], c_status, c_expected, c_final, ncols; /* where the key is in a row */
	char row[640 + 12 * MAX_PROCS]; /* the row being written */
};

/* Lock the output and, resuming, read its header and .meta. */
int csv_sink_open(struct csv_sink *s, const struct csv_sink_opts *o, struct rl_err *e);
/* Start: a new file and its .meta (`meta_text`), or the resume record. */
int csv_sink_begin(struct csv_sink *s, const char *meta_text, size_t meta_len,
		   const char *resume_text, size_t resume_len, struct rl_err *e);

/* Resuming: the next row already in the file, its sweep key (as
   csv_cell_key() makes it) and outcome. 1 with a row, 0 at the end. */
struct done_row {
	char key[512];
	int ok;
	uint64_t lost, expected;    /* lost is 0 when final > expected */
};
int csv_sink_replay(struct csv_sink *s, struct done_row *d, struct rl_err *e);

/* The key that names a trial of the sweep: factors and trial number. */
void csv_cell_key(char *buf, size_t len, const struct plan *p, const struct plan_cell *c,
		  uint64_t trial);

struct sink csv_sink_as_sink(struct csv_sink *s);
int csv_sink_row(void *self, const struct row *row, struct rl_err *e);
int csv_sink_close(void *self, int status, struct rl_err *e);
void csv_sink_abort(struct csv_sink *s);

#endif
