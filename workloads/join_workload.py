"""Spark-at-scale join workload: one self-contained PySpark job.

Generates a *build* side and a *probe* side of requested in-memory sizes inside the job (no
external data), joins them with a requested strategy, and prints one machine-readable result
line. It runs unchanged on the cluster image (apache/spark:4.0.4, submitted by the Kubeflow Spark
Operator with this file mounted from a ConfigMap) and on the pip-installed pyspark of the same
Spark line, so it imports only the standard library and pyspark.

Usage::

    spark-submit join_workload.py --build-bytes 268435456 --probe-bytes 268435456 \\
        --strategy sort_merge [--skew 1.1] [--keys 100000] [--partitions 200] [--aqe on|off]

Schema of both sides (``key BIGINT NOT NULL, payload STRING NOT NULL``), one row as a Spark
``UnsafeRow``::

    8 bytes   null-tracking bitset (one 64-bit word covers both fields)
    8 bytes   key (fixed-length field)
    8 bytes   payload offset and length (fixed-length slot of a variable-length field)
    P bytes   payload, P = --payload-bytes ASCII characters, rounded up to a multiple of 8

so a row takes ``24 + ceil(P / 8) * 8`` bytes: 128 bytes with the default P = 104.

"Size" of a side is the sum of the UnsafeRow sizes of its rows: rows = round(requested bytes /
row size). It is *measured* by Spark, not computed here: before the join, each side is
generated once and written through a hash shuffle, and the ``dataSize`` SQL metric of that
``ShuffleExchangeExec`` (which the shuffle serializer increments by ``UnsafeRow.getSizeInBytes``
for every row it writes) is reported as the side's bytes.

Skew: the build side's keys follow a Zipf law with exponent s over K keys (key k in [0, K) gets a
share proportional to (k + 1)^-s; s = 0 is uniform). The build side is the one a hash join holds
in memory and a sort-merge join buffers per key, so skewing it is what concentrates memory on a
few tasks. The probe side holds keys 0 .. probe_rows - 1 once each (uniform), so every build row
meets at most one probe row and the join output has exactly ``build rows`` rows whenever
probe rows >= K (fewer otherwise): output cardinality stays bounded at any skew.

The last stdout line is ``SPARK_AT_SCALE_RESULT {json}`` (schema:
``schemas/workload-result.schema.json``); progress goes to stderr (which spark-submit merges
into stdout for Python applications, before the result line). Exit status: 0 on success,
1 when the workload failed (the result line is still printed), 2 for invalid arguments (nothing
runs).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pyspark is imported lazily so that bad arguments never start a JVM
    from pyspark.sql import DataFrame, SparkSession

RESULT_PREFIX = "SPARK_AT_SCALE_RESULT "
SCHEMA_VERSION = 1

STRATEGIES = ("broadcast", "shuffle_hash", "sort_merge", "auto")
# Spark SQL join hints per strategy; `auto` gives no hint and lets the planner (and AQE) decide.
STRATEGY_HINTS: dict[str, str | None] = {
    "broadcast": "BROADCAST",
    "shuffle_hash": "SHUFFLE_HASH",
    "sort_merge": "MERGE",
    "auto": None,
}

DEFAULT_KEYS = 100_000
DEFAULT_PARTITIONS = 200  # Spark's own default for spark.sql.shuffle.partitions
DEFAULT_SEED = 42
DEFAULT_PAYLOAD_BYTES = 104  # -> 128-byte UnsafeRow
# random: every character random (alphanumeric), so shuffle files and broadcast pieces are as
# large as the rows. compressible: 8 random characters, then '.' padding, so LZ4 shrinks the
# wire/disk form many times while the in-memory rows are the same size.
PAYLOAD_KINDS = ("random", "compressible")

MAX_BYTES = 1 << 50  # 1 PiB; keeps row counts exact in the double arithmetic of the key counts
MAX_KEYS = 10_000_000  # per-key counts are computed in one partition
MAX_PARTITIONS = 1_000_000
MAX_PAYLOAD_BYTES = 1 << 20

# A key's rows are generated in chunks of at most this many rows, so no single generated array
# is large (explode(sequence(...)) materialises the array) and chunks spread over partitions.
CHUNK_ROWS = 10_000
# Default input partitions: one per 128 MiB, like a file scan with the default
# spark.sql.files.maxPartitionBytes, and at least the cluster's default parallelism.
INPUT_PARTITION_BYTES = 128 * 1024 * 1024

JOB_GROUP_GENERATE = "spark-at-scale-generate"
JOB_GROUP_JOIN = "spark-at-scale-join"
BUILD_VIEW = "spark_at_scale_build"
PROBE_VIEW = "spark_at_scale_probe"

ERROR_MESSAGE_CHARS = 2000
MAX_APP_NAME_CHARS = 200
JOIN_OPERATORS = {
    "BroadcastHashJoinExec",
    "ShuffledHashJoinExec",
    "SortMergeJoinExec",
    "BroadcastNestedLoopJoinExec",
    "CartesianProductExec",
}


def log(message: str) -> None:
    """Print a human-readable progress line to stderr (stdout is kept for the result line)."""
    print(f"[join_workload {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------


def unsafe_row_bytes(payload_bytes: int) -> int:
    """UnsafeRow size of one (key, payload) row: bitset word + 2 slots + payload padded to 8."""
    return 8 + 2 * 8 + (payload_bytes + 7) // 8 * 8


def rows_for_bytes(size_bytes: int, row_bytes: int) -> int:
    """Number of rows whose UnsafeRow sizes add up closest to ``size_bytes`` (at least 1)."""
    return max(1, (size_bytes + row_bytes // 2) // row_bytes)


@dataclass(frozen=True)
class WorkloadArgs:
    """Validated arguments of one run."""

    build_bytes: int
    probe_bytes: int
    strategy: str
    skew: float = 0.0
    keys: int = DEFAULT_KEYS
    partitions: int = DEFAULT_PARTITIONS
    aqe: bool = True
    seed: int = DEFAULT_SEED
    payload_bytes: int = DEFAULT_PAYLOAD_BYTES
    input_partitions: int | None = None
    payload_kind: str = "random"
    app_name: str | None = None

    @property
    def row_bytes(self) -> int:
        return unsafe_row_bytes(self.payload_bytes)

    def to_json(self) -> dict[str, Any]:
        """The arguments as echoed in the result line (flag names in camelCase)."""
        return {
            "buildBytes": self.build_bytes,
            "probeBytes": self.probe_bytes,
            "strategy": self.strategy,
            "skew": self.skew,
            "keys": self.keys,
            "partitions": self.partitions,
            "aqe": "on" if self.aqe else "off",
            "seed": self.seed,
            "payloadBytes": self.payload_bytes,
            "inputPartitions": self.input_partitions,
            "payloadKind": self.payload_kind,
            "appName": self.app_name,
        }


def _int_in_range(what: str, low: int, high: int) -> Any:
    """An argparse type accepting integers in [low, high], with a message naming the range."""

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"invalid value {text!r}: expected {what}, an integer from {low} to {high}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"invalid value {value}: expected {what}, an integer from {low} to {high}"
            )
        return value

    return parse


def _skew_exponent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(
            f"invalid value {text!r}: expected the Zipf exponent s, a finite number >= 0 "
            "(0 = uniform keys)"
        )
    return value


def _seed(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        value = None
    if value is None or not -(2**63) <= value < 2**63:
        raise argparse.ArgumentTypeError(
            f"invalid value {text!r}: expected an integer seed (64-bit signed)"
        )
    return value


def _app_name(text: str) -> str:
    if not 1 <= len(text) <= MAX_APP_NAME_CHARS or not text.isprintable():
        raise argparse.ArgumentTypeError(
            f"invalid value {text!r}: expected an application name of 1 to "
            f"{MAX_APP_NAME_CHARS} printable characters"
        )
    return text


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface (flag names are shared with the experiment runner)."""
    parser = argparse.ArgumentParser(
        prog="join_workload.py",
        description="Generate a build and a probe side of given in-memory sizes and join them.",
    )
    size = _int_in_range("a size in bytes", 1, MAX_BYTES)
    parser.add_argument(
        "--build-bytes",
        type=size,
        required=True,
        help="in-memory size (sum of UnsafeRow sizes) of the build side, in bytes",
    )
    parser.add_argument(
        "--probe-bytes", type=size, required=True, help="in-memory size of the probe side, bytes"
    )
    parser.add_argument(
        "--strategy",
        choices=STRATEGIES,
        required=True,
        help="join strategy: SQL hint BROADCAST, SHUFFLE_HASH or MERGE; auto = no hint",
    )
    parser.add_argument(
        "--skew",
        type=_skew_exponent,
        default=0.0,
        help="Zipf exponent s of the build side's keys (default 0 = uniform)",
    )
    parser.add_argument(
        "--keys",
        type=_int_in_range("a key count", 1, MAX_KEYS),
        default=DEFAULT_KEYS,
        help=f"number of distinct build keys K (default {DEFAULT_KEYS})",
    )
    parser.add_argument(
        "--partitions",
        type=_int_in_range("a partition count", 1, MAX_PARTITIONS),
        default=DEFAULT_PARTITIONS,
        help=f"spark.sql.shuffle.partitions (default {DEFAULT_PARTITIONS})",
    )
    parser.add_argument(
        "--aqe",
        choices=("on", "off"),
        default="on",
        help="spark.sql.adaptive.enabled (default on)",
    )
    parser.add_argument(
        "--seed", type=_seed, default=DEFAULT_SEED, help=f"payload seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--payload-bytes",
        type=_int_in_range("a payload length in bytes", 0, MAX_PAYLOAD_BYTES),
        default=DEFAULT_PAYLOAD_BYTES,
        help=f"payload string length (default {DEFAULT_PAYLOAD_BYTES}, i.e. 128-byte rows)",
    )
    parser.add_argument(
        "--input-partitions",
        type=_int_in_range("a partition count", 1, MAX_PARTITIONS),
        default=None,
        help="partitions each side is generated in (default: one per 128 MiB, "
        "at least the default parallelism)",
    )
    parser.add_argument(
        "--payload-kind",
        choices=PAYLOAD_KINDS,
        default="random",
        help="random (incompressible, default) or compressible (8 random characters, then "
        "padding): same in-memory size, different shuffle/broadcast size",
    )
    parser.add_argument(
        "--app-name",
        type=_app_name,
        default=None,
        help="Spark application name, shown in the event log and the History Server "
        "(default spark-at-scale-join-<strategy>)",
    )
    return parser


