"""wording.py - every sentence the report and the slides can say.

A statement of direction, comparison or ratio is only ever the wording of a
row of racestat's claims.csv (its `statement`, decided by a test after
Holm's correction), quoted with its test and adjusted p; a claim of "no
clear trend" gets a neutral title. Numbers that merely describe a cell
(a mean, an interval, a count) come from summary.csv. Nothing here decides.
"""
from markup import Markup, fmt, join
from rdata import num

# ------------------------------------------------------------ numbers --


def pct(x, digits=0):
    if x is None:
        return "–"
    return "%.*f %%" % (digits, 100.0 * x)


def fmt_count(v):
    v = int(v)
    if v >= 1000 and v % 10 == 0:
        e, m = 0, v
        while m % 10 == 0:
            m //= 10
            e += 1
        return "10^%d" % e if m == 1 else "%de%d" % (m, e)
    return str(v)


def count_html(v):
    s = fmt_count(v)
    return Markup("10<sup>%s</sup>" % s[3:]) if s.startswith("10^") else Markup(s)


def fmt_int(v):
    return "{:,}".format(int(round(v)))


def fmt_ns(x):
    if x is None:
        return "–"
    return ("%.1f" % x) if x < 100 else ("%.0f" % x)


def fmt_sig(x):
    """three significant digits, never an exponent (a skew of 1.5 ms is
    1500 µs, not 1.5e+03)"""
    s = "%.3g" % x
    if "e" in s:
        v = float(s)
        s = "%.0f" % v if abs(v) >= 1 else "%.3f" % x
    return s


def fmt_p(p):
    p = num(p)
    if p is None:
        return "–"
    if p < 0.0001:
        return "p < 0.0001"
    return "p = %.2g" % p if p < 0.01 else "p = %.3f" % p


def fmt_ratio(x):
    return ("%.2f" % x) if x < 10 else ("%.1f" % x) if x < 100 else ("%.0f" % x)


TEST_NAMES = {
    "jt-permutation": "Jonckheere–Terpstra, permutation p",
    "jt-asymptotic": "Jonckheere–Terpstra",
    "mw-exact": "Mann–Whitney, exact p",
    "mw-asymptotic": "Mann–Whitney",
    "fisher-exact": "Fisher's exact test",
    "spearman": "Spearman",
    "clopper-pearson": "exact binomial bound",
    "bootstrap-percentile": "bootstrap",
    "kendall": "Kendall",
}

FACTOR_WORDS = {"procs": "the number of processes", "iters": "the increments per worker"}
MEASURE_WORDS = {"lost_frac": "the share of increments lost", "p_loss": "the chance that a trial loses anything"}


def evidence(c):
    """(test, statistic, Holm p) of a claim, as the report quotes it."""
    if c is None:
        return Markup("")
    test = TEST_NAMES.get(c["test"], c["test"])
    parts = [test]
    if c["kind"] == "trend" and c.get("effect"):
        parts.append(Markup("τ<sub>b</sub> = %.2f" % num(c["effect"])))
    if c.get("p_holm"):
        parts.append("Holm-adjusted " + fmt_p(c["p_holm"]))
    return Markup("(") + join(", ", parts) + Markup(")")


def capital(m):
    """A sentence of ours (Markup) with its first letter capitalised."""
    s = str(m)
    return Markup(s[:1].upper() + s[1:])


# ------------------------------------------------------------ claims --


def trend_sentence(c, subject):
    """'the share lost rose with the number of processes (test, p)'"""
    if c is None:
        return None
    what = MEASURE_WORDS.get(c["measure"], c["measure"])
    by = FACTOR_WORDS.get(c["factor"], c["factor"])
    st = c["statement"]
    if st == "increasing":
        verb = "rose with"
    elif st == "decreasing":
        verb = "fell with"
    elif st == "no clear trend":
        verb = "showed no clear trend with"
    else:
        return fmt("for %s, %s could not be tested against %s: nothing varied", subject, what, by)
    return fmt("for %s, %s %s %s ", subject, what, verb, by) + evidence(c)


def direction(statements):
    """One word for a set of trend statements, or None when they differ or
    none was testable: the caller then uses a neutral title."""
    s = {x for x in statements if x not in ("not testable",)}
    if len(s) == 1 and s <= {"increasing", "decreasing"}:
        return s.pop()
    return None


def lost_frac_title(procs_dir, iters_dir):
    if procs_dir == "increasing" and iters_dir == "increasing":
        return "More processes, more iterations: more is lost"
    if iters_dir == "increasing" and procs_dir is None:
        return "More iterations, more is lost"
    if procs_dir == "increasing" and iters_dir is None:
        return "More processes, more is lost"
    if procs_dir == "decreasing":
        return "More processes, a smaller share lost"
    return "How much is lost"


