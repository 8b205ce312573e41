/* sink_csv.c - the trial CSV and its .meta. See sink_csv.h. */
#define _GNU_SOURCE
#include "sink_csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "meta.h"
#include "rowtext.h"

/* The first twelve columns are the documented core, in this order. */
const char csv_header[] =
	"run_id,experiment,strategy,start,procs,iters,trial,expected,final,lost,elapsed_ns,"
	"overlap,overlap_pair,skew_ns,seq,host,region,workers,pin,launch,trace,check,status,"
	"shm_visible,shm_gone,cpus\n";

/* the columns a resumed row is checked by, in csv_cell_key() order */
static const char *const key_cols[] = {"experiment", "strategy", "workers", "pin", "start",
				       "region", "launch", "trace", "procs", "iters", "trial", NULL};
enum { NKEY = 11 };

void csv_cell_key(char *buf, size_t len, const struct plan *p, const struct plan_cell *c,
		  uint64_t trial)
{
	const struct cell_spec *cs = &c->spec;
	char tr[24];
	trace_name(cs->trace, tr, sizeof tr);
	snprintf(buf, len, "%s,%s,%s,%s,%s,%s,%s,%s,%u,%llu,%llu", p->parts[c->part].experiment,
		 cs->strategy->name, worker_kind_name(cs->workers), pin_mode_name(cs->pin),
		 start_mode_name(cs->start), region_kind_name(cs->region), launch_mode_name(cs->launch),
		 tr, cs->procs, (unsigned long long)cs->iters, (unsigned long long)trial);
}

static int col_index(const char *name)
{
	const char *p = csv_header;
	for (int i = 0;; i++) {
		size_t n = strcspn(p, ",\n");
		if (strlen(name) == n && strncmp(p, name, n) == 0)
			return i;
		if (p[n] != ',')
			return -1;
		p += n + 1;
	}
}

static int same_file(int fd, const uint64_t (*inputs)[2], unsigned n)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return 0;
	for (unsigned i = 0; i < n; i++)
		if ((uint64_t)st.st_dev == inputs[i][0] && (uint64_t)st.st_ino == inputs[i][1])
			return 1;
	return 0;
}

static int is_input(const struct fsx_path *p, const uint64_t (*inputs)[2], unsigned n)
{
	struct stat st;
	if (fstatat(p->dirfd, p->base, &st, 0) != 0)
		return 0;
	for (unsigned i = 0; i < n; i++)
		if ((uint64_t)st.st_dev == inputs[i][0] && (uint64_t)st.st_ino == inputs[i][1])
			return 1;
	return 0;
}

/* The end of the last whole line of fd (0 if none), by reading back from
   the end: a torn last row, from a kill in the middle of a write, is cut. */
static int whole_end(int fd, uint64_t size, uint64_t *end)
{
	char buf[65536];
	uint64_t pos = size;
	while (pos > 0) {
		size_t n = pos < sizeof buf ? (size_t)pos : sizeof buf;
		if (pread(fd, buf, n, (off_t)(pos - n)) != (ssize_t)n)
			return -1;
		for (size_t i = n; i > 0; i--)
			if (buf[i - 1] == '\n') {
				*end = pos - n + i;
				return 0;
			}
		pos -= n;
	}
	*end = 0;
	return 0;
}

