#!/usr/bin/env bash
# Crash safety, short run: scripts/crash-test.sh with 5 iterations against real processes
# (4 validators on loopback, steady load). The five modes are a random SIGKILL, a kill inside
# the block commit (fail point commit-after-write), one between persisting and sending a signed
# vote (safety-after-write), one in the middle of range sync, and one during the restart's own
# recovery; after each the victim must restart with no committed block lost, the same blocks
# and lot state as the reference validator, and no conflicting vote ever signed.
# `scripts/crash-test.sh` alone runs the long version (100 iterations, all seven modes).
# Usage: crash_test.sh BIN_DIR
set -euo pipefail
BIN=$(cd "${1:?usage: crash_test.sh BIN_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
BIN_DIR=$BIN exec "$HERE/../../scripts/crash-test.sh" 5
