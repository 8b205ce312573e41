/* render.h - racestat's CSV outputs shown another way: an aligned table or
 * Markdown on stdout, or one JSON document holding them all.
 *
 * Every output is first written as the CSV it is in its file; these read
 * that text back, so what stdout shows is what the files hold. In JSON a
 * field is a number when it is one by JSON's grammar, null when empty, else
 * a string, escaped (control characters, quotes, backslashes, U+2028/2029,
 * and any byte that is not UTF-8 as U+FFFD). */
#ifndef RACESTAT_RENDER_H
#define RACESTAT_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "summary.h"

#define RACESTAT_SCHEMA_VERSION 1

struct render_part {
	const char *name;  /* "summary", "hist", ... */
	const char *csv;   /* the file's text */
	size_t len;
};

/* The columns `cols` (NULL-terminated; NULL: all) of a CSV text as an
   aligned table (FMT_TABLE) or Markdown. */
int render_table(FILE *out, enum out_format fmt, const struct render_part *p,
		 const char *const *cols, struct rl_err *e);

/* One JSON document: {"schema_version", "context": {mode, seed, bootstrap,
   inputs: [{path, side, meta: {key: value or [values]}}]}, and each part as
   an array of row objects}. side[i] names input i's side ("base", "new")
   or is NULL. */
int render_json(FILE *out, const struct render_part *parts, size_t n, const char *mode,
		const char *const *inputs, const char *const *side, size_t ninputs, uint64_t seed,
		unsigned reps, struct rl_err *e);

#endif
