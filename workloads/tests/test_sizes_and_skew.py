"""Measured sizes match the requested ones; the build side's keys follow the Zipf law; skew
shows up in the shuffle partition sizes."""

from __future__ import annotations

from typing import Any

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import join_workload


@pytest.mark.parametrize(
    ("build_bytes", "probe_bytes", "payload_bytes"),
    [
        (3_000_000, 1_500_000, 104),  # 128-byte rows
        (40_000_000, 6_000_000, 104),
        (5_000_003, 2_000_000, 13),  # 40-byte rows, a size that is not a whole number of rows
    ],
)
def test_measured_sizes_are_within_ten_percent_of_requested(
    run: Any, build_bytes: int, probe_bytes: int, payload_bytes: int
) -> None:
    result = run(
        [
            *("--build-bytes", str(build_bytes), "--probe-bytes", str(probe_bytes)),
            *("--payload-bytes", str(payload_bytes), "--strategy", "sort_merge"),
            *("--keys", "1000", "--partitions", "4", "--skew", "1.0"),
        ]
    )
    assert result["outcome"] == "succeeded", result["error"]
    row_bytes = join_workload.unsafe_row_bytes(payload_bytes)
    for side, requested in (("build", build_bytes), ("probe", probe_bytes)):
        measured = result[side]
        assert measured["rowBytes"] == row_bytes
        assert abs(measured["bytes"] - requested) <= 0.10 * requested
        # Spark's dataSize is exactly rows x UnsafeRow size: every row has the same layout.
        assert measured["bytes"] == measured["rows"] * row_bytes
        # Rounding to whole rows is the only deviation from the request.
        assert abs(measured["bytes"] - requested) <= row_bytes / 2


@pytest.mark.parametrize("skew", [0.0, 0.7, 1.2, 2.0])
def test_top_key_share_matches_zipf(spark: SparkSession, skew: float) -> None:
    """Tolerance: the per-key counts are floors of rows x cumulative share, so the top key's
    count is within one row of rows / H(K, s): |share - 1/H| <= 1/rows."""
    rows, keys = 50_000, 1_000
    build = join_workload.build_side(
        spark, rows=rows, keys=keys, skew=skew, payload_bytes=8, seed=1, partitions=2
    )
    # Count the rows actually generated, not the count table they were expanded from.
    per_key = build.groupBy("key").count()
    stats = per_key.agg(
        F.sum("count").alias("rows"),
        F.max("count").alias("top"),
        F.max("key").alias("max_key"),
        F.min("key").alias("min_key"),
    ).collect()[0]
    assert stats["rows"] == rows
    assert 0 <= stats["min_key"] <= stats["max_key"] < keys
    top_key = per_key.orderBy(F.desc("count"), "key").first()
    expected = join_workload.zipf_top_share(skew, keys)
    assert abs(stats["top"] / rows - expected) <= 1 / rows
    if skew > 0:
        assert top_key["key"] == 0  # key 0 is rank 1


def test_result_reports_top_key_share(run: Any) -> None:
    result = run(
        [
            *("--build-bytes", "2560000", "--probe-bytes", "1280000"),
            *("--strategy", "broadcast", "--keys", "500", "--skew", "1.5", "--partitions", "4"),
        ]
    )
    skew = result["skew"]
    rows = result["build"]["rows"]
    assert skew["expectedTopKeyShare"] == pytest.approx(join_workload.zipf_top_share(1.5, 500))
    assert abs(skew["topKeyShare"] - skew["expectedTopKeyShare"]) <= 1 / rows
    assert skew["shufflePartitionMaxToMedian"] is None  # a broadcast join shuffles nothing


@pytest.mark.parametrize(
    ("skew", "strategy", "low", "high"),
    [
        # Uniform: 20,000 keys over 8 partitions, ~2,500 keys each, so partitions differ by a
        # few percent plus the ~10 % precision of the recorded map-output sizes.
        (0.0, "sort_merge", 1.0, 1.3),
        # Zipf 1.5 over 20,000 keys: the top key alone holds 1/H = 38 % of the rows, all in one
        # partition, against a median partition of a few percent.
        (1.5, "shuffle_hash", 4.0, 100.0),
    ],
)
def test_shuffle_partition_max_to_median_reflects_skew(
    run: Any, skew: float, strategy: str, low: float, high: float
) -> None:
    result = run(
        [
            *("--build-bytes", "4000000", "--probe-bytes", "2560000", "--strategy", strategy),
            *("--keys", "20000", "--partitions", "8", "--skew", str(skew), "--aqe", "off"),
        ]
    )
    assert result["outcome"] == "succeeded", result["error"]
    ratio = result["skew"]["shufflePartitionMaxToMedian"]
    assert low <= ratio <= high, ratio