def parse_args(argv: Sequence[str] | None = None) -> WorkloadArgs:
    """Parse and validate; on bad input print a message and exit with status 2 (argparse)."""
    parser = build_parser()
    ns = parser.parse_args(argv)
    row_bytes = unsafe_row_bytes(ns.payload_bytes)
    for flag, value in (("--build-bytes", ns.build_bytes), ("--probe-bytes", ns.probe_bytes)):
        if value < row_bytes:
            parser.error(
                f"argument {flag}: invalid value {value}: less than one row; rows are "
                f"{row_bytes} bytes with --payload-bytes {ns.payload_bytes}, so the size "
                f"must be at least {row_bytes}"
            )
    return WorkloadArgs(
        build_bytes=ns.build_bytes,
        probe_bytes=ns.probe_bytes,
        strategy=ns.strategy,
        skew=ns.skew,
        keys=ns.keys,
        partitions=ns.partitions,
        aqe=ns.aqe == "on",
        seed=ns.seed,
        payload_bytes=ns.payload_bytes,
        input_partitions=ns.input_partitions,
        payload_kind=ns.payload_kind,
        app_name=ns.app_name,
    )


# --------------------------------------------------------------------------------------------
# Data generation
# --------------------------------------------------------------------------------------------


def zipf_top_share(skew: float, keys: int) -> float:
    """Expected share of the most frequent key under Zipf(s) over K keys: 1 / H(K, s)."""
    return 1.0 / math.fsum(k**-skew for k in range(1, keys + 1))


