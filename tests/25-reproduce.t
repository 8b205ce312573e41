#!/usr/bin/env bash
# Reproducing a published result: race --like runs the sweep a CSV's .meta
# records; racestat --compare gives a verdict per cell; make reproduce does
# both and writes the page. Against an earlier run of this machine every
# cell reproduces; against one whose P(loss) was doctored that cell differs.
. "$(dirname "$0")/lib.sh"
plan 18
PY=/usr/bin/python3
col() { csv_col "$@"; }
verdict() { # verdict FILE STRATEGY PROCS ITERS
	awk -F, -v s="$2" -v p="$3" -v n="$4" 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next}
		$c["strategy"]==s && $c["procs"]==p && $c["iters"]==n {print $c["verdict"]}' "$1"
}

# the published data: exact strategies (which never lose) and plain with one
# worker (which cannot), so that an honest rerun reproduces every cell
mkdir -p "$TMP/exp"
printf 'strategy = atomic,mutex,private\nprocs = 1,2\niters = 1e3,1e4\n' > "$TMP/exp/exact.conf"
printf 'strategy = plain\nprocs = 1\niters = 1e3,1e4\n' > "$TMP/exp/one.conf"
printf 'trials = 30\ninclude = exact.conf\ninclude = one.conf\n' > "$TMP/exp/pub.conf"
$RACE -q "$TMP/exp/pub.conf" --seed 21 -o "$TMP/base.csv"
cells=$(awk -F, 'NR>1{print $3","$5","$6}' "$TMP/base.csv" | sort -u | wc -l)

# race --like: the same sweep, from the .meta
$RACE -q --like "$TMP/base.csv" -o "$TMP/new.csv"; rc=$?
ok $([ $rc -eq 0 ] && [ "$(grep '^settings=' "$TMP/base.csv.meta")" = "$(grep '^settings=' "$TMP/new.csv.meta")" ] &&
	[ "$(awk -F, 'NR>1{print $2","$3","$5","$6","$7}' "$TMP/base.csv" | sort)" = "$(awk -F, 'NR>1{print $2","$3","$5","$6","$7}' "$TMP/new.csv" | sort)" ]; echo $?) \
	"race --like: the same settings line, parts, cells and trials ($cells cells)"
refuse "--like without a .meta is refused" "nosuch\.csv\.meta: cannot read" $RACE --like "$TMP/nosuch.csv" -o "$TMP/x.csv"
printf 'settings=experiment=x;procs=zz\n' > "$TMP/broken.csv.meta"
refuse "--like with a bad settings line names the .meta and line" "broken\.csv\.meta:1: procs 'zz' is not a number" \
	$RACE --like "$TMP/broken.csv" -o "$TMP/x.csv"
refuse "--like with an experiment file is refused" "one or the other" $RACE --like "$TMP/base.csv" "$TMP/exp/pub.conf"

# racestat --compare: every cell reproduced, Holm and TOST columns present
mkdir -p "$TMP/cmp"
$RACESTAT -q --compare "$TMP/base.csv" "$TMP/new.csv" -o "$TMP/cmp"; rc=$?
rep=$(col "$TMP/cmp/reproduce.csv" verdict | grep -c '^reproduced$')
ok $([ $rc -eq 0 ] && [ "$rep" -eq "$cells" ]; echo $?) "an honest rerun: $rep of $cells cells reproduced"
ok $(head -1 "$TMP/cmp/reproduce.csv" | grep -q 'host_base,host_new,verdict,n_base,n_new,.*p_loss_p_holm,p_loss_tost_lo,p_loss_tost_hi,p_loss_equivalent,.*lost_frac_p_holm,.*trials_needed'; echo $?) \
	"reproduce.csv: both hosts, Holm p and the TOST intervals of both measures"

