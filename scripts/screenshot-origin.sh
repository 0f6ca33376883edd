#!/usr/bin/env bash
# Regenerates docs/origin-page-en.png and docs/origin-page-zh.png: a real node taken through
# the origin journey (tests/integration/consumer_lib.sh, run_origin_journey), its product page
# of the 60% organic bags rendered by headless Chromium in English and in Chinese.
# Needs chromium and a CJK font (apt-get install chromium fonts-wqy-zenhei).
# Usage: scripts/screenshot-origin.sh [BIN_DIR]   (default build/bin)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "${1:-$ROOT/build/bin}" && pwd)
source "$ROOT/tests/integration/consumer_lib.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser) || fail "chromium missing"
fc-list | grep -qi -e wqy -e noto.*cjk || fail "no CJK font (apt-get install fonts-wqy-zenhei)"

start_consumer_node
run_origin_journey
for lang in en zh; do
  accept=en-US; [[ $lang == zh ]] && accept=zh-CN
  profile=$(mktemp -d "$WORK/profile.XXXXXX")
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --disable-dev-shm-usage --user-data-dir="$profile" --accept-lang="$accept" \
    --virtual-time-budget=15000 --window-size=820,2200 \
    --screenshot="$ROOT/docs/origin-page-$lang.png" "$HTTP/$R9" 2>>"$WORK/chromium.log"
  echo "wrote docs/origin-page-$lang.png"
done
