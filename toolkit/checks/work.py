"""Checks of the work of pairs (stages 5–6), for «05_Работа пар» (per pair) and for each returned pair file:
goals have sprints, sprints stay inside their goal's horizon and the program, an open sprint that ended before
the pair's latest entry is overdue, meetings come after the plan, members belong to the pair."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.base.problems import Report
from toolkit.base.values import add_months, fold, format_date
from toolkit.books.reader import Row
from toolkit.model.pairs import known_pairs, normalize_pair_id
from toolkit.model.work import BOOK, PAIR_COLUMN, PROGRAM_ONLY, SPRINT_CLOSED
from toolkit.spec import Horizon, Profile

if TYPE_CHECKING:
    from toolkit.model.program import ProgramData


@dataclass
class Rules:
    """What the rules of stages 5–6 need to know about the program."""

    profile: Profile
    program_start: dt.date | None
    program_end: dt.date | None

    def horizon(self, name: object) -> Horizon | None:
        wanted = fold(name)
        return next((h for h in self.profile.sprint_horizons if fold(h.name) == wanted), None)


def rules_of(data: ProgramData) -> Rules:
    settings = data.settings()
    start, end = settings.get("program_start"), settings.get("program_end")
    return Rules(data.program.profile, start if isinstance(start, dt.date) else None,
                 end if isinstance(end, dt.date) else None)


def _header(sheet: Any, key: str) -> str:
    return next((c.header for c in sheet.columns if c.key == key), key)


@dataclass
class PairSheets:
    """The rows of one pair and where they are (a file and its sheets)."""

    label: str
    names: dict[str, str]  # sheet key → sheet name as found
    specs: dict[str, Any]  # sheet key → Sheet spec
    rows: dict[str, list[Row]]
    since: dt.date | None = None  # the pair's start: a pair carried over from last year has older entries

    def of(self, key: str) -> list[Row]:
        return self.rows.get(key, [])


def check_pair(pair: PairSheets, rules: Rules, report: Report, members: Sequence[str] | None = None) -> None:
    """The rules of stages 5–6 for one pair's rows (exact cells); ``members`` — the pair's participants."""
    label = pair.label

    def add(code: str, key: str, row: Row, column: str, **params: Any) -> None:
        sheet = pair.specs.get(key)
        report.add(code, file=label, sheet=pair.names.get(key, key), cell=row.cell(column),
                   field=_header(sheet, column) if sheet is not None else column, **params)

    goals, sprints, meetings = pair.of("goals"), pair.of("sprints"), pair.of("meetings")
    if members is not None:
        allowed = set(members)
        for key in ("members", "competencies", "goals", "diary", "adaptation", "results"):
            for row in pair.of(key):
                pid = row.values.get("member_id")
                if pid and "member_id" not in row.bad and pid not in allowed:
                    typed = row.raw.get("member_id")  # as typed, not the upper-cased code form
                    add("work-member-not-in-pair", key, row, "member_id",
                        value=str(typed).strip() if isinstance(typed, str) and typed.strip() else pid,
                        members=", ".join(members))
    goal_rows: dict[int, Row] = {}
    for row in goals:
        n = row.values.get("goal_no")
        if isinstance(n, int):
            goal_rows.setdefault(n, row)
    with_sprints = {row.values.get("goal_no") for row in sprints}
    for row in goals:
        n = row.values.get("goal_no")
        if isinstance(n, int) and n not in with_sprints and row.values.get("status") != "Отменена":
            add("work-goal-no-sprints", "goals", row, "goal", goal=n)
    # the latest date the pair wrote down: a sprint ended before it and still open was forgotten
    logged: list[dt.date] = [r.values["date"] for r in [*meetings, *pair.of("diary")]
                             if isinstance(r.values.get("date"), dt.date)]
    latest = max(logged, default=None)
    for row in sprints:
        v = row.values
        n = v.get("goal_no")
        if isinstance(n, int) and n not in goal_rows and "goals" in pair.specs:
            add("work-sprint-no-goal", "sprints", row, "goal_no", goal=n)
        start, end = v.get("start"), v.get("end")
        for key in ("start", "end"):
            _outside(pair, rules, "sprints", row, key, add)
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if end < start:
                add("work-sprint-dates", "sprints", row, "end", start=format_date(start), end=format_date(end))
                continue
            goal = goal_rows.get(n) if isinstance(n, int) else None
            horizon = rules.horizon(goal.values.get("horizon")) if goal is not None else None
            if horizon is not None and end > add_months(start, horizon.max_months):
                add("work-sprint-too-long", "sprints", row, "end", start=format_date(start), end=format_date(end),
                    goal=n, horizon=horizon.name, months=horizon.max_months,
                    latest=format_date(add_months(start, horizon.max_months)))
        if (isinstance(end, dt.date) and latest is not None and end < latest
                and v.get("status") not in SPRINT_CLOSED and "status" not in row.bad):
            add("work-sprint-overdue", "sprints", row, "status", sprint=v.get("sprint_no") or "", goal=n or "",
                end=format_date(end), latest=format_date(latest))
    for key in ("meetings", "diary", "results"):
        for row in pair.of(key):
            _outside(pair, rules, key, row, "date", add)
    if meetings:
        dated = [r for r in meetings if isinstance(r.values.get("date"), dt.date)]
        first = min(dated, key=lambda r: (r.values["date"], r.number)) if dated else meetings[0]
        missing = []
        if not goals:
            missing.append("цели со спринтами")
        rated = any(r.values.get("self_start") is not None or r.values.get("joint_start") is not None
                    for r in pair.of("competencies"))
        if not rated:
            missing.append("анализ компетенций (оценки на старте)")
        if missing:
            # «цели» are plural, «анализ» is masculine singular: the participle agrees with what is missing
            add("work-plan-missing", "meetings", first, "date", missing=" и ".join(missing),
                recorded="записаны" if not goals else "записан")


def _outside(pair: PairSheets, rules: Rules, key: str, row: Row, column: str, add: Any) -> None:
    value = row.values.get(column)
    if not isinstance(value, dt.date) or rules.program_start is None or rules.program_end is None:
        return
    start = min(rules.program_start, pair.since) if pair.since else rules.program_start
    if value < start or value > rules.program_end:
        add("work-date-outside-program", key, row, column, value=format_date(value),
            start=format_date(start), end=format_date(rules.program_end))


def validate_work(data: ProgramData, report: Report) -> None:
    """Checks of «05_Работа пар» ."""
    book = data.books.get(BOOK)
    if book is None:
        return
    rules = rules_of(data)
    pairs = known_pairs(data) if "pairs" in data.books else None
    names = {key: table.name for key, table in book.tables.items()}
    specs = {key: table.sheet for key, table in book.tables.items()}
    by_pair: dict[str, dict[str, list[Row]]] = {}
    for key, table in book.tables.items():
        if key in PROGRAM_ONLY:
            continue
        for row in table.rows:
            pid = normalize_pair_id(row.values.get(PAIR_COLUMN))
            if not pid:
                continue
            if pairs is not None and pid not in pairs:
                report.add("work-unknown-pair", file=book.label, sheet=table.name, cell=row.cell(PAIR_COLUMN),
                           field=_header(table.sheet, PAIR_COLUMN), value=pid)
                continue
            by_pair.setdefault(pid, {}).setdefault(key, []).append(row)
    for pid in sorted(by_pair):
        members = pairs[pid].members if pairs is not None else None
        since = pairs[pid].start if pairs is not None else None
        check_pair(PairSheets(book.label, names, specs, by_pair[pid], since), rules, report, members)
