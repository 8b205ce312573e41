/* sweep.c - the run: outputs, guardian, plan, and the loop over its blocks. */
#define _GNU_SOURCE
#include "sweep.h"
#include "nocopy.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "block.h"
#include "guard.h"
#include "meta.h"
#include "place.h"
#include "plan.h"
#include "progress.h"
#include "live.h"
#include "sink_trace.h"
#include "sink_csv.h"
#include "trial.h"

void sweep_signals(sigset_t *wait_set)
{
	/* every signal whose default action ends the process, and that is
	   not a fault of the process itself (SEGV, BUS, ILL, FPE, SYS, TRAP) */
	static const int fatal[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM,
		SIGPROF, SIGIO, SIGPWR, SIGSTKFLT, SIGXCPU,
	};
	sigemptyset(wait_set);
	sigaddset(wait_set, SIGCHLD);
	for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
		sigaddset(wait_set, fatal[i]);
	for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
		sigaddset(wait_set, s);
	sigprocmask(SIG_BLOCK, wait_set, NULL);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, not death */
	signal(SIGXFSZ, SIG_IGN); /* likewise a file past its size limit */
}

struct sweep {
	struct plan plan;
	const sigset_t *wait_set;
	struct guard guard;
	struct csv_sink csv;
	struct progress progress;
	struct live live;
	struct trace_sink trace;
	struct sink sinks[4];
	unsigned n_sinks;
	struct placement pl;
	enum tick_clock trace_clock;
	int pin_cpu[MAX_PROCS];
	struct trial_ctx *ctx;
	struct block_ctx *bctx;
	struct trial_result *res;
	uint64_t t0;
	int budget_hit;
	uint64_t rng;
	char run_id[128];
	char host[128];
	unsigned long bad;
};

static int feed(struct sweep *sw, const struct row *row, struct rl_err *e)
{
	int rc = 0;
	for (unsigned i = 0; i < sw->n_sinks && rc == 0; i++)
		if (sw->sinks[i].row)
			rc = sw->sinks[i].row(sw->sinks[i].self, row, e);
	return rc;
}

static int between(struct sweep *sw, const struct plan_step *next, struct rl_err *e)
{
	for (unsigned i = 0; i < sw->n_sinks; i++)
		if (sw->sinks[i].between) {
			int rc = sw->sinks[i].between(sw->sinks[i].self, &sw->plan, next, e);
			if (rc != SINK_GO)
				return rc;
		}
	return SINK_GO;
}

static int pending(const sigset_t *wait_set, struct rl_err *e)
{
	struct timespec zero = {0, 0};
	int sig;
	while ((sig = sigtimedwait(wait_set, NULL, &zero)) > 0)
		if (sig != SIGCHLD) {
			e->signo = sig;
			const char *abbrev = sigabbrev_np(sig);
			if (abbrev)
				return rl_fail(e, RL_EINTR, "interrupted by SIG%s", abbrev);
			return rl_fail(e, RL_EINTR, "interrupted by signal %d (SIGRTMIN+%d)", sig,
				       sig - SIGRTMIN);
		}
	return 0;
}

/* What every trial of a cell is given, whichever the launch. */
static struct trial_spec spec_of(struct sweep *sw, const struct plan_cell *c)
{
	return (struct trial_spec){
		.s = c->spec.strategy, .procs = c->spec.procs, .iters = c->spec.iters,
		.workers = c->spec.workers, .pin = c->spec.pin, .start = c->spec.start,
		.region = c->spec.region, .pin_cpu = sw->pin_cpu,
		.timeout_ns = sw->plan.parts[c->part].timeout_ns, .wait_set = sw->wait_set,
		.guard = &sw->guard, .trace = c->spec.trace, .trace_clock = sw->trace_clock,
	};
}

/* A finished trial: counted for --until, a bad one remembered, fed to the sinks. */
static int record(struct sweep *sw, unsigned cell, uint64_t trial, uint64_t seq,
		  const struct trial_result *r, struct rl_err *e)
{
	struct row row = {.run_id = sw->run_id, .host = sw->host, .plan = &sw->plan,
			  .cell = &sw->plan.cells[cell], .trial = trial, .seq = seq, .r = r};
	plan_record(&sw->plan, cell, r->status == TRIAL_OK, r->lost > 0 ? (uint64_t)r->lost : 0,
		    r->expected);
	if (r->violation || r->status != TRIAL_OK)
		sw->bad++;
	return feed(sw, &row, e);
}

