#!/usr/bin/env bash
# Builds the root filesystem of the project's Node 24 base image as a tar: only the Debian packages Node needs
# (glibc, libstdc++, libgcc), busybox for `sh`, Node from the `node` npm package and npm, and a nonroot user.
# Usage: build-rootfs.sh <node binary> <npm package tarball> <output.tar>
set -euo pipefail
node_bin=$1
npm_tgz=$2
out=$3
suite=${DEBIAN_SUITE:-bookworm}

# extract, not minbase: packages are unpacked without dpkg, apt or their maintainer scripts, so nothing else lands
mmdebstrap --quiet --variant=extract --include=libc6,libstdc++6,libgcc-s1,busybox-static \
  --extract-hook='mkdir -p "$1/proc" "$1/sys" "$1/dev" "$1/tmp" "$1/usr/local/bin" "$1/usr/local/lib/node_modules/npm" "$1/home/nonroot" && chmod 1777 "$1/tmp"' \
  --extract-hook='mkdir -p "$1/usr/bin" "$1/usr/sbin" "$1/sbin" && chroot "$1" /bin/busybox --install -s' \
  --extract-hook="copy-in $node_bin /usr/local/bin" \
  --extract-hook="tar -xzf $npm_tgz -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1 --no-same-owner" \
  --extract-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --extract-hook='printf "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n" > "$1/etc/passwd"' \
  --extract-hook='printf "root:x:0:\nnonroot:x:65532:\n" > "$1/etc/group" && chown 65532:65532 "$1/home/nonroot"' \
  --extract-hook='rm -rf "$1/usr/share/doc" "$1/usr/share/man" "$1/usr/share/lintian" "$1/usr/share/locale" "$1/usr/lib/x86_64-linux-gnu/gconv"' \
  "$suite" "$out"
