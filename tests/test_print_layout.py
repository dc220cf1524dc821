"""Books on paper: the registries «02_Заявки», the settings book, «Мониторинг» (its bases and the chart data) and
«Статус программы» of the demo are printed to PDF by LibreOffice; nothing on paper is under 8 pt, no two words
overlap, every header prints whole (no word broken, no header row too low for its text), a sheet too wide for
a page is split across pages with its key columns (code, name) repeated, and numbers have decimal commas."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from demo_helpers import Demos

from toolkit.books.printing import MIN_SCALE, pages_across
from toolkit.books.writer import wrapped_lines
from toolkit.documents import pdf as office

MIN_PT = 8.0
BOX = 1.25  # a word's box in pdftotext -bbox is about 1.25 times its font size

BOOKS = {  # (form, file) → the sheets checked for whole headers
    ("student", "02_Заявки.xlsx"): ["Наставники", "Наставляемые"],
    ("teacher", "02_Заявки.xlsx"): ["Наставники", "Наставляемые"],
    ("student", "00_Настройки.xlsx"): [],
    ("student", "04_Пары.xlsx"): [],
    ("student", "Мониторинг.xlsx"): ["Данные диаграмм", "Пары", "База наставников", "База наставляемых"],
    ("teacher", "Статус программы.xlsx"): ["Участники", "Внимание"],
    ("student", "07_Мониторинг.xlsx"): ["Показатели на входе и выходе", "Анкета наставника", "Анкета наставляемого"],
    ("teacher", "07_Мониторинг.xlsx"): ["Показатели на входе и выходе", "Анкета наставника", "Анкета наставляемого"],
}


def _pages(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page: the words with their boxes (x0, y0, x1, y1, word)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return [[(float(m[1]), float(m[2]), float(m[3]), float(m[4]), m[5]) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
        for page in xml.split("<page ")[1:]]


def _width(ws: Any, column: int) -> float:
    """A column's width as written: openpyxl groups neighbouring columns of one width under the first letter."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= column <= dim.max:
            return float(dim.width or 8.43)
    return 8.43


def _page_sheet(words: list[tuple[float, float, float, float, str]]) -> str:
    """The sheet a page belongs to: the right part of the page header (the first line of the page)."""
    top = min(w[1] for w in words)
    line = sorted((w for w in words if abs(w[1] - top) < 2), key=lambda w: w[0])
    return " ".join(w[4] for w in line)


