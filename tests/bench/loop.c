/* loop.c - the increment loops of the plain and atomic strategies, run bare
 * in one process with no fork, region or barrier: the baseline for the cost
 * per increment inside a trial. Prints "plain NS" and "atomic NS" per
 * increment, the median of R runs. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv)
{
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
