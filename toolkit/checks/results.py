"""Checks of «06_Итоги» (stage 7): rows of people who are not a pair, awards without a place, points without
their award, a ranking older than the feedback it was made from."""

from __future__ import annotations

import datetime as dt

from toolkit.base.problems import Report
from toolkit.base.values import clean_text, format_date
from toolkit.books.reader import Row
from toolkit.logic.attention import PairState, pair_states
from toolkit.logic.evaluation import (
    BOOK,
    PAIR_SHEETS,
    as_of_date,
    method_of,
    name_of,
    ranking_inputs,
    rounded,
)
from toolkit.model.pairs import Pair, result_pairs
from toolkit.model.program import ProgramData


def validate_results(data: ProgramData, report: Report) -> None:
    """Rows of people who are not a pair, awards without a place, points, a ranking older than the feedback."""
    book = data.books.get(BOOK)
    if book is None:
        return
    profile = data.program.profile
    pairs = result_pairs(data) if "pairs" in data.books else []
    known = {(p.mentor, m) for p in pairs for m in p.mentees}
    mentees = {m for p in pairs for m in p.mentees}
    for key in PAIR_SHEETS:
        table = book.tables.get(key)
        if table is None:
            continue
        for row in table.rows:
            v = row.values
            if v.get("mentor_id") and v.get("mentee_id") and (v["mentor_id"], v["mentee_id"]) not in known:
                report.add("results-not-a-pair", file=book.label, sheet=table.name, cell=row.cell("mentee_id"),
                           field="Код наставляемого", mentor=v["mentor_id"], mentee=v["mentee_id"])
    table = book.tables.get("competencies")
    if table is not None:
        for row in table.rows:
            mentee = row.values.get("mentee_id")
            if mentee and pairs and mentee not in mentees:
                report.add("results-not-a-pair-mentee", file=book.label, sheet=table.name, cell=row.cell("mentee_id"),
                           field="Код наставляемого", mentee=mentee)
    table = book.tables.get("ranking")
    if table is None:
        return
    method = method_of(profile)
    award_attention(data, as_of_date(data), report)
    for row in table.rows:
        v = row.values
        awards = v.get("award") or []
        if awards and clean_text(v.get("place")) in ("", "—"):
            report.add("results-award-unranked", file=book.label, sheet=table.name, cell=row.cell("award"),
                       field="Поощрение", id=v.get("mentor_id"), award=", ".join(awards))

        if method.points_award and "points" in row.cells:
            if method.points_award in awards and v.get("points") is None:
                report.add("results-points-missing", file=book.label, sheet=table.name, cell=row.cell("points"),
                           field="Баллы", id=v.get("mentor_id"), award=method.points_award)
            elif v.get("points") is not None and method.points_award not in awards:
                report.add("results-points-without-award", file=book.label, sheet=table.name, cell=row.cell("award"),
                           field="Поощрение", id=v.get("mentor_id"), award=method.points_award)
    _check_stale(data, book.label, table.name, table.rows, pairs, report)


def award_attention(data: ProgramData, day: dt.date, report: Report) -> None:
    """An award chosen for a mentor whose pair or group needs the curator's attention on the evaluation day
    (no meetings, overdue meetings, low scores…): a warning on the award's cell, with the reasons."""
    book = data.books.get(BOOK)
    table = book.tables.get("ranking") if book is not None else None
    if book is None or table is None or "pairs" not in data.books:
        return
    flagged: dict[str, list[PairState]] = {}
    for state in pair_states(data, day):
        if state.codes:
            flagged.setdefault(state.info.mentor, []).append(state)
    for row in table.rows:
        v = row.values
        awards = v.get("award") or []
        states = flagged.get(v.get("mentor_id") or "")
        if not awards or not states or clean_text(v.get("place")) in ("", "—"):
            continue
        codes = ", ".join(s.pair_id for s in states)
        report.add("results-award-attention", file=book.label, sheet=table.name, cell=row.cell("award"),
                   field="Поощрение", id=v["mentor_id"], name=name_of(data, v["mentor_id"]),
                   award=", ".join(awards), day=format_date(day),
                   pairs=(f"паре {codes}" if len(states) == 1 else f"парам {codes}"),
                   reasons="; ".join(r for s in states for r in s.reasons))


def _check_stale(data: ProgramData, label: str, sheet: str, rows: list[Row], pairs: list[Pair],
                 report: Report) -> None:
    """The feedback changed after the ranking was made: one warning for the sheet."""
    inputs, _ = ranking_inputs(data, pairs)
    stored = {r.values.get("mentor_id"): r.values for r in rows if r.values.get("mentor_id")}
    feedback_given = any(m.raw.get("mentees") is not None or m.raw.get("curator") is not None for m in inputs)
    if not stored:
        if feedback_given:
            report.add("results-ranking-missing", file=label, sheet=sheet)
        return
    columns = {"mentees": "c_mentees", "curator": "c_curator", "community": "c_community", "mutual": "c_mutual"}
    for m in inputs:
        row = stored.get(m.id)
        if row is None:
            report.add("results-ranking-stale", file=label, sheet=sheet, id=m.id)
            return
        for key, column in columns.items():
            now, then = rounded(m.raw.get(key)), row.get(column)
            if (now is None) != (then is None) or (now is not None and then is not None and abs(now - then) > 0.006):
                report.add("results-ranking-stale", file=label, sheet=sheet, id=m.id)
                return
