#!/usr/bin/env bash
# Builds the pinned Kubernetes control plane, etcd, kubectl and helm from Go modules into a cache outside the repo.
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-v1.35.4}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
HELM_VERSION="${HELM_VERSION:-v3.21.4}"
CACHE="${AURORA_OPERATOR_CACHE:-$HOME/.cache/aurora-operator}"
BIN="$CACHE/bin/kube-$KUBE_VERSION"
export GOFLAGS="${GOFLAGS:--mod=mod}"
export CGO_ENABLED=0

log() { printf '[build-kube] %s\n' "$*" >&2; }
have() { [ -x "$BIN/$1" ]; }

mkdir -p "$BIN"
if have kube-apiserver && have kube-controller-manager && have kubectl && have etcd && have helm; then
  log "cached binaries in $BIN"
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { log "go is required (Go 1.25 or newer)"; exit 1; }

build_kubernetes() {
  local dir="$CACHE/src/kubernetes-$KUBE_VERSION"
  local minor="v0.${KUBE_VERSION#v1.}"
  mkdir -p "$dir"
  cd "$dir"
  if [ ! -f go.mod ]; then
    log "preparing wrapper module for k8s.io/kubernetes $KUBE_VERSION"
    local gomod
    gomod=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    {
      echo "module aurora-operator.local/kube-build"
      echo
      echo "go 1.25"
      echo
      echo "require k8s.io/kubernetes $KUBE_VERSION"
      echo
      # every staging module of k8s.io/kubernetes must point at its published v0.x tag
      grep -E '^\s*k8s.io/[a-z0-9-]+ => \./staging/' "$gomod" | awk -v v="$minor" '{print "replace " $1 " => " $1 " " v}'
    } > go.mod.tmp
    mv go.mod.tmp go.mod
    printf 'package tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n\t_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"\n\t_ "k8s.io/kubectl/pkg/cmd"\n)\n' > tools.go
    log "resolving modules (first run downloads several hundred MB)"
    go mod tidy >/dev/null 2>&1 || go mod tidy
  fi
  for cmd in kube-apiserver kube-controller-manager kubectl; do
    have "$cmd" && continue
    log "building $cmd $KUBE_VERSION (several minutes on 2 cores)"
    go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/client-go/pkg/version.gitVersion=$KUBE_VERSION" \
      -o "$BIN/$cmd" "k8s.io/kubernetes/cmd/$cmd"
  done
}

build_etcd() {
  have etcd && return
  local dir="$CACHE/src/etcd-$ETCD_VERSION"
  mkdir -p "$dir"
  cd "$dir"
  if [ ! -f go.mod ]; then
    printf 'module aurora-operator.local/etcd-build\n\ngo 1.25\n' > go.mod
    printf 'package tools\n\nimport _ "go.etcd.io/etcd/server/v3/etcdmain"\n' > tools.go
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null 2>&1
    go mod tidy >/dev/null 2>&1 || go mod tidy
  fi
  log "building etcd $ETCD_VERSION"
  go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
}

build_helm() {
  have helm && return
  log "building helm $HELM_VERSION"
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

build_etcd
build_helm
build_kubernetes
log "done: $BIN"
echo "$BIN"
