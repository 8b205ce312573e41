/* progress.h - the sink that talks to the person at the terminal: a
 * progress line on stderr (when it is a terminal, at most ten times a
 * second, between trials) and a line for every trial that broke its
 * strategy's guarantee or failed. */
#ifndef RACELAB_PROGRESS_H
#define RACELAB_PROGRESS_H

#include <stdint.h>

#include "sink.h"

struct progress {
	int on;                 /* draw the line */
	uint64_t t0, last;
	double total_work, done_work;
	unsigned long bad;      /* trials reported */
	int drawn;              /* a line is on the screen */
};

void progress_init(struct progress *p, const struct plan *plan, int draw);

/* The sweep's clock, shared with the live view: a trial's work (increments
   plus a fork's worth for each worker), the plan's, and "m:ss" elapsed and
   left at the rate so far ("?" before any work is done). */
double progress_trial_work(uint64_t procs, uint64_t iters);
double progress_plan_work(const struct plan *plan);
void progress_times(double elapsed_s, double total_work, double done_work, char *elapsed, char *left,
		    size_t len);
struct sink progress_as_sink(struct progress *p);

#endif
