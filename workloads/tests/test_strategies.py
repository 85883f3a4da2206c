"""Each strategy runs the physical join it claims, with AQE off and on, asserted on the
executed plan (with AQE: the final adaptive plan)."""

from __future__ import annotations

from typing import Any

import pytest

# Small sides (2 MB build, 4 MB probe) keep each run to a few seconds on the shared session.
SMALL = ["--build-bytes", "2000000", "--probe-bytes", "4000000", "--keys", "2000"]
SMALL += ["--partitions", "4"]
BUILD_ROWS = round(2_000_000 / 128)

EXPECTED = {
    "broadcast": ("BroadcastHashJoin", "build"),
    "shuffle_hash": ("ShuffledHashJoin", "build"),
    "sort_merge": ("SortMergeJoin", None),
    # No hint: the planner's static estimate of the generated build side is far below the
    # default spark.sql.autoBroadcastJoinThreshold (10 MB) - and in fact Spark underestimates
    # generated rows (Generate does not scale row counts) - so Spark broadcasts it. With AQE on
    # the broadcast planned up front stays: AQE never turns a broadcast into a shuffled join.
    "auto": ("BroadcastHashJoin", "build"),
}


@pytest.mark.parametrize("aqe", ["off", "on"])
@pytest.mark.parametrize("strategy", list(EXPECTED))
def test_strategy_runs_the_claimed_join_operator(run: Any, strategy: str, aqe: str) -> None:
    result = run([*SMALL, "--strategy", strategy, "--aqe", aqe, "--skew", "0.8"])
    operator, build_side = EXPECTED[strategy]
    assert result["outcome"] == "succeeded", result["error"]
    assert result["joinOperator"] == operator
    assert result["joinBuildSide"] == build_side
    assert result["arguments"]["aqe"] == aqe
    # Every build row meets exactly one probe row (probe keys 0..probe_rows-1, keys < 2000).
    assert result["build"]["rows"] == BUILD_ROWS
    assert result["outputRows"] == BUILD_ROWS
    if strategy in ("shuffle_hash", "sort_merge"):
        assert result["skew"]["shufflePartitionMaxToMedian"] >= 1
    else:
        assert result["skew"]["shufflePartitionMaxToMedian"] is None
    metrics = result["metrics"]
    assert metrics["failedTasks"] == 0
    assert metrics["spillBytes"] is not None
    if strategy == "sort_merge":  # the sorts hold their rows in execution memory
        assert metrics["peakExecutionMemoryBytes"] > 0
    durations = result["durations"]
    assert durations["generateSeconds"] > 0
    assert durations["joinSeconds"] > 0


def test_skewed_sort_merge_join_spills_and_metrics_are_per_run(spark: Any, run: Any) -> None:
    """The sort-merge join buffers all build rows of the current key; with the buffer capped at
    1,000 rows in memory (and spilling past 2,000), the hot key (~22 % of 31,250 rows at s = 1.2
    over 5,000 keys) must spill. A following run without the cap must report no spill: the
    metrics cover only the run's own jobs, not earlier ones in the same session."""
    cell = ["--build-bytes", "4000000", "--probe-bytes", "1000000", "--keys", "5000"]
    cell += ["--partitions", "4", "--skew", "1.2", "--strategy", "sort_merge"]
    caps = {
        "spark.sql.sortMergeJoinExec.buffer.in.memory.threshold": "1000",
        "spark.sql.sortMergeJoinExec.buffer.spill.threshold": "2000",
    }
    for key, value in caps.items():
        spark.conf.set(key, value)
    try:
        capped = run(cell)
    finally:
        for key in caps:
            spark.conf.unset(key)
    assert capped["outcome"] == "succeeded", capped["error"]
    assert capped["metrics"]["spillBytes"] > 0
    assert capped["metrics"]["diskSpillBytes"] > 0
    uncapped = run(cell)
    assert uncapped["metrics"]["spillBytes"] == 0
