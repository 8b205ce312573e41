#!/usr/bin/env bash
# Hardening: a worker dying with the lock, every terminating signal, a second
# run on the same output, Ctrl-C to the process group, a full disk, a kill
# while starting, links planted at output paths, outputs that are inputs or
# devices, and the smaller bad inputs. Counts are printed with each test.
. "$(dirname "$0")/lib.sh"
plan 33

whole_rows() { # every line ends in a newline and has the header's field count
	[ -s "$1" ] && [ "$(tail -c1 "$1" | od -An -c | tr -d ' ')" = '\n' ] &&
		[ "$(awk -F, '{print NF}' "$1" | sort -u | wc -l)" -eq 1 ]
}
wait_rows() { # wait until FILE has N data rows (up to 10 s)
	for _ in $(seq 200); do [ "$(($( (wc -l < "$1") 2>/dev/null || echo 1) - 1))" -ge "$2" ] && return 0; sleep 0.05; done
	return 1
}
live() { # live (not zombie) processes whose command line holds $1
	local n=0 p st
	for p in $(pgrep -f -- "$1"); do
		st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
		[ "$st" != Z ] && n=$((n + 1))
	done
	echo $n
}
wait_gone() { for _ in $(seq 100); do [ "$(live "$1")" -eq 0 ] && return 0; sleep 0.05; done; return 1; }
ms() { date +%s%3N; }

# --- a worker killed while it may hold the lock: the trial ends at once
stalls=0 slow=0 tries=8 worst=0
for i in $(seq $tries); do
	$RACE -q --strategy mutex --procs 2 --iters 1e8 --trials 1 --trial-timeout 15 -o "$TMP/lock$i.csv" 2>/dev/null &
	pid=$!
	w=
	for _ in $(seq 100); do w=$(pgrep -x race -P $pid | head -1); [ -n "$w" ] && break; sleep 0.01; done
	sleep 0.5
	# the newest child now: a worker (the first one seen may have been the
	# short-lived one race spawns objdump from, still named race)
	w=$(pgrep -n -x race -P $pid)
	t0=$(ms); kill -KILL "$w"; wait $pid; rc=$?; t1=$(ms)
	st=$(csv_col "$TMP/lock$i.csv" status)
	[ "$st" = crashed ] && [ $rc -eq 1 ] || stalls=$((stalls + 1))
	[ $((t1 - t0)) -lt 1000 ] || slow=$((slow + 1))
	[ $((t1 - t0)) -gt "$worst" ] && worst=$((t1 - t0))
done
ok $([ $stalls -eq 0 ] && [ $slow -eq 0 ]; echo $?) "mutex, a worker killed mid-trial: $tries tries, $stalls without a crashed row, $slow took a second or more (slowest ${worst} ms)"

# --- every signal whose default is to end the process: workers killed, exit 128+N
bad=""
for sig in HUP INT QUIT TERM USR1 USR2 ALRM VTALRM PROF IO PWR STKFLT XCPU RTMIN RTMIN+5 RTMAX; do
	out="$TMP/sig-$sig.csv"
	$RACE -q -s plain -p 2 -n 2e5 -t 100000 --region shm -o "$out" 2>"$TMP/sig.err" &
	pid=$!
	wait_rows "$out" 3
	num=$(kill -l "$sig" 2>/dev/null || echo 0)
	case $sig in RTMIN+5) num=$(( $(kill -l RTMIN) + 5 ));; esac
	kill -s "$sig" $pid; wait $pid; rc=$?
	wait_gone "$out"
	name=$sig; case $sig in IO) name=POLL;; RTMIN*|RTMAX) name=RTMIN;; esac
	if [ $rc -ne $((128 + num)) ] || ! grep -q "interrupted by.*$name" "$TMP/sig.err" || ! whole_rows "$out" ||
		[ "$(live "$out")" -ne 0 ] || [ "$(ls /dev/shm | grep -c "^racelab-$pid-")" -ne 0 ]; then
		bad="$bad $sig(rc $rc: $(cat "$TMP/sig.err"))"
	fi
done
ok $([ -z "$bad" ]; echo $?) "16 terminating signals (USR1, USR2, ALRM, RT...): each exits 128+N naming it, whole rows, nothing left${bad:+; failed:$bad}"

