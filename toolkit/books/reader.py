"""Reading filled workbooks back (xlsx, xlsm, xls, ods) through python-calamine.

Headers are matched by text (order, case, spaces and ё/е do not matter); values are normalised;
every problem is reported with its file, sheet, cell and field, and reading goes on.
Formula results are never trusted: the toolkit computes from the inputs.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import gc
import operator
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar, cast
from unicodedata import is_normalized

from toolkit.base import files
from toolkit.base.problems import Report
from toolkit.base.values import (
    ERROR_VALUES,
    PHONE_CHARS,
    ValueProblem,
    clean_multiline,
    clean_text,
    fold,
    format_date,
    is_blank,
    is_error_value,
    parse_bool,
    parse_class,
    parse_contact,
    parse_date,
    parse_int,
    parse_number,
    split_multi,
)
from toolkit.books.extent import SheetScan
from toolkit.books.writer import META_SHEET, cell_name, col_letter, sheet_name_problem
from toolkit.spec import Column, Sheet, WorkbookSpec

HEADER_SEARCH_ROWS = 10
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DATE_LOW = (1990, 1, 1)
DATE_HIGH = (2100, 12, 31)


class Cells(Mapping[str, str]):
    """Addresses of a row's cells by column key («C5»), computed on demand."""

    __slots__ = ("_letters", "_number")

    def __init__(self, letters: Mapping[str, str], number: int) -> None:
        self._letters = letters
        self._number = number

    def __getitem__(self, key: str) -> str:
        return f"{self._letters[key]}{self._number}"

    def __contains__(self, key: object) -> bool:
        return key in self._letters

    def __iter__(self) -> Iterator[str]:
        return iter(self._letters)

    def __len__(self) -> int:
        return len(self._letters)


class _NoExtra(Mapping[str, Any]):
    """No cells outside the known columns: what most rows have, one object shared by all (read-only, and
    pickled as that one object)."""

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"

    def __reduce__(self) -> str:
        return "_NO_EXTRA"


_NO_EXTRA: Mapping[str, Any] = _NoExtra()
_NO_BAD: frozenset[str] = frozenset()


