/* covgen.c - zero-inflated trials for the coverage simulation of racestat's
 * interval on the share lost (tests/22-coverage.t). For every scenario (n
 * trials, P(loss)) it writes REPS replicates, each its own cell: a trial is
 * lossy with probability P, and then loses a share drawn from Beta(2, 5) of
 * its 10^9 increments. GSL's Mersenne twister, seeded: the same bytes each
 * time. The true mean share lost of a scenario is P x 2/7. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned reps = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
	unsigned long seed = argc > 2 ? strtoul(argv[2], NULL, 10) : 20261201;
	static const unsigned ns[] = {10, 30, 100};
	static const double ps[] = {0, 0.02, 0.05, 0.1, 0.5, 1};
	const unsigned long long E = 1000000000ull;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	printf("run_id,scenario,replicate,trial,procs,iters,expected,final,elapsed_ns,overlap\n");
	for (unsigned a = 0; a < 3; a++)
		for (unsigned b = 0; b < 6; b++)
			for (unsigned k = 0; k < reps; k++)
				for (unsigned t = 1; t <= ns[a]; t++) {
					unsigned long long lost = 0;
					if (gsl_rng_uniform(r) < ps[b]) {
						lost = (unsigned long long)llround(gsl_ran_beta(r, 2, 5) * (double)E);
						if (lost == 0)
							lost = 1;
					}
					printf("sim,n%u_p%g,r%u,%u,1,%llu,%llu,%llu,1000,0\n", ns[a], ps[b], k, t, E, E,
					       E - lost);
				}
	gsl_rng_free(r);
	return 0;
}
