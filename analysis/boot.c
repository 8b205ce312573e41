/* boot.c - see boot.h. */
#include "boot.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "stats.h"

gsl_rng *boot_rng(uint64_t seed, uint64_t cell, unsigned purpose)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r)
		return NULL;
	uint64_t x = seed ^ (cell * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)purpose << 56);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	gsl_rng_set(r, (unsigned long)(x & 0xffffffffu) | 1u);
	return r;
}

/* the indices (0-based) of the two middle order statistics of a resample */
static void draw(gsl_rng *r, size_t n, size_t *i1, size_t *i2)
{
	double fn = (double)n;
	if (n == 1) {
		*i1 = *i2 = 0;
		return;
	}
	size_t m = (n + 1) / 2; /* the lower middle, 1-based */
	double u1 = gsl_ran_beta(r, (double)m, fn - (double)m + 1.0);
	double u2 = u1;
	if (n % 2 == 0) /* the next order statistic: the least of n - m uniforms above u1 */
		u2 = u1 + (1.0 - u1) * gsl_ran_beta(r, 1.0, fn - (double)m);
	double c1 = ceil(u1 * fn), c2 = ceil(u2 * fn);
	*i1 = c1 < 1.0 ? 0 : c1 > fn ? n - 1 : (size_t)c1 - 1;
	*i2 = c2 < 1.0 ? 0 : c2 > fn ? n - 1 : (size_t)c2 - 1;
}

/* the 2.5 % and 97.5 % quantiles of v (reordered), as GSL interpolates */
static int percentiles(double *v, unsigned reps, double *lo, double *hi)
{
	stat_sort(v, reps);
	*lo = gsl_stats_quantile_from_sorted_data(v, 1, reps, 0.025);
	*hi = gsl_stats_quantile_from_sorted_data(v, 1, reps, 0.975);
	free(v);
	return isfinite(*lo) && isfinite(*hi) ? 0 : -1;
}

int boot_median_u64(const uint64_t *x, size_t n, unsigned reps, gsl_rng *r, double *lo,
		    double *hi)
{
	if (n == 0 || !r || reps == 0)
		return -1;
	double *v = malloc(reps * sizeof *v);
	if (!v)
		return -1;
	for (unsigned b = 0; b < reps; b++) {
		size_t i1, i2;
		draw(r, n, &i1, &i2);
		v[b] = (double)(((long double)x[i1] + (long double)x[i2]) / 2.0L);
	}
	return percentiles(v, reps, lo, hi);
}

float *boot_median_draws_f(const float *x, size_t n, unsigned reps, gsl_rng *r)
{
	if (n == 0 || !r || reps == 0)
		return NULL;
	float *v = malloc(reps * sizeof *v);
	if (!v)
		return NULL;
	for (unsigned b = 0; b < reps; b++) {
		size_t i1, i2;
		draw(r, n, &i1, &i2);
		v[b] = (float)(((double)x[i1] + (double)x[i2]) / 2.0);
	}
	return v;
}

int boot_interval(const float *draws, unsigned reps, double *lo, double *hi)
{
	double *v = malloc(reps * sizeof *v);
	if (!v)
		return -1;
	for (unsigned b = 0; b < reps; b++)
		v[b] = draws[b];
	return percentiles(v, reps, lo, hi);
}

int boot_ratio(const float *a, const float *b, unsigned reps, double *lo, double *hi)
{
	double *v = malloc(reps * sizeof *v);
	if (!v)
		return -1;
	for (unsigned k = 0; k < reps; k++)
		v[k] = b[k] > 0.0f ? (double)a[k] / (double)b[k] : 0.0;
	return percentiles(v, reps, lo, hi);
}
