/* sink_trace.c - the trace file. See sink_trace.h. */
#define _GNU_SOURCE
#include "sink_trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char trace_header[] = "run_id,seq,strategy,procs,iters,trial,worker,t_ns,done,counter\n";

int trace_sink_open(struct trace_sink *t, const char *csv, const struct plan *p, int resume,
		    struct rl_err *e)
{
	memset(t, 0, sizeof *t);
	t->lockfd = -1;
	t->file.fd = -1;
	t->path.dirfd = -1;
	char name[4200];
	snprintf(name, sizeof name, "%s.trace.csv", csv);
	int rc = fsx_path_open(&t->path, name, e);
	if (rc == 0)
		rc = fsx_lock_existing(&t->path, O_RDONLY, &t->lockfd, e);
	if (rc == 0)
		rc = fsx_new_open(&t->path, &t->file, e);
	if (rc != 0) {
		fsx_path_close(&t->path);
		return rc;
	}
	t->open = 1;
	t->n_cells = p->n_cells;
	/* a resume keeps what the interrupted run traced: its whole rows */
	if (resume && t->lockfd >= 0) {
		char buf[1 << 16];
		ssize_t k;
		off_t whole = 0, at = 0;
		while ((k = read(t->lockfd, buf, sizeof buf)) > 0) {
			for (ssize_t i = 0; i < k; i++)
				if (buf[i] == '\n')
					whole = at + i + 1;
			at += k;
		}
		if (k < 0)
			return rl_fail(e, RL_ESYS, "%s: read: %s", t->path.shown, strerror(errno));
		if (whole > 0 && lseek(t->lockfd, 0, SEEK_SET) == 0) {
			for (off_t left = whole; left > 0;) {
				k = read(t->lockfd, buf, (size_t)(left < (off_t)sizeof buf ? left : (off_t)sizeof buf));
				if (k <= 0 || fsx_write_all(t->file.fd, buf, (size_t)k) != 0)
					return rl_fail(e, RL_ESYS, "%s: copy: %s", t->path.shown, strerror(errno));
				left -= k;
			}
			return 0;
		}
	}
	if (fsx_write_all(t->file.fd, trace_header, sizeof trace_header - 1) != 0)
		return rl_fail(e, RL_ESYS, "%s: write: %s", t->path.shown, strerror(errno));
	return 0;
}

static int trace_row(void *self, const struct row *w, struct rl_err *e)
{
	struct trace_sink *t = self;
	const struct trial_result *r = w->r;
	unsigned ci = (unsigned)(w->cell - w->plan->cells);
	/* the first TRACE_TRIALS trials of each cell, by trial number: a resumed
	   sweep writes those the interrupted one did not reach */
	if (!r->trace || r->status != TRIAL_OK || ci >= t->n_cells || w->trial > TRACE_TRIALS)
		return 0;
	const struct cell_spec *c = &w->cell->spec;
	size_t need = (size_t)c->procs * TRACE_SAMPLES * 160 + 1;
	if (need > t->cap) {
		char *b = realloc(t->buf, need);
		if (!b)
			return rl_fail(e, RL_ESYS, "out of memory");
		t->buf = b;
		t->cap = need;
	}
	uint64_t t0 = UINT64_MAX;
	for (unsigned k = 0; k < c->procs; k++)
		if (r->trace_n[k] && r->trace[(size_t)k * TRACE_SAMPLES].t_ns < t0)
			t0 = r->trace[(size_t)k * TRACE_SAMPLES].t_ns;
	size_t n = 0;
	for (unsigned k = 0; k < c->procs; k++)
		for (uint32_t i = 0; i < r->trace_n[k]; i++) {
			const struct trace_sample *s = &r->trace[(size_t)k * TRACE_SAMPLES + i];
			n += (size_t)snprintf(t->buf + n, t->cap - n, "%s,%llu,%s,%u,%llu,%llu,%u,%llu,%llu,%llu\n",
					      w->run_id, (unsigned long long)w->seq, c->strategy->name, c->procs,
					      (unsigned long long)c->iters, (unsigned long long)w->trial, k,
					      (unsigned long long)(s->t_ns - t0), (unsigned long long)s->done,
					      (unsigned long long)s->counter);
		}
	if (fsx_write_all(t->file.fd, t->buf, n) != 0)
		return rl_fail(e, RL_ESYS, "%s: write failed: %s", t->path.shown, strerror(errno));
	return 0;
}

static int trace_close(void *self, int status, struct rl_err *e)
{
	(void)status;
	struct trace_sink *t = self;
	int rc = 0;
	if (t->open)
		rc = fsx_new_commit(&t->path, &t->file, t->lockfd >= 0, e);
	if (t->file.fd >= 0)
		close(t->file.fd);
	t->file.fd = -1;
	if (t->lockfd >= 0)
		close(t->lockfd);
	t->lockfd = -1;
	fsx_path_close(&t->path);
	free(t->buf);
	t->buf = NULL;
	t->open = 0;
	return rc;
}

struct sink trace_sink_as_sink(struct trace_sink *t)
{
	return (struct sink){t, trace_row, NULL, trace_close};
}
