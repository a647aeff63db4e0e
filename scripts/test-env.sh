#!/usr/bin/env bash
# Brings up the real parts the test suite runs against, then runs the given command:
#   - a Docker engine that answers `docker info` (on Debian/Ubuntu as root, installs
#     docker.io and starts dockerd when none answers; it is left running for the next run);
#   - a distribution registry (Debian's docker-registry) on 127.0.0.1, on a free port;
#   - tiny test images with no base image (FROM scratch + static busybox), pushed there;
#   - a PostgreSQL cluster of its own (Debian's postgresql) on a free loopback port, in a
#     temporary folder removed on exit (scripts/postgres-env.sh).
# The command sees PUSHGATE_TEST_REGISTRY (host:port), PUSHGATE_TEST_BASE_IMAGE,
# PUSHGATE_TEST_DATABASE_URL and PUSHGATE_TEST_SUITE: every image built from the base
# carries the label pushgate-test.suite=<that id>, and all of them are removed from the
# engine at the end.
# TEST_ENV_TOOLS names further commands the command needs, each installed from the Debian
# package of the same name when missing (the benchmarks: TEST_ENV_TOOLS="wrk webhook").
# Usage: scripts/test-env.sh vitest run [args...]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state="$root/.test-env"
mkdir -p "$state"
PACKAGES=(docker.io docker-registry busybox-static postgresql)
# shellcheck source=scripts/postgres-env.sh
. "$root/scripts/postgres-env.sh"

say() { printf 'test-env: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

can_install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && grep -qiE 'debian|ubuntu' /etc/os-release 2>/dev/null
}

missing_tools() {
  local missing=()
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  busybox_path >/dev/null || missing+=(busybox-static)
  postgres_bindir >/dev/null || missing+=(postgresql)
  local tool
  for tool in ${TEST_ENV_TOOLS:-}; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  printf '%s\n' "${missing[@]}" | sort -u | grep -v '^$' || true
}

# A statically linked busybox: a FROM scratch image has no libc to load a dynamic one.
busybox_path() {
  local candidate
  for candidate in /bin/busybox /usr/bin/busybox; do
    if [ -x "$candidate" ] && ! LC_ALL=C ldd "$candidate" >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_tools() {
  local missing
  missing=$(missing_tools)
  [ -z "$missing" ] && return 0
  if ! can_install; then
    die "missing: $(echo "$missing" | tr '\n' ' ')— install Docker (an engine answering 'docker info'), the distribution registry ('registry' binary, Debian package docker-registry), a static busybox (Debian package busybox-static), PostgreSQL (Debian package postgresql) and ${TEST_ENV_TOOLS:-nothing else}, then run again."
  fi
  local packages
  mapfile -t packages < <(printf '%s\n' "${PACKAGES[@]}" $missing | sort -u)
  say "installing ${packages[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$state/apt.log" 2>&1 || { cat "$state/apt.log" >&2; die "apt-get update failed"; }
  apt-get install -y -qq "${packages[@]}" >>"$state/apt.log" 2>&1 || { tail -20 "$state/apt.log" >&2; die "apt-get install failed"; }
}

ensure_engine() {
  docker info >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "no Docker engine answers 'docker info' and this is not root: start dockerd, or add this user to the docker group."
  say "starting dockerd (log: $state/dockerd.log)"
  nohup dockerd >"$state/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  tail -20 "$state/dockerd.log" >&2
  die "dockerd did not answer within 60 s"
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start_registry() {
  local port dir
  port=$(free_port)
  dir=$(mktemp -d "$state/registry.XXXXXX")
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  registry_pid=$!
  registry_dir=$dir
  for _ in $(seq 1 50); do
    if node -e "fetch('http://127.0.0.1:$port/v2/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
      registry="127.0.0.1:$port"
      return 0
    fi
    sleep 0.2
  done
  cat "$dir/registry.log" >&2
  die "the registry did not answer on 127.0.0.1:$port"
}

build_images() {
  local ctx busybox
  busybox=$(busybox_path) || die "no static busybox found"
  ctx=$(mktemp -d "$state/image.XXXXXX")
  cp "$busybox" "$ctx/busybox"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
LABEL pushgate-test.suite=$suite
DOCKERFILE
  base="$registry/pushgate-test/busybox:latest"
  docker build -q -t "$base" "$ctx" >/dev/null 2>"$ctx/build.log" || { cat "$ctx/build.log" >&2; die "building the test base image failed"; }
  printf 'FROM %s\nCMD ["sh", "-c", "echo all tests passed"]\n' "$base" >"$ctx/Dockerfile.pass"
  printf 'FROM %s\nCMD ["sh", "-c", "echo 1 test failed >&2; exit 3"]\n' "$base" >"$ctx/Dockerfile.fail"
  docker build -q -t "$registry/pushgate-test/pass:latest" -f "$ctx/Dockerfile.pass" "$ctx" >/dev/null 2>>"$ctx/build.log"
  docker build -q -t "$registry/pushgate-test/fail:latest" -f "$ctx/Dockerfile.fail" "$ctx" >/dev/null 2>>"$ctx/build.log"
  for image in busybox pass fail; do
    docker push -q "$registry/pushgate-test/$image:latest" >/dev/null
  done
  rm -rf "$ctx"
}

# Every image built from the base (it inherits the label), whatever its tags: pulled copies
# share the image ID, so they go too.
remove_suite_images() {
  local ids round
  [ -n "${suite:-}" ] || return 0
  # An image with children cannot go before them: it goes in a later round.
  for round in 1 2 3 4 5; do
    ids=$(docker images -a -q --filter "label=pushgate-test.suite=$suite" 2>/dev/null | sort -u)
    [ -z "$ids" ] && return 0
    docker rmi -f $ids >/dev/null 2>&1 || true
  done
}

cleanup() {
  [ -n "${registry_pid:-}" ] && kill "$registry_pid" 2>/dev/null || true
  [ -n "${registry_dir:-}" ] && rm -rf "$registry_dir"
  remove_suite_images
  stop_postgres
}
trap cleanup EXIT

suite=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
ensure_tools
ensure_engine
start_registry
build_images
start_postgres
say "engine $(docker version --format '{{.Server.Version}}'), registry $registry, base image $base, PostgreSQL $PUSHGATE_TEST_DATABASE_URL"

export PUSHGATE_TEST_REGISTRY="$registry"
export PUSHGATE_TEST_BASE_IMAGE="$base"
export PUSHGATE_TEST_DATABASE_URL PUSHGATE_TEST_POSTGRES_CTL
export PUSHGATE_TEST_SUITE="$suite"
set +e
"$@"
status=$?
set -e
exit "$status"
