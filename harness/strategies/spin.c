/* spin: a test-and-test-and-set spinlock on an atomic_int in the region, with
 * the CPU's pause hint while it waits. With more workers than cores the lock
 * holder can be preempted while the others spin: watch ns/inc. */
#include <stdatomic.h>

#include "../strategy.h"

__attribute__((hot)) static void spin_increment(const struct strategy_args *a)
{
	atomic_int *lock = a->sync; /* zeroed: unlocked */
	volatile uint64_t *c = strategy_counter(a);
	for (uint64_t i = 0; i < a->iters; i++) {
		for (;;) {
			if (!atomic_exchange_explicit(lock, 1, memory_order_acquire))
				break;
			while (atomic_load_explicit(lock, memory_order_relaxed))
				cpu_relax();
		}
		(*c)++;
		atomic_store_explicit(lock, 0, memory_order_release);
	}
}

const struct strategy strategy_spin = {
	.name = "spin",
	.summary = "test-and-test-and-set spinlock on an atomic_int, with a pause hint",
	.check = CHECK_EXACT,
	.increment = spin_increment,
	.read = strategy_read_counter,
};
