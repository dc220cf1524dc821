"""The extent scan (``toolkit.books.extent``) finds how far every sheet reaches before python-calamine builds its
dense grid of it — a grid python-calamine cannot hold aborts the whole process, with no message at all.

.xlsx: cells and rows may be written without ``r`` (the next column, the next row — allowed by the format,
written by some generators). Their place is counted the way python-calamine counts it, so a sheet reaching
XFD1048576 through such cells is refused like any other, and a formula or an error in such a cell is named
with its true address. The sheets here are built by hand (zipfile + XML strings); python-calamine itself is
the reference for every place the scan computes.

.xls: python-calamine reads every sheet of an .xls when the file is opened, each sheet's grid reserved at
once (two cells in A1 and IV65536: about a gigabyte). The BIFF records are walked first; files come from
LibreOffice and from editing their record bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from demo_helpers import Demos
from hypothesis import given, settings
from hypothesis import strategies as st
from libreoffice_helpers import soffice
from python_calamine import CalamineWorkbook

from toolkit.base.problems import Report
from toolkit.books import extent
from toolkit.books.reader import SheetTooLarge, open_book
from toolkit.books.writer import cell_name, col_letter
from toolkit.model.program import Program

ROOT = Path(__file__).resolve().parent.parent
SHEET = "Лист1"
MENTORS = "Наставники"
REGISTRY = "02_Заявки.xlsx"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def xlsx(path: Path, sheet_data: str, worksheet: str | None = None) -> Path:
    """A one-sheet workbook («Лист1») whose <sheetData> holds ``sheet_data`` exactly as given."""
    sheet = worksheet or (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{sheet_data}'
                          '</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(name=SHEET))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def scanned(path: Path) -> tuple[int, int]:
    found = extent.scan(path)[SHEET]
    return found.rows, found.cols


def calamine_extent(path: Path) -> tuple[int, int]:
    """How far python-calamine's own grid reaches (1-based), for sheets small enough to read in this process."""
    end = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).end
    return (0, 0) if end is None else (end[0] + 1, end[1] + 1)


def refusal(path: Path) -> list[tuple[str, str, str]]:
    """(code, cell, message) of every problem reported for the sheet, read as the program reads it."""
    report = Report()
    book = open_book(path, report, path.name)
    if book is not None:
        try:
            book.rows(SHEET)
        except SheetTooLarge as exc:
            exc.report(report, path.name)
    return [(p.code, p.cell, p.message) for p in report]


# --------------------------------------------------------------------------- .xlsx: cells without r


@pytest.mark.parametrize(("sheet_data", "expected"), [
    ('<row><c t="inlineStr"><is><t>а</t></is></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', (2, 2)),
    ('<row r="3"><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', (4, 2)),
    ('<row r="2"><c r="C2"><v>1</v></c><c><v>2</v></c></row>', (2, 4)),
    ('<row r="1"><c/><c s="1"/><c><v>9</v></c></row>', (1, 3)),  # empty cells still take a column
    ('<row r="1"><c><v>1</v></c></row><row/><row><c><v>2</v></c></row>', (3, 1)),  # so do empty rows
    ('<row r="1"><c r="B5"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', (5, 3)),
    ('<c><v>1</v></c><row r="3"><c><v>2</v></c></row><c><v>3</v></c>', (4, 2)),  # cells outside rows
    ('<row r="5"><!-- <row r="1"> --><c><v>1</v></c></row>', (5, 1)),
    ('<row r="3"><c t="inlineStr"><is><t><![CDATA[</c><row r="1">]]></t></is></c><c><v>1</v></c></row>', (3, 2)),
    ('<row r="3"><c r="A3"><v><x/>1</v></c><c><v>2</v></c></row>', (3, 2)),
    ('<row r="4"><c r="A4"><v>1</v></c></row ><c><v>2</v></c>', (5, 1)),
    ("<row r='2'><c r='C3'><v>1</v></c><c><v>2</v></c></row>", (3, 4)),
    ('<row r = "2"><c r = "c3"><v>1</v></c><c\n><v>2</v></c></row>', (3, 4)),  # spaces, lower case, newline
    ('<row r="1"><c r="A1" r="C3"><v>1</v></c></row>', (3, 3)),  # python-calamine takes the last r
    ('<row r="1"><c x=">" r="B1" y="/>"><v>1</v></c><c a="&lt;" b="&gt;"><v>2</v></c></row>', (1, 3)),
], ids=["без-r-везде", "строка-с-r-ячейки-без", "ячейка-с-r-затем-без", "пустые-ячейки", "пустая-строка",
        "ячейка-в-другой-строке", "ячейки-вне-строк", "комментарий", "CDATA", "вложенный-тег-в-v",
        "пробел-в-</row>", "апострофы", "пробелы-регистр", "два-r", "знаки-в-атрибутах"])
