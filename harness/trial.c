/* trial.c - the harness proper: processes, region, start barrier, clock.
 *
 * The parent never increments. It forks `procs` workers (or starts threads);
 * each attaches to the region, takes its CPU if pinned, says it is ready and
 * (with --start barrier) blocks on a futex until the gate opens with one
 * FUTEX_WAKE for all: the last worker to arrive opens it in an anonymous
 * region, the parent does with a named segment, once it has removed the
 * name. Blocking rather than spinning keeps procs >
 * cores working; --start spin busy-waits for the closest start. Each worker
 * timestamps its own start and end with CLOCK_MONOTONIC, which all processes
 * share.
 *
 * The parent keeps SIGCHLD and every signal whose default is to end the
 * process blocked and waits for them with sigtimedwait(): no signal handler,
 * no global flag, and the trial's watchdog is the wait's timeout. Workers
 * inherit that mask and keep it, so a Ctrl-C to the process group reaches
 * the parent alone, which kills the workers and writes no row for the trial
 * it cut short. When one worker dies, the trial is over: the others are
 * killed at once (one of them may wait for a lock the dead one held) and
 * the row says crashed. Threads cannot be killed, so a fault there strands
 * them: nothing they can touch is freed, and the process ends. */
#define _GNU_SOURCE
#include "trial.h"
#include "nocopy.h"

#include "crew.h"

#define READY_POLL_NS 20000000ull /* how often a parent waiting for workers looks at signals */

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <linux/futex.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *trial_status_name(enum trial_status s)
{
	return s == TRIAL_OK ? "ok" : s == TRIAL_CRASHED ? "crashed" : "timeout";
}

const char *strategy_check_name(enum strategy_check c)
{
	return c == CHECK_EXACT ? "exact" : c == CHECK_AT_MOST ? "at_most" : "untouched";
}

double trial_overlap(const uint64_t *start, const uint64_t *end, unsigned n)
{
	if (n < 2)
		return 0.0; /* a lone worker overlaps nobody */
	uint64_t first_start = start[0], last_start = start[0];
	uint64_t first_end = end[0], last_end = end[0];
	for (unsigned i = 1; i < n; i++) {
		if (start[i] < first_start) first_start = start[i];
		if (start[i] > last_start) last_start = start[i];
		if (end[i] < first_end) first_end = end[i];
		if (end[i] > last_end) last_end = end[i];
	}
	if (last_end <= first_start || first_end <= last_start)
		return 0.0;
	return (double)(first_end - last_start) / (double)(last_end - first_start);
}

struct edge {
	uint64_t t;
	int d; /* +1 start, -1 end */
};

static int edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->d - y->d; /* ends first: touching intervals do not overlap */
}

double trial_overlap_pair(const uint64_t *start, const uint64_t *end, unsigned n)
{
	if (n < 2)
		return 0.0;
	/* a few workers: the edges on this frame's page; many: on the heap */
	struct edge small[2 * 32], *ev = n <= 32 ? small : malloc(2 * n * sizeof *ev);
	if (!ev)
		return 0.0;
	for (unsigned i = 0; i < n; i++) {
		ev[2 * i] = (struct edge){start[i], +1};
		ev[2 * i + 1] = (struct edge){end[i], -1};
	}
	qsort(ev, 2 * n, sizeof *ev, edge_cmp);
	uint64_t both = 0;
	int active = 0;
	for (unsigned i = 0; i < 2 * n; i++) {
		if (active >= 2)
			both += ev[i].t - ev[i - 1].t;
		active += ev[i].d;
	}
	uint64_t span = ev[2 * n - 1].t - ev[0].t;
	if (ev != small)
		free(ev);
	return span ? (double)both / (double)span : 0.0;
}

/* Open the gate; wake the workers only if one sleeps on it (a worker says
   so before it looks at the gate, so none can be missed). */
__attribute__((hot)) static void open_gate(struct region *r)
{
	atomic_store(&r->sync.go, 1);
	if (atomic_load(&r->sync.waiting))
		futex_wake(&r->sync.go, INT_MAX);
}

/* In an anonymous region there is no name to remove once every worker has
 * attached, so the parent need not hear when they have: the last worker to
 * arrive opens the gate itself, as a pthread barrier does, and records the
 * release. That saves the parent a sleep and a wake-up per trial. */
