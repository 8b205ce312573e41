/* cells.c - read trial CSVs (header-driven) into cells, validating each row.
 *
 * Numbers are read by a strict grammar: counts are decimal digits only (no
 * sign, no space, up to 2^64 - 1 exactly), shares are digits with an
 * optional fraction in [0, 1] (no exponent, no hex), lost is an optional
 * '-' and digits. Every row must agree with itself: lost = expected - final,
 * expected = procs x iters. */
#define _GNU_SOURCE
#include "wide.h"
#include "cells.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "csv.h"

/* per-trial measures: everything else is a factor */
static const char *const measures[] = {
	"run_id", "trial", "expected", "final", "lost", "elapsed_ns", "overlap", "overlap_pair",
	"skew_ns", "seq", "check", "status", "shm_visible", "shm_gone", "cpus", NULL,
};

int is_measure_column(const char *name)
{
	for (const char *const *m = measures; *m; m++)
		if (strcmp(*m, name) == 0)
			return 1;
	return 0;
}

enum col { C_EXPECTED, C_FINAL, C_PROCS, C_ITERS, C_ELAPSED, C_OVERLAP, /* required */
	   C_LOST, C_CHECK, C_STATUS, C_STRATEGY, C_OVERLAP_PAIR, C_RUN, C_TRIAL, C_SEQ, C_SKEW, C_N };
static const char *const col_names[C_N] = {
	"expected", "final", "procs", "iters", "elapsed_ns", "overlap",
	"lost", "check", "status", "strategy", "overlap_pair", "run_id", "trial", "seq", "skew_ns",
};
#define N_REQUIRED 6
static const char *const col_wants[C_N] = {
	"a positive integer", "a non-negative integer", "a positive integer", "a positive integer",
	"a non-negative integer", "a number in [0, 1]", "an integer", "", "", "",
	"a number in [0, 1]", "", "a non-negative integer", "a non-negative integer",
	"a non-negative integer",
};

/* digits only, the whole field, 0 .. 2^64 - 1 */
/* a field of digits, as race writes counts; the length is the field's */
static inline __attribute__((always_inline)) int parse_u64(const struct csv_field *f, uint64_t *v)
{
	return csv_parse_u64(f->s, f->len, v);
}

/* an optional '-' and digits, as sign and magnitude; "-0" is not a number
   race writes */
static inline __attribute__((always_inline)) int parse_signed(const struct csv_field *f, int *neg,
							      uint64_t *mag)
{
	*neg = f->len > 0 && f->s[0] == '-';
	if (csv_parse_u64(f->s + *neg, f->len - (size_t)*neg, mag) != 0 || (*neg && *mag == 0))
		return -1;
	return 0;
}

/* digits, optionally '.' and digits, in [0, 1]: what race writes (%.6f) */
/* "0.dddddd", race's own form of a share, eight bytes checked and
   converted at once (the classic SWAR digit trick); the same value as the
   general path below, which takes everything else */
static inline __attribute__((always_inline)) int unit_fast(const struct csv_field *f, float *v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w;
	if (f->len != 8)
		return -1;
	memcpy(&w, f->s, 8);
	if ((w & 0xffff) != 0x2e30) /* "0." */
		return -1;
	w = (w & ~(uint64_t)0xffff) | 0x3030; /* "00dddddd" */
	if ((w & 0xf0f0f0f0f0f0f0f0ull) != 0x3030303030303030ull ||
	    (((w & 0x0f0f0f0f0f0f0f0full) + 0x0606060606060606ull) & 0xf0f0f0f0f0f0f0f0ull) != 0)
		return -1;
	uint64_t x = w - 0x3030303030303030ull;
	x = x * 10 + (x >> 8);
	x = (((x & 0x000000ff000000ffull) * (100 + (1000000ull << 32))) +
	     (((x >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32)))) >> 32;
	*v = cells_unit_micros(x);
	return 0;
#else
	(void)f;
	(void)v;
	return -1;
#endif
}

static int parse_unit_slow(const char *s, float *v)
{
	static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
				     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
	uint64_t ip = 0, fp = 0;
	int idig = 0, fdig = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++, idig++)
		if (idig < 3)
			ip = ip * 10 + (uint64_t)(*p - '0');
	if (idig == 0 || idig > 3)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdig++)
			if (fdig < 18)
				fp = fp * 10 + (uint64_t)(*p - '0');
		if (fdig == 0)
			return -1;
	}
	if (*p)
		return -1;
	double x = (double)ip + (double)fp / p10[fdig < 18 ? fdig : 18];
	if (x > 1.0)
		return -1;
	*v = (float)x;
	return 0;
}

static inline __attribute__((always_inline)) int parse_unit(const struct csv_field *f, float *v)
{
	return unit_fast(f, v) == 0 ? 0 : parse_unit_slow(f->s, v);
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

/* the cell key's hash: eight bytes a step (keys are tens of bytes, hashed
   for every row whose cell differs from the row before) */
static uint64_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
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

static int has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* n bytes at a and b equal? Both must have eight readable bytes from
   their start (fields have CSV_SLACK after them; a cell's values and the
   caches below are padded): the short values of race rows compared in one
   load each, with no call. */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
	if (n > 8)
		return memcmp(a, b, n) == 0;
	if (n == 0)
		return 1;
	uint64_t x, y;
	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return ((x ^ y) << (8 * (8 - n))) == 0;
}

/* the row's factor values are the cell's (the common case: rows of one
   cell come together), compared field by field, nothing copied */
static int row_in_cell(const struct dataset *d, const struct cell *c, const struct csv_reader *r,
		       const size_t *fidx)
{
	for (size_t k = 0; k < d->n_factors; k++) {
		const struct csv_field *f = &r->f[fidx[k]];
		if (f->len != c->flen[k] || !same_bytes(f->s, c->factor[k], f->len))
			return 0;
	}
	return 1;
}

/* Factor columns next to one another in the file, as race writes them
   (experiment to iters, host to trace): in a plain record their values
   lie one after another, each ended by a NUL, which is how a cell keeps
   them (keybuf's second half: no value holds a control character). So a
   run of them is the cell's when the bytes from its first value to its
   last are the cell's: the NULs then fall where the cell's do, and there
   are as many as separators, so every value's bounds agree too. */
struct frun {
	size_t k0, m;   /* factors k0 .. k0 + m - 1, in consecutive columns */
};

/* equal spans of n bytes, sixteen at a time, then eight; both have eight
   readable bytes past their end (a field's CSV_SLACK; a cell's keybuf
   padding), and a sixteen-byte load is made only where sixteen remain */
static inline int same_span(const char *a, const char *b, size_t n)
{
#if defined(__SSE2__)
	for (; n >= 16; a += 16, b += 16, n -= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)a);
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)b);
		if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) != 0xffff)
			return 0;
	}
#endif
	for (; n >= 8; a += 8, b += 8, n -= 8) {
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
	}
	return same_bytes(a, b, n);
}

static int row_in_cell_runs(const struct dataset *d, const struct cell *c, const struct csv_reader *r,
			    const size_t *fidx, const struct frun *run, size_t nrun)
{
	if (!r->plain)
		return row_in_cell(d, c, r, fidx);
	for (size_t j = 0; j < nrun; j++) {
		size_t k0 = run[j].k0, k1 = k0 + run[j].m - 1;
		const char *s = r->f[fidx[k0]].s;
		size_t len = (size_t)(r->f[fidx[k1]].s + r->f[fidx[k1]].len - s);
		size_t clen = (size_t)(c->factor[k1] + c->flen[k1] - c->factor[k0]);
		if (len != clen || !same_span(s, c->factor[k0], len))
			return 0;
	}
	return 1;
}

/* A plain row's cell by the hash of its factor runs' bytes (what
   row_in_cell_runs compares), for rows whose cell is not the row before's:
   race writes a sweep in rounds, a row of every cell in turn. A slot holds
   the hash and the cell's index + 1 (0: empty); a hit is checked by
   row_in_cell_runs, so a collision costs a compare, never a wrong cell. */
struct span_slot {
	uint64_t h;
	size_t ci1;
};

