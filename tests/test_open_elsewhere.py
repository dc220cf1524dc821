"""Every command that writes refuses a target open in another program, and writes nothing at all then.

For each command that writes a file (the program's workbooks, the status and monitoring books, the order,
letters and certificates, the pairs' workbooks, the anonymised export) the file it would write is «open»:
Excel's lock file ``~$…``, LibreOffice's ``.~lock.…#``, or (as on Windows, where no lock file is needed)
the system refuses to replace it. The command says so in one Russian sentence naming the file and telling
the user to close it, exits with code 2, prints no traceback, and no file of the folder changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli_joined as run
from demo_helpers import Demos

from toolkit.cli import main

INBOX = "Книги пар — входящие"
OUTBOX = "Книги пар — рассылка"
EXPORT = "Для муниципалитета.xlsx"




@pytest.fixture(scope="module")
def demo(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = demos.copy("student", tmp_path_factory.mktemp("демо") / "ученик-ученик")
    assert main_quiet(["export", str(root), "--anonymize", "--out", str(root / EXPORT)]) == 0
    return root


def main_quiet(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def first(folder: str, pattern: str) -> Callable[[Path], str]:
    def pick(root: Path) -> str:
        return str(sorted((root / folder).glob(pattern))[0].relative_to(root))

    return pick


def export_csv(root: Path) -> str:
    path = root.parent / "ответы.csv"
    path.write_text("Роль,Фамилия,Имя,Пол,Класс\nНаставник,Новикова,Вера,ж,10А\n", encoding="utf-8")
    return str(path)


# (command, its arguments after the folder, the file it writes — relative to the program folder)
COMMANDS: list[tuple[str, Callable[[Path], list[str]], Callable[[Path], str]]] = [
    ("import", lambda r: [export_csv(r)], lambda r: "02_Заявки.xlsx"),
    ("match", lambda r: ["--scheme", "анкеты"], lambda r: "04_Пары.xlsx"),
    ("results", lambda r: ["--date", "20.05.2027"], lambda r: "06_Итоги.xlsx"),
    ("status", lambda r: [], lambda r: "Статус программы.xlsx"),
    ("monitor", lambda r: ["--date", "15.03.2027"], lambda r: "Мониторинг.xlsx"),
    ("order", lambda r: ["--number", "7-о"], lambda r: "Приказ о закреплении наставнических пар.docx"),
    ("docs", lambda r: ["--kind", "грамоты"], first("Документы", "Грамота — *.docx")),
    ("docs", lambda r: ["--kind", "отчёт"], first("Документы", "Отчёт*.docx")),
    ("distribute", lambda r: ["--out", str(r / OUTBOX)], first(OUTBOX, "П-00*.xlsx")),
    ("export", lambda r: ["--anonymize", "--out", str(r / EXPORT)], lambda r: EXPORT),
]
IDS = [f"{c}-{n}" for n, (c, _, _) in enumerate(COMMANDS)]


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("lock", ["~${}", ".~lock.{}#"])
@pytest.mark.parametrize(("command", "args", "target"), COMMANDS, ids=IDS)
def test_a_target_with_a_lock_file_is_refused(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              command: str, args: Callable[[Path], list[str]],
                                              target: Callable[[Path], str], lock: str) -> None:
    root = Path(shutil.copytree(demo, tmp_path / "ученик-ученик"))
    written = root / target(root)
    (written.parent / lock.format(written.name)).write_bytes(b"Vera")
    before = digests(root)
    code, output = run([command, str(root), *args(root)], capsys)
    assert code == 2, output
    assert "Traceback" not in output
    assert f"«{written.name}» открыт в другой программе" in output, output
    assert "Закройте его и повторите команду." in output
    assert digests(root) == before


@pytest.mark.parametrize(("command", "args", "target"), COMMANDS, ids=IDS)
def test_a_replace_refused_by_the_system_is_a_message(demo: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch, command: str,
                                                      args: Callable[[Path], list[str]],
                                                      target: Callable[[Path], str]) -> None:
    """Windows: a file open in Excel cannot be replaced, and there may be no lock file to see."""
    root = Path(shutil.copytree(demo, tmp_path / "ученик-ученик"))
    written = root / target(root)
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(dst) == written:
            raise PermissionError(13, "Отказано в доступе", str(dst))
        real_replace(src, dst)

    if written.suffix == ".xlsx":  # saved by a person since: the command has something new to write
        openpyxl.load_workbook(written).save(written)
    else:
        written.write_bytes(b"previous version")
    monkeypatch.setattr(os, "replace", replace)
    before = digests(root)[str(written.relative_to(root))]
    code, output = run([command, str(root), *args(root)], capsys)
    assert code == 2, output
    assert "Traceback" not in output
    assert f"Не удалось записать «{written.name}»: файл занят другой программой" in output, output
    assert hashlib.sha256(written.read_bytes()).hexdigest() == before
    assert not [p.name for p in written.parent.iterdir() if p.name.startswith(".~tmp-")]
