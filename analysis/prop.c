/* prop.c - see prop.h. */
#include "prop.h"

#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>

#include "interval.h"

/* log P(x) for the hypergeometric of a 2 x 2 table with the margins given */
static double lhyper(double x, double na, double nb, double K)
{
	return (gsl_sf_lngamma(na + 1) - gsl_sf_lngamma(x + 1) - gsl_sf_lngamma(na - x + 1)) +
	       (gsl_sf_lngamma(nb + 1) - gsl_sf_lngamma(K - x + 1) - gsl_sf_lngamma(nb - K + x + 1)) -
	       (gsl_sf_lngamma(na + nb + 1) - gsl_sf_lngamma(K + 1) - gsl_sf_lngamma(na + nb - K + 1));
}

double prop_fisher(uint64_t ka, uint64_t na, uint64_t kb, uint64_t nb)
{
	double A = (double)na, B = (double)nb, K = (double)(ka + kb);
	double xlo = K - B > 0 ? K - B : 0, xhi = K < A ? K : A;
	if (xhi <= xlo)
		return 1.0;
	/* terms relative to the mode's, walked outwards by the ratio of
	   neighbours until they no longer count: bounded work however many
	   trials; a table counts if it is no likelier than the one seen */
	double mode = floor((K + 1) * (A + 1) / (A + B + 2));
	if (mode < xlo)
		mode = xlo;
	if (mode > xhi)
		mode = xhi;
	double lmode = lhyper(mode, A, B, K);
	double pobs = exp(lhyper((double)ka, A, B, K) - lmode) * (1.0 + 1e-7);
	double sum = 0.0, below = 0.0;
	for (double x = mode, t = 1.0; x >= xlo; x -= 1.0) {
		sum += t;
		if (t <= pobs)
			below += t;
		t *= x * (B - K + x) / ((A - x + 1) * (K - x + 1)); /* P(x - 1) / P(x) */
		if (t < sum * 1e-17 && t < pobs * 1e-12) /* falling away: what is left counts for nothing */
			break;
	}
	if (mode < xhi) {
		double x = mode + 1, t = exp(lhyper(x, A, B, K) - lmode);
		for (; x <= xhi; x += 1.0) {
			sum += t;
			if (t <= pobs)
				below += t;
			t *= (A - x) * (K - x) / ((x + 1) * (B - K + x + 1)); /* P(x + 1) / P(x) */
			if (t < sum * 1e-17 && t < pobs * 1e-12)
				break;
		}
	}
	double p = below / sum;
	return p > 1.0 ? 1.0 : p;
}

int prop_newcombe(uint64_t ka, uint64_t na, uint64_t kb, uint64_t nb, double *diff, double *lo,
		  double *hi)
{
	return prop_newcombe_z(ka, na, kb, nb, CONF_Z95, diff, lo, hi);
}

int prop_newcombe_z(uint64_t ka, uint64_t na, uint64_t kb, uint64_t nb, double z, double *diff,
		    double *lo, double *hi)
{
	double l1, u1, l2, u2;
	if (interval_wilson_z(ka, na, z, &l1, &u1) != 0 || interval_wilson_z(kb, nb, z, &l2, &u2) != 0)
		return -1;
	double p1 = (double)ka / (double)na, p2 = (double)kb / (double)nb;
	*diff = p2 - p1;
	*lo = *diff - sqrt((p2 - l2) * (p2 - l2) + (u1 - p1) * (u1 - p1));
	*hi = *diff + sqrt((u2 - p2) * (u2 - p2) + (p1 - l1) * (p1 - l1));
	return 0;
}

struct ip {
	double p;
	size_t i;
};

static int ip_cmp(const void *x, const void *y)
{
	const struct ip *a = x, *b = y;
	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

int prop_holm(const double *p, size_t m, double *adj)
{
	if (m == 0)
		return 0;
	struct ip *v = malloc(m * sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < m; i++)
		v[i] = (struct ip){p[i], i};
	qsort(v, m, sizeof *v, ip_cmp);
	double run = 0.0;
	for (size_t k = 0; k < m; k++) {
		double a = (double)(m - k) * v[k].p;
		if (a > 1.0)
			a = 1.0;
		if (a > run)
			run = a;
		adj[v[k].i] = run;
	}
	free(v);
	return 0;
}