@pytest.fixture(scope="module")
def printed(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    if office.find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("нужны LibreOffice и pdftotext")
    base = tmp_path_factory.mktemp("print")
    folders = {form: demos.copy(form, base / form) for form in ("student", "teacher")}
    staged = []
    for form, name in BOOKS:
        target = base / "books" / f"{form} {name}"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(folders[form] / name, target)
        staged.append(target)
    pdfs = office.convert_to_pdf(staged, base / "pdf")
    return {key: next(p for p in pdfs if p.stem == f"{key[0]} {Path(key[1]).stem}") for key in BOOKS}


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", list(BOOKS), ids=[f"{f}-{n}" for f, n in BOOKS])
def test_nothing_prints_under_8_pt_and_no_words_overlap(printed: dict[tuple[str, str], Path],
                                                        key: tuple[str, str]) -> None:
    pages = _pages(printed[key])
    assert pages
    for n, words in enumerate(pages, start=1):
        for _x0, y0, _x1, y1, word in words:
            assert y1 - y0 >= MIN_PT * BOX, (key, n, word, round((y1 - y0) / BOX, 1))
        for i, a in enumerate(words):  # wrapped text in a row too low for it runs over the next row
            for b in words[i + 1:]:  # (the lines of one paragraph overlap their boxes by about a fifth)
                dx = min(a[2], b[2]) - max(a[0], b[0])
                dy = min(a[3], b[3]) - max(a[1], b[1])
                assert not (dx > 1 and dy > 0.3 * min(a[3] - a[1], b[3] - b[1])), (key, n, "overlap", a[4], b[4])


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", [k for k, sheets in BOOKS.items() if sheets], ids=lambda k: f"{k[0]}-{k[1]}")
def test_headers_print_whole(printed: dict[tuple[str, str], Path], key: tuple[str, str], demos: Demos,
                             tmp_path: Path) -> None:
    folder = demos.copy(key[0], tmp_path / "p")
    wb = openpyxl.load_workbook(folder / key[1])
    pages = _pages(printed[key])
    for sheet in BOOKS[key]:
        ws = wb[sheet]
        printed_words = {w[4] for words in pages if sheet in _page_sheet(words) for w in words}
        assert printed_words, (key, sheet, "no page of the sheet")
        height = ws.row_dimensions[1].height or 15
        for cell in ws[1]:
            if not cell.value:
                continue
            width = _width(ws, cell.column)
            # the row is as high as the header's wrapped lines: nothing of it is cut off
            assert height >= 15 * wrapped_lines(cell.value, width, bold=True) - 1, (key, sheet, cell.value, height)
            for word in str(cell.value).split():  # a header never breaks inside a word («наставляемог / о»)
                assert word.strip("():,«»") in {w.strip("():,«»") for w in printed_words}, (key, sheet, word)


@pytest.mark.libreoffice
def test_a_wide_registry_is_split_with_its_key_columns_on_every_page(printed: dict[tuple[str, str], Path],
                                                                     demos: Demos, tmp_path: Path) -> None:
    folder = demos.copy("student", tmp_path / "p")
    ws = openpyxl.load_workbook(folder / "02_Заявки.xlsx")["Наставники"]
    widths = [ws.column_dimensions[c.column_letter].width for c in ws[1] if c.value]
    assert len(widths) >= 20 and pages_across(widths, 3) > 1
    pages = [words for words in _pages(printed[("student", "02_Заявки.xlsx")]) if "Наставники" in _page_sheet(words)]
    assert len(pages) >= pages_across(widths, 3)  # split across pages at MIN_SCALE or more, not squeezed into one
    first = (ws["A2"].value, ws["B2"].value, ws["C2"].value)  # code, surname, name of the first mentor
    for words in pages:
        texts = [w[4] for w in words]
        assert "Код" in texts and all(str(v) in texts for v in first), texts[:20]
        sizes = [w[3] - w[1] for w in words if w[4] == first[0]]
        assert min(sizes) >= 11 * MIN_SCALE * BOX * 0.95  # 11 pt text at the rule's scale, not squeezed
    # rows prepared for input (only a code) stay off the paper: the last code printed is the last one filled
    codes = {w[4] for words in pages for w in words if re.fullmatch(r"НК-\d{3}", w[4])}
    filled = {ws.cell(r, 1).value for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value}
    assert codes == filled


@pytest.mark.libreoffice
def test_monitoring_prints_decimal_commas(printed: dict[tuple[str, str], Path]) -> None:
    text = subprocess.run(["pdftotext", str(printed[("student", "Мониторинг.xlsx")]), "-"], capture_output=True,
                          check=True, text=True).stdout
    assert re.search(r"\b\d,\d\d?\b", text)
    assert not re.findall(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])", text)


@pytest.mark.libreoffice
def test_export_and_rollup_print_at_8_pt_or_more(demos: Demos, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from cli_helpers import run_cli

    if office.find_soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("нужны LibreOffice и pdftotext")
    inbox = tmp_path / "inbox"
    for form in ("student", "teacher"):
        folder = demos.copy(form, tmp_path / form)
        code, _, err = run_cli(["export", str(folder), "--anonymize", "--out", str(inbox / f"{form}.xlsx"),
                                "--date", "31.05.2027"], capsys)  # the monitoring answered: its sheets filled
        assert code == 0, err
    code, _, err = run_cli(["rollup", str(inbox), "--out", str(tmp_path / "сводка.xlsx")], capsys)
    assert code == 0, err
    texts = {}
    for pdf in office.convert_to_pdf([inbox / "student.xlsx", tmp_path / "сводка.xlsx"], tmp_path / "pdf"):
        for n, words in enumerate(_pages(pdf), start=1):
            for _x0, y0, _x1, y1, word in words:
                assert y1 - y0 >= MIN_PT * BOX, (pdf.name, n, word, round((y1 - y0) / BOX, 1))
        texts[pdf.stem] = " ".join(w[4] for words in _pages(pdf) for w in words)
    # the monitoring's sheets are printed too: the export's and the roll-up's, with the municipality's total
    assert "Мониторинг, этап 1: анкеты" in texts["student"] and "Мониторинг, этап 2: показатель" in texts["student"]
    assert "Мониторинг, этап 1: анкеты наставников" in texts["сводка"]
    assert "Мониторинг, этап 2: показатели наставляемых" in texts["сводка"]
    assert "Всего по муниципалитету" in texts["сводка"]
