"""A batch of independent calls spread over the machine's two cores, results in the order of the calls.

The workers are spawned processes (not forked): safe from the desk's threads, and the same on Windows and
Linux. Starting one costs about half a second (Python and the toolkit are imported again), so a short batch
is done in this process; so is every batch on a one-core machine. What every call shares (a spec, a profile)
is sent to each worker once, not with every call.

A worker that dies (killed, out of memory) does not lose the batch: the calls are made again in this process;
each of them must therefore be safe to repeat (the rewrites of the toolkit are: an unchanged book is left as
it is). An error a call raises (a :class:`~toolkit.base.problems.NastavnikError`: a book open elsewhere) is
raised here as it would be without workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

R = TypeVar("R")

WORKERS = 2
MIN_CALLS = 60  # a shorter batch is done in this process: two workers would not repay their start
ENV_WORKERS = "NASTAVNIK_WORKERS"  # «1»: every batch in this process (for a machine that forbids processes)

_shared: Any = None  # in a worker: what every call of the batch shares


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(calls: int, min_calls: int | None = None) -> int:
    """How many worker processes a batch of ``calls`` gets: 0 — it is done in this process."""
    min_calls = MIN_CALLS if min_calls is None else min_calls
    wanted = os.environ.get(ENV_WORKERS, "")
    limit = int(wanted) if wanted.isdigit() and int(wanted) > 0 else WORKERS
    n = min(limit, cores())
    return n if n >= 2 and calls >= min_calls else 0


def _start(shared: Any) -> None:
    global _shared
    _shared = shared


def _call(fn: Callable[..., R], args: tuple[Any, ...]) -> R:
    return fn(_shared, *args)


def run_batch(fn: Callable[..., R], shared: Any, calls: Sequence[tuple[Any, ...]], *,
              min_calls: int | None = None) -> list[R]:
    """``[fn(shared, *args) for args in calls]``, by worker processes when the batch is long enough.

    ``fn`` must be a module-level function and ``shared`` and the arguments picklable."""
    n = workers_for(len(calls), min_calls)
    if not n:
        return [fn(shared, *args) for args in calls]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start, initargs=(shared,))
    except (OSError, ValueError):  # processes cannot be started here: the batch is done in this process
        return [fn(shared, *args) for args in calls]
    try:
        chunk = max(1, len(calls) // (n * 8))  # small enough to keep both workers busy to the end
        return list(pool.map(_call, [fn] * len(calls), calls, chunksize=chunk))
    except BrokenProcessPool:  # a worker died: every call again, here (each is safe to repeat)
        pool.shutdown(wait=True, cancel_futures=True)
        return [fn(shared, *args) for args in calls]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
