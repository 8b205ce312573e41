/* plan.h - the sweep's plan: which cells, how many trials each, and in what
 * order they run. Pure bookkeeping, no processes: sweep.c asks it what runs
 * next and tells it what happened; --resume replays the rows already written
 * through the same calls, so a resumed sweep runs exactly what is missing.
 *
 * Order. `cells` runs every trial of one cell before the next (in blocks of
 * `block` trials). `rounds` (the default) runs the sweep in rounds: each
 * round gives every cell one block, the cells in an order shuffled anew each
 * round from the recorded seed, so that no factor is confounded with time
 * (drift, heat, other load). */
#ifndef RACELAB_PLAN_H
#define RACELAB_PLAN_H

#include <stdint.h>

#include "err.h"
#include "nocopy.h"
#include "settings.h"

struct plan_part {          /* one experiment of the plan (a file with includes has several) */
	char experiment[64];
	uint64_t trials;        /* per cell: the trials to run (the cap, under --until) */
	uint64_t timeout_ns;    /* the watchdog, per trial */
};

struct plan_cell {
	struct cell_spec spec;
	unsigned part;
	unsigned index;         /* its place in the whole sweep (shards are taken by it) */
	uint64_t planned;       /* trials it may run (the cap, under --until) */
	uint64_t block;         /* trials per block */
	uint64_t next;          /* the next trial number, 1-based */
	/* what its trials showed so far (--until decides on it) */
	uint64_t n_ok, lossy;
	double frac_sum, frac_sq;   /* share lost, over lossy ok trials */
	int done;               /* no more trials: all run, or precise enough */
};

struct plan_step {          /* a block: `count` trials of one cell, from `first` */
	unsigned cell;
	uint64_t first, count;
};

struct plan {
	struct plan_part parts[MAX_INCLUDES + 1];
	unsigned n_parts;
	struct plan_cell *cells;
	size_t cells_bytes;     /* what was mapped for cells and perm */
	struct nocopy *nocopy;  /* where they were (nocopy.h) */
	unsigned n_cells;
	enum order_mode order;
	uint64_t seed;          /* the round shuffles (and random pinning) */
	enum until_measure until; /* stop a cell once its interval is this narrow */
	double until_half;
	uint64_t time_budget_s;
	unsigned shard_k, shard_n; /* this run is shard k of n (1-based); 1/1: the whole sweep */
	/* where the sweep is */
	uint64_t seq;           /* trials handed out so far */
	uint64_t round;
	unsigned pos;           /* next index into perm (rounds) or cells (cells order) */
	unsigned *perm;         /* this round's order of cells (in the cells' mapping) */
};

/* Build the plan from one settings per experiment part, its cells in nc. */
int plan_build(struct plan *p, const struct settings *parts, unsigned nparts, uint64_t seed,
	       struct nocopy *nc, struct rl_err *e);
void plan_free(struct plan *p);

/* The next block to run: 1 with *s filled, 0 when the sweep is complete. */
int plan_next(struct plan *p, struct plan_step *s);
/* One trial of the cell ran (or was read back from the CSV). */
void plan_record(struct plan *p, unsigned cell, int ok, uint64_t lost, uint64_t expected);
/* A block of the cell ended: under --until, the cell is done once the
   half-width of its 95 % interval (interval.h, racestat's own) is small
   enough. Returns that half-width (or -1 when there is none yet). */
double plan_block_end(struct plan *p, unsigned cell);

/* Trials the whole plan runs (the cap, under --until). */
uint64_t plan_total(const struct plan *p);

/* splitmix64: the plan's deterministic generator */
uint64_t plan_rand(uint64_t *state);

#endif
