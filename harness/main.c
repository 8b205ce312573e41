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
#include <malloc.h>
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
#include "nocopy.h"
#include "settings.h"
#include "strategy.h"
#include "sweep.h"
#include "version.h"

struct cli_pair {
	const char *key, *value, *opt;
};

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
		"      --pin LIST            none (default), spread, same or random CPU placement, or\n"
		"                            by topology (hwloc): smt, core, package, numa\n"
		"      --start LIST          barrier (default: futex, all released together), fork\n"
		"                            (each as forked) or spin (busy-wait release)\n"
		"      --region LIST         anon (default), shm (POSIX named) or sysv segment\n"
		"      --launch LIST         fork (fresh workers each trial, default) or persistent\n"
		"                            (workers run a block of trials back to back)\n"
		"      --seed N              seed for the round order and --pin random (default: clock)\n"
		"      --order rounds|cells  rounds: each round runs every cell once, in a shuffled\n"
		"                            order (default); cells: each cell's trials in turn\n"
		"      --block N             trials of one cell run back to back (default 1;\n"
		"                            1000 with --launch persistent)\n"
		"      --trial-timeout SEC   watchdog per trial (default 600)\n"
		"  -e, --experiment NAME     experiment name (default: the file's name, or adhoc)\n"
		"  -o, --output FILE         CSV path, '-' for stdout (default results/NAME.csv for\n"
		"                            an experiment file, stdout otherwise); FILE.meta beside it\n"
		"      --until p_loss_ci=H|lost_frac_ci=H  run each cell until the half-width of its\n"
		"                            95 %% interval is at most H (needs --max-trials)\n"
		"      --max-trials N        with --until: the most trials a cell runs\n"
		"      --time-budget SEC     start no block after this long (resume continues)\n"
		"      --shard K/N|slurm     run the K-th of N shards of the sweep (every N-th cell);\n"
		"                            slurm: K and N from the job array task\n"
		"      --like CSV            run the sweep CSV was made by (from CSV.meta), here\n"
		"      --dry-run             print the plan (cells, trials, placement, time) and stop\n"
		"      --meta FILE           write the .meta here (needed for -o - or a device)\n"
		"      --trace[=LIST]        off (default) or on: workers record their progress inside\n"
		"                            the trial into CSV.trace.csv (a factor; launch fork)\n"
		"      --trace-every N       increments between two samples, a power of 2 (1024)\n"
		"      --live                a full-screen view of the sweep, for a lecture hall\n"
		"                            (q stops, space pauses; the CSV is written as ever)\n"
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

/* Where the rows go: -o, the file's `output`, results/NAME.csv for an
 * experiment file, else stdout. A symbolic link is followed only where the
 * user named the path on the command line. */
static int output_path(const struct settings *s, const char *file, int explicit_o, char *buf,
		       size_t len, struct rl_err *e)
{
	if (s->output[0])
		snprintf(buf, len, "%s", s->output);
	else if (file) {
		if (mkdir("results", 0755) != 0 && errno != EEXIST)
			return rl_fail(e, RL_ESYS, "results/: %s", strerror(errno));
		snprintf(buf, len, "results/%s.csv", s->experiment);
	} else
		snprintf(buf, len, "-");
	/* the user named this path: a link at it is followed, to where it
	   points (which need not exist yet), and that path is what is written */
	struct stat st;
	for (int hops = 0; explicit_o && strcmp(buf, "-") != 0 && lstat(buf, &st) == 0 &&
			   S_ISLNK(st.st_mode); hops++) {
		char to[4096];
		ssize_t k = readlink(buf, to, sizeof to - 1);
		if (k <= 0 || hops == 40)
			return rl_fail(e, RL_EINPUT, "%s: a symbolic link that cannot be followed", buf);
		to[k] = '\0';
		char next[4200];
		const char *slash = strrchr(buf, '/');
		if (to[0] == '/' || !slash)
			snprintf(next, sizeof next, "%s", to);
		else
			snprintf(next, sizeof next, "%.*s/%s", (int)(slash - buf), buf, to);
		snprintf(buf, len, "%s", next);
	}
	return 0;
}

