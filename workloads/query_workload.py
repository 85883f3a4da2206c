"""Spark-at-scale query workload: a TPC-H query, a user's SQL file or a user's PySpark script as
one experiment cell.

Where ``join_workload.py`` generates its two tables, this job runs over data that already
exists (TPC-H tables from ``tpchgen-cli``, or the user's parquet/CSV tables), applies the
cell's join strategy as a *session-wide preference*, and prints the same kind of result line:
which join operators Spark's final physical plans actually used (counted per operator, over
every SQL execution of the run, subqueries included), the input's size on disk, rows, time and
task metrics.

Usage::

    spark-submit query_workload.py --kind tpch --query-file q03.sql --query-name q03 \\
        --table customer=/data/sf1/customer.parquet ... --scale-factor 1 --strategy broadcast
    spark-submit query_workload.py --kind sql --query-file mine.sql --table t=/data/t.csv ...
    spark-submit query_workload.py --kind pyspark --script job.py --scale-factor 2 ...

Join strategy preferences (``--strategy``):

- ``broadcast``: both broadcast thresholds at 8 GiB, so Spark broadcasts every build side it
  can (its own 8 GiB / 512 M rows broadcast limits still apply).
- ``shuffle_hash``: broadcasts off, ``spark.sql.join.preferSortMergeJoin=false`` and AQE's
  ``maxShuffledHashJoinLocalMapThreshold`` at 8 GiB: with AQE on, every shuffled join whose
  build partitions fit becomes a shuffled hash join. With AQE off, Spark's static planner only
  picks one for a side smaller than the (switched off) broadcast threshold times the shuffle
  partitions, so it plans sort-merge joins: the result line says so.
- ``sort_merge``: broadcasts off; Spark's default preference for sort-merge joins.
- ``auto``: Spark's defaults.

A user's PySpark script runs in this process (``runpy``) with ``sys.argv`` set to
``[script, "--scale-factor", <sf>]``; ``SparkSession.builder.getOrCreate()`` in it returns the
session configured here, and its ``spark.stop()`` is deferred until the operators are read.

The last stdout line is ``SPARK_AT_SCALE_RESULT {json}`` (schema:
``schemas/query-result.schema.json``). Exit status: 0 on success, 1 when the query or script
failed (the result line is still printed), 2 for invalid arguments (nothing runs).
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The join workload travels beside this file (same ConfigMap, same folder): its error
# description, task metrics and result-line writer are shared, not repeated.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from join_workload import (
    MAX_APP_NAME_CHARS,
    _app_name,
    describe_error,
    emit,
    task_metrics,
)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SCHEMA_VERSION = 1
KINDS = ("tpch", "sql", "pyspark")
STRATEGIES = ("broadcast", "shuffle_hash", "sort_merge", "auto")
# Names of join operators in Spark's plan graph (SparkPlanGraphNode.name = nodeName).
JOIN_OPERATOR_NAMES = (
    "BroadcastHashJoin",
    "ShuffledHashJoin",
    "SortMergeJoin",
    "BroadcastNestedLoopJoin",
    "CartesianProduct",
)
# Broadcast "where possible": Spark's own cap on a broadcast table is 8 GiB.
BROADCAST_EVERYTHING = "8g"
JOB_GROUP_QUERY = "spark-at-scale-query"
TABLE_FORMATS = ("parquet", "csv")
DEFAULT_PARTITIONS = 200


def log(message: str) -> None:
    """Progress on stderr (stdout is kept for the result line)."""
    print(f"[query_workload {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One input table: a view name and the parquet or CSV file or folder it reads."""

    name: str
    path: str
    format: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "path": self.path, "format": self.format}


