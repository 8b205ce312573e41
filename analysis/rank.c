/* rank.c - see rank.h. */
#include "wide.h"
#include "rank.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "stats.h"

/* Past the run of values equal to v from i in the sorted x[0..n): the
   first index there that holds another value, or n. The first few one by
   one (most runs are short), then by doubling and halving, so that a long
   run (a count of zeros, a lossless cell's shares) costs its logarithm. */
static inline size_t run_end(const double *x, size_t i, size_t n, double v)
{
	for (int k = 0; k < 8; k++, i++)
		if (i >= n || x[i] != v)
			return i;
	size_t lo = i, step = 8; /* x[lo - 1] == v */
	while (step <= n - lo && x[lo + step - 1] == v) {
		lo += step;
		step *= 2;
	}
	size_t hi = step <= n - lo ? lo + step - 1 : n; /* x[hi] != v, or hi == n */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x[mid] == v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* the distinct values of two sorted samples, with their counts per sample */
struct ties {
	size_t d;            /* distinct values */
	size_t *ca, *cb;     /* counts in a and b */
};

/* The next distinct value of two sorted samples, merged from a[*i..] and
   b[*j..] (not both at their ends): how many times each holds it, and
   both moved past it. Each merge of two samples by their ties (the ties'
   counts, Mann-Whitney's rank sum, Jonckheere on two levels) takes its
   values in this one order. */
static inline void next_tie(const double *a, size_t na, size_t *i, const double *b, size_t nb, size_t *j,
			    size_t *ca, size_t *cb)
{
	double v = *i < na && (*j >= nb || a[*i] <= b[*j]) ? a[*i] : b[*j];
	size_t i1 = run_end(a, *i, na, v), j1 = run_end(b, *j, nb, v);
	*ca = i1 - *i;
	*cb = j1 - *j;
	*i = i1;
	*j = j1;
}

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
	for (t->d = 0; i < na || j < nb; t->d++)
		next_tie(a, na, &i, b, nb, &j, &t->ca[t->d], &t->cb[t->d]);
	return 0;
}

#define MW_EXACT_WORK 5e7
#define MW_EXACT_N 400 /* pooled trials: the exact p up to here, never beyond */

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
	if (work > MW_EXACT_WORK || N > MW_EXACT_N)
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
	/* the rank sum and the ties' term, a distinct value at a time in
	   increasing order, straight from the merge; the ties' counts are
	   kept only where the exact p may be worked out from them
	   (MW_EXACT_N pooled trials at most) */
	struct ties t = {0, NULL, NULL};
	int keep = na + nb <= MW_EXACT_N;
	if (keep && ties_of(a, na, b, nb, &t) != 0)
		return -1;
	double w2 = 0.0, tiesum = 0.0;
	size_t cum = 0, i = 0, j = 0;
	while (i < na || j < nb) {
		size_t ca, cb;
		next_tie(a, na, &i, b, nb, &j, &ca, &cb);
		size_t tt = ca + cb;
		w2 += (double)cb * (double)(2 * cum + tt + 1);
		double ft = (double)tt;
		tiesum += ft * ft * ft - ft;
		cum += tt;
	}
	double fa = (double)na, fb = (double)nb, fn = (double)(na + nb);
	out->u = w2 / 2.0 - fb * (fb + 1.0) / 2.0;
	out->effect = out->u / (fa * fb);
	double mu = fa * fb / 2.0;
	double var = fa * fb / 12.0 * ((fn + 1.0) - tiesum / (fn * (fn - 1.0)));
	out->var = var;
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
	if (keep && mw_exact_p(&t, na, nb, w2, cache, &pe) == 0) {
		out->p = pe;
		out->exact = 1;
	}
	free(t.ca);
	free(t.cb);
	return isfinite(out->p) && isfinite(out->z) ? 0 : -1;
}

/* ---- Hodges-Lehmann ---- */

/* The differences strictly inside (lo, hi): row i holds b[jlo_i, jhi_i) - a[i]. */
struct bracket {
	double lo, hi;
	uint64_t le_lo, lt_hi; /* differences <= lo, and < hi */
};

/* walk the rows of the bracket, calling back for the candidates at the
   sorted positions pos[0..m) (m = 0: every candidate, into out[]) */
static void bracket_pick(const double *a, size_t na, const double *b, size_t nb,
			 const struct bracket *br, const uint64_t *pos, size_t m, double *out)
{
	size_t jlo = 0, jhi = 0, next = 0;
	uint64_t seen = 0;
	for (size_t i = 0; i < na; i++) {
		while (jlo < nb && b[jlo] - a[i] <= br->lo)
			jlo++;
		while (jhi < nb && b[jhi] - a[i] < br->hi)
			jhi++;
		if (jhi <= jlo)
			continue;
		uint64_t cnt = jhi - jlo;
		if (m == 0) {
			for (size_t j = jlo; j < jhi; j++)
				out[seen++] = b[j] - a[i];
			continue;
		}
		while (next < m && pos[next] < seen + cnt) {
			out[next] = b[jlo + (pos[next] - seen)] - a[i];
			next++;
		}
		if (next == m)
			return;
		seen += cnt;
	}
}

/* From a sorted sample of the candidates inside the bracket, two values
   that bracket the t-th of `inside` with high probability. */
static double pick_pivots(double *val, size_t s, uint64_t t, uint64_t inside, double *p1, double *p2)
{
	double f = (double)t / (double)inside;
	long i1 = stat_sample_rank(f, s, -1), i2 = stat_sample_rank(f, s, 1);
	size_t k1 = i1 < 0 ? 0 : (size_t)i1, k2 = i2 >= (long)s ? s - 1 : (size_t)i2;
	/* the two order statistics by selection, not a sort, both at once */
	stat_select2(val, s, k1, k2, p1, p2);
	return (double)(k2 - k1 + 1) / (double)s; /* the sample's share between them */
}

