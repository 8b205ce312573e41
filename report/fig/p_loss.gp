# p_loss.gp - plain: P(at least one lost update) with its Wilson interval
# against iters, one line per procs. Data: SUMMARY.
load "report/fig/common.gp"
set logscale x
set format x "10^{%L}"
set xlabel "increments per worker (iters)"
set ylabel "P(a trial loses at least one update)"
set yrange [-0.02:1.1]
set key top left box opaque title "processes"
set title "plain: how often anything is lost"
plot for [i = 1:words(PROCS)] SUMMARY using \
	((strcol("strategy") eq "plain" && column("procs") == int(nth(PROCS, i))) ? column("iters") : NaN):"p_loss":"p_loss_lo":"p_loss_hi" \
	with yerrorlines lw 2 pt 7 ps 1.2 lc rgb nth(PROCS_COLORS, i) title nth(PROCS, i)
