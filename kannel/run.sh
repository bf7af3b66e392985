#!/usr/bin/env bash
# Kannel interop (issue #6 item 2): Debian's kannel package (bearerbox and
# smsbox) bound to smscd as a transceiver ESME. See kannel/README.md.
#
# Usage: kannel/run.sh [extra go test flags, e.g. -v]
# Installs nothing: it needs the Debian package kannel (bearerbox, smsbox in
# /usr/sbin); without bearerbox the test skips. Runs the kannel package of
# the main module with the race detector; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -mod=mod"

start=$(date +%s)
if command -v bearerbox >/dev/null 2>&1 || [ -x /usr/sbin/bearerbox ]; then
	echo "== go test -race ./kannel/... ($( (bearerbox --version 2>&1 || /usr/sbin/bearerbox --version 2>&1) | head -1))"
else
	echo "== bearerbox is not installed (apt-get install kannel): the Kannel test will skip"
fi
go test -race -count=1 -timeout 5m "$@" ./kannel/...
echo "== kannel passed in $(( $(date +%s) - start ))s"
