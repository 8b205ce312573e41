/* compare.c - see compare.h. */
#define _GNU_SOURCE
#include "wide.h"
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "prop.h"
#include "rank.h"

#define JT_REPS 5000

static const char *const categorical[] = {"strategy", "workers", "pin", "start", "region",
					  "launch", NULL};

int factor_numeric(const struct dataset *d, size_t i)
{
	for (size_t c = 0; c < d->n_cells; c++)
		if (!is_count_text(d->cells[c].factor[i]))
			return 0;
	return d->n_cells > 0;
}

static int tested_factor(const struct dataset *d, size_t i, int *numeric)
{
	*numeric = factor_numeric(d, i);
	if (*numeric)
		return 1;
	for (const char *const *k = categorical; *k; k++)
		if (strcmp(*k, d->factor_names[i]) == 0)
			return 1;
	return 0;
}

struct order_ctx {
	const struct dataset *d;
	size_t f;
	int numeric;
};

static int line_cmp(const void *x, const void *y, void *arg)
{
	const struct order_ctx *o = arg;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	const struct cell *a = &o->d->cells[i], *b = &o->d->cells[j];
	for (size_t k = 0; k < o->d->n_factors; k++) {
		if (k == o->f)
			continue;
		int c = strcmp(a->factor[k], b->factor[k]);
		if (c)
			return c;
	}
	if (o->numeric) {
		uint64_t va = strtoull(a->factor[o->f], NULL, 10), vb = strtoull(b->factor[o->f], NULL, 10);
		if (va != vb)
			return va < vb ? -1 : 1;
	}
	return i < j ? -1 : i > j; /* categorical: in order of first appearance */
}

static int same_line(const struct dataset *d, size_t f, const struct cell *a, const struct cell *b)
{
	for (size_t k = 0; k < d->n_factors; k++)
		if (k != f && strcmp(a->factor[k], b->factor[k]) != 0)
			return 0;
	return 1;
}

double *cell_shares(const struct cell *c)
{
	double *v = malloc((c->n ? c->n : 1) * sizeof *v);
	if (!v)
		return NULL;
	/* the finals are sorted, and tied more often than not: a share is
	   divided out once a distinct final (an x87 division each) */
	uint64_t last_f = 0;
	double last = 0.0;
	for (size_t i = 0; i < c->n; i++) {
		uint64_t f = c->final[c->n - 1 - i];
		if (i == 0 || f != last_f) {
			last = (double)((long double)((i128)c->expected - (i128)f) / (long double)c->expected);
			last_f = f;
		}
		v[i] = last;
	}
	return v;
}

static double mean_of(const double *v, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	return n ? s / (double)n : 0.0;
}

static struct cmp_row *add(struct comparison *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct cmp_row *r = realloc(c->rows, cap * sizeof *r);
		if (!r)
			return NULL;
		c->rows = r;
		c->cap = cap;
	}
	struct cmp_row *r = &c->rows[c->n++];
	memset(r, 0, sizeof *r);
	r->diff_method = "";
	r->p_method = "";
	return r;
}

