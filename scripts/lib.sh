# Shared helpers for AgriTrace scripts (sourced, not run).

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_node AGRITRACE_BIN ADDR [SECONDS]: until `agritrace status` answers.
wait_for_node() {
  local cli=$1 addr=$2 limit=${3:-30}
  for ((i = 0; i < limit * 10; i++)); do
    "$cli" --node "$addr" status >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "node at $addr did not come up within ${limit}s" >&2
  return 1
}

# stop_pid PID: SIGTERM, then wait (up to 10 s) for it to exit.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
