"""The demo programs, built once per test run and copied into each test (see the ``demo`` fixture in conftest.py).

Building the demo takes seconds (the whole story, stages 1–7, about ten); most tests only need its data. Each
state of the demo is built once per run — shared by the pytest-xdist workers of the run through a file lock, so
the second worker waits for the first instead of building again — and every test gets a fresh copy in its own
folder. The built folders themselves are never handed out: no test can change what another one reads. Tests
of the demo command itself (``nastavnik demo``) still run it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import filelock

FORMS = {"student": "ученик-ученик", "teacher": "педагог-педагог"}


def _build_written(base: Path) -> list[str]:
    from toolkit.demo.build import build_student, build_teacher

    build_student(base / FORMS["student"])
    build_teacher(base / FORMS["teacher"])
    return []


def _build_paired(base: Path) -> list[str]:
    from toolkit.demo.build import build_student, build_teacher, run_pairing_demo

    lines = []
    for form, build in (("student", build_student), ("teacher", build_teacher)):
        lines += run_pairing_demo(build(base / FORMS[form]))
    return lines


def _build_full(base: Path) -> list[str]:
    from toolkit.demo.build import run_demo

    return list(run_demo(base))


# state → how it is made (in the folder given, one sub-folder per form) and what the demo said meanwhile
STATES: dict[str, Callable[[Path], list[str]]] = {
    "written": _build_written,  # build_student / build_teacher: stages 1–3 as the demo writes them
    "paired": _build_paired,  # … then the pairing demo (stage 4: the three schemes and the order)
    "full": _build_full,  # run_demo, exactly what `nastavnik demo ПАПКА` makes: stages 1–7 and the status book
}
LINES = "demo-lines.json"


class Demos:
    """The demo programs of one test run; :meth:`copy` gives a test its own copy of one of them."""

    def __init__(self, shared: Path) -> None:
        self.shared = shared

    def _built(self, state: str) -> Path:
        folder = self.shared / state
        with filelock.FileLock(str(self.shared / f"{state}.lock")):
            if not folder.is_dir():
                building = Path(tempfile.mkdtemp(prefix=f".{state}-", dir=self.shared))
                lines = STATES[state](building)
                (building / LINES).write_text(json.dumps(lines, ensure_ascii=False), encoding="utf-8")
                building.rename(folder)  # whole or not at all: a build that failed is never taken for done
        return folder

    def copy(self, form: str, target: Path, state: str = "full") -> Path:
        """A copy of the ``form`` program («student» or «teacher») at ``state`` in ``target`` (must not exist)."""
        shutil.copytree(self._built(state) / FORMS[form], target)
        return target

    def copy_folder(self, name: str, target: Path, state: str = "full") -> Path:
        """A copy of the demo's folder ``name`` (e.g. «работодатель-ученик», the forms with a partner)."""
        shutil.copytree(self._built(state) / name, target)
        return target

    def copy_all(self, target: Path, state: str = "full") -> Path:
        """Both programs at ``state`` as the demo lays them out: ``target/ученик-ученик``, ``target/педагог-педагог``."""
        target.mkdir(parents=True, exist_ok=True)
        for form, name in FORMS.items():
            self.copy(form, target / name, state)
        return target

    def lines(self, state: str = "full") -> list[str]:
        """What the demo printed while making ``state`` (for «full», every line of `nastavnik demo`)."""
        lines: list[str] = json.loads((self._built(state) / LINES).read_text(encoding="utf-8"))
        return lines
