"""Ranking of the best mentors (stage 7): pure computation, no files.

Mentors are ranked «по результатам обратной связи от кураторов и наставляемых» (the teachers' form adds the
pedagogical community); the regularity of meetings and the goals reached are secondary components. The
method lives in the form's profile (``ranking:`` in ``workbook_templates/forms/*.yaml``)::

    components:
      mentees:    {weight: 0.4, if_missing: exclude}
      curator:    {weight: 0.4, if_missing: exclude}
      regularity: {weight: 0.1, if_missing: zero}
      goals:      {weight: 0.1, if_missing: zero}
    tie_break: [mentees, curator, regularity, goals]

Every component is brought to 0..1: a mean score on the scale 1–5 as ``(score − 1) / 4``, a share (the
regularity of meetings, the goals reached) as it is. The total is ``100 × Σ weight × component / Σ weight``
over the components counted for the mentor, rounded to one decimal. A component missing for one mentor
is handled as its ``if_missing`` says: ``exclude`` — the mentor is not ranked (no feedback, no place),
``zero`` — it counts as 0 (no meetings logged is a real zero), ``skip`` — it is not counted for this mentor
and its weight is shared by the others. A secondary component (``zero`` or ``skip``) nobody has data for
(for example, no meeting log at all) is left out of the method, and every row says so; a required one
(``exclude``) never is: without feedback nobody gets a place.

Ties: mentors whose totals are equal as shown (one decimal) are ordered by ``tie_break`` — the first
component that differs decides; if all of them are equal the place is shared («2–3»). Each row explains
its calculation and its tie in words, so that a curator can check the ranking by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from toolkit.base.problems import NastavnikError

Missing = Literal["exclude", "zero", "skip"]
SCALE_MIN, SCALE_MAX = 1, 5
TOTAL_DECIMALS = 1
_KEY_DECIMALS = 6  # components compared for ties after rounding away float noise


@dataclass(frozen=True)
class ComponentKind:
    key: str
    name: str  # as the explanation says it: «оценка наставляемых»
    short: str  # in the formula: «наставляемые»
    kind: Literal["score", "share"]


COMPONENTS: dict[str, ComponentKind] = {c.key: c for c in (
    ComponentKind("mentees", "оценка наставляемых", "наставляемые", "score"),
    ComponentKind("curator", "оценка куратора", "куратор", "score"),
    ComponentKind("community", "оценка педагогического сообщества", "сообщество", "score"),
    ComponentKind("mutual", "взаимная оценка (о наставнике)", "взаимная оценка", "score"),
    ComponentKind("regularity", "регулярность встреч", "регулярность", "share"),
    ComponentKind("goals", "достигнутые цели", "цели", "share"),
)}


# --------------------------------------------------------------------------- the method


class _ComponentModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weight: float = Field(gt=0, le=100)
    if_missing: Missing = "zero"


class _MethodModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    components: dict[str, _ComponentModel]
    tie_break: list[str] = Field(default_factory=list)
    award_documents: dict[str, Literal["letter", "certificate"]] = Field(default_factory=dict)
    points_award: str | None = None

    @model_validator(mode="after")
    def _check(self) -> _MethodModel:
        unknown = [k for k in [*self.components, *self.tie_break] if k not in COMPONENTS]
        if unknown:
            raise ValueError(f"неизвестные компоненты: {', '.join(dict.fromkeys(unknown))}; "
                             f"возможные: {', '.join(COMPONENTS)}")
        if not self.components:
            raise ValueError("нужен хотя бы один компонент")
        missing = [k for k in self.tie_break if k not in self.components]
        if missing:
            raise ValueError(f"tie_break называет компоненты, которых нет в components: {', '.join(missing)}")
        return self


@dataclass(frozen=True)
class ComponentRule:
    key: str
    weight: float
    if_missing: Missing

    @property
    def kind(self) -> ComponentKind:
        return COMPONENTS[self.key]


@dataclass(frozen=True)
class Method:
    components: tuple[ComponentRule, ...]
    tie_break: tuple[str, ...]
    award_documents: Mapping[str, str] = field(default_factory=dict)
    points_award: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any], where: str = "ranking") -> Method:
        """The method from a profile's ``ranking:`` mapping; a mistake names its path (``ranking.components…``)."""
        try:
            model = _MethodModel.model_validate(dict(config))
        except ValidationError as exc:
            parts = []
            for err in exc.errors():
                path = ".".join(str(p) for p in (where, *err["loc"]))
                parts.append(f"{path}: {err['msg']}")
            raise NastavnikError("Метод рейтинга в профиле формы содержит ошибки: " + "; ".join(parts)) from exc
        rules = tuple(ComponentRule(k, c.weight, c.if_missing) for k, c in model.components.items())
        tie_break = tuple(model.tie_break) or tuple(r.key for r in rules)
        return cls(rules, tie_break, dict(model.award_documents), model.points_award)

    def weights_text(self) -> str:
        """«оценка наставляемых — 40 %, оценка куратора — 40 %, …» (shares of the total weight)."""
        total = sum(r.weight for r in self.components)
        return ", ".join(f"{r.kind.name} — {_num(100 * r.weight / total, 0)} %" for r in self.components)


