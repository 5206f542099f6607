# Sourced by build-images.sh: one set of functions over whichever builder is present, buildah, podman or docker.
# Expects $store (the OCI layout the local environment runs images from).

if command -v buildah >/dev/null; then
  builder=buildah
elif command -v podman >/dev/null; then
  builder=podman
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  builder=docker
else
  echo "[image] no image builder found: install buildah, podman or docker (scripts/install-deps.sh installs buildah)" >&2
  exit 1
fi

# builder_build <containerfile> <context> <tag> [build args...]
builder_build() {
  local file=$1 context=$2 tag=$3
  shift 3
  case $builder in
    # chroot isolation needs neither a container runtime nor cgroups, so it works inside CI machines too
    buildah) buildah bud --quiet --isolation=chroot -f "$file" -t "$tag" "$@" "$context" >/dev/null ;;
    podman) podman build --quiet --isolation=chroot -f "$file" -t "$tag" "$@" "$context" >/dev/null ;;
    docker) docker build --quiet -f "$file" -t "$tag" "$@" "$context" >/dev/null ;;
  esac
}

builder_has() {
  case $builder in
    buildah) buildah inspect --type image "$1" >/dev/null 2>&1 ;;
    *) $builder image inspect "$1" >/dev/null 2>&1 ;;
  esac
}

builder_tag() {
  $builder tag "$1" "$2"
}

# builder_push <image> <transport:destination>: oci:<dir>:<ref> or oci-archive:<file>:<ref>
builder_push() {
  case $builder in
    docker)
      local tmp
      tmp=$(mktemp)
      docker save -o "$tmp" "$1"
      skopeo copy --quiet "docker-archive:$tmp" "$2"
      rm -f "$tmp"
      ;;
    *) $builder push --quiet "$1" "$2" >/dev/null ;;
  esac
}

store_export() {
  builder_push "$1" "oci:$store:$2"
}

store_has() {
  grep -qF "\"org.opencontainers.image.ref.name\":\"$1\"" "$store/index.json" 2>/dev/null
}

builder_archive() {
  rm -f "$2"
  builder_push "$1" "oci-archive:$2:$3"
  echo "[image] wrote $2" >&2
}
