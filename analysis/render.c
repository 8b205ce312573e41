/* render.c - see render.h. */
#define _GNU_SOURCE
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* ---- JSON ---- */

static void json_string(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	fputc('"', f);
	while (p < end) {
		unsigned c = *p;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc((int)c, f);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default: fprintf(f, "\\u%04x", c);
			}
			p++;
		} else if (c < 0x80) {
			fputc((int)c, f);
			p++;
		} else {
			/* a whole UTF-8 sequence (no overlong form, no surrogate), else U+FFFD */
			size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
			int ok = len > 0 && (size_t)(end - p) >= len;
			for (size_t k = 1; ok && k < len; k++)
				ok = (p[k] & 0xc0) == 0x80;
			if (ok && len == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
				ok = 0;
			if (ok && len == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
				ok = 0;
			if (!ok) {
				fputs("\\ufffd", f);
				p++;
			} else if (len == 3 && c == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
				fprintf(f, "\\u%04x", p[2] == 0xa8 ? 0x2028 : 0x2029);
				p += 3;
			} else {
				fwrite(p, 1, len, f);
				p += len;
			}
		}
	}
	fputc('"', f);
}

/* a number by JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number(const char *s)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

static void json_value(FILE *f, const struct csv_field *v)
{
	if (v->len == 0)
		fputs("null", f);
	else if (json_number(v->s))
		fputs(v->s, f);
	else
		json_string(f, v->s, v->len);
}

static int json_rows(FILE *f, const struct render_part *p, struct rl_err *e)
{
	struct csv_reader r;
	int rc = csv_reader_open_mem(&r, p->name, p->csv, p->len, e);
	if (rc != 0)
		return rc;
	rc = csv_reader_next(&r, e);
	size_t nh = rc == 1 ? r.nf : 0;
	if (rc < 0) {
		csv_reader_close(&r);
		return rc;
	}
	char **head = calloc(nh + 1, sizeof *head);
	int oom = !head;
	for (size_t i = 0; head && i < nh; i++)
		if (!(head[i] = strndup(r.f[i].s, r.f[i].len)))
			oom = 1;
	if (oom) {
		for (size_t i = 0; head && i < nh; i++)
			free(head[i]);
		free(head);
		csv_reader_close(&r);
		return rl_fail(e, RL_ESYS, "out of memory");
	}
	fputc('[', f);
	int first = 1;
	while ((rc = csv_reader_next(&r, e)) == 1) {
		fputs(first ? "\n    {" : ",\n    {", f);
		first = 0;
		for (size_t i = 0; i < r.nf && i < nh; i++) {
			if (i)
				fputs(", ", f);
			json_string(f, head[i], strlen(head[i]));
			fputs(": ", f);
			json_value(f, &r.f[i]);
		}
		fputc('}', f);
	}
	fputs(first ? "]" : "\n  ]", f);
	for (size_t i = 0; i < nh; i++)
		free(head[i]);
	free(head);
	csv_reader_close(&r);
	return rc < 0 ? rc : 0;
}

/* a .meta's key=value lines as an object; a key seen again becomes an array */
static void json_meta(FILE *f, const char *csv)
{
	char path[4200];
	snprintf(path, sizeof path, "%s.meta", csv);
	FILE *m = strcmp(csv, "-") == 0 ? NULL : fopen(path, "re");
	if (!m) {
		fputs("null", f);
		return;
	}
	char *line = NULL;
	size_t cap = 0, nkeys = 0, kcap = 0;
	struct kv { char *k; char **v; size_t n; } *kv = NULL;
	ssize_t got;
	while ((got = getline(&line, &cap, m)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *eq = strchr(line, '=');
		if (!eq || eq == line)
			continue;
		*eq = '\0';
		size_t i;
		for (i = 0; i < nkeys && strcmp(kv[i].k, line) != 0; i++)
			;
		if (i == nkeys) {
			if (nkeys == kcap) {
				size_t nc = kcap ? 2 * kcap : 32;
				struct kv *g = realloc(kv, nc * sizeof *g);
				if (!g)
					break;
				kv = g;
				kcap = nc;
			}
			kv[nkeys] = (struct kv){strdup(line), NULL, 0};
			if (!kv[nkeys].k)
				break;
			nkeys++;
		}
		char **v = realloc(kv[i].v, (kv[i].n + 1) * sizeof *v);
		if (!v)
			break;
		kv[i].v = v;
		if (!(v[kv[i].n] = strdup(eq + 1)))
			break;
		kv[i].n++;
	}
	free(line);
	fclose(m);
	fputc('{', f);
	for (size_t i = 0; i < nkeys; i++) {
		fputs(i ? ", " : "", f);
		json_string(f, kv[i].k, strlen(kv[i].k));
		fputs(": ", f);
		if (kv[i].n != 1)
			fputc('[', f);
		for (size_t j = 0; j < kv[i].n; j++) {
			fputs(j ? ", " : "", f);
			json_string(f, kv[i].v[j], strlen(kv[i].v[j]));
			free(kv[i].v[j]);
		}
		if (kv[i].n != 1)
			fputc(']', f);
		free(kv[i].v);
		free(kv[i].k);
	}
	fputc('}', f);
	free(kv);
}

int render_json(FILE *out, const struct render_part *parts, size_t n, const char *mode,
		const char *const *inputs, const char *const *side, size_t ninputs, uint64_t seed,
		unsigned reps, struct rl_err *e)
{
	fprintf(out, "{\n  \"schema_version\": %d,\n  \"context\": {\"mode\": ", RACESTAT_SCHEMA_VERSION);
	json_string(out, mode, strlen(mode));
	fprintf(out, ", \"seed\": %llu, \"bootstrap\": %u, \"inputs\": [", (unsigned long long)seed, reps);
	for (size_t i = 0; i < ninputs; i++) {
		fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", out);
		json_string(out, inputs[i], strlen(inputs[i]));
		if (side && side[i]) {
			fputs(", \"side\": ", out);
			json_string(out, side[i], strlen(side[i]));
		}
		fputs(", \"meta\": ", out);
		json_meta(out, inputs[i]);
		fputc('}', out);
	}
	fputs("]}", out);
	for (size_t k = 0; k < n; k++) {
		fputs(",\n  ", out);
		json_string(out, parts[k].name, strlen(parts[k].name));
		fputs(": ", out);
		int rc = json_rows(out, &parts[k], e);
		if (rc != 0)
			return rc;
	}
	fputs("\n}\n", out);
	return ferror(out) ? rl_fail(e, RL_ESYS, "stdout: write failed") : 0;
}

/* ---- tables ---- */

int render_table(FILE *out, enum out_format fmt, const struct render_part *p,
		 const char *const *cols, struct rl_err *e)
{
	struct csv_reader r;
	int rc = csv_reader_open_mem(&r, p->name, p->csv, p->len, e);
	if (rc != 0)
		return rc;
	/* two passes over the text: widths, then the rows */
	size_t nsel = 0, *sel = NULL, *w = NULL;
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		if (pass == 1) {
			csv_reader_close(&r);
			if ((rc = csv_reader_open_mem(&r, p->name, p->csv, p->len, e)) != 0)
				break;
		}
		int header = 1;
		while ((rc = csv_reader_next(&r, e)) == 1) {
			if (header && pass == 0) {
				sel = malloc((r.nf + 1) * sizeof *sel);
				w = calloc(r.nf + 1, sizeof *w);
				if (!sel || !w) {
					rc = rl_fail(e, RL_ESYS, "out of memory");
					break;
				}
				for (size_t i = 0; i < r.nf; i++) {
					int want = !cols;
					for (const char *const *c = cols; c && *c && !want; c++)
						want = strcmp(*c, r.f[i].s) == 0;
					if (want)
						sel[nsel++] = i;
				}
			}
			const char *sep = fmt == FMT_MARKDOWN ? " | " : "  ";
			if (pass == 1 && fmt == FMT_MARKDOWN)
				fputs("| ", out);
			for (size_t k = 0; k < nsel; k++) {
				const struct csv_field *v = sel[k] < r.nf ? &r.f[sel[k]] : NULL;
				size_t len = v ? v->len : 0;
				if (pass == 0) {
					if (len > w[k])
						w[k] = len;
				} else {
					fprintf(out, "%s%-*s", k ? sep : "", (int)w[k], v ? v->s : "");
				}
			}
			if (pass == 1) {
				fputs(fmt == FMT_MARKDOWN ? " |\n" : "\n", out);
				if (header && fmt == FMT_MARKDOWN) {
					fputc('|', out);
					for (size_t k = 0; k < nsel; k++) {
						for (size_t i = 0; i < w[k] + 2; i++)
							fputc('-', out);
						fputc('|', out);
					}
					fputc('\n', out);
				}
			}
			header = 0;
		}
		if (rc == 0 && header == 1 && pass == 0)
			break; /* no header: nothing to show */
	}
	free(sel);
	free(w);
	csv_reader_close(&r);
	return rc < 0 ? rc : 0;
}
