/* stats_test.c - racestat's statistics against values computed by hand, by
 * brute-force enumeration, or published (Newcombe 1998, R 4.2). */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../analysis/cells.h"
#include "../../analysis/csv.h"
#include "../../analysis/wide.h"
#include "../../analysis/interval.h"
#include "../../analysis/prop.h"
#include "../../analysis/rank.h"
#include "../../analysis/stats.h"
#include "tap.h"

/* the two-sided permutation p of U_b by listing every split of the pooled
   values into na and nb: what the exact Mann-Whitney must equal */
static double brute_p(const double *a, size_t na, const double *b, size_t nb)
{
	size_t N = na + nb;
	double pool[24];
	memcpy(pool, a, na * sizeof *a);
	memcpy(pool + na, b, nb * sizeof *b);
	/* U_b of a split: pairs (b > a) + half ties */
	double uobs = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			uobs += b[j] > a[i] ? 1.0 : b[j] == a[i] ? 0.5 : 0.0;
	double mean = (double)na * (double)nb / 2.0;
	unsigned long total = 0, tail = 0;
	for (unsigned long mask = 0; mask < (1ul << N); mask++) {
		if ((size_t)__builtin_popcountl(mask) != nb)
			continue;
		double u = 0;
		for (size_t i = 0; i < N; i++)
			if (!(mask >> i & 1))
				for (size_t j = 0; j < N; j++)
					if (mask >> j & 1)
						u += pool[j] > pool[i] ? 1.0 : pool[j] == pool[i] ? 0.5 : 0.0;
		total++;
		tail += fabs(u - mean) >= fabs(uobs - mean) - 1e-9;
	}
	return (double)tail / (double)total;
}

static int dcmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* two sorted samples with heavy ties: integers (kind 0, 3), shares on two
   grids (1, 4), mostly zeros (2); kinds 3 and 4 hold thousands of values */
static void tied_samples(double *ta, int na, double *tb, int nb, uint64_t *seed, int kind)
{
	for (int i = 0; i < na + nb; i++) {
		*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
		unsigned r = (unsigned)(*seed >> 33);
		double v = kind == 0 ? (double)(r % 51)
			 : kind == 1 ? (i < na ? (double)(r % 101) / 100.0 : (double)(r % 201) / 200.0)
			 : kind == 2 ? (r % 10 ? 0.0 : (double)(r % 97) / 97.0)
			 : kind == 3 ? (double)(r % 1500) : (double)(r % 3001) / 3000.0;
		if (i < na)
			ta[i] = v;
		else
			tb[i - na] = v;
	}
	stat_sort(ta, (size_t)na);
	stat_sort(tb, (size_t)nb);
}

/* the reference: digits one by one, overflow checked in 128 bits */
static int ref_u64(const char *s, size_t n, uint64_t *v)
{
	if (n == 0 || n > 20)
		return -1;
	u128 x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (unsigned)(s[i] - '0');
	}
	if (x > UINT64_MAX)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

/* csv_parse_u64 against the reference: every length 1 to 21, random
   digits (runs of nines and zeros among them), each with every byte
   changed in turn to a byte around the digits' range; the field placed
   at the end of a buffer with only CSV_SLACK bytes after it, the bytes
   past it random */
static void check_parse_u64(void)
{
	static const char odd[] = {'/', ':', '\0', ',', '-', ' ', 'a', (char)0xb0, (char)0xb9};
	uint64_t st = 12345;
	unsigned long tried = 0, bad = 0;
	char buf[64];
	for (int rep = 0; rep < 4000; rep++) {
		for (size_t n = 1; n <= 21; n++) {
			char *s = buf + sizeof buf - CSV_SLACK - 1 - n;
			for (size_t i = 0; i < sizeof buf; i++) {
				st = st * 6364136223846793005ull + 1442695040888963407ull;
				buf[i] = (char)(st >> 56);
			}
			int mode = rep % 3;
			for (size_t i = 0; i < n; i++) {
				st = st * 6364136223846793005ull + 1442695040888963407ull;
				s[i] = mode == 0 ? (char)('0' + (st >> 33) % 10) : mode == 1 ? '9' : (i ? '0' : '1');
			}
			s[n] = '\0';
			for (size_t c = 0; c <= n; c++) {
				char keep = c < n ? s[c] : 0;
				for (size_t o = 0; o < (c < n ? sizeof odd : 1); o++) {
					if (c < n)
						s[c] = odd[o];
					uint64_t a = 0, b = 0;
					int ra = csv_parse_u64(s, n, &a), rb = ref_u64(s, n, &b);
					tried++;
					if (ra != rb || (ra == 0 && a != b))
						bad++;
				}
				if (c < n)
					s[c] = keep;
			}
		}
	}
	TAP_OK(bad == 0, "csv_parse_u64 (eight digits at a time) agrees with digit-by-digit parsing on %lu fields of 1 to 21 "
	       "characters, each byte in turn corrupted (%lu differ)", tried, bad);
	uint64_t v = 0;
	TAP_OK(csv_parse_u64("18446744073709551615", 20, &v) == 0 && v == UINT64_MAX &&
	       csv_parse_u64("18446744073709551616", 20, &v) != 0, "csv_parse_u64: 2^64 - 1 is read, 2^64 refused");
}

/* The reader against a reference splitter written for the test: 3 MB of
   random valid CSV (plain and quoted fields, commas, doubled quotes and
   newlines inside quotes, LF and CRLF endings, blank lines, the last
   record with or without its newline) read from a file, so records cross
   the reader's 1 MB refills; every record's fields and line compared. */
struct refrec {
	size_t first, nf;   /* fields [first, first + nf) of the reference */
	unsigned long line;
};

static uint64_t lcg(uint64_t *st)
{
	*st = *st * 6364136223846793005ull + 1442695040888963407ull;
	return *st >> 33;
}

/* two sorted samples, a and then b, of value(r, in b) for r from lcg */
static void two_sorted(double *a, size_t na, double *b, size_t nb, uint64_t *seed,
		       double (*value)(uint64_t r, int in_b))
{
	for (size_t i = 0; i < na + nb; i++) {
		double v = value(lcg(seed), i >= na);
		if (i < na)
			a[i] = v;
		else
			b[i - na] = v;
	}
	stat_sort(a, na);
	stat_sort(b, nb);
}

/* untied values, b shifted a little; shares on two grids (tied, yet too
   many distinct values for the runs); 90 levels, b shifted */
static double v_untied(uint64_t r, int in_b) { return (double)r / 2147483648.0 + (in_b ? 0.001 : 0.0); }
static double v_grids(uint64_t r, int in_b)
{
	return in_b ? (double)(r % 80001) / 80000.0 : (double)(r % 40001) / 40000.0;
}
static double v_levels(uint64_t r, int in_b) { return (double)(r % 90) / 89.0 + (in_b ? 0.02 : 0.0); }

