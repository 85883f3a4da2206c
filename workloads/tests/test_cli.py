"""The script as the cluster runs it: spark-submit, result as the last stdout line, exit 0."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import join_workload
from conftest import spark_submit


@pytest.mark.subprocess
def test_spark_submit_prints_the_result_as_the_last_stdout_line(
    tmp_path: Path, validate: Any
) -> None:
    done = spark_submit(
        tmp_path,
        [
            *("--build-bytes", "1000000", "--probe-bytes", "2000000", "--strategy", "sort_merge"),
            *("--aqe", "off", "--skew", "1.1", "--keys", "500", "--partitions", "3"),
        ],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = validate(done.result())
    assert result["outcome"] == "succeeded"
    assert result["joinOperator"] == "SortMergeJoin"
    assert result["sparkVersion"].startswith("4.0.")
    assert result["arguments"]["aqe"] == "off"
    assert result["arguments"]["partitions"] == 3
    # One result line, and it is the last one. The progress lines go to the Python process's
    # stderr, which spark-submit's PythonRunner merges into its stdout (redirectErrorStream):
    # they appear there, before the result.
    assert done.stdout.count(join_workload.RESULT_PREFIX) == 1
    assert "[join_workload" in done.stdout + done.stderr
    assert "[join_workload" not in done.result_line


def test_long_failure_messages_keep_their_key_lines() -> None:
    trace = "\n".join(f"\tat org.example.Frame{i}.call(Frame.java:{i})" for i in range(200))
    message = (
        "Job aborted due to stage failure: Lost task 1.0 in stage 20.0 (TID 110) "
        f"(10.0.0.1 executor 3): java.io.IOException: Failed to get broadcast_10_piece42\n{trace}"
        f"\nCaused by: org.apache.spark.SparkException: Failed to get broadcast_10_piece42\n{trace}"
        "\nCaused by: java.lang.OutOfMemoryError: Java heap space\n"
        f"{trace}\nCaused by: java.lang.OutOfMemoryError: Java heap space\n"
    )
    cut = join_workload.excerpt(message)
    assert len(cut) <= join_workload.ERROR_MESSAGE_CHARS
    assert cut.startswith("Job aborted due to stage failure")
    assert cut.count("Caused by: java.lang.OutOfMemoryError: Java heap space") == 1
    # The most telling line comes first among the kept ones.
    assert cut.index("OutOfMemoryError") < cut.index("Caused by: org.apache.spark.SparkException")
    assert join_workload.excerpt("short") == "short"
