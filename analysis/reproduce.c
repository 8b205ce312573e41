/* reproduce.c - see reproduce.h. */
#define _GNU_SOURCE
#include "reproduce.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "prop.h"
#include "rank.h"

#define Z90 1.6448536269514722   /* one-sided 95 %: the TOST's 90 % interval */
#define Z_POWER 0.8416212335729143 /* 80 % power */
#define ALPHA 0.05

static long factor_of(const struct dataset *d, const char *name)
{
	for (size_t i = 0; i < d->n_factors; i++)
		if (strcmp(d->factor_names[i], name) == 0)
			return (long)i;
	return -1;
}

/* levels of factor i in d: 1 when every cell has the same value */
static int single_level(const struct dataset *d, size_t i)
{
	for (size_t c = 1; c < d->n_cells; c++)
		if (strcmp(d->cells[c].factor[i], d->cells[0].factor[i]) != 0)
			return 0;
	return 1;
}

/* a factor on one side only is ignored when it has one level there */
static int check_side_only(const struct dataset *a, const struct dataset *b, const char *aname,
			   struct rl_err *e)
{
	for (size_t i = 0; i < a->n_factors; i++) {
		if (strcmp(a->factor_names[i], "host") == 0 || factor_of(b, a->factor_names[i]) >= 0)
			continue;
		if (!single_level(a, i))
			return rl_fail(e, RL_EINPUT,
				       "%s: factor '%.64s' (in %s only) has several levels: the cells cannot "
				       "be matched", a->files[0], a->factor_names[i], aname);
	}
	return 0;
}

static int same_key(const struct reproduction *r, const struct cell *x, const size_t *kx,
		    const struct cell *y, const size_t *ky)
{
	for (size_t k = 0; k < r->n_keys; k++)
		if (strcmp(x->factor[kx[k]], y->factor[ky[k]]) != 0)
			return 0;
	return 1;
}

/* no two cells of one side may match one key (two hosts' data for a cell) */
static int check_unique(const struct reproduction *r, const struct dataset *d, const size_t *key,
			const char *side, struct rl_err *e)
{
	for (size_t i = 0; i < d->n_cells; i++)
		for (size_t j = i + 1; j < d->n_cells; j++)
			if (same_key(r, &d->cells[i], key, &d->cells[j], key)) {
				char label[512];
				cell_label(d, &d->cells[i], label, sizeof label);
				return rl_fail(e, RL_EINPUT,
					       "%s: %s holds cell [%s] twice (from two hosts?): compare one "
					       "machine's data at a time", d->files[0], side, label);
			}
	return 0;
}

