/* rank.c - see rank.h. */
#include "rank.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* the distinct values of two sorted samples, with their counts per sample */
struct ties {
	size_t d;            /* distinct values */
	size_t *ca, *cb;     /* counts in a and b */
};

static int ties_of(const double *a, size_t na, const double *b, size_t nb, struct ties *t)
{
	t->ca = malloc((na + nb) * sizeof *t->ca);
	t->cb = malloc((na + nb) * sizeof *t->cb);
	if (!t->ca || !t->cb) {
		free(t->ca);
		free(t->cb);
		return -1;
	}
	size_t i = 0, j = 0;
	t->d = 0;
	while (i < na || j < nb) {
		double v = i < na && (j >= nb || a[i] <= b[j]) ? a[i] : b[j];
		size_t x = 0, y = 0;
		while (i < na && a[i] == v) {
			i++;
			x++;
		}
		while (j < nb && b[j] == v) {
			j++;
			y++;
		}
		t->ca[t->d] = x;
		t->cb[t->d] = y;
		t->d++;
	}
	return 0;
}

#define MW_EXACT_WORK 5e7

/* The permutation distribution of twice the rank sum of nb items chosen
   among N pooled ones in D tie groups of t[d] items: ways[w2], for every
   choice of which items are b's (binomial coefficients within a tie group),
   by dynamic programming over the groups on (items chosen, twice the rank
   sum), each row kept to the range of sums it can reach. NULL when too big
   to compute; *W gets its length. */
static double *rank_sum_dist(const size_t *t, size_t D, size_t N, size_t nb, size_t *W)
{
	size_t wmax = N * (N + 1); /* twice the largest rank sum */
	double work = (double)(nb + 1) * (double)(wmax + 1) * (double)(N + D) / 3.0;
	if (work > MW_EXACT_WORK || N > 400)
		return NULL;
	*W = wmax + 1;
	double *ways = calloc((nb + 1) * *W, sizeof *ways);
	size_t *lo = malloc((nb + 1) * sizeof *lo), *hi = malloc((nb + 1) * sizeof *hi);
	if (!ways || !lo || !hi) {
		free(ways);
		free(lo);
		free(hi);
		return NULL;
	}
	ways[0] = 1.0;
	lo[0] = hi[0] = 0;
	for (size_t j = 1; j <= nb; j++) {
		lo[j] = *W; /* empty */
		hi[j] = 0;
	}
	size_t cum = 0;
	for (size_t d = 0; d < D; d++) {
		size_t tt = t[d];
		size_t r2 = 2 * cum + tt + 1; /* twice the midrank */
		/* choose kk of the tt tied items for b; rows j descending, in place */
		for (size_t j = nb + 1; j-- > 1;) {
			size_t kmax = tt < j ? tt : j;
			/* the sums row j can reach after this group */
			size_t nlo = lo[j], nhi = hi[j];
			for (size_t kk = 1; kk <= kmax; kk++)
				if (lo[j - kk] <= hi[j - kk]) {
					size_t a = lo[j - kk] + kk * r2, b = hi[j - kk] + kk * r2;
					if (a < nlo)
						nlo = a;
					if (b > nhi || nhi < nlo)
						nhi = b > nhi ? b : nhi;
				}
			if (nlo > nhi || nhi >= *W)
				continue;
			double *row = ways + j * *W;
			for (size_t w = nhi + 1; w-- > nlo;) {
				double v = row[w];
				double c = 1.0;
				for (size_t kk = 1; kk <= kmax; kk++) {
					c = c * (double)(tt - kk + 1) / (double)kk; /* C(tt, kk) */
					size_t dw = kk * r2;
					if (dw > w)
						break;
					size_t src = w - dw;
					if (src >= lo[j - kk] && src <= hi[j - kk])
						v += ways[(j - kk) * *W + src] * c;
				}
				row[w] = v;
			}
			lo[j] = nlo;
			hi[j] = nhi;
		}
		cum += tt;
	}
	/* keep only the row with nb chosen */
	memmove(ways, ways + nb * *W, *W * sizeof *ways);
	free(lo);
	free(hi);
	return ways;
}