def key_counts(spark: SparkSession, rows: int, keys: int, skew: float) -> DataFrame:
    """Exact rows per key (``key``, ``n``) for the build side, keys with n > 0 only.

    Computed in Spark (one partition, K rows) so that no Python runs on executors. Key k gets
    the weight (k + 1)^-s; with running sums C_k of the normalised weights, key k's rows are
    floor(rows * C_k) - floor(rows * C_(k-1)), and the last key closes the total at exactly
    ``rows``. The counts are therefore non-negative, sum to ``rows`` exactly, and each one is
    within one row of rows * share_k.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    # No partitionBy: the range already has one partition, so this adds no exchange (Spark logs
    # a warning about moving data to a single partition, which is intended here).
    ordered = Window.orderBy("key")
    running = ordered.rowsBetween(Window.unboundedPreceding, Window.currentRow)
    whole = ordered.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    weights = spark.range(0, keys, numPartitions=1).select(
        F.col("id").alias("key"),
        F.pow(F.col("id").cast("double") + F.lit(1.0), F.lit(-float(skew))).alias("w"),
    )
    cumulative = weights.select(
        "key",
        F.sum("w").over(running).alias("cum"),
        F.sum("w").over(whole).alias("total"),
    )
    target = cumulative.select(
        "key",
        F.when(F.col("key") == keys - 1, F.lit(rows))
        .otherwise(
            F.least(F.lit(rows), F.floor(F.lit(float(rows)) * F.col("cum") / F.col("total")))
        )
        .alias("t"),
    )
    counts = target.select(
        "key", (F.col("t") - F.coalesce(F.lag("t").over(ordered), F.lit(0))).alias("n")
    )
    return counts.where(F.col("n") > 0)


def build_side(
    spark: SparkSession,
    *,
    rows: int,
    keys: int,
    skew: float,
    payload_bytes: int,
    seed: int,
    partitions: int,
    payload_kind: str = "random",
) -> DataFrame:
    """The build side: ``rows`` rows whose keys follow Zipf(skew) over ``keys`` keys.

    Per-key counts are expanded with ``explode(sequence(...))`` in two steps: each key into
    chunks of at most CHUNK_ROWS rows, the chunks spread round-robin over ``partitions``
    partitions, then each chunk into its rows. The payload is ``payload_sql``.
    """
    from pyspark.sql import functions as F

    chunks = key_counts(spark, rows, keys, skew).select(
        "key",
        "n",
        F.explode(F.sequence(F.lit(0), F.floor((F.col("n") - 1) / CHUNK_ROWS))).alias("chunk"),
    )
    spread = chunks.select(
        "key", F.least(F.lit(CHUNK_ROWS), F.col("n") - F.col("chunk") * CHUNK_ROWS).alias("m")
    ).repartition(partitions)
    return spread.select("key", F.explode(F.sequence(F.lit(1), F.col("m"))).alias("i")).select(
        "key", F.expr(payload_sql(payload_kind, payload_bytes, seed)).alias("payload")
    )


def probe_side(
    spark: SparkSession,
    *,
    rows: int,
    payload_bytes: int,
    seed: int,
    partitions: int,
    payload_kind: str = "random",
) -> DataFrame:
    """The probe side: keys 0 .. rows - 1, once each (uniform)."""
    from pyspark.sql import functions as F

    return spark.range(0, rows, numPartitions=partitions).select(
        F.col("id").alias("key"),
        F.expr(payload_sql(payload_kind, payload_bytes, seed)).alias("payload"),
    )


def payload_sql(kind: str, payload_bytes: int, seed: int) -> str:
    """SQL for a payload of exactly ``payload_bytes`` ASCII characters.

    ``randstr`` (Spark 4.0) draws alphanumeric characters per row from a generator seeded by
    ``seed`` and the partition index: deterministic for a given partitioning, and never a
    constant the optimizer could fold. The compressible kind pads 8 random characters with '.'.
    """
    if kind == "random" or payload_bytes <= 8:
        return f"randstr({payload_bytes}, {seed}L)"
    return f"rpad(randstr(8, {seed}L), {payload_bytes}, '.')"


# --------------------------------------------------------------------------------------------
# Plan inspection (through the JVM objects of the executed plan)
# --------------------------------------------------------------------------------------------


def _simple_name(node: Any) -> str:
    return str(node.getClass().getSimpleName())


def _children(node: Any) -> list[Any]:
    """Children of a physical plan node, looking through AQE wrappers to what actually ran."""
    name = _simple_name(node)
    if name == "AdaptiveSparkPlanExec":
        return [node.executedPlan()]  # the current plan: the final one once the query has run
    if name.endswith("QueryStageExec"):
        return [node.plan()]
    seq = node.children()
    return [seq.apply(i) for i in range(seq.size())]


def walk_plan(root: Any) -> Iterator[Any]:
    """Yield every node of a physical plan, depth first, parents before children."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(_children(node)))


