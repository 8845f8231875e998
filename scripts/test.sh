#!/usr/bin/env bash
# Runs the whole test suite, with a throw-away PostgreSQL cluster on loopback for the store tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PREFECT_HOME="${PREFECT_HOME:-$(mktemp -d)}"
if [ -z "${CONGVAN_TEST_PG_URL:-}" ]; then
  # shellcheck source=scripts/pg.sh
  source scripts/pg.sh
  pg_start
  trap pg_stop EXIT
fi
.venv/bin/python -m pytest -q "$@"