@dataclass(frozen=True)
class QueryArgs:
    """Validated arguments of one run."""

    kind: str
    strategy: str
    aqe: bool
    partitions: int
    scale_factor: float | None
    query_file: str | None
    query_name: str | None
    script: str | None
    tables: tuple[Table, ...]
    app_name: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "strategy": self.strategy,
            "aqe": "on" if self.aqe else "off",
            "partitions": self.partitions,
            "scaleFactor": self.scale_factor,
            "queryFile": self.query_file,
            "queryName": self.query_name,
            "script": self.script,
            "tables": [t.to_json() for t in self.tables],
            "appName": self.app_name,
        }


def _table(text: str) -> Table:
    """NAME=PATH, the format from the path: ``.csv`` is CSV (with a header), the rest parquet."""
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(
            f"invalid value {text!r}: NAME=PATH, e.g. orders=/data/orders.parquet"
        )
    if not name.replace("_", "a").isalnum() or name[0].isdigit():
        raise argparse.ArgumentTypeError(
            f"invalid table name {name!r}: letters, digits and _, not starting with a digit"
        )
    fmt = "csv" if path.lower().rstrip("/").endswith(".csv") else "parquet"
    return Table(name=name, path=path, format=fmt)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: a number above 0") from None
    if not 0 < value < float("inf"):  # also refuses nan
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: a number above 0")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid value {value}: at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="query_workload.py",
        description="Run a TPC-H query, a SQL file or a PySpark script as one cell.",
    )
    parser.add_argument("--kind", required=True, choices=KINDS)
    parser.add_argument("--strategy", required=True, choices=STRATEGIES)
    parser.add_argument("--aqe", choices=("on", "off"), default="on")
    parser.add_argument("--partitions", type=_positive_int, default=DEFAULT_PARTITIONS)
    parser.add_argument("--scale-factor", type=_positive_float, default=None)
    parser.add_argument("--query-file", help="SQL file (kinds tpch and sql)")
    parser.add_argument("--query-name", help="label of the query in the result (e.g. q03)")
    parser.add_argument("--script", help="PySpark script (kind pyspark)")
    parser.add_argument(
        "--table", type=_table, action="append", default=[], help="NAME=PATH, repeatable"
    )
    parser.add_argument("--app-name", type=_app_name, default=None)
    return parser


def _readable(parser: argparse.ArgumentParser, flag: str, path: str) -> None:
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        parser.error(f"argument {flag}: {path!r} is not a readable file")


def parse_args(argv: Sequence[str] | None = None) -> QueryArgs:
    """Parse and validate; on bad input print a message and exit with status 2."""
    parser = build_parser()
    ns = parser.parse_args(argv)
    if ns.kind in ("tpch", "sql"):
        if ns.query_file is None:
            parser.error(f"argument --query-file: required with --kind {ns.kind}")
        if ns.script is not None:
            parser.error(f"argument --script: only with --kind pyspark, not {ns.kind}")
        _readable(parser, "--query-file", ns.query_file)
        if not ns.table:
            parser.error(f"argument --table: at least one with --kind {ns.kind}")
    else:
        if ns.script is None:
            parser.error("argument --script: required with --kind pyspark")
        if ns.query_file is not None:
            parser.error("argument --query-file: only with --kind tpch or sql")
        _readable(parser, "--script", ns.script)
    names = [t.name for t in ns.table]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        parser.error(f"argument --table: {', '.join(duplicates)} given more than once")
    return QueryArgs(
        kind=ns.kind,
        strategy=ns.strategy,
        aqe=ns.aqe == "on",
        partitions=ns.partitions,
        scale_factor=ns.scale_factor,
        query_file=ns.query_file,
        query_name=ns.query_name,
        script=ns.script,
        tables=tuple(ns.table),
        app_name=ns.app_name[:MAX_APP_NAME_CHARS] if ns.app_name else None,
    )


# --------------------------------------------------------------------------------------------
# Session preferences and inputs
# --------------------------------------------------------------------------------------------


