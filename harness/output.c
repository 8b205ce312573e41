/* output.c - CSV rows go out with one write() each, so an interrupted or
 * crashed sweep leaves whole rows only; every row is on disk (or in the pipe)
 * before the next trial starts. */
#define _GNU_SOURCE
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "version.h"

/* The first twelve columns are the documented core, in this order; the rest
   follow. csv_resume() reads the factors back by these positions. */
const char csv_header[] =
	"run_id,experiment,strategy,start,procs,iters,trial,expected,final,lost,elapsed_ns,"
	"overlap,overlap_pair,region,workers,pin,check,status,shm_visible,shm_gone,cpus\n";
enum { COL_STRATEGY = 2, COL_START = 3, COL_PROCS = 4, COL_ITERS = 5, COL_TRIAL = 6,
       COL_REGION = 13, COL_WORKERS = 14, COL_PIN = 15 };

static int write_all(struct csv_out *o, const char *buf, size_t len, struct rl_err *e)
{
	while (len > 0) {
		ssize_t k = write(o->fd, buf, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return rl_fail(e, RL_ESYS, "%s: write failed after %lu rows: %s", o->path,
				       o->rows, strerror(errno));
		buf += k;
		len -= (size_t)k;
	}
	return 0;
}

int csv_open(struct csv_out *o, const char *path, struct rl_err *e)
{
	o->rows = 0;
	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		o->path = "stdout";
	} else {
		o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		o->path = path;
		if (o->fd < 0)
			return rl_fail(e, RL_ESYS, "%s: cannot create: %s", path, strerror(errno));
	}
	return write_all(o, csv_header, sizeof csv_header - 1, e);
}

static const char *tri(int v)
{
	return v < 0 ? "" : v ? "1" : "0";
}

int csv_write_row(struct csv_out *o, const char *run_id, const struct settings *s,
		  const struct trial_spec *t, unsigned long trial, const struct trial_result *r,
		  struct rl_err *e)
{
	char row[512 + 12 * MAX_PROCS];
	int n = snprintf(row, sizeof row,
			 "%s,%s,%s,%s,%u,%llu,%lu,%llu,%llu,%lld,%llu,%.6f,%.6f,%s,%s,%s,%s,%s,%s,%s,",
			 run_id, s->experiment, t->s->name, start_mode_name(t->start), t->procs,
			 (unsigned long long)t->iters, trial, (unsigned long long)r->expected,
			 (unsigned long long)r->final, (long long)r->lost,
			 (unsigned long long)r->elapsed_ns, r->overlap, r->overlap_pair,
			 region_kind_name(t->region), worker_kind_name(t->workers),
			 pin_mode_name(t->pin), strategy_check_name(t->s->check),
			 trial_status_name(r->status), tri(r->shm_visible), tri(r->shm_gone));
	/* the CPU each worker started on, ';'-separated */
	if (r->status == TRIAL_OK)
		for (unsigned w = 0; w < t->procs; w++)
			n += snprintf(row + n, sizeof row - (size_t)n, "%s%d", w ? ";" : "", (int)r->cpu[w]);
	row[n++] = '\n';
	int rc = write_all(o, row, (size_t)n, e);
	if (rc == 0)
		o->rows++;
	return rc;
}

int csv_close(struct csv_out *o, struct rl_err *e)
{
	if (o->fd == STDOUT_FILENO)
		return 0;
	if (close(o->fd) != 0)
		return rl_fail(e, RL_ESYS, "%s: close: %s", o->path, strerror(errno));
	return 0;
}

/* first line of a file, trimmed; "" if unreadable */
static void read_line(const char *path, char *buf, size_t len)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void cpu_model(char *buf, size_t len)
{
	snprintf(buf, len, "unknown");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "model name", 10) == 0 || strncmp(line, "Model", 5) == 0) {
			char *c = strchr(line, ':');
			if (c) {
				c += 1 + strspn(c + 1, " \t");
				c[strcspn(c, "\n")] = '\0';
				snprintf(buf, len, "%s", c);
				break;
			}
		}
	}
	fclose(f);
}

