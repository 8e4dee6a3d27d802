#!/usr/bin/env bash
# Installs what is missing, builds herald and runs the tests.
#   tools/test.sh                 release build, every test
#   tools/test.sh asan            AddressSanitizer + UndefinedBehaviorSanitizer
#   tools/test.sh tsan [REGEX]    ThreadSanitizer, the tests matching REGEX
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
filter=${2:-}

tools/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j "$(nproc)" ${filter:+-R "$filter"}