def test_cells_without_r_are_placed_where_calamine_places_them(tmp_path: Path, sheet_data: str,
                                                                expected: tuple[int, int]) -> None:
    path = xlsx(tmp_path / "книга.xlsx", sheet_data)
    assert calamine_extent(path) == expected  # the reference itself
    assert scanned(path) == expected


def test_prefixed_tags_are_cells_too(tmp_path: Path) -> None:
    worksheet = ('<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
                 'spreadsheetml/2006/main"><x:sheetData><x:row r="4"><x:c><x:v>1</x:v></x:c><x:c r="C4"><x:v>2</x:v>'
                 '</x:c><x:c><x:f>A4</x:f><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    path = xlsx(tmp_path / "книга.xlsx", "", worksheet)
    assert scanned(path) == calamine_extent(path) == (4, 4)
    assert extent.scan(path)[SHEET].formulas == {(3, 3)}


@pytest.mark.parametrize(("sheet_data", "code", "far"), [
    ('<row r="1048576"><c><v>1</v></c></row>', "sheet-too-large", "A1048576"),
    ('<row r="1">' + "<c><v>1</v></c>" * 16384 + "</row>", "sheet-too-large", "XFD1"),
    ('<row r="99998"><c r="A99998"><v>1</v></c></row>' + "<row><c><v>2</v></c></row>" * 5, "sheet-too-large",
     "A100003"),
    ('<row r="20000">' + "<c><v>1</v></c>" * 300 + "</row>", "sheet-too-many-cells", "KN20000"),
], ids=["строка-1048576", "16384-ячейки-без-r", "строки-без-r-после-далёкой", "ячеек-больше-предела"])
def test_far_cells_without_r_are_refused(tmp_path: Path, sheet_data: str, code: str, far: str) -> None:
    path = xlsx(tmp_path / "книга.xlsx", sheet_data)
    problems = refusal(path)
    assert [(c, cell) for c, cell, _ in problems] == [(code, far)], problems
    message = problems[0][2]
    assert f"доходит до ячейки {far}" in message and f"Перейдите к ячейке {far} (Ctrl+End)" in message


@pytest.mark.parametrize("ref", ["xfd1048576", "XFDD1", "A12345678", "A000000001048576"],
                         ids=["строчные", "четыре-буквы", "восемь-цифр", "нули-впереди"])
def test_references_calamine_accepts_are_all_read(tmp_path: Path, ref: str) -> None:
    """python-calamine takes lower case letters, any number of letters and digits: so does the scan (the scan
    alone is asked here — python-calamine would abort on most of these sheets)."""
    path = xlsx(tmp_path / "книга.xlsx", f'<row r="1"><c r="{ref}"><v>1</v></c></row>')
    rows, cols = scanned(path)
    assert extent.col_number(re.sub(r"\d", "", ref).upper()) == cols
    assert int(re.sub(r"\D", "", ref)) == rows


_BODY = "".join(f'<row r="{r}"><c r="A{r}" s="1"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>'
                for r in range(1, 3001))  # ~180 KB: far more than the samples the fast scan reads cell by cell


@pytest.mark.parametrize(("hidden", "expected"), [
    ('<c r="XFD1500"><v>1</v></c>', (3000, 16384)),
    ('<c r="C1048576"><v>1</v></c>', (1048576, 3)),
    ('<c r="B1500" s="1" r="B1048576"><v>1</v></c>', (1048576, 2)),  # python-calamine takes the last r
    ('<c r="c1500"><v>1</v></c>', (3000, 3)),
    ('<c r="C01500"><v>1</v></c>', (3000, 3)),
    ('<c r="B1500" t="n"/><c r="Z1500" s="1"/>', (3000, 2)),  # formatting only: no value, not counted
    ('<c r="C1500"></c>', (3000, 3)),  # counted, as the cell-by-cell scan counts it (calamine does not: safe side)
    ('<c r="C1500"  s="1"><v>1</v></c>', (3000, 3)),
], ids=["столбец-XFD", "строка-1048576", "второй-r", "строчные", "нули-впереди", "только-формат",
        "пустой-элемент", "два-пробела"])
@pytest.mark.parametrize("chunk", [1 << 20, 4096])
def test_a_far_cell_in_the_middle_of_a_long_sheet_is_found(tmp_path: Path, hidden: str,
                                                          expected: tuple[int, int], chunk: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast scan reads only the cells near each chunk's end one by one and proves the rest lies inside
    their extent: a cell reaching farther anywhere in between is still found, however it is written."""
    sheet_data = _BODY.replace('<c r="B1500"><v>1</v></c></row>', '<c r="B1500"><v>1</v></c>' + hidden + "</row>")
    assert hidden in sheet_data
    monkeypatch.setattr(extent, "CHUNK", chunk)
    path = xlsx(tmp_path / "книга.xlsx", sheet_data)
    assert scanned(path) == expected
    if max(expected) < 20000 and "></c>" not in hidden:
        assert scanned(path) == calamine_extent(path)
    with zipfile.ZipFile(path) as z:
        careful = extent._scan_sheet(z, "xl/worksheets/sheet1.xml", careful=True)
    assert (careful.rows, careful.cols) == expected


@pytest.mark.parametrize(("hidden", "expected"), [
    ('<c r="XFD1500" cm="1"><v>1</v></c>', (3000, 16384)),
    ('<c r="B1500" cm="1" r="B1048576"><v>1</v></c>', (1048576, 2)),
    ('<c r="C1500" s="1" t="e"><v>#N/A</v></c>', (3000, 3)),
    ('<c r="C1500" cm="1" t="e"><v>#REF!</v></c>', (3000, 3)),
    ('<c r="C1500" t="e" s="1"><v>#DIV/0!</v></c>', (3000, 3)),
], ids=["редкий-атрибут-далеко", "редкий-атрибут-второй-r", "ошибка", "ошибка-с-редким-атрибутом",
        "ошибка-атрибуты-в-другом-порядке"])
@pytest.mark.parametrize("uncommon", [False, True], ids=["обычные-ячейки", "все-ячейки-с-редким-атрибутом"])
@pytest.mark.parametrize("chunk", [1 << 20, 4096])
def test_cells_written_unusually_are_read_exactly(tmp_path: Path, hidden: str, expected: tuple[int, int],
                                                  uncommon: bool, chunk: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast scan's search knows the tag most writers give a cell (r, then s, then t of the usual types);
    a tag written otherwise — another attribute, an error's t, another order — is read by the general
    pattern, one by one or, when a sheet is full of them, all at once: its extent and its error are found."""
    body = _BODY.replace(' s="1"><v>', ' s="1" cm="1"><v>') if uncommon else _BODY
    sheet_data = body.replace('<c r="B1500"><v>1</v></c></row>', '<c r="B1500"><v>1</v></c>' + hidden + "</row>")
    assert hidden in sheet_data
    monkeypatch.setattr(extent, "CHUNK", chunk)
    path = xlsx(tmp_path / "книга.xlsx", sheet_data)
    found = extent.scan(path)[SHEET]
    assert (found.rows, found.cols) == expected
    error = re.search(r'<v>(#[^<]+)</v>', hidden)
    assert found.errors == ({(1499, 2): error.group(1)} if error else {})
    with zipfile.ZipFile(path) as z:
        careful = extent._scan_sheet(z, "xl/worksheets/sheet1.xml", careful=True)
    assert (careful.rows, careful.cols, careful.errors) == (found.rows, found.cols, found.errors)


def test_a_long_string_does_not_hide_the_next_cell(tmp_path: Path) -> None:
    """Six megabytes of text in one cell (longer than the scan's window) and then the far cell."""
    path = xlsx(tmp_path / "книга.xlsx", '<row r="1"><c t="inlineStr"><is><t>' + "а" * (3 << 20) +
                '</t></is></c><c><v>1</v></c></row><row r="1048576"><c><v>1</v></c></row>')
    assert scanned(path) == (1048576, 2)


@pytest.mark.parametrize("worksheet", [
    # python-calamine skips what a <v> holds up to its end tag, a </c> included: the scan does not guess
    f'<worksheet {_NS}><sheetData><row r="7"><c r="A1"><v>1</c><row r="1"></v></c><c><v>2</v></c></row>'
    '</sheetData></worksheet>',
    # a DTD (no spreadsheet has one) whose end a parser may find elsewhere than the scan
    f'<!DOCTYPE worksheet [<!ENTITY a "]">]><worksheet {_NS}><sheetData><row r="1048576"><c><v>1</v></c></row>'
    '</sheetData></worksheet>',
], ids=["теги-не-вложены", "DTD"])
def test_xml_a_reader_could_read_otherwise_is_refused_as_damaged(tmp_path: Path, worksheet: str) -> None:
    path = xlsx(tmp_path / "книга.xlsx", "", '<?xml version="1.0" encoding="UTF-8"?>' + worksheet)
    with pytest.raises(extent.BrokenArchive):
        extent.scan(path)
    report = Report()
    assert open_book(path, report, path.name) is None
    assert [p.code for p in report] == ["file-unreadable"] and "повреждён" in report.problems[0].message


def _sheet_xml(rows: list[tuple[bool, int, list[tuple[bool, int, str]]]]) -> tuple[str, dict[int, str]]:
    """Sheet XML from (row has r, row step, [(cell has r, column step, kind)]); each filled cell's value is
    its own number, so its place in python-calamine's grid shows where it went. Returns the XML and the kind
    of each numbered cell."""
    parts, kinds = [], {}
    row = 0
    for row_has_r, row_step, cells in rows:
        row += row_step if row_has_r else 1
        parts.append(f'<row r="{row}">' if row_has_r else "<row>")
        col = 0
        for cell_has_r, col_step, kind in cells:
            col += col_step if cell_has_r else 1
            attrs = f' r="{col_letter(col - 1)}{row}"' if cell_has_r else ""
            number = len(kinds) + 1
            if kind == "empty":
                parts.append(f'<c{attrs} s="1"/>')
                continue
            kinds[number] = kind
            inside = {"formula": "<f>A1+1</f>", "comment": '<!-- <row r="1"/><c r="A1"> -->'}.get(kind, "")
            parts.append(f"<c{attrs}>{inside}<v>{number}</v></c>")
        parts.append("</row>")
    return "".join(parts), kinds


_cells = st.lists(st.tuples(st.booleans(), st.integers(1, 3),
                            st.sampled_from(["value", "formula", "empty", "comment"])), max_size=6)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.booleans(), st.integers(1, 3), _cells), max_size=12),
       chunk=st.sampled_from([16, 97, 1 << 20]), sample=st.sampled_from([24, 200, 1 << 15]))
