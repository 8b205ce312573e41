/* false-shared: sharded, but the per-worker counters are packed next to each
 * other (8 per cache line): exact, yet every store of one worker invalidates
 * the line the others are writing. The price of false sharing. */
#include "../strategy.h"

static volatile uint64_t *slot(const struct strategy_args *a, unsigned w)
{
	return (volatile uint64_t *)a->data + w;
}

__attribute__((hot)) static void packed_increment(const struct strategy_args *a)
{
	racelab_plain_loop(slot(a, a->worker), a->iters);
}

__attribute__((hot)) static uint64_t packed_read(const struct strategy_args *a)
{
	uint64_t sum = 0;
	for (unsigned w = 0; w < a->procs; w++)
		sum += *slot(a, w);
	return sum;
}

const struct strategy strategy_false_shared = {
	.name = "false-shared",
	.summary = "per-worker counters packed into one cache line: exact but falsely shared",
	.check = CHECK_EXACT,
	.increment = packed_increment,
	.read = packed_read,
};
