/* tap.h - a minimal TAP producer for racelab's C unit tests. */
#ifndef RACELAB_TAP_H
#define RACELAB_TAP_H

#include <math.h>
#include <stdio.h>

static int tap_n, tap_failed;

#define TAP_OK(cond, ...) do { \
	int ok_ = (cond); \
	printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n); \
	printf(__VA_ARGS__); \
	putchar('\n'); \
	if (!ok_) { tap_failed++; printf("#   failed at %s:%d\n", __FILE__, __LINE__); } \
} while (0)

#define TAP_NEAR(got, want, tol, name) do { \
	double g_ = (got), w_ = (want); \
	TAP_OK(fabs(g_ - w_) <= (tol), "%s: got %.6g, want %.6g", name, g_, w_); \
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
