# hist_plain.gp - the final-value distribution of plain: one panel per procs at
# iters = ITERS_FIXED, expected marked. Data: HIST (hist.csv).
load "report/fig/common.gp"
np = words(PROCS)
set multiplot layout 1, np title sprintf("plain: final counter value over %s trials per panel, %s increments per worker", NTRIALS, ITERS_LABEL) font ",16"
set style fill solid 0.9 noborder
do for [i = 1:np] {
	p = int(nth(PROCS, i))
	e = p * ITERS_FIXED
	set title sprintf("%d process%s", p, p == 1 ? "" : "es")
	set xlabel "final value"
	if (i == 1) { set ylabel "trials" } else { unset ylabel }
	set xrange [0:e * 1.08]
	set yrange [0:*]
	set xtics 0, e / 2, e format "%.1s%c"
	set mxtics 5
	w = e / 40.0
	bin(x) = (floor(x / w) + 0.5) * w
	set boxwidth w * 0.9
	set arrow 1 from e, graph 0 to e, graph 1 nohead lc rgb "#000000" dt 2 lw 2 front
	set label 1 "expected" at e, graph 1.02 center font ",11" front
	# hist.csv has a bin per distinct value for small cells: regroup into
	# 40 bins of width expected/40 so that every panel shows its shape
	plot HIST using ((strcol("strategy") eq "plain" && column("procs") == p && column("iters") == ITERS_FIXED) ? bin((column("bin_lo") + column("bin_hi")) / 2) : NaN):(column("count")) smooth frequency with boxes lc rgb COL_plain
}
unset multiplot
