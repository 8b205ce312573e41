#!/usr/bin/env bash
# The strategies keep their guarantees, and plain really races.
. "$(dirname "$0")/lib.sh"
plan 9

$RACE -q -s atomic,mutex -p 1,2,3,4 -n 1,1000,50000 -t 3 -o "$TMP/sync.csv"; rc=$?
ok $rc "atomic and mutex run with exit 0"
bad=$(count_rows "$TMP/sync.csv" '$c["final"] != $c["expected"]')
rows=$(($(wc -l < "$TMP/sync.csv") - 1))
ok $([ "$bad" -eq 0 ] && [ "$rows" -eq 72 ]; echo $?) "atomic and mutex: final == expected in all $rows trials"

$RACE -q -s plain -p 1 -n 1e6 -t 5 -o "$TMP/p1.csv"
bad=$(count_rows "$TMP/p1.csv" '$c["final"] != 1000000')
ok $([ "$bad" -eq 0 ]; echo $?) "plain with one worker is exact"

# 20 trials of 2 workers x 10^6: the race must show at least once.
# one worker per CPU (spread), so that a busy machine cannot serialise them
$RACE -q -s plain -p 2 -n 1e6 -t 20 --start barrier --pin spread -o "$TMP/p2.csv"; rc=$?
ok $rc "plain exits 0 (losing updates is no violation)"
lossy=$(count_rows "$TMP/p2.csv" '$c["lost"] > 0')
ok $([ "$lossy" -ge 1 ]; echo $?) "plain, 2 workers, 10^6: $lossy of 20 trials lost updates"
above=$(count_rows "$TMP/p2.csv" '$c["final"] > $c["expected"]')
ok $([ "$above" -eq 0 ]; echo $?) "plain never ends above expected"

$RACE -q -s private -p 1,3 -n 1000 -t 3 -o "$TMP/priv.csv"; rc=$?
ok $rc "private exits 0: every worker saw its own copy reach iters"
bad=$(count_rows "$TMP/priv.csv" '$c["final"] != 0 || $c["lost"] != $c["expected"]')
ok $([ "$bad" -eq 0 ]; echo $?) "private: the parent still reads 0, everything is lost to it"

$RACE -q -s plain,atomic -p 2 -n 1e5 -t 3 --start fork -o "$TMP/fork.csv"
starts=$(csv_col "$TMP/fork.csv" start | sort -u)
ok $([ "$starts" = fork ]; echo $?) "--start fork runs and is recorded"
