/* nocopy.c - see nocopy.h */
#define _GNU_SOURCE
#include "nocopy.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

enum { NC_ALIGN = 64 }; /* a cache line: no two blocks share one */

struct nocopy {
	size_t size;  /* the mapping's */
	size_t used;  /* the next block's offset */
	size_t high;  /* below this the arena has been written: zero it again */
};

static size_t round_up(size_t n)
{
	return (n + NC_ALIGN - 1) & ~(size_t)(NC_ALIGN - 1);
}

static void *own_mapping(size_t size)
{
	void *p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

struct nocopy *nocopy_open(size_t reserve)
{
	if (reserve < sizeof(struct nocopy))
		reserve = sizeof(struct nocopy);
	void *p = mmap(NULL, reserve, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	struct nocopy *nc = p;
	nc->size = reserve;
	nc->used = nc->high = round_up(sizeof *nc);
	return nc;
}

void nocopy_close(struct nocopy *nc)
{
	if (nc)
		munmap(nc, nc->size);
}

void *nocopy_calloc(struct nocopy *nc, size_t size)
{
	size_t need = round_up(size ? size : 1);
	if (need < size || need > nc->size - nc->used) /* used <= size always */
		return own_mapping(size);
	char *p = (char *)nc + nc->used;
	if (nc->used < nc->high)
		memset(p, 0, (nc->high - nc->used < need ? nc->high - nc->used : need));
	nc->used += need;
	if (nc->used > nc->high)
		nc->high = nc->used;
	return p;
}

void nocopy_free(struct nocopy *nc, void *p, size_t size)
{
	if (!p)
		return;
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)nc;
	if (a >= base && a < base + nc->size) {
		size_t off = (size_t)(a - base), need = round_up(size ? size : 1);
		if (off + need == nc->used)
			nc->used = off;
		return;
	}
	munmap(p, size ? size : 1);
}