def test_scan_matches_calamine_for_any_mix_of_r(tmp_path_factory: pytest.TempPathFactory,
                                                rows: list[tuple[bool, int, list[tuple[bool, int, str]]]],
                                                chunk: int, sample: int) -> None:
    sheet_data, kinds = _sheet_xml(rows)
    path = xlsx(tmp_path_factory.mktemp("свойство") / "книга.xlsx", sheet_data)
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    places = {int(v): (r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if v != ""}
    saved = extent.CHUNK, extent.SAMPLE
    extent.CHUNK = chunk  # chunk edges anywhere: inside tags, between the fast and the careful scan
    extent.SAMPLE = sample  # cells read one by one near a chunk's end: few or all
    try:
        found = extent.scan(path)[SHEET]
    finally:
        extent.CHUNK, extent.SAMPLE = saved
    assert (found.rows, found.cols) == calamine_extent(path)
    assert found.formulas == {places[n] for n, kind in kinds.items() if kind == "formula"}


# --------------------------------------------------------------------------- .xlsx: a real registry


def _members(path: Path) -> dict[str, str]:
    """Sheet name → its part in the archive."""
    with zipfile.ZipFile(path) as z:
        workbook, rels = z.read("xl/workbook.xml").decode(), z.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    return {name: "xl/" + targets[rid].lstrip("/").removeprefix("xl/")
            for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="([^"]+)"', workbook)}


