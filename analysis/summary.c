/* summary.c - from cells to summary.csv, hist.csv, compare.csv and tables. */
#include "summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int summarize(struct cell *c, struct summary *s, struct rl_err *e)
{
	memset(s, 0, sizeof *s);
	s->n = c->n;
	if (c->n == 0) {
		s->verdict = "";
		return 0;
	}
	size_t n = c->n;
	double ex = (double)c->expected;
	stat_sort(c->final, n);
	s->has_stats = 1;
	s->has_sd = stat_mean_sd(c->final, n, &s->final_mean, &s->final_sd) == 0;
	s->final_min = c->final[0];
	s->final_max = c->final[n - 1];
	s->final_q1 = stat_quantile(c->final, n, 0.25);
	s->final_median = stat_quantile(c->final, n, 0.5);
	s->final_q3 = stat_quantile(c->final, n, 0.75);
	/* lost = expected - final: an affine map of the same sorted data */
	s->lost_mean = ex - s->final_mean;
	s->lost_sd = s->final_sd;
	s->lost_median = ex - s->final_median;
	s->lost_max = ex - s->final_min;
	s->lost_frac_mean = s->lost_mean / ex;
	double half;
	if (s->has_sd && stat_t_halfwidth(s->final_sd, n, &half) == 0) {
		s->has_ci = 1;
		s->lost_frac_lo = fmax(0.0, s->lost_frac_mean - half / ex);
		s->lost_frac_hi = fmin(1.0, s->lost_frac_mean + half / ex);
	}
	s->p_loss = (double)c->lossy / (double)n;
	if (stat_wilson(c->lossy, n, &s->p_loss_lo, &s->p_loss_hi) != 0 ||
	    stat_cp_upper(c->lossy, n, &s->p_loss_upper) != 0)
		return rl_fail(e, RL_EINPUT, "cell %s: no interval for %zu of %zu", c->keybuf,
			       c->lossy, n);
	s->verdict = c->lossy == 0 ? "never" : c->lossy == n ? "always" : "sometimes";
	s->ns_per_inc = stat_median_select(c->nspi, n);
	s->overlap_mean = c->overlap_sum / (double)n;
	if (c->n_overlap_pair) {
		s->has_pair = 1;
		s->overlap_pair_mean = c->overlap_pair_sum / (double)c->n_overlap_pair;
	}
	const double all[] = {s->final_mean, s->final_sd, s->final_q1, s->final_q3,
			      s->lost_frac_mean, s->lost_frac_lo, s->lost_frac_hi, s->p_loss_lo,
			      s->p_loss_hi, s->p_loss_upper, s->ns_per_inc, s->overlap_mean};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		if (!isfinite(all[i]))
			return rl_fail(e, RL_EINPUT, "cell %s: a statistic is not finite", c->keybuf);
	return 0;
}

/* CSV field: quoted when it must be */
static void put_field(FILE *f, const char *s)
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

static void put_factors(FILE *f, const struct dataset *d, const struct cell *c, int skip)
{
	for (size_t i = 0; i < d->n_factors; i++) {
		if ((int)i == skip)
			continue;
		put_field(f, c->factor[i]);
		fputc(',', f);
	}
}

static void put_factor_names(FILE *f, const struct dataset *d, int skip)
{
	for (size_t i = 0; i < d->n_factors; i++) {
		if ((int)i == skip)
			continue;
		put_field(f, d->factor_names[i]);
		fputc(',', f);
	}
}

/* %.10g, or empty when there is no value */
static void num(FILE *f, int have, double v, int last)
{
	if (have)
		fprintf(f, "%.10g", v == 0.0 ? 0.0 : v); /* no "-0" */
	fputc(last ? '\n' : ',', f);
}

