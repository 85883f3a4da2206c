#!/usr/bin/env bash
# Says whether the test cluster is up: each process `up` started, the API server, the node,
# CoreDNS and the images. Exits 0 only when everything is up.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.env"
. "$here/cluster.env"
. "$here/lib.sh"
. "$here/daemons.sh"

healthy=true
report() { printf '%-24s %s\n' "$1" "$2"; }
if [ ! -d "$STATE_DIR" ]; then
  report cluster "down (no state in $STATE_DIR)"
  exit 1
fi
total_rss=0
for name in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy coredns; do
  if pid=$(recorded_pid "$name"); then
    rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null || echo 0)
    total_rss=$((total_rss + rss))
    report "$name" "running (pid $pid, $rss MiB)"
  else
    report "$name" "not running"
    healthy=false
  fi
done
kubectl=("$SPARK_AT_SCALE_CACHE/kubernetes-$KUBERNETES_VERSION/bin/kubectl" --kubeconfig "$STATE_DIR/admin.kubeconfig")
if "${kubectl[@]}" get --raw /readyz >/dev/null 2>&1; then report "api server" "ready at https://$BRIDGE_IP:$API_PORT"; else report "api server" "not ready"; healthy=false; fi
node=$("${kubectl[@]}" get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status} {.status.allocatable.memory}' 2>/dev/null)
if [ "${node%% *}" = True ]; then report node "$NODE_NAME Ready, allocatable memory ${node#* }"; else report node "not Ready"; healthy=false; fi
if curl -sf "http://127.0.0.1:$COREDNS_READY_PORT/ready" >/dev/null; then report dns "CoreDNS ready on $BRIDGE_IP:53"; else report dns "not ready"; healthy=false; fi
images=$(ctr --address "$RUN_DIR/containerd/containerd.sock" -n k8s.io images ls -q 2>/dev/null | grep '^localhost/spark-at-scale/' | tr '\n' ' ')
report images "${images:-none}"
report "control plane memory" "$total_rss MiB RSS"
report kubeconfig "$STATE_DIR/admin.kubeconfig"
$healthy