static int last_opens(const struct trial_spec *t, const struct region_map *m)
{
	return m->kind == REGION_ANON && t->start != START_FORK;
}

/* What every worker does, process or thread: take its CPU, say it is ready,
 * wait for the release, increment between two timestamps, report. */
__attribute__((hot)) static void worker_body(const void *arg, const struct region_map *m, unsigned w)
{
	const struct trial_spec *t = arg;
	struct region *r = m->r;
	struct worker_slot *slot = region_slot(r, w);
	if (t->pin != PIN_NONE) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(t->pin_cpu[w], &set);
		sched_setaffinity(0, sizeof set, &set); /* 0: this thread */
	}
	struct strategy_args a = {
		.sync = region_strategy_sync(r), .data = m->data,
		.worker = w, .procs = t->procs, .iters = t->iters,
	};

	if (t->trace) {
		/* a forked worker faults on each page of the shared samples it
		   first writes (fork copies no page table of a shared mapping):
		   take those faults now, before the release, not between pieces */
		volatile char *p = (volatile char *)(t->trace_buf + (size_t)w * TRACE_SAMPLES);
		for (size_t off = 0; off < TRACE_SAMPLES * sizeof(struct trace_sample); off += 4096)
			p[off] = 0;
	}
	uint32_t arrived = atomic_fetch_add(&r->sync.ready, 1) + 1;
	if (!last_opens(t, m)) {
		futex_wake(&r->sync.ready, 1); /* the parent waits for all */
	} else if (arrived == t->procs) {
		r->sync.release_ns = now_ns();
		open_gate(r);
	}
	if (t->start == START_BARRIER && atomic_load(&r->sync.go) == 0) {
		atomic_fetch_add(&r->sync.waiting, 1);
		while (atomic_load(&r->sync.go) == 0)
			futex_wait(&r->sync.go, 0, 0);
	}
	else if (t->start == START_SPIN)
		while (atomic_load_explicit(&r->sync.go, memory_order_acquire) == 0)
			cpu_relax();

	int cpu = crew_cpu();
	uint64_t t0, t1;
	if (!t->trace) {
		t0 = now_ns();
		t->s->increment(&a);
		t1 = now_ns();
	} else {
		/* the same loop cut into pieces, one for each sample kept (`trace`
		   increments, or every stride-th boundary of them past
		   TRACE_SAMPLES - 1): between two pieces, a tick and the counter as
		   this worker sees it; the ticks go on the trial's clock after t1 */
		struct trace_sample *ts = t->trace_buf + (size_t)w * TRACE_SAMPLES;
		uint64_t iters = t->iters, done = 0, piece = t->trace * t->trace_stride;
		enum tick_clock k = t->trace_clock;
		uint32_t n = 0;
		t0 = now_ns();
		uint64_t tick0 = tick_now(k);
		ts[n++] = (struct trace_sample){tick0, 0, t->s->read(&a)};
		while (done < iters) {
			a.iters = iters - done < piece ? iters - done : piece;
			t->s->increment(&a);
			done += a.iters;
			if (n < TRACE_SAMPLES)
				ts[n++] = (struct trace_sample){tick_now(k), done, t->s->read(&a)};
		}
		a.iters = iters;
		uint64_t tick1 = tick_now(k);
		t1 = now_ns();
		if (k != TICK_MONOTONIC)
			for (uint32_t i = 0; i < n; i++)
				ts[i].t_ns = tick_to_ns(ts[i].t_ns, tick0, t0, tick1, t1);
		slot->trace_n = n;
	}

	slot->start_ns = t0;
	slot->end_ns = t1;
	slot->cpu = cpu;
	slot->seen = t->s->read(&a);
	atomic_thread_fence(memory_order_release);
	slot->done = 1;
	/* only the parent of threads waits on this word; processes are reaped */
	atomic_fetch_add(&r->sync.done, 1);
	if (t->workers == WORKERS_THREADS)
		futex_wake(&r->sync.done, 1);
}

struct trial_ctx {
	struct crew crew;
	struct trace_sample *trace_map; /* --trace: shared with the workers */
	size_t trace_bytes;
	struct region_map map;
	int kept;          /* map is an anonymous region kept from the last trial */
	unsigned kept_procs;
	int kept_private;
	int stranded;      /* threads still use crew and map: never free them */
};

int trial_pending_signal(const sigset_t *wait_set)
{
	return crew_pending_signal(wait_set);
}

