#!/usr/bin/env bash
# Lists anything of the test cluster still on the machine after `down`: a process started from
# its cache or state, a mount under its folders, its cgroups, bridge or iptables chains, or a
# kernel setting not restored. Exits 1 (naming each) if anything is left, 0 if nothing is.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.env"
. "$here/cluster.env"
. "$here/lib.sh"

left=()
while read -r pid args; do
  left+=("process $pid: ${args:0:120}")
done < <(ps -eo pid=,args= | grep -E "$SPARK_AT_SCALE_CACHE/(kubernetes|coredns)-|$STATE_DIR|$RUN_DIR/containerd" | grep -v -E "grep|leftovers.sh")
while read -r mountpoint; do
  left+=("mount $mountpoint")
done < <(awk -v s="$STATE_DIR/" -v r="$RUN_DIR/" -v c="$SPARK_AT_SCALE_CACHE/containerd/" \
  'index($5, s) == 1 || index($5, r) == 1 || index($5, c) == 1 { print $5 }' /proc/self/mountinfo)
for cgroup in /sys/fs/cgroup/*/"$CGROUP_PARENT" /sys/fs/cgroup/"$CGROUP_PARENT"; do
  [ -d "$cgroup" ] && left+=("cgroup $cgroup")
done
ip link show "$POD_BRIDGE" >/dev/null 2>&1 && left+=("bridge $POD_BRIDGE")
for table in filter nat mangle; do
  while read -r chain; do
    left+=("iptables -t $table chain $chain")
  done < <(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && ($2 ~ /^KUBE-/ || $2 ~ /^SPARK-AT-SCALE/) { print $2 }')
done
[ -d "$STATE_DIR" ] && left+=("folder $STATE_DIR")
[ -d "$RUN_DIR" ] && left+=("folder $RUN_DIR")

if [ ${#left[@]} -gt 0 ]; then
  printf 'test cluster leftovers:\n' >&2
  printf '  %s\n' "${left[@]}" >&2
  exit 1
fi
echo "nothing of the test cluster is left on this machine"
