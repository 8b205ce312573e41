/* sweep.h - one run of race: set up the signals, the guardian, the outputs
 * and the plan, then run the plan's blocks one after the other and feed every
 * finished trial to the sinks. */
#ifndef RACELAB_SWEEP_H
#define RACELAB_SWEEP_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "nocopy.h"
#include "settings.h"

struct sweep_request {
	const struct settings *parts;   /* one per experiment part */
	unsigned nparts;
	const char *experiment_file;    /* NULL: options only */
	const char *cmdline;
	const char *output;             /* a path, or "-" for stdout */
	const char *meta_path;          /* --meta, or NULL */
	int resume, quiet;
	int live;                       /* --live: the view on the terminal */
	const uint64_t (*inputs)[2];    /* dev, ino of every experiment file read */
	unsigned n_inputs;
	struct nocopy *nocopy;          /* where the sweep's state goes (nocopy.h) */
};

struct sweep_outcome {
	char output[4096];              /* where the rows went, for messages */
	unsigned long rows;             /* rows the CSV now holds */
	unsigned long bad_trials;       /* trials that broke their guarantee or failed */
	int stranded;                   /* threads still run: the process must _exit */
	int budget_hit;                 /* --time-budget stopped the sweep short */
};

/* Block SIGCHLD and every signal whose default is to end the process, so
   that the sweep takes them with sigtimedwait; ignore SIGPIPE and SIGXFSZ,
   so that a closed pipe or a file size limit is a failed write. */
void sweep_signals(sigset_t *wait_set);

/* Print the plan (every cell, its trials, each worker's place, an estimated
   time) without running or writing anything. */
int sweep_dry_run(const struct sweep_request *rq, FILE *out, struct rl_err *e);

/* Run the sweep. Returns 0 (bad_trials says whether all went well),
   RL_EINTR (e->signo), RL_EINPUT, RL_EBUSY, RL_ESYS or RL_EWORKER. */
int sweep_main(const struct sweep_request *rq, const sigset_t *wait_set,
	       struct sweep_outcome *out, struct rl_err *e);

#endif
