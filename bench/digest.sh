#!/usr/bin/env bash
# The daily digest and the outbox at scale: COUNT (default 5000) active
# onboardings, each with its own new hire, manager, buddy and People Connect
# (4 × COUNT people, all with accounts). The first sweep escalates two overdue
# compliance-critical tasks per onboarding to its manager and People Connect,
# who want escalations in their digest. Then:
#   1. `onramp notify digests --at MONDAY-09:00` builds and queues the digests
#      (timed: the target is under 10 s for 5,000 onboardings);
#   2. `onramp notify flush` sends them all to a local SMTP server (aiosmtpd,
#      pip install -r requirements-test.txt) and reports messages per second.
#
#   bench/digest.sh [COUNT]                 # SQLite in a temporary directory
#   DATABASE_URL=postgres://… bench/digest.sh  # an empty PostgreSQL database
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-5000}
cargo build --release --locked -p onramp-cli >&2
cargo build --release --locked -p onramp-store --example digest_seed >&2
DATA=$(mktemp -d)
SINK_PID=
trap '[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; rm -rf "$DATA"' EXIT
URL=${DATABASE_URL:-"sqlite://$DATA/onramp.db?mode=rwc"}
ONRAMP=(./target/release/onramp --data-dir "$DATA" --database-url "$URL")

echo "Seeding $COUNT onboardings ($((COUNT * 4)) people)…" >&2
./target/release/examples/digest_seed "$URL" "$COUNT" >&2
"${ONRAMP[@]}" sweep >&2

# The next Monday, 08:00 UTC (09:00 in Berlin, where the seeded people are).
MONDAY=$(python3 -c 'import datetime as d; t=d.date.today(); m=t+d.timedelta(days=(7-t.weekday())%7 or 7); print(f"{m}T08:00:00Z")')
echo "== onramp notify digests --at $MONDAY"
"${ONRAMP[@]}" notify digests --at "$MONDAY"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 crates/web/tests/smtp_sink.py "$PORT" "$DATA/received.jsonl" accept > "$DATA/sink.out" &
SINK_PID=$!
for _ in $(seq 1 50); do grep -q ready "$DATA/sink.out" 2>/dev/null && break; sleep 0.2; done
echo "== onramp notify flush (aiosmtpd on 127.0.0.1:$PORT)"
ONRAMP_SMTP_URL="smtp://127.0.0.1:$PORT?tls=none" "${ONRAMP[@]}" notify flush --at "$MONDAY"
echo "The SMTP server received $(wc -l < "$DATA/received.jsonl") messages."
