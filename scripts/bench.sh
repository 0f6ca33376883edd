#!/usr/bin/env bash
# Runs the standard performance set (its targets are in docs/performance.md) and writes its
# table into docs/performance.md (between the bench:begin / bench:end markers), with the
# machine, the date and the commands.
#
#   scripts/bench.sh [--quick] [--no-doc] [--keep]
#   scripts/bench.sh --growth [--growth-records N] [--no-doc] [--keep]
#
#   (a) one validator (agritrace-node init): saturation, committed records/s vs raw verify
#   (b) devnet of 4 validators + 1 observer: the sustained rate, then p99 latency at 80% of it
#       and at 1,000 records/s
#   (c) product page and JSON bundle of a 20-event lineage: the observer vs nginx, same bytes (wrk)
#   (d) a fresh observer catching up a chain of 100,000 records (1 validator + 1 observer)
#   (e) `agritrace verify` of a 50-event bundle (hyperfine)
#   (f) disk bytes per committed record after a full compaction, vs the signed envelope
#
# --quick: smaller runs (a couple of minutes) to check the tools; the figures mean little.
# --growth: only (g), growth: one validator's committed/s on an empty chain, then filled to
#   N records (--growth-records, default 5,000,000; 10-20 minutes on 2 cores), then again;
#   the node's peak RSS throughout and disk per record after a full compaction. Writes its own
#   section (growth:begin / growth:end) of docs/performance.md.
# --no-doc: print the table, leave docs/performance.md alone. --keep: keep the work directory.
# Binaries come from $AGRITRACE_BIN (default build/bin; built with scripts/setup.sh when
# missing); wrk, hyperfine, nginx are installed with apt when missing (benchmarks only). Not a test:
# nothing here asserts a timing. Results (JSON of every step) stay in $WORK/results.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
source "$HERE/lib.sh"
BIN=${AGRITRACE_BIN:-$ROOT/build/bin}
export AGRITRACE_PASSWORD=${AGRITRACE_PASSWORD:-agritrace-dev}

QUICK=0 DOC=1 KEEP=0 GROWTH=0 GROWTH_RECORDS=5000000
while (($#)); do
  case $1 in
    --quick) QUICK=1 ;;
    --no-doc) DOC=0 ;;
    --keep) KEEP=1 ;;
    --growth) GROWTH=1 ;;
    --growth-records) GROWTH=1 GROWTH_RECORDS=${2:?--growth-records needs a number}; shift ;;
    *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
  shift
done

# Sizes: full run <= 15 minutes on 2 cores; --quick a couple of minutes.
if ((QUICK)); then
  A_RECORDS=3000 A_UNARY_RECORDS=600 B_MAX_RECORDS=3000 B_SECONDS=4 HTTP_SECONDS=3
  CATCHUP_RECORDS=5000 VERIFY_RUNS=5
else
  A_RECORDS=30000 A_UNARY_RECORDS=6000 B_MAX_RECORDS=20000 B_SECONDS=15 HTTP_SECONDS=10
  CATCHUP_RECORDS=100000 VERIFY_RUNS=30
fi
HTTP_CONNECTIONS=32
LINEAGE_PAGE=20 LINEAGE_VERIFY=50

log() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