def p_loss_title(iters_dir):
    return "Longer trials lose updates more often" if iters_dir == "increasing" else "How often anything is lost"


def overlap_title(none_claim):
    if none_claim and none_claim["statement"] == "never lost without overlap":
        return "No overlap, no loss"
    return "Overlap and loss"


def overlap_sentence(none_claim, corr_claim):
    out = []
    if none_claim:
        n, k, bound = int(none_claim["n"]), int(none_claim["k"] or 0), num(none_claim["bound"])
        if none_claim["statement"] == "never lost without overlap":
            out.append(fmt("In none of the %d trials in which no two workers ran at once was an update "
                           "lost: P(loss without overlap) ≤ %s (one-sided 95 %% exact bound).", n, pct(bound, 1)))
        elif none_claim["statement"] == "lost without overlap":
            out.append(fmt("%d of the %d trials in which no two workers ran at once lost updates, as "
                           "measured by the workers' own clocks.", k, n))
        elif none_claim["statement"] == "insufficient":
            out.append(fmt("Only %d trials ran without any overlap: too few to bound P(loss) there.", n))
    if corr_claim:
        rho, lo, hi = num(corr_claim["effect"]), num(corr_claim["effect_lo"]), num(corr_claim["effect_hi"])
        word = {"positive": "The more of the trial two workers shared, the larger the share lost",
                "negative": "The more of the trial two workers shared, the smaller the share lost",
                }.get(corr_claim["statement"], "The overlap showed no clear rank correlation with the share lost")
        out.append(fmt("%s: Spearman's ρ = %.2f (95 %% CI %.2f to %.2f, Holm-adjusted %s).", word, rho, lo, hi,
                       fmt_p(corr_claim["p_holm"])))
    return join(" ", out)


def ratio_phrase(c):
    """'3.8× (95 % CI 3.5–4.1×)' or the claim's 'no clear difference'."""
    if c is None:
        return None
    r, lo, hi = num(c["effect"]), num(c["effect_lo"]), num(c["effect_hi"])
    core = fmt("%s× (95 %% CI %s–%s×)", fmt_ratio(r), fmt_ratio(lo), fmt_ratio(hi))
    if c["statement"] == "no clear difference":
        return core + Markup(", no clear difference")
    return core


def pair_reading(c):
    """A comparison table's reading of a pair claim."""
    if c is None:
        return ""
    st = c["statement"]
    if st == "more":
        return "%s %s loses more" % (c["factor"], c["b"])
    if st == "less":
        return "%s %s loses less" % (c["factor"], c["b"])
    return st


def pair_sentence(c, a_word, b_word):
    """'plain lost updates more often than plain-hoisted (test, p)'"""
    if c is None:
        return None
    what = "lost updates more often" if c["measure"] == "p_loss" else "lost a larger share"
    less = "lost updates less often" if c["measure"] == "p_loss" else "lost a smaller share"
    st = c["statement"]
    if st == "more":
        return fmt("%s %s than %s ", b_word, what, a_word) + evidence(c)
    if st == "less":
        return fmt("%s %s than %s ", b_word, less, a_word) + evidence(c)
    if st == "no clear difference":
        return fmt("%s and %s showed no clear difference in %s ", a_word, b_word,
                   MEASURE_WORDS.get(c["measure"], c["measure"])) + evidence(c)
    return fmt("%s and %s could not be compared: nothing varied", a_word, b_word)


def verdict_text(row):
    """A cell's verdict with its evidence: 'never in 30 trials, P(loss) ≤ 9.5 %'."""
    v, n = row["verdict"], int(row["n"])
    if v == "never":
        return fmt("never in %d trials, P(loss) ≤ %s", n, pct(num(row["p_loss_upper"]), 1))
    if v == "always":
        return fmt("in every one of %d trials", n)
    if v == "insufficient":
        return fmt("too few trials for a verdict (%d)", n)
    if v == "sometimes":
        return fmt("in %d of %d trials", int(row["lossy"]), n)
    return fmt("%s", v)


def guarantee_sentence(c, strategy):
    n, v = int(c["n"]), int(c["k"] or 0)
    if strategy == "private":
        what = "the parent still read 0"
    elif c["measure"] == "at_most":
        what = "never above expected"
    else:
        what = "final == expected"
    if c["statement"] == "held":
        return fmt("<i>%s</i>: %s in %d of %d trials", strategy, what, n, n)
    return fmt("<i>%s</i>: the guarantee broke in %d of %d trials", strategy, v, n)


