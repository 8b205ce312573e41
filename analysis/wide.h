/* wide.h - 128-bit integers for exact sums of 64-bit counts (gcc and clang
 * have them; __extension__ tells -Wpedantic that we know). */
#ifndef RACESTAT_WIDE_H
#define RACESTAT_WIDE_H

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

#endif
