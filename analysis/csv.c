/* csv.c - records are parsed in place in a growable buffer refilled from
 * the source: the file or pipe itself, or its gzip (zlib) or zstd stream,
 * told apart by their first bytes, not the name; a record never has to fit
 * anything but memory. Quoted fields may hold commas, doubled quotes and
 * newlines. */
#define _POSIX_C_SOURCE 200809L
#include "csv.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#if defined(RL_ISAL)
#include <isa-l/igzip_lib.h>
#endif

#define CHUNK (1u << 20)
#define ZIN (1u << 18) /* compressed bytes read at a time */

/* raw bytes from the descriptor; <0 on error */
static ssize_t raw_read(struct csv_reader *r, void *buf, size_t n)
{
	ssize_t k;
	do
		k = read(r->fd, buf, n);
	while (k < 0 && errno == EINTR);
	return k;
}

/* the compressed input buffer: the peeked bytes first, then reads */
static int zin_fill(struct csv_reader *r, struct rl_err *e)
{
	ssize_t k = raw_read(r, r->zin, ZIN);
	if (k < 0)
		return rl_fail(e, RL_EINPUT, "%s: read error: %s", r->path, strerror(errno));
	r->zin_len = (size_t)k;
	r->zin_pos = 0;
	r->raw_eof = k == 0;
	return 0;
}

#if defined(RL_ISAL)
static const char *isal_error(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK: return "invalid block";
	case ISAL_INVALID_SYMBOL: return "invalid symbol";
	case ISAL_INVALID_LOOKBACK: return "invalid distance";
	case ISAL_INVALID_WRAPPER: return "not a gzip header";
	case ISAL_UNSUPPORTED_METHOD: return "unknown method";
	case ISAL_INCORRECT_CHECKSUM: return "incorrect checksum";
	case ISAL_NEED_DICT: return "needs a dictionary";
	default: return "inflate error";
	}
}
#endif

/* up to n decompressed bytes into buf: >0 bytes, 0 at the stream's end,
   <0 on error (bad or truncated data named with the line reached) */
static long src_read(struct csv_reader *r, char *buf, size_t n, struct rl_err *e)
{
	if (r->kind == SRC_RAW) {
		if (r->zin_pos < r->zin_len) { /* the bytes peeked at to tell the kind */
			size_t k = r->zin_len - r->zin_pos < n ? r->zin_len - r->zin_pos : n;
			memcpy(buf, r->zin + r->zin_pos, k);
			r->zin_pos += k;
			return (long)k;
		}
		ssize_t k = raw_read(r, buf, n);
		if (k < 0)
			return rl_fail(e, RL_EINPUT, "%s: read error: %s", r->path, strerror(errno));
		return (long)k;
	}
	for (;;) {
		if (r->zin_pos == r->zin_len && !r->raw_eof && zin_fill(r, e) != 0)
			return RL_EINPUT;
		int more = r->zin_pos < r->zin_len;
		if (!more && r->stream_end)
			return 0; /* every member or frame ended, nothing after */
		size_t out = 0;
		if (r->kind == SRC_GZIP) {
#if defined(RL_ISAL)
			/* ISA-L: the gzip header parsed, the CRC-32 in the trailer
			   checked, as zlib does */
			struct inflate_state *z = r->gz;
			if (r->stream_end) { /* another gzip member follows */
				isal_inflate_reset(z);
				z->crc_flag = ISAL_GZIP;
				r->stream_end = 0;
			}
			z->next_in = (uint8_t *)r->zin + r->zin_pos;
			z->avail_in = (uint32_t)(r->zin_len - r->zin_pos);
			z->next_out = (uint8_t *)buf;
			z->avail_out = (uint32_t)(n > UINT32_MAX ? UINT32_MAX : n);
			int zr = isal_inflate(z);
			r->zin_pos = r->zin_len - z->avail_in;
			out = (size_t)((char *)z->next_out - buf);
			if (zr < 0 || zr == ISAL_NEED_DICT)
				return rl_fail(e, RL_EINPUT, "%s:%lu: the gzip data are corrupt (%s)", r->path,
					       r->next_line, isal_error(zr));
			if (z->block_state == ISAL_BLOCK_FINISH)
				r->stream_end = 1;
#else
			z_stream *z = r->gz;
			if (r->stream_end) { /* another gzip member follows */
				if (inflateReset(z) != Z_OK)
					return rl_fail(e, RL_ESYS, "%s: zlib failed", r->path);
				r->stream_end = 0;
			}
			z->next_in = (Bytef *)r->zin + r->zin_pos;
			z->avail_in = (uInt)(r->zin_len - r->zin_pos);
			z->next_out = (Bytef *)buf;
			z->avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
			int zr = inflate(z, Z_NO_FLUSH);
			r->zin_pos = r->zin_len - z->avail_in;
			out = (size_t)((char *)z->next_out - buf);
			if (zr == Z_STREAM_END)
				r->stream_end = 1;
			else if (zr != Z_OK && zr != Z_BUF_ERROR)
				return rl_fail(e, RL_EINPUT, "%s:%lu: the gzip data are corrupt (%s)", r->path,
					       r->next_line, z->msg ? z->msg : "zlib error");
#endif
		} else {
			ZSTD_inBuffer in = {r->zin, r->zin_len, r->zin_pos};
			ZSTD_outBuffer ob = {buf, n, 0};
			size_t zr = ZSTD_decompressStream(r->zs, &ob, &in);
			if (ZSTD_isError(zr))
				return rl_fail(e, RL_EINPUT, "%s:%lu: the zstd data are corrupt (%s)", r->path,
					       r->next_line, ZSTD_getErrorName(zr));
			r->zin_pos = in.pos;
			out = ob.pos;
			r->stream_end = zr == 0; /* a frame ended and all of it is out */
		}
		if (out > 0)
			return (long)out;
		if (!more && !r->stream_end) /* no input left and the decoder wants more */
			return rl_fail(e, RL_EINPUT, "%s:%lu: the %s data end early (truncated)", r->path,
				       r->next_line, r->kind == SRC_GZIP ? "gzip" : "zstd");
	}
}

