/* cells.c - read trial CSVs (header-driven) into cells, validating each row. */
#define _POSIX_C_SOURCE 200809L
#include "cells.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* per-trial measures: everything else is a factor */
static const char *const measures[] = {
	"run_id", "trial", "expected", "final", "lost", "elapsed_ns", "overlap",
	"overlap_pair", "skew_ns", "seq", "check", "status", "shm_visible", "shm_gone", "cpus", NULL,
};

int is_measure_column(const char *name)
{
	for (const char *const *m = measures; *m; m++)
		if (strcmp(*m, name) == 0)
			return 1;
	return 0;
}

enum col { C_EXPECTED, C_FINAL, C_PROCS, C_ITERS, C_ELAPSED, C_OVERLAP, /* required */
	   C_LOST, C_CHECK, C_STATUS, C_STRATEGY, C_OVERLAP_PAIR, C_N };
static const char *const col_names[C_N] = {
	"expected", "final", "procs", "iters", "elapsed_ns", "overlap",
	"lost", "check", "status", "strategy", "overlap_pair",
};
#define N_REQUIRED 6
static const char *const col_wants[C_N] = {
	"a positive integer", "a non-negative integer", "a positive integer", "a positive integer",
	"a non-negative integer", "a number in [0, 1]", "an integer", "", "", "", "a number in [0, 1]",
};

static int parse_u64(const char *s, uint64_t *v)
{
	if (*s < '0' || *s > '9')
		return -1;
	uint64_t x = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if (*s)
		return -1;
	*v = x;
	return 0;
}

static int parse_i64(const char *s, int64_t *v)
{
	int neg = *s == '-';
	uint64_t x;
	if (parse_u64(s + neg, &x) != 0 || x > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

static int parse_unit(const char *s, double *v)
{
	/* fast path, "0.123456": digits / 10^k is exact and correctly rounded,
	   the same double strtod gives */
	static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
				     1e12, 1e13, 1e14, 1e15};
	const char *p = s;
	uint64_t m = 0;
	int digits = 0, frac = -1;
	for (; (*p >= '0' && *p <= '9') || (*p == '.' && frac < 0); p++) {
		if (*p == '.') {
			frac = 0;
			continue;
		}
		m = m * 10 + (uint64_t)(*p - '0');
		digits++;
		frac += frac >= 0;
		if (digits > 15)
			break;
	}
	if (!*p && digits > 0 && digits <= 15) {
		double x = (double)m / p10[frac < 0 ? 0 : frac];
		if (x > 1.0)
			return -1;
		*v = x;
		return 0;
	}
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	double x = strtod(s, &end);
	if (*end || errno || !isfinite(x) || x < 0.0 || x > 1.0)
		return -1;
	*v = x;
	return 0;
}

static enum check check_of(const char *check, const char *strategy)
{
	const char *c = check ? check : "";
	if (strcmp(c, "exact") == 0) return CHK_EXACT;
	if (strcmp(c, "at_most") == 0) return CHK_AT_MOST;
	if (strcmp(c, "untouched") == 0) return CHK_UNTOUCHED;
	if (check || !strategy)
		return CHK_NONE;
	/* files without a check column: the first strategies' guarantees */
	if (strcmp(strategy, "atomic") == 0 || strcmp(strategy, "mutex") == 0) return CHK_EXACT;
	if (strcmp(strategy, "plain") == 0) return CHK_AT_MOST;
	if (strcmp(strategy, "private") == 0) return CHK_UNTOUCHED;
	return CHK_NONE;
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static int grow_table(struct dataset *d)
{
	size_t ns = d->n_slots ? d->n_slots * 2 : 64;
	size_t *s = calloc(ns, sizeof *s);
	if (!s)
		return -1;
	for (size_t i = 0; i < d->n_cells; i++) {
		size_t j = d->cells[i].hash & (ns - 1);
		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = i + 1;
	}
	free(d->slots);
	d->slots = s;
	d->n_slots = ns;
	return 0;
}

/* key: the factor values joined by \x1f */
static long find_cell(struct dataset *d, const char *key, size_t keylen, uint64_t h,
		      struct csv_field **fv, const char *path, unsigned long line)
{
	if (d->n_cells) {
		struct cell *c = &d->cells[d->last];
		if (c->hash == h && c->keylen == keylen && memcmp(c->keybuf, key, keylen) == 0)
			return (long)d->last;
	}
	if (d->n_slots) {
		for (size_t j = h & (d->n_slots - 1); d->slots[j]; j = (j + 1) & (d->n_slots - 1)) {
			struct cell *c = &d->cells[d->slots[j] - 1];
			if (c->hash == h && c->keylen == keylen && memcmp(c->keybuf, key, keylen) == 0)
				return (long)(d->last = d->slots[j] - 1);
		}
	}
	if (d->n_cells == d->cap_cells) {
		size_t cap = d->cap_cells ? d->cap_cells * 2 : 16;
		struct cell *cs = realloc(d->cells, cap * sizeof *cs);
		if (!cs)
			return -1;
		d->cells = cs;
		d->cap_cells = cap;
	}
	if ((d->n_cells + 1) * 2 > d->n_slots && grow_table(d) != 0)
		return -1;
	struct cell *c = &d->cells[d->n_cells];
	memset(c, 0, sizeof *c);
	c->keybuf = malloc(2 * (keylen + 1)); /* the key, then its values split */
	c->factor = malloc((d->n_factors ? d->n_factors : 1) * sizeof *c->factor);
	if (!c->keybuf || !c->factor)
		return -1;
	memcpy(c->keybuf, key, keylen);
	c->keybuf[keylen] = '\0';
	c->keylen = keylen;
	c->hash = h;
	c->first_file = path;
	c->first_line = line;
	/* factor values point into the second half of keybuf */
	char *p = c->keybuf + keylen + 1;
	memcpy(p, key, keylen);
	for (size_t i = 0; i < d->n_factors; i++) {
		c->factor[i] = p;
		p += fv[i]->len;
		*p++ = '\0';
	}
	size_t j = h & (d->n_slots - 1);
	while (d->slots[j])
		j = (j + 1) & (d->n_slots - 1);
	d->slots[j] = d->n_cells + 1;
	d->last = d->n_cells;
	return (long)d->n_cells++;
}

static int cell_push(struct cell *c, double final, double nspi)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		double *f = realloc(c->final, cap * sizeof *f);
		if (!f)
			return -1;
		c->final = f;
		double *s = realloc(c->nspi, cap * sizeof *s);
		if (!s)
			return -1;
		c->nspi = s;
		c->cap = cap;
	}
	c->final[c->n] = final;
	c->nspi[c->n] = nspi;
	c->n++;
	return 0;
}

