"""Argument validation: bad input is rejected with a message naming the flag, the value and
what is allowed, before any SparkSession exists."""

from __future__ import annotations

import subprocess
import sys

import pytest

import join_workload
from conftest import SCRIPT

VALID = ["--build-bytes", "1000000", "--probe-bytes", "2000000", "--strategy", "broadcast"]


def with_flag(flag: str, value: str) -> list[str]:
    """VALID with ``flag`` set to ``value`` (replacing it if present)."""
    argv = list(VALID)
    if flag in argv:
        argv[argv.index(flag) + 1] = value
    else:
        argv += [flag, value]
    return argv


@pytest.fixture
def no_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if main() gets as far as creating a SparkSession."""

    def refuse(_args: join_workload.WorkloadArgs) -> None:
        raise AssertionError("a SparkSession was requested for invalid arguments")

    monkeypatch.setattr(join_workload, "create_session", refuse)


@pytest.mark.usefixtures("no_spark")
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (with_flag("--build-bytes", "-5"), ["--build-bytes", "-5", "a size in bytes", "from 1"]),
        (with_flag("--build-bytes", "0"), ["--build-bytes", "0", "from 1"]),
        (with_flag("--build-bytes", "1.5e9"), ["--build-bytes", "'1.5e9'", "an integer"]),
        (with_flag("--probe-bytes", "abc"), ["--probe-bytes", "'abc'", "a size in bytes"]),
        (
            with_flag("--build-bytes", "100"),
            ["--build-bytes", "100", "less than one row", "at least 128"],
        ),
        (
            with_flag("--strategy", "hash"),
            ["--strategy", "'hash'", "broadcast", "shuffle_hash", "sort_merge", "auto"],
        ),
        (with_flag("--skew", "-0.5"), ["--skew", "'-0.5'", ">= 0"]),
        (with_flag("--skew", "nan"), ["--skew", "'nan'", "finite"]),
        (with_flag("--keys", "0"), ["--keys", "0", "a key count", "from 1"]),
        (with_flag("--partitions", "-1"), ["--partitions", "-1", "a partition count"]),
        (with_flag("--aqe", "yes"), ["--aqe", "'yes'", "'on'", "'off'"]),
        (with_flag("--seed", "x"), ["--seed", "'x'", "integer seed"]),
        (with_flag("--payload-bytes", "-1"), ["--payload-bytes", "-1", "from 0"]),
        (with_flag("--input-partitions", "0"), ["--input-partitions", "0", "from 1"]),
        (with_flag("--payload-kind", "zeros"), ["--payload-kind", "'zeros'", "'random'"]),
        (with_flag("--app-name", ""), ["--app-name", "''", "1 to 200 printable"]),
        (VALID[2:], ["--build-bytes", "required"]),
        (VALID[:4], ["--strategy", "required"]),
    ],
)
def test_bad_arguments_are_rejected_before_spark_starts(
    argv: list[str], expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        join_workload.main(argv)
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""  # no result line: nothing ran
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in {err!r}"


def test_valid_arguments_parse_with_documented_defaults() -> None:
    args = join_workload.parse_args(VALID)
    assert args == join_workload.WorkloadArgs(
        build_bytes=1_000_000, probe_bytes=2_000_000, strategy="broadcast"
    )
    assert (args.skew, args.keys, args.partitions, args.aqe) == (0.0, 100_000, 200, True)
    assert (args.seed, args.payload_bytes, args.row_bytes) == (42, 104, 128)
    assert args.payload_kind == "random"
    assert args.to_json()["aqe"] == "on"
    assert args.app_name is None
    named = join_workload.parse_args([*VALID, "--app-name", "m512m-bhj-r1-s0-aqe-1"])
    assert named.to_json()["appName"] == "m512m-bhj-r1-s0-aqe-1"


@pytest.mark.parametrize(("payload", "row"), [(0, 24), (1, 32), (8, 32), (9, 40), (104, 128)])
def test_row_size_follows_the_unsafe_row_layout(payload: int, row: int) -> None:
    assert join_workload.unsafe_row_bytes(payload) == row


@pytest.mark.subprocess
def test_command_line_rejects_bad_input_without_starting_spark() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *with_flag("--strategy", "hash")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "argument --strategy: invalid choice: 'hash'" in done.stderr
    # A JVM start would log Spark's own lines; none may appear.
    assert "Spark" not in done.stderr.replace("spark-at-scale", "")
