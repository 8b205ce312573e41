/* stats.c - descriptive statistics over GSL, with the edges handled explicitly. */
#include "wide.h"
#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* quickselect: median of three, three-way partition (ties end it) */
static double quickselect(double *x, size_t n, size_t k)
{
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
	return x[k];
}

/* both by quickselect: after the first, everything past klo is at least
   x[klo], so the second is selected among those */
static void quickselect2(double *x, size_t n, size_t klo, size_t khi, double *vlo, double *vhi)
{
	*vlo = quickselect(x, n, klo);
	*vhi = khi > klo ? quickselect(x + klo + 1, n - klo - 1, khi - klo - 1) : *vlo;
}

#define SELECT_SAMPLED 4096 /* from here, selection by a sample (below) */

long stat_sample_rank(double f, size_t m, int dir)
{
	double q = f * (double)m, d = 3.0 * sqrt((double)m * f * (1.0 - f)) + 2.0;
	return dir < 0 ? (long)floor(q - d) : (long)ceil(q + d);
}

/* The klo-th and khi-th smallest by a sample (after Floyd and Rivest
   1975): a sorted sample of about 4 sqrt(n) values (a fixed generator: the
   same data, the same steps) gives two values u <= v that hold both ranks
   between them with high probability; one pass counts the values below u
   and gathers those in [u, v], about 3 / n^(1/4) of them, and both ranks
   are selected among those. Where the sample missed (or memory is short),
   quickselect on the data, untouched by then. The values are the same
   either way: an order statistic is one value. */
static void select_sampled(double *x, size_t n, size_t klo, size_t khi, double *vlo, double *vhi)
{
	size_t m = (size_t)(4.0 * sqrt((double)n));
	size_t cap = n / 4 + 64;
	double *smp = malloc(m * sizeof *smp), *mid = malloc(cap * sizeof *mid);
	if (!smp || !mid)
		goto fallback;
	uint64_t st = 0x9e3779b97f4a7c15ull ^ n ^ ((uint64_t)klo << 32);
	for (size_t i = 0; i < m; i++)
		smp[i] = x[below(mix(&st), n)];
	stat_sort(smp, m);
	double flo = ((double)klo + 0.5) / (double)n, fhi = ((double)khi + 0.5) / (double)n;
	long ilo = stat_sample_rank(flo, m, -1), ihi = stat_sample_rank(fhi, m, 1);
	double u = ilo < 0 ? -INFINITY : smp[ilo], v = ihi >= (long)m ? INFINITY : smp[ihi];
	size_t below = 0, k = 0;
	for (size_t i = 0; i < n; i++) {
		double xi = x[i];
		below += xi < u;
		if (xi >= u && xi <= v) {
			if (k == cap)
				goto fallback;
			mid[k++] = xi;
		}
	}
	if (below > klo || khi >= below + k)
		goto fallback;
	stat_select2(mid, k, klo - below, khi - below, vlo, vhi);
	free(smp);
	free(mid);
	return;
fallback:
	free(smp);
	free(mid);
	quickselect2(x, n, klo, khi, vlo, vhi);
}

void stat_select2(double *x, size_t n, size_t klo, size_t khi, double *vlo, double *vhi)
{
	if (n >= SELECT_SAMPLED)
		select_sampled(x, n, klo, khi, vlo, vhi);
	else
		quickselect2(x, n, klo, khi, vlo, vhi);
}

