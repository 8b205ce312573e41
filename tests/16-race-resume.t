#!/usr/bin/env bash
# --resume after an interruption gives exactly the trials a full run gives;
# failed forks and failed writes are clean errors.
. "$(dirname "$0")/lib.sh"
plan 8

keys() { awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $c["strategy"]","$c["workers"]","$c["pin"]","$c["start"]","$c["region"]","$c["procs"]","$c["iters"]","$c["trial"]}' "$1"; }
args=(-q -s plain,atomic -p 1,2 -n 2e6 -t 10 --seed 11)
$RACE "${args[@]}" -o "$TMP/full.csv"

$RACE "${args[@]}" -o "$TMP/part.csv" 2>/dev/null &
pid=$!
for _ in $(seq 100); do [ "$( (wc -l < "$TMP/part.csv") 2>/dev/null || echo 0)" -gt 6 ] && break; sleep 0.02; done
kill -INT $pid; wait $pid
before=$(($(wc -l < "$TMP/part.csv") - 1))
printf 'torn,row,from,a,crash' >> "$TMP/part.csv"   # a crash in the middle of a write
$RACE "${args[@]}" --resume -o "$TMP/part.csv"; rc=$?
ok $rc "resume exits 0 after $before of 40 trials were done"
ok $(cmp -s <(keys "$TMP/full.csv") <(keys "$TMP/part.csv"); echo $?) "the resumed CSV has exactly the trials of a full run"
ok $(! grep -q torn "$TMP/part.csv"; echo $?) "the torn last line was cut"
ok $(grep -q '^resumed_utc=' "$TMP/part.csv.meta" && grep -q '^settings=' "$TMP/part.csv.meta"; echo $?) ".meta keeps the settings and records the resume"
refuse "resume with other settings is refused" "made with other settings" $RACE -q -s plain,atomic -p 1,2 -n 2e6 -t 9 --seed 11 --resume -o "$TMP/part.csv"
ok $([ "$(wc -l < "$TMP/part.csv")" -eq 41 ]; echo $?) "a refused resume leaves the CSV as it was"

# fork failing: a process limit, as an unprivileged user (root ignores it)
if command -v setpriv >/dev/null && command -v prlimit >/dev/null && [ "$(id -u)" = 0 ]; then
	mkdir -p "$TMP/nobody"; chmod 755 "$TMP"; chmod 777 "$TMP/nobody"
	err=$(prlimit --nproc=3 setpriv --reuid=65534 --regid=65534 --clear-groups \
		$RACE -q -s atomic -p 8 -n 1000 -t 2 -o "$TMP/nobody/f.csv" 2>&1); rc=$?
	sleep 0.2
	ok $([ $rc -eq 3 ] && echo "$err" | grep -q 'fork worker 3 of 8' && [ "$(pgrep -u 65534 -x race | wc -l)" -eq 0 ]; echo $?) \
		"fork fails: clear error, exit 3, forked workers reaped ($err)"
else
	ok 0 "# SKIP fork failure needs root, setpriv and prlimit"
fi

err=$($RACE -q -s atomic -p 1 -n 10 -t 2 -o /dev/full 2>&1); rc=$?
ok $([ $rc -eq 3 ] && echo "$err" | grep -q 'No space left on device'; echo $?) "writing to a full disk: clear error, exit 3 ($err)"
