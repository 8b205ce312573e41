#!/usr/bin/env bash
# The plain loop as built loads, adds and stores memory on every iteration,
# with no lock: the race is real. Checked on build/race, and on plain.c built
# at other optimisation levels, so that new flags cannot quietly remove it.
. "$(dirname "$0")/lib.sh"
if [ "$(uname -m)" != x86_64 ]; then echo "1..0 # SKIP the instruction check reads x86-64 code"; exit 0; fi
plan 8

dis() { objdump -d --no-show-raw-insn --disassemble=racelab_plain_loop "$1"; }
out=$(dis $RACE | perl tests/loopcheck.pl); rc=$?
ok $rc "build/race: $out"
for o in -O1 -O2 -O3 -Os "-O3 -march=native -funroll-loops"; do
	gcc -std=c17 $o -c -o "$TMP/plain.o" harness/strategies/plain.c
	out=$(dis "$TMP/plain.o" | perl tests/loopcheck.pl); rc=$?
	ok $rc "plain.c at $o: $out"
done

# plain-hoisted is the compiler's version: in build/race its loop is gone
out=$(objdump -d --no-show-raw-insn --disassemble=racelab_hoisted_loop $RACE | perl tests/loopcheck.pl); rc=$?
ok $([ $rc -ne 0 ] && echo "$out" | grep -q 'no backward jump'; echo $?) "plain-hoisted in build/race is folded: $out"

# and the checker itself can fail: an int* loop folds into one add
printf '#include <stdint.h>\nvoid racelab_plain_loop(uint64_t *c, uint64_t n){for(uint64_t i=0;i<n;i++)(*c)++;}\n' > "$TMP/folded.c"
gcc -O2 -c -o "$TMP/folded.o" "$TMP/folded.c"
out=$(dis "$TMP/folded.o" | perl tests/loopcheck.pl); rc=$?
ok $([ $rc -ne 0 ]; echo $?) "a folded loop is caught: $out"
