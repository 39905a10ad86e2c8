#!/usr/bin/env bash
# Service Ping analysis throughput: `onramp ping analyze` against the same work
# in Python's standard json module, in one run on the same files; and peak
# memory for a 5 MB payload.
#
#   bench/ping.sh [COUNT] [SIZE_BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-40}
SIZE=${2:-300000}
cargo build --release --locked -p onramp-cli >&2
cargo build --release --locked -p onramp-ping --example generate >&2
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
EE=../shared/data/service-ping/metrics_ee.tsv
./target/release/examples/generate "$DIR/batch" "$COUNT" "$SIZE" "$EE"
./target/release/examples/generate "$DIR/big" 1 5000000 "$EE"
BYTES=$(cat "$DIR"/batch/*.json | wc -c)
echo "== $COUNT payloads, $BYTES bytes in all"
t0=$(date +%s.%N)
./target/release/onramp --data-dir "$DIR/data" ping analyze "$DIR"/batch/*.json --format json >/dev/null
t1=$(date +%s.%N)
python3 bench/ping_baseline.py "$DIR"/batch/*.json >/dev/null
t2=$(date +%s.%N)
rust=$(echo "$t1 - $t0" | bc -l); py=$(echo "$t2 - $t1" | bc -l)
printf "onramp: %.3f s, %.0f MB/s\n" "$rust" "$(echo "$BYTES / $rust / 1000000" | bc -l)"
printf "python: %.3f s, %.0f MB/s\n" "$py" "$(echo "$BYTES / $py / 1000000" | bc -l)"
printf "ratio: %.1fx\n" "$(echo "$py / $rust" | bc -l)"
BIG=$(wc -c < "$DIR"/big/payload-0000.json)
echo "== one payload of $BIG bytes"
/usr/bin/time -f "onramp peak RSS %M KB, %e s" ./target/release/onramp --data-dir "$DIR/data" ping analyze "$DIR"/big/payload-0000.json --format json >/dev/null
/usr/bin/time -f "python peak RSS %M KB, %e s" python3 bench/ping_baseline.py "$DIR"/big/payload-0000.json >/dev/null
