#!/usr/bin/env bash
# All checks in one command: lint, types, tests (the same command CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-$(command -v python || command -v python3)}"
"$PY" -m ruff check toolkit tests scripts
"$PY" -m mypy
"$PY" -m pytest -q "$@"
