/* settings.c - the experiment file format and the one key table. */
#define _GNU_SOURCE
#include "settings.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "count.h"

const struct settings_key settings_keys[] = {
	{"experiment", "NAME", "name of the experiment (CSV column; default file name)"},
	{"strategy", "LIST|all", "strategies to run, e.g. plain,atomic"},
	{"procs", "LIST", "worker processes per trial, e.g. 1,2,4,8"},
	{"iters", "LIST", "increments per worker, e.g. 1e3,1e4,100k,1M"},
	{"trials", "N", "trials per cell"},
	{"workers", "LIST", "processes (fork) or threads (pthreads in one process)"},
	{"pin", "LIST", "CPU placement: none, spread, same, random, or by topology (hwloc): smt, core, "
			"package, numa"},
	{"launch", "LIST", "fork (fresh workers every trial) or persistent (once per block of trials)"},
	{"start", "LIST", "barrier (futex), fork (each as forked), spin (busy-wait release)"},
	{"region", "LIST", "anon (MAP_SHARED|MAP_ANONYMOUS), shm (shm_open), sysv (shmget)"},
	{"seed", "N", "seed for the round order and pin = random (default: from the clock; in .meta)"},
	{"order", "rounds|cells", "rounds: every cell once per round, shuffled (default); cells: in turn"},
	{"block", "N", "trials of one cell run back to back (default: 1 for fork, 1000 persistent)"},
	{"until", "p_loss_ci=H|lost_frac_ci=H", "run each cell until its 95 % interval's half-width <= H"},
	{"max_trials", "N", "with until: the most trials a cell runs (required)"},
	{"time_budget", "SECONDS", "stop starting blocks after this long (the sweep stays resumable)"},
	{"trace", "LIST", "off (default) or on: each worker records its progress every trace_every increments"},
	{"trace_every", "N", "with trace on: increments between two samples, a power of 2 (default 1024)"},
	{"shard", "K/N|slurm", "run the K-th of N shards (every N-th cell); slurm: from the array task"},
	{"include", "FILE", "(files only) run another experiment file too, into the same CSV"},
	{"trial_timeout", "SECONDS", "kill a trial that runs longer (watchdog)"},
	{"output", "FILE", "CSV path ('-' for stdout)"},
	{NULL, NULL, NULL},
};

static const char *const start_names[] = {"barrier", "fork", "spin", NULL};
static const char *const worker_names[] = {"processes", "threads", NULL};
static const char *const pin_names[] = {"none", "spread", "same", "random", "smt", "core",
					"package", "numa", NULL};
static const char *const launch_names[] = {"fork", "persistent", NULL};
static const char *const trace_names[] = {"off", "on", NULL};
static const char *const order_names[] = {"rounds", "cells", NULL};

const char *start_mode_name(enum start_mode m)
{
	return start_names[m];
}

const char *worker_kind_name(enum worker_kind k)
{
	return worker_names[k];
}

const char *pin_mode_name(enum pin_mode p)
{
	return pin_names[p];
}

const char *order_mode_name(enum order_mode o)
{
	return order_names[o];
}

const char *launch_mode_name(enum launch_mode l)
{
	return launch_names[l];
}

void trace_name(uint64_t trace, char *buf, size_t len)
{
	if (trace)
		snprintf(buf, len, "%llu", (unsigned long long)trace);
	else
		snprintf(buf, len, "off");
}

uint64_t default_block(enum launch_mode l)
{
	return l == LAUNCH_PERSISTENT ? 1000 : 1;
}

static void one(struct enum_list *l, unsigned v)
{
	l->v[0] = v;
	l->n = 1;
}

void settings_defaults(struct settings *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->experiment, sizeof s->experiment, "adhoc");
	s->strategies[0] = strategy_find("plain");
	s->n_strategies = 1;
	s->procs[0] = 2;
	s->n_procs = 1;
	s->iters[0] = 100000;
	s->n_iters = 1;
	s->trials = 20;
	one(&s->workers, WORKERS_PROCESSES);
	one(&s->pin, PIN_NONE);
	one(&s->start, START_BARRIER);
	one(&s->region, REGION_ANON);
	one(&s->launch, LAUNCH_FORK);
	one(&s->trace, 0);
	s->trace_every = 1024;
	s->trial_timeout_s = 600;
	s->order = ORDER_ROUNDS;
	s->block = 0;
	snprintf(s->where_iters, sizeof s->where_iters, "defaults");
}

