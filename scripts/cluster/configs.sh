# Configuration files of the cluster's processes, written into $STATE_DIR by `up`.

containerd_root() { printf '%s/containerd\n' "$SPARK_AT_SCALE_CACHE"; }

write_containerd_config() {
  mkdir -p "$STATE_DIR/cni" "$RUN_DIR/containerd"
  # Images stay in the cache across `down`/`up`: none can be pulled again here.
  cat >"$STATE_DIR/containerd.toml" <<TOML
version = 2
root = "$(containerd_root)"
state = "$RUN_DIR/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]

[grpc]
  address = "$RUN_DIR/containerd/containerd.sock"
[ttrpc]
  address = "$RUN_DIR/containerd/containerd.sock.ttrpc"
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE_DIR/containerd-opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # Root here may lack CAP_SYS_RESOURCE, so runc could not raise a sandbox's oom_score_adj.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE_DIR/cni"
TOML
  # Pods get an address on the bridge and a route to the service range only: no default route,
  # no masquerading, so nothing a pod sends can leave the machine.
  cat >"$STATE_DIR/cni/10-spark-at-scale.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "spark-at-scale",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$POD_BRIDGE",
      "isGateway": true,
      "isDefaultGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$STATE_DIR/cni-ipam",
        "ranges": [[{ "subnet": "$POD_SUBNET", "gateway": "$BRIDGE_IP" }]],
        "routes": [{ "dst": "$SERVICE_SUBNET" }]
      }
    }
  ]
}
JSON
}

write_kubelet_config() {
  local pod_memory_mib=$1 total_mib reserved_mib
  total_mib=$(awk '/^MemTotal:/ { printf "%d\n", $2 / 1024 }' /proc/meminfo)
  reserved_mib=$((total_mib - pod_memory_mib - 100))
  # Pods see only a resolver file with the cluster's DNS; the host's resolvers stay out of reach.
  : >"$STATE_DIR/resolv.conf"
  cat >"$STATE_DIR/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $BRIDGE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $STATE_DIR/pki/ca.crt }
authorization: { mode: Webhook }
tlsCertFile: $STATE_DIR/pki/kubelet-serving.crt
tlsPrivateKeyFile: $STATE_DIR/pki/kubelet-serving.key
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_PARENT
containerRuntimeEndpoint: unix://$RUN_DIR/containerd/containerd.sock
clusterDNS: [$BRIDGE_IP]
clusterDomain: $CLUSTER_DOMAIN
resolvConf: $STATE_DIR/resolv.conf
failSwapOn: false
staticPodPath: ""
volumePluginDir: $STATE_DIR/kubelet-plugins
maxPods: 60
# Pods may use $pod_memory_mib MiB together: the kubelet caps the pods' cgroup at that, so the
# cells can never take the memory the rest of the machine needs.
systemReserved: { memory: ${reserved_mib}Mi }
enforceNodeAllocatable: [pods]
evictionHard: { memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2% }
# Images cannot be pulled again here: never garbage-collect them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: true
rotateCertificates: false
serverTLSBootstrap: false
YAML
}

write_kube_proxy_config() {
  cat >"$STATE_DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: { kubeconfig: $STATE_DIR/kube-proxy.kubeconfig }
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_SUBNET
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [$BRIDGE_IP/32]
# Leave the host's conntrack table settings and route_localnet as they are.
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
iptables: { localhostNodePorts: false, masqueradeAll: false }
YAML
}

write_coredns_config() {
  # Only the cluster's own names are answered; nothing is forwarded, so no query leaves the machine.
  cat >"$STATE_DIR/Corefile" <<COREFILE
$CLUSTER_DOMAIN:53 in-addr.arpa:53 {
    bind $BRIDGE_IP
    kubernetes $CLUSTER_DOMAIN in-addr.arpa {
        kubeconfig $STATE_DIR/coredns.kubeconfig spark-at-scale-local
        pods insecure
    }
    health 127.0.0.1:$COREDNS_HEALTH_PORT
    ready 127.0.0.1:$COREDNS_READY_PORT
    cache 5
    errors
}
COREFILE
  cat >"$STATE_DIR/coredns-rbac.yaml" <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: "spark-at-scale:coredns" }
rules:
  - apiGroups: [""]
    resources: [endpoints, services, pods, namespaces]
    verbs: [list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: "spark-at-scale:coredns" }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "spark-at-scale:coredns" }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:coredns" }
YAML
}
