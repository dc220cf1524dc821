"""Shared by tests/test_results*.py, tests/test_docs*.py and others: read and edit the rows of a sheet by its
header (the demo programs themselves come from the ``demo`` fixture of tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

DEMOS: Any = None  # the session's demo programs (demo_helpers.Demos), set by conftest.py before any test runs


def demo_folders() -> dict[str, Path]:
    """The session's built demo programs by form — to read, or to copy before changing anything."""
    from demo_helpers import FORMS

    built = DEMOS._built("full")
    return {form: built / name for form, name in FORMS.items()}


def copy_demo(form: str, target: Path) -> Path:
    """A fresh copy of the demo program of ``form`` in ``target``."""
    copied: Path = DEMOS.copy(form, target)
    return copied


def sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    """Rows of a sheet as {header: value} (the header is the first row)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    return [{h: c.value for h, c in zip(headers, row, strict=False) if h} for row in ws.iter_rows(min_row=2)
            if any(c.value not in (None, "") for c in row)]


def edit_rows(path: Path, sheet: str, change: dict[tuple[str, object], dict[str, object]]) -> None:
    """Set cells of the rows whose column ``key`` holds ``value``: {(key, value): {header: new value}}."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    headers = {c.value: c.column for c in ws[1] if c.value}
    for (key, value), updates in change.items():
        rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, headers[key]).value == value]
        assert rows, (sheet, key, value)
        for r in rows:
            for header, new in updates.items():
                ws.cell(r, headers[header]).value = new
    wb.save(path)
