#!/usr/bin/env bash
# The real-cluster suite (`npm run test:cluster`): builds what the cache lacks, starts the local
# single-node Kubernetes (scripts/cluster), runs test/cluster/ against it, stops it and checks that
# nothing of it is left on the machine. Root and Linux only; a cold run builds the Pulumi engine,
# Kubernetes, CoreDNS and the Spark image (see the README for times), a warm one starts in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# The Pulumi engine first, while no cluster competes for the CPU (cached: a no-op when warm).
bash scripts/pulumi/build-engine.sh
cluster=scripts/cluster/cluster
kubeconfig=$("$cluster" up | tail -n 1)
status=0
SPARK_AT_SCALE_KUBECONFIG="$kubeconfig" SPARK_AT_SCALE_KUBECTL="$(scripts/cluster/cluster kubectl-path)" npx mocha --config test/cluster/.mocharc.json || status=$?
"$cluster" down || status=$?
"$cluster" leftovers || status=$?
exit "$status"
