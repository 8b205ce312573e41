/* progress.c - the progress line and the report of bad trials, on stderr. */
#define _GNU_SOURCE
#include "progress.h"

#include <stdio.h>

#include "count.h"

/* the cost of a trial, in increments: the work plus ~fork overhead */
double progress_trial_work(uint64_t procs, uint64_t iters)
{
	return (double)procs * (double)iters + 20000.0 * (double)procs;
}

double progress_plan_work(const struct plan *plan)
{
	double w = 0.0;
	for (unsigned i = 0; i < plan->n_cells; i++)
		w += (double)plan->cells[i].planned *
		     progress_trial_work(plan->cells[i].spec.procs, plan->cells[i].spec.iters);
	return w;
}

static void fmt_dur(double s, char *buf, size_t len)
{
	unsigned long t = (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

void progress_times(double elapsed_s, double total_work, double done_work, char *elapsed, char *left,
		    size_t len)
{
	fmt_dur(elapsed_s, elapsed, len);
	if (done_work > 0)
		fmt_dur(elapsed_s * (total_work - done_work) / done_work, left, len);
	else
		snprintf(left, len, "?");
}

void progress_init(struct progress *p, const struct plan *plan, int draw)
{
	p->on = draw;
	p->t0 = p->last = now_ns();
	p->total_work = progress_plan_work(plan);
	p->done_work = 0;
	p->bad = 0;
	p->drawn = 0;
}

static void clear(struct progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = 0;
}

static int progress_row(void *self, const struct row *w, struct rl_err *e)
{
	(void)e;
	struct progress *p = self;
	const struct cell_spec *c = &w->cell->spec;
	p->done_work += progress_trial_work(c->procs, c->iters);
	const struct trial_result *r = w->r;
	if (r->violation || r->status != TRIAL_OK) {
		clear(p);
		p->bad++;
		fprintf(stderr, "race: %s: %s procs=%u iters=%llu trial %llu: %s\n",
			r->violation ? "violation" : trial_status_name(r->status), c->strategy->name,
			c->procs, (unsigned long long)c->iters, (unsigned long long)w->trial, r->detail);
	}
	return 0;
}

static int progress_between(void *self, const struct plan *plan, const struct plan_step *next,
			    struct rl_err *e)
{
	(void)e;
	struct progress *p = self;
	if (!p->on)
		return SINK_GO;
	uint64_t now = now_ns();
	if (now - p->last < 100000000ull && p->drawn)
		return SINK_GO;
	p->last = now;
	const struct plan_cell *c = &plan->cells[next->cell];
	double el = (double)(now - p->t0) / 1e9;
	char a[32], b[32], it[32];
	progress_times(el, p->total_work, p->done_work, a, b, sizeof a);
	count_format(c->spec.iters, it, sizeof it);
	fprintf(stderr, "\r\033[Ktrial %llu of ~%llu | %s procs=%u iters=%s trial %llu | %s elapsed, ETA %s",
		(unsigned long long)(plan->seq - next->count + 1), (unsigned long long)plan_total(plan),
		c->spec.strategy->name, c->spec.procs, it, (unsigned long long)next->first, a, b);
	p->drawn = 1;
	return SINK_GO;
}

static int progress_close(void *self, int status, struct rl_err *e)
{
	(void)status;
	(void)e;
	clear(self);
	return 0;
}

struct sink progress_as_sink(struct progress *p)
{
	return (struct sink){.self = p, .row = progress_row, .between = progress_between,
			     .close = progress_close};
}
