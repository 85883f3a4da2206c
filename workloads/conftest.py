"""Shared fixtures for the workload tests: one real local[2] SparkSession for in-process tests,
the result schema, and a helper that runs the workload through spark-submit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

WORKLOADS = Path(__file__).resolve().parent
REPO = WORKLOADS.parent
SCRIPT = WORKLOADS / "join_workload.py"
SCHEMA_PATH = REPO / "schemas" / "workload-result.schema.json"
QUERY_SCRIPT = WORKLOADS / "query_workload.py"
QUERY_SCHEMA_PATH = REPO / "schemas" / "query-result.schema.json"
TPCH_QUERIES = WORKLOADS / "tpch" / "queries"
VENV_BIN = Path(sys.executable).parent

sys.path.insert(0, str(WORKLOADS))  # join_workload.py is a script, not an installed package
import join_workload  # noqa: E402
import query_workload  # noqa: E402
import tpch_data  # noqa: E402

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One local[2] session for every in-process test (a JVM start costs seconds)."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("spark-at-scale-workload-tests")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def result_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def checker(validator: Draft202012Validator) -> Any:
    """A function validating a result object, failing with every error found."""

    def check(result: dict[str, Any]) -> dict[str, Any]:
        # Round-trip through JSON, as consumers see it (and to catch non-JSON values).
        parsed = json.loads(json.dumps(result, allow_nan=False))
        errors = sorted(validator.iter_errors(parsed), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
        return parsed

    return check


@pytest.fixture
def validate(result_validator: Draft202012Validator) -> Any:
    """Validate a join result against its schema."""
    return checker(result_validator)


@pytest.fixture
def run(spark: SparkSession, validate: Any) -> Any:
    """Run the workload in-process on the shared session; return the schema-valid result."""

    def run_args(argv: Sequence[str]) -> dict[str, Any]:
        args = join_workload.parse_args(list(argv))
        return validate(join_workload.run_workload(spark, args))

    return run_args


@dataclass
class Submitted:
    returncode: int
    stdout: str
    stderr: str

    @property
    def result_line(self) -> str:
        lines = self.stdout.rstrip("\n").splitlines()
        assert lines, f"no stdout; stderr tail:\n{self.stderr[-3000:]}"
        return lines[-1]

    def result(self) -> dict[str, Any]:
        line = self.result_line
        assert line.startswith(join_workload.RESULT_PREFIX), line[:500]
        return json.loads(line[len(join_workload.RESULT_PREFIX) :])


def spark_home_copy(tmp_path: Path) -> Path:
    """A SPARK_HOME of symlinks to the pip-installed pyspark.

    local-cluster workers write executor logs under SPARK_HOME/work; pointing SPARK_HOME here
    keeps them out of the venv (and lets a test read them).
    """
    import pyspark

    source = Path(pyspark.__file__).parent
    home = tmp_path / "spark-home"
    home.mkdir()
    for name in ("bin", "jars", "python", "conf"):
        if (source / name).exists():
            (home / name).symlink_to(source / name)
    return home


def spark_submit(
    tmp_path: Path,
    workload_args: Sequence[str],
    *,
    master: str = "local[2]",
    conf: dict[str, str] | None = None,
    driver_memory: str = "1g",
    timeout: float = 600,
    script: Path = SCRIPT,
) -> Submitted:
    """Run a workload (join_workload.py unless told) through the venv's spark-submit, as the
    cluster does."""
    home = spark_home_copy(tmp_path)
    env = dict(os.environ)
    env.update(
        SPARK_HOME=str(home),
        PYSPARK_PYTHON=sys.executable,
        PYSPARK_DRIVER_PYTHON=sys.executable,
    )
    settings = {
        "spark.ui.showConsoleProgress": "false",
        "spark.local.dir": str(tmp_path / "local"),
        **(conf or {}),
    }
    command = [str(VENV_BIN / "spark-submit"), "--master", master]
    command += ["--driver-memory", driver_memory]
    for key, value in settings.items():
        command += ["--conf", f"{key}={value}"]
    command += [str(script), *workload_args]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Submitted(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def query_validator() -> Draft202012Validator:
    """The query result's schema, which takes metrics and error from the join result's."""
    schemas = [json.loads(p.read_text()) for p in (SCHEMA_PATH, QUERY_SCHEMA_PATH)]
    registry: Registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas
    )
    Draft202012Validator.check_schema(schemas[1])
    return Draft202012Validator(schemas[1], registry=registry)


@pytest.fixture
def validate_query(query_validator: Draft202012Validator) -> Any:
    """Validate a query result against its schema."""
    return checker(query_validator)


@pytest.fixture(scope="session")
def tpch_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests' TPC-H data is generated: the project cache when one is set (so a
    warm run reuses it), else a temporary folder."""
    cache = os.environ.get("SPARK_AT_SCALE_CACHE")
    return Path(cache) if cache else tmp_path_factory.mktemp("tpch-cache")


def tpch_tables(cache: Path, scale_factor: float) -> list[str]:
    """--table arguments of the eight TPC-H tables at ``scale_factor``, generated if absent."""
    folder, _ = tpch_data.ensure(scale_factor, cache)
    return [f"{name}={path}" for name, path in tpch_data.table_paths(folder).items()]


@pytest.fixture
def run_query(spark: SparkSession, validate_query: Any) -> Any:
    """Run the query workload in-process on the shared session; return the valid result."""

    def run_args(argv: Sequence[str]) -> dict[str, Any]:
        args = query_workload.parse_args(list(argv))
        return validate_query(query_workload.run_query(spark, args))

    return run_args
