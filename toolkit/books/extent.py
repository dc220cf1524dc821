"""How far the filled cells of each sheet reach, read from the file without loading the sheets.

python-calamine builds a dense grid of a sheet: one stray value in XFD1048576 asks for hundreds of
gigabytes and aborts the process. This scan finds such sheets first (streaming, bounded memory).

The same pass notes the cells that hold a formula and the cells whose saved result is an error
(#REF!, #N/A …): python-calamine returns both as plain values (an error as an empty string), so the
reader could not tell a formula from a typed value, nor an error from an empty cell.

Old .xls files (BIFF8 in an OLE container) are walked record by record: python-calamine reads every sheet of
an .xls when the file is opened, reserving each sheet's whole grid, so the scan must come first.
"""

from __future__ import annotations

import functools
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_NAME = re.compile(rb'\bname="([^"]*)"')
_RID = re.compile(rb'\b\w+:id="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ID = re.compile(rb'\bId="([^"]*)"')
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 1 << 20
MAX_TAIL = 4 << 20  # one XML construct (a tag, a comment) longer than this is no spreadsheet's
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
    """Sheet name → (last filled row, last filled column), 1-based. Empty dict if not a workbook."""
    try:
        return {name: (s.rows, s.cols) for name, s in scan(path).items()}
    except BrokenArchive:
        return {}


def scan(path: Path) -> dict[str, SheetScan]:
    """Every sheet of an .xlsx/.xlsm/.ods/.xls: extent, formula cells, error cells. Empty dict if not a
    workbook. Raises :class:`BrokenArchive` when a part cannot be read to its end."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise BrokenArchive(str(exc)) from exc
    if head == OLE_MAGIC:
        return _xls(path)
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


class _Restart(Exception):
    """A cell without ``r`` after a stretch read by the fast scan: its place is known only from the start."""


@dataclass
class _Place:
    """Where python-calamine puts the next cell written without ``r``: it counts ``<row>`` and ``<c>`` elements
    as Excel does (a row without ``r`` is the next row, a cell without ``r`` the next column of its row)."""

    row: int = 0  # 0-based: the row a cell without r goes to
    col: int = 0  # 0-based: the column the next cell without r goes to
    # open elements (qualified names) while every tag from the start was read; None once the fast scan
    # skipped some: a cell without r then needs a rescan from the start
    stack: list[bytes] | None = field(default_factory=list)
    skip: int = 0  # inside <v>, <f> or <is> of a cell: calamine reads that content as a value, not as rows
    cell: Cell | None = None  # the filled cell being read (between <c> and </c>)
    error: bool = False  # that cell holds an error (t="e")


MAX_DEPTH = 10_000  # nesting of a sheet's XML; Excel writes about ten levels


# The common case — every cell written as <c r="A1" …> (attributes in double quotes, one space apart), no
# error cells, no comments — is scanned with C-level findall instead of a Python loop per element (a
# 20,000-row registry: ~20 ms per MB of sheet XML). A self-closing <c …/> only carries formatting.
_FAST_CELL = re.compile(rb'<c r="([A-Za-z]{1,4})(\d{1,9})"(?: [a-qs-z][\w:.-]*="[^"]*")*(/?)>')
_FORMULA_CELL = re.compile(rb'<c r="([A-Za-z]{1,4})(\d{1,9})"(?: [a-qs-z][\w:.-]*="[^"]*")*><f[ />]')
_FORMULA_START = re.compile(rb"<f[\s/>]")
_ODD_FORMULA_START = re.compile(rb"<f[\t\n\r\f\v]")
_PREFIXED_FORMULA = re.compile(rb"<[^\s<>/!?]+:f[\s/>]")
_COLON_CF = re.compile(rb":[cf]")
_OTHER_CELL_START = re.compile(rb'<c(?:[\t\n\r\f\v/>]| (?!r="))')  # a cell that does not begin with r="…"
# The careful scan reads the XML as quick-xml (python-calamine's parser) does, one construct after another:
# text (group 1), a whole <v>value</v> (2), an end tag (3), a start tag (4: name, 5: attributes, whose values
# may hold ">" and "<"), a comment, CDATA or processing instruction (no group), or the start of a
# declaration (6): a DTD, which no spreadsheet writes and whose end a reader could see elsewhere.
_QUOTED = rb"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*"""
_TOKEN = re.compile(
    rb"([^<]+)|<v>([^<]*)</v>|</([^>]*)>|<(?![!?/])([^\s>\"']*)(" + _QUOTED + rb")>"
    rb"|<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|(<![A-Za-z])", re.S)
