"""The query workload on real Spark: TPC-H queries of different join shapes under each strategy
preference, a user's SQL file over CSV and parquet tables, a user's PySpark script through
spark-submit, and the failures a user's job can bring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import query_workload
from conftest import QUERY_SCRIPT, TPCH_QUERIES, spark_submit, tpch_tables

TINY_SF = 0.01


@pytest.fixture(scope="module")
def tiny_tables(tpch_cache: Path) -> list[str]:
    return tpch_tables(tpch_cache, TINY_SF)


def tpch_args(query: int, strategy: str, tables: list[str], aqe: str = "on") -> list[str]:
    args = ["--kind", "tpch", "--query-file", str(TPCH_QUERIES / f"q{query:02d}.sql")]
    args += ["--query-name", f"q{query:02d}", "--strategy", strategy, "--aqe", aqe]
    args += ["--partitions", "4", "--scale-factor", str(TINY_SF)]
    return args + [a for t in tables for a in ("--table", t)]


# Q3: three tables, two inner equi-joins. Q13: a left outer join feeding an aggregate.
# Q21: semi and anti joins (EXISTS / NOT EXISTS) over four tables.
JOIN_SHAPES = {3: (2, 10), 13: (1, None), 21: (5, None)}


@pytest.mark.parametrize("query", sorted(JOIN_SHAPES))
@pytest.mark.parametrize(
    ("strategy", "operator"),
    [
        ("broadcast", "BroadcastHashJoin"),
        ("sort_merge", "SortMergeJoin"),
        ("shuffle_hash", "ShuffledHashJoin"),
    ],
)
def test_each_strategy_preference_sets_every_join_of_a_tpch_query(
    run_query: Any, tiny_tables: list[str], query: int, strategy: str, operator: str
) -> None:
    result = run_query(tpch_args(query, strategy, tiny_tables))
    joins, rows = JOIN_SHAPES[query]
    assert result["outcome"] == "succeeded", result["error"]
    assert result["joinOperators"] == {operator: joins}
    if rows is not None:
        assert result["outputRows"] == rows
    assert result["inputBytes"] > 1_000_000  # the eight parquet files at SF 0.01
    assert result["arguments"]["queryName"] == f"q{query:02d}"


def test_shuffle_hash_without_aqe_is_planned_as_sort_merge_and_recorded_so(
    run_query: Any, tiny_tables: list[str]
) -> None:
    # Spark's static planner only builds a hash map for a side under the broadcast threshold
    # times the shuffle partitions; with broadcasts off that is never.
    result = run_query(tpch_args(3, "shuffle_hash", tiny_tables, aqe="off"))
    assert result["joinOperators"] == {"SortMergeJoin": 2}


def test_a_scalar_subquery_s_joins_are_counted_too(run_query: Any, tiny_tables: list[str]) -> None:
    # Q2's correlated minimum-cost subquery is decorrelated into an aggregate joined back:
    # the main block's four joins plus the subquery's, all broadcast.
    result = run_query(tpch_args(2, "broadcast", tiny_tables))
    operators = result["joinOperators"]
    assert set(operators) == {"BroadcastHashJoin"}
    assert operators["BroadcastHashJoin"] > 4


def test_a_user_sql_file_over_csv_and_parquet_tables(
    run_query: Any, spark: Any, tmp_path: Path
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("id,customer,amount\n" + "".join(f"{i},{i % 7},{i}\n" for i in range(200)))
    spark.range(7).selectExpr("id AS customer", "concat('c', id) AS name").write.parquet(
        str(tmp_path / "customers.parquet")
    )
    query = tmp_path / "spend.sql"
    query.write_text(
        "select c.name, sum(o.amount) as spent from orders o join customers c "
        "on o.customer = c.customer group by c.name"
    )
    result = run_query(
        [
            *("--kind", "sql", "--query-file", str(query), "--strategy", "sort_merge"),
            *("--table", f"orders={orders}"),
            *("--table", f"customers={tmp_path / 'customers.parquet'}"),
        ]
    )
    assert result["outcome"] == "succeeded", result["error"]
    assert result["outputRows"] == 7
    assert result["joinOperators"] == {"SortMergeJoin": 1}
    formats = {t["name"]: t["format"] for t in result["arguments"]["tables"]}
    assert formats == {"orders": "csv", "customers": "parquet"}


def test_a_query_over_an_unknown_table_is_a_recorded_failure(
    run_query: Any, tmp_path: Path, tiny_tables: list[str]
) -> None:
    query = tmp_path / "typo.sql"
    query.write_text("select count(*) from lineitems")
    result = run_query(
        ["--kind", "sql", "--query-file", str(query), "--strategy", "auto"]
        + [a for t in tiny_tables for a in ("--table", t)]
    )
    assert result["outcome"] == "failed"
    assert "lineitems" in result["error"]["message"]
    assert "TABLE_OR_VIEW_NOT_FOUND" in result["error"]["message"]


JOB_SCRIPT = """
import argparse
from pyspark.sql import SparkSession

