#!/usr/bin/env bash
# The real-cluster suite (`npm run test:cluster`): builds what the cache lacks, starts the local
# single-node Kubernetes (scripts/cluster), runs test/cluster/ against it, stops it and checks that
# nothing of it is left on the machine. Root and Linux only; a cold run builds the Pulumi engine,
# Kubernetes, CoreDNS, fake-gcs-server and the Spark image (docs/development.md has the times), a
# warm one starts in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# Everything the cache lacks, before the cluster competes for the CPU; warm, each step is a no-op.
# The Spark image (debootstrap: mostly downloading and unpacking) builds beside the CPU-bound Go
# builds of the Pulumi engine and Kubernetes.
bash scripts/cluster/install-packages.sh
bash scripts/cluster/build-images.sh >/dev/null &
images=$!
bash scripts/pulumi/build-engine.sh
bash scripts/cluster/build-kubernetes.sh
# The Cloud Storage emulator the bucket event-log test runs on loopback.
fake_gcs=$(bash scripts/gcs/build-fake-gcs-server.sh)
wait "$images"
cluster=scripts/cluster/cluster
kubeconfig=$("$cluster" up | tail -n 1)
status=0
# The lowest memory the machine had available while the cells ran (the cluster and its cells must
# leave at least 8 GiB free on a 24 GiB machine): sampled every 2 s, printed at the end.
lowest=$(mktemp)
(
  min=
  while sleep 2; do
    now=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
    if [ -z "$min" ] || [ "$now" -lt "$min" ]; then min=$now && echo "$min" >"$lowest"; fi
  done
) &
sampler=$!
SPARK_AT_SCALE_FAKE_GCS="$fake_gcs" SPARK_AT_SCALE_KUBECONFIG="$kubeconfig" SPARK_AT_SCALE_KUBECTL="$(scripts/cluster/cluster kubectl-path)" npx mocha --config test/cluster/.mocharc.json || status=$?
kill "$sampler" 2>/dev/null || true
echo "test-cluster: lowest available memory while the suite ran: $(( ( $(cat "$lowest") + 0 ) / 1024 )) MiB of $(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 )) MiB"
rm -f "$lowest"
"$cluster" down || status=$?
"$cluster" leftovers || status=$?
exit "$status"