# a doctored BASE: plain, 1 worker, 1e3 iterations, 20 of 30 trials made lossy
awk -F, 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) c[$i]=i; print; next}
	$c["strategy"]=="plain" && $c["iters"]==1000 && $c["trial"] <= 20 {$c["final"] = $c["expected"] - 5; $c["lost"] = 5} {print}' \
	"$TMP/base.csv" > "$TMP/doctored.csv"
cp "$TMP/base.csv.meta" "$TMP/doctored.csv.meta"
mkdir -p "$TMP/dcmp"
$RACESTAT -q --compare "$TMP/doctored.csv" "$TMP/new.csv" -o "$TMP/dcmp" --fail-on differs; rc=$?
ok $([ $rc -eq 1 ] && [ "$(verdict "$TMP/dcmp/reproduce.csv" plain 1 1000)" = differs ] &&
	[ "$(col "$TMP/dcmp/reproduce.csv" verdict | grep -c '^differs$')" -eq 1 ]; echo $?) \
	"a doctored P(loss) (20 of 30 lossy against none): that cell alone differs, and --fail-on differs exits 1 (rc $rc)"

# make reproduce: the sweep here, the comparison and the page
make -s reproduce BASE="$TMP/base.csv" B="$BUILD" REPRO_DIR="$TMP/mr" REPRO_OUT="$TMP/mrout" > "$TMP/mr.log" 2>&1; rc=$?
n=$(col "$TMP/mr/reproduce/reproduce.csv" verdict | grep -c '^reproduced$')
ok $([ $rc -eq 0 ] && [ "$n" -eq "$cells" ] && grep -q "$cells cells: $cells reproduced" "$TMP/mr.log"; echo $?) \
	"make reproduce against an earlier run here: $n of $cells reproduced"
ok $([ -s "$TMP/mrout/report.html" ] && grep -q "Is this the published result" "$TMP/mrout/report.html" &&
	grep -q "The two machines" "$TMP/mrout/report.html"; echo $?) "make reproduce writes the page, with both machines' facts"
make -s reproduce BASE="$TMP/doctored.csv" B="$BUILD" REPRO_DIR="$TMP/md" REPRO_OUT="$TMP/mdout" > "$TMP/md.log" 2>&1; rc=$?
ok $([ $rc -eq 0 ] && [ "$(verdict "$TMP/md/reproduce/reproduce.csv" plain 1 1000)" = differs ] && grep -q '<tr class="flag"><td><span class="nw">[^<]*strategy plain, procs 1, iters 1000' "$TMP/mdout/report.html"; echo $?) \
	"make reproduce against the doctored one: that cell differs, flagged on the page"

# a host of another name is still the same cell; two hosts in one cell are refused
awk -F, 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) c[$i]=i; print; next} {$c["host"]="elsewhere"; print}' "$TMP/new.csv" > "$TMP/other.csv"
$RACESTAT -q --compare "$TMP/base.csv" "$TMP/other.csv" -o "$TMP/ocmp"; rc=$?
ok $([ $rc -eq 0 ] && [ "$(col "$TMP/ocmp/reproduce.csv" host_new | sort -u)" = elsewhere ] &&
	[ "$(col "$TMP/ocmp/reproduce.csv" verdict | grep -c '^reproduced$')" -eq "$cells" ]; echo $?) \
	"another host's data: matched cell by cell (host is not a factor here)"
awk -F, 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {$c["run_id"]="R2"; print}' "$TMP/other.csv" > "$TMP/second.part"
cat "$TMP/new.csv" "$TMP/second.part" > "$TMP/twohosts.csv"
refuse "a side holding one cell from two hosts is refused" "holds cell \[.*\] twice \(from two hosts\?\)" \
	$RACESTAT -q --compare "$TMP/base.csv" "$TMP/twohosts.csv" -o "$TMP/x"

