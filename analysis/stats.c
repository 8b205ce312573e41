/* stats.c - statistics over GSL, with the edges handled explicitly. */
#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double stat_quantile(const double *sorted, size_t n, double p)
{
	return gsl_stats_quantile_from_sorted_data(sorted, 1, n, p);
}

int stat_mean_sd(const double *x, size_t n, double *mean, double *sd)
{
	*mean = gsl_stats_mean(x, 1, n);
	if (n < 2)
		return -1;
	/* constant data: exactly 0, never a rounding residue */
	int constant = 1;
	for (size_t i = 1; i < n && constant; i++)
		constant = x[i] == x[0];
	*sd = constant ? 0.0 : gsl_stats_sd_m(x, 1, n, *mean);
	return isfinite(*sd) ? 0 : -1;
}

int stat_t_halfwidth(double sd, size_t n, double *half)
{
	if (n < 2)
		return -1;
	if (sd == 0.0) {
		*half = 0.0;
		return 0;
	}
	double t = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1));
	*half = t * sd / sqrt((double)n);
	return isfinite(*half) ? 0 : -1;
}

int stat_wilson(size_t k, size_t n, double *lo, double *hi)
{
	if (n == 0 || k > n)
		return -1;
	double z = CONF_Z95, z2 = z * z, nn = (double)n, ph = (double)k / nn;
	double denom = 1.0 + z2 / nn;
	double center = (ph + z2 / (2.0 * nn)) / denom;
	double half = z / denom * sqrt(ph * (1.0 - ph) / nn + z2 / (4.0 * nn * nn));
	*lo = k == 0 ? 0.0 : fmax(0.0, center - half);
	*hi = k == n ? 1.0 : fmin(1.0, center + half);
	return 0;
}

int stat_cp_upper(size_t k, size_t n, double *upper)
{
	if (n == 0 || k > n)
		return -1;
	if (k == n) {
		*upper = 1.0;
		return 0;
	}
	if (k == 0) { /* closed form: 1 - 0.05^(1/n) */
		*upper = -expm1(log(0.05) / (double)n);
		return 0;
	}
	double a = (double)k + 1.0, b = (double)(n - k);
	double x = gsl_cdf_beta_Pinv(0.95, a, b);
	if (isfinite(x) && x > 0.0 && x < 1.0) {
		*upper = x;
		return 0;
	}
	/* GSL's inverse gives up for large n: bisect the beta CDF instead */
	double lo = (double)k / (double)n, hi = 1.0;
	for (int i = 0; i < 200 && hi - lo > 1e-15; i++) {
		double mid = (lo + hi) / 2.0, f = gsl_cdf_beta_P(mid, a, b);
		if (!isfinite(f))
			return -1;
		if (f < 0.95)
			lo = mid;
		else
			hi = mid;
	}
	*upper = (lo + hi) / 2.0;
	return 0;
}

struct tagged {
	double v;
	int from_b;
};

static int tagged_cmp(const void *x, const void *y)
{
	double a = ((const struct tagged *)x)->v, b = ((const struct tagged *)y)->v;
	return (a > b) - (a < b);
}

int stat_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		      double *u, double *z, double *p)
{
	if (na == 0 || nb == 0)
		return -1;
	size_t n = na + nb;
	struct tagged *t = malloc(n * sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < na; i++)
		t[i] = (struct tagged){a[i], 0};
	for (size_t i = 0; i < nb; i++)
		t[na + i] = (struct tagged){b[i], 1};
	qsort(t, n, sizeof *t, tagged_cmp);
	double rank_b = 0.0, ties = 0.0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && t[j].v == t[i].v)
			j++;
		double mid = ((double)i + 1.0 + (double)j) / 2.0; /* ranks i+1 .. j */
		for (size_t k = i; k < j; k++)
			if (t[k].from_b)
				rank_b += mid;
		double tc = (double)(j - i);
		ties += tc * tc * tc - tc;
		i = j;
	}
	free(t);
	double fa = (double)na, fb = (double)nb, fn = (double)n;
	*u = rank_b - fb * (fb + 1.0) / 2.0;
	double mu = fa * fb / 2.0;
	double var = fa * fb / 12.0 * ((fn + 1.0) - ties / (fn * (fn - 1.0)));
	if (!(var > 0.0)) { /* every value tied */
		*z = 0.0;
		*p = 1.0;
		return 0;
	}
	double d = *u - mu;
	double num = fabs(d) - 0.5 > 0.0 ? fabs(d) - 0.5 : 0.0;
	*z = copysign(num / sqrt(var), d);
	*p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(*z)));
	return isfinite(*z) && isfinite(*p) ? 0 : -1;
}

long stat_int_bins(const double *x, size_t n, double **edges, int *pairs)
{
	if (n == 0)
		return -1;
	size_t distinct = 1;
	for (size_t i = 1; i < n && distinct <= 50; i++)
		distinct += x[i] != x[i - 1];
	if (distinct <= 50) {
		double *e = malloc(2 * distinct * sizeof *e);
		if (!e)
			return -1;
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (i == 0 || x[i] != x[i - 1]) {
				e[2 * k] = x[i] - 0.5;
				e[2 * k + 1] = x[i] + 0.5;
				k++;
			}
		*edges = e;
		*pairs = 1;
		return (long)distinct;
	}
	double span = x[n - 1] - x[0] + 1.0; /* integer values the range can hold */
	double iqr = stat_quantile(x, n, 0.75) - stat_quantile(x, n, 0.25);
	double w = ceil(2.0 * iqr / cbrt((double)n));
	if (w < 1.0)
		w = 1.0;
	double nb = ceil(span / w);
	if (nb > 200.0) {
		w = ceil(span / 200.0);
		nb = ceil(span / w);
	}
	if (nb < 10.0) {
		w = floor(span / 10.0);
		if (w < 1.0)
			w = 1.0;
		nb = ceil(span / w);
	}
	long nbins = (long)nb;
	double *e = malloc((size_t)(nbins + 1) * sizeof *e);
	if (!e)
		return -1;
	for (long i = 0; i <= nbins; i++)
		e[i] = x[0] - 0.5 + (double)i * w;
	*edges = e;
	*pairs = 0;
	return nbins;
}

int stat_hist_counts(const double *x, size_t n, const double *edges, long nbins, int pairs,
		     size_t *counts)
{
	/* with pairs the bins are [e0,e1) gap [e1,e2) [e2,e3) ...: a histogram of
	   2 nbins - 1 bins whose odd bins are the empty gaps between values */
	size_t nranges = pairs ? (size_t)(2 * nbins) : (size_t)(nbins + 1);
	double *r = malloc(nranges * sizeof *r);
	if (!r)
		return -1;
	size_t m = 0;
	for (size_t i = 0; i < nranges; i++)
		if (m == 0 || edges[i] > r[m - 1])
			r[m++] = edges[i]; /* adjacent values share an edge */
	gsl_histogram *h = gsl_histogram_alloc(m - 1);
	int rc = h ? gsl_histogram_set_ranges(h, r, m) : -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (gsl_histogram_increment(h, x[i]) != 0)
			rc = -1; /* outside the range: cannot happen with these edges */
	for (long b = 0; rc == 0 && b < nbins; b++) {
		double lo = pairs ? edges[2 * b] : edges[b];
		size_t idx;
		if (gsl_histogram_find(h, lo + 0.25, &idx) != 0) {
			rc = -1;
			break;
		}
		counts[b] = (size_t)gsl_histogram_get(h, idx);
	}
	gsl_histogram_free(h);
	free(r);
	return rc;
}
