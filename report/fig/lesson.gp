# lesson.gp - one lesson figure: NS series of (x, y, lo, hi) points from DATA
# (series,x,y,lo,hi; prepared by racereport.py), series i titled T<i>, in
# colour word(COLORS, i) with dash type word(DASHES, i). LOGX/LOGY switch log
# axes; XTICS, when set, names categorical x positions.
load "report/fig/common.gp"
set title TITLE
set xlabel XLABEL
set ylabel YLABEL
if (LOGX) { set logscale x; set format x "10^{%L}" }
if (LOGY) { set logscale y }
if (strlen(XTICS) > 0) { eval "set xtics (" . XTICS . ")"; set xrange [0.5:XMAX + 0.5] }
if (strlen(NUMTICS) > 0) { eval "set xtics (" . NUMTICS . ")" }
if (!LOGY) { set yrange [0:*] }
set key outside right top box opaque
set bars 1.5
plot for [i = 1:NS] DATA using (column("series") == i ? column("x") : NaN):"y":"lo":"hi" \
	with yerrorlines lw 2.5 pt 7 ps 1.3 dt int(word(DASHES, i)) lc rgb word(COLORS, i) \
	title value(sprintf("T%d", i))