int csv_reader_open(struct csv_reader *r, const char *path, struct rl_err *e)
{
	memset(r, 0, sizeof *r);
	r->path = path;
	r->fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return rl_fail(e, RL_EINPUT, "%s: cannot read: %s", path, strerror(errno));
	r->cap = CHUNK;
	r->buf = calloc(1, r->cap + 1 + CSV_SLACK);
	r->fcap = 32;
	r->f = malloc(r->fcap * sizeof *r->f);
	r->zin = malloc(ZIN);
	if (!r->buf || !r->f || !r->zin) {
		csv_reader_close(r);
		return rl_fail(e, RL_ESYS, "%s: out of memory", path);
	}
	/* the first bytes tell the kind; a pipe gives them back through zin */
	while (r->zin_len < 4 && !r->raw_eof) {
		ssize_t k = raw_read(r, r->zin + r->zin_len, 4 - r->zin_len);
		if (k < 0) {
			int err = errno;
			csv_reader_close(r);
			return rl_fail(e, RL_EINPUT, "%s: cannot read: %s", path, strerror(err));
		}
		r->zin_len += (size_t)k;
		r->raw_eof = k == 0;
	}
	const unsigned char *m = (const unsigned char *)r->zin;
	if (r->zin_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
		r->kind = SRC_GZIP;
#if defined(RL_ISAL)
		if (!(r->gz = calloc(1, sizeof(struct inflate_state)))) {
			csv_reader_close(r);
			return rl_fail(e, RL_ESYS, "%s: out of memory", path);
		}
		isal_inflate_init(r->gz);
		((struct inflate_state *)r->gz)->crc_flag = ISAL_GZIP;
#else
		if (!(r->gz = calloc(1, sizeof(z_stream))) || inflateInit2((z_stream *)r->gz, 15 + 16) != Z_OK) {
			free(r->gz);
			r->gz = NULL;
			csv_reader_close(r);
			return rl_fail(e, RL_ESYS, "%s: zlib failed to start", path);
		}
#endif
	} else if (r->zin_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
		r->kind = SRC_ZSTD;
		if (!(r->zs = ZSTD_createDStream())) {
			csv_reader_close(r);
			return rl_fail(e, RL_ESYS, "%s: zstd failed to start", path);
		}
	}
	r->next_line = 1;
	r->quote_at = r->cr_at = SIZE_MAX;
	return 0;
}

