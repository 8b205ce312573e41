/* reproduce.h - racestat --compare BASE NEW: is the new result the same as
 * the published one?
 *
 * Cells are matched by their factor values, `host` left out (it names the
 * machine, which is what differs). For every cell on both sides:
 *   P(loss): the difference new - base with Newcombe's 95 % interval and
 *     Fisher's exact p;
 *   the share lost: the Hodges-Lehmann shift new - base with its 95 %
 *     interval and the Mann-Whitney p (exact when small enough);
 *   Holm over every p of the comparison (both measures, every cell);
 *   equivalence by two one-sided tests at 5 % (the 90 % intervals inside
 *     the margins, +-0.10 for P(loss) and +-0.05 for the share lost by
 *     default);
 * and a verdict: `differs` (a difference significant after Holm, or the
 * guarantee held on one side only), `reproduced` (both measures within
 * their margins), else `inconclusive`, with the trials per side that would
 * settle it (the TOST sample-size formula at 80 % power). Cells on one side
 * only are listed as `base only` or `new only`. */
#ifndef RACESTAT_REPRODUCE_H
#define RACESTAT_REPRODUCE_H

#include <stdint.h>
#include <stdio.h>

#include "cells.h"
#include "err.h"
#include "summary.h"

struct repro_margins {
	double p_loss, lost_frac;
};

struct repro_row {
	const struct cell *base, *neu;   /* either may be NULL: a cell on one side only */
	const char *verdict;
	int testable;
	double p_diff, p_lo, p_hi, p_p, p_holm, p_tlo, p_thi;
	int p_equiv;
	double f_base, f_new, f_shift, f_lo, f_hi, f_p, f_holm, f_tlo, f_thi;
	const char *f_method;
	int f_equiv;
	uint64_t need;                   /* trials per side to settle an inconclusive cell, 0: none */
	char detail[160];
};

struct reproduction {
	struct repro_row *rows;
	size_t n;
	struct repro_margins m;
	/* the factors cells are matched on: index in base's and new's lists */
	size_t n_keys;
	size_t *key_base, *key_new;
	int host_base, host_new;         /* the host factor, or -1 */
	size_t differs, reproduced, inconclusive, one_side;
};

/* Both datasets summarized (finals sorted). Refuses data whose cells
   cannot be matched one to one, naming the factor. */
int reproduce_build(const struct dataset *base, const struct dataset *neu,
		    const struct repro_margins *m, struct reproduction *out, struct rl_err *e);
void reproduce_free(struct reproduction *r);

/* sb, sn: each side's summaries, for its own intervals */
int write_reproduce_csv(FILE *f, const struct dataset *base, const struct dataset *neu,
			const struct summary *sb, const struct summary *sn, const struct reproduction *r);

#endif