static void cell_label(const struct dataset *d, const struct cell *c, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < d->n_factors && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", i ? " " : "",
					 d->factor_names[i], c->factor[i]);
}

/* The header's names in a hash table: no name twice, and a name's column
   found in constant time (a header of a million columns stays linear). */
struct colindex {
	size_t *slot;       /* column + 1, 0 empty */
	size_t ns;
	const struct csv_reader *r;
};

static int colindex_build(struct colindex *x, const struct csv_reader *r, struct rl_err *e)
{
	x->r = r;
	x->ns = 64;
	while (x->ns < 2 * r->nf)
		x->ns *= 2;
	x->slot = calloc(x->ns, sizeof *x->slot);
	if (!x->slot)
		return rl_fail(e, RL_ESYS, "out of memory");
	for (size_t i = 0; i < r->nf; i++) {
		size_t j = fnv(r->f[i].s, r->f[i].len) & (x->ns - 1);
		for (; x->slot[j]; j = (j + 1) & (x->ns - 1)) {
			const struct csv_field *o = &r->f[x->slot[j] - 1];
			if (o->len == r->f[i].len && memcmp(o->s, r->f[i].s, o->len) == 0)
				return rl_fail(e, RL_EINPUT, "%s:1: column '%.64s' appears twice", r->path,
					       r->f[i].s);
		}
		x->slot[j] = i + 1;
	}
	return 0;
}

/* the column named `name`, or -1 */
static long colindex_find(const struct colindex *x, const char *name)
{
	size_t len = strlen(name);
	for (size_t j = fnv(name, len) & (x->ns - 1); x->slot[j]; j = (j + 1) & (x->ns - 1)) {
		const struct csv_field *o = &x->r->f[x->slot[j] - 1];
		if (o->len == len && memcmp(o->s, name, len) == 0)
			return (long)(x->slot[j] - 1);
	}
	return -1;
}