def drift_note(claims):
    tested = [c for c in claims if c["kind"] == "drift" and c["statement"] != "not testable"]
    drifted = [c for c in tested if c["statement"] == "drift"]
    if not tested:
        return fmt("No cell had enough varying trials to test for drift.")
    if not drifted:
        return fmt("Trials ran in shuffled rounds; in none of the %d cells tested did the share lost "
                   "drift with the trials' place in the sweep (Kendall's τ against seq, Holm-adjusted).",
                   len(tested))
    return fmt("Drift: in %d of %d cells the share lost changed with the trials' place in the sweep "
               "(Kendall's τ against seq, Holm-adjusted p < 0.05); read those cells with care.",
               len(drifted), len(tested))


# ------------------------------------------------------------ captions --

CI_HURDLE = ("95 % hurdle intervals (an exact Clopper–Pearson interval for P(loss) times a Student-t "
             "interval for the share lost by lossy trials, joined by Bonferroni)")


def caption_lost_frac(d, trends):
    pm, p2, I = d.procs[-1], d.p2, d.iters_fixed
    hi, lo = d.cell("plain", pm, I), d.cell("plain", p2, I)
    s = fmt("Mean share of increments lost by <i>plain</i>, with %s. With %d processes and %s iterations "
            "%s of trials lost updates, %s of increments on average (95 %% CI %s to %s); with %d processes, %s.",
            CI_HURDLE, pm, count_html(I), pct(num(hi["p_loss"])), pct(num(hi["lost_frac_mean"])),
            pct(num(hi["lost_frac_lo"])), pct(num(hi["lost_frac_hi"])), p2, pct(num(lo["lost_frac_mean"])))
    sent = [t for t in trends if t is not None]
    if sent:
        s = s + Markup(" ") + capital(join("; ", sent)) + Markup(".")
    return s


def caption_p_loss(d, trend):
    pm, I, small = d.procs[-1], d.iters_fixed, d.iters[0]
    lo, hi = d.cell("plain", pm, small), d.cell("plain", pm, I)
    s = fmt("Share of <i>plain</i> trials that lost at least one update, with 95 %% Wilson intervals. With %d "
            "processes: %s at %s iterations (one-sided 95 %% exact Clopper–Pearson upper bound %s), %s at %s.",
            pm, pct(num(lo["p_loss"])), count_html(small), pct(num(lo["p_loss_upper"]), 1),
            pct(num(hi["p_loss"])), count_html(I))
    if trend is not None:
        s = s + Markup(" ") + capital(trend) + Markup(".")
    return s


def caption_hist(d):
    pm, I = d.procs[-1], d.iters_fixed
    c = d.cell("plain", pm, I)
    return fmt("Final counter values of <i>plain</i> at %s increments per worker, one panel per process count; "
               "the dashed line is the expected value. With %d processes the final value ranged from %s to %s "
               "(median %s, bootstrap 95 %% CI %s to %s) against %s expected; updates were lost %s.",
               count_html(I), pm, fmt_int(num(c["final_min"])), fmt_int(num(c["final_max"])),
               fmt_int(num(c["final_median"])), fmt_int(num(c["final_median_lo"]) or 0),
               fmt_int(num(c["final_median_hi"]) or 0), fmt_int(num(c["expected"])), verdict_text(c))


def caption_cost(d, ratios):
    I, pm = d.iters_fixed, d.procs[-1]
    parts = []
    for s in d.strategies:
        c = d.cell(s, pm, I)
        if c:
            parts.append(fmt("%s %s ns", s, fmt_ns(num(c["ns_per_inc"]))))
    out = fmt("Median nanoseconds per increment at %s iterations per worker (log scale). With %d processes: %s.",
              count_html(I), pm, join(", ", parts))
    if ratios:
        out = out + fmt(" Against <i>atomic</i> in the same cell (ratio of medians, bootstrap interval): ") + \
            join("; ", [fmt("%s ", s) + r for s, r in ratios]) + Markup(".")
    return out


def caption_controls(d, guarantees):
    return fmt("The controls, final / expected per cell (mean, with min and max): ") + \
        join("; ", guarantees) + Markup(".")


# ------------------------------------------------------- reproduction --


def reproduce_intro(base, new, mb, mn, ncells, counts):
    """The verdicts, counted: every one is racestat's (reproduce.csv)."""
    where = fmt("<code>%s</code> (host %s, %s) against this run, <code>%s</code> (host %s, %s)",
                base, mb.get("host", "?"), mb.get("start_utc", "?"), new, mn.get("host", "?"),
                mn.get("start_utc", "?"))
    tally = join(", ", [fmt("%d %s", counts[v], v) for v in ("reproduced", "differs", "inconclusive",
                                                             "base only", "new only") if counts[v]])
    return fmt("The published data, ") + where + fmt(": %d cells; ", ncells) + tally + Markup(".")


