/* live.c - the live view. See live.h. */
#define _GNU_SOURCE
#include "live.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "count.h"
#include "progress.h"
#include "../analysis/interval.h"

#define LIVE_KEEP 65536          /* finals kept per cell for its histogram */
#define FRAME_NS 200000000ull    /* at most five frames a second */
#define PANEL_MIN_W 36
#define PANEL_MIN_H 7

int live_init(struct live *v, const struct plan *plan, const sigset_t *signals, struct rl_err *e)
{
	memset(v, 0, sizeof *v);
	v->out = STDOUT_FILENO;
	v->in = -1;
	if (!isatty(v->out))
		return rl_fail(e, RL_EINPUT, "--live draws on a terminal, and standard output is none "
			       "(use -o FILE and run it in a terminal)");
	v->plan = plan;
	v->signals = signals;
	v->cells = calloc(plan->n_cells ? plan->n_cells : 1, sizeof *v->cells);
	if (!v->cells)
		return rl_fail(e, RL_ESYS, "out of memory");
	for (unsigned i = 0; i < plan->n_cells; i++) {
		const struct strategy *s = plan->cells[i].spec.strategy;
		unsigned k;
		for (k = 0; k < v->n_strategies && v->strategies[k] != s; k++)
			;
		if (k == v->n_strategies && k < sizeof v->strategies / sizeof *v->strategies)
			v->strategies[v->n_strategies++] = s;
	}
	v->total_work = progress_plan_work(plan);
	v->current = calloc(v->n_strategies ? v->n_strategies : 1, sizeof *v->current);
	if (!v->current)
		return rl_fail(e, RL_ESYS, "out of memory");
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	v->color = !(nc && *nc) && term && *term && strcmp(term, "dumb") != 0;
	/* the character type only: numbers in the CSV stay in the C locale */
	if (setlocale(LC_CTYPE, ""))
		v->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	setlocale(LC_CTYPE, "C");
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &v->saved) == 0) {
		struct termios t = v->saved;
		t.c_lflag &= (tcflag_t)~(ICANON | ECHO); /* ISIG stays: Ctrl-C is SIGINT */
		t.c_cc[VMIN] = 0;
		t.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
			v->in = STDIN_FILENO;
			v->raw = 1;
		}
	}
	v->t0 = now_ns();
	return 0;
}

/* ---- the frame ---- */

static void put(struct live *v, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		size_t room = v->cap - v->len;
		int n = vsnprintf(v->frame ? v->frame + v->len : NULL, v->frame ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (v->frame && (size_t)n < room) {
			v->len += (size_t)n;
			return;
		}
		size_t cap = (v->cap + (size_t)n + 1) * 2;
		char *f = realloc(v->frame, cap);
		if (!f)
			return;
		v->frame = f;
		v->cap = cap;
	}
}

static void color(struct live *v, const char *code)
{
	if (v->color)
		put(v, "\033[%sm", code);
}

static void short_count(uint64_t x, char *buf, size_t len)
{
	if (x >= 1000000000ull)
		snprintf(buf, len, "%.4gG", (double)x / 1e9);
	else if (x >= 1000000)
		snprintf(buf, len, "%.4gM", (double)x / 1e6);
	else if (x >= 10000)
		snprintf(buf, len, "%.4gk", (double)x / 1e3);
	else
		snprintf(buf, len, "%llu", (unsigned long long)x);
}

static const char *check_color(enum strategy_check c)
{
	return c == CHECK_AT_MOST ? "1;31" : c == CHECK_EXACT ? "1;32" : "1;34";
}

/* columns of text used so far on the current line, to pad panels */
static void pad_to(struct live *v, size_t line_start, unsigned col)
{
	/* count printable columns since line_start (escapes and UTF-8 tails excluded) */
	unsigned w = 0;
	for (size_t i = line_start; i < v->len; i++) {
		unsigned char ch = (unsigned char)v->frame[i];
		if (ch == 0x1b) {
			while (i < v->len && v->frame[i] != 'm')
				i++;
			continue;
		}
		if ((ch & 0xc0) != 0x80)
			w++;
	}
	while (w++ < col)
		put(v, " ");
}

