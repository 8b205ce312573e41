/* atomic: C11 atomic_fetch_add (sequentially consistent) on the shared
 * counter; on x86-64 a `lock add`. Never loses an update. */
#include <stdatomic.h>

#include "../strategy.h"

__attribute__((hot)) static void atomic_increment(const struct strategy_args *a)
{
	_Atomic uint64_t *c = (_Atomic uint64_t *)strategy_counter(a);
	for (uint64_t i = 0; i < a->iters; i++)
		atomic_fetch_add(c, 1);
}

__attribute__((hot)) static uint64_t atomic_read(const struct strategy_args *a)
{
	return atomic_load((_Atomic uint64_t *)strategy_counter(a));
}

const struct strategy strategy_atomic = {
	.name = "atomic",
	.summary = "C11 atomic_fetch_add on the shared counter",
	.check = CHECK_EXACT,
	.increment = atomic_increment,
	.read = atomic_read,
};
