/* guard.h - the guardian: a small process, forked before anything else, that
 * removes the named segments race leaves behind however race ends.
 *
 * race tells it every name *before* creating the segment (and again once the
 * segment is gone) over a SOCK_SEQPACKET socket. When race ends, even by
 * SIGKILL, the guardian reads end-of-file, shm_unlinks or IPC_RMIDs what is
 * still registered, and exits. It blocks every signal that can be blocked,
 * so a Ctrl-C to the process group, or a scheduler's signal, leaves it to do
 * its job. Only SIGKILL of the guardian itself defeats it. */
#ifndef RACELAB_GUARD_H
#define RACELAB_GUARD_H

#include <sys/types.h>

#include "err.h"

struct guard {
	pid_t pid;   /* 0: none started (anonymous regions need none) */
	int fd;
};

int guard_start(struct guard *g, struct rl_err *e);
/* shm: before shm_open(O_CREAT), and after shm_unlink */
int guard_hold_shm(const struct guard *g, const char *name, struct rl_err *e);
int guard_release_shm(const struct guard *g, const char *name, struct rl_err *e);
/* System V: before shmget(key, IPC_CREAT | IPC_EXCL), and after IPC_RMID */
int guard_hold_sysv(const struct guard *g, int key, struct rl_err *e);
int guard_release_sysv(const struct guard *g, int key, struct rl_err *e);
/* Close our end and wait for it: it removes anything still registered. */
void guard_stop(struct guard *g);

#endif
