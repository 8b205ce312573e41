#!/usr/bin/env bash
# race --live in a real terminal: tmux at 80x24 and, resized, at 200x60;
# space pauses between trials, q stops as SIGINT does; NO_COLOR means no
# colour; at most five frames a second; the CSV as without --live; and
# without a terminal, a clear refusal.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux not installed (make deps)"; exit 0; }
plan 12

refuse "--live piped is refused, naming the terminal" "--live draws on a terminal" $RACE --live -s plain -t 3 -o "$TMP/p.csv"
ok $([ ! -e "$TMP/p.csv" ]; echo $?) "and nothing was written"
refuse "--live with the CSV on stdout is refused" "the CSV needs a file" $RACE --live -s plain -t 3 -o -

S=racelab-live-$$
export TMUX_TMPDIR=$TMP # a tmux server of this test's own
tm() { tmux -L "$S" "$@"; }
trap 'tm kill-server 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
widest() { /usr/bin/python3 -c 'import sys; print(max([len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")] or [0]))' "$1"; }
rows() { echo $(( $( (wc -l < "$1") 2>/dev/null || echo 1) - 1)); }
cap() { tm capture-pane -p -t live "$@"; }
wait_rows() { for _ in $(seq 200); do [ "$(rows "$1")" -ge "$2" ] && return 0; sleep 0.05; done; return 1; }

# trials of a few ms: the view must not draw every one
cmd="cd '$PWD' && $RACE --live -s plain,atomic,mutex,private -p 2 -n 2e5 -t 3000 --seed 4 -o '$TMP/live.csv'; echo \$? > '$TMP/exit'; stty -a > '$TMP/stty'; sleep 60"
tm new-session -d -s live -x 80 -y 24 "$cmd"
wait_rows "$TMP/live.csv" 40
sleep 0.5
cap > "$TMP/f80"
w80=$(widest "$TMP/f80")
ok $(grep -q '^plain  2 procs x' "$TMP/f80" && grep -q 'atomic  2 procs x' "$TMP/f80" && grep -q 'P(loss) [0-9]* % \[' "$TMP/f80" &&
	grep -q 'expected 400k' "$TMP/f80" && [ "$w80" -le 80 ]; echo $?) "80x24: a panel per strategy with its histogram, P(loss) and the expected value; no line past 80 columns ($w80)"
ok $(sed -n 24p "$TMP/f80" | grep -q 'next: .* left | q quit, space pause'; echo $?) "80x24: the status line is the 24th: the cell next and the time left"

tm resize-window -t live -x 200 -y 60
sleep 1
cap > "$TMP/f200"
ok $(grep -q 'plain  2 procs x.*atomic  2 procs x.*mutex  2 procs x.*private  2 procs x' "$TMP/f200" &&
	[ "$(widest "$TMP/f200")" -le 200 ] && sed -n 60p "$TMP/f200" | grep -q 'q quit' &&
	! grep -q 'q quit' <(head -30 "$TMP/f200"); echo $?) "resized to 200x60: redrawn with the four panels side by side, the status line at the foot"

# space pauses between trials; a second space goes on
tm send-keys -t live ' '
sleep 0.6
r1=$(rows "$TMP/live.csv"); sleep 1; r2=$(rows "$TMP/live.csv")
paused=$(cap | grep -c 'PAUSED')
tm send-keys -t live ' '
sleep 0.6
r3=$(rows "$TMP/live.csv")
ok $([ "$r1" -eq "$r2" ] && [ "$paused" -ge 1 ] && [ "$r3" -gt "$r2" ]; echo $?) "space pauses between trials ($r1 then $r2 rows over a second, PAUSED shown) and space goes on ($r3)"

# colour, unless NO_COLOR
ok $(cap -e | grep -q $'\033\\[[0-9;]*3[12]m'; echo $?) "colour where the terminal has it"

# q: as SIGINT, exit 130, whole rows, nothing left, the terminal as it was
tm send-keys -t live q
for _ in $(seq 100); do [ -s "$TMP/exit" ] && break; sleep 0.05; done
n=$(rows "$TMP/live.csv")
ok $([ "$(cat "$TMP/exit")" = 130 ] && [ "$(awk -F, '{print NF}' "$TMP/live.csv" | sort -u | wc -l)" -eq 1 ] &&
	[ "$(ls /dev/shm | grep -c '^racelab-')" -eq 0 ] && grep -q ' icanon' "$TMP/stty" && grep -q ' echo ' "$TMP/stty"; echo $?) \
	"q stops as SIGINT does: exit 130, $n whole rows, nothing in /dev/shm, the terminal's settings restored"
tm kill-server 2>/dev/null

# NO_COLOR: no colour at all (a server of its own: the last one may still be going)
S=$S-nc
tm new-session -d -s live -x 80 -y 24 "cd '$PWD' && NO_COLOR=1 $RACE --live -s plain,atomic -p 2 -n 1e5 -t 2000 -o '$TMP/nc.csv'; sleep 60"
wait_rows "$TMP/nc.csv" 20
sleep 0.5
ok $(! cap -e | grep -q $'\033\\[[0-9;]*3[0-7]m' && cap | grep -q '^plain'; echo $?) "NO_COLOR: the same view, no colour"
tm kill-server 2>/dev/null

# frames: at most five a second, never one per trial (a pty of script's;
# 10000 trials: a second or more even where a fork costs 100 us)
script -qfec "$RACE --live -s atomic -p 1 -n 10 -t 10000 -o '$TMP/fr.csv'" "$TMP/typescript" > /dev/null 2>&1 < /dev/null
t=$(awk -F, 'NR>1{s+=$11} END{print s/1e9}' "$TMP/fr.csv")
frames=$(grep -o $'\033\\[H' "$TMP/typescript" | wc -l)
el=$(grep -o '[0-9]*:[0-9]*, 0:00 left' "$TMP/typescript" | tail -1 | cut -d, -f1)
secs=$(( ${el%%:*} * 60 + 10#${el##*:} ))
# (the clock shows whole seconds, so the run took up to secs + 0.5 s; the
# first frame and the last, at the end, come on top of five a second)
ok $([ -n "$el" ] && [ "$frames" -le $((secs * 5 + 5)) ] && [ "$frames" -lt 10000 ] && [ "$(count_rows "$TMP/fr.csv" 1)" -eq 10000 ]; echo $?) "10000 trials in about ${secs} s: $frames frames, at most five a second"

# the CSV as without --live: the same columns and, for the seed, the same trials in the same order
$RACE -q -s plain,atomic,mutex,private -p 2 -n 2e5 -t 3000 --seed 4 --time-budget 1 -o "$TMP/plain.csv" 2>/dev/null
key() { awk -F, -v n="$2" 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; print; next} NR<=n+1{print $c["strategy"]","$c["procs"]","$c["iters"]","$c["trial"]","$c["seq"]}' "$1"; }
m=$(rows "$TMP/plain.csv"); [ "$m" -gt "$n" ] && m=$n
ok $([ "$m" -gt 10 ] && cmp -s <(key "$TMP/live.csv" "$m") <(key "$TMP/plain.csv" "$m"); echo $?) \
	"the CSV is the one race writes without --live: the same header and, seed for seed, the same $m trials in order"