static int set_strategies(struct settings *s, const char *v, const char *where, struct rl_err *e)
{
	if (strcmp(v, "all") == 0) {
		for (unsigned i = 0; i < strategy_count; i++)
			s->strategies[i] = strategy_table[i];
		s->n_strategies = strategy_count;
		return 0;
	}
	unsigned n = 0;
	const char *p = v;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char name[64];
		if (len == 0 || len >= sizeof name)
			return rl_fail(e, RL_EINPUT, "%s: strategy list '%s' has an empty or overlong item",
				       where, v);
		memcpy(name, p, len);
		name[len] = '\0';
		const struct strategy *st = strategy_find(name);
		if (!st)
			return rl_fail(e, RL_EINPUT, "%s: unknown strategy '%s' (race --list shows them)",
				       where, name);
		for (unsigned i = 0; i < n; i++)
			if (s->strategies[i] == st)
				return rl_fail(e, RL_EINPUT, "%s: strategy '%s' listed twice", where, name);
		if (n == MAX_LEVELS)
			return rl_fail(e, RL_EINPUT, "%s: too many strategies", where);
		s->strategies[n++] = st;
		if (!end)
			break;
		p = end + 1;
	}
	s->n_strategies = n;
	return 0;
}

static int set_list(uint64_t *dst, unsigned *n, const char *key, const char *v, uint64_t max,
		    const char *where, struct rl_err *e)
{
	const char *why, *bad;
	uint64_t got[MAX_LEVELS];
	int k = count_list_parse(v, 1, max, got, MAX_LEVELS, &why, &bad);
	if (k < 0) {
		size_t len = strcspn(bad, ",");
		if (strcmp(why, "is too large") == 0 && max < INT64_MAX)
			return rl_fail(e, RL_EINPUT, "%s: %s '%.*s' is too large (at most %llu)", where, key,
				       (int)len, bad, (unsigned long long)max);
		return rl_fail(e, RL_EINPUT, "%s: %s '%.*s' %s", where, key, (int)len, bad, why);
	}
	/* a repeated level would double its cells, which racestat then merges */
	for (int i = 0; i < k; i++)
		for (int j = 0; j < i; j++)
			if (got[i] == got[j])
				return rl_fail(e, RL_EINPUT, "%s: %s %llu listed twice ('%s')", where, key,
					       (unsigned long long)got[i], v);
	memcpy(dst, got, (size_t)k * sizeof *got);
	*n = (unsigned)k;
	return 0;
}

static int set_count(uint64_t *dst, const char *key, const char *v, uint64_t max,
		     const char *where, struct rl_err *e)
{
	const char *why;
	if (count_parse(v, 1, max, dst, &why) != 0) {
		if (strcmp(why, "is too large") == 0 && max < INT64_MAX)
			return rl_fail(e, RL_EINPUT, "%s: %s '%s' is too large (at most %llu)", where, key, v,
				       (unsigned long long)max);
		return rl_fail(e, RL_EINPUT, "%s: %s '%s' %s", where, key, v, why);
	}
	return 0;
}

/* "a,b" of names from a table; "all" for every one */
static int set_enum_list(struct enum_list *l, const char *const *names, const char *key,
			 const char *v, const char *where, struct rl_err *e)
{
	struct enum_list out = {.n = 0};
	if (strcmp(v, "all") == 0) {
		for (unsigned i = 0; names[i]; i++)
			out.v[out.n++] = i;
		*l = out;
		return 0;
	}
	for (const char *p = v;;) {
		size_t len = strcspn(p, ",");
		unsigned i;
		for (i = 0; names[i]; i++)
			if (strlen(names[i]) == len && strncmp(names[i], p, len) == 0)
				break;
		if (!names[i]) {
			char allowed[128] = "";
			for (unsigned k = 0; names[k]; k++)
				snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
					 k ? ", " : "", names[k]);
			return rl_fail(e, RL_EINPUT, "%s: %s '%.*s' must be one of %s", where, key,
				       (int)len, p, allowed);
		}
		for (unsigned k = 0; k < out.n; k++)
			if (out.v[k] == i)
				return rl_fail(e, RL_EINPUT, "%s: %s '%s' listed twice", where, key, names[i]);
		if (out.n == MAX_LEVELS)
			return rl_fail(e, RL_EINPUT, "%s: too many %s values", where, key);
		out.v[out.n++] = i;
		if (!p[len])
			break;
		p += len + 1;
	}
	*l = out;
	return 0;
}

