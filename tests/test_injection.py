"""Values people type never become formulas in the workbooks the toolkit writes.

Text beginning with «=», «+», «-», «@», a tab or a carriage return is typed into the registry (as text, the
way a spreadsheet keeps it when the cell is formatted as text or the value starts with an apostrophe) and
sent in a forms export; ``nastavnik import`` rewrites the registry and ``nastavnik status`` writes the status
workbook. In every sheet XML of both files there is no ``<f>`` element at all, and every such value is a
string cell holding exactly the text (spaces around it trimmed as everywhere).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run_cli_joined as _run
from demo_helpers import Demos

DANGEROUS = ["=1+1", "=HYPERLINK(\"http://example.com\";\"жми\")", "=cmd|' /C calc'!A0", "+7 914 000-00-00",
             "+СУММ(1;2)", "-2+3", "-не звонить-", "@SUM(1,2)", "@vk_ученик", "\t=1+1", "\r=1+1", "=1+1\n=2+2"]
HEADER = ["Отметка времени", "Роль", "Фамилия", "Имя", "Пол", "Класс", "Почему вы хотите стать наставником?",
          "Какие у вас навыки и сильные стороны?", "Любимый цвет"]




def formulas_in(path: Path) -> list[str]:
    """Every formula element in the sheets of an .xlsx (with the sheet part's name)."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                found += [f"{name}: {m}" for m in re.findall(r"<(?:\w+:)?f[ >/].{0,60}", xml)]
    return found


def string_cells(path: Path) -> dict[str, list[str]]:
    wb = openpyxl.load_workbook(path)
    out: dict[str, list[str]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    out.setdefault(ws.title, []).append(cell.value)
    return out


@pytest.fixture()
def program(demos: Demos, tmp_path: Path) -> Path:
    root = tmp_path / "Наставничество «=1+1»"
    demos.copy("student", root, "written")
    # a curator typed formula-like text into the registry (as text) and into a column of her own
    path = root / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Наставники"]
    header = [c.value for c in ws[1]]
    note = header.index("Примечание куратора") + 1
    ws.cell(row=1, column=len(header) + 1).value = "Кружок"
    for i, text in enumerate(DANGEROUS[:10], start=2):
        for column in (note, len(header) + 1):
            cell = ws.cell(row=i, column=column)
            cell.value = text
            cell.data_type = "s"
    wb.save(path)
    return root


def test_import_and_status_write_no_formulas(program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for i, text in enumerate(DANGEROUS):
        # the surname carries the text too: it reaches the status workbook («ФИО») as well
        writer.writerow(["25.09.2026 10:00:00", "Наставник", f"{text}Иванова{i}", "Анна", "ж", "10А", text, text, text])
    export = tmp_path / "ответы.csv"
    export.write_text(buffer.getvalue(), encoding="utf-8")

    code, output = _run(["import", str(program), str(export)], capsys)
    assert code in (0, 1), output
    assert f"наставники — {len(DANGEROUS)}" in output, output
    code, output = _run(["status", str(program)], capsys)
    assert code == 0, output

    registry = program / "02_Заявки.xlsx"
    status = program / "Статус программы.xlsx"
    for path in (registry, status):
        assert formulas_in(path) == [], path.name

    strings = string_cells(registry)["Наставники"]
    for i, text in enumerate(DANGEROUS):
        kept = text.strip()
        # the two imported answers (long texts), and for the first ten the note and «Кружок» typed in the registry
        assert strings.count(kept) >= (4 if i < 10 else 2), (text, kept)
    names = " ".join(string_cells(status)["Участники"])
    for i, text in enumerate(DANGEROUS):
        assert f"{text.strip().splitlines()[0]}" in names or f"Иванова{i}" in names
    assert all(not v.startswith("=") or v in [t.strip() for t in DANGEROUS] or "Иванова" in v
               for v in string_cells(status)["Участники"])


def test_writer_never_writes_formula_cells(demos: Demos, tmp_path: Path) -> None:
    """Every workbook a fresh program and the demo write: the only formulas are the program's own
    (conditional formats and validations), never a cell formula."""
    root = tmp_path / "пример"
    demos.copy("student", root, "written")
    for path in sorted(root.glob("*.xlsx")):
        assert formulas_in(path) == [], path.name