def reproduce_method(margin_p, margin_f):
    return fmt("For every cell on both sides racestat compares P(loss) (Fisher's exact test, Newcombe's "
               "interval of the difference) and the share lost (Mann–Whitney, the Hodges–Lehmann shift), "
               "with Holm's correction over every test of the comparison. <b>differs</b>: a difference "
               "significant after Holm (or a guarantee that held on one side only); <b>reproduced</b>: both "
               "differences shown within the margins by two one-sided tests at 5 %% (P(loss) ±%s, share "
               "lost ±%s); <b>inconclusive</b>: neither, with the trials a side that would settle it (80 %% "
               "power). The host is not a factor here: it names the machines being compared.",
               margin_p, margin_f)


def reproduce_loop_note(loop_base, loop_new):
    if not loop_base or not loop_new or loop_base == loop_new:
        return None
    return fmt("The plain loop was compiled differently on the two machines: what is measured is not the "
               "same instructions, the first thing to suspect where a cell differs.")


def hosts_note(hosts, shown):
    return fmt("The data hold %d machines (%s) with the same cells: racestat keeps every host's trials in cells "
               "of their own (host is a factor). The figures show %s; the table <i>The machines side by side</i> "
               "shows every host.", len(hosts), ", ".join(hosts), shown or hosts[0])


def with_interval(r, col, lo=None, hi=None):
    """'12 % [8 %, 17 %]' from a summary row (P(loss) by default)."""
    x = num(r.get(col))
    if x is None:
        return "–"
    a, b = num(r.get(lo or col + "_lo")), num(r.get(hi or col + "_hi"))
    return pct(x, 1) + ("" if a is None or b is None else " [%s, %s]" % (pct(a, 1), pct(b, 1)))


# -------------------------------------------------------------- trace --


def caption_trace_progress(t, n):
    return fmt("The traced trial of <i>plain</i> with two processes and %s increments each that lost the most "
               "(trial %d, %s updates lost): each point is a moment of the trial, at worker A's and worker B's "
               "increments done then (%d samples, every %s increments of a worker, linear between). Where both "
               "ran at once the curve climbs diagonally, and only there can an update be lost; where one ran "
               "alone it runs straight along an axis: the textbook's progress graph, measured.",
               count_html(t.iters), t.trial, fmt_int(max(t.lost(), 0)), n,
               fmt_int(max(s[1][1] - s[0][1] for s in t.workers.values() if len(s) > 1)))


def caption_trace_gap(t, tl):
    gap = max((x[1] - x[2] for x in tl), default=0)
    return fmt("The same trial over time: the increments both workers had done, and the shared counter as the "
               "workers read it at each sample. The gap between them is what had been lost so far (a load not "
               "yet stored shows in it for a moment too); it ended at %s of %s and was %s at its widest.",
               fmt_int(max(t.lost(), 0)), fmt_int(t.procs * t.iters), fmt_int(gap))


def caption_trace_rates(n, one, both, n1, n2):
    def part(what, med, k):
        return (fmt("while %s (median %s, %d trial%s)", what, fmt_sig(med), k, "" if k == 1 else "s") if med is not None else
                fmt("while %s (no traced trial had such a stretch)", what))
    return fmt("Over the %d traced trials of <i>plain</i> with two processes: how fast the gap between the work "
               "done and the counter grew, in increments per microsecond, ", n) + \
        part("both workers ran", both, n2) + fmt(" and ") + part("one ran alone", one, n1) + \
        fmt(", with the quartiles. Measured from the samples, not tested: racestat's claims are elsewhere in "
            "this report.")


def skew_sentence(rows, launches, iters):
    """the median start skew of each launch (summary.csv's skew_median)"""
    parts = []
    for v in launches:
        sk = [num(r.get("skew_median")) for r in rows if r["launch"] == v and int(r["iters"]) == iters]
        sk = [x for x in sk if x is not None]
        if sk:
            parts.append(fmt("%s %s µs", v, fmt_sig(sorted(sk)[len(sk) // 2] / 1000.0)))
    if not parts:
        return Markup("")
    return fmt(" The median start skew (the last worker's start after the first's, <code>skew_ns</code>): ") + \
        join(", ", parts) + fmt(" (the medians of its cells, from summary.csv).")


def caption_launch_skew(iters, parts):
    each = join("; ", [fmt("%s workers with a %s start: %d trials, median skew %s µs, %d lossy", la, st, n,
                           fmt_sig(sk), lossy) for la, st, n, sk, lossy in parts])
    return fmt("Every trial of <i>plain</i> at %s iterations: its share of increments lost against its start "
               "skew (the last worker's start after the first's). ", count_html(iters)) + each + \
        fmt(". A trial can only lose updates while its workers overlap, and how far apart they start sets how "
            "long they may; the comparisons of the share lost between launches are racestat's, in the figure "
            "before.")
