"""figures.py - the figures: which series each shows, drawn by gnuplot.

A figure is a list of series of (x, y, lo, hi) points with a title and axis
labels. All of it, every string included, is written to data files
(NAME.data.tsv, NAME.labels.tsv) that report/fig/*.gp read; gnuplot's
command line carries only this module's own constants (the output name,
sizes, flags, colours from our palette). Titles and captions are worded in
wording.py from racestat's claims.
"""
import math
import os
import re
import subprocess

from markup import tsv_field
from rdata import ReportError, num

HERE = os.path.dirname(os.path.abspath(__file__))

# one colour per strategy, the same in every figure and slide; by series index
STRATEGY_COLORS = {
    "plain": "#d62728", "atomic": "#1f77b4", "mutex": "#2ca02c", "private": "#7f7f7f",
    "sem": "#9467bd", "spin": "#8c564b", "atomic-relaxed": "#17becf",
    "plain-hoisted": "#ff7f0e", "sharded": "#bcbd22", "false-shared": "#e377c2",
}
EXTRA_COLORS = ["#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d"]
# procs levels: cool (few) to hot (many)
PROCS_COLORS = ["#4575b4", "#74add1", "#fdae61", "#f46d43", "#d73027", "#a50026", "#67001f", "#313695"]


def color_of(strategies, s):
    """The strategy's colour: ours for the known ones, else the next spare."""
    if s in STRATEGY_COLORS:
        return STRATEGY_COLORS[s]
    unknown = [x for x in strategies if x not in STRATEGY_COLORS]
    return EXTRA_COLORS[unknown.index(s) % len(EXTRA_COLORS)] if s in unknown else EXTRA_COLORS[0]


class Fig:
    def __init__(self, name, title, xlabel, ylabel, series, size=(1100, 600), style=1, logx=False,
                 logy=False, yzero=True, xcat=False, intx=False):
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ReportError("bad figure name %r" % name)
        self.name, self.title, self.xlabel, self.ylabel = name, title, xlabel, ylabel
        self.series = [s for s in series if s[3]]  # (label, colour, dash, [(x, y, lo, hi, tic)])
        self.size, self.style = size, style
        self.flags = dict(LOGX=int(logx), LOGY=int(logy), YZERO=int(yzero), XCAT=int(xcat), INTX=int(intx))
        self.caption = ""
        self.kind = "series"


class Hist:
    """Histogram panels: [(panel title, expected, width, [(centre, count)])]."""

    def __init__(self, name, title, xlabel, ylabel, panels, color, size=(1400, 480)):
        self.name, self.title, self.xlabel, self.ylabel = name, title, xlabel, ylabel
        self.panels, self.color, self.size = panels, color, size
        self.caption = ""
        self.kind = "hist"


def _gnuplot(figdir, script, out, size, defs):
    d = dict(defs)
    d.update(FMT='"%s"' % out.rsplit(".", 1)[1], OUT='"%s"' % out, W=str(size[0]), H=str(size[1]))
    for k, v in d.items():  # our constants only: names, numbers, "#rrggbb" lists
        if not re.fullmatch(r'[A-Z]+', k) or not re.fullmatch(r'"[-a-z0-9_.# ]*"|[0-9]+', v):
            raise ReportError("a gnuplot setting that is not a constant: %s" % k)
    expr = "; ".join("%s = %s" % kv for kv in d.items())
    # the scripts find common.gp through GNUPLOT_LIB, not a path in their text
    env = dict(os.environ, GNUPLOT_LIB=os.path.join(HERE, "fig"))
    p = subprocess.run(["gnuplot", "-e", expr, os.path.join(HERE, "fig", script)], cwd=figdir,
                       capture_output=True, text=True, env=env)
    # a figure that warns is not trusted, except for a flat range (nothing
    # lost anywhere), which gnuplot widens itself
    warnings = [l for l in p.stderr.splitlines()
                if l.strip() and not re.search(r"Warning: empty [xyz]2? range|stats command|^\s*\^\s*$|^\s*line \d+:|"
                                 r"Warning: .*(autoscaling|identical)|difficulty fitting plot titles", l)]
    if p.returncode != 0 or warnings:
        raise ReportError("gnuplot %s for %s: %s" % (script, out, p.stderr.strip() or "failed"))
    path = os.path.join(figdir, out)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        raise ReportError("gnuplot %s wrote no %s" % (script, out))


def _labels(figdir, fig):
    with open(os.path.join(figdir, fig.name + ".labels.tsv"), "w") as fh:
        fh.write("\t".join(tsv_field(x) for x in (fig.title, fig.xlabel, fig.ylabel,
                                                  getattr(fig, "key_title", "") or " ")) + "\n")


