/* boot.h - percentile bootstrap intervals for medians and their ratios
 * (Efron & Tibshirani 1993), with GSL's Mersenne twister seeded anew for
 * every quantity from the run's seed and the cell, so a cell's interval
 * does not depend on which other cells were read.
 *
 * Each resample's median is drawn directly, not by resampling n values:
 * the order statistics of a resample of size n are the data's quantiles at
 * the order statistics of n uniforms, which are Beta distributed. The
 * result has the bootstrap's distribution exactly, at O(1) per resample. */
#ifndef RACESTAT_BOOT_H
#define RACESTAT_BOOT_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_REPS 2000 /* the default; racestat --bootstrap N */

/* A generator for one quantity: seed, the cell's hash, what it is for. */
gsl_rng *boot_rng(uint64_t seed, uint64_t cell, unsigned purpose);

/* 95 % percentile interval of the median of sorted data. */
int boot_median_u64(const uint64_t *sorted, size_t n, unsigned reps, gsl_rng *r, double *lo,
		    double *hi);
/* BOOT_REPS resampled medians of sorted data (malloc'd), kept by a cell so
   that ratios of two cells' medians reuse them. */
float *boot_median_draws_f(const float *sorted, size_t n, unsigned reps, gsl_rng *r);
/* 95 % percentile interval of the draws, and of the ratio of two cells'
   draws, pair by pair (the two sets are independent). */
int boot_interval(const float *draws, unsigned reps, double *lo, double *hi);
int boot_ratio(const float *a, const float *b, unsigned reps, double *lo, double *hi);

#endif
