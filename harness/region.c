/* region.c - create, attach, seal and destroy the shared region.
 *
 * anon: MAP_SHARED | MAP_ANONYMOUS before fork; workers inherit it.
 * shm:  shm_open(O_CREAT | O_EXCL, 0600) + ftruncate + mmap; every worker
 *       unmaps what fork gave it and maps the segment by name itself, at
 *       whatever address it gets. The creator unlinks the name as soon as all
 *       workers have attached.
 * sysv: shmget(random key, IPC_CREAT | IPC_EXCL, 0600) + shmat; workers detach
 *       and attach again by id; IPC_RMID once all have attached.
 * Every name and key is registered with the guardian (guard.h) before the
 * segment exists, and released once it is removed.
 * With private data the counter lives in a MAP_PRIVATE mapping: each writer
 * gets its own copy-on-write page and the creator's view never changes. */
#define _GNU_SOURCE
#include "region.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsx.h"

const char *const region_kind_names[] = {
	[REGION_ANON] = "anon", [REGION_SHM] = "shm", [REGION_SYSV] = "sysv", NULL,
};

const char *region_kind_name(enum region_kind k)
{
	return region_kind_names[k];
}


static size_t round_up(size_t x, size_t to)
{
	return (x + to - 1) / to * to;
}

static void layout(struct region_header *h, unsigned procs, unsigned block_trials)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	h->magic = REGION_MAGIC;
	h->version = REGION_VERSION;
	h->procs = procs;
	h->slots_off = round_up(sizeof(struct region), CACHE_LINE);
	size_t end = h->slots_off + procs * sizeof(struct worker_slot);
	h->block_off = 0;
	h->block_trials = block_trials;
	if (block_trials) {
		h->block_off = round_up(end, CACHE_LINE);
		end = h->block_off + sizeof(struct block_hdr) + block_trials * sizeof(struct block_rec) +
		      (size_t)procs * block_trials * sizeof(struct block_slot);
	}
	h->data_off = round_up(end, page);
	h->data_size = round_up((size_t)(procs + 1) * DATA_LINE, page);
	h->size = h->data_off + h->data_size;
}

