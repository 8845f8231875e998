#!/usr/bin/env bash
# The quality gate (`make lint`, run by `make test` and so by .ci/run): ruff, mypy, vulture (dead code at
# 80 % confidence), the layer check.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check extractors pipelines models tests benchmarks samples scripts
.venv/bin/mypy
.venv/bin/vulture extractors pipelines models --min-confidence 80
.venv/bin/python scripts/check_layers.py
