#!/usr/bin/env bash
# Starts the single-node test cluster: etcd, the Kubernetes control plane (Node,RBAC), containerd,
# the kubelet, kube-proxy and CoreDNS, with the Spark and pause images imported. Whatever a
# previous run left (even after a crash or kill -9) is cleaned up first. Builds what the cache
# lacks: cold, about half an hour; warm, under a minute. Prints the admin kubeconfig's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/pki.sh"

check_prerequisites() {
  [ "$(uname -s)" = Linux ] || die "the test cluster runs on Linux only (this is $(uname -s))."
  [ "$(id -u)" = 0 ] || die "the test cluster needs root (it starts a kubelet, mounts, and sets up a bridge); run: sudo $0"
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    grep -qw memory /sys/fs/cgroup/cgroup.controllers \
      || die "no cgroup memory controller: /sys/fs/cgroup/cgroup.controllers lacks 'memory'; pods could not be given memory limits."
  else
    [ -w /sys/fs/cgroup/memory ] \
      || die "no cgroup memory controller: /sys/fs/cgroup/memory is missing or read-only; pods could not be given memory limits."
  fi
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null \
    || die "no overlayfs in this kernel (/proc/filesystems): containerd needs it to run images."
  require_disk "$SPARK_AT_SCALE_CACHE" "$MIN_FREE_DISK_GIB_RUN" "the cluster's images and pods"
  local total_mib
  total_mib=$(awk '/^MemTotal:/ { printf "%d\n", $2 / 1024 }' /proc/meminfo)
  [ "$total_mib" -ge $((POD_MEMORY_MIB + 2048)) ] \
    || die "too little memory: $total_mib MiB in all, pods are to get $POD_MEMORY_MIB MiB plus 2 GiB for the control plane (set SPARK_AT_SCALE_CLUSTER_POD_MEMORY_MIB lower)."
}

