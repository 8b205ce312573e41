/* count.h - counts and lists as users write them: 100000, 1e5, 100k, 1M, 1,2,4,8 */
#ifndef RACELAB_COUNT_H
#define RACELAB_COUNT_H

#include <stddef.h>
#include <stdint.h>

/* Parse a whole string as a count in [min, max]. Accepts decimal digits with an
 * optional fraction and exponent (1e5, 2.5e3) and an optional suffix k, M, G, T
 * (powers of 1000); the value must be a whole number. Returns 0, or -1 with
 * *why set to a short reason. */
int count_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **why);

/* Parse "a,b,c" into at most cap counts. Returns the number parsed, or -1 with
 * *why set; *bad points at the offending item (within s). */
int count_list_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out, size_t cap,
		     const char **why, const char **bad);

/* Format a count the short way a user would type it back: 1e6, 25000. */
void count_format(uint64_t v, char *buf, size_t len);

#endif