int csv_sink_open(struct csv_sink *s, const struct csv_sink_opts *o, struct rl_err *e)
{
	memset(s, 0, sizeof *s);
	s->fd = s->lockfd = -1;
	s->path.dirfd = s->meta.dirfd = -1;
	s->shown = strcmp(o->path, "-") == 0 ? "stdout" : o->path;
	int rc;
	if (o->meta_path) {
		if ((rc = fsx_path_open(&s->meta, o->meta_path, e)) != 0)
			return rc;
		s->have_meta = 1;
	}
	if (strcmp(o->path, "-") == 0) {
		if (o->resume)
			return rl_fail(e, RL_EINPUT, "--resume needs a CSV file (-o FILE or an experiment file)");
		s->fd = STDOUT_FILENO;
		return 0;
	}
	if ((rc = fsx_path_open(&s->path, o->path, e)) != 0)
		return rc;
	if (is_input(&s->path, o->inputs, o->n_inputs))
		return rl_fail(e, RL_EINPUT, "%s: is an experiment file of this run; will not write over it",
			       o->path);
	struct stat st;
	if (fstatat(s->path.dirfd, s->path.base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		/* a device or a FIFO: rows only, no .meta beside it, nothing to lock */
		if (o->resume)
			return rl_fail(e, RL_EINPUT, "%s: not a regular file; cannot resume into it", o->path);
		if (S_ISDIR(st.st_mode))
			return rl_fail(e, RL_EINPUT, "%s: is a folder", o->path);
		s->fd = openat(s->path.dirfd, s->path.base, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (s->fd < 0)
			return rl_fail(e, RL_ESYS, "%s: cannot open: %s", o->path, strerror(errno));
		return 0;
	}
	s->regular = 1;
	if (!o->meta_path) {
		char mp[4200];
		snprintf(mp, sizeof mp, "%s.meta", o->path);
		if ((rc = fsx_path_open(&s->meta, mp, e)) != 0)
			return rc;
		s->have_meta = 1;
	}
	if (is_input(&s->meta, o->inputs, o->n_inputs))
		return rl_fail(e, RL_EINPUT, "%s: is an experiment file of this run; will not write over it",
			       s->meta.shown);
	rc = fsx_lock_existing(&s->path, o->resume ? O_RDWR : O_RDONLY, &s->lockfd, e);
	if (rc != 0)
		return rc;
	if (s->lockfd >= 0 && same_file(s->lockfd, o->inputs, o->n_inputs))
		return rl_fail(e, RL_EINPUT, "%s: is an experiment file of this run; will not write over it",
			       o->path);
	if (!o->resume)
		return 0;
	if (s->lockfd < 0)
		return 0; /* nothing to resume: a fresh run */

	/* resuming: this version's header, whole rows, the same settings */
	char head[sizeof csv_header];
	ssize_t k = pread(s->lockfd, head, sizeof csv_header - 1, 0);
	struct stat fst;
	if (fstat(s->lockfd, &fst) != 0)
		return rl_fail(e, RL_ESYS, "%s: %s", o->path, strerror(errno));
	if (k <= 0 && fst.st_size == 0)
		return 0; /* empty: a fresh run */
	if (k != (ssize_t)sizeof csv_header - 1 || memcmp(head, csv_header, sizeof csv_header - 1) != 0)
		return rl_fail(e, RL_EINPUT, "%s:1: not a race CSV of this version; cannot resume", o->path);
	uint64_t end;
	if (whole_end(s->lockfd, (uint64_t)fst.st_size, &end) != 0)
		return rl_fail(e, RL_ESYS, "%s: read: %s", o->path, strerror(errno));
	if (end <= sizeof csv_header - 1)
		return 0; /* a header and no whole row (a kill while starting): a fresh run */
	size_t ml;
	rc = fsx_read_file(s->meta.shown, 1u << 24, &s->old_meta, &ml, e);
	if (rc != 0)
		return rl_fail(e, RL_EINPUT, "%s: missing or unreadable, so the settings cannot be checked; "
			       "cannot resume", s->meta.shown);
	char rec[65536];
	if (meta_get(s->old_meta, "settings", rec, sizeof rec) != 0 || strcmp(rec, o->fingerprint) != 0)
		return rl_fail(e, RL_EINPUT, "%s: made with other settings (%s); will not resume into it",
			       o->path, rec[0] ? "see its .meta" : "none recorded");
	char seed[64];
	if (meta_get(s->old_meta, "seed", seed, sizeof seed) == 0)
		s->recorded_seed = strtoull(seed, NULL, 10);
	s->resuming = 1;
	for (int i = 0; i < NKEY; i++)
		s->kcol[i] = col_index(key_cols[i]);
	s->c_status = col_index("status");
	s->c_expected = col_index("expected");
	s->c_final = col_index("final");
	s->ncols = col_index("cpus") + 1;
	s->roff = sizeof csv_header - 1;
	s->rend = end;
	s->good = end;
	s->rline = 1;
	return 0;
}

static int write_header(struct csv_sink *s, struct rl_err *e)
{
	if (fsx_write_all(s->fd, csv_header, sizeof csv_header - 1) != 0)
		return rl_fail(e, RL_ESYS, "%s: write failed: %s", s->shown, strerror(errno));
	s->good = sizeof csv_header - 1;
	return 0;
}

int csv_sink_begin(struct csv_sink *s, const char *meta_text, size_t meta_len,
		   const char *resume_text, size_t resume_len, struct rl_err *e)
{
	int rc;
	if (!s->regular) {
		if (s->have_meta && (rc = fsx_write_file(&s->meta, meta_text, meta_len, e)) != 0)
			return rc;
		return write_header(s, e);
	}
	if (s->resuming) {
		/* the resume is recorded in .meta, then the torn tail is cut */
		size_t ol = strlen(s->old_meta);
		char *all = malloc(ol + resume_len + 1);
		if (!all)
			return rl_fail(e, RL_ESYS, "out of memory");
		memcpy(all, s->old_meta, ol);
		memcpy(all + ol, resume_text, resume_len);
		rc = fsx_write_file(&s->meta, all, ol + resume_len, e);
		free(all);
		if (rc != 0)
			return rc;
		if (ftruncate(s->lockfd, (off_t)s->good) != 0)
			return rl_fail(e, RL_ESYS, "%s: truncate: %s", s->shown, strerror(errno));
		s->fd = s->lockfd;
		s->lockfd = -1;
		if (lseek(s->fd, 0, SEEK_END) < 0)
			return rl_fail(e, RL_ESYS, "%s: %s", s->shown, strerror(errno));
		return 0;
	}
	/* a new file: header and .meta complete before either takes its name */
	struct fsx_new csv, meta;
	if ((rc = fsx_new_open(&s->path, &csv, e)) != 0)
		return rc;
	s->fd = csv.fd;
	if ((rc = write_header(s, e)) != 0) {
		fsx_new_abort(&s->path, &csv);
		s->fd = -1;
		return rc;
	}
	if ((rc = fsx_new_open(&s->meta, &meta, e)) != 0) {
		fsx_new_abort(&s->path, &csv);
		s->fd = -1;
		return rc;
	}
	if (fsx_write_all(meta.fd, meta_text, meta_len) != 0) {
		rc = rl_fail(e, RL_ESYS, "%s: write failed: %s", s->meta.shown, strerror(errno));
		fsx_new_abort(&s->meta, &meta);
		fsx_new_abort(&s->path, &csv);
		s->fd = -1;
		return rc;
	}
	/* the CSV first: a kill between the two renames leaves a header-only
	   CSV, which --resume starts afresh */
	rc = fsx_new_commit(&s->path, &csv, s->lockfd >= 0, e);
	if (rc == 0) {
		struct stat st;
		int exists = fstatat(s->meta.dirfd, s->meta.base, &st, AT_SYMLINK_NOFOLLOW) == 0;
		rc = fsx_new_commit(&s->meta, &meta, exists, e);
	} else {
		fsx_new_abort(&s->path, &csv);
		s->fd = -1;
	}
	if (meta.fd >= 0)
		close(meta.fd);
	if (rc == 0 && s->lockfd >= 0) {
		close(s->lockfd); /* the old file is gone from the path; ours is locked */
		s->lockfd = -1;
	}
	return rc;
}

/* the next line of [roff, rend) into *line (NUL-terminated, no newline) */
static int next_line(struct csv_sink *s, char **line, struct rl_err *e)
{
	for (;;) {
		char *nl = s->rpos < s->rlen ? memchr(s->rbuf + s->rpos, '\n', s->rlen - s->rpos) : NULL;
		if (nl) {
			*nl = '\0';
			*line = s->rbuf + s->rpos;
			s->rpos = (size_t)(nl - s->rbuf) + 1;
			s->rline++;
			return 1;
		}
		if (s->roff >= s->rend)
			return 0;
		/* keep the partial line, read more */
		if (s->rlen > s->rpos)
			memmove(s->rbuf, s->rbuf + s->rpos, s->rlen - s->rpos);
		s->rlen -= s->rpos;
		s->rpos = 0;
		if (s->rcap - s->rlen < 65536) {
			size_t cap = s->rcap ? s->rcap * 2 : 1u << 20;
			char *b = realloc(s->rbuf, cap);
			if (!b)
				return rl_fail(e, RL_ESYS, "out of memory");
			s->rbuf = b;
			s->rcap = cap;
		}
		size_t want = s->rcap - s->rlen;
		if (want > s->rend - s->roff)
			want = (size_t)(s->rend - s->roff);
		ssize_t k = pread(s->fd >= 0 ? s->fd : s->lockfd, s->rbuf + s->rlen, want, (off_t)s->roff);
		if (k <= 0)
			return rl_fail(e, RL_ESYS, "%s: read: %s", s->shown, k < 0 ? strerror(errno) : "short");
		s->rlen += (size_t)k;
		s->roff += (uint64_t)k;
	}
}

int csv_sink_replay(struct csv_sink *s, struct done_row *d, struct rl_err *e)
{
	if (!s->resuming)
		return 0;
	char *line = NULL;
	int rc = next_line(s, &line, e);
	if (rc <= 0) {
		if (rc == 0) {
			free(s->rbuf);
			s->rbuf = NULL;
			s->resuming = 0;
		}
		return rc;
	}
	/* split (race writes no quotes) */
	const char *f[64];
	size_t fl[64];
	int n = 0;
	for (char *p = line; n < 64;) {
		f[n] = p;
		fl[n] = strcspn(p, ",");
		n++;
		if (p[fl[n - 1]] != ',')
			break;
		p += fl[n - 1] + 1;
	}
	const int *cols = s->kcol, c_status = s->c_status, c_expected = s->c_expected,
		  c_final = s->c_final, ncols = s->ncols;
	if (n != ncols)
		return rl_fail(e, RL_EINPUT, "%s:%lu: %d fields, the header has %d; cannot resume", s->shown,
			       s->rline, n, ncols);
	size_t kl = 0;
	for (int i = 0; i < NKEY; i++) {
		if (kl + fl[cols[i]] + 2 > sizeof d->key)
			return rl_fail(e, RL_EINPUT, "%s:%lu: a malformed row; cannot resume", s->shown, s->rline);
		kl += (size_t)snprintf(d->key + kl, sizeof d->key - kl, "%s%.*s", i ? "," : "",
				       (int)fl[cols[i]], f[cols[i]]);
	}
	d->ok = fl[c_status] == 2 && strncmp(f[c_status], "ok", 2) == 0;
	d->expected = strtoull(f[c_expected], NULL, 10);
	uint64_t fin = strtoull(f[c_final], NULL, 10);
	d->lost = fin < d->expected ? d->expected - fin : 0;
	s->rows++;
	return 1;
}

static const char *tri(int v)
{
	return v < 0 ? "" : v ? "1" : "0";
}

int csv_sink_row(void *self, const struct row *w, struct rl_err *e)
{
	struct csv_sink *s = self;
	const struct trial_result *r = w->r;
	const struct cell_spec *c = &w->cell->spec;
	char *row = s->row;
	char tr[24];
	trace_name(c->trace, tr, sizeof tr);
	/* the row's text, column by column in csv_header's order (rowtext.h) */
	struct rowtext t = rowtext_on(row, sizeof s->row - 1);
	const char *const head[] = {w->run_id, w->plan->parts[w->cell->part].experiment, c->strategy->name,
				    start_mode_name(c->start)};
	rowtext_strs(&t, head, sizeof head / sizeof head[0]);
	const uint64_t counts[] = {c->procs, c->iters, w->trial, r->expected, r->final};
	rowtext_u64s(&t, counts, sizeof counts / sizeof counts[0]);
	rowtext_i64(&t, r->lost);
	rowtext_char(&t, ',');
	rowtext_u64s(&t, &r->elapsed_ns, 1);
	rowtext_f6(&t, r->overlap);
	rowtext_char(&t, ',');
	rowtext_f6(&t, r->overlap_pair);
	rowtext_char(&t, ',');
	const uint64_t times[] = {r->skew_ns, w->seq};
	rowtext_u64s(&t, times, sizeof times / sizeof times[0]);
	const char *const tail[] = {w->host, region_kind_name(c->region), worker_kind_name(c->workers),
				    pin_mode_name(c->pin), launch_mode_name(c->launch), tr,
				    strategy_check_name(c->strategy->check), trial_status_name(r->status),
				    tri(r->shm_visible), tri(r->shm_gone)};
	rowtext_strs(&t, tail, sizeof tail / sizeof tail[0]);
	/* the CPU each worker started on, ';'-separated */
	if (r->status == TRIAL_OK)
		for (unsigned k = 0; k < c->procs; k++) {
			if (k)
				rowtext_char(&t, ';');
			rowtext_i64(&t, r->cpu[k]);
		}
	if (t.full)
		return rl_fail(e, RL_ESYS, "%s: a row longer than %zu bytes", s->shown, sizeof s->row - 1);
	int n = (int)(t.p - row);
	row[n++] = '\n';
	if (fsx_write_all(s->fd, row, (size_t)n) != 0) {
		int err = errno;
		/* never leave a torn row: cut back to the last whole one */
		if (s->regular && ftruncate(s->fd, (off_t)s->good) == 0)
			lseek(s->fd, (off_t)s->good, SEEK_SET);
		return rl_fail(e, RL_ESYS, "%s: write failed after %lu rows: %s", s->shown, s->rows,
			       strerror(err));
	}
	s->good += (uint64_t)n;
	s->rows++;
	return 0;
}

void csv_sink_abort(struct csv_sink *s)
{
	if (s->fd >= 0 && s->fd != STDOUT_FILENO)
		close(s->fd);
	if (s->lockfd >= 0)
		close(s->lockfd);
	s->fd = s->lockfd = -1;
	free(s->old_meta);
	free(s->rbuf);
	s->old_meta = s->rbuf = NULL;
	fsx_path_close(&s->path);
	fsx_path_close(&s->meta);
}

int csv_sink_close(void *self, int status, struct rl_err *e)
{
	(void)status;
	struct csv_sink *s = self;
	int rc = 0;
	if (s->fd >= 0 && s->fd != STDOUT_FILENO && close(s->fd) != 0)
		rc = rl_fail(e, RL_ESYS, "%s: close: %s", s->shown, strerror(errno));
	s->fd = -1;
	csv_sink_abort(s);
	return rc;
}

struct sink csv_sink_as_sink(struct csv_sink *s)
{
	return (struct sink){.self = s, .row = csv_sink_row, .close = csv_sink_close};
}