static uint64_t span_hash(const struct csv_reader *r, const size_t *fidx, const struct frun *run, size_t nrun)
{
	uint64_t h = 0x243f6a8885a308d3ull;
	for (size_t j = 0; j < nrun; j++) {
		size_t k0 = run[j].k0, k1 = k0 + run[j].m - 1;
		const char *s = r->f[fidx[k0]].s;
		size_t len = (size_t)(r->f[fidx[k1]].s + r->f[fidx[k1]].len - s);
		h = (h ^ key_hash(s, len)) * 0x9e3779b97f4a7c15ull;
	}
	return h ^ (h >> 29);
}

static int span_insert(struct span_slot **tab, size_t *n, size_t *used, uint64_t h, size_t ci)
{
	if (2 * (*used + 1) > *n) {
		size_t nn = *n ? *n * 2 : 64;
		struct span_slot *t = calloc(nn, sizeof *t);
		if (!t)
			return -1;
		for (size_t i = 0; i < *n; i++) {
			if (!(*tab)[i].ci1)
				continue;
			size_t j = (*tab)[i].h & (nn - 1);
			while (t[j].ci1) /* the next empty slot: two cells may share a hash */
				j = (j + 1) & (nn - 1);
			t[j] = (*tab)[i];
		}
		free(*tab);
		*tab = t;
		*n = nn;
	}
	size_t j = h & (*n - 1);
	while ((*tab)[j].ci1)
		j = (j + 1) & (*n - 1);
	(*tab)[j] = (struct span_slot){h, ci + 1};
	(*used)++;
	return 0;
}

/* a short text held with what it meant (padded for same_bytes) */
static void text_keep(char *buf, size_t cap, size_t *len, const struct csv_field *f)
{
	if (f->len + 8 > cap) {
		*len = SIZE_MAX;
		return;
	}
	memset(buf, 0, cap);
	memcpy(buf, f->s, f->len);
	*len = f->len;
}

/* a short text seen on the row before and what it meant: the check, the
   run and the status repeat row after row, so each is worked out once */
struct seen {
	char text[64 + 8]; /* padded for same_bytes */
	size_t len;        /* > 64: nothing held */
	long value;
};

static inline int seen_is(const struct seen *m, const struct csv_field *f)
{
	return f->len == m->len && same_span(f->s, m->text, f->len); /* a run id: 8 bytes a load */
}

static void seen_set(struct seen *m, const struct csv_field *f, long value)
{
	text_keep(m->text, sizeof m->text, &m->len, f);
	m->value = value;
}

/* key: the factor values joined by \x1f */
static long find_cell(struct dataset *d, const char *key, size_t keylen,
		      struct csv_field **fv, unsigned file, unsigned long line)
{
	uint64_t h = key_hash(key, keylen);
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
	for (size_t k = 0; k < d->n_factors; k++)
		if (has_control(fv[k]->s, fv[k]->len))
			return -2 - (long)k; /* a new cell's values are checked once */
	if ((d->n_cells + 1) * 2 > d->n_slots && grow_table(d) != 0)
		return -1;
	struct cell *c = &d->cells[d->n_cells];
	memset(c, 0, sizeof *c);
	c->keybuf = calloc(1, 2 * (keylen + 1) + 8); /* the key, then its values split (padded) */
	c->factor = malloc((d->n_factors ? d->n_factors : 1) * sizeof *c->factor);
	c->flen = malloc((d->n_factors ? d->n_factors : 1) * sizeof *c->flen);
	if (!c->keybuf || !c->factor || !c->flen) {
		free(c->keybuf);
		free(c->factor);
		free(c->flen);
		return -1;
	}
	memcpy(c->keybuf, key, keylen);
	c->keybuf[keylen] = '\0';
	c->keylen = keylen;
	c->hash = h;
	c->name_hash = fnv(key, keylen);
	c->file0 = file;
	c->first_line = line;
	/* factor values point into the second half of keybuf */
	char *p = c->keybuf + keylen + 1;
	memcpy(p, key, keylen);
	for (size_t i = 0; i < d->n_factors; i++) {
		c->factor[i] = p;
		c->flen[i] = fv[i]->len;
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

/* grow by a half: large arrays are mmap'd by malloc, and realloc moves them
   with mremap, so the peak is what is used, not twice it */
static size_t grown(size_t cap)
{
	return cap < 64 ? 64 : cap + cap / 2;
}

/* ptr to cap elements of its type, or return -1 from the caller (the old
   block kept, as realloc leaves it) */
#define REGROW(ptr, cap)                                              \
	do {                                                          \
		void *regrown_ = realloc((ptr), (cap) * sizeof *(ptr)); \
		if (!regrown_)                                        \
			return -1;                                    \
		(ptr) = regrown_;                                     \
	} while (0)

/* seq and skew only where the cell's first file has the column: a column
   a file lacks holds nothing a trial */
static __attribute__((noinline)) int cell_grow(struct cell *c)
{
	size_t cap = grown(c->cap);
	REGROW(c->final, cap);
	REGROW(c->nspi, cap);
	REGROW(c->overlap, cap);
	if (c->has_seq)
		REGROW(c->seq, cap);
	if (c->has_skew)
		REGROW(c->skew, cap);
	c->cap = cap;
	return 0;
}

/* every usable trial: inline, the growth out of line */
static inline __attribute__((always_inline)) int cell_push(struct cell *c, uint64_t final, float nspi,
							   float overlap, uint32_t seq, float skew)
{
	if (c->n == c->cap && cell_grow(c) != 0)
		return -1;
	c->final[c->n] = final;
	c->nspi[c->n] = nspi;
	c->overlap[c->n] = overlap;
	if (c->has_seq)
		c->seq[c->n] = seq;
	if (c->has_skew)
		c->skew[c->n] = skew;
	c->n++;
	return 0;
}

/* a usable (status ok) trial into its cell: its guarantee checked, its
   loss counted, its values kept */
static inline __attribute__((always_inline)) int cell_take(struct cell *c, enum check chk, uint64_t final,
							   uint64_t expected, uint64_t elapsed, float overlap,
							   float opair, uint64_t seq, uint64_t skew)
{
	if ((chk == CHK_EXACT && final != expected) || (chk == CHK_AT_MOST && final > expected) ||
	    (chk == CHK_UNTOUCHED && final != 0))
		c->violations++;
	if (final < expected)
		c->lossy++;
	else if (final > expected)
		c->gained++;
	float nspi = (float)((double)elapsed / (double)expected); /* expected == work */
	return cell_push(c, final, nspi, opair >= 0.0f ? opair : overlap, (uint32_t)seq, (float)skew);
}

/* a cell's ids stop rising: from its runs, one id and one line a row */
static int ids_unroll(struct cell *c)
{
	size_t cap = grown(c->n_ids);
	uint64_t *id = malloc(cap * sizeof *id);
	uint32_t *line = malloc(cap * sizeof *line);
	if (!id || !line) {
		free(id);
		free(line);
		return -1;
	}
	size_t k = 0;
	for (size_t j = 0; j < c->n_idruns; j++)
		for (uint32_t i = 0; i < c->idrun_count[j]; i++, k++) {
			id[k] = c->idrun_first[j] + i;
			line[k] = c->idrun_line[j] + i * c->idrun_step[j];
		}
	c->id = id;
	c->id_line = line;
	c->cap_ids = cap;
	free(c->idrun_first);
	free(c->idrun_count);
	free(c->idrun_line);
	free(c->idrun_step);
	c->idrun_first = NULL;
	c->idrun_count = NULL;
	c->idrun_line = c->idrun_step = NULL;
	c->n_idruns = c->cap_idruns = 0;
	c->ids_rising = 0;
	return 0;
}

static int cell_push_id(struct cell *c, uint64_t id, uint32_t line)
{
	if (c->n_ids == 0)
		c->ids_rising = 1;
	else if (c->ids_rising && id <= c->last_id && ids_unroll(c) != 0)
		return -1;
	if (!c->ids_rising) {
		if (c->n_ids == c->cap_ids) {
			size_t cap = grown(c->cap_ids);
			REGROW(c->id_line, cap);
			REGROW(c->id, cap);
			c->cap_ids = cap;
		}
		c->id[c->n_ids] = id;
		c->id_line[c->n_ids] = line;
	} else if (c->n_idruns && id == c->last_id + 1 && c->idrun_count[c->n_idruns - 1] < UINT32_MAX &&
		   line > c->last_line &&
		   (c->idrun_count[c->n_idruns - 1] == 1 || line - c->last_line == c->idrun_step[c->n_idruns - 1])) {
		c->idrun_step[c->n_idruns - 1] = line - c->last_line;
		c->idrun_count[c->n_idruns - 1]++;
	} else {
		if (c->n_idruns == c->cap_idruns) {
			size_t cap = c->cap_idruns ? c->cap_idruns * 2 : 4;
			REGROW(c->idrun_first, cap);
			REGROW(c->idrun_count, cap);
			REGROW(c->idrun_line, cap);
			REGROW(c->idrun_step, cap);
			c->cap_idruns = cap;
		}
		c->idrun_first[c->n_idruns] = id;
		c->idrun_line[c->n_idruns] = line;
		c->idrun_step[c->n_idruns] = 0;
		c->idrun_count[c->n_idruns++] = 1;
	}
	c->last_id = id;
	c->last_line = line;
	c->n_ids++;
	return 0;
}

/* the common case inline: the next id of the cell's last run, its line as
   far past the last as the run's lines are apart (the next line, rows
   grouped; as many as there are cells, race's order) */
static inline __attribute__((always_inline)) int cell_push_next_id(struct cell *c, uint64_t id, uint32_t line)
{
	if (c->ids_rising && c->n_idruns && id > c->last_id && id == c->last_id + 1) {
		size_t r = c->n_idruns - 1;
		uint32_t n = c->idrun_count[r];
		if (n > 1 && n < UINT32_MAX && line > c->last_line && line - c->last_line == c->idrun_step[r]) {
			c->idrun_count[r] = n + 1;
			c->last_id = id;
			c->last_line = line;
			c->n_ids++;
			return 0;
		}
	}
	return cell_push_id(c, id, line);
}

void cell_label(const struct dataset *d, const struct cell *c, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < d->n_factors && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", i ? " " : "",
					 d->factor_names[i], c->factor[i]);
}

const char *cell_factor(const struct dataset *d, const struct cell *c, const char *name)
{
	for (size_t i = 0; i < d->n_factors; i++)
		if (strcmp(d->factor_names[i], name) == 0)
			return c->factor[i];
	return NULL;
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
		d->procs_factor = d->strategy_factor = -1;
		for (size_t i = 0, k = 0; i < r->nf; i++) {
			if (is_measure_column(r->f[i].s))
				continue;
			d->factor_names[k] = strdup(r->f[i].s);
			if (!d->factor_names[k])
				return rl_fail(e, RL_ESYS, "out of memory");
			if (strcmp(r->f[i].s, "procs") == 0)
				d->procs_factor = (int)k;
			if (strcmp(r->f[i].s, "strategy") == 0)
				d->strategy_factor = (int)k;
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
		if (i < 0)
			return rl_fail(e, RL_EINPUT, "%s:1: lacks the factor column '%.64s' of the first file",
				       r->path, d->factor_names[k]);
		fidx[k] = (size_t)i;
	}
	return 0;
}

/* the run's index, adding it if new */
static long run_index(struct dataset *d, const char *run, size_t len)
{
	uint64_t h = fnv(run, len);
	if (d->n_run_slots) {
		for (size_t j = h & (d->n_run_slots - 1); d->run_slots[j]; j = (j + 1) & (d->n_run_slots - 1)) {
			const char *r = d->runs[d->run_slots[j] - 1];
			if (strlen(r) == len && memcmp(r, run, len) == 0)
				return (long)(d->run_slots[j] - 1);
		}
	}
	if (d->n_runs == 65535)
		return -2;
	if ((d->n_runs + 1) * 2 > d->n_run_slots) {
		size_t ns = d->n_run_slots ? d->n_run_slots * 2 : 64;
		size_t *s = calloc(ns, sizeof *s);
		char **runs = realloc(d->runs, ns * sizeof *runs);
		if (!s || !runs) {
			free(s);
			if (runs)
				d->runs = runs;
			return -1;
		}
		d->runs = runs;
		for (unsigned i = 0; i < d->n_runs; i++) {
			size_t j = fnv(d->runs[i], strlen(d->runs[i])) & (ns - 1);
			while (s[j])
				j = (j + 1) & (ns - 1);
			s[j] = i + 1;
		}
		free(d->run_slots);
		d->run_slots = s;
		d->n_run_slots = ns;
	}
	char *copy = strndup(run, len);
	if (!copy)
		return -1;
	d->runs[d->n_runs] = copy;
	size_t j = h & (d->n_run_slots - 1);
	while (d->run_slots[j])
		j = (j + 1) & (d->n_run_slots - 1);
	d->run_slots[j] = d->n_runs + 1;
	return (long)d->n_runs++;
}

/* ---- plain rows of a known cell, read in one pass ----
 *
 * Most rows are plain (no quote, no carriage return) and belong to a cell
 * already seen, with every text the cell's: its factor values, its
 * expected and check texts, the run of the row before, status "ok". Such
 * a row is read here straight from the reader's buffer, column by column
 * as the header lays them out: a text column is compared with what it
 * must hold, a count is read digit by digit as far as its digits go, a
 * share must be race's "0.dddddd", any other column is skipped to its
 * comma. Each column must end with its separator and the row with its
 * newline. Anything else -- another text, a new cell, a number race would
 * not write, a bad one, a row near the buffer's end -- leaves the row
 * untouched for the general path below (csv_reader_next and the checks
 * after it), which then reads it and decides exactly as it always does:
 * this path accepts only rows the general one accepts, with the same
 * values, and refuses none. A unit test loads the same files both ways. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__SSE2__)
#define FAST_ROWS 1
#endif

enum fcol { FC_OTHER, FC_SPAN, FC_RUN, FC_EXPECTED, FC_CHECK, FC_STATUS, FC_FINAL,
	    FC_LOST, FC_ELAPSED, FC_OVERLAP, FC_OPAIR, FC_TRIAL, FC_SEQ, FC_SKEW,
	    FC_MEASURES /* trial to overlap_pair, as race writes them: one step */ };

