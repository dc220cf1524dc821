#!/usr/bin/env python3
"""Build the adversarial corpus: every kind of bad input the toolkit reads today, made by a script.

    python tests/corpus/make_corpus.py ПАПКА [--no-libreoffice]

Each case is a folder ``ПАПКА/<id>/`` holding what a person would have on disk (a program folder
«Наставничество 2026 (школа № 5)» built from the demo data, a forms export, a mail-merge table …) and
one line of ``ПАПКА/manifest.json``: the command to run, the exit code it must give, the file and the
place (sheet, cell) its Russian message must name and a phrase of that message. ``tests/test_corpus.py``
builds the corpus once per session and runs every case; the inputs' bytes must not change.

Inputs covered: the program workbooks read by ``check`` and ``status``, the registry rewritten by
``import``, the forms exports read by ``import``, the tables read by ``merge``, the pairs' workbooks
returned to ``collect`` (and «05_Работа пар» it rewrites), «05_Работа пар» and «06_Итоги» read by
``check``, ``status``, ``monitor``, ``results`` and ``docs``, and the Word templates of ``merge`` and
``order --template`` (broken fields, attempts to leave the sandbox). Nothing here is a
hand-made binary: encrypted workbooks are made by msoffcrypto-tool (an OLE container with an
``EncryptedPackage`` stream otherwise, as Office writes), old ``.xls`` and ``.ods`` files by ONE
LibreOffice call per format, zip bombs by a deflate stream written block by block (2 GiB of spaces in
2 MB), far cells by openpyxl.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import functools
import io
import json
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from openpyxl.workbook.workbook import Workbook  # noqa: E402

from toolkit.books.writer import col_letter  # noqa: E402

PROGRAM = "Наставничество 2026 (школа № 5)"
MANIFEST = "manifest.json"
MERGE_TEMPLATE = "Благодарность.docx"
STUDENT, TEACHER = "student", "teacher"
BOOKS = ["00_Настройки", "01_Встреча", "02_Заявки", "02_Тестирование", "03_Обучение", "04_Пары"]
REGISTRY = "02_Заявки"
MENTORS = "Наставники"
OK_CHECK = "Проблем не найдено"
OK_IMPORT = "Добавлено:"
OK_MERGE = "Готово:"
MAX_CELL = 32_767  # characters Excel keeps in one cell


@dataclass
class Case:
    """One adversarial input and what the command line must say about it."""

    id: str
    args: list[str]  # the command after «nastavnik»; «{case}» is this case's folder
    code: int  # the exit code
    file: str = ""  # a file name the message must contain
    phrases: list[str] = field(default_factory=list)  # Russian phrases the output must contain
    place: list[str] = field(default_factory=list)  # «лист «…»», «ячейка C2» …
    may_change: list[str] = field(default_factory=list)  # files (relative) the command may rewrite or remove
    # files or folders («…/») the command may create; any other new file fails the case (a backup made by a
    # command that then refused, a book written although the input was refused …)
    may_create: list[str] = field(default_factory=list)
    isolate: bool = False  # run in a child process: a failed guard would abort the interpreter
    about: str = ""


# --------------------------------------------------------------------------- small file makers


def docx_bytes(text: str = "Заявки") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
                   '"http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                   '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                   f"{text}</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


PDF = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
       b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
CSV_TEXT = "Фамилия;Имя;Класс\nИванова;Анна;9Б\nПетров;Пётр;10А\n"


def ole_container(streams: list[str]) -> bytes:
    """A minimal OLE compound file whose directory names the given streams (as Office's encrypted
    workbooks name «EncryptionInfo» and «EncryptedPackage»). Only what a reader sniffs is real."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    directory = bytearray()
    for name in ["Root Entry", *streams]:
        entry = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        entry[: len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    directory += bytes(-len(directory) % 512)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<II", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE)
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    return bytes(header + fat + directory + bytes(4096))


def encrypt(source: Path, target: Path, password: str = "школа") -> bool:
    """A password-protected copy made by msoffcrypto-tool (False when it is not installed)."""
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return False
    with source.open("rb") as fin, target.open("wb") as fout:
        OOXMLFile(fin).encrypt(password, fout)
    return True


def _zip(path: Path, members: list[tuple[str, bytes, int, int, int]]) -> None:
    """Write a zip by hand: (name, data as stored, crc32, size when unpacked, method)."""
    buf = io.BytesIO()
    central = []
    for name, data, crc, size, method in members:
        raw = name.encode()
        offset = buf.tell()
        buf.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, crc, len(data), size,
                              len(raw), 0) + raw + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, crc,
                                   len(data), size, len(raw), 0, 0, 0, 0, 0, offset) + raw)
    start = buf.tell()
    directory = b"".join(central)
    buf.write(directory)
    buf.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    path.write_bytes(buf.getvalue())


