#!/usr/bin/env bash
# The report pipeline on a small experiment: every file, valid figures, a
# self-contained report with no nan, slides with the expected pages that are
# the same bytes when made twice, captions that quote summary.csv, titles and
# statements that are claims.csv's, and data that never becomes code or markup.
. "$(dirname "$0")/lib.sh"
plan 32
PY=/usr/bin/python3
export MPLBACKEND=Agg

tiny_report_inputs
report() { $PY report/racereport.py --trials "$TMP/tiny.csv" --stats "$1" \
	--experiment tests/data/tiny.conf --shm "$TMP/shm.csv" --out "$2" 2>"$TMP/report.err"; }
report "$TMP/stats" "$TMP/out"; rc=$?
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
ext=$(grep -o 'src="[^"]*"\|href="[^"]*"' "$out/report.html" | grep -v '^src="data:\|^href="#' | wc -l)
ok $([ "$ext" -eq 0 ]; echo $?) "report.html references no outside file ($ext)"
text=$(sed 's/data:image[^"]*//g' "$out/report.html")
ok $(! echo "$text" | grep -qiw 'nan\|inf' && ! echo "$text" | grep -qw None; echo $?) "report.html has no nan, inf or None"
pages=$(pdfinfo "$out/slides.pdf" | awk '/^Pages:/{print $2}')
ok $([ "$pages" = 10 ]; echo $?) "slides.pdf has 10 pages ($pages)"
size=$(pdfinfo "$out/slides.pdf" | awk '/^Page size:/{print $3/$5}')
ok $(awk -v r="$size" 'BEGIN{exit !(r > 1.77 && r < 1.78)}'; echo $?) "slides are 16:9 ($size)"
report "$TMP/stats" "$TMP/again"
ok $(cmp -s "$out/slides.pdf" "$TMP/again/slides.pdf"; echo $?) "slides.pdf is the same bytes when made twice"
ls -a "$out" "$out/fig" | grep -q '^\.'"[^.]"; ok $((1 - $?)) "no temporary file is left in the output"

# captions quote summary.csv: plain, 2 procs, 1e5 (the largest cell here)
lf=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["strategy"]=="plain" && $c["procs"]==2 && $c["iters"]==100000 {printf "%.0f", 100*$c["lost_frac_mean"]}' "$TMP/stats/summary.csv")
ok $(grep -q "and 10<sup>5</sup> iterations [0-9]* % of trials lost updates, $lf % of increments" "$out/report.html"; echo $?) "the share-lost caption quotes summary.csv ($lf %)"
n=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["strategy"]=="mutex" {s+=$c["n"]} END{print s}' "$TMP/stats/summary.csv")
ok $(grep -q "final == expected in $n of $n trials" "$out/report.html"; echo $?) "drill 2 quotes the mutex trials ($n)"
ok $(grep -q 'with 95 % Wilson intervals.*one-sided 95 % exact Clopper–Pearson upper bound' "$out/report.html" && ! grep -q 'Wilson bound' "$out/report.html"; echo $?) "the P(loss) figure names its intervals: Wilson, and the exact one-sided bound"

# every claim the report quotes is in claims.csv, with the same statement
ids=$(grep -o '<td>C[0-9]*</td><td>[a-z_]*</td><td>[a-z ]*</td>' "$out/report.html" | sed 's/<\/td><td>/|/g; s/<td>//; s/<\/td>//')
bad=0; cnt=0
while IFS='|' read -r id kind st; do
	[ -z "$id" ] && continue
	cnt=$((cnt + 1))
	awk -F, -v id="$id" -v k="$kind" -v s="$st" 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $1==id && $2==k && $c["statement"]==s {f=1} END{exit !f}' "$TMP/stats/claims.csv" || { bad=1; diag "not in claims.csv: $id $kind $st"; }
done <<< "$ids"
ok $([ $bad -eq 0 ] && [ $cnt -ge 5 ]; echo $?) "the $cnt claims the report quotes are rows of claims.csv, statements and all"

# the title of the share-lost figure follows claims.csv: doctor a claim and it turns neutral
title=$(grep -o 'Figure 2\. [^<]*' "$out/report.html")
cp -r "$TMP/stats" "$TMP/doctored"
awk -F, 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) c[$i]=i} NR>1 && $2=="trend" && $c["measure"]=="lost_frac" {$c["statement"]="no clear trend"} {print}' \
	"$TMP/stats/claims.csv" > "$TMP/doctored/claims.csv"