static int pair_rows(struct comparison *out, const char *family, size_t f, const struct cell *A,
		     const struct cell *B, const double *fa, const double *fb, struct rank_cache *rc)
{
	struct cmp_row *r = add(out);
	if (!r)
		return -1;
	r->family = family;
	r->kind = "pair";
	r->factor = f;
	r->line = A;
	snprintf(r->a, sizeof r->a, "%s", A->factor[f]);
	snprintf(r->b, sizeof r->b, "%s", B->factor[f]);
	r->measure = "lost_frac";
	r->n_a = A->n;
	r->n_b = B->n;
	r->k_a = A->lossy;
	r->k_b = B->lossy;
	r->est_a = mean_of(fa, A->n);
	r->est_b = mean_of(fb, B->n);
	struct mw mw;
	struct hl hl;
	if (rank_mann_whitney(fa, A->n, fb, B->n, rc, &mw) != 0 ||
	    rank_hodges_lehmann_mw(fa, A->n, fb, B->n, &mw, 0.05, rc, &hl) != 0)
		return -1;
	r->diff = hl.shift;
	r->diff_lo = hl.lo;
	r->diff_hi = hl.hi;
	r->diff_method = "hodges-lehmann";
	r->effect = mw.effect;
	r->stat = mw.u;
	r->z = mw.z;
	r->has_z = 1;
	r->p = mw.p;
	r->p_method = mw.exact ? "mw-exact" : "mw-asymptotic";
	r->testable = !(fa[0] == fa[A->n - 1] && fb[0] == fb[B->n - 1] && fa[0] == fb[0]);

	struct cmp_row *q = add(out);
	if (!q)
		return -1;
	*q = *(r = &out->rows[out->n - 2]); /* the array may have moved */
	q->measure = "p_loss";
	q->est_a = (double)A->lossy / (double)A->n;
	q->est_b = (double)B->lossy / (double)B->n;
	if (prop_newcombe(A->lossy, A->n, B->lossy, B->n, &q->diff, &q->diff_lo, &q->diff_hi) != 0)
		return -1;
	q->diff_method = "newcombe";
	q->effect = 0.5 + q->diff / 2.0;
	q->stat = (double)B->lossy;
	q->has_z = 0;
	q->z = 0;
	q->p = prop_fisher(A->lossy, A->n, B->lossy, B->n);
	q->p_method = "fisher-exact";
	q->testable = !((A->lossy == 0 && B->lossy == 0) || (A->lossy == A->n && B->lossy == B->n));
	return 0;
}

static int trend_rows(struct comparison *out, const char *family, size_t f, const struct cell **cs,
		      double **fr, unsigned ng, gsl_rng *rng)
{
	const double **groups = malloc(ng * sizeof *groups);
	double **ind = calloc(ng, sizeof *ind);
	size_t *n = malloc(ng * sizeof *n);
	int rc = groups && ind && n ? 0 : -1;
	for (unsigned g = 0; rc == 0 && g < ng; g++) {
		groups[g] = fr[g];
		n[g] = cs[g]->n;
		ind[g] = malloc((n[g] ? n[g] : 1) * sizeof **ind);
		if (!ind[g])
			rc = -1;
		else { /* lossy or not, per trial: shares ascending, so the lossy ones last */
			size_t lo = 0, hi = n[g]; /* the first share above 0 */
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (fr[g][mid] > 0.0)
					hi = mid;
				else
					lo = mid + 1;
			}
			for (size_t i = 0; i < lo; i++)
				ind[g][i] = 0.0;
			for (size_t i = lo; i < n[g]; i++)
				ind[g][i] = 1.0;
		}
	}
	for (int m = 0; rc == 0 && m < 2; m++) {
		struct jt jt;
		if (rank_jonckheere(m == 0 ? groups : (const double *const *)ind, n, ng, rng, JT_REPS, &jt) != 0) {
			rc = -1;
			break;
		}
		struct cmp_row *r = add(out);
		if (!r) {
			rc = -1;
			break;
		}
		r->family = family;
		r->kind = "trend";
		r->factor = f;
		r->line = cs[0];
		snprintf(r->a, sizeof r->a, "%s", cs[0]->factor[f]);
		snprintf(r->b, sizeof r->b, "%s", cs[ng - 1]->factor[f]);
		size_t u = 0;
		for (unsigned g = 0; g < ng && u < sizeof r->levels; g++)
			u += (size_t)snprintf(r->levels + u, sizeof r->levels - u, "%s%s", g ? ";" : "",
					      cs[g]->factor[f]);
		r->measure = m == 0 ? "lost_frac" : "p_loss";
		r->n_a = cs[0]->n;
		r->n_b = cs[ng - 1]->n;
		r->k_a = cs[0]->lossy;
		r->k_b = cs[ng - 1]->lossy;
		r->est_a = m == 0 ? mean_of(fr[0], n[0]) : (double)cs[0]->lossy / (double)n[0];
		r->est_b = m == 0 ? mean_of(fr[ng - 1], n[ng - 1]) : (double)cs[ng - 1]->lossy / (double)n[ng - 1];
		r->diff = r->est_b - r->est_a;
		r->effect = jt.tau_b;
		r->stat = jt.stat;
		r->z = jt.z;
		r->has_z = jt.testable;
		r->p = jt.p;
		r->p_method = !jt.testable ? "" : jt.permutation ? "jt-permutation" : "jt-asymptotic";
		r->testable = jt.testable;
	}
	for (unsigned g = 0; ind && g < ng; g++)
		free(ind[g]);
	free(ind);
	free(groups);
	free(n);
	return rc;
}