/* Where the k-th lies once the differences <= and < each pivot are counted
   (n[0..3]: le1, lt1, le2, lt2): NARROW_* moves the bracket; AT_P1 and
   AT_P2 mean the pivot is the answer. */
enum { NARROW_BELOW, AT_P1, NARROW_BETWEEN, AT_P2, NARROW_ABOVE };

static int narrow(struct bracket *br, uint64_t k, double p1, double p2, const uint64_t n[4])
{
	if (k <= n[1]) {
		br->hi = p1;
		br->lt_hi = n[1];
		return NARROW_BELOW;
	}
	if (k <= n[0])
		return AT_P1;
	if (k <= n[3]) {
		br->lo = p1;
		br->le_lo = n[0];
		br->hi = p2;
		br->lt_hi = n[3];
		return NARROW_BETWEEN;
	}
	if (k <= n[2])
		return AT_P2;
	br->lo = p2;
	br->le_lo = n[2];
	return NARROW_ABOVE;
}

#define KTH_SAMPLE_MAX 65536

/* The sample a round draws: a round costs a walk of the rows (`walk`
   steps, a few of them per pivot) and the sample's drawing and selection;
   a bigger sample shrinks the bracket more (to about (3 sqrt(s) + 4) / s of
   it), so fewer rounds may reach `enough` candidates from `inside`. The
   size of the least estimated cost, from 4096 to KTH_SAMPLE_MAX. The
   k-th value found does not depend on it, only the work. */
static size_t kth_sample(uint64_t inside, uint64_t enough, uint64_t walk)
{
	size_t best = 4096;
	double best_cost = INFINITY;
	for (size_t s = 4096; s <= KTH_SAMPLE_MAX; s *= 2) {
		double keep = (3.0 * sqrt((double)s) + 4.0) / (double)s * 1.25, left = (double)inside;
		unsigned rounds = 0;
		while (left > (double)enough && rounds < 64) {
			left *= keep;
			rounds++;
		}
		double cost = rounds * (6.0 * (double)walk + 25.0 * (double)s);
		if (cost < best_cost) {
			best_cost = cost;
			best = s;
		}
	}
	return best;
}

/* The next round's sample size, once this round's pass is expected to
   leave `expect` candidates between its pivots: the smallest from s up to
   KTH_SAMPLE_MAX whose pivots are expected to leave few enough for the
   pass after to gather every one of them (so that the round after that is
   the last, a selection among them, not another pass), where choosing in
   that sample costs less than the pass it saves (kth_sample's model: a
   walk of `walk` steps against 25 a sampled value); where none does, the
   largest of them: its narrower bracket is the likelier to be gathered
   whole a round later (kept at s, a median of 250k x 250k shares on two
   grids took a fourth pass). */
static size_t kth_next_sample(size_t s, double expect, uint64_t enough, uint64_t walk)
{
	size_t last = s;
	for (size_t z = s; z <= KTH_SAMPLE_MAX && 25.0 * (double)(z - s) <= 6.0 * (double)walk; z *= 2) {
		double keep = (3.0 * sqrt((double)z) + 4.0) / (double)z * 1.25;
		if (expect * keep * 1.5 + 64.0 <= (double)enough)
			return z;
		last = z;
	}
	return last;
}

/* The bracket a first selection reached after its first round, which the
   next selections among the same differences start from when it holds
   their k too (the interval's bounds lie within a fraction of a percent of
   the median, well inside it): that round's random draws and its pass
   are not made again. Any bracket (lo, hi) whose counts put k in
   (le_lo, lt_hi] holds the k-th difference, so the result is the same. */
struct kth_start {
	int valid;
	struct bracket br;
	uint64_t d_inside; /* kth_runs: distinct pairs inside */
	double *sample;    /* kth_untied: a sample of the bracket's candidates, or NULL */
	size_t ns;
	double *bw;        /* kth_untied: b and four infinities (walk_past), made once */
};

/* What a counting pass gathers, beside its counts, among the candidates
   between its two pivots, for the round after it: a sample of about `want`
   of them (every step-th in row order, from a random start), or all of
   them. Either is kept only if the k-th turns out to lie between the
   pivots and nothing overflowed; else the next round draws its sample by a
   walk of its own (bracket_pick), as it would have without. */
struct gather {
	double *out;
	size_t cap, n;
	uint64_t step, next, seen; /* step 1: all */
	int over;
};

/* Past the differences b[j..] - ai below p (le: up to p): the first j
   where b[j] - ai < p (<= p) fails (b sorted, so it holds up to there and
   not after; b ends in +infinity, where it fails). Four at a time, so that
   the usual one or two steps a row take no branch that depends on how many
   there are; the "<=" walk as well, since on data of a grid (race's shares:
   a count over expected) many differences equal a pivot, which is one of
   them. */
static inline __attribute__((always_inline)) size_t walk_past(const double *b, size_t j, double ai, double p,
							      int le)
{
#if defined(__SSE2__)
	const __m128d A = _mm_set1_pd(ai), P = _mm_set1_pd(p);
	for (;; j += 4) {
		__m128d d0 = _mm_sub_pd(_mm_loadu_pd(b + j), A), d1 = _mm_sub_pd(_mm_loadu_pd(b + j + 2), A);
		__m128d c0 = le ? _mm_cmple_pd(d0, P) : _mm_cmplt_pd(d0, P);
		__m128d c1 = le ? _mm_cmple_pd(d1, P) : _mm_cmplt_pd(d1, P);
		unsigned m = (unsigned)_mm_movemask_pd(c0) | (unsigned)_mm_movemask_pd(c1) << 2;
		if (m != 0xf)
			return j + (size_t)__builtin_ctz(~m);
	}
#else
	while (le ? b[j] - ai <= p : b[j] - ai < p)
		j++;
	return j;
#endif
}

