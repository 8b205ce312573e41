/* place.c - worker placement. See place.h. */
#define _GNU_SOURCE
#include "place.h"

#include <dlfcn.h>
#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

int pin_is_topology(enum pin_mode pin)
{
	return pin == PIN_SMT || pin == PIN_CORE || pin == PIN_PACKAGE || pin == PIN_NUMA;
}

static int topo_index(enum pin_mode pin)
{
	return pin == PIN_SMT ? TOPO_SMT : pin == PIN_CORE ? TOPO_CORE : pin == PIN_PACKAGE ? TOPO_PACKAGE
		: TOPO_NUMA;
}

/* hwloc's functions, looked up by name: race is not linked with it */
struct hw {
	void *lib;
	unsigned (*api)(void);
	int (*init)(hwloc_topology_t *);
	int (*load)(hwloc_topology_t);
	void (*destroy)(hwloc_topology_t);
	int (*depth)(hwloc_topology_t, hwloc_obj_type_t);
	unsigned (*nbobjs)(hwloc_topology_t, int);
	hwloc_obj_t (*obj)(hwloc_topology_t, int, unsigned);
	int (*thissystem)(hwloc_topology_t);
	hwloc_const_cpuset_t (*allowed)(hwloc_topology_t);
	int (*first)(hwloc_const_bitmap_t);
	int (*next)(hwloc_const_bitmap_t, int);
	int (*isset)(hwloc_const_bitmap_t, unsigned);
	int (*synthetic)(hwloc_topology_t, char *, size_t, unsigned long);
};

static int hw_open(struct hw *h)
{
	memset(h, 0, sizeof *h);
	h->lib = dlopen("libhwloc.so.15", RTLD_NOW | RTLD_LOCAL);
	if (!h->lib)
		h->lib = dlopen("libhwloc.so", RTLD_NOW | RTLD_LOCAL);
	if (!h->lib)
		return -1;
	/* POSIX allows dlsym's void * to become a function pointer this way */
#define SYM(field, name) (*(void **)(&h->field) = dlsym(h->lib, name))
	if (!SYM(api, "hwloc_get_api_version") || !SYM(init, "hwloc_topology_init") ||
	    !SYM(load, "hwloc_topology_load") || !SYM(destroy, "hwloc_topology_destroy") ||
	    !SYM(depth, "hwloc_get_type_depth") || !SYM(nbobjs, "hwloc_get_nbobjs_by_depth") ||
	    !SYM(obj, "hwloc_get_obj_by_depth") || !SYM(thissystem, "hwloc_topology_is_thissystem") ||
	    !SYM(allowed, "hwloc_topology_get_allowed_cpuset") || !SYM(first, "hwloc_bitmap_first") ||
	    !SYM(next, "hwloc_bitmap_next") || !SYM(isset, "hwloc_bitmap_isset") ||
	    !SYM(synthetic, "hwloc_topology_export_synthetic") || (h->api() >> 16) != (HWLOC_API_VERSION >> 16)) {
		dlclose(h->lib);
		h->lib = NULL;
		return -1;
	}
#undef SYM
	return 0;
}

/* the allowed PUs (OS numbers) of an object's cpuset */
static int pus_of(const struct hw *h, hwloc_const_cpuset_t allowed, const struct placement *pl,
		  hwloc_obj_t o, int *out, int cap)
{
	int n = 0;
	for (int pu = h->first(o->cpuset); pu >= 0 && n < cap; pu = h->next(o->cpuset, pu)) {
		if (!h->isset(allowed, (unsigned)pu))
			continue;
		if (pl->this_system) {
			int ok = 0;
			for (int i = 0; i < pl->allowed.n && !ok; i++)
				ok = pl->allowed.cpu[i] == pu;
			if (!ok)
				continue;
		}
		out[n++] = pu;
	}
	return n;
}

