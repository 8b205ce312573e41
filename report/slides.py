"""slides.py - 16:9 lecture slides (matplotlib), the same bytes from the
same data. Slide titles and every sentence come from the report (wording.py);
text from the data is escaped for matplotlib, which would read '$' as math."""
import textwrap

from markup import plain_text
from rdata import num
from figures import color_of, PROCS_COLORS
from wording import fmt_count, fmt_int, pct


def mtext(s):
    """Plain text as matplotlib draws it literally."""
    return plain_text(s).replace("\\", "\\\\").replace("$", r"\$")


def sup(v):
    s = fmt_count(v)
    return "$10^{%s}$" % s[3:] if s.startswith("10^") else s


def write(rep, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.patches import FancyBboxPatch

    d = rep.data
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 22, "axes.titlesize": 30,
                         "axes.labelsize": 24, "xtick.labelsize": 20, "ytick.labelsize": 20,
                         "legend.fontsize": 20, "axes.spines.top": False,
                         "axes.spines.right": False, "pdf.fonttype": 42})
    W, H = 13.333, 7.5
    I, pm = d.iters_fixed, d.procs[-1]

    def new(title):
        fig = plt.figure(figsize=(W, H))
        fig.text(0.04, 0.92, mtext(title), fontsize=34, weight="bold", va="center")
        return fig

    def bullets(fig, lines, top=0.78, size=26):
        width = int(1500 / size)
        y = top
        for line in lines:
            wrapped = textwrap.wrap(mtext(line), width) or [""]
            fig.text(0.06, y, "•", fontsize=size, va="top")
            fig.text(0.09, y, "\n".join(wrapped), fontsize=size, va="top", linespacing=1.3)
            y -= (len(wrapped) * 1.3 + 0.7) * size / 72.0 / H

    def footer(fig, text, lines=3):
        fig.text(0.04, 0.02, "\n".join(textwrap.wrap(mtext(text), 105)[:lines]), fontsize=15,
                 color="#333", va="bottom")

    def series_axes(fig, f, rect):
        ax = fig.add_axes(rect)
        for label, color, dash, pts in f.series:
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            if f.style == 2:
                ax.scatter(xs, ys, s=30, color=color, label=mtext(label), alpha=0.8)
                continue
            err = [[y - p[2] for y, p in zip(ys, pts)], [p[3] - y for y, p in zip(ys, pts)]]
            ax.errorbar(xs, ys, yerr=err, fmt="o", color=color, lw=3, ms=9, capsize=5,
                        ls="none" if f.style == 3 else ["-", "--", ":", "-."][(dash - 1) % 4],
                        label=mtext(label))
        if f.flags["LOGX"]:
            ax.set_xscale("log")
        if f.flags["LOGY"]:
            ax.set_yscale("log")
        if f.flags["XCAT"] or f.flags["INTX"]:
            ticks = sorted({(p[0], p[4]) for _, _, _, pts in f.series for p in pts})
            ax.set_xticks([t[0] for t in ticks])
            ax.set_xticklabels([mtext(str(t[1])) for t in ticks])
        ax.set_xlabel(mtext(f.xlabel))
        ax.set_ylabel(mtext(f.ylabel), fontsize=20)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=16, frameon=True)
        return ax

    meta = d.meta
    with PdfPages(path, metadata={"Title": "racelab: lost updates on shared memory",
                                  "Author": "racelab", "Creator": "racelab report/slides.py"}) as pdf:
        # title
        fig = plt.figure(figsize=(W, H))
        fig.text(0.5, 0.62, "Lost updates on shared memory", ha="center", fontsize=48, weight="bold")
        fig.text(0.5, 0.48, "%d trials of processes incrementing one shared counter" % rep.n_trials,
                 ha="center", fontsize=28)
        fig.text(0.5, 0.30, mtext("%s · %s CPUs · %s" % (meta.get("cpu_model", "?"), meta.get("cpus_online", "?"),
                                                          meta.get("start_utc", "")[:10])),
                 ha="center", fontsize=20, color="#555")
        fig.text(0.5, 0.22, "racelab", ha="center", fontsize=20, color="#555")
        pdf.savefig(fig)
        plt.close(fig)

        # the race in one picture (an illustration, not a measurement)
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

        # what was run
        fig = new("What was run")
        bullets(fig, rep.what_was_run)
        pdf.savefig(fig)
        plt.close(fig)

        for f in rep.figures:
            fig = new(f.title)
            if f.kind == "hist":
                n = len(f.panels)
                for i, (title, e, w, bars) in enumerate(f.panels[:4]):
                    ax = fig.add_axes([0.06 + i * 0.235, 0.22, 0.2, 0.58])
                    ax.bar([b[0] for b in bars], [b[1] for b in bars], width=w * 0.9, color=f.color)
                    ax.axvline(e, color="k", ls="--", lw=2)
                    ax.set_xlim(0, e * 1.08)
                    ax.set_title(mtext(title), fontsize=22)
                    ax.set_xticks([0, e / 2, e])
                    ax.set_xticklabels(["0", sup(int(e // 2)), sup(int(e))])
                    ax.tick_params(labelsize=16)
                    if i == 0:
                        ax.set_ylabel("trials", fontsize=20)
                    if i >= 3 and n > 4:
                        break
            else:
                series_axes(fig, f, [0.1, 0.27, 0.58, 0.55])
            footer(fig, f.slide_text if getattr(f, "slide_text", None) else f.caption)
            pdf.savefig(fig)
            plt.close(fig)

        # take-aways
        fig = new(rep.takeaway_title)
        bullets(fig, rep.takeaways, size=24)
        pdf.savefig(fig)
        plt.close(fig)