# Every setting a preference touches, so one run's preference never leaks into the next run
# of the same session: None is Spark's default (the setting unset).
_STRATEGY_SETTINGS = {
    "broadcast": (BROADCAST_EVERYTHING, BROADCAST_EVERYTHING, None, None),
    "shuffle_hash": ("-1", "-1", "false", BROADCAST_EVERYTHING),
    "sort_merge": ("-1", "-1", None, None),
    "auto": (None, None, None, None),
}
_STRATEGY_KEYS = (
    "spark.sql.autoBroadcastJoinThreshold",
    "spark.sql.adaptive.autoBroadcastJoinThreshold",
    "spark.sql.join.preferSortMergeJoin",
    "spark.sql.adaptive.maxShuffledHashJoinLocalMapThreshold",
)


def strategy_conf(strategy: str, aqe: bool) -> dict[str, str | None]:
    """The runtime SQL settings that express a strategy preference for a whole session."""
    settings = _STRATEGY_SETTINGS[strategy]
    conf: dict[str, str | None] = dict(zip(_STRATEGY_KEYS, settings, strict=True))
    conf["spark.sql.adaptive.enabled"] = "true" if aqe else "false"
    return conf


def register_tables(spark: SparkSession, tables: Sequence[Table]) -> None:
    """Each table as a temporary view of its name."""
    for table in tables:
        reader = spark.read
        if table.format == "csv":
            reader = reader.option("header", "true").option("inferSchema", "true")
        reader.format(table.format).load(table.path).createOrReplaceTempView(table.name)


def input_bytes(spark: SparkSession, tables: Sequence[Table]) -> int | None:
    """The tables' size on disk (Hadoop's content summary: local folders and buckets alike)."""
    if not tables:
        return None
    jvm = spark.sparkContext._jvm
    hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
    total = 0
    for table in tables:
        path = jvm.org.apache.hadoop.fs.Path(table.path)
        total += int(path.getFileSystem(hadoop_conf).getContentSummary(path).getLength())
    return total


def last_execution_id(spark: SparkSession) -> int:
    """The id of the session's latest SQL execution, -1 before the first."""
    executions = spark._jsparkSession.sharedState().statusStore().executionsList()
    ids = [int(executions.apply(i).executionId()) for i in range(executions.size())]
    return max(ids, default=-1)


def join_operators(spark: SparkSession, after: int = -1) -> dict[str, int]:
    """Join operators of the final plans of every SQL execution after ``after``, per operator.

    Read from the driver's SQL status store, the plan graph the UI draws: AQE updates it with
    the final plan, it includes subqueries, and a reused exchange points at the one it reuses,
    so each operator that ran is counted once. This is the same for a query run here and for
    whatever a user's script ran.
    """
    store = spark._jsparkSession.sharedState().statusStore()
    executions = store.executionsList()
    counts: dict[str, int] = {}
    for i in range(executions.size()):
        execution_id = executions.apply(i).executionId()
        if int(execution_id) <= after:
            continue
        nodes = store.planGraph(execution_id).allNodes()
        for j in range(nodes.size()):
            name = str(nodes.apply(j).name())
            if name in JOIN_OPERATOR_NAMES:
                counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


SCALE_FACTOR_VARIABLE = "${scale_factor}"


def query_text(sql: str, scale_factor: float | None) -> str:
    """A query with ``${scale_factor}`` replaced by the cell's scale (TPC-H Q11's fraction)."""
    if SCALE_FACTOR_VARIABLE not in sql:
        return sql
    if scale_factor is None:
        raise ValueError(f"the query uses {SCALE_FACTOR_VARIABLE} but no --scale-factor was given")
    return sql.replace(SCALE_FACTOR_VARIABLE, repr(scale_factor))


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


def empty_result(args: QueryArgs) -> dict[str, Any]:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "workload": args.kind,
        "arguments": args.to_json(),
        "sparkVersion": None,
        "master": None,
        "applicationId": None,
        "joinOperators": {},
        "inputBytes": None,
        "outputRows": None,
        "durations": {"querySeconds": None},
        "metrics": {
            "spillBytes": None,
            "diskSpillBytes": None,
            "peakExecutionMemoryBytes": None,
            "failedTasks": None,
        },
        "outcome": "failed",
        "error": None,
    }


