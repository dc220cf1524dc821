"""A batch spread over worker processes (:mod:`toolkit.base.parallel`) gives the results in the order of the
calls, raises a user's error as one process would, and survives a worker that dies."""

from __future__ import annotations

import os

import pytest

from toolkit.base import parallel
from toolkit.base.problems import NastavnikError


def _square(shared: int, x: int) -> tuple[int, int]:
    return x * x + shared, os.getpid()


def _refuse(shared: int, x: int) -> int:
    if x == 5:
        raise NastavnikError(f"Книга {x} открыта в другой программе.", exit_code=3)
    return x


def _die_in_worker(parent: int, x: int) -> int:
    if x == 7 and os.getpid() != parent:  # a worker killed half-way (out of memory, the task manager)
        os._exit(1)
    return x + 1


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_CALLS", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.delenv(parallel.ENV_WORKERS, raising=False)


def test_results_come_in_the_order_of_the_calls_from_other_processes(two_workers: None) -> None:
    out = parallel.run_batch(_square, 100, [(x,) for x in range(40)])
    assert [value for value, _ in out] == [x * x + 100 for x in range(40)]
    assert os.getpid() not in {pid for _, pid in out}  # made by the workers, not here


def test_a_short_batch_or_one_core_or_the_setting_keeps_the_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    assert {pid for _, pid in parallel.run_batch(_square, 0, [(1,), (2,)])} == {os.getpid()}  # under MIN_CALLS
    monkeypatch.setattr(parallel, "MIN_CALLS", 1)
    monkeypatch.setenv(parallel.ENV_WORKERS, "1")
    assert parallel.workers_for(500) == 0
    monkeypatch.delenv(parallel.ENV_WORKERS)
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert parallel.workers_for(500) == 0


def test_a_users_error_in_a_worker_is_raised_here_with_its_exit_code(two_workers: None) -> None:
    with pytest.raises(NastavnikError) as raised:
        parallel.run_batch(_refuse, None, [(x,) for x in range(20)])
    assert raised.value.message == "Книга 5 открыта в другой программе." and raised.value.exit_code == 3


def test_a_worker_that_dies_costs_time_not_the_batch(two_workers: None) -> None:
    assert parallel.run_batch(_die_in_worker, os.getpid(), [(x,) for x in range(20)]) == list(range(1, 21))
