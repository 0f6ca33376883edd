#!/usr/bin/env bash
# Validator-set governance end to end on a one-validator `agritrace-node init` node: an admin
# proposes adding a validator, a second proposal while it is open is PROPOSAL_PENDING, the
# node's operator approves it with the node key (`agritrace-node approve`), and
# `agritrace validators --json` shows the change decided (1 of 1 approvals) and the new set
# from its effective height. (With two validators the quorum is 2 of 2, so the test needs no
# block after the change takes effect.)
# Usage: governance_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: governance_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/it_lib.sh"

"$BIN/agritrace-node" init --dir "$NET" --grpc-addr "$AGRITRACE_NODE" --scrypt-n 1024 >/dev/null
start_node

vjson() { cli --json validators; }
NEWKEY=$(cli --json key new site2 | json_field '["pubkey"]')
OTHERKEY=$(cli --json key new site3 | json_field '["pubkey"]')
[[ $(vjson | json_field '["in_force"]["validators"].__len__()') == 1 ]] ||
  fail "a fresh init node does not list its one validator"

expect_reject NOT_AUTHORIZED cli --key farmer validator propose add site2 --pubkey "$NEWKEY" \
  --address 127.0.0.1:7999
expect_reject MALFORMED cli --key admin validator propose add site2 --pubkey "$NEWKEY" \
  --address no-port
PROP=$(cli --json --key admin validator propose add site2 --pubkey "$NEWKEY" \
  --address 127.0.0.1:7999 --organization "North co-op" --reason "second site" |
  json_field '["record_id"]')
[[ ${#PROP} == 64 ]] || fail "propose did not print a proposal id: $PROP"
echo "ok: proposed $PROP"
expect_reject PROPOSAL_PENDING cli --key admin validator propose add site3 --pubkey "$OTHERKEY" \
  --address 127.0.0.1:7998
[[ $(vjson | json_field '["pending"]["proposal_id"]') == "$PROP" ]] || fail "no open proposal"
[[ $(vjson | json_field '["pending"]["approvals_needed"]') == 1 ]] || fail "approvals_needed != 1"
cli validators | grep -q "open proposal $PROP" || fail "validators does not show the proposal"

# Approving an id that is not the open proposal is refused.
expect_reject UNKNOWN_PROPOSAL "$BIN/agritrace-node" approve --dir "$NET" \
  0000000000000000000000000000000000000000000000000000000000000000
out=$("$BIN/agritrace-node" approve --dir "$NET" "$PROP") || fail "approve failed: $out"
grep -q "committed at height" <<<"$out" || fail "approve did not report the commit: $out"
H=$(sed -n 's/.*committed at height \([0-9]*\).*/\1/p' <<<"$out")
echo "ok: approved at height $H"

J=$(vjson)
[[ $(json_field '["pending"]' <<<"$J") == None ]] || fail "the proposal is still open: $J"
[[ $(json_field '["epochs"].__len__()' <<<"$J") == 2 ]] || fail "no second epoch: $J"
[[ $(json_field '["epochs"][1]["from_height"]' <<<"$J") == $((H + 2)) ]] ||
  fail "the new set is not in force from height $((H + 2)): $J"
[[ $(json_field '["epochs"][1]["validators"][1]["name"]' <<<"$J") == site2 ]] ||
  fail "site2 is not last in the new set: $J"
[[ $(json_field '["epochs"][1]["validators"][1]["pubkey"]' <<<"$J") == "$NEWKEY" ]] ||
  fail "site2's key differs: $J"
[[ $(json_field '["history"][0]["decided_height"]' <<<"$J") == "$H" ]] || fail "history: $J"
[[ $(json_field '["history"][0]["approvals"].__len__()' <<<"$J") == 1 ]] || fail "history: $J"
echo "ok: the change is decided at $H and in force from $((H + 2))"
expect_reject UNKNOWN_PROPOSAL "$BIN/agritrace-node" approve --dir "$NET" "$PROP"
cli validators
echo "PASS"
