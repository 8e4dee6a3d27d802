#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz, clang-14, ASan + UBSan) in
# build/fuzz and runs each for an equal share of SECONDS.
#   tools/fuzz.sh SECONDS
#   HERALD_FUZZ_SKIP="csv writers" tools/fuzz.sh 60    skips those harnesses
# Each harness starts from a scratch copy of tests/fuzz/corpus/NAME (the
# repository's seeds are never written to); what it finds (crash-*, leak-*,
# timeout-*, oom-*) is kept in build/fuzz/findings/NAME/ with its log.
# Reproduce one: build/fuzz/tests/fuzz/NAME_fuzzer FILE. Exits 1 when any
# harness found something.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -ne 1 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: tools/fuzz.sh SECONDS" >&2
  exit 2
fi
total=$1
build=build/fuzz

tools/install-deps.sh
start=$(date +%s)
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_FUZZ=ON \
  -DHERALD_BUILD_TESTS=OFF -DHERALD_BUILD_BENCH=OFF >/dev/null
# Only the harnesses and the libraries they link, not the CLI and tools.
cmake --build "$build" --target herald_fuzzers
echo "fuzz: build took $(($(date +%s) - start)) s"

names=()
for name in $(cat "$build/tests/fuzz/fuzzers.txt"); do
  if [[ " ${HERALD_FUZZ_SKIP:-} " == *" $name "* ]]; then
    echo "fuzz: skipping $name (HERALD_FUZZ_SKIP)"
  else
    names+=("$name")
  fi
done
if ((${#names[@]} == 0)); then
  echo "fuzz: every harness skipped" >&2
  exit 0
fi
per=$((total / ${#names[@]}))
((per >= 1)) || per=1

scratch=$(mktemp -d "${TMPDIR:-/tmp}/herald-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# Symbolized stacks in the reports; LeakSanitizer's findings count too.
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/bin/llvm-symbolizer-14}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

failed=()
printf '%-18s %12s  %s\n' harness executions result
for name in "${names[@]}"; do
  findings=$build/findings/$name
  rm -rf "$findings"
  mkdir -p "$findings" "$scratch/$name"
  cp -R "tests/fuzz/corpus/$name/." "$scratch/$name/"
  rc=0
  "$build/tests/fuzz/${name}_fuzzer" -max_total_time="$per" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$scratch/$name" >"$findings/log" 2>&1 ||
    rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$findings/log")
  found=$(find "$findings" -type f ! -name log -printf '%f ')
  if [[ -n $found ]]; then
    result="FOUND: $found(see $findings/log)"
    failed+=("$name")
  elif ((rc != 0)); then
    result="FAILED with status $rc (see $findings/log)"
    failed+=("$name")
  else
    result="ok"
    rm -rf "$findings"
  fi
  printf '%-18s %12s  %s\n' "$name" "${runs:-?}" "$result"
done

if ((${#failed[@]} > 0)); then
  echo "fuzz: findings in: ${failed[*]}" >&2
  exit 1
fi
