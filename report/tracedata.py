"""tracedata.py - reading race's --trace samples (<csv>.trace.csv).

Each traced trial is every worker's samples: (t_ns from the trial's first
sample, increments done, the shared counter as that worker read it). From
them: each worker's progress as a function of time (linear between its
samples), the increments done by all together, and the gap between that
sum and the counter, which is what has been lost so far (a worker's load
not yet stored shows in it too, for a moment). Descriptive only: no test
is made here, and the captions say what the trace shows, not what it
proves.
"""
import bisect
import csv
import os

from rdata import ReportError


class Trial:
    def __init__(self, key):
        self.key = key              # (run_id, seq)
        self.strategy = self.procs = self.iters = self.trial = None
        self.workers = {}           # worker -> [(t, done, counter)]

    def add(self, r):
        self.workers.setdefault(int(r["worker"]), []).append(
            (int(r["t_ns"]), int(r["done"]), int(r["counter"])))

    def done_at(self, w, t):
        s = self.workers[w]
        ts = [x[0] for x in s]
        i = bisect.bisect_right(ts, t)
        if i == 0:
            return 0.0
        if i == len(s):
            return float(s[-1][1])
        (t0, d0, _), (t1, d1, _) = s[i - 1], s[i]
        return d0 + (d1 - d0) * (t - t0) / (t1 - t0) if t1 > t0 else float(d1)

    def running(self, w, t):
        s = self.workers[w]
        return s[0][0] <= t <= s[-1][0]

    def timeline(self):
        """(t, sum of done, counter read, workers running) at every sample"""
        pts = sorted((t, c, w) for w, s in self.workers.items() for t, _, c in s)
        out = []
        for t, c, w in pts:
            total = sum(self.done_at(k, t) for k in self.workers)
            out.append((t, total, c, sum(1 for k in self.workers if self.running(k, t))))
        return out

    def lost(self):
        return self.procs * self.iters - max(c for s in self.workers.values() for _, _, c in s[-1:])

    def gap_rates(self):
        """the gap's growth per microsecond while two or more workers ran, and
        while one did, over the trial's samples"""
        tl = self.timeline()
        acc = {1: [0.0, 0.0], 2: [0.0, 0.0]}
        for (t0, s0, c0, n0), (t1, s1, c1, n1) in zip(tl, tl[1:]):
            state = 2 if min(n0, n1) >= 2 else 1
            acc[state][0] += (s1 - c1) - (s0 - c0)
            acc[state][1] += (t1 - t0) / 1000.0
        return {k: (v[0] / v[1] if v[1] > 0 else None, v[1]) for k, v in acc.items()}


def read(trials_csv):
    """Traced trials of trials_csv, by (run_id, seq); {} without a trace."""
    path = trials_csv + ".trace.csv"
    if not os.path.exists(path):
        return {}
    out = {}
    try:
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                key = (r["run_id"], r["seq"])
                t = out.get(key)
                if t is None:
                    t = out[key] = Trial(key)
                    t.strategy, t.procs, t.iters, t.trial = r["strategy"], int(r["procs"]), int(r["iters"]), int(r["trial"])
                t.add(r)
    except (OSError, csv.Error, KeyError, ValueError) as e:
        raise ReportError("%s: %s" % (path, e))
    for t in out.values():
        for s in t.workers.values():
            s.sort()
    return out


def lossiest(traces, strategy, procs):
    """the traced trial of a cell that lost the most (by its final counter)"""
    cands = [t for t in traces.values() if t.strategy == strategy and t.procs == procs and len(t.workers) >= 2]
    return max(cands, key=lambda t: (t.lost(), t.key)) if cands else None
