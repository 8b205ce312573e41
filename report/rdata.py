"""rdata.py - racestat's outputs and the trials, read once, with lookups.

Nothing here decides anything about the data: the statistics and every
claim come from racestat (summary.csv, compare.csv, claims.csv); this module
reads them and finds rows by factor values.
"""
import csv
import math
import os


class ReportError(Exception):
    pass


def num(v):
    """A CSV field as a number; None when empty."""
    if v is None or v == "":
        return None
    try:
        x = float(v)
    except ValueError:
        raise ReportError("not a number in the data: %r" % v[:40])
    if not math.isfinite(x):
        raise ReportError("a non-finite number in the data: %r" % v[:40])
    return x


def read_csv(path, required=True):
    if not os.path.exists(path) and not required:
        return []
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        raise ReportError("%s: %s" % (path, e.strerror))
    except csv.Error as e:
        raise ReportError("%s: %s" % (path, e))


def read_meta(path):
    meta = {}
    if path and os.path.exists(path):
        with open(path, errors="replace") as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    meta[k] = v
    return meta


def levels(rows, col):
    out = []
    for r in rows:
        v = r.get(col)
        if v not in out:
            out.append(v)
    return out


def as_int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


class Data:
    """The run: summary, hist, compare and claims rows, the trials, .meta."""

    def __init__(self, trials, stats, experiment="", shm=""):
        self.all_summary = read_csv(os.path.join(stats, "summary.csv"))
        if not self.all_summary:
            raise ReportError("summary.csv has no cells")
        header = list(self.all_summary[0].keys())
        if "check" not in header:
            raise ReportError("summary.csv is from an older racestat (no check column)")
        self.factors = header[:header.index("check")]
        self.all_hist = read_csv(os.path.join(stats, "hist.csv"))
        self.all_compare = read_csv(os.path.join(stats, "compare.csv"))
        self.claims = read_csv(os.path.join(stats, "claims.csv"))
        self.all_trials = read_csv(trials)
        self.meta = read_meta(trials + ".meta")
        self.traces = {}  # --trace samples, set by the caller (tracedata.read)
        self.experiment_text = ""
        if experiment:
            with open(experiment, errors="replace") as f:
                self.experiment_text = f.read()
        self.shm = read_csv(shm) if shm and os.path.exists(shm) else None
        # The main figures show one experiment (default, if the run has
        # several) at one value of every other factor (the first in the
        # sorted summary): the lesson figures show the rest.
        exps = levels(self.all_summary, "experiment") if "experiment" in self.factors else [None]
        self.experiments = exps
        main = "default" if "default" in exps else exps[0]
        first = next(r for r in self.all_summary if r.get("experiment") == main)
        self.base = {f: first[f] for f in self.factors if f not in ("strategy", "procs", "iters")}
        # hosts: a sweep sharded over nodes has each cell on one host, and
        # the figures show them all; data of several machines for the same
        # cells show the first machine's, and every host side by side
        self.hosts = levels(self.all_summary, "host") if "host" in self.factors else []
        self.same_cells_on_hosts = False
        if len(self.hosts) > 1:
            seen = {}
            for r in self.all_summary:
                key = tuple(r[f] for f in self.factors if f != "host")
                seen.setdefault(key, set()).add(r["host"])
            self.same_cells_on_hosts = any(len(v) > 1 for v in seen.values())
            if not self.same_cells_on_hosts:
                del self.base["host"]
        self.summary = [r for r in self.all_summary if self.is_base(r)]
        self.hist = [r for r in self.all_hist if self.is_base(r)]
        self.compare = [r for r in self.all_compare if self.is_base(r, blank_ok=True)]
        self.trials = [t for t in self.all_trials if self.is_base(t)]
        self.strategies = levels(self.summary, "strategy")
        self.procs = sorted({int(r["procs"]) for r in self.summary})
        self.iters = sorted({int(r["iters"]) for r in self.summary})
        self.iters_fixed = self.iters[-1]
        self.p2 = 2 if 2 in self.procs else (self.procs[1] if len(self.procs) > 1 else self.procs[0])

    def is_base(self, row, blank_ok=False):
        for f, v in self.base.items():
            got = row.get(f, v)
            if got != v and not (blank_ok and got == ""):
                return False
        return True

    def has(self, strategy):
        return strategy in self.strategies

    def cell(self, strategy, procs, iters):
        for r in self.summary:
            if r["strategy"] == strategy and int(r["procs"]) == procs and int(r["iters"]) == iters:
                return r
        return None

    def cells(self, strategy):
        return [r for r in self.summary if r["strategy"] == strategy]

    def total(self, strategy, field):
        return sum(int(r[field]) for r in self.cells(strategy))

    # ---- claims ----

    def claim(self, kind, blank=(), **want):
        """The claims of a kind whose factor columns match `want` (and, for
        the base factors not named, the main experiment's values); columns
        in `blank` must be empty (the factor the claim is about)."""
        out = []
        for c in self.claims:
            if c["kind"] != kind:
                continue
            ok = True
            for k, v in want.items():
                if c.get(k) != str(v):
                    ok = False
                    break
            if ok:
                for f, v in self.base.items():
                    if f in want or f in blank:
                        continue
                    if c.get(f, v) not in (v, ""):
                        ok = False
                        break
            if ok and all(c.get(b, "") == "" for b in blank):
                out.append(c)
        return out

    def one_claim(self, kind, blank=(), **want):
        rows = self.claim(kind, blank, **want)
        return rows[0] if rows else None

    def claim_at(self, kind, row, blank=(), **want):
        """The first claim of a kind about the line of a summary row: its
        factor values, but those in `blank` (empty in the claim) and `want`."""
        for c in self.claims:
            if c["kind"] != kind:
                continue
            if any(c.get(k) != str(v) for k, v in want.items()):
                continue
            if any(c.get(b, "") != "" for b in blank):
                continue
            if all(c.get(f) == row.get(f) for f in self.factors if f not in blank and f not in want):
                return c
        return None


def atomic_write(path, data):
    """Write a whole file under an unpredictable name beside it, then
    rename it into place."""
    import tempfile
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data if isinstance(data, bytes) else data.encode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
