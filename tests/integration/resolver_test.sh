#!/usr/bin/env bash
# The gateway as a GS1 Digital Link resolver, on a real node: every linkType (pip,
# traceability, epcis, certificationInfo, recallStatus), the RFC 9264 linkset (?linkType=all
# and Accept: application/linkset+json) and the Link header, /.well-known/gs1resolver, a path
# prefix before /01/, data attributes in the query string, a GTIN-only URI, and a lot code
# with '/' from QR code to page: `agritrace qr` writes the PNG, zbarimg reads the URI back, the
# URI answers the page, the page's bundle path answers the bundle and `agritrace verify URI`
# checks it.
# Usage: resolver_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: resolver_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/consumer_lib.sh"
command -v zbarimg >/dev/null || fail "zbarimg missing (apt-get install zbar-tools)"

start_consumer_node
run_journey
GENESIS=$NET/genesis.json
GTIN_B=06901234567892
S1=01/$GTIN_B/10/B/7  # the key text form keeps the '/' of the lot code
cli --key farmer harvest "$S1" --plot plot-1 --commodity rice --variety Daohuaxiang --quantity 500kg \
  --field "Plot 3" >/dev/null
cli --key inspector certify "$S1" --standard "GB/T 19630 organic" --result pass >/dev/null

# get CODE URL [curl args...]: the body, after checking the status code; headers in $WORK/headers.
get() {
  local want=$1 url=$2; shift 2
  local code
  code=$(curl -sS -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' "$@" "$url") ||
    fail "curl $url"
  [[ $code == "$want" ]] || fail "GET $url: want $want, got $code: $(head -c 300 "$WORK/body")"
  cat "$WORK/body"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }
header() { { grep -i "^$1:" "$WORK/headers" || true; } | head -1 | cut -d' ' -f2- | tr -d '\r'; }

# --- A lot code with '/', from QR code to page.
uri=$(cli qr "$S1" --base-url "$HTTP" --png "$WORK/s1.png" | grep -v "^PNG:")
[[ $uri == "$HTTP/01/$GTIN_B/10/B%2F7" ]] || fail "qr printed $uri"
scanned=$(zbarimg --raw -q "$WORK/s1.png") || fail "zbarimg could not read the PNG"
[[ $scanned == "$uri" ]] || fail "scanned '$scanned', want '$uri'"
page=$(get 200 "$scanned")
grep -qF "\"lot\":\"01/$GTIN_B/10/B/7\"" <<<"$page" || fail "the page does not name lot B/7"
bundle_path=$(grep -o '"bundle_path":"[^"]*"' <<<"$page" | cut -d'"' -f4)
[[ $bundle_path == "/01/$GTIN_B/10/B%2F7" ]] || fail "bundle path $bundle_path is not encoded"
get 200 "$HTTP$bundle_path" -H 'Accept: application/json' >"$WORK/s1.bundle.json"
[[ $(json '["records"].__len__()' <"$WORK/s1.bundle.json") == 2 ]] || fail "B/7's bundle"
cli verify "$scanned" --genesis "$GENESIS" | tail -1 | grep -q '^OK:' || fail "verify of $scanned"
get 200 "$HTTP/api/v1/lots/01/$GTIN_B/10/B%2F7" | json '["lot"]' | grep -qxF "01/$GTIN_B/10/B/7" ||
  fail "the API does not read an encoded lot code"
# Unencoded, the '/' starts a new segment: refused, saying how to write it.
get 400 "$HTTP/01/$GTIN_B/10/B/7" -H 'Accept: application/json' | grep -qF '%2F' ||
  fail "an unencoded '/' in a lot code is not explained"
echo "ok: lot code with '/' from QR to page, bundle and verify"

# --- The default link and each linkType.
get 200 "$HTTP/$R1?linkType=gs1:pip" | grep -q 'data-verification="pending"' || fail "gs1:pip"
get 200 "$HTTP/$R1?linkType=https://gs1.org/voc/pip" | grep -q 'data-verification' ||
  fail "the linkType as a full URI"
[[ $(get 200 "$HTTP/$R1?linkType=gs1:traceability" | json '["format"]') == agritrace-proof-bundle/v1 ]] ||
  fail "gs1:traceability"
get 200 "$HTTP/$R1?linkType=gs1:epcis" >"$WORK/r1.epcis.json"
[[ $(header Content-Type) == application/ld+json ]] || fail "gs1:epcis type $(header Content-Type)"
[[ $(json '["type"]' <"$WORK/r1.epcis.json") == EPCISDocument ]] || fail "gs1:epcis document"
cli export epcis "$R1" --out "$WORK/r1.export.json" 2>/dev/null
ids() { python3 -c "import json,sys; print(' '.join(sorted(e['eventID'] for e in json.load(open(sys.argv[1]))['epcisBody']['eventList'])))" "$1"; }
[[ -n $(ids "$WORK/r1.epcis.json") && $(ids "$WORK/r1.epcis.json") == "$(ids "$WORK/r1.export.json")" ]] ||
  fail "gs1:epcis eventIDs differ from agritrace export epcis"
certs=$(get 200 "$HTTP/01/$GTIN_B/10/B%2F7?linkType=gs1:certificationInfo")
[[ $(json '["certificates"][0]["standard"]' <<<"$certs") == "GB/T 19630 organic" ]] ||
  fail "gs1:certificationInfo: $certs"
[[ $(get 200 "$HTTP/$R1?linkType=gs1:recallStatus" | json '["recalled"]') == False ]] ||
  fail "gs1:recallStatus before the recall"
echo "ok: each linkType"

# --- The linkset and the Link header.
get 200 "$HTTP/$R1?linkType=all" >"$WORK/linkset.json"
[[ $(header Content-Type) == application/linkset+json ]] || fail "linkset type $(header Content-Type)"
python3 - "$WORK/linkset.json" "$HTTP/$R1" <<'PY' || fail "linkset shape"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["linkset"][0]
assert s["anchor"] == sys.argv[2], s["anchor"]
for t in ["pip", "traceability", "epcis", "certificationInfo", "recallStatus", "defaultLink"]:
    link = s["https://gs1.org/voc/" + t][0]
    assert link["href"].startswith(sys.argv[2] + "?linkType=gs1:"), link
    assert link["title"] and link["type"], link
assert s["https://gs1.org/voc/pip"][0]["hreflang"] == ["en", "zh"]
PY
get 200 "$HTTP/$R1" -H 'Accept: application/linkset+json' | json '["linkset"][0]["anchor"]' |
  grep -qxF "$HTTP/$R1" || fail "Accept: application/linkset+json"
header Link | grep -qF "<$HTTP/$R1?linkType=all>; rel=\"linkset\"" || fail "Link header: $(header Link)"
get 404 "$HTTP/01/06901234567809/10/NOPE?linkType=all" | json '["error"]["reason"]' | grep -qx UNKNOWN_LOT ||
  fail "an unknown lot should have no linkset"
header Link | grep -qF 'rel="https://gs1.org/voc/epcis"' || fail "Link header lacks gs1:epcis"
well=$(get 200 "$HTTP/.well-known/gs1resolver")
[[ $(json '["resolverRoot"]' <<<"$well") == "$HTTP" ]] || fail "resolverRoot: $well"
[[ $(json '["supportedPrimaryKeys"]' <<<"$well") == "['01']" ]] || fail "supportedPrimaryKeys"
[[ $(json '["supportedLinkType"][0]["prefix"]' <<<"$well") == "gs1:" ]] || fail "supportedLinkType"
echo "ok: linkset, Link header, /.well-known/gs1resolver"

# --- A path prefix and data attributes name the same lot; a GTIN alone lists its lots.
get 200 "$HTTP/shop/rice/$R1" | grep -qF '"lot":"01/06901234567809/10/R1"' || fail "path prefix"
get 200 "$HTTP/$R1?17=261231&3103=000500" | grep -qF '"lot":"01/06901234567809/10/R1"' ||
  fail "data attributes changed the lot"
gtin_page=$(get 200 "$HTTP/01/$GTIN_B")
grep -qF "href=\"/01/$GTIN_B/10/B%2F7\"" <<<"$gtin_page" || fail "GTIN page lacks lot B/7"
grep -qF "href=\"/01/$GTIN_B/10/B1\"" <<<"$gtin_page" || fail "GTIN page lacks lot B1"
[[ $(get 200 "$HTTP/01/$GTIN_B" -H 'Accept: application/json' | json '["lots"].__len__()') == 2 ]] ||
  fail "GTIN JSON"
get 404 "$HTTP/01/09506000134352" >/dev/null
echo "ok: path prefix, query string, GTIN-only page"

# --- Recall status reaches the lots made from a recalled lot.
cli --key regulator recall "$B1" --reason "Cadmium above limit" >/dev/null
status=$(get 200 "$HTTP/$R1?linkType=gs1:recallStatus")
python3 - "$B1" "$status" <<'PY' || fail "recall status: $status"
import json, sys
d = json.loads(sys.argv[2])
assert d["recalled"] is True and d["via_ancestor"] is True, d
assert d["recalled_lot"] == sys.argv[1] and d["reason"] == "Cadmium above limit", d
assert d["since"].endswith("Z"), d
PY
echo "ok: recall status"
echo "resolver test passed"
