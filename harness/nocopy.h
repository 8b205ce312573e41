/* nocopy.h - memory the parent writes while workers fork, kept out of what a
 * fork copies.
 *
 * A fork copies the page-table entries of every resident private page, marks
 * them read-only in both processes, and the parent then takes a fault on the
 * first write to each one after every fork (measured: about 0.4 us a page
 * and a trial on the bench machine). The sweep's own state is written
 * between every two forks and never by a worker, so it lives in a shared
 * anonymous mapping instead: a fork leaves its entries to be faulted in by a
 * child that touches it (none does) and a write by the parent is a plain
 * write. Workers only read what they are given; they write the region.
 *
 * All of it is one mapping, an arena: a fork also copies, and every
 * worker's exit tears down, each mapping the parent has (about a
 * microsecond apiece), so the plan, the cells, the sweep, the trial context
 * and the result do not each take one. The arena is reserved, not
 * committed: a page is memory once it is written. What does not fit in it
 * gets a mapping of its own. The arena's bookkeeping is its first bytes. */
#ifndef RACELAB_NOCOPY_H
#define RACELAB_NOCOPY_H

#include <stddef.h>

struct nocopy;

/* what race reserves: a sweep of a few thousand cells fits */
#define NOCOPY_RESERVE ((size_t)16 << 20)

struct nocopy *nocopy_open(size_t reserve); /* NULL on failure */
void nocopy_close(struct nocopy *nc);       /* everything allocated from it goes too */
/* zeroed; NULL on failure */
void *nocopy_calloc(struct nocopy *nc, size_t size);
/* size as given to nocopy_calloc; the arena's space is reused only when p
   was the last block it gave (the sweep frees in reverse order) */
void nocopy_free(struct nocopy *nc, void *p, size_t size);

#endif