struct hist {
	unsigned bins;
	uint64_t lo, hi, width;   /* bin b holds [lo + b width, lo + (b + 1) width) */
	uint64_t count[256];
	uint64_t top;
};

static void make_hist(const struct live_cell *c, uint64_t expected, unsigned bins, struct hist *h)
{
	memset(h, 0, sizeof *h);
	h->bins = bins > 256 ? 256 : bins < 1 ? 1 : bins;
	/* from the least value seen (at most half the expected one, so that a
	   cell that never loses shows its bar at the expected value's end) */
	h->lo = c->kept ? c->min : 0;
	if (h->lo > expected - expected / 2)
		h->lo = expected - expected / 2;
	h->hi = expected > c->max ? expected : c->max;
	uint64_t span = h->hi - h->lo + 1;
	h->width = (span + h->bins - 1) / h->bins;
	if (h->width == 0)
		h->width = 1;
	for (uint32_t i = 0; i < c->kept; i++) {
		uint64_t b = (c->finals[i] - h->lo) / h->width;
		if (b >= h->bins)
			b = h->bins - 1;
		if (++h->count[b] > h->top)
			h->top = h->count[b];
	}
}

/* one text row (r of rows, from the top) of the histogram's bars */
static void hist_row(struct live *v, const struct hist *h, unsigned r, unsigned rows, unsigned ebin,
		     const char *bar_color)
{
	static const char *const eighth[] = {" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585",
					     "\u2586", "\u2587", "\u2588"};
	unsigned level = rows - 1 - r; /* 0 at the bottom */
	const char *cur = NULL;
	for (unsigned b = 0; b < h->bins; b++) {
		/* the bar's height in eighths of a row */
		uint64_t e8 = h->top ? (h->count[b] * rows * 8 + h->top - 1) / h->top : 0;
		if (h->count[b] && e8 == 0)
			e8 = 1;
		uint64_t here = e8 > level * 8 ? e8 - level * 8 : 0;
		if (here > 8)
			here = 8;
		const char *want = b == ebin && here == 0 ? "2" : bar_color;
		if (v->color && want != cur) {
			put(v, "\033[0;%sm", want);
			cur = want;
		}
		if (here == 0)
			put(v, b == ebin ? (v->utf8 ? "\u2502" : "|") : " ");
		else if (v->utf8)
			put(v, "%s", eighth[here]);
		else
			put(v, here >= 4 ? "#" : ".");
	}
	if (v->color)
		put(v, "\033[0m");
}

