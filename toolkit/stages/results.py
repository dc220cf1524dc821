"""Stage 7: the results workbook «06_Итоги» and the ranking of mentors written into it.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.base import files
from toolkit.base.lock import locks_program
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import fold
from toolkit.books.reader import Row
from toolkit.books.rewrite import ensure_rewritable, rewrite_stage_book
from toolkit.books.writer import ForeignSheet
from toolkit.checks.program import load_program
from toolkit.checks.results import award_attention
from toolkit.logic.evaluation import (
    BOOK,
    PAIR_SHEETS,
    PairWork,
    as_of_date,
    as_percent,
    compute_ranking,
    method_of,
    name_of,
    rounded,
    work_of,
)
from toolkit.logic.ranking import RankedMentor
from toolkit.model.pairs import Pair, result_pairs
from toolkit.model.program import Program, ProgramData
from toolkit.spec import Profile, WorkbookSpec, resolve, workbook_specs


def results_spec(profile: Profile) -> WorkbookSpec:
    return resolve(workbook_specs()[BOOK], profile)


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


def build_rows(data: ProgramData, spec: WorkbookSpec, pairs: list[Pair], ranked: list[RankedMentor]
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
            "c_mentees": rounded(r.raw.get("mentees")), "c_curator": rounded(r.raw.get("curator")),
            "c_community": rounded(r.raw.get("community")), "c_mutual": rounded(r.raw.get("mutual")),
            "c_regularity": as_percent(r.raw.get("regularity")), "c_goals": as_percent(r.raw.get("goals")),
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


@locks_program("nastavnik results")
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
    data = load_program(program, before)
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
        carried = ensure_rewritable(before, data.books[BOOK], spec)
    pairs = result_pairs(data)
    method = method_of(program.profile)
    ranked = compute_ranking(data, today)
    rows, added = build_rows(data, spec, pairs, ranked)
    done = rewrite_stage_book(target, found, spec, program.profile, program.program_id, rows, carried,
                              backup_root=program.root if backup else None)
    lines: list[str] = list(done.notes)
    saved = done.backup
    # the awards are judged as of the evaluation day of this run, not of the day `check` would take
    report.extend(p for p in before if p.code != "results-award-attention")
    if BOOK in data.books:
        award_attention(data, as_of_date(data, today), report)
    with_place = [r for r in ranked if r.ranked]
    lines.insert(0, f"Пар и групп с итогами: {len(pairs)}; новых строк для пар: {added}.")
    lines.append(f"Метод рейтинга (профиль формы): {method.weights_text()}.")
    lines.append(f"Рейтинг наставников: с местом {len(with_place)}, без места {len(ranked) - len(with_place)}.")
    for r in with_place[:3]:
        lines.append(f"  {r.place}. {r.name} — {str(r.total).replace('.', ',')}")
    for r in ranked:
        if not r.ranked:
            lines.append(f"  Без места: {r.name} — {r.excluded}.")
    left_out = sorted({part.split(":")[0] for r in ranked for part in r.explanation.split("; ")
                       if part.endswith("не учитывается")})
    if left_out:
        lines.append("Не учтены (нет данных): " + ", ".join(left_out) + ".")
    return ResultsOutcome(target, saved, lines, ranked, added)

