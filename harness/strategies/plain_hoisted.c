/* plain-hoisted: the plain increment written the way an optimising compiler
 * wants it: through an ordinary uint64_t *, so at -O2 gcc keeps the counter in
 * a register and folds the whole loop into one load, one add of iters and one
 * store. Lost updates become all or nothing: a worker's whole contribution
 * survives or is overwritten. tests/14-plain-loop.t proves the loop is gone.
 * The loops are never instrumented by the sanitizers (make test SANITIZE=1):
 * their instructions are what is being measured. */
#include "../strategy.h"

__attribute__((noinline, no_sanitize("address", "undefined"))) void racelab_hoisted_loop(uint64_t *counter, uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++)
		(*counter)++;
}

__attribute__((hot)) static void hoisted_increment(const struct strategy_args *a)
{
	racelab_hoisted_loop(strategy_counter(a), a->iters);
}

const struct strategy strategy_plain_hoisted = {
	.name = "plain-hoisted",
	.summary = "(*counter)++ through a plain uint64_t *: -O2 folds the loop into one add",
	.check = CHECK_AT_MOST,
	.increment = hoisted_increment,
	.read = strategy_read_counter,
};
