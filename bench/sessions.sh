#!/usr/bin/env bash
# Session benchmarks of issue #3, in one go: throughput of every client →
# server pair we can build (ours, gosmpp v0.3.1, go-smpp's smpptest,
# ajankovic/smpp, the raw echo server), latency at half our maximum rate,
# CPU profiles, and the memory of 10,000 idle bound sessions.
#
# Usage: bench/sessions.sh
#   RUNS      runs per pair (default 5); the pairs are interleaved, one
#             round at a time, so that background load hits them alike
#   N         submit_sm per run (default 200000)
#   WINDOWS   windows to measure (default "100 256")
#   HALF_RUNS runs at 1/2, 1/4 and 1/10 of our median maximum rate (default 3)
#   PROF_N    messages of the profiled run (default 1000000; 0 skips profiles)
#   IDLE_CONNS (default 10000; 0 skips), IDLE_HOLD (default 35s)
#   OUT       raw results (default bench/results/sessions.txt); profiles go
#             next to it (sessions-prof-*.txt)
# Every client prints the line of `smpp bench`:
#   bench: sent=N ok=N failed=N elapsed=S rate=R/s p50=Xms p99=Yms
# OUT keeps one line per run, "<pair> w=<window> run=<i> <that line>", and
# the script ends with a Markdown summary (median and range per pair).
set -uo pipefail
cd "$(dirname "$0")"
bench_dir=$(pwd)
RUNS="${RUNS:-5}"
N="${N:-200000}"
WINDOWS="${WINDOWS:-100 256}"
HALF_RUNS="${HALF_RUNS:-3}"
PROF_N="${PROF_N:-1000000}"
IDLE_CONNS="${IDLE_CONNS:-10000}"
IDLE_HOLD="${IDLE_HOLD:-35s}"
OUT="${OUT:-results/sessions.txt}"
mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
prof_prefix="${OUT%.txt}-prof"

# 10,000 sessions need more descriptors than the usual 1024, in both the
# server (started from this shell) and the idle client.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work="$(mktemp -d)"
declare -A PIDS=() ADDRS=()
cleanup() {
	for name in "${!PIDS[@]}"; do kill "${PIDS[$name]}" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

log() { echo "$*" | tee -a "$OUT"; }

: >"$OUT"
log "== machine"
log "nproc: $(nproc)"
log "go:    $(go version)"
log "cpu:   $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')"
log "mem:   $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
dirty=$(git -C .. status --short --untracked-files=no -- . ':!bench' 2>/dev/null | awk '{ print $2 }' | tr '\n' ' ')
log "main module: $(git -C .. rev-parse --short HEAD), built from the working tree${dirty:+; uncommitted changes in: $dirty}"
log "nofile: $(ulimit -n)"
log "uptime: $(uptime)"

log "== build ($work)"
# The CLI is built from the main module as it is (no -mod=mod there); the
# peers from this module.
if ! (cd .. && GOFLAGS= go build -o "$work/smpp" ./cmd/smpp); then
	echo "cannot build ./cmd/smpp" >&2
	exit 1
fi
for c in rawecho gosmppclient fiorixserver ajankovicserver idle idleprofile; do
	if ! GOFLAGS="${GOFLAGS:-} -mod=mod" go build -o "$work/$c" "./cmd/$c"; then
		echo "cannot build ./cmd/$c" >&2
		exit 1
	fi
done

# start NAME CMD...: runs a server listening on a free port, waits for its
# "listening on ADDR" line, records PIDS[NAME] and ADDRS[NAME].
start() {
	local name=$1
	shift
	"$@" >"$work/$name.log" 2>&1 &
	PIDS[$name]=$!
	for _ in $(seq 100); do
		local a
		a=$(sed -n 's/.*listening on \([0-9.:]*\).*/\1/p' "$work/$name.log" | head -1)
		if [ -n "$a" ]; then
			ADDRS[$name]=$a
			return 0
		fi
		kill -0 "${PIDS[$name]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "server $name did not start:" >&2
	cat "$work/$name.log" >&2
	return 1
}

stop() {
	local name=$1
	[ -n "${PIDS[$name]:-}" ] || return 0
	kill -TERM "${PIDS[$name]}" 2>/dev/null
	wait "${PIDS[$name]}" 2>/dev/null
	unset "PIDS[$name]"
}

start_servers() {
	start serve "$work/smpp" serve --addr 127.0.0.1:0 --log-level warn || exit 1
	start rawecho "$work/rawecho" --addr 127.0.0.1:0 || exit 1
	start fiorix "$work/fiorixserver" --addr 127.0.0.1:0 || exit 1
	start ajankovic "$work/ajankovicserver" --addr 127.0.0.1:0 || exit 1
}

# client NAME ADDR WINDOW N [extra flags]: the command line of a client.
client() {
	local name=$1 addr=$2 w=$3 n=$4
	shift 4
	case $name in
	ours) echo "$work/smpp bench --addr $addr -n $n --window $w --system-id client --password secret $*" ;;
	gosmpp) echo "$work/gosmppclient --addr $addr -n $n --window $w --system-id client --password secret $*" ;;
	esac
}