static int set_factors(struct dataset *d, struct csv_reader *r, const struct colindex *cx,
		       size_t *fidx, struct rl_err *e)
{
	size_t nf = 0;
	for (size_t i = 0; i < r->nf; i++)
		if (!is_measure_column(r->f[i].s))
			nf++;
	if (d->factor_names == NULL) {
		d->factor_names = calloc(nf ? nf : 1, sizeof *d->factor_names);
		if (!d->factor_names)
			return rl_fail(e, RL_ESYS, "out of memory");
		d->procs_factor = -1;
		for (size_t i = 0, k = 0; i < r->nf; i++) {
			if (is_measure_column(r->f[i].s))
				continue;
			d->factor_names[k] = strdup(r->f[i].s);
			if (!d->factor_names[k])
				return rl_fail(e, RL_ESYS, "out of memory");
			if (strcmp(r->f[i].s, "procs") == 0)
				d->procs_factor = (int)k;
			fidx[k] = i;
			k++;
			d->n_factors = k;
		}
		return 0;
	}
	/* a later file: the same factors, in any order */
	if (nf != d->n_factors)
		return rl_fail(e, RL_EINPUT, "%s:1: has %zu factor columns, the first file %zu",
			       r->path, nf, d->n_factors);
	for (size_t k = 0; k < d->n_factors; k++) {
		long i = colindex_find(cx, d->factor_names[k]);
		if (i < 0 || is_measure_column(d->factor_names[k]))
			return rl_fail(e, RL_EINPUT, "%s:1: lacks the factor column '%.64s' of the first file",
				       r->path, d->factor_names[k]);
		fidx[k] = (size_t)i;
	}
	return 0;
}

