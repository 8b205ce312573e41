#!/usr/bin/env bash
# The CSV: exact header, whole rows, lost == expected - final, the .meta file.
. "$(dirname "$0")/lib.sh"
plan 10

$RACE -q -s plain,atomic,mutex,private -p 1,2 -n 100,1e4 -t 2 -o "$TMP/a.csv"
hdr=$(head -1 "$TMP/a.csv")
case $hdr in run_id,experiment,strategy,start,procs,iters,trial,expected,final,lost,elapsed_ns,overlap,*) ok 0 "header starts with the twelve core columns in order";; *) ok 1 "header starts with the twelve core columns in order";; esac
need="run_id experiment strategy start procs iters trial expected final lost elapsed_ns overlap"
miss=0; for c in $need; do echo ",$hdr," | grep -q ",$c," || { miss=1; diag "missing $c"; }; done
ok $miss "every required column is in the header"
nf=$(awk -F, '{print NF}' "$TMP/a.csv" | sort -u | wc -l)
ok $([ "$nf" -eq 1 ]; echo $?) "every row has as many fields as the header"
rows=$(($(wc -l < "$TMP/a.csv") - 1))
ok $([ "$rows" -eq 32 ]; echo $?) "4 strategies x 2 procs x 2 iters x 2 trials = 32 rows ($rows)"
bad=$(count_rows "$TMP/a.csv" '$c["lost"] != $c["expected"] - $c["final"]')
ok $([ "$bad" -eq 0 ]; echo $?) "lost == expected - final on every row"
bad=$(count_rows "$TMP/a.csv" '$c["expected"] != $c["procs"] * $c["iters"]')
ok $([ "$bad" -eq 0 ]; echo $?) "expected == procs x iters on every row"
bad=$(count_rows "$TMP/a.csv" '$c["overlap"] < 0 || $c["overlap"] > 1 || ($c["procs"] == 1 && $c["overlap"] != 0) || $c["overlap_pair"] < $c["overlap"]')
ok $([ "$bad" -eq 0 ]; echo $?) "overlap in [0,1], 0 for a single worker, never above overlap_pair"

meta="$TMP/a.csv.meta"
miss=0
for k in command racelab_commit racelab_dirty compiler compiler_version cflags cpu_model \
	cpus_online kernel hostname aslr loadavg start_utc plain_loop; do
	grep -q "^$k=" "$meta" || { miss=1; diag "meta lacks $k"; }
done
ok $miss "the .meta file records how the data was made"

# counts: 1e3, 2k, 1M, 2.5e3 are whole numbers; the file's settings yield to options
cat > "$TMP/e.conf" <<'CONF'
# comment
strategy = atomic   # trailing comment
procs = 1
iters = 1e3,2k,2.5e3
trials = 9
CONF
$RACE -q "$TMP/e.conf" --trials 1 -o "$TMP/e.csv"
got=$(csv_col "$TMP/e.csv" iters | sort -n | tr '\n' ' ')
ok $([ "$got" = "1000 2000 2500 " ]; echo $?) "counts 1e3, 2k, 2.5e3 read exactly; --trials overrides the file ($got)"
exp=$(csv_col "$TMP/e.csv" experiment | sort -u)
ok $([ "$exp" = e ]; echo $?) "experiment named after its file"
