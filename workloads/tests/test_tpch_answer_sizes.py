"""The project's 22 TPC-H queries against the TPC-H specification: at scale factor 1 (the scale
its answer sets are published for), with its default substitution parameters, each query
returns exactly the number of rows the specification's answer set has."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import TPCH_QUERIES, tpch_tables

# Rows of the answer set of each query at SF 1 (TPC-H specification, appendix "answer sets";
# Q2, Q3, Q10, Q18 and Q21 are LIMITed as the specification's queries are).
SPEC_ANSWER_ROWS = {
    1: 4, 2: 100, 3: 10, 4: 5, 5: 5, 6: 1, 7: 4, 8: 2, 9: 175, 10: 20, 11: 1048,
    12: 2, 13: 42, 14: 1, 15: 1, 16: 18314, 17: 1, 18: 57, 19: 1, 20: 186, 21: 100, 22: 7,
}  # fmt: skip


def test_there_is_one_query_file_per_tpch_query() -> None:
    assert sorted(p.name for p in TPCH_QUERIES.glob("*.sql")) == [
        f"q{n:02d}.sql" for n in range(1, 23)
    ]


@pytest.fixture(scope="module")
def sf1_tables(tpch_cache: Path) -> list[str]:
    return tpch_tables(tpch_cache, 1.0)


@pytest.mark.parametrize("query", sorted(SPEC_ANSWER_ROWS))
def test_each_query_returns_the_specification_s_answer_size_at_sf1(
    run_query: Any, sf1_tables: list[str], query: int
) -> None:
    result = run_query(
        [
            *("--kind", "tpch", "--query-file", str(TPCH_QUERIES / f"q{query:02d}.sql")),
            *("--strategy", "auto", "--partitions", "8", "--scale-factor", "1"),
            *(a for t in sf1_tables for a in ("--table", t)),
        ]
    )
    assert result["outcome"] == "succeeded", result["error"]
    assert result["outputRows"] == SPEC_ANSWER_ROWS[query]
