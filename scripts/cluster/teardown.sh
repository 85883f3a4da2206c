# Tearing the cluster down to nothing: used by `down`, and by `up` before it starts (so an `up`
# after a crash or a `kill -9` starts clean). Touches only what `up` made: recorded processes,
# this containerd's pods and shims, mounts under the cluster's folders, its cgroups, its bridge,
# Kubernetes' iptables chains and its own, and the kernel settings the kubelet changes.

CRI_ENDPOINT() { printf 'unix://%s/containerd/containerd.sock\n' "$RUN_DIR"; }
SYSCTLS_THE_KUBELET_SETS="vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes"
ISOLATION_CHAIN=SPARK-AT-SCALE-ISOLATE

save_sysctls() {
  [ -f "$STATE_DIR/sysctl.saved" ] && return 0
  for key in $SYSCTLS_THE_KUBELET_SETS; do
    printf '%s=%s\n' "$key" "$(sysctl -n "$key")"
  done >"$STATE_DIR/sysctl.saved"
}

restore_sysctls() {
  [ -f "$STATE_DIR/sysctl.saved" ] || return 0
  while IFS= read -r setting; do sysctl -q -w "$setting" >/dev/null 2>&1 || true; done <"$STATE_DIR/sysctl.saved"
}

# Pods are removed through the CRI, which also deletes their network namespaces and IP leases.
# After a crash this containerd may be down: it is started again just for this.
remove_pods() {
  local crictl bin k8s_bin
  k8s_bin="$SPARK_AT_SCALE_CACHE/kubernetes-$KUBERNETES_VERSION/bin"
  crictl="$SPARK_AT_SCALE_CACHE/cri-tools-$CRI_TOOLS_VERSION/bin/crictl"
  [ -x "$crictl" ] && [ -f "$STATE_DIR/containerd.toml" ] || return 0
  if ! recorded_pid containerd >/dev/null; then
    [ -d "$(containerd_root)" ] || return 0
    start_daemon containerd containerd --config "$STATE_DIR/containerd.toml"
    wait_for "containerd (for clean-up)" 30 "$crictl" --runtime-endpoint "$(CRI_ENDPOINT)" version || return 0
  fi
  "$crictl" --runtime-endpoint "$(CRI_ENDPOINT)" --image-endpoint "$(CRI_ENDPOINT)" --timeout 30s rmp --all --force >/dev/null 2>&1 || true
  : "$k8s_bin"
}

# Processes left in the pods' cgroups (a container whose shim died with containerd).
kill_cgroup_processes() {
  local procs
  for procs in $(find /sys/fs/cgroup -path "*/$CGROUP_PARENT/*" -name cgroup.procs 2>/dev/null); do
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$procs"
  done
}

remove_cgroups() {
  local root
  for root in /sys/fs/cgroup/*/"$CGROUP_PARENT" /sys/fs/cgroup/"$CGROUP_PARENT"; do
    [ -d "$root" ] || continue
    find "$root" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

# containerd's shims outlive it by design; ours name our socket on their command line.
kill_our_shims() {
  local pid
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $RUN_DIR/containerd/containerd.sock" || true); do
    kill -KILL "$pid" 2>/dev/null || true
  done
}

unmount_under() {
  local prefix mountpoint
  for prefix in "$@"; do
    # Deepest first; mountinfo escapes spaces as \040.
    for mountpoint in $(awk -v p="$prefix" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
      umount "$mountpoint" 2>/dev/null || umount -l "$mountpoint" 2>/dev/null || true
    done
  done
}

remove_iptables_rules() {
  local k8s_bin="$SPARK_AT_SCALE_CACHE/kubernetes-$KUBERNETES_VERSION/bin"
  [ -x "$k8s_bin/kube-proxy" ] && "$k8s_bin/kube-proxy" --cleanup >/dev/null 2>&1 || true
  local tool table chain
  for tool in iptables ip6tables; do
    command -v "$tool" >/dev/null || continue
    # The kubelet's own marker chains (kube-proxy --cleanup leaves them).
    for table in mangle nat filter; do
      for chain in KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT KUBE-FIREWALL; do
        # A chain still jumped to cannot be deleted: remove the jumps first (KUBE-FIREWALL is
        # jumped to from INPUT and OUTPUT).
        local builtin
        for builtin in PREROUTING INPUT FORWARD OUTPUT POSTROUTING; do
          while "$tool" -t "$table" -D "$builtin" -j "$chain" 2>/dev/null; do :; done
        done
        "$tool" -t "$table" -F "$chain" 2>/dev/null && "$tool" -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
  done
  while iptables -D FORWARD -j "$ISOLATION_CHAIN" 2>/dev/null; do :; done
  iptables -F "$ISOLATION_CHAIN" 2>/dev/null && iptables -X "$ISOLATION_CHAIN" 2>/dev/null || true
}

cluster_cleanup() {
  if ! [ -d "$STATE_DIR" ] && ! [ -d "$RUN_DIR" ] && [ -z "$(ip link show "$POD_BRIDGE" 2>/dev/null)" ]; then
    # Nothing runs; only rules an earlier teardown could not remove may be left.
    remove_iptables_rules
    return 0
  fi
  # The kubelet first, so that it restarts nothing it sees die.
  stop_daemon kubelet
  remove_pods
  kill_cgroup_processes
  for name in kube-proxy coredns kube-scheduler kube-controller-manager kube-apiserver etcd containerd; do
    stop_daemon "$name"
  done
  kill_our_shims
  kill_cgroup_processes
  unmount_under "$STATE_DIR/" "$RUN_DIR/" "$(containerd_root)/"
  remove_cgroups
  ip link del "$POD_BRIDGE" 2>/dev/null || true
  remove_iptables_rules
  restore_sysctls
  rm -rf "$STATE_DIR" "$RUN_DIR"
}