int write_summary_csv(FILE *f, const struct dataset *d, const struct summary *sum)
{
	put_factor_names(f, d, -1);
	fputs("n,expected,final_mean,final_sd,final_min,final_q1,final_median,final_q3,final_max,"
	      "lost_mean,lost_sd,lost_median,lost_max,lost_frac_mean,lost_frac_lo,lost_frac_hi,"
	      "p_loss,p_loss_lo,p_loss_hi,p_loss_upper,verdict,violations,ns_per_inc,overlap_mean,"
	      "overlap_pair_mean,failed\n", f);
	for (size_t i = 0; i < d->n_cells; i++) {
		const struct cell *c = &d->cells[i];
		const struct summary *s = &sum[i];
		int h = s->has_stats;
		put_factors(f, d, c, -1);
		fprintf(f, "%zu,%llu,", s->n, (unsigned long long)c->expected);
		num(f, h, s->final_mean, 0);
		num(f, s->has_sd, s->final_sd, 0);
		num(f, h, s->final_min, 0);
		num(f, h, s->final_q1, 0);
		num(f, h, s->final_median, 0);
		num(f, h, s->final_q3, 0);
		num(f, h, s->final_max, 0);
		num(f, h, s->lost_mean, 0);
		num(f, s->has_sd, s->lost_sd, 0);
		num(f, h, s->lost_median, 0);
		num(f, h, s->lost_max, 0);
		num(f, h, s->lost_frac_mean, 0);
		num(f, s->has_ci, s->lost_frac_lo, 0);
		num(f, s->has_ci, s->lost_frac_hi, 0);
		num(f, h, s->p_loss, 0);
		num(f, h, s->p_loss_lo, 0);
		num(f, h, s->p_loss_hi, 0);
		num(f, h, s->p_loss_upper, 0);
		fprintf(f, "%s,%zu,", s->verdict, c->violations);
		num(f, h, s->ns_per_inc, 0);
		num(f, h, s->overlap_mean, 0);
		num(f, s->has_pair, s->overlap_pair_mean, 0);
		fprintf(f, "%zu\n", c->failed);
	}
	return ferror(f) ? -1 : 0;
}

int write_hist_csv(FILE *f, const struct dataset *d, struct rl_err *e)
{
	put_factor_names(f, d, -1);
	fputs("bin_lo,bin_hi,count\n", f);
	for (size_t i = 0; i < d->n_cells; i++) {
		const struct cell *c = &d->cells[i];
		if (c->n == 0)
			continue;
		double *edges;
		int pairs;
		long nb = stat_int_bins(c->final, c->n, &edges, &pairs);
		size_t *counts = nb > 0 ? calloc((size_t)nb, sizeof *counts) : NULL;
		if (!counts || stat_hist_counts(c->final, c->n, edges, nb, pairs, counts) != 0) {
			if (nb > 0)
				free(edges);
			free(counts);
			return rl_fail(e, RL_ESYS, "cell %s: histogram failed", c->keybuf);
		}
		for (long b = 0; b < nb; b++) {
			put_factors(f, d, c, -1);
			double lo = pairs ? edges[2 * b] : edges[b];
			double hi = pairs ? edges[2 * b + 1] : edges[b + 1];
			fprintf(f, "%.1f,%.1f,%zu\n", lo, hi, counts[b]);
		}
		free(edges);
		free(counts);
	}
	return ferror(f) ? rl_fail(e, RL_ESYS, "write failed") : 0;
}


static int same_but_procs(const struct dataset *d, const struct cell *a, const struct cell *b)
{
	for (size_t i = 0; i < d->n_factors; i++)
		if ((int)i != d->procs_factor && strcmp(a->factor[i], b->factor[i]) != 0)
			return 0;
	return 1;
}