def executed_plan(df: DataFrame) -> Any:
    return df._jdf.queryExecution().executedPlan()


def find_join(plan: Any) -> Any | None:
    return next((n for n in walk_plan(plan) if _simple_name(n) in JOIN_OPERATORS), None)


# Nodes that may sit between a join and the exchange that feeds it.
_PASS_THROUGH = {
    "SortExec",
    "InputAdapter",
    "WholeStageCodegenExec",
    "AQEShuffleReadExec",
    "ShuffleQueryStageExec",
    "ReusedExchangeExec",
}


def feeding_shuffle(node: Any) -> Any | None:
    """The ShuffleExchangeExec feeding a join input, or None (e.g. a broadcast input)."""
    while True:
        name = _simple_name(node)
        if name == "ShuffleExchangeExec":
            return node
        if name not in _PASS_THROUGH:
            return None
        children = _children(node)
        if len(children) != 1:
            return None
        node = children[0]


def metric_value(node: Any, name: str) -> int:
    return int(node.metrics().apply(name).value())


def partition_max_to_median(spark: SparkSession, exchange: Any) -> float | None:
    """max / median of the non-empty reduce partitions of a shuffle, in map-output bytes.

    The sizes are the MapOutputTracker's statistics of the shuffle (what AQE's skew-join
    handling reads); they are compressed bytes, recorded with about 10 % precision per map
    output. Partitions with no rows are left out: with fewer keys than partitions they are empty
    by construction, not by skew.
    """
    tracker = spark.sparkContext._jvm.org.apache.spark.SparkEnv.get().mapOutputTracker()
    stats = tracker.getStatistics(exchange.shuffleDependency())
    sizes = [int(b) for b in stats.bytesByPartitionId() if int(b) > 0]
    if not sizes:
        return None
    return max(sizes) / statistics.median(sizes)