class ScriptExit(Exception):
    """A user's script called sys.exit with a non-zero status."""


def run_script(script: str, scale_factor: float | None) -> None:
    """Run a user's PySpark script as ``__main__`` with the scale as its argument."""
    argv = [script] + ([] if scale_factor is None else ["--scale-factor", repr(scale_factor)])
    saved = sys.argv
    sys.argv = argv
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            raise ScriptExit(f"{script} exited with status {exc.code}") from None
    finally:
        sys.argv = saved


def run_query(spark: SparkSession, args: QueryArgs) -> dict[str, Any]:
    """Run the cell's query or script on ``spark``; never raises (failures go in the result)."""
    result = empty_result(args)
    sc = spark.sparkContext
    result["sparkVersion"] = spark.version
    result["master"] = sc.master
    result["applicationId"] = sc.applicationId
    for key, value in strategy_conf(args.strategy, args.aqe).items():
        if value is None:
            spark.conf.unset(key)
        else:
            spark.conf.set(key, value)
    spark.conf.set("spark.sql.shuffle.partitions", str(args.partitions))
    sc.setJobGroup(JOB_GROUP_QUERY, f"{args.kind} {args.query_name or args.script or ''}")
    before = last_execution_id(spark)
    started = time.perf_counter()
    try:
        register_tables(spark, args.tables)
        result["inputBytes"] = input_bytes(spark, args.tables)
        if args.kind == "pyspark":
            assert args.script is not None
            log(f"running {args.script} (scale factor {args.scale_factor})")
            run_script(args.script, args.scale_factor)
        else:
            assert args.query_file is not None
            sql = query_text(Path(args.query_file).read_text(), args.scale_factor)
            log(f"running {args.query_name or args.query_file}: strategy {args.strategy}")
            result["outputRows"] = len(spark.sql(sql).collect())
        result["outcome"] = "succeeded"
    except Exception as exc:
        log(f"{args.kind} failed: {type(exc).__name__}")
        result["error"] = describe_error(exc)
    finally:
        result["durations"]["querySeconds"] = round(time.perf_counter() - started, 3)
        try:  # best effort: after a fatal failure the JVM side may be unusable
            result["joinOperators"] = join_operators(spark, after=before)
        except Exception as exc:
            log(f"could not read the executed plans: {exc!r}")
        try:
            result["metrics"] = task_metrics(spark, JOB_GROUP_QUERY)
        except Exception as exc:
            log(f"could not read task metrics: {exc!r}")
    return result


def create_session(args: QueryArgs) -> SparkSession:
    from pyspark.sql import SparkSession

    name = args.app_name or f"spark-at-scale-{args.kind}-{args.strategy}"
    return SparkSession.builder.appName(name).getOrCreate()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)  # exits with status 2 before any Spark is started
    log(f"arguments: {json.dumps(args.to_json())}")
    spark: SparkSession | None = None
    stop = None
    try:
        spark = create_session(args)
        # A user's script may stop "its" session; the plans are read after it, so defer that.
        stop = type(spark).stop
        type(spark).stop = lambda self: None  # type: ignore[method-assign]
        result = run_query(spark, args)
    except Exception as exc:  # the session could not even start
        result = empty_result(args)
        result["error"] = describe_error(exc)
    finally:
        if spark is not None and stop is not None:
            type(spark).stop = stop  # type: ignore[method-assign]
            try:
                spark.stop()
            except Exception as exc:
                log(f"stopping Spark failed: {exc!r}")
    log(f"outcome: {result['outcome']}; join operators {result['joinOperators']}")
    emit(result)
    return 0 if result["outcome"] == "succeeded" else 1


if __name__ == "__main__":
    status = main()
    sys.stderr.flush()
    os._exit(status)  # nothing may follow the result line (see join_workload.py)
