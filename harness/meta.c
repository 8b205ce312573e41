/* meta.c - the facts about a run and its machine that go into <csv>.meta.
 * Every value is cleaned to one printable line: a hostile hostname, command
 * line or environment variable cannot add keys or lines. */
#define _GNU_SOURCE
#include "meta.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsx.h"
#include "version.h"

extern char **environ;

void meta_clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void host_name(char *buf, size_t len)
{
	const char *node = getenv("SLURMD_NODENAME");
	struct utsname u;
	if (!node || !*node)
		node = uname(&u) == 0 ? u.nodename : "unknown";
	snprintf(buf, len, "%s", *node ? node : "unknown");
	for (char *p = buf; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-'))
			*p = '_';
}

static void cpu_model(char *buf, size_t len)
{
	snprintf(buf, len, "unknown");
	FILE *f = fopen("/proc/cpuinfo", "re");
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

/* the CPUs this process may run on, as ranges: 0-3,8 */
static void cpus_allowed(char *buf, size_t len, int *count)
{
	cpu_set_t set;
	*count = 0;
	buf[0] = '\0';
	if (sched_getaffinity(0, sizeof set, &set) != 0) {
		snprintf(buf, len, "unknown");
		return;
	}
	size_t u = 0;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		int d = c;
		while (d + 1 < CPU_SETSIZE && CPU_ISSET(d + 1, &set))
			d++;
		*count += d - c + 1;
		int n = d > c ? snprintf(buf + u, len - u, "%s%d-%d", u ? "," : "", c, d)
			      : snprintf(buf + u, len - u, "%s%d", u ? "," : "", c);
		if (n < 0 || (size_t)n >= len - u)
			break;
		u += (size_t)n;
		c = d;
	}
}

void plain_loop_text(char *buf, size_t len)
{
	snprintf(buf, len, "unavailable (objdump not found)");
	char exe[4096];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (k <= 0)
		return;
	exe[k] = '\0';
	/* objdump run directly, never through a shell: the path is an argument */
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	char *argv[] = {"objdump", "-d", "--no-show-raw-insn", "--disassemble=racelab_plain_loop",
			exe, NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, "objdump", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return;
	}
	FILE *p = fdopen(pfd[0], "r");
	if (!p) {
		close(pfd[0]);
		waitpid(pid, NULL, 0);
		return;
	}
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
	fclose(p);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || used == 0)
		snprintf(buf, len, "unavailable (objdump not found)");
	meta_clean(buf);
}

static void utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* key=value, the value cleaned to one line */
static void put(FILE *f, const char *key, const char *value)
{
	char *v = strdup(value ? value : "");
	if (!v)
		return;
	meta_clean(v);
	fprintf(f, "%s=%s\n", key, v);
	free(v);
}

char *meta_text(const struct meta_run *m, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		return NULL;
	char buf[8192];
	put(f, "command", m->cmdline);
	put(f, "run_id", m->run_id);
	put(f, "host", m->host);
	put(f, "experiment_file", m->experiment_file);
	put(f, "settings", m->fingerprint);
	fprintf(f, "seed=%llu\n", (unsigned long long)m->seed);
	put(f, "order", m->order);
	put(f, "racelab_commit", RACELAB_COMMIT);
	put(f, "racelab_dirty", RACELAB_DIRTY);
	put(f, "compiler", RACELAB_CC);
	put(f, "compiler_version", __VERSION__);
	put(f, "cflags", RACELAB_CFLAGS);
	cpu_model(buf, sizeof buf);
	put(f, "cpu_model", buf);
	fprintf(f, "cpus_online=%ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	int allowed;
	cpus_allowed(buf, sizeof buf, &allowed);
	put(f, "cpus_allowed", buf);
	fprintf(f, "cpus_allowed_count=%d\n", allowed);
	fsx_read_line("/sys/devices/system/cpu/smt/active", buf, sizeof buf);
	put(f, "smt", strcmp(buf, "1") == 0 ? "on" : strcmp(buf, "0") == 0 ? "off" : "unknown");
	fsx_read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof buf);
	put(f, "governor", buf[0] ? buf : "unknown");
	struct utsname u;
	if (uname(&u) == 0) {
		snprintf(buf, sizeof buf, "%s %s %s", u.sysname, u.release, u.machine);
		put(f, "kernel", buf);
		put(f, "hostname", u.nodename);
	}
	static const char *const sched_vars[] = {
		"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
		"SLURMD_NODENAME", "SLURM_CPUS_PER_TASK", NULL,
	};
	for (const char *const *v = sched_vars; *v; v++) {
		const char *val = getenv(*v);
		if (val && *val) {
			char key[64];
			snprintf(key, sizeof key, "%s", *v);
			for (char *q = key; *q; q++)
				*q = (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q);
			put(f, key, val);
		}
	}
	fsx_read_line("/proc/sys/kernel/randomize_va_space", buf, sizeof buf);
	put(f, "aslr", buf);
	double load[3] = {0, 0, 0};
	if (getloadavg(load, 3) == 3)
		fprintf(f, "loadavg=%.2f %.2f %.2f\n", load[0], load[1], load[2]);
	utc_now(buf, sizeof buf);
	put(f, "start_utc", buf);
	plain_loop_text(buf, sizeof buf);
	put(f, "plain_loop", buf);
	fsx_read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", buf, sizeof buf);
	put(f, "clocksource", buf[0] ? buf : "unknown");
	if (m->trace_clock)
		put(f, "trace_clock", m->trace_clock);
	if (m->extra)
		fputs(m->extra, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

char *meta_resume_text(const char *cmdline, const char *run_id, const char *host, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		return NULL;
	char when[32];
	utc_now(when, sizeof when);
	put(f, "resumed_utc", when);
	put(f, "resumed_run_id", run_id);
	put(f, "resumed_host", host);
	put(f, "resumed_command", cmdline);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int meta_get(const char *text, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);
	int found = -1;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		if (ll > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			snprintf(buf, len, "%.*s", (int)(ll - kl - 1), p + kl + 1);
			found = 0;
		}
		p = nl ? nl + 1 : NULL;
	}
	return found;
}