# --------------------------------------------------------------------------- inputs and outputs


@dataclass
class MentorInput:
    """What is known about one mentor: raw component values (a mean score 1–5 or a share 0..1; None — no data)."""

    id: str
    name: str
    raw: dict[str, float | None] = field(default_factory=dict)
    mentees: list[str] = field(default_factory=list)
    # cells a component is read from that hold an invalid value («Обратная связь»!E5 «отлично»): a total
    # made of the valid cells only would be wrong, so the mentor gets no place until they are fixed
    invalid: list[str] = field(default_factory=list)


@dataclass
class RankedMentor:
    id: str
    name: str
    mentees: list[str]
    place: str  # «1», «2–3» (shared); «» — not ranked
    order: int  # position in the sheet (1-based), also for mentors who are not ranked
    total: float | None
    raw: dict[str, float | None]
    normalized: dict[str, float | None]
    explanation: str
    ties: str = ""
    excluded: str = ""  # why the mentor has no place

    @property
    def ranked(self) -> bool:
        return self.total is not None


def normalize(kind: ComponentKind, value: float | None) -> float | None:
    if value is None:
        return None
    if kind.kind == "score":
        return min(max((value - SCALE_MIN) / (SCALE_MAX - SCALE_MIN), 0.0), 1.0)
    return min(max(value, 0.0), 1.0)


def _num(value: float, decimals: int = 2) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",")


