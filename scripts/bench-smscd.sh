#!/usr/bin/env bash
# Durable end-to-end benchmark of smscd (issue #4): account A submits with
# `smpp bench` to an address owned by account B; B is bound as receiver with
# `smpp listen` and acknowledges every deliver_sm; receipts are requested and
# delivered back to A (bench waits for all of them).
#
# Usage: scripts/bench-smscd.sh [N] [WINDOW] [FSYNC]   (defaults 100000 256 interval)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}; W=${2:-256}; FSYNC=${3:-interval}
tmp=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/smscd" ./cmd/smscd
go build -o "$tmp/smpp" ./cmd/smpp
port=$((20000 + RANDOM % 20000)); hport=$((port + 1))
cat > "$tmp/smscd.yaml" <<YAML
accounts:
  - system_id: benchA
    password: passA
  - system_id: benchB
    password: passB
    addresses: ["4479*"]
window: 512
network:
  delay: 1ms
YAML
"$tmp/smscd" --config "$tmp/smscd.yaml" --data "$tmp/data" --smpp-addr 127.0.0.1:$port \
  --http-addr 127.0.0.1:$hport --fsync "$FSYNC" --log-level warn > "$tmp/smscd.out" 2>&1 &
for _ in $(seq 100); do grep -q "smpp:" "$tmp/smscd.out" 2>/dev/null && break; sleep 0.1; done
"$tmp/smpp" listen --addr 127.0.0.1:$port --system-id benchB --password passB --bind rx \
  --count "$N" --timeout 600s --quiet > /dev/null &
listener=$!
sleep 0.5
echo "== smscd fsync=$FSYNC: $N messages A -> B with receipts, window $W"
"$tmp/smpp" bench --addr 127.0.0.1:$port --system-id benchA --password passA --bind trx \
  -n "$N" --window "$W" --to 447900000001 --dlr | tail -1
wait $listener || true
echo "== smscd fsync=$FSYNC: $N messages A -> B without receipts"
"$tmp/smpp" listen --addr 127.0.0.1:$port --system-id benchB --password passB --bind rx \
  --count "$N" --timeout 600s --quiet > /dev/null &
listener=$!
sleep 0.5
start=$(date +%s.%N)
"$tmp/smpp" bench --addr 127.0.0.1:$port --system-id benchA --password passA --bind tx \
  -n "$N" --window "$W" --to 447900000001 | tail -1
wait $listener || true
end=$(date +%s.%N)
awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN { printf "delivered to B: %d in %.2fs = %.0f/s end to end\n", n, e-s, n/(e-s) }'
