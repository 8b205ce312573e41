#!/usr/bin/python3
"""racereport.py - figures (gnuplot), report.html and slides.pdf from racestat.

Run by `make report` with Debian's /usr/bin/python3 (python3-matplotlib) and
MPLBACKEND=Agg. It only draws and words: every number is read from
racestat's outputs or the trials, and every statement of direction,
comparison or ratio is a row of claims.csv worded by wording.py.

  rdata.py     reading the data          wording.py  every sentence
  figures.py   the figures (gnuplot)     htmlpage.py report.html
  slides.py    slides.pdf                slides_md.py slides.md (pandoc)
  reproduction.py  the page of make reproduce
  racereport.py  this: what goes where

usage: racereport.py --trials CSV --stats DIR [--experiment FILE] [--shm CSV] --out DIR
       racereport.py --reproduce DIR --base CSV --new CSV --out DIR
                     (reproduction.py: the page of `make reproduce`)
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import figures as F  # noqa: E402
import htmlpage  # noqa: E402
import slides  # noqa: E402
import slides_md  # noqa: E402
import tracedata  # noqa: E402
import wording as W  # noqa: E402
from markup import Markup, fmt, h, join  # noqa: E402
from rdata import Data, ReportError, levels, num  # noqa: E402


class Report:
    """What the page and the slides show, assembled once."""

    def __init__(self, d):
        self.data = d
        self.figures, self.drills, self.notes, self.takeaways = [], [], [], []
        self.used = []  # every claim quoted, for the table of claims

    def use(self, c):
        if c is not None and c not in self.used:
            self.used.append(c)
        return c


def claim(rep, kind, blank=(), **want):
    return rep.use(rep.data.one_claim(kind, blank, **want))


def claim_at(rep, kind, row, blank=(), **want):
    return rep.use(rep.data.claim_at(kind, row, blank, **want))


def main_figures(rep):
    d = rep.data
    pm, I = d.procs[-1], d.iters_fixed
    if d.has("plain"):
        procs_tr = {it: claim(rep, "trend", ("procs",), strategy="plain", iters=it, factor="procs",
                              measure="lost_frac") for it in d.iters}
        iters_tr = {p: claim(rep, "trend", ("iters",), strategy="plain", procs=p, factor="iters",
                             measure="lost_frac") for p in d.procs}
        # a direction is stated where the trend tests find it and no pair of
        # neighbouring levels significantly goes the other way
        against = {"increasing": "less", "decreasing": "more"}
        rev = {"procs": [], "iters": []}
        for factor, lines, other in (("procs", procs_tr, "iters"), ("iters", iters_tr, "procs")):
            for at, t in lines.items():
                if t is None or t["statement"] not in against:
                    continue
                for c in d.claim("pair", (factor,), strategy="plain", factor=factor, measure="lost_frac",
                                 **{other: at}):
                    if c["statement"] == against[t["statement"]]:
                        rev[factor].append(rep.use(c))
        pdir = W.direction([c["statement"] for c in procs_tr.values() if c]) \
            if len(d.procs) > 1 and not rev["procs"] else None
        idir = W.direction([c["statement"] for c in iters_tr.values() if c]) \
            if len(d.iters) > 1 and not rev["iters"] else None
        rep.dirs = (pdir, idir)

        f = F.Hist("hist_plain", "plain: final counter value, %s trials per panel, %s increments per worker"
                   % (d.cell("plain", pm, I)["n"], W.fmt_count(I)), "final value", "trials",
                   F.hist_plain(d), F.color_of(d.strategies, "plain"))
        f.title = "The distribution of plain's final value"
        f.caption = W.caption_hist(d)
        rep.figures.append(f)

        f = F.Fig("lost_frac", W.lost_frac_title(pdir, idir), "increments per worker (iters)",
                  "mean share of increments lost",
                  F.by_procs_over_iters(d, "plain", "lost_frac_mean", "lost_frac_lo", "lost_frac_hi"), logx=True)
        sents = [W.trend_sentence(procs_tr.get(I), fmt("%s iterations", W.count_html(I))),
                 W.trend_sentence(iters_tr.get(pm), fmt("%d processes", pm))]
        for c in rev["procs"]:
            sents.append(fmt("but at %s iterations ", W.count_html(int(c["iters"]))) +
                         W.pair_sentence(c, "%s processes" % c["a"], "%s processes" % c["b"]))
        for c in rev["iters"]:
            sents.append(fmt("but with %s processes ", c["procs"]) +
                         W.pair_sentence(c, fmt("%s iterations", W.count_html(int(c["a"]))),
                                         fmt("%s iterations", W.count_html(int(c["b"])))))
        f.key_title = "processes"
        f.caption = W.caption_lost_frac(d, sents)
        rep.figures.append(f)

        ptr = claim(rep, "trend", ("iters",), strategy="plain", procs=pm, factor="iters", measure="p_loss")
        pidir = W.direction([c["statement"] for c in
                             [claim(rep, "trend", ("iters",), strategy="plain", procs=p, factor="iters",
                                    measure="p_loss") for p in d.procs] if c]) if len(d.iters) > 1 else None
        f = F.Fig("p_loss", W.p_loss_title(pidir), "increments per worker (iters)",
                  "P(a trial loses at least one update)",
                  F.by_procs_over_iters(d, "plain", "p_loss", "p_loss_lo", "p_loss_hi"), logx=True)
        f.key_title = "processes"
        f.caption = W.caption_p_loss(d, W.trend_sentence(ptr, fmt("%d processes", pm)))
        rep.figures.append(f)

        on = claim(rep, "overlap_none", ("procs", "iters"), strategy="plain")
        oc = claim(rep, "overlap_corr", ("procs", "iters"), strategy="plain")
        series = F.overlap_points(d)
        if any(s[3] for s in series):
            f = F.Fig("overlap", W.overlap_title(on),
                      "share of the trial with at least two workers incrementing", "share of increments lost",
                      series, style=2)
            f.key_title = "processes"
            f.caption = fmt("One point per <i>plain</i> trial with more than one worker. ") + \
                W.overlap_sentence(on, oc)
            rep.figures.append(f)
        rep.overlap = (on, oc)

    ratios = []
    if d.has("atomic"):
        for s in d.strategies:
            if s == "atomic":
                continue
            c = claim(rep, "ratio", ("strategy",), a=s, b="atomic", procs=pm, iters=I)
            if c:
                ratios.append((s, W.ratio_phrase(c)))
    f = F.Fig("cost", "The cost of correctness", "worker processes", "ns per increment (median, log scale)",
              F.cost_series(d), logy=True, intx=True)
    f.caption = W.caption_cost(d, ratios)
    rep.figures.append(f)

    controls = [s for s in ("atomic", "mutex", "private") if d.has(s)]
    if controls:
        g = [claim(rep, "guarantee", ("procs", "iters"), strategy=s) for s in controls]
        f = F.Fig("controls", "The controls", "expected final value (procs x iters)", "final / expected",
                  F.controls_series(d, controls), style=3, logx=True, yzero=False)
        f.caption = W.caption_controls(d, [W.guarantee_sentence(c, s) for c, s in zip(g, controls) if c])
        rep.figures.append(f)


LOCKS = ("atomic", "atomic-relaxed", "mutex", "sem", "spin")


def lesson_rows(d, test):
    for exp in d.experiments:
        rows = [r for r in d.all_summary if r.get("experiment") == exp]
        if test(rows):
            return rows
    return None


def launch_skew_figure(d, rows, big):
    """the share lost by every trial against its start skew, one series per
    launch and start mode (the trials of the lesson's plain cells)"""
    exp = rows[0].get("experiment")
    trials = [t for t in d.all_trials if t.get("experiment") == exp and t["strategy"] == "plain"
              and int(t["iters"]) == big and t.get("status", "ok") == "ok" and t.get("skew_ns", "") != ""]
    if not trials:
        return None
    series, parts = [], []
    combos = sorted({(t.get("launch", "fork"), t.get("start", "barrier")) for t in trials})
    for k, (la, st) in enumerate(combos):
        ts = [t for t in trials if t.get("launch", "fork") == la and t.get("start", "barrier") == st]
        pts = [F.pt(max(num(t["skew_ns"]), 1.0) / 1000.0, num(t["lost"]) / num(t["expected"])) for t in ts]
        series.append(("%s, %s start" % (la, st), ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"][k % 4], 1, pts))
        sk = sorted(num(t["skew_ns"]) for t in ts)
        lossy = sum(1 for t in ts if num(t["lost"]) > 0)
        parts.append((la, st, len(ts), sk[len(sk) // 2] / 1000.0, lossy))
    f = F.Fig("launch_skew", "Start skew and loss, trial by trial", "start skew (µs, log scale)",
              "share of increments lost", series, style=2, logx=True)
    f.caption = W.caption_launch_skew(big, parts)
    return f


def lessons(rep):
    d = rep.data
    # the compiler: plain against plain-hoisted
    rows = lesson_rows(d, lambda rs: {"plain", "plain-hoisted"} <= set(levels(rs, "strategy")))
    if rows:
        big = max(int(r["iters"]) for r in rows)
        series, sents = [], []
        for s in ("plain", "plain-hoisted"):
            for k, p in enumerate(sorted({int(r["procs"]) for r in rows})):
                pts = sorted(F.pt(int(r["iters"]), num(r["p_loss"]), num(r["p_loss_lo"]), num(r["p_loss_hi"]))
                             for r in rows if r["strategy"] == s and int(r["procs"]) == p)
                series.append(("%s, %d procs" % (s, p), F.color_of(d.strategies, s), 1 + k, pts))
        for r in rows:
            if r["strategy"] == "plain" and int(r["iters"]) == big:
                c = claim_at(rep, "pair", r, ("strategy",), a="plain", b="plain-hoisted", measure="p_loss")
                if c:
                    sents.append(fmt("with %s processes ", r["procs"]) + W.pair_sentence(c, "plain", "plain-hoisted"))
        counts = []
        for s in ("plain", "plain-hoisted"):
            rs = [r for r in rows if r["strategy"] == s and int(r["iters"]) == big]
            counts.append(fmt("<i>%s</i> lost updates in %d of %d trials", s, sum(int(r["lossy"] or 0) for r in rs),
                              sum(int(r["n"]) for r in rs)))
        f = F.Fig("compiler", "The compiler changes the race", "increments per worker",
                  "P(a trial loses an update)", series, logx=True)
        f.caption = fmt("plain (a volatile load, add and store per increment) against plain-hoisted (the same C "
                        "through an ordinary pointer, which gcc -O2 folds into one add of iters), with 95 %% Wilson "
                        "intervals. At %s iterations ", W.count_html(big)) + join("; ", counts) + Markup("; ") + \
            join("; ", sents) + Markup(".")
        rep.figures.append(f)
    # pinning and threads: the share lost by placement, and by kind of worker
    for name, factor, title, xl in (("pinning", "pin", "Where the workers run", "placement of the workers"),
                                    ("threads", "workers", "Threads race like processes", "workers"),
                                    ("launch", "launch", "Fresh workers or kept ones", "how the workers are launched")):
        rows = lesson_rows(d, lambda rs: rs and factor in rs[0] and len(levels(rs, factor)) > 1)
        if not rows:
            continue
        rows = [r for r in rows if r["strategy"] == "plain"] or rows
        big = max(int(r["iters"]) for r in rows)
        lv = levels(rows, factor)
        series, sents = [], []
        if factor in ("pin", "launch"):
            for k, p in enumerate(sorted({int(r["procs"]) for r in rows})):
                pts = []
                for i, v in enumerate(lv, 1):
                    r = next((r for r in rows if r[factor] == v and int(r["procs"]) == p and int(r["iters"]) == big), None)
                    if r:
                        pts.append(F.pt(i, num(r["lost_frac_mean"]), num(r["lost_frac_lo"]), num(r["lost_frac_hi"]), v))
                series.append(("%d processes" % p, F.PROCS_COLORS[(k + 1) % len(F.PROCS_COLORS)], 1, pts))
            f = F.Fig(name, title, xl, "mean share of increments lost", series, xcat=True)
        else:
            for k, v in enumerate(lv):
                rs = sorted((r for r in rows if r[factor] == v and int(r["iters"]) == big), key=lambda r: int(r["procs"]))
                series.append((v, ["#d62728", "#9467bd", "#2ca02c"][k % 3], 1 + k,
                               [F.pt(int(r["procs"]), num(r["lost_frac_mean"]), num(r["lost_frac_lo"]),
                                     num(r["lost_frac_hi"]), r["procs"]) for r in rs]))
            f = F.Fig(name, title, xl, "mean share of increments lost", series, intx=True)
        for r in rows:
            if int(r["iters"]) != big or r[factor] != lv[0]:
                continue
            for other in lv[1:]:
                c = claim_at(rep, "pair", r, (factor,), a=lv[0], b=other, measure="lost_frac")
                if c:
                    sents.append(fmt("with %s processes ", r["procs"]) + W.pair_sentence(c, lv[0], other))
        f.caption = fmt("Mean share of increments lost by <i>%s</i> at %s iterations by %s, with %s. ",
                        rows[0]["strategy"], W.count_html(big), factor, W.CI_HURDLE) + \
            (join("; ", sents) + Markup(".") if sents else Markup(""))
        if factor == "launch":
            f.caption = f.caption + W.skew_sentence(rows, lv, big)
            rep.figures.append(f)
            f = launch_skew_figure(d, rows, big)
            if f is None:
                continue
        rep.figures.append(f)
    # locks and sharding: cost per increment against workers
    for name, title, want, ref in (
            ("locks", "The ways to be exact, compared", lambda ss: len(set(ss) & set(LOCKS)) >= 3, "atomic"),
            ("sharding", "Counting without sharing", lambda ss: "sharded" in ss, "atomic")):
        rows = lesson_rows(d, lambda rs: want(levels(rs, "strategy")))
        if not rows:
            continue
        big = max(int(r["iters"]) for r in rows)
        pmax = max(int(r["procs"]) for r in rows)
        series, parts = [], []
        for s in levels(rows, "strategy"):
            rs = sorted((r for r in rows if r["strategy"] == s and int(r["iters"]) == big), key=lambda r: int(r["procs"]))
            series.append((s, F.color_of(d.strategies, s), 1,
                           [F.pt(int(r["procs"]), num(r["ns_per_inc"]), num(r["ns_per_inc_lo"]), num(r["ns_per_inc_hi"]),
                                 r["procs"]) for r in rs]))
            last = [r for r in rs if int(r["procs"]) == pmax]
            if last and s != ref:
                c = claim_at(rep, "ratio", last[0], ("strategy",), a=s, b=ref)
                parts.append(fmt("%s %s ns", s, W.fmt_ns(num(last[0]["ns_per_inc"]))) +
                             (Markup(", ") + W.ratio_phrase(c) + fmt(" %s", ref) if c else Markup("")))
        f = F.Fig(name, title, "workers", "ns per increment (median)", series, logy=True, intx=True)
        f.caption = fmt("Median nanoseconds per increment at %s iterations (log scale), with bootstrap 95 %% "
                        "intervals. With %d workers: ", W.count_html(big), pmax) + join("; ", parts) + Markup(".")
        rep.figures.append(f)


def drills(rep):
    d = rep.data
    pm, p2, I = d.procs[-1], d.p2, d.iters_fixed
    out = []
    if d.has("plain"):
        it = max([i for i in d.iters if i <= 100000] or d.iters)
        r = d.cell("plain", p2, it)
        out.append(("Drill 1: replace atomic_fetch_add with (*counter)++ and look at the distribution",
                    fmt("With %d processes incrementing %s times each (%s trials), the final value ranged from %s to "
                        "%s (median %s) instead of %s; updates were lost %s (95 %% Wilson interval for the share of "
                        "trials: %s to %s), %s of all increments on average (95 %% hurdle interval %s to %s). "
                        "Figure 1 shows the distribution at %s iterations.",
                        p2, W.count_html(it), r["n"], W.fmt_int(num(r["final_min"])), W.fmt_int(num(r["final_max"])),
                        W.fmt_int(num(r["final_median"])), W.fmt_int(num(r["expected"])), W.verdict_text(r),
                        W.pct(num(r["p_loss_lo"])), W.pct(num(r["p_loss_hi"])), W.pct(num(r["lost_frac_mean"]), 1),
                        W.pct(num(r["lost_frac_lo"]), 1), W.pct(num(r["lost_frac_hi"]), 1), W.count_html(I))))
    else:
        out.append(("Drill 1", fmt("This experiment did not run the plain strategy.")))
    if d.has("mutex"):
        g = claim(rep, "guarantee", ("procs", "iters"), strategy="mutex")
        txt = fmt("The process-shared mutex (PTHREAD_PROCESS_SHARED, in the region, initialised once by the "
                  "creator): ") + W.guarantee_sentence(g, "mutex") + Markup(".")
        if d.has("atomic"):
            a = claim(rep, "ratio", ("strategy",), a="mutex", b="atomic", procs=p2, iters=I)
            b = claim(rep, "ratio", ("strategy",), a="mutex", b="atomic", procs=pm, iters=I)
            if a and b:
                txt = txt + fmt(" Per increment, with %d processes it cost ", p2) + W.ratio_phrase(a) + \
                    fmt(" the time of atomic_fetch_add, and with %d processes ", pm) + W.ratio_phrase(b) + \
                    Markup(" (ratio of medians, bootstrap interval).")
        out.append(("Drill 2: a process-shared pthread_mutex_t inside the region", txt))
    else:
        out.append(("Drill 2", fmt("This experiment did not run the mutex strategy.")))
    if d.shm:
        ok = [t for t in d.shm if t.get("status") == "ok"]
        vis = sum(1 for t in ok if t.get("shm_visible") == "1")
        gone = sum(1 for t in ok if t.get("shm_gone") == "1")
        exact = sum(1 for t in ok if t["final"] == t["expected"])
        out.append(("Drill 3: a named segment (shm_open) in /dev/shm",
                    fmt("In %d trials with <code>--region shm</code>, each worker opened the segment "
                        "<code>/racelab-&lt;pid&gt;-&lt;random&gt;</code> by name and mapped it at its own address (the "
                        "region holds offsets, never pointers). It was listed in /dev/shm while attached in %d of "
                        "them and gone after shm_unlink in %d; the atomic counter was exact in %d. A guardian process "
                        "learns every name before the segment exists and removes what is left if race dies, even by "
                        "SIGKILL; anonymous MAP_SHARED memory needs no name at all, which is why it is the default.",
                        len(ok), vis, gone, exact)))
    else:
        out.append(("Drill 3: a named segment (shm_open) in /dev/shm",
                    fmt("Not measured in this run: the named-segment experiment's data is missing.")))
    part = Markup("synchronisation dominates the cost")
    if d.has("mutex") and d.has("plain"):
        c = claim(rep, "ratio_one", ("strategy", "procs"), a="mutex@%d" % pm, b="plain@1", iters=I)
        if c:
            part = fmt("a correct shared counter under a process-shared mutex with %d processes cost ", pm) + \
                W.ratio_phrase(c) + Markup(" the unsynchronised increment of one process")
    out.append(("Drill 4: when not to reach for shared memory",
                fmt("When the processes mainly hand data to each other rather than share state that all of them "
                    "update, when they may run on different machines, or when every access needs a lock anyway: ") +
                part + Markup(", and it still forces every process to trust every other with its memory; a pipe or "
                              "a socket copies bytes but cannot lose an update or corrupt another process.")))
    rep.drills = out


def tables(rep):
    d = rep.data
    varying = [c for c in d.factors if c not in ("strategy", "procs", "iters") and len(levels(d.all_summary, c)) > 1]
    cols = varying + ["strategy", "procs", "iters", "n", "lost_frac_mean", "lost_frac_lo", "lost_frac_hi",
                      "p_loss", "p_loss_lo", "p_loss_hi", "p_loss_upper", "violations", "ns_per_inc", "overlap_mean",
                      "failed"]

    def g(x, digits=4):
        v = num(x)
        return "–" if v is None else "%.*g" % (digits, v)
    rows, flags = [], []
    for r in d.all_summary:
        rows.append([r[c] if c in d.factors or c in ("n", "violations", "failed") else g(r[c]) for c in cols[:-1]] +
                    [r["failed"], W.verdict_text(r)])
        flags.append(int(r["violations"]) > 0)
    rep.n_flagged = sum(flags)
    rep.summary_table = htmlpage.table(cols + ["verdict"], rows, flags)
    crow = []
    for c in d.claims:
        if c["kind"] != "pair" or c["family"] != "pairs" or c.get("strategy") not in ("plain", ""):
            continue
        if not all(c.get(f, v) in (v, "") for f, v in d.base.items()):
            continue
        at = ", ".join("%s %s" % (f, c[f]) for f in ("procs", "iters") if c.get(f))
        crow.append([c["factor"], at, "%s vs %s" % (c["a"], c["b"]), c["measure"],
                     "%s [%s, %s]" % (g(c["effect"], 3), g(c["effect_lo"], 3), g(c["effect_hi"], 3)),
                     W.TEST_NAMES.get(c["test"], c["test"]), g(c["p"], 3), g(c["p_holm"], 3), W.pair_reading(c)])
    rep.compare_intro = fmt("Neighbouring levels of each factor compared for <i>plain</i> (from "
                            "<code>claims.csv</code>): the share of increments lost by Mann–Whitney (exact where the "
                            "groups are small; Hodges–Lehmann shift with its 95 %% interval), whether a trial lost "
                            "anything by Fisher's exact test (difference with Newcombe's 95 %% interval). p_holm is "
                            "Holm's adjustment over the family of %d comparisons the report reads.",
                            sum(1 for c in d.claims if c["kind"] == "pair" and c["family"] == "pairs"
                                and c["statement"] != "not testable"))
    rep.compare_table = htmlpage.table(["factor", "at", "levels", "measure", "difference [95 % CI]", "test", "p",
                                        "p (Holm)", "reading"], crow)
    urows = []
    for c in rep.used:
        about = ", ".join("%s=%s" % (f, c[f]) for f in d.factors if c.get(f) and len(levels(d.all_summary, f)) > 1)
        urows.append([c["claim"], c["kind"], c["statement"], ("%s: %s vs %s" % (c["factor"], c["a"], c["b"])
                                                              if c["a"] else c["factor"]), about,
                      W.TEST_NAMES.get(c["test"], c["test"]), g(c["p_holm"], 3), g(c["effect"], 3)])
    rep.claims_table = htmlpage.table(["claim", "kind", "statement", "what", "where", "test", "p (Holm)", "effect"],
                                      urows)


def takeaways(rep):
    d = rep.data
    pm, I = d.procs[-1], d.iters_fixed
    out = []
    if d.has("plain"):
        c = d.cell("plain", pm, I)
        out.append(fmt("MAP_SHARED shares memory, not atomicity: %d processes lost %s of increments (95 %% CI %s to %s)",
                       pm, W.pct(num(c["lost_frac_mean"])), W.pct(num(c["lost_frac_lo"])), W.pct(num(c["lost_frac_hi"]))))
        pdir, idir = rep.dirs
        if pdir or idir:
            out.append(fmt("%s (Jonckheere–Terpstra trends, Holm-adjusted)", W.lost_frac_title(pdir, idir)))
        on, _ = rep.overlap
        if on and on["statement"] == "never lost without overlap":
            out.append(fmt("Loss needs overlap: none of %s trials without overlap lost anything (P ≤ %s)",
                           on["n"], W.pct(num(on["bound"]), 1)))
    if d.has("atomic") and d.has("mutex"):
        ga = claim(rep, "guarantee", ("procs", "iters"), strategy="atomic")
        gm = claim(rep, "guarantee", ("procs", "iters"), strategy="mutex")
        r = claim(rep, "ratio", ("strategy",), a="mutex", b="atomic", procs=pm, iters=I)
        if ga and gm and ga["statement"] == gm["statement"] == "held":
            out.append(fmt("Atomics and process-shared mutexes were exact in all %d trials; the mutex cost ",
                           int(ga["n"]) + int(gm["n"])) + (W.ratio_phrase(r) if r else Markup("more")) +
                       fmt(" atomic's time with %d processes", pm))
    if d.has("private"):
        gp = claim(rep, "guarantee", ("procs", "iters"), strategy="private")
        if gp and gp["statement"] == "held":
            out.append(fmt("MAP_PRIVATE is copy-on-write: the parent still read 0 in all %s trials", gp["n"]))
    rep.takeaways = out
    rep.takeaway_title = "Take-aways"


def trace_figures(rep, traces):
    """--trace: the progress graph and the counter against the increments
    done, for the traced trial of plain with two workers that lost the most;
    and the gap's growth while two or more ran and while one did, over every
    traced trial of that cell. Descriptive numbers, from the samples."""
    t = tracedata.lossiest(traces, "plain", 2)
    if t is None:
        return
    tl = t.timeline()
    w0, w1 = sorted(t.workers)[:2]
    both = [F.pt(t.done_at(w0, x[0]), t.done_at(w1, x[0]), None, None, "") for x in tl if x[3] >= 2]
    one = [F.pt(t.done_at(w0, x[0]), t.done_at(w1, x[0]), None, None, "") for x in tl if x[3] < 2]
    f = F.Fig("trace_progress", "A progress graph, measured", "increments done by worker A",
              "increments done by worker B", [("both running", "#d62728", 1, both),
                                              ("one running", "#7f7f7f", 1, one)], style=2)
    f.caption = W.caption_trace_progress(t, len(tl))
    rep.figures.append(f)
    us = [x[0] / 1000.0 for x in tl]
    f = F.Fig("trace_gap", "The counter falls behind the work done", "time in the trial (µs)", "increments",
              [("done by all workers", "#1f77b4", 1, [F.pt(u, x[1], None, None, "") for u, x in zip(us, tl)]),
               ("the counter, as read", "#d62728", 1, [F.pt(u, x[2], None, None, "") for u, x in zip(us, tl)])],
              style=2)
    f.caption = W.caption_trace_gap(t, tl)
    rep.figures.append(f)
    rates = [x.gap_rates() for x in traces.values() if x.strategy == "plain" and x.procs == 2]
    both_r = sorted(r[2][0] for r in rates if r[2][0] is not None)
    one_r = sorted(r[1][0] for r in rates if r[1][0] is not None)
    if both_r or one_r:
        def q(v, p):
            return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]
        # a state no trial was in (workers run one after the other on a busy
        # or one-CPU machine) has no bar, and the caption says so
        pts = [F.pt(x, q(v, 0.5), q(v, 0.25), q(v, 0.75), name)
               for x, v, name in ((1, one_r, "one running"), (2, both_r, "two or more running")) if v]
        f = F.Fig("trace_rates", "How fast the gap grows", "workers running", "gap growth (increments per µs)",
                  [("plain, 2 processes", "#d62728", 1, pts)], style=3, xcat=True, yzero=False)
        f.caption = W.caption_trace_rates(len(rates), q(one_r, 0.5) if one_r else None,
                                          q(both_r, 0.5) if both_r else None, len(one_r), len(both_r))
        rep.figures.append(f)


def build(d):
    rep = Report(d)
    rep.dirs, rep.overlap = (None, None), (None, None)
    rep.n_trials = len(d.all_trials)
    rep.experiment_name = d.summary[0].get("experiment", "")
    main_figures(rep)
    lessons(rep)
    trace_figures(rep, d.traces)
    drills(rep)
    takeaways(rep)
    strats = levels(d.all_summary, "strategy")
    nviol = sum(1 for r in d.all_summary if int(r["violations"]) > 0)
    rep.intro = fmt("%d trials: %d strategies (%s), %d process counts (%s), %d iteration counts (%s). Every number "
                    "below is computed from this run's data, and every comparison is decided by racestat (see the "
                    "last table). %s", rep.n_trials, len(strats), ", ".join(strats), len(d.procs),
                    ", ".join(map(str, d.procs)), len(d.iters), join(", ", [W.count_html(i) for i in d.iters]),
                    fmt("<b>%d cells had violations.</b>", nviol) if nviol else
                    fmt("No trial broke its strategy's guarantee."))
    rep.notes.append(W.drift_note(d.claims))
    rep.what_was_run = [
        "Strategies: " + ", ".join(d.strategies),
        "Processes: %s" % ", ".join(map(str, d.procs)),
        "Increments per process: %s" % ", ".join(W.fmt_count(i) for i in d.iters),
        "%s trials per cell, %d trials in all, in shuffled rounds" % (d.summary[0]["n"], rep.n_trials),
        "%s, %s CPUs, %s" % (d.meta.get("cpu_model", "?"), d.meta.get("cpus_online", "?"), d.meta.get("kernel", "?")),
        "Compiled %s; plain's loop: load, add, store, no lock" % d.meta.get("compiler", "gcc"),
    ]
    tables(rep)
    hosts_side_by_side(rep)
    return rep


def hosts_side_by_side(rep):
    """Several machines' data for the same cells: P(loss) and the share
    lost of each host, with their intervals (summary.csv), side by side."""
    d = rep.data
    rep.hosts_table = None
    if not d.same_cells_on_hosts:
        return
    rep.notes.append(W.hosts_note(d.hosts, d.base.get("host")))
    others = [f for f in d.factors if f not in ("host",) and len(levels(d.all_summary, f)) > 1]
    by = {}
    for r in d.all_summary:
        by.setdefault(tuple(r[f] for f in others), {})[r["host"]] = r
    rows = []
    for key, per in by.items():
        row = list(key)
        for hst in d.hosts:
            r = per.get(hst)
            row.append(W.with_interval(r, "p_loss") if r else "–")
            row.append(W.with_interval(r, "lost_frac_mean", "lost_frac_lo", "lost_frac_hi") if r else "–")
        rows.append(row)
    heads = others + [x for hst in d.hosts for x in ("P(loss) on " + hst, "share lost on " + hst)]
    rep.hosts_table = htmlpage.table(heads, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials")
    ap.add_argument("--stats")
    ap.add_argument("--experiment", default="")
    ap.add_argument("--shm", default="")
    ap.add_argument("--trace", default="", help="a traced run's CSV (its .trace.csv beside it)")
    ap.add_argument("--reproduce", help="racestat --compare's folder (reproduce.csv)")
    ap.add_argument("--base")
    ap.add_argument("--new")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.reproduce:
        if not args.base or not args.new:
            ap.error("--reproduce needs --base and --new")
        try:
            import reproduction
            counts = reproduction.write(args.reproduce, args.base, args.new, args.out)
        except (ReportError, OSError, KeyError, ValueError) as e:
            msg = "missing column %s" % e if isinstance(e, KeyError) else str(e) or type(e).__name__
            print("racereport: " + msg, file=sys.stderr)
            sys.exit(1)
        print("racereport: wrote %s/report.html (%s)" % (args.out, ", ".join(
            "%d %s" % (n, v) for v, n in counts.items() if n)), file=sys.stderr)
        return
    if not args.trials or not args.stats:
        ap.error("--trials and --stats are required")
    try:
        d = Data(args.trials, args.stats, args.experiment, args.shm)
        d.traces = tracedata.read(args.trace or args.trials)
        # the same data give the same bytes: date the PDF by the run, not by now
        if "SOURCE_DATE_EPOCH" not in os.environ:
            import calendar
            import time
            try:
                os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(
                    time.strptime(d.meta.get("start_utc", ""), "%Y-%m-%dT%H:%M:%SZ")))
            except ValueError:
                os.environ["SOURCE_DATE_EPOCH"] = "0"
        os.makedirs(args.out, exist_ok=True)
        figdir = os.path.join(args.out, "fig")
        rep = build(d)
        for f in rep.figures:
            F.draw(figdir, f)
        htmlpage.write(rep, figdir, os.path.join(args.out, "report.html"))
        slides_md.write(rep, os.path.join(args.out, "slides.md"))
        import tempfile
        fd, tmp = tempfile.mkstemp(dir=args.out, prefix=".slides.pdf.")
        os.close(fd)
        try:
            slides.write(rep, tmp)
            os.replace(tmp, os.path.join(args.out, "slides.pdf"))
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except (ReportError, OSError, KeyError, ValueError, StopIteration) as e:
        msg = "missing column %s" % e if isinstance(e, KeyError) else str(e) or type(e).__name__
        print("racereport: " + msg, file=sys.stderr)
        sys.exit(1)
    print("racereport: wrote %s/report.html, %s/slides.pdf, %s/slides.md and %d figures"
          % (args.out, args.out, args.out, 2 * len(rep.figures)), file=sys.stderr)


if __name__ == "__main__":
    main()
