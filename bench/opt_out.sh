#!/usr/bin/env bash
# How soon an inbound STOP is in force for texts already queued: `herald
# serve` runs a broadcast of ROWS texts through the kannel transport into
# herald-mock-provider at 200 segments/s (so nearly all of them wait in the
# hub's queue or the files), and STOPS texts come in, two at a time, on
# /callbacks/k1/inbound as Kannel's sms-service get-url passes them, each
# from a recipient still to be sent. For each STOP: the time from the
# request leaving to its answer (the number is blocked before the write of
# the opt-out begins, so it is in force at the latest by the answer). The
# baseline, the same server and route in the same run: calls refused for a
# wrong secret. Then the broadcast is stopped and the mock's log checked: no
# number got a text after its STOP was answered.
#
#   bench/opt_out.sh [ROWS] [STOPS]      defaults: 100000 rows, 2000 STOPs
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
stops=${2:-2000}

cmake --preset release >/dev/null
cmake --build --preset release --target herald herald-gen herald-mock-provider >/dev/null

out=$(pwd)/bench/out/opt_out
rm -rf "$out" && mkdir -p "$out"
contacts=$out/contacts.csv
build/release/tools/herald-gen --rows "$rows" --seed 5 --dup-rate 0 \
  --invalid-rate 0 --out "$contacts" >/dev/null 2>&1

mock_port=$((20000 + RANDOM % 20000))
serve_port=$((mock_port + 1))
mock=
serve=
trap '[[ -n $mock ]] && kill $mock 2>/dev/null; [[ -n $serve ]] && kill $serve 2>/dev/null; true' EXIT
build/release/tools/herald-mock-provider --port "$mock_port" \
  --log "$out/arrived.jsonl" --log-flush-ms 20 >"$out/mock.out" 2>"$out/mock.log" &
mock=$!
export BENCH_CALLBACK_SECRET=bench-callback-0123456789
cat > "$out/providers.json" <<JSON
{"providers": [{"name": "k1", "type": "kannel",
  "url": "http://127.0.0.1:$mock_port/cgi-bin/sendsms",
  "callbackSecretEnv": "BENCH_CALLBACK_SECRET",
  "segmentsPerSecond": 200, "burst": 20}]}
JSON
build/release/tools/herald serve --state "$out/state" \
  --listen "127.0.0.1:$serve_port" --providers "$out/providers.json" \
  --provider k1 2>"$out/serve.log" &
serve=$!
base=http://127.0.0.1:$serve_port
for _ in $(seq 200); do curl -sf "$base/v2/texts/broadcasts" >/dev/null && break; sleep 0.05; done

api() { curl -sf -H 'Content-Type: application/json' "$@"; }
list=$(curl -sf -F name=bench -F "file=@$contacts" "$base/v2/contacts/lists/upload" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
broadcast=$(api -d '{"name":"opt-out bench","fromNumber":"19206596476","message":"Hi ${firstName}"}' \
  "$base/v2/texts/broadcasts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api -d "{\"contactListId\":$list}" "$base/v2/texts/broadcasts/$broadcast/batches" >/dev/null
api -X POST "$base/v2/texts/broadcasts/$broadcast/start" >/dev/null
echo "opt_out.sh: broadcast $broadcast started at $(date +%T)"
sleep 2  # sending, at 200/s

python3 - "$contacts" "$serve_port" "$stops" "$out" <<'PY'
import csv, http.client, json, sys, threading, time, urllib.parse
contacts, port, stops, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with open(contacts) as f:
    numbers = [row[0] for row in csv.reader(f)][1:]
# From the end of the file: rows far behind what 200/s has sent so far.
targets = numbers[-stops:]

def run(secret, numbers, results):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    for number in numbers:
        query = urllib.parse.urlencode({"secret": secret, "from": number,
            "to": "19206596476", "text": "STOP", "coding": 0,
            "charset": "UTF-8", "time": int(time.time())})
        start = time.perf_counter()
        connection.request("GET", "/callbacks/k1/inbound?" + query)
        answer = connection.getresponse()
        answer.read()
        results.append((number, answer.status, time.perf_counter() - start, time.time()))

def measure(name, secret, numbers):
    halves, threads, results = [numbers[0::2], numbers[1::2]], [], []
    for half in halves:
        threads.append(threading.Thread(target=run, args=(secret, half, results)))
    began = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.perf_counter() - began
    latencies = sorted(r[2] for r in results)
    def pct(p): return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000
    statuses = sorted({r[1] for r in results})
    print(f"{name:8s} {len(results)} calls {len(results) / elapsed:8.0f}/s   "
          f"p50 {pct(50):7.3f} ms   p99 {pct(99):7.3f} ms   max {latencies[-1] * 1000:7.3f} ms   "
          f"statuses {statuses}")
    return results

measure("refused", "wrong-secret-0123456789", targets)
results = measure("stop", "bench-callback-0123456789", targets)
json.dump({r[0]: r[3] for r in results if r[1] == 200}, open(f"{out}/stopped.json", "w"))
PY

echo "opt_out.sh: stopping at $(date +%T)"
api -X POST "$base/v2/texts/broadcasts/$broadcast/stop" >/dev/null
echo "opt_out.sh: stopped at $(date +%T)"
sleep 1
python3 - "$out" <<'PY'
import datetime, json, sys
out = sys.argv[1]
stopped = json.load(open(f"{out}/stopped.json"))
late, sent = [], 0
for line in open(f"{out}/arrived.jsonl"):
    m = json.loads(line)
    sent += 1
    at = m["arrivedAt"]
    arrived = datetime.datetime.strptime(at.rstrip("Z")[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    answered = stopped.get(m["to"])
    if answered is not None and arrived > answered:
        late.append((m["to"], arrived - answered))
print(f"texts the mock took: {sent}; of the {len(stopped)} stopped numbers, "
      f"texted after their STOP was answered: {len(late)}")
sys.exit(1 if late else 0)
PY
