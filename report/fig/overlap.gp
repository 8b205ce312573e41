# overlap.gp - plain, one point per trial: the share of the trial during which
# at least two workers ran at once, against the share of increments lost.
# Data: OVERLAP_DATA (procs,overlap,lost_frac), prepared by racereport.py.
load "report/fig/common.gp"
set xlabel OVERLAP_LABEL
set ylabel "share of increments lost"
set xrange [-0.02:1.02]
set yrange [-0.02:*]
set key top left box opaque title "processes"
set title "No overlap, no loss"
plot for [i = 1:words(PROCS)] OVERLAP_DATA using \
	((column("procs") == int(nth(PROCS, i))) ? column("overlap") : NaN):"lost_frac" \
	with points pt 7 ps 0.8 lc rgb nth(PROCS_COLORS, i) title nth(PROCS, i)
