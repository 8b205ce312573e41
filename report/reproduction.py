"""reproduction.py - report.html for `make reproduce`: is this machine's
result the same as the published one?

Every verdict is racestat's (reproduce.csv, from `racestat --compare`);
this page only shows both sides' values with their intervals, words the
verdicts, and lists where the two machines differ, from both .meta files.
Every string from the data reaches the page through markup.h().
"""
import os

import htmlpage
import wording as W
from markup import Markup, fmt, h, join
from rdata import ReportError, atomic_write, read_csv, read_meta
from rdata import num as _num


def num(r, k):
    return _num(r.get(k))

# what to compare first when a result does not reproduce, most suspect first
MACHINE_KEYS = [
    ("plain_loop", "plain's loop as built"),
    ("cpu_model", "CPU"),
    ("cpus_online", "CPUs online"),
    ("cpus_allowed_count", "CPUs the run could use"),
    ("smt", "SMT"),
    ("topology", "topology"),
    ("governor", "frequency governor"),
    ("kernel", "kernel"),
    ("compiler", "compiler"),
    ("compiler_version", "compiler version"),
    ("cflags", "flags"),
    ("racelab_commit", "racelab commit"),
    ("host", "host"),
    ("settings", "the sweep"),
    ("warning", "race's warnings"),
]

FACTOR_COLS = ("experiment", "strategy", "start", "procs", "iters", "region", "workers", "pin", "launch")
ROW_COLS = ("verdict", "trials_needed", "detail")


EXTRA_STYLE = """
.nw { white-space: nowrap; } .v-ok { color: #1a7f37; font-weight: bold; }
.v-bad { color: #c0392b; font-weight: bold; } .v-open { color: #666; font-weight: bold; }
td:nth-child(2), th:nth-child(2) { text-align: left; }
"""


def pct1(x):
    return "%.3g" % (100 * x) if x else "0"


def interval(x, lo, hi):
    """'12 % [8, 17]', kept on one line"""
    if x is None:
        return "–"
    s = "%s %%" % pct1(x)
    if lo is not None and hi is not None:
        s += " [%s, %s]" % (pct1(lo), pct1(hi))
    return fmt('<span class="nw">%s</span>', s)


def diff(x, lo, hi):
    if x is None:
        return "–"
    return fmt('<span class="nw">%+.1f pp [%+.1f, %+.1f]</span>', 100 * x, 100 * (lo or 0), 100 * (hi or 0))


def cell_label(r, varying):
    return fmt('<span class="nw">%s</span>', ", ".join("%s %s" % (k, r[k]) for k in varying
                                                         if r.get(k) not in ("", None)))


def verdict_cell(r):
    v = r["verdict"]
    need = r.get("trials_needed", "")
    cls = {"reproduced": "v-ok", "differs": "v-bad"}.get(v, "v-open")
    out = fmt('<span class="%s">%s</span>', cls, v)
    return out + (fmt(" (about %s trials a side)", need) if need else Markup(""))


def machines(mb, mn):
    rows, flags = [], []
    for key, label in MACHINE_KEYS:
        a, b = mb.get(key, "–"), mn.get(key, "–")
        rows.append([label, a, b, "same" if a == b else "differs"])
        flags.append(a != b and key in ("plain_loop", "cpu_model", "cflags", "compiler_version"))
    return rows, flags


def write(rdir, base, new, out):
    rows = read_csv(os.path.join(rdir, "reproduce.csv"))
    if not rows:
        raise ReportError("%s/reproduce.csv: no cells" % rdir)
    mb, mn = read_meta(base + ".meta"), read_meta(new + ".meta")
    counts = {v: sum(1 for r in rows if r["verdict"] == v)
              for v in ("reproduced", "differs", "inconclusive", "base only", "new only")}
    # the factors that tell the cells apart (the others are said once, above the table)
    keys = [k for k in rows[0].keys() if k in FACTOR_COLS or (k not in ROW_COLS and not k.startswith(
        ("p_loss", "lost_frac", "n_", "lossy_", "violations_", "margin_", "host_")))]
    varying = [k for k in keys if len({r.get(k) for r in rows}) > 1] or keys[:1]
    fixed = [(k, rows[0][k]) for k in keys if k not in varying and rows[0].get(k)]
    table_rows, flags = [], []
    for r in rows:
        table_rows.append([
            cell_label(r, varying), verdict_cell(r),
            r["n_base"] or "–", r["n_new"] or "–",
            interval(num(r, "p_loss_base"), num(r, "p_loss_base_lo"), num(r, "p_loss_base_hi")),
            interval(num(r, "p_loss_new"), num(r, "p_loss_new_lo"), num(r, "p_loss_new_hi")),
            diff(num(r, "p_loss_diff"), num(r, "p_loss_lo"), num(r, "p_loss_hi")),
            interval(num(r, "lost_frac_base"), num(r, "lost_frac_base_lo"), num(r, "lost_frac_base_hi")),
            interval(num(r, "lost_frac_new"), num(r, "lost_frac_new_lo"), num(r, "lost_frac_new_hi")),
            diff(num(r, "lost_frac_shift"), num(r, "lost_frac_lo"), num(r, "lost_frac_hi")),
            r.get("detail", ""),
        ])
        flags.append(r["verdict"] == "differs")
    mrows, mflags = machines(mb, mn)
    margin_p, margin_f = rows[0].get("margin_p_loss", ""), rows[0].get("margin_lost_frac", "")
    loop_note = W.reproduce_loop_note(mb.get("plain_loop", ""), mn.get("plain_loop", ""))
    parts = [
        Markup('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'),
        Markup("<title>racelab: reproduction</title>"),
        Markup("<style>%s%s</style></head><body>" % (htmlpage.STYLE, EXTRA_STYLE)),
        Markup("<h1>Is this the published result?</h1>"),
        Markup("<p>") + W.reproduce_intro(base, new, mb, mn, len(rows), counts) + Markup("</p>"),
        Markup("<p>") + W.reproduce_method(margin_p, margin_f) + Markup("</p>"),
        Markup('<p class="note">') + loop_note + Markup("</p>") if loop_note else Markup(""),
        Markup("<h2>Every cell</h2>"),
        Markup("<p>") + (fmt("In every cell: %s.", ", ".join("%s %s" % kv for kv in fixed)) if fixed else Markup("")) +
        Markup(" P(loss) with 95 % Wilson intervals, the share lost with 95 % hurdle intervals, in %; "
               "the differences (new − base) in percentage points with their 95 % intervals.</p>"),
        htmlpage.table(["cell", "verdict", "n base", "n new", "P(loss) base", "P(loss) new",
                        "difference (Newcombe)", "share lost base", "share lost new",
                        "shift (Hodges–Lehmann)", "note"], table_rows, flags),
        Markup("<h2>The two machines</h2>"),
        Markup("<p>From both <code>.meta</code> files; rows in red are the first suspects when a cell "
               "differs (the loop as compiled above all).</p>"),
        htmlpage.table(["", "base", "new", ""], mrows, mflags, cls="meta"),
        Markup("</body></html>\n"),
    ]
    os.makedirs(out, exist_ok=True)
    atomic_write(os.path.join(out, "report.html"), str(join("\n", parts)))
    return counts
