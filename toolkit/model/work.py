"""Stages 5–6, the work of pairs: competency analysis, goals and sprints, meetings with evaluations, diary,
and for teachers the adaptation program and the mandatory intermediate results.

Two workbooks share one declarative spec. ``workbook_templates/work.yaml`` is the program's copy,
«05_Работа пар»: one sheet per kind of record with the pair's code in the first column; `check` and
`status` read it like every other workbook. The workbook of one pair («Работа пары», written by
``nastavnik distribute``) is made of the same sheets without that column plus the sheet «Пара» of
``workbook_templates/pair_work.yaml``; the pair's code and the program's code are kept in its «_meta» sheet
and, visibly, on the sheet «Пара». Cells the program fills for the pair (names, codes, competencies,
numbers of goals and meetings) are locked in the pair's workbook.

This module holds what both sides need: the specs, the pairs of the program, the rows of a pair, the
fingerprint of a pair's content (how ``collect`` knows a file was already merged) and the rules `check`
applies both to «05_Работа пар» (per pair) and to each returned file.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from toolkit import spec
from toolkit.base.values import clean_text, fold, format_date
from toolkit.books.reader import Row
from toolkit.books.writer import BOOK_LISTS
from toolkit.model.pairs import Pair, normalize_pair_id
from toolkit.spec import Profile, WorkbookSpec

if TYPE_CHECKING:
    from toolkit.model.program import ProgramData

BOOK = "work"  # «05_Работа пар», the program's copy
PAIR_BOOK = "pair_work"  # «Работа пары», the workbook of one pair
PAIR_COLUMN = "pair_id"
FORM_SHEET = "pair"
PROGRAM_ONLY = ("journal",)  # sheets of the program's copy that pairs never see
# Columns the program fills in a pair's workbook: locked there (in «05_Работа пар» the curator may type them).
PAIR_LOCKED: dict[str, tuple[str, ...]] = {
    "members": ("member_id", "name", "role"),
    "competencies": ("member_id", "name", "group", "competency"),
    "results": ("member_id", "name", "kind"),
    "goals": ("goal_no",),
    "meetings": ("number",),
}
# Of those, the ones that identify a prefilled row: changing them is an edit of a locked field.
IDENTITY: dict[str, tuple[str, ...]] = {
    "members": ("member_id", "name", "role"),
    "competencies": ("member_id", "name", "group", "competency"),
    "results": ("member_id", "name", "kind"),
}
FORM_IDENTITY = ("pair_id", "program_id", "mentor", "mentees")
GROUP_NAMES = {"meta": "Метакомпетенции", "professional": "Профессиональные компетенции"}
SPRINT_CLOSED = ("Завершён", "Отменён")
GOAL_SLOTS = 8  # goal numbers prefilled in a pair's workbook
MEETING_SLOTS_MIN, MEETING_SLOTS_MAX = 10, 120


# --------------------------------------------------------------------------- specs


@functools.cache
def _specs(form: str) -> tuple[WorkbookSpec, WorkbookSpec]:
    profile = spec.profiles()[form]
    program = spec.resolve(spec.workbook_specs()[BOOK], profile)
    own = spec.resolve(spec.workbook_specs()[PAIR_BOOK], profile)
    sheets = list(own.sheets)
    for sheet in program.sheets:
        if sheet.key in PROGRAM_ONLY:
            continue
        locked = PAIR_LOCKED.get(sheet.key, ())
        columns = [c.model_copy(update={"locked": True}) if c.key in locked else c
                   for c in sheet.columns if c.key != PAIR_COLUMN]
        unique = [[k for k in group if k != PAIR_COLUMN] for group in sheet.unique]
        sheets.append(sheet.model_copy(update={"columns": columns, "unique": [g for g in unique if g]}))
    return program, own.model_copy(update={"sheets": sheets})


def work_spec(profile: Profile) -> WorkbookSpec:
    """«05_Работа пар» as it is for the form."""
    return _specs(profile.form)[0]


def pair_spec(profile: Profile) -> WorkbookSpec:
    """«Работа пары»: the sheet «Пара» and the sheets of «05_Работа пар» without the pair code column."""
    return _specs(profile.form)[1]


def content_sheets(profile: Profile) -> list[str]:
    """Keys of the sheets that make a pair's content (the same in both workbooks)."""
    return [s.key for s in pair_spec(profile).sheets if s.kind == "table"]