struct fast {
	int on;
	size_t nrun;
	size_t lead;          /* the factor run that comes first in the row: it names the cell */
	size_t lead_col;      /* its first column: the separators before it */
	struct fop {          /* the row as steps: a column each, a factor run in one */
		unsigned char kind, sep; /* sep: what ends it, a comma or (the last) the newline */
		uint16_t run;     /* FC_SPAN: its run */
	} *op;
	size_t nop;
	/* per cell: its runs as a plain row holds them (values joined by
	   commas), one buffer a cell (padded), NULL until learnt or when a
	   value holds a comma, quote, CR or LF (such a row is never plain) */
	char **tmpl;
	size_t *toff, *tlen;  /* [ci * nrun + j] */
	uint8_t *learnt;      /* 1: tmpl[ci] tried (it may be NULL) */
	struct prog *prog;    /* per cell: its plain row as a program (below) */
	size_t *follow;       /* per cell: the cell of the row that came after its last row */
	size_t cap;
	uint64_t gen;         /* the run of the row before, as a generation: a program
				 holds its text, and is made again once it changes */
	struct span_slot *tab; /* cells by the hash of their first run's text */
	size_t ntab, utab;
};

/* A cell's plain row as a program: the steps of the file's plan with the
   cell's texts put in (its factor runs, expected, check, status ok and the
   run of the row before), each with the separator after it, and texts next
   to one another joined into one step, compared in one go; what varies
   from row to row (the counts, the shares, a column not read) a step each. */
enum pk { PK_TEXT, PK_NUM, PK_LOST, PK_UNIT, PK_OPAIR, PK_SKIP, PK_MEAS };
enum { SL_TRIAL, SL_FINAL, SL_ELAPSED, SL_SEQ, SL_SKEW, SL_N };
struct pop {
	unsigned char kind, sep, slot; /* PK_NUM: where its value goes */
	uint32_t off, len;             /* PK_TEXT, and PK_MEAS's expected: bytes of the text */
};
struct prog {
	struct pop *op;
	size_t nop;
	char *text;                    /* padded for same_span */
	uint64_t gen;                  /* the run generation it holds */
	int made;                      /* 1: op and text are this generation's (op NULL: no program) */
};

static void fast_free(struct fast *fs)
{
	for (size_t i = 0; fs->tmpl && i < fs->cap; i++)
		free(fs->tmpl[i]);
	for (size_t i = 0; fs->prog && i < fs->cap; i++) {
		free(fs->prog[i].op);
		free(fs->prog[i].text);
	}
	free(fs->prog);
	free(fs->follow);
	free(fs->tmpl);
	free(fs->toff);
	free(fs->tlen);
	free(fs->learnt);
	free(fs->op);
	free(fs->tab);
}

