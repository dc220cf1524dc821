"""The questionnaire scheme scores in arrays (issue 16): the same scores, rules, assignment and alternatives as
the per-pair functions, on random groups with duplicates, missing classes, preferences and declined pairs."""

from __future__ import annotations

import random

import numpy as np
import pytest

from toolkit.logic.pairing import (
    all_alternatives,
    alternatives_matrix,
    best_assignment,
    best_assignment_matrix,
)
from toolkit.logic.scoring import Person, Rules, all_scores, hard_rule, score_matrix, score_pair

AREAS = ["Математика", "Физика", "Русский язык", "Адаптация", "ОГЭ", "Проекты"]
DAYS = ["пн", "вт", "ср", "чт", "пт"]
TIMES = ["После уроков", "Перемена", "Выходные"]
SUBJECTS = ["", "Физика", "История"]


def people(rng: random.Random, role: str, n: int) -> list[Person]:
    out = []
    for i in range(n):
        klass = rng.choice(["", "5А", "7Б", "8", "9В", "10А", "11Б", "класс"])
        out.append(Person(
            id=f"{role}-{i:03d}", role=role, klass=klass, subject=rng.choice(SUBJECTS),
            areas=tuple(rng.choice(AREAS) for _ in range(rng.randint(0, 4))),  # duplicates on purpose
            days=tuple(rng.sample(DAYS, rng.randint(0, 3))), times=tuple(rng.sample(TIMES, rng.randint(0, 2))),
            capacity=rng.choice([0, 1, 1, 2, 3]),
            classes=rng.choice([None, frozenset({5, 6}), frozenset({7, 8, 9})]) if role == "mentor" else None))
    return out


RULES = [
    Rules(weights={"areas": 0.5, "days": 0.3, "older_class": 0.1, "classes": 0.1},
          common_day_required=True, mentor_older=True),
    Rules(weights={"same_subject": 0.4, "areas": 0.3, "times": 0.2, "days": 0.1}),
    Rules(weights={"times": 1.0, "classes": 0.7}, mentor_older=True, alternatives=3),
]


@pytest.mark.parametrize("seed", range(6))
def test_matrix_is_what_the_pair_functions_say(seed: int) -> None:
    rng = random.Random(seed)
    rules = RULES[seed % len(RULES)]
    mentors, mentees = people(rng, "mentor", 23), people(rng, "mentee", 61)
    declined = {(m.id, s.id) for m in mentors for s in mentees if rng.random() < 0.03}
    matrix = score_matrix(mentors, mentees, rules, declined)
    allowed, forbidden = all_scores(mentors, mentees, rules, declined)
    for i, m in enumerate(mentors):
        for j, s in enumerate(mentees):
            assert matrix.scores[i, j] == score_pair(m, s, rules).score
            rule = hard_rule(m, s, rules, declined)
            assert bool(matrix.allowed[i, j]) == (rule is None)
            assert bool(matrix.declined[i, j]) == (rule is not None and rule[0] == "pair-declined")
            assert bool(matrix.no_common_day[i, j]) == (rule is not None and rule[0] == "pair-no-common-day")
            assert bool(matrix.not_older[i, j]) == (rule is not None and rule[0] == "pair-not-older")
    # the assignment and the alternatives shown: exactly what the dictionary functions give
    names_m, names_s = [m.id for m in mentors], [s.id for s in mentees]
    capacity = {m.id: m.capacity for m in mentors}
    scores = {k: v.score for k, v in allowed.items()}
    expected = best_assignment(scores, capacity)
    got = best_assignment_matrix(names_m, names_s, matrix.scores, matrix.allowed, capacity)
    assert got == expected
    shown = [s for m in names_m for s in got[m]]
    k = rules.alternatives
    alternatives = all_alternatives(scores, expected, k)
    assert alternatives_matrix(names_m, names_s, matrix.scores, matrix.allowed, got, shown, k) == {
        s: alternatives[s] for s in shown}
    assert len(forbidden) == int((~matrix.allowed).sum())


def test_matrix_memory_is_arrays_not_objects() -> None:
    rng = random.Random(1)
    mentors, mentees = people(rng, "mentor", 500), people(rng, "mentee", 1500)
    matrix = score_matrix(mentors, mentees, RULES[0])
    assert matrix.scores.shape == (500, 1500) and matrix.scores.dtype == np.float64


def test_nobody_on_one_side() -> None:
    rng = random.Random(2)
    for mentors, mentees in (([], people(rng, "mentee", 3)), (people(rng, "mentor", 3), []), ([], [])):
        matrix = score_matrix(mentors, mentees, RULES[0])
        names_m = [m.id for m in mentors]
        got = best_assignment_matrix(names_m, [s.id for s in mentees], matrix.scores, matrix.allowed,
                                     {m: 1 for m in names_m})
        assert got == {m: [] for m in names_m}