/* Options on the command line override every part of the sweep (and the
   top level's name and output, when top is given); then the part is checked. */
static int apply_options(struct settings *part, struct settings *top, const struct cli_pair *pairs,
			 unsigned npairs, struct rl_err *e)
{
	for (unsigned i = 0; i < npairs; i++) {
		char where[64];
		snprintf(where, sizeof where, "--%s", pairs[i].key);
		for (char *q = where; *q; q++)
			if (*q == '_')
				*q = '-';
		int rc = settings_set(part, pairs[i].key, pairs[i].value, where, e);
		if (rc != 0)
			return rc;
		if (top)
			settings_set(top, pairs[i].key, pairs[i].value, where, e);
	}
	return settings_check(part, e);
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
		{"order", required_argument, NULL, 'O'},
		{"block", required_argument, NULL, 'B'},
		{"meta", required_argument, NULL, 'M'},
		{"launch", required_argument, NULL, 'A'},
		{"until", required_argument, NULL, 'U'},
		{"max-trials", required_argument, NULL, 'X'},
		{"time-budget", required_argument, NULL, 'G'},
		{"shard", required_argument, NULL, 'H'},
		{"like", required_argument, NULL, 'K'},
		{"live", no_argument, NULL, 'Z'},
		{"trace", optional_argument, NULL, 'J'},
		{"trace-every", required_argument, NULL, 'j'},
		{"dry-run", no_argument, NULL, 'Y'},
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
	/* big blocks as their own mappings: their pages exist only where written,
	   and what is not resident is nothing a fork copies */
	mallopt(M_MMAP_THRESHOLD, 16 * 1024);
	struct cli_pair pairs[64];
	unsigned npairs = 0;
	int quiet = 0, resume = 0, explicit_o = 0, dry = 0, live = 0, c;
	const char *meta_path = NULL, *like = NULL;
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
		case 'O': key = "order"; break;
		case 'B': key = "block"; break;
		case 'M': meta_path = optarg; break;
		case 'A': key = "launch"; break;
		case 'U': key = "until"; break;
		case 'X': key = "max_trials"; break;
		case 'G': key = "time_budget"; break;
		case 'H': key = "shard"; break;
		case 'K': like = optarg; break;
		case 'Z': live = 1; break;
		case 'J': key = "trace"; if (!optarg) optarg = (char *)"on"; break;
		case 'j': key = "trace_every"; break;
		case 'Y': dry = 1; break;
		case 'R': key = "region"; break;
		case 'T': key = "trial_timeout"; break;
		case 'e': key = "experiment"; break;
		case 'o': key = "output"; explicit_o = 1; break;
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
	/* read by the sweep between forks: kept out of what a fork copies, and
	   the top level beside the parts rather than 24 KiB on the stack */
	const size_t plan_size = (MAX_INCLUDES + 2) * sizeof(struct settings);
	struct nocopy *nc = nocopy_open(NOCOPY_RESERVE);
	struct settings *plan = nc ? nocopy_calloc(nc, plan_size) : NULL;
	if (!plan) {
		nocopy_close(nc);
		fprintf(stderr, "race: out of memory\n");
		return 3;
	}
	struct settings *top = &plan[MAX_INCLUDES + 1]; /* the top level: its name and output are the run's */
	settings_defaults(top);
	unsigned nplan = 0;
	int rc_in = 0;
	if (like) {
		/* the sweep another CSV was made by, its parts as they were */
		uint64_t seed;
		if (file)
			rc_in = rl_fail(&e, RL_EINPUT, "--like %s and the experiment file %s: one or the other",
					like, file);
		else
			rc_in = settings_like(plan, &nplan, &seed, like, &e);
		if (rc_in == 0)
			*top = plan[0];
		for (unsigned k = 0; rc_in == 0 && k < nplan; k++)
			rc_in = apply_options(&plan[k], k == 0 ? top : NULL, pairs, npairs, &e);
	} else {
		if (file) {
			default_experiment(file, top->experiment, sizeof top->experiment);
			rc_in = settings_load(top, file, 1, &e);
		}
		for (unsigned k = 0; rc_in == 0 && k < (top->n_includes ? top->n_includes : 1); k++) {
			struct settings *sub = &plan[nplan++];
			*sub = *top;
			sub->n_includes = 0;
			if (top->n_includes) {
				default_experiment(top->includes[k], sub->experiment, sizeof sub->experiment);
				rc_in = settings_load(sub, top->includes[k], 0, &e);
				for (unsigned j = 0; rc_in == 0 && j < k; j++)
					if (plan[j].file_dev == sub->file_dev && plan[j].file_ino == sub->file_ino)
						rc_in = rl_fail(&e, RL_EINPUT, "%s: includes %s a second time",
								top->include_where[k], top->includes[k]);
				if (rc_in == 0 && sub->file_dev == top->file_dev && sub->file_ino == top->file_ino)
					rc_in = rl_fail(&e, RL_EINPUT, "%s: includes itself", top->include_where[k]);
			}
			if (rc_in == 0)
				rc_in = apply_options(sub, k == 0 || !top->n_includes ? top : NULL, pairs, npairs, &e);
		}
	}
	if (rc_in != 0) {
		fprintf(stderr, "race: %s\n", e.msg);
		nocopy_close(nc);
		return 2;
	}

	char out_path[4200];
	uint64_t inputs[MAX_INCLUDES + 1][2];
	unsigned n_inputs = 0;
	if (top->has_file) {
		inputs[n_inputs][0] = top->file_dev;
		inputs[n_inputs++][1] = top->file_ino;
	}
	for (unsigned k = 0; k < nplan && top->n_includes; k++) {
		inputs[n_inputs][0] = plan[k].file_dev;
		inputs[n_inputs++][1] = plan[k].file_ino;
	}
	if (output_path(top, file, explicit_o, out_path, sizeof out_path, &e) != 0) {
		fprintf(stderr, "race: %s\n", e.msg);
		nocopy_close(nc);
		return 3;
	}

	struct sweep_request rq = {
		.parts = plan, .nparts = nplan, .experiment_file = file, .cmdline = cmdline,
		.output = out_path, .meta_path = meta_path, .resume = resume, .quiet = quiet, .live = live,
		.inputs = (const uint64_t (*)[2])inputs, .n_inputs = n_inputs, .nocopy = nc,
	};
	if (dry) {
		int rc = sweep_dry_run(&rq, stdout, &e);
		nocopy_close(nc);
		if (rc != 0) {
			fprintf(stderr, "race: %s\n", e.msg);
			return rc == RL_EINPUT ? 2 : 3;
		}
		return 0;
	}
	sigset_t wait_set;
	sweep_signals(&wait_set);
	struct sweep_outcome out;
	int rc = sweep_main(&rq, &wait_set, &out, &e);
	if (!out.stranded)
		nocopy_close(nc);
	int code;
	if (rc == RL_EINTR) {
		fprintf(stderr, "race: %s; %s keeps the %lu finished trials\n", e.msg, out.output, out.rows);
		code = 128 + e.signo; /* as a shell reports a death by that signal */
	} else if (rc == RL_EWORKER) {
		fprintf(stderr, "race: %s; %s keeps the %lu finished trials\n", e.msg, out.output, out.rows);
		code = 1;
	} else if (rc != 0) {
		fprintf(stderr, "race: %s\n", e.msg);
		code = rc == RL_EINPUT || rc == RL_EBUSY ? 2 : 3;
	} else {
		if (out.budget_hit)
			fprintf(stderr, "race: the time budget is spent; %s keeps %lu trials, and --resume "
				"continues the sweep\n", out.output, out.rows);
		if (out.bad_trials)
			fprintf(stderr, "race: %lu trials violated their guarantee or failed\n", out.bad_trials);
		code = out.bad_trials ? 1 : 0;
	}
	if (out.stranded)
		_exit(code); /* threads still run on memory nobody may free: end now */
	return code;
}
