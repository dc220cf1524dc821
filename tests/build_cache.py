"""A folder that is slow to build (the hardening corpus), kept between test runs under the key of what made it.

The key is a SHA-256 of everything the build reads: the files and folders given (the build script, the
toolkit's code, specs and templates), the installed packages and their versions, the Python version, and
any extra text (LibreOffice's identity, options). Change any of them and the folder is built anew; the same
inputs give the same folder, so a run that finds it takes it as built.

The folder is built under a temporary name beside its final place and renamed when whole, under a file
lock: two pytest-xdist workers (or two test runs) never build it twice at once, and a build that failed
or was killed is never taken for a finished one. Tests never work in the kept folder: each session copies
it (:func:`copy_fresh`), so no test can change what a later run reads.

``NASTAVNIK_TEST_CACHE`` names the folder of the kept builds (default: ``nastavnik-test-cache`` in the
system's temporary folder); ``NASTAVNIK_TEST_CACHE=off`` builds afresh every time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import filelock

KEEP_UNUSED_SECONDS = 24 * 3600  # a kept build nobody used for this long is removed
KEEP_NEWEST = 4  # … and beyond the newest few, one unused for IN_USE_SECONDS (no run takes that long)
IN_USE_SECONDS = 2 * 3600
SKIPPED = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def cache_root() -> Path | None:
    setting = os.environ.get("NASTAVNIK_TEST_CACHE", "")
    if setting.lower() in ("off", "0", "no"):
        return None
    return Path(setting) if setting else Path(tempfile.gettempdir()) / "nastavnik-test-cache"


def _files(paths: Iterable[Path]) -> list[tuple[str, Path]]:
    """(name, file) for each file given and each file under each folder given (named from that folder)."""
    out: list[tuple[str, Path]] = []
    for path in paths:
        if path.is_dir():
            out += sorted((f"{path.name}/{p.relative_to(path).as_posix()}", p) for p in path.rglob("*")
                          if p.is_file() and not SKIPPED & set(p.parts) and p.suffix not in (".pyc", ".pyo"))
        else:
            out.append((path.name, path))
    return out


def key_of(inputs: Iterable[Path], extra: str = "") -> str:
    """SHA-256 of the inputs' names and bytes, the installed packages, Python and ``extra``."""
    digest = hashlib.sha256()
    for name, path in _files(inputs):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join([sys.version, *packages, extra]).encode())
    return digest.hexdigest()


def cached_build(name: str, key: str, build: Callable[[Path], None], fresh: Path) -> Path:
    """The folder ``build(folder)`` makes for ``key``: kept from an earlier run, or built now.

    Without a cache (``NASTAVNIK_TEST_CACHE=off``) it is built in ``fresh``.
    """
    root = cache_root()
    if root is None:
        build(fresh)
        return fresh
    root.mkdir(parents=True, exist_ok=True)
    kept = root / f"{name}-{key[:32]}"
    with filelock.FileLock(str(root / f"{name}-{key[:32]}.lock")):
        if not kept.is_dir():
            _remove_unused(root, name)
            building = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
            try:
                build(building / "folder")
                (building / "folder").rename(kept)  # whole or not at all
            finally:
                shutil.rmtree(building, ignore_errors=True)
        os.utime(kept)  # used: not removed as unused
    return kept


def copy_fresh(source: Path, target: Path) -> Path:
    """A copy of ``source`` whose files are as new as a fresh build's: contents and permissions, not the times
    (the toolkit treats old temporary files as left by a killed write)."""
    return Path(shutil.copytree(source, target, copy_function=shutil.copy))


def _remove_unused(root: Path, name: str) -> None:
    """Remove kept builds of ``name`` nobody used for a day, and beyond the newest few those unused for two
    hours (every toolkit change makes a new key: the old builds would fill the temporary folder)."""
    now = time.time()
    kept = []
    for old in [*root.glob(f"{name}-*"), *root.glob(f".{name}-*")]:
        try:
            if old.is_dir():
                kept.append((old.stat().st_mtime, old))
        except OSError:
            pass
    kept.sort(reverse=True)
    for rank, (used, old) in enumerate(kept):
        if now - used > KEEP_UNUSED_SECONDS or (rank >= KEEP_NEWEST and now - used > IN_USE_SECONDS):
            shutil.rmtree(old, ignore_errors=True)
