#!/usr/bin/env bash
# Rebuilds tests/vendor/epcis2-hash.js: the EPCIS event hash of GS1's npm package epcis2.js
# (src/hash_generator: eventToHashedId and eventToPreHashedString, which implement CBV 2.0
# section 8.9 as corrected in 2023) with its one dependency, crypto-js, bundled by esbuild into
# one CommonJS file that node runs with no node_modules. tests/integration/epcis_hash_check.js
# uses it to recompute every eventID of an exported document independently of our C++ code.
# The output is committed, so testing needs no npm; run this only to upgrade.
# The package is fetched with `npm pack` (its own dependency list names a placeholder package,
# fs@0.0.1-security, that `npm install epcis2.js` cannot always resolve; the hash code needs
# none of them but crypto-js).
# Usage: scripts/vendor-epcis-hash.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EPCIS2=2.7.3
CRYPTO_JS=3.3.0  # the version epcis2.js 2.7.3 asks for (^3.3.0)
ESBUILD=0.28.2
OUT=$ROOT/tests/vendor

TMP=$(mktemp -d /tmp/agritrace-vendor.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm init -y >/dev/null
npm pack --silent "epcis2.js@$EPCIS2" >/dev/null
tar xzf "epcis2.js-$EPCIS2.tgz"  # -> package/
npm install --no-audit --no-fund --save-exact --loglevel=error \
  "crypto-js@$CRYPTO_JS" "esbuild@$ESBUILD" >/dev/null
cat >entry.js <<'JS'
// Exactly the two functions the check needs, from epcis2.js's own source.
export { eventToHashedId } from './package/src/hash_generator/EPCISEventToHashedString.js';
export { eventToPreHashedString } from './package/src/hash_generator/EPCISEventToPreHashedString.js';
JS
npx esbuild entry.js --bundle --platform=node --format=cjs --target=node18 \
  --legal-comments=none --outfile=epcis2-hash.js --log-level=warning
mkdir -p "$OUT"
{
  echo "/*! epcis2.js $EPCIS2 (Apache-2.0, EVRYTHNG Ltd / GS1 France), src/hash_generator/*,"
  echo "    with crypto-js $CRYPTO_JS (MIT, Jeff Mott / Evan Vosberg), bundled unminified by"
  echo "    esbuild $ESBUILD with scripts/vendor-epcis-hash.sh; see LICENSE.epcis2 and"
  echo "    LICENSE.crypto-js. Exports eventToHashedId(event, context) and"
  echo "    eventToPreHashedString(event, context). */"
  cat epcis2-hash.js
} >"$OUT/epcis2-hash.js"
cp package/LICENSE "$OUT/LICENSE.epcis2"
cp node_modules/crypto-js/LICENSE "$OUT/LICENSE.crypto-js"
cat >"$OUT/VERSION.txt" <<TXT
epcis2.js $EPCIS2 (npm pack; src/hash_generator and the src/cbv, src/utils files it imports)
crypto-js $CRYPTO_JS
esbuild $ESBUILD (build tool only; not shipped)
Produced by scripts/vendor-epcis-hash.sh. sha256 of epcis2-hash.js:
$(sha256sum "$OUT/epcis2-hash.js" | cut -d' ' -f1)
TXT
echo "vendored into $OUT: $(wc -c <"$OUT/epcis2-hash.js") bytes"
