/* strategy.h - the one interface every strategy implements.
 *
 * A strategy only increments. The harness owns the processes, the region,
 * the start barrier and the clock; it hands each worker a strategy_args and
 * calls increment() once, between its two timestamps.
 *
 * Adding a strategy: write strategies/<name>.c defining one
 * `const struct strategy strategy_<name>`, and add it to the table in
 * strategies.c. Nothing else changes. */
#ifndef RACELAB_STRATEGY_H
#define RACELAB_STRATEGY_H

#include <stdint.h>

/* What a correct run of the strategy guarantees about the final value. */
enum strategy_check {
	CHECK_EXACT,     /* final == procs * iters */
	CHECK_AT_MOST,   /* final <= procs * iters (updates may be lost) */
	CHECK_UNTOUCHED, /* the creator's view keeps its initial value, 0 */
};

struct strategy_args {
	void *sync;        /* SYNC_BYTES in the region for the strategy's primitive */
	void *data;        /* the data area: (procs + 1) cache lines, zeroed */
	unsigned worker;   /* 0 .. procs-1 (the creator reads with worker = procs) */
	unsigned procs;
	uint64_t iters;
};

struct strategy {
	const char *name;
	const char *summary;            /* one line for --help */
	enum strategy_check check;
	int private_data;               /* the data area is mapped MAP_PRIVATE */
	/* creator, once, before any fork; NULL when there is nothing to set up.
	   Returns 0 or an errno value. */
	int (*init)(void *sync);
	void (*fini)(void *sync);       /* creator, after the workers are reaped */
	void (*increment)(const struct strategy_args *a);   /* a worker, iters times */
	uint64_t (*read)(const struct strategy_args *a);    /* the counter as seen */
};

extern const struct strategy *const strategy_table[];
extern const unsigned strategy_count;

const struct strategy *strategy_find(const char *name);

/* The shared counter: the first cache line of the data area. */
static inline uint64_t *strategy_counter(const struct strategy_args *a)
{
	return (uint64_t *)a->data;
}

uint64_t strategy_read_counter(const struct strategy_args *a);

/* The CPU's hint that this is a spin-wait loop. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

/* The unsynchronised load-add-store loop (strategies/plain.c), which the
   private strategy runs on its copy-on-write page. */
void racelab_plain_loop(volatile uint64_t *counter, uint64_t iters);

#endif
