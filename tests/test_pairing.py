"""Tests of toolkit.logic.pairing: stability, oracle against PyPI ``matching``, brute-force optimality."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from toolkit.logic.pairing import (
    REASON_CAPACITY_FULL,
    REASON_NO_MUTUAL_WISH,
    REASON_NOT_CHOSEN,
    REASON_TEXT,
    all_alternatives,
    alternatives,
    best_assignment,
    rotation_schedule,
    stable_assignment,
    unmatched_reasons,
)

Wishes = dict[str, list[str]]
Scores = dict[tuple[str, str], float]

HYPOTHESIS = settings(max_examples=150, deadline=None, database=None)


# ---------------------------------------------------------------------------
# independent reference helpers
# ---------------------------------------------------------------------------


def all_mentors(mentor_wishes: Wishes, capacity: dict[str, int]) -> set[str]:
    return set(capacity) | set(mentor_wishes)


def is_mutual(mentee_wishes: Wishes, mentor_wishes: Wishes, mentor: str, mentee: str) -> bool:
    return mentor in mentee_wishes.get(mentee, []) and mentee in mentor_wishes.get(mentor, [])


def blocking_pairs(
    mentee_wishes: Wishes, mentor_wishes: Wishes, capacity: dict[str, int], result: Wishes
) -> list[tuple[str, str]]:
    """All (mentor, mentee) pairs blocking ``result``; list.index gives the first occurrence."""
    mentors = all_mentors(mentor_wishes, capacity)
    assigned = {s: m for m, ss in result.items() for s in ss}
    found = []
    for mentee, wishes in mentee_wishes.items():
        for mentor in set(wishes):
            if mentor not in mentors or not is_mutual(mentee_wishes, mentor_wishes, mentor, mentee):
                continue
            current = assigned.get(mentee)
            if current is not None and wishes.index(current) <= wishes.index(mentor):
                continue
            ranking = mentor_wishes[mentor]
            held = result[mentor]
            if len(held) < capacity.get(mentor, 1) or any(
                ranking.index(mentee) < ranking.index(other) for other in held
            ):
                found.append((mentor, mentee))
    return found


def check_valid_stable(
    mentee_wishes: Wishes, mentor_wishes: Wishes, capacity: dict[str, int], result: Wishes
) -> None:
    assert set(result) == all_mentors(mentor_wishes, capacity)
    everyone = [s for ss in result.values() for s in ss]
    assert len(everyone) == len(set(everyone)), "a mentee is assigned twice"
    for mentor, mentees in result.items():
        assert len(mentees) <= capacity.get(mentor, 1)
        for mentee in mentees:
            assert mentee in mentee_wishes
            assert is_mutual(mentee_wishes, mentor_wishes, mentor, mentee)
        ranking = mentor_wishes.get(mentor, [])
        assert mentees == sorted(mentees, key=ranking.index), "mentees are not in the mentor's order"
    assert blocking_pairs(mentee_wishes, mentor_wishes, capacity, result) == []


def matching_oracle(mentee_wishes: Wishes, mentor_wishes: Wishes, capacity: dict[str, int]) -> Wishes:
    """Resident-optimal matching of PyPI ``matching`` fed with mutual, clean preference lists."""
    mentors = all_mentors(mentor_wishes, capacity)
    caps = {m: capacity.get(m, 1) for m in mentors}
    open_mentors = [m for m in mentors if caps[m] > 0]
    mentor_lists = {
        m: list(dict.fromkeys(s for s in mentor_wishes.get(m, []) if s in mentee_wishes))
        for m in open_mentors
    }
    resident_prefs = {
        s: [m for m in dict.fromkeys(wishes) if m in mentor_lists and s in mentor_lists[m]]
        for s, wishes in mentee_wishes.items()
    }
    resident_prefs = {s: p for s, p in resident_prefs.items() if p}
    hospital_prefs = {m: [s for s in mentor_lists[m] if m in resident_prefs.get(s, [])] for m in open_mentors}
    hospital_prefs = {m: p for m, p in hospital_prefs.items() if p}
    result: Wishes = {m: [] for m in mentors}
    if not resident_prefs:
        return result
    game = HospitalResident.create_from_dictionaries(
        resident_prefs, hospital_prefs, {m: caps[m] for m in hospital_prefs}
    )
    for hospital, residents in game.solve(optimal="resident").items():
        result[hospital.name] = [r.name for r in residents]
    return result


def random_wishes(
    rng: random.Random, n_mentees: int, n_mentors: int
) -> tuple[Wishes, Wishes, dict[str, int]]:
    """Random instance with plenty of mutual wishes, plus unknown names and repeats."""
    mentees = [f"s{i}" for i in range(n_mentees)]
    mentors = [f"m{i}" for i in range(n_mentors)]
    density = rng.uniform(0.2, 0.9)

    def wish_list(pool: list[str], unknown: str) -> list[str]:
        picks = [name for name in pool if rng.random() < density]
        rng.shuffle(picks)
        if picks and rng.random() < 0.3:
            picks.insert(rng.randint(0, len(picks)), rng.choice(picks))  # a repeat
        if rng.random() < 0.3:
            picks.insert(rng.randint(0, len(picks)), unknown)
        return picks

    mentee_wishes = {s: wish_list(mentors, "нет-такого") for s in mentees}
    mentor_wishes = {m: wish_list(mentees, "нет-такой") for m in mentors if rng.random() < 0.9}
    capacity = {m: rng.randint(0, 3) for m in mentors if rng.random() < 0.7}
    return mentee_wishes, mentor_wishes, capacity


@st.composite
def wish_instances(draw: st.DrawFn) -> tuple[Wishes, Wishes, dict[str, int]]:
    mentees = [f"s{i}" for i in range(draw(st.integers(0, 8)))]
    mentors = [f"m{i}" for i in range(draw(st.integers(0, 5)))]
    mentor_names = st.sampled_from([*mentors, "нет-такого"])
    mentee_names = st.sampled_from([*mentees, "нет-такой"])
    mentee_wishes = {s: draw(st.lists(mentor_names, max_size=7)) for s in mentees}
    mentor_wishes = {m: draw(st.lists(mentee_names, max_size=10)) for m in mentors if draw(st.booleans())}
    capacity = {m: draw(st.integers(0, 3)) for m in mentors if draw(st.booleans())}
    return mentee_wishes, mentor_wishes, capacity


# ---------------------------------------------------------------------------
# stable_assignment
# ---------------------------------------------------------------------------


@HYPOTHESIS
@given(wish_instances())
def test_stable_assignment_is_valid_and_stable(instance: tuple[Wishes, Wishes, dict[str, int]]) -> None:
    mentee_wishes, mentor_wishes, capacity = instance
    result = stable_assignment(mentee_wishes, mentor_wishes, capacity)
    check_valid_stable(mentee_wishes, mentor_wishes, capacity, result)


def test_stable_assignment_seeded_random_instances() -> None:
    rng = random.Random(20240901)
    for _ in range(300):
        instance = random_wishes(rng, rng.randint(0, 25), rng.randint(0, 10))
        check_valid_stable(*instance, stable_assignment(*instance))


def test_stable_assignment_matches_pypi_matching_oracle() -> None:
    rng = random.Random(7)
    for _ in range(300):
        instance = random_wishes(rng, rng.randint(1, 12), rng.randint(1, 6))
        assert stable_assignment(*instance) == matching_oracle(*instance)


@HYPOTHESIS
@given(wish_instances())
def test_stable_assignment_oracle_hypothesis(instance: tuple[Wishes, Wishes, dict[str, int]]) -> None:
    assert stable_assignment(*instance) == matching_oracle(*instance)


def test_stable_assignment_does_not_depend_on_input_order() -> None:
    rng = random.Random(3)
    for _ in range(50):
        mentee_wishes, mentor_wishes, capacity = random_wishes(rng, 15, 5)
        base = stable_assignment(mentee_wishes, mentor_wishes, capacity)
        keys = list(mentee_wishes)
        rng.shuffle(keys)
        shuffled = stable_assignment({k: mentee_wishes[k] for k in keys}, mentor_wishes, capacity)
        assert shuffled == base


@pytest.mark.parametrize(("n_mentees", "n_mentors", "use_oracle"), [(150, 30, True), (1000, 200, False)])
def test_stable_assignment_medium_instance(n_mentees: int, n_mentors: int, use_oracle: bool) -> None:
    # PyPI matching deep-copies its linked players and hits RecursionError on big instances,
    # so it is the oracle only for the smaller one.
    rng = random.Random(11)
    mentees = [f"s{i}" for i in range(n_mentees)]
    mentors = [f"m{i}" for i in range(n_mentors)]
    mentee_wishes = {s: rng.sample(mentors, 8) for s in mentees}
    wished_by: dict[str, list[str]] = {m: [] for m in mentors}
    for s, ws in mentee_wishes.items():
        for m in ws:
            wished_by[m].append(s)
    mentor_wishes = {m: rng.sample(wished_by[m], min(10, len(wished_by[m]))) for m in mentors}
    capacity = {m: rng.randint(1, 4) for m in mentors}
    result = stable_assignment(mentee_wishes, mentor_wishes, capacity)
    check_valid_stable(mentee_wishes, mentor_wishes, capacity, result)
    assert sum(map(len, result.values())) > n_mentees // 2
    if use_oracle:
        assert result == matching_oracle(mentee_wishes, mentor_wishes, capacity)


def test_stable_assignment_small_example() -> None:
    mentee_wishes = {"Аня": ["Иванова", "Петров"], "Боря": ["Иванова"], "Вика": ["Петров", "Иванова"]}
    mentor_wishes = {"Иванова": ["Боря", "Аня", "Вика"], "Петров": ["Аня", "Вика"]}
    result = stable_assignment(mentee_wishes, mentor_wishes, {"Иванова": 1, "Петров": 2})
    assert result == {"Иванова": ["Боря"], "Петров": ["Аня", "Вика"]}


def test_stable_assignment_prefers_mentee_optimal() -> None:
    # Two stable matchings exist; mentee-proposing DA gives each mentee its first choice.
    mentee_wishes = {"a": ["X", "Y"], "b": ["Y", "X"]}
    mentor_wishes = {"X": ["b", "a"], "Y": ["a", "b"]}
    assert stable_assignment(mentee_wishes, mentor_wishes, {}) == {"X": ["a"], "Y": ["b"]}


def test_stable_assignment_empty_inputs() -> None:
    assert stable_assignment({}, {}, {}) == {}
    assert stable_assignment({}, {"M": ["s"]}, {"N": 2}) == {"N": [], "M": []}
    assert stable_assignment({"s": ["M"]}, {}, {}) == {}


def test_stable_assignment_only_mutual_wishes() -> None:
    mentee_wishes = {"a": ["X"], "b": ["Y"]}
    mentor_wishes = {"X": ["b"], "Y": ["b"]}
    assert stable_assignment(mentee_wishes, mentor_wishes, {}) == {"X": [], "Y": ["b"]}


def test_stable_assignment_capacity_zero_and_default() -> None:
    mentee_wishes = {"a": ["X", "Y"], "b": ["X", "Y"], "c": ["Y"]}
    mentor_wishes = {"X": ["a", "b"], "Y": ["c", "b", "a"]}
    result = stable_assignment(mentee_wishes, mentor_wishes, {"X": 0})
    # X takes nobody; Y has the default capacity 1 and prefers c.
    assert result == {"X": [], "Y": ["c"]}


def test_stable_assignment_unknown_names_are_ignored() -> None:
    mentee_wishes = {"a": ["Призрак", "X"], "b": ["X"]}
    mentor_wishes = {"X": ["никто", "b", "a"], "Призрак2": ["a"]}
    result = stable_assignment(mentee_wishes, mentor_wishes, {"X": 2, "Y": 1})
    assert result == {"X": ["b", "a"], "Y": [], "Призрак2": []}


def test_stable_assignment_duplicates_first_occurrence_counts() -> None:
    mentee_wishes = {"s1": ["M"], "s2": ["M"], "s3": ["B", "A", "B"]}
    mentor_wishes = {"M": ["s2", "s1", "s2"], "A": ["s3"], "B": ["s3"]}
    result = stable_assignment(mentee_wishes, mentor_wishes, {})
    assert result == {"M": ["s2"], "A": [], "B": ["s3"]}


def test_stable_assignment_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="отрицательным"):
        stable_assignment({"a": ["X"]}, {"X": ["a"]}, {"X": -1})
    with pytest.raises(TypeError, match="списком имён"):
        stable_assignment({"a": "X"}, {"X": ["a"]}, {})  # type: ignore[dict-item]


# ---------------------------------------------------------------------------
# unmatched_reasons
# ---------------------------------------------------------------------------


def test_unmatched_reasons_example() -> None:
    mentee_wishes = {
        "a": ["X"],  # mutual with X, gets X
        "b": ["X"],  # mutual with X, but X prefers a and is full
        "c": ["Y"],  # Y did not choose c
        "d": [],  # wished nobody
        "e": ["X", "Z"],  # X is full with a (preferred), so e gets Z
    }
    mentor_wishes = {"X": ["a", "e", "b"], "Y": ["q"], "Z": ["e"], "W": ["a"], "V": ["b"]}
    capacity = {"X": 1, "W": 1, "V": 0, "U": 1}
    result = stable_assignment(mentee_wishes, mentor_wishes, capacity)
    assert result == {"X": ["a"], "W": [], "V": [], "U": [], "Y": [], "Z": ["e"]}
    reasons = unmatched_reasons(mentee_wishes, mentor_wishes, capacity, result)
    assert reasons == {
        "W": REASON_NO_MUTUAL_WISH,  # a did not wish W
        "V": REASON_NO_MUTUAL_WISH,
        "U": REASON_NO_MUTUAL_WISH,
        "Y": REASON_NO_MUTUAL_WISH,
        "b": REASON_CAPACITY_FULL,
        "c": REASON_NO_MUTUAL_WISH,
        "d": REASON_NO_MUTUAL_WISH,
    }


def test_unmatched_reasons_not_chosen_and_zero_capacity() -> None:
    mentee_wishes = {"a": ["X", "Y", "Z"]}
    mentor_wishes = {"X": ["a"], "Y": ["a"], "Z": ["a"]}
    capacity = {"X": 1, "Y": 1, "Z": 0}
    result = stable_assignment(mentee_wishes, mentor_wishes, capacity)
    assert result == {"X": ["a"], "Y": [], "Z": []}
    reasons = unmatched_reasons(mentee_wishes, mentor_wishes, capacity, result)
    assert reasons == {"Y": REASON_NOT_CHOSEN, "Z": REASON_CAPACITY_FULL}
    assert set(REASON_TEXT) == {REASON_NO_MUTUAL_WISH, REASON_CAPACITY_FULL, REASON_NOT_CHOSEN}


@HYPOTHESIS
@given(wish_instances())
def test_unmatched_reasons_cover_exactly_the_unmatched(
    instance: tuple[Wishes, Wishes, dict[str, int]],
) -> None:
    mentee_wishes, mentor_wishes, capacity = instance
    result = stable_assignment(mentee_wishes, mentor_wishes, capacity)
    reasons = unmatched_reasons(mentee_wishes, mentor_wishes, capacity, result)
    matched = {s for ss in result.values() for s in ss}
    mentors = all_mentors(mentor_wishes, capacity)
    for mentee in mentee_wishes:
        has_mutual = any(is_mutual(mentee_wishes, mentor_wishes, m, mentee) for m in mentors)
        if mentee in matched:
            assert mentee not in reasons
        elif has_mutual:
            assert reasons[mentee] == REASON_CAPACITY_FULL
            for m in mentors:
                if is_mutual(mentee_wishes, mentor_wishes, m, mentee):
                    assert len(result[m]) == capacity.get(m, 1)
        else:
            assert reasons[mentee] == REASON_NO_MUTUAL_WISH
    for mentor in mentors:
        partners = [s for s in mentee_wishes if is_mutual(mentee_wishes, mentor_wishes, mentor, s)]
        if result[mentor]:
            assert mentor not in reasons
        elif not partners:
            assert reasons[mentor] == REASON_NO_MUTUAL_WISH
        elif capacity.get(mentor, 1) == 0:
            assert reasons[mentor] == REASON_CAPACITY_FULL
        else:
            assert reasons[mentor] == REASON_NOT_CHOSEN
            assert all(s in matched for s in partners)


# ---------------------------------------------------------------------------
# best_assignment
# ---------------------------------------------------------------------------


def brute_force_best(scores: Scores, capacity: dict[str, int]) -> float:
    mentees = list(dict.fromkeys(s for _, s in scores))
    options = {s: [m for (m, who), v in scores.items() if who == s and v >= 0] for s in mentees}
    best = 0.0

    def walk(i: int, used: Counter[str], total: float) -> None:
        nonlocal best
        if i == len(mentees):
            best = max(best, total)
            return
        walk(i + 1, used, total)
        mentee = mentees[i]
        for mentor in options[mentee]:
            if used[mentor] < capacity.get(mentor, 1):
                used[mentor] += 1
                walk(i + 1, used, total + scores[(mentor, mentee)])
                used[mentor] -= 1

    walk(0, Counter(), 0.0)
    return best


def check_valid_best(scores: Scores, capacity: dict[str, int], result: Wishes) -> float:
    assert set(result) == set(capacity) | {m for m, _ in scores}
    everyone = [s for ss in result.values() for s in ss]
    assert len(everyone) == len(set(everyone))
    total = 0.0
    for mentor, mentees in result.items():
        assert len(mentees) <= capacity.get(mentor, 1)
        for mentee in mentees:
            assert (mentor, mentee) in scores, "a forbidden pair was chosen"
            assert scores[(mentor, mentee)] >= 0, "a negative pair was chosen"
            total += scores[(mentor, mentee)]
        assert mentees == [s for _, s in sorted((-scores[(mentor, s)], s) for s in mentees)]
    return total


@st.composite
def score_instances(draw: st.DrawFn) -> tuple[Scores, dict[str, int]]:
    mentors = [f"m{i}" for i in range(draw(st.integers(1, 3)))]
    mentees = [f"s{i}" for i in range(draw(st.integers(0, 6)))]
    values = st.one_of(
        st.integers(-3, 10).map(float),
        st.floats(min_value=-1.0, max_value=100.0, allow_nan=False, allow_infinity=False),
    )
    scores: Scores = {}
    for s in mentees:
        for m in mentors:
            if draw(st.booleans()):
                scores[(m, s)] = draw(values)
    capacity = {m: draw(st.integers(0, 3)) for m in mentors if draw(st.booleans())}
    return scores, capacity


@settings(max_examples=300, deadline=None, database=None)
@given(score_instances())
def test_best_assignment_optimal_against_brute_force(instance: tuple[Scores, dict[str, int]]) -> None:
    scores, capacity = instance
    result = best_assignment(scores, capacity)
    total = check_valid_best(scores, capacity, result)
    assert total == pytest.approx(brute_force_best(scores, capacity), abs=1e-9)


def test_best_assignment_seeded_random_against_brute_force() -> None:
    rng = random.Random(5)
    for _ in range(200):
        mentors = [f"m{i}" for i in range(rng.randint(1, 3))]
        mentees = [f"s{i}" for i in range(rng.randint(1, 6))]
        scores: Scores = {
            (m, s): float(rng.randint(-2, 6)) for m in mentors for s in mentees if rng.random() < 0.6
        }
        capacity = {m: rng.randint(0, 3) for m in mentors}
        total = check_valid_best(scores, capacity, best_assignment(scores, capacity))
        assert total == pytest.approx(brute_force_best(scores, capacity))


def test_best_assignment_maximises_score_not_pair_count() -> None:
    # A big negative constant for forbidden cells would force two pairs (a-Y, b-X) with total 2.
    scores = {("X", "a"): 10.0, ("Y", "a"): 1.0, ("X", "b"): 1.0}
    assert best_assignment(scores, {}) == {"X": ["a"], "Y": []}


def test_best_assignment_capacity_sort_and_forbidden() -> None:
    scores = {
        ("X", "a"): 5.0,
        ("X", "b"): 7.0,
        ("X", "c"): 5.0,
        ("Y", "c"): 1.0,
        ("Y", "d"): -1.0,
        ("Z", "d"): 3.0,
    }
    result = best_assignment(scores, {"X": 3, "Z": 0, "W": 2})
    assert result == {"X": ["b", "a", "c"], "Z": [], "W": [], "Y": []}
    assert best_assignment(scores, {"X": 2, "Z": 0}) == {"X": ["b", "a"], "Z": [], "Y": ["c"]}


def test_best_assignment_edge_cases() -> None:
    assert best_assignment({}, {}) == {}
    assert best_assignment({}, {"X": 2}) == {"X": []}
    assert best_assignment({("X", "a"): -5.0}, {}) == {"X": []}
    assert best_assignment({("X", "a"): 1.0}, {"X": 0}) == {"X": []}
    with pytest.raises(ValueError, match="конечным числом"):
        best_assignment({("X", "a"): float("nan")}, {})
    with pytest.raises(ValueError, match="отрицательным"):
        best_assignment({("X", "a"): 1.0}, {"X": -2})


def test_best_assignment_is_deterministic() -> None:
    rng = random.Random(9)
    scores = {(f"m{m}", f"s{s}"): float(rng.randint(0, 3)) for m in range(10) for s in range(40)}
    capacity = {f"m{m}": 3 for m in range(10)}
    first = best_assignment(scores, capacity)
    assert all(best_assignment(dict(scores), dict(capacity)) == first for _ in range(3))
    check_valid_best(scores, capacity, first)


def test_alternatives() -> None:
    scores = {("X", "a"): 5.0, ("Y", "a"): 4.0, ("Z", "a"): 4.0, ("W", "a"): -1.0, ("X", "b"): 1.0}
    assignment = {"X": ["a"], "Y": [], "Z": [], "W": []}
    assert alternatives(scores, assignment, "a") == [("Y", 4.0), ("Z", 4.0)]
    assert alternatives(scores, assignment, "a", k=5) == [("Y", 4.0), ("Z", 4.0)]
    assert alternatives(scores, assignment, "a", k=0) == []
    assert alternatives(scores, assignment, "b") == [("X", 1.0)]
    assert alternatives(scores, assignment, "нет такого") == []
    with pytest.raises(ValueError, match="альтернатив"):
        alternatives(scores, assignment, "a", k=-1)
    bulk = all_alternatives(scores, assignment, k=1)
    assert bulk == {"a": [("Y", 4.0)], "b": [("X", 1.0)]}


def test_all_alternatives_agrees_with_alternatives() -> None:
    rng = random.Random(13)
    scores = {
        (f"m{m}", f"s{s}"): rng.uniform(-1, 5) for m in range(6) for s in range(20) if rng.random() < 0.7
    }
    assignment = best_assignment(scores, {})
    bulk = all_alternatives(scores, assignment, k=3)
    for mentee in {s for _, s in scores}:
        assert bulk[mentee] == alternatives(scores, assignment, mentee, k=3)


# ---------------------------------------------------------------------------
# rotation_schedule
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_mentors", range(1, 13))
@pytest.mark.parametrize("n_mentees", range(1, 13))
def test_rotation_schedule_full(n_mentors: int, n_mentees: int) -> None:
    mentors = [f"Наставник {i}" for i in range(n_mentors)]
    mentees = [f"Ученик {i}" for i in range(n_mentees)]
    schedule = rotation_schedule(mentors, mentees)
    assert len(schedule) == max(n_mentors, n_mentees)
    seen: set[tuple[str, str]] = set()
    for meetings in schedule:
        assert len(meetings) == min(n_mentors, n_mentees)
        people = [m for m, _ in meetings] + [s for _, s in meetings]
        assert len(people) == len(set(people)), "somebody has two meetings in one round"
        for meeting in meetings:
            assert meeting not in seen, "a meeting repeats"
            seen.add(meeting)
    assert seen == {(m, s) for m in mentors for s in mentees}


def test_rotation_schedule_rounds_prefix() -> None:
    mentors = ["А", "Б", "В"]
    mentees = ["1", "2", "3", "4", "5"]
    full = rotation_schedule(mentors, mentees)
    for k in range(1, 8):
        assert rotation_schedule(mentors, mentees, rounds=k) == full[:k]
    assert rotation_schedule(["А"], ["1"]) == [[("А", "1")]]


def test_rotation_schedule_errors() -> None:
    with pytest.raises(ValueError, match="раундов"):
        rotation_schedule(["А"], ["1"], rounds=0)
    with pytest.raises(ValueError, match="раундов"):
        rotation_schedule(["А"], ["1"], rounds=-3)
    with pytest.raises(ValueError, match="наставников пуст"):
        rotation_schedule([], ["1"])
    with pytest.raises(ValueError, match="наставляемых пуст"):
        rotation_schedule(["А"], [])
    with pytest.raises(ValueError, match="повторяется"):
        rotation_schedule(["А", "А"], ["1"])
