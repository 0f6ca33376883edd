#!/usr/bin/env bash
# The product page in headless Chromium (Debian's chromium): loaded from a real node it shows
# the journey and verifies the bundle in the browser (data-verification="ok"); in Chinese from
# Accept-Language; and served through a proxy that tampers with the bundle in transit it
# reports data-verification="failed" and marks the altered event.
# A lot code with '/' (percent-encoded in its URI) verifies too.
# Usage: browser_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: browser_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/consumer_lib.sh"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[[ -n $CHROMIUM ]] || fail "chromium missing (apt-get install chromium)"

# dom URL [LANG]: the page's DOM once scripts ran (virtual time lets the fetch and checks finish).
dom() {
  local profile
  profile=$(mktemp -d "$WORK/profile.XXXXXX")
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$profile" --accept-lang="${2:-en-US}" \
    --virtual-time-budget=15000 --dump-dom "$1" 2>>"$WORK/chromium.log"
}
count() { grep -o "$1" <<<"$2" | wc -l; }

start_consumer_node
run_journey

page=$(dom "$HTTP/$R1")
grep -q 'data-verification="ok"' <<<"$page" ||
  fail "page did not verify: $(grep -o 'data-verification="[a-z]*"' <<<"$page") $(grep -o '<ul id="failures">.*</ul>' <<<"$page" | head -c 800)"
[[ $(count 'data-type="[a-z_]*" data-verified="true"' "$page") == 6 ]] || fail "want 6 verified events: $page"
for text in 'Harvested' 'Plot 7' 'Wuchang' '1000kg' 'Packed' 'Shipped' 'Received' 'rice · Wuchang'; do
  grep -qF "$text" <<<"$page" || fail "the journey does not show '$text'"
done
grep -qF 'farmer org' <<<"$page" || grep -qF '(farmer)' <<<"$page" || fail "organisation names not shown"
echo "ok: journey shown and verified in the browser"

# Partial custody: the retailer's bags verify, and the page shows the partial shipment and the
# part the packer rejected.
run_custody_journey
page=$(dom "$HTTP/$R2")
grep -q 'data-verification="ok"' <<<"$page" ||
  fail "custody page did not verify: $(grep -o '<ul id="failures">.*</ul>' <<<"$page" | head -c 800)"
for text in '600kg' '60pcs' 'Rejected, sent back' '20kg — bruised' '580kg'; do
  grep -qF "$text" <<<"$page" || fail "the custody journey does not show '$text'"
done
echo "ok: partial shipment and rejected part shown and verified in the browser"

# Origin: the harvest names its registered plot, and the packer's compliance certificate
# (承诺达标合格证) on the bags is a verified event of their journey, in both languages.
cli --key packer compliance-cert $R2 --basis self-commitment --svg "$WORK/r2-cert.svg" >/dev/null
page=$(dom "$HTTP/$R2")
grep -q 'data-verification="ok"' <<<"$page" ||
  fail "page with a compliance certificate did not verify: $(grep -o '<ul id="failures">.*</ul>' <<<"$page" | head -c 800)"
grep -q 'data-type="compliance_cert" data-verified="true"' <<<"$page" ||
  fail "the compliance certificate is not a verified event"
for text in 'Compliance certificate' 'self commitment' 'Registered plot' 'plot-1'; do
  grep -qF "$text" <<<"$page" || fail "the origin part does not show '$text'"
done
page=$(dom "$HTTP/$R2" zh-CN)
grep -qF '承诺达标合格证' <<<"$page" && grep -qF '登记地块' <<<"$page" ||
  fail "the Chinese page does not show the compliance certificate and the plot"
echo "ok: registered plot and compliance certificate shown and verified in the browser"

page=$(dom "$HTTP/$R1" zh-CN)
grep -q 'data-verification="ok"' <<<"$page" || fail "Chinese page did not verify"
grep -qF '采收' <<<"$page" || fail "Accept-Language zh-CN did not give the Chinese page"
echo "ok: Chinese page"