# one PAIR WINDOW RUN: one measurement, appended to OUT.
one() {
	local pair=$1 w=$2 i=$3
	local cl=${pair%%-*} srv=${pair#*-}
	if ! kill -0 "${PIDS[$srv]}" 2>/dev/null; then
		log "# $srv had exited; restarting it ($(tail -3 "$work/$srv.log" | tr '\n' ' '))"
		start "$srv" $(case $srv in
			serve) echo "$work/smpp serve --addr 127.0.0.1:0 --log-level warn" ;;
			rawecho) echo "$work/rawecho --addr 127.0.0.1:0" ;;
			fiorix) echo "$work/fiorixserver --addr 127.0.0.1:0" ;;
			ajankovic) echo "$work/ajankovicserver --addr 127.0.0.1:0" ;;
			esac) || return
	fi
	local line s0 s1 c
	s0=$(ticks "${PIDS[$srv]}")
	line=$(timeout 180 /usr/bin/time -o "$work/time.txt" -f "%U %S" $(client "$cl" "${ADDRS[$srv]}" "$w" "$N") 2>"$work/client.err" | grep '^bench:' | tail -1)
	s1=$(ticks "${PIDS[$srv]}")
	if [ -z "$line" ]; then
		line="bench: no result ($(tail -2 "$work/client.err" | tr '\n' ' '))"
	else
		c=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { print $1 + $2 }' "$work/time.txt" | tail -1)
		line="$line $(awk -v c="${c:-0}" -v s0="$s0" -v s1="$s1" -v hz="$HZ" -v n="$N" 'BEGIN {
			s = (s1 - s0) / hz
			printf "cpu_client=%.2fs cpu_server=%.2fs cpu_us_per_msg=%.2f", c, s, (c + s) * 1e6 / n }')"
	fi
	log "$pair w=$w run=$i $line"
}

# ticks PID: user+system CPU time of PID so far, in clock ticks.
HZ=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

PAIRS="ours-serve ours-rawecho ours-fiorix ours-ajankovic gosmpp-serve gosmpp-rawecho gosmpp-fiorix gosmpp-ajankovic"

log "== throughput: $RUNS rounds of every pair, N=$N, windows $WINDOWS, one connection"
log "   ours:   $(client ours ADDR W N)"
log "   gosmpp: $(client gosmpp ADDR W N)"
log "   servers: smpp serve --addr 127.0.0.1:0 --log-level warn | rawecho | fiorixserver | ajankovicserver (all on 127.0.0.1:0)"
start_servers
for i in $(seq "$RUNS"); do
	for w in $WINDOWS; do
		for pair in $PAIRS; do
			one "$pair" "$w" "$i"
		done
	done
	log "# after round $i: $(uptime)"
done

log "== gosmpp with WindowedRequestTracking (--mode window), window 100, once"
line=$(timeout 180 $(client gosmpp "${ADDRS[fiorix]}" 100 "$N" --mode window) 2>"$work/client.err" | grep '^bench:' | tail -1)
log "gosmppwin-fiorix w=100 run=1 ${line:-bench: no result}"
sed 's/^/# /' "$work/client.err" | head -5 | tee -a "$OUT"

