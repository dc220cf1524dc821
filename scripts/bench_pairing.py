"""Benchmark of toolkit.logic.pairing against PyPI ``matching`` on a seeded random instance.

Usage: python scripts/bench_pairing.py [--mentees 2000 --mentors 500 --capacity 4 --wishes 10]
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.logic.pairing import best_assignment, stable_assignment  # noqa: E402

T = TypeVar("T")
Wishes = dict[str, list[str]]


def timed(func: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Best wall time of ``repeat`` runs and the last result."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def make_wishes(
    rng: random.Random, n_mentees: int, n_mentors: int, n_wishes: int, capacity: int
) -> tuple[Wishes, Wishes, dict[str, int]]:
    """Each side wishes ``n_wishes`` names; about 70 % of a mentor's wishes are reciprocated."""
    mentees = [f"Ученик {i}" for i in range(n_mentees)]
    mentors = [f"Наставник {i}" for i in range(n_mentors)]
    mentee_wishes = {s: rng.sample(mentors, min(n_wishes, n_mentors)) for s in mentees}
    wished_by: Wishes = {m: [] for m in mentors}
    for s, wishes in mentee_wishes.items():
        for m in wishes:
            wished_by[m].append(s)
    mentor_wishes: Wishes = {}
    for m in mentors:
        mutual = rng.sample(wished_by[m], min(len(wished_by[m]), round(n_wishes * 0.7)))
        others = rng.sample(mentees, min(n_mentees, n_wishes - len(mutual)))
        wishes = list(dict.fromkeys(mutual + others))
        rng.shuffle(wishes)
        mentor_wishes[m] = wishes
    return mentee_wishes, mentor_wishes, dict.fromkeys(mentors, capacity)


def mutual_dictionaries(
    mentee_wishes: Wishes, mentor_wishes: Wishes, capacity: dict[str, int]
) -> tuple[Wishes, Wishes, dict[str, int]]:
    """Clean input for ``matching``: only mutual wishes, nobody with an empty list."""
    ranked = {m: set(ss) for m, ss in mentor_wishes.items()}
    residents = {s: [m for m in ws if s in ranked[m]] for s, ws in mentee_wishes.items()}
    residents = {s: ws for s, ws in residents.items() if ws}
    hospitals = {m: [s for s in ss if m in residents.get(s, ())] for m, ss in mentor_wishes.items()}
    hospitals = {m: ss for m, ss in hospitals.items() if ss}
    return residents, hospitals, {m: capacity[m] for m in hospitals}


def run_matching(
    mentee_wishes: Wishes, mentor_wishes: Wishes, capacity: dict[str, int], recursion_limit: int
) -> tuple[float, Wishes | str]:
    """Time PyPI ``matching`` HospitalResident; a crash is returned as a Russian note."""
    from matching.games import HospitalResident

    residents, hospitals, caps = mutual_dictionaries(mentee_wishes, mentor_wishes, capacity)
    outcome: list[tuple[float, Wishes | str]] = []

    def work() -> None:
        start = time.perf_counter()
        try:
            game = HospitalResident.create_from_dictionaries(residents, hospitals, caps)
            solved = game.solve(optimal="resident")
        except RecursionError:
            outcome.append((time.perf_counter() - start, "упал: RecursionError"))
            return
        elapsed = time.perf_counter() - start
        result: Wishes = {m: [] for m in capacity}
        result.update({h.name: [r.name for r in rs] for h, rs in solved.items()})
        outcome.append((elapsed, result))

    if recursion_limit <= sys.getrecursionlimit():
        work()
        return outcome[0]
    # A deeper recursion needs a bigger C stack: run in a thread with 512 MiB of stack.
    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size(512 * 1024 * 1024)
    sys.setrecursionlimit(recursion_limit)
    try:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    finally:
        sys.setrecursionlimit(old_limit)
        threading.stack_size(old_stack)
    return outcome[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Замер скорости подбора пар наставник — наставляемый.")
    parser.add_argument("--mentees", type=int, default=2000, help="число наставляемых (2000)")
    parser.add_argument("--mentors", type=int, default=500, help="число наставников (500)")
    parser.add_argument("--capacity", type=int, default=4, help="мест у каждого наставника (4)")
    parser.add_argument("--wishes", type=int, default=10, help="пожеланий у каждого участника (10)")
    parser.add_argument("--seed", type=int, default=2024, help="зерно генератора случайных чисел")
    parser.add_argument("--repeat", type=int, default=3, help="повторов замера, берётся лучший (3)")
    parser.add_argument(
        "--matching-recursion-limit",
        type=int,
        default=200_000,
        help="второй прогон matching с этим пределом рекурсии в потоке с большим стеком (0 — не делать)",
    )
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    print(
        f"Экземпляр: {args.mentees} наставляемых, {args.mentors} наставников по {args.capacity} места, "
        f"по {args.wishes} пожеланий с каждой стороны, зерно {args.seed}."
    )
    mentee_wishes, mentor_wishes, capacity = make_wishes(
        rng, args.mentees, args.mentors, args.wishes, args.capacity
    )
    ours_stable_s, ours_stable = timed(
        lambda: stable_assignment(mentee_wishes, mentor_wishes, capacity), args.repeat
    )
    default_limit = sys.getrecursionlimit()
    matching_runs = [(default_limit, *run_matching(mentee_wishes, mentor_wishes, capacity, default_limit))]
    if args.matching_recursion_limit > default_limit:
        limit = args.matching_recursion_limit
        matching_runs.append((limit, *run_matching(mentee_wishes, mentor_wishes, capacity, limit)))

    np_rng = np.random.default_rng(args.seed)
    mentees = list(mentee_wishes)
    mentors = list(capacity)
    table = np.round(np_rng.random((len(mentors), len(mentees))) * 100, 2)
    scores = {
        (m, s): float(v)
        for m, row in zip(mentors, table.tolist(), strict=True)
        for s, v in zip(mentees, row, strict=True)
    }
    best_s, best = timed(lambda: best_assignment(scores, capacity), args.repeat)

    pairs = sum(map(len, ours_stable.values()))
    best_pairs = sum(map(len, best.values()))
    best_total = sum(scores[(m, s)] for m, ss in best.items() for s in ss)
    print(f"Устойчивое распределение: {pairs} пар из {args.mentees} наставляемых.")
    for limit, _, theirs in matching_runs:
        if isinstance(theirs, str):
            print(f"Пакет matching (предел рекурсии {limit}): {theirs}.")
        else:
            same = "совпадает" if theirs == ours_stable else "НЕ совпадает"
            print(f"Пакет matching (предел рекурсии {limit}): результат {same} с нашим.")
    print(f"Наилучшее по баллам: {best_pairs} пар, сумма баллов {best_total:.2f} ({len(scores)} оценок).")
    print()

    header = f"{'Задача':<44} {'наш код, с':>11} {'matching, с':>28} {'matching / наш':>15}"
    print(header)
    print("-" * len(header))
    for limit, theirs_s, theirs in matching_runs:
        name = f"Устойчивое, matching с пределом {limit}"
        if isinstance(theirs, str):
            other_text, ratio = f"{theirs} ({theirs_s:.2f})", "—"
        else:
            other_text, ratio = f"{theirs_s:.3f}", f"{theirs_s / ours_stable_s:.0f}×"
        print(f"{name:<44} {ours_stable_s:>11.4f} {other_text:>28} {ratio:>15}")
    print(f"{'Наилучшее по баллам (scipy)':<44} {best_s:>11.4f} {'нет аналога':>28} {'—':>15}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
