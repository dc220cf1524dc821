#!/usr/bin/env bash
# All checks in one command: lint, types, tests (the same command CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m ruff check toolkit tests scripts
python3 -m mypy
python3 -m pytest -q "$@"
