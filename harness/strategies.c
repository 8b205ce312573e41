/* strategies.c - the registry: every strategy racelab knows, in --help order. */
#include <string.h>

#include "strategy.h"

extern const struct strategy strategy_plain, strategy_atomic, strategy_mutex,
	strategy_private, strategy_sem, strategy_spin, strategy_atomic_relaxed,
	strategy_plain_hoisted, strategy_sharded, strategy_false_shared;

const struct strategy *const strategy_table[] = {
	&strategy_plain,
	&strategy_atomic,
	&strategy_mutex,
	&strategy_private,
	&strategy_sem,
	&strategy_spin,
	&strategy_atomic_relaxed,
	&strategy_plain_hoisted,
	&strategy_sharded,
	&strategy_false_shared,
};

const unsigned strategy_count = sizeof strategy_table / sizeof *strategy_table;

const struct strategy *strategy_find(const char *name)
{
	for (unsigned i = 0; i < strategy_count; i++)
		if (strcmp(strategy_table[i]->name, name) == 0)
			return strategy_table[i];
	return NULL;
}

__attribute__((hot)) uint64_t strategy_read_counter(const struct strategy_args *a)
{
	return *(volatile uint64_t *)strategy_counter(a);
}
