# tests/lib.sh - TAP helpers for racelab's shell tests (run by `prove -e bash`).
# Each test file sources this, calls plan N (or done_testing at the end).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
BUILD=${RACELAB_BUILD:-build}
export RACELAB_BUILD=$BUILD
RACE=$BUILD/race
RACESTAT=$BUILD/racestat
T_NUM=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/racelab-test.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

plan() { echo "1..$1"; }
ok() { # ok COND-STATUS "name"
	T_NUM=$((T_NUM + 1))
	if [ "$1" -eq 0 ]; then echo "ok $T_NUM - $2"; else echo "not ok $T_NUM - $2"; fi
}
check() { # check "name" command...   (passes when the command succeeds)
	local name=$1; shift
	"$@"; ok $? "$name"
}
diag() { echo "# $*"; }

# refused PATTERN CMD...: true when CMD exits non-zero with one stderr line
# matching PATTERN; REFUSED says what happened
refused() {
	local pat=$1; shift
	local rc err
	err=$("$@" 2>&1 >/dev/null); rc=$?
	REFUSED="rc=$rc stderr: $err"
	[ $rc -ne 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && printf '%s' "$err" | grep -qE -- "$pat"
}
# refuse NAME PATTERN CMD...: a test that CMD is refused so
refuse() {
	local name=$1; shift
	if refused "$@"; then ok 0 "$name"; else ok 1 "$name"; diag "$REFUSED"; fi
}

# CSV helpers: column by name
csv_col() { # csv_col FILE NAME -> prints the column's values
	awk -F, -v n="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i; next} {print $c}' "$1"
}

leftover_shm() { ls /dev/shm 2>/dev/null | grep -c '^racelab-'; }
# race processes of this test (workers keep their parent's command line, which names $TMP)
leftover_procs() { pgrep -f -- "$TMP" | wc -l; }
# count_rows FILE 'CONDITION': data rows for which an awk condition holds;
# the condition names columns as $c["final"]
count_rows() {
	awk -F, "NR==1{for(i=1;i<=NF;i++) c[\$i]=i; next} ($2){n++} END{print n+0}" "$1"
}

# the report's inputs from the small experiment, into $TMP: tiny.csv,
# shm.csv (drill 3) and stats/ (racestat)
tiny_report_inputs() {
	$RACE -q tests/data/tiny.conf --seed 5 -o "$TMP/tiny.csv"
	$RACE -q experiments/drill3-shm.conf --trials 3 -o "$TMP/shm.csv"
	mkdir -p "$TMP/stats"
	$RACESTAT -q "$TMP/tiny.csv" -o "$TMP/stats"
}
