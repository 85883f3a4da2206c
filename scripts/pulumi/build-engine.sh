#!/usr/bin/env bash
# Builds the Pulumi CLI and the Kubernetes resource provider plugin from the Go module proxy
# into the version-keyed cache ($SPARK_AT_SCALE_CACHE/pulumi-<version>/bin and
# $SPARK_AT_SCALE_CACHE/pulumi-kubernetes-<module version>/bin). A binary already there is not
# rebuilt; the provider is then installed as a plugin from its file into
# $SPARK_AT_SCALE_CACHE/pulumi-home-<module version>. Prints the versions. Honours GOMODCACHE/GOCACHE.
# Cold: about 25 minutes on 2 cores; the provider's link needs about 5 GB of memory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/versions.env"
. "$repo/scripts/cluster/lib.sh"

# start_build MODULE WHAT DETAIL: checks for disk, says WHAT is being built, and empties MODULE,
# the Go module folder it is built from.
start_build() {
  require_disk "$(go env GOCACHE)" 10 "building $2"
  log "building $2 $3"
  rm -rf "$1" && mkdir -p "$1"
}

# build_command MODULE PACKAGE DIR LDFLAGS: builds the main PACKAGE from MODULE (its go.mod
# written) into DIR/bin, by way of DIR/bin.partial: an interrupted build leaves no binary there.
build_command() {
  local module=$1 package=$2 dir=$3 ldflags=$4 binary=${2##*/}
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" >"$module/tools.go"
  (cd "$module" && go mod tidy >/dev/null)
  rm -rf "$dir/bin.partial" && mkdir -p "$dir/bin"
  (cd "$module" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" \
    -o "$dir/bin.partial/$binary" "$package")
  mv "$dir/bin.partial/$binary" "$dir/bin/$binary" && rmdir "$dir/bin.partial"
}

command -v go >/dev/null || die "go is not on PATH; the Pulumi engine is built from the Go module proxy."

cli_dir=$(cache_dir "pulumi-$PULUMI_VERSION")
if [ ! -x "$cli_dir/bin/pulumi" ]; then
  module="$cli_dir/module"
  start_build "$module" "the Pulumi CLI" "$PULUMI_VERSION (cold: about 8 minutes on 2 cores)"
  cat >"$module/go.mod" <<GOMOD
module spark-at-scale.local/pulumi-build

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION
)

replace github.com/atotto/clipboard => ${PULUMI_CLIPBOARD_REPLACEMENT/@/ }
GOMOD
  build_command "$module" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$cli_dir" \
    "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
fi

provider_dir=$(cache_dir "pulumi-kubernetes-$PULUMI_KUBERNETES_PROVIDER_MODULE")
if [ ! -x "$provider_dir/bin/pulumi-resource-kubernetes" ]; then
  work="$provider_dir/work"
  start_build "$work" "the Pulumi Kubernetes provider" \
    "(module $PULUMI_KUBERNETES_PROVIDER_MODULE; cold: about 15 minutes on 2 cores)"
  module_zip_dir=$(cd "$work" && go mod download -json "github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_PROVIDER_MODULE" \
    | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  # The module cache is read-only, and the provider's main package embeds files its generator
  # writes at release time: build from a writable copy that has them.
  cp -r "$module_zip_dir" "$work/provider" && chmod -R u+w "$work/provider"
  cmd="$work/provider/cmd/pulumi-resource-kubernetes"
  for name in schema terraform-mapping; do
    [ -f "$cmd/$name-embed.json" ] || cp "$cmd/$name.json" "$cmd/$name-embed.json"
  done
  cat >"$work/go.mod" <<GOMOD
module spark-at-scale.local/pulumi-kubernetes-build

go 1.24

require github.com/pulumi/pulumi-kubernetes/provider/v4 $PULUMI_KUBERNETES_PROVIDER_MODULE

replace github.com/pulumi/pulumi-kubernetes/provider/v4 => ./provider
GOMOD
  build_command "$work" github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes \
    "$provider_dir" "-s -w"
  rm -rf "$work/provider"
fi

# The SDK asks for the plugin by the @pulumi/kubernetes version in package.json: install the built
# binary under that version, in a Pulumi home keyed by what was built (stack.ts uses it).
sdk_version=$(node -p 'require(process.argv[1]).dependencies["@pulumi/kubernetes"]' "$repo/package.json")
home=$(cache_dir "pulumi-home-$PULUMI_KUBERNETES_PROVIDER_MODULE")
if [ ! -x "$home/plugins/resource-kubernetes-v$sdk_version/pulumi-resource-kubernetes" ]; then
  PULUMI_HOME="$home" PULUMI_SKIP_UPDATE_CHECK=true "$cli_dir/bin/pulumi" plugin install \
    resource kubernetes "$sdk_version" --file "$provider_dir/bin/pulumi-resource-kubernetes" >/dev/null
fi

log "Pulumi CLI $("$cli_dir/bin/pulumi" version) and the Kubernetes provider (module $PULUMI_KUBERNETES_PROVIDER_MODULE) installed as kubernetes v$sdk_version, ready under $SPARK_AT_SCALE_CACHE"
