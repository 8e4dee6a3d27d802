#!/usr/bin/env bash
# Dispatch throughput over loopback: `herald run` through the callfire
# transport into herald-mock-provider, against what `wrk` gets from the same
# mock in the same run.
#
#   bench/dispatch.sh [BATCH_ROWS] [SINGLE_ROWS] [STORE_ROWS]
#                                       defaults: 1000000 200000 1000000
#
# Two cases, each herald then wrk on one fresh mock (one server thread, no
# message log, so both measure the same server):
#   batch   100 recipients per POST /texts: messages/s
#   single  one recipient per POST /texts: requests/s
# and the cost of the store: the batch case without and with --state, twice
# each, alternating, every run on a fresh mock.
# herald's figure is for the whole run (reading and rendering the CSV
# included); the mock's /stats must show every message accepted once.
set -euo pipefail
cd "$(dirname "$0")/.."
batch_rows=${1:-1000000}
single_rows=${2:-200000}
store_rows=${3:-1000000}
wrk_seconds=${WRK_SECONDS:-10}

command -v wrk >/dev/null || { echo "dispatch.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
cmake --preset release >/dev/null
cmake --build --preset release --target herald herald-gen herald-mock-provider >/dev/null

out=bench/out/dispatch
mkdir -p "$out"
export MOCK_PASSWORD=bench-secret
export BENCH_PROVIDER_PASSWORD=$MOCK_PASSWORD
auth=$(printf 'herald:%s' "$MOCK_PASSWORD" | base64)

cat > "$out/campaign.json" <<'JSON'
{"name": "bench", "fromNumber": "19206596476",
 "message": "Hi ${firstName}, thank you for your gift of ${amount} to the Beaufort charity weekend."}
JSON

seconds() { python3 -c 'import time; print(f"{time.time():.6f}")'; }

mock_pid=
stop_mock() { [[ -n $mock_pid ]] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null; mock_pid=; }
trap stop_mock EXIT

# Starts a fresh mock; sets $port.
start_mock() {
  build/release/tools/herald-mock-provider --port 0 --user herald \
    --threads 1 --max-seconds 900 >"$out/mock.out" 2>"$out/mock.err" &
  mock_pid=$!
  for _ in $(seq 100); do
    grep -q listening "$out/mock.out" 2>/dev/null && break
    sleep 0.05
  done
  port=$(sed -n 's/^listening on 127.0.0.1://p' "$out/mock.out")
  [[ -n $port ]] || { echo "dispatch.sh: the mock did not start" >&2; exit 1; }
}

stat_of() { curl -s "http://127.0.0.1:$port/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

# make_contacts ROWS: the contacts file of ROWS distinct valid numbers.
make_contacts() {
  local contacts=$out/contacts-$1.csv
  [[ -f $contacts ]] || build/release/tools/herald-gen --quiet --rows "$1" \
    --seed 7 --dup-rate 0 --invalid-rate 0 --out "$contacts"
  cat "$contacts" >/dev/null
}

# write_providers BATCH MAX_ACTIVE: the providers file for the running mock.
write_providers() {
  cat > "$out/providers.json" <<JSON
{"providers":[{"name":"mock","type":"callfire","url":"http://127.0.0.1:$port",
  "username":"herald","passwordEnv":"BENCH_PROVIDER_PASSWORD",
  "batchSize":$1,"maxActive":$2}]}
JSON
}

# run_herald CONTACTS NAME [herald flags...]: one quiet run into the mock.
run_herald() {
  local contacts=$1 name=$2
  shift 2
  build/release/tools/herald run --quiet --campaign "$out/campaign.json" \
    --contacts "$contacts" --providers "$out/providers.json" --provider mock \
    --report "$out/report-$name.json" "$@"
}

# One recipient object of a CallFire body.
recipient='{"phoneNumber":"12135550100","message":"Hi Ann, thank you for your gift of $25 to the Beaufort charity weekend.","fromNumber":"19206596476"}'

# run_case NAME ROWS BATCH MAX_ACTIVE WRK_CONNECTIONS
run_case() {
  local name=$1 rows=$2 batch=$3 max_active=$4 connections=$5
  local contacts=$out/contacts-$rows.csv
  make_contacts "$rows"
  start_mock
  write_providers "$batch" "$max_active"
  local t0 t1
  t0=$(seconds)
  run_herald "$contacts" "$name"
  t1=$(seconds)
  local accepted duplicates requests
  accepted=$(stat_of messagesAccepted)
  duplicates=$(stat_of duplicates)
  requests=$(stat_of textsRequests)

  # wrk against the same mock: the same body shape and size per request.
  local body="[$recipient"
  for ((i = 1; i < batch; i++)); do body+=",$recipient"; done
  body+="]"
  cat > "$out/wrk-$name.lua" <<LUA
wrk.method = "POST"
wrk.path = "/texts"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic $auth"
wrk.body = [==[$body]==]
LUA
  wrk -t1 -c"$connections" -d"${wrk_seconds}s" -s "$out/wrk-$name.lua" \
    "http://127.0.0.1:$port" >"$out/wrk-$name.txt"
  stop_mock

  python3 - "$name" "$rows" "$batch" "$t0" "$t1" "$accepted" "$duplicates" \
    "$requests" "$out/wrk-$name.txt" "$out/report-$name.json" <<'PY'
import json, re, sys
name, rows, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0, t1 = float(sys.argv[4]), float(sys.argv[5])
accepted, duplicates, requests = map(int, sys.argv[6:9])
wrk_rps = float(re.search(r"Requests/sec:\s+([\d.]+)", open(sys.argv[9]).read()).group(1))
sent = json.load(open(sys.argv[10]))["stats"]["sentCount"]
seconds = t1 - t0
herald_rps = requests / seconds
print(f"{name}: {rows:,} recipients, {batch} per request")
print(f"  herald run      {seconds:.3f} s: {sent / seconds:,.0f} messages/s, {herald_rps:,.0f} requests/s")
print(f"  wrk             {wrk_rps:,.0f} requests/s = {wrk_rps * batch:,.0f} messages/s")
print(f"  herald / wrk    {herald_rps / wrk_rps:.0%}")
ok = sent == rows and accepted == rows and duplicates == 0
print(f"  mock accepted {accepted:,} once each ({duplicates} repeats), herald sent {sent:,}: {'OK' if ok else 'MISMATCH'}")
sys.exit(0 if ok else 1)
PY
}

# store_case ROWS: the batch case without and with the store.
store_case() {
  local rows=$1 contacts=$out/contacts-$1.csv
  make_contacts "$rows"
  local off=() on=()
  for round in 1 2; do
    for mode in off on; do
      start_mock
      write_providers 100 8
      rm -rf "$out/state"
      local flags=() t0 t1
      [[ $mode == on ]] && flags=(--state "$out/state")
      t0=$(seconds)
      run_herald "$contacts" "store-$mode" "${flags[@]}"
      t1=$(seconds)
      [[ $(stat_of messagesAccepted) == "$rows" ]] || { echo "store_case: mock accepted $(stat_of messagesAccepted) of $rows" >&2; exit 1; }
      stop_mock
      local rate
      rate=$(python3 -c "print($rows / ($t1 - $t0))")
      if [[ $mode == on ]]; then on+=("$rate"); else off+=("$rate"); fi
    done
  done
  local recorded
  recorded=$(sqlite3 "$out/state/broadcasts/1/broadcast.db" "SELECT count(*) FROM texts WHERE result = 'SENT'")
  python3 - "$rows" "$recorded" "${off[@]}" "${on[@]}" <<'PY'
import sys
rows, recorded = int(sys.argv[1]), int(sys.argv[2])
off, on = list(map(float, sys.argv[3:5])), list(map(float, sys.argv[5:7]))
best_off, best_on = max(off), max(on)
print(f"store: {rows:,} recipients, 100 per request, best of two runs each")
print(f"  store off       {best_off:,.0f} messages/s  (runs: {', '.join(f'{r:,.0f}' for r in off)})")
print(f"  store on        {best_on:,.0f} messages/s  (runs: {', '.join(f'{r:,.0f}' for r in on)})")
print(f"  cost            {1 - best_on / best_off:.1%} of throughput; {recorded:,} SENT rows in the store")
sys.exit(0 if recorded == rows else 1)
PY
}

run_case batch "$batch_rows" 100 8 8
run_case single "$single_rows" 1 64 64
store_case "$store_rows"
