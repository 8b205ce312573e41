/* csv.h - a streaming CSV reader: RFC 4180 quoting, CRLF or LF, any size;
 * a file, a pipe ('-' for stdin) or a FIFO, plain, gzip or zstd. */
#ifndef RACESTAT_CSV_H
#define RACESTAT_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

struct csv_field {
	char *s;     /* NUL-terminated, unquoted, inside the reader's buffer */
	size_t len;
};

/* Every field's text is followed, in the reader's buffer, by its NUL and
   at least CSV_SLACK more readable bytes (the rest of the record, then the
   buffer's zeroed padding), so that a parser may load eight bytes anywhere
   in a field and mask off what lies past its end. */
#define CSV_SLACK 8

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* eight ASCII digits, the first in the lowest byte, as their value (the
   classic SWAR reduction: pairs, then fours, then all eight) */
static inline __attribute__((always_inline)) int csv_digits8_(uint64_t w, uint64_t *v)
{
	if ((w & 0xf0f0f0f0f0f0f0f0ull) != 0x3030303030303030ull ||
	    (((w & 0x0f0f0f0f0f0f0f0full) + 0x0606060606060606ull) & 0xf0f0f0f0f0f0f0f0ull) != 0)
		return -1;
	w &= 0x0f0f0f0f0f0f0f0full;
	w = (w * 2561) >> 8;
	w = ((w & 0x00ff00ff00ff00ffull) * 6553601) >> 16;
	*v = ((w & 0x0000ffff0000ffffull) * 42949672960001ull) >> 32;
	return 0;
}

/* n (1 to 8) digits at s as eight, the missing ones leading zeros */
static inline __attribute__((always_inline)) int csv_digits_n_(const char *s, size_t n, uint64_t *v)
{
	uint64_t w;
	memcpy(&w, s, 8);
	unsigned sh = 8u * (unsigned)(8 - n);
	if (sh)
		w = (w << sh) | (0x3030303030303030ull >> (64 - sh));
	return csv_digits8_(w, v);
}
#endif

/* A field of n decimal digits (1 to 20, nothing else) as an unsigned
   64-bit value; -1 if it is not one or does not fit. Eight digits at a
   time (SWAR); s must have CSV_SLACK readable bytes past its start, as
   every field does. Inline: the loader calls it for most fields of every row. */
static inline __attribute__((always_inline)) int csv_parse_u64(const char *s, size_t n, uint64_t *v)
{
	if (n == 0 || n > 20)
		return -1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n <= 8)
		return csv_digits_n_(s, n, v);
	if (n <= 16) { /* below 10^16: no overflow */
		uint64_t hi, lo;
		if (csv_digits_n_(s, n - 8, &hi) != 0 || csv_digits_n_(s + n - 8, 8, &lo) != 0)
			return -1;
		*v = hi * 100000000ull + lo;
		return 0;
	}
#endif
	uint64_t x = 0;
	size_t safe = n < 19 ? n : 19; /* 19 digits cannot overflow */
	for (size_t i = 0; i < safe; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return -1;
		x = x * 10 + d;
	}
	if (n == 20) {
		unsigned d = (unsigned)(unsigned char)s[19] - '0';
		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

enum csv_source { SRC_RAW, SRC_GZIP, SRC_ZSTD };

struct csv_reader {
	const char *path;
	int fd;
	enum csv_source kind;  /* told by the first bytes */
	void *gz;              /* z_stream, or ISA-L's inflate_state */
	void *zs;              /* ZSTD_DStream */
	char *zin;             /* compressed bytes (for raw input: only the peeked ones) */
	size_t zin_len, zin_pos;
	int raw_eof, stream_end;
	char *buf;
	size_t cap, len, pos;  /* buffer [pos, len) is unread */
	int eof;
	size_t quote_at, cr_at; /* next '"' and '\r' at or after pos (len: none; SIZE_MAX: not looked) */
	unsigned long line;    /* physical line where the current record starts */
	unsigned long next_line;
	struct csv_field *f;
	size_t nf, fcap;
	int plain;             /* the record had no quote and no CR: its fields lie one after
				  another, each followed by its NUL where its comma was */
};

int csv_reader_open(struct csv_reader *r, const char *path, struct rl_err *e);
/* The same over text in memory (copied), `name` for messages. */
int csv_reader_open_mem(struct csv_reader *r, const char *name, const char *text, size_t len,
			struct rl_err *e);
/* Next record into r->f[0..nf). Returns 1 with a record, 0 at end, <0 on error. */
int csv_reader_next(struct csv_reader *r, struct rl_err *e);
void csv_reader_close(struct csv_reader *r);

/* For a caller that parses the common record itself: the next record's
   first byte, and *lim: the bytes read from there to *lim hold no quote
   and no carriage return, and CSV_PEEK_AFTER more bytes past *lim lie in
   the buffer (defined, but not the input's past its end); a record whose
   newline comes before *lim is a plain one. NULL when there is none such
   (csv_reader_next takes the next record). Nothing is consumed and nothing
   written: r->f is not the record's. */
#define CSV_PEEK_AFTER 64
const char *csv_reader_peek_plain(struct csv_reader *r, const char **lim);
/* Consume the record that ends at the newline nl: one line, r->line its own. */
static inline void csv_reader_take_plain(struct csv_reader *r, const char *nl)
{
	r->nf = 0;
	r->plain = 1;
	r->pos = (size_t)(nl - r->buf) + 1;
	r->line = r->next_line++;
}

#endif
