/* sink_trace.h - --trace: the samples of traced trials into <csv>.trace.csv
 *
 *   run_id,seq,strategy,procs,iters,trial,worker,t_ns,done,counter
 *
 * one row per sample: the worker's increments done and the shared counter
 * as it read it, t_ns from the trial's first sample. Bounded: trials 1 to
 * TRACE_TRIALS of each cell (later ones run traced, the same measurement,
 * and are not written), at most TRACE_SAMPLES samples a worker
 * a trial: at most TRACE_TRIALS x procs x 1024 rows a cell, about 40 bytes
 * each. Built under no name beside the CSV and put in place when the sweep
 * ends, however it ends short of SIGKILL (whose trace is lost: the CSV never
 * is); a resumed sweep keeps the trace it finds and adds to it. */
#ifndef RACELAB_SINK_TRACE_H
#define RACELAB_SINK_TRACE_H

#include <stdint.h>

#include "fsx.h"
#include "sink.h"

#define TRACE_TRIALS 20u

struct trace_sink {
	struct fsx_path path;
	struct fsx_new file;
	int lockfd;               /* the old trace, locked (-1: none) */
	unsigned n_cells;
	char *buf;
	size_t cap;
	int open;
};

/* csv: the CSV's path; resume: keep the rows of an existing trace. */
int trace_sink_open(struct trace_sink *t, const char *csv, const struct plan *p, int resume,
		    struct rl_err *e);
struct sink trace_sink_as_sink(struct trace_sink *t);

#endif
