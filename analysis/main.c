/* racestat - lost-update statistics and histograms from race's trial CSVs.
 *
 *   racestat [options] FILE.csv [FILE.csv ...]
 *   racestat --compare [options] BASE.csv NEW.csv
 *   racestat --compare [options] BASE.csv... --new NEW.csv...
 *
 * The first writes summary.csv, hist.csv, compare.csv and claims.csv into
 * the output folder; --compare writes reproduce.csv. Every file is built in
 * memory, written under no name and all renamed together at the end; stdout
 * shows the same text as a table, Markdown, CSV or one JSON document.
 * Exit: 0 fine; 1 a cell had violations (or, with --fail-on, a cell
 * differed); 2 bad input; 3 a system error. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "cells.h"
#include "claims.h"
#include "compare.h"
#include "outdir.h"
#include "render.h"
#include "reproduce.h"
#include "summary.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: racestat [options] FILE.csv [FILE.csv ...]\n"
		"       racestat --compare [options] BASE.csv NEW.csv\n"
		"       racestat --compare [options] BASE.csv... --new NEW.csv...\n"
		"Group race's trials into cells (all trials sharing their factor columns) and\n"
		"write summary.csv, hist.csv, compare.csv and claims.csv; several files are merged.\n"
		"Input may be a file, '-' (standard input), a FIFO, gzip or zstd.\n"
		"With --compare: is NEW the same result as BASE? reproduce.csv, a verdict per cell.\n\n"
		"  -o, --output DIR        where the files go (default results/)\n"
		"  -f, --format table|markdown|csv|json   stdout (default table); json: one\n"
		"                          document with every output and the inputs' .meta\n"
		"      --seed N            the bootstrap's and the permutations' seed (default 1;\n"
		"                          written in summary.csv: the same data give the same bytes)\n"
		"      --bootstrap N       resamples per bootstrap interval (default 2000; 0: none)\n"
		"      --compare           compare BASE with NEW (cells matched, host left out)\n"
		"      --new FILE          with --compare: a NEW file (again for more); the\n"
		"                          other files are BASE\n"
		"      --margin p_loss=D,lost_frac=D   equivalence margins (default 0.10, 0.05)\n"
		"      --fail-on differs|inconclusive  exit 1 when a cell differs (or is not\n"
		"                          reproduced)\n"
		"  -q, --quiet             nothing on stdout\n"
		"  -h, --help              this help\n");
}

struct opts {
	const char *outdir;
	enum out_format fmt;
	int quiet;
	uint64_t seed;
	unsigned reps;
	int compare;
	const char **news;
	size_t n_new;
	struct repro_margins margin;
	int fail_on; /* 0 none, 1 differs, 2 inconclusive */
};

/* one output's text, built in memory */
struct text {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *text_open(struct text *t)
{
	t->buf = NULL;
	t->len = 0;
	return t->f = open_memstream(&t->buf, &t->len);
}

static int text_close(struct text *t)
{
	int bad = t->f == NULL || ferror(t->f);
	if (t->f && fclose(t->f) != 0)
		bad = 1;
	t->f = NULL;
	return bad ? -1 : 0;
}

static int load_side(struct dataset *d, const char *const *files, size_t n, struct rl_err *e)
{
	/* while reading, a cell's arrays past 128 KiB are mappings of their
	   own, which realloc grows by mremap, without a copy; a threshold left
	   to glibc rises with the first large block freed, and the arrays then
	   grew on the heap, copied at every step */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	memset(d, 0, sizeof *d);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = dataset_load(d, files[i], e);
	if (rc == 0 && d->rows == 0)
		rc = rl_fail(e, RL_EINPUT, "%s: no trials, only a header", files[n - 1]);
	if (rc == 0)
		rc = dataset_check_duplicates(d, e);
	return rc;
}

/* Once every input is read: the statistics allocate and free arrays of a
   cell's size again and again (shares, ranks, candidates), each one above
   malloc's mmap threshold, so each came from a fresh mapping whose every
   page faulted in. From here such blocks come from the heap, which keeps
   what is freed for the next: the same peak, a few faults instead of
   tens of thousands. (Not while reading: the cells' arrays grow by mremap
   there, without a copy.) */
static void heap_for_statistics(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20); /* glibc's largest */
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

static int summarize_all(struct dataset *d, const struct opts *o, struct summary **sum,
			 struct rl_err *e)
{
	*sum = calloc(d->n_cells ? d->n_cells : 1, sizeof **sum);
	if (!*sum)
		return rl_fail(e, RL_ESYS, "out of memory");
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < d->n_cells; i++)
		rc = summarize(&d->cells[i], o->seed, o->reps, &(*sum)[i], e);
	return rc;
}

