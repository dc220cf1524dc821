"""Inputs that used to crash readers: they end in a Russian message and an exit code, never an abort."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
from demo_helpers import Demos

from toolkit.books.extent import sheet_extents

ROOT = Path(__file__).resolve().parent.parent


def test_value_in_xfd1048576_is_reported_not_an_abort(demos: Demos, tmp_path: Path) -> None:
    folder = tmp_path / "далёкая ячейка"
    demos.copy("student", folder, "written")
    path = folder / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Наставники"]["XFD1048576"] = "x"
    wb.save(path)
    before = path.read_bytes()
    assert sheet_extents(path)["Наставники"] == (1048576, 16384)
    # a subprocess: python-calamine would abort the whole process on such a sheet
    result = subprocess.run([sys.executable, "-m", "toolkit.cli", "check", str(folder)], capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "02_Заявки.xlsx",
        "  [ошибка] лист «Наставники», ячейка XFD1048576: Заполненная область листа доходит до ячейки XFD1048576 "
        "(1048576 строк × 16384 столбцов), а допускается не более 100000 строк и 500 столбцов: лист читается в память "
        "целиком. Перейдите к ячейке "
        "XFD1048576 (Ctrl+End), удалите лишние строки и столбцы и сохраните файл.",
        "Всего: ошибок 1, предупреждений 0.",
    ]
    assert result.stdout.splitlines()[3].startswith("Дальше:")  # what to do next, after the problems
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_extent_of_a_normal_workbook(demos: Demos, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    demos.copy("student", folder, "written")
    extents = sheet_extents(folder / "02_Заявки.xlsx")
    assert extents["Наставники"] == (61, 20)  # 60 prepared IDs under the header, 20 columns
    assert sheet_extents(folder / "Вопросы для анкеты.txt") == {}