report "$TMP/doctored" "$TMP/dout"
title2=$(grep -o 'Figure 2\. [^<]*' "$TMP/dout/report.html")
ok $([ "$title2" = "Figure 2. How much is lost." ] && grep -q 'showed no clear trend with' "$TMP/dout/report.html"; echo $?) "with every trend 'no clear trend' the title is neutral ($title -> $title2)"
ok $(! grep -q 'More processes' "$TMP/dout/report.html"; echo $?) "and no sentence states a direction the claims do not hold"

# lesson figures appear where the data holds the lesson, each with a slide
$RACE -q tests/data/lessons.conf -o "$TMP/lessons.csv"
ok $(awk -F, 'NR>1{print $2}' "$TMP/lessons.csv" | sort -u | tr '\n' ' ' | grep -qx 'lesson-compiler lesson-locks '; echo $?) "an experiment with includes runs each part, named in the experiment column"
mkdir -p "$TMP/lstats"
$RACESTAT -q "$TMP/lessons.csv" -o "$TMP/lstats"
$PY report/racereport.py --trials "$TMP/lessons.csv" --stats "$TMP/lstats" --out "$TMP/lout" 2>"$TMP/l.err"
ok $([ -s "$TMP/lout/fig/compiler.png" ] && [ -s "$TMP/lout/fig/locks.svg" ] && grep -q 'The compiler changes the race' "$TMP/lout/report.html"; echo $?) "the compiler and locks lessons get figures and captions $(cat "$TMP/l.err")"
pages=$(pdfinfo "$TMP/lout/slides.pdf" | awk '/^Pages:/{print $2}')
ok $([ "$pages" = 11 ]; echo $?) "and a slide each (11 pages: $pages)"

# data never becomes code or markup: every text field of a CSV, its .meta
# and the experiment file hold HTML, quotes, backticks and $(...)
evil="<script>alert(1)</script>\"'\`touch $TMP/pwned1\`\$(touch $TMP/pwned2)"
$PY - "$TMP/tiny.csv" "$TMP/evil.csv" "$evil" "$TMP" <<'EOF'
import csv, sys
src, dst, evil, tmp = sys.argv[1:]
rows = list(csv.DictReader(open(src)))
out = []
for r in rows:
    r = dict(r)
    r["experiment"] = "e" + evil
    r["host"] = "h" + evil
    r["run_id"] = "r" + evil
    out.append(r)
    if r["strategy"] == "plain":
        # the strategy name from the issue: gnuplot code if pasted
        q = dict(r, strategy='a=1;q=system("touch %s/pwned3");b%s' % (tmp, evil))
        out.append(q)
