# lost_frac.gp - plain: mean lost fraction with its 95 % t interval against
# iters, one line per procs. Data: SUMMARY (summary.csv).
load "report/fig/common.gp"
set logscale x
set format x "10^{%L}"
set xlabel "increments per worker (iters)"
set ylabel "mean share of increments lost"
set yrange [0:*]
set key top left box opaque title "processes"
set title "plain: how much is lost"
plot for [i = 1:words(PROCS)] SUMMARY using \
	((strcol("strategy") eq "plain" && column("procs") == int(nth(PROCS, i))) ? column("iters") : NaN):"lost_frac_mean":"lost_frac_lo":"lost_frac_hi" \
	with yerrorlines lw 2 pt 7 ps 1.2 lc rgb nth(PROCS_COLORS, i) title nth(PROCS, i)
