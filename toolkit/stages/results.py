"""Stage 7: the results workbook «06_Итоги», the ranking of mentors written into it, and its checks.

``nastavnik results ПАПКА`` (:func:`run_results`) adds a row for every mentee of every pair or group on the
sheets «Результаты», «Компетенции», «Обратная связь» (and «Взаимная оценка» for teachers), carries over
the start ratings of competencies from the work of pairs (workbook «05_Работа пар», when it is there),
ranks the mentors (:mod:`toolkit.logic.ranking`) and writes the sheet «Рейтинг наставников» with stored values
(no formulas: LibreOffice does not recalculate on load). Everything the curator typed is kept: the
awards chosen in the ranking, the results, the practices, the partners. The previous workbook goes to
«Резервные копии».

The secondary components of the ranking come from the work of pairs: the regularity of meetings against
the frequency promised in the mentor's application, and the share of goals reached (long-term goals,
which by design outlive the program, count only when reached). Without that workbook both components
are left out and every row of the ranking says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.base import files
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, fold
from toolkit.books.reader import Row
from toolkit.books.writer import FOREIGN_SHEETS, ForeignSheet, rewrite_workbook
from toolkit.logic.ranking import MentorInput, Method, RankedMentor, rank
from toolkit.model.program import Program, ProgramData
from toolkit.spec import Profile, WorkbookSpec, resolve, workbook_specs

BOOK = "results"
WORK_BOOK = "work"
DISSOLVED = "Расформирована"
GOAL_REACHED = "Достигнута"
GOAL_CANCELLED = "Отменена"
MUTUAL_ABOUT_MENTOR = ("m1", "m2", "m3", "m4", "m5")
MUTUAL_ABOUT_MENTEE = ("y1", "y2", "y3", "y4")
PAIR_SHEETS = ("results", "feedback", "mutual")
_LETTER, _CERTIFICATE = "letter", "certificate"


def results_spec(profile: Profile) -> WorkbookSpec:
    return resolve(workbook_specs()[BOOK], profile)


def method_of(profile: Profile) -> Method:
    return Method.from_config(profile.ranking, f"{profile.folder}: ranking")


# --------------------------------------------------------------------------- pairs and the work of pairs


@dataclass
class ResultPair:
    """A pair or group that presents results: fixed (both consents) and not dissolved; finished ones count."""

    pair_id: str
    mentor: str
    mentees: list[str]
    start: dt.date | None
    end: dt.date | None


def result_pairs(data: ProgramData) -> list[ResultPair]:
    from toolkit.stages.match import PAIR_PREFIX, is_fixed, normalize_pair_id, rules_of

    rules = rules_of(data.program.profile)
    groups: dict[str, ResultPair] = {}
    for row in data.rows("pairs", "pairs"):
        v = row.values
        if v.get("status") == DISSOLVED or not v.get("mentor_id") or not v.get("mentee_id"):
            continue
        if not is_fixed({**v, "status": None}, rules):  # a finished pair presents its results too
            continue
        pid = normalize_pair_id(v.get("pair_id")) or f"{PAIR_PREFIX}?{row.number}"
        group = groups.setdefault(pid, ResultPair(pid, v["mentor_id"], [], None, None))
        if v["mentor_id"] != group.mentor or v["mentee_id"] in group.mentees:
            continue
        group.mentees.append(v["mentee_id"])
        start, end = v.get("start"), v.get("end")
        if isinstance(start, dt.date) and (group.start is None or start < group.start):
            group.start = start
        if isinstance(end, dt.date) and (group.end is None or end > group.end):
            group.end = end
    return sorted(groups.values(), key=lambda g: g.pair_id)


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
    from toolkit.stages.match import normalize_pair_id

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
    """The day the regularity of meetings is measured up to: today, but not after the end of the program and
    not after the last meeting in the log (the day the pairs' files were last collected, in practice) — so the
    same data always give the same ranking, whenever it is made."""
    day = today or dt.date.today()
    end = data.settings().get("program_end")
    if isinstance(end, dt.date):
        day = min(day, end)
    logged = [m["date"] for pair in (work_of(data) or {}).values() for m in pair.meetings
              if isinstance(m.get("date"), dt.date)]
    return min(day, max(logged)) if logged else day


def regularity(data: ProgramData, pair: ResultPair, work: PairWork | None, as_of: dt.date) -> float | None:
    """Meetings held / meetings promised (by the frequency in the mentor's application), at most 1."""
    from toolkit.model.work import PairInfo, promised_frequency

    start = pair.start or data.settings().get("program_start")
    if pair.mentor not in data.participants or not isinstance(start, dt.date):
        return None
    _, period = promised_frequency(data, PairInfo(pair.pair_id, pair.mentor, list(pair.mentees), pair.start, pair.end))
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
    """Share of goals reached; long-term goals count only when reached, cancelled ones never."""
    if work is None:
        return None
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


def ranking_inputs(data: ProgramData, pairs: list[ResultPair], today: dt.date | None = None
                   ) -> tuple[list[MentorInput], dict[str, str]]:
    """Raw component values of every mentor of a pair, and the components that have no source at all."""
    profile = data.program.profile
    work = work_of(data)
    as_of = as_of_date(data, today)
    feedback: dict[str, list[dict[str, Any]]] = {}
    for row in data.rows(BOOK, "feedback"):
        if row.values.get("mentor_id"):
            feedback.setdefault(row.values["mentor_id"], []).append(row.values)
    mutual: dict[str, list[Any]] = {}
    for row in data.rows(BOOK, "mutual"):
        if row.values.get("mentor_id"):
            mutual.setdefault(row.values["mentor_id"], []).extend(row.values.get(k) for k in MUTUAL_ABOUT_MENTOR)
    inputs: dict[str, MentorInput] = {}
    for pair in pairs:
        mentor = inputs.get(pair.mentor)
        if mentor is None:
            mentor = inputs[pair.mentor] = MentorInput(pair.mentor, name_of(data, pair.mentor))
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


def compute_ranking(data: ProgramData, today: dt.date | None = None) -> list[RankedMentor]:
    method = method_of(data.program.profile)
    inputs, unavailable = ranking_inputs(data, result_pairs(data), today)
    return rank(inputs, method, unavailable)


# --------------------------------------------------------------------------- names and titles


def name_of(data: ProgramData, pid: str) -> str:
    p = data.participants.get(pid)
    return p.name if p else pid


def gender_of(data: ProgramData, pid: str) -> str:
    p = data.participants.get(pid)
    return clean_text(p.values.get("gender")) if p else ""


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


# --------------------------------------------------------------------------- the workbook


@dataclass
class ResultsOutcome:
    path: Path
    backup: Path | None
    lines: list[str]
    ranking: list[RankedMentor]
    added: int = 0


def _kept(rows: Iterable[Row]) -> list[dict[str, Any]]:
    return [r.kept_values() for r in rows]


def _merge_pair_rows(existing: list[dict[str, Any]], wanted: list[dict[str, Any]], key: tuple[str, ...],
                     locked: Iterable[str]) -> tuple[list[dict[str, Any]], int]:
    """Existing rows keep their order and values (locked columns refreshed); missing ones are appended."""
    locked = set(locked)
    by_key = {tuple(w.get(k) for k in key): w for w in wanted}
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for row in existing:
        k = tuple(row.get(x) for x in key)
        fresh = by_key.get(k)
        if fresh is not None and k not in seen:
            row = {**row, **{c: v for c, v in fresh.items() if c in locked}}
        seen.add(k)
        out.append(row)
    added = 0
    for k, w in by_key.items():
        if k not in seen:
            out.append(dict(w))
            added += 1
    return out, added


def _competency_list(profile: Profile) -> list[tuple[str, str]]:
    names = {"meta": "Метакомпетенции", "professional": "Профессиональные компетенции"}
    return [(names.get(group, group), c) for group, items in profile.competencies.items() for c in items]


def _start_ratings(work: dict[str, PairWork] | None) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(member, competency) → (rating at the start, rating now) from the competency analysis of stage 5."""
    out: dict[tuple[str, str], tuple[Any, Any]] = {}
    for pair in (work or {}).values():
        for c in pair.competencies:
            member, name = c.get("member_id"), fold(c.get("competency"))
            if member and name:
                start = c.get("joint_start") if c.get("joint_start") is not None else c.get("self_start")
                out[(member, name)] = (start, c.get("now"))
    return out


def build_rows(data: ProgramData, spec: WorkbookSpec, pairs: list[ResultPair], ranked: list[RankedMentor]
               ) -> tuple[dict[str, Any], int]:
    """The rows of every sheet: what is there, plus rows for new pairs, plus the ranking computed now."""
    book = data.books.get(BOOK)
    sheets = {s.key: s for s in spec.sheets}
    existing: dict[str, list[dict[str, Any]]] = {
        key: _kept(book.tables[key].rows) if book and key in book.tables else [] for key in sheets
        if sheets[key].kind == "table"}
    out: dict[str, Any] = {}
    added = 0
    base_rows = []
    for pair in pairs:
        for mentee in pair.mentees:
            base_rows.append({"pair_id": pair.pair_id, "mentor_id": pair.mentor, "mentor_name": name_of(data, pair.mentor),
                              "mentee_id": mentee, "mentee_name": name_of(data, mentee)})
    ids = ("pair_id", "mentor_name", "mentee_name")
    for key in PAIR_SHEETS:
        if key in sheets:
            out[key], n = _merge_pair_rows(existing[key], base_rows, ("mentor_id", "mentee_id"), ids)
            added += n
    ratings = _start_ratings(work_of(data))
    competency_rows = []
    for base in base_rows:
        for group, name in _competency_list(data.program.profile):
            start, now = ratings.get((base["mentee_id"], fold(name)), (None, None))
            competency_rows.append({"pair_id": base["pair_id"], "mentee_id": base["mentee_id"],
                                    "mentee_name": base["mentee_name"], "group": group, "competency": name,
                                    "start": start, "end": now})
    merged, _ = _merge_pair_rows(existing["competencies"], competency_rows, ("mentee_id", "competency"),
                                 ("pair_id", "mentee_name", "group"))
    # ratings from the competency analysis fill cells that are still empty; typed ones are kept
    fresh = {(r["mentee_id"], r["competency"]): r for r in competency_rows}
    for row in merged:
        source = fresh.get((row.get("mentee_id"), row.get("competency")))
        if source:
            for k in ("start", "end"):
                if row.get(k) in (None, "") and source.get(k) is not None:
                    row[k] = source[k]
    out["competencies"] = merged
    out["ranking"] = ranking_rows(ranked, existing.get("ranking", []))
    for key in ("practices", "partners"):
        out[key] = existing.get(key, [])
    if book and "event" in book.forms:
        out["event"] = {k: v for k, v in book.forms["event"].values.items() if v is not None}
    return out, added


_CHOICE_KEYS = ("award", "points", "reason", "note")


def ranking_rows(ranked: list[RankedMentor], existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ranking sheet: computed columns from ``ranked``; the curator's award, points, reason and note kept."""
    chosen = {r.get("mentor_id"): r for r in existing if r.get("mentor_id")}
    rows = []
    for r in ranked:
        old = chosen.pop(r.id, {})
        row: dict[str, Any] = {
            "place": r.place or "—", "mentor_id": r.id, "mentor_name": r.name, "mentees": "\n".join(r.mentees),
            "c_mentees": _round(r.raw.get("mentees")), "c_curator": _round(r.raw.get("curator")),
            "c_community": _round(r.raw.get("community")), "c_mutual": _round(r.raw.get("mutual")),
            "c_regularity": _percent(r.raw.get("regularity")), "c_goals": _percent(r.raw.get("goals")),
            "total": r.total, "explanation": r.explanation, "ties": r.ties,
        }
        row.update({k: old[k] for k in (*_CHOICE_KEYS, "__extra__") if old.get(k) not in (None, "", [])})
        rows.append(row)
    for old in chosen.values():  # a mentor with an award but no pair now: the choice is not lost
        if any(old.get(k) not in (None, "", []) for k in _CHOICE_KEYS):
            rows.append({**{k: old.get(k) for k in ("mentor_id", "mentor_name", *_CHOICE_KEYS, "__extra__")
                            if old.get(k) is not None},
                         "place": "—", "explanation": "Наставника нет среди пар с результатами: в рейтинг не включён."})
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value)


def run_results(program: Program, report: Report, *, today: dt.date | None = None, backup: bool = True
                ) -> ResultsOutcome:
    """Prepare or refresh «06_Итоги»: rows for every pair, the ranking; the previous file to the backups."""
    from toolkit.base.messages import FATAL_CODES

    spec = results_spec(program.profile)
    target = program.root / (spec.file + ".xlsx")
    found = program.find_files(spec)
    for path in found:
        files.ensure_not_locked(path)
    before = Report()
    data = program.load(before)
    if found and BOOK not in data.books:
        problem = next((p for p in before if p.file == found[0].name and p.code in FATAL_CODES), None)
        raise NastavnikError(f"Книга «{found[0].name}» не прочитана" + (f": {problem.message}" if problem else ".")
                             + " Она не перезаписана: исправьте файл или уберите его из папки.")
    if "pairs" not in data.books:
        raise NastavnikError("Книга «04_Пары» не прочитана: итоги подводятся для закреплённых пар. "
                             "Сначала сформируйте пары командой «nastavnik match».")
    from toolkit.base.messages import render
    from toolkit.stages.pair_files import unreadable_work_book

    broken = unreadable_work_book(program, data, before)
    if broken is not None:  # the ranking would be made without the meetings and the goals, and differ
        raise NastavnikError(render("book-unreadable", book=broken[0], detail=broken[1], consequence=(
            "Итоги не пересчитаны: без журнала встреч и целей рейтинг наставников получился бы другим. "
            "Исправьте книгу или восстановите её из резервной копии.")))
    carried: list[ForeignSheet] = []  # sheets of the curator's own, written back as they are
    if found:  # «06_Итоги» is rewritten from what was read: it must lose nothing
        from toolkit.stages.registry_import import ensure_rewritable

        carried = ensure_rewritable(before, data.books[BOOK], spec)
    pairs = result_pairs(data)
    method = method_of(program.profile)
    ranked = compute_ranking(data, today)
    rows, added = build_rows(data, spec, pairs, ranked)
    written, saved = rewrite_workbook(target, found[0] if found else None, spec, program.profile,
                                      program.program_id, {**rows, FOREIGN_SHEETS: carried}, backup_root=program.root if backup else None)
    lines: list[str] = [] if written else [f"Книга «{target.name}» не изменилась: в ней уже всё это есть."]
    for old in found:
        if old != target:
            old.unlink()
            lines.append(files.format_note(old, target))
    report.extend(before)
    with_place = [r for r in ranked if r.ranked]
    lines.insert(0, f"Пар и групп с итогами: {len(pairs)}; новых строк для пар: {added}.")
    lines.append(f"Метод рейтинга (профиль формы): {method.weights_text()}.")
    lines.append(f"Рейтинг наставников: с местом {len(with_place)}, без места {len(ranked) - len(with_place)}"
                 + (" (нет обратной связи)" if len(ranked) > len(with_place) else "") + ".")
    for r in with_place[:3]:
        lines.append(f"  {r.place}. {r.name} — {str(r.total).replace('.', ',')}")
    left_out = sorted({part.split(":")[0] for r in ranked for part in r.explanation.split("; ")
                       if part.endswith("не учитывается")})
    if left_out:
        lines.append("Не учтены (нет данных): " + ", ".join(left_out) + ".")
    return ResultsOutcome(target, saved, lines, ranked, added)


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


# --------------------------------------------------------------------------- checks (nastavnik check)


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


def _check_stale(data: ProgramData, label: str, sheet: str, rows: list[Row], pairs: list[ResultPair],
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
            now, then = _round(m.raw.get(key)), row.get(column)
            if (now is None) != (then is None) or (now is not None and then is not None and abs(now - then) > 0.006):
                report.add("results-ranking-stale", file=label, sheet=sheet, id=m.id)
                return
