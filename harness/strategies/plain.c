/* plain: (*counter)++ with no synchronization at all.
 *
 * The counter is reached through a volatile lvalue, so at any -O level the
 * compiler must emit, for every iteration, one load of the counter from memory,
 * an add, and one store back: it may neither keep the counter in a register
 * nor fold the loop into a single `+= iters`. Between another worker's load
 * and its store, this worker's increments can be overwritten: lost updates.
 * tests/plain-loop.t disassembles racelab_plain_loop in the built binary and
 * fails if that ever stops being true. */
#include "../strategy.h"

__attribute__((hot, noinline, no_sanitize("address", "undefined"))) void racelab_plain_loop(volatile uint64_t *counter, uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		(*counter)++;
}

__attribute__((hot)) static void plain_increment(const struct strategy_args *a)
{
	racelab_plain_loop(strategy_counter(a), a->iters);
}

const struct strategy strategy_plain = {
	.name = "plain",
	.summary = "(*counter)++ on MAP_SHARED memory: load, add, store; loses updates",
	.check = CHECK_AT_MOST,
	.increment = plain_increment,
	.read = strategy_read_counter,
};
