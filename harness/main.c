/* race - run lost-update experiments on shared memory; one CSV row per trial.
 *
 *   race [EXPERIMENT.conf] [options]
 *
 * main() owns every decision about messages and exit codes: 0 all trials
 * fine, 1 a guarantee was violated or a trial failed, 2 bad input (nothing
 * run), 3 a system error, 128+N killed by signal N (rows so far are kept). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "count.h"
#include "output.h"
#include "settings.h"
#include "trial.h"
#include "version.h"

struct cli_pair {
	const char *key, *value, *opt;
};

struct progress {
	int on;
	uint64_t t0, last;
	double total_work, done_work;
	unsigned cells;
};

/* the cost of a trial, in increments: the work plus ~fork overhead */
static double trial_work(uint64_t procs, uint64_t iters)
{
	return (double)procs * (double)iters + 20000.0 * (double)procs;
}

static void fmt_dur(double s, char *buf, size_t len)
{
	unsigned long t = (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

/* The CPUs this process may use, where pinned workers go. */
struct cpu_list {
	int n;
	int cpu[CPU_SETSIZE];
};

static int cpu_list_get(struct cpu_list *l)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return -1;
	l->n = 0;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			l->cpu[l->n++] = c;
	return l->n > 0 ? 0 : -1;
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Each worker's CPU for this trial: round robin, all on the first, or random. */
static void place_workers(const struct cpu_list *l, enum pin_mode pin, unsigned procs,
			  uint64_t *rng, int *out)
{
	for (unsigned w = 0; w < procs; w++)
		out[w] = pin == PIN_SPREAD ? l->cpu[w % (unsigned)l->n]
		       : pin == PIN_RANDOM ? l->cpu[xorshift(rng) % (uint64_t)l->n]
		       : l->cpu[0];
}

static void progress_show(struct progress *p, unsigned cell, const struct trial_spec *t,
			  unsigned long trial, unsigned long trials, int force)
{
	if (!p->on)
		return;
	uint64_t now = now_ns();
	if (!force && now - p->last < 100000000ull)
		return;
	p->last = now;
	double el = (double)(now - p->t0) / 1e9;
	char a[32], b[32], it[32];
	fmt_dur(el, a, sizeof a);
	if (p->done_work > 0)
		fmt_dur(el * (p->total_work - p->done_work) / p->done_work, b, sizeof b);
	else
		snprintf(b, sizeof b, "?");
	count_format(t->iters, it, sizeof it);
	fprintf(stderr, "\r\033[Kcell %u/%u %s procs=%u iters=%s trial %lu/%lu | %s elapsed, ETA %s",
		cell, p->cells, t->s->name, t->procs, it, trial, trials, a, b);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: race [EXPERIMENT.conf] [options]\n"
		"Fork worker processes that each increment one shared counter, and write\n"
		"one CSV row per trial. Options override the experiment file.\n\n"
		"  -s, --strategy LIST|all   strategies to run (default plain)\n"
		"  -p, --procs LIST          worker processes per trial, e.g. 1,2,4,8 (default 2)\n"
		"  -n, --iters LIST          increments per worker: 100000, 1e5, 100k, 1M (default 1e5)\n"
		"  -t, --trials N            trials per cell (default 20)\n"
		"      --workers LIST        processes (default) or threads, e.g. processes,threads\n"
		"      --pin LIST            none (default), spread, same or random CPU placement\n"
		"      --start LIST          barrier (default: futex, all released together), fork\n"
		"                            (each as forked) or spin (busy-wait release)\n"
		"      --region LIST         anon (default), shm (POSIX named) or sysv segment\n"
		"      --seed N              seed for --pin random (default: from the clock)\n"
		"      --trial-timeout SEC   watchdog per trial (default 600)\n"
		"  -e, --experiment NAME     experiment name (default: the file's name, or adhoc)\n"
		"  -o, --output FILE         CSV path, '-' for stdout (default results/NAME.csv for\n"
		"                            an experiment file, stdout otherwise); FILE.meta beside it\n"
		"  -q, --quiet               no progress line\n"
		"      --resume              continue an interrupted sweep into the same CSV: a torn\n"
		"                            last row is cut, recorded trials are skipped\n"
		"      --list                list the strategies\n"
		"  -V, --version             print the version\n"
		"  -h, --help                this help\n\n"
		"Experiment file: 'key = value' lines, '#' comments. Keys:\n");
	for (const struct settings_key *k = settings_keys; k->key; k++)
		fprintf(f, "  %-14s %-14s %s\n", k->key, k->syntax, k->help);
	fprintf(f, "\nStrategies:\n");
	for (unsigned i = 0; i < strategy_count; i++)
		fprintf(f, "  %-10s %s\n", strategy_table[i]->name, strategy_table[i]->summary);
}

static int pending_fatal(const sigset_t *wait_set)
{
	struct timespec zero = {0, 0};
	int sig;
	while ((sig = sigtimedwait(wait_set, NULL, &zero)) > 0)
		if (sig != SIGCHLD)
			return sig;
	return 0;
}

static void default_experiment(const char *file, char *buf, size_t len)
{
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", file);
	char *b = basename(copy);
	char *dot = strrchr(b, '.');
	if (dot && dot != b)
		*dot = '\0';
	snprintf(buf, len, "%s", b);
}

static void free_keys(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* Everything after the settings: open the CSV (or resume it), run each sweep
 * of the plan, and say how it went. Returns the exit status. */
static int run(const struct settings *plan, unsigned nplan, const struct settings *s,
	       const char *file, const char *cmdline, int quiet, int resume)
{
	struct rl_err e = {0};
	char out_path[4200];
	if (s->output[0])
		snprintf(out_path, sizeof out_path, "%s", s->output);
	else if (file) {
		if (mkdir("results", 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "race: results/: %s\n", strerror(errno));
			return 3;
		}
		snprintf(out_path, sizeof out_path, "results/%s.csv", s->experiment);
	} else
		snprintf(out_path, sizeof out_path, "-");

	/* Signals: the parent takes the fatal ones and SIGCHLD by sigtimedwait()
	   only; workers get the mask we started with. */
	sigset_t wait_set, child_mask;
	sigemptyset(&wait_set);
	sigaddset(&wait_set, SIGCHLD);
	sigaddset(&wait_set, SIGINT);
	sigaddset(&wait_set, SIGTERM);
	sigaddset(&wait_set, SIGHUP);
	sigprocmask(SIG_BLOCK, &wait_set, &child_mask);
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, not death */

	char run_id[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(run_id, sizeof run_id, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(run_id + strlen(run_id), sizeof run_id - strlen(run_id), "-%ld", (long)getpid());

	char fingerprint[4096 * (MAX_INCLUDES + 1)];
	size_t fl = 0;
	for (unsigned k = 0; k < nplan && fl < sizeof fingerprint; k++) {
		if (k)
			fingerprint[fl++] = '|';
		settings_fingerprint(&plan[k], fingerprint + fl, sizeof fingerprint - fl);
		fl += strlen(fingerprint + fl);
	}
	uint64_t seed = s->seed ? s->seed : now_ns() | 1; /* 0: from the clock */
	struct csv_out out;
	char **done_keys = NULL;
	size_t n_done = 0;
	struct stat st_out;
	if (resume && strcmp(out_path, "-") == 0) {
		fprintf(stderr, "race: --resume needs a CSV file (-o FILE or an experiment file)\n");
		return 2;
	}
	if (resume && stat(out_path, &st_out) == 0) {
		int rc = meta_resume(out_path, cmdline, run_id, fingerprint, &e);
		if (rc == 0)
			rc = csv_resume(&out, out_path, &done_keys, &n_done, &e);
		if (rc != 0) {
			fprintf(stderr, "race: %s\n", e.msg);
			return rc == RL_EINPUT ? 2 : 3;
		}
	} else if (csv_open(&out, out_path, &e) != 0 ||
		   (strcmp(out_path, "-") != 0 &&
		    meta_write(out_path, cmdline, run_id, file, fingerprint, seed, &e) != 0)) {
		fprintf(stderr, "race: %s\n", e.msg);
		return 3;
	}

	struct progress pr = {.on = !quiet && isatty(STDERR_FILENO), .t0 = now_ns()};
	for (unsigned k = 0; k < nplan; k++)
		for (unsigned c = 0; c < settings_cells(&plan[k]); c++) {
			struct cell_spec cs;
			settings_cell(&plan[k], c, &cs);
			if (!cell_applicable(&cs))
				continue;
			pr.cells++;
			pr.total_work += (double)plan[k].trials * trial_work(cs.procs, cs.iters);
		}
	struct cpu_list cpus;
	struct trial_result *r = malloc(sizeof *r);
	if (cpu_list_get(&cpus) != 0 || !r) {
		fprintf(stderr, "race: %s\n", r ? "sched_getaffinity failed" : "out of memory");
		free_keys(done_keys, n_done);
		free(r);
		return 3;
	}
	uint64_t rng = seed;

	int status = 0, rc = 0;
	unsigned long bad_trials = 0;
	size_t seq = 0; /* the trial's place in the sweep, for --resume */
	unsigned shown = 0; /* cells started, for the progress line */
	for (unsigned k = 0; k < nplan && rc == 0; k++)
	for (unsigned cell = 0; cell < settings_cells(&plan[k]) && rc == 0; cell++) {
		const struct settings *sp = &plan[k];
		struct cell_spec cs;
		settings_cell(sp, cell, &cs);
		if (!cell_applicable(&cs))
			continue;
		shown++;
		int pin_cpu[MAX_PROCS];
		struct trial_spec t = {
			.s = cs.strategy, .procs = cs.procs, .iters = cs.iters, .workers = cs.workers,
			.pin = cs.pin, .start = cs.start, .region = cs.region, .pin_cpu = pin_cpu,
			.timeout_ns = sp->trial_timeout_s * 1000000000ull,
			.wait_set = &wait_set, .child_mask = &child_mask,
		};
		for (unsigned long n = 1; n <= sp->trials && rc == 0; n++, seq++) {
			if (seq < n_done) {
				char key[256];
				csv_row_key(key, sizeof key, &t, n);
				if (strcmp(key, done_keys[seq]) != 0) {
					rc = rl_fail(&e, RL_EINPUT,
						     "%s: row %zu is %s where this sweep has %s; will not resume",
						     out_path, seq + 2, done_keys[seq], key);
					break;
				}
				pr.done_work += trial_work(t.procs, t.iters);
				continue;
			}
			int sig = pending_fatal(&wait_set);
			if (sig) {
				e.signo = sig;
				rc = rl_fail(&e, RL_EINTR, "interrupted by SIG%s", sigabbrev_np(sig));
				break;
			}
			progress_show(&pr, shown, &t, n, sp->trials, n == 1);
			place_workers(&cpus, t.pin, t.procs, &rng, pin_cpu);
			rc = trial_run(&t, r, &e);
			if (rc != 0 && rc != RL_EWORKER)
				break;
			int wrc = csv_write_row(&out, run_id, sp, &t, n, r, &e);
			if (wrc != 0)
				rc = wrc;
			pr.done_work += trial_work(t.procs, t.iters);
			if (r->violation || r->status != TRIAL_OK) {
				bad_trials++;
				status = 1;
				if (pr.on)
					fputc('\n', stderr);
				fprintf(stderr, "race: %s: %s procs=%u iters=%llu trial %lu: %s\n",
					r->violation ? "violation" : trial_status_name(r->status),
					t.s->name, t.procs, (unsigned long long)t.iters, n, r->detail);
			}
		}
	}
	free(r);
	if (pr.on)
		fprintf(stderr, "\r\033[K");
	if (rc == 0 && n_done > seq)
		rc = rl_fail(&e, RL_EINPUT, "%s: holds %zu rows, more than this sweep's %zu", out_path,
			     n_done, seq);
	free_keys(done_keys, n_done);

	struct rl_err ce;
	if (csv_close(&out, &ce) != 0 && rc == 0) {
		e = ce;
		rc = RL_ESYS;
	}
	if (rc == RL_EINTR) {
		fprintf(stderr, "race: %s; %s keeps the %lu finished trials\n", e.msg, out.path,
			out.rows);
		/* 128 + signal, as a shell reports a death by that signal */
		return 128 + e.signo;
	}
	if (rc == RL_EWORKER) {
		fprintf(stderr, "race: %s; %s keeps the %lu finished trials\n", e.msg, out.path,
			out.rows);
		return 1;
	}
	if (rc != 0) {
		fprintf(stderr, "race: %s\n", e.msg);
		return rc == RL_EINPUT ? 2 : 3;
	}
	if (bad_trials)
		fprintf(stderr, "race: %lu trials violated their guarantee or failed\n", bad_trials);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"strategy", required_argument, NULL, 's'},
		{"procs", required_argument, NULL, 'p'},
		{"iters", required_argument, NULL, 'n'},
		{"trials", required_argument, NULL, 't'},
		{"start", required_argument, NULL, 'S'},
		{"workers", required_argument, NULL, 'W'},
		{"pin", required_argument, NULL, 'P'},
		{"seed", required_argument, NULL, 'D'},
		{"region", required_argument, NULL, 'R'},
		{"trial-timeout", required_argument, NULL, 'T'},
		{"experiment", required_argument, NULL, 'e'},
		{"output", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"resume", no_argument, NULL, 'r'},
		{"list", no_argument, NULL, 'L'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cli_pair pairs[64];
	unsigned npairs = 0;
	int quiet = 0, resume = 0, c;
	struct rl_err e = {0};

	/* the command line as typed, before getopt permutes argv */
	char cmdline[8192];
	size_t used = 0;
	cmdline[0] = '\0';
	for (int i = 0; i < argc && used < sizeof cmdline; i++)
		used += (size_t)snprintf(cmdline + used, sizeof cmdline - used, "%s%s", i ? " " : "",
					 argv[i]);

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:p:n:t:e:o:qVh", longopts, NULL)) != -1) {
		const char *key = NULL;
		switch (c) {
		case 's': key = "strategy"; break;
		case 'p': key = "procs"; break;
		case 'n': key = "iters"; break;
		case 't': key = "trials"; break;
		case 'S': key = "start"; break;
		case 'W': key = "workers"; break;
		case 'P': key = "pin"; break;
		case 'D': key = "seed"; break;
		case 'R': key = "region"; break;
		case 'T': key = "trial_timeout"; break;
		case 'e': key = "experiment"; break;
		case 'o': key = "output"; break;
		case 'q': quiet = 1; break;
		case 'r': resume = 1; break;
		case 'L':
			for (unsigned i = 0; i < strategy_count; i++)
				printf("%-10s %s\n", strategy_table[i]->name, strategy_table[i]->summary);
			return 0;
		case 'V': printf("race (racelab) %s\n", RACELAB_COMMIT); return 0;
		case 'h': usage(stdout); return 0;
		case ':':
			fprintf(stderr, "race: option '%s' needs a value (race --help)\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "race: unknown option '%s' (race --help)\n", argv[optind - 1]);
			return 2;
		}
		if (key) {
			if (npairs == sizeof pairs / sizeof *pairs) {
				fprintf(stderr, "race: too many options\n");
				return 2;
			}
			pairs[npairs++] = (struct cli_pair){key, optarg, argv[optind - 1]};
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "race: one experiment file at most, got '%s' and '%s'\n",
			argv[optind], argv[optind + 1]);
		return 2;
	}
	const char *file = optind < argc ? argv[optind] : NULL;

	/* The plan: one settings per sweep. An experiment file with includes runs
	   each included file's sweep in turn, on top of its own settings; options
	   on the command line override them all. */
	struct settings *plan = calloc(MAX_INCLUDES + 1, sizeof *plan);
	if (!plan) {
		fprintf(stderr, "race: out of memory\n");
		return 3;
	}
	struct settings s; /* the top level: its name and output are the run's */
	settings_defaults(&s);
	unsigned nplan = 0;
	int rc_in = 0;
	if (file) {
		default_experiment(file, s.experiment, sizeof s.experiment);
		rc_in = settings_load(&s, file, &e);
	}
	for (unsigned k = 0; rc_in == 0 && k < (s.n_includes ? s.n_includes : 1); k++) {
		struct settings *sub = &plan[nplan++];
		*sub = s;
		sub->n_includes = 0;
		if (s.n_includes) {
			default_experiment(s.includes[k], sub->experiment, sizeof sub->experiment);
			rc_in = settings_load(sub, s.includes[k], &e);
			if (rc_in == 0 && sub->n_includes)
				rc_in = rl_fail(&e, RL_EINPUT, "%s: includes must not nest", s.includes[k]);
		}
		for (unsigned i = 0; rc_in == 0 && i < npairs; i++) {
			char where[64];
			snprintf(where, sizeof where, "--%s", pairs[i].key);
			for (char *q = where; *q; q++)
				if (*q == '_')
					*q = '-';
			rc_in = settings_set(sub, pairs[i].key, pairs[i].value, where, &e);
			if (rc_in == 0 && (k == 0 || !s.n_includes))
				settings_set(&s, pairs[i].key, pairs[i].value, where, &e);
		}
		if (rc_in == 0)
			rc_in = settings_check(sub, &e);
	}
	if (rc_in != 0) {
		fprintf(stderr, "race: %s\n", e.msg);
		free(plan);
		return 2;
	}

	int code = run(plan, nplan, &s, file, cmdline, quiet, resume);
	free(plan);
	return code;
}
