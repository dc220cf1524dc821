"""What a best-practice description for a competition says beyond the curator's words: who took part, the goals
and the figures of the pair's or group's work (meetings held, goals reached, the mentees' competencies at the
start and at the end), as of the document's date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from toolkit.base.grammar import gendered, lower_first, person_gender
from toolkit.base.values import clean_text, format_date, format_number
from toolkit.logic.evaluation import GOAL_CANCELLED, GOAL_REACHED, PairWork, name_of, work_of
from toolkit.model.pairs import Pair, result_pairs
from toolkit.model.program import ProgramData


def practice_pair(data: ProgramData, mentor_id: object) -> Pair | None:
    """The pair or group of the practice's mentor (None when none is named or the pairs book is missing)."""
    if not mentor_id or "pairs" not in data.books:
        return None
    return next((p for p in result_pairs(data) if p.mentor == mentor_id), None)


def participants_text(data: ProgramData, pair: Pair) -> str:
    """«Наставник — Тарасова Ева Алексеевна; наставляемый — Комаров Артём Игоревич.» (a group: its members)."""
    profile = data.program.profile
    mentees = [name_of(data, m) or m for m in pair.mentees]
    role = profile.roles_plural["mentee"] if len(mentees) > 1 else profile.roles["mentee"]
    if len(mentees) == 1 and role.endswith("ый"):  # «наставляемая» of a girl; «молодой педагог» of anyone
        person = data.participants.get(pair.mentees[0])
        role = gendered(person_gender(mentees[0], person.values.get("gender") if person else None),
                        role, role[:-2] + "ая")
    mentor = name_of(data, pair.mentor) or pair.mentor
    return f"{profile.roles['mentor'].capitalize()} — {mentor}; {role.lower()} — {', '.join(mentees)}."


def goals_text(data: ProgramData, pair: Pair) -> str:
    """The goals the pair wrote, numbered: «1) …; 2) …»."""
    work = (work_of(data) or {}).get(pair.pair_id)
    goals = [clean_text(g.get("goal")) for g in (work.goals if work else []) if g.get("status") != GOAL_CANCELLED]
    goals = [g.rstrip(".") for g in goals if g]
    return "; ".join(f"{n}) {lower_first(g)}" for n, g in enumerate(goals, start=1)) + "." if goals else ""


def figures_text(data: ProgramData, pair: Pair, date: dt.date) -> str:
    """The figures of the pair's work up to ``date``: meetings held (and when), goals reached, the mentees'
    competencies at the start and now (means on the 1–5 scale, with decimal commas)."""
    works = work_of(data) or {}
    work = works.get(pair.pair_id)
    if work is None:
        return ""
    parts = []
    held = [m for m in work.meetings if isinstance(m.get("date"), dt.date) and m["date"] <= date]
    if held:
        parts.append(f"Встреч проведено: {len(held)} (с {format_date(held[0]['date'])} по "
                     f"{format_date(held[-1]['date'])})")
    counted = [g for g in work.goals if g.get("status") != GOAL_CANCELLED]
    if counted:
        reached = sum(1 for g in counted if g.get("status") == GOAL_REACHED)
        parts.append(f"целей достигнуто: {reached} из {len(counted)}")
    start, now = _competencies(work, pair)
    if start is not None and now is not None:
        parts.append(f"компетенции наставляемых в среднем (шкала 1–5): на старте {format_number(round(start, 1))}, "
                     f"в конце {format_number(round(now, 1))}")
    if not parts:
        return ""
    text = "; ".join(parts) + "."
    return text[:1].upper() + text[1:]


def _competencies(work: PairWork, pair: Pair) -> tuple[float | None, float | None]:
    start: list[float] = []
    now: list[float] = []
    for row in work.competencies:
        if row.get("member_id") not in pair.mentees:
            continue
        first = _number(row.get("joint_start"))
        first = first if first is not None else _number(row.get("self_start"))
        last = _number(row.get("now"))
        if first is not None and last is not None:  # the same competencies at both ends
            start.append(first)
            now.append(last)
    if not start:
        return None, None
    return sum(start) / len(start), sum(now) / len(now)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