static void check_reader(void)
{
	size_t cap = 3u << 20, len = 0;
	char *text = malloc(cap + 4096);
	char **fs = NULL; /* the reference fields */
	size_t nfs = 0, capfs = 0, nrec = 0, caprec = 0;
	struct refrec *rec = NULL;
	uint64_t st = 777;
	unsigned long line = 1;
	int ok = text != NULL;
	for (int last = 0; ok && !last;) {
		last = len > cap;
		if (nrec == caprec) {
			caprec = caprec ? caprec * 2 : 1024;
			rec = realloc(rec, caprec * sizeof *rec);
		}
		rec[nrec] = (struct refrec){nfs, 0, line};
		size_t nf = lcg(&st) % 23 == 0 ? 1 : 1 + lcg(&st) % 20;
		int blank = nf == 1 && lcg(&st) % 2;
		for (size_t k = 0; k < nf; k++) {
			char field[64];
			size_t fl = 0;
			int quoted = !blank && lcg(&st) % 5 == 0;
			size_t n = blank ? 0 : lcg(&st) % 18;
			if (k)
				text[len++] = ',';
			if (quoted)
				text[len++] = '"';
			for (size_t i = 0; i < n; i++) {
				static const char plain[] = "abcxyz0123456789.-_ ";
				static const char inq[] = "ab9,\n\"";
				char ch = quoted ? inq[lcg(&st) % 6] : plain[lcg(&st) % 20];
				if (quoted && ch == '"')
					text[len++] = '"';
				if (ch == '\n')
					line++;
				text[len++] = ch;
				field[fl++] = ch;
			}
			if (quoted)
				text[len++] = '"';
			if (nfs == capfs) {
				capfs = capfs ? capfs * 2 : 4096;
				fs = realloc(fs, capfs * sizeof *fs);
			}
			fs[nfs++] = strndup(field, fl);
		}
		rec[nrec++].nf = nf;
		if (!last || lcg(&st) % 2) {
			if (lcg(&st) % 3 == 0)
				text[len++] = '\r';
			text[len++] = '\n';
			line++;
		}
	}
	char path[] = "/tmp/racelab-reader-XXXXXX";
	int fd = ok ? mkstemp(path) : -1;
	ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	size_t got = 0, wrong = 0;
	struct csv_reader r;
	struct rl_err e;
	if (ok && csv_reader_open(&r, path, &e) == 0) {
		int rc;
		while ((rc = csv_reader_next(&r, &e)) == 1) {
			if (got >= nrec) {
				wrong++;
				break;
			}
			const struct refrec *q = &rec[got++];
			int same = r.nf == q->nf && r.line == q->line;
			for (size_t k = 0; same && k < r.nf; k++)
				same = r.f[k].len == strlen(fs[q->first + k]) &&
				       memcmp(r.f[k].s, fs[q->first + k], r.f[k].len) == 0 && r.f[k].s[r.f[k].len] == '\0';
			wrong += !same;
		}
		if (rc < 0)
			wrong++;
		csv_reader_close(&r);
	} else {
		wrong++;
	}
	if (fd >= 0)
		unlink(path);
	TAP_OK(wrong == 0 && got == nrec, "the reader splits %zu records of %zu bytes (quotes, CRLF, refills) as the "
	       "reference does: %zu read, %zu differ", nrec, len, got, wrong);
	for (size_t i = 0; i < nfs; i++)
		free(fs[i]);
	free(fs);
	free(rec);
	free(text);
}

