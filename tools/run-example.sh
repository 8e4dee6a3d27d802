#!/usr/bin/env bash
# Installs what is missing, builds herald, and sends the bundled Beaufort
# charity broadcast to the outbox under build/example/.
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
  --outbox "$out/outbox.jsonl" \
  --outcomes "$out/outcomes.jsonl" \
  --report "$out/report.json"
echo "outcomes: $out/outcomes.jsonl  report: $out/report.json"
