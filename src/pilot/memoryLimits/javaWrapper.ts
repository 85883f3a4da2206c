/**
 * How a cell's driver and executors get into their memory cgroups: a `java` that stands in for
 * the real one in a JAVA_HOME of the pilot's own.
 *
 * Why this way. On `local-cluster`, spark-submit starts the driver JVM, which starts the Master
 * and one Worker per executor in its own process; each Worker launches its executor JVM with a
 * ProcessBuilder (ExecutorRunner, CommandUtils). The command comes from Spark's launcher
 * (AbstractCommandBuilder.buildJavaCommand), which runs `$JAVA_HOME/bin/java` when JAVA_HOME is
 * set — as spark-class does for the driver. So a JAVA_HOME whose bin/java is this script is the
 * one place every Spark process of the cell passes through, before its JVM exists:
 * - it joins its group first and only then `exec`s the real java, so every byte the JVM ever
 *   touches is charged to the group — no race with a watcher that moves a JVM after it has
 *   started, and no Spark setting (extraJavaOptions, SPARK_EXECUTOR_OPTS) could change the
 *   parent process anyway;
 * - `exec` keeps the pid, so the Worker sees its executor's own exit code (137 when the kernel
 *   killed it), and the process group the pilot kills at the end still holds everything.
 *
 * The role comes from the main class, the first argument that is neither an option nor an
 * option's value: `org.apache.spark.deploy.SparkSubmit` is the driver,
 * `org.apache.spark.executor.CoarseGrainedExecutorBackend` an executor (id from
 * `--executor-id`). Anything else — spark-class's launcher, which also names SparkSubmit, but
 * as an argument of `org.apache.spark.launcher.Main` — runs unlimited where it was started.
 *
 * Its environment (set by the pilot, inherited by the driver, its Workers and so the executors):
 * - SPARK_AT_SCALE_CGROUP_VERSION: 1 or 2.
 * - SPARK_AT_SCALE_CGROUP_CELL: the cell's group. Empty in a delegated systemd scope: the
 *   driver takes its own cgroup (the scope) and exports it for the executors.
 * - SPARK_AT_SCALE_CGROUP_MOUNT: the v2 mount, to turn /proc/self/cgroup's path into a folder.
 * - SPARK_AT_SCALE_DRIVER_LIMIT_BYTES, SPARK_AT_SCALE_EXECUTOR_LIMIT_BYTES: the pods' limits.
 * - SPARK_AT_SCALE_CGROUP_LOG: a file it appends one line to per process: `cell DIR`,
 *   `placed ROLE`, or `problem ROLE: WHAT` — a process it could not place runs unlimited, and
 *   the pilot then records the cell's limits as not enforced, with the problem as the reason.
 */

/** The environment variables the wrapper reads. */
export const WRAPPER_ENV = {
  version: "SPARK_AT_SCALE_CGROUP_VERSION",
  cell: "SPARK_AT_SCALE_CGROUP_CELL",
  mount: "SPARK_AT_SCALE_CGROUP_MOUNT",
  driverLimit: "SPARK_AT_SCALE_DRIVER_LIMIT_BYTES",
  executorLimit: "SPARK_AT_SCALE_EXECUTOR_LIMIT_BYTES",
  log: "SPARK_AT_SCALE_CGROUP_LOG",
} as const;

/** Spark's main classes for the two kinds of process the pilot limits. */
export const DRIVER_MAIN_CLASS = "org.apache.spark.deploy.SparkSubmit";
export const EXECUTOR_MAIN_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

/** A string as one single-quoted shell word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The wrapper script (POSIX sh) that runs `realJava` in its process's memory cgroup. */
export function javaWrapperScript(realJava: string): string {
  const e = WRAPPER_ENV;
  return `#!/bin/sh
# java for one spark-at-scale pilot cell: puts the cell's Spark driver and each executor in its
# own memory cgroup, limited like its pod (heap + overhead), then runs the real java in place.
# Written by the pilot (src/pilot/memoryLimits/javaWrapper.ts), which says why.
real_java=${shellQuote(realJava)}

main='' executor_id='' skip='' previous=''
for arg in "$@"; do
  if [ -z "$main" ]; then
    if [ -n "$skip" ]; then skip=''; continue; fi
    case "$arg" in
      -cp|-classpath|--class-path|-p|--module-path|--upgrade-module-path|--add-modules|\\
      --add-opens|--add-exports|--add-reads|--patch-module|--limit-modules|--enable-native-access)
        skip=1 ;;
      -*) ;;
      *) main=$arg ;;
    esac
  else
    [ "$previous" = "--executor-id" ] && executor_id=$arg
    previous=$arg
  fi
done

case "$main" in
  ${DRIVER_MAIN_CLASS}) role=driver limit=$${e.driverLimit} ;;
  ${EXECUTOR_MAIN_CLASS}) role="executor-$executor_id" limit=$${e.executorLimit} ;;
  *) exec "$real_java" "$@" ;;
esac

note() {
  if [ -n "$${e.log}" ]; then printf '%s\\n' "$*" >> "$${e.log}"; fi
}
problem() {
  note "problem $role: $*"
  echo "spark-at-scale: the $role runs without its memory limit: $*" >&2
}

place() {
  cell=$${e.cell}
  if [ -z "$cell" ]; then
    # A delegated systemd scope: the cell's group is the one this driver was started in.
    cell="$${e.mount}$(sed -n 's/^0:://p' /proc/self/cgroup)"
    export ${e.cell}="$cell"
    note "cell $cell"
  fi
  group="$cell/$role"
  mkdir -p "$group" 2>/dev/null || { problem "cannot create $group"; return; }
  if [ "$${e.version}" = 1 ]; then
    echo "$limit" 2>/dev/null > "$group/memory.limit_in_bytes" ||
      { problem "cannot set $group/memory.limit_in_bytes"; return; }
    # With swap accounting, memory + swap gets the same limit: no swapping out of the limit.
    if [ -e "$group/memory.memsw.limit_in_bytes" ]; then
      echo "$limit" 2>/dev/null > "$group/memory.memsw.limit_in_bytes" ||
        { problem "cannot set $group/memory.memsw.limit_in_bytes"; return; }
    fi
    echo $$ 2>/dev/null > "$group/cgroup.procs" || { problem "cannot move into $group"; return; }
  else
    # v2: join first, so that the cell's group holds no process of its own when it hands the
    # memory controller down (needed in a delegated scope, which the driver starts in).
    echo $$ 2>/dev/null > "$group/cgroup.procs" || { problem "cannot move into $group"; return; }
    echo +memory 2>/dev/null > "$cell/cgroup.subtree_control" ||
      { problem "cannot enable the memory controller in $cell"; return; }
    echo "$limit" 2>/dev/null > "$group/memory.max" ||
      { problem "cannot set $group/memory.max"; return; }
    if [ -e "$group/memory.swap.max" ]; then echo 0 2>/dev/null > "$group/memory.swap.max"; fi
    # As the kubelet does on v2: an OOM kill takes the whole container, not one of its processes.
    echo 1 2>/dev/null > "$group/memory.oom.group"
  fi
  note "placed $role"
}

place
exec "$real_java" "$@"
`;
}