/* the distribution for N distinct values (no ties), from the cache or made */
static const double *untied_dist(struct rank_cache *c, size_t N, size_t nb, size_t *W)
{
	if (c && c->ways && c->N == N && c->nb == nb) {
		*W = c->W;
		return c->ways;
	}
	size_t *ones = malloc(N * sizeof *ones);
	if (!ones)
		return NULL;
	for (size_t i = 0; i < N; i++)
		ones[i] = 1;
	double *ways = rank_sum_dist(ones, N, N, nb, W);
	free(ones);
	if (!ways || !c)
		return ways;
	free(c->ways);
	c->ways = ways;
	c->N = N;
	c->nb = nb;
	c->W = *W;
	return ways;
}

void rank_cache_free(struct rank_cache *c)
{
	if (c) {
		free(c->ways);
		c->ways = NULL;
	}
}

/* The exact two-sided p of the rank sum of b given the ties. -1 if too big. */
static int mw_exact_p(const struct ties *t, size_t na, size_t nb, double w2obs,
		      struct rank_cache *cache, double *p)
{
	size_t N = na + nb, W;
	int untied = t->d == N;
	double *own = NULL;
	const double *ways;
	if (untied) {
		ways = untied_dist(cache, N, nb, &W);
		if (!cache)
			own = (double *)ways;
	} else {
		size_t *tc = malloc((t->d ? t->d : 1) * sizeof *tc);
		if (!tc)
			return -1;
		for (size_t d = 0; d < t->d; d++)
			tc[d] = t->ca[d] + t->cb[d];
		ways = own = rank_sum_dist(tc, t->d, N, nb, &W);
		free(tc);
	}
	if (!ways)
		return -1;
	double total = 0.0, tail = 0.0, mean = (double)nb * (double)(N + 1);
	double dev = fabs(w2obs - mean) - 1e-7;
	for (size_t w = 0; w < W; w++) {
		total += ways[w];
		if (fabs((double)w - mean) >= dev)
			tail += ways[w];
	}
	free(own);
	if (!(total > 0.0))
		return -1;
	*p = fmin(1.0, tail / total);
	return 0;
}

int rank_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		      struct rank_cache *cache, struct mw *out)
{
	if (na == 0 || nb == 0)
		return -1;
	struct ties t;
	if (ties_of(a, na, b, nb, &t) != 0)
		return -1;
	double w2 = 0.0, tiesum = 0.0;
	size_t cum = 0;
	for (size_t d = 0; d < t.d; d++) {
		size_t tt = t.ca[d] + t.cb[d];
		w2 += (double)t.cb[d] * (double)(2 * cum + tt + 1);
		double ft = (double)tt;
		tiesum += ft * ft * ft - ft;
		cum += tt;
	}
	double fa = (double)na, fb = (double)nb, fn = (double)(na + nb);
	out->u = w2 / 2.0 - fb * (fb + 1.0) / 2.0;
	out->effect = out->u / (fa * fb);
	double mu = fa * fb / 2.0;
	double var = fa * fb / 12.0 * ((fn + 1.0) - tiesum / (fn * (fn - 1.0)));
	out->exact = 0;
	if (!(var > 0.0)) { /* every value tied */
		out->z = 0.0;
		out->p = 1.0;
		out->exact = 1;
		free(t.ca);
		free(t.cb);
		return 0;
	}
	double dd = out->u - mu;
	double num = fabs(dd) - 0.5 > 0.0 ? fabs(dd) - 0.5 : 0.0;
	out->z = copysign(num / sqrt(var), dd);
	out->p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(out->z)));
	double pe;
	if (mw_exact_p(&t, na, nb, w2, cache, &pe) == 0) {
		out->p = pe;
		out->exact = 1;
	}
	free(t.ca);
	free(t.cb);
	return isfinite(out->p) && isfinite(out->z) ? 0 : -1;
}

