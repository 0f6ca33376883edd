#!/usr/bin/env bash
# Origin backed by land end to end with the real node and CLI: an inspector registers a plot,
# its season cap holds (a 10 mu plot at 700 kg/mu takes 5 t, then refuses 2.5 t), a harvest
# inside a pesticide's pre-harvest interval is refused, a regulator's ban refuses an
# application, and the sample network requires every harvest to name its plot.
# Usage: origin_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: origin_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/it_lib.sh"

"$BIN/agritrace-node" init --dir "$NET" --grpc-addr "$AGRITRACE_NODE" --scrypt-n 1024 >/dev/null
start_node
GTIN=06901234567892

# plot_field PLOT KEY: a field of `plot show --json`.
plot_field() { cli --json plot show "$1" | json_field "[\"$2\"]"; }

# --- The sample network: plot-1 comes with genesis, and a harvest must name a plot.
[[ $(plot_field plot-1 cap) == 70000kg ]] || fail "plot-1 is not 100 mu x 700 kg/mu"
expect_reject UNKNOWN_PLOT cli --key farmer harvest 01/$GTIN/10/N1 --commodity rice --quantity 1kg
expect_reject UNKNOWN_PLOT cli --key farmer harvest 01/$GTIN/10/N1 --plot plot-404 \
  --commodity rice --quantity 1kg

# --- An inspector registers a 10 mu plot capped at 700 kg/mu: 7 t a season.
expect_reject NOT_AUTHORIZED cli --key farmer plot register plot-10 --owner farmer --area 10mu \
  --crop rice --max-yield 700kg/mu
cli --key inspector plot register plot-10 --owner farmer --area 10mu --crop rice \
  --max-yield 700kg/mu --polygon "45.1201,127.4501;45.1205,127.4501;45.1205,127.4507" \
  --location 45.1203,127.4504 >/dev/null
expect_reject PLOT_EXISTS cli --key inspector plot register plot-10 --owner farmer --area 1mu \
  --crop rice --max-yield 700kg/mu
[[ $(plot_field plot-10 cap) == 7000kg ]] || fail "plot-10 cap is not 7000kg"

cli --key farmer harvest 01/$GTIN/10/C1 --plot plot-10 --commodity rice --quantity 5t >/dev/null
err=$(cli --key farmer harvest 01/$GTIN/10/C2 --plot plot-10 --commodity rice --quantity 2.5t \
  2>&1 >/dev/null) && fail "2.5t more was accepted"
grep -q YIELD_EXCEEDED <<<"$err" || fail "expected YIELD_EXCEEDED: $err"
grep -q "7000kg" <<<"$err" && grep -q "5000kg is already harvested" <<<"$err" ||
  fail "YIELD_EXCEEDED does not name the cap and the harvested mass: $err"
echo "ok: YIELD_EXCEEDED: $err"
[[ $(plot_field plot-10 harvested) == 5000kg ]] || fail "plot show: harvested is not 5000kg"
[[ $(plot_field plot-10 remaining) == 2000kg ]] || fail "plot show: remaining is not 2000kg"
[[ $(cli --json lot 01/$GTIN/10/C1 | json_field '["plot"]') == plot-10 ]] ||
  fail "lot C1 does not name its plot"
expect_reject CROP_MISMATCH cli --key farmer harvest 01/$GTIN/10/C3 --plot plot-10 \
  --commodity wheat --quantity 1t
cli --key farmer harvest 01/$GTIN/10/C4 --plot plot-10 --commodity rice --quantity 2t >/dev/null
echo "ok: the plot took exactly its cap"

# --- A pesticide applied 3 days ago with a 14-day interval: no harvest yet.
APPLIED=$(date -u -d '3 days ago' +%Y-%m-%dT%H:%M:%SZ)
cli --key farmer input plot-1 --product "Coragen 20% SC" --active-ingredient chlorantraniliprole \
  --phi-days 14 --rate "10 ml/mu" --at "$APPLIED" >/dev/null
