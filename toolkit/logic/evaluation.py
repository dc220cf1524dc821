"""Stage 7 computed: the work of each pair up to the evaluation day, the components of the mentors' ranking
(regularity of meetings against the promised frequency, goals reached, feedback), and the awards the curator
chose in «06_Итоги». Pure computation over a read program; `results`, `check` and the documents use it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from toolkit.base.values import clean_text, fold
from toolkit.books.reader import Row
from toolkit.logic.ranking import MentorInput, Method, RankedMentor, rank
from toolkit.model.pairs import Pair, normalize_pair_id, result_pairs
from toolkit.model.program import ProgramData
from toolkit.model.work import promised_frequency
from toolkit.spec import Profile, workbook_specs

BOOK = "results"
WORK_BOOK = "work"
DISSOLVED = "Расформирована"
GOAL_REACHED = "Достигнута"
GOAL_CANCELLED = "Отменена"
MUTUAL_ABOUT_MENTOR = ("m1", "m2", "m3", "m4", "m5")
MUTUAL_ABOUT_MENTEE = ("y1", "y2", "y3", "y4")
FEEDBACK_SCORES = ("mentee_score", "curator_score", "community_score")
PAIR_SHEETS = ("results", "feedback", "mutual")
_LETTER, _CERTIFICATE = "letter", "certificate"



def method_of(profile: Profile) -> Method:
    return Method.from_config(profile.ranking, f"{profile.folder}: ranking")


# --------------------------------------------------------------------------- pairs and the work of pairs


@dataclass
class PairWork:
    """The work of one pair or group from «05_Работа пар» (rows as the reader gives them)."""

    meetings: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)
    sprints: list[dict[str, Any]] = field(default_factory=list)
    competencies: list[dict[str, Any]] = field(default_factory=list)
    intermediate: list[dict[str, Any]] = field(default_factory=list)
    diary: list[dict[str, Any]] = field(default_factory=list)


def work_of(data: ProgramData) -> dict[str, PairWork] | None:
    """The work of every pair by pair ID; None when the program has no work-of-pairs workbook."""
    book = data.books.get(WORK_BOOK)
    if book is None:
        return None
    out: dict[str, PairWork] = {}
    targets = {"meetings": "meetings", "goals": "goals", "sprints": "sprints", "competencies": "competencies",
               "results": "intermediate", "diary": "diary"}
    for sheet, attr in targets.items():
        table = book.tables.get(sheet)
        if table is None:
            continue
        for row in table.rows:
            pid = normalize_pair_id(row.values.get("pair_id"))
            if pid:
                getattr(out.setdefault(pid, PairWork()), attr).append(dict(row.values))
    for work in out.values():
        work.meetings.sort(key=lambda m: (m.get("date") or dt.date.max, m.get("number") or 0))
        work.goals.sort(key=lambda g: g.get("goal_no") or 0)
        work.sprints.sort(key=lambda s: (s.get("goal_no") or 0, s.get("sprint_no") or 0))
    return out


def work_book_name(data: ProgramData) -> str:
    spec = workbook_specs().get(WORK_BOOK)
    return f"«{spec.file}»" if spec else "«05_Работа пар»"


def as_of_date(data: ProgramData, today: dt.date | None = None) -> dt.date:
    """The evaluation day: the day given (``--date``, else today), but not after the end of the program.
    Regularity and goals are measured up to it — a pair that stopped meeting in December is measured against
    every meeting it promised until then, not only until its last one."""
    day = today or dt.date.today()
    end = data.settings().get("program_end")
    if isinstance(end, dt.date):
        day = min(day, end)
    return day


def data_as_of(data: ProgramData, day: dt.date) -> ProgramData:
    """The program as it was known on ``day``: rows of «05_Работа пар» dated after it (meetings, diary entries,
    intermediate results) left out — a document dated 04.12.2026 does not list a meeting of 10.02.2027."""
    book = data.books.get(WORK_BOOK)
    if book is None:
        return data
    tables = {key: replace(table, rows=[r for r in table.rows
                                        if not (isinstance(r.values.get("date"), dt.date) and r.values["date"] > day)])
              for key, table in book.tables.items()}
    return replace(data, books={**data.books, WORK_BOOK: replace(book, tables=tables)})


def regularity(data: ProgramData, pair: Pair, work: PairWork | None, as_of: dt.date) -> float | None:
    """Meetings held / meetings promised (by the frequency in the mentor's application), at most 1."""

    start = pair.start or data.settings().get("program_start")
    if pair.mentor not in data.participants or not isinstance(start, dt.date):
        return None
    _, period = promised_frequency(data, pair)
    end = min(as_of, pair.end) if pair.end else as_of
    if not period or end < start:
        return None
    expected = max(1, ((end - start).days + 1) // period)
    held = sum(1 for m in (work.meetings if work else []) if isinstance(m.get("date"), dt.date)
               and start <= m["date"] <= end)
    return min(1.0, held / expected)


def _long_horizons(profile: Profile) -> set[str]:
    return {fold(h.name) for h in profile.sprint_horizons if h.max_months > 12}


def goals_reached(profile: Profile, work: PairWork | None) -> float | None:
    """Share of goals reached; long-term goals count only when reached, cancelled ones never. A pair that
    wrote no goal at all (or has no rows in the work of pairs) reached none: 0. None only when every goal
    is long-term and not reached yet, or cancelled."""
    if work is None or not work.goals:
        return 0.0
    long = _long_horizons(profile)
    counted = [g for g in work.goals if g.get("status") != GOAL_CANCELLED
               and (g.get("status") == GOAL_REACHED or fold(g.get("horizon")) not in long)]
    if not counted:
        return None
    return sum(1 for g in counted if g.get("status") == GOAL_REACHED) / len(counted)


# --------------------------------------------------------------------------- ranking inputs


def _mean(values: Iterable[Any]) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return sum(numbers) / len(numbers) if numbers else None


def ranking_inputs(data: ProgramData, pairs: list[Pair], today: dt.date | None = None
                   ) -> tuple[list[MentorInput], dict[str, str]]:
    """Raw component values of every mentor of a pair, and the components that have no source at all."""
    profile = data.program.profile
    work = work_of(data)
    as_of = as_of_date(data, today)
    feedback: dict[str, list[dict[str, Any]]] = {}
    invalid: dict[str, list[str]] = {}
    for row in data.rows(BOOK, "feedback"):
        if row.values.get("mentor_id"):
            feedback.setdefault(row.values["mentor_id"], []).append(row.values)
            _note_invalid(data, "feedback", row, FEEDBACK_SCORES, invalid)
    mutual: dict[str, list[Any]] = {}
    for row in data.rows(BOOK, "mutual"):
        if row.values.get("mentor_id"):
            mutual.setdefault(row.values["mentor_id"], []).extend(row.values.get(k) for k in MUTUAL_ABOUT_MENTOR)
            _note_invalid(data, "mutual", row, MUTUAL_ABOUT_MENTOR, invalid)
    inputs: dict[str, MentorInput] = {}
    for pair in pairs:
        mentor = inputs.get(pair.mentor)
        if mentor is None:
            mentor = inputs[pair.mentor] = MentorInput(pair.mentor, name_of(data, pair.mentor),
                                                        invalid=invalid.get(pair.mentor, []))
        mentor.mentees.extend(name_of(data, m) for m in pair.mentees)
        rows = feedback.get(pair.mentor, [])
        mentor.raw["mentees"] = _mean(r.get("mentee_score") for r in rows)
        mentor.raw["curator"] = _mean(r.get("curator_score") for r in rows)
        mentor.raw["community"] = _mean(r.get("community_score") for r in rows)
        mentor.raw["mutual"] = _mean(mutual.get(pair.mentor, []))
        pair_work = work.get(pair.pair_id) if work is not None else None
        reg = regularity(data, pair, pair_work, as_of) if work is not None else None
        goals = goals_reached(profile, pair_work) if work is not None else None
        # a mentor leads one pair or group; should there be two, the better-documented one counts
        if reg is not None or "regularity" not in mentor.raw:
            mentor.raw["regularity"] = reg
        if goals is not None or "goals" not in mentor.raw:
            mentor.raw["goals"] = goals
    unavailable: dict[str, str] = {}
    if work is None:
        why = f"нет книги {work_book_name(data)} (журнал встреч и цели пар)"
        unavailable = {"regularity": why, "goals": why}
    return sorted(inputs.values(), key=lambda m: m.id), unavailable


def _note_invalid(data: ProgramData, sheet: str, row: Row, keys: Iterable[str], out: dict[str, list[str]]) -> None:
    """Cells of a component that hold an invalid value: «Обратная связь»!E5 («отлично»)."""
    table = data.books[BOOK].tables[sheet]
    for key in keys:
        if key in row.bad:
            out.setdefault(row.values["mentor_id"], []).append(
                f"«{table.name}»!{row.cell(key)} («{clean_text(row.raw.get(key))}»)")


def compute_ranking(data: ProgramData, today: dt.date | None = None) -> list[RankedMentor]:
    method = method_of(data.program.profile)
    inputs, unavailable = ranking_inputs(data, result_pairs(data), today)
    return rank(inputs, method, unavailable)


# --------------------------------------------------------------------------- names and titles


def name_of(data: ProgramData, pid: str) -> str:
    p = data.participants.get(pid)
    return p.name if p else pid


# subject → (nominative, dative) of the teacher's position; «учитель» is used for both genders
_POSITIONS: dict[str, tuple[str, str]] = {
    "Педагог-психолог": ("педагог-психолог", "педагогу-психологу"),
    "Социальный педагог": ("социальный педагог", "социальному педагогу"),
    "Педагог дополнительного образования": ("педагог дополнительного образования",
                                            "педагогу дополнительного образования"),
}
_SUBJECT_GENITIVE = {
    "Начальные классы": "начальных классов", "Русский язык и литература": "русского языка и литературы",
    "Математика": "математики", "Информатика": "информатики", "Физика": "физики", "Химия": "химии",
    "Биология": "биологии", "География": "географии", "История и обществознание": "истории и обществознания",
    "Английский язык": "английского языка", "Немецкий язык": "немецкого языка",
    "Физическая культура": "физической культуры", "Музыка": "музыки", "ИЗО": "изобразительного искусства",
    "Технология": "технологии", "ОБЗР": "ОБЗР",
}


def class_words(klass: str) -> str:
    """«9Б» → «9 «Б» класса», «10» → «10 класса»."""
    text = clean_text(klass)
    digits = "".join(ch for ch in text if ch.isdigit())
    letter = text[len(digits):].strip()
    if not digits:
        return text
    return f"{digits} «{letter}» класса" if letter else f"{digits} класса"


def position(data: ProgramData, pid: str, dative: bool) -> str:
    """«ученику 9 «Б» класса» / «ученица 10 «А» класса»; «учителю математики» / «педагог-психолог»."""
    p = data.participants.get(pid)
    if p is None:
        return ""
    female = fold(p.values.get("gender")) == fold("ж")
    v = p.values
    if clean_text(v.get("class")):
        word = ("ученице" if female else "ученику") if dative else ("ученица" if female else "ученик")
        klass = clean_text(v.get("class"))
        return f"{word} {class_words(klass)}" if klass else word
    if clean_text(v.get("study_place")):  # a student of a college or university
        word = ("студентке" if female else "студенту") if dative else ("студентка" if female else "студент")
        course = f" {v['course']} курса" if isinstance(v.get("course"), int) else ""
        return f"{word}{course} {clean_text(v['study_place'])}"
    if clean_text(v.get("organization")):  # an employee of a partner organisation
        word = ("сотруднице" if female else "сотруднику") if dative else ("сотрудница" if female else "сотрудник")
        job = clean_text(v.get("position"))
        return f"{word} {clean_text(v['organization'])}" + (f" ({job[:1].lower() + job[1:]})" if job else "")
    if data.program.profile.kind == "student":
        return ("ученице" if female else "ученику") if dative else ("ученица" if female else "ученик")
    subject = clean_text(p.values.get("subject"))
    if subject in _POSITIONS:
        return _POSITIONS[subject][1 if dative else 0]
    word = "учителю" if dative else "учитель"
    genitive = _SUBJECT_GENITIVE.get(subject)
    if genitive:
        return f"{word} {genitive}"
    return f"{'педагогу' if dative else 'педагог'}" + (f" ({subject})" if subject else "")


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def as_percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value)


# --------------------------------------------------------------------------- what the curator chose


@dataclass
class Award:
    """A row of the ranking sheet as documents see it."""

    mentor_id: str
    name: str
    place: str
    total: float | None
    awards: list[str]
    points: int | None
    reason: str
    row: int


def chosen_awards(data: ProgramData) -> list[Award]:
    out = []
    for row in data.rows(BOOK, "ranking"):
        v = row.values
        if not v.get("mentor_id"):
            continue
        total = v.get("total")
        registered = v["mentor_id"] in data.participants  # the registry has the name as it is now
        out.append(Award(v["mentor_id"], name_of(data, v["mentor_id"]) if registered else clean_text(v.get("mentor_name")),
                         clean_text(v.get("place")), float(total) if isinstance(total, (int, float)) else None,
                         list(v.get("award") or []), v.get("points"), clean_text(v.get("reason")), row.number))
    return out


def award_kind(profile: Profile, award: str) -> str | None:
    """«letter», «certificate» or None (points): from the profile, else by the word in the award's name."""
    method = method_of(profile)
    if award in method.award_documents:
        return method.award_documents[award]
    text = fold(award)
    if "грамот" in text:
        return _CERTIFICATE
    if "письм" in text or "благодарн" in text:
        return _LETTER
    return None

