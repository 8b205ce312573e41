/* cells.h - trials grouped into cells: every trial sharing its factor values.
 *
 * Factor columns are all columns except the per-trial measures listed in
 * cells.c (run_id, trial, expected, final, lost, elapsed_ns, overlap, ...), so
 * a factor column a later harness adds splits cells with no change here. */
#ifndef RACESTAT_CELLS_H
#define RACESTAT_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum check { CHK_NONE, CHK_EXACT, CHK_AT_MOST, CHK_UNTOUCHED };

struct cell {
	char **factor;          /* values, one per factor column */
	char *keybuf;           /* the values, joined, owned */
	size_t keylen;
	uint64_t hash;
	uint64_t expected;
	uint64_t procs, iters;
	const char *first_file; /* where the cell was first seen, for messages */
	unsigned long first_line;
	double *final;          /* final values of the usable trials */
	double *nspi;           /* elapsed_ns / (procs x iters) */
	size_t n, cap;
	size_t lossy;           /* trials with lost > 0 */
	size_t violations;      /* trials that broke the strategy's guarantee */
	size_t failed;          /* trials whose status was not ok (left out) */
	double overlap_sum, overlap_pair_sum;
	size_t n_overlap_pair;
	int has_expected;
};

struct dataset {
	char **factor_names;
	size_t n_factors;
	int procs_factor;       /* index of `procs` among the factors, or -1 */
	struct cell *cells;     /* in order of first appearance */
	size_t n_cells, cap_cells;
	size_t *slots;          /* hash table of cell indices + 1 */
	size_t n_slots;
	size_t last;            /* the previous row's cell, the common case */
	unsigned long rows;
};

/* Read one CSV into the dataset (files must agree on their factor columns). */
int dataset_load(struct dataset *d, const char *path, struct rl_err *e);
void dataset_free(struct dataset *d);

/* Is this column a per-trial measure (not a factor)? */
int is_measure_column(const char *name);

#endif
