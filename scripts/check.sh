#!/usr/bin/env bash
# All checks in one command: lint, types, tests (the same command CI runs).
# The tests run in two processes (pytest-xdist; the machines here have two cores): NASTAVNIK_TEST_WORKERS
# sets another number, 0 runs them in this process. Tests marked xdist_group("…") share one worker (a costly
# module fixture is made once). Arguments go to pytest (`-n 0` too).
set -euo pipefail
cd "$(dirname "$0")/.."
# the project's own venv when there is one (the README's set-up makes it), else the python on PATH
if [ -z "${PYTHON:-}" ] && [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; fi
PY="${PYTHON:-$(command -v python || command -v python3)}"
"$PY" -m ruff check toolkit tests scripts
"$PY" -m mypy
"$PY" -m pytest -q -n "${NASTAVNIK_TEST_WORKERS:-2}" --dist loadgroup "$@"
