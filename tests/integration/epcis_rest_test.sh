#!/usr/bin/env bash
# The EPCIS 2.0 REST query interface of a real node (GET /epcis/events, /epcis/events/{id}):
# the EPCISQueryDocument and its headers, each filter (EQ_bizStep, MATCH_anyEPC,
# MATCH_epcClass, GE_eventTime, LT_eventTime), eventIDs equal to `agritrace export epcis`,
# paging through the Link header (stable while blocks are added), and the standard's error
# bodies for bad parameters.
# Usage: epcis_rest_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: epcis_rest_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/consumer_lib.sh"

start_consumer_node
run_journey
run_custody_journey

get() {  # get CODE URL [curl args...]: the body; headers in $WORK/headers
  local want=$1 url=$2; shift 2
  local code
  code=$(curl -sS -g -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' "$@" "$url") ||
    fail "curl $url"
  [[ $code == "$want" ]] || fail "GET $url: want $want, got $code: $(head -c 400 "$WORK/body")"
  cat "$WORK/body"
}
header() { { grep -i "^$1:" "$WORK/headers" || true; } | head -1 | cut -d' ' -f2- | tr -d '\r'; }
# events FILE: "eventID bizStep eventTime" per event, in document order.
events() {
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["type"] == "EPCISQueryDocument" and d["schemaVersion"] == "2.0", d.get("type")
r = d["epcisBody"]["queryResults"]
assert r["queryName"] == "SimpleEventQuery"
for e in r["resultsBody"]["eventList"]:
    print(e["eventID"], e.get("bizStep", "-"), e["eventTime"])
PY
}
enc() { python3 -c "import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=''))" "$1"; }

# --- Everything, then each filter.
get 200 "$HTTP/epcis/events?perPage=200" >"$WORK/all.json"
[[ $(header GS1-EPCIS-Version) == 2.0.0 ]] || fail "GS1-EPCIS-Version: $(header GS1-EPCIS-Version)"
[[ -z $(header Link) ]] || fail "a single page has no next link"
events "$WORK/all.json" >"$WORK/all.txt"
total=$(wc -l <"$WORK/all.txt")
((total >= 12)) || fail "want the events of both journeys, got $total"
[[ $(cut -d' ' -f1 "$WORK/all.txt" | sort | uniq -d) == "" ]] || fail "an event is listed twice"

get 200 "$HTTP/epcis/events?EQ_bizStep=shipping" >"$WORK/ship.json"
events "$WORK/ship.json" >"$WORK/ship.txt"
(($(wc -l <"$WORK/ship.txt") == $(grep -c ' shipping ' "$WORK/all.txt"))) || fail "EQ_bizStep=shipping"
(($(wc -l <"$WORK/ship.txt") >= 3)) || fail "want 3+ shipping events"
get 200 "$HTTP/epcis/events?EQ_bizStep=shipping|urn:epcglobal:cbv:bizstep:receiving" >"$WORK/sr.json"
want=$(grep -c -e ' shipping ' -e ' receiving ' "$WORK/all.txt")
(($(events "$WORK/sr.json" | wc -l) == want)) || fail "EQ_bizStep with two values"
echo "ok: all events, EQ_bizStep"

R1_CLASS=https://id.gs1.org/01/06901234567809/10/R1
get 200 "$HTTP/epcis/events?MATCH_epcClass=$(enc "$R1_CLASS")" >"$WORK/r1.json"
cli export epcis "$R1" --out "$WORK/r1.export.json" 2>/dev/null
python3 - "$WORK/r1.json" "$WORK/r1.export.json" <<'PY' || fail "MATCH_epcClass=R1 differs from agritrace export epcis R1"
import json, sys
q = {e["eventID"] for e in json.load(open(sys.argv[1]))["epcisBody"]["queryResults"]["resultsBody"]["eventList"]}
x = {e["eventID"] for e in json.load(open(sys.argv[2]))["epcisBody"]["eventList"] if "errorDeclaration" not in e}
assert q and q == x, (sorted(q), sorted(x))
PY
# A GTIN alone matches every lot of it; another host's Digital Link names the same lot.
gtin_count=$(get 200 "$HTTP/epcis/events?MATCH_epcClass=$(enc https://id.gs1.org/01/06901234567809)&perPage=200" >"$WORK/g.json"; events "$WORK/g.json" | wc -l)
r1_count=$(events "$WORK/r1.json" | wc -l)
((gtin_count > r1_count)) || fail "a GTIN class should match R1 and R2 ($gtin_count vs $r1_count)"
(($(get 200 "$HTTP/epcis/events?MATCH_epcClass=$(enc "$HTTP/01/06901234567809/10/R1")" >"$WORK/h.json"; events "$WORK/h.json" | wc -l) == r1_count)) ||
  fail "the host of a Digital Link should not matter"
get 200 "$HTTP/epcis/events?MATCH_anyEPC=$(enc https://id.gs1.org/01/06901234567809/10/NOPE)" >"$WORK/none.json"
(($(events "$WORK/none.json" | wc -l) == 0)) || fail "an unknown lot matched"
echo "ok: MATCH_epcClass (eventIDs as exported), MATCH_anyEPC"

# Times: GE and LT of one event's time split the events.
middle=$(sed -n "$((total / 2))p" "$WORK/all.txt" | cut -d' ' -f3)
ge=$(get 200 "$HTTP/epcis/events?perPage=200&GE_eventTime=$(enc "$middle")" >"$WORK/ge.json"; events "$WORK/ge.json" | wc -l)
lt=$(get 200 "$HTTP/epcis/events?perPage=200&LT_eventTime=$(enc "$middle")" >"$WORK/lt.json"; events "$WORK/lt.json" | wc -l)
((ge > 0 && ge + lt == total)) || fail "GE ($ge) + LT ($lt) of $middle should be $total"
echo "ok: GE_eventTime, LT_eventTime"

# --- Paging through the Link header; a block added meanwhile does not shift the pages.
url="$HTTP/epcis/events?perPage=5"
: >"$WORK/paged.txt"
pages=0
while [[ -n $url ]]; do
  get 200 "$url" >"$WORK/page.json"
  events "$WORK/page.json" >>"$WORK/paged.txt"
  pages=$((pages + 1))
  link=$(header Link)
  url=""
  if [[ -n $link ]]; then
    [[ $link =~ ^\<([^>]*)\>\;\ rel=\"next\"$ ]] || fail "Link header: $link"
    url=${BASH_REMATCH[1]}
  fi
  if ((pages == 1)); then
    cli --key farmer harvest 01/06901234567892/10/B8 --plot plot-1 --commodity rice --quantity 10kg >/dev/null
  fi
  ((pages < 50)) || fail "paging does not end"
done
diff <(cut -d' ' -f1 "$WORK/all.txt") <(cut -d' ' -f1 "$WORK/paged.txt") >/dev/null ||
  fail "the pages ($pages) are not the events of the first page's chain height, in order"
(($(get 200 "$HTTP/epcis/events?perPage=200" >"$WORK/after.json"; events "$WORK/after.json" | wc -l) == total + 1)) ||
  fail "a fresh query should see the new harvest"
echo "ok: $pages pages through the Link header, stable while a block was added"

# --- One event by its eventID.
id=$(head -1 "$WORK/all.txt" | cut -d' ' -f1)
get 200 "$HTTP/epcis/events/$(enc "$id")" >"$WORK/one.json"
[[ $(events "$WORK/one.json" | cut -d' ' -f1) == "$id" ]] || fail "event by id"
get 404 "$HTTP/epcis/events/$(enc "ni:///sha-256;00?ver=CBV2.0")" |
  grep -q '"type": "epcisException:NoSuchResourceException"' || fail "unknown eventID"
echo "ok: GET /epcis/events/{eventID}"

# --- Bad parameters get the standard's error body.
bad() {  # bad QUERY TEXT-IN-DETAIL
  local body
  body=$(get 400 "$HTTP/epcis/events?$1")
  [[ $(header Content-Type) == application/problem+json ]] || fail "$1: type $(header Content-Type)"
  python3 - "$body" "$2" <<'PY' || fail "error body for $1: $body"
import json, sys
d = json.loads(sys.argv[1])
assert d["type"] == "epcisException:QueryParameterException", d
assert d["status"] == 400 and d["title"], d
assert sys.argv[2] in d["detail"], d
PY
}
bad "perPage=0" "perPage"
bad "perPage=100000" "perPage"
bad "perPage=ten" "perPage"
bad "GE_eventTime=yesterday" "GE_eventTime"
bad "EQ_disposition=in_transit" "EQ_disposition"
bad "nextPageToken=1.0.deadbeef" "nextPageToken"
token=$(get 200 "$HTTP/epcis/events?perPage=1" >/dev/null; header Link | sed 's/.*nextPageToken=\([^>]*\)>.*/\1/')
bad "EQ_bizStep=shipping&nextPageToken=$token" "nextPageToken"  # another query's token
echo "ok: QueryParameterException for bad parameters"
echo "epcis rest test passed"
