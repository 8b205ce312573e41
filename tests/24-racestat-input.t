#!/usr/bin/env bash
# racestat's inputs: a file, gzip, zstd, a pipe ('-') and a FIFO give the
# same bytes out; gzip members and zstd frames may follow one another;
# truncated or corrupt data are refused naming the place, and an earlier
# output folder is left as it was; rows out of order give the same outputs,
# and a trial given twice among them is still found.
. "$(dirname "$0")/lib.sh"
plan 11

$RACE -q -s plain,atomic,mutex -p 1,2,3 -n 1e3,1e4 -t 15 --seed 4 -o "$TMP/run.csv"
# a bigger made-up file too: 8 cells of 40000 rows, where the reader's
# buffers are refilled many times (and compressed blocks end mid-row)
$BUILD/bench/gencsv 320000 > "$TMP/big.csv"
gzip -c "$TMP/big.csv" > "$TMP/big.csv.gz"
zstd -q -c "$TMP/big.csv" > "$TMP/big.csv.zst"
gzip -c "$TMP/run.csv" > "$TMP/run.csv.gz"
zstd -q -c "$TMP/run.csv" > "$TMP/run.csv.zst"

same() { # same DIR1 DIR2: every output byte-identical
	for f in summary.csv hist.csv compare.csv claims.csv; do cmp -s "$1/$f" "$2/$f" || return 1; done
}
stat() { local out=$1; shift; mkdir -p "$out"; $RACESTAT -q "$@" -o "$out"; }

for set in run big; do
	stat "$TMP/$set-plain" "$TMP/$set.csv"
	bad=""
	stat "$TMP/$set-gz" "$TMP/$set.csv.gz" && same "$TMP/$set-plain" "$TMP/$set-gz" || bad="$bad gzip"
	stat "$TMP/$set-zst" "$TMP/$set.csv.zst" && same "$TMP/$set-plain" "$TMP/$set-zst" || bad="$bad zstd"
	stat "$TMP/$set-pipe" - < "$TMP/$set.csv" && same "$TMP/$set-plain" "$TMP/$set-pipe" || bad="$bad pipe"
	zstd -q -dc "$TMP/$set.csv.zst" | stat "$TMP/$set-zpipe" - && same "$TMP/$set-plain" "$TMP/$set-zpipe" || bad="$bad zstd-into-pipe"
	mkfifo "$TMP/$set.fifo"
	gzip -dc "$TMP/$set.csv.gz" > "$TMP/$set.fifo" &
	stat "$TMP/$set-fifo" "$TMP/$set.fifo" && same "$TMP/$set-plain" "$TMP/$set-fifo" || bad="$bad fifo"
	wait
	n=$(($(wc -l < "$TMP/$set.csv") - 1))
	ok $([ -z "$bad" ]; echo $?) "$set ($n rows): gzip, zstd, a pipe, zstd into a pipe and a FIFO give byte-identical outputs${bad:+; differ:$bad}"
done

# members and frames one after another: the rows of both
head -1 "$TMP/run.csv" > "$TMP/a.csv"; sed -n '2,40p' "$TMP/run.csv" >> "$TMP/a.csv"
sed -n '41,$p' "$TMP/run.csv" > "$TMP/b.csv"
{ gzip -c "$TMP/a.csv"; gzip -c "$TMP/b.csv"; } > "$TMP/two.csv.gz"
{ zstd -q -c "$TMP/a.csv"; zstd -q -c "$TMP/b.csv"; } > "$TMP/two.csv.zst"
stat "$TMP/two-gz" "$TMP/two.csv.gz"; r1=$?
stat "$TMP/two-zst" "$TMP/two.csv.zst"; r2=$?
ok $([ $r1 -eq 0 ] && [ $r2 -eq 0 ] && same "$TMP/run-plain" "$TMP/two-gz" && same "$TMP/run-plain" "$TMP/two-zst"; echo $?) \
	"two gzip members, two zstd frames: read as one file"

# truncated and corrupt: refused with file:line, the earlier outputs kept
head -c 60000 "$TMP/big.csv.gz" > "$TMP/cut.csv.gz"
head -c 60000 "$TMP/big.csv.zst" > "$TMP/cut.csv.zst"
mkdir -p "$TMP/keep"; cp "$TMP/run-plain"/*.csv "$TMP/keep/"
refuse "truncated gzip: refused naming the line reached" "cut\.csv\.gz:[0-9]+: the gzip data end early \(truncated\)" \
	$RACESTAT -q "$TMP/cut.csv.gz" -o "$TMP/keep"
refuse "truncated zstd: refused naming the line reached" "cut\.csv\.zst:[0-9]+: the zstd data end early \(truncated\)" \
	$RACESTAT -q "$TMP/cut.csv.zst" -o "$TMP/keep"
{ head -c 3000 "$TMP/big.csv.gz"; head -c 3000 /dev/zero; tail -c +6001 "$TMP/big.csv.gz"; } > "$TMP/bad.csv.gz"
refuse "corrupt gzip: refused" "bad\.csv\.gz:[0-9]+: the gzip data are corrupt" $RACESTAT -q "$TMP/bad.csv.gz" -o "$TMP/keep"
# a member whose trailer's CRC-32 does not match what it inflates to
gzip -c < "$TMP/big.csv" > "$TMP/crc.csv.gz"
n=$(wc -c < "$TMP/crc.csv.gz")
printf '\x5a' | dd of="$TMP/crc.csv.gz" bs=1 seek=$((n - 8)) conv=notrunc 2>/dev/null
cmp -s "$TMP/crc.csv.gz" <(gzip -c < "$TMP/big.csv") && printf '\xa5' | dd of="$TMP/crc.csv.gz" bs=1 seek=$((n - 8)) conv=notrunc 2>/dev/null
refuse "a gzip member with a wrong CRC-32: refused" "crc\.csv\.gz:[0-9]+: the gzip data are corrupt" \
	$RACESTAT -q "$TMP/crc.csv.gz" -o "$TMP/keep"
ok $(same "$TMP/run-plain" "$TMP/keep"; echo $?) "the output folder still holds the earlier outputs, unchanged"
printf '' | gzip -c > "$TMP/empty.csv.gz"
refuse "an empty gzip file: no header row" "empty\.csv\.gz: empty file" $RACESTAT -q "$TMP/empty.csv.gz" -o "$TMP/e"

# rows out of order: the same outputs; a repeat among them still found
{ head -1 "$TMP/run.csv"; tail -n +2 "$TMP/run.csv" | shuf --random-source=<(yes); } > "$TMP/shuf.csv"
stat "$TMP/shuf" "$TMP/shuf.csv"
ok $(same "$TMP/run-plain" "$TMP/shuf"; echo $?) "rows in random order: byte-identical outputs"
line=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["strategy"]=="plain" && $c["procs"]==2 && $c["iters"]==1000 && $c["trial"]==7 {print NR}' "$TMP/shuf.csv")
{ cat "$TMP/shuf.csv"; sed -n "${line}p" "$TMP/shuf.csv"; } > "$TMP/rep.csv"
last=$(wc -l < "$TMP/rep.csv")
refuse "a trial given twice among shuffled rows: refused naming both lines" \
	"rep\.csv:$last: repeats trial 7 of run .* already read at .*rep\.csv:$line\$" $RACESTAT -q "$TMP/rep.csv" -o "$TMP/r"