void plain_loop_text(char *buf, size_t len)
{
	char exe[4096];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	snprintf(buf, len, "unavailable (objdump not found)");
	if (k <= 0)
		return;
	exe[k] = '\0';
	char cmd[4300];
	snprintf(cmd, sizeof cmd,
		 "objdump -d --no-show-raw-insn --disassemble=racelab_plain_loop '%s' 2>/dev/null", exe);
	FILE *p = popen(cmd, "r");
	if (!p)
		return;
	char line[512];
	size_t used = 0;
	buf[0] = '\0';
	while (fgets(line, sizeof line, p)) {
		/* instruction lines look like "  401136:\tmov    (%rdi),%rax" */
		char *tab = strstr(line, ":\t");
		if (!tab)
			continue;
		char *insn = tab + 2;
		insn[strcspn(insn, "\n")] = '\0';
		char compact[256];
		size_t c = 0;
		for (char *q = insn; *q && c < sizeof compact - 1; q++)
			if (!(*q == ' ' && c > 0 && compact[c - 1] == ' '))
				compact[c++] = *q == '\t' ? ' ' : *q;
		compact[c] = '\0';
		int n = snprintf(buf + used, len - used, "%s%s", used ? "; " : "", compact);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (pclose(p) != 0 || used == 0)
		snprintf(buf, len, "unavailable (objdump not found)");
}

int meta_write(const char *csv_path, const char *cmdline, const char *run_id,
	       const char *experiment_file, const char *fingerprint, uint64_t seed,
	       struct rl_err *e)
{
	char path[4200];
	snprintf(path, sizeof path, "%s.meta", csv_path);
	char tmp[4300];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return rl_fail(e, RL_ESYS, "%s: cannot create: %s", tmp, strerror(errno));

	fprintf(f, "command=%s\n", cmdline);
	fprintf(f, "run_id=%s\n", run_id);
	fprintf(f, "experiment_file=%s\n", experiment_file ? experiment_file : "");
	fprintf(f, "settings=%s\n", fingerprint);
	fprintf(f, "seed=%llu\n", (unsigned long long)seed);
	fprintf(f, "racelab_commit=%s\n", RACELAB_COMMIT);
	fprintf(f, "racelab_dirty=%s\n", RACELAB_DIRTY);
	fprintf(f, "compiler=%s\n", RACELAB_CC);
	fprintf(f, "compiler_version=%s\n", __VERSION__);
	fprintf(f, "cflags=%s\n", RACELAB_CFLAGS);

	char buf[8192];
	cpu_model(buf, sizeof buf);
	fprintf(f, "cpu_model=%s\n", buf);
	fprintf(f, "cpus_online=%ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	struct utsname u;
	if (uname(&u) == 0) {
		fprintf(f, "kernel=%s %s %s\n", u.sysname, u.release, u.machine);
		fprintf(f, "hostname=%s\n", u.nodename);
	}
	read_line("/proc/sys/kernel/randomize_va_space", buf, sizeof buf);
	fprintf(f, "aslr=%s\n", buf);
	double load[3] = {0, 0, 0};
	if (getloadavg(load, 3) == 3)
		fprintf(f, "loadavg=%.2f %.2f %.2f\n", load[0], load[1], load[2]);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "start_utc=%s\n", buf);
	plain_loop_text(buf, sizeof buf);
	fprintf(f, "plain_loop=%s\n", buf);

	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		unlink(tmp);
		return rl_fail(e, RL_ESYS, "%s: write failed", tmp);
	}
	if (rename(tmp, path) != 0)
		return rl_fail(e, RL_ESYS, "%s: rename: %s", path, strerror(errno));
	return 0;
}

void csv_row_key(char *buf, size_t len, const struct trial_spec *t, unsigned long trial)
{
	snprintf(buf, len, "%s,%s,%s,%s,%s,%u,%llu,%lu", t->s->name, worker_kind_name(t->workers),
		 pin_mode_name(t->pin), start_mode_name(t->start), region_kind_name(t->region),
		 t->procs, (unsigned long long)t->iters, trial);
}

/* field i (0-based) of a CSV line without quotes: [*f, *f + *n) */
static int field(const char *line, int i, const char **f, size_t *n)
{
	for (; i > 0; i--) {
		line = strchr(line, ',');
		if (!line)
			return -1;
		line++;
	}
	*f = line;
	*n = strcspn(line, ",\n");
	return 0;
}

