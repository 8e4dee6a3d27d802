#!/usr/bin/env bash
# Installs what is missing, builds herald and runs every test.
#   tools/test.sh          release build
#   tools/test.sh asan     AddressSanitizer + UndefinedBehaviorSanitizer build
#   tools/test.sh tsan     ThreadSanitizer build
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}

tools/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j "$(nproc)"
