/* place.h - where workers run: the CPUs this process may use, and each
 * worker's CPU for a trial under a --pin mode. */
#ifndef RACELAB_PLACE_H
#define RACELAB_PLACE_H

#include <sched.h>
#include <stdint.h>

#include "err.h"
#include "settings.h"

struct cpu_list {
	int n;
	int cpu[CPU_SETSIZE];
};

/* The CPUs sched_getaffinity allows, in order. */
int cpu_list_get(struct cpu_list *l, struct rl_err *e);

/* Each worker's CPU for this trial: round robin (spread), all on the first
   (same), or random from *rng. */
void place_workers(const struct cpu_list *l, enum pin_mode pin, unsigned procs, uint64_t *rng,
		   int *out);

#endif
