/* meta.h - <csv>.meta: how the data was made, one key=value a line. */
#ifndef RACELAB_META_H
#define RACELAB_META_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct meta_run {           /* what the sweep knows of itself */
	const char *cmdline;
	const char *run_id;
	const char *host;
	const char *experiment_file;
	const char *fingerprint;
	const char *order;
	uint64_t seed;
	const char *extra;      /* more key=value lines (settings, warnings), may be NULL */
	const char *trace_clock; /* traced runs: the samples' clock (crew.h), else NULL */
};

/* The whole .meta text for a new run: the run's own lines, then the
   machine (CPU, CPUs allowed, SMT, governor, kernel, scheduler job ids...)
   and the plain loop as built. malloc'd. */
char *meta_text(const struct meta_run *m, size_t *len);

/* Lines added when a run resumes into an existing CSV. malloc'd. */
char *meta_resume_text(const char *cmdline, const char *run_id, const char *host, size_t *len);

/* The value of `key` in a .meta text (the last one), copied into buf;
   0 if found. */
int meta_get(const char *text, const char *key, char *buf, size_t len);

/* A value as one line of printable text: control characters become '?'. */
void meta_clean(char *s);

/* The disassembled plain loop as built, "insn; insn; ..." (or why not). */
void plain_loop_text(char *buf, size_t len);

/* The node's name for the host column: SLURMD_NODENAME when set, else the
   hostname; letters, digits, '.', '_' and '-' only (others become '_'). */
void host_name(char *buf, size_t len);

#endif
