/* mutex: a pthread_mutex_t inside the region with PTHREAD_PROCESS_SHARED,
 * initialised once by the creator before any fork, locked around each
 * increment. */
#include <pthread.h>

#include "../region.h"
#include "../strategy.h"

_Static_assert(sizeof(pthread_mutex_t) <= SYNC_BYTES, "mutex fits the sync area");

static int mutex_init(void *sync)
{
	pthread_mutexattr_t attr;
	int rc = pthread_mutexattr_init(&attr);
	if (rc != 0)
		return rc;
	rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (rc == 0)
		rc = pthread_mutex_init(sync, &attr);
	pthread_mutexattr_destroy(&attr);
	return rc;
}

static void mutex_fini(void *sync)
{
	pthread_mutex_destroy(sync);
}

__attribute__((hot)) static void mutex_increment(const struct strategy_args *a)
{
	pthread_mutex_t *m = a->sync;
	volatile uint64_t *c = strategy_counter(a);
	for (uint64_t i = 0; i < a->iters; i++) {
		pthread_mutex_lock(m);
		(*c)++;
		pthread_mutex_unlock(m);
	}
}

const struct strategy strategy_mutex = {
	.name = "mutex",
	.summary = "process-shared pthread_mutex_t in the region around each increment",
	.check = CHECK_EXACT,
	.init = mutex_init,
	.fini = mutex_fini,
	.increment = mutex_increment,
	.read = strategy_read_counter,
};
