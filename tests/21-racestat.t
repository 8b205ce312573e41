#!/usr/bin/env bash
# racestat end to end: outputs, merging, CSV dialects, edge cells, the
# measures compared, exact counts, bad input.
. "$(dirname "$0")/lib.sh"
plan 58

H="run_id,experiment,strategy,start,procs,iters,trial,expected,final,lost,elapsed_ns,overlap"
mkd() { mkdir -p "$TMP/$1"; echo "$TMP/$1"; }
# get FILE NAME CONDITION: column NAME of the first row where an awk condition (on $c["..."]) holds
get() { awk -F, -v n="$2" "NR==1{for(i=1;i<=NF;i++) c[\$i]=i; next} { split(\"\", v); for (k in c) v[k] = \$c[k] } $3 {print \$c[n]; exit}" "$1"; }

$RACE -q -s plain,atomic,mutex,private -p 1,2 -n 1e3,1e5 -t 12 -o "$TMP/run.csv"
o=$(mkd a)
$RACESTAT -q "$TMP/run.csv" -o "$o"; rc=$?
ok $([ $rc -eq 0 ] && [ -s "$o/summary.csv" ] && [ -s "$o/hist.csv" ] && [ -s "$o/compare.csv" ] && [ -s "$o/claims.csv" ]; echo $?) "writes summary.csv, hist.csv, compare.csv, claims.csv"
want="check,n,expected,final_mean,final_sd,final_min,final_q1,final_median,final_median_lo,final_median_hi,final_q3,final_max,lost_mean,lost_sd,lost_median,lost_max,lost_frac_mean,lost_frac_lo,lost_frac_hi,lost_frac_method,p_loss,p_loss_lo,p_loss_hi,p_loss_upper,lossy,loss_size_mean,loss_size_lo,loss_size_hi,verdict,violations,ns_per_inc,ns_per_inc_lo,ns_per_inc_hi,overlap_mean,skew_median,failed,boot_seed,boot_reps"
ok $(head -1 "$o/summary.csv" | grep -q "^experiment,strategy,start,procs,iters,host,region,workers,pin,launch,trace,$want\$"; echo $?) "summary.csv: factor columns, then the named statistics"
cells=$(($(wc -l < "$o/summary.csv") - 1))
ok $([ $cells -eq 16 ]; echo $?) "16 cells from 4 strategies x 2 procs x 2 iters ($cells)"
ok $(! grep -qi 'nan\|inf' "$o"/*.csv; echo $?) "no nan or inf in any output"
bad=$(awk -F, 'FNR==1{for(i=1;i<=NF;i++) if($i=="check"||$i=="bin_lo") nf=i-1; for(i=1;i<=NF;i++) if($i=="n") nc=i; next} NR==FNR{k=$1; for(i=2;i<=nf;i++) k=k","$i; n[k]=$nc; next} {k=$1; for(i=2;i<=nf;i++) k=k","$i; s[k]+=$NF} END{for(k in n) if(s[k]!=n[k]) print k}' "$o/summary.csv" "$o/hist.csv" | wc -l)
ok $([ $bad -eq 0 ]; echo $?) "hist.csv: each cell's counts add up to its n"
lo=$(get "$o/summary.csv" lost_frac_lo 'v["strategy"]=="atomic" && v["procs"]==2')
hi=$(get "$o/summary.csv" lost_frac_hi 'v["strategy"]=="atomic" && v["procs"]==2')
v=$(get "$o/summary.csv" verdict 'v["strategy"]=="atomic" && v["procs"]==2')
ok $([ "$lo" = 0 ] && awk -v h="$hi" 'BEGIN{exit !(h > 0.2)}' && [ "$v" = never ]; echo $?) "atomic, nothing lost in 12: verdict never, the interval [$lo, $hi] is not [0, 0]"
up=$(get "$o/summary.csv" p_loss_upper 'v["strategy"]=="atomic" && v["procs"]==2')
ok $(awk -v u="$up" 'BEGIN{exit !(u > 0.2209 && u < 0.2210)}'; echo $?) "0 lossy of 12: exact upper bound 1 - 0.05^(1/12) = 0.2209 ($up)"
v=$(get "$o/summary.csv" verdict 'v["strategy"]=="private" && v["procs"]==2')
lf=$(get "$o/summary.csv" lost_frac_mean 'v["strategy"]=="private" && v["procs"]==2')
ok $([ "$v" = untouched ] && [ -z "$lf" ]; echo $?) "private: verdict untouched, no share lost reported ($v, '$lf')"
ok $(head -1 "$o/compare.csv" | grep -q '^family,kind,factor,.*,a,b,levels,measure,n_a,n_b,k_a,k_b,est_a,est_b,diff,diff_lo,diff_hi,diff_method,effect,stat,z,p,p_method,p_holm,testable$'; echo $?) "compare.csv header"
n=$(awk -F, 'NR>1 && $1=="pairs" && $2=="pair" && $3=="procs"' "$o/compare.csv" | wc -l)
ok $([ "$n" -eq 4 ]; echo $?) "plain, 1 against 2 processes at each iters, on both measures: 4 rows ($n)"
measures=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $c["measure"]}' "$o/compare.csv" | sort -u | tr '\n' ' ')
ok $([ "$measures" = "lost_frac p_loss " ]; echo $?) "every comparison is of the share lost or of P(loss), never of absolute lost ($measures)"
ok $(awk -F, 'NR>1 && $1 ~ /control/ && $NF==1' "$o/compare.csv" | grep -q .; [ $? -ne 0 ]; echo $?) "exact strategies never lose: their comparisons are marked not testable"

# merging two files equals analysing their concatenation
head -40 "$TMP/run.csv" > "$TMP/part1.csv"
{ head -1 "$TMP/run.csv"; tail -n +41 "$TMP/run.csv"; } > "$TMP/part2.csv"
o2=$(mkd merged)
$RACESTAT -q "$TMP/part2.csv" "$TMP/part1.csv" -o "$o2"
ok $(for f in summary hist compare claims; do cmp -s "$o/$f.csv" "$o2/$f.csv" || exit 1; done; echo $?) "merging two files (in either order) gives the same bytes as one"
refuse "the same file twice is refused, naming both places" "part1.csv:2: repeats trial .* already read at .*part1.csv:2" $RACESTAT -q "$TMP/part1.csv" "$TMP/part1.csv" -o "$(mkd twice)"
# a cell's ids rise in runs (1-100, 200-300), then fall (150, no repeat),
# then repeat one of the first run: found, with both lines
{ echo "run_id,strategy,procs,iters,trial,expected,final,elapsed_ns,overlap"
  for t in $(seq 1 100) $(seq 200 300) 150 50; do echo "r1,plain,2,10,$t,20,18,100,0.5"; done; } > "$TMP/runs.csv"
refuse "ids kept as runs while they rise: a later repeat is still found, naming both lines" \
	"runs\.csv:204: repeats trial 50 of run r1 .* already read at .*runs\.csv:51" $RACESTAT -q "$TMP/runs.csv" -o "$(mkd runs)"
# two cells in turn (a cell's lines two apart, its trials even), then one
# alone (lines one apart), then a fall to a new trial; then a repeat of
# either stretch or of the other cell: each named with both its lines
{ echo "run_id,strategy,procs,iters,trial,expected,final,elapsed_ns,overlap"
  for t in $(seq 1 50); do echo "r1,plain,2,10,$((2 * t)),20,18,100,0.5"; echo "r1,plain,4,10,$t,40,38,100,0.5"; done
  for t in $(seq 51 60); do echo "r1,plain,2,10,$((2 * t)),20,18,100,0.5"; done
  echo "r1,plain,2,10,31,20,18,100,0.5"; } > "$TMP/turns.csv"
for x in "2,10,110,20,18" "2,10,14,20,18" "4,10,50,40,38"; do
	{ cat "$TMP/turns.csv"; echo "r1,plain,$x,100,0.5"; } > "$TMP/turns-${x%%,*}-$(echo "$x" | cut -d, -f3).csv"
done
refuse "ids and lines kept as runs of equal steps: a repeat of the one-apart stretch names both lines" \
	"turns-2-110\.csv:113: repeats trial 110 of run r1 .* already read at .*turns-2-110\.csv:106" \
	$RACESTAT -q "$TMP/turns-2-110.csv" -o "$(mkd turns1)"
refuse "... and of a cell in turn with another, its lines two apart" \
	"turns-2-14\.csv:113: repeats trial 14 of run r1 .* already read at .*turns-2-14\.csv:14" \
	$RACESTAT -q "$TMP/turns-2-14.csv" -o "$(mkd turns2)"
refuse "... and of the other cell" \
	"turns-4-50\.csv:113: repeats trial 50 of run r1 .* already read at .*turns-4-50\.csv:101" \
	$RACESTAT -q "$TMP/turns-4-50.csv" -o "$(mkd turns3)"

# CRLF, quoted fields, measure columns moved: same numbers
awk -F, 'BEGIN{OFS=","} {$3="\"" $3 "\""; printf "%s\r\n", $0}' "$TMP/run.csv" > "$TMP/crlf.csv"
o3=$(mkd crlf)
$RACESTAT -q "$TMP/crlf.csv" -o "$o3"
ok $(cmp -s "$o/summary.csv" "$o3/summary.csv"; echo $?) "CRLF line ends and quoted fields read the same"
# rows of a cell together (sorted), quoted and plain in turn, the cells'
# values in both forms: the same cells, the same bytes
{ head -1 "$TMP/run.csv"; tail -n +2 "$TMP/run.csv" | sort -t, -k3,3 -k5,5 -k6,6 -k7,7n; } |
	awk -F, 'BEGIN{OFS=","} NR > 1 && NR % 2 {$3 = "\"" $3 "\""; $6 = "\"" $6 "\""} {print}' > "$TMP/mixed.csv"
o3m=$(mkd mixed)
$RACESTAT -q "$TMP/mixed.csv" -o "$o3m"
ok $(for f in summary hist compare claims; do cmp -s "$o/$f.csv" "$o3m/$f.csv" || exit 1; done; echo $?) \
	"rows quoted and plain in turn give the same cells and bytes"
# the same in race's order (a row of every cell in turn: cells found by
# their factor bytes' hash), quoted and plain rows mixed
awk -F, 'BEGIN{OFS=","} NR > 1 && NR % 3 == 0 {$3 = "\"" $3 "\""; $6 = "\"" $6 "\""} {print}' "$TMP/run.csv" > "$TMP/mixed2.csv"
o3n=$(mkd mixed2)
$RACESTAT -q "$TMP/mixed2.csv" -o "$o3n"
ok $(for f in summary hist compare claims; do cmp -s "$o/$f.csv" "$o3n/$f.csv" || exit 1; done; echo $?) \
	"rows of every cell in turn, some quoted, give the same cells and bytes"
awk -F, 'BEGIN{OFS=","} {f=$9; for(i=9;i<NF;i++) $i=$(i+1); $NF=f; print}' "$TMP/run.csv" > "$TMP/moved.csv"
o4=$(mkd moved)
$RACESTAT -q "$TMP/moved.csv" -o "$o4"
ok $(cmp -s "$o/summary.csv" "$o4/summary.csv"; echo $?) "columns are found by name, in any order"
# by trial number, so that every cell holds both labels whatever the order
# the trials ran in (by row, a cell's rows can all fall on one parity)
awk -F, 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) if($i=="trial") t=i; print $0,"lab"; next}
	{print $0, ($t%2 ? "alpha" : "beta")}' "$TMP/run.csv" > "$TMP/wk.csv"
o5=$(mkd wk)
$RACESTAT -q "$TMP/wk.csv" -o "$o5"
ok $([ $(($(wc -l < "$o5/summary.csv") - 1)) -eq 32 ] && head -1 "$o5/summary.csv" | grep -q ',lab,check,n,'; echo $?) "an added factor column (lab) splits the cells"

# n = 1 and a histogram maximum
printf '%s\nr,e,plain,barrier,2,10,1,20,17,3,100,0.5\n' "$H" > "$TMP/one.csv"
o6=$(mkd one)
$RACESTAT -q "$TMP/one.csv" -o "$o6"
sd=$(get "$o6/summary.csv" final_sd 1); med=$(get "$o6/summary.csv" final_median 1); v=$(get "$o6/summary.csv" verdict 1)
ok $([ -z "$sd" ] && [ "$med" = 17 ] && [ "$v" = insufficient ]; echo $?) "n = 1: no sd, the median is the value, no verdict from one trial ($v)"
ok $(grep -q '^e,plain,barrier,2,10,16.5,17.5,1$' "$o6/hist.csv"; echo $?) "n = 1: one bin [16.5, 17.5] holding it"

# a violation is flagged
printf '%s\nr,e,atomic,barrier,2,10,1,20,19,1,100,0.5\nr,e,atomic,barrier,2,10,2,20,20,0,100,0.5\n' "$H" > "$TMP/viol.csv"
out=$($RACESTAT "$TMP/viol.csv" -o "$(mkd viol)" 2>"$TMP/viol.err"); rc=$?
ok $([ $rc -eq 1 ] && echo "$out" | grep -q ' 1 !' && grep -q 'broke' "$TMP/viol.err"; echo $?) "atomic not exact: violations counted and flagged, exit 1"
# a plain trial above expected: the share lost is negative, its interval is not inverted
printf '%s\nr,e,plain,barrier,2,10,1,20,25,-5,100,0.5\nr,e,plain,barrier,2,10,2,20,20,0,100,0.5\n' "$H" > "$TMP/gain.csv"
$RACESTAT -q "$TMP/gain.csv" -o "$(mkd gain)" 2>/dev/null
read -r m l h meth < <(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $c["lost_frac_mean"], $c["lost_frac_lo"], $c["lost_frac_hi"], $c["lost_frac_method"]}' "$TMP/gain/summary.csv")
ok $(awk -v m="$m" -v l="$l" -v h="$h" 'BEGIN{exit !(l <= m && m <= h && m < 0)}'; echo $?) "final above expected: mean $m inside [$l, $h] ($meth), not an inverted [0, -0.25]"

# exact counts, far past 2^53
E=9223372036854775806
{ echo "$H"; for t in 1 2 3 4 5; do echo "r,e,plain,barrier,2,4611686018427387903,$t,$E,$((E - 1)),1,100,0.5"; done; } > "$TMP/big.csv"
o7=$(mkd big)
$RACESTAT -q "$TMP/big.csv" -o "$o7"; rc=$?
read -r lm pl fmin < <(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $c["lost_mean"], $c["p_loss"], $c["final_min"]}' "$o7/summary.csv")
ok $([ $rc -eq 0 ] && [ "$lm" = 1 ] && [ "$pl" = 1 ] && [ "$fmin" = $((E - 1)) ]; echo $?) "five trials near INT64_MAX that each lost 1: lost_mean $lm, p_loss $pl, final_min $fmin exact"
bin=$(awk -F, 'NR==2{print $(NF-2) "," $(NF-1)}' "$o7/hist.csv")
ok $([ "$bin" = "9223372036854775804.5,9223372036854775805.5" ]; echo $?) "histogram edges exact in integers ($bin)"
M=18446744073709551615
{ echo "$H"; echo "r,e,atomic,barrier,1,$M,1,$M,$M,0,100,0"; } > "$TMP/max.csv"
$RACESTAT -q "$TMP/max.csv" -o "$(mkd max)"; rc=$?
ok $([ $rc -eq 0 ] && grep -q ",$M,$M," "$TMP/max/summary.csv"; echo $?) "counts up to 2^64 - 1 are read and written exactly (exit $rc)"
# 2 x 10^6 trials, half of them lossy: the exact bound returns (GSL's inverse does not)
awk -v h="$H" 'BEGIN{print h; for(i=1;i<=2000000;i++) printf "r,e,plain,barrier,2,10,%d,20,%d,%d,100,0.5\n", i, (i%2 ? 17 : 20), (i%2 ? 3 : 0)}' |
	timeout 120 $RACESTAT -q --bootstrap 0 - -o "$(mkd half)"; rc=$?
up=$(get "$TMP/half/summary.csv" p_loss_upper 1)
ok $([ $rc -eq 0 ] && awk -v u="$up" 'BEGIN{exit !(u > 0.5 && u < 0.501)}'; echo $?) "2 x 10^6 trials, half lossy, read from a pipe: P(loss) <= $up (exit $rc)"

# a level with no usable trials does not hide its neighbours' comparison
{ echo "$H,status"
  for t in 1 2 3 4 5 6; do echo "r,e,plain,barrier,1,100,$t,100,100,0,100,0,ok"; echo "r,e,plain,barrier,2,100,$t,200,200,0,100,0,crashed"; echo "r,e,plain,barrier,4,100,$t,400,$((390 + t)),$((10 - t)),100,0.5,ok"; done; } > "$TMP/gap.csv"
$RACESTAT -q "$TMP/gap.csv" -o "$(mkd gap)"
ok $(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["family"]=="pairs" && $c["kind"]=="pair" && $c["factor"]=="procs" && $c["a"]==1 && $c["b"]==4' "$TMP/gap/compare.csv" | grep -q .; echo $?) "procs 1 and 4 are compared when 2 has no usable trial"

# the exact conditional p where groups are small and tied
{ echo "$H"; for t in $(seq 30); do echo "r,e,plain,barrier,2,10,$t,20,10,10,100,0.5"; done; echo "r,e,plain,barrier,4,10,1,40,30,10,100,0.5"; } > "$TMP/tie.csv"
$RACESTAT -q "$TMP/tie.csv" -o "$(mkd tie)"
read -r p meth < <(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["family"]=="pairs" && $c["kind"]=="pair" && $c["measure"]=="lost_frac" {print $c["p"], $c["p_method"]}' "$TMP/tie/compare.csv")
ok $([ "$meth" = mw-exact ] && awk -v p="$p" 'BEGIN{exit !(p > 0.0322 && p < 0.0323)}'; echo $?) "30 trials losing 50 % against one losing 25 %: exact p = 1/31 ($p, $meth)"

# claims.csv: every statement decided, with its test and Holm p
ok $(head -1 "$o/claims.csv" | grep -q '^claim,kind,family,factor,.*,a,b,measure,statement,test,stat,p,p_holm,effect,effect_lo,effect_hi,n,k,bound,detail$'; echo $?) "claims.csv header"
kinds=$(awk -F, 'NR>1{print $2}' "$o/claims.csv" | sort -u | tr '\n' ' ')
# overlap_corr needs losses that vary, which a loaded machine may not give
# in so short a run: that kind is checked on made-up trials below
ok $( (for k in trend pair overlap_none ratio ratio_one drift guarantee; do echo " $kinds" | grep -q " $k " || exit 1; done); echo $?) "claims of every kind: $kinds"
{ echo "$H"; for t in $(seq 40); do echo "r,e,plain,barrier,2,100,$t,200,$((200 - t)),$t,1000,0.$((t + 10))"; done; } > "$TMP/corr.csv"
$RACESTAT -q "$TMP/corr.csv" -o "$(mkd corr)"
st=$(awk -F, 'NR>1 && $2=="overlap_corr"{print $0}' "$TMP/corr/claims.csv")
ok $(echo "$st" | grep -q ',lost_frac,positive,spearman,'; echo $?) "overlap_corr: losses growing with overlap are a positive Spearman correlation"
ok $(awk -F, 'NR>1 && $2=="trend" && $1 !~ /^C/' "$o/claims.csv" | grep -q .; [ $? -ne 0 ]; echo $?) "every claim has an id"
st=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["kind"]=="guarantee" {print $c["strategy"] "=" $c["statement"]}' "$o/claims.csv" | sort | tr '\n' ' ')
ok $([ "$st" = "atomic=held mutex=held plain=held private=held " ]; echo $?) "every guarantee held: $st"

# the seed: written, and the same bytes from the same data
ok $([ "$(get "$o/summary.csv" boot_seed 1)" = 1 ]; echo $?) "the bootstrap's seed is in summary.csv"
$RACESTAT -q --seed 7 "$TMP/run.csv" -o "$(mkd seed7)"
ok $([ "$(get "$TMP/seed7/summary.csv" boot_seed 1)" = 7 ] && ! cmp -s "$o/summary.csv" "$TMP/seed7/summary.csv"; echo $?) "--seed 7 is recorded and changes the resamples"

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
# the run id of the row before, quoted with a comma in it, then the same text unquoted: two fields, not the run
bad_case "too many fields" "bad.csv:3: 13 fields, the header has 12" "$H\n\"r,x\",e,plain,b,2,10,1,20,17,3,100,0.500000\nr,x,e,plain,b,2,10,2,20,17,3,100,0.500000\n"
bad_case "not CSV at all" "bad.csv:1: missing required column" "\x7fELF\x02\x01\x01\x00\x00binary\n\x00\x01"
bad_case "lost inconsistent" "bad.csv:2: lost 4 is not expected - final" "$H\nr,e,plain,b,2,10,1,20,17,4,100,0.5\n"
bad_case "lost negative, final below expected" "bad.csv:2: lost -3 is not expected - final \\(20 - 17\\)" "$H\nr,e,plain,b,2,10,1,20,17,-3,100,0.5\n"
bad_case "lost positive, final above expected" "bad.csv:2: lost 5 is not expected - final \\(20 - 25\\)" "$H\nr,e,plain,b,2,10,1,20,25,5,100,0.5\n"
bad_case "lost -0" "bad.csv:2: lost '-0' is not an integer" "$H\nr,e,plain,b,2,10,1,20,20,-0,100,0.5\n"
bad_case "expected not procs x iters" "bad.csv:2: expected 21 is not procs x iters \\(2 x 10\\)" "$H\nr,e,plain,b,2,10,1,21,17,4,100,0.5\n"
bad_case "overlap out of range" "bad.csv:2: overlap '1.5' is not a number in \\[0, 1\\]" "$H\nr,e,plain,b,2,10,1,20,17,3,100,1.5\n"
bad_case "overlap with a space" "bad.csv:2: overlap ' 0.5' is not a number" "$H\nr,e,plain,b,2,10,1,20,17,3,100, 0.5\n"
bad_case "overlap in hex" "bad.csv:2: overlap '0x1p-1' is not a number" "$H\nr,e,plain,b,2,10,1,20,17,3,100,0x1p-1\n"
bad_case "final -0" "bad.csv:2: final '-0' is not a non-negative integer" "$H\nr,e,plain,b,2,10,1,20,-0,20,100,0.5\n"
bad_case "a control character in a factor" "bad.csv:2: strategy holds a control character" "$H\nr,e,pl\x01ain,b,2,10,1,20,17,3,100,0.5\n"
