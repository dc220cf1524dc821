"""One lock per program folder: two commands (or a command and the desk) never write a program's books at once.

The lock is an operating-system lock (``filelock``: ``flock`` on Linux, ``msvcrt.locking`` on Windows) on a
file named after the program folder's full path, in the user's temporary folder: nothing appears in the
program folder (which people copy and e-mail). The system releases it when the holding process ends, however it ends, so a
killed command leaves no stale lock to clean up. Beside it, a small JSON note says who holds the lock (command,
pid, process start time, since when), only to word the refusal; a note left by a dead process is ignored.

The lock is reentrant inside one thread (a command that calls another step of the core takes it again freely)
and exclusive between threads and processes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import filelock
import psutil

from toolkit.base.problems import NastavnikError

LOCKS_DIR = "nastavnik-locks"
DEFAULT_WAIT = 5.0  # seconds a second command waits for the first before it refuses (NASTAVNIK_LOCK_WAIT)

_held = threading.local()
F = TypeVar("F", bound=Callable[..., Any])


def _lock_files(folder: Path) -> tuple[Path, Path]:
    """The lock file and the holder's note of a program folder (by its resolved path, case-folded on Windows)."""
    key = str(folder.resolve())
    if os.name == "nt":
        key = key.casefold()
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    where = Path(tempfile.gettempdir()) / LOCKS_DIR
    where.mkdir(parents=True, exist_ok=True)
    return where / f"{digest}.lock", where / f"{digest}.json"


def _default_wait() -> float:
    try:
        return float(os.environ.get("NASTAVNIK_LOCK_WAIT", DEFAULT_WAIT))
    except ValueError:
        return DEFAULT_WAIT


class ProgramBusy(NastavnikError):
    """Another command holds the program's lock."""

    def __init__(self, folder: Path, holder: str) -> None:
        self.folder = folder
        self.holder = holder
        super().__init__(
            f"Программа «{folder.name}» занята другой командой ({holder}), повторите позже.", exit_code=2
        )


def _process_started(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except (psutil.Error, OSError):
        return None


def holder_of(folder: Path) -> str:
    """Who holds the lock, in words («nastavnik collect, процесс 1234, с 10:42»); empty if nobody alive does."""
    try:
        note = json.loads(_lock_files(folder)[1].read_text(encoding="utf-8"))
        pid, started = int(note["pid"]), float(note["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    alive = _process_started(pid)
    if alive is None or abs(alive - started) > 1.0:  # dead, or the pid now belongs to another process
        return ""
    since = time.strftime("%H:%M", time.localtime(float(note.get("since", started))))
    return f"«{note.get('command', 'nastavnik')}», процесс {pid}, с {since}"


def _depth(folder: Path) -> dict[str, int]:
    if not hasattr(_held, "depth"):
        _held.depth = {}
    depth: dict[str, int] = _held.depth
    return depth


@contextmanager
def program_lock(folder: Path, command: str, wait: float | None = None) -> Iterator[None]:
    """Hold the program folder's lock while the block runs; refuse with :class:`ProgramBusy` after ``wait`` s.

    ``command`` names the holder in the other party's refusal («nastavnik import», «пульт: сбор книг пар»).
    A folder that does not exist yet (``init``) has nothing to protect and is not locked.
    """
    folder = Path(folder).resolve()
    key = str(folder)
    depth = _depth(folder)
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    if not folder.is_dir():
        yield
        return
    try:
        lock_path, note_path = _lock_files(folder)
    except OSError:  # no temporary folder to lock in: work unlocked rather than not at all
        yield
        return
    lock = filelock.FileLock(str(lock_path), is_singleton=False, thread_local=False)
    try:
        lock.acquire(timeout=_default_wait() if wait is None else wait, poll_interval=0.05)
    except filelock.Timeout:
        raise ProgramBusy(folder, holder_of(folder) or "другой процесс") from None
    depth[key] = 1
    try:
        try:
            pid = os.getpid()
            note = {"command": command, "pid": pid, "started": _process_started(pid) or 0.0, "since": time.time()}
            note_path.write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
        except OSError:
            pass
        yield
    finally:
        depth.pop(key, None)
        try:
            note_path.unlink(missing_ok=True)
        except OSError:
            pass
        lock.release()


def locks_program(command: str) -> Callable[[F], F]:
    """Decorate a core function whose first argument is a program (anything with ``.root``): it runs under
    the program's lock, so the CLI, the desk and scripts are all covered by the core itself."""

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def locked(program: Any, *args: Any, **kwargs: Any) -> Any:
            with program_lock(Path(program.root), command):
                return func(program, *args, **kwargs)

        return cast(F, locked)

    return wrap
