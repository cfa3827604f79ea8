#!/usr/bin/env bash
# Prepares the Docker engine the live tests (npm run test:live) run on:
#   1. installs Debian's docker.io and debootstrap when they are missing,
#   2. starts dockerd when no engine answers,
#   3. builds three local images from Debian packages, since no image registry
#      is reachable: nats-server 2.9.10 (NATS_IMAGE, for the checks against
#      the older server line), Prometheus 2.42 (the stand-in for
#      prom/prometheus) and node-exporter 1.5 (the stand-in for
#      prom/node-exporter),
#   4. builds, in scripts/testbed-go.sh, the pinned nats-server, Surveyor,
#      prometheus-nats-exporter, natscli (nats-box) and Alertmanager from
#      their Go modules and lays out their images.
# Idempotent: a second run finds everything in place and takes a second or two.
# Runs as root (or through sudo) on a fresh Debian bookworm machine.
#
# The images keep the official images' conventions wherever the synthesized
# plan relies on them (binary names and paths, config paths, data directories,
# the user Prometheus runs as, a busybox wget for healthchecks), so a
# container created exactly as the plan says behaves as it would in production.
set -euo pipefail

NATS_IMAGE="natsmon-testbed/nats:bookworm"
PROMETHEUS_IMAGE="natsmon-testbed/prometheus:bookworm"
NODE_EXPORTER_IMAGE="natsmon-testbed/node-exporter:bookworm"
SUITE="bookworm"
CACHE_DIR="${TESTBED_CACHE_DIR:-/var/cache/natsmon-testbed}"
DOCKERD_LOG="${TESTBED_DOCKERD_LOG:-/var/log/natsmon-testbed-dockerd.log}"
ENGINE_WAIT_SECONDS=60
# Any change to this script rebuilds the images: their recipe label records it.
RECIPE="$(sha256sum "$0" | cut -c1-16)"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
log() { echo "--- testbed: $*"; }

# The Debian mirror this machine's apt already uses (reachable by definition),
# from its deb822 .sources files or one-line .list files; the security
# archive holds only updates, not a whole suite. No fallback host: a machine
# without a configured mirror gets a clear error instead of a guess.
# TESTBED_APT_DIR (default /etc/apt) lets the tests point it at other files.
debian_mirror() {
  local apt="${TESTBED_APT_DIR:-/etc/apt}" uri
  uri="$(
    {
      awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$apt"/sources.list.d/*.sources 2>/dev/null || true
      # deb [options] URI suite components
      sed -E -n 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' \
        "$apt/sources.list" "$apt"/sources.list.d/*.list 2>/dev/null || true
    } | { grep -v -- '-security' || true; } | head -n1
  )"
  if [ -z "$uri" ]; then
    echo "testbed: no Debian mirror is configured for apt (no URIs in $apt/sources.list.d/*.sources, no deb line in" \
      "$apt/sources.list or $apt/sources.list.d/*.list); configure the mirror this machine uses, then run again" >&2
    return 1
  fi
  echo "$uri"
}

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

engine_answers() { as_root docker info >/dev/null 2>&1; }

start_engine() {
  if engine_answers; then return; fi
  log "starting dockerd (log: $DOCKERD_LOG)"
  # No init system on these machines: run dockerd detached, so it outlives
  # this script and the test run that follows.
  as_root sh -c "setsid nohup dockerd >>'$DOCKERD_LOG' 2>&1 < /dev/null &"
  local waited=0
  until engine_answers; do
    if [ "$waited" -ge "$ENGINE_WAIT_SECONDS" ]; then
      echo "dockerd did not answer within ${ENGINE_WAIT_SECONDS}s; last lines of $DOCKERD_LOG:" >&2
      as_root tail -n 30 "$DOCKERD_LOG" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "engine up after ${waited}s"
}

image_is_current() {
  [ "$(as_root docker image inspect --format '{{ index .Config.Labels "natsmon.testbed.recipe" }}' "$1" 2>/dev/null || true)" = "$RECIPE" ]
}

# debootstrap a minimal bookworm with the given packages into a fresh dir.
# Downloaded .debs stay in $CACHE_DIR/debs, so a rebuild needs no network.
bootstrap_rootfs() {
  local dir="$1" packages="$2"
  as_root rm -rf "$dir"
  as_root mkdir -p "$CACHE_DIR/debs"
  local mirror
  mirror="$(debian_mirror)"
  log "debootstrap $SUITE with $packages"
  as_root debootstrap --variant=minbase --include="$packages" --cache-dir="$CACHE_DIR/debs" \
    "$SUITE" "$dir" "$mirror" >"$dir.log" 2>&1 || {
    tail -n 30 "$dir.log" >&2
    exit 1
  }
  # busybox wget as `wget`, as in the alpine/busybox based official images
  # whose healthchecks call it.
  as_root ln -sf /bin/busybox "$dir/usr/local/bin/wget"
}