err=$(cli --key farmer harvest 01/$GTIN/10/D1 --plot plot-1 --commodity rice --quantity 1t \
  2>&1 >/dev/null) && fail "a harvest inside the interval was accepted"
grep -q PHI_NOT_ELAPSED <<<"$err" && grep -q "Coragen 20% SC" <<<"$err" ||
  fail "expected PHI_NOT_ELAPSED naming the product: $err"
FIRST=$(date -d "$APPLIED +14 days" +%Y-%m-%d)
FIRST_LOCAL=$(TZ=Asia/Shanghai date -d "$APPLIED +14 days" +%Y-%m-%d)
grep -q -e "$FIRST" -e "$FIRST_LOCAL" <<<"$err" || fail "PHI_NOT_ELAPSED does not name $FIRST: $err"
echo "ok: PHI_NOT_ELAPSED: $err"
# A harvest dated before the application is fine.
cli --key farmer harvest 01/$GTIN/10/D2 --plot plot-1 --commodity rice --quantity 1t \
  --at "$(date -u -d '4 days ago' +%Y-%m-%dT%H:%M:%SZ)" >/dev/null

# --- A regulator bans an ingredient for rice; applying it is refused.
expect_reject NOT_AUTHORIZED cli --key inspector ban-ingredient --crop rice \
  --active-ingredient carbofuran --reason "MARA announcement 199"
cli --key regulator ban-ingredient --crop rice --active-ingredient carbofuran \
  --reason "MARA announcement 199" >/dev/null
expect_reject INGREDIENT_BANNED cli --key farmer input plot-1 --product "Furadan 3G" \
  --active-ingredient Carbofuran --phi-days 30

# --- Claims with tonnage: 600 kg from an organic-certified plot, 400 kg from an uncertified one,
# packed together: the bags carry a 60% organic claim.
cli --key inspector plot register plot-org --owner farmer --area 5mu --crop rice \
  --max-yield 700kg/mu >/dev/null
cli --key inspector certify plot-org --standard "GB/T 19630 organic" --claim organic \
  --tonnage 1t --valid-until "$(date -u -d '+1 year' +%Y-%m-%d)" --certificate-id ORG-2026-0042 \
  >/dev/null
cli --key farmer harvest 01/$GTIN/10/O1 --plot plot-org --commodity rice --quantity 600kg >/dev/null
err=$(cli --key farmer harvest 01/$GTIN/10/O2 --plot plot-org --commodity rice --quantity 500kg \
  2>&1 >/dev/null) && fail "a harvest beyond the certificate's tonnage was accepted"
grep -q CLAIM_EXCEEDED <<<"$err" && grep -q ORG-2026-0042 <<<"$err" ||
  fail "expected CLAIM_EXCEEDED naming the certificate: $err"
echo "ok: CLAIM_EXCEEDED: $err"
cli --key farmer harvest 01/$GTIN/10/U1 --plot plot-1 --commodity rice --quantity 400kg \
  --at "$(date -u -d '4 days ago' +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
cli --key farmer ship 01/$GTIN/10/O1 --to packer >/dev/null
cli --key farmer ship 01/$GTIN/10/U1 --to packer >/dev/null
cli --key packer receive 01/$GTIN/10/O1 >/dev/null
cli --key packer receive 01/$GTIN/10/U1 >/dev/null
BAGS=01/06901234567809/10/OB1
cli --key packer pack --from 01/$GTIN/10/O1:600kg --from 01/$GTIN/10/U1:400kg \
  --to $BAGS:200pcs --net-mass 5kg >/dev/null
cli --json lot $BAGS | python3 -c '
import json, sys
lot = json.load(sys.stdin)
claims = [c for c in lot["claims"] if c["claim"] == "organic"]
assert len(claims) == 1, lot["claims"]
c = claims[0]
assert c["share_text"] == "60%" and c["claimed"] == "600kg", c
assert c["certificate_id"] == "ORG-2026-0042" and c["plots"] == ["plot-org"], c
' || fail "the bags do not carry a 60% organic claim: $(cli --json lot $BAGS)"
echo "ok: a pack of 60% certified rice carries a 60% claim"

