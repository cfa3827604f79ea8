#!/usr/bin/env bash
# Builds the testbed's images of the programs the stack really runs, from
# their Go modules, at the versions the stack pins (scripts/testbed-pins.ts
# reads them from constructs/images.ts): nats-server, natscli (nats-box) and
# Alertmanager; and two stand-ins built from this repository's sources:
# cAdvisor's command on cAdvisor's library, and the Docker socket proxy.
# (Surveyor, prometheus-nats-exporter, cAdvisor's command module and
# socket-proxy are not served by the Go module proxy here; see
# scripts/testbed-pins.ts.)
# Called by scripts/testbed.sh once the Docker engine answers; runs as root.
#
# Binaries: `go install PACKAGE@VERSION` with CGO_ENABLED=0 (static, so they
# run in an image without a libc), GOBIN in
# $CACHE_DIR/go/MODULE[/PACKAGE]@VERSION/bin. A build is done once per pin: a
# new version is a new folder. A module that embeds files it does not ship
# (Alertmanager's npm-built web UI) is built with `go build` from a copy of
# the module with a placeholder there. A stand-in (stub `local:FOLDER`) is
# built from a copy of FOLDER with a go.mod made for it (`go get
# MODULE@VERSION` unless the module is `std`), in
# $CACHE_DIR/go/local/NAME@VERSION-<hash of FOLDER>. GOCACHE and GOMODCACHE stay where the machine
# keeps them, so a warm machine rebuilds a changed pin from its cache.
# The builds run two at a time (the machines have 2 cores; one build often
# waits on the module proxy while the other compiles).
#
# Images: a root file system laid out like the official image (binary path,
# entrypoint, config path, user, exposed ports), with a static busybox from
# Debian's busybox-static package for `sh`, `wget` and `tail`, imported with
# `docker import`. The NATS image also gets Debian's `openssl` CLI (with its
# libssl, libcrypto and glibc), which that busybox's wget runs for https://
# URLs, as Alpine's wget runs its OpenSSL-backed ssl_client (see
# ensure_openssl). Rebuilt when this script, the binary, busybox or openssl
# changes.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE_DIR="${TESTBED_CACHE_DIR:-/var/cache/natsmon-testbed}"
GO_DIR="$CACHE_DIR/go"
PARALLEL_BUILDS=2
SCRIPT_HASH="$(sha256sum "$0" | cut -c1-16)"

log() { echo "--- testbed-go: $*"; }

# Go's own install location, for environments whose PATH leaves it out.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null 2>&1 || {
  echo "testbed-go: the go command is missing; the project's machines have Go 1.26 (install Debian's golang-go, or put go on the PATH)" >&2
  exit 1
}

# name module package version image stub binary... (one line per program)
mapfile -t PINS < <(npx --no-install tsx scripts/testbed-pins.ts)
[ "${#PINS[@]}" -gt 0 ] || { echo "testbed-go: scripts/testbed-pins.ts printed no pins" >&2; exit 1; }

# The build's folder: $GO_DIR/MODULE[/PACKAGE]@VERSION, binaries in bin/;
# a stand-in's (stub local:FOLDER) names its sources' hash.
build_dir() {
  case "${4:--}" in
    local:*) echo "$GO_DIR/local/$(basename "${4#local:}")@$3-$(cat "${4#local:}"/*.go | sha256sum | cut -c1-12)" ;;
    *) if [ "$2" = "." ]; then echo "$GO_DIR/$1@$3"; else echo "$GO_DIR/$1/$2@$3"; fi ;;
  esac
}

