/* guard.c - the guardian process. See guard.h. */
#define _GNU_SOURCE
#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MSG_MAX = 128, HELD_MAX = 64 };

struct held {
	char kind;          /* 'S' shm name, 'V' System V key */
	char name[MSG_MAX];
};

/* Remove what is still registered. A System V key is removed only if the
   segment under it was created by race (shm_cpid), since a key is reused
   once its segment is gone. */
static void cleanup(const struct held *h, unsigned n, pid_t creator)
{
	for (unsigned i = 0; i < n; i++) {
		if (h[i].kind == 'S') {
			shm_unlink(h[i].name);
		} else if (h[i].kind == 'V') {
			int id = shmget((key_t)atoi(h[i].name), 0, 0);
			struct shmid_ds ds;
			if (id >= 0 && shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_cpid == creator)
				shmctl(id, IPC_RMID, NULL);
		}
	}
}

static _Noreturn void guardian(int fd, pid_t creator)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	prctl(PR_SET_NAME, "race-guard");
	/* hold nothing of race's: not its output (or the lock on it), not a pipe
	   whose reader waits for end-of-file */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (fd != 3) {
		dup2(fd, 3);
		fd = 3;
	}
	close_range(4, ~0u, 0);

	struct held h[HELD_MAX];
	unsigned n = 0;
	for (;;) {
		char msg[MSG_MAX + 2];
		ssize_t k = recv(fd, msg, sizeof msg - 1, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* race is gone (or closed us): clean up */
		msg[k] = '\0';
		char kind = msg[0];
		const char *name = msg + 1;
		if (kind == 'S' || kind == 'V') {
			if (n < HELD_MAX) {
				size_t len = strnlen(name, sizeof h[n].name - 1);
				h[n].kind = kind;
				memcpy(h[n].name, name, len);
				h[n].name[len] = '\0';
				n++;
			}
		} else if (kind == 's' || kind == 'v') {
			for (unsigned i = 0; i < n; i++)
				if (h[i].kind == (kind == 's' ? 'S' : 'V') && strcmp(h[i].name, name) == 0) {
					h[i] = h[--n];
					break;
				}
		}
	}
	cleanup(h, n, creator);
	_exit(0);
}

int guard_start(struct guard *g, struct rl_err *e)
{
	int sv[2];
	g->pid = 0;
	g->fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return rl_fail(e, RL_ESYS, "socketpair: %s", strerror(errno));
	pid_t creator = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(sv[0]);
		close(sv[1]);
		return rl_fail(e, RL_ESYS, "fork the guardian: %s", strerror(err));
	}
	if (pid == 0) {
		close(sv[0]);
		guardian(sv[1], creator);
	}
	close(sv[1]);
	g->pid = pid;
	g->fd = sv[0];
	return 0;
}

static int say(const struct guard *g, char kind, const char *name, struct rl_err *e)
{
	char msg[MSG_MAX + 2];
	int len = snprintf(msg, sizeof msg, "%c%s", kind, name);
	if (len <= 0 || len >= (int)sizeof msg - 1)
		return rl_fail(e, RL_ESYS, "guardian: name too long: %s", name);
	for (;;) {
		ssize_t k = send(g->fd, msg, (size_t)len, MSG_NOSIGNAL);
		if (k == len)
			return 0;
		if (k < 0 && errno == EINTR)
			continue;
		return rl_fail(e, RL_ESYS, "the guardian process is gone (%s); will not create named segments",
			       k < 0 ? strerror(errno) : "short send");
	}
}

int guard_hold_shm(const struct guard *g, const char *name, struct rl_err *e)
{
	return say(g, 'S', name, e);
}

int guard_release_shm(const struct guard *g, const char *name, struct rl_err *e)
{
	return say(g, 's', name, e);
}

int guard_hold_sysv(const struct guard *g, int key, struct rl_err *e)
{
	char k[16];
	snprintf(k, sizeof k, "%d", key);
	return say(g, 'V', k, e);
}

int guard_release_sysv(const struct guard *g, int key, struct rl_err *e)
{
	char k[16];
	snprintf(k, sizeof k, "%d", key);
	return say(g, 'v', k, e);
}

void guard_stop(struct guard *g)
{
	if (g->pid <= 0)
		return;
	close(g->fd);
	g->fd = -1;
	int st;
	while (waitpid(g->pid, &st, 0) < 0 && errno == EINTR)
		;
	g->pid = 0;
}
