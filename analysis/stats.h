/* stats.h - descriptive statistics: sorting, quantiles, means, histograms.
 * Counts are uint64_t and stay exact: sums in 128 bits, quantiles and means
 * in long double (whose 64-bit mantissa holds any count), histogram edges
 * in integers. All return finite numbers or say they have none. The tests
 * and intervals are in interval.h, rank.h, prop.h and boot.h. */
#ifndef RACESTAT_STATS_H
#define RACESTAT_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "interval.h"

/* Sort ascending, in place. Doubles and floats must hold no NaN. */
void stat_sort(double *x, size_t n);
void stat_sort_f(float *x, size_t n);
void stat_sort_u64(uint64_t *x, size_t n);
/* x[0..n) ascending (each x[i - 1] <= x[i]: a NaN makes it not)? */
int stat_sorted_f64(const double *x, size_t n);
/* A key that orders as the double v does (v not NaN; -0 as +0). */
uint64_t stat_key_f64(double v);
/* Sort key[] ascending carrying val[] along, stably (LSD radix); n must fit
   in 32 bits for the values to be indices. Returns -1 without memory. */
int stat_sort_kv(uint64_t *key, uint32_t *val, size_t n);
int stat_sort_kv32(uint32_t *key, uint32_t *val, size_t n);

/* The median (as stat_quantile(sorted, n, 0.5) would give) in linear time;
   reorders x. n >= 1. */
double stat_median_select(double *x, size_t n);
/* The k-th smallest (0-based, k < n) in linear expected time; reorders x.
   From 4096 values on by a sample and one pass (Floyd and Rivest 1975),
   below by quickselect. */
double stat_select(double *x, size_t n, size_t k);
/* The klo-th and khi-th smallest (klo <= khi < n) at once, as stat_select
   would give each; reorders x. */
void stat_select2(double *x, size_t n, size_t klo, size_t khi, double *vlo, double *vhi);
/* Where a sorted sample of m puts a bound for the order statistic at
   share f of the data: three standard deviations below it (dir < 0) or
   above; may fall outside [0, m). */
long stat_sample_rank(double f, size_t m, int dir);

/* Quantile p of sorted data, linear interpolation between order statistics
   (as gsl_stats_quantile_from_sorted_data). n >= 1. */
double stat_quantile(const double *sorted, size_t n, double p);
long double stat_quantile_u64(const uint64_t *sorted, size_t n, double p);
double stat_quantile_f(const float *sorted, size_t n, double p);

/* Mean and sample standard deviation (n - 1). Returns 0 if sd exists (n >= 2). */
int stat_mean_sd(const double *x, size_t n, double *mean, double *sd);
int stat_mean_sd_u64(const uint64_t *x, size_t n, long double *mean, long double *sd);

/* Two-sided 95 % Student-t half-width for a mean: t(0.975, n-1) sd / sqrt(n).
   Returns -1 when n < 2 (no interval). sd == 0 gives 0. */
int stat_t_halfwidth(double sd, size_t n, double *half);

/* Histogram bins for sorted counts (n >= 1), edges at half-integers so
   every value sits inside its bin. Bin b holds the values [lo[b], hi[b]]
   (integers; the edges are lo - 0.5 and hi + 0.5). At most 50 distinct
   values: one bin per value; else Freedman-Diaconis widths rounded up to a
   whole number, 10 to 200 bins. Returns the number of bins (<0 on error);
   *lo, *hi and *count are malloc'd. */
long stat_int_hist(const uint64_t *sorted, size_t n, uint64_t **lo, uint64_t **hi, uint64_t **count);

#endif
