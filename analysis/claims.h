/* claims.h - claims.csv: every statement of direction, comparison or ratio
 * that a report may make, each decided here from a test, at the 5 % level
 * after Holm's correction within its family. The report only words them.
 *
 *   trend        loss against a numeric factor across its levels, in one
 *                line: increasing, decreasing, no clear trend, not testable
 *                (from compare.csv's trends)
 *   pair         two levels of a factor: more, less, no clear difference,
 *                not testable (from compare.csv's pairs)
 *   overlap_none the trials in which no two workers ran at once: how many
 *                lost anything, with the exact upper bound on P(loss):
 *                never lost without overlap, lost without overlap, insufficient
 *   overlap_corr Spearman's rho of the overlap against the share lost, with
 *                its interval: positive, negative, no clear correlation
 *   ratio        the cost (median ns per increment) of one strategy over
 *                another's (atomic, plain) in the same cell otherwise, with a
 *                bootstrap interval: greater, less, no clear difference
 *   ratio_one    the same against plain with one worker (what synchronising
 *                costs over not sharing at all)
 *   drift        Kendall's tau of a cell's share lost against the trials'
 *                place in the sweep (seq): drift, none, not testable
 *   guarantee    a strategy's guarantee over all its trials: held, violated */
#ifndef RACESTAT_CLAIMS_H
#define RACESTAT_CLAIMS_H

#include <stdint.h>
#include <stdio.h>

#include "cells.h"
#include "compare.h"
#include "err.h"
#include "summary.h"

#define CLAIM_ALPHA 0.05

/* What needs the trials in their own order: taken before the cells are
   sorted by summarize(). */
struct overlap_claim {
	const struct cell *line;  /* its factors but procs and iters */
	uint64_t n_multi;         /* trials with two or more workers */
	uint64_t n0, k0;          /* ... of which no two ran at once; lossy among them */
	double upper;             /* exact 95 % upper bound on P(loss | no overlap) */
	int has_rho;
	size_t n_cells;           /* cells with a rho: combined over them */
	double rho, lo, hi, p, p_holm;
};

struct drift_claim {
	const struct cell *cell;
	int testable;
	double tau, z, p, p_holm;
};

struct pretrial {
	struct overlap_claim *ov;
	size_t n_ov;
	struct drift_claim *dr;
	size_t n_dr;
};

int claims_pretrial(const struct dataset *d, struct pretrial *pt, struct rl_err *e);
void claims_free(struct pretrial *pt);

int write_claims_csv(FILE *f, const struct dataset *d, const struct summary *s,
		     const struct comparison *c, const struct pretrial *pt, unsigned reps,
		     struct rl_err *e);

#endif
