/* place.c - worker placement. */
#define _GNU_SOURCE
#include "place.h"

#include <errno.h>
#include <string.h>

#include "plan.h"

int cpu_list_get(struct cpu_list *l, struct rl_err *e)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return rl_fail(e, RL_ESYS, "sched_getaffinity: %s", strerror(errno));
	l->n = 0;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			l->cpu[l->n++] = c;
	if (l->n == 0)
		return rl_fail(e, RL_ESYS, "sched_getaffinity: no CPU allowed");
	return 0;
}

void place_workers(const struct cpu_list *l, enum pin_mode pin, unsigned procs, uint64_t *rng,
		   int *out)
{
	for (unsigned w = 0; w < procs; w++)
		out[w] = pin == PIN_SPREAD ? l->cpu[w % (unsigned)l->n]
		       : pin == PIN_RANDOM ? l->cpu[plan_rand(rng) % (uint64_t)l->n]
		       : l->cpu[0];
}
