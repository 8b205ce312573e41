#!/usr/bin/env bash
# racestat end to end: outputs, merging, CSV dialects, edge cells, bad input.
. "$(dirname "$0")/lib.sh"
plan 27

H="run_id,experiment,strategy,start,procs,iters,trial,expected,final,lost,elapsed_ns,overlap"
mkd() { mkdir -p "$TMP/$1"; echo "$TMP/$1"; }
# sum_col FILE NAME ROWFILTER: value of column NAME in the first row matching an awk condition
get() { awk -F, -v n="$2" "NR==1{for(i=1;i<=NF;i++) c[\$i]=i; next} $3 {print \$c[n]; exit}" "$1"; }

$RACE -q -s plain,atomic,mutex,private -p 1,2 -n 1e3,1e5 -t 6 -o "$TMP/run.csv"
o=$(mkd a)
$RACESTAT -q "$TMP/run.csv" -o "$o"; rc=$?
ok $([ $rc -eq 0 ] && [ -s "$o/summary.csv" ] && [ -s "$o/hist.csv" ] && [ -s "$o/compare.csv" ]; echo $?) "writes summary.csv, hist.csv, compare.csv"
want="n,expected,final_mean,final_sd,final_min,final_q1,final_median,final_q3,final_max,lost_mean,lost_sd,lost_median,lost_max,lost_frac_mean,lost_frac_lo,lost_frac_hi,p_loss,p_loss_lo,p_loss_hi,p_loss_upper,verdict,violations,ns_per_inc,overlap_mean"
ok $(head -1 "$o/summary.csv" | grep -q "^experiment,strategy,start,procs,iters,host,region,workers,pin,$want"; echo $?) "summary.csv: factor columns, then the named statistics"
cells=$(($(wc -l < "$o/summary.csv") - 1))
ok $([ $cells -eq 16 ]; echo $?) "16 cells from 4 strategies x 2 procs x 2 iters ($cells)"
ok $(! grep -qi 'nan\|inf' "$o"/*.csv; echo $?) "no nan or inf in any output"
# histogram counts add up to n in every cell
bad=$(awk -F, 'FNR==1{next} NR==FNR{k=$1; for(i=2;i<=9;i++) k=k","$i; n[k]=$10; next} {k=$1; for(i=2;i<=9;i++) k=k","$i; s[k]+=$NF} END{for(k in n) if(s[k]!=n[k]) print k}' "$o/summary.csv" "$o/hist.csv" | wc -l)
ok $([ $bad -eq 0 ]; echo $?) "hist.csv: each cell's counts add up to its n"
lo=$(get "$o/summary.csv" lost_frac_lo '$2=="atomic" && $4==2')
hi=$(get "$o/summary.csv" lost_frac_hi '$2=="atomic" && $4==2')
v=$(get "$o/summary.csv" verdict '$2=="atomic" && $4==2')
ok $([ "$lo" = 0 ] && [ "$hi" = 0 ] && [ "$v" = never ]; echo $?) "atomic: a constant cell has a zero-width interval and verdict never ($lo, $hi, $v)"
up=$(get "$o/summary.csv" p_loss_upper '$2=="atomic" && $4==2')
ok $(awk -v u="$up" 'BEGIN{exit !(u > 0.39 && u < 0.40)}'; echo $?) "0 lossy of 6: exact upper bound 1 - 0.05^(1/6) = 0.393 ($up)"
v=$(get "$o/summary.csv" verdict '$2=="private" && $4==2')
ok $([ "$v" = always ]; echo $?) "private: every trial lost everything, verdict always"
ok $(head -1 "$o/compare.csv" | grep -q 'procs_a,procs_b,n_a,n_b,u,z,p$'; echo $?) "compare.csv header"
p=$(get "$o/compare.csv" p '$2=="atomic"')
ok $([ "$p" = 1 ]; echo $?) "compare: atomic never loses, all tied, p = 1 ($p)"

# merging two files equals analysing their concatenation
head -40 "$TMP/run.csv" > "$TMP/part1.csv"
{ head -1 "$TMP/run.csv"; tail -n +41 "$TMP/run.csv"; } > "$TMP/part2.csv"
o2=$(mkd merged)
$RACESTAT -q "$TMP/part1.csv" "$TMP/part2.csv" -o "$o2"
ok $(cmp -s "$o/summary.csv" "$o2/summary.csv" && cmp -s "$o/hist.csv" "$o2/hist.csv" && cmp -s "$o/compare.csv" "$o2/compare.csv"; echo $?) "merging two files gives the same outputs as one"

# CRLF, quoted fields, measure columns moved: same numbers
awk -F, 'BEGIN{OFS=","} {$3="\"" $3 "\""; printf "%s\r\n", $0}' "$TMP/run.csv" > "$TMP/crlf.csv"
o3=$(mkd crlf)
$RACESTAT -q "$TMP/crlf.csv" -o "$o3"
ok $(cmp -s "$o/summary.csv" "$o3/summary.csv"; echo $?) "CRLF line ends and quoted fields read the same"
awk -F, 'BEGIN{OFS=","} {f=$9; for(i=9;i<NF;i++) $i=$(i+1); $NF=f; print}' "$TMP/run.csv" > "$TMP/moved.csv"
o4=$(mkd moved)
$RACESTAT -q "$TMP/moved.csv" -o "$o4"
ok $(cmp -s "$o/summary.csv" "$o4/summary.csv"; echo $?) "columns are found by name, in any order"

# a new factor column splits cells with no change to racestat
awk -F, 'BEGIN{OFS=","} NR==1{print $0,"lab"; next} {print $0, (NR%2 ? "alpha" : "beta")}' "$TMP/run.csv" > "$TMP/wk.csv"
o5=$(mkd wk)
$RACESTAT -q "$TMP/wk.csv" -o "$o5"
ok $([ $(($(wc -l < "$o5/summary.csv") - 1)) -eq 32 ] && head -1 "$o5/summary.csv" | grep -q ',lab,n,'; echo $?) "an added factor column (lab) splits the cells"

# n = 1 and a histogram maximum
printf '%s\nr,e,plain,barrier,2,10,1,20,17,3,100,0.5\n' "$H" > "$TMP/one.csv"
o6=$(mkd one)
$RACESTAT -q "$TMP/one.csv" -o "$o6"
sd=$(get "$o6/summary.csv" final_sd 1); ci=$(get "$o6/summary.csv" lost_frac_lo 1); med=$(get "$o6/summary.csv" final_median 1)
ok $([ -z "$sd" ] && [ -z "$ci" ] && [ "$med" = 17 ]; echo $?) "n = 1: sd and interval empty, median is the value"
ok $(grep -q '^e,plain,barrier,2,10,16.5,17.5,1$' "$o6/hist.csv"; echo $?) "n = 1: one bin [16.5, 17.5) holding it"

# a violation is flagged
printf '%s\nr,e,atomic,barrier,2,10,1,20,19,1,100,0.5\nr,e,atomic,barrier,2,10,2,20,20,0,100,0.5\n' "$H" > "$TMP/viol.csv"
out=$($RACESTAT "$TMP/viol.csv" -o "$(mkd viol)" 2>"$TMP/viol.err"); rc=$?
ok $([ $rc -eq 1 ] && echo "$out" | grep -q ' 1 !' && grep -q 'broke' "$TMP/viol.err"; echo $?) "atomic not exact: violations counted and flagged, exit 1"

# bad input: one line naming file:line, exit 2, no output written
bad_case() { # name pattern content
	local d; d=$(mkd "bad$T_NUM")
	printf '%b' "$3" > "$TMP/bad.csv"
	refused "$2" $RACESTAT -q "$TMP/bad.csv" -o "$d"; local rc=$?
	[ -z "$(ls -A "$d")" ] || { rc=1; diag "output left in $d: $(ls -A "$d")"; }
	ok $rc "$1: refused, nothing written"; [ $rc -eq 0 ] || diag "$REFUSED"
}
bad_case "missing column" "bad.csv:1: missing required column 'final'" "run_id,procs,iters,expected,elapsed_ns,overlap\n"
bad_case "not a number" "bad.csv:3: final 'abc' is not a non-negative integer" "$H\nr,e,plain,b,2,10,1,20,17,3,100,0.5\nr,e,plain,b,2,10,2,20,abc,3,100,0.5\n"
bad_case "negative count" "bad.csv:2: procs '-2' is not a positive integer" "$H\nr,e,plain,b,-2,10,1,20,17,3,100,0.5\n"
bad_case "non-integer count" "bad.csv:2: iters '1.5' is not a positive integer" "$H\nr,e,plain,b,2,1.5,1,20,17,3,100,0.5\n"
bad_case "empty file" "bad.csv: empty file" ""
bad_case "too few fields" "bad.csv:2: 11 fields, the header has 12" "$H\nr,e,plain,b,2,10,1,20,17,3,100\n"
bad_case "not CSV at all" "bad.csv:1: missing required column" "\x7fELF\x02\x01\x01\x00\x00binary\n\x00\x01"
bad_case "lost inconsistent" "bad.csv:2: lost 4 is not expected - final" "$H\nr,e,plain,b,2,10,1,20,17,4,100,0.5\n"
bad_case "expected varies in a cell" "bad.csv:3: expected 21 differs from 20 earlier in cell" "$H\nr,e,plain,b,2,10,1,20,17,3,100,0.5\nr,e,plain,b,2,10,2,21,17,4,100,0.5\n"
bad_case "overlap out of range" "bad.csv:2: overlap '1.5' is not a number in \\[0, 1\\]" "$H\nr,e,plain,b,2,10,1,20,17,3,100,1.5\n"