/* Run `count` trials of a cell from trial `first`, one fork each. */
static int run_trials(struct sweep *sw, unsigned cell, uint64_t first, uint64_t count,
		      struct rl_err *e)
{
	struct plan_cell *c = &sw->plan.cells[cell];
	struct trial_spec t = spec_of(sw, c);
	uint64_t seq0 = sw->plan.seq - (c->next - first); /* the block's first place in the sweep */
	for (uint64_t n = first; n < first + count; n++) {
		/* a signal is taken by the trial's own wait: no look before it */
		if (t.pin != PIN_NONE)
			place_workers(&sw->pl, t.pin, t.procs, &sw->rng, sw->pin_cpu);
		int rc = trial_run(sw->ctx, &t, sw->res, e);
		if (rc != 0 && rc != RL_EWORKER)
			return rc;
		int wrc = record(sw, cell, n, seq0 + (n - first) + 1, sw->res, e);
		if (wrc != 0)
			return wrc;
		if (rc != 0)
			return rc; /* threads past the watchdog: the row is written, the sweep ends */
	}
	return 0;
}

struct emit_ctx {
	struct sweep *sw;
	unsigned cell;
	uint64_t first;     /* the trial number of the block's first */
	uint64_t seq0;      /* its place in the sweep, 0-based */
};

/* a trial of a persistent block, given once the block's workers are gone */
static int emit_row(void *ctx, unsigned k, const struct trial_result *r, struct rl_err *e)
{
	const struct emit_ctx *ec = ctx;
	return record(ec->sw, ec->cell, ec->first + k, ec->seq0 + k + 1, r, e);
}

/* Run `count` trials of a cell from trial `first` with persistent workers,
   a block at a time (a failed trial ends a block; the next starts fresh). */
static int run_blocks(struct sweep *sw, unsigned cell, uint64_t first, uint64_t count,
		      struct rl_err *e)
{
	struct plan_cell *c = &sw->plan.cells[cell];
	struct trial_spec t = spec_of(sw, c); /* trace is off: traced sweeps skip persistent cells */
	uint64_t seq0 = sw->plan.seq - (c->next - first);
	while (count > 0) {
		int rc = pending(sw->wait_set, e);
		if (rc != 0)
			return rc;
		if (t.pin != PIN_NONE)
			place_workers(&sw->pl, t.pin, t.procs, &sw->rng, sw->pin_cpu);
		struct emit_ctx ec = {sw, cell, first, seq0};
		unsigned n = count > UINT32_MAX ? UINT32_MAX : (unsigned)count, given;
		rc = block_run(sw->bctx, &t, n, emit_row, &ec, sw->res, &given, e);
		first += given;
		seq0 += given;
		count -= given;
		if (rc != 0)
			return rc;
		if (given == 0)
			return rl_fail(e, RL_ESYS, "a block of %s ran no trial", t.s->name);
	}
	return 0;
}

/* The loop: the plan's blocks in order; rows already in a resumed CSV are
   checked against the plan and skipped. */