/* Map the data area privately (copy-on-write) for this process. */
static int map_private_data(struct region_map *m, struct rl_err *e)
{
	void *p;
	if (m->kind == REGION_SHM)
		p = mmap(NULL, m->data_size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 m->fd, (off_t)m->r->hdr.data_off);
	else
		p = mmap(NULL, m->data_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return rl_fail(e, RL_ESYS, "mmap MAP_PRIVATE data: %s", strerror(errno));
	m->data_map = p;
	m->data = p;
	return 0;
}

static int map_shm(struct region_map *m, struct rl_err *e)
{
	void *p = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (p == MAP_FAILED)
		return rl_fail(e, RL_ESYS, "mmap %s: %s", m->name, strerror(errno));
	m->r = p;
	return 0;
}

int region_create(struct region_map *m, enum region_kind kind, unsigned procs,
		  int private_data, unsigned block_trials, const struct guard *g, struct rl_err *e)
{
	struct region_header h;
	layout(&h, procs, block_trials);
	memset(m, 0, sizeof *m);
	m->kind = kind;
	m->private_data = private_data;
	m->size = h.size;
	m->data_size = h.data_size;
	m->fd = -1;
	m->shmid = -1;
	m->guard = g;
	if (kind != REGION_ANON && (!g || g->pid <= 0))
		return rl_fail(e, RL_ESYS, "a named region needs the guardian process");

	switch (kind) {
	case REGION_ANON: {
		void *p = mmap(NULL, m->size, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return rl_fail(e, RL_ESYS, "mmap MAP_SHARED|MAP_ANONYMOUS: %s",
				       strerror(errno));
		m->r = p;
		m->sealed = 1;
		break;
	}
	case REGION_SHM: {
		char hex[17];
		if (fsx_random_hex(hex, 8) != 0)
			return rl_fail(e, RL_ESYS, "getrandom: %s", strerror(errno));
		snprintf(m->name, sizeof m->name, "/racelab-%ld-%s", (long)getpid(), hex);
		/* the guardian knows the name before it exists: a SIGKILL at any
		   instant from here on leaves nothing in /dev/shm */
		int rc = guard_hold_shm(g, m->name, e);
		if (rc != 0)
			return rc;
		m->fd = shm_open(m->name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
		if (m->fd < 0) {
			int err = errno;
			struct rl_err ignore;
			guard_release_shm(g, m->name, &ignore);
			return rl_fail(e, RL_ESYS, "shm_open %s: %s", m->name, strerror(err));
		}
		if (ftruncate(m->fd, (off_t)m->size) != 0)
			rc = rl_fail(e, RL_ESYS, "ftruncate %s: %s", m->name, strerror(errno));
		if (rc == 0)
			rc = map_shm(m, e);
		if (rc != 0) {
			struct rl_err ignore;
			shm_unlink(m->name);
			guard_release_shm(g, m->name, &ignore);
			close(m->fd);
			return rc;
		}
		break;
	}
	case REGION_SYSV: {
		/* a random key registered with the guardian first, then created
		   exclusively: no instant at which a segment exists unregistered */
		for (int tries = 0; m->shmid < 0; tries++) {
			uint32_t rnd;
			if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
				return rl_fail(e, RL_ESYS, "getrandom: %s", strerror(errno));
			m->key = (int)(rnd & 0x7fffffffu) | 1;
			int rc = guard_hold_sysv(g, m->key, e);
			if (rc != 0)
				return rc;
			m->shmid = shmget((key_t)m->key, m->size, IPC_CREAT | IPC_EXCL | 0600);
			if (m->shmid < 0) {
				int err = errno;
				struct rl_err ignore;
				guard_release_sysv(g, m->key, &ignore);
				if (err != EEXIST || tries == 16)
					return rl_fail(e, RL_ESYS, "shmget: %s", strerror(err));
			}
		}
		void *p = shmat(m->shmid, NULL, 0);
		if (p == (void *)-1) {
			int err = errno;
			struct rl_err ignore;
			shmctl(m->shmid, IPC_RMID, NULL);
			guard_release_sysv(g, m->key, &ignore);
			return rl_fail(e, RL_ESYS, "shmat: %s", strerror(err));
		}
		m->r = p;
		break;
	}
	}
	/* shm and sysv segments start zeroed, as anonymous memory does */
	m->r->hdr = h;
	m->data = (unsigned char *)m->r + h.data_off;
	if (private_data) {
		int rc = map_private_data(m, e);
		if (rc != 0) {
			region_destroy(m);
			return rc;
		}
	}
	return 0;
}

__attribute__((hot)) int region_attach(struct region_map *m, struct rl_err *e)
{
	switch (m->kind) {
	case REGION_ANON:
		return 0; /* inherited across fork: that is the point of anon */
	case REGION_SHM:
		/* forget what fork gave us; open and map by name like a stranger */
		munmap(m->r, m->size);
		if (m->data_map)
			munmap(m->data_map, m->data_size);
		close(m->fd);
		m->fd = shm_open(m->name, O_RDWR | O_CLOEXEC, 0);
		if (m->fd < 0)
			return rl_fail(e, RL_ESYS, "shm_open %s: %s", m->name, strerror(errno));
		if (map_shm(m, e) != 0)
			return RL_ESYS;
		break;
	case REGION_SYSV:
		shmdt(m->r);
		m->r = shmat(m->shmid, NULL, 0);
		if (m->r == (void *)-1)
			return rl_fail(e, RL_ESYS, "shmat %d: %s", m->shmid, strerror(errno));
		break;
	}
	if (m->r->hdr.magic != REGION_MAGIC || m->r->hdr.version != REGION_VERSION)
		return rl_fail(e, RL_EINPUT, "region has a bad header");
	m->data = (unsigned char *)m->r + m->r->hdr.data_off;
	if (m->private_data && m->kind == REGION_SHM)
		return map_private_data(m, e);
	return 0;
}

int region_seal(struct region_map *m, struct rl_err *e)
{
	if (m->sealed)
		return 0;
	m->sealed = 1;
	struct rl_err ignore;
	if (m->kind == REGION_SHM) {
		int rc = 0;
		if (shm_unlink(m->name) != 0)
			rc = rl_fail(e, RL_ESYS, "shm_unlink %s: %s", m->name, strerror(errno));
		close(m->fd);
		m->fd = -1;
		if (rc == 0)
			rc = guard_release_shm(m->guard, m->name, e);
		else
			guard_release_shm(m->guard, m->name, &ignore);
		return rc;
	}
	if (m->kind == REGION_SYSV) {
		if (shmctl(m->shmid, IPC_RMID, NULL) != 0) {
			int err = errno;
			guard_release_sysv(m->guard, m->key, &ignore);
			return rl_fail(e, RL_ESYS, "shmctl IPC_RMID: %s", strerror(err));
		}
		return guard_release_sysv(m->guard, m->key, e);
	}
	return 0;
}

void region_destroy(struct region_map *m)
{
	struct rl_err ignore;
	if (m->r == NULL)
		return;
	region_seal(m, &ignore);
	if (m->data_map)
		munmap(m->data_map, m->data_size);
	if (m->kind == REGION_SYSV)
		shmdt(m->r);
	else
		munmap(m->r, m->size);
	m->r = NULL;
	m->data = m->data_map = NULL;
}