double stat_select(double *x, size_t n, size_t k)
{
	if (n < SELECT_SAMPLED)
		return quickselect(x, n, k);
	double v, w;
	select_sampled(x, n, k, k, &v, &w);
	return v;
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

/* LSD radix sort on 11-bit digits, skipping the digits all keys share;
   insertion sort below a few hundred keys; a counting sort when the keys
   span fewer values than there are keys (a cell's finals) */
void stat_sort_u64(uint64_t *x, size_t n)
{
	if (n < 256) {
		for (size_t i = 1; i < n; i++) {
			uint64_t v = x[i];
			size_t j = i;
			for (; j > 0 && x[j - 1] > v; j--)
				x[j] = x[j - 1];
			x[j] = v;
		}
		return;
	}
	/* one pass: the range (for counting) and the bits every key shares
	   (for the radix) */
	uint64_t mn = x[0], mx = x[0], lo = x[0], hi = x[0];
	for (size_t i = 1; i < n; i++) {
		mn = x[i] < mn ? x[i] : mn;
		mx = x[i] > mx ? x[i] : mx;
		lo &= x[i];
		hi |= x[i];
	}
	uint32_t *cnt = mx - mn < n && n < UINT32_MAX ? calloc((size_t)(mx - mn) + 1, sizeof *cnt) : NULL;
	if (cnt) {
		for (size_t i = 0; i < n; i++)
			cnt[x[i] - mn]++;
		size_t k = 0;
		for (uint64_t v = 0; v <= mx - mn; v++)
			for (uint32_t c = cnt[v]; c > 0; c--)
				x[k++] = mn + v;
		free(cnt);
		return;
	}
	uint64_t *tmp = malloc(n * sizeof *tmp);
	if (!tmp) { /* no memory for the radix: heapsort in place */
		for (size_t i = n / 2; i-- > 0;)
			for (size_t r = i;;) {
				size_t c = 2 * r + 1;
				if (c >= n) break;
				if (c + 1 < n && x[c + 1] > x[c]) c++;
				if (x[c] <= x[r]) break;
				uint64_t t = x[c]; x[c] = x[r]; x[r] = t; r = c;
			}
		for (size_t end = n; end-- > 1;) {
			uint64_t t = x[0]; x[0] = x[end]; x[end] = t;
			for (size_t r = 0;;) {
				size_t c = 2 * r + 1;
				if (c >= end) break;
				if (c + 1 < end && x[c + 1] > x[c]) c++;
				if (x[c] <= x[r]) break;
				t = x[c]; x[c] = x[r]; x[r] = t; r = c;
			}
		}
		return;
	}
	uint64_t varying = lo ^ hi; /* bits that differ somewhere */
	uint64_t *src = x, *dst = tmp;
	/* 11-bit digits: a count of a few hundred thousand (19 bits) in two passes */
	for (unsigned shift = 0; shift < 64; shift += 11) {
		if (((varying >> shift) & 0x7ff) == 0)
			continue;
		size_t count[2048] = {0};
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0x7ff]++;
		size_t pos = 0;
		for (unsigned d = 0; d < 2048; d++) {
			size_t c = count[d];
			count[d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0x7ff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != x)
		memcpy(x, src, n * sizeof *x);
	free(tmp);
}

uint64_t stat_key_f64(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	if (v == 0.0)
		u = 0; /* -0 and +0 are one value */
	return u >> 63 ? ~u : u | (1ull << 63);
}

/* LSD radix sort of keys with their 32-bit values, 11-bit digits: a pass
   whose digit is the same in every key is skipped. One body for 64-bit keys
   (six passes at most) and 32-bit keys (three: Spearman's ranks, half the
   memory). */
#define SORT_KV(NAME, KEY_T)                                                         \
	int NAME(KEY_T *key, uint32_t *val, size_t n)                                \
	{                                                                            \
		if (n < 2)                                                           \
			return 0;                                                    \
		KEY_T *tk = malloc(n * sizeof *tk);                                  \
		uint32_t *tv = malloc(n * sizeof *tv);                               \
		if (!tk || !tv) {                                                    \
			free(tk);                                                    \
			free(tv);                                                    \
			return -1;                                                   \
		}                                                                    \
		KEY_T lo = key[0], hi = key[0];                                      \
		for (size_t i = 1; i < n; i++) {                                     \
			lo &= key[i];                                                \
			hi |= key[i];                                                \
		}                                                                    \
		KEY_T varying = lo ^ hi, *sk = key, *dk = tk;                        \
		uint32_t *sv = val, *dv = tv;                                        \
		for (unsigned shift = 0; shift < 8 * sizeof(KEY_T); shift += 11) {  \
			if (((varying >> shift) & 0x7ff) == 0)                       \
				continue;                                            \
			size_t count[2048] = {0};                                    \
			for (size_t i = 0; i < n; i++)                               \
				count[(sk[i] >> shift) & 0x7ff]++;                   \
			size_t pos = 0;                                              \
			for (unsigned d = 0; d < 2048; d++) {                        \
				size_t c = count[d];                                 \
				count[d] = pos;                                      \
				pos += c;                                            \
			}                                                            \
			for (size_t i = 0; i < n; i++) {                             \
				size_t at = count[(sk[i] >> shift) & 0x7ff]++;       \
				dk[at] = sk[i];                                      \
				dv[at] = sv[i];                                      \
			}                                                            \
			KEY_T *t = sk;                                               \
			sk = dk;                                                     \
			dk = t;                                                      \
			uint32_t *u = sv;                                            \
			sv = dv;                                                     \
			dv = u;                                                      \
		}                                                                    \
		if (sk != key) {                                                     \
			memcpy(key, sk, n * sizeof *key);                            \
			memcpy(val, sv, n * sizeof *val);                            \
		}                                                                    \
		free(tk);                                                            \
		free(tv);                                                            \
		return 0;                                                            \
	}

SORT_KV(stat_sort_kv, uint64_t)
SORT_KV(stat_sort_kv32, uint32_t)

static void heapsort_f(float *x, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		for (size_t r = i;;) {
			size_t c = 2 * r + 1;
			if (c >= n) break;
			if (c + 1 < n && x[c + 1] > x[c]) c++;
			if (!(x[c] > x[r])) break;
			float t = x[c]; x[c] = x[r]; x[r] = t; r = c;
		}
	for (size_t end = n; end-- > 1;) {
		float t = x[0]; x[0] = x[end]; x[end] = t;
		for (size_t r = 0;;) {
			size_t c = 2 * r + 1;
			if (c >= end) break;
			if (c + 1 < end && x[c + 1] > x[c]) c++;
			if (!(x[c] > x[r])) break;
			t = x[c]; x[c] = x[r]; x[r] = t; r = c;
		}
	}
}

void stat_sort_f(float *x, size_t n)
{
	/* non-negative floats order as their bit patterns: a radix sort; with
	   a negative value, or no memory for the radix, a heapsort in place */
	int plain = 1;
	uint32_t *k = (uint32_t *)(void *)x, lo = ~0u, hi = 0;
	/* the three digits' counts in the same pass that checks the signs (a
	   digit's counts do not depend on the order the keys are in) */
	size_t(*count)[2048] = n >= 256 ? calloc(3, sizeof *count) : NULL;
	for (size_t i = 0; i < n && plain; i++) {
		plain = x[i] >= 0.0f;
		lo &= k[i];
		hi |= k[i];
		if (count) {
			count[0][k[i] & 0x7ff]++;
			count[1][(k[i] >> 11) & 0x7ff]++;
			count[2][k[i] >> 22]++;
		}
	}
	uint32_t *tmp = plain && count ? malloc(n * sizeof *tmp) : NULL;
	if (!tmp) {
		free(count);
		heapsort_f(x, n);
		return;
	}
	/* 11-bit digits (three passes at most), a digit every key shares skipped */
	uint32_t varying = lo ^ hi, *src = k, *dst = tmp;
	for (unsigned shift = 0, dg = 0; shift < 32; shift += 11, dg++) {
		if (((varying >> shift) & 0x7ff) == 0)
			continue;
		size_t *cnt = count[dg], pos = 0;
		for (unsigned d = 0; d < 2048; d++) {
			size_t c = cnt[d];
			cnt[d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i] >> shift) & 0x7ff]++] = src[i];
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != k)
		memcpy(k, src, n * sizeof *k);
	free(tmp);
	free(count);
}