# --------------------------------------------------------------------------------------------
# Task metrics (driver REST API)
# --------------------------------------------------------------------------------------------


def _wait_for_listeners(spark: SparkSession, timeout_ms: int = 30_000) -> None:
    """Let the driver's listener bus drain so the status store has every task of the jobs run.

    Uses LiveListenerBus.waitUntilEmpty (package-private in Scala, callable from the JVM side);
    if that is unavailable the metrics may miss the last tasks, which is logged.
    """
    try:
        spark.sparkContext._jsc.sc().listenerBus().waitUntilEmpty(timeout_ms)
    except Exception as exc:  # metrics are best effort; the run itself is not affected
        log(f"could not wait for the listener bus ({type(exc).__name__}); metrics may lag")


def _rest_get(url: str) -> Any:
    # No proxies: the UI is the driver's own port and must not go through an HTTP(S)_PROXY.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        return json.load(response)


def task_metrics(spark: SparkSession, job_group: str) -> dict[str, int | None]:
    """Spill and peak execution memory of the tasks of one job group, from the REST API.

    ``spillBytes`` sums the tasks' ``memoryBytesSpilled`` (in-memory size of what was spilled),
    ``diskSpillBytes`` their ``diskBytesSpilled``, ``peakExecutionMemoryBytes`` is the largest
    ``peakExecutionMemory`` of any one task (its sort buffers, hash maps and aggregation maps;
    a broadcast relation is not execution memory), ``failedTasks`` counts failed task attempts.
    All are None when the driver UI is off or unreachable.
    """
    empty: dict[str, int | None] = {
        "spillBytes": None,
        "diskSpillBytes": None,
        "peakExecutionMemoryBytes": None,
        "failedTasks": None,
    }
    sc = spark.sparkContext
    url = sc.uiWebUrl
    if not url:
        log("spark.ui.enabled is false: no task metrics")
        return empty
    _wait_for_listeners(spark)
    base = f"{url.rstrip('/')}/api/v1/applications/{sc.applicationId}"
    tracker = sc.statusTracker()
    stage_ids: set[int] = set()
    for job_id in tracker.getJobIdsForGroup(job_group):
        info = tracker.getJobInfo(job_id)
        if info is not None:
            stage_ids.update(info.stageIds)
    spill = disk_spill = peak = failed = 0
    try:
        for stage_id in sorted(stage_ids):
            try:
                attempts = _rest_get(f"{base}/stages/{stage_id}")
            except urllib.error.HTTPError as exc:
                if exc.code == 404:  # a stage of a skipped/never-submitted plan part
                    continue
                raise
            for attempt in attempts:
                spill += int(attempt.get("memoryBytesSpilled", 0))
                disk_spill += int(attempt.get("diskBytesSpilled", 0))
                failed += int(attempt.get("numFailedTasks", 0))
                if int(attempt.get("numCompleteTasks", 0)) == 0:
                    continue
                summary = _rest_get(
                    f"{base}/stages/{stage_id}/{attempt['attemptId']}/taskSummary?quantiles=1.0"
                )
                peak = max(peak, int(max(summary.get("peakExecutionMemory") or [0])))
    except (OSError, ValueError, KeyError) as exc:
        log(f"could not read task metrics from {base}: {exc!r}")
        return empty
    return {
        "spillBytes": spill,
        "diskSpillBytes": disk_spill,
        "peakExecutionMemoryBytes": peak,
        "failedTasks": failed,
    }


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def _jvm_throwable(exc: BaseException) -> Any | None:
    """The JVM Throwable behind a PySpark/py4j exception, if any."""
    for attr in ("java_exception", "_origin"):  # Py4JJavaError, pyspark CapturedException
        throwable = getattr(exc, attr, None)
        if throwable is not None:
            return throwable
    return None


