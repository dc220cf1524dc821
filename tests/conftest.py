"""Fixtures shared by several test modules."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The adversarial corpus, built once per session (with LibreOffice unless NASTAVNIK_SKIP_LIBREOFFICE=1)."""
    make_corpus = load_make_corpus()
    libreoffice = os.environ.get("NASTAVNIK_SKIP_LIBREOFFICE") != "1"
    root = tmp_path_factory.mktemp("корпус") / "Корпус Наставника"
    built = make_corpus.build(root, libreoffice=libreoffice)
    assert [c.id for c in built] == [c.id for c in make_corpus.cases(libreoffice)]
    return root
