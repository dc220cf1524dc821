"""Scoring of possible mentor/mentee pairs with transparent weights, and the hard rules of a form.

Pure functions, no I/O. The weights and rules come from the ``pairing:`` section of the form's profile
(``workbook_templates/forms/*.yaml``). A score is ``Σ weight × part / Σ weights`` rounded to two decimals,
every part is between 0 and 1 and is stated in the explanation, so a curator can recompute any score:

* ``areas`` — share of the mentee's areas («Нужна помощь в») the mentor offers («С чем может помочь»);
* ``days`` — common free days: none 0, one 0.5, two or more 1;
* ``times`` — a common convenient time (1 when either side did not name one);
* ``older_class`` — the student mentor is in an older class;
* ``classes`` — the mentee's class is among the classes the mentor prefers (1 without a preference);
* ``same_subject`` — the teachers teach the same subject.

Hard rules are never broken by the toolkit: a common free day (``common_day_required``), a student mentor
from an older class (``mentor_older``), and nobody is offered a pair he or she declined.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from toolkit.base.problems import NastavnikError
from toolkit.base.values import add_months, class_number

KNOWN_WEIGHTS = ("areas", "days", "times", "older_class", "classes", "same_subject")
KNOWN_RULES = ("common_day_required", "mentor_older", "personal_meeting_required")
DEFAULT_DAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")

# codes of the hard rules (also the problem codes reported by `check` and `match`)
RULE_NO_COMMON_DAY = "pair-no-common-day"
RULE_NOT_OLDER = "pair-not-older"
RULE_DECLINED = "pair-declined"
# the reasons of the hard rules without their particulars (those follow in parentheses)
RULE_TEXTS = {RULE_DECLINED: "один из участников отказался от этой пары",
              RULE_NO_COMMON_DAY: "нет общего свободного дня",
              RULE_NOT_OLDER: "наставник не из более старшего класса"}


@dataclass(frozen=True)
class Person:
    """What the pairing needs to know about a participant (from the registry of applications)."""

    id: str
    role: str  # "mentor" | "mentee"
    name: str = ""
    klass: str = ""
    subject: str = ""
    areas: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    capacity: int = 1
    request_kind: str = ""
    gender: str = ""
    classes: frozenset[int] | None = None  # classes of mentees the mentor prefers; None = any


@dataclass(frozen=True)
class Rules:
    """The ``pairing:`` section of a profile, checked."""

    weights: dict[str, float]
    common_day_required: bool = False
    mentor_older: bool = False
    personal_meeting_required: bool = False
    proposal_allowed_kinds: tuple[str, ...] = ()
    durations: dict[str, int] = field(default_factory=dict)
    alternatives: int = 2
    day_order: tuple[str, ...] = DEFAULT_DAYS

    @classmethod
    def from_profile(cls, pairing: Mapping[str, Any], days: Sequence[str] = DEFAULT_DAYS, form: str = "") -> Rules:
        where = f"профиль формы {form}: pairing" if form else "pairing"
        weights_raw = pairing.get("weights") or {}
        if not isinstance(weights_raw, Mapping):
            raise NastavnikError(f"{where}.weights: ожидается словарь «часть: вес».")
        weights: dict[str, float] = {}
        for key, value in weights_raw.items():
            if key not in KNOWN_WEIGHTS:
                raise NastavnikError(f"{where}.weights: неизвестная часть балла «{key}». Возможные: "
                                     + ", ".join(KNOWN_WEIGHTS) + ".")
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise NastavnikError(f"{where}.weights.{key}: вес должен быть неотрицательным числом.")
            if value > 0:
                weights[key] = float(value)
        if not weights:
            raise NastavnikError(f"{where}.weights: нужен хотя бы один положительный вес.")
        rules = pairing.get("rules") or {}
        for key in rules:
            if key not in KNOWN_RULES:
                raise NastavnikError(f"{where}.rules: неизвестное правило «{key}». Возможные: "
                                     + ", ".join(KNOWN_RULES) + ".")
        durations = {str(k): int(v) for k, v in (pairing.get("durations") or {}).items()}
        if any(v < 1 for v in durations.values()):
            raise NastavnikError(f"{where}.durations: срок — целое число месяцев, не меньше 1.")
        return cls(
            weights=weights,
            common_day_required=bool(rules.get("common_day_required")),
            mentor_older=bool(rules.get("mentor_older")),
            personal_meeting_required=bool(rules.get("personal_meeting_required")),
            proposal_allowed_kinds=tuple(pairing.get("proposal_allowed_kinds") or ()),
            durations=durations,
            alternatives=int(pairing.get("alternatives", 2)),
            day_order=tuple(days) or DEFAULT_DAYS,
        )


@dataclass(frozen=True)
class PairScore:
    mentor: str
    mentee: str
    score: float  # 0..1, two decimals
    parts: dict[str, float]
    facts: tuple[str, ...]

    @property
    def explanation(self) -> str:
        """«совпадает: математика, подготовка к ОГЭ (2 из 2); общие дни: вт, чт; балл 0,82»."""
        return "; ".join([*self.facts, f"балл {format_score(self.score)}"])


def format_score(score: float) -> str:
    return f"{score:.2f}".replace(".", ",")


def lower_first(text: str) -> str:
    """«Подготовка к ОГЭ» → «подготовка к ОГЭ»; an abbreviation («ОБЗР») stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _ordered(values: Iterable[str], order: Sequence[str]) -> list[str]:
    rank = {v: i for i, v in enumerate(order)}
    return sorted(set(values), key=lambda v: (rank.get(v, len(rank)), v))