# Median rate of ours → serve at the largest window.
wmax=$(echo $WINDOWS | tr ' ' '\n' | sort -n | tail -1)
rmax=$(awk -v w="w=$wmax" '$1 == "ours-serve" && $2 == w { for (i = 3; i <= NF; i++) if ($i ~ /^rate=/) { v = $i; sub(/rate=/, "", v); sub(/\/s/, "", v); print v } }' "$OUT" | sort -n | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }')
if [ -n "$rmax" ]; then
	log "== latency at a fraction of the maximum rate (median max $rmax/s, ours → serve, window $wmax), $HALF_RUNS runs each"
	log "   $(client ours ADDR "$wmax" "$N" --rate RATE)"
	for frac in 2 4 10; do
		r=$((rmax / frac))
		for i in $(seq "$HALF_RUNS"); do
			line=$(timeout 180 $(client ours "${ADDRS[serve]}" "$wmax" "$N" --rate "$r") 2>/dev/null | grep '^bench:' | tail -1)
			log "ours-serve-rate/$frac w=$wmax run=$i ${line:-bench: no result} target=$r/s"
		done
	done
fi
log "# $(uptime)"
for s in serve rawecho fiorix ajankovic; do stop $s; done

if [ "$PROF_N" -gt 0 ]; then
	log "== CPU profiles: ours → serve, window $wmax, -n $PROF_N (smpp serve --cpuprofile, smpp bench --cpuprofile)"
	start serve "$work/smpp" serve --addr 127.0.0.1:0 --log-level warn --cpuprofile "$work/serve.prof" || exit 1
	line=$("$work/smpp" bench --addr "${ADDRS[serve]}" -n "$PROF_N" --window "$wmax" --cpuprofile "$work/bench.prof" | tail -1)
	log "ours-serve-prof w=$wmax run=1 $line"
	stop serve
	log "== CPU profile: gosmpp → fiorix, window $wmax, -n $((PROF_N / 4))"
	start fiorix "$work/fiorixserver" --addr 127.0.0.1:0 --cpuprofile "$work/fiorix.prof" || exit 1
	line=$("$work/gosmppclient" --addr "${ADDRS[fiorix]}" -n $((PROF_N / 4)) --window "$wmax" --cpuprofile "$work/gosmpp.prof" | tail -1)
	log "gosmpp-fiorix-prof w=$wmax run=1 $line"
	stop fiorix
	for p in serve bench gosmpp fiorix; do
		bin="$work/smpp"
		case $p in gosmpp) bin="$work/gosmppclient" ;; fiorix) bin="$work/fiorixserver" ;; esac
		go tool pprof -top -nodecount=30 "$bin" "$work/$p.prof" >"$prof_prefix-$p.txt" 2>/dev/null
		go tool pprof -top -cum -nodecount=30 "$bin" "$work/$p.prof" >"$prof_prefix-$p-cum.txt" 2>/dev/null
		log "# profile $p: $prof_prefix-$p.txt (flat) and -cum.txt"
	done
fi

if [ "$IDLE_CONNS" -gt 0 ]; then
	log "== idle: $IDLE_CONNS bound transmitter sessions held by smpp serve (nofile $(ulimit -n))"
	log "   $work/smpp serve --addr 127.0.0.1:0 --log-level warn"
	log "   idle --addr ADDR --pid PID --conns $IDLE_CONNS --hold $IDLE_HOLD"
	start serve "$work/smpp" serve --addr 127.0.0.1:0 --log-level warn || exit 1
	sleep 1
	"$work/idle" --addr "${ADDRS[serve]}" --pid "${PIDS[serve]}" --conns "$IDLE_CONNS" --hold "$IDLE_HOLD" 2>&1 | tee -a "$OUT"
	stop serve
	log "== idleprofile: where an idle session's memory goes (in-process, Go runtime accounting)"
	for args in "" "--window 10 --inbound-window 64"; do
		"$work/idleprofile" --conns $((IDLE_CONNS / 2)) $args --memprofile "$work/idle.heap" 2>&1 | grep -v 'too many open' | tee -a "$OUT"
		[ -n "$args" ] || go tool pprof -top -sample_index=inuse_space -nodecount=12 "$work/idleprofile" "$work/idle.heap" 2>/dev/null >"$prof_prefix-idle-heap.txt"
	done
	log "# heap profile: $prof_prefix-idle-heap.txt"
	log "# $(uptime)"
fi