static double kth_untied(const double *a, size_t na, const double *b, size_t nb, uint64_t k,
			 struct kth_start *ks)
{
	/* Selection among the na nb differences without forming them (after
	   Floyd and Rivest 1975): keep a bracket (lo, hi) around the k-th;
	   each round takes a sample of the candidates inside it (a fixed
	   generator: the same data give the same steps; the first round draws
	   pairs (i, j) directly), takes two sample values that bracket the
	   k-th with high probability, and counts the differences below each
	   with two pointers; once the bracket holds no more candidates than
	   the data have values, they are listed and the k-th is selected.
	   Each round shrinks the bracket about fortyfold. The pass that counts
	   also gathers the next round's sample (or, once few enough, every
	   candidate) between its pivots, so a round is one walk, not two. */
	struct bracket br = {-INFINITY, INFINITY, 0, (uint64_t)na * nb};
	int first = 0;
	if (ks && ks->valid && ks->br.le_lo < k && k <= ks->br.lt_hi) {
		br = ks->br;
		first = 1;
	}
	uint64_t enum_max = na + nb > 65536 ? na + nb : 65536;
	uint64_t st = 0x2545f4914f6cdd1dull ^ k;
	size_t s = kth_sample(br.lt_hi - br.le_lo, enum_max, na + nb);
	/* the first selection's first pass gathers a sample of the size the
	   later ones (the bounds, in the bracket it reaches) take */
	int fill = ks && !ks->valid;
	size_t want0 = fill ? KTH_SAMPLE_MAX : s;
	size_t cap = 2 * KTH_SAMPLE_MAX; /* a gathered sample is about its size; room for twice */
	uint64_t *pos = malloc(s * sizeof *pos);
	double *val = malloc(cap * sizeof *val), *nxt = malloc(cap * sizeof *nxt), *all = NULL;
	/* b and four infinities after it, for walk_past: once for the selections that share ks */
	double *bw = ks && ks->bw ? ks->bw : malloc((nb + 4) * sizeof *bw);
	int own_bw = !(ks && ks->bw);
	size_t have = 0;     /* val[0..have): a sample gathered by the last pass */
	int have_all = 0;    /* all[0..inside): every candidate, gathered by the last pass */
	double res = NAN;
	if (!pos || !val || !nxt || !bw)
		goto out;
	if (own_bw) {
		memcpy(bw, b, nb * sizeof *bw);
		for (int i = 0; i < 4; i++)
			bw[nb + i] = INFINITY;
	}
	if (first && ks->sample && ks->ns <= cap) {
		memcpy(val, ks->sample, ks->ns * sizeof *val);
		have = ks->ns;
	}
	for (int round = first;; round++) {
		uint64_t inside = br.lt_hi - br.le_lo;
		if (inside == 0) {
			res = br.hi;
			break;
		}
		uint64_t t = k - br.le_lo; /* 1-based rank among the inside */
		if (have_all) {
			res = stat_select(all, inside, t - 1);
			break;
		}
		if (inside <= enum_max || round >= 64) {
			double *every = malloc(inside * sizeof *every);
			if (!every)
				break;
			bracket_pick(a, na, b, nb, &br, NULL, 0, every);
			res = stat_select(every, inside, t - 1);
			free(every);
			break;
		}
		size_t ns = s;
		if (have) {
			ns = have;
		} else if (round == 0) {
			for (size_t i = 0; i < s; i++) {
				uint64_t jb = below(mix(&st), nb), ia = below(mix(&st), na);
				val[i] = b[jb] - a[ia];
			}
		} else {
			for (size_t i = 0; i < s; i++)
				pos[i] = below(mix(&st), inside);
			stat_sort_u64(pos, s);
			bracket_pick(a, na, b, nb, &br, pos, s, val);
		}
		double p1, p2;
		double share = pick_pivots(val, ns, t, inside, &p1, &p2);
		/* what to gather between the pivots: all of the candidates if
		   about as few are expected there as the listing takes, else a
		   sample of about s */
		double expect = share * (double)inside;
		size_t want = kth_next_sample(s, expect, enum_max, na + nb); /* the next sample's size */
		if (round == 0 && want < want0)
			want = want0;
		struct gather g = {nxt, cap, 0, 0, 0, 0, 0};
		if (expect * 1.5 + 64.0 <= (double)enum_max) {
			if (!all)
				all = malloc(enum_max * sizeof *all);
			g = (struct gather){all, all ? enum_max : 0, 0, 1, 0, 0, all == NULL};
		} else {
			g.step = (uint64_t)(expect / (double)want);
			if (g.step < 1)
				g.step = 1;
			g.next = below(mix(&st), g.step);
		}
		/* both pivots counted in one pass; the "<=" pointer starts from the
		   "<" one (past it lie only differences equal to the pivot), each
		   walked four differences a compare (walk_past), so
		   that no loop's branch depends on how many steps a row takes */
		size_t j1le = 0, j1lt = 0, j2le = 0, j2lt = 0;
		uint64_t n[4] = {0};
		for (size_t i = 0; i < na; i++) {
			j1lt = walk_past(bw, j1lt, a[i], p1, 0);
			j1le = walk_past(bw, j1le < j1lt ? j1lt : j1le, a[i], p1, 1);
			j2lt = walk_past(bw, j2lt, a[i], p2, 0);
			j2le = walk_past(bw, j2le < j2lt ? j2lt : j2le, a[i], p2, 1);
			n[0] += j1le;
			n[1] += j1lt;
			n[2] += j2le;
			n[3] += j2lt;
			if (j2lt > j1le) { /* row i's candidates in (p1, p2): b[j1le, j2lt) - a[i] */
				uint64_t c = j2lt - j1le, end = g.seen + c;
				if (g.step == 1) {
					if (g.n + c <= g.cap)
						for (size_t j = j1le; j < j2lt; j++)
							g.out[g.n++] = b[j] - a[i];
					else
						g.over = 1;
				} else {
					for (; g.next < end; g.next += g.step) {
						if (g.n == g.cap) {
							g.over = 1;
							break;
						}
						g.out[g.n++] = b[j1le + (g.next - g.seen)] - a[i];
					}
				}
				g.seen = end;
			}
		}
		int where = narrow(&br, k, p1, p2, n);
		if (where == AT_P1 || where == AT_P2) {
			res = where == AT_P1 ? p1 : p2;
			break;
		}
		have = 0;
		have_all = 0;
		if (where == NARROW_BETWEEN && !g.over) {
			if (g.step == 1) {
				have_all = g.n == br.lt_hi - br.le_lo;
			} else if (g.n >= want / 4) {
				double *tmp = val;
				val = nxt;
				nxt = tmp;
				have = g.n;
			}
		}
		if (round == 0 && fill) {
			*ks = (struct kth_start){1, br, 0, NULL, 0, ks->bw};
			if (have && (ks->sample = malloc(have * sizeof *ks->sample)) != NULL) {
				memcpy(ks->sample, val, have * sizeof *val);
				ks->ns = have;
			}
		}
	}
out:
	free(pos);
	free(val);
	free(nxt);
	free(all);
	if (own_bw && ks && res == res) {
		ks->bw = bw; /* kept for the next selection among the same differences */
		bw = NULL;
	}
	if (own_bw)
		free(bw);
	return res;
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

/* ---- the same selection on tied data: distinct values with their counts ----
   Final counts are integers, and shares lost are integers over one expected
   value: 10^5 trials of a cell hold a few thousand distinct values at most.
   Run on (value, count) runs, every pass of the selection above walks the
   distinct values instead of the trials, and the k-th difference is the
   same number (an order statistic does not depend on how it is found). */
struct runs {
	double *x;   /* distinct values, ascending */
	uint64_t *c; /* c[j]: values before run j; c[n] = all */
	size_t n;
};

/* how many distinct values the sorted a holds */
static size_t distinct_of(const double *a, size_t na)
{
	size_t d = 0;
	for (size_t i = 0; i < na; d++)
		i = run_end(a, i, na, a[i]);
	return d;
}

static int runs_of(const double *a, size_t na, struct runs *r)
{
	size_t d = distinct_of(a, na);
	r->x = malloc((d ? d : 1) * sizeof *r->x);
	r->c = malloc((d + 1) * sizeof *r->c);
	r->n = d;
	if (!r->x || !r->c) {
		free(r->x);
		free(r->c);
		return -1;
	}
	size_t j = 0;
	for (size_t i = 0; i < na; i = run_end(a, i, na, a[i])) {
		r->x[j] = a[i];
		r->c[j++] = i;
	}
	r->c[d] = na;
	return 0;
}

static void runs_free(struct runs *r)
{
	free(r->x);
	free(r->c);
}

/* the run holding the o-th value (0-based) of runs [lo, hi) */
static size_t run_at(const uint64_t *c, size_t lo, size_t hi, uint64_t o)
{
	uint64_t want = c[lo] + o;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (c[mid] <= want)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

struct wv {
	double v;
	uint64_t w;
};

/* the t-th smallest (1-based) of a multiset given as (value, count) */
static double weighted_select(struct wv *p, size_t n, uint64_t t)
{
	size_t lo = 0, hi = n;
	uint64_t st = 0x9e3779b97f4a7c15ull ^ t;
	while (hi - lo > 1) {
		double piv = p[lo + below(mix(&st), hi - lo)].v;
		/* three ways: [lo, lt) < piv, [lt, gt) == piv, [gt, hi) > piv */
		size_t lt = lo, i = lo, gt = hi;
		uint64_t wl = 0, we = 0;
		while (i < gt) {
			if (p[i].v < piv) {
				wl += p[i].w;
				struct wv tmp = p[lt];
				p[lt++] = p[i];
				p[i++] = tmp;
			} else if (p[i].v > piv) {
				struct wv tmp = p[--gt];
				p[gt] = p[i];
				p[i] = tmp;
			} else {
				we += p[i++].w;
			}
		}
		if (t <= wl) {
			hi = lt;
		} else if (t <= wl + we) {
			return piv;
		} else {
			t -= wl + we;
			lo = gt;
		}
	}
	return p[lo].v;
}

static double kth_runs(const struct runs *A, const struct runs *B, uint64_t k, struct kth_start *ks)
{
	const double *xa = A->x, *xb = B->x;
	const uint64_t *ca = A->c, *cb = B->c;
	size_t na = A->n, nb = B->n;
	uint64_t NA = ca[na], NB = cb[nb];
	struct bracket br = {-INFINITY, INFINITY, 0, NA * NB};
	uint64_t d_inside = (uint64_t)na * nb; /* distinct (i, j) pairs inside */
	int first = 0;
	if (ks && ks->valid && ks->br.le_lo < k && k <= ks->br.lt_hi) {
		br = ks->br;
		d_inside = ks->d_inside;
		first = 1;
	}
	uint64_t st = 0x2545f4914f6cdd1dull ^ k;
	size_t s = kth_sample(d_inside, 65536, na + nb);
	uint64_t *pos = malloc(s * sizeof *pos);
	double *val = malloc(s * sizeof *val);
	double res = NAN;
	if (!pos || !val)
		goto out;
	for (int round = first;; round++) {
		uint64_t inside = br.lt_hi - br.le_lo;
		if (inside == 0) {
			res = br.hi;
			break;
		}
		uint64_t t = k - br.le_lo;
		if (d_inside <= 65536 || round >= 64) {
			struct wv *all = malloc((d_inside ? d_inside : 1) * sizeof *all);
			if (!all)
				break;
			size_t m = 0, jlo = 0, jhi = 0;
			for (size_t i = 0; i < na; i++) {
				while (jlo < nb && xb[jlo] - xa[i] <= br.lo)
					jlo++;
				while (jhi < nb && xb[jhi] - xa[i] < br.hi)
					jhi++;
				uint64_t wa = ca[i + 1] - ca[i];
				for (size_t j = jlo; j < jhi && m < d_inside; j++) /* the same count as the last pass */
					all[m++] = (struct wv){xb[j] - xa[i], wa * (cb[j + 1] - cb[j])};
			}
			res = weighted_select(all, m, t);
			free(all);
			break;
		}
		if (round == 0) {
			for (size_t i = 0; i < s; i++) {
				size_t ib = run_at(cb, 0, nb, below(mix(&st), NB)), ia = run_at(ca, 0, na, below(mix(&st), NA));
				val[i] = xb[ib] - xa[ia];
			}
		} else {
			for (size_t i = 0; i < s; i++)
				pos[i] = below(mix(&st), inside);
			stat_sort_u64(pos, s);
			size_t jlo = 0, jhi = 0, next = 0;
			uint64_t seen = 0;
			for (size_t i = 0; i < na && next < s; i++) {
				while (jlo < nb && xb[jlo] - xa[i] <= br.lo)
					jlo++;
				while (jhi < nb && xb[jhi] - xa[i] < br.hi)
					jhi++;
				if (jhi <= jlo)
					continue;
				uint64_t R = cb[jhi] - cb[jlo], cnt = (ca[i + 1] - ca[i]) * R;
				while (next < s && pos[next] < seen + cnt) {
					/* the row is the runs' values, once for each copy of xa[i] */
					size_t j = run_at(cb, jlo, jhi, (pos[next] - seen) % R);
					val[next++] = xb[j] - xa[i];
				}
				seen += cnt;
			}
		}
		double p1, p2;
		(void)pick_pivots(val, s, t, inside, &p1, &p2);
		/* the pivots' counts of differences and of distinct pairs, and the
		   bracket's distinct pairs, in one pass */
		size_t j1le = 0, j1lt = 0, j2le = 0, j2lt = 0;
		uint64_t n[4] = {0}, dle1 = 0, dlt1 = 0, dle2 = 0, dlt2 = 0;
		uint64_t dle_lo = 0, dlt_hi = 0;
		size_t jlo = 0, jhi = 0;
		for (size_t i = 0; i < na; i++) {
			uint64_t wa = ca[i + 1] - ca[i];
			while (j1lt < nb && xb[j1lt] - xa[i] < p1)
				j1lt++;
			if (j1le < j1lt)
				j1le = j1lt;
			while (j1le < nb && xb[j1le] - xa[i] <= p1)
				j1le++;
			while (j2lt < nb && xb[j2lt] - xa[i] < p2)
				j2lt++;
			if (j2le < j2lt)
				j2le = j2lt;
			while (j2le < nb && xb[j2le] - xa[i] <= p2)
				j2le++;
			while (jlo < nb && xb[jlo] - xa[i] <= br.lo)
				jlo++;
			while (jhi < nb && xb[jhi] - xa[i] < br.hi)
				jhi++;
			n[0] += wa * cb[j1le];
			n[1] += wa * cb[j1lt];
			n[2] += wa * cb[j2le];
			n[3] += wa * cb[j2lt];
			dle1 += j1le;
			dlt1 += j1lt;
			dle2 += j2le;
			dlt2 += j2lt;
			dle_lo += jlo;
			dlt_hi += jhi;
		}
		int where = narrow(&br, k, p1, p2, n);
		if (where == AT_P1 || where == AT_P2) {
			res = where == AT_P1 ? p1 : p2;
			break;
		}
		d_inside = where == NARROW_BELOW ? dlt1 - dle_lo
			 : where == NARROW_BETWEEN ? dlt2 - dle1 : dlt_hi - dle2;
		if (round == 0 && ks && !ks->valid)
			*ks = (struct kth_start){1, br, d_inside, NULL, 0, ks->bw};
	}
out:
	free(pos);
	free(val);
	return res;
}

/* the k-th difference by whichever walk is shorter: the runs when the data
   are tied enough to make them fewer than a quarter of the trials */
static double kth_either(const double *a, size_t na, const double *b, size_t nb,
			 const struct runs *A, const struct runs *B, uint64_t k, struct kth_start *ks)
{
	if (A && B)
		return kth_runs(A, B, k, ks);
	return kth_untied(a, na, b, nb, k, ks);
}

/* runs of a and b if they are worth walking instead of the values */
static int runs_pick(const double *a, size_t na, const double *b, size_t nb, struct runs *ra,
		     struct runs *rb)
{
	*ra = *rb = (struct runs){0};
	if (na + nb <= 4096)
		return 0;
	/* the distinct values counted first: untied data need no runs made */
	size_t d = distinct_of(a, na) + distinct_of(b, nb);
	if (4 * d > na + nb || runs_of(a, na, ra) != 0)
		return 0;
	if (runs_of(b, nb, rb) != 0) {
		runs_free(ra);
		*ra = (struct runs){0};
		return 0;
	}
	return 4 * (ra->n + rb->n) <= na + nb;
}

double rank_kth_difference(const double *a, size_t na, const double *b, size_t nb, uint64_t k)
{
	struct runs ra, rb;
	int tied = runs_pick(a, na, b, nb, &ra, &rb);
	double res = kth_either(a, na, b, nb, tied ? &ra : NULL, tied ? &rb : NULL, k, NULL);
	runs_free(&ra);
	runs_free(&rb);
	return res;
}

int rank_hodges_lehmann(const double *a, size_t na, const double *b, size_t nb, int exact,
			struct rank_cache *cache, struct hl *out)
{
	return rank_hodges_lehmann_at(a, na, b, nb, exact, 0.05, cache, out);
}

static int hl_core(const double *a, size_t na, const double *b, size_t nb, int exact, double var_u,
		   double alpha, struct rank_cache *cache, struct hl *out);

int rank_hodges_lehmann_at(const double *a, size_t na, const double *b, size_t nb, int exact,
			   double alpha, struct rank_cache *cache, struct hl *out)
{
	return hl_core(a, na, b, nb, exact, -1.0, alpha, cache, out);
}

int rank_hodges_lehmann_mw(const double *a, size_t na, const double *b, size_t nb, const struct mw *mw,
			   double alpha, struct rank_cache *cache, struct hl *out)
{
	return hl_core(a, na, b, nb, mw->exact, mw->var, alpha, cache, out);
}

/* var_u: U's tie-corrected variance when the caller has it (Mann-Whitney
   on the same samples), < 0 to work it out */
static int hl_core(const double *a, size_t na, const double *b, size_t nb, int exact, double var_u,
		   double alpha, struct rank_cache *cache, struct hl *out)
{
	if (na == 0 || nb == 0 || !(alpha > 0.0 && alpha < 1.0))
		return -1;
	uint64_t M = (uint64_t)na * nb;
	struct runs ra, rb;
	int tied = runs_pick(a, na, b, nb, &ra, &rb);
	const struct runs *A = tied ? &ra : NULL, *B = tied ? &rb : NULL;
	struct kth_start ks = {0}; /* the median's first bracket, for the bounds */
	if (M % 2) {
		out->shift = kth_either(a, na, b, nb, A, B, (M + 1) / 2, &ks);
	} else {
		/* the (M/2 + 1)-th is the M/2-th again, or the next difference up:
		   one pass, not a second selection */
		double v = kth_either(a, na, b, nb, A, B, M / 2, &ks), up = INFINITY;
		uint64_t le = 0;
		size_t j = 0;
		for (size_t i = 0; i < na; i++) {
			while (j < nb && b[j] - a[i] <= v)
				j++;
			le += j;
			if (j < nb && b[j] - a[i] < up)
				up = b[j] - a[i];
		}
		out->shift = (v + (le >= M / 2 + 1 ? v : up)) / 2.0;
	}
	uint64_t k;
	long q = exact ? qwilcox(alpha / 2.0, na, nb, cache) : -1;
	if (q >= 0) {
		k = q == 0 ? 1 : (uint64_t)q; /* as R's wilcox.test does */
	} else {
		/* normal approximation to U's quantile, ties taken into account */
		double var = var_u;
		if (var < 0.0) {
			struct ties t;
			if (ties_of(a, na, b, nb, &t) != 0) {
				runs_free(&ra);
				runs_free(&rb);
				free(ks.sample);
				free(ks.bw);
				return -1;
			}
			double tiesum = 0.0, fn = (double)(na + nb);
			for (size_t d = 0; d < t.d; d++) {
				double ft = (double)(t.ca[d] + t.cb[d]);
				tiesum += ft * ft * ft - ft;
			}
			free(t.ca);
			free(t.cb);
			var = (double)na * (double)nb / 12.0 * ((fn + 1.0) - tiesum / (fn * (fn - 1.0)));
		}
		double z = gsl_cdf_ugaussian_Pinv(1.0 - alpha / 2.0);
		double kk = floor((double)M / 2.0 - z * sqrt(var > 0.0 ? var : 0.0));
		k = kk < 1.0 ? 1 : (uint64_t)kk;
	}
	if (k > M)
		k = M;
	out->lo = kth_either(a, na, b, nb, A, B, k, &ks);
	out->hi = kth_either(a, na, b, nb, A, B, M - k + 1, &ks);
	runs_free(&ra);
	runs_free(&rb);
	free(ks.sample);
	free(ks.bw);
	if (out->lo > out->shift)
		out->lo = out->shift;
	if (out->hi < out->shift)
		out->hi = out->shift;
	return isfinite(out->shift) && isfinite(out->lo) && isfinite(out->hi) ? 0 : -1;
}

/* ---- Jonckheere-Terpstra ---- */

#define JT_PERMUTE_MAX 400 /* trials in a line: permutation p up to here, normal beyond */

/* JT of labels in value order, tie blocks given by their ends */
static double jt_of(const uint32_t *label, size_t N, const size_t *block_end, size_t nblocks,
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

/* two sorted groups (a trend on two levels, the usual line): one merge of
   their distinct values gives both JT (each y counts the x below it and
   half the x equal) and the pooled ties, with the same integer sums and
   the same order of the tie terms as the walks below */
static void jt2_stream(const double *x, size_t nx, const double *y, size_t ny, double *jt, size_t *nblocks,
		       double *t1, double *t2, double *t3)
{
	size_t i = 0, j = 0, nb = 0;
	uint64_t below = 0, tied = 0;
	while (i < nx || j < ny) {
		size_t i0 = i, ca, cb;
		next_tie(x, nx, &i, y, ny, &j, &ca, &cb);
		below += cb * i0;
		tied += cb * ca;
		double t = (double)(ca + cb);
		*t1 += t * (t - 1) * (2 * t + 5);
		*t2 += t * (t - 1) * (t - 2);
		*t3 += t * (t - 1);
		nb++;
	}
	*jt = (double)((long double)below + 0.5L * (long double)tied);
	*nblocks = nb;
}

/* JT from sorted groups: each level pair by two pointers, U counting a tie
   as a half; the pooled ties by merging the groups' heads */
static int jt_stream(const double *const *groups, const size_t *n, unsigned ng, double *jt,
		     size_t *nblocks, double *t1, double *t2, double *t3)
{
	if (ng == 2) {
		jt2_stream(groups[0], n[0], groups[1], n[1], jt, nblocks, t1, t2, t3);
		return 0;
	}
	size_t *at = calloc(ng, sizeof *at);
	if (!at)
		return -1;
	long double sum = 0.0L;
	for (unsigned g = 0; g < ng; g++)
		for (unsigned h = g + 1; h < ng; h++) {
			const double *x = groups[g], *y = groups[h];
			size_t lt = 0, le = 0;
			uint64_t below = 0, tied = 0;
			for (size_t j = 0; j < n[h]; j++) {
				while (lt < n[g] && x[lt] < y[j])
					lt++;
				if (le < lt)
					le = lt;
				while (le < n[g] && x[le] <= y[j])
					le++;
				below += lt;
				tied += le - lt;
			}
			sum += (long double)below + 0.5L * (long double)tied;
		}
	*jt = (double)sum;
	size_t nb = 0;
	for (;;) {
		int any = 0;
		double v = 0.0;
		for (unsigned g = 0; g < ng; g++)
			if (at[g] < n[g] && (!any || groups[g][at[g]] < v)) {
				v = groups[g][at[g]];
				any = 1;
			}
		if (!any)
			break;
		double t = 0.0;
		for (unsigned g = 0; g < ng; g++)
			while (at[g] < n[g] && groups[g][at[g]] == v) {
				at[g]++;
				t += 1.0;
			}
		*t1 += t * (t - 1) * (2 * t + 5);
		*t2 += t * (t - 1) * (t - 2);
		*t3 += t * (t - 1);
		nb++;
	}
	free(at);
	*nblocks = nb;
	return 0;
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
	/* groups sorted, as the callers give them, and too many trials for the
	   permutation p: JT and the ties straight from the groups (no copy) */
	int stream = N > JT_PERMUTE_MAX || !rng || reps == 0;
	for (unsigned g = 0; g < ng && stream; g++)
		stream = stat_sorted_f64(groups[g], n[g]);
	uint64_t *all = NULL;
	uint32_t *label = NULL;
	size_t *bend = NULL, nb = 0;
	double *before = malloc(2 * ng * sizeof *before);
	double tsum1 = 0, tsum2 = 0, tsum3 = 0; /* over value ties: t(t-1)(2t+5), t(t-1)(t-2), t(t-1) */
	if (!before)
		return -1;
	if (stream) {
		if (jt_stream(groups, n, ng, &out->stat, &nb, &tsum1, &tsum2, &tsum3) != 0) {
			free(before);
			return -1;
		}
	} else {
		all = N <= UINT32_MAX ? malloc(N * sizeof *all) : NULL;
		label = malloc(N * sizeof *label);
		bend = malloc(N * sizeof *bend);
		if (!all || !label || !bend) {
			free(all);
			free(label);
			free(bend);
			free(before);
			return -1;
		}
		size_t k = 0;
		for (unsigned g = 0; g < ng; g++)
			for (size_t i = 0; i < n[g]; i++) {
				label[k] = g;
				all[k++] = stat_key_f64(groups[g][i]);
			}
		if (stat_sort_kv(all, label, N) != 0) {
			free(all);
			free(label);
			free(bend);
			free(before);
			return -1;
		}
		for (size_t i = 0; i < N; i++) {
			if (i + 1 == N || all[i + 1] != all[i]) {
				bend[nb] = i + 1;
				double t = (double)(bend[nb] - (nb ? bend[nb - 1] : 0));
				tsum1 += t * (t - 1) * (2 * t + 5);
				tsum2 += t * (t - 1) * (t - 2);
				tsum3 += t * (t - 1);
				nb++;
			}
		}
		out->stat = jt_of(label, N, bend, nb, ng, before, before + ng);
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

/* strict inversions (i < j, y[i] > y[j]) by merge sort */
static uint64_t inversions(uint64_t *y, uint64_t *tmp, size_t n)
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

int rank_kendall_order(const uint32_t *x, const uint64_t *y, size_t n, double *tau, double *z,
		       double *p)
{
	if (n < 2 || n > UINT32_MAX)
		return -1;
	/* y in the order of x: as it comes when x already rises (a sweep's
	   rows), else through a sort of x carrying the indices */
	int rising = 1;
	for (size_t i = 1; i < n && rising; i++)
		rising = x[i - 1] < x[i];
	uint64_t *yy = NULL;
	if (rising) {
		if (!(yy = malloc(n * sizeof *yy)))
			return -1;
		memcpy(yy, y, n * sizeof *yy);
	} else {
		uint64_t *kx = malloc(n * sizeof *kx);
		uint32_t *idx = malloc(n * sizeof *idx);
		if (!kx || !idx) {
			free(kx);
			free(idx);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			kx[i] = x[i];
			idx[i] = (uint32_t)i;
		}
		int sorted = stat_sort_kv(kx, idx, n);
		free(kx);
		yy = sorted == 0 ? malloc(n * sizeof *yy) : NULL;
		if (!yy) {
			free(idx);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			yy[i] = y[idx[i]];
		free(idx);
	}
	uint64_t *tmp = malloc(n * sizeof *tmp);
	if (!tmp) {
		free(yy);
		return -1;
	}
	uint64_t D = inversions(yy, tmp, n); /* yy is now sorted */
	free(tmp);
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
	free(yy);
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

/* twice the midrank of each key (i + j + 1 for a tie block [i, j)) into
   r2; the keys are sorted in place (with the indices: 16 bytes a key while
   it lasts), or, when they span under four values a key (race's
   finals in a cell, its shares in a large one), counted instead: a key's
   block starts after the keys below it, so r2 = 2 (keys below) + (keys
   equal) + 1, with no sort (the keys are then left as they were) */
static int rank2_keys(uint32_t *key, size_t n, uint32_t *r2)
{
	uint32_t lo = key[0], hi = key[0];
	for (size_t i = 1; i < n; i++) {
		lo = key[i] < lo ? key[i] : lo;
		hi = key[i] > hi ? key[i] : hi;
	}
	if ((uint64_t)hi - lo < 4 * (uint64_t)n) {
		size_t span = (size_t)(hi - lo) + 1;
		uint32_t *cnt = calloc(span, sizeof *cnt);
		if (!cnt)
			return -1;
		for (size_t i = 0; i < n; i++)
			cnt[key[i] - lo]++;
		uint32_t below = 0;
		for (size_t v = 0; v < span; v++) {
			uint32_t c = cnt[v];
			cnt[v] = 2 * below + c + 1;
			below += c;
		}
		for (size_t i = 0; i < n; i++)
			r2[i] = cnt[key[i] - lo];
		free(cnt);
		return 0;
	}
	uint32_t *at = malloc(n * sizeof *at);
	if (!at)
		return -1;
	for (size_t i = 0; i < n; i++)
		at[i] = (uint32_t)i;
	if (stat_sort_kv32(key, at, n) != 0) {
		free(at);
		return -1;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && key[j] == key[i])
			j++;
		for (size_t m = i; m < j; m++)
			r2[at[m]] = (uint32_t)(i + j + 1);
		i = j;
	}
	free(at);
	return 0;
}

/* the same for 64-bit values: as 32-bit offsets from the least when they
   span less than 2^32 (race's finals do), else by a sorted copy and a
   binary search a value (slower, no more memory) */
static int rank2_u64(const uint64_t *v, size_t n, uint32_t *r2)
{
	uint64_t lo = v[0], hi = v[0];
	for (size_t i = 1; i < n; i++) {
		if (v[i] < lo) lo = v[i];
		if (v[i] > hi) hi = v[i];
	}
	if (hi - lo <= UINT32_MAX) {
		uint32_t *k = malloc(n * sizeof *k);
		if (!k)
			return -1;
		for (size_t i = 0; i < n; i++)
			k[i] = (uint32_t)(v[i] - lo);
		int rc = rank2_keys(k, n, r2);
		free(k);
		return rc;
	}
	uint64_t *s = malloc(n * sizeof *s);
	if (!s)
		return -1;
	memcpy(s, v, n * sizeof *s);
	stat_sort_u64(s, n);
	for (size_t i = 0; i < n; i++) {
		size_t a = 0, b = n; /* first >= v[i] */
		while (a < b) {
			size_t m = a + (b - a) / 2;
			if (s[m] < v[i]) a = m + 1; else b = m;
		}
		size_t first = a;
		b = n; /* first > v[i] */
		while (a < b) {
			size_t m = a + (b - a) / 2;
			if (s[m] <= v[i]) a = m + 1; else b = m;
		}
		r2[i] = (uint32_t)(first + a + 1);
	}
	free(s);
	return 0;
}

/* floats that are not negative order as their bits; shares as race writes
   them ("0.dddddd", read as the float nearest u / 10^6) order as u, which
   spans at most 10^6 + 1 values: counted, not sorted, in a large cell.
   Every u <= 10^6 gives another float, in u's order (floats below 1 lie
   at most 2^-24 apart, u / 10^6 at least 10^-6), so u ranks them as
   their bits do; any value not of that form, and the bits are the keys. */
static int rank2_f32(const float *v, size_t n, uint32_t *r2)
{
	uint32_t *k = malloc(n * sizeof *k);
	if (!k)
		return -1;
	size_t i = 0;
	for (; i < n; i++) {
		float x = v[i];
		if (!(x >= 0.0f && x <= 1.0f))
			break;
		uint32_t u = (uint32_t)((double)x * 1e6 + 0.5);
		if ((float)((double)u * 1e-6) != x)
			break;
		k[i] = u;
	}
	if (i < n)
		memcpy(k, v, n * sizeof *k);
	int rc = rank2_keys(k, n, r2);
	free(k);
	return rc;
}

int rank_spearman_cell(const float *x, const uint64_t *y, size_t n, double *rho)
{
	if (n < 4 || n >= UINT32_MAX / 2)
		return -1;
	uint32_t *rx = NULL, *ry = malloc(n * sizeof *ry);
	int rc = -1;
	/* one variable ranked at a time: at most 20 bytes a pair at once */
	if (!ry || rank2_u64(y, n, ry) != 0 || !(rx = malloc(n * sizeof *rx)) ||
	    rank2_f32(x, n, rx) != 0)
		goto out;
	/* Pearson of the midranks, in integers: each rank2 has mean n + 1 */
	u128 sxy = 0, sxx = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		sxy += (u128)((uint64_t)rx[i] * ry[i]);
		sxx += (u128)((uint64_t)rx[i] * rx[i]);
		syy += (u128)((uint64_t)ry[i] * ry[i]);
	}
	u128 m2 = (u128)n * (u128)(n + 1) * (u128)(n + 1);
	long double cxy = (long double)sxy - (long double)m2, cxx = (long double)(sxx - m2),
		    cyy = (long double)(syy - m2);
	if (!(cxx > 0) || !(cyy > 0)) {
		rc = 1; /* a constant variable: no correlation to speak of */
		goto out;
	}
	double r = (double)(cxy / sqrtl(cxx * cyy));
	*rho = r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
	rc = 0;
out:
	free(rx);
	free(ry);
	return rc;
}

int rank_rho_combine(const double *rho, const size_t *n, size_t k, double *r, double *lo,
		     double *hi, double *p)
{
	/* fixed-effect: each stratum's Fisher z weighted by the inverse of its
	   variance (1 + rho^2 / 2) / (n - 3) (Bonett and Wright 2000) */
	double sw = 0.0, swz = 0.0;
	for (size_t i = 0; i < k; i++) {
		if (n[i] < 4)
			continue;
		double rr = fmin(fabs(rho[i]), 1.0 - 1e-12) * (rho[i] < 0 ? -1 : 1);
		double w = ((double)n[i] - 3.0) / (1.0 + rr * rr / 2.0);
		sw += w;
		swz += w * atanh(rr);
	}
	if (!(sw > 0.0))
		return -1;
	double zbar = swz / sw, se = 1.0 / sqrt(sw);
	*r = tanh(zbar);
	*lo = tanh(zbar - CONF_Z95 * se);
	*hi = tanh(zbar + CONF_Z95 * se);
	*p = fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(fabs(zbar) / se));
	return isfinite(*r) && isfinite(*lo) && isfinite(*hi) && isfinite(*p) ? 0 : -1;
}
