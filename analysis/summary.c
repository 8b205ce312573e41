/* summary.c - from cells to summary.csv, hist.csv and the stdout table. */
#include "wide.h"
#include "summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "interval.h"
#include "stats.h"

const char *check_name(enum check c)
{
	return c == CHK_EXACT ? "exact" : c == CHK_AT_MOST ? "at_most" : c == CHK_UNTOUCHED ? "untouched" : "";
}

/* the p-quantile of lost = expected - final, from the sorted finals, with
   the two order statistics subtracted in integers: exact for any count */
static long double lost_quantile(uint64_t E, const uint64_t *x, size_t n, double p)
{
	long double idx = (1.0L - (long double)p) * (long double)(n - 1);
	size_t lo = (size_t)idx;
	long double frac = idx - (long double)lo;
	long double at_lo = (long double)((i128)E - (i128)x[lo]);
	if (lo + 1 >= n || frac == 0.0L)
		return at_lo;
	return at_lo - frac * (long double)((i128)x[lo + 1] - (i128)x[lo]);
}

int summarize(struct cell *c, uint64_t seed, unsigned reps, struct summary *s, struct rl_err *e)
{
	memset(s, 0, sizeof *s);
	s->n = c->n;
	s->measures_loss = c->check != CHK_UNTOUCHED;
	s->verdict = "";
	if (c->n == 0)
		return 0;
	size_t n = c->n;
	uint64_t E = c->expected;
	double overlap = 0.0;
	for (size_t i = 0; i < n; i++)
		overlap += c->overlap[i];
	s->overlap_mean = overlap / (double)n;
	if (c->has_skew) { /* the median start skew: a copy sorted (the trials' order stays) */
		float *k = malloc(n * sizeof *k);
		if (!k)
			return rl_fail(e, RL_ESYS, "out of memory");
		memcpy(k, c->skew, n * sizeof *k);
		stat_sort_f(k, n);
		s->skew_median = stat_quantile_f(k, n, 0.5);
		s->has_skew = 1;
		free(k);
	}
	if (!c->sorted) {
		stat_sort_u64(c->final, n);
		stat_sort_f(c->nspi, n);
		c->sorted = 1;
	}
	const uint64_t *x = c->final;
	s->has_stats = 1;
	s->has_sd = stat_mean_sd_u64(x, n, &s->final_mean, &s->final_sd) == 0;
	s->final_min = x[0];
	s->final_max = x[n - 1];
	s->final_q1 = stat_quantile_u64(x, n, 0.25);
	s->final_median = stat_quantile_u64(x, n, 0.5);
	s->final_q3 = stat_quantile_u64(x, n, 0.75);

	s->ns_per_inc = stat_quantile_f(c->nspi, n, 0.5);
	free(c->nspi_boot);
	c->nspi_boot = NULL;
	if (reps > 0) {
		gsl_rng *r1 = boot_rng(seed, c->name_hash, 1), *r2 = boot_rng(seed, c->name_hash, 2);
		int brc = boot_median_u64(x, n, reps, r1, &s->final_median_lo, &s->final_median_hi);
		c->nspi_boot = brc == 0 ? boot_median_draws_f(c->nspi, n, reps, r2) : NULL;
		if (!c->nspi_boot || boot_interval(c->nspi_boot, reps, &s->ns_per_inc_lo, &s->ns_per_inc_hi) != 0)
			brc = -1;
		gsl_rng_free(r1);
		gsl_rng_free(r2);
		if (brc != 0)
			return rl_fail(e, RL_ESYS, "cell %s: the bootstrap failed", c->keybuf);
		s->has_boot = 1;
	}

	/* lost, exactly: sums of expected - final in 128 bits */
	i128 lost_sum = (i128)E * (i128)n;
	for (size_t i = 0; i < n; i++)
		lost_sum -= (i128)x[i];
	s->lost_mean = (long double)lost_sum / (long double)n;
	s->lost_median = lost_quantile(E, x, n, 0.5);
	s->lost_max = (i128)E - (i128)x[0];

	if (s->measures_loss) {
		/* shares lost; the lossy ones for the hurdle */
		double sum = 0, sumsq = 0, all_sq = 0, f = 0.0;
		for (size_t i = 0; i < n; i++) {
			/* the finals are sorted: a share is worked out once a distinct value */
			if (i == 0 || x[i] != x[i - 1])
				f = (double)((long double)((i128)E - (i128)x[i]) / (long double)E);
			all_sq += f * f;
			if (x[i] < E) {
				sum += f;
				sumsq += f * f;
			}
		}
		uint64_t k = c->lossy;
		s->lost_frac_mean = (double)(s->lost_mean / (long double)E);
		if (c->gained == 0) {
			s->lost_frac_method = "hurdle";
			double mean;
			if (interval_hurdle(n, k, sum, sumsq, &mean, &s->lost_frac_lo, &s->lost_frac_hi) != 0)
				return rl_fail(e, RL_EINPUT, "cell %s: no interval for the share lost", c->keybuf);
		} else {
			/* some trial ended above expected (a violation): shares are not
			   in [0, 1], so a plain Student-t interval, not clipped */
			s->lost_frac_method = "t";
			double m = s->lost_frac_mean, half = 0.0;
			double var = n > 1 ? (all_sq - (double)n * m * m) / (double)(n - 1) : 0.0;
			if (n > 1 && var > 0.0)
				half = interval_t(0.05, (double)(n - 1)) * sqrt(var / (double)n);
			else if (n == 1)
				half = fabs(m) > 0.0 ? fabs(m) : 1.0; /* one trial: as wide as it is */
			s->lost_frac_lo = m - half;
			s->lost_frac_hi = m + half;
		}
		s->p_loss = (double)k / (double)n;
		if (interval_wilson(k, n, &s->p_loss_lo, &s->p_loss_hi) != 0 ||
		    interval_cp_upper(k, n, 0.05, &s->p_loss_upper) != 0)
			return rl_fail(e, RL_EINPUT, "cell %s: no interval for %llu of %zu", c->keybuf,
				       (unsigned long long)k, n);
		if (k >= 2) {
			double m = sum / (double)k, var = (sumsq - (double)k * m * m) / (double)(k - 1);
			double half = interval_t(0.05, (double)(k - 1)) * sqrt(var > 0 ? var / (double)k : 0);
			s->has_size = 1;
			s->loss_size_mean = m;
			s->loss_size_lo = fmax(0.0, m - half);
			s->loss_size_hi = fmin(1.0, m + half);
		}
		s->verdict = c->violations ? "violated"
			: k == 0 ? (n >= MIN_VERDICT_N ? "never" : "insufficient")
			: k == n ? (n >= MIN_VERDICT_N ? "always" : "insufficient")
			: "sometimes";
	} else {
		s->verdict = c->violations ? "violated" : "untouched";
	}
	const double all[] = {(double)s->final_mean, (double)s->final_sd, s->lost_frac_mean,
			      s->lost_frac_lo, s->lost_frac_hi, s->p_loss_lo, s->p_loss_hi,
			      s->p_loss_upper, s->ns_per_inc, s->overlap_mean, s->final_median_lo,
			      s->final_median_hi, s->ns_per_inc_lo, s->ns_per_inc_hi, s->loss_size_mean,
			      s->loss_size_lo, s->loss_size_hi};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		if (!isfinite(all[i]))
			return rl_fail(e, RL_EINPUT, "cell %s: a statistic is not finite", c->keybuf);
	return 0;
}