int csv_reader_open_mem(struct csv_reader *r, const char *name, const char *text, size_t len,
			struct rl_err *e)
{
	memset(r, 0, sizeof *r);
	r->path = name;
	r->fd = -1;
	r->cap = len + 1;
	r->buf = calloc(1, r->cap + 1 + CSV_SLACK);
	r->fcap = 32;
	r->f = malloc(r->fcap * sizeof *r->f);
	if (!r->buf || !r->f) {
		csv_reader_close(r);
		return rl_fail(e, RL_ESYS, "%s: out of memory", name);
	}
	memcpy(r->buf, text, len);
	r->len = len;
	r->eof = r->raw_eof = r->stream_end = 1;
	r->next_line = 1;
	r->quote_at = r->cr_at = SIZE_MAX;
	return 0;
}

void csv_reader_close(struct csv_reader *r)
{
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	r->fd = -1;
	if (r->gz) {
#if !defined(RL_ISAL)
		inflateEnd(r->gz);
#endif
		free(r->gz);
		r->gz = NULL;
	}
	ZSTD_freeDStream(r->zs);
	r->zs = NULL;
	free(r->zin);
	r->zin = NULL;
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
	r->quote_at = r->cr_at = SIZE_MAX; /* looked for again in what is read */
	if (r->len == r->cap) {
		size_t cap = r->cap * 2;
		char *b = realloc(r->buf, cap + 1 + CSV_SLACK);
		if (!b)
			return rl_fail(e, RL_ESYS, "%s: out of memory", r->path);
		memset(b + r->cap, 0, cap - r->cap + 1 + CSV_SLACK); /* every byte of it defined */
		r->buf = b;
		r->cap = cap;
	}
	long k = src_read(r, r->buf + r->len, r->cap - r->len, e);
	if (k < 0)
		return k;
	if (k == 0)
		r->eof = 1;
	r->len += (size_t)k;
	return k;
}

__attribute__((noinline)) static int grow_fields(struct csv_reader *r, struct rl_err *e)
{
	size_t cap = r->fcap * 2;
	struct csv_field *f = realloc(r->f, cap * sizeof *f);
	if (!f)
		return rl_fail(e, RL_ESYS, "%s: out of memory", r->path);
	r->f = f;
	r->fcap = cap;
	return 0;
}

/* called for every field of every row: inline, the growth out of line */
static inline __attribute__((always_inline)) int add_field(struct csv_reader *r, char *s, size_t len,
							   struct rl_err *e)
{
	if (r->nf == r->fcap && grow_fields(r, e) != 0)
		return RL_ESYS;
	s[len] = '\0';
	r->f[r->nf++] = (struct csv_field){s, len};
	return 0;
}

/* The next quote and carriage return at or after pos (offsets; len: none),
   looked for again only once pos has passed them: found once for many
   records. Returns the nearer of the two. */
static size_t specials_ahead(struct csv_reader *r)
{
	if (r->quote_at == SIZE_MAX || r->quote_at < r->pos) {
		const char *q = memchr(r->buf + r->pos, '"', r->len - r->pos);
		r->quote_at = q ? (size_t)(q - r->buf) : r->len;
	}
	if (r->cr_at == SIZE_MAX || r->cr_at < r->pos) {
		const char *c = memchr(r->buf + r->pos, '\r', r->len - r->pos);
		r->cr_at = c ? (size_t)(c - r->buf) : r->len;
	}
	return r->quote_at < r->cr_at ? r->quote_at : r->cr_at;
}

/* Find the end of the record at pos: the first LF outside quotes. Returns a
 * pointer to it (or to the buffer's end at EOF), NULL when more data is
 * needed; *quoted says whether the record holds a quote. */
