#!/usr/bin/env bash
# Bad input: one line on stderr naming it, non-zero exit, nothing run.
. "$(dirname "$0")/lib.sh"
plan 18

refuse "unknown strategy" "unknown strategy 'nope'" $RACE -s plain,nope -o "$TMP/x.csv"
refuse "procs 0" "procs '0' must be at least 1" $RACE -p 0 -o "$TMP/x.csv"
refuse "procs negative" "procs '-2' must not be negative" $RACE -p 1,-2 -o "$TMP/x.csv"
refuse "procs absurd" "procs '100000' is too large" $RACE -p 100000 -o "$TMP/x.csv"
refuse "iters 0" "iters '0' must be at least 1" $RACE -n 0 -o "$TMP/x.csv"
refuse "iters not a number" "iters 'lots' is not a number" $RACE -n lots -o "$TMP/x.csv"
refuse "iters fraction" "iters '1.5' is not a whole number" $RACE -n 1.5 -o "$TMP/x.csv"
refuse "iters beyond 64 bits" "iters '1e30' is too large" $RACE -n 1e30 -o "$TMP/x.csv"
refuse "procs x iters overflow" "overflows the 64-bit counter" $RACE -p 1024 -n 1e16 -o "$TMP/x.csv"
refuse "trials 0" "trials '0' must be at least 1" $RACE -t 0 -o "$TMP/x.csv"
refuse "bad start" "start 'soon' must be one of barrier, fork, spin" $RACE --start soon -o "$TMP/x.csv"
refuse "unknown option" "unknown option '--frobnicate'" $RACE --frobnicate
refuse "unreadable file" "no/such.conf: cannot read experiment file" $RACE no/such.conf
printf 'procs = 2\ncolour = blue\n' > "$TMP/k.conf"
refuse "unknown key names file:line" "k.conf:2: unknown key 'colour'" $RACE "$TMP/k.conf" -o "$TMP/x.csv"
printf 'procs = 2\n\niters = 1e5x\n' > "$TMP/v.conf"
refuse "bad value names file:line" "v.conf:3: iters '1e5x' is not a number" $RACE "$TMP/v.conf" -o "$TMP/x.csv"
printf 'just words\n' > "$TMP/w.conf"
refuse "not key = value" "w.conf:1: expected 'key = value'" $RACE "$TMP/w.conf" -o "$TMP/x.csv"
ok $([ ! -e "$TMP/x.csv" ]; echo $?) "no output file was created by any refused run"

echo "keep me" > "$TMP/keep.csv"
$RACE -p 0 -o "$TMP/keep.csv" 2>/dev/null
ok $([ "$(cat "$TMP/keep.csv")" = "keep me" ]; echo $?) "a refused run leaves an existing output untouched"
