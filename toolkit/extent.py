"""How far the filled cells of each sheet reach, read from the file without loading the sheets.

python-calamine builds a dense grid of a sheet: one stray value in XFD1048576 asks for hundreds of
gigabytes and aborts the process. This scan finds such sheets first (streaming, bounded memory).

The same pass notes the cells that hold a formula and the cells whose saved result is an error
(#REF!, #N/A …): python-calamine returns both as plain values (an error as an empty string), so the
reader could not tell a formula from a typed value, nor an error from an empty cell.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

# prefix-tolerant (<x:c …>), attribute order free (<c s="1" r="A1">)
_CELL_ELEMENT = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_NAME = re.compile(rb'\bname="([^"]*)"')
_RID = re.compile(rb'\b\w+:id="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ID = re.compile(rb'\bId="([^"]*)"')
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
CHUNK = 1 << 20
MAX_TAIL = 4 << 20  # an unfinished cell longer than this is no cell a person typed
MAX_NOTED = 10_000  # formula and error cells remembered per sheet (memory stays bounded)

Cell = tuple[int, int]  # (row, column), 0-based as the reader counts


class BrokenArchive(Exception):
    """The archive cannot be read to its end (cut, wrong checksums, sizes that lie)."""


@dataclass
class SheetScan:
    rows: int = 0  # last filled row, 1-based
    cols: int = 0  # last filled column, 1-based
    formulas: set[Cell] = field(default_factory=set)
    errors: dict[Cell, str] = field(default_factory=dict)  # cell → the error shown («#REF!»)


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def sheet_extents(path: Path) -> dict[str, tuple[int, int]]:
    """Sheet name → (last filled row, last filled column), 1-based. Empty dict if not a zip workbook."""
    try:
        return {name: (s.rows, s.cols) for name, s in scan(path).items()}
    except BrokenArchive:
        return {}


def scan(path: Path) -> dict[str, SheetScan]:
    """Every sheet of an .xlsx/.xlsm/.ods: extent, formula cells, error cells. Empty dict if not a zip
    workbook. Raises :class:`BrokenArchive` when a part cannot be read to its end."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return _xlsx(z, names)
            if "content.xml" in names:
                return _ods(z)
    except (zipfile.BadZipFile, ET.ParseError, KeyError, OSError, RuntimeError, EOFError, zlib.error,
            NotImplementedError, ValueError) as exc:
        raise BrokenArchive(str(exc)) from exc
    return {}


def _xlsx(z: zipfile.ZipFile, names: set[str]) -> dict[str, SheetScan]:
    workbook = z.read("xl/workbook.xml")
    rels = z.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
    targets: dict[bytes, bytes] = {}
    for attrs in _REL.findall(rels):
        rel_id, rel_target = _ID.search(attrs), _TARGET.search(attrs)
        if rel_id and rel_target:
            targets[rel_id.group(1)] = rel_target.group(1)
    out: dict[str, SheetScan] = {}
    for attrs in _SHEET.findall(workbook):
        found_name, found_rid = _NAME.search(attrs), _RID.search(attrs)
        if not found_name or not found_rid:
            continue
        target = targets.get(found_rid.group(1), b"").decode("utf-8", "replace").lstrip("/")
        member = target if target.startswith("xl/") else f"xl/{target}"
        if member not in names:
            continue
        out[_unescape(found_name.group(1))] = _xlsx_sheet(z, member)
    return out


# The common case — cells written as <c r="A1" …>, no formulas, no error cells — is scanned with
# C-level findall instead of a Python loop per cell (a 20,000-row registry: 0.1 s instead of 1 s).
_FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?(?<!/)>')


def _fast_scan(data: bytes, result: SheetScan) -> int | None:
    """Scan the complete cells of ``data``; return where the unfinished rest begins, or None if not simple."""
    if b"<f" in data or b't="e"' in data or data.count(b"<c ") != data.count(b'<c r="') or b":c " in data:
        return None
    end = max(data.rfind(b"</c>") + 4, data.rfind(b"/>") + 2, 0)
    refs = _FAST_CELL.findall(data, 0, end)
    if refs:
        result.rows = max(result.rows, max(map(int, (digits for _, digits in refs))))
        result.cols = max(result.cols, max(col_number(letters.decode()) for letters in {r[0] for r in refs}))
    return end


def _xlsx_sheet(z: zipfile.ZipFile, member: str) -> SheetScan:
    result = SheetScan()
    tail = b""
    with z.open(member) as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            data = tail + chunk
            fast_end = _fast_scan(data, result)
            if fast_end is not None:
                tail = data[fast_end:]
                if len(tail) > MAX_TAIL:
                    tail = tail[-200:]
                continue
            end = 0
            for m in _CELL_ELEMENT.finditer(data):
                end = m.end()
                content = m.group(2)
                if content is None:  # <c r="A1" s="3"/>: formatting only
                    continue
                ref = _REF.search(m.group(1))
                if not ref:
                    continue
                row, col = int(ref.group(2)), col_number(ref.group(1).decode())
                result.rows = max(result.rows, row)
                result.cols = max(result.cols, col)
                if _FORMULA.search(content) and len(result.formulas) < MAX_NOTED:
                    result.formulas.add((row - 1, col - 1))
                kind = _TYPE.search(m.group(1))
                if kind and kind.group(1) == b"e" and len(result.errors) < MAX_NOTED:
                    value = _VALUE.search(content)
                    result.errors[(row - 1, col - 1)] = _unescape(value.group(1)) if value else "#ОШИБКА"
            tail = data[end:]
            if len(tail) > MAX_TAIL:
                tail = tail[-200:]
    return result


def _ods(z: zipfile.ZipFile) -> dict[str, SheetScan]:
    out: dict[str, SheetScan] = {}
    row = 0
    current = SheetScan()
    with z.open("content.xml") as f:
        for event, elem in ET.iterparse(f, events=("start", "end")):
            tag = elem.tag
            if event == "start":
                if tag == TABLE + "table":
                    row, current = 0, SheetScan()
                continue
            if tag == TABLE + "table-row":
                repeat = int(elem.get(TABLE + "number-rows-repeated", "1"))
                col = 0
                filled = False
                for cell in elem:
                    span = int(cell.get(TABLE + "number-columns-repeated", "1"))
                    if cell.get(OFFICE + "value-type") is not None or len(cell):
                        filled = True
                        current.cols = max(current.cols, col + span)
                        if cell.get(TABLE + "formula") is not None and len(current.formulas) < MAX_NOTED:
                            current.formulas.add((row, col))
                        if cell.get(CALCEXT + "value-type") == "error" and len(current.errors) < MAX_NOTED:
                            current.errors[(row, col)] = "".join(cell.itertext()).strip() or "#ОШИБКА"
                    col += span
                if filled:
                    current.rows = row + repeat
                row += repeat
                elem.clear()
            elif tag == TABLE + "table":
                out[elem.get(TABLE + "name", "")] = current
                elem.clear()
    return out
