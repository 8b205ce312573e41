/* place.h - where workers run: the CPUs this process may use, the machine's
 * topology (hwloc), and each worker's CPU for a trial under a --pin mode.
 *
 *   none     the scheduler decides
 *   spread   one worker per allowed CPU, round robin
 *   same     every worker on the first allowed CPU
 *   random   a new random CPU per worker and trial (per block, persistent)
 *   smt      the hardware threads of one core
 *   core     distinct cores of one package
 *   package  distinct packages
 *   numa     distinct NUMA nodes
 * The last four come from hwloc, which reads HWLOC_SYNTHETIC or
 * HWLOC_XMLFILE from the environment when set: such a topology is not this
 * machine, so only --dry-run may use it. hwloc is loaded (dlopen) only while
 * the plan is made and unloaded before any worker is forked. */
#ifndef RACELAB_PLACE_H
#define RACELAB_PLACE_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "settings.h"

struct cpu_list {
	int n;
	int cpu[CPU_SETSIZE];
};

enum { TOPO_SMT, TOPO_CORE, TOPO_PACKAGE, TOPO_NUMA, TOPO_MODES };

struct placement {
	struct cpu_list allowed;            /* sched_getaffinity's CPUs */
	int have_topology;                  /* hwloc gave one */
	int this_system;                    /* ... of this machine (not synthetic) */
	char summary[256];                  /* "1 package, 1 NUMA node, 2 cores, 2 hardware threads" */
	char synthetic[512];                /* hwloc's own description of it */
	struct cpu_list mode[TOPO_MODES];   /* the CPUs each topology mode places on */
	char why[TOPO_MODES][512];          /* ... or why the machine cannot give it */
};

/* The CPUs allowed, and the topology when hwloc can be loaded (need: one
   is required, for a topology pin mode or --dry-run's sake). */
int placement_init(struct placement *pl, int need, struct rl_err *e);

/* Can this mode place `procs` workers here? RL_EINPUT when the machine
   cannot give it; *warn (if not NULL) says when workers must share. */
int placement_check(const struct placement *pl, enum pin_mode pin, unsigned procs, int running,
		    char *warn, size_t wlen, struct rl_err *e);

/* Each worker's CPU for this trial (pin != none). */
void place_workers(const struct placement *pl, enum pin_mode pin, unsigned procs, uint64_t *rng,
		   int *out);

int pin_is_topology(enum pin_mode pin);

#endif
