#!/usr/bin/env bash
# The one test command (README.md). It installs what the tests need on a bare
# machine that has only Go, gcc, node and npm, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -mod=mod"

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt needed:"; echo "$unformatted"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 -timeout 15m ./...

echo "== fuzz (bounded)"
for pkg in ./pdu ./coding ./dlr; do
  for target in $(go test -list 'Fuzz.*' "$pkg" | grep '^Fuzz' || true); do
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "${FUZZTIME:-10s}" "$pkg"
  done
done
echo "== all tests passed"