static void panel_line(struct live *v, unsigned k, unsigned line, unsigned height, unsigned width)
{
	const struct strategy *s = v->strategies[k];
	unsigned ci = v->current[k];
	const struct plan_cell *pc = ci ? &v->plan->cells[ci - 1] : NULL;
	const struct live_cell *c = ci ? &v->cells[ci - 1] : NULL;
	unsigned bars = height - 5; /* title, bars, axis, three lines of numbers */
	char it[32], a[32], b[32];
	if (line == 0) {
		color(v, check_color(s->check));
		put(v, "%s", s->name);
		color(v, "0");
		if (pc) {
			count_format(pc->spec.iters, it, sizeof it);
			put(v, "  %u procs x %s", pc->spec.procs, it);
		}
		return;
	}
	if (!c || c->n == 0) {
		if (line == 1)
			put(v, "(waiting for its first trial)");
		return;
	}
	uint64_t expected = pc->spec.procs * pc->spec.iters;
	struct hist h;
	make_hist(c, expected, width - 1, &h);
	unsigned ebin = (unsigned)((expected - h.lo) / h.width);
	if (ebin >= h.bins)
		ebin = h.bins - 1;
	if (line <= bars) {
		hist_row(v, &h, line - 1, bars, ebin,
			 s->check == CHECK_AT_MOST ? "31" : s->check == CHECK_EXACT ? "32" : "34");
		return;
	}
	if (line == bars + 1) {
		short_count(h.lo, a, sizeof a);
		short_count(expected, b, sizeof b);
		size_t used = strlen(a) + strlen(b) + 9;
		put(v, "%s", a);
		for (size_t i = used; i < width; i++)
			put(v, " ");
		put(v, "expected %s", b);
		return;
	}
	double lo, hi;
	if (s->check == CHECK_UNTOUCHED) { /* private: nothing shared, so nothing to lose */
		if (line == bars + 2)
			put(v, "trials %llu", (unsigned long long)c->n);
		else if (line == bars + 3)
			put(v, "the parent's copy stays 0");
		else if (line == bars + 4)
			put(v, "each worker counts alone");
		return;
	}
	if (line == bars + 2) {
		put(v, "trials %llu", (unsigned long long)c->n);
		if (c->kept < c->n)
			put(v, " (histogram of %u)", c->kept);
		return;
	}
	if (line == bars + 3 && interval_wilson(c->lossy, c->n, &lo, &hi) == 0) {
		put(v, "P(loss) ");
		color(v, "1");
		put(v, "%.0f %%", 100.0 * (double)c->lossy / (double)c->n);
		color(v, "0");
		put(v, " [%.0f, %.0f]", 100.0 * lo, 100.0 * hi);
		return;
	}
	if (line == bars + 4) {
		put(v, "lost ");
		color(v, "1");
		put(v, "%.2f %%", 100.0 * c->share_sum / (double)c->n);
		color(v, "0");
		put(v, " of increments");
	}
}