def common_days(mentor: Person, mentee: Person, order: Sequence[str] = DEFAULT_DAYS) -> list[str]:
    return _ordered(set(mentor.days) & set(mentee.days), order)


def classes_text(classes: Iterable[int]) -> str:
    """{5, 6, 7, 9} → «5–7, 9»."""
    numbers = sorted(set(classes))
    parts: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        parts.append(str(numbers[i]) if i == j else f"{numbers[i]}–{numbers[j]}")
        i = j + 1
    return ", ".join(parts)


_RANGE = re.compile(r"^(\d{1,2})\s*(?:-|–|—|\.\.|до)\s*(\d{1,2})$")


def parse_classes(text: str, low: int = 1, high: int = 11) -> frozenset[int] | None:
    """«5–7», «5, 6, 8», «5-7 классы», «с 5 по 7» → {5, 6, 7}; empty → None; not understood → ValueError."""
    cleaned = re.sub(r"(?i)класс(ы|ов|а)?|кл\.?|\bс\b", " ", text).replace(" по ", "-")
    cleaned = cleaned.strip(" .;")
    if not cleaned:
        return None
    out: set[int] = set()
    for piece in re.split(r"[,;/]|\s+и\s+", cleaned):
        piece = piece.strip()
        if not piece:
            continue
        m = _RANGE.match(piece)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a > b:
                a, b = b, a
            numbers = set(range(a, b + 1))
        elif piece.isdigit():
            numbers = {int(piece)}
        else:
            raise ValueError(piece)
        if any(not low <= n <= high for n in numbers):
            raise ValueError(piece)
        out |= numbers
    return frozenset(out) if out else None


def score_pair(mentor: Person, mentee: Person, rules: Rules) -> PairScore:
    """The score of a possible pair with its parts and the facts behind them (hard rules are not checked here)."""
    parts: dict[str, float] = {}
    facts: list[str] = []
    w = rules.weights
    if "same_subject" in w:
        if mentor.subject and mentor.subject == mentee.subject:
            parts["same_subject"] = 1.0
            facts.append(f"один предмет: {lower_first(mentor.subject)}")
        else:
            parts["same_subject"] = 0.0
            facts.append(f"разные предметы: {lower_first(mentor.subject or 'не указан')} и "
                         f"{lower_first(mentee.subject or 'не указан')}")
    if "areas" in w:
        offered = set(mentor.areas)
        shared = [a for a in mentee.areas if a in offered]
        need = len(mentee.areas)
        parts["areas"] = len(shared) / need if need else 0.0
        if shared:
            facts.append(f"совпадает: {', '.join(lower_first(a) for a in shared)} ({len(shared)} из {need})")
        else:
            facts.append("по запросу совпадений нет" + (f" (0 из {need})" if need else ""))
    if "days" in w:
        days = common_days(mentor, mentee, rules.day_order)
        parts["days"] = min(len(days), 2) / 2
        facts.append(f"общие дни: {', '.join(days)}" if days else "общих свободных дней нет")
    if "times" in w:
        if mentor.times and mentee.times:
            times = _ordered(set(mentor.times) & set(mentee.times), ())
            parts["times"] = 1.0 if times else 0.0
            facts.append(f"удобное время: {', '.join(lower_first(t) for t in times)}" if times
                         else "общего удобного времени нет")
        else:
            parts["times"] = 1.0
    if "older_class" in w:
        a, b = class_number(mentor.klass), class_number(mentee.klass)
        if a and b and a > b:
            parts["older_class"] = 1.0
            facts.append(f"наставник старше: {mentor.klass} → {mentee.klass}")
        else:
            parts["older_class"] = 0.0
            facts.append(f"наставник не старше: {mentor.klass or '?'} и {mentee.klass or '?'}")
    if "classes" in w:
        if mentor.classes is None:
            parts["classes"] = 1.0
        elif class_number(mentee.klass) in mentor.classes:
            parts["classes"] = 1.0
            facts.append(f"класс подходит наставнику ({classes_text(mentor.classes)})")
        else:
            parts["classes"] = 0.0
            facts.append(f"наставник предпочитает {classes_text(mentor.classes)} классы")
    total = sum(w[k] * parts[k] for k in w) / sum(w.values())
    return PairScore(mentor.id, mentee.id, round(total + 1e-12, 2), parts, tuple(facts))


