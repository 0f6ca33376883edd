#!/usr/bin/env bash
# `agritrace` loads its network and image libraries only for the commands that use them
# (wallet-cli/module_loader.h): `verify FILE` never maps gRPC, cpp-httplib/libssl or librsvg;
# `status` and `verify URL` load libagritrace-wallet-net.so, `qr --png` loads
# libagritrace-wallet-render.so and not the network module; and a binary whose modules are
# missing still verifies files and names the missing module for a network command.
# The loaded objects are read from the dynamic loader's own report (LD_DEBUG=files).
# Usage: cli_modules_test.sh BIN_DIR
set -euo pipefail
BIN=${1:?usage: cli_modules_test.sh BIN_DIR}
source "$(cd "$(dirname "$0")" && pwd)/consumer_lib.sh"

start_consumer_node
run_journey
GENESIS=$NET/genesis.json
curl -fsS -H 'Accept: application/json' "$HTTP/$R1" -o "$WORK/bundle.json" || fail "no bundle"

# loaded NAME CMD...: runs CMD under LD_DEBUG=files and leaves in $WORK/NAME.libs the file
# names of every shared object the process loaded (at start-up and by dlopen), and its output
# in $WORK/NAME.out; returns CMD's exit code.
loaded() {
  local name=$1; shift
  rm -f "$WORK/ld.$name".*
  local rc=0
  LD_DEBUG=files LD_DEBUG_OUTPUT="$WORK/ld.$name" "$@" >"$WORK/$name.out" 2>&1 || rc=$?
  cat "$WORK/ld.$name".* | sed -n 's/.*file=\([^ ]*\) .*\[0\];.*generating link map.*/\1/p' |
    sort -u >"$WORK/$name.libs"
  [[ -s $WORK/$name.libs ]] || fail "LD_DEBUG=files reported nothing for $name: $(head -5 "$WORK/ld.$name".*)"
  return $rc
}
has() { grep -q -- "$2" "$WORK/$1.libs"; }

# --- verify FILE: the whole verification, none of the network or image libraries.
loaded verify cli verify "$WORK/bundle.json" --genesis "$GENESIS" ||
  fail "verify failed: $(cat "$WORK/verify.out")"
tail -1 "$WORK/verify.out" | grep -q '^OK:' || fail "verify did not say OK: $(cat "$WORK/verify.out")"
has verify libprotobuf || fail "the loader report lists no libprotobuf; is the parsing broken? $(cat "$WORK/verify.libs")"
for lib in libgrpc libabsl libssl libcpp-httplib librsvg libcairo libqrencode libpng libagritrace-wallet; do
  if has verify "$lib"; then fail "agritrace verify FILE loaded $lib: $(grep -- "$lib" "$WORK/verify.libs")"; fi
done
echo "ok: verify FILE loads $(wc -l <"$WORK/verify.libs") shared objects, none of gRPC, libssl, librsvg or the modules"

# The same under --json, and a failing verification keeps its exit code.
loaded verify_json cli verify "$WORK/bundle.json" --genesis "$GENESIS" --json || fail "verify --json failed"
grep -q '"ok": *true' "$WORK/verify_json.out" || fail "verify --json: $(cat "$WORK/verify_json.out")"
if has verify_json libgrpc; then fail "verify --json loaded gRPC"; fi
python3 - "$WORK/bundle.json" "$WORK/tampered.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sig = bytearray.fromhex(d["records"][0]["envelope"]["signature"]); sig[5] ^= 1
d["records"][0]["envelope"]["signature"] = sig.hex()
json.dump(d, open(sys.argv[2], "w"))
PY
rc=0; loaded tampered cli verify "$WORK/tampered.json" --genesis "$GENESIS" || rc=$?
[[ $rc == 1 ]] || fail "a tampered bundle exits $rc, not 1: $(cat "$WORK/tampered.out")"
grep -q 'BAD_SIGNATURE' "$WORK/tampered.out" || fail "tampered: $(cat "$WORK/tampered.out")"
if has tampered libgrpc; then fail "a failing verify loaded gRPC"; fi
echo "ok: verify --json and a refused bundle (exit 1) load no gRPC either"

# --- Commands that talk to the node load the network module, and through it gRPC (this is
# also the check's negative control: the loader report does show gRPC when it is loaded).
loaded status cli status || fail "status failed: $(cat "$WORK/status.out")"
has status libagritrace-wallet-net.so || fail "status did not load the network module"
has status libgrpc || fail "status did not load gRPC"
if has status librsvg; then fail "status loaded librsvg"; fi
loaded verify_url cli verify "$HTTP/$R1" --genesis "$GENESIS" || fail "verify URL: $(cat "$WORK/verify_url.out")"
tail -1 "$WORK/verify_url.out" | grep -q '^OK:' || fail "verify URL did not say OK"
has verify_url libagritrace-wallet-net.so || fail "verify URL did not load the network module"
echo "ok: status and verify URL load libagritrace-wallet-net.so"

# --- Drawing loads the render module, not the network one.
loaded qr cli qr "$R1" --png "$WORK/qr.png" || fail "qr failed: $(cat "$WORK/qr.out")"
[[ $(head -c 8 "$WORK/qr.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "qr.png is no PNG"
has qr libagritrace-wallet-render.so || fail "qr did not load the render module"
if has qr libgrpc; then fail "qr loaded gRPC"; fi
echo "ok: qr --png loads libagritrace-wallet-render.so and no gRPC"

# --- Without its modules (the executable copied alone): offline verification still works, a
# network command names the missing module (UNAVAILABLE, exit 1), never crashes.
mkdir -p "$WORK/alone"
cp "$BIN/agritrace" "$WORK/alone/agritrace"
"$WORK/alone/agritrace" verify "$WORK/bundle.json" --genesis "$GENESIS" | tail -1 | grep -q '^OK:' ||
  fail "verify without the modules failed"
rc=0; "$WORK/alone/agritrace" status >"$WORK/alone.out" 2>&1 || rc=$?
[[ $rc == 1 ]] || fail "status without the network module exits $rc: $(cat "$WORK/alone.out")"
grep -q 'UNAVAILABLE: the agritrace module libagritrace-wallet-net.so is missing' "$WORK/alone.out" ||
  fail "status without the network module: $(cat "$WORK/alone.out")"
echo "ok: without its modules, verify FILE works and status names the missing module"
