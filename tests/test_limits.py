"""Every input limit of ``toolkit.base.files`` gives a message that names the limit and says why it exists.

The limits are lowered for the test (they are read when a file is opened), so that small files cross them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_helpers import run_cli_joined as _run
from demo_helpers import Demos

from toolkit.base import files
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.model.program import Program


@pytest.fixture(scope="module")
def demo(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("пределы") / "Наставничество"
    demos.copy("student", root, "written")
    return root


def registry_problems(demo: Path) -> list[tuple[str, str, str]]:
    report = Report()
    load_program(Program.open(demo), report)
    return [(p.code, p.sheet, p.message) for p in report if p.file == "02_Заявки.xlsx"]


@pytest.mark.parametrize(("limit", "value", "code", "phrases"), [
    ("MAX_INPUT_BYTES", 20_000, "file-too-large", ["при пределе 19,5 КБ", "читается в память целиком"]),
    ("MAX_UNPACKED_BYTES", 100_000, "file-bomb", ["при пределе 97,7 КБ", "повреждённый или вредоносный архив"]),
    ("MAX_ROWS", 100, "sheet-too-large", ["121 строк", "не более 100 строк", "читается в память целиком"]),
    ("MAX_COLUMNS", 10, "sheet-too-large", ["× 20 столбцов", "10 столбцов",
                                            "читается в память целиком"]),
    ("MAX_CELLS", 1000, "sheet-too-many-cells", ["= 1220 ячеек", "не более 1000 ячеек", "читается в память целиком"]),
], ids=["байты", "распакованные-байты", "строки", "столбцы", "ячейки"])
def test_each_limit_says_which_and_why(demo: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int,
                                       code: str, phrases: list[str]) -> None:
    monkeypatch.setattr(files, limit, value)
    problems = registry_problems(demo)
    assert problems, limit
    assert all(c == code for c, _, _ in problems), problems
    message = "\n".join(m for _, _, m in problems)
    for phrase in phrases:
        assert phrase in message, message




@pytest.mark.parametrize(("limit", "value", "content", "phrase"), [
    ("MAX_ROWS", 5, "ФИО,Пол\n" + "Орлов Глеб,м\n" * 6, "больше 5 строк ответов — столько заявок в одной школе не бывает"),
    ("MAX_COLUMNS", 3, "ФИО,Пол,Класс,Вопрос\nОрлов Глеб,м,6Б,да\n", "столбцов 4, допускается не более 3"),
], ids=["строки-csv", "столбцы-csv"])
def test_csv_export_limits(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                           limit: str, value: int, content: str, phrase: str) -> None:
    root = tmp_path / "p"
    shutil.copytree(demo, root)
    export = tmp_path / "ответы формы.csv"
    export.write_text(content, encoding="utf-8")
    before = (root / "02_Заявки.xlsx").read_bytes()
    monkeypatch.setattr(files, limit, value)
    code, output = _run(["import", str(root), str(export), "--role", "наставляемый"], capsys)
    assert code == 2, output
    assert output.startswith("Ошибка: ответы формы.csv: ") and phrase in output, output
    assert (root / "02_Заявки.xlsx").read_bytes() == before


def test_limits_are_generous_for_a_school(demo: Path) -> None:
    """The demo (a real school's size) is far inside every limit."""
    assert registry_problems(demo) == []
    assert files.MAX_ROWS >= 100_000 and files.MAX_COLUMNS >= 500 and files.MAX_INPUT_BYTES >= 50 * 1024 * 1024