need_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v hyperfine >/dev/null || missing+=(hyperfine)
  command -v curl >/dev/null || missing+=(curl)
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  if ((${#missing[@]})); then
    log "installing ${missing[*]} (apt)"
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null || log "could not install ${missing[*]}; those steps fall back or skip"
  fi
  local b
  for b in agritrace-node agritrace agritrace-bench agritrace-dbstat; do
    [[ -x $BIN/$b ]] && continue
    [[ -n ${AGRITRACE_BIN:-} ]] && die "no $BIN/$b"
    log "building (scripts/setup.sh)"
    "$ROOT/scripts/setup.sh" >/dev/null
    break
  done
}

# --growth keeps its own name: its chain takes a while to build.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/agritrace-$( ((GROWTH)) && echo growth || echo bench).XXXXXX")
RESULTS=$WORK/results
mkdir -p "$RESULTS"
PIDS=()
DEVNETS=()
SAMPLER=
cleanup() {
  local pid dir
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [[ -n $SAMPLER ]]; then kill "$SAMPLER" 2>/dev/null || true; fi

  for dir in "${DEVNETS[@]}"; do "$HERE/devnet.sh" down "$dir" >/dev/null 2>&1 || true; done
  if ((KEEP)); then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
devnet() { AGRITRACE_BIN=$BIN "$HERE/devnet.sh" "$@"; }
node_field() {  # node_field DEVNET_DIR NODE_NAME FIELD
  python3 -c 'import json,sys; print(next(n[sys.argv[3]] for n in json.load(open(sys.argv[1]+"/devnet.json"))["nodes"] if n["name"]==sys.argv[2]))' "$1" "$2" "$3"
}
height_of() { "$BIN/agritrace" --node "$1" --json status 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo 0; }

# wait_for_url URL ACCEPT SECONDS: until the URL answers 200 (an observer has synced a lot).
wait_for_url() {
  for ((i = 0; i < $3 * 10; i++)); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Accept: $2" "$1") == 200 ]] && return 0
    sleep 0.1
  done
  die "$1 did not answer 200 within $3 s"
}

# wrk_json NAME URL [HEADER]: requests/s, latency percentiles and errors as JSON. A 2-second
# run first, discarded, for our gateway and nginx alike: both measured warm (caches filled, the
# node done with the writes of the lineage just committed), as a benchmark of a server should.
wrk_json() {
  local name=$1 url=$2 header=${3:-}
  local args=(-t2 -c"$HTTP_CONNECTIONS" --latency)
  [[ -n $header ]] && args+=(-H "$header")
  wrk "${args[@]}" -d2s "$url" >/dev/null
  wrk "${args[@]}" -d"${HTTP_SECONDS}s" "$url" >"$RESULTS/$name.wrk.txt"
  python3 - "$RESULTS/$name.wrk.txt" >"$RESULTS/$name.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
out = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
for p in ("50", "90", "99"):
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    out[f"p{p}_ms"] = ms(*m.groups()) if m else None
m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
out["non_2xx"] = int(m.group(1)) if m else 0
m = re.search(r"Socket errors:(.*)", text)
out["socket_errors"] = m.group(1).strip() if m else ""
print(json.dumps(out))
PY
}

# (c) The page and the bundle from the observer, then the same bytes from nginx as static files,
# each with the same wrk. The responses are saved as wrk gets them (curl sending only what wrk
# sends: Host, and Accept for the bundle); nginx serves them with the gateway's status, Content-
# Type and other headers (Link, Vary, CORS), keep-alive, from a temporary config of its own: an
# unprivileged loopback port, its prefix, pid and logs in $WORK/nginx, 2 worker processes,
# sendfile, no access log; otherwise nginx's defaults (keepalive_requests 1000, timeout 75 s).
bench_http_vs_nginx() {
  local url=$1 dir=$WORK/nginx port name
  wrk_json c_page "$url"
  wrk_json c_bundle "$url" "Accept: application/json"
  local nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  if [[ ! -x $nginx ]]; then
    log "(c) no nginx: the gateway's figures alone"
    return 0
  fi
  mkdir -p "$dir/www" "$dir/tmp"
  curl -sf -H 'Accept:' -H 'User-Agent:' -D "$dir/page.head" -o "$dir/www/page" "$url"
  curl -sf -H 'User-Agent:' -H 'Accept: application/json' -D "$dir/bundle.head" \
    -o "$dir/www/bundle" "$url"
  port=$(free_port)
  python3 - "$dir" "$port" >"$dir/nginx.conf" <<'PY'
import re, sys
dir, port = sys.argv[1:]
# Headers nginx writes itself (or that belong to the connection, not the content).
OWN = {"content-length", "connection", "keep-alive", "date", "server", "transfer-encoding"}
def quote(v):
    if "$" in v:
        sys.exit(f"bench: a header value holds '$', which nginx would expand: {v}")
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
locations = []
for name in ("page", "bundle"):
    lines = open(f"{dir}/{name}.head", newline="").read().split("\r\n")
    if not re.match(r"HTTP/1\.[01] 200 ", lines[0]):
        sys.exit(f"bench: the gateway answered {lines[0]!r} for the {name}")
    directives = []
    for line in lines[1:]:
        if not line:
            break
        key, value = line.split(":", 1)
        key, value = key.strip(), value.strip()
        if key.lower() == "content-type":
            directives.append(f"default_type {quote(value)}")
        elif key.lower() not in OWN:
            directives.append(f"add_header {key} {quote(value)}")
    locations.append(f"    location = /{name} {{ types {{ }} " + "; ".join(directives) + "; }")
print(f"""daemon off;
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  client_body_temp_path {dir}/tmp/body;
  proxy_temp_path {dir}/tmp/proxy;
  fastcgi_temp_path {dir}/tmp/fastcgi;
  uwsgi_temp_path {dir}/tmp/uwsgi;
  scgi_temp_path {dir}/tmp/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {dir}/www;
{chr(10).join(locations)}
  }}
}}""")
PY
  # Run as root, nginx's workers become `nobody`: they must be able to read the files.
  chmod a+x "$WORK" "$dir"
  chmod -R a+rX "$dir/www"
  "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
  PIDS+=($!)
  wait_for_url "http://127.0.0.1:$port/page" '*/*' 10
  for name in page bundle; do
    curl -sf "http://127.0.0.1:$port/$name" | cmp -s - "$dir/www/$name" ||
      die "(c) nginx does not serve the gateway's $name byte for byte"
  done
  log "(c) nginx serving the same bytes on 127.0.0.1:$port"
  wrk_json c_nginx_page "http://127.0.0.1:$port/page"
  wrk_json c_nginx_bundle "http://127.0.0.1:$port/bundle" "Accept: application/json"
  stop_pid "${PIDS[-1]}"
  unset 'PIDS[-1]'
  python3 - "$RESULTS" "$dir" >"$RESULTS/c_vs_nginx.json" <<'PY'
import json, os, sys
results, dir = sys.argv[1:]
out = {}
for name in ("page", "bundle"):
    ours = json.load(open(f"{results}/c_{name}.json"))
    nginx = json.load(open(f"{results}/c_nginx_{name}.json"))
    out[name] = {"bytes": os.path.getsize(f"{dir}/www/{name}"),
                 "requests_per_s": ours["requests_per_s"], "p99_ms": ours["p99_ms"],
                 "nginx_requests_per_s": nginx["requests_per_s"], "nginx_p99_ms": nginx["p99_ms"],
                 "ratio": ours["requests_per_s"] / nginx["requests_per_s"]}
print(json.dumps(out))
PY
}

# (a) One validator made by `agritrace-node init`: batched saturation, then the unary path.
bench_single() {
  local dir=$WORK/single grpc=127.0.0.1:$(free_port) http=127.0.0.1:$(free_port)
  log "(a) one validator: $A_RECORDS records, batch 200"
  "$BIN/agritrace-node" init --dir "$dir" --grpc-addr "$grpc" --http-addr "$http" \
    --scrypt-n 1024 >/dev/null
  "$BIN/agritrace-node" run --dir "$dir" >"$WORK/single.log" 2>&1 &
  PIDS+=($!)
  wait_for_node "$BIN/agritrace" "$grpc"
  "$BIN/agritrace-bench" --dir "$dir" --records "$A_RECORDS" --batch 200 --json \
    >"$RESULTS/a_single.json" || log "(a) some records did not commit (see a_single.json)"
  log "(a) one validator: $A_UNARY_RECORDS records, batch 1 (one SubmitRecord per record)"
  "$BIN/agritrace-bench" --dir "$dir" --records "$A_UNARY_RECORDS" --batch 1 --json \
    >"$RESULTS/a_unary.json" || log "(a) some unary records did not commit"
  stop_pid "${PIDS[-1]}"
  unset 'PIDS[-1]'
}

# (b), (c), (e) on a devnet of 4 validators and 1 observer.
bench_devnet() {
  local dir=$WORK/devnet
  log "(b) devnet: 4 validators + 1 observer"
  DEVNETS+=("$dir")
  devnet up "$dir" --validators 4 --observers 1 >/dev/null
  "$BIN/agritrace-bench" --devnet "$dir" --records "$B_MAX_RECORDS" --json \
    >"$RESULTS/b_max.json" || log "(b) some records did not commit at full speed"
  local max rate80
  max=$(jq_py "$RESULTS/b_max.json" 'int(d["committed_per_s"])')
  rate80=$((max * 8 / 10))
  ((rate80 > 0)) || die "(b) the devnet committed nothing"
  log "(b) sustained $max records/s; latency at 80% ($rate80/s) for ${B_SECONDS}s"
  "$BIN/agritrace-bench" --devnet "$dir" --rate "$rate80" --duration "$B_SECONDS" --json \
    >"$RESULTS/b_rate80.json" || log "(b) some records did not commit at 80%"
  log "(b) latency at 1000 records/s for ${B_SECONDS}s"
  "$BIN/agritrace-bench" --devnet "$dir" --rate 1000 --duration "$B_SECONDS" --json \
    >"$RESULTS/b_rate1000.json" || log "(b) some records did not commit at 1000/s"

  local observer_http lot20 lot50 base
  observer_http=$(node_field "$dir" observer-1 http)
  base=http://$observer_http
  log "(c) a $LINEAGE_PAGE-event lineage, then wrk against the observer's page and bundle"
  "$BIN/agritrace-bench" --devnet "$dir" --lineage "$LINEAGE_PAGE" --json >"$RESULTS/lineage20.json"
  lot20=$(jq_py "$RESULTS/lineage20.json" 'd["lot"]')
  wait_for_url "$base/$lot20" application/json 30
  curl -s -H 'Accept: application/json' "$base/$lot20" >"$WORK/bundle20.json"
  jq_py "$WORK/bundle20.json" 'len(d["records"])' >"$RESULTS/bundle20.records"
  bench_http_vs_nginx "$base/$lot20"

  log "(e) agritrace verify of a $LINEAGE_VERIFY-event bundle"
  "$BIN/agritrace-bench" --devnet "$dir" --lineage "$LINEAGE_VERIFY" --json >"$RESULTS/lineage50.json"
  lot50=$(jq_py "$RESULTS/lineage50.json" 'd["lot"]')
  wait_for_url "$base/$lot50" application/json 30
  curl -s -H 'Accept: application/json' "$base/$lot50" >"$WORK/bundle50.json"
  jq_py "$WORK/bundle50.json" 'len(d["records"])' >"$RESULTS/bundle50.records"
  local verify=("$BIN/agritrace" verify "$WORK/bundle50.json" --genesis "$dir/genesis.json")
  "${verify[@]}" >/dev/null || die "(e) the 50-event bundle does not verify"
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs "$VERIFY_RUNS" --export-json "$WORK/verify.hf.json" \
      "${verify[*]}" >/dev/null 2>&1
    python3 - "$WORK/verify.hf.json" >"$RESULTS/e_verify.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = sorted(r["times"])
print(json.dumps({"tool": "hyperfine", "runs": len(t), "mean_ms": r["mean"] * 1000,
                  "median_ms": r["median"] * 1000, "min_ms": r["min"] * 1000,
                  "max_ms": r["max"] * 1000}))
PY
  else
    local times=() s
    for ((i = 0; i < VERIFY_RUNS; i++)); do
      s=$(date +%s%N); "${verify[@]}" >/dev/null; times+=($(( ($(date +%s%N) - s) / 1000 )))
    done
    python3 -c 'import json,statistics,sys; t=sorted(int(x)/1000 for x in sys.argv[1:]); print(json.dumps({"tool":"date loop","runs":len(t),"mean_ms":statistics.mean(t),"median_ms":statistics.median(t),"min_ms":t[0],"max_ms":t[-1]}))' \
      "${times[@]}" >"$RESULTS/e_verify.json"
  fi
  devnet down "$dir" >/dev/null
  DEVNETS=()
}

# (d) and (f): one validator loaded with CATCHUP_RECORDS while its observer is stopped with an
# empty data directory; then the observer starts and catches up. Then the validator stops and
# its RocksDB directory is measured before and after a full compaction.
bench_catchup() {
  local dir=$WORK/catchup validator observer data
  log "(d) one validator + observer: $CATCHUP_RECORDS records with the observer stopped"
  DEVNETS+=("$dir")
  devnet up "$dir" --validators 1 --observers 1 >/dev/null
  validator=$(node_field "$dir" validator-1 grpc)
  observer=$(node_field "$dir" observer-1 grpc)
  data=$(node_field "$dir" observer-1 data_dir)
  stop_pid "$(cat "$dir/observer-1/node.pid")"
  rm -f "$dir/observer-1/node.pid"
  rm -rf "$data"
  "$BIN/agritrace-bench" --devnet "$dir" --records "$CATCHUP_RECORDS" --json \
    >"$RESULTS/d_load.json" || log "(d) some records did not commit"
  local target start end height=0
  target=$(height_of "$validator")
  log "(d) observer catching up to height $target"
  local log_offset
  log_offset=$(wc -c <"$dir/observer-1/node.log")
  start=$(date +%s%N)
  devnet start "$dir" observer-1 >/dev/null
  until ((height >= target)); do
    sleep 0.1
    height=$(height_of "$observer")
    (($(date +%s%N) - start > 600 * 1000000000)) && die "(d) the observer did not catch up in 600 s"
  done
  end=$(date +%s%N)
  devnet down "$dir" >/dev/null
  DEVNETS=()
  "$BIN/agritrace-dbstat" "$(node_field "$dir" validator-1 data_dir)" --compact --json \
    >"$RESULTS/f_disk.json"
  "$BIN/agritrace-dbstat" "$data" --json >"$RESULTS/d_observer_disk.json"
  # Split the time with the observer's log: process start until its first line, then syncing
  # until its last committed block.
  python3 - "$target" "$start" "$end" "$dir/observer-1/node.log" "$log_offset" \
    >"$RESULTS/d_catchup.json" <<'PY'
import datetime, json, re, sys
target, start, end, log, offset = sys.argv[1:]
text = open(log, errors="replace").read()[int(offset):]
stamps = re.findall(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\] \[\w+\] (.*)$", text, re.M)
def epoch(s):
    return datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S.%f").timestamp()
out = {"height": int(target), "seconds": (int(end) - int(start)) / 1e9}
commits = [epoch(t) for t, m in stamps if m.startswith("committed block")]
if stamps and commits:
    out["startup_s"] = epoch(stamps[0][0]) - int(start) / 1e9
    out["sync_s"] = commits[-1] - epoch(stamps[0][0])
print(json.dumps(out))
PY
}

# (g) growth: one validator made by `agritrace-node init`; the fixed run (G_RECORDS, batch 200)
# on the empty chain, then the chain filled to GROWTH_RECORDS in calls of at most G_CHUNK
# records (each agritrace-bench call presigns its whole load first: G_CHUNK bounds its memory,
# about 650 bytes per record, 304 MB measured for 470,000), then the fixed run again. The
# node's VmRSS is sampled every second from start to stop; then the stopped node's directory
# is compacted and measured.
G_RECORDS=30000 G_CHUNK=500000
bench_growth() {
  local dir=$WORK/growth grpc=127.0.0.1:$(free_port) http=127.0.0.1:$(free_port) pid
  log "(g) one validator, empty chain: $G_RECORDS records, batch 200"
  "$BIN/agritrace-node" init --dir "$dir" --grpc-addr "$grpc" --http-addr "$http" \
    --scrypt-n 1024 >/dev/null
  "$BIN/agritrace-node" run --dir "$dir" >"$WORK/growth.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  # VmRSS (kB) every second, with the time: phases are split by the times below.
  (while kill -0 "$pid" 2>/dev/null; do
     echo "$(date +%s.%N) $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
     sleep 1
   done) >"$RESULTS/g_rss.txt" &
  SAMPLER=$!
  wait_for_node "$BIN/agritrace" "$grpc"
  local t_start t_empty t_fill t_full
  t_start=$(date +%s.%N)
  "$BIN/agritrace-bench" --dir "$dir" --records "$G_RECORDS" --batch 200 --json \
    >"$RESULTS/g_empty.json" || log "(g) some records did not commit on the empty chain"
  t_empty=$(date +%s.%N)
  local filled chunk n=0
  filled=$(jq_py "$RESULTS/g_empty.json" 'd["committed"]')
  while ((filled < GROWTH_RECORDS)); do
    chunk=$((GROWTH_RECORDS - filled))
    ((chunk > G_CHUNK)) && chunk=$G_CHUNK
    n=$((n + 1))
    log "(g) filling: $filled records on chain, $chunk more"
    "$BIN/agritrace-bench" --dir "$dir" --records "$chunk" --batch 200 --json \
      >"$RESULTS/g_fill_$n.json" || log "(g) some fill records did not commit (g_fill_$n.json)"
    local got
    got=$(jq_py "$RESULTS/g_fill_$n.json" 'd["committed"]')
    ((got > 0)) || die "(g) fill call $n committed nothing (g_fill_$n.json)"
    filled=$((filled + got))
  done
  t_fill=$(date +%s.%N)
  log "(g) $filled records on chain: $G_RECORDS records, batch 200"
  "$BIN/agritrace-bench" --dir "$dir" --records "$G_RECORDS" --batch 200 --json \
    >"$RESULTS/g_full.json" || log "(g) some records did not commit on the full chain"
  t_full=$(date +%s.%N)
  cp "$dir/data/LOG" "$RESULTS/g_rocksdb_LOG" 2>/dev/null || true
  stop_pid "$pid"
  unset 'PIDS[-1]'
  wait "$SAMPLER" 2>/dev/null || true
  log "(g) compacting and measuring the data directory"
  "$BIN/agritrace-dbstat" "$dir/data" --compact --json >"$RESULTS/g_disk.json"
  echo "{\"start\": $t_start, \"empty_done\": $t_empty, \"fill_done\": $t_fill, \"full_done\": $t_full, \"fill_calls\": $n, \"chunk\": $G_CHUNK}" \
    >"$RESULTS/g_phases.json"
}

run_growth() {
  need_tools
  local t0 load_before elapsed table
  t0=$(date +%s)
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  "$BIN/agritrace-bench" --raw-verify --json >"$RESULTS/raw.json"
  bench_growth
  elapsed=$(($(date +%s) - t0))
  log "growth done in ${elapsed}s; results in $RESULTS"
  table=$WORK/growth.md
  python3 "$ROOT/bench/growth_report.py" "$RESULTS" --target "$GROWTH_RECORDS" \
    --elapsed "$elapsed" --load "$load_before / $(cut -d' ' -f1-3 /proc/loadavg)" \
    --commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo +dirty)" \
    >"$table"
  python3 "$ROOT/bench/growth_report.py" --summary "$RESULTS" --target "$GROWTH_RECORDS" \
    >"$RESULTS/g_growth.json"
  cat "$table"
  if ((DOC)); then
    python3 "$ROOT/bench/growth_report.py" --splice "$ROOT/docs/performance.md" "$table"
    log "growth table written to docs/performance.md"
  fi
}

if ((GROWTH)); then
  run_growth
  exit 0
fi

need_tools
T0=$(date +%s)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
"$BIN/agritrace-bench" --raw-verify --json >"$RESULTS/raw.json"
bench_single
bench_devnet
bench_catchup
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
ELAPSED=$(($(date +%s) - T0))
log "done in ${ELAPSED}s; results in $RESULTS"

TABLE=$WORK/table.md
python3 "$ROOT/bench/bench_report.py" "$RESULTS" --quick "$QUICK" --elapsed "$ELAPSED" \
  --load "$LOAD_BEFORE / $LOAD_AFTER" --commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo +dirty)" \
  >"$TABLE"
cat "$TABLE"
if ((DOC)); then
  python3 "$ROOT/bench/bench_report.py" --splice "$ROOT/docs/performance.md" "$TABLE"
  log "table written to docs/performance.md"
fi
