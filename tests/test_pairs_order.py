"""«Приказ о закреплении наставнических пар»: the template, its text, blanks, escaping, and a real PDF."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from demo_helpers import Demos
from docx import Document

from toolkit.base.problems import NastavnikError, Report
from toolkit.checks.program import load_program
from toolkit.documents.order import BLANK_DATE, BLANK_NUMBER, ORDER_FILE, make_order, template_path
from toolkit.model.program import Program

ROOT = Path(__file__).resolve().parent.parent


def _edit(path: Path, sheet: str, rows: list[dict[str, Any]]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    headers = {c.value: c.column for c in ws[1] if c.value}
    for n, row in enumerate(rows, start=2):
        for header, value in row.items():
            ws.cell(row=n, column=headers[header]).value = value
    wb.save(path)


def _set_setting(root: Path, name: str, value: str) -> None:
    path = root / "00_Настройки.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Настройки"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == name)
    ws.cell(row, 2).value = value
    wb.save(path)


def _text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


YES = {"Согласие наставника": "да", "Согласие наставляемого": "да", "Статус": "Действует"}


@pytest.fixture(scope="module")
def folders(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("order")
    student = base / "ученик-ученик"
    demos.copy("student", student, "written")
    # НК-001 leads a group of two, НК-002 a pair; a third row has no consent of the mentee and stays out
    _edit(student / "04_Пары.xlsx", "Пары", [
        {"Пара / группа": "П-001", "Код наставника": "НК-001", "Код наставляемого": "НЯ-002",
         "Схема": "Дистанционное анкетирование", "Дата начала": dt.datetime(2026, 11, 30),
         "Плановая дата окончания": dt.datetime(2027, 5, 29), **YES},
        {"Пара / группа": "П-001", "Код наставника": "НК-001", "Код наставляемого": "НЯ-003",
         "Схема": "Дистанционное анкетирование", "Дата начала": dt.datetime(2026, 11, 30),
         "Плановая дата окончания": dt.datetime(2027, 2, 27), **YES},
        {"Пара / группа": "П-002", "Код наставника": "НК-002", "Код наставляемого": "НЯ-004",
         "Схема": "Предложение куратора", "Дата начала": dt.datetime(2026, 12, 1),
         "Плановая дата окончания": dt.datetime(2027, 2, 28), **YES},
        {"Пара / группа": "П-003", "Код наставника": "НК-003", "Код наставляемого": "НЯ-005",
         "Согласие наставника": "да"},
    ])
    teacher = base / "педагог-педагог"
    demos.copy("teacher", teacher, "written")
    _edit(teacher / "04_Пары.xlsx", "Пары", [
        {"Пара / группа": "П-001", "Код наставника": "НК-001", "Код наставляемого": "НЯ-001",
         "Схема": "Предложение куратора", "Дата личной встречи": dt.datetime(2026, 9, 15),
         "Дата начала": dt.datetime(2026, 9, 21), **YES},
        {"Пара / группа": "П-002", "Код наставника": "НК-002", "Код наставляемого": "НЯ-002",
         "Схема": "Предложение куратора", "Дата начала": dt.datetime(2026, 9, 21), **YES},  # no personal meeting
    ])
    return {"student": student, "teacher": teacher}


def test_order_text_student(folders: dict[str, Path]) -> None:
    program = Program.open(folders["student"])
    data = load_program(program, Report())
    names = {pid: p.name for pid, p in data.participants.items()}
    result = make_order(program, Report(), number="112-о", date=dt.date(2026, 11, 27))
    assert result.path == folders["student"] / ORDER_FILE
    assert (result.pairs, result.mentees, result.left_out) == (2, 3, 1)
    text = _text(result.path)
    for expected in (
        "Муниципальное автономное общеобразовательное учреждение «Средняя школа №\u00a017»",  # placed text: no break after №
        "ПРИКАЗ", "27 ноября 2026 г.\t№ 112-о", "г. Хабаровск",
        "О закреплении наставнических пар", "«Ученик\u00a0– ученик»", "на 2026/2027 учебный год",
        "законных представителей несовершеннолетних", "ПРИКАЗЫВАЮ:",
        "всего пар и групп: 2, наставляемых: 3",
        "№ | Наставник | Наставляемые | Форма / схема | Срок",
        "1. | " + names["НК-001"], "группа (2 чел.); анкетирование", "30.11.2026\u00a0– 29.05.2027",
        "2. | " + names["НК-002"], "пара; предложение куратора", "01.12.2026\u00a0– 28.02.2027",
        # the legal basis, a deadline in every point, the curator's position in the case of the sentence
        "распоряжением Министерства просвещения Российской Федерации от 25.12.2019 №\u00a0Р-145",
        "Положением о наставничестве в МАОУ СШ №\u00a017",
        "согласно приложению к настоящему приказу",
        "до 11 декабря 2026 г. провести самоанализ", "до 29 мая 2027 г. проводить встречи",
        "Возложить на заместителя директора по воспитательной работе Виноградову\u00a0И.\u00a0С., куратора "
        "программы наставничества", "до 8 июня 2027 г. представить директору отчёт",
        "Приложение\nк приказу МАОУ СШ №\u00a017\nот 27 ноября 2026 г. №\u00a0112-о",
        "Контроль за исполнением настоящего приказа оставляю за собой.",
        "Директор\t________________\tЕ.\u00a0В.\u00a0Гончарова", "С приказом ознакомлены:",
    ):
        assert expected in text, expected
    for pid in ("НЯ-002", "НЯ-003", "НЯ-004"):
        assert names[pid] in text
    assert names["НЯ-005"] not in text  # no consent of the mentee: not in the order
    assert "молодого педагога" not in text and "педагогического совета" not in text
    assert f"{names['НК-001']}, ученик" in text or f"{names['НК-001']}, ученица" in text
    assert "\u00a0«" in text.split("Состав наставнических пар")[1]  # «10 «В» класса»: number and letter together
    # the acquaintance sheet: the curator and the mentors (pupil mentees do not sign an order)
    sheet = "\n".join(" | ".join(c.text for c in row.cells) for row in Document(str(result.path)).tables[0].rows)
    assert "Виноградова Ирина Сергеевна | Куратор программы" in sheet and names["НК-001"] in sheet
    assert names["НЯ-002"] not in sheet
    assert text.index("Директор\t") < text.index("Приложение\nк приказу")  # the table is an appendix
    assert "{{" not in text and "{%" not in text
    # the rows of the table are the pairs and groups; the loop rows are gone
    table = Document(str(result.path)).tables[1]
    assert len(table.rows) == 3


def test_order_blanks_backup_and_escaping(folders: dict[str, Path], tmp_path: Path) -> None:
    root = Path(shutil.copytree(folders["student"], tmp_path / "копия"))
    _set_setting(root, "Краткое наименование", 'МАОУ "СШ № 17" & Ко <b>')
    first = make_order(Program.open(root), Report())
    text = _text(first.path)
    assert f"{BLANK_DATE}\t№ {BLANK_NUMBER}" in text
    assert 'в МАОУ "СШ №\u00a017" & Ко <b>, программой' in text
    assert "до 14 декабря 2026 г. провести" in text  # no date of the order: two weeks from the pairs' start
    with zipfile.ZipFile(first.path) as z:
        assert "&amp; Ко &lt;b&gt;" in z.read("word/document.xml").decode("utf-8")
    second = make_order(Program.open(root), Report(), number="5")
    assert second.backup is not None and second.backup.exists()
    assert "№ 5" in _text(second.path)


def test_order_teacher_needs_personal_meeting(folders: dict[str, Path]) -> None:
    program = Program.open(folders["teacher"])
    data = load_program(program, Report())
    result = make_order(program, Report(), number="87-о", date=dt.date(2026, 9, 18))
    text = _text(result.path)
    assert (result.pairs, result.left_out) == (1, 1)
    assert data.participants["НЯ-001"].name in text and data.participants["НЯ-002"].name not in text
    assert "персонализированную программу наставничества молодого педагога" in text
    assert "на основании решения педагогического совета (протокол от" in text
    assert "несовершеннолетних" not in text
    assert f"{data.participants['НК-001'].name}, учитель " in text  # a teacher by position, as in the letters
    sheet = text.split("С приказом ознакомлены:")[1]
    assert data.participants["НЯ-001"].name + " | Молодой педагог" in sheet  # young teachers sign too


def test_order_without_pairs(demos: Demos, tmp_path: Path) -> None:
    root = demos.copy("teacher", tmp_path / "пусто", "written")
    with pytest.raises(NastavnikError, match="нет закреплённых пар"):
        make_order(Program.open(root), Report())
    assert not (root / ORDER_FILE).exists()


def test_template_is_reproducible(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_doc_templates", ROOT / "scripts" / "make_doc_templates.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(tmp_path)]) == 0
    with zipfile.ZipFile(tmp_path / "order_pairs.docx") as made, zipfile.ZipFile(template_path()) as shipped:
        assert made.read("word/document.xml") == shipped.read("word/document.xml")
    text = _text(template_path())
    assert "{%tr for p in пары %}" in text and "{{ директор_подпись }}" in text


@pytest.mark.libreoffice
def test_order_converts_to_pdf(folders: dict[str, Path], tmp_path: Path) -> None:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("нужны LibreOffice (soffice) и pdftotext")
    root = Path(shutil.copytree(folders["student"], tmp_path / "pdf"))
    program = Program.open(root)
    names = {pid: p.name for pid, p in load_program(program, Report()).participants.items()}
    result = make_order(program, Report(), number="112-о", date=dt.date(2026, 11, 27), pdf=True)
    assert result.pdf is not None and result.pdf.stat().st_size > 5000
    text = subprocess.run(["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert "П Р И К А З" in text or "ПРИКАЗ" in text
    assert "Е. В. Гончарова" in text
    for pid in ("НК-001", "НК-002"):
        surname = names[pid].split()[0]
        assert surname in text.replace("-\n", "")


@pytest.mark.libreoffice
@pytest.mark.parametrize("form", ["student", "teacher"])
def test_order_of_the_demo_as_printed(form: str, demos: Demos, tmp_path: Path) -> None:
    """The order of the whole demo, as the director signs it: nothing under 8 pt, the signature with the text
    of the order, the pairs on pages of their own headed «Приложение к приказу», «10 «В»» never split."""
    from test_paperwork import assert_printable

    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("нужны LibreOffice (soffice) и pdftotext")
    root = demos.copy(form, tmp_path / "p")
    result = make_order(Program.open(root), Report(), number="45-о", date=dt.date(2026, 12, 1), pdf=True)
    assert result.pdf is not None
    assert_printable(result.pdf, "Е. В. Гончарова")
    pages = subprocess.run(["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True, check=True,
                           text=True).stdout.split("\f")
    signed = next(n for n, page in enumerate(pages) if "Е. В. Гончарова" in page)
    annex = next(n for n, page in enumerate(pages) if "к приказу МАОУ СШ № 17" in page)
    assert annex > signed and pages[annex].lstrip().startswith("Приложение")
    assert "ПРИКАЗЫВАЮ" not in "".join(pages[annex:])
    if form == "student":
        text = "".join(pages[annex:])
        assert re.search(r"\d+ «[АБВГ]» класса", text)
        assert not re.search(r"\d+\s*\n\s*«[АБВГ]»", text)  # the number and the letter of a class on one line
