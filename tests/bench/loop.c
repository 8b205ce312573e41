/* loop.c - the increment loops of the plain and atomic strategies, run bare
 * in one process with no fork, region or barrier: the baseline for the cost
 * per increment inside a trial. Prints "plain NS" and "atomic NS" per
 * increment, the median of R runs.
 *
 * loop N R pieces P: the floor of --trace. The plain loop run whole, cut
 * into pieces of P increments (the strategy's increment called for each,
 * as a traced worker calls it), and cut with a sample between pieces (a
 * tick, the counter read through the strategy, a store), the three
 * alternated R times; prints each one's median ns per increment. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strategy.h"

extern const struct strategy strategy_plain, strategy_atomic;

static uint64_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static inline uint64_t tick(void)
{
#if defined(__x86_64__)
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
#else
	return now();
#endif
}

struct sample {
	uint64_t t, done, counter;
};

/* mode 0: whole; 1: in pieces; 2: in pieces with a sample after each */
static double run_plain(uint64_t iters, uint64_t piece, int mode, unsigned char *data, struct sample *ts)
{
	struct strategy_args a = {.data = data, .worker = 0, .procs = 1, .iters = iters};
	*(uint64_t *)data = 0;
	uint64_t t0 = now(), done = 0;
	unsigned n = 0;
	if (mode == 0) {
		strategy_plain.increment(&a);
	} else {
		while (done < iters) {
			a.iters = iters - done < piece ? iters - done : piece;
			strategy_plain.increment(&a);
			done += a.iters;
			if (mode == 2)
				ts[n++ & 1023] = (struct sample){tick(), done, strategy_plain.read(&a)};
		}
	}
	return (double)(now() - t0) / (double)iters;
}

static int pieces(uint64_t iters, int runs, uint64_t piece)
{
	_Alignas(64) static unsigned char data[4096];
	static struct sample ts[1024];
	double ns[3][64];
	if (runs > 64)
		runs = 64;
	for (int r = 0; r < runs; r++)
		for (int m = 0; m < 3; m++)
			ns[m][r] = run_plain(iters, piece, m, data, ts);
	static const char *name[] = {"whole", "pieces", "sampled"};
	for (int m = 0; m < 3; m++) {
		qsort(ns[m], (size_t)runs, sizeof ns[m][0], cmp);
		printf("%s %.4f\n", name[m], ns[m][runs / 2]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 4 && strcmp(argv[3], "pieces") == 0)
		return pieces(strtoull(argv[1], NULL, 10), atoi(argv[2]), strtoull(argv[4], NULL, 10));
	uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
	int runs = argc > 2 ? atoi(argv[2]) : 7;
	const struct strategy *s[] = {&strategy_plain, &strategy_atomic};
	_Alignas(64) static unsigned char data[4096];
	for (int k = 0; k < 2; k++) {
		double ns[64];
		for (int r = 0; r < runs && r < 64; r++) {
			struct strategy_args a = {.data = data, .worker = 0, .procs = 1, .iters = iters};
			*(uint64_t *)data = 0;
			uint64_t t0 = now();
			s[k]->increment(&a);
			ns[r] = (double)(now() - t0) / (double)iters;
		}
		qsort(ns, (size_t)runs, sizeof *ns, cmp);
		printf("%s %.4f\n", s[k]->name, ns[runs / 2]);
	}
	return 0;
}
