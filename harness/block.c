/* block.c - persistent workers. See block.h. */
#define _GNU_SOURCE
#include "block.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crew.h"

#define READY_POLL_NS 20000000ull
#define BLOCK_POLL_SPINS 20000 /* about 50 us of pause instructions before sleeping */
#define BLOCK_BYTES (16u << 20) /* at most this much of records per block */

struct block_ctx {
	struct crew crew;
	struct region_map map;
	int stranded;
};

struct block_ctx *block_ctx_new(void)
{
	struct block_ctx *x = malloc(sizeof *x);
	if (x) {
		crew_reset(&x->crew, 0);
		x->crew.self = 0;
		x->stranded = 0;
		x->map.r = NULL;
	}
	return x;
}

int block_ctx_stranded(const struct block_ctx *x)
{
	return x && x->stranded;
}

void block_ctx_free(struct block_ctx *x)
{
	if (x && !x->stranded)
		free(x);
}

unsigned block_max_trials(unsigned procs)
{
	size_t per = sizeof(struct block_rec) + (size_t)procs * sizeof(struct block_slot);
	size_t n = BLOCK_BYTES / per;
	return n < 1 ? 1 : n > 1000000 ? 1000000 : (unsigned)n;
}

static void release(struct region *r, struct block_hdr *b, unsigned k)
{
	region_block_rec(r, k)->release_ns = now_ns();
	atomic_store_explicit(&b->go, k + 1, memory_order_release);
	futex_wake(&b->go, INT_MAX);
}

/* The anonymous region needs no name removed, so the last worker to arrive
   releases the first trial itself; a named one waits for the parent. */
static int last_opens(const struct region_map *m)
{
	return m->kind == REGION_ANON;
}

static void block_worker(const void *arg, const struct region_map *m, unsigned w)
{
	const struct trial_spec *t = arg;
	struct region *r = m->r;
	struct block_hdr *b = region_block(r);
	if (t->pin != PIN_NONE) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(t->pin_cpu[w], &set);
		sched_setaffinity(0, sizeof set, &set);
	}
	struct strategy_args a = {
		.sync = region_strategy_sync(r), .data = m->data,
		.worker = w, .procs = t->procs, .iters = t->iters,
	};
	const int private_data = t->s->private_data;
	const unsigned count = b->count, procs = t->procs;
	uint32_t arrived = atomic_fetch_add(&r->sync.ready, 1) + 1;
	if (!last_opens(m))
		futex_wake(&r->sync.ready, 1);
	else if (arrived == procs)
		release(r, b, 0);
	/* Between trials a worker polls the release word for a while before it
	   sleeps on it (spin, then block, as OpenMP's barriers do), unless the
	   workers outnumber the CPUs, when polling only takes a CPU from the
	   worker everyone waits for. With --start spin it never sleeps, and
	   yields the CPU now and then. */
	const int poll = t->start == START_SPIN || procs <= b->cpus;
	for (unsigned k = 0; k < count; k++) {
		uint32_t g;
		uint64_t spins = 0;
		while ((g = atomic_load_explicit(&b->go, memory_order_acquire)) <= k) {
			if (atomic_load_explicit(&b->stop, memory_order_relaxed))
				goto out;
			if (poll && (t->start == START_SPIN || spins < BLOCK_POLL_SPINS)) {
				cpu_relax();
				if ((++spins & 255) == 0 && t->start == START_SPIN)
					sched_yield();
				continue;
			}
			futex_wait(&b->go, g, 0);
		}
		if (atomic_load_explicit(&b->stop, memory_order_relaxed))
			goto out;
		if (private_data) /* this worker's own copy-on-write counter */
			*(volatile uint64_t *)strategy_counter(&a) = 0;
		int cpu = crew_cpu();
		uint64_t t0 = now_ns();
		t->s->increment(&a);
		uint64_t t1 = now_ns();
		struct block_slot *sl = region_block_slot(r, w, k);
		sl->start_ns = t0;
		sl->end_ns = t1;
		sl->cpu = cpu;
		sl->seen = t->s->read(&a);
		struct block_rec *rec = region_block_rec(r, k);
		if (atomic_fetch_add_explicit(&rec->arrived, 1, memory_order_acq_rel) + 1 == procs) {
			/* the last to finish: record the trial, clear the counter, release the next */
			if (!private_data) {
				struct strategy_args ra = a;
				ra.worker = procs;
				rec->final = t->s->read(&ra);
				memset(m->data, 0, m->data_size);
			}
			atomic_store_explicit(&b->done, k + 1, memory_order_release);
			if (k + 1 < count)
				release(r, b, k + 1);
		}
	}