/* the texts into the folder, all or none */
static int commit(const struct opts *o, const char *const *names, struct text *t, size_t n,
		  struct rl_err *e)
{
	struct outdir od;
	int rc = outdir_open(&od, o->outdir, e);
	for (size_t k = 0; k < n && rc == 0; k++) {
		FILE *f = outdir_file(&od, names[k], e);
		if (!f)
			rc = RL_ESYS;
		else if (fwrite(t[k].buf, 1, t[k].len, f) != t[k].len)
			rc = rl_fail(e, RL_ESYS, "%s/%s: write failed", o->outdir, names[k]);
	}
	if (rc == 0)
		rc = outdir_commit(&od, e);
	outdir_close(&od);
	return rc;
}

static size_t violations_of(const struct dataset *d)
{
	size_t v = 0;
	for (size_t i = 0; i < d->n_cells; i++)
		v += d->cells[i].violations;
	return v;
}

static int run_stats(const struct opts *o, const char *const *files, size_t nfiles, struct rl_err *e)
{
	static const char *const names[] = {"summary.csv", "hist.csv", "compare.csv", "claims.csv"};
	enum { N = 4 };
	struct dataset d;
	struct pretrial pt = {0};
	struct comparison cmp = {0};
	struct summary *sum = NULL;
	struct text t[N] = {{0}};
	int rc = load_side(&d, files, nfiles, e);
	heap_for_statistics(); /* before the first of them: Spearman's ranks */
	if (rc == 0)
		rc = claims_pretrial(&d, &pt, e); /* needs the trials in their order */
	if (rc == 0)
		rc = summarize_all(&d, o, &sum, e);
	if (rc == 0)
		rc = compare_build(&d, sum, o->seed, &cmp, e);
	for (int k = 0; k < N && rc == 0; k++) {
		FILE *f = text_open(&t[k]);
		if (!f) {
			rc = rl_fail(e, RL_ESYS, "out of memory");
			break;
		}
		int wr = k == 0 ? write_summary_csv(f, &d, sum, o->seed, o->reps)
			: k == 1 ? write_hist_csv(f, &d, e)
			: k == 2 ? write_compare_csv(f, &d, &cmp)
			: write_claims_csv(f, &d, sum, &cmp, &pt, o->reps, e);
		if (text_close(&t[k]) != 0 || wr != 0)
			rc = rl_fail(e, RL_ESYS, "%s: could not be built (out of memory?)", names[k]);
	}
	if (rc == 0)
		rc = commit(o, names, t, N, e);
	if (rc == 0 && !o->quiet) {
		if (o->fmt == FMT_JSON) {
			struct render_part parts[N] = {
				{"summary", t[0].buf, t[0].len}, {"hist", t[1].buf, t[1].len},
				{"compare", t[2].buf, t[2].len}, {"claims", t[3].buf, t[3].len}};
			rc = render_json(stdout, parts, N, "statistics", files, NULL, nfiles, o->seed, o->reps, e);
		} else if (o->fmt == FMT_CSV) {
			fwrite(t[0].buf, 1, t[0].len, stdout);
		} else {
			print_summary(stdout, o->fmt, &d, sum);
		}
	}
	size_t v = rc == 0 ? violations_of(&d) : 0;
	if (v)
		fprintf(stderr, "racestat: %zu trials broke their strategy's guarantee\n", v);
	for (int k = 0; k < N; k++)
		free(t[k].buf);
	compare_free(&cmp);
	claims_free(&pt);
	dataset_free(&d);
	free(sum);
	return rc != 0 ? rc : v ? 1 : 0;
}

