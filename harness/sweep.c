/* sweep.c - the run: outputs, guardian, plan, and the loop over its blocks. */
#define _GNU_SOURCE
#include "sweep.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "meta.h"
#include "place.h"
#include "plan.h"
#include "progress.h"
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
	struct sink sinks[4];
	unsigned n_sinks;
	struct cpu_list cpus;
	struct trial_ctx *ctx;
	struct trial_result *res;
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

/* Run `count` trials of a cell from trial `first`, one fork each. */
static int run_trials(struct sweep *sw, unsigned cell, uint64_t first, uint64_t count,
		      struct rl_err *e)
{
	struct plan_cell *c = &sw->plan.cells[cell];
	int pin_cpu[MAX_PROCS];
	struct trial_spec t = {
		.s = c->spec.strategy, .procs = c->spec.procs, .iters = c->spec.iters,
		.workers = c->spec.workers, .pin = c->spec.pin, .start = c->spec.start,
		.region = c->spec.region, .pin_cpu = pin_cpu,
		.timeout_ns = sw->plan.parts[c->part].timeout_ns, .wait_set = sw->wait_set,
		.guard = &sw->guard,
	};
	uint64_t seq0 = sw->plan.seq - (c->next - first); /* the block's first place in the sweep */
	for (uint64_t n = first; n < first + count; n++) {
		int rc = pending(sw->wait_set, e);
		if (rc != 0)
			return rc;
		if (t.pin != PIN_NONE)
			place_workers(&sw->cpus, t.pin, t.procs, &sw->rng, pin_cpu);
		rc = trial_run(sw->ctx, &t, sw->res, e);
		if (rc != 0 && rc != RL_EWORKER)
			return rc;
		struct row row = {.run_id = sw->run_id, .host = sw->host, .plan = &sw->plan, .cell = c,
				  .trial = n, .seq = seq0 + (n - first) + 1, .r = sw->res};
		plan_record(&sw->plan, cell, sw->res->status == TRIAL_OK, sw->res->lost > 0
			    ? (uint64_t)sw->res->lost : 0, sw->res->expected);
		if (sw->res->violation || sw->res->status != TRIAL_OK)
			sw->bad++;
		int wrc = feed(sw, &row, e);
		if (wrc != 0)
			return wrc;
		if (rc != 0)
			return rc; /* threads past the watchdog: the row is written, the sweep ends */
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
		if (left == 0)
			continue;
		int rc = between(sw, &step, e);
		if (rc == SINK_STOP) {
			e->signo = SIGINT;
			return rl_fail(e, RL_EINTR, "stopped from the keyboard");
		}
		if (rc != 0)
			return rc;
		rc = run_trials(sw, step.cell, first, left, e);
		if (rc != 0)
			return rc;
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

int sweep_main(const struct sweep_request *rq, const sigset_t *wait_set,
	       struct sweep_outcome *out, struct rl_err *e)
{
	struct sweep *sw = calloc(1, sizeof *sw);
	char *fp = fingerprint_of(rq);
	memset(out, 0, sizeof *out);
	snprintf(out->output, sizeof out->output, "%s", strcmp(rq->output, "-") ? rq->output : "stdout");
	if (!sw || !fp) {
		free(sw);
		free(fp);
		return rl_fail(e, RL_ESYS, "out of memory");
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
		rc = plan_build(&sw->plan, rq->parts, rq->nparts, seed, e);
	if (rc == 0)
		rc = cpu_list_get(&sw->cpus, e);
	if (rc == 0 && needs_guard(&sw->plan))
		rc = guard_start(&sw->guard, e);
	if (rc == 0) {
		size_t ml = 0, rl = 0;
		struct meta_run mr = {.cmdline = rq->cmdline, .run_id = sw->run_id, .host = sw->host,
				      .experiment_file = rq->experiment_file ? rq->experiment_file : "",
				      .fingerprint = fp, .order = order_mode_name(sw->plan.order),
				      .seed = seed};
		char *mt = sw->csv.resuming ? NULL : meta_text(&mr, &ml);
		char *rt = sw->csv.resuming ? meta_resume_text(rq->cmdline, sw->run_id, sw->host, &rl) : NULL;
		if (!mt && !rt)
			rc = rl_fail(e, RL_ESYS, "out of memory");
		else
			rc = csv_sink_begin(&sw->csv, mt, ml, rt, rl, e);
		free(mt);
		free(rt);
	}
	free(fp);
	sw->ctx = rc == 0 ? trial_ctx_new() : NULL;
	sw->res = rc == 0 ? malloc(sizeof *sw->res) : NULL;
	if (rc == 0 && (!sw->ctx || !sw->res))
		rc = rl_fail(e, RL_ESYS, "out of memory");
	if (rc == 0) {
		sw->sinks[sw->n_sinks++] = csv_sink_as_sink(&sw->csv);
		progress_init(&sw->progress, &sw->plan, !rq->quiet && isatty(STDERR_FILENO));
		sw->sinks[sw->n_sinks++] = progress_as_sink(&sw->progress);
		/* what every fork copies: give back the heap the set-up used */
		malloc_trim(0);
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
	out->stranded = trial_ctx_stranded(sw->ctx);
	guard_stop(&sw->guard);
	plan_free(&sw->plan);
	if (!out->stranded) {
		trial_ctx_free(sw->ctx);
		free(sw->res);
		free(sw);
	}
	return rc;
}
