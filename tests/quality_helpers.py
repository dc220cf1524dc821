"""The demo programs for the tests of numbers and words: ``demo_folders()[form]`` and ``copy_demo(form, target)``
give copies made by the suite's ``demos`` fixture (conftest.py), so that each test has its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_current: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def use_demos(demos: Any, tmp_path: Path) -> Iterator[None]:
    _current.update(demos=demos, tmp=tmp_path, copies={})
    yield
    _current.clear()


class _Folders:
    def __getitem__(self, form: str) -> Path:
        copies: dict[str, Path] = _current["copies"]
        if form not in copies:
            copies[form] = _current["demos"].copy(form, _current["tmp"] / f"demo-{form}")
        return copies[form]


def demo_folders() -> _Folders:
    return _Folders()


def copy_demo(form: str, target: Path) -> Path:
    return _current["demos"].copy(form, target)
