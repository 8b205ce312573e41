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

/* In-place sort of doubles (no NaN): quicksort with a median-of-three pivot
 * and a three-way partition, so that the many equal values of race data (a
 * constant cell is all one value) cost linear time; insertion sort for short
 * runs; heapsort if the recursion gets too deep. No comparison callbacks:
 * several times faster than qsort() on millions of values. */
static double median3(double a, double b, double c)
{
	return a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
}

/* Three-way partition of x[lo, hi) around p: afterwards [lo, *lt) < p,
   [*lt, *gt) == p, [*gt, hi) > p. */
static void partition3(double *x, size_t lo, size_t hi, double p, size_t *lt_out, size_t *gt_out)
{
	size_t lt = lo, i = lo, gt = hi;
	while (i < gt) {
		if (x[i] < p) {
			double t = x[lt];
			x[lt++] = x[i];
			x[i++] = t;
		} else if (x[i] > p) {
			double t = x[--gt];
			x[gt] = x[i];
			x[i] = t;
		} else {
			i++;
		}
	}
	*lt_out = lt;
	*gt_out = gt;
}

static void insertion(double *x, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double v = x[i];
		size_t j = i;
		for (; j > 0 && x[j - 1] > v; j--)
			x[j] = x[j - 1];
		x[j] = v;
	}
}

static void sift(double *x, size_t root, size_t n)
{
	for (;;) {
		size_t c = 2 * root + 1;
		if (c >= n)
			return;
		if (c + 1 < n && x[c + 1] > x[c])
			c++;
		if (!(x[c] > x[root]))
			return;
		double t = x[c];
		x[c] = x[root];
		x[root] = t;
		root = c;
	}
}

static void heapsort_d(double *x, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(x, i, n);
	for (size_t i = n; i-- > 1;) {
		double t = x[0];
		x[0] = x[i];
		x[i] = t;
		sift(x, 0, i);
	}
}

static void sort_rec(double *x, size_t n, int depth)
{
	while (n > 24) {
		if (depth-- == 0) {
			heapsort_d(x, n);
			return;
		}
		size_t lt, gt;
		partition3(x, 0, n, median3(x[0], x[n / 2], x[n - 1]), &lt, &gt);
		/* recurse into the smaller side, loop on the larger */
		if (lt < n - gt) {
			sort_rec(x, lt, depth);
			x += gt;
			n -= gt;
		} else {
			sort_rec(x + gt, n - gt, depth);
			n = lt;
		}
	}
	insertion(x, n);
}

double stat_median_select(double *x, size_t n)
{
	/* quickselect the two middle order statistics, then interpolate as
	   gsl_stats_quantile_from_sorted_data does for p = 0.5 */
	size_t k = (n - 1) / 2;
	size_t lo = 0, hi = n; /* the k-th smallest lies in [lo, hi) */
	while (hi - lo > 1) {
		size_t lt, gt;
		partition3(x, lo, hi, median3(x[lo], x[lo + (hi - lo) / 2], x[hi - 1]), &lt, &gt);
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			break; /* x[k] == p */
	}
	double m = x[k];
	if (n % 2 == 1)
		return m;
	double next = x[k + 1]; /* the smallest value above position k */
	for (size_t i = k + 1; i < n; i++)
		if (x[i] < next)
			next = x[i];
	return m + (next - m) / 2.0;
}

void stat_sort(double *x, size_t n)
{
	int depth = 2;
	for (size_t m = n; m > 1; m >>= 1)
		depth += 2;
	sort_rec(x, n, depth);
}

int stat_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		      double *u, double *z, double *p)
{
	if (na == 0 || nb == 0)
		return -1;
	double *sa = malloc(na * sizeof *sa), *sb = malloc(nb * sizeof *sb);
	if (!sa || !sb) {
		free(sa);
		free(sb);
		return -1;
	}
	memcpy(sa, a, na * sizeof *sa);
	memcpy(sb, b, nb * sizeof *sb);
	stat_sort(sa, na);
	stat_sort(sb, nb);
	/* merge the two sorted samples: each run of ties gets its midrank */
	double rank_b = 0.0, ties = 0.0;
	size_t i = 0, j = 0, done = 0;
	while (i < na || j < nb) {
		double v = i < na && (j >= nb || sa[i] <= sb[j]) ? sa[i] : sb[j];
		size_t ca = 0, cb = 0;
		while (i < na && sa[i] == v) {
			i++;
			ca++;
		}
		while (j < nb && sb[j] == v) {
			j++;
			cb++;
		}
		double t = (double)(ca + cb);
		double mid = (double)done + (t + 1.0) / 2.0; /* ranks done+1 .. done+t */
		rank_b += mid * (double)cb;
		ties += t * t * t - t;
		done += ca + cb;
	}
	free(sa);
	free(sb);
	double fa = (double)na, fb = (double)nb, fn = (double)(na + nb);
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
