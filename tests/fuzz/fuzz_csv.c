/* fuzz_csv.c - libFuzzer target: racestat's CSV reader, cells and statistics. */
#define _GNU_SOURCE
#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cells.h"
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
		if (dataset_load(&d, path, &e) == 0 && d.n_cells > 0) {
			struct summary *s = calloc(d.n_cells, sizeof *s);
			int ok = s != NULL;
			for (size_t i = 0; ok && i < d.n_cells; i++)
				ok = summarize(&d.cells[i], &s[i], &e) == 0;
			if (ok) {
				FILE *null = fopen("/dev/null", "w");
				if (null) {
					write_summary_csv(null, &d, s);
					write_hist_csv(null, &d, &e);
					write_compare_csv(null, &d, &e);
					fclose(null);
				}
			}
			free(s);
		}
		dataset_free(&d);
	}
	close(fd);
	return 0;
}
