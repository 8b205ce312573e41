/* stats_test.c - racestat's statistics against values computed by hand or by
 * independent tools (R binom.test / scipy for the intervals and the U test). */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../analysis/stats.h"
#include "tap.h"

int main(void)
{
	gsl_set_error_handler_off();
	double lo, hi, up, m, sd, half;

	/* Wilson score intervals */
	stat_wilson(0, 30, &lo, &hi);
	TAP_NEAR(lo, 0.0, 1e-12, "Wilson 0/30 lower is 0");
	TAP_NEAR(hi, 0.1135, 5e-5, "Wilson 0/30 upper");
	stat_wilson(1, 100, &lo, &hi);
	TAP_NEAR(lo, 0.0018, 5e-5, "Wilson 1/100 lower");
	TAP_NEAR(hi, 0.0545, 5e-5, "Wilson 1/100 upper");
	stat_wilson(30, 30, &lo, &hi);
	TAP_OK(hi == 1.0 && fabs(lo - (1 - 0.1135)) < 5e-5, "Wilson 30/30 mirrors 0/30: [%g, %g]", lo, hi);
	TAP_OK(stat_wilson(0, 0, &lo, &hi) != 0, "Wilson refuses n = 0");

	/* one-sided 95 % Clopper-Pearson upper bounds */
	stat_cp_upper(0, 100, &up);
	TAP_NEAR(up, 0.0295, 5e-5, "exact upper bound 0/100");
	stat_cp_upper(1, 10, &up);
	TAP_NEAR(up, 0.3942, 5e-5, "exact upper bound 1/10 (qbeta(0.95, 2, 9))");
	TAP_OK(stat_cp_upper(249756, 250001, &up) == 0 && up > 249756.0 / 250001 && up < 1.0,
	       "exact upper bound for large n, where GSL's inverse gives up (%.6f)", up);
	stat_cp_upper(500, 1000, &up);
	TAP_NEAR(up, 0.5260, 5e-4, "exact upper bound 500/1000 (qbeta(0.95, 501, 500))");
	stat_cp_upper(5, 5, &up);
	TAP_OK(up == 1.0, "exact upper bound n/n is 1");
	stat_cp_upper(0, 1, &up);
	TAP_NEAR(up, 0.95, 1e-12, "exact upper bound 0/1 is 0.95");

	/* mean, sd, t interval */
	const double x5[] = {1, 2, 3, 4, 5};
	TAP_OK(stat_mean_sd(x5, 5, &m, &sd) == 0 && m == 3.0, "mean of 1..5 is 3");
	TAP_NEAR(sd, 1.58113883, 1e-8, "sample sd of 1..5 (n - 1)");
	stat_t_halfwidth(sd, 5, &half);
	TAP_NEAR(half, 1.963243, 1e-6, "t half-width, 4 df");
	const double k3[] = {7, 7, 7};
	TAP_OK(stat_mean_sd(k3, 3, &m, &sd) == 0 && sd == 0.0, "constant data: sd exactly 0");
	TAP_OK(stat_t_halfwidth(0.0, 3, &half) == 0 && half == 0.0, "constant data: zero-width interval, not NaN");
	TAP_OK(stat_mean_sd(k3, 1, &m, &sd) != 0 && m == 7.0, "n = 1: a mean but no sd");
	TAP_OK(stat_t_halfwidth(1.0, 1, &half) != 0, "n = 1: no t interval");

	/* quantiles: GSL's linear interpolation between order statistics */
	const double x4[] = {1, 2, 3, 4};
	TAP_NEAR(stat_quantile(x4, 4, 0.25), 1.75, 1e-12, "q1 of 1..4");
	TAP_NEAR(stat_quantile(x4, 4, 0.5), 2.5, 1e-12, "median of 1..4");
	TAP_NEAR(stat_quantile(x4, 4, 0.75), 3.25, 1e-12, "q3 of 1..4");
	TAP_NEAR(stat_quantile(x4, 1, 0.5), 1.0, 1e-12, "median of one value");

	/* sorting and the linear-time median */
	double sv[1001], copy[1001];
	unsigned long long rs = 12345;
	for (int i = 0; i < 1001; i++) {
		rs = rs * 6364136223846793005ull + 1442695040888963407ull;
		sv[i] = (double)((rs >> 33) % 50); /* many ties */
		copy[i] = sv[i];
	}
	stat_sort(sv, 1001);
	int sorted = 1;
	for (int i = 1; i < 1001; i++)
		sorted &= sv[i - 1] <= sv[i];
	TAP_OK(sorted, "stat_sort sorts 1001 values with many ties");
	TAP_OK(stat_median_select(copy, 1001) == stat_quantile(sv, 1001, 0.5), "linear median = sorted median (odd n)");
	for (int i = 0; i < 1000; i++)
		copy[i] = sv[999 - i] + 0.5 * (i % 3);
	double want[1000];
	memcpy(want, copy, sizeof want);
	stat_sort(want, 1000);
	TAP_NEAR(stat_median_select(copy, 1000), stat_quantile(want, 1000, 0.5), 0, "linear median = sorted median (even n)");

	/* Mann-Whitney */
	double a[10], b[10], u, z, p;
	for (int i = 0; i < 10; i++) {
		a[i] = i + 1;
		b[i] = i + 11;
	}
	stat_mann_whitney(a, 10, b, 10, &u, &z, &p);
	TAP_OK(u == 100.0, "clear shift: U counts all 100 pairs (%g)", u);
	TAP_NEAR(z, 49.5 / sqrt(175.0), 1e-9, "clear shift: z = (100 - 50 - 0.5) / sqrt(175)");
	TAP_NEAR(p, 0.00018267, 1e-7, "clear shift: p (scipy mannwhitneyu asymptotic)");
	double z2, p2;
	stat_mann_whitney(b, 10, a, 10, &u, &z2, &p2);
	TAP_OK(z2 == -z && p2 == p && u == 0.0, "swapping the samples flips z and keeps p");
	const double t1[] = {5, 5, 5}, t2[] = {5, 5, 5, 5};
	stat_mann_whitney(t1, 3, t2, 4, &u, &z, &p);
	TAP_OK(p == 1.0 && z == 0.0, "all values tied: z = 0, p = 1");
	/* ties: a = {1,2,2,3}, b = {2,3,3,4}: midranks 1, 3,3,3, 6,6,6, 8; R_b = 23,
	   U_b = 23 - 10 = 13; two tie groups of 3: sum(t^3 - t) = 48 */
	const double ta[] = {1, 2, 2, 3}, tb[] = {2, 3, 3, 4};
	stat_mann_whitney(ta, 4, tb, 4, &u, &z, &p);
	TAP_OK(u == 13.0, "ties: U from midranks (%g)", u);
	TAP_NEAR(z, (13.0 - 8.0 - 0.5) / sqrt(16.0 / 12.0 * (9.0 - 48.0 / 56.0)), 1e-9, "ties: tie-corrected z");

	/* histogram bins */
	const double h[] = {0, 0, 1, 5, 5, 5};
	double *edges;
	int pairs;
	size_t counts[300];
	long nb = stat_int_bins(h, 6, &edges, &pairs);
	TAP_OK(nb == 3 && pairs, "few distinct values: one bin per value (%ld)", nb);
	stat_hist_counts(h, 6, edges, nb, pairs, counts);
	TAP_OK(counts[0] == 2 && counts[1] == 1 && counts[2] == 3, "counts 2, 1, 3: the maximum is counted");
	TAP_OK(edges[4] == 4.5 && edges[5] == 5.5, "half-integer edges around the maximum");
	free(edges);
	nb = stat_int_bins(k3, 3, &edges, &pairs);
	stat_hist_counts(k3, 3, edges, nb, pairs, counts);
	TAP_OK(nb == 1 && counts[0] == 3 && edges[0] == 6.5 && edges[1] == 7.5, "a constant cell is one bin holding n");
	free(edges);
	double r[100];
	for (int i = 0; i < 100; i++)
		r[i] = i;
	nb = stat_int_bins(r, 100, &edges, &pairs);
	stat_hist_counts(r, 100, edges, nb, pairs, counts);
	size_t sum = 0;
	for (long i = 0; i < nb; i++)
		sum += counts[i];
	TAP_OK(nb == 10 && !pairs && sum == 100 && counts[9] == 10, "0..99: at least 10 bins, all counted (%ld bins, %zu)", nb, sum);
	TAP_OK(edges[0] == -0.5 && edges[nb] == 99.5, "edges -0.5 .. 99.5");
	free(edges);
	double *big = malloc(5000 * sizeof *big);
	for (int i = 0; i < 5000; i++)
		big[i] = (double)i * 200.0;
	nb = stat_int_bins(big, 5000, &edges, &pairs);
	stat_hist_counts(big, 5000, edges, nb, pairs, counts);
	sum = 0;
	for (long i = 0; i < nb; i++)
		sum += counts[i];
	TAP_OK(nb <= 200 && nb >= 10 && sum == 5000, "wide data: capped at 200 bins, all counted (%ld bins)", nb);
	TAP_OK(edges[0] == -0.5 && edges[nb] > big[4999] && edges[nb] - floor(edges[nb]) == 0.5, "wide data: half-integer edges cover the maximum");
	free(edges);
	free(big);
	return tap_done();
}
