#!/usr/bin/env bash
# Crash test: SIGKILL one validator of a live 4-validator loopback network, again and again,
# under steady load, and check after every restart that nothing committed was lost or forked.
#
#   scripts/crash-test.sh [N]        N iterations (default 100)
#
# Environment: BIN_DIR (binaries, default build/bin; fail points need a build that has
# chain/failpoint.h, i.e. any build of this tree), CRASH_SEED (replays the same schedule of
# modes, delays and fail-point counts; default random, printed), CRASH_KEEP=1 keeps the work
# directory even when the run passes (it is always kept on a failure), CRASH_MODES="sync
# recovery" runs only those modes, in turn.
#
# validator-4 is the victim; validator-1 is the reference (it is never killed, and neither are
# validator-2/3: three of four is a quorum, so the chain keeps committing while the victim is
# down). Two loops of the wallet CLI submit farm-to-shelf journeys (harvest, ship, receive,
# pack) to validator-1 and validator-2 the whole time. Iteration i kills the victim in mode
# MODES[(i-1) % 7]:
#   random               SIGKILL after a random delay (0.2-2.5 s)
#   commit-after-write   restart it armed with AGRITRACE_FAILPOINT=commit-after-write:K: it
#   commit-before-write  kills itself inside ChainStore::CommitBlock (block durable / not yet)
#   safety-after-write   ... inside SigningStateFile::Put: a vote or proposal signed and persisted but
#   safety-before-write  never sent / signed but not yet persisted (vote signing)
#   sync                 keep it down 3 s so it falls behind, restart it armed with sync-apply:K:
#                        it dies while range-syncing the blocks it missed
#   recovery             restart it and SIGKILL it again 0-1.5 s later (store open, replay of
#                        its safety state, first sync)
# Fail-point modes first SIGKILL the running victim at a random moment (an extra crash), then
# restart it armed (an armed victim that has not hit its point within 30 s is SIGKILLed and the
# iteration counts a "miss"). Then the victim restarts unarmed and the iteration checks:
#   1. its height when it first answers is at least the highest it ever reported (no committed
#      block lost);
#   2. it catches up, under load, to the reference's height within 60 s (it recovers alone);
# then the load pauses until the chain stands still (a few seconds), and:
#   3. the heights around the crash (first answer -3..+3) and the common tip have the same block
#      hash, parent and record ids on victim and reference (no fork, no half-applied block; a
#      header commits to its parent's hash, so an equal tip means equal chains below);
#   4. the state of the 12 newest lots and of 12 random older ones is identical on both
#      (quantity left, custodian, status, parents, children...);
#   5. across all its restarts the victim never signed two different votes or proposals for
#      one (height, round, type), and no node logged equivocation evidence.
# At the end every height (up to CRASH_FINAL_BLOCKS=600, else a random sample of that many)
# and every lot's state and history are compared once more. One line per iteration, then a
# summary; exit status 1 on any violation (the work directory, with every node's log, is kept).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
ITERATIONS=${1:-100}
[[ $ITERATIONS =~ ^[0-9]+$ ]] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
BIN=$(cd "${BIN_DIR:-$HERE/../build/bin}" && pwd)
for b in agritrace-node agritrace; do
  [[ -x $BIN/$b ]] || { echo "crash-test: no $BIN/$b (build first, or set BIN_DIR)" >&2; exit 1; }
