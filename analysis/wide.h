/* wide.h - 128-bit integers for exact sums of 64-bit counts (gcc and clang
 * have them; __extension__ tells -Wpedantic that we know). */
#ifndef RACESTAT_WIDE_H
#define RACESTAT_WIDE_H

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

#include <stdint.h>

/* The selections' fixed generator (splitmix64: the same data, the same
   steps) and a draw onto [0, n) by a multiplication, not a division
   (Lemire 2019): the samples only steer a selection, never its result. */
static inline uint64_t mix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t below(uint64_t x, uint64_t n)
{
	return (uint64_t)(((u128)x * n) >> 64);
}

#endif
