/* sem: a POSIX semaphore inside the region (sem_init with pshared = 1, value
 * 1), used as the lock around each increment. */
#include <errno.h>
#include <semaphore.h>

#include "../region.h"
#include "../strategy.h"

_Static_assert(sizeof(sem_t) <= SYNC_BYTES, "sem_t fits the sync area");

static int sem_setup(void *sync)
{
	return sem_init(sync, 1, 1) == 0 ? 0 : errno;
}

static void sem_fini(void *sync)
{
	sem_destroy(sync);
}

__attribute__((hot)) static void sem_increment(const struct strategy_args *a)
{
	sem_t *s = a->sync;
	volatile uint64_t *c = strategy_counter(a);
	for (uint64_t i = 0; i < a->iters; i++) {
		while (sem_wait(s) != 0)
			; /* EINTR */
		(*c)++;
		sem_post(s);
	}
}

const struct strategy strategy_sem = {
	.name = "sem",
	.summary = "process-shared POSIX semaphore (sem_init pshared=1) as the lock",
	.check = CHECK_EXACT,
	.init = sem_setup,
	.fini = sem_fini,
	.increment = sem_increment,
	.read = strategy_read_counter,
};