# --- The compliance certificate: on chain, an SVG slip and the same slip as a PNG for printing
# (its QR code holds the lot's URI).
# png_size FILE: "WIDTH HEIGHT DPI" from the PNG's IHDR and pHYs chunks.
png_size() {
  python3 -c '
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
at = data.find(b"pHYs")
dpi = round(struct.unpack(">I", data[at + 4:at + 8])[0] * 0.0254) if at > 0 else 0
print(w, h, dpi)' "$1"
}
expect_reject NOT_AUTHORIZED cli --key farmer compliance-cert $BAGS --basis self-commitment \
  --svg "$WORK/x.svg"
cli --key packer compliance-cert $BAGS --basis self-test --svg "$WORK/x.svg" 2>/dev/null &&
  fail "a self-test basis without its report was accepted"
cli --key packer compliance-cert $BAGS --basis self-commitment --base-url https://trace.example.com \
  --svg "$WORK/cert.svg" --png "$WORK/cert.png" >/dev/null
URI=https://trace.example.com/01/06901234567809/10/OB1
[[ $(zbarimg --quiet --raw "$WORK/cert.png" 2>/dev/null) == "$URI" ]] || fail "the slip's QR code is not $URI"
# 80 mm at 203 dpi (label printers) is 640 dots wide; the slip is longer than it is wide.
read -r width height dpi < <(png_size "$WORK/cert.png")
[[ $width == 640 && $height -gt 1000 && $dpi == 203 ]] ||
  fail "the slip's PNG is ${width}x${height} at $dpi dpi, not the 80 mm slip at 203 dpi"
expect_reject MALFORMED cli --key packer compliance-cert $BAGS --basis self-commitment \
  --svg "$WORK/x.svg" --png "$WORK/x.png" --dpi 50
# A6 (105 x 148 mm) at 300 dpi: 1241 x 1749 dots.
cli --key packer compliance-cert $BAGS --basis self-commitment --base-url https://trace.example.com \
  --size a6 --svg "$WORK/cert-a6.svg" --png "$WORK/cert-a6.png" >/dev/null
read -r width height dpi < <(png_size "$WORK/cert-a6.png")
[[ $width == 1241 && $height == 1749 && $dpi == 300 ]] ||
  fail "the A6 slip's PNG is ${width}x${height} at $dpi dpi, not A6 at 300 dpi"
[[ $(zbarimg --quiet --raw "$WORK/cert-a6.png" 2>/dev/null) == "$URI" ]] ||
  fail "the A6 slip's QR code is not $URI"
for text in 承诺达标合格证 "$BAGS" "Golden Grain Mill" "+86 451 5555 0102" "organic 60%" \
  "☑ 自我承诺"; do
  grep -q -- "$text" "$WORK/cert.svg" || fail "the slip lacks $text"
done
[[ $(cli --json lot $BAGS | json_field '["compliance_cert"]["basis"]') == self-commitment ]] ||
  fail "the lot does not show its compliance certificate"
echo "ok: compliance certificate recorded, slip written as SVG and as PNG (80 mm, A6)"

# --- Transfer and retirement.
expect_reject NOT_AUTHORIZED cli --key packer plot transfer plot-10 --to farmer
expect_reject NOT_AUTHORIZED cli --key inspector plot transfer plot-10 --to packer
cli --key inspector plot retire plot-10 --reason "re-surveyed as plot-11" >/dev/null
expect_reject PLOT_RETIRED cli --key farmer harvest 01/$GTIN/10/C5 --plot plot-10 \
  --commodity rice --quantity 1kg
[[ $(plot_field plot-10 retired) == True ]] || fail "plot-10 does not show as retired"
cli plot show plot-1 | grep -q "Coragen 20% SC" || fail "plot show does not list the application"
echo "ok: origin end to end"
