/* claims.c - see claims.h. */
#define _GNU_SOURCE
#include "wide.h"
#include "claims.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "interval.h"
#include "prop.h"
#include "rank.h"

static int factor_index(const struct dataset *d, const char *name)
{
	for (size_t i = 0; i < d->n_factors; i++)
		if (strcmp(d->factor_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* equal in every factor but those two (-1: none) */
static int same_but(const struct dataset *d, const struct cell *a, const struct cell *b, int x, int y)
{
	for (size_t k = 0; k < d->n_factors; k++)
		if ((int)k != x && (int)k != y && strcmp(a->factor[k], b->factor[k]) != 0)
			return 0;
	return 1;
}

int claims_pretrial(const struct dataset *d, struct pretrial *pt, struct rl_err *e)
{
	memset(pt, 0, sizeof *pt);
	int fp = factor_index(d, "procs"), fi = factor_index(d, "iters");
	size_t nc = d->n_cells;
	pt->ov = calloc(nc ? nc : 1, sizeof *pt->ov);
	pt->dr = calloc(nc ? nc : 1, sizeof *pt->dr);
	char *grouped = calloc(nc ? nc : 1, 1);
	if (!pt->ov || !pt->dr || !grouped) {
		free(grouped);
		claims_free(pt);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	/* loss and overlap, over the multi-worker trials of each line of a
	   strategy that can lose updates (all its procs and iters together) */
	for (size_t i = 0; i < nc; i++) {
		const struct cell *c0 = &d->cells[i];
		if (grouped[i] || c0->check != CHK_AT_MOST || c0->n == 0)
			continue;
		size_t total = 0;
		for (size_t j = i; j < nc; j++) {
			const struct cell *c = &d->cells[j];
			if (!grouped[j] && c->check == CHK_AT_MOST && same_but(d, c0, c, fp, fi)) {
				grouped[j] = 1;
				if (c->procs >= 2)
					total += c->n;
			}
		}
		struct overlap_claim *o = &pt->ov[pt->n_ov++];
		o->line = c0;
		o->n_multi = total;
		if (total == 0)
			continue;
		/* within each cell (procs x iters), then combined: pooled, the
		   cells' differences in both loss and overlap would make a
		   correlation that no cell shows */
		double *rho = malloc(nc * sizeof *rho);
		size_t *rn = malloc(nc * sizeof *rn), k = 0;
		if (!rho || !rn) {
			free(rho);
			free(rn);
			free(grouped);
			claims_free(pt);
			return rl_fail(e, RL_ESYS, "out of memory");
		}
		for (size_t j = i; j < nc; j++) {
			const struct cell *c = &d->cells[j];
			if (c->check != CHK_AT_MOST || c->procs < 2 || !same_but(d, c0, c, fp, fi))
				continue;
			for (size_t t = 0; t < c->n; t++)
				if (c->overlap[t] == 0.0f) {
					o->n0++;
					o->k0 += c->final[t] < c->expected;
				}
			/* the share lost falls as the final value rises */
			int rc = c->n >= 4 ? rank_spearman_cell(c->overlap, c->final, c->n, &rho[k]) : 1;
			if (rc < 0) {
				free(rho);
				free(rn);
				free(grouped);
				claims_free(pt);
				return rl_fail(e, RL_ESYS, "out of memory");
			}
			if (rc == 0) {
				rho[k] = -rho[k];
				rn[k++] = c->n;
			}
		}
		o->n_cells = k;
		if (o->n0 > 0)
			interval_cp_upper(o->k0, o->n0, 0.05, &o->upper);
		o->has_rho = k > 0 && rank_rho_combine(rho, rn, k, &o->rho, &o->lo, &o->hi, &o->p) == 0;
		free(rho);
		free(rn);
	}
	free(grouped);
	/* drift: each cell's share lost against the trials' order */
	for (size_t i = 0; i < nc; i++) {
		const struct cell *c = &d->cells[i];
		if (!c->has_seq || c->check == CHK_UNTOUCHED || c->check == CHK_NONE || c->n < 10)
			continue;
		struct drift_claim *dc = &pt->dr[pt->n_dr++];
		dc->cell = c;
		/* against the final value: the share lost is its mirror */
		int rc = rank_kendall_order(c->seq, c->final, c->n, &dc->tau, &dc->z, &dc->p);
		dc->tau = -dc->tau;
		dc->z = -dc->z;
		if (rc < 0) {
			claims_free(pt);
			return rl_fail(e, RL_ESYS, "out of memory");
		}
		dc->testable = rc == 0;
	}
	/* Holm over each family */
	double *p = malloc((nc ? nc : 1) * sizeof *p);
	size_t *w = malloc((nc ? nc : 1) * sizeof *w);
	if (!p || !w) {
		free(p);
		free(w);
		claims_free(pt);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	size_t m = 0;
	for (size_t i = 0; i < pt->n_ov; i++)
		if (pt->ov[i].has_rho) {
			p[m] = pt->ov[i].p;
			w[m++] = i;
		}
	prop_holm(p, m, p);
	for (size_t i = 0; i < m; i++)
		pt->ov[w[i]].p_holm = p[i];
	m = 0;
	for (size_t i = 0; i < pt->n_dr; i++)
		if (pt->dr[i].testable) {
			p[m] = pt->dr[i].p;
			w[m++] = i;
		} else
			pt->dr[i].p_holm = 1.0;
	prop_holm(p, m, p);
	for (size_t i = 0; i < m; i++)
		pt->dr[w[i]].p_holm = p[i];
	free(p);
	free(w);
	return 0;
}

void claims_free(struct pretrial *pt)
{
	free(pt->ov);
	free(pt->dr);
	memset(pt, 0, sizeof *pt);
}

struct out {
	FILE *f;
	const struct dataset *d;
	unsigned long id;
};

/* the start of a row: id, kind, family, factor, the line's factors */
static void head(struct out *o, const char *kind, const char *family, const char *factor,
		 const struct cell *line, int blank1, int blank2)
{
	fprintf(o->f, "C%lu,%s,%s,", ++o->id, kind, family);
	out_field(o->f, factor);
	fputc(',', o->f);
	for (size_t i = 0; i < o->d->n_factors; i++) {
		if ((int)i != blank1 && (int)i != blank2)
			out_field(o->f, line->factor[i]);
		fputc(',', o->f);
	}
}

static void num(FILE *f, int have, double v)
{
	out_num(f, have, v);
	fputc(',', f);
}

static int ratio_claim(struct out *o, const char *kind, const struct cell *x, const struct summary *sx,
		       const struct cell *r, const struct summary *sr, const char *a, const char *b,
		       unsigned reps, int sf, int pf)
{
	if (sr->ns_per_inc <= 0.0 || reps == 0)
		return 0; /* no bootstrap, no interval: no claim */
	double ratio = sx->ns_per_inc / sr->ns_per_inc, lo, hi;
	if (!x->nspi_boot || !r->nspi_boot || boot_ratio(x->nspi_boot, r->nspi_boot, reps, &lo, &hi) != 0)
		return -1;
	if (lo > ratio)
		lo = ratio;
	if (hi < ratio)
		hi = ratio;
	const char *st = lo > 1.0 ? "greater" : hi < 1.0 ? "less" : "no clear difference";
	head(o, kind, "cost", strcmp(kind, "ratio") == 0 ? "strategy" : "strategy+procs", x, sf,
	     strcmp(kind, "ratio") == 0 ? -1 : pf);
	out_field(o->f, a);
	fputc(',', o->f);
	out_field(o->f, b);
	fprintf(o->f, ",ns_per_inc,%s,bootstrap-percentile,,,,", st);
	num(o->f, 1, ratio);
	num(o->f, 1, lo);
	num(o->f, 1, hi);
	fprintf(o->f, "%zu,,,median ns per increment %.4g over %.4g; %u resamples\n", x->n + r->n,
		sx->ns_per_inc, sr->ns_per_inc, reps);
	return 0;
}

int write_claims_csv(FILE *f, const struct dataset *d, const struct summary *s,
		     const struct comparison *c, const struct pretrial *pt, unsigned reps,
		     struct rl_err *e)
{
	struct out o = {f, d, 0};
	fputs("claim,kind,family,factor,", f);
	out_factor_names(f, d);
	fputs("a,b,measure,statement,test,stat,p,p_holm,effect,effect_lo,effect_hi,n,k,bound,detail\n", f);

	/* trends and pairs, from compare.csv's rows */
	for (size_t i = 0; i < c->n; i++) {
		const struct cmp_row *r = &c->rows[i];
		int trend = strcmp(r->kind, "trend") == 0;
		const char *st;
		if (!r->testable)
			st = "not testable";
		else if (r->p_holm < CLAIM_ALPHA)
			st = trend ? (r->effect > 0 ? "increasing" : "decreasing")
				   : (r->effect > 0.5 ? "more" : "less");
		else
			st = trend ? "no clear trend" : "no clear difference";
		head(&o, r->kind, r->family, d->factor_names[r->factor], r->line, (int)r->factor, -1);
		out_field(f, r->a);
		fputc(',', f);
		out_field(f, r->b);
		fprintf(f, ",%s,%s,%s,", r->measure, st, r->p_method);
		num(f, 1, r->stat);
		num(f, 1, r->p);
		num(f, 1, r->p_holm);
		if (trend) {
			num(f, r->testable, r->effect);
			fputs(",,", f);
		} else {
			num(f, 1, r->diff);
			num(f, 1, r->diff_lo);
			num(f, 1, r->diff_hi);
		}
		fprintf(f, "%llu,%llu,,", (unsigned long long)(r->n_a + r->n_b),
			(unsigned long long)(r->k_a + r->k_b));
		if (trend)
			fprintf(f, "levels ");
		out_field(f, trend ? r->levels : "");
		if (!trend)
			fprintf(f, "%s %.4g vs %.4g (%s)", r->measure, r->est_a, r->est_b, r->diff_method);
		fputc('\n', f);
	}

	int fp = factor_index(d, "procs"), fi = factor_index(d, "iters"), fs = d->strategy_factor;
	/* loss and overlap */
	for (size_t i = 0; i < pt->n_ov; i++) {
		const struct overlap_claim *ov = &pt->ov[i];
		const char *st = ov->n0 == 0 ? "not testable"
			: ov->k0 > 0 ? "lost without overlap"
			: ov->n0 >= MIN_VERDICT_N ? "never lost without overlap" : "insufficient";
		head(&o, "overlap_none", "overlap", "overlap", ov->line, fp, fi);
		fprintf(f, ",,p_loss,%s,clopper-pearson,,,,", st);
		num(f, ov->n0 > 0, ov->n0 ? (double)ov->k0 / (double)ov->n0 : 0);
		fputs(",,", f);
		fprintf(f, "%llu,%llu,", (unsigned long long)ov->n0, (unsigned long long)ov->k0);
		out_num(f, ov->n0 > 0, ov->upper);
		fprintf(f, ",of %llu trials with two or more workers\n", (unsigned long long)ov->n_multi);
		if (!ov->has_rho)
			continue;
		st = ov->p_holm < CLAIM_ALPHA ? (ov->rho > 0 ? "positive" : "negative") : "no clear correlation";
		head(&o, "overlap_corr", "overlap", "overlap", ov->line, fp, fi);
		fprintf(f, ",,lost_frac,%s,spearman,,", st);
		num(f, 1, ov->p);
		num(f, 1, ov->p_holm);
		num(f, 1, ov->rho);
		num(f, 1, ov->lo);
		num(f, 1, ov->hi);
		fprintf(f, "%llu,,,within each of %zu cells; combined on Fisher's z (Bonett and Wright 2000)\n",
			(unsigned long long)ov->n_multi, ov->n_cells);
	}

	/* costs */
	for (size_t i = 0; fs >= 0 && i < d->n_cells; i++) {
		const struct cell *x = &d->cells[i];
		if (x->n == 0)
			continue;
		for (size_t j = 0; j < d->n_cells; j++) {
			const struct cell *r = &d->cells[j];
			if (j == i || r->n == 0)
				continue;
			const char *rs = r->factor[fs];
			if ((strcmp(rs, "atomic") == 0 || strcmp(rs, "plain") == 0) && same_but(d, x, r, fs, -1) &&
			    ratio_claim(&o, "ratio", x, &s[i], r, &s[j], x->factor[fs], rs, reps, fs, fp) != 0)
				return rl_fail(e, RL_ESYS, "the cost bootstrap failed");
			if (fp >= 0 && strcmp(rs, "plain") == 0 && r->procs == 1 && same_but(d, x, r, fs, fp)) {
				char a[128], b[] = "plain@1";
				snprintf(a, sizeof a, "%.60s@%llu", x->factor[fs], (unsigned long long)x->procs);
				if (ratio_claim(&o, "ratio_one", x, &s[i], r, &s[j], a, b, reps, fs, fp) != 0)
					return rl_fail(e, RL_ESYS, "the cost bootstrap failed");
			}
		}
	}

	/* drift */
	for (size_t i = 0; i < pt->n_dr; i++) {
		const struct drift_claim *dc = &pt->dr[i];
		const char *st = !dc->testable ? "not testable" : dc->p_holm < CLAIM_ALPHA ? "drift" : "none";
		head(&o, "drift", "drift", "seq", dc->cell, -1, -1);
		fprintf(f, ",,lost_frac,%s,kendall,", st);
		num(f, dc->testable, dc->z);
		num(f, 1, dc->p);
		num(f, 1, dc->p_holm);
		num(f, dc->testable, dc->tau);
		fprintf(f, ",,%zu,,,share lost against the trials' place in the sweep\n", dc->cell->n);
	}

	/* guarantees, per strategy line */
	char *done = calloc(d->n_cells ? d->n_cells : 1, 1);
	if (!done)
		return rl_fail(e, RL_ESYS, "out of memory");
	for (size_t i = 0; i < d->n_cells; i++) {
		if (done[i])
			continue;
		const struct cell *c0 = &d->cells[i];
		uint64_t n = 0, v = 0;
		for (size_t j = i; j < d->n_cells; j++)
			if (!done[j] && same_but(d, c0, &d->cells[j], fp, fi)) {
				done[j] = 1;
				n += d->cells[j].n;
				v += d->cells[j].violations;
			}
		head(&o, "guarantee", "guarantee", "", c0, fp, fi);
		fprintf(f, ",,%s,%s,count,,,,,,,%llu,%llu,,check %s\n", check_name(c0->check),
			v ? "violated" : n ? "held" : "not testable", (unsigned long long)n,
			(unsigned long long)v, check_name(c0->check));
	}
	free(done);
	return ferror(f) ? rl_fail(e, RL_ESYS, "write failed") : 0;
}
