#!/usr/bin/env bash
# Long deterministic simulation of the nodes' replication code: >= 10,000 seeds of 4 validators
# with 1 Byzantine (rotating through silent, equivocating proposer, double voter, colluding
# modes), under loss, duplication, reordering, partitions and crash/restart, with a client
# submitting signed records; then a tenth as many of 7 validators with 2 colluding Byzantines.
#   scripts/sim-long.sh [BIN_DIR] [SEEDS]      (defaults: build/bin, 10000)
# Exits non-zero if any seed violates agreement, validity or liveness; each failing seed is
# printed and replays alone with: agritrace-sim --validators 4 --byzantine 1 --seed S --verbose
set -euo pipefail
BIN_DIR="${1:-$(dirname "$0")/../build/bin}"
SEEDS="${2:-10000}"
start=$(date +%s)
status=0
"$BIN_DIR/agritrace-sim" --validators 4 --byzantine 1 --seeds "1..$SEEDS" || status=$?
"$BIN_DIR/agritrace-sim" --validators 7 --byzantine 2 --seeds "1..$((SEEDS / 10))" || status=$?
echo "sim-long: $(( $(date +%s) - start )) s, exit $status"
exit $status
