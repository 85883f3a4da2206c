#!/usr/bin/env bash
# Builds the local test cluster's images without a registry or a Docker engine, into the cache:
#   pause  - the pod sandbox (scripts/cluster/pause, a static Go binary)
#   spark  - Debian bookworm (debootstrap) with openjdk-17-jre-headless, python3 and tini, plus the
#            Spark distribution of the pinned pyspark and this project's entrypoint
#            (images/spark-entrypoint.sh): a local equivalent of the stock apache/spark image.
# Each image is a folder in `docker save` layout under $CACHE/images/<name>-<key>/archive, keyed by
# what it is built from; an existing one is reused. Prints "<name> <reference> <archive dir>" lines.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/versions.env"
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || die "building the cluster's images needs root (debootstrap, chroot)."
python="$repo/.venv/bin/python"
[ -x "$python" ] || die "no Python venv in $repo/.venv: run scripts/bootstrap.sh first (it installs the pinned pyspark)."
pyspark_dir=$("$python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
py4j_dir=$("$python" -c 'import os, py4j; print(os.path.dirname(py4j.__file__))')
spark_version=$("$python" -c 'import pyspark; print(pyspark.__version__)')

pack() { (cd "$repo" && node -r ts-node/register scripts/cluster/pack-image.ts "$@"); }
key_of() { cat "$@" | sha256sum | cut -c1-12; }
images=$(cache_dir images)

# --- pause ---------------------------------------------------------------------------------
pause_key=$(key_of "$here/pause/main.go" "$here/pause/go.mod" "$here/imageArchive.ts")
pause_dir="$images/pause-$pause_key"
if [ ! -f "$pause_dir/archive/manifest.json" ]; then
  log "building the pause image"
  rm -rf "$pause_dir" && mkdir -p "$pause_dir/rootfs"
  (cd "$here/pause" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$pause_dir/rootfs/pause" .)
  tar --numeric-owner --owner=0 --group=0 -C "$pause_dir/rootfs" -cf "$pause_dir/layer.tar" .
  pack --out "$pause_dir/archive.partial" --reference "$PAUSE_IMAGE" \
    --layer "$pause_dir/layer.tar=pause binary" --entrypoint '["/pause"]'
  mv "$pause_dir/archive.partial" "$pause_dir/archive"
fi
echo "pause $PAUSE_IMAGE $pause_dir/archive"

# --- spark: base layer (Debian, JRE, Python) ---------------------------------------------------
base_packages="openjdk-17-jre-headless,python3,tini,procps"
base_key=$(printf '%s %s %s' "$DEBIAN_SUITE" "$base_packages" "$SPARK_UID" | sha256sum | cut -c1-12)
base_dir="$images/spark-base-$DEBIAN_SUITE-$base_key"
if [ ! -f "$base_dir/layer.tar" ]; then
  log "building the Spark image's base: Debian $DEBIAN_SUITE with $base_packages (debootstrap, a few minutes)"
  rm -rf "$base_dir" && mkdir -p "$base_dir"
  rootfs="$base_dir/rootfs"
  debootstrap --variant=minbase --include="$base_packages" "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" \
    > "$base_dir/debootstrap.log" 2>&1 || die "debootstrap failed; see $base_dir/debootstrap.log"
  chroot "$rootfs" groupadd --gid "$SPARK_UID" spark
  chroot "$rootfs" useradd --uid "$SPARK_UID" --gid "$SPARK_UID" --home-dir /opt/spark --no-create-home --shell /bin/false spark
  # What a container never needs: package caches, docs, man pages.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/var/log/*
  tar --numeric-owner -C "$rootfs" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
    -cf "$base_dir/layer.tar.partial" .
  mv "$base_dir/layer.tar.partial" "$base_dir/layer.tar"
  rm -rf "$rootfs"
fi

# --- spark: Spark layer and the image --------------------------------------------------------
spark_key=$(printf '%s %s ' "$spark_version" "$base_key" | cat - "$here/images/spark-entrypoint.sh" "$here/build-images.sh" "$here/imageArchive.ts" | sha256sum | cut -c1-12)
spark_dir="$images/spark-$spark_version-$spark_key"
spark_image="$SPARK_IMAGE_REPOSITORY:$spark_version"
if [ ! -f "$spark_dir/archive/manifest.json" ]; then
  log "building the Spark $spark_version image from the pinned pyspark"
  rm -rf "$spark_dir" && mkdir -p "$spark_dir/rootfs/opt/spark-python"
  rootfs="$spark_dir/rootfs"
  cp -a "$pyspark_dir" "$rootfs/opt/spark"
  cp -a "$py4j_dir" "$rootfs/opt/spark-python/py4j"
  find "$rootfs/opt" -name __pycache__ -type d -prune -exec rm -rf {} +
  # Python finds pyspark through this link; SPARK_HOME is /opt/spark, as in the stock image.
  ln -s /opt/spark "$rootfs/opt/spark-python/pyspark"
  mkdir -p "$rootfs/opt/spark/work-dir"
  chown "$SPARK_UID:$SPARK_UID" "$rootfs/opt/spark/work-dir"
  install -m 0755 "$here/images/spark-entrypoint.sh" "$rootfs/opt/entrypoint.sh"
  tar --numeric-owner -C "$rootfs" -cf "$spark_dir/layer.tar" .
  rm -rf "$rootfs"
  pack --out "$spark_dir/archive.partial" --reference "$spark_image" \
    --layer "$base_dir/layer.tar=debootstrap $DEBIAN_SUITE minbase + $base_packages, user spark ($SPARK_UID)" \
    --layer "$spark_dir/layer.tar=Spark $spark_version from pyspark, entrypoint" \
    --entrypoint '["/opt/entrypoint.sh"]' \
    --env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --env "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64" \
    --env "SPARK_HOME=/opt/spark" \
    --env "PYTHONPATH=/opt/spark-python" \
    --env "PYSPARK_PYTHON=python3" \
    --env "LANG=C.UTF-8" \
    --workdir /opt/spark/work-dir --user "$SPARK_UID"
  mv "$spark_dir/archive.partial" "$spark_dir/archive"
fi
echo "spark $spark_image $spark_dir/archive"