#if defined(FAST_ROWS)
/* n bytes at p, eight at a time, the tail masked (p has eight readable
   bytes past n) */
static uint64_t text_hash(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	for (;; p += 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		if (n < 8)
			w = n ? w & (~0ull >> (8 * (8 - n))) : 0;
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		if (n <= 8)
			return h;
		n -= 8;
	}
}

/* A count at p, as csv_parse_u64 reads one: its digits' number (1 to 20)
   and value, 0 when there is no digit or it is not a count. Up to seven
   digits from one load, converted without a second look (SWAR). */
static inline size_t digits_at(const char *p);
static inline __attribute__((always_inline)) size_t count_at(const char *p, uint64_t *v)
{
	uint64_t w;
	memcpy(&w, p, 8);
	uint64_t x = w ^ 0x3030303030303030ull; /* a digit: 0 .. 9 */
	uint64_t nd = (((x & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) | x) & 0x8080808080808080ull;
	if (nd) {
		size_t n = (size_t)(__builtin_ctzll(nd) >> 3);
		if (n == 0)
			return 0;
		x <<= 8 * (8 - n); /* the digits to the top, leading zeros below */
		x = (x * 2561) >> 8;
		x = ((x & 0x00ff00ff00ff00ffull) * 6553601) >> 16;
		*v = ((x & 0x0000ffff0000ffffull) * 42949672960001ull) >> 32;
		return n;
	}
	size_t n = digits_at(p);
	return csv_parse_u64(p, n, v) == 0 ? n : 0;
}

/* how many decimal digits begin at p (eight bytes a load; at most 24) */
static inline size_t digits_at(const char *p)
{
	size_t n = 0;
	for (int k = 0; k < 3; k++, n += 8) {
		uint64_t w;
		memcpy(&w, p + n, 8);
		uint64_t x = w ^ 0x3030303030303030ull; /* a digit: 0 .. 9 */
		uint64_t nd = (((x & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) | x) & 0x8080808080808080ull;
		if (nd)
			return n + (size_t)(__builtin_ctzll(nd) >> 3);
	}
	return n;
}
#endif

/* The plan for this file's columns; off where a column the cell decides
   (expected, check) comes before the first factor, or there are no factors. */
static int fast_plan(struct fast *fs, const struct dataset *d, size_t ncol, const long *col,
		     const size_t *fidx, const struct frun *run, size_t nrun)
{
	memset(fs, 0, sizeof *fs);
#if defined(FAST_ROWS)
	if (d->no_fast || nrun == 0)
		return 0;
	/* each column's kind (a factor run's first column: the run), then the steps */
	unsigned char *kind = calloc(ncol, 1);
	size_t *arg = calloc(ncol, sizeof *arg);
	if (!kind || !arg) {
		free(kind);
		free(arg);
		return -1;
	}
	fs->nrun = nrun;
	for (size_t j = 0; j < nrun; j++) {
		size_t c0 = fidx[run[j].k0];
		kind[c0] = FC_SPAN;
		arg[c0] = j;
	}
	static const struct {
		int c;
		unsigned char k;
	} measure_kind[] = {
		{C_RUN, FC_RUN}, {C_EXPECTED, FC_EXPECTED}, {C_CHECK, FC_CHECK}, {C_STATUS, FC_STATUS},
		{C_FINAL, FC_FINAL}, {C_LOST, FC_LOST}, {C_ELAPSED, FC_ELAPSED}, {C_OVERLAP, FC_OVERLAP},
		{C_OVERLAP_PAIR, FC_OPAIR}, {C_TRIAL, FC_TRIAL}, {C_SEQ, FC_SEQ}, {C_SKEW, FC_SKEW},
	};
	for (size_t i = 0; i < sizeof measure_kind / sizeof *measure_kind; i++)
		if (col[measure_kind[i].c] >= 0)
			kind[col[measure_kind[i].c]] = measure_kind[i].k;
	/* the first factor run names the cell: nothing that needs the cell before it */
	size_t first = fidx[run[0].k0];
	for (size_t j = 1; j < nrun; j++)
		if (fidx[run[j].k0] < first) {
			first = fidx[run[j].k0];
			fs->lead = j;
		}
	fs->lead_col = first;
	int usable = nrun <= UINT16_MAX;
	for (size_t i = 0; i < first; i++)
		usable &= kind[i] != FC_EXPECTED && kind[i] != FC_CHECK;
	if (usable && !(fs->op = calloc(ncol, sizeof *fs->op))) {
		free(kind);
		free(arg);
		return -1;
	}
	for (size_t i = 0; usable && i < ncol; i++) {
		struct fop *o = &fs->op[fs->nop++];
		o->kind = kind[i];
		if (o->kind == FC_SPAN) { /* the run's columns in one step */
			o->run = (uint16_t)arg[i];
			i += run[o->run].m - 1;
		}
		o->sep = i + 1 < ncol ? ',' : '\n';
	}
	free(kind);
	free(arg);
	if (!usable)
		return 0;
	/* race's seven measures in its order, none last: one step, not seven */
	static const unsigned char seven[] = {FC_TRIAL, FC_EXPECTED, FC_FINAL, FC_LOST, FC_ELAPSED, FC_OVERLAP, FC_OPAIR};
	for (size_t i = 0; i + 7 <= fs->nop; i++) {
		size_t m = 0;
		while (m < 7 && fs->op[i + m].kind == seven[m] && fs->op[i + m].sep == ',')
			m++;
		if (m == 7) {
			fs->op[i].kind = FC_MEASURES;
			memmove(fs->op + i + 1, fs->op + i + 7, (fs->nop - i - 7) * sizeof *fs->op);
			fs->nop -= 6;
			break;
		}
	}
	fs->on = 1;
#else
	(void)d; (void)ncol; (void)col; (void)fidx; (void)run; (void)nrun;
#endif
	return 0;
}

#if defined(FAST_ROWS)
/* Cell ci's runs as a plain row holds them, and the cell in the table by
   its lead run's text; once a cell (a value no plain row can hold: none). */
static int fast_learn(struct fast *fs, const struct dataset *d, size_t ci, const struct frun *run)
{
	if (ci >= fs->cap) {
		size_t cap = fs->cap ? fs->cap : 16;
		while (cap <= ci)
			cap *= 2;
		char **t = realloc(fs->tmpl, cap * sizeof *t);
		if (!t)
			return -1;
		fs->tmpl = t;
		uint8_t *l = realloc(fs->learnt, cap);
		if (!l)
			return -1;
		fs->learnt = l;
		size_t *o = realloc(fs->toff, cap * fs->nrun * sizeof *o);
		if (!o)
			return -1;
		fs->toff = o;
		size_t *n = realloc(fs->tlen, cap * fs->nrun * sizeof *n);
		if (!n)
			return -1;
		fs->tlen = n;
		struct prog *pg = realloc(fs->prog, cap * sizeof *pg);
		if (!pg)
			return -1;
		fs->prog = pg;
		size_t *fo = realloc(fs->follow, cap * sizeof *fo);
		if (!fo)
			return -1;
		fs->follow = fo;
		for (size_t i = fs->cap; i < cap; i++) {
			fs->tmpl[i] = NULL;
			fs->learnt[i] = 0;
			fs->prog[i] = (struct prog){0};
			fs->follow[i] = i;
		}
		fs->cap = cap;
	}
	if (fs->learnt[ci])
		return 0;
	fs->learnt[ci] = 1;
	const struct cell *c = &d->cells[ci];
	size_t total = 0;
	for (size_t k = 0; k < d->n_factors; k++) {
		for (size_t i = 0; i < c->flen[k]; i++) {
			char ch = c->factor[k][i];
			if (ch == ',' || ch == '"' || ch == '\r' || ch == '\n')
				return 0; /* never in a plain row */
		}
		total += c->flen[k] + 1;
	}
	char *t = calloc(1, total + 16);
	if (!t)
		return -1;
	size_t at = 0;
	for (size_t j = 0; j < fs->nrun; j++) {
		fs->toff[ci * fs->nrun + j] = at;
		for (size_t m = 0; m < run[j].m; m++) {
			size_t k = run[j].k0 + m;
			if (m)
				t[at++] = ',';
			memcpy(t + at, c->factor[k], c->flen[k]);
			at += c->flen[k];
		}
		fs->tlen[ci * fs->nrun + j] = at - fs->toff[ci * fs->nrun + j];
		at++; /* a zero between runs */
	}
	fs->tmpl[ci] = t;
	if ((fs->utab + 1) * 2 > fs->ntab) {
		size_t nn = fs->ntab ? fs->ntab * 2 : 64;
		struct span_slot *tab = calloc(nn, sizeof *tab);
		if (!tab)
			return -1;
		for (size_t i = 0; i < fs->ntab; i++)
			if (fs->tab[i].ci1) {
				size_t j = fs->tab[i].h & (nn - 1);
				while (tab[j].ci1)
					j = (j + 1) & (nn - 1);
				tab[j] = fs->tab[i];
			}
		free(fs->tab);
		fs->tab = tab;
		fs->ntab = nn;
	}
	size_t L = fs->lead;
	uint64_t h = text_hash(t + fs->toff[ci * fs->nrun + L], fs->tlen[ci * fs->nrun + L]);
	size_t j = h & (fs->ntab - 1);
	while (fs->tab[j].ci1)
		j = (j + 1) & (fs->ntab - 1);
	fs->tab[j] = (struct span_slot){h, ci + 1};
	fs->utab++;
	return 0;
}

/* the lead run at p, ending at the m-th separator (a comma, or the
   newline for a run that ends the row), within 64 bytes: its length, or
   SIZE_MAX */
static size_t lead_len(const char *p, size_t m)
{
	const __m128i commas = _mm_set1_epi8(','), nls = _mm_set1_epi8('\n');
	uint64_t mask = 0;
	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		mask |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, commas),
									   _mm_cmpeq_epi8(v, nls))) << (16 * k);
	}
	for (size_t i = 1; i < m && mask; i++)
		mask &= mask - 1;
	return mask ? (size_t)__builtin_ctzll(mask) : SIZE_MAX;
}

