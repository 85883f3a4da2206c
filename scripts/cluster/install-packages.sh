#!/usr/bin/env bash
# Installs the Debian packages the local test cluster runs on (etcd, containerd, runc, CNI plugins,
# iptables, conntrack) and builds its images with (debootstrap). Root only; skipped when all are there.
# Package installs must not start their services: the cluster starts its own instances, on its
# own sockets and ports, and a system etcd or containerd left running would be a surprise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

packages=(etcd-server containerd runc containernetworking-plugins iptables conntrack debootstrap openssl iproute2 kmod)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || die "the cluster needs these Debian packages: ${missing[*]}; run as root (apt-get install ${missing[*]})."
command -v apt-get >/dev/null || die "no apt-get: install ${missing[*]} with your package manager."

log "installing Debian packages: ${missing[*]}"
policy=/usr/sbin/policy-rc.d
created_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# Installed by spark-at-scale while it installs packages: start no services.\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created_policy=true
fi
cleanup() { if $created_policy; then rm -f "$policy"; fi; }
trap cleanup EXIT
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
