#!/usr/bin/env bash
# Extra Docker engines as the project's own test hosts, for the multi-host
# live tests: `npm run testbed -- --hosts 3` (after the usual testbed set-up)
# starts three engines, each in a network namespace of its own, and
# `npm run testbed -- --hosts-down` removes all of it again. Without either
# flag it does nothing: the single engine stays the default.
# `--host-stop hK` stops one host's engine (as a machine whose Docker goes away:
# its containers stop, its namespace, link and data stay), `--host-start hK`
# starts it again.
#
# Layout (all local to this machine, in a private range, no route out):
#   bridge natsmon-hbr (10.99.0.1/24 in the root namespace, so tests reach the hosts)
#   namespace natsmon-hK, eth0 = 10.99.0.(10+K)/24, joined to the bridge by a veth pair
#   dockerd in it, started with nsenter (ip netns exec remounts /sys and hides the
#   cgroup mounts), socket unix:///run/natsmon-hK.sock, data under /var/lib/natsmon-hosts/hK
# The testbed images are loaded into each engine (docker save | docker -H ... load).
# Everything it starts is recorded by pid file under /run/natsmon-hosts and stopped by
# that pid only; /run/natsmon-hosts/hosts.json tells the tests the hosts.
set -euo pipefail

STATE_DIR=/run/natsmon-hosts
DATA_DIR=/var/lib/natsmon-hosts
BRIDGE=natsmon-hbr
SUBNET_PREFIX=10.99.0
ENGINE_WAIT_SECONDS=60
STOP_WAIT_SECONDS=30
HOST_STOP_WAIT_SECONDS=90
MAX_HOSTS=5

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
log() { echo "--- testbed hosts: $*"; }

host_address() { echo "$SUBNET_PREFIX.$((10 + $1))"; }
host_socket() { echo "/run/natsmon-h$1.sock"; }

engine_answers() { as_root docker -H "unix://$(host_socket "$1")" info >/dev/null 2>&1; }

