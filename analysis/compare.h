/* compare.h - compare.csv: how loss changes with each factor.
 *
 * A line is a set of cells equal in every factor but one. Within each line,
 * for every numeric factor (procs, iters, ...) each pair of neighbouring
 * levels that hold trials, and for the categorical factors (workers, pin,
 * start, region, launch; strategy among the strategies that can lose
 * updates) each pair of levels, are compared on two measures:
 *   lost_frac, the share of increments lost: Mann-Whitney (exact when small
 *     enough), the probability of superiority, the Hodges-Lehmann shift;
 *   p_loss, whether a trial lost anything: Fisher's exact test and the
 *     Newcombe interval of the difference.
 * Every numeric factor also gets a trend test across all its levels in the
 * line (Jonckheere-Terpstra, Kendall's tau-b as the effect).
 * p_holm is Holm's adjustment within the row's family: `pairs` and `trends`
 * for strategies whose updates can be lost (what the report reads), and
 * `control-pairs` and `control-trends` for the exact strategies. */
#ifndef RACESTAT_COMPARE_H
#define RACESTAT_COMPARE_H

#include <stdint.h>
#include <stdio.h>

#include "cells.h"
#include "err.h"
#include "summary.h"

struct cmp_row {
	const char *family;
	const char *kind;        /* pair, trend */
	size_t factor;           /* the factor compared */
	const struct cell *line; /* a cell of the line: its other factors */
	char a[64], b[64];       /* the levels (a trend: the first and last) */
	char levels[512];        /* a trend: every level, ';'-separated */
	const char *measure;     /* lost_frac, p_loss */
	uint64_t n_a, n_b, k_a, k_b;
	double est_a, est_b;     /* the measure at a and at b */
	double diff, diff_lo, diff_hi;
	const char *diff_method; /* hodges-lehmann, newcombe, or empty */
	double effect;           /* P(B > A) + P(tie) / 2, or a trend's tau-b */
	double stat, z;
	int has_z;
	double p, p_holm;
	const char *p_method;    /* mw-exact, mw-asymptotic, fisher-exact, jt-permutation, jt-asymptotic */
	int testable;            /* 0: nothing varies (every trial the same): p is 1, no direction */
};

struct comparison {
	struct cmp_row *rows;
	size_t n, cap;
};

/* Build every row (the cells must be summarized: their finals sorted). */
int compare_build(const struct dataset *d, const struct summary *s, uint64_t seed,
		  struct comparison *out, struct rl_err *e);
void compare_free(struct comparison *c);

int write_compare_csv(FILE *f, const struct dataset *d, const struct comparison *c);

/* A summarized cell's shares lost, ascending (from its sorted finals;
   malloc'd, NULL without memory). */
double *cell_shares(const struct cell *c);

/* Is factor i numeric (every level a count)? */
int factor_numeric(const struct dataset *d, size_t i);

#endif
