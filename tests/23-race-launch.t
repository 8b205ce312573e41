#!/usr/bin/env bash
# Persistent workers keep every guarantee; a worker killed in a block ends
# one trial; a block interrupted in its middle resumes exactly; start skew
# is measured; placement by topology plans on synthetic machines and refuses
# what a machine cannot give; --until stops a cell once its interval is
# narrow enough and never past --max-trials; --time-budget stops early and
# resumes; --dry-run prints the plan and writes nothing.
. "$(dirname "$0")/lib.sh"
plan 24

col() { csv_col "$@"; }
keys() { awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $c["strategy"]","$c["launch"]","$c["procs"]","$c["iters"]","$c["trial"]}' "$1" | sort; }

$RACE -q -s atomic,mutex,sem,spin,atomic-relaxed,sharded,false-shared -p 1,2,3 -n 1,100 -t 1000 --launch persistent -o "$TMP/ex.csv"; rc=$?
bad=$(count_rows "$TMP/ex.csv" '$c["final"] != $c["expected"] || $c["status"] != "ok" || $c["launch"] != "persistent"')
rows=$(count_rows "$TMP/ex.csv" 1)
ok $([ $rc -eq 0 ] && [ "$bad" -eq 0 ] && [ "$rows" -eq 42000 ]; echo $?) "persistent: 7 exact strategies exact in all $rows trials ($bad not)"
$RACE -q -s atomic,mutex,spin -p 2,3 -n 100 -t 2000 --launch persistent --workers threads -o "$TMP/th.csv"; rc=$?
bad=$(count_rows "$TMP/th.csv" '$c["final"] != $c["expected"]')
ok $([ $rc -eq 0 ] && [ "$bad" -eq 0 ] && [ "$(count_rows "$TMP/th.csv" 1)" -eq 12000 ]; echo $?) "persistent threads: exact in 12000 trials"
$RACE -q -s private -p 1,3 -n 1000 -t 500 --launch persistent -o "$TMP/priv.csv"; rc=$?
bad=$(count_rows "$TMP/priv.csv" '$c["final"] != 0')
ok $([ $rc -eq 0 ] && [ "$bad" -eq 0 ]; echo $?) "persistent private: the parent reads 0 and every worker counted to iters, trial after trial"
$RACE -q -s plain -p 2 -n 1e6 -t 40 --launch persistent --pin spread -o "$TMP/plain.csv"; rc=$?
lossy=$(count_rows "$TMP/plain.csv" '$c["lost"] > 0')
ok $([ $rc -eq 0 ] && [ "$lossy" -ge 1 ]; echo $?) "persistent plain still races: $lossy of 40 trials lost updates"
bad=$(count_rows "$TMP/plain.csv" '$c["skew_ns"] !~ /^[0-9]+$/')
one=$(count_rows "$TMP/ex.csv" '$c["procs"] == 1 && $c["skew_ns"] != 0')
ok $([ "$bad" -eq 0 ] && [ "$one" -eq 0 ]; echo $?) "skew_ns is a count of ns in every row, 0 for one worker"

# a worker killed in the middle of a block: one crashed row, the sweep goes on
$RACE -q -s plain -p 2 -n 2e5 -t 3000 --launch persistent --order cells -o "$TMP/kill.csv" 2>"$TMP/kill.err" &
pid=$!
# once the first rows are written (a fast machine runs the whole sweep in
# a fraction of a second), the newest child is a worker of the running
# block (the oldest is the guardian); a block can end between the look and
# the kill: look again
for _ in $(seq 500); do
	[ "$({ wc -l < "$TMP/kill.csv"; } 2>/dev/null || echo 0)" -gt 5 ] && break
	sleep 0.01
done
for _ in $(seq 50); do
	w=$(pgrep -n -x race -P $pid) && kill -KILL "$w" 2>/dev/null && break
	sleep 0.01
