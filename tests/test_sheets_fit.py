"""Workbooks as people see them: row heights fitted to wrapped text when written (LibreOffice does not grow
them on load), headers never broken inside a word, decimal commas whatever the office's language, a 1–5 scale
axis that runs 1–5."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run_cli
from results_helpers import demo_folders

from toolkit.books.writer import header_width, wrapped_lines


def test_wrapped_lines_counts_words_not_characters() -> None:
    assert wrapped_lines("Регулярные встречи", 30) == 1
    assert wrapped_lines("нет согласия на обработку персональных данных (для несовершеннолетнего — от родителя "
                         "или законного представителя)", 70) == 2
    assert wrapped_lines("первая\nвторая", 40) == 2
    assert header_width("Код наставляемого", 12) >= len("наставляемого") * 1.15


def test_settings_rows_are_as_high_as_their_wrapped_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(["init", str(tmp_path / "p"), "--form", "ученик-ученик"], capsys)
    ws = openpyxl.load_workbook(tmp_path / "p" / "00_Настройки.xlsx")["Настройки"]
    long_rows = [r for r in range(2, ws.max_row + 1)
                 if len(str(ws.cell(r, 3).value or "")) > 70 or len(str(ws.cell(r, 1).value or "")) > 45]
    assert long_rows
    for r in long_rows:
        assert (ws.row_dimensions[r].height or 0) >= 30, (r, ws.cell(r, 1).value)


def test_status_participants_rows_fit_and_testing_means_have_a_comma(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path(shutil.copytree(demo_folders()["student"], tmp_path / "p"))
    run_cli(["status", str(folder), "--date", "15.02.2027"], capsys)
    wb = openpyxl.load_workbook(folder / "Статус программы.xlsx")
    ws = wb["Участники"]
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEF"}
    for r in range(2, ws.max_row + 1):
        need = max(wrapped_lines(ws[f"{c}{r}"].value, widths[c] or 10) for c in "ABCDEF")
        if need > 1:
            assert (ws.row_dimensions[r].height or 0) >= 15 * need, (r, ws[f"A{r}"].value)
    means = [c for row in wb["Тестирование"].iter_rows(min_row=2) for c in row
             if isinstance(c.value, float) and not c.value.is_integer()]
    assert means and all(c.number_format == "[$-419]0.0" for c in means)


def test_monitoring_scale_axis_and_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path(shutil.copytree(demo_folders()["student"], tmp_path / "p"))
    code, _, _ = run_cli(["monitor", str(folder), "--date", "15.02.2027"], capsys)
    assert code == 0
    with zipfile.ZipFile(folder / "Мониторинг.xlsx") as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
    bar = next(c for c in charts if "barDir val=\"bar\"" in c)
    assert re.search(r'<c:valAx>.*?<c:min val="1"/>.*?</c:valAx>', bar, re.S)
    assert 'formatCode="[$-419]0.0"' in bar