# --- a second run on the same output is refused at once; the first loses nothing
lost=0 refused=0 runs=5
for i in $(seq $runs); do
	out="$TMP/same$i.csv"
	$RACE -q -s plain -p 2 -n 1e4 -t 1500 --seed 3 -o "$out" 2>/dev/null &
	pid=$!
	wait_rows "$out" 5
	t0=$(ms); err=$($RACE -q -s atomic -p 1 -n 10 -t 100 -o "$out" 2>&1); rc=$?; t1=$(ms)
	[ $rc -eq 2 ] && echo "$err" | grep -q 'another run is writing it' && [ $((t1 - t0)) -lt 2000 ] && refused=$((refused + 1))
	wait $pid
	rows=$(($(wc -l < "$out") - 1))
	{ [ "$rows" -eq 1500 ] && whole_rows "$out" && grep -q -- '-n 1e4 -t 1500' "$out.meta" && ! grep -q ',atomic,' "$out"; } || lost=$((lost + 1))
done
ok $([ $refused -eq $runs ] && [ $lost -eq 0 ]; echo $?) "two runs on one -o: $refused of $runs second runs refused at once, $lost first runs harmed"
ls -a "$TMP" | grep -q '\.tmp$'; ok $((1 - $?)) "no temporary file is left beside the outputs"

# --- Ctrl-C to the whole process group: no false crashed row, exit 130
false=0 wrong=0 runs=20
for i in $(seq $runs); do
	out="$TMP/cc$i.csv"
	setsid $RACE -q --procs 64 --iters 1e3 --trials 100000 -o "$out" 2>/dev/null &
	pid=$!
	sleep "$(printf '0.%03d' $((200 + RANDOM % 500)))"
	kill -INT -- -$pid 2>/dev/null; wait $pid; rc=$?
	[ $rc -eq 130 ] || wrong=$((wrong + 1))
	false=$((false + $(count_rows "$out" '$c["status"] != "ok"')))
done
ok $([ $false -eq 0 ] && [ $wrong -eq 0 ]; echo $?) "SIGINT to the process group, 64 workers: $runs runs, $false false crashed rows, $wrong exits other than 130"

# --- threads cut short by SIGINT: nothing they still touch is freed (run
# under make test SANITIZE=1, AddressSanitizer would report it), no hang
bad=0 runs=10
for i in $(seq $runs); do
	timeout 30 $RACE -q --workers threads -s plain,mutex,spin -p 2 -n 1e7 -t 1000 -o "$TMP/th$i.csv" 2>"$TMP/th.err" &
	pid=$!
	sleep "0.$((1 + RANDOM % 9))"
	kill -INT $pid; wait $pid; rc=$?
	{ [ $rc -eq 130 ] && ! grep -q 'Sanitizer' "$TMP/th.err"; } || { bad=$((bad + 1)); diag "rc $rc: $(head -3 "$TMP/th.err")"; }
done
ok $([ $bad -eq 0 ]; echo $?) "threads, SIGINT after 0.1-0.9 s: $runs runs, $bad with a sanitizer report, a hang or another exit"

# --- a full disk: no torn row; an old file survives a run that cannot start
if [ "$(id -u)" = 0 ] && mkdir -p "$TMP/full" && mount -t tmpfs -o size=64k tmpfs "$TMP/full" 2>/dev/null; then
	torn=0
	for i in 1 2 3; do
		rm -f "$TMP/full/"*
		$RACE -q --procs 2 --iters 1e3 --trials 2000 -o "$TMP/full/f.csv" 2>"$TMP/full.err"; rc=$?
		{ [ $rc -eq 3 ] && whole_rows "$TMP/full/f.csv" && grep -q 'No space left' "$TMP/full.err"; } || torn=$((torn + 1))
		$RACESTAT -q "$TMP/full/f.csv" -o "$TMP/fullstat" >/dev/null 2>&1 || torn=$((torn + 1))
	done
	ok $([ $torn -eq 0 ]; echo $?) "64 KiB tmpfs: 3 runs, $torn torn or unreadable results (rows kept: $(($(wc -l < "$TMP/full/f.csv") - 1)))"
	rm -f "$TMP/full/"*
	head -c 65536 /dev/zero | tr '\0' 'x' > "$TMP/full/old.csv" 2>/dev/null
	sum=$(md5sum < "$TMP/full/old.csv")
	$RACE -q -p 1 -n 10 -t 2 -o "$TMP/full/old.csv" 2>/dev/null; rc=$?
	ok $([ $rc -eq 3 ] && [ "$(md5sum < "$TMP/full/old.csv")" = "$sum" ]; echo $?) "a disk too full to start: exit $rc, the old file is intact"
	umount "$TMP/full"