static int run_compare(const struct opts *o, const char *const *base, size_t nbase,
		       const char *const *news, size_t nnew, struct rl_err *e)
{
	static const char *const names[] = {"reproduce.csv"};
	struct dataset db, dn;
	memset(&dn, 0, sizeof dn);
	struct summary *sb = NULL, *sn = NULL;
	struct reproduction rp = {0};
	struct text t = {0}, sbt = {0}, snt = {0};
	int rc = load_side(&db, base, nbase, e);
	if (rc == 0)
		rc = load_side(&dn, news, nnew, e);
	heap_for_statistics();
	if (rc == 0)
		rc = summarize_all(&db, o, &sb, e);
	if (rc == 0)
		rc = summarize_all(&dn, o, &sn, e);
	if (rc == 0)
		rc = reproduce_build(&db, &dn, &o->margin, &rp, e);
	if (rc == 0) {
		FILE *f = text_open(&t);
		int wr = f ? write_reproduce_csv(f, &db, &dn, sb, sn, &rp) : -1;
		if (text_close(&t) != 0 || wr != 0)
			rc = rl_fail(e, RL_ESYS, "reproduce.csv: could not be built (out of memory?)");
	}
	if (rc == 0)
		rc = commit(o, names, &t, 1, e);
	if (rc == 0 && !o->quiet && o->fmt == FMT_JSON) {
		FILE *f1 = text_open(&sbt);
		int w1 = f1 ? write_summary_csv(f1, &db, sb, o->seed, o->reps) : -1;
		FILE *f2 = text_open(&snt);
		int w2 = f2 ? write_summary_csv(f2, &dn, sn, o->seed, o->reps) : -1;
		if (text_close(&sbt) != 0 || text_close(&snt) != 0 || w1 != 0 || w2 != 0)
			rc = rl_fail(e, RL_ESYS, "out of memory");
		const char **in = malloc((nbase + nnew) * sizeof *in), **side = malloc((nbase + nnew) * sizeof *side);
		if (rc == 0 && (!in || !side))
			rc = rl_fail(e, RL_ESYS, "out of memory");
		for (size_t i = 0; rc == 0 && i < nbase + nnew; i++) {
			in[i] = i < nbase ? base[i] : news[i - nbase];
			side[i] = i < nbase ? "base" : "new";
		}
		struct render_part parts[] = {{"reproduce", t.buf, t.len}, {"summary_base", sbt.buf, sbt.len},
					      {"summary_new", snt.buf, snt.len}};
		if (rc == 0)
			rc = render_json(stdout, parts, 3, "compare", in, side, nbase + nnew, o->seed, o->reps, e);
		free(in);
		free(side);
	} else if (rc == 0 && !o->quiet && o->fmt == FMT_CSV) {
		fwrite(t.buf, 1, t.len, stdout);
	} else if (rc == 0 && !o->quiet) {
		const char **cols = calloc(rp.n_keys + 10, sizeof *cols);
		if (!cols) {
			rc = rl_fail(e, RL_ESYS, "out of memory");
		} else {
			size_t k = 0;
			for (size_t i = 0; i < rp.n_keys; i++)
				cols[k++] = db.factor_names[rp.key_base[i]];
			const char *more[] = {"n_base", "n_new", "p_loss_base", "p_loss_new", "lost_frac_base",
					      "lost_frac_new", "verdict", "trials_needed"};
			for (size_t i = 0; i < sizeof more / sizeof *more; i++)
				cols[k++] = more[i];
			struct render_part part = {"reproduce.csv", t.buf, t.len};
			rc = render_table(stdout, o->fmt, &part, cols, e);
			free(cols);
		}
	}
	if (rc == 0 && !o->quiet && o->fmt != FMT_JSON && o->fmt != FMT_CSV)
		printf("%zu cells: %zu reproduced, %zu differ, %zu inconclusive, %zu on one side only "
		       "(margins: P(loss) %g, share lost %g)\n",
		       rp.n, rp.reproduced, rp.differs, rp.inconclusive, rp.one_side, o->margin.p_loss,
		       o->margin.lost_frac);
	int fail = rc == 0 && ((o->fail_on >= 1 && rp.differs) ||
			       (o->fail_on == 2 && (rp.inconclusive || rp.one_side)));
	free(t.buf);
	free(sbt.buf);
	free(snt.buf);
	reproduce_free(&rp);
	dataset_free(&db);
	dataset_free(&dn);
	free(sb);
	free(sn);
	return rc != 0 ? rc : fail ? 1 : 0;
}

