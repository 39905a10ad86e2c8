#!/usr/bin/env bash
# Memory under a burst of large Service Ping uploads: COUNT (default 8)
# concurrent uploads of distinct SIZE-byte payloads (default 9,600,000) to a demo
# server, with ANALYSES analyses allowed at once (ONRAMP_ANALYSIS_CONCURRENCY,
# default 2). Prints the server's resident memory before, its peak (VmHWM)
# and what it settles to 10 s after the burst, and how many uploads were
# stored or told to retry (503). Traffic goes to 127.0.0.1 only.
#
#   bench/upload-memory.sh [COUNT] [SIZE] [ANALYSES]
#   DATABASE_URL=postgres://… bench/upload-memory.sh   # an empty PostgreSQL database instead
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-8}
SIZE=${2:-9600000}
ANALYSES=${3:-2}
PORT=${PORT:-18991}

# Two builds: with `--example`, cargo would build only the example.
cargo build --release --locked -p onramp-cli >&2
cargo build --release --locked -p onramp-ping --example generate >&2
DATA=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
./target/release/examples/generate "$DATA/payloads" "$COUNT" "$SIZE" >&2
echo "payloads: $COUNT of $(stat -c %s "$DATA/payloads/payload-0000.json") bytes" >&2

export ONRAMP_DATABASE_URL=${DATABASE_URL:-"sqlite://$DATA/onramp.db?mode=rwc"}
./target/release/onramp seed-demo --data-dir "$DATA" >/dev/null
TOKEN=$(./target/release/onramp token create --data-dir "$DATA" --email alex.morgan@example.com --scope write)
ONRAMP_LOG=warn ONRAMP_UPLOAD_LIMIT_MB=12 ONRAMP_ANALYSIS_CONCURRENCY="$ANALYSES" \
  ./target/release/onramp serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

rss() { awk -v key="$1" '$1 == key":" { print int($2 / 1024) " MB" }' "/proc/$SERVER/status"; }
echo "resident before:  $(rss VmRSS)"
n=0
for payload in "$DATA"/payloads/*.json; do
  n=$((n + 1))
  curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary "@$payload" \
    "http://127.0.0.1:$PORT/api/v1/ping/payloads" > "$DATA/status-$n" &
done
wait $(jobs -p | grep -v "^$SERVER$") 2>/dev/null || true
echo "peak resident:    $(rss VmHWM)"
sleep 10
echo "settled (10 s):   $(rss VmRSS)"
echo "answers:          $(cat "$DATA"/status-* | sort | uniq -c | tr '\n' ' ')"