def _short(value: float, decimals: int = 3) -> str:
    """0.875 → «0,875», 0.75 → «0,75», 1.0 → «1» (at most ``decimals`` digits, no trailing zeros)."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def show_raw(kind: ComponentKind, value: float | None) -> str:
    """A raw value as the sheet shows it: «4,50» for a score, «75 %» for a share."""
    if value is None:
        return "нет данных"
    if kind.kind == "score":
        return _num(value, 2)
    return f"{_num(100 * value, 0)} %"


def rank(mentors: Sequence[MentorInput], method: Method, unavailable: Mapping[str, str] | None = None
         ) -> list[RankedMentor]:
    """Rank mentors by the method. ``unavailable`` — components with no source at all, with the reason
    («книга «05_Работа пар» не заполнена»): they are left out of the method for everybody."""
    reasons: dict[str, str] = dict(unavailable or {})
    for rule in method.components:
        # a secondary component nobody has data for is left out; without a required one nobody gets a place
        if rule.if_missing != "exclude" and rule.key not in reasons and not any(
                m.raw.get(rule.key) is not None for m in mentors):
            reasons[rule.key] = "нет данных ни у одного наставника"
    active = [r for r in method.components if r.key not in reasons]
    left_out = [f"{COMPONENTS[k].name}: {why} — не учитывается" for k, why in reasons.items()
                if k in {r.key for r in method.components}]

    out: list[RankedMentor] = []
    for m in mentors:
        normalized = {r.key: normalize(r.kind, m.raw.get(r.key)) for r in method.components}
        terms: list[str] = []
        notes: list[str] = []
        excluded: list[str] = []
        weight_sum = 0.0
        score_sum = 0.0
        for rule in active:
            value = normalized[rule.key]
            if value is None:
                if rule.if_missing == "exclude":
                    excluded.append(rule.kind.name)
                    continue
                if rule.if_missing == "skip":
                    notes.append(f"{rule.kind.name}: нет данных — вес распределён на остальные компоненты")
                    continue
                notes.append(f"{rule.kind.name}: нет данных — считается 0")
                value = 0.0
            weight_sum += rule.weight
            score_sum += rule.weight * value
            terms.append(f"{_short(rule.weight)} × {rule.kind.short} ({show_raw(rule.kind, m.raw.get(rule.key))}"
                         f" → {_short(value)})")
        if m.invalid:
            why = "недопустимые значения в ячейках " + ", ".join(m.invalid) + " — исправьте их и запустите снова"
            out.append(RankedMentor(m.id, m.name, m.mentees, "", 0, None, dict(m.raw), normalized,
                                    "; ".join([f"В рейтинг не включён: {why}", *left_out]), excluded=why))
            continue
        if excluded or weight_sum == 0:
            why = ("нет данных: " + ", ".join(excluded)) if excluded else "нет ни одного компонента"
            out.append(RankedMentor(m.id, m.name, m.mentees, "", 0, None, dict(m.raw), normalized,
                                    "; ".join([f"В рейтинг не включён: {why}", *left_out]), excluded=why))
            continue
        share = score_sum / weight_sum
        total = round(100 * share + 1e-9, TOTAL_DECIMALS)
        formula = " + ".join(terms)
        if abs(weight_sum - 1) > 1e-9:
            formula = f"({formula}) / {_short(weight_sum)}"
        text = f"{formula} = {_num(share, 3)} × 100 = {_num(total, TOTAL_DECIMALS)}"
        out.append(RankedMentor(m.id, m.name, m.mentees, "", 0, total, dict(m.raw), normalized,
                                "; ".join([text, *notes, *left_out])))

    tie_keys = [k for k in method.tie_break if k not in reasons]

    def key_of(r: RankedMentor) -> tuple[float, ...]:
        return tuple(round(r.normalized.get(k) or 0.0, _KEY_DECIMALS) for k in tie_keys)

    ranked = [r for r in out if r.ranked]
    ranked.sort(key=lambda r: (-(r.total or 0.0), tuple(-v for v in key_of(r)), r.id))
    _places(ranked, key_of, tie_keys)
    rest = sorted((r for r in out if not r.ranked), key=lambda r: r.id)
    for n, r in enumerate([*ranked, *rest], start=1):
        r.order = n
    return [*ranked, *rest]


def _who(r: RankedMentor) -> str:
    return f"{r.id} ({r.name})" if r.name else r.id


def _places(ranked: list[RankedMentor], key_of: Any, tie_keys: list[str]) -> None:
    """Places with shared ones («2–3») and the explanation of every tie of totals."""
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1].total == ranked[i].total:
            j += 1
        group = ranked[i:j + 1]
        # inside a group of equal totals, mentors with equal tie-break keys share a place
        k = 0
        while k < len(group):
            m = k
            while m + 1 < len(group) and key_of(group[m + 1]) == key_of(group[k]):
                m += 1
            first, last = i + k + 1, i + m + 1
            place = str(first) if first == last else f"{first}–{last}"
            for r in group[k:m + 1]:
                r.place = place
            k = m + 1
        if len(group) > 1:
            for n, r in enumerate(group):
                r.ties = _tie_text(r, group, n, key_of, tie_keys)
        i = j + 1


TIE_NAMES = 5  # mentors named in a tie note; the rest counted (a large school's note must fit its cell)


def _some(people: list[RankedMentor], genitive: bool) -> str:
    """«А, Б, В» — or the first few and «ещё у 12 наставников» / «ещё с 12 наставниками» for a long list."""
    names = ", ".join(_who(o) for o in people[:TIE_NAMES])
    rest = len(people) - TIE_NAMES
    if rest <= 0:
        return names
    one = rest % 10 == 1 and rest % 100 != 11
    more = (f"ещё у {rest} наставника" if one else f"ещё у {rest} наставников") if genitive else \
        (f"ещё с {rest} наставником" if one else f"ещё с {rest} наставниками")
    return f"{names} и {more}"


def _tie_text(r: RankedMentor, group: list[RankedMentor], n: int, key_of: Any, tie_keys: list[str]) -> str:
    others = [o for o in group if o is not r]
    total = _num(r.total or 0.0, TOTAL_DECIMALS)
    parts = [f"Итоговый балл {total} — как у {_some(others, genitive=True)}."]
    shared = [o for o in others if key_of(o) == key_of(r)]
    if shared:
        what = ", ".join(COMPONENTS[k].name for k in tie_keys) or "компоненты"
        parts.append(f"Делит {r.place} место с {_some(shared, genitive=False)}: равны и {what}.")
    neighbours = [(group[n - 1], "ниже") if n > 0 else None, (group[n + 1], "выше") if n + 1 < len(group) else None]
    for item in neighbours:
        if item is None:
            continue
        other, word = item
        if key_of(other) == key_of(r):
            continue
        for k in tie_keys:
            mine, theirs = round(r.normalized.get(k) or 0.0, _KEY_DECIMALS), round(other.normalized.get(k) or 0.0,
                                                                                    _KEY_DECIMALS)
            if mine != theirs:
                kind = COMPONENTS[k]
                parts.append(f"{word.capitalize()} {_who(other)}: решила {kind.name} "
                             f"({show_raw(kind, r.raw.get(k))} против {show_raw(kind, other.raw.get(k))}).")
                break
    return " ".join(parts)
