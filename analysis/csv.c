/* csv.c - records are parsed in place in a growable buffer refilled with
 * read(); a record never has to fit anything but memory. Quoted fields may
 * hold commas, doubled quotes and newlines. */
#define _POSIX_C_SOURCE 200809L
#include "csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1u << 20)

int csv_reader_open(struct csv_reader *r, const char *path, struct rl_err *e)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	r->fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return rl_fail(e, RL_EINPUT, "%s: cannot read: %s", path, strerror(errno));
	r->cap = CHUNK;
	r->buf = malloc(r->cap + 1);
	r->fcap = 32;
	r->f = malloc(r->fcap * sizeof *r->f);
	if (!r->buf || !r->f) {
		csv_reader_close(r);
		return rl_fail(e, RL_ESYS, "%s: out of memory", path);
	}
	r->next_line = 1;
	return 0;
}

void csv_reader_close(struct csv_reader *r)
{
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	r->fd = -1;
	free(r->buf);
	free(r->f);
	r->buf = NULL;
	r->f = NULL;
}

/* Make room and read more; keeps [pos, len). Returns bytes read, 0 at EOF. */
static long fill(struct csv_reader *r, struct rl_err *e)
{
	if (r->eof)
		return 0;
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == r->cap) {
		size_t cap = r->cap * 2;
		char *b = realloc(r->buf, cap + 1);
		if (!b)
			return rl_fail(e, RL_ESYS, "%s: out of memory", r->path);
		r->buf = b;
		r->cap = cap;
	}
	ssize_t k;
	do
		k = read(r->fd, r->buf + r->len, r->cap - r->len);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return rl_fail(e, RL_EINPUT, "%s: read error: %s", r->path, strerror(errno));
	if (k == 0)
		r->eof = 1;
	r->len += (size_t)k;
	return k;
}

static int add_field(struct csv_reader *r, char *s, size_t len, struct rl_err *e)
{
	if (r->nf == r->fcap) {
		size_t cap = r->fcap * 2;
		struct csv_field *f = realloc(r->f, cap * sizeof *f);
		if (!f)
			return rl_fail(e, RL_ESYS, "%s: out of memory", r->path);
		r->f = f;
		r->fcap = cap;
	}
	s[len] = '\0';
	r->f[r->nf++] = (struct csv_field){s, len};
	return 0;
}

/* Find the end of the record at pos: the first LF outside quotes. Returns a
 * pointer to it (or to the buffer's end at EOF), NULL when more data is needed. */
static char *record_end(struct csv_reader *r)
{
	char *p = r->buf + r->pos, *end = r->buf + r->len;
	char *nl = memchr(p, '\n', (size_t)(end - p));
	char *q = memchr(p, '"', (size_t)((nl ? nl : end) - p));
	if (!q)
		return nl ? nl : r->eof ? end : NULL;
	int in = 0;
	for (; p < end; p++) {
		if (*p == '"')
			in = !in; /* a doubled quote toggles twice */
		else if (*p == '\n' && !in)
			return p;
	}
	return r->eof ? end : NULL;
}

/* Split the complete record [pos, rend) into fields, unquoting in place. */
static int split(struct csv_reader *r, char *rend, struct rl_err *e)
{
	char *p = r->buf + r->pos;
	unsigned long lines = 1;
	if (rend > p && rend[-1] == '\r')
		rend--; /* CRLF */
	r->nf = 0;
	for (;;) {
		char *start = p, *out = p;
		if (p < rend && *p == '"') {
			for (p++;; p++) {
				if (p >= rend)
					return rl_fail(e, RL_EINPUT, "%s:%lu: a quoted field is not closed",
						       r->path, r->line);
				if (*p == '"') {
					if (p + 1 < rend && p[1] == '"') {
						*out++ = '"';
						p++;
						continue;
					}
					p++;
					break;
				}
				if (*p == '\n')
					lines++;
				*out++ = *p;
			}
			if (p < rend && *p != ',')
				return rl_fail(e, RL_EINPUT, "%s:%lu: text after a closing quote",
					       r->path, r->line);
		} else {
			while (p < rend && *p != ',') {
				if (*p == '"' || *p == '\r')
					return rl_fail(e, RL_EINPUT, "%s:%lu: a stray %s in an unquoted field",
						       r->path, r->line, *p == '"' ? "quote" : "carriage return");
				p++;
			}
			out = p;
		}
		if (add_field(r, start, (size_t)(out - start), e) != 0)
			return RL_ESYS;
		if (p >= rend)
			break;
		p++; /* the comma */
	}
	r->next_line = r->line + lines;
	return 1;
}

int csv_reader_next(struct csv_reader *r, struct rl_err *e)
{
	for (;;) {
		char *rend = r->pos < r->len ? record_end(r) : NULL;
		if (rend) {
			size_t after = (size_t)(rend - r->buf) + (rend < r->buf + r->len);
			r->line = r->next_line;
			int rc = split(r, rend, e);
			r->pos = after;
			return rc;
		}
		if (r->pos == r->len && r->eof)
			return 0;
		long k = fill(r, e);
		if (k < 0)
			return (int)k;
	}
}
