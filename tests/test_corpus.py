"""The adversarial corpus through the real command line: no traceback, a Russian message naming the file
and the place, the right exit code, not one byte of the inputs changed, and no file created but those the
command may write (a refusal leaves no backup behind).

The corpus is built once per session by ``tests/corpus/make_corpus.py`` (its cases are listed without
building anything, so every case is its own test with a readable id). Most cases run the command in this
process (``toolkit.cli.main``); the ones marked ``isolate`` — a value in the far corner of a sheet, which
python-calamine would turn into an abort if the guard failed, a template field that would eat the memory —
run in a child process with a bounded address space, and one zip bomb there proves the memory bound.

LibreOffice makes the .ods and .xls cases; without ``soffice`` the corpus fails to build (CI installs it),
unless ``NASTAVNIK_SKIP_LIBREOFFICE=1``, which leaves those cases out.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Corpus, load_make_corpus

from toolkit.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent
make_corpus: Any = load_make_corpus()

LIBREOFFICE = os.environ.get("NASTAVNIK_SKIP_LIBREOFFICE") != "1"
CASES = make_corpus.cases(LIBREOFFICE)
CYRILLIC = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
CHILD_MEMORY = 8 << 30  # bytes of address space of a child process




def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 400
    kinds = ("сбор-", "шаблон-слияния-", "шаблон-приказа-", "итоги-", "мониторинг-")
    assert all(sum(c.id.startswith(kind) for c in CASES) >= 10 for kind in kinds[:3])
    assert all(any(c.id.startswith(kind) for c in CASES) for kind in kinds)
    assert len({c.id for c in CASES}) == len(CASES)


def _hashes(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h = hashlib.sha256()
            with path.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            out[path.relative_to(folder).as_posix()] = h.hexdigest()
    return out


def _run_here(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        cli_main(args)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else (0 if code is None else 2)), out + err


PEAK_KIB = '''def _peak_kib():  # this process's own peak (VmHWM); ru_maxrss keeps the parent's peak across exec on Linux
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
'''


def _run_child(args: list[str]) -> tuple[int, str, int]:
    """Run in a child process; also return the child's peak memory (MiB)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("NASTAVNIK_DEBUG", None)
    code = (  # the address space is bounded: a guard that failed gives a MemoryError, not a machine out of memory
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({CHILD_MEMORY}, {CHILD_MEMORY}))\n"
        + PEAK_KIB +
        "from toolkit.cli import main\n"
        "try:\n    main(sys.argv[1:])\n"
        "finally:\n"
        "    sys.stderr.write('\\n@peak=%d' % _peak_kib())\n"
    )
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, encoding="utf-8",
                            env=env, cwd=ROOT, timeout=60, check=False)
    err, _, peak = result.stderr.rpartition("\n@peak=")
    peak_kib = int(peak) if peak.isdigit() else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result.returncode, result.stdout + err, peak_kib // 1024


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(corpus: Corpus, case: Any, capsys: pytest.CaptureFixture[str]) -> None:
    folder = corpus.case(case.id)
    args = [a.replace("{case}", str(folder)) for a in case.args]
    before = _hashes(folder)
    started = time.monotonic()
    if case.isolate:
        code, output, peak_mib = _run_child(args)
        # bounded: far cells of .xlsx, .ods and .xls are refused before python-calamine builds a grid for them
        assert peak_mib < 400, f"память {peak_mib} МБ"
    else:
        code, output = _run_here(args, capsys)
    assert time.monotonic() - started < 30, "слишком долго"

    assert "Traceback" not in output and "Внутренняя ошибка" not in output, output
    assert code == case.code, output
    assert CYRILLIC & set(output.lower()), output
    if case.file:
        assert case.file in output, output
    for phrase in case.phrases:
        assert phrase in output, f"нет «{phrase}»:\n{output}"
    for place in case.place:
        assert place in output, f"нет «{place}»:\n{output}"

    after = _hashes(folder)
    changed = sorted(p for p, h in before.items() if after.get(p) != h and p not in case.may_change)
    assert not changed, f"изменены входные файлы: {changed}"
    allowed = [*case.may_change, *case.may_create]
    created = sorted(p for p in after if p not in before and not any(
        p == a or (a.endswith("/") and p.startswith(a)) for a in allowed))
    assert not created, f"созданы файлы: {created}"


def test_zip_bomb_is_refused_fast_with_bounded_memory(corpus: Corpus) -> None:
    """A 2 MB file unpacking to 2 GiB: refused within seconds, the child process stays small."""
    case = next(c for c in CASES if c.id == "02_Заявки-бомба-2-ГБ")
    folder = corpus.case(case.id)
    assert (folder / make_corpus.PROGRAM / "02_Заявки.xlsx").stat().st_size < 3 * 1024 * 1024
    started = time.monotonic()
    code, output, peak_mib = _run_child([a.replace("{case}", str(folder)) for a in case.args])
    assert time.monotonic() - started < 10
    assert code == 2 and "распаковывается в 2,0 ГБ" in output, output
    assert peak_mib < 300, f"память {peak_mib} МБ"
