#!/usr/bin/env bash
# registry-up.sh - two Docker distribution registries on 127.0.0.1 (or REGISTRY_ADDRESS) for the registry tests and
# bench/pull, run as the calling user (no root), all state under one directory:
#   http  plain HTTP, anonymous
#   tls   HTTPS with a certificate from a CA this script makes (DIR/ca.pem), htpasswd basic
#         auth for user `skiff` (password in DIR/registry.env)
#
#   tests/e2e/registry/registry-up.sh DIR       # start (again): prints DIR/registry.env
#   tests/e2e/registry/registry-down.sh DIR [http|tls]...
#
# DIR/registry.env (shell syntax, also read by the tests): HTTP_REGISTRY=ADDRESS:PORT,
# TLS_REGISTRY=ADDRESS:PORT, CA_FILE, REGISTRY_USER, REGISTRY_PASSWORD, HTTP_STORAGE,
# TLS_STORAGE. Run again on the same DIR, it restarts the instances that are not running on
# their old ports (a test stops one to check offline behaviour). Ports are random free ones
# below the kernel's ephemeral range, so that no client connection of a parallel test can hold
# one; a port taken anyway (another registry picked it in the same instant) is replaced by
# another on the first start.
# With REGISTRY_OWNER_PID set, a watchdog stops each registry once that process is gone, so a
# crashed test run leaves no server behind.
# REGISTRY_ADDRESS (default 127.0.0.1): the IPv4 address they listen on, e.g. the host's address
# on the test cluster's network (10.78.0.1), where its nodes reach them; the TLS certificate
# names it. It applies when DIR is first set up.
# REGISTRY_ACCESS_LOG=1: each registry logs every request, one Apache combined-format line, to
# DIR/NAME.log (tests count the GETs of blobs and manifests there).
set -euo pipefail

readonly PROG=registry-up.sh
die() { echo "$PROG: ERROR: $*" >&2; exit 1; }
[ $# = 1 ] || die "usage: $0 DIR"
for t in docker-registry openssl htpasswd curl; do
  command -v $t >/dev/null || die "$t missing: run scripts/install-deps.sh"
done
ADDR=${REGISTRY_ADDRESS:-127.0.0.1}
[[ $ADDR =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "REGISTRY_ADDRESS must be an IPv4 address, not '$ADDR'"
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
ENV_FILE=$DIR/registry.env

port_free() { ! (exec 3<>"/dev/tcp/$ADDR/$1") 2>/dev/null; }
free_port() {
  local p first_ephemeral
  read -r first_ephemeral _ </proc/sys/net/ipv4/ip_local_port_range
  [ "$first_ephemeral" -gt 11024 ] || die "the ephemeral port range starts at $first_ephemeral: no room below it"
  for _ in $(seq 50); do
    p=$((10000 + RANDOM % (first_ephemeral - 10000)))
    port_free "$p" && { echo "$p"; return; }
  done
  die "no free port found"
}

make_tls_material() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=skiff-test-ca \
    -keyout "$DIR/ca.key" -out "$DIR/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$ADDR" \
    -keyout "$DIR/server.key" -out "$DIR/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,IP:%s,DNS:localhost\n' "$ADDR" >"$DIR/san.ext"
  openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" \
    -CAcreateserial -days 2 -extfile "$DIR/san.ext" -out "$DIR/server.pem" 2>/dev/null
  rm -f "$DIR/server.csr" "$DIR/san.ext"
}

# write_config NAME PORT: the registry's YAML (tls adds its certificate and htpasswd).
write_config() {
  local name=$1 port=$2
  mkdir -p "$DIR/storage-$name"
  {
    echo "version: 0.1"
    if [ "${REGISTRY_ACCESS_LOG:-0}" = 1 ]; then
      echo "log: {level: warn, accesslog: {disabled: false}}"
    else
      echo "log: {level: warn, accesslog: {disabled: true}}"
    fi
    echo "storage: {filesystem: {rootdirectory: $DIR/storage-$name}, delete: {enabled: true}}"
    echo "http:"
    echo "  addr: $ADDR:$port"
    echo "  secret: skiff-test-secret"
    if [ "$name" = tls ]; then
      echo "  tls: {certificate: $DIR/server.pem, key: $DIR/server.key}"
      echo "auth: {htpasswd: {realm: skiff-test, path: $DIR/htpasswd}}"
    fi
  } >"$DIR/$name.yml"
}

first_setup() {
  local password
  password=$(openssl rand -hex 12)
  make_tls_material
  htpasswd -Bbc "$DIR/htpasswd" skiff "$password" 2>/dev/null
  {
    echo "HTTP_REGISTRY=$ADDR:$(free_port)"
    echo "TLS_REGISTRY=$ADDR:$(free_port)"
    echo "CA_FILE=$DIR/ca.pem"
    echo "REGISTRY_USER=skiff"
    echo "REGISTRY_PASSWORD=$password"
    echo "HTTP_STORAGE=$DIR/storage-http"
    echo "TLS_STORAGE=$DIR/storage-tls"
  } >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

running() { [ -f "$DIR/$1.pid" ] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

# start NAME HOST:PORT SCHEME: starts the registry in its own session, waits for /v2/.
# Returns 2 when the port was taken.
start() {
  local name=$1 addr=$2 scheme=$3 pid
  running "$name" && return 0
  write_config "$name" "${addr#*:}"
  setsid docker-registry serve "$DIR/$name.yml" >"$DIR/$name.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$DIR/$name.pid"
  if [ -n "${REGISTRY_OWNER_PID:-}" ]; then
    setsid bash -c 'while kill -0 "$1" && kill -0 "$2"; do sleep 1; done; kill -0 "$2" && kill "$2"' \
      watchdog "$REGISTRY_OWNER_PID" "$pid" >/dev/null 2>&1 </dev/null &
  fi
  for _ in $(seq 100); do
    # any HTTP answer (200, or 401 from the authenticated one) means it is serving
    if curl -s -o /dev/null --cacert "$DIR/ca.pem" "$scheme://$addr/v2/"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      grep -q 'address already in use' "$DIR/$name.log" && return 2
      cat "$DIR/$name.log" >&2
      die "registry $name exited"
    fi
    sleep 0.1
  done
  die "registry $name did not answer on $addr in 10 s (log: $DIR/$name.log)"
}

# start_on_port NAME VAR SCHEME FIRST: starts it on the port that VAR in the env file names; on the
# first start a taken port is replaced, a restart keeps its port (the tests' references name
# it) and waits for it.
start_on_port() {
  local name=$1 var=$2 scheme=$3 first=$4 rc
  for _ in $(seq 5); do
    rc=0
    start "$name" "${!var}" "$scheme" || rc=$?
    [ "$rc" = 2 ] || return "$rc"
    if [ "$first" = yes ]; then
      printf -v "$var" '%s:%s' "$ADDR" "$(free_port)"
      sed -i "s/^$var=.*/$var=${!var}/" "$ENV_FILE"
    else
      sleep 1
    fi
  done
  cat "$DIR/$name.log" >&2
  die "registry $name: port ${!var#*:} stayed taken"
}

FIRST=no
[ -f "$ENV_FILE" ] || { first_setup; FIRST=yes; }
# shellcheck source=/dev/null
. "$ENV_FILE"
ADDR=${HTTP_REGISTRY%:*}   # a restart keeps the address DIR was set up with
start_on_port http HTTP_REGISTRY http "$FIRST"
start_on_port tls TLS_REGISTRY https "$FIRST"
cat "$ENV_FILE"
