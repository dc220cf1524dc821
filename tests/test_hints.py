"""Hints printed by commands run as pasted: a command quoted for the user's shell (POSIX or Windows), on a line
of its own, and every command ends by saying what to do next — also after a clean check and a status."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import run_cli
from results_helpers import demo_folders

from toolkit.base.shell import command, quote


def test_posix_quoting_survives_the_shell(tmp_path: Path) -> None:
    folder = tmp_path / "Наставничество 2026 (10 «А»)" / "it's here"
    hint = command("check", folder, windows=False)
    assert hint.startswith("nastavnik check '")
    assert "«" not in hint.split("check ", 1)[1][:1]
    # the shell gives back exactly the path typed
    out = subprocess.run(["sh", "-c", hint.replace("nastavnik", "printf %s", 1)], capture_output=True, text=True,
                         check=True).stdout
    assert out == "check" + str(folder)


def test_windows_quoting_uses_double_quotes() -> None:
    assert quote(r"C:\Школа\Наставничество 2026", windows=True) == '"C:\\Школа\\Наставничество 2026"'
    assert quote(r"C:\Школа\Программа", windows=True) == r"C:\Школа\Программа"
    assert command("match", r"D:\Мои документы", "--scheme", "предложение", windows=True) == (
        'nastavnik match "D:\\Мои документы" --scheme предложение')


def _copy(form: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_folders()[form], tmp_path / "Программа с пробелом"))


def _last_command(out: str) -> list[str]:
    lines = out.rstrip().splitlines()
    assert lines[-2].startswith("Дальше: ") and lines[-2].endswith(":"), lines[-3:]
    return shlex.split(lines[-1].strip())


def test_clean_check_says_what_next(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy("student", tmp_path)  # the teacher demo has a warned mentor without the agreement (ст. 351.8)
    code, out, _ = run_cli(["check", str(folder)], capsys)
    assert code == 0 and "Проблем не найдено" in out
    assert _last_command(out) == ["nastavnik", "status", str(folder)]


def test_status_says_what_next(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy("teacher", tmp_path)
    code, out, _ = run_cli(["status", str(folder), "--no-workbook", "--date", "15.02.2027"], capsys)
    assert code == 0
    assert _last_command(out) == ["nastavnik", "monitor", str(folder)]


def test_errors_line_gives_a_command_that_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from toolkit.base.messages import line

    text = line("books-have-errors", count=1, books="«06_Итоги.xlsx»", check=command("check", tmp_path / "a b"))
    assert text.splitlines()[-1].strip() == f"nastavnik check {shlex.quote(str(tmp_path / 'a b'))}"


def test_status_on_an_80_column_terminal_never_breaks_a_word(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from toolkit.base.problems import Report
    from toolkit.checks.program import load_program
    from toolkit.logic.readiness import compute_status
    from toolkit.model.program import Program

    monkeypatch.setenv("COLUMNS", "80")
    folder = demo_folders()["student"]
    code, out, _ = run_cli(["status", str(folder), "--no-workbook", "--date", "15.02.2027"], capsys)
    assert code == 0
    rich_part = out.split("Книга статуса")[0].split("Дальше:")[0]
    assert max(len(line) for line in rich_part.splitlines()) <= 80
    status = compute_status(load_program(Program.open(folder), Report()), None)
    words = {w for s in status.participants for text in (s.name, s.stage_name, *s.missing, s.role_name.lower())
             for w in re.findall(r"\w+", text)}
    body = out.split("Наставников:")[0]
    printed = set(re.findall(r"\w+", body))
    assert "персональных" in printed
    broken = {w for w in printed - words if not w.isdigit()} - {"Участники", "программы", "Ученик", "ученик",
                                                                  "обучение", "из", "не", "хватает", "НК", "НЯ"}
    assert broken == set()
