#!/usr/bin/env bash
# Builds the container images with whichever builder is present (buildah, podman, docker): the operator image, the
# scheduler simulator image and a busybox image for test pods, each from a local Node 24 base made from Debian's
# archive. A build whose inputs are unchanged (content hash) is skipped. Every image is also exported into an OCI
# layout, the local image store the pod runtime runs containers from.
# Usage: build-images.sh [--oci-archives DIR]   (writes one OCI archive per image for skopeo copy / podman push)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
archives=""
while [ $# -gt 0 ]; do
  case $1 in
    --oci-archives) archives=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--oci-archives DIR]" >&2; exit 2 ;;
  esac
done

cache=${AURORA_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aurora-operator/images}
# checkouts of different code share the base and the builder's content-tagged images, but each has its own store
# and stamps: otherwise one checkout's build would retag aurora-operator:0.1.0 under another's running tests
checkout=$cache/checkouts/$(printf '%s' "$(pwd -P)" | sha256sum | cut -c1-12)
store=${AURORA_IMAGE_STORE:-$checkout/oci}
mkdir -p "$cache" "$checkout" "$store"
# environments starting side by side share the cache: one build at a time
exec 9>"$cache/.lock"
flock 9
source scripts/image-builder.sh

node_bin=$repo/node_modules/node/bin/node
[ -x "$node_bin" ] || { echo "[image] $node_bin is missing: run npm ci first" >&2; exit 1; }
node_version=$("$node_bin" --version)
version=$("$node_bin" -p "require('./package.json').version")
revision=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$revision" != unknown ] && [ -n "$(git status --porcelain -- src bin package.json package-lock.json Containerfile images test/world/simulator 2>/dev/null)" ]; then
  revision=$revision-dirty
fi
source_url=$(git remote get-url origin 2>/dev/null || echo unknown)
export CONTAINERS_CONF=$cache/containers.conf
# the machine's open-files hard limit can be below the builders' default ulimits
printf '[containers]\ndefault_ulimits = []\n' >"$CONTAINERS_CONF"