/* ---------------------------------------------------------------- output -- */

void out_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void out_num(FILE *f, int have, double v)
{
	if (have && isfinite(v))
		fprintf(f, "%.10g", v == 0.0 ? 0.0 : v); /* no "-0" */
}

static void out_i128(FILE *f, i128 v)
{
	char buf[48];
	int neg = v < 0;
	u128 u = neg ? (u128)(-(v + 1)) + 1 : (u128)v;
	size_t k = sizeof buf;
	buf[--k] = '\0';
	do {
		buf[--k] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (neg)
		buf[--k] = '-';
	fputs(buf + k, f);
}

void out_ld(FILE *f, int have, long double v)
{
	if (!have || !isfinite((double)v))
		return;
	if (v == floorl(v) && fabsl(v) < 18446744073709551616.0L)
		out_i128(f, (i128)v); /* a count, up to 2^64 - 1: every digit */
	else
		fprintf(f, "%.10Lg", v);
}

void out_factor_names(FILE *f, const struct dataset *d)
{
	for (size_t i = 0; i < d->n_factors; i++) {
		out_field(f, d->factor_names[i]);
		fputc(',', f);
	}
}

void out_factors(FILE *f, const struct dataset *d, const struct cell *c, int blank)
{
	for (size_t i = 0; i < d->n_factors; i++) {
		if ((int)i != blank)
			out_field(f, c->factor[i]);
		fputc(',', f);
	}
}

#define C fputc(',', f)

int write_summary_csv(FILE *f, const struct dataset *d, const struct summary *sum, uint64_t seed,
		      unsigned reps)
{
	out_factor_names(f, d);
	fputs("check,n,expected,final_mean,final_sd,final_min,final_q1,final_median,final_median_lo,"
	      "final_median_hi,final_q3,final_max,lost_mean,lost_sd,lost_median,lost_max,"
	      "lost_frac_mean,lost_frac_lo,lost_frac_hi,lost_frac_method,p_loss,p_loss_lo,p_loss_hi,"
	      "p_loss_upper,lossy,loss_size_mean,loss_size_lo,loss_size_hi,verdict,violations,"
	      "ns_per_inc,ns_per_inc_lo,ns_per_inc_hi,overlap_mean,skew_median,failed,boot_seed,boot_reps\n", f);
	for (size_t i = 0; i < d->n_cells; i++) {
		const struct cell *c = &d->cells[i];
		const struct summary *s = &sum[i];
		int h = s->has_stats, l = h && s->measures_loss;
		out_factors(f, d, c, -1);
		fprintf(f, "%s,%zu,%llu,", check_name(c->check), s->n, (unsigned long long)c->expected);
		out_ld(f, h, s->final_mean); C;
		out_ld(f, s->has_sd, s->final_sd); C;
		out_ld(f, h, (long double)s->final_min); C;
		out_ld(f, h, s->final_q1); C;
		out_ld(f, h, s->final_median); C;
		out_num(f, h && s->has_boot, s->final_median_lo); C;
		out_num(f, h && s->has_boot, s->final_median_hi); C;
		out_ld(f, h, s->final_q3); C;
		out_ld(f, h, (long double)s->final_max); C;
		out_ld(f, h, s->lost_mean); C;
		out_ld(f, s->has_sd, s->final_sd); C;
		out_ld(f, h, s->lost_median); C;
		if (h)
			out_i128(f, s->lost_max);
		C;
		out_num(f, l, s->lost_frac_mean); C;
		out_num(f, l, s->lost_frac_lo); C;
		out_num(f, l, s->lost_frac_hi); C;
		fputs(l ? s->lost_frac_method : "", f); C;
		out_num(f, l, s->p_loss); C;
		out_num(f, l, s->p_loss_lo); C;
		out_num(f, l, s->p_loss_hi); C;
		out_num(f, l, s->p_loss_upper); C;
		if (l)
			fprintf(f, "%zu", c->lossy);
		C;
		out_num(f, l && s->has_size, s->loss_size_mean); C;
		out_num(f, l && s->has_size, s->loss_size_lo); C;
		out_num(f, l && s->has_size, s->loss_size_hi); C;
		fprintf(f, "%s,%zu,", s->verdict, c->violations);
		out_num(f, h, s->ns_per_inc); C;
		out_num(f, h && s->has_boot, s->ns_per_inc_lo); C;
		out_num(f, h && s->has_boot, s->ns_per_inc_hi); C;
		out_num(f, h, s->overlap_mean); C;
		out_num(f, h && s->has_skew, s->skew_median); C;
		fprintf(f, "%zu,%llu,%u\n", c->failed, (unsigned long long)seed, reps);
	}
	return ferror(f) ? -1 : 0;
}

/* an edge: the integer v's lower half, v - 0.5, exactly */
static void out_edge(FILE *f, uint64_t v, int upper)
{
	if (upper)
		fprintf(f, "%llu.5", (unsigned long long)v);
	else if (v == 0)
		fputs("-0.5", f);
	else
		fprintf(f, "%llu.5", (unsigned long long)(v - 1));
}

int write_hist_csv(FILE *f, const struct dataset *d, struct rl_err *e)
{
	out_factor_names(f, d);
	fputs("bin_lo,bin_hi,count\n", f);
	for (size_t i = 0; i < d->n_cells; i++) {
		const struct cell *c = &d->cells[i];
		if (c->n == 0)
			continue;
		uint64_t *lo, *hi, *cnt;
		long nb = stat_int_hist(c->final, c->n, &lo, &hi, &cnt);
		if (nb < 0)
			return rl_fail(e, RL_ESYS, "cell %s: histogram failed", c->keybuf);
		for (long b = 0; b < nb; b++) {
			out_factors(f, d, c, -1);
			out_edge(f, lo[b], 0);
			fputc(',', f);
			out_edge(f, hi[b], 1);
			fprintf(f, ",%llu\n", (unsigned long long)cnt[b]);
		}
		free(lo);
		free(hi);
		free(cnt);
	}
	return ferror(f) ? rl_fail(e, RL_ESYS, "write failed") : 0;
}

/* the stdout view: the columns a reader scans first */
enum { COLS = 10 };
static const char *const view_names[COLS] = {
	"n", "final_mean", "lost_frac", "lost_frac 95% CI", "p_loss", "p_loss 95% CI",
	"verdict", "ns/inc", "overlap", "violations",
};

static void view_cells(const struct cell *c, const struct summary *s, char out[COLS][80])
{
	snprintf(out[0], 80, "%zu", s->n);
	for (int i = 1; i < COLS; i++)
		snprintf(out[i], 80, "-");
	snprintf(out[9], 80, "%zu%s", c->violations, c->violations ? " !" : "");
	if (!s->has_stats)
		return;
	snprintf(out[1], 80, "%.10Lg", s->final_mean);
	if (s->measures_loss) {
		snprintf(out[2], 80, "%.4f", s->lost_frac_mean);
		snprintf(out[3], 80, "[%.4f, %.4f]", s->lost_frac_lo, s->lost_frac_hi);
		snprintf(out[4], 80, "%.3f", s->p_loss);
		snprintf(out[5], 80, "[%.3f, %.3f]", s->p_loss_lo, s->p_loss_hi);
	}
	/* a verdict carries its evidence */
	if (strcmp(s->verdict, "never") == 0)
		snprintf(out[6], 80, "never in %zu, P<=%.1f%%", s->n, 100.0 * s->p_loss_upper);
	else if (strcmp(s->verdict, "insufficient") == 0)
		snprintf(out[6], 80, "insufficient (n=%zu)", s->n);
	else
		snprintf(out[6], 80, "%s", s->verdict);
	snprintf(out[7], 80, "%.3g", s->ns_per_inc);
	snprintf(out[8], 80, "%.3f", s->overlap_mean);
}

void print_summary(FILE *f, enum out_format fmt, const struct dataset *d, const struct summary *s)
{
	size_t nf = d->n_factors, ncol = nf + COLS + 1;
	size_t *w = calloc(ncol, sizeof *w);
	if (!w)
		return;
	char cells[COLS][80];
	for (size_t i = 0; i < nf; i++)
		w[i] = strlen(d->factor_names[i]);
	for (int k = 0; k < COLS; k++)
		w[nf + k] = strlen(view_names[k]);
	w[nf + COLS] = strlen("failed");
	for (size_t r = 0; r < d->n_cells; r++) {
		view_cells(&d->cells[r], &s[r], cells);
		for (size_t i = 0; i < nf; i++)
			if (strlen(d->cells[r].factor[i]) > w[i])
				w[i] = strlen(d->cells[r].factor[i]);
		for (int k = 0; k < COLS; k++)
			if (strlen(cells[k]) > w[nf + k])
				w[nf + k] = strlen(cells[k]);
	}
	const char *sep = fmt == FMT_MARKDOWN ? " | " : "  ";
	const char *lead = fmt == FMT_MARKDOWN ? "| " : "";
	const char *tail = fmt == FMT_MARKDOWN ? " |" : "";
	fputs(lead, f);
	for (size_t i = 0; i < ncol; i++) {
		const char *name = i < nf ? d->factor_names[i] : i < nf + COLS ? view_names[i - nf] : "failed";
		fprintf(f, "%s%-*s", i ? sep : "", (int)w[i], name);
	}
	fprintf(f, "%s\n", tail);
	if (fmt == FMT_MARKDOWN) {
		fputs("|", f);
		for (size_t i = 0; i < ncol; i++) {
			fputc(i < nf ? ':' : '-', f);
			for (size_t k = 0; k < w[i]; k++)
				fputc('-', f);
			fputs(i < nf ? "-|" : ":|", f);
		}
		fputc('\n', f);
	}
	for (size_t r = 0; r < d->n_cells; r++) {
		const struct cell *c = &d->cells[r];
		view_cells(c, &s[r], cells);
		fputs(lead, f);
		for (size_t i = 0; i < nf; i++)
			fprintf(f, "%s%-*s", i ? sep : "", (int)w[i], c->factor[i]);
		for (int k = 0; k < COLS; k++)
			fprintf(f, "%s%*s", sep, (int)w[nf + k], cells[k]);
		fprintf(f, "%s%*zu%s\n", sep, (int)w[nf + COLS], c->failed, tail);
	}
	free(w);
}
