"""Checks of «07_Мониторинг»: rows of people who are not in a pair, an exit value without its entry value,
an exit measured before the entry, more deficits closed than found. The cell checks (a score outside 1–10,
a text in a number cell, a SWOT item without its section) are made by the reader from the spec."""

from __future__ import annotations

from typing import Any

from toolkit.base.problems import Report
from toolkit.base.values import clean_text, format_date, format_number
from toolkit.books.reader import Row
from toolkit.logic.monitoring import BOOK, growth_kind, indicators
from toolkit.model.pairs import result_pairs
from toolkit.model.program import ProgramData


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, (int, float)):
        return format_number(value)
    return clean_text(value)


def validate_monitoring(data: ProgramData, report: Report) -> None:
    book = data.books.get(BOOK)
    if book is None:
        return
    profile = data.program.profile
    pairs = result_pairs(data) if "pairs" in data.books else []
    mentors = {p.mentor for p in pairs}
    mentees = {m for p in pairs for m in p.mentees}
    for key, id_key, known, role in (("indicators", "mentee_id", mentees, "mentee"),
                                     ("mentee_survey", "mentee_id", mentees, "mentee"),
                                     ("mentor_survey", "mentor_id", mentors, "mentor")):
        table = book.tables.get(key)
        if table is None or not pairs:
            continue
        for row in table.rows:
            pid = row.values.get(id_key)
            if pid and pid in data.participants and pid not in known:
                report.add("monitoring-not-in-pair", file=book.label, sheet=table.name, cell=row.cell(id_key),
                           field=table.sheet.columns[[c.key for c in table.sheet.columns].index(id_key)].header,
                           role=profile.roles[role], id=pid)  # type: ignore[index]
    table = book.tables.get("indicators")
    if table is None:
        return
    headers = {c.key: c.header for c in table.sheet.columns}
    for row in table.rows:
        _check_row(row, headers, growth_kind(profile), book.label, table.name, report)


def _check_row(row: Row, headers: dict[str, str], kind: str, label: str, sheet: str, report: Report) -> None:
    v = row.values
    who = clean_text(v.get("mentee_id")) or f"строки {row.number}"
    if kind == "teacher":  # the deficits closed are typed; the open ones on exit are derived from them
        pairs = [("deficits_in", "deficits_closed"), ("lessons_in", "lessons_out"), ("category_in", "category_out")]
    else:
        pairs = [(i.entry, i.exit) for i in indicators(kind)]
    for entry, exit_ in pairs:
        if entry not in headers or exit_ in row.bad or entry in row.bad:
            continue
        if v.get(exit_) not in (None, "") and v.get(entry) in (None, ""):
            report.add("monitoring-exit-without-entry", file=label, sheet=sheet, cell=row.cell(entry),
                       field=headers[entry], id=who, indicator=headers[entry].rsplit(":", 1)[0],
                       value=_shown(v.get(exit_)))
    start, end = v.get("entry_date"), v.get("exit_date")
    if start and end and end < start:
        report.add("monitoring-dates", file=label, sheet=sheet, cell=row.cell("exit_date"), field=headers["exit_date"],
                   entry=format_date(start), exit=format_date(end))
    found, closed = v.get("deficits_in"), v.get("deficits_closed")
    if isinstance(found, int) and isinstance(closed, int) and closed > found:
        report.add("monitoring-deficits-closed", file=label, sheet=sheet, cell=row.cell("deficits_closed"),
                   field=headers["deficits_closed"], closed=closed, found=found)