@dataclass(slots=True, eq=False)
class Row:
    """A row of a table: its values normalised, and what a rewrite and a message need about its cells.

    The rows of one table share what is the same for all of them (the columns' letters, the positions of
    their keys in the sheet's row): a 20,000-row registry is read as 20,000 objects and their value dicts.
    """

    number: int  # as the spreadsheet shows it (1-based)
    values: dict[str, Any]
    letters: Mapping[str, str]  # column key → its letters («C»), shared by the rows of a table
    extra: Mapping[str, Any] = field(default_factory=lambda: _NO_EXTRA)  # cells outside the known columns
    bad: AbstractSet[str] = _NO_BAD  # keys whose cell holds an invalid value
    # cell values as typed (:attr:`raw`): the sheet's row as read until first asked for — most reads never ask
    typed: dict[str, Any] | Sequence[Any] | None = None
    shape: tuple[Sequence[str], Sequence[int]] = ((), ())  # the keys of ``typed`` and their positions in it
    _cells: Cells | None = field(default=None, init=False)

    @property
    def cells(self) -> Mapping[str, str]:
        """Addresses of the row's cells by column key («C5»)."""
        cells = self._cells
        if cells is None:
            cells = self._cells = Cells(self.letters, self.number)
        return cells

    @property
    def raw(self) -> dict[str, Any]:
        """Cell values as typed, by column key."""
        typed = self.typed
        if typed.__class__ is not dict:
            keys, positions = self.shape
            row = cast(Sequence[Any], typed) if typed is not None else ()
            width = len(row)
            typed = self.typed = {k: (row[i] if i < width else None) for k, i in zip(keys, positions, strict=True)}
        return cast(dict[str, Any], typed)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return (self.number, self.values, dict(self.cells), dict(self.extra), set(self.bad), self.raw) == (
            other.number, other.values, dict(other.cells), dict(other.extra), set(other.bad), other.raw)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def kept_values(self) -> dict[str, Any]:
        """Values to write back: valid values normalised, invalid ones exactly as typed (nothing lost)."""
        out = {k: (self.raw.get(k) if k in self.bad else v) for k, v in self.values.items()}
        if self.extra:
            out["__extra__"] = dict(self.extra)
        return out

    def cell(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass
class Table:
    sheet: Sheet
    name: str
    rows: list[Row]
    header_row: int = 1
    extra_headers: list[str] = field(default_factory=list)
    present: bool = True
    preamble: list[tuple[str, Any]] = field(default_factory=list)  # filled cells above the header row


@dataclass
class FormValues:
    sheet: Sheet
    values: dict[str, Any]
    cells: dict[str, str]
    present: bool = True


@dataclass
class BookData:
    path: Path
    label: str
    spec: WorkbookSpec
    meta: dict[str, str]
    tables: dict[str, Table]
    forms: dict[str, FormValues]
    sheet_names: list[str] = field(default_factory=list)  # every sheet of the file, hidden ones too


class SheetTooLarge(Exception):
    """A sheet whose filled cells reach too far to be read safely.

    The base of the sheet problems :meth:`Book.rows` raises: callers catch this one class and report it.
    """

    def __init__(self, name: str, rows: int, cols: int) -> None:
        super().__init__(name)
        self.name, self.rows, self.cols = name, rows, cols

    def report(self, report: Report, label: str) -> None:
        far = f"{col_letter(self.cols - 1)}{self.rows}"
        if self.rows <= files.MAX_ROWS and self.cols <= files.MAX_COLUMNS:  # only the cells limit is exceeded
            report.add("sheet-too-many-cells", file=label, sheet=self.name, cell=far, far=far, rows=self.rows,
                       cols=self.cols, cells=self.rows * self.cols, max_cells=files.MAX_CELLS)
            return
        report.add("sheet-too-large", file=label, sheet=self.name, cell=far, far=far, rows=self.rows, cols=self.cols,
                   max_rows=files.MAX_ROWS, max_cols=files.MAX_COLUMNS)


class SheetUnreadable(SheetTooLarge):
    """A sheet python-calamine could not read (a damaged part of the file)."""

    def __init__(self, name: str) -> None:
        super().__init__(name, 0, 0)

    def report(self, report: Report, label: str) -> None:
        report.add("sheet-unreadable", file=label, sheet=self.name)


def too_large(rows: int, cols: int) -> bool:
    return rows > files.MAX_ROWS or cols > files.MAX_COLUMNS or rows * cols > files.MAX_CELLS


class Book:
    """An opened spreadsheet file: its sheet names and their rows."""

    def __init__(self, path: Path, workbook: Any, scans: dict[str, SheetScan] | None = None) -> None:
        self.path = path
        self._wb = workbook
        self.sheet_names: list[str] = list(workbook.sheet_names)
        self.hidden = {m.name for m in workbook.sheets_metadata if str(m.visible).endswith("Hidden")}
        self.scans = scans or {}
        self.extents = {name: (s.rows, s.cols) for name, s in self.scans.items()}
        self.merged: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}

    def rows(self, name: str, limit: int = files.MAX_ROWS) -> tuple[list[list[Any]], int]:
        """Rows of a sheet from A1 (absolute positions kept) and the sheet's total height.

        Raises :class:`SheetTooLarge` before calamine is asked for a grid it cannot hold, and
        :class:`SheetUnreadable` (a subclass) when calamine cannot read the sheet at all.
        """
        rows_used, cols_used = self.extents.get(name, (0, 0))
        if too_large(rows_used, cols_used):
            raise SheetTooLarge(name, rows_used, cols_used)
        try:
            sheet = self._wb.get_sheet_by_name(name)
            end = sheet.end  # the grid calamine built: checked too (an .xls is read whole before any check)
            if end is not None and too_large(end[0] + 1, end[1] + 1):
                raise SheetTooLarge(name, end[0] + 1, end[1] + 1)
            total = int(sheet.total_height or 0) + 1  # calamine gives the index of the last row
            with _gc_paused():  # a list per row
                data = sheet.to_python(skip_empty_area=False, nrows=min(total, limit))
            self.merged[name] = list(sheet.merged_cell_ranges or [])
        except SheetTooLarge:
            raise
        except BaseException as exc:  # calamine raises several kinds; any of them means "not readable"
            if not _calamine_failure(exc):
                raise
            raise SheetUnreadable(name) from exc
        if end is not None and end[1] < files.MAX_COLUMNS and set(map(type, data)) <= {list}:
            return data, total  # no row is wider than the limit: calamine's own lists, not copies
        return [r[: files.MAX_COLUMNS] if r.__class__ is list else list(r[: files.MAX_COLUMNS]) for r in data], total

    def formulas(self, name: str) -> set[tuple[int, int]]:
        scan = self.scans.get(name)
        return scan.formulas if scan else set()

    def errors(self, name: str) -> dict[tuple[int, int], str]:
        scan = self.scans.get(name)
        return scan.errors if scan else {}

    def meta(self) -> dict[str, str]:
        if META_SHEET not in self.sheet_names:
            return {}
        try:
            rows, _ = self.rows(META_SHEET, limit=50)
        except SheetTooLarge:
            return {}
        return {clean_text(r[0]): clean_text(r[1]) for r in rows if len(r) >= 2 and not is_blank(r[0])}


