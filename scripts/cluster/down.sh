#!/usr/bin/env bash
# Stops the test cluster and removes everything `up` made, except the cache of builds and images.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
[ "$(id -u)" = 0 ] || die "stopping the test cluster needs root; run: sudo $0"
cluster_cleanup
log "cluster down"
