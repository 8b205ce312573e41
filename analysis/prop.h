/* prop.h - two proportions, and many p-values at once.
 *
 *   Fisher's exact test of a 2 x 2 table (two-sided: the tables no more
 *     likely than the one seen, as R's fisher.test);
 *   Newcombe's hybrid score interval for a difference of proportions
 *     (Newcombe 1998, method 10, from two Wilson intervals);
 *   Holm's step-down adjustment (Holm 1979) of a family's p-values. */
#ifndef RACESTAT_PROP_H
#define RACESTAT_PROP_H

#include <stddef.h>
#include <stdint.h>

/* k_a of n_a against k_b of n_b. */
double prop_fisher(uint64_t ka, uint64_t na, uint64_t kb, uint64_t nb);

/* p_b - p_a with its 95 % interval. */
int prop_newcombe(uint64_t ka, uint64_t na, uint64_t kb, uint64_t nb, double *diff, double *lo,
		  double *hi);
/* ... at the normal quantile z (1.644854: the 90 % interval of a TOST at 5 %) */
int prop_newcombe_z(uint64_t ka, uint64_t na, uint64_t kb, uint64_t nb, double z, double *diff,
		    double *lo, double *hi);

/* Holm-adjusted p-values of p[0..m), into adj (may be the same array). */
int prop_holm(const double *p, size_t m, double *adj);

#endif