static void draw(struct live *v, const struct plan_step *next)
{
	struct winsize ws;
	unsigned rows = 24, cols = 80;
	if (ioctl(v->out, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		rows = ws.ws_row;
		cols = ws.ws_col;
	}
	v->len = 0;
	if (rows != v->rows || cols != v->cols)
		put(v, "\033[2J"); /* a new size: start from a clean screen */
	v->rows = rows;
	v->cols = cols;
	put(v, "\033[H");
	unsigned n = v->n_strategies ? v->n_strategies : 1;
	unsigned pc = cols / PANEL_MIN_W;
	if (pc < 1)
		pc = 1;
	if (pc > n)
		pc = n;
	unsigned pr = (n + pc - 1) / pc;
	unsigned body = rows > 1 ? rows - 1 : 1; /* the last row is the status line's */
	unsigned height = body / pr;
	if (height < PANEL_MIN_H) { /* too many to draw: as many rows of panels as fit */
		pr = body / PANEL_MIN_H ? body / PANEL_MIN_H : 1;
		height = body / pr;
	}
	if (height > 30)
		height = 30;
	unsigned width = cols / pc - 2;
	unsigned shown = pr * pc < n ? pr * pc : n;
	for (unsigned prow = 0; prow < pr; prow++)
		for (unsigned line = 0; line < height; line++) {
			size_t start = v->len;
			for (unsigned k = prow * pc; k < (prow + 1) * pc && k < shown; k++) {
				pad_to(v, start, (k - prow * pc) * (width + 2));
				panel_line(v, k, line, height, width);
			}
			put(v, "\033[K\r\n");
		}
	/* the status line */
	uint64_t now = now_ns();
	double el = (double)(now - v->t0) / 1e9;
	char a[32], b[32], it[32];
	progress_times(el, v->total_work, v->done_work, a, b, sizeof a);
	put(v, "\033[J\033[%u;1H", rows); /* below the panels: cleared; the status at the foot */
	color(v, "7");
	size_t start = v->len;
	if (next) {
		const struct plan_cell *c = &v->plan->cells[next->cell];
		count_format(c->spec.iters, it, sizeof it);
		put(v, " next: %s, %u procs x %s, trial %llu", c->spec.strategy->name, c->spec.procs, it,
		    (unsigned long long)next->first);
	} else {
		put(v, v->stopped ? " stopped" : " done");
	}
	put(v, " | %s, %s left |%s q quit, space %s", a, b, shown < n ? " (more strategies than fit) |" : "",
	    v->paused ? "go on  PAUSED" : "pause");
	pad_to(v, start, cols > 1 ? cols - 1 : 1);
	color(v, "0");
	ssize_t off = 0;
	while ((size_t)off < v->len) {
		ssize_t k = write(v->out, v->frame + off, v->len - (size_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += k;
	}
	v->drawn = 1;
	v->last = now;
}

/* ---- the sink ---- */

static int live_row(void *self, const struct row *w, struct rl_err *e)
{
	struct live *v = self;
	unsigned ci = (unsigned)(w->cell - v->plan->cells);
	struct live_cell *c = &v->cells[ci];
	const struct trial_result *r = w->r;
	v->done_work += progress_trial_work(w->cell->spec.procs, w->cell->spec.iters);
	for (unsigned k = 0; k < v->n_strategies; k++)
		if (v->strategies[k] == w->cell->spec.strategy)
			v->current[k] = ci + 1;
	if (r->status != TRIAL_OK)
		return 0;
	if (!c->finals && !(c->finals = malloc(LIVE_KEEP * sizeof *c->finals)))
		return rl_fail(e, RL_ESYS, "out of memory");
	c->n++;
	c->lossy += r->final < r->expected;
	c->share_sum += r->expected ? (double)r->lost / (double)r->expected : 0.0;
	if (c->kept < LIVE_KEEP) {
		c->finals[c->kept++] = r->final;
		if (c->kept == 1 || r->final < c->min)
			c->min = r->final;
		if (c->kept == 1 || r->final > c->max)
			c->max = r->final;
	}
	return 0;
}

/* a key, if one was typed: 0 none */
static int key(struct live *v, int wait_ms)
{
	if (v->in < 0)
		return 0;
	struct pollfd p = {v->in, POLLIN, 0};
	if (poll(&p, 1, wait_ms) <= 0)
		return 0;
	char ch;
	return read(v->in, &ch, 1) == 1 ? (unsigned char)ch : 0;
}

static int signal_pending(const struct live *v)
{
	sigset_t p;
	if (!v->signals || sigpending(&p) != 0)
		return 0;
	for (int s = 1; s < NSIG; s++)
		if (sigismember(v->signals, s) == 1 && sigismember(&p, s) == 1)
			return 1;
	return 0;
}

static int live_between(void *self, const struct plan *plan, const struct plan_step *next,
			struct rl_err *e)
{
	(void)plan;
	(void)e;
	struct live *v = self;
	int k;
	while ((k = key(v, 0)) != 0) {
		if (k == 'q' || k == 'Q')
			return v->stopped = 1, SINK_STOP;
		if (k == ' ')
			v->paused = 1;
	}
	if (!v->drawn || now_ns() - v->last >= FRAME_NS || v->paused)
		draw(v, next);
	while (v->paused) {
		/* a pause ends with a key, or a signal the sweep must see */
		k = key(v, 200);
		if (k == 'q' || k == 'Q')
			return v->stopped = 1, SINK_STOP;
		if (k != 0 || signal_pending(v)) {
			v->paused = 0;
			draw(v, next);
		}
	}
	return SINK_GO;
}

static int live_close(void *self, int status, struct rl_err *e)
{
	(void)status;
	(void)e;
	struct live *v = self;
	draw(v, NULL);
	const char *end = v->color ? "\033[0m\r\n" : "\r\n";
	ssize_t ignored = write(v->out, end, strlen(end));
	(void)ignored;
	if (v->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &v->saved);
	v->raw = 0;
	for (unsigned i = 0; i < v->plan->n_cells; i++)
		free(v->cells[i].finals);
	free(v->cells);
	free(v->current);
	free(v->frame);
	v->cells = NULL;
	v->current = NULL;
	v->frame = NULL;
	return 0;
}

struct sink live_as_sink(struct live *v)
{
	return (struct sink){v, live_row, live_between, live_close};
}
