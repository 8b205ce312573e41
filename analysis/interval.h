/* interval.h - the confidence intervals racelab reports, in one place: race
 * links this same file for --until, so the interval a sweep stops on is the
 * interval racestat writes. Every function returns finite numbers or fails;
 * none calls a GSL routine without a bound on its work.
 *
 *   Wilson (1927) score interval for a proportion;
 *   Clopper & Pearson (1934) exact bounds, found by bisection on a binomial
 *   tail summed term by term (GSL's beta inverse does not return, and its
 *   incomplete beta gives NaN, for millions of trials);
 *   the hurdle interval for the mean share lost, see interval_hurdle(). */
#ifndef RACELAB_INTERVAL_H
#define RACELAB_INTERVAL_H

#include <stdint.h>

#define CONF_Z95 1.959963984540054 /* two-sided 95 % normal quantile */

/* P(X <= k) for X ~ Binomial(n, p), with bounded work (the terms are summed
   away from the mode until they no longer count). */
double binom_cdf(uint64_t k, uint64_t n, double p);

/* 95 % Wilson score interval for k of n. -1 when n = 0. */
int interval_wilson(uint64_t k, uint64_t n, double *lo, double *hi);
/* The same at any level: z is the normal quantile (1.96 for 95 %). */
int interval_wilson_z(uint64_t k, uint64_t n, double z, double *lo, double *hi);

/* Exact (Clopper-Pearson) bounds for k of n: the lower bound at one-sided
   level 1 - alpha (0 when k = 0), the upper likewise (1 when k = n). */
int interval_cp_lower(uint64_t k, uint64_t n, double alpha, double *lo);
int interval_cp_upper(uint64_t k, uint64_t n, double alpha, double *hi);

/* Student-t quantile t(1 - alpha/2, df), df >= 1. */
double interval_t(double alpha, double df);

/* The mean share lost of a cell, from its n trials: k of them lossy, the
   lossy ones' shares summing to `sum` with squares summing to `sumsq`.
   The data are zero-inflated (most trials lose nothing at small iters), so
   the mean is split into P(loss) x the mean share among lossy trials (a
   hurdle model): a 97.5 % Clopper-Pearson interval for the first, a 97.5 %
   Student-t interval (clipped to [0, 1]; [0, 1] itself for fewer than two
   lossy trials) for the second, and the interval of the product is the
   product of the bounds. By Bonferroni it covers with probability at least
   95 %; it is never inverted and never of zero width. */
int interval_hurdle(uint64_t n, uint64_t k, double sum, double sumsq, double *mean, double *lo,
		    double *hi);

#endif
