/* err.h - how racelab functions report failure.
 *
 * Functions return 0 on success or a negative RL_E* code, and fill a caller
 * owned struct rl_err with one human-readable line (no trailing newline).
 * Only main() prints it and decides the exit status. */
#ifndef RACELAB_ERR_H
#define RACELAB_ERR_H

#include <stdarg.h>
#include <stdio.h>

enum {
	RL_OK = 0,
	RL_EINPUT = -1,     /* bad user input: option, experiment file, CSV */
	RL_ESYS = -2,       /* a system call failed */
	RL_EINTR = -3,      /* a terminating signal arrived; rl_err.signo says which */
	RL_EWORKER = -4,    /* a worker died or timed out (the trial still has a row) */
	RL_EBUSY = -5,      /* another process holds the output's lock */
};

struct rl_err {
	int signo;          /* set with RL_EINTR */
	char msg[512];
};

__attribute__((format(printf, 3, 4)))
static inline int rl_fail(struct rl_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return code;
}

#endif
