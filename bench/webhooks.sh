#!/usr/bin/env bash
# Every text's Finished event delivered to the mock provider's receiver
# (POST /hooks, signatures checked), two ways in the same run:
#   file  `herald run --state --webhook hook.json` (the webhook file: the
#         store's events, one notifier);
#   api   `herald serve --webhook-secret-file`, a contact list uploaded, a
#         webhook made with POST /v2/webhooks, the broadcast started over
#         the API (the feed: the stores' feed_events moved to account.db's
#         outbox, one lane).
# For each: seconds until the broadcast is done, seconds until the last event
# arrived, events/s delivered, and a check that every text came exactly once.
#
#   bench/webhooks.sh [ROWS]      default: 200000
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}

cmake --preset release >/dev/null
cmake --build --preset release --target herald herald-gen herald-mock-provider >/dev/null

out=$(pwd)/bench/out/webhooks
rm -rf "$out" && mkdir -p "$out"
contacts=$out/contacts.csv
build/release/tools/herald-gen --rows "$rows" --seed 7 --dup-rate 0.02 \
  --invalid-rate 0.01 --out "$contacts" >/dev/null 2>&1
printf 'bench:bench\n' > "$out/users" && chmod 600 "$out/users"
export BENCH_HOOK_SECRET=bench-hook-secret
printf '%s\n' "$BENCH_HOOK_SECRET" > "$out/hook.key" && chmod 600 "$out/hook.key"
cat > "$out/campaign.json" <<'JSON'
{"name": "bench", "fromNumber": "19206596476",
 "message": "Hi ${firstName}, thank you for your gift of ${amount}."}
JSON

mock_port=$((20000 + RANDOM % 20000))
serve_port=$((mock_port + 1))
mock=
serve=
trap '[[ -n $mock ]] && kill $mock 2>/dev/null; [[ -n $serve ]] && kill $serve 2>/dev/null; true' EXIT

now() { python3 -c 'import time; print(f"{time.time():.3f}")'; }

start_mock() {
  build/release/tools/herald-mock-provider --port "$mock_port" \
    --hook-secret-env BENCH_HOOK_SECRET >"$out/mock.out" 2>"$out/mock.log" &
  mock=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$mock_port/stats" >/dev/null && return
    sleep 0.1
  done
  echo "webhooks.sh: the mock did not start" >&2; exit 1
}

# Waits until the receiver has taken `rows` events (at most 10 minutes), then
# checks that each text came once and prints the time the last one came.
wait_events() {
  local deadline=$(( $(date +%s) + 600 )) accepted last=-1
  while (( $(date +%s) < deadline )); do
    accepted=$(curl -s "http://127.0.0.1:$mock_port/stats" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["hooksAccepted"])')
    if [[ $accepted == "$last" ]] && (( accepted * 100 >= rows )); then
      curl -s "http://127.0.0.1:$mock_port/hooks" > "$out/hooks.json"
      if python3 - "$out/hooks.json" "$rows" <<'PY'
import json, sys
requests = json.load(open(sys.argv[1]))
ids = [e["resource"]["id"] for r in requests if r["status"] == 200
       for e in json.loads(r["body"])["events"]]
sys.exit(0 if len(ids) == int(sys.argv[2]) else 1)
PY
      then now; return; fi
    fi
    last=$accepted
    sleep 0.2
  done
  echo "webhooks.sh: the events did not all arrive" >&2; exit 1
}

events_taken() {  # events the receiver accepted so far
  curl -s "http://127.0.0.1:$mock_port/hooks" | python3 -c '
import json, sys
print(sum(len(json.loads(r["body"])["events"]) for r in json.load(sys.stdin)
          if r["status"] == 200))'
}

