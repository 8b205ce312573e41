/* plan.c - the cells of a sweep and the order their trials run in. */
#include "plan.h"
#include "nocopy.h"

#include <stdlib.h>
#include <string.h>

#include "../analysis/interval.h"

uint64_t plan_rand(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int plan_build(struct plan *p, const struct settings *parts, unsigned nparts, uint64_t seed,
	       struct nocopy *nc, struct rl_err *e)
{
	memset(p, 0, sizeof *p);
	p->nocopy = nc;
	if (nparts == 0 || nparts > MAX_INCLUDES + 1)
		return rl_fail(e, RL_EINPUT, "a plan needs 1 to %u experiments", MAX_INCLUDES + 1);
	p->seed = seed;
	p->order = parts[0].order;
	p->until = parts[0].until;
	p->until_half = parts[0].until_half;
	p->time_budget_s = parts[0].time_budget_s;
	p->shard_k = parts[0].shard_k ? parts[0].shard_k : 1;
	p->shard_n = parts[0].shard_n ? parts[0].shard_n : 1;
	p->n_parts = nparts;
	size_t total = 0;
	for (unsigned k = 0; k < nparts; k++) {
		snprintf(p->parts[k].experiment, sizeof p->parts[k].experiment, "%s", parts[k].experiment);
		p->parts[k].trials = parts[k].trials;
		p->parts[k].timeout_ns = parts[k].trial_timeout_s * 1000000000ull;
		total += settings_cells(&parts[k]);
	}
	/* written after every trial, the cells and the round's order (shuffled
	   anew each round): where a fork does not copy them (nocopy.h), in one
	   mapping, the order after the cells */
	size_t n = total ? total : 1;
	p->cells_bytes = n * sizeof *p->cells + n * sizeof *p->perm;
	p->cells = nocopy_calloc(nc, p->cells_bytes);
	p->perm = p->cells ? (unsigned *)(void *)(p->cells + n) : NULL;
	if (!p->cells) {
		plan_free(p);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	unsigned index = 0;
	for (unsigned k = 0; k < nparts; k++)
		for (unsigned c = 0; c < settings_cells(&parts[k]); c++, index++) {
			struct cell_spec cs;
			settings_cell(&parts[k], c, &cs);
			if (!cell_applicable(&cs))
				continue;
			/* a shard runs every n-th cell of the whole sweep, all of its trials */
			if (index % p->shard_n != p->shard_k - 1)
				continue;
			struct plan_cell *pc = &p->cells[p->n_cells++];
			pc->spec = cs;
			pc->part = k;
			pc->index = index;
			pc->planned = parts[k].until != UNTIL_NONE ? parts[k].max_trials : parts[k].trials;
			pc->block = parts[k].block ? parts[k].block : default_block(cs.launch);
			pc->next = 1;
		}
	if (p->n_cells == 0) {
		plan_free(p);
		return rl_fail(e, RL_EINPUT, "the sweep has no cell to run%s",
			       parts[0].shard_n > 1 ? " in this shard" : "");
	}
	return 0;
}

void plan_free(struct plan *p)
{
	if (p->cells)
		nocopy_free(p->nocopy, p->cells, p->cells_bytes);
	p->cells = NULL;
	p->perm = NULL;
	p->n_cells = 0;
}

uint64_t plan_total(const struct plan *p)
{
	uint64_t t = 0;
	for (unsigned i = 0; i < p->n_cells; i++)
		t += p->cells[i].planned;
	return t;
}

static int cell_left(const struct plan_cell *c)
{
	return !c->done && c->next <= c->planned;
}

/* Fisher-Yates over the cells, from (seed, round): the same seed gives the
   same order, so a resumed sweep continues where it was cut. */
static void shuffle(struct plan *p)
{
	uint64_t st = p->seed ^ (0x5851f42d4c957f2dull * (p->round + 1));
	for (unsigned i = 0; i < p->n_cells; i++)
		p->perm[i] = i;
	for (unsigned i = p->n_cells; i > 1; i--) {
		unsigned j = (unsigned)(plan_rand(&st) % i);
		unsigned t = p->perm[i - 1];
		p->perm[i - 1] = p->perm[j];
		p->perm[j] = t;
	}
}

static void take(struct plan *p, unsigned cell, struct plan_step *s)
{
	struct plan_cell *c = &p->cells[cell];
	uint64_t left = c->planned - c->next + 1;
	s->cell = cell;
	s->first = c->next;
	s->count = left < c->block ? left : c->block;
	c->next += s->count;
	p->seq += s->count;
}

int plan_next(struct plan *p, struct plan_step *s)
{
	if (p->order == ORDER_CELLS) {
		for (; p->pos < p->n_cells; p->pos++)
			if (cell_left(&p->cells[p->pos])) {
				take(p, p->pos, s);
				return 1;
			}
		return 0;
	}
	for (;;) {
		if (p->pos == 0)
			shuffle(p);
		for (; p->pos < p->n_cells; p->pos++) {
			unsigned c = p->perm[p->pos];
			if (cell_left(&p->cells[c])) {
				p->pos++;
				take(p, c, s);
				return 1;
			}
		}
		/* the round is over: another, if any cell has trials left */
		int any = 0;
		for (unsigned i = 0; i < p->n_cells && !any; i++)
			any = cell_left(&p->cells[i]);
		if (!any)
			return 0;
		p->round++;
		p->pos = 0;
	}
}

void plan_record(struct plan *p, unsigned cell, int ok, uint64_t lost, uint64_t expected)
{
	struct plan_cell *c = &p->cells[cell];
	if (!ok)
		return;
	c->n_ok++;
	if (lost > 0 && lost <= expected) {
		double f = (double)lost / (double)expected;
		c->lossy++;
		c->frac_sum += f;
		c->frac_sq += f * f;
	}
}

double plan_block_end(struct plan *p, unsigned cell)
{
	struct plan_cell *c = &p->cells[cell];
	if (c->n_ok == 0)
		return -1.0;
	double lo, hi, mean;
	int rc = p->until == UNTIL_LOST_FRAC
		? interval_hurdle(c->n_ok, c->lossy, c->frac_sum, c->frac_sq, &mean, &lo, &hi)
		: interval_wilson(c->lossy, c->n_ok, &lo, &hi);
	if (rc != 0)
		return -1.0;
	double half = (hi - lo) / 2.0;
	if (p->until != UNTIL_NONE && half <= p->until_half)
		c->done = 1;
	return half;
}