int dataset_load(struct dataset *d, const char *path, struct rl_err *e)
{
	struct csv_reader r;
	int rc = csv_reader_open(&r, path, e);
	if (rc != 0)
		return rc;
	size_t *fidx = NULL, nheader = 0;
	long col[C_N];
	struct colindex cx = {NULL, 0, NULL};
	char *key = NULL;
	size_t keycap = 0;

	rc = csv_reader_next(&r, e);
	if (rc == 0)
		rc = rl_fail(e, RL_EINPUT, "%s: empty file (no header row)", path);
	if (rc < 0)
		goto out;
	nheader = r.nf;
	for (int c = 0; c < C_N; c++)
		col[c] = -1;
	if ((rc = colindex_build(&cx, &r, e)) != 0)
		goto out;
	for (int c = 0; c < C_N; c++)
		col[c] = colindex_find(&cx, col_names[c]);
	for (int c = 0; c < N_REQUIRED; c++)
		if (col[c] < 0) {
			rc = rl_fail(e, RL_EINPUT, "%s:1: missing required column '%s'%s", path,
				     col_names[c], nheader < 3 ? " (is this a racelab trial CSV?)" : "");
			goto out;
		}
	fidx = malloc((nheader + 1) * sizeof *fidx);
	struct csv_field **fv = malloc((nheader + 1) * sizeof *fv);
	if (!fidx || !fv) {
		free(fv);
		rc = rl_fail(e, RL_ESYS, "out of memory");
		goto out;
	}
	rc = set_factors(d, &r, &cx, fidx, e);

	while (rc == 0 && (rc = csv_reader_next(&r, e)) == 1) {
		rc = 0;
		if (r.nf == 1 && r.f[0].len == 0)
			continue; /* a blank line */
		if (r.nf != nheader) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: %zu fields, the header has %zu", path, r.line,
				     r.nf, nheader);
			break;
		}
		int bad = -1;
		uint64_t expected, procs, iters, elapsed, final_u = 0;
		int64_t final, lost;
		double overlap, opair = -1.0;
		if (parse_u64(r.f[col[C_EXPECTED]].s, &expected) != 0 || expected == 0)
			bad = C_EXPECTED;
		else if (parse_i64(r.f[col[C_FINAL]].s, &final) != 0 || final < 0)
			bad = C_FINAL;
		else if (parse_u64(r.f[col[C_PROCS]].s, &procs) != 0 || procs == 0)
			bad = C_PROCS;
		else if (parse_u64(r.f[col[C_ITERS]].s, &iters) != 0 || iters == 0)
			bad = C_ITERS;
		else if (parse_u64(r.f[col[C_ELAPSED]].s, &elapsed) != 0)
			bad = C_ELAPSED;
		else if (parse_unit(r.f[col[C_OVERLAP]].s, &overlap) != 0)
			bad = C_OVERLAP;
		else if (col[C_LOST] >= 0 && parse_i64(r.f[col[C_LOST]].s, &lost) != 0)
			bad = C_LOST;
		else if (col[C_OVERLAP_PAIR] >= 0 && r.f[col[C_OVERLAP_PAIR]].len &&
			 parse_unit(r.f[col[C_OVERLAP_PAIR]].s, &opair) != 0)
			bad = C_OVERLAP_PAIR;
		if (bad >= 0) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: %s '%.40s' is not %s", path, r.line,
				     col_names[bad], r.f[col[bad]].s, col_wants[bad]);
			break;
		}
		final_u = (uint64_t)final;
		if (col[C_LOST] >= 0 && (uint64_t)lost != expected - final_u) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: lost %lld is not expected - final (%llu - %llu)",
				     path, r.line, (long long)lost, (unsigned long long)expected,
				     (unsigned long long)final_u);
			break;
		}
		uint64_t work;
		if (__builtin_mul_overflow(procs, iters, &work)) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: procs x iters overflows", path, r.line);
			break;
		}

		/* the cell */
		size_t keylen = 0;
		for (size_t k = 0; k < d->n_factors; k++) {
			fv[k] = &r.f[fidx[k]];
			keylen += fv[k]->len + 1;
		}
		if (keylen + 1 > keycap) {
			keycap = (keylen + 1) * 2;
			char *nk = realloc(key, keycap);
			if (!nk) {
				rc = rl_fail(e, RL_ESYS, "out of memory");
				break;
			}
			key = nk;
		}
		size_t kp = 0;
		for (size_t k = 0; k < d->n_factors; k++) {
			memcpy(key + kp, fv[k]->s, fv[k]->len);
			kp += fv[k]->len;
			key[kp++] = '\x1f';
		}
		long ci = find_cell(d, key, keylen, fnv(key, keylen), fv, path, r.line);
		if (ci < 0) {
			rc = rl_fail(e, RL_ESYS, "out of memory");
			break;
		}
		struct cell *c = &d->cells[ci];
		if (!c->has_expected) {
			c->has_expected = 1;
			c->expected = expected;
			c->procs = procs;
			c->iters = iters;
		} else if (c->expected != expected || c->procs != procs || c->iters != iters) {
			char label[512];
			cell_label(d, c, label, sizeof label);
			rc = rl_fail(e, RL_EINPUT,
				     "%s:%lu: expected %llu differs from %llu earlier in cell [%s] (%s:%lu)",
				     path, r.line, (unsigned long long)expected,
				     (unsigned long long)c->expected, label, c->first_file, c->first_line);
			break;
		}
		d->rows++;
		if (col[C_STATUS] >= 0 && strcmp(r.f[col[C_STATUS]].s, "ok") != 0) {
			c->failed++;
			continue;
		}
		enum check chk = check_of(col[C_CHECK] >= 0 ? r.f[col[C_CHECK]].s : NULL,
					  col[C_STRATEGY] >= 0 ? r.f[col[C_STRATEGY]].s : NULL);
		if ((chk == CHK_EXACT && final_u != expected) ||
		    (chk == CHK_AT_MOST && final_u > expected) ||
		    (chk == CHK_UNTOUCHED && final_u != 0))
			c->violations++;
		if (final_u < expected)
			c->lossy++;
		c->overlap_sum += overlap;
		if (opair >= 0.0) {
			c->overlap_pair_sum += opair;
			c->n_overlap_pair++;
		}
		if (cell_push(c, (double)final_u, (double)elapsed / (double)work) != 0) {
			rc = rl_fail(e, RL_ESYS, "out of memory");
			break;
		}
	}
	free(fv);
out:
	free(cx.slot);
	free(fidx);
	free(key);
	csv_reader_close(&r);
	return rc < 0 ? rc : 0;
}

void dataset_free(struct dataset *d)
{
	for (size_t i = 0; i < d->n_cells; i++) {
		free(d->cells[i].keybuf);
		free(d->cells[i].factor);
		free(d->cells[i].final);
		free(d->cells[i].nspi);
	}
	free(d->cells);
	free(d->slots);
	for (size_t i = 0; i < d->n_factors; i++)
		free(d->factor_names[i]);
	free(d->factor_names);
	memset(d, 0, sizeof *d);
}
