#!/usr/bin/env bash
# The one test command (README.md). It installs what the tests need on a bare
# machine that has only Go, gcc, node and npm (Debian packages with apt-get,
# npm packages, Go modules), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -mod=mod"
start=$(date +%s)

# Debian packages: headless Chromium for the dashboard's browser test, and
# Kannel (bearerbox + smsbox) as a real ESME against smscd.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v bearerbox >/dev/null 2>&1 || [ -x /usr/sbin/bearerbox ] || need+=(kannel)
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
if [ -n "$unformatted" ]; then echo "gofmt needed:"; echo "$unformatted"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 -timeout 20m ./...

echo "== interop (gosmpp v0.3.1, node-smpp 0.5.1)"
bash interop/run.sh

echo "== fuzz (bounded)"
go test -run '^$' -fuzz '^FuzzSessionLoop$' -fuzztime "${FUZZTIME:-10s}" .
for pkg in ./pdu ./coding ./dlr; do
  for target in $(go test -list 'Fuzz.*' "$pkg" | grep '^Fuzz' || true); do
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "${FUZZTIME:-10s}" "$pkg"
  done
done
echo "== all tests passed in $(( $(date +%s) - start ))s"