echo
echo "== summary (median [min–max] over the runs; rate in msg/s, latency in ms)"
awk '
function med(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	lo[0] = a[1]; hi[0] = a[n]
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$3 ~ /^run=/ && $4 == "bench:" {
	key = $1 " " $2
	if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
	for (i = 5; i <= NF; i++) {
		split($i, kv, "=")
		v = kv[2]; sub(/\/s$/, "", v); sub(/ms$/, "", v)
		if (kv[1] == "rate") rate[key] = rate[key] " " v
		if (kv[1] == "p50") p50[key] = p50[key] " " v
		if (kv[1] == "p99") p99[key] = p99[key] " " v
		if (kv[1] == "cpu_us_per_msg") cpu[key] = cpu[key] " " v
		if (kv[1] == "failed" && v + 0 > 0) fails[key]++
	}
	runs[key]++
	run = $3; sub(/^run=/, "", run)
	for (i = 5; i <= NF; i++) if ($i ~ /^rate=/) { v = $i; sub(/^rate=/, "", v); sub(/\/s$/, "", v); byrun[key, run] = v }
	if (run + 0 > maxrun) maxrun = run + 0
}
END {
	printf "| pair | window | runs | msg/s median [range] | p50 ms | p99 ms | CPU µs/msg (client+server) |\n|---|---:|---:|---:|---:|---:|---:|\n"
	for (k = 1; k <= nk; k++) {
		key = order[k]; split(key, f, " ")
		r = med(rate[key]); rl = lo[0]; rh = hi[0]
		m50 = med(p50[key]); m99 = med(p99[key])
		mc = (key in cpu) ? sprintf("%.2f", med(cpu[key])) : "–"
		note = (key in fails) ? " (" fails[key] " runs with failures)" : ""
		printf "| %s | %s | %d | %d [%d–%d]%s | %.3f | %.3f | %s |\n", f[1], substr(f[2], 3), runs[key], r, rl, rh, note, m50, m99, mc
		R[key] = r
		if (key in cpu) C[key] = med(cpu[key])
	}
	for (k = 1; k <= nk; k++) {
		key = order[k]; split(key, f, " ")
		if (f[1] != "ours-serve") continue
		w = f[2]; best = 0; bestk = ""
		for (j = 1; j <= nk; j++) {
			split(order[j], g, " ")
			if (g[2] != w) continue
			if (g[1] ~ /^gosmpp-(fiorix|ajankovic)$/ && R[order[j]] > best) { best = R[order[j]]; bestk = g[1] }
		}
		if (best > 0) printf "ratio %s: ours-serve / best peer pair (%s) = %.2fx\n", w, bestk, R[key] / best
		cb = 0
		for (j = 1; j <= nk; j++) {
			split(order[j], g, " ")
			if (g[2] == w && g[1] ~ /^gosmpp-(fiorix|ajankovic)$/ && (order[j] in C) && (cb == 0 || C[order[j]] < cb)) { cb = C[order[j]]; cbk = g[1] }
		}
		if (cb > 0 && (key in C) && C[key] > 0) printf "ratio %s: CPU per message, most frugal peer pair (%s) / ours-serve = %.2fx\n", w, cbk, cb / C[key]
		if (("ours-rawecho " w) in R) printf "ratio %s: ours-serve / ours-rawecho = %.0f%%\n", w, 100 * R[key] / R["ours-rawecho " w]
		# The same ratios within each round (the pairs of a round ran back to back).
		pr = ""; er = ""
		for (r = 1; r <= maxrun; r++) {
			o = byrun[key, r] + 0
			b = byrun["gosmpp-fiorix " w, r] + 0
			if (byrun["gosmpp-ajankovic " w, r] + 0 > b) b = byrun["gosmpp-ajankovic " w, r] + 0
			e = byrun["ours-rawecho " w, r] + 0
			if (o > 0 && b > 0) pr = pr sprintf(" %.1fx", o / b)
			if (o > 0 && e > 0) er = er sprintf(" %.0f%%", 100 * o / e)
		}
		if (pr != "") printf "ratio %s per round: ours-serve / best peer pair of the round:%s\n", w, pr
		if (er != "") printf "ratio %s per round: ours-serve / ours-rawecho:%s\n", w, er
	}
}' "$OUT" | tee "$OUT.summary"