done
# The interpreter itself, not a version-manager shim (which can cost seconds per call).
PY=$(python3 -c 'import sys; print(sys.executable)')
export PATH="$(dirname "$PY"):$PATH"  # the same for devnet.sh's python3 calls
SEED=${CRASH_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
MODES=(random commit-after-write safety-after-write sync recovery commit-before-write
       safety-before-write)
[[ -n ${CRASH_MODES:-} ]] && read -r -a MODES <<<"$CRASH_MODES"
FAILPOINT_WAIT_S=30   # an armed victim that has not hit its point by then is killed anyway
CATCH_UP_S=60
# The final comparison of every height costs two CLI calls per height; past this many heights
# it compares a random sample (plus the tip; every iteration already compared its crash window).
FINAL_BLOCKS=${CRASH_FINAL_BLOCKS:-600}

WORK=$(mktemp -d /tmp/agritrace-crash.XXXXXX)
NET=$WORK/net
CHECK=$WORK/check.py
export AGRITRACE_BIN=$BIN AGRITRACE_PASSWORD=crash-secret AGRITRACE_KEYSTORE=$NET/keystore
unset AGRITRACE_FAILPOINT
ulimit -c 0
VICTIM=validator-4 REF=validator-1
LOAD_PIDS=()
VICTIM_PID=""
stop_all() {
  local pid
  for pid in "${LOAD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${LOAD_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  LOAD_PIDS=()
  if [[ -n $VICTIM_PID ]]; then
    kill -KILL "$VICTIM_PID" 2>/dev/null || true
    wait "$VICTIM_PID" 2>/dev/null || true
    rm -f "$NET/$VICTIM/node.pid"
  fi
  "$HERE/devnet.sh" down "$NET" >/dev/null 2>&1 || true
}
PASSED=0
cleanup() {
  stop_all
  if ((PASSED)) && [[ ${CRASH_KEEP:-0} != 1 ]]; then rm -rf "$WORK"; else echo "work directory kept: $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {
  echo "VIOLATION: $*" >&2
  echo "seed $SEED; replay with CRASH_SEED=$SEED $0 $ITERATIONS" >&2
  local log
  for log in "$NET"/*/node.log; do echo "--- $log" >&2; tail -8 "$log" >&2; done
  exit 1
}

# --- The checker: settling, block, lot and vote comparisons.
cat >"$CHECK" <<'PY'
# One process per check (starting processes is what costs most on a busy machine). Settings
# come from check.json: the CLI, the victim's and reference's addresses, the nodes that take
# load, the work directory and the logs.
import json, os, random, re, subprocess, sys, time, urllib.error, urllib.request
from concurrent.futures import ThreadPoolExecutor

CONF = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "check.json")))

class Violation(Exception):
    pass

def http_json(addr, path):
    try:
        with urllib.request.urlopen(f"http://{addr}{path}", timeout=10) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:  # 404 for an unknown lot: its JSON body is the answer
        return json.loads(e.read())

def status(addr):
    try:
        d = http_json(addr, "/api/v1/status")
        return d["height"], d["mempool_size"]
    except Exception:
        return -1, -1

# Waits (after the script created WORK/pause) until both load loops have paused, no record is
# pending on the nodes that take load or on the victim, and all stand at one height for two
# reads in a row: from then on the chain does not move until the script resumes the load.
def settle(limit_s=90):
    work, deadline, prev = CONF["work"], time.time() + limit_s, None
    while time.time() < deadline:
        paused = all(os.path.exists(f"{work}/paused-{t}") for t in CONF["load_tags"])
        now = [status(a) for a in CONF["settle_http"]]
        if paused and now == prev and all(m == 0 and h == now[0][0] >= 0 for h, m in now):
            return now[0][0]
        prev = now
        time.sleep(0.3)
    raise Violation(f"the chain did not settle within {limit_s} s with the load paused: "
                    f"(height, pending) {prev}")

def block(grpc, h):
    try:
        out = subprocess.run([CONF["cli"], "--node", grpc, "--json", "block", str(h)],
                             capture_output=True, text=True, timeout=60)
        d = json.loads(out.stdout)
    except Exception:
        return None
    return d if "hash" in d else None

def compare_block(h):
    a, b = block(CONF["victim_grpc"], h), block(CONF["ref_grpc"], h)
    if a is None or b is None:
        return f"height {h} missing on the {'victim' if a is None else 'reference'}"
    for f in ("hash", "prev_hash", "records", "records_root"):
        if a[f] != b[f]:
            return f"FORK at height {h}: {f} {a[f]} (victim) != {b[f]} (reference)"
    return None

# Block hash, parent and record ids at each height on victim and reference (certificates may
# legitimately hold different sets of precommits, so they are not compared).
def compare_blocks(heights):
    with ThreadPoolExecutor(8) as pool:  # each CLI call mostly waits
        errors = [e for e in pool.map(compare_block, heights) if e]
    if errors:
        raise Violation(errors[0])
    return len(heights)

def compare_lots(lots, paths):
    for lot in lots:
        for p in paths:
            a, b = http_json(CONF["victim_http"], p + lot), http_json(CONF["ref_http"], p + lot)
            if a != b:
                raise Violation(f"STATE differs for {p}{lot}:\n"
                                f"  victim    {json.dumps(a, sort_keys=True)}\n"
                                f"  reference {json.dumps(b, sort_keys=True)}")
    return len(lots)

def load_lots():
    with open(os.path.join(CONF["work"], "lots.txt")) as f:
        return [line.strip() for line in f if line.strip()]

# The driver logs every signed proposal and vote before sending it (devnet_test.sh checks the
# same): two different blocks for one (kind, height, round, type) is a conflicting signature.
# Other validators log "evidence:" when they receive two different votes from one validator.
def check_votes():
    pat = re.compile(r"signed (vote|proposal) h=(\d+) r=(\d+)(?: type=(\S+))? block=(\S+)")
    seen, total = {}, 0
    for line in open(CONF["victim_log"], errors="replace"):
        m = pat.search(line)
        if not m:
            continue
        total += 1
        kind, h, r, t, blk = m.groups()
        first = seen.setdefault((kind, h, r, t), blk)
        if first != blk:
            raise Violation(f"CONFLICTING {kind} signed at h={h} r={r} {t or ''}: {first} and {blk}")
    for log in CONF["all_logs"]:
        for line in open(log, errors="replace"):
            if "evidence:" in line:
                raise Violation(f"equivocation evidence in {log}: {line.strip()}")
    return total

# check FIRST: after a restart at which the victim first reported height FIRST. Compares the
# heights around the crash and the common tip (a header commits to its parent's hash, so equal
# tips mean equal chains below), the newest lots and a random sample of older ones, and votes.
def cmd_check(first):
    t0 = time.time()
    tip = settle()
    settle_s = time.time() - t0
    first = int(first)
    heights = sorted(set(range(max(1, first - 3), min(first + 3, tip) + 1)) | {tip})
    nblocks = compare_blocks(heights)
    lots = load_lots()
    pick = sorted(set(lots[-12:] + random.sample(lots, min(12, len(lots)))))
    nlots = compare_lots(pick, ["/api/v1/lots/"])
    votes = check_votes()
    print(f"tip {tip}: blocks {heights[0]}..{min(first + 3, tip)},{tip} lots {nlots} "
          f"signed {votes} (settle {settle_s:.1f}s, checks {time.time() - t0 - settle_s:.1f}s)")

# final LIMIT: every height (a random sample of LIMIT with the tip past that), every lot's
# state and history, and the votes.
def cmd_final(limit):
    tip = settle()
    heights = list(range(1, tip + 1))
    if len(heights) > int(limit):
        heights = sorted(random.sample(heights[:-1], int(limit) - 1)) + heights[-1:]
    nblocks = compare_blocks(heights)
    nlots = compare_lots(load_lots(), ["/api/v1/lots/", "/api/v1/history/"])
    votes = check_votes()
    print(f"{tip} {nblocks} {nlots} {votes}")

try:
    {"check": cmd_check, "final": cmd_final}[sys.argv[1]](*sys.argv[2:])
except Violation as v:
    print(v, file=sys.stderr)
    sys.exit(1)
PY

# --- The network: 4 validators, no observer, from scripts/devnet.sh.
T0=$(date +%s)
"$HERE/devnet.sh" up "$NET" --validators 4 --observers 0 >/dev/null
declare -A GRPC HTTP
while read -r name grpc http; do GRPC[$name]=$grpc HTTP[$name]=$http; done < <("$PY" -c '
import json, sys
for n in json.load(open(sys.argv[1]))["nodes"]: print(n["name"], n["grpc"], n["http"])' "$NET/devnet.json")
VICTIM_PID=$(cat "$NET/$VICTIM/node.pid")
VLOG=$NET/$VICTIM/node.log
"$PY" - "$WORK/check.json" <<JSON
import json, sys
json.dump({"cli": "$BIN/agritrace", "work": "$WORK", "load_tags": ["A", "B"],
           "victim_grpc": "${GRPC[$VICTIM]}", "victim_http": "${HTTP[$VICTIM]}",
           "ref_grpc": "${GRPC[$REF]}", "ref_http": "${HTTP[$REF]}",
           "settle_http": ["${HTTP[$REF]}", "${HTTP[validator-2]}", "${HTTP[$VICTIM]}"],
           "victim_log": "$VLOG", "all_logs": [$(printf '"%s", ' "$NET"/*/node.log)]},
          open(sys.argv[1], "w"))
