/* crew.h - the workers of a trial or a block: started as processes or
 * threads, waited for, killed. The parent keeps every terminating signal
 * blocked and takes it with sigtimedwait(); workers inherit that mask and
 * keep it, so only the parent decides what a signal means. */
#ifndef RACELAB_CREW_H
#define RACELAB_CREW_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "region.h"
#include "settings.h"

/* What a worker runs, in a process (after attaching to the region) or a
   thread: `arg` is the caller's, `w` the worker's number. */
typedef void (*crew_fn)(const void *arg, const struct region_map *m, unsigned w);

struct crew_thread {
	crew_fn fn;
	const void *arg;
	const struct region_map *m;
	unsigned w;
};

struct crew {
	/* the parent writes these every trial: after each fork every page it
	   writes faults once more, so they sit together */
	unsigned n;        /* started */
	unsigned alive;    /* not yet reaped (processes) */
	unsigned failed;   /* exited non-zero or killed by a signal */
	int threads;
	int stranded;      /* threads still running that nobody can stop */
	pid_t self;        /* the parent's pid, asked once */
	pid_t pid[MAX_PROCS];
	uint64_t start[MAX_PROCS], end[MAX_PROCS]; /* scratch: each worker's timestamps */
	pthread_t tid[MAX_PROCS];
	struct crew_thread arg[MAX_PROCS];
};

void crew_reset(struct crew *c, int threads);
/* Fork `procs` workers, or start threads. A failed fork kills and reaps
   the workers already forked; a failed pthread_create leaves the threads
   started in c->n for the caller to release and join (crew_join). */
int crew_start(struct crew *c, unsigned procs, struct region_map *m, crew_fn fn, const void *arg,
	       struct rl_err *e);
/* Reap the processes that have ended (WNOHANG). */
void crew_reap(struct crew *c);
/* Kill and reap every process; threads cannot be killed: they are marked
   stranded. */
void crew_kill(struct crew *c);
/* Join every thread started. */
void crew_join(struct crew *c);

/* Wait up to ns for a signal of the set: the signal, or 0 on timeout. */
int crew_wait_signal(const sigset_t *set, uint64_t ns);
/* The first terminating signal of the set already pending (not SIGCHLD), 0 if none. */
int crew_pending_signal(const sigset_t *set);
/* Taken from the pending set, as the reason for an interruption. */
int crew_interrupted(struct crew *c, int sig, struct rl_err *e);

/* A worker's way out: exit_group, without running libc's exit path. */
_Noreturn void crew_exit(int code);

void futex_wait(_Atomic uint32_t *word, uint32_t val, uint64_t timeout_ns);
void futex_wake(_Atomic uint32_t *word, int n);
uint64_t now_ns(void);

/* The CPU this thread runs on, as sched_getcpu() gives it, read where the
   kernel keeps it for glibc's restartable sequences (a load from this
   thread's TLS, which a forked worker reads without a fault), through
   sched_getcpu() where rseq is not registered. */
int crew_cpu(void);

/* A trace sample's clock: the CPU's time-stamp counter where the kernel
   itself keeps time by it (clocksource tsc: invariant and synchronized
   across CPUs), so a sample costs a few cycles rather than a clock_gettime;
   its ticks are put on CLOCK_MONOTONIC by the two now_ns() that bound the
   trial (tick_to_ns). Elsewhere the ticks are now_ns() itself. */
enum tick_clock { TICK_MONOTONIC, TICK_TSC };
enum tick_clock tick_clock_probe(void);
const char *tick_clock_name(enum tick_clock k);
static inline uint64_t tick_now(enum tick_clock k)
{
#if defined(__x86_64__)
	if (k == TICK_TSC) {
		uint32_t lo, hi;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		return ((uint64_t)hi << 32) | lo;
	}
#endif
	(void)k;
	return now_ns();
}
/* a tick on CLOCK_MONOTONIC, linear between (tick0, ns0) and (tick1, ns1) */
static inline uint64_t tick_to_ns(uint64_t tick, uint64_t tick0, uint64_t ns0, uint64_t tick1, uint64_t ns1)
{
	if (tick1 <= tick0 || tick <= tick0 || ns1 <= ns0)
		return ns0;
	if (tick >= tick1)
		return ns1;
	return ns0 + (uint64_t)((double)(tick - tick0) * (double)(ns1 - ns0) / (double)(tick1 - tick0) + 0.5);
}

#endif
