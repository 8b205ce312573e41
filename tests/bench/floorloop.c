/* floorloop.c - the least a fork-mode trial must do, as the README and the
 * issues ask of one, with nothing of race's own around it: no plan, no
 * sink, no libm, no strategy table. The second baseline of make bench,
 * between the bare fork loop (forkloop.c) and race itself, so that what
 * race costs above the bare loop splits into what the design asks for and
 * what race adds to it.
 *
 * floorloop P T: T trials of P forked workers. Each trial, as race's:
 *   - the parent keeps SIGCHLD blocked and waits for it with sigtimedwait()
 *     and a watchdog timeout, reaping with waitpid(WNOHANG);
 *   - a worker dies with its parent (PR_SET_PDEATHSIG, and a getppid()
 *     check for a parent gone before that), holds none of its files
 *     (close_range), and meets the others at a start barrier in a shared
 *     anonymous region: the last to arrive opens the gate, the others
 *     sleep on a futex until it does;
 *   - a worker timestamps its start and end (CLOCK_MONOTONIC), increments
 *     the shared counter once and writes its slot.
 * floorloop P T PARTS: only the parts named, to tell what each costs: b the
 * barrier, s the safety (death signal, parent check, close_range), w the
 * watchdog wait (without it, wait()), t the timestamps and the slot; the
 * default is all four, "bswt".
 * Exit 0 when every trial's counter came to 1..P, 1 otherwise. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct slot {
	uint64_t start_ns, end_ns;
	char pad[48];
};

struct floor_region {
	_Atomic uint32_t ready, go, waiting;
	char pad[52];
	volatile uint64_t counter;
	char pad2[56];
	struct slot slot[64];
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct parts {
	int barrier, safety, watchdog, times;
};

static _Noreturn void worker(struct floor_region *r, const struct parts *k, unsigned procs, unsigned w,
			     pid_t parent)
{
	if (k->safety) {
		syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0);
		if (getppid() != parent)
			_exit(3);
		syscall(SYS_close_range, 3, ~0u, 0);
	}
	if (!k->barrier) {
		/* no gate */
	} else if (atomic_fetch_add(&r->ready, 1) + 1 == procs) {
		atomic_store(&r->go, 1);
		if (atomic_load(&r->waiting))
			syscall(SYS_futex, &r->go, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
	} else if (atomic_load(&r->go) == 0) {
		atomic_fetch_add(&r->waiting, 1);
		while (atomic_load(&r->go) == 0)
			syscall(SYS_futex, &r->go, FUTEX_WAIT, 0, NULL, NULL, 0);
	}
	uint64_t t0 = k->times ? now_ns() : 0;
	r->counter = r->counter + 1;
	if (k->times) {
		uint64_t t1 = now_ns();
		r->slot[w].start_ns = t0;
		r->slot[w].end_ns = t1;
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4)
		return 2;
	const char *only = argc == 4 ? argv[3] : "bswt";
	struct parts k = {strchr(only, 'b') != NULL, strchr(only, 's') != NULL, strchr(only, 'w') != NULL,
			  strchr(only, 't') != NULL};
	unsigned procs = (unsigned)atoi(argv[1]);
	int trials = atoi(argv[2]);
	if (procs < 1 || procs > 64 || trials < 0)
		return 2;
	struct floor_region *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return 1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (k.watchdog)
		sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t self = getpid();
	int bad = 0;
	for (int t = 0; t < trials; t++) {
		atomic_store(&r->ready, 0);
		atomic_store(&r->go, 0);
		atomic_store(&r->waiting, 0);
		r->counter = 0;
		unsigned alive = 0;
		for (unsigned w = 0; w < procs; w++) {
			pid_t p = fork();
			if (p < 0)
				return 1;
			if (p == 0)
				worker(r, &k, procs, w, self);
			alive++;
		}
		for (; !k.watchdog && alive > 0; alive--)
			if (wait(NULL) < 0)
				return 1;
		while (alive > 0) {
			struct timespec watchdog = {60, 0};
			int sig = sigtimedwait(&set, NULL, &watchdog);
			if (sig != SIGCHLD)
				return 1;
			int st;
			while (alive > 0 && waitpid(-1, &st, WNOHANG) > 0)
				alive--;
		}
		bad |= r->counter < 1 || r->counter > procs; /* a plain increment may lose some */
	}
	return bad;
}