/* may a text stand in a program? (a separator, quote, CR or LF in it
   would let a row of other columns match it) */
static int text_plain(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i] == ',' || t[i] == '"' || t[i] == '\r' || t[i] == '\n')
			return 0;
	return 1;
}

/* the text step the program ends with, longer by t[0..n) */
static int prog_text(struct pop **op, size_t *nop, char **text, size_t *len, size_t *cap, const char *t, size_t n)
{
	if (*len + n + 16 > *cap) {
		size_t nc = (*len + n + 16) * 2;
		char *x = realloc(*text, nc);
		if (!x)
			return -1;
		*text = x;
		*cap = nc;
	}
	memcpy(*text + *len, t, n);
	if (*nop && (*op)[*nop - 1].kind == PK_TEXT && (*op)[*nop - 1].off + (*op)[*nop - 1].len == *len)
		(*op)[*nop - 1].len += (uint32_t)n;
	else
		(*op)[(*nop)++] = (struct pop){PK_TEXT, 0, 0, (uint32_t)*len, (uint32_t)n};
	*len += n;
	return 0;
}

/* Cell ci's program for rows of the run held in run_seen; none (op NULL)
   where one of its texts could not stand in a plain row, or the cell has
   no row yet (its expected and check texts come from its first).
   -1: out of memory. */
static int prog_make(struct fast *fs, const struct dataset *d, size_t ci, const struct seen *run_seen)
{
	struct prog *pg = &fs->prog[ci];
	free(pg->op);
	free(pg->text);
	*pg = (struct prog){NULL, 0, NULL, fs->gen, 1};
	const struct cell *c = &d->cells[ci];
	if (c->n_ids == 0)
		pg->made = 0; /* made once its first row has been taken */
	if (!fs->tmpl[ci] || c->n_ids == 0 || c->exp_len == SIZE_MAX)
		return 0;
	struct pop *op = malloc(fs->nop * sizeof *op);
	size_t nop = 0, len = 0, cap = 0;
	char *text = NULL;
	if (!op)
		return -1;
	int ok = 1;
	for (size_t i = 0; ok && i < fs->nop; i++) {
		const struct fop *o = &fs->op[i];
		char sep = (char)o->sep;
		const char *t = NULL;
		size_t n = 0;
		switch (o->kind) {
		case FC_SPAN:
			t = fs->tmpl[ci] + fs->toff[ci * fs->nrun + o->run];
			n = fs->tlen[ci * fs->nrun + o->run];
			break;
		case FC_RUN:
			ok = run_seen->len <= 64 && text_plain(run_seen->text, run_seen->len);
			t = run_seen->text;
			n = run_seen->len;
			break;
		case FC_EXPECTED:
			t = c->exp_text;
			n = c->exp_len;
			break;
		case FC_CHECK:
			ok = c->chk_len != SIZE_MAX && text_plain(c->chk_text, c->chk_len);
			t = c->chk_text;
			n = c->chk_len;
			break;
		case FC_STATUS:
			t = "ok";
			n = 2;
			break;
		case FC_MEASURES: /* the expected text kept after the program's texts */
			op[nop++] = (struct pop){PK_MEAS, (unsigned char)sep, 0, 0, (uint32_t)c->exp_len};
			continue;
		case FC_FINAL: op[nop++] = (struct pop){PK_NUM, (unsigned char)sep, SL_FINAL, 0, 0}; continue;
		case FC_ELAPSED: op[nop++] = (struct pop){PK_NUM, (unsigned char)sep, SL_ELAPSED, 0, 0}; continue;
		case FC_TRIAL: op[nop++] = (struct pop){PK_NUM, (unsigned char)sep, SL_TRIAL, 0, 0}; continue;
		case FC_SEQ: op[nop++] = (struct pop){PK_NUM, (unsigned char)sep, SL_SEQ, 0, 0}; continue;
		case FC_SKEW: op[nop++] = (struct pop){PK_NUM, (unsigned char)sep, SL_SKEW, 0, 0}; continue;
		case FC_LOST: op[nop++] = (struct pop){PK_LOST, (unsigned char)sep, 0, 0, 0}; continue;
		case FC_OVERLAP: op[nop++] = (struct pop){PK_UNIT, (unsigned char)sep, 0, 0, 0}; continue;
		case FC_OPAIR: op[nop++] = (struct pop){PK_OPAIR, (unsigned char)sep, 0, 0, 0}; continue;
		default: op[nop++] = (struct pop){PK_SKIP, (unsigned char)sep, 0, 0, 0}; continue;
		}
		if (ok && (prog_text(&op, &nop, &text, &len, &cap, t, n) != 0 ||
			   prog_text(&op, &nop, &text, &len, &cap, &sep, 1) != 0)) {
			free(op);
			free(text);
			return -1;
		}
	}
	/* then the expected text, for PK_MEAS (no step of its own), and the padding */
	char *x = ok ? realloc(text, len + c->exp_len + 16) : NULL;
	if (!x) {
		free(op);
		free(text);
		return ok ? -1 : 0;
	}
	text = x;
	memcpy(text + len, c->exp_text, c->exp_len);
	for (size_t i = 0; i < nop; i++)
		if (op[i].kind == PK_MEAS)
			op[i].off = (uint32_t)len;
	memset(text + len + c->exp_len, 0, 16);
	pg->op = op;
	pg->nop = nop;
	pg->text = text;
	return 0;
}

/* the values a plain row holds */
struct rowv {
	uint64_t v[SL_N], lost;
	int lost_neg;
	float overlap, opair;
};

/* The steps of a program that read a value, each from p to past the
   separator sep after it; NULL where the column is not as race writes it.
   A count (digits only): */
static inline __attribute__((always_inline)) const char *step_count(const char *p, char sep, uint64_t *v)
{
	size_t n = count_at(p, v);
	return n && p[n] == sep ? p + n + 1 : NULL;
}

/* lost: a count, or '-' and a count above 0 */
static inline __attribute__((always_inline)) const char *step_lost(const char *p, char sep, struct rowv *rv)
{
	rv->lost_neg = *p == '-';
	p = step_count(p + rv->lost_neg, sep, &rv->lost);
	return p && !(rv->lost_neg && rv->lost == 0) ? p : NULL;
}

/* a share, "0.dddddd"; overlap_pair may be empty (overlap is used) */
static inline __attribute__((always_inline)) const char *step_unit(const char *p, char sep, float *v, int may_be_empty)
{
	if (may_be_empty && *p == sep)
		return p + 1;
	struct csv_field f = {(char *)(uintptr_t)p, 8};
	return p[8] == sep && unit_fast(&f, v) == 0 ? p + 9 : NULL;
}

