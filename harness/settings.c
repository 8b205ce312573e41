/* settings.c - the experiment file format and the one key table. */
#include "settings.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "count.h"

const struct settings_key settings_keys[] = {
	{"experiment", "NAME", "name of the experiment (CSV column; default file name)"},
	{"strategy", "LIST|all", "strategies to run, e.g. plain,atomic"},
	{"procs", "LIST", "worker processes per trial, e.g. 1,2,4,8"},
	{"iters", "LIST", "increments per worker, e.g. 1e3,1e4,100k,1M"},
	{"trials", "N", "trials per cell"},
	{"workers", "LIST", "processes (fork) or threads (pthreads in one process)"},
	{"pin", "LIST", "CPU placement: none, spread (round robin), same (one CPU), random"},
	{"start", "LIST", "barrier (futex), fork (each as forked), spin (busy-wait release)"},
	{"region", "LIST", "anon (MAP_SHARED|MAP_ANONYMOUS), shm (shm_open), sysv (shmget)"},
	{"seed", "N", "seed for pin = random (default: from the clock, recorded in .meta)"},
	{"include", "FILE", "(files only) run another experiment file too, into the same CSV"},
	{"trial_timeout", "SECONDS", "kill a trial that runs longer (watchdog)"},
	{"output", "FILE", "CSV path ('-' for stdout)"},
	{NULL, NULL, NULL},
};

static const char *const start_names[] = {"barrier", "fork", "spin", NULL};
static const char *const worker_names[] = {"processes", "threads", NULL};
static const char *const pin_names[] = {"none", "spread", "same", "random", NULL};

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
	s->trial_timeout_s = 600;
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
	int k = count_list_parse(v, 1, max, dst, MAX_LEVELS, &why, &bad);
	if (k < 0) {
		size_t len = strcspn(bad, ",");
		return rl_fail(e, RL_EINPUT, "%s: %s '%.*s' %s", where, key, (int)len, bad, why);
	}
	*n = (unsigned)k;
	return 0;
}

static int set_count(uint64_t *dst, const char *key, const char *v, uint64_t max,
		     const char *where, struct rl_err *e)
{
	const char *why;
	if (count_parse(v, 1, max, dst, &why) != 0)
		return rl_fail(e, RL_EINPUT, "%s: %s '%s' %s", where, key, v, why);
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
	if (strcmp(key, "seed") == 0)
		return set_count(&s->seed, key, v, UINT64_MAX, where, e);
	if (strcmp(key, "output") == 0) {
		if (!*v || strlen(v) >= sizeof s->output)
			return rl_fail(e, RL_EINPUT, "%s: output path is empty or too long", where);
		snprintf(s->output, sizeof s->output, "%s", v);
		return 0;
	}
	return rl_fail(e, RL_EINPUT, "%s: unknown key '%s'", where, key);
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

int settings_load(struct settings *s, const char *path, struct rl_err *e)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return rl_fail(e, RL_EINPUT, "%s: cannot read experiment file: %s", path, strerror(errno));
	char line[4096], where[4200];
	int rc = 0;
	for (unsigned no = 1; rc == 0 && fgets(line, sizeof line, f); no++) {
		snprintf(where, sizeof where, "%s:%u", path, no);
		if (!strchr(line, '\n') && !feof(f)) {
			rc = rl_fail(e, RL_EINPUT, "%s: line too long", where);
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *p = trim(line);
		if (!*p)
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			rc = rl_fail(e, RL_EINPUT, "%s: expected 'key = value', got '%s'", where, p);
			break;
		}
		*eq = '\0';
		char *key = trim(p), *val = trim(eq + 1);
		if (!*val) {
			rc = rl_fail(e, RL_EINPUT, "%s: key '%s' has no value", where, key);
			break;
		}
		if (strcmp(key, "include") == 0) {
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
			s->n_includes++;
			continue;
		}
		rc = settings_set(s, key, val, where, e);
	}
	if (rc == 0 && ferror(f))
		rc = rl_fail(e, RL_EINPUT, "%s: read error", path);
	fclose(f);
	return rc;
}

int cell_applicable(const struct cell_spec *c)
{
	/* threads share one address space: MAP_PRIVATE is not private between them */
	return !(c->strategy->private_data && c->workers == WORKERS_THREADS);
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
	};
	for (unsigned k = 0; k < sizeof f / sizeof *f; k++) {
		PUT(";%s=", f[k].key);
		for (unsigned i = 0; i < f[k].l->n; i++)
			PUT("%s%s", i ? "," : "", f[k].names[f[k].l->v[i]]);
	}
	PUT(";trials=%llu;seed=%llu", (unsigned long long)s->trials, (unsigned long long)s->seed);
#undef PUT
}

unsigned settings_cells(const struct settings *s)
{
	return s->n_strategies * s->workers.n * s->pin.n * s->start.n * s->region.n * s->n_procs *
	       s->n_iters;
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
	c->start = (enum start_mode)s->start.v[index % s->start.n];
	index /= s->start.n;
	c->pin = (enum pin_mode)s->pin.v[index % s->pin.n];
	index /= s->pin.n;
	c->workers = (enum worker_kind)s->workers.v[index % s->workers.n];
	index /= s->workers.n;
	c->strategy = s->strategies[index];
}
