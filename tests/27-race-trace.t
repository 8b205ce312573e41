#!/usr/bin/env bash
# race --trace: a factor of its own in the CSV; every worker's samples in
# <csv>.trace.csv, bounded (1024 samples a worker, 20 trials a cell); the
# samples add up; bad uses refused; an interrupted, resumed sweep keeps its
# trace; a link planted at the trace's path is refused.
. "$(dirname "$0")/lib.sh"
plan 12
col() { csv_col "$@"; }

$RACE -q -s plain,atomic -p 2 -n 1e5 -t 3 --trace=off,on --seed 3 -o "$TMP/t.csv"
ok $([ "$(col "$TMP/t.csv" trace | sort | uniq -c | awk '{print $1" "$2}' | tr '\n' ' ')" = "6 1024 6 off " ]; echo $?) \
	"trace is a factor: 6 trials with it (1024) and 6 without (off)"
f=$TMP/t.csv.trace.csv
ok $(head -1 "$f" | grep -qx 'run_id,seq,strategy,procs,iters,trial,worker,t_ns,done,counter'; echo $?) "the trace file's header"
# 10^5 increments in pieces of 1024: 98 pieces, a sample after each and one at the start
per=$(awk -F, 'NR>1{n[$2","$7]++} END{for (k in n) print n[k]}' "$f" | sort -u | tr '\n' ' ')
ok $([ "$per" = "99 " ]; echo $?) "every worker of every traced trial: 99 samples (1 + 98 pieces of 1024) ($per)"
bad=$(awk -F, 'NR>1{k=$2","$7; if (k in d && ($9 < d[k] || $8 < t[k])) b++; d[k]=$9; t[k]=$8; last[k]=$9; it[k]=$5} END{for (k in last) if (last[k] != it[k]) b++; print b+0}' "$f")
ok $([ "$bad" -eq 0 ]; echo $?) "time and increments done only grow, and each worker ends at its iters ($bad bad)"
# the samples' clock: the TSC where the kernel keeps time by it, put on
# CLOCK_MONOTONIC by the trial's two timestamps; so every sample lies inside
# its trial (at most elapsed_ns after the first: raw ticks would be far
# beyond), and each worker's samples spread over time (ticks collapsed onto
# one end would not). Nothing here depends on when a worker was preempted.
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
want=monotonic; [ "$cs" = tsc ] && [ "$(uname -m)" = x86_64 ] && want=tsc
tc=$(sed -n 's/^trace_clock=//p' "$TMP/t.csv.meta")
out=$(awk -F, 'FNR==1{f++} f==1 && FNR==1{for(i=1;i<=NF;i++) c[$i]=i; next} f==1{el[$c["seq"]]=$c["elapsed_ns"]; next}
	FNR>1{w=$2","$7; if (!(w in lo) || $8 < lo[w]) lo[w]=$8; if ($8 > hi[w]) hi[w]=$8; if ($8 > mx[$2]) mx[$2]=$8}
	END{for (k in mx) if (mx[k] > el[k]) b++; for (w in lo) if (hi[w] <= lo[w]) b++; print b+0, length(mx)}' "$TMP/t.csv" "$f")
ok $([ "$tc" = "$want" ] && [ "$out" = "0 6" ]; echo $?) "the samples' clock is in .meta ($tc, clocksource $cs), and every traced trial's samples lie within its elapsed time (bad, trials: $out)"
fin=$(awk -F, 'NR>1 && $3=="atomic"{if ($10 > m[$2]) m[$2]=$10} END{for (k in m) print m[k]}' "$f" | sort -u)
ok $([ "$fin" = 200000 ]; echo $?) "atomic: the counter the last samples read is procs x iters ($fin)"

# bounded: 10^7 increments give 1024 samples a worker; 25 trials, 20 written
$RACE -q -s atomic -p 2 -n 1e7 -t 2 --trace -o "$TMP/big.csv"
mx=$(awk -F, 'NR>1{n[$2","$7]++} END{for (k in n) print n[k]}' "$TMP/big.csv.trace.csv" | sort -n | tail -1)
$RACE -q -s atomic -p 1 -n 1e3 -t 25 --trace -o "$TMP/many.csv"
tr=$(awk -F, 'NR>1{print $6}' "$TMP/many.csv.trace.csv" | sort -u | wc -l)
ok $([ "$mx" -le 1024 ] && [ "$mx" -ge 512 ] && [ "$tr" -eq 20 ]; echo $?) "bounded: $mx samples a worker at 10^7 increments, $tr of 25 trials of a cell written"

refuse "--trace with the CSV on stdout is refused" "needs a file" $RACE -s plain -t 1 --trace -o -
refuse "--trace-every that is no power of 2 is refused" "must be a power of 2" $RACE -s plain -t 1 --trace --trace-every 1000 -o "$TMP/x.csv"
refuse "--trace with persistent workers only is refused" "trace on needs launch fork" $RACE -s plain -t 1 --trace --launch persistent -o "$TMP/x.csv"

# interrupted and resumed: the trace keeps what was traced and adds the rest
args=(-q -s plain -p 2 -n 3e7 -t 30 --trace --seed 9)
$RACE "${args[@]}" -o "$TMP/r.csv" 2>/dev/null &
pid=$!
for _ in $(seq 200); do [ "$( (wc -l < "$TMP/r.csv") 2>/dev/null || echo 0)" -gt 6 ] && break; sleep 0.02; done
kill -INT $pid; wait $pid; rc=$?
before=$(awk -F, 'NR>1{print $6}' "$TMP/r.csv.trace.csv" | sort -u | wc -l)
$RACE "${args[@]}" --resume -o "$TMP/r.csv"
after=$(awk -F, 'NR>1{print $6}' "$TMP/r.csv.trace.csv" | sort -u | wc -l)
dup=$(awk -F, 'NR>1{print $6","$7","$9}' "$TMP/r.csv.trace.csv" | sort | uniq -d | wc -l)
ok $([ $rc -eq 130 ] && [ "$before" -ge 1 ] && [ "$before" -lt 20 ] && [ "$after" -eq 20 ] && [ "$dup" -eq 0 ] &&
	[ "$(awk -F, '{print NF}' "$TMP/r.csv.trace.csv" | sort -u)" = 10 ]; echo $?) \
	"SIGINT after $before traced trials, then --resume: the trace holds 20 trials, whole rows, none twice"

ln -s "$TMP/elsewhere" "$TMP/l.csv.trace.csv"
refuse "a link planted at the trace's path is refused" "l\.csv\.trace\.csv: is a symbolic link" $RACE -q -s plain -t 1 --trace -o "$TMP/l.csv"
