/* atomic-relaxed: atomic_fetch_add_explicit(..., memory_order_relaxed). On
 * x86-64 the same `lock add` as the default sequentially consistent one; on
 * weaker machines it may be cheaper. Never loses an update either way. */
#include <stdatomic.h>

#include "../strategy.h"

__attribute__((hot)) static void relaxed_increment(const struct strategy_args *a)
{
	_Atomic uint64_t *c = (_Atomic uint64_t *)strategy_counter(a);
	for (uint64_t i = 0; i < a->iters; i++)
		atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

__attribute__((hot)) static uint64_t relaxed_read(const struct strategy_args *a)
{
	return atomic_load((_Atomic uint64_t *)strategy_counter(a));
}

const struct strategy strategy_atomic_relaxed = {
	.name = "atomic-relaxed",
	.summary = "atomic_fetch_add_explicit with memory_order_relaxed",
	.check = CHECK_EXACT,
	.increment = relaxed_increment,
	.read = relaxed_read,
};
