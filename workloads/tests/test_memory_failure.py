"""A real memory failure in a separate executor JVM, run through spark-submit.

``local-cluster[1,2,1024]`` starts a standalone master and one worker inside the driver JVM,
and the worker launches a real executor *process* (``CoarseGrainedExecutorBackend``) with
``-Xmx`` = spark.executor.memory = 512 MiB (450 MiB is Spark's floor). The workload broadcasts
a 512 MiB build side, as large as that heap (the pilot's broadcasts fail from about 0.4 x the
heap: docs/experiments.md, "Boundary search instead of a grid").

Which JVM fails: a broadcast is first collected to the driver, which builds the hash relation
and cuts it into torrent pieces, so the driver gets 3 GiB (it needs several times the table).
The executor then fetches the pieces and rebuilds the relation (LongToUnsafeRowMap) in the
task thread, and runs out of heap there: the task fails with java.lang.OutOfMemoryError, and
the executor process then exits with code 52 (SparkExitCode.OOM). With spark.task.maxFailures=1
the first failure aborts the job, so the test does not wait for retries.

The payload is the compressible kind so that the broadcast pieces (compressed) fit in the
executor heap and the failure is the relation. With random payloads the pieces alone exceed
the heap: the OOM then strikes a network thread while fetching them, Spark reports it as
"Failed to get broadcast_N_pieceM", and "OutOfMemoryError" appears only in the executor's log.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import spark_submit

EXECUTOR_HEAP = 512 * 1024 * 1024
BUILD_BYTES = EXECUTOR_HEAP


@pytest.mark.cluster
@pytest.mark.subprocess
def test_broadcast_larger_than_executor_heap_fails_in_the_executor(
    tmp_path: Path, validate: Any
) -> None:
    done = spark_submit(
        tmp_path,
        [
            *("--build-bytes", str(BUILD_BYTES), "--probe-bytes", "4000000"),
            *("--strategy", "broadcast", "--partitions", "4", "--keys", "1000"),
            # 32 MiB input partitions: collecting them to the driver must not be what fails.
            *("--input-partitions", "32", "--payload-kind", "compressible"),
        ],
        master="local-cluster[1,2,1024]",
        driver_memory="3g",
        conf={
            "spark.executor.memory": "512m",
            "spark.task.maxFailures": "1",
            "spark.driver.maxResultSize": "2g",
        },
        timeout=900,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    result = validate(done.result())  # the last stdout line is the result, even on failure
    assert result["outcome"] == "failed"
    assert result["master"] == "local-cluster[1,2,1024]"
    assert result["joinOperator"] == "BroadcastHashJoin"
    assert result["outputRows"] is None
    assert result["build"]["bytes"] == BUILD_BYTES  # measured before the join failed
    assert result["durations"]["joinSeconds"] is not None

    error = result["error"]
    text = "\n".join([error["message"], *error["causeClasses"]])
    assert error["exceptionClass"] == "org.apache.spark.SparkException"
    assert "java.lang.OutOfMemoryError" in error["causeClasses"], text
    assert "java.lang.OutOfMemoryError: Java heap space" in error["message"]
    # The executor failed, not the driver: the failure names the executor that lost the task,
    # and it is not the driver's "Not enough memory to build and broadcast the table".
    assert re.search(r"executor \d+", error["message"]), error["message"]
    assert "Not enough memory to build and broadcast" not in text
    executor_logs = list((tmp_path / "spark-home" / "work").glob("app-*/*/stderr"))
    assert executor_logs, "local-cluster wrote no executor logs"
    assert any("java.lang.OutOfMemoryError" in log.read_text() for log in executor_logs)