static int valid_name(const char *v)
{
	if (!*v)
		return 0;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

/* a whole number from the environment, for --shard slurm; 1 when unset and
   not needed */
static int env_count(const char *name, int need, unsigned long *out, const char *where,
		     struct rl_err *e)
{
	const char *v = getenv(name);
	if (!v || !*v) {
		if (!need)
			return 1;
		return rl_fail(e, RL_EINPUT, "%s: shard slurm needs %s (is this a job array task?)", where, name);
	}
	char *end;
	errno = 0;
	unsigned long x = strtoul(v, &end, 10);
	if (*end || errno || v[0] == '-' || x > 100000000)
		return rl_fail(e, RL_EINPUT, "%s: %s '%.32s' is not a whole number", where, name, v);
	*out = x;
	return 0;
}

#define MAX_SHARDS 100000

/* K/N (1 <= K <= N), or slurm: K and N from the array task's variables */
static int set_shard(struct settings *s, const char *v, const char *where, struct rl_err *e)
{
	unsigned long k, n;
	if (strcmp(v, "slurm") == 0) {
		unsigned long id, min = 0, count, step = 1;
		int rc;
		if ((rc = env_count("SLURM_ARRAY_TASK_ID", 1, &id, where, e)) != 0 ||
		    (rc = env_count("SLURM_ARRAY_TASK_COUNT", 1, &count, where, e)) != 0)
			return rc;
		if ((rc = env_count("SLURM_ARRAY_TASK_MIN", 0, &min, where, e)) < 0 ||
		    (rc = env_count("SLURM_ARRAY_TASK_STEP", 0, &step, where, e)) < 0)
			return rc;
		if (step == 0 || id < min || (id - min) % step != 0 || (id - min) / step >= count ||
		    count > MAX_SHARDS)
			return rl_fail(e, RL_EINPUT, "%s: array task %lu is not one of %lu tasks from %lu by %lu",
				       where, id, count, min, step);
		k = (id - min) / step + 1;
		n = count;
	} else {
		char *end;
		errno = 0;
		k = strtoul(v, &end, 10);
		if (end == v || *end != '/' || v[0] == '-' || errno)
			return rl_fail(e, RL_EINPUT, "%s: shard '%s' must be K/N (1 <= K <= N) or slurm", where, v);
		const char *q = end + 1;
		n = strtoul(q, &end, 10);
		if (end == q || *end || *q == '-' || errno || k < 1 || k > n || n > MAX_SHARDS)
			return rl_fail(e, RL_EINPUT, "%s: shard '%s' must be K/N (1 <= K <= N <= %d) or slurm",
				       where, v, MAX_SHARDS);
	}
	s->shard_k = (unsigned)k;
	s->shard_n = (unsigned)n;
	return 0;
}

int settings_set(struct settings *s, const char *key, const char *v, const char *where,
		 struct rl_err *e)
{
	if (strcmp(key, "experiment") == 0) {
		if (!valid_name(v) || strlen(v) >= sizeof s->experiment)
			return rl_fail(e, RL_EINPUT,
				       "%s: experiment name '%s' must be letters, digits, '-', '_' or '.'",
				       where, v);
		snprintf(s->experiment, sizeof s->experiment, "%s", v);
		return 0;
	}
	if (strcmp(key, "strategy") == 0)
		return set_strategies(s, v, where, e);
	if (strcmp(key, "procs") == 0 || strcmp(key, "iters") == 0) {
		int rc = key[0] == 'p'
			? set_list(s->procs, &s->n_procs, key, v, MAX_PROCS, where, e)
			: set_list(s->iters, &s->n_iters, key, v, INT64_MAX, where, e);
		if (rc == 0)
			snprintf(s->where_iters, sizeof s->where_iters, "%s", where);
		return rc;
	}
	if (strcmp(key, "trials") == 0)
		return set_count(&s->trials, key, v, MAX_TRIALS, where, e);
	if (strcmp(key, "trial_timeout") == 0)
		return set_count(&s->trial_timeout_s, key, v, 7 * 24 * 3600, where, e);
	if (strcmp(key, "start") == 0)
		return set_enum_list(&s->start, start_names, key, v, where, e);
	if (strcmp(key, "region") == 0)
		return set_enum_list(&s->region, region_kind_names, key, v, where, e);
	if (strcmp(key, "workers") == 0)
		return set_enum_list(&s->workers, worker_names, key, v, where, e);
	if (strcmp(key, "pin") == 0)
		return set_enum_list(&s->pin, pin_names, key, v, where, e);
	if (strcmp(key, "launch") == 0)
		return set_enum_list(&s->launch, launch_names, key, v, where, e);
	if (strcmp(key, "trace") == 0)
		return set_enum_list(&s->trace, trace_names, key, v, where, e);
	if (strcmp(key, "trace_every") == 0) {
		int rc = set_count(&s->trace_every, key, v, 1ull << 30, where, e);
		if (rc == 0 && (s->trace_every == 0 || (s->trace_every & (s->trace_every - 1))))
			rc = rl_fail(e, RL_EINPUT, "%s: trace_every '%s' must be a power of 2 (1024, 4096, ...)", where, v);
		return rc;
	}
	if (strcmp(key, "max_trials") == 0)
		return set_count(&s->max_trials, key, v, MAX_TRIALS, where, e);
	if (strcmp(key, "time_budget") == 0)
		return set_count(&s->time_budget_s, key, v, 366ull * 24 * 3600, where, e);
	if (strcmp(key, "until") == 0) {
		const char *eq = strchr(v, '=');
		char *end;
		double h = eq ? strtod(eq + 1, &end) : 0;
		if (!eq || end == eq + 1 || *end || !(h > 0.0 && h < 0.5))
			return rl_fail(e, RL_EINPUT, "%s: until '%s' must be p_loss_ci=H or lost_frac_ci=H, "
				       "0 < H < 0.5", where, v);
		if ((size_t)(eq - v) == 9 && strncmp(v, "p_loss_ci", 9) == 0)
			s->until = UNTIL_P_LOSS;
		else if ((size_t)(eq - v) == 12 && strncmp(v, "lost_frac_ci", 12) == 0)
			s->until = UNTIL_LOST_FRAC;
		else
			return rl_fail(e, RL_EINPUT, "%s: until '%.*s' must be p_loss_ci or lost_frac_ci", where,
				       (int)(eq - v), v);
		s->until_half = h;
		return 0;
	}
	if (strcmp(key, "seed") == 0)
		return set_count(&s->seed, key, v, UINT64_MAX, where, e);
	if (strcmp(key, "block") == 0)
		return set_count(&s->block, key, v, MAX_TRIALS, where, e);
	if (strcmp(key, "order") == 0) {
		struct enum_list l;
		int rc = set_enum_list(&l, order_names, key, v, where, e);
		if (rc == 0 && l.n != 1)
			rc = rl_fail(e, RL_EINPUT, "%s: order takes one value, rounds or cells", where);
		if (rc == 0)
			s->order = (enum order_mode)l.v[0];
		return rc;
	}
	if (strcmp(key, "shard") == 0)
		return set_shard(s, v, where, e);
	if (strcmp(key, "output") == 0) {
		if (!*v || strlen(v) >= sizeof s->output)
			return rl_fail(e, RL_EINPUT, "%s: output path is empty or too long", where);
		snprintf(s->output, sizeof s->output, "%s", v);
		return 0;
	}
	return rl_fail(e, RL_EINPUT, "%s: unknown key '%s'", where, key);
}

int settings_like(struct settings *parts, unsigned *nparts, uint64_t *seed, const char *csv,
		  struct rl_err *e)
{
	char meta[4200];
	snprintf(meta, sizeof meta, "%s.meta", csv);
	FILE *f = fopen(meta, "re");
	if (!f)
		return rl_fail(e, RL_EINPUT, "%s: cannot read: %s (--like needs the CSV's .meta)", meta,
			       strerror(errno));
	char *line = NULL, *set = NULL;
	size_t cap = 0;
	unsigned long no = 0, set_no = 0;
	*seed = 0;
	int rc = 0;
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		no++;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "settings=", 9) == 0 && !set) {
			if (!(set = strdup(line + 9)))
				rc = rl_fail(e, RL_ESYS, "out of memory");
			set_no = no;
		} else if (strncmp(line, "seed=", 5) == 0) {
			char where[4300];
			snprintf(where, sizeof where, "%s:%lu", meta, no);
			rc = set_count(seed, "seed", line + 5, UINT64_MAX, where, e);
		}
	}
	free(line);
	fclose(f);
	if (rc == 0 && !set)
		rc = rl_fail(e, RL_EINPUT, "%s: no settings= line (made by an older race?)", meta);
	/* parts split by '|', keys by ';', a key from its value by the first '=' */
	char where[4300];
	snprintf(where, sizeof where, "%s:%lu", meta, set_no);
	*nparts = 0;
	char *part_save = NULL;
	for (char *part = rc == 0 ? strtok_r(set, "|", &part_save) : NULL; part && rc == 0;
	     part = strtok_r(NULL, "|", &part_save)) {
		if (*nparts == MAX_INCLUDES) {
			rc = rl_fail(e, RL_EINPUT, "%s: more than %d parts", where, MAX_INCLUDES);
			break;
		}
		struct settings *s = &parts[(*nparts)++];
		settings_defaults(s);
		char *kv_save = NULL;
		for (char *kv = strtok_r(part, ";", &kv_save); kv && rc == 0; kv = strtok_r(NULL, ";", &kv_save)) {
			char *eq = strchr(kv, '=');
			if (!eq) {
				rc = rl_fail(e, RL_EINPUT, "%s: '%.40s' is not key=value", where, kv);
				break;
			}
			*eq = '\0';
			const char *k = kv, *v = eq + 1;
			/* the recorded seed is the run's (seed= line); 0 block is the
			   default; a shard of it is run here as the whole sweep */
			if ((strcmp(k, "seed") == 0 || strcmp(k, "block") == 0) && strcmp(v, "0") == 0)
				continue;
			if (strcmp(k, "shard") == 0)
				continue;
			rc = settings_set(s, k, v, where, e);
		}
		if (rc == 0 && *seed && s->seed == 0)
			s->seed = *seed;
	}
	if (rc == 0 && *nparts == 0)
		rc = rl_fail(e, RL_EINPUT, "%s: the settings= line is empty", where);
	free(set);
	return rc;
}