def open_book(path: Path, report: Report, label: str) -> Book | None:
    """Open a spreadsheet or report why it cannot be used (and return None)."""
    from python_calamine import CalamineWorkbook

    label = files.display_name(label)
    from toolkit.books.extent import BrokenArchive, scan

    if not path.exists():
        report.add("file-missing", file=label)
        return None
    if not path.is_file():
        report.add("file-unreadable", file=label, detail="это папка, а не файл")
        return None
    if files.is_lock_file(path):
        report.add("file-lock", file=label, book=files.locked_name(path))
        return None
    size = path.stat().st_size
    if size == 0:
        report.add("file-empty", file=label)
        return None
    if size > files.MAX_INPUT_BYTES:
        report.add("file-too-large", file=label, size=files.human_size(size),
                   limit=files.human_size(files.MAX_INPUT_BYTES))
        return None
    suffix = path.suffix.lower()
    if suffix not in files.SPREADSHEET_SUFFIXES:
        report.add("file-format", file=label, suffix=path.suffix or "без расширения")
        return None
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        report.add("file-unreadable", file=label, detail="нет прав на чтение файла")
        return None
    if head == OLE_MAGIC:
        kind = _ole_kind(path)
        if kind == "encrypted":
            report.add("file-encrypted", file=label)  # encrypted OOXML is an OLE container
            return None
        if suffix != ".xls":
            detail = {"xls": f"это книга Excel 97–2003 (.xls) с расширением «{path.suffix}»",
                      "doc": "это документ Word 97–2003, а не таблица"}.get(kind, "неизвестный формат")
            report.add("file-unreadable", file=label, detail=detail)
            return None
    scans, at_once = None, False
    if head[:2] == b"PK":
        problem = _zip_problem(path)
        if problem:
            report.add(problem[0], file=label, **problem[1])
            return None
        try:
            scans = scan(path)
        except BrokenArchive:
            report.add("file-unreadable", file=label, detail="архив повреждён или обрезан")
            return None
        at_once = "content.xml" in _zip_names(path)  # calamine reads every sheet of an .ods at once
    elif suffix != ".xls":
        report.add("file-unreadable", file=label, detail=_sniff(head))
        return None
    elif head == OLE_MAGIC:  # .xls: calamine reads every sheet when the file is opened, grids reserved
        try:
            scans = scan(path)
        except BrokenArchive:
            report.add("file-unreadable", file=label, detail="файл повреждён или обрезан")
            return None
        at_once = True
    if scans and at_once:
        large = [(name, s) for name, s in scans.items() if too_large(s.rows, s.cols)]
        for name, s in large:
            SheetTooLarge(name, s.rows, s.cols).report(report, label)
        if large:
            return None
    try:
        if files.display_name(str(path)) == str(path):
            workbook = CalamineWorkbook.from_path(str(path))
        else:  # a name that is not valid UTF-8: the library cannot take it as a path, the file is read all the same
            with path.open("rb") as source:
                workbook = CalamineWorkbook.from_filelike(source)
    except BaseException as exc:  # calamine raises several kinds; any of them means "not usable"
        if not _calamine_failure(exc):
            raise
        name = type(exc).__name__
        if "Password" in name or "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            report.add("file-encrypted", file=label)
        else:
            report.add("file-unreadable", file=label, detail=_calamine_detail(exc))
        return None
    if scans and head == OLE_MAGIC and len(scans) == len(workbook.sheet_names):
        scans = dict(zip(workbook.sheet_names, scans.values(), strict=True))  # as calamine decodes names
    if files.lock_files(path):
        report.add("file-open-elsewhere", file=label, lock=files.lock_files(path)[0].name)
    return Book(path, workbook, scans)


def _calamine_failure(exc: BaseException) -> bool:
    """An error of python-calamine on a damaged file: an exception, or a Rust panic (pyo3's PanicException
    derives from BaseException, so ``except Exception`` does not catch it); Ctrl+C and exit pass through."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _zip_names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as z:
        return set(z.namelist())


def _ole_kind(path: Path) -> str:
    """What an OLE compound file holds, by the stream names in its directory (UTF-16 in the file)."""
    with path.open("rb") as f:
        data = f.read(files.MAX_INPUT_BYTES)
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return "xls"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    return ""


def _calamine_detail(exc: BaseException) -> str:
    text = str(exc).lower()
    if "declared" in text or "crc" in text or "zip" in text or "eof" in text:
        return "архив повреждён или обрезан"
    if "cell limit" in text:
        return "заполненная область листа слишком велика"
    return "файл повреждён или сохранён в неизвестном формате"


def _short(text: str) -> str:
    text = clean_text(text)
    return text[:120] + ("…" if len(text) > 120 else "")


def _sniff(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "это PDF-документ"
    if head[:3] == b"\xef\xbb\xbf" or _looks_like_text(head):
        return "это текстовый файл"
    return "неизвестный формат"


def _looks_like_text(head: bytes) -> bool:
    """ASCII, UTF-8 (the last character may be cut) or Windows-1251 Cyrillic letters: a CSV or a text file."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return all(32 <= b < 127 or b in (9, 10, 13) or b >= 0xC0 or b in (0xA8, 0xB8) for b in head)
    return all(ch.isprintable() or ch in "\t\r\n" for ch in text)


def _zip_problem(path: Path) -> tuple[str, dict[str, Any]] | None:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        return "file-unreadable", {"detail": "архив повреждён или обрезан"}
    total = sum(i.file_size for i in infos)
    if any(i.compress_size > i.file_size * 1.01 + 1024 for i in infos):
        # deflate never grows data by more than a fraction of a percent: the stated sizes are false
        return "file-unreadable", {"detail": "архив повреждён: размеры частей указаны неверно"}
    if total > files.MAX_UNPACKED_BYTES:
        return "file-bomb", {"size": files.human_size(total), "limit": files.human_size(files.MAX_UNPACKED_BYTES)}
    if "word/document.xml" in names:
        return "file-unreadable", {"detail": "это документ Word, а не таблица"}
    if "ppt/presentation.xml" in names:
        return "file-unreadable", {"detail": "это презентация, а не таблица"}
    if not ({"xl/workbook.xml", "content.xml"} & names or any(n.startswith("xl/workbook") for n in names)):
        return "file-unreadable", {"detail": "архив не содержит таблицы"}
    return None


# ------------------------------------------------------------------ values


def _ref_id(text: str) -> str:
    """«нк 1», «HK-001» (Latin), «НК001» → «НК-001»."""
    text = clean_text(text).upper().translate(str.maketrans("HKAEOPCTXMB", "НКАЕОРСТХМВ"))
    m = re.match(r"^([А-ЯЁ]{1,3})\s*[-–—]?\s*(\d{1,6})$", text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):03d}"
    return text


