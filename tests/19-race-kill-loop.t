#!/usr/bin/env bash
# SIGKILL of race at a random instant leaves nothing behind: no name in
# /dev/shm, no System V segment, no process. RUNS runs (default 200) for each
# region (shm, sysv) and kind of worker (processes, threads), killed 0 to
# 300 ms after the start, four runs at a time. The counts are printed.
. "$(dirname "$0")/lib.sh"
RUNS=${RACELAB_FAULT_RUNS:-200}
plan 5

# live (not zombie) processes whose command line holds $1
live() {
	local n=0 p st
	for p in $(pgrep -f -- "$1"); do
		st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
		[ "$st" != Z ] && n=$((n + 1))
	done
	echo $n
}
sysv_of() { awk -v p="$1" 'NR > 1 && $5 == p' /proc/sysvipc/shm 2>/dev/null | wc -l; }

one_lane() { # lane region workers runs: prints "tried leaks_shm leaks_sysv orphans running"
	local lane=$1 region=$2 workers=$3 runs=$4 i pid out tried=0 ls=0 lv=0 orph=0 ran=0
	for i in $(seq "$runs"); do
		out="$TMP/k-$lane-$i.csv"
		$RACE -q --procs 4 --iters 1 --trials 1000000 --region "$region" --workers "$workers" -o "$out" 2>/dev/null &
		pid=$!
		sleep "$(printf '0.%03d' $((RANDOM % 300)))"
		[ -s "$out" ] && ran=$((ran + 1))
		kill -KILL $pid 2>/dev/null
		wait $pid 2>/dev/null
		tried=$((tried + 1))
		# the guardian and the workers need a moment to notice
		for _ in $(seq 60); do
			[ "$(live "$out")" -eq 0 ] && [ "$(ls /dev/shm | grep -c "^racelab-$pid-")" -eq 0 ] &&
				[ "$(sysv_of $pid)" -eq 0 ] && break
			sleep 0.05
		done
		ls=$((ls + $(ls /dev/shm | grep -c "^racelab-$pid-")))
		lv=$((lv + $(sysv_of $pid)))
		orph=$((orph + $(live "$out")))
		# tidy so that the next run is judged alone
		ls /dev/shm | grep "^racelab-$pid-" | sed 's|^|/dev/shm/|' | xargs -r rm -f
		rm -f "$out" "$out.meta"
	done
	echo "$tried $ls $lv $orph $ran"
}

total_tried=0
for region in shm sysv; do
	for workers in processes threads; do
		per=$(( (RUNS + 3) / 4 ))
		for lane in 1 2 3 4; do one_lane "$region-$workers-$lane" $region $workers $per > "$TMP/lane-$lane" & done
		wait
		read -r t s v o r < <(cat "$TMP"/lane-* | awk '{t+=$1; s+=$2; v+=$3; o+=$4; r+=$5} END{print t, s, v, o, r}')
		total_tried=$((total_tried + t))
		ok $([ "$t" -ge "$RUNS" ] && [ "$s" -eq 0 ] && [ "$v" -eq 0 ] && [ "$o" -eq 0 ]; echo $?) \
			"SIGKILL at random, $region / $workers: $t runs ($r had started writing rows), $s names left in /dev/shm, $v System V segments, $o processes"
	done
done
ok $([ "$(ls /dev/shm | grep -c '^racelab-')" -eq 0 ]; echo $?) "after $total_tried killed runs: /dev/shm holds no racelab segment"