def promised_frequency(data: ProgramData, info: Pair) -> tuple[str, int | None]:
    """The frequency of meetings the mentor promised in the application (teachers: or in the regulation of
    stage 3) and its interval in days from the profile; ("", None) when unknown."""
    profile = data.program.profile
    mentor = data.participants.get(info.mentor)
    frequency = clean_text(mentor.values.get("frequency")) if mentor else ""
    if not frequency:
        for row in data.rows("training", "strategy"):
            if row.values.get("id") == info.mentor and row.values.get("frequency"):
                frequency = clean_text(row.values["frequency"])
                break
    days = next((d for name, d in profile.frequency_days.items() if fold(name) == fold(frequency)), None)
    return frequency, days


def member_role(data: ProgramData, info: Pair, pid: str) -> str:
    return data.program.profile.roles["mentor" if pid == info.mentor else "mentee"]


def person_label(info: Pair, pid: str) -> str:
    name = info.name(pid)
    return f"{pid} {name}".strip()


# --------------------------------------------------------------------------- rows of a pair


def rows_by_pair(data: ProgramData) -> dict[str, dict[str, list[Row]]]:
    """Rows of «05_Работа пар» grouped by the pair's code (rows without a code are left out)."""
    book = data.books.get(BOOK)
    out: dict[str, dict[str, list[Row]]] = {}
    if book is None:
        return out
    for key, table in book.tables.items():
        if key in PROGRAM_ONLY:
            continue
        for row in table.rows:
            pid = normalize_pair_id(row.values.get(PAIR_COLUMN))
            if pid:
                out.setdefault(pid, {}).setdefault(key, []).append(row)
    return out


def journal(data: ProgramData) -> dict[str, list[dict[str, Any]]]:
    """Entries of the sheet «Журнал сбора» by pair, in the order they were added."""
    book = data.books.get(BOOK)
    out: dict[str, list[dict[str, Any]]] = {}
    if book is None or "journal" not in book.tables:
        return out
    for row in book.tables["journal"].rows:
        pid = normalize_pair_id(row.values.get(PAIR_COLUMN))
        if pid:
            out.setdefault(pid, []).append(row.values)
    return out


