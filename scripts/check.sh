#!/usr/bin/env bash
# All checks in one command: lint, types, tests (the same command CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m ruff check toolkit tests scripts
python -m mypy
python -m pytest -q "$@"
