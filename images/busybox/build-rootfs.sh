#!/usr/bin/env bash
# Builds the root filesystem of a local `busybox` image from Debian's busybox-static: the shell image test pods
# run, since no registry can be reached to pull one. Usage: build-rootfs.sh <output.tar>
set -euo pipefail
mmdebstrap --quiet --variant=extract --include=busybox-static \
  --extract-hook='mkdir -p "$1/proc" "$1/sys" "$1/dev" "$1/tmp" "$1/usr/bin" "$1/usr/sbin" "$1/sbin" && chmod 1777 "$1/tmp"' \
  --extract-hook='chroot "$1" /bin/busybox --install -s' \
  --extract-hook='printf "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n" > "$1/etc/passwd"' \
  --extract-hook='rm -rf "$1/usr/share/doc" "$1/usr/share/man" "$1/usr/share/lintian" "$1/usr/share/initramfs-tools"' \
  "${DEBIAN_SUITE:-bookworm}" "$1"
