"""One rewrite path: a renamed column in any book a command rewrites is refused the same way by every command
(exit 2, the book, the column, «не перезаписана»), and the book is left byte for byte, with no backup made."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run_cli_joined as run
from demo_helpers import Demos

EXPORT = ("Отметка времени,Роль,ФИО,Пол,Класс\n"
          "25.09.2026 10:00:00,Наставник,Новикова Вера Игоревна,ж,10А\n")

CASES = [  # book, sheet, column renamed, command (after the folder)
    ("02_Заявки.xlsx", "Наставники", "Пол", ["import", "{folder}", "{export}"]),
    ("04_Пары.xlsx", "Пары", "ФИО наставника", ["match", "{folder}", "--scheme", "анкеты"]),
    ("05_Работа пар.xlsx", "Цели", "Горизонт", ["collect", "{folder}", "{inbox}"]),
    ("06_Итоги.xlsx", "Результаты", "ФИО наставляемого", ["results", "{folder}"]),
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("book", "sheet", "column", "command"), CASES, ids=[c[0] for c in CASES])
def test_a_renamed_column_is_refused_alike_by_every_rewriting_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], demos: Demos, book: str, sheet: str, column: str,
        command: list[str]) -> None:
    folder = demos.copy("student", tmp_path / "Программа")
    path = folder / book
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = next(c for c in ws[1] if c.value == column)
    header.value = f"{column} (переименован)"
    wb.save(path)
    before = _digest(path)
    (tmp_path / "ответы.csv").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "Входящие").mkdir()
    args = [a.format(folder=folder, export=tmp_path / "ответы.csv", inbox=tmp_path / "Входящие") for a in command]
    backups = folder / "Резервные копии"
    backed_up = sorted(backups.rglob("*")) if backups.exists() else []

    code, out = run(args, capsys)

    assert code == 2, out
    assert book in out and f"«{column}»" in out and "не перезаписана" in out, out
    assert "Traceback" not in out
    assert _digest(path) == before
    assert (sorted(backups.rglob("*")) if backups.exists() else []) == backed_up