int write_compare_csv(FILE *f, const struct dataset *d, struct rl_err *e)
{
	put_factor_names(f, d, d->procs_factor);
	fputs("procs_a,procs_b,n_a,n_b,u,z,p\n", f);
	if (d->procs_factor < 0)
		return 0;
	/* lost = expected - final, so compare lost directly */
	const struct cell **group = malloc(d->n_cells * sizeof *group);
	char *done = calloc(d->n_cells ? d->n_cells : 1, 1);
	double *la = NULL, *lb = NULL;
	int rc = group && done ? 0 : rl_fail(e, RL_ESYS, "out of memory");
	for (size_t i = 0; rc == 0 && i < d->n_cells; i++) {
		if (done[i])
			continue;
		size_t g = 0;
		for (size_t j = i; j < d->n_cells; j++)
			if (!done[j] && same_but_procs(d, &d->cells[i], &d->cells[j])) {
				done[j] = 1;
				group[g++] = &d->cells[j];
			}
		/* insertion sort by procs: groups are small */
		for (size_t a = 1; a < g; a++)
			for (size_t b = a; b > 0 && group[b - 1]->procs > group[b]->procs; b--) {
				const struct cell *t = group[b];
				group[b] = group[b - 1];
				group[b - 1] = t;
			}
		for (size_t k = 0; rc == 0 && k + 1 < g; k++) {
			const struct cell *a = group[k], *b = group[k + 1];
			if (a->n == 0 || b->n == 0)
				continue;
			free(la);
			free(lb);
			la = malloc(a->n * sizeof *la);
			lb = malloc(b->n * sizeof *lb);
			if (!la || !lb) {
				rc = rl_fail(e, RL_ESYS, "out of memory");
				break;
			}
			for (size_t t = 0; t < a->n; t++)
				la[t] = (double)a->expected - a->final[t];
			for (size_t t = 0; t < b->n; t++)
				lb[t] = (double)b->expected - b->final[t];
			double u, z, p;
			if (stat_mann_whitney(la, a->n, lb, b->n, &u, &z, &p) != 0) {
				rc = rl_fail(e, RL_EINPUT, "cell %s: Mann-Whitney failed", a->keybuf);
				break;
			}
			put_factors(f, d, a, d->procs_factor);
			fprintf(f, "%llu,%llu,%zu,%zu,%.10g,%.10g,%.10g\n", (unsigned long long)a->procs,
				(unsigned long long)b->procs, a->n, b->n, u, z == 0.0 ? 0.0 : z, p);
		}
	}
	free(la);
	free(lb);
	free(group);
	free(done);
	if (rc == 0 && ferror(f))
		rc = rl_fail(e, RL_ESYS, "write failed");
	return rc;
}

/* the stdout view: the columns a reader scans first */
enum { COLS = 10 };
static const char *const view_names[COLS] = {
	"n", "final_mean", "lost_frac", "lost_frac 95% CI", "p_loss", "p_loss 95% CI",
	"verdict", "ns/inc", "overlap", "violations",
};

static void view_cells(const struct cell *c, const struct summary *s, char out[COLS][64])
{
	snprintf(out[0], 64, "%zu", s->n);
	if (!s->has_stats) {
		for (int i = 1; i < COLS; i++)
			snprintf(out[i], 64, "-");
		snprintf(out[9], 64, "%zu", c->violations);
		return;
	}
	snprintf(out[1], 64, "%.10g", s->final_mean);
	snprintf(out[2], 64, "%.4f", s->lost_frac_mean);
	if (s->has_ci)
		snprintf(out[3], 64, "[%.4f, %.4f]", s->lost_frac_lo, s->lost_frac_hi);
	else
		snprintf(out[3], 64, "-");
	snprintf(out[4], 64, "%.3f", s->p_loss);
	snprintf(out[5], 64, "[%.3f, %.3f]", s->p_loss_lo, s->p_loss_hi);
	snprintf(out[6], 64, "%s", s->verdict);
	snprintf(out[7], 64, "%.3g", s->ns_per_inc);
	snprintf(out[8], 64, "%.3f", s->overlap_mean);
	snprintf(out[9], 64, "%zu%s", c->violations, c->violations ? " !" : "");
}

void print_summary(FILE *f, enum out_format fmt, const struct dataset *d, const struct summary *s)
{
	if (fmt == FMT_CSV) {
		write_summary_csv(f, d, s);
		return;
	}
	size_t nf = d->n_factors, ncol = nf + COLS + 1;
	size_t *w = calloc(ncol, sizeof *w);
	if (!w)
		return;
	char cells[COLS][64];
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