static char *trim(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	char *end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return p;
}

#define EXPERIMENT_MAX (1u << 20)

/* The whole file, refusing what is not a regular file before reading a byte
   (a FIFO would block for ever, a folder reads as an error). */
static int read_experiment(const char *path, char **out, size_t *len, struct stat *st,
			   struct rl_err *e)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return rl_fail(e, RL_EINPUT, "%s: cannot read experiment file: %s", path, strerror(errno));
	if (fstat(fd, st) != 0) {
		int err = errno;
		close(fd);
		return rl_fail(e, RL_EINPUT, "%s: cannot read experiment file: %s", path, strerror(err));
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return rl_fail(e, RL_EINPUT, "%s: is %s, not an experiment file", path,
			       S_ISDIR(st->st_mode) ? "a folder" : S_ISFIFO(st->st_mode) ? "a FIFO"
			       : "not a regular file");
	}
	if (st->st_size > (off_t)EXPERIMENT_MAX) {
		close(fd);
		return rl_fail(e, RL_EINPUT, "%s: larger than %u bytes; not an experiment file", path,
			       EXPERIMENT_MAX);
	}
	char *buf = malloc((size_t)st->st_size + 1);
	size_t got = 0;
	while (buf) {
		ssize_t k = read(fd, buf + got, (size_t)st->st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int err = errno;
			close(fd);
			free(buf);
			return rl_fail(e, RL_EINPUT, "%s: read error: %s", path, strerror(err));
		}
		got += (size_t)k;
		if (k == 0 || got == (size_t)st->st_size)
			break;
	}
	close(fd);
	if (!buf)
		return rl_fail(e, RL_ESYS, "out of memory");
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

