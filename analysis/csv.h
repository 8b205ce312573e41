/* csv.h - a streaming CSV reader: RFC 4180 quoting, CRLF or LF, any size. */
#ifndef RACESTAT_CSV_H
#define RACESTAT_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

struct csv_field {
	char *s;     /* NUL-terminated, unquoted, inside the reader's buffer */
	size_t len;
};

struct csv_reader {
	const char *path;
	int fd;
	char *buf;
	size_t cap, len, pos;  /* buffer [pos, len) is unread */
	int eof;
	unsigned long line;    /* physical line where the current record starts */
	unsigned long next_line;
	struct csv_field *f;
	size_t nf, fcap;
};

int csv_reader_open(struct csv_reader *r, const char *path, struct rl_err *e);
/* Next record into r->f[0..nf). Returns 1 with a record, 0 at end, <0 on error. */
int csv_reader_next(struct csv_reader *r, struct rl_err *e);
void csv_reader_close(struct csv_reader *r);

#endif