/* ---- Hodges-Lehmann ---- */

/* pairs (i, j) with b[j] - a[i] <= v (le) and < v (lt), by two pointers:
   as a[i] grows, the threshold b[j] <= v + a[i] moves right */
static void count_below(const double *a, size_t na, const double *b, size_t nb, double v,
			uint64_t *le, uint64_t *lt)
{
	size_t jle = 0, jlt = 0;
	uint64_t sle = 0, slt = 0;
	for (size_t i = 0; i < na; i++) {
		while (jle < nb && b[jle] - a[i] <= v)
			jle++;
		while (jlt < nb && b[jlt] - a[i] < v)
			jlt++;
		sle += jle;
		slt += jlt;
	}
	*le = sle;
	*lt = slt;
}

static uint64_t mix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double rank_kth_difference(const double *a, size_t na, const double *b, size_t nb, uint64_t k)
{
	/* selection among the differences: keep [lo, hi] bracketing the k-th,
	   pivot on a difference drawn from inside the bracket (a fixed
	   generator: the same data give the same steps), count with two
	   pointers; each round shrinks the candidates by a share on average */
	double lo = b[0] - a[na - 1], hi = b[nb - 1] - a[0];
	uint64_t le_lo, lt_lo, le_hi, lt_hi;
	count_below(a, na, b, nb, lo, &le_lo, &lt_lo);
	if (le_lo >= k)
		return lo;
	count_below(a, na, b, nb, hi, &le_hi, &lt_hi);
	if (lt_hi < k)
		return hi;
	uint64_t st = 0x2545f4914f6cdd1dull ^ k;
	for (int round = 0; round < 400; round++) {
		/* candidates strictly between lo and hi, the k-th among them */
		uint64_t inside = lt_hi - le_lo;
		if (inside == 0)
			return hi;
		uint64_t target = mix(&st) % inside;
		double pivot = hi;
		size_t jlo = 0, jhi = 0;
		for (size_t i = 0; i < na; i++) {
			while (jlo < nb && b[jlo] - a[i] <= lo)
				jlo++;
			while (jhi < nb && b[jhi] - a[i] < hi)
				jhi++;
			uint64_t cnt = jhi > jlo ? jhi - jlo : 0;
			if (target < cnt) {
				pivot = b[jlo + target] - a[i];
				break;
			}
			target -= cnt;
		}
		uint64_t le, lt;
		count_below(a, na, b, nb, pivot, &le, &lt);
		if (lt < k && le >= k)
			return pivot;
		if (lt >= k) {
			hi = pivot;
			le_hi = le;
			lt_hi = lt;
		} else {
			lo = pivot;
			le_lo = le;
			lt_lo = lt;
		}
	}
	(void)lt_lo;
	(void)le_hi;
	return (lo + hi) / 2.0; /* not reached in practice */
}

/* the smallest u with P(U <= u) >= q, U the Mann-Whitney statistic of
   (m, n) without ties (as R's qwilcox); -1 if too big to compute */
static long qwilcox(double q, size_t m, size_t n, struct rank_cache *cache)
{
	size_t N = m + n, W;
	const double *ways = untied_dist(cache, N, n, &W);
	if (!ways)
		return -1;
	double total = 0.0;
	for (size_t w = 0; w < W; w++)
		total += ways[w];
	/* twice the rank sum w2 = 2 (u + n (n + 1) / 2) */
	size_t base = n * (n + 1);
	double c = 0.0;
	long res = -1;
	for (size_t w = base; w < W && res < 0; w += 2) {
		c += ways[w];
		if (c / total >= q - 1e-12)
			res = (long)((w - base) / 2);
	}
	if (!cache)
		free((double *)ways);
	return res;
}

