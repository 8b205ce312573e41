/* stats.h - the statistics racestat reports, each usable and testable alone.
 * All return finite numbers or say they have none; none aborts (GSL's error
 * handler is off, and every GSL result is checked). */
#ifndef RACESTAT_STATS_H
#define RACESTAT_STATS_H

#include <stddef.h>

#define CONF_Z95 1.959963984540054 /* two-sided 95 % normal quantile */

/* Sort ascending, in place (no NaN). */
void stat_sort(double *x, size_t n);

/* The median (as stat_quantile(sorted, n, 0.5) would give) in linear time;
   reorders x. n >= 1. */
double stat_median_select(double *x, size_t n);

/* Quantile p of sorted data, linear interpolation between order statistics
   (gsl_stats_quantile_from_sorted_data). n >= 1. */
double stat_quantile(const double *sorted, size_t n, double p);

/* Mean and sample standard deviation (n - 1). Returns 0 if sd exists (n >= 2). */
int stat_mean_sd(const double *x, size_t n, double *mean, double *sd);

/* Two-sided 95 % Student-t half-width for a mean: t(0.975, n-1) sd / sqrt(n).
   Returns -1 when n < 2 (no interval). sd == 0 gives 0. */
int stat_t_halfwidth(double sd, size_t n, double *half);

/* 95 % Wilson score interval for k successes in n trials. */
int stat_wilson(size_t k, size_t n, double *lo, double *hi);

/* One-sided 95 % exact (Clopper-Pearson) upper bound for k of n. */
int stat_cp_upper(size_t k, size_t n, double *upper);

/* Two-sided Mann-Whitney U test of a against b: midranks, tie-corrected normal
   approximation with continuity correction. u counts the pairs with b > a
   (ties half), so z > 0 means b tends to be larger. All tied: z = 0, p = 1. */
int stat_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		      double *u, double *z, double *p);

/* Histogram bins for integer data (sorted, n >= 1): half-integer edges so the
   maximum is counted. <= 50 distinct values: one bin per value (listed in
   edges as lo,hi pairs, `pairs` set to 1); otherwise Freedman-Diaconis width
   rounded up to an integer, between 10 and 200 bins (edges are nbins+1
   boundaries, `pairs` 0). Returns the number of bins, <0 on error; *edges is
   malloc'd. */
long stat_int_bins(const double *sorted, size_t n, double **edges, int *pairs);

/* Count sorted integer data into those bins with gsl_histogram; counts[nbins]. */
int stat_hist_counts(const double *sorted, size_t n, const double *edges, long nbins, int pairs,
		     size_t *counts);

#endif
