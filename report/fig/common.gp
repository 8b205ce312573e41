# common.gp - terminal and style for every figure. The caller
# (report/figures.py) sets only constants of its own with -e: FMT (png|svg),
# OUT (a file name it chose), W, H, and per figure NS and the flags below.
# Every text that comes from the data (titles, axis labels, series names,
# tic labels) is read from data files: LABELS for the title and the axes,
# DATA for the series. Nothing from the data is ever gnuplot program text.
if (FMT eq "svg") {
	set terminal svg size W,H dynamic enhanced font "DejaVu Sans,14" background rgb "white"
} else {
	set terminal pngcairo size W,H enhanced font "DejaVu Sans,14" background rgb "white"
}
set output OUT
set datafile separator "\t"
set datafile missing ""
set grid lc rgb "#dddddd"
set border lc rgb "#444444"
set style fill solid 0.85 border -1
set key noenhanced
TITLE = ""; XLABEL = ""; YLABEL = ""; KEYTITLE = ""
stats LABELS using (TITLE = strcol(1), XLABEL = strcol(2), YLABEL = strcol(3), KEYTITLE = strcol(4), 0) nooutput
set title TITLE noenhanced
set xlabel XLABEL noenhanced
set ylabel YLABEL noenhanced
