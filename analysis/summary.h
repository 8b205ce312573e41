/* summary.h - per-cell statistics and the files racestat writes. */
#ifndef RACESTAT_SUMMARY_H
#define RACESTAT_SUMMARY_H

#include <stdio.h>

#include "cells.h"
#include "err.h"

/* One cell's numbers. `has_*` says whether a value exists (else the field is
   written empty): no NaN or inf ever reaches a file. */
struct summary {
	size_t n;
	double final_mean, final_sd, final_min, final_q1, final_median, final_q3, final_max;
	double lost_mean, lost_sd, lost_median, lost_max;
	double lost_frac_mean, lost_frac_lo, lost_frac_hi;
	double p_loss, p_loss_lo, p_loss_hi, p_loss_upper;
	const char *verdict;
	double ns_per_inc, overlap_mean, overlap_pair_mean;
	int has_stats, has_sd, has_ci, has_pair;
};

/* Sorts the cell's data in place. */
int summarize(struct cell *c, struct summary *s, struct rl_err *e);

enum out_format { FMT_TABLE, FMT_MARKDOWN, FMT_CSV };

int write_summary_csv(FILE *f, const struct dataset *d, const struct summary *s);
int write_hist_csv(FILE *f, const struct dataset *d, struct rl_err *e);
int write_compare_csv(FILE *f, const struct dataset *d, struct rl_err *e);
void print_summary(FILE *f, enum out_format fmt, const struct dataset *d,
		   const struct summary *s);

#endif