_ATTR = re.compile(rb"""([^\s=/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REF = re.compile(rb"([A-Za-z]+)0*([1-9][0-9]*)")
_ROW_REF = re.compile(rb"0*([1-9][0-9]*)")
_SIMPLE_CELL = re.compile(rb' r="([A-Za-z]{1,4})0*([1-9][0-9]{0,8})"((?: [a-qs-z][\w.-]*="[^"]*")*)/?')
_VALUE_TAGS = (b"v", b"f", b"is")
FAR = 10**9  # a row or column number too long to be real: far beyond every limit


def _letters(n: int) -> bytes:
    out = b""
    while n:
        n, rest = divmod(n - 1, 26)
        out = bytes([65 + rest]) + out
    return out


_COLUMNS = {_letters(n): n for n in range(1, 703)}  # A … ZZ


def _number(digits: bytes) -> int:
    return int(digits) if len(digits) <= 9 else FAR


def _column(letters: bytes) -> int:
    return col_number(letters.decode("ascii").upper()) if len(letters) <= 5 else FAR


def _fast_scan(data: bytes, result: SheetScan) -> int | None:
    """Scan the complete cells of ``data``; return where the unfinished rest begins, or None if not simple."""
    # error cells, prefixed tags (<x:c>, <x:f>), comments and the like are read carefully; the one-byte tests
    # go first: they cost a hundredth of the others
    # («?» after the XML declaration and «:c»/«:f» are looked for by one byte or one short pattern first)
    declared = data.find(b"?>", 0, 400) + 2 if data.startswith(b"<?") else 1
    if ((b"!" in data and b"<!" in data) or (data.find(b"?", declared) >= 0 and data.find(b"<?", 1) >= 0)
            or (_COLON_CF.search(data) and (b":c" in data or (b":f" in data and _PREFIXED_FORMULA.search(data))))):
        return None
    # a formula is an element <f> (<formula> of a conditional format is not a cell's): looked for only when
    # there is one, written the way Excel writes it
    formulas = _FORMULA_START.search(data) is not None
    if formulas and _ODD_FORMULA_START.search(data):
        return None
    end = data.rfind(b">") + 1
    last = data.rfind(b"<c", 0, end)
    if last > data.rfind(b"</c>", 0, end):  # the last cell is not finished: it is read with the rest
        end = last
    if not formulas and _within_known(data, end, result):
        return end  # and no cell is an error's (t="e"): _within_known reads every cell's attributes
    if b't="e"' in data:
        return None
    if _OTHER_CELL_START.search(data, 0, end):
        return None  # a cell without r (or written otherwise): its place depends on the cells before it
    refs = _FAST_CELL.findall(data, 0, end)
    if len(refs) != data.count(b'<c r="', 0, end):
        return None
    if formulas:  # every <f> must open a cell's content (<c r="B2" s="1"><f>…), as Excel writes it
        found = _FORMULA_CELL.findall(data, 0, end)
        if len(found) != data.count(b"<f>", 0, end) + data.count(b"<f ", 0, end) + data.count(b"<f/", 0, end):
            return None
        for letters, digits in found[:MAX_NOTED - len(result.formulas)]:
            result.formulas.add((int(digits) - 1, _column(letters) - 1))
    # a row's number repeats in each of its cells, a column's letters in each row: each is converted once;
    # <c r="B2" s="3"/> only carries formatting
    digits = {d for _, d, empty in refs if not empty}
    if digits:
        result.rows = max(result.rows, max(map(int, digits)))
        result.cols = max(result.cols, max(map(_column, {letters for letters, _, empty in refs if not empty})))
    return end


SAMPLE = 1 << 15  # bytes of a chunk's end (and of a sheet's start) whose cells are read one by one


def _within_known(data: bytes, end: int, result: SheetScan) -> bool:
    """Whether every cell of ``data[:end]`` lies inside an extent proved by filled cells: those of the chunk's
    last :data:`SAMPLE` bytes (and of the sheet's first, where the header row is) raise ``result`` to the
    farthest filled row and column among them; then ONE search for a cell start that is not a simple
    ``<c r="…">`` tag inside that extent (no other ``r``, nothing but plain attributes, as
    :data:`_FAST_CELL` reads) proves that no cell of the chunk reaches farther. Then ``result`` is exact, as
    the cell-by-cell findall would give it, at a third of its cost. False (``result`` untouched): the
    chunk is read cell by cell."""
    rows, cols = result.rows, result.cols
    starts = [data.find(b'<c r="', max(0, end - SAMPLE), end)]
    if not rows:
        starts.append(0)
    for start in starts:
        if start < 0:
            return False
        refs = _FAST_CELL.findall(data, start, min(end, start + SAMPLE))
        digits = {d for _, d, empty in refs if not empty}
        if digits:
            rows = max(rows, max(map(int, digits)))
            cols = max(cols, max(map(_column, {letters for letters, _, empty in refs if not empty})))
    if not rows or not cols or rows >= FAR or cols >= FAR:
        return False
    if _beyond(data, end, rows, cols):
        return False
    result.rows, result.cols = rows, cols
    return True


_UNCOMMON = 64  # cells with uncommon attributes looked at one by one before the general search takes the rest


def _beyond(data: bytes, end: int, rows: int, cols: int) -> bool:
    """Whether a cell start of ``data[:end]`` is not a simple ``<c r="REF" …>`` tag with REF in
    A1:(cols, rows), or is an error's cell (t="e").

    The search looks for a tag unlike the common ``<c r="REF" s="7" t="s">`` (each attribute optional, in
    that order, t of the usual types); the few it finds are matched by the general pattern (any plain
    attributes) and read for t="e". Many of them: the general search goes through the rest at once.
    """
    common, general = _outside(rows, cols, common=True), _outside(rows, cols)
    pos = 0
    for _ in range(_UNCOMMON):
        found = common.search(data, pos, end)
        if found is None:
            return False
        start = found.start()
        tag = _CELL_TAG.match(data, start, end)
        if general.match(data, start, end) or tag is None or b't="e"' in tag.group(1):
            return True
        pos = tag.end()
    return general.search(data, pos, end) is not None or b't="e"' in data[pos:end]


@functools.lru_cache(maxsize=64)
def _outside(rows: int, cols: int, common: bool = False) -> re.Pattern[bytes]:
    """A cell start that is not ``<c r="REF"`` with REF in A1:(cols, rows) — upper-case letters, a row without
    leading zeros — followed by plain attributes (none named r) and the tag's end; ``common``: by the
    attributes most writers give a cell, s then t, whose t is not an error's (a narrower, faster test)."""
    inside = rb'r="(?:' + _up_to(_letters(cols), b"A", b"Z") + rb")(?:" + _up_to(str(rows).encode(), b"0", b"9") + rb')"'
    attributes = _COMMON_ATTRIBUTES if common else _PLAIN_ATTRIBUTES
    return re.compile(rb'<c(?:[\t\n\r\f\v/>]| (?!' + inside + attributes + rb'/?>))')


_PLAIN_ATTRIBUTES = rb'(?: [a-qs-z][\w:.-]*+="[^"]*+")*+'  # one space apart, double-quoted, no name beginning with r
_COMMON_ATTRIBUTES = rb'(?: s="\d++")?+(?: t="(?:[bdns]|str|inlineStr)")?+'
_CELL_TAG = re.compile(rb'<c r="[^"]*"(' + _PLAIN_ATTRIBUTES + rb')/?>')  # as _outside reads a tag


def _up_to(top: bytes, low: bytes, high: bytes) -> bytes:
    """A pattern of the strings over ``low``–``high`` (no leading ``low``) that come no later than ``top``
    in counting order: shorter ones, or as long and not greater place by place."""
    first = bytes([low[0] + 1]) if low == b"0" else low  # a number starts with 1–9, letters with A
    n = len(top)
    options = [re.escape(top)]
    for i in range(n):
        least = first if i == 0 else low
        if top[i] > least[0]:
            below = b"[" + least + b"-" + bytes([top[i] - 1]) + b"]"
            options.append(re.escape(top[:i]) + below + (b"[" + low + b"-" + high + b"]{%d}" % (n - i - 1) if n - i - 1 else b""))
    if n > 1:
        options.append(b"[" + first + b"-" + high + b"]" + (b"[" + low + b"-" + high + b"]{0,%d}" % (n - 2) if n > 2 else b""))
    return b"|".join(options)


def _careful_scan(data: bytes, place: _Place, result: SheetScan) -> int:
    """Read ``data`` construct by construct; return where the unfinished rest begins.

    Rows and cells are counted as python-calamine counts them: ``<row r="5">`` sets the row, ``</row>`` moves
    to the next one, a cell without ``r`` takes the next column; what lies inside a cell's ``<v>``, ``<f>``
    or ``<is>`` is its value. Raises :class:`BrokenArchive` for XML whose tags do not nest.
    """
    pos = expected = 0
    stack = place.stack
    text = b""
    for m in _TOKEN.finditer(data):
        if m.start() != expected:  # an unfinished construct: read with the next chunk
            break
        expected = m.end()
        kind = m.lastindex
        if kind == 1:  # text: kept for the next chunk unless a construct follows it here
            text = m.group(1)
            continue
        pos = m.end()
        if kind == 6:
            raise BrokenArchive("a declaration (DTD) in a sheet")
        if kind == 2:  # <v>value</v>
            if place.error and place.cell is not None and not place.skip and len(result.errors) < MAX_NOTED:
                result.errors[place.cell] = _unescape(m.group(2)[:100]) or "#ОШИБКА"
        elif kind == 3:  # </name>
            name = m.group(3).rstrip()
            if stack is not None:
                if not stack or stack[-1] != name:
                    raise BrokenArchive("tags do not nest")
                stack.pop()
                if place.skip:
                    if len(stack) >= place.skip:
                        continue
                    place.skip = 0
            local = name[name.find(b":") + 1:] if b":" in name else name
            if local == b"c":
                _close_cell(place, result)
            elif local == b"row":
                place.row += 1
                place.col = 0
            elif local == b"v" and place.error and place.cell is not None and text:
                if len(result.errors) < MAX_NOTED:
                    result.errors[place.cell] = _unescape(text[:100])
        elif kind == 5:  # <name …>
            name, attrs = m.group(4, 5)
            if attrs:
                empty = attrs.endswith(b"/")
                if not attrs[:1].isspace() and attrs != b"/":
                    name = b"\0"  # <name"…">: not a name quick-xml reads as c or row
            else:
                empty = name.endswith(b"/")
                if empty:
                    name = name[:-1]
            if stack is not None:
                if place.skip:
                    if not empty:
                        stack.append(name)
                    continue
                if not empty:
                    if len(stack) >= MAX_DEPTH:
                        raise BrokenArchive("XML nested too deep")
                    stack.append(name)
            local = name[name.find(b":") + 1:] if b":" in name else name
            if local == b"c":
                _open_cell(attrs, empty, place, result)
            elif local == b"row":
                for key, quoted, apostrophed in _ATTR.findall(attrs):
                    if key == b"r":
                        found = _ROW_REF.fullmatch(quoted or apostrophed)
                        if found:
                            place.row = _number(found.group(1)) - 1
                if empty:
                    place.row += 1
                    place.col = 0
            elif place.cell is not None and local in _VALUE_TAGS:
                if local == b"f" and len(result.formulas) < MAX_NOTED:
                    result.formulas.add(place.cell)
                if stack is not None and not empty:
                    place.skip = len(stack)
        text = b""
    return pos


def _open_cell(attrs: bytes, empty: bool, place: _Place, result: SheetScan) -> None:
    simple = _SIMPLE_CELL.fullmatch(attrs)
    if simple:  # r="A1" first, the others plain: no attribute-by-attribute reading
        letters, digits, others = simple.groups()
        found, kind = True, b"e" if b't="e"' in others else None
    else:
        ref = kind = None
        for key, quoted, apostrophed in _ATTR.findall(attrs):
            if key == b"r":
                ref = quoted or apostrophed
            elif key == b"t":
                kind = quoted or apostrophed
        matched = _CELL_REF.fullmatch(ref) if ref is not None else None
        if matched:
            letters, digits = matched.groups()
        found = matched is not None
    if found:
        col = _COLUMNS.get(letters) or _column(letters)
        row, col = _number(digits) - 1, col - 1
    elif place.stack is None:
        raise _Restart
    else:
        row, col = place.row, place.col
    place.col = col + 1
    if empty:  # <c r="A1" s="3"/>: formatting only
        return
    result.rows = max(result.rows, row + 1)
    result.cols = max(result.cols, col + 1)
    place.cell, place.error = (row, col), kind == b"e"


def _close_cell(place: _Place, result: SheetScan) -> None:
    if place.cell is not None and place.error and place.cell not in result.errors \
            and len(result.errors) < MAX_NOTED:
        result.errors[place.cell] = "#ОШИБКА"
    place.cell = None


def _xlsx_sheet(z: zipfile.ZipFile, member: str) -> SheetScan:
    try:
        return _scan_sheet(z, member, careful=False)
    except _Restart:  # a cell without r after rows the fast scan did not count one by one
        return _scan_sheet(z, member, careful=True)


def _scan_sheet(z: zipfile.ZipFile, member: str, careful: bool) -> SheetScan:
    result = SheetScan()
    place = _Place()
    tail = b""
    with z.open(member) as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            data = tail + chunk
            end = None if careful or place.cell is not None else _fast_scan(data, result)
            if end is None:
                end = _careful_scan(data, place, result)
            else:
                place.stack = None
            tail = data[end:]
            if len(tail) > MAX_TAIL:
                tail = _shorten(tail, place, result)
    if tail:
        _careful_scan(tail, place, result)
    return result


def _shorten(tail: bytes, place: _Place, result: SheetScan) -> bytes:
    """A rest that grows past MAX_TAIL: read its complete constructs and drop the text that follows them (a
    string of megabytes). One construct longer than that is no spreadsheet's."""
    rest = tail[_careful_scan(tail, place, result):]
    start = rest.find(b"<")
    rest = rest[start:] if start >= 0 else b""
    if len(rest) > MAX_TAIL:
        raise BrokenArchive("an XML construct longer than 4 MB")
    return rest


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


# ----------------------------------------------------------------------------------------------- .xls

# BIFF cell records python-calamine turns into cells (BLANK and MULBLANK it skips): NUMBER, LABEL, BOOLERR,
# RK, LABELSST, FORMULA; MULRK holds one RK per column.
_XLS_CELLS = frozenset((0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006))
MULRK, FORMULA, BOOLERR, DIMENSIONS, EOF = 0x00BD, 0x0006, 0x0205, 0x0200, 0x000A
BOUNDSHEET, BOF, CODEPAGE, FILEPASS = 0x0085, 0x0809, 0x0042, 0x002F
_PAIR = struct.Struct("<HH").unpack_from  # a record's type and size; a cell's row and column
_XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _xls(path: Path) -> dict[str, SheetScan]:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:  # no workbook stream: not a spreadsheet, python-calamine refuses it
                return {}
            stream = ole.openstream(name).read()
    except Exception as exc:  # olefile raises many kinds for a damaged container
        raise BrokenArchive(str(exc)) from exc
    return _biff(stream)


def _biff(stream: bytes) -> dict[str, SheetScan]:
    """The sheets of a BIFF workbook stream, found as python-calamine finds them: the globals up to their EOF
    name each sheet and where its records start (BOUNDSHEET); a sheet's records run to the next EOF."""
    unpack = struct.unpack_from
    sheets: list[tuple[int, str]] = []
    biff8, codepage = True, "cp1252"
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, size = unpack("<HH", stream, pos)
        data, pos = pos + 4, pos + 4 + size
        if pos > end:
            break
        if kind == EOF:
            break
        if kind == FILEPASS and size >= 2 and unpack("<H", stream, data)[0] != 0:
            return {}  # encrypted: python-calamine refuses it before any sheet
        if kind == BOF and size >= 2:
            version = unpack("<H", stream, data)[0]
            biff8 = version not in (0x0200, 0x0002, 0x0007, 0x0300, 0x0400, 0x0500) and not (
                version == 0 and size >= 4 and unpack("<H", stream, data + 2)[0] == 0x1000)
        elif kind == CODEPAGE and size >= 2:
            codepage = f"cp{unpack('<H', stream, data)[0]}"
        elif kind == BOUNDSHEET:
            if size < 8:  # python-calamine would stop with a panic (an exception no except Exception catches)
                raise BrokenArchive("a sheet record too short")
            sheets.append((unpack("<I", stream, data)[0], _sheet_name(stream[data + 6:pos], biff8, codepage)))
    out: dict[str, SheetScan] = {}
    done: dict[int, SheetScan] = {}
    for start, name in sheets:
        if start > end:
            raise BrokenArchive("a sheet starts past the end of the workbook stream")
        if start not in done:
            done[start] = _biff_sheet(stream, start)
        out[name] = done[start]
    return out


def _sheet_name(data: bytes, biff8: bool, codepage: str) -> str:
    """ShortXLUnicodeString: length, then (BIFF8) a flags byte: UTF-16 or one byte per character."""
    if not data:
        return ""
    count = data[0]
    if biff8:
        wide = len(data) > 1 and data[1] & 1
        raw = data[2:2 + count * (2 if wide else 1)]
        text = raw.decode("utf-16-le", "replace") if wide else raw.decode("latin-1")
    else:
        try:
            text = data[1:1 + count].decode(codepage, "replace")
        except LookupError:
            text = data[1:1 + count].decode("latin-1")
    return text.replace("\0", "")


def _biff_sheet(stream: bytes, pos: int) -> SheetScan:
    result = SheetScan()
    formulas, errors = result.formulas, result.errors
    rows = cols = 0
    pair = _PAIR
    end = len(stream)
    while pos + 4 <= end:
        kind, size = pair(stream, pos)
        data = pos + 4
        pos = data + size
        if pos > end:
            break
        if kind in _XLS_CELLS:
            if size < 4:
                continue
            row, col = pair(stream, data)
            if kind == FORMULA:
                if len(formulas) < MAX_NOTED:
                    formulas.add((row, col))
                if size >= 14 and stream[data + 12:data + 14] == b"\xff\xff" and stream[data + 6] == 2 \
                        and len(errors) < MAX_NOTED:
                    errors[(row, col)] = _XLS_ERRORS.get(stream[data + 8], "#ОШИБКА")
            elif kind == BOOLERR and size >= 8 and stream[data + 7] == 1 and len(errors) < MAX_NOTED:
                errors[(row, col)] = _XLS_ERRORS.get(stream[data + 6], "#ОШИБКА")
            if row >= rows:
                rows = row + 1
            if col >= cols:
                cols = col + 1
        elif kind == MULRK:
            if size >= 12:
                row, col = pair(stream, data)
                rows = max(rows, row + 1)
                cols = max(cols, col + (size - 6) // 6)
        elif kind == DIMENSIONS:
            # python-calamine reserves room for the whole declared range before reading any cell
            if size == 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, data)
            elif size == 10:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", stream, data)
            else:
                continue
            if last_row >= 1 and last_col >= 1:  # (last - first) in u32, as calamine counts it
                rows = max(rows, first_row + ((last_row - 1 - first_row) & 0xFFFFFFFF) + 1)
                cols = max(cols, first_col + ((last_col - 1 - first_col) & 0xFFFFFFFF) + 1)
        elif kind == EOF:
            break
    result.rows, result.cols = rows, cols
    return result
