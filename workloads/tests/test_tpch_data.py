"""TPC-H data into the version-keyed cache: generated once, readable by a cluster's pods,
and bad scale factors or a full disk refused before anything is written."""

import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

import tpch_data


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_generates_once_into_a_folder_every_uid_can_read(tmp_path: Path) -> None:
    folder, generated = tpch_data.ensure(0.01, tmp_path)
    assert generated
    assert folder == tmp_path / "tpch" / f"tpchgen-cli-{tpch_data.TPCHGEN_VERSION}" / "sf0.01"
    # Spark's image runs as uid 185 and reads the data through a hostPath volume.
    assert mode(folder) == 0o755
    assert all(mode(Path(p)) & 0o004 for p in tpch_data.table_paths(folder).values())
    assert not [p.name for p in folder.parent.iterdir() if p.name.startswith(".")]
    folder.chmod(0o700)  # as an older cache left it
    again, generated_again = tpch_data.ensure(0.01, tmp_path)
    assert (again, generated_again) == (folder, False)
    assert mode(folder) == 0o755


@pytest.mark.parametrize("scale_factor", [0, -1, tpch_data.MAX_SCALE_FACTOR * 2])
def test_refuses_a_scale_factor_out_of_range(tmp_path: Path, scale_factor: float) -> None:
    with pytest.raises(tpch_data.DataError, match="a number above 0 and at most"):
        tpch_data.ensure(scale_factor, tmp_path)
    assert not (tmp_path / "tpch").exists() or not any((tmp_path / "tpch").rglob("*.parquet"))


def test_says_the_disk_is_too_small_before_generating(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setattr(shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(1, 1, 10**6))  # type: ignore[attr-defined]
    assert tpch_data.main(["--scale-factor", "100", "--cache", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "scale factor 100 needs about 45.2 GB of parquet" in error
    assert "0.0 GB free" in error
    assert not list(tmp_path.rglob("*.parquet"))


def test_keeps_the_tables_another_process_finished_first(tmp_path: Path, monkeypatch: Any) -> None:
    # Two suites side by side may generate one scale factor at once; the second to finish must
    # not delete the tables the first put in place (a reader may be using them).
    folder = tpch_data.data_dir(tmp_path, 0.01)
    real_run = tpch_data.subprocess.run

    def generate_while_another_finishes(args: list[str], **kwargs: Any) -> Any:
        folder.mkdir(parents=True)
        for table in tpch_data.table_paths(folder).values():
            Path(table).write_bytes(b"the other process's table")
        return real_run(args, **kwargs)

    monkeypatch.setattr(tpch_data.subprocess, "run", generate_while_another_finishes)
    again, generated = tpch_data.ensure(0.01, tmp_path)
    assert (again, generated) == (folder, False)
    tables = [Path(p) for p in tpch_data.table_paths(folder).values()]
    assert all(t.read_bytes() == b"the other process's table" for t in tables)
    assert not [p.name for p in folder.parent.iterdir() if p.name.startswith(".")]