int stat_sorted_f64(const double *x, size_t n)
{
	size_t i = 1;
#if defined(__SSE2__)
	/* two neighbours a compare, 32 pairs between looks at the result: a
	   branch every 64 values, not one a value */
	while (i + 64 <= n) {
		__m128d ok = _mm_castsi128_pd(_mm_set1_epi32(-1));
		for (size_t k = 0; k < 64; k += 4) {
			__m128d a = _mm_cmple_pd(_mm_loadu_pd(x + i + k - 1), _mm_loadu_pd(x + i + k));
			__m128d b = _mm_cmple_pd(_mm_loadu_pd(x + i + k + 1), _mm_loadu_pd(x + i + k + 2));
			ok = _mm_and_pd(ok, _mm_and_pd(a, b));
		}
		if (_mm_movemask_pd(ok) != 3)
			return 0;
		i += 64;
	}
#endif
	for (; i < n; i++)
		if (!(x[i - 1] <= x[i]))
			return 0;
	return 1;
}

long double stat_quantile_u64(const uint64_t *x, size_t n, double p)
{
	long double idx = (long double)p * (long double)(n - 1);
	size_t lo = (size_t)idx;
	long double frac = idx - (long double)lo;
	if (lo + 1 >= n || frac == 0.0L)
		return (long double)x[lo];
	return (long double)x[lo] + frac * ((long double)x[lo + 1] - (long double)x[lo]);
}

