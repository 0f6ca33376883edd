#!/usr/bin/env bash
# Real processes: validators 1-3 of a 4-validator loopback network run honestly; the fourth
# validator's key is held by agritrace-hostile-peer, which signs two different prevotes for one
# height and round (nil and a made-up block) and sends both to validator-1. That is not a peer
# fault (each vote is valid) but an offence: validator-1 finds it, gossips the evidence, and a
# block commits it (with no record pending). On validator-3, which never heard the votes
# themselves, `agritrace evidence --json` lists it (by name too), with the two signed votes;
# each offence is committed once; /metrics counts what it committed and nothing stays pending.
# Usage: evidence_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: evidence_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
DEVNET=$HERE/../../scripts/devnet.sh
source "$HERE/../../scripts/lib.sh"
source "$HERE/hostile_net_lib.sh"

WORK=$(mktemp -d /tmp/agritrace-evidence.XXXXXX)
NET=$WORK/net
export AGRITRACE_BIN=$BIN AGRITRACE_PASSWORD=evidence-secret AGRITRACE_KEYSTORE=$NET/keystore
cleanup() { "$DEVNET" down "$NET" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

start_honest_network

evidence_json() { "$BIN/agritrace" --node "$1" evidence --json "${@:2}"; }

# 1. Before: nothing committed, nothing pending.
[[ $(evidence_json "${grpc[2]}") == "[]" ]] || fail "evidence before any offence"
# 2. The offence: valid votes, so validator-1 keeps the connection (exit 4: still connected).
code=0
out=$("$BIN/agritrace-hostile-peer" --target "${grpc[0]}" --genesis "$NET/genesis.json" \
  --key-file "$NET/validator-4/node_key.json" --mode double-vote --wait-ms 3000) || code=$?
((code == 4)) || fail "double-vote: expected the peer to stay connected (exit 4), got $code: $out"
echo "ok: double-vote: $out"
grep -q "evidence: validator .* committed a double-prevote" "$NET/validator-1/node.log" ||
  fail "validator-1 did not log the offence"
# 3. Validator-3 commits the evidence (it waits for what the node reports, not for a time).
for ((i = 0; i < 300; i++)); do
  list=$(evidence_json "${grpc[2]}" 2>/dev/null || echo "[]")
  [[ $list != "[]" ]] && break
  sleep 0.1
done
[[ $list != "[]" ]] || fail "validator-3 lists no evidence 30 s after the offence"
python3 - "$list" <<'PY' || fail "validator-3's evidence is not the offence: $list"
import json, sys
items = json.loads(sys.argv[1])
offences = [(e["validator"], e["height"], e["round"], e["kind"]) for e in items]
assert len(offences) == len(set(offences)), "an offence committed twice"
for e in items:
    assert e["kind"] == "double-prevote" and e["validator_name"] == "validator-4", e
    assert e["round"] == 0 and e["committed_height"] >= e["height"], e
    assert {e["first"]["block_hash"], e["second"]["block_hash"]} >= {"nil"}, e
    assert e["first"]["validator"] == e["second"]["validator"] == e["validator"], e
    assert len(e["first"]["signature"]) == 128 and len(e["second"]["signature"]) == 128, e
PY
count=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$list")
echo "ok: validator-3 lists $count committed double-prevote(s) of validator-4"
# The block that holds it shows its id under the header's evidence root.
at=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[0]["committed_height"])' "$list")
"$BIN/agritrace" --node "${grpc[2]}" --json block "$at" | python3 -c '
import json, sys
b = json.load(sys.stdin)
assert len(b["evidence"]) >= 1 and len(b["evidence_root"]) == 64, b' ||
  fail "block $at does not show its evidence"
# 4. By validator name and by key; an unknown validator is refused with its reason.
key=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])[0]["validator"])' "$list")
[[ $(evidence_json "${grpc[2]}" --validator validator-4) == "$list" ]] || fail "--validator NAME"
[[ $(evidence_json "${grpc[2]}" --validator "$key") == "$list" ]] || fail "--validator KEY"
[[ $(evidence_json "${grpc[2]}" --validator validator-1) == "[]" ]] || fail "honest validator listed"
code=0
err=$("$BIN/agritrace" --node "${grpc[2]}" evidence --validator nobody 2>&1 >/dev/null) || code=$?
((code == 1)) && [[ $err == "error: UNKNOWN_PARTICIPANT: "* ]] || fail "unknown validator: $code $err"
"$BIN/agritrace" --node "${grpc[2]}" evidence | grep -q "^double-prevote by validator-4 " ||
  fail "the plain listing does not name the offence"
# 5. /metrics: once no node holds pending evidence (the hostile peer's last offences may still
# have been committing above), validator-3 counts exactly the evidence it lists.
for ((i = 0; i < 200; i++)); do
  pending=0
  for h in "${http[@]:0:3}"; do pending=$((pending + $(metric "$h" agritrace_evidence_pending))); done
  list=$(evidence_json "${grpc[2]}")
  count=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$list")
  committed=$(metric "${http[2]}" agritrace_evidence_committed_total)
  ((pending == 0 && committed == count)) && break
  sleep 0.1
done
((pending == 0)) || fail "evidence still pending 20 s after the offences: $pending"
((committed == count)) || fail "agritrace_evidence_committed_total is $committed, listed $count"
curl -fsS "http://${http[2]}/metrics" | grep -q '^# TYPE agritrace_evidence_pending gauge$' ||
  fail "agritrace_evidence_pending has no TYPE line"
echo "evidence test passed in $SECONDS s: $count offence(s) of validator-4 committed once each"