out:
	if (atomic_fetch_add(&b->exited, 1) + 1 == procs && t->workers == WORKERS_THREADS)
		kill(getpid(), SIGCHLD); /* the parent waits on its signals: wake it */
}

/* trial k's result from the records, as a fork trial's would be */
static void result_of(const struct trial_spec *t, struct region_map *m, struct crew *c, unsigned k,
		      uint64_t parent_view, struct trial_result *res)
{
	struct region *r = m->r;
	int sv = res->shm_visible, sg = res->shm_gone;
	memset(res, 0, offsetof(struct trial_result, cpu));
	res->shm_visible = sv;
	res->shm_gone = sg;
	res->expected = (uint64_t)t->procs * t->iters;
	const struct block_rec *rec = region_block_rec(r, k);
	res->final = t->s->private_data ? parent_view : rec->final;
	res->lost = (int64_t)(res->expected - res->final);
	uint64_t *start = c->start;
	for (unsigned w = 0; w < t->procs; w++) {
		const struct block_slot *sl = region_block_slot(r, w, k);
		start[w] = sl->start_ns;
		c->end[w] = sl->end_ns;
		res->cpu[w] = sl->cpu;
	}
	trial_times(res, start, c->end, t->procs, rec->release_ns);
	for (unsigned w = 0; w < t->procs; w++)
		start[w] = region_block_slot(r, w, k)->seen; /* done with the timestamps: reuse */
	trial_judge(t, start, res);
}

static int give(const struct trial_spec *t, struct region_map *m, struct crew *c, unsigned n,
		uint64_t view, block_emit emit, void *ectx, struct trial_result *res, unsigned *given,
		struct rl_err *e)
{
	for (unsigned k = 0; k < n; k++) {
		result_of(t, m, c, k, view, res);
		int rc = emit(ectx, k, res, e);
		if (rc != 0)
			return rc;
		(*given)++;
	}
	return 0;
}

static int give_failed(struct trial_result *res, enum trial_status st, const char *why,
		       const struct trial_spec *t, unsigned k, block_emit emit, void *ectx,
		       unsigned *given, struct rl_err *e)
{
	int sv = res->shm_visible, sg = res->shm_gone;
	memset(res, 0, offsetof(struct trial_result, cpu));
	res->shm_visible = sv;
	res->shm_gone = sg;
	res->expected = (uint64_t)t->procs * t->iters;
	res->status = st;
	snprintf(res->detail, sizeof res->detail, "%s", why);
	int rc = emit(ectx, k, res, e);
	if (rc == 0)
		(*given)++;
	return rc;
}

/* Threads, asked to stop between trials: wait a little for them to leave.
   1 when they all did, 0 when some are still incrementing (stranded). */
static int stop_threads(struct crew *c, struct block_hdr *b, unsigned procs)
{
	atomic_store(&b->stop, 1);
	futex_wake(&b->go, INT_MAX);
	for (int i = 0; i < 100; i++) {
		if (atomic_load(&b->exited) == procs) {
			crew_join(c);
			return 1;
		}
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
	}
	c->stranded = 1;
	return 0;
}

