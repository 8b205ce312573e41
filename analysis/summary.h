/* summary.h - per-cell statistics, and the files racestat writes. */
#ifndef RACESTAT_SUMMARY_H
#define RACESTAT_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "wide.h"
#include "cells.h"
#include "err.h"

#define MIN_VERDICT_N 10 /* fewer trials than this: no verdict of never or always */

/* One cell's numbers. `has_*` says whether a value exists (else the field
   is written empty): no NaN or inf ever reaches a file. */
struct summary {
	size_t n;
	int has_stats;              /* n > 0 */
	int measures_loss;          /* the check is not `untouched` */
	long double final_mean, final_sd, final_q1, final_median, final_q3;
	uint64_t final_min, final_max;
	double final_median_lo, final_median_hi;
	long double lost_mean, lost_median;
	i128 lost_max;
	double lost_frac_mean, lost_frac_lo, lost_frac_hi;
	const char *lost_frac_method;   /* hurdle, or t when some trial gained */
	double p_loss, p_loss_lo, p_loss_hi, p_loss_upper;
	double loss_size_mean, loss_size_lo, loss_size_hi;
	const char *verdict;
	double ns_per_inc, ns_per_inc_lo, ns_per_inc_hi;
	double overlap_mean;
	double skew_median;         /* ns, the median start skew (has_skew) */
	int has_skew;
	int has_sd, has_size, has_boot; /* has_boot: the bootstrap ran (--bootstrap 0 skips it) */
};

/* Sorts the cell's finals and costs in place (call the per-trial tests
   that need the trials' order, drift and overlap, first). */
int summarize(struct cell *c, uint64_t seed, unsigned reps, struct summary *s, struct rl_err *e);

enum out_format { FMT_TABLE, FMT_MARKDOWN, FMT_CSV, FMT_JSON };

/* CSV output helpers, shared by every file racestat writes */
void out_field(FILE *f, const char *s);             /* quoted when it must be */
void out_num(FILE *f, int have, double v);          /* %.10g, empty when none, never -0 */
void out_ld(FILE *f, int have, long double v);      /* exact for integers */
void out_factor_names(FILE *f, const struct dataset *d);
void out_factors(FILE *f, const struct dataset *d, const struct cell *c, int blank);

int write_summary_csv(FILE *f, const struct dataset *d, const struct summary *s, uint64_t seed,
		      unsigned reps);
int write_hist_csv(FILE *f, const struct dataset *d, struct rl_err *e);
void print_summary(FILE *f, enum out_format fmt, const struct dataset *d,
		   const struct summary *s);

const char *check_name(enum check c);

#endif
