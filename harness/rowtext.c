/* rowtext.c - a CSV row's text without printf. See rowtext.h. */
#include "rowtext.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void put(struct rowtext *t, const char *s, size_t n)
{
	size_t room = (size_t)(t->end - t->p);
	if (n > room) {
		n = room;
		t->full = 1;
	}
	memcpy(t->p, s, n);
	t->p += n;
}

void rowtext_str(struct rowtext *t, const char *s)
{
	put(t, s, strlen(s));
}

void rowtext_char(struct rowtext *t, char c)
{
	put(t, &c, 1);
}

void rowtext_u64(struct rowtext *t, uint64_t v)
{
	char d[20];
	size_t i = sizeof d;
	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(t, d + i, sizeof d - i);
}

void rowtext_strs(struct rowtext *t, const char *const *v, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		rowtext_str(t, v[k]);
		rowtext_char(t, ',');
	}
}

void rowtext_u64s(struct rowtext *t, const uint64_t *v, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		rowtext_u64(t, v[k]);
		rowtext_char(t, ',');
	}
}

void rowtext_i64(struct rowtext *t, int64_t v)
{
	if (v < 0) {
		rowtext_char(t, '-');
		rowtext_u64(t, (uint64_t)0 - (uint64_t)v);
	} else {
		rowtext_u64(t, (uint64_t)v);
	}
}

void rowtext_f6(struct rowtext *t, double v)
{
	/* v * 10^6 rounded as the exact product would be: p is the product
	   rounded to a double; where its fraction is not one half, p rounds
	   the same way as the exact product (that fraction is a multiple of
	   p's ulp); at one half, the product's rounding error (fma, exact)
	   says which side the exact product lies on, and none is a tie */
	if (!(v >= 0.0 && v < 8589934592.0) || signbit(v)) {
		char buf[400];
		int n = snprintf(buf, sizeof buf, "%.6f", v);
		put(t, buf, n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
		return;
	}
	double p = v * 1e6, r = floor(p), f = p - r;
	uint64_t q = (uint64_t)r;
	if (f > 0.5) {
		q++;
	} else if (f == 0.5) {
		double err = fma(v, 1e6, -p);
		if (err > 0.0 || (err == 0.0 && (q & 1)))
			q++;
	}
	rowtext_u64(t, q / 1000000);
	char d[7];
	uint64_t frac = q % 1000000;
	d[0] = '.';
	for (int i = 6; i >= 1; i--) {
		d[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	put(t, d, sizeof d);
}
