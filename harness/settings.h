/* settings.h - what one run of race does, from an experiment file and options.
 *
 * Both sources go through settings_set(), one key table, so a key means the
 * same and is checked the same way in a file and on the command line. */
#ifndef RACELAB_SETTINGS_H
#define RACELAB_SETTINGS_H

#include <stdint.h>

#include "err.h"
#include "region.h"
#include "strategy.h"

#define MAX_LEVELS 64      /* items in one list */
#define MAX_PROCS  1024u   /* workers in one trial */
#define MAX_TRIALS 1000000u
#define MAX_INCLUDES 16u

enum start_mode { START_BARRIER, START_FORK, START_SPIN };
enum worker_kind { WORKERS_PROCESSES, WORKERS_THREADS };
enum pin_mode { PIN_NONE, PIN_SPREAD, PIN_SAME, PIN_RANDOM, PIN_SMT, PIN_CORE, PIN_PACKAGE, PIN_NUMA };
enum launch_mode { LAUNCH_FORK, LAUNCH_PERSISTENT };
enum until_measure { UNTIL_NONE, UNTIL_P_LOSS, UNTIL_LOST_FRAC };
enum order_mode { ORDER_ROUNDS, ORDER_CELLS };

/* A factor given by name: its values' names, and the chosen values. */
struct enum_list {
	unsigned v[MAX_LEVELS];
	unsigned n;
};

struct settings {
	char experiment[64];
	const struct strategy *strategies[MAX_LEVELS];
	unsigned n_strategies;
	uint64_t procs[MAX_LEVELS];
	unsigned n_procs;
	uint64_t iters[MAX_LEVELS];
	unsigned n_iters;
	struct enum_list workers, pin, start, region, launch, trace;
	uint64_t trace_every;       /* trace = on: a sample every this many increments (a power of 2) */
	uint64_t trials;
	uint64_t trial_timeout_s;
	uint64_t seed;              /* round shuffles and pin = random; 0: from the clock */
	enum order_mode order;      /* rounds (default) or cells */
	uint64_t block;             /* trials of one cell run back to back (0: per launch) */
	enum until_measure until;   /* --until: run a cell until its interval is this narrow */
	double until_half;          /* ... the 95 % interval's half-width */
	uint64_t max_trials;        /* with --until: the most trials a cell may run */
	uint64_t time_budget_s;     /* the whole sweep's time, 0 = none */
	unsigned shard_k, shard_n;  /* shard k of n; 0/0: the whole sweep */
	char output[4096];          /* "" = default, "-" = stdout */
	char includes[MAX_INCLUDES][512]; /* experiment files this one runs, in order */
	char include_where[MAX_INCLUDES][256]; /* file:line of each include, for messages */
	unsigned n_includes;
	uint64_t file_dev, file_ino; /* the experiment file read, if any */
	int has_file;
	char where_iters[4200];     /* where the last iters/procs came from, for errors */
};

void settings_defaults(struct settings *s);

/* Set one key. `where` names the source for messages: "--procs" or "file:line". */
int settings_set(struct settings *s, const char *key, const char *value, const char *where,
		 struct rl_err *e);

/* Read `key = value` lines (# comments, blank lines) from an experiment file.
   `include = other.conf` (a path relative to this file) adds a sub-experiment:
   a file with includes runs each of them, in order, into one CSV. `top` is
   0 for an included file, which may neither include nor set the output.
   Only a regular text file is read (no FIFO, folder, device, NUL byte); a
   UTF-8 byte order mark is skipped. */
int settings_load(struct settings *s, const char *path, int top, struct rl_err *e);

/* Cross-checks once every source is applied: procs x iters fits the counter. */
int settings_check(const struct settings *s, struct rl_err *e);

/* The sweep a CSV was made by, from its .meta (settings= and seed= lines):
   its parts (an experiment with includes has several) into parts[], at most
   MAX_INCLUDES; the run's seed into *seed. A shard's CSV gives the whole
   sweep. Bad or missing lines are refused naming the .meta and line. */
int settings_like(struct settings *parts, unsigned *nparts, uint64_t *seed, const char *csv,
		  struct rl_err *e);

/* The keys, for --help: name, value syntax, meaning. */
struct settings_key {
	const char *key;
	const char *syntax;
	const char *help;
};
extern const struct settings_key settings_keys[];

const char *start_mode_name(enum start_mode m);
const char *worker_kind_name(enum worker_kind k);
const char *pin_mode_name(enum pin_mode p);
const char *order_mode_name(enum order_mode o);
const char *launch_mode_name(enum launch_mode l);
/* the CSV's trace column: "off" or the increments between samples */
void trace_name(uint64_t trace, char *buf, size_t len);
/* The block a launch mode runs when `block` is not set. */
uint64_t default_block(enum launch_mode l);

/* One cell of the sweep: the factors' values. Cells are numbered
   0 .. settings_cells()-1, strategy outermost, iters innermost. */
struct cell_spec {
	const struct strategy *strategy;
	enum worker_kind workers;
	enum pin_mode pin;
	enum start_mode start;
	enum region_kind region;
	enum launch_mode launch;
	uint64_t trace;             /* 0: off; else a sample every `trace` increments */
	unsigned procs;
	uint64_t iters;
};
unsigned settings_cells(const struct settings *s);
/* A cell that cannot be run (private with threads; persistent workers with
   start = fork, who are not forked per trial) is skipped by the sweep. */
int cell_applicable(const struct cell_spec *c);
void settings_cell(const struct settings *s, unsigned index, struct cell_spec *c);

/* Everything that decides which trials a sweep runs, as one line: a resumed
   sweep must have the same. */
void settings_fingerprint(const struct settings *s, char *buf, size_t len);

#endif
