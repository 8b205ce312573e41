/* csv.h - a streaming CSV reader: RFC 4180 quoting, CRLF or LF, any size;
 * a file, a pipe ('-' for stdin) or a FIFO, plain, gzip or zstd. */
#ifndef RACESTAT_CSV_H
#define RACESTAT_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* A field of n decimal digits (1 to 20, nothing else) as an unsigned
   64-bit value; -1 if it is not one or does not fit. Eight digits at a
   time (SWAR); s must have CSV_SLACK readable bytes past its start, as
   every field does. */
int csv_parse_u64(const char *s, size_t n, uint64_t *v);

enum csv_source { SRC_RAW, SRC_GZIP, SRC_ZSTD };

struct csv_reader {
	const char *path;
	int fd;
	enum csv_source kind;  /* told by the first bytes */
	void *gz;              /* z_stream */
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
};

int csv_reader_open(struct csv_reader *r, const char *path, struct rl_err *e);
/* The same over text in memory (copied), `name` for messages. */
int csv_reader_open_mem(struct csv_reader *r, const char *name, const char *text, size_t len,
			struct rl_err *e);
/* Next record into r->f[0..nf). Returns 1 with a record, 0 at end, <0 on error. */
int csv_reader_next(struct csv_reader *r, struct rl_err *e);
void csv_reader_close(struct csv_reader *r);

#endif