int rank_hodges_lehmann(const double *a, size_t na, const double *b, size_t nb, int exact,
			struct rank_cache *cache, struct hl *out)
{
	if (na == 0 || nb == 0)
		return -1;
	uint64_t M = (uint64_t)na * nb;
	if (M % 2)
		out->shift = rank_kth_difference(a, na, b, nb, (M + 1) / 2);
	else
		out->shift = (rank_kth_difference(a, na, b, nb, M / 2) +
			      rank_kth_difference(a, na, b, nb, M / 2 + 1)) / 2.0;
	uint64_t k;
	long q = exact ? qwilcox(0.025, na, nb, cache) : -1;
	if (q >= 0) {
		k = q == 0 ? 1 : (uint64_t)q; /* as R's wilcox.test does */
	} else {
		/* normal approximation to U's quantile, ties taken into account */
		struct ties t;
		if (ties_of(a, na, b, nb, &t) != 0)
			return -1;
		double tiesum = 0.0, fn = (double)(na + nb);
		for (size_t d = 0; d < t.d; d++) {
			double ft = (double)(t.ca[d] + t.cb[d]);
			tiesum += ft * ft * ft - ft;
		}
		free(t.ca);
		free(t.cb);
		double var = (double)na * (double)nb / 12.0 * ((fn + 1.0) - tiesum / (fn * (fn - 1.0)));
		double kk = floor((double)M / 2.0 - CONF_Z95 * sqrt(var > 0.0 ? var : 0.0));
		k = kk < 1.0 ? 1 : (uint64_t)kk;
	}
	if (k > M)
		k = M;
	out->lo = rank_kth_difference(a, na, b, nb, k);
	out->hi = rank_kth_difference(a, na, b, nb, M - k + 1);
	if (out->lo > out->shift)
		out->lo = out->shift;
	if (out->hi < out->shift)
		out->hi = out->shift;
	return isfinite(out->shift) && isfinite(out->lo) && isfinite(out->hi) ? 0 : -1;
}

/* ---- Jonckheere-Terpstra ---- */

#define JT_PERMUTE_MAX 400 /* trials in a line: permutation p up to here, normal beyond */

struct lv {
	double v;
	unsigned g;
};

static int lv_cmp(const void *x, const void *y)
{
	const struct lv *a = x, *b = y;
	return a->v < b->v ? -1 : a->v > b->v;
}

/* JT of labels in value order, tie blocks given by their ends */
static double jt_of(const unsigned *label, size_t N, const size_t *block_end, size_t nblocks,
		    unsigned ng, double *before, double *inblk)
{
	double jt = 0.0;
	for (unsigned g = 0; g < ng; g++)
		before[g] = 0.0;
	size_t start = 0;
	for (size_t b = 0; b < nblocks; b++) {
		for (unsigned g = 0; g < ng; g++)
			inblk[g] = 0.0;
		for (size_t i = start; i < block_end[b]; i++)
			inblk[label[i]] += 1.0;
		double pb = 0.0, pi = 0.0; /* prefix over lower levels */
		for (unsigned g = 0; g < ng; g++) {
			jt += inblk[g] * pb + 0.5 * inblk[g] * pi;
			pb += before[g];
			pi += inblk[g];
		}
		for (unsigned g = 0; g < ng; g++)
			before[g] += inblk[g];
		start = block_end[b];
	}
	(void)N;
	return jt;
}

