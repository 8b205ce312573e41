#!/usr/bin/env bash
# The report pipeline on a small experiment: every file, valid figures, a
# self-contained report with no nan, slides with the expected pages that are
# the same bytes when made twice, captions that quote summary.csv.
. "$(dirname "$0")/lib.sh"
plan 15
PY=/usr/bin/python3
export MPLBACKEND=Agg

$RACE -q tests/data/tiny.conf -o "$TMP/tiny.csv"
$RACE -q experiments/drill3-shm.conf --trials 3 -o "$TMP/shm.csv"
mkdir -p "$TMP/stats"
$RACESTAT -q "$TMP/tiny.csv" -o "$TMP/stats"
report() { $PY report/racereport.py --trials "$TMP/tiny.csv" --stats "$TMP/stats" \
	--experiment tests/data/tiny.conf --shm "$TMP/shm.csv" --out "$1" 2>"$TMP/report.err"; }
report "$TMP/out"; rc=$?
ok $rc "racereport runs ($(cat "$TMP/report.err"))"
out=$TMP/out
figs="hist_plain lost_frac p_loss overlap cost controls"
miss=0; for f in $figs; do for e in png svg; do [ -s "$out/fig/$f.$e" ] || { miss=1; diag "missing $f.$e"; }; done; done
ok $miss "every figure exists as PNG and SVG, non-empty"
bad=0; for f in $figs; do [ "$(head -c 8 "$out/fig/$f.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || bad=1; done
ok $bad "every PNG has the PNG signature"
bad=0; for f in $figs; do $PY -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag.endswith("svg") else 1)' "$out/fig/$f.svg" || bad=1; done
ok $bad "every SVG parses as XML with an <svg> root"
ok $([ -s "$out/report.html" ] && [ -s "$out/slides.pdf" ]; echo $?) "report.html and slides.pdf written"
# self-contained: every src/href is inline or an anchor
ext=$(grep -o 'src="[^"]*"\|href="[^"]*"' "$out/report.html" | grep -v '^src="data:\|^href="#' | wc -l)
ok $([ "$ext" -eq 0 ]; echo $?) "report.html references no outside file ($ext)"
text=$(sed 's/data:image[^"]*//g' "$out/report.html")
ok $(! echo "$text" | grep -qiw 'nan\|inf' && ! echo "$text" | grep -qw None; echo $?) "report.html has no nan, inf or None"
pages=$(pdfinfo "$out/slides.pdf" | awk '/^Pages:/{print $2}')
ok $([ "$pages" = 9 ]; echo $?) "slides.pdf has 9 pages ($pages)"
size=$(pdfinfo "$out/slides.pdf" | awk '/^Page size:/{print $3/$5}')
ok $(awk -v r="$size" 'BEGIN{exit !(r > 1.77 && r < 1.78)}'; echo $?) "slides are 16:9 ($size)"
report "$TMP/again"
ok $(cmp -s "$out/slides.pdf" "$TMP/again/slides.pdf"; echo $?) "slides.pdf is the same bytes when made twice"
# captions quote summary.csv: plain, 2 procs, 1e5 (the largest cell here)
lf=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["strategy"]=="plain" && $c["procs"]==2 && $c["iters"]==100000 {printf "%.0f", 100*$c["lost_frac_mean"]}' "$TMP/stats/summary.csv")
ok $(grep -q "and 10<sup>5</sup> iterations, [0-9]* % of trials lost updates, $lf % of increments" "$out/report.html"; echo $?) "the lost-fraction caption quotes summary.csv ($lf %)"
n=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["strategy"]=="mutex" {s+=$c["n"]} END{print s}' "$TMP/stats/summary.csv")
ok $(grep -q "final == expected in $n of $n trials (0 violations)" "$out/report.html"; echo $?) "drill 2 quotes the mutex trial count ($n)"

# lesson figures appear where the data holds the lesson, each with a slide
$RACE -q tests/data/lessons.conf -o "$TMP/lessons.csv"
ok $(awk -F, 'NR>1{print $2}' "$TMP/lessons.csv" | sort -u | tr '\n' ' ' | grep -qx 'lesson-compiler lesson-locks '; echo $?) "an experiment with includes runs each part, named in the experiment column"
mkdir -p "$TMP/lstats"
$RACESTAT -q "$TMP/lessons.csv" -o "$TMP/lstats"
$PY report/racereport.py --trials "$TMP/lessons.csv" --stats "$TMP/lstats" --out "$TMP/lout" 2>/dev/null
ok $([ -s "$TMP/lout/fig/compiler.png" ] && [ -s "$TMP/lout/fig/locks.svg" ] && grep -q 'The compiler changes the race' "$TMP/lout/report.html"; echo $?) "the compiler and locks lessons get figures and captions"
pages=$(pdfinfo "$TMP/lout/slides.pdf" | awk '/^Pages:/{print $2}')
ok $([ "$pages" = 11 ]; echo $?) "and a slide each (11 pages: $pages)"
