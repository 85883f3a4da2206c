#!/bin/bash
# Entrypoint of spark-at-scale's local Spark image: the contract Spark's Kubernetes backend expects
# of a container image, written for this project.
#   driver ARGS   -> spark-submit in client mode inside the driver pod, bound to the pod's IP
#                    (ARGS are `--properties-file … --class … <app> <args>` from Spark)
#   executor      -> the executor backend, configured entirely by SPARK_* variables
#   anything else -> run as given
set -euo pipefail

# Spark and the JDK look up the user name; a uid without a passwd entry makes them fail.
if ! getent passwd "$(id -u)" >/dev/null && [ -w /etc/passwd ]; then
  echo "$(id -u):x:$(id -u):$(id -g):spark-at-scale user:${SPARK_HOME}:/bin/false" >>/etc/passwd
fi

classpath="${SPARK_CONF_DIR:-$SPARK_HOME/conf}:${SPARK_HOME}/jars/*"

role="${1:-}"
case "$role" in
  driver)
    shift
    command=("$SPARK_HOME/bin/spark-submit"
      --deploy-mode client
      --conf "spark.driver.bindAddress=${SPARK_DRIVER_BIND_ADDRESS:?driver pod IP not set}"
      "$@")
    ;;
  executor)
    shift
    # Spark passes one JVM option per SPARK_JAVA_OPT_<n> variable; their order is numeric.
    java_options=()
    while IFS= read -r name; do
      java_options+=("${!name}")
    done < <(compgen -e | grep '^SPARK_JAVA_OPT_[0-9]*$' | sort -t_ -k4 -n)
    command=("${JAVA_HOME}/bin/java"
      "${java_options[@]}"
      "-Xms${SPARK_EXECUTOR_MEMORY}" "-Xmx${SPARK_EXECUTOR_MEMORY}"
      -cp "$classpath"
      org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend
      --driver-url "$SPARK_DRIVER_URL"
      --executor-id "$SPARK_EXECUTOR_ID"
      --cores "$SPARK_EXECUTOR_CORES"
      --app-id "$SPARK_APPLICATION_ID"
      --hostname "$SPARK_EXECUTOR_POD_IP"
      --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID:-0}"
      --podName "$SPARK_EXECUTOR_POD_NAME")
    ;;
  *)
    command=("$@")
    ;;
esac

# tini as PID 1 forwards signals and reaps the Python workers a PySpark executor forks.
exec /usr/bin/tini -s -- "${command[@]}"