else
	# no tmpfs to mount: a file size limit fails the writes the same way
	prlimit --fsize=20000 $RACE -q --procs 2 --iters 1e3 --trials 2000 -o "$TMP/fs.csv" 2>"$TMP/full.err"; rc=$?
	ok $([ $rc -eq 3 ] && whole_rows "$TMP/fs.csv"; echo $?) "a file size limit: exit 3, whole rows only"
	printf 'keep me\n' > "$TMP/old.csv"
	prlimit --fsize=100 $RACE -q -p 1 -n 10 -t 2 -o "$TMP/old.csv" 2>/dev/null; rc=$?
	ok $([ $rc -eq 3 ] && [ "$(cat "$TMP/old.csv")" = "keep me" ]; echo $?) "a run that cannot start: the old file is intact"
fi

# --- a kill in the first milliseconds: the state left always resumes
bad=0 runs=30
for i in $(seq $runs); do
	out="$TMP/early$i.csv"
	$RACE -q -s atomic -p 1 -n 10 -t 40 --seed 5 -o "$out" &
	pid=$!
	sleep "$(printf '0.%03d' $((RANDOM % 25)))"
	kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null
	$RACE -q -s atomic -p 1 -n 10 -t 40 --seed 5 -o "$out" --resume 2>/dev/null; rc=$?
	{ [ $rc -eq 0 ] && [ "$(count_rows "$out" 1)" -eq 40 ]; } || bad=$((bad + 1))
done
ok $([ $bad -eq 0 ]; echo $?) "SIGKILL 0-25 ms after the start, then --resume: $runs runs, $bad not completed exactly"

# --- links planted where the outputs go
echo secret > "$TMP/target"
mkdir -p "$TMP/shared"
ln -s "$TMP/target" "$TMP/shared/x.csv.meta"
$RACE -q -p 1 -n 10 -t 2 -o "$TMP/shared/x.csv"
ok $([ "$(cat "$TMP/target")" = secret ] && [ -f "$TMP/shared/x.csv.meta" ] && [ ! -L "$TMP/shared/x.csv.meta" ]; echo $?) "a link planted at the .meta is replaced, its target untouched"
printf 'strategy = atomic\nprocs = 1\niters = 10\ntrials = 2\noutput = %s\n' "$TMP/shared/y.csv" > "$TMP/y.conf"
ln -s "$TMP/target" "$TMP/shared/y.csv"
refuse "a link at an output the user did not name is refused" "y.csv: is a symbolic link" $RACE -q "$TMP/y.conf"
ok $([ "$(cat "$TMP/target")" = secret ]; echo $?) "and its target is untouched"
ln -s "$TMP/real.csv" "$TMP/shared/named.csv"
$RACE -q -p 1 -n 10 -t 2 -o "$TMP/shared/named.csv"
ok $([ "$(count_rows "$TMP/real.csv" 1)" -eq 2 ] && [ -L "$TMP/shared/named.csv" ]; echo $?) "-o naming a link writes to what it names, as asked"
mkdir -p "$TMP/rs"
ln -s "$TMP/target" "$TMP/rs/summary.csv"
$RACESTAT -q "$TMP/real.csv" -o "$TMP/rs"
ok $([ "$(cat "$TMP/target")" = secret ] && [ -f "$TMP/rs/summary.csv" ] && [ ! -L "$TMP/rs/summary.csv" ]; echo $?) "racestat replaces a link planted at summary.csv, its target untouched"
(flock "$TMP/rs" sleep 2) &
sleep 0.3
refuse "a second racestat into a locked folder is refused" "another racestat is writing there" $RACESTAT -q "$TMP/real.csv" -o "$TMP/rs"
wait

# --- racestat reads a header of a million columns in linear time
awk 'BEGIN{printf "run_id,procs,iters,expected,final,elapsed_ns,overlap"; for(i=0;i<1000000;i++) printf ",f%d", i; printf "\nr,2,10,20,17,100,0.5"; for(i=0;i<1000000;i++) printf ",x"; printf "\n"}' > "$TMP/wide.csv"
timeout 120 $RACESTAT -q "$TMP/wide.csv" "$TMP/wide.csv" -o "$TMP/wide" 2>/dev/null; rc=$?
ok $([ $rc -ne 124 ]; echo $?) "racestat: two files of a million columns each are read (exit $rc), not a quadratic stall"