def _rewrite(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as z:
        parts = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            z.writestr(info, change(info.filename, data))


def strip_implied_refs(xml: bytes) -> bytes:
    """Drop every r that only repeats the place a reader would give anyway (the next row, the next column),
    as the generators writing cells without r do."""
    row = col = 0

    def drop(m: re.Match[bytes]) -> bytes:
        nonlocal row, col
        tag = m.group(0)
        ref = re.search(rb' r="([A-Z]*)(\d+)"', tag)
        assert ref is not None
        if tag.startswith(b"<row"):
            number = int(ref.group(2))
            implied, row, col = number == row + 1, number, 0
        else:
            number = extent.col_number(ref.group(1).decode())
            implied, col = number == col + 1 and int(ref.group(2)) == row, number
        return tag.replace(ref.group(0), b"", 1) if implied else tag

    return re.sub(rb"<row\b[^>]*>|<c\b[^>]*>", drop, xml)


def _patch_cell(xml: bytes, ref: str, content: str) -> bytes:
    """Replace the cell ``ref`` (kept style) with ``<c … {content}</c>``."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"( s="\d+")?[^>]*?(?:/>|>.*?</c>)')
    assert pattern.search(xml), ref
    return pattern.sub(lambda m: b'<c r="' + ref.encode() + b'"' + (m.group(1) or b"") + b" " +
                       content.encode() + b"</c>", xml, count=1)


@pytest.fixture(scope="module")
def demo(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("без-r") / "Наставничество"
    demos.copy("student", root, "written")
    return root


def _problems(root: Path) -> list[tuple[str, str, str, str]]:
    report = Report()
    from toolkit.checks.program import load_program

    load_program(Program.open(root), report)
    return sorted((p.file, p.sheet, p.cell, p.code) for p in report)


def test_a_registry_without_r_reads_exactly_as_with_it(demo: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(demo, tmp_path / "Наставничество"))
    path = root / REGISTRY
    original = extent.scan(path)
    _rewrite(path, lambda name, data: strip_implied_refs(data) if name.startswith("xl/worksheets/") else data)
    with zipfile.ZipFile(path) as z:
        sheet = z.read(_members(path)[MENTORS])
    assert sheet.count(b"<c ") + sheet.count(b"<c>") > 100 and sheet.count(b'<c r="') < 10, "r не убраны"
    assert extent.scan(path) == original
    assert _problems(root) == _problems(demo)


def test_formula_and_error_without_r_are_named_by_their_cell(demo: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(demo, tmp_path / "Наставничество"))
    path = root / REGISTRY
    member = _members(path)[MENTORS]

    def change(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        data = _patch_cell(data, "F2", 't="e"><f>1/0</f><v>#DIV/0!</v>')
        data = _patch_cell(data, "T3", 't="str"><f>"звонить"&amp;" вечером"</f><v>звонить вечером</v>')
        return strip_implied_refs(data)

    _rewrite(path, change)
    with zipfile.ZipFile(path) as z:
        sheet = z.read(member)
    assert b'r="F2"' not in sheet and b'r="T3"' not in sheet and b"<f>1/0</f>" in sheet
    found = extent.scan(path)[MENTORS]
    assert found.errors == {(1, 5): "#DIV/0!"} and found.formulas == {(1, 5), (2, 19)}
    report = Report()
    from toolkit.checks.program import load_program

    load_program(Program.open(root), report)
    named = {(p.code, p.cell): p.message for p in report if p.sheet == MENTORS}
    assert "«#DIV/0!»" in named[("formula-error", "F2")]
    assert "«звонить вечером»" in named[("formula-in-input", "T3")]
    assert cell_name(2, 19) == "T3"


@pytest.mark.parametrize("chunk", [64, 4096, 1 << 20])
def test_chunk_size_and_scan_path_change_nothing(demo: Path, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    path = demo / REGISTRY
    whole = extent.scan(path)
    monkeypatch.setattr(extent, "CHUNK", chunk)
    assert extent.scan(path) == whole
    with zipfile.ZipFile(path) as z:
        assert extent._scan_sheet(z, _members(path)[MENTORS], careful=True) == whole[MENTORS]


# --------------------------------------------------------------------------- .xls




@pytest.fixture(scope="module")
def xls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """.xls files LibreOffice saved: «far» (A1 and IV65536 filled), «small» (formulas, errors, a run of numbers
    LibreOffice writes as one MULRK record) and a copy of «small» under each edit of its records."""
    import openpyxl

    exe = soffice()
    folder = tmp_path_factory.mktemp("xls")
    wb = openpyxl.Workbook()
    wb.active.title = SHEET
    wb.active["A1"], wb.active["IV65536"] = "начало", "конец"
    wb.create_sheet("Второй")["B2"] = 5
    wb.save(folder / "far.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"], ws["B2"], ws["C3"], ws["D4"], ws["E5"], ws["G7"] = "текст", "=1/0", "=A1+1", "=2*3", 7, "=#N/A"
    for col in range(1, 6):
        ws.cell(10, col, col)
    wb.save(folder / "small.xlsx")
    profile = (folder / "profile").as_uri()  # a profile of its own: other LibreOffice runs may be going on
    result = subprocess.run([exe, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile}",
                             "--convert-to", "xls", "--outdir", str(folder), str(folder / "far.xlsx"),
                             str(folder / "small.xlsx")], capture_output=True, text=True, timeout=300, check=False)
    out = {name: folder / f"{name}.xls" for name in ("far", "small")}
    assert all(p.exists() for p in out.values()), result.stdout + result.stderr
    for name, edit in _EDITS.items():
        out[name] = _edit_stream(out["small"], folder / f"{name}.xls", edit)
    return out


def _records(stream: bytes) -> list[tuple[int, int, int]]:
    """(type, offset of the data, size) of every BIFF record."""
    out, pos = [], 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        out.append((kind, pos + 4, size))
        pos += 4 + size
    return out


def _first(stream: bytes, kind: int, after: int = 0) -> int:
    return next(data for k, data, _ in _records(stream) if k == kind and data > after)


def _first_sheet(stream: bytes) -> int:
    return struct.unpack_from("<I", stream, _first(stream, 0x0085))[0]  # BOUNDSHEET: where the sheet begins


def _put(kind: int, fmt: str, *values: int) -> Callable[[bytearray], None]:
    """Overwrite the start of the first record of ``kind`` in the first sheet."""
    def edit(stream: bytearray) -> None:
        struct.pack_into(fmt, stream, _first(bytes(stream), kind, _first_sheet(bytes(stream))), *values)
    return edit


def _sheet_past_the_end(stream: bytearray) -> None:
    struct.pack_into("<I", stream, _first(bytes(stream), 0x0085), 0x7FFFFFFF)


_EDITS: dict[str, Callable[[bytearray], None]] = {
    "rk-IV65536": _put(0x027E, "<HH", 65535, 255),  # a number moved to the last cell
    "labelsst-IV65536": _put(0x00FD, "<HH", 65535, 255),  # a text moved there
    "formula-IV65536": _put(0x0006, "<HH", 65535, 255),
    "mulrk-column-16000": _put(0x00BD, "<HH", 9, 16000),  # five numbers from column 16001 on
    "dimensions-IV65536": _put(0x0200, "<IIHH", 0, 65536, 0, 256),  # the declared range only
    "dimensions-2147483647": _put(0x0200, "<IIHH", 0, 0x7FFFFFFF, 0, 7),  # calamine would abort
    "dimensions-backwards": _put(0x0200, "<IIHH", 10, 5, 0, 7),  # counted in u32: calamine would abort
    "sheet-past-the-end": _sheet_past_the_end,  # calamine would stop with a panic
}


def _edit_stream(source: Path, target: Path, edit: Callable[[bytearray], None]) -> Path:
    """A copy of an .xls whose Workbook stream is edited in place (same length, so olefile can write it)."""
    import olefile

    shutil.copy2(source, target)
    with olefile.OleFileIO(str(target), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        edit(stream)
        ole.write_stream("Workbook", bytes(stream))
    return target


_CHILD = """
import resource, sys
from pathlib import Path
from toolkit.base.problems import Report
from toolkit.books.reader import SheetTooLarge, open_book
from toolkit.checks.program import load_program
path = Path(sys.argv[1])
report = Report()
book = open_book(path, report, path.name)
for name in (book.sheet_names if book else []):
    try:
        book.rows(name)
    except SheetTooLarge as exc:
        exc.report(report, path.name)
for p in report:
    print(p.code, p.sheet, p.cell, p.message, sep="\\t")
def _peak_kib():  # this process's own peak (VmHWM); ru_maxrss keeps the parent's peak across exec on Linux
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("@peak", _peak_kib() // 1024)
"""


def read_in_child(path: Path) -> tuple[list[list[str]], int]:
    """Problems of opening and reading every sheet, in a child process (a failed guard could abort it or
    take a gigabyte), and the child's peak memory in MiB."""
    result = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                            encoding="utf-8", cwd=ROOT, timeout=120, check=False,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines and lines[-1].startswith("@peak "), result.stdout
    return [line.split("\t") for line in lines[:-1]], int(lines[-1].split()[1])


@pytest.mark.libreoffice
def test_xls_with_a_far_cell_is_refused_before_calamine_reads_it(xls: dict[str, Path]) -> None:
    found = extent.scan(xls["far"])
    assert (found[SHEET].rows, found[SHEET].cols) == (65536, 256)
    assert (found["Второй"].rows, found["Второй"].cols) == (2, 2)
    problems, peak = read_in_child(xls["far"])
    assert [p[:3] for p in problems] == [["sheet-too-many-cells", SHEET, "IV65536"]], problems
    assert "65536 строк × 256 столбцов = 16777216 ячеек" in problems[0][3]
    assert "Перейдите к ячейке IV65536 (Ctrl+End)" in problems[0][3]
    # python-calamine would hold the whole 65536 × 256 grid twice over (about 1 GB) before any check
    assert peak < 300, f"память {peak} МБ"


@pytest.mark.libreoffice
def test_xls_formulas_and_errors_are_noted_with_their_cells(xls: dict[str, Path]) -> None:
    report = Report()
    book = open_book(xls["small"], report, "small.xls")
    assert book is not None and not list(report)
    rows, _ = book.rows(SHEET)
    assert rows[0][0] == "текст" and rows[4][4] == 7 and rows[9][:5] == [1, 2, 3, 4, 5]
    assert {cell_name(r, c) for r, c in book.formulas(SHEET)} == {"B2", "C3", "D4", "G7"}
    assert {cell_name(r, c): v for (r, c), v in book.errors(SHEET).items()} == {
        "B2": "#DIV/0!", "C3": "#VALUE!", "G7": "#N/A"}
    assert rows[1][1] == rows[2][2] == ""  # what python-calamine gives for an error: nothing to tell it by


@pytest.mark.libreoffice
@pytest.mark.parametrize(("edit", "expected"), [
    ("rk-IV65536", ["sheet-too-many-cells", SHEET, "IV65536"]),
    ("labelsst-IV65536", ["sheet-too-many-cells", SHEET, "IV65536"]),
    ("formula-IV65536", ["sheet-too-many-cells", SHEET, "IV65536"]),
    ("mulrk-column-16000", ["sheet-too-large", SHEET, "WQO10"]),
    ("dimensions-IV65536", ["sheet-too-many-cells", SHEET, "IV65536"]),
    ("dimensions-2147483647", ["sheet-too-large", SHEET, "G2147483647"]),
    ("dimensions-backwards", ["sheet-too-large", SHEET, "G4294967301"]),
    ("sheet-past-the-end", ["file-unreadable", "", ""]),
])
def test_xls_records_edited_to_reach_far_are_refused(xls: dict[str, Path], edit: str, expected: list[str]) -> None:
    problems, peak = read_in_child(xls[edit])
    assert [p[:3] for p in problems] == [expected], problems
    assert peak < 300, f"память {peak} МБ"


@pytest.mark.parametrize("cells, formulas", [
    # a conditional format's <formula> is no cell's formula
    ('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>', set()),
    ('<row r="2"><c r="B2"><f>1+1</f><v>2</v></c></row>', {(1, 1)}),
    ('<row r="2"><c r="B2"><f\n>1+1</f><v>2</v></c></row>', {(1, 1)}),  # a line break inside the tag
    ('<row r="3"><c r="C3"><x:f xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">1+1</x:f>'
     '<v>2</v></c></row>', {(2, 2)}),
])
def test_fast_and_careful_scans_find_the_same_formulas(tmp_path: Path, cells: str, formulas: set[tuple[int, int]]
                                                       ) -> None:
    worksheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{cells}</sheetData>'
                 '<conditionalFormatting sqref="A1:A9"><cfRule type="expression" dxfId="0" priority="1">'
                 '<formula>LEN(A1)=0</formula></cfRule></conditionalFormatting></worksheet>')
    path = xlsx(tmp_path / "f.xlsx", "", worksheet)
    found = extent.scan(path)[SHEET]
    with zipfile.ZipFile(path) as z:
        assert extent._scan_sheet(z, "xl/worksheets/sheet1.xml", careful=True) == found
    assert found.formulas == formulas
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
    assert (found.rows, found.cols) == (len(sheet), max(map(len, sheet), default=0))
