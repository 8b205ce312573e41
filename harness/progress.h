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
struct sink progress_as_sink(struct progress *p);

#endif
