#!/usr/bin/env bash
# Installs what is missing, builds herald, and sends the bundled Beaufort
# charity broadcast to the outbox under build/example/. The broadcast is
# scheduled for weekends in October and November 2026; a virtual clock starts
# it on its first Saturday at 06:00 in New York and skips the hours until each
# recipient's window opens, so the run takes a moment whatever today's date.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target herald

out=build/example
mkdir -p "$out"
build/release/tools/herald run \
  --campaign examples/beaufort/campaign.json \
  --contacts examples/beaufort/contacts.csv \
  --dnc examples/beaufort/dnc.csv \
  --clock virtual --start 2026-10-24T06:00:00-04:00 \
  --outbox "$out/outbox.jsonl" \
  --outcomes "$out/outcomes.jsonl" \
  --report "$out/report.json"
echo "outcomes: $out/outcomes.jsonl  report: $out/report.json"