double stat_quantile_f(const float *x, size_t n, double p)
{
	double idx = p * (double)(n - 1);
	size_t lo = (size_t)idx;
	double frac = idx - (double)lo;
	if (lo + 1 >= n || frac == 0.0)
		return (double)x[lo];
	return (double)x[lo] + frac * ((double)x[lo + 1] - (double)x[lo]);
}

int stat_mean_sd_u64(const uint64_t *x, size_t n, long double *mean, long double *sd)
{
	/* from the least value, so that values near 2^64 keep their last digit */
	uint64_t base = x[0];
	int constant = 1;
	for (size_t i = 1; i < n; i++) {
		if (x[i] < base)
			base = x[i];
		constant &= x[i] == x[0];
	}
	u128 sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += x[i] - base;
	*mean = (long double)base + (long double)sum / (long double)n;
	if (n < 2)
		return -1;
	if (constant) {
		*sd = 0.0L;
		return 0;
	}
	long double ss = 0.0L;
	for (size_t i = 0; i < n; i++) {
		long double d = (long double)x[i] - *mean;
		ss += d * d;
	}
	*sd = sqrtl(ss / (long double)(n - 1));
	return isfinite((double)*sd) ? 0 : -1;
}

/* in sorted x, the first index from `from` on whose value is above v (n:
   none), by doubling then halving: a short step costs a few compares, a
   long one its logarithm */
static size_t above_u64(const uint64_t *x, size_t from, size_t n, uint64_t v)
{
	size_t lo = from, step = 1; /* x[lo - 1] <= v, or lo == from */
	while (step <= n - lo && x[lo + step - 1] <= v) {
		lo += step;
		step *= 2;
	}
	size_t hi = step <= n - lo ? lo + step - 1 : n; /* x[hi] > v, or hi == n */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long stat_int_hist(const uint64_t *x, size_t n, uint64_t **lo_out, uint64_t **hi_out,
		   uint64_t **count_out)
{
	if (n == 0)
		return -1;
	/* the data are sorted: runs of a value, and bins, are found by their
	   ends, not walked value by value */
	size_t distinct = 0;
	for (size_t i = 0; i < n && distinct <= 50; distinct++)
		i = above_u64(x, i, n, x[i]);
	long nb;
	uint64_t *lo, *hi, *cnt;
	if (distinct <= 50) {
		nb = (long)distinct;
		lo = malloc(distinct * sizeof *lo);
		hi = malloc(distinct * sizeof *hi);
		cnt = calloc(distinct, sizeof *cnt);
		if (!lo || !hi || !cnt)
			goto fail;
		for (size_t k = 0, i = 0; k < distinct; k++) {
			size_t end = above_u64(x, i, n, x[i]);
			lo[k] = hi[k] = x[i];
			cnt[k] = end - i;
			i = end;
		}
	} else {
		u128 span = (u128)(x[n - 1] - x[0]) + 1; /* values it can hold */
		long double iqr = stat_quantile_u64(x, n, 0.75) - stat_quantile_u64(x, n, 0.25);
		long double wf = ceill(2.0L * iqr / cbrtl((long double)n));
		u128 w = wf < 1.0L ? 1 : (u128)wf;
		u128 nbins = (span + w - 1) / w;
		if (nbins > 200) {
			w = (span + 199) / 200;
			nbins = (span + w - 1) / w;
		}
		if (nbins < 10) {
			w = span / 10;
			if (w < 1)
				w = 1;
			nbins = (span + w - 1) / w;
		}
		nb = (long)nbins;
		lo = malloc((size_t)nb * sizeof *lo);
		hi = malloc((size_t)nb * sizeof *hi);
		cnt = calloc((size_t)nb, sizeof *cnt);
		if (!lo || !hi || !cnt)
			goto fail;
		for (long b = 0; b < nb; b++) {
			u128 l = (u128)x[0] + (u128)b * w;
			u128 h = l + w - 1;
			lo[b] = (uint64_t)l;
			hi[b] = h > UINT64_MAX ? UINT64_MAX : (uint64_t)h;
		}
		/* bin b holds x[0] + b w .. + w - 1: its count from where its last
		   value ends */
		for (size_t b = 0, i = 0; b < (size_t)nb; b++) {
			size_t end = above_u64(x, i, n, hi[b]);
			cnt[b] = end - i;
			i = end;
		}
	}
	*lo_out = lo;
	*hi_out = hi;
	*count_out = cnt;
	return nb;
fail:
	free(lo);
	free(hi);
	free(cnt);
	return -1;
}
