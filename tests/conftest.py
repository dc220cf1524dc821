"""Fixtures of the whole suite."""

from __future__ import annotations

import os

import pytest
from demo_helpers import Demos


@pytest.fixture(scope="session")
def demos(tmp_path_factory: pytest.TempPathFactory) -> Demos:
    """The demo programs of this run: ``demos.copy("student", tmp_path / "p")`` gives a test its own copy."""
    base = tmp_path_factory.getbasetemp()
    # the workers of one pytest-xdist run have their own base folders side by side in the run's folder
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo-programs"
    shared.mkdir(exist_ok=True)
    return Demos(shared)
