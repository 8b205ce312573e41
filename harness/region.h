/* region.h - the shared region: one plain struct, offsets and never pointers.
 *
 *   +----------------------+ 0
 *   | header               |  magic, version, size, procs, offsets
 *   +----------------------+ 64
 *   | sync: harness        |  start barrier words (futex)
 *   |       strategy       |  SYNC_BYTES for the strategy's primitive
 *   +----------------------+ slots_off
 *   | worker_slot[procs]   |  each worker's timestamps, one cache line each
 *   +----------------------+ block_off (persistent workers only)
 *   | block_hdr            |  the block's release word and counts
 *   | block_rec[trials]    |  each trial's finishers, release time, final
 *   | block_slot[procs][trials] each worker's timestamps, trial by trial
 *   +----------------------+ data_off (page aligned)
 *   | data                 |  the counter(s) the strategy increments
 *   +----------------------+ size
 *
 * The region may be mapped at a different address in every process (named
 * segments are), so nothing in it points anywhere: parts are found by offset
 * from the region's own start. */
#ifndef RACELAB_REGION_H
#define RACELAB_REGION_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "guard.h"

#define REGION_MAGIC   UINT64_C(0x3142414c45434152) /* "RACELAB1" little-endian */
#define REGION_VERSION 1u
#define CACHE_LINE     64u
#define SYNC_BYTES     256u
#define DATA_LINE      CACHE_LINE  /* the data area: one line shared + one per worker */

struct region_header {
	uint64_t magic;
	uint32_t version;
	uint32_t procs;
	uint64_t size;       /* bytes of the whole region */
	uint64_t slots_off;  /* struct worker_slot[procs] */
	uint64_t block_off;  /* struct block_hdr, then the records; 0: no block */
	uint64_t block_trials;
	uint64_t data_off;   /* data area, page aligned */
	uint64_t data_size;
};

struct region_sync {
	/* the harness's start barrier: futex words */
	_Atomic uint32_t ready;   /* workers attached and waiting */
	_Atomic uint32_t go;      /* 0 until the parent releases them */
	_Atomic uint32_t done;    /* workers finished (threads are waited on by it) */
	_Atomic uint32_t waiting; /* workers asleep at the gate, or about to be */
	uint64_t release_ns;      /* when the last worker to arrive opened the gate */
	/* the strategy's primitive (a process-shared mutex, ...), set up once
	   by the creator through strategy.init */
	alignas(CACHE_LINE) unsigned char strategy[SYNC_BYTES];
};

struct worker_slot {
	uint64_t start_ns;   /* CLOCK_MONOTONIC when this worker began incrementing */
	uint64_t end_ns;     /* ... and when it finished */
	uint64_t seen;       /* the counter as this worker saw it after its last increment */
	int32_t cpu;         /* the CPU it started on */
	uint32_t done;       /* 1 once the fields above are written */
	uint32_t trace_n;    /* --trace: samples taken */
} __attribute__((aligned(CACHE_LINE)));

/* A block of trials run by persistent workers. */
struct block_hdr {             /* a whole cache line: the records after it stay aligned */
	alignas(CACHE_LINE) _Atomic uint32_t go; /* trials released so far (futex word) */
	_Atomic uint32_t done;    /* trials completed (futex word for the parent) */
	_Atomic uint32_t stop;    /* the parent asks the workers to leave between trials */
	_Atomic uint32_t exited;  /* workers finished with the block */
	uint32_t count;           /* trials in the block */
	uint32_t procs;
	uint32_t cpus;            /* CPUs the workers may use (polling only pays when procs <= cpus) */
};

struct block_rec {            /* one trial of the block */
	_Atomic uint32_t arrived; /* workers that finished it */
	uint32_t pad;
	uint64_t release_ns;      /* when it was released */
	uint64_t final;           /* the counter as its last finisher read it */
};

struct block_slot {           /* one worker, one trial */
	uint64_t start_ns, end_ns, seen;
	int32_t cpu;
	uint32_t pad;
};

struct region {
	struct region_header hdr;
	alignas(CACHE_LINE) struct region_sync sync;
	/* worker slots and data follow at hdr.slots_off and hdr.data_off */
};

enum region_kind { REGION_ANON, REGION_SHM, REGION_SYSV };

/* One process's view of the region. The parent fills it in region_create();
   a forked worker inherits a copy and calls region_attach(). */
struct region_map {
	enum region_kind kind;
	int private_data;        /* the data area is mapped MAP_PRIVATE */
	struct region *r;        /* the region in this process */
	size_t size;
	unsigned char *data;     /* the data area as this process sees it */
	size_t data_size;
	unsigned char *data_map; /* a separate data mapping (private data), or NULL */
	int fd;                  /* shm: the segment while not yet unlinked, else -1 */
	int shmid;               /* sysv: the segment id, else -1 */
	int key;                 /* sysv: its key, registered with the guardian */
	const struct guard *guard; /* named regions: who removes them if we die */
	int sealed;              /* the name is gone (shm_unlink / IPC_RMID done) */
	char name[64];           /* shm: "/racelab-<pid>-<random>" */
};

extern const char *const region_kind_names[]; /* NULL-terminated */
const char *region_kind_name(enum region_kind k);

/* Creator: make a region for up to `procs` workers, with room for a block of
   `block_trials` trials of persistent workers (0: none). */
int region_create(struct region_map *m, enum region_kind kind, unsigned procs,
		  int private_data, unsigned block_trials, const struct guard *g, struct rl_err *e);
/* Worker, after fork: map the region as a named-segment user would. */
int region_attach(struct region_map *m, struct rl_err *e);
/* Creator, once every worker attached: remove the name so nothing can leak. */
int region_seal(struct region_map *m, struct rl_err *e);
void region_destroy(struct region_map *m);

static inline struct worker_slot *region_slot(struct region *r, unsigned w)
{
	return (struct worker_slot *)((unsigned char *)r + r->hdr.slots_off) + w;
}

static inline struct block_hdr *region_block(struct region *r)
{
	return (struct block_hdr *)((unsigned char *)r + r->hdr.block_off);
}

static inline struct block_rec *region_block_rec(struct region *r, unsigned k)
{
	return (struct block_rec *)((unsigned char *)r + r->hdr.block_off +
				    sizeof(struct block_hdr)) + k;
}

/* [worker][trial]: each worker writes only its own run of slots */
static inline struct block_slot *region_block_slot(struct region *r, unsigned w, unsigned k)
{
	return (struct block_slot *)((unsigned char *)region_block_rec(r, 0) +
				     r->hdr.block_trials * sizeof(struct block_rec)) +
	       (size_t)w * r->hdr.block_trials + k;
}

static inline void *region_strategy_sync(struct region *r)
{
	return r->sync.strategy;
}

#endif