def hard_rule(mentor: Person, mentee: Person, rules: Rules,
              declined: Iterable[tuple[str, str]] = ()) -> tuple[str, str] | None:
    """(code, Russian reason) of the first hard rule the pair breaks, or None when the pair is allowed."""
    if (mentor.id, mentee.id) in set(declined):
        return RULE_DECLINED, RULE_TEXTS[RULE_DECLINED]
    if rules.common_day_required and not common_days(mentor, mentee, rules.day_order):
        return RULE_NO_COMMON_DAY, (f"{RULE_TEXTS[RULE_NO_COMMON_DAY]} ({', '.join(mentor.days) or '—'} и "
                                    f"{', '.join(mentee.days) or '—'})")
    if rules.mentor_older:
        a, b = class_number(mentor.klass), class_number(mentee.klass)
        if not (a and b and a > b):
            return RULE_NOT_OLDER, f"{RULE_TEXTS[RULE_NOT_OLDER]} ({mentor.klass or '?'} и {mentee.klass or '?'})"
    return None


def all_scores(mentors: Sequence[Person], mentees: Sequence[Person], rules: Rules,
               declined: Iterable[tuple[str, str]] = ()) -> tuple[dict[tuple[str, str], PairScore],
                                                                  dict[tuple[str, str], tuple[str, str]]]:
    """Scores of every allowed pair and the broken rule of every forbidden one (keys: (mentor, mentee))."""
    refused = set(declined)
    allowed: dict[tuple[str, str], PairScore] = {}
    forbidden: dict[tuple[str, str], tuple[str, str]] = {}
    for mentor in mentors:
        for mentee in mentees:
            rule = hard_rule(mentor, mentee, rules, refused)
            if rule is None:
                allowed[(mentor.id, mentee.id)] = score_pair(mentor, mentee, rules)
            else:
                forbidden[(mentor.id, mentee.id)] = rule
    return allowed, forbidden


def planned_end(start: dt.date, request_kind: str, rules: Rules, program_end: dt.date | None = None) -> dt.date | None:
    """Planned end of a pair: the duration of the mentee's request kind, not later than the program end."""
    months = rules.durations.get(request_kind)
    if months is None:
        if not rules.durations:
            return program_end if program_end and program_end >= start else None
        months = max(rules.durations.values())
    end = add_months(start, months)
    if program_end and start <= program_end < end:
        end = program_end
    return end




@dataclass(frozen=True)
class ScoreMatrix:
    """Scores of every mentor × mentee at once (rows: mentors, columns: mentees, in the order given): the same
    numbers as :func:`score_pair` and the same rules as :func:`hard_rule`, computed in arrays; the
    explanations are left to :func:`score_pair` for the pairs that are shown."""

    scores: Any  # float64 M × S, rounded to two decimals like PairScore.score
    allowed: Any  # bool M × S: no hard rule broken
    declined: Any  # bool M × S: a side declined this pair (the first rule)
    no_common_day: Any  # bool M × S: not declined, no common free day
    not_older: Any  # bool M × S: not declined, a common day, the mentor not from an older class