# Starts the engine of host K in its namespace and waits until it answers.
start_engine() {
  local k="$1" ns="natsmon-h$1" address socket pidfile
  address="$(host_address "$k")"
  socket="$(host_socket "$k")"
  pidfile="$STATE_DIR/h$k.pid"
  log "starting the engine of $ns on $socket ($address)"
  as_root mkdir -p "$DATA_DIR/h$k/data" "$DATA_DIR/h$k/exec"
  # Every descriptor above 2 is closed first: run under `flock /tmp/natsmon-docker.lock`, the
  # engine would otherwise inherit the lock's descriptor and hold the lock for as long as it runs.
  as_root bash -c "for fd in \$(ls /proc/\$\$/fd); do [ \"\$fd\" -gt 2 ] && eval \"exec \$fd>&-\" 2>/dev/null; done; \
    setsid nohup nsenter --net=/var/run/netns/$ns dockerd --data-root '$DATA_DIR/h$k/data' \
    --exec-root '$DATA_DIR/h$k/exec' -H 'unix://$socket' --pidfile '$pidfile' \
    >>'$STATE_DIR/h$k.log' 2>&1 </dev/null &"
  local waited=0
  until engine_answers "$k"; do
    if [ "$waited" -ge "$ENGINE_WAIT_SECONDS" ]; then
      echo "the engine of $ns did not answer within ${ENGINE_WAIT_SECONDS}s; last lines of $STATE_DIR/h$k.log:" >&2
      tail -n 20 "$STATE_DIR/h$k.log" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# Stops the engine whose pid file is $1 (SIGTERM, then SIGKILL after $2 seconds); only that pid.
stop_engine() {
  local pidfile="$1" wait_seconds="$2" pid waited=0
  [ -e "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if [ -n "$pid" ] && as_root kill -0 "$pid" 2>/dev/null; then
    log "stopping dockerd $pid ($pidfile)"
    as_root kill "$pid"
    while as_root kill -0 "$pid" 2>/dev/null; do
      if [ "$waited" -ge "$wait_seconds" ]; then
        log "dockerd $pid did not stop in ${wait_seconds}s; killing it"
        as_root kill -9 "$pid" 2>/dev/null || true
        break
      fi
      sleep 1
      waited=$((waited + 1))
    done
  fi
  as_root rm -f "$pidfile"
}

# The K of a host name hK that `--hosts` started (its namespace exists), or an error.
host_index() {
  local name="$1"
  if ! [[ "$name" =~ ^h([0-9]+)$ ]] || ! ip netns list | grep -qw "natsmon-$name"; then
    echo "testbed hosts: no test host '$name' (names are h1..hN, as --hosts started them; see $STATE_DIR/hosts.json)" >&2
    return 2
  fi
  echo "${BASH_REMATCH[1]}"
}

# Stops one host's engine, as a machine whose Docker goes away: dockerd stops its containers
# (each with its stop signal and timeout: a NATS node goes through lame duck mode), and its
# namespace, link, data and images stay, so --host-start brings the same host back.
host_stop() {
  local k
  k="$(host_index "${1:-}")" || return 2
  # Longer than a NATS node's stop timeout (lame duck grace + duration + margin: 55 s by default).
  stop_engine "$STATE_DIR/h$k.pid" "$HOST_STOP_WAIT_SECONDS"
  log "h$k: engine stopped (namespace, link and data kept; --host-start h$k starts it again)"
}

# Starts one host's engine again: containers with a restart policy of always or unless-stopped come back.
host_start() {
  local k
  k="$(host_index "${1:-}")" || return 2
  if engine_answers "$k"; then
    log "h$k: engine already running"
    return 0
  fi
  start_engine "$k"
  log "h$k: engine started"
}

up() {
  local count="$1"
  if ! [[ "$count" =~ ^[0-9]+$ ]] || [ "$count" -lt 2 ] || [ "$count" -gt "$MAX_HOSTS" ]; then
    echo "testbed hosts: --hosts takes a number from 2 to $MAX_HOSTS, got '$count'" >&2
    return 2
  fi
  as_root mkdir -p "$STATE_DIR"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    as_root ip link add "$BRIDGE" type bridge
    as_root ip addr add "$SUBNET_PREFIX.1/24" dev "$BRIDGE"
    as_root ip link set "$BRIDGE" up
  fi
  # The default engine sets FORWARD to DROP: let the hosts talk to each other on the bridge (once).
  as_root iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null ||
    as_root iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  local images
  images="$(as_root docker images --format '{{.Repository}}:{{.Tag}}' | grep '^natsmon-testbed/' | sort -u | tr '\n' ' ')"
  local json="[" k
  for k in $(seq 1 "$count"); do
    local ns="natsmon-h$k" address socket pidfile
    address="$(host_address "$k")"
    socket="$(host_socket "$k")"
    pidfile="$STATE_DIR/h$k.pid"
    if ! ip netns list | grep -qw "$ns"; then
      as_root ip netns add "$ns"
      as_root ip link add "natsmon-v$k" type veth peer name eth0 netns "$ns"
      as_root ip link set "natsmon-v$k" master "$BRIDGE" up
      as_root ip -n "$ns" addr add "$address/24" dev eth0
      as_root ip -n "$ns" link set eth0 up
      as_root ip -n "$ns" link set lo up
    fi
    engine_answers "$k" || start_engine "$k"
    local image missing=()
    for image in $images; do
      as_root docker -H "unix://$socket" image inspect "$image" >/dev/null 2>&1 || missing+=("$image")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
      log "loading ${#missing[@]} testbed image(s) into $ns"
      as_root docker save "${missing[@]}" | as_root docker -H "unix://$socket" load -q >/dev/null
    fi
    [ "$k" -gt 1 ] && json+=","
    json+="{\"name\":\"h$k\",\"socket\":\"$socket\",\"address\":\"$address\",\"namespace\":\"$ns\",\"link\":\"natsmon-v$k\"}"
  done
  json+="]"
  echo "$json" | as_root tee "$STATE_DIR/hosts.json" >/dev/null
  log "$count engines up: $STATE_DIR/hosts.json"
}

down() {
  local pidfile
  for pidfile in "$STATE_DIR"/h*.pid; do
    stop_engine "$pidfile" "$STOP_WAIT_SECONDS"
  done
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep '^natsmon-h[0-9]*$' || true); do
    as_root ip netns del "$ns"
  done
  local link
  for link in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep '^natsmon-v[0-9]*$' || true); do
    as_root ip link del "$link" 2>/dev/null || true
  done
  while as_root iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null; do
    as_root iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then as_root ip link del "$BRIDGE"; fi
  as_root rm -rf "$STATE_DIR" "$DATA_DIR" /run/natsmon-h[0-9].sock
  log "down: engines stopped, namespaces, links, bridge, rule and data removed"
}

case "${1:-}" in
  "") ;;
  --hosts) up "${2:-}" ;;
  --hosts-down) down ;;
  --host-stop) host_stop "${2:-}" ;;
  --host-start) host_start "${2:-}" ;;
  *)
    echo "testbed hosts: unknown argument '$1' (use --hosts N, --hosts-down, --host-stop hK or --host-start hK)" >&2
    exit 2
    ;;
esac
