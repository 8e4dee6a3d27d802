#!/usr/bin/env bash
# Installs a built herald into a temporary prefix, builds examples/embed
# against it as a separate project would (find_package(herald)) and runs it:
# this checks the CMake package, the installed headers and the engine.
#   tools/example-embed.sh [BUILD_DIR]    (default build/release, built)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}

prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
# A fresh build dir: the cache would keep herald_DIR from the last prefix.
rm -rf build/embed
cmake -S examples/embed -B build/embed -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build build/embed
build/embed/herald_embed
