"""htmlpage.py - report.html: one self-contained page (figures inline).

Every string from the data reaches the page through markup.h(), in the
templates below through fmt(); the report's own sentences come from
wording.py as Markup.
"""
import base64
import os

from markup import Markup, fmt, h, join
from rdata import atomic_write

STYLE = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.8em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; font-size: .85em; margin: 1em 0; }
td, th { border: 1px solid #ddd; padding: .25em .5em; text-align: right; vertical-align: top; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
tr.flag td { background: #fdd; font-weight: bold; }
figure { margin: 2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .95em; margin-top: .4em; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font-size: .85em; white-space: pre-wrap; }
.meta td, .meta th { text-align: left; font-family: monospace; word-break: break-all; }
.meta td:first-child { word-break: normal; white-space: nowrap; }
details { margin: 1em 0; } summary { cursor: pointer; font-weight: bold; }
.wide { overflow-x: auto; }
.note { background: #fff8e1; border-left: 4px solid #f0c040; padding: .5em 1em; }
"""


def table(headers, rows, flags=None, cls=""):
    head = join("", [fmt("<th>%s</th>", x) for x in headers])
    body = []
    for i, r in enumerate(rows):
        tr = Markup('<tr class="flag">') if flags and flags[i] else Markup("<tr>")
        body.append(tr + join("", [fmt("<td>%s</td>", x) for x in r]) + Markup("</tr>"))
    return fmt('<div class="wide"><table%s>', Markup(' class="%s"' % cls) if cls else Markup("")) + \
        Markup("<thead><tr>") + head + Markup("</tr></thead><tbody>") + join("", body) + \
        Markup("</tbody></table></div>")


def figure(figdir, k, f):
    with open(os.path.join(figdir, f.name + ".png"), "rb") as fh:
        b64 = base64.b64encode(fh.read()).decode("ascii")
    return Markup('<figure id="fig-%s"><img src="data:image/png;base64,%s" alt="' % (f.name, b64)) + \
        h(f.title) + Markup('"><figcaption>') + fmt("<b>Figure %d. %s.</b> ", k, f.title) + \
        h(f.caption) + Markup("</figcaption></figure>")


def write(rep, figdir, path):
    d = rep.data
    figs = join("\n", [figure(figdir, k, f) for k, f in enumerate(rep.figures, 1)])
    meta = table(["key", "value"], sorted(d.meta.items()), cls="meta")
    drills = join("\n", [fmt("<h3>%s</h3><p>", t) + h(x) + Markup("</p>") for t, x in rep.drills])
    notes = join("\n", [Markup('<p class="note">') + h(n) + Markup("</p>") for n in rep.notes])
    parts = [
        Markup('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'),
        fmt("<title>racelab report: %s</title>", rep.experiment_name),
        Markup("<style>%s</style></head><body>" % STYLE),
        fmt("<h1>Lost updates on shared memory: %s</h1>", rep.experiment_name),
        Markup("<p>") + rep.intro + Markup("</p>"),
        notes,
        Markup("<h2>Figures</h2>"), figs,
        Markup("<h2>The seed's drills, answered from this run</h2>"), drills,
        (Markup("<h2>The machines side by side</h2><p>P(loss) (95 % Wilson) and the share lost (95 % hurdle "
                "interval) per host, from <code>summary.csv</code>.</p>") + rep.hosts_table)
        if getattr(rep, "hosts_table", None) else Markup(""),
        Markup("<h2>Summary of every cell</h2>"),
        fmt("<p>From <code>summary.csv</code>. Rows with violations are flagged in red (%d). A verdict "
            "of never or always needs at least %d trials; the share lost has 95 %% hurdle intervals, "
            "P(loss) 95 %% Wilson intervals and a one-sided 95 %% exact (Clopper–Pearson) upper bound.</p>",
            rep.n_flagged, 10),
        rep.summary_table,
        Markup("<h2>Comparisons</h2>"),
        Markup("<p>") + rep.compare_intro + Markup("</p>"),
        rep.compare_table,
        Markup("<h2>Every claim this report makes</h2>"),
        Markup("<p>Each statement of direction, comparison or ratio above is a row of "
               "<code>claims.csv</code>, decided by racestat from the test named, at 5 % after Holm's "
               "correction within its family.</p>"),
        rep.claims_table,
        Markup("<h2>How the data was made</h2>"),
        Markup("<details><summary>The run's .meta: machine, compiler, the loop as built, the command</summary>"),
        meta, Markup("</details>"),
        Markup("<details><summary>The experiment file</summary><pre>"), h(d.experiment_text),
        Markup("</pre></details>"),
        Markup("</body></html>\n"),
    ]
    atomic_write(path, str(join("\n", parts)))
