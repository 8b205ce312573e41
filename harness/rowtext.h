/* rowtext.h - a CSV row's text without printf. race writes a row after
 * every trial, between two forks: vfprintf costs more than the row's own
 * work, and its deep frame reaches a page of the stack that the fork just
 * made copy-on-write (a fault a trial). These write what "%s", "%llu",
 * "%lld" and "%.6f" would, byte for byte (tests/unit/harness_test.c checks
 * them against snprintf). */
#ifndef RACELAB_ROWTEXT_H
#define RACELAB_ROWTEXT_H

#include <stddef.h>
#include <stdint.h>

struct rowtext {
	char *p, *end; /* the next byte, one past the last usable one */
	int full;      /* something did not fit: the text is cut there */
};

static inline struct rowtext rowtext_on(char *buf, size_t len)
{
	return (struct rowtext){buf, buf + len, 0};
}
void rowtext_str(struct rowtext *t, const char *s);
void rowtext_char(struct rowtext *t, char c);
void rowtext_u64(struct rowtext *t, uint64_t v);
void rowtext_i64(struct rowtext *t, int64_t v);
/* CSV fields: each value followed by a comma */
void rowtext_strs(struct rowtext *t, const char *const *v, size_t n);
void rowtext_u64s(struct rowtext *t, const uint64_t *v, size_t n);
/* "%.6f": exact decimal rounding (ties to even, as glibc's printf in the
   default rounding mode), by integer arithmetic where 0 <= v < 2^33;
   snprintf itself elsewhere */
void rowtext_f6(struct rowtext *t, double v);

#endif
