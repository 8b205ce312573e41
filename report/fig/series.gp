# series.gp - NS series of (x, y, lo, hi) points from DATA: one block per
# series (blocks apart by two blank lines), each opening with a header line
# whose first field is the series' title; then rows "i x y lo hi tic".
# Series i is drawn in colour word(COLORS, i), dash word(DASHES, i).
# STYLE 1: lines with error bars; 2: points; 3: points with error bars.
# LOGX/LOGY: log axes; YZERO: y from 0; XCAT: the x tics are the tic column
# (categories); INTX: a tic at each x and none between.
load "common.gp"
if (LOGX) { set logscale x; set format x "10^{%L}"; set offsets graph 0.04, graph 0.04, 0, 0 }
if (LOGY) { set logscale y }
if (YZERO && !LOGY) { set yrange [0:*] }
if (STYLE == 3) { set offsets graph 0.02, graph 0.02, graph 0.12, graph 0.12 }
if (XCAT) { set xrange [0.5:*]; set offsets 0, 0.5, graph 0.05, graph 0.05 }
set key outside right top box opaque title KEYTITLE noenhanced
set bars 1.5
if (STYLE == 2) {
	plot for [i = 1:NS] DATA index (i - 1) using 2:3 with points pt 7 ps 0.8 \
		lc rgb word(COLORS, i) title columnheader(1)
} else {
	if (XCAT && STYLE == 3) {
		plot for [i = 1:NS] DATA index (i - 1) using 2:3:4:5:xticlabels(6) \
			with yerrorbars lw 2.5 pt 7 ps 1.5 lc rgb word(COLORS, i) title columnheader(1)
	} else { if (XCAT) {
		plot for [i = 1:NS] DATA index (i - 1) using 2:3:4:5:xticlabels(6) \
			with yerrorlines lw 2.5 pt 7 ps 1.3 dt int(word(DASHES, i)) lc rgb word(COLORS, i) \
			title columnheader(1)
	} else {
		if (INTX) {
			if (STYLE == 3) {
				plot for [i = 1:NS] DATA index (i - 1) using 2:3:4:5:xticlabels(6) with yerrorbars \
					pt 7 ps 1.3 lw 2 lc rgb word(COLORS, i) title columnheader(1)
			} else {
				plot for [i = 1:NS] DATA index (i - 1) using 2:3:4:5:xticlabels(6) \
					with yerrorlines lw 2.5 pt 7 ps 1.3 dt int(word(DASHES, i)) lc rgb word(COLORS, i) \
					title columnheader(1)
			}
		} else {
			if (STYLE == 3) {
				plot for [i = 1:NS] DATA index (i - 1) using 2:3:4:5 with yerrorbars \
					pt 7 ps 1.3 lw 2 lc rgb word(COLORS, i) title columnheader(1)
			} else {
				plot for [i = 1:NS] DATA index (i - 1) using 2:3:4:5 \
					with yerrorlines lw 2.5 pt 7 ps 1.3 dt int(word(DASHES, i)) lc rgb word(COLORS, i) \
					title columnheader(1)
			}
		}
	}
} }
