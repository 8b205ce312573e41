/* fuzz_csv.c - libFuzzer target: racestat's CSV reader, cells, statistics,
 * comparisons and claims. */
#define _GNU_SOURCE
#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cells.h"
#include "claims.h"
#include "compare.h"
#include "summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gsl_set_error_handler_off();
	int fd = memfd_create("trials", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		struct dataset d;
		memset(&d, 0, sizeof d);
		struct rl_err e;
		if (dataset_load(&d, path, &e) == 0 && dataset_check_duplicates(&d, &e) == 0 && d.n_cells > 0) {
			struct summary *s = calloc(d.n_cells, sizeof *s);
			struct pretrial pt = {0};
			struct comparison cmp = {0};
			int ok = s != NULL && claims_pretrial(&d, &pt, &e) == 0;
			for (size_t i = 0; ok && i < d.n_cells; i++)
				ok = summarize(&d.cells[i], 1, 50, &s[i], &e) == 0;
			if (ok && compare_build(&d, s, 1, &cmp, &e) == 0) {
				FILE *null = fopen("/dev/null", "w");
				if (null) {
					write_summary_csv(null, &d, s, 1, 50);
					write_hist_csv(null, &d, &e);
					write_compare_csv(null, &d, &cmp);
					write_claims_csv(null, &d, s, &cmp, &pt, 50, &e);
					fclose(null);
				}
			}
			compare_free(&cmp);
			claims_free(&pt);
			free(s);
		}
		dataset_free(&d);
	}
	close(fd);
	return 0;
}
