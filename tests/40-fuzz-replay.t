#!/usr/bin/env bash
# Every fuzz corpus (seeds, and any crash libFuzzer ever saved) replayed under
# AddressSanitizer and UndefinedBehaviorSanitizer: the parsers survive them.
. "$(dirname "$0")/lib.sh"
plan 3
for t in count settings csv; do
	out=$("$BUILD/fuzz/replay_$t" "tests/fuzz/corpus/$t" 2>&1); rc=$?
	ok $rc "$t: $(echo "$out" | tail -1 | sed 's/^ok - //; s/^not ok - //')"
	[ $rc -eq 0 ] || diag "$out"
done