# --- an output that is an input
printf 'strategy = atomic\nprocs = 1\niters = 10\ntrials = 2\n' > "$TMP/e1.conf"
cp "$TMP/e1.conf" "$TMP/e1.bak"
refuse "-o naming the experiment file is refused" "e1.conf: is an experiment file of this run" $RACE -q "$TMP/e1.conf" -o "$TMP/e1.conf"
ok $(cmp -s "$TMP/e1.conf" "$TMP/e1.bak"; echo $?) "and the experiment file is intact"
printf 'strategy = atomic\nprocs = 1\niters = 10\ntrials = 2\noutput = e2.conf\n' > "$TMP/e2.conf"
race_abs=$(readlink -f "$RACE")
(cd "$TMP" && refused "is an experiment file of this run" "$race_abs" -q e2.conf); ok $? "output = the file itself is refused"
printf 'include = e1.conf\n' > "$TMP/top.conf"
refuse "-o naming an included file is refused" "e1.conf: is an experiment file" $RACE -q "$TMP/top.conf" -o "$TMP/e1.conf"

# --- devices and stdout: no .meta beside them, unless --meta names one
$RACE -q -p 1 -n 10 -t 2 -o /dev/null; rc=$?
ok $([ $rc -eq 0 ] && [ ! -e /dev/null.meta ] && [ -c /dev/null ]; echo $?) "-o /dev/null: exit $rc, no /dev/null.meta, /dev/null still a device"
$RACE -q -p 1 -n 10 -t 2 -o - --meta "$TMP/out.meta" > "$TMP/out.csv"
ok $([ "$(count_rows "$TMP/out.csv" 1)" -eq 2 ] && grep -q '^settings=' "$TMP/out.meta"; echo $?) "-o - --meta FILE: rows on stdout, the run described in FILE"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	err=$(setpriv --reuid=65534 --regid=65534 --clear-groups $RACE -q -p 1 -n 10 -t 2 -o /dev/null 2>&1); rc=$?
	ok $([ $rc -eq 0 ]; echo $?) "-o /dev/null as an unprivileged user: exit $rc $err"
else
	ok 0 "# SKIP -o /dev/null as another user needs root and setpriv"
fi

# --- the smaller bad inputs
refuse "a repeated procs level" "procs 2 listed twice" $RACE -p 2,2 -o "$TMP/x.csv"
refuse "the same iters twice in two spellings" "iters 1000 listed twice" $RACE -n 1000,1e3 -o "$TMP/x.csv"
printf 'include = e1.conf\ninclude = e1.conf\n' > "$TMP/twice.conf"
refuse "a repeated include" "twice.conf:2: includes .*e1.conf a second time" $RACE "$TMP/twice.conf" -o "$TMP/x.csv"
printf 'strategy = atomic\noutput = y.csv\n' > "$TMP/inc-out.conf"
printf 'include = inc-out.conf\n' > "$TMP/top-out.conf"
refuse "output in an included file" "inc-out.conf:2: output belongs in the top-level file" $RACE "$TMP/top-out.conf" -o "$TMP/x.csv"
printf 'procs = 2\nit\0ers = 5\n' > "$TMP/nul.conf"
refuse "a NUL byte" "nul.conf:2: a NUL byte" $RACE "$TMP/nul.conf" -o "$TMP/x.csv"
mkdir -p "$TMP/dir.conf"
printf 'include = dir.conf\n' > "$TMP/incdir.conf"
refuse "an included folder" "dir.conf: is a folder, not an experiment file" $RACE "$TMP/incdir.conf" -o "$TMP/x.csv"
mkfifo "$TMP/fifo.conf"
refused "fifo.conf: is a FIFO" timeout 5 $RACE "$TMP/fifo.conf" -o "$TMP/x.csv"; ok $? "a FIFO as the experiment file is refused, not read ($REFUSED)"
refuse "--procs 4096 names the cap" "procs '4096' is too large \\(at most 1024\\)" $RACE --procs 4096 -o "$TMP/x.csv"
printf '\xef\xbb\xbfstrategy = atomic\nprocs = 1\niters = 10\ntrials = 1\n' > "$TMP/bom.conf"
$RACE -q "$TMP/bom.conf" -o "$TMP/bom.csv"; rc=$?
ok $([ $rc -eq 0 ] && [ "$(csv_col "$TMP/bom.csv" strategy)" = atomic ]; echo $?) "a UTF-8 byte order mark is accepted"
ok $([ ! -e "$TMP/x.csv" ]; echo $?) "no refused run created its output"