/* Run the program over the row at p: past its newline, or NULL where the
   row is not one it takes (another cell's, another run's, or anything the
   general path must see). Every step starts before the limit lim and
   reads at most 64 bytes; a text is compared only where it ends before it. */
static inline __attribute__((always_inline)) const char *prog_run(const struct prog *pg, const char *p,
								  const char *lim, struct rowv *rv)
{
	rv->opair = -1.0f;
	rv->v[SL_SEQ] = rv->v[SL_SKEW] = rv->v[SL_TRIAL] = 0;
	rv->lost = 0;
	rv->lost_neg = 0;
	for (const struct pop *o = pg->op, *oend = pg->op + pg->nop; o < oend; o++) {
		if (o->kind == PK_TEXT) { /* it ends before the limit */
			if (o->len > (size_t)(lim - p) || !same_span(p, pg->text + o->off, o->len))
				return NULL;
			p += o->len;
			continue;
		}
		if (p >= lim)
			return NULL;
		char sep = (char)o->sep;
		switch (o->kind) {
		case PK_NUM:
			p = step_count(p, sep, &rv->v[o->slot]);
			break;
		case PK_LOST:
			p = step_lost(p, sep, rv);
			break;
		case PK_UNIT:
		case PK_OPAIR:
			p = step_unit(p, sep, o->kind == PK_OPAIR ? &rv->opair : &rv->overlap, o->kind == PK_OPAIR);
			break;
		case PK_MEAS: /* trial,expected,final,lost,elapsed_ns,overlap,overlap_pair: the steps in turn */
			if (!(p = step_count(p, ',', &rv->v[SL_TRIAL])) || p >= lim || o->len > (size_t)(lim - p) ||
			    !same_span(p, pg->text + o->off, o->len) || p[o->len] != ',')
				return NULL;
			p += o->len + 1; /* each step from before the limit, as the loop's */
			if (p >= lim || !(p = step_count(p, ',', &rv->v[SL_FINAL])) || p >= lim ||
			    !(p = step_lost(p, ',', rv)) || p >= lim || !(p = step_count(p, ',', &rv->v[SL_ELAPSED])) ||
			    p >= lim || !(p = step_unit(p, ',', &rv->overlap, 0)) || p >= lim)
				return NULL;
			p = step_unit(p, sep, &rv->opair, 1);
			break;
		default: /* PK_SKIP: to its separator */
			if (*p != sep) {
				while (p < lim && *p != ',' && *p != '\n')
					p++;
				if (*p != sep)
					return NULL;
			}
			p++;
			break;
		}
		if (!p)
			return NULL;
	}
	return p - 1 < lim && p[-1] == '\n' ? p : NULL; /* the newline, before the limit: the row was plain */
}

/* The cell a plain row names by its lead run, found by the run's text;
   SIZE_MAX: none known (or not plain enough to tell) */
static size_t lead_cell(const struct fast *fs, const char *p, const char *lim, const struct frun *run)
{
	if (!fs->ntab)
		return SIZE_MAX;
	if (fs->lead_col) { /* past the columns before it */
		size_t n = lead_len(p, fs->lead_col);
		if (n == SIZE_MAX || n >= (size_t)(lim - p) || p[n] != ',')
			return SIZE_MAX;
		p += n + 1;
	}
	size_t j = fs->lead, n = lead_len(p, run[j].m);
	if (n == SIZE_MAX || n > (size_t)(lim - p))
		return SIZE_MAX;
	uint64_t h = text_hash(p, n);
	for (size_t s = h & (fs->ntab - 1); fs->tab[s].ci1; s = (s + 1) & (fs->ntab - 1)) {
		size_t k = fs->tab[s].ci1 - 1;
		if (fs->tab[s].h == h && fs->tlen[k * fs->nrun + j] == n &&
		    same_span(p, fs->tmpl[k] + fs->toff[k * fs->nrun + j], n))
			return k;
	}
	return SIZE_MAX;
}

/* cell ci's program, made again where the run has changed since; NULL:
   none (-1 in *oom where memory ran out) */
static inline const struct prog *prog_of(struct fast *fs, const struct dataset *d, size_t ci,
					 const struct seen *run_seen, int *oom)
{
	if (ci >= fs->cap || !fs->learnt[ci])
		return NULL;
	struct prog *pg = &fs->prog[ci];
	if ((!pg->made || pg->gen != fs->gen) && prog_make(fs, d, ci, run_seen) != 0) {
		*oom = 1;
		return NULL;
	}
	return pg->op ? pg : NULL;
}

/* Read the next row here if it is one this path takes: 1 taken, 0 left
   for the general path (nothing consumed), -1 out of memory. The row's
   cell is tried first as the one that came after the row before's cell
   last time (the same cell, rows grouped; the next cell, race's order),
   then looked up by its lead run's text. */
static inline __attribute__((always_inline)) int fast_row(struct dataset *d, struct fast *fs,
							  struct csv_reader *r, const char *p, const char *nl,
							  const long *col, const struct seen *run_seen, long run_last, const struct frun *run)
{
	/* p: the row, nl: the limit (csv_reader_peek_plain) */
	struct rowv rv;
	int oom = 0;
	size_t prev = d->last, ci = prev < fs->cap ? fs->follow[prev] : prev;
	const struct prog *pg = prog_of(fs, d, ci, run_seen, &oom);
	const char *end = pg ? prog_run(pg, p, nl, &rv) : NULL;
	if (!end) {
		size_t k = lead_cell(fs, p, nl, run);
		if (oom)
			return -1;
		if (k == SIZE_MAX || (k == ci && pg))
			return 0;
		ci = k;
		pg = prog_of(fs, d, ci, run_seen, &oom);
		end = pg ? prog_run(pg, p, nl, &rv) : NULL;
		if (!end)
			return oom ? -1 : 0;
	}
	struct cell *c = &d->cells[ci];
	uint64_t final = rv.v[SL_FINAL], lost = rv.lost, trial = rv.v[SL_TRIAL];
	/* what the general path checks, in its order; anything off: its turn */
	uint64_t expected = c->expected;
	if (col[C_LOST] >= 0 && (rv.lost_neg ? final <= expected || lost != final - expected
					     : final > expected || lost != expected - final))
		return 0;
	if (rv.v[SL_SEQ] > UINT32_MAX || trial >> 48 || d->lines + r->next_line > UINT32_MAX)
		return 0;
	enum check chk = CHK_NONE;
	if (col[C_CHECK] >= 0 || col[C_STRATEGY] >= 0) {
		if (c->chk_len == SIZE_MAX)
			return 0;
		chk = c->check; /* the check text (compared) or the strategy (a factor) is the cell's */
	}
	csv_reader_take_plain(r, end - 1);
	if (prev < fs->cap)
		fs->follow[prev] = ci;
	d->last = ci;
	uint64_t tn = col[C_TRIAL] >= 0 ? trial : (d->rows + 1) & ((1ull << 48) - 1);
	if (cell_push_next_id(c, (uint64_t)run_last << 48 | tn, (uint32_t)(d->lines + r->line)) != 0)
		return -1;
	d->rows++;
	return cell_take(c, chk, final, expected, rv.v[SL_ELAPSED], rv.overlap, rv.opair, rv.v[SL_SEQ],
			 rv.v[SL_SKEW]) != 0 ? -1 : 1;
}
#endif

