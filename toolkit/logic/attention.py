"""The curator's watch over the pairs' regular meetings (stage 6, where the curator monitors each pair): are meetings regular, as promised in the application;
are evaluations low or falling; is feedback given after each meeting; are sprints closed on time; is there
a plan. Everything is computed «as of» a day given by the caller (``status --date``), from the rows of
«05_Работа пар»: the same data and day always give the same answer. Meetings dated after that day are not
counted yet.

Rules (the interval is the frequency the mentor promised, in days, from the form's profile):

* never met — no meeting since the pair's start, and more than one interval has passed;
* overdue — more than 1.5 intervals since the last meeting;
* too few — fewer than half of the meetings the interval promises since the start (when 3 or more are due);
* low evaluation — the last evaluation of a side is 2 or lower (scale 1–5);
* falling evaluations — the last three evaluations of a side never rise and fall by 2 or more;
* missing feedback — a meeting before the day without the evaluation of a side;
* overdue sprint — its end is before the day and it is neither «Завершён» nor «Отменён»;
* no plan — meetings are held, but no goals or no competency ratings at the start;
* teachers: an intermediate result dated before the day without an evaluation.

Pairs sharing a kind of problem (two or more) get a suggested group meeting with the curator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.base.values import format_date
from toolkit.model.pairs import Pair, known_pairs
from toolkit.model.work import SPRINT_CLOSED, journal, promised_frequency, rows_by_pair

if TYPE_CHECKING:
    from toolkit.model.program import ProgramData

LOW_SCORE = 2
FALL = 2
OVERDUE_FACTOR = 1.5
FEW_SHARE = 0.5
SCALE_MAX = 5

STATE_WORKING = "Работает"
STATE_ATTENTION = "Требует внимания"
STATE_NEVER_MET = "Ни одной встречи"
STATE_NOT_STARTED = "Ещё не начала"
STATE_ENDED = "Завершена"
STATES = (STATE_WORKING, STATE_ATTENTION, STATE_NEVER_MET, STATE_NOT_STARTED, STATE_ENDED)

# kind of problem → (theme of a group meeting, codes)
THEMES: list[tuple[str, tuple[str, ...]]] = [
    ("Регулярность встреч: как договориться о времени и не терять связь",
     ("never-met", "meeting-overdue", "too-few-meetings")),
    ("Встречи не приносят пользы: что мешает и что изменить", ("low-score", "falling-scores")),
    ("Обратная связь после встреч: оценка и рефлексия", ("missing-feedback",)),
    ("План работы: цели, спринты и их сроки", ("sprint-overdue", "no-plan")),
    ("Промежуточные итоги: как их представить и оценить", ("result-not-evaluated",)),
]
_GENITIVE = {"наставник": "наставника", "наставляемый": "наставляемого", "молодой педагог": "молодого педагога"}


@dataclass
class PairState:
    """One pair or group as of a day: its meetings, evaluations, state and the reasons to look at it."""

    info: Pair
    frequency: str
    interval: int | None
    meetings: list[dict[str, Any]]  # held by the day, in order of date
    rows: dict[str, list[dict[str, Any]]]
    collected: bool
    state: str = STATE_WORKING
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    @property
    def pair_id(self) -> str:
        return self.info.pair_id

    def add(self, code: str, text: str) -> None:
        self.codes.append(code)
        self.reasons.append(text)

    def last_meeting(self) -> dt.date | None:
        return self.meetings[-1]["date"] if self.meetings else None

    def mean(self, key: str) -> float | None:
        scores = [m[key] for m in self.meetings if isinstance(m.get(key), int)]
        return round(sum(scores) / len(scores), 2) if scores else None


def _side(role: str, genitive: bool = False) -> str:
    word = role.lower()
    return _GENITIVE.get(word, word) if genitive else word


def pair_states(data: ProgramData, today: dt.date) -> list[PairState]:
    """Every pair and group of stage 4 (active and ended) as of ``today``."""
    if "pairs" not in data.books:
        return []
    profile = data.program.profile
    rows = rows_by_pair(data)
    collected = journal(data)
    settings = data.settings()
    program_start = settings.get("program_start") if isinstance(settings.get("program_start"), dt.date) else None
    out = []
    for pid, info in known_pairs(data).items():
        values = {key: [r.values for r in sheet_rows] for key, sheet_rows in rows.get(pid, {}).items()}
        meetings = sorted((m for m in values.get("meetings", []) if isinstance(m.get("date"), dt.date)
                           and m["date"] <= today),
                          key=lambda m: (m["date"], m.get("number") if isinstance(m.get("number"), int) else 0))
        frequency, interval = promised_frequency(data, info)
        state = PairState(info, frequency, interval, meetings, values, pid in collected or pid in rows)
        start = info.start or program_start
        if not info.active:
            state.state = STATE_ENDED
        elif start is None or start > today:
            state.state = STATE_NOT_STARTED
        else:
            _reasons(state, start, today, profile.roles["mentor"], profile.roles["mentee"])
            if "never-met" in state.codes:
                state.state = STATE_NEVER_MET
            elif state.codes:
                state.state = STATE_ATTENTION
            elif not meetings:
                state.state = STATE_NOT_STARTED
        out.append(state)
    return out


def _reasons(state: PairState, start: dt.date, today: dt.date, mentor: str, mentee: str) -> None:
    meetings, interval, frequency = state.meetings, state.interval, state.frequency.lower()
    days = (today - start).days
    if interval:
        if not meetings:
            if days > interval:
                text = (f"ни одной встречи за {days} дн. с начала работы ({format_date(start)}), а обещано: "
                        f"{frequency} (каждые {interval} дн.)")
                if not state.collected:
                    text += "; книга пары ещё не собрана"
                state.add("never-met", text)
        else:
            last = meetings[-1]["date"]
            gap = (today - last).days
            if gap > interval * OVERDUE_FACTOR:
                state.add("meeting-overdue", f"последняя встреча — {format_date(last)} ({gap} дн. назад), а обещано: "
                                             f"{frequency} (каждые {interval} дн.)")
            expected = days // interval
            if expected >= 3 and len(meetings) < expected * FEW_SHARE:
                state.add("too-few-meetings", f"встреч {len(meetings)}, а за {days} дн. при частоте «{frequency}» "
                                              f"ожидалось около {expected}")
    for key, role in (("mentor_score", mentor), ("mentee_score", mentee)):
        scored = [(m["date"], m[key]) for m in meetings if isinstance(m.get(key), int)]
        if scored and scored[-1][1] <= LOW_SCORE:
            state.add("low-score", f"низкая оценка встречи {format_date(scored[-1][0])}: {_side(role)} — "
                                   f"{scored[-1][1]} из {SCALE_MAX}")
        if len(scored) >= 3:
            (d1, a), (_, b), (d3, c) = scored[-3:]
            if a >= b >= c and a - c >= FALL:
                state.add("falling-scores", f"оценки {_side(role, True)} снижаются: {a} → {b} → {c} "
                                            f"(встречи {format_date(d1)} – {format_date(d3)})")
    for key, role in (("mentor_score", mentor), ("mentee_score", mentee)):
        without = [m["date"] for m in meetings if m["date"] < today and not isinstance(m.get(key), int)]
        if without:
            state.add("missing-feedback", f"встреч без оценки {_side(role, True)}: {len(without)} "
                                          f"(последняя — {format_date(without[-1])})")
    for sprint in sorted(state.rows.get("sprints", []), key=lambda s: (str(s.get("goal_no")), str(s.get("sprint_no")))):
        end = sprint.get("end")
        if isinstance(end, dt.date) and end < today and sprint.get("status") not in SPRINT_CLOSED:
            task = f" «{sprint['task']}»" if sprint.get("task") else ""
            state.add("sprint-overdue", f"спринт {sprint.get('sprint_no') or ''} цели {sprint.get('goal_no') or ''}"
                                        f"{task} должен был закончиться {format_date(end)}, но не закрыт")
    if meetings:
        missing = []
        if not state.rows.get("goals"):
            missing.append("цели со спринтами")
        if not any(r.get("self_start") is not None or r.get("joint_start") is not None
                   for r in state.rows.get("competencies", [])):
            missing.append("анализ компетенций")
        if missing:
            # «цели» are plural, «анализ» is masculine singular: the participle agrees with what is missing
            verb = "записаны" if len(missing) > 1 or not state.rows.get("goals") else "записан"
            state.add("no-plan", f"встречи идут, а плана нет: не {verb} " + " и ".join(missing))
    for result in state.rows.get("results", []):
        date = result.get("date")
        if isinstance(date, dt.date) and date < today and not isinstance(result.get("evaluation"), int):
            who = state.info.name(result.get("member_id") or "") or result.get("member_id") or ""
            state.add("result-not-evaluated", f"промежуточный итог «{result.get('kind')}» ({who}) от "
                                              f"{format_date(date)} без оценки")


def attention_list(states: list[PairState]) -> list[dict[str, Any]]:
    """``[{"pair", "mentor", "mentees", "state", "reasons", "codes"}]`` for pairs needing attention."""
    return [{"pair": s.pair_id, "mentor": s.info.mentor, "mentees": list(s.info.mentees), "state": s.state,
             "reasons": list(s.reasons), "codes": list(s.codes)}
            for s in states if s.reasons]


def group_meetings(states: list[PairState]) -> list[dict[str, Any]]:
    """A group meeting with the curator for two or more pairs that share a kind of problem."""
    out = []
    for topic, codes in THEMES:
        pairs = [s.pair_id for s in states if any(c in codes for c in s.codes)]
        if len(pairs) >= 2:
            out.append({"topic": topic, "pairs": pairs})
    return out