int rank_jonckheere(const double *const *groups, const size_t *n, unsigned ng, gsl_rng *rng,
		    unsigned reps, struct jt *out)
{
	memset(out, 0, sizeof *out);
	size_t N = 0;
	unsigned nonempty = 0;
	for (unsigned g = 0; g < ng; g++) {
		N += n[g];
		nonempty += n[g] > 0;
	}
	if (nonempty < 2 || N < 2) {
		out->p = 1.0;
		return 0;
	}
	struct lv *all = malloc(N * sizeof *all);
	unsigned *label = malloc(N * sizeof *label);
	size_t *bend = malloc(N * sizeof *bend);
	double *before = malloc(2 * ng * sizeof *before);
	if (!all || !label || !bend || !before) {
		free(all);
		free(label);
		free(bend);
		free(before);
		return -1;
	}
	size_t k = 0;
	for (unsigned g = 0; g < ng; g++)
		for (size_t i = 0; i < n[g]; i++)
			all[k++] = (struct lv){groups[g][i], g};
	qsort(all, N, sizeof *all, lv_cmp);
	size_t nb = 0;
	double tsum1 = 0, tsum2 = 0, tsum3 = 0; /* over value ties: t(t-1)(2t+5), t(t-1)(t-2), t(t-1) */
	for (size_t i = 0; i < N; i++) {
		label[i] = all[i].g;
		if (i + 1 == N || all[i + 1].v != all[i].v) {
			bend[nb] = i + 1;
			double t = (double)(bend[nb] - (nb ? bend[nb - 1] : 0));
			tsum1 += t * (t - 1) * (2 * t + 5);
			tsum2 += t * (t - 1) * (t - 2);
			tsum3 += t * (t - 1);
			nb++;
		}
	}
	double fN = (double)N, g1 = 0, g2 = 0, g3 = 0, sq = 0, pairs = 0, n1 = 0;
	double seen = 0.0;
	for (unsigned g = 0; g < ng; g++) {
		double m = (double)n[g];
		g1 += m * (m - 1) * (2 * m + 5);
		g2 += m * (m - 1) * (m - 2);
		g3 += m * (m - 1);
		sq += m * m;
		pairs += m * seen;
		seen += m;
		n1 += m * (m - 1) / 2.0;
	}
	double mean = (fN * fN - sq) / 4.0;
	double var = (fN * (fN - 1) * (2 * fN + 5) - g1 - tsum1) / 72.0 +
		     g2 * tsum2 / (36.0 * fN * (fN - 1) * (fN - 2) > 0 ? 36.0 * fN * (fN - 1) * (fN - 2) : 1) +
		     g3 * tsum3 / (8.0 * fN * (fN - 1));
	out->stat = jt_of(label, N, bend, nb, ng, before, before + ng);
	/* tau-b: C - D over pairs in different levels = 2 JT - pairs */
	double n0 = fN * (fN - 1) / 2.0, n2 = tsum3 / 2.0;
	double den = sqrt((n0 - n1) * (n0 - n2));
	out->testable = nb > 1 && den > 0.0 && var > 0.0;
	if (!out->testable) {
		out->p = 1.0;
		free(all);
		free(label);
		free(bend);
		free(before);
		return 0;
	}
	out->tau_b = (2.0 * out->stat - pairs) / den;
	out->z = (out->stat - mean) / sqrt(var);
	out->p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(out->z)));
	if (N <= JT_PERMUTE_MAX && rng && reps > 0) {
		double dev = fabs(out->stat - mean) - 1e-9;
		unsigned hits = 0;
		for (unsigned r = 0; r < reps; r++) {
			gsl_ran_shuffle(rng, label, N, sizeof *label);
			double s = jt_of(label, N, bend, nb, ng, before, before + ng);
			hits += fabs(s - mean) >= dev;
		}
		out->p = ((double)hits + 1.0) / ((double)reps + 1.0);
		out->permutation = 1;
		out->reps = reps;
	}
	free(all);
	free(label);
	free(bend);
	free(before);
	return isfinite(out->p) && isfinite(out->tau_b) ? 0 : -1;
}

/* ---- Kendall against the order, Spearman ---- */

struct xy {
	double x, y;
};

static int x_cmp(const void *p, const void *q)
{
	const struct xy *a = p, *b = q;
	return a->x < b->x ? -1 : a->x > b->x;
}

/* strict inversions (i < j, y[i] > y[j]) by merge sort */
static uint64_t inversions(double *y, double *tmp, size_t n)
{
	if (n < 2)
		return 0;
	size_t h = n / 2;
	uint64_t inv = inversions(y, tmp, h) + inversions(y + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n) {
		if (y[i] <= y[j])
			tmp[k++] = y[i++];
		else {
			inv += h - i;
			tmp[k++] = y[j++];
		}
	}
	while (i < h)
		tmp[k++] = y[i++];
	while (j < n)
		tmp[k++] = y[j++];
	memcpy(y, tmp, n * sizeof *y);
	return inv;
}