def kept_rows(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Rows to write back: what was typed (invalid values as typed), without the pair code column."""
    out = []
    for row in rows:
        values = row.kept_values()
        values.pop(PAIR_COLUMN, None)
        out.append(values)
    return out


def _canon(value: Any) -> Any:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    return clean_text(value) if "\n" not in str(value) else str(value).strip()


def content(profile: Profile, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[str]]:
    """A pair's content in a canonical form: per sheet, the sorted rows (only the spec's columns).

    The same content read from a pair's file (xlsx or ods, any suite) and from «05_Работа пар» is equal.
    """
    out: dict[str, list[str]] = {}
    for sheet in pair_spec(profile).sheets:
        if sheet.kind != "table":
            continue
        keys = [c.key for c in sheet.columns]
        canon = []
        for r in rows.get(sheet.key, []):
            values = {k: _canon(r.get(k)) for k in keys}
            if any(v is not None for v in values.values()):
                canon.append(json.dumps(values, ensure_ascii=False, sort_keys=True))
        out[sheet.key] = sorted(canon)
    return out


def fingerprint(profile: Profile, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """A short digest of a pair's content: equal contents, equal fingerprints."""
    text = json.dumps(content(profile, rows), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def row_key(sheet: str, values: Mapping[str, Any]) -> tuple[Any, ...]:
    """What identifies a row of a pair's sheet across versions of the pair's file."""
    v = values
    if sheet == "members":
        return (v.get("member_id"),)
    if sheet == "competencies":
        return (v.get("member_id"), fold(v.get("competency")))
    if sheet == "goals":
        return (_canon(v.get("goal_no")),)
    if sheet == "sprints":
        return (_canon(v.get("goal_no")), _canon(v.get("sprint_no")))
    if sheet == "meetings":
        number = _canon(v.get("number"))
        return ("№", number) if number is not None else ("дата", _canon(v.get("date")), fold(v.get("topic")))
    if sheet == "diary":
        return (_canon(v.get("date")), v.get("member_id"), fold(v.get("entry"))[:60])
    if sheet == "adaptation":
        return (v.get("member_id"), fold(v.get("problem")))
    if sheet == "results":
        return (v.get("member_id"), fold(v.get("kind")))
    return tuple(sorted((k, json.dumps(_canon(x), ensure_ascii=False)) for k, x in v.items() if k != "__extra__"))


def describe_row(sheet: str, values: Mapping[str, Any]) -> str:
    """A row named for a person: «встреча № 5 (12.01.2027)», «цель 2», «спринт 1 цели 2»."""
    v = values
    date = v.get("date")
    when = f" ({format_date(date)})" if isinstance(date, dt.date) else ""
    if sheet == "meetings":
        return (f"встреча № {v['number']}{when}" if v.get("number") is not None else f"встреча{when}: {v.get('topic')}")
    if sheet == "goals":
        return f"цель {v.get('goal_no')}"
    if sheet == "sprints":
        return f"спринт {v.get('sprint_no')} цели {v.get('goal_no')}"
    if sheet == "competencies":
        return f"оценка компетенции «{v.get('competency')}» ({v.get('member_id')})"
    if sheet == "members":
        return f"участник {v.get('member_id')}"
    if sheet == "diary":
        return f"запись дневника{when}"
    if sheet == "adaptation":
        return f"проблема «{v.get('problem')}» программы адаптации"
    if sheet == "results":
        return f"промежуточный итог «{v.get('kind')}» ({v.get('member_id')})"
    return "строка"


def summary_text(profile: Profile, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """«встреч 5, целей 2, спринтов 4, оценок компетенций 16»."""
    parts = [("meetings", "встреч"), ("goals", "целей"), ("sprints", "спринтов"),
             ("competencies", "оценок компетенций"), ("diary", "записей дневника"),
             ("adaptation", "проблем программы адаптации"), ("results", "промежуточных итогов")]
    present = set(content_sheets(profile))
    return ", ".join(f"{label} {len(rows.get(key, []))}" for key, label in parts
                     if key in present and (rows.get(key) or key in ("meetings", "goals", "sprints")))


# --------------------------------------------------------------------------- the workbook of one pair


def planned_meetings(info: Pair, interval: int | None) -> int:
    """How many meeting numbers to prefill: the meetings promised over the pair's term and a reserve."""
    if not interval or not info.start or not info.end or info.end < info.start:
        return MEETING_SLOTS_MIN
    count = ((info.end - info.start).days + 1) / interval
    return max(MEETING_SLOTS_MIN, min(MEETING_SLOTS_MAX, math.ceil(count * 1.25)))


def expected_form(data: ProgramData, info: Pair) -> dict[str, Any]:
    """The values of the sheet «Пара» of a pair's workbook."""
    settings = data.settings()
    frequency, interval = promised_frequency(data, info)
    return {
        "pair_id": info.pair_id,
        "program_id": data.program.program_id,
        "school": clean_text(settings.get("school_short") or settings.get("school_full")),
        "form_name": data.program.profile.name,
        "mentor": person_label(info, info.mentor),
        "mentees": "; ".join(person_label(info, m) for m in info.mentees),
        "start": info.start,
        "end": info.end,
        "frequency": f"{frequency} (каждые {interval} дн.)" if frequency and interval else frequency,
        "curator": clean_text(settings.get("curator")),
    }


def pair_rows(data: ProgramData, info: Pair, existing: Mapping[str, Sequence[Mapping[str, Any]]]
              ) -> dict[str, Any]:
    """Everything a pair's workbook is written from: the sheet «Пара», the prefilled rows (members,
    competencies of each member, goal and meeting numbers, the teachers' intermediate results) and the
    rows already collected for the pair (``existing``, without the pair code)."""
    profile = data.program.profile
    sheets = set(content_sheets(profile))
    out: dict[str, Any] = {FORM_SHEET: expected_form(data, info)}
    collected: dict[str, list[dict[str, Any]]] = {k: [dict(r) for r in v] for k, v in existing.items()}

    def merged(key: str, skeleton: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows = collected.get(key, [])
        by_key = {row_key(key, r): r for r in rows}
        used: set[tuple[Any, ...]] = set()
        result = []
        for base in skeleton:
            k = row_key(key, base)
            found = by_key.get(k)
            if found is not None and k not in used:
                used.add(k)
                result.append({**found, **base})
            else:
                result.append(base)
        result.extend(r for r in rows if row_key(key, r) not in used)
        return result

    members = [{"member_id": pid, "name": info.name(pid), "role": member_role(data, info, pid)} for pid in info.members]
    out["members"] = merged("members", members)
    out[BOOK_LISTS] = {"members": [info.name(pid) for pid in info.members]}  # «Кто пишет»: a dropdown of them
    competencies = []
    for pid in info.members:
        for group, names in profile.competencies.items():
            for name in names:
                competencies.append({"member_id": pid, "name": info.name(pid),
                                     "group": GROUP_NAMES.get(group, group), "competency": name})
    out["competencies"] = merged("competencies", competencies)
    goals = sorted(collected.get("goals", []), key=lambda r: (_num(r.get("goal_no")), ))
    used_goals = {_canon(r.get("goal_no")) for r in goals}
    top = max([n for n in used_goals if isinstance(n, int)], default=0)
    out["goals"] = goals + [{"goal_no": n} for n in range(1, max(GOAL_SLOTS, top + 3) + 1) if n not in used_goals]
    out["goals"].sort(key=lambda r: _num(r.get("goal_no")))
    _, interval = promised_frequency(data, info)
    meetings = sorted(collected.get("meetings", []), key=lambda r: (_num(r.get("number")), _date_key(r.get("date"))))
    numbers = {_canon(r.get("number")) for r in meetings}
    last = max([n for n in numbers if isinstance(n, int)], default=0)
    slots = max(planned_meetings(info, interval), last + 5)
    out["meetings"] = meetings + [{"number": n} for n in range(last + 1, slots + 1)]
    for key in ("sprints", "diary", "adaptation"):
        if key in sheets:
            out[key] = list(collected.get(key, []))
    if "results" in sheets:
        kinds = profile.lists.get("result_kinds", [])
        out["results"] = merged("results", [{"member_id": m, "name": info.name(m), "kind": kind}
                                            for m in info.mentees for kind in kinds])
    return out


def _num(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.inf


def _date_key(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else "9999"


def expected_identities(data: ProgramData, info: Pair,
                        existing: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, set[tuple[str, ...]]]:
    """Per sheet, the identity of every prefilled row a pair's workbook may hold (locked cells)."""
    rows = pair_rows(data, info, existing)
    return {key: {identity_of(key, r) for r in rows.get(key, [])} for key in IDENTITY if key in rows}


def identity_of(sheet: str, values: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(fold(values.get(k)) for k in IDENTITY[sheet])


# --------------------------------------------------------------------------- rules (check)
