#!/usr/bin/env bash
# Builds pushgate's image from the Dockerfile, then runs the given command with
# PUSHGATE_TEST_IMAGE (the image) set.
#   - The base is NODE_IMAGE when given (e.g. node:20-bookworm-slim where Docker Hub is
#     reachable), else a local stand-in made by scripts/local-node-image.sh (cached by content).
#   - The build really runs `docker build --build-arg NODE_IMAGE=...`; the engine's layer cache
#     (kept by the tag pushgate-local/pushgate:last-test) makes a rebuild with the same
#     package-lock.json skip the dependency install.
#   - docker-compose (Debian's) is installed when missing, to validate jenkins/docker-compose.yml.
# Meant to run inside scripts/test-env.sh (engine, registry, test images):
#   scripts/test-env.sh scripts/image-test-env.sh vitest run --config test/image/vitest.config.ts
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state="$root/.test-env"
mkdir -p "$state"
CACHE_TAG=pushgate-local/pushgate:last-test

say() { printf 'image-test-env: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
elapsed() { echo $(($(date +%s) - $1)); }

ensure_compose() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 ||
    die "docker-compose is missing: install it (Debian package docker-compose) to validate jenkins/docker-compose.yml"
  say "installing docker-compose (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq docker-compose || { apt-get update -qq && apt-get install -y -qq docker-compose; }; } \
    >"$state/apt-compose.log" 2>&1 || { tail -20 "$state/apt-compose.log" >&2; die "installing docker-compose failed"; }
}

started=$(date +%s)
ensure_compose

step=$(date +%s)
if [ -n "${NODE_IMAGE:-}" ]; then
  base=$NODE_IMAGE
else
  base=$(bash "$root/scripts/local-node-image.sh")
fi
say "base image $base ($(elapsed "$step") s)"

tag="pushgate-local/pushgate:test-$$-$(date +%s)"
exec 9>"$state/image-build.lock"
flock 9
previous=$(docker image inspect --format '{{.Id}}' "$CACHE_TAG" 2>/dev/null || true)
step=$(date +%s)
say "docker build --build-arg NODE_IMAGE=$base -t $tag (log: $state/image-build.log)"
docker build --build-arg "NODE_IMAGE=$base" -t "$tag" -t "$CACHE_TAG" "$root" >"$state/image-build.log" 2>&1 ||
  { tail -40 "$state/image-build.log" >&2; die "docker build failed"; }
current=$(docker image inspect --format '{{.Id}}' "$CACHE_TAG")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
  docker rmi "$previous" >/dev/null 2>&1 || true
fi
flock -u 9
say "built $tag in $(elapsed "$step") s ($(grep -c 'Using cache' "$state/image-build.log" || true) steps from cache)"

cleanup() { docker rmi "$tag" >/dev/null 2>&1 || true; }
trap cleanup EXIT

export PUSHGATE_TEST_IMAGE="$tag"
set +e
"$@"
status=$?
set -e
say "done in $(elapsed "$started") s"
exit "$status"