int rank_kendall_order(const uint32_t *x, const double *y, size_t n, double *tau, double *z,
		       double *p)
{
	if (n < 2)
		return -1;
	struct xy *v = malloc(n * sizeof *v);
	double *yy = malloc(n * sizeof *yy), *tmp = malloc(n * sizeof *tmp);
	if (!v || !yy || !tmp) {
		free(v);
		free(yy);
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (struct xy){(double)x[i], y[i]};
	qsort(v, n, sizeof *v, x_cmp);
	for (size_t i = 0; i < n; i++)
		yy[i] = v[i].y;
	uint64_t D = inversions(yy, tmp, n); /* yy is now sorted */
	double ty = 0, ty2 = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && yy[j] == yy[i])
			j++;
		double t = (double)(j - i);
		ty += t * (t - 1) / 2.0;
		ty2 += t * (t - 1) * (2 * t + 5);
		i = j;
	}
	free(v);
	free(yy);
	free(tmp);
	double fn = (double)n, n0 = fn * (fn - 1) / 2.0;
	double C = n0 - (double)D - ty, S = C - (double)D;
	double var = (fn * (fn - 1) * (2 * fn + 5) - ty2) / 18.0;
	if (!(var > 0.0) || !(n0 - ty > 0.0)) {
		*tau = 0.0;
		*z = 0.0;
		*p = 1.0;
		return 1; /* not testable: y constant */
	}
	*tau = S / sqrt(n0 * (n0 - ty));
	*z = S / sqrt(var);
	*p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(*z)));
	return 0;
}

struct iv {
	double v;
	size_t i;
};

static int iv_cmp(const void *p, const void *q)
{
	const struct iv *a = p, *b = q;
	return a->v < b->v ? -1 : a->v > b->v;
}

static int midranks(const double *x, size_t n, double *r)
{
	struct iv *v = malloc(n * sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct iv){x[i], i};
	qsort(v, n, sizeof *v, iv_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j].v == v[i].v)
			j++;
		double mid = ((double)i + (double)j + 1.0) / 2.0;
		for (size_t k = i; k < j; k++)
			r[v[k].i] = mid;
		i = j;
	}
	free(v);
	return 0;
}

int rank_spearman(const double *x, const double *y, size_t n, double *rho, double *lo, double *hi,
		  double *p)
{
	if (n < 4)
		return -1;
	double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
	if (!rx || !ry || midranks(x, n, rx) != 0 || midranks(y, n, ry) != 0) {
		free(rx);
		free(ry);
		return -1;
	}
	double mx = ((double)n + 1.0) / 2.0, sxy = 0, sxx = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		double a = rx[i] - mx, b = ry[i] - mx;
		sxy += a * b;
		sxx += a * a;
		syy += b * b;
	}
	free(rx);
	free(ry);
	if (!(sxx > 0.0) || !(syy > 0.0))
		return 1; /* a constant variable: no correlation to speak of */
	double r = sxy / sqrt(sxx * syy);
	if (r > 1.0)
		r = 1.0;
	if (r < -1.0)
		r = -1.0;
	*rho = r;
	double rr = fmin(fabs(r), 1.0 - 1e-12) * (r < 0 ? -1 : 1);
	double zf = atanh(rr), se = sqrt((1.0 + rr * rr / 2.0) / ((double)n - 3.0));
	*lo = tanh(zf - CONF_Z95 * se);
	*hi = tanh(zf + CONF_Z95 * se);
	if (*lo > r)
		*lo = r;
	if (*hi < r)
		*hi = r;
	double df = (double)n - 2.0, t = fabs(rr) * sqrt(df / (1.0 - rr * rr));
	*p = fmin(1.0, 2.0 * gsl_cdf_tdist_Q(t, df));
	return 0;
}