int settings_load(struct settings *s, const char *path, int top, struct rl_err *e)
{
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int rc = read_experiment(path, &text, &len, &st, e);
	if (rc != 0)
		return rc;
	s->file_dev = (uint64_t)st.st_dev;
	s->file_ino = (uint64_t)st.st_ino;
	s->has_file = 1;
	char *p = text, *end = text + len, where[4200];
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3; /* a UTF-8 byte order mark, as some editors write */
	for (unsigned no = 1; rc == 0 && p < end; no++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line_end = nl ? nl : end;
		snprintf(where, sizeof where, "%s:%u", path, no);
		if (memchr(p, '\0', (size_t)(line_end - p))) {
			rc = rl_fail(e, RL_EINPUT, "%s: a NUL byte; not a text file", where);
			break;
		}
		if (line_end - p >= 4096) {
			rc = rl_fail(e, RL_EINPUT, "%s: line too long (4096 bytes at most)", where);
			break;
		}
		char line[4096];
		memcpy(line, p, (size_t)(line_end - p));
		line[line_end - p] = '\0';
		p = nl ? nl + 1 : end;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *q = trim(line);
		if (!*q)
			continue;
		char *eq = strchr(q, '=');
		if (!eq) {
			rc = rl_fail(e, RL_EINPUT, "%s: expected 'key = value', got '%s'", where, q);
			break;
		}
		*eq = '\0';
		char *key = trim(q), *val = trim(eq + 1);
		if (!*val) {
			rc = rl_fail(e, RL_EINPUT, "%s: key '%s' has no value", where, key);
			break;
		}
		if (strcmp(key, "include") == 0) {
			if (!top) {
				rc = rl_fail(e, RL_EINPUT, "%s: includes must not nest", path);
				break;
			}
			if (s->n_includes == MAX_INCLUDES) {
				rc = rl_fail(e, RL_EINPUT, "%s: more than %u includes", where, MAX_INCLUDES);
				break;
			}
			/* relative to the including file's folder */
			const char *slash = strrchr(path, '/');
			int dir = val[0] == '/' || !slash ? 0 : (int)(slash - path + 1);
			char *dst = s->includes[s->n_includes];
			if ((size_t)snprintf(dst, sizeof s->includes[0], "%.*s%s", dir, path, val) >=
			    sizeof s->includes[0]) {
				rc = rl_fail(e, RL_EINPUT, "%s: include path too long", where);
				break;
			}
			snprintf(s->include_where[s->n_includes], sizeof s->include_where[0], "%.250s", where);
			s->n_includes++;
			continue;
		}
		if (!top && strcmp(key, "output") == 0) {
			rc = rl_fail(e, RL_EINPUT, "%s: output belongs in the top-level file, not in an "
				     "included one", where);
			break;
		}
		rc = settings_set(s, key, val, where, e);
	}
	free(text);
	return rc;
}

