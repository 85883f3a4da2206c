"""Benchmark of the join workload (not a timed test): `npm run bench:workload`.

Prints two tables, each beside a floor measured in the same run and session:

* generation: the workload's build-side generator (Zipf key counts, explode, random payload)
  in MB/s per core of UnsafeRow bytes, against generating the same number of rows with
  ``spark.range`` and no payload;
* join: the join query of a 256 MiB cell (256 MiB build, 256 MiB probe) per strategy, against
  the same hinted join of ``spark.range`` sides with the same row counts and keys but no
  payload.

Both sides are written to Spark's ``noop`` sink / aggregated, so nothing is collected.
Runs on local[N] (default local[2]) with a 6 GiB driver; takes a few minutes on 2 cores.
Between cells it asks the driver JVM for a GC, so that Spark's ContextCleaner releases the
previous cell's broadcast relation (a workload run owns its process; the benchmark does not).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

import join_workload

MIB = 1024 * 1024


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def noop(df: DataFrame) -> None:
    df.write.format("noop").mode("overwrite").save()


def floor_join(spark: SparkSession, strategy: str, build_rows: int, probe_rows: int) -> float:
    """The same join over spark.range sides without payload: build keys id % K (the uniform
    key counts of skew 0), probe keys id; same hint, same aggregate shape."""
    keys = join_workload.DEFAULT_KEYS
    spark.range(0, build_rows).select((F.col("id") % keys).alias("key")).createOrReplaceTempView(
        "floor_build"
    )
    spark.range(0, probe_rows).select(F.col("id").alias("key")).createOrReplaceTempView(
        "floor_probe"
    )
    hint = join_workload.STRATEGY_HINTS[strategy]
    hint_sql = f"/*+ {hint}(b) */ " if hint else ""
    query = spark.sql(
        f"SELECT {hint_sql}count(1) AS n FROM floor_probe p JOIN floor_build b ON p.key = b.key"
    )
    return timed(query.collect)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--cell-mib", type=int, default=256, help="build and probe size, MiB")
    parser.add_argument("--partitions", type=int, default=16, help="shuffle partitions")
    opts = parser.parse_args(argv)

    spark = (
        SparkSession.builder.master(opts.master)
        .appName("spark-at-scale-bench")
        .config("spark.driver.memory", "6g")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    cores = spark.sparkContext.defaultParallelism
    cell = opts.cell_mib * MIB
    row_bytes = join_workload.unsafe_row_bytes(join_workload.DEFAULT_PAYLOAD_BYTES)
    rows = join_workload.rows_for_bytes(cell, row_bytes)
    parts = max(cores, -(-cell // join_workload.INPUT_PARTITION_BYTES))

    def generated() -> DataFrame:
        return join_workload.build_side(
            spark,
            rows=rows,
            keys=join_workload.DEFAULT_KEYS,
            skew=0.0,
            payload_bytes=join_workload.DEFAULT_PAYLOAD_BYTES,
            seed=1,
            partitions=parts,
        )

    # Warm up the JIT and the code generator on a small run of each path.
    noop(join_workload.build_side(spark, rows=100_000, keys=1000, skew=0.0,
                                  payload_bytes=104, seed=1, partitions=cores))  # fmt: skip
    noop(spark.range(0, 100_000).select(F.col("id").alias("key")))

    gen_seconds = timed(lambda: noop(generated()))
    floor_seconds = timed(lambda: noop(spark.range(0, rows, numPartitions=parts)))
    mb_per_core = cell / 1e6 / gen_seconds / cores

    print(f"\nGeneration: {rows:,} rows x {row_bytes} B = {cell / MIB:.0f} MiB, {cores} cores")
    print(f"{'generator':<28}{'seconds':>9}{'MB/s/core':>11}{'x floor':>9}")
    print(f"{'workload build side':<28}{gen_seconds:>9.2f}{mb_per_core:>11.1f}"
          f"{gen_seconds / floor_seconds:>9.1f}")  # fmt: skip
    print(f"{'floor: spark.range, no payload':<28}{floor_seconds:>9.2f}{'-':>11}{1.0:>9.1f}")

    print(
        f"\nJoin: {opts.cell_mib} MiB build + {opts.cell_mib} MiB probe, skew 0, "
        f"{join_workload.DEFAULT_KEYS} keys, {opts.partitions} shuffle partitions, AQE on"
    )
    header = f"{'strategy':<14}{'operator':<20}{'join s':>8}{'floor s':>9}{'x floor':>9}"
    print(header + f"{'generate s':>12}{'outcome':>11}")
    failures = []
    for strategy in join_workload.STRATEGIES:
        spark.sparkContext._jvm.System.gc()
        args = join_workload.WorkloadArgs(
            build_bytes=cell,
            probe_bytes=cell,
            strategy=strategy,
            partitions=opts.partitions,
        )
        result = join_workload.run_workload(spark, args)
        join_seconds = result["durations"]["joinSeconds"] or float("nan")
        floor = floor_join(spark, strategy, result["build"]["rows"] or rows, rows)
        print(
            f"{strategy:<14}{result['joinOperator'] or '-':<20}{join_seconds:>8.2f}"
            f"{floor:>9.2f}{join_seconds / floor:>9.1f}"
            f"{result['durations']['generateSeconds'] or float('nan'):>12.2f}"
            f"{result['outcome']:>11}"
        )
        if result["error"]:
            failures.append(f"{strategy}: {result['error']['exceptionClass']}: "
                            f"{result['error']['message'][:300]}")  # fmt: skip
    for failure in failures:
        print(failure)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
