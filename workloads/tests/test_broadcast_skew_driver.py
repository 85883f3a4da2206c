"""Skew does not change what the driver needs to build a broadcast.

The driver collects the build side's rows and builds a LongHashedRelation from them (Spark 4.0
HashedRelation.scala, LongToUnsafeRowMap): every row is copied into one page with an 8-byte
pointer to the previous row of its key, and the key array is sized from the row count (sparse)
or the key range (dense). Nothing there depends on how the rows are spread over the keys, so
a skewed build side needs the driver heap a uniform one of the same size needs. Measured with
the pilot (1 GiB driver, 1 GiB executors, 50,000 keys): 128 MiB built with skew 0 and 1.5
alike, 179 MiB failed with "Not enough memory to build and broadcast" with both.

Here, at the smallest size that is near the driver's edge: a 640 MiB driver (340 MiB above
Spark's reserved 300) broadcasting 56 MiB, which the predictor's driver factor puts at 5 x 56
= 280 MiB (margin +0.28), builds the relation with a uniform and with a heavily skewed build
side (Zipf 2 over 1,000 keys: 61 % of the rows on one key).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import spark_submit

MIB = 1024 * 1024


@pytest.mark.cluster
@pytest.mark.subprocess
@pytest.mark.parametrize("skew", ["0", "2"])
def test_a_skewed_build_side_broadcasts_where_a_uniform_one_does(
    tmp_path: Path, validate: Any, skew: str
) -> None:
    done = spark_submit(
        tmp_path,
        [
            *("--build-bytes", str(56 * MIB), "--probe-bytes", str(8 * MIB)),
            *("--strategy", "broadcast", "--skew", skew, "--keys", "1000", "--partitions", "4"),
        ],
        master="local-cluster[1,1,512]",
        driver_memory="640m",
        conf={
            "spark.executor.memory": "512m",
            "spark.task.maxFailures": "1",
            "spark.driver.maxResultSize": "0",
        },
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = validate(done.result())
    assert result["outcome"] == "succeeded"
    assert result["joinOperator"] == "BroadcastHashJoin"
    assert result["build"]["bytes"] == 56 * MIB
    expected_top = 0.608 if skew == "2" else 0.001
    assert result["skew"]["topKeyShare"] == pytest.approx(expected_top, abs=0.002)
