#!/usr/bin/env bash
# Interop tests (issue #3 item 4): our SMPP server and client against software
# nobody on the team wrote — github.com/linxGnu/gosmpp v0.3.1 (Go) and
# node-smpp (npm smpp 0.5.1). See README.md.
#
# Usage: interop/run.sh [extra go test flags]
# Needs go, node and npm. Installs node-smpp from package-lock.json with
# `npm ci`, then runs the Go tests of this module with the race detector.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
# The replace directive pulls in the working tree's ../go.mod: when it gains
# requirements, let the go command update this module's go.mod instead of failing.
export GOFLAGS="${GOFLAGS:-} -mod=mod"

start=$(date +%s)
if command -v node >/dev/null 2>&1; then
	echo "== npm ci (interop/node, node $(node --version), npm $(npm --version))"
	(cd node && npm ci --no-audit --no-fund --prefer-offline)
else
	echo "== node is not on PATH: the node-smpp scenarios will be skipped"
fi

echo "== go test -race (interop module)"
go test -race -count=1 -timeout 5m "$@" ./...
echo "== interop passed in $(( $(date +%s) - start ))s"