struct trial_ctx *trial_ctx_new(struct nocopy *nc)
{
	/* zeroed: no crew, no trace mapping, no region kept (see nocopy.h) */
	return nocopy_calloc(nc, sizeof(struct trial_ctx));
}

int trial_ctx_stranded(const struct trial_ctx *x)
{
	return x && x->stranded;
}

void trial_ctx_free(struct nocopy *nc, struct trial_ctx *x)
{
	if (x && !x->stranded) {
		if (x->trace_map)
			munmap(x->trace_map, x->trace_bytes);
		if (x->kept)
			region_destroy(&x->map);
		nocopy_free(nc, x, sizeof *x);
	}
}

/* An anonymous region is kept from trial to trial of the same shape and
   cleared instead of made anew: no mmap, munmap or page faults per trial,
   and nothing a worker can tell apart. A named one is made every trial,
   so that every trial opens a fresh segment by name. */
static int region_for(struct trial_ctx *x, const struct trial_spec *t, struct rl_err *e)
{
	struct region_map *m = &x->map;
	if (x->kept && t->region == REGION_ANON && x->kept_procs == t->procs &&
	    x->kept_private == t->s->private_data) {
		struct region *r = m->r;
		memset(&r->sync, 0, sizeof r->sync);
		memset(region_slot(r, 0), 0, t->procs * sizeof(struct worker_slot));
		if (!t->s->private_data)
			memset(m->data, 0, m->data_size); /* shared: no copy-on-write */
		return 0;
	}
	if (x->kept) {
		region_destroy(m);
		x->kept = 0;
	}
	int rc = region_create(m, t->region, t->procs, t->s->private_data, 0, t->guard, e);
	if (rc == 0 && t->region == REGION_ANON) {
		x->kept = 1;
		x->kept_procs = t->procs;
		x->kept_private = t->s->private_data;
	}
	return rc;
}

/* A worker died. If a terminating signal is waiting for the parent, the
   death is its doing (or its cause): the trial was cut short, not crashed. */
static int worker_died(const struct trial_spec *t, struct crew *c, struct trial_result *res,
		       const char *when, struct rl_err *e)
{
	int sig = crew_pending_signal(t->wait_set);
	if (sig) {
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, sig);
		struct timespec zero = {0, 0};
		sigtimedwait(&one, NULL, &zero);
		return crew_interrupted(c, sig, e);
	}
	unsigned failed = c->failed;
	crew_kill(c); /* at once: another may wait for a lock the dead one held */
	res->status = TRIAL_CRASHED;
	snprintf(res->detail, sizeof res->detail, "%u of %u workers died %s", failed, t->procs, when);
	return 0;
}

int trial_shm_present(const struct region_map *m)
{
	char path[96];
	struct stat st;
	snprintf(path, sizeof path, "/dev/shm%s", m->name);
	return stat(path, &st) == 0;
}

/* Threads: wait until all are done. Returns 0, a signal number, or -1 on the
   deadline. */
static int wait_threads(const struct trial_spec *t, struct region *r, struct crew *c,
			uint64_t deadline)
{
	for (;;) {
		uint32_t done = atomic_load(&r->sync.done);
		if (done == c->n) {
			crew_join(c);
			return 0;
		}
		int sig = crew_wait_signal(t->wait_set, 0);
		if (sig > 0 && sig != SIGCHLD)
			return sig;
		uint64_t now = now_ns();
		if (now >= deadline)
			return -1;
		uint64_t left = deadline - now;
		futex_wait(&r->sync.done, done, left < READY_POLL_NS ? left : READY_POLL_NS);
	}
}

/* Start the workers and run the trial; on return every process is reaped
   (threads that cannot be stopped are marked stranded). */
static int run_crew(const struct trial_spec *t, struct region_map *m, struct crew *c,
		    struct trial_result *res, struct rl_err *e)
{
	struct region *r = m->r;
	uint64_t t_fork = now_ns(), deadline = t_fork + t->timeout_ns;
	int rc = crew_start(c, t->procs, m, worker_body, t, e);
	if (rc != 0) {
		if (c->threads) { /* the ones started run to their end, then we give up */
			open_gate(m->r);
			crew_join(c);
		}
		return rc;
	}