int csv_resume(struct csv_out *o, const char *path, char ***keys, size_t *nkeys, struct rl_err *e)
{
	*keys = NULL;
	*nkeys = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return rl_fail(e, RL_EINPUT, "%s: cannot resume: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0, nk = 0, kcap = 0;
	ssize_t len;
	long whole = 0; /* bytes in whole lines */
	int rc = 0;
	char **k = NULL;
	for (unsigned long no = 1; (len = getline(&line, &cap, f)) > 0; no++) {
		if (line[len - 1] != '\n')
			break; /* a torn last line: cut below */
		if (no == 1) {
			if (strcmp(line, csv_header) != 0) {
				rc = rl_fail(e, RL_EINPUT, "%s:1: not a race CSV of this version; cannot resume",
					     path);
				break;
			}
		} else {
			/* the key csv_row_key() makes, read back from the row */
			static const int cols[] = {COL_STRATEGY, COL_WORKERS, COL_PIN, COL_START,
						   COL_REGION, COL_PROCS, COL_ITERS, COL_TRIAL};
			char key[512];
			size_t kl = 0;
			int bad = 0;
			for (size_t c = 0; c < sizeof cols / sizeof *cols && !bad; c++) {
				const char *fs;
				size_t fl;
				if (field(line, cols[c], &fs, &fl) != 0 || kl + fl + 2 > sizeof key)
					bad = 1;
				else
					kl += (size_t)snprintf(key + kl, sizeof key - kl, "%s%.*s", c ? "," : "",
							       (int)fl, fs);
			}
			if (bad) {
				rc = rl_fail(e, RL_EINPUT, "%s:%lu: a malformed row; cannot resume", path, no);
				break;
			}
			if (nk == kcap) {
				kcap = kcap ? 2 * kcap : 256;
				char **nkp = realloc(k, kcap * sizeof *k);
				if (!nkp) {
					rc = rl_fail(e, RL_ESYS, "out of memory");
					break;
				}
				k = nkp;
			}
			k[nk] = strdup(key);
			if (!k[nk]) {
				rc = rl_fail(e, RL_ESYS, "out of memory");
				break;
			}
			nk++;
		}
		whole += len;
	}
	free(line);
	fclose(f);
	if (rc == 0 && whole == 0)
		rc = rl_fail(e, RL_EINPUT, "%s: no header row; cannot resume", path);
	if (rc == 0 && truncate(path, whole) != 0)
		rc = rl_fail(e, RL_ESYS, "%s: truncate: %s", path, strerror(errno));
	if (rc == 0) {
		o->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		o->path = path;
		o->rows = nk;
		if (o->fd < 0)
			rc = rl_fail(e, RL_ESYS, "%s: %s", path, strerror(errno));
	}
	if (rc != 0) {
		for (size_t i = 0; i < nk; i++)
			free(k[i]);
		free(k);
		return rc;
	}
	*keys = k;
	*nkeys = nk;
	return 0;
}

int meta_resume(const char *csv_path, const char *cmdline, const char *run_id,
		const char *fingerprint, struct rl_err *e)
{
	char path[4200];
	snprintf(path, sizeof path, "%s.meta", csv_path);
	FILE *f = fopen(path, "r");
	if (!f)
		return rl_fail(e, RL_EINPUT, "%s: missing, so the settings cannot be checked; cannot resume",
			       path);
	char *line = NULL;
	size_t cap = 0;
	int same = -1;
	while (getline(&line, &cap, f) > 0)
		if (strncmp(line, "settings=", 9) == 0) {
			line[strcspn(line, "\n")] = '\0';
			same = strcmp(line + 9, fingerprint) == 0;
		}
	free(line);
	fclose(f);
	if (same != 1)
		return rl_fail(e, RL_EINPUT, "%s: made with other settings (%s); will not resume into it",
			       csv_path, same < 0 ? "none recorded" : "see its .meta");
	f = fopen(path, "a");
	if (!f)
		return rl_fail(e, RL_ESYS, "%s: %s", path, strerror(errno));
	time_t now = time(NULL);
	struct tm tm;
	char when[32];
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "resumed_utc=%s\nresumed_run_id=%s\nresumed_command=%s\n", when, run_id, cmdline);
	if (fclose(f) != 0)
		return rl_fail(e, RL_ESYS, "%s: write failed", path);
	return 0;
}