def describe_error(exc: BaseException) -> dict[str, Any]:
    """{exceptionClass, message, causeClasses} of a failure, message cut to 2,000 chars.

    exceptionClass is the JVM class (e.g. org.apache.spark.SparkException) when the failure
    came from the JVM, else the Python class. The message is the JVM message cut by ``excerpt``
    (its start plus key lines such as "java.lang.OutOfMemoryError: Java heap space" or
    "exited with code 52"); causeClasses is the JVM cause chain.
    """
    throwable = _jvm_throwable(exc)
    cls = f"{type(exc).__module__}.{type(exc).__qualname__}"
    message = str(exc)
    causes: list[str] = []
    if throwable is not None:
        try:
            cls = str(throwable.getClass().getName())
            message = str(throwable.getMessage() or throwable.toString())
            cause = throwable.getCause()
            while cause is not None and len(causes) < 10:
                causes.append(str(cause.getClass().getName()))
                cause = cause.getCause()
        except Exception:  # the JVM may be gone (e.g. the driver died); keep the Python view
            pass
    return {"exceptionClass": cls, "message": excerpt(message), "causeClasses": causes}


# Lines worth keeping from deep inside a long message, most telling first: what the executor or
# driver died of, then the other root causes.
_KEY_LINE_MARKERS = (
    ("OutOfMemoryError", "exited with code", "Not enough memory to build and broadcast"),
    ("Cannot broadcast the table", "ExecutorLostFailure", "Container killed"),
    ("Caused by:",),
)
_KEY_LINE_CHARS = 300


def excerpt(message: str, limit: int = ERROR_MESSAGE_CHARS) -> str:
    """Cut a message to ``limit`` characters, keeping its start and its key lines.

    A task failure's message embeds the executor-side stack trace; the line that says why (for
    example "Caused by: java.lang.OutOfMemoryError: Java heap space") can sit far below the
    first 2,000 characters, so the distinct key lines of the rest, most telling first, are
    appended to the first 800 characters.
    """
    message = message.strip()
    if len(message) <= limit:
        return message
    head = message[:800]
    rest = [line.strip()[:_KEY_LINE_CHARS] for line in message[len(head) :].splitlines()]
    key_lines: list[str] = []
    for markers in _KEY_LINE_MARKERS:
        for line in rest:
            if any(marker in line for marker in markers) and line not in key_lines:
                key_lines.append(line)
    text = head + " [...]"
    for line in key_lines:
        if len(text) + 1 + len(line) <= limit:
            text = f"{text}\n{line}"
    return text


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def configure(spark: SparkSession, args: WorkloadArgs) -> None:
    """Session settings that come from the arguments (runtime SQL confs)."""
    spark.conf.set("spark.sql.adaptive.enabled", "true" if args.aqe else "false")
    spark.conf.set("spark.sql.shuffle.partitions", str(args.partitions))


