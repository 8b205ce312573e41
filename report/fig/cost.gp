# cost.gp - the cost of correctness: median ns per increment against procs,
# one line per strategy, at iters = ITERS_FIXED (log y). Data: SUMMARY.
load "report/fig/common.gp"
set logscale y
set xlabel "worker processes"
set ylabel "ns per increment (median, log scale)"
set xtics (@PROCS_TICS)
set key outside right box opaque title "strategy"
set title sprintf("The cost of correctness (%s increments per worker)", ITERS_LABEL)
plot for [i = 1:words(STRATS)] SUMMARY using \
	((strcol("strategy") eq nth(STRATS, i) && column("iters") == ITERS_FIXED) ? column("procs") : NaN):"ns_per_inc" \
	smooth unique with linespoints lw 2.5 pt 7 ps 1.3 lc rgb nth(STRAT_COLORS, i) title nth(STRATS, i)