static double variance(const double *v, size_t n)
{
	if (n < 2)
		return 0.0;
	double m = 0.0, s = 0.0;
	for (size_t i = 0; i < n; i++)
		m += v[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		s += (v[i] - m) * (v[i] - m);
	return s / (double)(n - 1);
}

/* trials per side for a TOST at 5 % with 80 % power to show equivalence
   within +-margin when the difference is diff and the summed variance var
   (Chow, Shao and Wang 2008, 3.2); 0 when diff is beyond the margin */
static uint64_t tost_n(double var, double diff, double margin)
{
	double room = margin - fabs(diff);
	if (!(room > 0.0))
		return 0;
	double z = Z90 + Z_POWER, n = ceil(z * z * var / (room * room));
	return n < 2.0 ? 2 : n > 1e12 ? (uint64_t)1e12 : (uint64_t)n;
}

static double mean_of(const double *v, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	return n ? s / (double)n : 0.0;
}

static int compare_cells(struct repro_row *r, const struct repro_margins *m,
			 struct rank_cache *cache)
{
	const struct cell *A = r->base, *B = r->neu;
	if (A->n == 0 || B->n == 0) {
		r->verdict = "inconclusive";
		snprintf(r->detail, sizeof r->detail, "no usable trial in %s", A->n ? "new" : "base");
		return 0;
	}
	if (A->check == CHK_UNTOUCHED || B->check == CHK_UNTOUCHED) {
		/* private: nothing is shared, nothing lost; its guarantee is all there is */
		r->verdict = A->check == B->check ? "reproduced" : "differs";
		snprintf(r->detail, sizeof r->detail, "%s", A->check == B->check
			 ? "untouched: only the guarantee is compared" : "the checks differ");
		return 0;
	}
	if (A->check != B->check) {
		r->verdict = "differs";
		snprintf(r->detail, sizeof r->detail, "the checks differ (%s, %s)", check_name(A->check),
			 check_name(B->check));
		return 0;
	}
	r->testable = 1;
	/* P(loss) */
	if (prop_newcombe(A->lossy, A->n, B->lossy, B->n, &r->p_diff, &r->p_lo, &r->p_hi) != 0 ||
	    prop_newcombe_z(A->lossy, A->n, B->lossy, B->n, Z90, &r->p_diff, &r->p_tlo, &r->p_thi) != 0)
		return -1;
	r->p_p = prop_fisher(A->lossy, A->n, B->lossy, B->n);
	r->p_equiv = r->p_tlo > -m->p_loss && r->p_thi < m->p_loss;
	/* the share lost */
	double *fa = cell_shares(A), *fb = cell_shares(B);
	if (!fa || !fb) {
		free(fa);
		free(fb);
		return -1;
	}
	struct mw mw;
	struct hl hl, h90;
	int rc = rank_mann_whitney(fa, A->n, fb, B->n, cache, &mw);
	if (rc == 0)
		rc = rank_hodges_lehmann_mw(fa, A->n, fb, B->n, &mw, 0.05, cache, &hl);
	if (rc == 0)
		rc = rank_hodges_lehmann_mw(fa, A->n, fb, B->n, &mw, 2 * ALPHA, cache, &h90);
	if (rc == 0) {
		r->f_base = mean_of(fa, A->n);
		r->f_new = mean_of(fb, B->n);
		r->f_shift = hl.shift;
		r->f_lo = hl.lo;
		r->f_hi = hl.hi;
		r->f_tlo = h90.lo;
		r->f_thi = h90.hi;
		r->f_p = mw.p;
		r->f_method = mw.exact ? "mw-exact" : "mw-asymptotic";
		r->f_equiv = r->f_tlo > -m->lost_frac && r->f_thi < m->lost_frac;
		/* trials that would settle it: the measures not yet shown equivalent */
		double pa = ((double)A->lossy + 2.0) / ((double)A->n + 4.0),
		       pb = ((double)B->lossy + 2.0) / ((double)B->n + 4.0);
		uint64_t np = r->p_equiv ? 0 : tost_n(pa * (1 - pa) + pb * (1 - pb), r->p_diff, m->p_loss);
		uint64_t nf = r->f_equiv ? 0
			: tost_n(variance(fa, A->n) + variance(fb, B->n), r->f_shift, m->lost_frac);
		r->need = np > nf ? np : nf;
		if ((!r->p_equiv && np == 0) || (!r->f_equiv && nf == 0))
			snprintf(r->detail, sizeof r->detail, "the %s difference lies beyond its margin",
				 !r->p_equiv && np == 0 ? "P(loss)" : "share-lost");
	}
	free(fa);
	free(fb);
	return rc;
}

int reproduce_build(const struct dataset *base, const struct dataset *neu,
		    const struct repro_margins *m, struct reproduction *out, struct rl_err *e)
{
	memset(out, 0, sizeof *out);
	out->m = *m;
	out->host_base = (int)factor_of(base, "host");
	out->host_new = (int)factor_of(neu, "host");
	int rc = check_side_only(base, neu, "BASE", e);
	if (rc == 0)
		rc = check_side_only(neu, base, "NEW", e);
	if (rc != 0)
		return rc;
	out->key_base = malloc((base->n_factors + 1) * sizeof *out->key_base);
	out->key_new = malloc((base->n_factors + 1) * sizeof *out->key_new);
	out->rows = calloc(base->n_cells + neu->n_cells + 1, sizeof *out->rows);
	if (!out->key_base || !out->key_new || !out->rows) {
		reproduce_free(out);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	for (size_t i = 0; i < base->n_factors; i++) {
		long j = factor_of(neu, base->factor_names[i]);
		if (j < 0 || strcmp(base->factor_names[i], "host") == 0)
			continue;
		out->key_base[out->n_keys] = i;
		out->key_new[out->n_keys++] = (size_t)j;
	}
	if ((rc = check_unique(out, base, out->key_base, "BASE", e)) != 0 ||
	    (rc = check_unique(out, neu, out->key_new, "NEW", e)) != 0) {
		reproduce_free(out);
		return rc;
	}
	struct rank_cache cache = {0};
	char *matched = calloc(neu->n_cells + 1, 1);
	if (!matched) {
		reproduce_free(out);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	for (size_t i = 0; i < base->n_cells && rc == 0; i++) {
		struct repro_row *r = &out->rows[out->n++];
		r->base = &base->cells[i];
		r->f_method = "";
		for (size_t j = 0; j < neu->n_cells && !r->neu; j++)
			if (!matched[j] && same_key(out, r->base, out->key_base, &neu->cells[j], out->key_new)) {
				r->neu = &neu->cells[j];
				matched[j] = 1;
			}
		if (!r->neu) {
			r->verdict = "base only";
			continue;
		}
		if (compare_cells(r, m, &cache) != 0)
			rc = rl_fail(e, RL_ESYS, "out of memory");
	}
	for (size_t j = 0; j < neu->n_cells && rc == 0; j++)
		if (!matched[j]) {
			struct repro_row *r = &out->rows[out->n++];
			r->neu = &neu->cells[j];
			r->f_method = "";
			r->verdict = "new only";
		}
	free(matched);
	rank_cache_free(&cache);
	if (rc != 0) {
		reproduce_free(out);
		return rc;
	}
	/* Holm over every p of the comparison, then the verdicts */
	size_t np = 0;
	double *p = malloc((2 * out->n + 1) * sizeof *p);
	if (!p) {
		reproduce_free(out);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	for (size_t i = 0; i < out->n; i++)
		if (out->rows[i].testable) {
			p[np++] = out->rows[i].p_p;
			p[np++] = out->rows[i].f_p;
		}
	prop_holm(p, np, p);
	np = 0;
	for (size_t i = 0; i < out->n; i++) {
		struct repro_row *r = &out->rows[i];
		if (!r->base || !r->neu) {
			out->one_side++;
			continue;
		}
		if (r->testable) {
			r->p_holm = p[np++];
			r->f_holm = p[np++];
		}
		int broke_a = r->base->violations > 0, broke_b = r->neu->violations > 0;
		if (broke_a != broke_b) {
			r->verdict = "differs";
			snprintf(r->detail, sizeof r->detail, "the guarantee %s in base and %s in new",
				 broke_a ? "broke" : "held", broke_b ? "broke" : "held");
		} else if (!r->testable) {
			if (!r->verdict)
				r->verdict = "inconclusive";
		} else if (r->p_holm < ALPHA || r->f_holm < ALPHA) {
			r->verdict = "differs";
			r->need = 0;
		} else if (r->p_equiv && r->f_equiv) {
			r->verdict = "reproduced";
			r->need = 0;
		} else {
			r->verdict = "inconclusive";
		}
		out->differs += strcmp(r->verdict, "differs") == 0;
		out->reproduced += strcmp(r->verdict, "reproduced") == 0;
		out->inconclusive += strcmp(r->verdict, "inconclusive") == 0;
	}
	free(p);
	return 0;
}

void reproduce_free(struct reproduction *r)
{
	free(r->rows);
	free(r->key_base);
	free(r->key_new);
	memset(r, 0, sizeof *r);
}

int write_reproduce_csv(FILE *f, const struct dataset *base, const struct dataset *neu,
			const struct summary *sb, const struct summary *sn, const struct reproduction *r)
{
	for (size_t k = 0; k < r->n_keys; k++) {
		out_field(f, base->factor_names[r->key_base[k]]);
		fputc(',', f);
	}
	fputs("host_base,host_new,verdict,n_base,n_new,lossy_base,lossy_new,p_loss_base,p_loss_new,"
	      "p_loss_diff,p_loss_lo,p_loss_hi,p_loss_p,p_loss_p_holm,p_loss_tost_lo,p_loss_tost_hi,"
	      "p_loss_equivalent,lost_frac_base,lost_frac_new,lost_frac_shift,lost_frac_lo,"
	      "lost_frac_hi,lost_frac_p,lost_frac_p_method,lost_frac_p_holm,lost_frac_tost_lo,"
	      "lost_frac_tost_hi,lost_frac_equivalent,violations_base,violations_new,margin_p_loss,"
	      "margin_lost_frac,trials_needed,p_loss_base_lo,p_loss_base_hi,p_loss_new_lo,"
	      "p_loss_new_hi,lost_frac_base_lo,lost_frac_base_hi,lost_frac_new_lo,lost_frac_new_hi,"
	      "detail\n", f);
	for (size_t i = 0; i < r->n; i++) {
		const struct repro_row *x = &r->rows[i];
		const struct cell *c = x->base ? x->base : x->neu;
		const size_t *key = x->base ? r->key_base : r->key_new;
		for (size_t k = 0; k < r->n_keys; k++) {
			out_field(f, c->factor[key[k]]);
			fputc(',', f);
		}
		if (x->base && r->host_base >= 0)
			out_field(f, x->base->factor[r->host_base]);
		fputc(',', f);
		if (x->neu && r->host_new >= 0)
			out_field(f, x->neu->factor[r->host_new]);
		fprintf(f, ",%s,", x->verdict);
		const struct cell *A = x->base, *B = x->neu;
		if (A)
			fprintf(f, "%zu", A->n);
		fputc(',', f);
		if (B)
			fprintf(f, "%zu", B->n);
		fputc(',', f);
		if (A)
			fprintf(f, "%zu", A->lossy);
		fputc(',', f);
		if (B)
			fprintf(f, "%zu", B->lossy);
		fputc(',', f);
		out_num(f, A && A->n, A && A->n ? (double)A->lossy / (double)A->n : 0);
		fputc(',', f);
		out_num(f, B && B->n, B && B->n ? (double)B->lossy / (double)B->n : 0);
		fputc(',', f);
		int t = x->testable;
		double pv[] = {x->p_diff, x->p_lo, x->p_hi, x->p_p, x->p_holm, x->p_tlo, x->p_thi};
		for (size_t k = 0; k < sizeof pv / sizeof *pv; k++) {
			out_num(f, t, pv[k]);
			fputc(',', f);
		}
		if (t)
			fprintf(f, "%d", x->p_equiv);
		fputc(',', f);
		double fv[] = {x->f_base, x->f_new, x->f_shift, x->f_lo, x->f_hi, x->f_p};
		for (size_t k = 0; k < sizeof fv / sizeof *fv; k++) {
			out_num(f, t, fv[k]);
			fputc(',', f);
		}
		fprintf(f, "%s,", t ? x->f_method : "");
		double gv[] = {x->f_holm, x->f_tlo, x->f_thi};
		for (size_t k = 0; k < sizeof gv / sizeof *gv; k++) {
			out_num(f, t, gv[k]);
			fputc(',', f);
		}
		if (t)
			fprintf(f, "%d", x->f_equiv);
		fputc(',', f);
		if (A)
			fprintf(f, "%zu", A->violations);
		fputc(',', f);
		if (B)
			fprintf(f, "%zu", B->violations);
		fputc(',', f);
		out_num(f, 1, r->m.p_loss);
		fputc(',', f);
		out_num(f, 1, r->m.lost_frac);
		fputc(',', f);
		if (x->need)
			fprintf(f, "%llu", (unsigned long long)x->need);
		fputc(',', f);
		/* each side's own intervals, as in its summary.csv */
		const struct summary *qa = A ? &sb[A - base->cells] : NULL, *qb = B ? &sn[B - neu->cells] : NULL;
		int ha = qa && qa->has_stats, hb = qb && qb->has_stats;
		int la = ha && qa->measures_loss, lb = hb && qb->measures_loss;
		double sv[] = {la ? qa->p_loss_lo : 0, la ? qa->p_loss_hi : 0, lb ? qb->p_loss_lo : 0,
			       lb ? qb->p_loss_hi : 0, la ? qa->lost_frac_lo : 0, la ? qa->lost_frac_hi : 0,
			       lb ? qb->lost_frac_lo : 0, lb ? qb->lost_frac_hi : 0};
		int have[] = {la, la, lb, lb, la, la, lb, lb};
		for (size_t k = 0; k < sizeof sv / sizeof *sv; k++) {
			out_num(f, have[k], sv[k]);
			fputc(',', f);
		}
		out_field(f, x->detail);
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}