int cell_applicable(const struct cell_spec *c)
{
	/* threads share one address space: MAP_PRIVATE is not private between
	   them; persistent workers are not forked per trial */
	return !(c->strategy->private_data && c->workers == WORKERS_THREADS) &&
	       !(c->launch == LAUNCH_PERSISTENT && c->start == START_FORK) &&
	       !(c->launch == LAUNCH_PERSISTENT && c->trace); /* tracing runs fresh workers */
}

int settings_check(const struct settings *s, struct rl_err *e)
{
	int processes = 0;
	for (unsigned k = 0; k < s->workers.n; k++)
		processes |= s->workers.v[k] == WORKERS_PROCESSES;
	for (unsigned i = 0; i < s->n_strategies && !processes; i++)
		if (s->strategies[i]->private_data)
			return rl_fail(e, RL_EINPUT,
				       "strategy %s needs workers = processes: threads share one "
				       "address space, so MAP_PRIVATE is not private between them",
				       s->strategies[i]->name);
	if (s->until != UNTIL_NONE && !s->max_trials)
		return rl_fail(e, RL_EINPUT, "--until needs --max-trials (the most trials a cell may run)");
	if (s->until == UNTIL_NONE && s->max_trials)
		return rl_fail(e, RL_EINPUT, "--max-trials goes with --until");
	int any = 0;
	for (unsigned a = 0; a < s->launch.n; a++)
		for (unsigned b = 0; b < s->start.n; b++)
			any |= !(s->launch.v[a] == LAUNCH_PERSISTENT && s->start.v[b] == START_FORK);
	if (!any)
		return rl_fail(e, RL_EINPUT, "launch persistent needs start barrier or spin: its workers "
			       "are not forked per trial");
	int traced = 0, forked = 0;
	for (unsigned k = 0; k < s->trace.n; k++)
		traced |= s->trace.v[k] != 0;
	for (unsigned k = 0; k < s->launch.n; k++)
		forked |= s->launch.v[k] == LAUNCH_FORK;
	if (traced && !forked)
		return rl_fail(e, RL_EINPUT, "trace on needs launch fork: traced trials run fresh workers");
	uint64_t maxp = 0, maxi = 0;
	for (unsigned i = 0; i < s->n_procs; i++)
		if (s->procs[i] > maxp)
			maxp = s->procs[i];
	for (unsigned i = 0; i < s->n_iters; i++)
		if (s->iters[i] > maxi)
			maxi = s->iters[i];
	uint64_t prod;
	if (__builtin_mul_overflow(maxp, maxi, &prod) || prod > (uint64_t)INT64_MAX)
		return rl_fail(e, RL_EINPUT,
			       "%s: procs %llu x iters %llu overflows the 64-bit counter (at most %lld)",
			       s->where_iters, (unsigned long long)maxp, (unsigned long long)maxi,
			       (long long)INT64_MAX);
	return 0;
}

