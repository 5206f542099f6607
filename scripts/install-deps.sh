#!/usr/bin/env bash
# Installs the system packages the local environment runs on: ZooKeeper (with Java), bubblewrap and openssl, and
# the image tools (`npm run image`): buildah, mmdebstrap and skopeo, with podman and runc to run the images by hand.
set -euo pipefail

need=()
[ -e /usr/share/zookeeper/bin/zkServer.sh ] || [ -e /usr/share/java/zookeeper.jar ] || need+=(zookeeper)
command -v bwrap >/dev/null || need+=(bubblewrap)
command -v openssl >/dev/null || need+=(openssl)
command -v java >/dev/null || need+=(default-jre-headless)
command -v ss >/dev/null || need+=(iproute2)
command -v nsenter >/dev/null || need+=(util-linux)
for tool in buildah mmdebstrap skopeo podman runc; do
  command -v $tool >/dev/null || need+=($tool)
done

if [ ${#need[@]} -eq 0 ]; then
  echo "[install-deps] system packages present" >&2
  exit 0
fi
echo "[install-deps] installing: ${need[*]}" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# the Debian package enables a system-wide ZooKeeper on 2181; the project starts its own on a free port
if command -v systemctl >/dev/null && systemctl is-active --quiet zookeeper 2>/dev/null; then
  $SUDO systemctl stop zookeeper || true
fi
echo "[install-deps] done" >&2
