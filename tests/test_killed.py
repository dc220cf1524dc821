"""A command killed in the middle of writing (the task manager, a power cut) leaves every file whole.

Real processes, real kills: ``nastavnik import`` / ``match`` / ``results`` run as a child process and get
SIGKILL the moment their temporary file beside the workbook has content (the new version is half written),
or after a delay spread over the run. Afterwards the workbook is byte for byte the previous one or the
complete new one, every command still works on the folder, and the temporary file left by the killed
write is removed by a later write once it is older than any write could take.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from demo_helpers import Demos

from toolkit.base import files
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.model.program import Program

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="нужен SIGKILL (POSIX)")


def start(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    scratch = cwd / "scratch"  # the system's temporary folder of the child: its drafts are watched too
    scratch.mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "toolkit.cli", *args], cwd=cwd, env={**os.environ,
                            "TMPDIR": str(scratch)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _writing(folder: Path, suffix: str) -> bool:
    """A temporary file beside the workbook, or a draft in the child's temporary folder, has content."""
    drafts = (folder.parent / "scratch").rglob(f"*{suffix}")
    try:
        return any(p.stat().st_size > 0 for p in [*folder.glob(f".~tmp-*{suffix}"), *drafts])
    except OSError:
        return False


def kill_half_written(proc: subprocess.Popen[bytes], folder: Path, suffix: str, timeout: float = 120) -> bool:
    """SIGKILL the process as soon as the new version has content; True if it was caught writing."""
    deadline = time.monotonic() + timeout
    caught = False
    while proc.poll() is None and time.monotonic() < deadline:
        caught = _writing(folder, suffix)
        if caught:
            break
        time.sleep(0.0005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    return caught


def export(path: Path, people: int) -> Path:
    lines = ["Роль,Фамилия,Имя,Пол,Класс"] + [f"Наставник,Новикова{n},Вера,ж,10А" for n in range(people)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def readable(root: Path) -> Report:
    report = Report()
    load_program(Program.open(root), report)
    return report


@pytest.fixture(scope="module")
def student(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy("student", tmp_path_factory.mktemp("kill") / "Наставничество 2026", "written")


@pytest.fixture(scope="module")
def finished(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy("student", tmp_path_factory.mktemp("kill-demo") / "ученик-ученик")


def test_import_killed_half_way_then_run_again(student: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(student, tmp_path / "p"))
    registry = root / "02_Заявки.xlsx"
    before = registry.read_bytes()
    csv = export(tmp_path / "ответы.csv", 400)
    fatal_before = [p.code for p in readable(root) if p.severity == "error"]

    proc = start(["import", str(root), str(csv)], tmp_path)
    assert kill_half_written(proc, root, ".xlsx"), "процесс не застигнут во время записи"
    assert registry.read_bytes() == before  # the previous registry, byte for byte
    left = list(root.glob(".~tmp-*"))  # a half-written temporary (if the kill came during the copy into place)
    assert [p.code for p in readable(root) if p.severity == "error"] == fatal_before

    old = time.time() - files.STALE_TEMPORARY_SECONDS - 60
    for tmp in left:
        os.utime(tmp, (old, old))
    done = subprocess.run([sys.executable, "-m", "toolkit.cli", "import", str(root), str(csv)], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not list(root.glob(".~tmp-*"))  # the stale half-written file is gone, nothing else left
    data = load_program(Program.open(root), Report())
    names = {r.values.get("last_name") for r in data.books["applications"].tables["mentors"].rows}
    assert {f"Новикова{n}" for n in range(400)} <= names
    assert before in [p.read_bytes() for p in (root / files.BACKUP_DIR).iterdir()]


def test_a_fresh_temporary_file_of_a_running_write_is_not_touched(student: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(student, tmp_path / "p"))
    running = root / ".~tmp-abc123.xlsx"
    running.write_bytes(b"PK half written by another run")
    files.write_text_atomic(root / "заметка.txt", "текст")
    assert running.exists()


@pytest.mark.parametrize(("args", "target"), [
    (["match", "--scheme", "анкеты"], "04_Пары.xlsx"),
    (["results", "--date", "20.05.2027"], "06_Итоги.xlsx"),
])
def test_stage_commands_killed_half_way(finished: Path, tmp_path: Path, args: list[str], target: str) -> None:
    root = Path(shutil.copytree(finished, tmp_path / "p"))
    openpyxl.load_workbook(root / target).save(root / target)  # saved by a person since: there is news to write
    before = (root / target).read_bytes()
    errors = sorted((p.file, p.code) for p in readable(root) if p.severity == "error")
    proc = start([args[0], str(root), *args[1:]], tmp_path)
    assert kill_half_written(proc, root, ".xlsx"), "процесс не застигнут во время записи"
    assert (root / target).read_bytes() == before
    assert sorted((p.file, p.code) for p in readable(root) if p.severity == "error") == errors


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.85, 0.95])
def test_import_killed_at_any_moment(student: Path, tmp_path: Path, fraction: float) -> None:
    """Killed after a share of the usual run time: the registry is the old one or the whole new one."""
    csv = export(tmp_path / "ответы.csv", 400)
    probe = Path(shutil.copytree(student, tmp_path / "probe"))
    began = time.monotonic()
    subprocess.run([sys.executable, "-m", "toolkit.cli", "import", str(probe), str(csv)], cwd=tmp_path,
                   capture_output=True, check=True)
    duration = time.monotonic() - began
    complete = (probe / "02_Заявки.xlsx").read_bytes()

    root = Path(shutil.copytree(student, tmp_path / "p"))
    before = (root / "02_Заявки.xlsx").read_bytes()
    proc = start(["import", str(root), str(csv)], tmp_path)
    time.sleep(duration * fraction)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    after = (root / "02_Заявки.xlsx").read_bytes()
    if after != before:  # the rename happened: the new registry is whole (its bytes vary only by time stamps)
        assert len(after) > len(before) // 2 and abs(len(after) - len(complete)) < 2048
        data = load_program(Program.open(root), Report())
        assert len(data.books["applications"].tables["mentors"].rows) == len(
            load_program(Program.open(probe), Report()).books["applications"].tables["mentors"].rows)
