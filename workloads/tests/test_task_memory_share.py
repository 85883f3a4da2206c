"""A task may hold 1/N of its executor's execution pool, N = the tasks holding memory in that
executor's pool, not the executor's cores (Spark 4.0 ExecutionMemoryPool.acquireMemory:
``maxMemoryPerTask = maxPoolSize / numActiveTasks``).

Executors of 512 MiB with 2 cores each: the execution pool is (512 - 300) x 0.6 = 127.2 MiB,
half of it 63.6 MiB. A shuffled hash join with AQE off over 2 partitions of an 84 MiB build
side with uniform keys (1,000 keys: 46.6 % and 53.4 % of the rows, 41.6 and 47.6 MiB in the
hashed relation's page) must grow each task's page from 32 to 64 MiB, holding both while it
copies: 96 MiB, more than half the pool and less than all of it.

- One executor: both tasks run on it and reach their 64 MiB page together, each with most of
  its rows still to read, so each may hold half the pool; Spark refuses the page ("Can't
  acquire 67108864 bytes memory to build hash relation").
- Two executors: the scheduler hands out one task per executor per round, so each task is
  alone on its executor and gets the 96 MiB; the join completes.

The two partitions are near equal on purpose. With one hot partition and a small neighbour
(85 % / 15 %), whether the neighbour still holds memory when the hot task asks is timing:
millisecond executor logs showed the same cell refused with the neighbour releasing its page
84 ms after the ask, and granted with the neighbour gone 70 ms before it.

A model that gave each task pool / cores predicts the second cell to fail too; the predictor's
unit tests for both cells are in test/predict/taskSchedule.spec.ts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import spark_submit

MIB = 1024 * 1024
HEAP_MIB = 512
BUILD_BYTES = 84 * MIB
ARGS = [
    *("--build-bytes", str(BUILD_BYTES), "--probe-bytes", str(8 * MIB)),
    *("--strategy", "shuffle_hash", "--aqe", "off", "--skew", "0"),
    *("--keys", "1000", "--partitions", "2"),
]


def run_on(tmp_path: Path, executors: int) -> Any:
    return spark_submit(
        tmp_path,
        ARGS,
        master=f"local-cluster[{executors},2,{HEAP_MIB}]",
        driver_memory="1g",
        conf={
            "spark.executor.memory": f"{HEAP_MIB}m",
            "spark.executor.cores": "2",
            "spark.task.maxFailures": "1",
            "spark.sql.autoBroadcastJoinThreshold": "-1",
        },
        timeout=900,
    )


@pytest.mark.cluster
@pytest.mark.subprocess
def test_two_tasks_on_one_two_core_executor_get_half_the_pool_each(
    tmp_path: Path, validate: Any
) -> None:
    done = run_on(tmp_path, executors=1)
    assert done.returncode == 1, done.stderr[-3000:]
    result = validate(done.result())
    assert result["joinOperator"] == "ShuffledHashJoin"
    assert (
        "Can't acquire 67108864 bytes memory to build hash relation" in (result["error"]["message"])
    )


@pytest.mark.cluster
@pytest.mark.subprocess
def test_a_task_alone_on_a_two_core_executor_gets_the_whole_pool(
    tmp_path: Path, validate: Any
) -> None:
    done = run_on(tmp_path, executors=2)
    assert done.returncode == 0, done.stderr[-3000:]
    result = validate(done.result())
    assert result["outcome"] == "succeeded"
    assert result["joinOperator"] == "ShuffledHashJoin"
    # The larger partition held 53.4 % of the build rows (max / median of 2 = 0.534 / 0.5).
    assert result["skew"]["shufflePartitionMaxToMedian"] == pytest.approx(1.07, abs=0.05)
