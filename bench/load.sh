#!/usr/bin/env bash
# Load test of the pages opened most: a new hire's home and onboarding
# page, and the home of a manager of 20 reports (their team's tasks and
# panels), with COUNT (default 5000) active onboardings in the database. Needs wrk (apt-get install wrk). Traffic goes to 127.0.0.1 only.
#
#   bench/load.sh [COUNT] [DURATION]        # SQLite in a temporary data directory
#   DATABASE_URL=postgres://… bench/load.sh # an empty PostgreSQL database instead
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-5000}
DURATION=${2:-20s}
PORT=${PORT:-18990}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

# Two builds: with `--example`, cargo would build only the example.
cargo build --release --locked -p onramp-cli >&2
cargo build --release --locked -p onramp-store --example load_seed >&2
DATA=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
URL=${DATABASE_URL:-"sqlite://$DATA/onramp.db?mode=rwc"}

echo "Seeding $COUNT onboardings…" >&2
eval "$(./target/release/examples/load_seed "$URL" "$COUNT")"
echo "Created $COUNT onboardings in ${CREATE_SECONDS}s" >&2

# The seeded onboardings started 20 days ago: their overdue compliance-
# critical tasks are escalated once (and their people notified). Do that
# backlog first, so the measurement sees the steady state, not the first sweep.
./target/release/onramp sweep --data-dir "$DATA" --database-url "$URL" >&2
ONRAMP_LOG=warn ./target/release/onramp serve --data-dir "$DATA" --database-url "$URL" --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# measure WHO COOKIE PATH [CONNECTIONS]: 32 connections saturate the server
# (throughput); 4 are a busy office's load (latency).
measure() {
  local who=$1 cookie=$2 path=$3 connections=${4:-32}
  curl -fs -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path" || { echo "GET $path failed" >&2; exit 1; }
  echo "== GET $path as $who (wrk -t2 -c$connections -d$DURATION)"
  wrk -t2 -c"$connections" -d"$DURATION" --latency -H "Cookie: $cookie" "http://127.0.0.1:$PORT$path" \
    | grep -E "Requests/sec|Latency  |  50%|  99%|Non-2xx|Socket errors"
}
measure "the new hire" "$COOKIE" /home
measure "the new hire" "$COOKIE" "/onboardings/$ONBOARDING"
measure "a manager of 20" "$MANAGER_COOKIE" /home
measure "a manager of 20" "$MANAGER_COOKIE" /home 4
