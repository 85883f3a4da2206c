"""TPC-H tables at a scale factor, generated once by ``tpchgen-cli`` into a version-keyed cache.

``tpchgen-cli`` (PyPI, pinned in requirements.txt) writes the eight tables as parquet, one file
each, byte-identical to the reference ``dbgen`` data. A scale factor's folder is generated into
a temporary sibling and renamed into place when complete, so a cache never holds half a data
set, and the free disk is checked against the expected size before anything is written.

Usage::

    python tpch_data.py --scale-factor 0.1 --cache /var/cache/spark-at-scale

prints one JSON line: ``{"dir": ..., "tables": {name: path}, "bytes": ..., "generated": bool}``.
Exit status 2 for bad arguments or too little disk (nothing is written).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

TPCHGEN_VERSION = "4.0.0"
TABLES = ("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier")
# Parquet bytes per unit of scale factor, measured with tpchgen-cli 4.0.0 (SF 1: 362 MB);
# the disk check asks for this plus a quarter, and at least 64 MiB.
PARQUET_BYTES_PER_SF = 362_000_000
DISK_HEADROOM = 1.25
MIN_FREE_BYTES = 64 * 1024 * 1024
MAX_SCALE_FACTOR = 10_000


class DataError(Exception):
    """Bad input or a machine that cannot hold the data: a message for the user."""


def scale_token(scale_factor: float) -> str:
    """A scale factor as a folder name: 0.1 -> sf0.1, 1.0 -> sf1."""
    return f"sf{scale_factor:g}"


def data_dir(cache: Path, scale_factor: float) -> Path:
    return cache / "tpch" / f"tpchgen-cli-{TPCHGEN_VERSION}" / scale_token(scale_factor)


def table_paths(folder: Path) -> dict[str, str]:
    return {table: str(folder / f"{table}.parquet") for table in TABLES}


def expected_bytes(scale_factor: float) -> int:
    return int(PARQUET_BYTES_PER_SF * scale_factor)


def _tpchgen() -> str:
    beside = Path(sys.executable).parent / "tpchgen-cli"
    found = str(beside) if beside.exists() else shutil.which("tpchgen-cli")
    if found is None:
        raise DataError(
            f"tpchgen-cli is not installed: pip install tpchgen-cli=={TPCHGEN_VERSION}"
            " (scripts/bootstrap.sh installs it into .venv)"
        )
    return found


def _complete(folder: Path) -> bool:
    return all(Path(p).is_file() for p in table_paths(folder).values())


def ensure(scale_factor: float, cache: Path) -> tuple[Path, bool]:
    """(folder of the tables at ``scale_factor``, whether it was generated now)."""
    if not 0 < scale_factor <= MAX_SCALE_FACTOR:
        raise DataError(
            f"scale factor {scale_factor:g}: a number above 0 and at most {MAX_SCALE_FACTOR}"
        )
    folder = data_dir(cache, scale_factor)
    if _complete(folder):
        folder.chmod(0o755)  # a folder cached before it was made readable to all
        return folder, False
    folder.parent.mkdir(parents=True, exist_ok=True)
    need = max(MIN_FREE_BYTES, int(expected_bytes(scale_factor) * DISK_HEADROOM))
    free = shutil.disk_usage(folder.parent).free
    if free < need:
        raise DataError(
            f"scale factor {scale_factor:g} needs about {need / 1e9:.1f} GB of parquet, but "
            f"{folder.parent} has {free / 1e9:.1f} GB free: choose a smaller scale factor or "
            "set SPARK_AT_SCALE_CACHE to a larger disk"
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    # mkdtemp's folder is its creator's only; a cluster's pods (Spark's uid 185) read the data
    # through a hostPath volume.
    staging.chmod(0o755)
    try:
        subprocess.run(
            [_tpchgen(), "parquet", "-s", f"{scale_factor:g}", "-o", str(staging)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if _complete(folder):
            # Another process (a test suite beside this one) finished the same scale factor
            # first: keep its tables, which it or a reader may be using.
            return folder, False
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)
    except subprocess.CalledProcessError as exc:
        raise DataError(f"tpchgen-cli failed: {exc.stderr.strip()[-500:]}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder, True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tpch_data.py", description=__doc__.split("\n")[0])
    parser.add_argument("--scale-factor", type=float, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        folder, generated = ensure(args.scale_factor, args.cache)
    except DataError as exc:
        print(f"tpch_data.py: {exc}", file=sys.stderr)
        return 2
    tables = table_paths(folder)
    size = sum(os.path.getsize(p) for p in tables.values())
    print(json.dumps({"dir": str(folder), "tables": tables, "bytes": size, "generated": generated}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
