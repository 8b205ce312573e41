#!/usr/bin/env bash
# Faults: signals to race, a killed worker, the watchdog, SIGKILL of race.
# After each: whole CSV rows, the right exit status, no worker left, nothing
# left in /dev/shm.
. "$(dirname "$0")/lib.sh"
plan 18

whole_rows() { # every line ends in a newline and has the header's field count
	[ -s "$1" ] && [ "$(tail -c1 "$1" | od -An -c | tr -d ' ')" = '\n' ] &&
		[ "$(awk -F, '{print NF}' "$1" | sort -u | wc -l)" -eq 1 ]
}
wait_rows() { # wait until FILE has N data rows (up to 10 s)
	for _ in $(seq 100); do [ "$(($( (wc -l < "$1") 2>/dev/null || echo 1) - 1))" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}
wait_gone() { # wait until no race process is left (up to 5 s)
	for _ in $(seq 50); do [ "$(leftover_procs)" -eq 0 ] && return 0; sleep 0.1; done
	return 1
}

for sig in INT TERM HUP; do
	region=anon; [ $sig = TERM ] && region=shm
	$RACE -q -s plain -p 2 -n 2e6 -t 1000 --region $region -o "$TMP/$sig.csv" 2>"$TMP/$sig.err" &
	pid=$!
	wait_rows "$TMP/$sig.csv" 3
	kill -$sig $pid; wait $pid; rc=$?
	want=$((128 + $(kill -l $sig)))
	ok $([ $rc -eq $want ] && grep -q "interrupted by SIG$sig" "$TMP/$sig.err"; echo $?) \
		"SIG$sig ($region): exit $rc, want $want; $(cat "$TMP/$sig.err")"
	wait_gone
	ok $([ "$(leftover_procs)" -eq 0 ] && [ "$(leftover_shm)" -eq 0 ]; echo $?) "SIG$sig: no worker and no /dev/shm entry left"
	check "SIG$sig: the CSV holds whole rows only" whole_rows "$TMP/$sig.csv"
done

# SIGKILL of race in the middle of a trial with a named segment
$RACE -q -s plain -p 3 -n 1e11 -t 1 --region shm -o "$TMP/kill.csv" &
pid=$!
sleep 0.5
running=$(pgrep -x race -P $pid | wc -l)
kill -KILL $pid; wait $pid 2>/dev/null
wait_gone
ok $([ "$running" -eq 3 ] && [ "$(leftover_procs)" -eq 0 ]; echo $?) "SIGKILL of race in mid-trial ($running workers running): its workers die with it (PR_SET_PDEATHSIG)"
ok $([ "$(leftover_shm)" -eq 0 ]; echo $?) "SIGKILL of race: nothing in /dev/shm (unlinked once attached)"

# a worker killed mid-trial: the trial is recorded as crashed, the sweep goes on
$RACE -q -s plain -p 2 -n 1e10,1 -t 1 --order cells -o "$TMP/crash.csv" 2>"$TMP/crash.err" &
pid=$!
for _ in $(seq 50); do w=$(pgrep -x race -P $pid | head -1); [ -n "$w" ] && break; sleep 0.1; done
# the newest child by then, a worker: the first seen may have been the one
# race spawns objdump from, still named race
sleep 0.2; w=$(pgrep -n -x race -P $pid); kill -KILL $w; wait $pid; rc=$?
st=$(csv_col "$TMP/crash.csv" status | tr '\n' ' ')
ok $([ $rc -eq 1 ] && [ "$st" = "crashed ok " ]; echo $?) "a killed worker: status crashed, the next cell still runs, exit 1 ($st, rc $rc)"
ok $(grep -q 'crashed: plain procs=2' "$TMP/crash.err"; echo $?) "the crash is reported on stderr"
mkdir -p "$TMP/cst"
$RACESTAT -q "$TMP/crash.csv" -o "$TMP/cst"
got=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $c["iters"] ":" $c["n"] ":" $c["failed"]}' "$TMP/cst/summary.csv" | tr '\n' ' ')
ok $([ "$got" = "1:1:0 10000000000:0:1 " ]; echo $?) "racestat leaves the crashed trial out and counts it as failed ($got)"

# the watchdog
$RACE -q -s plain -p 2 -n 1e12 -t 1 --trial-timeout 1 -o "$TMP/to.csv" 2>/dev/null; rc=$?
st=$(csv_col "$TMP/to.csv" status)
ok $([ $rc -eq 1 ] && [ "$st" = timeout ]; echo $?) "a trial past --trial-timeout is killed and recorded as timeout"
wait_gone
ok $([ "$(leftover_procs)" -eq 0 ]; echo $?) "the watchdog leaves no worker behind"

# System V: the segment is gone after the run
before=$(ipcs -m | grep -c '^0x')
$RACE -q -s mutex,atomic -p 2 -n 1000 -t 3 --region sysv -o "$TMP/sysv.csv"; rc=$?
after=$(ipcs -m | grep -c '^0x')
ok $([ $rc -eq 0 ] && [ "$before" -eq "$after" ]; echo $?) "sysv region: exact, and no segment left ($before -> $after)"

# a closed pipe is a write error, not a crash
$RACE -q -s plain -p 1 -n 10 -t 100000 -o - 2>"$TMP/pipe.err" | head -2 >/dev/null
rc=${PIPESTATUS[0]}
ok $([ $rc -eq 3 ] && grep -q 'stdout: write failed' "$TMP/pipe.err"; echo $?) "a closed pipe: clear error, exit 3 (rc $rc)"
