#!/usr/bin/env bash
# Ramp analytics at scale: COUNT (default 5000) onboardings of the default
# program padded to ~120 tasks each, from `onramp seed-synthetic` (about 20
# starts a week over the years before today; most finished, a few hundred
# running). Then, as People Connect (who sees everyone):
#   1. `onramp analytics ramp --json`, cold (every onboarding computed from
#      its records, the finished ones' milestones kept) and then warm, as it
#      is once the sweep has run: the median of RUNS runs, process start
#      included (target under 200 ms);
#   2. the cohort page `/analytics?by=quarter` (it draws the chart and the
#      risk list too), `GET /api/v1/analytics/ramp` and the risk list
#      `GET /api/v1/analytics/risk` (target under 50 ms): one request at a
#      time (the targets), then under wrk with four connections. Needs wrk
#      (apt-get install wrk); traffic goes to 127.0.0.1.
#
#   bench/analytics.sh [COUNT] [DURATION]         # SQLite in a temporary directory
#   DATABASE_URL=postgres://… bench/analytics.sh  # an empty PostgreSQL database
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-5000}
DURATION=${2:-15s}
RUNS=${RUNS:-9}
PORT=${PORT:-18991}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -p onramp-cli >&2
DATA=$(mktemp -d)
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$DATA"' EXIT
URL=${DATABASE_URL:-"sqlite://$DATA/onramp.db?mode=rwc"}
ONRAMP=(./target/release/onramp --data-dir "$DATA" --database-url "$URL")

echo "== onramp seed-synthetic --onboardings $COUNT --seed 42"
start=$(date +%s.%N)
"${ONRAMP[@]}" seed-synthetic --onboardings "$COUNT" --seed 42
echo "seeded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
"${ONRAMP[@]}" user add --email bench.pc@example.com --name "Bench People Connect" --roles people-connect >/dev/null
TOKEN=$("${ONRAMP[@]}" token create --email bench.pc@example.com --scope read)

# runs N ARGS…: the median wall time of N runs of onramp ARGS, in ms.
runs() {
  local n=$1; shift
  python3 - "$n" "${ONRAMP[@]}" "$@" <<'EOF'
import statistics, subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(n):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(f"median {statistics.median(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f}, {n} runs)")
EOF
}
echo "== onramp analytics ramp --json, cold (no milestones kept yet)"
runs 1 analytics ramp --json
echo "== onramp sweep (records every running onboarding's level)"
runs 1 sweep
echo "== onramp analytics ramp --json, warm"
runs "$RUNS" analytics ramp --json
echo "== onramp analytics risk --json"
runs "$RUNS" analytics risk --json
"${ONRAMP[@]}" analytics ramp --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
active = sum(1 for o in r["onboardings"] if o["status"] == "active")
print(len(r["onboardings"]), "onboardings in", len(r["cohorts"]), "cohorts,", active, "running")'

ONRAMP_LOG=warn "${ONRAMP[@]}" serve --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
measure() {
  local path=$1
  curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" || { echo "GET $path failed" >&2; exit 1; }
  echo "== GET $path as People Connect (wrk -t2 -c4 -d$DURATION)"
  wrk -t2 -c4 -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$path" \
    | grep -E "Requests/sec|Latency  |  50%|  99%|Non-2xx|Socket errors"
}
# one PATH: the median of RUNS requests made one after another (one user).
one() {
  local path=$1
  python3 - "$RUNS" "http://127.0.0.1:$PORT$path" "$TOKEN" <<'EOF'
import statistics, sys, time, urllib.request
n, url, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
times, size = [], 0
for _ in range(n):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    t = time.perf_counter()
    with urllib.request.urlopen(req) as res:
        size = len(res.read())
    times.append((time.perf_counter() - t) * 1000)
print(f"median {statistics.median(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f}, {n} requests one after another, {size} bytes)")
EOF
}
for path in "/analytics?by=quarter" "/api/v1/analytics/ramp?by=quarter" "/api/v1/analytics/risk"; do
  echo "== GET $path as People Connect, one request at a time"
  one "$path"
done
measure "/analytics?by=quarter"
measure "/api/v1/analytics/ramp?by=quarter"
measure "/api/v1/analytics/risk"