# hash of files (paths and contents) plus extra strings: what decides whether an image must be rebuilt
inputs_hash() {
  local extra=$1
  shift
  { echo "$extra"; find "$@" -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16
}

stage_context() {
  local dir=$1
  shift
  rm -rf "$dir" && mkdir -p "$dir"
  tar -cf - "$@" | tar -xf - -C "$dir"
}

# builds <name> from <containerfile> in <context> unless its inputs hash is unchanged, then tags and exports it
build_image() {
  local name=$1 hash=$2 containerfile=$3 context=$4
  shift 4
  local tags=("$@") stamp=$checkout/$name.inputs
  if [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ] && store_has "${tags[0]}" && builder_has "localhost/$name:$hash"; then
    echo "[image] $name is up to date ($hash)" >&2
  else
    local start=$SECONDS
    # another checkout with the same inputs may have built it already: the builder tags images by input hash
    builder_has "localhost/$name:$hash" ||
      builder_build "$containerfile" "$context" "localhost/$name:$hash" "${BUILD_ARGS[@]}"
    for tag in "${tags[@]}"; do store_export "localhost/$name:$hash" "$tag"; done
    echo "$hash" >"$stamp"
    echo "[image] built $name in $((SECONDS - start)) s: ${tags[*]}" >&2
  fi
  for tag in "${tags[@]}"; do
    builder_tag "localhost/$name:$hash" "localhost/$tag"
    store_has "$tag" || store_export "localhost/$name:$hash" "$tag"
    [ -z "$archives" ] || builder_archive "localhost/$name:$hash" "$archives/${tag//[:\/]/_}.tar" "$tag"
  done
}

# the base: Debian's libraries, busybox, Node from the `node` npm package and npm (cached outside the repository)
npm_version=$(sed -n 's/^npm \(.*\)$/\1/p' images/node-base/npm-version)
base_hash=$(inputs_hash "$node_version npm@$npm_version" images/node-base)
base_tag=aurora-node-base:$base_hash
if ! builder_has "localhost/$base_tag"; then
  ctx=$cache/context-node-base
  rm -rf "$ctx" && mkdir -p "$ctx"
  (cd "$ctx" && npm pack "npm@$npm_version" --silent >/dev/null)
  bash images/node-base/build-rootfs.sh "$node_bin" "$ctx"/npm-*.tgz "$ctx/rootfs.tar"
  cp images/node-base/Containerfile "$ctx/"
  BUILD_ARGS=()
  builder_build "$ctx/Containerfile" "$ctx" "localhost/$base_tag"
  rm -rf "$ctx"
fi

BUILD_ARGS=(--build-arg "BASE_IMAGE=localhost/$base_tag" --build-arg "VERSION=$version"
  --build-arg "REVISION=$revision" --build-arg "SOURCE=$source_url")
# npm inside the build trusts the same extra CA as npm here (a TLS-intercepting proxy in front of the registry)
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ] && [ "$builder" != docker ]; then
  BUILD_ARGS+=(--volume "$NODE_EXTRA_CA_CERTS:/tmp/build-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/tmp/build-ca.crt)
fi

operator_files=(Containerfile .dockerignore package.json package-lock.json bin/aurora-operator src)
operator_hash=$(inputs_hash "$base_hash" "${operator_files[@]}")
stage_context "$checkout/context-operator" "${operator_files[@]}"
build_image aurora-operator "$operator_hash" "$checkout/context-operator/Containerfile" "$checkout/context-operator" \
  "aurora-operator:$version" "aurora-operator:$revision"

# the operator plus the test world's fault-hook entry point, for the e2e suites that crash it on purpose
test_files=(images/operator-test test/world/operator-test-main.ts test/world/restore-fault-hook.ts)
test_hash=$(inputs_hash "$operator_hash" "${test_files[@]}")
stage_context "$checkout/context-operator-test" "${test_files[@]}"
saved_args=("${BUILD_ARGS[@]}")
BUILD_ARGS=(--build-arg "OPERATOR_IMAGE=localhost/aurora-operator:$operator_hash")
build_image aurora-operator-test "$test_hash" "$checkout/context-operator-test/images/operator-test/Containerfile" \
  "$checkout/context-operator-test" "aurora-operator-test:$version"
BUILD_ARGS=("${saved_args[@]}")

simulator_files=(images/simulator package.json package-lock.json src test/world/simulator)
simulator_hash=$(inputs_hash "$base_hash" "${simulator_files[@]}")
stage_context "$checkout/context-simulator" "${simulator_files[@]}"
# aurora-scheduler:0.22.0 is the image AuroraClusters default to: the simulator stands in for Aurora 0.22
build_image aurora-scheduler-simulator "$simulator_hash" "$checkout/context-simulator/images/simulator/Containerfile" \
  "$checkout/context-simulator" "aurora-scheduler-simulator:$version" "aurora-scheduler-simulator:$revision" \
  "aurora-scheduler:0.22.0"

busybox_hash=$(inputs_hash "" images/busybox)
if [ "$(cat "$checkout/busybox.inputs" 2>/dev/null)" != "$busybox_hash" ] || ! store_has busybox:latest ||
  ! builder_has "localhost/busybox:$busybox_hash"; then
  ctx=$checkout/context-busybox
  rm -rf "$ctx" && mkdir -p "$ctx"
  bash images/busybox/build-rootfs.sh "$ctx/rootfs.tar"
  cp images/busybox/Containerfile "$ctx/"
  BUILD_ARGS=()
  build_image busybox "$busybox_hash" "$ctx/Containerfile" "$ctx" busybox:latest
  rm -rf "$ctx"
else
  echo "[image] busybox is up to date ($busybox_hash)" >&2
fi
echo "[image] local image store: $store" >&2
