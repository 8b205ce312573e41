/* rank.h - rank tests and the effects that go with them.
 *
 *   Mann-Whitney U (Mann & Whitney 1947): the exact conditional p, from the
 *     permutation distribution of the rank sum given the ties (enumerated by
 *     dynamic programming over the tie groups), when that is small enough to
 *     compute; else the normal approximation with the tie-corrected
 *     variance and a continuity correction.
 *   Hodges-Lehmann shift (Hodges & Lehmann 1963): the median of all
 *     differences b - a, with the distribution-free interval of Moses
 *     (order statistics of the differences, Lehmann 1975); found by
 *     selection in O((na + nb) log) without listing the na x nb differences.
 *   Jonckheere-Terpstra trend test (Jonckheere 1954) across ordered levels,
 *     its p by permutation (Monte Carlo, seeded, (b + 1) / (R + 1) as Phipson
 *     & Smyth 2010) for up to 400 trials in the line, else normal with the
 *     tie-corrected variance (Lehmann 1975); with Kendall's tau-b of level
 *     against value as its effect.
 *   Kendall's tau against the trials' order (drift), and Spearman's rho with
 *     the Fisher-z interval of Bonett & Wright (2000). */
#ifndef RACESTAT_RANK_H
#define RACESTAT_RANK_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

/* The exact distribution without ties depends only on the group sizes:
   kept for the next comparison of the same sizes (NULL: no cache). */
struct rank_cache {
	double *ways;
	size_t N, nb, W;
};
void rank_cache_free(struct rank_cache *c);

struct mw {
	double u;        /* pairs with b > a, ties counted half */
	double effect;   /* u / (na nb) = P(B > A) + P(B = A) / 2 */
	double z;        /* the normal approximation's z (also given when exact) */
	double p;        /* two-sided */
	int exact;       /* p from the exact conditional distribution */
	double var;      /* U's variance under no difference, ties corrected */
};

/* a and b sorted ascending. */
int rank_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		      struct rank_cache *cache, struct mw *out);

/* The k-th smallest (1-based) of the na x nb differences b[j] - a[i]; a, b sorted. */
double rank_kth_difference(const double *a, size_t na, const double *b, size_t nb, uint64_t k);

struct hl {
	double shift, lo, hi;   /* the median difference b - a and its 95 % interval */
};
/* `exact`: take the interval's order statistics from the exact null
   distribution of U (small samples), else from its normal approximation. */
int rank_hodges_lehmann(const double *a, size_t na, const double *b, size_t nb, int exact,
			struct rank_cache *cache, struct hl *out);
/* ... with a 1 - alpha interval (0.10: the 90 % interval of a TOST at 5 %) */
int rank_hodges_lehmann_at(const double *a, size_t na, const double *b, size_t nb, int exact,
			   double alpha, struct rank_cache *cache, struct hl *out);
/* ... after rank_mann_whitney on the same samples: its exactness and U's
   variance taken from it, not worked out again */
int rank_hodges_lehmann_mw(const double *a, size_t na, const double *b, size_t nb, const struct mw *mw,
			   double alpha, struct rank_cache *cache, struct hl *out);

struct jt {
	double stat;       /* JT = sum over level pairs i < j of U_ij */
	double z;          /* (JT - mean) / sd under no trend */
	double p;          /* two-sided */
	double tau_b;      /* Kendall's tau-b of level against value */
	int permutation;   /* p by permutation (else normal) */
	unsigned reps;
	int testable;      /* 0: one level, or every value tied */
};
/* groups[g] holds n[g] values of level g, levels in increasing order. */
int rank_jonckheere(const double *const *groups, const size_t *n, unsigned ng, gsl_rng *rng,
		    unsigned reps, struct jt *out);

/* Kendall's tau-b of y against the order x (x all distinct), with the
   normal p (tie-corrected variance). n >= 2. Returns 1 when y is constant. */
int rank_kendall_order(const uint32_t *x, const uint64_t *y, size_t n, double *tau, double *z,
		       double *p);

/* Spearman's rho of x against y (midranks, ties allowed), n >= 4, holding
   8 bytes a pair and a sorted copy of one variable while ranking it.
   Returns 1 when either variable is constant. */
int rank_spearman_cell(const float *x, const uint64_t *y, size_t n, double *rho);

/* k strata's rho (from n[i] pairs each) combined on Fisher's z by inverse
   variance weights (Bonett and Wright 2000), with a 95 % interval and the
   two-sided normal p. Strata with n < 4 are left out; -1 if none is left. */
int rank_rho_combine(const double *rho, const size_t *n, size_t k, double *r, double *lo,
		     double *hi, double *p);

#endif
