#!/usr/bin/env bash
# The later strategies and factors: every exact strategy is exact, the
# compiler's version of plain is folded, threads race like processes,
# pinning puts workers where asked.
. "$(dirname "$0")/lib.sh"
plan 15

$RACE -q -s sem,spin,atomic-relaxed,sharded,false-shared -p 1,2,3 -n 1,1000,1e5 -t 2 -o "$TMP/ex.csv"; rc=$?
bad=$(count_rows "$TMP/ex.csv" '$c["final"] != $c["expected"]')
rows=$(count_rows "$TMP/ex.csv" 1)
ok $([ $rc -eq 0 ] && [ "$bad" -eq 0 ] && [ "$rows" -eq 90 ]; echo $?) "sem, spin, atomic-relaxed, sharded, false-shared: exact in all $rows trials"

$RACE -q -s atomic,mutex,spin -p 2,3 -n 1e4 -t 3 --workers threads -o "$TMP/th.csv"; rc=$?
bad=$(count_rows "$TMP/th.csv" '$c["final"] != $c["expected"] || $c["workers"] != "threads"')
ok $([ $rc -eq 0 ] && [ "$bad" -eq 0 ]; echo $?) "threads: atomic, mutex and spin are exact"
$RACE -q -s plain -p 2 -n 1e7 -t 20 --workers threads --pin spread --start spin -o "$TMP/tp.csv"
lossy=$(count_rows "$TMP/tp.csv" '$c["lost"] > 0')
ok $([ "$lossy" -ge 1 ]; echo $?) "threads race like processes: $lossy of 20 trials lost updates"
refuse "private with threads is refused" "strategy private needs workers = processes" $RACE -s private --workers threads -o "$TMP/x.csv"
refuse "an unknown workers value" "workers 'fibers' must be one of processes, threads" $RACE --workers fibers -o "$TMP/x.csv"

$RACE -q -s plain-hoisted -p 1,2 -n 1e5 -t 5 -o "$TMP/h.csv"; rc=$?
bad=$(count_rows "$TMP/h.csv" '$c["final"] > $c["expected"] || $c["final"] % $c["iters"] != 0')
ok $([ $rc -eq 0 ] && [ "$bad" -eq 0 ]; echo $?) "plain-hoisted: all or nothing, the final value is a multiple of iters"

$RACE -q -s atomic -p 3 -n 1000 -t 3 --pin same,spread,random --seed 7 -o "$TMP/pin.csv"; rc=$?
bad=$(count_rows "$TMP/pin.csv" 'split($c["cpus"], a, ";") != 3')
ok $([ $rc -eq 0 ] && [ "$bad" -eq 0 ]; echo $?) "every row records the starting CPU of each of its 3 workers"
bad=$(count_rows "$TMP/pin.csv" '$c["pin"] == "same" && (split($c["cpus"], a, ";") && (a[1] != a[2] || a[2] != a[3]))')
ok $([ "$bad" -eq 0 ]; echo $?) "pin same: all workers started on one CPU"
if [ "$(nproc)" -ge 2 ]; then
	bad=$(count_rows "$TMP/pin.csv" '$c["pin"] == "spread" && (split($c["cpus"], a, ";") && a[1] == a[2])')
	ok $([ "$bad" -eq 0 ]; echo $?) "pin spread: neighbouring workers on different CPUs"
else
	ok 0 "# SKIP pin spread needs 2 CPUs"
fi
grep -q '^seed=7$' "$TMP/pin.csv.meta"; ok $? "the seed for random placement is in .meta"

$RACE -q -s atomic,plain -p 2 -n 1e4 -t 3 --start spin,fork,barrier -o "$TMP/st.csv"; rc=$?
bad=$(count_rows "$TMP/st.csv" '$c["strategy"] == "atomic" && $c["final"] != $c["expected"]')
n=$(count_rows "$TMP/st.csv" '$c["start"] == "spin"')
ok $([ $rc -eq 0 ] && [ "$bad" -eq 0 ] && [ "$n" -eq 6 ]; echo $?) "start spin, fork and barrier all run; atomic exact"

# threads cannot be killed: past the watchdog the row is written and race exits
$RACE -q -s plain -p 2 -n 1e12 -t 3 --workers threads --trial-timeout 1 -o "$TMP/tt.csv" 2>"$TMP/tt.err"; rc=$?
st=$(csv_col "$TMP/tt.csv" status | tr '\n' ' ')
ok $([ $rc -eq 1 ] && [ "$st" = "timeout " ] && grep -q 'threads cannot be stopped' "$TMP/tt.err"; echo $?) "threads past the watchdog: a timeout row, a clear message, exit 1 ($st)"
sleep 0.2
ok $([ "$(leftover_procs)" -eq 0 ] && [ "$(leftover_shm)" -eq 0 ]; echo $?) "nothing left behind"

# includes: each part runs in turn; options override every part; no nesting
printf 'include = a.conf\ninclude = b.conf\n' > "$TMP/top.conf"
printf 'strategy = plain\niters = 100\n' > "$TMP/a.conf"
printf 'strategy = atomic,private\nworkers = processes,threads\niters = 10\n' > "$TMP/b.conf"
$RACE -q "$TMP/top.conf" --trials 2 --procs 3 -o "$TMP/inc.csv"; rc=$?
got=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $c["experiment"]"/"$c["strategy"]"/"$c["procs"]"/"$c["workers"]}' "$TMP/inc.csv" | sort | uniq -c | awk '{print $1, $2}' | tr '\n' ' ')
ok $([ $rc -eq 0 ] && [ "$got" = "2 a/plain/3/processes 2 b/atomic/3/processes 2 b/atomic/3/threads 2 b/private/3/processes " ]; echo $?) "includes run in turn, options apply to each, private is skipped for threads ($got)"
printf 'include = top.conf\n' > "$TMP/nest.conf"
refuse "nested includes are refused" "top.conf: includes must not nest" $RACE "$TMP/nest.conf" -o "$TMP/x.csv"