# A lot code with '/': the scanned URI carries it as %2F, and the page fetches its bundle from
# that same encoded path and verifies it.
cli --key farmer harvest 01/06901234567892/10/B/7 --plot plot-1 --commodity rice --variety Daohuaxiang \
  --quantity 500kg --field "Plot 3" >/dev/null
page=$(dom "$HTTP/01/06901234567892/10/B%2F7")
grep -q 'data-verification="ok"' <<<"$page" ||
  fail "the page of lot B/7 did not verify: $(grep -o 'data-verification="[a-z]*"' <<<"$page")"
grep -qF 'Daohuaxiang' <<<"$page" || fail "the page of lot B/7 does not show its harvest"
# Packed into R7, B/7 is an ancestor: R7's page links to B/7's page with the '/' encoded.
cli --key farmer ship 01/06901234567892/10/B/7 --to packer >/dev/null
cli --key packer receive 01/06901234567892/10/B/7 >/dev/null
cli --key packer pack --from 01/06901234567892/10/B/7:100kg --to 01/06901234567809/10/R7:20pcs \
  --net-mass 5kg >/dev/null
page=$(dom "$HTTP/01/06901234567809/10/R7")
grep -q 'data-verification="ok"' <<<"$page" || fail "the page of R7 (made from B/7) did not verify"
grep -qF 'href="/01/06901234567892/10/B%2F7"' <<<"$page" || fail "R7's page does not link to B/7"
grep -qF 'href="/01/06901234567809/10/R7?linkType=gs1:epcis"' <<<"$page" ||
  fail "the page does not link to its EPCIS events"
echo "ok: a lot code with '/' shown, verified and linked in the browser"

# The Origin card: plot (owner, area, place with a map link, season cap), the interval
# respected, the 60% organic claim with its certificate, the compliance certificate; the same
# recomputed offline by `agritrace verify`.
run_origin_journey
out=$(cli verify "$HTTP/$R9" --genesis "$NET/genesis.json") || fail "agritrace verify of R9 failed: $out"
for text in 'plot plot-7: rice' 'ok   interval: Coragen 20% SC' 'ok   claim organic: 600.000 kg, certificate ORG-2026-0042' \
  'compliance certificate: self-commitment' 'cap 7000.000 kg, harvested 2000.000 kg, remaining 5000.000 kg (whole plot, stated by the node at height' \
  "this product's harvests 600.000 kg (verified)"; do
  grep -qF "$text" <<<"$out" || fail "agritrace verify does not show '$text': $out"
done
page=$(dom "$HTTP/$R9")
grep -q 'data-verification="ok"' <<<"$page" ||
  fail "the origin page did not verify: $(grep -o '<ul id="failures">.*</ul>' <<<"$page" | head -c 800)"
grep -q '<section id="origin" class="origin" data-unbacked="false">' <<<"$page" || fail "no Origin card: $page"
grep -q 'data-plot="plot-7" data-verified="true"' <<<"$page" || fail "plot-7 is not a verified plot of the card"
grep -q 'data-claim="organic" data-backed="true"' <<<"$page" || fail "the organic claim is not backed"
# plot-7's whole season (O7 and O8, the node's statement) and this product's own harvest of it.
grep -q 'data-harvested-mg="2000000000" data-remaining-mg="5000000000"' <<<"$page" ||
  fail "the card does not show plot-7's season total and remaining cap"
grep -qF '2,000 kg (whole plot) · remaining 5,000 kg' <<<"$page" && grep -qF '600 kg (verified)' <<<"$page" ||
  fail "the card does not show the season total beside this product's harvests"
for text in 'Origin' 'openstreetmap.org/?mlat=45.1203&amp;mlon=127.4504' '10mu' '7,000 kg' '600 kg · 60% of this product' \
  'ORG-2026-0042' 'GB/T 19630 organic' 'Coragen 20% SC (chlorantraniliprole) — 14 days' 'respected' 'self commitment'; do
  grep -qF "$text" <<<"$page" || fail "the Origin card does not show '$text'"