check_once() {  # the events of hooks.json: every text once
  python3 - "$out/hooks.json" "$rows" <<'PY'
import json, sys
requests = json.load(open(sys.argv[1]))
ids = [e["resource"]["id"] for r in requests if r["status"] == 200
       for e in json.loads(r["body"])["events"]]
bad = sum(1 for r in requests if r["status"] != 200)
assert len(set(ids)) == len(ids) == int(sys.argv[2]), (len(ids), len(set(ids)))
print(f"{len(ids)} events in {len(requests)} requests, each text once, {bad} refused")
PY
}

report() {  # NAME T0 DONE LAST
  python3 -c "
rows = $rows
t0, done, last = $2, $3, $4
print(f'$1  broadcast done {done - t0:7.2f} s   last event {last - t0:7.2f} s   '
      f'{rows / (last - t0):9.0f} events/s (after done: {last - done:6.2f} s)')"
}

# The webhook file. `herald run` drains its events for 5 s after the run; what
# is left then goes at the next run of the same command, so the bench runs it
# until the receiver has every event (the later runs only deliver).
start_mock
cat > "$out/hook.json" <<JSON
{"url": "http://127.0.0.1:$mock_port/hooks", "id": 1, "name": "bench",
 "secretEnv": "BENCH_HOOK_SECRET", "maxDelayMs": 200}
JSON
run_file() {
  build/release/tools/herald run --quiet --campaign "$out/campaign.json" \
    --contacts "$contacts" --state "$out/file-state" --webhook "$out/hook.json" \
    --outbox "$out/outbox.jsonl" >/dev/null 2>>"$out/run.log" || true
}
t0=$(now)
run_file
done_file=$(now)
runs=1
until [[ $(events_taken) -ge $rows ]] || (( runs >= 50 )); do
  run_file
  runs=$((runs + 1))
done
last_file=$(wait_events)
check_once
file_line="$(report "file" "$t0" "$done_file" "$last_file")   ($runs runs of herald run)"
kill $mock; wait $mock 2>/dev/null || true; mock=

# Webhooks over the API.
start_mock
build/release/tools/herald serve --state "$out/api-state" \
  --listen "127.0.0.1:$serve_port" --credentials "$out/users" \
  --webhook-secret-file "$out/hook.key" 2>"$out/serve.log" &
serve=$!
for _ in $(seq 100); do
  curl -sf -u bench:bench "http://127.0.0.1:$serve_port/v2/webhooks" >/dev/null && break
  sleep 0.1
done
api() { curl -sf -u bench:bench -H 'Content-Type: application/json' "$@"; }
list=$(curl -sf -u bench:bench -F name=bench -F "file=@$contacts" \
  "http://127.0.0.1:$serve_port/v2/contacts/lists/upload" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api -X POST -d "{\"name\":\"bench\",\"resource\":\"OutboundText\",\"events\":[\"Finished\"],
  \"callback\":\"http://127.0.0.1:$mock_port/hooks\"}" \
  "http://127.0.0.1:$serve_port/v2/webhooks" >/dev/null
broadcast=$(api -X POST -d "$(python3 -c "import json; c=json.load(open('$out/campaign.json')); print(json.dumps(c))")" \
  "http://127.0.0.1:$serve_port/v2/texts/broadcasts" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api -X POST -d "{\"contactListId\":$list}" \
  "http://127.0.0.1:$serve_port/v2/texts/broadcasts/$broadcast/batches" >/dev/null
t0=$(now)
api -X POST "http://127.0.0.1:$serve_port/v2/texts/broadcasts/$broadcast/start" >/dev/null
while [[ $(api "http://127.0.0.1:$serve_port/v2/texts/broadcasts/$broadcast?fields=status") != *FINISHED* ]]; do
  sleep 0.05
done
done_api=$(now)
last_api=$(wait_events)
check_once
api_line=$(report "api " "$t0" "$done_api" "$last_api")

echo "rows $rows (herald-gen --seed 7: 2% duplicates, 1% invalid; every row's text is an event)"
echo "$file_line"
echo "$api_line"
