#!/usr/bin/env bash
# The interval on the share lost covers, on zero-inflated data. A seeded
# simulation (tests/unit/covgen.c): n = 10, 30, 100 trials, P(loss) = 0 to 1,
# the share lost by a lossy trial from Beta(2, 5); 1000 replicates of each
# scenario, every replicate a cell of one racestat run. Each scenario's
# coverage of the true mean must reach 93 % at nominal 95 %, and no interval
# may be inverted or, where loss is possible, of zero width.
. "$(dirname "$0")/lib.sh"
plan 4
"$BUILD/tests/covgen" 1000 > "$TMP/cov.csv"
mkdir -p "$TMP/cov"
$RACESTAT -q --bootstrap 0 "$TMP/cov.csv" -o "$TMP/cov"; rc=$?
ok $rc "racestat reads $(($(wc -l < "$TMP/cov.csv") - 1)) simulated trials in $(($(wc -l < "$TMP/cov/summary.csv") - 1)) cells"
awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next}
	{ split($c["scenario"], s, "_p"); p = s[2] + 0; truth = p * 2 / 7
	  k = $c["scenario"]; n[k]++; cov[k] += ($c["lost_frac_lo"] <= truth + 1e-12 && truth <= $c["lost_frac_hi"] + 1e-12)
	  inv[k] += ($c["lost_frac_lo"] > $c["lost_frac_mean"] || $c["lost_frac_mean"] > $c["lost_frac_hi"])
	  zw[k] += ($c["lost_frac_hi"] <= $c["lost_frac_lo"]); w[k] += $c["lost_frac_hi"] - $c["lost_frac_lo"] }
	END { for (k in n) printf "%s %d %.4f %d %d %.4f\n", k, n[k], cov[k] / n[k], inv[k], zw[k], w[k] / n[k] }' \
	"$TMP/cov/summary.csv" | sort -t_ -k1.2n -k2.2g > "$TMP/cov.txt"
while read -r k n c i z w; do diag "$k: $n replicates, coverage $c, mean width $w"; done < "$TMP/cov.txt"
low=$(awk '$2 < 1000 || $3 < 0.93' "$TMP/cov.txt" | wc -l)
worst=$(sort -k3 -g "$TMP/cov.txt" | head -1 | awk '{print $1 " " $3}')
ok $([ "$low" -eq 0 ] && [ "$(wc -l < "$TMP/cov.txt")" -eq 18 ]; echo $?) "18 scenarios, every coverage >= 93 % (lowest: $worst)"
ok $(awk '{s += $4} END{exit s != 0 || NR != 18}' "$TMP/cov.txt"; echo $?) "no interval inverted (lo <= mean <= hi in every cell)"
ok $(awk '{s += $5} END{exit s != 0 || NR != 18}' "$TMP/cov.txt"; echo $?) "no interval of zero width"
