/* crew.c - workers as processes or threads. See crew.h. */
#define _GNU_SOURCE
#include "crew.h"
#include "fsx.h"

#include <errno.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/rseq.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_ORPHAN = 3, EXIT_ATTACH = 4 };

__attribute__((hot)) uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

__attribute__((hot)) void futex_wait(_Atomic uint32_t *word, uint32_t val, uint64_t timeout_ns)
{
	struct timespec ts = {(time_t)(timeout_ns / 1000000000ull), (long)(timeout_ns % 1000000000ull)};
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, val, timeout_ns ? &ts : NULL, NULL, 0);
}

__attribute__((hot)) void futex_wake(_Atomic uint32_t *word, int n)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, n, NULL, NULL, 0);
}

__attribute__((hot)) int crew_cpu(void)
{
#if defined(__x86_64__) && defined(RSEQ_SIG)
	if (__rseq_size > 0) {
		const struct rseq *rs =
			(const struct rseq *)(const void *)((const char *)__builtin_thread_pointer() + __rseq_offset);
		int32_t c = (int32_t)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);
		if (c >= 0)
			return c;
	}
#endif
	return sched_getcpu();
}

enum tick_clock tick_clock_probe(void)
{
#if defined(__x86_64__)
	char buf[32];
	fsx_read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", buf, sizeof buf);
	if (strcmp(buf, "tsc") == 0)
		return TICK_TSC;
#endif
	return TICK_MONOTONIC;
}

const char *tick_clock_name(enum tick_clock k)
{
	return k == TICK_TSC ? "tsc" : "monotonic";
}

void crew_reset(struct crew *c, int threads)
{
	c->n = c->alive = c->failed = 0;
	c->stranded = 0;
	c->threads = threads;
}

/* A forked worker faults in every page of code it runs (fork copies no
   page table entries of program text), so its path is kept short: the
   functions it runs are marked hot, which gcc and ld place together, and
   its system calls are made directly rather than through libc's wrappers,
   each on a page of its own. */
#if defined(__x86_64__)
static inline __attribute__((always_inline)) long raw3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}
#else
#define raw3(n, a, b, c) syscall((n), (a), (b), (c))
#endif

__attribute__((hot)) _Noreturn void crew_exit(int code)
{
	for (;;)
		raw3(SYS_exit_group, code, 0, 0);
}

__attribute__((hot)) static _Noreturn void worker_process(const struct region_map *m, crew_fn fn,
							   const void *arg, unsigned w, pid_t parent)
{
	/* die with the parent, even if it died before this line; the signal
	   mask stays the parent's: every terminating signal blocked */
	raw3(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0);
	if (raw3(SYS_getppid, 0, 0, 0) != parent)
		crew_exit(EXIT_ORPHAN);
	/* hold none of the parent's files: a worker that outlives a killed
	   parent by a moment must not keep the CSV's lock, or a pipe, open */
	raw3(SYS_close_range, 3, ~0u, 0);
	/* the parent's map is the parent's (it may be memory shared with this
	   process, nocopy.h): attach a copy of it */
	struct region_map mine = *m;
	struct rl_err e;
	if (mine.kind != REGION_ANON && region_attach(&mine, &e) != 0)
		crew_exit(EXIT_ATTACH);
	fn(arg, &mine, w);
	crew_exit(0);
}

static void *worker_thread(void *p)
{
	const struct crew_thread *a = p;
	a->fn(a->arg, a->m, a->w);
	return NULL;
}

/* hot: a forked worker returns from fork() into this function, so its code
   shares the workers' pages */
__attribute__((hot)) int crew_start(struct crew *c, unsigned procs, struct region_map *m, crew_fn fn, const void *arg,
	       struct rl_err *e)
{
	if (!c->self)
		c->self = getpid();
	pid_t parent = c->self;
	/* the map a forked worker copies, on this stack: a worker reads a page
	   of the parent's stack without a fault (fork copied its entry), where
	   the caller's map may be in memory a fork does not copy (nocopy.h) */
	const struct region_map local = *m;
	for (unsigned w = 0; w < procs; w++) {
		if (c->threads) {
			c->arg[w] = (struct crew_thread){fn, arg, m, w};
			int err = pthread_create(&c->tid[w], NULL, worker_thread, &c->arg[w]);
			if (err != 0)
				return rl_fail(e, RL_ESYS, "pthread_create worker %u of %u: %s", w + 1, procs,
					       strerror(err));
			c->n++;
			continue;
		}
		pid_t pid = fork();
		if (pid < 0) {
			int err = errno;
			crew_kill(c);
			return rl_fail(e, RL_ESYS, "fork worker %u of %u: %s", w + 1, procs, strerror(err));
		}
		if (pid == 0)
			worker_process(&local, fn, arg, w, parent);
		c->pid[c->n++] = pid;
		c->alive++;
	}
	return 0;
}

static void reap_status(struct crew *c, pid_t pid, int st)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->pid[i] == pid) {
			c->pid[i] = 0;
			c->alive--;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				c->failed++;
			return;
		}
}

void crew_reap(struct crew *c)
{
	int st;
	pid_t pid;
	while (c->alive > 0 && (pid = waitpid(-1, &st, WNOHANG)) > 0)
		reap_status(c, pid, st);
}

void crew_kill(struct crew *c)
{
	if (c->threads) {
		/* a thread cannot be killed: leave them to the process's exit */
		c->stranded = c->n > 0;
		return;
	}
	for (unsigned i = 0; i < c->n; i++)
		if (c->pid[i] > 0)
			kill(c->pid[i], SIGKILL);
	for (unsigned i = 0; i < c->n; i++)
		if (c->pid[i] > 0) {
			int st;
			while (waitpid(c->pid[i], &st, 0) < 0 && errno == EINTR)
				;
			c->pid[i] = 0;
		}
	c->alive = 0;
}

void crew_join(struct crew *c)
{
	for (unsigned i = 0; i < c->n; i++)
		pthread_join(c->tid[i], NULL);
	c->n = 0;
}

int crew_wait_signal(const sigset_t *set, uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
	for (;;) {
		int sig = sigtimedwait(set, NULL, &ts);
		if (sig > 0)
			return sig;
		if (errno == EAGAIN)
			return 0;
		/* EINTR: a signal outside the set; go on */
	}
}

int crew_pending_signal(const sigset_t *set)
{
	sigset_t p;
	if (sigpending(&p) != 0)
		return 0;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGCHLD && sigismember(set, sig) == 1 && sigismember(&p, sig) == 1)
			return sig;
	return 0;
}

int crew_interrupted(struct crew *c, int sig, struct rl_err *e)
{
	crew_kill(c);
	e->signo = sig;
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		return rl_fail(e, RL_EINTR, "interrupted by SIG%s", abbrev);
	return rl_fail(e, RL_EINTR, "interrupted by signal %d (SIGRTMIN+%d)", sig, sig - SIGRTMIN);
}