int block_run(struct block_ctx *x, const struct trial_spec *t, unsigned count, block_emit emit,
	      void *ectx, struct trial_result *res, unsigned *given, struct rl_err *e)
{
	*given = 0;
	if (x->stranded)
		return rl_fail(e, RL_EWORKER, "threads of an earlier block still run");
	if (count > block_max_trials(t->procs))
		count = block_max_trials(t->procs);
	struct region_map *m = &x->map;
	int rc = region_create(m, t->region, t->procs, t->s->private_data, count, t->guard, e);
	if (rc != 0)
		return rc;
	struct region *r = m->r;
	if (t->s->init) {
		int err = t->s->init(region_strategy_sync(r));
		if (err != 0) {
			region_destroy(m);
			return rl_fail(e, RL_ESYS, "%s: init: %s", t->s->name, strerror(err));
		}
	}
	struct block_hdr *b = region_block(r);
	b->count = count;
	b->procs = t->procs;
	b->cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	{
		cpu_set_t set;
		if (sched_getaffinity(0, sizeof set, &set) == 0)
			b->cpus = (uint32_t)CPU_COUNT(&set);
	}
	res->shm_visible = res->shm_gone = -1;
	struct crew *c = &x->crew;
	crew_reset(c, t->workers == WORKERS_THREADS);
	rc = crew_start(c, t->procs, m, block_worker, t, e);
	if (rc != 0 && c->threads) {
		stop_threads(c, b, c->n);
		crew_join(c);
	}
	/* the name goes once every worker has attached (named regions) */
	uint64_t deadline = now_ns() + t->timeout_ns;
	int failed = 0;       /* 1: a worker died, 2: the watchdog */
	int sig = 0;
	while (rc == 0 && m->kind != REGION_ANON) {
		uint32_t ready = atomic_load(&r->sync.ready);
		if (ready == t->procs)
			break;
		int s = crew_wait_signal(t->wait_set, 0);
		if (s == SIGCHLD) {
			crew_reap(c);
			if (c->failed) {
				failed = 1;
				break;
			}
		} else if (s > 0) {
			sig = s;
			break;
		}
		if (now_ns() >= deadline) {
			failed = 2;
			break;
		}
		futex_wait(&r->sync.ready, ready, READY_POLL_NS);
	}
	if (rc == 0 && !failed && !sig && m->kind != REGION_ANON) {
		if (m->kind == REGION_SHM)
			res->shm_visible = trial_shm_present(m);
		rc = region_seal(m, e);
		if (m->kind == REGION_SHM)
			res->shm_gone = !trial_shm_present(m);
		if (rc == 0)
			release(r, b, 0);
	}
	/* the block runs: sleep until it ends, a worker dies, a signal comes,
	   or no trial ends within the watchdog's time */
	uint32_t seen_done = 0;
	uint64_t progress = now_ns();
	while (rc == 0 && !failed && !sig) {
		if (!c->threads) {
			crew_reap(c);
			if (c->failed) {
				failed = 1;
				break;
			}
			if (c->alive == 0)
				break;
		} else if (atomic_load(&b->exited) == t->procs) {
			crew_join(c);
			break;
		}
		uint32_t d = atomic_load(&b->done);
		uint64_t now = now_ns();
		if (d != seen_done) {
			seen_done = d;
			progress = now;
		}
		if (now - progress >= t->timeout_ns) {
			failed = 2;
			break;
		}
		int s = crew_wait_signal(t->wait_set, progress + t->timeout_ns - now);
		if (s > 0 && s != SIGCHLD)
			sig = s;
	}
	if (!sig && failed == 1) /* a death a user's signal caused is the signal's */
		sig = crew_pending_signal(t->wait_set);
	unsigned done = atomic_load(&b->done);
	if (rc == 0 && (failed || sig)) {
		if (c->threads)
			stop_threads(c, b, t->procs);
		else
			crew_kill(c); /* at once: another may wait for a lock the dead one held */
	}
	if (c->stranded) {
		struct rl_err ignore;
		region_seal(m, &ignore);
		x->stranded = 1;
	}
	/* the trials that finished, and the one that did not */
	struct strategy_args pa = {.sync = region_strategy_sync(r), .data = m->data, .worker = t->procs,
				   .procs = t->procs, .iters = t->iters};
	uint64_t view = t->s->read(&pa); /* private: the parent's own copy, still 0 */
	if (rc == 0)
		rc = give(t, m, c, done, view, emit, ectx, res, given, e);
	if (rc == 0 && !sig && failed && done < count)
		rc = give_failed(res, failed == 1 ? TRIAL_CRASHED : TRIAL_TIMEOUT,
				 failed == 1 ? "a worker died during the trial"
				 : c->threads && x->stranded ? "trial ran past the watchdog; threads cannot be stopped"
				 : "trial ran past the watchdog", t, done, emit, ectx, given, e);
	if (rc == 0 && sig) {
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, sig);
		struct timespec zero = {0, 0};
		sigtimedwait(&one, NULL, &zero);
		e->signo = sig;
		const char *ab = sigabbrev_np(sig);
		rc = ab ? rl_fail(e, RL_EINTR, "interrupted by SIG%s", ab)
			: rl_fail(e, RL_EINTR, "interrupted by signal %d (SIGRTMIN+%d)", sig, sig - SIGRTMIN);
	}
	if (rc == 0 && x->stranded)
		rc = rl_fail(e, RL_EWORKER, "threads ran past the watchdog and cannot be stopped; the sweep ends here");
	if (!x->stranded) {
		if (t->s->fini)
			t->s->fini(region_strategy_sync(r));
		region_destroy(m);
	}
	return rc;
}
