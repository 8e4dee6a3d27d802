#!/usr/bin/env bash
# End-to-end benchmark of `herald run` to the outbox, against `wc -l` on the
# same file as the physical reference.
#
#   bench/e2e.sh [ROWS] [DNC_SIZE]      defaults: 10000000 rows, 1000000 DNC numbers
#
# Generates (once, cached in bench/out/) a contact CSV with 5% duplicates and
# 2% invalid numbers and a DNC list, runs herald with the file warm in the page
# cache, and checks the report against the generator's exact counts.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
dnc_size=${2:-1000000}

cmake --preset release >/dev/null
cmake --build --preset release --target herald herald-gen >/dev/null

out=bench/out
mkdir -p "$out"
contacts=$out/contacts-$rows.csv
dnc=$out/dnc-$rows-$dnc_size.txt
truth=$out/truth-$rows-$dnc_size.json
if [[ ! -f $truth ]]; then
  build/release/tools/herald-gen --rows "$rows" --seed 42 --dup-rate 0.05 \
    --invalid-rate 0.02 --out "$contacts" --dnc-out "$dnc" \
    --dnc-size "$dnc_size" --dnc-hit-rate 0.01 --truth "$truth"
fi
cat > "$out/campaign.json" <<'JSON'
{"name": "bench", "fromNumber": "19206596476", "scrubDuplicates": true,
 "message": "Hi ${firstName}, thank you for your gift of ${amount} to the Beaufort charity weekend. Reply STOP to opt out."}
JSON

seconds() { python3 -c 'import sys,time; print(f"{time.time():.6f}")'; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }

cat "$contacts" >/dev/null  # warm the page cache for both runs
t0=$(seconds); lines=$(wc -l <"$contacts"); t1=$(seconds)
wc_s=$(elapsed "$t0" "$t1")

t0=$(seconds)
build/release/tools/herald run --quiet --campaign "$out/campaign.json" \
  --contacts "$contacts" --dnc "$dnc" --outbox "$out/outbox.jsonl" \
  --report "$out/report.json"
t1=$(seconds)
herald_s=$(elapsed "$t0" "$t1")

python3 - "$out/report.json" "$truth" "$rows" "$herald_s" "$wc_s" "$lines" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
truth = json.load(open(sys.argv[2]))
rows, herald_s, wc_s, lines = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
s = report["stats"]
checks = {"sentCount": truth["sendable"], "dupCount": truth["dup"],
          "invalidCount": truth["invalid"], "doNotTextCount": truth["dnc"],
          "totalCount": truth["rows"]}
bad = {k: (s[k], v) for k, v in checks.items() if s[k] != v}
print(f"rows                 {rows:,} ({lines:,} lines)")
print(f"wc -l                {wc_s:.3f} s")
print(f"herald run           {herald_s:.3f} s wall, {report['elapsedSeconds']:.3f} s in the run")
print(f"recipients/s         {rows / herald_s:,.0f}")
print(f"herald / wc -l       {herald_s / wc_s:.1f}x")
print(f"max resident memory  {report['maxResidentBytes'] / 2**20:,.0f} MiB")
print(f"sent {s['sentCount']:,}  dup {s['dupCount']:,}  invalid {s['invalidCount']:,}  dnc {s['doNotTextCount']:,}")
print("counts match the generator's truth" if not bad else f"MISMATCH {bad}")
sys.exit(1 if bad else 0)
PY