# few trials: inconclusive, with how many would settle it; cells on one side
H="run_id,experiment,strategy,start,procs,iters,trial,expected,final,lost,elapsed_ns,overlap,host"
{ echo "$H"; for t in 1 2 3 4 5; do echo "a,e,plain,barrier,2,10,$t,20,20,0,100,0.5,h1"; done
  for t in 1 2 3 4 5; do echo "a,e,plain,barrier,2,99,$t,198,198,0,100,0.5,h1"; done; } > "$TMP/few-a.csv"
{ echo "$H"; for t in 1 2 3 4 5; do echo "b,e,plain,barrier,2,10,$t,20,20,0,100,0.5,h2"; done
  for t in 1 2 3 4 5; do echo "b,e,plain,barrier,4,10,$t,40,40,0,100,0.5,h2"; done; } > "$TMP/few-b.csv"
$RACESTAT -q --compare "$TMP/few-a.csv" --new "$TMP/few-b.csv" -o "$TMP/fcmp"; rc=$?
need=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["iters"]==10 && $c["procs"]==2 {print $c["verdict"]" "$c["trials_needed"]}' "$TMP/fcmp/reproduce.csv")
ok $([ $rc -eq 0 ] && [ "${need% *}" = inconclusive ] && [ "${need#* }" -gt 5 ]; echo $?) \
	"5 trials against 5, none lossy: inconclusive, $((${need#* })) trials a side would settle it"
ok $([ "$(col "$TMP/fcmp/reproduce.csv" verdict | sort | tr '\n' ' ')" = "base only inconclusive new only " ]; echo $?) \
	"cells on one side only are listed as base only and new only"

# JSON: one document, the inputs' .meta as context
$RACESTAT --compare "$TMP/base.csv" "$TMP/new.csv" -o "$TMP/jcmp" -f json > "$TMP/r.json"
ok $($PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
ins = d["context"]["inputs"]
assert d["schema_version"] == 1 and d["context"]["mode"] == "compare"
assert [i["side"] for i in ins] == ["base", "new"] and ins[0]["meta"]["host"]
assert len(d["reproduce"]) == int(sys.argv[2]) and all(r["verdict"] == "reproduced" for r in d["reproduce"])
assert isinstance(d["reproduce"][0]["n_base"], int) and d["summary_base"] and d["summary_new"]
' "$TMP/r.json" "$cells"; echo $?) "--format json: schema_version, context with both sides' .meta, reproduce and both summaries"
$RACESTAT -q "$TMP/base.csv" -o "$TMP/st"; $RACESTAT "$TMP/base.csv" -o "$TMP/st" -f json > "$TMP/s.json"
ok $($PY -c '
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2] + "/summary.csv")))
assert len(d["summary"]) == len(rows) and d["hist"] and d["compare"] is not None and d["claims"]
for j, r in zip(d["summary"], rows):
    for k, v in r.items():
        assert (j[k] is None) == (v == ""), k
        assert v == "" or str(j[k]) == v or float(j[k]) == float(v), (k, v, j[k])
' "$TMP/s.json" "$TMP/st"; echo $?) "--format json of the statistics: the same values as the CSV files, empty as null"

# data never becomes markup: a hostile host in a .meta is text on the page
sed 's/^host=.*/host=<script>alert(1)<\/script>/' "$TMP/base.csv.meta" > "$TMP/hostile.meta"
cp "$TMP/base.csv" "$TMP/hostile.csv"; mv "$TMP/hostile.meta" "$TMP/hostile.csv.meta"
MPLBACKEND=Agg $PY report/racereport.py --reproduce "$TMP/cmp" --base "$TMP/hostile.csv" --new "$TMP/new.csv" --out "$TMP/hout" 2>/dev/null
ok $([ -s "$TMP/hout/report.html" ] && ! grep -q '<script>' "$TMP/hout/report.html" && grep -q '&lt;script&gt;' "$TMP/hout/report.html"; echo $?) \
	"a .meta's <script> reaches the page escaped"
refuse "--compare with three files and no --new is refused" "--compare takes BASE.csv NEW.csv" \
	$RACESTAT --compare "$TMP/base.csv" "$TMP/new.csv" "$TMP/other.csv"
