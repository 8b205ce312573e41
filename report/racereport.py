#!/usr/bin/python3
"""racereport.py - figures (gnuplot), report.html and slides.pdf from racestat.

Run by `make report` with Debian's /usr/bin/python3 (python3-matplotlib) and
MPLBACKEND=Agg. Every number in a caption, the report or a slide is computed
here from the data files; nothing measured is typed in.

usage: racereport.py --trials CSV --stats DIR --experiment FILE
                     [--shm CSV] --out DIR
"""
import argparse
import base64
import csv
import html
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# one colour per strategy, the same in every figure and slide
STRATEGY_COLORS = {
    "plain": "#d62728", "atomic": "#1f77b4", "mutex": "#2ca02c", "private": "#7f7f7f",
    "sem": "#9467bd", "spin": "#8c564b", "atomic-relaxed": "#17becf",
    "plain-hoisted": "#ff7f0e", "sharded": "#bcbd22", "false-shared": "#e377c2",
}
EXTRA_COLORS = ["#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]
# procs levels: cool (few) to hot (many)
PROCS_COLORS = ["#4575b4", "#74add1", "#fdae61", "#f46d43", "#d73027", "#a50026",
                "#67001f", "#313695"]


class ReportError(Exception):
    pass


def die(msg):
    print("racereport: " + msg, file=sys.stderr)
    sys.exit(1)


def num(v):
    """A CSV field as a number; None when empty."""
    if v is None or v == "":
        return None
    x = float(v)
    if not math.isfinite(x):
        raise ReportError("a non-finite number in the data: %r" % v)
    return x


def read_csv(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        raise ReportError("%s: %s" % (path, e.strerror))


def read_meta(path):
    meta = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    meta[k] = v
    return meta


def pct(x, digits=0):
    if x is None:
        raise ReportError("a missing value reached a caption")
    return "%.*f %%" % (digits, 100.0 * x)


def fmt_count(v):
    v = int(v)
    if v >= 1000 and v % 10 == 0:
        e = 0
        m = v
        while m % 10 == 0:
            m //= 10
            e += 1
        if m == 1:
            return "10^%d" % e
        return "%de%d" % (m, e)
    return str(v)


def fmt_int(v):
    """A measured integer in prose: 1,181,738."""
    return "{:,}".format(int(round(v)))


def fmt_count_html(v):
    s = fmt_count(v)
    if s.startswith("10^"):
        return "10<sup>%s</sup>" % s[3:]
    return s


def fmt_ns(x):
    if x is None:
        raise ReportError("a missing value reached a caption")
    return ("%.1f" % x) if x < 100 else ("%.0f" % x)


class Data:
    """racestat's outputs and the trials, with lookups by factor values."""

    def __init__(self, args):
        self.all_summary = read_csv(os.path.join(args.stats, "summary.csv"))
        if not self.all_summary:
            raise ReportError("summary.csv has no cells")
        self.all_trials = read_csv(args.trials)
        self.meta = read_meta(args.trials + ".meta")
        self.experiment_text = open(args.experiment).read() if args.experiment else ""
        self.shm = read_csv(args.shm) if args.shm and os.path.exists(args.shm) else None
        # The main figures show one experiment (default, if the run has several)
        # at one value of every other factor (the first the sweep ran): the
        # lesson figures show the rest.
        header = list(self.all_summary[0].keys())
        self.factors = header[:header.index("n")]
        exps = []
        for r in self.all_summary:
            if r.get("experiment") not in exps:
                exps.append(r.get("experiment"))
        self.experiments = exps
        main = "default" if "default" in exps else exps[0]
        first = next(r for r in self.all_summary if r.get("experiment") == main)
        self.base = {f: first[f] for f in self.factors
                     if f not in ("strategy", "procs", "iters")}
        self.summary = [r for r in self.all_summary if self.is_base(r)]
        self.hist = [r for r in read_csv(os.path.join(args.stats, "hist.csv")) if self.is_base(r)]
        self.compare = [r for r in read_csv(os.path.join(args.stats, "compare.csv")) if self.is_base(r)]
        self.trials = [t for t in self.all_trials if self.is_base(t)]
        self.strategies = []
        for r in self.summary:
            if r["strategy"] not in self.strategies:
                self.strategies.append(r["strategy"])
        self.procs = sorted({int(r["procs"]) for r in self.summary})
        self.iters = sorted({int(r["iters"]) for r in self.summary})
        self.iters_fixed = self.iters[-1]
        self.color = {}
        extra = iter(EXTRA_COLORS * 4)
        for s in self.strategies:
            self.color[s] = STRATEGY_COLORS.get(s) or next(extra)
        self.procs_color = {p: PROCS_COLORS[i % len(PROCS_COLORS)] for i, p in enumerate(self.procs)}

    def color_of(self, s):
        return self.color.get(s) or STRATEGY_COLORS.get(s) or EXTRA_COLORS[0]

    def is_base(self, row):
        return all(row.get(f, v) == v for f, v in self.base.items())

    def cell(self, strategy, procs, iters):
        for r in self.summary:
            if r["strategy"] == strategy and int(r["procs"]) == procs and int(r["iters"]) == iters:
                return r
        return None

    def cells(self, strategy):
        return [r for r in self.summary if r["strategy"] == strategy]

    def has(self, strategy):
        return strategy in self.strategies

    def total(self, strategy, field):
        return sum(int(r[field]) for r in self.cells(strategy))


# ---------------------------------------------------------------- figures --

def gp_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def gnuplot(script, out, fmt, size, defs):
    d = dict(defs)
    d.update(OUT=gp_str(out), FMT=gp_str(fmt), W=str(size[0]), H=str(size[1]))
    expr = "; ".join("%s = %s" % kv for kv in d.items())
    p = subprocess.run(["gnuplot", "-e", expr, os.path.join("report", "fig", script)],
                       cwd=ROOT, capture_output=True, text=True)
    # gnuplot prints warnings on stderr: a figure that warns is not trusted,
    # except for a flat range (say, nothing lost anywhere), which it widens itself
    warnings = [l for l in p.stderr.splitlines()
                if l.strip() and not re.search(r"Warning: empty [xyz]2? range", l)]
    if p.returncode != 0 or warnings:
        raise ReportError("gnuplot %s: %s" % (script, p.stderr.strip() or "failed"))
    if not os.path.exists(out) or os.path.getsize(out) == 0:
        raise ReportError("gnuplot %s wrote no %s" % (script, out))


def cost_figure(data):
    """ns per increment against procs, one line per strategy, drawn like a
    lesson from prepared series (gnuplot breaks a line at every row it
    filters out of summary.csv)."""
    rows = [r for r in data.summary if int(r["iters"]) == data.iters_fixed]
    series = [(st, data.color[st], 1,
               [(int(r["procs"]), num(r["ns_per_inc"]), num(r["ns_per_inc"]), num(r["ns_per_inc"]))
                for r in sorted((r for r in rows if r["strategy"] == st), key=lambda r: int(r["procs"]))])
              for st in data.strategies]
    return dict(name="cost", title="The cost of correctness (%s increments per worker)"
                % fmt_count(data.iters_fixed),
                xlabel="worker processes", ylabel="ns per increment (median, log scale)",
                logx=False, logy=True, xtics=None, int_x=True, series=series)


def draw_figures(data, args, figdir):
    os.makedirs(figdir, exist_ok=True)
    procs_words = " ".join(str(p) for p in data.procs)
    controls = [s for s in ("atomic", "mutex", "private") if data.has(s)]
    viol = {s: data.total(s, "violations") for s in controls}
    # the main figures' rows, as gnuplot reads them
    for name, rows in (("summary-main.csv", data.summary), ("hist-main.csv", data.hist)):
        with open(os.path.join(figdir, name), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()) if rows else ["none"])
            w.writeheader()
            w.writerows(rows)
    common = {
        "SUMMARY": gp_str(os.path.abspath(os.path.join(figdir, "summary-main.csv"))),
        "HIST": gp_str(os.path.abspath(os.path.join(figdir, "hist-main.csv"))),
        "PROCS": gp_str(procs_words),
        "PROCS_COLORS": gp_str(" ".join(data.procs_color[p] for p in data.procs)),
        "CONTROLS": gp_str(" ".join(controls)),
        "CONTROL_COLORS": gp_str(" ".join(data.color[s] for s in controls)),
        "CONTROLS_TITLE": gp_str("Controls: violations " + ", ".join(
            "%s %d" % (s, viol[s]) for s in controls)),
        "ITERS_FIXED": str(data.iters_fixed),
        "ITERS_LABEL": gp_str(fmt_count(data.iters_fixed)),
        "NTRIALS": gp_str(str(int(data.summary[0]["n"]))),
    }
    for s in data.strategies:
        common["COL_" + s.replace("-", "_")] = gp_str(data.color[s])
    # overlap against loss, one row per plain trial, prepared here so that the
    # figure works for CSVs with or without the later columns
    xcol = "overlap_pair" if data.trials and "overlap_pair" in data.trials[0] else "overlap"
    odata = os.path.join(figdir, "overlap-data.csv")
    with open(odata, "w") as fh:
        fh.write("procs,overlap,lost_frac\n")
        for t in data.trials:
            if t["strategy"] == "plain" and t.get("status", "ok") == "ok":
                fh.write("%s,%s,%.9g\n" % (t["procs"], t[xcol], lost_of(t) / int(t["expected"])))
    common["OVERLAP_DATA"] = gp_str(os.path.abspath(odata))
    common["OVERLAP_LABEL"] = gp_str(
        "share of the trial with at least two workers incrementing" if xcol == "overlap_pair"
        else "share of the trial with all workers incrementing (overlap)")
    figs = []
    plan = [("hist_plain", (1400, 480), data.has("plain")),
            ("lost_frac", (1000, 600), data.has("plain")),
            ("p_loss", (1000, 600), data.has("plain")),
            ("overlap", (1000, 600), data.has("plain")),
            ("cost", None, True),
            ("controls", (1000, 600), bool(controls))]
    for name, size, wanted in plan:
        if not wanted:
            continue
        if name == "cost":
            draw_lessons(data, figdir, [cost_figure(data)])
            figs.append(name)
            continue
        for fmt in ("png", "svg"):
            gnuplot(name + ".gp", os.path.join(figdir, "%s.%s" % (name, fmt)), fmt, size, common)
        figs.append(name)
    return figs


# ---------------------------------------------------------------- lessons --

LOCKS = ("atomic", "atomic-relaxed", "mutex", "sem", "spin")


def lesson_rows(d, test):
    """The summary rows of the first experiment whose rows pass `test`."""
    for exp in d.experiments:
        rows = [r for r in d.all_summary if r.get("experiment") == exp]
        if test(rows):
            return rows
    return None


def levels(rows, col):
    out = []
    for r in rows:
        if r[col] not in out:
            out.append(r[col])
    return out


def lessons(d):
    """Figures for the later lessons, each where the data holds it: a dict with
    title, caption, axes and series [(label, color, dash, [(x, y, lo, hi)])]."""
    out = []
    # the compiler: plain against plain-hoisted
    rows = lesson_rows(d, lambda rs: {"plain", "plain-hoisted"} <= set(levels(rs, "strategy")))
    if rows:
        series, facts = [], []
        for s in ("plain", "plain-hoisted"):
            for k, p in enumerate(sorted({int(r["procs"]) for r in rows})):
                pts = sorted((int(r["iters"]), num(r["p_loss"]), num(r["p_loss_lo"]), num(r["p_loss_hi"]))
                             for r in rows if r["strategy"] == s and int(r["procs"]) == p)
                series.append(("%s, %d procs" % (s, p), d.color_of(s), 1 + k, pts))
        big = max(int(r["iters"]) for r in rows)
        for s in ("plain", "plain-hoisted"):
            rs = [r for r in rows if r["strategy"] == s and int(r["iters"]) == big]
            n = sum(int(r["n"]) for r in rs)
            lossy = sum(round(num(r["p_loss"]) * int(r["n"])) for r in rs)
            facts.append("<i>%s</i> lost updates in %d of %d trials at %s iterations" % (s, lossy, n, fmt_count_html(big)))
        out.append(dict(name="compiler", title="The compiler changes the race",
                        xlabel="increments per worker", ylabel="P(a trial loses an update)",
                        logx=True, logy=False, xtics=None, series=series,
                        caption="plain (a volatile load, add and store per increment) against "
                        "plain-hoisted (the same C through an ordinary pointer, which gcc -O2 folds "
                        "into one load, one add of iters and one store), with 95 %% Wilson intervals: "
                        "%s. Folded, a worker's increments survive or vanish together, and the "
                        "window for a race shrinks to a few instructions." % "; ".join(facts)))
    # pinning
    rows = lesson_rows(d, lambda rs: len(levels(rs, "pin")) > 1 if rs and "pin" in rs[0] else False)
    if rows:
        rows = [r for r in rows if r["strategy"] == "plain"] or rows
        big = max(int(r["iters"]) for r in rows)
        pins = levels(rows, "pin")
        series, facts = [], []
        for k, p in enumerate(sorted({int(r["procs"]) for r in rows})):
            pts = []
            for i, pin in enumerate(pins, 1):
                r = next((r for r in rows if r["pin"] == pin and int(r["procs"]) == p
                          and int(r["iters"]) == big), None)
                if r:
                    pts.append((i, num(r["lost_frac_mean"]), num(r["lost_frac_lo"]), num(r["lost_frac_hi"])))
                    facts.append("%s with %d: %s" % (pin, p, pct(num(r["lost_frac_mean"]))))
            series.append(("%d processes" % p, PROCS_COLORS[(k + 1) % len(PROCS_COLORS)], 1, pts))
        out.append(dict(name="pinning", title="Where the workers run",
                        xlabel="placement of the workers", ylabel="mean share of increments lost",
                        logx=False, logy=False, xtics=pins, series=series,
                        caption="Mean share of increments lost by <i>%s</i> at %s iterations, by "
                        "placement, with 95 %% t intervals: %s. On one core (same) workers race only "
                        "when one is preempted between its load and its store."
                        % (rows[0]["strategy"], fmt_count_html(big), "; ".join(facts))))
    # threads against processes
    rows = lesson_rows(d, lambda rs: len(levels(rs, "workers")) > 1 if rs and "workers" in rs[0] else False)
    if rows:
        rows = [r for r in rows if r["strategy"] == "plain"] or rows
        big = max(int(r["iters"]) for r in rows)
        series, facts = [], []
        for k, w in enumerate(levels(rows, "workers")):
            rs = sorted((r for r in rows if r["workers"] == w and int(r["iters"]) == big),
                        key=lambda r: int(r["procs"]))
            series.append((w, ["#d62728", "#9467bd"][k % 2], 1 + k,
                           [(int(r["procs"]), num(r["lost_frac_mean"]), num(r["lost_frac_lo"]),
                             num(r["lost_frac_hi"])) for r in rs]))
            if rs:
                facts.append("%s with %d: %s" % (w, int(rs[-1]["procs"]), pct(num(rs[-1]["lost_frac_mean"]))))
        out.append(dict(name="threads", title="Threads race like processes",
                        xlabel="workers", ylabel="mean share of increments lost",
                        logx=False, logy=False, xtics=None, int_x=True, series=series,
                        caption="Mean share of increments lost by <i>plain</i> at %s iterations, "
                        "worker processes sharing a MAP_SHARED region against threads sharing one "
                        "address space, with 95 %% t intervals: %s." % (fmt_count_html(big), "; ".join(facts))))
    # locks compared, and sharding: cost per increment against workers
    for name, title, want, cap in (
            ("locks", "The ways to be exact, compared", lambda ss: len(set(ss) & set(LOCKS)) >= 3,
             "Median nanoseconds per increment of every exact strategy against the number of "
             "workers, at %s iterations (log scale): %s."),
            ("sharding", "Counting without sharing", lambda ss: "sharded" in ss,
             "Median nanoseconds per increment at %s iterations (log scale): sharded counters in "
             "their own cache lines against the same counters packed into one line "
             "(false-shared), plain and atomic: %s.")):
        rows = lesson_rows(d, lambda rs: want(levels(rs, "strategy")))
        if not rows:
            continue
        big = max(int(r["iters"]) for r in rows)
        pmax = max(int(r["procs"]) for r in rows)
        series, facts = [], []
        for s in levels(rows, "strategy"):
            rs = sorted((r for r in rows if r["strategy"] == s and int(r["iters"]) == big),
                        key=lambda r: int(r["procs"]))
            series.append((s, d.color_of(s), 1, [(int(r["procs"]), num(r["ns_per_inc"]),
                                                  num(r["ns_per_inc"]), num(r["ns_per_inc"])) for r in rs]))
            last = [r for r in rs if int(r["procs"]) == pmax]
            if last:
                facts.append("%s %s ns" % (s, fmt_ns(num(last[0]["ns_per_inc"]))))
        out.append(dict(name=name, title=title, xlabel="workers", ylabel="ns per increment (median)",
                        logx=False, logy=True, xtics=None, int_x=True, series=series,
                        caption=cap % (fmt_count_html(big), "with %d workers, " % pmax + ", ".join(facts))))
    return out


def draw_lessons(d, figdir, ls):
    for l in ls:
        path = os.path.join(figdir, "lesson-%s.csv" % l["name"])
        with open(path, "w") as fh:
            fh.write("series,x,y,lo,hi\n")
            for i, (_, _, _, pts) in enumerate(l["series"], 1):
                for x, y, lo, hi in pts:
                    if None not in (y, lo, hi):
                        fh.write("%d,%s,%.9g,%.9g,%.9g\n" % (i, x, y, lo, hi))
        defs = {"DATA": gp_str(os.path.abspath(path)), "TITLE": gp_str(l["title"]),
                "XLABEL": gp_str(l["xlabel"]), "YLABEL": gp_str(l["ylabel"]),
                "LOGX": "1" if l["logx"] else "0", "LOGY": "1" if l["logy"] else "0",
                "XTICS": gp_str(", ".join('\"%s\" %d' % (t, i) for i, t in enumerate(l["xtics"], 1))
                                if l["xtics"] else ""),
                "XMAX": str(len(l["xtics"]) if l["xtics"] else 0),
                # integer x (workers): a tic at each value, none between
                "NUMTICS": gp_str(", ".join(str(x) for x in sorted({p[0] for _, _, _, pts in l["series"] for p in pts}))
                                  if l.get("int_x") else ""),
                "NS": str(len(l["series"])),
                "COLORS": gp_str(" ".join(c for _, c, _, _ in l["series"])),
                "DASHES": gp_str(" ".join(str(k) for _, _, k, _ in l["series"]))}
        for i, (label, _, _, _) in enumerate(l["series"], 1):
            defs["T%d" % i] = gp_str(label)
        for fmt in ("png", "svg"):
            gnuplot("lesson.gp", os.path.join(figdir, "%s.%s" % (l["name"], fmt)), fmt, (1100, 600), defs)


# --------------------------------------------------------------- captions --

def lost_of(t):
    return int(t["expected"]) - int(t["final"])


def overlap_of(t):
    """When a lost update was possible: at least two workers at once."""
    return float(t.get("overlap_pair") or t["overlap"])


class Facts:
    """The numbers the captions, drills and slides quote, computed once."""

    def __init__(self, d):
        self.d = d
        I = d.iters_fixed
        self.I = I
        self.pmax = d.procs[-1]
        self.p2 = 2 if 2 in d.procs else (d.procs[1] if len(d.procs) > 1 else d.procs[0])
        self.n_trials = len(d.all_trials)
        # overlap: plain trials with several workers
        plain = [t for t in d.trials if t["strategy"] == "plain" and t.get("status", "ok") == "ok"
                 and int(t["procs"]) > 1]
        self.multi = len(plain)
        self.no_overlap = [t for t in plain if overlap_of(t) == 0.0]
        self.no_overlap_lossy = sum(1 for t in self.no_overlap if lost_of(t) > 0)
        lossy = [t for t in plain if lost_of(t) > 0]
        self.lossy = len(lossy)
        self.lossy_overlap = (sum(overlap_of(t) for t in lossy) / len(lossy)
                              if lossy else None)
        self.controls = {}
        for s in ("atomic", "mutex", "private"):
            if d.has(s):
                self.controls[s] = (d.total(s, "n"), d.total(s, "violations"))

    def cost(self, strategy, procs):
        c = self.d.cell(strategy, procs, self.I)
        return num(c["ns_per_inc"]) if c else None


def captions(d, f):
    c = {}
    I, pm, p2 = f.I, f.pmax, f.p2
    if d.has("plain"):
        hi = d.cell("plain", pm, I)
        lo = d.cell("plain", p2, I)
        c["hist_plain"] = (
            "Final counter values of <i>plain</i> at %s increments per worker, one panel per "
            "process count; the dashed line is the expected value. With %d processes the final "
            "value ranged from %s to %s (median %s) against %s expected; %d of %d trials lost "
            "updates." % (fmt_count_html(I), pm, fmt_int(num(hi["final_min"])),
                           fmt_int(num(hi["final_max"])), fmt_int(num(hi["final_median"])),
                           fmt_int(num(hi["expected"])),
                           round(num(hi["p_loss"]) * int(hi["n"])), int(hi["n"])))
        c["lost_frac"] = (
            "Mean share of increments lost by <i>plain</i>, with 95 %% Student-t intervals. "
            "With %d processes and %s iterations, %s of trials lost updates, %s of increments "
            "on average (95 %% CI %s to %s); with %d processes, %s on average."
            % (pm, fmt_count_html(I), pct(num(hi["p_loss"])), pct(num(hi["lost_frac_mean"])),
               pct(num(hi["lost_frac_lo"])), pct(num(hi["lost_frac_hi"])), p2,
               pct(num(lo["lost_frac_mean"]))))
        small = d.cell("plain", pm, d.iters[0])
        c["p_loss"] = (
            "Share of <i>plain</i> trials that lost at least one update, with 95 %% Wilson "
            "intervals. With %d processes: %s at %s iterations (upper bound %s), %s at %s."
            % (pm, pct(num(small["p_loss"])), fmt_count_html(d.iters[0]),
               pct(num(small["p_loss_upper"]), 1), pct(num(hi["p_loss"])), fmt_count_html(I)))
        c["overlap"] = (
            "One point per <i>plain</i> trial with more than one worker (%d trials): the share of "
            "the trial during which at least two workers were incrementing, against the share of "
            "increments lost. %d trials had no overlap at all, and %d of those lost an update; "
            "the %d trials that lost updates overlapped %s of their time on average."
            % (f.multi, len(f.no_overlap), f.no_overlap_lossy, f.lossy,
               pct(f.lossy_overlap) if f.lossy_overlap is not None else "none of"))
    parts = []
    for s in d.strategies:
        v = f.cost(s, pm)
        if v is not None:
            parts.append("%s %s ns" % (s, fmt_ns(v)))
    c["cost"] = ("Median nanoseconds per increment at %s iterations per worker. With %d "
                 "processes: %s." % (fmt_count_html(I), pm, ", ".join(parts)))
    ctl = []
    for s, (n, v) in f.controls.items():
        what = "final == expected" if s != "private" else "the parent still read 0"
        ctl.append("<i>%s</i>: %s in %d of %d trials" % (s, what, n - v, n))
    c["controls"] = ("The controls, final / expected per cell (mean, with min and max): "
                     + "; ".join(ctl) + ".")
    return c


def drills(d, f):
    out = []
    # drill 1
    if d.has("plain"):
        it = max([i for i in d.iters if i <= 100000] or d.iters)
        r = d.cell("plain", f.p2, it)
        out.append(("Drill 1: replace atomic_fetch_add with (*counter)++ and look at the distribution",
                    "With %d processes incrementing %s times each (%s trials), the final value ranged "
                    "from %s to %s (median %s) instead of %s; %s of trials lost updates "
                    "(95 %% Wilson interval %s to %s), %s of all increments on average. Figure 1 "
                    "shows the distribution at %s iterations."
                    % (f.p2, fmt_count_html(it), r["n"], fmt_int(num(r["final_min"])),
                       fmt_int(num(r["final_max"])), fmt_int(num(r["final_median"])),
                       fmt_int(num(r["expected"])), pct(num(r["p_loss"])),
                       pct(num(r["p_loss_lo"])), pct(num(r["p_loss_hi"])),
                       pct(num(r["lost_frac_mean"]), 1), fmt_count_html(f.I))))
    else:
        out.append(("Drill 1", "This experiment did not run the plain strategy."))
    # drill 2
    if d.has("mutex"):
        n, v = f.controls["mutex"]
        txt = ("The process-shared mutex (PTHREAD_PROCESS_SHARED, in the region, initialised once "
               "by the creator) gave final == expected in %d of %d trials (%d violations)."
               % (n - v, n, v))
        if d.has("atomic"):
            ma, aa = f.cost("mutex", f.p2), f.cost("atomic", f.p2)
            mm, am = f.cost("mutex", f.pmax), f.cost("atomic", f.pmax)
            if None not in (ma, aa, mm, am):
                txt += (" It is not free: with %d processes one locked increment took %s ns "
                        "against %s ns for atomic_fetch_add (%.1f&times;), and with %d processes "
                        "%s ns against %s ns (%.1f&times;)."
                        % (f.p2, fmt_ns(ma), fmt_ns(aa), ma / aa, f.pmax, fmt_ns(mm), fmt_ns(am),
                           mm / am))
        out.append(("Drill 2: a process-shared pthread_mutex_t inside the region", txt))
    else:
        out.append(("Drill 2", "This experiment did not run the mutex strategy."))
    # drill 3
    if d.shm:
        ok = [t for t in d.shm if t.get("status") == "ok"]
        vis = sum(1 for t in ok if t.get("shm_visible") == "1")
        gone = sum(1 for t in ok if t.get("shm_gone") == "1")
        exact = sum(1 for t in ok if t["final"] == t["expected"])
        out.append(("Drill 3: a named segment (shm_open) in /dev/shm",
                    "In %d trials with <code>--region shm</code>, each worker opened the segment "
                    "<code>/racelab-&lt;pid&gt;-&lt;random&gt;</code> by name and mapped it at "
                    "its own address (the region holds offsets, never pointers). The segment "
                    "was listed in /dev/shm while attached in %d of them and gone after "
                    "shm_unlink in %d; the atomic counter was exact in %d. racelab unlinks "
                    "as soon as every worker has attached, so even a SIGKILL leaves nothing "
                    "in /dev/shm; anonymous MAP_SHARED memory needs no name and no cleanup "
                    "at all, which is why it is the default."
                    % (len(ok), vis, gone, exact)))
    else:
        out.append(("Drill 3: a named segment (shm_open) in /dev/shm",
                    "Not measured in this run: the named-segment experiment's data is missing."))
    # drill 4
    parts = []
    if d.has("mutex") and d.has("plain"):
        mm, pm1 = f.cost("mutex", f.pmax), f.cost("plain", 1)
        if None not in (mm, pm1):
            parts.append("a correct shared counter under a process-shared mutex cost %s ns per "
                         "increment with %d processes, %.0f&times; the unsynchronised increment "
                         "of one process (%s ns)" % (fmt_ns(mm), f.pmax, mm / pm1, fmt_ns(pm1)))
    out.append(("Drill 4: when not to reach for shared memory",
                "When the processes mainly hand data to each other rather than share state that "
                "all of them update, when they may run on different machines, or when every "
                "access needs a lock anyway: " + ("; ".join(parts) if parts else
                "synchronisation dominates the cost") + ", and it still forces every process "
                "to trust every other with its memory; a pipe or a socket copies bytes but "
                "cannot lose an update or corrupt another process."))
    return out


# ------------------------------------------------------------------- html --

def table(headers, rows, flag=None):
    h = "".join("<th>%s</th>" % html.escape(x) for x in headers)
    body = []
    for i, r in enumerate(rows):
        cls = ' class="flag"' if flag and flag[i] else ""
        body.append("<tr%s>%s</tr>" % (cls, "".join("<td>%s</td>" % html.escape(str(x)) for x in r)))
    return ('<div class="wide"><table><thead><tr>%s</tr></thead><tbody>%s</tbody></table></div>'
            % (h, "".join(body)))


def g(x, digits=4):
    v = num(x)
    if v is None:
        return "–"
    return "%.*g" % (digits, v)


def write_html(d, f, figs, caps, drill_text, figdir, path, ls):
    titles = {"hist_plain": "The distribution of plain's final value",
              "lost_frac": "How much is lost", "p_loss": "How often anything is lost",
              "overlap": "No overlap, no loss", "cost": "The cost of correctness",
              "controls": "The controls"}
    parts = []
    for k, name in enumerate(figs, 1):
        with open(os.path.join(figdir, name + ".png"), "rb") as fh:
            b64 = base64.b64encode(fh.read()).decode()
        parts.append('<figure id="fig-%s"><img src="data:image/png;base64,%s" alt="%s">'
                     '<figcaption><b>Figure %d. %s.</b> %s</figcaption></figure>'
                     % (name, b64, html.escape(titles[name]), k, titles[name], caps[name]))
    for k, l in enumerate(ls, len(figs) + 1):
        with open(os.path.join(figdir, l["name"] + ".png"), "rb") as fh:
            b64 = base64.b64encode(fh.read()).decode()
        parts.append('<figure id="fig-%s"><img src="data:image/png;base64,%s" alt="%s">'
                     '<figcaption><b>Figure %d. %s.</b> %s</figcaption></figure>'
                     % (l["name"], b64, html.escape(l["title"]), k, l["title"], l["caption"]))
    meta_rows = [(k, v) for k, v in d.meta.items()]
    varying = [c for c in d.factors if c not in ("strategy", "procs", "iters")
               and len({r[c] for r in d.all_summary}) > 1]
    sum_cols = varying + ["strategy", "procs", "iters", "n", "final_mean", "lost_frac_mean", "lost_frac_lo",
                "lost_frac_hi", "p_loss", "p_loss_lo", "p_loss_hi", "p_loss_upper", "verdict",
                "violations", "ns_per_inc", "overlap_mean", "overlap_pair_mean", "failed"]
    sum_cols = [c for c in sum_cols if c in d.summary[0]]
    srows = [[r[c] if c in d.factors or c in ("n", "verdict", "violations", "failed")
              else g(r[c], 10 if c == "final_mean" else 4) for c in sum_cols] for r in d.all_summary]
    flags = [int(r["violations"]) > 0 for r in d.all_summary]
    crow = []
    for r in d.compare:
        if r.get("strategy") != "plain":
            continue
        p, z = float(r["p"]), float(r["z"])
        reading = ("more processes lose more" if p < 0.05 and z > 0 else
                   "fewer processes lose more" if p < 0.05 and z < 0 else "no clear difference")
        crow.append([r["iters"], "%s vs %s" % (r["procs_a"], r["procs_b"]), r["u"], g(r["z"], 3),
                     g(r["p"], 3), reading])
    nviol = sum(flags)
    doc = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>racelab report: %(exp)s</title>
<style>
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.8em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; font-size: .85em; margin: 1em 0; }
td, th { border: 1px solid #ddd; padding: .25em .5em; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
tr.flag td { background: #fdd; font-weight: bold; }
figure { margin: 2em 0; } figure img { max-width: 100%%; border: 1px solid #eee; }
figcaption { font-size: .95em; margin-top: .4em; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font-size: .85em; }
.meta td { text-align: left; font-family: monospace; word-break: break-all; }
.wide { overflow-x: auto; }
</style></head><body>
<h1>Lost updates on shared memory: %(exp)s</h1>
<p>%(ntr)d trials: %(nstrat)d strategies (%(strats)s), %(nprocs)d process counts (%(procs)s),
%(niters)d iteration counts (%(iters)s). Every number below is computed from this run's data.
%(viol)s</p>
<h2>How the data was made</h2>
%(meta)s
<p>The experiment file:</p><pre>%(expfile)s</pre>
<h2>Figures</h2>
%(figs)s
<h2>The seed's drills, answered from this run</h2>
%(drills)s
<h2>Summary of every cell</h2>
<p>From <code>summary.csv</code>. Rows with violations are flagged in red (%(nviol)d).</p>
%(summary)s
<h2>Do more processes lose more?</h2>
<p>Two-sided Mann–Whitney U tests of <i>plain</i>'s lost updates between neighbouring process
counts (from <code>compare.csv</code>); z &gt; 0 means the larger count lost more.</p>
%(compare)s
</body></html>
""" % {
        "exp": html.escape(d.summary[0].get("experiment", "")),
        "ntr": f.n_trials, "nstrat": len(levels(d.all_summary, "strategy")),
        "strats": ", ".join(levels(d.all_summary, "strategy")),
        "nprocs": len(d.procs), "procs": ", ".join(map(str, d.procs)),
        "niters": len(d.iters), "iters": ", ".join(fmt_count_html(i) for i in d.iters),
        "viol": ("<b>%d cells had violations.</b>" % nviol) if nviol else
                "No trial broke its strategy's guarantee.",
        "meta": '<table class="meta">%s</table>' % "".join(
            "<tr><td>%s</td><td>%s</td></tr>" % (html.escape(k), html.escape(v)) for k, v in meta_rows),
        "expfile": html.escape(d.experiment_text),
        "figs": "\n".join(parts),
        "drills": "\n".join("<h3>%s</h3><p>%s</p>" % (t, x) for t, x in drill_text),
        "nviol": nviol,
        "summary": table(sum_cols, srows, flags),
        "compare": table(["iters", "procs", "U", "z", "p", "reading"], crow),
    }
    with open(path + ".tmp", "w") as fh:
        fh.write(doc)
    os.replace(path + ".tmp", path)


# ----------------------------------------------------------------- slides --

def slides(d, f, path, ls):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.patches import FancyBboxPatch

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 22, "axes.titlesize": 30,
                         "axes.labelsize": 24, "xtick.labelsize": 20, "ytick.labelsize": 20,
                         "legend.fontsize": 20, "axes.spines.top": False,
                         "axes.spines.right": False, "pdf.fonttype": 42})
    W, H = 13.333, 7.5
    I, pm = f.I, f.pmax

    def new(title):
        fig = plt.figure(figsize=(W, H))
        fig.text(0.04, 0.92, title, fontsize=34, weight="bold", va="center")
        return fig

    def bullets(fig, lines, top=0.78, size=26):
        # wrap by hand so that each bullet's lines push the next one down
        import textwrap
        width = int(1500 / size)
        y = top
        for line in lines:
            wrapped = textwrap.wrap(line, width) or [""]
            fig.text(0.06, y, "•", fontsize=size, va="top")
            fig.text(0.09, y, "\n".join(wrapped), fontsize=size, va="top", linespacing=1.3)
            y -= (len(wrapped) * 1.3 + 0.7) * size / 72.0 / H

    def sup(v):
        s = fmt_count(v)
        return "$10^{%s}$" % s[3:] if s.startswith("10^") else s

    meta = d.meta
    with PdfPages(path, metadata={"Title": "racelab: lost updates on shared memory",
                                  "Author": "racelab", "Creator": "racelab racereport.py"}) as pdf:
        # 1 title
        fig = plt.figure(figsize=(W, H))
        fig.text(0.5, 0.62, "Lost updates on shared memory", ha="center", fontsize=48, weight="bold")
        fig.text(0.5, 0.48, "%d trials of processes incrementing one shared counter" % f.n_trials,
                 ha="center", fontsize=28)
        fig.text(0.5, 0.30, "%s · %s CPUs · %s" % (meta.get("cpu_model", "?"),
                 meta.get("cpus_online", "?"), meta.get("start_utc", "")[:10]),
                 ha="center", fontsize=20, color="#555")
        fig.text(0.5, 0.22, "racelab", ha="center", fontsize=20, color="#555")
        pdf.savefig(fig)
        plt.close(fig)

        # 2 the race in one picture
        fig = new("The race: load, add, store")
        ax = fig.add_axes([0.05, 0.12, 0.9, 0.68])
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 4)
        ax.axis("off")
        steps = [(0, 3, "P1: load 41", "#fbb"), (1.7, 1.2, "P2: load 41", "#bbf"),
                 (3.4, 3, "P1: add → 42", "#fbb"), (5.1, 1.2, "P2: add → 42", "#bbf"),
                 (6.8, 3, "P1: store 42", "#fbb"), (8.2, 1.2, "P2: store 42", "#bbf")]
        for x, y, text, col in steps:
            ax.add_patch(FancyBboxPatch((x, y), 1.6, 0.7, boxstyle="round,pad=0.05", fc=col, ec="#333"))
            ax.text(x + 0.8, y + 0.35, text, ha="center", va="center", fontsize=17)
        ax.annotate("", xy=(9.9, 2.45), xytext=(0, 2.45), arrowprops=dict(arrowstyle="->", lw=2))
        ax.text(5, 2.6, "time", ha="center", fontsize=18, color="#555")
        ax.text(5, 0.3, "Two increments, counter goes 41 → 42: one update is lost.",
                ha="center", fontsize=24, weight="bold")
        pdf.savefig(fig)
        plt.close(fig)

        # 3 what was run
        fig = new("What was run")
        bullets(fig, [
            "Strategies: " + ", ".join(d.strategies),
            "Processes: %s" % ", ".join(map(str, d.procs)),
            "Increments per process: %s" % ", ".join(sup(i) for i in d.iters),
            "%s trials per cell, %d trials in all, released together at a futex barrier"
            % (d.summary[0]["n"], f.n_trials),
            "%s, %s CPUs, %s" % (meta.get("cpu_model", "?"), meta.get("cpus_online", "?"),
                                 meta.get("kernel", "?")),
            "Compiled %s; plain's loop: load, add, store, no lock" % meta.get("compiler", "gcc"),
        ])
        pdf.savefig(fig)
        plt.close(fig)

        if d.has("plain"):
            # 4 the distribution
            fig = new("The final value is a distribution, not a number")
            n = len(d.procs)
            for i, p in enumerate(d.procs):
                ax = fig.add_axes([0.06 + i * 0.235, 0.14, 0.2, 0.66])
                rows = [r for r in d.hist if r["strategy"] == "plain" and int(r["procs"]) == p
                        and int(r["iters"]) == I]
                e = p * I
                # regroup hist.csv's bins into 40 of width expected/40, as the figure does
                w = e / 40.0
                counts = {}
                for r in rows:
                    k = math.floor((num(r["bin_lo"]) + num(r["bin_hi"])) / 2 / w)
                    counts[k] = counts.get(k, 0) + int(r["count"])
                ax.bar([(k + 0.5) * w for k in sorted(counts)], [counts[k] for k in sorted(counts)],
                       width=w * 0.9, color=d.color["plain"])
                ax.axvline(e, color="k", ls="--", lw=2)
                ax.set_xlim(0, e * 1.08)
                ax.set_title("%d proc%s" % (p, "" if p == 1 else "s"), fontsize=22)
                ax.set_xticks([0, e / 2, e])
                ax.set_xticklabels(["0", sup(e // 2), sup(e)])
                ax.tick_params(labelsize=16)
                if i == 0:
                    ax.set_ylabel("trials", fontsize=20)
                if i >= 3 and n > 4:
                    break
            c = d.cell("plain", pm, I)
            fig.text(0.5, 0.03, "%s increments each; dashed = expected. %d processes: median %s of %s"
                     % (sup(I), pm, fmt_int(num(c["final_median"])), fmt_int(num(c["expected"]))),
                     ha="center", fontsize=20)
            pdf.savefig(fig)
            plt.close(fig)

            # 5 loss grows
            fig = new("More processes, more iterations: more is lost")
            ax = fig.add_axes([0.1, 0.15, 0.62, 0.65])
            for p in d.procs:
                rows = sorted([r for r in d.cells("plain") if int(r["procs"]) == p], key=lambda r: int(r["iters"]))
                xs = [int(r["iters"]) for r in rows]
                ys = [num(r["lost_frac_mean"]) for r in rows]
                lo = [num(r["lost_frac_lo"]) for r in rows]
                hi = [num(r["lost_frac_hi"]) for r in rows]
                if None in lo or None in hi:
                    ax.plot(xs, ys, "o-", color=d.procs_color[p], lw=3, label="%d" % p)
                else:
                    ax.errorbar(xs, ys, yerr=[[y - l for y, l in zip(ys, lo)], [h - y for y, h in zip(ys, hi)]],
                                fmt="o-", color=d.procs_color[p], lw=3, capsize=5, label="%d" % p)
            ax.set_xscale("log")
            ax.set_xlabel("increments per worker")
            ax.set_ylabel("share lost (mean, 95% CI)")
            ax.legend(title="processes", loc="upper left", frameon=True)
            c = d.cell("plain", pm, I)
            fig.text(0.75, 0.6, "%d processes,\n%s each:\n%s of trials lost,\n%s of increments"
                     % (pm, sup(I), pct(num(c["p_loss"])), pct(num(c["lost_frac_mean"]))),
                     fontsize=24, va="center")
            pdf.savefig(fig)
            plt.close(fig)

            # 6 overlap
            fig = new("No overlap, no loss")
            ax = fig.add_axes([0.1, 0.15, 0.5, 0.65])
            for p in d.procs[1:] if len(d.procs) > 1 else d.procs:
                pts = [t for t in d.trials if t["strategy"] == "plain" and int(t["procs"]) == p
                       and t.get("status", "ok") == "ok"]
                ax.scatter([overlap_of(t) for t in pts],
                           [lost_of(t) / int(t["expected"]) for t in pts],
                           s=30, color=d.procs_color[p], label="%d" % p, alpha=0.8)
            ax.set_xlabel("share of trial with ≥ 2 workers running")
            ax.set_ylabel("share of increments lost")
            ax.legend(title="processes", loc="upper left")
            fig.text(0.64, 0.55, "%d trials never\noverlapped: %d of\nthem lost anything.\n\n"
                     "Lossy trials\noverlapped %s\nof the time."
                     % (len(f.no_overlap), f.no_overlap_lossy,
                        pct(f.lossy_overlap) if f.lossy_overlap is not None else "—"),
                     fontsize=24, va="center")
            pdf.savefig(fig)
            plt.close(fig)

        # 7 cost
        fig = new("The cost of correctness")
        ax = fig.add_axes([0.1, 0.15, 0.55, 0.65])
        for s in d.strategies:
            rows = sorted([r for r in d.cells(s) if int(r["iters"]) == I], key=lambda r: int(r["procs"]))
            ax.plot([int(r["procs"]) for r in rows], [num(r["ns_per_inc"]) for r in rows], "o-",
                    color=d.color[s], lw=3, ms=10, label=s)
        ax.set_yscale("log")
        ax.set_xticks(d.procs)
        ax.set_xlabel("worker processes")
        ax.set_ylabel("ns per increment")
        ax.legend(loc="center right", frameon=True)
        lines = ["%s: %s ns" % (s, fmt_ns(f.cost(s, pm))) for s in d.strategies if f.cost(s, pm) is not None]
        fig.text(0.68, 0.55, "%d processes, %s each:\n\n" % (pm, sup(I)) + "\n".join(lines),
                 fontsize=24, va="center")
        pdf.savefig(fig)
        plt.close(fig)

        # 8 controls
        fig = new("The controls")
        lines = []
        for s, (n, v) in f.controls.items():
            if s == "private":
                lines.append("private (MAP_PRIVATE): the parent read 0 in %d of %d trials" % (n - v, n))
            else:
                lines.append("%s: exact in %d of %d trials" % (s, n - v, n))
        if d.has("plain"):
            pv = d.total("plain", "violations")
            lines.append("plain: never above expected (%d violations)" % pv)
        bullets(fig, lines)
        pdf.savefig(fig)
        plt.close(fig)

        # the later lessons, one slide each
        import re as _re
        for l in ls:
            fig = new(l["title"])
            ax = fig.add_axes([0.1, 0.27, 0.58, 0.55])
            for label, color, dash, pts in l["series"]:
                pts = [p for p in pts if None not in p]
                if not pts:
                    continue
                xs = [p[0] for p in pts]
                ys = [p[1] for p in pts]
                err = [[y - p[2] for y, p in zip(ys, pts)], [p[3] - y for y, p in zip(ys, pts)]]
                ax.errorbar(xs, ys, yerr=err, fmt="o", color=color, lw=3, ms=9, capsize=5,
                            ls=["-", "--", ":", "-."][(dash - 1) % 4], label=label)
            if l["logx"]:
                ax.set_xscale("log")
            if l["logy"]:
                ax.set_yscale("log")
            if l["xtics"]:
                ax.set_xticks(range(1, len(l["xtics"]) + 1))
                ax.set_xticklabels(l["xtics"])
            elif l.get("int_x"):
                ax.set_xticks(sorted({p[0] for _, _, _, pts in l["series"] for p in pts}))
            ax.set_xlabel(l["xlabel"])
            ax.set_ylabel(l["ylabel"], fontsize=20)
            ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=16, frameon=True)
            # the caption's numbers, without the HTML
            text = _re.sub(r"<sup>(.*?)</sup>", r"^\1", l["caption"])
            text = _re.sub(r"<[^>]+>", "", text).replace("&times;", "x")
            import textwrap
            fig.text(0.04, 0.02, "\n".join(textwrap.wrap(text, 105)[:4]), fontsize=15,
                     color="#333", va="bottom")
            pdf.savefig(fig)
            plt.close(fig)

        # 9 take-aways
        fig = new("Take-aways")
        lines = []
        if d.has("plain"):
            c = d.cell("plain", pm, I)
            lines.append("MAP_SHARED shares memory, not atomicity: %d processes lost %s of increments"
                         % (pm, pct(num(c["lost_frac_mean"]))))
            lines.append("Loss needs overlap: %d trials without overlap lost nothing"
                         % (len(f.no_overlap) - f.no_overlap_lossy))
        if d.has("atomic") and d.has("mutex"):
            lines.append("Atomics and process-shared mutexes are exact, at %s and %s ns per increment"
                         % (fmt_ns(f.cost("atomic", pm)), fmt_ns(f.cost("mutex", pm))))
        lines.append("MAP_PRIVATE is copy-on-write: nothing is shared at all")
        bullets(fig, lines, size=24)
        pdf.savefig(fig)
        plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", required=True)
    ap.add_argument("--stats", required=True)
    ap.add_argument("--experiment", default="")
    ap.add_argument("--shm", default="")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    try:
        d = Data(args)
        f = Facts(d)
        # the same data gives the same bytes: date the PDF by the run, not by now
        if "SOURCE_DATE_EPOCH" not in os.environ:
            import calendar
            import time
            st = d.meta.get("start_utc", "")
            try:
                os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(time.strptime(st, "%Y-%m-%dT%H:%M:%SZ")))
            except ValueError:
                os.environ["SOURCE_DATE_EPOCH"] = "0"
        os.makedirs(args.out, exist_ok=True)
        figdir = os.path.join(args.out, "fig")
        figs = draw_figures(d, args, figdir)
        ls = lessons(d)
        draw_lessons(d, figdir, ls)
        caps = captions(d, f)
        write_html(d, f, figs, caps, drills(d, f), figdir, os.path.join(args.out, "report.html"), ls)
        tmp = os.path.join(args.out, ".slides.pdf.tmp")
        slides(d, f, tmp, ls)
        os.replace(tmp, os.path.join(args.out, "slides.pdf"))
    except (ReportError, OSError, KeyError, ValueError) as e:
        die(str(e) if not isinstance(e, KeyError) else "missing column %s" % e)
    print("racereport: wrote %s/report.html, %s/slides.pdf and %d figures"
          % (args.out, args.out, 2 * (len(figs) + len(ls))), file=sys.stderr)


if __name__ == "__main__":
    main()
