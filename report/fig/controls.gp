# controls.gp - the controls: final / expected of every atomic, mutex and
# private cell (mean, with min and max), against expected. Data: SUMMARY.
load "report/fig/common.gp"
set logscale x
set format x "10^{%L}"
set xlabel "expected final value (procs x iters)"
set ylabel "final / expected"
set yrange [-0.1:1.25]
set key top center horizontal box opaque
set title CONTROLS_TITLE
plot for [i = 1:words(CONTROLS)] SUMMARY using \
	((strcol("strategy") eq nth(CONTROLS, i)) ? column("expected") * (1 + (i - 2) * 0.06) : NaN):(column("final_mean") / column("expected")):(column("final_min") / column("expected")):(column("final_max") / column("expected")) \
	with yerrorbars pt 7 ps 1.3 lw 2 lc rgb nth(CONTROL_COLORS, i) title nth(CONTROLS, i)
