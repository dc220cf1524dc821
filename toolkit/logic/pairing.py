"""Pure pairing algorithms for mentor/mentee distribution (no I/O, no other toolkit modules).

Three tools:

* :func:`stable_assignment` - stable distribution by mutual wishes (mentee-proposing deferred
  acceptance, the "hospitals/residents" problem), plus :func:`unmatched_reasons` explaining why
  somebody was left without a pair;
* :func:`best_assignment` - the distribution with the maximum total score (assignment problem
  solved with :func:`scipy.optimize.linear_sum_assignment`), plus :func:`alternatives` and
  :func:`all_alternatives` listing the next-best mentors for a mentee;
* :func:`rotation_schedule` - round-robin schedule of short "Mentor Match" meetings.

Names of mentors and mentees are plain strings; the two sides are separate namespaces.
Every exception message is in Russian because it may be shown to a user as is.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Container, Iterable, Mapping, Sequence
from operator import itemgetter

import numpy as np
import numpy.typing as npt

__all__ = [
    "REASON_CAPACITY_FULL",
    "REASON_NOT_CHOSEN",
    "REASON_NO_MUTUAL_WISH",
    "REASON_TEXT",
    "all_alternatives",
    "alternatives",
    "alternatives_matrix",
    "best_assignment",
    "best_assignment_matrix",
    "rotation_schedule",
    "stable_assignment",
    "unmatched_reasons",
]

DEFAULT_CAPACITY = 1

# Reason codes of :func:`unmatched_reasons` (stable, used by callers and tests).
REASON_NO_MUTUAL_WISH = "no-mutual-wish"
REASON_CAPACITY_FULL = "capacity-full"
REASON_NOT_CHOSEN = "not-chosen"

# Russian explanations of the reason codes, ready to be shown to a user.
REASON_TEXT: dict[str, str] = {
    REASON_NO_MUTUAL_WISH: (
        "Нет взаимного выбора: ни с кем из другой стороны пожелания не совпали. "
        "Попросите участников расширить списки пожеланий или подберите пару вручную."
    ),
    REASON_CAPACITY_FULL: (
        "Взаимный выбор был, но мест не хватило: у выбранных наставников все места заняты теми, "
        "кого они поставили выше (или мест нет вовсе)."
    ),
    REASON_NOT_CHOSEN: (
        "Взаимный выбор был, но все, кто выбрал этого наставника, распределены к наставникам, "
        "которых они поставили выше."
    ),
}

FloatMatrix = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


# ---------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------


def _capacity_of(capacity: Mapping[str, int], mentor: str) -> int:
    """Capacity of ``mentor`` (missing = 1); a negative value is a data error."""
    value = capacity.get(mentor, DEFAULT_CAPACITY)
    if value < 0:
        raise ValueError(f"Число мест у наставника «{mentor}» не может быть отрицательным (указано {value}).")
    return int(value)


def _wish_list(owner: str, wishes: Iterable[str], known: Container[str]) -> list[str]:
    """Known names of ``wishes`` in order, first occurrence only; unknown names are dropped."""
    if isinstance(wishes, str):
        raise TypeError(
            f"Пожелания участника «{owner}» должны быть списком имён, а не одной строкой «{wishes}»."
        )
    seen: set[str] = set()
    result: list[str] = []
    for name in wishes:
        if name in known and name not in seen:
            seen.add(name)
            result.append(name)
    return result


class _MutualWishes:
    """Wish lists reduced to mutual wishes, shared by the stable algorithm and its explanations."""

    def __init__(
        self,
        mentee_wishes: Mapping[str, Sequence[str]],
        mentor_wishes: Mapping[str, Sequence[str]],
        capacity: Mapping[str, int],
    ) -> None:
        # Mentor roster: capacity keys first, then mentors known only from their wishes.
        self.mentors: list[str] = list(dict.fromkeys([*capacity, *mentor_wishes]))
        self.capacity: dict[str, int] = {m: _capacity_of(capacity, m) for m in self.mentors}
        self.mentees: list[str] = list(mentee_wishes)
        mentee_set = set(self.mentees)
        mentor_set = set(self.mentors)

        # mentor -> {mentee: rank}, rank 0 = most wanted.
        self.rank: dict[str, dict[str, int]] = {}
        for mentor in self.mentors:
            wanted = _wish_list(mentor, mentor_wishes.get(mentor, ()), mentee_set)
            self.rank[mentor] = {mentee: i for i, mentee in enumerate(wanted)}

        # mentee -> mutual mentors in the mentee's order.
        self.prefs: dict[str, list[str]] = {}
        self.mentors_with_mutual: set[str] = set()
        for mentee in self.mentees:
            wanted = _wish_list(mentee, mentee_wishes[mentee], mentor_set)
            mutual = [m for m in wanted if mentee in self.rank[m]]
            self.prefs[mentee] = mutual
            self.mentors_with_mutual.update(mutual)


# ---------------------------------------------------------------------------
# 1. stable assignment by mutual wishes
# ---------------------------------------------------------------------------


def stable_assignment(
    mentee_wishes: dict[str, list[str]],
    mentor_wishes: dict[str, list[str]],
    capacity: dict[str, int],
) -> dict[str, list[str]]:
    """Stable mentor -> mentees distribution by mutual wishes (mentee-proposing deferred acceptance).

    * ``mentee_wishes``: mentee -> mentors in preference order (first = most wanted);
    * ``mentor_wishes``: mentor -> mentees in preference order;
    * ``capacity``: mentor -> maximum number of mentees (missing = 1, 0 = takes nobody).

    Only mutual wishes can form a pair. Unknown names in wish lists are ignored, a repeated
    name counts at its first occurrence. The result contains every mentor of ``capacity`` and
    ``mentor_wishes`` (capacity keys first), each with its mentees in the mentor's preference
    order (possibly an empty list). The result is stable - there is no blocking pair - and it
    is the mentee-optimal stable matching, so it is unique and does not depend on input order.
    Running time is O(W log C), W = total length of wish lists, C = the largest capacity.
    """
    mw = _MutualWishes(mentee_wishes, mentor_wishes, capacity)

    # held[mentor] is a heap of (-rank, mentee): the top is the worst mentee currently held.
    held: dict[str, list[tuple[int, str]]] = {m: [] for m in mw.mentors}
    next_choice: dict[str, int] = dict.fromkeys(mw.mentees, 0)
    free = list(reversed(mw.mentees))  # stack; the first mentee proposes first
    while free:
        mentee = free.pop()
        prefs = mw.prefs[mentee]
        i = next_choice[mentee]
        while i < len(prefs):
            mentor = prefs[i]
            i += 1
            cap = mw.capacity[mentor]
            heap = held[mentor]
            rank = mw.rank[mentor][mentee]
            if len(heap) < cap:
                heapq.heappush(heap, (-rank, mentee))
                break
            if cap > 0 and -heap[0][0] > rank:
                _, rejected = heapq.heapreplace(heap, (-rank, mentee))
                free.append(rejected)
                break
        next_choice[mentee] = i

    return {m: [s for _, s in sorted(held[m], reverse=True)] for m in mw.mentors}


def unmatched_reasons(
    mentee_wishes: dict[str, list[str]],
    mentor_wishes: dict[str, list[str]],
    capacity: dict[str, int],
    result: dict[str, list[str]],
) -> dict[str, str]:
    """Reason code for every mentee and mentor left without a pair in ``result``.

    ``result`` is what :func:`stable_assignment` returned for the same inputs. Codes:

    * mentee: ``"no-mutual-wish"`` - no mutual wish with anybody; ``"capacity-full"`` - mutual
      wishes existed, but those mentors are full with mentees they prefer (or have 0 places);
    * mentor with no mentees: ``"no-mutual-wish"`` - no mutual wish with anybody;
      ``"capacity-full"`` - mutual wishes existed but the mentor has 0 places;
      ``"not-chosen"`` - every mutual partner got a mentor the mentee prefers.

    :data:`REASON_TEXT` holds Russian explanations of the codes. Mentors are listed first, then
    mentees; names are expected to differ between the sides (on a clash the mentee entry wins).
    """
    mw = _MutualWishes(mentee_wishes, mentor_wishes, capacity)
    reasons: dict[str, str] = {}
    for mentor in mw.mentors:
        if result.get(mentor):
            continue
        if mentor not in mw.mentors_with_mutual:
            reasons[mentor] = REASON_NO_MUTUAL_WISH
        elif mw.capacity[mentor] == 0:
            reasons[mentor] = REASON_CAPACITY_FULL
        else:
            reasons[mentor] = REASON_NOT_CHOSEN
    matched = {mentee for mentees in result.values() for mentee in mentees}
    for mentee in mw.mentees:
        if mentee in matched:
            continue
        reasons[mentee] = REASON_CAPACITY_FULL if mw.prefs[mentee] else REASON_NO_MUTUAL_WISH
    return reasons


# ---------------------------------------------------------------------------
# 2. maximum-score assignment
# ---------------------------------------------------------------------------


def _check_scores(keys: Sequence[tuple[str, str]], values: FloatMatrix) -> None:
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        mentor, mentee = keys[int(bad[0])]
        raise ValueError(
            f"Оценка пары «{mentor}» — «{mentee}» должна быть конечным числом, получено {values[bad[0]]}."
        )


def best_assignment(scores: dict[tuple[str, str], float], capacity: dict[str, int]) -> dict[str, list[str]]:
    """Mentor -> mentees distribution with the maximum total score.

    ``scores`` maps (mentor, mentee) to a score; a pair absent from ``scores`` is not allowed,
    a pair with a negative score is never chosen (leaving both unassigned is better). Each
    mentee gets at most one mentor, each mentor at most ``capacity[mentor]`` mentees (missing = 1).

    The result contains every mentor of ``capacity`` and ``scores`` (capacity keys first, then in
    order of first appearance), each with its mentees sorted by descending score, then by name.
    Allowed pairs with score 0 may or may not be used (they do not change the total).

    Method: every mentor is expanded into capacity "slots" (at most as many as the mentor has
    allowed mentees) and :func:`scipy.optimize.linear_sum_assignment` solves mentees x slots.
    Forbidden cells get the value 0, the same as "stay unassigned", and are dropped from the
    result afterwards. (A big negative constant would be wrong here: the solver must fill
    every row or column of the smaller side, so it would first maximise the *number* of
    pairs and only then the score.) Deterministic for the same input order.
    """
    keys: list[tuple[str, str]] = list(scores)
    mentor_names: list[str] = list(map(itemgetter(0), keys))
    mentee_names: list[str] = list(map(itemgetter(1), keys))
    mentors: dict[str, int] = {m: i for i, m in enumerate(dict.fromkeys([*capacity, *mentor_names]))}
    result: dict[str, list[str]] = {m: [] for m in mentors}
    caps = np.fromiter((_capacity_of(capacity, m) for m in mentors), dtype=np.intp, count=len(mentors))
    if not keys:
        return result

    values: FloatMatrix = np.fromiter(scores.values(), dtype=np.float64, count=len(keys))
    _check_scores(keys, values)
    mentees: dict[str, int] = {s: i for i, s in enumerate(dict.fromkeys(mentee_names))}
    mentor_ix: IntArray = np.fromiter(map(mentors.__getitem__, mentor_names), dtype=np.intp, count=len(keys))
    mentee_ix: IntArray = np.fromiter(map(mentees.__getitem__, mentee_names), dtype=np.intp, count=len(keys))

    usable = values >= 0
    if not usable.all():
        values, mentor_ix, mentee_ix = values[usable], mentor_ix[usable], mentee_ix[usable]
    value: FloatMatrix = np.zeros((len(mentees), len(mentors)), dtype=np.float64)
    allowed = np.zeros((len(mentees), len(mentors)), dtype=bool)
    value[mentee_ix, mentor_ix] = values
    allowed[mentee_ix, mentor_ix] = True
    result.update(_assign(list(mentors), list(mentees), value, allowed, caps))
    return result


def best_assignment_matrix(
    mentors: Sequence[str],
    mentees: Sequence[str],
    scores: FloatMatrix,
    allowed: npt.NDArray[np.bool_],
    capacity: Mapping[str, int],
) -> dict[str, list[str]]:
    """:func:`best_assignment` for scores given as arrays: ``scores`` and ``allowed`` are mentors × mentees
    (rows in the order of ``mentors``, columns of ``mentees``). The result is the one :func:`best_assignment`
    gives for the dictionary of the allowed pairs listed mentor by mentor (the same rows and columns for the
    solver, hence the same choice among equal totals), without building that dictionary."""
    result: dict[str, list[str]] = {m: [] for m in dict.fromkeys([*capacity, *mentors])}
    caps = np.fromiter((_capacity_of(capacity, m) for m in result), dtype=np.intp, count=len(result))
    if not len(mentors) or not len(mentees):
        return result
    usable = allowed & (scores >= 0)
    bad = np.argwhere(usable & ~np.isfinite(scores))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise ValueError(
            f"Оценка пары «{mentors[i]}» — «{mentees[j]}» должна быть конечным числом, получено {scores[i, j]}."
        )
    # the mentees in the order of their first allowed pair, mentor by mentor, as the dictionary lists them
    has_pair = allowed.any(axis=0)
    first_mentor = np.where(has_pair, allowed.argmax(axis=0), len(mentors))
    order = np.lexsort((np.arange(len(mentees)), first_mentor))[: int(has_pair.sum())]
    columns = {m: i for i, m in enumerate(result)}
    mentor_cols = np.fromiter((columns[m] for m in mentors), dtype=np.intp, count=len(mentors))
    value: FloatMatrix = np.zeros((order.size, len(result)), dtype=np.float64)
    permitted = np.zeros((order.size, len(result)), dtype=bool)
    value[:, mentor_cols] = np.where(usable[:, order], scores[:, order], 0.0).T
    permitted[:, mentor_cols] = usable[:, order].T
    result.update(_assign(list(result), [mentees[int(j)] for j in order], value, permitted, caps))
    return result


def _assign(
    mentor_list: list[str],
    mentee_list: list[str],
    value: FloatMatrix,
    allowed: npt.NDArray[np.bool_],
    caps: IntArray,
) -> dict[str, list[str]]:
    """The optimal assignment of mentees (rows) to mentor slots (columns × capacity); see :func:`best_assignment`."""
    result: dict[str, list[str]] = {}
    # Only mentees with at least one allowed pair take part; slots are capped by allowed mentees.
    rows: IntArray = np.flatnonzero(allowed.any(axis=1))
    slots = np.minimum(caps, allowed.sum(axis=0))
    slot_mentor: IntArray = np.repeat(np.arange(len(mentor_list), dtype=np.intp), slots)
    if rows.size == 0 or slot_mentor.size == 0:
        return result

    # scipy.optimize costs ~0.5 s to import: only when an assignment is solved
    from scipy.optimize import linear_sum_assignment

    matrix: FloatMatrix = np.repeat(value[rows], slots, axis=1)
    picked_rows, picked_cols = linear_sum_assignment(matrix, maximize=True)
    pick_mentee = rows[picked_rows]
    pick_mentor = slot_mentor[picked_cols]
    keep = allowed[pick_mentee, pick_mentor]

    chosen: dict[str, list[tuple[float, str]]] = {}
    for s, m in zip(pick_mentee[keep].tolist(), pick_mentor[keep].tolist(), strict=True):
        chosen.setdefault(mentor_list[m], []).append((float(value[s, m]), mentee_list[s]))
    for mentor, pairs in chosen.items():
        pairs.sort(key=lambda p: (-p[0], p[1]))
        result[mentor] = [mentee for _, mentee in pairs]
    return result


def alternatives_matrix(
    mentors: Sequence[str],
    mentees: Sequence[str],
    scores: FloatMatrix,
    allowed: npt.NDArray[np.bool_],
    assignment: Mapping[str, Sequence[str]],
    wanted: Iterable[str],
    k: int = 2,
) -> dict[str, list[tuple[str, float]]]:
    """:func:`all_alternatives` for the ``wanted`` mentees only (those shown), from arrays as in
    :func:`best_assignment_matrix`: the ``k`` best allowed mentors other than the assigned one, by descending
    score, equal scores in the order of ``mentors``."""
    _check_k(k)
    assigned = _assigned_mentors(assignment)
    column = {s: j for j, s in enumerate(mentees)}
    row = {m: i for i, m in enumerate(mentors)}
    out: dict[str, list[tuple[str, float]]] = {}
    for mentee in wanted:
        j = column[mentee]
        usable = allowed[:, j] & (scores[:, j] >= 0) & np.isfinite(scores[:, j])
        for mentor in assigned.get(mentee, ()):
            if mentor in row:
                usable[row[mentor]] = False
        candidates = np.flatnonzero(usable)
        best = candidates[np.argsort(-scores[candidates, j], kind="stable")[:k]]
        out[mentee] = [(mentors[int(i)], float(scores[int(i), j])) for i in best]
    return out


def _assigned_mentors(assignment: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """mentee -> mentors it is assigned to (normally exactly one)."""
    found: dict[str, set[str]] = {}
    for mentor, mentees in assignment.items():
        for mentee in mentees:
            found.setdefault(mentee, set()).add(mentor)
    return found


def _top_k(options: list[tuple[str, float]], k: int) -> list[tuple[str, float]]:
    return heapq.nsmallest(k, options, key=lambda o: (-o[1], o[0]))


def _check_k(k: int) -> None:
    if k < 0:
        raise ValueError(f"Число альтернатив не может быть отрицательным (указано {k}).")


def alternatives(
    scores: dict[tuple[str, str], float],
    assignment: dict[str, list[str]],
    mentee: str,
    k: int = 2,
) -> list[tuple[str, float]]:
    """The ``k`` best mentors for ``mentee`` other than its assigned one, by descending score.

    Only allowed pairs (present in ``scores``, finite, score >= 0) are offered; ties are broken
    by mentor name. An unassigned mentee gets its ``k`` best allowed mentors. Capacity is not
    considered: an alternative mentor may already be full. One call scans all of ``scores``;
    for every mentee at once use :func:`all_alternatives`.
    """
    _check_k(k)
    assigned = _assigned_mentors(assignment).get(mentee, set())
    options = [
        (mentor, float(score))
        for (mentor, who), score in scores.items()
        if who == mentee and mentor not in assigned and score >= 0 and math.isfinite(score)
    ]
    return _top_k(options, k)


def all_alternatives(
    scores: dict[tuple[str, str], float],
    assignment: dict[str, list[str]],
    k: int = 2,
) -> dict[str, list[tuple[str, float]]]:
    """:func:`alternatives` for every mentee of ``scores`` in one pass over ``scores``."""
    _check_k(k)
    assigned = _assigned_mentors(assignment)
    options: dict[str, list[tuple[str, float]]] = {}
    for (mentor, mentee), score in scores.items():
        own = options.setdefault(mentee, [])
        if score >= 0 and math.isfinite(score) and mentor not in assigned.get(mentee, ()):
            own.append((mentor, float(score)))
    return {mentee: _top_k(own, k) for mentee, own in options.items()}


# ---------------------------------------------------------------------------
# 3. rotation schedule for speed meetings
# ---------------------------------------------------------------------------


def _check_people(names: Sequence[str], empty_message: str, side: str) -> None:
    if not names:
        raise ValueError(empty_message)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(
                f"Имя «{name}» повторяется в списке {side}: у каждого участника встреч должно быть своё имя."
            )
        seen.add(name)


def rotation_schedule(
    mentors: list[str], mentees: list[str], rounds: int | None = None
) -> list[list[tuple[str, str]]]:
    """Round-robin schedule of short meetings: a list of rounds of (mentor, mentee) meetings.

    With n = max(len(mentors), len(mentees)), in round r (0-based) mentor i meets mentee
    (i + r) mod n when both exist; the rest sit the round out. So in a round each person has at
    most one meeting, every round has min(len(mentors), len(mentees)) meetings, and over the n
    rounds every mentor meets every mentee exactly once. ``rounds=None`` returns all n rounds,
    ``rounds=k`` the first k of them (all n if k > n: more rounds would repeat meetings).
    Raises :class:`ValueError` on an empty list, a repeated name or ``rounds < 1``.
    """
    _check_people(mentors, "Список наставников пуст: для встреч нужен хотя бы один наставник.", "наставников")
    _check_people(
        mentees, "Список наставляемых пуст: для встреч нужен хотя бы один наставляемый.", "наставляемых"
    )
    n = max(len(mentors), len(mentees))
    if rounds is None:
        rounds = n
    elif rounds < 1:
        raise ValueError(f"Число раундов должно быть не меньше 1 (указано {rounds}).")
    schedule: list[list[tuple[str, str]]] = []
    for r in range(min(rounds, n)):
        meetings = [
            (mentor, mentees[(i + r) % n]) for i, mentor in enumerate(mentors) if (i + r) % n < len(mentees)
        ]
        schedule.append(meetings)
    return schedule
