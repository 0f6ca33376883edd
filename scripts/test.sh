#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test through ctest.
# Usage: scripts/test.sh [--sanitize]   (--sanitize: ASan + UBSan build in build-sanitize/)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh "$@"
BUILD_DIR=build
[[ "${1:-}" == "--sanitize" ]] && BUILD_DIR=build-sanitize
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)"