def input_partitions(spark: SparkSession, args: WorkloadArgs, size_bytes: int) -> int:
    if args.input_partitions is not None:
        return args.input_partitions
    by_size = -(-size_bytes // INPUT_PARTITION_BYTES)
    return max(spark.sparkContext.defaultParallelism, by_size)


def measure_side(spark: SparkSession, side: DataFrame, partitions: int) -> tuple[int, int]:
    """(rows, bytes) of a side as Spark measures it when shuffling every row once.

    Bytes is the ``dataSize`` metric of the hash-partitioning ShuffleExchangeExec (the sum of
    ``UnsafeRow.getSizeInBytes`` over rows written); the aggregate above it references both
    columns so neither is pruned from the exchange.
    """
    from pyspark.sql import functions as F

    query = side.repartition(partitions, "key", "payload").agg(
        F.count(F.lit(1)).alias("rows"),
        F.sum("key").alias("key_sum"),
        F.sum(F.length("payload")).alias("payload_chars"),
    )
    rows = int(query.collect()[0]["rows"])
    for node in walk_plan(executed_plan(query)):
        if (
            _simple_name(node) == "ShuffleExchangeExec"
            and _simple_name(node.outputPartitioning()) == "HashPartitioning"
        ):
            return rows, metric_value(node, "dataSize")
    raise RuntimeError("no hash ShuffleExchangeExec in the measurement plan")


def planner_estimate(df: DataFrame) -> int:
    """The optimizer's static sizeInBytes estimate of a side (what `auto` decides on)."""
    return int(str(df._jdf.queryExecution().optimizedPlan().stats().sizeInBytes()))


def join_query(spark: SparkSession, strategy: str) -> DataFrame:
    """The join, materialised by an aggregate over every joined row (no rows reach the driver).

    The build side is the right input: a hash join builds on it (the hint names it) and a
    sort-merge join buffers its rows per key (SortMergeJoinExec streams the left input).
    Both payloads are aggregated so column pruning cannot drop them from either input.
    """
    hint = STRATEGY_HINTS[strategy]
    hint_sql = f"/*+ {hint}(b) */ " if hint else ""
    return spark.sql(
        f"SELECT {hint_sql}count(1) AS output_rows, "
        "sum(length(b.payload)) AS build_payload_chars, "
        "sum(length(p.payload)) AS probe_payload_chars "
        f"FROM {PROBE_VIEW} p JOIN {BUILD_VIEW} b ON p.key = b.key"
    )


def empty_result(args: WorkloadArgs) -> dict[str, Any]:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "arguments": args.to_json(),
        "sparkVersion": None,
        "master": None,
        "joinOperator": None,
        "joinBuildSide": None,
        "build": {
            "rows": None,
            "bytes": None,
            "rowBytes": args.row_bytes,
            "partitions": None,
            "plannerEstimateBytes": None,
        },
        "probe": {
            "rows": None,
            "bytes": None,
            "rowBytes": args.row_bytes,
            "partitions": None,
            "plannerEstimateBytes": None,
        },
        "skew": {
            "topKeyShare": None,
            "expectedTopKeyShare": zipf_top_share(args.skew, args.keys),
            "shufflePartitionMaxToMedian": None,
        },
        "outputRows": None,
        "durations": {"generateSeconds": None, "joinSeconds": None},
        "metrics": {
            "spillBytes": None,
            "diskSpillBytes": None,
            "peakExecutionMemoryBytes": None,
            "failedTasks": None,
        },
        "outcome": "failed",
        "error": None,
    }


def run_workload(spark: SparkSession, args: WorkloadArgs) -> dict[str, Any]:
    """Generate, measure and join on ``spark``; return the result object (never raises for a
    Spark failure: the failure is described in the result and ``outcome`` is "failed")."""
    from pyspark.sql import functions as F

    result = empty_result(args)
    result["sparkVersion"] = spark.version
    result["master"] = spark.sparkContext.master
    sc = spark.sparkContext
    phase = "configure"
    join_df: DataFrame | None = None
    # Unique per run, so that metrics never include the jobs of an earlier run in the session.
    run_id = uuid.uuid4().hex[:12]
    join_group = f"{JOB_GROUP_JOIN}-{run_id}"
    try:
        configure(spark, args)
        build_rows = rows_for_bytes(args.build_bytes, args.row_bytes)
        probe_rows = rows_for_bytes(args.probe_bytes, args.row_bytes)
        build_parts = input_partitions(spark, args, args.build_bytes)
        probe_parts = input_partitions(spark, args, args.probe_bytes)
        result["build"]["partitions"] = build_parts
        result["probe"]["partitions"] = probe_parts
        build = build_side(
            spark,
            rows=build_rows,
            keys=args.keys,
            skew=args.skew,
            payload_bytes=args.payload_bytes,
            seed=args.seed,
            partitions=build_parts,
            payload_kind=args.payload_kind,
        )
        probe = probe_side(
            spark,
            rows=probe_rows,
            payload_bytes=args.payload_bytes,
            seed=args.seed + 1,
            partitions=probe_parts,
            payload_kind=args.payload_kind,
        )
        result["build"]["plannerEstimateBytes"] = planner_estimate(build)
        result["probe"]["plannerEstimateBytes"] = planner_estimate(probe)

        phase = "generate"
        sc.setJobGroup(f"{JOB_GROUP_GENERATE}-{run_id}", "generate and measure both sides")
        started = time.perf_counter()
        top = key_counts(spark, build_rows, args.keys, args.skew).agg(F.max("n")).collect()[0][0]
        result["skew"]["topKeyShare"] = int(top) / build_rows
        log(f"generating and measuring the build side ({build_rows} rows)")
        result["build"]["rows"], result["build"]["bytes"] = measure_side(
            spark, build, args.partitions
        )
        log(f"generating and measuring the probe side ({probe_rows} rows)")
        result["probe"]["rows"], result["probe"]["bytes"] = measure_side(
            spark, probe, args.partitions
        )
        result["durations"]["generateSeconds"] = round(time.perf_counter() - started, 3)
        log(f"build {result['build']['bytes']} bytes, probe {result['probe']['bytes']} bytes")

        phase = "join"
        build.createOrReplaceTempView(BUILD_VIEW)
        probe.createOrReplaceTempView(PROBE_VIEW)
        join_df = join_query(spark, args.strategy)
        sc.setJobGroup(join_group, f"{args.strategy} join")
        log(f"joining: strategy {args.strategy}, AQE {'on' if args.aqe else 'off'}")
        started = time.perf_counter()
        try:
            row = join_df.collect()[0]
        finally:
            result["durations"]["joinSeconds"] = round(time.perf_counter() - started, 3)
        result["outputRows"] = int(row["output_rows"])
        result["outcome"] = "succeeded"
    except Exception as exc:
        log(f"{phase} failed: {type(exc).__name__}")
        result["error"] = describe_error(exc)
    finally:
        if join_df is not None:
            # Best effort: after a fatal failure the JVM side may be unusable, and what was
            # measured so far must still be reported.
            try:
                _inspect_join(spark, join_df, result)
            except Exception as exc:
                log(f"could not inspect the executed plan: {exc!r}")
            try:
                result["metrics"] = task_metrics(spark, join_group)
            except Exception as exc:
                log(f"could not read task metrics: {exc!r}")
    return result