done
page=$(dom "$HTTP/$R9" zh-CN)
for text in '产地' '有机' '安全间隔期' '链上已证实' '承诺达标合格证' '本季已采收' '整块地块'; do
  grep -qF "$text" <<<"$page" || fail "the Chinese Origin card does not show '$text'"
done
echo "ok: Origin card shown and verified in the browser, in both languages"

# A bundle tampered with in transit (same origin, through a proxy).
PROXY_PORT=$(free_port)
python3 "$HERE/tamper_proxy.py" "$PROXY_PORT" "$HTTP" &
EXTRA_PIDS+=($!)
for ((i = 0; i < 50; i++)); do curl -fsS "http://127.0.0.1:$PROXY_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
page=$(dom "http://127.0.0.1:$PROXY_PORT/$R1")
grep -q 'data-verification="failed"' <<<"$page" || fail "a tampered bundle was not caught"
[[ $(count 'data-verified="false"' "$page") -ge 1 ]] || fail "the tampered event is not marked"
grep -qF 'the signature does not match the record' <<<"$page" || fail "the failure is not named"

# A bundle whose claim certificate was left out in transit: the claim is shown unbacked, in red.
PROXY2_PORT=$(free_port)
python3 "$HERE/tamper_proxy.py" "$PROXY2_PORT" "$HTTP" drop-claim-certificates &
EXTRA_PIDS+=($!)
for ((i = 0; i < 50; i++)); do curl -fsS "http://127.0.0.1:$PROXY2_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
page=$(dom "http://127.0.0.1:$PROXY2_PORT/$R9")
grep -q 'data-verification="failed"' <<<"$page" || fail "a claim without its certificate was not caught"
grep -q 'class="claim unbacked" data-claim="organic" data-backed="false"' <<<"$page" ||
  fail "the claim without its certificate is not shown unbacked: $page"
grep -qF 'NOT backed by the chain' <<<"$page" && grep -qF 'cannot be backed' <<<"$page" ||
  fail "the unbacked claim is not named"
echo "ok: a claim whose certificate is missing is shown unbacked"
# A bundle stating a plot's season total below its own verified harvests fails the page.
PROXY3_PORT=$(free_port)
python3 "$HERE/tamper_proxy.py" "$PROXY3_PORT" "$HTTP" understate-seasons &
EXTRA_PIDS+=($!)
for ((i = 0; i < 50; i++)); do curl -fsS "http://127.0.0.1:$PROXY3_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
page=$(dom "http://127.0.0.1:$PROXY3_PORT/$R9")
grep -q 'data-verification="failed"' <<<"$page" || fail "an understated season total was not caught"
grep -qF 'less than its own verified harvests on the plot' <<<"$page" ||
  fail "the understated season total is not named"
echo "ok: a season total below the bundle's own harvests fails the page"
# An application recorded after O7's harvest but dated 5 days before it, with a 14-day interval:
# the chain could not refuse that harvest, and neither check may call its interval respected.
cli --key farmer input plot-7 --product "Decis 2.5% EC" --active-ingredient deltamethrin \
  --phi-days 14 --at "$(date -u -d '5 days ago' +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
out=$(cli verify "$HTTP/$R9" --genesis "$NET/genesis.json" 2>&1) && fail "verify accepted a harvest inside an interval"
grep -qF 'within the 14-day pre-harvest interval of Decis 2.5% EC' <<<"$out" ||
  fail "agritrace verify does not name the interval: $out"
page=$(dom "$HTTP/$R9")
grep -q 'data-verification="failed"' <<<"$page" || fail "the page accepted a harvest inside an interval"
grep -q 'class="interval unbacked" data-respected="false"' <<<"$page" && grep -qF 'NOT respected' <<<"$page" ||
  fail "the broken interval is not shown"
echo "ok: a harvest inside a pre-harvest interval is shown and fails both checks"
echo "browser test passed"
