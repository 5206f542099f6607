#!/usr/bin/env bash
# Builds the pinned versitygw S3 gateway (the test world's object store) from its Go module into the cache outside the repo.
set -euo pipefail

VERSITYGW_VERSION="${VERSITYGW_VERSION:-v1.8.0}"
CACHE="${AURORA_OPERATOR_CACHE:-$HOME/.cache/aurora-operator}"
BIN="$CACHE/bin/versitygw-$VERSITYGW_VERSION"
export GOFLAGS="${GOFLAGS:--mod=mod}"
export CGO_ENABLED=0

log() { printf '[build-objectstore] %s\n' "$*" >&2; }

if [ -x "$BIN/versitygw" ]; then
  log "cached binary in $BIN"
  echo "$BIN/versitygw"
  exit 0
fi
command -v go >/dev/null || { log "go is required (Go 1.25 or newer)"; exit 1; }

# go install refuses modules whose go.mod has replace lines, so the module's own directory is built as a main module.
src="$CACHE/src/versitygw-$VERSITYGW_VERSION"
if [ ! -f "$src/go.mod" ]; then
  log "downloading github.com/versity/versitygw@$VERSITYGW_VERSION"
  moddir=$(go mod download -json "github.com/versity/versitygw@$VERSITYGW_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -n "$moddir" ] && [ -d "$moddir" ] || { log "go mod download gave no module directory"; exit 1; }
  rm -rf "$src.tmp"
  mkdir -p "$(dirname "$src")"
  cp -r "$moddir" "$src.tmp"
  chmod -R u+w "$src.tmp"
  rm -rf "$src"
  mv "$src.tmp" "$src"
fi
mkdir -p "$BIN"
log "building versitygw $VERSITYGW_VERSION (about 2 minutes cold on 2 cores)"
cd "$src"
go build -trimpath -ldflags="-s -w" -o "$BIN/versitygw.tmp" ./cmd/versitygw
mv "$BIN/versitygw.tmp" "$BIN/versitygw"
log "done: $BIN/versitygw"
echo "$BIN/versitygw"
