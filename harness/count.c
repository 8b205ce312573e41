/* count.c - exact integer parsing of counts; no floating point, so 1e15 or
 * 2.5e3 are exact and 1.5 or 1e-1 are refused rather than rounded. */
#include "count.h"

#include <stdio.h>
#include <string.h>

int count_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **why)
{
	const char *p = s;
	uint64_t mant = 0;
	int digits = 0, frac = 0, any_nonzero_dropped = 0, exp10 = 0;

	if (*p == '-') {
		*why = "must not be negative";
		return -1;
	}
	if (*p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (mant > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
			*why = "is too large";
			return -1;
		}
		mant = mant * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++, frac++) {
			if (mant > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
				if (*p != '0')
					any_nonzero_dropped = 1;
				frac--; /* digit dropped: it must be a trailing zero */
				continue;
			}
			mant = mant * 10 + (uint64_t)(*p - '0');
		}
	}
	if (digits == 0) {
		*why = "is not a number";
		return -1;
	}
	if (*p == 'e' || *p == 'E') {
		int sign = 1, ed = 0;
		p++;
		if (*p == '-' || *p == '+')
			sign = *p++ == '-' ? -1 : 1;
		for (; *p >= '0' && *p <= '9'; p++, ed++)
			if (exp10 < 1000)
				exp10 = exp10 * 10 + (*p - '0');
		if (ed == 0) {
			*why = "has an empty exponent";
			return -1;
		}
		exp10 *= sign;
	}
	switch (*p) {
	case 'k': case 'K': exp10 += 3; p++; break;
	case 'M': exp10 += 6; p++; break;
	case 'G': exp10 += 9; p++; break;
	case 'T': exp10 += 12; p++; break;
	default: break;
	}
	if (*p != '\0') {
		*why = "is not a number (try 100000, 1e5, 100k or 1M)";
		return -1;
	}
	exp10 -= frac;
	if (any_nonzero_dropped) {
		*why = "has too many digits";
		return -1;
	}
	for (; exp10 < 0; exp10++) {
		if (mant % 10 != 0) {
			*why = "is not a whole number";
			return -1;
		}
		mant /= 10;
	}
	for (; exp10 > 0 && mant != 0; exp10--) {
		if (mant > UINT64_MAX / 10) {
			*why = "is too large";
			return -1;
		}
		mant *= 10;
	}
	if (mant < min) {
		*why = min == 1 ? "must be at least 1" : "is too small";
		return -1;
	}
	if (mant > max) {
		*why = "is too large";
		return -1;
	}
	*out = mant;
	return 0;
}

int count_list_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out, size_t cap,
		     const char **why, const char **bad)
{
	char item[64];
	size_t n = 0;
	const char *p = s;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		*bad = p;
		if (len == 0) {
			*why = "has an empty item";
			return -1;
		}
		if (len >= sizeof item) {
			*why = "has an item that is too long";
			return -1;
		}
		if (n == cap) {
			*why = "has too many items";
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (count_parse(item, min, max, &out[n], why) != 0)
			return -1;
		n++;
		if (!end)
			return (int)n;
		p = end + 1;
	}
}

void count_format(uint64_t v, char *buf, size_t len)
{
	int e = 0;
	uint64_t m = v;
	while (m >= 10 && m % 10 == 0) {
		m /= 10;
		e++;
	}
	if (e >= 3)
		snprintf(buf, len, "%llue%d", (unsigned long long)m, e);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}
