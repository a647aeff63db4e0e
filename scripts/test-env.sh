#!/usr/bin/env bash
# Brings up the real parts the test suite runs against, then runs the given command:
#   - a Docker engine that answers `docker info` (on Debian/Ubuntu as root, installs
#     docker.io and starts dockerd when none answers; it is left running for the next run);
#   - a distribution registry (Debian's docker-registry) on 127.0.0.1, on a free port;
#   - tiny test images with no base image (FROM scratch + static busybox), pushed there;
#   - gVisor: Debian's runsc registered with the engine as the runtime "runsc" (its entry
#     merged into dockerd's daemon.json, which is reloaded with SIGHUP: nothing restarts);
#   - a PostgreSQL cluster of its own (Debian's postgresql) on a free loopback port, in a
#     temporary folder removed on exit (scripts/postgres-env.sh);
#   - Debian's chromium, for the dashboard's browser tests (driven by playwright-core).
# The command sees PUSHGATE_TEST_REGISTRY (host:port), PUSHGATE_TEST_BASE_IMAGE,
# PUSHGATE_TEST_DATABASE_URL, PUSHGATE_TEST_CHROMIUM (the browser's path) and
# PUSHGATE_TEST_SUITE: every image built from the base carries the label
# pushgate-test.suite=<that id>, and all of them are removed from the engine at the end.
# TEST_ENV_TOOLS names further commands the command needs, each installed from the Debian
# package of the same name when missing (the benchmarks: TEST_ENV_TOOLS="wrk webhook").
# Usage: scripts/test-env.sh vitest run [args...]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state="$root/.test-env"
mkdir -p "$state"
PACKAGES=(docker.io docker-registry busybox-static runsc openssl postgresql chromium)
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
  command -v runsc >/dev/null 2>&1 || missing+=(runsc)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  busybox_path >/dev/null || missing+=(busybox-static)
  postgres_bindir >/dev/null || missing+=(postgresql)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
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
    die "missing: $(echo "$missing" | tr '\n' ' ')— install Docker (an engine answering 'docker info'), the distribution registry ('registry' binary, Debian package docker-registry), a static busybox (Debian package busybox-static), gVisor (Debian package runsc), openssl, PostgreSQL (Debian package postgresql), Chromium (Debian package chromium) and ${TEST_ENV_TOOLS:-nothing else}, then run again."
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
  # dockerd outlives this run: it must not keep what this shell has open beyond stdio (a
  # lock held around the test command, a pipe someone waits to see closed).
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done
    exec nohup dockerd </dev/null >"$state/dockerd.log" 2>&1
  ) &
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

engine_knows_runsc() {
  docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'
}

# The running dockerd's pid and the daemon.json it reads (--config-file, else the default).
dockerd_pid() {
  if [ -s /var/run/docker.pid ]; then cat /var/run/docker.pid; else pgrep -xo dockerd; fi
}
dockerd_config() {
  local args
  args=$(tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null || true)
  printf '%s\n' "$args" | sed -n 's/^--config-file=//p;/^--config-file$/{n;p}' | head -1 | grep . || echo /etc/docker/daemon.json
}

# Sets runtimes.runsc in daemon.json (keeping every other key and runtime), then has dockerd
# reload it with SIGHUP, which adds runtimes without stopping anything, and waits for it.
register_runsc() {
  local pid=$1 config=$2 args=$3
  mkdir -p "$(dirname "$config")"
  node -e '
    const fs = require("fs");
    const [file, path, args] = process.argv.slice(1);
    const config = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8") || "{}") : {};
    config.runtimes = { ...config.runtimes, runsc: { path, ...(args ? { runtimeArgs: args.split(" ") } : {}) } };
    fs.writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
  ' "$config" "$(command -v runsc)" "$args"
  kill -HUP "$pid"
  for _ in $(seq 1 50); do
    docker info --format '{{json .Runtimes.runsc}}' 2>/dev/null | grep -qF -- "${args:-runsc}" && return 0
    sleep 0.2
  done
  die "dockerd did not take the runsc runtime from $config after SIGHUP (see its log)"
}

# gVisor for the tests of test.runtime. Registered plainly first; where gVisor cannot set up
# its own network stack in a container's namespace (older runsc on newer kernels, where
# /proc/sys/net/core/rmem_default exists in every network namespace and it takes each for
# the host's), again with --network=none: tests have no network anyway.
ensure_runsc() {
  local pid config probe
  if ! engine_knows_runsc; then
    [ "$(id -u)" = 0 ] && pid=$(dockerd_pid) && [ -n "$pid" ] ||
      die "the engine does not know the runtime runsc: install gVisor (Debian package runsc), add { \"runtimes\": { \"runsc\": { \"path\": \"/usr/bin/runsc\" } } } to dockerd's daemon.json and send dockerd SIGHUP"
    config=$(dockerd_config "$pid")
    say "registering gVisor (runsc) with the engine in $config (SIGHUP, nothing restarts)"
    register_runsc "$pid" "$config" ""
  fi
  probe=$(docker run --rm --runtime runsc --network none "$base" cat /proc/version 2>&1) && return 0
  if [[ "$probe" == *"root network namespace"* ]]; then
    pid=$(dockerd_pid)
    config=$(dockerd_config "$pid")
    say "gVisor cannot build its network stack here; registering it with --network=none"
    register_runsc "$pid" "$config" "--network=none"
    probe=$(docker run --rm --runtime runsc --network none "$base" cat /proc/version 2>&1) && return 0
  fi
  die "a container does not start under gVisor (runsc): $probe"
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
ensure_runsc
start_postgres
say "engine $(docker version --format '{{.Server.Version}}'), registry $registry, base image $base, PostgreSQL $PUSHGATE_TEST_DATABASE_URL"

export PUSHGATE_TEST_REGISTRY="$registry"
export PUSHGATE_TEST_BASE_IMAGE="$base"
export PUSHGATE_TEST_DATABASE_URL PUSHGATE_TEST_POSTGRES_CTL
export PUSHGATE_TEST_SUITE="$suite"
PUSHGATE_TEST_CHROMIUM=$(command -v chromium)
export PUSHGATE_TEST_CHROMIUM
set +e
"$@"
status=$?
set -e
exit "$status"
