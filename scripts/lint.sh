#!/usr/bin/env bash
# The quality gate (`make lint`, run by `make test` and so by .ci/run): ruff, mypy, the layer check.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check extractors pipelines models tests benchmarks samples scripts
.venv/bin/mypy
.venv/bin/python scripts/check_layers.py