def draw(figdir, fig):
    os.makedirs(figdir, exist_ok=True)
    _labels(figdir, fig)
    data = fig.name + ".data.tsv"
    defs = {"DATA": '"%s"' % data, "LABELS": '"%s"' % (fig.name + ".labels.tsv")}
    with open(os.path.join(figdir, data), "w") as fh:
        if fig.kind == "hist":
            for k, (title, e, w, bars) in enumerate(fig.panels):
                if k:
                    fh.write("\n\n")
                for centre, count in bars or [(0, 0)]:
                    fh.write("%.9g\t%d\t%.9g\t%.9g\t%s\n" % (centre, count, e, w, tsv_field(title)))
            defs.update(NP=str(len(fig.panels)), COLOR='"%s"' % fig.color)
            script = "hist.gp"
        else:
            if not fig.series:
                raise ReportError("figure %s has no data" % fig.name)
            for k, (label, _, _, pts) in enumerate(fig.series):
                if k:
                    fh.write("\n\n")
                fh.write("%s\tx\ty\tlo\thi\ttic\n" % tsv_field(label))
                for x, y, lo, hi, tic in pts:
                    fh.write("%d\t%.9g\t%.9g\t%.9g\t%.9g\t%s\n" % (k, x, y, lo, hi, tsv_field(tic)))
            defs.update(NS=str(len(fig.series)), STYLE=str(fig.style),
                        COLORS='"%s"' % " ".join(c for _, c, _, _ in fig.series),
                        DASHES='"%s"' % " ".join(str(dash) for _, _, dash, _ in fig.series),
                        **{k: str(v) for k, v in fig.flags.items()})
            script = "series.gp"
    for ext in ("png", "svg"):
        _gnuplot(figdir, script, "%s.%s" % (fig.name, ext), fig.size, defs)


# ------------------------------------------------------------ the figures --

def pt(x, y, lo=None, hi=None, tic=""):
    """A point; a missing bound is the value itself (no bar)."""
    return (x, y, y if lo is None else lo, y if hi is None else hi, tic if tic != "" else x)


def hist_plain(d):
    panels = []
    I = d.iters_fixed
    for p in d.procs:
        e = p * I
        w = e / 40.0
        counts = {}
        for r in d.hist:
            if r["strategy"] == "plain" and int(r["procs"]) == p and int(r["iters"]) == I:
                k = math.floor((num(r["bin_lo"]) + num(r["bin_hi"])) / 2 / w)
                counts[k] = counts.get(k, 0) + int(r["count"])
        bars = [((k + 0.5) * w, counts[k]) for k in sorted(counts)]
        panels.append(("%d process%s" % (p, "" if p == 1 else "es"), e, w, bars))
    return panels


def by_procs_over_iters(d, strategy, y, lo, hi):
    """One series per procs level: (iters, y, lo, hi) of a strategy."""
    out = []
    for k, p in enumerate(d.procs):
        rows = sorted((r for r in d.cells(strategy) if int(r["procs"]) == p), key=lambda r: int(r["iters"]))
        pts = [pt(int(r["iters"]), num(r[y]), num(r[lo]), num(r[hi])) for r in rows if num(r[y]) is not None]
        out.append(("%d" % p, PROCS_COLORS[k % len(PROCS_COLORS)], 1, pts))
    return out


def overlap_points(d):
    out = []
    for k, p in enumerate(d.procs):
        if p < 2:
            continue
        pts = []
        for t in d.trials:
            if t["strategy"] == "plain" and int(t["procs"]) == p and t.get("status", "ok") == "ok":
                ov = num(t.get("overlap_pair") or t["overlap"])
                pts.append(pt(ov, (int(t["expected"]) - int(t["final"])) / int(t["expected"])))
        out.append(("%d" % p, PROCS_COLORS[k % len(PROCS_COLORS)], 1, pts))
    return out


def cost_series(d):
    I = d.iters_fixed
    out = []
    for s in d.strategies:
        rows = sorted((r for r in d.cells(s) if int(r["iters"]) == I), key=lambda r: int(r["procs"]))
        pts = [pt(int(r["procs"]), num(r["ns_per_inc"]), num(r["ns_per_inc_lo"]), num(r["ns_per_inc_hi"]),
                  r["procs"]) for r in rows if num(r["ns_per_inc"])]
        out.append((s, color_of(d.strategies, s), 1, pts))
    return out


def controls_series(d, controls):
    out = []
    for i, s in enumerate(controls):
        pts = []
        for r in d.cells(s):
            e = num(r["expected"])
            # spread the strategies a little apart on the log axis
            pts.append(pt(e * (1 + (i - 1) * 0.06), num(r["final_mean"]) / e, num(r["final_min"]) / e,
                          num(r["final_max"]) / e))
        out.append((s, color_of(d.strategies, s), 1, pts))
    return out
