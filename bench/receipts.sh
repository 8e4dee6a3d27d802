#!/usr/bin/env bash
# Delivery receipts applied over HTTP on loopback: wrk calls `herald serve`'s
# /callbacks/k1/receipt as bearerbox calls a dlr-url, one receipt a request,
# each for a different text of a broadcast of ROWS sent texts, every answer
# given only once the receipt is committed to the broadcast's store. In the
# same run, as the baseline, the same server and route refusing a wrong
# secret (HTTP and the handler without the store). Then checks from the
# store that each receipt landed once (deliveredCount). ROWS must exceed
# what the run sends, so that every receipt is for a new text.
#
#   bench/receipts.sh [ROWS] [SECONDS] [CONNECTIONS]
#       defaults: 1000000 texts, 10 s, 64 connections on 2 wrk threads
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
seconds=${2:-10}
connections=${3:-64}

command -v wrk >/dev/null || { echo "receipts.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
cmake --preset release >/dev/null
cmake --build --preset release --target herald herald-gen >/dev/null

out=$(pwd)/bench/out/receipts
rm -rf "$out" && mkdir -p "$out"
contacts=$out/contacts.csv
state=$out/state
# Every row a distinct valid number: every text is sent.
build/release/tools/herald-gen --rows "$rows" --seed 11 --dup-rate 0 \
  --invalid-rate 0 --out "$contacts" >/dev/null 2>&1
cat > "$out/campaign.json" <<'JSON'
{"name": "receipts bench", "fromNumber": "19206596476",
 "message": "Hi ${firstName}, thank you for your gift of ${amount}."}
JSON
build/release/tools/herald run --quiet --campaign "$out/campaign.json" \
  --contacts "$contacts" --outbox /dev/null --state "$state"
export BENCH_CALLBACK_SECRET=bench-callback-0123456789
cat > "$out/providers.json" <<'JSON'
{"providers": [{"name": "k1", "type": "kannel",
  "url": "http://127.0.0.1:9/cgi-bin/sendsms",
  "callbackSecretEnv": "BENCH_CALLBACK_SECRET"}]}
JSON

log=$out/serve.log
build/release/tools/herald serve --state "$state" --listen 127.0.0.1:0 \
  --providers "$out/providers.json" 2>"$log" &
serve=$!
trap 'kill $serve 2>/dev/null || true' EXIT
for _ in $(seq 500); do grep -q 'http://' "$log" && break; sleep 0.02; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
base=http://127.0.0.1:$port

# Each wrk thread walks its own range of texts (rows split in two).
cat > "$out/receipts.lua" <<LUA
local threads = 0
function setup(thread)
  thread:set("first", threads * math.floor($rows / 2))
  threads = threads + 1
end
function init(args)
  n = 0
  secret = args[1]
end
function request()
  n = n + 1
  local row = (first + n - 1) % $rows + 1
  return wrk.format("GET", "/callbacks/k1/receipt?secret=" .. secret ..
    "&b=1&t=" .. (10000000000 + row) .. "&a=1&type=1&id=m" .. row ..
    "&at=1795000000")
end
LUA

# wrk's summary: requests/s, p50, p99, and CPU of the server (user+sys).
run() {  # NAME SECRET
  local before after
  before=$(awk '{print $14 + $15}' "/proc/$serve/stat")
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$out/receipts.lua" \
    "$base" -- "$2" >"$out/wrk-$1.txt"
  after=$(awk '{print $14 + $15}' "/proc/$serve/stat")
  python3 bench/wrk_summary.py "$1" "$out/wrk-$1.txt" "$before" "$after" \
    "$(getconf CLK_TCK)"
}

echo "receipts.sh: $rows sent texts, wrk -t2 -c$connections -d${seconds}s"
run refused wrong-secret-0123456789
run recorded "$BENCH_CALLBACK_SECRET"
total=$(cat "$out/wrk-recorded.txt.total")
delivered=$(curl -s "$base/v2/texts/broadcasts/1/stats" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["deliveredCount"])')
# wrk counts the answers it read; the requests still on their connections
# when it stopped (at most one a connection) were recorded too.
echo "deliveredCount $delivered after $total answered receipts (+ up to $connections unread)"
if (( delivered < total || delivered > total + connections || delivered > rows )); then
  echo "receipts.sh: receipts lost or doubled" >&2; exit 1
fi