check_ports_free() {
  local port
  for port in "127.0.0.1:$ETCD_CLIENT_PORT" "127.0.0.1:$ETCD_PEER_PORT" "127.0.0.1:$COREDNS_HEALTH_PORT" "127.0.0.1:$COREDNS_READY_PORT" "127.0.0.1:10248" "127.0.0.1:10256" "127.0.0.1:10249" "127.0.0.1:10257" "127.0.0.1:10259"; do
    if ss -Hltn "sport = :${port##*:}" | grep -q .; then
      die "port ${port##*:} is in use by another program ($(ss -Hltnp "sport = :${port##*:}" | awk '{print $NF}' | head -1)); the test cluster needs it."
    fi
  done
}

make_bridge() {
  ip link add "$POD_BRIDGE" type bridge
  ip addr add "$BRIDGE_IP/${POD_SUBNET#*/}" dev "$POD_BRIDGE"
  ip link set "$POD_BRIDGE" up
  # Belt and braces: even on a host that forwards packets, nothing from the pods is routed out.
  iptables -N "$ISOLATION_CHAIN"
  iptables -A "$ISOLATION_CHAIN" -s "$POD_SUBNET" ! -o "$POD_BRIDGE" -j DROP
  iptables -I FORWARD 1 -j "$ISOLATION_CHAIN"
}

import_images() {
  local name reference archive marker
  while read -r name reference archive; do
    marker="$(containerd_root)/imported-$name"
    if [ "$(cat "$marker" 2>/dev/null)" = "$archive" ] \
      && ctr --address "$RUN_DIR/containerd/containerd.sock" -n k8s.io images check "name==$reference" 2>/dev/null | grep -q complete; then
      continue
    fi
    log "importing $reference into containerd"
    tar -ch -C "$archive" . | ctr --address "$RUN_DIR/containerd/containerd.sock" -n k8s.io images import - >/dev/null
    printf '%s\n' "$archive" >"$marker"
  done <<<"$IMAGES"
}

POD_MEMORY_MIB=${SPARK_AT_SCALE_CLUSTER_POD_MEMORY_MIB:-$DEFAULT_POD_MEMORY_MIB}
check_prerequisites
started=$SECONDS
"$here/install-packages.sh"
"$here/build-kubernetes.sh"
IMAGES=$("$here/build-images.sh")
bin="$SPARK_AT_SCALE_CACHE/kubernetes-$KUBERNETES_VERSION/bin"
coredns="$SPARK_AT_SCALE_CACHE/coredns-$COREDNS_VERSION/bin/coredns"
kubectl=("$bin/kubectl" --kubeconfig "$STATE_DIR/admin.kubeconfig")

cluster_cleanup
check_ports_free
mkdir -p "$STATE_DIR" "$RUN_DIR"
install -d -o "$SPARK_UID" -g "$SPARK_UID" -m 0755 "$EVENT_LOG_DIR"
save_sysctls
make_pki
write_containerd_config
write_kubelet_config "$POD_MEMORY_MIB"
write_kube_proxy_config
write_coredns_config
make_bridge
for hierarchy in /sys/fs/cgroup/*/; do
  [ -f "$hierarchy/cgroup.procs" ] && mkdir -p "$hierarchy/$CGROUP_PARENT"
done
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p "/sys/fs/cgroup/$CGROUP_PARENT"
  echo "+memory +cpu +pids" >"/sys/fs/cgroup/cgroup.subtree_control" 2>/dev/null || true
fi

log "starting etcd and the control plane"
start_daemon etcd etcd --name spark-at-scale --data-dir "$STATE_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "spark-at-scale=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls ""
pki="$STATE_DIR/pki"
# WatchList needs etcd >= 3.4.31; Debian's 3.4.23 answers its watches with errors, and
# spark-submit would never see a driver end.
start_daemon kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --bind-address "$BRIDGE_IP" --advertise-address "$BRIDGE_IP" --secure-port "$API_PORT" \
  --service-cluster-ip-range "$SERVICE_SUBNET" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
  --client-ca-file "$pki/ca.crt" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types InternalIP \
  --service-account-issuer "https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --feature-gates WatchList=false --profiling=false --v 1
wait_for "kube-apiserver" 120 "${kubectl[@]}" get --raw /readyz
start_daemon kube-controller-manager "$bin/kube-controller-manager" \
  --kubeconfig "$STATE_DIR/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$STATE_DIR/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$STATE_DIR/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --controllers '*,-bootstrapsigner,-tokencleaner,-nodeipam,-cloud-node-lifecycle' --profiling=false --v 1
start_daemon kube-scheduler "$bin/kube-scheduler" \
  --kubeconfig "$STATE_DIR/scheduler.kubeconfig" \
  --authentication-kubeconfig "$STATE_DIR/scheduler.kubeconfig" \
  --authorization-kubeconfig "$STATE_DIR/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --profiling=false --v 1

log "starting containerd, the kubelet, kube-proxy and CoreDNS"
start_daemon containerd containerd --config "$STATE_DIR/containerd.toml"
wait_for "containerd" 60 ctr --address "$RUN_DIR/containerd/containerd.sock" version
import_images
start_daemon kubelet "$bin/kubelet" --config "$STATE_DIR/kubelet.yaml" \
  --kubeconfig "$STATE_DIR/kubelet.kubeconfig" --hostname-override "$NODE_NAME" --node-ip "$BRIDGE_IP" \
  --root-dir "$STATE_DIR/kubelet" --v 1
start_daemon kube-proxy "$bin/kube-proxy" --config "$STATE_DIR/kube-proxy.yaml" --v 1
"${kubectl[@]}" apply -f "$STATE_DIR/coredns-rbac.yaml" >/dev/null
start_daemon coredns "$coredns" -conf "$STATE_DIR/Corefile"
wait_for "the node" 120 "${kubectl[@]}" wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s
wait_for "CoreDNS" 60 curl -sf "http://127.0.0.1:$COREDNS_READY_PORT/ready"
wait_for "the default service account" 60 "${kubectl[@]}" get serviceaccount default -n default
log "cluster up in $((SECONDS - started))s; kubeconfig: $STATE_DIR/admin.kubeconfig"
echo "$STATE_DIR/admin.kubeconfig"