static char *record_end(struct csv_reader *r, int *quoted)
{
	char *p = r->buf + r->pos, *end = r->buf + r->len;
	char *nl = memchr(p, '\n', (size_t)(end - p));
	specials_ahead(r);
	size_t stop = nl ? (size_t)(nl - r->buf) : r->len;
	char *q = r->quote_at < stop ? r->buf + r->quote_at : NULL;
	*quoted = q != NULL || r->cr_at < stop;
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

/* The common case in one pass: from pos, commas and the record's newline
   found together, 64 bytes at a time (four SSE2 compares of each), up to
   `limit` (the next quote or carriage return, or the buffer's end). Each
   comma becomes its field's NUL as it is found; a record that does not
   end before the limit gets its commas back. Returns 1 with the record
   split, 0 when it does not end before the limit (the caller then takes
   the general path from the same place), <0 on error. */
static int ensure_fields(struct csv_reader *r, size_t need, struct rl_err *e)
{
	while (r->fcap < need)
		if (grow_fields(r, e) != 0)
			return RL_ESYS;
	return 0;
}

static int scan_plain(struct csv_reader *r, size_t limit, struct rl_err *e)
{
	char *p = r->buf + r->pos, *end = r->buf + limit, *start = p;
	size_t nf = 0;
	struct csv_field *f;
#define SCAN_FIELD(c)                                                   \
	do {                                                            \
		f[nf++] = (struct csv_field){start, (size_t)((c) - start)}; \
		*(c) = '\0';                                            \
		start = (c) + 1;                                        \
	} while (0)
#if defined(__SSE2__)
	const __m128i commas = _mm_set1_epi8(','), nls = _mm_set1_epi8('\n');
	for (; p + 64 <= end; p += 64) {
		if (ensure_fields(r, nf + 65, e) != 0)
			return RL_ESYS;
		f = r->f;
		uint64_t mc = 0, mn = 0;
		for (int k = 0; k < 4; k++) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
			mc |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, commas)) << (16 * k);
			mn |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nls)) << (16 * k);
		}
		if (mn)
			mc &= (1ull << __builtin_ctzll(mn)) - 1; /* only the commas before it */
		while (mc) {
			char *c = p + __builtin_ctzll(mc);
			SCAN_FIELD(c);
			mc &= mc - 1;
		}
		if (mn) {
			p += __builtin_ctzll(mn);
			goto done;
		}
	}
#endif
	for (; p < end; p++) {
		if (*p == ',') {
			if (ensure_fields(r, nf + 2, e) != 0)
				return RL_ESYS;
			f = r->f;
			SCAN_FIELD(p);
		} else if (*p == '\n') {
			goto done;
		}
	}
	if (!(limit == r->len && r->eof)) {
		/* no end before the limit: the commas back, as if never looked at */
		f = r->f;
		for (size_t i = 0; i < nf; i++)
			f[i].s[f[i].len] = ',';
		return 0;
	}
	/* else the last record, with no newline: it ends at the buffer's end */
done:
	if (ensure_fields(r, nf + 1, e) != 0)
		return RL_ESYS;
	f = r->f;
	SCAN_FIELD(p); /* the newline, or the buffer's end, becomes the NUL */
#undef SCAN_FIELD
	r->nf = nf;
	r->plain = 1;
	r->pos = p < r->buf + r->len ? (size_t)(p - r->buf) + 1 : r->len;
	r->line = r->next_line++;
	return 1;
}

int csv_reader_next(struct csv_reader *r, struct rl_err *e)
{
	for (;;) {
		if (r->pos < r->len) {
			size_t lim = specials_ahead(r);
			int rc = scan_plain(r, lim, e);
			if (rc != 0)
				return rc;
			if (lim < r->len) {
				/* no newline before the quote or carriage return: the
				   record holds it, and the general splitter takes it */
				int quoted;
				char *rend = record_end(r, &quoted);
				if (rend) {
					size_t after = (size_t)(rend - r->buf) + (rend < r->buf + r->len);
					r->line = r->next_line;
					rc = split(r, rend, e);
					r->plain = 0;
					r->pos = after;
					return rc;
				}
			}
		} else if (r->eof) {
			return 0;
		}
		/* the record goes on past what is read (or nothing is left) */
		long k = fill(r, e);
		if (k < 0)
			return (int)k;
	}
}

const char *csv_reader_peek_plain(struct csv_reader *r, const char **lim)
{
	/* past len lie bytes of the buffer (zeros, or an earlier read's), which
	   may be read but never make a record: it must end before the limit */
	size_t room = r->cap + 1 + CSV_SLACK;
	if (r->pos >= r->len || r->pos + CSV_PEEK_AFTER >= room)
		return NULL;
	size_t end = specials_ahead(r), room_end = room - CSV_PEEK_AFTER;
	if (end > room_end)
		end = room_end;
	if (end <= r->pos)
		return NULL;
	*lim = r->buf + end;
	return r->buf + r->pos;
}

