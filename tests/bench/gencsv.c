/* gencsv.c - a race-shaped CSV of N rows over 8 cells (2 strategies x 2 procs
 * x 2 iters), with plausible finals, for the racestat benchmark.
 *
 *   gencsv N          each cell's rows together
 *   gencsv N rounds   a row of every cell in turn, as race writes a sweep */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	int rounds = argc > 2 && argv[2][0] == 'r';
	uint64_t x = 88172645463325252ull;
	printf("run_id,experiment,strategy,start,region,procs,iters,trial,expected,final,lost,"
	       "elapsed_ns,overlap,overlap_pair,check,status,shm_visible,shm_gone\n");
	static const char *strat[] = {"plain", "atomic"};
	for (long i = 0; i < n; i++) {
		int c = rounds ? (int)(i % 8) : (int)(i / (n / 8 + 1));
		int s = c & 1, procs = c & 2 ? 4 : 2;
		long iters = c & 4 ? 100000 : 1000;
		long expected = procs * iters;
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		long lost = s == 0 ? (long)(x % (uint64_t)(expected / 2 + 1)) : 0;
		printf("20261201T000000Z-1,bench,%s,barrier,anon,%d,%ld,%ld,%ld,%ld,%ld,%lu,%.6f,%.6f,%s,ok,,\n",
		       strat[s], procs, iters, rounds ? i / 8 + 1 : i + 1, expected, expected - lost, lost,
		       (unsigned long)(1000 + x % 100000), (double)(x % 1000) / 1000.0,
		       (double)(x % 997) / 997.0, s ? "exact" : "at_most");
	}
	return 0;
}