int dataset_load(struct dataset *d, const char *path, struct rl_err *e)
{
	if (d->n_files == 65535)
		return rl_fail(e, RL_EINPUT, "%s: more than 65535 input files", path);
	char **files = realloc(d->files, (d->n_files + 1) * sizeof *files);
	if (!files)
		return rl_fail(e, RL_ESYS, "out of memory");
	d->files = files;
	uint64_t *base = realloc(d->line_base, (d->n_files + 1) * sizeof *base);
	if (!base)
		return rl_fail(e, RL_ESYS, "out of memory");
	d->line_base = base;
	if (!(d->files[d->n_files] = strdup(path)))
		return rl_fail(e, RL_ESYS, "out of memory");
	d->line_base[d->n_files] = d->lines;
	unsigned file = d->n_files++;

	struct csv_reader r;
	int rc = csv_reader_open(&r, path, e);
	if (rc != 0)
		return rc;
	size_t *fidx = NULL, nheader = 0;
	long col[C_N];
	struct colindex cx = {NULL, 0, NULL};
	char *key = NULL;
	size_t keycap = 0;
	struct csv_field **fv = NULL;
	struct frun *run = NULL; /* the factors' runs of adjacent columns */
	size_t nrun = 0;
	struct span_slot *stab = NULL; /* this file's cells by their factor runs' hash */
	size_t nstab = 0, ustab = 0;
	struct fast fs;
	memset(&fs, 0, sizeof fs);

	rc = csv_reader_next(&r, e);
	if (rc == 0)
		rc = rl_fail(e, RL_EINPUT, "%s: empty file (no header row)", path);
	if (rc < 0)
		goto out;
	nheader = r.nf;
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
	fv = malloc((nheader + 1) * sizeof *fv);
	if (!fidx || !fv) {
		rc = rl_fail(e, RL_ESYS, "out of memory");
		goto out;
	}
	rc = set_factors(d, &r, &cx, fidx, e);
	run = malloc((d->n_factors ? d->n_factors : 1) * sizeof *run);
	if (!run && rc == 0)
		rc = rl_fail(e, RL_ESYS, "out of memory");
	for (size_t k = 0; rc == 0 && k < d->n_factors; k++) {
		if (nrun && fidx[k] == fidx[k - 1] + 1 && run[nrun - 1].k0 + run[nrun - 1].m == k)
			run[nrun - 1].m++;
		else
			run[nrun++] = (struct frun){k, 1};
	}
	if (rc == 0 && fast_plan(&fs, d, nheader, col, fidx, run, nrun) != 0)
		rc = rl_fail(e, RL_ESYS, "out of memory");
	long run_last = -1;
	struct seen run_seen = {.len = SIZE_MAX};
	char none[16] = {0};
	struct csv_field nofield = {none, 0};

	while (rc == 0) {
#if defined(FAST_ROWS)
		if (fs.on) { /* as many rows as it takes, under one limit */
			const char *lim, *p = csv_reader_peek_plain(&r, &lim);
			int taken = 0;
			while (p && (taken = fast_row(d, &fs, &r, p, lim, col, &run_seen, run_last, run)) > 0)
				p = r.buf + r.pos < lim ? r.buf + r.pos : NULL;
			if (taken < 0) {
				rc = rl_fail(e, RL_ESYS, "out of memory");
				break;
			}
			if (taken)
				continue; /* the limit reached: look again */
		}
#endif
		if ((rc = csv_reader_next(&r, e)) != 1)
			break;
		rc = 0;
		if (r.nf == 1 && r.f[0].len == 0)
			continue; /* a blank line */
		if (r.nf != nheader) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: %zu fields, the header has %zu", path, r.line,
				     r.nf, nheader);
			break;
		}
		int bad = -1;
		uint64_t expected, procs, iters, elapsed, final, trial = 0, seq = 0, skew = 0;
		uint64_t lost = 0; /* its magnitude; lost_neg: below zero */
		int lost_neg = 0;
		float overlap, opair = -1.0f;
		/* a row of the previous row's cell (procs and iters are factors:
		   the same text) with the same expected text: those three are
		   the cell's, already read and checked */
		int same_cell = d->n_cells && row_in_cell_runs(d, &d->cells[d->last], &r, fidx, run, nrun);
		uint64_t sh = 0;
		if (!same_cell && r.plain && nrun) {
			sh = span_hash(&r, fidx, run, nrun);
			for (size_t j = nstab ? sh & (nstab - 1) : 0; nstab && stab[j].ci1; j = (j + 1) & (nstab - 1))
				if (stab[j].h == sh && row_in_cell_runs(d, &d->cells[stab[j].ci1 - 1], &r, fidx, run, nrun)) {
					d->last = stab[j].ci1 - 1;
					same_cell = 1;
					break;
				}
		}
		/* the cell's first row had the same expected text: procs and iters
		   are factors (the same text too), so the three are the cell's,
		   already read and checked */
		const struct cell *lc = same_cell ? &d->cells[d->last] : NULL;
		const struct csv_field *ef = &r.f[col[C_EXPECTED]];
		int known = lc && lc->n_ids && ef->len == lc->exp_len && same_bytes(ef->s, lc->exp_text, ef->len);
		if (known) {
			expected = d->cells[d->last].expected;
			procs = d->cells[d->last].procs;
			iters = d->cells[d->last].iters;
		}
		if (!known && (parse_u64(&r.f[col[C_EXPECTED]], &expected) != 0 || expected == 0))
			bad = C_EXPECTED;
		else if (parse_u64(&r.f[col[C_FINAL]], &final) != 0)
			bad = C_FINAL;
		else if (!known && (parse_u64(&r.f[col[C_PROCS]], &procs) != 0 || procs == 0))
			bad = C_PROCS;
		else if (!known && (parse_u64(&r.f[col[C_ITERS]], &iters) != 0 || iters == 0))
			bad = C_ITERS;
		else if (parse_u64(&r.f[col[C_ELAPSED]], &elapsed) != 0)
			bad = C_ELAPSED;
		else if (parse_unit(&r.f[col[C_OVERLAP]], &overlap) != 0)
			bad = C_OVERLAP;
		else if (col[C_LOST] >= 0 && parse_signed(&r.f[col[C_LOST]], &lost_neg, &lost) != 0)
			bad = C_LOST;
		else if (col[C_OVERLAP_PAIR] >= 0 && r.f[col[C_OVERLAP_PAIR]].len &&
			 parse_unit(&r.f[col[C_OVERLAP_PAIR]], &opair) != 0)
			bad = C_OVERLAP_PAIR;
		else if (col[C_TRIAL] >= 0 && parse_u64(&r.f[col[C_TRIAL]], &trial) != 0)
			bad = C_TRIAL;
		else if (col[C_SEQ] >= 0 && (parse_u64(&r.f[col[C_SEQ]], &seq) != 0 || seq > UINT32_MAX))
			bad = C_SEQ;
		else if (col[C_SKEW] >= 0 && parse_u64(&r.f[col[C_SKEW]], &skew) != 0)
			bad = C_SKEW;
		if (bad >= 0) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: %s '%.40s' is not %s", path, r.line,
				     col_names[bad], r.f[col[bad]].s, col_wants[bad]);
			break;
		}
		if (col[C_LOST] >= 0 && (lost_neg ? final <= expected || lost != final - expected
						  : final > expected || lost != expected - final)) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: lost %s is not expected - final (%llu - %llu)",
				     path, r.line, r.f[col[C_LOST]].s, (unsigned long long)expected,
				     (unsigned long long)final);
			break;
		}
		if (!known && (u128)procs * iters != expected) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: expected %llu is not procs x iters (%llu x %llu)",
				     path, r.line, (unsigned long long)expected, (unsigned long long)procs,
				     (unsigned long long)iters);
			break;
		}
		if (d->lines + r.line > UINT32_MAX) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: more than 2^32 lines in all the inputs", path, r.line);
			break;
		}
		if (trial >> 48) {
			rc = rl_fail(e, RL_EINPUT, "%s:%lu: trial '%.40s' is above 2^48 - 1", path, r.line,
				     r.f[col[C_TRIAL]].s);
			break;
		}

		/* the cell: the row before's, or looked up by its key */
		long ci;
		if (same_cell) {
			ci = (long)d->last;
		} else {
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
			ci = find_cell(d, key, keylen, fv, file, r.line);
			if (ci <= -2) {
				rc = rl_fail(e, RL_EINPUT, "%s:%lu: %s holds a control character", path, r.line,
					     d->factor_names[-2 - ci]);
				break;
			}
			if (ci < 0 || (r.plain && nrun && span_insert(&stab, &nstab, &ustab, sh, (size_t)ci) != 0)) {
				rc = rl_fail(e, RL_ESYS, "out of memory");
				break;
			}
		}
		struct cell *c = &d->cells[ci];
#if defined(FAST_ROWS)
		if (fs.on && ((size_t)ci >= fs.cap || !fs.learnt[ci])) {
			if (fast_learn(&fs, d, (size_t)ci, run) != 0) {
				rc = rl_fail(e, RL_ESYS, "out of memory");
				break;
			}
		}
