#!/usr/bin/env bash
# Builds, once, a local stand-in for the official node:<major>-bookworm-slim image, for
# machines that cannot reach Docker Hub, and prints its tag on standard output:
#   - Debian bookworm from Debian's own mirror (debootstrap --variant=minbase, the mirror
#     apt uses here), imported with `docker import`;
#   - this machine's Node.js (the `node` running this script, its npm and its headers),
#     laid out as the official images lay it out: /usr/local/{bin,lib/node_modules,include};
#   - this machine's CA bundle, trusted by Node (NODE_EXTRA_CA_CERTS), so npm inside a build
#     reaches the npm registry the way this machine does.
# The tag carries a key over all of these (this script, the mirror, the node binary, npm,
# the CA bundle), so a second run with nothing changed returns at once; older images of
# this script are removed when a new one is made.
# Usage: scripts/local-node-image.sh   (root on Debian/Ubuntu: it installs debootstrap)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state="$root/.test-env"
mkdir -p "$state"
SUITE=bookworm
LABEL=pushgate.local-node-base
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

say() { printf 'local-node-image: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The Debian mirror apt uses on this machine (DEBIAN_MIRROR overrides it).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local found
  found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -E '^[[:space:]]*(deb|URIs:)[[:space:]]' | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' |
    head -1 | tr -d '[:space:]' || true)
  echo "${found:-http://deb.debian.org/debian}"
}

mirror=$(debian_mirror)
node_bin=$(node -p 'process.execPath')
prefix=$(node -p 'require("path").resolve(process.execPath, "../..")')
node_major=$(node -p 'process.versions.node.split(".")[0]')
npm_dir="$prefix/lib/node_modules/npm"
[ -f "$npm_dir/package.json" ] || die "npm not found beside node (looked in $npm_dir)"

key=$(
  {
    sha256sum <"$0"
    echo "$SUITE $mirror"
    sha256sum <"$node_bin"
    sha256sum <"$npm_dir/package.json"
    if [ -f "$CA_BUNDLE" ]; then sha256sum <"$CA_BUNDLE"; fi
  } | sha256sum | cut -c1-16
)
tag="pushgate-local/node:$node_major-$SUITE-$key"

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

# One build at a time; whoever waited finds the image made.
exec 9>"$state/local-node-image.lock"
flock 9
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "building $tag needs root (debootstrap); or pass an image with Node $node_major as NODE_IMAGE"
if ! command -v debootstrap >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and apt-get is not here to install it"
  say "installing debootstrap (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$state/apt-debootstrap.log" 2>&1 || { cat "$state/apt-debootstrap.log" >&2; die "apt-get update failed"; }
  apt-get install -y -qq debootstrap >>"$state/apt-debootstrap.log" 2>&1 || { tail -20 "$state/apt-debootstrap.log" >&2; die "installing debootstrap failed"; }
fi

work=$(mktemp -d "$state/node-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
started=$(date +%s)
say "debootstrap --variant=minbase $SUITE from $mirror (log: $work/debootstrap.log)"
debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }

# As slim as the official -slim images: no package caches or lists, no docs.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*

say "adding Node $(node --version) from $prefix, npm $(node -p "require('$npm_dir/package.json').version")"
install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/include"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
if [ -d "$prefix/include/node" ]; then cp -a "$prefix/include/node" "$rootfs/usr/local/include/node"; fi
changes=(--change 'CMD ["node"]' --change "LABEL $LABEL=$key")
if [ -f "$CA_BUNDLE" ]; then
  install -D -m 0644 "$CA_BUNDLE" "$rootfs/etc/ssl/certs/ca-certificates.crt"
  changes+=(--change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt")
fi
chroot "$rootfs" /usr/local/bin/node --version >/dev/null || die "the copied node does not run on $SUITE"

say "docker import as $tag"
tar -C "$rootfs" --numeric-owner -c . | docker import "${changes[@]}" - "$tag" >/dev/null

docker images --filter "label=$LABEL" --format '{{.Repository}}:{{.Tag}}' |
  grep -vxF "$tag" | xargs -r docker rmi >/dev/null 2>&1 || true
say "made $tag in $(($(date +%s) - started)) s"
echo "$tag"