def parse_cell(column: Column, raw: Any) -> tuple[Any, ValueProblem | None]:
    """A raw cell value → (normalised value, problem or None). Blank → (None, None)."""
    if is_error_value(raw):
        return None, ValueProblem("formula-error", {"value": clean_text(raw)})
    if is_blank(raw):
        return None, None
    t = column.type
    if t in ("text", "id"):
        value: Any = clean_text(raw)
    elif t == "longtext":
        value = clean_multiline(raw)
    elif t == "ref":
        return _ref_id(str(raw) if not isinstance(raw, float) else clean_text(raw)), None
    elif t == "date":
        value = parse_date(raw)
        if not isinstance(value, ValueProblem):
            if not (DATE_LOW <= (value.year, value.month, value.day) <= DATE_HIGH):
                return None, ValueProblem("date-out-of-range", {
                    "value": format_date(value), "low": "01.01.1990", "high": "31.12.2100"})
    elif t in ("int", "likert"):
        value = parse_int(raw)
    elif t == "number":
        value = parse_number(raw)
    elif t == "bool":
        value = parse_bool(raw)
    elif t == "class":
        value = parse_class(raw, int(column.min or 1), int(column.max or 11))
    elif t == "contact":
        value = parse_contact(raw)
    elif t == "choice":
        value = _choice(column, raw)
    elif t == "multichoice":
        items = []
        for part in split_multi(raw):
            item = _choice(column, part)
            if isinstance(item, ValueProblem):  # a cell of several values has no dropdown: say what to type
                allowed = ", ".join(f"«{c}»" for c in column.choices or [])
                return None, ValueProblem("bad-multichoice", {"value": item.params["value"], "allowed": allowed})
            if item not in items:
                items.append(item)
        value = items
    else:  # pragma: no cover - the spec model forbids other types
        value = clean_text(raw)
    if isinstance(value, ValueProblem):
        if t == "likert" and value.code == "bad-integer":
            return None, ValueProblem("likert-out-of-range", {"value": clean_text(raw), "low": int(column.min or 1),
                                                              "high": int(column.max or 5)})
        return None, value
    if t in ("int", "number", "likert") and (
        (column.min is not None and value < column.min) or (column.max is not None and value > column.max)
    ):
        low = _num(column.min)
        high = _num(column.max)
        code = "likert-out-of-range" if t == "likert" else "number-out-of-range"
        return None, ValueProblem(code, {"value": clean_text(raw), "low": low, "high": high})
    if isinstance(value, str) and len(value) > column.max_length:
        return None, ValueProblem("text-too-long", {"length": len(value), "limit": column.max_length})
    return value, None


def _num(value: float | None) -> str:
    if value is None:
        return "…"
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


