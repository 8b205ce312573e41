#!/usr/bin/env bash
# The report, the HTML slides and the reproduction page in a real browser:
# headless Chromium (make deps-browser), driven over its DevTools pipe by
# tests/browser/check.py. Fails on any console error or exception, on an
# image that did not load, and on a blank screenshot. Skips, saying why,
# without Chromium or pandoc.
. "$(dirname "$0")/lib.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "1..0 # SKIP chromium not installed (make deps-browser)"; exit 0; }
command -v pandoc >/dev/null || { echo "1..0 # SKIP pandoc not installed (make deps)"; exit 0; }
plan 10
PY=/usr/bin/python3
export MPLBACKEND=Agg

tiny_report_inputs
$PY report/racereport.py --trials "$TMP/tiny.csv" --stats "$TMP/stats" --experiment tests/data/tiny.conf \
	--shm "$TMP/shm.csv" --out "$TMP/out" 2>/dev/null
(cd "$TMP/out" && pandoc -t dzslides -s --self-contained slides.md -o slides.html)
$RACE -q --like "$TMP/tiny.csv" -o "$TMP/again.csv"
$RACESTAT -q --compare "$TMP/tiny.csv" "$TMP/again.csv" -o "$TMP/cmp"
$PY report/racereport.py --reproduce "$TMP/cmp" --base "$TMP/tiny.csv" --new "$TMP/again.csv" --out "$TMP/rep" 2>/dev/null

# look: field FILE.json NAME
look() { timeout 180 $PY tests/browser/check.py "$CHROMIUM" "$1" "$2" "${3:-1280}" "${4:-900}" > "$2.json"; }
field() { $PY -c 'import json, sys; v = json.load(open(sys.argv[1])).get(sys.argv[2]); print(len(v) if isinstance(v, list) and sys.argv[3:] else (json.dumps(v) if isinstance(v, list) else v))' "$@"; }
# a screenshot is blank when it has (almost) one colour
colours() { $PY -c '
import sys
import matplotlib.image as mi
a = mi.imread(sys.argv[1])
px = (a[:, :, :3] * 255).astype(int).reshape(-1, 3)
print(len({tuple(p) for p in px[::7]}))' "$1"; }

look "$TMP/out/report.html" "$TMP/report.png" 1280 2400; rc=$?
ok $([ $rc -eq 0 ] && [ "$(field "$TMP/report.png.json" errors n)" -eq 0 ]; echo $?) "report.html: no console error or exception ($(field "$TMP/report.png.json" errors))"
n=$(field "$TMP/report.png.json" images); broken=$(field "$TMP/report.png.json" broken_images n)
ok $([ "$n" -ge 6 ] && [ "$broken" -eq 0 ]; echo $?) "report.html: all $n figures load ($broken broken)"
c=$(colours "$TMP/report.png")
ok $([ "$c" -gt 20 ] && [ "$(field "$TMP/report.png.json" text_chars)" -gt 2000 ]; echo $?) "report.html: the screenshot is not blank ($c colours)"

look "$TMP/out/slides.html" "$TMP/slides.png" 1280 720; rc=$?
pages=$(pdfinfo "$TMP/out/slides.pdf" | awk '/^Pages:/{print $2}')
ok $([ $rc -eq 0 ] && [ "$(field "$TMP/slides.png.json" errors n)" -eq 0 ] && [ "$(field "$TMP/slides.png.json" broken_images n)" -eq 0 ]; echo $?) \
	"the HTML slides from slides.md: no console error, no broken figure ($(field "$TMP/slides.png.json" errors))"
ok $([ "$(grep -c '<section' "$TMP/out/slides.html")" -eq "$pages" ] && [ "$(field "$TMP/slides.png.json" images)" -ge 5 ]; echo $?) \
	"the HTML slides: every slide of the PDF ($pages) and every figure"
c=$(colours "$TMP/slides.png")
ok $([ "$c" -gt 5 ]; echo $?) "the HTML slides: the screenshot is not blank ($c colours)"

look "$TMP/rep/report.html" "$TMP/rep.png" 1280 1200; rc=$?
ok $([ $rc -eq 0 ] && [ "$(field "$TMP/rep.png.json" errors n)" -eq 0 ]; echo $?) "the reproduction page: no console error ($(field "$TMP/rep.png.json" errors))"
c=$(colours "$TMP/rep.png")
ok $([ "$c" -gt 5 ] && [ "$(field "$TMP/rep.png.json" text_chars)" -gt 500 ]; echo $?) "the reproduction page: the screenshot is not blank ($c colours)"
# the checker itself sees what it must: a missing image and a console error
printf '<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p><img src="missing.png"><script>console.error("boom")</script></body></html>' > "$TMP/bad.html"
look "$TMP/bad.html" "$TMP/bad.png" 400 300
ok $([ "$(field "$TMP/bad.png.json" broken_images n)" -eq 1 ] && grep -q 'boom' "$TMP/bad.png.json" && grep -q 'missing.png' "$TMP/bad.png.json"; echo $?) \
	"the check itself catches a missing image and a console error ($(field "$TMP/bad.png.json" errors))"
left=$(pgrep -f "racelab-chromium\." | wc -l)
ok $([ "$left" -eq 0 ]; echo $?) "no Chromium process is left ($left)"
[ -n "${KEEP_SHOTS:-}" ] && cp "$TMP"/*.png "$KEEP_SHOTS"/
exit 0