def _stored(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    return name, data, zlib.crc32(data), len(data), 0


@functools.lru_cache(maxsize=4)
def _spaces_deflated(prefix: bytes, mebibytes: int, suffix: bytes) -> tuple[bytes, int, int]:
    """prefix + N MiB of spaces + suffix, deflated block by block: a full flush resets the compressor,
    so every MiB after the first compresses to the same ~1 KB and the stream is built in a second."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b" " * (1 << 20)
    head = co.compress(prefix) + co.flush(zlib.Z_FULL_FLUSH)
    first = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    tail = co.compress(suffix) + co.flush()
    crc = zlib.crc32(prefix)
    for _ in range(mebibytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    return head + first + again * (mebibytes - 1) + tail, crc, len(prefix) + (mebibytes << 20) + len(suffix)


XLSX_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
              b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
              b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
              b'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
              b'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
              b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
XLSX_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
             b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
             b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
XLSX_WB_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>')
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx_bomb(path: Path, sheet: str = MENTORS, mebibytes: int = 2048, lying: bool = False) -> None:
    """An .xlsx of ~2 MB whose sheet unpacks to 2 GiB; ``lying`` declares 5 KB in the zip headers instead."""
    workbook = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    data, crc, size = _spaces_deflated(SHEET_HEAD, mebibytes, SHEET_TAIL)
    _zip(path, [_stored("[Content_Types].xml", XLSX_TYPES), _stored("_rels/.rels", XLSX_RELS),
                _stored("xl/workbook.xml", workbook.encode()), _stored("xl/_rels/workbook.xml.rels", XLSX_WB_RELS),
                ("xl/worksheets/sheet1.xml", data, crc, 5000 if lying else size, 8)])


def ods_bomb(path: Path, mebibytes: int = 2048) -> None:
    head = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            b'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
            b'<table:table table:name="' + MENTORS.encode() + b'"><table:table-row><table:table-cell '
            b'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    tail = b"</table:table></office:spreadsheet></office:body></office:document-content>"
    data, crc, size = _spaces_deflated(head, mebibytes, tail)
    mimetype = b"application/vnd.oasis.opendocument.spreadsheet"
    _zip(path, [_stored("mimetype", mimetype), ("content.xml", data, crc, size, 8)])


def sparse_file(path: Path, size: int) -> None:
    with path.open("wb") as f:
        f.write(b"PK\x03\x04")
        f.truncate(size)


# --------------------------------------------------------------------------- editing workbooks


def edit_book(path: Path, change: Callable[[Workbook], None]) -> None:
    """A person edits the workbook in a spreadsheet program and saves it (openpyxl load → change → save)."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def column_of(ws: Any, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise KeyError(header)


def set_cells(sheet: str, values: dict[str, Any]) -> Callable[[Workbook], None]:
    """values: «Класс3» (header + row) or «F3» (address) → value; strings stay text even with «=»."""

    def change(wb: Workbook) -> None:
        ws = wb[sheet]
        for where, value in values.items():
            m = re.fullmatch(r"(.*?)(\d+)", where)
            assert m, where
            ref = where if re.fullmatch(r"[A-Z]{1,3}\d+", where) else f"{column_of(ws, m.group(1))}{m.group(2)}"
            ws[ref] = value
            if isinstance(value, str):
                ws[ref].data_type = "s"

    return change


def _sheet_member(z: zipfile.ZipFile, sheet: str) -> str:
    workbook = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', workbook)
    assert rid, sheet
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target, rid.group(1)
    name = target.group(1).lstrip("/")
    return name if name.startswith("xl/") else f"xl/{name}"


def patch_cells(path: Path, sheet: str, cells: dict[str, str], keep_style: bool = False) -> bool:
    """Replace cells in the sheet XML as Excel saves them (a formula with its cached result, an error …).

    ``cells``: address → the attributes and inner XML, e.g. ``'t="e"><f>A99</f><v>#REF!</v>'``.
    Returns False (the file untouched) when a cell is not in the XML yet.
    """
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
        member = _sheet_member(z, sheet)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == member:
                xml = data.decode()
                for ref, inner in cells.items():
                    def replace(m: re.Match[str], ref: str = ref, inner: str = inner) -> str:
                        style = f' s="{m.group(1)}"' if keep_style and m.group(1) else ""
                        return f'<c r="{ref}"{style} {inner}</c>'

                    xml, n = re.subn(rf'<c r="{ref}"(?: s="(\d+)")?(?: [^>]*?)?(?:/>|>.*?</c>)', replace,
                                     xml, count=1, flags=re.S)
                    if n != 1:
                        return False
                data = xml.encode()
            z.writestr(info, data)
    path.write_bytes(out.getvalue())
    return True


def _cell_xml(value: Any) -> str | None:
    if isinstance(value, bool):
        return f't="b"><v>{int(value)}</v>'
    if isinstance(value, (int, float)):
        return f"><v>{value!r}</v>"
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f't="inlineStr"><is><t xml:space="preserve">{text}</t></is>'
    return None


def quick_set(path: Path, sheet: str, values: dict[str, Any]) -> None:
    """Set cells as a person types them: straight into the sheet XML when every cell is there and every
    value is text or a number (fast), else through openpyxl."""
    from python_calamine import CalamineWorkbook

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    headers = {str(h): i for i, h in enumerate(grid[0])}
    refs: dict[str, Any] = {}
    for where, value in values.items():
        m = re.fullmatch(r"([A-Z]{1,3})(\d+)", where)
        if m:
            col = sum((ord(ch) - 64) * 26**k for k, ch in enumerate(reversed(m.group(1)))) - 1
        else:
            m = re.fullmatch(r"(.*?)(\d+)", where)
            assert m, where
            col = headers[m.group(1)]
        row = int(m.group(2))
        if callable(value):  # a change of what is there: «Анна» → «Анна\u00a0»
            value = value(grid[row - 1][col])
        refs[f"{col_letter(col)}{row}"] = value
    xml = {ref: _cell_xml(v) for ref, v in refs.items()}
    if all(x is not None for x in xml.values()) and patch_cells(path, sheet, {k: str(v) for k, v in xml.items()},
                                                                  keep_style=True):
        return
    edit_book(path, set_cells(sheet, refs))


def set_meta(path: Path, key: str, value: str) -> None:
    def change(wb: Workbook) -> None:
        ws = wb["_meta"]
        for row in ws.iter_rows():
            if row[0].value == key:
                row[1].value = value

    edit_book(path, change)


# --------------------------------------------------------------------------- forms exports and merge tables

GOOGLE_HEADER = [
    "Отметка времени", "Роль", "ФИО", "Пол", "Класс", "Телефон или e-mail для связи",
    "Почему вы хотите стать наставником?", "Какие у вас навыки и сильные стороны?",
    "С чем вы можете помочь? (можно выбрать несколько)", "Как часто вы готовы встречаться?",
    "Скольким наставляемым вы готовы помогать?", "В какие дни вы свободны? (можно выбрать несколько)",
    "С какой проблемой или запросом вы пришли?", "К чему относится запрос?",
    "В чём нужна помощь? (можно выбрать несколько)", "Согласны ли вы участвовать в программе наставничества?",
]
GOOGLE_ROWS = [
    ["25.09.2026 10:15:00", "Наставник", "Гончарова Милана Игоревна", "ж", "10 «А»", "+7 914 111-22-33",
     "Хочу помогать младшим", "Объясняю математику", "Математика, Подготовка к ОГЭ", "Раз в неделю", "2",
     "пн, ср", "", "", "", "Да"],
    ["25.09.2026 11:00:00", "Наставляемый", "Орлов Глеб", "м", "6б", "orlov@mail.ru", "", "", "", "", "",
     "вт, чт", "Не понимаю дроби", "Улучшение образовательных результатов", "Математика", "Да"],
]


def csv_bytes(header: list[str], rows: list[list[Any]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def google_row(**changes: Any) -> list[Any]:
    row = list(GOOGLE_ROWS[0])
    for header, value in changes.items():
        row[GOOGLE_HEADER.index(header.replace("_", " "))] = value
    return row


def table_xlsx(path: Path, header: list[str], rows: list[list[Any]], sheet: str = "Ответы",
               hidden_first: bool = False) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    if hidden_first:
        ws.title = "Служебный"
        ws["A1"] = "не этот лист"
        ws.sheet_state = "hidden"
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    wb.save(path)


MERGE_HEADER = ["ФИО", "Пол", "Класс", "За что"]
MERGE_ROWS = [["Иванова Анна Сергеевна", "ж", "9Б", "за помощь младшим"],
              ["Петров Пётр Ильич", "м", "10А", "за подготовку к олимпиаде"]]


def merge_template(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Благодарственное письмо")
    doc.add_paragraph("{{ ФИО }}, {{ Класс }} — {{ За_что }}.")
    doc.save(str(path))


# --------------------------------------------------------------------------- the pairs' workbooks and stage 7

WORKED, RESULTS = "worked", "results"  # the student demo after the work of pairs; the same after the results
WORK, TOTALS = "05_Работа пар", "06_Итоги"
W, T = f"{WORK}.xlsx", f"{TOTALS}.xlsx"
OUTBOX = "книги пар"  # in the base: the workbooks «distribute» handed out from WORKED
FILLED = "заполнена.xlsx"  # in the base: П-002's workbook with one more meeting typed in
INBOX = "Входящие"
PAIR = "П-002"
MEETINGS = "Встречи"
NEW_MEETING: dict[str, Any] = {"B7": dt.datetime(2027, 2, 12), "C7": "Очно", "D7": "Подготовка к контрольной",
                               "E7": 40, "H7": 5, "J7": 5}
BACKUPS = "Резервные копии"
MONITOR = "Мониторинг.xlsx"
ORDER = "Приказ о закреплении наставнических пар.docx"


def build_work_bases(base: Path) -> None:
    """WORKED: the student demo after pairing and the work of pairs («05_Работа пар» collected, «Мониторинг»);
    RESULTS: the same after stage 7 («06_Итоги» with feedback, a ranking and awards; the documents left out);
    the workbooks handed out from WORKED, and П-002's filled in with one more meeting."""
    from toolkit.demo.build import build_student, run_pairing_demo, run_results_demo, run_work_demo
    from toolkit.demo.work import INBOX as DEMO_INBOX
    from toolkit.demo.work import OUTBOX as DEMO_OUTBOX
    from toolkit.model.program import Program
    from toolkit.stages.pair_files import distribute

    program = build_student(base / WORKED)
    run_pairing_demo(program)
    run_work_demo(program)
    for folder in (DEMO_INBOX, DEMO_OUTBOX):
        shutil.rmtree(program.root / folder)
    results = Program.open(Path(shutil.copytree(program.root, base / RESULTS)))
    run_results_demo(results)
    for folder in ("Документы", BACKUPS):
        shutil.rmtree(results.root / folder, ignore_errors=True)
    distribute(Program.open(program.root), base / OUTBOX)
    fill_pair(handed_out(base, PAIR), base / FILLED, {MEETINGS: NEW_MEETING})


def handed_out(base: Path, pair: str) -> Path:
    """The workbook «distribute» wrote for a pair («П-002 Лебедев Илья – Кузнецов Даниил.xlsx»)."""
    return next((base / OUTBOX).glob(f"{pair} *.xlsx"))


def fill_pair(source: Path, target: Path, cells: dict[str, dict[str, Any]],
              change: Callable[[Workbook], None] | None = None) -> None:
    """A pair types into its workbook in Excel and saves it as ``target``: {sheet: {"B7": value}}."""
    wb = openpyxl.load_workbook(source)
    for sheet, values in cells.items():
        set_cells(sheet, values)(wb)
    if change is not None:
        change(wb)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)


def docx_template(path: Path, text: str) -> None:
    """A Word template with one field paragraph, as a person types it."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("Благодарственное письмо")
    doc.add_paragraph(text)
    doc.save(str(path))


# --------------------------------------------------------------------------- the corpus

Make = Callable[[Path], Any]  # builds one case's files in its folder


def has_msoffcrypto() -> bool:
    try:
        import msoffcrypto  # noqa: F401
    except ImportError:
        return False
    return True


class Corpus:
    """Cases are declared with :meth:`case`; their files are made only when ``build`` is True, so the list
    of cases (for pytest ids) is known without building anything."""

    def __init__(self, root: Path | None, libreoffice: bool = True) -> None:
        self.root = root
        self.cases: list[Case] = []
        self.libreoffice = libreoffice
        self.converted: dict[tuple[str, str], Path] = {}  # (name, format) → converted file

    @property
    def building(self) -> bool:
        return self.root is not None

    @property
    def base(self) -> Path:
        assert self.root is not None
        return self.root / "_база"

    # ---- set-up

    def build_bases(self) -> None:
        from toolkit.demo.build import build_student, build_teacher

        build_student(self.base / STUDENT)
        build_teacher(self.base / TEACHER)
        merge_template(self.base / MERGE_TEMPLATE)
        table_xlsx(self.base / "данные.xlsx", MERGE_HEADER, MERGE_ROWS, sheet="Список")
        table_xlsx(self.base / "ответы.xlsx", GOOGLE_HEADER, GOOGLE_ROWS)
        build_work_bases(self.base)

    def lo_sources(self) -> dict[str, Path]:
        """Files LibreOffice re-saves (as .ods and .xls) in one call per format."""
        assert self.root is not None
        src = self.root / "_libreoffice" / "src"
        src.mkdir(parents=True)
        out: dict[str, Path] = {}
        for form in (STUDENT, TEACHER):
            for book in BOOKS if form == STUDENT else [REGISTRY, "00_Настройки"]:
                name = f"{form}__{book}"
                out[name] = shutil.copy2(self.base / form / f"{book}.xlsx", src / f"{name}.xlsx")
        far = src / "student__far.xlsx"
        shutil.copy2(self.base / STUDENT / f"{REGISTRY}.xlsx", far)
        edit_book(far, set_cells(MENTORS, {"XFD1048576": "x"}))
        out["student__far"] = far
        xls_far = src / "xls_far.xlsx"
        shutil.copy2(self.base / STUDENT / f"{REGISTRY}.xlsx", xls_far)
        edit_book(xls_far, set_cells(MENTORS, {"IV65536": "x"}))  # the last cell of an .xls sheet
        out["xls_far"] = xls_far
        formulas = src / "student__formulas.xlsx"
        shutil.copy2(self.base / STUDENT / f"{REGISTRY}.xlsx", formulas)
        patch_cells(formulas, MENTORS, {"F2": 't="e"><f>1/0</f><v>#DIV/0!</v>',
                                        "T3": 't="str"><f>"звонить"&amp;" вечером"</f><v>звонить вечером</v>'})
        out["student__formulas"] = formulas
        out["merge"] = shutil.copy2(self.base / "данные.xlsx", src / "merge.xlsx")
        out["pair"] = Path(shutil.copy2(self.base / FILLED, src / "pair.xlsx"))
        out["export"] = shutil.copy2(self.base / "ответы.xlsx", src / "export.xlsx")
        return out

    def convert(self, sources: dict[str, Path]) -> None:
        assert self.root is not None
        exe = shutil.which("soffice") or shutil.which("libreoffice")
        if exe is None:
            raise SystemExit("LibreOffice (soffice) не найден: установите его или запустите с --no-libreoffice.")
        profile = (self.root / "_libreoffice" / "profile").resolve().as_uri()
        for fmt in ("ods", "xls"):
            outdir = self.root / "_libreoffice" / fmt
            cmd = [exe, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile}",
                   "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources.values())]
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
            for name, path in sources.items():
                target = outdir / f"{path.stem}.{fmt}"
                if not target.exists():
                    raise SystemExit(f"soffice --convert-to {fmt}: нет файла {target.name}\n{result.stdout}\n"
                                     f"{result.stderr}")
                self.converted[(name, fmt)] = target

    def lo(self, name: str, fmt: str) -> Path | None:
        """A file LibreOffice converted (None without LibreOffice; a placeholder while only listing)."""
        if not self.libreoffice:
            return None
        if not self.building:
            return Path(f"{name}.{fmt}")
        return self.converted[(name, fmt)]

    # ---- cases

    def case(self, case: Case, make: Make | None = None, form: str | None = STUDENT) -> None:
        """Declare a case; when building, make its folder (a copy of the demo program of ``form``) and files."""
        assert all(c.id != case.id for c in self.cases), case.id
        self.cases.append(case)
        if not self.building:
            return
        assert self.root is not None
        folder = self.root / case.id
        folder.mkdir(parents=True)
        if form:
            shutil.copytree(self.base / form, folder / PROGRAM)
        if make is not None:
            make(folder)

    def write_manifest(self) -> None:
        assert self.root is not None
        (self.root / MANIFEST).write_text(
            json.dumps([dataclasses.asdict(c) for c in self.cases], ensure_ascii=False, indent=1), encoding="utf-8")


CHECK = ["check", "{case}/" + PROGRAM]


def check_case(case_id: str, code: int, file: str = "", phrases: list[str] | None = None,
               place: list[str] | None = None, **kw: Any) -> Case:
    return Case(case_id, list(CHECK), code, file if code else "", phrases or ([OK_CHECK] if code == 0 else []),
                place or [], **kw)


def in_program(name: str, content: bytes | Make, remove: str | None = None) -> Make:
    """Put ``content`` (bytes, or a function of the target path) at PROGRAM/name; remove another file first."""

    def make(folder: Path) -> None:
        if remove:
            (folder / PROGRAM / remove).unlink()
        path = folder / PROGRAM / name
        if callable(content):
            content(path)
        else:
            path.write_bytes(content)

    return make


# ---- 1. files a person puts where a program workbook should be (check)

FIRST_SHEET = {"00_Настройки": "Настройки", "01_Встреча": "Встреча", "02_Заявки": MENTORS,
               "02_Тестирование": "Ответы", "03_Обучение": "План обучения", "04_Пары": "Пары"}
LOCK_BYTES = b"\x0eVinogradova I.S." + bytes(40)  # what Excel writes into «~$Книга.xlsx»


def unusable_books(c: Corpus) -> None:
    for form, books in ((STUDENT, BOOKS), (TEACHER, [REGISTRY, "00_Настройки"])):
        for book in books:
            name = f"{book}.xlsx"
            prefix = f"{'педагоги-' if form == TEACHER else ''}{book}"

            def source(book: str = book, form: str = form) -> Path:
                return c.base / form / f"{book}.xlsx"

            def put(variant: str, content: bytes | Make, code: int, phrase: str, *,
                    place: list[str] | None = None, isolate: bool = False, target: str = name,
                    name: str = name, prefix: str = prefix, form: str = form, book: str = book) -> None:
                def make(folder: Path) -> None:
                    path = folder / PROGRAM / target
                    if target != name:
                        (folder / PROGRAM / name).unlink()
                    if callable(content):
                        content(path)
                    else:
                        path.write_bytes(content)

                c.case(check_case(f"{prefix}-{variant}", code, target, [phrase], place, isolate=isolate,
                                  about=f"{book}: {variant}"), make, form)

            def cut(size: int | None, source: Callable[[], Path] = source) -> Make:
                def make(path: Path) -> None:
                    data = source().read_bytes()
                    path.write_bytes(data[: (len(data) // 2 if size is None else size)])

                return make

            def copy_of(path_of: Callable[[], Path | None]) -> Make:
                def make(path: Path) -> None:
                    found = path_of()
                    assert found is not None
                    shutil.copy2(found, path)

                return make

            put("0-байт", b"", 2, "0 байт")
            put("обрезан-наполовину", cut(None), 2, "повреждён")
            put("обрезан-до-100-байт", cut(100), 2, "повреждён")
            put("docx-под-именем-xlsx", docx_bytes(), 2, "документ Word")
            put("pdf-под-именем-xlsx", PDF, 2, "PDF")
            put("csv-utf8-под-именем-xlsx", CSV_TEXT.encode(), 2, "текстовый файл")
            put("csv-cp1251-под-именем-xlsx", CSV_TEXT.encode("cp1251"), 2, "текстовый файл")
            put("ole-контейнер-шифрования", ole_container(["EncryptionInfo", "EncryptedPackage"]), 2, "паролем")
            if has_msoffcrypto():
                put("зашифрован-паролем", lambda path, source=source: encrypt(source(), path), 2, "паролем")
            representative = form == STUDENT and book == REGISTRY
            put("бомба-2-ГБ", lambda p: xlsx_bomb(p), 2, "распаковывается", isolate=representative)
            put("бомба-ложный-размер", lambda p: xlsx_bomb(p, lying=True), 2, "повреждён")
            put("больше-50-МБ", lambda p: sparse_file(p, 50 * 1024 * 1024 + 1), 2, "слишком большой")
            if c.lo(f"{form}__{book}", "xls") is not None:
                xls = functools.partial(c.lo, f"{form}__{book}", "xls")
                put("xls-под-именем-xlsx", copy_of(xls), 2, "Excel 97")
                put("xls", copy_of(xls), 0, OK_CHECK, target=f"{book}.xls")
            if c.lo(f"{form}__{book}", "ods") is not None:
                ods = functools.partial(c.lo, f"{form}__{book}", "ods")
                put("ods", copy_of(ods), 0, OK_CHECK, target=f"{book}.ods")

                def both(path: Path, ods: Callable[[], Path | None] = ods, source: Callable[[], Path] = source) -> None:
                    shutil.copy2(source(), path)
                    found = ods()
                    assert found is not None
                    shutil.copy2(found, path.with_suffix(".ods"))

                put("две-версии-xlsx-и-ods", both, 2, "несколько версий")
            sheet = FIRST_SHEET[book]

            def far(ref: str, sheet: str = sheet, source: Callable[[], Path] = source) -> Make:
                def make(path: Path) -> None:
                    shutil.copy2(source(), path)
                    edit_book(path, set_cells(sheet, {ref: "x"}))

                return make

            put("значение-в-XFD1048576", far("XFD1048576"), 1, "Ctrl+End",
                place=[f"лист «{sheet}»", "ячейка XFD1048576"], isolate=True)
            if representative or (form == STUDENT and book == "00_Настройки"):
                # the message names the corner Ctrl+End goes to: the last row and the last column used
                put("значение-в-A1048576", far("A1048576"), 1, "(1048576 строк", place=[f"лист «{sheet}»"],
                    isolate=True)
                put("значение-в-XFD2", far("XFD2"), 1, "× 16384 столбцов)", place=[f"лист «{sheet}»"], isolate=True)

            def lock(path: Path) -> None:
                path.with_name("~$" + path.name).write_bytes(LOCK_BYTES)

            put("открыт-в-Excel", lambda p, source=source: (shutil.copy2(source(), p), lock(p)), 0, "открыт")

            def read_only(path: Path, source: Callable[[], Path] = source) -> None:
                shutil.copy2(source(), path)
                path.chmod(0o444)

            put("только-чтение", read_only, 0, OK_CHECK)
            if book != "00_Настройки":
                def other_program(path: Path, source: Callable[[], Path] = source) -> None:
                    shutil.copy2(source(), path)
                    set_meta(path, "program_id", "другая-школа")

                put("книга-другой-программы", other_program, 2, "другой программе")
                if form == STUDENT:
                    other = "03_Обучение" if book != "03_Обучение" else "02_Тестирование"
                    put("другая-книга-под-этим-именем",
                        lambda p, other=other: shutil.copy2(c.base / STUDENT / f"{other}.xlsx", p), 2, "Это не книга")
    if c.libreoffice:
        c.case(check_case("02_Заявки-ods-значение-в-XFD1048576", 1, f"{REGISTRY}.ods", ["Ctrl+End"],
                          [f"лист «{MENTORS}»", "ячейка XFD1048576"], isolate=True),
               in_program(f"{REGISTRY}.ods", lambda p: shutil.copy2(c.lo("student__far", "ods"), p), remove=R))
        c.case(check_case("02_Заявки-xls-значение-в-IV65536", 1, f"{REGISTRY}.xls", ["Ctrl+End"],
                          [f"лист «{MENTORS}»", "ячейка IV65536"], isolate=True),
               in_program(f"{REGISTRY}.xls", lambda p: shutil.copy2(c.lo("xls_far", "xls"), p), remove=R))
        c.case(check_case("02_Заявки-ods-ошибка-формулы", 1, f"{REGISTRY}.ods", ["ошибка формулы «#DIV/0!»"],
                          [f"лист «{MENTORS}»", "ячейка F2"]),
               in_program(f"{REGISTRY}.ods", lambda p: shutil.copy2(c.lo("student__formulas", "ods"), p), remove=R))
    c.case(check_case("02_Заявки-ods-бомба-2-ГБ", 2, f"{REGISTRY}.ods", ["распаковывается"]),
           in_program(f"{REGISTRY}.ods", ods_bomb, remove=R))
    c.case(check_case("00_Настройки-нет-файла", 2, "00_Настройки.xlsx", ["не похожа на программу"]),
           lambda folder: (folder / PROGRAM / "00_Настройки.xlsx").unlink())
    c.case(check_case("02_Заявки-нет-файла", 2, R, ["Файл не найден"]), lambda folder: (folder / PROGRAM / R).unlink())
    c.case(check_case("02_Заявки-папка-вместо-книги", 2, R, ["папка"]),
           in_program(R, lambda p: p.mkdir(), remove=R))
    c.case(check_case("02_Заявки-открыт-в-LibreOffice", 0, R, ["открыт"]),
           in_program(f".~lock.{R}#", ",Виноградова,school-pc,24.09.2026 10:00,file://;".encode()))


# ---- 2. what people do inside a workbook (check)


R = f"{REGISTRY}.xlsx"


def registry_edit(c: Corpus, case_id: str, change: Callable[[Workbook], None] | dict[str, Any], code: int,
                  phrases: list[str], place: list[str] | None = None, form: str = STUDENT, book: str = REGISTRY,
                  sheet: str = MENTORS) -> None:
    """A person edits the registry (or ``book``): a dict of cells to type, or any change through openpyxl."""

    def make(folder: Path) -> None:
        if isinstance(change, dict):
            quick_set(folder / PROGRAM / f"{book}.xlsx", sheet, change)
        else:
            edit_book(folder / PROGRAM / f"{book}.xlsx", change)

    c.case(check_case(case_id, code, f"{book}.xlsx", phrases or [OK_CHECK], place), make, form)


def registry_patch(c: Corpus, case_id: str, cells: dict[str, str], code: int, phrases: list[str],
                   place: list[str] | None = None, sheet: str = MENTORS, book: str = REGISTRY) -> None:
    def make(folder: Path) -> None:
        assert patch_cells(folder / PROGRAM / f"{book}.xlsx", sheet, cells)

    c.case(check_case(case_id, code, f"{book}.xlsx", phrases or [OK_CHECK], place), make)


def mentors(values: dict[str, Any]) -> Callable[[Workbook], None]:
    return set_cells(MENTORS, values)


def structure_cases(c: Corpus) -> None:
    M = f"лист «{MENTORS}»"

    def merge(ref: str) -> Callable[[Workbook], None]:
        def change(wb: Workbook) -> None:
            wb[MENTORS].merge_cells(ref)

        return change

    registry_edit(c, "объединены-фамилия-имя-отчество", merge("B2:D2"), 1, ["объединены", "Не заполнено"],
                  [M, "ячейка C2"])
    registry_edit(c, "объединены-заголовки", merge("B1:C1"), 1, ["Нет столбца «Имя»"], [M])
    registry_edit(c, "объединены-строки-класса", merge("F2:F4"), 1, ["объединены"], [M, "ячейка F3"])

    def hide_row(n: int, extra: dict[str, Any]) -> Callable[[Workbook], None]:
        def change(wb: Workbook) -> None:
            mentors(extra)(wb)
            wb[MENTORS].row_dimensions[n].hidden = True

        return change

    registry_edit(c, "скрытая-строка-с-ошибкой", hide_row(3, {"Класс3": "13А"}), 1, ["не класс"], [M, "ячейка F3"])

    def filtered(wb: Workbook) -> None:
        ws = wb[MENTORS]
        ws["F5"] = "десятый"
        ws.auto_filter.ref = "A1:T61"
        ws.auto_filter.add_filter_column(4, ["ж"])
        for r in range(2, 14):
            if ws[f"E{r}"].value != "ж":
                ws.row_dimensions[r].hidden = True

    registry_edit(c, "отфильтрованные-строки", filtered, 1, ["не класс"], [M, "ячейка F5"])

    def sheet_state(name: str, state: str) -> Callable[[Workbook], None]:
        def change(wb: Workbook) -> None:
            wb[name].sheet_state = state

        return change

    registry_edit(c, "скрытый-лист-наставников", sheet_state(MENTORS, "hidden"), 0, [])
    registry_edit(c, "очень-скрытый-лист-наставников", sheet_state(MENTORS, "veryHidden"), 0, [])

    def hidden_with_error(wb: Workbook) -> None:
        mentors({"Сколько наставляемых может взять2": "два"})(wb)
        wb[MENTORS].sheet_state = "hidden"

    registry_edit(c, "скрытый-лист-с-ошибкой", hidden_with_error, 1, ["не целое число"], [M, "ячейка M2"])

    def rename(old: str, new: str) -> Callable[[Workbook], None]:
        def change(wb: Workbook) -> None:
            wb[old].title = "временное имя"  # openpyxl would add «1» to a name equal to itself up to case
            wb["временное имя"].title = new

        return change

    registry_edit(c, "лист-переименован-регистр", rename(MENTORS, "НАСТАВНИКИ"), 0, [])
    registry_edit(c, "лист-переименован-иначе", rename(MENTORS, "Наставники 2026"), 1, ["Нет листа «Наставники»"])

    def reorder(wb: Workbook) -> None:
        wb.move_sheet("Наставляемые", offset=-1)
        wb.move_sheet("Инструкция", offset=2)

    registry_edit(c, "листы-переставлены", reorder, 0, [])

    def delete_sheet(name: str) -> Callable[[Workbook], None]:
        def change(wb: Workbook) -> None:
            del wb[name]

        return change

    registry_edit(c, "лист-удалён", delete_sheet("Наставляемые"), 1, ["Нет листа «Наставляемые»"])
    registry_edit(c, "удалён-служебный-лист-meta", delete_sheet("_meta"), 0, [])

    def add_sheet(wb: Workbook) -> None:
        wb.create_sheet("Заметки куратора")["A1"] = "позвонить родителям"

    registry_edit(c, "добавлен-лист-заметок", add_sheet, 0, ["не описан в шаблоне"])
    registry_edit(c, "заголовок-синоним", {"E1": "Ваш пол"}, 0, [])
    registry_edit(c, "заголовок-другими-буквами", {"E1": "  ПОЛ ", "H1": "дата  заявки"}, 0, [])
    registry_edit(c, "заголовок-переименован", {"E1": "Пол ребёнка"}, 1, ["Нет столбца «Пол»"], [M, "ячейка E1"])

    def swap_columns(wb: Workbook) -> None:
        ws = wb[MENTORS]
        for r in range(1, 62):
            ws[f"B{r}"].value, ws[f"C{r}"].value = ws[f"C{r}"].value, ws[f"B{r}"].value

    registry_edit(c, "столбцы-переставлены", swap_columns, 0, [])
    registry_edit(c, "заголовок-повторён", {"T1": "Класс"}, 1, ["встречается дважды"], [M, "ячейка T1"])

    def header_down(wb: Workbook) -> None:
        ws = wb[MENTORS]
        ws["F3"] = "13А"
        ws.insert_rows(1)
        ws["A1"] = "Реестр наставников 2026/2027"

    registry_edit(c, "строка-над-заголовком", header_down, 1, ["не класс"], [M, "ячейка F4"])

    def header_deleted(wb: Workbook) -> None:
        wb[MENTORS].delete_rows(1)

    registry_edit(c, "строка-заголовков-удалена", header_deleted, 1, ["Нет столбца"], [M])
    registry_edit(c, "значение-в-столбце-без-заголовка", mentors({"W5": "позвонить маме"}), 0, ["нет заголовка"],
                  [M, "ячейка W5"])


def _formula(ref: str, formula: str) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        wb[MENTORS][ref] = formula  # openpyxl keeps no result: the cell reads as empty

    return change


def formula_cases(c: Corpus) -> None:
    M = f"лист «{MENTORS}»"
    registry_patch(c, "ошибка-REF-в-классе", {"F2": 't="e"><f>Лист2!A1</f><v>#REF!</v>'}, 1,
                   ["ошибка формулы «#REF!»"], [M, "ячейка F2"])
    registry_patch(c, "ошибка-NA-в-примечании", {"T2": 't="e"><f>VLOOKUP(B2,Z:Z,2,0)</f><v>#N/A</v>'}, 1,
                   ["ошибка формулы «#N/A»"], [M, "ячейка T2"])
    registry_patch(c, "ошибка-без-формулы", {"G2": 't="e"><v>#VALUE!</v>'}, 1, ["ошибка формулы «#VALUE!»"],
                   [M, "ячейка G2"])
    registry_patch(c, "формула-с-результатом-в-классе", {"F2": 't="str"><f>"9"&amp;"Б"</f><v>9Б</v>'}, 0,
                   ["формула"], [M, "ячейка F2"])
    registry_patch(c, "формула-с-результатом-в-дате", {"H2": '><f>DATE(2026,9,25)</f><v>46290</v>'}, 0,
                   ["формула"], [M, "ячейка H2"])
    registry_edit(c, "формула-без-результата", _formula("B2", "=C2&D2"), 1, ["Не заполнено", "формула"],
                  [M, "ячейка B2"])
    registry_edit(c, "текст-REF-набран-руками", {"Класс2": "#ССЫЛКА!"}, 1, ["ошибка формулы"], [M, "ячейка F2"])
    registry_patch(c, "ошибка-DIV0-в-тесте", {"D2": 't="e"><f>1/0</f><v>#DIV/0!</v>'}, 1,
                   ["ошибка формулы «#DIV/0!»"], ["лист «Ответы»", "ячейка D2"], sheet="Ответы",
                   book="02_Тестирование")
    registry_patch(c, "формула-в-настройках", {"B8": '><f>DATE(2026,9,1)</f><v>46266</v>'}, 0, ["формула"],
                   ["лист «Настройки»", "ячейка B8"], sheet="Настройки", book="00_Настройки")


def value_cases(c: Corpus) -> None:
    M = f"лист «{MENTORS}»"
    ok: list[tuple[str, dict[str, Any]]] = [
        ("дата-числом-46290", {"Дата заявки2": 46290}),
        ("дата-текстом-ДД.ММ.ГГГГ", {"Дата заявки2": "25.09.2026"}),
        ("дата-текстом-ISO", {"Дата заявки2": "2026-09-25"}),
        ("дата-словами", {"Дата заявки2": "25 сентября 2026 г."}),
        ("дата-через-косую", {"Дата заявки2": "25/09/2026"}),
        ("дата-с-годом-из-двух-цифр", {"Дата заявки2": "25.09.26"}),
        ("дата-Google-Forms-en", {"Дата заявки2": "2026/09/25 10:15:00 AM GMT+3"}),
        ("ё-и-е-в-списке", {"Согласие на ПДн дал2": "родитель (законный представитель)"}),
        ("неразрывные-пробелы", {"Имя2": lambda v: f"{v}\u00a0", "Фамилия2": lambda v: f"\u00a0{v}  ",
                                 "Класс2": lambda v: f"\u00a0{v[:-1]}\u00a0«{v[-1]}»", "Пол2": lambda v: f"\u00a0{v} "}),
        ("эмодзи-в-мотивации", {"Мотивация2": "Люблю помогать 😊👍 и объяснять 🧮"}),
        ("справа-налево", {"Примечание куратора2": "\u200fשלום עולם — مرحبا بالعالم\u200f"}),
        ("невидимые-символы", {"Фамилия2": lambda v: f"{v[:2]}\u200b{v[2:]}\u00ad", "Имя2": lambda v: f"\ufeff{v}"}),
        ("да-разными-словами", {"Согласие на участие2": "ДА!", "Согласие на обработку ПДн2": "+",
                                "Согласие на участие3": "✓", "Согласие на обработку ПДн3": "Согласна"}),
        ("класс-разными-способами", {"Класс2": "9 «Б» класс", "Класс3": "10-а", "Класс4": 11}),
        ("телефон-и-почта", {"Телефон или e-mail2": "8 (914) 123-45-67", "Телефон или e-mail3": "a.b@школа.рф"}),
        ("длинный-текст-4000", {"Мотивация2": "Мотивация. " * 363}),
    ]
    for case_id, values in ok:
        registry_edit(c, case_id, values, 0, [])
    registry_edit(c, "дата-со-временем", mentors({"Дата заявки2": dt.datetime(2026, 9, 25, 10, 15)}), 0, [])
    bad: list[tuple[str, dict[str, Any] | Callable[[Workbook], None], str, str]] = [
        ("дата-месяц-25", {"Дата заявки2": "09/25/2026"}, "не дата", "H2"),
        ("дата-без-дня", {"Дата заявки2": "сентябрь 2026"}, "не дата", "H2"),
        ("дата-31-февраля", {"Дата заявки2": "31.02.2026"}, "не дата", "H2"),
        ("дата-2200-год", {"Дата заявки2": "01.01.2200"}, "вне допустимого диапазона", "H2"),
        ("дата-1900-год", mentors({"Дата заявки2": dt.datetime(1900, 1, 5)}), "вне допустимого диапазона", "H2"),
        ("дата-число-5-в-ячейке-даты", {"Дата заявки2": 5}, "вне допустимого диапазона", "H2"),
        ("дата-число-5-текстом", {"Дата заявки2": "5"}, "не дата", "H2"),
        ("время-вместо-даты", mentors({"Дата заявки2": dt.time(10, 15)}), "не дата", "H2"),
        ("ё-и-е-дубликат", {"Фамилия2": "Семёнова", "Имя2": "Алёна", "Отчество2": "Петровна",
                            "Фамилия3": "СЕМЕНОВА", "Имя3": "алена", "Отчество3": "Петровна"}, "уже записан", "B3"),
        ("эмодзи-в-классе", {"Класс2": "9Б 😊"}, "не класс", "F2"),
        ("ё-составная-дубликат", {"Фамилия2": "Семе\u0308нова", "Имя2": "Ева", "Отчество2": "Олеговна",
                                  "Фамилия3": "Семёнова", "Имя3": "Ева", "Отчество3": "Олеговна"}, "уже записан", "B3"),
        ("32000-символов-в-мотивации", {"Мотивация2": "Я" * 32_000}, "32000 символов", "I2"),
        ("32000-символов-в-примечании", {"Примечание куратора2": "ё" * 32_000}, "32000 символов", "T2"),
        ("может-быть-вместо-да", {"Согласие на участие2": "может быть"}, "ожидается «да» или «нет»", "P2"),
        ("пол-словом", {"Пол2": "женский"}, "нет в списке", "E2"),
        ("огромное-число", {"Сколько наставляемых может взять2": 10**20}, "вне диапазона", "M2"),
        ("дробное-число", {"Сколько наставляемых может взять2": 2.5}, "не целое число", "M2"),
        ("почта-без-домена", {"Телефон или e-mail2": "anna@"}, "не похоже на адрес", "G2"),
        ("телефон-коротко", {"Телефон или e-mail2": "12-34"}, "не похоже на номер", "G2"),
        ("день-недели-вс", {"Свободные дни2": "пн, вс"}, "нет среди допустимых значений", "N2"),
    ]
    for case_id, values, phrase, cell in bad:
        registry_edit(c, case_id, values, 1, [phrase], [M, f"ячейка {cell}"])
    registry_edit(c, "управляющие-символы-в-мотивации", {"Мотивация2": lambda v: f"_x0007_{v}_x001B_"}, 0, [])
    # the teacher form: experience and subjects
    registry_edit(c, "педагоги-стаж-1e300", {"Стаж, лет2": 1e300}, 1, ["вне диапазона"], [M, "ячейка G2"],
                  form=TEACHER)
    registry_edit(c, "педагоги-предмет-с-пробелами", {"Предмет / должность2": "  математика "}, 0, [], form=TEACHER)
    registry_edit(c, "педагоги-стаж-словами", {"Стаж, лет2": "десять"}, 1, ["не целое число"], [M, "ячейка G2"],
                  form=TEACHER)
    # the settings form and the test answers
    registry_edit(c, "настройки-дата-текстом", {"B8": "1 сентября 2026"}, 0, [], book="00_Настройки",
                  sheet="Настройки")
    registry_edit(c, "настройки-окончание-раньше", {"B9": "01.08.2026"}, 1, ["раньше даты начала"],
                  ["лист «Настройки»", "ячейка B9"], book="00_Настройки", sheet="Настройки")
    registry_edit(c, "тест-ответ-3,5", {"D2": 3.5}, 1, ["вне шкалы"], ["лист «Ответы»", "ячейка D2"],
                  book="02_Тестирование", sheet="Ответы")
    registry_edit(c, "тест-ответ-словами", {"E2": "скорее да"}, 1, ["вне шкалы"], ["лист «Ответы»", "ячейка E2"],
                  book="02_Тестирование", sheet="Ответы")


# ---- 3. status


def status_cases(c: Corpus) -> None:
    status = ["status", "{case}/" + PROGRAM]
    quiet = [*status, "--no-workbook"]
    c.case(Case("статус-пример", quiet, 0, "", ["Наставников"]))
    c.case(Case("статус-пишет-книгу", status, 0, "Статус программы.xlsx", ["Книга статуса"],
                may_change=[f"{PROGRAM}/Статус программы.xlsx"]))
    c.case(Case("статус-реестр-0-байт", quiet, 2, R, ["0 байт"]), in_program(R, b""))
    c.case(Case("статус-реестр-зашифрован", quiet, 2, R, ["паролем"]),
           in_program(R, ole_container(["EncryptionInfo", "EncryptedPackage"])))
    c.case(Case("статус-тест-обрезан", quiet, 0, "", ["В книгах есть ошибки"]),
           in_program("02_Тестирование.xlsx", lambda p: p.write_bytes(p.read_bytes()[:300])))

    def locked(folder: Path) -> None:
        (folder / PROGRAM / "Статус программы.xlsx").write_bytes(b"old")
        (folder / PROGRAM / "~$Статус программы.xlsx").write_bytes(LOCK_BYTES)

    c.case(Case("статус-книга-статуса-открыта", status, 2, "Статус программы.xlsx", ["Закройте"]), locked)

    def read_only(folder: Path) -> None:
        (folder / PROGRAM / "Статус программы.xlsx").write_bytes(b"old")
        (folder / PROGRAM / "Статус программы.xlsx").chmod(0o444)

    c.case(Case("статус-книга-статуса-только-чтение", status, 2, "Статус программы.xlsx", ["только для чтения"]),
           read_only)
    c.case(Case("статус-реестр-XFD1048576", quiet, 0, "", ["В книгах есть ошибки"], isolate=True),
           in_program(R, lambda p: edit_book(p, set_cells(MENTORS, {"XFD1048576": "x"}))))


# ---- 4. import: the forms export and the registry it rewrites


def import_cases(c: Corpus) -> None:
    def imp(case_id: str, export_name: str, content: bytes | Make | None, code: int, phrases: list[str], *,
            file: str | None = None, place: list[str] | None = None, role: str | None = None,
            prepare: Make | None = None, changes: bool | None = None, isolate: bool = False) -> None:
        def make(folder: Path) -> None:
            (folder / "Выгрузки").mkdir()
            export = folder / "Выгрузки" / export_name
            if callable(content):
                content(export)
            elif content is not None:
                export.write_bytes(content)
            if prepare:
                prepare(folder / PROGRAM)

        args = ["import", "{case}/" + PROGRAM, "{case}/Выгрузки/" + export_name]
        if role:
            args += ["--role", role]
        rewrites = code != 2 if changes is None else changes
        may = [f"{PROGRAM}/{R}", f"{PROGRAM}/{REGISTRY}.ods"] if rewrites else []
        c.case(Case(case_id, args, code, export_name if file is None else file, phrases, place or [], may,
                    may_create=[f"{PROGRAM}/{BACKUPS}/"] if rewrites else [], isolate=isolate), make)

    ok = [OK_IMPORT]
    imp("импорт-csv-utf8-запятая", "Ответы (1).csv", csv_bytes(GOOGLE_HEADER, GOOGLE_ROWS), 0, ok, file="")
    imp("импорт-csv-utf8-bom", "Ответы формы.csv", csv_bytes(GOOGLE_HEADER, GOOGLE_ROWS, "utf-8-sig"), 0, ok,
        file="")
    imp("импорт-csv-cp1251-точка-с-запятой", "Заявки Яндекс.csv",
        csv_bytes(GOOGLE_HEADER, GOOGLE_ROWS, "cp1251", ";"), 0, ok, file="")
    imp("импорт-txt-utf16-табуляция", "Ответы (Юникод).txt", csv_bytes(GOOGLE_HEADER, GOOGLE_ROWS, "utf-16", "\t"),
        0, ok, file="")
    imp("импорт-csv-перевод-строки-в-ответе", "ответы.csv",
        csv_bytes(GOOGLE_HEADER, [google_row(**{"Почему вы хотите стать наставником?":
                                                "Первая строка\nвторая; с «кавычками» и \"лапками\""})]),
        0, ok, file="")
    imp("импорт-csv-неровные-строки", "ответы.csv",
        csv_bytes(GOOGLE_HEADER, [GOOGLE_ROWS[0][:5], GOOGLE_ROWS[1] + ["лишнее", "ещё"]]), 0, ok, file="")
    imp("импорт-csv-только-заголовок", "ответы.csv", csv_bytes(GOOGLE_HEADER, []), 0,
        ["Добавлено: наставники — 0"], file="", changes=False)
    imp("импорт-csv-0-байт", "ответы.csv", b"", 2, ["0 байт"])
    imp("импорт-csv-двоичный", "ответы.csv", b"\x00\x01\x02PK\x03\x04" * 20, 2, ["не текстовая выгрузка"])
    imp("импорт-csv-неизвестная-роль", "ответы.csv",
        csv_bytes(GOOGLE_HEADER, [GOOGLE_ROWS[0], google_row(Роль="Родитель", ФИО="Кузнецова Ольга")]), 1,
        ["непонятная роль «Родитель»"], place=["ячейка B3"])
    imp("импорт-csv-без-роли", "ответы.csv", csv_bytes(["ФИО", "Пол"], [["Орлов Глеб", "м"]]), 2, ["--role"])
    imp("импорт-csv-без-роли-с-параметром", "ответы.csv",
        csv_bytes(["ФИО", "Пол", "Класс"], [["Орлов Глеб", "м", "6Б"]]), 0, ok, file="", role="наставляемый")
    imp("импорт-csv-значения-как-формулы", "ответы.csv",
        csv_bytes(GOOGLE_HEADER, [google_row(ФИО=f"Формулова{chr(1072 + i)} Ева",
                                             **{"Какие у вас навыки и сильные стороны?": v})
                                  for i, v in enumerate(FORMULA_LIKE)]), 0, ok, file="")
    imp("импорт-csv-32000-символов", "ответы.csv",
        csv_bytes(GOOGLE_HEADER, [google_row(**{"Почему вы хотите стать наставником?": "а" * 32_000})]), 0,
        ["32000 символов"], place=["ячейка G2"])
    imp("импорт-csv-40000-символов", "ответы.csv",
        csv_bytes(GOOGLE_HEADER, [GOOGLE_ROWS[1], google_row(**{"Почему вы хотите стать наставником?": "б" * 40_000})]),
        1, ["32 767"], place=["ячейка G3"])
    imp("импорт-csv-100001-строка", "ответы.csv",
        lambda p: p.write_bytes(csv_bytes(["ФИО", "Пол"], [["Орлов Глеб", "м"]] * 100_001)), 2, ["100000"],
        role="наставляемый")
    imp("импорт-csv-600-столбцов", "ответы.csv",
        csv_bytes(["ФИО", "Пол", *[f"Вопрос {i}" for i in range(600)]], [["Орлов Глеб", "м"]]), 2, ["500"],
        role="наставляемый")
    imp("импорт-csv-больше-50-МБ", "ответы.csv", lambda p: sparse_file(p, 50 * 1024 * 1024 + 1), 2,
        ["слишком большой"])
    imp("импорт-csv-юникод", "ответы.csv",
        csv_bytes(GOOGLE_HEADER, [google_row(ФИО="Ёлкина\u00a0Алёна Сергеевна",
                                             **{"Почему вы хотите стать наставником?": "😊 \u200fשלום"})]),
        0, ok, file="")
    imp("импорт-csv-повтор-заголовка", "ответы.csv", csv_bytes([*GOOGLE_HEADER, "Пол"], [[*GOOGLE_ROWS[0], "м"]]),
        0, ["не сопоставлен"])
    imp("импорт-csv-заголовки-переставлены", "ответы.csv",
        csv_bytes(list(reversed(GOOGLE_HEADER)), [list(reversed(r)) for r in GOOGLE_ROWS]), 0, ok, file="")
    imp("импорт-нет-файла", "нет такого файла.csv", None, 2, ["не найден"])
    imp("импорт-json", "ответы.json", b'{"a": 1}', 2, ["не поддерживается"])
    imp("импорт-xlsx", "Ответы на форму.xlsx", lambda p: shutil.copy2(c.base / "ответы.xlsx", p), 0, ok, file="")
    imp("импорт-xlsx-скрытый-первый-лист", "ответы.xlsx",
        lambda p: table_xlsx(p, GOOGLE_HEADER, GOOGLE_ROWS, hidden_first=True), 0, ok, file="")
    imp("импорт-xlsx-зашифрован", "ответы.xlsx", ole_container(["EncryptionInfo", "EncryptedPackage"]), 2,
        ["паролем"])
    imp("импорт-xlsx-бомба", "ответы.xlsx", lambda p: xlsx_bomb(p, "Ответы"), 2, ["распаковывается"])
    imp("импорт-xlsx-обрезан", "ответы.xlsx", lambda p: p.write_bytes((c.base / "ответы.xlsx").read_bytes()[:2000]),
        2, ["повреждён"])
    imp("импорт-docx-под-именем-xlsx", "ответы.xlsx", docx_bytes(), 2, ["документ Word"])
    imp("импорт-pdf-под-именем-xlsx", "ответы.xlsx", PDF, 2, ["PDF"])
    imp("импорт-csv-под-именем-xlsx", "ответы.xlsx", csv_bytes(GOOGLE_HEADER, GOOGLE_ROWS), 2, ["текстовый файл"])
    imp("импорт-lock-файл-Excel", "~$Ответы.xlsx", LOCK_BYTES, 2, ["блокировки"])

    def far_export(p: Path) -> None:
        table_xlsx(p, GOOGLE_HEADER, GOOGLE_ROWS)
        edit_book(p, set_cells("Ответы", {"XFD1048576": "x"}))

    imp("импорт-xlsx-XFD1048576", "ответы.xlsx", far_export, 2, ["Ctrl+End"], isolate=True)
    for fmt in ("ods", "xls"):
        if c.lo("export", fmt) is not None:
            imp(f"импорт-{fmt}", f"Ответы.{fmt}", lambda p, fmt=fmt: shutil.copy2(c.lo("export", fmt), p), 0, ok,
                file="")
    # the registry the import rewrites
    good = csv_bytes(GOOGLE_HEADER, GOOGLE_ROWS)

    def registry(content: bytes | Make) -> Make:
        def prepare(root: Path) -> None:
            if callable(content):
                content(root / R)
            else:
                (root / R).write_bytes(content)

        return prepare

    imp("импорт-реестр-0-байт", "ответы.csv", good, 2, ["0 байт"], file=R, prepare=registry(b""))
    imp("импорт-реестр-зашифрован", "ответы.csv", good, 2, ["паролем"], file=R,
        prepare=registry(ole_container(["EncryptionInfo", "EncryptedPackage"])))
    imp("импорт-реестр-бомба", "ответы.csv", good, 2, ["распаковывается"], file=R,
        prepare=registry(lambda p: xlsx_bomb(p)))
    imp("импорт-реестр-XFD1048576", "ответы.csv", good, 2, ["Ctrl+End"], file=R,
        prepare=registry(lambda p: edit_book(p, set_cells(MENTORS, {"XFD1048576": "x"}))), isolate=True)
    imp("импорт-реестр-повтор-заголовка", "ответы.csv", good, 2, ["встречается дважды"], file=R,
        prepare=registry(lambda p: quick_set(p, MENTORS, {"T1": "Класс", "T2": "9Б"})))
    imp("импорт-реестр-свой-лист-с-формулой", "ответы.csv", good, 2, ["Заметки", "формулы (ячейка B2)"], file=R,
        prepare=registry(lambda p: edit_book(p, _notes_sheet)))
    imp("импорт-реестр-открыт-в-Excel", "ответы.csv", good, 2, [f"~${R}"], file=R,
        prepare=lambda root: (root / f"~${R}").write_bytes(LOCK_BYTES))
    imp("импорт-реестр-открыт-в-LibreOffice", "ответы.csv", good, 2, [f".~lock.{R}#"], file=R,
        prepare=lambda root: (root / f".~lock.{R}#").write_text(",Виноградова,pc,24.09.2026 10:00,file://;"))
    imp("импорт-реестр-только-чтение", "ответы.csv", good, 2, ["только для чтения"], file=R,
        prepare=lambda root: (root / R).chmod(0o444))
    imp("импорт-реестр-с-ошибками-и-лишним-столбцом", "ответы.csv", good, 0, ok, file="",
        prepare=registry(lambda p: edit_book(p, set_cells(MENTORS, {"F3": "15Ж", "U1": "Кружок", "U2": "Робототехника",
                                                                     "W4": "без заголовка"}))))
    imp("импорт-реестр-объединённые-и-скрытые", "ответы.csv", good, 0, ok, file="",
        prepare=registry(lambda p: edit_book(p, _merged_hidden)))
    if c.lo(f"{STUDENT}__{REGISTRY}", "ods") is not None:
        def to_ods(root: Path) -> None:
            (root / R).unlink()
            shutil.copy2(c.lo(f"{STUDENT}__{REGISTRY}", "ods"), root / f"{REGISTRY}.ods")

        imp("импорт-реестр-ods", "ответы.csv", good, 0, ok, file="", prepare=to_ods)


FORMULA_LIKE = ["=1+1", "+7 914 000-00-00", "-не звонить-", "@vk_ученик", "\t=СУММ(A1:A3)", "\r=HYPERLINK(1)",
                "=cmd|' /C calc'!A0"]


def _notes_sheet(wb: Workbook) -> None:
    """A sheet of the curator's own with a formula: carried over as values it would lose the formula."""
    ws = wb.create_sheet("Заметки")
    ws["A1"], ws["B2"] = "важно: позвонить", "=LEN(A1)"


def _merged_hidden(wb: Workbook) -> None:
    ws = wb[MENTORS]
    ws.row_dimensions[4].hidden = True
    ws.merge_cells("T2:T3")
    ws["T2"] = "общая заметка"


# ---- 5. merge: the table of recipients


def merge_cases(c: Corpus) -> None:
    def merge(case_id: str, data_name: str, content: bytes | Make | None, code: int, phrases: list[str], *,
              file: str | None = None, place: list[str] | None = None, isolate: bool = False) -> None:
        def make(folder: Path) -> None:
            shutil.copy2(c.base / MERGE_TEMPLATE, folder / MERGE_TEMPLATE)
            data = folder / data_name
            if callable(content):
                content(data)
            elif content is not None:
                data.write_bytes(content)

        args = ["merge", "{case}/" + MERGE_TEMPLATE, "{case}/" + data_name, "--out", "{case}/Документы"]
        c.case(Case(case_id, args, code, data_name if file is None else file, phrases, place or [],
                    may_create=["Документы/"] if code == 0 else [], isolate=isolate), make, form=None)

    done = [OK_MERGE]
    merge("слияние-xlsx", "Список на грамоты (9 «Б»).xlsx", lambda p: shutil.copy2(c.base / "данные.xlsx", p), 0,
          done, file="")
    merge("слияние-csv-utf8-bom", "список.csv", csv_bytes(MERGE_HEADER, MERGE_ROWS, "utf-8-sig"), 0, done, file="")
    merge("слияние-csv-cp1251", "список.csv", csv_bytes(MERGE_HEADER, MERGE_ROWS, "cp1251", ";"), 0, done, file="")
    for fmt in ("ods", "xls"):
        if c.lo("merge", fmt) is not None:
            merge(f"слияние-{fmt}", f"Список.{fmt}", lambda p, fmt=fmt: shutil.copy2(c.lo("merge", fmt), p), 0, done,
                  file="")
    merge("слияние-0-байт", "список.xlsx", b"", 2, ["0 байт"])
    merge("слияние-обрезан", "список.xlsx", lambda p: p.write_bytes((c.base / "данные.xlsx").read_bytes()[:1500]), 2,
          ["повреждён"])
    merge("слияние-pdf-под-именем-xlsx", "список.xlsx", PDF, 2, ["PDF"])
    merge("слияние-csv-под-именем-xlsx", "список.xlsx", csv_bytes(MERGE_HEADER, MERGE_ROWS), 2, ["текстовый файл"])
    merge("слияние-зашифрован", "список.xlsx", ole_container(["EncryptionInfo", "EncryptedPackage"]), 2, ["паролем"])
    merge("слияние-бомба", "список.xlsx", lambda p: xlsx_bomb(p, "Список"), 2, ["распаковывается"])

    def far(p: Path) -> None:
        shutil.copy2(c.base / "данные.xlsx", p)
        edit_book(p, set_cells("Список", {"XFD1048576": "x"}))

    merge("слияние-XFD1048576", "список.xlsx", far, 2, ["Ctrl+End"], isolate=True)
    merge("слияние-lock-файл", "~$Список.xlsx", LOCK_BYTES, 2, ["блокировки"])
    merge("слияние-пустое-ФИО", "список.xlsx",
          lambda p: table_xlsx(p, MERGE_HEADER, [MERGE_ROWS[0], ["", "м", "5А", "за участие"]], sheet="Список"), 1,
          ["не заполнен"], place=["ячейка A3"])
    merge("слияние-значения-как-формулы", "список.xlsx",
          lambda p: table_xlsx(p, MERGE_HEADER, [["=1+1", "ж", "@9Б", "-за помощь"], ["+Петров", "м", "\t10А", "\r="]],
                               sheet="Список"), 0, done, file="")
    merge("слияние-32000-символов", "список.xlsx",
          lambda p: table_xlsx(p, MERGE_HEADER, [[*MERGE_ROWS[0][:3], "ё" * 32_000]], sheet="Список"), 0, done,
          file="")


# ---- 6. collect: the pairs' workbooks returned to the curator, and «05_Работа пар» it rewrites

COLLECT = ["collect", "{case}/" + PROGRAM, "{case}/" + INBOX]


def collect_cases(c: Corpus) -> None:
    """The inbox holds what pairs sent back. A refused file leaves «05_Работа пар» as it was (the hash) and no
    backup (nothing may be created); the few files collect takes may rewrite it and back it up."""
    P = f"{PAIR}.xlsx"
    M = f"лист «{MEETINGS}»"

    def base() -> Path:
        return c.base

    def case(case_id: str, code: int, file: str, phrases: list[str], place: list[str] | None = None, *,
             inbox: Make | None = None, program: Make | None = None, accepted: bool = False,
             isolate: bool = False, args: list[str] | None = None) -> None:
        def make(folder: Path) -> None:
            (folder / INBOX).mkdir()
            if inbox is not None:
                inbox(folder / INBOX)
            if program is not None:
                program(folder / PROGRAM)

        if accepted:
            phrases = [*phrases, f"Принято: {PAIR}"]
        elif code != 2:
            phrases = [*phrases, f"Книга «{W}» не изменилась"]
        c.case(Case(f"сбор-{case_id}", list(args or COLLECT), code, file, phrases, place or [],
                    may_change=[f"{PROGRAM}/{W}"] if accepted else [],
                    may_create=[f"{PROGRAM}/{BACKUPS}/"] if accepted else [], isolate=isolate,
                    about=f"collect: {case_id}"), make, WORKED)

    def put(name: str, content: bytes | Make) -> Make:
        def make(inbox: Path) -> None:
            path = inbox / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if callable(content):
                content(path)
            else:
                path.write_bytes(content)

        return make

    def filled(cells: dict[str, dict[str, Any]] | None = None,
               change: Callable[[Workbook], None] | None = None) -> Make:
        """The filled workbook of П-002 with more cells typed (or any change through openpyxl)."""
        return lambda path: fill_pair(base() / FILLED, path, cells or {}, change)

    def meeting(**cells: Any) -> Make:
        return filled({MEETINGS: cells})

    def handed(pair: str, change: Callable[[Workbook], None] | None = None) -> Make:
        """A workbook sent back as it was handed out (nothing typed): collect has nothing to take."""
        def make(path: Path) -> None:
            if change is None:
                shutil.copy2(handed_out(base(), pair), path)
            else:
                fill_pair(handed_out(base(), pair), path, {}, change)

        return make

    def patched(cells: dict[str, str], sheet: str = MEETINGS) -> Make:
        def make(path: Path) -> None:
            shutil.copy2(base() / FILLED, path)
            assert patch_cells(path, sheet, cells), cells

        return make

    def cut(size: int | None) -> Make:
        def make(path: Path) -> None:
            data = (base() / FILLED).read_bytes()
            path.write_bytes(data[: len(data) // 2 if size is None else size])

        return make

    def meta(key: str, value: str, then: Make | None = None) -> Make:
        def make(path: Path) -> None:
            (then or filled())(path)
            set_meta(path, key, value)

        return make

    # ---- files that are not a workbook or cannot be read
    case("0-байт", 1, P, ["0 байт"], inbox=put(P, b""))
    case("обрезан-наполовину", 1, P, ["повреждён"], inbox=put(P, cut(None)))
    case("обрезан-до-100-байт", 1, P, ["повреждён"], inbox=put(P, cut(100)))
    case("docx-под-именем-xlsx", 1, P, ["документ Word"], inbox=put(P, docx_bytes("Отчёт пары П-002")))
    case("pdf-под-именем-xlsx", 1, P, ["PDF"], inbox=put(P, PDF))
    case("csv-под-именем-xlsx", 1, P, ["текстовый файл"], inbox=put(P, CSV_TEXT.encode("cp1251")))
    if has_msoffcrypto():
        case("зашифрован-паролем", 1, P, ["паролем"], inbox=put(P, lambda p: encrypt(base() / FILLED, p)))
    case("бомба-2-ГБ", 1, P, ["распаковывается"], inbox=put(P, lambda p: xlsx_bomb(p, MEETINGS)))
    case("бомба-ложный-размер", 1, P, ["повреждён"], inbox=put(P, lambda p: xlsx_bomb(p, MEETINGS, lying=True)))
    case("ods-бомба", 1, f"{PAIR}.ods", ["распаковывается"], inbox=put(f"{PAIR}.ods", ods_bomb))
    case("больше-50-МБ", 1, P, ["слишком большой"], inbox=put(P, lambda p: sparse_file(p, 50 * 1024 * 1024 + 1)))
    if c.lo("pair", "xls") is not None:
        def lo_copy(fmt: str) -> Make:
            def make(path: Path) -> None:
                converted = c.lo("pair", fmt)
                assert converted is not None
                shutil.copy2(converted, path)

            return make

        case("xls-под-именем-xlsx", 1, P, ["Excel 97"], inbox=put(P, lo_copy("xls")))
        case("xls", 0, "", [], accepted=True, inbox=put(f"{PAIR} (Excel 97).xls", lo_copy("xls")))
        case("ods", 0, "", [], accepted=True, inbox=put(f"{PAIR} (LibreOffice).ods", lo_copy("ods")))
    case("значение-в-XFD1048576", 1, P, ["Ctrl+End"], [M, "ячейка XFD1048576"], isolate=True,
         inbox=put(P, filled({MEETINGS: {"XFD1048576": "x"}})))

    # ---- formulas and error values in the cells a pair fills
    case("ошибка-REF-в-оценке", 1, P, ["ошибка формулы «#REF!»"], [M, "ячейка H7"],
         inbox=put(P, patched({"H7": 't="e"><f>Лист2!A1</f><v>#REF!</v>'})))
    case("ошибка-NA-в-дате", 1, P, ["ошибка формулы «#N/A»"], [M, "ячейка B7"],
         inbox=put(P, patched({"B7": 't="e"><f>VLOOKUP(A7,Z:Z,2,0)</f><v>#N/A</v>'})))
    case("ошибка-DIV0-в-самооценке", 1, P, ["ошибка формулы «#DIV/0!»"], ["лист «Компетенции»", "ячейка G2"],
         inbox=put(P, patched({"G2": 't="e"><f>1/0</f><v>#DIV/0!</v>'}, sheet="Компетенции")))
    case("формула-с-результатом-в-оценке", 0, P, ["формула"], [M, "ячейка H7"], accepted=True,
         inbox=put(P, patched({"H7": "><f>2+3</f><v>5</v>"})))

    # ---- what a pair does to the sheets and the headers
    def merge_cells(ref: str) -> Callable[[Workbook], None]:
        return lambda wb: wb[MEETINGS].merge_cells(ref)

    case("объединены-дата-и-тема", 1, P, ["объединены"], [M, "ячейка B7"],
         inbox=put(P, filled(change=merge_cells("B7:D7"))))

    def hidden_with_error(wb: Workbook) -> None:
        wb[MEETINGS]["H7"] = 9
        wb[MEETINGS].sheet_state = "hidden"

    case("скрытый-лист-с-ошибкой", 1, P, ["вне диапазона"], [M, "ячейка H7"], inbox=put(P, filled(change=hidden_with_error)))

    def rename(wb: Workbook) -> None:
        wb[MEETINGS].title = "Встречи 2026-2027"

    case("лист-встреч-переименован", 1, P, ["Нет листа «Встречи»"], inbox=put(P, filled(change=rename)))

    def reorder(wb: Workbook) -> None:
        wb.move_sheet(MEETINGS, offset=-4)
        wb.move_sheet("Инструкция", offset=5)

    case("листы-переставлены", 0, P, [f"Без изменений: {PAIR}"], inbox=put(P, handed(PAIR, reorder)))

    def drop(*names: str) -> Callable[[Workbook], None]:
        def change(wb: Workbook) -> None:
            for name in names:
                del wb[name]

        return change

    case("удалён-лист-meta", 0, P, [f"Без изменений: {PAIR}"], inbox=put(P, handed(PAIR, drop("_meta"))))
    case("удалены-meta-и-лист-пара", 0, P, ["не книга работы пары"], inbox=put(P, filled(change=drop("_meta", "Пара"))))
    case("заголовок-переименован", 1, P, ["Нет столбца «Оценка наставника (1–5)»"], [M],
         inbox=put(P, meeting(H1="Оценка")))
    case("заголовок-повторён", 1, P, ["встречается дважды"], [M, "ячейка L1"], inbox=put(P, meeting(L1="Тема")))

    # ---- values: dates, numbers, text
    serial = (dt.date(2027, 2, 12) - dt.date(1899, 12, 30)).days
    case("дата-текстом", 0, "", [], accepted=True, inbox=put(P, meeting(B7="12.02.2027")))
    case("дата-числом", 0, "", [], accepted=True, inbox=put(P, meeting(B7=serial)))
    for case_id, value, phrase in [("дата-31-февраля", "31.02.2027", "не дата"),
                                   ("дата-месяц-первым", "02/25/2027", "не дата"),
                                   ("время-вместо-даты", dt.time(16, 30), "не дата"),
                                   ("дата-2200-год", "12.02.2200", "вне допустимого диапазона")]:
        case(case_id, 1, P, [phrase], [M, "ячейка B7"], inbox=put(P, meeting(B7=value)))
    case("эмодзи-справа-налево-неразрывные-пробелы", 0, "", [], accepted=True,
         inbox=put(P, meeting(D7="Подготовка\u00a0к контрольной 😊👍", F7="\u200fשלום — مرحبا\u200f",
                              I7="Ёлка, ещё — «ёжик»\u00a0🦔")))
    for case_id, value, phrase in [("эмодзи-в-оценке", "5 😊", "не целое число"),
                                   ("оценка-словом", "пять", "не целое число"),
                                   ("оценка-9", 9, "вне диапазона"),
                                   ("оценка-дробью", 4.5, "не целое число")]:
        case(case_id, 1, P, [phrase], [M, "ячейка H7"], inbox=put(P, meeting(H7=value)))
    case("32000-символов-в-рефлексии", 1, P, ["32000 символов"], [M, "ячейка I7"],
         inbox=put(P, meeting(I7="я" * 32_000)))
    sent_as = "Почта 12.02/Работа пары — Лебедев и Кузнецов (исправлено 2).xlsx"
    case("имя-файла-по-русски-с-пробелами", 1, sent_as, ["вне диапазона"], [M, "ячейка H7"],
         inbox=put(sent_as, meeting(H7=0)))

    # ---- lock files: beside a returned file, and on «05_Работа пар»
    def with_lock(inbox: Path) -> None:
        shutil.copy2(handed_out(base(), "П-001"), inbox / "П-001.xlsx")
        (inbox / "~$П-001.xlsx").write_bytes(LOCK_BYTES)

    case("рядом-файл-блокировки-Excel", 0, "П-001.xlsx", ["открыта в другой программе", "Без изменений: П-001"],
         inbox=with_lock)
    case("только-файл-блокировки", 0, "", [], inbox=put("~$П-003 Черных.xlsx", LOCK_BYTES))
    case("05-открыт-в-Excel", 2, W, ["Закройте", f"~${W}"], inbox=put(P, filled()),
         program=lambda root: (root / f"~${W}").write_bytes(LOCK_BYTES))
    case("05-открыт-в-LibreOffice", 2, W, ["Закройте", f".~lock.{W}#"], inbox=put(P, filled()),
         program=lambda root: (root / f".~lock.{W}#").write_text(",Виноградова,pc,12.02.2027 10:00,file://;"))
    case("05-только-чтение", 2, W, ["только для чтения"], inbox=put(P, filled()),
         program=lambda root: (root / W).chmod(0o444))

    # ---- «05_Работа пар» itself: collect rewrites it, so it must be readable and lose nothing
    case("05-0-байт", 2, W, ["0 байт", "не перезаписана"], inbox=put(P, filled()),
         program=lambda root: (root / W).write_bytes(b""))
    case("05-docx-под-именем-xlsx", 2, W, ["документ Word", "не перезаписана"], inbox=put(P, filled()),
         program=lambda root: (root / W).write_bytes(docx_bytes("Работа пар")))
    case("05-свой-лист-с-формулой", 2, W, ["Заметки куратора", "формулы (ячейка B2)"], inbox=put(P, filled()),
         program=lambda root: edit_book(root / W, _curator_notes))

    def note_above(root: Path) -> None:
        def change(wb: Workbook) -> None:
            wb[MEETINGS].insert_rows(1)
            wb[MEETINGS]["A1"] = "Встречи пар, 2026/2027 учебный год"

        edit_book(root / W, change)

    case("05-запись-над-заголовками", 2, W, ["над строкой заголовков"], inbox=put(P, filled()), program=note_above)
    case("05-заголовок-переименован", 2, W, ["Нет столбца «Оценка наставника (1–5)»"], inbox=put(P, filled()),
         program=lambda root: quick_set(root / W, MEETINGS, {"I1": "Оценка"}))

    def curator_edit(root: Path) -> None:
        def change(wb: Workbook) -> None:
            ws = wb[MEETINGS]
            row = next(r for r in range(2, ws.max_row + 1) if ws[f"A{r}"].value == PAIR)
            ws[f"E{row}"] = "Знакомство и правила встреч (уточнил куратор)"

        edit_book(root / W, change)

    case("правки-куратора-после-сбора", 1, P, ["изменены после последнего сбора"], inbox=put(P, filled()),
         program=curator_edit)
    case("04-нет-файла", 2, "04_Пары", ["не прочитана"], inbox=put(P, filled()),
         program=lambda root: (root / "04_Пары.xlsx").unlink())
    case("папки-входящих-нет", 2, "Входящие за май", ["не найдена"],
         args=["collect", "{case}/" + PROGRAM, "{case}/Входящие за май"])
    case("вместо-папки-файл", 2, P, ["это файл, а не папка"], inbox=put(P, filled()),
         args=["collect", "{case}/" + PROGRAM, "{case}/" + INBOX + "/" + P])

    # ---- whose workbook: another program, an unknown pair, two versions, edits of locked cells
    case("книга-другой-программы", 1, P, ["другой программе", "другая-школа"],
         inbox=put(P, meta("program_id", "другая-школа")))
    case("неизвестная-пара-в-meta", 1, P, ["«П-099»"], inbox=put(P, meta("pair_id", "П-099")))
    case("неизвестная-пара-на-листе-пара", 1, P, ["«П-077»"],
         inbox=put(P, filled({"Пара": {"B2": "П-077"}}, drop("_meta"))))

    def two_versions(inbox: Path) -> None:
        filled()(inbox / "П-002 от наставника.xlsx")
        meeting(D7="Подготовка к контрольной (версия наставляемого)")(inbox / "П-002 от наставляемого.xlsx")

    case("две-версии-одной-пары", 1, "П-002 от наставника.xlsx", ["Две разные версии", "П-002 от наставляемого.xlsx"],
         inbox=two_versions)

    def two_copies(inbox: Path) -> None:
        filled()(inbox / P)
        shutil.copy2(inbox / P, inbox / f"{PAIR} (копия).xlsx")

    case("две-одинаковые-копии", 0, "", ["Повтор:"], accepted=True, inbox=two_copies)
    case("изменён-наставник-на-листе-пара", 1, P, ["защищённая ячейка", "НК-099 Кто-то Другой"],
         ["лист «Пара»", "ячейка B6"], inbox=put(P, filled({"Пара": {"B6": "НК-099 Кто-то Другой"}})))
    case("изменено-ФИО-в-компетенциях", 1, P, ["защищённая ячейка", "Лебедев Илья"],
         ["лист «Компетенции»", "ячейка B2"], inbox=put(P, filled({"Компетенции": {"B2": "Иванов Иван"}})))
    case("изменена-компетенция", 1, P, ["защищённая ячейка"], ["лист «Компетенции»", "ячейка D3"],
         inbox=put(P, filled({"Компетенции": {"D3": "Телепатия"}})))
    case("книга-программы-во-входящих", 0, "02_Заявки.xlsx", ["не книга работы пары"],
         inbox=put("02_Заявки.xlsx", lambda p: shutil.copy2(base() / WORKED / R, p)))
    case("письмо-txt", 0, "письмо.txt", ["не таблица"],
         inbox=put("письмо.txt", "Добрый день! Отправляем книгу пары.".encode()))


def _curator_notes(wb: Workbook) -> None:
    """A sheet of the curator's own with a formula: carried over as values it would lose the formula."""
    ws = wb.create_sheet("Заметки куратора")
    ws["A1"], ws["B2"] = "позвонить родителям Кузнецова", "=LEN(A1)"


# ---- 7. «05_Работа пар» and «06_Итоги» read by check, status, monitor, results and docs


def stage7_cases(c: Corpus) -> None:
    M05, FB = f"лист «{MEETINGS}»", "лист «Обратная связь»"
    feedback = "Обратная связь"

    def book_case(case_id: str, args: list[str], code: int, file: str, phrases: list[str],
                  place: list[str] | None = None, make: Make | None = None, *, may_change: list[str] | None = None,
                  may_create: list[str] | None = None) -> None:
        c.case(Case(case_id, args, code, file, phrases, place or [], may_change=may_change or [],
                    may_create=may_create or [], about=case_id), make, RESULTS)

    def book(name: str, content: bytes | Callable[[Path], Any]) -> Make:
        def make(folder: Path) -> None:
            path = folder / PROGRAM / name
            if callable(content):
                content(path)
            else:
                path.write_bytes(content)

        return make

    def typed(sheet: str, values: dict[str, Any]) -> Callable[[Path], Any]:
        return lambda path: quick_set(path, sheet, values)

    def errors(sheet: str, cells: dict[str, str]) -> Callable[[Path], Any]:
        def make(path: Path) -> None:
            assert patch_cells(path, sheet, cells), cells

        return make

    def changed(change: Callable[[Workbook], None]) -> Callable[[Path], Any]:
        return lambda path: edit_book(path, change)

    def drop(name: str) -> Callable[[Workbook], None]:
        def change(wb: Workbook) -> None:
            del wb[name]

        return change

    def note_above(sheet: str) -> Callable[[Workbook], None]:
        def change(wb: Workbook) -> None:
            wb[sheet].insert_rows(1)
            wb[sheet]["A1"] = "Итоги 2026/2027 учебного года"

        return change

    check = list(CHECK)
    ref = 't="e"><f>Лист2!A1</f><v>#REF!</v>'
    # «05_Работа пар» through check
    book_case("05-0-байт", check, 2, W, ["0 байт"], make=book(W, b""))
    book_case("05-docx-под-именем-xlsx", check, 2, W, ["документ Word"], make=book(W, docx_bytes("Работа пар")))
    book_case("05-нет-листа-встреч", check, 1, W, ["Нет листа «Встречи»"], make=book(W, changed(drop(MEETINGS))))
    book_case("05-заголовок-переименован", check, 1, W, ["Нет столбца «Оценка наставника (1–5)»"], [M05],
              make=book(W, typed(MEETINGS, {"I1": "Оценка"})))
    book_case("05-заголовок-повторён", check, 1, W, ["встречается дважды"], [M05, "ячейка M1"],
              make=book(W, typed(MEETINGS, {"M1": "Тема"})))
    book_case("05-ошибка-REF-в-оценке", check, 1, W, ["ошибка формулы «#REF!»"], [M05, "ячейка I2"],
              make=book(W, errors(MEETINGS, {"I2": ref})))
    book_case("05-ошибка-NA-в-дате", check, 1, W, ["ошибка формулы «#N/A»"], [M05, "ячейка C2"],
              make=book(W, errors(MEETINGS, {"C2": 't="e"><f>VLOOKUP(B2,Z:Z,2,0)</f><v>#N/A</v>'})))
    book_case("05-формула-с-результатом", check, 0, "", ["формула"], [M05, "ячейка F2"],
              make=book(W, errors(MEETINGS, {"F2": "><f>40+5</f><v>45</v>"})))
    book_case("05-оценка-9", check, 1, W, ["вне диапазона"], [M05, "ячейка I2"],
              make=book(W, typed(MEETINGS, {"I2": 9})))
    book_case("05-дата-31-февраля", check, 1, W, ["не дата"], [M05, "ячейка C2"],
              make=book(W, typed(MEETINGS, {"C2": "31.02.2027"})))
    # «06_Итоги» through check
    book_case("06-0-байт", check, 2, T, ["0 байт"], make=book(T, b""))
    book_case("06-docx-под-именем-xlsx", check, 2, T, ["документ Word"], make=book(T, docx_bytes("Итоги")))
    book_case("06-нет-листа-обратной-связи", check, 1, T, ["Нет листа «Обратная связь»"],
              make=book(T, changed(drop(feedback))))
    book_case("06-заголовок-переименован", check, 1, T, ["Нет столбца «Оценка наставника наставляемым (1–5)»"],
              [FB], make=book(T, typed(feedback, {"F1": "Оценка"})))
    book_case("06-ошибка-REF-в-оценке", check, 1, T, ["ошибка формулы «#REF!»"], [FB, "ячейка F2"],
              make=book(T, errors(feedback, {"F2": ref})))
    book_case("06-оценка-9", check, 1, T, ["вне диапазона"], [FB, "ячейка H2"], make=book(T, typed(feedback, {"H2": 9})))
    book_case("06-дата-представления-словом", check, 1, T, ["не дата"], ["лист «Результаты»", "ячейка F2"],
              make=book(T, typed("Результаты", {"F2": "в мае"})))

    # status and monitor read them; the errors line names the book
    status = ["status", "{case}/" + PROGRAM, "--no-workbook", "--date", "15.02.2027"]
    book_case("статус-05-0-байт", status, 0, W, ["В книгах есть ошибки"], make=book(W, b""))
    book_case("статус-06-ошибка-REF", status, 0, T, ["В книгах есть ошибки"], make=book(T, errors(feedback, {"F2": ref})))
    monitor = ["monitor", "{case}/" + PROGRAM, "--date", "15.02.2027"]
    book_case("мониторинг-05-0-байт", monitor, 2, W, ["0 байт"], make=book(W, b""))
    book_case("мониторинг-05-docx-под-именем-xlsx", monitor, 2, W, ["документ Word"],
              make=book(W, docx_bytes("Работа пар")))
    book_case("мониторинг-05-ошибка-REF", monitor, 0, W, ["В книгах есть ошибки"],
              make=book(W, errors(MEETINGS, {"I2": ref})),
              # «07_Мониторинг» gets the rows of the pairs (the questionnaires, entry and exit)
              may_change=[f"{PROGRAM}/{MONITOR}", f"{PROGRAM}/07_Мониторинг.xlsx"],
              may_create=[f"{PROGRAM}/Вопросы для анкет мониторинга.txt", f"{PROGRAM}/Резервные копии/"])
    book_case("мониторинг-открыт-в-Excel", monitor, 2, MONITOR, ["Закройте"],
              make=book(f"~${MONITOR}", LOCK_BYTES))

    # results rewrites «06_Итоги»: refused when something would be lost or the ranking made without data
    results = ["results", "{case}/" + PROGRAM, "--date", "27.05.2027"]
    book_case("итоги-06-0-байт", results, 2, T, ["0 байт", "не перезаписана"], make=book(T, b""))
    book_case("итоги-06-docx-под-именем-xlsx", results, 2, T, ["документ Word"], make=book(T, docx_bytes("Итоги")))
    book_case("итоги-06-свой-лист-с-формулой", results, 2, T, ["Заметки куратора", "формулы (ячейка B2)"],
              make=book(T, changed(_curator_notes)))
    book_case("итоги-06-запись-над-заголовками", results, 2, T, ["над строкой заголовков"],
              make=book(T, changed(note_above(feedback))))
    book_case("итоги-06-заголовок-переименован", results, 2, T, ["Нет столбца «Оценка наставника наставляемым (1–5)»"],
              make=book(T, typed(feedback, {"F1": "Оценка"})))
    book_case("итоги-06-заголовок-повторён", results, 2, T, ["встречается дважды"],
              make=book(T, typed(feedback, {"J1": "Отзыв куратора"})))
    book_case("итоги-06-нет-листа-обратной-связи", results, 2, T, ["Нет листа «Обратная связь»"],
              make=book(T, changed(drop(feedback))))
    book_case("итоги-06-открыт-в-Excel", results, 2, T, ["Закройте"], make=book(f"~${T}", LOCK_BYTES))
    book_case("итоги-06-оценка-9", results, 0, T, ["В книгах есть ошибки"], make=book(T, typed(feedback, {"H2": 9})),
              may_change=[f"{PROGRAM}/{T}"], may_create=[f"{PROGRAM}/{BACKUPS}/"])
    book_case("итоги-05-0-байт", results, 2, W, ["0 байт"], make=book(W, b""))

    # docs reads «06_Итоги» (letters to the mentors the curator chose)
    docs = ["docs", "{case}/" + PROGRAM, "--kind", "письма", "--date", "27.05.2027"]
    book_case("документы-06-0-байт", docs, 2, T, ["не прочитана", "0 байт"], make=book(T, b""))
    book_case("документы-06-docx-под-именем-xlsx", docs, 2, T, ["не прочитана", "документ Word"],
              make=book(T, docx_bytes("Итоги")))
    book_case("документы-06-оценка-9", docs, 0, T, ["В книгах есть ошибки"], make=book(T, typed(feedback, {"H2": 9})),
              may_create=[f"{PROGRAM}/Документы/"])


# ---- 8. Word templates: merge ШАБЛОН ДАННЫЕ and order --template


BROKEN_FIELDS = [  # (id, the field as typed, a phrase of the message)
    ("незакрытое-поле", "Уважаемая {{ ФИО ", "не закрыто"),
    ("for-без-endfor", "{% for слово in ФИО %}{{ слово }}", "не закрыт блок"),
    ("for-без-условия", "{% for %}{{ ФИО }}{% endfor %}", "{% for %}"),
    ("if-без-endif", "{% if Пол == 'ж' %}Уважаемая", "не закрыт блок"),
    ("лишний-endfor", "{{ ФИО }}{% endfor %}", "endfor"),
    ("неизвестная-команда", "{% склонять ФИО %}", "склонять"),
]
ESCAPES = [  # (id, the field): every one must be refused, nothing run
    ("mro", "{{ ''.__class__.__mro__ }}"),
    ("cycler-globals", "{{ cycler.__init__.__globals__ }}"),
    ("lipsum-os", "{{ lipsum.__globals__['os'].popen('id').read() }}"),
    ("subclasses", "{{ ФИО.__class__.__base__.__subclasses__() }}"),
    ("фильтр-attr", "{{ ФИО|attr('__class__') }}"),
    ("склейка-имени", "{{ ФИО['__cla' ~ 'ss__'] }}"),
    ("format-строки", "{{ '{0.__class__}'.format(ФИО) }}"),
    ("include", "{% include 'C:/Windows/win.ini' %}"),
    ("import", "{% import 'os' as os %}{{ os }}"),
    ("extends", "{% extends 'base.docx' %}"),
]
OTHER_FILES = ("include", "import", "extends")  # refused as reading other files, not as running code
HUNGRY = [  # (id, the field, a phrase): a template that would eat the memory or the stack
    ("рекурсия-макроса", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "вызывает сам себя"),
    ("строка-на-10-ГБ", "{{ 'а' * 10000000000 }}", "слишком"),
    ("число-9-в-степени-миллиард", "{{ 9 ** 1000000000 }}", "слишком"),
    ("ширина-поля-миллиард", "{{ '%0999999999d' % 1 }}", "ширина поля"),
    ("отступ-миллиард", "{{ ФИО|center(1000000000) }}", "число 1000000000"),
    ("ljust-10-миллиардов", "{{ ФИО.ljust(10000000000) }}", "число 10000000000"),
]


def template_cases(c: Corpus) -> None:
    def template(content: bytes | str | Make) -> Callable[[Path], None]:
        def make(path: Path) -> None:
            if callable(content):
                content(path)
            elif isinstance(content, str):
                docx_template(path, content)
            else:
                path.write_bytes(content)

        return make

    def cut(path: Path) -> None:
        merge_template(path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])

    unusable: list[tuple[str, bytes | Make, str]] = [
        ("0-байт", b"", "0 байт"),
        ("обрезан", cut, "повреждён"),
        ("xlsx-под-именем-docx", lambda p: shutil.copy2(c.base / "данные.xlsx", p), "книга Excel"),
        ("pdf-под-именем-docx", PDF, "PDF"),
    ]
    name = "Шаблон благодарности (9 «Б»).docx"

    def merge(case_id: str, content: bytes | str | Make, code: int, phrases: list[str], isolate: bool = False,
              file: str = name, template_name: str = name) -> None:
        def make(folder: Path) -> None:
            shutil.copy2(c.base / "данные.xlsx", folder / "список.xlsx")
            template(content)(folder / template_name)

        args = ["merge", "{case}/" + template_name, "{case}/список.xlsx", "--out", "{case}/Документы"]
        c.case(Case(f"шаблон-слияния-{case_id}", args, code, file, phrases, isolate=isolate, about=case_id),
               make, form=None)

    for case_id, content, phrase in unusable:
        merge(case_id, content, 2, [phrase])
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    merge("doc-под-именем-docx", ole, 2, ["старый формат Word"])
    merge("doc", ole, 2, ["не документ .docx", "старый формат Word"], file="Благодарность.doc",
          template_name="Благодарность.doc")
    for case_id, text, phrase in BROKEN_FIELDS:
        merge(case_id, text, 1, ["Ошибка в поле шаблона", phrase])
    for case_id, text in ESCAPES:
        merge(f"побег-{case_id}", text, 1, ["другие файлы" if case_id in OTHER_FILES else "программный код"])
    for case_id, text, phrase in HUNGRY:
        merge(case_id, text, 1, [phrase], isolate=True)
    merge("деление-на-ноль", "{{ ФИО }}: {{ 1 / 0 }}", 1, ["деление на ноль"], file="список.xlsx")
    merge("неизвестный-фильтр", "{{ ФИО|склонить }}", 1, ["неизвестный фильтр «склонить»"])

    mine = "Мой приказ (с гербом).docx"

    def order(case_id: str, content: bytes | str | Make | None, code: int, phrases: list[str],
              isolate: bool = False) -> None:
        def make(folder: Path) -> None:
            if content is not None:
                template(content)(folder / mine)

        args = ["order", "{case}/" + PROGRAM, "--number", "17-о", "--template", "{case}/" + mine]
        c.case(Case(f"шаблон-приказа-{case_id}", args, code, mine, phrases, isolate=isolate, about=case_id),
               make, WORKED)

    for case_id, content, phrase in unusable:
        order(case_id, content, 2, [phrase])
    order("нет-файла", None, 2, ["не найден"])
    order("незакрытое-поле", "Приказ по {{ школа ", 2, ["ошибка в поле шаблона", "не закрыто"])
    order("for-без-endfor", "{% for пара in пары %}{{ пара.код }}", 2, ["не закрыт блок"])
    order("неизвестное-поле", "{{ школа }}, {{ номер_печати }}", 2, ["номер_печати"])
    for case_id, text in ESCAPES[:3] + ESCAPES[7:8]:
        order(f"побег-{case_id}", text, 2, ["другие файлы" if case_id in OTHER_FILES else "программный код"])
    order("рекурсия-макроса", HUNGRY[0][1], 2, [HUNGRY[0][2]])
    order("строка-на-10-ГБ", HUNGRY[1][1], 2, [HUNGRY[1][2]], isolate=True)



# --------------------------------------------------------------------------- main


def declare(corpus: Corpus) -> list[Case]:
    unusable_books(corpus)
    structure_cases(corpus)
    formula_cases(corpus)
    value_cases(corpus)
    status_cases(corpus)
    import_cases(corpus)
    merge_cases(corpus)
    collect_cases(corpus)
    stage7_cases(corpus)
    template_cases(corpus)
    return corpus.cases


def cases(libreoffice: bool = True) -> list[Case]:
    """The cases without building anything (for pytest ids)."""
    return declare(Corpus(None, libreoffice))


def build(root: Path, libreoffice: bool = True) -> list[Case]:
    """Build the corpus into ``root`` (created if needed) and return its cases."""
    root.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root, libreoffice)
    corpus.build_bases()
    if libreoffice:
        corpus.convert(corpus.lo_sources())
    declare(corpus)
    corpus.write_manifest()
    return corpus.cases


def load(root: Path) -> list[Case]:
    return [Case(**item) for item in json.loads((root / MANIFEST).read_text(encoding="utf-8"))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--no-libreoffice", action="store_true", help="без .ods и .xls (нет soffice)")
    args = parser.parse_args(argv)
    if args.folder.exists() and any(args.folder.iterdir()):
        raise SystemExit(f"Папка «{args.folder}» не пуста.")
    built = build(args.folder, libreoffice=not args.no_libreoffice)
    print(f"Случаев: {len(built)} в «{args.folder}» (описание — {MANIFEST}).")


if __name__ == "__main__":
    main()
