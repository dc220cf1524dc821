"""The program lock: a second process waits, then refuses naming the holder; a killed holder frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import run_cli_joined
from demo_helpers import Demos

from toolkit.base.lock import ProgramBusy, _lock_files, holder_of, program_lock

HOLD = """
import sys, time
from pathlib import Path
from toolkit.base.lock import program_lock
with program_lock(Path(sys.argv[1]), "nastavnik collect"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(folder: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), str(seconds)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def _finish(proc: subprocess.Popen[str]) -> None:
    proc.communicate()


def test_second_command_refused_with_the_holder_named(tmp_path: Path) -> None:
    proc = _holder(tmp_path, 30)
    try:
        assert "nastavnik collect" in holder_of(tmp_path)
        started = time.monotonic()
        with pytest.raises(ProgramBusy) as exc, program_lock(tmp_path, "nastavnik import", wait=0.5):
            pass
        assert time.monotonic() - started >= 0.45
        assert "занята другой командой" in exc.value.message and "nastavnik collect" in exc.value.message
        assert f"процесс {proc.pid}" in exc.value.message
    finally:
        proc.kill()
        _finish(proc)


def test_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    proc = _holder(tmp_path, 30)
    os.kill(proc.pid, signal.SIGKILL)
    _finish(proc)
    assert _lock_files(tmp_path)[1].exists()  # its note is left behind...
    assert holder_of(tmp_path) == ""  # ...but recognised as a dead process's
    with program_lock(tmp_path, "nastavnik import", wait=0.5):
        assert "nastavnik import" in holder_of(tmp_path)
    assert not _lock_files(tmp_path)[1].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing in the program folder itself


def test_second_command_waits_for_a_short_first_one(tmp_path: Path) -> None:
    proc = _holder(tmp_path, 0.8)
    started = time.monotonic()
    with program_lock(tmp_path, "nastavnik import", wait=10):
        assert time.monotonic() - started > 0.5  # it waited for the first one rather than overlapping
    _finish(proc)


def test_reentrant_in_one_thread(tmp_path: Path) -> None:
    with program_lock(tmp_path, "nastavnik match"), program_lock(tmp_path, "nastavnik status", wait=0.1):
        pass


def test_a_command_on_a_busy_program_is_refused_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, demos: Demos) -> None:
    """`import` while `collect` holds the program: exit 2, the holder named, the registry untouched."""
    folder = demos.copy("student", tmp_path / "Программа")
    export = tmp_path / "ответы.csv"
    export.write_text("Роль,ФИО,Пол,Класс\nНаставник,Новикова Вера Игоревна,ж,10А\n", encoding="utf-8")
    registry = (folder / "02_Заявки.xlsx").read_bytes()
    monkeypatch.setenv("NASTAVNIK_LOCK_WAIT", "0.5")
    proc = _holder(folder, 30)
    try:
        code, out = run_cli_joined(["import", str(folder), str(export)], capsys)
    finally:
        proc.kill()
        _finish(proc)
    assert code == 2, out
    assert "занята другой командой" in out and "nastavnik collect" in out, out
    assert (folder / "02_Заявки.xlsx").read_bytes() == registry
    code, out = run_cli_joined(["import", str(folder), str(export)], capsys)  # the holder gone: it runs
    assert code == 0, out