@functools.lru_cache(maxsize=512)
def _choice_map(choices: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for choice in choices:
        out.setdefault(fold(choice), choice)
    return out


def _choice(column: Column, raw: Any) -> Any:
    found = _choice_map(tuple(column.choices or ())).get(fold(raw))
    if found is not None:
        return found
    allowed = ", ".join(column.choices or [])
    if len(allowed) > 200:
        allowed = allowed[:200] + "… (полный список — в выпадающем списке ячейки)"
    return ValueProblem("bad-choice", {"value": clean_text(raw), "allowed": allowed})


# ------------------------------------------------------------------ sheets


def _header_keys(column: Column) -> set[str]:
    return {fold(column.header), *(fold(a) for a in column.aliases)}


def match_headers(
    header_cells: list[Any], columns: list[Column]
) -> tuple[dict[str, int], list[tuple[int, str]], list[tuple[str, int, int]]]:
    """Map column keys to positions. Returns (found, unknown [(index, text)], duplicates [(key, first, again)])."""
    lookup: dict[str, str] = {}
    for column in columns:
        for k in _header_keys(column):
            lookup.setdefault(k, column.key)
    found: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    duplicates: list[tuple[str, int, int]] = []
    for index, cell in enumerate(header_cells):
        text = clean_text(cell)
        if not text:
            continue
        key = lookup.get(fold(text))
        if key is None:
            unknown.append((index, text))
        elif key in found:
            duplicates.append((key, found[key], index))
        else:
            found[key] = index
    return found, unknown, duplicates


def _find_header_row(rows: list[list[Any]], columns: list[Column]) -> int:
    best, best_count = 0, -1
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found, _, _ = match_headers(row, columns)
        if len(found) > best_count:
            best, best_count = r, len(found)
    return best


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a table is built.

    A 20,000-row table is ~100,000 new small containers (the grid's rows, each row's dicts); in CPython
    3.11 such a burst sets off collections that traverse the whole heap again and again (about a third
    of the time a table took to read). The objects built here hold no reference cycles: reference
    counting frees them, and a cycle made meanwhile waits for a later collection.

    At the end the young objects go straight to the oldest generation (``gc.freeze()`` then
    ``gc.unfreeze()``, two list splices): otherwise the first collection after the pause walks every one of
    them only to find no garbage (a tenth of the whole read). A cycle among them is still freed, by the
    next full collection.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def read_table(book: Book, sheet: Sheet, report: Report, label: str) -> Table:
    with _gc_paused():
        return _read_table(book, sheet, report, label)


def _read_table(book: Book, sheet: Sheet, report: Report, label: str) -> Table:
    if sheet.name not in book.sheet_names:
        alt = next((n for n in book.sheet_names if fold(n) == fold(sheet.name)), None)
        if alt is None:
            if not sheet.optional:
                report.add("sheet-missing", file=label, sheet=sheet.name)
            return Table(sheet, sheet.name, [], present=False)
        name = alt
    else:
        name = sheet.name
    try:
        rows, total = book.rows(name)
    except SheetTooLarge as exc:
        exc.report(report, label)
        return Table(sheet, name, [], present=False)
    if total > files.MAX_ROWS:
        report.add("too-many-rows", file=label, sheet=name, rows=total, limit=files.MAX_ROWS)
    columns = sheet.columns
    h = _find_header_row(rows, columns)
    header_cells = rows[h] if rows else []
    found, unknown, duplicates = match_headers(header_cells, columns)
    for key, first, again in duplicates:
        column = next(c for c in columns if c.key == key)
        report.add("column-duplicate", file=label, sheet=name, cell=cell_name(h, again), field=column.header,
                   header=column.header, other=cell_name(h, first))
    for column in columns:
        if column.key not in found and not column.optional:
            report.add("column-missing", file=label, sheet=name, cell="", field=column.header,
                       header=column.header, row=h + 1)
    for index, text in unknown:
        report.add("column-unknown", file=label, sheet=name, cell=cell_name(h, index), field=text, header=text)
    # values under no header: kept with the row (a rewrite must not lose them) and reported once per column
    grid = _Grid(rows[h + 1:])
    taken = set(found.values()) | {i for i, _ in unknown} | {again for _, _, again in duplicates}
    headerless: list[tuple[int, str]] = []
    for i in range(len(header_cells)):
        if i in taken or not is_blank(header_cells[i]):
            continue
        filled = grid.filled(i)
        if True in filled:
            below = h + 1 + filled.index(True)
            headerless.append((i, f"Столбец {col_letter(i)}"))
            report.add("column-no-header", file=label, sheet=name, cell=cell_name(below, i), letter=col_letter(i),
                       row=h + 1)
    preamble = [(cell_name(r, i), v) for r in range(h) for i, v in enumerate(rows[r]) if not is_blank(v)]
    for (r0, c0), (r1, c1) in book.merged.get(name, []):
        if r1 >= h and (r1 > r0 or c1 > c0):
            report.add("merged-cells", file=label, sheet=name, cell=cell_name(max(r0, h), c0),
                       range=f"{cell_name(r0, c0)}:{cell_name(r1, c1)}", first=cell_name(r0, c0))
    input_keys = [c.key for c in columns if not c.locked and c.type != "id" and c.key in found]
    present = [(c, found[c.key]) for c in columns if c.key in found]
    unknown_present = [(i, text) for i, text in unknown] + headerless
    input_idx = [found[k] for k in input_keys]
    if not any(not c.locked and c.type != "id" for c in columns):
        input_idx = list(found.values())  # a sheet the program fills: any filled cell makes a row
    out = _table_rows(grid, h + 1, present, unknown_present, input_idx, book.errors(name), book.formulas(name),
                      {k: col_letter(i) for k, i in found.items()}, _CellReporter(report, label, name))
    return Table(sheet, name, out, header_row=h + 1, extra_headers=[t for _, t in unknown_present],
                 preamble=preamble)


_TRANSPOSED = 64  # the widest grid turned into columns all at once


class _Grid:
    """The rows under a header, read column by column (see :class:`_GridColumn`)."""

    __slots__ = ("rows", "height", "_narrowest", "_columns", "_transposed")

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows
        self.height = len(rows)
        widths = set(map(len, rows))
        self._narrowest = min(widths, default=0)  # every row has at least this many cells
        self._columns: dict[int, _GridColumn] = {}
        # a rectangular grid of a table's width is turned into columns at once (zip is C-level); a grid of
        # hundreds of columns, or ragged, column by column as asked
        self._transposed: list[list[Any]] | None = None if len(widths) == 1 and self._narrowest <= _TRANSPOSED \
            else []

    def column(self, i: int) -> _GridColumn:
        column = self._columns.get(i)
        if column is None:
            if self._transposed is None:
                self._transposed = list(map(list, zip(*self.rows, strict=True)))
            if i < len(self._transposed):
                cells = self._transposed[i]
            elif i < self._narrowest:
                cells = list(map(itemgetter(i), self.rows))
            else:  # a shorter row: its missing cells read as None
                cells = [r[i] if i < len(r) else None for r in self.rows]
            column = self._columns[i] = _GridColumn(cells)
        return column

    def filled(self, i: int) -> list[bool]:
        return self.column(i).filled()


_NUMBERS = frozenset({bool, int, float})
_Parsed = tuple[Any, ValueProblem | None]


class _GridColumn:
    """The cells of one column and its distinct values, each examined once: a registry repeats the same
    classes, dates and choices thousands of times.

    ``plain[j]`` is the clean text of the distinct value ``values[j]`` when that value is plain text — a
    printable ``str`` in NFC without double spaces, for which :func:`clean_text` is ``str.strip`` — and
    None for any other value. Plain text takes the short paths of :func:`_parse_distinct`.
    """

    __slots__ = ("cells", "values", "plain", "clear", "longest", "_index", "_verdict", "_filled")

    def __init__(self, cells: list[Any]) -> None:
        self.cells = cells
        self._index: Sequence[int] | None = None  # cell → its distinct value (None: every cell is distinct)
        self._verdict: list[bool] | None = None
        self._filled: list[bool] | None = None
        if _mostly_distinct(cells):  # names, phones, codes: sharing would cost more than it saves
            self.values = cells
            self.plain, self.clear, self.longest = _plain_texts(cells)
            return
        keys: list[Any] = cells
        try:
            position: dict[Any, Any] = dict.fromkeys(cells)
            if not _NUMBERS.isdisjoint(map(type, position)) and len(_NUMBERS.intersection(map(type, cells))) > 1:
                # 1, 1.0 and True are one key: tell them apart by type (they may parse differently)
                keys = list(zip(map(type, cells), cells, strict=True))
                position = dict.fromkeys(keys)
        except TypeError:  # an unhashable value (no reader gives one): every cell stands for itself
            keys = list(range(len(cells)))
            position = dict.fromkeys(keys)
            self.values = cells
        else:
            self.values = list(position) if keys is cells else [k[1] for k in position]
        if len(position) < len(cells):
            for j, k in enumerate(position):
                position[k] = j
            self._index = itemgetter(*keys)(position)  # one C-level pass (a tuple: more than one cell here)
        self.plain, self.clear, self.longest = _plain_texts(self.values)

    def which(self, cell: int) -> int:
        """The distinct value of a cell (its position in :attr:`values`)."""
        return cell if self._index is None else self._index[cell]

    def verdict(self) -> list[bool]:
        """For each distinct value: it is something (:func:`is_blank` is false)."""
        if self._verdict is None:
            if None in self.plain:
                self._verdict = [not is_blank(v) if s is None else s != ""
                                 for v, s in zip(self.values, self.plain, strict=True)]
            else:
                self._verdict = list(map(bool, self.plain))
        return self._verdict

    def filled(self) -> list[bool]:
        """For each cell: it holds something."""
        if self._filled is None:
            self._filled = self.spread(self.verdict())
        return self._filled

    def marked(self, flagged: list[bool], rows: _Kept = None) -> Iterator[int]:
        """Positions among the kept ``rows`` of the cells whose distinct value is flagged."""
        if True not in flagged:
            return iter(())
        if self._index is None:
            return compress(count(), _pick(flagged, rows))
        which = [j for j, f in enumerate(flagged) if f]
        index = _pick(self._index, rows)
        if len(which) == 1:  # most often the blank value, in rows that are not kept: one C-level look
            if which[0] not in index:
                return iter(())
            return compress(count(), map(which[0].__eq__, index))
        return compress(count(), map(flagged.__getitem__, index))

    def spread(self, per_value: list[Any], rows: _Kept = None) -> list[Any]:
        """A list given for the distinct values → the same for each cell (of the kept ``rows`` only)."""
        if self._index is None:
            return _pick(per_value, rows)
        return list(map(per_value.__getitem__, _pick(self._index, rows)))


_SAMPLE = 64  # cells of a long column looked at to tell whether its values repeat


def _mostly_distinct(cells: list[Any]) -> bool:
    """A long column whose cells, sampled over its whole length, are nearly all different: its values are taken
    as they are (every cell its own value), without the table of distinct values that pays off only when values
    repeat. A wrong guess costs time, never a result: every cell is then parsed on its own."""
    if len(cells) < _SAMPLE * 4:
        return False
    sample = cells[:: len(cells) // _SAMPLE]  # spread over the whole column: its head may be unlike the rest
    try:
        return len(set(sample)) * 4 > len(sample) * 3
    except TypeError:  # an unhashable value: the general path deals with it
        return False


# the rows kept of a grid: None (all), a number (those before it) or a mask
_Kept = int | list[bool] | None


_T = TypeVar("_T", list[Any], Sequence[int])


def _pick(items: _T, rows: _Kept) -> _T:
    """The items of the kept rows (``items`` itself when all are kept)."""
    if rows is None:
        return items
    if isinstance(rows, int):
        return items[:rows]
    return cast(_T, list(compress(items, rows)))


_JOIN_LIMIT = 1 << 22  # characters joined into one text for a whole-column test (memory stays small)


def _joined(values: list[Any]) -> tuple[str | None, int | None]:
    """The values joined by «|» if they are all ``str`` and not too long together, else None; and the length of
    the longest value when all are ``str`` (None: not known). One pass reads every value's length: a column of
    20,000 fresh strings costs a memory read per string."""
    try:
        lengths = list(map(len, values))
        longest = max(lengths, default=0)
        return ("|".join(values) if sum(lengths) <= _JOIN_LIMIT else None), longest
    except TypeError:  # not every value is a str
        return None, None


def _plain_texts(values: list[Any]) -> tuple[list[str | None], bool, int | None]:
    """For each value: ``clean_text(value)`` if the value is plain text (see :class:`_GridColumn`), else None;
    whether no value can be a formula's error (:data:`ERROR_VALUES` begin with «#» or «Err:»), known without
    hashing each value; and the length of the longest value when all are text (None: not known)."""
    joined, longest = _joined(values)
    clear = joined is not None and "#" not in joined and "Err:" not in joined
    # «|» is printable and no space: the joined text is printable and free of «  » iff every value is; and it
    # is in NFC iff every value is («|» is a stable code point: nothing composes or reorders across it)
    if joined is not None and joined.isprintable() and "  " not in joined and is_normalized("NFC", joined):
        if joined[:1] == " " or joined[-1:] == " " or " |" in joined or "| " in joined:
            return list(map(str.strip, values)), clear, longest  # stripping only shortens: still a bound
        return cast(list[str | None], values), clear, longest  # no value begins or ends with a space
    return [v.strip() if v.__class__ is str and v.isprintable() and "  " not in v and is_normalized("NFC", v)
            else None for v in values], clear, None


_TEXT_TYPES = frozenset({"text", "id", "longtext"})
_BLANK: _Parsed = (None, None)
# all a plain text (no space but « »: the others are not printable) matching PHONE_CHARS holds besides digits
_PHONE_MARKS = str.maketrans("", "", "+()-– ")


_PHONE = PHONE_CHARS.pattern.removeprefix("^").removesuffix("$")
_PHONES = re.compile(f"{_PHONE}(?:\\|{_PHONE})*")  # texts joined by «|», each one PHONE_CHARS matches


def _phones(texts: list[str]) -> bool:
    """Every text (plain, not blank) is a phone number by :func:`parse_contact`: PHONE_CHARS and 6–15 digits."""
    joined, _ = _joined(texts)
    # «|» is no phone character: the texts joined by it (none holding one itself) match as one text, and
    # split again count the digits of each
    if joined is not None and joined.count("|") != len(texts) - 1:
        joined = None
    if not (_PHONES.fullmatch(joined) if joined is not None else all(map(PHONE_CHARS.match, texts))):
        return False
    parts = joined.translate(_PHONE_MARKS).split("|") if joined is not None else [
        t.translate(_PHONE_MARKS) for t in texts]
    digits = list(map(len, parts))
    return not texts or (min(digits) >= 6 and max(digits) <= 15)


def _parse_distinct(column: Column, cells: _GridColumn) -> tuple[list[Any], list[_Parsed] | None, bool]:
    """:func:`parse_cell` of each distinct value of a column: (values, [(value, problem)] or None if no
    value has a problem, whether any value is a list).

    Plain text (see :class:`_GridColumn`) takes a short path with the same result where the result is
    sure: blank → None; in a text column, its clean text (no line breaks: they are not printable, so
    ``clean_multiline`` gives the same); in a contact column, the text if it is a phone number
    (:func:`_phones`). Anything else — an error value, a text too long, an e-mail, a bad phone, any other
    type — goes through :func:`parse_cell` itself.
    """
    t = column.type
    plain = cells.plain
    limit = column.max_length
    phone = t == "contact"
    texts = t in _TEXT_TYPES or phone
    if texts and None not in plain and (cells.clear or ERROR_VALUES.isdisjoint(plain)) and (
            cells.longest if cells.longest is not None else max(map(len, cast(list[str], plain)), default=0)
            ) <= limit and (
            not phone or _phones([s for s in cast(list[str], plain) if s] if "" in plain else cast(list[str], plain))):
        values: list[Any] = list(plain)
        for p in compress(count(), map(operator.not_, plain)):  # blank → None
            values[p] = None
        return values, None, False
    out: list[_Parsed] = []
    for v, s in zip(cells.values, plain, strict=True):
        if s is None or s in ERROR_VALUES or len(s) > limit:
            out.append(parse_cell(column, v))
        elif not s:
            out.append(_BLANK)
        elif texts and (not phone or _phones([s])):
            out.append((s, None))
        else:
            out.append(parse_cell(column, v))
    values = list(map(itemgetter(0), out))
    return values, (out if any(p is not None for _, p in out) else None), any(isinstance(v, list) for v in values)


class _CellReporter:
    """Problems of one sheet's cells, each with its file, sheet, cell and field."""

    __slots__ = ("report", "label", "sheet")

    def __init__(self, report: Report, label: str, sheet: str) -> None:
        self.report, self.label, self.sheet = report, label, sheet

    def add(self, code: str, cell: str, column: Column, /, **params: Any) -> None:
        self.report.add(code, file=self.label, sheet=self.sheet, cell=cell, field=column.named, **params)


def _table_rows(grid: _Grid, first: int, present: list[tuple[Column, int]], unknown: list[tuple[int, str]],
                input_idx: list[int], errors: dict[tuple[int, int], str], formulas: set[tuple[int, int]],
                letters: dict[str, str], problems: _CellReporter) -> list[Row]:
    """The rows of a table under its header (``first``: 0-based index of the first row under it).

    Column by column: which rows are filled, the parsed values; then, row by row in the sheet's order,
    the problems of the rows that have any. A row is kept when an input cell or a cell of an unknown
    column is filled or an input cell holds a formula's error.
    """
    n = grid.height
    keep = [False] * n
    if input_idx:  # the first input column decides most rows; the others are asked about the rest only
        keep = list(grid.filled(input_idx[0]))
        blank = list(compress(range(n), map(operator.not_, keep)))
        for i in input_idx[1:]:
            if not blank:
                break
            source = grid.column(i)
            if len(blank) * 8 < n:
                verdict, which = source.verdict(), source.which
                filled = [p for p in blank if verdict[which(p)]]
            else:
                flags = source.filled()
                filled = [p for p in blank if flags[p]]
            if filled:
                for p in filled:
                    keep[p] = True
                blank = [p for p in blank if not keep[p]]
    for i, _ in unknown:
        for p in compress(range(n), grid.filled(i)):
            keep[p] = True
    if errors:
        inputs = set(input_idx)
        for r, i in errors:
            if i in inputs and first <= r < first + n:
                keep[r - first] = True
    kept = list(compress(range(n), keep))  # positions in the grid of the rows kept
    m = len(kept)
    rows: _Kept = None if m == n else m if not m or kept[-1] == m - 1 else keep

    def cells(i: int) -> list[Any]:
        return _pick(grid.column(i).cells, rows)

    # cells outside the known columns, kept with their row so that a rewrite loses nothing
    extras: list[dict[str, Any] | None] = [None] * m
    for i, text in unknown:
        col = cells(i)
        for p in compress(range(m), _pick(grid.filled(i), rows)):
            extra = extras[p]
            if extra is None:
                extra = extras[p] = {}
            extra[text] = col[p]
    keys = [c.key for c, _ in present]
    parsed_cols: list[list[_Parsed] | None] = []
    value_cols: list[list[Any]] = []
    marked: set[int] = set()  # positions of the rows with a problem to report
    for column, i in present:
        source = grid.column(i)
        values, parsed, lists = _parse_distinct(column, source)
        parsed_cols.append(parsed)
        if parsed is not None or (column.required and None in values):
            flagged = list(map(operator.is_, values, repeat(None))) if parsed is None else [
                problem is not None or (value is None and column.required) for value, problem in parsed]
            marked.update(source.marked(flagged, rows))
        values = source.spread(values, rows)
        if lists:  # a list of its own for each row (a multiple choice: a list or None)
            values = list(map(list.copy, values)) if None not in values else [
                v if v is None else list(v) for v in values]
        value_cols.append(values)
    if errors or formulas:
        indexes = {i for _, i in present}
        position = dict(zip(kept, range(m), strict=True))
        for r, i in (*errors, *formulas):
            at = position.get(r - first)
            if i in indexes and at is not None:
                marked.add(at)
    # the rows are built by C-level loops: one value dict and one Row each; the rest is shared or lazy
    numbers = range(first + 1, first + 1 + m) if rows is None or isinstance(rows, int) else [
        first + 1 + p for p in kept]
    dicts = list(map(dict, map(zip, repeat(keys), zip(*value_cols, strict=True)))) if value_cols else [
        {} for _ in range(m)]
    shape = (keys, [i for _, i in present])
    out = list(map(Row, numbers, dicts, repeat(letters),
                   repeat(_NO_EXTRA) if not unknown else [_NO_EXTRA if e is None else e for e in extras],
                   repeat(_NO_BAD), _pick(grid.rows, rows), repeat(shape)))
    for p in sorted(marked):
        row = out[p]
        r = first + kept[p]
        bad: set[str] = set()
        for j, (column, i) in enumerate(present):
            parsed = parsed_cols[j]
            if parsed is None:
                value, problem = value_cols[j][p], None
            else:
                value, problem = parsed[grid.column(i).which(kept[p])]
            if errors and (r, i) in errors:  # calamine reads a formula's error as an empty cell
                value, problem = None, ValueProblem("formula-error", {"value": errors[(r, i)]})
                row.values[column.key] = None
            elif formulas and (r, i) in formulas:
                problems.add("formula-in-input", row.cell(column.key), column,
                             value=_shown(grid.column(i).cells[kept[p]]))
            if problem is not None:
                bad.add(column.key)
                problems.add(problem.code, row.cell(column.key), column, **problem.params)
            elif value is None and column.required:
                problems.add("required-missing", row.cell(column.key), column)
        if bad:
            row.bad = bad
    return out


def _shown(value: Any) -> str:
    text = clean_text(value)
    if not text:
        return "пусто"
    return text[:60] + ("…" if len(text) > 60 else "")


def read_form(book: Book, sheet: Sheet, report: Report, label: str) -> FormValues:
    if sheet.name not in book.sheet_names:
        report.add("sheet-missing", file=label, sheet=sheet.name)
        return FormValues(sheet, {}, {}, present=False)
    try:
        rows, _ = book.rows(sheet.name, limit=500)
    except SheetTooLarge as exc:
        exc.report(report, label)
        return FormValues(sheet, {}, {}, present=False)
    by_header: dict[str, int] = {}
    for r, row in enumerate(rows):
        if row and not is_blank(row[0]):
            by_header.setdefault(fold(row[0]), r)
    values: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for column in sheet.columns:
        r_found = next((by_header[k] for k in _header_keys(column) if k in by_header), None)
        if r_found is None:
            if column.optional:
                continue
            report.add("param-missing", file=label, sheet=sheet.name, field=column.header, header=column.header)
            continue
        raw = rows[r_found][1] if len(rows[r_found]) > 1 else None
        cell = cell_name(r_found, 1)
        cells[column.key] = cell
        value, problem = parse_cell(column, raw)
        if (r_found, 1) in book.errors(sheet.name):
            value, problem = None, ValueProblem("formula-error", {"value": book.errors(sheet.name)[(r_found, 1)]})
        elif (r_found, 1) in book.formulas(sheet.name):
            report.add("formula-in-input", file=label, sheet=sheet.name, cell=cell, field=column.header,
                       value=_shown(raw))
        if problem is not None:
            report.add(problem.code, file=label, sheet=sheet.name, cell=cell, field=column.header, **problem.params)
        elif value is None and column.required:
            report.add("required-missing", file=label, sheet=sheet.name, cell=cell, field=column.header)
        values[column.key] = value
    return FormValues(sheet, values, cells)


def read_workbook(book: Book, spec: WorkbookSpec, report: Report, label: str) -> BookData:
    tables: dict[str, Table] = {}
    forms: dict[str, FormValues] = {}
    for sheet in spec.sheets:
        if sheet.kind == "table":
            tables[sheet.key] = read_table(book, sheet, report, label)
        elif sheet.kind == "form":
            forms[sheet.key] = read_form(book, sheet, report, label)
    known = {fold(s.name) for s in spec.sheets} | {fold(n) for n in ("Инструкция", META_SHEET, "_lists")}
    for name in book.sheet_names:
        if fold(name) not in known and sheet_name_problem(name):
            report.add("sheet-name-not-carried", file=label, sheet=name, detail=sheet_name_problem(name))
        elif fold(name) not in known and name not in book.hidden:
            report.add("sheet-unknown", file=label, sheet=name)
    return BookData(book.path, label, spec, book.meta(), tables, forms, list(book.sheet_names))