	/* every worker attached (and, with a barrier, waiting): only a named or
	   System V segment needs the parent to know, to remove its name */
	for (; m->kind != REGION_ANON;) {
		uint32_t ready = atomic_load(&r->sync.ready);
		if (ready == t->procs)
			break;
		int sig = crew_wait_signal(t->wait_set, 0);
		if (sig == SIGCHLD) {
			crew_reap(c);
			if (c->failed > 0)
				return worker_died(t, c, res, "before they all started", e);
		} else if (sig > 0) {
			return crew_interrupted(c, sig, e);
		}
		uint64_t now = now_ns();
		if (now >= deadline) {
			crew_kill(c);
			res->status = TRIAL_TIMEOUT;
			snprintf(res->detail, sizeof res->detail, "workers did not attach in time");
			return 0;
		}
		uint64_t left = deadline - now;
		futex_wait(&r->sync.ready, ready, left < READY_POLL_NS ? left : READY_POLL_NS);
	}

	/* all attached: the name can go, so that even SIGKILL leaves nothing behind */
	if (m->kind == REGION_SHM)
		res->shm_visible = trial_shm_present(m);
	rc = region_seal(m, e);
	if (rc != 0) {
		open_gate(r);
		crew_kill(c);
		return rc;
	}
	if (m->kind == REGION_SHM)
		res->shm_gone = !trial_shm_present(m);

	uint64_t release = t_fork;
	if (t->start != START_FORK && !last_opens(t, m)) {
		release = now_ns();
		open_gate(r);
	}

	if (c->threads) {
		int sig = wait_threads(t, r, c, deadline);
		if (sig > 0)
			return crew_interrupted(c, sig, e);
		if (sig < 0) {
			crew_kill(c);
			res->status = TRIAL_TIMEOUT;
			snprintf(res->detail, sizeof res->detail,
				 "trial ran past the %.0f s watchdog; threads cannot be stopped",
				 (double)t->timeout_ns / 1e9);
			return 0;
		}
	}
	/* processes: sleep until SIGCHLD (every SIGCHLD taken is followed by a
	   reap, so none is lost), a signal, or the watchdog */
	while (!c->threads && c->alive > 0) {
		uint64_t now = now_ns();
		int sig = now < deadline ? crew_wait_signal(t->wait_set, deadline - now) : 0;
		if (sig > 0 && sig != SIGCHLD)
			return crew_interrupted(c, sig, e);
		crew_reap(c);
		if (c->failed > 0)
			return worker_died(t, c, res, atomic_load(&r->sync.go) ? "during the trial"
					   : "before the release", e);
		if (sig == 0 && c->alive > 0) {
			crew_kill(c);
			res->status = TRIAL_TIMEOUT;
			snprintf(res->detail, sizeof res->detail, "trial ran past the %.0f s watchdog",
				 (double)t->timeout_ns / 1e9);
			return 0;
		}
	}
	if (last_opens(t, m))
		release = r->sync.release_ns;
	for (unsigned w = 0; w < t->procs; w++) {
		struct worker_slot *s = region_slot(r, w);
		c->start[w] = s->start_ns;
		c->end[w] = s->end_ns;
		res->cpu[w] = s->cpu;
	}
	trial_times(res, c->start, c->end, t->procs, release);
	return 0;
}

void trial_times(struct trial_result *res, const uint64_t *start, const uint64_t *end, unsigned n,
		 uint64_t release)
{
	uint64_t last_end = release, first_start = UINT64_MAX, last_start = 0;
	for (unsigned w = 0; w < n; w++) {
		if (end[w] > last_end)
			last_end = end[w];
		if (start[w] < first_start)
			first_start = start[w];
		if (start[w] > last_start)
			last_start = start[w];
	}
	res->elapsed_ns = last_end - release;
	res->skew_ns = n ? last_start - first_start : 0;
	res->overlap = trial_overlap(start, end, n);
	res->overlap_pair = trial_overlap_pair(start, end, n);
}

