#!/usr/bin/env bash
# Builds fake-gcs-server (a Cloud Storage JSON API emulator) from the Go module proxy into the
# version-keyed cache ($SPARK_AT_SCALE_CACHE/fake-gcs-server-<version>/bin), unless it is
# there. The real-cluster suite runs it on loopback to test reading event logs from a bucket
# with Google's own client library. Prints the binary's path. Cold: a few minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/versions.env"
. "$repo/scripts/cluster/lib.sh"

command -v go >/dev/null || die "go is not on PATH; fake-gcs-server is built from the Go module proxy."
dir=$(cache_dir "fake-gcs-server-$FAKE_GCS_SERVER_VERSION")
if [ ! -x "$dir/bin/fake-gcs-server" ]; then
  require_disk "$(go env GOCACHE)" 4 "building fake-gcs-server"
  log "building fake-gcs-server $FAKE_GCS_SERVER_VERSION"
  rm -rf "$dir/bin.partial" && mkdir -p "$dir/bin.partial" "$dir/bin"
  # An interrupted build leaves no binary in bin/.
  CGO_ENABLED=0 GOBIN="$dir/bin.partial" go install -trimpath \
    "github.com/fsouza/fake-gcs-server@$FAKE_GCS_SERVER_VERSION"
  mv "$dir/bin.partial/fake-gcs-server" "$dir/bin/fake-gcs-server" && rmdir "$dir/bin.partial"
fi
printf '%s\n' "$dir/bin/fake-gcs-server"