static int sweep_loop(struct sweep *sw, struct rl_err *e)
{
	struct plan_step step;
	int replaying = sw->csv.resuming;
	while (plan_next(&sw->plan, &step)) {
		struct plan_cell *c = &sw->plan.cells[step.cell];
		uint64_t first = step.first, left = step.count;
		while (replaying && left > 0) {
			struct done_row d;
			int rc = csv_sink_replay(&sw->csv, &d, e);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				replaying = 0;
				break;
			}
			char want[512];
			csv_cell_key(want, sizeof want, &sw->plan, c, first);
			if (strcmp(want, d.key) != 0)
				return rl_fail(e, RL_EINPUT,
					       "%s:%lu: the row is %s where this sweep has %s; will not resume",
					       sw->csv.shown, sw->csv.rline, d.key, want);
			plan_record(&sw->plan, step.cell, d.ok, d.lost, d.expected);
			first++;
			left--;
		}
		if (left == 0) {
			plan_block_end(&sw->plan, step.cell);
			continue;
		}
		if (sw->plan.time_budget_s && now_ns() - sw->t0 >= sw->plan.time_budget_s * 1000000000ull) {
			sw->budget_hit = 1; /* stop starting blocks; the sweep stays resumable */
			return 0;
		}
		int rc = between(sw, &step, e);
		if (rc == SINK_STOP) {
			e->signo = SIGINT;
			return rl_fail(e, RL_EINTR, "stopped from the keyboard");
		}
		if (rc != 0)
			return rc;
		rc = c->spec.launch == LAUNCH_PERSISTENT ? run_blocks(sw, step.cell, first, left, e)
			: run_trials(sw, step.cell, first, left, e);
		if (rc != 0)
			return rc;
		plan_block_end(&sw->plan, step.cell);
	}
	if (replaying) {
		struct done_row d;
		int rc = csv_sink_replay(&sw->csv, &d, e);
		if (rc < 0)
			return rc;
		if (rc > 0)
			return rl_fail(e, RL_EINPUT, "%s:%lu: holds more rows than this sweep runs; will not resume",
				       sw->csv.shown, sw->csv.rline);
	}
	return 0;
}

static int plan_needs_topology(const struct plan *p)
{
	for (unsigned i = 0; i < p->n_cells; i++)
		if (pin_is_topology(p->cells[i].spec.pin))
			return 1;
	return 0;
}

/* Refuse a placement the machine cannot give, before anything runs; the
   warnings (workers sharing CPUs) and the topology go into .meta. */
static int check_placement(const struct plan *p, const struct placement *pl, int running,
			   char **extra, int quiet, struct rl_err *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return rl_fail(e, RL_ESYS, "out of memory");
	char buf[600];
	snprintf(buf, sizeof buf, "%s", pl->summary);
	meta_clean(buf);
	fprintf(f, "topology=%s\n", buf);
	if (pl->have_topology) {
		snprintf(buf, sizeof buf, "%s", pl->synthetic);
		meta_clean(buf);
		fprintf(f, "topology_synthetic=%s\n", buf);
	}
	int rc = 0;
	char seen[8][256];
	unsigned nseen = 0;
	for (unsigned i = 0; i < p->n_cells && rc == 0; i++) {
		char warn[256];
		rc = placement_check(pl, p->cells[i].spec.pin, p->cells[i].spec.procs, running, warn,
				     sizeof warn, e);
		if (rc == 0 && warn[0]) {
			unsigned k;
			for (k = 0; k < nseen && strcmp(seen[k], warn) != 0; k++)
				;
			if (k == nseen && nseen < 8) {
				snprintf(seen[nseen++], sizeof seen[0], "%s", warn);
				fprintf(f, "warning=%s\n", warn);
				if (!quiet)
					fprintf(stderr, "race: warning: %s\n", warn);
			}
		}
	}
	fclose(f);
	if (rc != 0) {
		free(text);
		return rc;
	}
	*extra = text;
	return 0;
}

static int needs_guard(const struct plan *p)
{
	for (unsigned i = 0; i < p->n_cells; i++)
		if (p->cells[i].spec.region != REGION_ANON)
			return 1;
	return 0;
}

static void make_run_id(char *buf, size_t len, const char *host)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
	size_t u = strlen(buf);
	snprintf(buf + u, len - u, "-%s-%ld", host, (long)getpid());
}

static char *fingerprint_of(const struct sweep_request *rq)
{
	size_t cap = 4096 * (rq->nparts + 1), fl = 0;
	char *fp = malloc(cap);
	if (!fp)
		return NULL;
	fp[0] = '\0';
	for (unsigned k = 0; k < rq->nparts && fl < cap; k++) {
		if (k)
			fp[fl++] = '|';
		settings_fingerprint(&rq->parts[k], fp + fl, cap - fl);
		fl += strlen(fp + fl);
	}
	return fp;
}

/* Give back the stack pages the set-up touched below where the loop runs
   (the plan, hwloc, the .meta were built deeper): every fork copies the
   page-table entries of what is resident, and the parent takes a fault on
   each page it writes after. Pages below the stack pointer hold nothing live. */