def _inspect_join(spark: SparkSession, join_df: DataFrame, result: dict[str, Any]) -> None:
    """Fill joinOperator, joinBuildSide and the shuffle skew ratio from the executed plan."""
    try:
        join = find_join(executed_plan(join_df))
    except Exception as exc:  # planning itself failed: there is no operator to report
        log(f"no executed plan: {type(exc).__name__}")
        return
    if join is None:
        return
    result["joinOperator"] = str(join.nodeName())
    try:
        build_side_name = str(join.buildSide().toString())
        result["joinBuildSide"] = "build" if build_side_name == "BuildRight" else "probe"
    except Exception:  # SortMergeJoinExec has no build side
        result["joinBuildSide"] = None
    try:
        build_input = _children(join)[1]
        exchange = feeding_shuffle(build_input)
        if exchange is not None:
            result["skew"]["shufflePartitionMaxToMedian"] = partition_max_to_median(spark, exchange)
    except Exception as exc:  # e.g. map outputs lost with a dead executor
        log(f"could not read shuffle partition sizes: {type(exc).__name__}: {exc}")


def create_session(args: WorkloadArgs) -> SparkSession:
    """Get the session spark-submit (or plain python) configured; the arguments' confs are
    applied per run by ``configure``."""
    from pyspark.sql import SparkSession

    name = args.app_name or f"spark-at-scale-join-{args.strategy}"
    return SparkSession.builder.appName(name).getOrCreate()


def emit(result: dict[str, Any]) -> None:
    """Print the result as the last stdout line."""
    line = json.dumps(result, separators=(",", ":"), allow_nan=False, sort_keys=False)
    sys.stdout.write(RESULT_PREFIX + line + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)  # exits with status 2 before any Spark is started
    log(f"arguments: {json.dumps(args.to_json())}")
    spark: SparkSession | None = None
    try:
        spark = create_session(args)
        result = run_workload(spark, args)
    except Exception as exc:  # the session could not even start
        result = empty_result(args)
        result["error"] = describe_error(exc)
    finally:
        if spark is not None:
            try:
                spark.stop()
            except Exception as exc:
                log(f"stopping Spark failed: {exc!r}")
    log(f"outcome: {result['outcome']}")
    emit(result)
    return 0 if result["outcome"] == "succeeded" else 1


if __name__ == "__main__":
    status = main()
    sys.stderr.flush()
    # Exit at once: under spark-submit the Python process's stderr is merged into stdout
    # (PythonRunner redirects it), so nothing, not even interpreter-shutdown noise, may follow
    # the result line. Spark is already stopped.
    os._exit(status)
