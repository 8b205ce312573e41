/* live.h - race --live: the full-screen view a lecturer projects.
 *
 * For every strategy of the sweep, side by side: the histogram of the final
 * values of its current cell, growing trial by trial, the expected value
 * marked; trials done, P(loss) with its Wilson interval and the mean share
 * lost so far; and a status line with the cell running next and the time
 * left. Plain ANSI sequences: colour unless NO_COLOR is set or TERM is
 * dumb; block characters where the locale is UTF-8, '#' elsewhere. Drawn
 * between trials only (never while workers run), at most five times a
 * second, in place (one write a frame, no clearing but of what is left), and
 * sized anew at every frame, so a resize shows at the next one; correct from
 * 80x24 up. Keys, read between trials: q stops as SIGINT does (whole rows,
 * exit 130), space pauses until the next key. The terminal's settings are
 * restored when the sweep ends, however it ends. */
#ifndef RACELAB_LIVE_H
#define RACELAB_LIVE_H

#include <signal.h>
#include <stdint.h>
#include <termios.h>

#include "err.h"
#include "sink.h"

struct live_cell {             /* what the view keeps of one cell of the plan */
	uint64_t n, lossy;
	double share_sum;
	uint64_t *finals;          /* the first LIVE_KEEP final values, for the histogram */
	uint32_t kept;
	uint64_t min, max;
};

struct live {
	int out;                   /* the terminal (stdout) */
	int in;                    /* its keyboard, -1 when stdin is no terminal */
	struct termios saved;
	int raw;                   /* the keyboard's settings were changed */
	int color, utf8;
	const sigset_t *signals;   /* the sweep's: a pause ends when one is pending */
	const struct plan *plan;
	struct live_cell *cells;
	unsigned *current;         /* per strategy: the cell it ran last, +1 (0: none yet) */
	unsigned n_strategies;
	const struct strategy *strategies[64];
	uint64_t t0, last;
	double total_work, done_work;
	unsigned rows, cols;       /* the size the last frame was drawn at */
	int paused, drawn, stopped;
	char *frame;               /* one frame, built then written at once */
	size_t cap, len;
};

/* Refuses (RL_EINPUT) when stdout is no terminal. */
int live_init(struct live *v, const struct plan *plan, const sigset_t *signals, struct rl_err *e);
struct sink live_as_sink(struct live *v);

#endif
