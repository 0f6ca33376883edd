#!/usr/bin/env bash
# Rebuilds web/vendor/noble.js, the product page's only third-party code, from the npm
# registry: @noble/curves (BIP-340 Schnorr over secp256k1) and @noble/hashes (SHA-256), bundled
# and minified by esbuild into one self-contained script that defines window.AgriNoble.
# The output is committed, so building and testing need no npm; run this only to upgrade.
# Usage: scripts/vendor-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NOBLE_CURVES=2.4.0
NOBLE_HASHES=2.4.0
ESBUILD=0.28.2
OUT=$ROOT/web/vendor

TMP=$(mktemp -d /tmp/agritrace-vendor.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm init -y >/dev/null
npm install --no-audit --no-fund --save-exact --loglevel=error \
  "@noble/curves@$NOBLE_CURVES" "@noble/hashes@$NOBLE_HASHES" "esbuild@$ESBUILD" >/dev/null
cat >entry.js <<'JS'
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
// The page needs exactly these two functions.
window.AgriNoble = {
  sha256: (bytes) => sha256(bytes),
  schnorrVerify: (signature, message, publicKey) => schnorr.verify(signature, message, publicKey),
};
JS
npx esbuild entry.js --bundle --minify --format=iife --target=es2020 --legal-comments=none \
  --outfile=noble.js --log-level=warning
mkdir -p "$OUT"
{
  echo "/*! @noble/curves $NOBLE_CURVES and @noble/hashes $NOBLE_HASHES (MIT, Paul Miller),"
  echo "    bundled by esbuild $ESBUILD with scripts/vendor-web.sh; see LICENSE.noble. */"
  cat noble.js
} >"$OUT/noble.js"
cp node_modules/@noble/curves/LICENSE "$OUT/LICENSE.noble"
cat >"$OUT/VERSION.txt" <<TXT
@noble/curves $NOBLE_CURVES
@noble/hashes $NOBLE_HASHES
esbuild $ESBUILD (build tool only; not shipped)
Produced by scripts/vendor-web.sh. sha256 of noble.js:
$(sha256sum "$OUT/noble.js" | cut -d' ' -f1)
TXT
echo "vendored into $OUT: $(wc -c <"$OUT/noble.js") bytes"
