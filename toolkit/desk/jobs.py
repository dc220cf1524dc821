"""Work started from the page: one at a time per program, under the program lock, with its progress.

A job runs in a thread of its own; the page polls its state. Starting a second job of the same program while
one runs is refused with a sentence; a command-line run holding the program's lock refuses the job the same
way (``ProgramBusy``). Nothing personal is logged: a failure logs its kind only.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.base.lock import program_lock
from toolkit.base.problems import NastavnikError, Problem

log = logging.getLogger("toolkit.desk")


@dataclass
class Outcome:
    """What a finished action says: sentences, problems (as in ``check``), files made."""

    lines: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    failed: bool = False


Progress = Callable[[str, int, "int | None"], None]
Action = Callable[[Progress], Outcome]


@dataclass
class Job:
    id: str
    program: str  # the program's id in the desk
    title: str
    action_key: str
    fields: dict[str, str]
    state: str = "running"  # running | done | failed
    stage: str = "Подготовка"
    done: int = 0
    total: int | None = None
    started: float = field(default_factory=time.monotonic)
    outcome: Outcome | None = None
    error: str = ""

    def progress(self, stage: str, done: int, total: int | None) -> None:
        self.stage, self.done, self.total = stage, done, total


class Busy(NastavnikError):
    """A job of this program is already running in the desk."""


class Jobs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.jobs: dict[str, Job] = {}

    def running(self, program: str) -> Job | None:
        with self._lock:
            return next((j for j in self.jobs.values() if j.program == program and j.state == "running"), None)

    def running_any(self) -> Job | None:
        with self._lock:
            return next((j for j in self.jobs.values() if j.state == "running"), None)

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def start(self, program: str, folder: Path, title: str, action_key: str, fields: dict[str, str],
              action: Action, *, wait: bool = False) -> Job:
        with self._lock:
            other = next((j for j in self.jobs.values() if j.program == program and j.state == "running"), None)
            if other is not None:
                raise Busy(f"Уже идёт «{other.title}»: дождитесь окончания — одновременно две работы с одной "
                           "программой не выполняются.")
            job = Job(secrets.token_urlsafe(8), program, title, action_key, fields)
            self.jobs[job.id] = job
        thread = threading.Thread(target=self._run, args=(job, folder, action), daemon=True)
        thread.start()
        if wait:
            thread.join()
        return job

    @staticmethod
    def _run(job: Job, folder: Path, action: Action) -> None:
        try:
            with program_lock(folder, f"пульт: {job.title}", wait=1.0):
                job.outcome = action(job.progress)
            job.state = "failed" if job.outcome.failed else "done"
        except NastavnikError as exc:
            job.error = exc.message
            job.state = "failed"
        except Exception as exc:  # a bug of ours: a sentence on the page, the kind in the log, no personal data
            log.error("Пульт: внутренняя ошибка при работе «%s» (%s)", job.action_key, type(exc).__name__)
            job.error = (f"Внутренняя ошибка программы ({type(exc).__name__}). Сообщите разработчикам, что вы "
                         "делали, и нажмите «Повторить».")
            job.state = "failed"