done
wait $pid; rc=$?
st=$(col "$TMP/kill.csv" status | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
n=$(count_rows "$TMP/kill.csv" 1)
ok $([ $rc -eq 1 ] && [ "$n" -eq 3000 ] && [ "$(count_rows "$TMP/kill.csv" '$c["status"] == "crashed"')" -eq 1 ]; echo $?) "a killed worker in a block: $st, all $n trials there, exit $rc"
ok $(grep -q 'crashed: plain procs=2 .* a worker died during the trial' "$TMP/kill.err"; echo $?) "the crash is reported"

# interrupted in the middle of a block, resumed: exactly the full set
args=(-q -s plain,atomic -p 2 -n 1e4 -t 1500 --launch persistent --block 500 --seed 9)
$RACE "${args[@]}" -o "$TMP/full.csv"
$RACE "${args[@]}" -o "$TMP/part.csv" 2>/dev/null &
pid=$!
for _ in $(seq 200); do [ "$(count_rows "$TMP/part.csv" 1 2>/dev/null || echo 0)" -gt 700 ] && break; sleep 0.02; done
kill -INT $pid; wait $pid; rc1=$?
before=$(count_rows "$TMP/part.csv" 1)
$RACE "${args[@]}" --resume -o "$TMP/part.csv"; rc2=$?
ok $([ $rc1 -eq 130 ] && [ $rc2 -eq 0 ] && cmp -s <(keys "$TMP/full.csv") <(keys "$TMP/part.csv"); echo $?) "SIGINT after $before of 3000 persistent trials (mid-block), then --resume: exactly the full sweep"

# the watchdog and named regions in persistent blocks
$RACE -q -s plain -p 2 -n 1e12 -t 3 --launch persistent --trial-timeout 1 -o "$TMP/to.csv" 2>/dev/null; rc=$?
ok $([ $rc -eq 1 ] && [ "$(col "$TMP/to.csv" status | tr '\n' ' ')" = "timeout timeout timeout " ]; echo $?) "a trial past the watchdog in a block: timeout, and the next block starts afresh"
$RACE -q -s atomic -p 2 -n 1000 -t 300 --launch persistent --region shm,sysv -o "$TMP/named.csv"; rc=$?
vis=$(count_rows "$TMP/named.csv" '$c["region"] == "shm" && $c["shm_visible"] == 1 && $c["shm_gone"] == 1')
ok $([ $rc -eq 0 ] && [ "$vis" -eq 300 ] && [ "$(ls /dev/shm | grep -c '^racelab-')" -eq 0 ]; echo $?) "named segments per block: seen in /dev/shm while attached ($vis of 300), nothing left"
leaks=0
for i in $(seq 20); do
	$RACE -q -p 3 -n 1 -t 1000000 --launch persistent --region shm -o "$TMP/pk$i.csv" 2>/dev/null &
	pid=$!
	sleep "$(printf '0.%03d' $((RANDOM % 200)))"
	kill -KILL $pid; wait $pid 2>/dev/null
	for _ in $(seq 40); do [ "$(ls /dev/shm | grep -c "^racelab-$pid-")" -eq 0 ] && [ "$(pgrep -f "$TMP/pk$i.csv" | wc -l)" -eq 0 ] && break; sleep 0.05; done
	leaks=$((leaks + $(ls /dev/shm | grep -c "^racelab-$pid-") + $(pgrep -f "$TMP/pk$i.csv" | wc -l)))
done
ok $([ $leaks -eq 0 ]; echo $?) "SIGKILL of 20 persistent runs at random: $leaks names or processes left"

# placement by topology, planned on synthetic machines
plan_of() { HWLOC_SYNTHETIC="$1" $RACE --dry-run -p "$2" --pin "$3" -t 1 | awk '$1 ~ /^[0-9]+$/ {print $(NF-2)}' | head -1; }
smt=$(plan_of "pack:1 core:2 pu:2" 2 smt); core=$(plan_of "pack:1 core:2 pu:2" 2 core)
ok $([ "$smt" = "0,1" ] && [ "$core" = "0,2" ]; echo $?) "one package of 2 cores x 2 threads: smt on $smt, core on $core"
pk=$(plan_of "pack:2 core:2 pu:1" 2 package)
ok $([ "$pk" = "0,2" ]; echo $?) "two packages: package on $pk"
nu=$(plan_of "pack:2 [numa] core:2 pu:1" 2 numa); nu4=$(plan_of "pack:2 [numa] core:2 pu:1" 4 numa)
ok $([ "$nu" = "0,2" ] && [ "$nu4" = "0,2,0,2" ]; echo $?) "two NUMA nodes: numa on $nu, four workers share them round robin ($nu4)"
out=$(HWLOC_SYNTHETIC="pack:2 [numa] core:2 pu:1" $RACE --dry-run -p 4 --pin numa -t 1)
ok $(echo "$out" | grep -q 'warning: pin numa: 4 workers on 2 places: they share' && echo "$out" | grep -q '^topology: 2 packages, 2 NUMA nodes'; echo $?) "the plan says when workers share, and names the topology"
refuse "smt on a machine without SMT is refused, naming what it has" "pin smt needs a core with two hardware threads; this machine has 1 package, 1 NUMA node, 4 cores, 4 hardware threads" env HWLOC_SYNTHETIC="pack:1 core:4 pu:1" $RACE --dry-run -p 2 --pin smt
refuse "package on one package is refused" "pin package needs two packages" env HWLOC_SYNTHETIC="pack:1 core:4 pu:1" $RACE --dry-run -p 2 --pin package
refuse "a synthetic topology cannot be run on" "only --dry-run can use it" env HWLOC_SYNTHETIC="pack:1 core:2 pu:2" $RACE -q -p 2 --pin smt -t 1 -o "$TMP/syn.csv"
ok $([ ! -e "$TMP/syn.csv" ]; echo $?) "and nothing was written"
grep -q '^topology=' "$TMP/plain.csv.meta"; ok $? ".meta records the topology: $(grep '^topology=' "$TMP/plain.csv.meta" | cut -d= -f2)"

# --until: a cell stops once precise enough, never past --max-trials
$RACE -q -s atomic,plain -p 2 -n 1e6,10 -t 1 --until p_loss_ci=0.1 --max-trials 200 -o "$TMP/until.csv"; rc=$?
na=$(count_rows "$TMP/until.csv" '$c["strategy"] == "atomic" && $c["iters"] == 10')
np=$(count_rows "$TMP/until.csv" '$c["strategy"] == "plain" && $c["iters"] == 1000000')
ok $([ $rc -eq 0 ] && [ "$na" -eq 16 ] && [ "$np" -le 200 ] && [ "$np" -ge 16 ]; echo $?) "--until p_loss_ci=0.1: 0 of n lossy stops at n = 16 ($na), a lossy cell by its own interval ($np <= 200)"
$RACE -q -s plain -p 2 -n 1e4 -t 1 --until lost_frac_ci=0.0001 --max-trials 30 -o "$TMP/cap.csv"; rc=$?
ok $([ $rc -eq 0 ] && [ "$(count_rows "$TMP/cap.csv" 1)" -eq 30 ] && grep -q 'until=lost_frac_ci=0.0001;max_trials=30' "$TMP/cap.csv.meta"; echo $?) "an interval that cannot get that narrow stops at --max-trials (30), and .meta records the rule"
refuse "--until without --max-trials is refused" "needs --max-trials" $RACE --until p_loss_ci=0.1 -o "$TMP/x.csv"

# --time-budget: stop starting blocks, and resume to the end
# (3000 trials: about 2.3 s on a machine that runs 600 of them in 0.46 s)
$RACE -q -s plain -p 2 -n 2e6 -t 3000 --seed 4 --time-budget 1 -o "$TMP/tb.csv" 2>"$TMP/tb.err"; rc=$?
n1=$(count_rows "$TMP/tb.csv" 1)
$RACE -q -s plain -p 2 -n 2e6 -t 3000 --seed 4 --resume -o "$TMP/tb.csv"; rc2=$?
ok $([ $rc -eq 0 ] && [ "$n1" -lt 3000 ] && grep -q 'time budget is spent' "$TMP/tb.err" && [ $rc2 -eq 0 ] && [ "$(count_rows "$TMP/tb.csv" 1)" -eq 3000 ]; echo $?) "--time-budget 1 stopped after $n1 of 3000 trials; --resume completed them"