#endif
		/* the guarantee: by the check column, else by the strategy's name */
		const struct csv_field *kf = col[C_CHECK] >= 0 ? &r.f[col[C_CHECK]]
					   : col[C_STRATEGY] >= 0 ? &r.f[col[C_STRATEGY]] : NULL;
		enum check chk = CHK_NONE;
		if (kf && c->n_ids && kf->len == c->chk_len && same_bytes(kf->s, c->chk_text, kf->len))
			chk = c->check; /* the text the cell's first row had */
		else if (kf)
			chk = check_of(col[C_CHECK] >= 0 ? kf->s : NULL, col[C_CHECK] >= 0 ? NULL : kf->s);
		if (c->n_ids == 0) {
			c->expected = expected;
			c->procs = procs;
			c->iters = iters;
			c->check = chk;
			c->has_seq = col[C_SEQ] >= 0;
			c->has_skew = col[C_SKEW] >= 0;
			text_keep(c->exp_text, sizeof c->exp_text, &c->exp_len, ef);
			if (kf)
				text_keep(c->chk_text, sizeof c->chk_text, &c->chk_len, kf);
			else
				c->chk_len = SIZE_MAX;
		} else if (c->expected != expected || c->procs != procs || c->iters != iters) {
			char label[512];
			cell_label(d, c, label, sizeof label);
			rc = rl_fail(e, RL_EINPUT,
				     "%s:%lu: expected %llu differs from %llu earlier in cell [%s] (%s:%lu)",
				     path, r.line, (unsigned long long)expected,
				     (unsigned long long)c->expected, label, d->files[c->file0], c->first_line);
			break;
		}
		/* the run, for the duplicate check (rows of one run come together) */
		const struct csv_field *rf = col[C_RUN] >= 0 ? &r.f[col[C_RUN]] : &nofield;
		if (!seen_is(&run_seen, rf)) {
			run_last = run_index(d, rf->s, rf->len);
			if (run_last < 0) {
				rc = run_last == -2 ? rl_fail(e, RL_EINPUT, "%s:%lu: more than 65535 runs", path, r.line)
						    : rl_fail(e, RL_ESYS, "out of memory");
				break;
			}
			seen_set(&run_seen, rf, run_last);
			fs.gen++; /* the programs hold the run's text */
		}
		uint64_t tn = col[C_TRIAL] >= 0 ? trial : (d->rows + 1) & ((1ull << 48) - 1);
		if (cell_push_id(c, (uint64_t)run_last << 48 | tn, (uint32_t)(d->lines + r.line)) != 0) {
			rc = rl_fail(e, RL_ESYS, "out of memory");
			break;
		}
		d->rows++;
		if (col[C_STATUS] >= 0 && !(r.f[col[C_STATUS]].len == 2 && r.f[col[C_STATUS]].s[0] == 'o' &&
					    r.f[col[C_STATUS]].s[1] == 'k')) {
			c->failed++;
			continue;
		}
		if (cell_take(c, chk, final, expected, elapsed, overlap, opair, seq, skew) != 0) {
			rc = rl_fail(e, RL_ESYS, "out of memory");
			break;
		}
	}
out:
	d->lines += r.next_line; /* past this file's last line: the next file's lines come after */
	free(fv);
	free(run);
	free(stab);
	fast_free(&fs);
	free(cx.slot);
	free(fidx);
	free(key);
	csv_reader_close(&r);
	return rc < 0 ? rc : 0;
}

int is_count_text(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* counts by value (1 < 2 < 10), anything else as text */
static int value_cmp(const char *a, const char *b)
{
	if (is_count_text(a) && is_count_text(b)) {
		while (*a == '0' && a[1])
			a++;
		while (*b == '0' && b[1])
			b++;
		size_t la = strlen(a), lb = strlen(b);
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return strcmp(a, b);
}

static int cell_order(const void *x, const void *y, void *arg)
{
	const struct dataset *d = arg;
	const struct cell *a = x, *b = y;
	for (size_t k = 0; k < d->n_factors; k++) {
		int c = value_cmp(a->factor[k], b->factor[k]);
		if (c)
			return c;
	}
	return 0;
}

/* heapsort of the ids with their lines, in place: only for a cell whose
   rows came out of order, and with no memory beyond what is held */
static void id_sift(uint64_t *k, uint32_t *l, size_t root, size_t n)
{
	for (;;) {
		size_t c = 2 * root + 1;
		if (c >= n)
			return;
		if (c + 1 < n && (k[c + 1] > k[c] || (k[c + 1] == k[c] && l[c + 1] > l[c])))
			c++;
		if (k[c] < k[root] || (k[c] == k[root] && l[c] <= l[root]))
			return;
		uint64_t t = k[c];
		k[c] = k[root];
		k[root] = t;
		uint32_t u = l[c];
		l[c] = l[root];
		l[root] = u;
		root = c;
	}
}

static void id_sort(uint64_t *k, uint32_t *l, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		id_sift(k, l, i, n);
	for (size_t i = n; i-- > 1;) {
		uint64_t t = k[0];
		k[0] = k[i];
		k[i] = t;
		uint32_t u = l[0];
		l[0] = l[i];
		l[i] = u;
		id_sift(k, l, 0, i);
	}
}

/* file and line of a line counted over all inputs */
static unsigned file_of(const struct dataset *d, uint32_t gline, unsigned long *line)
{
	unsigned lo = 0, hi = d->n_files; /* the last file whose base is below gline */
	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;
		if (d->line_base[mid] < gline)
			lo = mid;
		else
			hi = mid;
	}
	*line = (unsigned long)(gline - d->line_base[lo]);
	return lo;
}

int dataset_check_duplicates(struct dataset *d, struct rl_err *e)
{
	for (size_t i = 0; i < d->n_cells; i++) {
		struct cell *c = &d->cells[i];
		if (!c->ids_rising)
			id_sort(c->id, c->id_line, c->n_ids);
		for (size_t k = 1; !c->ids_rising && k < c->n_ids; k++) {
			if (c->id[k - 1] != c->id[k])
				continue;
			char label[512];
			cell_label(d, c, label, sizeof label);
			unsigned long la, lb;
			unsigned fa = file_of(d, c->id_line[k - 1], &la), fb = file_of(d, c->id_line[k], &lb);
			const char *run = d->runs[c->id[k] >> 48];
			return rl_fail(e, RL_EINPUT,
				       "%s:%lu: repeats trial %llu of run %s in cell [%s], already read at %s:%lu",
				       d->files[fb], lb, (unsigned long long)(c->id[k] & ((1ull << 48) - 1)),
				       run[0] ? run : "(none)", label, d->files[fa], la);
		}
		free(c->id); /* done with: the statistics need none of it */
		free(c->id_line);
		free(c->idrun_first);
		free(c->idrun_count);
		free(c->idrun_line);
		free(c->idrun_step);
		c->id = NULL;
		c->id_line = NULL;
		c->idrun_first = NULL;
		c->idrun_count = NULL;
		c->idrun_line = c->idrun_step = NULL;
		c->n_ids = c->cap_ids = c->n_idruns = c->cap_idruns = 0;
	}
	/* the cells in the order of their factors, whatever the rows' order:
	   merged files and shuffled rounds give the same outputs */
	if (d->n_cells > 1)
		qsort_r(d->cells, d->n_cells, sizeof *d->cells, cell_order, d);
	free(d->slots);
	d->slots = NULL;
	d->n_slots = 0;
	return 0;
}

void dataset_free(struct dataset *d)
{
	for (size_t i = 0; i < d->n_cells; i++) {
		struct cell *c = &d->cells[i];
		free(c->keybuf);
		free(c->factor);
		free(c->flen);
		free(c->final);
		free(c->nspi);
		free(c->skew);
		free(c->overlap);
		free(c->seq);
		free(c->id);
		free(c->id_line);
		free(c->idrun_first);
		free(c->idrun_count);
		free(c->idrun_line);
		free(c->idrun_step);
		free(c->nspi_boot);
	}
	free(d->cells);
	free(d->slots);
	for (size_t i = 0; i < d->n_factors; i++)
		free(d->factor_names[i]);
	free(d->factor_names);
	for (unsigned i = 0; i < d->n_files; i++)
		free(d->files[i]);
	free(d->files);
	free(d->line_base);
	for (unsigned i = 0; i < d->n_runs; i++)
		free(d->runs[i]);
	free(d->runs);
	free(d->run_slots);
	memset(d, 0, sizeof *d);
}
