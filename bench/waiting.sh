#!/usr/bin/env bash
# Benchmark of rows waiting for their send window: what a waiting recipient
# costs in memory, and how fast waiting recipients are released.
#
#   bench/waiting.sh [ROWS]      default: 10000000 rows
#
# Uses the contact file of bench/e2e.sh (5% duplicates, 2% invalid; generated
# once into bench/out/). Two runs on a virtual clock, in the same session:
#   baseline  the campaign has no time rule: every row is sent in one pass;
#   waiting   the same campaign with a schedule that opens at 09:00 New York
#             time, started at 03:00: every sendable row waits, then the
#             09:00 pass releases them all at once.
# Memory per waiting recipient = (max RSS waiting - max RSS baseline) / rows
# waiting. The release rate is the rows of the 09:00 pass over its wall time,
# which covers re-reading the file, re-rendering each text and handing it to
# the transport. Both runs write the outbox to OUTBOX (default /dev/null, so
# the figure is herald's and not the disk's; set OUTBOX=bench/out/w.jsonl to
# include the writes).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
outbox=${OUTBOX:-/dev/null}

cmake --preset release >/dev/null
cmake --build --preset release --target herald herald-gen >/dev/null

out=bench/out
mkdir -p "$out"
contacts=$out/contacts-$rows.csv
if [[ ! -f $contacts ]]; then
  build/release/tools/herald-gen --rows "$rows" --seed 42 --dup-rate 0.05 \
    --invalid-rate 0.02 --out "$contacts" --quiet
fi
message='"message": "Hi ${firstName}, thank you for your gift of ${amount} to the Beaufort charity weekend. Reply STOP to opt out."'
cat > "$out/baseline.json" <<JSON
{"name": "baseline", "fromNumber": "19206596476", "scrubDuplicates": true,
 $message}
JSON
cat > "$out/waiting.json" <<JSON
{"name": "waiting", "fromNumber": "19206596476", "scrubDuplicates": true,
 $message, "resumeNextDay": true,
 "schedules": [{"startTimeOfDay": {"hour": 9, "minute": 0},
                "timeZone": "America/New_York"}]}
JSON

cat "$contacts" >/dev/null  # warm the page cache
for run in baseline waiting; do
  /usr/bin/time -f "%M" -o "$out/$run.rss" build/release/tools/herald run \
    --quiet --campaign "$out/$run.json" --contacts "$contacts" \
    --outbox "$outbox" --report "$out/$run-report.json" \
    --clock virtual --start 2026-11-23T03:00:00-05:00
done

python3 - "$out" "$rows" <<'PY'
import json, sys
out, rows = sys.argv[1], int(sys.argv[2])
base = json.load(open(f"{out}/baseline-report.json"))
wait = json.load(open(f"{out}/waiting-report.json"))
base_kb = int(open(f"{out}/baseline.rss").read())
wait_kb = int(open(f"{out}/waiting.rss").read())
first, release = wait["passes"][0], wait["passes"][-1]
waiting = first["waiting"]
assert wait["stats"]["sentCount"] == base["stats"]["sentCount"] == waiting, \
    "every sendable row must wait and then be sent"
print(f"rows                      {rows:,}")
print(f"baseline  max RSS         {base_kb / 1024:,.1f} MiB, one pass {base['passes'][0]['seconds']:.3f} s")
print(f"waiting   max RSS         {wait_kb / 1024:,.1f} MiB, {len(wait['passes'])} passes")
print(f"rows waiting              {waiting:,} after the 03:00 pass ({first['seconds']:.3f} s)")
print(f"memory per waiting row    {(wait_kb - base_kb) * 1024 / waiting:.1f} bytes")
print(f"release pass at {release['at']}: {release['rows']:,} rows sent in {release['seconds']:.3f} s")
print(f"release rate              {release['rows'] / release['seconds']:,.0f} recipients/s")
PY
