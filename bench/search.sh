#!/usr/bin/env bash
# Handbook search, measured end to end on the shared corpus (../shared/data/handbook):
# import + index time, peak memory and index size; quality and in-process latency
# over eval/handbook-questions.tsv; ripgrep over the same corpus for the same
# questions' key terms; and /api/v1/search under wrk -c 32 (apt-get install wrk ripgrep).
#
#   bench/search.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20s}
PORT=${PORT:-18991}
CORPUS=${CORPUS:-../shared/data/handbook}
QUESTIONS=eval/handbook-questions.tsv
for tool in wrk rg /usr/bin/time; do command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }; done

cargo build --release --locked -p onramp-cli >&2
BIN=./target/release/onramp
DATA=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
SERVER=

echo "== import + index ($CORPUS)"
/usr/bin/time -f "wall %e s, peak RSS %M KB" $BIN --data-dir "$DATA" handbook import "$CORPUS" 2>&1 | grep -v '^warning'
echo "index size: $(du -sh "$DATA/search-index" | cut -f1), database: $(du -sh "$DATA/onramp.db" | cut -f1)"
echo "== re-import, nothing changed"
/usr/bin/time -f "wall %e s" $BIN --data-dir "$DATA" handbook import "$CORPUS" 2>&1 | grep -v '^warning'

echo "== quality and in-process latency ($QUESTIONS)"
$BIN --data-dir "$DATA" search-eval "$QUESTIONS" --rounds 20

echo "== ripgrep over the same corpus, each question's key terms (case-insensitive, files listed)"
STOP=' a about am an and any are as at be by can could do does for from get has have how i if in into is it its me my need of on or our should so some that the their then there these this to us was we what when where which who why will with would you your gitlab '
mapfile -t PATTERNS < <(grep -v '^#' "$QUESTIONS" | grep -v '^$' | cut -f1 | while read -r q; do
  words=""
  for w in $(echo "$q" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' ' '); do
    [[ "$STOP" == *" $w "* ]] || words="$words|$w"
  done
  echo "${words#|}"
done)
start=$(date +%s.%N)
for p in "${PATTERNS[@]}"; do rg -i -l -e "$p" "$CORPUS/handbook" >/dev/null || true; done
end=$(date +%s.%N)
echo "rg: ${#PATTERNS[@]} queries in $(echo "$end - $start" | bc) s, $(echo "scale=2; ($end - $start) * 1000 / ${#PATTERNS[@]}" | bc) ms per query"

echo "== /api/v1/search under load"
$BIN --data-dir "$DATA" user add --email bench@example.com --name Bench --roles new-hire >/dev/null
TOKEN=$($BIN --data-dir "$DATA" token create --email bench@example.com --scope read)
ONRAMP_LOG=warn $BIN serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
LUA=$DATA/questions.lua
{
  echo "local qs = {"
  grep -v '^#' "$QUESTIONS" | grep -v '^$' | cut -f1 | python3 -c 'import sys, urllib.parse; [print("  %r," % urllib.parse.quote(l.strip())) for l in sys.stdin]'
  echo "}"
  echo "local i = 0"
  echo "request = function() i = i % #qs + 1; return wrk.format('GET', '/api/v1/search?q=' .. qs[i]) end"
} > "$LUA"
curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/search?q=ebr" || { echo "search API failed" >&2; exit 1; }
wrk -t2 -c32 -d"$DURATION" --latency -s "$LUA" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT" \
  | grep -E "Requests/sec|Latency  |  50%|  99%|Non-2xx|Socket errors"
