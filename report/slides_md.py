"""slides_md.py - slides.md: the lecture slides as pandoc Markdown, for a
lecturer to edit and convert (README: pandoc -t revealjs, or dzslides for a
single file that needs no network).

One `#` a slide, in the order and with the words of slides.pdf (wording.py
through the report), every figure as its SVG under fig/ (relative: the file
sits beside fig/ in the output folder). Every text from the data goes
through markup.md(), which escapes what Markdown would read as markup.
"""
from markup import md, plain_text
from rdata import atomic_write


def text(s):
    return md(plain_text(s))


def write(rep, path, figdir="fig"):
    d = rep.data
    meta = d.meta
    out = []
    out.append("---")
    out.append("title: \"Lost updates on shared memory\"")
    out.append("subtitle: \"%d trials of processes incrementing one shared counter\"" % rep.n_trials)
    # YAML strings: the data's text quoted, with its quotes and backslashes escaped
    where = "%d trials · %s, %s CPUs · %s" % (rep.n_trials, meta.get("cpu_model", "?"),
                                              meta.get("cpus_online", "?"), meta.get("start_utc", "")[:10])
    out.append("date: \"%s\"" % where.replace("\\", "\\\\").replace("\"", "\\\""))
    out.append("---")
    out.append("")
    out.append("# The race: load, add, store")
    out.append("")
    out.append("| time | P1 | P2 | counter |")
    out.append("|---|---|---|---|")
    for t, a, b, c in [(1, "load 41", "", 41), (2, "", "load 41", 41), (3, "add: 42", "", 41),
                       (4, "", "add: 42", 41), (5, "store 42", "", 42), (6, "", "store 42", 42)]:
        out.append("| %d | %s | %s | %d |" % (t, a, b, c))
    out.append("")
    out.append("Two increments, and the counter goes from 41 to 42: one update is lost.")
    out.append("")
    out.append("# What was run")
    out.append("")
    for line in rep.what_was_run:
        out.append("- " + text(line))
    out.append("")
    for f in rep.figures:
        out.append("# " + text(f.title))
        out.append("")
        out.append("![%s](%s/%s.svg)" % (text(f.title), figdir, f.name))
        out.append("")
        out.append(text(f.slide_text if getattr(f, "slide_text", None) else f.caption))
        out.append("")
    out.append("# " + text(rep.takeaway_title))
    out.append("")
    for line in rep.takeaways:
        out.append("- " + text(line))
    out.append("")
    atomic_write(path, "\n".join(out))
    return 3 + len(rep.figures) + 1
