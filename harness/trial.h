/* trial.h - one trial: create the region, fork the workers, release them
 * together, time them, reap them, read the counter, check it. */
#ifndef RACELAB_TRIAL_H
#define RACELAB_TRIAL_H

#include <signal.h>
#include <stdint.h>

#include "err.h"
#include "region.h"
#include "nocopy.h"
#include "settings.h"
#include "strategy.h"
#include "crew.h"

/* --trace: a worker's progress inside its trial, one sample each
   `trace` increments (and the first at the start), at most TRACE_SAMPLES a
   worker (beyond that every stride-th boundary is kept, the cost the same) */
#define TRACE_SAMPLES 1024u
struct trace_sample {
	uint64_t t_ns;       /* CLOCK_MONOTONIC (a tick while the trial runs) */
	uint64_t done;       /* increments this worker has done */
	uint64_t counter;    /* the shared counter as it read it then */
};

struct trial_spec {
	const struct strategy *s;
	unsigned procs;
	uint64_t iters;
	enum worker_kind workers;
	enum pin_mode pin;
	enum start_mode start;
	enum region_kind region;
	const int *pin_cpu;        /* pin != none: the CPU for each worker */
	uint64_t timeout_ns;       /* watchdog: the whole trial, fork to last exit */
	const sigset_t *wait_set;  /* blocked signals the trial waits on: CHLD and every signal
				      whose default is to end the process. Workers keep them
				      blocked, so only the parent decides what a signal means */
	const struct guard *guard; /* named regions: registered with it before they exist */
	uint64_t trace;            /* 0, or the increments between two samples */
	uint64_t trace_stride;     /* (set by trial_run) pieces of `trace` between two samples kept */
	enum tick_clock trace_clock; /* the samples' clock (crew.h) */
	struct trace_sample *trace_buf; /* (set by trial_run) [worker][TRACE_SAMPLES], shared */
};

enum trial_status { TRIAL_OK, TRIAL_CRASHED, TRIAL_TIMEOUT };

struct trial_result {
	uint64_t expected;
	uint64_t final;          /* the counter as the parent reads it afterwards */
	int64_t lost;            /* expected - final */
	uint64_t elapsed_ns;     /* release to the last worker's end */
	uint64_t skew_ns;        /* latest worker start - earliest worker start */
	double overlap;          /* share of the trial all workers ran at once */
	double overlap_pair;     /* share of the trial at least two workers ran at once */
	enum trial_status status;
	int violation;           /* the strategy's guarantee was broken */
	int shm_visible;         /* shm: the name was in /dev/shm while attached (-1: n/a) */
	int shm_gone;            /* shm: and was gone after the unlink (-1: n/a) */
	char detail[200];        /* what went wrong, for stderr */
	int32_t cpu[MAX_PROCS];  /* the CPU each worker started on */
	/* (not cleared per trial: trace is set anew, trace_n read only when it is) */
	const struct trace_sample *trace; /* traced: [worker][TRACE_SAMPLES], valid until the next trial */
	uint32_t trace_n[MAX_PROCS];      /* samples each worker took */
};

const char *trial_status_name(enum trial_status s);
const char *strategy_check_name(enum strategy_check c);

/* What trials need, allocated once per run: the workers' pids or threads
 * and the region. Threads cannot be killed: if some are left running (a
 * signal or the watchdog), the context is `stranded` and must never be
 * freed, nor its region unmapped, since those threads still use them; the
 * process then ends with _exit. */
struct trial_ctx;
struct trial_ctx *trial_ctx_new(struct nocopy *nc); /* from nc: see nocopy.h */
int trial_ctx_stranded(const struct trial_ctx *x);
void trial_ctx_free(struct nocopy *nc, struct trial_ctx *x); /* does nothing to a stranded one */

/* Run one trial. Returns 0 when the trial has a row to write (whatever its
 * status), RL_EINTR when a fatal signal arrived (workers killed and reaped,
 * e->signo set; no row: a trial cut short by the user is no trial),
 * RL_ESYS when the trial could not be run at all, or RL_EWORKER when
 * threads ran past the watchdog: the row is still to be written, then the
 * sweep must end, since threads cannot be killed. */
int trial_run(struct trial_ctx *x, const struct trial_spec *t, struct trial_result *res,
	      struct rl_err *e);

/* The first signal of the wait set, other than SIGCHLD, already pending (0: none). */
int trial_pending_signal(const sigset_t *wait_set);

/* Overlap of the workers' [start, end] intervals, as a share of the span from
 * the first start to the last end: the time all ran at once (0 for n < 2),
 * and the time at least two ran at once, when a lost update is possible. */
double trial_overlap(const uint64_t *start, const uint64_t *end, unsigned n);
double trial_overlap_pair(const uint64_t *start, const uint64_t *end, unsigned n);

/* A trial's times from its workers' [start, end] and the release: elapsed
 * (release to the last end), start skew and both overlaps, into res. */
void trial_times(struct trial_result *res, const uint64_t *start, const uint64_t *end, unsigned n,
		 uint64_t release);

/* The strategy's guarantee, from the final value and what each worker saw. */
void trial_judge(const struct trial_spec *t, const uint64_t *seen, struct trial_result *res);
int trial_shm_present(const struct region_map *m);

#endif
