#!/usr/bin/env bash
# QR round trip: `agritrace qr` writes a PNG that a real decoder (zbarimg, Debian zbar-tools)
# reads back as the exact GS1 Digital Link URI; the SVG is well-formed and the terminal
# drawing uses half blocks. No node needed.
# Usage: qr_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: qr_test.sh BIN_DIR}
WORK=$(mktemp -d /tmp/agritrace-qr.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v zbarimg >/dev/null || fail "zbarimg missing (apt-get install zbar-tools)"

roundtrip() {  # roundtrip EXPECTED-URI agritrace-qr-args...
  local want=$1; shift
  "$BIN/agritrace" qr "$@" --png "$WORK/code.png" --svg "$WORK/code.svg" >"$WORK/out.txt"
  grep -qxF "$want" "$WORK/out.txt" || fail "qr printed $(cat "$WORK/out.txt"), want $want"
  local got
  got=$(zbarimg --raw -q "$WORK/code.png" 2>/dev/null) || fail "zbarimg could not decode the PNG for $want"
  [[ $got == "$want" ]] || fail "decoded '$got', want '$want'"
  python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" "$WORK/code.svg" ||
    fail "the SVG is not well-formed"
  echo "ok: $want"
}
roundtrip https://trace.example.com/01/06901234567809/10/R1 \
  01/06901234567809/10/R1 --base-url https://trace.example.com/
roundtrip http://127.0.0.1:7480/01/06901234567809/10/R1/21/SN0001 \
  01/06901234567809/10/R1 --serial SN0001 --base-url http://127.0.0.1:7480
# A GTIN-13 is padded to 14 digits; characters outside the URI's unreserved set are escaped.
roundtrip 'https://t.example/01/06901234567892/10/LOT%2B7' 01/6901234567892/10/LOT+7 \
  --base-url https://t.example
# A '/' in a lot code is percent-encoded, so the URI names the lot and not a further segment;
# the key text form takes the '/' as typed, a URI takes it as %2F.
roundtrip 'https://t.example/01/06901234567892/10/B%2F7' 01/06901234567892/10/B/7 \
  --base-url https://t.example
roundtrip 'https://t.example/01/06901234567892/10/B%2F7' 'https://x.example/shop/01/06901234567892/10/B%2F7?17=261231' \
  --base-url https://t.example

# Without a file: drawn in the terminal with half blocks, quiet zone included.
term=$("$BIN/agritrace" qr 01/06901234567809/10/R1 --base-url https://trace.example.com)
grep -q '▀\|▄' <<<"$term" || fail "no half blocks in the terminal drawing"
first=$(head -1 <<<"$term")
[[ $first =~ ^█+$ ]] || fail "the first line should be quiet zone (all light): '$first'"

# A bad lot key is refused with its reason.
if err=$("$BIN/agritrace" qr 01/06901234567808/10/R1 2>&1); then fail "bad check digit accepted"; fi
grep -q BAD_GS1_KEY <<<"$err" || fail "bad key error: $err"
echo "qr test passed"
