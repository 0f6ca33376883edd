#!/usr/bin/env bash
# scripts/check-deps: passes on the tree as it is, and fails, naming the edge, on a tree where
# a header of the core includes a layer above it, a core file uses RocksDB, or a file sits in
# no layer.
#   tests/scripts/check_deps_test.sh [REPO_ROOT]
set -euo pipefail
ROOT="$(cd "${1:-$(dirname "$0")/../..}" && pwd)"
CHECK="$ROOT/scripts/check-deps"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1. The real tree.
(cd "$ROOT" && "$CHECK") || fail "the repository's own include edges are refused"

# A small tree under the real graph: one allowed edge, then each forbidden kind in turn.
mkdir -p "$WORK/docs" "$WORK/chain/base" "$WORK/chain/model" "$WORK/chain/rules" "$WORK/node"
cp "$ROOT/docs/architecture.md" "$WORK/docs/"
echo '#include "chain/base/status.h"' > "$WORK/chain/model/record.h"
echo '#include "chain/model/record.h"' > "$WORK/chain/rules/rules.cc"
echo '#pragma once' > "$WORK/chain/base/status.h"
echo '#pragma once' > "$WORK/node/node.h"
(cd "$WORK" && "$CHECK") || fail "allowed edges (rules -> model -> base) refused"

expect_refused() {  # expect_refused WHAT PATTERN: check-deps exits 1 and prints PATTERN
  local out status=0
  out=$(cd "$WORK" && "$CHECK") || status=$?
  [[ $status == 1 ]] || fail "$1: exit $status, want 1: $out"
  grep -q -- "$2" <<<"$out" || fail "$1: the output does not name '$2': $out"
  echo "ok: $1"
}

# 2. Header-only edge upwards: a core header includes the node.
echo '#include "node/node.h"' > "$WORK/chain/base/bytes.h"
expect_refused "chain/base header includes node/" "chain/base/bytes.h:1: chain/base -> node"
rm "$WORK/chain/base/bytes.h"

# 3. A core layer uses RocksDB.
printf '#include <vector>\n#include <rocksdb/db.h>\n' > "$WORK/chain/rules/cache.cc"
expect_refused "chain/rules uses RocksDB" "chain/rules/cache.cc:2: chain/rules -> rocksdb"
rm "$WORK/chain/rules/cache.cc"

# 4. A sideways edge: rules -> consensus is not in the graph.
mkdir -p "$WORK/chain/consensus"
echo '#pragma once' > "$WORK/chain/consensus/engine.h"
echo '#include "chain/consensus/engine.h"' > "$WORK/chain/rules/rules.h"
expect_refused "chain/rules includes chain/consensus" "chain/rules -> chain/consensus"
rm "$WORK/chain/rules/rules.h"

# 5. A folder that is no layer.
mkdir -p "$WORK/chain/misc"
echo '#pragma once' > "$WORK/chain/misc/x.h"
expect_refused "a folder outside the graph" "chain/misc/x.h: in no layer"
echo "check-deps test passed"
