"""How far the filled cells of each sheet reach, read from the file without loading the sheets.

python-calamine builds a dense grid of a sheet: one stray value in XFD1048576 asks for hundreds of
gigabytes and aborts the process. This scan finds such sheets first (streaming, bounded memory).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*?(?<!/)>')
_SHEET = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_SHEET_ALT = re.compile(rb'<sheet [^>]*?r:id="([^"]*)"[^>]*?name="([^"]*)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL_ALT = re.compile(rb'<Relationship [^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
CHUNK = 1 << 20


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
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return _xlsx(z)
            if "content.xml" in names:
                return _ods(z)
    except (zipfile.BadZipFile, ET.ParseError, KeyError, OSError, RuntimeError, EOFError):
        return {}
    return {}


def _xlsx(z: zipfile.ZipFile) -> dict[str, tuple[int, int]]:
    workbook = z.read("xl/workbook.xml")
    rels = z.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in z.namelist() else b""
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_ALT.findall(rels)})
    sheets = [(name, rid) for name, rid in _SHEET.findall(workbook)]
    sheets += [(name, rid) for rid, name in _SHEET_ALT.findall(workbook) if (name, rid) not in sheets]
    out: dict[str, tuple[int, int]] = {}
    for name, rid in sheets:
        target = targets.get(rid, b"").decode("utf-8", "replace").lstrip("/")
        member = target if target.startswith("xl/") else f"xl/{target}"
        if member not in z.namelist():
            continue
        max_row = max_col = 0
        tail = b""
        with z.open(member) as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                data = tail + chunk
                for letters, digits in _CELL.findall(data):
                    max_row = max(max_row, int(digits))
                    max_col = max(max_col, col_number(letters.decode()))
                tail = data[-200:]
        out[_unescape(name)] = (max_row, max_col)
    return out


def _ods(z: zipfile.ZipFile) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    row = 0
    max_row = max_col = 0
    with z.open("content.xml") as f:
        for event, elem in ET.iterparse(f, events=("start", "end")):
            tag = elem.tag
            if event == "start":
                if tag == TABLE + "table":
                    row = max_row = max_col = 0
                continue
            if tag == TABLE + "table-row":
                repeat = int(elem.get(TABLE + "number-rows-repeated", "1"))
                col = 0
                filled = False
                for cell in elem:
                    span = int(cell.get(TABLE + "number-columns-repeated", "1"))
                    if cell.get(OFFICE + "value-type") is not None or len(cell):
                        filled = True
                        max_col = max(max_col, col + span)
                    col += span
                if filled:
                    max_row = row + repeat
                row += repeat
                elem.clear()
            elif tag == TABLE + "table":
                out[elem.get(TABLE + "name", "")] = (max_row, max_col)
                elem.clear()
    return out
