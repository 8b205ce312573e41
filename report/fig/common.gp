# common.gp - terminal, style and data settings shared by every figure.
# Set by the caller (report/racereport.py) with -e: OUT, FMT (png|svg), W, H,
# and the colours COL_<strategy>, PROCS_COLORS (one per procs level).
if (FMT eq "svg") {
	set terminal svg size W,H dynamic enhanced font "DejaVu Sans,14" background rgb "white"
} else {
	set terminal pngcairo size W,H enhanced font "DejaVu Sans,14" background rgb "white"
}
set output OUT
set datafile separator ","
set datafile missing ""
set key noautotitle
set grid lc rgb "#dddddd"
set border lc rgb "#444444"
set style fill solid 0.85 border -1
# word i of a space-separated list
nth(list, i) = word(list, i)