/* the radix sorts against qsort: sizes around the radix's threshold and
   above, keys narrow (one digit varies), wide and with every bit in use */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_f(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* stat_sorted_f64 against a one-at-a-time look: sorted runs of every
   length around its blocks of 64, with one step down, or a NaN, at each place */
static void check_sorted(void)
{
	int bad = 0, tried = 0;
	double x[200] = {0};
	for (size_t n = 0; n <= 200; n++) {
		for (size_t i = 0; i < n; i++)
			x[i] = (double)(i / 3); /* ties too */
		bad += stat_sorted_f64(x, n) != 1;
		tried++;
		for (size_t at = 1; at < n; at++) {
			for (int kind = 0; kind < 2; kind++) {
				double keep = x[at];
				x[at] = kind ? NAN : x[at - 1] - 0.5;
				bad += stat_sorted_f64(x, n) != 0;
				tried++;
				x[at] = keep;
			}
		}
	}
	TAP_OK(bad == 0, "the sortedness look (two neighbours a compare, 64 values a branch) finds every step down "
	       "and every NaN: %d of %d arrays told wrong", bad, tried);
}

static void check_sorts(void)
{
	static const size_t sizes[] = {0, 1, 2, 255, 256, 257, 5000, 100000};
	uint64_t st = 99;
	int bad = 0, tried = 0;
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
		for (int shape = 0; shape < 3; shape++) {
			size_t n = sizes[si];
			uint64_t *u = malloc((n + 1) * sizeof *u), *ur = malloc((n + 1) * sizeof *ur);
			float *f = malloc((n + 1) * sizeof *f), *fr = malloc((n + 1) * sizeof *fr);
			for (size_t i = 0; i < n; i++) {
				uint64_t x = lcg(&st) << 31 ^ lcg(&st);
				u[i] = shape == 0 ? 1000 + x % 7 : shape == 1 ? x % 300000 : x << 2 ^ lcg(&st);
				f[i] = shape == 0 ? 0.25f : shape == 1 ? (float)(x % 100000) / 997.0f : (float)x * 1e-9f;
			}
			memcpy(ur, u, n * sizeof *u);
			memcpy(fr, f, n * sizeof *f);
			stat_sort_u64(u, n);
			stat_sort_f(f, n);
			if (n) {
				qsort(ur, n, sizeof *ur, cmp_u64);
				qsort(fr, n, sizeof *fr, cmp_f);
			}
			bad += n && (memcmp(u, ur, n * sizeof *u) != 0 || memcmp(f, fr, n * sizeof *f) != 0);
			tried++;
			free(u);
			free(ur);
			free(f);
			free(fr);
		}
	TAP_OK(bad == 0, "the radix and counting sorts (11-bit digits, shared digits skipped; narrow keys counted) order %d arrays as qsort does (%d differ)",
	       tried, bad);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* selection, by quickselect below 4096 values and by a sample from there,
   against the sorted values: ties, sorted runs, the differences of two
   sorted arrays row by row (what Hodges-Lehmann selects among), ranks at
   both ends, close and far apart (far: the sample's bracket holds too
   many, and quickselect takes over) */
static void check_select(void)
{
	static const size_t sizes[] = {1, 2, 100, 4095, 4096, 4097, 20000, 300000};
	uint64_t st = 7;
	int bad = 0, tried = 0;
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
		for (int shape = 0; shape < 5; shape++) {
			size_t n = sizes[si];
			double *x = malloc(n * sizeof *x), *sorted = malloc(n * sizeof *x), *w = malloc(n * sizeof *x);
			size_t side = (size_t)sqrt((double)n) + 1;
			for (size_t i = 0; i < n; i++) {
				uint64_t r = lcg(&st) << 31 ^ lcg(&st);
				x[i] = shape == 0 ? 0.5
				     : shape == 1 ? (double)(r % 5)
				     : shape == 2 ? (double)(r % 1000000) / 7.0
				     : shape == 3 ? (double)(n - i)
				     : (double)((i % side) * 3) - (double)(i / side) * 1.5; /* b[j] - a[i], row by row */
			}
			memcpy(sorted, x, n * sizeof *x);
			qsort(sorted, n, sizeof *sorted, cmp_d);
			size_t ks[][2] = {{0, 0}, {n - 1, n - 1}, {n / 2, n / 2}, {n / 3, n / 3 + n / 50},
					  {0, n - 1}, {n / 4, 3 * n / 4}, {0, 0}};
			uint64_t r = lcg(&st) % n;
			ks[6][0] = ks[6][1] = (size_t)r;
			for (size_t q = 0; q < sizeof ks / sizeof *ks; q++) {
				size_t klo = ks[q][0], khi = ks[q][1] < n ? ks[q][1] : n - 1;
				double vlo, vhi;
				memcpy(w, x, n * sizeof *x);
				stat_select2(w, n, klo, khi, &vlo, &vhi);
				bad += vlo != sorted[klo] || vhi != sorted[khi];
				memcpy(w, x, n * sizeof *x);
				bad += stat_select(w, n, khi) != sorted[khi];
				tried += 2;
			}
			free(x);
			free(sorted);
			free(w);
		}
	TAP_OK(bad == 0, "selection (quickselect; from 4096 values a sample and one pass) gives the sorted values' order statistics in %d of %d cases",
	       tried - bad, tried);
}

/* ---- the loader's fast path for plain rows against the general path ---- */

/* race's columns; `variant` bit 0: rows in rounds (a cell each in turn),
   else grouped; bit 1: odd rows (quoted values, CRLF, blank lines, long
   fields, shares race does not write, failed trials, gains); bad_kind > 0:
   one bad row at row bad_at */
static size_t gen_trials(char *text, size_t rows, uint64_t *st, int variant, size_t bad_at, int bad_kind)
{
	const char *const strat[] = {"plain", "atomic", variant & 4 ? "mutex" : "mu,tex"};
	static const unsigned procs[] = {1, 2, 4};
	static const unsigned long iters[] = {1000, 100000};
	size_t len = (size_t)sprintf(text, "run_id,experiment,strategy,start,procs,iters,trial,expected,final,lost,"
				    "elapsed_ns,overlap,overlap_pair,skew_ns,seq,host,region,workers,pin,launch,"
				    "trace,check,status,shm_visible,shm_gone,cpus\n");
	unsigned long trial[18] = {0};
	int odd = variant & 2;
	for (size_t i = 0; i < rows; i++) {
		unsigned cell = variant & 1 ? (unsigned)(lcg(st) % 18) : (unsigned)(i * 18 / rows);
		unsigned s = cell / 6, p = procs[cell / 2 % 3];
		unsigned long it = iters[cell % 2], exp = p * it;
		unsigned long fin = s ? exp : exp - lcg(st) % (exp / 2 + 1);
		if (odd && lcg(st) % 50 == 0)
			fin = exp + 1 + lcg(st) % 7; /* a gain */
		long lost = (long)exp - (long)fin;
		unsigned long el = lcg(st) % 4 == 0 ? lcg(st) * 1000003ull : lcg(st) % 100000;
		char ov[16], op[16];
		sprintf(ov, "0.%06lu", lcg(st) % 1000001 % 1000000);
		sprintf(op, "0.%06lu", lcg(st) % 1000000);
		if (odd && lcg(st) % 20 == 0) {
			unsigned k = (unsigned)(lcg(st) % 3);
			strcpy(ov, k == 0 ? "1.000000" : k == 1 ? "0.5" : "0.1234567"); /* the last: 8 bytes, then more */
		}
		if (lcg(st) % 10 == 0)
			op[0] = '\0';
		const char *run = i < rows / 2 ? "20261201T000000Z-h-1" : "20261201T000001Z-h-2";
		const char *sname = strat[s];
		int quote_s = s == 2 || (odd && lcg(st) % 40 == 0);
		const char *status = odd && lcg(st) % 30 == 0 ? "crashed" : "ok";
		const char *other = odd && lcg(st) % 25 == 0
			? "a-long-field-of-more-than-sixty-four-bytes-a-long-field-of-more-than-sixty-four"
			: "";
		unsigned long tr = ++trial[cell];
		if (odd && lcg(st) % 60 == 0)
			tr += 1000; /* out of order from here */
		char row[512];
		int n = snprintf(row, sizeof row,
				 "%s,bench,%s%s%s,barrier,%u,%lu,%lu,%lu,%lu,%ld,%lu,%s,%s,%lu,%zu,h,anon,processes,"
				 "none,fork,off,%s,%s,%s,,%s",
				 run, quote_s ? "\"" : "", sname, quote_s ? "\"" : "", p, it, tr, exp, fin, lost, el, ov, op,
				 lcg(st) % 100000, i + 1, s ? "exact" : "at_most", status, other, lcg(st) % 2 ? "0;1" : "1");
		if (bad_kind && i == bad_at) {
			switch (bad_kind) {
			case 1: n = sprintf(row, "%s,bench,plain,barrier,1,1000,%lu,1000,12x,0,5,0.000000,,1,%zu,h,anon,"
					    "processes,none,fork,off,at_most,ok,,,1", run, tr, i + 1); break;
			case 2: n = sprintf(row, "%s,bench,plain,barrier,1,1000,%lu,1000,990,11,5,0.000000,,1,%zu,h,anon,"
					    "processes,none,fork,off,at_most,ok,,,1", run, tr, i + 1); break;
			case 3: row[n - 2] = '\0'; n -= 2; while (n > 0 && row[n - 1] != ',') n--; row[--n] = '\0'; break;
			case 4: n = sprintf(row, "%s,bench,plain,barrier,1,1000,%lu,1000,990,10,5,1.500000,,1,%zu,h,anon,"
					    "processes,none,fork,off,at_most,ok,,,1", run, tr, i + 1); break;
			case 5: n = sprintf(row, "%s,bench,plain,barrier,1,1000,%lu,1000,990,10,5,0.000000,,1,%zu,h,anon,"
					    "processes,none,fork,off,at_most,ok,,,1\"2", run, tr, i + 1); break;
			case 6: n = sprintf(row, "%s,bench,plain,barrier,1,1000,%lu,1001,990,11,5,0.000000,,1,%zu,h,anon,"
					    "processes,none,fork,off,at_most,ok,,,1", run, tr, i + 1); break;
			case 7: n = sprintf(row, "%s,bench,plain,barrier,1,1000,281474976710656,1000,990,10,5,0.000000,,1,"
					    "%zu,h,anon,processes,none,fork,off,at_most,ok,,,1", run, i + 1); break;
			default: n = sprintf(row, "%s,bench,plain,barrier,1,1000,%lu,1000,,10,5,0.000000,,1,%zu,h,anon,"
					     "processes,none,fork,off,at_most,ok,,,1", run, tr, i + 1); break;
			}
		}
		memcpy(text + len, row, (size_t)n);
		len += (size_t)n;
		if (odd && lcg(st) % 70 == 0)
			text[len++] = '\r';
		text[len++] = '\n';
		if (odd && lcg(st) % 90 == 0)
			text[len++] = '\n'; /* a blank line */
	}
	return len;
}

/* the same rows with their columns in another order (a header-driven
   reader must not care): factor runs apart, measures one by one, the
   cell's texts after the first factors; no value may hold a comma */
static size_t permute_columns(const char *in, size_t len, char *out)
{
	static const int order[26] = {1, 2, 3, 4, 5, 0, 8, 9, 6, 10, 12, 11, 7, 13, 15, 14,
				      16, 17, 18, 19, 20, 22, 21, 23, 25, 24};
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		size_t e = i;
		while (e < len && in[e] != '\n')
			e++;
		size_t end = e, cr = end > i && in[end - 1] == '\r';
		end -= cr;
		const char *f[27];
		size_t fl[27], nf = 0;
		for (size_t a = i; nf < 27;) {
			size_t b = a;
			while (b < end && in[b] != ',')
				b++;
			f[nf] = in + a;
			fl[nf++] = b - a;
			if (b >= end)
				break;
			a = b + 1;
		}
		if (nf == 26)
			for (int k = 0; k < 26; k++) {
				if (k)
					out[o++] = ',';
				memcpy(out + o, f[order[k]], fl[order[k]]);
				o += fl[order[k]];
			}
		else { /* a blank line, or a short (bad) row: as it is */
			memcpy(out + o, in + i, end - i);
			o += end - i;
		}
		if (cr)
			out[o++] = '\r';
		if (e < len)
			out[o++] = '\n';
		i = e + 1;
	}
	return o;
}

static int same_cells(const struct dataset *a, const struct dataset *b)
{
	if (a->n_cells != b->n_cells || a->rows != b->rows || a->lines != b->lines)
		return 0;
	for (size_t i = 0; i < a->n_cells; i++) {
		const struct cell *x = &a->cells[i], *y = &b->cells[i];
		if (x->keylen != y->keylen || memcmp(x->keybuf, y->keybuf, x->keylen) != 0 || x->n != y->n ||
		    x->expected != y->expected || x->check != y->check || x->lossy != y->lossy ||
		    x->gained != y->gained || x->violations != y->violations || x->failed != y->failed ||
		    x->n_ids != y->n_ids || x->ids_rising != y->ids_rising || x->has_seq != y->has_seq ||
		    x->has_skew != y->has_skew)
			return 0;
		if (memcmp(x->final, y->final, x->n * sizeof *x->final) != 0 ||
		    memcmp(x->nspi, y->nspi, x->n * sizeof *x->nspi) != 0 ||
		    memcmp(x->overlap, y->overlap, x->n * sizeof *x->overlap) != 0 ||
		    (x->has_seq && memcmp(x->seq, y->seq, x->n * sizeof *x->seq) != 0) ||
		    (x->has_skew && memcmp(x->skew, y->skew, x->n * sizeof *x->skew) != 0))
			return 0;
		if (x->ids_rising ? x->n_idruns != y->n_idruns ||
					    memcmp(x->idrun_first, y->idrun_first, x->n_idruns * sizeof *x->idrun_first) ||
					    memcmp(x->idrun_count, y->idrun_count, x->n_idruns * sizeof *x->idrun_count) ||
					    memcmp(x->idrun_line, y->idrun_line, x->n_idruns * sizeof *x->idrun_line) ||
					    memcmp(x->idrun_step, y->idrun_step, x->n_idruns * sizeof *x->idrun_step)
				  : memcmp(x->id, y->id, x->n_ids * sizeof *x->id) != 0 ||
					    memcmp(x->id_line, y->id_line, x->n_ids * sizeof *x->id_line) != 0)
			return 0;
	}
	return 1;
}

static void check_fast_rows(void)
{
	size_t rows = 30000;
	char *text = malloc(rows * 512 + 4096), *perm = malloc(rows * 512 + 4096);
	uint64_t st = 4242;
	int same_ok = 0, same_bad = 0, tries_ok = 0, tries_bad = 0;
	char diag[600] = "";
	for (int t = 0; text && perm && t < 32; t++) {
		int variant = t % 8, bad = t < 16 ? 0 : 1 + (t - 16) % 8;
		size_t at = 1 + lcg(&st) % (rows - 1);
		size_t len = gen_trials(text, rows, &st, variant, at, bad);
		if (variant & 4) {
			len = permute_columns(text, len, perm);
			memcpy(text, perm, len);
		}
		char path[] = "/tmp/racelab-fast-XXXXXX";
		int fd = mkstemp(path);
		if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
			if (fd >= 0)
				close(fd);
			break;
		}
		close(fd);
		struct dataset d[2];
		struct rl_err e[2];
		int rc[2];
		for (int k = 0; k < 2; k++) {
			memset(&d[k], 0, sizeof d[k]);
			d[k].no_fast = k;
			e[k].msg[0] = '\0';
			rc[k] = dataset_load(&d[k], path, &e[k]);
		}
		unlink(path);
		int same = rc[0] == rc[1] && strcmp(e[0].msg, e[1].msg) == 0 && (rc[0] != 0 || same_cells(&d[0], &d[1]));
		if (!bad) {
			tries_ok++;
			same_ok += same && rc[0] == 0;
		} else {
			tries_bad++;
			same_bad += same && rc[0] != 0;
		}
		if (!same || (bad != 0) != (rc[0] != 0))
			snprintf(diag, sizeof diag, "variant %d bad %d at %zu: rc %d/%d '%s' / '%s'", variant, bad, at,
				 rc[0], rc[1], e[0].msg, e[1].msg);
		dataset_free(&d[0]);
		dataset_free(&d[1]);
	}
	free(text);
	free(perm);
	TAP_OK(tries_ok == 16 && same_ok == tries_ok,
	       "plain rows read by the fast path give the cells the general path gives: %d of %d files of %zu rows "
	       "(rounds and grouped, race's columns and another order, with quoted values, CRLF, blank lines, "
	       "long fields, gains, failed trials) %s",
	       same_ok, tries_ok, rows, diag);
	TAP_OK(tries_bad == 16 && same_bad == tries_bad,
	       "a bad row among them is refused both ways with the same message: %d of %d %s", same_bad, tries_bad, diag);
}

