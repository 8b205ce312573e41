/* private: the plain increment on a MAP_PRIVATE mapping. Each worker's first
 * write gives it its own copy-on-write page; nothing is shared, every worker
 * counts to iters alone, and the creator's view stays 0. */
#include "../strategy.h"

__attribute__((hot)) static void private_increment(const struct strategy_args *a)
{
	racelab_plain_loop(strategy_counter(a), a->iters);
}

const struct strategy strategy_private = {
	.name = "private",
	.summary = "the plain increment on a MAP_PRIVATE mapping: copy-on-write, shares nothing",
	.check = CHECK_UNTOUCHED,
	.private_data = 1,
	.increment = private_increment,
	.read = strategy_read_counter,
};