static void one_each(const struct hw *h, hwloc_topology_t t, hwloc_const_cpuset_t allowed,
		     const struct placement *pl, int depth, struct cpu_list *l)
{
	l->n = 0;
	unsigned n = depth < 0 && depth != HWLOC_TYPE_DEPTH_NUMANODE ? 0 : h->nbobjs(t, depth);
	for (unsigned i = 0; i < n && l->n < CPU_SETSIZE; i++) {
		int pu[1];
		if (pus_of(h, allowed, pl, h->obj(t, depth, i), pu, 1) == 1)
			l->cpu[l->n++] = pu[0];
	}
}

static void topology(struct placement *pl)
{
	struct hw h;
	if (hw_open(&h) != 0) {
		snprintf(pl->summary, sizeof pl->summary, "unavailable (no libhwloc)");
		for (int m = 0; m < TOPO_MODES; m++)
			snprintf(pl->why[m], sizeof pl->why[m], "needs hwloc (Debian's libhwloc15), not found");
		return;
	}
	hwloc_topology_t t;
	if (h.init(&t) != 0 || h.load(t) != 0) {
		snprintf(pl->summary, sizeof pl->summary, "unavailable (hwloc could not load it)");
		dlclose(h.lib);
		return;
	}
	pl->have_topology = 1;
	pl->this_system = h.thissystem(t) == 1;
	hwloc_const_cpuset_t allowed = h.allowed(t);
	int dp = h.depth(t, HWLOC_OBJ_PACKAGE), dc = h.depth(t, HWLOC_OBJ_CORE), du = h.depth(t, HWLOC_OBJ_PU);
	unsigned np = dp >= 0 ? h.nbobjs(t, dp) : 1, nc = dc >= 0 ? h.nbobjs(t, dc) : 0;
	unsigned nu = du >= 0 ? h.nbobjs(t, du) : 0, nn = h.nbobjs(t, HWLOC_TYPE_DEPTH_NUMANODE);
	snprintf(pl->summary, sizeof pl->summary, "%u package%s, %u NUMA node%s, %u core%s, %u hardware thread%s%s",
		 np, np == 1 ? "" : "s", nn, nn == 1 ? "" : "s", nc, nc == 1 ? "" : "s", nu, nu == 1 ? "" : "s",
		 pl->this_system ? "" : " (not this machine: HWLOC_SYNTHETIC or HWLOC_XMLFILE)");
	if (h.synthetic(t, pl->synthetic, sizeof pl->synthetic, 0) < 0)
		snprintf(pl->synthetic, sizeof pl->synthetic, "(not expressible)");

	/* smt: the hardware threads of the first core that has two */
	struct cpu_list *l = &pl->mode[TOPO_SMT];
	l->n = 0;
	unsigned most = 0;
	for (unsigned i = 0; dc >= 0 && i < nc && l->n < 2; i++) {
		int pu[CPU_SETSIZE];
		int k = pus_of(&h, allowed, pl, h.obj(t, dc, i), pu, CPU_SETSIZE);
		if ((unsigned)k > most)
			most = (unsigned)k;
		if (k >= 2) {
			memcpy(l->cpu, pu, (size_t)k * sizeof *pu);
			l->n = k;
		}
	}
	if (l->n < 2)
		snprintf(pl->why[TOPO_SMT], sizeof pl->why[TOPO_SMT],
			 "needs a core with two hardware threads; this machine has %s (%u per core at most)",
			 pl->summary, most);
	/* core: one thread of each core of the first package that has two cores */
	l = &pl->mode[TOPO_CORE];
	l->n = 0;
	for (unsigned p = 0; p < np && l->n < 2; p++) {
		hwloc_obj_t pk = dp >= 0 ? h.obj(t, dp, p) : h.obj(t, 0, 0);
		l->n = 0;
		for (unsigned i = 0; dc >= 0 && i < nc; i++) {
			hwloc_obj_t co = h.obj(t, dc, i);
			int pu[1];
			if (h.first(co->cpuset) >= 0 && h.isset(pk->cpuset, (unsigned)h.first(co->cpuset)) &&
			    pus_of(&h, allowed, pl, co, pu, 1) == 1)
				l->cpu[l->n++] = pu[0];
		}
	}
	if (l->n < 2)
		snprintf(pl->why[TOPO_CORE], sizeof pl->why[TOPO_CORE],
			 "needs a package with two cores this process may use; this machine has %s", pl->summary);
	one_each(&h, t, allowed, pl, dp, &pl->mode[TOPO_PACKAGE]);
	if (pl->mode[TOPO_PACKAGE].n < 2)
		snprintf(pl->why[TOPO_PACKAGE], sizeof pl->why[TOPO_PACKAGE],
			 "needs two packages; this machine has %s", pl->summary);
	one_each(&h, t, allowed, pl, HWLOC_TYPE_DEPTH_NUMANODE, &pl->mode[TOPO_NUMA]);
	if (pl->mode[TOPO_NUMA].n < 2)
		snprintf(pl->why[TOPO_NUMA], sizeof pl->why[TOPO_NUMA],
			 "needs two NUMA nodes; this machine has %s", pl->summary);
	h.destroy(t);
	dlclose(h.lib); /* nothing of hwloc stays mapped for the forks */
}

