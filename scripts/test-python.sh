#!/usr/bin/env bash
# Lints and tests the Python side (the workload) on real pyspark from .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check workloads examples
.venv/bin/ruff format --check workloads examples
.venv/bin/pytest workloads
