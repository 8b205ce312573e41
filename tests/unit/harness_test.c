/* harness_test.c - the harness's pure parts: counts, lists, overlap. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "count.h"
#include "rowtext.h"
#include "tap.h"
#include "trial.h"

static void parses(const char *s, uint64_t want)
{
	uint64_t v = 0;
	const char *why = "";
	int rc = count_parse(s, 1, UINT64_MAX, &v, &why);
	TAP_OK(rc == 0 && v == want, "count '%s' = %llu (got %llu %s)", s, (unsigned long long)want,
	       (unsigned long long)v, rc ? why : "");
}

static void refused(const char *s, const char *want_why)
{
	uint64_t v;
	const char *why = "";
	int rc = count_parse(s, 1, INT64_MAX, &v, &why);
	TAP_OK(rc != 0 && strstr(why, want_why), "count '%s' refused: %s", s, why);
}

/* rowtext against snprintf: "%.6f" on every tie j/2^7 and j/2^k near the
   rounding edges, random shares, random doubles up to 2^34 and the
   values either side of each; "%llu" and "%lld" at the edges and random */
static void check_rowtext(void)
{
	unsigned long tried = 0, bad = 0;
	char a[512], b[512];
	uint64_t st = 99;
	for (long i = 0; i < 3000000; i++) {
		double v;
		st = st * 6364136223846793005ull + 1442695040888963407ull;
		switch (i % 6) {
		case 0: v = (double)(i / 6) / 128.0; break;                 /* ties */
		case 1: v = (double)(st >> 11) / 9007199254740992.0; break;   /* [0, 1) */
		case 2: v = ldexp((double)(st >> 11), -53 + (int)(i % 35)); break; /* up to 2^34 */
		case 3: v = (double)(st % 2000001) / 2000000.0; break;        /* k/2e6, the half-way decimals */
		case 4: v = nextafter((double)(st % 2000001) / 2000000.0, 2.0); break;
		default: v = nextafter((double)(st % 2000001) / 2000000.0, -1.0); break;
		}
		struct rowtext t = rowtext_on(a, sizeof a);
		rowtext_f6(&t, v);
		*t.p = 0;
		snprintf(b, sizeof b, "%.6f", v);
		tried++;
		if (strcmp(a, b) != 0 && bad++ < 3)
			printf("# %.17g: rowtext %s, snprintf %s\n", v, a, b);
	}
	const double odd[] = {-0.0, -1e-9, -0.5, 1e300, -1e300, 8589934591.9999995, 8589934592.0, 0.0};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		struct rowtext t = rowtext_on(a, sizeof a);
		rowtext_f6(&t, odd[i]);
		*t.p = 0;
		snprintf(b, sizeof b, "%.6f", odd[i]);
		tried++;
		bad += strcmp(a, b) != 0;
	}
	TAP_OK(bad == 0, "rowtext %%.6f is snprintf's, byte for byte, on %lu values (%lu differ)", tried, bad);
	unsigned long ibad = 0;
	const uint64_t ue[] = {0, 9, 10, 99, 100, UINT64_MAX, UINT64_MAX / 10, 1ull << 63};
	for (long i = 0; i < 200000; i++) {
		st = st * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t u = i < 8 ? ue[i] : st >> (i % 64);
		int64_t s = i < 8 ? (int64_t)(u ^ (1ull << 63)) : (int64_t)st >> (i % 64);
		struct rowtext t = rowtext_on(a, sizeof a);
		rowtext_u64(&t, u);
		rowtext_char(&t, ',');
		rowtext_i64(&t, s);
		*t.p = 0;
		snprintf(b, sizeof b, "%llu,%lld", (unsigned long long)u, (long long)s);
		ibad += strcmp(a, b) != 0;
	}
	TAP_OK(ibad == 0, "rowtext %%llu and %%lld are snprintf's on 200000 values and the edges (%lu differ)", ibad);
	struct rowtext f = rowtext_on(a, sizeof a);
	const char *const sv[] = {"x", "", "yz"};
	const uint64_t uv[] = {0, 42};
	rowtext_strs(&f, sv, 3);
	rowtext_u64s(&f, uv, 2);
	*f.p = 0;
	TAP_OK(strcmp(a, "x,,yz,0,42,") == 0 && !f.full, "rowtext fields: each value and a comma (%s)", a);
	struct rowtext t = rowtext_on(a, 4);
	rowtext_str(&t, "abcdef");
	TAP_OK(t.full && t.p == a + 4, "rowtext stops at the end of its buffer and says so");
}

int main(void)
{
	parses("100000", 100000);
	parses("1e5", 100000);
	parses("100k", 100000);
	parses("1M", 1000000);
	parses("2.5e3", 2500);
	parses("1.5k", 1500);
	parses("1E6", 1000000);
	parses("+7", 7);
	parses("18446744073709551615", UINT64_MAX);
	parses("1e19", UINT64_C(10000000000000000000));
	refused("0", "at least 1");
	refused("-1", "negative");
	refused("1.5", "whole number");
	refused("1e-1", "whole number");
	refused("1e", "empty exponent");
	refused("", "not a number");
	refused("abc", "not a number");
	refused("10x", "not a number");
	refused("1e19", "too large"); /* max INT64_MAX here */
	refused("99999999999999999999999", "too large");
	refused("1e999", "too large");

	uint64_t out[8];
	const char *why, *bad;
	TAP_OK(count_list_parse("1,2,4,8", 1, 100, out, 8, &why, &bad) == 4 && out[3] == 8, "list 1,2,4,8");
	TAP_OK(count_list_parse("1,,2", 1, 100, out, 8, &why, &bad) < 0 && strstr(why, "empty"), "list with an empty item refused");
	TAP_OK(count_list_parse("1,2,x", 1, 100, out, 8, &why, &bad) < 0 && strcmp(bad, "x") == 0, "list names the bad item");

	char buf[32];
	count_format(1000000, buf, sizeof buf);
	TAP_OK(strcmp(buf, "1e6") == 0, "format 1e6 (%s)", buf);
	count_format(2500, buf, sizeof buf);
	TAP_OK(strcmp(buf, "2500") == 0, "format 2500 (%s)", buf);

	/* overlap: all at once over the span; pairwise */
	uint64_t s1[] = {0, 50}, e1[] = {100, 150};
	TAP_NEAR(trial_overlap(s1, e1, 2), 50.0 / 150.0, 1e-12, "two workers overlapping 50 of 150 ns");
	TAP_NEAR(trial_overlap_pair(s1, e1, 2), 50.0 / 150.0, 1e-12, "pairwise overlap equals it for two");
	uint64_t s2[] = {0, 100}, e2[] = {100, 200};
	TAP_OK(trial_overlap(s2, e2, 2) == 0.0, "touching intervals do not overlap");
	TAP_OK(trial_overlap_pair(s2, e2, 2) == 0.0, "touching intervals: no pairwise overlap");
	uint64_t s3[] = {0, 10, 60}, e3[] = {50, 70, 100};
	TAP_OK(trial_overlap(s3, e3, 3) == 0.0, "three workers never all at once");
	TAP_NEAR(trial_overlap_pair(s3, e3, 3), 50.0 / 100.0, 1e-12, "three workers: two at once during 10-50 and 60-70");
	uint64_t s4[] = {5}, e4[] = {10};
	TAP_OK(trial_overlap(s4, e4, 1) == 0.0 && trial_overlap_pair(s4, e4, 1) == 0.0, "one worker: overlap 0 by definition");
	check_rowtext();
	return tap_done();
}
