/* racestat - lost-update statistics and histograms from race's trial CSVs.
 *
 *   racestat [options] FILE.csv [FILE.csv ...]
 *
 * Writes summary.csv, hist.csv and compare.csv into the output folder, each
 * to a temporary name first and renamed only when all are complete, and
 * prints the summary on stdout. Exit: 0 fine, 1 a cell had violations,
 * 2 bad input, 3 a system error. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cells.h"
#include "boot.h"
#include "claims.h"
#include "compare.h"
#include "outdir.h"
#include "summary.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: racestat [options] FILE.csv [FILE.csv ...]\n"
		"Group race's trials into cells (all trials sharing their factor columns) and\n"
		"write summary.csv, hist.csv, compare.csv and claims.csv; several files are merged.\n\n"
		"  -o, --output DIR        where the files go (default results/)\n"
		"  -f, --format table|markdown|csv   the summary on stdout (default table)\n"
		"      --seed N            the bootstrap's and the permutations' seed (default 1;\n"
		"                          written in summary.csv: the same data give the same bytes)\n"
		"      --bootstrap N       resamples per bootstrap interval (default 2000; 0: none)\n"
		"  -q, --quiet             nothing on stdout\n"
		"  -h, --help              this help\n");
}

enum { OUT_SUMMARY, OUT_HIST, OUT_COMPARE, OUT_CLAIMS, N_OUT };
static const char *const out_names[N_OUT] = {"summary.csv", "hist.csv", "compare.csv", "claims.csv"};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"quiet", no_argument, NULL, 'q'},
		{"seed", required_argument, NULL, 'S'},
		{"bootstrap", required_argument, NULL, 'B'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *outdir = "results";
	enum out_format fmt = FMT_TABLE;
	int quiet = 0, c;
	uint64_t seed = 1;
	unsigned reps = BOOT_REPS;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': outdir = optarg; break;
		case 'f':
			if (strcmp(optarg, "table") == 0) fmt = FMT_TABLE;
			else if (strcmp(optarg, "markdown") == 0) fmt = FMT_MARKDOWN;
			else if (strcmp(optarg, "csv") == 0) fmt = FMT_CSV;
			else {
				fprintf(stderr, "racestat: --format '%s' must be table, markdown or csv\n", optarg);
				return 2;
			}
			break;
		case 'q': quiet = 1; break;
		case 'B': {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || errno || optarg[0] == '-' || v > 1000000) {
				fprintf(stderr, "racestat: --bootstrap '%s' must be 0 to 1000000 resamples\n", optarg);
				return 2;
			}
			reps = (unsigned)v;
			break;
		}
		case 'S': {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (!*optarg || *end || errno || optarg[0] == '-') {
				fprintf(stderr, "racestat: --seed '%s' is not a whole number\n", optarg);
				return 2;
			}
			seed = v;
			break;
		}
		case 'h': usage(stdout); return 0;
		case ':':
			fprintf(stderr, "racestat: option '%s' needs a value\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "racestat: unknown option '%s' (racestat --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "racestat: no input file (racestat --help)\n");
		return 2;
	}
	gsl_set_error_handler_off(); /* every GSL result is checked instead */

	struct dataset d;
	memset(&d, 0, sizeof d);
	struct rl_err e = {0};
	int rc = 0;
	for (int i = optind; i < argc && rc == 0; i++)
		rc = dataset_load(&d, argv[i], &e);
	if (rc == 0 && d.rows == 0)
		rc = rl_fail(&e, RL_EINPUT, "%s: no trials, only a header", argv[argc - 1]);
	if (rc == 0)
		rc = dataset_check_duplicates(&d, &e);
	struct pretrial pt = {0};
	struct comparison cmp = {0};
	struct summary *sum = NULL;
	if (rc == 0)
		rc = claims_pretrial(&d, &pt, &e); /* needs the trials in their order */
	if (rc == 0 && !(sum = calloc(d.n_cells ? d.n_cells : 1, sizeof *sum)))
		rc = rl_fail(&e, RL_ESYS, "out of memory");
	for (size_t i = 0; rc == 0 && i < d.n_cells; i++)
		rc = summarize(&d.cells[i], seed, reps, &sum[i], &e);
	if (rc == 0)
		rc = compare_build(&d, sum, seed, &cmp, &e);
	if (rc != 0) {
		fprintf(stderr, "racestat: %s\n", e.msg);
		dataset_free(&d);
		claims_free(&pt);
		compare_free(&cmp);
		free(sum);
		return rc == RL_EINPUT ? 2 : 3;
	}

	struct outdir od;
	rc = outdir_open(&od, outdir, &e);
	for (int k = 0; k < N_OUT && rc == 0; k++) {
		FILE *f = outdir_file(&od, out_names[k], &e);
		if (!f) {
			rc = RL_ESYS;
			break;
		}
		int wr = k == OUT_SUMMARY ? write_summary_csv(f, &d, sum, seed, reps)
			: k == OUT_HIST ? write_hist_csv(f, &d, &e)
			: k == OUT_COMPARE ? write_compare_csv(f, &d, &cmp)
			: write_claims_csv(f, &d, sum, &cmp, &pt, reps, &e);
		if (wr != 0) {
			if (k == OUT_SUMMARY || k == OUT_COMPARE)
				rl_fail(&e, RL_ESYS, "%s/%s: write failed", outdir, out_names[k]);
			rc = RL_ESYS;
		}
	}
	if (rc == 0)
		rc = outdir_commit(&od, &e);
	outdir_close(&od);
	compare_free(&cmp);
	claims_free(&pt);
	if (rc != 0) {
		fprintf(stderr, "racestat: %s\n", e.msg);
		dataset_free(&d);
		free(sum);
		return rc == RL_EBUSY || rc == RL_EINPUT ? 2 : 3;
	}
	if (!quiet && fmt == FMT_CSV)
		write_summary_csv(stdout, &d, sum, seed, reps);
	else if (!quiet)
		print_summary(stdout, fmt, &d, sum);
	size_t violations = 0;
	for (size_t i = 0; i < d.n_cells; i++)
		violations += d.cells[i].violations;
	if (violations)
		fprintf(stderr, "racestat: %zu trials broke their strategy's guarantee\n", violations);
	dataset_free(&d);
	free(sum);
	return violations ? 1 : 0;
}
