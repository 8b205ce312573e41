/* block.h - a block of trials of one cell, run by persistent workers.
 *
 * The workers (processes or threads) are started once per block and run its
 * trials back to back. Trial k is released by the last worker to finish
 * trial k - 1, who first records its final value and clears the counter:
 * the parent stays out of the loop, asleep until the block ends, a worker
 * dies, a signal arrives or the watchdog sees no progress. With --start
 * barrier the workers wait between trials on a futex, with spin they
 * busy-wait. Each trial keeps its own timestamps, overlap, skew and row, and
 * its strategy's guarantee is checked. The rows are produced when the
 * block ends, never while workers run. */
#ifndef RACELAB_BLOCK_H
#define RACELAB_BLOCK_H

#include "err.h"
#include "trial.h"

struct block_ctx;
struct block_ctx *block_ctx_new(void);
int block_ctx_stranded(const struct block_ctx *x);
void block_ctx_free(struct block_ctx *x);

/* Each finished trial (index k of the block), in order, once the workers
   are gone; a crashed or timed-out trial is the last one given. */
typedef int (*block_emit)(void *ctx, unsigned k, const struct trial_result *r, struct rl_err *e);

/* Run up to `count` trials. *given gets how many trials were given to
   `emit` (the rest of the block is the caller's to run again). Returns 0,
   RL_EINTR (a signal: the trials finished before it are given), RL_ESYS, or
   RL_EWORKER (threads that cannot be stopped). */
int block_run(struct block_ctx *x, const struct trial_spec *t, unsigned count, block_emit emit,
	      void *ectx, struct trial_result *res, unsigned *given, struct rl_err *e);

/* Trials a block may hold for `procs` workers (its records fit the region). */
unsigned block_max_trials(unsigned procs);

#endif