def _indicator(values: Sequence[Sequence[str]], vocabulary: dict[str, int], distinct: bool) -> Any:
    import numpy as np

    out = np.zeros((len(values), max(len(vocabulary), 1)), dtype=np.int32)
    for i, items in enumerate(values):
        for item in (set(items) if distinct else items):
            if distinct:
                out[i, vocabulary[item]] = 1
            else:
                out[i, vocabulary[item]] += 1
    return out


def score_matrix(mentors: Sequence[Person], mentees: Sequence[Person], rules: Rules,
                 declined: Iterable[tuple[str, str]] = ()) -> ScoreMatrix:
    """:func:`score_pair` and :func:`hard_rule` for every mentor × mentee, in vectors (memory: a few M × S
    arrays instead of an object per pair)."""
    import numpy as np

    shape = (len(mentors), len(mentees))
    w = rules.weights
    parts: dict[str, Any] = {}

    def vocabulary(*groups: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for group in groups:
            for item in group:
                found.setdefault(item, len(found))
        return found

    days_vocab = vocabulary(*(p.days for p in mentors), *(p.days for p in mentees))
    common_day_count = (_indicator([p.days for p in mentors], days_vocab, True)
                        @ _indicator([p.days for p in mentees], days_vocab, True).T)
    a = np.array([class_number(p.klass) for p in mentors], dtype=np.int64)[:, None]
    b = np.array([class_number(p.klass) for p in mentees], dtype=np.int64)[None, :]
    older = (a > 0) & (b > 0) & (a > b)
    if "same_subject" in w:
        subjects = np.array([p.subject for p in mentors], dtype=object)[:, None]
        parts["same_subject"] = ((subjects != "") & (subjects == np.array([p.subject for p in mentees],
                                                                          dtype=object)[None, :])).astype(np.float64)
    if "areas" in w:
        vocab = vocabulary(*(p.areas for p in mentors), *(p.areas for p in mentees))
        shared = _indicator([p.areas for p in mentors], vocab, True) @ _indicator([p.areas for p in mentees], vocab, False).T
        need = np.array([len(p.areas) for p in mentees], dtype=np.float64)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            parts["areas"] = np.where(need > 0, shared / np.where(need > 0, need, 1.0), 0.0)
    if "days" in w:
        parts["days"] = np.minimum(common_day_count, 2) / 2
    if "times" in w:
        vocab = vocabulary(*(p.times for p in mentors), *(p.times for p in mentees))
        common = _indicator([p.times for p in mentors], vocab, True) @ _indicator([p.times for p in mentees], vocab, True).T
        both = (np.array([bool(p.times) for p in mentors], dtype=bool)[:, None]
                & np.array([bool(p.times) for p in mentees], dtype=bool)[None, :])
        parts["times"] = np.where(both, (common > 0).astype(np.float64), 1.0)
    if "older_class" in w:
        parts["older_class"] = older.astype(np.float64)
    if "classes" in w:
        classes = np.ones(shape, dtype=np.float64)
        for i, p in enumerate(mentors):
            if p.classes is not None:
                classes[i] = np.isin(b[0], list(p.classes)).astype(np.float64)
        parts["classes"] = classes
    total = np.zeros(shape, dtype=np.float64)
    for k in w:  # the order and the operations of score_pair: the same floating-point result
        total = total + w[k] * parts[k]
    total = total / sum(w.values())
    distinct, inverse = np.unique(total, return_inverse=True)
    rounded = np.array([round(float(x) + 1e-12, 2) for x in distinct], dtype=np.float64)[inverse.reshape(shape)]
    refused = np.zeros(shape, dtype=bool)
    index_m = {p.id: i for i, p in enumerate(mentors)}
    index_s = {p.id: j for j, p in enumerate(mentees)}
    for m, s in set(declined):
        if m in index_m and s in index_s:
            refused[index_m[m], index_s[s]] = True
    no_day = ~refused & (common_day_count == 0) if rules.common_day_required else np.zeros(shape, dtype=bool)
    not_older = ~refused & ~no_day & ~older if rules.mentor_older else np.zeros(shape, dtype=bool)
    return ScoreMatrix(rounded, ~(refused | no_day | not_older), refused, no_day, not_older)