static uint64_t line_hash(const struct dataset *d, size_t f, const struct cell *c)
{
	uint64_t h = 1469598103934665603ull ^ f;
	for (size_t k = 0; k < d->n_factors; k++) {
		if (k == f)
			continue;
		for (const char *p = c->factor[k]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		h = (h ^ 0x1f) * 1099511628211ull;
	}
	return h;
}

int compare_build(const struct dataset *d, const struct summary *s, uint64_t seed,
		  struct comparison *out, struct rl_err *e)
{
	(void)s;
	memset(out, 0, sizeof *out);
	size_t *idx = malloc((d->n_cells ? d->n_cells : 1) * sizeof *idx);
	const struct cell **line = malloc((d->n_cells ? d->n_cells : 1) * sizeof *line);
	double **fr = calloc(d->n_cells ? d->n_cells : 1, sizeof *fr);
	if (!idx || !line || !fr) {
		free(idx);
		free(line);
		free(fr);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	int rc = 0;
	struct rank_cache cache = {0};
	for (size_t f = 0; rc == 0 && f < d->n_factors; f++) {
		int numeric;
		if (!tested_factor(d, f, &numeric))
			continue;
		int is_strategy = (int)f == d->strategy_factor;
		size_t m = 0;
		for (size_t i = 0; i < d->n_cells; i++)
			if (d->cells[i].n > 0 && d->cells[i].check != CHK_UNTOUCHED && d->cells[i].check != CHK_NONE &&
			    (!is_strategy || d->cells[i].check == CHK_AT_MOST))
				idx[m++] = i;
		struct order_ctx o = {d, f, numeric};
		qsort_r(idx, m, sizeof *idx, line_cmp, &o);
		for (size_t i = 0; rc == 0 && i < m;) {
			size_t j = i;
			unsigned ng = 0;
			while (j < m && same_line(d, f, &d->cells[idx[i]], &d->cells[idx[j]]))
				line[ng++] = &d->cells[idx[j++]];
			int exact = 1;
			for (unsigned g = 0; g < ng; g++)
				exact &= line[g]->check == CHK_EXACT;
			int mixed = 0;
			for (unsigned g = 1; g < ng; g++)
				mixed |= line[g]->check != line[0]->check;
			if (ng >= 2 && !mixed) {
				const char *pf = exact ? "control-pairs" : "pairs";
				const char *tf = exact ? "control-trends" : "trends";
				for (unsigned g = 0; g < ng && rc == 0; g++)
					if (!(fr[g] = cell_shares(line[g])))
						rc = rl_fail(e, RL_ESYS, "out of memory");
				if (numeric)
					for (unsigned g = 0; rc == 0 && g + 1 < ng; g++)
						rc = pair_rows(out, pf, f, line[g], line[g + 1], fr[g], fr[g + 1], &cache);
				else
					for (unsigned g = 0; rc == 0 && g < ng; g++)
						for (unsigned h = g + 1; rc == 0 && h < ng; h++)
							rc = pair_rows(out, pf, f, line[g], line[h], fr[g], fr[h], &cache);
				if (rc == 0 && numeric) {
					gsl_rng *r = boot_rng(seed, line_hash(d, f, line[0]), 3);
					rc = r ? trend_rows(out, tf, f, line, fr, ng, r) : -1;
					gsl_rng_free(r);
				}
				for (unsigned g = 0; g < ng; g++) {
					free(fr[g]);
					fr[g] = NULL;
				}
				if (rc < 0 && e->msg[0] == '\0')
					rc = rl_fail(e, RL_ESYS, "a comparison failed (out of memory)");
			}
			i = j;
		}
	}
	free(idx);
	free(line);
	free(fr);
	rank_cache_free(&cache);
	if (rc != 0) {
		if (rc == -1)
			rc = rl_fail(e, RL_ESYS, "a comparison failed");
		compare_free(out);
		return rc;
	}
	/* Holm within each family, over the rows that test something */
	static const char *const fams[] = {"pairs", "trends", "control-pairs", "control-trends", NULL};
	double *p = malloc((out->n ? out->n : 1) * sizeof *p);
	size_t *which = malloc((out->n ? out->n : 1) * sizeof *which);
	if (!p || !which) {
		free(p);
		free(which);
		compare_free(out);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	for (const char *const *fam = fams; *fam; fam++) {
		size_t k = 0;
		for (size_t i = 0; i < out->n; i++) {
			if (strcmp(out->rows[i].family, *fam) != 0)
				continue;
			if (!out->rows[i].testable) {
				out->rows[i].p_holm = 1.0;
				continue;
			}
			p[k] = out->rows[i].p;
			which[k++] = i;
		}
		prop_holm(p, k, p);
		for (size_t i = 0; i < k; i++)
			out->rows[which[i]].p_holm = p[i];
	}
	free(p);
	free(which);
	return 0;
}

void compare_free(struct comparison *c)
{
	free(c->rows);
	memset(c, 0, sizeof *c);
}

int write_compare_csv(FILE *f, const struct dataset *d, const struct comparison *c)
{
	fputs("family,kind,factor,", f);
	out_factor_names(f, d);
	fputs("a,b,levels,measure,n_a,n_b,k_a,k_b,est_a,est_b,diff,diff_lo,diff_hi,diff_method,"
	      "effect,stat,z,p,p_method,p_holm,testable\n", f);
	for (size_t i = 0; i < c->n; i++) {
		const struct cmp_row *r = &c->rows[i];
		int pair = strcmp(r->kind, "pair") == 0;
		fprintf(f, "%s,%s,", r->family, r->kind);
		out_field(f, d->factor_names[r->factor]);
		fputc(',', f);
		out_factors(f, d, r->line, (int)r->factor);
		out_field(f, r->a);
		fputc(',', f);
		out_field(f, r->b);
		fputc(',', f);
		out_field(f, r->levels);
		fprintf(f, ",%s,%llu,%llu,%llu,%llu,", r->measure, (unsigned long long)r->n_a,
			(unsigned long long)r->n_b, (unsigned long long)r->k_a, (unsigned long long)r->k_b);
		out_num(f, 1, r->est_a);
		fputc(',', f);
		out_num(f, 1, r->est_b);
		fputc(',', f);
		out_num(f, 1, r->diff);
		fputc(',', f);
		out_num(f, pair, r->diff_lo);
		fputc(',', f);
		out_num(f, pair, r->diff_hi);
		fprintf(f, ",%s,", r->diff_method);
		out_num(f, r->testable || pair, r->effect);
		fputc(',', f);
		out_num(f, 1, r->stat);
		fputc(',', f);
		out_num(f, r->has_z, r->z);
		fputc(',', f);
		out_num(f, 1, r->p);
		fprintf(f, ",%s,", r->p_method);
		out_num(f, 1, r->p_holm);
		fprintf(f, ",%d\n", r->testable);
	}
	return ferror(f) ? -1 : 0;
}
