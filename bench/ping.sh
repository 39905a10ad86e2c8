#!/usr/bin/env bash
# Service Ping analysis throughput: `onramp ping analyze` against the same work
# in Python's standard json module, in one run on the same files; and peak
# memory for a 5 MB payload.
#
#   bench/ping.sh [COUNT] [SIZE_BYTES]      (RUNS=5: runs of each side)
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
RUNS=${RUNS:-5}
echo "== $COUNT payloads, $BYTES bytes in all; $RUNS runs of each, taken in turns"
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
DICT=crates/ping/data/metrics.tsv
rust=(); py=(); same=()
for _ in $(seq "$RUNS"); do
  rust+=("$(seconds ./target/release/onramp --data-dir "$DIR/data" ping analyze "$DIR"/batch/*.json --format json)")
  py+=("$(seconds python3 bench/ping_baseline.py "$DIR"/batch/*.json)")
  same+=("$(seconds python3 bench/ping_baseline.py --dictionary "$DICT" "$DIR"/batch/*.json)")
done
best() { printf '%s\n' "$@" | sort -g | head -1; }
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
report() {
  local label=$1; shift
  local b m; b=$(best "$@"); m=$(median "$@")
  printf "%-7s best %.3f s (%.0f MB/s), median %.3f s; all: %s\n" \
    "$label" "$b" "$(echo "$BYTES / $b / 1000000" | bc -l)" "$m" "$*"
}
report onramp: "${rust[@]}"
report python: "${py[@]}"
report "python+dictionary:" "${same[@]}"
ratio() {
  printf "ratio to %s: best %.1fx, median %.1fx\n" "$1" \
    "$(echo "$(best "${@:2}") / $(best "${rust[@]}")" | bc -l)" \
    "$(echo "$(median "${@:2}") / $(median "${rust[@]}")" | bc -l)"
}
ratio "python (json, flatten, measures, prefix stages)" "${py[@]}"
ratio "python with the dictionary (the same stage breadth as onramp)" "${same[@]}"
BIG=$(wc -c < "$DIR"/big/payload-0000.json)
echo "== one payload of $BIG bytes"
/usr/bin/time -f "onramp peak RSS %M KB, %e s" ./target/release/onramp --data-dir "$DIR/data" ping analyze "$DIR"/big/payload-0000.json --format json >/dev/null
/usr/bin/time -f "python peak RSS %M KB, %e s" python3 bench/ping_baseline.py "$DIR"/big/payload-0000.json >/dev/null