static void trim_stack(void)
{
	pthread_attr_t a;
	void *lo;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return;
	int rc = pthread_attr_getstack(&a, &lo, &size);
	pthread_attr_destroy(&a);
	if (rc != 0)
		return;
	volatile char here;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t top = ((uintptr_t)&here - 16 * 1024) & ~(page - 1); /* 16 KiB for the loop's calls (more faults back in) */
	uintptr_t bottom = ((uintptr_t)lo + page - 1) & ~(page - 1);
	if (top > bottom)
		madvise((void *)bottom, top - bottom, MADV_DONTNEED);
}

int sweep_main(const struct sweep_request *rq, const sigset_t *wait_set,
	       struct sweep_outcome *out, struct rl_err *e)
{
	struct nocopy *nc = rq->nocopy;
	struct sweep *sw = nocopy_calloc(nc, sizeof *sw); /* written between forks */
	char *fp = fingerprint_of(rq);
	memset(out, 0, sizeof *out);
	snprintf(out->output, sizeof out->output, "%s", strcmp(rq->output, "-") ? rq->output : "stdout");
	if (!sw || !fp) {
		nocopy_free(nc, sw, sizeof *sw);
		free(fp);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	if (rq->live && (strcmp(rq->output, "-") == 0 || !isatty(STDOUT_FILENO))) {
		nocopy_free(nc, sw, sizeof *sw);
		free(fp);
		return rl_fail(e, RL_EINPUT, strcmp(rq->output, "-") == 0
			       ? "--live draws on the terminal: the CSV needs a file (-o FILE)"
			       : "--live draws on a terminal, and standard output is none "
				 "(run it in a terminal, the CSV in a file)");
	}
	int traced = 0;
	for (unsigned k = 0; k < rq->nparts; k++)
		for (unsigned i = 0; i < rq->parts[k].trace.n; i++)
			traced |= rq->parts[k].trace.v[i] != 0;
	if (traced && strcmp(rq->output, "-") == 0) {
		nocopy_free(nc, sw, sizeof *sw);
		free(fp);
		return rl_fail(e, RL_EINPUT, "--trace writes beside the CSV: it needs a file (-o FILE)");
	}
	sw->wait_set = wait_set;
	sw->csv.fd = sw->csv.lockfd = -1;
	sw->csv.path.dirfd = sw->csv.meta.dirfd = -1;
	host_name(sw->host, sizeof sw->host);
	make_run_id(sw->run_id, sizeof sw->run_id, sw->host);

	struct csv_sink_opts co = {.path = rq->output, .meta_path = rq->meta_path,
				   .resume = rq->resume, .fingerprint = fp, .inputs = rq->inputs,
				   .n_inputs = rq->n_inputs};
	int rc = csv_sink_open(&sw->csv, &co, e);
	/* the seed: given, recorded by the run being resumed, or the clock's */
	uint64_t seed = rq->parts[0].seed;
	if (!seed)
		seed = sw->csv.resuming && sw->csv.recorded_seed ? sw->csv.recorded_seed : now_ns() | 1;
	sw->rng = seed;
	if (rc == 0)
		rc = plan_build(&sw->plan, rq->parts, rq->nparts, seed, nc, e);
	char *extra = NULL;
	sw->trace_clock = traced ? tick_clock_probe() : TICK_MONOTONIC;
	if (rc == 0) /* hwloc only for a topology pin mode or a .meta that records it */
		rc = placement_init(&sw->pl, plan_needs_topology(&sw->plan) || sw->csv.have_meta, e);
	if (rc == 0)
		rc = check_placement(&sw->plan, &sw->pl, 1, &extra, rq->quiet, e);
	if (rc == 0 && needs_guard(&sw->plan))
		rc = guard_start(&sw->guard, e);
	if (rc == 0) {
		size_t ml = 0, rl = 0;
		struct meta_run mr = {.cmdline = rq->cmdline, .run_id = sw->run_id, .host = sw->host,
				      .experiment_file = rq->experiment_file ? rq->experiment_file : "",
				      .fingerprint = fp, .order = order_mode_name(sw->plan.order),
				      .seed = seed, .extra = extra,
				      .trace_clock = traced ? tick_clock_name(sw->trace_clock) : NULL};
		char *mt = sw->csv.resuming || !sw->csv.have_meta ? NULL : meta_text(&mr, &ml);
		char *rt = sw->csv.resuming ? meta_resume_text(rq->cmdline, sw->run_id, sw->host, &rl) : NULL;
		if (!mt && !rt && (sw->csv.resuming || sw->csv.have_meta))
			rc = rl_fail(e, RL_ESYS, "out of memory");
		else
			rc = csv_sink_begin(&sw->csv, mt, ml, rt, rl, e);
		free(mt);
		free(rt);
	}
	free(extra);
	free(fp);
	sw->ctx = rc == 0 ? trial_ctx_new(nc) : NULL;
	sw->bctx = rc == 0 ? block_ctx_new() : NULL;
	sw->res = rc == 0 ? nocopy_calloc(nc, sizeof *sw->res) : NULL; /* written every trial */
	sw->t0 = now_ns();
	if (rc == 0 && (!sw->ctx || !sw->bctx || !sw->res))
		rc = rl_fail(e, RL_ESYS, "out of memory");
	if (rc == 0) {
		sw->sinks[sw->n_sinks++] = csv_sink_as_sink(&sw->csv);
		if (traced && !sw->csv.regular)
			rc = rl_fail(e, RL_EINPUT, "--trace writes beside the CSV: %s is no regular file",
				     sw->csv.shown);
		else if (traced && (rc = trace_sink_open(&sw->trace, rq->output, &sw->plan, sw->csv.resuming, e)) == 0)
			sw->sinks[sw->n_sinks++] = trace_sink_as_sink(&sw->trace);
	}
	if (rc == 0) {
		/* the live view replaces the progress line (which still reports bad trials
		   when there is no view) */
		progress_init(&sw->progress, &sw->plan, !rq->quiet && !rq->live && isatty(STDERR_FILENO));
		if (!rq->live)
			sw->sinks[sw->n_sinks++] = progress_as_sink(&sw->progress);
		else if ((rc = live_init(&sw->live, &sw->plan, wait_set, e)) == 0)
			sw->sinks[sw->n_sinks++] = live_as_sink(&sw->live);
	}
	if (rc == 0) {
		/* what every fork copies: give back the heap the set-up used */
		malloc_trim(0);
		trim_stack();
		rc = sweep_loop(sw, e);
	}

	int status = rc == 0 && sw->bad ? 1 : 0;
	for (unsigned i = sw->n_sinks; i-- > 0;) {
		struct rl_err ce;
		if (sw->sinks[i].close && sw->sinks[i].close(sw->sinks[i].self, status, &ce) != 0 && rc == 0) {
			*e = ce;
			rc = RL_ESYS;
		}
	}
	if (sw->n_sinks == 0)
		csv_sink_abort(&sw->csv);
	out->rows = sw->csv.rows;
	out->bad_trials = sw->bad;
	out->stranded = trial_ctx_stranded(sw->ctx) || block_ctx_stranded(sw->bctx);
	out->budget_hit = sw->budget_hit;
	guard_stop(&sw->guard);
	plan_free(&sw->plan);
	if (!out->stranded) {
		trial_ctx_free(nc, sw->ctx);
		block_ctx_free(sw->bctx);
		nocopy_free(nc, sw->res, sizeof *sw->res);
		nocopy_free(nc, sw, sizeof *sw);
	}
	return rc;
}

/* rough costs for the estimate: ns per increment by guarantee, and what
   starting a trial costs */
static double estimate_s(const struct plan_cell *c, int ncpus)
{
	double ns = c->spec.strategy->check == CHECK_EXACT ? 20.0 : 1.0;
	double par = (double)(c->spec.procs < (unsigned)ncpus ? c->spec.procs : (unsigned)ncpus);
	double work = (double)c->spec.procs * (double)c->spec.iters * ns / (par > 0 ? par : 1);
	double start = c->spec.launch == LAUNCH_PERSISTENT ? 5000.0 * c->spec.procs
						    : 150000.0 + 40000.0 * c->spec.procs;
	return (double)c->planned * (work + start) / 1e9;
}

static void fmt_secs(double s, char *buf, size_t len)
{
	if (s < 60) {
		snprintf(buf, len, "%.1f s", s);
		return;
	}
	unsigned long t = (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

int sweep_dry_run(const struct sweep_request *rq, FILE *out, struct rl_err *e)
{
	struct plan plan;
	uint64_t seed = rq->parts[0].seed ? rq->parts[0].seed : now_ns() | 1;
	int rc = plan_build(&plan, rq->parts, rq->nparts, seed, rq->nocopy, e);
	if (rc != 0)
		return rc;
	struct placement *pl = malloc(sizeof *pl);
	char *extra = NULL;
	if (!pl)
		rc = rl_fail(e, RL_ESYS, "out of memory");
	if (rc == 0)
		rc = placement_init(pl, 1, e);
	if (rc == 0)
		rc = check_placement(&plan, pl, 0, &extra, 1, e);
	if (rc != 0) {
		free(pl);
		plan_free(&plan);
		return rc;
	}
	double total = 0;
	for (unsigned i = 0; i < plan.n_cells; i++)
		total += estimate_s(&plan.cells[i], pl->allowed.n);
	char t[32];
	fmt_secs(total, t, sizeof t);
	fprintf(out, "race --dry-run: %u cells, %llu trials%s, about %s (a rough estimate)\n", plan.n_cells,
		(unsigned long long)plan_total(&plan), plan.until != UNTIL_NONE ? " at most" : "", t);
	fprintf(out, "topology: %s\n", pl->summary);
	fprintf(out, "CPUs this process may use: %d; order: %s (seed %llu)%s\n", pl->allowed.n,
		order_mode_name(plan.order), (unsigned long long)seed,
		plan.shard_n > 1 ? "; a shard of the sweep" : "");
	for (const char *w = extra ? strstr(extra, "warning=") : NULL; w; w = strstr(w + 1, "warning=")) {
		const char *nl = strchr(w, '\n');
		fprintf(out, "warning: %.*s\n", (int)(nl ? nl - w - 8 : (long)strlen(w + 8)), w + 8);
	}
	fprintf(out, "%5s  %-12s %-14s %-9s %-10s %-7s %-7s %-6s %5s %10s %7s %5s  %-20s %s\n", "cell",
		"experiment", "strategy", "workers", "launch", "pin", "start", "region", "procs", "iters",
		"trials", "block", "placement", "estimate");
	uint64_t rng = seed;
	for (unsigned i = 0; i < plan.n_cells; i++) {
		const struct plan_cell *c = &plan.cells[i];
		char where[64] = "-";
		if (c->spec.pin == PIN_RANDOM)
			snprintf(where, sizeof where, "random");
		else if (c->spec.pin != PIN_NONE) {
			int cpu[MAX_PROCS];
			place_workers(pl, c->spec.pin, c->spec.procs, &rng, cpu);
			size_t u = 0;
			for (unsigned w = 0; w < c->spec.procs && u + 8 < sizeof where; w++)
				u += (size_t)snprintf(where + u, sizeof where - u, "%s%d", w ? "," : "", cpu[w]);
			if (u + 8 >= sizeof where)
				snprintf(where + u, sizeof where - u, ",...");
		}
		char it[32];
		snprintf(it, sizeof it, "%llu", (unsigned long long)c->spec.iters);
		fmt_secs(estimate_s(c, pl->allowed.n), t, sizeof t);
		fprintf(out, "%5u  %-12.12s %-14s %-9s %-10s %-7s %-7s %-6s %5u %10s %7llu %5llu  %-20s %s\n",
			c->index + 1, plan.parts[c->part].experiment, c->spec.strategy->name,
			worker_kind_name(c->spec.workers), launch_mode_name(c->spec.launch),
			pin_mode_name(c->spec.pin), start_mode_name(c->spec.start),
			region_kind_name(c->spec.region), c->spec.procs, it, (unsigned long long)c->planned,
			(unsigned long long)(c->block < c->planned ? c->block : c->planned), where, t);
	}
	free(extra);
	free(pl);
	plan_free(&plan);
	return ferror(out) ? rl_fail(e, RL_ESYS, "stdout: write failed") : 0;
}