parser = argparse.ArgumentParser()
parser.add_argument("--scale-factor", type=float, required=True)
scale = parser.parse_args().scale_factor
spark = SparkSession.builder.appName("user-job").getOrCreate()
facts = spark.range(int(scale * 100_000)).selectExpr("id", "id % 100 AS k")
dims = spark.range(100).selectExpr("id AS k", "concat('d', id) AS label")
print("rows", facts.join(dims, "k").groupBy("label").count().count())
spark.stop()
"""


@pytest.mark.subprocess
def test_a_user_pyspark_script_runs_through_spark_submit_with_its_scale(
    tmp_path: Path, validate_query: Any
) -> None:
    script = tmp_path / "job.py"
    script.write_text(JOB_SCRIPT)
    done = spark_submit(
        tmp_path,
        [
            *("--kind", "pyspark", "--script", str(script), "--scale-factor", "0.5"),
            *("--strategy", "broadcast", "--partitions", "4"),
        ],
        script=QUERY_SCRIPT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = validate_query(done.result())
    assert result["outcome"] == "succeeded"
    assert result["joinOperators"] == {"BroadcastHashJoin": 1}
    assert result["arguments"]["scaleFactor"] == 0.5
    assert "rows 100" in done.stdout  # the script saw its scale: 50,000 facts over 100 labels
    assert result["applicationId"].startswith("local-")


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("raise ValueError('bad input row 7')", "bad input row 7"),
        ("import sys; sys.exit(3)", "exited with status 3"),
    ],
)
def test_a_failing_user_script_is_a_failed_result_not_a_lost_one(
    tmp_path: Path, validate_query: Any, body: str, message: str
) -> None:
    script = tmp_path / "broken.py"
    script.write_text(body + "\n")
    done = spark_submit(
        tmp_path,
        ["--kind", "pyspark", "--script", str(script), "--strategy", "auto"],
        script=QUERY_SCRIPT,
    )
    assert done.returncode == 1
    result = validate_query(done.result())
    assert result["outcome"] == "failed"
    assert message in result["error"]["message"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--kind", "tpch", "--strategy", "auto"], "--query-file: required with --kind tpch"),
        (
            ["--kind", "sql", "--strategy", "auto", "--query-file", "/nope.sql", "--table", "t=x"],
            "'/nope.sql' is not a readable file",
        ),
        (["--kind", "pyspark", "--strategy", "auto"], "--script: required with --kind pyspark"),
        (
            ["--kind", "sql", "--strategy", "auto", "--query-file", __file__, "--table", "x"],
            "NAME=PATH",
        ),
        (["--kind", "sql", "--strategy", "auto", "--query-file", __file__], "at least one"),
        (
            [
                *("--kind", "sql", "--strategy", "auto", "--query-file", __file__),
                *("--table", "a=1", "--table", "a=2"),
            ],
            "a given more than once",
        ),
        (
            [
                *("--kind", "pyspark", "--strategy", "auto", "--script", __file__),
                *("--scale-factor", "0"),
            ],
            "a number above 0",
        ),
    ],
)
def test_bad_arguments_exit_2_naming_the_argument(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        query_workload.parse_args(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
