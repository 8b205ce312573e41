/* sharded: each worker increments its own counter in its own cache line (line
 * worker + 1 of the data area); the creator sums them afterwards. Exact, with
 * nothing shared while counting: perfbook's answer for counters. */
#include "../region.h"
#include "../strategy.h"

static volatile uint64_t *shard(const struct strategy_args *a, unsigned w)
{
	return (volatile uint64_t *)((unsigned char *)a->data + (size_t)(w + 1) * DATA_LINE);
}

__attribute__((hot)) static void sharded_increment(const struct strategy_args *a)
{
	racelab_plain_loop(shard(a, a->worker), a->iters);
}

__attribute__((hot)) static uint64_t sharded_read(const struct strategy_args *a)
{
	uint64_t sum = 0;
	for (unsigned w = 0; w < a->procs; w++)
		sum += *shard(a, w);
	return sum;
}

const struct strategy strategy_sharded = {
	.name = "sharded",
	.summary = "one counter per worker, each in its own cache line, summed at the end",
	.check = CHECK_EXACT,
	.increment = sharded_increment,
	.read = sharded_read,
};
