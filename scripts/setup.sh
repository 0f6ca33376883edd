#!/usr/bin/env bash
# Installs every Debian package AgriTrace needs (quiet when already installed), then configures
# and builds into build/. Usage: scripts/setup.sh [--sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libsecp256k1-dev librocksdb-dev libssl-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libspdlog-dev libtomlplusplus-dev
  libcpp-httplib-dev libqrencode-dev libpng-dev  # httplib: the CLI's `agritrace verify URL`
  librsvg2-dev fonts-wqy-zenhei  # the compliance slip's PNG: its SVG rendered in-process, CJK text
  libboost-dev  # Boost.Beast on Boost.Asio (header-only): the HTTP gateway's event-driven server
  zlib1g-dev libbrotli-dev  # the gateway compresses its answers (gzip, Brotli)
  python3 procps
  python3-jsonschema  # EPCIS 2.0 schema validation in tests/integration/events_test.sh
  nodejs  # runs GS1's epcis2.js event hash (tests/vendor) to recheck exported eventIDs
  clang libclang-rt-14-dev  # scripts/fuzz.sh: clang 14 with its libFuzzer, ASan and UBSan runtimes
  curl chromium zbar-tools
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_DIR=build
CMAKE_ARGS=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
if [[ "${1:-}" == "--sanitize" ]]; then
  BUILD_DIR=build-sanitize
  CMAKE_ARGS=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAGRITRACE_SANITIZE=ON)
fi
cmake -S . -B "$BUILD_DIR" "${CMAKE_ARGS[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