int placement_init(struct placement *pl, int need, struct rl_err *e)
{
	memset(pl, 0, sizeof *pl);
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return rl_fail(e, RL_ESYS, "sched_getaffinity: %s", strerror(errno));
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			pl->allowed.cpu[pl->allowed.n++] = c;
	if (pl->allowed.n == 0)
		return rl_fail(e, RL_ESYS, "sched_getaffinity: no CPU allowed");
	if (need)
		topology(pl);
	else
		snprintf(pl->summary, sizeof pl->summary, "not read (no topology placement asked for)");
	return 0;
}

static const char *const topo_names[TOPO_MODES] = {"smt", "core", "package", "numa"};

int placement_check(const struct placement *pl, enum pin_mode pin, unsigned procs, int running,
		    char *warn, size_t wlen, struct rl_err *e)
{
	if (warn && wlen)
		warn[0] = '\0';
	if (!pin_is_topology(pin)) {
		if (warn && pin == PIN_SPREAD && procs > (unsigned)pl->allowed.n)
			snprintf(warn, wlen, "pin spread: %u workers on %d CPUs this process may use: they share",
				 procs, pl->allowed.n);
		else if (warn && pin == PIN_NONE && procs > (unsigned)pl->allowed.n)
			snprintf(warn, wlen, "%u workers on %d CPUs this process may use", procs, pl->allowed.n);
		return 0;
	}
	int m = topo_index(pin);
	if (pl->mode[m].n < 2)
		return rl_fail(e, RL_EINPUT, "pin %s %s", topo_names[m], pl->why[m]);
	if (running && !pl->this_system)
		return rl_fail(e, RL_EINPUT, "pin %s: the topology is %s; only --dry-run can use it",
			       topo_names[m], pl->summary);
	if (warn && procs > (unsigned)pl->mode[m].n)
		snprintf(warn, wlen, "pin %s: %u workers on %d places: they share", topo_names[m], procs,
			 pl->mode[m].n);
	return 0;
}

void place_workers(const struct placement *pl, enum pin_mode pin, unsigned procs, uint64_t *rng,
		   int *out)
{
	const struct cpu_list *l = pin_is_topology(pin) ? &pl->mode[topo_index(pin)] : &pl->allowed;
	for (unsigned w = 0; w < procs; w++)
		out[w] = pin == PIN_RANDOM ? l->cpu[plan_rand(rng) % (uint64_t)l->n]
		       : pin == PIN_SAME ? l->cpu[0]
		       : l->cpu[w % (unsigned)l->n];
}