# Drops what a container never reads, then imports the tree as an image.
import_rootfs() {
  local dir="$1" image="$2" version="$3"
  shift 3
  as_root rm -rf "$dir"/var/cache/apt/* "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc \
    "$dir"/usr/share/man "$dir"/usr/share/locale
  local changes=(-c "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    -c "LABEL natsmon.testbed.recipe=$RECIPE" -c "LABEL org.opencontainers.image.version=$version")
  for change in "$@"; do changes+=(-c "$change"); done
  log "importing $image ($version)"
  as_root tar -C "$dir" -c . | as_root docker import "${changes[@]}" - "$image" >/dev/null
  as_root rm -rf "$dir" "$dir.log"
}

# shellcheck disable=SC2016 # ${Version} is dpkg-query's field, not a shell variable
package_version() { as_root chroot "$1" dpkg-query -W -f '${Version}' "$2"; }

build_nats_image() {
  local dir="$CACHE_DIR/rootfs-nats"
  bootstrap_rootfs "$dir" "nats-server,busybox"
  # nats:alpine keeps the binary in /usr/local/bin and its config in
  # /etc/nats/nats-server.conf; the plan overrides the file by upload.
  as_root ln -sf /usr/sbin/nats-server "$dir/usr/local/bin/nats-server"
  as_root mkdir -p "$dir/etc/nats"
  printf '%s\n' "# Default of the natsmon testbed image; the plan uploads its own." \
    "port: 4222" "http_port: 8222" | as_root tee "$dir/etc/nats/nats-server.conf" >/dev/null
  import_rootfs "$dir" "$NATS_IMAGE" "$(package_version "$dir" nats-server)" \
    'EXPOSE 4222 6222 8222' \
    'ENTRYPOINT ["nats-server"]' \
    'CMD ["--config", "/etc/nats/nats-server.conf"]'
}

build_prometheus_image() {
  local dir="$CACHE_DIR/rootfs-prometheus"
  bootstrap_rootfs "$dir" "prometheus,busybox"
  # prom/prometheus: /bin/prometheus and /bin/promtool (bookworm's merged
  # /usr makes /usr/bin/prometheus that path), /etc/prometheus and the data
  # directory /prometheus owned by nobody, which the process runs as.
  as_root mkdir -p "$dir/prometheus"
  as_root chroot "$dir" chown -R nobody:nogroup /etc/prometheus /prometheus
  import_rootfs "$dir" "$PROMETHEUS_IMAGE" "$(package_version "$dir" prometheus)" \
    'USER nobody' \
    'WORKDIR /prometheus' \
    'VOLUME ["/prometheus"]' \
    'EXPOSE 9090' \
    'ENTRYPOINT ["/bin/prometheus"]' \
    'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
}

build_node_exporter_image() {
  local dir="$CACHE_DIR/rootfs-node-exporter"
  bootstrap_rootfs "$dir" "prometheus-node-exporter,busybox"
  # prom/node-exporter: /bin/node_exporter (Debian names the binary
  # prometheus-node-exporter), running as nobody, listening on 9100.
  as_root ln -sf /usr/bin/prometheus-node-exporter "$dir/usr/local/bin/node_exporter"
  as_root ln -sf /usr/bin/prometheus-node-exporter "$dir/bin/node_exporter"
  import_rootfs "$dir" "$NODE_EXPORTER_IMAGE" "$(package_version "$dir" prometheus-node-exporter)" \
    'USER nobody' \
    'EXPOSE 9100' \
    'ENTRYPOINT ["/bin/node_exporter"]'
}

ensure_image() {
  local image="$1" build="$2"
  if image_is_current "$image"; then
    log "$image is up to date"
  else
    local started=$SECONDS previous
    previous="$(as_root docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
    "$build"
    log "built $image in $((SECONDS - started))s"
    # The outdated build lost its tag; drop it unless a container still uses it.
    if [ -n "$previous" ]; then as_root docker image rm "$previous" >/dev/null 2>&1 || true; fi
  fi
}

install_packages
start_engine
ensure_image "$NATS_IMAGE" build_nats_image
ensure_image "$PROMETHEUS_IMAGE" build_prometheus_image
ensure_image "$NODE_EXPORTER_IMAGE" build_node_exporter_image
as_root env "PATH=$PATH" TESTBED_CACHE_DIR="$CACHE_DIR" bash "$(dirname "$0")/testbed-go.sh"
# A smoke check that the binaries run in their images.
log "$(as_root docker run --rm --label natsmon.live-test=testbed "$NATS_IMAGE" --version)"
log "$(as_root docker run --rm --label natsmon.live-test=testbed "$PROMETHEUS_IMAGE" --version 2>&1 | head -n1)"
log "$(as_root docker run --rm --label natsmon.live-test=testbed "$NODE_EXPORTER_IMAGE" --version 2>&1 | head -n1)"
