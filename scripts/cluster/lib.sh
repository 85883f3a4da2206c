# Shared by the cluster scripts: where things live, and how they report.
# Builds and images sit in a cache outside the checkout, keyed by version, so every clone and CI
# run on a machine shares one build of each part. The running cluster's state (certificates,
# etcd, kubelet, logs, PIDs) lives in STATE_DIR and is removed by `down`.
SPARK_AT_SCALE_CACHE=${SPARK_AT_SCALE_CACHE:-/var/cache/spark-at-scale}
STATE_DIR=${SPARK_AT_SCALE_CLUSTER_STATE:-/var/lib/spark-at-scale/cluster}
RUN_DIR=/run/spark-at-scale
CGROUP_PARENT=spark-at-scale-cluster

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

# cache_dir NAME: the cache folder for one versioned part, created if missing.
cache_dir() {
  mkdir -p "$SPARK_AT_SCALE_CACHE/$1"
  printf '%s\n' "$SPARK_AT_SCALE_CACHE/$1"
}

# free_gib DIR: free space on DIR's filesystem (the nearest existing parent), in GiB.
free_gib() {
  local dir=$1
  while [ ! -d "$dir" ]; do dir=$(dirname "$dir"); done
  df -Pk "$dir" | awk 'NR == 2 { printf "%d\n", $4 / 1048576 }'
}

# require_disk DIR GIB WHAT: one clear message when DIR's filesystem has less than GIB free.
require_disk() {
  local free
  free=$(free_gib "$1")
  [ "$free" -ge "$2" ] || die "too little disk for $3: $free GiB free on the filesystem of $1, at least $2 GiB needed (set SPARK_AT_SCALE_CACHE to a larger disk)."
}
