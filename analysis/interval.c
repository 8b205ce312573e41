/* interval.c - Wilson, Clopper-Pearson and the hurdle interval. See interval.h. */
#include "interval.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>

double binom_cdf(uint64_t k, uint64_t n, double p)
{
	if (k >= n || p <= 0.0)
		return 1.0;
	if (p >= 1.0)
		return 0.0;
	double nn = (double)n, q = 1.0 - p, lp = log(p), lq = log1p(-p);
	double mode = floor((nn + 1.0) * p);
	if ((double)k < mode) {
		/* the lower tail, from k down: terms fall away from the mode */
		double j = (double)k;
		double t = exp(gsl_sf_lngamma(nn + 1.0) - gsl_sf_lngamma(j + 1.0) -
			       gsl_sf_lngamma(nn - j + 1.0) + j * lp + (nn - j) * lq);
		double sum = 0.0;
		for (; j >= 0.0; j -= 1.0) {
			sum += t;
			if (j == 0.0)
				break;
			double r = j * q / ((nn - j + 1.0) * p); /* term(j-1) / term(j) */
			t *= r;
			if (r < 1.0 && t * r / (1.0 - r) < sum * 1e-17)
				break;
			if (t == 0.0)
				break;
		}
		return sum > 1.0 ? 1.0 : sum;
	}
	/* the upper tail, from k + 1 up, and its complement */
	double j = (double)k + 1.0;
	double t = exp(gsl_sf_lngamma(nn + 1.0) - gsl_sf_lngamma(j + 1.0) - gsl_sf_lngamma(nn - j + 1.0) +
		       j * lp + (nn - j) * lq);
	double sum = 0.0;
	for (; j <= nn; j += 1.0) {
		sum += t;
		double r = (nn - j) * p / ((j + 1.0) * q); /* term(j+1) / term(j) */
		t *= r;
		if (r < 1.0 && t / (1.0 - r) < sum * 1e-17)
			break;
		if (t == 0.0)
			break;
	}
	double c = 1.0 - sum;
	return c < 0.0 ? 0.0 : c;
}

int interval_wilson_z(uint64_t k, uint64_t n, double z, double *lo, double *hi)
{
	if (n == 0 || k > n)
		return -1;
	double z2 = z * z, nn = (double)n, ph = (double)k / nn;
	double denom = 1.0 + z2 / nn;
	double center = (ph + z2 / (2.0 * nn)) / denom;
	double half = z / denom * sqrt(ph * (1.0 - ph) / nn + z2 / (4.0 * nn * nn));
	*lo = k == 0 ? 0.0 : fmax(0.0, center - half);
	*hi = k == n ? 1.0 : fmin(1.0, center + half);
	return 0;
}

int interval_wilson(uint64_t k, uint64_t n, double *lo, double *hi)
{
	return interval_wilson_z(k, n, CONF_Z95, lo, hi);
}

int interval_cp_upper(uint64_t k, uint64_t n, double alpha, double *hi)
{
	if (n == 0 || k > n || !(alpha > 0.0 && alpha < 1.0))
		return -1;
	if (k == n) {
		*hi = 1.0;
		return 0;
	}
	if (k == 0) { /* closed form: 1 - alpha^(1/n) */
		*hi = -expm1(log(alpha) / (double)n);
		return 0;
	}
	/* the p at which P(X <= k) falls to alpha: P(X <= k) decreases in p */
	double lo = (double)k / (double)n, up = 1.0;
	for (int i = 0; i < 200 && up - lo > 1e-15 * up; i++) {
		double mid = (lo + up) / 2.0;
		if (binom_cdf(k, n, mid) > alpha)
			lo = mid;
		else
			up = mid;
	}
	*hi = (lo + up) / 2.0;
	return isfinite(*hi) ? 0 : -1;
}

int interval_cp_lower(uint64_t k, uint64_t n, double alpha, double *lo)
{
	if (n == 0 || k > n || !(alpha > 0.0 && alpha < 1.0))
		return -1;
	if (k == 0) {
		*lo = 0.0;
		return 0;
	}
	if (k == n) {
		*lo = exp(log(alpha) / (double)n);
		return 0;
	}
	/* the p at which P(X >= k) = 1 - P(X <= k - 1) rises to alpha */
	double down = 0.0, hi = (double)k / (double)n;
	for (int i = 0; i < 200 && hi - down > 1e-15 * hi; i++) {
		double mid = (down + hi) / 2.0;
		if (1.0 - binom_cdf(k - 1, n, mid) < alpha)
			down = mid;
		else
			hi = mid;
	}
	*lo = (down + hi) / 2.0;
	return isfinite(*lo) ? 0 : -1;
}

double interval_t(double alpha, double df)
{
	return gsl_cdf_tdist_Pinv(1.0 - alpha / 2.0, df);
}

int interval_hurdle(uint64_t n, uint64_t k, double sum, double sumsq, double *mean, double *lo,
		    double *hi)
{
	if (n == 0 || k > n)
		return -1;
	double plo, phi;
	if (interval_cp_lower(k, n, 0.0125, &plo) != 0 || interval_cp_upper(k, n, 0.0125, &phi) != 0)
		return -1;
	double mlo = 0.0, mhi = 1.0;
	if (k >= 2) {
		double m = sum / (double)k;
		double var = (sumsq - (double)k * m * m) / (double)(k - 1);
		double half = interval_t(0.025, (double)(k - 1)) * sqrt(var > 0.0 ? var / (double)k : 0.0);
		mlo = fmax(0.0, m - half);
		mhi = fmin(1.0, m + half);
		if (mhi < m)
			mhi = m; /* m > 1 only by rounding */
	}
	*mean = sum / (double)n;
	*lo = plo * mlo;
	*hi = phi * mhi;
	if (*lo > *mean)
		*lo = *mean;
	if (*hi < *mean)
		*hi = *mean;
	return isfinite(*lo) && isfinite(*hi) && isfinite(*mean) ? 0 : -1;
}
