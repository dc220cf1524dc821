"""The road map of a program: the rows of the sheet «Дорожная карта» of «00_Настройки» with their terms.

The sheet is prefilled from the form's profile (``road_map`` of ``workbook_templates/forms/*.yaml``) when
the settings book is written; the curator edits, deletes and adds rows. A row's empty «Начало» /
«Окончание» is computed from the program's dates: by the profile's term of the row with the same event,
otherwise by the span of the profile's rows of the same stage. A book written before the sheet existed
(or whose sheet is empty) gets the profile's rows as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from toolkit.base.values import clean_text, format_date
from toolkit.model.program import ProgramData
from toolkit.spec import Profile, RoadMapRow

SHEET = "road_map"
_TERM = re.compile(r"^\s*(start|end)\s*(?:([+-])\s*(\d+))?\s*$")


@dataclass(frozen=True)
class Step:
    number: int
    stage: int | None
    event: str
    start: dt.date | None
    end: dt.date | None
    responsible: str
    result: str
    done: dt.date | None

    @property
    def term(self) -> str:
        """«01.09.2026 – 15.09.2026», «до 31.05.2027», «15.09.2026» (one day), or a blank to fill by hand."""
        if self.start and self.end and self.start != self.end:
            return f"{format_date(self.start)} – {format_date(self.end)}"
        if self.end:
            return format_date(self.end)
        if self.start:
            return f"с {format_date(self.start)}"
        return "по плану"

    def overdue(self, today: dt.date) -> bool:
        return self.done is None and self.end is not None and self.end < today


def term_date(term: str, start: dt.date | None, end: dt.date | None) -> dt.date | None:
    """«start+14» → 14 days after the program's start; «end-30», «end»; None when that date is unknown."""
    m = _TERM.match(term or "")
    if not m:
        return None
    anchor = start if m.group(1) == "start" else end
    if anchor is None:
        return None
    days = int(m.group(3) or 0) * (-1 if m.group(2) == "-" else 1)
    return anchor + dt.timedelta(days=days)


def _fold(text: object) -> str:
    return clean_text(text).casefold().replace("ё", "е")


def _profile_terms(profile: Profile, start: dt.date | None, end: dt.date | None
                   ) -> tuple[dict[str, tuple[dt.date | None, dt.date | None]],
                              dict[int, tuple[dt.date | None, dt.date | None]]]:
    by_event: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    by_stage: dict[int, tuple[dt.date | None, dt.date | None]] = {}
    for row in profile.road_map:
        s, e = term_date(row.start, start, end), term_date(row.end, start, end)
        by_event[_fold(row.event)] = (s, e)
        old = by_stage.get(row.stage)
        if old is None:
            by_stage[row.stage] = (s, e)
        else:
            by_stage[row.stage] = (min((d for d in (old[0], s) if d), default=None),
                                   max((d for d in (old[1], e) if d), default=None))
    return by_event, by_stage


def _as_int(value: object) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def steps(data: ProgramData) -> tuple[list[Step], bool]:
    """The road map's rows with their terms, and whether they come from the sheet (False: from the profile,
    the sheet being absent or empty)."""
    profile = data.program.profile
    settings = data.settings()
    start, end = _as_date(settings.get("program_start")), _as_date(settings.get("program_end"))
    by_event, by_stage = _profile_terms(profile, start, end)
    rows = [r.values for r in data.rows("settings", SHEET) if clean_text(r.values.get("event"))]
    from_sheet = bool(rows)
    if not rows:
        rows = [_profile_row(n, r) for n, r in enumerate(profile.road_map, start=1)]
    out = []
    for n, v in enumerate(rows, start=1):
        stage = _as_int(v.get("stage"))
        guess = by_event.get(_fold(v.get("event"))) or by_stage.get(stage if stage is not None else -1) or (None, None)
        out.append(Step(
            number=_as_int(v.get("number")) or n, stage=stage, event=clean_text(v.get("event")),
            start=_as_date(v.get("start")) or guess[0], end=_as_date(v.get("end")) or guess[1],
            responsible=clean_text(v.get("responsible")), result=clean_text(v.get("result")),
            done=_as_date(v.get("done")),
        ))
    return out, from_sheet


def _profile_row(number: int, row: RoadMapRow) -> dict[str, object]:
    return {"number": number, "stage": row.stage, "event": row.event, "responsible": row.responsible,
            "result": row.result}