w = csv.DictWriter(open(dst, "w", newline=""), fieldnames=list(rows[0].keys()))
w.writeheader()
w.writerows(out)
EOF
sed "s|^\(command\|cpu_model\|hostname\|kernel\)=.*|\1=$evil|" "$TMP/tiny.csv.meta" > "$TMP/evil.csv.meta"
printf 'strategy = plain # %s\n' "$evil" > "$TMP/evil.conf"
mkdir -p "$TMP/estats"
$RACESTAT -q "$TMP/evil.csv" -o "$TMP/estats"; rc1=$?
$PY report/racereport.py --trials "$TMP/evil.csv" --stats "$TMP/estats" --experiment "$TMP/evil.conf" --out "$TMP/eout" 2>"$TMP/e.err"; rc2=$?
ok $([ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]; echo $?) "racestat and racereport run on hostile text ($rc1, $rc2: $(head -c 300 "$TMP/e.err"))"
ok $([ ! -e "$TMP/pwned1" ] && [ ! -e "$TMP/pwned2" ] && [ ! -e "$TMP/pwned3" ] && [ ! -e pwned ] && [ ! -e "$TMP/eout/fig/pwned" ]; echo $?) "gnuplot, the shell and Python ran nothing from the data"
html=$(sed 's/data:image[^"]*//g' "$TMP/eout/report.html")
ok $(! echo "$html" | grep -qF '<script' && ! echo "$html" | grep -qF '`' && ! echo "$html" | grep -qF '$(' && ! echo "$html" | grep -qF '"a=1' && echo "$html" | grep -qF '&lt;script&gt;alert(1)'; echo $?) "report.html holds the hostile text escaped, never raw"
bad=0; for f in "$TMP"/eout/fig/*.svg; do grep -qF '<script' "$f" && bad=1; done
ok $bad "no SVG figure holds a raw <script>"

# several machines: the same cells from two hosts are shown side by side;
# cells spread over nodes (a sharded sweep) are one set in every figure
awk -F, 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {$c["host"]="second"; $c["run_id"]="R2"; print}' "$TMP/tiny.csv" > "$TMP/second.part"
cat "$TMP/tiny.csv" "$TMP/second.part" > "$TMP/two.csv"; cp "$TMP/tiny.csv.meta" "$TMP/two.csv.meta"
mkdir -p "$TMP/two-stats"; $RACESTAT -q "$TMP/two.csv" -o "$TMP/two-stats"
$PY report/racereport.py --trials "$TMP/two.csv" --stats "$TMP/two-stats" --experiment tests/data/tiny.conf --out "$TMP/two-out" 2>/dev/null
ok $(grep -q '<h2>The machines side by side</h2>' "$TMP/two-out/report.html" && grep -q 'P(loss) on second</th>' "$TMP/two-out/report.html" &&
	grep -q 'The data hold 2 machines' "$TMP/two-out/report.html"; echo $?) "two hosts with the same cells: P(loss) and share lost per host, side by side"
awk -F, 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) c[$i]=i; print; next} {$c["host"] = ($c["strategy"] == "plain" ? "n1" : "n2"); print}' "$TMP/tiny.csv" > "$TMP/spread.csv"
cp "$TMP/tiny.csv.meta" "$TMP/spread.csv.meta"
mkdir -p "$TMP/spread-stats"; $RACESTAT -q "$TMP/spread.csv" -o "$TMP/spread-stats"
$PY report/racereport.py --trials "$TMP/spread.csv" --stats "$TMP/spread-stats" --experiment tests/data/tiny.conf --out "$TMP/spread-out" 2>/dev/null; rc=$?
ok $([ $rc -eq 0 ] && ! grep -q 'side by side</h2>' "$TMP/spread-out/report.html" && grep -q 'P(loss) of <i>atomic</i>\|atomic' "$TMP/spread-out/report.html" &&
	[ -s "$TMP/spread-out/fig/cost.png" ] && grep -q "$(wc -l < "$TMP/tiny.csv" | awk '{print $1 - 1}') trials" "$TMP/spread-out/report.html"; echo $?) \
	"cells spread over two nodes: one report of every trial, no side-by-side table"

# slides.md: pandoc Markdown with the PDF's slides, converted by pandoc
if command -v pandoc >/dev/null; then
	nfig=$(grep -c '^!\[.*\](fig/[a-z_0-9]*\.svg)$' "$out/slides.md")
	missing=0; for f in $(grep -o '(fig/[a-z_0-9]*\.svg)' "$out/slides.md" | tr -d '()'); do [ -s "$out/$f" ] || missing=1; done
	(cd "$out" && pandoc -t dzslides -s --self-contained slides.md -o slides.html) 2>"$TMP/pandoc.err"; rc=$?
	secs=$(grep -c '<section' "$out/slides.html" 2>/dev/null)
	imgs=$(grep -o '<img src="data:image/svg+xml' "$out/slides.html" 2>/dev/null | wc -l)
	pages=$(pdfinfo "$out/slides.pdf" | awk '/^Pages:/{print $2}')
	ok $([ $rc -eq 0 ] && [ "$missing" -eq 0 ] && [ "$nfig" -ge 5 ] && [ "$imgs" -eq "$nfig" ] && [ "$secs" -eq "$((pages))" ]; echo $?) \
		"slides.md: pandoc makes $secs slides (the PDF has $pages) with all $imgs of its $nfig SVG figures ($(head -c 200 "$TMP/pandoc.err"))"
else
	ok 0 "# SKIP pandoc not installed (make deps)"
fi
ntr=$(($(wc -l < "$TMP/tiny.csv") - 1))
ok $(grep -q '^# What was run$' "$out/slides.md" && grep -q '^- Strategies: ' "$out/slides.md" &&
	grep -q "^subtitle: \"$ntr trials of" "$out/slides.md" && [ -s "$TMP/eout/slides.md" ] && grep -q "alert" "$TMP/eout/slides.md" && ! grep -v '^!\[' "$TMP/eout/slides.md" | grep -q '[^\\]<script'; echo $?) \
	"slides.md: the PDF's words and numbers ($ntr trials), one # a slide; the hostile text in it escaped"

# --trace: the progress graph, the counter against the work done, the gap's growth
$RACE -q experiments/trace.conf --trials 3 -o "$TMP/trace.csv"
$PY report/racereport.py --trials "$TMP/tiny.csv" --stats "$TMP/stats" --experiment tests/data/tiny.conf \
	--trace "$TMP/trace.csv" --out "$TMP/tout" 2>/dev/null; rc=$?
miss=0; for f in trace_progress trace_gap trace_rates; do [ -s "$TMP/tout/fig/$f.png" ] && [ -s "$TMP/tout/fig/$f.svg" ] || miss=1; done
lost=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["strategy"]=="plain" && $c["lost"] > m {m = $c["lost"]} END{printf "%\047d", m}' "$TMP/trace.csv" 2>/dev/null)
ok $([ $rc -eq 0 ] && [ $miss -eq 0 ] && grep -q 'A progress graph, measured' "$TMP/tout/report.html" &&
	grep -q 'The counter falls behind the work done' "$TMP/tout/report.html"; echo $?) "a traced run adds the progress graph, the counter against the work done and the gap's growth"
# on one CPU the two workers run one after the other: no stretch with both
# running, and the figures and captions say so rather than fail
taskset -c 0 $RACE -q experiments/trace.conf --trials 2 -o "$TMP/trace1.csv"
$PY report/racereport.py --trials "$TMP/tiny.csv" --stats "$TMP/stats" --experiment tests/data/tiny.conf \
	--trace "$TMP/trace1.csv" --out "$TMP/t1out" 2>/dev/null; rc=$?
ok $([ $rc -eq 0 ] && [ -s "$TMP/t1out/fig/trace_rates.png" ] && grep -q 'A progress graph, measured' "$TMP/t1out/report.html"; echo $?) \
	"a traced run whose workers never ran at once still gets its figures ($rc)"

# the launch lesson: fork against persistent workers, and their start skew
$RACE -q experiments/launch.conf --trials 40 -o "$TMP/launch.csv"
mkdir -p "$TMP/lstats"; $RACESTAT -q "$TMP/launch.csv" -o "$TMP/lstats"
$PY report/racereport.py --trials "$TMP/launch.csv" --stats "$TMP/lstats" --experiment experiments/launch.conf \
	--out "$TMP/laout" 2>/dev/null; rc=$?
sk=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["strategy"]=="plain" && $c["launch"]=="persistent" {print $c["skew_median"]; exit}' "$TMP/lstats/summary.csv")
ok $([ $rc -eq 0 ] && [ -s "$TMP/laout/fig/launch.png" ] && [ -s "$TMP/laout/fig/launch_skew.png" ] && grep -q "Start skew and loss, trial by trial" "$TMP/laout/report.html" && grep -q "Fresh workers or kept ones" "$TMP/laout/report.html" &&
	grep -q 'The median start skew .*: fork [0-9.]* µs, persistent [0-9.]* µs' "$TMP/laout/report.html" && [ -n "$sk" ]; echo $?) \
	"the launch lesson: share lost by launch, and each launch's median start skew (persistent: $sk ns; $(grep -o 'The median start skew[^(]*([^)]*)[^(]*' "$TMP/laout/report.html" | head -c 200))"
# a skew of a millisecond or more (a loaded machine) is written in µs digits,
# never as 1.02e+03, which the sentence above would not match
sig=$(cd report && $PY -c 'import wording as W; print(" ".join(W.fmt_sig(x) for x in (0, 0.0004, 12.345, 999.6, 1234.5, 2426745.0)))')
ok $([ "$sig" = "0 0.0004 12.3 1000 1230 2430000" ]; echo $?) "numbers of three significant digits never take an exponent ($sig)"
