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
 * write. Workers only read what they are given; they write the region. */
#ifndef RACELAB_NOCOPY_H
#define RACELAB_NOCOPY_H

#include <stddef.h>

void *nocopy_calloc(size_t size);        /* zeroed, page-rounded; NULL on failure */
void nocopy_free(void *p, size_t size);  /* size as given to nocopy_calloc */

#endif
