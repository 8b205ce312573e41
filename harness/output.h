/* output.h - the trial CSV (whole rows, written as the sweep goes) and its .meta */
#ifndef RACELAB_OUTPUT_H
#define RACELAB_OUTPUT_H

#include "err.h"
#include "settings.h"
#include "trial.h"

struct csv_out {
	int fd;
	const char *path;     /* for messages; "stdout" */
	unsigned long rows;
};

extern const char csv_header[];

int csv_open(struct csv_out *o, const char *path, struct rl_err *e);
int csv_write_row(struct csv_out *o, const char *run_id, const struct settings *s,
		  const struct trial_spec *t, unsigned long trial, const struct trial_result *r,
		  struct rl_err *e);
int csv_close(struct csv_out *o, struct rl_err *e);

/* Continue an interrupted CSV: check its header, cut a torn last line, and
   open it for appending. *keys gets each row's factors and trial number
   (malloc'd, *n of them) so the caller can check and skip them. */
int csv_resume(struct csv_out *o, const char *path, char ***keys, size_t *n, struct rl_err *e);
void csv_row_key(char *buf, size_t len, const struct trial_spec *t, unsigned long trial);

/* <csv>.meta: how the data was made, one key=value a line. */
int meta_write(const char *csv_path, const char *cmdline, const char *run_id,
	       const char *experiment_file, const char *fingerprint, uint64_t seed,
	       struct rl_err *e);
/* Resuming: the .meta must name the same settings; then a line is added. */
int meta_resume(const char *csv_path, const char *cmdline, const char *run_id,
		const char *fingerprint, struct rl_err *e);

/* The disassembled plain loop as built, "insn; insn; ..." (or why not). */
void plain_loop_text(char *buf, size_t len);

#endif
