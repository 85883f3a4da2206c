#!/usr/bin/env bash
# Builds what the local test cluster runs from the Go module proxy, into a cache keyed by version:
#   $CACHE/kubernetes-<version>/bin  kube-apiserver, kube-controller-manager, kube-scheduler,
#                                    kubelet, kube-proxy, kubectl
#   $CACHE/coredns-<version>/bin     coredns
#   $CACHE/cri-tools-<version>/bin   crictl (removes pods through the CRI on `down`)
# A binary already there is not rebuilt: a warm run takes no time, a cold one builds what is
# missing. Honours GOMODCACHE/GOCACHE (point them at empty folders to measure a cold build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.env"
. "$here/cluster.env"
. "$here/lib.sh"

command -v go >/dev/null || die "go is not on PATH; the cluster's binaries are built from the Go module proxy."

k8s_dir=$(cache_dir "kubernetes-$KUBERNETES_VERSION")
k8s_commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

missing=()
for name in "${k8s_commands[@]}"; do
  [ -x "$k8s_dir/bin/$name" ] || missing+=("$name")
done

if [ ${#missing[@]} -gt 0 ]; then
  require_disk "$(go env GOCACHE)" "$MIN_FREE_DISK_GIB_BUILD" "building Kubernetes (Go caches take about 7 GiB)"
  log "building Kubernetes $KUBERNETES_VERSION: ${missing[*]} (cold: about 20 minutes on 2 cores)"
  module="$k8s_dir/module"
  rm -rf "$module" && mkdir -p "$module"
  # k8s.io/kubernetes replaces its staging modules with ./staging/… paths that a module proxy
  # cannot serve; require the published copies of the same release instead.
  kubernetes_gomod=$(cd "$module" && go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" \
    | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  {
    echo "module spark-at-scale.local/kubernetes-build"
    echo
    grep '^go ' "$kubernetes_gomod"
    echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    echo
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#replace \1 => \1 '"$KUBERNETES_STAGING_VERSION"'#p' "$kubernetes_gomod"
  } >"$module/go.mod"
  # A blank import of every command lets `go mod tidy` record each one's dependencies.
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for name in "${k8s_commands[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$name"; done
    printf ')\n'
  } >"$module/tools.go"
  (cd "$module" && go mod tidy >/dev/null)
  version_pkg=k8s.io/component-base/version
  minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
  ldflags="-s -w -X $version_pkg.gitVersion=$KUBERNETES_VERSION -X $version_pkg.gitMajor=1 -X $version_pkg.gitMinor=$minor -X $version_pkg.gitTreeState=clean"
  ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION"
  packages=()
  for name in "${missing[@]}"; do packages+=("k8s.io/kubernetes/cmd/$name"); done
  rm -rf "$k8s_dir/bin.partial" && mkdir -p "$k8s_dir/bin"
  (cd "$module" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$k8s_dir/bin.partial/" "${packages[@]}")
  for name in "${missing[@]}"; do mv "$k8s_dir/bin.partial/$name" "$k8s_dir/bin/$name"; done
  rmdir "$k8s_dir/bin.partial"
fi

# go_install NAME MODULE@VERSION PACKAGE: one static binary into $CACHE/NAME/bin.
go_install() {
  local dir
  dir=$(cache_dir "$1")
  [ -x "$dir/bin/$(basename "$3")" ] && return 0
  log "building $3 ($2)"
  rm -rf "$dir/bin.partial" && mkdir -p "$dir/bin"
  CGO_ENABLED=0 GOBIN="$dir/bin.partial" go install -trimpath -ldflags "-s -w" "$3@${2#*@}"
  mv "$dir/bin.partial/$(basename "$3")" "$dir/bin/" && rmdir "$dir/bin.partial"
}
go_install "coredns-$COREDNS_VERSION" "github.com/coredns/coredns@$COREDNS_VERSION" github.com/coredns/coredns
go_install "cri-tools-$CRI_TOOLS_VERSION" "sigs.k8s.io/cri-tools@$CRI_TOOLS_VERSION" sigs.k8s.io/cri-tools/cmd/crictl

log "Kubernetes $("$k8s_dir/bin/kube-apiserver" --version | awk '{print $2}'), CoreDNS $COREDNS_VERSION, crictl $CRI_TOOLS_VERSION ready under $SPARK_AT_SCALE_CACHE"