static int parse_margin(struct repro_margins *m, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;
	if (!copy)
		return -1;
	int rc = 0;
	for (char *kv = strtok_r(copy, ",", &save); kv && rc == 0; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '='), *end;
		double v = eq ? strtod(eq + 1, &end) : 0;
		if (!eq || end == eq + 1 || *end || !(v > 0.0 && v < 1.0))
			rc = -1;
		else if ((size_t)(eq - kv) == 6 && strncmp(kv, "p_loss", 6) == 0)
			m->p_loss = v;
		else if ((size_t)(eq - kv) == 9 && strncmp(kv, "lost_frac", 9) == 0)
			m->lost_frac = v;
		else
			rc = -1;
	}
	free(copy);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"quiet", no_argument, NULL, 'q'},
		{"seed", required_argument, NULL, 'S'},
		{"bootstrap", required_argument, NULL, 'B'},
		{"compare", no_argument, NULL, 'C'},
		{"new", required_argument, NULL, 'N'},
		{"margin", required_argument, NULL, 'M'},
		{"fail-on", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.outdir = "results", .fmt = FMT_TABLE, .seed = 1, .reps = BOOT_REPS,
			 .margin = {0.10, 0.05}};
	const char **news = calloc((size_t)argc + 1, sizeof *news);
	if (!news) {
		fprintf(stderr, "racestat: out of memory\n");
		return 3;
	}
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.outdir = optarg; break;
		case 'f':
			if (strcmp(optarg, "table") == 0) o.fmt = FMT_TABLE;
			else if (strcmp(optarg, "markdown") == 0) o.fmt = FMT_MARKDOWN;
			else if (strcmp(optarg, "csv") == 0) o.fmt = FMT_CSV;
			else if (strcmp(optarg, "json") == 0) o.fmt = FMT_JSON;
			else {
				fprintf(stderr, "racestat: --format '%s' must be table, markdown, csv or json\n", optarg);
				free(news);
				return 2;
			}
			break;
		case 'q': o.quiet = 1; break;
		case 'B': {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || errno || optarg[0] == '-' || v > 1000000) {
				fprintf(stderr, "racestat: --bootstrap '%s' must be 0 to 1000000 resamples\n", optarg);
				free(news);
				return 2;
			}
			o.reps = (unsigned)v;
			break;
		}
		case 'S': {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (!*optarg || *end || errno || optarg[0] == '-') {
				fprintf(stderr, "racestat: --seed '%s' is not a whole number\n", optarg);
				free(news);
				return 2;
			}
			o.seed = v;
			break;
		}
		case 'C': o.compare = 1; break;
		case 'N': news[o.n_new++] = optarg; break;
		case 'M':
			if (parse_margin(&o.margin, optarg) != 0) {
				fprintf(stderr, "racestat: --margin '%s' must be p_loss=D and/or lost_frac=D, "
					"0 < D < 1\n", optarg);
				free(news);
				return 2;
			}
			break;
		case 'F':
			if (strcmp(optarg, "differs") == 0) o.fail_on = 1;
			else if (strcmp(optarg, "inconclusive") == 0) o.fail_on = 2;
			else {
				fprintf(stderr, "racestat: --fail-on '%s' must be differs or inconclusive\n", optarg);
				free(news);
				return 2;
			}
			break;
		case 'h': usage(stdout); free(news); return 0;
		case ':':
			fprintf(stderr, "racestat: option '%s' needs a value\n", argv[optind - 1]);
			free(news);
			return 2;
		default:
			fprintf(stderr, "racestat: unknown option '%s' (racestat --help)\n", argv[optind - 1]);
			free(news);
			return 2;
		}
	}
	const char *const *files = (const char *const *)argv + optind;
	size_t nfiles = (size_t)(argc - optind);
	const char *bad = NULL;
	if (!o.compare && (o.n_new || o.fail_on))
		bad = o.n_new ? "--new needs --compare" : "--fail-on needs --compare";
	else if (o.compare && o.n_new == 0 && nfiles != 2)
		bad = "--compare takes BASE.csv NEW.csv (or BASE.csv... --new NEW.csv...)";
	else if (nfiles == 0)
		bad = o.compare ? "--compare needs a BASE file" : "no input file (racestat --help)";
	if (bad) {
		fprintf(stderr, "racestat: %s\n", bad);
		free(news);
		return 2;
	}
	gsl_set_error_handler_off(); /* every GSL result is checked instead */

	struct rl_err e = {0};
	int rc;
	if (!o.compare)
		rc = run_stats(&o, files, nfiles, &e);
	else if (o.n_new)
		rc = run_compare(&o, files, nfiles, news, o.n_new, &e);
	else
		rc = run_compare(&o, files, 1, files + 1, 1, &e);
	free(news);
	if (rc < 0) {
		fprintf(stderr, "racestat: %s\n", e.msg);
		return rc == RL_EINPUT || rc == RL_EBUSY ? 2 : 3;
	}
	return rc;
}