# One build; its log stays beside the binaries. Exported for xargs.
go_build() {
  local module="$1" package="$2" version="$3" stub="$4" dir work status=0
  dir="$(build_dir "$module" "$package" "$version" "$stub")"
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  local started=$SECONDS
  export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath -buildvcs=false"
  if [[ "$stub" == local:* ]]; then
    work="$(mktemp -d)"
    {
      cp "${stub#local:}"/*.go "$work/" &&
        # The module's last element names the binary: testbed-cadvisor builds cadvisor.
        (cd "$work" && go mod init "natsmon-testbed/$(basename "${stub#local:}" | sed 's/^testbed-//')" &&
          { [ "$module" = "std" ] || go get "$module@$version"; } && go mod tidy &&
          go build -ldflags="-s -w -X main.Version=$version" -o "$dir/bin/" .)
    } >"$dir/build.log" 2>&1 || status=$?
    rm -rf "$work"
  elif [ "$stub" = "-" ]; then
    local target="$module"
    [ "$package" = "." ] || target="$module/$package"
    GOBIN="$dir/bin" go install -ldflags="-s -w" "$target@$version" >"$dir/build.log" 2>&1 || status=$?
  else
    # The module embeds a folder it does not ship: build from a copy of the
    # module (as the proxy serves it) with a placeholder page there.
    work="$(mktemp -d)"
    {
      src="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" &&
        cp -r "$src/." "$work/" && chmod -R u+w "$work" && mkdir -p "$work/$stub" &&
        printf '%s\n' '<!doctype html><title>web UI not built by the natsmon testbed</title>' >"$work/$stub/index.html" &&
        (cd "$work" && go build -ldflags="-s -w" -o "$dir/bin/" "./$package")
    } >"$dir/build.log" 2>&1 || status=$?
    rm -rf "$work"
  fi
  if [ "$status" -eq 0 ]; then
    touch "$dir/built"
    echo "--- testbed-go: built $module/$package@$version in $((SECONDS - started))s"
  else
    echo "--- testbed-go: building $module/$package@$version failed; last lines of $dir/build.log:" >&2
    tail -n 20 "$dir/build.log" >&2
    return 1
  fi
}
export -f go_build build_dir
export GO_DIR

build_binaries() {
  local todo=() name module package version image stub
  for line in "${PINS[@]}"; do
    read -r name module package version image stub _ <<<"$line"
    if [ -f "$(build_dir "$module" "$package" "$version" "$stub")/built" ]; then
      log "$(basename "$(build_dir "$module" "$package" "$version" "$stub")") is built"
    else
      todo+=("$module" "$package" "$version" "$stub")
    fi
  done
  [ "${#todo[@]}" -gt 0 ] || return 0
  log "building $((${#todo[@]} / 4)) program(s), $PARALLEL_BUILDS at a time (GOCACHE $(go env GOCACHE))"
  printf '%s\n' "${todo[@]}" | xargs -d '\n' -n 4 -P "$PARALLEL_BUILDS" bash -c 'go_build "$0" "$1" "$2" "$3"'
}

# A static busybox from Debian's busybox-static package, kept in the cache.
BUSYBOX="$CACHE_DIR/busybox-static/bin/busybox"
ensure_busybox() {
  [ -x "$BUSYBOX" ] && return
  local debs="$CACHE_DIR/debs"
  mkdir -p "$debs"
  log "fetching Debian's busybox-static"
  (cd "$debs" && apt-get download busybox-static >/dev/null 2>&1) || {
    apt-get update -q >/dev/null
    (cd "$debs" && apt-get download busybox-static >/dev/null)
  }
  rm -rf "$CACHE_DIR/busybox-static.tmp"
  dpkg-deb -x "$(ls -t "$debs"/busybox-static_*.deb | head -n1)" "$CACHE_DIR/busybox-static.tmp"
  rm -rf "$CACHE_DIR/busybox-static"
  mv "$CACHE_DIR/busybox-static.tmp" "$CACHE_DIR/busybox-static"
  # The package's `file` says static; a dynamic busybox would not run here.
  "$BUSYBOX" true
}

# Debian's openssl CLI with the libraries it loads, kept in the cache, for
# the NATS image: the healthcheck (with `monitoringTls`) runs
# `wget https://127.0.0.1:8222/...`. Debian's busybox wget hands https:// to
# `openssl s_client` and, without one on the PATH, falls back to busybox's
# own TLS code, whose TLS 1.2 ClientHello carries no signature_algorithms
# extension: the server must then sign with SHA-1, which Go 1.25 and later
# refuse (RFC 9155), so nats-server answers "handshake failure" (alert 40).
# The official nats:<version>-alpine image does not meet this: Alpine's busybox
# wget hands https:// to ssl_client (libtls on OpenSSL), which the alpine
# base image installs with busybox and libssl. OpenSSL keeps the testbed
# image as faithful: a real TLS stack behind the same `wget` command line.
OPENSSL_DIR="$CACHE_DIR/openssl"
OPENSSL_PACKAGES=(openssl libssl3 libc6)
# What the image needs of them: the CLI, its libraries and the loader.
OPENSSL_FILES=(usr/bin/openssl usr/lib/x86_64-linux-gnu/libssl.so.3 usr/lib/x86_64-linux-gnu/libcrypto.so.3
  lib/x86_64-linux-gnu/libc.so.6 lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)
ensure_openssl() {
  [ -x "$OPENSSL_DIR/usr/bin/openssl" ] && return
  local debs="$CACHE_DIR/debs" package
  mkdir -p "$debs"
  log "fetching Debian's ${OPENSSL_PACKAGES[*]}"
  (cd "$debs" && apt-get download "${OPENSSL_PACKAGES[@]}" >/dev/null 2>&1) || {
    apt-get update -q >/dev/null
    (cd "$debs" && apt-get download "${OPENSSL_PACKAGES[@]}" >/dev/null)
  }
  rm -rf "$OPENSSL_DIR.tmp"
  for package in "${OPENSSL_PACKAGES[@]}"; do
    dpkg-deb -x "$(ls -t "$debs/${package}"_*.deb | head -n1)" "$OPENSSL_DIR.tmp"
  done
  # Runs with the extracted libraries only: a missing one fails here.
  "$OPENSSL_DIR.tmp/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "$OPENSSL_DIR.tmp/lib/x86_64-linux-gnu:$OPENSSL_DIR.tmp/usr/lib/x86_64-linux-gnu" \
    "$OPENSSL_DIR.tmp/usr/bin/openssl" version >/dev/null
  rm -rf "$OPENSSL_DIR"
  mv "$OPENSSL_DIR.tmp" "$OPENSSL_DIR"
}

# Copies the openssl CLI and what it loads into an image's root file system.
add_openssl() {
  local dir="$1" file
  for file in "${OPENSSL_FILES[@]}"; do
    mkdir -p "$dir/$(dirname "$file")"
    cp -L "$OPENSSL_DIR/$file" "$dir/$file"
  done
  # The path the binaries ask the kernel for their loader.
  mkdir -p "$dir/lib64"
  ln -sf /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$dir/lib64/ld-linux-x86-64.so.2"
  chroot "$dir" /usr/bin/openssl version >/dev/null
}

# A root file system with busybox's applets in /bin, as in alpine and the
# prom/busybox base images, /etc/passwd with root and nobody, and /tmp.
base_rootfs() {
  local dir="$1"
  rm -rf "$dir"
  mkdir -p "$dir"/{bin,etc,tmp,root,usr/local/bin,var/run}
  chmod 1777 "$dir/tmp"
  cp "$BUSYBOX" "$dir/bin/busybox"
  chroot "$dir" /bin/busybox --install -s /bin
  printf '%s\n' "root:x:0:0:root:/root:/bin/sh" "nobody:x:65534:65534:nobody:/nonexistent:/bin/false" >"$dir/etc/passwd"
  printf '%s\n' "root:x:0:" "nogroup:x:65534:" >"$dir/etc/group"
}

image_recipe() { # name, build folder: what the image is made of
  local extra=()
  [ "$1" = nats ] && extra=("${OPENSSL_FILES[@]/#/$OPENSSL_DIR/}")
  cat "$2"/bin/* "$BUSYBOX" "${extra[@]}" | sha256sum | cut -c1-16 | sed "s/^/$SCRIPT_HASH-/"
}

image_is_current() {
  [ "$(docker image inspect --format '{{ index .Config.Labels "natsmon.testbed.recipe" }}' "$1" 2>/dev/null || true)" = "$2" ]
}

# Lays out one image's file system from its binaries and imports it.
lay_out() {
  local name="$1" bin="$2/bin" version="$3" image="$4" recipe="$5" dir="$CACHE_DIR/rootfs-go-$1"
  base_rootfs "$dir"
  local changes=()
  case "$name" in
    nats)
      # nats:<version>-alpine: /usr/local/bin/nats-server, the config at
      # /etc/nats/nats-server.conf, an entrypoint script that runs
      # nats-server when the first argument is a flag.
      cp "$bin/nats-server" "$dir/usr/local/bin/"
      mkdir -p "$dir/etc/nats"
      printf '%s\n' "# Default of the natsmon testbed image; the plan uploads its own." \
        "port: 4222" "http_port: 8222" >"$dir/etc/nats/nats-server.conf"
      printf '%s\n' '#!/bin/sh' 'set -e' '# A first argument that is a flag means: run nats-server with these flags.' \
        'case "$1" in -*) set -- nats-server "$@" ;; esac' 'exec "$@"' >"$dir/usr/local/bin/docker-entrypoint.sh"
      chmod 755 "$dir/usr/local/bin/docker-entrypoint.sh"
      add_openssl "$dir"
      changes=('EXPOSE 4222 6222 8222' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["nats-server", "--config", "/etc/nats/nats-server.conf"]')
      ;;
    nats-box)
      # natsio/nats-box: the CLIs in /usr/local/bin, a login shell by default.
      cp "$bin/nats" "$dir/usr/local/bin/"
      changes=('WORKDIR /root' 'ENTRYPOINT ["/bin/sh", "-l"]')
      ;;
    alertmanager)
      # prom/alertmanager: /bin/alertmanager, its config in /etc/alertmanager,
      # data in /alertmanager, run as nobody.
      cp "$bin/alertmanager" "$dir/bin/alertmanager"
      mkdir -p "$dir/etc/alertmanager" "$dir/alertmanager"
      printf '%s\n' "route: { receiver: none }" "receivers: [{ name: none }]" >"$dir/etc/alertmanager/alertmanager.yml"
      chown -R 65534:65534 "$dir/etc/alertmanager" "$dir/alertmanager"
      changes=('USER nobody' 'WORKDIR /alertmanager' 'VOLUME ["/alertmanager"]' 'EXPOSE 9093' 'ENTRYPOINT ["/bin/alertmanager"]'
        'CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]')
      ;;
    cadvisor)
      # ghcr.io/google/cadvisor: /usr/bin/cadvisor run as root, logging to
      # stderr, on 8080; busybox wget for the healthcheck.
      mkdir -p "$dir/usr/bin"
      cp "$bin/cadvisor" "$dir/usr/bin/cadvisor"
      changes=('EXPOSE 8080' 'ENTRYPOINT ["/usr/bin/cadvisor", "-logtostderr"]')
      ;;
    socket-proxy)
      # wollomatic/socket-proxy: /socket-proxy and /healthcheck on scratch
      # (here the stand-in, which acts as the health check when run as
      # /healthcheck), configured by flags.
      cp "$bin/socket-proxy" "$dir/usr/local/bin/socket-proxy"
      ln -s usr/local/bin/socket-proxy "$dir/socket-proxy"
      ln -s usr/local/bin/socket-proxy "$dir/healthcheck"
      changes=('ENTRYPOINT ["/socket-proxy"]')
      ;;
    *)
      echo "testbed-go: no image layout for $name" >&2
      exit 1
      ;;
  esac
  local args=(-c "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    -c "LABEL natsmon.testbed.recipe=$recipe" -c "LABEL org.opencontainers.image.version=${version#v}"
    -c "LABEL natsmon.testbed.built-from=${2#"$GO_DIR"/}")
  for change in "${changes[@]}"; do args+=(-c "$change"); done
  local previous
  previous="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
  tar -C "$dir" -c . | docker import "${args[@]}" - "$image" >/dev/null
  rm -rf "$dir"
  # The outdated build lost its tag; drop it unless a container still uses it.
  if [ -n "$previous" ]; then docker image rm "$previous" >/dev/null 2>&1 || true; fi
  log "imported $image"
}

build_images() {
  local name module package version image stub folder recipe
  for line in "${PINS[@]}"; do
    read -r name module package version image stub _ <<<"$line"
    folder="$(build_dir "$module" "$package" "$version" "$stub")"
    recipe="$(image_recipe "$name" "$folder")"
    if image_is_current "$image" "$recipe"; then
      log "$image is up to date"
    else
      lay_out "$name" "$folder" "$version" "$image" "$recipe"
    fi
  done
}

# A smoke check that each binary runs in its image.
smoke_check() {
  local name module package version image stub binary
  for line in "${PINS[@]}"; do
    read -r name module package version image stub binary _ <<<"$line"
    log "$image: $(docker run --rm --label natsmon.live-test=testbed --entrypoint "$binary" "$image" --version 2>&1 | head -n1)"
  done
}

started=$SECONDS
build_binaries
ensure_busybox
ensure_openssl
build_images
smoke_check
log "done in $((SECONDS - started))s"
