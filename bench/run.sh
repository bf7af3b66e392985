#!/usr/bin/env bash
# Codec benchmarks of issue #2: ours vs github.com/linxGnu/gosmpp v0.3.1.
# Usage: bench/run.sh [extra go test build flags]
#   COUNT (default 5), BENCHTIME (default 1s), OUT (default bench/results/codec.txt),
#   BENCHSTAT=0 skips benchstat.
# Prints the machine, the raw `go test -bench` output, a median summary with the
# speed-up factors and, when it can be fetched, benchstat's summary.
set -euo pipefail
cd "$(dirname "$0")"
# The replace directive pulls in the working tree's ../go.mod: when it gains
# requirements, let the go command update this module's go.mod instead of failing.
export GOFLAGS="${GOFLAGS:-} -mod=mod"

COUNT="${COUNT:-5}"
BENCHTIME="${BENCHTIME:-1s}"
OUT="${OUT:-results/codec.txt}"
BENCHSTAT_PKG="golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
mkdir -p "$(dirname "$OUT")"

echo "== machine"
echo "nproc: $(nproc)"
echo "go:    $(go version)"
echo "cpu:   $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')"

echo "== fairness checks (both libraries decode the same fields, encode the same bytes)"
go test -count=1 -run 'TestSame' ./codec

# COUNT rounds of one count each, rather than -count COUNT, so that ours and
# gosmpp alternate and a burst of load on this shared VM falls on both.
go test -c -o "${TMPDIR:-/tmp}/codec.test" "$@" ./codec
cmd=("${TMPDIR:-/tmp}/codec.test" -test.run '^$' -test.bench 'SubmitSM' -test.count 1 -test.benchtime "$BENCHTIME")
echo "== $COUNT rounds of: ${cmd[*]}  (built from bench/codec)"
: >"$OUT"
for _ in $(seq "$COUNT"); do
	(cd codec && "${cmd[@]}") | tee -a "$OUT"
done

echo "== medians over $COUNT runs ($OUT)"
awk -v count="$COUNT" '
function median(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) {            # insertion sort, numeric
		t = a[i] + 0
		for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (n % 2) return a[(n + 1) / 2] + 0
	return (a[n / 2] + a[n / 2 + 1]) / 2
}
/^Benchmark/ {
	name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
	if (!(name in ns)) order[++nnames] = name
	for (i = 3; i <= NF; i++) {
		if ($i == "ns/op") ns[name] = ns[name] " " $(i - 1)
		if ($i == "B/op") bs[name] = bs[name] " " $(i - 1)
		if ($i == "allocs/op") al[name] = al[name] " " $(i - 1)
	}
	runs[name]++
	for (i = 3; i <= NF; i++) if ($i == "ns/op") round[name, runs[name]] = $(i - 1)
}
END {
	printf "%-30s %12s %10s %10s %5s\n", "benchmark", "ns/op", "B/op", "allocs/op", "runs"
	for (k = 1; k <= nnames; k++) {
		n = order[k]
		med[n] = median(ns[n])
		printf "%-30s %12.1f %10d %10d %5d\n", n, med[n], median(bs[n]), median(al[n]), runs[n]
		mal[n] = median(al[n])
	}
	for (k = 1; k <= 2; k++) {
		op = (k == 1) ? "Decode" : "Encode"
		o = op "SubmitSM/ours"; g = op "SubmitSM/gosmpp"
		if ((o in med) && (g in med) && med[o] > 0)
			printf "speed-up %s: %.1fx (gosmpp %.1f ns / ours %.1f ns)\n", tolower(op), med[g] / med[o], med[g], med[o]
		# The same ratio round by round (ours and gosmpp ran seconds apart).
		lo = 1e9; hi = 0; below = 0; list = ""
		for (r = 1; r <= runs[o] && r <= runs[g]; r++) {
			x = round[g, r] / round[o, r]
			list = list " " x
			if (x < lo) lo = x
			if (x > hi) hi = x
			if (x < 8) below++
		}
		if (r > 1)
			printf "  per round: median %.1fx, %.1f-%.1fx, %d of %d rounds below 8x\n", median(list), lo, hi, below, r - 1
	}
	if ("DecodeSubmitSM/ours" in med)
		printf "goal decode <= 150 ns, <= 2 allocs, >= 8x: %s\n", \
			(med["DecodeSubmitSM/ours"] <= 150 && mal["DecodeSubmitSM/ours"] <= 2 && med["DecodeSubmitSM/gosmpp"] >= 8 * med["DecodeSubmitSM/ours"]) ? "met" : "NOT met"
	if ("EncodeSubmitSM/ours" in med)
		printf "goal encode <= 80 ns, 0 allocs, >= 8x: %s\n", \
			(med["EncodeSubmitSM/ours"] <= 80 && mal["EncodeSubmitSM/ours"] == 0 && med["EncodeSubmitSM/gosmpp"] >= 8 * med["EncodeSubmitSM/ours"]) ? "met" : "NOT met"
}' "$OUT"

if [ "${BENCHSTAT:-1}" != 0 ]; then
	echo "== benchstat ($BENCHSTAT_PKG)"
	errf="$(mktemp)"
	if ! go run "$BENCHSTAT_PKG" "$OUT" 2>"$errf"; then
		echo "benchstat unavailable, raw output above is the result:"
		sed 's/^/  /' "$errf" | head -5
	fi
	rm -f "$errf"
fi
