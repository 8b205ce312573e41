/* sink.h - where finished trials go. The sweep feeds every sink each row, in
 * order, between trials (never while workers run): the CSV and its .meta,
 * the progress line, the live view, the trace. A sink knows nothing of
 * processes; the sweep knows nothing of files or terminals. */
#ifndef RACELAB_SINK_H
#define RACELAB_SINK_H

#include <stdint.h>

#include "err.h"
#include "plan.h"
#include "trial.h"

struct row {
	const char *run_id;
	const char *host;
	const struct plan *plan;
	const struct plan_cell *cell;
	uint64_t trial;         /* 1-based within its cell */
	uint64_t seq;           /* 1-based place in the sweep */
	const struct trial_result *r;
};

enum sink_verdict { SINK_GO = 0, SINK_STOP = 1 }; /* a sink may ask the sweep to stop (q) */

struct sink {
	void *self;
	/* a finished trial */
	int (*row)(void *self, const struct row *row, struct rl_err *e);
	/* before the next block starts: a chance to draw or read a key; returns
	   SINK_GO, SINK_STOP or an error */
	int (*between)(void *self, const struct plan *p, const struct plan_step *next,
		       struct rl_err *e);
	/* the sweep is over; `status` is its exit status so far */
	int (*close)(void *self, int status, struct rl_err *e);
};

#endif