void settings_fingerprint(const struct settings *s, char *buf, size_t len)
{
	size_t u = 0;
#define PUT(...) (u += (size_t)snprintf(buf + u, u < len ? len - u : 0, __VA_ARGS__))
	PUT("experiment=%s;strategy=", s->experiment);
	for (unsigned i = 0; i < s->n_strategies; i++)
		PUT("%s%s", i ? "," : "", s->strategies[i]->name);
	PUT(";procs=");
	for (unsigned i = 0; i < s->n_procs; i++)
		PUT("%s%llu", i ? "," : "", (unsigned long long)s->procs[i]);
	PUT(";iters=");
	for (unsigned i = 0; i < s->n_iters; i++)
		PUT("%s%llu", i ? "," : "", (unsigned long long)s->iters[i]);
	const struct { const char *key; const struct enum_list *l; const char *const *names; } f[] = {
		{"workers", &s->workers, worker_names}, {"pin", &s->pin, pin_names},
		{"start", &s->start, start_names}, {"region", &s->region, region_kind_names},
		{"launch", &s->launch, launch_names},
	};
	for (unsigned k = 0; k < sizeof f / sizeof *f; k++) {
		PUT(";%s=", f[k].key);
		for (unsigned i = 0; i < f[k].l->n; i++)
			PUT("%s%s", i ? "," : "", f[k].names[f[k].l->v[i]]);
	}
	PUT(";trials=%llu;seed=%llu;order=%s;block=%llu", (unsigned long long)s->trials,
	    (unsigned long long)s->seed, order_names[s->order], (unsigned long long)s->block);
	if (s->until != UNTIL_NONE)
		PUT(";until=%s=%g;max_trials=%llu", s->until == UNTIL_P_LOSS ? "p_loss_ci" : "lost_frac_ci",
		    s->until_half, (unsigned long long)s->max_trials);
	if (s->trace.n != 1 || s->trace.v[0] != 0) {
		PUT(";trace=");
		for (unsigned i = 0; i < s->trace.n; i++)
			PUT("%s%s", i ? "," : "", trace_names[s->trace.v[i]]);
		PUT(";trace_every=%llu", (unsigned long long)s->trace_every);
	}
	if (s->shard_n > 1) /* a shard resumes only as itself */
		PUT(";shard=%u/%u", s->shard_k, s->shard_n);
#undef PUT
}

unsigned settings_cells(const struct settings *s)
{
	return s->n_strategies * s->workers.n * s->pin.n * s->start.n * s->region.n * s->launch.n * s->trace.n *
	       s->n_procs * s->n_iters;
}

void settings_cell(const struct settings *s, unsigned index, struct cell_spec *c)
{
	/* mixed radix, iters varying fastest */
	c->iters = s->iters[index % s->n_iters];
	index /= s->n_iters;
	c->procs = (unsigned)s->procs[index % s->n_procs];
	index /= s->n_procs;
	c->region = (enum region_kind)s->region.v[index % s->region.n];
	index /= s->region.n;
	c->launch = (enum launch_mode)s->launch.v[index % s->launch.n];
	index /= s->launch.n;
	c->trace = s->trace.v[index % s->trace.n] ? s->trace_every : 0;
	index /= s->trace.n;
	c->start = (enum start_mode)s->start.v[index % s->start.n];
	index /= s->start.n;
	c->pin = (enum pin_mode)s->pin.v[index % s->pin.n];
	index /= s->pin.n;
	c->workers = (enum worker_kind)s->workers.v[index % s->workers.n];
	index /= s->workers.n;
	c->strategy = s->strategies[index];
}
