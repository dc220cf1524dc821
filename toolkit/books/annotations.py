"""What a cell carries besides its value — a hyperlink's address, a comment (note) — read with openpyxl, which
keeps the structure calamine does not show. Opened only when the archive holds such parts (rare), so reading a
big book stays fast."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_LINK_REL = re.compile(rb"relationships/hyperlink")


def _parts(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as z:
            return z.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return []


def _has_links(path: Path, names: list[str]) -> bool:
    rels = [n for n in names if n.startswith("xl/worksheets/_rels/")]
    try:
        with zipfile.ZipFile(path) as z:
            return any(_LINK_REL.search(z.read(n)) for n in rels)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return False


def hyperlinks(path: Path) -> dict[tuple[str, str], str]:
    """(sheet, cell) → the address of a hyperlink in an .xlsx book (the cell shows only its text)."""
    names = _parts(path)
    if not names or not _has_links(path, names):
        return {}
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path)
    except Exception:  # a book calamine read and openpyxl cannot: its links are not taken, its values are
        return {}
    out: dict[tuple[str, str], str] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.hyperlink is not None and cell.hyperlink.target:
                    out[(ws.title, cell.coordinate)] = str(cell.hyperlink.target)
    return out


def comments(path: Path) -> dict[str, list[str]]:
    """Sheet → cells that carry a comment (a note) in an .xlsx book."""
    names = _parts(path)
    if not any(n.startswith("xl/comments") or n.startswith("xl/threadedComments") for n in names):
        return {}
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path)
    except Exception:
        return {}
    out: dict[str, list[str]] = {}
    for ws in wb.worksheets:
        cells = [c.coordinate for row in ws.iter_rows() for c in row if c.comment is not None]
        if cells:
            out[ws.title] = cells
    return out
