#!/usr/bin/env bash
# `herald serve` under load: requests/s and latency of GET /v2/texts/{id} and
# of a filtered GET /v2/texts?...&limit=100 on a broadcast of ROWS texts
# (once the server has built the store's query indexes),
# beside wrk against herald's own HTTP server answering a static body of the
# same size (bench/http_static), in the same run.
#
#   bench/api.sh [ROWS] [SECONDS]      defaults: 10000000 rows, 10 s per case
#
# The broadcast is made once (cached in bench/out/) by `herald run --state`
# over the bench/e2e.sh contacts; wrk runs 16 connections on 2 threads.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
seconds=${2:-10}

command -v wrk >/dev/null || { echo "api.sh: needs wrk (apt-get install wrk)" >&2; exit 2; }
cmake --preset release >/dev/null
cmake --build --preset release --target herald herald-gen http_static >/dev/null

out=bench/out
mkdir -p "$out"
contacts=$out/contacts-$rows.csv
state=$out/api-state-$rows
if [[ ! -f $contacts ]]; then
  build/release/tools/herald-gen --rows "$rows" --seed 42 --dup-rate 0.05 \
    --invalid-rate 0.02 --out "$contacts" >/dev/null
fi
if [[ ! -d $state ]]; then
  cat > "$out/api-campaign.json" <<'JSON'
{"name": "api bench", "fromNumber": "19206596476", "scrubDuplicates": true,
 "message": "Hi ${firstName}, thank you for your gift of ${amount} to the Beaufort charity weekend. Reply STOP to opt out."}
JSON
  build/release/tools/herald run --quiet --campaign "$out/api-campaign.json" \
    --contacts "$contacts" --outbox /dev/null --state "$state"
fi
printf 'bench:bench\n' > "$out/api-users" && chmod 600 "$out/api-users"
auth="Authorization: Basic $(printf 'bench:bench' | base64)"

log=$out/api-serve.log
build/release/tools/herald serve --state "$state" --listen 127.0.0.1:0 \
  --credentials "$out/api-users" 2>"$log" &
serve=$!
trap 'kill $serve 2>/dev/null; kill $static 2>/dev/null || true' EXIT
for _ in $(seq 500); do grep -q 'http://' "$log" && break; sleep 0.02; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
base=http://127.0.0.1:$port

# The server builds the store's query indexes (engine/store/query_indexes.h)
# in the background once it has opened a broadcast that is done: the
# figures are of a store that has them, and the build's time is reported.
python3 - "$state/broadcasts/1/broadcast.db" <<'PY'
import sqlite3, sys, time
start = time.time()
for _ in range(6000):
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    n = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                   "name IN ('texts_state', 'texts_to_number', 'texts_modified')").fetchone()[0]
    db.close()
    if n == 3:
        print(f"query indexes built {time.time() - start:.1f} s after the server started")
        sys.exit(0)
    time.sleep(0.1)
sys.exit("api.sh: the server built no query indexes in 600 s")
PY

one="/v2/texts/10010000005000"
filtered="/v2/texts?campaignId=1&states=DUP&limit=100&offset=1000"
curl -sf -H "$auth" "$base$one" >"$out/api-one.json"
curl -sf -H "$auth" "$base$filtered" >"$out/api-page.json"

# wrk's summary: requests/s, p50, p99, and CPU of the server (user+sys s).
run() {  # NAME URL PID
  local before after
  before=$(awk '{print $14 + $15}' "/proc/$3/stat")
  wrk -t2 -c16 -d"${seconds}s" --latency -H "$auth" "$2" >"$out/api-wrk-$1.txt"
  after=$(awk '{print $14 + $15}' "/proc/$3/stat")
  python3 bench/wrk_summary.py "$1" "$out/api-wrk-$1.txt" "$before" "$after" \
    "$(getconf CLK_TCK)"
}

echo "api.sh: $rows texts, wrk -t2 -c16 -d${seconds}s"
echo "answers: text $(wc -c <"$out/api-one.json") bytes, page $(wc -c <"$out/api-page.json") bytes"
run text "$base$one" "$serve"
run page "$base$filtered" "$serve"
for name in one page; do
  static_port_file=$out/api-static-port
  build/release/bench/http_static "$out/api-$name.json" >"$static_port_file" &
  static=$!
  for _ in $(seq 200); do [[ -s $static_port_file ]] && break; sleep 0.02; done
  run "static-$name" "http://127.0.0.1:$(cat "$static_port_file")/" "$static"
  kill $static; wait $static 2>/dev/null || true
done
