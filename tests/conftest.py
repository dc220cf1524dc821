"""Fixtures of the whole suite: the demo programs and the adversarial corpus, each built once per run."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import build_cache
import pytest
from demo_helpers import Demos

ROOT = Path(__file__).resolve().parent.parent
LIBREOFFICE = os.environ.get("NASTAVNIK_SKIP_LIBREOFFICE") != "1"


@pytest.fixture(scope="session")
def demos(tmp_path_factory: pytest.TempPathFactory) -> Demos:
    """The demo programs of this run: ``demos.copy("student", tmp_path / "p")`` gives a test its own copy."""
    base = tmp_path_factory.getbasetemp()
    # the workers of one pytest-xdist run have their own base folders side by side in the run's folder
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo-programs"
    shared.mkdir(exist_ok=True)
    return Demos(shared)


@pytest.fixture(scope="session", autouse=True)
def _demos_for_helpers(demos: Demos) -> None:
    """results_helpers.demo_folders() / copy_demo() for tests that ask outside a fixture."""
    import results_helpers

    results_helpers.DEMOS = demos


def load_make_corpus() -> Any:
    """tests/corpus/make_corpus.py as a module (one copy per session)."""
    if "make_corpus" in sys.modules:
        return sys.modules["make_corpus"]
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "tests" / "corpus" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module
    spec.loader.exec_module(module)
    return module


def _soffice_identity() -> str:
    """Which LibreOffice converts the .ods and .xls cases (another version may write other bytes)."""
    exe = (shutil.which("soffice") or shutil.which("libreoffice")) if LIBREOFFICE else None
    if exe is None:
        return "без LibreOffice"
    real = Path(exe).resolve()
    version = real.parent / "versionrc"  # beside soffice.bin in every LibreOffice installation
    return f"{real} {real.stat().st_mtime_ns} " + (version.read_text(errors="replace") if version.is_file() else "")


class Corpus:
    """The corpus as ``make_corpus.py`` builds it (``kept``) and this session's copies of its cases (``root``)."""

    def __init__(self, kept: Path, root: Path) -> None:
        self.kept, self.root = kept, root

    def case(self, case_id: str) -> Path:
        """The case's folder, copied from the build when first asked for (the command may write into it)."""
        folder = self.root / case_id
        if not folder.exists():
            build_cache.copy_fresh(self.kept / case_id, folder)
        return folder

    def fresh(self, case_id: str, folder: Path) -> Path:
        """A copy of the case as built, into ``folder`` (links kept as links): untouched by a test that ran the
        case before."""
        shutil.copytree(self.kept / case_id, folder, symlinks=True, copy_function=shutil.copy)
        return folder


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The corpus; each case is copied into this session's folder when its test runs (tests write into it).

    The build is kept between runs under the hash of ``make_corpus.py``, the toolkit it builds with (code,
    specs, templates), the installed packages, Python and LibreOffice (tests/build_cache.py); the workers
    of one pytest-xdist run share one build, and each copies only the cases it runs.
    """
    fresh = tmp_path_factory.mktemp("корпус")
    key = build_cache.key_of([ROOT / "tests" / "corpus", ROOT / "toolkit", ROOT / "workbook_templates",
                              ROOT / "doc_templates"], extra=f"libreoffice={LIBREOFFICE} {_soffice_identity()}")

    def build(folder: Path) -> None:
        built = load_make_corpus().build(folder, libreoffice=LIBREOFFICE)
        assert [c.id for c in built] == [c.id for c in load_make_corpus().cases(LIBREOFFICE)]

    kept = build_cache.cached_build("корпус", key, build, fresh / "сборка")
    assert load_make_corpus().load(kept) == load_make_corpus().cases(LIBREOFFICE)  # the manifest of the build lists exactly the cases collected here
    root = fresh / "Корпус Наставника"
    root.mkdir()
    return Corpus(kept, root)