JSON
height() {  # the node's committed height, -1 when it does not answer
  local h
  h=$(curl -s -m 2 "http://${HTTP[$1]}/api/v1/status" 2>/dev/null | sed -n 's/.*"height": *\([0-9]*\).*/\1/p')
  echo "${h:--1}"
}
now() { date +%s%3N; }  # milliseconds
elapsed() { local ms=$(($(now) - $1)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
rand_ms() { echo $(($1 + RANDOM % ($2 - $1 + 1))); }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# Steady load: each loop submits journeys without waiting (the mempool accepts a record that
# depends on a pending one), waiting only on the last record of each so it cannot run ahead.
# While $WORK/pause exists the loops stop between journeys (checks need a chain that stands
# still for a moment), each saying so with $WORK/paused-TAG.
load_loop() {
  local node=$1 tag=$2 i=0 lot out
  exec >/dev/null 2>>"$WORK/load-$tag.err"
  cli_load() { "$BIN/agritrace" --node "${GRPC[$node]}" "$@"; }
  while :; do
    if [[ -e $WORK/pause ]]; then
      touch "$WORK/paused-$tag"
      sleep 0.1
      continue
    fi
    rm -f "$WORK/paused-$tag"
    i=$((i + 1))
    lot=$tag$i out=P$tag$i
    cli_load --key farmer harvest "01/06901234567892/10/$lot" --plot plot-1 --commodity rice --quantity 100kg \
      --field "Plot $i" --no-wait || { sleep 0.5; continue; }
    echo "01/06901234567892/10/$lot" >>"$WORK/lots.txt"
    cli_load --key farmer ship "01/06901234567892/10/$lot" --to packer --carrier carrier --no-wait || continue
    cli_load --key packer receive "01/06901234567892/10/$lot" --no-wait || continue
    cli_load --key packer pack --from "01/06901234567892/10/$lot:60kg" \
      --to "01/06901234567809/10/$out:12pcs" --net-mass 5kg || continue
    echo "01/06901234567809/10/$out" >>"$WORK/lots.txt"
  done
}
: >"$WORK/lots.txt"
load_loop validator-1 A & LOAD_PIDS+=($!)
load_loop validator-2 B & LOAD_PIDS+=($!)

# start_victim [FAILPOINT]: as devnet.sh start, but without waiting (an armed victim may die
# before it answers) and with the fail point in its environment.
start_victim() {
  echo "=== crash-test: start ${1:-unarmed} at $(date -u +%T.%N)" >>"$VLOG"
  if [[ -n ${1:-} ]]; then
    AGRITRACE_FAILPOINT=$1 setsid "$BIN/agritrace-node" run --dir "$NET/$VICTIM" >>"$VLOG" 2>&1 </dev/null &
  else
    setsid "$BIN/agritrace-node" run --dir "$NET/$VICTIM" >>"$VLOG" 2>&1 </dev/null &
  fi
  VICTIM_PID=$!
  echo "$VICTIM_PID" >"$NET/$VICTIM/node.pid"
}
MAX_SEEN=0
observe() {  # note the victim's height if it answers
  local h; h=$(height "$VICTIM")
  ((h > MAX_SEEN)) && MAX_SEEN=$h
  return 0
}
kill_victim() {
  observe
  kill -KILL "$VICTIM_PID" 2>/dev/null || true
  wait "$VICTIM_PID" 2>/dev/null || true
  # The first victim was started by devnet.sh, not by this shell, so `wait` cannot reap it:
  # make sure it is gone (and its RocksDB lock with it) before anything restarts it.
  for ((w = 0; w < 50 && $(kill -0 "$VICTIM_PID" 2>/dev/null && echo 1 || echo 0) == 1; w++)); do
    sleep 0.1
  done
  KILLS=$((KILLS + 1))
}
# wait_self_kill POINT: until the armed victim kills itself (then "hit"), else SIGKILL ("miss").
wait_self_kill() {
  local deadline=$(($(date +%s) + FAILPOINT_WAIT_S)) before
  before=$(grep -c "^failpoint $1 reached" "$VLOG" || true)
  while kill -0 "$VICTIM_PID" 2>/dev/null && (($(date +%s) < deadline)); do
    observe
    sleep 0.2
  done
  if kill -0 "$VICTIM_PID" 2>/dev/null; then
    kill_victim
    FP_RESULT=miss
  else
    wait "$VICTIM_PID" 2>/dev/null || true
    KILLS=$((KILLS + 1))
    FP_RESULT=hit
    if (($(grep -c "^failpoint $1 reached" "$VLOG" || true) <= before)); then
      fail "victim died without reaching fail point $1 (see $VLOG)"
    fi
  fi
}
wait_caught_up() {  # wait_caught_up TARGET: until the victim's height reaches TARGET
  local deadline=$(($(date +%s) + CATCH_UP_S)) h
  while :; do
    h=$(height "$VICTIM")
    ((h >= $1)) && return 0
    (($(date +%s) >= deadline)) && fail "victim did not catch up to height $1 within ${CATCH_UP_S}s (at $h)"
    sleep 0.2
  done
}

# The checks need a chain that stands still: pause the load (check.py waits for it to settle).
pause() { touch "$WORK/pause"; }
resume() { rm -f "$WORK/pause" "$WORK"/paused-*; }

# Let the load commit a block before the first kill.
for ((w = 0; w < 600 && $(height "$REF") < 1; w++)); do sleep 0.1; done
(($(height "$REF") >= 1)) || fail "the network does not commit under load"
observe
START_HEIGHT=$(height "$REF")
KILLS=0 VOTES=0
declare -A FP_HITS FP_MISSES
echo "crash-test: $ITERATIONS iterations, seed $SEED, victim $VICTIM, reference $REF, work $WORK"

for ((it = 1; it <= ITERATIONS; it++)); do
  mode=${MODES[$(((it - 1) % ${#MODES[@]}))]}
  t_iter=$(now)
  FP_RESULT="" detail=$mode kills_before=$KILLS
  case $mode in
    random)
      sleep_ms "$(rand_ms 200 2500)"
      kill_victim
      ;;
    commit-*|safety-*)
      sleep_ms "$(rand_ms 0 1500)"
      kill_victim
      case $mode in
        commit-*) count=$(rand_ms 1 6) ;;   # commits: one per block (sync's included)
        safety-*) count=$(rand_ms 1 12) ;;  # two or three signatures per height
      esac
      start_victim "$mode:$count"
      wait_self_kill "$mode"
      detail="$mode:$count $FP_RESULT"
      ;;
    sync)
      kill_victim
      behind_from=$(height "$REF")
      # Down long enough for the others to commit a few blocks it must then range-sync.
      for ((w = 0; w < 100 && $(height "$REF") < behind_from + 4; w++)); do sleep 0.1; done
      count=$(rand_ms 1 3)
      behind=$(($(height "$REF") - MAX_SEEN))
      start_victim "sync-apply:$count"
      wait_self_kill sync-apply
      detail="sync-apply:$count behind=$behind $FP_RESULT"
      ;;
    recovery)
      sleep_ms "$(rand_ms 0 1500)"
      kill_victim
      start_victim
      delay=$(rand_ms 0 1500)
      sleep_ms "$delay"
      kill_victim
      detail="recovery +${delay}ms"
      ;;
  esac
  if [[ $FP_RESULT == hit ]]; then FP_HITS[$mode]=$((${FP_HITS[$mode]:-0} + 1)); fi
  if [[ $FP_RESULT == miss ]]; then FP_MISSES[$mode]=$((${FP_MISSES[$mode]:-0} + 1)); fi
  sleep_ms "$(rand_ms 0 500)"

  # Restart unarmed and check.
  t_restart=$(now) before=$MAX_SEEN
  start_victim
  first=-1
  for ((w = 0; w < 300; w++)); do
    first=$(height "$VICTIM")
    ((first >= 0)) && break
    kill -0 "$VICTIM_PID" 2>/dev/null || fail "victim exited during restart (see $VLOG)"
    sleep 0.1
  done
  ((first >= 0)) || fail "victim did not answer within 30 s of its restart"
  ((first >= MAX_SEEN)) || fail "committed height went backwards: $MAX_SEEN before the crash, $first after"
  up_s=$(elapsed "$t_restart")
  target=$(height "$REF")
  wait_caught_up "$target"
  caught_s=$(elapsed "$t_restart")
  pause
  result=$("$PY" "$CHECK" check "$first") || fail "after iteration $it ($detail): see above"
  resume
  printf 'iter %3d/%d %-30s kills=%d height %d->%d, up %ss, caught up %ss; %s; ok %ss\n' \
    "$it" "$ITERATIONS" "$detail" $((KILLS - kills_before)) "$before" "$first" "$up_s" "$caught_s" \
    "$result" "$(elapsed "$t_iter")"
done

# --- Final: the load paused for good, everything compared once more.
pause
read -r target final_blocks final_lots VOTES < <("$PY" "$CHECK" final "$FINAL_BLOCKS" || echo FAIL) 
[[ $target != FAIL ]] || fail "final comparison: see above"
for pid in "${LOAD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${LOAD_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
LOAD_PIDS=()
((target > START_HEIGHT)) || fail "the network made no progress during the run"
hits="" misses=""
for m in "${!FP_HITS[@]}"; do hits+=" $m=${FP_HITS[$m]}"; done
for m in "${!FP_MISSES[@]}"; do misses+=" $m=${FP_MISSES[$m]}"; done
echo "crash-test passed: $ITERATIONS iterations, $KILLS kills of $VICTIM in $(($(date +%s) - T0))s (seed $SEED)"
echo "  chain height $START_HEIGHT -> $target; $final_blocks of $target heights compared at the end (all up to $FINAL_BLOCKS, else a sample), identical"
echo "  $final_lots lots identical (state and history); $VOTES signed votes/proposals, none conflicting"
echo "  fail points hit:${hits:- none}; missed (killed at random instead):${misses:- none}"
PASSED=1
