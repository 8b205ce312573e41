# hist.gp - NP histogram panels side by side from DATA: one block per panel
# (blocks apart by two blank lines), rows "centre count expected width
# panel-title". A dashed line marks expected. COLOR is the bars' colour.
load "common.gp"
set multiplot layout 1, NP title TITLE noenhanced font ",16"
set style fill solid 0.9 noborder
unset key
do for [i = 1:NP] {
	E = 0; BW = 1; PANEL = ""
	stats DATA index (i - 1) using (E = column(3), BW = column(4), PANEL = strcol(5), 0) nooutput
	set title PANEL noenhanced
	if (i == 1) { set ylabel YLABEL noenhanced } else { unset ylabel }
	set xrange [0:E * 1.08]
	set yrange [0:*]
	set xtics 0, E / 2, E format "%.1s%c"
	set mxtics 5
	set boxwidth BW * 0.9
	set arrow 1 from E, graph 0 to E, graph 1 nohead lc rgb "#000000" dt 2 lw 2 front
	plot DATA index (i - 1) using 1:2 with boxes lc rgb COLOR
}
unset multiplot
