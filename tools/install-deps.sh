#!/usr/bin/env bash
# Installs every Debian 12 package herald needs to build, test and benchmark.
# Idempotent: packages already present are not fetched again, and apt's lists
# are refreshed only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ccache
  libboost-dev libboost-system-dev
  libcurl4-openssl-dev
  libconcurrentqueue-dev
  libabsl-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  libsqlite3-dev
  libssl-dev
  nlohmann-json3-dev
  libcli11-dev
  tzdata
  python3 openssl curl
  chromium
  kannel kannel-extras
  clang-14 libclang-rt-14-dev llvm-14
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