void trial_judge(const struct trial_spec *t, const uint64_t *seen, struct trial_result *res)
{
	uint64_t exp = res->expected, fin = res->final;
	switch (t->s->check) {
	case CHECK_EXACT:
		if (fin != exp) {
			res->violation = 1;
			snprintf(res->detail, sizeof res->detail, "final %llu != expected %llu",
				 (unsigned long long)fin, (unsigned long long)exp);
		}
		break;
	case CHECK_AT_MOST:
		if (fin > exp) {
			res->violation = 1;
			snprintf(res->detail, sizeof res->detail, "final %llu > expected %llu",
				 (unsigned long long)fin, (unsigned long long)exp);
		}
		break;
	case CHECK_UNTOUCHED:
		if (fin != 0) {
			res->violation = 1;
			snprintf(res->detail, sizeof res->detail,
				 "the parent's private copy changed to %llu", (unsigned long long)fin);
		}
		for (unsigned w = 0; w < t->procs && !res->violation; w++) {
			if (seen[w] != t->iters) {
				res->violation = 1;
				snprintf(res->detail, sizeof res->detail,
					 "worker %u saw %llu in its own copy, not %llu", w,
					 (unsigned long long)seen[w], (unsigned long long)t->iters);
			}
		}
		break;
	}
}

int trial_run(struct trial_ctx *x, const struct trial_spec *t, struct trial_result *res,
	      struct rl_err *e)
{
	/* every field but the per-worker CPUs, which are written before they are
	   read: after each fork every page the parent writes faults once more */
	memset(res, 0, offsetof(struct trial_result, cpu));
	res->trace = NULL;
	res->expected = (uint64_t)t->procs * t->iters;
	res->shm_visible = res->shm_gone = -1;
	if (x->stranded)
		return rl_fail(e, RL_EWORKER, "threads of an earlier trial still run");

	struct region_map *m = &x->map;
	int rc = region_for(x, t, e);
	if (rc != 0)
		return rc;
	if (t->s->init) {
		int err = t->s->init(region_strategy_sync(m->r));
		if (err != 0) {
			region_destroy(m);
			x->kept = 0;
			return rl_fail(e, RL_ESYS, "%s: init: %s", t->s->name, strerror(err));
		}
	}

	struct trial_spec traced;
	if (t->trace) {
		/* the samples go to a mapping shared with every worker, made once
		   for the most workers seen */
		size_t bytes = (size_t)t->procs * TRACE_SAMPLES * sizeof(struct trace_sample);
		if (bytes > x->trace_bytes) {
			if (x->trace_map)
				munmap(x->trace_map, x->trace_bytes);
			x->trace_map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
			if (x->trace_map == MAP_FAILED) {
				x->trace_map = NULL;
				x->trace_bytes = 0;
				return rl_fail(e, RL_ESYS, "mmap the trace: %s", strerror(errno));
			}
			x->trace_bytes = bytes;
		}
		traced = *t;
		uint64_t chunks = (t->iters + t->trace - 1) / t->trace;
		traced.trace_stride = (chunks + TRACE_SAMPLES - 2) / (TRACE_SAMPLES - 1);
		if (traced.trace_stride == 0)
			traced.trace_stride = 1;
		traced.trace_buf = x->trace_map;
		t = &traced;
	}
	struct crew *cp = &x->crew;
	cp->n = cp->alive = cp->failed = 0;
	cp->stranded = 0;
	cp->threads = t->workers == WORKERS_THREADS;
	rc = run_crew(t, m, cp, res, e);
	if (cp->stranded) {
		/* threads still run on the region and read their arguments in
		   the crew: unlink the name (no leak), keep the memory */
		struct rl_err ignore;
		region_seal(m, &ignore);
		x->stranded = 1;
		x->kept = 0;
		return rc != 0 ? rc
			: rl_fail(e, RL_EWORKER, "%s; the sweep ends here", res->detail);
	}
	if (rc == 0) {
		struct strategy_args a = {
			.sync = region_strategy_sync(m->r), .data = m->data,
			.worker = t->procs, .procs = t->procs, .iters = t->iters,
		};
		res->final = t->s->read(&a);
		res->lost = (int64_t)(res->expected - res->final);
		if (res->status == TRIAL_OK) {
			uint64_t *seen = cp->start; /* done with the timestamps: reuse */
			for (unsigned w = 0; w < t->procs; w++)
				seen[w] = region_slot(m->r, w)->seen;
			trial_judge(t, seen, res);
			if (t->trace) {
				res->trace = x->trace_map;
				for (unsigned w = 0; w < t->procs; w++) {
					uint32_t n = region_slot(m->r, w)->trace_n;
					res->trace_n[w] = n > TRACE_SAMPLES ? TRACE_SAMPLES : n;
				}
			}
		}
	}
	if (t->s->fini)
		t->s->fini(region_strategy_sync(m->r));
	if (!x->kept)
		region_destroy(m);
	return rc;
}