int main(void)
{
	gsl_set_error_handler_off();
	double lo, hi, up, m, sd, half;

	/* Wilson score intervals (R: prop.test(correct = FALSE)) */
	interval_wilson(0, 30, &lo, &hi);
	TAP_NEAR(lo, 0.0, 1e-12, "Wilson 0/30 lower is 0");
	TAP_NEAR(hi, 0.1135, 5e-5, "Wilson 0/30 upper");
	interval_wilson(1, 100, &lo, &hi);
	TAP_NEAR(lo, 0.0018, 5e-5, "Wilson 1/100 lower");
	TAP_NEAR(hi, 0.0545, 5e-5, "Wilson 1/100 upper");
	TAP_OK(interval_wilson(0, 0, &lo, &hi) != 0, "Wilson refuses n = 0");

	/* exact (Clopper-Pearson) bounds (R: binom.test, qbeta) */
	interval_cp_upper(0, 100, 0.05, &up);
	TAP_NEAR(up, 0.0295, 5e-5, "exact one-sided upper bound 0/100");
	interval_cp_upper(0, 30, 0.05, &up);
	TAP_NEAR(up, 0.0950, 5e-5, "exact upper bound 0/30 is 9.5 %");
	interval_cp_upper(1, 10, 0.05, &up);
	TAP_NEAR(up, 0.3942, 5e-5, "exact upper bound 1/10 (qbeta(0.95, 2, 9))");
	interval_cp_upper(500, 1000, 0.05, &up);
	TAP_NEAR(up, 0.5260, 5e-4, "exact upper bound 500/1000 (qbeta(0.95, 501, 500))");
	interval_cp_lower(3, 10, 0.025, &lo);
	interval_cp_upper(3, 10, 0.025, &hi);
	TAP_OK(fabs(lo - 0.06673951) < 1e-6 && fabs(hi - 0.65245285) < 1e-6,
	       "two-sided exact 3/10: binom.test's [0.0667, 0.6525] ([%.6f, %.6f])", lo, hi);
	clock_t t0 = clock();
	int rc = interval_cp_upper(1000000, 2000000, 0.05, &up);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	TAP_OK(rc == 0 && up > 0.5 && up < 0.5006 && secs < 5.0,
	       "exact bound for 10^6 of 2 x 10^6 returns (%.6f in %.2f s), where GSL's inverse hangs", up, secs);
	TAP_NEAR(binom_cdf(3, 10, 0.5), 0.171875, 1e-12, "binomial P(X <= 3 | 10, 0.5) = 176/1024");
	TAP_NEAR(binom_cdf(1000000, 2000000, 0.5), 0.5002820947, 1e-6, "binomial at the median of 2 x 10^6 trials");

	/* the hurdle interval for the mean share lost */
	double mean;
	interval_hurdle(30, 0, 0, 0, &mean, &lo, &hi);
	TAP_OK(mean == 0 && lo == 0 && hi > 0.09, "hurdle, 0 of 30 lossy: [0, %.4f], not [0, 0]", hi);
	interval_hurdle(30, 1, 0.4, 0.16, &mean, &lo, &hi);
	TAP_OK(lo <= mean && mean <= hi && hi > lo, "hurdle, 1 of 30: lo <= mean <= hi (%.4f <= %.4f <= %.4f)", lo, mean, hi);
	interval_hurdle(10, 10, 4.0, 1.7, &mean, &lo, &hi);
	TAP_OK(lo <= mean && mean <= hi && hi <= 1.0 && lo > 0, "hurdle, all lossy: inside (0, 1] (%.4f, %.4f, %.4f)", lo, mean, hi);

	/* mean, sd, t interval */
	const double x5[] = {1, 2, 3, 4, 5};
	TAP_OK(stat_mean_sd(x5, 5, &m, &sd) == 0 && m == 3.0, "mean of 1..5 is 3");
	TAP_NEAR(sd, 1.58113883, 1e-8, "sample sd of 1..5 (n - 1)");
	stat_t_halfwidth(sd, 5, &half);
	TAP_NEAR(half, 1.963243, 1e-6, "t half-width, 4 df");

	/* counts stay exact near 2^64 */
	uint64_t big[5];
	for (int i = 0; i < 5; i++)
		big[i] = UINT64_C(9223372036854775807) - 1;
	long double lm, ls;
	stat_mean_sd_u64(big, 5, &lm, &ls);
	TAP_OK(lm == (long double)big[0] && ls == 0.0L, "five finals near INT64_MAX: mean exact, sd 0");
	uint64_t ub[6] = {UINT64_MAX, 5, UINT64_MAX - 1, 0, 5, UINT64_MAX};
	stat_sort_u64(ub, 6);
	TAP_OK(ub[0] == 0 && ub[1] == 5 && ub[5] == UINT64_MAX && ub[3] == UINT64_MAX - 1, "counts up to 2^64 - 1 sort");
	uint64_t *hl, *hh, *hc;
	long nb = stat_int_hist(ub, 6, &hl, &hh, &hc);
	TAP_OK(nb == 4 && hl[3] == UINT64_MAX && hc[3] == 2 && hc[1] == 2, "histogram bins in integers up to 2^64 - 1 (%ld bins)", nb);
	free(hl);
	free(hh);
	free(hc);
	uint64_t wide[100];
	for (int i = 0; i < 100; i++)
		wide[i] = UINT64_C(1) << 60 | (uint64_t)i * 1000000;
	nb = stat_int_hist(wide, 100, &hl, &hh, &hc);
	uint64_t sum = 0;
	for (long i = 0; i < nb; i++)
		sum += hc[i];
	TAP_OK(nb >= 10 && nb <= 200 && sum == 100 && hl[0] == wide[0] && hh[nb - 1] >= wide[99],
	       "wide counts above 2^60: %ld bins, every value counted, integer edges", nb);
	free(hl);
	free(hh);
	free(hc);
	/* bins counted from where their last value ends, against each value
	   put in its bin by division: shapes with few and many values, long
	   runs, and values up to 2^64 - 1 */
	{
		uint64_t st = 5, *hx = malloc(30000 * sizeof *hx);
		int hbad = 0, htried = 0;
		for (int shape = 0; hx && shape < 5; shape++)
			for (size_t hn = 1; hn <= 30000; hn = hn * 7 + 3) {
				for (size_t i = 0; i < hn; i++) {
					uint64_t r = lcg(&st) << 31 ^ lcg(&st);
					hx[i] = shape == 0 ? 1000 + r % 7 : shape == 1 ? r % 100000 : shape == 2 ? r % 3 * 1000
					      : shape == 3 ? UINT64_MAX - r % 5000 : (r % 50 == 0 ? r : 42);
				}
				stat_sort_u64(hx, hn);
				long hb = stat_int_hist(hx, hn, &hl, &hh, &hc);
				int ok = hb > 0;
				size_t total = 0;
				for (long b = 0; ok && b < hb; b++) {
					size_t want = 0;
					for (size_t i = 0; i < hn; i++)
						want += hx[i] >= hl[b] && hx[i] <= hh[b];
					ok = hc[b] == want;
					total += hc[b];
				}
				hbad += !(ok && total == hn);
				htried++;
				if (hb > 0) {
					free(hl);
					free(hh);
					free(hc);
				}
			}
		free(hx);
		TAP_OK(hbad == 0 && htried == 30, "histogram counts found from where each bin's last value ends agree with "
		       "a value-by-value count: %d of %d arrays differ", hbad, htried);
	}
	uint64_t four[] = {1, 2, 3, 4};
	TAP_OK(stat_quantile_u64(four, 4, 0.25) == 1.75L && stat_quantile_u64(four, 4, 0.5) == 2.5L,
	       "quantiles interpolate as GSL's");

	/* Mann-Whitney: exact against brute-force enumeration */
	struct mw mw;
	double ten[31];
	for (int i = 0; i < 30; i++)
		ten[i] = 10;
	double five[] = {5};
	rank_mann_whitney(ten, 30, five, 1, NULL, &mw);
	TAP_OK(mw.exact && fabs(mw.p - 1.0 / 31.0) < 1e-12,
	       "30 trials losing 10 against one losing 5: exact p = 1/31 = 0.0323 (%g), not 1.2e-7", mw.p);
	const double e1[] = {1, 2}, e2[] = {3, 4};
	rank_mann_whitney(e1, 2, e2, 2, NULL, &mw);
	TAP_NEAR(mw.p, 1.0 / 3.0, 1e-12, "{1,2} against {3,4}: 2 of the 6 splits are as extreme");
	unsigned long long st = 42;
	int agree = 0, trials = 40;
	for (int t = 0; t < trials; t++) {
		double a[8], b[8];
		size_t na = 2 + t % 5, nb2 = 2 + (t / 5) % 5;
		for (size_t i = 0; i < na; i++) {
			st = st * 6364136223846793005ull + 1442695040888963407ull;
			a[i] = (double)((st >> 33) % 4); /* heavy ties */
		}
		for (size_t i = 0; i < nb2; i++) {
			st = st * 6364136223846793005ull + 1442695040888963407ull;
			b[i] = (double)((st >> 33) % 5);
		}
		qsort(a, na, sizeof *a, dcmp);
		qsort(b, nb2, sizeof *b, dcmp);
		double want = brute_p(a, na, b, nb2);
		rank_mann_whitney(a, na, b, nb2, NULL, &mw);
		agree += mw.exact && fabs(mw.p - want) < 1e-9;
	}
	TAP_OK(agree == trials, "exact Mann-Whitney equals the enumerated permutation p in %d of %d tied samples", agree, trials);
	double a10[10], b10[10];
	for (int i = 0; i < 10; i++) {
		a10[i] = i + 1;
		b10[i] = i + 11;
	}
	rank_mann_whitney(a10, 10, b10, 10, NULL, &mw);
	TAP_OK(mw.u == 100.0 && mw.effect == 1.0 && mw.exact && fabs(mw.p - 2.0 / 184756.0) < 1e-12,
	       "complete separation of 10 and 10: U = 100, effect 1, exact p = 2 / C(20, 10) (%g)", mw.p);
	double *big_a = malloc(2000 * sizeof *big_a), *big_b = malloc(2000 * sizeof *big_b);
	for (int i = 0; i < 2000; i++) {
		big_a[i] = i;
		big_b[i] = i + 100;
	}
	rank_mann_whitney(big_a, 2000, big_b, 2000, NULL, &mw);
	TAP_OK(!mw.exact && mw.p > 0 && mw.p < 1e-6, "2000 against 2000: the normal approximation (p %g)", mw.p);
	const double t1[] = {5, 5, 5}, t2[] = {5, 5, 5, 5};
	rank_mann_whitney(t1, 3, t2, 4, NULL, &mw);
	TAP_OK(mw.p == 1.0 && mw.z == 0.0, "all values tied: p = 1");

	/* Hodges-Lehmann (R: wilcox.test(y, x, conf.int = TRUE)) */
	struct hl h;
	const double hx[] = {1, 2, 3, 4, 5}, hy[] = {6, 7, 8, 9, 10};
	rank_hodges_lehmann(hx, 5, hy, 5, 1, NULL, &h);
	TAP_OK(h.shift == 5 && h.lo == 2 && h.hi == 8, "Hodges-Lehmann of 6..10 over 1..5: 5 [2, 8] (%g [%g, %g])", h.shift, h.lo, h.hi);
	TAP_OK(rank_kth_difference(big_a, 2000, big_b, 2000, 2000000) == 100.0 &&
	       rank_kth_difference(big_a, 2000, big_b, 2000, 1) == 100.0 - 1999.0,
	       "the k-th of 4 x 10^6 differences by selection, not by listing");
	/* tied data (integers, shares on two grids, mostly zeros) go by their
	   distinct values: the same order statistics as the sorted list of all */
	{
		enum { NA = 3000, NB = 2500 };
		double *ta = malloc(NA * sizeof *ta), *tb = malloc(NB * sizeof *tb);
		double *all = malloc((size_t)NA * NB * sizeof *all);
		uint64_t seed = 7;
		int good = 0, tried = 0;
		for (int kind = 0; kind < 3; kind++) {
			tied_samples(ta, NA, tb, NB, &seed, kind);
			size_t m = 0;
			for (int i = 0; i < NA; i++)
				for (int j = 0; j < NB; j++)
					all[m++] = tb[j] - ta[i];
			stat_sort(all, m);
			for (int q = 0; q < 40; q++) {
				uint64_t k = q == 0 ? 1 : q == 1 ? m : 1 + (uint64_t)(((double)q / 40.0) * (double)(m - 1));
				tried++;
				good += rank_kth_difference(ta, NA, tb, NB, k) == all[k - 1];
			}
			struct hl th;
			rank_hodges_lehmann(ta, NA, tb, NB, 0, NULL, &th);
			tried++;
			good += th.shift == (all[m / 2 - 1] + all[m / 2]) / 2.0;
		}
		TAP_OK(good == tried, "tied data by their runs: %d of %d order statistics as in the sorted list", good, tried);
		free(ta);
		free(tb);
		free(all);
	}
	/* more distinct values than can be listed at once: the runs are sampled,
	   and each answer v is checked by counting, #(d < v) < k <= #(d <= v) */
	{
		enum { NA = 12000, NB = 10000 };
		double *ta = malloc(NA * sizeof *ta), *tb = malloc(NB * sizeof *tb);
		uint64_t seed = 11;
		int good = 0, tried = 0;
		for (int kind = 0; kind < 2; kind++) {
			tied_samples(ta, NA, tb, NB, &seed, kind + 3);
			uint64_t m = (uint64_t)NA * NB;
			for (int q = 0; q <= 20; q++) {
				uint64_t k = 1 + (uint64_t)(((double)q / 20.0) * (double)(m - 1));
				double v = rank_kth_difference(ta, NA, tb, NB, k);
				uint64_t lt = 0, le = 0;
				size_t jl = 0, je = 0;
				for (size_t i = 0; i < NA; i++) {
					while (jl < NB && tb[jl] - ta[i] < v)
						jl++;
					while (je < NB && tb[je] - ta[i] <= v)
						je++;
					lt += jl;
					le += je;
				}
				tried++;
				good += lt < k && k <= le;
			}
		}
		TAP_OK(good == tried, "12000 x 10000 tied differences, sampled by runs: %d of %d k-th values check by counting",
		       good, tried);
		free(ta);
		free(tb);
	}

	/* untied (or lightly tied) data past what can be listed: each round's
	   pass gathers the next round's sample, and the bounds start from the
	   median's first bracket and sample. Each k-th checks by counting; the
	   Hodges-Lehmann shift and bounds are the order statistics the normal
	   approximation names (ties in U's variance), found by counting too. */
	{
		enum { NA = 60000, NB = 50000 };
		double *ta = malloc(NA * sizeof *ta), *tb = malloc(NB * sizeof *tb);
		uint64_t seed = 13;
		int good = 0, tried = 0;
		for (int kind = 0; kind < 2; kind++) {
			two_sorted(ta, NA, tb, NB, &seed, kind == 0 ? v_untied : v_grids);
			uint64_t m = (uint64_t)NA * NB;
			struct hl th;
			rank_hodges_lehmann(ta, NA, tb, NB, 0, NULL, &th);
			/* the bounds' rank as hl_core works it out */
			double tiesum = 0.0, fn = (double)(NA + NB);
			for (size_t i = 0, j = 0; i < NA || j < NB;) {
				double v = i < NA && (j >= NB || ta[i] <= tb[j]) ? ta[i] : tb[j];
				double c = 0;
				while (i < NA && ta[i] == v)
					i++, c++;
				while (j < NB && tb[j] == v)
					j++, c++;
				tiesum += c * c * c - c;
			}
			double var = (double)NA * (double)NB / 12.0 * ((fn + 1.0) - tiesum / (fn * (fn - 1.0)));
			uint64_t klo = (uint64_t)floor((double)m / 2.0 - 1.959963984540054 * sqrt(var));
			struct kwant { uint64_t k; double v; } want[24];
			int nw = 0;
			for (int q = 0; q <= 20; q++) {
				uint64_t k = 1 + (uint64_t)(((double)q / 20.0) * (double)(m - 1));
				want[nw++] = (struct kwant){k, rank_kth_difference(ta, NA, tb, NB, k)};
			}
			want[nw++] = (struct kwant){klo, th.lo};
			want[nw++] = (struct kwant){m - klo + 1, th.hi};
			double lo2 = rank_kth_difference(ta, NA, tb, NB, m / 2), hi2 = rank_kth_difference(ta, NA, tb, NB, m / 2 + 1);
			want[nw++] = (struct kwant){m / 2, lo2};
			tried++;
			good += th.shift == (lo2 + hi2) / 2.0;
			for (int w = 0; w < nw; w++) {
				uint64_t lt = 0, le = 0;
				size_t jl = 0, je = 0;
				for (size_t i = 0; i < NA; i++) {
					while (jl < NB && tb[jl] - ta[i] < want[w].v)
						jl++;
					while (je < NB && tb[je] - ta[i] <= want[w].v)
						je++;
					lt += jl;
					le += je;
				}
				tried++;
				good += lt < want[w].k && want[w].k <= le;
			}
		}
		TAP_OK(good == tried, "60000 x 50000 untied and grid-tied differences: %d of %d k-th values, "
		       "Hodges-Lehmann shift and bounds, check by counting", good, tried);
		free(ta);
		free(tb);
	}

	/* Fisher and Newcombe */
	TAP_NEAR(prop_fisher(3, 4, 1, 4), 0.4857142857, 1e-9, "Fisher, the tea-tasting table (3,1; 1,3)");
	TAP_NEAR(prop_fisher(0, 30, 30, 30), 2.0 / 1.1826458156486e17, 1e-24, "Fisher, 0 of 30 against 30 of 30");
	TAP_OK(prop_fisher(0, 10, 0, 10) == 1.0, "Fisher, nothing lost anywhere: p = 1");
	double diff;
	static const struct { unsigned k1, n1, k2, n2; double lo, hi; } nc[] = {
		{56, 70, 48, 80, 0.0524, 0.3339}, {9, 10, 3, 10, 0.1705, 0.8090},
		{6, 7, 2, 7, 0.0582, 0.8062}, {5, 56, 0, 29, -0.0381, 0.1926},
		{0, 10, 0, 20, -0.1611, 0.2775}, {0, 10, 0, 10, -0.2775, 0.2775},
		{10, 10, 0, 20, 0.6791, 1.0000}, {10, 10, 0, 10, 0.6075, 1.0000},
	};
	int hits = 0;
	for (size_t i = 0; i < sizeof nc / sizeof *nc; i++) {
		/* the table gives p1 - p2: ours is p_b - p_a, so b is the first */
		prop_newcombe(nc[i].k2, nc[i].n2, nc[i].k1, nc[i].n1, &diff, &lo, &hi);
		hits += fabs(lo - nc[i].lo) < 6e-5 && fabs(hi - nc[i].hi) < 6e-5;
	}
	TAP_OK(hits == 8, "Newcombe's method 10 against his Table II: %d of 8 intervals to 4 decimals", hits);

	/* Holm: p = 0.01, 0.04, 0.03, 0.005 */
	double hp[] = {0.01, 0.04, 0.03, 0.005}, ha[4];
	prop_holm(hp, 4, ha);
	TAP_OK(fabs(ha[0] - 0.03) < 1e-12 && fabs(ha[1] - 0.06) < 1e-12 && fabs(ha[2] - 0.06) < 1e-12 &&
	       fabs(ha[3] - 0.02) < 1e-12, "Holm by hand: 0.03, 0.06, 0.06, 0.02 (%g %g %g %g)", ha[0], ha[1], ha[2], ha[3]);

	/* Jonckheere-Terpstra and Kendall */
	const double g1[] = {1, 2}, g2[] = {3}, g3[] = {4, 5};
	const double *gs[] = {g1, g2, g3};
	size_t gn[] = {2, 1, 2};
	struct jt jt;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	rank_jonckheere(gs, gn, 3, r, 2000, &jt);
	TAP_OK(jt.stat == 8 && fabs(jt.tau_b - 8.0 / sqrt(80.0)) < 1e-12 && jt.permutation,
	       "JT of a perfect trend: 8, its maximum; tau-b 8 / sqrt(8 x 10), ties in the level (%g, %g)",
	       jt.stat, jt.tau_b);
	TAP_OK(jt.p > 0.01 && jt.p < 0.1, "and its permutation p: 2 of the 30 label orders are as extreme (p %g)", jt.p);
	const double k0[] = {0, 0, 0}, k1[] = {0, 0, 0};
	const double *ks[] = {k0, k1};
	size_t kn[] = {3, 3};
	rank_jonckheere(ks, kn, 2, r, 100, &jt);
	TAP_OK(!jt.testable && jt.p == 1.0, "JT with every value tied: not testable");
	/* two levels go by one merge of their values; the same two with an
	   empty third level go by the general walks: the same JT, tau-b and p */
	{
		enum { N0 = 700, N1 = 500 };
		double *x0 = malloc(N0 * sizeof *x0), *x1 = malloc(N1 * sizeof *x1), none[1] = {0};
		uint64_t seed = 23;
		two_sorted(x0, N0, x1, N1, &seed, v_levels);
		const double *two[] = {x0, x1}, *three[] = {x0, x1, none};
		size_t n2[] = {N0, N1}, n3[] = {N0, N1, 0};
		struct jt ja, jb;
		rank_jonckheere(two, n2, 2, NULL, 0, &ja);
		rank_jonckheere(three, n3, 3, NULL, 0, &jb);
		TAP_OK(ja.stat == jb.stat && ja.z == jb.z && ja.p == jb.p && ja.tau_b == jb.tau_b && ja.stat > 0,
		       "JT on two tied levels by one merge, as by the walks of three (%.1f, z %g)", ja.stat, ja.z);
		free(x0);
		free(x1);
	}
	gsl_rng_free(r);
	uint32_t seq[] = {1, 2, 3, 4, 5, 6};
	const uint64_t yk[] = {1, 2, 3, 4, 5, 6}, yr[] = {6, 5, 4, 3, 2, 1};
	double tau, z, p;
	rank_kendall_order(seq, yk, 6, &tau, &z, &p);
	TAP_OK(tau == 1.0, "Kendall of a rising series: 1");
	rank_kendall_order(seq, yr, 6, &tau, &z, &p);
	TAP_OK(tau == -1.0 && p < 0.05, "Kendall of a falling one: -1 (p %g)", p);
	uint32_t shuffled[] = {4, 1, 6, 2, 5, 3};
	const uint64_t ys[] = {4, 1, 6, 2, 5, 3};
	rank_kendall_order(shuffled, ys, 6, &tau, &z, &p);
	TAP_OK(tau == 1.0, "Kendall when the order comes shuffled: 1 (%g)", tau);
	double rho;
	const float xf[] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
	rank_spearman_cell(xf, yk, 6, &rho);
	TAP_OK(rho == 1.0, "Spearman of a monotone pair: 1 (%g)", rho);
	/* ties: x = 1 1 2 3, y = 1 2 2 3: midranks 1.5 1.5 3 4 and 1 2.5 2.5 4;
	   Pearson of those = 3.75 / 4.5 = 5/6 (by hand) */
	const float xt[] = {1, 1, 2, 3};
	const uint64_t yt[] = {1, 2, 2, 3};
	rank_spearman_cell(xt, yt, 4, &rho);
	TAP_OK(fabs(rho - 5.0 / 6.0) < 1e-12, "Spearman with ties on both sides: midranks, 5/6 (%.15g)", rho);
	/* finals that span fewer values than there are trials are ranked by
	   counting, wider ones by a sort: the same order and ties give the
	   same rho */
	{
		enum { NS = 5000 };
		float *sx = malloc(NS * sizeof *sx);
		uint64_t *sy = malloc(NS * sizeof *sy), *sw = malloc(NS * sizeof *sw), seed = 17;
		for (int i = 0; i < NS; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			sy[i] = 1000 + (seed >> 33) % 700;
			sw[i] = sy[i] * 1000003ull;
			sx[i] = (float)((seed >> 13) % 300) / 300.0f + (float)sy[i] / 4000.0f;
		}
		double r1 = 0, r2 = 0;
		int rc1 = rank_spearman_cell(sx, sy, NS, &r1), rc2 = rank_spearman_cell(sx, sw, NS, &r2);
		TAP_OK(rc1 == 0 && rc2 == 0 && r1 == r2 && r1 > 0.1, "Spearman, finals ranked by counting and by sorting: %.15g and %.15g",
		       r1, r2);
		free(sx);
		free(sy);
		free(sw);
	}
	/* shares as race writes them (the float nearest u / 10^6) are ranked
	   by u, counted; the same order and ties as other floats, sorted */
	{
		enum { NS = 20000 };
		float *gx = malloc(NS * sizeof *gx), *ox = malloc(NS * sizeof *ox);
		uint64_t *gy = malloc(NS * sizeof *gy), seed = 29;
		for (int i = 0; i < NS; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			uint32_t u = (uint32_t)((seed >> 20) % 60000); /* span 3 a trial: counted */
			gx[i] = (float)((double)u * 1e-6);
			ox[i] = (float)u + 2.0f; /* above 1: the bits, sorted */
			gy[i] = 100000 - (seed >> 45) % 900 - u / 200;
		}
		gx[7] = 0.0f;
		ox[7] = 2.0f;
		double r1 = 0, r2 = 0;
		int rc1 = rank_spearman_cell(gx, gy, NS, &r1), rc2 = rank_spearman_cell(ox, gy, NS, &r2);
		TAP_OK(rc1 == 0 && rc2 == 0 && r1 == r2 && r1 < -0.1,
		       "Spearman, race's shares ranked by counting their millionths and the same order sorted: %.15g and %.15g",
		       r1, r2);
		free(gx);
		free(ox);
		free(gy);
	}
	double rs[] = {0.3, 0.3}, rc_r, lo2, hi2;
	size_t ns[] = {103, 103};
	rank_rho_combine(rs, ns, 2, &rc_r, &lo2, &hi2, &p);
	/* one stratum of 203 would have the same z and weight (n - 3 adds) */
	double w = 200.0 / (1.0 + 0.045), se = 1.0 / sqrt(w);
	TAP_OK(fabs(rc_r - 0.3) < 1e-12 && fabs(hi2 - tanh(atanh(0.3) + 1.959963984540054 * se)) < 1e-9,
	       "two equal strata combine to their rho, the interval from the summed weights [%g, %g]", lo2, hi2);

	check_parse_u64();
	unsigned long udiff = 0;
	for (uint64_t x = 0; x <= 1000000; x++) {
		volatile double dx = (double)x; /* the division done at run time */
		udiff += cells_unit_micros(x) != (float)(dx / 1e6);
	}
	TAP_OK(udiff == 0, "a share's six decimals by a multiplication: the float of the division for all 10^6 + 1 (%lu differ)",
	       udiff);
	check_reader();
	check_fast_rows();
	check_select();
	check_sorts();
	check_sorted();
	free(big_a);
	free(big_b);
	return tap_done();
}
