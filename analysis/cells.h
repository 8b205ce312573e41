/* cells.h - trials grouped into cells: every trial sharing its factor values.
 *
 * Factor columns are all columns except the per-trial measures listed in
 * cells.c (run_id, trial, expected, final, lost, elapsed_ns, overlap, ...), so
 * a factor column a later harness adds splits cells with no change here.
 *
 * Counts stay exact integers end to end (uint64_t, sums in 128 bits). What
 * is held per usable trial, and why (24 bytes): the final value (8, for
 * every statistic and the histogram), ns per increment (4, float: the cost
 * median and its bootstrap), the overlap (4, float: does loss need
 * overlap), the trial's place in the sweep (4: drift), the start skew (4,
 * float: its median, by launch), these two only where the cell's first
 * file has the column; while reading, its identity (run and trial number)
 * and its line (to name both places of a trial given twice): as runs of
 * consecutive ids whose lines lie equally apart while a cell's ids rise, as
 * race writes them (a repeat is then impossible, and a run holds a cell's
 * rows of one run of race), 12 bytes a row for a cell whose rows come out
 * of order; freed once every input is read. */
#ifndef RACESTAT_CELLS_H
#define RACESTAT_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum check { CHK_NONE, CHK_EXACT, CHK_AT_MOST, CHK_UNTOUCHED };

struct cell {
	char **factor;          /* values, one per factor column */
	size_t *flen;           /* their lengths */
	char *keybuf;           /* the values, joined, owned */
	size_t keylen;
	uint64_t hash;           /* for the table (this build's) */
	uint64_t name_hash;      /* FNV-1a of the key: the same everywhere, seeds the bootstrap */
	uint64_t expected;
	uint64_t procs, iters;
	enum check check;
	unsigned file0;         /* where the cell was first seen, for messages */
	unsigned long first_line;
	/* usable (status ok) trials */
	uint64_t *final;
	float *nspi;            /* elapsed_ns / (procs x iters) */
	float *overlap;         /* overlap_pair where present, else overlap */
	uint32_t *seq;          /* place in the sweep (has_seq: NULL when the cell's first
				   file has no seq; 0 for a row of a later file without) */
	float *skew;            /* start skew, ns (has_skew: likewise) */
	size_t n, cap;
	int sorted;             /* final[] is sorted (and the parallel arrays no longer match it) */
	float *nspi_boot;       /* resampled medians of nspi (boot.h), for costs and their ratios */
	/* every row, for the duplicate check: its id, run index << 48 | trial
	   number, and its line counted over all inputs (dataset.line_base) */
	size_t n_ids, cap_ids;
	int ids_rising;         /* every id so far above the one before: no repeat possible */
	uint64_t last_id;
	uint32_t last_line;
	uint64_t *idrun_first;  /* while rising: runs of consecutive ids whose lines lie */
	uint32_t *idrun_count;  /* equally apart: the first id and line, how many, */
	uint32_t *idrun_line;   /* and the lines' step */
	uint32_t *idrun_step;
	size_t n_idruns, cap_idruns;
	uint64_t *id;           /* once not rising: one id and one line a row (cap_ids of them) */
	uint32_t *id_line;
	/* while reading: its first row's expected and check texts (padded), so
	   that a later row with the same texts is known without parsing them */
	char exp_text[24], chk_text[24];
	size_t exp_len, chk_len; /* SIZE_MAX: too long to hold */
	size_t lossy;           /* final < expected */
	size_t gained;          /* final > expected (a violation for every check) */
	size_t violations;      /* trials that broke the strategy's guarantee */
	size_t failed;          /* trials whose status was not ok (left out) */
	int has_seq, has_skew;
};

struct dataset {
	char **factor_names;
	size_t n_factors;
	int procs_factor;       /* index of `procs` among the factors, or -1 */
	int strategy_factor;    /* index of `strategy`, or -1 */
	struct cell *cells;     /* in order of first appearance */
	size_t n_cells, cap_cells;
	size_t *slots;          /* hash table of cell indices + 1 */
	size_t n_slots;
	size_t last;            /* the previous row's cell, the common case */
	unsigned long rows;
	char **files;           /* every input, for messages */
	uint64_t *line_base;    /* lines before each file, over all inputs */
	uint64_t lines;
	unsigned n_files;
	char **runs;            /* every run_id seen */
	unsigned n_runs;
	size_t *run_slots;
	size_t n_run_slots;
	int no_fast;            /* 1: every row by the general path (a unit test compares the two) */
};

/* Read one CSV into the dataset (files must agree on their factor columns). */
int dataset_load(struct dataset *d, const char *path, struct rl_err *e);
/* Once every file is read: refuse a trial given twice (same run, cell and
   trial number), naming both places; then put the cells in the order of
   their factor values (counts by value). No row may be added after. */
int dataset_check_duplicates(struct dataset *d, struct rl_err *e);
void dataset_free(struct dataset *d);

/* x / 10^6 (x <= 10^6: "0.dddddd" read as its digits) as the float
   nearest the double nearest x / 10^6: by a multiplication, the same float
   as the division for every x, as a unit test checks for all 10^6 + 1. */
static inline float cells_unit_micros(uint64_t x)
{
	return (float)((double)x * 1e-6);
}

/* Is this column a per-trial measure (not a factor)? */
int is_measure_column(const char *name);
/* a factor value that is a count: digits only, at least one */
int is_count_text(const char *s);

/* "strategy=plain procs=2 ..." */
void cell_label(const struct dataset *d, const struct cell *c, char *buf, size_t len);

/* The factor's value in a cell, or NULL when there is no such factor. */
const char *cell_factor(const struct dataset *d, const struct cell *c, const char *name);

#endif
